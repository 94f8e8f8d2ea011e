//! `formula-wording`: an official formula (提法) written wrongly.
//!
//! - Enumerations: the item lists of `corpus/formulas.txt` (a line of items separated by 、，；)
//!   and the glossary's `items`. Where a line of the draft lists all items but one, or all of
//!   them, the list is compared with the official one: an item replaced, missing or added, or the
//!   items out of their fixed order. A list that only misses an item is reported when the
//!   formula's name (“四个自信”) is on the line or the formula has five items or more, since
//!   writers may quote a part on purpose; glossary lists need their name on the line unless they
//!   have five items or more. The fix replaces the list with the official wording.
//! - Fixed sayings: a line of `formulas.txt` (six characters or more, punctuation and width
//!   ignored) written with one or two characters changed (“人民就是靠山”). A single changed
//!   character that sounds or looks like the official one is left to `typo`. The fix changes
//!   those characters.
//!
//! The check looks at one line at a time.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use crate::checks::typo::{glossary_texts_with_names, shape_alike, sound_alike};
use crate::checks::{Code, Context, Edit, Finding, Fix};
use crate::normalize::normalize;
use crate::text::is_cjk;

pub struct FormulaWording;

impl super::Check for FormulaWording {
    fn codes(&self) -> &'static [Code] {
        &[Code::FormulaWording]
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Finding> {
        let mut out = Vec::new();
        let mut offset = 0;
        for line in cx.text.split_inclusive('\n') {
            for mut f in check_line(line) {
                f.range = f.range.start + offset..f.range.end + offset;
                for fix in &mut f.fixes {
                    for e in &mut fix.edits {
                        e.range = e.range.start + offset..e.range.end + offset;
                    }
                }
                out.push(f);
            }
            offset += line.chars().count();
        }
        out
    }
}

/// An official list of items.
struct List {
    items: Vec<Vec<char>>,
    /// The official wording of the whole list.
    official: String,
    /// Its name (四个自信), Han characters only, when known.
    name: Option<String>,
    /// Where it comes from, for the message.
    source: String,
    /// From the glossary (order and completeness only certain with the name present).
    from_glossary: bool,
}

struct Saying {
    chars: Vec<char>,
    official: String,
    source: &'static str,
}

struct Formulas {
    lists: Vec<List>,
    sayings: Vec<Saying>,
    /// Formulas and glossary terms of four characters or more, normalised.
    known: Vec<Vec<char>>,
    /// Every list item; pattern `k` is item `.1` of list `.0` for each of `item_owners[k]`.
    items: AhoCorasick,
    item_owners: Vec<Vec<(usize, usize)>>,
    /// Both halves of every saying (normalised); pattern `k` belongs to `half_owners[k]`.
    halves: AhoCorasick,
    half_owners: Vec<Vec<usize>>,
}

/// An automaton over `patterns` (deduplicated) and, for each, the owners given with it.
fn automaton<T: Copy>(patterns: impl Iterator<Item = (String, T)>) -> (AhoCorasick, Vec<Vec<T>>) {
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut strings: Vec<String> = Vec::new();
    let mut owners: Vec<Vec<T>> = Vec::new();
    for (p, owner) in patterns {
        let k = *index.entry(p.clone()).or_insert_with(|| {
            strings.push(p);
            owners.push(Vec::new());
            owners.len() - 1
        });
        owners[k].push(owner);
    }
    let ac = AhoCorasick::new(&strings).expect("an automaton of formula parts");
    (ac, owners)
}

/// Separators between the items of a list.
fn is_item_sep(c: char) -> bool {
    matches!(c, '、' | '，' | '；' | ',' | ';')
}

fn han(s: &str) -> String {
    s.chars().filter(|&c| is_cjk(c)).collect()
}

