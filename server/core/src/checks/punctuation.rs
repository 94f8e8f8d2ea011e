//! `punctuation`: GB/T 15834—2011 标点符号用法 in Chinese text.
//!
//! - half-width `, . : ! ?` next to Chinese: AutoCorrect's `fullwidth` rule (crate
//!   `autocorrect`, every other rule off, so no spaces are added between Chinese and Latin
//!   letters or digits); its rule leaves `;` alone, which is done here with the same context test;
//! - half-width `( )` around Chinese, and a bracket pair of mixed widths (`(…）`);
//! - straight quotation marks `"…"` `'…'` around Chinese, and curly ones that do not pair up
//!   (`“…“`, a `”` with no `“`);
//! - brackets that close with the wrong partner (`《…〉`, `《…>`), and a closing book-title mark
//!   with no opening one;
//! - doubled punctuation (`，，` `。。` `、、` `；；` `：：` `？？` `！！`).
//!
//! Numbers and decimals (3.5公里, 19,862元, 14:30), Latin words and codes, the marks that end a
//! Latin phrase of several words (“Hello, World!”), URLs, inline code and markdown syntax keep
//! their ASCII. The check looks at one line at a time.

use std::ops::Range;
use std::sync::Once;

use crate::checks::{Code, Context, Edit, Finding, Fix};
use crate::text::is_cjk;

pub struct Punctuation;

impl super::Check for Punctuation {
    fn codes(&self) -> &'static [Code] {
        &[Code::Punctuation]
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Finding> {
        super::by_line(cx.text, check_line)
    }
}

/// Chinese text for the context tests: Han characters and full-width punctuation.
fn is_chinese(c: char) -> bool {
    is_cjk(c)
        || matches!(c, '\u{3000}'..='\u{303F}' | '\u{FF01}'..='\u{FF60}' | '“' | '”' | '‘' | '’' | '…' | '—')
}

fn full_width(c: char) -> Option<char> {
    Some(match c {
        ',' => '，',
        '.' => '。',
        ':' => '：',
        ';' => '；',
        '!' => '！',
        '?' => '？',
        '(' => '（',
        ')' => '）',
        _ => return None,
    })
}

/// Findings of one line (without its line break), char offsets into the line.
fn check_line(line: &str) -> Vec<Finding> {
    let line = line.trim_end_matches(['\n', '\r']);
    let chars: Vec<char> = line.chars().collect();
    if !chars.iter().any(|&c| is_chinese(c)) {
        return Vec::new();
    }
    let trimmed = line.trim_start();
    // A code fence line or an indented code block line; lines inside a fence cannot be told
    // apart line by line and are checked like text.
    if trimmed.starts_with("```") || trimmed.starts_with("~~~") || line.starts_with("    ") {
        return Vec::new();
    }
    let protected = protected_spans(&chars);
    let mut findings = Vec::new();
    half_width_marks(&chars, &protected, &mut findings);
    brackets(&chars, &protected, &mut findings);
    quotes(&chars, &protected, &mut findings);
    doubled(&chars, &mut findings);
    findings.sort_by_key(|f| (f.range.start, f.range.end));
    // One finding per mark: AutoCorrect's rule and the one here may both report it.
    findings.dedup_by_key(|f| f.range.start);
    findings
}

/// Char ranges that keep their ASCII punctuation: URLs, inline code, markdown link targets, HTML
/// comments.
fn protected_spans(chars: &[char]) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let starts_with = |i: usize, s: &str| {
        s.chars().enumerate().all(|(k, c)| {
            chars
                .get(i + k)
                .is_some_and(|&x| x.eq_ignore_ascii_case(&c))
        })
    };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if starts_with(i, "http://") || starts_with(i, "https://") || starts_with(i, "www.") {
            let end = (i..chars.len())
                .find(|&j| chars[j].is_whitespace() || !chars[j].is_ascii() || chars[j] == ')')
                .unwrap_or(chars.len());
            spans.push(i..end);
            i = end;
        } else if c == '`' {
            match (i + 1..chars.len()).find(|&j| chars[j] == '`') {
                Some(end) => {
                    spans.push(i..end + 1);
                    i = end + 1;
                }
                None => i += 1,
            }
        } else if starts_with(i, "](") {
            let end = (i + 2..chars.len())
                .find(|&j| chars[j] == ')')
                .map_or(chars.len(), |j| j + 1);
            spans.push(i..end);
            i = end;
        } else if starts_with(i, "<!--") {
            let end = (i + 4..chars.len())
                .find(|&j| starts_with(j, "-->"))
                .map_or(chars.len(), |j| j + 3);
            spans.push(i..end);
            i = end;
        } else if starts_with(i, "![") {
            spans.push(i..i + 1);
            i += 1;
        } else {
            i += 1;
        }
    }
    spans
}

