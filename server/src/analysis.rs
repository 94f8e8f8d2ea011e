//! The analysis entry point: everything loaded once, and one call that checks a draft.

use std::ops::Range;

use crate::cache::{CacheKey, IndexCache, MIN_CACHED_CHARS};
use crate::checks::copied::{self, Similarity};
use crate::checks::{boilerplate::Boilerplate, formulaic::StockPhrases, placeholder, repeated};
use crate::checks::{Code, Finding};
use crate::config::Settings;
use crate::corpus::{Corpus, LoadProblem};
use crate::fingerprint::Index;
use crate::glossary::Glossary;
use crate::normalize::{normalize, normalize_str, Normalized};
use crate::parallel;
use crate::phrases::PhraseBook;

/// Drafts longer than this are analysed only up to here: a 5 MB paste must not stall the
/// server, and no essay is that long. The report says when it was cut.
pub const MAX_ANALYZED_CHARS: usize = 400_000;

/// At most this many findings are reported: a pasted spreadsheet of near-identical lines gives
/// a hundred thousand, which no writer reads and which would take an editor minutes to receive.
/// Beyond it, the report is cut like a long draft: at the first finding that does not fit,
/// complete up to there (`Report::truncated_at`).
pub const MAX_FINDINGS: usize = 1000;

/// The corpus and everything derived from it, built once per configuration.
pub struct Analyzer {
    pub corpus: Corpus,
    pub index: Index,
    pub glossary: Glossary,
    pub phrases: PhraseBook,
    stock: StockPhrases,
    boilerplate: Boilerplate,
    /// How the build went (index from the cache or built, what was mined), for logs.
    pub build: BuildInfo,
}

/// The glossary, the phrase book and the corpus stock phrases are mined from the built-in essays
/// and at most this many characters of the user's (an evenly spread sample of the essays, the
/// whole corpus when it is smaller). Mining runs jieba over every essay and costs ~4 µs a
/// character: all of a 100 MB corpus would take minutes, while a few hundred essays already show
/// which phrases the writer's corpus repeats. Copy detection always uses every essay.
pub const MINING_BUDGET_CHARS: usize = 200_000;

/// What a build did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildInfo {
    /// The fingerprint index was read from the on-disk cache.
    pub index_from_cache: bool,
    /// The cache could not be written (the index works all the same).
    pub cache_error: Option<String>,
    /// Essays and characters the glossary, phrase book and stock phrases were mined from.
    pub mined_essays: usize,
    pub mined_chars: usize,
}

/// Where a build is, for progress bars: `done` of `total` steps of `stage`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub stage: Stage,
    pub done: usize,
    pub total: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading and decoding corpus files (steps: files).
    Reading,
    /// Normalising the essays and building or loading the fingerprint index.
    Indexing,
    /// Mining the glossary, phrase book and stock phrases.
    Mining,
}

impl Progress {
    /// Overall completion, 0–100: reading is the first half, indexing the next 40 %.
    pub fn percent(&self) -> u32 {
        let part = if self.total == 0 {
            1.0
        } else {
            self.done.min(self.total) as f64 / self.total as f64
        };
        let (from, span) = match self.stage {
            Stage::Reading => (0.0, 50.0),
            Stage::Indexing => (50.0, 40.0),
            Stage::Mining => (90.0, 10.0),
        };
        (from + span * part).round() as u32
    }

    /// `读取语料 120/9214 个文件` and the like.
    pub fn message(&self) -> String {
        match self.stage {
            Stage::Reading => format!("读取语料 {}/{} 个文件", self.done, self.total),
            Stage::Indexing => "建立查重索引".to_owned(),
            Stage::Mining => "整理术语与常用语".to_owned(),
        }
    }
}

/// How to build an analyzer.
pub struct BuildOptions<'a> {
    /// Called as the build advances, from several threads.
    pub progress: &'a (dyn Fn(Progress) + Sync),
    /// Where the indexes of large corpora are cached; None: never.
    pub cache: Option<IndexCache>,
}

