'use strict';
// A stand-in for the `vscode` module, enough for editors/vscode's bundled dist/extension.js and
// the real vscode-languageclient 9 bundled inside it to run against the real essay-lsp binary:
// the client registers its providers, syncs documents, shows diagnostics and runs commands
// through these objects, and the test reads what arrived in `state`. Namespaces are proxies:
// `on…` events and `register…` providers are recorded generically; any other API the bundle
// touches that is not written out here is listed in `state.missing`.

const path = require('node:path');

// --- value classes (shapes as in vscode.d.ts; the client builds and extends them) -----------

class Disposable {
  constructor(fn) {
    this._fn = fn;
  }
  static from(...items) {
    return new Disposable(() => items.forEach((d) => d?.dispose?.()));
  }
  dispose() {
    this._fn?.();
    this._fn = undefined;
  }
}

class EventEmitter {
  constructor() {
    this.listeners = [];
    this.event = (listener, thisArg) => {
      const bound = thisArg ? listener.bind(thisArg) : listener;
      this.listeners.push(bound);
      return new Disposable(() => {
        this.listeners = this.listeners.filter((l) => l !== bound);
      });
    };
  }
  fire(value) {
    this.listeners.slice().forEach((l) => l(value));
  }
  dispose() {
    this.listeners = [];
  }
}

class CancellationTokenSource {
  constructor() {
    const emitter = new EventEmitter();
    this._emitter = emitter;
    this.token = { isCancellationRequested: false, onCancellationRequested: emitter.event };
  }
  cancel() {
    if (!this.token.isCancellationRequested) {
      this.token.isCancellationRequested = true;
      this._emitter.fire();
    }
  }
  dispose() {}
}

class CancellationError extends Error {
  constructor() {
    super('Canceled');
    this.name = 'Canceled';
  }
}