fn inside(spans: &[Range<usize>], at: usize) -> bool {
    spans.iter().any(|s| s.contains(&at))
}

fn finding(range: Range<usize>, message: String, fix: Option<(&str, Vec<Edit>)>) -> Finding {
    let mut f = Finding::new(Code::Punctuation, range, message);
    if let Some((title, edits)) = fix {
        f.fixes.push(Fix {
            title: title.to_owned(),
            edits,
        });
    }
    f
}

/// AutoCorrect's rule configured to GB/T 15834 as 公文 write it: only `fullwidth` on.
static AUTOCORRECT: Once = Once::new();

const AUTOCORRECT_CONFIG: &str = "rules:
  space-word: 0
  space-punctuation: 0
  space-bracket: 0
  space-backticks: 0
  space-dash: 0
  space-dollar: 0
  fullwidth: 1
  no-space-fullwidth: 0
  no-space-fullwidth-quote: 0
  halfwidth-word: 0
  halfwidth-punctuation: 0
  spellcheck: 0
";

/// Half-width `, . : ! ? ;` in Chinese text: one finding each, the fix replacing the mark (and
/// the spaces after it that AutoCorrect drops) by its full-width form.
fn half_width_marks(chars: &[char], protected: &[Range<usize>], out: &mut Vec<Finding>) {
    if !chars
        .iter()
        .any(|c| matches!(c, ',' | '.' | ':' | ';' | '!' | '?'))
    {
        return;
    }
    // Protected spans are masked with letters, one per char, so offsets stay aligned.
    let masked: Vec<char> = chars
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            if inside(protected, i) {
                'a'
            } else if c == '\r' {
                '\n'
            } else {
                as_autocorrect_sees(c)
            }
        })
        .collect();
    if autocorrect_may_widen(&masked) {
        autocorrect_marks(chars, &masked, out);
    }
    marks_autocorrect_leaves(chars, protected, out);
}

/// `c`, or 中 for any common ideograph: AutoCorrect's rules see only classes of characters (Han,
/// CJK, word characters …), to each of which every common ideograph and 中 alike belong, so its
/// changes are the same. Its regexes build their lazy DFAs as they meet new characters, and the
/// thousands of distinct ideographs of a draft cost ≈4 ms of CPU; 中 alone costs little.
fn as_autocorrect_sees(c: char) -> char {
    if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
        '中'
    } else {
        c
    }
}

/// Loads `AUTOCORRECT_CONFIG`, once: the configuration is process-wide in AutoCorrect, and
/// nothing else here uses it.
fn configure_autocorrect() {
    AUTOCORRECT.call_once(|| {
        let _ = autocorrect::config::load(AUTOCORRECT_CONFIG);
    });
}

/// Whether AutoCorrect's `fullwidth` rule can change `text` at all: each of its patterns needs a
/// Chinese or Japanese character (`\p{CJ}`, never ASCII) right before the mark, or, for `,` and
/// `?`, after it and the spaces that follow. Most lines have no such mark (2.5%, 14:30, a
/// masked link), and skipping AutoCorrect for them saved ≈6 % of a check's CPU.
fn autocorrect_may_widen(text: &[char]) -> bool {
    text.iter().enumerate().any(|(i, &c)| {
        let cj_before = i > 0 && !text[i - 1].is_ascii();
        let cj_after = || {
            text[i + 1..]
                .iter()
                .find(|&&a| a != ' ')
                .is_some_and(|a| !a.is_ascii())
        };
        match c {
            '.' | ':' | '!' => cj_before,
            ',' | '?' => cj_before || cj_after(),
            _ => false,
        }
    })
}

