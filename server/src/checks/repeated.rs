//! `repeated-in-document`: the same passage written twice in one draft.

use std::collections::HashMap;
use std::ops::Range;

use crate::checks::{Code, Edit, Finding, Fix, Place, Related};
use crate::fingerprint::{kgram_hashes, K};
use crate::normalize::{is_clause_break, Normalized};

/// Occurrences of one k-gram beyond this many are not paired (a slogan repeated 50 times is
/// reported through its first pairs already, and pairing all would be quadratic).
const MAX_OCCURRENCES: usize = 16;

/// Passages of at least `min_len` normalised chars that occur more than once in the draft; each
/// occurrence is one finding pointing at the others.
pub fn check(draft: &Normalized, text: &str, min_len: usize) -> Vec<Finding> {
    let chars = &draft.chars;
    let min_len = min_len.max(K);
    let mut seen: HashMap<u64, Vec<usize>> = HashMap::new();
    let mut reached: HashMap<usize, usize> = HashMap::new(); // diagonal → draft end reached
                                                             // Pairs of (earlier, later) occurrences, normalised ranges.
    let mut pairs: Vec<(Range<usize>, Range<usize>)> = Vec::new();
    for (i, hash) in kgram_hashes(chars).into_iter().enumerate() {
        let earlier = seen.entry(hash).or_default();
        for &j in earlier.iter() {
            let diagonal = i - j;
            if reached.get(&diagonal).is_some_and(|&end| end > i) {
                continue;
            }
            if chars[j..j + K] != chars[i..i + K] {
                continue;
            }
            let (mut a, mut b) = (j, i);
            while a > 0 && chars[a - 1] == chars[b - 1] {
                a -= 1;
                b -= 1;
            }
            let mut end = i + K;
            while end < chars.len() && chars[end - diagonal] == chars[end] {
                end += 1;
            }
            reached.insert(diagonal, end);
            // Overlapping occurrences ("一二一二一二…") count only their non-overlapping part.
            let len = (end - b).min(diagonal);
            if len >= min_len {
                pairs.push((a..a + len, b..b + len));
            }
        }
        if earlier.len() < MAX_OCCURRENCES {
            earlier.push(i);
        }
    }

    // One finding per distinct occurrence, related to every other occurrence of it.
    let mut occurrences: Vec<(Range<usize>, Vec<Range<usize>>)> = Vec::new();
    for (a, b) in pairs {
        for (this, other) in [(a.clone(), b.clone()), (b, a)] {
            match occurrences.iter_mut().find(|(r, _)| *r == this) {
                Some((_, others)) => {
                    if !others.contains(&other) {
                        others.push(other)
                    }
                }
                None => occurrences.push((this, vec![other])),
            }
        }
    }
    occurrences.sort_by_key(|(r, _)| r.start);

    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(
            text.chars()
                .enumerate()
                .filter(|(_, c)| *c == '\n')
                .map(|(i, _)| i + 1),
        )
        .collect();
    let line_of = |offset: usize| line_starts.partition_point(|&s| s <= offset);
    let text_chars: Vec<char> = text.chars().collect();

    occurrences
        .into_iter()
        .map(|(range, others)| {
            let source = draft.source_range(range.start, range.end);
            let mut other_sources: Vec<Range<usize>> = others
                .iter()
                .map(|o| draft.source_range(o.start, o.end))
                .collect();
            other_sources.sort_by_key(|r| r.start);
            let this_line = line_of(source.start);
            let lines: Vec<String> = other_sources
                .iter()
                .map(|r| match line_of(r.start) {
                    line if line != this_line => format!("第 {line} 行"),
                    _ if r.start < source.start => "本行前文".to_owned(),
                    _ => "本行后文".to_owned(),
                })
                .collect();
            let message = format!("本文重复 {} 字（另见{}）", range.len(), lines.join("、"));
            let mut finding = Finding::new(Code::RepeatedInDocument, source.clone(), message);
            finding.related = other_sources
                .iter()
                .map(|r| Related {
                    place: Place::Draft(r.clone()),
                    message: "重复的另一处".to_owned(),
                })
                .collect();
            // Offer deletion on the later occurrences: the first one is the one to keep.
            if other_sources.iter().any(|r| r.start < source.start) {
                finding.fixes.push(Fix {
                    title: "删除这处重复".to_owned(),
                    edits: vec![Edit {
                        range: deletion_range(&text_chars, source),
                        new_text: String::new(),
                    }],
                });
            }
            finding
        })
        .collect()
}

/// The span, plus the clause mark after it when the span is a whole clause, so deleting it does
/// not leave "，，" behind.
fn deletion_range(chars: &[char], span: Range<usize>) -> Range<usize> {
    let starts_clause = span.start == 0 || is_clause_break(chars[span.start - 1]);
    let next = chars.get(span.end).copied();
    match next {
        Some(c) if starts_clause && is_clause_break(c) && c != '\n' && c != '\r' => {
            span.start..span.end + 1
        }
        _ => span,
    }
}
