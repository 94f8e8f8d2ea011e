//! Finding glossary terms in text: Aho–Corasick over normalised terms and variants.
//!
//! Matching runs on the normalised text (no punctuation, no spaces, width folded), so
//! 两不愁、三保障, 两不愁,三保障 and 两不愁三保障 are one pattern; every match maps back to a
//! char range of the text as typed. jieba plays no part here: it may cut a term apart.
//!
//! The automata are daachorse's double arrays over chars (`crate::automaton`): for a few
//! thousand CJK patterns they build in a fraction of aho-corasick's time, and one overlapping
//! automaton also gives the leftmost-longest occurrences. The built-in glossary's matcher is
//! built with the binary (`TABLE`): hover waited for it at start-up.

use std::collections::HashMap;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::{Entry, Source};
use crate::automaton::Automaton;
use crate::normalize::{normalize, Normalized};
use crate::prebuilt::Table;
use crate::text::is_statement_end;

/// Normalised text laid out for byte-oriented Aho–Corasick, with the way back to source chars.
pub(crate) struct NormText {
    pub text: String,
    /// Source char offset of each normalised char.
    origin: Vec<u32>,
    /// Normalised char index of each byte of `text` that starts a char, plus one past the end.
    char_at_byte: Vec<u32>,
}

impl NormText {
    pub fn new(source: &str) -> NormText {
        let Normalized { chars, origin } = normalize(source);
        let mut text = String::with_capacity(chars.len() * 3);
        let mut char_at_byte = Vec::with_capacity(chars.len() * 3 + 1);
        for (index, c) in chars.iter().enumerate() {
            text.push(*c);
            char_at_byte.resize(text.len(), index as u32);
        }
        char_at_byte.push(chars.len() as u32);
        NormText {
            text,
            origin,
            char_at_byte,
        }
    }

    /// Normalised char range of a byte range of `text`.
    fn chars(&self, bytes: Range<usize>) -> Range<usize> {
        self.char_at_byte[bytes.start] as usize..self.char_at_byte[bytes.end] as usize
    }

    /// Source char range covered by normalised chars `range`.
    fn source(&self, range: &Range<usize>) -> Range<usize> {
        self.origin[range.start] as usize..self.origin[range.end - 1] as usize + 1
    }

    /// Source char range covered by a (non-empty) byte range of `text`.
    pub fn source_of_bytes(&self, bytes: Range<usize>) -> Range<usize> {
        self.source(&self.chars(bytes))
    }

    /// Source char range of a byte range of `text`, when nothing was dropped inside it: a word
    /// must not be glued together across punctuation.
    pub fn contiguous_source(&self, bytes: Range<usize>) -> Option<Range<usize>> {
        let chars = self.chars(bytes);
        let source = self.source(&chars);
        (source.len() == chars.len()).then_some(source)
    }
}

#[derive(Serialize, Deserialize)]
pub(crate) struct Matcher {
    /// Every term and variant; the value is the pattern index.
    all: Automaton,
    /// Entry index of each pattern.
    entry: Vec<usize>,
    /// Items of numbered formulas (学史增信 of 党史学习教育), so that a hover on an item written
    /// on its own or inside the written-out chain shows the formula. Only hovers use them.
    items: Option<Automaton>,
    /// Entry index of each item pattern.
    item_entry: Vec<usize>,
    /// For patterns written with "+" (1+3+3): after which normalised chars a "+" stands. The
    /// normaliser drops "+", so without this 1+3+3 would match any "133".
    plus: Vec<Vec<usize>>,
    /// For patterns that end with "+" (人工智能+): the text must have it too (人工智能 alone is
    /// not the campaign), and it belongs to the hit's range.
    trailing_plus: Vec<bool>,
    /// Longest pattern, in normalised chars: bounds the stretch of a line a hover looks at.
    max_chars: usize,
}

/// One term occurrence: source char range, normalised length, entry index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hit {
    pub range: Range<usize>,
    pub norm_len: usize,
    pub entry: usize,
    /// Matched one of the entry's items rather than its term or a variant.
    pub item: bool,
}