/// The marks AutoCorrect's rule widens in `masked` (`chars` with its protected spans masked and
/// its ideographs read as 中).
fn autocorrect_marks(chars: &[char], masked: &[char], out: &mut Vec<Finding>) {
    configure_autocorrect();
    let formatted: Vec<char> = autocorrect::format(&masked.iter().collect::<String>())
        .chars()
        .collect();
    let (mut i, mut j) = (0, 0);
    while i < masked.len() && j < formatted.len() {
        if masked[i] == formatted[j] {
            i += 1;
            j += 1;
            continue;
        }
        let Some(full) = full_width(masked[i]).filter(|&f| f == formatted[j]) else {
            // Something AutoCorrect changed that this rule does not know: stop aligning.
            break;
        };
        let start = i;
        i += 1;
        j += 1;
        while i < masked.len() && masked[i] == ' ' && formatted.get(j) != Some(&' ') {
            i += 1;
        }
        if latin_phrase_before(chars, start) && !chars.get(start + 1).is_some_and(|&a| is_cjk(a)) {
            continue;
        }
        out.push(half_width(chars[start], full, start..i));
    }
}

/// The marks AutoCorrect's rule leaves: `;`, and a mark after `%` or a closing bracket
/// (3.5%,比), next to Chinese on either side, unless between letters or digits (14:30).
fn marks_autocorrect_leaves(chars: &[char], protected: &[Range<usize>], out: &mut Vec<Finding>) {
    for (i, &c) in chars.iter().enumerate() {
        let Some(full) = full_width(c).filter(|_| matches!(c, ',' | ';' | ':' | '!' | '?')) else {
            continue;
        };
        if inside(protected, i) {
            continue;
        }
        let before = chars[..i].iter().rev().find(|c| **c != ' ').copied();
        let after_at = (i + 1..chars.len()).find(|&k| chars[k] != ' ');
        let after = after_at.map(|k| chars[k]);
        let alnum = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        if alnum(before) && alnum(after) {
            continue;
        }
        // A mark that ends a Latin phrase of several words (“Hello, World!”) is English
        // punctuation inside a quotation or title, not the Chinese sentence's own.
        if latin_phrase_before(chars, i) && !chars.get(i + 1).is_some_and(|&a| is_cjk(a)) {
            continue;
        }
        // After Latin text, a space before the Chinese means the mark ends the Latin part.
        if before.is_some_and(is_chinese) || chars.get(i + 1).is_some_and(|&a| is_chinese(a)) {
            let end = match after {
                Some(a) if is_chinese(a) => after_at.unwrap_or(i + 1),
                _ => i + 1,
            };
            out.push(half_width(c, full, i..end));
        }
    }
}

/// The text right before `at`, back to the previous Chinese character, is a Latin phrase: it
/// starts and ends with a letter and has two words or more.
fn latin_phrase_before(chars: &[char], at: usize) -> bool {
    let start = chars[..at]
        .iter()
        .rposition(|&c| is_chinese(c))
        .map_or(0, |k| k + 1);
    let run = &chars[start..at];
    run.last().is_some_and(|c| c.is_ascii_alphabetic())
        && run.iter().all(|c| c.is_ascii() && !c.is_ascii_control())
        && run.first().is_some_and(|c| c.is_ascii_alphabetic())
        && run
            .windows(2)
            .any(|w| w[0] == ' ' && w[1].is_ascii_alphabetic())
}

fn half_width(c: char, full: char, range: Range<usize>) -> Finding {
    finding(
        range.start..range.start + 1,
        format!("中文里应使用全角标点“{full}”，不用半角“{c}”"),
        Some((
            &format!("改为“{full}”"),
            vec![Edit {
                range,
                new_text: full.to_string(),
            }],
        )),
    )
}

/// Opening and closing brackets; half-width `( )` are paired with either width.
fn bracket_partner(open: char) -> Option<char> {
    Some(match open {
        '（' | '(' => '）',
        '《' => '》',
        '〈' => '〉',
        '【' => '】',
        '〔' => '〕',
        '［' => '］',
        '｛' => '｝',
        _ => return None,
    })
}

fn is_close(c: char) -> bool {
    matches!(c, '）' | ')' | '》' | '〉' | '】' | '〕' | '］' | '｝')
}

