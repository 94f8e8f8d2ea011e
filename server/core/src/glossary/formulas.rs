//! The official formulas (提法) a writer must reproduce verbatim: `corpus/formulas.txt`, and the
//! glossary's numbered formulas with their items.
//!
//! The copy and repetition checks treat text inside a formula as content, not authorship; the
//! formulaic check does not count a formula as a stock phrase; the proofreading checks hold a
//! near-miss to the official wording. All of them ask the same question — where in this text
//! are the formulas — so the answer lives here, once.
//!
//! Matching runs on normalised text (punctuation, spaces and width ignored), so 增强四个意识 and
//! 增强“四个意识” are one formula; ranges map back to chars of the text as written.

use std::ops::Range;
use std::sync::{LazyLock, OnceLock};

use serde::{Deserialize, Serialize};

use super::matcher::NormText;
use crate::automaton::Automaton;
use crate::prebuilt::Table;

/// The data file, relative to `corpus/`.
const FILE: &str = "formulas.txt";

/// A set of formulas and an automaton over their normalised forms.
#[derive(Serialize, Deserialize)]
pub struct Formulas {
    /// As written in the data file, in file order (duplicates after normalisation dropped).
    list: Vec<String>,
    /// Normalised length of each entry of `list`, in chars.
    norm_len: Vec<usize>,
    /// Value: the index in `list`.
    all: Automaton,
}

/// The built-in formulas, as the binary carries them (`prebuilt`): a hover waited for them to
/// be built.
pub(crate) const TABLE: Table<Formulas> =
    Table::new("formulas", || Formulas::parse(crate::builtin::list(FILE)));

impl std::fmt::Debug for Formulas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Formulas")
            .field("len", &self.list.len())
            .finish()
    }
}

/// One formula occurrence in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormulaHit {
    /// Char range in the text searched.
    pub range: Range<usize>,
    /// Index into `Formulas::list`.
    pub formula: usize,
}

impl Formulas {
    /// Builds a set from lines in the data file's format (`#` comments and blank lines skipped).
    pub fn parse<'a>(lines: impl IntoIterator<Item = &'a str>) -> Formulas {
        let mut list = Vec::new();
        let mut norm_len = Vec::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for line in lines.into_iter().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let norm = NormText::new(line).text;
            if norm.is_empty() || !seen.insert(norm.clone()) {
                continue;
            }
            list.push(line.to_owned());
            norm_len.push(norm.chars().count());
            patterns.push(norm);
        }
        // Distinct (`seen`) and never empty.
        let all = Automaton::with_values(patterns.iter().zip(0u32..))
            .expect("formula patterns build an automaton");
        Formulas {
            list,
            norm_len,
            all,
        }
    }

    /// The built-in formulas from `corpus/formulas.txt`.
    pub fn builtin() -> &'static Formulas {
        static BUILTIN: LazyLock<Formulas> = LazyLock::new(|| TABLE.load());
        &BUILTIN
    }

    /// The formulas as written in the data file.
    pub fn list(&self) -> &[String] {
        &self.list
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Every formula occurrence in `text`, overlapping ones included (四个意识 inside
    /// 增强“四个意识”、坚定“四个自信”…), ordered by start, longer first at the same start.
    pub fn find_all(&self, text: &str) -> Vec<FormulaHit> {
        let norm = NormText::new(text);
        if norm.text.is_empty() {
            return Vec::new();
        }
        let mut hits: Vec<FormulaHit> = self
            .all
            .find_overlapping_iter(&norm.text)
            .map(|m| FormulaHit {
                range: norm.source_of_bytes(m.start()..m.end()),
                formula: m.value() as usize,
            })
            .collect();
        hits.sort_by(|a, b| {
            a.range
                .start
                .cmp(&b.range.start)
                .then(b.range.end.cmp(&a.range.end))
        });
        hits
    }

    /// The char ranges of `text` covered by formulas, merged where they overlap or touch: what
    /// a check should treat as official wording.
    pub fn covered(&self, text: &str) -> Vec<Range<usize>> {
        let mut out: Vec<Range<usize>> = Vec::new();
        for hit in self.find_all(text) {
            match out.last_mut() {
                Some(last) if hit.range.start <= last.end => {
                    last.end = last.end.max(hit.range.end);
                }
                _ => out.push(hit.range),
            }
        }
        out
    }

    /// The longest formula occurrence covering char `offset` of `chars`.
    pub fn covering(&self, chars: &[char], offset: usize) -> Option<FormulaHit> {
        let text: String = chars.iter().collect();
        self.find_all(&text)
            .into_iter()
            .filter(|h| h.range.contains(&offset))
            .max_by(|a, b| {
                self.norm_len[a.formula]
                    .cmp(&self.norm_len[b.formula])
                    .then(b.range.start.cmp(&a.range.start))
            })
    }

    /// The longest formula, in normalised chars.
    pub fn max_len(&self) -> usize {
        self.norm_len.iter().copied().max().unwrap_or(0)
    }

    /// Normalised length, in chars, of formula `index`.
    pub fn norm_len(&self, index: usize) -> usize {
        self.norm_len[index]
    }
}

/// A numbered formula of the built-in glossary (两不愁三保障, 四个意识 …) with its official items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberedFormula {
    /// The glossary headword.
    pub term: String,
    /// Other spellings of the name (not the written-out chain).
    pub variants: Vec<String>,
    /// The items in official wording and order.
    pub items: Vec<String>,
}

