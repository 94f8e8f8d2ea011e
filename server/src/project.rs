//! The writer's project file, `essay-lsp.toml`: settings that travel with a folder of essays.
//!
//! The file is found by walking up from the essay. Its keys mirror the editor's `essayLsp`
//! settings in TOML (`[corpus] paths`, `[checks] disabled` …); it is converted to the same JSON
//! object and read by `Settings::merge_json`, so both front ends and both sources of settings
//! share one reader. Relative paths in it are relative to the file.
//!
//! Precedence: built-in defaults < editor settings < project file. A key the project file sets
//! replaces the editor's value (`checks.severity` per check), except for the lists that only
//! add things — `corpus.paths`, `glossary.paths`, `formulaic.extraPhrases`, `ignore.phrases` —
//! which are the editor's entries plus the project's.
//!
//! A file with a mistake in it yields problems with char ranges and no settings; the front ends
//! keep the last good settings. Writing (ignore a phrase, add a glossary term) edits the file
//! with `toml_edit`, so the writer's comments and layout survive, and replaces it atomically.

use std::collections::HashSet;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};
use toml_edit::{ImDocument, Item, TableLike};

use crate::checks::Severity;
use crate::config::Settings;
use crate::corpus::{Corpus, LoadProblem, Origin};
use crate::glossary::CATEGORIES;
use crate::normalize::{is_sentence_end, normalize_str};
use crate::schema::{Kind, SETTINGS};

/// The project file's name.
pub const PROJECT_FILE: &str = "essay-lsp.toml";
/// The user glossary that `addToGlossary` writes, next to the project file.
pub const GLOSSARY_FILE: &str = "essay-lsp.glossary.toml";

const NEW_PROJECT_HEADER: &str = "\
# essay-lsp 项目设置：本文件所在文件夹及其子文件夹中的文稿都使用这些设置。
# 键与编辑器设置 essayLsp.* 相同；相对路径相对于本文件所在的文件夹。
# 优先级：内置默认 < 编辑器设置 < 本文件。
";

const NEW_GLOSSARY_HEADER: &str = "\
# essay-lsp 用户术语表，格式同内置的 corpus/glossary.toml：每个 [[term]] 一条。
# 必填 term、category（政策 / 机制 / 口号 / 机构 / 文件 / 数据）、definition；
# 可选 variants、items、origin。
";

/// The nearest `essay-lsp.toml` in `dir` or one of its ancestors.
pub fn find(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .map(|d| d.join(PROJECT_FILE))
        .find(|candidate| candidate.is_file())
}

/// The project file that applies to the essay at `file`.
pub fn find_for_file(file: &Path) -> Option<PathBuf> {
    find(file.parent()?)
}

/// A project file that was read without mistakes.
#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    /// The `essay-lsp.toml` itself.
    pub path: PathBuf,
    /// Its folder: relative paths start here, and it is the workspace of `includeWorkspace`.
    pub dir: PathBuf,
    /// The settings as an `essayLsp` JSON object, paths made absolute.
    pub json: Value,
}

/// A mistake in a project file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// `Error`: the file is not used. `Warning`: it is, but something in it is ignored.
    pub severity: Severity,
    /// Char offsets into the file's text.
    pub range: Range<usize>,
    /// 1-based line and column (in chars) of `range.start`.
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// What reading a project file gave: the project when it has no errors, and every problem.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub project: Option<Project>,
    pub problems: Vec<Problem>,
}

/// Reads and checks the project file at `path`; `Err` when it cannot be read at all.
pub fn load(path: &Path) -> Result<(String, Parsed), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("无法读取 {}：{e}", path.display()))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| format!("{} 不是 UTF-8 编码，请另存为 UTF-8", path.display()))?;
    let parsed = parse(&text, path);
    Ok((text, parsed))
}

/// Checks the text of a project file at `path` (the path only resolves relative paths).
pub fn parse(text: &str, path: &Path) -> Parsed {
    let dir = path.parent().map(Path::to_owned).unwrap_or_default();
    let mut problems = Vec::new();
    let doc = match ImDocument::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            problems.push(problem(
                text,
                span,
                Severity::Error,
                format!("TOML 语法错误：{}", one_line(e.message())),
            ));
            return Parsed {
                project: None,
                problems,
            };
        }
    };
    let root = doc.as_table();
    check_keys(text, root, &mut problems);

    let mut json = table_to_json(root);
    for setting in SETTINGS.iter().filter(|s| s.kind == Kind::Paths) {
        let (section, key) = (setting.section(), setting.name());
        if let Some(v) = json.get_mut(section).and_then(|s| s.get_mut(key)) {
            resolve_paths(v, &dir);
        }
    }
    let mut scratch = Settings::default();
    for p in scratch.merge_json_keyed(&json) {
        let span = key_span(root, &p.key).unwrap_or(0..0);
        problems.push(problem(text, span, Severity::Error, p.detail));
    }
    problems.sort_by_key(|p| (p.range.start, p.severity));
    let ok = !problems.iter().any(|p| p.severity == Severity::Error);
    Parsed {
        project: ok.then(|| Project {
            path: path.to_owned(),
            dir,
            json,
        }),
        problems,
    }
}

