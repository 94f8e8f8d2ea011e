'use strict';
// VS Code's own completion filter and sort over the server's items: for every case of
// fixtures/completion-cases.json the text is typed one input-method chunk at a time (a didChange
// and a completion request per chunk, as VS Code asks again while a list is incomplete), the
// last list goes through the CompletionModel of VS Code's suggest widget (npm monaco-editor:
// fuzzyScoreGracefulAggressive from its filters module with the default options, then its
// sort), the first item's textEdit is applied, and the line must read as expected.
//
//   ESSAY_LSP_BIN=../../target/debug/essay-lsp node --test vscode/filter.test.js

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { Client, REPO, proto } = require('./client');

const TIMEOUT = { timeout: 60000 };
const CASES = JSON.parse(fs.readFileSync(path.join(REPO, 'tests/clients/fixtures/completion-cases.json'), 'utf8')).cases;
const TRIGGERS = ['，', '、', ',', '；', ';', '：', ':'];

/** What a snippet inserts when every placeholder keeps its default: `${1:政策}` → `政策`. */
function expandSnippet(body) {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\' && i + 1 < body.length) {
      out += body[++i];
    } else if (c === '$' && body[i + 1] === '{') {
      i += 2;
      while (/[0-9]/.test(body[i])) i++;
      if (body[i] !== ':') throw new Error(`placeholder without default in ${body}`);
    } else if (c === '$' && /[0-9]/.test(body[i + 1] ?? '')) {
      while (/[0-9]/.test(body[i + 1] ?? '')) i++;
    } else if (c !== '}') {
      out += c;
    }
  }
  return out;
}

/**
 * The items VS Code's suggest widget shows, in its order, for `items` requested with the cursor
 * at the end of `line`: its CompletionModel with the editor's defaults (editor.suggest.
 * filterGraceful, matchOnWordStartOnly → firstMatchCanBeWeak false, snippets inline), items
 * first sorted by sortText as the provider results are.
 */
function suggestWidget(CompletionModel, LineContext, line, items, incomplete) {
  const column = line.length + 1;
  const sorted = [...items].sort((a, b) => {
    const sa = a.sortText ?? a.label;
    const sb = b.sortText ?? b.label;
    return sa < sb ? -1 : sa > sb ? 1 : a.label < b.label ? -1 : a.label > b.label ? 1 : 0;
  });
  const provider = {};
  const container = { incomplete };
  const suggestItems = sorted.map((completion) => {
    const range = completion.textEdit.range ?? completion.textEdit.insert;
    assert.equal(range.end.character, line.length, 'the edit ends at the cursor');
    return {
      position: { lineNumber: 1, column },
      completion,
      container,
      provider,
      isInvalid: false,
      score: [-100, 0],
      distance: 0,
      textLabel: completion.label,
      labelLow: completion.label.toLowerCase(),
      sortTextLow: completion.sortText?.toLowerCase(),
      filterTextLow: completion.filterText?.toLowerCase(),
      editStart: { lineNumber: 1, column: range.start.character + 1 },
    };
  });
  const model = new CompletionModel(
    suggestItems,
    column,
    new LineContext(line, 0),
    { distance: () => 0 },
    { filterGraceful: true, snippetsPreventQuickSuggestions: false, showDeprecated: true },
    'inline',
  );
  return model.items;
}

describe('VS Code suggest widget over the completion cases', () => {
  let client;
  let dir;
  let CompletionModel;
  let LineContext;

  before(async () => {
    ({ CompletionModel, LineContext } = await import('monaco-editor/editor/contrib/suggest/browser/completionModel.js'));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'essay-lsp-filter-'));
    client = new Client();
    await client.initialize(dir);
    await client.initialized();
  });

  after(async () => {
    if (client && client.proc.exitCode === null) {
      await client.shutdown().catch(() => client.proc.kill('SIGKILL'));
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  CASES.forEach((c, n) => {
    it(`${c.name}: ${c.chunks.join('')} → ${c.expected}`, TIMEOUT, async () => {
      const uri = pathToFileURL(path.join(dir, `case${n}.md`)).href;
      let version = 1;
      let line = '';
      await client.notify(proto.DidOpenTextDocumentNotification.type, {
        textDocument: { uri, languageId: 'markdown', version, text: '' },
      });
      let result;
      for (const chunk of c.chunks) {
        const at = { line: 0, character: line.length };
        line += chunk;
        await client.notify(proto.DidChangeTextDocumentNotification.type, {
          textDocument: { uri, version: ++version },
          contentChanges: [{ range: { start: at, end: at }, text: chunk }],
        });
        const last = chunk.slice(-1);
        result = await client.request(proto.CompletionRequest.type, {
          textDocument: { uri },
          position: { line: 0, character: line.length },
          context: TRIGGERS.includes(last)
            ? { triggerKind: proto.CompletionTriggerKind.TriggerCharacter, triggerCharacter: last }
            : { triggerKind: proto.CompletionTriggerKind.Invoked },
        });
      }
      await client.notify(proto.DidCloseTextDocumentNotification.type, { textDocument: { uri } });
      const items = Array.isArray(result) ? result : result?.items ?? [];
      assert.ok(items.length > 0, `no items after typing ${line}`);
      const shown = suggestWidget(CompletionModel, LineContext, line, items, !Array.isArray(result) && result.isIncomplete);
      assert.ok(shown.length > 0, `VS Code's filter drops every item: ${JSON.stringify(items.slice(0, 3).map((i) => [i.label, i.filterText]))}`);
      const first = shown[0].completion;
      const edit = first.textEdit;
      const range = edit.range ?? edit.insert;
      const text = first.insertTextFormat === proto.InsertTextFormat.Snippet ? expandSnippet(edit.newText) : edit.newText;
      const applied = line.slice(0, range.start.character) + text + line.slice(range.end.character);
      assert.equal(applied, c.expected, `first shown: ${first.label} (of ${shown.map((s) => s.completion.label).slice(0, 5).join(' | ')})`);
    });
  });
});
