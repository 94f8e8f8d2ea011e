//! Character classes and small text helpers for phrase mining and completion.

/// Han ideographs (CJK Unified Ideographs, extensions A–G, compatibility ideographs) and 〇.
pub(super) fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3007}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}'
        | '\u{30000}'..='\u{323AF}')
}

/// Whether editors count `c` as part of a word the way Vim does with its default `iskeyword`
/// (`@,48-57,_,192-255`): ASCII letters and digits, `_`, Latin-1 letters, and above U+00FF every
/// character but blanks and punctuation (Vim's `utf_class` ≥ 2) — Han, kana, full-width letters
/// and digits, emoji. nvim-cmp (`\k`) and blink.cmp take their word before the cursor from it.
///
/// Where Vim's classes are finer than these ranges this errs towards "word": an edit that
/// starts before a client's word still filters (its `filterText` begins with the client's word
/// after a common prefix), one that starts after it does not.
pub(super) fn is_client_word_char(c: char) -> bool {
    let u = c as u32;
    if u < 0x100 {
        return c.is_ascii_alphanumeric() || c == '_' || c == 'µ' || u >= 0xC0;
    }
    if c.is_whitespace() {
        return false;
    }
    // Vim's punctuation (`utf_class` 0 and 1) as it occurs in Chinese and mixed text: general
    // punctuation (but the emoji ‼ ⁉), currency signs, CJK and full-width punctuation (but the
    // emoji 〰 〽). Symbol blocks hold emoji, which Vim counts as word characters, so they stay
    // words here.
    !matches!(u,
        0x037E | 0x0387 | 0x055A..=0x055F | 0x0589 | 0x060C | 0x061B | 0x061F | 0x06D4
        | 0x2000..=0x203B
        | 0x203D..=0x2048
        | 0x204A..=0x206F
        | 0x20A0..=0x20CF
        | 0x2E00..=0x2E7F
        | 0x3000..=0x3020
        | 0xFD3E..=0xFD3F
        | 0xFE30..=0xFE6B
        | 0xFF00..=0xFF0F
        | 0xFF1A..=0xFF20
        | 0xFF3B..=0xFF40
        | 0xFF5B..=0xFF65)
}

/// Where the editor's word before the end of `chars` begins (an index into `chars`): the run of
/// [`is_client_word_char`] characters, with a `-` between two of them (blink.cmp's word takes
/// it; nvim-cmp's `\k` does not, and nvim-cmp then filters from the edit's start instead).
/// Equal to `chars.len()` after punctuation or a space.
pub(super) fn client_word_start(chars: &[char]) -> usize {
    let mut start = chars.len();
    while start > 0 {
        let c = chars[start - 1];
        let inner_dash =
            c == '-' && start < chars.len() && start >= 2 && is_client_word_char(chars[start - 2]);
        if !(is_client_word_char(c) || inner_dash) {
            break;
        }
        start -= 1;
    }
    start
}

/// Punctuation inside a sentence after which another clause follows (full and half width).
pub(super) fn is_clause_punct(c: char) -> bool {
    matches!(c, '，' | '、' | '；' | '：' | ',' | ';' | ':')
}

/// Characters that end a sentence: no continuation is offered across them.
pub(super) fn is_sentence_end(c: char) -> bool {
    matches!(
        c,
        '。' | '！' | '？' | '!' | '?' | '…' | '\n' | '\r' | '\u{2028}' | '\u{2029}'
    )
}

/// Opening marks: a clause's own text starts after the last unclosed one.
pub(super) fn is_opening(c: char) -> bool {
    matches!(c, '“' | '‘' | '「' | '『' | '《' | '（' | '(' | '【' | '〔')
}

/// Closing marks: a clause's own text ends before the first unopened one.
pub(super) fn is_closing(c: char) -> bool {
    matches!(c, '”' | '’' | '」' | '』' | '》' | '）' | ')' | '】' | '〕')
}

/// The full-width form of clause punctuation (what Chinese text should use).
pub(super) fn full_width_punct(c: char) -> char {
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
pub(super) fn fold_punct(text: &str) -> String {
    text.chars().map(full_width_punct).collect()
}

/// Trims whitespace, punctuation and unbalanced (or fully wrapping) quotation marks and brackets
/// from both ends of a clause: `“一户不落` → `一户不落`, `“美化”` → `美化`, but
/// `变为“简化”` stays as it is.
pub(super) fn trim_clause(text: &str) -> &str {
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

/// The clause's own text: after the last unclosed opening mark and before the first unopened
/// closing mark, so `要做到“摘帽不摘责任` gives `摘帽不摘责任` and `一个不少”` gives `一个不少`.
/// Returns `None` when that is the whole (trimmed) clause already.
pub(super) fn inner_clause(text: &str) -> Option<&str> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut start = 0;
    let mut depth = 0usize;
    let mut end = text.len();
    for &(i, c) in &chars {
        if is_opening(c) {
            depth += 1;
        } else if is_closing(c) {
            if depth == 0 {
                end = i;
                break;
            }
            depth -= 1;
        }
    }
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

/// Escapes text for an LSP snippet (outside or inside a placeholder).
pub(super) fn snippet_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '$' | '}' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Escapes text for Markdown (the seed contains masked names such as 习**).
pub(super) fn markdown_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' | '|' | '~'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A sentence split into clauses, each with the punctuation that joins it to the next one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Clause<'a> {
    /// The clause as written, between punctuation marks (may still carry quotation marks).
    pub raw: &'a str,
    /// Full-width punctuation after it when another clause of the same sentence follows.
    pub sep: Option<char>,
}

/// Splits `text` into sentences, and each sentence into clauses.
///
/// A half-width `.` ends a sentence unless it sits between two digits (4.55万).
pub(super) fn sentences(text: &str) -> Vec<Vec<Clause<'_>>> {
    let mut out = Vec::new();
    let mut sentence: Vec<Clause<'_>> = Vec::new();
    let mut clause_start = 0;
    let mut prev: Option<char> = None;
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        let next = iter.peek().map(|&(_, n)| n);
        let dot_ends = c == '.'
            && !(prev.is_some_and(|p| p.is_ascii_digit())
                && next.is_some_and(|n| n.is_ascii_digit()));
        if is_clause_punct(c) && !(c == ':' && next == Some('/')) {
            sentence.push(Clause {
                raw: &text[clause_start..i],
                sep: Some(full_width_punct(c)),
            });
            clause_start = i + c.len_utf8();
        } else if is_sentence_end(c) || dot_ends {
            sentence.push(Clause {
                raw: &text[clause_start..i],
                sep: None,
            });
            clause_start = i + c.len_utf8();
            out.push(std::mem::take(&mut sentence));
        }
        prev = Some(c);
    }
    sentence.push(Clause {
        raw: &text[clause_start..],
        sep: None,
    });
    out.push(sentence);
    for sentence in &mut out {
        // Empty clauses come from runs of punctuation ("……", "。”"); they join nothing.
        let mut cleaned: Vec<Clause<'_>> = Vec::with_capacity(sentence.len());
        for clause in sentence.drain(..) {
            if trim_clause(clause.raw).is_empty() {
                if let Some(last) = cleaned.last_mut() {
                    last.sep = None;
                }
                continue;
            }
            cleaned.push(clause);
        }
        *sentence = cleaned;
    }
    out.retain(|s| !s.is_empty());
    out
}

