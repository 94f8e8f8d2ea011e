//! Building an analyzer: reading the corpus, the fingerprint index (or the cache's copy),
//! and mining the glossary, the phrase book and the corpus stock phrases.

use std::ops::Deref;
use std::path::PathBuf;
use std::sync::{mpsc, Arc, Mutex, OnceLock};

use super::line_cache::LineCache;
use super::Analyzer;
use crate::cache::{CacheKey, IndexCache, MIN_CACHED_CHARS};
use crate::checks::formulaic::{LateStock, StockPhrases};
use crate::checks::{copied, Check};
use crate::config::Settings;
use crate::corpus::{Corpus, LoadProblem};
use crate::fingerprint::Index;
use crate::glossary::Glossary;
use crate::normalize::{normalize, Normalized};
use crate::parallel;
use crate::phrases::PhraseBook;

/// Mining the corpus for hover and completion: the work, run once by whoever asks first, and
/// what it gives, each part published as soon as it is there (hover need not wait for the
/// phrase book, nor completion for the glossary).
struct Mining {
    work: Mutex<Option<MineFn>>,
    /// `None` when the work panicked before it got there.
    glossary: OnceLock<Option<Glossary>>,
    phrases: OnceLock<Option<PhraseBook>>,
    /// Problems with the glossary files.
    problems: OnceLock<Vec<LoadProblem>>,
}

type MineFn = Box<dyn FnOnce(&Mining) + Send>;

impl Mining {
    fn new(work: MineFn) -> Arc<Mining> {
        Arc::new(Mining {
            work: Mutex::new(Some(work)),
            glossary: OnceLock::new(),
            phrases: OnceLock::new(),
            problems: OnceLock::new(),
        })
    }

    /// Runs the work on this thread unless another has started it.
    fn start(&self) {
        let work = self.work.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(work) = work {
            let _rest = PublishTheRest(self);
            work(self);
        }
    }

    /// Starts the work if nobody has and waits for all of it.
    fn finish(&self) {
        self.start();
        self.glossary.wait();
        self.phrases.wait();
        self.problems.wait();
    }
}

/// Once the work is over, publishes as missing the parts it did not (it panicked), so that
/// waiters panic instead of hanging.
struct PublishTheRest<'m>(&'m Mining);

impl Drop for PublishTheRest<'_> {
    fn drop(&mut self) {
        let _ = self.0.glossary.set(None);
        let _ = self.0.phrases.set(None);
        let _ = self.0.problems.set(Vec::new());
    }
}

/// A part of the analyzer that may still be being mined on another thread; dereferencing it
/// waits until it is there.
pub struct Deferred<T: 'static> {
    mining: Arc<Mining>,
    part: fn(&Mining) -> &OnceLock<Option<T>>,
}

impl<T> Clone for Deferred<T> {
    fn clone(&self) -> Self {
        Deferred {
            mining: self.mining.clone(),
            part: self.part,
        }
    }
}

impl<T> Deferred<T> {
    /// Whether it is there (else dereferencing waits).
    pub fn is_ready(&self) -> bool {
        (self.part)(&self.mining).get().is_some()
    }

    /// Blocks until it is there, mining on this thread if nobody has started.
    pub fn wait(&self) {
        self.mining.start();
        (self.part)(&self.mining).wait();
    }
}

impl<T> Deref for Deferred<T> {
    type Target = T;

    fn deref(&self) -> &T {
        if !self.is_ready() {
            self.wait();
        }
        (self.part)(&self.mining)
            .get()
            .and_then(Option::as_ref)
            .expect("mining the corpus failed (see the panic above)")
    }
}

/// What hover and completion read: the glossary and the phrase book, mined or being mined.
#[derive(Clone)]
pub struct Language {
    pub glossary: Deferred<Glossary>,
    pub phrases: Deferred<PhraseBook>,
}

impl Language {
    fn of(mining: Arc<Mining>) -> Language {
        Language {
            glossary: Deferred {
                mining: mining.clone(),
                part: |m| &m.glossary,
            },
            phrases: Deferred {
                mining,
                part: |m| &m.phrases,
            },
        }
    }

    /// The glossary and phrase book of the built-in corpus without glossary files: the ones
    /// every analyzer of that corpus shares, so hover and completion need not wait for an
    /// analyzer (its index and the checks' automata) to be built.
    pub fn builtin() -> Language {
        Language::of(builtin_mining())
    }

    /// Whether both are mined (else dereferencing one may wait).
    pub fn is_mined(&self) -> bool {
        self.glossary.is_ready() && self.phrases.is_ready()
    }

