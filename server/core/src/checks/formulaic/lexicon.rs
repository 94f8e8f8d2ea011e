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
use std::sync::{Arc, LazyLock};

use serde::{Deserialize, Serialize};

use super::Source;
use crate::automaton::Automaton;
use crate::builtin;
use crate::normalize::normalize;
use crate::prebuilt::Table;
use crate::ragged::Ragged;

/// Longest slot inside a `…` phrase such as 以…为抓手, in folded chars.
pub(super) const MAX_SLOT: usize = 12;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Phrase {
    /// As written in the list, `…` included: what messages show.
    pub display: String,
    pub source: Source,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(super) enum Part {
    Whole,
    Head,
    Tail,
}

/// One use of an automaton pattern: pattern strings are shared (以 heads many phrases, 工作 is
/// an empty word and part of nothing else).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
    /// The built-in vocabulary with the stock phrases it was built with (`stock-phrases.txt`
    /// for the checks): shared, and carried by the binary.
    base: Arc<Base>,
    /// The patterns of the phrases added to the base that it lacks, numbered after its own.
    more: Option<Automaton>,
    /// The roles of the patterns the added phrases gave roles to: theirs, and those of the
    /// base's patterns they also use (all of that pattern's roles).
    more_roles: HashMap<u32, Vec<Role>>,
    /// The added phrases, numbered after the base's.
    more_phrases: Vec<Phrase>,
    /// How far before a tail its head may start: the slot plus the longest head.
    pub max_head_span: u32,
}

impl std::fmt::Debug for Lexicon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lexicon")
            .field("patterns", &(self.base.roles.len() + self.more_roles.len()))
            .field("phrases", &self.phrases().count())
            .field("words", &self.words().len())
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

/// The lexicon of the built-in lists, as the binary carries it (`prebuilt`).
pub(crate) const TABLE: Table<Base> =
    Table::new("formulaic-lexicon", || Base::build(builtin_entries()));

/// The built-in stock phrases, as `Base::build` takes them.
fn builtin_entries() -> Vec<(String, Source)> {
    builtin::list(super::STOCK_PHRASES)
        .map(|p| (p.to_owned(), Source::List))
        .collect()
}

static BUILTIN: LazyLock<Arc<Base>> = LazyLock::new(|| Arc::new(TABLE.load()));

/// A lexicon as built (`Lexicon::build`), with what adding more phrases to it needs.
#[derive(Serialize, Deserialize)]
pub(crate) struct Base {
    /// daachorse's double array over chars (value = pattern id): for these CJK patterns it
    /// builds in a fraction of aho-corasick's time.
    ac: Automaton,
    /// By id (a pattern's id is found with `ac`: a map from pattern to id cost more to read
    /// back at every start than the few lookups it serves).
    /// Each pattern's length in chars, by id (its text is in `ac`).
    pattern_chars: Vec<u32>,
    roles: Ragged<Role>,
    phrases: Vec<Phrase>,
    /// The folded parts of each phrase, joined by `…`: a phrase is taken once.
    phrase_keys: HashSet<String>,
    words: Vec<String>,
    single: HashMap<char, Vec<Role>>,
    longest_head: usize,
}

/// Collects patterns and their roles. Over a base, only what is new: pattern ids and phrase
/// numbers go on from the base's, and a base pattern given a role is copied (`changed`).
#[derive(Default)]
struct Builder<'b> {
    base: Option<&'b Base>,
    patterns: Vec<String>,
    ids: HashMap<String, usize>,
    roles: Vec<Vec<Role>>,
    changed: HashMap<usize, Vec<Role>>,
    single: HashMap<char, Vec<Role>>,
    phrases: Vec<Phrase>,
    phrase_keys: HashSet<String>,
}

