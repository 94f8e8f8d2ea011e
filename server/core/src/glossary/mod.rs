//! The glossary and hover: what a policy term means, from our curated list and from the corpus.
//!
//! Entries come from `corpus/glossary.toml` and the writer's own glossary files (same schema).
//! Terms are recognised with an Aho–Corasick automaton over the normalised terms and variants
//! (`matcher`), not with jieba, which may cut 两不愁三保障 or a writer's own term apart. When the
//! glossary loads, the corpus is searched once: how many essays use each term,
//! example sentences, the essays' own definitions (三包即…, 精准扶贫是指…), and a table of
//! frequent ordinary words; the mining itself is `crate::mining`, what the glossary keeps of it
//! is `usage`. A hover is then a match plus a lookup.

mod data;
mod formulas;
pub(crate) mod matcher;
mod render;
#[cfg(test)]
mod tests;
pub(crate) mod usage;

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::corpus::{Corpus, LoadProblem};
use crate::normalize::normalize_str;

use crate::mining::words::WordUsage;
use crate::mining::Segmented;
pub(crate) use data::TABLE as ENTRIES_TABLE;
pub use data::{builtin as builtin_entries, expected_item_count, CATEGORIES};
pub(crate) use formulas::TABLE as FORMULAS_TABLE;
pub use formulas::{numbered_formulas, FormulaHit, Formulas, NumberedFormula};
use matcher::Matcher;
pub(crate) use matcher::TABLE as MATCHER_TABLE;
use usage::EssayText;

/// The terms, variants and items of the built-in glossary and of the glossary files at `paths`:
/// official wording, which the copy and repetition checks do not count. A file that does not
/// read is skipped here (`Glossary::load` reports it).
pub fn wording_terms(paths: &[PathBuf]) -> Vec<String> {
    let mut entries = data::builtin().to_vec();
    for path in paths {
        if let Ok((more, _)) = data::read_user_file(path) {
            entries.extend(more);
        }
    }
    entries
        .into_iter()
        .flat_map(|e| std::iter::once(e.term).chain(e.variants).chain(e.items))
        .collect()
}

/// Where an entry was defined.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Source {
    #[default]
    Builtin,
    /// A writer's glossary file.
    User(PathBuf),
}

/// One glossary entry, with what the corpus says about it. The built-in ones are stored as
/// the binary carries them (`data::TABLE`): what the corpus says and where they come from are
/// not.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Entry {
    pub term: String,
    pub variants: Vec<String>,
    /// One of `CATEGORIES`.
    pub category: String,
    pub definition: String,
    /// A numbered formula's items, in order.
    pub items: Vec<String>,
    /// When and where it was put forward.
    pub origin: Option<String>,
    /// The declared number of items, for an enumeration whose name does not announce it.
    pub count: Option<usize>,
    /// Usage recorded only in the reference corpus, not an official formula.
    pub local: bool,
    #[serde(skip)]
    pub source: Source,
    /// How many corpus essays contain the term or a variant.
    #[serde(skip)]
    pub essay_count: usize,
    /// Up to three corpus sentences using the term.
    #[serde(skip)]
    pub examples: Vec<Example>,
    /// Definitional sentences found in the corpus, clearest first.
    #[serde(skip)]
    pub corpus_definitions: Vec<CorpusDefinition>,
}

/// A corpus sentence (cut to a readable length) using a term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// Index into `Corpus::essays`.
    pub essay: usize,
    pub title: String,
    pub text: String,
    /// Char range of the term in `text`.
    pub term: Range<usize>,
}

/// The shapes of definition found in the corpus, in the order hovers prefer them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DefinitionKind {
    /// `X是指Y`
    Means,
    /// `X即Y`
    Namely,
    /// `X，就是Y`
    IsExactly,
    /// `X……做到A、B、C`
    SpelledOut,
    /// `X……一是A，二是B`
    Enumerated,
    /// `A、B、CX` (创新、协调、绿色、开放、共享五大发展理念)
    Listed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorpusDefinition {
    pub essay: usize,
    pub title: String,
    pub kind: DefinitionKind,
    /// The sentence as the corpus has it (composed for `Enumerated`).
    pub text: String,
    /// Char range of the term in `text`.
    pub term: Range<usize>,
    /// The items, when the sentence lists as many as the term's number announces.
    pub items: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoverInfo {
    /// Char offsets in the line passed to `hover`.
    pub range: Range<usize>,
    pub markdown: String,
}

pub struct Glossary {
    /// Each rendered when hovered (`render::entry`): rendering all of them at start-up
    /// delayed the first hover.
    entries: Vec<Entry>,
    matcher: Matcher,
    essays: Vec<EssayText>,
    /// Frequent corpus words without an entry, by normalised form.
    words: HashMap<String, WordUsage>,
}

impl fmt::Debug for Glossary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Glossary")
            .field("entries", &self.entries.len())
            .field("corpus_words", &self.words.len())
            .finish()
    }
}

