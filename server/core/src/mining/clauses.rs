//! Clause-level text for mining: punctuation classes, trimming quotation marks off a clause,
//! a clause's own text, and the shared beginnings and endings of parallel clauses.

use crate::phrases::text::snippet_escape;
use crate::text::is_sentence_end;

/// Members of a parallel structure found in the corpus: 2–12 chars.
const MEMBER_MAX_CHARS: usize = 12;

/// Punctuation inside a sentence after which another clause follows (full and half width).
pub(crate) fn is_clause_punct(c: char) -> bool {
    matches!(c, '，' | '、' | '；' | '：' | ',' | ';' | ':')
}

/// Opening marks: a clause's own text starts after the last unclosed one.
pub(crate) fn is_opening(c: char) -> bool {
    matches!(c, '“' | '‘' | '「' | '『' | '《' | '（' | '(' | '【' | '〔')
}

/// Closing marks: a clause's own text ends before the first unopened one.
pub(crate) fn is_closing(c: char) -> bool {
    matches!(c, '”' | '’' | '」' | '』' | '》' | '）' | ')' | '】' | '〕')
}

/// The full-width form of clause punctuation (what Chinese text should use).
pub(crate) fn full_width_punct(c: char) -> char {
    match c {
        ',' => '，',
        ';' => '；',
        ':' => '：',
        '!' => '！',
        '?' => '？',
        '(' => '（',
        ')' => '）',
        other => other,
    }
}

/// Replaces half-width punctuation with full width, as phrases are inserted into Chinese text.
pub(crate) fn fold_punct(text: &str) -> String {
    text.chars().map(full_width_punct).collect()
}

/// Trims whitespace, punctuation and unbalanced (or fully wrapping) quotation marks and brackets
/// from both ends of a clause: `“一户不落` → `一户不落`, `“美化”` → `美化`, but
/// `变为“简化”` stays as it is.
pub(crate) fn trim_clause(text: &str) -> &str {
    let mut t =
        text.trim_matches(|c: char| c.is_whitespace() || is_clause_punct(c) || is_sentence_end(c));
    loop {
        let opens = t.chars().filter(|&c| is_opening(c)).count();
        let closes = t.chars().filter(|&c| is_closing(c)).count();
        let first = t.chars().next();
        let last = t.chars().next_back();
        let (Some(first), Some(last)) = (first, last) else {
            return t;
        };
        let strip_first = is_closing(first)
            || matches!(first, '"' | '\'')
            || (is_opening(first) && (opens > closes || t.chars().count() == 1));
        let strip_last =
            is_opening(last) || matches!(last, '"' | '\'') || (is_closing(last) && closes > opens);
        let wrapped = is_opening(first)
            && is_closing(last)
            && t.chars().count() > 2
            && is_balanced(&t[first.len_utf8()..t.len() - last.len_utf8()]);
        if strip_first || wrapped {
            t = &t[first.len_utf8()..];
        }
        if (strip_last || wrapped) && !t.is_empty() {
            let last = t.chars().next_back().unwrap_or(last);
            t = &t[..t.len() - last.len_utf8()];
        }
        if !(strip_first || strip_last || wrapped) {
            return t.trim();
        }
        t = t.trim_matches(|c: char| c.is_whitespace() || is_clause_punct(c) || is_sentence_end(c));
    }
}

/// Whether every closing mark in `text` closes an earlier opening mark, and all are closed.
fn is_balanced(text: &str) -> bool {
    let mut depth = 0i32;
    for c in text.chars() {
        if is_opening(c) {
            depth += 1;
        } else if is_closing(c) {
            depth -= 1;
            if depth < 0 {
                return false;
            }
        }
    }
    depth == 0
}

/// Byte offset of the first closing mark in `text` that closes nothing opened inside it.
fn unopened_close(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        if is_opening(c) {
            depth += 1;
        } else if is_closing(c) {
            if depth == 0 {
                return Some(i);
            }
            depth -= 1;
        }
    }
    None
}

