//! The `LanguageServer` implementation: document store, scheduling and request handlers.
//!
//! Handlers may run concurrently (tower-lsp-server polls up to four at once), so every state
//! change happens synchronously at the start of a handler, before its first `.await`; document
//! versions only move forward; analysis runs on the blocking pool after a debounce, and a result
//! is published only if its document has not changed since.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::notification::Notification;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use essay_lsp::analysis::{
    has_large_user_corpus, Analyzer, BuildOptions, Progress, Report, MAX_ANALYZED_CHARS,
    MAX_FINDINGS,
};
use essay_lsp::checks::{Place, Severity};
use essay_lsp::config::Settings;
use essay_lsp::context::CorpusKey;
use essay_lsp::document::{Document, PositionEncoding};
use essay_lsp::phrases::SuggestionKind;
use essay_lsp::project::{self};
use essay_lsp::project_edit;
use essay_lsp::{outline, report};

use super::commands;
use super::convert;
use super::symbols;
use super::workspace::{ConfigReport, Workspace};
use essay_lsp::context::EssayContext;

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
    pub summary: String,
}

impl Notification for StatusNotification {
    type Params = StatusParams;
    const METHOD: &'static str = "essayLsp/status";
}

#[derive(Clone)]
pub struct Backend {
    client: Client,
    state: Arc<State>,
}

struct State {
    docs: Mutex<HashMap<Uri, Doc>>,
    /// The editor's settings (defaults < initializationOptions / didChangeConfiguration); each
    /// document's project file goes on top of them (`workspace`).
    settings: RwLock<Settings>,
    encoding: RwLock<PositionEncoding>,
    snippets: AtomicBool,
    root: RwLock<Option<PathBuf>>,
    /// All workspace folders the editor named.
    folders: RwLock<Vec<PathBuf>>,
    /// Project files, per-document settings and the analyzers, one per corpus key.
    workspace: Workspace,
    /// Open `essay-lsp.toml` buffers: not essays, but their edits reload the settings.
    configs: Mutex<HashMap<Uri, (Document, i32)>>,
    /// The client can register file watchers dynamically.
    watch_files: AtomicBool,
    /// The client accepts `workspace/semanticTokens/refresh`.
    refresh_tokens: AtomicBool,
    /// Analyzer builds started, for distinct progress tokens.
    builds: AtomicUsize,
    /// The client accepts `window/workDoneProgress/create` (a progress bar while indexing).
    work_done_progress: AtomicBool,
    /// Held while publishing, so diagnostics of an older version never overtake a newer one.
    publish: tokio::sync::Mutex<()>,
    /// Problems already shown to the writer, so each is shown once.
    shown: Mutex<HashSet<String>>,
    shutdown: Arc<AtomicBool>,
}

struct Doc {
    document: Document,
    version: i32,
    /// The last analysis, with the document as it was analysed.
    analyzed: Option<Arc<Analyzed>>,
}

struct Analyzed {
    version: i32,
    document: Document,
    report: Report,
    /// The analyzer the report's essay ids refer to.
    analyzer: Arc<Analyzer>,
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
    fn settings(&self) -> Settings {
        self.settings.read().unwrap().clone()
    }

    fn encoding(&self) -> PositionEncoding {
        *self.encoding.read().unwrap()
    }

    /// Settings with relative corpus and glossary paths resolved against the workspace root.
    fn resolved_settings(&self) -> Settings {
        let mut settings = self.settings();
        let root = self.root.read().unwrap().clone();
        let resolve = |p: &PathBuf| match &root {
            Some(root) if p.is_relative() => root.join(p),
            _ => p.clone(),
        };
        settings.corpus_paths = settings.corpus_paths.iter().map(resolve).collect();
        settings.glossary_paths = settings.glossary_paths.iter().map(resolve).collect();
        settings
    }
}

impl Backend {
    async fn log(&self, typ: MessageType, message: impl std::fmt::Display) {
        eprintln!("essay-lsp: {message}");
        self.client.log_message(typ, message).await;
    }

