//! The analysis entry point: everything loaded once, and one call that checks a draft.

use std::num::NonZeroUsize;
use std::ops::{Deref, Range};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex};

use lru::LruCache;

use crate::cache::{CacheKey, IndexCache, MIN_CACHED_CHARS};
use crate::checks::copied::{self, Similarity};
use crate::checks::formulaic::{self, StockPhrases};
use crate::checks::{Check, Code, Context, Finding, Place};
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
    /// Derefs to the `Glossary`, waiting for it if it is still being mined.
    pub glossary: Deferred<Glossary>,
    /// Derefs to the `PhraseBook`, waiting for it if it is still being mined.
    pub phrases: Deferred<PhraseBook>,
    /// Every check; the line-local ones run line by line through `lines`.
    checks: Vec<Box<dyn Check>>,
    /// Findings of the line-local checks by line, so that after an edit only changed lines are
    /// checked again by them.
    lines: LineCache,
    /// How the build went (index from the cache or built, what was mined), for logs.
    pub build: BuildInfo,
}

/// What mining the corpus gives: the glossary and the phrase book.
struct Mined {
    glossary: Glossary,
    phrases: PhraseBook,
    problems: Vec<LoadProblem>,
}

type MineFn = Box<dyn FnOnce() -> Mined + Send>;

/// A part of the analyzer that may still be being built on another thread; dereferencing it
/// waits until it is there.
pub struct Deferred<T: 'static> {
    cell: Arc<LazyLock<Mined, MineFn>>,
    /// Set once the cell holds its value.
    ready: Arc<AtomicBool>,
    get: fn(&Mined) -> &T,
}

impl<T> Deref for Deferred<T> {
    type Target = T;

    fn deref(&self) -> &T {
        (self.get)(LazyLock::force(&self.cell))
    }
}

/// The glossary, the phrase book and the corpus stock phrases are mined from the built-in essays
/// and at most this many characters of the user's (an evenly spread sample of the essays, the
/// whole corpus when it is smaller). Mining runs jieba over every essay and costs ~4 µs a
/// character: all of a 100 MB corpus would take minutes, while a few hundred essays already show
/// which phrases the writer's corpus repeats. Copy detection always uses every essay.
pub const MINING_BUDGET_CHARS: usize = 200_000;

/// User corpora larger than this (bytes on disk) take long enough to read and index that a
/// language server should check documents with the built-in corpus meanwhile.
pub const LARGE_CORPUS_BYTES: u64 = 1 << 20;

