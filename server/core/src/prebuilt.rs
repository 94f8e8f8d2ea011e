//! The checks' tables made from the built-in data (their automata and side tables). Making
//! them costs ≈50 ms of CPU, more than a one-shot `essay-lsp check` of a draft costs with
//! them, so the binary's build makes them once (`server/build.rs` calls `make_all`) and the
//! binary carries them (`embed`). Reading one back is a postcard decode of a few milliseconds.
//!
//! Without embedded tables — the library's default, so tests and benches always exercise the
//! builders — each table is made on first use. Tables from another build of this crate are
//! refused (`BUILD_FINGERPRINT`), and so is one that does not decode: that table is then made
//! afresh, as without them.

use std::collections::HashMap;
use std::sync::OnceLock;

use daachorse::CharwiseDoubleArrayAhoCorasick;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What the build was made from (see `build.rs`).
pub const BUILD_FINGERPRINT: &str = env!("ESSAY_LSP_BUILD_FINGERPRINT");

const MAGIC: &str = "essay-core tables";

/// Every table there is, in the order `make_all` makes them.
const ALL: [&dyn Make; 6] = [
    &crate::checks::wording::TABLE,
    &crate::checks::typo::TABLE,
    &crate::checks::formula_wording::TABLE,
    &crate::checks::formulaic::LEXICON_TABLE,
    &crate::dictionary::TABLE,
    &crate::segment::dictionary_slice::TABLE,
];

/// One table: its name in the embedded set and how it is made.
pub(crate) struct Table<T> {
    name: &'static str,
    build: fn() -> T,
}

impl<T: Serialize + DeserializeOwned> Table<T> {
    pub(crate) const fn new(name: &'static str, build: fn() -> T) -> Table<T> {
        Table { name, build }
    }

    /// The embedded table, or made now when there is none (or it does not decode).
    pub(crate) fn load(&self) -> T {
        let embedded = EMBEDDED.get().and_then(|tables| tables.get(self.name));
        embedded
            .and_then(|bytes| postcard::from_bytes(bytes).ok())
            .unwrap_or_else(self.build)
    }
}

/// A table made and stored, whatever its type.
trait Make: Sync {
    fn name(&self) -> &'static str;
    fn make(&self) -> Vec<u8>;
    #[cfg(test)]
    fn decodes(&self, bytes: &[u8]) -> bool;
}

impl<T: Serialize + DeserializeOwned> Make for Table<T> {
    fn name(&self) -> &'static str {
        self.name
    }

    fn make(&self) -> Vec<u8> {
        postcard::to_allocvec(&(self.build)()).expect("tables serialize to memory")
    }

    #[cfg(test)]
    fn decodes(&self, bytes: &[u8]) -> bool {
        postcard::from_bytes::<T>(bytes).is_ok()
    }
}

/// The set as `make_all` stores it and `embed` reads it in place.
#[derive(Serialize, Deserialize)]
struct Set<'a> {
    magic: &'a str,
    build: &'a str,
    #[serde(borrow)]
    tables: Vec<(&'a str, &'a [u8])>,
}

/// Every table, made now and stored as one set for `embed`.
pub fn make_all() -> Vec<u8> {
    let made: Vec<(&str, Vec<u8>)> = ALL.iter().map(|t| (t.name(), t.make())).collect();
    let set = Set {
        magic: MAGIC,
        build: BUILD_FINGERPRINT,
        tables: made
            .iter()
            .map(|(name, bytes)| (*name, &bytes[..]))
            .collect(),
    };
    postcard::to_allocvec(&set).expect("tables serialize to memory")
}

static EMBEDDED: OnceLock<HashMap<&'static str, &'static [u8]>> = OnceLock::new();

/// Uses the tables in `set` (made by `make_all` of this very build) from now on, instead of
/// making them. The front ends call this first thing, before any table is needed. Returns
/// whether the set was taken: one from another build, or damaged, is refused.
pub fn embed(set: &'static [u8]) -> bool {
    let Some(tables) = tables_of(set) else {
        return false;
    };
    EMBEDDED.set(tables).is_ok()
}

