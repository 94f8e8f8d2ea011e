//! Commands that run on the server (`workspace/executeCommand`), so that they work in every
//! editor, and the code actions that offer them.
//!
//! - `essayLsp.report` [uri] → the 复制比 report as markdown;
//! - `essayLsp.ignorePhrase` [uri, phrase] → the phrase goes into `[ignore] phrases` of the
//!   document's `essay-lsp.toml` (created next to the document when there is none);
//! - `essayLsp.addToGlossary` [uri, term, definition?, category?] → the term goes into
//!   `essay-lsp.glossary.toml` next to that project file, which lists it in `glossary.paths`.
//!   Without a definition, a corpus sentence that uses the term (else one from the document) is
//!   written as its definition, marked as such in a comment; a term used nowhere needs one. The
//!   category defaults to 政策.

use std::path::{Path, PathBuf};

use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;

use essay_core::glossary::CATEGORIES;
use essay_core::normalize::normalize_str;
use essay_core::project;
use essay_core::text::is_cjk;

pub const REPORT: &str = "essayLsp.report";
pub const IGNORE_PHRASE: &str = "essayLsp.ignorePhrase";
pub const ADD_TO_GLOSSARY: &str = "essayLsp.addToGlossary";

pub const ALL: [&str; 3] = [REPORT, IGNORE_PHRASE, ADD_TO_GLOSSARY];

/// Category of a term added without one.
pub const DEFAULT_CATEGORY: &str = "政策";

/// Longest finding text offered as an ignorable phrase, in chars.
const MAX_IGNORED_CHARS: usize = 60;
/// Selections offered for the glossary, in chars.
const GLOSSARY_CHARS: std::ops::RangeInclusive<usize> = 2..=20;

/// The document URI in `arguments[0]`.
pub fn uri_arg(command: &str, arguments: &[Value]) -> Result<Uri> {
    arguments
        .first()
        .and_then(Value::as_str)
        .and_then(|s| s.parse::<Uri>().ok())
        .ok_or_else(|| Error::invalid_params(format!("{command} 需要文档 URI 作为第一个参数")))
}

/// A string argument; `None` when absent, null or blank.
pub fn string_arg(arguments: &[Value], index: usize) -> Option<String> {
    arguments
        .get(index)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

pub fn required_string(
    command: &str,
    arguments: &[Value],
    index: usize,
    what: &str,
) -> Result<String> {
    string_arg(arguments, index).ok_or_else(|| {
        Error::invalid_params(format!("{command} 的第 {} 个参数应为{what}", index + 1))
    })
}

/// The category argument, checked.
pub fn category_arg(arguments: &[Value], index: usize) -> Result<String> {
    match string_arg(arguments, index) {
        None => Ok(DEFAULT_CATEGORY.to_owned()),
        Some(c) if CATEGORIES.contains(&c.as_str()) => Ok(c),
        Some(c) => Err(Error::invalid_params(format!(
            "类别「{c}」无效，应为{}之一",
            CATEGORIES.join("、")
        ))),
    }
}

/// The project file that a command on `uri` edits: the nearest `essay-lsp.toml` above the
/// document, else a new one in its folder. Documents not on disk use the workspace root.
pub fn project_file_for(uri: &Uri, root: Option<&Path>) -> Result<PathBuf> {
    let dir = uri
        .to_file_path()
        .and_then(|p| p.parent().map(Path::to_owned))
        .or_else(|| root.map(Path::to_owned))
        .ok_or_else(|| {
            Error::invalid_params(format!(
                "文档不在磁盘上，无法确定 {} 的位置：{}",
                project::PROJECT_FILE,
                uri.as_str()
            ))
        })?;
    Ok(essay_core::project_edit::project_file_for_dir(&dir))
}

/// An error for the client, in the writer's words.
pub fn failed(message: String) -> Error {
    Error {
        code: tower_lsp_server::jsonrpc::ErrorCode::InternalError,
        message: message.into(),
        data: None,
    }
}

/// The text of a finding, when it is short enough to be ignored as a phrase.
pub fn ignorable(text: &str) -> Option<String> {
    let text = text.trim();
    let len = text.chars().count();
    let usable = len <= MAX_IGNORED_CHARS
        && !text.contains(['\n', '\r'])
        && normalize_str(text).chars().count() >= 2;
    usable.then(|| text.to_owned())
}

pub fn ignore_action(uri: &Uri, phrase: &str, diagnostic: Diagnostic) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title: format!(
            "忽略短语「{}」（写入 {}）",
            short(phrase),
            project::PROJECT_FILE
        ),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic]),
        command: Some(Command::new(
            format!("忽略短语「{}」", short(phrase)),
            IGNORE_PHRASE.to_owned(),
            Some(vec![
                Value::String(uri.as_str().to_owned()),
                Value::String(phrase.to_owned()),
            ]),
        )),
        ..CodeAction::default()
    })
}