/// The built-in glossary's matcher, as the binary carries it (`prebuilt`).
pub(crate) const TABLE: Table<Matcher> =
    Table::new("glossary-matcher", || Matcher::new(super::data::builtin()));

impl Matcher {
    /// `Matcher::new(entries)`: read from the binary when `entries` are the built-in glossary
    /// (what the matcher reads of them: terms, variants, items, source), else built.
    pub fn of(entries: &[Entry]) -> Matcher {
        let builtin = super::data::builtin();
        let same = |(a, b): (&Entry, &Entry)| {
            a.source == Source::Builtin
                && a.term == b.term
                && a.variants == b.variants
                && a.items == b.items
        };
        if entries.len() == builtin.len() && entries.iter().zip(builtin).all(same) {
            TABLE.load()
        } else {
            Matcher::new(entries)
        }
    }

    /// Patterns from every entry's term and variants. Writers' entries come first, so where a
    /// user variant collides with a built-in one, the writer's entry wins.
    pub fn new(entries: &[Entry]) -> Matcher {
        let mut order: Vec<usize> = (0..entries.len()).collect();
        order.sort_by_key(|&i| matches!(entries[i].source, Source::Builtin));
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut patterns = Vec::new();
        let mut entry = Vec::new();
        let mut plus = Vec::new();
        let mut trailing_plus = Vec::new();
        let mut max_chars = 0;
        for i in order {
            let e = &entries[i];
            for form in std::iter::once(&e.term).chain(&e.variants) {
                let norm = NormText::new(form);
                if norm.text.is_empty() || seen.contains_key(&norm.text) {
                    continue;
                }
                let source: Vec<char> = form.chars().collect();
                plus.push(plus_positions(&norm, &source, 0..norm.origin.len()));
                trailing_plus.push(form.trim_end().ends_with(is_plus));
                max_chars = max_chars.max(norm.origin.len());
                seen.insert(norm.text.clone(), i);
                patterns.push(norm.text);
                entry.push(i);
            }
        }
        // An item stands for its formula only when it is specific: three chars or more, not a
        // term or variant of its own, the item of one entry only, and of a formula whose items
        // share a prefix or suffix (学史明理 … 学史力行, 政治意识 … 看齐意识). Items without one
        // are often everyday phrases (牢记使命, 抓落实) that must not stand for a formula.
        let mut item_owner: HashMap<String, Option<usize>> = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            if !items_share_an_affix(&e.items) {
                continue;
            }
            for item in &e.items {
                let norm = NormText::new(item).text;
                if norm.chars().count() < 3 || seen.contains_key(&norm) {
                    continue;
                }
                item_owner
                    .entry(norm)
                    .and_modify(|owner| {
                        if *owner != Some(i) {
                            *owner = None;
                        }
                    })
                    .or_insert(Some(i));
            }
        }
        let mut item_patterns: Vec<(String, usize)> = item_owner
            .into_iter()
            .filter_map(|(norm, owner)| Some((norm, owner?)))
            .collect();
        item_patterns.sort();
        for (norm, _) in &item_patterns {
            max_chars = max_chars.max(norm.chars().count());
        }
        let build = |patterns: &[String]| {
            // Patterns with their index as value, distinct and non-empty by construction
            // (`seen`, the map of items), as daachorse needs them.
            Automaton::with_values(patterns.iter().enumerate().map(|(i, p)| (p, i as u32)))
                .expect("glossary patterns build an automaton")
        };
        let item_texts: Vec<String> = item_patterns.iter().map(|(n, _)| n.clone()).collect();
        Matcher {
            all: build(&patterns),
            entry,
            items: (!item_texts.is_empty()).then(|| build(&item_texts)),
            item_entry: item_patterns.into_iter().map(|(_, e)| e).collect(),
            plus,
            trailing_plus,
            max_chars,
        }
    }

    /// The hit of pattern `pattern` at byte range `bytes` of `norm.text`, unless it is cut by a
    /// sentence end or its "+" marks differ.
    fn hit(
        &self,
        norm: &NormText,
        source: &[char],
        bytes: Range<usize>,
        pattern: usize,
    ) -> Option<Hit> {
        let chars = norm.chars(bytes);
        let mut range = norm.source(&chars);
        // A term may carry commas inside it, but never a sentence end or a line break.
        let broken = source[range.clone()].iter().any(|&c| is_statement_end(c));
        if broken || plus_positions(norm, source, chars.clone()) != self.plus[pattern] {
            return None;
        }
        if self.trailing_plus[pattern] {
            if !source.get(range.end).copied().is_some_and(is_plus) {
                return None;
            }
            range.end += 1;
        }
        Some(Hit {
            range: balance_quotes(source, range),
            norm_len: chars.len(),
            entry: self.entry[pattern],
            item: false,
        })
    }

    /// Leftmost-longest, non-overlapping occurrences.
    pub fn find(&self, text: &str) -> Vec<Hit> {
        let norm = NormText::new(text);
        if norm.text.is_empty() {
            return Vec::new();
        }
        let source: Vec<char> = text.chars().collect();
        // Of every occurrence, the leftmost and then longest one, the search going on after it:
        // what a leftmost-longest automaton gives.
        let mut all: Vec<(Range<usize>, usize)> = self
            .all
            .find_overlapping_iter(&norm.text)
            .map(|m| (m.start()..m.end(), m.value() as usize))
            .collect();
        all.sort_by_key(|(r, _)| (r.start, std::cmp::Reverse(r.end)));
        let mut end = 0;
        all.into_iter()
            .filter(|(r, _)| {
                let next = r.start >= end;
                if next {
                    end = r.end;
                }
                next
            })
            .filter_map(|(bytes, pattern)| self.hit(&norm, &source, bytes, pattern))
            .collect()
    }

    /// Every occurrence, overlapping ones included (a term inside a longer term counts too).
    pub fn find_all(&self, norm: &NormText, source: &[char]) -> Vec<Hit> {
        self.all
            .find_overlapping_iter(&norm.text)
            .filter_map(|m| self.hit(norm, source, m.start()..m.end(), m.value() as usize))
            .collect()
    }

    /// The longest occurrence of a term, variant or item covering char `offset` of `line`; a
    /// term wins over an item of the same length.
    ///
    /// The whole of `line` is searched: the caller hands in a window around the cursor (see
    /// `reach`), so a hover costs the same on a long paragraph as on a short line.
    pub fn covering(&self, line: &[char], offset: usize) -> Option<Hit> {
        let text: String = line.iter().collect();
        let norm = NormText::new(&text);
        if norm.text.is_empty() {
            return None;
        }
        let terms = self
            .all
            .find_overlapping_iter(&norm.text)
            .filter_map(|m| self.hit(&norm, line, m.start()..m.end(), m.value() as usize));
        let items = self.items.iter().flat_map(|items| {
            items.find_overlapping_iter(&norm.text).filter_map(|m| {
                let chars = norm.chars(m.start()..m.end());
                let range = norm.source(&chars);
                let broken = line[range.clone()].iter().any(|&c| is_statement_end(c));
                (!broken).then(|| Hit {
                    range: balance_quotes(line, range),
                    norm_len: chars.len(),
                    entry: self.item_entry[m.value() as usize],
                    item: true,
                })
            })
        });
        terms
            .chain(items)
            .filter(|h| h.range.contains(&offset))
            .max_by(|a, b| {
                a.norm_len
                    .cmp(&b.norm_len)
                    .then(b.item.cmp(&a.item))
                    .then(a.range.len().cmp(&b.range.len()))
                    .then(b.range.start.cmp(&a.range.start))
            })
    }

    /// How far either side of the cursor a hover must look to see every term that could cover
    /// it: the longest pattern, with room for a separator after every char.
    pub fn reach(&self) -> usize {
        self.max_chars * 2 + 8
    }
}

