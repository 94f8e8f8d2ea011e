//! Settings: what the writer can turn on, off and up.
//!
//! Editors send them as one `essayLsp` JSON object (initializationOptions and
//! workspace/didChangeConfiguration); the CLI builds the same struct from flags. Reading is
//! lenient per key: a value of the wrong type is reported and that key keeps its default, so one
//! typo never throws away the rest of a writer's configuration.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value;

use crate::checks::{Code, Severity};

/// Shortest copied or repeated span reported, in normalised characters (知网查重's 13).
pub const DEFAULT_MIN_MATCH_CHARS: usize = 13;

#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub corpus_paths: Vec<PathBuf>,
    /// Reference documents (official documents, speeches, laws): text matching them is cited
    /// policy (`from-reference`, 引用), not copied.
    pub reference_paths: Vec<PathBuf>,
    pub include_builtin: bool,
    /// Add the workspace folder's other essays to the corpus.
    pub include_workspace: bool,
    pub glossary_paths: Vec<PathBuf>,
    pub disabled: Vec<Code>,
    pub severity: BTreeMap<Code, Severity>,
    pub min_match_chars: usize,
    /// Extra 套话 for the formulaic check.
    pub extra_stock_phrases: Vec<String>,
    /// Phrases never reported by any check.
    pub ignored_phrases: Vec<String>,
    pub debounce_ms: u64,
    /// The folder whose essays `include_workspace` adds to the corpus. Not a setting: the front
    /// ends set it (the project file's folder, else the editor's workspace folder, else the
    /// essay's own folder).
    pub workspace_dir: Option<PathBuf>,
    /// Corpus files a check leaves out: the essay being checked, when the workspace it lives
    /// in is part of the corpus (an essay must not match itself). Set by the front ends.
    pub skip_corpus_files: Vec<PathBuf>,
}

/// A key that was present but unusable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingProblem {
    /// Where, as a path into the settings object: `copy.minLength`, `checks.disabled[1]`,
    /// `checks.severity.boilerplate`.
    pub key: String,
    /// What is wrong, naming the key (`copy.minLength 应为…，实为 "long"`).
    pub detail: String,
    /// The same for an editor's settings object, saying what happens instead.
    pub message: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            corpus_paths: Vec::new(),
            reference_paths: Vec::new(),
            include_builtin: true,
            include_workspace: false,
            glossary_paths: Vec::new(),
            disabled: Vec::new(),
            severity: BTreeMap::new(),
            min_match_chars: DEFAULT_MIN_MATCH_CHARS,
            extra_stock_phrases: Vec::new(),
            ignored_phrases: Vec::new(),
            debounce_ms: 150,
            workspace_dir: None,
            skip_corpus_files: Vec::new(),
        }
    }
}

impl Settings {
    pub fn is_enabled(&self, code: Code) -> bool {
        !self.disabled.contains(&code)
    }

    pub fn severity_of(&self, code: Code) -> Severity {
        self.severity
            .get(&code)
            .copied()
            .unwrap_or_else(|| code.default_severity())
    }

    /// Reads the `essayLsp` object (or an object that holds it under `essayLsp`) on top of
    /// `self`; returns a message for every key that was present but unusable.
    pub fn merge_json(&mut self, value: &Value) -> Vec<String> {
        self.merge_json_keyed(value)
            .into_iter()
            .map(|p| p.message)
            .collect()
    }

    /// `merge_json`, with each problem's key, so that a settings file can point at the line.
    pub fn merge_json_keyed(&mut self, value: &Value) -> Vec<SettingProblem> {
        let root = value.get("essayLsp").unwrap_or(value);
        let mut problems = Vec::new();
        if root.is_null() {
            return problems;
        }
        if !root.is_object() {
            problems.push(SettingProblem::plain(
                "",
                "essayLsp 设置应为对象，已忽略".to_owned(),
            ));
            return problems;
        }
        let mut r = Reader {
            root,
            problems: &mut problems,
        };
        if let Some(v) = r.strings("corpus.paths") {
            self.corpus_paths = v.into_iter().map(PathBuf::from).collect();
        }
        if let Some(v) = r.strings("corpus.references") {
            self.reference_paths = v.into_iter().map(PathBuf::from).collect();
        }
        if let Some(v) = r.bool("corpus.includeBuiltin") {
            self.include_builtin = v;
        }
        if let Some(v) = r.bool("corpus.includeWorkspace") {
            self.include_workspace = v;
        }
        if let Some(v) = r.strings("glossary.paths") {
            self.glossary_paths = v.into_iter().map(PathBuf::from).collect();
        }
        if let Some(v) = r.strings("checks.disabled") {
            self.disabled.clear();
            for (i, name) in v.into_iter().enumerate() {
                match Code::parse(&name) {
                    Some(code) => self.disabled.push(code),
                    None => r.problems.push(SettingProblem::plain(
                        &format!("checks.disabled[{i}]"),
                        format!(
                            "checks.disabled：未知的检查 “{name}”，可用：{}",
                            code_names()
                        ),
                    )),
                }
            }
        }
        if let Some(map) = r.object("checks.severity") {
            for (name, level) in map {
                let code = Code::parse(name);
                let severity = level.as_str().and_then(parse_severity);
                match (code, severity) {
                    (Some(code), Some(severity)) => {
                        self.severity.insert(code, severity);
                    }
                    (None, _) => r.problems.push(SettingProblem::plain(
                        &format!("checks.severity.{name}"),
                        format!(
                            "checks.severity：未知的检查 “{name}”，可用：{}",
                            code_names()
                        ),
                    )),
                    (_, None) => r.problems.push(SettingProblem::plain(
                        &format!("checks.severity.{name}"),
                        format!(
                            "checks.severity.{name}：应为 error、warning、information 或 hint，实为 {level}"
                        ),
                    )),
                }
            }
        }
        if let Some(v) = r.number("copy.minLength", 6, 200) {
            self.min_match_chars = v as usize;
        }
        if let Some(v) = r.strings("formulaic.extraPhrases") {
            self.extra_stock_phrases = v;
        }
        if let Some(v) = r.strings("ignore.phrases") {
            self.ignored_phrases = v;
        }
        if let Some(v) = r.number("diagnostics.debounceMs", 0, 5000) {
            self.debounce_ms = v;
        }
        problems
    }
}

