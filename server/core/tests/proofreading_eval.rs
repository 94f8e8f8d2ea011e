//! The proofreading checks against the labelled set `tests/eval/proofreading/` (issue 19).
//!
//! Each line is `kind<TAB>text<TAB>expected`. An error line counts as found when a finding of its
//! kind has a fix that turns `text` into `expected`; a correct line counts as flagged when any of
//! the three checks reports anything on it. The figures of both parts are printed
//! (`cargo test -p essay-core --test proofreading_eval -- --nocapture`); the test holds the tune
//! and dev parts to recall ≥ 85 % per kind and ≤ 1 % of correct lines flagged. The holdout and
//! fresh parts are only reported.

use std::collections::BTreeMap;

use essay_core::checks::formula_wording::FormulaWording;
use essay_core::checks::punctuation::Punctuation;
use essay_core::checks::typo::Typo;
use essay_core::checks::{drop_less_specific, Check, Code, Context, Finding};
use essay_core::config::Settings;
use essay_core::corpus::Corpus;
use essay_core::fingerprint::Index;
use essay_core::fix;

fn findings(text: &str) -> Vec<Finding> {
    let settings = Settings::default();
    let corpus = Corpus::default();
    let index = Index::from_normalized(Vec::new());
    let cx = Context::new(text, &settings, &corpus, &index, &[]);
    let checks: [&dyn Check; 3] = [&Punctuation, &Typo, &FormulaWording];
    let mut out: Vec<Finding> = checks.iter().flat_map(|c| c.check(&cx)).collect();
    drop_less_specific(&mut out);
    out
}

#[derive(Default, Debug)]
struct Score {
    /// kind → (found, total)
    recall: BTreeMap<String, (usize, usize)>,
    correct_flagged: usize,
    correct_total: usize,
    misses: Vec<String>,
    false_flags: Vec<String>,
}

/// One `code: message` line a finding, for the report of false flags and misses.
fn describe(found: &[Finding]) -> Vec<String> {
    found
        .iter()
        .map(|f| format!("{}: {}", f.code, f.message))
        .collect()
}

