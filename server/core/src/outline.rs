//! The essay's structure and its 字数 (character count).
//!
//! Headings are recognised by the numbering the genre uses, and by Markdown:
//!
//! | kind | looks like | rank |
//! | --- | --- | --- |
//! | Markdown heading | `# 标题` … `###### 标题` | 10 × level |
//! | part | `第一篇:…`, `第2章 …` | 10 |
//! | piece | `…【篇二】…` (within the first 40 characters of a line) | 20 |
//! | chapter | `一、…` | 30 |
//! | section | `（一）…`, `(一)…` | 40 |
//! | item | `1.…`, `1、…`, `1．…` | 50 |
//! | sub-item | `（1）…`, `(1)…` | 60 |
//! | point | a paragraph opening with `一是…`, `二是…` | 70 |
//!
//! A heading's section runs to the next heading of the same or a lower rank, so any subset of
//! these nests the way 党政公文 numbering does (一、 > （一） > 1. > （1）), and `## 一、…` in
//! Markdown works as well. A Chinese heading that opens a whole paragraph is named by its first
//! sentence. Lines inside fenced code blocks are never headings.
//!
//! 字数 is counted the way Chinese essay requirements count it: every CJK character (汉字,
//! also kana and hangul) is one; every run of letters or digits is one — a Latin word, a
//! number (`2020`, `4.55`, `1,000`), `20xx`; punctuation, symbols, spaces and
//! `<!-- … -->` comments are not counted. So `2020年脱贫攻坚，GDP增长4.5%。` is
//! 2020 + 年脱贫攻坚 + GDP + 增长 + 4.5 = 1 + 5 + 1 + 2 + 1 = 10 字.

use std::ops::Range;

use crate::text::is_cjk;

/// 字数 of a stretch of text, and what it is made of.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Count {
    /// The 字数: `cjk + words + numbers`.
    pub total: usize,
    /// CJK characters.
    pub cjk: usize,
    /// Runs of letters (with or without digits): English words, `20xx`, `GDP`.
    pub words: usize,
    /// Runs of digits: `2020`, `4.55`.
    pub numbers: usize,
}

/// Counts 字数 in `text`; see the module docs for the rule.
pub fn count(text: &str) -> Count {
    let chars: Vec<char> = text.chars().collect();
    count_chars(&chars)
}

