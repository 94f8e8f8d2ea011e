// VS Code client for essay-lsp: starts the server over stdio, pushes the `essayLsp` settings,
// shows the 复制比 summary in the status bar and opens the server's report as a markdown preview.
// Everything else (diagnostics, hover, completion, code actions, code lens, symbols) is plain LSP
// that vscode-languageclient wires up by itself.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';

const SECTION = 'essayLsp';
const INSTALL_COMMAND = 'cargo install --path server';
const REPORT_SCHEME = 'essay-lsp-report';
const LANGUAGES = ['markdown', 'plaintext'];
const SCHEMES = ['file', 'untitled'];
const SERVER_EXE = process.platform === 'win32' ? 'essay-lsp.exe' : 'essay-lsp';

/** Params of the server's `essayLsp/status` notification, sent after each analysis. */
interface StatusParams {
  uri: string;
  version?: number;
  copyRatio: number;
  summary: string;
}

let client: LanguageClient | undefined;
/** The server binary shipped inside a platform-specific .vsix (`npm run package`). */
let bundledServer: string | undefined;
let output: vscode.OutputChannel;
let statusItem: vscode.StatusBarItem;
/** Latest status per document, keyed by the VS Code URI string. */
const statusByUri = new Map<string, StatusParams>();
/** Report texts served by the `essay-lsp-report:` content provider. */
const reports = new Map<string, string>();
const reportChanged = new vscode.EventEmitter<vscode.Uri>();
/** Serialises start/stop/restart so quick setting changes cannot start two servers. */
let lifecycle: Promise<void> = Promise.resolve();

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  bundledServer = path.join(context.extensionPath, 'server', SERVER_EXE);
  output = vscode.window.createOutputChannel('essay-lsp');
  statusItem = vscode.window.createStatusBarItem('essayLsp.status', vscode.StatusBarAlignment.Right, 100);
  statusItem.name = 'essay-lsp 复制比 / copy ratio';
  statusItem.command = 'essayLsp.showReport';

  context.subscriptions.push(
    output,
    statusItem,
    reportChanged,
    vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, {
      onDidChange: reportChanged.event,
      provideTextDocumentContent: (uri) => reports.get(uri.toString()) ?? '',
    }),
    vscode.commands.registerCommand('essayLsp.restartServer', () => queue(restartClient)),
    vscode.commands.registerCommand('essayLsp.showReport', showReport),
    vscode.window.onDidChangeActiveTextEditor(updateStatusItem),
    vscode.workspace.onDidCloseTextDocument((doc) => statusByUri.delete(doc.uri.toString())),
    vscode.workspace.onDidChangeConfiguration(onConfigurationChanged),
  );

  await queue(startClient);
}

export function deactivate(): Promise<void> {
  return queue(stopClient);
}

function queue(step: () => Promise<void>): Promise<void> {
  lifecycle = lifecycle.then(step, step);
  return lifecycle;
}

// ---------------------------------------------------------------------------------------------
// Server lifecycle

async function startClient(): Promise<void> {
  const command = findServer();
  if (!command.path) {
    reportMissingServer(command.tried);
    updateStatusItem();
    return;
  }
  output.appendLine(`[essay-lsp] starting ${command.path} --stdio`);

  const serverOptions: ServerOptions = {
    command: command.path,
    // TransportKind.stdio makes vscode-languageclient append `--stdio`.
    transport: TransportKind.stdio,
    options: { env: process.env },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: SCHEMES.flatMap((scheme) => LANGUAGES.map((language) => ({ scheme, language }))),
    // A function, so that a restart picks up the current settings.
    initializationOptions: () => serverSettings(),
    outputChannel: output,
    middleware: {
      executeCommand: async (cmd, args, next) => {
        const result = await next(cmd, args);
        if (cmd === 'essayLsp.report' && typeof result === 'string' && typeof args[0] === 'string') {
          // The 复制比 code lens runs the server command; show what it returns.
          await openReport(vscode.Uri.parse(args[0]), result);
        } else if (cmd === 'essayLsp.ignorePhrase' && typeof args[1] === 'string') {
          // The "ignore this phrase" quick fix: also keep the phrase in the settings, so that
          // it survives restarts and the next settings push does not drop it.
          await rememberIgnoredPhrase(args[1]);
        }
        return result;
      },
    },
  };

  const newClient = new LanguageClient('essayLsp', 'essay-lsp', serverOptions, clientOptions);
  newClient.onNotification('essayLsp/status', (params: StatusParams) => {
    const uri = newClient.protocol2CodeConverter.asUri(params.uri).toString();
    statusByUri.set(uri, params);
    updateStatusItem();
  });
  client = newClient;
  try {
    await newClient.start();
  } catch (err) {
    client = undefined;
    const message = err instanceof Error ? err.message : String(err);
    output.appendLine(`[essay-lsp] failed to start: ${message}`);
    if (/ENOENT|EACCES/.test(message)) {
      reportMissingServer([`${command.path}（${message}）`]);
    } else {
      void vscode.window.showErrorMessage(`essay-lsp 启动失败 / failed to start: ${message}`, '查看日志 / Show Log').then(
        (choice) => choice && output.show(),
      );
    }
  }
  updateStatusItem();
}

