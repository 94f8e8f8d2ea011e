//! What the corpus says about a term: in how many essays it occurs, example sentences, and the
//! definitional sentences the essays themselves contain.
//!
//! Everything here runs once, when the glossary is loaded, so that a hover is a lookup.
//! Definitions are recognised by their shape, right after (or, for a list, right before) a
//! glossary term:
//!
//! - `X是指Y` / `X即Y` / `X，就是Y` (the last only when X opens the clause: 抓党建就是抓关键 is
//!   rhetoric, not a definition);
//! - a numbered term followed by `做到A、B、C…`, or by `一是…二是…`, with as many items as
//!   its number says;
//! - `A、B、C…` immediately before a numbered term (创新、协调、绿色、开放、共享五大发展理念),
//!   again with the announced number of items.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use aho_corasick::AhoCorasick;

use super::matcher::{Hit, Matcher, NormText};
use super::{CorpusDefinition, DefinitionKind, Entry, Example};
use crate::corpus::Corpus;
use crate::normalize::{is_clause_break, is_sentence_end, normalize_str};

/// Examples shown per term or word.
pub(crate) const MAX_EXAMPLES: usize = 3;
/// Corpus definitions kept per term.
const MAX_DEFINITIONS: usize = 3;
/// Context kept on each side of the term in an example, in chars.
const SIDE: usize = 30;
/// Longest corpus definition shown, in chars.
const MAX_DEFINITION_CHARS: usize = 150;

/// An essay's text with a sparse char → byte index, so snippets can be cut at hover time
/// without keeping a `Vec<char>` of the whole corpus.
pub(crate) struct EssayText {
    pub title: String,
    text: String,
    /// Byte offset of every `STEP`-th char.
    checkpoints: Vec<usize>,
    len: usize,
}

const STEP: usize = 64;

