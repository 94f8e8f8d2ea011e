//! The server's state: open documents, settings, analyzers per corpus key, and the scheduling of
//! analysis. The request handlers are `handlers.rs`; conversions to LSP types `convert.rs`.
//!
//! Handlers may run concurrently (tower-lsp-server polls up to four at once), so every state
//! change happens synchronously at the start of a handler, before its first `.await`; document
//! versions only move forward; analysis runs on the blocking pool after a debounce, and a result
//! is published only if its document has not changed since.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tower_lsp_server::ls_types::notification::Notification;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::Client;

use essay_core::analysis::{
    has_large_user_corpus, Analyzer, BuildOptions, Deferred, Language, Progress, Report,
    MAX_ANALYZED_CHARS, MAX_FINDINGS,
};
use essay_core::config::Settings;
use essay_core::context::CorpusKey;
use essay_core::document::{Document, PositionEncoding};

use super::convert;
use super::workspace::{ConfigReport, Workspace};
use essay_core::context::EssayContext;

/// How often project and glossary files are looked at when the client has no file watchers.
const POLL_INTERVAL: Duration = Duration::from_secs(2);

/// Sent after each analysis, for a status-bar item: `essayLsp/status`.
pub enum StatusNotification {}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusParams {
    pub uri: Uri,
    pub version: i32,
    pub copy_ratio: f64,
    /// 引用比: quotations and reference documents.
    pub quote_ratio: f64,
    pub summary: String,
}

impl Notification for StatusNotification {
    type Params = StatusParams;
    const METHOD: &'static str = "essayLsp/status";
}

#[derive(Clone)]
pub struct Backend {
    pub(super) client: Client,
    pub(super) state: Arc<State>,
}

pub(super) struct State {
    pub(super) docs: Mutex<HashMap<Uri, Doc>>,
    /// The editor's settings (defaults < initializationOptions / didChangeConfiguration); each
    /// document's project file goes on top of them (`workspace`).
    pub(super) settings: RwLock<Settings>,
    pub(super) encoding: RwLock<PositionEncoding>,
    pub(super) snippets: AtomicBool,
    pub(super) root: RwLock<Option<PathBuf>>,
    /// All workspace folders the editor named.
    pub(super) folders: RwLock<Vec<PathBuf>>,
    /// Project files, per-document settings and the analyzers, one per corpus key.
    pub(super) workspace: Workspace,
    /// Each document's resolved settings, with when they were resolved: resolving walks the
    /// folders up to a project file, so it is done once per `POLL_INTERVAL` at most, and again
    /// at once when the editor's settings or a project file change (`forget_contexts`).
    pub(super) contexts: Mutex<HashMap<Uri, (Instant, EssayContext)>>,
    /// Open `essay-lsp.toml` buffers: not essays, but their edits reload the settings.
    pub(super) configs: Mutex<HashMap<Uri, (Document, i32)>>,
    /// The client can register file watchers dynamically.
    pub(super) watch_files: AtomicBool,
    /// The client accepts `workspace/semanticTokens/refresh`.
    pub(super) refresh_tokens: AtomicBool,
    /// Analyzer builds started, for distinct progress tokens.
    pub(super) builds: AtomicUsize,
    /// The client accepts `window/workDoneProgress/create` (a progress bar while indexing).
    pub(super) work_done_progress: AtomicBool,
    /// Held while publishing, so diagnostics of an older version never overtake a newer one.
    pub(super) publish: tokio::sync::Mutex<()>,
    /// Problems already shown to the writer, so each is shown once.
    pub(super) shown: Mutex<HashSet<String>>,
    pub(super) shutdown: Arc<AtomicBool>,
}

pub(super) struct Doc {
    pub(super) document: Document,
    pub(super) version: i32,
    /// The last analysis, with the document as it was analysed.
    pub(super) analyzed: Option<Arc<Analyzed>>,
}

pub(super) struct Analyzed {
    pub(super) version: i32,
    pub(super) document: Document,
    pub(super) report: Report,
    /// The analyzer the report's essay ids refer to.
    pub(super) analyzer: Arc<Analyzer>,
}

