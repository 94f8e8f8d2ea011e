//! What the corpus says about each glossary term: in how many essays it occurs, example
//! sentences, and the definitions mined from the essays (`crate::mining::definitions`).
//!
//! Everything here runs once, when the glossary is loaded, so that a hover is a lookup.

use std::collections::HashMap;
use std::ops::Range;

use super::matcher::{Hit, Matcher, NormText};
use super::{CorpusDefinition, Entry, Example};
use crate::mining::words::{Place, WordCounter, WordUsage};
use crate::mining::{definitions, Segmented};
use crate::normalize::normalize_str;
use crate::text::{is_clause_break, is_statement_end};

/// Examples shown per term or word.
pub(crate) const MAX_EXAMPLES: usize = 3;
/// Corpus definitions kept per term.
const MAX_DEFINITIONS: usize = 3;
/// Context kept on each side of the term in an example, in chars.
const SIDE: usize = 30;

/// An essay's text with a sparse char → byte index, so snippets can be cut at hover time
/// without keeping a `Vec<char>` of the whole corpus.
pub(crate) struct EssayText {
    pub title: String,
    text: String,
    /// Byte offset of every `STEP`-th char.
    checkpoints: Vec<usize>,
    len: usize,
}

const STEP: usize = 64;

impl EssayText {
    fn new(title: &str, text: &str) -> EssayText {
        let mut checkpoints = Vec::with_capacity(text.len() / STEP / 2 + 1);
        let mut len = 0;
        for (i, (byte, _)) in text.char_indices().enumerate() {
            if i % STEP == 0 {
                checkpoints.push(byte);
            }
            len = i + 1;
        }
        EssayText {
            title: title.to_owned(),
            text: text.to_owned(),
            checkpoints,
            len,
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        if char_index >= self.len {
            return self.text.len();
        }
        let base = self.checkpoints[char_index / STEP];
        let skip = char_index % STEP;
        self.text[base..]
            .char_indices()
            .nth(skip)
            .map_or(self.text.len(), |(b, _)| base + b)
    }

    fn window(&self, range: Range<usize>) -> Vec<char> {
        self.text[self.byte(range.start)..self.byte(range.end)]
            .chars()
            .collect()
    }
}

pub(crate) struct Analysis {
    pub essays: Vec<EssayText>,
    pub words: HashMap<String, WordUsage>,
}

/// Fills every entry's corpus fields and builds the table of frequent words.
pub(crate) fn analyse(mined: &Segmented<'_>, entries: &mut [Entry], matcher: &Matcher) -> Analysis {
    let corpus = mined.corpus;
    let essays: Vec<EssayText> = corpus
        .essays
        .iter()
        .map(|e| EssayText::new(&e.title, &e.text))
        .collect();
    let expected: Vec<Option<usize>> = entries
        .iter()
        .map(|e| {
            // 新发展理念 announces nothing, its variant 五大发展理念 does; `count` says it outright.
            e.count
                .or_else(|| {
                    std::iter::once(&e.term)
                        .chain(&e.variants)
                        .find_map(|form| super::data::expected_item_count(form))
                })
                .filter(|&n| n >= 2)
        })
        .collect();
    let mut places: Vec<Vec<Place>> = vec![Vec::new(); entries.len()];
    let mut words = WordCounter::new(mined);
    for (id, essay) in corpus.essays.iter().enumerate() {
        let chars: Vec<char> = essay.text.chars().collect();
        let norm = NormText::new(&essay.text);
        let hits = outermost(matcher.find_all(&norm, &chars));
        let shadowed = shadowed(&hits);
        let mut counted = vec![false; entries.len()];
        for (hit, shadowed) in hits.into_iter().zip(shadowed) {
            let entry = &mut entries[hit.entry];
            if !counted[hit.entry] {
                counted[hit.entry] = true;
                entry.essay_count += 1;
            }
            if places[hit.entry].len() < 64 {
                places[hit.entry].push(Place {
                    essay: id,
                    range: hit.range.clone(),
                    shadowed,
                });
            }
            for (kind, text, term, items) in
                definitions::mine(&chars, hit.range.clone(), expected[hit.entry])
            {
                let definition = CorpusDefinition {
                    essay: id,
                    title: essay.title.clone(),
                    kind,
                    text,
                    term,
                    items,
                };
                if masked(&definition.text) {
                    continue;
                }
                let defs = &mut entry.corpus_definitions;
                if defs.len() < MAX_DEFINITIONS && !defs.iter().any(|d| d.text == definition.text) {
                    defs.push(definition);
                }
            }
        }
        words.add(id, &norm);
    }
    for (entry, places) in entries.iter_mut().zip(&places) {
        entry.examples = pick_examples(&essays, places);
        drop_contradicting_definitions(entry);
        // The clearest shapes first: 是指 before 即 before 就是 before lists.
        entry.corpus_definitions.sort_by_key(|d| d.kind);
    }
    Analysis {
        essays,
        words: words.finish(),
    }
}

/// Drops a hit that lies inside another hit of the same entry (两委 inside 村两委).
fn outermost(mut hits: Vec<Hit>) -> Vec<Hit> {
    hits.sort_by(|a, b| {
        (a.entry, a.range.start, std::cmp::Reverse(a.range.end)).cmp(&(
            b.entry,
            b.range.start,
            std::cmp::Reverse(b.range.end),
        ))
    });
    let mut out: Vec<Hit> = Vec::with_capacity(hits.len());
    for hit in hits {
        let inside = out
            .last()
            .is_some_and(|k| k.entry == hit.entry && k.range.end >= hit.range.end);
        if !inside {
            out.push(hit);
        }
    }
    out.sort_by_key(|h| (h.range.start, std::cmp::Reverse(h.range.end)));
    out
}

/// Whether each hit (sorted by start, longest first) lies inside a longer hit of another term:
/// 建档立卡 inside 建档立卡贫困村 is a weaker example of 建档立卡 than the word on its own.
fn shadowed(hits: &[Hit]) -> Vec<bool> {
    let mut furthest = 0;
    hits.iter()
        .enumerate()
        .map(|(i, hit)| {
            let inside = i > 0 && furthest >= hit.range.end;
            furthest = furthest.max(hit.range.end);
            inside
        })
        .collect()
}

/// Up to three example sentences, from different essays first, skipping near-empty ones
/// (headings) and repeats.
pub(crate) fn pick_examples(essays: &[EssayText], places: &[Place]) -> Vec<Example> {
    let mut out: Vec<Example> = Vec::new();
    let mut used: Vec<(usize, usize)> = Vec::new();
    for pass in 0..2 {
        for place in places {
            if out.len() == MAX_EXAMPLES {
                return out;
            }
            let essay = place.essay;
            let first_pass = pass == 0;
            if first_pass && (place.shadowed || out.iter().any(|e| e.essay == essay)) {
                continue;
            }
            // Two hits in one sentence (六个精准 and its spelled-out variant) make one example.
            let near = used
                .iter()
                .any(|&(e, start)| e == essay && start.abs_diff(place.range.start) < SIDE * 2);
            if near {
                continue;
            }
            let example = snippet(&essays[essay], essay, place.range.clone());
            if masked(&example.text) {
                continue;
            }
            let short = example.text.chars().count() < example.term.len() + 8;
            if (first_pass && short) || out.iter().any(|e| e.text == example.text) {
                continue;
            }
            used.push((essay, place.range.start));
            out.push(example);
        }
    }
    out
}

/// Whether a corpus text carries a masked name or placeholder (习**, 习XX, ×××): the scrape
/// hid a name there, and a hover must not show the mask as if it were wording to copy.
pub(crate) fn masked(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    chars.iter().any(|&c| matches!(c, '*' | '＊' | '×' | '✕'))
        || chars
            .windows(2)
            .any(|w| w.iter().all(|&c| matches!(c, 'X' | 'x' | 'Ｘ' | 'ｘ')))
}

/// Drops corpus definitions whose items are not the entry's official items: a county's own
/// "六个精准" (对象、目标、内容 …) must not be shown as what 六个精准 means.
fn drop_contradicting_definitions(entry: &mut Entry) {
    if entry.items.is_empty() {
        return;
    }
    let official: Vec<String> = entry.items.iter().map(|i| normalize_str(i)).collect();
    // An essay may shorten an item (大病集中救治 for 大病集中救治一批); each item must still be
    // part of the official one in the same place, or contain it.
    let agrees = |d: &CorpusDefinition| {
        d.items.len() == official.len()
            && d.items.iter().zip(&official).all(|(item, official)| {
                let item = normalize_str(item);
                official.contains(&item) || item.contains(official.as_str())
            })
    };
    entry
        .corpus_definitions
        .retain(|d| d.items.is_empty() || agrees(d));
}

/// The sentence around `term`, cut to about `SIDE` chars on each side at clause breaks.
fn snippet(essay: &EssayText, id: usize, term: Range<usize>) -> Example {
    let look = SIDE * 3;
    let window_start = term.start.saturating_sub(look);
    let window_end = (term.end + look).min(essay.len);
    let w = essay.window(window_start..window_end);
    let s = term.start - window_start;
    let e = term.end - window_start;

    let mut lead = (0..s)
        .rev()
        .find(|&i| is_statement_end(w[i]))
        .map_or(0, |i| i + 1);
    let mut cut_lead = lead == 0 && window_start > 0;
    if s - lead > SIDE {
        let from = s - SIDE;
        lead = (from..s)
            .find(|&i| is_clause_break(w[i]))
            .map_or(from, |i| i + 1);
        cut_lead = true;
    }
    let (mut trail, mut cut_trail) = match (e..w.len()).find(|&i| is_statement_end(w[i])) {
        Some(i) if w[i] == '\n' || w[i] == '\r' => (i, false),
        Some(i) => (i + 1, false),
        None => (w.len(), window_end < essay.len),
    };
    if trail - e > SIDE {
        let to = e + SIDE;
        trail = (e..to).rev().find(|&i| is_clause_break(w[i])).unwrap_or(to);
        cut_trail = true;
    }
    while lead < s && w[lead].is_whitespace() {
        lead += 1;
    }
    while trail > e && w[trail - 1].is_whitespace() {
        trail -= 1;
    }
    let mut text = String::new();
    let mut offset = 0;
    if cut_lead {
        text.push('…');
        offset = 1;
    }
    text.extend(&w[lead..trail]);
    if cut_trail {
        text.push('…');
    }
    Example {
        essay: id,
        title: essay.title.clone(),
        term: s - lead + offset..e - lead + offset,
        text,
    }
}
