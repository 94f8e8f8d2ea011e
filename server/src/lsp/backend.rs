//! The `LanguageServer` implementation: document store, scheduling and request handlers.
//!
//! Handlers may run concurrently (tower-lsp-server polls up to four at once), so every state
//! change happens synchronously at the start of a handler, before its first `.await`; document
//! versions only move forward; analysis runs on the blocking pool after a debounce, and a result
//! is published only if its document has not changed since.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::watch;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::notification::Notification;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use essay_lsp::analysis::{Analyzer, Report, MAX_ANALYZED_CHARS};
use essay_lsp::checks::Place;
use essay_lsp::config::Settings;
use essay_lsp::document::{Document, PositionEncoding};
use essay_lsp::phrases::SuggestionKind;
use essay_lsp::report;

use super::convert;

pub const COMMAND_REPORT: &str = "essayLsp.report";

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

pub struct Backend {
    client: Client,
    state: Arc<State>,
}

struct State {
    docs: Mutex<HashMap<Uri, Doc>>,
    settings: RwLock<Settings>,
    encoding: RwLock<PositionEncoding>,
    snippets: AtomicBool,
    root: RwLock<Option<PathBuf>>,
    /// The current analyzer; `None` until the first one is built.
    analyzer: watch::Sender<Option<Arc<Analyzer>>>,
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
}

impl Backend {
    pub fn new(client: Client, shutdown: Arc<AtomicBool>) -> Self {
        let (analyzer, _) = watch::channel(None);
        Backend {
            client,
            state: Arc::new(State {
                docs: Mutex::new(HashMap::new()),
                settings: RwLock::new(Settings::default()),
                encoding: RwLock::new(PositionEncoding::Utf16),
                snippets: AtomicBool::new(false),
                root: RwLock::new(None),
                analyzer,
                publish: tokio::sync::Mutex::new(()),
                shown: Mutex::new(HashSet::new()),
                shutdown,
            }),
        }
    }
}

