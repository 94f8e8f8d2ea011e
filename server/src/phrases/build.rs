//! Building the phrase book: the inventory mined from the corpus (`crate::mining::phrases`),
//! the curated list and the glossary's terms, with how the corpus uses every phrase.

use std::collections::HashMap;

use suffix::SuffixTable;

use super::curated;
use super::{Entry, Follow, PhraseBook, SuggestionKind};
use crate::corpus::{Corpus, Origin};
use crate::mining::phrases::{mine, Inventory};
use crate::mining::Segmented;
use crate::normalize::{normalize, normalize_str, Normalized};
use crate::text::{escape_markdown, is_sentence_end};

/// Continuations kept per clause.
const FOLLOWS_PER_CLAUSE: usize = 12;
/// Context kept on each side of a phrase in an example sentence.
const EXAMPLE_CONTEXT_CHARS: usize = 36;

/// Where a probe first occurs: essay, char range in its text.
#[derive(Debug, Clone)]
struct Hit {
    essay: usize,
    start: usize,
    end: usize,
}

#[derive(Debug, Default, Clone)]
struct Usage {
    essays: u32,
    count: u32,
    first: Option<Hit>,
}

pub(super) fn build(corpus: &Segmented<'_>, terms: impl FnOnce() -> Vec<String>) -> PhraseBook {
    let mut b = mine(corpus);
    for formula in curated::parse(crate::builtin::text("phrases.txt").lines()) {
        b.add_group(&formula.clauses, &formula.seps, true);
    }
    for term in terms() {
        b.add_entry(&term, SuggestionKind::Term, None);
    }
    finish(b, corpus.corpus)
}

/// Measures every phrase and continuation in the corpus and freezes the inventory.
fn finish(inventory: Inventory, corpus: &Corpus) -> PhraseBook {
    let Inventory {
        entries,
        mut follows,
        mut vocab,
        earlier,
        ..
    } = inventory;
    // After a clause of a curated chain, the corpus's continuations that go back to an
    // earlier clause of the chain are dropped (学史崇德、→ 学史力行, never 学史明理).
    for (key, list) in follows.iter_mut() {
        if let Some(before) = earlier.get(key) {
            list.retain(|f| f.curated || !before.contains(&normalize_str(&f.text)));
        }
    }
    // Every text whose usage is reported, measured in one pass over the normalised corpus.
    let mut probes: Vec<String> = Vec::new();
    let mut probe_ids: HashMap<String, usize> = HashMap::new();
    let mut probe_id = |text: &str| -> usize {
        if let Some(&id) = probe_ids.get(text) {
            return id;
        }
        probes.push(text.to_owned());
        probe_ids.insert(text.to_owned(), probes.len() - 1);
        probes.len() - 1
    };
    let entry_probes: Vec<usize> = entries.keys().map(|k| probe_id(k)).collect();
    let follow_probes: Vec<Vec<usize>> = follows
        .values()
        .map(|list| list.iter().map(|f| probe_id(&f.probe)).collect())
        .collect();
    let usage = measure(corpus, &probes);
    let texts = EssayChars::of(corpus);

    let mut book_entries: Vec<Entry> = entries
        .into_iter()
        .zip(entry_probes)
        .map(|((key, draft), probe)| {
            let kind = draft.kind.unwrap_or(SuggestionKind::Phrase);
            let u = &usage[probe];
            Entry {
                detail: detail(kind, u),
                documentation: documentation(&texts, u, &draft.text),
                key,
                text: draft.text,
                kind,
                snippet: draft.snippet,
                essays: u.essays,
                count: u.count,
            }
        })
        .collect();
    book_entries.sort_by(|a, b| a.key.cmp(&b.key));
    vocab.extend(book_entries.iter().map(|e| e.key.clone()));

    let mut book_follows = HashMap::with_capacity(follows.len());
    for ((key, list), probes) in follows.into_iter().zip(follow_probes) {
        let mut ranked: Vec<(usize, Follow)> = list
            .into_iter()
            .zip(probes)
            .enumerate()
            .map(|(n, (f, probe))| {
                let u = &usage[probe];
                (
                    n,
                    Follow {
                        key: normalize_str(&f.text),
                        curated: f.curated,
                        detail: detail(f.kind, u),
                        documentation: documentation(&texts, u, &f.text),
                        text: f.text,
                        sep: f.sep,
                        kind: f.kind,
                        order: f.order,
                        snippet: f.snippet,
                        essays: u.essays,
                        count: u.count,
                    },
                )
            })
            .collect();
        // The curated chains' own continuations first, so the cut never drops them.
        ranked.sort_by_key(|(n, f)| {
            (
                std::cmp::Reverse(f.curated),
                std::cmp::Reverse(f.essays),
                std::cmp::Reverse(f.count),
                f.order,
                *n,
            )
        });
        ranked.truncate(FOLLOWS_PER_CLAUSE);
        book_follows.insert(key, ranked.into_iter().map(|(_, f)| f).collect());
    }
    PhraseBook {
        entries: book_entries,
        follows: book_follows,
        vocab,
    }
}

