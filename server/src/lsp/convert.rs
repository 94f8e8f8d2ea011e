//! Conversions between the core's char offsets and LSP's positions and types.

use tower_lsp_server::ls_types as lsp;

use essay_core::analysis::Analyzer;
use essay_core::checks::{Finding, Fix, Place, Severity};
use essay_core::document::{Document, Position, PositionEncoding};
use essay_core::glossary::HoverInfo;
use essay_core::phrases::Completion;
use essay_core::project::Problem;

pub fn position(p: Position) -> lsp::Position {
    lsp::Position::new(p.line, p.character)
}

pub fn from_position(p: lsp::Position) -> Position {
    Position::new(p.line, p.character)
}

pub fn range(doc: &Document, chars: std::ops::Range<usize>) -> lsp::Range {
    let (start, end) = doc.range(chars);
    lsp::Range::new(position(start), position(end))
}

pub fn from_range(r: lsp::Range) -> (Position, Position) {
    (from_position(r.start), from_position(r.end))
}

pub fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Information => lsp::DiagnosticSeverity::INFORMATION,
        Severity::Hint => lsp::DiagnosticSeverity::HINT,
    }
}

pub fn encoding_kind(e: PositionEncoding) -> lsp::PositionEncodingKind {
    match e {
        PositionEncoding::Utf8 => lsp::PositionEncodingKind::UTF8,
        PositionEncoding::Utf16 => lsp::PositionEncodingKind::UTF16,
        PositionEncoding::Utf32 => lsp::PositionEncodingKind::UTF32,
    }
}

/// The first encoding the client lists that we speak; UTF-16 when it lists none (the default
/// every client must support).
pub fn negotiate_encoding(caps: &lsp::ClientCapabilities) -> PositionEncoding {
    let offered = caps
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    if let Some(first) = offered.and_then(|list| list.first()) {
        if *first == lsp::PositionEncodingKind::UTF8 {
            return PositionEncoding::Utf8;
        }
        if *first == lsp::PositionEncodingKind::UTF32 {
            return PositionEncoding::Utf32;
        }
    }
    PositionEncoding::Utf16
}

/// A finding as an LSP diagnostic. `file_location` resolves corpus-file places (which need the
/// file's text to turn char offsets into positions).
pub fn diagnostic(
    doc: &Document,
    uri: &lsp::Uri,
    finding: &Finding,
    file_location: &dyn Fn(&Place) -> Option<lsp::Location>,
) -> lsp::Diagnostic {
    let related: Vec<lsp::DiagnosticRelatedInformation> = finding
        .related
        .iter()
        .filter_map(|r| {
            let location = match &r.place {
                Place::Draft(chars) => lsp::Location::new(uri.clone(), range(doc, chars.clone())),
                place @ Place::File { .. } => file_location(place)?,
            };
            Some(lsp::DiagnosticRelatedInformation {
                location,
                message: r.message.clone(),
            })
        })
        .collect();
    lsp::Diagnostic {
        range: range(doc, finding.range.clone()),
        severity: Some(severity(finding.severity)),
        code: Some(lsp::NumberOrString::String(
            finding.code.as_str().to_owned(),
        )),
        source: Some("essay-lsp".to_owned()),
        message: finding.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        ..lsp::Diagnostic::default()
    }
}

/// A place in a corpus file as an LSP location.
pub fn corpus_location(
    analyzer: &Analyzer,
    place: &Place,
    encoding: PositionEncoding,
) -> Option<lsp::Location> {
    let Place::File {
        path,
        essay,
        range: chars,
    } = place
    else {
        return None;
    };
    let text = &analyzer.corpus.essays.get(*essay)?.text;
    let file = Document::new(text, encoding);
    Some(lsp::Location::new(
        lsp::Uri::from_file_path(path)?,
        range(&file, chars.clone()),
    ))
}

/// A hover on `document` for glossary information found on the line starting at `line_start`.
pub fn hover(document: &Document, line_start: usize, info: HoverInfo) -> lsp::Hover {
    lsp::Hover {
        contents: lsp::HoverContents::Markup(markdown(info.markdown)),
        range: Some(range(
            document,
            line_start + info.range.start..line_start + info.range.end,
        )),
    }
}

fn markdown(value: String) -> lsp::MarkupContent {
    lsp::MarkupContent {
        kind: lsp::MarkupKind::Markdown,
        value,
    }
}

