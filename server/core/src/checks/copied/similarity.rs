//! The 复制比 / 引用比 summary a 查重 report gives.

use super::matching::{CopySpan, LeftOut, Matching};
use crate::corpus::Corpus;

/// The originality summary a 查重 report gives.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Similarity {
    /// Normalised characters in the draft.
    pub total_chars: usize,
    /// Normalised characters copied from peer essays without quotation marks, official
    /// wording not counted (复制).
    pub copied_chars: usize,
    /// Normalised characters quoted, or matching a reference document, official wording not
    /// counted (引用).
    pub quoted_chars: usize,
    /// The part of `quoted_chars` that matches reference documents.
    pub reference_chars: usize,
    /// (essay, copied chars credited to it), largest first.
    pub sources: Vec<(usize, usize)>,
    /// (essay, cited chars credited to it), largest first.
    pub cited: Vec<(usize, usize)>,
    /// Official wording inside matched text, left out of the count.
    pub left_out: Vec<LeftOut>,
}

impl Similarity {
    pub fn from_spans(spans: &[CopySpan], total_chars: usize) -> Similarity {
        let mut s = Similarity {
            total_chars,
            ..Similarity::default()
        };
        let add = |list: &mut Vec<(usize, usize)>, essay: usize, len: usize| match list
            .iter_mut()
            .find(|(e, _)| *e == essay)
        {
            Some((_, n)) => *n += len,
            None => list.push((essay, len)),
        };
        for span in spans {
            let len = span.counted;
            if span.quoted || span.reference {
                s.quoted_chars += len;
                if span.reference {
                    s.reference_chars += len;
                }
                add(&mut s.cited, span.essay, len);
            } else {
                s.copied_chars += len;
                add(&mut s.sources, span.essay, len);
            }
        }
        s.sources.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        s.cited.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        s
    }

    /// `from_spans`, with the official wording the matching step left out.
    pub fn from_matching(matching: &Matching, total_chars: usize) -> Similarity {
        let mut s = Similarity::from_spans(&matching.spans, total_chars);
        s.left_out = matching.left_out.clone();
        s
    }

    fn ratio(&self, n: usize) -> f64 {
        if self.total_chars == 0 {
            0.0
        } else {
            n as f64 / self.total_chars as f64
        }
    }

    /// 复制比: copied characters (quotations, references and official wording excluded) / all
    /// characters.
    pub fn copy_ratio(&self) -> f64 {
        self.ratio(self.copied_chars)
    }

    /// 引用比: quoted or reference characters / all characters.
    pub fn quote_ratio(&self) -> f64 {
        self.ratio(self.quoted_chars)
    }

    /// The largest share from one source essay.
    pub fn largest(&self) -> Option<(usize, f64)> {
        self.sources.first().map(|&(e, n)| (e, self.ratio(n)))
    }

    /// `复制比 12.4% · 最大单篇 8.1%《…》 · 引用比 2.0%`
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
            s.push_str(&format!(" · 引用比 {:.1}%", self.quote_ratio() * 100.0));
        }
        s
    }
}
