//! The `LanguageServer` handlers: each converts its request's positions, asks the core through
//! the backend's state (`backend.rs`) and converts the answer (`convert.rs`).

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::Duration;

use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::LanguageServer;

use essay_core::document::Document;
use essay_core::phrases::TRIGGER_CHARACTERS;
use essay_core::project;
use essay_core::project_edit;
use essay_core::{outline, report};

use super::backend::{ready, Backend, Doc};
use super::commands;
use super::convert;
use super::symbols;

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
        // Hover and completion wait for the glossary and phrase book: with the built-in corpus
        // alone they are the same for every document, so they are mined before the first one
        // is opened (a project file naming a corpus only makes this work unused).
        let settings = self.state.settings();
        if settings.include_builtin
            && settings.corpus_paths.is_empty()
            && settings.reference_paths.is_empty()
            && settings.glossary_paths.is_empty()
            && !settings.include_workspace
        {
            essay_core::analysis::warm_up();
        }
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
                    trigger_characters: Some(
                        TRIGGER_CHARACTERS.iter().map(|s| s.to_string()).collect(),
                    ),
                    ..CompletionOptions::default()
                }),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![
                            CodeActionKind::QUICKFIX,
                            CodeActionKind::REFACTOR,
                            CodeActionKind::SOURCE_FIX_ALL,
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
        self.state.contexts.lock().unwrap().remove(&uri);
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
        let Some((document, language, position)) =
            self.at_cursor(&params.text_document_position_params).await
        else {
            return Ok(None);
        };
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
        Ok(ready(&language.glossary)
            .await
            .hover(&line_text, offset)
            .map(|info| convert::hover(&document, line_start, info)))
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let Some((document, language, position)) =
            self.at_cursor(&params.text_document_position).await
        else {
            return Ok(None);
        };
        let (line_start, before) = document.line_prefix(position);
        let completion = ready(&language.phrases).await.complete(&before);
        if completion.items.is_empty() {
            return Ok(Some(CompletionResponse::List(CompletionList {
                is_incomplete: completion.incomplete,
                items: Vec::new(),
            })));
        }
        let cursor = line_start + before.chars().count();
        let snippets = self.state.snippets.load(Ordering::SeqCst);
        Ok(Some(CompletionResponse::List(convert::completion_list(
            &document, line_start, cursor, completion, snippets,
        ))))
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
                convert::corpus_location(analyzer, place, self.state.encoding())
            });
            for fix in &finding.fixes {
                actions.push(CodeActionOrCommand::CodeAction(convert::quick_fix(
                    document,
                    &uri,
                    analyzed.version,
                    fix,
                    diagnostic.clone(),
                )));
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
        if wanted.0 < wanted.1 {
            ready(&analyzer.glossary).await;
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
        actions.extend(
            convert::fix_all(document, &uri, analyzed.version, &analyzed.report.findings)
                .map(CodeActionOrCommand::CodeAction),
        );
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
                format!(
                    "{summary} · {} · 全文 {} 字",
                    analyzed.report.formulaic.summary(),
                    count.total
                ),
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
