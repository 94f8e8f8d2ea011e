//! Judging sentences and paragraphs: how much of a sentence is filler, how much information.
//!
//! Each sentence's folded characters are marked from the automaton's hits: neutral (a formula,
//! an official name, a glossary term), stock phrase, empty word (two chars or more), function
//! word (one char). What no list covers is possible information, and so are quantities (a digit,
//! a numeral with a measure word), book titles 《…》, quoted names “…” that no list covers, and
//! programme names (uncovered words before 工程, 行动 …). A quotation (quoted speech, with a
//! clause in it) is set aside like a formula.
//! With neutral text set aside, a sentence is empty when
//!
//! - it carries no quantity, title or quoted name,
//! - at most [`MAX_RESIDUAL`] of it is left uncovered, plus [`STOCK_WEIGHT`] times the share
//!   that stock phrases fill, and
//! - stock phrases and empty words (not just function words) cover at least [`MIN_FILLER`].
//!
//! A paragraph (a line: the genre writes one paragraph a line, and a finding must depend on its
//! line alone for the per-line cache) is reported when at least [`PARAGRAPH_MIN_EMPTY`] of its
//! sentences are empty and they make up at least [`PARAGRAPH_SHARE`] of it.

use std::ops::Range;

use super::lexicon::{fold, Hit, Lexicon, Part, Role, MAX_SLOT};
use crate::checks::{Code, Finding, Place, Related};
use crate::text::is_statement_end;

/// Sentences with fewer chars than this once neutral text is set aside (headings, slogans, a
/// formula on its own) are not judged.
pub const MIN_CONTENT: usize = 6;
/// Largest share of a sentence's chars that no list covers in an empty sentence.
pub const MAX_RESIDUAL: f64 = 0.25;
/// How much more uncovered text a sentence may hold per share of it that stock phrases fill.
pub const STOCK_WEIGHT: f64 = 0.3;
/// Smallest share of a sentence's chars covered by stock phrases and empty words (function
/// words alone make no 套话: 我们也在这里).
pub const MIN_FILLER: f64 = 0.5;
/// A paragraph is reported when empty sentences make up this share of its chars …
pub const PARAGRAPH_SHARE: f64 = 0.6;
/// … and there are at least this many.
pub const PARAGRAPH_MIN_EMPTY: usize = 2;
/// Shortest formula item (folded chars) whose spelling-out cites the formula: 扶持对象精准 does,
/// 获得感 is a word.
const MIN_CITED_ITEM: u32 = 4;
/// Items of one formula that cite it whatever their length …
const MIN_CITED_ITEMS: usize = 3;
/// … or, fewer, their total length in folded chars.
const MIN_CITED_CHARS: u32 = 10;
/// How many folded chars before a programme's name ending may hold its uncovered name.
const PROGRAMME_WINDOW: usize = 6;
/// Phrases named in a message; the rest are summarised.
const MAX_NAMED: usize = 5;
/// Chinese numerals: with a measure word after them they make a quantity.
const NUMERALS: &[char] = &[
    '零', '〇', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '百', '千', '万', '亿',
    '两', '半',
];

/// A formula or official name.
const FORMULA: u8 = 1;
/// A glossary policy or slogan.
const TOPIC: u8 = 16;
/// Neither filler nor information.
const NEUTRAL: u8 = FORMULA | TOPIC;
const STOCK: u8 = 2;
const WORD: u8 = 4;
const FUNCTION: u8 = 8;

/// The verdict on one sentence.
struct Judged {
    /// Chars that count (neutral text set aside).
    content: usize,
    /// Some: the sentence is empty; what to name.
    empty: Option<Empty>,
}

/// What makes an empty sentence empty, for its message.
enum Empty {
    /// Stock phrases (frames, set phrases) it is built of.
    Stock(Vec<String>),
    /// No stock phrase: the longest of its abstract words.
    Abstract(Vec<String>),
}

