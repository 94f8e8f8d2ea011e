//! Gives the code a fingerprint of what it is built from: its sources, the corpus data and the
//! locked dependency versions. Tables built by one build and kept in the cache folder carry it,
//! so that no other build ever reads them (`src/prebuilt.rs`).

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
