//! Line-local findings remembered per line, so that after an edit only changed lines are
//! checked again by the line-local checks.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use lru::LruCache;

use crate::checks::{Check, Context, Finding};
use crate::parallel;

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

/// One text's line-local work: its lines, with the cache's findings for those it has, and the
/// new lines, which every thread taking part goes over a batch at a time, first with the checks
/// that do not wait, then with those that do (`take_part`).
struct LineWork<'t> {
    lines: Vec<(&'t str, Option<Arc<[Finding]>>)>,
    /// The new lines, for the checks that do not wait.
    now: parallel::Shared<&'t str, Vec<Finding>>,
    /// The same lines for those that do, when any does (else none).
    waited: parallel::Shared<&'t str, Vec<Finding>>,
}

/// New lines handed out at a time: a line takes tens of microseconds, a batch a lock.
const LINES_A_BATCH: usize = 4;

impl<'t> LineWork<'t> {
    /// The bytes of the lines the cache does not have.
    fn new_bytes(&self) -> usize {
        self.now.items().iter().map(|line| line.len()).sum()
    }

    /// Runs the checks over new lines no thread has taken yet, until none is left: `now`
    /// (none of which waits) first, then `waiting` (when there are any). Any number of threads
    /// take part at once; one that gets to `waiting` early waits there for what they wait for.
    fn take_part(&self, now: &[&dyn Check], waiting: &[&dyn Check], context: &LineContext<'t, '_>) {
        self.now.take_part(|line| run(now, context, line));
        self.waited.take_part(|line| run(waiting, context, line));
    }
}

/// How a line-local check sees one line.
pub(super) type LineContext<'t, 'f> = dyn Fn(&'t str) -> Context<'t> + Sync + 'f;

fn run<'t>(checks: &[&dyn Check], context: &LineContext<'t, '_>, line: &'t str) -> Vec<Finding> {
    let cx = context(line);
    checks.iter().flat_map(|c| c.check(&cx)).collect()
}

impl LineCache {
    pub(super) fn new() -> LineCache {
        LineCache {
            lines: Mutex::new(LruCache::new(
                NonZeroUsize::new(LINE_CACHE_LINES).expect("non-zero"),
            )),
        }
    }