impl Formulas {
    fn builtin() -> Formulas {
        let mut lists = Vec::new();
        let mut sayings = Vec::new();
        let mut previous: Option<&str> = None;
        // The formulas as `glossary::formulas` loads them (file order, duplicates dropped).
        let formula_lines = crate::glossary::Formulas::builtin().list();
        for line in formula_lines.iter().map(String::as_str) {
            let norm = normalize(line).chars;
            // Short 提法 (扎实推动共同富裕, 全面推进乡村振兴) are routinely adapted in running
            // text; a saying of two clauses (空谈误国，实干兴邦) is quoted as it is.
            let clauses = line
                .trim_matches(|c: char| !is_cjk(c))
                .contains(is_item_sep);
            if norm.len() >= 10 || (norm.len() >= 6 && clauses) {
                sayings.push(Saying {
                    chars: norm,
                    official: line.to_owned(),
                    source: "官方表述，见 formulas.txt",
                });
            }
            // A list that qualifies a noun ends at 的: 创新、…、共享的新发展理念.
            let list_part = match line.rsplit_once(is_item_sep) {
                Some((head, last)) => match last.char_indices().find(|&(_, c)| c == '的') {
                    Some((at, _)) if at > 0 && head.len() < line.len() => {
                        &line[..line.len() - last.len() + at]
                    }
                    _ => line,
                },
                None => line,
            };
            let items: Vec<Vec<char>> = list_part
                .split(is_item_sep)
                .map(|s| han(s).chars().collect::<Vec<char>>())
                .collect();
            if line.contains('、') && items.len() >= 3 && items.iter().all(|i| i.len() >= 2) {
                // A list line follows the line that names it (“四个自信”).
                let name = previous
                    .and_then(|p| p.split_once('“'))
                    .and_then(|(_, rest)| rest.split_once('”'))
                    .map(|(name, _)| han(name))
                    .filter(|n| !n.is_empty());
                lists.push(List {
                    items,
                    official: list_part.to_owned(),
                    source: match &name {
                        Some(n) => format!("“{n}”的官方表述"),
                        None => "官方表述".to_owned(),
                    },
                    name,
                    from_glossary: false,
                });
            }
            previous = Some(line);
        }
        for (term, items, origin) in glossary_texts_with_names() {
            let items: Vec<Vec<char>> = items.iter().map(|i| i.chars().collect()).collect();
            if items.len() < 3
                || items
                    .iter()
                    .any(|i| i.len() < 2 || !i.iter().all(|&c| is_cjk(c)))
                || lists.iter().any(|l| l.items == items)
            {
                continue;
            }
            let official = items
                .iter()
                .map(|i| i.iter().collect::<String>())
                .collect::<Vec<_>>()
                .join("、");
            lists.push(List {
                items,
                official,
                source: match origin {
                    Some(o) => format!("“{term}”，{o}"),
                    None => format!("“{term}”"),
                },
                name: Some(han(&term)),
                from_glossary: true,
            });
        }
        // The glossary's longer spellings are official wordings too (不愁吃、不愁穿，……).
        for text in crate::checks::typo::glossary_fields(&["variants"]) {
            let chars = normalize(&text).chars;
            if chars.len() >= 10 && !sayings.iter().any(|s| s.chars == chars) {
                sayings.push(Saying {
                    chars,
                    official: text,
                    source: "见术语表",
                });
            }
        }
        let mut known: Vec<Vec<char>> = sayings.iter().map(|s| s.chars.clone()).collect();
        known.extend(
            crate::checks::typo::glossary_texts()
                .iter()
                .map(|t| normalize(t).chars)
                .filter(|t| t.len() >= 4),
        );
        known.extend(
            formula_lines
                .iter()
                .map(|l| normalize(l).chars)
                .filter(|t| (4..6).contains(&t.len())),
        );
        known.sort();
        known.dedup();
        let (items, item_owners) = automaton(lists.iter().enumerate().flat_map(|(l, list)| {
            list.items
                .iter()
                .enumerate()
                .map(move |(k, item)| (item.iter().collect::<String>(), (l, k)))
        }));
        let (halves, half_owners) =
            automaton(sayings.iter().enumerate().flat_map(|(n, saying)| {
                let (head, tail) = saying.chars.split_at(saying.chars.len() / 2);
                [head, tail]
                    .into_iter()
                    .map(move |half| (half.iter().collect::<String>(), n))
            }));
        Formulas {
            lists,
            sayings,
            known,
            items,
            item_owners,
            halves,
            half_owners,
        }
    }
}

static FORMULAS: LazyLock<Formulas> = LazyLock::new(Formulas::builtin);

