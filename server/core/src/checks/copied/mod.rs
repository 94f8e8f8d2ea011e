//! `copied-from-corpus`, `quoted-from-corpus`, `from-reference` and `misquoted`: findings for
//! what the matching step (`matching.rs`) found, and the 复制比 / 引用比 summary (`similarity.rs`).
//!
//! Exact matches from the fingerprint index are chained per source essay across small gaps (a
//! changed, inserted or deleted character or two must not split a copied sentence), then each
//! stretch of the draft is credited to one source: a reference document first (citing policy
//! is not copying it from the essay that cited it before), else the essay that explains the most
//! of it. Official wording inside a span (`wording.rs`, and text in several independent corpus
//! documents) does not count; a span left with fewer than the minimum length is dropped.
//! Quotations are aligned with their source and reported when they differ from it (`misquote.rs`).

mod matching;
mod misquote;
mod similarity;

pub use matching::*;
pub use misquote::Misquote;
pub use similarity::Similarity;

use std::ops::Range;

use crate::checks::{Code, Edit, Finding, Fix, Place, Related};
use crate::corpus::{Corpus, Essay, Origin};
use crate::fingerprint::Index;
use crate::normalize::Normalized;

/// The `copied-from-corpus`, `quoted-from-corpus`, `from-reference` and `misquoted` checks:
/// findings for what the analyzer's matching step found.
pub struct Copied;

impl super::Check for Copied {
    fn codes(&self) -> &'static [Code] {
        &[
            Code::CopiedFromCorpus,
            Code::QuotedFromCorpus,
            Code::FromReference,
            Code::Misquoted,
        ]
    }

    fn check(&self, cx: &super::Context<'_>) -> Vec<Finding> {
        let mut out = findings(cx.copies, cx.corpus, cx.index, cx.draft());
        if let Some(matching) = cx.matching {
            out.extend(misquote_findings(
                &matching.misquotes,
                cx.corpus,
                cx.index,
                cx.draft(),
                cx.text,
            ));
        }
        out
    }
}

