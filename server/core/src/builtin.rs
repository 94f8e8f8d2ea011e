//! Data compiled into the binary: everything under the top-level `corpus/` folder.
//!
//! The server must work with zero configuration and nothing on disk, so the reference essays,
//! the glossary and the phrase lists are embedded at build time and read from here.

/// Every UTF-8 file under `corpus/`, by its path relative to it, sorted by path (`build.rs`).
static FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/corpus_files.rs"));

/// The text of an embedded data file, by its path relative to `corpus/`.
///
/// Panics when the file is missing: that is a packaging bug caught by the tests, not user input.
pub fn text(path: &str) -> &'static str {
    match FILES.binary_search_by(|&(p, _)| p.cmp(path)) {
        Ok(i) => FILES[i].1,
        Err(_) => panic!("built-in data file corpus/{path} is missing or not UTF-8"),
    }
}

/// Lines of an embedded list file, without blank lines and `#` comments.
pub fn list(path: &str) -> impl Iterator<Item = &'static str> {
    text(path)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}
