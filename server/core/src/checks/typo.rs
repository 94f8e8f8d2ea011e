//! `typo`: a wrong character in a known term (错别字): 产销赌点 for 产销堵点, 种殖业 for 种植业.
//!
//! Known terms are the built-in glossary (terms, variants, items), the official formulas and
//! sayings, the phrase book, the stock phrases, the domain word list (`corpus/domain-words.txt`)
//! and common idioms (`corpus/third-party/idioms.txt`, from jieba's dictionary), cut into
//! runs of three or more Chinese characters. A run of the text that differs from a known term in
//! exactly one character is reported when
//!
//! - the two characters sound alike (the same syllable in their usual readings, tones aside;
//!   crate `pinyin`) or look alike
//!   (`corpus/third-party/same-stroke.txt`, pycorrector's 形近字 table, and
//!   `stroke-similar.txt`, common characters one stroke apart); in a three-character
//!   term only the middle character is considered, and
//! - what is written is not itself a word: neither the run nor any 2–4 character stretch of the
//!   text through the changed character is a word (`crate::dictionary`: one of jieba's, with a
//!   count of 10 or more, or a domain term), and no very frequent single-character word (是、的)
//!   is written: 书记/书籍, 富裕/富余 stay alone. Nor is the run itself a known term.
//!
//! Precision comes first. The dictionary is jieba's word list, read in place, so the check never
//! loads jieba's segmenter (≈35 MB, ≈0.1 s). The check looks at one line at a time.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::automaton::Automaton;
use crate::builtin;
use crate::checks::{Code, Context, Edit, Finding, Fix};
use crate::dictionary;
use crate::prebuilt::Table;
use crate::ragged::{CharLists, Ragged};
use crate::text::is_cjk;

pub struct Typo;

impl super::Check for Typo {
    fn codes(&self) -> &'static [Code] {
        &[Code::Typo]
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Finding> {
        check(cx.text)
    }
}

/// Shortest known term considered: two-character words are too often one character away from
/// another real word.
const MIN_TERM_CHARS: usize = 3;

/// The known terms, indexed for near matches: a term with one character changed keeps one of
/// its halves whole, so the halves of terms of four characters or more are searched for
/// (Aho-Corasick) and the rest compared; a three-character term is found by its first and last
/// character.
#[derive(Serialize, Deserialize)]
pub struct Terms {
    /// Sorted.
    terms: CharLists,
    /// Pattern `k` of `halves` is the first (`true`) or second half of these terms.
    owners: Ragged<(u32, bool)>,
    /// daachorse's double array over chars, value = pattern index: built at start-up in a
    /// fraction of aho-corasick's time.
    halves: Automaton,
    /// (first, last) character → three-character terms.
    short: HashMap<(char, char), Vec<u32>>,
    /// Char → ids of the shape-similar groups it is in.
    shapes: Shapes,
}

/// The shape-similar groups each char is in: `groups[k]` for `chars[k]`.
#[derive(Serialize, Deserialize)]
struct Shapes {
    /// Sorted.
    chars: Vec<char>,
    groups: Ragged<u32>,
}

impl Shapes {
    fn groups(&self, c: char) -> Option<&[u32]> {
        let k = self.chars.binary_search(&c).ok()?;
        Some(&self.groups[k])
    }
}

/// Runs of Chinese characters of `s` long enough to be terms.
pub(crate) fn han_runs(s: &str) -> impl Iterator<Item = Vec<char>> + '_ {
    s.split(|c: char| !is_cjk(c))
        .map(|r| r.chars().collect::<Vec<char>>())
        .filter(|r| r.len() >= MIN_TERM_CHARS)
}

/// The texts of the built-in glossary: terms, variants and items.
pub(crate) fn glossary_texts() -> Vec<String> {
    glossary_fields(&["term", "variants", "items"])
}

