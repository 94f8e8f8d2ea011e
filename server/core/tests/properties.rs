//! Property tests: the text model and the checks on random input (issue 9).
//!
//! - Random edit sequences, with UTF-16/UTF-8/UTF-32 ranges over CJK, 𠀀 and 😀 (surrogate
//!   pairs), CRLF, lone CR and empty lines, applied to a `Document` give the same text as
//!   applying them to a plain string; positions round-trip in every encoding; out-of-range
//!   positions clamp the documented way.
//! - For arbitrary text (essay-like mixtures of corpus passages, slots, residue, quotes,
//!   suppression comments, and plain random Unicode): no check panics, every finding, related
//!   place and fix lies inside the document on addressable boundaries, and every fix leaves valid
//!   text (see `support/invariants.rs`, shared with the fuzz target).
//! - Every input the fuzzer ever crashed on (`fuzz/regressions/`) still passes.

use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::sample::{select, Index};

use essay_core::analysis::Analyzer;
use essay_core::config::Settings;
use essay_core::corpus::Corpus;
use essay_core::document::{Document, Position, PositionEncoding};

#[path = "support/invariants.rs"]
mod invariants;

const ENCODINGS: [PositionEncoding; 3] = [
    PositionEncoding::Utf8,
    PositionEncoding::Utf16,
    PositionEncoding::Utf32,
];

/// Loading the corpus is slow in debug builds: one analyzer for every case.
fn analyzer() -> &'static Analyzer {
    static ANALYZER: OnceLock<Analyzer> = OnceLock::new();
    ANALYZER.get_or_init(|| Analyzer::new(&Settings::default()).0)
}

fn corpus_chars() -> &'static Vec<Vec<char>> {
    static CHARS: OnceLock<Vec<Vec<char>>> = OnceLock::new();
    CHARS.get_or_init(|| {
        Corpus::builtin()
            .essays
            .iter()
            .map(|e| e.text.chars().collect())
            .collect()
    })
}

// ---------------------------------------------------------------------------------------------
// The text model

/// Pieces that stress positions: 1-, 2-, 3- and 4-byte UTF-8, surrogate pairs in UTF-16, every
/// kind of line break, empty lines, a combining mark.
const DOC_PIECES: &[&str] = &[
    "a", "Z", " ", "字", "扶贫", "，", "é", "\u{301}", "𠀀", "😀", "😀𠀀", "\n", "\r\n", "\r",
    "\n\n", "\r\n\r\n", "\r\r", "",
];

fn doc_text(max_pieces: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(select(DOC_PIECES), 0..max_pieces).prop_map(|p| p.concat())
}

fn units(c: char, encoding: PositionEncoding) -> usize {
    match encoding {
        PositionEncoding::Utf8 => c.len_utf8(),
        PositionEncoding::Utf16 => c.len_utf16(),
        PositionEncoding::Utf32 => 1,
    }
}

/// (first char, content chars without the break) of every line; lines end at LF, CRLF or CR.
fn line_table(chars: &[char]) -> Vec<(usize, usize)> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        let len = match (chars[i], chars.get(i + 1)) {
            ('\r', Some('\n')) => 2,
            ('\r' | '\n', _) => 1,
            _ => 0,
        };
        if len > 0 {
            lines.push((start, i - start));
            i += len;
            start = i;
        } else {
            i += 1;
        }
    }
    lines.push((start, chars.len() - start));
    lines
}

/// An editor's position of a char offset (never between CR and LF).
fn reference_position(chars: &[char], offset: usize, encoding: PositionEncoding) -> Position {
    let lines = line_table(chars);
    let line = lines
        .iter()
        .rposition(|&(start, _)| start <= offset)
        .unwrap();
    let (start, _) = lines[line];
    let character = chars[start..offset]
        .iter()
        .map(|&c| units(c, encoding))
        .sum::<usize>();
    Position::new(line as u32, character as u32)
}

