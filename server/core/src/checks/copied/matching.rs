//! The matching step: exact matches from the fingerprint index chained per source essay across
//! small gaps, each stretch credited to one source (a reference document first, else the essay
//! that explains most of it), official wording left out of what counts.

use std::ops::Range;
use std::sync::Arc;

use super::misquote::{find_misquotes, Misquote};
use crate::checks::wording::{Wording, WordingHit, WordingKind};
use crate::corpus::{Corpus, Origin, Role};
use crate::fingerprint::{Index, Match};
use crate::normalize::Normalized;

/// Largest gap, in normalised characters on either side, bridged when chaining matches.
const MAX_GAP: usize = 3;

/// A run of the draft found in at least this many independent corpus documents (different
/// files; the built-in essays of one 篇 count once) is the genre's wording, not one author's
/// text. Chosen on the tune part of `tests/eval/copy` (see `server/core/tests/copy_eval.rs`).
pub const WORDING_MIN_DOCUMENTS: usize = 3;

/// Bits of `Matching::wording`.
pub const FORMULA: u8 = 1;
pub const CORPUS_WORDING: u8 = 2;

/// A stretch of the draft copied from one corpus essay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopySpan {
    pub essay: usize,
    /// Normalised char range in the draft.
    pub draft: Range<usize>,
    /// Normalised char range in the essay.
    pub source: Range<usize>,
    /// Characters that match exactly (the span minus changed characters).
    pub matched: usize,
    /// Inside quotation marks in the draft (give or take an introduction shorter than the
    /// minimum length that the source has too: 指出，“…”): a citation.
    pub quoted: bool,
    /// Other essays that hold the same passage.
    pub also_in: Vec<usize>,
    /// The source is a reference document: a citation of policy.
    pub reference: bool,
    /// Characters of `draft` that count: not official wording.
    pub counted: usize,
    /// Part of a quotation that differs from its source (a `misquoted` finding covers it).
    pub misquoted: bool,
}

/// Official wording inside matched text, left out of the 复制比.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftOut {
    /// As written in its list, or the draft's text for corpus wording.
    pub text: String,
    pub kind: WordingKind,
    /// Occurrences inside matched text.
    pub count: usize,
}

/// What the matching step finds in a draft.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Matching {
    pub spans: Vec<CopySpan>,
    pub misquotes: Vec<Misquote>,
    /// Per normalised draft char: `FORMULA` and/or `CORPUS_WORDING`.
    pub wording: Vec<u8>,
    pub left_out: Vec<LeftOut>,
}

/// What matching needs to know of the corpus beyond the index, built once per corpus.
#[derive(Debug)]
pub struct Sources {
    /// Per essay.
    pub roles: Vec<Role>,
    /// Per essay: its document, for counting independent documents.
    pub documents: Vec<u32>,
    pub wording: Arc<Wording>,
    /// `WORDING_MIN_DOCUMENTS`, settable for measuring it.
    pub min_documents: usize,
}

impl Default for Sources {
    fn default() -> Self {
        Sources {
            roles: Vec::new(),
            documents: Vec::new(),
            wording: Arc::default(),
            min_documents: WORDING_MIN_DOCUMENTS,
        }
    }
}

impl Sources {
    pub fn new(corpus: &Corpus, wording: Arc<Wording>) -> Sources {
        let mut keys: std::collections::HashMap<String, u32> = Default::default();
        let documents = corpus
            .essays
            .iter()
            .map(|e| {
                let key = match &e.origin {
                    Origin::Builtin { file, part, .. } => format!("builtin:{file}:{part}"),
                    Origin::File(path) => format!("file:{}", path.display()),
                };
                let next = keys.len() as u32;
                *keys.entry(key).or_insert(next)
            })
            .collect();
        Sources {
            roles: corpus.essays.iter().map(|e| e.role).collect(),
            documents,
            wording,
            min_documents: WORDING_MIN_DOCUMENTS,
        }
    }

    pub(super) fn is_reference(&self, essay: usize) -> bool {
        self.roles.get(essay) == Some(&Role::Reference)
    }
}

/// Copied spans of at least `min_len` matched characters, without overlaps, longest first
/// credited (every essay a peer, no wording list).
pub fn find_copies(index: &Index, draft: &Normalized, text: &str, min_len: usize) -> Vec<CopySpan> {
    find_copies_skipping(index, draft, text, min_len, &[])
}

