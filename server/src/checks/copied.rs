//! `copied-from-corpus` / `quoted-from-corpus`, and the 复制比 summary.
//!
//! Exact matches from the fingerprint index are chained per source essay across small gaps (a
//! changed, inserted or deleted character or two must not split a copied sentence), then each
//! stretch of the draft is credited to the one source that explains the most of it.

use std::ops::Range;

use crate::checks::{Code, Edit, Finding, Fix, Place, Related};
use crate::corpus::{Corpus, Origin};
use crate::fingerprint::{Index, Match};
use crate::normalize::{is_sentence_end, Normalized};

/// Largest gap, in normalised characters on either side, bridged when chaining matches.
const MAX_GAP: usize = 3;

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
    /// Inside quotation marks in the draft: a citation.
    pub quoted: bool,
    /// Other essays that hold the same passage.
    pub also_in: Vec<usize>,
}

/// Copied spans of at least `min_len` matched characters, without overlaps, longest first
/// credited.
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
    let mut matches = index.find_matches(&draft.chars);
    if !skip.is_empty() {
        matches.retain(|m| !skip.contains(&(m.essay as usize)));
    }
    let chains = chain(matches);
    let mut candidates: Vec<CopySpan> = chains
        .into_iter()
        .filter(|c| c.matched >= min_len)
        .collect();
    candidates.sort_by(|a, b| {
        b.matched
            .cmp(&a.matched)
            .then(a.draft.start.cmp(&b.draft.start))
            .then(a.essay.cmp(&b.essay))
    });

    let mut accepted: Vec<CopySpan> = Vec::new();
    for mut candidate in candidates {
        if let Some(twin) = accepted
            .iter_mut()
            .find(|a| overlap(&a.draft, &candidate.draft) * 2 >= candidate.draft.len())
        {
            if twin.essay != candidate.essay && !twin.also_in.contains(&candidate.essay) {
                twin.also_in.push(candidate.essay);
            }
            continue;
        }
        // Partly explained by a longer span: keep the longest uncovered part, if it still counts.
        let uncovered = longest_uncovered(&candidate.draft, accepted.iter().map(|a| &a.draft));
        if uncovered.len() < min_len {
            continue;
        }
        let shift_start = uncovered.start - candidate.draft.start;
        let shift_end = candidate.draft.end - uncovered.end;
        candidate.matched = candidate
            .matched
            .saturating_sub(shift_start + shift_end)
            .min(uncovered.len());
        if candidate.matched < min_len {
            continue;
        }
        candidate.source =
            candidate.source.start + shift_start..candidate.source.end.saturating_sub(shift_end);
        candidate.draft = uncovered;
        accepted.push(candidate);
    }

    let quotes = quote_regions(text);
    for span in &mut accepted {
        let source = draft.source_range(span.draft.start, span.draft.end);
        span.quoted = quotes
            .iter()
            .any(|q| q.start <= source.start && source.end <= q.end);
        span.also_in.sort_unstable();
    }
    accepted.sort_by_key(|s| s.draft.start);
    accepted
}

/// Chains exact matches of the same essay that follow each other across small gaps.
fn chain(mut matches: Vec<Match>) -> Vec<CopySpan> {
    matches.sort_by_key(|m| (m.essay, m.draft_start, m.essay_start));
    let mut out: Vec<CopySpan> = Vec::new();
    for m in matches {
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
        });
    }
    out
}

fn overlap(a: &Range<usize>, b: &Range<usize>) -> usize {
    a.end.min(b.end).saturating_sub(a.start.max(b.start))
}

fn longest_uncovered<'a>(
    range: &Range<usize>,
    covered: impl Iterator<Item = &'a Range<usize>>,
) -> Range<usize> {
    let mut cuts: Vec<Range<usize>> = covered.filter(|c| overlap(c, range) > 0).cloned().collect();
    cuts.sort_by_key(|c| c.start);
    let mut best = range.start..range.start;
    let mut cursor = range.start;
    for cut in cuts.iter().chain(std::iter::once(&(range.end..range.end))) {
        let free = cursor..cut.start.clamp(cursor, range.end);
        if free.len() > best.len() {
            best = free;
        }
        // A cut may reach past the range's end; the cursor must not (clamp needs min <= max).
        cursor = cursor.max(cut.end).min(range.end);
    }
    best
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

/// The `copied-from-corpus` and `quoted-from-corpus` checks: findings for the spans the
/// analyzer's matching step found.
pub struct Copied;

impl super::Check for Copied {
    fn codes(&self) -> &'static [Code] {
        &[Code::CopiedFromCorpus, Code::QuotedFromCorpus]
    }

    fn check(&self, cx: &super::Context<'_>) -> Vec<Finding> {
        findings(cx.copies, cx.corpus, cx.index, cx.draft())
    }
}