impl Default for BuildOptions<'_> {
    /// No progress reports; the user's cache folder.
    fn default() -> Self {
        BuildOptions {
            progress: &|_| {},
            cache: IndexCache::user(),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub similarity: Similarity,
    /// Chars analysed, when the draft was longer than `MAX_ANALYZED_CHARS` or had more than
    /// `MAX_FINDINGS` findings.
    pub truncated_at: Option<usize>,
}

impl Analyzer {
    /// Loads the corpora and glossaries the settings name; unreadable files are returned as
    /// problems and skipped.
    pub fn new(settings: &Settings) -> (Analyzer, Vec<LoadProblem>) {
        Analyzer::build(settings, &BuildOptions::default())
    }

    /// `new`, with progress reports and a choice of index cache.
    pub fn build(settings: &Settings, options: &BuildOptions) -> (Analyzer, Vec<LoadProblem>) {
        // jieba's dictionary takes ~0.15 s to load and only mining needs it: load it while the
        // files are read and indexed.
        let jieba = std::thread::spawn(crate::segment::jieba);
        let reading = |done, total| {
            (options.progress)(Progress {
                stage: Stage::Reading,
                done,
                total,
            })
        };
        let (mut corpus, mut problems) =
            Corpus::load_with_progress(&settings.corpus_paths, settings.include_builtin, &reading);
        crate::project::add_workspace_essays(&mut corpus, settings, &mut problems);
        let (analyzer, more) = Analyzer::from_corpus_with(corpus, settings, options);
        problems.extend(more);
        let _ = jieba.join();
        (analyzer, problems)
    }

    pub fn from_corpus(corpus: Corpus, settings: &Settings) -> (Analyzer, Vec<LoadProblem>) {
        Analyzer::from_corpus_with(corpus, settings, &BuildOptions::default())
    }

    /// Builds the index and mines the corpus at the same time, on all cores.
    pub fn from_corpus_with(
        corpus: Corpus,
        settings: &Settings,
        options: &BuildOptions,
    ) -> (Analyzer, Vec<LoadProblem>) {
        let report = |stage, done| {
            (options.progress)(Progress {
                stage,
                done,
                total: 1,
            })
        };
        let sample = mining_sample(&corpus, MINING_BUDGET_CHARS);
        let mined = sample.as_ref().unwrap_or(&corpus);
        let mut build = BuildInfo {
            mined_essays: mined.essays.len(),
            mined_chars: mined.essays.iter().map(|e| e.text.chars().count()).sum(),
            ..BuildInfo::default()
        };
        let ((glossary, problems, phrases), stock, index) = std::thread::scope(|s| {
            let glossary = s.spawn(|| {
                let (glossary, problems) = Glossary::load(mined, &settings.glossary_paths);
                let terms: Vec<String> = glossary
                    .entries()
                    .iter()
                    .flat_map(|e| {
                        std::iter::once(e.term.clone()).chain(e.variants.iter().cloned())
                    })
                    .collect();
                let phrases = PhraseBook::build(mined, &terms);
                (glossary, problems, phrases)
            });
            let stock = s.spawn(|| StockPhrases::build(mined, &settings.extra_stock_phrases));
            report(Stage::Indexing, 0);
            let index = build_index(&corpus, options.cache.as_ref(), &mut build);
            report(Stage::Mining, 0);
            let stock = stock.join().expect("stock phrases build");
            let glossary = glossary.join().expect("glossary build");
            report(Stage::Mining, 1);
            (glossary, stock, index)
        });
        drop(sample);
        let analyzer = Analyzer {
            corpus,
            index,
            glossary,
            phrases,
            stock,
            boilerplate: Boilerplate::builtin(),
            build,
        };
        (analyzer, problems)
    }

    /// Runs every enabled check over `text`.
    pub fn check(&self, text: &str, settings: &Settings) -> Report {
        let (text, truncated_at) = match text.char_indices().nth(MAX_ANALYZED_CHARS) {
            Some((byte, _)) => (&text[..byte], Some(MAX_ANALYZED_CHARS)),
            None => (text, None),
        };
        let draft = normalize(text);
        let min_len = settings.min_match_chars;
        let mut findings = Vec::new();

        // The essay itself, when it is part of the corpus (`corpus.includeWorkspace`).
        let skip = crate::project::essays_from_files(&self.corpus, &settings.skip_corpus_files);
        let spans = copied::find_copies_skipping(&self.index, &draft, text, min_len, &skip);
        let similarity = Similarity::from_spans(&spans, draft.len());
        findings.extend(copied::findings(&spans, &self.corpus, &self.index, &draft));
        findings.extend(repeated::check(&draft, text, min_len));
        findings.extend(placeholder::check(text));
        findings.extend(self.boilerplate.check(text));
        findings.extend(self.stock.check(text));

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
        for f in &mut findings {
            f.severity = settings.severity_of(f.code);
        }
        findings.sort_by_key(|f| (f.range.start, f.range.end, f.code));
        let mut truncated_at = truncated_at;
        if let Some(first_dropped) = findings.get(MAX_FINDINGS) {
            let cut = first_dropped.range.start;
            findings.retain(|f| f.range.start < cut);
            truncated_at = Some(truncated_at.map_or(cut, |at| at.min(cut)));
        }
        Report {
            findings,
            similarity,
            truncated_at,
        }
    }
}

/// The essays mined when the corpus is larger than `budget` user characters: every built-in
/// essay and an evenly spread sample of the others. None: mine the whole corpus.
fn mining_sample(corpus: &Corpus, budget: usize) -> Option<Corpus> {
    let user: Vec<&crate::corpus::Essay> =
        corpus.essays.iter().filter(|e| !e.is_builtin()).collect();
    let total: usize = user.iter().map(|e| e.text.chars().count()).sum();
    if total <= budget {
        return None;
    }
    let mut sample = Corpus::default();
    for essay in corpus.essays.iter().filter(|e| e.is_builtin()) {
        sample.push(essay.title.clone(), essay.text.clone(), essay.origin.clone());
    }
    let stride = total.div_ceil(budget).max(1);
    let mut taken = 0;
    for essay in user.iter().step_by(stride) {
        let chars = essay.text.chars().count();
        if taken + chars > budget && taken > 0 {
            break;
        }
        taken += chars;
        sample.push(essay.title.clone(), essay.text.clone(), essay.origin.clone());
    }
    Some(sample)
}

/// The corpus's fingerprint index: from the cache when the corpus is large and was indexed
/// before, else built (and cached when large).
fn build_index(corpus: &Corpus, cache: Option<&IndexCache>, info: &mut BuildInfo) -> Index {
    let essays: Vec<Normalized> =
        parallel::map(&corpus.essays, |e| e.text.len(), |e| normalize(&e.text));
    let chars: usize = essays.iter().map(Normalized::len).sum();
    let Some(cache) = cache.filter(|_| chars >= MIN_CACHED_CHARS) else {
        return Index::from_normalized(essays);
    };
    let key = CacheKey::of(&essays);
    match cache.load(&key, essays) {
        Ok(index) => {
            info.index_from_cache = true;
            index
        }
        Err((essays, _)) => {
            let index = Index::from_normalized(essays);
            if let Err(e) = cache.store(&key, &index) {
                info.cache_error = Some(format!("{}: {e}", cache.dir().display()));
            }
            index
        }
    }
}

/// A finding is ignored when its text is part of an ignored phrase, or an ignored phrase makes
/// up most of it.
fn is_ignored(chars: &[char], range: &Range<usize>, ignored: &[String]) -> bool {
    if ignored.is_empty() {
        return false;
    }
    let text: String = chars[range.start.min(chars.len())..range.end.min(chars.len())]
        .iter()
        .collect();
    let text = normalize_str(&text);
    let len = text.chars().count();
    ignored.iter().any(|phrase| {
        phrase.contains(text.as_str())
            || (text.contains(phrase.as_str()) && phrase.chars().count() * 2 >= len)
    })
}

/// Regions switched off with `<!-- essay-lsp-disable [CODE…] -->` … `<!-- essay-lsp-enable [CODE…] -->`.
/// HTML comments work in Markdown and read plainly enough in .txt files, so one syntax serves both.
#[derive(Debug, Default)]
struct Suppressions {
    /// (code or None for every check, char range)
    regions: Vec<(Option<Code>, Range<usize>)>,
}

impl Suppressions {
    fn parse(text: &str) -> Suppressions {
        let mut out = Suppressions::default();
        if !text.contains("essay-lsp-") {
            return out;
        }
        let mut open: Vec<(Option<Code>, usize)> = Vec::new();
        let mut rest = text;
        let mut offset = 0; // chars consumed before `rest`
        while let Some(start) = rest.find("<!--") {
            let Some(len) = rest[start..].find("-->") else {
                break;
            };
            let body = rest[start + 4..start + len].trim();
            let end_byte = start + len + 3;
            let comment_end = offset + rest[..end_byte].chars().count();
            let mut words = body.split_whitespace();
            let directive = words.next();
            let codes: Vec<Option<Code>> = {
                let named: Vec<Option<Code>> = words.filter_map(Code::parse).map(Some).collect();
                if named.is_empty() {
                    vec![None]
                } else {
                    named
                }
            };
            match directive {
                Some("essay-lsp-disable") => {
                    for code in codes {
                        open.push((code, comment_end));
                    }
                }
                Some("essay-lsp-enable") => {
                    open.retain(|(code, from)| {
                        let closes = codes.contains(&None) || codes.contains(code);
                        if closes {
                            out.regions.push((*code, *from..comment_end));
                        }
                        !closes
                    });
                }
                _ => {}
            }
            offset = comment_end;
            rest = &rest[end_byte..];
        }
        for (code, from) in open {
            out.regions.push((code, from..usize::MAX));
        }
        out
    }

    fn covers(&self, code: Code, at: usize) -> bool {
        self.regions
            .iter()
            .any(|(c, r)| (c.is_none() || *c == Some(code)) && r.contains(&at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suppression_regions() {
        let text = "甲<!-- essay-lsp-disable placeholder -->乙<!-- essay-lsp-enable -->丙<!-- essay-lsp-disable -->丁";
        let s = Suppressions::parse(text);
        let at = |c: char| text.chars().position(|x| x == c).unwrap();
        assert!(!s.covers(Code::Placeholder, at('甲')));
        assert!(s.covers(Code::Placeholder, at('乙')));
        assert!(!s.covers(Code::Boilerplate, at('乙')));
        assert!(!s.covers(Code::Placeholder, at('丙')));
        assert!(s.covers(Code::Boilerplate, at('丁')));
    }
}