/// The char offset `Document::char_offset` documents for any position: past the last line →
/// the end; past a line's end → the line's end (before its break); inside a character → that
/// character's start.
fn reference_offset(chars: &[char], pos: Position, encoding: PositionEncoding) -> usize {
    let lines = line_table(chars);
    let Some(&(start, len)) = lines.get(pos.line as usize) else {
        return chars.len();
    };
    let wanted = pos.character as usize;
    let mut seen = 0;
    for k in 0..len {
        let u = units(chars[start + k], encoding);
        if seen + u > wanted {
            return start + k;
        }
        seen += u;
    }
    start + len
}

/// An offset no editor position names (between CR and LF) moves to before the CR.
fn addressable(chars: &[char], offset: usize) -> usize {
    if offset > 0 && offset < chars.len() && chars[offset - 1] == '\r' && chars[offset] == '\n' {
        offset - 1
    } else {
        offset
    }
}

fn encoding() -> impl Strategy<Value = PositionEncoding> {
    select(ENCODINGS.to_vec())
}

/// One editor change: a range given by two indices into the current text, and its new text.
#[derive(Debug, Clone)]
struct EditSpec {
    a: Index,
    b: Index,
    text: String,
    whole: bool,
}

fn edit_spec() -> impl Strategy<Value = EditSpec> {
    (
        any::<Index>(),
        any::<Index>(),
        doc_text(4),
        prop::bool::weighted(0.03),
    )
        .prop_map(|(a, b, text, whole)| EditSpec { a, b, text, whole })
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        max_shrink_iters: 2048,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(128))]

    /// Incremental edits through positions give the same text as editing a plain string.
    #[test]
    fn incremental_edits_match_a_plain_string(
        initial in doc_text(24),
        edits in prop::collection::vec(edit_spec(), 1..24),
        encoding in encoding(),
    ) {
        let mut doc = Document::new(&initial, encoding);
        let mut model: Vec<char> = initial.chars().collect();
        for edit in &edits {
            if edit.whole {
                doc.apply_change(None, &edit.text);
                model = edit.text.chars().collect();
            } else {
                let a = addressable(&model, edit.a.index(model.len() + 1));
                let b = addressable(&model, edit.b.index(model.len() + 1));
                let (start, end) = (a.min(b), a.max(b));
                let range = (
                    reference_position(&model, start, encoding),
                    reference_position(&model, end, encoding),
                );
                doc.apply_change(Some(range), &edit.text);
                model.splice(start..end, edit.text.chars());
            }
            let expected: String = model.iter().collect();
            prop_assert_eq!(doc.text(), expected, "after {:?}", edit);
            prop_assert_eq!(doc.len_chars(), model.len());
        }
    }

    /// Char offset → position → char offset is the identity, and positions are what an editor
    /// computes, in every encoding.
    #[test]
    fn positions_round_trip_in_every_encoding(text in doc_text(40)) {
        let chars: Vec<char> = text.chars().collect();
        for encoding in ENCODINGS {
            let doc = Document::new(&text, encoding);
            for offset in 0..=chars.len() {
                if addressable(&chars, offset) != offset {
                    continue;
                }
                let pos = doc.position(offset);
                prop_assert_eq!(pos, reference_position(&chars, offset, encoding), "offset {} {:?}", offset, encoding);
                prop_assert_eq!(doc.char_offset(pos), offset, "{:?} {:?}", pos, encoding);
                let (line_start, prefix) = doc.line_prefix(pos);
                prop_assert_eq!(line_start + prefix.chars().count(), offset);
            }
        }
    }

    /// Any position, however far out, converts without panicking to the documented clamp, and
    /// edits at such positions (reversed ranges included) keep the text consistent.
    #[test]
    fn out_of_range_positions_are_clamped(
        text in doc_text(30),
        positions in prop::collection::vec(
            (prop_oneof![0u32..8, Just(u32::MAX)], prop_oneof![0u32..12, 0u32..u32::MAX]),
            1..12,
        ),
        encoding in encoding(),
        insert in doc_text(3),
    ) {
        let mut doc = Document::new(&text, encoding);
        let mut model: Vec<char> = text.chars().collect();
        for pair in positions.chunks(2) {
            let start = Position::new(pair[0].0, pair[0].1);
            let end = pair.get(1).map_or(start, |&(l, c)| Position::new(l, c));
            for pos in [start, end] {
                prop_assert_eq!(doc.char_offset(pos), reference_offset(&model, pos, encoding), "{:?}", pos);
                let clamped = doc.char_offset(pos);
                prop_assert_eq!(doc.char_offset(doc.position(clamped)), clamped);
            }
            // A reversed range inserts at its start.
            let s = reference_offset(&model, start, encoding);
            let e = reference_offset(&model, end, encoding).max(s);
            doc.apply_change(Some((start, end)), &insert);
            model.splice(s..e, insert.chars());
            prop_assert_eq!(doc.text(), model.iter().collect::<String>());
        }
        prop_assert_eq!(doc.position(usize::MAX), reference_position(&model, model.len(), encoding));
    }
}