fn brackets(chars: &[char], protected: &[Range<usize>], out: &mut Vec<Finding>) {
    let mut stack: Vec<usize> = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        if inside(protected, i) {
            continue;
        }
        if bracket_partner(c).is_some() {
            stack.push(i);
            continue;
        }
        // A half-width `>` typed for the closing book-title mark (《条例>); elsewhere `>` is
        // markdown or a comparison.
        if c == '>' {
            if let Some(&open) = stack.last() {
                if matches!(chars[open], '《' | '〈')
                    && chars[open + 1..i].iter().any(|&x| is_cjk(x))
                {
                    stack.pop();
                    let want = bracket_partner(chars[open]).expect("an opening bracket");
                    out.push(finding(
                        i..i + 1,
                        format!("括号不配对：“{}”应以“{want}”结束，这里是“>”", chars[open]),
                        Some((
                            &format!("改为“{want}”"),
                            vec![Edit {
                                range: i..i + 1,
                                new_text: want.to_string(),
                            }],
                        )),
                    ));
                }
            }
            continue;
        }
        if !is_close(c) {
            continue;
        }
        let Some(open) = stack.pop() else {
            // A book title does not run over lines: a lone closing mark is one too many or
            // lacks its opening one (where that goes cannot be told, so no fix).
            if matches!(c, '》' | '〉') {
                let want = if c == '》' { '《' } else { '〈' };
                out.push(finding(
                    i..i + 1,
                    format!("书名号不配对：“{c}”前面缺少“{want}”"),
                    None,
                ));
            }
            continue; // "1) …" list numbering, or a bracket opened on another line
        };
        let o = chars[open];
        let content = &chars[open + 1..i];
        let han = content.iter().any(|&x| is_cjk(x));
        let parens = matches!(o, '(' | '（') && matches!(c, ')' | '）');
        if parens {
            if !han || (o == '（' && c == '）') {
                continue;
            }
            let mut edits = Vec::new();
            if o == '(' {
                edits.push(Edit {
                    range: open..open + 1,
                    new_text: "（".to_owned(),
                });
            }
            if c == ')' {
                edits.push(Edit {
                    range: i..i + 1,
                    new_text: "）".to_owned(),
                });
            }
            let range = edits[0].range.start..edits[edits.len() - 1].range.end;
            out.push(finding(
                range,
                "中文里的括号应使用全角“（）”".to_owned(),
                Some(("改为全角括号“（）”", edits)),
            ));
        } else if c == ')' && o != '(' {
            // A half-width ")" closing a full-width bracket of another kind: an English
            // aside or a list number inside 《…》, leave it.
            stack.push(open);
        } else if bracket_partner(o) != Some(c) && !matches!(o, '(') {
            let want = bracket_partner(o).expect("an opening bracket");
            out.push(finding(
                i..i + 1,
                format!("括号不配对：“{o}”应以“{want}”结束，这里是“{c}”"),
                Some((
                    &format!("改为“{want}”"),
                    vec![Edit {
                        range: i..i + 1,
                        new_text: want.to_string(),
                    }],
                )),
            ));
        }
    }
}

/// Quotation marks: straight ones in Chinese text become curly, and curly ones must pair up.
fn quotes(chars: &[char], protected: &[Range<usize>], out: &mut Vec<Finding>) {
    for (straight, open_mark, close_mark) in [('"', '“', '”'), ('\'', '‘', '’')] {
        let marks: Vec<usize> = (0..chars.len())
            .filter(|&i| {
                let c = chars[i];
                if inside(protected, i) {
                    return false;
                }
                if c == straight {
                    // An apostrophe or inch mark between letters or digits is not a quotation mark.
                    let b = i.checked_sub(1).map(|k| chars[k]);
                    let a = chars.get(i + 1).copied();
                    return !(b.is_some_and(|b| b.is_ascii_alphanumeric())
                        && a.is_some_and(|a| a.is_ascii_alphanumeric()));
                }
                c == open_mark || c == close_mark
            })
            .collect();
        let mut open: Option<usize> = None;
        for (n, &i) in marks.iter().enumerate() {
            let c = chars[i];
            let next = marks.get(n + 1).map(|&k| chars[k]);
            match open {
                None if c == close_mark => {
                    if matches!(next, Some(x) if x == close_mark || x == straight) {
                        out.push(quote_fix(i, c, open_mark, "引号不配对：这里应为前引号"));
                        open = Some(i);
                    } else {
                        out.push(finding(
                            i..i + 1,
                            format!("引号不配对：“{close_mark}”前面缺少“{open_mark}”"),
                            None,
                        ));
                    }
                }
                None => open = Some(i),
                Some(o) => {
                    if c == open_mark {
                        // Nested quotations use the other kind (“…‘…’…”): this one closes.
                        out.push(quote_fix(i, c, close_mark, "引号不配对：这里应为后引号"));
                    }
                    quote_pair(chars, o, i, straight, open_mark, close_mark, out);
                    open = None;
                }
            }
        }
        // An opening mark left open at the end of a line is how a quotation of several
        // paragraphs is written; a lone straight one in Chinese text is still wrong.
        if let Some(o) = open {
            if chars[o] == straight && touches_chinese(chars, o..o + 1) {
                out.push(finding(
                    o..o + 1,
                    format!("中文里应使用全角引号“{open_mark}{close_mark}”，且引号要成对"),
                    None,
                ));
            }
        }
    }
}

