//! What must hold for any text, whatever the checks find: shared by the property tests
//! (`server/core/tests/properties.rs`) and the fuzz target (`fuzz/fuzz_targets/analyze.rs`).
//!
//! Every function panics with a message naming the broken rule.

use std::ops::Range;

use essay_core::analysis::{Analyzer, Report, MAX_ANALYZED_CHARS, MAX_FINDINGS};
use essay_core::checks::{Edit, Place};
use essay_core::config::Settings;
use essay_core::document::{Document, Position, PositionEncoding};

const ENCODINGS: [PositionEncoding; 3] = [
    PositionEncoding::Utf8,
    PositionEncoding::Utf16,
    PositionEncoding::Utf32,
];

/// The settings a fuzz input's first byte selects (the fuzz target and the replay of
/// `fuzz/regressions/` agree on this).
pub fn fuzz_settings(knobs: u8) -> Settings {
    let mut settings = Settings {
        min_match_chars: [13, 6, 20, 40][usize::from(knobs & 3)],
        ..Settings::default()
    };
    if knobs & 4 != 0 {
        settings.ignored_phrases = vec!["脱贫攻坚".to_owned(), "20xx".to_owned()];
    }
    if knobs & 8 != 0 {
        settings.disabled = vec![essay_core::checks::Code::FormulaicPhrase];
    }
    settings
}

/// Runs every entry point the server offers on `text` and checks the results: the analysis
/// (`check`), the 复制比 report, hover and completion on every line.
pub fn check_everything(analyzer: &Analyzer, settings: &Settings, text: &str) -> Report {
    let report = analyzer.check(text, settings);
    check_report(analyzer, text, &report);
    check_fix_all(analyzer, settings, text, &report);
    essay_core::report::markdown(analyzer, "draft.md", text, &report);
    check_lines(analyzer, text);
    report
}

/// Finding ranges, related places and fixes lie inside the document, on character boundaries
/// an editor can address, and every fix leaves valid text — applied as the core states it and
/// as an editor applies the LSP edits in each position encoding.
pub fn check_report(analyzer: &Analyzer, text: &str, report: &Report) {
    let chars: Vec<char> = text.chars().collect();
    // Findings lie in the analysed part; they start before a cut (long draft, or too many
    // findings: then a finding may run on past the cut).
    let analysed = chars.len().min(MAX_ANALYZED_CHARS);
    let cut = report.truncated_at.unwrap_or(analysed);
    assert!(cut <= analysed, "truncated_at {cut} past the analysed text");
    assert!(
        report.findings.len() <= MAX_FINDINGS,
        "more than MAX_FINDINGS findings"
    );
    for finding in &report.findings {
        // The input itself is shown by proptest or saved by the fuzzer.
        let what = format!("{} {:?}", finding.code, finding.range);
        check_range(&chars, &finding.range, analysed, &what);
        assert!(
            finding.range.start < cut || cut == analysed,
            "finding after the cut at {cut}: {what}"
        );
        assert!(
            finding.range.start < finding.range.end,
            "empty finding range: {what}"
        );
        assert!(
            !finding.message.is_empty(),
            "finding without message: {what}"
        );
        for related in &finding.related {
            match &related.place {
                Place::Draft(range) => check_range(&chars, range, analysed, &what),
                Place::File { essay, range, .. } => {
                    let essay_text = &analyzer.corpus.essays[*essay].text;
                    let essay_chars: Vec<char> = essay_text.chars().collect();
                    check_range(&essay_chars, range, essay_chars.len(), &what);
                }
            }
        }
        for fix in &finding.fixes {
            assert!(!fix.edits.is_empty(), "fix without edits: {what}");
            for edit in &fix.edits {
                check_range(&chars, &edit.range, analysed, &what);
            }
            let mut sorted: Vec<&Range<usize>> = fix.edits.iter().map(|e| &e.range).collect();
            sorted.sort_by_key(|r| (r.start, r.end));
            for pair in sorted.windows(2) {
                assert!(
                    pair[0].end <= pair[1].start,
                    "overlapping edits {:?} and {:?}: {what}",
                    pair[0],
                    pair[1]
                );
            }
            let expected = apply_char_edits(&chars, &fix.edits);
            for encoding in ENCODINGS {
                let applied = apply_as_client(text, encoding, &fix.edits);
                assert_eq!(
                    applied, expected,
                    "fix “{}” applied in {encoding:?} differs: {what}",
                    fix.title
                );
            }
        }
    }
}