// ---------------------------------------------------------------------------------------------
// The checks

const PUNCTUATION: &[&str] = &[
    "，", "。", "、", "；", "：", "！", "？", ",", ".", ";", ":", "!", "?", "…", "——", "（", "）",
    "(", ")", " ", "　", "\t",
];
const QUOTES: &[&str] = &["“", "”", "「", "」", "『", "』", "‘", "’", "\"", "《", "》"];
const ASTRAL: &[&str] = &[
    "𠀀", "😀", "𠀀😀", "👍🏽", "🇨🇳", "\u{200d}", "\u{feff}", "\u{fffd}",
];
const BREAKS: &[&str] = &["\n", "\r\n", "\r", "\n\n", "\r\n\r\n", "\n\r"];
const MARKDOWN: &[&str] = &[
    "# ",
    "## ",
    "- ",
    "* ",
    "1. ",
    "> ",
    "**",
    "__",
    "`",
    "```\n",
    "---\n",
    "[链接](http://x.cn)",
    "<br>",
    "|",
    "\\",
];
const SUPPRESS: &[&str] = &[
    "<!-- essay-lsp-disable -->",
    "<!-- essay-lsp-enable -->",
    "<!-- essay-lsp-disable copied-from-corpus -->",
    "<!-- essay-lsp-disable placeholder repeated-in-document -->",
    "<!-- essay-lsp-enable boilerplate -->",
    "<!--",
    "-->",
    "<!-- essay-lsp-disable",
];
const SLOTS: &[&str] = &[
    "20xx",
    "20XX年",
    "201x",
    "19××",
    "XX县",
    "xx同志",
    "×××",
    "＊＊",
    "□□",
    "习**",
    "李**同志",
    "**",
    "***",
    "【单位名称】",
    "【 】",
    "[XX]",
    "（此处填写姓名）",
    "____",
    "________",
    "【篇一】",
];
/// What the proofreading checks react to: half-width and unpaired marks, typos in terms,
/// formulas with an item changed.
const PROOFREADING: &[&str] = &[
    ",",
    ":",
    ";",
    "?",
    "!",
    "(",
    ")",
    "\"",
    "'",
    "，，",
    "。。",
    "“",
    "”",
    "《条例〉",
    "(见附件)",
    "3.5%,",
    "https://example.com/a?b=1,2",
    "`a,b`",
    "产销赌点",
    "种殖业",
    "第一书纪",
    "脱贫摘冒",
    "“五位一体”总体布局，即经济建设、政治建设、党的建设、社会建设、生态文明建设",
    "政治意识、大局意识、看齐意识、核心意识",
    "江山就是人民，人民就是靠山",
];
const RESIDUE: &[&str] = &[
    "本文仅供参考",
    "以上内容仅供参考，",
    "小编为你整理了",
    "欢迎阅读。",
    "[2017年学习脱贫攻坚心得体会范文]",
    "更多精彩内容请关注",
    "展开全文",
];
const STOCK: &[&str] = &[
    "高度重视",
    "认真贯彻落实",
    "提高政治站位",
    "深刻认识到",
    "以",
    "为抓手",
    "切实加强",
    "扎实推进",
    "取得了明显的成效",
    "两不愁三保障",
    "小康不小康，",
    "关键看老乡",
];