/// Whether all `items` (two or more) start with the same char or end with the same char.
fn items_share_an_affix(items: &[String]) -> bool {
    let norms: Vec<Vec<char>> = items
        .iter()
        .map(|i| NormText::new(i).text.chars().collect())
        .collect();
    if norms.len() < 2 || norms.iter().any(Vec::is_empty) {
        return false;
    }
    let same = |pick: fn(&Vec<char>) -> char| norms.iter().all(|n| pick(n) == pick(&norms[0]));
    same(|n| n[0]) || same(|n| n[n.len() - 1])
}

/// Quote and bracket pairs a term may carry inside it (新时代“枫桥经验”, “千万工程”经验).
const PAIRS: [(char, char); 7] = [
    ('“', '”'),
    ('‘', '’'),
    ('「', '」'),
    ('『', '』'),
    ('《', '》'),
    ('（', '）'),
    ('(', ')'),
];

/// `range` widened by a closing (opening) mark right after (before) it when the range holds an
/// opening (closing) mark without its partner, and by a pair of marks that encloses it exactly:
/// a match starts and ends at normalised chars, so 新时代“枫桥经验” would otherwise be
/// highlighted without its closing quote, and “国之大者” without either.
fn balance_quotes(source: &[char], mut range: Range<usize>) -> Range<usize> {
    for (open, close) in PAIRS {
        let inside = &source[range.clone()];
        let opens = inside.iter().filter(|&&c| c == open).count();
        let closes = inside.iter().filter(|&&c| c == close).count();
        let before = range.start > 0 && source[range.start - 1] == open;
        let after = source.get(range.end) == Some(&close);
        if opens > closes && after {
            range.end += 1;
        } else if closes > opens && before {
            range.start -= 1;
        } else if opens == closes && before && after {
            range = range.start - 1..range.end + 1;
        }
    }
    range
}

