//! `placeholder`: template slots the writer forgot to fill.
//!
//! - years such as 20xx, 20XX, 201x, 20××, 19xx;
//! - runs of X/x/×/＊/□ — two or more before a place or person noun (XX县, xx同志, ××年), three or
//!   more on their own (XXX) — but never inside a Latin word (XXL, xxx.com);
//! - masked names: a Han character and two or more asterisks (习**), told apart from Markdown
//!   bold (要**精准**扶贫);
//! - brackets that are empty, hold only X/*/_ marks, or hold a template field name or a fill-in
//!   instruction: 【单位名称】, 【 】, [XX], （此处填写姓名）; headers such as 【篇一】 are not;
//! - fill-in blanks of four or more underscores inside a line of text (a line of nothing but
//!   underscores or dashes is a Markdown rule).
//!
//! Field names and nouns are data: `corpus/placeholder-fields.txt`.

use crate::normalize::fold_width_and_case as fold;
use std::sync::OnceLock;

use crate::builtin;
use crate::checks::{Code, Finding};
use crate::text::is_han;

/// Han chars that often stand before a masked number or word but are no surname.
const NOT_SURNAMES: &str = "第在的是和与及对为于了共约达有等每各该本近超由向从到将把被";
/// Brackets farther apart than this are not one slot.
const MAX_BRACKET_CONTENT: usize = 24;
/// Shortest run of underscores taken for a blank.
const MIN_UNDERSCORES: usize = 4;

struct Data {
    fields: Vec<Vec<char>>,
    instructions: Vec<Vec<char>>,
    places: Vec<Vec<char>>,
    nouns: Vec<Vec<char>>,
}

fn data() -> &'static Data {
    static DATA: OnceLock<Data> = OnceLock::new();
    DATA.get_or_init(|| parse(builtin::text("placeholder-fields.txt")))
}

fn parse(text: &str) -> Data {
    let mut data = Data {
        fields: Vec::new(),
        instructions: Vec::new(),
        places: Vec::new(),
        nouns: Vec::new(),
    };
    let mut section = "";
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = match name {
                "fields" => "fields",
                "instructions" => "instructions",
                "places" => "places",
                "nouns" => "nouns",
                _ => "",
            };
            continue;
        }
        let word: Vec<char> = line.chars().map(fold).collect();
        match section {
            "fields" => data.fields.push(word),
            "instructions" => data.instructions.push(word),
            "places" => data.places.push(word),
            "nouns" => data.nouns.push(word),
            _ => {}
        }
    }
    // Longest first, so 万元 is preferred to 万 when quoting.
    for list in [&mut data.places, &mut data.nouns] {
        list.sort_by_key(|w| std::cmp::Reverse(w.len()));
    }
    data
}

/// Unfilled template slots in `text`, in order.
/// The `placeholder` check.
pub struct Placeholder;

impl super::Check for Placeholder {
    fn codes(&self) -> &'static [Code] {
        &[Code::Placeholder]
    }

    fn check(&self, cx: &super::Context<'_>) -> Vec<Finding> {
        check(cx.text)
    }
}

pub fn check(text: &str) -> Vec<Finding> {
    let raw: Vec<char> = text.chars().collect();
    let chars: Vec<char> = raw.iter().copied().map(fold).collect();
    let data = data();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = if let Some(end) = year_at(&chars, i) {
            out.push(slot(&raw, i..end, i..end));
            end
        } else if c == '*' {
            asterisks(&raw, &chars, i, data, &mut out)
        } else if is_x(c) {
            x_run(&raw, &chars, i, data, &mut out)
        } else if let Some(end) = bracket(&raw, &chars, i, data, &mut out) {
            end
        } else if c == '_' {
            underscores(&raw, &chars, i, &mut out)
        } else {
            i + 1
        };
        i = next;
    }
    out
}

