//! The settings schema and the check table, rendered for the places that spell them out.
//!
//! The `essayLsp` settings object, its TOML twin `essay-lsp.toml`, the README's tables, the CLI
//! usage and the VS Code `package.json` all describe the same keys and check codes. They are
//! written from `SETTINGS` and `checks::TABLE` here; `server/core/tests/generated_docs.rs` fails when
//! a generated file is stale and rewrites it with `ESSAY_LSP_BLESS=1`.

use serde_json::{json, Map, Value};

use crate::checks::{Code, TABLE};

/// The type of a setting's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Bool,
    Strings,
    /// Paths, resolved against the workspace (editor) or the project file's folder.
    Paths,
    Int {
        min: u64,
        max: u64,
    },
    /// Check codes.
    Codes,
    /// Check code → severity.
    Severities,
}

/// One key of the `essayLsp` settings object (`section.key`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Setting {
    pub key: &'static str,
    pub kind: Kind,
    /// The default as JSON.
    pub default: &'static str,
    /// Chinese, for the editor's settings page.
    pub title: &'static str,
    /// English, one line, for the README and the settings page.
    pub description: &'static str,
}

/// Every setting, in the order the docs list them.
pub const SETTINGS: &[Setting] = &[
    Setting {
        key: "corpus.paths",
        kind: Kind::Paths,
        default: "[]",
        title: "额外的参考范文：.txt/.md 文件或文件夹（支持 GBK/GB18030），相对路径以工作区为基准",
        description: "files or folders (recursively `.txt`, `.md`) added to the corpus; relative \
                      paths are relative to the workspace",
    },
    Setting {
        key: "corpus.references",
        kind: Kind::Paths,
        default: "[]",
        title: "参考文献：官方文件、讲话、法规（.txt/.md 文件或文件夹）；与之相同的文字算引用，不算复制",
        description: "reference documents (official documents, speeches, laws): files or folders \
                      like `corpus.paths`; text matching them is reported as `from-reference` \
                      and counted as 引用, not copied",
    },
    Setting {
        key: "corpus.includeBuiltin",
        kind: Kind::Bool,
        default: "true",
        title: "使用服务器内置的参考范文",
        description: "use the built-in reference essays",
    },
    Setting {
        key: "corpus.includeWorkspace",
        kind: Kind::Bool,
        default: "false",
        title: "把工作区中的其他文章也当作参考范文（检测与自己旧稿的重复）",
        description: "also check against the other essays in the workspace folder",
    },
    Setting {
        key: "glossary.paths",
        kind: Kind::Paths,
        default: "[]",
        title: "额外的术语表（TOML 文件），用于悬停释义和补全",
        description: "your own glossary files, in the format of `corpus/glossary.toml`",
    },
    Setting {
        key: "checks.disabled",
        kind: Kind::Codes,
        default: "[]",
        title: "关闭的检查",
        description: "codes of checks to turn off",
    },
    Setting {
        key: "checks.severity",
        kind: Kind::Severities,
        default: "{}",
        title: "按检查设置诊断级别（error / warning / information / hint）",
        description: "code → `\"error\"`, `\"warning\"`, `\"information\"` or `\"hint\"`",
    },
    Setting {
        key: "copy.minLength",
        kind: Kind::Int { min: 6, max: 200 },
        default: "13",
        title: "复制与重复检测的最短长度（规范化后的字数，不计标点空白）",
        description: "shortest copied or repeated passage reported, in characters without \
                      punctuation (6–200)",
    },
    Setting {
        key: "formulaic.extraPhrases",
        kind: Kind::Strings,
        default: "[]",
        title: "额外的套话，由套话检查提示",
        description: "more stock phrases for `formulaic-phrase`",
    },
    Setting {
        key: "ignore.phrases",
        kind: Kind::Strings,
        default: "[]",
        title: "任何检查都不提示的短语（快速修复“忽略此短语”会加到这里）",
        description: "phrases never reported by any check",
    },
    Setting {
        key: "diagnostics.debounceMs",
        kind: Kind::Int { min: 0, max: 5000 },
        default: "150",
        title: "停止输入多少毫秒后重新检查",
        description: "pause after the last keystroke before checking (0–5000)",
    },
];

const SEVERITIES: [&str; 4] = ["error", "warning", "information", "hint"];

