//! A jieba that holds only the dictionary words some texts contain: for those texts, the same
//! cut and tags as the whole dictionary gives, for a fraction of the load.
//!
//! Loading jieba's dictionary inserts its 349k words into a trie: ≈80 ms, more than the rest of
//! a `check` against a corpus it has not seen, which tags a few thousand clauses. jieba's cut of
//! a sentence depends on its dictionary only through the words that occur in the sentence (the
//! graph of candidate words, their frequencies and tags) and the sum of all frequencies (every
//! word's log probability is taken against it). So a jieba holding just the words found in the
//! texts, plus one filler entry that no text contains carrying the rest of that sum, cuts and
//! tags those texts exactly as the full one does. A test holds it to that.
//!
//! The words are looked up in jieba's dictionary as an `fst` map, which `build.rs` makes from
//! the `dict.txt` of the locked jieba-rs and which is searched in place: nothing is loaded.

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;
use std::sync::LazyLock;

use fst::raw::{CompiledAddr, Fst, Node, Output};
use jieba_rs::Jieba;
use serde::{Deserialize, Serialize};

use crate::automaton::Automaton;
use crate::fingerprint::MixHasher;
use crate::prebuilt::Table;

/// jieba's dictionary: word → frequency << 8 | tag number (see `build.rs`).
static MAP: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/jieba-dict.fst"));
/// The sum of the dictionary's frequencies, then its tags, one a line.
static TAGS: &str = include_str!(concat!(env!("OUT_DIR"), "/jieba-dict-tags.txt"));

/// The filler word: two Unicode noncharacters, which no text in the genre holds (a text that
/// does is cut with the whole dictionary).
const FILLER: &str = "\u{FDD0}\u{FDEF}";

/// Texts of more characters than this are cut with the whole dictionary: a slice costs
/// ≈0.14 ms per thousand chars and loading the whole ≈60–90 ms (`cargo bench --bench core --
/// analyzer_build/jieba`), so a larger slice would save little or nothing.
pub const MAX_CHARS: usize = 300_000;

/// The frequency `segment::jieba` gives our domain words, so that jieba keeps them whole.
pub const DOMAIN_WORD_FREQ: u64 = 20_000;

struct Dictionary {
    words: Fst<&'static [u8]>,
    total: u64,
    tags: Vec<&'static str>,
}

/// None when the build found no dictionary to map (`build.rs`).
static DICTIONARY: LazyLock<Option<Dictionary>> = LazyLock::new(|| {
    let mut lines = TAGS.lines();
    let total = lines.next()?.parse().ok()?;
    Some(Dictionary {
        words: Fst::new(MAP).ok()?,
        total,
        tags: lines.collect(),
    })
});

/// The domain words jieba is given (`segment::jieba`) and what adding them does to its sum of
/// frequencies: carried by the binary, as building the automaton costs a few milliseconds.
#[derive(Serialize, Deserialize)]
pub(crate) struct DomainWords {
    /// Finds the domain words in a text.
    automaton: Automaton,
    /// The sum of jieba's frequencies once they are added.
    total: u64,
}

/// The domain words for jieba, as the binary carries them (`prebuilt`); none without a
/// dictionary to add them to.
pub(crate) const TABLE: Table<Option<DomainWords>> = Table::new("jieba-domain-words", || {
    let dictionary = DICTIONARY.as_ref()?;
    let mut words: Vec<&str> = crate::dictionary::domain_word_set()
        .iter()
        .map(String::as_str)
        .collect();
    words.sort_unstable();
    // As `Jieba::add_word`: a word already there has its frequency replaced.
    let total = words.iter().fold(dictionary.total, |total, word| {
        let old = dictionary.entry(word).map_or(0, |(freq, _)| freq);
        total - old + DOMAIN_WORD_FREQ
    });
    let automaton = Automaton::with_values(words.iter().zip(0..))
        .expect("domain words are distinct and not empty");
    Some(DomainWords { automaton, total })
});

static DOMAIN_WORDS: LazyLock<Option<DomainWords>> = LazyLock::new(|| TABLE.load());