// VS Code's Uri.toString() percent-encodes each path segment (Chinese file names included);
// parse() decodes. The client converts URIs both ways, so the two must round-trip.
class Uri {
  constructor(scheme, authority, p, query, fragment) {
    Object.assign(this, { scheme, authority: authority ?? '', path: p ?? '', query: query ?? '', fragment: fragment ?? '' });
  }
  get fsPath() {
    return this.path;
  }
  static file(p) {
    return new Uri('file', '', p.split(path.sep).join('/'));
  }
  static parse(s) {
    const m = /^([a-zA-Z][\w+.-]*):(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/.exec(s);
    if (!m) throw new Error(`fake vscode: cannot parse URI ${s}`);
    const dec = (x) => (x === undefined ? '' : decodeURIComponent(x));
    return new Uri(m[1], dec(m[2]), dec(m[3]), dec(m[4]), dec(m[5]));
  }
  static from({ scheme, authority, path: p, query, fragment }) {
    return new Uri(scheme, authority, p, query, fragment);
  }
  static joinPath(base, ...parts) {
    return base.with({ path: path.posix.join(base.path, ...parts) });
  }
  with(change) {
    return new Uri(change.scheme ?? this.scheme, change.authority ?? this.authority, change.path ?? this.path, change.query ?? this.query, change.fragment ?? this.fragment);
  }
  toString() {
    const enc = (x) => encodeURIComponent(x).replace(/%2F/g, '/');
    const authority = this.authority || this.scheme === 'file' ? `//${this.authority}` : '';
    return `${this.scheme}:${authority}${enc(this.path)}${this.query ? `?${encodeURIComponent(this.query)}` : ''}${this.fragment ? `#${encodeURIComponent(this.fragment)}` : ''}`;
  }
  toJSON() {
    return { scheme: this.scheme, path: this.path, query: this.query };
  }
}

class Position {
  constructor(line, character) {
    Object.assign(this, { line, character });
  }
}
class Range {
  constructor(a, b, c, d) {
    if (typeof a === 'number') [a, b] = [new Position(a, b), new Position(c, d)];
    Object.assign(this, { start: a, end: b });
  }
}
class Location {
  constructor(uri, rangeOrPosition) {
    Object.assign(this, { uri, range: rangeOrPosition });
  }
}
class Diagnostic {
  constructor(range, message, severity = 0) {
    Object.assign(this, { range, message, severity });
  }
}
class DiagnosticRelatedInformation {
  constructor(location, message) {
    Object.assign(this, { location, message });
  }
}
class MarkdownString {
  constructor(value = '', supportThemeIcons = false) {
    Object.assign(this, { value, supportThemeIcons });
  }
  appendText(t) {
    this.value += t;
    return this;
  }
  appendMarkdown(t) {
    this.value += t;
    return this;
  }
  appendCodeblock(code, language = '') {
    this.value += `\n\`\`\`${language}\n${code}\n\`\`\`\n`;
    return this;
  }
}
class CodeActionKind {
  constructor(value) {
    this.value = value;
  }
  append(part) {
    return new CodeActionKind(this.value ? `${this.value}.${part}` : part);
  }
  contains(other) {
    return this.value === other.value || other.value.startsWith(`${this.value}.`);
  }
  intersects(other) {
    return this.contains(other) || other.contains(this);
  }
}
for (const [name, value] of Object.entries({ Empty: '', QuickFix: 'quickfix', Refactor: 'refactor', RefactorExtract: 'refactor.extract', RefactorInline: 'refactor.inline', RefactorRewrite: 'refactor.rewrite', Source: 'source', SourceOrganizeImports: 'source.organizeImports', SourceFixAll: 'source.fixAll' })) {
  CodeActionKind[name] = new CodeActionKind(value);
}
class SemanticTokensLegend {
  constructor(tokenTypes, tokenModifiers = []) {
    Object.assign(this, { tokenTypes, tokenModifiers });
  }
}
/** Classes the client only constructs (or extends) and reads back: fields from the arguments. */
function plainClass(name, fields) {
  return {
    [name]: class {
      constructor(...args) {
        fields.forEach((f, i) => {
          if (args[i] !== undefined) this[f] = args[i];
        });
      }
    },
  }[name];
}

const enumOf = (names, first = 0) => Object.fromEntries(names.flatMap((n, i) => [[n, i + first], [i + first, n]]));

// --- the module ------------------------------------------------------------------------------

/**
 * A fresh `vscode` module. `state` holds what the extension and the client did: configuration
 * (`state.config`, read by getConfiguration), messages, registered commands and providers,
 * diagnostics, documents and event listeners.
 */
function makeVscode({ properties }) {
  const state = {
    config: {}, // 'essayLsp.x.y' → value set by the test
    configSections: [], // sections passed to getConfiguration
    errors: [],
    warnings: [],
    infos: [],
    commands: new Map(),
    executed: [],
    providers: new Map(), // text document content providers by scheme
    registrations: [], // languages.register…: { api, selector }
    diagnostics: new Map(), // uri string → Diagnostic[]
    updates: [],
    events: new Map(), // 'workspace.onDidOpenTextDocument' → listeners
    textDocuments: [],
    workspaceFolders: undefined,
    activeTextEditor: undefined,
    outputLines: [],
    missing: new Set(),
  };
  const disposable = new Disposable();

  const listen = (name) => (listener, thisArg) => {
    const list = state.events.get(name) ?? [];
    const bound = thisArg ? listener.bind(thisArg) : listener;
    list.push(bound);
    state.events.set(name, list);
    return new Disposable(() => list.splice(list.indexOf(bound), 1));
  };
  /** Calls the listeners of a recorded event, e.g. fire('workspace.onDidChangeConfiguration', e). */
  const fire = (name, value) => (state.events.get(name) ?? []).slice().map((l) => l(value));

  /** Namespace proxy: explicit members, then generic `on…` events and `register…` providers. */
  const namespace = (ns, members) =>
    new Proxy(members, {
      get(target, prop) {
        if (prop in target) return target[prop];
        if (typeof prop !== 'string') return undefined;
        if (/^onDid|^onWill/.test(prop)) return listen(`${ns}.${prop}`);
        if (/^register/.test(prop)) {
          return (selector, ...rest) => {
            state.registrations.push({ api: `${ns}.${prop}`, selector, args: rest });
            return disposable;
          };
        }
        state.missing.add(`${ns}.${prop}`);
        return undefined;
      },
    });

  const channel = (name) => ({
    name,
    append: (t) => state.outputLines.push(t),
    appendLine: (l) => state.outputLines.push(l),
    replace() {},
    clear() {},
    show() {},
    hide() {},
    dispose() {},
  });
  const statusItem = { text: '', tooltip: undefined, command: undefined, name: undefined, visible: false, show() { this.visible = true; }, hide() { this.visible = false; }, dispose() {} };

  const configuration = (section) => ({
    get(key, dflt) {
      const full = section ? `${section}.${key}` : key;
      if (full in state.config) return state.config[full];
      if (full in properties) return properties[full].default;
      return dflt;
    },
    has(key) {
      const full = section ? `${section}.${key}` : key;
      return full in state.config || full in properties;
    },
    inspect: () => undefined,
    async update(key, value, target) {
      state.updates.push({ key, value, target });
      state.config[section ? `${section}.${key}` : key] = value;
    },
  });

  const vscode = {
    version: '1.82.0',
    Disposable,
    EventEmitter,
    CancellationTokenSource,
    CancellationError,
    Uri,
    Position,
    Range,
    Location,
    Diagnostic,
    DiagnosticRelatedInformation,
    MarkdownString,
    CodeActionKind,
    SemanticTokensLegend,
    CodeLens: plainClass('CodeLens', ['range', 'command']),
    CompletionItem: plainClass('CompletionItem', ['label', 'kind']),
    CodeAction: plainClass('CodeAction', ['title', 'kind']),
    DocumentLink: plainClass('DocumentLink', ['range', 'target']),
    InlayHint: plainClass('InlayHint', ['position', 'label', 'kind']),
    SymbolInformation: plainClass('SymbolInformation', ['name', 'kind', 'containerName', 'location']),
    DocumentSymbol: plainClass('DocumentSymbol', ['name', 'detail', 'kind', 'range', 'selectionRange']),
    CallHierarchyItem: plainClass('CallHierarchyItem', ['kind', 'name', 'detail', 'uri', 'range', 'selectionRange']),
    TypeHierarchyItem: plainClass('TypeHierarchyItem', ['kind', 'name', 'detail', 'uri', 'range', 'selectionRange']),
    Hover: plainClass('Hover', ['contents', 'range']),
    TextEdit: plainClass('TextEdit', ['range', 'newText']),
    FoldingRange: plainClass('FoldingRange', ['start', 'end', 'kind']),
    CompletionList: plainClass('CompletionList', ['items', 'isIncomplete']),
    SnippetString: plainClass('SnippetString', ['value']),
    SemanticTokens: plainClass('SemanticTokens', ['data', 'resultId']),
    WorkspaceEdit: class {
      constructor() {
        this.edits = [];
      }
      replace(uri, range, newText) {
        this.edits.push({ uri, range, newText });
      }
      insert(uri, position, newText) {
        this.edits.push({ uri, range: new Range(position, position), newText });
      }
      delete(uri, range) {
        this.edits.push({ uri, range, newText: '' });
      }
      set(uri, edits) {
        edits.forEach((e) => this.edits.push({ uri, ...e }));
      }
    },
    RelativePattern: plainClass('RelativePattern', ['baseUri', 'pattern']),
    TabInputText: class {},
    TabInputTextDiff: class {},
    TabInputCustom: class {},
    DiagnosticSeverity: enumOf(['Error', 'Warning', 'Information', 'Hint']),
    DiagnosticTag: enumOf(['Unnecessary', 'Deprecated'], 1),
    CompletionItemKind: enumOf(['Text', 'Method', 'Function', 'Constructor', 'Field', 'Variable', 'Class', 'Interface', 'Module', 'Property', 'Unit', 'Value', 'Enum', 'Keyword', 'Snippet', 'Color', 'File', 'Reference', 'Folder', 'EnumMember', 'Constant', 'Struct', 'Event', 'Operator', 'TypeParameter', 'User', 'Issue']),
    CompletionItemTag: enumOf(['Deprecated'], 1),
    CompletionTriggerKind: enumOf(['Invoke', 'TriggerCharacter', 'TriggerForIncompleteCompletions']),
    SymbolKind: enumOf(['File', 'Module', 'Namespace', 'Package', 'Class', 'Method', 'Property', 'Field', 'Constructor', 'Enum', 'Interface', 'Function', 'Variable', 'Constant', 'String', 'Number', 'Boolean', 'Array', 'Object', 'Key', 'Null', 'EnumMember', 'Struct', 'Event', 'Operator', 'TypeParameter']),
    SymbolTag: enumOf(['Deprecated'], 1),
    DocumentHighlightKind: enumOf(['Text', 'Read', 'Write']),
    FoldingRangeKind: enumOf(['Comment', 'Imports', 'Region'], 1),
    FileType: { Unknown: 0, File: 1, Directory: 2, SymbolicLink: 64 },
    TextDocumentSaveReason: enumOf(['Manual', 'AfterDelay', 'FocusOut'], 1),
    SignatureHelpTriggerKind: enumOf(['Invoke', 'TriggerCharacter', 'ContentChange'], 1),
    CodeActionTriggerKind: enumOf(['Invoke', 'Automatic'], 1),
    NotebookCellKind: enumOf(['Markup', 'Code'], 1),
    ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
    StatusBarAlignment: { Left: 1, Right: 2 },
    ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
    ViewColumn: { Active: -1, Beside: -2 },
    env: { appName: 'Visual Studio Code', language: 'zh-cn', clipboard: { writeText: async () => {} } },
    window: namespace('window', {
      createOutputChannel: channel,
      createStatusBarItem: () => statusItem,
      showErrorMessage: async (msg) => {
        state.errors.push(msg);
        return undefined;
      },
      showWarningMessage: async (msg) => {
        state.warnings.push(msg);
        return undefined;
      },
      showInformationMessage: async (msg) => {
        state.infos.push(msg);
        return undefined;
      },
      showTextDocument: async () => undefined,
      withProgress: (options, task) => task({ report() {} }, new CancellationTokenSource().token),
      get activeTextEditor() {
        return state.activeTextEditor;
      },
      visibleTextEditors: [],
      tabGroups: { all: [], onDidChangeTabs: listen('window.tabGroups.onDidChangeTabs') },
    }),
    workspace: namespace('workspace', {
      get workspaceFolders() {
        return state.workspaceFolders;
      },
      get textDocuments() {
        return state.textDocuments;
      },
      notebookDocuments: [],
      getConfiguration(section) {
        state.configSections.push(section);
        return configuration(section);
      },
      getWorkspaceFolder: () => state.workspaceFolders?.[0],
      registerTextDocumentContentProvider(scheme, provider) {
        state.providers.set(scheme, provider);
        return disposable;
      },
      createFileSystemWatcher: (globPattern) => ({
        globPattern,
        onDidCreate: listen('watcher.onDidCreate'),
        onDidChange: listen('watcher.onDidChange'),
        onDidDelete: listen('watcher.onDidDelete'),
        dispose() {},
      }),
      openTextDocument: async (uri) => ({ uri }),
      applyEdit: async () => true,
    }),
    languages: namespace('languages', {
      createDiagnosticCollection: (name) => ({
        name,
        set(uri, diagnostics) {
          if (Array.isArray(uri)) uri.forEach(([u, d]) => state.diagnostics.set(u.toString(), d ?? []));
          else state.diagnostics.set(uri.toString(), diagnostics ?? []);
        },
        delete: (uri) => state.diagnostics.delete(uri.toString()),
        clear: () => state.diagnostics.clear(),
        get: (uri) => state.diagnostics.get(uri.toString()),
        has: (uri) => state.diagnostics.has(uri.toString()),
        forEach: (fn) => state.diagnostics.forEach((d, u) => fn(Uri.parse(u), d)),
        dispose() {},
      }),
      // A selector matches a document when every field it gives (language, scheme, pattern) does.
      match(selector, doc) {
        const one = (s) => {
          if (typeof s === 'string') return s === doc.languageId ? 10 : 0;
          if (s.language && s.language !== doc.languageId) return 0;
          if (s.scheme && s.scheme !== doc.uri.scheme) return 0;
          if (s.notebookType) return 0;
          return 10;
        };
        return Math.max(0, ...(Array.isArray(selector) ? selector : [selector]).map(one));
      },
    }),
    commands: namespace('commands', {
      registerCommand(id, fn) {
        if (state.commands.has(id)) throw new Error(`command '${id}' already exists`);
        state.commands.set(id, fn);
        return new Disposable(() => state.commands.delete(id));
      },
      async executeCommand(id, ...args) {
        state.executed.push({ id, args });
      },
    }),
    extensions: namespace('extensions', { all: [], getExtension: () => undefined }),
  };
  return { vscode, state, statusItem, fire };
}

/** A TextDocument for `file` with `text`, as VS Code hands it to extensions. */
function makeDocument(file, text, languageId = 'markdown', version = 1) {
  const lines = text.split('\n');
  return {
    uri: Uri.file(file),
    fileName: file,
    languageId,
    version,
    isClosed: false,
    isDirty: false,
    isUntitled: false,
    eol: 1,
    lineCount: lines.length,
    getText: () => text,
    save: async () => true,
  };
}

module.exports = { makeVscode, makeDocument, Uri };
