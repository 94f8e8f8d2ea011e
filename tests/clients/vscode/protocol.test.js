'use strict';
// essay-lsp driven the way VS Code drives it: vscode-languageserver-protocol over the child's
// stdio, VS Code's capabilities, the settings editors/vscode sends, UTF-16 positions.
//   node --test tests/clients/vscode/        (ESSAY_LSP_BIN=… to pick the binary)

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { Client, positionOf, applyEdits, proto } = require('./client');

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'draft.md');
// The check codes, as the extension's settings list them (generated from the server's check table).
const CODES = require('../../../editors/vscode/package.json').contributes.configuration.properties['essayLsp.checks.disabled'].items.enum;
const TIMEOUT = { timeout: 30000 };

const show = (v) => JSON.stringify(v, null, 1);

describe('essay-lsp with the VS Code protocol stack', () => {
  let client;
  let dir;
  let uri;
  let text;
  let version = 1;
  let initResult;

  /** Sends one incremental change, as VS Code does for each edit. */
  async function change(range, newText) {
    text = applyEdits(text, [{ range, newText }]);
    version += 1;
    await client.notify(proto.DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ range, rangeLength: undefined, text: newText }],
    });
  }

  const lineOf = (n) => text.split('\n')[n];
  const byCode = (diags, code) => diags.filter((d) => d.code === code);

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'essay-lsp-vscode-'));
    const file = path.join(dir, '学习心得.md');
    text = fs.readFileSync(FIXTURE, 'utf8');
    fs.writeFileSync(file, text);
    uri = pathToFileURL(file).href;
    client = new Client();
    // What VS Code does when a markdown file is opened: initialize, initialized, didOpen.
    // The capabilities are checked by the first test; the flows go on regardless.
    initResult = await client.initialize(dir);
    await client.initialized();
    await client.notify(proto.DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'markdown', version, text },
    });
  });

  after(async () => {
    if (client && client.proc.exitCode === null) {
      await client.shutdown().catch(() => client.proc.kill('SIGKILL'));
    }
    if (client && client.stderr.trim() && process.env.ESSAY_LSP_TEST_VERBOSE) {
      console.error(`--- server stderr ---\n${client.stderr}`);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('initialize: capabilities of the contract', TIMEOUT, async () => {
    const caps = initResult.capabilities;
    const problems = []; // every gap at once, not just the first
    const want = (ok, what) => ok || problems.push(what);
    want(caps.positionEncoding === undefined || caps.positionEncoding === 'utf-16', `positionEncoding ${caps.positionEncoding} (VS Code offers only utf-16)`);
    const sync = typeof caps.textDocumentSync === 'number' ? caps.textDocumentSync : caps.textDocumentSync?.change;
    want(sync === proto.TextDocumentSyncKind.Incremental, `incremental textDocumentSync, got ${show(caps.textDocumentSync)}`);
    if (typeof caps.textDocumentSync === 'object') want(caps.textDocumentSync.openClose === true, 'textDocumentSync.openClose');
    for (const p of ['hoverProvider', 'codeActionProvider', 'codeLensProvider', 'documentSymbolProvider']) want(caps[p], p);
    const triggers = caps.completionProvider?.triggerCharacters ?? [];
    for (const c of ['，', '、', ',', '；', ';', '：', ':']) want(triggers.includes(c), `completion trigger character ${c}`);
    const commands = caps.executeCommandProvider?.commands ?? [];
    for (const c of ['essayLsp.report', 'essayLsp.ignorePhrase', 'essayLsp.addToGlossary']) want(commands.includes(c), `executeCommandProvider.commands: ${c}`);
    assert.deepEqual(problems, [], `missing from the initialize result: ${show(caps)}`);
  });

  it('diagnostics: placeholder 20xx at its UTF-16 position', TIMEOUT, async () => {
    const diags = await client.waitForDiagnostics(uri, (d) => byCode(d, 'placeholder').length > 0, 20000, 'a placeholder diagnostic');
    const at = positionOf(text, '20xx');
    const hit = byCode(diags, 'placeholder').find((d) => d.range.start.line === at.line);
    assert.ok(hit, `no placeholder diagnostic on line ${at.line}: ${show(diags)}`);
    assert.deepEqual(hit.range, { start: at, end: { line: at.line, character: at.character + 4 } }, show(hit));
    assert.equal(hit.source, 'essay-lsp');
  });

  it('diagnostics: sentence copied from the seed corpus', TIMEOUT, async () => {
    const diags = await client.waitForDiagnostics(uri, (d) => byCode(d, 'copied-from-corpus').length > 0, 20000, 'a copied-from-corpus diagnostic');
    const start = positionOf(text, '今年是脱贫攻坚');
    const end = positionOf(text, '画圆满');
    const hit = byCode(diags, 'copied-from-corpus').find((d) => d.range.start.line === start.line);
    assert.ok(hit, `no copied-from-corpus diagnostic on line ${start.line}: ${show(diags)}`);
    assert.deepEqual(hit.range.start, start, `copy should start at 今: ${show(hit)}`);
    assert.equal(hit.range.end.line, start.line, show(hit));
    assert.ok(hit.range.end.character >= end.character + 3, `copy should reach 画圆满: ${show(hit)}`);
    assert.ok(hit.range.end.character <= lineOf(start.line).length, show(hit));
  });

  it('diagnostics: scrape residue, repetition, only known codes from essay-lsp', TIMEOUT, async () => {
    const diags = await client.waitForDiagnostics(
      uri,
      (d) => byCode(d, 'boilerplate').length > 0 && byCode(d, 'repeated-in-document').length > 0,
      20000,
      'boilerplate and repeated-in-document diagnostics',
    );
    const residue = positionOf(text, '本文仅供参考');
    const b = byCode(diags, 'boilerplate').find((d) => d.range.start.line === residue.line);
    assert.ok(b, `no boilerplate diagnostic on line ${residue.line}: ${show(diags)}`);
    assert.ok(b.range.start.character <= residue.character && b.range.end.character >= residue.character + 6, show(b));

    const second = positionOf(text, '我们要把乡亲们', 2);
    const r = byCode(diags, 'repeated-in-document').filter((d) => d.range.start.line === second.line);
    assert.ok(r.length > 0, `no repeated-in-document diagnostic on line ${second.line}: ${show(diags)}`);
    const line = lineOf(second.line);
    assert.ok(
      r.some((d) => line.slice(d.range.start.character, d.range.end.character).includes('急难愁盼放在心上')),
      `repeated-in-document ranges do not cover the repeated sentence: ${show(r)}`,
    );
    for (const d of diags) {
      assert.equal(d.source, 'essay-lsp', show(d));
      assert.ok(CODES.includes(d.code), `unknown code ${show(d)}`);
    }
  });

  it('essayLsp/status notification for the open document', TIMEOUT, async () => {
    const status = await client.waitFor(
      () => client.statuses.get(uri),
      20000,
      () => `essayLsp/status for ${uri}; got ${show([...client.statuses.values()])}`,
    );
    assert.equal(typeof status.version, 'number', show(status));
    assert.equal(typeof status.summary, 'string', show(status));
    assert.ok(status.summary.includes('复制比'), show(status));
    assert.ok(status.copyRatio > 0 && status.copyRatio <= 1, `copyRatio should be in (0, 1] for a draft with a copied sentence: ${show(status)}`);
  });

  it('hover: 两不愁三保障 explains 不愁吃', TIMEOUT, async () => {
    const term = positionOf(text, '两不愁三保障');
    const hover = await client.request(proto.HoverRequest.type, {
      textDocument: { uri },
      position: { line: term.line, character: term.character + 2 },
    });
    assert.ok(hover, 'hover returned null');
    const contents = hover.contents;
    const value = typeof contents === 'string' ? contents : Array.isArray(contents) ? contents.map((c) => c.value ?? c).join('\n') : contents.value;
    assert.ok(value.includes('不愁吃'), `hover text lacks 不愁吃: ${value}`);
    if (hover.range) {
      assert.deepEqual(hover.range, { start: term, end: { line: term.line, character: term.character + 6 } }, show(hover.range));
    }
  });

  /**
   * Requests completion at the end of line `n` as VS Code does after typing a trigger character,
   * keeps the items VS Code's filter would show (filterText/label starting with the text between
   * the edit range's start and the cursor), takes the first by sortText, applies its textEdit
   * (VS Code's default insert mode) and sends the didChange.
   */
  async function completeLineEnd(n) {
    const before = lineOf(n);
    const position = { line: n, character: before.length };
    const result = await client.request(proto.CompletionRequest.type, {
      textDocument: { uri },
      position,
      context: { triggerKind: proto.CompletionTriggerKind.TriggerCharacter, triggerCharacter: before.slice(-1) },
    });
    assert.ok(result, 'completion returned null');
    const items = Array.isArray(result) ? result : result.items;
    const defaults = Array.isArray(result) ? undefined : result.itemDefaults;
    assert.ok(items.length > 0, `no completion items at ${show(position)}`);

    const editOf = (item) => {
      const te = item.textEdit;
      if (te) return { range: te.range ?? te.insert, newText: te.newText };
      const r = defaults?.editRange;
      if (r) return { range: r.start ? r : r.insert, newText: item.textEditText ?? item.insertText ?? item.label };
      return undefined;
    };
    const starts = new Set();
    for (const item of items) {
      const edit = editOf(item);
      assert.ok(edit, `item without textEdit (the design requires one): ${show(item)}`);
      assert.equal(edit.range.start.line, n, show(item));
      assert.deepEqual(edit.range.end, position, `edit range must end at the cursor: ${show(item)}`);
      assert.ok(edit.range.start.character <= position.character, show(item));
      starts.add(edit.range.start.character);
    }
    assert.equal(starts.size, 1, `all items must share one textEdit start, got ${[...starts]}`);

    const visible = items.filter((item) => {
      const typed = before.slice(editOf(item).range.start.character, position.character);
      return (item.filterText ?? item.label).startsWith(typed);
    });
    assert.ok(visible.length > 0, `VS Code would filter out every item: ${show(items.slice(0, 5))}`);
    visible.sort((a, b) => ((a.sortText ?? a.label) < (b.sortText ?? b.label) ? -1 : (a.sortText ?? a.label) > (b.sortText ?? b.label) ? 1 : 0));
    const first = visible[0];
    assert.notEqual(first.insertTextFormat, proto.InsertTextFormat.Snippet, `phrases are plain text: ${show(first)}`);
    const edit = editOf(first);
    await change(edit.range, edit.newText);
    for (const extra of first.additionalTextEdits ?? []) await change(extra.range, extra.newText);
    return { line: lineOf(n), first, items };
  }

  it('completion: 小康不小康， → 关键看老乡', TIMEOUT, async () => {
    const n = positionOf(text, '小康不小康，').line;
    assert.equal(lineOf(n), '小康不小康，');
    const { line, first } = await completeLineEnd(n);
    assert.equal(line, '小康不小康，关键看老乡', `first item ${show(first)}`);
  });

  it('completion after 𠀀 (two UTF-16 units): 𠀀小康不小康， → 关键看老乡', TIMEOUT, async () => {
    const n = positionOf(text, '𠀀小康不小康，').line;
    assert.equal(lineOf(n), '𠀀小康不小康，');
    const { line, first } = await completeLineEnd(n);
    assert.equal(line, '𠀀小康不小康，关键看老乡', `first item ${show(first)}`);
  });

  it('code lens on the first line shows 复制比', TIMEOUT, async () => {
    let lenses = await client.request(proto.CodeLensRequest.type, { textDocument: { uri } });
    assert.ok(Array.isArray(lenses) && lenses.length > 0, `no code lens: ${show(lenses)}`);
    let lens = lenses.find((l) => l.range.start.line === 0);
    assert.ok(lens, `no code lens on line 0: ${show(lenses)}`);
    if (!lens.command) lens = await client.request(proto.CodeLensResolveRequest.type, lens);
    assert.match(lens.command?.title ?? '', /复制比\s*\d+(\.\d+)?%/, show(lens));
  });

  it('workspace/executeCommand essayLsp.report returns markdown', TIMEOUT, async () => {
    const report = await client.request(proto.ExecuteCommandRequest.type, { command: 'essayLsp.report', arguments: [uri] });
    assert.equal(typeof report, 'string', show(report));
    assert.ok(report.includes('复制比'), report);
  });

  it('code actions: quick fixes for the diagnostics', TIMEOUT, async () => {
    const diags = client.diagnostics.get(uri).diagnostics;
    const kinds = [];
    for (const d of diags) {
      const actions = await client.request(proto.CodeActionRequest.type, {
        textDocument: { uri },
        range: d.range,
        context: { diagnostics: [d], triggerKind: proto.CodeActionTriggerKind.Automatic },
      });
      for (const a of actions ?? []) kinds.push(a.kind ?? (a.command && !a.title ? 'command' : undefined));
    }
    assert.ok(kinds.some((k) => k && k.startsWith('quickfix')), `no quickfix among ${show(kinds)} for ${diags.length} diagnostics`);
  });

  it('document symbols answer', TIMEOUT, async () => {
    const symbols = await client.request(proto.DocumentSymbolRequest.type, { textDocument: { uri } });
    assert.ok(Array.isArray(symbols), show(symbols));
    for (const s of symbols) assert.ok(typeof s.name === 'string' && (s.range || s.location), show(s));
  });

  it('incremental edit: 𠀀 before 20xx moves the placeholder by two UTF-16 units', TIMEOUT, async () => {
    const at = positionOf(text, '20xx');
    await change({ start: at, end: at }, '𠀀');
    const expected = { start: { line: at.line, character: at.character + 2 }, end: { line: at.line, character: at.character + 6 } };
    await client.waitForDiagnostics(
      uri,
      (d) => byCode(d, 'placeholder').some((p) => p.range.start.line === at.line && p.range.start.character === expected.start.character && p.range.end.character === expected.end.character),
      20000,
      `placeholder at ${show(expected)}`,
    );
  });

  it('didChangeConfiguration: disabling placeholder removes it, other checks stay', TIMEOUT, async () => {
    client.settings = { ...client.settings, checks: { disabled: ['placeholder'], severity: {} } };
    await client.notify(proto.DidChangeConfigurationNotification.type, { settings: { essayLsp: client.settings } });
    const diags = await client.waitForDiagnostics(uri, (d) => byCode(d, 'placeholder').length === 0, 20000, 'no placeholder diagnostic after disabling it');
    assert.ok(byCode(diags, 'copied-from-corpus').length > 0, `copied-from-corpus should stay: ${show(diags)}`);
  });

  it('essayLsp.ignorePhrase [uri, phrase]: the phrase is no longer reported', TIMEOUT, async () => {
    const diags = client.diagnostics.get(uri).diagnostics;
    const residue = byCode(diags, 'boilerplate')[0];
    assert.ok(residue, `no boilerplate diagnostic to ignore: ${show(diags)}`);
    assert.equal(residue.range.start.line, residue.range.end.line);
    const phrase = lineOf(residue.range.start.line).slice(residue.range.start.character, residue.range.end.character);
    await client.request(proto.ExecuteCommandRequest.type, { command: 'essayLsp.ignorePhrase', arguments: [uri, phrase] });
    // editors/vscode also keeps the phrase in essayLsp.ignore.phrases (and so pushes it).
    client.settings = { ...client.settings, ignore: { phrases: [phrase] } };
    await client.notify(proto.DidChangeConfigurationNotification.type, { settings: { essayLsp: client.settings } });
    const after = await client.waitForDiagnostics(uri, (d) => byCode(d, 'boilerplate').length === 0, 20000, `no diagnostic for the ignored “${phrase}”`);
    assert.ok(byCode(after, 'copied-from-corpus').length > 0, `other findings stay: ${show(after)}`);
  });

  it('essayLsp.addToGlossary [uri, term, definition]: hover shows the new term', TIMEOUT, async () => {
    const term = '逐户核实';
    const definition = '驻村工作队对每一户的收入和保障情况逐一上门核对';
    await client.request(proto.ExecuteCommandRequest.type, { command: 'essayLsp.addToGlossary', arguments: [uri, term, definition] });
    const at = positionOf(text, term);
    // The glossary may be rebuilt in the background: ask again for up to 10 s.
    let value = '';
    for (let i = 0; i < 100 && !value.includes(definition); i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 100));
      const hover = await client.request(proto.HoverRequest.type, { textDocument: { uri }, position: { line: at.line, character: at.character + 1 } });
      value = !hover ? '' : typeof hover.contents === 'string' ? hover.contents : hover.contents.value ?? show(hover.contents);
    }
    assert.ok(value.includes(definition), `hover over ${term} lacks the added definition: ${value || 'null'}`);
  });

  it('shutdown and exit', TIMEOUT, async () => {
    const { code, signal } = await client.shutdown();
    assert.equal(signal, null);
    assert.equal(code, 0);
    const errors = client.messages.filter((m) => m.kind !== 'log' && m.type === proto.MessageType.Error);
    assert.deepEqual(errors, [], 'the server showed error messages');
  });
});