/// The given fields (`term`, `variants`, `items`) of every entry of the built-in glossary.
pub(crate) fn glossary_fields(keys: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for entry in crate::glossary::builtin_entries() {
        for &key in keys {
            match key {
                "term" => out.push(entry.term.clone()),
                "variants" => out.extend(entry.variants.iter().cloned()),
                "items" => out.extend(entry.items.iter().cloned()),
                _ => {}
            }
        }
    }
    out
}

/// The built-in glossary's numbered formulas: (term, items, origin).
pub(crate) fn glossary_texts_with_names() -> Vec<(String, Vec<String>, Option<String>)> {
    crate::glossary::builtin_entries()
        .iter()
        .filter(|e| !e.items.is_empty())
        .map(|e| (e.term.clone(), e.items.clone(), e.origin.clone()))
        .collect()
}

/// Whether `a` and `b` are in one group of the shape-similar table.
pub fn shape_alike(a: char, b: char) -> bool {
    TERMS.look_alike(a, b)
}

impl Terms {
    fn builtin() -> Terms {
        let mut texts = glossary_texts();
        texts.extend(crate::glossary::Formulas::builtin().list().iter().cloned());
        for file in [
            "phrases.txt",
            "stock-phrases.txt",
            "domain-words.txt",
            "third-party/idioms.txt",
        ] {
            texts.extend(builtin::list(file).map(|l| l.replace('|', "")));
        }
        // The sayings without their sources.
        texts.extend(
            builtin::list("sayings.txt")
                .filter_map(|l| l.split_once('\t').map(|(s, _)| s.to_owned())),
        );
        // pycorrector's groups, and pairs derived from stroke orders and components.
        let shapes = builtin::list("third-party/same-stroke.txt")
            .chain(builtin::list("third-party/stroke-similar.txt"))
            .enumerate()
            .flat_map(|(group, line)| {
                line.split('\t')
                    .filter_map(|c| c.trim().chars().next())
                    .map(move |c| (c, group as u32))
                    .collect::<Vec<_>>()
            })
            .fold(BTreeMap::<char, Vec<u32>>::new(), |mut map, (c, g)| {
                map.entry(c).or_default().push(g);
                map
            });
        let shapes = Shapes {
            chars: shapes.keys().copied().collect(),
            groups: shapes.into_values().collect(),
        };
        Terms::new(texts.iter().flat_map(|t| han_runs(t)), shapes)
    }

    fn new(runs: impl Iterator<Item = Vec<char>>, shapes: Shapes) -> Terms {
        let mut terms: Vec<Vec<char>> = runs.collect();
        terms.sort();
        terms.dedup();
        let mut patterns: Vec<String> = Vec::new();
        let mut owners: Vec<Vec<(u32, bool)>> = Vec::new();
        let mut by_pattern: HashMap<String, usize> = HashMap::new();
        let mut short: HashMap<(char, char), Vec<u32>> = HashMap::new();
        for (id, term) in terms.iter().enumerate() {
            let id = id as u32;
            if term.len() == 3 {
                short.entry((term[0], term[2])).or_default().push(id);
                continue;
            }
            let (head, tail) = term.split_at(term.len() / 2);
            for (half, is_head) in [(head, true), (tail, false)] {
                let half: String = half.iter().collect();
                let k = *by_pattern.entry(half.clone()).or_insert_with(|| {
                    patterns.push(half);
                    owners.push(Vec::new());
                    owners.len() - 1
                });
                owners[k].push((id, is_head));
            }
        }
        // Distinct (`by_pattern`) and at least two chars (terms of four or more).
        let halves =
            Automaton::with_values(patterns.iter().enumerate().map(|(k, p)| (p, k as u32)))
                .expect("term halves make an automaton");
        Terms {
            terms: terms.into_iter().collect(),
            owners: owners.into_iter().collect(),
            halves,
            short,
            shapes,
        }
    }