/// The clause's own text: after the last unclosed opening mark and before the first unopened
/// closing mark, so `要做到“摘帽不摘责任` gives `摘帽不摘责任` and `一个不少”` gives `一个不少`.
/// Returns `None` when that is the whole (trimmed) clause already.
pub(crate) fn inner_clause(text: &str) -> Option<&str> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut start = 0;
    let end = unopened_close(text).unwrap_or(text.len());
    // The last opening mark that is never closed before `end`.
    let mut open_stack: Vec<usize> = Vec::new();
    for &(i, c) in chars.iter().take_while(|(i, _)| *i < end) {
        if is_opening(c) {
            open_stack.push(i + c.len_utf8());
        } else if is_closing(c) {
            open_stack.pop();
        }
    }
    if let Some(&last) = open_stack.last() {
        start = last;
    }
    let inner = trim_clause(&text[start..end]);
    (inner.len() < trim_clause(text).len() && !inner.is_empty()).then_some(inner)
}

/// Length in chars of the common prefix of all `items`.
pub(crate) fn common_prefix_chars(items: &[&str]) -> usize {
    let Some(first) = items.first() else { return 0 };
    let mut n = first.chars().count();
    for item in &items[1..] {
        n = n.min(
            first
                .chars()
                .zip(item.chars())
                .take_while(|(a, b)| a == b)
                .count(),
        );
    }
    n
}

/// Length in chars of the common suffix of all `items`.
pub(crate) fn common_suffix_chars(items: &[&str]) -> usize {
    let reversed: Vec<String> = items.iter().map(|s| s.chars().rev().collect()).collect();
    let refs: Vec<&str> = reversed.iter().map(String::as_str).collect();
    common_prefix_chars(&refs)
}

/// A clause's own text, without quotation marks it opens or closes for text around it.
pub(crate) struct Core<'a> {
    /// Trimmed, after the last unclosed opening mark, before the first unopened closing mark.
    pub core: &'a str,
    /// Trimmed, before the first unopened closing mark (what is offered as a continuation).
    pub head: &'a str,
    pub cut_start: bool,
    pub cut_end: bool,
}

