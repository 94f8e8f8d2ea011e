//! `formulaic-phrase`: sentences made mostly of stock phrases (套话).
//!
//! Stock phrases come from three places:
//!
//! 1. `corpus/stock-phrases.txt`, a curated list of the genre's empty formulas (高度重视,
//!    认真贯彻落实, 以…为抓手 …);
//! 2. phrases that recur across the reference corpus (see [`corpus_phrases`] for the rule);
//! 3. the writer's own list (`extra`).
//!
//! All of them are matched with one Aho–Corasick automaton over normalised text (punctuation,
//! width and case folded away, and the particles 的/地/了 dropped so 取得了明显的成效 still reads as
//! 取得明显成效). A sentence is reported only when stock phrases dominate it: at least
//! [`MIN_DISTINCT`] different phrases covering at least [`MIN_COVERAGE`] of its characters, in a
//! sentence of at least [`MIN_SENTENCE_CHARS`]. Digits count double in the denominator, so a
//! sentence carrying figures needs even more formula to be reported. Writers switch off a noisy
//! check, so the thresholds favour precision.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::builtin;
use crate::checks::{Code, Finding};
use crate::corpus::Corpus;
use crate::normalize::{is_clause_break, is_sentence_end, normalize};

/// Share of a sentence's (weighted) characters that stock phrases must cover.
pub const MIN_COVERAGE: f64 = 0.5;
/// Different stock phrases a reported sentence must contain: one formula is not a pattern.
pub const MIN_DISTINCT: usize = 2;
/// Shorter sentences (normalised chars) are headings or slogans, left alone.
pub const MIN_SENTENCE_CHARS: usize = 8;
/// Longest slot inside a `…` phrase such as 以…为抓手, in normalised chars.
const MAX_SLOT: usize = 12;
/// Phrases named in a message; the rest are summarised.
const MAX_NAMED: usize = 6;

/// Corpus phrases: normalised length bounds of a recurring word run.
const CORPUS_MIN_CHARS: usize = 4;
const CORPUS_MAX_CHARS: usize = 8;
/// Corpus phrases: a run must recur in at least this many essays …
const CORPUS_MIN_ESSAYS: usize = 4;
/// … and in at least this share of them, so a large user corpus needs real recurrence.
const CORPUS_MIN_SHARE: f64 = 0.3;
/// Words that title an essay of the genre; a run containing one is a heading, not a formula.
const TITLE_WORDS: &[&str] = &["心得", "体会", "范文"];
/// Words of an essay title that name the genre, not the topic.
const GENRE_WORDS: &[&str] = &[
    "心得体会",
    "心得",
    "体会",
    "学习",
    "工作",
    "范文",
    "篇",
    "年",
    "第",
    "一",
    "二",
    "三",
    "四",
    "五",
    "六",
    "七",
    "八",
    "九",
    "十",
];

/// Where a stock phrase came from (for tests and debugging; messages do not say).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    List,
    Corpus,
    Extra,
}

#[derive(Debug, Clone)]
struct Phrase {
    /// As written in the list, `…` included: what messages show.
    display: String,
    source: Source,
    /// Has a `…` slot: matched as head + tail.
    gapped: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Whole,
    Head,
    Tail,
}

/// One use of an automaton pattern: pattern strings are shared (以 heads many phrases).
#[derive(Debug, Clone, Copy)]
struct Role {
    phrase: u32,
    part: Part,
}

/// The stock-phrase matcher; build once per corpus and settings, then `check` any number of drafts.
#[derive(Debug, Clone)]
pub struct StockPhrases {
    ac: AhoCorasick,
    /// `roles[pattern id]`.
    roles: Vec<Vec<Role>>,
    phrases: Vec<Phrase>,
    /// How far before a tail its head may start: the slot plus the longest head.
    max_head_span: u32,
}

/// An automaton match in normalised char indices.
#[derive(Debug, Clone, Copy)]
struct Hit {
    start: u32,
    end: u32,
    pattern: u32,
}

/// A phrase occurrence inside one sentence: one or two segments (head and tail of a slot phrase).
#[derive(Debug, Clone, Copy)]
struct Occurrence {
    phrase: u32,
    first: (u32, u32),
    second: Option<(u32, u32)>,
}