/// Sentence and paragraph findings for `text`.
pub(super) fn check(lex: &Lexicon, text: &str) -> Vec<Finding> {
    let (chars, origin) = fold(text);
    if chars.len() < MIN_CONTENT {
        return Vec::new();
    }
    let hits = lex.hits(&chars);
    let text_chars: Vec<char> = text.chars().collect();
    let mut findings = Vec::new();
    let mut cursor = Cursor::default();
    let mut line_start = 0;
    while line_start <= text_chars.len() {
        let line_end = text_chars[line_start..]
            .iter()
            .position(|&c| c == '\n')
            .map_or(text_chars.len(), |p| line_start + p);
        let mut total = 0;
        let mut empty_chars = 0;
        let mut empty_sentences: Vec<Range<usize>> = Vec::new();
        let mut judged = 0;
        let line = line_start..line_end;
        let heading = is_heading(&text_chars[line.clone()]);
        for sentence in
            sentences(&text_chars, line).filter(|s| !heading && !is_point(&text_chars[s.clone()]))
        {
            let (a, b) = cursor.folded(&origin, &sentence);
            let verdict = judge(lex, &chars, &origin, &text_chars, &hits, &mut cursor, a, b);
            total += verdict.content;
            judged += usize::from(verdict.content >= MIN_CONTENT);
            let Some(named) = verdict.empty else {
                continue;
            };
            let range = trim_range(&text_chars, sentence);
            if range.is_empty() {
                continue;
            }
            empty_chars += verdict.content;
            empty_sentences.push(range.clone());
            findings.push(Finding::new(
                Code::FormulaicPhrase,
                range,
                sentence_message(&named),
            ));
        }
        if empty_sentences.len() >= PARAGRAPH_MIN_EMPTY
            && empty_chars as f64 >= PARAGRAPH_SHARE * total as f64
        {
            let range = trim_range(&text_chars, line_start..line_end);
            let percent = (empty_chars as f64 * 100.0 / total.max(1) as f64).round() as u32;
            let mut finding = Finding::new(
                Code::FormulaicPhrase,
                range,
                format!(
                    "本段多为套话：{judged} 句中 {} 句空泛，占本段 {percent}%。可删去空话，\
                     补上本段要讲的具体做法、事例或数字",
                    empty_sentences.len()
                ),
            );
            finding.related = empty_sentences
                .into_iter()
                .map(|r| Related {
                    place: Place::Draft(r),
                    message: "空泛的句子".to_owned(),
                })
                .collect();
            findings.push(finding);
        }
        line_start = line_end + 1;
    }
    findings
}

/// Where the scan is: the next folded char and the next hit (both only move forward).
#[derive(Default)]
struct Cursor {
    norm: usize,
    hit: usize,
}

impl Cursor {
    /// Folded chars whose source lies in `sentence` (origin is increasing).
    fn folded(&mut self, origin: &[u32], sentence: &Range<usize>) -> (usize, usize) {
        while self.norm < origin.len() && (origin[self.norm] as usize) < sentence.start {
            self.norm += 1;
        }
        let a = self.norm;
        while self.norm < origin.len() && (origin[self.norm] as usize) < sentence.end {
            self.norm += 1;
        }
        (a, self.norm)
    }
}

