//! Where analyzer build time goes, component by component (not criterion: one timed run each).
//!
//! `cargo bench --bench breakdown` — built-in corpus; `BREAKDOWN_MB=10` adds a synthetic corpus.

#[path = "support/synth.rs"]
mod synth;

use std::time::Instant;

use essay_lsp::checks::formulaic::StockPhrases;
use essay_lsp::corpus::{Corpus, Origin};
use essay_lsp::fingerprint::Index;
use essay_lsp::glossary::Glossary;
use essay_lsp::phrases::PhraseBook;

fn time<T>(label: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    println!("{label:<28} {:>9.1} ms", start.elapsed().as_secs_f64() * 1e3);
    out
}

fn main() {
    if std::env::var("BREAKDOWN_MODE").as_deref() == Ok("analyzer") {
        // A cold process: jieba not loaded yet, as at server start.
        let settings = essay_lsp::config::Settings::default();
        let options = essay_lsp::analysis::BuildOptions {
            progress: &|_| {},
            cache: None,
        };
        time("Analyzer::build (cold)", || {
            essay_lsp::analysis::Analyzer::build(&settings, &options)
        });
        time("Analyzer::build (again)", || {
            essay_lsp::analysis::Analyzer::build(&settings, &options)
        });
        return;
    }
    let mb: usize = std::env::var("BREAKDOWN_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let corpus = if mb == 0 {
        time("Corpus::builtin", Corpus::builtin)
    } else {
        let texts = time("generate", || synth::corpus_texts(1, mb << 20));
        let mut corpus = Corpus::builtin();
        for (name, text) in texts {
            corpus.push(name.clone(), text, Origin::File(name.into()));
        }
        corpus
    };
    println!("essays {} chars {}", corpus.essays.len(), corpus.total_chars());
    time("jieba load", essay_lsp::segment::jieba);
    let index = time("Index::build", || {
        Index::build(corpus.essays.iter().map(|e| e.text.as_str()))
    });
    println!(
        "fingerprints {} postings {}",
        index.fingerprint_count(),
        index.posting_count()
    );
    if std::env::var("BREAKDOWN_MINING").as_deref() == Ok("0") {
        return;
    }
    let (glossary, _) = time("Glossary::load", || Glossary::load(&corpus, &[]));
    let terms: Vec<String> = glossary.entries().iter().map(|e| e.term.clone()).collect();
    time("PhraseBook::build", || PhraseBook::build(&corpus, &terms));
    time("StockPhrases::build", || StockPhrases::build(&corpus, &[]));
}
