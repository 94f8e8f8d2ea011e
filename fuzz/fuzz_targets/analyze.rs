//! Fuzz target over the analysis entry point: `Analyzer::check` on arbitrary text, then the
//! 复制比 report, hover and completion on every line, with the invariants of
//! `server/core/tests/support/invariants.rs` (ranges inside the document and on character boundaries,
//! fixes that leave valid text in every position encoding).
//!
//! The first byte picks settings; the rest is the draft (invalid UTF-8 becomes U+FFFD).
//! Run: see README.md, section Development.

#![no_main]

use std::sync::OnceLock;

use essay_core::analysis::Analyzer;
use essay_core::config::Settings;
use libfuzzer_sys::fuzz_target;

#[path = "../../server/core/tests/support/invariants.rs"]
mod invariants;

fn analyzer() -> &'static Analyzer {
    static ANALYZER: OnceLock<Analyzer> = OnceLock::new();
    ANALYZER.get_or_init(|| Analyzer::new(&Settings::default()).0)
}

fuzz_target!(|data: &[u8]| {
    let Some((&knobs, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    invariants::check_everything(analyzer(), &invariants::fuzz_settings(knobs), &text);
});