async function stopClient(): Promise<void> {
  const old = client;
  client = undefined;
  statusByUri.clear();
  if (old) {
    try {
      await old.stop();
    } catch (err) {
      output.appendLine(`[essay-lsp] stop failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  updateStatusItem();
}

async function restartClient(): Promise<void> {
  await stopClient();
  await startClient();
}

interface ServerLookup {
  path?: string;
  /** What was looked at, for the missing-server message. */
  tried: string[];
}

/**
 * `essayLsp.server.path` if set; else the binary bundled in the extension; else `essay-lsp` on
 * PATH; else `~/.cargo/bin/essay-lsp`. A path the user set is never silently replaced.
 */
function findServer(): ServerLookup {
  const configured = vscode.workspace.getConfiguration(SECTION).get<string>('server.path', '').trim();
  if (configured) {
    const resolved = resolvePath(configured);
    return isExecutableFile(resolved)
      ? { path: resolved, tried: [] }
      : { tried: [`essayLsp.server.path = "${configured}"（${describeMissing(resolved)}）`] };
  }
  const tried: string[] = [];
  if (bundledServer) {
    if (isExecutableFile(bundledServer)) {
      return { path: bundledServer, tried };
    }
    tried.push(`扩展自带的 ${bundledServer}（${fs.existsSync(bundledServer) ? '不可执行' : '此安装包未附带'}）`);
  }
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter((d) => d.length > 0);
  // VS Code started from a desktop launcher often lacks ~/.cargo/bin on PATH.
  const cargoBin = path.join(os.homedir(), '.cargo', 'bin');
  for (const dir of [...dirs, cargoBin]) {
    const candidate = path.join(dir, SERVER_EXE);
    if (isExecutableFile(candidate)) {
      return { path: candidate, tried };
    }
  }
  tried.push(`PATH 中的 ${SERVER_EXE}（没有）`, `${path.join(cargoBin, SERVER_EXE)}（没有）`);
  return { tried };
}

function describeMissing(file: string): string {
  return fs.existsSync(file) ? '不可执行' : '不存在';
}

function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    if (process.platform !== 'win32') {
      fs.accessSync(file, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

function reportMissingServer(tried: string[]): void {
  const openSettings = '设置路径';
  const copyInstall = '复制安装命令';
  output.appendLine(`[essay-lsp] server not found; tried: ${tried.join('; ')}`);
  void vscode.window
    .showErrorMessage(
      `找不到 essay-lsp 服务器。已尝试：${tried.join('；')}。` +
        `请安装适合本平台的 essay-lsp 扩展包（自带服务器），或设置 "essayLsp.server.path"，` +
        `或在 essay-lsp 源码目录中运行 \`${INSTALL_COMMAND}\`，然后运行“essay-lsp: 重启服务器”。`,
      copyInstall,
      openSettings,
    )
    .then(async (choice) => {
      if (choice === copyInstall) {
        await vscode.env.clipboard.writeText(INSTALL_COMMAND);
      } else if (choice === openSettings) {
        await vscode.commands.executeCommand('workbench.action.openSettings', 'essayLsp.server.path');
      }
    });
}

// ---------------------------------------------------------------------------------------------
// Settings

/** The `essayLsp` object the server reads (client-only keys `server` and `trace` left out). */
function serverSettings(): Record<string, unknown> {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  const paths = (key: string) => (cfg.get<string[]>(key) ?? []).filter((p) => p.trim() !== '').map(resolvePath);
  return {
    corpus: {
      paths: paths('corpus.paths'),
      includeBuiltin: cfg.get<boolean>('corpus.includeBuiltin', true),
      includeWorkspace: cfg.get<boolean>('corpus.includeWorkspace', false),
    },
    glossary: { paths: paths('glossary.paths') },
    checks: {
      disabled: plain(cfg.get<string[]>('checks.disabled', [])),
      severity: plain(cfg.get<Record<string, string>>('checks.severity', {})),
    },
    copy: { minLength: cfg.get<number>('copy.minLength', 13) },
    formulaic: { extraPhrases: plain(cfg.get<string[]>('formulaic.extraPhrases', [])) },
    ignore: { phrases: plain(cfg.get<string[]>('ignore.phrases', [])) },
    diagnostics: { debounceMs: cfg.get<number>('diagnostics.debounceMs', 150) },
  };
}

/** Settings values are read-only proxies; send plain JSON. */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value ?? null)) as T;
}