impl StockPhrases {
    /// Curated list + recurring corpus phrases + the writer's `extra` phrases.
    pub fn build(corpus: &Corpus, extra: &[String]) -> StockPhrases {
        StockPhrases::with_corpus_phrases(corpus_phrases(corpus), extra)
    }

    /// `build`, with the corpus phrases already known (`corpus_phrases` of the corpus): mining
    /// them needs jieba, which takes a while to load.
    pub fn with_corpus_phrases(corpus_phrases: Vec<String>, extra: &[String]) -> StockPhrases {
        let mut entries: Vec<(String, Source)> = builtin::list("stock-phrases.txt")
            .map(|p| (p.to_owned(), Source::List))
            .collect();
        entries.extend(corpus_phrases.into_iter().map(|p| (p, Source::Corpus)));
        entries.extend(
            extra
                .iter()
                .map(|p| p.trim())
                .filter(|p| !p.is_empty())
                .map(|p| (p.to_owned(), Source::Extra)),
        );
        Self::from_entries(entries)
    }

    fn from_entries(entries: Vec<(String, Source)>) -> StockPhrases {
        let mut phrases: Vec<Phrase> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        let mut patterns: Vec<Vec<u8>> = Vec::new();
        let mut pattern_ids: HashMap<Vec<u8>, usize> = HashMap::new();
        let mut roles: Vec<Vec<Role>> = Vec::new();
        for (text, source) in entries {
            let parts: Vec<Vec<char>> = text
                .split(['…', '⋯'])
                .map(|p| fold(p).0)
                .filter(|p| !p.is_empty())
                .collect();
            let gapped = parts.len() == 2;
            // A phrase needs some substance; a slot phrase exactly one slot.
            let total: usize = parts.iter().map(Vec::len).sum();
            // Phrases outside the BMP cannot be told apart in the two-byte encoding; the genre
            // has none.
            let outside_bmp = parts.iter().flatten().any(|&c| c as u32 > 0xFFFF);
            if parts.is_empty() || parts.len() > 2 || total < 2 || outside_bmp {
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
                gapped,
            });
            for (i, part) in parts.iter().enumerate() {
                let part_kind = match (gapped, i) {
                    (false, _) => Part::Whole,
                    (true, 0) => Part::Head,
                    (true, _) => Part::Tail,
                };
                let bytes = encode(part, TEXT_OUTSIDE_BMP);
                let id = *pattern_ids.entry(bytes.clone()).or_insert_with(|| {
                    patterns.push(bytes);
                    roles.push(Vec::new());
                    patterns.len() - 1
                });
                roles[id].push(Role {
                    phrase,
                    part: part_kind,
                });
            }
        }
        let longest_head = roles
            .iter()
            .zip(&patterns)
            .filter(|(r, _)| r.iter().any(|r| r.part == Part::Head))
            .map(|(_, p)| p.len() / 2)
            .max()
            .unwrap_or(0);
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .expect("stock phrase automaton builds");
        StockPhrases {
            ac,
            roles,
            phrases,
            max_head_span: (MAX_SLOT + longest_head) as u32,
        }
    }

    /// Number of distinct phrases, by source.
    pub fn count(&self, source: Source) -> usize {
        self.phrases.iter().filter(|p| p.source == source).count()
    }

    /// The phrases of one source as written (corpus phrases are computed, so worth listing).
    pub fn phrases_from(&self, source: Source) -> Vec<&str> {
        self.phrases
            .iter()
            .filter(|p| p.source == source)
            .map(|p| p.display.as_str())
            .collect()
    }

    pub fn check(&self, text: &str) -> Vec<Finding> {
        let (chars, origin) = fold(text);
        if chars.len() < MIN_SENTENCE_CHARS {
            return Vec::new();
        }
        let haystack: Vec<u8> = encode(&chars, TEXT_OUTSIDE_BMP);
        let mut hits: Vec<Hit> = Vec::new();
        for m in self.ac.find_overlapping_iter(&haystack[..]) {
            // Two bytes per char: a match off the char grid is not a match of chars.
            if m.start() % 2 != 0 {
                continue;
            }
            hits.push(Hit {
                start: (m.start() / 2) as u32,
                end: (m.end() / 2) as u32,
                pattern: m.pattern().as_u32(),
            });
        }
        if hits.is_empty() {
            return Vec::new();
        }
        hits.sort_by_key(|h| (h.start, h.end));

        let mut findings = Vec::new();
        let mut occurrences: Vec<Occurrence> = Vec::new();
        let mut spans: Vec<(u32, u32)> = Vec::new();
        let mut next_norm = 0usize;
        let mut next_hit = 0usize;
        let text_chars: Vec<char> = text.chars().collect();
        for sentence in sentences(&text_chars) {
            // Normalised chars whose source lies in this sentence (origin is increasing).
            let a = next_norm;
            while next_norm < origin.len() && (origin[next_norm] as usize) < sentence.end {
                next_norm += 1;
            }
            let b = next_norm;
            if b - a < MIN_SENTENCE_CHARS {
                continue;
            }
            while next_hit < hits.len() && (hits[next_hit].start as usize) < a {
                next_hit += 1;
            }
            let first_hit = next_hit;
            let mut last_hit = first_hit;
            while last_hit < hits.len() && (hits[last_hit].start as usize) < b {
                last_hit += 1;
            }
            if last_hit - first_hit < MIN_DISTINCT {
                continue;
            }
            self.occurrences(&hits[first_hit..last_hit], b as u32, &mut occurrences);
            if occurrences.len() < MIN_DISTINCT {
                continue;
            }
            let named = distinct_phrases(&occurrences);
            if named.len() < MIN_DISTINCT || disjoint_count(&occurrences) < MIN_DISTINCT {
                continue;
            }
            spans.clear();
            for o in &occurrences {
                spans.push(o.first);
                spans.extend(o.second);
            }
            let covered = union_len(&mut spans);
            let digits = chars[a..b].iter().filter(|c| c.is_numeric()).count();
            let weighted = (b - a + digits) as f64;
            let coverage = covered as f64 / weighted;
            if coverage < MIN_COVERAGE {
                continue;
            }
            let range = trim_range(&text_chars, sentence);
            if range.is_empty() {
                continue;
            }
            findings.push(Finding::new(
                Code::FormulaicPhrase,
                range,
                self.message(coverage, &named),
            ));
        }
        findings
    }

    /// Phrase occurrences among a sentence's hits (sorted by start; those running past `end`
    /// belong to no sentence): whole phrases, and slot phrases whose head comes shortly before
    /// a tail (the nearest such head).
    fn occurrences(&self, hits: &[Hit], end: u32, out: &mut Vec<Occurrence>) {
        out.clear();
        for (i, hit) in hits.iter().enumerate() {
            if hit.end > end {
                continue;
            }
            for role in &self.roles[hit.pattern as usize] {
                match role.part {
                    Part::Whole => out.push(Occurrence {
                        phrase: role.phrase,
                        first: (hit.start, hit.end),
                        second: None,
                    }),
                    Part::Head => {}
                    Part::Tail => {
                        let head = hits[..i]
                            .iter()
                            .rev()
                            .take_while(|h| h.start + self.max_head_span >= hit.start)
                            .find(|h| {
                                h.end <= hit.start
                                    && (hit.start - h.end) as usize <= MAX_SLOT
                                    && self.roles[h.pattern as usize]
                                        .iter()
                                        .any(|r| r.phrase == role.phrase && r.part == Part::Head)
                            });
                        if let Some(head) = head {
                            out.push(Occurrence {
                                phrase: role.phrase,
                                first: (head.start, head.end),
                                second: Some((hit.start, hit.end)),
                            });
                        }
                    }
                }
            }
        }
        debug_assert!(out
            .iter()
            .all(|o| self.phrases[o.phrase as usize].gapped == o.second.is_some()));
    }

    fn message(&self, coverage: f64, named: &[u32]) -> String {
        let mut list = String::new();
        for (i, &p) in named.iter().take(MAX_NAMED).enumerate() {
            if i > 0 {
                list.push('、');
            }
            list.push_str(&self.phrases[p as usize].display);
        }
        if named.len() > MAX_NAMED {
            list.push_str(&format!(" 等 {} 处", named.len()));
        }
        let percent = (coverage * 100.0).round().min(100.0) as u32;
        format!("套话较多（占 {percent}%）：{list}")
    }
}

