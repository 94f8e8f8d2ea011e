//! Corpus mining, in one place for every miner: the glossary's definitions and word usage
//! (`definitions`, `words`), the phrase book's inventory (`phrases`), the 套话 check's corpus
//! stock phrases (`stock`).
//!
//! Each essay is segmented once (`Segmented`, with `crate::segment::words`, which knows the
//! built-in essays' segmentation ahead of time) and the words are handed to every miner that
//! needs them (`stock` tags parts of speech with jieba itself: these words carry no tags).
//! Sentences and clauses are split here, on the character classes of `crate::text`;
//! a miner names the sentence boundary it uses (`text::is_sentence_end` for the phrase book,
//! `text::is_statement_end` for definitions, where `；` closes a statement).

pub(crate) mod clauses;
pub(crate) mod definitions;
pub(crate) mod phrases;
pub mod stock;
pub(crate) mod words;

use std::ops::Range;

use crate::corpus::{Corpus, Essay};
use clauses::{full_width_punct, is_clause_punct, trim_clause};

/// The corpus with every essay's words, segmented once for all miners.
pub struct Segmented<'c> {
    pub corpus: &'c Corpus,
    /// `words[i]`: the words of `corpus.essays[i]` with their char ranges.
    words: Vec<Vec<(Range<usize>, &'c str)>>,
}

impl<'c> Segmented<'c> {
    /// Segments every essay of `corpus` (jieba, or the built-in essays' precomputed cut).
    pub fn of(corpus: &'c Corpus) -> Segmented<'c> {
        let words = corpus
            .essays
            .iter()
            .map(|e| crate::segment::words(&e.text))
            .collect();
        Segmented { corpus, words }
    }

    /// Each essay with its words, in corpus order.
    pub(crate) fn essays(&self) -> impl Iterator<Item = (&'c Essay, &[(Range<usize>, &'c str)])> {
        self.corpus
            .essays
            .iter()
            .zip(self.words.iter().map(Vec::as_slice))
    }
}

/// End of the sentence searched from `from`: past its final punctuation, before a line break.
/// `is_end` is the miner's sentence boundary.
pub(crate) fn sentence_end(chars: &[char], from: usize, is_end: fn(char) -> bool) -> usize {
    match (from..chars.len()).find(|&i| is_end(chars[i])) {
        Some(i) if chars[i] == '\n' || chars[i] == '\r' => i,
        Some(i) => i + 1,
        None => chars.len(),
    }
}

/// A sentence split into clauses, each with the punctuation that joins it to the next one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Clause<'a> {
    /// The clause as written, between punctuation marks (may still carry quotation marks).
    pub raw: &'a str,
    /// Full-width punctuation after it when another clause of the same sentence follows.
    pub sep: Option<char>,
}

/// Splits `text` into sentences at `is_end`, and each sentence into clauses.
///
/// A half-width `.` ends a sentence unless it sits between two digits (4.55万).
pub(crate) fn sentences(text: &str, is_end: fn(char) -> bool) -> Vec<Vec<Clause<'_>>> {
    let mut out = Vec::new();
    let mut sentence: Vec<Clause<'_>> = Vec::new();
    let mut clause_start = 0;
    let mut prev: Option<char> = None;
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        let next = iter.peek().map(|&(_, n)| n);
        let dot_ends = c == '.'
            && !(prev.is_some_and(|p| p.is_ascii_digit())
                && next.is_some_and(|n| n.is_ascii_digit()));
        if is_clause_punct(c) && !(c == ':' && next == Some('/')) {
            sentence.push(Clause {
                raw: &text[clause_start..i],
                sep: Some(full_width_punct(c)),
            });
            clause_start = i + c.len_utf8();
        } else if is_end(c) || dot_ends {
            sentence.push(Clause {
                raw: &text[clause_start..i],
                sep: None,
            });
            clause_start = i + c.len_utf8();
            out.push(std::mem::take(&mut sentence));
        }
        prev = Some(c);
    }
    sentence.push(Clause {
        raw: &text[clause_start..],
        sep: None,
    });
    out.push(sentence);
    for sentence in &mut out {
        // Empty clauses come from runs of punctuation ("……", "。”"); they join nothing.
        let mut cleaned: Vec<Clause<'_>> = Vec::with_capacity(sentence.len());
        for clause in sentence.drain(..) {
            if trim_clause(clause.raw).is_empty() {
                if let Some(last) = cleaned.last_mut() {
                    last.sep = None;
                }
                continue;
            }
            cleaned.push(clause);
        }
        *sentence = cleaned;
    }
    out.retain(|s| !s.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::is_sentence_end;

    #[test]
    fn splits_sentences_and_clauses_with_their_punctuation() {
        let s = sentences(
            "强调:“小康不小康,关键看老乡。”下一句、再一句4.55万人. 完",
            is_sentence_end,
        );
        let raw: Vec<Vec<(&str, Option<char>)>> = s
            .iter()
            .map(|s| s.iter().map(|c| (c.raw, c.sep)).collect())
            .collect();
        assert_eq!(
            raw,
            vec![
                vec![
                    ("强调", Some('：')),
                    ("“小康不小康", Some('，')),
                    ("关键看老乡", None)
                ],
                vec![("”下一句", Some('、')), ("再一句4.55万人", None)],
                vec![(" 完", None)],
            ]
        );
    }

    #[test]
    fn a_sentence_ends_where_the_miner_says() {
        let chars: Vec<char> = "一是甲；二是乙。\n三".chars().collect();
        assert_eq!(sentence_end(&chars, 0, is_sentence_end), 8);
        assert_eq!(sentence_end(&chars, 0, crate::text::is_statement_end), 4);
        assert_eq!(sentence_end(&chars, 8, is_sentence_end), 8);
        assert_eq!(sentence_end(&chars, 9, is_sentence_end), 10);
    }
}
