//! `typo`: a wrong character in a known term (错别字): 产销赌点 for 产销堵点, 种殖业 for 种植业.
//!
//! Known terms are the built-in glossary (terms, variants, items), the official formulas, the
//! phrase book, the stock phrases and the domain word list (`corpus/domain-words.txt`), cut into
//! runs of three or more Chinese characters. A run of the text that differs from a known term in
//! exactly one character is reported when
//!
//! - the two characters sound alike (the same syllable in their usual readings, tones aside;
//!   crate `pinyin`) or look alike
//!   (`corpus/third-party/same-stroke.txt`, pycorrector's 形近字 table); in a three-character
//!   term only the middle character is considered, and
//! - what is written is not itself a word: neither the run nor any 2–4 character stretch of the
//!   text through the changed character is in jieba's dictionary with a count of 10 or more
//!   (书记/书籍, 富裕/富余 stay
//!   alone), and the run is not itself a known term.
//!
//! Precision comes first. Finding candidates needs no dictionary; jieba's (loaded on a background
//! thread when the analyzer is built) is consulted only for a candidate, so a draft without one
//! never waits for it. The check looks at one line at a time.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use crate::builtin;
use crate::checks::{Code, Context, Edit, Finding, Fix};
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

/// Dictionary words rarer than this do not count as words.
const MIN_WORD_FREQ: usize = 10;

/// The known terms, indexed by each term with one character masked.
pub struct Terms {
    terms: Vec<Vec<char>>,
    /// Term with char `i` replaced by `MASK` → (term, i).
    masked: HashMap<String, Vec<(u32, u8)>>,
    /// Lengths of the terms, for the scan.
    lengths: Vec<usize>,
    /// Every term, to tell a run that is itself a term.
    exact: std::collections::HashSet<String>,
    /// Char → ids of the shape-similar groups it is in.
    shapes: HashMap<char, Vec<u32>>,
}

const MASK: char = '\u{0}';

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

/// The given fields of every entry of the built-in glossary.
pub(crate) fn glossary_fields(keys: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(table) = builtin::text("glossary.toml").parse::<toml::Table>() else {
        return out;
    };
    for entry in table
        .get("term")
        .and_then(|t| t.as_array())
        .into_iter()
        .flatten()
    {
        for &key in keys {
            match entry.get(key) {
                Some(toml::Value::String(s)) => out.push(s.clone()),
                Some(toml::Value::Array(a)) => {
                    out.extend(a.iter().filter_map(|v| v.as_str()).map(str::to_owned))
                }
                _ => {}
            }
        }
    }
    out
}

/// The built-in glossary's numbered formulas: (term, items, origin).
pub(crate) fn glossary_texts_with_names() -> Vec<(String, Vec<String>, Option<String>)> {
    let mut out = Vec::new();
    let Ok(table) = builtin::text("glossary.toml").parse::<toml::Table>() else {
        return out;
    };
    for entry in table
        .get("term")
        .and_then(|t| t.as_array())
        .into_iter()
        .flatten()
    {
        let (Some(term), Some(items)) = (
            entry.get("term").and_then(|t| t.as_str()),
            entry.get("items").and_then(|t| t.as_array()),
        ) else {
            continue;
        };
        let items = items
            .iter()
            .filter_map(|v| v.as_str())
            .map(str::to_owned)
            .collect();
        let origin = entry
            .get("origin")
            .and_then(|o| o.as_str())
            .map(str::to_owned);
        out.push((term.to_owned(), items, origin));
    }
    out
}

/// Whether `a` and `b` are in one group of the shape-similar table.
pub fn shape_alike(a: char, b: char) -> bool {
    TERMS.look_alike(a, b)
}

impl Terms {
    fn builtin() -> Terms {
        let mut texts = glossary_texts();
        for file in [
            "formulas.txt",
            "phrases.txt",
            "stock-phrases.txt",
            "domain-words.txt",
        ] {
            texts.extend(builtin::list(file).map(|l| l.replace('|', "")));
        }
        let shapes = builtin::list("third-party/same-stroke.txt")
            .enumerate()
            .flat_map(|(group, line)| {
                line.split('\t')
                    .filter_map(|c| c.trim().chars().next())
                    .map(move |c| (c, group as u32))
                    .collect::<Vec<_>>()
            })
            .fold(HashMap::<char, Vec<u32>>::new(), |mut map, (c, g)| {
                map.entry(c).or_default().push(g);
                map
            });
        Terms::new(texts.iter().flat_map(|t| han_runs(t)), shapes)
    }

