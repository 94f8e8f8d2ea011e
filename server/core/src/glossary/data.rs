//! Reading glossary files: the built-in `corpus/glossary.toml` and the writer's own, same schema.
//!
//! A file that is not valid TOML is rejected as a whole; an entry with a missing field or an
//! unknown category is skipped with a message, so one slip does not cost the writer the rest of
//! their list.
//!
//! Fields of an entry (`[[term]]`):
//! - `term` (required): the usual spelling, the headword;
//! - `variants`: other spellings, short forms, the formula written out;
//! - `category` (required): one of `CATEGORIES`;
//! - `definition` (required): what it means, in our own words;
//! - `items`: a numbered formula's items, in official wording and order;
//! - `count`: how many items an enumeration has, for one whose name does not say it (a name of
//!   the form N个X / N大X / N项X / 两X三Y announces its own count); must equal `items`' length;
//! - `origin`: the document or meeting that put it forward, with its date;
//! - `local = true`: usage recorded only in the reference corpus (a county's own formula), not
//!   an official one; the hover says so.
//!
//! The built-in glossary is held by its tests to: every entry has an `origin` or `local = true`;
//! a numbered name has as many items as its number; `count` matches the items; no spelling
//! belongs to two entries. Writers' files need only `term`, `category` and `definition`.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{Entry, Source};
use crate::normalize::normalize_str;
use crate::prebuilt::Table;

/// The categories an entry may have, in the order the docs list them.
pub const CATEGORIES: [&str; 6] = ["政策", "机制", "口号", "机构", "文件", "数据"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    term: Vec<RawEntry>,
}

/// All fields optional so that a bad entry is reported by us, in Chinese, without failing the
/// whole file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    term: Option<String>,
    #[serde(default)]
    variants: Vec<String>,
    category: Option<String>,
    definition: Option<String>,
    #[serde(default)]
    items: Vec<String>,
    origin: Option<String>,
    count: Option<usize>,
    #[serde(default)]
    local: bool,
}

/// Parses one glossary file. `Err` when the file as a whole is unusable; otherwise the entries
/// that are valid and a message for each one that is not.
pub(crate) fn parse(text: &str, source: &Source) -> Result<(Vec<Entry>, Vec<String>), String> {
    let raw: RawFile = toml::from_str(text).map_err(|e| toml_message(text, &e))?;
    let mut entries = Vec::with_capacity(raw.term.len());
    let mut problems = Vec::new();
    for (index, raw) in raw.term.into_iter().enumerate() {
        match validate(raw) {
            Ok(mut entry) => {
                entry.source = source.clone();
                entries.push(entry);
            }
            Err(message) => problems.push(format!("第 {} 个词条{message}，已跳过", index + 1)),
        }
    }
    Ok((entries, problems))
}

fn validate(raw: RawEntry) -> Result<Entry, String> {
    let term = clean(raw.term.as_deref().unwrap_or(""));
    if term.is_empty() {
        return Err("缺少 term（词条名）".to_owned());
    }
    if normalize_str(&term).is_empty() {
        return Err(format!("「{term}」不含文字，无法匹配"));
    }
    let category = clean(raw.category.as_deref().unwrap_or(""));
    if category.is_empty() {
        return Err(format!("「{term}」缺少 category（类别）"));
    }
    if !CATEGORIES.contains(&category.as_str()) {
        return Err(format!(
            "「{term}」的类别「{category}」无效，应为{}之一",
            CATEGORIES.join("、")
        ));
    }
    let definition = clean(raw.definition.as_deref().unwrap_or(""));
    if definition.is_empty() {
        return Err(format!("「{term}」缺少 definition（释义）"));
    }
    let variants = raw
        .variants
        .iter()
        .map(|v| clean(v))
        .filter(|v| !normalize_str(v).is_empty())
        .collect();
    let items: Vec<String> = raw
        .items
        .iter()
        .map(|i| clean(i))
        .filter(|i| !i.is_empty())
        .collect();
    let origin = raw.origin.map(|o| clean(&o)).filter(|o| !o.is_empty());
    if let Some(count) = raw.count {
        if count != items.len() {
            return Err(format!(
                "「{term}」的 count 为 {count}，但列出了 {} 项",
                items.len()
            ));
        }
    }
    Ok(Entry {
        term,
        variants,
        category,
        definition,
        items,
        origin,
        count: raw.count,
        local: raw.local,
        ..Entry::default()
    })
}