    /// Shows a message once per session; later repeats go to the log only.
    async fn show_once(&self, typ: MessageType, message: String) {
        let first = self.state.shown.lock().unwrap().insert(message.clone());
        if first {
            self.client.show_message(typ, &message).await;
        }
        self.log(typ, message).await;
    }

    async fn apply_settings(&self, value: &Value) {
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
    }

    /// What the document at `uri` is checked with: the editor's settings, its project file on
    /// top. Publishes the project file's problems when they changed, and re-checks every open
    /// document when its settings did.
    fn context(&self, uri: &Uri) -> EssayContext {
        let path = uri.to_file_path().map(|p| p.into_owned());
        self.context_at(path.as_deref())
    }

    fn context_at(&self, path: Option<&Path>) -> EssayContext {
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
    fn publish_config_reports(&self, reports: Vec<ConfigReport>) {
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
                    .map(|p| Diagnostic {
                        range: convert::range(&file, p.range.clone()),
                        severity: Some(convert::severity(p.severity)),
                        code: Some(NumberOrString::String("project-file".to_owned())),
                        source: Some("essay-lsp".to_owned()),
                        message: if p.severity == Severity::Error {
                            format!("{}（本文件有误，仍使用上次正确的设置）", p.message)
                        } else {
                            p.message.clone()
                        },
                        ..Diagnostic::default()
                    })
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
    async fn analyzer_for(&self, ctx: &EssayContext) -> Arc<Analyzer> {
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

    /// The analyzer for the document at `uri`.
    /// The analyzer for `uri` once its glossary and phrase book are mined (for hover,
    /// completion and code actions). They are mined in the background after a build, and
    /// dereferencing them on the executor would block every handler until they are.
    async fn mined_analyzer_for_uri(&self, uri: &Uri) -> Arc<Analyzer> {
        let analyzer = self.analyzer_for_uri(uri).await;
        if !analyzer.is_mined() {
            let waiting = analyzer.clone();
            let _ = tokio::task::spawn_blocking(move || waiting.wait_mined()).await;
        }
        analyzer
    }

    async fn analyzer_for_uri(&self, uri: &Uri) -> Arc<Analyzer> {
        let ctx = self.context(uri);
        self.analyzer_for(&ctx).await
    }

    /// Builds the analyzer for a corpus key off the executor, reporting progress and unreadable
    /// files, and stores it in its slot; again if its inputs changed meanwhile. A rebuild
    /// re-checks the open documents.
    async fn build_analyzer(&self, key: CorpusKey, settings: Settings) {
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
    fn rebuild_where(&self, matches: impl Fn(&CorpusKey) -> bool) {
        for (key, settings) in self.state.workspace.invalidate(matches) {
            let this = self.clone();
            tokio::spawn(async move { this.build_analyzer(key, settings).await });
        }
    }

    /// Reads a project file again (if it changed), publishes its problems and re-checks the
    /// open documents when the settings in force changed.
    fn project_file_changed(&self, path: &Path) {
        let (_, report, reloaded) = self.state.workspace.refresh(path);
        self.publish_config_reports(report.into_iter().collect());
        if reloaded {
            self.reanalyze_all();
        }
    }

    /// For clients that cannot watch files: every `POLL_INTERVAL`, reads the known project
    /// files again if their time or size changed, and rebuilds analyzers whose glossary files
    /// changed. A handful of `stat` calls each time.
    async fn poll_files(&self) {
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

    fn reanalyze_all(&self) {
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
    fn schedule(&self, uri: Uri, version: i32, delay: Duration) {
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
            let ctx = this.context(&uri);
            let analyzer = this.analyzer_for(&ctx).await;
            let settings = ctx.settings;
            let snapshot = document.clone();
            let analyzer_for_task = analyzer.clone();
            let report = match tokio::task::spawn_blocking(move || {
                analyzer_for_task.check(&snapshot.text(), &settings)
            })
            .await
            {
                Ok(report) => report,
                Err(e) => {
                    eprintln!("essay-lsp: analysis of {} failed: {e}", uri.as_str());
                    client
                        .log_message(MessageType::ERROR, format!("分析失败：{e}"))
                        .await;
                    return;
                }
            };
            let truncated = report.truncated_at;
            let encoding = state.encoding();
            let diagnostics: Vec<Diagnostic> = report
                .findings
                .iter()
                .map(|f| {
                    convert::diagnostic(&document, &uri, f, &|place| {
                        corpus_location(&analyzer, place, encoding)
                    })
                })
                .collect();
            let status = StatusParams {
                uri: uri.clone(),
                version,
                copy_ratio: report.similarity.copy_ratio(),
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
            if let Some(at) = truncated {
                let message = format!(
                    "文档过长或问题过多，只检查了前 {at} 字（上限 {MAX_ANALYZED_CHARS} 字、\
                     {MAX_FINDINGS} 个问题）：{}",
                    uri.as_str()
                );
                // Once per document: where a cut falls moves as the writer types.
                let key = format!("truncated {}", uri.as_str());
                if state.shown.lock().unwrap().insert(key) {
                    client.show_message(MessageType::WARNING, message).await;
                }
            }
        });
    }

    /// The analysis of `uri` at its current version, running it now if needed.
    async fn current_analysis(&self, uri: &Uri) -> Option<Arc<Analyzed>> {
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
        let ctx = self.context(uri);
        let analyzer = self.analyzer_for(&ctx).await;
        let settings = ctx.settings;
        let snapshot = document.clone();
        let for_task = analyzer.clone();
        let report =
            tokio::task::spawn_blocking(move || for_task.check(&snapshot.text(), &settings))
                .await
                .ok()?;
        Some(Arc::new(Analyzed {
            version,
            document,
            report,
            analyzer,
        }))
    }

    fn document(&self, uri: &Uri) -> Option<Document> {
        self.state
            .docs
            .lock()
            .unwrap()
            .get(uri)
            .map(|d| d.document.clone())
    }
}

/// A place in a corpus file as an LSP location.
fn corpus_location(
    analyzer: &Analyzer,
    place: &Place,
    encoding: PositionEncoding,
) -> Option<Location> {
    let Place::File { path, essay, range } = place else {
        return None;
    };
    let text = &analyzer.corpus.essays.get(*essay)?.text;
    let file = Document::new(text, encoding);
    Some(Location::new(
        Uri::from_file_path(path)?,
        convert::range(&file, range.clone()),
    ))
}

fn is_supported_language(language_id: &str) -> bool {
    matches!(
        language_id,
        "markdown" | "plaintext" | "text" | "txt" | "md" | "mdx" | "rmd" | "quarto" | ""
    )
}

fn root_path(params: &InitializeParams) -> Option<PathBuf> {
    let uri = params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| f.uri.clone());
    #[allow(deprecated)]
    let uri = uri.or_else(|| params.root_uri.clone())?;
    uri.to_file_path().map(|p| p.into_owned())
}

fn folder_paths(params: &InitializeParams) -> Vec<PathBuf> {
    let mut folders: Vec<PathBuf> = params
        .workspace_folders
        .iter()
        .flatten()
        .filter_map(|f| f.uri.to_file_path().map(|p| p.into_owned()))
        .collect();
    if folders.is_empty() {
        folders.extend(root_path(params));
    }
    folders
}

/// Whether `uri` is a project file (`essay-lsp.toml`), and its path.
fn project_file(uri: &Uri) -> Option<PathBuf> {
    let path = uri.to_file_path()?;
    (path.file_name()? == project::PROJECT_FILE).then(|| path.into_owned())
}

fn path_label(uri: &Uri) -> String {
    uri.to_file_path()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| uri.as_str().to_owned())
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let encoding = convert::negotiate_encoding(&params.capabilities);
        *self.state.encoding.write().unwrap() = encoding;
        let snippets = params
            .capabilities
            .text_document
            .as_ref()
            .and_then(|t| t.completion.as_ref())
            .and_then(|c| c.completion_item.as_ref())
            .and_then(|i| i.snippet_support)
            .unwrap_or(false);
        self.state.snippets.store(snippets, Ordering::SeqCst);
        *self.state.root.write().unwrap() = root_path(&params);
        *self.state.folders.write().unwrap() = folder_paths(&params);
        let workspace_caps = params.capabilities.workspace.as_ref();
        let watch = workspace_caps
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        self.state.watch_files.store(watch, Ordering::SeqCst);
        let refresh = workspace_caps
            .and_then(|w| w.semantic_tokens.as_ref())
            .and_then(|t| t.refresh_support)
            .unwrap_or(false);
        self.state.refresh_tokens.store(refresh, Ordering::SeqCst);
        let progress_bars = params
            .capabilities
            .window
            .as_ref()
            .and_then(|w| w.work_done_progress)
            .unwrap_or(false);
        self.state
            .work_done_progress
            .store(progress_bars, Ordering::SeqCst);
        if let Some(options) = &params.initialization_options {
            self.apply_settings(options).await;
        }
        let triggers = ["，", "、", ",", "；", ";", "：", ":"];
        Ok(InitializeResult {
            server_info: Some(ServerInfo {
                name: "essay-lsp".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
            capabilities: ServerCapabilities {
                position_encoding: Some(convert::encoding_kind(encoding)),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                        ..TextDocumentSyncOptions::default()
                    },
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(triggers.iter().map(|s| s.to_string()).collect()),
                    ..CompletionOptions::default()
                }),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![
                            CodeActionKind::QUICKFIX,
                            CodeActionKind::REFACTOR,
                        ]),
                        ..CodeActionOptions::default()
                    },
                )),
                code_lens_provider: Some(CodeLensOptions {
                    resolve_provider: Some(false),
                }),
                execute_command_provider: Some(ExecuteCommandOptions {
                    commands: commands::ALL.map(str::to_owned).to_vec(),
                    ..ExecuteCommandOptions::default()
                }),
                document_symbol_provider: Some(OneOf::Left(true)),
                folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
                semantic_tokens_provider: Some(
                    SemanticTokensOptions {
                        legend: symbols::legend(),
                        full: Some(SemanticTokensFullOptions::Bool(true)),
                        range: Some(false),
                        ..SemanticTokensOptions::default()
                    }
                    .into(),
                ),
                ..ServerCapabilities::default()
            },
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        if self.state.watch_files.load(Ordering::SeqCst) {
            // Not awaited here: a client that is slow to answer must not hold up start-up.
            let client = self.client.clone();
            tokio::spawn(async move {
                let watchers = [project::PROJECT_FILE, project::GLOSSARY_FILE]
                    .map(|name| FileSystemWatcher {
                        glob_pattern: GlobPattern::String(format!("**/{name}")),
                        kind: None,
                    })
                    .to_vec();
                let registration = Registration {
                    id: "essay-lsp/watch-project-files".to_owned(),
                    method: "workspace/didChangeWatchedFiles".to_owned(),
                    register_options: serde_json::to_value(
                        DidChangeWatchedFilesRegistrationOptions { watchers },
                    )
                    .ok(),
                };
                if let Err(e) = client.register_capability(vec![registration]).await {
                    eprintln!("essay-lsp: file watcher registration failed: {e}");
                }
            });
        }
        if !self.state.watch_files.load(Ordering::SeqCst) {
            // Neovim on Linux, Helix, Emacs: no file watchers, so look at the files ourselves.
            let this = self.clone();
            tokio::spawn(async move { this.poll_files().await });
        }
        // Build the analyzer the workspace's essays most likely need before one is opened.
        let root = self.state.root.read().unwrap().clone();
        let ctx = self.context_at(root.map(|r| r.join("_")).as_deref());
        self.analyzer_for(&ctx).await;
    }

    async fn shutdown(&self) -> Result<()> {
        self.state.shutdown.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let item = params.text_document;
        if let Some(path) = project_file(&item.uri) {
            let document = Document::new(&item.text, self.state.encoding());
            self.state
                .configs
                .lock()
                .unwrap()
                .insert(item.uri.clone(), (document, item.version));
            self.state.workspace.set_overlay(&path, Some(item.text));
            self.project_file_changed(&path);
            return;
        }
        if !is_supported_language(&item.language_id) {
            self.log(
                MessageType::INFO,
                format!(
                    "不检查 {} 类型的文档：{}",
                    item.language_id,
                    item.uri.as_str()
                ),
            )
            .await;
            return;
        }
        let document = Document::new(&item.text, self.state.encoding());
        self.state.docs.lock().unwrap().insert(
            item.uri.clone(),
            Doc {
                document,
                version: item.version,
                analyzed: None,
            },
        );
        self.schedule(item.uri, item.version, Duration::ZERO);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        let config_text = {
            let mut configs = self.state.configs.lock().unwrap();
            configs.get_mut(&uri).map(|(document, v)| {
                if version > *v {
                    for change in &params.content_changes {
                        document.apply_change(change.range.map(convert::from_range), &change.text);
                    }
                    *v = version;
                }
                document.text()
            })
        };
        if let (Some(text), Some(path)) = (config_text, project_file(&uri)) {
            self.state.workspace.set_overlay(&path, Some(text));
            self.project_file_changed(&path);
            return;
        }
        let applied = {
            let mut docs = self.state.docs.lock().unwrap();
            match docs.get_mut(&uri) {
                None => Err("未打开的文档"),
                Some(doc) if version <= doc.version => Err("版本号未递增（过期或乱序的修改）"),
                Some(doc) => {
                    for change in &params.content_changes {
                        doc.document
                            .apply_change(change.range.map(convert::from_range), &change.text);
                    }
                    doc.version = version;
                    Ok(())
                }
            }
        };
        match applied {
            Ok(()) => {
                let delay = Duration::from_millis(self.context(&uri).settings.debounce_ms);
                self.schedule(uri, version, delay);
            }
            Err(why) => {
                self.log(
                    MessageType::WARNING,
                    format!("忽略对 {} 的修改（版本 {version}）：{why}", uri.as_str()),
                )
                .await
            }
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        if self.state.configs.lock().unwrap().remove(&uri).is_some() {
            if let Some(path) = project_file(&uri) {
                // The file on disk counts again.
                self.state.workspace.set_overlay(&path, None);
                self.project_file_changed(&path);
            }
            return;
        }
        let was_open = self.state.docs.lock().unwrap().remove(&uri).is_some();
        if was_open {
            let _publishing = self.state.publish.lock().await;
            self.client.publish_diagnostics(uri, Vec::new(), None).await;
        }
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        let Some(path) = params.text_document.uri.to_file_path() else {
            return;
        };
        if project_file(&params.text_document.uri).is_some() {
            self.state.workspace.forget(&path);
            self.project_file_changed(&path);
            return;
        }
        // A saved essay is part of the corpus of analyzers that include its workspace.
        let canonical = std::fs::canonicalize(&path).unwrap_or_else(|_| path.to_path_buf());
        self.rebuild_where(|key| {
            key.workspace
                .as_ref()
                .is_some_and(|w| canonical.starts_with(w))
                || key.glossary_paths.iter().any(|g| g == path.as_ref())
        });
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        for change in params.changes {
            let Some(path) = change.uri.to_file_path().map(|p| p.into_owned()) else {
                continue;
            };
            if project_file(&change.uri).is_some() {
                self.state.workspace.forget(&path);
                self.project_file_changed(&path);
            } else {
                let canonical = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
                self.rebuild_where(|key| {
                    key.glossary_paths
                        .iter()
                        .any(|g| *g == path || *g == canonical)
                });
            }
        }
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        self.apply_settings(&params.settings).await;
        // Each document's analysis looks up its analyzer for the new settings, building it when
        // they need another corpus.
        self.reanalyze_all();
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let uri = &params.text_document_position_params.text_document.uri;
        let position = convert::from_position(params.text_document_position_params.position);
        let Some(document) = self.document(uri) else {
            return Ok(None);
        };
        let analyzer = self.mined_analyzer_for_uri(uri).await;
        let (line_start, _) = document.line_prefix(position);
        let line = position.line as usize;
        if line >= document.rope().len_lines() {
            return Ok(None);
        }
        let line_text: String = document
            .rope()
            .line(line)
            .chars()
            .filter(|c| *c != '\n' && *c != '\r')
            .collect();
        let offset = document.char_offset(position) - line_start;
        Ok(analyzer
            .glossary
            .hover(&line_text, offset)
            .map(|info| Hover {
                contents: HoverContents::Markup(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: info.markdown,
                }),
                range: Some(convert::range(
                    &document,
                    line_start + info.range.start..line_start + info.range.end,
                )),
            }))
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let uri = &params.text_document_position.text_document.uri;
        let position = convert::from_position(params.text_document_position.position);
        let Some(document) = self.document(uri) else {
            return Ok(None);
        };
        let analyzer = self.mined_analyzer_for_uri(uri).await;
        let (line_start, before) = document.line_prefix(position);
        let completion = analyzer.phrases.complete(&before);
        if completion.items.is_empty() {
            return Ok(Some(CompletionResponse::List(CompletionList {
                is_incomplete: completion.incomplete,
                items: Vec::new(),
            })));
        }
        let cursor = line_start + before.chars().count();
        let edit_range = convert::range(&document, line_start + completion.replace_from..cursor);
        let snippets = self.state.snippets.load(Ordering::SeqCst);
        let width = completion.items.len().to_string().len().max(2);
        let items = completion
            .items
            .into_iter()
            .enumerate()
            .map(|(rank, s)| {
                let (new_text, format) = match (&s.snippet, snippets) {
                    (Some(snippet), true) => (snippet.clone(), InsertTextFormat::SNIPPET),
                    _ => (s.new_text.clone(), InsertTextFormat::PLAIN_TEXT),
                };
                CompletionItem {
                    label: s.label.clone(),
                    kind: Some(match s.kind {
                        SuggestionKind::Term => CompletionItemKind::KEYWORD,
                        SuggestionKind::Continuation => CompletionItemKind::TEXT,
                        SuggestionKind::Parallel => CompletionItemKind::SNIPPET,
                        _ => CompletionItemKind::TEXT,
                    }),
                    detail: Some(s.detail.clone()),
                    documentation: s.documentation.clone().map(|d| {
                        Documentation::MarkupContent(MarkupContent {
                            kind: MarkupKind::Markdown,
                            value: d,
                        })
                    }),
                    sort_text: Some(format!("{rank:0width$}")),
                    insert_text_format: Some(format),
                    text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(
                        edit_range, new_text,
                    ))),
                    ..CompletionItem::default()
                }
            })
            .collect();
        Ok(Some(CompletionResponse::List(CompletionList {
            is_incomplete: completion.incomplete,
            items,
        })))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri;
        let Some(analyzed) = self.current_analysis(&uri).await else {
            return Ok(None);
        };
        // Fixes are exact only for the text they were computed on.
        let current_version = self.state.docs.lock().unwrap().get(&uri).map(|d| d.version);
        if current_version != Some(analyzed.version) {
            return Ok(None);
        }
        let document = &analyzed.document;
        let wanted = (
            document.char_offset(convert::from_position(params.range.start)),
            document.char_offset(convert::from_position(params.range.end)),
        );
        let analyzer = &analyzed.analyzer;
        let mut actions = Vec::new();
        let mut ignorable = Vec::new();
        for finding in &analyzed.report.findings {
            let touches = finding.range.start <= wanted.1 && wanted.0 <= finding.range.end;
            if !touches {
                continue;
            }
            let diagnostic = convert::diagnostic(document, &uri, finding, &|place| {
                corpus_location(analyzer, place, self.state.encoding())
            });
            for fix in &finding.fixes {
                let edits: Vec<TextEdit> = fix
                    .edits
                    .iter()
                    .map(|e| {
                        TextEdit::new(
                            convert::range(document, e.range.clone()),
                            e.new_text.clone(),
                        )
                    })
                    .collect();
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: fix.title.clone(),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![diagnostic.clone()]),
                    edit: Some(WorkspaceEdit {
                        document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
                            text_document: OptionalVersionedTextDocumentIdentifier {
                                uri: uri.clone(),
                                version: Some(analyzed.version),
                            },
                            edits: edits.into_iter().map(OneOf::Left).collect(),
                        }])),
                        ..WorkspaceEdit::default()
                    }),
                    ..CodeAction::default()
                }));
            }
            let text: String = document
                .rope()
                .slice(
                    finding.range.start.min(document.len_chars())
                        ..finding.range.end.min(document.len_chars()),
                )
                .to_string();
            if let Some(phrase) = commands::ignorable(&text) {
                if !ignorable.contains(&phrase) {
                    ignorable.push(phrase.clone());
                    actions.push(commands::ignore_action(&uri, &phrase, diagnostic));
                }
            }
        }
        // A selected word or phrase that is not a glossary term yet.
        if wanted.0 < wanted.1 && !analyzer.is_mined() {
            let waiting = analyzer.clone();
            let _ = tokio::task::spawn_blocking(move || waiting.wait_mined()).await;
        }
        if wanted.0 < wanted.1 {
            let selected = document.rope().slice(wanted.0..wanted.1).to_string();
            if let Some(term) = commands::glossary_candidate(&selected) {
                let len = term.chars().count();
                let known = analyzer
                    .glossary
                    .find_terms(&term)
                    .iter()
                    .any(|(r, _)| r.len() == len);
                if !known {
                    actions.push(commands::glossary_action(&uri, &term));
                }
            }
        }
        if let Some(only) = &params.context.only {
            actions.retain(|a| match a {
                CodeActionOrCommand::CodeAction(CodeAction {
                    kind: Some(kind), ..
                }) => only.iter().any(|o| {
                    kind.as_str() == o.as_str()
                        || kind.as_str().starts_with(&format!("{}.", o.as_str()))
                }),
                _ => false,
            });
        }
        Ok(Some(actions))
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        let uri = params.text_document.uri;
        let Some(analyzed) = self.current_analysis(&uri).await else {
            return Ok(None);
        };
        let summary = analyzed
            .report
            .similarity
            .summary(&analyzed.analyzer.corpus);
        let count = outline::count(&analyzed.document.text());
        Ok(Some(vec![CodeLens {
            range: Range::new(Position::new(0, 0), Position::new(0, 0)),
            command: Some(Command::new(
                format!("{summary} · 全文 {} 字", count.total),
                commands::REPORT.to_owned(),
                Some(vec![Value::String(uri.as_str().to_owned())]),
            )),
            data: None,
        }]))
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        let Some(document) = self.document(&params.text_document.uri) else {
            return Ok(None);
        };
        let symbols = tokio::task::spawn_blocking(move || {
            let outline = outline::outline(&document.text());
            symbols::document_symbols(&document, &outline)
        })
        .await
        .map_err(|e| commands::failed(format!("大纲生成失败：{e}")))?;
        Ok(Some(DocumentSymbolResponse::Nested(symbols)))
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        let Some(document) = self.document(&params.text_document.uri) else {
            return Ok(None);
        };
        let ranges = tokio::task::spawn_blocking(move || {
            symbols::folding_ranges(&outline::outline(&document.text()))
        })
        .await
        .map_err(|e| commands::failed(format!("折叠范围生成失败：{e}")))?;
        Ok(Some(ranges))
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        let uri = params.text_document.uri;
        let Some(document) = self.document(&uri) else {
            return Ok(None);
        };
        let analyzer = self.analyzer_for_uri(&uri).await;
        let data = tokio::task::spawn_blocking(move || {
            symbols::semantic_tokens(&document, &document.text(), &analyzer.glossary)
        })
        .await
        .map_err(|e| commands::failed(format!("语义高亮生成失败：{e}")))?;
        Ok(Some(SemanticTokensResult::Tokens(SemanticTokens {
            result_id: None,
            data,
        })))
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        let args = &params.arguments;
        match params.command.as_str() {
            commands::REPORT => {
                let uri = commands::uri_arg(commands::REPORT, args)?;
                let Some(analyzed) = self.current_analysis(&uri).await else {
                    return Err(Error::invalid_params(format!(
                        "文档未打开：{}",
                        uri.as_str()
                    )));
                };
                let markdown = report::markdown(
                    &analyzed.analyzer,
                    &path_label(&uri),
                    &analyzed.document.text(),
                    &analyzed.report,
                );
                Ok(Some(Value::String(markdown)))
            }
            commands::IGNORE_PHRASE => {
                let uri = commands::uri_arg(commands::IGNORE_PHRASE, args)?;
                let phrase =
                    commands::required_string(commands::IGNORE_PHRASE, args, 1, "要忽略的短语")?;
                let root = self.state.root.read().unwrap().clone();
                let file = commands::project_file_for(&uri, root.as_deref())?;
                let added =
                    project_edit::ignore_phrase(&file, &phrase).map_err(commands::failed)?;
                self.state.workspace.forget(&file);
                self.project_file_changed(&file);
                let message = if added {
                    format!("已忽略「{phrase}」，写入 {}", file.display())
                } else {
                    format!("「{phrase}」已在 {} 的忽略列表中", file.display())
                };
                self.log(MessageType::INFO, &message).await;
                Ok(Some(Value::String(message)))
            }
            commands::ADD_TO_GLOSSARY => {
                let command = commands::ADD_TO_GLOSSARY;
                let uri = commands::uri_arg(command, args)?;
                let term = commands::required_string(command, args, 1, "术语")?;
                let category = commands::category_arg(args, 3)?;
                let (definition, note) = match commands::string_arg(args, 2) {
                    Some(definition) => (definition, None),
                    None => {
                        let analyzer = self.analyzer_for_uri(&uri).await;
                        let draft = self.document(&uri).map(|d| d.text()).unwrap_or_default();
                        match project_edit::usage_sentence(&analyzer.corpus, &draft, &term) {
                            Some((sentence, from)) => (
                                sentence,
                                Some(format!("释义暂用{from}中的用例，可改写为释义")),
                            ),
                            None => {
                                return Err(commands::failed(format!(
                                    "请给出「{term}」的释义：语料和本文都没有用到它"
                                )))
                            }
                        }
                    }
                };
                let root = self.state.root.read().unwrap().clone();
                let file = commands::project_file_for(&uri, root.as_deref())?;
                let edit = project_edit::add_glossary_term(
                    &file,
                    &project_edit::NewTerm {
                        term: term.clone(),
                        category,
                        definition,
                        note,
                    },
                )
                .map_err(commands::failed)?;
                // The project file may list the glossary now (a new corpus key); if it already
                // did, the analyzers that read it are rebuilt.
                self.state.workspace.forget(&file);
                self.project_file_changed(&file);
                let glossary = edit.glossary_file.clone();
                self.rebuild_where(|key| key.glossary_paths.contains(&glossary));
                let message = format!(
                    "已{}术语「{term}」：{}",
                    if edit.replaced { "更新" } else { "添加" },
                    edit.glossary_file.display()
                );
                self.log(MessageType::INFO, &message).await;
                Ok(Some(Value::String(message)))
            }
            other => Err(Error::invalid_params(format!("未知命令：{other}"))),
        }
    }
}