    /// Blocks until both are mined.
    pub fn wait_mined(&self) {
        self.glossary.mining.finish();
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
    paths.extend(settings.reference_paths.iter().cloned());
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

impl Analyzer {
    /// Loads the corpora and glossaries the settings name; unreadable files are returned as
    /// problems and skipped.
    pub fn new(settings: &Settings) -> (Analyzer, Vec<LoadProblem>) {
        Analyzer::build(settings, &BuildOptions::default())
    }

    /// `new`, with progress reports and a choice of index cache.
    pub fn build(settings: &Settings, options: &BuildOptions) -> (Analyzer, Vec<LoadProblem>) {
        Analyzer::build_scoped(settings, options, None)
    }

    /// `build`, for an analyzer that checks only `texts` (and nothing derived from them), as
    /// the CLI's: the corpus is mined only for what checking these texts needs (see
    /// [`Analyzer::from_corpus_for`]).
    pub fn build_for(
        settings: &Settings,
        options: &BuildOptions,
        texts: &[&str],
    ) -> (Analyzer, Vec<LoadProblem>) {
        Analyzer::build_scoped(settings, options, Some(texts))
    }

    fn build_scoped(
        settings: &Settings,
        options: &BuildOptions,
        texts: Option<&[&str]>,
    ) -> (Analyzer, Vec<LoadProblem>) {
        // jieba's dictionary takes ~0.1 s to load and only mining user essays needs it (the
        // built-in ones are segmented ahead of time): load it while the files are read and
        // indexed (not waited for: checking does not need it). An analyzer for known texts
        // tags the few clauses it needs with a slice of it instead (`segment::jieba_for`).
        if texts.is_none()
            && (!settings.corpus_paths.is_empty()
                || !settings.reference_paths.is_empty()
                || settings.include_workspace)
        {
            crate::segment::load_in_background();
        }
        let reading = |done, total| {
            (options.progress)(Progress {
                stage: Stage::Reading,
                done,
                total,
            })
        };
        let (mut corpus, mut problems) = Corpus::load_roles(
            &settings.corpus_paths,
            &settings.reference_paths,
            settings.include_builtin,
            &reading,
        );
        crate::corpus::add_workspace_essays(&mut corpus, settings, &mut problems);
        let (analyzer, more) = Analyzer::from_corpus_scoped(corpus, settings, options, texts);
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
        Analyzer::from_corpus_scoped(corpus, settings, options, None)
    }

    /// `from_corpus_with`, for an analyzer that checks only `texts`: of the corpus stock phrases
    /// only those that can match in them are mined (`mining::stock::corpus_phrases_in`: the
    /// same findings, without loading jieba's whole dictionary), and the glossary and phrase book, which only
    /// hover and completion use, are mined only if something asks for them.
    pub fn from_corpus_for(
        corpus: Corpus,
        settings: &Settings,
        options: &BuildOptions,
        texts: &[&str],
    ) -> (Analyzer, Vec<LoadProblem>) {
        Analyzer::from_corpus_scoped(corpus, settings, options, Some(texts))
    }

    fn from_corpus_scoped(
        corpus: Corpus,
        settings: &Settings,
        options: &BuildOptions,
        texts: Option<&[&str]>,
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
        // `Language::builtin` relies on this choice: the built-in corpus alone, no glossary files.
        let mining = if premined.is_some() && !eager && is_builtin(&corpus) {
            builtin_mining()
        } else {
            mining_of(mined.clone(), glossary_paths)
        };
        // With the built-in corpus alone, mining needs no jieba and is what hover and completion
        // wait for: it starts first, on a core of its own, while the checks' automata are built
        // on the other one (one thread after the other, so as not to take mining's core).
        // Mining a user corpus loads jieba and would slow the index build: it waits until the
        // build is done (or runs beside it when glossary files' problems must be waited for).
        // An analyzer for known texts mines only if asked.
        let mine_first = premined.is_some() && texts.is_none();
        if mine_first {
            let early = mining.clone();
            std::thread::spawn(move || early.start());
        }
        let (stock, index, wording) = std::thread::scope(|s| {
            // The automata the checks share: otherwise the first check would build them.
            let shared = || {
                let wording = crate::checks::wording::Wording::shared(&settings.glossary_paths);
                crate::checks::prepare();
                wording
            };
            let first = mining.clone();
            let automata = s.spawn(move || -> (Box<dyn Check>, _) {
                let extra = &settings.extra_stock_phrases;
                match (premined, texts) {
                    (Some(phrases), _) => {
                        // Hover and completion wait for mining, the first check for this: both
                        // cores go to mining first.
                        if mine_first {
                            first.finish();
                        }
                        (Box::new(builtin_stock(phrases, extra)), shared())
                    }
                    // Checking known texts need not wait for the corpus's stock phrases: they
                    // are mined while the other checks run (`LateStock`).
                    (None, Some(texts)) => {
                        let texts: Vec<String> = texts.iter().map(|&t| t.to_owned()).collect();
                        let (cache, extra) = (options.cache.clone(), extra.clone());
                        let late = LateStock::building(move || {
                            let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
                            user_stock(&mined, Some(&texts), cache.as_ref(), &extra)
                        });
                        (Box::new(late), shared())
                    }
                    // Mining the corpus's stock phrases takes a while: the rest beside it.
                    (None, None) => std::thread::scope(|inner| {
                        let wording = inner.spawn(shared);
                        let stock = user_stock(&mined, None, options.cache.as_ref(), extra);
                        let stock: Box<dyn Check> = Box::new(stock);
                        (stock, wording.join().expect("wording build"))
                    }),
                }
            });
            if eager && !mine_first {
                let mining = mining.clone();
                s.spawn(move || mining.start());
            }
            report(Stage::Indexing, 0);
            let index = build_index(&corpus, options.cache.as_ref(), &mut build);
            report(Stage::Mining, 0);
            let (stock, wording) = automata.join().expect("checks' automata build");
            (stock, index, wording)
        });
        let problems = if eager {
            mining.finish();
            mining.problems.wait().clone()
        } else if texts.is_some() {
            Vec::new()
        } else {
            if !mine_first {
                let background = mining.clone();
                std::thread::spawn(move || background.start());
            }
            Vec::new()
        };
        report(Stage::Mining, 1);
        let sources = copied::Sources::new(&corpus, wording);
        let language = Language::of(mining);
        let analyzer = Analyzer {
            corpus,
            index,
            sources,
            glossary: language.glossary,
            phrases: language.phrases,
            checks: crate::checks::all(stock),
            lines: LineCache::new(),
            split_lines: texts.is_some(),
            build,
        };
        (analyzer, problems)
    }

    /// Whether the glossary and the phrase book are mined (else a hover or completion waits).
    pub fn is_mined(&self) -> bool {
        self.language().is_mined()
    }

    /// Blocks until the glossary and the phrase book are mined.
    pub fn wait_mined(&self) {
        self.language().wait_mined()
    }

    /// The glossary and phrase book, for hover and completion.
    pub fn language(&self) -> Language {
        Language {
            glossary: self.glossary.clone(),
            phrases: self.phrases.clone(),
        }
    }
}

/// Mines `corpus` (glossary with the files `glossary_paths`, phrase book) when first started.
fn mining_of(corpus: Arc<Corpus>, glossary_paths: Vec<PathBuf>) -> Arc<Mining> {
    Mining::new(Box::new(move |mining: &Mining| {
        // Segmented once for both miners, which run side by side: the phrase book needs only
        // the glossary's terms, not its mined usage, and those only at the end, so it starts
        // before the glossary files are even read.
        let words = crate::mining::Segmented::of(&corpus);
        let (terms_tx, terms_rx) = mpsc::channel();
        // The phrase book of the built-in corpus with the built-in glossary's terms comes with
        // the binary.
        let builtin_book = glossary_paths.is_empty() && is_builtin(&corpus);
        std::thread::scope(|s| {
            let words = &words;
            let corpus = &corpus;
            s.spawn(move || {
                let phrases = if builtin_book {
                    PhraseBook::builtin(Corpus::clone(corpus))
                } else {
                    PhraseBook::build_with(words, || terms_rx.recv().unwrap_or_default())
                };
                let _ = mining.phrases.set(Some(phrases));
            });
            let (entries, problems) = Glossary::unmined_entries(&glossary_paths);
            if !builtin_book {
                let _ = terms_tx.send(crate::glossary::terms_of(&entries));
            }
            let _ = mining.problems.set(problems);
            let _ = mining.glossary.set(Some(Glossary::build(words, entries)));
        });
    }))
}

/// The glossary and phrase book of the built-in corpus without glossary files: the same for
/// every analyzer of the built-in corpus alone, so mined once per process (and rebuilding an
/// analyzer after a settings change does not mine again).
fn builtin_mining() -> Arc<Mining> {
    static BUILTIN: OnceLock<Arc<Mining>> = OnceLock::new();
    BUILTIN
        .get_or_init(|| mining_of(builtin_corpus(), Vec::new()))
        .clone()
}

/// `Corpus::builtin()`, made once for the shared mining and for telling it apart.
fn builtin_corpus() -> Arc<Corpus> {
    static CORPUS: OnceLock<Arc<Corpus>> = OnceLock::new();
    CORPUS.get_or_init(|| Arc::new(Corpus::builtin())).clone()
}

/// Whether `corpus` is the built-in corpus, essay for essay (the mined data index its essays).
fn is_builtin(corpus: &Corpus) -> bool {
    let builtin = builtin_corpus();
    corpus.essays.len() == builtin.essays.len()
        && corpus
            .essays
            .iter()
            .zip(&builtin.essays)
            .all(|(a, b)| a.is_builtin() && a.id == b.id && a.text == b.text)
}

/// The 套话 check's phrases for the built-in corpus's `phrases`: without the writer's own ones
/// the same for every analyzer, so built once per process (a copy is a few memcpys).
fn builtin_stock(phrases: Vec<String>, extra: &[String]) -> StockPhrases {
    static BUILTIN: OnceLock<StockPhrases> = OnceLock::new();
    if !extra.is_empty() {
        return StockPhrases::with_corpus_phrases(phrases, extra);
    }
    BUILTIN
        .get_or_init(|| StockPhrases::with_corpus_phrases(phrases, &[]))
        .clone()
}

/// Starts building, each on a thread of its own, what an analyzer of the built-in corpus alone
/// needs and every such analyzer shares: the glossary and phrase book, and the checks'
/// automata. A language server whose settings name no corpus or glossary calls it as it starts,
/// before any document asks for an analyzer, so that hover and completion are ready sooner.
pub fn warm_up() {
    std::thread::spawn(|| builtin_mining().start());
    std::thread::spawn(|| {
        // Mining first, on both cores (hover and completion wait for it; the first check can
        // wait a little longer).
        builtin_mining().finish();
        crate::checks::wording::Wording::shared(&[]);
        crate::checks::prepare();
        if let Some(phrases) = premined_corpus_phrases(&builtin_corpus()) {
            builtin_stock(phrases, &[]);
        }
    });
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

/// The 套话 check for a user corpus: the built-in lexicon, `mined`'s corpus phrases
/// (`user_corpus_phrases`) and the writer's `extra` phrases.
fn user_stock(
    mined: &Corpus,
    texts: Option<&[&str]>,
    cache: Option<&IndexCache>,
    extra: &[String],
) -> StockPhrases {
    StockPhrases::with_corpus_phrases(user_corpus_phrases(mined, texts, cache), extra)
}

/// The corpus stock phrases of `mined` (with user essays): from the cache when it holds them, else
/// mined. For known `texts`, only those that can match in them, so that only the clauses that
/// hold one are tagged; that restricted list is not stored (mining all of them for the cache would cost a cold
/// check 10–25 % more). A cache that cannot be written is not reported: the index cache, in the
/// same folder, reports it.
fn user_corpus_phrases(
    mined: &Corpus,
    texts: Option<&[&str]>,
    cache: Option<&IndexCache>,
) -> Vec<String> {
    use crate::mining::stock;
    let key = cache.map(|_| stock::cache_key(mined));
    if let Some(all) = cache.zip(key.as_ref()).and_then(|(c, k)| c.load_phrases(k)) {
        return match texts {
            Some(texts) => stock::matching(all, texts),
            None => all,
        };
    }
    if let Some(texts) = texts {
        use crate::cache::ListKind;
        let cached = cache.zip(key.as_ref());
        let load = |kind| cached.and_then(|(c, k)| c.load_list(kind, k));
        let tagged = load(ListKind::TaggedClauses);
        let recurring = load(ListKind::Recurring)
            .and_then(|lines| stock::Recurring::from_lines(lines.iter().map(String::as_str)))
            .or_else(|| {
                let recurring = stock::Recurring::of(mined)?;
                if let Some((cache, key)) = cached {
                    let kept = recurring.clone();
                    cache.store_list_later(ListKind::Recurring, *key, move || kept.to_lines());
                }
                Some(recurring)
            });
        let Some(recurring) = recurring else {
            return Vec::new();
        };
        let mut tagged = tagged
            .and_then(|lines| stock::TaggedClauses::from_lines(lines.iter().map(String::as_str)))
            .unwrap_or_default();
        let phrases =
            stock::corpus_phrases_in(mined, texts, &recurring, &mut tagged).unwrap_or_default();
        if let Some((cache, key)) = cached.filter(|_| tagged.added() > 0) {
            cache.store_list_later(ListKind::TaggedClauses, *key, move || tagged.to_lines());
        }
        return phrases;
    }
    let all = stock::corpus_phrases(mined);
    if let Some((cache, key)) = cache.zip(key) {
        let _ = cache.store_phrases(&key, &all);
    }
    all
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A glossary of no entries, mined from nothing.
    fn empty_glossary() -> Glossary {
        Glossary::build(
            &crate::mining::Segmented::of(&Corpus::default()),
            Vec::new(),
        )
    }

    #[test]
    fn the_glossary_is_served_before_the_phrase_book_is_mined() {
        let (go_on, wait) = mpsc::channel::<()>();
        let (started, has_started) = mpsc::channel::<()>();
        let language = Language::of(Mining::new(Box::new(move |m: &Mining| {
            started.send(()).unwrap();
            let _ = m.glossary.set(Some(empty_glossary()));
            let _ = m.problems.set(Vec::new());
            wait.recv().unwrap();
            let _ = m.phrases.set(Some(PhraseBook::default()));
        })));
        let worker = language.clone();
        let mining = std::thread::spawn(move || worker.wait_mined());
        // Mining runs on the worker, not on this thread (which would then wait for itself).
        has_started.recv().unwrap();
        assert_eq!(language.glossary.entries().len(), 0);
        assert!(language.glossary.is_ready());
        assert!(!language.phrases.is_ready());
        assert!(!language.is_mined());
        go_on.send(()).unwrap();
        assert_eq!(language.phrases.phrase_count(), 0);
        mining.join().unwrap();
        assert!(language.is_mined());
    }

    #[test]
    fn a_failed_mining_fails_its_waiters_instead_of_hanging() {
        let language = Language::of(Mining::new(Box::new(|m: &Mining| {
            let _ = m.glossary.set(Some(empty_glossary()));
            panic!("mining broke");
        })));
        let worker = language.clone();
        assert!(std::thread::spawn(move || worker.wait_mined())
            .join()
            .is_err());
        assert_eq!(language.glossary.entries().len(), 0);
        let phrases = language.phrases.clone();
        assert!(std::thread::spawn(move || phrases.phrase_count())
            .join()
            .is_err());
    }

    /// Regenerate with `ESSAY_LSP_BLESS=1 cargo test -p essay-core --lib mined_stock_phrases`.
    #[test]
    fn mined_stock_phrases_file_is_up_to_date() {
        let mined = crate::checks::formulaic::corpus_phrases(&Corpus::builtin());
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../corpus/stock-phrases-mined.txt"
        );
        if std::env::var_os("ESSAY_LSP_BLESS").is_some() {
            let mut text = String::from(
                "# Generated: the corpus stock phrases the formulaic check mines from the built-in\n\
                 # corpus (checks/formulaic/mining.rs, corpus_phrases), kept here so the server can\n\
                 # check drafts before jieba has loaded. Do not edit; regenerate with\n\
                 #   ESSAY_LSP_BLESS=1 cargo test -p essay-core --lib mined_stock_phrases\n",
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
             ESSAY_LSP_BLESS=1 cargo test -p essay-core --lib mined_stock_phrases"
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

    /// An analyzer for known texts mines less, and checks those texts exactly as the full one.
    #[test]
    fn an_analyzer_for_known_texts_finds_the_same() {
        let pool = [
            "各项工作严重滞后，群众意见很大。",
            "要切实加强组织领导，认真落实各项措施。",
            "深入开展调查研究，扎实推进各项工作。",
        ];
        let mut corpus = Corpus::builtin();
        for (i, essay) in Corpus::builtin().essays.iter().enumerate() {
            corpus.push(
                format!("体会{i}"),
                format!("{}{}{}", pool[i % 3], essay.text, pool[(i + 1) % 3]),
                crate::corpus::Origin::File(format!("{i}.txt").into()),
            );
        }
        let drafts = [
            format!("{}{}", pool[0], pool[1].repeat(2)),
            format!("工作严重地滞后。{}", Corpus::builtin().essays[1].text),
            "村里去年修了3公里水渠。".to_owned(),
        ];
        let texts: Vec<&str> = drafts.iter().map(String::as_str).collect();
        let settings = Settings::default();
        let options = BuildOptions {
            progress: &|_| {},
            cache: None,
        };
        let (all, _) = Analyzer::from_corpus_with(corpus.clone(), &settings, &options);
        let (some, _) = Analyzer::from_corpus_for(corpus, &settings, &options, &texts);
        for draft in &drafts {
            let (a, b) = (all.check(draft, &settings), some.check(draft, &settings));
            assert_eq!(a.findings, b.findings, "{draft}");
            assert_eq!(a.formulaic, b.formulaic, "{draft}");
        }
        let first = all.check(&drafts[0], &settings).findings;
        assert!(
            first
                .iter()
                .any(|f| f.code == crate::checks::Code::FormulaicPhrase),
            "{first:?}"
        );
        assert!(!some.is_mined(), "nothing asked for the glossary");
    }

    /// Mined phrases of user corpora go into the cache, and come out of it the same.
    #[test]
    fn corpus_phrases_are_cached() {
        use crate::mining::stock;
        let mut corpus = Corpus::builtin();
        for (i, essay) in Corpus::builtin().essays.iter().enumerate() {
            corpus.push(
                format!("体会{i}"),
                format!("各项工作严重滞后。{}", essay.text),
                crate::corpus::Origin::File(format!("{i}.txt").into()),
            );
        }
        let all = stock::corpus_phrases(&corpus);
        assert!(all.contains(&"严重滞后".to_owned()), "{all:?}");
        let dir = tempfile::tempdir().unwrap();
        let cache = IndexCache::at(dir.path());
        let key = stock::cache_key(&corpus);
        let draft = ["工作严重滞后"];
        let want = stock::matching(all.clone(), &draft);
        assert_eq!(want, ["严重滞后"]);
        // For known texts: only the matching phrases, and nothing stored.
        assert_eq!(
            user_corpus_phrases(&corpus, Some(&draft), Some(&cache)),
            want
        );
        assert_eq!(cache.load_phrases(&key), None);
        // Without texts: mined in full and stored.
        assert_eq!(user_corpus_phrases(&corpus, None, Some(&cache)), all);
        assert_eq!(cache.load_phrases(&key), Some(all.clone()));
        assert_eq!(
            user_corpus_phrases(&corpus, Some(&draft), Some(&cache)),
            want
        );
        // From the cache (a changed entry shows it was read).
        cache.store_phrases(&key, &["扎实推进".to_owned()]).unwrap();
        assert_eq!(
            user_corpus_phrases(&corpus, None, Some(&cache)),
            ["扎实推进"]
        );
        assert!(user_corpus_phrases(&corpus, Some(&draft), Some(&cache)).is_empty());
    }

    #[test]
    fn analyzers_of_the_builtin_corpus_share_one_mining() {
        let settings = Settings::default();
        let (a, _) = Analyzer::from_corpus(Corpus::builtin(), &settings);
        let (b, _) = Analyzer::from_corpus(Corpus::builtin(), &settings);
        assert!(Arc::ptr_eq(&a.glossary.mining, &b.glossary.mining));
        assert!(Arc::ptr_eq(&a.phrases.mining, &builtin_mining()));
        let mut with_user = Corpus::builtin();
        with_user.push(
            "mine".to_owned(),
            "我的文章".to_owned(),
            crate::corpus::Origin::File("mine.txt".into()),
        );
        assert!(!is_builtin(&with_user));
        let (c, _) = Analyzer::from_corpus(with_user, &settings);
        assert!(!Arc::ptr_eq(&a.glossary.mining, &c.glossary.mining));
        let mut other_text = Corpus::builtin();
        other_text.essays[0].text.push('。');
        assert!(!is_builtin(&other_text));
    }

    #[test]
    fn hover_before_the_analyzer_reads_what_the_analyzer_would() {
        // The server serves hover and completion from `Language::builtin` for such keys.
        let settings = Settings::default();
        assert!(crate::context::CorpusKey::of(&settings).is_builtin_only());
        let (analyzer, _) = Analyzer::new(&settings);
        let language = Language::builtin();
        assert!(Arc::ptr_eq(
            &analyzer.glossary.mining,
            &language.glossary.mining
        ));
        assert!(Arc::ptr_eq(
            &analyzer.phrases.mining,
            &language.phrases.mining
        ));
        let glossary_file = Settings {
            glossary_paths: vec!["my-glossary.toml".into()],
            ..Settings::default()
        };
        assert!(!crate::context::CorpusKey::of(&glossary_file).is_builtin_only());
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
}
