//! `boilerplate`: web-scrape residue left in an essay copied from a 范文 site.
//!
//! The rules are data (`corpus/boilerplate.txt`, format documented in its header): literal
//! phrases (本文仅供参考), sentence markers whose whole sentence is residue (小编为你带来…),
//! line markers (引导语…) and bracketed page titles on a line of their own
//! ([2017年学习脱贫攻坚心得体会范文]). Every finding carries a fix that deletes exactly the
//! residue, with the line break when the line would otherwise be left empty.

use crate::normalize::fold_width_and_case as fold;
use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use crate::builtin;
use crate::checks::{Code, Edit, Finding, Fix};
use crate::text::is_sentence_end;

/// Longest gap inside a `…` pattern (更多…请关注), in chars.
const MAX_GAP: usize = 20;
/// Quotes in messages are cut to this many chars.
const MAX_QUOTE: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Phrase,
    Sentence,
    Line,
}

#[derive(Debug, Clone)]
struct Rule {
    kind: Kind,
    /// Folded chars after the `…`, when the pattern has a gap.
    tail: Option<Vec<char>>,
}

#[derive(Debug, Clone)]
struct TitleWord {
    word: Vec<char>,
    min_chars: usize,
}

/// The residue matcher; build once, check any number of drafts.
#[derive(Debug, Clone)]
pub struct Boilerplate {
    /// Over folded text; pattern id = index into `rules`.
    ac: AhoCorasick,
    rules: Vec<Rule>,
    titles: Vec<TitleWord>,
}

impl Boilerplate {
    /// The rules of `corpus/boilerplate.txt`.
    pub fn builtin() -> Boilerplate {
        Boilerplate::parse(builtin::text("boilerplate.txt"))
    }

    /// Rules in the format of `corpus/boilerplate.txt`; malformed lines are skipped.
    pub fn parse(data: &str) -> Boilerplate {
        let mut heads: Vec<String> = Vec::new();
        let mut rules = Vec::new();
        let mut titles = Vec::new();
        for line in data.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut fields = line.split_whitespace();
            let (Some(kind), Some(pattern)) = (fields.next(), fields.next()) else {
                continue;
            };
            let pattern: Vec<char> = pattern.chars().map(fold).collect();
            let kind = match kind {
                "phrase" => Kind::Phrase,
                "sentence" => Kind::Sentence,
                "line" => Kind::Line,
                "title" => {
                    let min_chars = fields.next().and_then(|m| m.parse().ok()).unwrap_or(0);
                    titles.push(TitleWord {
                        word: pattern,
                        min_chars,
                    });
                    continue;
                }
                _ => continue,
            };
            let (head, tail) = match pattern.iter().position(|&c| c == '…') {
                Some(gap) => (pattern[..gap].to_vec(), Some(pattern[gap + 1..].to_vec())),
                None => (pattern, None),
            };
            if head.is_empty() || tail.as_ref().is_some_and(|t| t.is_empty()) {
                continue;
            }
            heads.push(head.into_iter().collect());
            rules.push(Rule { kind, tail });
        }
        // A contiguous NFA: a DFA searches a draft a little faster, but building one cost more
        // than every search a check makes with it (≈0.5 % of a `check`'s CPU).
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(&heads)
            .expect("boilerplate automaton builds");
        Boilerplate { ac, rules, titles }
    }

    pub fn check(&self, text: &str) -> Vec<Finding> {
        let folded: String = text.chars().map(fold).collect();
        let mut matches = self.ac.find_overlapping_iter(&folded).peekable();
        let may_have_title = text.contains(['[', '【', '［', '〔']);
        if matches.peek().is_none() && !may_have_title {
            return Vec::new();
        }
        let chars: Vec<char> = folded.chars().collect();
        // Byte offset of each char of `folded`, to turn automaton offsets into char offsets.
        let mut byte_starts: Vec<usize> = folded.char_indices().map(|(b, _)| b).collect();
        byte_starts.push(folded.len());
        let char_at = |byte: usize| byte_starts.partition_point(|&b| b < byte);

        let mut residues: Vec<Range<usize>> = Vec::new();
        for m in matches {
            let rule = &self.rules[m.pattern().as_usize()];
            let (start, mut end) = (char_at(m.start()), char_at(m.end()));
            if let Some(tail) = &rule.tail {
                match find_tail(&chars, end, tail) {
                    Some(tail_end) => end = tail_end,
                    None => continue,
                }
            }
            let residue = match rule.kind {
                Kind::Phrase => phrase_residue(&chars, start, end),
                Kind::Sentence => sentence_residue(&chars, start, end),
                Kind::Line => match line_residue(&chars, start) {
                    Some(r) => r,
                    None => continue,
                },
            };
            residues.push(widen_to_line(&chars, residue));
        }
        if may_have_title {
            self.title_lines(&chars, &mut residues);
        }
        residues.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));

        // Overlapping or touching residue (小编 and 欢迎阅读 in one sentence, a block of
        // navigation lines) becomes one finding, so no two fixes overlap.
        let mut merged: Vec<Range<usize>> = Vec::new();
        for r in residues {
            match merged.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }

        // Residue running to the end of the text takes the line break before it.
        if let Some(last) = merged.last_mut() {
            if last.end == chars.len() && last.start > 0 && is_line_break(chars[last.start - 1]) {
                last.start -= 1;
                if last.start > 0 && chars[last.start] == '\n' && chars[last.start - 1] == '\r' {
                    last.start -= 1;
                }
            }
        }

        let original: Vec<char> = text.chars().collect();
        merged
            .into_iter()
            .filter_map(|deletion| finding(&original, deletion))
            .collect()
    }

    /// Lines that are one bracketed title containing a title word.
    fn title_lines(&self, chars: &[char], out: &mut Vec<Range<usize>>) {
        let mut line_start = 0;
        while line_start <= chars.len() {
            let line_end = chars[line_start..]
                .iter()
                .position(|&c| c == '\n' || c == '\r')
                .map_or(chars.len(), |p| line_start + p);
            let line = &chars[line_start..line_end];
            let lead = line.iter().take_while(|c| c.is_whitespace()).count();
            let trail = line[lead..]
                .iter()
                .rev()
                .take_while(|c| c.is_whitespace())
                .count();
            let body = &line[lead..line.len() - trail];
            if body.len() >= 3 && closing_bracket(body[0]) == Some(body[body.len() - 1]) {
                let inner = &body[1..body.len() - 1];
                let nested = inner
                    .iter()
                    .any(|&c| closing_bracket(c).is_some() || c == body[body.len() - 1]);
                let is_title = !nested
                    && self
                        .titles
                        .iter()
                        .any(|t| inner.len() >= t.min_chars && contains(inner, &t.word));
                if is_title {
                    out.push(widen_to_line(chars, line_start + lead..line_end - trail));
                }
            }
            line_start = next_line_start(chars, line_end);
            if line_end == chars.len() {
                break;
            }
        }
    }
}

