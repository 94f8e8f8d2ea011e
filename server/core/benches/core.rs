//! Criterion benchmarks of the analysis core: index builds, checking a 20,000-character draft,
//! one completion, one hover.
//!
//! `cargo bench --bench core` runs everything; the 100 MB corpus (generated at start, ~1 s)
//! makes the run take a few minutes. `CORE_BENCH_MAX_MB=10` leaves out the larger corpora.

#[path = "support/synth.rs"]
mod synth;

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

use essay_core::analysis::{Analyzer, BuildOptions};
use essay_core::checks::boilerplate::Boilerplate;
use essay_core::checks::formulaic::StockPhrases;
use essay_core::checks::{copied, placeholder, repeated};
use essay_core::config::Settings;
use essay_core::corpus::{Corpus, Origin};
use essay_core::fingerprint::Index;
use essay_core::normalize::normalize;

const DRAFT_CHARS: usize = 20_000;

fn max_mb() -> usize {
    std::env::var("CORE_BENCH_MAX_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100)
}

/// The built-in corpus plus a synthetic one of `mb` MB (seed 1).
fn corpus_with(mb: usize) -> Corpus {
    let mut corpus = Corpus::builtin();
    for (name, text) in synth::corpus_texts(1, mb << 20) {
        corpus.push(
            name.clone(),
            text,
            Origin::File(format!("/synthetic/{name}.txt").into()),
        );
    }
    corpus
}

/// A 20,000-character draft copying from a few essays of `corpus`'s user part.
fn draft_for(corpus: &Corpus) -> String {
    let user: Vec<(String, String)> = corpus
        .essays
        .iter()
        .filter(|e| !e.is_builtin())
        .map(|e| (e.title.clone(), e.text.clone()))
        .collect();
    synth::draft_copying(&user, DRAFT_CHARS)
}

/// Clauses (text between punctuation) of a synthetic corpus, `chars` chars in all.
fn synth_clauses(chars: usize) -> Vec<String> {
    let mut clauses = Vec::new();
    let mut total = 0;
    for (_, text) in synth::corpus_texts(2, chars * 4) {
        for clause in text.split(|c: char| !c.is_alphanumeric()) {
            if total >= chars {
                return clauses;
            }
            if clause.chars().count() >= 4 {
                total += clause.chars().count();
                clauses.push(clause.to_owned());
            }
        }
    }
    clauses
}

/// The first clauses of `clauses`, `chars` chars in all.
fn clauses_of(clauses: &[String], chars: usize) -> Vec<&str> {
    let mut total = 0;
    let taken = clauses.iter().take_while(|c| {
        total += c.chars().count();
        total <= chars
    });
    taken.map(String::as_str).collect()
}

fn no_cache() -> BuildOptions<'static> {
    BuildOptions {
        progress: &|_| {},
        cache: None,
    }
}

fn index_build(c: &mut Criterion) {
    let mut group = c.benchmark_group("index_build");
    group.sample_size(10);
    let builtin = Corpus::builtin();
    group.throughput(Throughput::Bytes(
        builtin.essays.iter().map(|e| e.text.len() as u64).sum(),
    ));
    group.bench_function("builtin", |b| {
        b.iter(|| Index::build(builtin.essays.iter().map(|e| e.text.as_str())))
    });
    for mb in [1usize, 10, 100] {
        if mb > max_mb() {
            continue;
        }
        let texts = synth::corpus_texts(1, mb << 20);
        let bytes: u64 = texts.iter().map(|(_, t)| t.len() as u64).sum();
        group.throughput(Throughput::Bytes(bytes));
        if mb >= 100 {
            group.measurement_time(Duration::from_secs(60));
        } else {
            group.measurement_time(Duration::from_secs(10));
        }
        group.bench_with_input(BenchmarkId::new("synthetic_mb", mb), &texts, |b, texts| {
            b.iter(|| Index::build(texts.iter().map(|(_, t)| t.as_str())))
        });
    }
    group.finish();
}

fn analyzer_build(c: &mut Criterion) {
    let mut group = c.benchmark_group("analyzer_build");
    group.sample_size(10);
    // jieba's dictionary is loaded once per process; measured on its own.
    group.bench_function("jieba_dictionary_load", |b| b.iter(jieba_rs::Jieba::new));
    // Against it: a jieba holding only the words of clauses of so many chars (what a check
    // against a new corpus tags: ≈30k chars for 10 MB), to place `dictionary_slice::MAX_CHARS`.
    let clauses = synth_clauses(1_000_000);
    for chars in [10_000, 30_000, 100_000, 300_000, 1_000_000] {
        let texts = clauses_of(&clauses, chars);
        group.bench_with_input(
            BenchmarkId::new("jieba_slice", chars),
            &texts,
            |b, texts| {
                b.iter(|| essay_core::segment::dictionary_slice::jieba_for(black_box(texts)))
            },
        );
    }
    essay_core::segment::jieba();
    let settings = Settings::default();
    group.bench_function("builtin_after_jieba", |b| {
        b.iter(|| Analyzer::build(&settings, &no_cache()))
    });
    group.finish();
}