/// Warnings for sections and keys the settings do not have (a typo like `[check]` would
/// otherwise be silently ignored); errors for sections that are not tables.
fn check_keys(text: &str, root: &toml_edit::Table, problems: &mut Vec<Problem>) {
    let mut sections: Vec<&str> = SETTINGS.iter().map(|s| s.section()).collect();
    sections.dedup();
    for (name, item) in root.iter() {
        let key_span = root
            .get_key_value(name)
            .and_then(|(k, _)| k.span())
            .or_else(|| item.span())
            .unwrap_or(0..0);
        let keys: Vec<&str> = SETTINGS
            .iter()
            .filter(|s| s.section() == name)
            .map(|s| s.name())
            .collect();
        if keys.is_empty() {
            problems.push(problem(
                text,
                key_span,
                Severity::Warning,
                format!(
                    "未知的设置「{name}」，已忽略；可用：{}",
                    sections.join("、")
                ),
            ));
            continue;
        }
        let Some(table) = item.as_table_like() else {
            problems.push(problem(
                text,
                item.span().unwrap_or(key_span),
                Severity::Error,
                format!("「{name}」应为表（[{name}]），实为 {}", item.type_name()),
            ));
            continue;
        };
        for (key, _) in table.iter() {
            if keys.contains(&key) {
                continue;
            }
            let span = table
                .get_key_value(key)
                .and_then(|(k, v)| k.span().or_else(|| v.span()))
                .unwrap_or(key_span.clone());
            let known: Vec<String> = keys.iter().map(|k| format!("{name}.{k}")).collect();
            problems.push(problem(
                text,
                span,
                Severity::Warning,
                format!(
                    "未知的设置「{name}.{key}」，已忽略；可用：{}",
                    known.join("、")
                ),
            ));
        }
    }
}

/// The byte span of the value at a settings key (`copy.minLength`, `checks.disabled[1]`,
/// `checks.severity.boilerplate`), or of the nearest thing that has one.
fn key_span(root: &toml_edit::Table, key: &str) -> Option<Range<usize>> {
    let (path, index) = match key.split_once('[') {
        Some((path, rest)) => (path, rest.trim_end_matches(']').parse::<usize>().ok()),
        None => (key, None),
    };
    let mut table: &dyn TableLike = root;
    let mut best = None;
    let parts: Vec<&str> = path.split('.').filter(|p| !p.is_empty()).collect();
    for (i, part) in parts.iter().enumerate() {
        let (k, item) = table.get_key_value(part)?;
        let span = item.span().or_else(|| k.span());
        best = span.or(best);
        if i + 1 == parts.len() {
            if let Some(element) = index.and_then(|n| item.as_array()?.get(n)?.span()) {
                return Some(element);
            }
            return best;
        }
        match item.as_table_like() {
            Some(t) => table = t,
            None => return best,
        }
    }
    best
}

fn problem(text: &str, bytes: Range<usize>, severity: Severity, message: String) -> Problem {
    let start_byte = floor_char_boundary(text, bytes.start);
    let mut end_byte = floor_char_boundary(text, bytes.end.max(start_byte));
    if end_byte == start_byte {
        // An empty span (end of file, a missing value): mark the rest of the line.
        end_byte = text[start_byte..]
            .find(['\n', '\r'])
            .map_or(text.len(), |n| start_byte + n);
    }
    let start = text[..start_byte].chars().count();
    let end = start + text[start_byte..end_byte].chars().count();
    let before = &text[..start_byte];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |n| n + 1);
    let column = before[line_start..].chars().count() + 1;
    Problem {
        severity,
        range: start..end,
        line,
        column,
        message,
    }
}

/// A parser message on one line: `invalid array\nexpected `]`` → `invalid array；expected `]``.
fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("；")
}

fn floor_char_boundary(text: &str, mut byte: usize) -> usize {
    byte = byte.min(text.len());
    while !text.is_char_boundary(byte) {
        byte -= 1;
    }
    byte
}

fn table_to_json(table: &dyn TableLike) -> Value {
    let mut map = Map::new();
    for (key, item) in table.iter() {
        map.insert(key.to_owned(), item_to_json(item));
    }
    Value::Object(map)
}