/// The finding for one deletion range of the draft.
fn finding(chars: &[char], deletion: Range<usize>) -> Option<Finding> {
    // What the writer sees underlined: the residue without the line breaks and spaces taken
    // along with it.
    let mut start = deletion.start;
    let mut end = deletion.end;
    while start < end && chars[start].is_whitespace() {
        start += 1;
    }
    while end > start && chars[end - 1].is_whitespace() {
        end -= 1;
    }
    if start == end {
        return None;
    }
    let quote = quote(&chars[start..end]);
    let mut finding = Finding::new(
        Code::Boilerplate,
        start..end,
        format!("网页残留“{quote}”，建议删除"),
    );
    finding.fixes.push(Fix {
        title: format!("删除网页残留“{quote}”"),
        edits: vec![Edit {
            range: deletion,
            new_text: String::new(),
        }],
    });
    Some(finding)
}

fn quote(chars: &[char]) -> String {
    if chars.len() <= MAX_QUOTE {
        chars.iter().collect()
    } else {
        let mut q: String = chars[..MAX_QUOTE - 2].iter().collect();
        q.push('…');
        q
    }
}

/// A phrase, one following mark and one following space; or, between a comma and a sentence
/// end, the comma before it (正文，本文仅供参考。 → 正文。).
fn phrase_residue(chars: &[char], start: usize, end: usize) -> Range<usize> {
    let next = chars.get(end).copied();
    let prev = start.checked_sub(1).map(|i| chars[i]);
    if next.is_some_and(is_sentence_end) && prev.is_some_and(is_comma) {
        return start - 1..end;
    }
    let mut end = end;
    if chars.get(end).copied().is_some_and(is_mark) {
        end += 1;
    }
    if chars.get(end).copied().is_some_and(is_space) {
        end += 1;
    }
    start..end
}