impl Dictionary {
    /// The frequency and tag of `word`.
    fn entry(&self, word: &str) -> Option<(u64, &'static str)> {
        self.words.get(word).map(|out| self.decode(out.value()))
    }

    fn decode(&self, value: u64) -> (u64, &'static str) {
        (
            value >> 8,
            self.tags
                .get((value & 0xff) as usize)
                .copied()
                .unwrap_or(""),
        )
    }

    /// Every dictionary word that starts at byte `start` (a char boundary) of `text`, with its
    /// value. `first` keeps where each first char leads in the map: the walk through a char's
    /// three bytes is most of a lookup, and texts start words with far fewer chars than
    /// positions.
    fn words_at<'t>(
        &self,
        text: &'t str,
        start: usize,
        first: &mut FirstChars,
        mut found: impl FnMut(&'t str, u64),
    ) {
        let Some(c) = text[start..].chars().next() else {
            return;
        };
        let after = start + c.len_utf8();
        let entry = first.entry(c).or_insert_with(|| {
            let (node, out) = self.walk(self.words.root(), Output::zero(), &text[start..after])?;
            Some((node.addr(), out))
        });
        let Some((addr, mut out)) = *entry else {
            return;
        };
        let mut node = self.words.node(addr);
        if node.is_final() {
            found(&text[start..after], out.cat(node.final_output()).value());
        }
        for (i, byte) in text[after..].bytes().enumerate() {
            let Some(t) = node.find_input(byte).map(|i| node.transition(i)) else {
                return;
            };
            out = out.cat(t.out);
            node = self.words.node(t.addr);
            // A word ends only where a char does: a final state inside a char is impossible,
            // as every key is UTF-8.
            if node.is_final() {
                found(
                    &text[start..after + i + 1],
                    out.cat(node.final_output()).value(),
                );
            }
        }
    }

    /// The node `prefix` leads to from `node`, with the output on the way; None when it
    /// leads nowhere.
    fn walk<'f>(
        &'f self,
        mut node: Node<'f>,
        mut out: Output,
        prefix: &str,
    ) -> Option<(Node<'f>, Output)> {
        for byte in prefix.bytes() {
            let t = node.transition(node.find_input(byte)?);
            out = out.cat(t.out);
            node = self.words.node(t.addr);
        }
        Some((node, out))
    }
}

/// Where each first char of a word leads in the dictionary map (`Dictionary::words_at`).
type FirstChars = HashMap<char, Option<(CompiledAddr, Output)>, BuildHasherDefault<MixHasher>>;

/// Whether this build has the dictionary map (else segmentation loads jieba's own).
pub fn is_available() -> bool {
    DICTIONARY.is_some() && DOMAIN_WORDS.is_some()
}

/// The tag `segment::jieba` (and so every slice) has for `word`: the dictionary's, or none ("")
/// for a domain word the dictionary lacks. None for a word it does not hold.
pub fn tag_of(word: &str) -> Option<&'static str> {
    if let Some((_, tag)) = DICTIONARY.as_ref()?.entry(word) {
        return Some(tag);
    }
    let domain = DOMAIN_WORDS.as_ref()?;
    let mut found = domain.automaton.find_overlapping_iter(word);
    found
        .any(|m| m.start() == 0 && m.end() == word.len())
        .then_some("")
}

