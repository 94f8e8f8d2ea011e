//! The batch report of `essay-lsp check --cross` / `--format html`: every essay checked against
//! its corpus (and, with `--cross`, against the others), ranked worst first. The cross-check is
//! `essay_core::batch`; this file runs it and prints the result as text, JSON or HTML.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{json, Value};

use essay_core::batch::{
    candidate_pairs, ratio, BatchIndex, BatchReport, CorpusSource, EssayResult, Pair, Source,
    Submission,
};
use essay_core::context::CorpusKey;
use essay_core::document::{Document, PositionEncoding};

use super::{write_output, Analyzers, Essay, Format, Options};

/// Sources listed per essay in the text summary.
const SOURCES_SHOWN: usize = 3;

/// Runs the batch and writes its report; whether any essay holds copied text.
pub fn run(
    options: &Options,
    essays: Vec<Essay>,
    analyzers: &mut Analyzers,
) -> Result<bool, String> {
    let submissions: Vec<Submission> = essays
        .iter()
        .map(|e| Submission {
            name: e.shown.clone(),
            path: e.path.clone(),
            text: e.text.clone(),
            paragraphs: e.paragraphs,
        })
        .collect();
    // Essays with the same corpus settings are checked against one index.
    let mut groups: Vec<(CorpusKey, Vec<usize>)> = Vec::new();
    for (i, essay) in essays.iter().enumerate() {
        let key = CorpusKey::of(&essay.settings);
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, members)) => members.push(i),
            None => groups.push((key, vec![i])),
        }
    }
    // Built first (the build needs `&mut`), then shared by the groups' indexes.
    for (_, members) in &groups {
        analyzers.get(&essays[members[0]].settings);
    }
    let indexes: Vec<BatchIndex> = groups
        .iter()
        .map(|(key, _)| {
            let analyzer = &analyzers.built[key];
            BatchIndex::new(analyzer, &submissions, options.cross)
        })
        .collect();
    let mut group_of = vec![0; essays.len()];
    for (g, (_, members)) in groups.iter().enumerate() {
        for &i in members {
            group_of[i] = g;
        }
    }
    let mut results: Vec<EssayResult> = vec![EssayResult::default(); essays.len()];
    let mut corpus: Vec<CorpusSource> = Vec::new();
    let mut corpus_ids: HashMap<CorpusSource, usize> = HashMap::new();
    let total = essays.len();
    let done = AtomicUsize::new(0);
    let bar = crate::progress_bar::Bar::stderr();
    for ((_, members), index) in groups.iter().zip(&indexes) {
        let checked = essay_core::parallel::map(
            members,
            |&i| essays[i].text.len(),
            |&i| {
                let result = index.check(i, &essays[i].text, &essays[i].settings);
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                bar.count(n, total, format!("互查 {n}/{total} 篇"));
                result
            },
        );
        // Corpus ids are the group's; the report numbers its corpus sources once for all.
        let mut global = |id: usize| {
            let essay = &index.analyzer.corpus.essays[id];
            let source = CorpusSource {
                title: essay.title.clone(),
                origin: essay.describe_origin(),
            };
            *corpus_ids.entry(source.clone()).or_insert_with(|| {
                corpus.push(source);
                corpus.len() - 1
            })
        };
        for (&i, mut result) in members.iter().zip(checked) {
            let mut remap = |s: Source| match s {
                Source::Corpus(id) => Source::Corpus(global(id)),
                other => other,
            };
            for (source, _) in &mut result.sources {
                *source = remap(*source);
            }
            for passage in &mut result.passages {
                passage.source = remap(passage.source);
                for other in &mut passage.also_in {
                    *other = remap(*other);
                }
            }
            results[i] = result;
        }
    }
    // Each pair that shares text, matched in both directions against the other alone.
    let candidates = candidate_pairs(&results);
    let shared = |x: usize, y: usize| {
        indexes[group_of[x]].shared(x, &essays[x].text, &essays[x].settings, &results[x], y)
    };
    let pairs: Vec<Pair> = essay_core::parallel::map(
        &candidates,
        |_| 1,
        |&(a, b)| Pair::new(a, b, &shared(a, b), &shared(b, a)),
    )
    .into_iter()
    .filter(|p| p.shared() > 0)
    .collect();
    bar.finish();
    let copied = results.iter().any(|r| r.copied_chars > 0);
    drop(indexes);
    let report = BatchReport::new(submissions, results, corpus, options.cross, pairs);
    let out = match options.format {
        Format::Text => text(&report),
        Format::Json => serde_json::to_string_pretty(&to_json(&report)).expect("json") + "\n",
        Format::Html => essay_core::html_report::render(&report),
    };
    write_output(options.output.as_deref(), &out)?;
    Ok(copied)
}

fn percent(r: f64) -> String {
    format!("{:.1}%", r * 100.0)
}