/// The verdict on the folded chars `a..b`.
#[allow(clippy::too_many_arguments)]
fn judge(
    lex: &Lexicon,
    chars: &[char],
    origin: &[u32],
    text: &[char],
    hits: &[Hit],
    cursor: &mut Cursor,
    a: usize,
    b: usize,
) -> Judged {
    while cursor.hit < hits.len() && (hits[cursor.hit].start as usize) < a {
        cursor.hit += 1;
    }
    let first = cursor.hit;
    let mut last = first;
    while last < hits.len() && (hits[last].start as usize) < b {
        last += 1;
    }
    let n = b - a;
    if n < MIN_CONTENT {
        return Judged {
            content: n,
            empty: None,
        };
    }
    let hits = &hits[first..last];
    let mut mask = vec![0u8; n];
    let mut mark = |s: u32, e: u32, bit: u8| {
        for m in &mut mask[s as usize - a..e as usize - a] {
            *m |= bit;
        }
    };
    let mut stock: Vec<Occurrence> = Vec::new();
    let mut words: Vec<(u32, u32, u32)> = Vec::new();
    let mut measures: Vec<u32> = Vec::new();
    let mut suffixes: Vec<(u32, u32)> = Vec::new();
    let mut programmes: Vec<u32> = Vec::new();
    let mut named: Vec<(u32, u32)> = Vec::new();
    let mut items: Vec<(u32, u32, u32)> = Vec::new();
    let mut terms: Vec<(u32, u32)> = Vec::new();
    for (i, hit) in hits.iter().enumerate() {
        if hit.end as usize > b {
            continue;
        }
        for role in lex.roles(hit.pattern) {
            match *role {
                Role::Neutral => {
                    mark(hit.start, hit.end, FORMULA);
                    terms.push((hit.start, hit.end));
                }
                Role::Topic => {
                    mark(hit.start, hit.end, TOPIC);
                    terms.push((hit.start, hit.end));
                }
                Role::Empty(w) if hit.end - hit.start >= 2 => {
                    mark(hit.start, hit.end, WORD);
                    words.push((hit.start, hit.end, w));
                }
                Role::Empty(_) => mark(hit.start, hit.end, FUNCTION),
                Role::Measure => measures.push(hit.start),
                Role::Suffix => suffixes.push((hit.start, hit.end)),
                Role::Programme => programmes.push(hit.start),
                Role::Named => named.push((hit.start, hit.end)),
                Role::Item(formula) => {
                    mark(hit.start, hit.end, FORMULA);
                    items.push((formula, hit.start, hit.end));
                }
                Role::Stock {
                    phrase,
                    part: Part::Whole,
                } => stock.push(Occurrence {
                    phrase,
                    first: (hit.start, hit.end),
                    second: None,
                }),
                Role::Stock {
                    part: Part::Head, ..
                } => {}
                Role::Stock {
                    phrase,
                    part: Part::Tail,
                } => {
                    if let Some(head) = head_of(lex, &hits[..i], hit, phrase) {
                        stock.push(Occurrence {
                            phrase,
                            first: (head.start, head.end),
                            second: Some((hit.start, hit.end)),
                        });
                    }
                }
            }
        }
    }
    for o in &stock {
        mark(o.first.0, o.first.1, STOCK);
        if let Some((s, e)) = o.second {
            mark(s, e, STOCK);
        }
    }
    for i in a..b {
        for role in lex.single(chars[i]) {
            match *role {
                Role::Empty(_) => mask[i - a] |= FUNCTION,
                Role::Measure => measures.push(i as u32),
                Role::Suffix => suffixes.push((i as u32, i as u32 + 1)),
                _ => {}
            }
        }
    }
    // A quotation (quoted text with a clause in it: 习近平总书记指出，“…，…”) is cited wording,
    // neither filler nor information, like a formula; a quoted name (“土专家”) is information.
    let (from, to) = source_span(origin, text, a, b);
    for q in quoted(&text[from..to], from) {
        if is_quotation(&text[q.clone()]) {
            for i in a..b {
                if q.contains(&(origin[i] as usize)) {
                    mask[i - a] |= FORMULA;
                }
            }
        }
    }
    let content = mask.iter().filter(|&&m| m & NEUTRAL == 0).count();
    let not_empty = Judged {
        content,
        empty: None,
    };
    if content < MIN_CONTENT {
        return not_empty;
    }
    let residual = mask.iter().filter(|&&m| m == 0).count();
    let filler = mask
        .iter()
        .filter(|&&m| m & NEUTRAL == 0 && m & (STOCK | WORD) != 0)
        .count();
    let stock_chars = mask
        .iter()
        .filter(|&&m| m & NEUTRAL == 0 && m & STOCK != 0)
        .count();
    // Weigh both sides: the more of the sentence stock phrases fill, the more unknown words it
    // takes to make it informative.
    let allowed = MAX_RESIDUAL + STOCK_WEIGHT * stock_chars as f64 / content as f64;
    if residual as f64 > allowed * content as f64 || (filler as f64) < MIN_FILLER * content as f64 {
        return not_empty;
    }
    // Items of one numbered formula spelled out (not as part of its name, 获得感、幸福感、安全感),
    // each long enough to be a clause of it: three of them, or two long ones (扶持对象精准、项目
    // 安排精准), cite its content. Two short ones are the genre's pairing (反对形式主义、官僚主义).
    let mut cited: Vec<(u32, u32)> = items
        .iter()
        .filter(|&&(_, s, e)| {
            e - s >= MIN_CITED_ITEM
                && !terms
                    .iter()
                    .any(|&(ts, te)| ts <= s && e <= te && te - ts > e - s)
        })
        .map(|&(formula, s, e)| (formula, e - s))
        .collect();
    cited.sort_unstable_by_key(|&(formula, _)| formula);
    if cited.chunk_by(|x, y| x.0 == y.0).any(|run| {
        run.len() >= MIN_CITED_ITEMS || (run.len() == 2 && run[0].1 + run[1].1 >= MIN_CITED_CHARS)
    }) {
        return not_empty;
    }
    let marks = Marks {
        mask: &mask,
        a,
        measures: &measures,
        suffixes: &suffixes,
        programmes: &programmes,
        named: &named,
    };
    if marks.has_information(chars, origin, text) {
        return not_empty;
    }
    let mut named: Vec<String> = Vec::new();
    for p in distinct_phrases(&stock) {
        let display = &lex.phrase(p).display;
        if !named.contains(display) {
            named.push(display.clone());
        }
    }
    let empty = if !named.is_empty() {
        Empty::Stock(named)
    } else {
        // No stock phrase: name the longest of its abstract words, in order.
        let mut longest: Vec<(usize, &String)> = Vec::new();
        for w in outermost_words(&words) {
            let display = &lex.words()[w as usize];
            if !longest.iter().any(|(_, d)| *d == display) {
                longest.push((longest.len(), display));
            }
        }
        longest.sort_by_key(|(i, w)| (std::cmp::Reverse(w.chars().count()), *i));
        longest.truncate(MAX_NAMED);
        longest.sort();
        Empty::Abstract(longest.into_iter().map(|(_, w)| w.clone()).collect())
    };
    Judged {
        content,
        empty: Some(empty),
    }
}