fn is_plus(c: char) -> bool {
    c == '+' || c == '＋'
}

/// Positions k (1-based, within `chars`) such that a "+" stands between normalised chars k-1 and
/// k in the source.
fn plus_positions(norm: &NormText, source: &[char], chars: Range<usize>) -> Vec<usize> {
    let mut out = Vec::new();
    for k in chars.start + 1..chars.end {
        let gap = norm.origin[k - 1] as usize + 1..norm.origin[k] as usize;
        if source[gap].iter().any(|&c| is_plus(c)) {
            out.push(k - chars.start);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_other_than_the_builtin_ones_get_a_matcher_of_their_own() {
        let builtin = super::super::data::builtin();
        let found = |m: &Matcher, text: &str| m.find(text).len();
        assert_eq!(found(&Matcher::of(builtin), "全面推进乡村振兴"), 1);
        assert_eq!(found(&Matcher::of(builtin), "测试用的新写法"), 0);
        let mut changed = builtin.to_vec();
        changed[0].variants.push("测试用的新写法".to_owned());
        assert_eq!(found(&Matcher::of(&changed), "测试用的新写法"), 1);
        let mut user = builtin.to_vec();
        user[0].source = Source::User("my-terms.toml".into());
        assert_eq!(found(&Matcher::of(&user), "全面推进乡村振兴"), 1);
    }

    #[test]
    fn norm_text_maps_bytes_back_to_source_chars() {
        let n = NormText::new("𠀀两不愁、三保障");
        assert_eq!(n.text, "𠀀两不愁三保障");
        let start = n.text.find('两').unwrap();
        let chars = n.chars(start..n.text.len());
        assert_eq!(chars, 1..7);
        assert_eq!(n.source(&chars), 1..8);
    }

    #[test]
    fn a_term_keeps_both_marks_of_a_quote_it_holds() {
        let chars = |s: &str| s.chars().collect::<Vec<char>>();
        // 新时代“枫桥经验”: the match ends before the closing quote.
        assert_eq!(balance_quotes(&chars("新时代“枫桥经验”。"), 0..8), 0..9);
        // “千万工程”经验: the match starts after the opening quote.
        assert_eq!(balance_quotes(&chars("学习“千万工程”经验"), 3..10), 2..10);
        // A pair that encloses the term exactly is taken in; a lone mark at the edge stays out.
        assert_eq!(balance_quotes(&chars("“两个确立”、“四个意识”"), 1..5), 0..6);
        assert_eq!(balance_quotes(&chars("《信访工作条例》"), 1..7), 0..8);
        assert_eq!(balance_quotes(&chars("“两个确立”的决定性意义"), 1..4), 1..4);
        assert_eq!(balance_quotes(&chars("新时代“枫桥经验"), 0..8), 0..8);
        assert_eq!(balance_quotes(&chars("两个确立”"), 0..4), 0..4);
    }
}
