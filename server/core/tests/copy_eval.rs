//! Copy and citation checks on the labelled evaluation set `tests/eval/copy` (issue 13).
//!
//! The references are reference documents, the peers peer essays, the built-in corpus is on.
//! Each draft is checked; findings are matched to the labels by overlap. Printed for the tune
//! and holdout parts apart: recall and precision of copy findings, the share of copy/repeat
//! findings that are official wording, and how quotations, references, misquotations and
//! repeats fare. The test fails below the goals on tune; holdout is reported only (never tuned
//! on). Run with `cargo test -p essay-core --test copy_eval -- --nocapture` to see the figures.

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use essay_core::analysis::{Analyzer, BuildOptions};
use essay_core::checks::{Code, Finding};
use essay_core::config::Settings;
use essay_core::normalize::normalize;

#[derive(Deserialize)]
struct Labels {
    draft: Vec<Draft>,
}

#[derive(Deserialize)]
struct Draft {
    file: String,
    split: String,
    #[serde(default)]
    expect: Vec<Expect>,
    #[serde(default)]
    formula: Vec<FormulaLabel>,
}

#[derive(Deserialize)]
struct Expect {
    kind: String,
    text: String,
    #[serde(default)]
    source_text: Option<String>,
}

#[derive(Deserialize)]
struct FormulaLabel {
    text: String,
}

/// Figures for one part of the set.
#[derive(Default)]
struct Tally {
    copies: usize,
    copies_found: usize,
    copy_findings: usize,
    copy_findings_right: usize,
    copy_repeat_findings: usize,
    formula_findings: usize,
    /// (found, labelled) per kind.
    quotes: (usize, usize),
    references: (usize, usize),
    misquotes: (usize, usize),
    misquote_fix_exact: usize,
    repeats: (usize, usize),
    /// Findings of a citation kind (quote, reference) reported as copies.
    citations_as_copies: usize,
    misquote_findings: usize,
    misquote_findings_right: usize,
}