/// Whether the user corpus `settings` name is larger than `LARGE_CORPUS_BYTES`.
pub fn has_large_user_corpus(settings: &Settings) -> bool {
    let mut paths = settings.corpus_paths.clone();
    if settings.include_workspace {
        paths.extend(settings.workspace_dir.clone());
    }
    crate::corpus::files_exceed(&paths, LARGE_CORPUS_BYTES)
}

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
    /// The share of empty sentences (套话), beside the 复制比.
    pub formulaic: formulaic::Share,
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
        // files are read and indexed (not waited for: checking does not need it).
        std::thread::spawn(crate::segment::jieba);
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
        (analyzer, problems)
    }

    pub fn from_corpus(corpus: Corpus, settings: &Settings) -> (Analyzer, Vec<LoadProblem>) {
        Analyzer::from_corpus_with(corpus, settings, &BuildOptions::default())
    }

    /// Builds the index and mines the corpus at the same time, on all cores.
    ///
    /// What checking needs (index, stock phrases, residue) is ready when this returns. The
    /// glossary and the phrase book (hover, completion) are mined on a background thread when
    /// nothing waits for their problems (no user glossary files): the first diagnostics need not
    /// wait for jieba's dictionary, and the first hover or completion waits for the rest.
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
        let mined = mining_sample(&corpus, MINING_BUDGET_CHARS).unwrap_or_else(|| corpus.clone());
        let mut build = BuildInfo {
            mined_essays: mined.essays.len(),
            mined_chars: mined.essays.iter().map(|e| e.text.chars().count()).sum(),
            ..BuildInfo::default()
        };
        let premined = premined_corpus_phrases(&corpus);
        let glossary_paths = settings.glossary_paths.clone();
        let eager = !glossary_paths.is_empty();
        let mined = Arc::new(mined);
        let for_mining = mined.clone();
        let ready = Arc::new(AtomicBool::new(false));
        let set_ready = ready.clone();
        let mining: Arc<LazyLock<Mined, MineFn>> = Arc::new(LazyLock::new(Box::new(move || {
            let (glossary, problems) = Glossary::load(&for_mining, &glossary_paths);
            let terms: Vec<String> = glossary
                .entries()
                .iter()
                .flat_map(|e| std::iter::once(e.term.clone()).chain(e.variants.iter().cloned()))
                .collect();
            let phrases = PhraseBook::build(&for_mining, &terms);
            set_ready.store(true, Ordering::Release);
            Mined {
                glossary,
                phrases,
                problems,
            }
        })));
        let (stock, index) = std::thread::scope(|s| {
            let stock = s.spawn(|| match premined {
                Some(phrases) => {
                    StockPhrases::with_corpus_phrases(phrases, &settings.extra_stock_phrases)
                }
                None => StockPhrases::build(&mined, &settings.extra_stock_phrases),
            });
            if eager {
                let mining = mining.clone();
                s.spawn(move || {
                    LazyLock::force(&mining);
                });
            }
            report(Stage::Indexing, 0);
            let index = build_index(&corpus, options.cache.as_ref(), &mut build);
            report(Stage::Mining, 0);
            let stock = stock.join().expect("stock phrases build");
            (stock, index)
        });
        let problems = if eager {
            LazyLock::force(&mining).problems.clone()
        } else {
            let background = mining.clone();
            std::thread::spawn(move || {
                LazyLock::force(&background);
            });
            Vec::new()
        };
        report(Stage::Mining, 1);
        let analyzer = Analyzer {
            corpus,
            index,
            glossary: Deferred {
                cell: mining.clone(),
                ready: ready.clone(),
                get: |m| &m.glossary,
            },
            phrases: Deferred {
                cell: mining,
                ready,
                get: |m| &m.phrases,
            },
            checks: crate::checks::all(stock),
            lines: LineCache::new(),
            build,
        };
        (analyzer, problems)
    }

    /// Whether the glossary and the phrase book are mined (else a hover or completion waits).
    pub fn is_mined(&self) -> bool {
        self.glossary.ready.load(Ordering::Acquire)
    }

    /// Blocks until the glossary and the phrase book are mined.
    pub fn wait_mined(&self) {
        LazyLock::force(&self.glossary.cell);
    }

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
        let draft = normalize(text);

        // The essay itself, when it is part of the corpus (`corpus.includeWorkspace`).
        let skip = crate::project::essays_from_files(&self.corpus, &settings.skip_corpus_files);
        let spans = copied::find_copies_skipping(
            &self.index,
            &draft,
            text,
            settings.min_match_chars,
            &skip,
        );
        let similarity = Similarity::from_spans(&spans, draft.len());
        let cx = Context::new(text, settings, &self.corpus, &self.index, &spans).with_draft(draft);
        let mut findings = Vec::new();
        let (line_local, whole): (Vec<&dyn Check>, Vec<&dyn Check>) = self
            .checks
            .iter()
            .map(|c| &**c)
            .partition(|c| c.line_local());
        for check in whole {
            findings.extend(check.check(&cx));
        }
        let line_cx = |line| Context::new(line, settings, &self.corpus, &self.index, &[]);
        if reuse {
            self.lines.check(text, &line_local, &line_cx, &mut findings);
        } else {
            for check in &line_local {
                findings.extend(check.check(&line_cx(text)));
            }
        }

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
        let formulaic = formulaic::share(cx.draft(), &findings);
        Report {
            findings,
            similarity,
            formulaic,
            truncated_at,
        }
    }
}

/// `corpus/stock-phrases-mined.txt`: `formulaic::corpus_phrases` of the built-in corpus, mined
/// ahead of time so that a server with the built-in corpus alone can check a draft before jieba's
/// dictionary has loaded. A test keeps the file equal to what mining gives.
pub const MINED_STOCK_PHRASES: &str = "stock-phrases-mined.txt";

/// The corpus phrases of `corpus` when they are known without mining: for the built-in corpus
/// exactly.
fn premined_corpus_phrases(corpus: &Corpus) -> Option<Vec<String>> {
    let builtin_only = !corpus.essays.is_empty() && corpus.essays.iter().all(|e| e.is_builtin());
    (builtin_only && corpus.essays.len() == Corpus::builtin().essays.len()).then(|| {
        crate::builtin::list(MINED_STOCK_PHRASES)
            .map(str::to_owned)
            .collect()
    })
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
        sample.push(
            essay.title.clone(),
            essay.text.clone(),
            essay.origin.clone(),
        );
    }
    let stride = total.div_ceil(budget).max(1);
    let mut taken = 0;
    for essay in user.iter().step_by(stride) {
        let chars = essay.text.chars().count();
        if taken + chars > budget && taken > 0 {
            break;
        }
        taken += chars;
        sample.push(
            essay.title.clone(),
            essay.text.clone(),
            essay.origin.clone(),
        );
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
struct LineCache {
    lines: Mutex<LruCache<String, Arc<[Finding]>>>,
}

impl LineCache {
    fn new() -> LineCache {
        LineCache {
            lines: Mutex::new(LruCache::new(
                NonZeroUsize::new(LINE_CACHE_LINES).expect("non-zero"),
            )),
        }
    }

    fn check<'t>(
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
            out.extend(found.iter().map(|f| shifted(f, offset)));
            offset += line.chars().count();
        }
    }
}