    /// (char offset, term, position in the term) of every place where `chars` differs from a
    /// term in exactly one character.
    fn near_matches(&self, text: &str, chars: &[char]) -> Vec<(usize, u32, usize)> {
        let mut out = Vec::new();
        let differs_once = |start: usize, term: &[char]| -> Option<usize> {
            let window = chars.get(start..start + term.len())?;
            let mut diff = None;
            for (k, (a, b)) in window.iter().zip(term).enumerate() {
                if a != b {
                    if diff.is_some() {
                        return None;
                    }
                    diff = Some(k);
                }
            }
            diff
        };
        let char_at = crate::text::char_offsets(text);
        for m in self.halves.find_overlapping_iter(text) {
            let start = char_at[m.start()];
            for &(id, is_head) in &self.owners[m.value() as usize] {
                let term = &self.terms[id as usize];
                let h = term.len() / 2;
                let from = if is_head {
                    Some(start)
                } else {
                    start.checked_sub(h)
                };
                let Some(from) = from else {
                    continue;
                };
                // The change lies in the other half.
                if let Some(k) = differs_once(from, term) {
                    if (is_head && k >= h) || (!is_head && k < h) {
                        out.push((from + k, id, k));
                    }
                }
            }
        }
        for s in 0..chars.len().saturating_sub(2) {
            if let Some(ids) = self.short.get(&(chars[s], chars[s + 2])) {
                for &id in ids {
                    if chars[s + 1] != self.terms[id as usize][1] {
                        out.push((s + 1, id, 1));
                    }
                }
            }
        }
        out
    }

    /// Whether `chars` is itself a term.
    fn is_term(&self, chars: &[char]) -> bool {
        // Sorted and deduplicated in `new`.
        self.terms.binary_search_by(|t| t.cmp(chars)).is_ok()
    }

    fn look_alike(&self, a: char, b: char) -> bool {
        match (self.shapes.groups(a), self.shapes.groups(b)) {
            (Some(x), Some(y)) => x.iter().any(|g| y.contains(g)),
            _ => false,
        }
    }
}

/// The typo check's terms, as the binary carries them (`prebuilt`).
pub(crate) const TABLE: Table<Terms> = Table::new("typo-terms", Terms::builtin);

static TERMS: LazyLock<Terms> = LazyLock::new(|| TABLE.load());

pub(super) fn prepare() {
    LazyLock::force(&TERMS);
    dictionary::prepare();
}

/// Whether `a` and `b` sound alike: the same syllable, tones aside, in their usual readings.
/// Rare readings are left out: 和 read hú would make it sound like 户.
pub fn sound_alike(a: char, b: char) -> bool {
    use pinyin::ToPinyin;
    match (a.to_pinyin(), b.to_pinyin()) {
        (Some(x), Some(y)) => x.plain() == y.plain(),
        _ => false,
    }
}

/// A proposed correction: the char at `at` (of the line) should be `want`, as in `term`.
struct Candidate {
    at: usize,
    want: char,
    term: usize,
    window: Range<usize>,
}

/// Typos in `text`, char offsets.
pub fn check(text: &str) -> Vec<Finding> {
    let terms = &*TERMS;
    let chars: Vec<char> = text.chars().collect();
    let mut candidates: Vec<Candidate> = terms
        .near_matches(text, &chars)
        .into_iter()
        .filter_map(|(at, id, k)| {
            let term = &terms.terms[id as usize];
            let len = term.len();
            // In a three-character term only the middle one: at its edges the written
            // character too often belongs to the next word (激发其脱贫).
            if len == 3 && (k == 0 || k == len - 1) {
                return None;
            }
            let start = at - k;
            (chars[start..start + len].iter().all(|&c| is_cjk(c))).then_some(Candidate {
                at,
                want: term[k],
                term: id as usize,
                window: start..start + len,
            })
        })
        .collect();
    if candidates.is_empty() {
        return Vec::new();
    }
    candidates.retain(|c| {
        let have = chars[c.at];
        (sound_alike(have, c.want) || terms.look_alike(have, c.want))
            && !terms.is_term(&chars[c.window.clone()])
    });
    // The written form must not be a word.
    candidates.retain(|c| !is_written_word(&chars, c));
    // One finding a place; places with two different corrections are left alone.
    candidates.sort_by_key(|c| (c.at, std::cmp::Reverse(c.window.len())));
    let mut out: Vec<Finding> = Vec::new();
    let mut i = 0;
    while i < candidates.len() {
        let at = candidates[i].at;
        let same: Vec<&Candidate> = candidates[i..].iter().take_while(|c| c.at == at).collect();
        i += same.len();
        let first = same[0];
        if same.iter().any(|c| c.want != first.want) {
            continue;
        }
        let term: String = terms.terms[first.term].iter().collect();
        let have = chars[at];
        let want = first.want;
        let mut f = Finding::new(
            Code::Typo,
            at..at + 1,
            format!("疑似错别字：“{have}”应为“{want}”（{term}）"),
        );
        f.fixes.push(Fix {
            title: format!("改为“{want}”"),
            edits: vec![Edit {
                range: at..at + 1,
                new_text: want.to_string(),
            }],
        });
        out.push(f);
    }
    out
}