/// Trims and joins lines: a multi-line TOML string becomes one paragraph. Chinese text is joined
/// without a space, Latin text with one.
fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let needs_space = out
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphanumeric())
            && line
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric());
        if needs_space {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

/// toml's own message, prefixed with the line it points at.
fn toml_message(text: &str, error: &toml::de::Error) -> String {
    let message = error.message().trim();
    match error.span() {
        Some(span) => {
            let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
            format!("词表不是有效的 TOML（第 {line} 行）：{message}")
        }
        None => format!("词表不是有效的 TOML：{message}"),
    }
}

/// The built-in glossary, for hover, the checks and the segmenter's dictionary: read once per
/// process from the binary's tables, where the build put it parsed (parsing its 634 KB of TOML
/// delayed a language server's first hover by ≈11 ms).
pub fn builtin() -> &'static [Entry] {
    static BUILTIN: std::sync::LazyLock<Vec<Entry>> = std::sync::LazyLock::new(|| TABLE.load());
    &BUILTIN
}

/// The built-in glossary's entries, as the binary carries them (`prebuilt`).
pub(crate) const TABLE: Table<Vec<Entry>> = Table::new("glossary", parse_builtin);

/// `corpus/glossary.toml`, parsed. It is compiled in and checked by the tests, so a problem
/// here is a packaging bug; the entries that parse are still used rather than taking the
/// server down.
fn parse_builtin() -> Vec<Entry> {
    match parse(crate::builtin::text("glossary.toml"), &Source::Builtin) {
        Ok((entries, problems)) => {
            debug_assert!(problems.is_empty(), "corpus/glossary.toml: {problems:?}");
            entries
        }
        Err(message) => {
            debug_assert!(false, "corpus/glossary.toml: {message}");
            Vec::new()
        }
    }
}

/// Reads a user glossary file (any encoding `decode` knows).
pub(crate) fn read_user_file(path: &Path) -> Result<(Vec<Entry>, Vec<String>), String> {
    let text = crate::corpus::read_text_file(path)?;
    parse(&text, &Source::User(PathBuf::from(path)))
}

/// How many items a numbered formula's name announces, when it announces one:
/// 六个精准 → 6, 七项专项行动 → 7, 两不愁三保障 → 2 + 3, 三会一课 → 3 + 1,
/// 三重一大 → 3 + 1 (大 closes the name, so it is no classifier), 一核二看三比四评五公示 → 5
/// (an ordinal run), 1+3+3 → 7. `None` for names without numbers.
pub fn expected_item_count(term: &str) -> Option<usize> {
    let chars: Vec<char> = term.chars().collect();
    if chars.iter().any(|c| c.is_ascii_digit()) {
        // Arabic formulas only count when written as a sum (1+3+3); 1365 or 853 name groups.
        if !chars.contains(&'+') {
            return None;
        }
        let mut sum = 0;
        for part in term.split('+') {
            let digits: String = part.chars().take_while(|c| c.is_ascii_digit()).collect();
            sum += digits.parse::<usize>().ok()?;
        }
        return Some(sum);
    }
    // Runs of Chinese numerals with the character that follows each run.
    // (value, the character after the run, whether anything follows that character)
    let mut runs: Vec<(usize, Option<char>, bool)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if numeral(chars[i]).is_some() {
            let start = i;
            while i < chars.len() && numeral(chars[i]).is_some() {
                i += 1;
            }
            runs.push((
                numeral_value(&chars[start..i]),
                chars.get(i).copied(),
                i + 1 < chars.len(),
            ));
        } else {
            i += 1;
        }
    }
    if runs.is_empty() {
        return None;
    }
    // A numeral with a classifier counts the formula: 五个一批 is five, not six; several such
    // numerals add up (一个中心、两个基本点 is three). A classifier counts something that follows
    // it; at the end of the name it is part of the item (三重一大's 一大 is 大额资金使用).
    let counted: Vec<usize> = runs
        .iter()
        .filter(|(_, next, more)| *more && next.is_some_and(|c| "个项大级位步条种".contains(c)))
        .map(|(n, _, _)| *n)
        .collect();
    if !counted.is_empty() {
        return Some(counted.iter().sum());
    }
    let ordinal = runs.len() >= 3 && runs.iter().enumerate().all(|(k, (n, _, _))| *n == k + 1);
    if ordinal {
        return Some(runs.len());
    }
    Some(runs.iter().map(|(n, _, _)| n).sum())
}

fn numeral(c: char) -> Option<usize> {
    Some(match c {
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        '十' => 10,
        _ => return None,
    })
}

/// 三 → 3, 十 → 10, 十三 → 13, 二十 → 20.
fn numeral_value(run: &[char]) -> usize {
    let mut total = 0;
    let mut digit = 0;
    for &c in run {
        let n = numeral(c).unwrap_or(0);
        if n == 10 {
            total += digit.max(1) * 10;
            digit = 0;
        } else {
            digit = n;
        }
    }
    total + digit
}
