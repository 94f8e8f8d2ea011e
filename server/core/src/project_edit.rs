//! Edits to the writer's files on their behalf: ignore a phrase in `essay-lsp.toml`, add a term
//! to the folder's glossary. `toml_edit` keeps the writer's comments and layout; files are
//! replaced atomically.

use std::path::{Path, PathBuf};

use toml_edit::Item;

use crate::atomic::write_atomic;
use crate::corpus::Corpus;
use crate::glossary::CATEGORIES;
use crate::normalize::normalize_str;
use crate::project::{find, one_line, resolve_path, GLOSSARY_FILE, PROJECT_FILE};
use crate::text::is_statement_end;

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
        .find(|(_, c)| is_statement_end(*c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let after = at + term.len();
    let end = text[after..]
        .char_indices()
        .find(|(_, c)| is_statement_end(*c))
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
    use crate::project::load;

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
}
