//! Conversions between the core's char offsets and LSP's positions and types.

use tower_lsp_server::ls_types as lsp;

use essay_lsp::checks::{Finding, Place, Severity};
use essay_lsp::document::{Document, Position, PositionEncoding};

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
