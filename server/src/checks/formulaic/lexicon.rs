//! The formulaic check's vocabulary as one Aho–Corasick automaton over folded text.
//!
//! Four kinds of pattern share the automaton, so a sentence is scanned once:
//!
//! - stock phrases (`corpus/stock-phrases.txt`, mined corpus phrases, the writer's own), whole or
//!   with a `…` slot (matched as head + tail);
//! - words that carry no information (`corpus/empty-words.txt`);
//! - neutral text: official formulas (`corpus/formulas.txt`), official names
//!   (`corpus/official-names.txt`) and the glossary's policies and slogans (the topic itself:
//!   乡村振兴, 精准扶贫), which a writer must use and which count as neither filler nor
//!   information, and the fields of work the genre writes about (`corpus/topic-words.txt`:
//!   金融, 水利, 信访工作), its subject matter;
//! - named mechanisms, bodies, documents and figures of the glossary (三会一课, 第一书记), and
//!   the items of its numbered formulas when two of one formula are spelled out: information a
//!   reader can check;
//! - measure words and units (`corpus/measure-words.txt`), which make a numeral a quantity, and
//!   the endings of place and unit names (`corpus/name-suffixes.txt`) and of programme names
//!   (`corpus/programme-words.txt`).

use std::collections::{HashMap, HashSet};

use daachorse::CharwiseDoubleArrayAhoCorasick;

use super::Source;
use crate::builtin;
use crate::normalize::normalize;

/// Longest slot inside a `…` phrase such as 以…为抓手, in folded chars.
pub(super) const MAX_SLOT: usize = 12;

#[derive(Debug, Clone)]
pub(super) struct Phrase {
    /// As written in the list, `…` included: what messages show.
    pub display: String,
    pub source: Source,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Part {
    Whole,
    Head,
    Tail,
}

/// One use of an automaton pattern: pattern strings are shared (以 heads many phrases, 工作 is
/// an empty word and part of nothing else).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    Stock {
        phrase: u32,
        part: Part,
    },
    /// An empty word; the index into `Lexicon::words`.
    Empty(u32),
    Neutral,
    /// A glossary policy or slogan (the topic: 乡村振兴, 精准扶贫): neutral like a formula, but
    /// information when quoted or counted (“土专家”, 七项专项行动).
    Topic,
    /// A named mechanism, body, document or figure from the glossary: information.
    Named,
    /// An item of the glossary's numbered formula (the index): formula wording, and two items
    /// of one formula spelled out cite its content.
    Item(u32),
    Measure,
    /// Ends the name of a place or unit (县, 合作社).
    Suffix,
    /// Ends the name of a programme (工程, 行动).
    Programme,
}

/// An automaton match in folded char indices.
#[derive(Debug, Clone, Copy)]
pub(super) struct Hit {
    pub start: u32,
    pub end: u32,
    pub pattern: u32,
}

#[derive(Clone)]
pub(super) struct Lexicon {
    /// daachorse's double array over chars (value = pattern id): for these CJK patterns it
    /// builds in a fraction of aho-corasick's time, and the first check waits for it.
    ac: CharwiseDoubleArrayAhoCorasick<u32>,
    /// `roles[pattern id]`.
    pub roles: Vec<Vec<Role>>,
    pub phrases: Vec<Phrase>,
    /// Empty words as written.
    pub words: Vec<String>,
    /// Roles of one-char empty words, measure words and name endings, by char.
    pub single: HashMap<char, Vec<Role>>,
    /// How far before a tail its head may start: the slot plus the longest head.
    pub max_head_span: u32,
}

impl std::fmt::Debug for Lexicon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lexicon")
            .field("patterns", &self.roles.len())
            .field("phrases", &self.phrases.len())
            .field("words", &self.words.len())
            .finish()
    }
}