/// Phrases that are not just part of a longer matched phrase (贯彻落实 inside 认真贯彻落实), in
/// order of first appearance, each once.
fn distinct_phrases(occurrences: &[Occurrence]) -> Vec<u32> {
    let segments = |o: &Occurrence| std::iter::once(o.first).chain(o.second);
    let mut named: Vec<u32> = Vec::new();
    let mut order: Vec<(u32, u32)> = Vec::new();
    for o in occurrences {
        let swallowed = segments(o).all(|(s, e)| {
            occurrences.iter().any(|other| {
                other.phrase != o.phrase
                    && segments(other).any(|(os, oe)| os <= s && e <= oe && (oe - os) > (e - s))
            })
        });
        if !swallowed && !named.contains(&o.phrase) {
            named.push(o.phrase);
            order.push((o.first.0, o.phrase));
        }
    }
    order.sort();
    order.into_iter().map(|(_, p)| p).collect()
}

/// Most phrase occurrences that can be chosen without sharing a character (interval scheduling
/// by end): 工作思路清晰 holds 工作思路 and 思路清晰, but only one formula's worth of text.
fn disjoint_count(occurrences: &[Occurrence]) -> usize {
    let mut spans: Vec<(u32, u32)> = occurrences
        .iter()
        .map(|o| (o.first.0, o.second.unwrap_or(o.first).1))
        .collect();
    spans.sort_unstable_by_key(|&(s, e)| (e, s));
    let mut count = 0;
    let mut free_from = 0u32;
    for (s, e) in spans {
        if s >= free_from {
            count += 1;
            free_from = e;
        }
    }
    count
}