impl Backend {
    pub fn new(client: Client, shutdown: Arc<AtomicBool>) -> Self {
        Backend {
            client,
            state: Arc::new(State {
                docs: Mutex::new(HashMap::new()),
                settings: RwLock::new(Settings::default()),
                encoding: RwLock::new(PositionEncoding::Utf16),
                snippets: AtomicBool::new(false),
                root: RwLock::new(None),
                folders: RwLock::new(Vec::new()),
                workspace: Workspace::default(),
                contexts: Mutex::new(HashMap::new()),
                configs: Mutex::new(HashMap::new()),
                watch_files: AtomicBool::new(false),
                refresh_tokens: AtomicBool::new(false),
                builds: AtomicUsize::new(0),
                work_done_progress: AtomicBool::new(false),
                publish: tokio::sync::Mutex::new(()),
                shown: Mutex::new(HashSet::new()),
                shutdown,
            }),
        }
    }
}

impl State {
    pub(super) fn settings(&self) -> Settings {
        self.settings.read().unwrap().clone()
    }

    pub(super) fn encoding(&self) -> PositionEncoding {
        *self.encoding.read().unwrap()
    }

    /// Settings with relative corpus and glossary paths resolved against the workspace root.
    pub(super) fn resolved_settings(&self) -> Settings {
        let mut settings = self.settings();
        let root = self.root.read().unwrap().clone();
        let resolve = |p: &PathBuf| match &root {
            Some(root) if p.is_relative() => root.join(p),
            _ => p.clone(),
        };
        settings.corpus_paths = settings.corpus_paths.iter().map(resolve).collect();
        settings.reference_paths = settings.reference_paths.iter().map(resolve).collect();
        settings.glossary_paths = settings.glossary_paths.iter().map(resolve).collect();
        settings
    }
}

impl Backend {
    pub(super) async fn log(&self, typ: MessageType, message: impl std::fmt::Display) {
        eprintln!("essay-lsp: {message}");
        self.client.log_message(typ, message).await;
    }

    /// Shows a message once per session; later repeats go to the log only.
    pub(super) async fn show_once(&self, typ: MessageType, message: String) {
        let first = self.state.shown.lock().unwrap().insert(message.clone());
        if first {
            self.client.show_message(typ, &message).await;
        }
        self.log(typ, message).await;
    }

    pub(super) async fn apply_settings(&self, value: &Value) {
        let mut settings = Settings::default();
        let problems = settings.merge_json(value);
        for problem in problems {
            self.show_once(
                MessageType::WARNING,
                format!("essay-lsp 设置有误：{problem}"),
            )
            .await;
        }
        *self.state.settings.write().unwrap() = settings;
        self.forget_contexts();
    }

    /// What the document at `uri` is checked with: the editor's settings, its project file on
    /// top. Publishes the project file's problems when they changed, and re-checks every open
    /// document when its settings did.
    pub(super) fn context(&self, uri: &Uri) -> EssayContext {
        if let Some((at, ctx)) = self.state.contexts.lock().unwrap().get(uri) {
            if at.elapsed() < POLL_INTERVAL {
                return ctx.clone();
            }
        }
        let path = uri.to_file_path().map(|p| p.into_owned());
        let ctx = self.context_at(path.as_deref());
        self.state
            .contexts
            .lock()
            .unwrap()
            .insert(uri.clone(), (Instant::now(), ctx.clone()));
        ctx
    }

    /// Drops every document's resolved settings: the editor's settings or a project file changed.
    pub(super) fn forget_contexts(&self) {
        self.state.contexts.lock().unwrap().clear();
    }

    pub(super) fn context_at(&self, path: Option<&Path>) -> EssayContext {
        let editor = self.state.resolved_settings();
        let folders = self.state.folders.read().unwrap().clone();
        let (ctx, changes) = self.state.workspace.context(&editor, path, &folders);
        self.publish_config_reports(changes.reports);
        if changes.reloaded {
            self.reanalyze_all();
        }
        ctx
    }

    /// Publishes project-file problems as diagnostics on the project file itself.
    pub(super) fn publish_config_reports(&self, reports: Vec<ConfigReport>) {
        if reports.is_empty() {
            return;
        }
        let this = self.clone();
        tokio::spawn(async move {
            for report in reports {
                let Some(uri) = Uri::from_file_path(&report.path) else {
                    continue;
                };
                let file = Document::new(&report.text, this.state.encoding());
                let diagnostics: Vec<Diagnostic> = report
                    .problems
                    .iter()
                    .map(|p| convert::project_problem(&file, p))
                    .collect();
                for p in &report.problems {
                    this.log(
                        MessageType::WARNING,
                        format!(
                            "{}:{}:{}: {}",
                            report.path.display(),
                            p.line,
                            p.column,
                            p.message
                        ),
                    )
                    .await;
                }
                let _publishing = this.state.publish.lock().await;
                if this.state.workspace.is_latest(&report) {
                    this.client
                        .publish_diagnostics(uri, diagnostics, None)
                        .await;
                }
            }
        });
    }