/// Counts every probe (normalised text) in every essay: overlapping occurrences, essays, and
/// the first occurrence.
///
/// A suffix table of the whole normalised corpus answers each probe with a binary search: the
/// probes (thousands) outnumber what an automaton over them would save on a corpus this size
/// (at most `MINING_BUDGET_CHARS`), and building that automaton was a third of the book's build.
fn measure(corpus: &Corpus, probes: &[String]) -> Vec<Usage> {
    let mut usage = vec![Usage::default(); probes.len()];
    let norms: Vec<Normalized> = corpus.essays.iter().map(|e| normalize(&e.text)).collect();
    // The essays one after the other, each closed by a line break: no probe holds one, so no
    // match spans two essays.
    let mut text = String::new();
    let mut essay_starts = Vec::with_capacity(norms.len());
    for norm in &norms {
        essay_starts.push(text.len() as u32);
        text.extend(norm.chars.iter());
        text.push('\n');
    }
    let table = SuffixTable::new(text.as_str());
    let essay_at = |byte: u32| essay_starts.partition_point(|&s| s <= byte) - 1;
    let mut essays = Vec::new();
    for (probe, u) in probes.iter().zip(&mut usage) {
        if probe.is_empty() || probe.contains('\n') {
            continue;
        }
        let positions = table.positions(probe);
        let Some(&first) = positions.iter().min() else {
            continue;
        };
        essays.clear();
        essays.extend(positions.iter().map(|&p| essay_at(p)));
        essays.sort_unstable();
        essays.dedup();
        u.count = positions.len() as u32;
        u.essays = essays.len() as u32;
        let index = essay_at(first);
        let from = essay_starts[index] as usize;
        let start = text[from..first as usize].chars().count();
        let range = norms[index].source_range(start, start + probe.chars().count());
        u.first = Some(Hit {
            essay: corpus.essays[index].id,
            start: range.start,
            end: range.end,
        });
    }
    usage
}

fn detail(kind: SuggestionKind, u: &Usage) -> String {
    if u.essays == 0 {
        format!("{} · 语料未见", kind.label_zh())
    } else if u.count > u.essays {
        format!("{} · 语料 {} 篇 {} 次", kind.label_zh(), u.essays, u.count)
    } else {
        format!("{} · 语料 {} 篇", kind.label_zh(), u.essays)
    }
}

/// Each essay's chars and where its lines start, made once for every example sentence: an
/// example cut out of a freshly collected essay per phrase made mining quadratic.
struct EssayChars<'c> {
    corpus: &'c Corpus,
    chars: Vec<Vec<char>>,
    /// Char offsets just after each `\n` of the essay.
    line_starts: Vec<Vec<usize>>,
}

impl<'c> EssayChars<'c> {
    fn of(corpus: &'c Corpus) -> EssayChars<'c> {
        let chars: Vec<Vec<char>> = corpus
            .essays
            .iter()
            .map(|e| e.text.chars().collect())
            .collect();
        let line_starts = chars
            .iter()
            .map(|cs| {
                cs.iter()
                    .enumerate()
                    .filter(|&(_, &c)| c == '\n')
                    .map(|(i, _)| i + 1)
                    .collect()
            })
            .collect();
        EssayChars {
            corpus,
            chars,
            line_starts,
        }
    }
}

/// An example sentence with the phrase in bold, and where it comes from.
fn documentation(texts: &EssayChars<'_>, u: &Usage, text: &str) -> Option<String> {
    let Some(hit) = &u.first else {
        return Some(format!(
            "**{}**\n\n常用提法（essay-lsp 整理），参考语料中未见。",
            escape_markdown(text)
        ));
    };
    let essay = texts.corpus.essays.get(hit.essay)?;
    let chars: &[char] = texts.chars.get(hit.essay)?;
    let mut from = hit.start;
    while from > 0 && hit.start - from < EXAMPLE_CONTEXT_CHARS && !is_sentence_end(chars[from - 1])
    {
        from -= 1;
    }
    let mut to = hit.end;
    while to < chars.len() && to - hit.end < EXAMPLE_CONTEXT_CHARS && !is_sentence_end(chars[to]) {
        to += 1;
    }
    if to < chars.len() && matches!(chars[to], '。' | '！' | '？' | '!' | '?') {
        to += 1;
    }
    let piece = |a: usize, b: usize| escape_markdown(chars[a..b].iter().collect::<String>().trim());
    let lead = if from > 0 && !is_sentence_end(chars[from - 1]) {
        "…"
    } else {
        ""
    };
    let trail = if to < chars.len() && !is_sentence_end(chars[to - 1]) {
        "…"
    } else {
        ""
    };
    let line = texts.line_starts[hit.essay].partition_point(|&s| s <= hit.start) as u32;
    let place = match &essay.origin {
        Origin::Builtin {
            part, first_line, ..
        } => format!("内置语料{part}，原文第 {} 行", first_line + line),
        Origin::File(path) => format!("{}，第 {} 行", path.display(), line + 1),
    };
    Some(format!(
        "> {lead}{}**{}**{}{trail}\n\n——《{}》（{place}）",
        piece(from, hit.start),
        piece(hit.start, hit.end),
        piece(hit.end, to),
        escape_markdown(&essay.title),
    ))
}