/// Total length of the union of `spans` (sorted in place).
fn union_len(spans: &mut [(u32, u32)]) -> usize {
    spans.sort_unstable();
    let mut total = 0usize;
    let mut current: Option<(u32, u32)> = None;
    for &(s, e) in spans.iter() {
        match current {
            Some((cs, ce)) if s <= ce => current = Some((cs, ce.max(e))),
            Some((cs, ce)) => {
                total += (ce - cs) as usize;
                current = Some((s, e));
            }
            None => current = Some((s, e)),
        }
    }
    if let Some((cs, ce)) = current {
        total += (ce - cs) as usize;
    }
    total
}

/// Char ranges of sentences: text between sentence ends (。！？；!?; and line breaks), the end
/// mark itself excluded; empty ones skipped.
fn sentences(chars: &[char]) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut start = 0usize;
    let mut i = 0usize;
    std::iter::from_fn(move || {
        while i < chars.len() {
            let c = chars[i];
            i += 1;
            if is_sentence_end(c) {
                let range = start..i - 1;
                start = i;
                if !range.is_empty() {
                    return Some(range);
                }
            }
        }
        let range = start..chars.len();
        start = chars.len();
        (!range.is_empty()).then_some(range)
    })
}

/// `range` without surrounding whitespace, and without closing quotes or brackets at its start
/// (they close the previous sentence: 。” ends a quotation).
fn trim_range(chars: &[char], range: Range<usize>) -> Range<usize> {
    let mut start = range.start;
    let mut end = range.end;
    while start < end && (chars[start].is_whitespace() || is_closing(chars[start])) {
        start += 1;
    }
    while end > start && chars[end - 1].is_whitespace() {
        end -= 1;
    }
    start..end
}

fn is_closing(c: char) -> bool {
    matches!(
        c,
        '”' | '’' | '」' | '』' | '）' | ')' | '】' | '》' | '"' | '\''
    )
}