/// Turns copy spans into findings on the draft (normalised as `draft`); spans inside a
/// misquotation are left to its finding.
pub fn findings(
    spans: &[CopySpan],
    corpus: &Corpus,
    index: &Index,
    draft: &Normalized,
) -> Vec<Finding> {
    spans
        .iter()
        .filter(|span| !span.misquoted)
        .map(|span| {
            let essay = &corpus.essays[span.essay];
            let range = draft.source_range(span.draft.start, span.draft.end);
            let essay_norm = &index.essays[span.essay];
            let essay_range = essay_norm.source_range(span.source.start, span.source.end);
            let excerpt = source_excerpt(&essay.text, essay_range.clone());
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
            let (code, verb) = if span.reference {
                (Code::FromReference, "引用")
            } else if span.quoted {
                (Code::QuotedFromCorpus, "引用")
            } else {
                (Code::CopiedFromCorpus, "重复")
            };
            let place = if span.reference { "文献" } else { "语料" };
            let left_out = span.draft.len().saturating_sub(span.counted);
            let not_counted = if left_out > 0 {
                format!("，其中规范表述 {left_out} 字不计")
            } else {
                String::new()
            };
            let message = format!(
                "与{place}《{}》{verb} {} 字{not_counted}（原文：“{excerpt}”）{also}",
                essay.title, span.matched
            );
            let mut finding = Finding::new(code, range.clone(), message);
            link_source(&mut finding, essay, span.essay, essay_range, place);
            if !span.quoted && !span.reference {
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

/// Links `finding` to the place in a corpus file it was found again, when the essay has a file.
fn link_source(
    finding: &mut Finding,
    essay: &Essay,
    index: usize,
    range: Range<usize>,
    place: &str,
) {
    if let Origin::File(path) = &essay.origin {
        finding.related.push(Related {
            place: Place::File {
                path: path.clone(),
                essay: index,
                range,
            },
            message: format!("{place}原文（{}）", essay.title),
        });
    }
}

/// `misquoted` findings: the quotation, its source's wording, and the source as the fix.
pub fn misquote_findings(
    misquotes: &[Misquote],
    corpus: &Corpus,
    index: &Index,
    draft: &Normalized,
    text: &str,
) -> Vec<Finding> {
    if misquotes.is_empty() {
        return Vec::new();
    }
    let chars: Vec<char> = text.chars().collect();
    misquotes
        .iter()
        .map(|m| {
            let essay = &corpus.essays[m.essay];
            let range = draft.source_range(m.draft.start, m.draft.end);
            let essay_range = index.essays[m.essay].source_range(m.source.start, m.source.end);
            let source: String = essay
                .text
                .chars()
                .skip(essay_range.start)
                .take(essay_range.len())
                .collect();
            let written: String = chars[range.clone()].iter().collect();
            let place = if essay.is_reference() {
                "文献"
            } else {
                "语料"
            };
            let message = format!(
                "引文与{place}《{}》原文有 {} 处不同：引文“{}”，原文“{}”",
                essay.title,
                m.edits,
                elide(&written, 60),
                elide(&source, 60)
            );
            let mut finding = Finding::new(Code::Misquoted, range.clone(), message);
            link_source(&mut finding, essay, m.essay, essay_range, place);
            finding.fixes.push(Fix {
                title: "改为原文".to_owned(),
                edits: vec![Edit {
                    range,
                    new_text: source,
                }],
            });
            finding
        })
        .collect()
}

/// `s`, its middle elided when longer than `max` chars.
fn elide(s: &str, max: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= max {
        return s.to_owned();
    }
    let head = max * 2 / 3;
    let tail = max - head;
    let mut out: String = chars[..head].iter().collect();
    out.push('…');
    out.extend(&chars[chars.len() - tail..]);
    out
}

/// The matched source text itself (its middle elided when long) with a little of what is
/// around it on the same line, for messages: the writer sees what matched.
fn source_excerpt(essay_text: &str, matched: Range<usize>) -> String {
    const CONTEXT: usize = 6;
    const MAX: usize = 40;
    let chars: Vec<char> = essay_text.chars().collect();
    let start = matched.start.min(chars.len());
    let end = matched.end.clamp(start, chars.len());
    let is_break = |c: &char| *c == '\n' || *c == '\r';
    let mut before = start;
    while before > 0 && start - before < CONTEXT && !is_break(&chars[before - 1]) {
        before -= 1;
    }
    let mut after = end;
    while after < chars.len() && after - end < CONTEXT && !is_break(&chars[after]) {
        after += 1;
    }
    let body: String = chars[start..end]
        .iter()
        .map(|&c| if is_break(&c) { ' ' } else { c })
        .collect();
    let mut out = String::new();
    if before > 0 && !is_break(&chars[before - 1]) {
        out.push('…');
    }
    out.extend(&chars[before..start]);
    out.push('【');
    out.push_str(&elide(&body, MAX));
    out.push('】');
    out.extend(&chars[end..after]);
    if after < chars.len() && !is_break(&chars[after]) {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_holds_the_matched_text_with_context() {
        let essay = "第一句话说完了。然后是被抄的这一段文字，后面还有别的内容。\n下一行";
        let chars: Vec<char> = essay.chars().collect();
        let at = essay.chars().position(|c| c == '被').unwrap();
        let excerpt = source_excerpt(essay, at..at + 8);
        let matched: String = chars[at..at + 8].iter().collect();
        assert!(excerpt.contains(&format!("【{matched}】")), "{excerpt}");
        assert!(
            excerpt.starts_with('…') && excerpt.ends_with('…'),
            "{excerpt}"
        );
        // Context stops at a line break.
        let last = essay.chars().position(|c| c == '容').unwrap();
        let at_end = source_excerpt(essay, last..last + 2);
        assert!(at_end.ends_with("容。】"), "{at_end}");
        assert!(!at_end.contains('下'));
    }
}