fn item_to_json(item: &Item) -> Value {
    match item {
        Item::None => Value::Null,
        Item::Value(v) => value_to_json(v),
        Item::Table(t) => table_to_json(t),
        Item::ArrayOfTables(a) => Value::Array(a.iter().map(|t| table_to_json(t)).collect()),
    }
}

fn value_to_json(value: &toml_edit::Value) -> Value {
    use toml_edit::Value as V;
    match value {
        V::String(s) => Value::String(s.value().clone()),
        V::Integer(i) => Value::from(*i.value()),
        V::Float(f) => serde_json::Number::from_f64(*f.value()).map_or(Value::Null, Value::Number),
        V::Boolean(b) => Value::Bool(*b.value()),
        V::Datetime(d) => Value::String(d.value().to_string()),
        V::Array(a) => Value::Array(a.iter().map(value_to_json).collect()),
        V::InlineTable(t) => table_to_json(t),
    }
}

/// Makes path strings absolute: `~/` is the home folder, anything else relative is relative
/// to `dir`. Values of the wrong type are left for the settings reader to report.
fn resolve_paths(value: &mut Value, dir: &Path) {
    match value {
        Value::String(s) => *s = resolve_path(s, dir).to_string_lossy().into_owned(),
        Value::Array(items) => items.iter_mut().for_each(|v| resolve_paths(v, dir)),
        _ => {}
    }
}

fn resolve_path(path: &str, dir: &Path) -> PathBuf {
    if let Some(rest) = path.strip_prefix("~/") {
        if let Some(home) = std::env::var_os("HOME") {
            return PathBuf::from(home).join(rest);
        }
    }
    let path = Path::new(path);
    if path.is_absolute() {
        path.to_owned()
    } else {
        dir.join(path)
    }
}

/// The settings for an essay: `base` (defaults and editor settings, or command-line flags
/// applied later) with the project file on top. Sets `workspace_dir` to the project's folder.
pub fn compose(base: &Settings, project: Option<&Project>) -> Settings {
    let Some(project) = project else {
        return base.clone();
    };
    let mut s = base.clone();
    // Validated when the file was read; nothing to report here.
    let _ = s.merge_json(&project.json);
    s.corpus_paths = union(&base.corpus_paths, &s.corpus_paths);
    s.reference_paths = union(&base.reference_paths, &s.reference_paths);
    s.glossary_paths = union(&base.glossary_paths, &s.glossary_paths);
    s.extra_stock_phrases = union(&base.extra_stock_phrases, &s.extra_stock_phrases);
    s.ignored_phrases = union(&base.ignored_phrases, &s.ignored_phrases);
    s.workspace_dir = Some(project.dir.clone());
    s
}

fn union<T: Clone + PartialEq>(first: &[T], then: &[T]) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(first.len() + then.len());
    for item in first.iter().chain(then) {
        if !out.contains(item) {
            out.push(item.clone());
        }
    }
    out
}

/// Everything that needs the corpus, index, glossary or phrase book rebuilt when it changes:
/// documents whose settings have the same key share one `Analyzer`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CorpusKey {
    pub corpus_paths: Vec<PathBuf>,
    pub reference_paths: Vec<PathBuf>,
    pub include_builtin: bool,
    pub glossary_paths: Vec<PathBuf>,
    pub extra_stock_phrases: Vec<String>,
    /// The workspace folder, when its essays are part of the corpus.
    pub workspace: Option<PathBuf>,
}

impl CorpusKey {
    pub fn of(s: &Settings) -> CorpusKey {
        CorpusKey {
            corpus_paths: s.corpus_paths.clone(),
            reference_paths: s.reference_paths.clone(),
            include_builtin: s.include_builtin,
            glossary_paths: s.glossary_paths.clone(),
            extra_stock_phrases: s.extra_stock_phrases.clone(),
            workspace: if s.include_workspace {
                s.workspace_dir.clone()
            } else {
                None
            },
        }
    }
}

/// Adds the essays of `settings.workspace_dir` (every `.txt`/`.md` below it) to `corpus` when
/// `include_workspace` is on, leaving out files the corpus already has.
pub fn add_workspace_essays(
    corpus: &mut Corpus,
    settings: &Settings,
    problems: &mut Vec<LoadProblem>,
) {
    if !settings.include_workspace {
        return;
    }
    let Some(dir) = &settings.workspace_dir else {
        return;
    };
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_owned());
    let known: HashSet<PathBuf> = corpus
        .essays
        .iter()
        .filter_map(|e| match &e.origin {
            Origin::File(path) => Some(canonical(path)),
            Origin::Builtin { .. } => None,
        })
        .collect();
    let mut found = Corpus::default();
    found.add_path(dir, problems);
    for essay in found.essays {
        if let Origin::File(path) = &essay.origin {
            if known.contains(&canonical(path)) {
                continue;
            }
        }
        corpus.push(essay.title, essay.text, essay.origin);
    }
}