/// What a sentence's hits marked, for `has_information`.
struct Marks<'m> {
    /// Per folded char of the sentence (from `a`): NEUTRAL | STOCK | WORD | FUNCTION bits.
    mask: &'m [u8],
    a: usize,
    /// Starts of measure words.
    measures: &'m [u32],
    /// Place and unit name endings.
    suffixes: &'m [(u32, u32)],
    /// Starts of programme name endings.
    programmes: &'m [u32],
    /// Named glossary terms.
    named: &'m [(u32, u32)],
}

impl Marks<'_> {
    /// Covered by a formula, a stock phrase or an empty word.
    fn blocked(&self, i: usize) -> bool {
        self.mask[i - self.a] & (FORMULA | STOCK | WORD) != 0
    }

    fn uncovered(&self, i: usize) -> bool {
        self.mask[i - self.a] == 0
    }

    /// Uncovered, or only part of a glossary policy or slogan.
    fn open(&self, i: usize) -> bool {
        self.mask[i - self.a] & !TOPIC == 0
    }

    /// Quantities, names, titles and quoted names: a digit no list covers, a numeral before a
    /// measure word (other than a bare 一, unless it is an ordinal 第一; also inside a glossary
    /// policy: 七项专项行动), a named glossary term outside formulas, two uncovered chars before
    /// a place or unit ending (灵台县), 《…》, or quoted text that is uncovered or a glossary
    /// policy or slogan (“土专家”).
    fn has_information(&self, chars: &[char], origin: &[u32], text: &[char]) -> bool {
        let (a, b) = (self.a, self.a + self.mask.len());
        if (a..b).any(|i| self.open(i) && chars[i].is_numeric()) {
            return true;
        }
        for &m in self.measures {
            let end = m as usize;
            let mut start = end;
            while start > a
                && (NUMERALS.contains(&chars[start - 1]) || chars[start - 1].is_numeric())
            {
                start -= 1;
            }
            if start == end || (start..end).any(|i| self.blocked(i)) {
                continue;
            }
            let ordinal = start > a && chars[start - 1] == '第';
            if end - start > 1 || chars[start] != '一' || ordinal {
                return true;
            }
        }
        let neutral = |i: usize| self.mask[i - a] & NEUTRAL != 0;
        if self
            .named
            .iter()
            .any(|&(s, e)| (s as usize..e as usize).any(|i| !neutral(i)))
        {
            return true;
        }
        for &(s, e) in self.suffixes {
            let (s, e) = (s as usize, e as usize);
            // An official name may start at the ending (灵台县委: a county's committee).
            if (s..e).any(|i| self.mask[i - a] & (STOCK | WORD) != 0) {
                continue;
            }
            let before = (a..s).rev().take_while(|&i| self.uncovered(i)).count();
            if before >= 2 {
                return true;
            }
        }
        // A programme's name: uncovered words shortly before its ending (整村推进工程), the
        // ending itself no part of a stock phrase.
        for &p in self.programmes {
            let p = p as usize;
            if self.mask[p - a] & STOCK != 0 {
                continue;
            }
            let window = p.saturating_sub(PROGRAMME_WINDOW).max(a)..p;
            if window.filter(|&i| self.uncovered(i)).count() >= 2 {
                return true;
            }
        }
        let (from, to) = source_span(origin, text, a, b);
        let source = &text[from..to];
        if source.contains(&'《') {
            return true;
        }
        let quotes = quoted(source, from);
        !quotes.is_empty()
            && (a..b)
                .any(|i| self.open(i) && quotes.iter().any(|q| q.contains(&(origin[i] as usize))))
    }
}