/// `20xx`-style year at `i`: its end.
fn year_at(chars: &[char], i: usize) -> Option<usize> {
    let w = chars.get(i..i + 4)?;
    let century = matches!((w[0], w[1]), ('1', '9') | ('2', '0'));
    let open = (w[2].is_ascii_digit() || is_x_letter(w[2])) && is_x_letter(w[3]);
    let before_ok = i == 0 || !is_latin(chars[i - 1]);
    let after_ok = chars
        .get(i + 4)
        .is_none_or(|&c| !is_latin(c) && !is_x_letter(c));
    (century && open && before_ok && after_ok).then_some(i + 4)
}

/// A run of asterisks at `i`: Markdown bold, a masked name, a slot or nothing. Returns where
/// scanning resumes.
fn asterisks(raw: &[char], chars: &[char], i: usize, data: &Data, out: &mut Vec<Finding>) -> usize {
    let j = run_end(chars, i, |c| c == '*');
    let len = j - i;
    let half_width = raw[i..j].iter().all(|&c| c == '*');
    if half_width && (len == 2 || len == 3) {
        if let Some(after_closer) = bold_closer(chars, i, j) {
            return after_closer;
        }
    }
    if len < 2 {
        return j;
    }
    let noun = noun_after(chars, j, data);
    let prev = i.checked_sub(1).map(|p| chars[p]);
    if prev.is_some_and(is_han) {
        let place = noun.is_some_and(|(_, is_place)| is_place);
        // 第**条, 共**人: the char before is grammar, not a surname.
        let grammar = prev.is_some_and(|c| NOT_SURNAMES.contains(c));
        if !place && !grammar {
            let shown: String = raw[i - 1..j].iter().collect();
            out.push(Finding::new(
                Code::Placeholder,
                i - 1..j,
                format!("疑似打码人名“{shown}”，请写全或改写"),
            ));
            return j;
        }
    }
    if prev.is_some_and(is_latin) || chars.get(j).copied().is_some_and(is_latin) {
        return j;
    }
    match noun {
        Some((end, _)) => out.push(slot(raw, i..j, i..end)),
        None if len >= 3 && line_has_text(chars, i) => out.push(slot(raw, i..j, i..j)),
        None => {}
    }
    j
}

/// `**` at `i..j` opening Markdown bold: a run of the same length later on the line, with
/// non-empty text between that neither starts nor ends with a space. Returns the end of the
/// closing run. Two masks on one line (习**同志…习**同志) look alike on both sides, so they are
/// not taken for bold.
fn bold_closer(chars: &[char], i: usize, j: usize) -> Option<usize> {
    let len = j - i;
    let first = *chars.get(j)?;
    if first.is_whitespace() || first == '*' {
        return None;
    }
    let mut k = j + 1;
    while k < chars.len() && !is_line_break(chars[k]) {
        if chars[k] == '*' {
            let end = run_end(chars, k, |c| c == '*');
            if end - k == len && !chars[k - 1].is_whitespace() {
                let repeated_mask = i > 0
                    && is_han(chars[i - 1])
                    && is_han(chars[k - 1])
                    && chars.get(end) == Some(&first);
                return (!repeated_mask).then_some(end);
            }
            k = end;
        } else {
            k += 1;
        }
    }
    None
}

/// A run of X/x/×/□ at `i`. Returns where scanning resumes.
fn x_run(raw: &[char], chars: &[char], i: usize, data: &Data, out: &mut Vec<Finding>) -> usize {
    let j = run_end(chars, i, is_x);
    let len = j - i;
    let prev = i.checked_sub(1).map(|p| chars[p]);
    let next = chars.get(j).copied();
    // Part of a Latin word, a file name, an address or a product code: XXL, xxx.com, a_xx.
    let in_word = prev.is_some_and(|c| is_latin(c) || "._@/\\-#&=%+".contains(c))
        || next.is_some_and(is_latin)
        || (next.is_some_and(|c| ".@/".contains(c))
            && chars.get(j + 1).copied().is_some_and(is_latin));
    if in_word {
        return j;
    }
    match noun_after(chars, j, data) {
        Some((end, _)) if len >= 2 => out.push(slot(raw, i..j, i..end)),
        _ if len >= 3 => out.push(slot(raw, i..j, i..j)),
        _ => {}
    }
    j
}

