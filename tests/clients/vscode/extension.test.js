'use strict';
// The compiled VS Code extension (editors/vscode/out/extension.js) activated against a stub of
// the `vscode` API and of vscode-languageclient: checks what it would hand the language client
// (command, --stdio, document selector, settings), how it pushes setting changes, the status
// bar, the report command and the missing-binary message. VS Code itself cannot be run here;
// the protocol side is covered by protocol.test.js.
//   (cd editors/vscode && npx tsc -p .) && node --test tests/clients/vscode/extension.test.js

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Module = require('node:module');
const { REPO, defaultSettings } = require('./client');

const EXT_DIR = path.join(REPO, 'editors', 'vscode');
const EXT_MAIN = path.join(EXT_DIR, 'out', 'extension.js');
const manifest = JSON.parse(fs.readFileSync(path.join(EXT_DIR, 'package.json'), 'utf8'));
const properties = manifest.contributes.configuration.properties;

// --- a small stand-in for the vscode API -------------------------------------------------

function makeVscode() {
  const state = {
    config: {}, // 'essayLsp.x.y' → value set by the test
    errors: [],
    warnings: [],
    commands: new Map(),
    executed: [],
    configListeners: [],
    editorListeners: [],
    providers: new Map(),
    updates: [],
    workspaceFolders: undefined,
    activeTextEditor: undefined,
  };
  class EventEmitter {
    constructor() {
      this.listeners = [];
      this.event = (l) => {
        this.listeners.push(l);
        return { dispose() {} };
      };
    }
    fire(v) {
      this.listeners.forEach((l) => l(v));
    }
    dispose() {}
  }
  class Uri {
    constructor(scheme, p, query = '') {
      Object.assign(this, { scheme, path: p, query, fsPath: p });
    }
    static file(p) {
      return new Uri('file', p);
    }
    static parse(s) {
      const m = /^([a-z][\w+.-]*):\/\/([^?]*)(?:\?(.*))?$/i.exec(s);
      return new Uri(m[1], decodeURIComponent(m[2]), m[3] ?? '');
    }
    static from({ scheme, path: p, query }) {
      return new Uri(scheme, p, query);
    }
    toString() {
      return `${this.scheme}://${this.path}${this.query ? `?${this.query}` : ''}`;
    }
  }
  class MarkdownString {
    constructor() {
      this.value = '';
    }
    appendText(t) {
      this.value += t;
      return this;
    }
    appendMarkdown(t) {
      this.value += t;
      return this;
    }
  }
  const disposable = { dispose() {} };
  const statusItem = { text: '', tooltip: undefined, command: undefined, visible: false, show() { this.visible = true; }, hide() { this.visible = false; }, dispose() {} };
  const vscode = {
    EventEmitter,
    Uri,
    MarkdownString,
    StatusBarAlignment: { Left: 1, Right: 2 },
    ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
    ViewColumn: { Active: -1, Beside: -2 },
    env: { clipboard: { writeText: async () => {} } },
    window: {
      createOutputChannel: () => ({ lines: [], appendLine(l) { this.lines.push(l); }, append() {}, show() {}, dispose() {} }),
      createStatusBarItem: () => statusItem,
      showErrorMessage: async (msg) => {
        state.errors.push(msg);
        return undefined;
      },
      showWarningMessage: async (msg) => {
        state.warnings.push(msg);
        return undefined;
      },
      showTextDocument: async () => undefined,
      onDidChangeActiveTextEditor: (l) => {
        state.editorListeners.push(l);
        return disposable;
      },
      get activeTextEditor() {
        return state.activeTextEditor;
      },
    },
    workspace: {
      get workspaceFolders() {
        return state.workspaceFolders;
      },
      getConfiguration(section) {
        assert.equal(section, 'essayLsp');
        return {
          get(key, dflt) {
            const full = `essayLsp.${key}`;
            if (full in state.config) return state.config[full];
            if (full in properties) return properties[full].default;
            return dflt;
          },
          async update(key, value, target) {
            state.updates.push({ key, value, target });
            state.config[`essayLsp.${key}`] = value;
          },
        };
      },
      registerTextDocumentContentProvider(scheme, provider) {
        state.providers.set(scheme, provider);
        return disposable;
      },
      onDidCloseTextDocument: () => disposable,
      onDidChangeConfiguration: (l) => {
        state.configListeners.push(l);
        return disposable;
      },
      openTextDocument: async (uri) => ({ uri }),
    },
    commands: {
      registerCommand(id, fn) {
        state.commands.set(id, fn);
        return disposable;
      },
      async executeCommand(id, ...args) {
        state.executed.push({ id, args });
      },
    },
  };
  return { vscode, state, statusItem };
}