impl Tally {
    fn recall(&self) -> f64 {
        ratio(self.copies_found, self.copies)
    }
    fn precision(&self) -> f64 {
        ratio(self.copy_findings_right, self.copy_findings)
    }
    fn formula_share(&self) -> f64 {
        if self.copy_repeat_findings == 0 {
            0.0
        } else {
            self.formula_findings as f64 / self.copy_repeat_findings as f64
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

fn eval_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/eval/copy")
}

/// Char ranges of every occurrence of `needle` in `hay`.
fn occurrences(hay: &str, needle: &str) -> Vec<Range<usize>> {
    let len = needle.chars().count();
    hay.match_indices(needle)
        .map(|(byte, _)| {
            let start = hay[..byte].chars().count();
            start..start + len
        })
        .collect()
}

fn overlap(a: &Range<usize>, b: &Range<usize>) -> usize {
    a.end.min(b.end).saturating_sub(a.start.max(b.start))
}

/// A finding and a label match when they share at least half of the shorter one.
fn matches(finding: &Range<usize>, label: &Range<usize>) -> bool {
    overlap(finding, label) * 2 >= finding.len().min(label.len()).max(1)
}

/// Normalised chars of `range` outside every formula occurrence (`formulas`, char ranges).
fn beyond_formulas(text: &str, range: &Range<usize>, formulas: &[Range<usize>]) -> usize {
    let norm = normalize(text);
    norm.origin
        .iter()
        .map(|&o| o as usize)
        .filter(|o| range.contains(o) && !formulas.iter().any(|f| f.contains(o)))
        .count()
}

fn evaluate(analyzer: &Analyzer, settings: &Settings, drafts: &[&Draft], verbose: bool) -> Tally {
    let log = |line: String| {
        if verbose {
            eprintln!("{line}");
        }
    };
    let mut t = Tally::default();
    for draft in drafts {
        let text = std::fs::read_to_string(eval_dir().join(&draft.file)).unwrap();
        let report = analyzer.check(&text, settings);
        let of = |code: Code| -> Vec<&Finding> {
            report.findings.iter().filter(|f| f.code == code).collect()
        };
        let label_ranges = |kind: &str| -> Vec<(Range<usize>, &Expect)> {
            draft
                .expect
                .iter()
                .filter(|e| e.kind == kind)
                .flat_map(|e| {
                    let found = occurrences(&text, &e.text);
                    assert!(
                        !found.is_empty(),
                        "{}: label not in draft: {}",
                        draft.file,
                        e.text
                    );
                    found.into_iter().map(move |r| (r, e))
                })
                .collect()
        };
        let copies = label_ranges("copy");
        let copied = of(Code::CopiedFromCorpus);
        t.copies += draft.expect.iter().filter(|e| e.kind == "copy").count();
        for e in draft.expect.iter().filter(|e| e.kind == "copy") {
            let hit = copies
                .iter()
                .filter(|(_, l)| std::ptr::eq(*l, e))
                .any(|(r, _)| copied.iter().any(|f| matches(&f.range, r)));
            if hit {
                t.copies_found += 1;
            } else {
                log(format!("  missed copy in {}: {}", draft.file, e.text));
            }
        }
        t.copy_findings += copied.len();
        for f in &copied {
            if copies.iter().any(|(r, _)| matches(&f.range, r)) {
                t.copy_findings_right += 1;
            } else {
                let shown: String = text
                    .chars()
                    .skip(f.range.start)
                    .take(f.range.len())
                    .collect();
                log(format!(
                    "  wrong copy in {}: {shown} — {}",
                    draft.file, f.message
                ));
            }
        }

        // Official wording: copy/repeat findings that reach beyond the listed formulas by fewer
        // than the minimum length.
        let formulas: Vec<Range<usize>> = draft
            .formula
            .iter()
            .flat_map(|f| occurrences(&text, &f.text))
            .collect();
        let copy_repeat: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| {
                matches!(
                    f.code,
                    Code::CopiedFromCorpus | Code::QuotedFromCorpus | Code::RepeatedInDocument
                )
            })
            .collect();
        t.copy_repeat_findings += copy_repeat.len();
        for f in &copy_repeat {
            if beyond_formulas(&text, &f.range, &formulas) < settings.min_match_chars {
                t.formula_findings += 1;
                let shown: String = text
                    .chars()
                    .skip(f.range.start)
                    .take(f.range.len())
                    .collect();
                log(format!("  formula reported in {}: {shown}", draft.file));
            }
        }

        let cited: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| matches!(f.code, Code::QuotedFromCorpus | Code::FromReference))
            .collect();
        for (kind, slot) in [("quote", &mut t.quotes), ("reference", &mut t.references)] {
            for (r, e) in label_ranges(kind) {
                slot.1 += 1;
                if cited.iter().any(|f| matches(&f.range, &r)) {
                    slot.0 += 1;
                } else {
                    log(format!("  missed {kind} in {}: {}", draft.file, e.text));
                }
                if copied.iter().any(|f| matches(&f.range, &r)) {
                    t.citations_as_copies += 1;
                }
            }
        }
        let misquoted = of(Code::Misquoted);
        let misquote_labels = label_ranges("misquote");
        for (r, e) in &misquote_labels {
            t.misquotes.1 += 1;
            match misquoted.iter().find(|f| matches(&f.range, r)) {
                Some(f) => {
                    t.misquotes.0 += 1;
                    let fix = &f.fixes[0].edits[0].new_text;
                    if Some(fix.as_str()) == e.source_text.as_deref() {
                        t.misquote_fix_exact += 1;
                    } else {
                        log(format!(
                            "  misquote fix in {}: {fix} ≠ {:?}",
                            draft.file, e.source_text
                        ));
                    }
                }
                None => log(format!("  missed misquote in {}: {}", draft.file, e.text)),
            }
        }
        t.misquote_findings += misquoted.len();
        t.misquote_findings_right += misquoted
            .iter()
            .filter(|f| misquote_labels.iter().any(|(r, _)| matches(&f.range, r)))
            .count();
        let repeated = of(Code::RepeatedInDocument);
        for e in draft.expect.iter().filter(|e| e.kind == "repeat") {
            t.repeats.1 += 1;
            let places = occurrences(&text, &e.text);
            if places
                .iter()
                .all(|r| repeated.iter().any(|f| matches(&f.range, r)))
            {
                t.repeats.0 += 1;
            } else {
                log(format!("  missed repeat in {}: {}", draft.file, e.text));
            }
        }
    }
    t
}