    /// The analyzer for `ctx`, building it if no document needed it yet.
    pub(super) async fn analyzer_for(&self, ctx: &EssayContext) -> Arc<Analyzer> {
        let (mut rx, build) = self.state.workspace.slot(&ctx.key, &ctx.settings);
        if build {
            let this = self.clone();
            let (key, settings) = (ctx.key.clone(), ctx.settings.clone());
            tokio::spawn(async move { this.build_analyzer(key, settings).await });
        }
        let guard = rx
            .wait_for(Option::is_some)
            .await
            .expect("analyzer slots outlive their receivers' waits");
        guard.as_ref().expect("waited for Some").clone()
    }

    /// The glossary and phrase book for `uri` (for hover and completion), mined or being
    /// mined: wait with [`ready`] for the part a request reads. With the built-in corpus alone
    /// they are the shared ones mined from `initialize` on, so the first hover does not wait
    /// for the analyzer's index and automata; otherwise the analyzer's.
    pub(super) async fn language_for_uri(&self, uri: &Uri) -> Language {
        let ctx = self.context(uri);
        if ctx.key.is_builtin_only() {
            Language::builtin()
        } else {
            self.analyzer_for(&ctx).await.language()
        }
    }

    pub(super) async fn analyzer_for_uri(&self, uri: &Uri) -> Arc<Analyzer> {
        let ctx = self.context(uri);
        self.analyzer_for(&ctx).await
    }

    /// Builds the analyzer for a corpus key off the executor, reporting progress and unreadable
    /// files, and stores it in its slot; again if its inputs changed meanwhile. A rebuild
    /// re-checks the open documents.
    pub(super) async fn build_analyzer(&self, key: CorpusKey, settings: Settings) {
        let mut rebuilt = false;
        let mut dirty_during_preview = false;
        loop {
            let n = self.state.builds.fetch_add(1, Ordering::SeqCst);
            let token =
                ProgressToken::String(format!("essay-lsp/index/{}/{n}", std::process::id()));
            if self.state.work_done_progress.load(Ordering::SeqCst) {
                // A server-made token must be created before it is used (LSP 3.15). A client
                // that never answers must not hold the build up.
                let create = self.client.send_request::<request::WorkDoneProgressCreate>(
                    WorkDoneProgressCreateParams {
                        token: token.clone(),
                    },
                );
                let _ = tokio::time::timeout(Duration::from_secs(2), create).await;
            }
            let progress = self
                .client
                .progress(token, "essay-lsp：加载语料")
                .with_message("正在建立语料索引")
                .with_percentage(0)
                .begin()
                .await;
            // While a large user corpus is read and indexed, documents that have no analyzer yet
            // are checked with the built-in corpus; the full analyzer replaces it when ready.
            let for_size = settings.clone();
            let large = tokio::task::spawn_blocking(move || has_large_user_corpus(&for_size))
                .await
                .unwrap_or(false);
            let empty = self
                .state
                .workspace
                .slot(&key, &settings)
                .0
                .borrow()
                .is_none();
            if large && empty {
                let mut builtin = settings.clone();
                builtin.corpus_paths.clear();
                builtin.reference_paths.clear();
                builtin.include_workspace = false;
                if let Ok((preview, _)) =
                    tokio::task::spawn_blocking(move || Analyzer::new(&builtin)).await
                {
                    let (again, _) = self.state.workspace.finish(&key, Arc::new(preview));
                    dirty_during_preview |= again;
                }
            }
            let (tx, mut reports) = tokio::sync::mpsc::unbounded_channel::<Progress>();
            let for_build = settings.clone();
            let mut task = tokio::task::spawn_blocking(move || {
                let report = move |p: Progress| {
                    let _ = tx.send(p);
                };
                let options = BuildOptions {
                    progress: &report,
                    ..BuildOptions::default()
                };
                Analyzer::build(&for_build, &options)
            });
            let mut shown = None;
            let built = loop {
                tokio::select! {
                    built = &mut task => break built,
                    Some(p) = reports.recv() => {
                        if shown != Some((p.stage, p.percent())) {
                            shown = Some((p.stage, p.percent()));
                            progress.report_with_message(p.message(), p.percent()).await;
                        }
                    }
                }
            };
            progress.finish_with_message("语料已就绪").await;
            let (analyzer, problems) = match built {
                Ok(built) => built,
                Err(e) => {
                    self.log(MessageType::ERROR, format!("语料加载失败：{e}"))
                        .await;
                    // Documents wait for an analyzer: give them the built-in one.
                    match tokio::task::spawn_blocking(|| Analyzer::new(&Settings::default())).await
                    {
                        Ok(fallback) => fallback,
                        Err(_) => return,
                    }
                }
            };
            for problem in problems {
                self.show_once(MessageType::WARNING, format!("语料文件：{problem}"))
                    .await;
            }
            // Not the glossary's size: it may still be being mined, and must not be waited for.
            self.log(
                MessageType::INFO,
                format!(
                    "语料已加载：{} 篇，{} 字{}",
                    analyzer.corpus.essays.len(),
                    analyzer.corpus.total_chars(),
                    if analyzer.build.index_from_cache {
                        "（查重索引取自缓存）"
                    } else {
                        ""
                    }
                ),
            )
            .await;
            if let Some(error) = &analyzer.build.cache_error {
                self.log(MessageType::WARNING, format!("查重索引未能缓存：{error}"))
                    .await;
            }
            let (again, replaced) = self.state.workspace.finish(&key, Arc::new(analyzer));
            rebuilt |= replaced;
            if !again && !std::mem::take(&mut dirty_during_preview) {
                break;
            }
        }
        // Documents opened before the first analyzer existed are already waiting for it; after
        // a rebuild, the open documents were checked with the old one.
        if rebuilt {
            self.reanalyze_all();
        }
        if self.state.refresh_tokens.load(Ordering::SeqCst) {
            let client = self.client.clone();
            tokio::spawn(async move {
                let _ = client.semantic_tokens_refresh().await;
            });
        }
    }