/// What `essay-lsp fix --all` and `source.fixAll` apply: the edits chosen from every finding's
/// first fix do not overlap, applying them changes nothing outside them (checked against the
/// independent `apply_char_edits`) and leaves text whose own report is sound.
pub fn check_fix_all(analyzer: &Analyzer, settings: &Settings, text: &str, report: &Report) {
    use essay_core::fix;
    let chars: Vec<char> = text.chars().collect();
    let analysed = chars.len().min(MAX_ANALYZED_CHARS);
    let edits = fix::select(&report.findings, fix::ALL, analysed);
    for pair in edits.windows(2) {
        let (a, b) = (&pair[0].range, &pair[1].range);
        assert!(
            a.end <= b.start && !(a.is_empty() && a.start == b.start),
            "fix --all chose overlapping edits {a:?} and {b:?}"
        );
    }
    for edit in &edits {
        check_range(&chars, &edit.range, analysed, "fix --all");
    }
    let fixed = fix::apply(text, &edits);
    assert_eq!(
        fixed,
        apply_char_edits(&chars, &edits),
        "fix::apply differs from applying the edits one by one"
    );
    if !edits.is_empty() {
        let again = analyzer.check(&fixed, settings);
        check_report(analyzer, &fixed, &again);
    }
}

/// A char range inside `chars[..limit]` that does not split a CRLF pair (no editor position
/// lies between CR and LF).
pub fn check_range(chars: &[char], range: &Range<usize>, limit: usize, what: &str) {
    assert!(
        range.start <= range.end && range.end <= limit,
        "range {range:?} outside 0..{limit}: {what}"
    );
    for at in [range.start, range.end] {
        assert!(
            !(at > 0 && at < chars.len() && chars[at - 1] == '\r' && chars[at] == '\n'),
            "range {range:?} splits a CRLF at {at}: {what}"
        );
    }
}

/// The core's edits applied to chars; edits at the same place apply in order.
pub fn apply_char_edits(chars: &[char], edits: &[Edit]) -> String {
    let mut order: Vec<usize> = (0..edits.len()).collect();
    order.sort_by_key(|&i| (edits[i].range.start, i));
    let mut out: Vec<char> = chars.to_vec();
    for &i in order.iter().rev() {
        let edit = &edits[i];
        out.splice(edit.range.clone(), edit.new_text.chars());
    }
    out.into_iter().collect()
}

/// The edits converted to LSP positions through `Document`, then applied the way an editor
/// does: in its own model of the text (UTF-8 bytes, UTF-16 units or code points), with its own
/// line splitting. Positions must be valid there: on a line, not past its end, not inside a
/// character.
pub fn apply_as_client(text: &str, encoding: PositionEncoding, edits: &[Edit]) -> String {
    let doc = Document::new(text, encoding);
    let client = ClientText::new(text, encoding);
    let mut ranges: Vec<(usize, usize, usize)> = edits
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let (start, end) = doc.range(e.range.clone());
            (client.offset(start), client.offset(end), i)
        })
        .collect();
    ranges.sort_by_key(|&(start, _, i)| (start, i));
    let mut units = client.units.clone();
    for &(start, end, i) in ranges.iter().rev() {
        assert!(start <= end, "reversed LSP range for {:?}", edits[i].range);
        units.splice(start..end, encode(&edits[i].new_text, encoding));
    }
    decode(&units, encoding).unwrap_or_else(|| panic!("edit left invalid text in {encoding:?}"))
}