/// Normalised chars (see `crate::normalize`) without the particles 的/地/了, with source offsets.
fn fold(text: &str) -> (Vec<char>, Vec<u32>) {
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

/// Text chars outside the Basic Multilingual Plane all encode as this (no phrase holds one).
const TEXT_OUTSIDE_BMP: u16 = 0xFFFF;

/// Two bytes per char (UTF-16 code unit, little-endian), so automaton offsets halve into char
/// indices; chars outside the BMP become `outside`.
fn encode(chars: &[char], outside: u16) -> Vec<u8> {
    let mut out = Vec::with_capacity(chars.len() * 2);
    for &c in chars {
        let unit = u16::try_from(c as u32).unwrap_or(outside);
        out.extend_from_slice(&unit.to_le_bytes());
    }
    out
}

/// Recurring phrases of the corpus that are formulas rather than subject matter.
///
/// The rule: segment each essay with jieba (clauses split at punctuation) and take every run of
/// 2–4 consecutive words whose normalised length is 4–8 characters. A run is a corpus stock
/// phrase when
///
/// - it recurs in at least 4 essays and in at least 30 % of them (one author's habit is not the
///   genre's);
/// - it is Han characters only (figures and names are content);
/// - it is predicate-led: its first word is a verb, adjective, adverb or idiom (jieba tags
///   v/a/d/i/l and their sub-tags) other than a copula, modal or degree word (是, 要, 很 …);
///   it does not end with an adverb, such a light word or a function word (preposition,
///   particle, conjunction, pronoun, locative, numeral, measure word). Noun-led
///   runs such as 贫困群众 or 资金使用 name things; formulas such as 全面建成… or 决战决胜 are
///   predicates;
/// - it is not part of a title (contains none of 心得, 体会, 范文);
/// - it contains no topic character: a character found in two or more essay titles once the
///   genre words (心得体会, 学习, 工作, 范文, 篇, 年, numerals) are removed, i.e. 脱/贫/攻/坚 for
///   the built-in corpus. So 打赢脱贫攻坚战 and 脱贫攻坚 itself never become stock phrases: naming the topic
///   is not a formula.
pub fn corpus_phrases(corpus: &Corpus) -> Vec<String> {
    let essays = corpus.essays.len();
    let min_essays = CORPUS_MIN_ESSAYS.max((essays as f64 * CORPUS_MIN_SHARE).ceil() as usize);
    if essays < min_essays {
        return Vec::new();
    }
    let topic = topic_chars(corpus);
    let jieba = crate::segment::jieba();
    let mut counts: HashMap<String, usize> = HashMap::new();
    for essay in &corpus.essays {
        let mut runs: HashSet<String> = HashSet::new();
        for clause in essay
            .text
            .split(|c: char| is_clause_break(c) || !(c.is_alphanumeric()))
            .filter(|c| c.chars().count() >= CORPUS_MIN_CHARS)
        {
            let tags = jieba.tag(clause, true);
            for i in 0..tags.len() {
                if !is_predicate_head(tags[i].tag) || is_light(tags[i].word) {
                    continue;
                }
                let mut run = String::new();
                let mut len = 0;
                for (n, tag) in tags[i..].iter().take(4).enumerate() {
                    len += tag.word.chars().count();
                    run.push_str(tag.word);
                    if len > CORPUS_MAX_CHARS {
                        break;
                    }
                    let ends_well =
                        !is_function(tag.tag) && !tag.tag.starts_with('d') && !is_light(tag.word);
                    if n >= 1 && len >= CORPUS_MIN_CHARS && ends_well {
                        runs.insert(run.clone());
                    }
                }
            }
        }
        for run in runs {
            *counts.entry(run).or_default() += 1;
        }
    }
    let mut phrases: Vec<String> = counts
        .into_iter()
        .filter(|(run, n)| {
            *n >= min_essays
                && run.chars().all(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
                && !run.chars().any(|c| topic.contains(&c))
                && !TITLE_WORDS.iter().any(|w| run.contains(w))
        })
        .map(|(run, _)| run)
        .collect();
    phrases.sort();
    phrases
}

/// Characters of essay titles that name the topic (see [`corpus_phrases`]).
/// Only characters in the titles of two or more essays count: a user's file called 我的草稿 says
/// nothing about the topic.
fn topic_chars(corpus: &Corpus) -> HashSet<char> {
    let mut titles_with: HashMap<char, usize> = HashMap::new();
    for essay in &corpus.essays {
        let mut title = essay.title.clone();
        for word in GENRE_WORDS {
            title = title.replace(word, " ");
        }
        let chars: HashSet<char> = title
            .chars()
            .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
            .collect();
        for c in chars {
            *titles_with.entry(c).or_default() += 1;
        }
    }
    titles_with
        .into_iter()
        .filter(|&(_, n)| n >= 2)
        .map(|(c, _)| c)
        .collect()
}

/// jieba tags that start a predicate: verbs, adjectives, adverbs, idioms, set phrases. Words our
/// own dictionary adds carry no tag; they are stock phrases or terms already and lead nothing.
fn is_predicate_head(tag: &str) -> bool {
    matches!(tag.chars().next(), Some('v' | 'a' | 'd' | 'i' | 'l'))
}

/// Copulas, modals and degree words: tagged as verbs or adverbs, but a run that starts or ends
/// with one is a fragment of a sentence (是另一篇, 要加强), not a formula.
fn is_light(word: &str) -> bool {
    LIGHT_WORDS.contains(&word)
}

const LIGHT_WORDS: &[&str] = &[
    "是", "有", "要", "会", "能", "可", "可以", "应", "应该", "应当", "需", "需要", "必须", "就",
    "都", "也", "还", "又", "再", "很", "更", "最", "太", "不", "没", "没有", "让", "使", "被",
    "给", "来", "去", "说", "做", "到", "已", "已经", "正在", "将",
];

/// Function-word tags: preposition, particle, conjunction, pronoun, locative, numeral, measure
/// word, punctuation and unknowns.
fn is_function(tag: &str) -> bool {
    matches!(
        tag.chars().next(),
        Some('p' | 'u' | 'c' | 'r' | 'f' | 'm' | 'q' | 'x' | 'y' | 'e' | 'o')
    )
}

impl super::Check for StockPhrases {
    fn codes(&self) -> &'static [Code] {
        &[Code::FormulaicPhrase]
    }

    fn check(&self, cx: &super::Context<'_>) -> Vec<Finding> {
        StockPhrases::check(self, cx.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    fn stock() -> &'static StockPhrases {
        static STOCK: OnceLock<StockPhrases> = OnceLock::new();
        STOCK.get_or_init(|| StockPhrases::build(&Corpus::builtin(), &[]))
    }

    fn flagged(stock: &StockPhrases, text: &str) -> Vec<(String, String)> {
        let chars: Vec<char> = text.chars().collect();
        stock
            .check(text)
            .into_iter()
            .map(|f| {
                assert_eq!(f.code, Code::FormulaicPhrase);
                assert_eq!(f.severity, crate::checks::Severity::Information);
                (chars[f.range].iter().collect(), f.message)
            })
            .collect()
    }

    #[test]
    fn the_list_is_large_and_loads_whole() {
        let s = stock();
        assert!(s.count(Source::List) >= 400, "{}", s.count(Source::List));
        let gapped = s.phrases.iter().filter(|p| p.gapped).count();
        assert!(gapped >= 15, "{gapped}");
    }

    #[test]
    fn a_sentence_of_formulas_is_flagged() {
        let text = "总结。 我们要高度重视，认真贯彻落实，切实加强领导，确保取得明显成效。下一句";
        assert_eq!(
            flagged(stock(), text),
            [(
                "我们要高度重视，认真贯彻落实，切实加强领导，确保取得明显成效".to_owned(),
                "套话较多（占 81%）：高度重视、认真贯彻落实、切实加强领导、取得明显成效".to_owned()
            )]
        );
        for text in [
            "各级党组织要高度重视，加强组织领导，形成工作合力，确保各项任务落到实处；",
            "我们要不忘初心、牢记使命，以钉钉子精神狠抓落实，努力开创工作新局面！",
            "以产业发展为抓手，坚持党的领导不动摇，真抓实干，久久为功",
        ] {
            assert_eq!(flagged(stock(), text).len(), 1, "{text}");
        }
    }

    #[test]
    fn particles_and_slots_do_not_hide_formulas() {
        let found = flagged(
            stock(),
            "切实取得了明显的成效，扎实地推进了各项工作落到实处。",
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].1.contains("取得明显成效"), "{found:?}");
        let found = flagged(stock(), "以党建引领为抓手，不断完善体制机制");
        assert!(found[0].1.contains("以…为抓手"), "{found:?}");
    }

    #[test]
    fn concrete_sentences_are_not_flagged() {
        let seed = builtin::text("seed/000_fbe086485b6b6179.txt");
        let line_80 = seed.lines().nth(79).unwrap();
        let sentence = line_80
            .split('。')
            .find(|s| s.contains("该县按地方财政收入增量的20%增列专项扶贫预算"))
            .unwrap();
        assert!(flagged(stock(), sentence).is_empty());
        assert!(flagged(stock(), line_80).is_empty());
        // One formula in a concrete sentence.
        let one = "我们要高度重视农村饮水安全，今年为白河县3个村新修管道12公里。";
        assert!(flagged(stock(), one).is_empty());
        // Overlapping formulas are one formula's worth of text (工作思路 / 思路清晰).
        assert!(flagged(stock(), "二是工作思路清晰超前").is_empty());
    }

    #[test]
    fn naming_the_topic_is_not_a_formula() {
        for text in [
            "脱贫攻坚是一场硬仗，精准扶贫是基本方略。",
            "脱贫攻坚精准扶贫脱贫攻坚精准扶贫脱贫攻坚。",
            "打赢脱贫攻坚战，全面建成小康社会。",
        ] {
            assert!(flagged(stock(), text).is_empty(), "{text}");
        }
        let corpus = stock().phrases_from(Source::Corpus);
        assert!(
            corpus.iter().all(|p| !p.contains(['脱', '贫', '攻', '坚'])),
            "{corpus:?}"
        );
    }

    #[test]
    fn corpus_phrases_are_recurring_predicates_off_topic() {
        let mut corpus = Corpus::default();
        for i in 0..5 {
            corpus.push(
                format!("乡村振兴体会{i}"),
                format!(
                    "第{i}村的乡村振兴战略实施以来，道路建设严重滞后，群众意见很大。\
                     村里开了第{i}次会，讨论新修水渠。"
                ),
                crate::corpus::Origin::File(format!("{i}.txt").into()),
            );
        }
        let phrases = corpus_phrases(&corpus);
        assert!(phrases.contains(&"严重滞后".to_owned()), "{phrases:?}");
        assert!(
            phrases
                .iter()
                .all(|p| !p.contains("振兴") && !p.contains("道路")),
            "{phrases:?}"
        );
        // Recurrence must reach 30 % of a larger corpus.
        for i in 5..20 {
            corpus.push(
                format!("其他{i}"),
                "附件：调查表。".to_owned(),
                crate::corpus::Origin::File(format!("{i}.txt").into()),
            );
        }
        assert!(corpus_phrases(&corpus).is_empty());
    }

    #[test]
    fn extra_phrases_count() {
        let text = "绘就乡村振兴新画卷，谱写共同富裕新篇章";
        assert!(flagged(stock(), text).is_empty());
        let extra = vec!["绘就…新画卷".to_owned(), " ".to_owned()];
        let custom = StockPhrases::build(&Corpus::default(), &extra);
        assert_eq!(custom.count(Source::Extra), 1);
        let found = flagged(&custom, text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].1.contains("绘就…新画卷、谱写…新篇章"), "{found:?}");
    }

    #[test]
    fn only_a_handful_of_seed_sentences_are_flagged() {
        let seed = builtin::text("seed/000_fbe086485b6b6179.txt");
        let chars: Vec<char> = seed.chars().collect();
        let total = sentences(&chars).count();
        let found = flagged(stock(), seed);
        for (sentence, message) in &found {
            eprintln!("{sentence}\n    {message}");
        }
        eprintln!("{} of {total} seed sentences flagged", found.len());
        assert!(found.len() <= 6, "{found:?}");
    }

    #[test]
    fn empty_and_odd_input() {
        for text in [
            "",
            "。。。",
            "\n\r\n",
            "高度重视",
            "𠀀😀高度重视，认真贯彻落实，切实加强领导。",
        ] {
            for f in stock().check(text) {
                assert!(f.range.end <= text.chars().count());
            }
        }
    }

    /// `cargo test --release --lib -- --ignored --nocapture three_checks_on_20000_chars`
    #[test]
    #[ignore = "timing; run in release"]
    fn three_checks_on_20000_chars() {
        use crate::checks::{boilerplate::Boilerplate, placeholder};
        let seed = builtin::text("seed/000_fbe086485b6b6179.txt");
        let draft: String = seed.chars().cycle().take(20_000).collect();
        let stock = stock();
        let boilerplate = Boilerplate::builtin();
        let mut found = 0;
        for _ in 0..20 {
            found = placeholder::check(&draft).len()
                + boilerplate.check(&draft).len()
                + stock.check(&draft).len();
        }
        // Best of many runs: the build machine is shared, and the minimum is what the code costs.
        let time = |f: &dyn Fn() -> usize| {
            let mut best = f64::MAX;
            for _ in 0..300 {
                let start = std::time::Instant::now();
                std::hint::black_box(f());
                best = best.min(start.elapsed().as_secs_f64() * 1000.0);
            }
            best
        };
        let p = time(&|| placeholder::check(&draft).len());
        let b = time(&|| boilerplate.check(&draft).len());
        let f = time(&|| stock.check(&draft).len());
        eprintln!(
            "stock phrase automaton: {} KB",
            stock.ac.memory_usage() / 1024
        );
        eprintln!(
            "20000 chars, {found} findings: placeholder {p:.3} ms, boilerplate {b:.3} ms, \
             formulaic {f:.3} ms, total {:.3} ms",
            p + b + f
        );
    }
}