fn tables_of(set: &[u8]) -> Option<HashMap<&str, &[u8]>> {
    let set: Set = postcard::from_bytes(set).ok()?;
    (set.magic == MAGIC && set.build == BUILD_FINGERPRINT).then(|| set.tables.into_iter().collect())
}

/// An automaton over chars (value: pattern index) that can be kept: daachorse's own format,
/// which it validates when reading.
#[derive(Clone)]
pub struct Automaton(CharwiseDoubleArrayAhoCorasick<u32>);

impl Automaton {
    /// Over `patterns` (distinct, none empty), each with its value.
    pub fn with_values<P: AsRef<str>>(
        patterns: impl IntoIterator<Item = (P, u32)>,
    ) -> Result<Automaton, daachorse::errors::DaachorseError> {
        CharwiseDoubleArrayAhoCorasick::with_values(patterns).map(Automaton)
    }
}

impl std::ops::Deref for Automaton {
    type Target = CharwiseDoubleArrayAhoCorasick<u32>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl Serialize for Automaton {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&self.0.serialize())
    }
}

impl<'de> Deserialize<'de> for Automaton {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Bytes;
        impl serde::de::Visitor<'_> for Bytes {
            type Value = Automaton;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a serialized automaton")
            }

            fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<Automaton, E> {
                match CharwiseDoubleArrayAhoCorasick::deserialize(bytes) {
                    Ok((automaton, [])) => Ok(Automaton(automaton)),
                    _ => Err(E::custom("not an automaton")),
                }
            }
        }
        deserializer.deserialize_bytes(Bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Deserialize)]
    struct Words {
        words: Vec<String>,
        automaton: Automaton,
    }

    fn words() -> Words {
        let words = vec!["乡村振兴".to_owned(), "振兴".to_owned()];
        let automaton =
            Automaton::with_values(words.iter().enumerate().map(|(i, w)| (w, i as u32))).unwrap();
        Words { words, automaton }
    }

    fn matches(t: &Words, text: &str) -> Vec<(usize, usize, u32)> {
        t.automaton
            .find_overlapping_iter(text)
            .map(|m| (m.start(), m.end(), m.value()))
            .collect()
    }

    #[test]
    fn a_stored_automaton_reads_back_the_same() {
        let stored = postcard::to_allocvec(&words()).unwrap();
        let back: Words = postcard::from_bytes(&stored).unwrap();
        assert_eq!(back.words, words().words);
        let text = "全面推进乡村振兴";
        assert_eq!(matches(&back, text), matches(&words(), text));
        assert_eq!(matches(&back, text).len(), 2);
    }

    #[test]
    fn bytes_that_are_no_automaton_are_refused() {
        // daachorse's validation refuses them, rather than our code reading out of bounds.
        let mut good = words().automaton.0.serialize();
        good.push(0);
        for automaton in [vec![0; 16], vec![0xff; 64], Vec::new(), good] {
            let forged = postcard::to_allocvec(&(words().words, automaton)).unwrap();
            assert!(postcard::from_bytes::<Words>(&forged).is_err());
        }
    }

    #[test]
    fn the_set_holds_every_table_once_and_each_decodes() {
        let set = make_all();
        let tables = tables_of(&set).expect("this build's set");
        assert_eq!(tables.len(), ALL.len());
        for table in ALL {
            let bytes = tables[table.name()];
            assert!(!bytes.is_empty(), "{}", table.name());
            assert!(table.decodes(bytes), "{}", table.name());
        }
    }

    #[test]
    fn another_builds_set_or_a_damaged_one_is_refused() {
        let set = make_all();
        let mut parsed: Set = postcard::from_bytes(&set).unwrap();
        parsed.build = "0000000000000000";
        let other = postcard::to_allocvec(&parsed).unwrap();
        assert!(tables_of(&other).is_none());
        assert!(tables_of(&set[..set.len() / 2]).is_none());
        assert!(tables_of(b"").is_none());
        assert!(tables_of(b"essay-core tables").is_none());
    }
}
