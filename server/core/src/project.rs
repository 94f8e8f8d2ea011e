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
//! keep the last good settings. How the layers combine is `context.rs`; edits to the file are
//! `project_edit.rs`.

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};
use toml_edit::{ImDocument, Item, TableLike};

use crate::checks::Severity;
use crate::config::Settings;

use crate::schema::{Kind, SETTINGS};

/// The project file's name.
pub const PROJECT_FILE: &str = "essay-lsp.toml";
/// The user glossary that `addToGlossary` writes, next to the project file.
pub const GLOSSARY_FILE: &str = "essay-lsp.glossary.toml";

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
pub(crate) fn one_line(message: &str) -> String {
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

pub(crate) fn resolve_path(path: &str, dir: &Path) -> PathBuf {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Code;
    use crate::context::compose;
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
}