/// A jieba that cuts and tags each of `texts` as `segment::jieba` does, holding only the words
/// they contain. None when this build has no dictionary map or a text holds the filler word.
pub fn jieba_for(texts: &[&str]) -> Option<Jieba> {
    let dictionary = DICTIONARY.as_ref()?;
    let domain = DOMAIN_WORDS.as_ref()?;
    if texts.iter().any(|t| t.contains(FILLER)) {
        return None;
    }
    // Most words are found many times: a fast hash, not a DoS-resistant one (the texts are
    // the writer's own).
    let mut found: HashMap<&str, u64, BuildHasherDefault<MixHasher>> = HashMap::default();
    let mut domain_found: HashSet<&str, BuildHasherDefault<MixHasher>> = HashSet::default();
    let mut first = FirstChars::default();
    for text in texts {
        for (start, _) in text.char_indices() {
            dictionary.words_at(text, start, &mut first, |word, value| {
                found.insert(word, value);
            });
        }
        for m in domain.automaton.find_overlapping_iter(text) {
            domain_found.insert(&text[m.start()..m.end()]);
        }
    }
    let mut jieba = Jieba::empty();
    let mut total = 0;
    let mut words: Vec<(&str, u64)> = found.into_iter().collect();
    // The order words are added in changes nothing but their ids; sorted, a run is repeatable.
    words.sort_unstable();
    for (word, value) in words {
        let (freq, tag) = dictionary.decode(value);
        jieba.add_word(word, Some(freq as usize), Some(tag));
        total += freq;
    }
    for word in domain_found {
        let old = dictionary.entry(word).map_or(0, |(freq, _)| freq);
        jieba.add_word(word, Some(DOMAIN_WORD_FREQ as usize), None);
        total = total - old + DOMAIN_WORD_FREQ;
    }
    if domain.total > total {
        jieba.add_word(FILLER, Some((domain.total - total) as usize), None);
    }
    Some(jieba)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::Segmenter;

    type Tagged<'a> = Vec<(&'a str, &'a str, usize, usize)>;

    fn tags<'a>(jieba: &'a Jieba, text: &'a str) -> Tagged<'a> {
        let tags = jieba.tag(text, true).into_iter();
        tags.map(|t| (t.word, t.tag, t.start, t.end)).collect()
    }

    fn cut<'a>(jieba: &Jieba, text: &'a str, hmm: bool) -> Vec<(&'a str, usize)> {
        let words = jieba.cut(text, hmm).into_iter();
        words.map(|t| (t.word, t.start)).collect()
    }

    #[test]
    fn this_build_maps_jiebas_dictionary() {
        assert!(
            DICTIONARY.is_some(),
            "build.rs found no jieba-rs dict.txt in cargo's registry: fetch the dependencies"
        );
    }

    /// `Segmenter::tags_of`, in the shape of `tags`.
    fn our_tags<'a>(segmenter: &'a Segmenter, text: &'a str) -> Tagged<'a> {
        let tags = segmenter.tags_of(text).into_iter();
        tags.map(|t| (t.word, t.tag, t.start, t.end)).collect()
    }

    #[test]
    fn cuts_and_tags_texts_as_the_whole_dictionary_does() {
        let whole = crate::segment::jieba();
        let texts = crate::segment::test_texts();
        let all: Vec<&str> = texts.iter().map(String::as_str).collect();
        let together = Segmenter::Own(Box::new(jieba_for(&all).expect("a dictionary map")));
        for text in &all {
            let alone = Segmenter::Own(Box::new(jieba_for(&[text]).expect("a dictionary map")));
            let want = tags(whole, text);
            assert_eq!(tags(&alone, text), want, "tagged alone: {text}");
            assert_eq!(
                tags(&together, text),
                want,
                "tagged with the others: {text}"
            );
            // Our tagging, over a slice and over the whole: the same words and tags.
            assert_eq!(our_tags(&alone, text), want, "our tags, alone: {text}");
            assert_eq!(
                our_tags(&Segmenter::Shared(whole), text),
                want,
                "our tags, whole: {text}"
            );
            for hmm in [true, false] {
                assert_eq!(cut(&alone, text, hmm), cut(whole, text, hmm), "{text}");
            }
        }
    }

    #[test]
    fn the_slice_holds_far_fewer_words_than_the_dictionary() {
        // Seen from outside: a word of no text is unknown to the slice, known to jieba.
        let slice = jieba_for(&["全面推进乡村振兴"]).expect("a dictionary map");
        assert!(slice.has_word("乡村振兴") && slice.has_word("推进"));
        assert!(!slice.has_word("我们") && crate::segment::jieba().has_word("我们"));
    }

    #[test]
    fn a_text_holding_the_filler_is_left_to_the_whole_dictionary() {
        assert!(jieba_for(&["乡村\u{FDD0}\u{FDEF}振兴"]).is_none());
        let segmenter = crate::segment::jieba_for(&["乡村\u{FDD0}\u{FDEF}振兴"]);
        assert!(segmenter.has_word("我们"));
    }
}