/// Longest stretch either side of the cursor handed to jieba: words do not cross punctuation,
/// and a short window keeps a hover on a long paragraph fast.
const WORD_WINDOW: usize = 40;

impl Glossary {
    /// Built-in glossary + user glossary files (TOML, same schema); bad user files are reported
    /// and skipped. Mines definitions and usage from `corpus`.
    pub fn load(corpus: &Corpus, user_files: &[PathBuf]) -> (Glossary, Vec<LoadProblem>) {
        Glossary::load_from(&Segmented::of(corpus), user_files)
    }

    /// `load` from a corpus already segmented (shared with the phrase book's mining).
    pub fn load_from(
        corpus: &Segmented<'_>,
        user_files: &[PathBuf],
    ) -> (Glossary, Vec<LoadProblem>) {
        let (entries, problems) = collect_entries(user_files);
        (Glossary::build(corpus, entries), problems)
    }

    /// The entries `load` would mine (built-in + user files) and the problems reading them,
    /// before any mining: their terms (`terms_of`) are what the phrase book needs, so it can be
    /// mined beside the glossary.
    pub fn unmined_entries(user_files: &[PathBuf]) -> (Vec<Entry>, Vec<LoadProblem>) {
        collect_entries(user_files)
    }

    /// The glossary of `entries` (from `unmined_entries`), mining definitions and usage from `corpus`.
    pub fn build(corpus: &Segmented<'_>, mut entries: Vec<Entry>) -> Glossary {
        let matcher = Matcher::of(&entries);
        let analysis = usage::analyse(corpus, &mut entries, &matcher);
        Glossary {
            entries,
            matcher,
            essays: analysis.essays,
            words: analysis.words,
        }
    }

    /// `line` is one line of the draft (no line break), `char_offset` a char index into it (may
    /// be past the end → None).
    ///
    /// Only a window around the cursor is read, wide enough for the longest term, item or
    /// formula written with a separator after every char, so a hover on a pasted
    /// million-character line costs what it costs on a short one (plus one scan to find the
    /// cursor). `hover_in` on the whole line gives the same answer.
    pub fn hover(&self, line: &str, char_offset: usize) -> Option<HoverInfo> {
        let reach = self.reach();
        let start = char_offset.saturating_sub(reach);
        let from = byte_of_char(line, start)?;
        let window: Vec<char> = line[from..]
            .chars()
            .take(char_offset - start + reach + 1)
            .collect();
        if char_offset - start >= window.len() {
            return None;
        }
        let info = self.hover_in(&window, char_offset - start)?;
        Some(HoverInfo {
            range: info.range.start + start..info.range.end + start,
            markdown: info.markdown,
        })
    }

    fn reach(&self) -> usize {
        self.matcher
            .reach()
            .max(Formulas::builtin().max_len() * 2 + 8)
            .max(WORD_WINDOW)
    }

    /// The hover at `offset` of `chars`, looking at all of `chars`. In order: the longest
    /// glossary term, variant or item covering the cursor; else an official formula covering
    /// it; else a frequent corpus word. A sub-word of a longer term or formula therefore gets
    /// the longer one, never a usage note of its own.
    fn hover_in(&self, chars: &[char], offset: usize) -> Option<HoverInfo> {
        if offset >= chars.len() {
            return None;
        }
        // A term's definition says more than the bare formula around it: 四个意识 inside
        // 增强“四个意识”、坚定“四个自信” gets the definition of 四个意识.
        if let Some(hit) = self.matcher.covering(chars, offset) {
            return Some(HoverInfo {
                range: hit.range,
                markdown: render::entry(&self.entries[hit.entry]),
            });
        }
        if let Some(formula) = Formulas::builtin().covering(chars, offset) {
            return Some(self.formula_hover(chars, formula));
        }
        self.word_hover(chars, offset)
    }