/// A bracket opening at `i` that is a template slot: reports it and returns its end.
fn bracket(
    raw: &[char],
    chars: &[char],
    i: usize,
    data: &Data,
    out: &mut Vec<Finding>,
) -> Option<usize> {
    let open = chars[i];
    let close = closing(open)?;
    let ascii = matches!(open, '(' | '[') && matches!(raw[i], '(' | '[');
    let content_start = i + 1;
    let mut k = content_start;
    while k < chars.len() && chars[k] != close {
        if chars[k] == open || is_line_break(chars[k]) || k - content_start > MAX_BRACKET_CONTENT {
            return None;
        }
        k += 1;
    }
    if k >= chars.len() {
        return None;
    }
    let end = k + 1;
    let content = &chars[content_start..k];
    // Code and Markdown: f(), a[x], [text](link).
    if ascii
        && (i > 0 && (is_latin(chars[i - 1]) || chars[i - 1] == '_')
            || open == '[' && raw.get(end) == Some(&'('))
    {
        return None;
    }
    let trimmed = trim(content);
    let blank = trimmed.is_empty();
    let marks_only = !blank
        && trimmed.iter().all(|&c| is_blank_mark(c) || c == ' ')
        // A lone x is a variable or a ticked box ([x]), not a slot.
        && !(trimmed.len() == 1 && is_x_letter(trimmed[0]));
    let field = {
        let name = trim_end_colon(trimmed);
        !name.is_empty() && data.fields.iter().any(|f| f.as_slice() == name)
    };
    let instruction = data
        .instructions
        .iter()
        .any(|w| trimmed.starts_with(w) && trimmed.len() > w.len());
    let is_slot = if blank {
        // [ ] is a Markdown task box.
        open != '['
    } else {
        marks_only || instruction || (field && !is_label(chars, end))
    };
    if !is_slot {
        return None;
    }
    out.push(slot(raw, i..end, i..end));
    Some(end)
}

/// A field bracket followed by its value is a filled-in label: 【时间】：2020年6月, 【时间】2020年.
fn is_label(chars: &[char], end: usize) -> bool {
    let mut k = end;
    while k < chars.len() && chars[k] == ' ' {
        k += 1;
    }
    match chars.get(k) {
        Some(c) if c.is_ascii_digit() => true,
        Some(':') => chars[k + 1..]
            .iter()
            .take_while(|&&c| !is_line_break(c))
            .any(|c| !c.is_whitespace()),
        _ => false,
    }
}

/// Four or more underscores in a line that has other text. Returns where scanning resumes.
fn underscores(raw: &[char], chars: &[char], i: usize, out: &mut Vec<Finding>) -> usize {
    let j = run_end(chars, i, |c| c == '_');
    if j - i < MIN_UNDERSCORES {
        return j;
    }
    let identifier = i > 0
        && chars[i - 1].is_ascii_alphanumeric()
        && chars.get(j).is_some_and(|c| c.is_ascii_alphanumeric());
    if !identifier && line_has_text(chars, i) {
        let shown: String = raw[i..j].iter().collect();
        out.push(Finding::new(
            Code::Placeholder,
            i..j,
            format!("未填写的空白“{shown}”，请填写"),
        ));
    }
    j
}

/// The standard finding: `range` is underlined, `shown` quoted.
fn slot(raw: &[char], range: std::ops::Range<usize>, shown: std::ops::Range<usize>) -> Finding {
    let shown: String = raw[shown].iter().collect();
    Finding::new(
        Code::Placeholder,
        range,
        format!("未填写的模板占位符“{shown}”"),
    )
}

