//! Data compiled into the binary: everything under the top-level `corpus/` folder.
//!
//! The server must work with zero configuration and nothing on disk, so the reference essays,
//! the glossary and the phrase lists are embedded at build time and read from here.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use include_dir::{include_dir, Dir};

static CORPUS_DIR: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../corpus");

/// The text of an embedded data file, by its path relative to `corpus/`.
///
/// Panics when the file is missing: that is a packaging bug caught by the tests, not user input.
pub fn text(path: &str) -> &'static str {
    // Checking that a file is UTF-8 reads all of it (the glossary is 600 KB, and cache keys
    // hash it on every run): once per file and process.
    static CHECKED: LazyLock<Mutex<HashMap<String, &'static str>>> =
        LazyLock::new(Default::default);
    let checked = || CHECKED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(&text) = checked().get(path) {
        return text;
    }
    let text = CORPUS_DIR
        .get_file(path)
        .and_then(|f| f.contents_utf8())
        .unwrap_or_else(|| panic!("built-in data file corpus/{path} is missing or not UTF-8"));
    checked().insert(path.to_owned(), text);
    text
}

/// Lines of an embedded list file, without blank lines and `#` comments.
pub fn list(path: &str) -> impl Iterator<Item = &'static str> {
    text(path)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}
