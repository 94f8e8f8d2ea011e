//! Two things the code needs from its build:
//!
//! - a fingerprint of what it is built from: its sources, the corpus data and the locked
//!   dependency versions. Tables built by one build and kept in the cache folder carry it, so
//!   that no other build ever reads them (`src/prebuilt.rs`);
//! - jieba's dictionary as an `fst` map, searched in place, so that segmenting a few texts need
//!   not load all of it (`src/segment/dictionary_slice.rs`).

use std::path::{Path, PathBuf};

const INPUTS: [&str; 4] = ["src", "../corpus", "Cargo.toml", "../Cargo.lock"];

fn main() {
    let mut files = Vec::new();
    for input in INPUTS {
        println!("cargo:rerun-if-changed={input}");
        collect(Path::new(input), &mut files);
    }
    files.sort();
    // FNV-1a: a few megabytes, once per build; no collision resistance is needed beyond chance.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut add = |bytes: &[u8]| {
        for &b in bytes {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
    };
    for file in &files {
        let contents = std::fs::read(file).unwrap_or_default();
        add(file.to_string_lossy().as_bytes());
        add(&(contents.len() as u64).to_le_bytes());
        add(&contents);
    }
    println!("cargo:rustc-env=ESSAY_LSP_BUILD_FINGERPRINT={hash:016x}");
    jieba_dictionary();
}

/// Writes `$OUT_DIR/jieba-dict.fst` (word → frequency << 8 | tag number) and
/// `$OUT_DIR/jieba-dict-tags.txt` (the sum of all frequencies, then the tags, one a line) from
/// the `dict.txt` of the jieba-rs that Cargo.lock pins. Where that file cannot be found (a
/// vendored build, say), both are written empty and segmentation loads jieba's own dictionary,
/// as it would without them; a test fails so that our own builds never do.
fn jieba_dictionary() {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let (map, tags) = match jieba_dict_path() {
        Some((path, version)) => {
            println!("cargo:rerun-if-changed={}", path.display());
            // For the tests that compare our word lists with the dictionary; not used at run time.
            println!("cargo:rustc-env=ESSAY_LSP_JIEBA_DICT={}", path.display());
            println!("cargo:rustc-env=ESSAY_LSP_JIEBA_VERSION={version}");
            let text = std::fs::read_to_string(&path).expect("jieba's dict.txt is UTF-8");
            dictionary_map(&text)
        }
        None => {
            println!(
                "cargo:warning=jieba-rs's dict.txt not found: segmentation will load all of it"
            );
            (Vec::new(), String::new())
        }
    };
    std::fs::write(out.join("jieba-dict.fst"), map).expect("write to OUT_DIR");
    std::fs::write(out.join("jieba-dict-tags.txt"), tags).expect("write to OUT_DIR");
}

/// `dict.txt` of the locked jieba-rs version in cargo's registry, and that version.
fn jieba_dict_path() -> Option<(PathBuf, String)> {
    println!("cargo:rerun-if-env-changed=CARGO_HOME");
    let lock = std::fs::read_to_string("../Cargo.lock").ok()?;
    let version = lock
        .split("[[package]]")
        .find(|p| p.contains("name = \"jieba-rs\""))?
        .lines()
        .find_map(|l| l.strip_prefix("version = "))?
        .trim_matches('"')
        .to_owned();
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))?;
    std::fs::read_dir(cargo_home.join("registry").join("src"))
        .ok()?
        .flatten()
        .map(|index| {
            index
                .path()
                .join(format!("jieba-rs-{version}/src/data/dict.txt"))
        })
        .find(|p| p.is_file())
        .map(|path| (path, version))
}

/// The map and the tag file of `dict` (lines of word, frequency, tag).
fn dictionary_map(dict: &str) -> (Vec<u8>, String) {
    let mut tags: Vec<&str> = Vec::new();
    let mut entries: Vec<(&str, u64)> = Vec::new();
    let mut total: u64 = 0;
    for line in dict.lines() {
        let mut fields = line.split_ascii_whitespace();
        let Some(word) = fields.next() else { continue };
        let freq: u64 = fields.next().map_or(0, |f| f.parse().expect("a frequency"));
        let tag = fields.next().unwrap_or("");
        let tag_number = match tags.iter().position(|t| *t == tag) {
            Some(n) => n,
            None => {
                tags.push(tag);
                tags.len() - 1
            }
        };
        assert!(
            tag_number < 256,
            "jieba's dictionary has more than 256 tags"
        );
        total += freq;
        entries.push((word, freq << 8 | tag_number as u64));
    }
    // Stable: of two entries of one word, jieba's trie keeps the later (its total counts both).
    entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut builder = fst::MapBuilder::memory();
    for (i, &(word, value)) in entries.iter().enumerate() {
        if entries.get(i + 1).is_some_and(|next| next.0 == word) {
            continue;
        }
        builder.insert(word, value).expect("sorted, distinct words");
    }
    let mut tag_file = format!("{total}\n");
    for tag in tags {
        tag_file.push_str(tag);
        tag_file.push('\n');
    }
    (builder.into_inner().expect("an fst in memory"), tag_file)
}

/// Every file at or under `path` (a missing path adds nothing: `Cargo.lock` is absent when the
/// package is built on its own).
fn collect(path: &Path, files: &mut Vec<PathBuf>) {
    if path.is_file() {
        files.push(path.to_path_buf());
    } else if let Ok(entries) = std::fs::read_dir(path) {
        for entry in entries.flatten() {
            collect(&entry.path(), files);
        }
    }
}
