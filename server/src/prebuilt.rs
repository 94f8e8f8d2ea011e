//! The checks' tables built from the built-in data (their automata and side tables), kept in the
//! cache folder. Building them takes ≈35 ms of CPU, most of what a one-shot `essay-lsp check`
//! of a draft costs; reading them back takes a fraction of that.
//!
//! A table is stored under the fingerprint of the build (`build.rs`: the sources, the corpus
//! data, the locked dependencies), so only the build that wrote it ever reads it. The file is a
//! magic, a checksum and the table in postcard's format, written atomically; one that is
//! missing, damaged or unreadable is built afresh and replaced. Without a folder — the library's
//! default, so tests always build — nothing is read or written.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use daachorse::CharwiseDoubleArrayAhoCorasick;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::cache::{self, IndexCache};

/// What the build was made from (see `build.rs`).
pub const BUILD_FINGERPRINT: &str = env!("ESSAY_LSP_BUILD_FINGERPRINT");

const MAGIC: &[u8; 8] = b"ESSAYTBL";

/// Tables of one name kept at a time (from different builds, e.g. the editor's and the
/// terminal's binaries), least recently used dropped first.
const MAX_BUILDS: usize = 3;

static FOLDER: OnceLock<PathBuf> = OnceLock::new();

/// Keeps prebuilt tables in `dir` from now on. The front ends call this first thing, before
/// any table is needed; later calls change nothing.
pub fn keep_in(dir: PathBuf) {
    let _ = FOLDER.set(dir);
}

/// The table `name` from the cache folder, or built (and stored there when there is one).
pub(crate) fn load_or_build<T: Serialize + DeserializeOwned>(
    name: &str,
    build: impl FnOnce() -> T,
) -> T {
    let Some(dir) = FOLDER.get() else {
        return build();
    };
    let path = path(dir, name);
    if let Ok(table) = read(&path) {
        return table;
    }
    let table = build();
    // A folder that cannot be written only costs the next run the build.
    let _ = write(dir, &path, name, &table);
    table
}

fn path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("tables-{name}-{BUILD_FINGERPRINT}.bin"))
}

fn read<T: DeserializeOwned>(path: &Path) -> io::Result<T> {
    let bytes = std::fs::read(path)?;
    let (magic, rest) = bytes.split_at_checked(MAGIC.len()).ok_or_else(damaged)?;
    let (sum, payload) = rest.split_at_checked(8).ok_or_else(damaged)?;
    if magic != MAGIC || sum != cache::checksum(payload).to_le_bytes() {
        return Err(damaged());
    }
    let table = postcard::from_bytes(payload).map_err(|_| damaged())?;
    cache::touch(path);
    Ok(table)
}

fn write<T: Serialize>(dir: &Path, path: &Path, name: &str, table: &T) -> io::Result<()> {
    let payload = postcard::to_allocvec(table).map_err(io::Error::other)?;
    let _writing = cache::WriteInProgress::start()?;
    std::fs::create_dir_all(dir)?;
    let sum = cache::checksum(&payload).to_le_bytes();
    crate::atomic::write_cache_file(path, |file| {
        file.write_all(MAGIC)?;
        file.write_all(&sum)?;
        file.write_all(&payload)
    })?;
    IndexCache::at(dir).evict(path, &format!("tables-{name}-"), ".bin", MAX_BUILDS);
    Ok(())
}

fn damaged() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, "damaged table")
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
    struct Table {
        words: Vec<String>,
        automaton: Automaton,
    }

    fn table() -> Table {
        let words = vec!["乡村振兴".to_owned(), "振兴".to_owned()];
        let automaton =
            Automaton::with_values(words.iter().enumerate().map(|(i, w)| (w, i as u32))).unwrap();
        Table { words, automaton }
    }

    fn matches(t: &Table, text: &str) -> Vec<(usize, usize, u32)> {
        t.automaton
            .find_overlapping_iter(text)
            .map(|m| (m.start(), m.end(), m.value()))
            .collect()
    }

    #[test]
    fn a_stored_table_reads_back_the_same_and_a_damaged_one_is_rebuilt() {
        let dir = tempfile::tempdir().unwrap();
        let path = path(dir.path(), "test");
        write(dir.path(), &path, "test", &table()).unwrap();
        let back: Table = read(&path).unwrap();
        assert_eq!(back.words, table().words);
        let text = "全面推进乡村振兴";
        assert_eq!(matches(&back, text), matches(&table(), text));
        assert_eq!(matches(&back, text).len(), 2);

        // Any changed byte is caught: by the checksum, or by the magic.
        let good = std::fs::read(&path).unwrap();
        for at in [0, 9, good.len() / 2, good.len() - 1] {
            let mut bad = good.clone();
            bad[at] ^= 0x20;
            std::fs::write(&path, &bad).unwrap();
            assert!(read::<Table>(&path).is_err(), "byte {at}");
        }
        std::fs::write(&path, &good[..good.len() - 3]).unwrap();
        assert!(read::<Table>(&path).is_err());
        std::fs::write(&path, b"ESS").unwrap();
        assert!(read::<Table>(&path).is_err());
    }

    #[test]
    fn a_payload_that_is_no_automaton_is_refused() {
        // A valid checksum over bytes that are not daachorse's: its validation refuses them.
        #[derive(Serialize)]
        struct Forged {
            words: Vec<String>,
            automaton: serde_bytes_like::Bytes,
        }
        mod serde_bytes_like {
            pub struct Bytes(pub Vec<u8>);
            impl serde::Serialize for Bytes {
                fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    s.serialize_bytes(&self.0)
                }
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let path = path(dir.path(), "forged");
        for automaton in [vec![0; 16], vec![0xff; 64], Vec::new()] {
            let forged = Forged {
                words: table().words,
                automaton: serde_bytes_like::Bytes(automaton),
            };
            write(dir.path(), &path, "forged", &forged).unwrap();
            assert!(read::<Table>(&path).is_err());
        }
        let mut good = table().automaton.0.serialize();
        good.push(0);
        let forged = Forged {
            words: table().words,
            automaton: serde_bytes_like::Bytes(good),
        };
        write(dir.path(), &path, "forged", &forged).unwrap();
        assert!(read::<Table>(&path).is_err());
    }

    #[test]
    fn old_builds_tables_are_evicted() {
        let dir = tempfile::tempdir().unwrap();
        for build in 0..MAX_BUILDS + 2 {
            let old = dir.path().join(format!("tables-test-{build:016x}.bin"));
            std::fs::write(&old, b"old").unwrap();
        }
        let other = dir.path().join("tables-other-0000000000000000.bin");
        std::fs::write(&other, b"old").unwrap();
        let path = path(dir.path(), "test");
        write(dir.path(), &path, "test", &table()).unwrap();
        let kept = std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| {
                let name = e.as_ref().unwrap().file_name();
                name.to_string_lossy().starts_with("tables-test-")
            })
            .count();
        assert_eq!(kept, MAX_BUILDS);
        assert!(path.exists() && other.exists());
    }
}