/// Data files, relative to `corpus/`.
const EMPTY_WORDS: &str = "empty-words.txt";
const MEASURE_WORDS: &str = "measure-words.txt";
const NAME_SUFFIXES: &str = "name-suffixes.txt";
const FORMULAS: &str = "formulas.txt";
const OFFICIAL_NAMES: &str = "official-names.txt";
const TOPIC_WORDS: &str = "topic-words.txt";
const PROGRAMME_WORDS: &str = "programme-words.txt";

#[derive(Default)]
struct Builder {
    patterns: Vec<String>,
    ids: HashMap<String, usize>,
    roles: Vec<Vec<Role>>,
    single: HashMap<char, Vec<Role>>,
}

impl Builder {
    fn add(&mut self, chars: &[char], role: Role) {
        // One-char words are looked up by char: in the automaton they would match everywhere
        // and slow the overlapping scan.
        if let ([c], Role::Empty(_) | Role::Measure | Role::Suffix) = (chars, role) {
            let roles = self.single.entry(*c).or_default();
            if !roles.contains(&role) {
                roles.push(role);
            }
            return;
        }
        let text: String = chars.iter().collect();
        let id = *self.ids.entry(text.clone()).or_insert_with(|| {
            self.patterns.push(text);
            self.roles.push(Vec::new());
            self.patterns.len() - 1
        });
        if !self.roles[id].contains(&role) {
            self.roles[id].push(role);
        }
    }
}

impl Lexicon {
    /// The stock phrases `entries` plus the built-in word lists, formulas and glossary terms.
    pub fn build(entries: Vec<(String, Source)>) -> Lexicon {
        let mut b = Builder::default();
        let mut phrases: Vec<Phrase> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        for (text, source) in entries {
            let parts: Vec<Vec<char>> = text
                .split(['…', '⋯'])
                .map(|p| fold(p).0)
                .filter(|p| !p.is_empty())
                .collect();
            let gapped = parts.len() == 2;
            // A phrase needs some substance; a slot phrase exactly one slot.
            let total: usize = parts.iter().map(Vec::len).sum();
            if parts.is_empty() || parts.len() > 2 || total < 2 || outside_bmp(&parts) {
                continue;
            }
            let key: String = parts.join(&'…').into_iter().collect();
            if !seen.insert(key) {
                continue;
            }
            let phrase = phrases.len() as u32;
            phrases.push(Phrase {
                display: text,
                source,
            });
            for (i, part) in parts.iter().enumerate() {
                let part_kind = match (gapped, i) {
                    (false, _) => Part::Whole,
                    (true, 0) => Part::Head,
                    (true, _) => Part::Tail,
                };
                b.add(
                    part,
                    Role::Stock {
                        phrase,
                        part: part_kind,
                    },
                );
            }
        }
        let mut words = Vec::new();
        for word in builtin::list(EMPTY_WORDS) {
            let chars = fold(word).0;
            if !chars.is_empty() && !outside_bmp(std::slice::from_ref(&chars)) {
                b.add(&chars, Role::Empty(words.len() as u32));
                words.push(word.to_owned());
            }
        }
        let small = builtin::list(MEASURE_WORDS)
            .map(|w| (w, Role::Measure))
            .chain(builtin::list(NAME_SUFFIXES).map(|w| (w, Role::Suffix)))
            .chain(builtin::list(PROGRAMME_WORDS).map(|w| (w, Role::Programme)));
        for (word, role) in small {
            let chars = fold(word).0;
            if !chars.is_empty() && !outside_bmp(std::slice::from_ref(&chars)) {
                b.add(&chars, role);
            }
        }
        let listed = builtin::list(FORMULAS)
            .chain(builtin::list(OFFICIAL_NAMES))
            .map(|t| (t.to_owned(), 2, Role::Neutral))
            .chain(builtin::list(TOPIC_WORDS).map(|t| (t.to_owned(), 2, Role::Topic)));
        // Two-char glossary short forms are too ambiguous to count.
        let terms = glossary_terms().into_iter().map(|(t, category)| {
            let role = if NAMED_CATEGORIES.contains(&category.as_str()) {
                Role::Named
            } else {
                Role::Topic
            };
            (t, 3, role)
        });
        let items = glossary_items()
            .into_iter()
            .enumerate()
            .flat_map(|(i, items)| items.into_iter().map(move |t| (t, 3, Role::Item(i as u32))));
        for (text, min_len, role) in listed.chain(terms).chain(items) {
            let chars = fold(&text).0;
            if chars.len() >= min_len && !outside_bmp(std::slice::from_ref(&chars)) {
                b.add(&chars, role);
            }
        }
        let longest_head = b
            .roles
            .iter()
            .zip(&b.patterns)
            .filter(|(r, _)| {
                r.iter().any(|r| {
                    matches!(
                        r,
                        Role::Stock {
                            part: Part::Head,
                            ..
                        }
                    )
                })
            })
            .map(|(_, p)| p.chars().count())
            .max()
            .unwrap_or(0);
        // Distinct (`Builder::add`); never empty (callers skip empty words).
        let ac = CharwiseDoubleArrayAhoCorasick::with_values(
            b.patterns.iter().enumerate().map(|(i, p)| (p, i as u32)),
        )
        .expect("formulaic automaton builds");
        Lexicon {
            ac,
            roles: b.roles,
            phrases,
            words,
            single: b.single,
            max_head_span: (MAX_SLOT + longest_head) as u32,
        }
    }