// --- a stand-in for vscode-languageclient/node ---------------------------------------------

function makeLanguageClientModule() {
  const clients = [];
  class LanguageClient {
    constructor(id, name, serverOptions, clientOptions) {
      Object.assign(this, { id, name, serverOptions, clientOptions });
      this.notifications = new Map();
      this.sent = [];
      this.requests = [];
      this.running = false;
      this.protocol2CodeConverter = { asUri: (s) => ({ toString: () => s }) };
      this.code2ProtocolConverter = { asUri: (u) => u.toString() };
      clients.push(this);
    }
    onNotification(method, handler) {
      this.notifications.set(method, handler);
      return { dispose() {} };
    }
    async start() {
      this.running = true;
    }
    async stop() {
      this.running = false;
    }
    isRunning() {
      return this.running;
    }
    async sendNotification(type, params) {
      this.sent.push({ method: type.method, params });
    }
    async sendRequest(type, params) {
      this.requests.push({ method: type.method, params });
      return '# 复制比报告\n\n复制比 20.0%';
    }
  }
  return {
    clients,
    module: {
      LanguageClient,
      TransportKind: { stdio: 0, ipc: 1, pipe: 2, socket: 3 },
      DidChangeConfigurationNotification: { type: { method: 'workspace/didChangeConfiguration' } },
      ExecuteCommandRequest: { type: { method: 'workspace/executeCommand' } },
    },
  };
}

/** Loads a fresh copy of out/extension.js with the stubs; returns its exports and the stubs. */
function loadExtension() {
  assert.ok(fs.existsSync(EXT_MAIN), `${EXT_MAIN} missing: compile the extension first (npx tsc -p editors/vscode)`);
  const { vscode, state, statusItem } = makeVscode();
  const lc = makeLanguageClientModule();
  const originalLoad = Module._load;
  Module._load = function (request, parent, isMain) {
    if (request === 'vscode') return vscode;
    if (request === 'vscode-languageclient/node') return lc.module;
    return originalLoad.call(this, request, parent, isMain);
  };
  try {
    delete require.cache[require.resolve(EXT_MAIN)];
    const ext = require(EXT_MAIN);
    return { ext, vscode, state, statusItem, clients: lc.clients };
  } finally {
    Module._load = originalLoad;
  }
}

const doc = (p, languageId = 'markdown') => ({ uri: { scheme: 'file', path: p, fsPath: p, toString: () => `file://${p}` }, languageId });

// --- tests -----------------------------------------------------------------------------------

describe('editors/vscode package.json', () => {
  it('mirrors every server setting, with the server defaults', () => {
    const expected = {
      'essayLsp.server.path': '',
      'essayLsp.trace.server': 'off',
      'essayLsp.corpus.paths': [],
      'essayLsp.corpus.includeBuiltin': true,
      'essayLsp.corpus.includeWorkspace': false,
      'essayLsp.glossary.paths': [],
      'essayLsp.checks.disabled': [],
      'essayLsp.checks.severity': {},
      'essayLsp.copy.minLength': 13,
      'essayLsp.formulaic.extraPhrases': [],
      'essayLsp.ignore.phrases': [],
      'essayLsp.diagnostics.debounceMs': 150,
    };
    assert.deepEqual(Object.keys(properties).sort(), Object.keys(expected).sort());
    for (const [key, value] of Object.entries(expected)) {
      assert.deepEqual(properties[key].default, value, key);
      const text = properties[key].description ?? properties[key].markdownDescription;
      assert.match(text, /[\u4e00-\u9fff].*\/.*[A-Za-z]/, `${key}: Chinese / English description`);
    }
    assert.equal(properties['essayLsp.copy.minLength'].minimum, 6);
    assert.equal(properties['essayLsp.copy.minLength'].maximum, 200);
    const codes = ['placeholder', 'copied-from-corpus', 'quoted-from-corpus', 'repeated-in-document', 'formulaic-phrase', 'boilerplate'];
    assert.deepEqual(properties['essayLsp.checks.disabled'].items.enum, codes);
    assert.deepEqual(Object.keys(properties['essayLsp.checks.severity'].properties), codes);
  });

  it('activation, commands and configurationDefaults', () => {
    assert.deepEqual(manifest.activationEvents.sort(), ['onLanguage:markdown', 'onLanguage:plaintext']);
    assert.deepEqual(manifest.contributes.commands.map((c) => c.command).sort(), ['essayLsp.restartServer', 'essayLsp.showReport']);
    assert.match(manifest.engines.vscode, /^\^1\.82/);
    for (const lang of ['[markdown]', '[plaintext]']) {
      const d = manifest.contributes.configurationDefaults[lang];
      assert.deepEqual(d['editor.quickSuggestions'], { other: 'on', comments: 'on', strings: 'on' }, lang);
      assert.equal(d['editor.wordBasedSuggestions'], 'off', lang);
    }
  });
});