fn check(c: &mut Criterion) {
    let settings = Settings::default();
    let (analyzer, _) = Analyzer::build(&settings, &no_cache());
    let draft = synth::builtin_draft(DRAFT_CHARS);
    let mut group = c.benchmark_group("check_20k");
    group.throughput(Throughput::Elements(DRAFT_CHARS as u64));
    group.bench_function("builtin_full_check", |b| {
        b.iter(|| analyzer.check_fully(black_box(&draft), &settings))
    });
    group.bench_function("builtin_copy_only", |b| {
        b.iter(|| {
            let normalized = normalize(&draft);
            copied::find_copies(&analyzer.index, &normalized, &draft, 13)
        })
    });
    // One character typed in the middle, after a first check of the draft: what a keystroke
    // costs once the unchanged lines are cached (`check` reuses line-local findings).
    let middle = draft.char_indices().nth(DRAFT_CHARS / 2).unwrap().0;
    let edited = [
        format!("{}的{}", &draft[..middle], &draft[middle..]),
        format!("{}地{}", &draft[..middle], &draft[middle..]),
    ];
    analyzer.check(&draft, &settings);
    let mut turn = 0;
    group.bench_function("builtin_after_one_char_edit", |b| {
        b.iter(|| {
            turn ^= 1;
            analyzer.check(&edited[turn], &settings)
        })
    });
    group.finish();

    // Where a full check's time goes.
    let mut group = c.benchmark_group("check_20k_parts");
    let normalized = normalize(&draft);
    let boilerplate = Boilerplate::builtin();
    let stock = StockPhrases::build(&analyzer.corpus, &[]);
    let spans = copied::find_copies(&analyzer.index, &normalized, &draft, 13);
    group.bench_function("normalize", |b| b.iter(|| normalize(black_box(&draft))));
    group.bench_function("copied_findings", |b| {
        b.iter(|| copied::findings(&spans, &analyzer.corpus, &analyzer.index, &normalized))
    });
    group.bench_function("repeated", |b| {
        b.iter(|| repeated::check(&normalized, black_box(&draft), 13))
    });
    group.bench_function("placeholder", |b| {
        b.iter(|| placeholder::check(black_box(&draft)))
    });
    group.bench_function("boilerplate", |b| {
        b.iter(|| boilerplate.check(black_box(&draft)))
    });
    group.bench_function("formulaic", |b| b.iter(|| stock.check(black_box(&draft))));
    group.finish();

    if max_mb() < 100 {
        return;
    }
    let corpus = corpus_with(100);
    let draft = draft_for(&corpus);
    let (analyzer, _) = Analyzer::from_corpus_with(corpus, &settings, &no_cache());
    let mut group = c.benchmark_group("check_20k_100mb_corpus");
    group.throughput(Throughput::Elements(DRAFT_CHARS as u64));
    group.bench_function("copy_only", |b| {
        b.iter(|| {
            let normalized = normalize(&draft);
            copied::find_copies(&analyzer.index, &normalized, &draft, 13)
        })
    });
    group.bench_function("full_check", |b| {
        b.iter(|| analyzer.check_fully(black_box(&draft), &settings))
    });
    group.finish();
}

fn complete_and_hover(c: &mut Criterion) {
    let (analyzer, _) = Analyzer::build(&Settings::default(), &no_cache());
    let mut group = c.benchmark_group("interactive");
    // A continuation after a known clause, a phrase prefix, and a long line.
    let long_line = format!(
        "{}小康不小康，",
        "我们要认真学习贯彻脱贫攻坚精神，".repeat(12)
    );
    for (name, before) in [
        ("completion_continuation", "我们常说，小康不小康，"),
        ("completion_prefix", "今年我们全面落实精准"),
        ("completion_long_line", long_line.as_str()),
    ] {
        assert!(
            !analyzer.phrases.complete(before).items.is_empty(),
            "{name}"
        );
        group.bench_function(name, |b| {
            b.iter(|| analyzer.phrases.complete(black_box(before)))
        });
    }
    let line =
        "我们对照两不愁三保障逐户核查，发现有两户的住房仍有安全隐患，随即联系镇里的危房改造项目。";
    let term = line.chars().position(|c| c == '愁').unwrap();
    let word = line.chars().position(|c| c == '隐').unwrap();
    assert!(analyzer.glossary.hover(line, term).is_some());
    group.bench_function("hover_glossary_term", |b| {
        b.iter(|| analyzer.glossary.hover(black_box(line), term))
    });
    group.bench_function("hover_corpus_word", |b| {
        b.iter(|| analyzer.glossary.hover(black_box(line), word))
    });
    group.finish();
}

criterion_group!(
    benches,
    index_build,
    analyzer_build,
    check,
    complete_and_hover
);
criterion_main!(benches);