impl Builder<'_> {
    fn base_patterns(&self) -> usize {
        self.base.map_or(0, |b| b.pattern_chars.len())
    }

    /// Adds the stock phrases `entries` (after those it has).
    fn add_phrases(&mut self, entries: Vec<(String, Source)>) {
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
            if self.base.is_some_and(|b| b.phrase_keys.contains(&key))
                || !self.phrase_keys.insert(key)
            {
                continue;
            }
            let phrase = (self.base.map_or(0, |b| b.phrases.len()) + self.phrases.len()) as u32;
            self.phrases.push(Phrase {
                display: text,
                source,
            });
            for (i, part) in parts.iter().enumerate() {
                let part_kind = match (gapped, i) {
                    (false, _) => Part::Whole,
                    (true, 0) => Part::Head,
                    (true, _) => Part::Tail,
                };
                self.add(
                    part,
                    Role::Stock {
                        phrase,
                        part: part_kind,
                    },
                );
            }
        }
    }

    /// The longest head of a slot phrase among its patterns, in chars.
    fn longest_head(&self) -> usize {
        let is_head = |roles: &[Role]| {
            roles.iter().any(|r| {
                matches!(
                    r,
                    Role::Stock {
                        part: Part::Head,
                        ..
                    }
                )
            })
        };
        let new = (self.roles.iter()).zip(self.patterns.iter().map(|p| p.chars().count()));
        let changed = self.changed.iter().filter_map(|(&id, roles)| {
            let base = self.base?;
            Some((roles, base.pattern_chars[id] as usize))
        });
        new.chain(changed)
            .filter(|(roles, _)| is_head(roles))
            .map(|(_, chars)| chars)
            .max()
            .unwrap_or(0)
    }

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
        let base_patterns = self.base_patterns();
        let roles = match self.base.and_then(|b| b.id_of(&text).map(|id| (b, id))) {
            Some((base, id)) => self
                .changed
                .entry(id)
                .or_insert_with(|| base.roles[id].to_vec()),
            None => {
                let id = *self.ids.entry(text.clone()).or_insert_with(|| {
                    self.patterns.push(text);
                    self.roles.push(Vec::new());
                    base_patterns + self.patterns.len() - 1
                });
                &mut self.roles[id - base_patterns]
            }
        };
        if !roles.contains(&role) {
            // Phrases come before the built-in words, in a pattern's roles as in `build`, also
            // when added later.
            let at = match role {
                Role::Stock { .. } => roles
                    .iter()
                    .position(|r| !matches!(r, Role::Stock { .. }))
                    .unwrap_or(roles.len()),
                _ => roles.len(),
            };
            roles.insert(at, role);
        }
    }
}

impl Lexicon {
    /// The stock phrases `entries` plus the built-in word lists, formulas and glossary terms,
    /// built afresh (the checks use `builtin_with`).
    #[cfg(test)]
    pub fn build(entries: Vec<(String, Source)>) -> Lexicon {
        Lexicon::extend(Arc::new(Base::build(entries)), Vec::new())
    }

    /// The built-in stock phrases (`stock-phrases.txt`), then `entries`: the same as `build`
    /// with both (only the numbering of patterns differs), but the built-in part is built once
    /// per process, or carried by the binary.
    pub fn builtin_with(entries: Vec<(String, Source)>) -> Lexicon {
        Lexicon::extend(BUILTIN.clone(), entries)
    }

    /// Builds (or reads) the built-in part now, so that `builtin_with` does not wait for it.
    pub fn prepare() {
        LazyLock::force(&BUILTIN);
    }

    /// `base` with the stock phrases `entries` added after its own.
    fn extend(base: Arc<Base>, entries: Vec<(String, Source)>) -> Lexicon {
        let mut b = Builder {
            base: Some(&base),
            ..Builder::default()
        };
        b.add_phrases(entries);
        let first = base.pattern_chars.len();
        let more = (!b.patterns.is_empty()).then(|| {
            let new = b.patterns.iter().zip(first as u32..);
            Automaton::with_values(new).expect("added phrases build an automaton")
        });
        let max_head_span = (MAX_SLOT + base.longest_head.max(b.longest_head())) as u32;
        let mut more_roles: HashMap<u32, Vec<Role>> = b
            .changed
            .into_iter()
            .map(|(id, r)| (id as u32, r))
            .collect();
        more_roles.extend(
            b.roles
                .into_iter()
                .zip(first as u32..)
                .map(|(r, id)| (id, r)),
        );
        Lexicon {
            more,
            more_roles,
            more_phrases: b.phrases,
            max_head_span,
            base,
        }
    }

    /// The roles of pattern `id`.
    pub fn roles(&self, id: u32) -> &[Role] {
        match self.more_roles.get(&id) {
            Some(roles) => roles,
            None => &self.base.roles[id as usize],
        }
    }

    /// Phrase `id`.
    pub fn phrase(&self, id: u32) -> &Phrase {
        let id = id as usize;
        match self.base.phrases.get(id) {
            Some(phrase) => phrase,
            None => &self.more_phrases[id - self.base.phrases.len()],
        }
    }