    /// Every pattern occurrence in `chars` (folded), sorted by start then end.
    pub fn hits(&self, chars: &[char]) -> Vec<Hit> {
        let haystack: String = chars.iter().collect();
        let char_at = crate::text::char_offsets(&haystack);
        let mut hits: Vec<Hit> = self
            .ac
            .find_overlapping_iter(&haystack)
            .map(|m| Hit {
                start: char_at[m.start()] as u32,
                end: char_at[m.end()] as u32,
                pattern: m.value(),
            })
            .collect();
        hits.sort_unstable_by_key(|h| (h.start, h.end));
        hits
    }

    #[cfg(test)]
    pub fn memory_usage(&self) -> usize {
        self.ac.heap_bytes()
    }
}

/// Glossary categories whose terms name something a reader can check (a mechanism, a body, a
/// document, a figure); the others (政策, 口号) are the topic and its slogans.
const NAMED_CATEGORIES: [&str; 4] = ["机制", "机构", "文件", "数据"];

/// Terms and variants of the built-in glossary with their category (two-character ones
/// included; `build` filters).
fn glossary_terms() -> Vec<(String, String)> {
    crate::glossary::builtin_entries()
        .iter()
        .flat_map(|e| {
            std::iter::once(&e.term)
                .chain(&e.variants)
                .map(|t| (t.clone(), e.category.clone()))
        })
        .collect()
}

/// The items of the built-in glossary's numbered formulas, one list per formula.
fn glossary_items() -> Vec<Vec<String>> {
    crate::glossary::numbered_formulas()
        .iter()
        .map(|f| f.items.clone())
        .collect()
}

/// Patterns outside the BMP are left out, as ever (the genre has none).
fn outside_bmp(parts: &[Vec<char>]) -> bool {
    parts.iter().flatten().any(|&c| c as u32 > 0xFFFF)
}

/// Normalised chars (see `crate::normalize`) without the particles 的/地/了, with source offsets.
pub(crate) fn fold(text: &str) -> (Vec<char>, Vec<u32>) {
    let n = normalize(text);
    let mut chars = n.chars;
    let mut origin = n.origin;
    let mut keep = 0;
    for i in 0..chars.len() {
        if !matches!(chars[i], '的' | '地' | '了') {
            chars[keep] = chars[i];
            origin[keep] = origin[i];
            keep += 1;
        }
    }
    chars.truncate(keep);
    origin.truncate(keep);
    (chars, origin)
}