/// `find_copies`, ignoring the corpus essays in `skip` (the draft's own file, when it is in
/// the corpus).
pub fn find_copies_skipping(
    index: &Index,
    draft: &Normalized,
    text: &str,
    min_len: usize,
    skip: &[usize],
) -> Vec<CopySpan> {
    find_matching(index, &Sources::default(), draft, text, min_len, skip).spans
}

/// The matching step: copied and cited spans, misquotations and the official wording in them.
pub fn find_matching(
    index: &Index,
    sources: &Sources,
    draft: &Normalized,
    text: &str,
    min_len: usize,
    skip: &[usize],
) -> Matching {
    let mut matches = index.find_matches(&draft.chars);
    if !skip.is_empty() {
        matches.retain(|m| !skip.contains(&(m.essay as usize)));
        // A reference document checked against the corpus is the source, not a copier: the
        // essays that quote it did not lend it their text.
        if skip.iter().any(|&e| sources.is_reference(e)) {
            matches.retain(|m| sources.is_reference(m.essay as usize));
        }
    }
    let hits = sources.wording.find(&draft.chars);
    let wording = wording_mask(sources, draft, &hits, &matches);
    let chains = chain(&matches);
    let left_out = list_left_out(sources, &hits, draft, &wording, &chains);
    let counted = |span: &CopySpan| {
        // A citation of a reference is not held to the corpus' own wording: only the lists.
        let mask = if span.reference {
            FORMULA
        } else {
            FORMULA | CORPUS_WORDING
        };
        span.draft
            .clone()
            .filter(|&i| wording[i] & mask == 0)
            .count()
    };
    // Spans that are official wording (or nearly) are dropped before crediting, so they
    // cannot take the text a longer copy reaches beyond them.
    let mut candidates: Vec<CopySpan> = chains
        .into_iter()
        .filter(|c| c.matched >= min_len)
        .map(|mut c| {
            c.reference = sources.is_reference(c.essay);
            c.counted = counted(&c);
            c
        })
        .filter(|c| c.counted >= min_len)
        .collect();
    candidates.sort_by(|a, b| {
        b.reference
            .cmp(&a.reference)
            .then(b.matched.cmp(&a.matched))
            .then(a.draft.start.cmp(&b.draft.start))
            .then(a.essay.cmp(&b.essay))
    });

    let mut accepted: Vec<CopySpan> = Vec::new();
    for candidate in candidates {
        // The parts no span credited before explains, that still count on their own.
        let mut parts = Vec::new();
        for piece in uncovered(&candidate.draft, accepted.iter().map(|a| &a.draft)) {
            if piece.len() < min_len {
                continue;
            }
            let shift_start = piece.start - candidate.draft.start;
            let shift_end = candidate.draft.end - piece.end;
            let matched = candidate
                .matched
                .saturating_sub(candidate.draft.len() - piece.len())
                .min(piece.len());
            if matched < min_len {
                continue;
            }
            let mut part = candidate.clone();
            part.matched = matched;
            part.source = candidate.source.start + shift_start
                ..candidate.source.end.saturating_sub(shift_end);
            part.draft = piece;
            part.counted = counted(&part);
            // Gaps make the source side of a chain longer or shorter than the draft side; a
            // piece whose source side vanishes has nothing to point at.
            if part.counted >= min_len && !part.source.is_empty() {
                parts.push(part);
            }
        }
        if parts.is_empty() {
            // Another source of a passage already credited: named beside it.
            if let Some(twin) = accepted
                .iter_mut()
                .filter(|a| overlap(&a.draft, &candidate.draft) * 2 >= candidate.draft.len())
                .max_by_key(|a| overlap(&a.draft, &candidate.draft))
            {
                if twin.essay != candidate.essay && !twin.also_in.contains(&candidate.essay) {
                    twin.also_in.push(candidate.essay);
                }
            }
        }
        accepted.extend(parts);
    }

    let regions = quote_regions(text);
    let in_quote = quoted_chars(draft, &regions);
    for span in &mut accepted {
        let inside = span.draft.clone().filter(|&i| in_quote[i]).count();
        let outside = span.draft.len() - inside;
        span.quoted = inside > 0 && outside < min_len && outside <= inside;
        span.also_in.sort_unstable();
    }
    accepted.sort_by_key(|s| s.draft.start);

    // A quotation with an ellipsis leaves words out on purpose: not verified.
    let ellipses: Vec<usize> = text
        .chars()
        .enumerate()
        .filter(|&(_, c)| c == '…' || c == '⋯')
        .map(|(i, _)| i)
        .collect();
    let verified: Vec<Range<usize>> = regions
        .iter()
        .filter(|r| {
            let at = ellipses.partition_point(|&e| e < r.start);
            ellipses.get(at).is_none_or(|&e| e >= r.end)
        })
        .cloned()
        .collect();
    let misquotes = find_misquotes(index, sources, draft, &verified, &matches);
    for span in &mut accepted {
        span.misquoted = span.quoted
            && misquotes
                .iter()
                .any(|m| overlap(&m.draft, &span.draft) * 2 >= span.draft.len().min(m.draft.len()));
    }
    Matching {
        spans: accepted,
        misquotes,
        wording,
        left_out,
    }
}