/// An editor's view of a text: code units and where lines start. Lines end at LF, CRLF or CR.
pub struct ClientText {
    encoding: PositionEncoding,
    units: Vec<u32>,
    /// (first unit, units of content without the line break) per line.
    lines: Vec<(usize, usize)>,
    /// Unit offsets at which a character starts.
    boundaries: Vec<bool>,
}

impl ClientText {
    pub fn new(text: &str, encoding: PositionEncoding) -> ClientText {
        let mut units = Vec::new();
        let mut boundaries = Vec::new();
        let mut lines = Vec::new();
        let mut line_start = 0;
        let chars: Vec<char> = text.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let break_len = match (c, chars.get(i + 1)) {
                ('\r', Some('\n')) => 2,
                ('\r', _) | ('\n', _) => 1,
                _ => 0,
            };
            if break_len > 0 {
                lines.push((line_start, units.len() - line_start));
            }
            for c in &chars[i..i + break_len.max(1)] {
                let encoded = encode(&c.to_string(), encoding);
                boundaries.push(true);
                boundaries.extend(std::iter::repeat_n(false, encoded.len() - 1));
                units.extend(encoded);
            }
            i += break_len.max(1);
            if break_len > 0 {
                line_start = units.len();
            }
        }
        lines.push((line_start, units.len() - line_start));
        boundaries.push(true);
        ClientText {
            encoding,
            units,
            lines,
            boundaries,
        }
    }

    /// The unit offset of a position the server sent; panics if an editor could not place it.
    pub fn offset(&self, pos: Position) -> usize {
        let (start, len) = *self
            .lines
            .get(pos.line as usize)
            .unwrap_or_else(|| panic!("{pos:?} is past the last line ({})", self.lines.len()));
        let character = pos.character as usize;
        assert!(
            character <= len,
            "{pos:?} is past the end of its line ({len} units, {:?})",
            self.encoding
        );
        assert!(
            self.boundaries[start + character],
            "{pos:?} is inside a character ({:?})",
            self.encoding
        );
        start + character
    }
}

fn encode(text: &str, encoding: PositionEncoding) -> Vec<u32> {
    match encoding {
        PositionEncoding::Utf8 => text.bytes().map(u32::from).collect(),
        PositionEncoding::Utf16 => text.encode_utf16().map(u32::from).collect(),
        PositionEncoding::Utf32 => text.chars().map(u32::from).collect(),
    }
}

fn decode(units: &[u32], encoding: PositionEncoding) -> Option<String> {
    match encoding {
        PositionEncoding::Utf8 => String::from_utf8(units.iter().map(|&u| u as u8).collect()).ok(),
        PositionEncoding::Utf16 => {
            String::from_utf16(&units.iter().map(|&u| u as u16).collect::<Vec<u16>>()).ok()
        }
        PositionEncoding::Utf32 => units.iter().map(|&u| char::from_u32(u)).collect(),
    }
}

/// Hover at a few places of every line and completion after them: ranges inside the line.
pub fn check_lines(analyzer: &Analyzer, text: &str) {
    for line in text.split(['\n', '\r']).take(64) {
        let chars: Vec<char> = line.chars().collect();
        let len = chars.len();
        let mut offsets = vec![0, len / 3, len / 2, len.saturating_sub(1), len, len + 5];
        offsets.dedup();
        for &at in &offsets {
            if let Some(hover) = analyzer.glossary.hover(line, at) {
                assert!(
                    hover.range.start <= at && at < hover.range.end && hover.range.end <= len,
                    "hover range {:?} at {at} in line of {len} chars: {line:?}",
                    hover.range
                );
                assert!(!hover.markdown.is_empty());
            }
            let before: String = chars[..at.min(len)].iter().collect();
            let completion = analyzer.phrases.complete(&before);
            assert!(
                completion.replace_from <= at.min(len),
                "completion replaces from {} past the cursor {at}: {before:?}",
                completion.replace_from
            );
            for item in &completion.items {
                assert!(!item.new_text.is_empty(), "empty completion: {before:?}");
            }
        }
    }
}