/// A place or person noun right after `j`: its end, and whether it is a place.
fn noun_after(chars: &[char], j: usize, data: &Data) -> Option<(usize, bool)> {
    let rest = chars.get(j..)?;
    let longest = |list: &[Vec<char>]| {
        list.iter()
            .find(|w| rest.starts_with(w))
            .map(|w| j + w.len())
    };
    match (longest(&data.places), longest(&data.nouns)) {
        (Some(p), Some(n)) if n > p => Some((n, false)),
        (Some(p), _) => Some((p, true)),
        (None, Some(n)) => Some((n, false)),
        (None, None) => None,
    }
}

/// The line around `i` holds something besides marks and rules (so it is not a Markdown rule).
fn line_has_text(chars: &[char], i: usize) -> bool {
    let start = chars[..i]
        .iter()
        .rposition(|&c| is_line_break(c))
        .map_or(0, |p| p + 1);
    let end = chars[i..]
        .iter()
        .position(|&c| is_line_break(c))
        .map_or(chars.len(), |p| i + p);
    chars[start..end]
        .iter()
        .any(|&c| !c.is_whitespace() && !"_-—─=*~".contains(c))
}

fn run_end(chars: &[char], i: usize, f: impl Fn(char) -> bool) -> usize {
    i + chars[i..].iter().take_while(|&&c| f(c)).count()
}

fn trim(chars: &[char]) -> &[char] {
    let start = chars.iter().take_while(|&&c| c == ' ').count();
    let end = chars.len()
        - chars[start..]
            .iter()
            .rev()
            .take_while(|&&c| c == ' ')
            .count();
    &chars[start..end]
}

fn trim_end_colon(chars: &[char]) -> &[char] {
    let mut end = chars.len();
    while end > 0 && (chars[end - 1] == ':' || chars[end - 1] == ' ') {
        end -= 1;
    }
    &chars[..end]
}

fn closing(open: char) -> Option<char> {
    match open {
        '【' => Some('】'),
        '[' => Some(']'),
        '(' => Some(')'),
        '〔' => Some('〕'),
        _ => None,
    }
}

/// Folded chars that stand for a hidden or missing character.
fn is_x(c: char) -> bool {
    matches!(c, 'x' | '×' | '□')
}

fn is_x_letter(c: char) -> bool {
    matches!(c, 'x' | '×')
}

/// Folded chars that may fill an empty template bracket.
fn is_blank_mark(c: char) -> bool {
    matches!(c, 'x' | '×' | '□' | '○' | '*' | '_')
}

