//! Word segmentation with jieba, loaded once per process.
//!
//! Loading jieba's dictionary takes a noticeable moment (≈0.3 s in a debug build), so there is one
//! shared instance. Our glossary terms and curated phrases are added to its dictionary so that
//! policy terms such as 两不愁三保障 or 建档立卡 come out as one word instead of being cut apart.

use std::ops::Range;
use std::sync::OnceLock;

use jieba_rs::Jieba;

use crate::builtin;

static JIEBA: OnceLock<Jieba> = OnceLock::new();

/// The shared segmenter, with the built-in glossary terms and phrase lists in its dictionary.
pub fn jieba() -> &'static Jieba {
    JIEBA.get_or_init(|| {
        let mut jieba = Jieba::new();
        for word in domain_words() {
            // A high frequency makes jieba prefer the whole term over its parts.
            jieba.add_word(&word, Some(20_000), None);
        }
        jieba
    })
}

/// Built-in terms and phrases that must stay whole.
fn domain_words() -> Vec<String> {
    let mut words: Vec<String> = builtin::list("phrases.txt")
        .chain(builtin::list("stock-phrases.txt"))
        .filter(|l| !l.contains(['|', '=', ' ']))
        .map(str::to_owned)
        .collect();
    if let Ok(table) = builtin::text("glossary.toml").parse::<toml::Table>() {
        if let Some(terms) = table.get("term").and_then(|t| t.as_array()) {
            for entry in terms {
                if let Some(term) = entry.get("term").and_then(|t| t.as_str()) {
                    words.push(term.to_owned());
                }
            }
        }
    }
    words.retain(|w| w.chars().count() >= 2 && w.chars().all(|c| c.is_alphanumeric()));
    words
}

/// Words of `text` with their char ranges.
pub fn words(text: &str) -> Vec<(Range<usize>, &str)> {
    jieba()
        .cut(text, true)
        .into_iter()
        .map(|token| (token.start..token.end, token.word))
        .collect()
}