    /// The findings of the line-local `checks` over `text`, at their offsets in it, into `out`,
    /// while `beside` (the checks of the whole text) runs on this thread; returns what `beside`
    /// returns. Lines in the cache are not checked again.
    ///
    /// When the new lines are many and `split` allows (a draft checked for the first time by
    /// the CLI), a helper takes part in the checks that do not wait from the start — or, while
    /// a check still waits for data being built (a new corpus's stock phrases), from when it is
    /// built: until then that build is what the report waits for, and a helper would only take
    /// its core. The checks that wait go over the new lines after the others.
    pub(super) fn check<'t, R>(
        &self,
        text: &'t str,
        checks: &[&dyn Check],
        context: &LineContext<'t, '_>,
        split: bool,
        beside: impl FnOnce() -> R,
        out: &mut Vec<Finding>,
    ) -> R {
        let (now, waiting): (Vec<&dyn Check>, Vec<&dyn Check>) =
            checks.iter().partition(|c| !c.waits());
        let work = self.look_up(text, !waiting.is_empty());
        let help = split && work.new_bytes() >= super::PARALLEL_CHECK_BYTES;
        let besides = std::thread::scope(|s| {
            let helper = help.then(|| {
                let (work, now, waiting) = (&work, &now, &waiting);
                s.spawn(move || {
                    waiting.iter().for_each(|check| check.wait());
                    work.take_part(now, waiting, context);
                })
            });
            let besides = beside();
            work.take_part(&now, &waiting, context);
            if let Some(helper) = helper {
                helper.join().expect("line-local checks");
            }
            besides
        });
        self.finish(work, out);
        besides
    }

    /// The lines of `text`, each with its findings when the cache has them; the new ones to be
    /// checked by the checks that wait too when `any_waits`.
    fn look_up<'t>(&self, text: &'t str, any_waits: bool) -> LineWork<'t> {
        let mut cache = self.lines.lock().unwrap();
        let lines: Vec<(&str, Option<Arc<[Finding]>>)> = text
            .split_inclusive('\n')
            .map(|line| (line, cache.get(line).cloned()))
            .collect();
        let new: Vec<&str> = (lines.iter())
            .filter(|(_, found)| found.is_none())
            .map(|&(line, _)| line)
            .collect();
        LineWork {
            lines,
            waited: parallel::Shared::new(
                if any_waits { new.clone() } else { Vec::new() },
                LINES_A_BATCH,
            ),
            now: parallel::Shared::new(new, LINES_A_BATCH),
        }
    }

    /// The findings of every line, at their offsets in the text, into `out`: what `take_part`
    /// found for the new lines, which go into the cache, and the cache's for the others.
    fn finish(&self, work: LineWork<'_>, out: &mut Vec<Finding>) {
        let mut found_now = work.now.into_results().into_iter();
        let mut waited = work.waited.into_results().into_iter();
        let mut offset = 0;
        for (line, cached) in work.lines {
            let found = match cached {
                Some(found) => found,
                None => {
                    let mut found = found_now.next().expect("one result a new line");
                    // None at all when no check waits.
                    found.extend(waited.next().unwrap_or_default());
                    let found: Arc<[Finding]> = found.into();
                    self.lines
                        .lock()
                        .unwrap()
                        .put(line.to_owned(), found.clone());
                    found
                }
            };
            out.extend(found.iter().map(|f| f.clone().shifted(offset)));
            offset += line.chars().count();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Analyzer, BuildOptions};
    use crate::checks::Code;
    use crate::config::Settings;
    use crate::corpus::Corpus;
    use crate::fingerprint::Index;
    use std::sync::mpsc;
    use std::time::Duration;

    /// A check that reports each line it sees, and says when it has seen `last`.
    struct Seeing {
        last: &'static str,
        seen_last: Mutex<Option<mpsc::Sender<()>>>,
    }

    impl Check for Seeing {
        fn codes(&self) -> &'static [Code] {
            &[Code::Placeholder]
        }

        fn check(&self, cx: &Context<'_>) -> Vec<Finding> {
            if cx.text == self.last {
                if let Some(tx) = self.seen_last.lock().unwrap().take() {
                    let _ = tx.send(());
                }
            }
            vec![Finding::new(Code::Placeholder, 0..1, cx.text.to_owned())]
        }
    }

    /// A check that waits for something only the other checks' work over every line brings.
    struct Waiting {
        ready: Mutex<mpsc::Receiver<()>>,
        in_time: Mutex<Option<bool>>,
    }

    impl Check for Waiting {
        fn codes(&self) -> &'static [Code] {
            &[Code::FormulaicPhrase]
        }

        fn check(&self, cx: &Context<'_>) -> Vec<Finding> {
            let mut in_time = self.in_time.lock().unwrap();
            if in_time.is_none() {
                let waited = self
                    .ready
                    .lock()
                    .unwrap()
                    .recv_timeout(Duration::from_secs(5));
                *in_time = Some(waited.is_ok());
            }
            vec![Finding::new(
                Code::FormulaicPhrase,
                0..1,
                cx.text.to_owned(),
            )]
        }

        fn waits(&self) -> bool {
            true
        }
    }

    #[test]
    fn checks_that_wait_go_over_the_lines_after_the_others() {
        let (tx, rx) = mpsc::channel();
        let seeing = Seeing {
            last: "第三行",
            seen_last: Mutex::new(Some(tx)),
        };
        let waiting = Waiting {
            ready: Mutex::new(rx),
            in_time: Mutex::new(None),
        };
        let (settings, corpus, index) = (Settings::default(), Corpus::default(), Index::default());
        let context = |line| Context::new(line, &settings, &corpus, &index, &[]);
        // The waiting check comes first in the list, as the 套话 check comes before others.
        let checks: [&dyn Check; 2] = [&waiting, &seeing];
        let mut found = Vec::new();
        LineCache::new().check(
            "第一行\n第二行\n第三行",
            &checks,
            &context,
            true,
            || (),
            &mut found,
        );
        assert_eq!(*waiting.in_time.lock().unwrap(), Some(true));
        // Each line's findings, at the line's offset: both checks', every line.
        let lines: Vec<(usize, &str)> = found
            .iter()
            .map(|f| (f.range.start, f.message.trim_end()))
            .collect();
        assert_eq!(lines.len(), 6);
        for (at, line) in [(0, "第一行"), (4, "第二行"), (8, "第三行")] {
            assert_eq!(lines.iter().filter(|l| **l == (at, line)).count(), 2);
        }
    }

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
        let mut text: Vec<char> = include_str!("../../../../examples/draft.md")
            .chars()
            .collect();
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
            // A long draft's new lines are checked by a helper thread too.
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
                    analyzer.lines.look_up(&long, false).new_bytes()
                        >= crate::analysis::PARALLEL_CHECK_BYTES
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