impl Setting {
    /// `corpus` of `corpus.paths`.
    pub fn section(&self) -> &'static str {
        self.key.split_once('.').map_or(self.key, |(s, _)| s)
    }

    /// `paths` of `corpus.paths`.
    pub fn name(&self) -> &'static str {
        self.key.split_once('.').map_or(self.key, |(_, k)| k)
    }

    fn type_name(&self) -> &'static str {
        match self.kind {
            Kind::Bool => "bool",
            Kind::Strings | Kind::Paths | Kind::Codes => "string[]",
            Kind::Int { .. } => "int",
            Kind::Severities => "object",
        }
    }
}

/// The README's table of checks.
pub fn readme_checks() -> String {
    markdown_table(
        &["code", "severity", "what"],
        TABLE.iter().map(|row| {
            [
                format!("`{}`", row.code),
                row.severity.as_str().to_owned(),
                row.description.to_owned(),
            ]
        }),
    )
}

/// The README's table of settings.
pub fn readme_settings() -> String {
    markdown_table(
        &["key", "type", "default", "meaning"],
        SETTINGS.iter().map(|s| {
            [
                format!("`{}`", s.key),
                s.type_name().to_owned(),
                format!("`{}`", s.default),
                s.description.to_owned(),
            ]
        }),
    )
}

fn markdown_table<const N: usize>(
    header: &[&str; N],
    rows: impl Iterator<Item = [String; N]>,
) -> String {
    let line = |cells: &[&str]| format!("| {} |\n", cells.join(" | "));
    let mut out = line(header);
    out.push_str(&line(&[" --- "; N].map(str::trim)));
    for row in rows {
        out.push_str(&line(&row.each_ref().map(String::as_str)));
    }
    out
}

/// `contributes.configuration.properties` of the VS Code extension for the server's settings,
/// keyed `essayLsp.<key>`.
pub fn vscode_properties() -> Map<String, Value> {
    let mut out = Map::new();
    for s in SETTINGS {
        let default: Value = serde_json::from_str(s.default).expect("SETTINGS default is JSON");
        let description = format!("{}。/ {}", s.title, sentence(s.description));
        let mut p = match s.kind {
            Kind::Bool => json!({ "type": "boolean" }),
            Kind::Strings => json!({ "type": "array", "items": { "type": "string" } }),
            Kind::Paths => json!({
                "type": "array",
                "items": { "type": "string" },
                "scope": "machine-overridable",
            }),
            Kind::Int { min, max } => json!({ "type": "integer", "minimum": min, "maximum": max }),
            Kind::Codes => json!({
                "type": "array",
                "items": {
                    "type": "string",
                    "enum": Code::all().map(Code::as_str).collect::<Vec<_>>(),
                    "enumDescriptions": TABLE
                        .iter()
                        .map(|row| format!("{}。/ {}", row.title, first_clause(row.description)))
                        .collect::<Vec<_>>(),
                },
                "uniqueItems": true,
            }),
            Kind::Severities => {
                let properties: Map<String, Value> = Code::all()
                    .map(|c| {
                        (
                            c.as_str().to_owned(),
                            json!({ "type": "string", "enum": SEVERITIES }),
                        )
                    })
                    .collect();
                json!({
                    "type": "object",
                    "additionalProperties": false,
                    "properties": properties,
                })
            }
        };
        p["default"] = default;
        p["markdownDescription"] = Value::String(description);
        out.insert(format!("essayLsp.{}", s.key), p);
    }
    out
}

/// `text` with a capital first letter and a full stop.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    let first = chars.next().map(|c| c.to_uppercase().to_string());
    let mut out = first.unwrap_or_default() + chars.as_str();
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

/// The part of a description before its first `;` or `. `, as a short label.
fn first_clause(text: &str) -> String {
    let end = [text.find("; "), text.find(". ")]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(text.len());
    sentence(&text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Settings, DEFAULT_MIN_MATCH_CHARS};

    #[test]
    fn every_setting_is_read_and_its_default_is_the_settings_default() {
        let mut object = Map::new();
        for s in SETTINGS {
            let default: Value = serde_json::from_str(s.default).unwrap();
            object.insert(s.key.to_owned(), default);
        }
        let mut settings = Settings::default();
        let problems = settings.merge_json(&Value::Object(object));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(settings, Settings::default());
        assert_eq!(
            SETTINGS
                .iter()
                .find(|s| s.key == "copy.minLength")
                .unwrap()
                .default,
            DEFAULT_MIN_MATCH_CHARS.to_string()
        );
    }

    #[test]
    fn keys_are_unique_and_sectioned() {
        let mut keys: Vec<&str> = SETTINGS.iter().map(|s| s.key).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), SETTINGS.len());
        assert!(SETTINGS.iter().all(|s| s.key.contains('.')));
    }
}