/// The sentence around `start..end`: from after the previous sentence end, line break or space
/// through its own end mark and one following space.
fn sentence_residue(chars: &[char], start: usize, end: usize) -> Range<usize> {
    let mut s = start;
    while s > 0 && !is_sentence_boundary(chars[s - 1]) {
        s -= 1;
    }
    let mut e = end;
    while e < chars.len() && !is_sentence_boundary(chars[e]) {
        e += 1;
    }
    while e < chars.len() && is_sentence_end(chars[e]) {
        e += 1;
    }
    if e < chars.len() && is_space(chars[e]) {
        e += 1;
    }
    s..e
}

/// The whole line when the marker at `start` begins it (after spaces and an opening bracket).
fn line_residue(chars: &[char], start: usize) -> Option<Range<usize>> {
    let line_start = chars[..start]
        .iter()
        .rposition(|&c| c == '\n' || c == '\r')
        .map_or(0, |p| p + 1);
    let mut before = chars[line_start..start]
        .iter()
        .filter(|c| !c.is_whitespace());
    match (before.next(), before.next()) {
        (None, _) => {}
        (Some(&c), None) if closing_bracket(c).is_some() => {}
        _ => return None,
    }
    let line_end = chars[start..]
        .iter()
        .position(|&c| c == '\n' || c == '\r')
        .map_or(chars.len(), |p| start + p);
    Some(line_start..line_end)
}

/// When nothing but whitespace would be left on the residue's line, the whole line goes,
/// with its line break (or, on the last line, the break before it).
fn widen_to_line(chars: &[char], residue: Range<usize>) -> Range<usize> {
    let line_start = chars[..residue.start]
        .iter()
        .rposition(|&c| c == '\n' || c == '\r')
        .map_or(0, |p| p + 1);
    let line_end = chars[residue.end..]
        .iter()
        .position(|&c| c == '\n' || c == '\r')
        .map_or(chars.len(), |p| residue.end + p);
    let blank = |r: &[char]| r.iter().all(|c| c.is_whitespace());
    if !blank(&chars[line_start..residue.start]) || !blank(&chars[residue.end..line_end]) {
        return residue;
    }
    if line_end < chars.len() {
        return line_start..next_line_start(chars, line_end);
    }
    if line_start == 0 {
        return 0..line_end;
    }
    // Last line: take the break before it instead (\r\n counts as one).
    let mut start = line_start - 1;
    if chars[start] == '\n' && start > 0 && chars[start - 1] == '\r' {
        start -= 1;
    }
    start..line_end
}

/// The char after the line break at `line_end` (\r\n is one break).
fn next_line_start(chars: &[char], line_end: usize) -> usize {
    match chars.get(line_end) {
        Some('\r') if chars.get(line_end + 1) == Some(&'\n') => line_end + 2,
        Some('\r' | '\n') => line_end + 1,
        _ => line_end,
    }
}

/// End of `tail` when it follows within `MAX_GAP` chars of the same sentence.
fn find_tail(chars: &[char], from: usize, tail: &[char]) -> Option<usize> {
    let limit = (from + MAX_GAP + tail.len()).min(chars.len());
    let mut i = from;
    while i + tail.len() <= limit {
        if chars[i..i + tail.len()] == *tail {
            return Some(i + tail.len());
        }
        if is_sentence_boundary(chars[i]) {
            return None;
        }
        i += 1;
    }
    None
}

