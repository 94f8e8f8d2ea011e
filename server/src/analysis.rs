//! The analysis entry point: everything loaded once, and one call that checks a draft.

use std::ops::Range;

use crate::checks::copied::{self, Similarity};
use crate::checks::{boilerplate::Boilerplate, formulaic::StockPhrases, placeholder, repeated};
use crate::checks::{Code, Finding};
use crate::config::Settings;
use crate::corpus::{Corpus, LoadProblem};
use crate::fingerprint::Index;
use crate::glossary::Glossary;
use crate::normalize::{normalize, normalize_str};
use crate::phrases::PhraseBook;

/// Drafts longer than this are analysed only up to here: a 5 MB paste must not stall the
/// server, and no essay is that long. The report says when it was cut.
pub const MAX_ANALYZED_CHARS: usize = 400_000;

/// The corpus and everything derived from it, built once per configuration.
pub struct Analyzer {
    pub corpus: Corpus,
    pub index: Index,
    pub glossary: Glossary,
    pub phrases: PhraseBook,
    stock: StockPhrases,
    boilerplate: Boilerplate,
}

#[derive(Debug, Clone, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub similarity: Similarity,
    /// Chars analysed, when the draft was longer than `MAX_ANALYZED_CHARS`.
    pub truncated_at: Option<usize>,
}

impl Analyzer {
    /// Loads the corpora and glossaries the settings name; unreadable files are returned as
    /// problems and skipped.
    pub fn new(settings: &Settings) -> (Analyzer, Vec<LoadProblem>) {
        let (corpus, mut problems) = Corpus::load(&settings.corpus_paths, settings.include_builtin);
        let (analyzer, more) = Analyzer::from_corpus(corpus, settings);
        problems.extend(more);
        (analyzer, problems)
    }

    pub fn from_corpus(corpus: Corpus, settings: &Settings) -> (Analyzer, Vec<LoadProblem>) {
        let index = Index::build(corpus.essays.iter().map(|e| e.text.as_str()));
        let (glossary, problems) = Glossary::load(&corpus, &settings.glossary_paths);
        let terms: Vec<String> = glossary
            .entries()
            .iter()
            .flat_map(|e| std::iter::once(e.term.clone()).chain(e.variants.iter().cloned()))
            .collect();
        let phrases = PhraseBook::build(&corpus, &terms);
        let stock = StockPhrases::build(&corpus, &settings.extra_stock_phrases);
        let analyzer = Analyzer {
            corpus,
            index,
            glossary,
            phrases,
            stock,
            boilerplate: Boilerplate::builtin(),
        };
        (analyzer, problems)
    }

    /// Runs every enabled check over `text`.
    pub fn check(&self, text: &str, settings: &Settings) -> Report {
        let (text, truncated_at) = match text.char_indices().nth(MAX_ANALYZED_CHARS) {
            Some((byte, _)) => (&text[..byte], Some(MAX_ANALYZED_CHARS)),
            None => (text, None),
        };
        let draft = normalize(text);
        let min_len = settings.min_match_chars;
        let mut findings = Vec::new();

        let spans = copied::find_copies(&self.index, &draft, text, min_len);
        let similarity = Similarity::from_spans(&spans, draft.len());
        findings.extend(copied::findings(&spans, &self.corpus, &self.index, &draft));
        findings.extend(repeated::check(&draft, text, min_len));
        findings.extend(placeholder::check(text));
        findings.extend(self.boilerplate.check(text));
        findings.extend(self.stock.check(text));

        let suppressed = Suppressions::parse(text);
        let ignored: Vec<String> = settings
            .ignored_phrases
            .iter()
            .map(|p| normalize_str(p))
            .filter(|p| !p.is_empty())
            .collect();
        let chars: Vec<char> = if ignored.is_empty() {
            Vec::new()
        } else {
            text.chars().collect()
        };
        findings.retain(|f| {
            settings.is_enabled(f.code)
                && !suppressed.covers(f.code, f.range.start)
                && !is_ignored(&chars, &f.range, &ignored)
        });
        for f in &mut findings {
            f.severity = settings.severity_of(f.code);
        }
        findings.sort_by_key(|f| (f.range.start, f.range.end, f.code));
        Report {
            findings,
            similarity,
            truncated_at,
        }
    }
}

/// A finding is ignored when its text is part of an ignored phrase, or an ignored phrase makes
/// up most of it.
fn is_ignored(chars: &[char], range: &Range<usize>, ignored: &[String]) -> bool {
    if ignored.is_empty() {
        return false;
    }
    let text: String = chars[range.start.min(chars.len())..range.end.min(chars.len())]
        .iter()
        .collect();
    let text = normalize_str(&text);
    let len = text.chars().count();
    ignored.iter().any(|phrase| {
        phrase.contains(text.as_str())
            || (text.contains(phrase.as_str()) && phrase.chars().count() * 2 >= len)
    })
}

/// Regions switched off with `<!-- essay-lsp-disable [CODE…] -->` … `<!-- essay-lsp-enable [CODE…] -->`.
/// HTML comments work in Markdown and read plainly enough in .txt files, so one syntax serves both.
#[derive(Debug, Default)]
struct Suppressions {
    /// (code or None for every check, char range)
    regions: Vec<(Option<Code>, Range<usize>)>,
}

impl Suppressions {
    fn parse(text: &str) -> Suppressions {
        let mut out = Suppressions::default();
        if !text.contains("essay-lsp-") {
            return out;
        }
        let mut open: Vec<(Option<Code>, usize)> = Vec::new();
        let mut rest = text;
        let mut offset = 0; // chars consumed before `rest`
        while let Some(start) = rest.find("<!--") {
            let Some(len) = rest[start..].find("-->") else {
                break;
            };
            let body = rest[start + 4..start + len].trim();
            let end_byte = start + len + 3;
            let comment_end = offset + rest[..end_byte].chars().count();
            let mut words = body.split_whitespace();
            let directive = words.next();
            let codes: Vec<Option<Code>> = {
                let named: Vec<Option<Code>> = words.filter_map(Code::parse).map(Some).collect();
                if named.is_empty() {
                    vec![None]
                } else {
                    named
                }
            };
            match directive {
                Some("essay-lsp-disable") => {
                    for code in codes {
                        open.push((code, comment_end));
                    }
                }
                Some("essay-lsp-enable") => {
                    open.retain(|(code, from)| {
                        let closes = codes.contains(&None) || codes.contains(code);
                        if closes {
                            out.regions.push((*code, *from..comment_end));
                        }
                        !closes
                    });
                }
                _ => {}
            }
            offset = comment_end;
            rest = &rest[end_byte..];
        }
        for (code, from) in open {
            out.regions.push((code, from..usize::MAX));
        }
        out
    }

    fn covers(&self, code: Code, at: usize) -> bool {
        self.regions
            .iter()
            .any(|(c, r)| (c.is_none() || *c == Some(code)) && r.contains(&at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suppression_regions() {
        let text = "甲<!-- essay-lsp-disable placeholder -->乙<!-- essay-lsp-enable -->丙<!-- essay-lsp-disable -->丁";
        let s = Suppressions::parse(text);
        let at = |c: char| text.chars().position(|x| x == c).unwrap();
        assert!(!s.covers(Code::Placeholder, at('甲')));
        assert!(s.covers(Code::Placeholder, at('乙')));
        assert!(!s.covers(Code::Boilerplate, at('乙')));
        assert!(!s.covers(Code::Placeholder, at('丙')));
        assert!(s.covers(Code::Boilerplate, at('丁')));
    }
}
