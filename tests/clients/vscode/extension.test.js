'use strict';
// The VS Code extension as it ships: dist/extension.js (esbuild bundle with vscode-languageclient
// inside) activated against a stand-in `vscode` module (fake-vscode.js), so that the real bundled
// client starts the real essay-lsp binary over stdio. Checks the server lookup (setting, bundled
// binary, PATH), what reaches the server (command line, initializationOptions, settings pushes,
// opened documents), and what comes back (diagnostics, status bar 复制比, report preview, quick
// fix commands), plus the missing-binary message. VS Code itself cannot be run here.
//
//   ESSAY_LSP_VSCODE_EXT=DIR  the extension to test: an unpacked .vsix (its extension/ folder,
//                             with server/essay-lsp inside); run.sh sets it. Without it, the test
//                             builds that layout from editors/vscode (package.json, dist/) and
//                             $ESSAY_LSP_BIN (npm run compile first).
//   ESSAY_LSP_BIN             the server for the PATH and essayLsp.server.path cases (and the
//                             bundled one without ESSAY_LSP_VSCODE_EXT).
//
//   (cd editors/vscode && npm run compile) && node --test tests/clients/vscode/extension.test.js

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const childProcess = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Module = require('node:module');
const { REPO, defaultSettings, serverBinary } = require('./client');
const { makeVscode, makeDocument, Uri } = require('./fake-vscode');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'essay-lsp-ext-'));
const SERVER = serverBinary();

/** The extension folder under test: the unpacked .vsix, or one laid out like it. */
const EXT_DIR = process.env.ESSAY_LSP_VSCODE_EXT ? path.resolve(process.env.ESSAY_LSP_VSCODE_EXT) : layOutExtension();
const EXT_MAIN = path.join(EXT_DIR, 'dist', 'extension.js');
const BUNDLED = path.join(EXT_DIR, 'server', 'essay-lsp');
const manifest = JSON.parse(fs.readFileSync(path.join(EXT_DIR, 'package.json'), 'utf8'));
const properties = manifest.contributes.configuration.properties;
const DRAFT_TEXT = fs.readFileSync(path.join(REPO, 'tests', 'clients', 'fixtures', 'draft.md'), 'utf8');

function layOutExtension() {
  const src = path.join(REPO, 'editors', 'vscode');
  assert.ok(fs.existsSync(path.join(src, 'dist', 'extension.js')), 'editors/vscode/dist/extension.js missing: run `npm run compile` there');
  const dir = path.join(tmp, 'extension');
  fs.mkdirSync(path.join(dir, 'server'), { recursive: true });
  fs.copyFileSync(path.join(src, 'package.json'), path.join(dir, 'package.json'));
  fs.cpSync(path.join(src, 'dist'), path.join(dir, 'dist'), { recursive: true });
  fs.symlinkSync(SERVER, path.join(dir, 'server', 'essay-lsp'));
  return dir;
}

// --- a tap on the server process: what the bundled client spawned and sent -----------------

/** Splits an LSP byte stream (Content-Length framing) into parsed messages. */
function frameReader(onMessage) {
  let buf = Buffer.alloc(0);
  return (chunk) => {
    buf = Buffer.concat([buf, Buffer.from(chunk)]);
    for (;;) {
      const head = buf.indexOf('\r\n\r\n');
      if (head < 0) return;
      const m = /Content-Length: (\d+)/i.exec(buf.subarray(0, head).toString('ascii'));
      assert.ok(m, `bad LSP header: ${buf.subarray(0, head)}`);
      const end = head + 4 + Number(m[1]);
      if (buf.length < end) return;
      onMessage(JSON.parse(buf.subarray(head + 4, end).toString('utf8')));
      buf = buf.subarray(end);
    }
  };
}

/** child_process with spawn() recording each server start and tapping its stdin and stdout. */
function tappedChildProcess(spawned) {
  return {
    ...childProcess,
    spawn(command, args, options) {
      const child = childProcess.spawn(command, args, options);
      const record = { command, args, child, sent: [], received: [], exit: undefined };
      record.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve((record.exit = { code, signal }))));
      const readSent = frameReader((msg) => record.sent.push(msg));
      const write = child.stdin.write.bind(child.stdin);
      child.stdin.write = (chunk, ...rest) => {
        readSent(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
        return write(chunk, ...rest);
      };
      child.stdout.on('data', frameReader((msg) => record.received.push(msg)));
      if (process.env.ESSAY_LSP_TEST_VERBOSE) child.stderr.on('data', (d) => process.stderr.write(d));
      spawned.push(record);
      return child;
    },
  };
}

