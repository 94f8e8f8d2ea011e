//! Hover hit rate on the evaluation list `tests/eval/language/terms.tsv` (issue 15).
//!
//! A term counts as answered when a hover anywhere inside it, with the term written alone on a
//! line, shows a glossary definition covering the whole term — not a usage note on a sub-word
//! (“语料常用词”), not the bare formula notice (“规范提法”), not nothing. Tune, holdout and
//! fresh (`terms-fresh.tsv`) are reported separately; only tune is held to the goal, the held-out
//! parts are measured, never tuned on.
//!
//! Run: `cargo test -p essay-core --test language_eval -- --nocapture`

use std::path::Path;

use essay_core::corpus::Corpus;
use essay_core::glossary::{Glossary, CATEGORIES};

/// Share of tune terms that must be answered (issue 15's goal).
const GOAL: f64 = 0.9;

/// Every `split<TAB>term` row of `terms.tsv` (tune, holdout) and `terms-fresh.tsv` (fresh).
fn terms() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/eval/language");
    let text = ["terms.tsv", "terms-fresh.tsv"]
        .map(|file| {
            std::fs::read_to_string(dir.join(file))
                .unwrap_or_else(|e| panic!("tests/eval/language/{file}: {e}"))
        })
        .join("\n");
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (split, term) = l.split_once('\t').expect("split<TAB>term");
            (split.to_owned(), term.trim().to_owned())
        })
        .collect()
}

/// Whether a hover's markdown is a glossary entry: its first line is `**term** · category`.
fn is_definition(markdown: &str) -> bool {
    let first = markdown.lines().next().unwrap_or("");
    CATEGORIES
        .iter()
        .any(|c| first.starts_with("**") && first.ends_with(&format!("** · {c}")))
}

fn answered(glossary: &Glossary, term: &str) -> bool {
    let len = term.chars().count();
    (0..len).all(|offset| {
        glossary
            .hover(term, offset)
            .is_some_and(|h| h.range == (0..len) && is_definition(&h.markdown))
    })
}

#[test]
fn hover_defines_the_terms_writers_use_now() {
    let terms = terms();
    assert!(terms.len() >= 100, "{} terms", terms.len());
    let (glossary, problems) = Glossary::load(&Corpus::builtin(), &[]);
    assert!(problems.is_empty());
    let mut rate = Vec::new();
    for split in ["tune", "holdout", "fresh"] {
        let list: Vec<&str> = terms
            .iter()
            .filter(|(s, _)| s == split)
            .map(|(_, t)| t.as_str())
            .collect();
        assert!(!list.is_empty(), "no {split} terms");
        let missed: Vec<&str> = list
            .iter()
            .copied()
            .filter(|t| !answered(&glossary, t))
            .collect();
        let share = (list.len() - missed.len()) as f64 / list.len() as f64;
        println!(
            "hover definitions, {split}: {}/{} = {:.1}%",
            list.len() - missed.len(),
            list.len(),
            share * 100.0
        );
        // Only tune misses are listed: holdout items must not feed back into the data.
        if split == "tune" {
            println!("  missed (tune): {}", missed.join("、"));
        }
        rate.push(share);
    }
    assert!(
        rate[0] >= GOAL,
        "tune hit rate {:.1}% is below {:.0}%",
        rate[0] * 100.0,
        GOAL * 100.0
    );
}

#[test]
fn the_criterion_rejects_usage_notes_and_sub_words() {
    let (glossary, _) = Glossary::load(&Corpus::builtin(), &[]);
    // A whole entry.
    assert!(answered(&glossary, "两不愁三保障"));
    // An ordinary corpus word gets a usage note, not a definition.
    assert!(!answered(&glossary, "基础设施"));
    // A term plus extra text: the definition does not cover the whole line.
    assert!(!answered(&glossary, "两不愁三保障工作"));
    // Unknown text.
    assert!(!answered(&glossary, "量子计算机"));
}