/// The built-in glossary's entries that list items, for the formula-wording and typo checks.
pub fn numbered_formulas() -> &'static [NumberedFormula] {
    static NUMBERED: OnceLock<Vec<NumberedFormula>> = OnceLock::new();
    NUMBERED.get_or_init(|| {
        super::data::builtin()
            .iter()
            .filter(|e| !e.items.is_empty())
            .map(|e| NumberedFormula {
                term: e.term.clone(),
                variants: e.variants.clone(),
                items: e.items.clone(),
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_file_is_loaded_without_duplicates() {
        let formulas = Formulas::builtin();
        let lines = crate::builtin::list(FILE).count();
        assert!(formulas.len() >= 150, "{} formulas", formulas.len());
        assert_eq!(formulas.len(), lines, "a formula is listed twice");
        assert!(formulas
            .list()
            .iter()
            .any(|f| f == "以习近平同志为核心的党中央"));
    }

    #[test]
    fn formula_lines_are_clean() {
        for line in crate::builtin::list(FILE) {
            assert!(!line.contains(','), "half-width comma in {line}");
            assert!(!line.contains('"'), "straight quotes in {line}");
            assert!(!line.contains(' '), "space in {line}");
            // Masked or placeholder text never belongs to an official formula.
            assert!(!line.contains("**") && !line.contains("XX") && !line.contains('×'));
        }
    }

    #[test]
    fn finds_formulas_ignoring_punctuation_and_maps_back() {
        let formulas = Formulas::parse([
            "# comment",
            "",
            "四个意识",
            "增强“四个意识”、坚定“四个自信”",
        ]);
        assert_eq!(formulas.len(), 2);
        let text = "𠀀我们要增强四个意识，坚定“四个自信”。";
        let hits = formulas.find_all(text);
        let chars: Vec<char> = text.chars().collect();
        let spans: Vec<String> = hits
            .iter()
            .map(|h| chars[h.range.clone()].iter().collect())
            .collect();
        assert_eq!(spans, ["增强四个意识，坚定“四个自信", "四个意识"]);
        assert_eq!(formulas.covered(text), vec![4..18]);
        assert!(formulas.find_all("").is_empty());
        assert!(formulas.find_all("，。").is_empty());
    }

    #[test]
    fn numbered_formulas_carry_items() {
        let six = numbered_formulas()
            .iter()
            .find(|f| f.term == "六个精准")
            .expect("六个精准 is in the glossary");
        assert_eq!(six.items.len(), 6);
        assert_eq!(six.items[0], "扶持对象精准");
        assert!(numbered_formulas().iter().all(|f| !f.items.is_empty()));
    }
}