fn print(name: &str, t: &Tally) {
    println!(
        "{name}: copy recall {:.3} ({}/{}), precision {:.3} ({}/{}); formulas {:.1}% of copy/repeat \
         findings ({}/{}); quotes {}/{}, references {}/{}, citations reported as copies {}; \
         misquotes {}/{} (exact fix {}, misquote findings right {}/{}); repeats {}/{}",
        t.recall(),
        t.copies_found,
        t.copies,
        t.precision(),
        t.copy_findings_right,
        t.copy_findings,
        t.formula_share() * 100.0,
        t.formula_findings,
        t.copy_repeat_findings,
        t.quotes.0,
        t.quotes.1,
        t.references.0,
        t.references.1,
        t.citations_as_copies,
        t.misquotes.0,
        t.misquotes.1,
        t.misquote_fix_exact,
        t.misquote_findings_right,
        t.misquote_findings,
        t.repeats.0,
        t.repeats.1,
    );
}

#[test]
fn copy_findings_on_the_labelled_set() {
    let dir = eval_dir();
    let labels: Labels =
        toml::from_str(&std::fs::read_to_string(dir.join("labels.toml")).unwrap()).unwrap();
    let settings = Settings {
        corpus_paths: vec![dir.join("peers")],
        reference_paths: vec![dir.join("references")],
        ..Settings::default()
    };
    let options = BuildOptions {
        progress: &|_| {},
        cache: None,
    };
    let (mut analyzer, problems) = Analyzer::build(&settings, &options);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        analyzer
            .corpus
            .essays
            .iter()
            .filter(|e| e.is_reference())
            .count(),
        4
    );

    let part =
        |split: &str| -> Vec<&Draft> { labels.draft.iter().filter(|d| d.split == split).collect() };
    eprintln!("tune:");
    let tune = evaluate(&analyzer, &settings, &part("tune"), true);
    eprintln!("holdout:");
    let holdout = evaluate(&analyzer, &settings, &part("holdout"), true);
    print("tune", &tune);
    print("holdout", &holdout);

    // How many independent corpus documents make a run wording: measured on tune only, with
    // the curated lists and without them (what the corpus alone tells).
    let chosen = analyzer.sources.min_documents;
    let mut lists = None;
    for with_lists in [true, false] {
        if !with_lists {
            lists = Some(std::mem::take(&mut analyzer.sources.wording));
        }
        for n in [2, 3, 4, 5, usize::MAX] {
            analyzer.sources.min_documents = n;
            let t = evaluate(&analyzer, &settings, &part("tune"), false);
            let shown = if n == usize::MAX {
                "off".to_owned()
            } else {
                n.to_string()
            };
            let what = if with_lists { "lists and" } else { "no lists," };
            print(
                &format!("tune, {what} corpus wording from {shown} documents"),
                &t,
            );
        }
    }
    analyzer.sources.wording = lists.expect("taken above");
    analyzer.sources.min_documents = chosen;

    assert!(tune.copies > 0 && holdout.copies > 0);
    assert!(
        tune.recall() >= 0.95,
        "tune copy recall {:.3}",
        tune.recall()
    );
    assert!(
        tune.precision() >= 0.95,
        "tune copy precision {:.3}",
        tune.precision()
    );
    assert!(
        tune.formula_share() <= 0.03,
        "tune: formulas are {:.1}% of copy/repeat findings",
        tune.formula_share() * 100.0
    );
}