/// The essays of `corpus` loaded from one of `files` (paths compared as they are: the front
/// ends canonicalise corpus folders and give the essay's path in both forms, `skip_paths`).
pub fn essays_from_files(corpus: &Corpus, files: &[PathBuf]) -> Vec<usize> {
    if files.is_empty() {
        return Vec::new();
    }
    corpus
        .essays
        .iter()
        .filter(|e| matches!(&e.origin, Origin::File(path) if files.contains(path)))
        .map(|e| e.id)
        .collect()
}

/// Prepares settings for checking the essay at `file` (None: not on disk): corpus folders and
/// the workspace folder canonicalised, so that the essay's own file in the corpus is
/// recognised and skipped — an essay never matches itself.
pub fn for_essay(mut settings: Settings, file: Option<&Path>) -> Settings {
    let canonical = |p: PathBuf| std::fs::canonicalize(&p).unwrap_or(p);
    settings.corpus_paths = settings.corpus_paths.into_iter().map(canonical).collect();
    settings.reference_paths = settings
        .reference_paths
        .into_iter()
        .map(canonical)
        .collect();
    settings.workspace_dir = settings.workspace_dir.take().map(canonical);
    settings.skip_corpus_files = file.map(skip_paths).unwrap_or_default();
    settings
}

/// The paths under which an essay at `file` appears in a corpus: as given and canonicalised.
pub fn skip_paths(file: &Path) -> Vec<PathBuf> {
    let mut out = vec![file.to_owned()];
    if let Ok(canonical) = std::fs::canonicalize(file) {
        if canonical != file {
            out.push(canonical);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Writing

/// Where the project file for an essay in `dir` is, or would be created: the nearest existing
/// one, else `dir/essay-lsp.toml`.
pub fn project_file_for_dir(dir: &Path) -> PathBuf {
    find(dir).unwrap_or_else(|| dir.join(PROJECT_FILE))
}

/// Adds `phrase` to `[ignore] phrases` of the project file (created when missing). Returns
/// false when it was already there.
pub fn ignore_phrase(project_file: &Path, phrase: &str) -> Result<bool, String> {
    let phrase = phrase.trim();
    if normalize_str(phrase).is_empty() {
        return Err("要忽略的短语不含文字".to_owned());
    }
    edit_toml(project_file, NEW_PROJECT_HEADER, |doc| {
        add_to_string_list(doc, "ignore", "phrases", phrase, |a, b| {
            normalize_str(a) == normalize_str(b)
        })
    })
}

/// A glossary entry to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTerm {
    pub term: String,
    /// One of `glossary::CATEGORIES`.
    pub category: String,
    pub definition: String,
    /// A comment written above the entry (where the definition came from).
    pub note: Option<String>,
}

/// What `add_glossary_term` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlossaryEdit {
    pub glossary_file: PathBuf,
    /// The term was in the file already and its entry was replaced.
    pub replaced: bool,
}

/// Writes `term` into the user glossary next to `project_file` (`essay-lsp.glossary.toml`,
/// created when missing; an entry for the same term is replaced) and lists that file in the
/// project's `glossary.paths` (creating the project file when missing).
pub fn add_glossary_term(project_file: &Path, term: &NewTerm) -> Result<GlossaryEdit, String> {
    let name = term.term.trim();
    if normalize_str(name).is_empty() {
        return Err("术语不含文字".to_owned());
    }
    if name.contains(['\n', '\r']) {
        return Err("术语不能跨行".to_owned());
    }
    if !CATEGORIES.contains(&term.category.as_str()) {
        return Err(format!(
            "类别「{}」无效，应为{}之一",
            term.category,
            CATEGORIES.join("、")
        ));
    }
    let definition = term.definition.trim();
    if definition.is_empty() {
        return Err(format!("请给出「{name}」的释义"));
    }
    let dir = project_file.parent().unwrap_or(Path::new("."));
    let glossary_file = dir.join(GLOSSARY_FILE);
    let mut replaced = false;
    edit_toml(&glossary_file, NEW_GLOSSARY_HEADER, |doc| {
        let key = normalize_str(name);
        let entries = doc
            .entry("term")
            .or_insert(Item::ArrayOfTables(toml_edit::ArrayOfTables::new()))
            .as_array_of_tables_mut()
            .ok_or_else(|| format!("{GLOSSARY_FILE} 中的 term 应为 [[term]] 表"))?;
        let existing = entries.iter_mut().find(|t| {
            t.get("term")
                .and_then(Item::as_str)
                .is_some_and(|t| normalize_str(t) == key)
        });
        match existing {
            Some(table) => {
                table["category"] = toml_edit::value(term.category.as_str());
                table["definition"] = toml_edit::value(definition);
                replaced = true;
            }
            None => {
                let mut table = toml_edit::Table::new();
                table["term"] = toml_edit::value(name);
                table["category"] = toml_edit::value(term.category.as_str());
                table["definition"] = toml_edit::value(definition);
                let note = term
                    .note
                    .as_deref()
                    .map(|n| format!("# {}\n", n.replace(['\n', '\r'], " ")))
                    .unwrap_or_default();
                table.decor_mut().set_prefix(format!("\n{note}"));
                entries.push(table);
            }
        }
        Ok(true)
    })?;
    edit_toml(project_file, NEW_PROJECT_HEADER, |doc| {
        add_to_string_list(doc, "glossary", "paths", GLOSSARY_FILE, |a, b| {
            resolve_path(a, dir) == resolve_path(b, dir)
        })
    })?;
    Ok(GlossaryEdit {
        glossary_file,
        replaced,
    })
}

/// Adds `value` to the string list `section.key` unless `same` finds it there. A single
/// string (which the settings accept) becomes a list.
fn add_to_string_list(
    doc: &mut toml_edit::DocumentMut,
    section: &str,
    key: &str,
    value: &str,
    same: impl Fn(&str, &str) -> bool,
) -> Result<bool, String> {
    let table = doc
        .entry(section)
        .or_insert(toml_edit::table())
        .as_table_like_mut()
        .ok_or_else(|| format!("{PROJECT_FILE} 中的 {section} 应为表（[{section}]）"))?;
    let item = table
        .entry(key)
        .or_insert(toml_edit::value(toml_edit::Array::new()));
    if let Some(single) = item.as_str().map(str::to_owned) {
        let mut array = toml_edit::Array::new();
        array.push(single);
        *item = toml_edit::value(array);
    }
    let array = item
        .as_array_mut()
        .ok_or_else(|| format!("{PROJECT_FILE} 中的 {section}.{key} 应为字符串数组"))?;
    if array
        .iter()
        .any(|v| v.as_str().is_some_and(|s| same(s, value)))
    {
        return Ok(false);
    }
    array.push(value);
    Ok(true)
}

/// Reads the TOML file at `path` (or starts one with `header`), lets `edit` change it and, when
/// it says it did, writes it back atomically. Comments and layout are kept.
fn edit_toml(
    path: &Path,
    header: &str,
    edit: impl FnOnce(&mut toml_edit::DocumentMut) -> Result<bool, String>,
) -> Result<bool, String> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (text, new_file) = match std::fs::read(path) {
        Ok(bytes) => (
            String::from_utf8(bytes).map_err(|_| format!("{name} 不是 UTF-8 编码，未修改"))?,
            false,
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (String::new(), true),
        Err(e) => return Err(format!("无法读取 {}：{e}", path.display())),
    };
    let mut doc: toml_edit::DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
        let line = e.span().map_or(1, |s| {
            text[..s.start.min(text.len())].matches('\n').count() + 1
        });
        format!(
            "{name} 第 {line} 行有语法错误，请先修正（{}）；未修改",
            one_line(e.message())
        )
    })?;
    if !edit(&mut doc)? {
        return Ok(false);
    }
    let mut out = doc.to_string();
    if new_file {
        out = format!("{header}\n{}", out.trim_start());
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    write_atomic(path, out.as_bytes()).map_err(|e| format!("无法写入 {}：{e}", path.display()))?;
    Ok(true)
}

