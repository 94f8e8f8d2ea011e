//! Which strings are words, without loading jieba: jieba's dictionary words, listed ahead of
//! time, and our domain words.
//!
//! Loading jieba's dictionary costs ≈0.1 s and ≈35 MB (it builds a trie of 349k words), more
//! than a whole check of a draft against a small corpus. A check that only needs to know whether
//! a string is a word reads `corpus/third-party/jieba-words.txt` instead: the words jieba itself
//! counts as words (in its dictionary, and `suggest_freq` of 10 or more: jieba's dictionary
//! holds some segmentation debris with a count of 2 or 3, such as 书纪), sorted, and searched
//! in place. A test keeps the list equal to what jieba says.

use std::collections::HashSet;
use std::sync::LazyLock;

use crate::builtin;
use crate::prebuilt::Table;

/// jieba's words, one a line, sorted by their UTF-8 bytes.
pub const JIEBA_WORDS: &str = "third-party/jieba-words.txt";

/// The single characters jieba's dictionary counts 100,000 times or more (的、是、在 …).
pub const FREQUENT_CHARS: &str = "third-party/jieba-frequent-chars.txt";

/// A word jieba counts this often is a word (see the module doc).
pub const MIN_WORD_FREQ: usize = 10;

/// A single character this frequent is a word wherever it stands.
pub const FREQUENT_CHAR_FREQ: usize = 100_000;

/// Whether `s` is a word: one of jieba's (`JIEBA_WORDS`) or of our domain words.
pub fn is_word(s: &str) -> bool {
    sorted_contains(&JIEBA, s) || DOMAIN_WORDS.contains(s)
}

/// Whether `c` is one of the language's most frequent single-character words (`FREQUENT_CHARS`).
pub fn is_frequent_char(c: char) -> bool {
    let mut buf = [0u8; 4];
    sorted_contains(&FREQUENT, c.encode_utf8(&mut buf))
}

// The lists without their headers, found once: a lookup takes no lock (`builtin::text` does).
static JIEBA: LazyLock<&str> = LazyLock::new(|| words_of(JIEBA_WORDS));
static FREQUENT: LazyLock<&str> = LazyLock::new(|| words_of(FREQUENT_CHARS));

/// Readies the lists, so that the first lookup does not wait.
pub fn prepare() {
    LazyLock::force(&JIEBA);
    LazyLock::force(&FREQUENT);
    LazyLock::force(&DOMAIN_WORDS);
}

/// Built-in terms and phrases that are words of the genre, though jieba may not know them: the
/// glossary's terms and the phrase lists' entries (alphanumeric, two characters or more).
pub(crate) fn domain_words() -> Vec<String> {
    let mut words: Vec<String> = builtin::list("phrases.txt")
        .chain(builtin::list("stock-phrases.txt"))
        .filter(|l| !l.contains(['|', '=', ' ']))
        .map(str::to_owned)
        .collect();
    words.extend(
        crate::glossary::builtin_entries()
            .iter()
            .map(|e| e.term.clone()),
    );
    words.retain(|w| w.chars().count() >= 2 && w.chars().all(|c| c.is_alphanumeric()));
    words
}

// Carried by the binary: the glossary's terms would otherwise cost a parse of its TOML.
/// `domain_words`, as a set: built once per process or carried by the binary (`prebuilt`).
pub(crate) fn domain_word_set() -> &'static HashSet<String> {
    &DOMAIN_WORDS
}

/// `domain_words` as a set, as the binary carries it (`prebuilt`).
pub(crate) const TABLE: Table<HashSet<String>> =
    Table::new("domain-words", || domain_words().into_iter().collect());

static DOMAIN_WORDS: LazyLock<HashSet<String>> = LazyLock::new(|| TABLE.load());

/// The list part of a generated word file: what follows its `#` header lines.
fn words_of(path: &str) -> &'static str {
    let text = builtin::text(path);
    let mut body = text;
    while body.starts_with('#') {
        body = body.split_once('\n').map_or("", |(_, rest)| rest);
    }
    body
}

