//! A completion item's documentation: the corpus sentence that first uses the phrase, with the
//! phrase in bold, and where it comes from.
//!
//! Made when an item is shown, not when the book is built: formatting an example for each of
//! the thousands of phrases was a tenth of mining the built-in corpus, which the first
//! completion after start waits for, and a menu shows at most `MAX_ITEMS` of them.

use std::sync::OnceLock;

use crate::corpus::{Corpus, Origin};
use crate::text::{escape_markdown, is_sentence_end};

/// Context kept on each side of a phrase in an example sentence.
const EXAMPLE_CONTEXT_CHARS: usize = 36;

/// Where a phrase first occurs: essay (its id), char range in its text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(super) struct Hit {
    pub essay: usize,
    pub start: usize,
    pub end: usize,
}

/// The mined essays, for example sentences.
#[derive(Default)]
pub(super) struct Examples {
    corpus: Corpus,
    /// Each essay's chars and where its lines start, made on first use: an example cut out of a
    /// freshly collected essay each time made mining quadratic.
    texts: OnceLock<EssayChars>,
}

struct EssayChars {
    chars: Vec<Vec<char>>,
    /// Char offsets just after each `\n` of the essay.
    line_starts: Vec<Vec<usize>>,
}

impl std::fmt::Debug for Examples {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Examples")
            .field("essays", &self.corpus.essays.len())
            .finish()
    }
}

impl Examples {
    pub fn of(corpus: Corpus) -> Examples {
        Examples {
            corpus,
            texts: OnceLock::new(),
        }
    }

    /// The documentation of `text`, first found at `first` (None: not in the corpus).
    pub fn documentation(&self, first: Option<&Hit>, text: &str) -> Option<String> {
        let Some(hit) = first else {
            return Some(format!(
                "**{}**\n\n常用提法（essay-lsp 整理），参考语料中未见。",
                escape_markdown(text)
            ));
        };
        let texts = self.texts.get_or_init(|| EssayChars::of(&self.corpus));
        let essay = self.corpus.essays.get(hit.essay)?;
        let chars: &[char] = texts.chars.get(hit.essay)?;
        let mut from = hit.start;
        while from > 0
            && hit.start - from < EXAMPLE_CONTEXT_CHARS
            && !is_sentence_end(chars[from - 1])
        {
            from -= 1;
        }
        let mut to = hit.end;
        while to < chars.len()
            && to - hit.end < EXAMPLE_CONTEXT_CHARS
            && !is_sentence_end(chars[to])
        {
            to += 1;
        }
        if to < chars.len() && matches!(chars[to], '。' | '！' | '？' | '!' | '?') {
            to += 1;
        }
        let piece =
            |a: usize, b: usize| escape_markdown(chars[a..b].iter().collect::<String>().trim());
        let lead = if from > 0 && !is_sentence_end(chars[from - 1]) {
            "…"
        } else {
            ""
        };
        let trail = if to < chars.len() && !is_sentence_end(chars[to - 1]) {
            "…"
        } else {
            ""
        };
        let line = texts.line_starts[hit.essay].partition_point(|&s| s <= hit.start) as u32;
        let place = match &essay.origin {
            Origin::Builtin {
                part, first_line, ..
            } => format!("内置语料{part}，原文第 {} 行", first_line + line),
            Origin::File(path) => format!("{}，第 {} 行", path.display(), line + 1),
        };
        Some(format!(
            "> {lead}{}**{}**{}{trail}\n\n——《{}》（{place}）",
            piece(from, hit.start),
            piece(hit.start, hit.end),
            piece(hit.end, to),
            escape_markdown(&essay.title),
        ))
    }
}

impl EssayChars {
    fn of(corpus: &Corpus) -> EssayChars {
        let chars: Vec<Vec<char>> = corpus
            .essays
            .iter()
            .map(|e| e.text.chars().collect())
            .collect();
        let line_starts = chars
            .iter()
            .map(|cs| {
                cs.iter()
                    .enumerate()
                    .filter(|&(_, &c)| c == '\n')
                    .map(|(i, _)| i + 1)
                    .collect()
            })
            .collect();
        EssayChars { chars, line_starts }
    }
}