impl EssayText {
    fn new(title: &str, text: &str) -> EssayText {
        let mut checkpoints = Vec::with_capacity(text.len() / STEP / 2 + 1);
        let mut len = 0;
        for (i, (byte, _)) in text.char_indices().enumerate() {
            if i % STEP == 0 {
                checkpoints.push(byte);
            }
            len = i + 1;
        }
        EssayText {
            title: title.to_owned(),
            text: text.to_owned(),
            checkpoints,
            len,
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        if char_index >= self.len {
            return self.text.len();
        }
        let base = self.checkpoints[char_index / STEP];
        let skip = char_index % STEP;
        self.text[base..]
            .char_indices()
            .nth(skip)
            .map_or(self.text.len(), |(b, _)| base + b)
    }

    fn window(&self, range: Range<usize>) -> Vec<char> {
        self.text[self.byte(range.start)..self.byte(range.end)]
            .chars()
            .collect()
    }
}

/// Where a frequent corpus word occurs: the number of essays, and one place in each of the first
/// few of them.
pub(crate) struct WordUsage {
    pub essay_count: usize,
    occurrences: Vec<Place>,
}

pub(crate) struct Analysis {
    pub essays: Vec<EssayText>,
    pub words: HashMap<String, WordUsage>,
}

/// Fills every entry's corpus fields and builds the table of frequent words.
pub(crate) fn analyse(corpus: &Corpus, entries: &mut [Entry], matcher: &Matcher) -> Analysis {
    let essays: Vec<EssayText> = corpus
        .essays
        .iter()
        .map(|e| EssayText::new(&e.title, &e.text))
        .collect();
    let expected: Vec<Option<usize>> = entries
        .iter()
        .map(|e| {
            // 新发展理念 announces nothing, its variant 五大发展理念 does; `count` says it outright.
            e.count
                .or_else(|| {
                    std::iter::once(&e.term)
                        .chain(&e.variants)
                        .find_map(|form| super::data::expected_item_count(form))
                })
                .filter(|&n| n >= 2)
        })
        .collect();
    let mut places: Vec<Vec<Place>> = vec![Vec::new(); entries.len()];
    let mut words = WordCounter::new(corpus);
    for (id, essay) in corpus.essays.iter().enumerate() {
        let chars: Vec<char> = essay.text.chars().collect();
        let norm = NormText::new(&essay.text);
        let hits = outermost(matcher.find_all(&norm, &chars));
        let shadowed = shadowed(&hits);
        let mut counted = vec![false; entries.len()];
        for (hit, shadowed) in hits.into_iter().zip(shadowed) {
            let entry = &mut entries[hit.entry];
            if !counted[hit.entry] {
                counted[hit.entry] = true;
                entry.essay_count += 1;
            }
            if places[hit.entry].len() < 64 {
                places[hit.entry].push(Place {
                    essay: id,
                    range: hit.range.clone(),
                    shadowed,
                });
            }
            for (kind, text, term, items) in mine(&chars, &hit, expected[hit.entry]) {
                let definition = CorpusDefinition {
                    essay: id,
                    title: essay.title.clone(),
                    kind,
                    text,
                    term,
                    items,
                };
                if masked(&definition.text) {
                    continue;
                }
                let defs = &mut entry.corpus_definitions;
                if defs.len() < MAX_DEFINITIONS && !defs.iter().any(|d| d.text == definition.text) {
                    defs.push(definition);
                }
            }
        }
        words.add(id, &norm);
    }
    for (entry, places) in entries.iter_mut().zip(&places) {
        entry.examples = pick_examples(&essays, places);
        drop_contradicting_definitions(entry);
        // The clearest shapes first: 是指 before 即 before 就是 before lists.
        entry.corpus_definitions.sort_by_key(|d| d.kind);
    }
    Analysis {
        essays,
        words: words.finish(),
    }
}

/// Drops a hit that lies inside another hit of the same entry (两委 inside 村两委).
fn outermost(mut hits: Vec<Hit>) -> Vec<Hit> {
    hits.sort_by(|a, b| {
        (a.entry, a.range.start, std::cmp::Reverse(a.range.end)).cmp(&(
            b.entry,
            b.range.start,
            std::cmp::Reverse(b.range.end),
        ))
    });
    let mut out: Vec<Hit> = Vec::with_capacity(hits.len());
    for hit in hits {
        let inside = out
            .last()
            .is_some_and(|k| k.entry == hit.entry && k.range.end >= hit.range.end);
        if !inside {
            out.push(hit);
        }
    }
    out.sort_by_key(|h| (h.range.start, std::cmp::Reverse(h.range.end)));
    out
}

/// Whether each hit (sorted by start, longest first) lies inside a longer hit of another term:
/// 建档立卡 inside 建档立卡贫困村 is a weaker example of 建档立卡 than the word on its own.
fn shadowed(hits: &[Hit]) -> Vec<bool> {
    let mut furthest = 0;
    hits.iter()
        .enumerate()
        .map(|(i, hit)| {
            let inside = i > 0 && furthest >= hit.range.end;
            furthest = furthest.max(hit.range.end);
            inside
        })
        .collect()
}

/// An occurrence of a term or word in the corpus.
#[derive(Debug, Clone)]
pub(crate) struct Place {
    pub essay: usize,
    pub range: Range<usize>,
    /// Inside a longer glossary term; used as an example only when nothing better exists.
    pub shadowed: bool,
}

/// Up to three example sentences, from different essays first, skipping near-empty ones
/// (headings) and repeats.
pub(crate) fn pick_examples(essays: &[EssayText], places: &[Place]) -> Vec<Example> {
    let mut out: Vec<Example> = Vec::new();
    let mut used: Vec<(usize, usize)> = Vec::new();
    for pass in 0..2 {
        for place in places {
            if out.len() == MAX_EXAMPLES {
                return out;
            }
            let essay = place.essay;
            let first_pass = pass == 0;
            if first_pass && (place.shadowed || out.iter().any(|e| e.essay == essay)) {
                continue;
            }
            // Two hits in one sentence (六个精准 and its spelled-out variant) make one example.
            let near = used
                .iter()
                .any(|&(e, start)| e == essay && start.abs_diff(place.range.start) < SIDE * 2);
            if near {
                continue;
            }
            let example = snippet(&essays[essay], essay, place.range.clone());
            if masked(&example.text) {
                continue;
            }
            let short = example.text.chars().count() < example.term.len() + 8;
            if (first_pass && short) || out.iter().any(|e| e.text == example.text) {
                continue;
            }
            used.push((essay, place.range.start));
            out.push(example);
        }
    }
    out
}

/// Whether a corpus text carries a masked name or placeholder (习**, 习XX, ×××): the scrape
/// hid a name there, and a hover must not show the mask as if it were wording to copy.
pub(crate) fn masked(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    chars.iter().any(|&c| matches!(c, '*' | '＊' | '×' | '✕'))
        || chars
            .windows(2)
            .any(|w| w.iter().all(|&c| matches!(c, 'X' | 'x' | 'Ｘ' | 'ｘ')))
}

/// Drops corpus definitions whose items are not the entry's official items: a county's own
/// "六个精准" (对象、目标、内容 …) must not be shown as what 六个精准 means.
fn drop_contradicting_definitions(entry: &mut Entry) {
    if entry.items.is_empty() {
        return;
    }
    let official: Vec<String> = entry.items.iter().map(|i| normalize_str(i)).collect();
    // An essay may shorten an item (大病集中救治 for 大病集中救治一批); each item must still be
    // part of the official one in the same place, or contain it.
    let agrees = |d: &CorpusDefinition| {
        d.items.len() == official.len()
            && d.items.iter().zip(&official).all(|(item, official)| {
                let item = normalize_str(item);
                official.contains(&item) || item.contains(official.as_str())
            })
    };
    entry
        .corpus_definitions
        .retain(|d| d.items.is_empty() || agrees(d));
}

/// The sentence around `term`, cut to about `SIDE` chars on each side at clause breaks.
fn snippet(essay: &EssayText, id: usize, term: Range<usize>) -> Example {
    let look = SIDE * 3;
    let window_start = term.start.saturating_sub(look);
    let window_end = (term.end + look).min(essay.len);
    let w = essay.window(window_start..window_end);
    let s = term.start - window_start;
    let e = term.end - window_start;

    let mut lead = (0..s)
        .rev()
        .find(|&i| is_sentence_end(w[i]))
        .map_or(0, |i| i + 1);
    let mut cut_lead = lead == 0 && window_start > 0;
    if s - lead > SIDE {
        let from = s - SIDE;
        lead = (from..s)
            .find(|&i| is_clause_break(w[i]))
            .map_or(from, |i| i + 1);
        cut_lead = true;
    }
    let (mut trail, mut cut_trail) = match (e..w.len()).find(|&i| is_sentence_end(w[i])) {
        Some(i) if w[i] == '\n' || w[i] == '\r' => (i, false),
        Some(i) => (i + 1, false),
        None => (w.len(), window_end < essay.len),
    };
    if trail - e > SIDE {
        let to = e + SIDE;
        trail = (e..to).rev().find(|&i| is_clause_break(w[i])).unwrap_or(to);
        cut_trail = true;
    }
    while lead < s && w[lead].is_whitespace() {
        lead += 1;
    }
    while trail > e && w[trail - 1].is_whitespace() {
        trail -= 1;
    }
    let mut text = String::new();
    let mut offset = 0;
    if cut_lead {
        text.push('…');
        offset = 1;
    }
    text.extend(&w[lead..trail]);
    if cut_trail {
        text.push('…');
    }
    Example {
        essay: id,
        title: essay.title.clone(),
        term: s - lead + offset..e - lead + offset,
        text,
    }
}

/// A corpus definition's text and the term's char range in it, cut to a readable length.
fn excerpt(chars: &[char], span: Range<usize>, term: &Range<usize>) -> (String, Range<usize>) {
    let end = span
        .end
        .min(span.start + MAX_DEFINITION_CHARS)
        .max(term.end);
    let mut text: String = chars[span.start..end].iter().collect();
    if end < span.end {
        text.push('…');
    }
    (text, term.start - span.start..term.end - span.start)
}

/// A mined definition: its kind, the text shown, the term's char range in that text, its items.
type Mined = (DefinitionKind, String, Range<usize>, Vec<String>);

const CLOSING: &[char] = &['”', '"', '’', '\'', '」', '』', '》', ')', '）'];
const OPENING: &[char] = &['“', '"', '‘', '\'', '「', '『', '《', '(', '（'];

fn at(chars: &[char], i: usize, pattern: &str) -> bool {
    let mut rest = chars.get(i..).unwrap_or(&[]).iter();
    pattern.chars().all(|p| rest.next() == Some(&p))
}

/// End of the sentence starting the search at `from`: past its final punctuation, before a line
/// break.
fn sentence_end(chars: &[char], from: usize) -> usize {
    match (from..chars.len()).find(|&i| is_sentence_end(chars[i])) {
        Some(i) if chars[i] == '\n' || chars[i] == '\r' => i,
        Some(i) => i + 1,
        None => chars.len(),
    }
}

/// Does the term at `start` open its clause (nothing but quotes between it and a break)?
fn opens_clause(chars: &[char], start: usize) -> bool {
    let mut i = start;
    while i > 0 && OPENING.contains(&chars[i - 1]) {
        i -= 1;
    }
    i == 0 || is_clause_break(chars[i - 1]) || chars[i - 1].is_whitespace()
}

fn split_items(chars: &[char]) -> Vec<String> {
    chars
        .split(|&c| c == '、')
        .map(|item| item.iter().collect::<String>().trim().to_owned())
        .collect()
}

fn plausible_items(items: &[String], n: Option<usize>) -> bool {
    n == Some(items.len())
        && items
            .iter()
            .all(|i| (1..=20).contains(&i.chars().count()) && !i.contains(['，', ',', '。']))
}

/// Definitional sentences around one occurrence: (kind, span shown, term range, items).
fn mine(chars: &[char], hit: &Hit, n: Option<usize>) -> Vec<Mined> {
    let mut out = Vec::new();
    let term = hit.range.clone();
    // Shown from the opening quote, if the corpus quotes the term (“六个精准”要求…).
    let mut shown = term.start;
    while shown > 0 && OPENING.contains(&chars[shown - 1]) {
        shown -= 1;
    }
    let mut p = term.end;
    while p < chars.len() && CLOSING.contains(&chars[p]) {
        p += 1;
    }

    if at(chars, p, "是指") {
        let end = sentence_end(chars, p + 2);
        let (text, range) = excerpt(chars, shown..end, &term);
        out.push((DefinitionKind::Means, text, range, Vec::new()));
    } else if at(chars, p, "即")
        && !chars
            .get(p + 1)
            .is_some_and(|c| "使将可便时刻".contains(*c))
    {
        let body = p + 1;
        // A list (A、B、C) ends at the first break that is not a list comma.
        let mut stop = body;
        let mut listed = false;
        while stop < chars.len() && !is_sentence_end(chars[stop]) {
            let c = chars[stop];
            if c == '、' {
                listed = true;
            } else if listed && is_clause_break(c) {
                break;
            }
            stop += 1;
        }
        let items = if listed {
            split_items(&chars[body..stop])
        } else {
            Vec::new()
        };
        let items = if plausible_items(&items, n) {
            items
        } else {
            Vec::new()
        };
        let end = if stop < chars.len() && is_sentence_end(chars[stop]) {
            sentence_end(chars, stop)
        } else {
            stop
        };
        if stop > body {
            let (text, range) = excerpt(chars, shown..end, &term);
            out.push((DefinitionKind::Namely, text, range, items));
        }
    } else if (at(chars, p, "就是")
        || (matches!(chars.get(p), Some('，' | ',')) && at(chars, p + 1, "就是")))
        && opens_clause(chars, term.start)
    {
        let end = sentence_end(chars, p + 2);
        let (text, range) = excerpt(chars, shown..end, &term);
        out.push((DefinitionKind::IsExactly, text, range, Vec::new()));
    }

    if n.is_some() {
        if let Some(found) = spelled_out(chars, &term, shown, p, n) {
            out.push(found);
        }
        if let Some(found) = listed_before(chars, &term, n) {
            out.push(found);
        }
        if let Some(found) = enumerated_after(chars, &term, p, n) {
            out.push(found);
        }
    }
    out
}

/// `X…做到A、B、C` with as many items as X announces.
fn spelled_out(
    chars: &[char],
    term: &Range<usize>,
    shown: usize,
    p: usize,
    n: Option<usize>,
) -> Option<Mined> {
    let limit = sentence_end(chars, p).min(p + 10);
    let marker = (p..limit).find(|&i| at(chars, i, "做到"))?;
    let body = marker + 2;
    let stop = (body..chars.len())
        .find(|&i| is_clause_break(chars[i]) && chars[i] != '、')
        .unwrap_or(chars.len());
    let items = split_items(&chars[body..stop]);
    if !plausible_items(&items, n) {
        return None;
    }
    let end = if stop < chars.len() && is_sentence_end(chars[stop]) {
        sentence_end(chars, stop)
    } else {
        stop
    };
    let (text, range) = excerpt(chars, shown..end, term);
    Some((DefinitionKind::SpelledOut, text, range, items))
}

/// `A、B、C` directly before X, with as many items as X announces. The first item may carry the
/// verb that introduces the list (突出了对象、目标…); it is cut to the length of the others.
fn listed_before(chars: &[char], term: &Range<usize>, n: Option<usize>) -> Option<Mined> {
    let mut segments: Vec<Range<usize>> = Vec::new();
    let mut i = term.start;
    loop {
        let end = i;
        while i > 0 && chars[i - 1].is_alphanumeric() {
            i -= 1;
        }
        if i == end {
            return None;
        }
        segments.push(i..end);
        if i > 0 && chars[i - 1] == '、' {
            i -= 1;
        } else {
            break;
        }
    }
    segments.reverse();
    if segments.len() < 2 {
        return None;
    }
    // 领导苦抓、干部苦帮、群众苦干的三苦精神: the 的 belongs to neither item nor term.
    let last = segments.len() - 1;
    if segments[last].len() > 1 && chars[segments[last].end - 1] == '的' {
        segments[last].end -= 1;
    }
    let longest_other = segments[1..].iter().map(|r| r.len()).max().unwrap_or(0);
    let first = &mut segments[0];
    if first.len() > longest_other {
        first.start = first.end - longest_other;
    }
    let items: Vec<String> = segments
        .iter()
        .map(|r| chars[r.clone()].iter().collect())
        .collect();
    if !plausible_items(&items, n) || items.iter().any(|i| i.chars().count() > 8) {
        return None;
    }
    let start = segments[0].start;
    let (text, range) = excerpt(chars, start..term.end, term);
    Some((DefinitionKind::Listed, text, range, items))
}

const ORDINALS: [char; 10] = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/// `X……一是A，……二是B，……` within the next sentences, with as many points as X announces.
/// The text shown is composed: X：一是A；二是B；….
fn enumerated_after(
    chars: &[char],
    term: &Range<usize>,
    p: usize,
    n: Option<usize>,
) -> Option<Mined> {
    let n = n.filter(|&n| n <= ORDINALS.len())?;
    // The points must be about X alone: 三包、四扶、五保障的措施……一是 lists all three.
    let close = (p..chars.len().min(p + 20))
        .find(|&i| is_sentence_end(chars[i]) || matches!(chars[i], '：' | ':'))?;
    if chars[p..close].contains(&'、') {
        return None;
    }
    let opens = |i: usize, k: usize, verb: char| {
        chars.get(i) == Some(&ORDINALS[k])
            && chars.get(i + 1) == Some(&verb)
            && (i == 0 || !ORDINALS.contains(&chars[i - 1]))
    };
    let first = (p..chars.len().min(p + 60)).find(|&i| opens(i, 0, '是') || opens(i, 0, '要'))?;
    let verb = chars[first + 1];
    let mut items = Vec::with_capacity(n);
    let mut at_point = first;
    for k in 0..n {
        if k > 0 {
            at_point =
                (at_point + 2..chars.len().min(at_point + 800)).find(|&i| opens(i, k, verb))?;
        }
        let body = at_point + 2;
        let stop = (body..chars.len())
            .find(|&i| is_clause_break(chars[i]) && chars[i] != '、')
            .unwrap_or(chars.len());
        items.push(
            chars[body..stop]
                .iter()
                .collect::<String>()
                .trim()
                .to_owned(),
        );
    }
    // One point more than announced means the list is about something else.
    if n < ORDINALS.len() {
        let beyond = chars.len().min(at_point + 800);
        if (at_point + 2..beyond).any(|i| opens(i, n, verb)) {
            return None;
        }
    }
    if items.iter().any(|i| i.is_empty() || i.chars().count() > 40) {
        return None;
    }
    let name: String = chars[term.clone()].iter().collect();
    let mut text = format!("{name}：");
    for (k, item) in items.iter().enumerate() {
        if k > 0 {
            text.push('；');
        }
        text.push(ORDINALS[k]);
        text.push(verb);
        text.push_str(item);
    }
    text.push('。');
    let term_len = term.len();
    Some((DefinitionKind::Enumerated, text, 0..term_len, items))
}

/// Function words and fillers that never get a corpus-usage hover, however frequent.
const STOP_WORDS: &[&str] = &[
    "我们",
    "你们",
    "他们",
    "她们",
    "它们",
    "自己",
    "大家",
    "咱们",
    "这个",
    "那个",
    "这些",
    "那些",
    "这样",
    "那样",
    "这种",
    "那种",
    "这里",
    "那里",
    "这是",
    "那是",
    "什么",
    "怎么",
    "怎样",
    "如何",
    "为什么",
    "因为",
    "所以",
    "但是",
    "可是",
    "而且",
    "并且",
    "或者",
    "还是",
    "如果",
    "虽然",
    "即使",
    "只有",
    "只要",
    "不仅",
    "而是",
    "以及",
    "以便",
    "以后",
    "以前",
    "之后",
    "之前",
    "之间",
    "其中",
    "其他",
    "其它",
    "一个",
    "一些",
    "一下",
    "一种",
    "一样",
    "一直",
    "一定",
    "已经",
    "正在",
    "还要",
    "也是",
    "就是",
    "都是",
    "不是",
    "没有",
    "可以",
    "能够",
    "应该",
    "需要",
    "必须",
    "进行",
    "通过",
    "对于",
    "关于",
    "根据",
    "按照",
    "由于",
    "为了",
    "作为",
    "成为",
    "认为",
    "觉得",
    "看到",
    "知道",
    "同时",
    "然后",
    "不断",
    "更加",
    "非常",
    "十分",
    "特别",
    "尤其",
    "切实",
    "进一步",
    "一方面",
    "另一方面",
    "方面",
    "问题",
    "工作",
    "情况",
    "实现",
    "提高",
    "加强",
    "推进",
    "开展",
    "坚持",
    "我国",
    "全国",
    "目前",
    "当前",
    "现在",
    "今年",
    "去年",
    "近年",
    "多年",
    "有的",
    "有些",
    "还有",
    "只是",
    "就要",
    "要求",
    "得到",
    "出来",
    "起来",
    "下去",
    "上去",
    "之所以",
    "不能",
    "不会",
    "一起",
    "一是",
    "二是",
    "三是",
    "四是",
    "五是",
    "一要",
    "二要",
    "三要",
    "四要",
];

fn is_content_word(word: &str) -> bool {
    let chars: Vec<char> = word.chars().collect();
    chars.len() >= 2
        && chars.iter().all(|c| c.is_alphanumeric())
        && chars.iter().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
        && !STOP_WORDS.contains(&word)
}

/// Counts, essay by essay, where the corpus's content words occur. The vocabulary is jieba's
/// cut of the corpus; occurrences are substrings of the normalised essays, so that 扶贫 inside
/// 精准扶贫 counts too.
struct WordCounter {
    vocabulary: Vec<String>,
    automaton: Option<AhoCorasick>,
    usage: Vec<WordUsage>,
    last_essay: Vec<usize>,
}

impl WordCounter {
    fn new(corpus: &Corpus) -> WordCounter {
        let mut vocabulary: Vec<String> = corpus
            .essays
            .iter()
            .flat_map(|e| crate::segment::words(&e.text))
            .filter(|(_, w)| is_content_word(w))
            .map(|(_, w)| normalize_str(w))
            .collect::<HashSet<String>>()
            .into_iter()
            .collect();
        // Sorted so that pattern ids, and with them the hovers, do not vary between runs.
        vocabulary.sort_unstable();
        let automaton = (!vocabulary.is_empty())
            .then(|| AhoCorasick::new(&vocabulary).expect("word patterns build an automaton"));
        let usage = (0..vocabulary.len())
            .map(|_| WordUsage {
                essay_count: 0,
                occurrences: Vec::new(),
            })
            .collect();
        let last_essay = vec![usize::MAX; vocabulary.len()];
        WordCounter {
            vocabulary,
            automaton,
            usage,
            last_essay,
        }
    }

    fn add(&mut self, id: usize, norm: &NormText) {
        let Some(automaton) = &self.automaton else {
            return;
        };
        for m in automaton.find_overlapping_iter(&norm.text) {
            let p = m.pattern().as_usize();
            if self.last_essay[p] == id {
                continue;
            }
            let Some(range) = norm.contiguous_source(m.range()) else {
                continue;
            };
            self.last_essay[p] = id;
            let u = &mut self.usage[p];
            u.essay_count += 1;
            if u.occurrences.len() < MAX_EXAMPLES * 2 {
                u.occurrences.push(Place {
                    essay: id,
                    range,
                    shadowed: false,
                });
            }
        }
    }

    /// Words found in at least two essays.
    fn finish(self) -> HashMap<String, WordUsage> {
        self.vocabulary
            .into_iter()
            .zip(self.usage)
            .filter(|(_, u)| u.essay_count >= 2)
            .collect()
    }
}

impl WordUsage {
    pub fn examples(&self, essays: &[EssayText]) -> Vec<Example> {
        pick_examples(essays, &self.occurrences)
    }
}