/// Folded Latin letters and digits: the stuff of words, codes and numbers.
fn is_latin(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

fn is_line_break(c: char) -> bool {
    c == '\n' || c == '\r'
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (underlined text, message) of every finding.
    fn found(text: &str) -> Vec<(String, String)> {
        let chars: Vec<char> = text.chars().collect();
        check(text)
            .into_iter()
            .map(|f| {
                assert_eq!(f.code, Code::Placeholder);
                assert_eq!(f.severity, crate::checks::Severity::Warning);
                (chars[f.range].iter().collect(), f.message)
            })
            .collect()
    }

    fn underlined(text: &str) -> Vec<String> {
        found(text).into_iter().map(|(t, _)| t).collect()
    }

    #[test]
    fn seed_years_and_masked_names() {
        let seed = builtin::text("seed/000_fbe086485b6b6179.txt");
        let lines: Vec<&str> = seed.lines().collect();
        // Line 51: 《中国农村扶贫开发纲要(20xx-20xx年)》; line 52: 20xx至20xx,我在陕西省白河县挂职.
        assert_eq!(underlined(lines[50]), ["20xx", "20xx"]);
        assert_eq!(underlined(lines[51]), ["20xx", "20xx"]);
        assert_eq!(
            found(lines[32])[0],
            (
                "习**".to_owned(),
                "疑似打码人名“习**”，请写全或改写".to_owned()
            )
        );
        let all = found(seed);
        let years = all.iter().filter(|(t, _)| t == "20xx").count();
        let masks = all.iter().filter(|(t, _)| t == "习**").count();
        assert_eq!((years, masks, all.len()), (4, 6, 10), "{all:?}");
        assert_eq!(
            all[6].1, "未填写的模板占位符“20xx”",
            "seed findings come in text order"
        );
    }

    #[test]
    fn template_years() {
        assert_eq!(
            underlined("20XX年、201x年、20××年、19xx年、２０ｘｘ年"),
            ["20XX", "201x", "20××", "19xx", "２０ｘｘ"]
        );
        assert!(underlined("2019年、2020xx、ab20xx、20xxl、1920年").is_empty());
    }

    #[test]
    fn runs_of_x_before_nouns_or_long_enough() {
        assert_eq!(
            found("XX县的xx同志来到××市。"),
            [
                ("XX".to_owned(), "未填写的模板占位符“XX县”".to_owned()),
                ("xx".to_owned(), "未填写的模板占位符“xx同志”".to_owned()),
                ("××".to_owned(), "未填写的模板占位符“××市”".to_owned()),
            ]
        );
        assert_eq!(underlined("关于XXX的报告，×××负责"), ["XXX", "×××"]);
        assert_eq!(underlined("××年××月××日"), ["××", "××", "××"]);
        assert_eq!(underlined("□□村投入XX万元"), ["□□", "XX"]);
        assert_eq!(underlined("由＊＊县牵头"), ["＊＊"]);
        assert_eq!(
            found("第**条、共***人")[1],
            ("***".to_owned(), "未填写的模板占位符“***人”".to_owned())
        );
    }

    #[test]
    fn latin_words_and_arithmetic_are_not_slots() {
        let text = "买了XXL的衣服，访问xxx.com或a.xxx，邮箱xx@qq.com，Maxxx好，3×4=12，xx好";
        assert!(found(text).is_empty(), "{:?}", found(text));
    }

    #[test]
    fn masked_names_and_markdown_bold() {
        assert_eq!(underlined("李＊＊同志和王**主任"), ["李＊＊", "王**"]);
        assert!(underlined("我们要**精准**扶贫，***重点***突出").is_empty());
        // Two masks on one line are not a bold pair.
        assert_eq!(
            underlined("习**同志指出，要精准。习**同志强调"),
            ["习**", "习**"]
        );
        // A ** followed by a space opens no bold.
        assert_eq!(underlined("习** 同志和要**精准**"), ["习**"]);
        // A lone mark or a Markdown rule is nothing.
        assert!(underlined("a*b，**\n***\n* 列表").is_empty());
    }

    #[test]
    fn template_brackets() {
        assert_eq!(
            underlined("【单位名称】【姓名】【 】[XX]（XXX）（）（此处填写单位名称）［职务］"),
            [
                "【单位名称】",
                "【姓名】",
                "【 】",
                "[XX]",
                "（XXX）",
                "（）",
                "（此处填写单位名称）",
                "［职务］"
            ]
        );
        assert_eq!(
            found("致【单位名称】：")[0].1,
            "未填写的模板占位符“【单位名称】”"
        );
    }

    #[test]
    fn headers_labels_and_code_are_not_slots() {
        let text = "【篇一】【案例】【导读】（一）(2017年)（略）（……）各部门（单位）各市（地区）\n\
                    【时间】：2020年6月1日 【地点】: 村委会 【日期】2020年\n\
                    - [ ] 待办\n- [x] 完成\n[](http://a.cn) f() a[i] (x)";
        assert!(found(text).is_empty(), "{:?}", found(text));
    }

    #[test]
    fn blanks_of_underscores() {
        assert_eq!(
            found("姓名：＿＿＿＿，单位：____。"),
            [
                (
                    "＿＿＿＿".to_owned(),
                    "未填写的空白“＿＿＿＿”，请填写".to_owned()
                ),
                ("____".to_owned(), "未填写的空白“____”，请填写".to_owned()),
            ]
        );
        // Markdown rules and identifiers are not blanks.
        assert!(found("正文\n________\n----\n__ __\nmy____var").is_empty());
    }

    #[test]
    fn ranges_are_char_offsets() {
        let text = "𠀀😀第XX村";
        let f = check(text);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].range, 3..5);
    }
}
