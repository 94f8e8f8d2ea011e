//! Word segmentation with jieba, loaded once per process.
//!
//! Loading jieba's dictionary takes a noticeable moment (≈0.15 s in a release build), so there is
//! one shared instance. Our glossary terms and curated phrases are added to its dictionary so that
//! policy terms such as 两不愁三保障 or 建档立卡 come out as one word instead of being cut apart.
//!
//! The built-in essays are segmented ahead of time (`corpus/seed-words.txt`, kept equal to what
//! jieba gives by a test), so that mining the built-in corpus — the glossary and phrase book a
//! server without user corpora answers hover and completion from — never waits for jieba. A
//! few texts can be cut without loading it either (`jieba_for`, `dictionary_slice`).

pub mod dictionary_slice;
mod posseg;

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::ops::{Deref, Range};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{LazyLock, OnceLock};

use jieba_rs::{Jieba, Tag, Token};

use crate::builtin;
use crate::fingerprint::MixHasher;

static JIEBA: OnceLock<Jieba> = OnceLock::new();

/// The shared segmenter, with the built-in glossary terms and phrase lists in its dictionary.
pub fn jieba() -> &'static Jieba {
    JIEBA.get_or_init(|| {
        let mut jieba = Jieba::new();
        // Built-in terms and phrases must stay whole: a high frequency makes jieba prefer the
        // whole term over its parts.
        // From the cache folder's copy when there is one (the glossary is not parsed again).
        let mut words: Vec<&String> = crate::dictionary::domain_word_set().iter().collect();
        words.sort();
        for word in words {
            let freq = dictionary_slice::DOMAIN_WORD_FREQ as usize;
            jieba.add_word(word, Some(freq), None);
        }
        jieba
    })
}

/// A segmenter for `texts` that cuts and tags them as `jieba()` does: `jieba()` itself when it
/// is loaded or the texts are long, else one that holds only their words, without waiting
/// for the whole dictionary (`dictionary_slice`).
pub fn jieba_for(texts: &[&str]) -> Segmenter {
    if let Some(jieba) = JIEBA.get() {
        return Segmenter::Shared(jieba);
    }
    let chars: usize = texts.iter().map(|t| t.chars().count()).sum();
    if chars <= dictionary_slice::MAX_CHARS {
        if let Some(jieba) = dictionary_slice::jieba_for(texts) {
            return Segmenter::Own(Box::new(jieba));
        }
    }
    Segmenter::Shared(jieba())
}

/// What `jieba_for` gives: `jieba()`, or a slice of its dictionary. Either way jieba's dictionary
/// with our domain words, which `tags_of` relies on.
pub enum Segmenter {
    Shared(&'static Jieba),
    Own(Box<Jieba>),
}

impl Segmenter {
    /// The words of `text` with their tags: what `Jieba::tag(text, true)` gives, without jieba
    /// parsing its part-of-speech model (≈9 ms of CPU) for the words its dictionary lacks. Their
    /// tags come from the same model, compiled at build time (`posseg`); the others' from the
    /// dictionary map (`dictionary_slice::tag_of`).
    pub fn tags_of<'a>(&'a self, text: &'a str) -> Vec<Tag<'a>> {
        let mut tagged = self.words_of_each(&[text], |words, tag_at| {
            let tags = words.iter().enumerate().map(|(i, token)| Tag {
                word: token.word,
                tag: tag_at(i),
                start: token.start,
                end: token.end,
                byte_start: token.byte_start,
                byte_end: token.byte_end,
            });
            tags.collect()
        });
        tagged.pop().unwrap_or_default()
    }