impl<'a> Core<'a> {
    pub(crate) fn of(raw: &'a str) -> Core<'a> {
        let trimmed = trim_clause(raw);
        let core = inner_clause(raw).unwrap_or(trimmed);
        // The head: cut at the first closing mark that closes nothing inside the clause.
        let head_end = unopened_close(trimmed).unwrap_or(trimmed.len());
        let head = trim_clause(&trimmed[..head_end]);
        let cut_start = !trimmed.starts_with(core) || raw.trim_start().starts_with(is_opening);
        let cut_end = !trimmed.ends_with(core) || raw.trim_end().ends_with(is_closing);
        Core {
            core,
            head,
            cut_start,
            cut_end,
        }
    }
}

/// The shared beginning and ending (in chars) that make `members` a parallel structure:
/// together at least 2 chars, with something left to vary in every member.
pub(crate) fn parallel_affix(members: &[&str]) -> Option<(usize, usize)> {
    if members.len() < 2
        || members
            .iter()
            .any(|m| !(2..=MEMBER_MAX_CHARS).contains(&m.chars().count()))
    {
        return None;
    }
    let prefix = common_prefix_chars(members);
    let rests: Vec<String> = members
        .iter()
        .map(|m| m.chars().skip(prefix).collect())
        .collect();
    let rest_refs: Vec<&str> = rests.iter().map(String::as_str).collect();
    let suffix = common_suffix_chars(&rest_refs);
    let varies = rests.iter().all(|r| r.chars().count() > suffix);
    (prefix + suffix >= 2 && varies).then_some((prefix, suffix))
}

/// In a structure that shares only an ending, the first member often carries the words that
/// lead into the enumeration (五保障即住房有保障、增收有保障…): cut it to the length of the
/// longest other member (住房有保障).
pub(crate) fn trim_lead_in(members: &mut [String]) {
    let refs: Vec<&str> = members.iter().map(String::as_str).collect();
    if common_prefix_chars(&refs) > 0 {
        return;
    }
    let longest_other = refs[1..]
        .iter()
        .map(|m| m.chars().count())
        .max()
        .unwrap_or(0);
    let first_len = refs[0].chars().count();
    if longest_other > 0 && first_len > longest_other {
        members[0] = members[0].chars().skip(first_len - longest_other).collect();
    }
}

/// `摘帽不摘${1:政策}、摘帽不摘${2:帮扶}`: the varying part of each member as a placeholder.
pub(crate) fn parallel_snippet(
    members: &[String],
    seps: &[String],
    (prefix, suffix): (usize, usize),
) -> String {
    let mut out = String::new();
    for (k, member) in members.iter().enumerate() {
        let chars: Vec<char> = member.chars().collect();
        let head: String = chars[..prefix].iter().collect();
        let mid: String = chars[prefix..chars.len() - suffix].iter().collect();
        let tail: String = chars[chars.len() - suffix..].iter().collect();
        out.push_str(&snippet_escape(&head));
        out.push_str(&format!("${{{}:{}}}", k + 1, snippet_escape(&mid)));
        out.push_str(&snippet_escape(&tail));
        if k + 1 < members.len() {
            out.push_str(&snippet_escape(seps.get(k).map_or("", String::as_str)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inner_clause_drops_unbalanced_quotes_only() {
        for (clause, want) in [
            ("要做到“摘帽不摘责任", Some("摘帽不摘责任")),
            ("摘帽不摘监管”", None),
            ("一个不少”后面", Some("一个不少")),
            ("让扶贫资料“美化”变为“简化”", None),
        ] {
            assert_eq!(inner_clause(clause), want, "{clause}");
        }
        for (clause, want) in [
            ("让扶贫资料“美化”变为“简化”", "让扶贫资料“美化”变为“简化”"),
            ("“美化”", "美化"),
            (" “一户不落", "一户不落"),
            ("“美化”过的扶贫资料", "“美化”过的扶贫资料"),
            ("一个不少”", "一个不少"),
        ] {
            assert_eq!(trim_clause(clause), want, "{clause}");
        }
    }

    #[test]
    fn common_affixes() {
        assert_eq!(common_prefix_chars(&["摘帽不摘责任", "摘帽不摘政策"]), 4);
        assert_eq!(
            common_suffix_chars(&["义务教育有保障", "住房安全有保障"]),
            3
        );
    }

    #[test]
    fn parallel_affixes() {
        assert_eq!(
            parallel_affix(&["摘帽不摘责任", "摘帽不摘政策", "摘帽不摘帮扶"]),
            Some((4, 0))
        );
        assert_eq!(
            parallel_affix(&["义务教育有保障", "住房安全有保障"]),
            Some((0, 3))
        );
        assert_eq!(parallel_affix(&["队伍不能撤", "人心不能散"]), None);
        assert_eq!(parallel_affix(&["不愁", "不愁穿"]), None);
    }

    #[test]
    fn lead_in_words_are_cut_from_the_first_member() {
        let mut m = vec!["五保障即住房有保障".to_owned(), "增收有保障".to_owned()];
        trim_lead_in(&mut m);
        assert_eq!(m, ["住房有保障", "增收有保障"]);
        let mut m = vec!["摘帽不摘责任".to_owned(), "摘帽不摘政策".to_owned()];
        trim_lead_in(&mut m);
        assert_eq!(m[0], "摘帽不摘责任");
    }

    #[test]
    fn snippets_make_the_varying_part_a_placeholder() {
        let members = ["摘帽不摘政策".to_owned(), "摘帽不摘帮扶".to_owned()];
        assert_eq!(
            parallel_snippet(&members, &["、".to_owned()], (4, 0)),
            "摘帽不摘${1:政策}、摘帽不摘${2:帮扶}"
        );
        let members = ["义务教育有保障".to_owned(), "住房安全有保障".to_owned()];
        assert_eq!(
            parallel_snippet(&members, &["、".to_owned()], (0, 3)),
            "${1:义务教育}有保障、${2:住房安全}有保障"
        );
    }

    #[test]
    fn core_strips_quotes_opened_or_closed_outside_the_clause() {
        let c = Core::of("要做到“摘帽不摘责任");
        assert_eq!(
            (c.core, c.cut_start, c.cut_end),
            ("摘帽不摘责任", true, false)
        );
        let c = Core::of("摘帽不摘监管”");
        assert_eq!(
            (c.core, c.head, c.cut_end),
            ("摘帽不摘监管", "摘帽不摘监管", true)
        );
        let c = Core::of("“美化”过的扶贫资料");
        assert_eq!(
            (c.core, c.cut_start, c.cut_end),
            ("“美化”过的扶贫资料", true, false)
        );
    }
}