/// Per normalised draft char: inside a known wording (`FORMULA`), or in a run that at least
/// `WORDING_MIN_DOCUMENTS` independent documents hold (`CORPUS_WORDING`).
fn wording_mask(
    sources: &Sources,
    draft: &Normalized,
    hits: &[WordingHit],
    matches: &[Match],
) -> Vec<u8> {
    let n = draft.len();
    let mut mask = vec![0u8; n];
    for hit in hits {
        mask[hit.range.clone()]
            .iter_mut()
            .for_each(|m| *m |= FORMULA);
    }
    if sources.documents.is_empty() || matches.is_empty() {
        return mask;
    }
    // Each document's matched draft ranges, merged, then counted per char with a difference
    // array. `matches` come by essay and then draft start, and a document's essays are
    // consecutive (a file is one essay; a built-in 篇 holds consecutive essays), so a document's
    // ranges come together and need sorting only when it has several essays: linear in the
    // matches and the draft, no sort on the hot path.
    let mut diff = vec![0i32; n + 1];
    let mut group: Vec<(usize, usize)> = Vec::new();
    let mut flush = |group: &mut Vec<(usize, usize)>, several: bool| {
        if several {
            group.sort_unstable();
        }
        let mut current: Option<(usize, usize)> = None;
        for &(start, end) in group.iter() {
            match current {
                Some((s, e)) if start <= e => current = Some((s, e.max(end))),
                _ => {
                    if let Some((s, e)) = current {
                        diff[s] += 1;
                        diff[e] -= 1;
                    }
                    current = Some((start, end));
                }
            }
        }
        if let Some((s, e)) = current {
            diff[s] += 1;
            diff[e] -= 1;
        }
        group.clear();
    };
    let document = |m: &Match| sources.documents.get(m.essay as usize).copied();
    let mut at: Option<(Option<u32>, u32)> = None; // (document, first essay)
    let mut several = false;
    for m in matches {
        let doc = document(m);
        match at {
            Some((d, first)) if d == doc => several |= m.essay != first,
            _ => {
                flush(&mut group, several);
                several = false;
                at = Some((doc, m.essay));
            }
        }
        if doc.is_some() {
            group.push((m.draft_start, m.draft_end()));
        }
    }
    flush(&mut group, several);
    let mut count = 0;
    let mut run_start = None;
    for i in 0..=n {
        count += diff[i];
        let shared = i < n && count as usize >= sources.min_documents.max(1);
        match (shared, run_start) {
            (true, None) => run_start = Some(i),
            (false, Some(start)) => {
                // Wording is phrase-sized; a whole sentence that several documents share is a
                // widely copied passage (a 范文 passed around), and copying it is still copying.
                if i - start <= MAX_CORPUS_WORDING_CHARS {
                    mask[start..i].iter_mut().for_each(|m| *m |= CORPUS_WORDING);
                }
                run_start = None;
            }
            _ => {}
        }
    }
    mask
}

/// The longest run, in normalised chars, that counts as corpus wording when several documents
/// share it: the genre's set phrases are shorter (在以习近平同志为核心的党中央坚强领导下 is 19).
const MAX_CORPUS_WORDING_CHARS: usize = 24;

