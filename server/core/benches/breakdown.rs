//! Where analyzer build time goes, component by component (not criterion: one timed run each).
//!
//! `cargo bench --bench breakdown` — built-in corpus; `BREAKDOWN_MB=10` adds a synthetic corpus.

#[path = "support/synth.rs"]
mod synth;

use std::time::Instant;

use essay_core::checks::formulaic::StockPhrases;
use essay_core::corpus::{Corpus, Origin};
use essay_core::fingerprint::Index;
use essay_core::glossary::Glossary;
use essay_core::phrases::PhraseBook;

fn time<T>(label: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    println!(
        "{label:<28} {:>9.1} ms",
        start.elapsed().as_secs_f64() * 1e3
    );
    out
}

fn main() {
    if std::env::var("BREAKDOWN_MODE").as_deref() == Ok("restart") {
        restart();
        return;
    }
    if std::env::var("BREAKDOWN_MODE").as_deref() == Ok("mining") {
        mining();
        return;
    }
    if std::env::var("BREAKDOWN_MODE").as_deref() == Ok("builtins") {
        builtins();
        return;
    }
    if std::env::var("BREAKDOWN_MODE").as_deref() == Ok("analyzer") {
        // A cold process: jieba not loaded yet, as at server start.
        let settings = essay_core::config::Settings::default();
        let options = essay_core::analysis::BuildOptions {
            progress: &|_| {},
            cache: None,
        };
        let (cold, _) = time("Analyzer::build (cold)", || {
            essay_core::analysis::Analyzer::build(&settings, &options)
        });
        // Hover and completion wait for this too (mined on another thread from the build on).
        time("… glossary and phrase book mined", || cold.wait_mined());
        time("Analyzer::build (again)", || {
            essay_core::analysis::Analyzer::build(&settings, &options)
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
    println!(
        "essays {} chars {}",
        corpus.essays.len(),
        corpus.total_chars()
    );
    time("jieba load", essay_core::segment::jieba);
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

/// The steps of mining the built-in corpus for hover and completion, one after the other on one
/// thread, in a cold process (`BREAKDOWN_MODE=mining`).
fn mining() {
    let corpus = time("Corpus::builtin", Corpus::builtin);
    let words = time("Segmented::of", || {
        essay_core::mining::Segmented::of(&corpus)
    });
    let (entries, _) = time("Glossary::unmined_entries", || {
        Glossary::unmined_entries(&[])
    });
    let terms = time("glossary::terms_of", || {
        essay_core::glossary::terms_of(&entries)
    });
    time("PhraseBook::build_with", || {
        PhraseBook::build_with(&words, || terms)
    });
    time("Glossary::build", || Glossary::build(&words, entries));
}

/// What every check builds from the built-in data, whatever the corpus, one after the other on
/// one thread, in a cold process (`BREAKDOWN_MODE=builtins`). With `BREAKDOWN_EMBED=1`, the
/// tables are made first and then read as the binary reads the ones it carries
/// (`essay_core::prebuilt::embed`).
fn builtins() {
    if std::env::var_os("BREAKDOWN_EMBED").is_some() {
        let set = time("prebuilt::make_all", essay_core::prebuilt::make_all);
        assert!(essay_core::prebuilt::embed(set.leak()));
    }
    time("Wording::shared", || {
        essay_core::checks::wording::Wording::shared(&[])
    });
    time("checks::prepare", essay_core::checks::prepare);
    time("StockPhrases (no corpus)", || {
        StockPhrases::with_corpus_phrases(Vec::new(), &[])
    });
}

/// The steps of a build over a synthetic corpus on disk, cold and then with its index cached.
fn restart() {
    use essay_core::cache::{CacheKey, IndexCache};
    use essay_core::normalize::Normalized;
    let mb: usize = std::env::var("BREAKDOWN_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let root = std::env::temp_dir().join(format!("essay-lsp-breakdown-{}", std::process::id()));
    let written = time("generate and write", || {
        synth::write_corpus(&root.join("corpus"), 1, mb << 20).unwrap()
    });
    println!("{} files, {} bytes", written.files, written.bytes);
    let cache = IndexCache::at(root.join("cache"));
    for round in ["cold", "cached"] {
        println!("-- {round}");
        let (corpus, _) = time("Corpus::load", || {
            Corpus::load(&[root.join("corpus")], true)
        });
        let essays: Vec<Normalized> = time("normalize", || {
            essay_core::parallel::map(
                &corpus.essays,
                |e| e.text.len(),
                |e| essay_core::normalize::normalize(&e.text),
            )
        });
        let key = time("CacheKey::of", || CacheKey::of(&essays));
        let index = match time("cache load", || cache.load(&key, essays)) {
            Ok(index) => index,
            Err((essays, _)) => {
                let index = time("Index::from_normalized", || Index::from_normalized(essays));
                time("cache store", || cache.store(&key, &index).unwrap());
                index
            }
        };
        println!("fingerprints {}", index.fingerprint_count());
        time("jieba", essay_core::segment::jieba);
        let settings = essay_core::config::Settings::default();
        time("Analyzer::from_corpus_with (all of it, cache on)", || {
            essay_core::analysis::Analyzer::from_corpus_with(
                corpus.clone(),
                &settings,
                &essay_core::analysis::BuildOptions {
                    progress: &|_| {},
                    cache: Some(IndexCache::at(root.join("cache"))),
                },
            )
        });
    }
    let _ = std::fs::remove_dir_all(&root);
}
