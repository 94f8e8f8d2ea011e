//! Definitions the corpus essays themselves give, recognised by their shape right after (or,
//! for a list, right before) a glossary term:
//!
//! - `X是指Y` / `X即Y` / `X，就是Y` (the last only when X opens the clause: 抓党建就是抓关键 is
//!   rhetoric, not a definition);
//! - a numbered term followed by `做到A、B、C…`, or by `一是…二是…`, with as many items as
//!   its number says;
//! - `A、B、C…` immediately before a numbered term (创新、协调、绿色、开放、共享五大发展理念),
//!   again with the announced number of items.
//!
//! A statement ends at `text::is_statement_end` (；closes one as 。 does).

use std::ops::Range;

use crate::glossary::DefinitionKind;
use crate::text::{is_clause_break, is_statement_end};

/// Longest corpus definition shown, in chars.
const MAX_DEFINITION_CHARS: usize = 150;

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
pub(crate) type Mined = (DefinitionKind, String, Range<usize>, Vec<String>);

const CLOSING: &[char] = &['”', '"', '’', '\'', '」', '』', '》', ')', '）'];
const OPENING: &[char] = &['“', '"', '‘', '\'', '「', '『', '《', '(', '（'];

fn at(chars: &[char], i: usize, pattern: &str) -> bool {
    let mut rest = chars.get(i..).unwrap_or(&[]).iter();
    pattern.chars().all(|p| rest.next() == Some(&p))
}

/// End of the statement searched from `from` (see `mining::sentence_end`).
fn sentence_end(chars: &[char], from: usize) -> usize {
    super::sentence_end(chars, from, is_statement_end)
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

/// Definitional sentences around one occurrence of a term at `term` in `chars`, whose name
/// announces `n` items: (kind, span shown, term range, items).
pub(crate) fn mine(chars: &[char], term: Range<usize>, n: Option<usize>) -> Vec<Mined> {
    let mut out = Vec::new();
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
        while stop < chars.len() && !is_statement_end(chars[stop]) {
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
        let end = if stop < chars.len() && is_statement_end(chars[stop]) {
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
    let end = if stop < chars.len() && is_statement_end(chars[stop]) {
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
        .find(|&i| is_statement_end(chars[i]) || matches!(chars[i], '：' | ':'))?;
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