impl SettingProblem {
    fn plain(key: &str, message: String) -> SettingProblem {
        SettingProblem {
            key: key.to_owned(),
            detail: message.clone(),
            message,
        }
    }
}

pub fn parse_severity(s: &str) -> Option<Severity> {
    match s.to_ascii_lowercase().as_str() {
        "error" => Some(Severity::Error),
        "warning" | "warn" => Some(Severity::Warning),
        "information" | "info" => Some(Severity::Information),
        "hint" => Some(Severity::Hint),
        _ => None,
    }
}

fn code_names() -> String {
    Code::all().map(Code::as_str).collect::<Vec<_>>().join("、")
}

/// Looks keys up either nested (`{"corpus": {"paths": …}}`) or dotted (`{"corpus.paths": …}`),
/// since clients send both shapes.
struct Reader<'a> {
    root: &'a Value,
    problems: &'a mut Vec<SettingProblem>,
}

impl<'a> Reader<'a> {
    fn get(&self, key: &str) -> Option<&'a Value> {
        if let Some(v) = self.root.get(key) {
            return Some(v);
        }
        let mut node = self.root;
        for part in key.split('.') {
            node = node.get(part)?;
        }
        Some(node)
    }

    fn wrong(&mut self, key: &str, expected: &str, got: &Value) {
        let detail = format!("{key} 应为{expected}，实为 {got}");
        self.problems.push(SettingProblem {
            key: key.to_owned(),
            message: format!("设置 essayLsp.{detail}；已使用默认值"),
            detail,
        });
    }

    fn bool(&mut self, key: &str) -> Option<bool> {
        let v = self.get(key)?;
        match v {
            Value::Bool(b) => Some(*b),
            Value::Null => None,
            _ => {
                self.wrong(key, "布尔值", v);
                None
            }
        }
    }

    fn number(&mut self, key: &str, min: u64, max: u64) -> Option<u64> {
        let v = self.get(key)?;
        match v.as_u64() {
            Some(n) if (min..=max).contains(&n) => Some(n),
            _ if v.is_null() => None,
            _ => {
                self.wrong(key, &format!(" {min} 到 {max} 之间的整数"), v);
                None
            }
        }
    }

    fn strings(&mut self, key: &str) -> Option<Vec<String>> {
        let v = self.get(key)?;
        match v {
            Value::Null => None,
            Value::String(s) => Some(vec![s.clone()]),
            Value::Array(items) if items.iter().all(Value::is_string) => Some(
                items
                    .iter()
                    .filter_map(|s| s.as_str().map(str::to_owned))
                    .collect(),
            ),
            _ => {
                self.wrong(key, "字符串数组", v);
                None
            }
        }
    }

    fn object(&mut self, key: &str) -> Option<&'a serde_json::Map<String, Value>> {
        let v = self.get(key)?;
        match v {
            Value::Object(map) => Some(map),
            Value::Null => None,
            _ => {
                self.wrong(key, "对象", v);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_and_dotted_keys() {
        let mut s = Settings::default();
        let problems = s.merge_json(&json!({"essayLsp": {
            "corpus": {"paths": ["a", "b"], "references": ["r"], "includeBuiltin": false},
            "checks.disabled": ["formulaic-phrase"],
            "checks": {"severity": {"copied-from-corpus": "error"}},
            "copy": {"minLength": 20}
        }}));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(s.corpus_paths, [PathBuf::from("a"), PathBuf::from("b")]);
        assert_eq!(s.reference_paths, [PathBuf::from("r")]);
        assert!(!s.include_builtin);
        assert!(!s.is_enabled(Code::FormulaicPhrase));
        assert_eq!(s.severity_of(Code::CopiedFromCorpus), Severity::Error);
        assert_eq!(s.severity_of(Code::Boilerplate), Severity::Warning);
        assert_eq!(s.min_match_chars, 20);
    }

    #[test]
    fn wrong_types_are_reported_and_defaults_kept() {
        let mut s = Settings::default();
        let problems = s.merge_json(&json!({
            "corpus": {"paths": 42, "includeBuiltin": "yes"},
            "copy": {"minLength": -1},
            "checks": {"disabled": ["no-such-check"], "severity": {"boilerplate": "loud"}}
        }));
        assert_eq!(problems.len(), 5, "{problems:?}");
        assert!(problems[0].contains("essayLsp.corpus.paths"));
        assert_eq!(s, Settings::default());
    }
}