    /// The words of each of `texts`, in order, handed to `f` with `tag_at(i)`, the tag
    /// `tags_of` gives word `i`: looked up only for the words `f` asks about, and once for all
    /// the texts (the texts of a corpus repeat their words, and a lookup in the dictionary map
    /// or the model costs more than one in a small map).
    pub fn words_of_each<'a, T>(
        &'a self,
        texts: &[&'a str],
        mut f: impl FnMut(&[Token<'a>], &mut dyn FnMut(usize) -> &'a str) -> T,
    ) -> Vec<T> {
        if !posseg::is_available() || !dictionary_slice::is_available() {
            let tagged = texts.iter().map(|text| {
                let tags = self.tag(text, true);
                let words: Vec<Token> = tags
                    .iter()
                    .map(|t| Token {
                        word: t.word,
                        start: t.start,
                        end: t.end,
                        byte_start: t.byte_start,
                        byte_end: t.byte_end,
                    })
                    .collect();
                f(&words, &mut |i| tags[i].tag)
            });
            return tagged.collect();
        }
        let mut known: HashMap<&'a str, &'static str, BuildHasherDefault<MixHasher>> =
            HashMap::default();
        let tagged = texts.iter().map(|text| {
            let words = self.cut(text, true);
            let mut tag_at = |i: usize| -> &'a str {
                let word = words[i].word;
                known.entry(word).or_insert_with(|| {
                    dictionary_slice::tag_of(word)
                        .or_else(|| posseg::guess_tag(word))
                        .unwrap_or("x")
                })
            };
            f(&words, &mut tag_at)
        });
        tagged.collect()
    }
}

impl Deref for Segmenter {
    type Target = Jieba;

    fn deref(&self) -> &Jieba {
        match self {
            Segmenter::Shared(jieba) => jieba,
            Segmenter::Own(jieba) => jieba,
        }
    }
}

/// Words of `text` with their char ranges.
pub fn words(text: &str) -> Vec<(Range<usize>, &str)> {
    presegmented(text).unwrap_or_else(|| cut(jieba(), text))
}

/// `words`, without waiting for jieba's dictionary: None while it is still loading (the load is
/// started then), for requests that must answer at once.
pub fn words_if_ready(text: &str) -> Option<Vec<(Range<usize>, &str)>> {
    if let Some(words) = presegmented(text) {
        return Some(words);
    }
    match JIEBA.get() {
        Some(jieba) => Some(cut(jieba, text)),
        None => {
            load_in_background();
            None
        }
    }
}

/// Whether `load_in_background` loads (see `set_load_ahead`).
static LOAD_AHEAD: AtomicBool = AtomicBool::new(true);

/// Off: `load_in_background` does nothing and jieba loads when something needs it. For one-shot
/// runs (the CLI): a server waits for requests and is ready sooner for loading ahead, while a
/// check that turns out not to need jieba would only share its cores with the load.
pub fn set_load_ahead(on: bool) {
    LOAD_AHEAD.store(on, Ordering::Relaxed);
}

/// Starts loading jieba's dictionary on another thread, once (unless `set_load_ahead(false)`).
pub fn load_in_background() {
    static STARTED: OnceLock<()> = OnceLock::new();
    if !LOAD_AHEAD.load(Ordering::Relaxed) {
        return;
    }
    STARTED.get_or_init(|| {
        std::thread::spawn(jieba);
    });
}

fn cut<'t>(jieba: &Jieba, text: &'t str) -> Vec<(Range<usize>, &'t str)> {
    jieba
        .cut(text, true)
        .into_iter()
        .map(|token| (token.start..token.end, token.word))
        .collect()
}

/// The generated segmentation of the built-in essays.
pub const SEED_WORDS: &str = "seed-words.txt";

/// Texts segmented ahead of time, by hash of the text: each word's length in chars.
static PRESEGMENTED: LazyLock<HashMap<u64, Vec<u32>>> = LazyLock::new(|| {
    builtin::list(SEED_WORDS)
        .filter_map(|line| {
            let (hash, lengths) = line.split_once('\t')?;
            let lengths = lengths
                .split(' ')
                .map(str::parse)
                .collect::<Result<Vec<u32>, _>>()
                .ok()?;
            Some((u64::from_str_radix(hash, 16).ok()?, lengths))
        })
        .collect()
});