fn count_chars(chars: &[char]) -> Count {
    let mut c = Count::default();
    let mut i = 0;
    while i < chars.len() {
        let ch = chars[i];
        if ch == '<' && chars[i..].starts_with(&['<', '!', '-', '-']) {
            // Skip the comment, or the rest of the text when it is never closed.
            let body = i + 4;
            i = (body..chars.len().saturating_sub(2))
                .find(|&j| chars[j..].starts_with(&['-', '-', '>']))
                .map_or(chars.len(), |j| j + 3);
            continue;
        }
        if is_cjk(ch) {
            c.cjk += 1;
            i += 1;
            continue;
        }
        if ch.is_alphanumeric() {
            let mut letters = false;
            while i < chars.len() {
                let x = chars[i];
                if is_cjk(x) {
                    break;
                }
                if x.is_alphanumeric() {
                    letters |= !x.is_numeric();
                    i += 1;
                    continue;
                }
                let next = chars.get(i + 1).copied();
                let prev = chars[i - 1];
                // 4.55 and 1,000 are one number; don't and it’s one word.
                let joins = match x {
                    '.' | ',' | '．' => prev.is_numeric() && next.is_some_and(char::is_numeric),
                    '\'' | '’' => {
                        prev.is_alphabetic()
                            && !is_cjk(prev)
                            && next.is_some_and(|n| n.is_alphabetic() && !is_cjk(n))
                    }
                    _ => false,
                };
                if !joins {
                    break;
                }
                i += 1;
            }
            if letters {
                c.words += 1;
            } else {
                c.numbers += 1;
            }
            continue;
        }
        i += 1;
    }
    c.total = c.cjk + c.words + c.numbers;
    c
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeadingKind {
    /// `#` … `######`, with the level.
    Markdown(u8),
    /// 第一篇
    Part,
    /// 【篇二】
    Piece,
    /// 一、
    Chapter,
    /// （一）
    Section,
    /// 1.
    Item,
    /// （1）
    SubItem,
    /// 一是
    Point,
}

impl HeadingKind {
    /// Lower ranks contain higher ones.
    pub fn rank(self) -> u8 {
        match self {
            HeadingKind::Markdown(level) => 10 * level,
            HeadingKind::Part => 10,
            HeadingKind::Piece => 20,
            HeadingKind::Chapter => 30,
            HeadingKind::Section => 40,
            HeadingKind::Item => 50,
            HeadingKind::SubItem => 60,
            HeadingKind::Point => 70,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub kind: HeadingKind,
    /// What the outline shows: the heading, or a paragraph heading's first sentence.
    pub title: String,
    /// Char range of the title in the text.
    pub title_range: Range<usize>,
    /// Char range of the whole section, heading included, trailing blank lines not.
    pub range: Range<usize>,
    /// 0-based lines of the heading and of the section's last character.
    pub start_line: usize,
    pub end_line: usize,
    /// 字数 of the section, heading and subsections included.
    pub count: Count,
    pub children: Vec<Section>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outline {
    pub sections: Vec<Section>,
    /// 字数 of the whole text.
    pub total: Count,
}

/// Longest title shown, in chars; longer first sentences are cut with “…”.
const MAX_TITLE_CHARS: usize = 40;
/// 【篇X】 counts as a heading only this close to the start of its line.
const PIECE_WITHIN: usize = 40;

const NUMERALS: &str = "零〇一二三四五六七八九十百千两";
const SMALL_NUMERALS: &str = "一二三四五六七八九十";

/// The structure of `text`.
pub fn outline(text: &str) -> Outline {
    let chars: Vec<char> = text.chars().collect();
    let mut found: Vec<Heading> = Vec::new();
    let mut fence: Option<char> = None;
    for line in lines(&chars) {
        let content = &chars[line.start..line.end];
        let trimmed = content
            .iter()
            .position(|c| !matches!(c, ' ' | '\t' | '\u{3000}'))
            .unwrap_or(content.len());
        let body = &content[trimmed..];
        if let Some(marker) = fence_marker(body) {
            match fence {
                None => fence = Some(marker),
                Some(open) if open == marker => fence = None,
                _ => {}
            }
            continue;
        }
        if fence.is_some() {
            continue;
        }
        if let Some((kind, title)) = heading(body, trimmed <= 3) {
            let from = line.start + trimmed + title.start;
            let to = line.start + trimmed + title.end;
            let title_text: String = chars[from..to].iter().collect();
            let title_text = title_text.trim().to_owned();
            if title_text.is_empty() {
                continue;
            }
            let cut = to - from > MAX_TITLE_CHARS;
            found.push(Heading {
                kind,
                title: if cut {
                    let mut t: String = chars[from..from + MAX_TITLE_CHARS].iter().collect();
                    t.push('…');
                    t
                } else {
                    title_text
                },
                title_range: from..if cut { from + MAX_TITLE_CHARS } else { to },
                line: line.number,
                start: line.start,
            });
        }
    }

    // Each section ends where the next heading of the same or a lower rank starts.
    let line_starts: Vec<usize> = lines(&chars).map(|l| l.start).collect();
    let mut flat: Vec<(usize, Section)> = Vec::with_capacity(found.len());
    for (i, h) in found.iter().enumerate() {
        let rank = h.kind.rank();
        let next = found[i + 1..]
            .iter()
            .find(|n| n.kind.rank() <= rank)
            .map_or(chars.len(), |n| n.start);
        let mut end = next;
        while end > h.title_range.end && chars[end - 1].is_whitespace() {
            end -= 1;
        }
        let end_line = line_starts
            .partition_point(|&s| s < end)
            .saturating_sub(1)
            .max(h.line);
        flat.push((
            rank as usize,
            Section {
                kind: h.kind,
                title: h.title.clone(),
                title_range: h.title_range.clone(),
                range: h.start..end,
                start_line: h.line,
                end_line,
                count: count_chars(&chars[h.start..end]),
                children: Vec::new(),
            },
        ));
    }
    Outline {
        sections: nest(flat),
        total: count_chars(&chars),
    }
}

struct Heading {
    kind: HeadingKind,
    title: String,
    title_range: Range<usize>,
    line: usize,
    start: usize,
}

/// Builds the tree from headings in document order: each one goes under the nearest earlier
/// heading of a lower rank.
fn nest(flat: Vec<(usize, Section)>) -> Vec<Section> {
    let mut roots: Vec<Section> = Vec::new();
    let mut stack: Vec<(usize, Section)> = Vec::new();
    for (rank, section) in flat {
        while stack.last().is_some_and(|(r, _)| *r >= rank) {
            let (_, done) = stack.pop().expect("checked");
            attach(&mut stack, &mut roots, done);
        }
        stack.push((rank, section));
    }
    while let Some((_, done)) = stack.pop() {
        attach(&mut stack, &mut roots, done);
    }
    roots
}

fn attach(stack: &mut [(usize, Section)], roots: &mut Vec<Section>, done: Section) {
    match stack.last_mut() {
        Some((_, parent)) => parent.children.push(done),
        None => roots.push(done),
    }
}

struct Line {
    number: usize,
    /// Char offsets of the content, line break excluded.
    start: usize,
    end: usize,
}

/// Lines split at LF, CRLF and lone CR (as the document model does).
fn lines(chars: &[char]) -> impl Iterator<Item = Line> + '_ {
    let mut start = 0;
    let mut number = 0;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let mut i = start;
        while i < chars.len() && chars[i] != '\n' && chars[i] != '\r' {
            i += 1;
        }
        let line = Line {
            number,
            start,
            end: i,
        };
        if i >= chars.len() {
            done = true;
        } else if chars[i] == '\r' && chars.get(i + 1) == Some(&'\n') {
            start = i + 2;
        } else {
            start = i + 1;
        }
        number += 1;
        Some(line)
    })
}

fn fence_marker(body: &[char]) -> Option<char> {
    match body {
        ['`', '`', '`', ..] => Some('`'),
        ['~', '~', '~', ..] => Some('~'),
        _ => None,
    }
}

/// The heading kind of a line (without its indentation) and the char range of its title in it.
/// `shallow`: indented by at most three spaces (a Markdown heading may not be indented more).
fn heading(body: &[char], shallow: bool) -> Option<(HeadingKind, Range<usize>)> {
    let hashes = body.iter().take_while(|c| **c == '#').count();
    if shallow && (1..=6).contains(&hashes) {
        match body.get(hashes) {
            Some(' ' | '\t') | None => {
                let mut end = body.len();
                // Closing hashes: `## 标题 ##`.
                let trimmed_end = end - body.iter().rev().take_while(|c| c.is_whitespace()).count();
                let closing = body[..trimmed_end]
                    .iter()
                    .rev()
                    .take_while(|c| **c == '#')
                    .count();
                if closing > 0
                    && trimmed_end - closing > hashes
                    && body[trimmed_end - closing - 1].is_whitespace()
                {
                    end = trimmed_end - closing;
                }
                let start = (hashes..end)
                    .find(|&i| !body[i].is_whitespace())
                    .unwrap_or(end);
                return Some((HeadingKind::Markdown(hashes as u8), start..end));
            }
            _ => {}
        }
    }
    let first_sentence = || 0..sentence_end(body);
    // 第一篇 / 第2章
    if body.first() == Some(&'第') {
        let n = numeral_run(&body[1..], NUMERALS, true);
        if n > 0 && matches!(body.get(1 + n), Some('篇' | '章')) {
            return Some((HeadingKind::Part, first_sentence()));
        }
    }
    // 【篇二】 near the start of the line
    if let Some(open) = body.iter().take(PIECE_WITHIN).position(|c| *c == '【') {
        if body.get(open + 1) == Some(&'篇') {
            let n = numeral_run(&body[open + 2..], NUMERALS, true);
            if n > 0 && body.get(open + 2 + n) == Some(&'】') {
                let close = open + 2 + n + 1;
                // The words just before it name the piece: 脱贫工作心得体会【篇二】.
                let title = if open == 0 {
                    first_sentence()
                } else {
                    let from = body[..open]
                        .iter()
                        .rposition(|c| c.is_whitespace())
                        .map_or(0, |i| i + 1);
                    from..close
                };
                return Some((HeadingKind::Piece, title));
            }
        }
    }
    // 一、
    let n = numeral_run(body, NUMERALS, false);
    if n > 0 && body.get(n) == Some(&'、') {
        return Some((HeadingKind::Chapter, first_sentence()));
    }
    // 一是
    let n = numeral_run(body, SMALL_NUMERALS, false);
    if (1..=2).contains(&n) && body.get(n) == Some(&'是') {
        return Some((HeadingKind::Point, first_sentence()));
    }
    // （一） (一) （1） (1)
    if matches!(body.first(), Some('（' | '(')) {
        let chinese = numeral_run(&body[1..], NUMERALS, false);
        let digits = body[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        let (n, kind) = if chinese > 0 {
            (chinese, HeadingKind::Section)
        } else {
            (digits, HeadingKind::SubItem)
        };
        if n > 0 && n <= 3 && matches!(body.get(1 + n), Some('）' | ')')) {
            return Some((kind, first_sentence()));
        }
    }
    // 1. 1、 1．  (not 4.55 or 2017.)
    let digits = body.iter().take_while(|c| c.is_ascii_digit()).count();
    if (1..=3).contains(&digits)
        && matches!(body.get(digits), Some('.' | '、' | '．'))
        && body.get(digits + 1).is_some_and(|c| !c.is_ascii_digit())
        && body[digits + 1..].iter().any(|c| !c.is_whitespace())
    {
        return Some((HeadingKind::Item, first_sentence()));
    }
    None
}

/// Chars at the start of `s` from `set` (or ASCII digits, when `digits`).
fn numeral_run(s: &[char], set: &str, digits: bool) -> usize {
    s.iter()
        .take_while(|c| set.contains(**c) || (digits && c.is_ascii_digit()))
        .count()
}

/// Where the first sentence of a line ends (its full stop excluded), or the line's end.
fn sentence_end(body: &[char]) -> usize {
    let end = body
        .iter()
        .position(|c| matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | ';'))
        .unwrap_or(body.len());
    end - body[..end]
        .iter()
        .rev()
        .take_while(|c| c.is_whitespace())
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn titles(sections: &[Section]) -> Vec<String> {
        sections.iter().map(|s| s.title.clone()).collect()
    }

    #[test]
    fn counts_by_hand() {
        // 2020 | 年脱贫攻坚 (5) | GDP | 增长 (2) | 4.5 → 1 + 5 + 1 + 2 + 1 = 10; ，%。 not counted.
        let c = count("2020年脱贫攻坚，GDP增长4.5%。");
        assert_eq!(
            c,
            Count {
                total: 10,
                cjk: 7,
                words: 1,
                numbers: 2
            }
        );
        // 20xx is one word; 年 is one; XX is one; 县 one → 4. 1,000 and don't are one each.
        assert_eq!(count("20xx年XX县").total, 4);
        assert_eq!(count("共 1,000 户, don't stop").total, 5);
        // Full-width letters and digits are letters and digits (ＧＤＰ２０２０ is one run);
        // 𠀀 (extension B) is a 字.
        assert_eq!(count("ＧＤＰ２０２０𠀀").total, 2);
        assert_eq!(count("ＧＤＰ，２０２０").total, 2);
        // Comments, markdown marks, punctuation and spaces are not counted.
        assert_eq!(
            count("## 一、<!-- essay-lsp-disable -->标题 **加粗**").total,
            5
        );
        assert_eq!(count("").total, 0);
        assert_eq!(count("<!-- 未闭合的注释").total, 0);
    }

    #[test]
    fn seed_paragraphs_counted_by_hand() {
        let seed = crate::builtin::text("seed/000_fbe086485b6b6179.txt");
        let line = |n: usize| seed.lines().nth(n - 1).unwrap();
        // Line 31: 一、全面建成小康社会最艰巨的任务
        //   全面建成(4) 小康社会(4) 最艰巨的任务(6) + 一 = 15; 、 not counted.
        assert_eq!(line(31), "一、全面建成小康社会最艰巨的任务");
        assert_eq!(count(line(31)).total, 15);
        // Line 85: 邓唯峰 = 3.
        assert_eq!(count(line(85)).total, 3);
        // Line 94: 2017年脱贫攻坚心得体会 = 2017 (1) + 年脱贫攻坚心得体会 (9) = 10.
        assert_eq!(line(94), "2017年脱贫攻坚心得体会");
        assert_eq!(count(line(94)).total, 10);
        // Line 62: (二)优势产业发展严重滞后 = 二 + 优势产业(4) 发展(2) 严重滞后(4) = 11.
        assert_eq!(line(62), "(二)优势产业发展严重滞后");
        assert_eq!(count(line(62)).total, 11);
        // Line 82: [2017年学习脱贫攻坚心得体会范文] = 2017 + 年学习脱贫攻坚心得体会范文 (13) = 14.
        assert_eq!(count(line(82)).total, 14);
    }

    #[test]
    fn draft_paragraph_counted_by_hand() {
        // examples/draft.md, paragraph 2:
        // 20xx (1) 年以来 (3) 我参加了 (4) XX (1) 县组织的驻村帮扶工作 (10)
        // 跟随驻村第一书记走访了全村的建档立卡贫困户 (21) → 40, of which 38 汉字.
        let p = "20xx年以来，我参加了XX县组织的驻村帮扶工作，跟随驻村第一书记走访了全村的建档立卡贫困户。";
        let c = count(p);
        assert_eq!(c.total, 40);
        assert_eq!(c.cjk, 38);
        assert_eq!(c.words, 2);
    }

    #[test]
    fn seed_outline_second_and_third_parts() {
        let seed = crate::builtin::text("seed/000_fbe086485b6b6179.txt");
        let o = outline(seed);
        assert_eq!(
            titles(&o.sections),
            [
                "第一篇:脱贫工作心得体会",
                "第二篇:脱贫心得体会",
                "第三篇:学习脱贫攻坚心得体会",
                "第四篇:情牵脱贫攻坚心得体会",
                "第五篇:2017年脱贫攻坚心得体会",
            ]
        );
        let first = &o.sections[0];
        assert_eq!(
            titles(&first.children),
            [
                "脱贫工作心得体会【篇一】",
                "脱贫工作心得体会【篇二】",
                "脱贫工作心得体会【篇三】",
                "脱贫工作心得体会【篇四】",
                "脱贫工作心得体会【篇五】"
            ]
        );
        // 篇三's 一是 / 二是 / 三是 paragraphs are its children.
        let third = &first.children[2];
        assert_eq!(third.children.len(), 3);
        assert!(third.children[0]
            .title
            .starts_with("一是不断增强基层党组织"));
        assert_eq!(third.children[0].kind, HeadingKind::Point);

        let second = &o.sections[1];
        assert_eq!(
            titles(&second.children),
            [
                "一、全面建成小康社会最艰巨的任务",
                "二、当前我国脱贫攻坚形势依然严峻",
                "三、精准发力,坚决打赢脱贫攻坚战"
            ]
        );
        assert_eq!((second.start_line, second.end_line), (27, 46));
        assert_eq!(second.children[0].start_line, 30);
        assert_eq!(second.children[0].end_line, 33);

        let third_part = &o.sections[2];
        let chapters = titles(&third_part.children);
        assert_eq!(
            chapters[..4],
            [
                "一、基本情况和贫困现状",
                "二、当前推进精准扶贫工作的主要措施",
                "三、当前推进精准扶贫工作中存在的主要问题",
                "四、推进精准扶贫工作的对策及建议"
            ]
        );
        assert_eq!(
            titles(&third_part.children[2].children),
            [
                "(一)原有的扶贫体制机制设计存在缺陷,精准度不够",
                "(二)优势产业发展严重滞后",
                "(三)专项扶贫资金投入有限,基础项目难实施"
            ]
        );
        // The second 范文's paragraph headings: named by their first sentence, 一是… inside
        // the paragraph are not headings.
        assert_eq!(chapters[4], "一、打牢工作基础是解决怎么扶的重要保证");
        assert!(third_part.children[4].children.is_empty());
        assert_eq!(chapters.len(), 9);

        // Sections add up: the parts hold every counted character of the seed except the
        // ones before the first heading (there are none).
        let sum: usize = o.sections.iter().map(|s| s.count.total).sum();
        assert_eq!(sum, o.total.total);
    }

    #[test]
    fn markdown_draft_nests_chinese_numbering_under_headings() {
        let text = "# 学习心得\n\n前言一句。\n\n## 一、第一部分\n\n（一）小节甲\n一是要做甲。二是不在行首。\n二是要做乙。\n\n（二）小节乙\n1. 第一条\n2、第二条\n\n## 二、第二部分\n\n```\n# 不是标题\n一、也不是\n```\n4.55万人不是标题。\n2017.不是标题\n";
        let o = outline(text);
        assert_eq!(titles(&o.sections), ["学习心得"]);
        let top = &o.sections[0];
        assert_eq!(titles(&top.children), ["一、第一部分", "二、第二部分"]);
        assert!(top.children[1].children.is_empty());
        let part = &top.children[0];
        assert_eq!(titles(&part.children), ["（一）小节甲", "（二）小节乙"]);
        assert_eq!(
            titles(&part.children[0].children),
            ["一是要做甲", "二是要做乙"]
        );
        assert_eq!(
            titles(&part.children[1].children),
            ["1. 第一条", "2、第二条"]
        );
        assert_eq!(top.kind, HeadingKind::Markdown(1));
        assert_eq!(top.start_line, 0);
        assert_eq!(top.end_line, 21);
        // The title range selects the text without the hashes.
        let chars: Vec<char> = text.chars().collect();
        let t = &part.title_range;
        assert_eq!(chars[t.clone()].iter().collect::<String>(), "一、第一部分");
        // 字数: 学习心得 (4) 前言一句 (4) → the top section counts everything.
        assert_eq!(top.count, o.total);
    }

    #[test]
    fn long_paragraph_titles_are_cut_and_crlf_lines_work() {
        let long = format!("一、{}。后文", "很".repeat(60));
        let o = outline(&format!("前言\r\n{long}\r\n（一）小节\r\n正文"));
        let chapter = &o.sections[0];
        assert_eq!(chapter.title.chars().count(), MAX_TITLE_CHARS + 1);
        assert!(chapter.title.ends_with('…'));
        assert_eq!(chapter.start_line, 1);
        assert_eq!(chapter.end_line, 3);
        assert_eq!(chapter.children[0].start_line, 2);
        assert_eq!(chapter.children[0].title, "（一）小节");
    }
}
