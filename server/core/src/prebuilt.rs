//! Tables made from the built-in data: the checks' automata and side tables, the glossary's
//! entries and term matcher, the official formulas and the built-in corpus's phrase book.
//! Making them costs more CPU than a one-shot `essay-lsp check` of a draft costs with them, and
//! more time than a language server may take to answer its first hover or completion, so the
//! binary's build makes them once (`server/build.rs` calls `make_all`) and the binary carries
//! them (`embed`). Reading one back is a postcard decode of a few milliseconds; its automata
//! are not copied but searched where they lie (`automaton`).
//!
//! Without embedded tables — the library's default, so tests and benches always exercise the
//! builders — each table is made on first use. Tables from another build of this crate are
//! refused (`BUILD_FINGERPRINT`), and so is one that does not decode: that table is then made
//! afresh, as without them.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// What the build was made from (see `build.rs`).
pub const BUILD_FINGERPRINT: &str = env!("ESSAY_LSP_BUILD_FINGERPRINT");

const MAGIC: &str = "essay-core tables";

/// Every table there is, in the order `make_all` makes them.
const ALL: [&dyn Make; 10] = [
    &crate::glossary::ENTRIES_TABLE,
    &crate::glossary::FORMULAS_TABLE,
    &crate::glossary::MATCHER_TABLE,
    &crate::phrases::TABLE,
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
        let embedded = EMBEDDED.get().and_then(|e| e.tables.get(self.name));
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

/// The embedded set, and each table's bytes in it by name.
struct Embedded {
    set: &'static [u8],
    tables: HashMap<&'static str, &'static [u8]>,
}

static EMBEDDED: OnceLock<Embedded> = OnceLock::new();

/// Uses the tables in `set` (made by `make_all` of this very build) from now on, instead of
/// making them. The front ends call this first thing, before any table is needed. Returns
/// whether the set was taken: one from another build, or damaged, is refused.
pub fn embed(set: &'static [u8]) -> bool {
    let Some(tables) = tables_of(set) else {
        return false;
    };
    EMBEDDED.set(Embedded { set, tables }).is_ok()
}

/// `part` as the part of the embedded set it is (borrowed for the life of the program, so a
/// table can be read where it lies: `automaton::Automaton`); None when it is not in the set.
pub(crate) fn embedded_part(part: &[u8]) -> Option<&'static [u8]> {
    let set = EMBEDDED.get()?.set;
    // Addresses compared, not dereferenced: the slice returned is cut from `set` itself.
    let start = (part.as_ptr() as usize).checked_sub(set.as_ptr() as usize)?;
    set.get(start..start.checked_add(part.len())?)
}

fn tables_of(set: &[u8]) -> Option<HashMap<&str, &[u8]>> {
    let set: Set = postcard::from_bytes(set).ok()?;
    (set.magic == MAGIC && set.build == BUILD_FINGERPRINT).then(|| set.tables.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

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
