//! Enumerations compared with the official list: an item replaced, missing or added, or the
//! items out of their fixed order.

use std::ops::Range;

use super::{contains, edit, find_all, is_item_sep, is_joiner, only_separators, typo_claims, List};
use crate::checks::typo::{shape_alike, sound_alike};
use crate::checks::{Code, Edit, Finding, Fix};
use crate::text::is_cjk;

pub(super) fn check_list(chars: &[char], list: &List) -> Option<Finding> {
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
        // One character that sounds or looks like the official one is a typo (`typo`), where
        // `typo` reports it.
        let w: Vec<char> = written.chars().collect();
        let o = &list.items[missing];
        if w.len() == o.len() {
            let diff: Vec<usize> = (0..w.len()).filter(|&k| w[k] != o[k]).collect();
            if let [k] = diff[..] {
                if (sound_alike(w[k], o[k]) || shape_alike(w[k], o[k]))
                    && typo_claims(chars, x.start + k)
                {
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
        (chars
            .get(at)
            .is_some_and(|&c| is_item_sep(c) || is_joiner(c))
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
