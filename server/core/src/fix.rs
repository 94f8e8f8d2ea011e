//! Applying the checks' fixes to a text: `essay-lsp fix`, the `source.fixAll` code action and
//! the tests share this.
//!
//! Every fix is a set of char-range edits applied together. A fix whose edits overlap one chosen
//! before it is left out (the next run can apply it); everything outside the chosen edits stays
//! as it was, line breaks included.

use std::ops::Range;

use crate::analysis::Analyzer;
use crate::checks::{Code, Edit, Finding};
use crate::config::Settings;
use crate::decode::TextEncoding;

/// The codes `essay-lsp fix` applies by default: their fixes are mechanical.
pub const SAFE: &[Code] = &[Code::Punctuation];

/// With `--all`: the typo and formula fixes too, which change words.
pub const ALL: &[Code] = &[Code::Punctuation, Code::Typo, Code::FormulaWording];

/// The edits of the first fix of every finding of `codes`, in text order, leaving out fixes
/// that overlap one already chosen or reach beyond `len` chars.
pub fn select(findings: &[Finding], codes: &[Code], len: usize) -> Vec<Edit> {
    let mut chosen: Vec<Edit> = Vec::new();
    let mut taken: Vec<Range<usize>> = Vec::new();
    for f in findings.iter().filter(|f| codes.contains(&f.code)) {
        let Some(fix) = f.fixes.first() else {
            continue;
        };
        let fits = fix.edits.iter().all(|e| {
            e.range.start <= e.range.end
                && e.range.end <= len
                && !taken.iter().any(|t| overlaps(t, &e.range))
                && !fix
                    .edits
                    .iter()
                    .any(|o| !std::ptr::eq(o, e) && overlaps(&o.range, &e.range))
        });
        if fits {
            taken.extend(fix.edits.iter().map(|e| e.range.clone()));
            chosen.extend(fix.edits.iter().cloned());
        }
    }
    chosen.sort_by_key(|e| (e.range.start, e.range.end));
    chosen
}

/// Two ranges share a char; an insertion counts as one char wide at its place, so two
/// insertions at one place, or one at the start of a replacement, conflict.
fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end.max(b.start + 1) && b.start < a.end.max(a.start + 1)
}

/// `text` with `edits` applied; the edits are char ranges into `text`, not overlapping, in any
/// order. Edits that overlap an earlier one or lie outside the text are skipped.
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut edits: Vec<&Edit> = edits.iter().collect();
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    let mut at = 0;
    for e in edits {
        if e.range.start < at || e.range.end < e.range.start {
            continue;
        }
        let mut copied = String::new();
        let mut ok = true;
        while at < e.range.start {
            match chars.next() {
                Some(c) => copied.push(c),
                None => {
                    ok = false;
                    break;
                }
            }
            at += 1;
        }
        out.push_str(&copied);
        if !ok {
            return out;
        }
        let mut removed = 0;
        while at < e.range.end {
            if chars.next().is_none() {
                break;
            }
            at += 1;
            removed += 1;
        }
        if removed == e.range.end - e.range.start {
            out.push_str(&e.new_text);
        }
    }
    out.extend(chars);
    out
}

/// The result of fixing a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixed {
    pub text: String,
    /// Edits applied.
    pub edits: usize,
}

/// Fixes what the enabled checks of `codes` propose in `text`, repeating until nothing more
/// changes (a fix left out for overlapping another is applied in the next round) or a few rounds
/// have passed.
pub fn fix_text(analyzer: &Analyzer, text: &str, settings: &Settings, codes: &[Code]) -> Fixed {
    let mut current = text.to_owned();
    let mut total = 0;
    for _ in 0..4 {
        let report = analyzer.check(&current, settings);
        let len = current.chars().count();
        // A draft cut at MAX_ANALYZED_CHARS is fixed only in the part analysed.
        let edits = select(&report.findings, codes, len);
        if edits.is_empty() {
            break;
        }
        total += edits.len();
        current = apply(&current, &edits);
    }
    Fixed {
        text: current,
        edits: total,
    }
}

/// `text` in the file encoding it was read in: GB18030 (GBK text stays GBK), UTF-16 with its
/// BOM, UTF-8 with a BOM when the file had one.
pub fn encode(text: &str, encoding: TextEncoding, utf8_bom: bool) -> Vec<u8> {
    match encoding {
        TextEncoding::Utf8 => {
            let mut out = Vec::with_capacity(text.len() + 3);
            if utf8_bom {
                out.extend_from_slice(&[0xEF, 0xBB, 0xBF]);
            }
            out.extend_from_slice(text.as_bytes());
            out
        }
        TextEncoding::Utf16Le | TextEncoding::Utf16Be => {
            let le = encoding == TextEncoding::Utf16Le;
            let mut out = Vec::with_capacity(text.len() * 2 + 2);
            for unit in std::iter::once(0xFEFF).chain(text.encode_utf16()) {
                out.extend_from_slice(&if le {
                    unit.to_le_bytes()
                } else {
                    unit.to_be_bytes()
                });
            }
            out
        }
        TextEncoding::Gb18030 => encoding_rs::GB18030.encode(text).0.into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(r: Range<usize>, t: &str) -> Edit {
        Edit {
            range: r,
            new_text: t.to_owned(),
        }
    }

    #[test]
    fn applies_char_ranges_outside_the_bmp() {
        let text = "𠀀,😀甲,\r\n乙";
        let out = apply(text, &[edit(4..5, "，"), edit(1..2, "，")]);
        assert_eq!(out, "𠀀，😀甲，\r\n乙");
    }

    #[test]
    fn overlapping_and_out_of_range_edits_are_skipped() {
        assert_eq!(
            apply(
                "abcdef",
                &[edit(1..3, "X"), edit(2..4, "Y"), edit(9..10, "Z")]
            ),
            "aXdef"
        );
        assert_eq!(apply("abc", &[edit(3..3, "!")]), "abc!");
    }

    #[test]
    fn encodings_round_trip() {
        let text = "两不愁，三保障𠀀😀\r\n第二行";
        for encoding in [
            TextEncoding::Utf8,
            TextEncoding::Utf16Le,
            TextEncoding::Utf16Be,
            TextEncoding::Gb18030,
        ] {
            let bytes = encode(text, encoding, false);
            assert_eq!(
                crate::decode::decode(&bytes).unwrap(),
                (text.to_owned(), encoding)
            );
        }
        let bom = encode(text, TextEncoding::Utf8, true);
        assert_eq!(&bom[..3], &[0xEF, 0xBB, 0xBF]);
        assert_eq!(crate::decode::decode(&bom).unwrap().0, text);
    }

    #[test]
    fn select_keeps_fixes_whole() {
        use crate::checks::Fix;
        let finding = |r: Range<usize>, edits: Vec<Edit>| {
            let mut f = Finding::new(Code::Punctuation, r, String::new());
            f.fixes.push(Fix {
                title: String::new(),
                edits,
            });
            f
        };
        let findings = vec![
            finding(0..1, vec![edit(0..1, "（"), edit(4..5, "）")]),
            finding(4..5, vec![edit(4..5, "]")]),
            finding(6..7, vec![edit(6..7, "，")]),
        ];
        let edits = select(&findings, SAFE, 10);
        assert_eq!(edits.len(), 3);
        assert_eq!(edits[2].range, 6..7);
    }
}