/// The summary for a terminal: the ranked essays with their largest sources, then the pairs.
fn text(report: &BatchReport) -> String {
    let mut out = format!(
        "复制比排名（{} 篇，{}，最严重的在前）\n",
        report.essays.len(),
        if report.cross {
            "与语料及其他各篇比对"
        } else {
            "与语料比对"
        }
    );
    for (rank, &i) in report.ranking.iter().enumerate() {
        let r = &report.results[i];
        out.push_str(&format!(
            "{:>3}. {}  复制比 {}  引用比 {}",
            rank + 1,
            report.essays[i].name,
            percent(r.copy_ratio()),
            percent(r.quote_ratio())
        ));
        if !r.sources.is_empty() {
            let shown: Vec<String> = r
                .sources
                .iter()
                .take(SOURCES_SHOWN)
                .map(|&(s, n)| {
                    format!(
                        "{} {}",
                        report.source_name(s),
                        percent(ratio(n, r.total_chars))
                    )
                })
                .collect();
            let more = r.sources.len().saturating_sub(SOURCES_SHOWN);
            out.push_str(&format!("  来源：{}", shown.join("，")));
            if more > 0 {
                out.push_str(&format!(" 等 {} 处", r.sources.len()));
            }
        }
        out.push('\n');
    }
    if report.cross {
        if report.pairs.is_empty() {
            out.push_str("\n各篇之间未发现重复段落。\n");
        } else {
            out.push_str(&format!(
                "\n相互重复的文稿（{} 对，重复最多的在前）\n",
                report.pairs.len()
            ));
            for (rank, p) in report.pairs.iter().enumerate() {
                let (ra, rb) = (&report.results[p.a], &report.results[p.b]);
                out.push_str(&format!(
                    "{:>3}. {} ↔ {}  共有 {} 字，{} 处（占前者 {}，后者 {}）\n",
                    rank + 1,
                    report.essays[p.a].name,
                    report.essays[p.b].name,
                    p.shared(),
                    p.passages.len(),
                    percent(ratio(p.chars_in_a, ra.total_chars)),
                    percent(ratio(p.chars_in_b, rb.total_chars)),
                ));
            }
        }
    }
    out
}

/// The JSON report; its schema is documented in README.md (“批量报告的 JSON”).
fn to_json(report: &BatchReport) -> Value {
    let source_json = |s: Source| match s {
        Source::Corpus(id) => json!({
            "kind": "corpus",
            "title": report.corpus[id].title,
            "origin": report.corpus[id].origin,
        }),
        Source::Essay(id) => json!({"kind": "essay", "path": report.essays[id].name}),
    };
    let essays: Vec<Value> = report
        .ranking
        .iter()
        .enumerate()
        .map(|(rank, &i)| {
            let essay = &report.essays[i];
            let r = &report.results[i];
            let doc = Document::new(&essay.text, PositionEncoding::Utf32);
            let sources: Vec<Value> = r
                .sources
                .iter()
                .map(|&(s, n)| {
                    let mut v = source_json(s);
                    v["chars"] = json!(n);
                    v["ratio"] = json!(ratio(n, r.total_chars));
                    v
                })
                .collect();
            let passages: Vec<Value> = r
                .passages
                .iter()
                .map(|p| {
                    let start = doc.position(p.range.start);
                    let mut source = source_json(p.source);
                    if let Source::Essay(id) = p.source {
                        let other = Document::new(&report.essays[id].text, PositionEncoding::Utf32);
                        let at = other.position(p.source_range.start);
                        source["line"] = json!(at.line + 1);
                        source["column"] = json!(at.character + 1);
                    }
                    source["codePointOffsets"] = json!([p.source_range.start, p.source_range.end]);
                    source["text"] = json!(p.source_text);
                    json!({
                        "line": start.line + 1,
                        "column": start.character + 1,
                        "codePointOffsets": [p.range.start, p.range.end],
                        "chars": p.chars,
                        "quoted": p.quoted,
                        "source": source,
                        "alsoIn": p.also_in.iter().map(|&s| source_json(s)).collect::<Vec<_>>(),
                    })
                })
                .collect();
            json!({
                "rank": rank + 1,
                "path": essay.name,
                "lines": if essay.paragraphs { "paragraphs" } else { "lines" },
                "denominatorChars": r.total_chars,
                "copiedChars": r.copied_chars,
                "quotedChars": r.quoted_chars,
                "copyRatio": r.copy_ratio(),
                "quoteRatio": r.quote_ratio(),
                "sources": sources,
                "passages": passages,
            })
        })
        .collect();
    let pairs: Vec<Value> = report
        .pairs
        .iter()
        .map(|p| {
            json!({
                "a": report.essays[p.a].name,
                "b": report.essays[p.b].name,
                "sharedChars": p.shared(),
                "charsInA": p.chars_in_a,
                "charsInB": p.chars_in_b,
                "ratioInA": ratio(p.chars_in_a, report.results[p.a].total_chars),
                "ratioInB": ratio(p.chars_in_b, report.results[p.b].total_chars),
                "passages": p.passages.iter().map(|(ra, rb)| json!({
                    "a": {"codePointOffsets": [ra.start, ra.end]},
                    "b": {"codePointOffsets": [rb.start, rb.end]},
                    "text": essay_core::batch::char_slice(&report.essays[p.a].text, ra.clone()),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({"cross": report.cross, "essays": essays, "pairs": pairs})
}