/// The source chars of the folded chars `a..b`, with the closing marks right after them (the
/// last word of a sentence may be quoted: 推行了“首违不罚”。).
fn source_span(origin: &[u32], text: &[char], a: usize, b: usize) -> (usize, usize) {
    let from = origin[a] as usize;
    let mut to = origin[b - 1] as usize + 1;
    while to < text.len() && is_closing(text[to]) {
        to += 1;
    }
    (from, to)
}

/// Quoted text this long or longer is a quotation even without a clause mark in it.
const QUOTATION_MIN_CHARS: usize = 16;

/// Quoted words that are a quotation rather than a name: a clause of speech (a comma or colon
/// in it) or long. Names with 、 stay names (“街乡吹哨、部门报到”).
fn is_quotation(quoted: &[char]) -> bool {
    quoted.len() >= QUOTATION_MIN_CHARS
        || quoted
            .iter()
            .any(|c| matches!(c, '，' | ',' | '：' | ':' | '；' | ';'))
}

/// Char ranges (offset by `from`) inside paired quotation marks.
fn quoted(source: &[char], from: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut open: Option<(usize, char)> = None;
    for (i, &c) in source.iter().enumerate() {
        match (open, c) {
            (None, '“' | '「' | '『') => open = Some((i, c)),
            (Some((s, '“')), '”') | (Some((s, '「')), '」') | (Some((s, '『')), '』') => {
                out.push(from + s + 1..from + i);
                open = None;
            }
            _ => {}
        }
    }
    out
}

/// A phrase occurrence inside one sentence: one or two segments (head and tail of a slot phrase).
#[derive(Debug, Clone, Copy)]
struct Occurrence {
    phrase: u32,
    first: (u32, u32),
    second: Option<(u32, u32)>,
}

/// The nearest head of `phrase` shortly before `tail` among `before`.
fn head_of<'h>(lex: &Lexicon, before: &'h [Hit], tail: &Hit, phrase: u32) -> Option<&'h Hit> {
    before
        .iter()
        .rev()
        .take_while(|h| h.start + lex.max_head_span >= tail.start)
        .find(|h| {
            h.end <= tail.start
                && (tail.start - h.end) as usize <= MAX_SLOT
                && lex.roles(h.pattern).contains(&Role::Stock {
                    phrase,
                    part: Part::Head,
                })
        })
}

/// Phrases that are not just part of a longer matched phrase (贯彻落实 inside 认真贯彻落实), in
/// order of first appearance, each once.
fn distinct_phrases(occurrences: &[Occurrence]) -> Vec<u32> {
    let segments = |o: &Occurrence| std::iter::once(o.first).chain(o.second);
    let mut order: Vec<(u32, u32)> = Vec::new();
    for o in occurrences {
        let swallowed = segments(o).all(|(s, e)| {
            occurrences.iter().any(|other| {
                other.phrase != o.phrase
                    && segments(other).any(|(os, oe)| os <= s && e <= oe && (oe - os) > (e - s))
            })
        });
        if !swallowed && !order.iter().any(|&(_, p)| p == o.phrase) {
            order.push((o.first.0, o.phrase));
        }
    }
    order.sort();
    order.into_iter().map(|(_, p)| p).collect()
}