    fn new(runs: impl Iterator<Item = Vec<char>>, shapes: HashMap<char, Vec<u32>>) -> Terms {
        let mut terms: Vec<Vec<char>> = runs.collect();
        terms.sort();
        terms.dedup();
        let mut masked: HashMap<String, Vec<(u32, u8)>> = HashMap::new();
        for (id, term) in terms.iter().enumerate() {
            for i in 0..term.len().min(u8::MAX as usize) {
                masked
                    .entry(masked_key(term, i))
                    .or_default()
                    .push((id as u32, i as u8));
            }
        }
        let mut lengths: Vec<usize> = terms.iter().map(Vec::len).collect();
        lengths.sort_unstable();
        lengths.dedup();
        let exact = terms.iter().map(|t| t.iter().collect()).collect();
        Terms {
            terms,
            masked,
            lengths,
            exact,
            shapes,
        }
    }

    fn look_alike(&self, a: char, b: char) -> bool {
        match (self.shapes.get(&a), self.shapes.get(&b)) {
            (Some(x), Some(y)) => x.iter().any(|g| y.contains(g)),
            _ => false,
        }
    }
}

fn masked_key(chars: &[char], i: usize) -> String {
    chars
        .iter()
        .enumerate()
        .map(|(k, &c)| if k == i { MASK } else { c })
        .collect()
}

static TERMS: LazyLock<Terms> = LazyLock::new(Terms::builtin);

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
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut key = String::new();
    let mut start = 0;
    while start < chars.len() {
        if !is_cjk(chars[start]) {
            start += 1;
            continue;
        }
        let end = (start..chars.len())
            .find(|&k| !is_cjk(chars[k]))
            .unwrap_or(chars.len());
        for &len in &terms.lengths {
            if len > end - start {
                break;
            }
            for s in start..=end - len {
                let window = &chars[s..s + len];
                for i in 0..len {
                    key.clear();
                    key.extend(
                        window
                            .iter()
                            .enumerate()
                            .map(|(k, &c)| if k == i { MASK } else { c }),
                    );
                    let Some(hits) = terms.masked.get(&key) else {
                        continue;
                    };
                    for &(id, pos) in hits {
                        let want = terms.terms[id as usize][pos as usize];
                        // In a three-character term only the middle one: at its edges the
                        // written character too often belongs to the next word (激发其脱贫).
                        let edge = i == 0 || i == len - 1;
                        if want != window[i] && usize::from(pos) == i && !(len == 3 && edge) {
                            candidates.push(Candidate {
                                at: s + i,
                                want,
                                term: id as usize,
                                window: s..s + len,
                            });
                        }
                    }
                }
            }
        }
        start = end;
    }
    if candidates.is_empty() {
        return Vec::new();
    }
    candidates.retain(|c| {
        let have = chars[c.at];
        (sound_alike(have, c.want) || terms.look_alike(have, c.want))
            && !terms
                .exact
                .contains(&chars[c.window.clone()].iter().collect::<String>())
    });
    // Only now the dictionary: the written form must not be a word.
    if !candidates.is_empty() {
        let jieba = crate::segment::jieba();
        candidates.retain(|c| !is_written_word(&chars, c, jieba));
    }
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

/// The written run, or a 2–4 character stretch through the changed character, is a word of the
/// dictionary.
fn is_written_word(chars: &[char], c: &Candidate, jieba: &jieba_rs::Jieba) -> bool {
    let word = |r: Range<usize>| -> bool {
        let s: String = chars[r].iter().collect();
        // jieba's dictionary holds some segmentation debris with a count of 2 or 3 (书纪).
        jieba.has_word(&s) && jieba.suggest_freq(&s) >= MIN_WORD_FREQ
    };
    if word(c.window.clone()) {
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
    }

    #[test]
    fn real_words_near_terms_are_left_alone() {
        for text in [
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
    }

    #[test]
    fn outside_the_bmp() {
        assert_eq!(fixes("😀𠀀种殖业"), vec![(3, "植".to_owned())]);
    }
}
