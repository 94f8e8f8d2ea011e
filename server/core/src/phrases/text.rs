//! Text helpers for completion: the editor's word before the cursor, snippet escaping.

/// Whether editors count `c` as part of a word the way Vim does with its default `iskeyword`
/// (`@,48-57,_,192-255`): ASCII letters and digits, `_`, Latin-1 letters, and above U+00FF every
/// character but blanks and punctuation (Vim's `utf_class` ≥ 2) — Han, kana, full-width letters
/// and digits, emoji. nvim-cmp (`\k`) and blink.cmp take their word before the cursor from it.
///
/// Where Vim's classes are finer than these ranges this errs towards "word": an edit that
/// starts before a client's word still filters (its `filterText` begins with the client's word
/// after a common prefix), one that starts after it does not.
pub(crate) fn is_client_word_char(c: char) -> bool {
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
pub(crate) fn client_word_start(chars: &[char]) -> usize {
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
/// Escapes text for an LSP snippet (outside or inside a placeholder).
pub(crate) fn snippet_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '$' | '}' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_classes() {
        assert_eq!(snippet_escape("a$b}c\\"), "a\\$b\\}c\\\\");
        assert_eq!(crate::text::escape_markdown("习**同志"), "习\\*\\*同志");
        assert!(crate::text::is_han('𠀀') && crate::text::is_han('〇'));
        assert!(!crate::text::is_han('😀') && !crate::text::is_han('a'));
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