/// `f` with every draft range moved `by` chars on.
fn shifted(f: &Finding, by: usize) -> Finding {
    let mut f = f.clone();
    let shift = |r: &mut Range<usize>| *r = r.start + by..r.end + by;
    shift(&mut f.range);
    for related in &mut f.related {
        if let Place::Draft(r) = &mut related.place {
            shift(r);
        }
    }
    for fix in &mut f.fixes {
        for edit in &mut fix.edits {
            shift(&mut edit.range);
        }
    }
    f
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

    /// Regenerate with `ESSAY_LSP_BLESS=1 cargo test -p essay-lsp --lib mined_stock_phrases`.
    #[test]
    fn mined_stock_phrases_file_is_up_to_date() {
        let mined = formulaic::corpus_phrases(&Corpus::builtin());
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../corpus/stock-phrases-mined.txt"
        );
        if std::env::var_os("ESSAY_LSP_BLESS").is_some() {
            let mut text = String::from(
                "# Generated: the corpus stock phrases the formulaic check mines from the built-in\n\
                 # corpus (checks/formulaic/mining.rs, corpus_phrases), kept here so the server can\n\
                 # check drafts before jieba has loaded. Do not edit; regenerate with\n\
                 #   ESSAY_LSP_BLESS=1 cargo test -p essay-lsp --lib mined_stock_phrases\n",
            );
            if mined.is_empty() {
                let essays = Corpus::builtin().essays.len();
                text.push_str(&format!(
                    "#\n# Empty: no word run passes the mining rules in the built-in corpus. Its {essays}\n\
                     # essays are short and share the topic; a run must recur in 4 of them and in 30 %,\n\
                     # avoid the topic's characters, and lead with a predicate, while the curated\n\
                     # stock phrases are single words to jieba and lead no run. Larger user corpora\n\
                     # can yield phrases (mined when the server starts).\n"
                ));
            }
            for phrase in &mined {
                text.push_str(phrase);
                text.push('\n');
            }
            std::fs::write(path, text).unwrap();
            return;
        }
        let stored: Vec<String> = crate::builtin::list(MINED_STOCK_PHRASES)
            .map(str::to_owned)
            .collect();
        assert_eq!(
            stored, mined,
            "corpus/stock-phrases-mined.txt is stale: run \
             ESSAY_LSP_BLESS=1 cargo test -p essay-lsp --lib mined_stock_phrases"
        );
        assert_eq!(
            premined_corpus_phrases(&Corpus::builtin()).as_deref(),
            Some(&mined[..])
        );
        let mut with_user = Corpus::builtin();
        with_user.push(
            "mine".to_owned(),
            "我的文章".to_owned(),
            crate::corpus::Origin::File("mine.txt".into()),
        );
        assert_eq!(premined_corpus_phrases(&with_user), None);
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
        let (analyzer, _) = Analyzer::build(&Settings::default(), &options);
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
        let mut text: Vec<char> = include_str!("../../examples/draft.md").chars().collect();
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
        }
        // The cache was used: the last draft's lines are all in it.
        let draft: String = text.iter().collect();
        let cached = analyzer.lines.lines.lock().unwrap().len();
        assert!(cached >= draft.split_inclusive('\n').count().min(LINE_CACHE_LINES) / 2);
    }

    #[test]
    fn large_corpora_are_mined_from_an_even_sample() {
        let mut corpus = Corpus::builtin();
        let builtin = corpus.essays.len();
        assert!(
            mining_sample(&corpus, 1000).is_none(),
            "no user essays: mine all"
        );
        for i in 0..400 {
            corpus.push(
                format!("user{i}"),
                "脱贫攻坚是全面建成小康社会的底线任务。".repeat(50),
                crate::corpus::Origin::File(format!("user{i}.txt").into()),
            );
        }
        let per_essay = corpus.essays[builtin].text.chars().count();
        assert!(mining_sample(&corpus, 400 * per_essay).is_none());
        let sample = mining_sample(&corpus, 40 * per_essay).unwrap();
        let user: Vec<&str> = sample.essays[builtin..]
            .iter()
            .map(|e| e.title.as_str())
            .collect();
        assert_eq!(user.len(), 40);
        assert_eq!(user[..3], ["user0", "user10", "user20"]);
        assert!(sample.essays[..builtin].iter().all(|e| e.is_builtin()));
        // Ids are the sample's own: the glossary and phrase book index into it.
        assert!(sample.essays.iter().enumerate().all(|(i, e)| e.id == i));
    }

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