    /// Rebuilds the analyzers whose key `matches` (their files changed on disk).
    pub(super) fn rebuild_where(&self, matches: impl Fn(&CorpusKey) -> bool) {
        for (key, settings) in self.state.workspace.invalidate(matches) {
            let this = self.clone();
            tokio::spawn(async move { this.build_analyzer(key, settings).await });
        }
    }

    /// Reads a project file again (if it changed), publishes its problems and re-checks the
    /// open documents when the settings in force changed.
    pub(super) fn project_file_changed(&self, path: &Path) {
        let (_, report, reloaded) = self.state.workspace.refresh(path);
        self.publish_config_reports(report.into_iter().collect());
        if reloaded {
            self.reanalyze_all();
        }
    }

    /// For clients that cannot watch files: every `POLL_INTERVAL`, reads the known project
    /// files again if their time or size changed, and rebuilds analyzers whose glossary files
    /// changed. A handful of `stat` calls each time.
    pub(super) async fn poll_files(&self) {
        while !self.state.shutdown.load(Ordering::SeqCst) {
            tokio::time::sleep(POLL_INTERVAL).await;
            for path in self.state.workspace.known_projects() {
                self.project_file_changed(&path);
            }
            for (key, settings) in self.state.workspace.changed_glossaries() {
                let this = self.clone();
                tokio::spawn(async move { this.build_analyzer(key, settings).await });
            }
        }
    }

    pub(super) fn reanalyze_all(&self) {
        self.forget_contexts();
        let open: Vec<(Uri, i32)> = {
            let docs = self.state.docs.lock().unwrap();
            docs.iter().map(|(u, d)| (u.clone(), d.version)).collect()
        };
        for (uri, version) in open {
            self.schedule(uri, version, Duration::ZERO);
        }
    }

