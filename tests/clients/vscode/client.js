'use strict';
// A minimal LSP client built from the same protocol stack as VS Code's client
// (vscode-languageclient 9 uses vscode-languageserver-protocol 3.17.5 and vscode-jsonrpc 8.2),
// sending the capabilities and settings that VS Code with editors/vscode sends.

const cp = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { StreamMessageReader, StreamMessageWriter } = require('vscode-jsonrpc/node');
const proto = require('vscode-languageserver-protocol');

const REPO = path.resolve(__dirname, '..', '..', '..');

/** The server binary: $ESSAY_LSP_BIN, else target/debug/essay-lsp in the repository. */
function serverBinary() {
  const bin = process.env.ESSAY_LSP_BIN
    ? path.resolve(process.env.ESSAY_LSP_BIN)
    : path.join(REPO, 'target', 'debug', 'essay-lsp');
  if (!fs.existsSync(bin)) {
    throw new Error(`essay-lsp binary not found at ${bin}; build it with \`cargo build\` or set ESSAY_LSP_BIN`);
  }
  return bin;
}

/** The `essayLsp` object editors/vscode sends (its serverSettings() with every default). */
function defaultSettings() {
  return {
    corpus: { paths: [], includeBuiltin: true, includeWorkspace: false },
    glossary: { paths: [] },
    checks: { disabled: [], severity: {} },
    copy: { minLength: 13 },
    formulaic: { extraPhrases: [] },
    ignore: { phrases: [] },
    diagnostics: { debounceMs: 150 },
  };
}

/** Client capabilities as sent by VS Code 1.82+ with vscode-languageclient 9 (trimmed to what matters here). */
function vscodeCapabilities() {
  const kinds = (n) => Array.from({ length: n }, (_, i) => i + 1);
  return {
    workspace: {
      applyEdit: true,
      workspaceEdit: {
        documentChanges: true,
        resourceOperations: ['create', 'rename', 'delete'],
        failureHandling: 'textOnlyTransactional',
        normalizesLineEndings: true,
        changeAnnotationSupport: { groupsOnLabel: true },
      },
      configuration: true,
      didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true },
      symbol: { dynamicRegistration: true, symbolKind: { valueSet: kinds(26) } },
      codeLens: { refreshSupport: true },
      executeCommand: { dynamicRegistration: true },
      didChangeConfiguration: { dynamicRegistration: true },
      workspaceFolders: true,
      semanticTokens: { refreshSupport: true },
      inlayHint: { refreshSupport: true },
      diagnostics: { refreshSupport: true },
    },
    textDocument: {
      publishDiagnostics: {
        relatedInformation: true,
        versionSupport: false,
        tagSupport: { valueSet: [1, 2] },
        codeDescriptionSupport: true,
        dataSupport: true,
      },
      synchronization: { dynamicRegistration: true, willSave: true, willSaveWaitUntil: true, didSave: true },
      completion: {
        dynamicRegistration: true,
        contextSupport: true,
        completionItem: {
          snippetSupport: true,
          commitCharactersSupport: true,
          documentationFormat: ['markdown', 'plaintext'],
          deprecatedSupport: true,
          preselectSupport: true,
          tagSupport: { valueSet: [1] },
          insertReplaceSupport: true,
          resolveSupport: { properties: ['documentation', 'detail', 'additionalTextEdits'] },
          insertTextModeSupport: { valueSet: [1, 2] },
          labelDetailsSupport: true,
        },
        insertTextMode: 2,
        completionItemKind: { valueSet: kinds(25) },
        completionList: { itemDefaults: ['commitCharacters', 'editRange', 'insertTextFormat', 'insertTextMode', 'data'] },
      },
      hover: { dynamicRegistration: true, contentFormat: ['markdown', 'plaintext'] },
      documentSymbol: {
        dynamicRegistration: true,
        symbolKind: { valueSet: kinds(26) },
        hierarchicalDocumentSymbolSupport: true,
        tagSupport: { valueSet: [1] },
        labelSupport: true,
      },
      codeAction: {
        dynamicRegistration: true,
        isPreferredSupport: true,
        disabledSupport: true,
        dataSupport: true,
        resolveSupport: { properties: ['edit'] },
        codeActionLiteralSupport: {
          codeActionKind: {
            valueSet: ['', 'quickfix', 'refactor', 'refactor.extract', 'refactor.inline', 'refactor.rewrite', 'source', 'source.organizeImports'],
          },
        },
        honorsChangeAnnotations: false,
      },
      codeLens: { dynamicRegistration: true },
    },
    window: {
      showMessage: { messageActionItem: { additionalPropertiesSupport: true } },
      showDocument: { support: true },
      workDoneProgress: true,
    },
    general: {
      staleRequestSupport: {
        cancel: true,
        retryOnContentModified: ['textDocument/semanticTokens/full', 'textDocument/semanticTokens/range', 'textDocument/semanticTokens/full/delta'],
      },
      regularExpressions: { engine: 'ECMAScript', version: 'ES2020' },
      markdown: { parser: 'marked', version: '1.1.0' },
      positionEncodings: ['utf-16'],
    },
  };
}