fn quote_fix(i: usize, c: char, want: char, message: &str) -> Finding {
    finding(
        i..i + 1,
        format!("{message}“{want}”，不是“{c}”"),
        Some((
            &format!("改为“{want}”"),
            vec![Edit {
                range: i..i + 1,
                new_text: want.to_string(),
            }],
        )),
    )
}

/// A pair of quotation marks at `o` and `c`: straight ones around or next to Chinese become
/// curly.
fn quote_pair(
    chars: &[char],
    o: usize,
    c: usize,
    straight: char,
    open_mark: char,
    close_mark: char,
    out: &mut Vec<Finding>,
) {
    if chars[o] != straight && chars[c] != straight {
        return;
    }
    if !touches_chinese(chars, o..c + 1) {
        return;
    }
    let mut edits = Vec::new();
    if chars[o] == straight {
        edits.push(Edit {
            range: o..o + 1,
            new_text: open_mark.to_string(),
        });
    }
    if chars[c] == straight {
        edits.push(Edit {
            range: c..c + 1,
            new_text: close_mark.to_string(),
        });
    }
    let range = edits[0].range.start..edits[edits.len() - 1].range.end;
    out.push(finding(
        range,
        format!("中文里应使用全角引号“{open_mark}{close_mark}”"),
        Some((&format!("改为“{open_mark}{close_mark}”"), edits)),
    ));
}

/// The span or a character right outside it is Chinese.
fn touches_chinese(chars: &[char], span: Range<usize>) -> bool {
    let before = span.start.checked_sub(1).map(|k| chars[k]);
    let after = chars.get(span.end).copied();
    chars[span].iter().any(|&c| is_cjk(c))
        || before.is_some_and(is_chinese)
        || after.is_some_and(is_chinese)
}