/// The written run, or a 2–4 character stretch through the changed character, is a word.
fn is_written_word(chars: &[char], c: &Candidate) -> bool {
    let word = |r: Range<usize>| dictionary::is_word(&chars[r].iter().collect::<String>());
    if word(c.window.clone()) {
        return true;
    }
    // The language's most frequent single-character words (是、的、在、和、了、有、对 …) are
    // taken as written: 二是大数据 is not 二十大.
    if dictionary::is_frequent_char(chars[c.at]) {
        return true;
    }
    for len in 2..=4usize {
        for s in c.at.saturating_sub(len - 1)..=c.at {
            let e = s + len;
            if e > chars.len() || !chars[s..e].iter().all(|&x| is_cjk(x)) {
                continue;
            }
            if word(s..e) {
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixes(text: &str) -> Vec<(usize, String)> {
        check(text)
            .into_iter()
            .map(|f| (f.range.start, f.fixes[0].edits[0].new_text.clone()))
            .collect()
    }

    #[test]
    fn issue_examples() {
        assert_eq!(fixes("打通了蔬菜的产销赌点。"), vec![(8, "堵".to_owned())]);
        assert_eq!(fixes("全镇种殖业产值"), vec![(3, "植".to_owned())]);
        assert_eq!(fixes("驻村第一书纪带领"), vec![(5, "记".to_owned())]);
        assert_eq!(fixes("如期实现脱贫摘冒。"), vec![(7, "帽".to_owned())]);
        assert_eq!(fixes("新建高标淮农田"), vec![(4, "准".to_owned())]);
        // Common idioms are known terms too.
        assert_eq!(fixes("我们要再接再励。"), vec![(6, "厉".to_owned())]);
        assert!(fixes("他做事兢兢业业，一丝不苟。").is_empty());
    }

    #[test]
    fn real_words_near_terms_are_left_alone() {
        for text in [
            "一是目标精准，二是大数据管理精准高效。",
            "他买了很多第一书籍。",
            "发挥驻村第一书记作用。",
            "全镇种植业和养殖业产值",
            "劳动力富余的村",
            "农户移居城镇",
            "办理公证手续",
            "享有盛誉，闻名全国",
        ] {
            assert!(check(text).is_empty(), "{text}: {:?}", check(text));
        }
    }

    #[test]
    fn sound_and_shape() {
        assert!(sound_alike('赌', '堵'));
        assert!(sound_alike('纪', '记'));
        assert!(!sound_alike('赌', '名'));
        assert!(TERMS.look_alike('殖', '植'));
        // From stroke-similar.txt: one stroke apart.
        assert!(TERMS.look_alike('准', '淮'));
        assert!(TERMS.look_alike('体', '休'));
        assert!(!TERMS.look_alike('体', '名'));
    }

    #[test]
    fn outside_the_bmp() {
        assert_eq!(fixes("😀𠀀种殖业"), vec![(3, "植".to_owned())]);
    }
}
