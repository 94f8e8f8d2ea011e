//! `formulaic-phrase`: empty sentences and paragraphs (套话).
//!
//! A sentence is judged as a whole, weighing both sides (`sentence`): how much of it is stock
//! frames and empty words, how much information it carries (quantities, titles, names, and any
//! word no list knows). Official formulas, official names and glossary terms count as neither:
//! 在以习近平同志为核心的党中央坚强领导下，各项工作取得显著成效 is empty for what follows the
//! formula. A paragraph that is mostly empty sentences gets a finding of its own, and the share
//! of empty text in the document goes beside the 复制比 ([`share`]).
//!
//! The vocabulary (`lexicon`) comes from data files in `corpus/` and from the corpus itself
//! (`crate::mining::stock`): stock phrases recurring across the reference essays. Everything is matched with
//! one Aho–Corasick automaton over folded text, without jieba, which may still be loading when
//! the first diagnostics are due. Findings depend on their line alone (the analyzer caches them
//! per line).

mod lexicon;
mod sentence;
#[cfg(test)]
mod tests;

use std::ops::Range;
use std::sync::{Arc, OnceLock};

use crate::checks::{Code, Finding};
use crate::corpus::Corpus;
use crate::normalize::Normalized;

pub use crate::mining::stock::corpus_phrases;
/// How phrases and drafts are folded before matching (the miner needs the same).
pub(crate) use lexicon::{fold, is_particle, TABLE as LEXICON_TABLE};
pub use sentence::{MAX_RESIDUAL, MIN_CONTENT, MIN_FILLER, PARAGRAPH_MIN_EMPTY, PARAGRAPH_SHARE};

use lexicon::Lexicon;

/// The curated stock phrases, data file relative to `corpus/`.
const STOCK_PHRASES: &str = "stock-phrases.txt";

/// Builds (or reads) the built-in lexicon that every `StockPhrases` starts from.
pub(super) fn prepare() {
    Lexicon::prepare();
}

/// Where a stock phrase came from (for tests and debugging; messages do not say).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Source {
    List,
    Corpus,
    Extra,
}

/// The formulaic check; build once per corpus and settings, then `check` any number of drafts.
#[derive(Debug, Clone)]
pub struct StockPhrases {
    lexicon: Lexicon,
}

impl StockPhrases {
    /// Curated list + recurring corpus phrases + the writer's `extra` phrases.
    pub fn build(corpus: &Corpus, extra: &[String]) -> StockPhrases {
        StockPhrases::with_corpus_phrases(corpus_phrases(corpus), extra)
    }

    /// `build`, with the corpus phrases already known (`corpus_phrases` of the corpus): mining
    /// them needs jieba, which takes a while to load.
    pub fn with_corpus_phrases(corpus_phrases: Vec<String>, extra: &[String]) -> StockPhrases {
        // After the built-in list (`Lexicon::builtin_with`).
        let mut entries: Vec<(String, Source)> = corpus_phrases
            .into_iter()
            .map(|p| (p, Source::Corpus))
            .collect();
        entries.extend(
            extra
                .iter()
                .map(|p| p.trim())
                .filter(|p| !p.is_empty())
                .map(|p| (p.to_owned(), Source::Extra)),
        );
        StockPhrases {
            lexicon: Lexicon::builtin_with(entries),
        }
    }

    /// Number of distinct phrases, by source.
    pub fn count(&self, source: Source) -> usize {
        self.lexicon
            .phrases()
            .filter(|p| p.source == source)
            .count()
    }

    /// The phrases of one source as written (corpus phrases are computed, so worth listing).
    pub fn phrases_from(&self, source: Source) -> Vec<&str> {
        self.lexicon
            .phrases()
            .filter(|p| p.source == source)
            .map(|p| p.display.as_str())
            .collect()
    }

    /// Findings for the empty sentences of `text` and its mostly empty paragraphs (lines).
    pub fn check(&self, text: &str) -> Vec<Finding> {
        sentence::check(&self.lexicon, text)
    }
}

impl super::Check for StockPhrases {
    fn codes(&self) -> &'static [Code] {
        &[Code::FormulaicPhrase]
    }

    fn check(&self, cx: &super::Context<'_>) -> Vec<Finding> {
        StockPhrases::check(self, cx.text)
    }
}

/// The formulaic check while its corpus phrases are still being mined on another thread: it
/// waits for them when it first checks a line, and runs after the other checks
/// (`Check::waits`), so that a first check of a corpus overlaps the mining.
pub struct LateStock {
    stock: Arc<OnceLock<Option<StockPhrases>>>,
}

impl LateStock {
    /// The check, and `build` started on a thread of its own to make what it checks with.
    pub fn building(build: impl FnOnce() -> StockPhrases + Send + 'static) -> LateStock {
        let stock = Arc::new(OnceLock::new());
        let slot = Slot(stock.clone());
        std::thread::spawn(move || {
            let _ = slot.0.set(Some(build()));
        });
        LateStock { stock }
    }
}

/// Where the built phrases go; left empty by a build that panicked, so that the check panics
/// too instead of waiting for ever.
struct Slot(Arc<OnceLock<Option<StockPhrases>>>);

impl Drop for Slot {
    fn drop(&mut self) {
        let _ = self.0.set(None);
    }
}

impl super::Check for LateStock {
    fn codes(&self) -> &'static [Code] {
        &[Code::FormulaicPhrase]
    }

    fn check(&self, cx: &super::Context<'_>) -> Vec<Finding> {
        let stock = self.stock.wait().as_ref();
        stock
            .expect("mining the corpus stock phrases failed")
            .check(cx.text)
    }

    fn waits(&self) -> bool {
        self.stock.get().is_none()
    }

    fn wait(&self) {
        self.stock.wait();
    }
}

/// How much of a document is empty sentences, counted like the 复制比: normalised characters
/// (punctuation and spaces left out).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Share {
    /// Normalised characters in the draft.
    pub total_chars: usize,
    /// Normalised characters inside sentences reported as 套话.
    pub formulaic_chars: usize,
}

impl Share {
    pub fn ratio(&self) -> f64 {
        self.formulaic_chars as f64 / self.total_chars.max(1) as f64
    }

    /// `套话 12.5%`, for the code lens and the CLI.
    pub fn summary(&self) -> String {
        format!("套话 {:.1}%", self.ratio() * 100.0)
    }
}

/// The share of `draft` (the normalised text the findings' ranges point into) covered by the
/// sentence findings among `findings`. Paragraph findings (those pointing at their sentences)
/// are left out: their sentences are counted already.
pub fn share(draft: &Normalized, findings: &[Finding]) -> Share {
    let mut ranges: Vec<Range<usize>> = findings
        .iter()
        .filter(|f| f.code == Code::FormulaicPhrase && f.related.is_empty())
        .map(|f| f.range.clone())
        .collect();
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut formulaic_chars = 0;
    let mut covered_to = 0;
    for r in ranges {
        let start = r.start.max(covered_to);
        if start >= r.end {
            continue;
        }
        let from = draft.origin.partition_point(|&o| (o as usize) < start);
        let to = draft.origin.partition_point(|&o| (o as usize) < r.end);
        formulaic_chars += to - from;
        covered_to = r.end;
    }
    Share {
        total_chars: draft.len(),
        formulaic_chars,
    }
}