    /// Analyses `uri` after `delay` if it is then still at `version`, and publishes the result
    /// if it still is when the analysis ends.
    pub(super) fn schedule(&self, uri: Uri, version: i32, delay: Duration) {
        let this = self.clone();
        let state = self.state.clone();
        let client = self.client.clone();
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            let document = {
                let docs = state.docs.lock().unwrap();
                match docs.get(&uri) {
                    Some(doc) if doc.version == version => doc.document.clone(),
                    _ => return, // changed or closed meanwhile: a newer task handles it
                }
            };
            let Some(Analyzed {
                document,
                report,
                analyzer,
                ..
            }) = this.analyze(&uri, document, version).await
            else {
                return;
            };
            let truncated = report.truncated_at;
            let capped = report.capped;
            let encoding = state.encoding();
            let diagnostics: Vec<Diagnostic> = report
                .findings
                .iter()
                .map(|f| {
                    convert::diagnostic(&document, &uri, f, &|place| {
                        convert::corpus_location(&analyzer, place, encoding)
                    })
                })
                .collect();
            let status = StatusParams {
                uri: uri.clone(),
                version,
                copy_ratio: report.similarity.copy_ratio(),
                quote_ratio: report.similarity.quote_ratio(),
                summary: report.similarity.summary(&analyzer.corpus),
            };
            let _publishing = state.publish.lock().await;
            {
                let mut docs = state.docs.lock().unwrap();
                match docs.get_mut(&uri) {
                    Some(doc) if doc.version == version => {
                        doc.analyzed = Some(Arc::new(Analyzed {
                            version,
                            document,
                            report,
                            analyzer: analyzer.clone(),
                        }))
                    }
                    _ => return,
                }
            }
            client
                .publish_diagnostics(uri.clone(), diagnostics, Some(version))
                .await;
            client.send_notification::<StatusNotification>(status).await;
            // Once per document: where a cut falls moves as the writer types.
            if let Some(at) = truncated {
                let message = format!(
                    "文档过长，只检查了前 {at} 字（上限 {MAX_ANALYZED_CHARS} 字）：{}",
                    uri.as_str()
                );
                warn_once_per_document(&client, &state, "truncated", &uri, message).await;
            }
            if let Some(total) = capped {
                let message = format!(
                    "问题过多：共 {total} 个，只显示 {MAX_FINDINGS} 个（复制与引文问题、较长的优先）：{}",
                    uri.as_str()
                );
                warn_once_per_document(&client, &state, "capped", &uri, message).await;
            }
        });
    }

    /// The analysis of `uri` at its current version, running it now if needed.
    pub(super) async fn current_analysis(&self, uri: &Uri) -> Option<Arc<Analyzed>> {
        let (document, version) = {
            let docs = self.state.docs.lock().unwrap();
            let doc = docs.get(uri)?;
            if let Some(done) = &doc.analyzed {
                if done.version == doc.version {
                    return Some(done.clone());
                }
            }
            (doc.document.clone(), doc.version)
        };
        self.analyze(uri, document, version).await.map(Arc::new)
    }

    /// Checks `document`, version `version` of `uri`, on the blocking pool.
    async fn analyze(&self, uri: &Uri, document: Document, version: i32) -> Option<Analyzed> {
        let ctx = self.context(uri);
        let analyzer = self.analyzer_for(&ctx).await;
        let settings = ctx.settings;
        let snapshot = document.clone();
        let for_task = analyzer.clone();
        match tokio::task::spawn_blocking(move || for_task.check(&snapshot.text(), &settings)).await
        {
            Ok(report) => Some(Analyzed {
                version,
                document,
                report,
                analyzer,
            }),
            Err(e) => {
                eprintln!("essay-lsp: analysis of {} failed: {e}", uri.as_str());
                self.client
                    .log_message(MessageType::ERROR, format!("分析失败：{e}"))
                    .await;
                None
            }
        }
    }

    /// What a request at a cursor is about: the open document, its glossary and phrase book
    /// (wait with [`ready`] for the part the request reads), and the cursor; `None` when the
    /// document is not open.
    pub(super) async fn at_cursor(
        &self,
        at: &TextDocumentPositionParams,
    ) -> Option<(Document, Language, essay_core::document::Position)> {
        let position = convert::from_position(at.position);
        let document = self.document(&at.text_document.uri)?;
        let language = self.language_for_uri(&at.text_document.uri).await;
        Some((document, language, position))
    }

    pub(super) fn document(&self, uri: &Uri) -> Option<Document> {
        self.state
            .docs
            .lock()
            .unwrap()
            .get(uri)
            .map(|d| d.document.clone())
    }
}

/// Waits, off the executor (dereferencing there would block every handler), until `part` of
/// a glossary and phrase book is mined, and returns it.
pub(super) async fn ready<T: Send + Sync>(part: &Deferred<T>) -> &T {
    if !part.is_ready() {
        let waiting = part.clone();
        let _ = tokio::task::spawn_blocking(move || waiting.wait()).await;
    }
    part
}

/// Shows a warning of kind `kind` about `uri` the first time only.
async fn warn_once_per_document(
    client: &Client,
    state: &State,
    kind: &str,
    uri: &Uri,
    message: String,
) {
    let key = format!("{kind} {}", uri.as_str());
    if state.shown.lock().unwrap().insert(key) {
        client.show_message(MessageType::WARNING, message).await;
    }
}