/// A passage of a corpus essay, sometimes with a character or two changed, dropped or added
/// (so copies are chained across gaps), sometimes running on into a passage of another essay.
fn corpus_slice() -> impl Strategy<Value = String> {
    (
        any::<Index>(),
        any::<Index>(),
        4usize..160,
        prop::collection::vec((any::<Index>(), 0u8..3, "[\u{4e00}-\u{9fff}，]"), 0..3),
    )
        .prop_map(|(essay, start, len, changes)| {
            let essays = corpus_chars();
            let chars = &essays[essay.index(essays.len())];
            let start = start.index(chars.len());
            let mut passage: Vec<char> = chars[start..(start + len).min(chars.len())].to_vec();
            for (at, kind, c) in changes {
                if passage.is_empty() {
                    break;
                }
                let at = at.index(passage.len());
                let c = c.chars().next().unwrap();
                match kind {
                    0 => passage[at] = c,
                    1 => {
                        passage.remove(at);
                    }
                    _ => passage.insert(at, c),
                }
            }
            passage.into_iter().collect()
        })
}

fn piece() -> impl Strategy<Value = String> {
    let pick = |list: &'static [&'static str]| select(list).prop_map(str::to_owned);
    prop_oneof![
        5 => corpus_slice(),
        3 => "[\u{4e00}-\u{9fff}]{1,12}",
        3 => pick(PUNCTUATION),
        1 => pick(QUOTES),
        1 => pick(ASTRAL),
        2 => pick(BREAKS),
        1 => pick(MARKDOWN),
        1 => pick(SUPPRESS),
        2 => pick(SLOTS),
        1 => pick(RESIDUE),
        2 => pick(STOCK),
        2 => pick(PROOFREADING),
        1 => "[a-zA-Z0-9_.@*]{1,6}",
        1 => "[０-９Ａ-Ｚａ-ｚ]{1,4}",
        1 => any::<char>().prop_map(String::from),
    ]
}

/// Essay-like text: pieces, and sometimes a stretch of them again (so repetition fires).
fn essay_text() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(piece(), 0..48),
        prop::option::of((any::<Index>(), 1usize..12, piece())),
    )
        .prop_map(|(mut pieces, repeat)| {
            if let Some((at, len, between)) = repeat {
                if !pieces.is_empty() {
                    let start = at.index(pieces.len());
                    let again: Vec<String> =
                        pieces[start..(start + len).min(pieces.len())].to_vec();
                    pieces.push(between);
                    pieces.extend(again);
                }
            }
            pieces.concat()
        })
}

fn settings() -> impl Strategy<Value = Settings> {
    (
        select(vec![13usize, 6, 20, 60]),
        prop::option::of(select(vec!["脱贫攻坚", "20xx", "高度重视", "，"])),
        prop::option::of(select(essay_core::checks::Code::all().collect::<Vec<_>>())),
    )
        .prop_map(|(min, ignored, disabled)| Settings {
            min_match_chars: min,
            ignored_phrases: ignored.map(str::to_owned).into_iter().collect(),
            disabled: disabled.into_iter().collect(),
            ..Settings::default()
        })
}

proptest! {
    #![proptest_config(config(64))]

    /// Essay-like text: every check runs, every range and fix is sound, and the text after
    /// each fix is checked again.
    #[test]
    fn checks_are_sound_on_essay_like_text(text in essay_text(), settings in settings()) {
        let analyzer = analyzer();
        let report = invariants::check_everything(analyzer, &settings, &text);
        let chars: Vec<char> = text.chars().collect();
        for fix in report.findings.iter().flat_map(|f| &f.fixes).take(3) {
            let fixed = invariants::apply_char_edits(&chars, &fix.edits);
            let again = analyzer.check(&fixed, &settings);
            invariants::check_report(analyzer, &fixed, &again);
        }
    }
}

proptest! {
    #![proptest_config(config(64))]

    /// Arbitrary Unicode, control characters and all.
    #[test]
    fn checks_are_sound_on_arbitrary_unicode(text in any::<String>(), settings in settings()) {
        invariants::check_everything(analyzer(), &settings, &text);
    }
}