fn contains(haystack: &[char], needle: &[char]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

fn closing_bracket(open: char) -> Option<char> {
    match open {
        '[' => Some(']'),
        '【' => Some('】'),
        '〔' => Some('〕'),
        _ => None,
    }
}

fn is_sentence_boundary(c: char) -> bool {
    is_sentence_end(c) || c == '\n' || c == '\r' || is_space(c)
}

fn is_comma(c: char) -> bool {
    matches!(c, ',' | '、' | ';')
}

/// Marks that go with a deleted phrase (folded).
fn is_mark(c: char) -> bool {
    matches!(c, ',' | '。' | '.' | '!' | ';')
}

fn is_line_break(c: char) -> bool {
    c == '\n' || c == '\r'
}

fn is_space(c: char) -> bool {
    c == ' ' || c == '\t'
}

impl super::Check for Boilerplate {
    fn codes(&self) -> &'static [Code] {
        &[Code::Boilerplate]
    }

    fn check(&self, cx: &super::Context<'_>) -> Vec<Finding> {
        Boilerplate::check(self, cx.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text with every fix applied (fixes do not overlap; applied back to front).
    fn fixed(text: &str) -> String {
        let mut chars: Vec<char> = text.chars().collect();
        let mut findings = Boilerplate::builtin().check(text);
        findings.reverse();
        for f in findings {
            assert_eq!(f.fixes.len(), 1);
            for edit in &f.fixes[0].edits {
                chars.splice(edit.range.clone(), edit.new_text.chars());
            }
        }
        chars.into_iter().collect()
    }

    fn underlined(text: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        Boilerplate::builtin()
            .check(text)
            .into_iter()
            .map(|f| chars[f.range].iter().collect())
            .collect()
    }

    #[test]
    fn seed_residue_is_found_and_removed_exactly() {
        let seed = builtin::text("seed/000_fbe086485b6b6179.txt");
        let lines: Vec<&str> = seed.lines().collect();
        let findings = Boilerplate::builtin().check(seed);
        let chars: Vec<char> = seed.chars().collect();
        let line_of = |at: usize| chars[..at].iter().filter(|&&c| c == '\n').count() + 1;
        let found: Vec<(usize, &str)> = findings
            .iter()
            .map(|f| (line_of(f.range.start), f.fixes[0].title.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (2, "删除网页残留“本文仅供参考”"),
                (29, "删除网页残留“引导语:改革开放之初,让一部分人先富…”"),
                (82, "删除网页残留“[2017年学习脱贫攻坚心得体会范文]”"),
            ]
        );
        assert_eq!(findings[0].message, "网页残留“本文仅供参考”，建议删除");
        assert_eq!(findings[0].severity, crate::checks::Severity::Warning);

        // Line 2 loses the phrase and one space; lines 29 and 82 go with their line breaks.
        let expected = seed
            .replacen("五篇 本文仅供参考 脱贫", "五篇 脱贫", 1)
            .replacen(&format!("{}\n", lines[28]), "", 1)
            .replacen("[2017年学习脱贫攻坚心得体会范文]\n", "", 1);
        assert_eq!(expected.lines().count(), lines.len() - 2);
        assert_eq!(fixed(seed), expected);
    }

    #[test]
    fn sentence_markers_take_the_whole_sentence() {
        assert_eq!(
            fixed("第一句。以下是小编为大家整理的范文，希望对大家有所帮助！第二句。"),
            "第一句。第二句。"
        );
        assert_eq!(
            underlined("第一句。接下来是小编为你带来收集整理的脱贫心得体会范文,欢迎阅读! 第二句"),
            ["接下来是小编为你带来收集整理的脱贫心得体会范文,欢迎阅读!"]
        );
        assert_eq!(
            fixed("正文完。更多精彩范文请关注本站。"),
            "正文完。",
            "a gap pattern on the last line"
        );
        assert_eq!(
            fixed("正文。\n本文来源于网络，如有侵权请联系删除。"),
            "正文。",
            "a last line goes with the break before it"
        );
    }

    #[test]
    fn phrases_take_their_mark_or_the_comma_before() {
        assert_eq!(fixed("正文，本文仅供参考。下文"), "正文。下文");
        assert_eq!(fixed("本文仅供参考！正文"), "正文");
        assert_eq!(fixed("正文\n　本文仅供参考　\n下文"), "正文\n下文");
    }

    #[test]
    fn bracketed_title_lines() {
        assert_eq!(
            fixed("正文\r\n【2020年脱贫攻坚心得体会精选5篇】\r\n下文"),
            "正文\r\n下文"
        );
        assert_eq!(fixed("[学习心得体会范文]\n正文"), "正文");
        // Headers of the essays themselves, short headings and titles inside text stay.
        for text in [
            "脱贫工作心得体会【篇一】正文",
            "【篇一】\n正文",
            "【心得体会】\n正文",
            "【案例】\n正文",
            "见[2017年心得体会范文](http://a.cn)",
            "正文[2017年心得体会范文]",
        ] {
            assert!(underlined(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn navigation_lines() {
        assert_eq!(
            fixed("正文。\n上一篇：学习心得\n【导读】本文是一篇范文。\n责任编辑：张三"),
            "正文。"
        );
        // A marker inside a line is not a navigation line.
        assert!(underlined("他说相关推荐都不错。").is_empty());
    }

    #[test]
    fn clean_text_has_no_findings() {
        for text in [
            "我们要扎实做好脱贫攻坚工作。欢迎各位领导莅临指导，小康不小康，关键看老乡。",
            "村民为大家准备了饭菜。农户收入主要来源于网络销售，我们把收集整理的材料上报。",
            "希望能帮到他们。",
        ] {
            assert!(underlined(text).is_empty(), "{:?}", underlined(text));
        }
        // A phrase rule takes only its words, never the writer's sentence.
        assert_eq!(
            fixed("我们引导农户免费下载电商APP，拓宽销路。"),
            "我们引导农户电商APP，拓宽销路。"
        );
    }
}
