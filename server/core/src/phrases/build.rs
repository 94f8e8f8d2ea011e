//! Building the phrase book: the inventory mined from the corpus (`crate::mining::phrases`),
//! the curated list and the glossary's terms, with how the corpus uses every phrase.

use std::collections::HashMap;

use suffix::SuffixTable;

use super::curated;
use super::examples::{Examples, Hit};
use super::{Entry, Follow, PhraseBook, SuggestionKind};
use crate::corpus::Corpus;
use crate::mining::phrases::{mine, Inventory};
use crate::mining::Segmented;
use crate::normalize::{normalize, normalize_str, Normalized};

/// Continuations kept per clause.
const FOLLOWS_PER_CLAUSE: usize = 12;

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

    let mut book_entries: Vec<Entry> = entries
        .into_iter()
        .zip(entry_probes)
        .map(|((key, draft), probe)| {
            let kind = draft.kind.unwrap_or(SuggestionKind::Phrase);
            let u = &usage[probe];
            Entry {
                first: u.first.clone(),
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
                        first: u.first.clone(),
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
        examples: Examples::of(corpus.clone()),
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