class Client {
  constructor(bin = serverBinary()) {
    this.bin = bin;
    this.proc = cp.spawn(bin, ['--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.stderr = '';
    this.proc.stderr.on('data', (d) => {
      this.stderr += d.toString('utf8');
    });
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve({ code, signal })));
    this.conn = proto.createProtocolConnection(
      new StreamMessageReader(this.proc.stdout),
      new StreamMessageWriter(this.proc.stdin),
    );
    this.settings = defaultSettings();
    this.diagnostics = new Map(); // uri → latest PublishDiagnosticsParams
    this.statuses = new Map(); // uri → latest essayLsp/status params
    this.messages = []; // window/showMessage + window/logMessage
    this.appliedEdits = [];
    this.waiters = new Set();

    this.conn.onNotification(proto.PublishDiagnosticsNotification.type, (p) => {
      this.diagnostics.set(p.uri, p);
      this.wake();
    });
    this.conn.onNotification('essayLsp/status', (p) => {
      this.statuses.set(p.uri, p);
      this.wake();
    });
    this.conn.onNotification(proto.ShowMessageNotification.type, (p) => this.messages.push({ kind: 'show', ...p }));
    this.conn.onNotification(proto.LogMessageNotification.type, (p) => this.messages.push({ kind: 'log', ...p }));
    // Requests VS Code answers.
    this.conn.onRequest(proto.ConfigurationRequest.type, (p) =>
      p.items.map((item) => (item.section === 'essayLsp' ? this.settings : item.section ? null : { essayLsp: this.settings })),
    );
    this.conn.onRequest(proto.RegistrationRequest.type, () => null);
    this.conn.onRequest(proto.UnregistrationRequest.type, () => null);
    this.conn.onRequest(proto.WorkDoneProgressCreateRequest.type, () => null);
    this.conn.onRequest(proto.CodeLensRefreshRequest.type, () => null);
    this.conn.onRequest(proto.DiagnosticRefreshRequest.type, () => null);
    this.conn.onRequest(proto.ShowMessageRequest.type, (p) => {
      this.messages.push({ kind: 'request', ...p });
      return null;
    });
    this.conn.onRequest(proto.ApplyWorkspaceEditRequest.type, (p) => {
      this.appliedEdits.push(p);
      return { applied: true };
    });
    this.conn.listen();
  }

  wake() {
    for (const w of [...this.waiters]) w();
  }

  /** Resolves once `check()` returns a truthy value; rejects after `ms` with `describe()`. */
  waitFor(check, ms, describe) {
    return new Promise((resolve, reject) => {
      const attempt = () => {
        let value;
        try {
          value = check();
        } catch (e) {
          finish();
          reject(e);
          return;
        }
        if (value) {
          finish();
          resolve(value);
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`timed out after ${ms} ms waiting for ${describe()}`));
      }, ms);
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(attempt);
      };
      this.waiters.add(attempt);
      attempt();
    });
  }

  /** Waits for a publishDiagnostics for `uri` whose diagnostics satisfy `pred`. */
  waitForDiagnostics(uri, pred, ms = 20000, what = 'diagnostics') {
    return this.waitFor(
      () => {
        const p = this.diagnostics.get(uri);
        return p && pred(p.diagnostics) ? p.diagnostics : undefined;
      },
      ms,
      () => `${what}; last publication: ${JSON.stringify(this.diagnostics.get(uri) ?? null)}`,
    );
  }

  async initialize(rootDir) {
    const rootUri = rootDir ? pathToFileURL(rootDir).href : null;
    return this.conn.sendRequest(proto.InitializeRequest.type, {
      processId: process.pid,
      clientInfo: { name: 'Visual Studio Code', version: '1.82.0' },
      locale: 'zh-cn',
      rootPath: rootDir ?? null,
      rootUri,
      capabilities: vscodeCapabilities(),
      initializationOptions: this.settings,
      trace: 'off',
      workspaceFolders: rootDir ? [{ uri: rootUri, name: path.basename(rootDir) }] : null,
    });
  }

  async initialized() {
    await this.conn.sendNotification(proto.InitializedNotification.type, {});
  }

  request(type, params) {
    return this.conn.sendRequest(type, params);
  }

  notify(type, params) {
    return this.conn.sendNotification(type, params);
  }

  async shutdown(ms = 5000) {
    const timers = [];
    const timeout = (what) =>
      new Promise((_, reject) => timers.push(setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms)));
    try {
      await Promise.race([this.conn.sendRequest(proto.ShutdownRequest.type), timeout('shutdown')]);
      await this.conn.sendNotification(proto.ExitNotification.type);
      return await Promise.race([this.exited, timeout('exit')]);
    } finally {
      timers.forEach(clearTimeout);
      this.conn.dispose();
      if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
    }
  }
}

// --- text helpers (JS strings index UTF-16 code units, like LSP's default encoding) ---------

/** Position (UTF-16) of the `occurrence`-th `needle` in `text`. */
function positionOf(text, needle, occurrence = 1) {
  let idx = -1;
  for (let i = 0; i < occurrence; i++) {
    idx = text.indexOf(needle, idx + 1);
    if (idx < 0) throw new Error(`"${needle}" not found (occurrence ${occurrence})`);
  }
  const before = text.slice(0, idx).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

function offsetAt(text, pos) {
  const lines = text.split('\n');
  let off = 0;
  for (let i = 0; i < pos.line; i++) off += lines[i].length + 1;
  return off + pos.character;
}

/** Applies LSP TextEdits (non-overlapping) to `text`. */
function applyEdits(text, edits) {
  const sorted = [...edits].sort((a, b) => offsetAt(text, b.range.start) - offsetAt(text, a.range.start));
  for (const e of sorted) {
    text = text.slice(0, offsetAt(text, e.range.start)) + e.newText + text.slice(offsetAt(text, e.range.end));
  }
  return text;
}

module.exports = { Client, REPO, serverBinary, defaultSettings, positionOf, offsetAt, applyEdits, proto };