/** Loads a fresh copy of dist/extension.js with the fake `vscode` and the tapped spawn. */
function loadExtension() {
  assert.ok(fs.existsSync(EXT_MAIN), `${EXT_MAIN} missing`);
  const fake = makeVscode({ properties });
  const spawned = [];
  const cp = tappedChildProcess(spawned);
  const originalLoad = Module._load;
  Module._load = function (request, parent, isMain) {
    if (request === 'vscode') return fake.vscode;
    if (request === 'child_process' || request === 'node:child_process') return cp;
    return originalLoad.call(this, request, parent, isMain);
  };
  try {
    delete require.cache[require.resolve(EXT_MAIN)];
    const ext = require(EXT_MAIN);
    return { ext, ...fake, spawned };
  } finally {
    Module._load = originalLoad;
  }
}

const context = (extensionPath = EXT_DIR) => ({ subscriptions: [], extensionPath, asAbsolutePath: (p) => path.join(extensionPath, p) });

async function waitFor(what, fn, ms = 20000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = fn();
    if (value) return value;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const methods = (messages, method) => messages.filter((m) => m.method === method);

/**
 * Deactivates and checks that the server went away cleanly (shutdown + exit, status 0) and that
 * the extension and its client touched no `vscode` API the stand-in leaves out.
 */
async function stopAndCheck(ext, server, state) {
  await ext.deactivate();
  assert.deepEqual([...state.missing], [], 'vscode API used but not in fake-vscode.js');
  // unref: a pending timeout must not keep the test process alive once the server is gone.
  const exit = await Promise.race([server.exited, new Promise((r) => setTimeout(() => r('timeout'), 10000).unref())]);
  assert.deepEqual(exit, { code: 0, signal: null }, 'server exits with status 0 after shutdown/exit');
  assert.equal(methods(server.sent, 'shutdown').length, 1);
  assert.equal(methods(server.sent, 'exit').length, 1);
}

// --- tests -----------------------------------------------------------------------------------

describe('editors/vscode package.json', () => {
  it('mirrors every server setting, with the server defaults', () => {
    // The server's settings are generated from its settings schema, whose defaults a Rust test
    // holds to the server's own (server/core/src/schema.rs, server/core/tests/generated_docs.rs); here: the
    // extension's own settings, and every setting has a default and a Chinese / English text.
    assert.equal(properties['essayLsp.server.path'].default, '');
    assert.equal(properties['essayLsp.trace.server'].default, 'off');
    for (const [key, property] of Object.entries(properties)) {
      assert.ok(key.startsWith('essayLsp.'), key);
      assert.ok('default' in property, `${key} has a default`);
      const text = property.description ?? property.markdownDescription;
      assert.match(text, /[\u4e00-\u9fff].*\/.*[A-Za-z]/, `${key}: Chinese / English description`);
    }
    assert.deepEqual(properties['essayLsp.corpus.paths'].default, []);
    assert.equal(properties['essayLsp.copy.minLength'].default, 13);
    assert.equal(properties['essayLsp.copy.minLength'].minimum, 6);
    assert.equal(properties['essayLsp.copy.minLength'].maximum, 200);
    // The check codes are generated from the server's check table (server/core/tests/generated_docs.rs
    // holds package.json to it); here they must agree with each other.
    const codes = properties['essayLsp.checks.disabled'].items.enum;
    for (const code of ['placeholder', 'copied-from-corpus', 'quoted-from-corpus', 'repeated-in-document', 'formulaic-phrase', 'boilerplate']) {
      assert.ok(codes.includes(code), code);
    }
    assert.equal(properties['essayLsp.checks.disabled'].items.enumDescriptions.length, codes.length);
    assert.deepEqual(Object.keys(properties['essayLsp.checks.severity'].properties), codes);
  });

  it('activation, commands, configurationDefaults and the bundled entry point', () => {
    assert.deepEqual(manifest.activationEvents.sort(), ['onLanguage:markdown', 'onLanguage:plaintext']);
    assert.deepEqual(manifest.contributes.commands.map((c) => c.command).sort(), ['essayLsp.restartServer', 'essayLsp.showReport']);
    assert.match(manifest.engines.vscode, /^\^1\.82/);
    assert.equal(manifest.main, './dist/extension.js');
    for (const lang of ['[markdown]', '[plaintext]']) {
      const d = manifest.contributes.configurationDefaults[lang];
      assert.deepEqual(d['editor.quickSuggestions'], { other: 'on', comments: 'on', strings: 'on' }, lang);
      assert.equal(d['editor.wordBasedSuggestions'], 'off', lang);
    }
    // The client library is inside the bundle: nothing but `vscode` and Node's own modules is
    // required at run time (an unpacked .vsix has no node_modules).
    const bundle = fs.readFileSync(EXT_MAIN, 'utf8');
    const required = new Set([...bundle.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]));
    const foreign = [...required].filter((r) => r !== 'vscode' && !Module.isBuiltin(r));
    assert.deepEqual(foreign, [], 'modules the bundle would load from node_modules');
    assert.ok(required.has('vscode'));
  });
});