/// Empty words not inside a longer one (工作 inside 各项工作), in order, each once.
fn outermost_words(words: &[(u32, u32, u32)]) -> Vec<u32> {
    let mut out: Vec<u32> = Vec::new();
    for &(s, e, w) in words {
        let inside = words
            .iter()
            .any(|&(os, oe, _)| os <= s && e <= oe && (oe - os) > (e - s));
        if !inside && !out.contains(&w) {
            out.push(w);
        }
    }
    out
}

fn sentence_message(empty: &Empty) -> String {
    let (Empty::Stock(named) | Empty::Abstract(named)) = empty;
    let mut list = named
        .iter()
        .take(MAX_NAMED)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join("、");
    if named.len() > MAX_NAMED {
        list.push_str(&format!(" 等 {} 处", named.len()));
    }
    match empty {
        Empty::Stock(_) => {
            format!("套话：{list}。句中没有具体的人、事、地点或数字，可写明谁做了什么、做到多少")
        }
        Empty::Abstract(_) => format!(
            "空泛的句子：只有“{list}”这类抽象的说法，没有具体的人、事、地点或数字，\
             可写明谁做了什么、做到多少"
        ),
    }
}

/// Lines this long or shorter without sentence-ending punctuation are headings (一、…, 三要强化
/// 督查考核), not sentences.
const HEADING_MAX_CHARS: usize = 30;

/// A Markdown heading, or a short line with no sentence-ending punctuation.
fn is_heading(line: &[char]) -> bool {
    let first = line.iter().find(|c| !c.is_whitespace());
    first == Some(&'#')
        || (line.len() <= HEADING_MAX_CHARS
            && !line
                .iter()
                .any(|c| matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | ';')))
}

/// Sentences this long or shorter that open with an enumeration are point headings.
const POINT_MAX_CHARS: usize = 20;

/// A point heading inside a paragraph (一是组织领导坚强有力。二要强化督查考核。（一）…): short, one
/// clause, opening with an enumeration. 一要加强学习，二要转变作风 is a sentence.
fn is_point(sentence: &[char]) -> bool {
    let start = sentence
        .iter()
        .position(|c| !c.is_whitespace())
        .unwrap_or(sentence.len());
    let body = &sentence[start..];
    let marker = enumeration(body);
    marker > 0
        && body.len() <= POINT_MAX_CHARS
        && !body[marker..].iter().any(|&c| is_clause_mark(c))
}

/// Length of the enumeration that opens `body` (一是, 二要, 三、, 1., （一）), or 0.
fn enumeration(body: &[char]) -> usize {
    let small = |c: &&char| SMALL_NUMERALS.contains(c);
    let numerals = body.iter().take_while(small).count();
    if (1..=2).contains(&numerals) && matches!(body.get(numerals), Some('是' | '要' | '、')) {
        return numerals + 1;
    }
    let digits = body.iter().take_while(|c| c.is_ascii_digit()).count();
    if (1..=2).contains(&digits) && matches!(body.get(digits), Some('.' | '、' | '．')) {
        return digits + 1;
    }
    if let Some(('（' | '(', rest)) = body.split_first() {
        let n = rest
            .iter()
            .take_while(|c| small(c) || c.is_ascii_digit())
            .count();
        if (1..=2).contains(&n) && matches!(rest.get(n), Some('）' | ')')) {
            return n + 2;
        }
    }
    0
}

fn is_clause_mark(c: char) -> bool {
    matches!(c, '，' | ',' | '、' | '：' | ':')
}

const SMALL_NUMERALS: &[char] = &['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/// Char ranges of the sentences in `line`: text between sentence ends (。！？；!?; and line
/// breaks), the end mark itself excluded; empty ones skipped.
fn sentences(chars: &[char], line: Range<usize>) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut start = line.start;
    let mut i = line.start;
    std::iter::from_fn(move || {
        while i < line.end {
            let c = chars[i];
            i += 1;
            if is_statement_end(c) {
                let range = start..i - 1;
                start = i;
                if !range.is_empty() {
                    return Some(range);
                }
            }
        }
        let range = start..line.end;
        start = line.end;
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

/// Sentences in `text`, for tests and measurements.
#[cfg(test)]
pub(super) fn sentence_count(text: &str) -> usize {
    let chars: Vec<char> = text.chars().collect();
    sentences(&chars, 0..chars.len()).count()
}