/// The official wording inside matched text (any chain of exact matches), which the counts
/// leave out: each formula occurrence once (the longest where they nest), and runs of corpus
/// wording inside text matching peer essays. Most frequent first.
fn list_left_out(
    sources: &Sources,
    hits: &[WordingHit],
    draft: &Normalized,
    wording: &[u8],
    chains: &[CopySpan],
) -> Vec<LeftOut> {
    let mut out: Vec<LeftOut> = Vec::new();
    if chains.is_empty() {
        return out;
    }
    // Per char: matched (FORMULA), matched in a peer essay (CORPUS_WORDING).
    let mut matched = vec![0u8; draft.len()];
    for c in chains {
        let bits = if sources.is_reference(c.essay) {
            FORMULA
        } else {
            FORMULA | CORPUS_WORDING
        };
        matched[c.draft.clone()].iter_mut().for_each(|m| *m |= bits);
    }
    let mut add = |text: String, kind: WordingKind| match out.iter_mut().find(|l| l.text == text) {
        Some(l) => l.count += 1,
        None => out.push(LeftOut {
            text,
            kind,
            count: 1,
        }),
    };
    // `hits` are by start, longer first: a hit ending within the reach of an earlier one is
    // nested in it.
    let mut reach = 0;
    for h in hits {
        if h.range.end <= reach {
            continue;
        }
        reach = h.range.end;
        if matched[h.range.clone()].iter().all(|&m| m & FORMULA != 0) {
            let (text, kind) = sources.wording.entry(h.entry);
            add(text.to_owned(), kind);
        }
    }
    let mut i = 0;
    while i < draft.len() {
        let pure = |i: usize| wording[i] == CORPUS_WORDING && matched[i] & CORPUS_WORDING != 0;
        if pure(i) {
            let start = i;
            while i < draft.len() && pure(i) {
                i += 1;
            }
            // Runs shorter than a k-gram are the edges of formulas, not phrases of their own.
            if i - start >= crate::fingerprint::K {
                add(draft.chars[start..i].iter().collect(), WordingKind::Corpus);
            }
        } else {
            i += 1;
        }
    }
    out.sort_by(|a, b| b.count.cmp(&a.count).then(a.text.cmp(&b.text)));
    out
}

/// Per normalised draft char: inside one of `regions` (source char ranges).
pub(super) fn quoted_chars(draft: &Normalized, regions: &[Range<usize>]) -> Vec<bool> {
    let mut out = vec![false; draft.len()];
    for r in regions {
        let from = draft.origin.partition_point(|&o| (o as usize) < r.start);
        let to = draft.origin.partition_point(|&o| (o as usize) < r.end);
        out[from..to].iter_mut().for_each(|q| *q = true);
    }
    out
}

/// Chains exact matches of the same essay that follow each other across small gaps.
/// `matches` are sorted by essay, draft start and essay start (`Index::find_matches` gives them so).
fn chain(matches: &[Match]) -> Vec<CopySpan> {
    debug_assert!(matches
        .windows(2)
        .all(|w| (w[0].essay, w[0].draft_start, w[0].essay_start)
            <= (w[1].essay, w[1].draft_start, w[1].essay_start)));
    let mut out: Vec<CopySpan> = Vec::new();
    for &m in matches {
        let essay = m.essay as usize;
        if let Some(last) = out.last_mut() {
            let continues = last.essay == essay
                && m.draft_start <= last.draft.end + MAX_GAP
                && m.draft_end() > last.draft.end
                && m.essay_start + MAX_GAP >= last.source.end
                && m.essay_start <= last.source.end + MAX_GAP;
            if continues {
                let overlap = last.draft.end.saturating_sub(m.draft_start);
                last.matched += m.len - overlap.min(m.len);
                last.draft.end = m.draft_end();
                last.source.end = last.source.end.max(m.essay_end());
                continue;
            }
            // A shorter match inside the previous one, on another diagonal, adds nothing.
            if last.essay == essay && m.draft_end() <= last.draft.end {
                continue;
            }
        }
        out.push(CopySpan {
            essay,
            draft: m.draft_start..m.draft_end(),
            source: m.essay_start..m.essay_end(),
            matched: m.len,
            quoted: false,
            also_in: Vec::new(),
            reference: false,
            counted: m.len,
            misquoted: false,
        });
    }
    out
}

