//! Fuzz target over the Word reader: `docx::read` on arbitrary bytes must answer (text or a
//! reason) without panicking, and text it gives must check cleanly. Seeds in seeds/docx are
//! small valid packages, so mutations reach the zip and XML layers.
//!
//! Run: `cargo +nightly fuzz run docx fuzz/seeds/docx` from the repository root (see README.md).

#![no_main]

use std::io::Cursor;
use std::sync::OnceLock;

use essay_core::analysis::Analyzer;
use essay_core::config::Settings;
use libfuzzer_sys::fuzz_target;

fn analyzer() -> &'static Analyzer {
    static ANALYZER: OnceLock<Analyzer> = OnceLock::new();
    ANALYZER.get_or_init(|| Analyzer::new(&Settings::default()).0)
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = essay_core::docx::read(Cursor::new(data)) {
        // Lines are paragraphs: no line break comes from inside one.
        assert!(!text.contains('\r'));
        let report = analyzer().check(&text, &Settings::default());
        let len = text.chars().count();
        assert!(report.findings.iter().all(|f| f.range.end <= len));
    }
});