    fn formula_hover(&self, chars: &[char], hit: FormulaHit) -> HoverInfo {
        let text: String = chars[hit.range.clone()].iter().collect();
        let mut related: Vec<&str> = Vec::new();
        for found in self.matcher.find(&text) {
            let term = self.entries[found.entry].term.as_str();
            if !related.contains(&term) {
                related.push(term);
            }
        }
        HoverInfo {
            markdown: render::formula(&Formulas::builtin().list()[hit.formula], &related),
            range: hit.range,
        }
    }

    /// A corpus-usage hover for the jieba word under the cursor, when the corpus uses it often.
    fn word_hover(&self, chars: &[char], offset: usize) -> Option<HoverInfo> {
        if !chars[offset].is_alphanumeric() {
            return None;
        }
        let mut start = offset;
        while start > 0 && offset - start < WORD_WINDOW && chars[start - 1].is_alphanumeric() {
            start -= 1;
        }
        let mut end = offset + 1;
        while end < chars.len() && end - offset < WORD_WINDOW && chars[end].is_alphanumeric() {
            end += 1;
        }
        let window: String = chars[start..end].iter().collect();
        // A hover answers at once: before jieba's dictionary has loaded (it starts loading now),
        // corpus words get no usage note.
        let (range, word) = crate::segment::words_if_ready(&window)?
            .into_iter()
            .find(|(r, _)| r.contains(&(offset - start)))?;
        if range.len() < 2 {
            return None;
        }
        let used = self.words.get(&normalize_str(word))?;
        let examples = usage::pick_examples(&self.essays, &used.occurrences);
        Some(HoverInfo {
            range: range.start + start..range.end + start,
            markdown: render::word(word, used.essay_count, &examples),
        })
    }

    /// All glossary term occurrences in `text` (leftmost-longest, non-overlapping), as
    /// (char range, entry index) — used for semantic tokens.
    pub fn find_terms(&self, text: &str) -> Vec<(Range<usize>, usize)> {
        self.matcher
            .find(text)
            .into_iter()
            .map(|hit| (hit.range, hit.entry))
            .collect()
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Every term as written and every variant of it: the words the phrase book must not split.
    pub fn terms_and_variants(&self) -> Vec<String> {
        terms_of(&self.entries)
    }
}

/// Every term and variant of `entries`: `terms_and_variants` of their glossary, mining aside.
pub fn terms_of(entries: &[Entry]) -> Vec<String> {
    entries
        .iter()
        .flat_map(|e| std::iter::once(e.term.clone()).chain(e.variants.iter().cloned()))
        .collect()
}

/// Byte index of char `n` of `text` (`text.len()` for one past the end), or None past that.
///
/// Counts eight bytes at a time: a char starts at every byte that is not a UTF-8 continuation
/// byte (0b10xx_xxxx), so finding the cursor on a pasted million-char line is a quick scan.
fn byte_of_char(text: &str, n: usize) -> Option<usize> {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let bytes = text.as_bytes();
    let mut chars = 0;
    let mut i = 0;
    while i + 8 <= bytes.len() {
        let word = u64::from_le_bytes(bytes[i..i + 8].try_into().expect("eight bytes"));
        // Bit 7 set and bit 6 clear: a continuation byte.
        let continuation = (word & HIGH & !(word << 1)).count_ones() as usize;
        if chars + 8 - continuation > n {
            break;
        }
        chars += 8 - continuation;
        i += 8;
    }
    while i < bytes.len() {
        if bytes[i] & 0xC0 != 0x80 {
            if chars == n {
                return Some(i);
            }
            chars += 1;
        }
        i += 1;
    }
    (chars == n).then_some(bytes.len())
}

/// The built-in entries followed by the writer's; an entry whose term (normalised) matches an
/// earlier one replaces it, so a writer can correct or extend one of ours.
fn collect_entries(user_files: &[PathBuf]) -> (Vec<Entry>, Vec<LoadProblem>) {
    let mut entries = data::builtin().to_vec();
    let mut by_term: HashMap<String, usize> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (normalize_str(&e.term), i))
        .collect();
    let mut problems = Vec::new();
    for path in user_files {
        match data::read_user_file(path) {
            Ok((found, messages)) => {
                for message in messages {
                    problems.push(LoadProblem {
                        path: path.clone(),
                        message,
                    });
                }
                for entry in found {
                    let key = normalize_str(&entry.term);
                    match by_term.get(&key) {
                        Some(&i) => entries[i] = entry,
                        None => {
                            by_term.insert(key, entries.len());
                            entries.push(entry);
                        }
                    }
                }
            }
            Err(message) => problems.push(LoadProblem {
                path: path.clone(),
                message,
            }),
        }
    }
    (entries, problems)
}