fn check_line(line: &str) -> Vec<Finding> {
    let line = line.trim_end_matches(['\n', '\r']);
    let chars: Vec<char> = line.chars().collect();
    if chars.len() < 4 {
        return Vec::new();
    }
    let formulas = &*FORMULAS;
    let mut out: Vec<Finding> = Vec::new();
    // Only lists with two items or more on the line, and sayings with a half on it, are
    // compared (one automaton pass each finds them).
    let mut items_seen: HashMap<usize, HashSet<usize>> = HashMap::new();
    for m in formulas.items.find_overlapping_iter(line) {
        for &(list, item) in &formulas.item_owners[m.pattern().as_usize()] {
            items_seen.entry(list).or_default().insert(item);
        }
    }
    let mut lists: Vec<usize> = items_seen
        .into_iter()
        .filter(|(list, seen)| {
            seen.len() >= 2 && seen.len() + 1 >= formulas.lists[*list].items.len()
        })
        .map(|(list, _)| list)
        .collect();
    lists.sort_unstable();
    for list in lists {
        if let Some(f) = check_list(&chars, &formulas.lists[list]) {
            out.push(f);
        }
    }
    let norm = normalize(line);
    let norm_text: String = norm.chars.iter().collect();
    let mut sayings: Vec<usize> = formulas
        .halves
        .find_overlapping_iter(&norm_text)
        .flat_map(|m| formulas.half_owners[m.pattern().as_usize()].iter().copied())
        .collect();
    sayings.sort_unstable();
    sayings.dedup();
    for saying in sayings {
        out.extend(check_saying(
            &chars,
            &norm,
            &formulas.sayings[saying],
            formulas,
        ));
    }
    out.sort_by_key(|f| (f.range.start, std::cmp::Reverse(f.range.end)));
    let mut last_end = 0;
    out.retain(|f| {
        let keep = f.range.start >= last_end;
        if keep {
            last_end = f.range.end;
        }
        keep
    });
    out
}

fn find_all(chars: &[char], needle: &[char]) -> Vec<usize> {
    if needle.is_empty() || needle.len() > chars.len() {
        return Vec::new();
    }
    (0..=chars.len() - needle.len())
        .filter(|&i| chars[i..i + needle.len()] == *needle)
        .collect()
}

fn contains(chars: &[char], needle: &str) -> bool {
    let needle: Vec<char> = needle.chars().collect();
    !find_all(chars, &needle).is_empty()
}

/// Text between two items that is only separators (and spaces).
fn only_separators(s: &[char]) -> bool {
    !s.is_empty() && s.iter().all(|&c| is_item_sep(c) || c == ' ')
}

fn check_list(chars: &[char], list: &List) -> Option<Finding> {
    let n = list.items.len();
    let named_anywhere = list
        .name
        .as_deref()
        .is_some_and(|name| contains(chars, name));
    if list.from_glossary && !named_anywhere && n < 5 {
        return None;
    }
    // Occurrences of the items, longest first where they overlap.
    let mut occ: Vec<(Range<usize>, usize)> = Vec::new();
    for (k, item) in list.items.iter().enumerate() {
        for at in find_all(chars, item) {
            occ.push((at..at + item.len(), k));
        }
    }
    occ.sort_by_key(|(r, _)| (r.start, std::cmp::Reverse(r.end)));
    let mut last_end = 0;
    occ.retain(|(r, _)| {
        let keep = r.start >= last_end;
        if keep {
            last_end = r.end;
        }
        keep
    });
    if occ.len() < 2 {
        return None;
    }
    let max_len = list.items.iter().map(Vec::len).max().unwrap_or(0);
    // Clusters of items close together: at most one item's length apart.
    let mut clusters: Vec<Vec<(Range<usize>, usize)>> = vec![vec![occ[0].clone()]];
    for o in occ.into_iter().skip(1) {
        let last = clusters.last_mut().expect("one cluster");
        if o.0.start - last.last().expect("non-empty").0.end <= max_len + 2 {
            last.push(o);
        } else {
            clusters.push(vec![o]);
        }
    }
    for cluster in clusters {
        if let Some(f) = check_cluster(chars, list, &cluster, max_len) {
            return Some(f);
        }
    }
    None
}

fn edit(range: Range<usize>, new_text: impl Into<String>) -> Edit {
    Edit {
        range,
        new_text: new_text.into(),
    }
}