/// The same mark twice or more in a row: `，，` `。。` `、、` `；；` `：：` `？？` `！！`.
fn doubled(chars: &[char], out: &mut Vec<Finding>) {
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let mut end = i + 1;
        while end < chars.len() && chars[end] == c {
            end += 1;
        }
        if end - i >= 2 && matches!(c, '，' | '。' | '、' | '；' | '：' | '？' | '！') {
            out.push(finding(
                i..end,
                format!("标点重复：“{}”", chars[i..end].iter().collect::<String>()),
                Some((
                    &format!("只留一个“{c}”"),
                    vec![Edit {
                        range: i + 1..end,
                        new_text: String::new(),
                    }],
                )),
            ));
        }
        i = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn autocorrect_is_skipped_only_where_it_would_change_nothing_and_sees_classes_only() {
        configure_autocorrect();
        let corpus = crate::corpus::Corpus::builtin();
        // The essays' lines, each with its full-width marks made half-width, and lines at the
        // edges of the rule's patterns.
        let mut lines: Vec<String> = Vec::new();
        for essay in &corpus.essays {
            for line in essay.text.lines() {
                lines.push(line.to_owned());
                let half = |c: char| match c {
                    '，' => ',',
                    '。' => '.',
                    '：' => ':',
                    '！' => '!',
                    '？' => '?',
                    '；' => ';',
                    c => c,
                };
                lines.push(line.chars().map(half).collect());
            }
        }
        for line in [
            "a, 你好",
            "a,  你好",
            "3.5%,比上年",
            "14:30开会",
            "Hello, World!",
            "ok. 好",
            "好 . 的",
            "是吗 ?",
            "第1.2条",
            "好.",
            "好!\"",
            "ア,い",
            "ㄅ.ㄆ",
            "한,국",
            "x?y",
        ] {
            lines.push(line.to_owned());
        }
        let mut widened = 0;
        for line in &lines {
            let chars: Vec<char> = line.chars().collect();
            let formatted = autocorrect::format(line);
            // What it makes of the line as it sees it is the line's own, ideographs read as 中.
            let seen: String = chars.iter().map(|&c| as_autocorrect_sees(c)).collect();
            let formatted_seen: String = formatted.chars().map(as_autocorrect_sees).collect();
            assert_eq!(autocorrect::format(&seen), formatted_seen, "{line}");
            if autocorrect_may_widen(&chars) {
                widened += usize::from(formatted != *line);
            } else {
                assert_eq!(formatted, *line, "skipped, but AutoCorrect changes it");
            }
        }
        // The half-width copies of the essays: the filter lets the rule's cases through.
        assert!(widened > 100, "{widened}");
    }

    fn fixed(line: &str) -> String {
        crate::checks::with_fixes(line, check_line(line))
    }

    #[test]
    fn half_width_in_chinese_text() {
        for (line, want) in [
            ("修了3条路,总长4.6公里。", "修了3条路，总长4.6公里。"),
            ("增长3.5%,比上年", "增长3.5%，比上年"),
            ("听真话;二是", "听真话；二是"),
            ("修通了!", "修通了！"),
            ("目标很明确: 让每一户", "目标很明确：让每一户"),
            ("满意不满意?这是", "满意不满意？这是"),
            (
                "理事会(由7名老党员组成)，统一",
                "理事会（由7名老党员组成），统一",
            ),
            (
                "通知(县政办〔2024〕15号）要求",
                "通知（县政办〔2024〕15号）要求",
            ),
        ] {
            assert_eq!(fixed(line), want, "{line}");
        }
    }

    #[test]
    fn numbers_latin_urls_and_markdown_keep_ascii() {
        for line in [
            "人均可支配收入为19,862元，增长7.6%。",
            "会议定于6月18日14:30召开。",
            "我们用Excel和5G。",
            "见 https://example.com/a?b=1,2 中文",
            "代码`a,b;c`和说明",
            "[链接](http://a.cn/x,中)和说明",
            "| 项目 | 数量 |\n",
            "|:---|---:|",
            "英文 Hello, world! 很好",
            "<!-- essay-lsp-disable typo -->中文",
            "公式R(t)表示",
            "1) 第一条",
        ] {
            assert!(
                check_line(line).is_empty(),
                "{line}: {:?}",
                check_line(line)
            );
        }
    }

    #[test]
    fn quotes_and_brackets() {
        assert_eq!(
            fixed("常说\"干部干部，先干一步\"，这"),
            "常说“干部干部，先干一步”，这"
        );
        assert_eq!(fixed("其中“修排水沟“的呼声"), "其中“修排水沟”的呼声");
        assert_eq!(fixed("学习了《条例〉第六章"), "学习了《条例》第六章");
        assert_eq!(fixed("学习了《条例>第六章"), "学习了《条例》第六章");
        assert!(check_line("> 引用《条例》的话").is_empty());
        assert!(check_line("打印“Hello, World!”。").is_empty());
        assert!(check_line("书名是《Hello World!》").is_empty());
        let lone = check_line("学习了《论党的自我革命》一书》。");
        assert_eq!(lone.len(), 1);
        assert_eq!(lone[0].range, 14..15);
        let lone = check_line("写下要把群众的事当成自己的事”，然后");
        assert_eq!(lone.len(), 1);
        assert!(lone[0].fixes.is_empty());
        // A quotation running on into the next paragraph.
        assert!(check_line("他说：“第一段。").is_empty());
        assert!(check_line("“四个意识”是政治意识").is_empty());
        assert!(check_line("don't 中文").is_empty());
    }

    #[test]
    fn doubled_marks() {
        assert_eq!(fixed("1200户，，超额"), "1200户，超额");
        assert_eq!(fixed("大？？"), "大？");
        assert!(check_line("省略号……和破折号——").is_empty());
    }

    #[test]
    fn outside_the_bmp() {
        assert_eq!(fixed("𠀀,😀甲,乙"), "𠀀，😀甲，乙");
    }
}
