//! Character classes and markdown escaping, shared by normalisation, the checks, mining,
//! completion and every report that shows a writer's or a corpus's text.

/// Han ideographs (CJK Unified Ideographs and every extension, compatibility ideographs) and 〇.
pub fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3007}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}'
        | '\u{30000}'..='\u{323AF}')
}

/// What counts as one 字: Han ideographs, 々, kana, bopomofo and hangul.
pub fn is_cjk(c: char) -> bool {
    is_han(c)
        || matches!(c,
            '\u{3005}'
            | '\u{3040}'..='\u{30FF}'   // hiragana, katakana
            | '\u{3100}'..='\u{312F}'   // bopomofo
            | '\u{AC00}'..='\u{D7AF}'   // hangul syllables
        )
}

/// For each byte offset of `text` that starts a char, and for its end, the char offset there:
/// how automata's byte matches become char ranges.
pub fn char_offsets(text: &str) -> Vec<usize> {
    let mut at = vec![0; text.len() + 1];
    let mut chars = 0;
    for (i, (b, _)) in text.char_indices().enumerate() {
        at[b] = i;
        chars = i + 1;
    }
    at[text.len()] = chars;
    at
}

/// Ends a sentence: nothing is carried across it (completion context, sentence windows).
pub fn is_sentence_end(c: char) -> bool {
    matches!(
        c,
        '。' | '！' | '？' | '!' | '?' | '…' | '\n' | '\r' | '\u{2028}' | '\u{2029}'
    )
}

/// Ends a statement of official prose: a sentence end or a semicolon, which in 一是…；二是…
/// separates statements as a full stop would. The unit the 套话 check judges and excerpts show.
pub fn is_statement_end(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '!' | '?' | '；' | ';' | '\n' | '\r')
}

/// Ends a sentence or a clause in Chinese and mixed text.
pub fn is_clause_break(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '！'
            | '？'
            | '；'
            | '：'
            | '、'
            | ','
            | '.'
            | '!'
            | '?'
            | ';'
            | ':'
            | '\n'
            | '\r'
    )
}

/// Escapes inline markdown (emphasis, code, links, HTML, tables, strike-through, math), so that
/// text such as 习** or [范文] shows as written.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '#' | '$'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `escape_markdown` for text that starts a paragraph or list item, where `- `, `+ `, `= `,
/// `1. ` or leading spaces would change the block.
pub fn escape_markdown_block(text: &str) -> String {
    let text = text.trim_start();
    let escaped = escape_markdown(text);
    let first = text.chars().next();
    let digits = text.len() - text.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let ordered = digits > 0 && matches!(text[digits..].chars().next(), Some('.' | ')'));
    if ordered {
        return format!("{}\\{}", &escaped[..digits], &escaped[digits..]);
    }
    if matches!(first, Some('-' | '+' | '=')) {
        return format!("\\{escaped}");
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_offsets_of_bytes() {
        // a: 1 byte, 脱: 3, 𠀀: 4 (outside the BMP); the end is the char count.
        let at = char_offsets("a脱𠀀");
        assert_eq!((at[0], at[1], at[4], at[8]), (0, 1, 2, 3));
        assert_eq!(char_offsets(""), vec![0]);
    }

    #[test]
    fn classes() {
        assert!(is_han('中') && is_han('𠀀') && is_han('〇') && !is_han('あ'));
        assert!(is_cjk('あ') && is_cjk('々') && is_cjk('한') && !is_cjk('a'));
        assert!(is_statement_end('；') && !is_sentence_end('；') && is_sentence_end('…'));
        assert!(is_clause_break('、') && !is_clause_break('“'));
    }

    /// Also the escapers as `glossary::render` uses them in hovers.
    #[test]
    fn markdown_is_escaped_inline_and_at_block_starts() {
        // (at a block start?, text, escaped)
        for (block, text, want) in [
            (false, "习**同志[范文]", "习\\*\\*同志\\[范文\\]"),
            (false, "习**同志", "习\\*\\*同志"),
            (false, "a_b [x](y) <b>", "a\\_b \\[x\\](y) \\<b\\>"),
            (true, "1. 第一", "1\\. 第一"),
            (true, "- 列表", "\\- 列表"),
            (true, "脱贫", "脱贫"),
            (true, "1. 项", "1\\. 项"),
            (true, "- 项", "\\- 项"),
            (true, "1+3+3", "1+3+3"),
        ] {
            let got = if block {
                escape_markdown_block(text)
            } else {
                escape_markdown(text)
            };
            assert_eq!(got, want, "{text}");
        }
    }
}