/// One run of items of `list` found close together.
fn check_cluster(
    chars: &[char],
    list: &List,
    cluster: &[(Range<usize>, usize)],
    max_len: usize,
) -> Option<Finding> {
    let n = list.items.len();
    let ks: Vec<usize> = cluster.iter().map(|(_, k)| *k).collect();
    let mut distinct = ks.clone();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() != ks.len() || distinct.len() + 1 < n || distinct.len() < 2 {
        return None;
    }
    let span = cluster[0].0.start..cluster[cluster.len() - 1].0.end;
    // A missing item is only certain when the list is long or its name stands right by it
    // (统筹推进……“五位一体”总体布局): a part of a short list may be quoted on purpose.
    let named = list.name.as_deref().is_some_and(|name| {
        let near = span.start.saturating_sub(8)..(span.end + 8).min(chars.len());
        contains(&chars[near], name)
    });
    let missing_is_certain = n >= 5 || (n >= 4 && named);
    let gaps: Vec<Range<usize>> = cluster
        .windows(2)
        .map(|w| w[0].0.end..w[1].0.start)
        .collect();
    let item = |k: usize| list.items[k].iter().collect::<String>();
    let in_order = ks.windows(2).all(|w| w[0] < w[1]);
    let sep = gaps
        .iter()
        .find_map(|g| chars[g.clone()].iter().copied().find(|&c| is_item_sep(c)))
        .unwrap_or('、');
    if distinct.len() == n {
        if !in_order && gaps.iter().all(|g| only_separators(&chars[g.clone()])) {
            let official: String = list
                .items
                .iter()
                .map(|i| i.iter().collect::<String>())
                .collect::<Vec<_>>()
                .join(&sep.to_string());
            return Some(list_finding(
                list,
                span.clone(),
                "顺序不对".to_owned(),
                vec![edit(span, official)],
            ));
        }
        if in_order {
            for g in &gaps {
                if let Some(x) = extra_item(chars, g, max_len) {
                    let extra: String = chars[x.clone()].iter().collect();
                    // Drop the item with the separator before it.
                    return Some(list_finding(
                        list,
                        x.start - 1..x.end,
                        format!("多出“{extra}”"),
                        vec![edit(x.start - 1..x.end, "")],
                    ));
                }
            }
        }
        return None;
    }
    // One item missing or replaced.
    if !in_order {
        return None;
    }
    let missing = (0..n).find(|k| !ks.contains(k)).expect("n-1 of n found");
    let want = item(missing);
    // Named elsewhere on the line (……把生态文明建设纳入“五位一体”，与经济建设……并列).
    if !find_all(chars, &list.items[missing]).is_empty() {
        return None;
    }
    let replaced = |x: Range<usize>| -> Option<Finding> {
        let written: String = chars[x.clone()].iter().collect();
        // One character that sounds or looks like the official one is a typo (`typo`).
        let w: Vec<char> = written.chars().collect();
        let o = &list.items[missing];
        if w.len() == o.len() {
            let diff: Vec<usize> = (0..w.len()).filter(|&k| w[k] != o[k]).collect();
            if let [k] = diff[..] {
                if sound_alike(w[k], o[k]) || shape_alike(w[k], o[k]) {
                    return None;
                }
            }
        }
        Some(list_finding(
            list,
            x.clone(),
            format!("“{written}”应为“{want}”"),
            vec![edit(x, want.clone())],
        ))
    };
    if missing > 0 && missing < n - 1 {
        let at = ks.iter().position(|&k| k == missing + 1).expect("in order");
        let gap = gaps[at - 1].clone();
        if only_separators(&chars[gap.clone()]) {
            if !missing_is_certain {
                return None;
            }
            return Some(list_finding(
                list,
                gap.clone(),
                format!("缺少“{want}”"),
                vec![edit(gap.end..gap.end, format!("{want}{sep}"))],
            ));
        }
        return extra_item(chars, &gap, max_len).and_then(replaced);
    }
    // The first or the last item: look beyond the list for a wrong one in its place.
    let wanted = &list.items[missing];
    let wrong = if missing == n - 1 {
        let at = span.end;
        let x = at + 1..at + 1 + wanted.len();
        (chars.get(at).is_some_and(|&c| is_item_sep(c))
            && x.end <= chars.len()
            && chars[x.clone()].iter().all(|&c| is_cjk(c))
            && fits(chars, &x, wanted))
        .then_some(x)
    } else {
        span.start
            .checked_sub(wanted.len() + 1)
            .map(|s| s..s + wanted.len())
            .filter(|x| {
                is_item_sep(chars[x.end])
                    && chars[x.clone()].iter().all(|&c| is_cjk(c))
                    && fits(chars, x, wanted)
            })
    };
    match wrong {
        Some(x) => replaced(x),
        None if missing_is_certain => {
            let (at, text) = if missing == 0 {
                (span.start, format!("{want}{sep}"))
            } else {
                (span.end, format!("{sep}{want}"))
            };
            Some(list_finding(
                list,
                span,
                format!("缺少“{want}”"),
                vec![edit(at..at, text)],
            ))
        }
        None => None,
    }
}