/// Turns copy spans into findings on the draft (normalised as `draft`).
pub fn findings(
    spans: &[CopySpan],
    corpus: &Corpus,
    index: &Index,
    draft: &Normalized,
) -> Vec<Finding> {
    spans
        .iter()
        .map(|span| {
            let essay = &corpus.essays[span.essay];
            let range = draft.source_range(span.draft.start, span.draft.end);
            let essay_norm = &index.essays[span.essay];
            let essay_range = essay_norm.source_range(span.source.start, span.source.end);
            let excerpt = source_excerpt(&essay.text, essay_range.start);
            let also = match span.also_in.len() {
                0 => String::new(),
                n => format!(
                    "；另见《{}》{}",
                    corpus.essays[span.also_in[0]].title,
                    if n > 1 {
                        format!("等 {n} 篇")
                    } else {
                        String::new()
                    }
                ),
            };
            let (code, verb) = if span.quoted {
                (Code::QuotedFromCorpus, "引用")
            } else {
                (Code::CopiedFromCorpus, "重复")
            };
            let message = format!(
                "与语料《{}》{verb} {} 字（原文：“{excerpt}”）{also}",
                essay.title, span.matched
            );
            let mut finding = Finding::new(code, range.clone(), message);
            if let Origin::File(path) = &essay.origin {
                finding.related.push(Related {
                    place: Place::File {
                        path: path.clone(),
                        essay: span.essay,
                        range: essay_range,
                    },
                    message: format!("语料原文（{}）", essay.title),
                });
            }
            if !span.quoted {
                finding.fixes.push(Fix {
                    title: "标为引用（加引号）".to_owned(),
                    edits: vec![
                        Edit {
                            range: range.start..range.start,
                            new_text: "“".to_owned(),
                        },
                        Edit {
                            range: range.end..range.end,
                            new_text: "”".to_owned(),
                        },
                    ],
                });
            }
            finding
        })
        .collect()
}

/// The beginning of the source sentence holding char `at` of `essay_text`, for messages.
fn source_excerpt(essay_text: &str, at: usize) -> String {
    const MAX: usize = 24;
    let chars: Vec<char> = essay_text.chars().collect();
    let mut start = at.min(chars.len());
    while start > 0 && !is_sentence_end(chars[start - 1]) && at - start < 60 {
        start -= 1;
    }
    // Skip what closes the previous sentence (”」 and the like) and leading spaces.
    while start < chars.len() && !chars[start].is_alphanumeric() && chars[start] != '“' {
        start += 1;
    }
    let end = (start + MAX).min(chars.len());
    let mut excerpt: String = chars[start..end]
        .iter()
        .take_while(|c| **c != '\n' && **c != '\r')
        .collect();
    if end < chars.len() && excerpt.chars().count() == MAX {
        excerpt.push('…');
    }
    excerpt
}

/// The originality summary a 查重 report gives.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Similarity {
    /// Normalised characters in the draft.
    pub total_chars: usize,
    /// Normalised characters copied without quotation marks.
    pub copied_chars: usize,
    /// Normalised characters copied inside quotation marks.
    pub quoted_chars: usize,
    /// (essay, copied chars credited to it), largest first.
    pub sources: Vec<(usize, usize)>,
}

impl Similarity {
    pub fn from_spans(spans: &[CopySpan], total_chars: usize) -> Similarity {
        let mut s = Similarity {
            total_chars,
            ..Similarity::default()
        };
        for span in spans {
            let len = span.draft.len();
            if span.quoted {
                s.quoted_chars += len;
            } else {
                s.copied_chars += len;
                match s.sources.iter_mut().find(|(e, _)| *e == span.essay) {
                    Some((_, n)) => *n += len,
                    None => s.sources.push((span.essay, len)),
                }
            }
        }
        s.sources.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        s
    }

    fn ratio(&self, n: usize) -> f64 {
        if self.total_chars == 0 {
            0.0
        } else {
            n as f64 / self.total_chars as f64
        }
    }

    /// 复制比: copied characters (quotations excluded) / all characters.
    pub fn copy_ratio(&self) -> f64 {
        self.ratio(self.copied_chars)
    }

    pub fn quote_ratio(&self) -> f64 {
        self.ratio(self.quoted_chars)
    }

    /// The largest share from one source essay.
    pub fn largest(&self) -> Option<(usize, f64)> {
        self.sources.first().map(|&(e, n)| (e, self.ratio(n)))
    }

    /// `复制比 12.4% · 最大单篇 8.1%《…》 · 引用 2.0%`
    pub fn summary(&self, corpus: &Corpus) -> String {
        let mut s = format!("复制比 {:.1}%", self.copy_ratio() * 100.0);
        if let Some((essay, ratio)) = self.largest() {
            s.push_str(&format!(
                " · 最大单篇 {:.1}%《{}》",
                ratio * 100.0,
                corpus.essays[essay].title
            ));
        }
        if self.quoted_chars > 0 {
            s.push_str(&format!(" · 引用 {:.1}%", self.quote_ratio() * 100.0));
        }
        s
    }
}