/// A selection that could be a glossary term: one line, 2–20 chars, starting and ending with a
/// letter or 汉字, no sentence punctuation.
pub fn glossary_candidate(selection: &str) -> Option<String> {
    let s = selection.trim();
    let len = s.chars().count();
    let word = |c: char| is_cjk(c) || c.is_alphanumeric();
    let ok = GLOSSARY_CHARS.contains(&len)
        && s.chars().next().is_some_and(word)
        && s.chars().next_back().is_some_and(word)
        && !s.chars().any(|c| {
            matches!(
                c,
                '\n' | '\r' | '。' | '，' | '；' | '！' | '？' | '：' | ',' | ';' | '!' | '?' | ':'
            )
        });
    ok.then(|| s.to_owned())
}

pub fn glossary_action(uri: &Uri, term: &str) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title: format!("加入术语表：「{term}」（{}）", project::GLOSSARY_FILE),
        kind: Some(CodeActionKind::REFACTOR),
        command: Some(Command::new(
            format!("加入术语表：「{term}」"),
            ADD_TO_GLOSSARY.to_owned(),
            Some(vec![
                Value::String(uri.as_str().to_owned()),
                Value::String(term.to_owned()),
            ]),
        )),
        ..CodeAction::default()
    })
}

fn short(phrase: &str) -> String {
    const SHOWN: usize = 16;
    if phrase.chars().count() <= SHOWN {
        phrase.to_owned()
    } else {
        let mut s: String = phrase.chars().take(SHOWN).collect();
        s.push('…');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates() {
        assert_eq!(
            glossary_candidate(" 逐户核实 ").as_deref(),
            Some("逐户核实")
        );
        assert_eq!(glossary_candidate("三变改革"), Some("三变改革".to_owned()));
        assert_eq!(glossary_candidate("甲"), None);
        assert_eq!(glossary_candidate("一句话。另一句"), None);
        assert_eq!(glossary_candidate("“引号”"), None);
        assert_eq!(ignorable("本文仅供参考").as_deref(), Some("本文仅供参考"));
        assert_eq!(ignorable(&"长".repeat(61)), None);
        assert_eq!(ignorable("，。"), None);
    }

    #[test]
    fn arguments() {
        let args = vec![
            Value::String("file:///tmp/a.md".to_owned()),
            Value::String(" 词 ".to_owned()),
            Value::Null,
            Value::String("口号".to_owned()),
        ];
        assert_eq!(uri_arg(REPORT, &args).unwrap().as_str(), "file:///tmp/a.md");
        assert_eq!(string_arg(&args, 1).as_deref(), Some("词"));
        assert_eq!(string_arg(&args, 2), None);
        assert_eq!(category_arg(&args, 3).unwrap(), "口号");
        assert_eq!(category_arg(&args, 9).unwrap(), DEFAULT_CATEGORY);
        assert!(category_arg(
            &[
                Value::Null,
                Value::Null,
                Value::Null,
                Value::String("x".into())
            ],
            3
        )
        .is_err());
        assert!(uri_arg(REPORT, &[]).is_err());
    }
}