fn evaluate(file: &str) -> Score {
    let path = format!(
        "{}/../../tests/eval/proofreading/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let data = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut score = Score::default();
    for line in data.lines().filter(|l| !l.trim().is_empty()) {
        let mut cols = line.split('\t');
        let (Some(kind), Some(text), Some(expected)) = (cols.next(), cols.next(), cols.next())
        else {
            panic!("{file}: malformed line {line:?}");
        };
        let found = findings(text);
        if kind == "correct" {
            score.correct_total += 1;
            if !found.is_empty() {
                score.correct_flagged += 1;
                score
                    .false_flags
                    .push(format!("{text}\n    {}", describe(&found).join("\n    ")));
            }
            continue;
        }
        let code = Code::parse(kind).unwrap_or_else(|| panic!("{file}: unknown kind {kind}"));
        let hit = found.iter().filter(|f| f.code == code).any(|f| {
            f.fixes
                .first()
                .is_some_and(|fx| fix::apply(text, &fx.edits) == expected)
        });
        let entry = score.recall.entry(kind.to_owned()).or_default();
        entry.1 += 1;
        if hit {
            entry.0 += 1;
        } else {
            score
                .misses
                .push(format!("{kind}: {text}\n    {:?}", describe(&found)));
        }
    }
    score
}

fn print(name: &str, s: &Score) {
    println!("== {name}");
    for (kind, (found, total)) in &s.recall {
        println!(
            "  {kind:16} recall {found}/{total} = {:.1}%",
            100.0 * *found as f64 / (*total).max(1) as f64
        );
    }
    println!(
        "  correct flagged  {}/{} = {:.1}%",
        s.correct_flagged,
        s.correct_total,
        100.0 * s.correct_flagged as f64 / s.correct_total.max(1) as f64
    );
}

/// Holds one part to the goal of issue 19: recall ≥ 85 % per kind, ≤ 1 % of correct lines
/// flagged.
fn hold_to_goal(name: &str, s: &Score) {
    for (kind, (found, total)) in &s.recall {
        assert!(
            *found as f64 >= 0.85 * *total as f64,
            "{name} recall of {kind}: {found}/{total} below 85%"
        );
    }
    assert!(s.correct_total >= 1);
    assert!(
        s.correct_flagged as f64 <= 0.01 * s.correct_total as f64,
        "{name}: {} of {} correct lines flagged (more than 1%)",
        s.correct_flagged,
        s.correct_total
    );
}

#[test]
fn proofreading_eval() {
    // `tune` and `dev` are tuning sets (dev: written by the tuner of the second round, see the
    // README); both are held to the goal. The holdout and fresh parts are only reported.
    let tuning = [("tune", evaluate("tune.tsv")), ("dev", evaluate("dev.tsv"))];
    let holdout = evaluate("holdout.tsv");
    let fresh = evaluate("fresh.tsv");
    for (name, score) in &tuning {
        print(name, score);
    }
    print("holdout", &holdout);
    print("fresh", &fresh);
    for (name, score) in &tuning {
        for miss in &score.misses {
            println!("{name} miss: {miss}");
        }
        for flag in &score.false_flags {
            println!("{name} false flag: {flag}");
        }
    }
    for (name, score) in &tuning {
        hold_to_goal(name, score);
    }
}

/// The seed essay: its half-width punctuation and both typos are found, and nothing that is
/// right is flagged (every finding is punctuation the fix turns full-width, or one of the two
/// typos).
#[test]
fn seed_essay() {
    let path = format!("{}/../../corpus/seed", env!("CARGO_MANIFEST_DIR"));
    let mut texts = Vec::new();
    for entry in std::fs::read_dir(&path).unwrap() {
        texts.push(std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    let text = texts.concat();
    let found = findings(&text);
    let typos: Vec<&str> = found
        .iter()
        .filter(|f| f.code == Code::Typo)
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(typos.len(), 2, "{typos:?}");
    assert!(
        typos[0].contains("产销堵点") && typos[1].contains("种植业"),
        "{typos:?}"
    );
    assert!(
        !found.iter().any(|f| f.code == Code::FormulaWording),
        "{:?}",
        found
            .iter()
            .filter(|f| f.code == Code::FormulaWording)
            .collect::<Vec<_>>()
    );
    // Every half-width , : ; ? ! between Chinese characters is found.
    let chars: Vec<char> = text.chars().collect();
    let han = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
    let mut expected = 0;
    for i in 1..chars.len().saturating_sub(1) {
        if matches!(chars[i], ',' | ':' | ';' | '?' | '!') && han(chars[i - 1]) && han(chars[i + 1])
        {
            expected += 1;
            assert!(
                found
                    .iter()
                    .any(|f| f.code == Code::Punctuation && f.range.contains(&i)),
                "half-width mark at {i} not found"
            );
        }
    }
    assert!(expected > 100, "the seed has many half-width commas");
    // After fixing, no half-width mark is left next to Chinese and the text is otherwise equal.
    let edits = fix::select(&found, fix::SAFE, chars.len());
    let fixed = fix::apply(&text, &edits);
    assert_eq!(
        fixed.chars().filter(|&c| c == '\n').count(),
        text.chars().filter(|&c| c == '\n').count()
    );
    let again = findings(&fixed);
    assert!(
        again
            .iter()
            .filter(|f| f.code == Code::Punctuation)
            .all(|f| f.fixes.is_empty()),
        "{:?}",
        again
            .iter()
            .filter(|f| f.code == Code::Punctuation)
            .take(3)
            .collect::<Vec<_>>()
    );
}

/// Through the analyzer: the settings switch each check off or change its severity, suppression
/// comments silence it, and a formula-wording finding hides a typo on the same span.
#[test]
fn settings_suppression_and_precedence() {
    use essay_core::analysis::Analyzer;
    use essay_core::checks::Severity;

    let text = "打通产销赌点,见附件。\n<!-- essay-lsp-disable punctuation -->\n甲,乙\n<!-- essay-lsp-enable -->\n江山就是人民，人民就是靠山。\n";
    let run = |settings: &Settings| {
        let (analyzer, _) = Analyzer::from_corpus(Corpus::default(), settings);
        analyzer.check(text, settings).findings
    };
    let codes = |findings: &[Finding]| -> Vec<Code> {
        let mut c: Vec<Code> = findings.iter().map(|f| f.code).collect();
        c.sort();
        c
    };
    let all = run(&Settings::default());
    assert_eq!(
        codes(&all),
        [Code::Punctuation, Code::Typo, Code::FormulaWording],
        "{all:?}"
    );
    let settings = Settings {
        disabled: vec![Code::Typo],
        severity: [(Code::Punctuation, Severity::Error)].into_iter().collect(),
        ..Settings::default()
    };
    let some = run(&settings);
    assert_eq!(codes(&some), [Code::Punctuation, Code::FormulaWording]);
    assert!(some
        .iter()
        .filter(|f| f.code == Code::Punctuation)
        .all(|f| f.severity == Severity::Error));

    // The saying's changed word sits on a span a typo could also claim: only the more specific
    // finding is kept.
    let mut findings = vec![
        Finding::new(Code::Typo, 3..4, "typo".to_owned()),
        Finding::new(Code::FormulaWording, 0..6, "formula".to_owned()),
        Finding::new(Code::Punctuation, 3..4, "mark".to_owned()),
    ];
    drop_less_specific(&mut findings);
    assert_eq!(codes(&findings), [Code::Punctuation, Code::FormulaWording]);
}