/// The words of `text` when it was segmented ahead of time (and the lengths still fit it).
fn presegmented(text: &str) -> Option<Vec<(Range<usize>, &str)>> {
    let lengths = PRESEGMENTED.get(&crate::cache::stable_hash(text))?;
    let mut out = Vec::with_capacity(lengths.len());
    let mut chars = 0;
    let mut rest = text;
    for &len in lengths {
        let bytes = rest
            .char_indices()
            .nth(len as usize)
            .map_or(rest.len(), |(i, _)| i);
        let (word, tail) = rest.split_at(bytes);
        out.push((chars..chars + len as usize, word));
        chars += len as usize;
        rest = tail;
    }
    rest.is_empty().then_some(out)
}

/// `corpus/seed-words.txt` for `texts`: one line per text, its hash and its words' lengths.
pub fn presegment(texts: &[&str]) -> String {
    let mut out = String::from(
        "# Generated: jieba's segmentation of the built-in essays (server/core/src/segment.rs), so that\n\
         # mining them never waits for jieba's dictionary. Each line: the essay text's hash, a tab,\n\
         # and the length in chars of each word. Do not edit; regenerate with\n\
         #   ESSAY_LSP_BLESS=1 cargo test -p essay-core --lib seed_words\n",
    );
    for text in texts {
        let lengths: Vec<String> = cut(jieba(), text)
            .iter()
            .map(|(r, _)| r.len().to_string())
            .collect();
        out.push_str(&format!(
            "{:016x}\t{}\n",
            crate::cache::stable_hash(text),
            lengths.join(" ")
        ));
    }
    out
}

/// Texts of every kind jieba meets, for the tests that hold our segmentation to jieba's: the
/// built-in essays, the data files' phrases, formulas and terms, and lines mixing Latin
/// letters, digits, punctuation, rare characters and characters beyond the BMP.
#[cfg(test)]
pub(crate) fn test_texts() -> Vec<String> {
    let mut texts: Vec<String> = crate::corpus::Corpus::builtin()
        .essays
        .iter()
        .map(|e| e.text.clone())
        .collect();
    for list in [
        "phrases.txt",
        "formulas.txt",
        "sayings.txt",
        "boilerplate.txt",
        "glossary.toml",
        "domain-words.txt",
    ] {
        texts.push(builtin::list(list).collect::<Vec<_>>().join("，"));
    }
    texts.extend(
        [
            "2023年GDP增长5.2%，“十四五”规划（2021—2025年）稳步推进；𠀀字在BMP之外。",
            "我们要全面推进乡村振兴，加快建设农业强国，扎实推动共同富裕",
            "党史学习教育开展以来，广大党员干部学党史、悟思想、办实事、开新局",
            "以中国式现代化全面推进中华民族伟大复兴 ABC abc 123",
            // Chars the part-of-speech model has no row for, chars beyond the BMP (one with a
            // row: 𠀀), and runs of rare characters.
            "𠀀𠀁𪚥龘齉靐 张尧 小明硕士毕业于中国科学院计算所 5G网络 GDP增长5.2% ①②",
            "",
            "的",
        ]
        .map(String::from),
    );
    texts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Corpus;

    /// Regenerate with `ESSAY_LSP_BLESS=1 cargo test -p essay-core --lib seed_words`.
    #[test]
    fn seed_words_file_is_up_to_date() {
        let corpus = Corpus::builtin();
        let texts: Vec<&str> = corpus.essays.iter().map(|e| e.text.as_str()).collect();
        let want = presegment(&texts);
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../corpus/seed-words.txt");
        if std::env::var_os("ESSAY_LSP_BLESS").is_some() {
            std::fs::write(path, &want).unwrap();
            return;
        }
        assert!(
            builtin::text(SEED_WORDS) == want,
            "corpus/seed-words.txt is stale: run \
             ESSAY_LSP_BLESS=1 cargo test -p essay-core --lib seed_words"
        );
        for text in texts {
            assert_eq!(presegmented(text), Some(cut(jieba(), text)));
        }
        assert_eq!(presegmented("不在预分词表中的句子"), None);
    }
}