/// Length in chars of the common prefix of all `items`.
pub(super) fn common_prefix_chars(items: &[&str]) -> usize {
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
pub(super) fn common_suffix_chars(items: &[&str]) -> usize {
    let Some(first) = items.first() else { return 0 };
    let mut n = first.chars().count();
    for item in &items[1..] {
        n = n.min(
            first
                .chars()
                .rev()
                .zip(item.chars().rev())
                .take_while(|(a, b)| a == b)
                .count(),
        );
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_sentences_and_clauses_with_their_punctuation() {
        let s = sentences("强调:“小康不小康,关键看老乡。”下一句、再一句4.55万人. 完");
        let raw: Vec<Vec<(&str, Option<char>)>> = s
            .iter()
            .map(|s| s.iter().map(|c| (c.raw, c.sep)).collect())
            .collect();
        assert_eq!(
            raw,
            vec![
                vec![
                    ("强调", Some('：')),
                    ("“小康不小康", Some('，')),
                    ("关键看老乡", None)
                ],
                vec![("”下一句", Some('、')), ("再一句4.55万人", None)],
                vec![(" 完", None)],
            ]
        );
    }

    #[test]
    fn inner_clause_drops_unbalanced_quotes_only() {
        assert_eq!(inner_clause("要做到“摘帽不摘责任"), Some("摘帽不摘责任"));
        assert_eq!(inner_clause("摘帽不摘监管”"), None);
        assert_eq!(inner_clause("一个不少”后面"), Some("一个不少"));
        assert_eq!(inner_clause("让扶贫资料“美化”变为“简化”"), None);
        assert_eq!(
            trim_clause("让扶贫资料“美化”变为“简化”"),
            "让扶贫资料“美化”变为“简化”"
        );
        assert_eq!(trim_clause("“美化”"), "美化");
        assert_eq!(trim_clause(" “一户不落"), "一户不落");
        assert_eq!(trim_clause("“美化”过的扶贫资料"), "“美化”过的扶贫资料");
        assert_eq!(trim_clause("一个不少”"), "一个不少");
    }

    #[test]
    fn affixes_and_escapes() {
        assert_eq!(common_prefix_chars(&["摘帽不摘责任", "摘帽不摘政策"]), 4);
        assert_eq!(
            common_suffix_chars(&["义务教育有保障", "住房安全有保障"]),
            3
        );
        assert_eq!(snippet_escape("a$b}c\\"), "a\\$b\\}c\\\\");
        assert_eq!(markdown_escape("习**同志"), "习\\*\\*同志");
        assert!(is_han('𠀀') && is_han('〇') && !is_han('😀') && !is_han('a'));
    }

    #[test]
    fn client_words_follow_vims_keyword_classes() {
        let start = |s: &str| {
            let chars: Vec<char> = s.chars().collect();
            chars[client_word_start(&chars)..]
                .iter()
                .collect::<String>()
        };
        assert_eq!(start("坚持五级书记"), "坚持五级书记");
        assert_eq!(start("我们要，坚持五级书"), "坚持五级书");
        assert_eq!(start("小康不小康，"), "");
        assert_eq!(start("一户不落、"), "");
        assert_eq!(start("hello 决战决胜脱"), "决战决胜脱");
        assert_eq!(start("abc精准识"), "abc精准识");
        assert_eq!(start("𠀀决战"), "𠀀决战");
        assert_eq!(start("😀精准识"), "😀精准识");
        assert_eq!(start("“小康不小康”"), "");
        assert_eq!(start("《决定》精神"), "精神");
        assert_eq!(start("２０２０年"), "２０２０年");
        assert_eq!(start("a-b精准"), "a-b精准");
        assert_eq!(start("-b"), "b");
        assert_eq!(start("a--b"), "b");
        assert_eq!(start("a-"), "");
        // Emoji in symbol blocks are words to Vim too; punctuation and currency signs are not.
        assert_eq!(start("✅精准"), "✅精准");
        assert_eq!(start("〽精准"), "〽精准");
        assert_eq!(start("¥精准"), "精准");
        assert_eq!(start("…精准"), "精准");
    }
}