    /// Every phrase, by number.
    pub fn phrases(&self) -> impl Iterator<Item = &Phrase> {
        self.base.phrases.iter().chain(&self.more_phrases)
    }

    /// Empty words as written.
    pub fn words(&self) -> &[String] {
        &self.base.words
    }

    /// Roles of one-char empty words, measure words and name endings.
    pub fn single(&self, c: char) -> &[Role] {
        self.base.single.get(&c).map_or(&[], Vec::as_slice)
    }
}

impl Base {
    /// The id of the pattern `text`, if it is one.
    fn id_of(&self, text: &str) -> Option<usize> {
        let mut found = self.ac.find_overlapping_iter(text);
        let whole = found.find(|m| m.start() == 0 && m.end() == text.len())?;
        Some(whole.value() as usize)
    }

    /// The stock phrases `entries` plus the built-in word lists, formulas and glossary terms.
    fn build(entries: Vec<(String, Source)>) -> Base {
        let (b, words) = Base::builder_of(entries);
        // Distinct (`Builder::add`); never empty (callers skip empty words).
        let ac = Automaton::with_values(b.patterns.iter().zip(0u32..))
            .expect("formulaic automaton builds");
        Base {
            ac,
            longest_head: b.longest_head(),
            pattern_chars: (b.patterns.iter())
                .map(|p| p.chars().count() as u32)
                .collect(),
            roles: b.roles.into_iter().collect(),
            phrases: b.phrases,
            phrase_keys: b.phrase_keys,
            words,
            single: b.single,
        }
    }

    /// The patterns of `build`, with their roles, and the empty words.
    fn builder_of(entries: Vec<(String, Source)>) -> (Builder<'static>, Vec<String>) {
        let mut b = Builder::default();
        b.add_phrases(entries);
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
        (b, words)
    }
}

impl Lexicon {
    /// Every pattern occurrence in `chars` (folded), sorted by start then end.
    pub fn hits(&self, chars: &[char]) -> Vec<Hit> {
        let haystack: String = chars.iter().collect();
        let char_at = crate::text::char_offsets(&haystack);
        let more = self
            .more
            .iter()
            .flat_map(|m| m.find_overlapping_iter(&haystack));
        let mut hits: Vec<Hit> = (self.base.ac.find_overlapping_iter(&haystack))
            .chain(more)
            .map(|m| Hit {
                start: char_at[m.start()] as u32,
                end: char_at[m.end()] as u32,
                pattern: m.value(),
            })
            .collect();
        // One pattern per string, so one hit per (start, end).
        hits.sort_unstable_by_key(|h| (h.start, h.end));
        hits
    }

    #[cfg(test)]
    pub fn memory_usage(&self) -> usize {
        self.base.ac.heap_bytes() + self.more.as_ref().map_or(0, |m| m.heap_bytes())
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

/// The particles folding drops.
pub(crate) fn is_particle(c: char) -> bool {
    matches!(c, '的' | '地' | '了')
}

/// Normalised chars (see `crate::normalize`) without the particles 的/地/了, with source offsets.
pub(crate) fn fold(text: &str) -> (Vec<char>, Vec<u32>) {
    let n = normalize(text);
    let mut chars = n.chars;
    let mut origin = n.origin;
    let mut keep = 0;
    for i in 0..chars.len() {
        if !is_particle(chars[i]) {
            chars[keep] = chars[i];
            origin[keep] = origin[i];
            keep += 1;
        }
    }
    chars.truncate(keep);
    origin.truncate(keep);
    (chars, origin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_is_found_by_its_id_and_nothing_else_is() {
        let base = &*BUILTIN;
        let patterns = Base::builder_of(builtin_entries()).0.patterns;
        assert_eq!(patterns.len(), base.pattern_chars.len());
        for (id, pattern) in patterns.iter().enumerate() {
            assert_eq!(base.id_of(pattern), Some(id), "{pattern}");
            assert_eq!(base.pattern_chars[id] as usize, pattern.chars().count());
        }
        // A pattern's part or a pattern with more: not a pattern (some of them contain one).
        for text in ["高度重视了", "工作作风建设了吗", "度重", ""] {
            assert!(!patterns.iter().any(|p| p == text), "{text}");
            assert_eq!(base.id_of(text), None, "{text}");
        }
    }
}