/** Expands `~` and `${workspaceFolder}`; relative paths are taken from the first workspace folder. */
function resolvePath(p: string): string {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  let out = p.trim();
  if (folder) {
    out = out.replace(/\$\{workspaceFolder\}/g, folder);
  }
  if (out === '~' || out.startsWith('~/') || out.startsWith('~\\')) {
    out = path.join(os.homedir(), out.slice(1));
  }
  if (!path.isAbsolute(out) && folder) {
    out = path.join(folder, out);
  }
  return out;
}

function onConfigurationChanged(e: vscode.ConfigurationChangeEvent): void {
  if (e.affectsConfiguration(`${SECTION}.server.path`)) {
    void queue(restartClient);
    return;
  }
  if (e.affectsConfiguration(SECTION) && client?.isRunning()) {
    void client.sendNotification(DidChangeConfigurationNotification.type, {
      settings: { [SECTION]: serverSettings() },
    });
  }
}

async function rememberIgnoredPhrase(phrase: string): Promise<void> {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  const current = cfg.get<string[]>('ignore.phrases', []);
  if (current.includes(phrase)) {
    return;
  }
  const target = vscode.workspace.workspaceFolders?.length
    ? vscode.ConfigurationTarget.Workspace
    : vscode.ConfigurationTarget.Global;
  await cfg.update('ignore.phrases', [...current, phrase], target);
}

// ---------------------------------------------------------------------------------------------
// Status bar and report

function isEssayDocument(doc: vscode.TextDocument): boolean {
  return LANGUAGES.includes(doc.languageId) && SCHEMES.includes(doc.uri.scheme);
}

function updateStatusItem(): void {
  const doc = vscode.window.activeTextEditor?.document;
  if (!doc || !isEssayDocument(doc)) {
    statusItem.hide();
    return;
  }
  const status = statusByUri.get(doc.uri.toString());
  if (!client) {
    statusItem.text = '$(error) essay-lsp';
    statusItem.tooltip = 'essay-lsp 服务器未运行 / server is not running';
    statusItem.command = 'essayLsp.restartServer';
  } else if (!status) {
    statusItem.text = '$(sync~spin) essay-lsp';
    statusItem.tooltip = '正在检查 / checking…';
    statusItem.command = 'essayLsp.showReport';
  } else {
    const summary = status.summary.length > 48 ? `${status.summary.slice(0, 47)}…` : status.summary;
    statusItem.text = `$(book) ${summary}`;
    const tooltip = new vscode.MarkdownString();
    tooltip.appendText(status.summary);
    tooltip.appendMarkdown('\n\n点击显示复制比报告 / Click for the copy report');
    statusItem.tooltip = tooltip;
    statusItem.command = 'essayLsp.showReport';
  }
  statusItem.show();
}

async function showReport(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !isEssayDocument(editor.document)) {
    void vscode.window.showWarningMessage('请先打开一篇 Markdown 或纯文本文章 / Open a markdown or plain-text essay first.');
    return;
  }
  const current = client;
  if (!current?.isRunning()) {
    void vscode.window.showWarningMessage('essay-lsp 服务器未运行 / The essay-lsp server is not running.');
    return;
  }
  let markdown: unknown;
  try {
    markdown = await current.sendRequest(ExecuteCommandRequest.type, {
      command: 'essayLsp.report',
      arguments: [current.code2ProtocolConverter.asUri(editor.document.uri)],
    });
  } catch (err) {
    void vscode.window.showErrorMessage(`复制比报告失败 / Report failed: ${err instanceof Error ? err.message : String(err)}`);
    return;
  }
  if (typeof markdown !== 'string') {
    void vscode.window.showErrorMessage('服务器没有返回报告 / The server returned no report.');
    return;
  }
  await openReport(editor.document.uri, markdown);
}

/** Shows a report (markdown) for `source` as a preview beside the editor. */
async function openReport(source: vscode.Uri, markdown: string): Promise<void> {
  const name = path.basename(source.path) || 'untitled';
  const reportUri = vscode.Uri.from({
    scheme: REPORT_SCHEME,
    path: `/复制比报告 ${name}.md`,
    query: source.toString(),
  });
  reports.set(reportUri.toString(), markdown);
  reportChanged.fire(reportUri);
  try {
    await vscode.commands.executeCommand('markdown.showPreviewToSide', reportUri);
  } catch {
    // Built-in markdown extension disabled: show the markdown source instead.
    const doc = await vscode.workspace.openTextDocument(reportUri);
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
  }
}