describe('editors/vscode extension (bundled client, real server)', () => {
  const savedPath = process.env.PATH;
  const savedHome = process.env.HOME;
  const onPath = path.join(tmp, 'bin', 'essay-lsp');
  const ws = path.join(tmp, 'ws');
  const draftFile = path.join(ws, '学习心得.md');

  before(() => {
    assert.ok(fs.statSync(BUNDLED).isFile(), `${BUNDLED}: the package carries no server`);
    fs.accessSync(BUNDLED, fs.constants.X_OK);
    fs.mkdirSync(path.dirname(onPath), { recursive: true });
    fs.symlinkSync(SERVER, onPath);
    fs.mkdirSync(path.join(tmp, 'home'));
    fs.mkdirSync(ws);
    fs.writeFileSync(draftFile, DRAFT_TEXT);
    process.env.HOME = path.join(tmp, 'home'); // os.homedir(): no ~/.cargo/bin fallback here
  });

  after(() => {
    process.env.PATH = savedPath;
    process.env.HOME = savedHome;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('starts the bundled essay-lsp over stdio with the settings as initializationOptions', async () => {
    // Another essay-lsp on PATH: the bundled one still wins.
    process.env.PATH = `${path.dirname(onPath)}${path.delimiter}${savedPath}`;
    const { ext, state, spawned, statusItem } = loadExtension();
    state.config['essayLsp.trace.server'] = 'messages';
    const draft = makeDocument(draftFile, DRAFT_TEXT);
    state.textDocuments.push(draft);
    state.activeTextEditor = { document: draft };
    await ext.activate(context());

    assert.equal(spawned.length, 1, 'one server process');
    const server = spawned[0];
    assert.equal(server.command, BUNDLED);
    assert.deepEqual(server.args, ['--stdio'], 'TransportKind.stdio adds --stdio');
    const [init] = methods(server.sent, 'initialize');
    assert.deepEqual(init.params.initializationOptions, defaultSettings(), 'initializationOptions = the server settings with every default');
    assert.equal(init.params.clientInfo.name, 'Visual Studio Code');
    await waitFor('initialized', () => methods(server.sent, 'initialized').length === 1);
    // essayLsp.trace.server works only when the client id is essayLsp.
    assert.ok(state.configSections.includes('essayLsp'));
    assert.ok(state.outputLines.some((l) => /Sending request 'initialize/.test(l)), 'trace lines in the output channel');

    // Providers are registered for markdown and plain text, in files and untitled buffers.
    const hover = state.registrations.find((r) => r.api === 'languages.registerHoverProvider');
    assert.ok(hover, `no hover provider: ${state.registrations.map((r) => r.api)}`);
    const selector = hover.selector.map((s) => `${s.scheme}:${s.language}`).sort();
    assert.deepEqual(selector, ['file:markdown', 'file:plaintext', 'untitled:markdown', 'untitled:plaintext']);
    for (const api of ['registerCompletionItemProvider', 'registerCodeActionsProvider', 'registerCodeLensProvider', 'registerDocumentSymbolProvider']) {
      assert.ok(state.registrations.some((r) => r.api === `languages.${api}`), api);
    }

    // The open draft reaches the server; its findings and 复制比 come back.
    const [open] = await waitFor('didOpen', () => methods(server.sent, 'textDocument/didOpen').length && methods(server.sent, 'textDocument/didOpen'));
    assert.equal(open.params.textDocument.uri, draft.uri.toString());
    assert.equal(open.params.textDocument.text, DRAFT_TEXT);
    const diagnostics = await waitFor('diagnostics', () => state.diagnostics.get(draft.uri.toString())?.length && state.diagnostics.get(draft.uri.toString()));
    const codes = new Set(diagnostics.map((d) => (typeof d.code === 'object' ? d.code.value : d.code)));
    for (const code of ['placeholder', 'copied-from-corpus', 'repeated-in-document', 'boilerplate']) {
      assert.ok(codes.has(code), `${code} in ${[...codes]}`);
    }
    const placeholder = diagnostics.find((d) => d.message.includes('20xx'));
    assert.deepEqual([placeholder.range.start.line, placeholder.range.start.character], [2, 0]);
    await waitFor('status bar 复制比', () => /复制比 \d+(\.\d)?%/.test(statusItem.text));
    assert.ok(statusItem.visible);
    assert.equal(statusItem.command, 'essayLsp.showReport');

    await stopAndCheck(ext, server, state);
  });

  it('pushes setting changes, resolving paths against the workspace folder', async () => {
    const { ext, state, spawned, fire } = loadExtension();
    state.workspaceFolders = [{ uri: Uri.file(ws), name: 'ws', index: 0 }];
    state.config['essayLsp.server.path'] = onPath;
    await ext.activate(context());
    const server = spawned[0];
    assert.equal(server.command, onPath, 'essayLsp.server.path comes before the bundled binary');

    state.config['essayLsp.copy.minLength'] = 20;
    state.config['essayLsp.checks.disabled'] = ['placeholder'];
    state.config['essayLsp.corpus.paths'] = ['refs', '~/范文', '${workspaceFolder}/more'];
    fire('workspace.onDidChangeConfiguration', { affectsConfiguration: (s) => s === 'essayLsp' || s === 'essayLsp.copy.minLength' });
    const pushed = await waitFor('didChangeConfiguration', () => methods(server.sent, 'workspace/didChangeConfiguration').find((m) => m.params.settings?.essayLsp));
    assert.equal(methods(server.sent, 'workspace/didChangeConfiguration').length, 1, 'one didChangeConfiguration');
    const sent = pushed.params.settings.essayLsp;
    assert.equal(sent.copy.minLength, 20);
    assert.deepEqual(sent.checks.disabled, ['placeholder']);
    assert.deepEqual(sent.corpus.paths, [path.join(ws, 'refs'), path.join(tmp, 'home', '范文'), path.join(ws, 'more')]);
    assert.equal(sent.server, undefined, 'client-only keys stay in the client');

    // Changing the server path restarts the server with the new binary.
    state.config['essayLsp.server.path'] = '';
    fire('workspace.onDidChangeConfiguration', { affectsConfiguration: (s) => s === 'essayLsp' || s === 'essayLsp.server.path' });
    await waitFor('restart', () => spawned.length === 2 && methods(spawned[1].sent, 'initialized').length === 1);
    assert.equal(spawned[1].command, BUNDLED);
    assert.deepEqual(await server.exited, { code: 0, signal: null });
    await stopAndCheck(ext, spawned[1], state);
  });

  it('opens the report from the status bar and from the 复制比 code lens command', async () => {
    const { ext, state, statusItem, spawned } = loadExtension();
    const draft = makeDocument(draftFile, DRAFT_TEXT);
    state.textDocuments.push(draft);
    state.activeTextEditor = { document: draft };
    await ext.activate(context());
    await waitFor('status', () => /复制比/.test(statusItem.text));

    await state.commands.get('essayLsp.showReport')();
    const report = methods(spawned[0].sent, 'workspace/executeCommand').find((m) => m.params.command === 'essayLsp.report');
    assert.deepEqual(report.params.arguments, [draft.uri.toString()]);
    const preview = state.executed.find((e) => e.id === 'markdown.showPreviewToSide');
    assert.ok(preview, `markdown preview not opened: ${JSON.stringify(state.executed)} ${state.errors}`);
    const reportUri = preview.args[0];
    assert.equal(reportUri.scheme, 'essay-lsp-report');
    const markdown = state.providers.get('essay-lsp-report').provideTextDocumentContent(reportUri);
    assert.match(markdown, /复制比/);
    assert.match(markdown, /脱贫工作心得体会·篇二/, 'the report names the copied source');

    // The code lens runs the server command essayLsp.report, registered by the client: the
    // extension's middleware shows its result too.
    state.executed.length = 0;
    const lensResult = await state.commands.get('essayLsp.report')(draft.uri.toString());
    assert.match(lensResult, /复制比/);
    const lensPreview = state.executed.find((e) => e.id === 'markdown.showPreviewToSide');
    assert.ok(lensPreview, 'code lens report not shown');
    assert.match(lensPreview.args[0].path, /学习心得\.md/);
    assert.equal(state.providers.get('essay-lsp-report').provideTextDocumentContent(lensPreview.args[0]), lensResult);

    state.activeTextEditor = { document: makeDocument(path.join(ws, 'x.py'), '', 'python') };
    state.events.get('window.onDidChangeActiveTextEditor').forEach((l) => l(state.activeTextEditor));
    assert.equal(statusItem.visible, false, 'hidden for other languages');
    await stopAndCheck(ext, spawned[0], state);
  });

  it('keeps phrases ignored through the quick fix in essayLsp.ignore.phrases', async () => {
    const { ext, state, spawned } = loadExtension();
    const draft = makeDocument(draftFile, DRAFT_TEXT);
    state.textDocuments.push(draft);
    await ext.activate(context());
    await waitFor('diagnostics', () => state.diagnostics.get(draft.uri.toString())?.length);
    await state.commands.get('essayLsp.ignorePhrase')(draft.uri.toString(), '撸起袖子加油干');
    const call = methods(spawned[0].sent, 'workspace/executeCommand').find((m) => m.params.command === 'essayLsp.ignorePhrase');
    assert.deepEqual(call.params.arguments, [draft.uri.toString(), '撸起袖子加油干'], 'forwarded to the server');
    assert.match(fs.readFileSync(path.join(ws, 'essay-lsp.toml'), 'utf8'), /撸起袖子加油干/, 'the server wrote the project file');
    assert.deepEqual(state.updates.map((u) => [u.key, u.value]), [['ignore.phrases', ['撸起袖子加油干']]]);
    await stopAndCheck(ext, spawned[0], state);
  });

  it('falls back to PATH when the bundled binary is missing or not executable', async () => {
    process.env.PATH = `${path.dirname(onPath)}${path.delimiter}${savedPath}`;
    const bare = path.join(tmp, 'ext-not-executable');
    fs.mkdirSync(path.join(bare, 'server'), { recursive: true });
    fs.writeFileSync(path.join(bare, 'server', 'essay-lsp'), '', { mode: 0o644 });
    for (const extensionPath of [path.join(tmp, 'ext-without-server'), bare]) {
      const { ext, state, spawned } = loadExtension();
      const draft = makeDocument(draftFile, DRAFT_TEXT);
      state.textDocuments.push(draft);
      await ext.activate(context(extensionPath));
      assert.equal(spawned[0]?.command, onPath, extensionPath);
      // The server from PATH works: the draft's findings come back.
      await waitFor('diagnostics', () => state.diagnostics.get(draft.uri.toString())?.length);
      await stopAndCheck(ext, spawned[0], state);
    }
  });

  it('says what it tried and how to get the server when there is none', async () => {
    process.env.PATH = path.join(tmp, 'empty');
    const { ext, state, spawned } = loadExtension();
    const extensionPath = path.join(tmp, 'ext-without-server');
    await ext.activate(context(extensionPath));
    assert.equal(spawned.length, 0, 'no server without a binary');
    assert.equal(state.errors.length, 1, JSON.stringify(state.errors));
    const message = state.errors[0];
    assert.match(message, /^找不到 essay-lsp 服务器/);
    assert.ok(message.includes(path.join(extensionPath, 'server', 'essay-lsp')), `names the bundled path: ${message}`);
    assert.match(message, /PATH/);
    assert.ok(message.includes(path.join(tmp, 'home', '.cargo', 'bin', 'essay-lsp')), message);
    assert.match(message, /cargo install --path server/);
    assert.match(message, /essayLsp\.server\.path/);

    const again = loadExtension();
    again.state.config['essayLsp.server.path'] = path.join(tmp, 'nope', 'essay-lsp');
    await again.ext.activate(context());
    assert.equal(again.spawned.length, 0, 'a broken essayLsp.server.path is not replaced by the bundled binary');
    assert.match(again.state.errors[0], /nope.*不存在/);
    process.env.PATH = savedPath;
  });
});