/// A written stretch `x` stands where `want` belongs: it shares a character with it at the same
/// place, or ends where a clause ends.
fn fits(chars: &[char], x: &Range<usize>, want: &[char]) -> bool {
    chars[x.clone()].iter().zip(want).any(|(a, b)| a == b)
        || chars
            .get(x.end)
            .is_none_or(|&c| !is_cjk(c) && !c.is_alphanumeric())
}

/// In a gap `、X、` (or `、X和`) between two items, the range of one more item `X`.
fn extra_item(chars: &[char], gap: &Range<usize>, max_len: usize) -> Option<Range<usize>> {
    let g = &chars[gap.clone()];
    let (first, last) = (*g.first()?, *g.last()?);
    if !is_item_sep(first) || !(is_item_sep(last) || matches!(last, '和' | '及' | '与')) {
        return None;
    }
    let inner = gap.start + 1..gap.end - 1;
    (inner.len() >= 2
        && inner.len() <= max_len + 2
        && chars[inner.clone()].iter().all(|&c| is_cjk(c)))
    .then_some(inner)
}

fn list_finding(list: &List, range: Range<usize>, what: String, edits: Vec<Edit>) -> Finding {
    let mut f = Finding::new(
        Code::FormulaWording,
        range,
        format!(
            "提法有误（{what}）：应为“{}”（{}）",
            list.official, list.source
        ),
    );
    f.fixes.push(Fix {
        title: "改为官方表述".to_owned(),
        edits,
    });
    f
}

/// Edit distance of two short strings.
fn levenshtein(a: &[char], b: &[char]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, &x) in a.iter().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &y) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(x != y)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// Where `saying` is written with up to `max` characters changed, added or left out: one of its
/// halves is written exactly and the other within that distance.
fn near_occurrence(text: &[char], saying: &[char], max: usize) -> Option<Range<usize>> {
    let len = saying.len();
    let h = len / 2;
    let (head, tail) = saying.split_at(h);
    // The closest, and of those the one nearest the saying's length.
    let mut best: Option<((usize, usize), Range<usize>)> = None;
    let mut consider = |d: usize, r: Range<usize>| {
        let key = (d, r.len().abs_diff(len));
        if d >= 1 && d <= max && best.as_ref().is_none_or(|(bk, _)| key < *bk) {
            best = Some((key, r));
        }
    };
    for a in find_all(text, head) {
        for l in tail.len().saturating_sub(max)..=tail.len() + max {
            let e = a + h + l;
            if e <= text.len() {
                consider(levenshtein(&text[a + h..e], tail), a..e);
            }
        }
    }
    for b in find_all(text, tail) {
        for l in head.len().saturating_sub(max)..=head.len() + max {
            if let Some(s) = b.checked_sub(l) {
                consider(levenshtein(&text[s..b], head), s..b + tail.len());
            }
        }
    }
    best.map(|(_, r)| r)
}