/// Writes `contents` to a temporary file in `path`'s folder and renames it over `path`, so a
/// reader sees the old file or the new one, never half of one.
pub fn write_atomic(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::sync::atomic::{AtomicUsize, Ordering};
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(
        ".{name}.{}-{}.tmp",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(contents)?;
        file.sync_all()?;
        if let Ok(meta) = std::fs::metadata(path) {
            // Keep the permissions of the file being replaced.
            std::fs::set_permissions(&temp, meta.permissions())?;
        }
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// A sentence that uses `term`, from the corpus first (the essays' own words), else from
/// `draft`: (the sentence, where it is from). Used as the definition of a glossary term added
/// without one.
pub fn usage_sentence(corpus: &Corpus, draft: &str, term: &str) -> Option<(String, String)> {
    let term = term.trim();
    if term.is_empty() {
        return None;
    }
    corpus
        .essays
        .iter()
        .find_map(|e| sentence_with(&e.text, term).map(|s| (s, format!("《{}》", e.title))))
        .or_else(|| sentence_with(draft, term).map(|s| (s, "本文".to_owned())))
}

/// Longest sentence kept, in chars; longer ones are cut around the term.
const MAX_SENTENCE_CHARS: usize = 120;

fn sentence_with(text: &str, term: &str) -> Option<String> {
    let at = text.find(term)?;
    let start = text[..at]
        .char_indices()
        .rev()
        .find(|(_, c)| is_sentence_end(*c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let after = at + term.len();
    let end = text[after..]
        .char_indices()
        .find(|(_, c)| is_sentence_end(*c))
        .map_or(text.len(), |(i, c)| {
            // Keep the full stop, not a line break.
            if c == '\n' || c == '\r' {
                after + i
            } else {
                after + i + c.len_utf8()
            }
        });
    let sentence = text[start..end].trim();
    let chars: Vec<char> = sentence.chars().collect();
    if chars.len() <= MAX_SENTENCE_CHARS {
        return Some(sentence.to_owned());
    }
    // Cut a window around the term.
    let term_at = sentence[..sentence.find(term)?].chars().count();
    let from = term_at.saturating_sub(MAX_SENTENCE_CHARS / 2);
    let to = (from + MAX_SENTENCE_CHARS).min(chars.len());
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    out.extend(&chars[from..to]);
    if to < chars.len() {
        out.push('…');
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Code;
    use serde_json::json;

    fn parse_str(text: &str) -> Parsed {
        parse(text, Path::new("/essays/essay-lsp.toml"))
    }

    #[test]
    fn full_schema_becomes_settings_with_paths_relative_to_the_file() {
        let parsed = parse_str(
            r#"# 我的设置
[corpus]
paths = ["refs", "/abs/old"]
includeBuiltin = false
includeWorkspace = true

[glossary]
paths = "my-terms.toml"

[checks]
disabled = ["formulaic-phrase"]
severity = { copied-from-corpus = "error" }

[copy]
minLength = 20

[formulaic]
extraPhrases = ["撸起袖子加油干"]

[ignore]
phrases = ["本文仅供参考"]

[diagnostics]
debounceMs = 300
"#,
        );
        assert_eq!(parsed.problems, []);
        let project = parsed.project.unwrap();
        assert_eq!(project.dir, Path::new("/essays"));
        let s = compose(&Settings::default(), Some(&project));
        assert_eq!(
            s.corpus_paths,
            [PathBuf::from("/essays/refs"), PathBuf::from("/abs/old")]
        );
        assert_eq!(s.glossary_paths, [PathBuf::from("/essays/my-terms.toml")]);
        assert!(!s.include_builtin);
        assert!(s.include_workspace);
        assert_eq!(s.workspace_dir.as_deref(), Some(Path::new("/essays")));
        assert!(!s.is_enabled(Code::FormulaicPhrase));
        assert_eq!(s.severity_of(Code::CopiedFromCorpus), Severity::Error);
        assert_eq!(s.min_match_chars, 20);
        assert_eq!(s.extra_stock_phrases, ["撸起袖子加油干"]);
        assert_eq!(s.ignored_phrases, ["本文仅供参考"]);
        assert_eq!(s.debounce_ms, 300);
    }

    #[test]
    fn project_overrides_editor_settings_and_adds_to_its_lists() {
        let mut editor = Settings::default();
        let problems = editor.merge_json(&json!({
            "checks": {"disabled": ["placeholder"], "severity": {"boilerplate": "hint"}},
            "copy": {"minLength": 15},
            "ignore": {"phrases": ["甲乙丙"]},
            "corpus": {"paths": ["/editor/corpus"]}
        }));
        assert!(problems.is_empty());
        let project = parse_str(
            "[checks]\ndisabled = []\nseverity.placeholder = \"error\"\n[ignore]\nphrases = [\"丁戊己\"]\n",
        )
        .project
        .unwrap();
        let s = compose(&editor, Some(&project));
        assert!(s.is_enabled(Code::Placeholder), "project re-enables");
        assert_eq!(s.severity_of(Code::Placeholder), Severity::Error);
        assert_eq!(
            s.severity_of(Code::Boilerplate),
            Severity::Hint,
            "per check"
        );
        assert_eq!(
            s.min_match_chars, 15,
            "editor value kept where the project is silent"
        );
        assert_eq!(s.ignored_phrases, ["甲乙丙", "丁戊己"]);
        assert_eq!(s.corpus_paths, [PathBuf::from("/editor/corpus")]);
        // No project: the editor's settings as they are.
        assert_eq!(compose(&editor, None), editor);
    }

    #[test]
    fn syntax_error_points_at_its_line_and_gives_no_project() {
        let parsed = parse_str("[checks]\ndisabled = [\"placeholder\"\n\n[copy]\nminLength = 20\n");
        assert!(parsed.project.is_none());
        assert_eq!(parsed.problems.len(), 1, "{:?}", parsed.problems);
        let p = &parsed.problems[0];
        assert_eq!(p.severity, Severity::Error);
        assert!(p.message.starts_with("TOML 语法错误"), "{}", p.message);
        assert!(!p.message.contains('\n'), "{}", p.message);
        assert!(p.line >= 2 && p.line <= 4, "{p:?}");
    }

    #[test]
    fn wrong_values_are_errors_at_the_value_and_unknown_keys_warnings() {
        let text = "[copy]\nminLength = \"long\"\n\n[checks]\ndisabled = [\"placeholder\", \"no-such\"]\n\n[check]\nx = 1\n[corpus]\npath = []\n";
        let parsed = parse_str(text);
        assert!(parsed.project.is_none());
        let found: Vec<(Severity, usize, usize, &str)> = parsed
            .problems
            .iter()
            .map(|p| (p.severity, p.line, p.column, p.message.as_str()))
            .collect();
        assert_eq!(found.len(), 4, "{found:?}");
        assert_eq!(
            (found[0].0, found[0].1, found[0].2),
            (Severity::Error, 2, 13)
        );
        assert!(found[0].3.contains("copy.minLength"), "{}", found[0].3);
        assert_eq!(
            (found[1].0, found[1].1, found[1].2),
            (Severity::Error, 5, 28)
        );
        assert!(found[1].3.contains("no-such"), "{}", found[1].3);
        assert_eq!((found[2].0, found[2].1), (Severity::Warning, 7));
        assert!(found[2].3.contains("「check」"), "{}", found[2].3);
        assert_eq!((found[3].0, found[3].1), (Severity::Warning, 10));
        assert!(found[3].3.contains("corpus.path"), "{}", found[3].3);
        // The value's range covers "no-such" with its quotes.
        let chars: Vec<char> = text.chars().collect();
        let r = &parsed.problems[1].range;
        assert_eq!(chars[r.clone()].iter().collect::<String>(), "\"no-such\"");
    }

    #[test]
    fn unknown_keys_alone_keep_the_project() {
        let parsed = parse_str("future = 1\n[copy]\nminLength = 9\n");
        assert_eq!(parsed.problems.len(), 1);
        assert_eq!(parsed.problems[0].severity, Severity::Warning);
        let s = compose(&Settings::default(), parsed.project.as_ref());
        assert_eq!(s.min_match_chars, 9);
    }

    #[test]
    fn found_by_walking_up() {
        let dir = tempfile::tempdir().unwrap();
        let deep = dir.path().join("a/b");
        std::fs::create_dir_all(&deep).unwrap();
        assert_eq!(find(&deep), None::<PathBuf>.or_else(|| find(dir.path())));
        std::fs::write(dir.path().join(PROJECT_FILE), "").unwrap();
        assert_eq!(find(&deep), Some(dir.path().join(PROJECT_FILE)));
        std::fs::write(deep.join(PROJECT_FILE), "").unwrap();
        assert_eq!(
            find_for_file(&deep.join("x.md")),
            Some(deep.join(PROJECT_FILE))
        );
    }

    #[test]
    fn ignore_phrase_keeps_comments_and_creates_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(PROJECT_FILE);
        assert!(ignore_phrase(&file, "本文仅供参考").unwrap());
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.starts_with("# essay-lsp 项目设置"), "{text}");
        assert!(
            text.contains("[ignore]\nphrases = [\"本文仅供参考\"]"),
            "{text}"
        );
        assert!(
            !ignore_phrase(&file, "本文仅供参考。").unwrap(),
            "same phrase"
        );

        std::fs::write(
            &file,
            "# 我的注释\n[copy]\nminLength = 20 # 行尾注释\n\n[ignore]\nphrases = [\"甲\"] # 保留\n",
        )
        .unwrap();
        assert!(ignore_phrase(&file, "乙丙").unwrap());
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            "# 我的注释\n[copy]\nminLength = 20 # 行尾注释\n\n[ignore]\nphrases = [\"甲\", \"乙丙\"] # 保留\n"
        );
        let parsed = load(&file).unwrap().1;
        assert_eq!(parsed.problems, []);

        std::fs::write(&file, "[ignore\n").unwrap();
        let err = ignore_phrase(&file, "丁").unwrap_err();
        assert!(err.contains("第 1 行"), "{err}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "[ignore\n");
        // No temporary files left behind.
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, [PROJECT_FILE]);
    }

    #[test]
    fn glossary_term_is_written_and_listed_in_the_project() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join(PROJECT_FILE);
        let term = NewTerm {
            term: "逐户核实".to_owned(),
            category: "机制".to_owned(),
            definition: "驻村工作队逐户上门核对收入和保障情况".to_owned(),
            note: Some("由 essay-lsp 添加".to_owned()),
        };
        let edit = add_glossary_term(&project, &term).unwrap();
        assert!(!edit.replaced);
        assert_eq!(edit.glossary_file, dir.path().join(GLOSSARY_FILE));
        let glossary = std::fs::read_to_string(&edit.glossary_file).unwrap();
        assert!(
            glossary.ends_with(
                "\n# 由 essay-lsp 添加\n[[term]]\nterm = \"逐户核实\"\ncategory = \"机制\"\ndefinition = \"驻村工作队逐户上门核对收入和保障情况\"\n"
            ),
            "{glossary}"
        );
        let text = std::fs::read_to_string(&project).unwrap();
        assert!(
            text.contains("[glossary]\npaths = [\"essay-lsp.glossary.toml\"]"),
            "{text}"
        );
        // The glossary loads with the entry.
        let (glossary, problems) = crate::glossary::Glossary::load(
            &Corpus::default(),
            std::slice::from_ref(&edit.glossary_file),
        );
        assert_eq!(problems, []);
        let entry = glossary
            .entries()
            .iter()
            .find(|e| e.term == "逐户核实")
            .unwrap();
        assert_eq!(entry.category, "机制");

        // Again with a new definition: replaced, listed once.
        let again = NewTerm {
            definition: "新的释义".to_owned(),
            ..term
        };
        assert!(add_glossary_term(&project, &again).unwrap().replaced);
        let glossary = std::fs::read_to_string(&edit.glossary_file).unwrap();
        assert_eq!(glossary.matches("\n[[term]]").count(), 1, "{glossary}");
        assert!(glossary.contains("definition = \"新的释义\""));
        let text = std::fs::read_to_string(&project).unwrap();
        assert_eq!(text.matches("essay-lsp.glossary.toml").count(), 1, "{text}");

        let bad = NewTerm {
            category: "其他".to_owned(),
            ..again
        };
        assert!(add_glossary_term(&project, &bad)
            .unwrap_err()
            .contains("类别"));
    }

    #[test]
    fn usage_sentence_prefers_the_corpus() {
        let corpus = Corpus::builtin();
        let (sentence, from) = usage_sentence(&corpus, "", "挂图作业").unwrap();
        assert!(sentence.contains("挂图作业"), "{sentence}");
        assert!(sentence.chars().count() <= MAX_SENTENCE_CHARS + 2);
        assert!(from.starts_with('《'), "{from}");
        let (sentence, from) = usage_sentence(
            &corpus,
            "第一句。我们村搞了香菇大棚合作社，效果很好。",
            "香菇大棚合作社",
        )
        .unwrap();
        assert_eq!(sentence, "我们村搞了香菇大棚合作社，效果很好。");
        assert_eq!(from, "本文");
        assert_eq!(usage_sentence(&corpus, "", "没有这个词组合"), None);
    }

    #[test]
    fn workspace_essays_join_the_corpus_once_and_an_essay_can_be_skipped() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.md"), "甲文").unwrap();
        std::fs::create_dir(dir.path().join("refs")).unwrap();
        std::fs::write(dir.path().join("refs/b.txt"), "乙文").unwrap();
        let settings = Settings {
            include_builtin: false,
            include_workspace: true,
            corpus_paths: vec![dir.path().join("refs")],
            workspace_dir: Some(dir.path().to_owned()),
            ..Settings::default()
        };
        let (mut corpus, mut problems) = Corpus::load(&settings.corpus_paths, false);
        add_workspace_essays(&mut corpus, &settings, &mut problems);
        let titles: Vec<&str> = corpus.essays.iter().map(|e| e.title.as_str()).collect();
        assert_eq!(titles, ["b", "a"]);
        assert_eq!(
            essays_from_files(&corpus, &skip_paths(&dir.path().join("a.md"))),
            [1]
        );
        assert_eq!(CorpusKey::of(&settings).workspace, settings.workspace_dir);

        // A corpus folder named in a roundabout way still holds the essay itself.
        let roundabout = Settings {
            include_builtin: false,
            corpus_paths: vec![dir.path().join("refs/../refs/.")],
            ..Settings::default()
        };
        let prepared = for_essay(roundabout, Some(&dir.path().join("refs/b.txt")));
        let (corpus, _) = Corpus::load(&prepared.corpus_paths, false);
        assert_eq!(essays_from_files(&corpus, &prepared.skip_corpus_files), [0]);
        let off = Settings {
            include_workspace: false,
            ..settings
        };
        assert_eq!(CorpusKey::of(&off).workspace, None);
    }
}