/// A draft with thousands of findings keeps the most useful ones (the longest first) and says
/// how many there were; the cap is not a length limit (issue 13: it used to cut the report at
/// the first finding that did not fit and call that a length limit).
#[test]
fn findings_beyond_the_limit_keep_the_longest_and_say_how_many() {
    use essay_core::analysis::MAX_FINDINGS;
    // Two slots a line, between pseudo-random Han (so nothing repeats).
    let mut state = 1u64;
    let mut han = |n: usize| -> String {
        (0..n)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                char::from_u32(0x4e00 + ((state >> 33) % 3000) as u32).unwrap()
            })
            .collect()
    };
    let lines = MAX_FINDINGS / 2 + 300;
    let text: String = (0..lines)
        .map(|_| format!("{}20xx年，{}XX县。\n", han(6), han(6)))
        .collect();
    let report = analyzer().check(&text, &Settings::default());
    invariants::check_report(analyzer(), &text, &report);
    assert_eq!(report.truncated_at, None, "nothing was cut for length");
    // All findings, from the two halves checked apart (each under the cap; slots are found line
    // by line, so the halves give every finding).
    let half: String = text
        .lines()
        .take(lines / 2)
        .map(|l| format!("{l}\n"))
        .collect();
    let offset = half.chars().count();
    let mut all: Vec<(usize, std::ops::Range<usize>)> = Vec::new();
    for (part, shift) in [(&half[..], 0), (&text[half.len()..], offset)] {
        let r = analyzer().check(part, &Settings::default());
        assert_eq!(r.capped, None);
        all.extend(
            r.findings
                .iter()
                .map(|f| (f.range.len(), f.range.start + shift..f.range.end + shift)),
        );
    }
    let total = report.capped.expect("the report says findings were capped");
    assert_eq!(total, all.len());
    assert_eq!(report.findings.len(), MAX_FINDINGS);
    // The longest are kept: none dropped is longer than one kept.
    let mut lengths: Vec<usize> = all.iter().map(|(len, _)| *len).collect();
    lengths.sort_unstable_by(|a, b| b.cmp(a));
    let threshold = lengths[MAX_FINDINGS - 1];
    assert!(report.findings.iter().all(|f| f.range.len() >= threshold));
    for (len, range) in &all {
        if *len > threshold {
            assert!(
                report.findings.iter().any(|f| f.range == *range),
                "{range:?} dropped"
            );
        }
    }
    // Findings stay in text order.
    assert!(report
        .findings
        .windows(2)
        .all(|w| w[0].range.start <= w[1].range.start));
}

/// A passage written sixty times: each finding names a bounded number of the other places and
/// counts them all (a pasted table once gave findings with thousands of related places).
#[test]
fn a_passage_repeated_many_times_names_a_bounded_number_of_others() {
    use essay_core::checks::Code;
    let text: String = (0..60)
        .map(|i| format!("第{i}条：我们村坚持精准扶贫、精准脱贫，群众满意度逐年提高。\n"))
        .collect();
    let report = analyzer().check(&text, &Settings::default());
    invariants::check_report(analyzer(), &text, &report);
    let repeated: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.code == Code::RepeatedInDocument)
        .collect();
    assert!(!repeated.is_empty());
    assert!(repeated.iter().all(|f| f.related.len() <= 16));
    let counted = |message: &str| -> Option<usize> {
        let rest = &message[message.rfind("等 ")? + "等 ".len()..];
        rest.split(' ').next()?.parse().ok()
    };
    assert!(
        repeated
            .iter()
            .any(|f| counted(&f.message).is_some_and(|n| n > 16)),
        "{:#?}",
        repeated.iter().map(|f| &f.message).collect::<Vec<_>>()
    );
}

/// Inputs the fuzzer crashed on, kept in `fuzz/regressions/` (first byte: settings, as in the
/// fuzz target), replayed on every test run.
#[test]
fn fuzz_regressions_stay_fixed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions");
    let mut replayed = 0;
    for entry in std::fs::read_dir(&dir).expect("fuzz/regressions exists") {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let Some((&knobs, rest)) = data.split_first() else {
            continue;
        };
        let text = String::from_utf8_lossy(rest);
        invariants::check_everything(analyzer(), &invariants::fuzz_settings(knobs), &text);
        replayed += 1;
    }
    assert!(replayed > 0, "no regression inputs in {}", dir.display());
}