/// Completion items that replace the typed prefix: every item's edit starts at the same place
/// (the prefix start) and ends at the cursor, `sortText` is the zero-padded rank, snippets only
/// when the client supports them. `filterText` is the plain `new_text`: it begins where the
/// edit begins, which is where the editor's own word begins, so VS Code (which filters the text
/// in the range) and nvim-cmp / blink.cmp (which filter their word) all keep every item; the
/// label is the phrase alone. One kind for all items, so menus that sort by kind (nvim-cmp)
/// keep the server's ranking.
pub fn completion_list(
    document: &Document,
    line_start: usize,
    cursor: usize,
    completion: Completion,
    snippets: bool,
) -> lsp::CompletionList {
    let edit_range = range(document, line_start + completion.replace_from..cursor);
    let width = completion.items.len().to_string().len().max(2);
    let items = completion
        .items
        .into_iter()
        .enumerate()
        .map(|(rank, s)| {
            let (new_text, format) = match (&s.snippet, snippets) {
                (Some(snippet), true) => (snippet.clone(), lsp::InsertTextFormat::SNIPPET),
                _ => (s.new_text.clone(), lsp::InsertTextFormat::PLAIN_TEXT),
            };
            lsp::CompletionItem {
                label: s.label.clone(),
                kind: Some(lsp::CompletionItemKind::TEXT),
                detail: Some(s.detail.clone()),
                documentation: s
                    .documentation
                    .clone()
                    .map(|d| lsp::Documentation::MarkupContent(markdown(d))),
                sort_text: Some(format!("{rank:0width$}")),
                filter_text: Some(s.new_text.clone()),
                insert_text_format: Some(format),
                text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit::new(
                    edit_range, new_text,
                ))),
                ..lsp::CompletionItem::default()
            }
        })
        .collect();
    lsp::CompletionList {
        is_incomplete: completion.incomplete,
        items,
    }
}

/// Every punctuation fix of the document as one `source.fixAll` action (what `essay-lsp fix`
/// applies), or None when there is none.
pub fn fix_all(
    document: &Document,
    uri: &lsp::Uri,
    version: i32,
    findings: &[Finding],
) -> Option<lsp::CodeAction> {
    let edits = essay_core::fix::select(findings, essay_core::fix::SAFE, document.len_chars());
    if edits.is_empty() {
        return None;
    }
    let fix = Fix {
        title: format!("修正全部标点（{} 处）", edits.len()),
        edits,
    };
    let mut action = quick_fix(document, uri, version, &fix, lsp::Diagnostic::default());
    action.kind = Some(lsp::CodeActionKind::SOURCE_FIX_ALL);
    action.diagnostics = None;
    Some(action)
}

/// A fix as a quick-fix code action on version `version` of the document at `uri`.
pub fn quick_fix(
    document: &Document,
    uri: &lsp::Uri,
    version: i32,
    fix: &Fix,
    diagnostic: lsp::Diagnostic,
) -> lsp::CodeAction {
    let edits = fix
        .edits
        .iter()
        .map(|e| {
            lsp::OneOf::Left(lsp::TextEdit::new(
                range(document, e.range.clone()),
                e.new_text.clone(),
            ))
        })
        .collect();
    lsp::CodeAction {
        title: fix.title.clone(),
        kind: Some(lsp::CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic]),
        edit: Some(lsp::WorkspaceEdit {
            document_changes: Some(lsp::DocumentChanges::Edits(vec![lsp::TextDocumentEdit {
                text_document: lsp::OptionalVersionedTextDocumentIdentifier {
                    uri: uri.clone(),
                    version: Some(version),
                },
                edits,
            }])),
            ..lsp::WorkspaceEdit::default()
        }),
        ..lsp::CodeAction::default()
    }
}

/// A problem of a project file as a diagnostic on that file (`file` holds its text).
pub fn project_problem(file: &Document, p: &Problem) -> lsp::Diagnostic {
    lsp::Diagnostic {
        range: range(file, p.range.clone()),
        severity: Some(severity(p.severity)),
        code: Some(lsp::NumberOrString::String("project-file".to_owned())),
        source: Some("essay-lsp".to_owned()),
        message: if p.severity == Severity::Error {
            format!("{}（本文件有误，仍使用上次正确的设置）", p.message)
        } else {
            p.message.clone()
        },
        ..lsp::Diagnostic::default()
    }
}
