//! Mining the corpus for stock phrases: word runs that recur across many essays and are
//! predicates, not subject matter (see [`corpus_phrases`]). Needs jieba, so the built-in corpus's
//! result is kept in `corpus/stock-phrases-mined.txt` for checks that run before jieba loads.

use std::collections::{HashMap, HashSet};

use crate::corpus::Corpus;
use crate::normalize::is_clause_break;

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
