//! The essay's outline as document symbols and folding ranges, and glossary terms as semantic
//! tokens.

use std::ops::Range;

use tower_lsp_server::ls_types::*;

use essay_core::document::Document;
use essay_core::glossary::{Glossary, Source};
use essay_core::outline::{HeadingKind, Outline, Section};

use super::convert;

/// The one token type: a standard one, so that editors colour it without configuration.
pub const TOKEN_TYPE: SemanticTokenType = SemanticTokenType::KEYWORD;
/// Set on terms of the built-in glossary; a writer's own terms have no modifier.
pub const TOKEN_MODIFIER: SemanticTokenModifier = SemanticTokenModifier::DEFAULT_LIBRARY;

pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: vec![TOKEN_TYPE],
        token_modifiers: vec![TOKEN_MODIFIER],
    }
}

#[allow(deprecated)] // `deprecated` must be spelled out
fn symbol(doc: &Document, s: &Section) -> DocumentSymbol {
    DocumentSymbol {
        name: s.title.clone(),
        detail: Some(format!("{} 字", s.count.total)),
        kind: match s.kind {
            HeadingKind::Part | HeadingKind::Piece => SymbolKind::MODULE,
            HeadingKind::Point => SymbolKind::ENUM_MEMBER,
            _ => SymbolKind::STRING,
        },
        tags: None,
        deprecated: None,
        range: convert::range(doc, s.range.clone()),
        selection_range: convert::range(doc, s.title_range.clone()),
        children: (!s.children.is_empty())
            .then(|| s.children.iter().map(|c| symbol(doc, c)).collect()),
    }
}

pub fn document_symbols(doc: &Document, outline: &Outline) -> Vec<DocumentSymbol> {
    outline.sections.iter().map(|s| symbol(doc, s)).collect()
}

/// One range per section that spans more than its heading line.
pub fn folding_ranges(outline: &Outline) -> Vec<FoldingRange> {
    fn walk(sections: &[Section], out: &mut Vec<FoldingRange>) {
        for s in sections {
            if s.end_line > s.start_line {
                out.push(FoldingRange {
                    start_line: s.start_line as u32,
                    end_line: s.end_line as u32,
                    kind: Some(FoldingRangeKind::Region),
                    collapsed_text: Some(format!("{}（{} 字）", s.title, s.count.total)),
                    ..FoldingRange::default()
                });
            }
            walk(&s.children, out);
        }
    }
    let mut out = Vec::new();
    walk(&outline.sections, &mut out);
    out
}

/// Glossary terms in `text` as semantic tokens (relative encoding, one line per token: a term
/// across a line break becomes two tokens).
pub fn semantic_tokens(doc: &Document, text: &str, glossary: &Glossary) -> Vec<SemanticToken> {
    let entries = glossary.entries();
    let mut spans: Vec<(u32, u32, u32, u32)> = Vec::new(); // line, start, length, modifiers
    for (range, entry) in glossary.find_terms(text) {
        let modifiers = match entries.get(entry).map(|e| &e.source) {
            Some(Source::Builtin) => 1,
            _ => 0,
        };
        for piece in per_line(doc, range) {
            let (start, end) = doc.range(piece);
            if end.character > start.character {
                spans.push((
                    start.line,
                    start.character,
                    end.character - start.character,
                    modifiers,
                ));
            }
        }
    }
    spans.sort_unstable();
    let mut tokens = Vec::with_capacity(spans.len());
    let (mut line, mut character) = (0, 0);
    for (l, c, length, modifiers) in spans {
        let delta_line = l - line;
        let delta_start = if delta_line == 0 { c - character } else { c };
        tokens.push(SemanticToken {
            delta_line,
            delta_start,
            length,
            token_type: 0,
            token_modifiers_bitset: modifiers,
        });
        line = l;
        character = c;
    }
    tokens
}

/// `range` cut at line breaks.
fn per_line(doc: &Document, range: Range<usize>) -> Vec<Range<usize>> {
    let rope = doc.rope();
    let end = range.end.min(rope.len_chars());
    let mut start = range.start.min(end);
    let mut out = Vec::new();
    while start < end {
        let line = rope.char_to_line(start);
        let next_line = if line + 1 < rope.len_lines() {
            rope.line_to_char(line + 1)
        } else {
            rope.len_chars()
        };
        let mut stop = end.min(next_line);
        // Leave the line break out.
        while stop > start && matches!(rope.char(stop - 1), '\n' | '\r') {
            stop -= 1;
        }
        if stop > start {
            out.push(start..stop);
        }
        start = next_line.max(start + 1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use essay_core::corpus::Corpus;
    use essay_core::document::PositionEncoding;

    #[test]
    fn tokens_are_relative_and_in_utf16_units() {
        let (glossary, _) = Glossary::load(&Corpus::default(), &[]);
        let text = "𠀀两不愁三保障\n我们坚持精准扶贫，精准扶贫。";
        let doc = Document::new(text, PositionEncoding::Utf16);
        let tokens = semantic_tokens(&doc, text, &glossary);
        let flat: Vec<[u32; 5]> = tokens
            .iter()
            .map(|t| {
                [
                    t.delta_line,
                    t.delta_start,
                    t.length,
                    t.token_type,
                    t.token_modifiers_bitset,
                ]
            })
            .collect();
        assert_eq!(
            flat,
            [[0, 2, 6, 0, 1], [1, 4, 4, 0, 1], [0, 5, 4, 0, 1]],
            "{tokens:?}"
        );
    }

    #[test]
    fn a_term_across_a_line_break_is_two_tokens() {
        let doc = Document::new("甲两不愁\r\n三保障", PositionEncoding::Utf16);
        assert_eq!(per_line(&doc, 1..9), [1..4, 6..9]);
    }
}
