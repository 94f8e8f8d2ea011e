//! Official wording (提法) that every writer must reproduce verbatim: not a copy, not a
//! repetition, not counted in the 复制比.
//!
//! Known from the curated formulas (`corpus/formulas.txt`), the glossary's terms, variants and
//! items, and the phrase book's curated phrases (`corpus/phrases.txt`). One Aho–Corasick
//! automaton over their normalised forms runs once over the normalised draft, so the check costs
//! one linear pass whatever the corpus size. The corpus itself is the fourth source: text found
//! in several independent corpus documents is wording, not one author's (`copied.rs` counts it
//! from the matches it has anyway).

use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use crate::automaton::Automaton;
use crate::glossary::{wording_terms, Formulas};
use crate::normalize::normalize_str;
use crate::prebuilt::Table;

/// The built-in wording, as the binary carries it (`prebuilt`).
pub(crate) const TABLE: Table<Wording> = Table::new("wording", || Wording::builtin(&[]));

/// Shorter entries are ordinary words (扶贫, 三农) that would cut every copied sentence apart.
pub const MIN_WORDING_CHARS: usize = 4;

/// Where an entry of the wording list comes from, for the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum WordingKind {
    /// `corpus/formulas.txt`.
    Formula,
    /// A glossary term, variant or item.
    Term,
    /// A curated phrase of the phrase book.
    Phrase,
    /// Found in several independent corpus documents.
    Corpus,
}

impl WordingKind {
    pub fn label_zh(self) -> &'static str {
        match self {
            WordingKind::Formula => "提法",
            WordingKind::Term => "术语",
            WordingKind::Phrase => "常用语",
            WordingKind::Corpus => "语料通用表述",
        }
    }
}

/// The known wording and an automaton over it.
#[derive(Serialize, Deserialize)]
pub struct Wording {
    /// daachorse's double array over chars: it builds in a fraction of aho-corasick's time for
    /// these CJK patterns (the first check waits for it). The value is the entry index.
    automaton: Option<Automaton>,
    /// Each pattern as written, with where it comes from.
    entries: Vec<(String, WordingKind)>,
}

impl std::fmt::Debug for Wording {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wording")
            .field("entries", &self.entries.len())
            .finish()
    }
}

impl Default for Wording {
    fn default() -> Self {
        Wording::new(Vec::new())
    }
}

/// One occurrence of a known wording in normalised text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordingHit {
    /// Normalised char range.
    pub range: Range<usize>,
    /// Index of the entry (`Wording::entry`).
    pub entry: usize,
}

impl Wording {
    /// A list of (text as written, kind); entries equal after normalisation are kept once (the
    /// first wins), entries shorter than `MIN_WORDING_CHARS` normalised chars are left out.
    pub fn new(list: Vec<(String, WordingKind)>) -> Wording {
        let mut seen = std::collections::HashSet::new();
        let mut entries = Vec::new();
        let mut patterns = Vec::new();
        for (written, kind) in list {
            let norm = normalize_str(&written);
            if norm.chars().count() < MIN_WORDING_CHARS || !seen.insert(norm.clone()) {
                continue;
            }
            entries.push((written, kind));
            patterns.push(norm);
        }
        // Distinct (`seen`) and not empty (`MIN_WORDING_CHARS`), as daachorse needs.
        let automaton = (!patterns.is_empty()).then(|| {
            Automaton::with_values(patterns.iter().enumerate().map(|(i, p)| (p, i as u32)))
                .expect("wording patterns build an automaton")
        });
        Wording { automaton, entries }
    }

    /// `builtin`, shared: built once per process when there are no glossary files (parsing the
    /// glossary is most of the cost, and every analyzer build would repeat it), or read from
    /// the binary (`prebuilt`).
    pub fn shared(glossary_paths: &[PathBuf]) -> Arc<Wording> {
        static BUILTIN: OnceLock<Arc<Wording>> = OnceLock::new();
        if glossary_paths.is_empty() {
            BUILTIN.get_or_init(|| Arc::new(TABLE.load())).clone()
        } else {
            Arc::new(Wording::builtin(glossary_paths))
        }
    }