/// Whether `sorted`, lines sorted by their bytes, has the line `word`: a binary search over the
/// text itself, so a list of 100k words costs nothing to load.
fn sorted_contains(sorted: &str, word: &str) -> bool {
    let bytes = sorted.as_bytes();
    let want = word.as_bytes();
    // Invariant: `lo` and `hi` are line starts (or the end), and `word` is not outside them.
    let (mut lo, mut hi) = (0, bytes.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let start = bytes[lo..mid]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(lo, |p| lo + p + 1);
        let end = bytes[start..hi]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(hi, |p| start + p);
        match bytes[start..end].cmp(want) {
            std::cmp::Ordering::Equal => return true,
            std::cmp::Ordering::Less => lo = (end + 1).min(hi),
            std::cmp::Ordering::Greater => hi = start,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_contains_finds_every_line_and_nothing_else() {
        let list = "a\nab\nb\nba\nc\n";
        for word in ["a", "ab", "b", "ba", "c"] {
            assert!(sorted_contains(list, word), "{word}");
        }
        for word in ["", "aa", "abc", "bb", "d", "0", "a\nab"] {
            assert!(!sorted_contains(list, word), "{word}");
        }
        // No final line break, one line, none.
        assert!(sorted_contains("x\ny", "y"));
        assert!(sorted_contains("x", "x"));
        assert!(!sorted_contains("", "x"));
    }

    #[test]
    fn words_and_frequent_chars() {
        for word in ["书记", "书籍", "富裕", "富余", "移居", "产销", "再接再厉"] {
            assert!(is_word(word), "{word}");
        }
        // Debris and typos are not words; domain words are, even where jieba lacks them.
        for word in ["书纪", "赌点", "种殖"] {
            assert!(!is_word(word), "{word}");
        }
        assert!(is_word("两不愁三保障"));
        for c in ['的', '是', '在', '和', '了'] {
            assert!(is_frequent_char(c), "{c}");
        }
        for c in ['赌', '纪', '殖', '𠀀'] {
            assert!(!is_frequent_char(c), "{c}");
        }
    }

    /// jieba's dictionary (`dict.txt` of the jieba-rs that Cargo.lock pins, which build.rs
    /// finds in cargo's registry), and its version.
    fn jieba_dict() -> (String, String) {
        let (Some(dict), Some(version)) = (
            option_env!("ESSAY_LSP_JIEBA_DICT"),
            option_env!("ESSAY_LSP_JIEBA_VERSION"),
        ) else {
            panic!(
                "build.rs found no jieba-rs dict.txt in cargo's registry: fetch the dependencies \
                 (cargo fetch) first"
            )
        };
        (std::fs::read_to_string(dict).unwrap(), version.to_owned())
    }

    /// Regenerate with `ESSAY_LSP_BLESS=1 cargo test -p essay-core --lib jieba_word_lists`.
    #[test]
    fn jieba_word_lists_are_what_jieba_says() {
        let (dict, version) = jieba_dict();
        // jieba as it comes: the lists must not depend on our own words.
        let jieba = jieba_rs::Jieba::new();
        let mut words = Vec::new();
        let mut frequent = Vec::new();
        for line in dict.lines() {
            let mut fields = line.split(' ');
            let (Some(word), Some(Ok(count))) = (fields.next(), fields.next().map(str::parse))
            else {
                continue;
            };
            // `suggest_freq` is at least the count; only rarer words need asking.
            let count: usize = count;
            if count >= MIN_WORD_FREQ || jieba.suggest_freq(word) >= MIN_WORD_FREQ {
                words.push(word);
            }
            if word.chars().count() == 1 && jieba.suggest_freq(word) >= FREQUENT_CHAR_FREQ {
                frequent.push(word);
            }
        }
        let file = |list: &mut Vec<&str>, what: &str| {
            list.sort_unstable();
            list.dedup();
            let mut out = format!(
                "# Generated from jieba-rs {version}'s dictionary (MIT, LICENSE-jieba): {what}.\n\
                 # Sorted by UTF-8 bytes (server/core/src/dictionary.rs searches it in place). Do not edit;\n\
                 # regenerate with ESSAY_LSP_BLESS=1 cargo test -p essay-core --lib jieba_word_lists\n"
            );
            for word in list.iter() {
                out.push_str(word);
                out.push('\n');
            }
            out
        };
        let generated = [
            (
                JIEBA_WORDS,
                file(&mut words, "its words with a suggest_freq of 10 or more"),
            ),
            (
                FREQUENT_CHARS,
                file(
                    &mut frequent,
                    "its single characters with a suggest_freq of 100000 or more",
                ),
            ),
        ];
        for (path, want) in generated {
            let on_disk = format!("{}/../../corpus/{path}", env!("CARGO_MANIFEST_DIR"));
            if std::env::var_os("ESSAY_LSP_BLESS").is_some() {
                crate::atomic::write_atomic(std::path::Path::new(&on_disk), want.as_bytes())
                    .unwrap();
                continue;
            }
            assert!(
                builtin::text(path) == want,
                "corpus/{path} is stale: run \
                 ESSAY_LSP_BLESS=1 cargo test -p essay-core --lib jieba_word_lists"
            );
        }
    }
}
