//! The analysis entry point: everything loaded once (`build.rs`), and one call that checks a
//! draft: the copy matching step, then every check of the table, the line-local ones through the
//! per-line cache (`line_cache.rs`), then what the writer switched off (`suppress.rs`).

mod build;
mod line_cache;
mod suppress;

use line_cache::LineCache;
use suppress::{is_ignored, Suppressions};

pub use build::warm_up;
pub use build::{
    has_large_user_corpus, BuildInfo, BuildOptions, Deferred, Language, Progress, Stage,
    LARGE_CORPUS_BYTES, MINED_STOCK_PHRASES, MINING_BUDGET_CHARS,
};

use crate::checks::copied::{self, Similarity};
use crate::checks::formulaic;
use crate::checks::{Check, Code, Context, Finding};
use crate::config::Settings;
use crate::corpus::Corpus;
use crate::fingerprint::Index;
use crate::glossary::Glossary;
use crate::normalize::{normalize, normalize_str, Normalized};
use crate::phrases::PhraseBook;

/// Drafts longer than this are analysed only up to here: a 5 MB paste must not stall the
/// server, and no essay is that long. The report says when it was cut.
pub const MAX_ANALYZED_CHARS: usize = 400_000;

/// At most this many findings are reported: a pasted spreadsheet of near-identical lines gives
/// a hundred thousand, which no writer reads and which would take an editor minutes to receive.
/// Beyond it the most useful are kept — copies and misquotations, longest first, then
/// repetitions, then the rest by severity — and `Report::capped` says how many there were.
pub const MAX_FINDINGS: usize = 1000;

/// The corpus and everything derived from it, built once per configuration.
pub struct Analyzer {
    pub corpus: Corpus,
    pub index: Index,
    /// Roles, documents and official wording for the copy matching step.
    pub sources: copied::Sources,
    /// Derefs to the `Glossary`, waiting for it if it is still being mined.
    pub glossary: Deferred<Glossary>,
    /// Derefs to the `PhraseBook`, waiting for it if it is still being mined.
    pub phrases: Deferred<PhraseBook>,
    /// Every check; the line-local ones run line by line through `lines`.
    checks: Vec<Box<dyn Check>>,
    /// Findings of the line-local checks by line, so that after an edit only changed lines are
    /// checked again by them.
    lines: LineCache,
    /// Whether a check may take a second thread for new lines: for the CLI's analyzer, which
    /// has the cores to itself, not the server's, whose first check would slow the mining that
    /// hover and completion wait for.
    split_lines: bool,
    /// How the build went (index from the cache or built, what was mined), for logs.
    pub build: BuildInfo,
}

#[derive(Debug, Clone, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub similarity: Similarity,
    /// The share of empty sentences (套话), beside the 复制比 (counted before the cap).
    pub formulaic: formulaic::Share,
    /// Chars analysed, when the draft was longer than `MAX_ANALYZED_CHARS`.
    pub truncated_at: Option<usize>,
    /// How many findings there were, when more than `MAX_FINDINGS` (only `MAX_FINDINGS` of
    /// them are in `findings`).
    pub capped: Option<usize>,
}

/// When the lines not in the line cache add up to this many bytes, a helper thread takes part
/// in checking them, where the analyzer may (`split_lines`): a thread costs tens of
/// microseconds, checking 16 KB of lines milliseconds.
pub(super) const PARALLEL_CHECK_BYTES: usize = 16 * 1024;

impl Analyzer {
    /// Runs every enabled check over `text`.
    ///
    /// The checks that look at one line at a time (placeholders, 套话) reuse their findings for
    /// lines checked before, by this analyzer, for any document; the others (copies,
    /// repetitions, residue, suppression comments) look at the whole draft every time. The
    /// result is the same as `check_fully` gives.
    pub fn check(&self, text: &str, settings: &Settings) -> Report {
        self.check_with(text, settings, true)
    }

    /// `check`, every check over the whole text (for tests and benchmarks).
    pub fn check_fully(&self, text: &str, settings: &Settings) -> Report {
        self.check_with(text, settings, false)
    }

    fn check_with(&self, text: &str, settings: &Settings, reuse: bool) -> Report {
        let (text, truncated_at) = match text.char_indices().nth(MAX_ANALYZED_CHARS) {
            Some((byte, _)) => (&text[..byte], Some(MAX_ANALYZED_CHARS)),
            None => (text, None),
        };
        let (line_local, whole): (Vec<&dyn Check>, Vec<&dyn Check>) = self
            .checks
            .iter()
            .map(|c| &**c)
            .partition(|c| c.line_local());
        let line_cx = |line| Context::new(line, settings, &self.corpus, &self.index, &[]);
        let whole_text = || {
            let draft = normalize(text);
            // The essay itself, when it is part of the corpus (`corpus.includeWorkspace`).
            let skip = crate::corpus::essays_from_files(&self.corpus, &settings.skip_corpus_files);
            let matching = copied::find_matching(
                &self.index,
                &self.sources,
                &draft,
                text,
                settings.min_match_chars,
                &skip,
            );
            let similarity = Similarity::from_matching(&matching, draft.len());
            let cx = Context::new(text, settings, &self.corpus, &self.index, &[])
                .with_matching(&matching)
                .with_draft(draft);
            let findings: Vec<Finding> = whole.iter().flat_map(|c| c.check(&cx)).collect();
            (findings, similarity, cx.into_draft())
        };
        let mut by_line = Vec::new();
        let (mut findings, similarity, draft) = if reuse {
            let split = self.split_lines;
            (self.lines).check(text, &line_local, &line_cx, split, whole_text, &mut by_line)
        } else {
            let whole = whole_text();
            for check in &line_local {
                by_line.extend(check.check(&line_cx(text)));
            }
            whole
        };
        findings.append(&mut by_line);
        self.finish(text, settings, findings, similarity, &draft, truncated_at)
    }

    /// Suppressions, ignored phrases, disabled checks, severities, precedence and the cap
    /// applied to the findings of every check.
    fn finish(
        &self,
        text: &str,
        settings: &Settings,
        mut findings: Vec<Finding>,
        similarity: Similarity,
        draft: &Normalized,
        truncated_at: Option<usize>,
    ) -> Report {
        let suppressed = Suppressions::parse(text);
        let ignored: Vec<String> = settings
            .ignored_phrases
            .iter()
            .map(|p| normalize_str(p))
            .filter(|p| !p.is_empty())
            .collect();
        let chars: Vec<char> = if ignored.is_empty() {
            Vec::new()
        } else {
            text.chars().collect()
        };
        findings.retain(|f| {
            settings.is_enabled(f.code)
                && !suppressed.covers(f.code, f.range.start)
                && !is_ignored(&chars, &f.range, &ignored)
        });
        crate::checks::drop_less_specific(&mut findings);
        for f in &mut findings {
            f.severity = settings.severity_of(f.code);
        }
        let formulaic = formulaic::share(draft, &findings);
        let mut capped = None;
        if findings.len() > MAX_FINDINGS {
            capped = Some(findings.len());
            findings.sort_by_key(|f| {
                let class = match f.code {
                    Code::CopiedFromCorpus | Code::Misquoted => 0,
                    Code::RepeatedInDocument => 1,
                    _ => 2 + f.severity as u8,
                };
                (
                    class,
                    std::cmp::Reverse(f.range.len()),
                    f.range.start,
                    f.code,
                )
            });
            findings.truncate(MAX_FINDINGS);
        }
        findings.sort_by_key(|f| (f.range.start, f.range.end, f.code));
        Report {
            findings,
            similarity,
            formulaic,
            truncated_at,
            capped,
        }
    }
}