    /// The built-in formulas, glossary (and the writer's glossary files at `glossary_paths`)
    /// and curated phrases.
    pub fn builtin(glossary_paths: &[PathBuf]) -> Wording {
        let mut list: Vec<(String, WordingKind)> = Formulas::builtin()
            .list()
            .iter()
            .map(|f| (f.clone(), WordingKind::Formula))
            .collect();
        list.extend(
            wording_terms(glossary_paths)
                .into_iter()
                .map(|t| (t, WordingKind::Term)),
        );
        list.extend(
            curated_phrases(crate::builtin::list("phrases.txt"))
                .into_iter()
                .map(|p| (p, WordingKind::Phrase)),
        );
        Wording::new(list)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Entry `i` as written, and its kind.
    pub fn entry(&self, i: usize) -> (&str, WordingKind) {
        let (text, kind) = &self.entries[i];
        (text, *kind)
    }

    /// Every occurrence in normalised `chars`, overlapping ones included, by start (longer
    /// first at the same start).
    pub fn find(&self, chars: &[char]) -> Vec<WordingHit> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        let text: String = chars.iter().collect();
        // Byte offset of each char, to map the automaton's byte ranges back to chars.
        let starts: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
        let char_at = |byte: usize| starts.partition_point(|&b| b < byte);
        let mut hits: Vec<WordingHit> = automaton
            .find_overlapping_iter(&text)
            .map(|m| WordingHit {
                range: char_at(m.start())..char_at(m.end()),
                entry: m.value() as usize,
            })
            .collect();
        // The automaton reports matches by where they end.
        hits.sort_by_key(|h| (h.range.start, std::cmp::Reverse(h.range.end)));
        hits
    }
}

/// The curated phrases of `corpus/phrases.txt` (lines already without comments): each chain
/// whole (the `|` marks dropped) and each of its clauses.
fn curated_phrases<'a>(lines: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out = Vec::new();
    for line in lines {
        let clauses: Vec<&str> = line.split('|').collect();
        out.push(clauses.concat());
        if clauses.len() > 1 {
            // A clause keeps the mark that joins it to the next (，、；：): not part of it alone.
            out.extend(
                clauses
                    .iter()
                    .map(|c| c.trim_end_matches(['，', '、', '；', '：']).to_owned()),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_formulas_in_normalised_text() {
        let wording = Wording::new(vec![
            (
                "以习近平同志为核心的党中央".to_owned(),
                WordingKind::Formula,
            ),
            ("扶贫".to_owned(), WordingKind::Term),
            ("“四个意识”".to_owned(), WordingKind::Formula),
        ]);
        assert_eq!(wording.len(), 2, "the two-char term is left out");
        let draft =
            crate::normalize::normalize("𠀀在以习近平同志为核心的党中央领导下，增强“四个意识”");
        let hits = wording.find(&draft.chars);
        assert_eq!(hits.len(), 2);
        let text: String = draft.chars[hits[0].range.clone()].iter().collect();
        assert_eq!(text, "以习近平同志为核心的党中央");
        let text: String = draft.chars[hits[1].range.clone()].iter().collect();
        assert_eq!(text, "四个意识");
        assert!(Wording::default().find(&draft.chars).is_empty());
    }

    #[test]
    fn builtin_wording_has_every_source() {
        let wording = Wording::builtin(&[]);
        let kinds: std::collections::HashSet<WordingKind> =
            (0..wording.len()).map(|i| wording.entry(i).1).collect();
        assert!(kinds.contains(&WordingKind::Formula));
        assert!(kinds.contains(&WordingKind::Term));
        assert!(kinds.contains(&WordingKind::Phrase));
        assert_eq!(
            curated_phrases(["小康不小康，|关键看老乡"].into_iter()),
            ["小康不小康，关键看老乡", "小康不小康", "关键看老乡"]
        );
    }
}
