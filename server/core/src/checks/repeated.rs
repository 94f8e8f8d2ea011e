//! `repeated-in-document`: the same passage written twice in one draft.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use crate::checks::{Code, Edit, Finding, Fix, Place, Related};
use crate::fingerprint::{kgram_hashes, FastMap, K};
use crate::normalize::Normalized;
use crate::text::is_clause_break;

/// Occurrences of one k-gram beyond this many are not paired (a slogan repeated 50 times is
/// reported through its first pairs already, and pairing all would be quadratic).
const MAX_OCCURRENCES: usize = 16;

/// Other occurrences related to one finding; the message counts the rest.
const MAX_RELATED: usize = MAX_OCCURRENCES;

struct Occurrence {
    range: Range<usize>,
    /// The first `MAX_RELATED` other occurrences.
    others: Vec<Range<usize>>,
    /// All other occurrences.
    total: usize,
    /// One of them comes before this one.
    has_earlier: bool,
}

/// Passages of at least `min_len` normalised chars that occur more than once in the draft; each
/// occurrence is one finding pointing at the others.
/// The `repeated-in-document` check.
pub struct Repeated;

impl super::Check for Repeated {
    fn codes(&self) -> &'static [Code] {
        &[Code::RepeatedInDocument]
    }

    fn check(&self, cx: &super::Context<'_>) -> Vec<Finding> {
        let wording = cx.matching.map_or(&[][..], |m| &m.wording[..]);
        check_with_wording(cx.draft(), cx.text, cx.settings.min_match_chars, wording)
    }
}

pub fn check(draft: &Normalized, text: &str, min_len: usize) -> Vec<Finding> {
    check_with_wording(draft, text, min_len, &[])
}

/// `check`, not counting the normalised chars `wording` marks (official wording, non-zero): a
/// repetition must have `min_len` other characters to be reported.
pub fn check_with_wording(
    draft: &Normalized,
    text: &str,
    min_len: usize,
    wording: &[u8],
) -> Vec<Finding> {
    let counted = |r: Range<usize>| {
        r.filter(|&i| wording.get(i).is_none_or(|&w| w == 0))
            .count()
    };
    let chars = &draft.chars;
    let min_len = min_len.max(K);
    let hashes = kgram_hashes(chars);
    // Most k-grams of a draft occur once and can pair with nothing: only those seen twice get a
    // list of occurrences.
    let mut counts: FastMap<u64, u32> = FastMap::default();
    counts.reserve(hashes.len());
    for &hash in &hashes {
        *counts.entry(hash).or_default() += 1;
    }
    let mut seen: FastMap<u64, Vec<usize>> = FastMap::default();
    // Diagonal → how far along the draft a found repetition already reaches.
    let mut reached: FastMap<usize, usize> = FastMap::default();
    // Pairs of (earlier, later) occurrences, normalised ranges.
    let mut pairs: Vec<(Range<usize>, Range<usize>)> = Vec::new();
    for (i, &hash) in hashes.iter().enumerate() {
        if counts[&hash] < 2 {
            continue;
        }
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
            if len >= min_len && counted(a..a + len).min(counted(b..b + len)) >= min_len {
                pairs.push((a..a + len, b..b + len));
            }
        }
        if earlier.len() < MAX_OCCURRENCES {
            earlier.push(i);
        }
    }

    // One finding per distinct occurrence, related to the other occurrences of it (at most
    // MAX_RELATED named; a huge draft of near-identical lines has thousands). Hash lookups keep
    // this linear in the number of pairs.
    let mut occurrences: Vec<Occurrence> = Vec::new();
    let mut by_range: HashMap<(usize, usize), usize> = HashMap::new();
    let mut seen_pairs: HashSet<(usize, usize, usize, usize)> = HashSet::new();
    for (a, b) in pairs {
        for (this, other) in [(a.clone(), b.clone()), (b, a)] {
            if !seen_pairs.insert((this.start, this.end, other.start, other.end)) {
                continue;
            }
            let at = *by_range.entry((this.start, this.end)).or_insert_with(|| {
                occurrences.push(Occurrence {
                    range: this.clone(),
                    others: Vec::new(),
                    total: 0,
                    has_earlier: false,
                });
                occurrences.len() - 1
            });
            let occurrence = &mut occurrences[at];
            occurrence.total += 1;
            occurrence.has_earlier |= other.start < this.start;
            if occurrence.others.len() < MAX_RELATED {
                occurrence.others.push(other);
            }
        }
    }
    occurrences.sort_by_key(|o| o.range.start);

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
        .map(|occurrence| {
            let Occurrence {
                range,
                others,
                total,
                has_earlier,
            } = occurrence;
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
            let more = if total > lines.len() {
                format!("等 {total} 处")
            } else {
                String::new()
            };
            let message = format!(
                "本文重复 {} 字（另见{}{more}）",
                range.len(),
                lines.join("、")
            );
            let mut finding = Finding::new(Code::RepeatedInDocument, source.clone(), message);
            finding.related = other_sources
                .iter()
                .map(|r| Related {
                    place: Place::Draft(r.clone()),
                    message: "重复的另一处".to_owned(),
                })
                .collect();
            // Offer deletion on the later occurrences: the first one is the one to keep.
            if has_earlier {
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