describe('editors/vscode extension (stubbed VS Code API)', () => {
  let tmp;
  let fakeServer;
  const savedPath = process.env.PATH;
  const savedHome = process.env.HOME;

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'essay-lsp-ext-'));
    fakeServer = path.join(tmp, 'bin', 'essay-lsp');
    fs.mkdirSync(path.dirname(fakeServer));
    fs.writeFileSync(fakeServer, '#!/bin/sh\n', { mode: 0o755 });
    fs.mkdirSync(path.join(tmp, 'home'));
    fs.mkdirSync(path.join(tmp, 'ws'));
    process.env.HOME = path.join(tmp, 'home'); // os.homedir(): no ~/.cargo/bin fallback here
  });

  after(() => {
    process.env.PATH = savedPath;
    process.env.HOME = savedHome;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('starts essay-lsp from PATH over stdio with the settings as initializationOptions', async () => {
    process.env.PATH = `${path.dirname(fakeServer)}${path.delimiter}${savedPath}`;
    const { ext, clients } = loadExtension();
    const context = { subscriptions: [] };
    await ext.activate(context);
    assert.equal(clients.length, 1);
    const c = clients[0];
    assert.equal(c.id, 'essayLsp', 'client id must be essayLsp so that essayLsp.trace.server works');
    assert.equal(c.serverOptions.command, fakeServer);
    assert.equal(c.serverOptions.transport, 0, 'TransportKind.stdio (adds --stdio)');
    const selector = c.clientOptions.documentSelector.map((s) => `${s.scheme}:${s.language}`).sort();
    assert.deepEqual(selector, ['file:markdown', 'file:plaintext', 'untitled:markdown', 'untitled:plaintext']);
    const init = typeof c.clientOptions.initializationOptions === 'function' ? c.clientOptions.initializationOptions() : c.clientOptions.initializationOptions;
    assert.deepEqual(init, defaultSettings(), 'initializationOptions = the server settings with every default');
    assert.ok(c.running);
    assert.ok(c.notifications.has('essayLsp/status'));
    await ext.deactivate();
    assert.equal(c.running, false);
  });

  it('pushes setting changes, resolving paths against the workspace folder', async () => {
    const { ext, state, clients } = loadExtension();
    state.workspaceFolders = [{ uri: { fsPath: path.join(tmp, 'ws') } }];
    state.config['essayLsp.server.path'] = fakeServer;
    await ext.activate({ subscriptions: [] });
    const c = clients[0];
    assert.equal(c.serverOptions.command, fakeServer);

    state.config['essayLsp.copy.minLength'] = 20;
    state.config['essayLsp.checks.disabled'] = ['placeholder'];
    state.config['essayLsp.corpus.paths'] = ['refs', '~/范文', '${workspaceFolder}/more'];
    const event = { affectsConfiguration: (s) => s === 'essayLsp' || s === 'essayLsp.copy.minLength' };
    state.configListeners.forEach((l) => l(event));
    assert.equal(c.sent.length, 1, 'one didChangeConfiguration');
    assert.equal(c.sent[0].method, 'workspace/didChangeConfiguration');
    const sent = c.sent[0].params.settings.essayLsp;
    assert.equal(sent.copy.minLength, 20);
    assert.deepEqual(sent.checks.disabled, ['placeholder']);
    assert.deepEqual(sent.corpus.paths, [path.join(tmp, 'ws', 'refs'), path.join(tmp, 'home', '范文'), path.join(tmp, 'ws', 'more')]);
    assert.equal(sent.server, undefined, 'client-only keys stay in the client');
    await ext.deactivate();
  });

  it('shows the status summary and opens the report', async () => {
    const { ext, state, statusItem, clients } = loadExtension();
    state.config['essayLsp.server.path'] = fakeServer;
    const draft = doc('/tmp/学习心得.md');
    state.activeTextEditor = { document: draft };
    await ext.activate({ subscriptions: [] });
    const c = clients[0];
    c.notifications.get('essayLsp/status')({ uri: draft.uri.toString(), version: 3, copyRatio: 0.124, summary: '复制比 12.4% · 最大单篇 8.1%《篇二》' });
    assert.ok(statusItem.visible);
    assert.match(statusItem.text, /复制比 12\.4%/);
    assert.equal(statusItem.command, 'essayLsp.showReport');

    await state.commands.get('essayLsp.showReport')();
    assert.deepEqual(c.requests, [{ method: 'workspace/executeCommand', params: { command: 'essayLsp.report', arguments: [draft.uri.toString()] } }]);
    const preview = state.executed.find((e) => e.id === 'markdown.showPreviewToSide');
    assert.ok(preview, `markdown preview not opened: ${JSON.stringify(state.executed)}`);
    const reportUri = preview.args[0];
    assert.equal(reportUri.scheme, 'essay-lsp-report');
    assert.match(state.providers.get('essay-lsp-report').provideTextDocumentContent(reportUri), /复制比 20\.0%/);

    // The 复制比 code lens runs essayLsp.report through the client: its result is shown too.
    state.executed.length = 0;
    const mw = c.clientOptions.middleware.executeCommand;
    const lensResult = await mw('essayLsp.report', ['file:///tmp/%E5%AD%A6%E4%B9%A0%E5%BF%83%E5%BE%97.md'], async () => '# 报告 lens');
    assert.equal(lensResult, '# 报告 lens');
    const lensPreview = state.executed.find((e) => e.id === 'markdown.showPreviewToSide');
    assert.ok(lensPreview, 'code lens report not shown');
    assert.match(lensPreview.args[0].path, /学习心得\.md/);
    assert.equal(state.providers.get('essay-lsp-report').provideTextDocumentContent(lensPreview.args[0]), '# 报告 lens');

    state.activeTextEditor = { document: doc('/tmp/x.py', 'python') };
    state.editorListeners.forEach((l) => l(state.activeTextEditor));
    assert.equal(statusItem.visible, false, 'hidden for other languages');
    await ext.deactivate();
  });

  it('keeps phrases ignored through the quick fix in essayLsp.ignore.phrases', async () => {
    const { ext, state, clients } = loadExtension();
    state.config['essayLsp.server.path'] = fakeServer;
    await ext.activate({ subscriptions: [] });
    const mw = clients[0].clientOptions.middleware.executeCommand;
    const forwarded = [];
    await mw('essayLsp.ignorePhrase', ['file:///a.md', '撸起袖子加油干'], async (cmd, args) => forwarded.push([cmd, args]));
    assert.deepEqual(forwarded, [['essayLsp.ignorePhrase', ['file:///a.md', '撸起袖子加油干']]]);
    assert.deepEqual(state.updates.map((u) => [u.key, u.value]), [['ignore.phrases', ['撸起袖子加油干']]]);
    await ext.deactivate();
  });

  it('says how to install the server when the binary is missing', async () => {
    process.env.PATH = path.join(tmp, 'empty');
    const { ext, state, clients } = loadExtension();
    await ext.activate({ subscriptions: [] });
    assert.equal(clients.length, 0, 'no client without a binary');
    assert.equal(state.errors.length, 1, JSON.stringify(state.errors));
    assert.match(state.errors[0], /cargo install --path server/);
    assert.match(state.errors[0], /essayLsp\.server\.path/);

    const again = loadExtension();
    again.state.config['essayLsp.server.path'] = path.join(tmp, 'nope', 'essay-lsp');
    await again.ext.activate({ subscriptions: [] });
    assert.equal(again.clients.length, 0);
    assert.match(again.state.errors[0], /nope/);
    process.env.PATH = savedPath;
  });
});