impl State {
    async fn analyzer(&self) -> Arc<Analyzer> {
        let mut rx = self.analyzer.subscribe();
        let guard = rx
            .wait_for(Option::is_some)
            .await
            .expect("the sender lives in State");
        guard.as_ref().expect("waited for Some").clone()
    }

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

/// Settings that need the corpus, index or glossary rebuilt when they change.
fn corpus_key(s: &Settings) -> (Vec<PathBuf>, bool, Vec<PathBuf>, Vec<String>) {
    (
        s.corpus_paths.clone(),
        s.include_builtin,
        s.glossary_paths.clone(),
        s.extra_stock_phrases.clone(),
    )
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

    /// Builds the analyzer for the current settings off the executor, reporting progress and
    /// unreadable files; then re-analyses every open document.
    async fn rebuild_analyzer(&self) {
        let settings = self.state.resolved_settings();
        let progress = self
            .client
            .progress(
                ProgressToken::String(format!("essay-lsp/index/{}", std::process::id())),
                "essay-lsp：加载语料",
            )
            .with_message("正在建立语料索引")
            .begin()
            .await;
        let built = tokio::task::spawn_blocking(move || Analyzer::new(&settings)).await;
        progress.finish_with_message("语料已就绪").await;
        let (analyzer, problems) = match built {
            Ok(built) => built,
            Err(e) => {
                self.log(MessageType::ERROR, format!("语料加载失败：{e}"))
                    .await;
                return;
            }
        };
        for problem in problems {
            self.show_once(MessageType::WARNING, format!("语料文件已跳过：{problem}"))
                .await;
        }
        self.log(
            MessageType::INFO,
            format!(
                "语料已加载：{} 篇，{} 字，术语 {} 条",
                analyzer.corpus.essays.len(),
                analyzer.corpus.total_chars(),
                analyzer.glossary.entries().len()
            ),
        )
        .await;
        let previous = self.state.analyzer.send_replace(Some(Arc::new(analyzer)));
        // Documents opened before the first analyzer existed are already waiting for it.
        if previous.is_some() {
            self.reanalyze_all();
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
            let analyzer = state.analyzer().await;
            let settings = state.settings();
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
                    "文档过长，只检查了前 {at} 字（上限 {MAX_ANALYZED_CHARS} 字）：{}",
                    uri.as_str()
                );
                if state.shown.lock().unwrap().insert(message.clone()) {
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
        let analyzer = self.state.analyzer().await;
        let settings = self.state.settings();
        let snapshot = document.clone();
        let report =
            tokio::task::spawn_blocking(move || analyzer.check(&snapshot.text(), &settings))
                .await
                .ok()?;
        Some(Arc::new(Analyzed {
            version,
            document,
            report,
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
                        code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                        ..CodeActionOptions::default()
                    },
                )),
                code_lens_provider: Some(CodeLensOptions {
                    resolve_provider: Some(false),
                }),
                execute_command_provider: Some(ExecuteCommandOptions {
                    commands: vec![COMMAND_REPORT.to_owned()],
                    ..ExecuteCommandOptions::default()
                }),
                ..ServerCapabilities::default()
            },
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        self.rebuild_analyzer().await;
    }

    async fn shutdown(&self) -> Result<()> {
        self.state.shutdown.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let item = params.text_document;
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
                let delay = Duration::from_millis(self.state.settings().debounce_ms);
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
        let was_open = self.state.docs.lock().unwrap().remove(&uri).is_some();
        if was_open {
            let _publishing = self.state.publish.lock().await;
            self.client.publish_diagnostics(uri, Vec::new(), None).await;
        }
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let before = corpus_key(&self.state.settings());
        self.apply_settings(&params.settings).await;
        if corpus_key(&self.state.settings()) != before {
            self.rebuild_analyzer().await;
        } else {
            self.reanalyze_all();
        }
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let uri = &params.text_document_position_params.text_document.uri;
        let position = convert::from_position(params.text_document_position_params.position);
        let Some(document) = self.document(uri) else {
            return Ok(None);
        };
        let analyzer = self.state.analyzer().await;
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
        let analyzer = self.state.analyzer().await;
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
        let analyzer = self.state.analyzer().await;
        let mut actions = Vec::new();
        for finding in &analyzed.report.findings {
            let touches = finding.range.start <= wanted.1 && wanted.0 <= finding.range.end;
            if !touches {
                continue;
            }
            let diagnostic = convert::diagnostic(document, &uri, finding, &|place| {
                corpus_location(&analyzer, place, self.state.encoding())
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
        }
        Ok(Some(actions))
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        let uri = params.text_document.uri;
        let Some(analyzed) = self.current_analysis(&uri).await else {
            return Ok(None);
        };
        let analyzer = self.state.analyzer().await;
        let title = analyzed.report.similarity.summary(&analyzer.corpus);
        Ok(Some(vec![CodeLens {
            range: Range::new(Position::new(0, 0), Position::new(0, 0)),
            command: Some(Command::new(
                title,
                COMMAND_REPORT.to_owned(),
                Some(vec![Value::String(uri.as_str().to_owned())]),
            )),
            data: None,
        }]))
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        match params.command.as_str() {
            COMMAND_REPORT => {
                let uri = params
                    .arguments
                    .first()
                    .and_then(Value::as_str)
                    .and_then(|s| s.parse::<Uri>().ok())
                    .ok_or_else(|| {
                        Error::invalid_params("essayLsp.report 需要文档 URI 作为第一个参数")
                    })?;
                let Some(analyzed) = self.current_analysis(&uri).await else {
                    return Err(Error::invalid_params(format!(
                        "文档未打开：{}",
                        uri.as_str()
                    )));
                };
                let analyzer = self.state.analyzer().await;
                let markdown = report::markdown(
                    &analyzer,
                    &path_label(&uri),
                    &analyzed.document.text(),
                    &analyzed.report,
                );
                Ok(Some(Value::String(markdown)))
            }
            other => Err(Error::invalid_params(format!("未知命令：{other}"))),
        }
    }
}