fn check_saying(
    chars: &[char],
    norm: &crate::normalize::Normalized,
    saying: &Saying,
    formulas: &Formulas,
) -> Option<Finding> {
    let len = saying.chars.len();
    let max = if len >= 8 { 2 } else { 1 };
    let window = near_occurrence(&norm.chars, &saying.chars, max)?;
    let written = &norm.chars[window.clone()];
    // The differing part: what is left after the common beginning and end.
    let pre = written
        .iter()
        .zip(&saying.chars)
        .take_while(|(a, b)| a == b)
        .count();
    let max_suf = written.len().min(len) - pre;
    let suf = written
        .iter()
        .rev()
        .zip(saying.chars.iter().rev())
        .take(max_suf)
        .take_while(|(a, b)| a == b)
        .count();
    let have = &written[pre..written.len() - suf];
    let want = &saying.chars[pre..len - suf];
    if have.iter().chain(want).any(|&c| !is_cjk(c)) {
        return None;
    }
    // 的、和、与、及、之 put in or left out do not change the wording.
    let content = |s: &[char]| -> Vec<char> {
        s.iter()
            .copied()
            .filter(|c| !matches!(c, '的' | '和' | '与' | '及' | '之'))
            .collect()
    };
    if content(have) == content(want) {
        return None;
    }
    // A shorter form (中央八项规定 for 中央八项规定精神) leaves out a beginning or an end.
    if have.is_empty() && (pre == 0 || suf == 0) {
        return None;
    }
    // The verb that introduces a 提法 varies (坚持/加强/全面/扎实推进): a change within its
    // first two characters is not a misquote.
    if pre + want.len() <= 2 && pre + have.len() <= 2 {
        return None;
    }
    // A change at an end counts only where the saying stands as a clause of its own.
    if pre == 0 || suf == 0 {
        let range = norm.source_range(window.start, window.end);
        let word = |c: char| is_cjk(c) || c.is_alphanumeric();
        let open_before = range.start == 0 || !word(chars[range.start - 1]);
        let open_after = chars.get(range.end).is_none_or(|&c| !word(c));
        if !(open_before && open_after) {
            return None;
        }
    }
    // One character that sounds or looks like the official one: a typo, for `typo`.
    if let ([h], [w]) = (have, want) {
        if sound_alike(*h, *w) || shape_alike(*h, *w) {
            return None;
        }
    }
    // Another known phrase written here (五大发展理念 for 的新发展理念) is not a misquote.
    let changed = window.start + pre..(window.start + pre + have.len()).max(window.start + pre + 1);
    if formulas.known.iter().any(|known| {
        find_all(&norm.chars, known).into_iter().any(|at| {
            let k = at..at + known.len();
            k.start < changed.end && changed.start < k.end
        })
    }) {
        return None;
    }
    let edit_range = if have.is_empty() {
        // Characters left out: insert them after the last common one.
        let at = norm.origin[window.start + pre - 1] as usize + 1;
        at..at
    } else {
        norm.source_range(window.start + pre, window.start + pre + have.len())
    };
    let source = norm.source_range(window.start, window.end);
    let written_text: String = chars[source.clone()].iter().collect();
    let mut f = Finding::new(
        Code::FormulaWording,
        source,
        format!(
            "提法有误：“{written_text}”应为“{}”（{}）",
            saying.official, saying.source
        ),
    );
    f.fixes.push(Fix {
        title: format!("改为“{}”", want.iter().collect::<String>()),
        edits: vec![edit(edit_range, want.iter().collect::<String>())],
    });
    Some(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(line: &str) -> String {
        let mut edits: Vec<Edit> = check_line(line)
            .into_iter()
            .flat_map(|f| f.fixes.into_iter().flat_map(|x| x.edits))
            .collect();
        edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
        let mut chars: Vec<char> = line.chars().collect();
        for e in edits {
            chars.splice(e.range, e.new_text.chars());
        }
        chars.into_iter().collect()
    }

    #[test]
    fn lists() {
        assert_eq!(
            fixed("坚定“四个自信”，即道路自信、历史自信、制度自信、文化自信。"),
            "坚定“四个自信”，即道路自信、理论自信、制度自信、文化自信。"
        );
        assert_eq!(
            fixed("要增强大局意识、政治意识、核心意识、看齐意识。"),
            "要增强政治意识、大局意识、核心意识、看齐意识。"
        );
        assert_eq!(
            fixed("做到“三个务必”，即务必不忘初心、牢记使命，务必谦虚谨慎、艰苦奋斗，务必敢于斗争、敢于胜利。"),
            "做到“三个务必”，即务必不忘初心、牢记使命，务必谦虚谨慎、艰苦奋斗，务必敢于斗争、善于斗争。"
        );
    }

    #[test]
    fn sayings() {
        assert_eq!(
            fixed("空谈误国，实干强国，青年干部更要扑下身子干事。"),
            "空谈误国，实干兴邦，青年干部更要扑下身子干事。"
        );
        assert_eq!(
            fixed("江山就是人民，人民就是靠山。"),
            "江山就是人民，人民就是江山。"
        );
    }

    #[test]
    fn official_wording_is_left_alone() {
        for line in [
            "“四个意识”是政治意识、大局意识、核心意识、看齐意识。",
            "坚定道路自信、理论自信、制度自信。",
            "江山就是人民，人民就是江山。",
            "扎实推进共同富裕，提高低保标准。",
            "认真学习中央八项规定。",
            "党的十八大把生态文明建设纳入“五位一体”总体布局，与经济建设、政治建设、文化建设、社会建设并列。",
            "𠀀😀统筹推进经济建设、政治建设、文化建设、社会建设、生态文明建设",
        ] {
            assert!(
                check_line(line).is_empty(),
                "{line}: {:?}",
                check_line(line)
            );
        }
    }
}
