//! Quotations verified against their source (引文核校): a quotation that nearly matches a
//! corpus passage — a few characters changed, dropped or added — is found by aligning it with the
//! passage its exact matches point at.

use std::ops::Range;

use super::matching::{overlap, Sources};
use crate::fingerprint::{Index, Match};
use crate::normalize::Normalized;

/// A quotation that nearly matches a corpus passage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Misquote {
    pub essay: usize,
    /// Normalised char range of the quotation in the draft.
    pub draft: Range<usize>,
    /// Normalised char range of the passage it differs from.
    pub source: Range<usize>,
    /// Characters changed, dropped or added (edit distance).
    pub edits: usize,
}

/// Quotations of at least this many normalised chars are verified.
const MIN_QUOTE: usize = 8;
/// Longer quotations are not aligned (the alignment is quadratic).
const MAX_QUOTE: usize = 400;

/// Quotations that nearly match a corpus passage: a few characters changed, dropped or added.
pub(super) fn find_misquotes(
    index: &Index,
    sources: &Sources,
    draft: &Normalized,
    regions: &[Range<usize>],
    matches: &[Match],
) -> Vec<Misquote> {
    // Quotations worth verifying, as normalised ranges, by start.
    let mut quotes: Vec<Range<usize>> = regions
        .iter()
        .map(|r| {
            let qs = draft.origin.partition_point(|&o| (o as usize) < r.start);
            let qe = draft.origin.partition_point(|&o| (o as usize) < r.end);
            qs..qe.max(qs)
        })
        .filter(|q| (MIN_QUOTE..=MAX_QUOTE).contains(&q.len()))
        .collect();
    quotes.sort_by_key(|q| (q.start, q.end));
    quotes.dedup();
    // The matches overlapping each quotation: a quotation is at most MAX_QUOTE long, so one
    // overlapping a match starts less than MAX_QUOTE before it (linear in the matches).
    let mut overlapping: Vec<Vec<&Match>> = vec![Vec::new(); quotes.len()];
    for m in matches {
        let lo = quotes.partition_point(|q| q.start + MAX_QUOTE <= m.draft_start);
        let hi = quotes.partition_point(|q| q.start < m.draft_end());
        for qi in lo..hi {
            if overlap(&quotes[qi], &(m.draft_start..m.draft_end())) > 0 {
                overlapping[qi].push(m);
            }
        }
    }
    let mut out = Vec::new();
    for (quote_range, found) in quotes.iter().zip(&overlapping) {
        let (qs, qe) = (quote_range.start, quote_range.end);
        let q = qe - qs;
        // Candidate sources: essays whose exact matches overlap the quotation, references
        // first, then by how much they cover; each with its best match's diagonal.
        let mut by_essay: Vec<(usize, usize, isize)> = Vec::new();
        for m in found {
            let o = overlap(quote_range, &(m.draft_start..m.draft_end()));
            let diagonal = m.essay_start as isize - m.draft_start as isize;
            let essay = m.essay as usize;
            match by_essay.iter_mut().find(|(e, _, _)| *e == essay) {
                Some(entry) => {
                    if o > entry.1 {
                        entry.2 = diagonal;
                    }
                    entry.1 = entry.1.max(o);
                }
                None => by_essay.push((essay, o, diagonal)),
            }
        }
        by_essay.sort_by(|a, b| {
            sources
                .is_reference(b.0)
                .cmp(&sources.is_reference(a.0))
                .then(b.1.cmp(&a.1))
                .then(a.0.cmp(&b.0))
        });
        let max_edits = (q / 8).clamp(1, 6);
        let quote = &draft.chars[qs..qe];
        for &(essay, _, diagonal) in by_essay.iter().take(3) {
            // One exact match over the whole quotation: an exact quotation, no alignment needed.
            if matches
                .iter()
                .any(|m| m.essay as usize == essay && m.draft_start <= qs && qe <= m.draft_end())
            {
                break;
            }
            let chars = &index.essays[essay].chars;
            let slack = (q / 4).max(4) as isize;
            let from = (qs as isize + diagonal - slack).clamp(0, chars.len() as isize) as usize;
            let to = (qe as isize + diagonal + slack).clamp(0, chars.len() as isize) as usize;
            if from >= to {
                continue;
            }
            let (edits, aligned) = align(quote, &chars[from..to]);
            if edits > max_edits || aligned.is_empty() {
                continue;
            }
            if edits > 0 {
                out.push(Misquote {
                    essay,
                    draft: qs..qe,
                    source: from + aligned.start..from + aligned.end,
                    edits,
                });
            }
            // An exact quotation of the preferred source ends the search too.
            break;
        }
    }
    out
}

/// Semi-global alignment: the fewest characters changed, dropped or added to turn `pattern`
/// into some stretch of `text`, and that stretch. Hand-written because the diff crates align
/// whole sequences, and a quotation is a part of its source.
fn align(pattern: &[char], text: &[char]) -> (usize, Range<usize>) {
    let (m, n) = (pattern.len(), text.len());
    let width = n + 1;
    // d[i][j]: edits turning pattern[..i] into text[s..j] for the best start s.
    let mut d = vec![0u32; (m + 1) * width];
    for i in 1..=m {
        d[i * width] = i as u32;
        for j in 1..=n {
            let sub = d[(i - 1) * width + j - 1] + u32::from(pattern[i - 1] != text[j - 1]);
            let del = d[(i - 1) * width + j] + 1;
            let ins = d[i * width + j - 1] + 1;
            d[i * width + j] = sub.min(del).min(ins);
        }
    }
    let (end, &best) = d[m * width..]
        .iter()
        .enumerate()
        .min_by_key(|&(j, &v)| (v, j))
        .expect("a row");
    // Walk back to where the stretch starts, preferring matches.
    let (mut i, mut j) = (m, end);
    while i > 0 {
        let here = d[i * width + j];
        if j > 0 && here == d[(i - 1) * width + j - 1] + u32::from(pattern[i - 1] != text[j - 1]) {
            i -= 1;
            j -= 1;
        } else if here == d[(i - 1) * width + j] + 1 {
            i -= 1;
        } else {
            j -= 1;
        }
    }
    (best as usize, j..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alignment_finds_the_passage_and_its_edits() {
        let text: Vec<char> = "前文扶贫开发贵在精准重在精准成败之举在于精准后文"
            .chars()
            .collect();
        let exact: Vec<char> = "贵在精准重在精准".chars().collect();
        let (edits, range) = align(&exact, &text);
        assert_eq!(edits, 0);
        assert_eq!(text[range].iter().collect::<String>(), "贵在精准重在精准");
        let changed: Vec<char> = "贵在精准要在精准成败之举在精准".chars().collect();
        let (edits, range) = align(&changed, &text);
        assert_eq!(edits, 2, "one changed, one dropped");
        assert_eq!(
            text[range].iter().collect::<String>(),
            "贵在精准重在精准成败之举在于精准"
        );
        assert_eq!(align(&[], &text).0, 0);
        assert_eq!(align(&exact, &[]).0, exact.len());
    }
}