pub(super) fn overlap(a: &Range<usize>, b: &Range<usize>) -> usize {
    a.end.min(b.end).saturating_sub(a.start.max(b.start))
}

/// The parts of `range` that no range of `covered` overlaps.
fn uncovered<'a>(
    range: &Range<usize>,
    covered: impl Iterator<Item = &'a Range<usize>>,
) -> Vec<Range<usize>> {
    let mut cuts: Vec<Range<usize>> = covered.filter(|c| overlap(c, range) > 0).cloned().collect();
    cuts.sort_by_key(|c| c.start);
    let mut out = Vec::new();
    let mut cursor = range.start;
    for cut in cuts.iter().chain(std::iter::once(&(range.end..range.end))) {
        let free = cursor..cut.start.clamp(cursor, range.end);
        if !free.is_empty() {
            out.push(free);
        }
        // A cut may reach past the range's end; the cursor must not (clamp needs min <= max).
        cursor = cursor.max(cut.end).min(range.end);
    }
    out
}

/// Char ranges of the draft inside quotation marks (the marks excluded).
pub fn quote_regions(text: &str) -> Vec<Range<usize>> {
    let mut regions = Vec::new();
    let mut open: Vec<(char, usize)> = Vec::new();
    let mut ascii_open: Option<usize> = None;
    for (i, c) in text.chars().enumerate() {
        match c {
            '“' | '「' | '『' | '‘' => open.push((c, i + 1)),
            '”' | '」' | '』' | '’' => {
                let opener = match c {
                    '”' => '“',
                    '」' => '「',
                    '』' => '『',
                    _ => '‘',
                };
                if let Some(at) = open.iter().rposition(|(o, _)| *o == opener) {
                    let (_, start) = open[at];
                    open.truncate(at);
                    regions.push(start..i);
                }
            }
            '"' => match ascii_open.take() {
                Some(start) => regions.push(start..i),
                None => ascii_open = Some(i + 1),
            },
            // Quotes do not run across paragraphs; an unclosed one is a typo, not a citation.
            '\n' | '\r' => {
                open.clear();
                ascii_open = None;
            }
            _ => {}
        }
    }
    regions
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sentence in three independent documents is the genre's wording; in two it is a copy.
    #[test]
    fn runs_in_several_independent_documents_are_wording() {
        let shared = "把群众的小事当作自己的大事来办，一件一件抓落实";
        let build = |docs: usize| {
            let mut corpus = Corpus::default();
            for i in 0..docs {
                corpus.push(
                    format!("peer{i}"),
                    format!("第{i}篇自己的话各不相同{i}{i}。{shared}。结尾也是第{i}篇独有的内容。"),
                    Origin::File(format!("peer{i}.txt").into()),
                );
            }
            // One file holding the sentence twice is still one document.
            corpus.push(
                "twice".to_owned(),
                format!("{shared}。中间隔开一些别的文字。{shared}。"),
                Origin::File("twice.txt".into()),
            );
            let index = Index::build(corpus.essays.iter().map(|e| e.text.as_str()));
            (Sources::new(&corpus, Arc::default()), index)
        };
        let text = format!("我的体会是{shared}。");
        let draft = crate::normalize::normalize(&text);
        let (sources, index) = build(1);
        let m = find_matching(&index, &sources, &draft, &text, 13, &[]);
        assert_eq!(m.spans.len(), 1, "two documents: a copy");
        assert!(m.left_out.is_empty());
        let (sources, index) = build(2);
        let m = find_matching(&index, &sources, &draft, &text, 13, &[]);
        assert!(m.spans.is_empty(), "three documents: wording");
        assert_eq!(m.left_out.len(), 1);
        assert_eq!(m.left_out[0].kind, WordingKind::Corpus);
        assert!(m.wording.contains(&CORPUS_WORDING));
    }

    #[test]
    fn uncovered_keeps_every_free_part() {
        assert_eq!(
            uncovered(&(0..30), [5..10, 20..25].iter()),
            [0..5, 10..20, 25..30]
        );
        assert_eq!(
            uncovered(&(0..10), std::iter::once(&(0..40))),
            Vec::<Range<usize>>::new()
        );
    }
}