describe('essay-lsp with a user corpus from essayLsp.corpus.paths', () => {
  let client;
  let dir;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'essay-lsp-corpus-'));
    fs.mkdirSync(path.join(dir, 'refs'));
    // CRLF, as Chinese text files often are.
    const essay = [
      '乡村振兴心得体会',
      '山区的孩子们每天要走两个小时的山路去上学，这是我驻村第一天看到的景象。',
      '',
      '驻村三年来，我们修通了进村的水泥路，建起了村里的第一座光伏电站，群众的钱袋子一天天鼓了起来。',
      '',
    ].join('\r\n');
    fs.writeFileSync(path.join(dir, 'refs', '旧稿.txt'), essay);
    client = new Client();
    client.settings.corpus.paths = [path.join(dir, 'refs')];
  });

  after(async () => {
    if (client.proc.exitCode === null) await client.shutdown().catch(() => client.proc.kill('SIGKILL'));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reports the copy with a related location in the corpus file', TIMEOUT, async () => {
    const file = path.join(dir, '草稿.md');
    const text = '# 草稿\n\n驻村三年来，我们修通了进村的水泥路，建起了村里的第一座光伏电站。\n';
    fs.writeFileSync(file, text);
    const uri = pathToFileURL(file).href;
    await client.initialize(dir);
    await client.initialized();
    await client.notify(proto.DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'markdown', version: 1, text } });
    const diags = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'copied-from-corpus'), 20000, 'a copy from the user corpus');
    const copy = diags.find((x) => x.code === 'copied-from-corpus');
    assert.deepEqual(copy.range.start, { line: 2, character: 0 }, show(copy));
    const related = (copy.relatedInformation ?? []).find((r) => r.location.uri === pathToFileURL(path.join(dir, 'refs', '旧稿.txt')).href);
    assert.ok(related, `no related location in 旧稿.txt: ${show(copy)}`);
    assert.deepEqual(related.location.range.start, { line: 3, character: 0 }, show(related));
    const errors = client.messages.filter((m) => m.kind !== 'log' && m.type === proto.MessageType.Error);
    assert.deepEqual(errors, []);
  });
});
