//! Line-local findings remembered per line, so that after an edit only changed lines are
//! checked again by the line-local checks.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use lru::LruCache;

use crate::checks::{Check, Context, Finding};

/// Lines whose line-local findings are remembered (an essay has a few hundred).
const LINE_CACHE_LINES: usize = 8192;

/// Findings of `placeholder::check` and `StockPhrases::check` per line of text, char ranges
/// relative to the line's start.
///
/// Both are line-local: a 套话 sentence ends at a line break at the latest (sentence ends include
/// `\n`), and a placeholder is found from its own characters, its neighbours on the same line
/// and the line's bounds (`placeholder.rs` stops at line breaks, and what it looks at before a
/// line's first character — a line break or nothing — makes no difference). Checking the text
/// line by line, each line with its line break, therefore gives the same findings as checking
/// it whole; `tests::line_cache_gives_the_same_findings_as_a_full_check` edits drafts at random
/// to hold that.
pub(super) struct LineCache {
    lines: Mutex<LruCache<String, Arc<[Finding]>>>,
}

impl LineCache {
    pub(super) fn new() -> LineCache {
        LineCache {
            lines: Mutex::new(LruCache::new(
                NonZeroUsize::new(LINE_CACHE_LINES).expect("non-zero"),
            )),
        }
    }

    /// The bytes of the lines of `text` that are not in the cache.
    pub(super) fn uncached_bytes(&self, text: &str) -> usize {
        let lines = self.lines.lock().unwrap();
        text.split_inclusive('\n')
            .filter(|line| !lines.contains(*line))
            .map(str::len)
            .sum()
    }

    pub(super) fn check<'t>(
        &self,
        text: &'t str,
        checks: &[&dyn Check],
        context: &dyn Fn(&'t str) -> Context<'t>,
        out: &mut Vec<Finding>,
    ) {
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let cached = self.lines.lock().unwrap().get(line).cloned();
            let found = cached.unwrap_or_else(|| {
                let cx = context(line);
                let found: Vec<Finding> = checks.iter().flat_map(|c| c.check(&cx)).collect();
                let found: Arc<[Finding]> = found.into();
                self.lines
                    .lock()
                    .unwrap()
                    .put(line.to_owned(), found.clone());
                found
            });
            out.extend(found.iter().map(|f| f.clone().shifted(offset)));
            offset += line.chars().count();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Analyzer, BuildOptions};
    use crate::config::Settings;
    use crate::corpus::Corpus;

    /// The line cache must not change a single finding: random edits (typing, pasting
    /// placeholders, 套话 and corpus sentences, breaking and joining lines, deleting) to a draft,
    /// each checked with the cache and without.
    #[test]
    fn line_cache_gives_the_same_findings_as_a_full_check() {
        let options = BuildOptions {
            progress: &|_| {},
            cache: None,
        };
        // As the CLI builds it: long checks may split their lines over two threads.
        let (analyzer, _) = Analyzer::build_for(&Settings::default(), &options, &[]);
        assert!(analyzer.split_lines);
        let settings = Settings::default();
        let corpus = Corpus::builtin();
        let corpus_lines: Vec<&str> = corpus
            .essays
            .iter()
            .flat_map(|e| e.text.lines())
            .filter(|l| !l.trim().is_empty())
            .collect();
        let pieces = [
            "20xx年",
            "XX县",
            "×××",
            "习**同志",
            "**",
            "【单位名称】",
            "（ ）",
            "____",
            "**加粗的话**",
            "我们要高度重视，认真贯彻落实，切实加强组织领导，确保取得明显成效。",
            "以产业发展为抓手，",
            "本文仅供参考，欢迎阅读！",
            "\n",
            "\n\n",
            "\r\n",
            "\r",
            "“",
            "”",
            "。",
            "，",
            "x",
            "的",
        ];
        let mut seed: u64 = 0x9e37_79b9;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((seed >> 33) as usize) % n.max(1)
        };
        let mut text: Vec<char> = include_str!("../../../examples/draft.md").chars().collect();
        for step in 0..300 {
            let at = next(text.len() + 1);
            match next(10) {
                0..=3 => {
                    let piece = pieces[next(pieces.len())];
                    text.splice(at..at, piece.chars());
                }
                4 | 5 => {
                    let line = corpus_lines[next(corpus_lines.len())];
                    let take: Vec<char> = line.chars().take(5 + next(60)).collect();
                    text.splice(at..at, take);
                }
                6 | 7 => {
                    let end = (at + 1 + next(12)).min(text.len());
                    text.drain(at.min(end)..end);
                }
                8 => {
                    // Join two lines.
                    if let Some(nl) = text.iter().skip(at).position(|&c| c == '\n') {
                        text.remove(at + nl);
                    }
                }
                _ => {
                    let c = char::from_u32(0x4e00 + next(0x5000) as u32).unwrap();
                    text.insert(at, c);
                }
            }
            let draft: String = text.iter().collect();
            let reused = analyzer.check(&draft, &settings);
            let full = analyzer.check_fully(&draft, &settings);
            assert_eq!(reused.findings, full.findings, "step {step}: {draft:?}");
            assert_eq!(reused.similarity, full.similarity);
            assert_eq!(reused.formulaic, full.formulaic);
            assert_eq!(reused.truncated_at, full.truncated_at);
            assert_eq!(reused.capped, full.capped);
            // A long draft's lines are checked in two halves on two threads.
            if step % 50 == 0 {
                let reps = crate::analysis::PARALLEL_CHECK_BYTES / draft.len() + 1;
                // Lines of its own, none in the cache yet.
                let long: String = (0..reps)
                    .flat_map(|k| {
                        draft
                            .split_inclusive('\n')
                            .map(move |l| format!("{step}.{k}{l}"))
                    })
                    .collect();
                assert!(
                    analyzer.lines.uncached_bytes(&long) >= crate::analysis::PARALLEL_CHECK_BYTES
                );
                let reused = analyzer.check(&long, &settings);
                let full = analyzer.check_fully(&long, &settings);
                assert_eq!(reused.findings, full.findings, "step {step}: {long:?}");
            }
        }
        // The cache was used: the last draft's lines are all in it.
        let draft: String = text.iter().collect();
        let cached = analyzer.lines.lines.lock().unwrap().len();
        assert!(cached >= draft.split_inclusive('\n').count().min(LINE_CACHE_LINES) / 2);
    }
}
