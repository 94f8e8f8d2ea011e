//! Fixed sayings written with one or two characters changed, added or left out.

use std::ops::Range;

use super::{edit, find_all, typo_claims, Formulas, HalvesAt, Saying};
use crate::checks::typo::{shape_alike, sound_alike};
use crate::checks::{Code, Finding, Fix};
use crate::text::is_cjk;

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
/// halves is written exactly (at `at`) and the other within that distance.
fn near_occurrence(
    text: &[char],
    saying: &Saying,
    at: &HalvesAt,
    max: usize,
) -> Option<Range<usize>> {
    let len = saying.chars.len();
    let (head, tail) = saying.halves();
    let h = head.len();
    // The closest, and of those the one nearest the saying's length.
    let mut best: Option<((usize, usize), Range<usize>)> = None;
    let mut consider = |d: usize, r: Range<usize>| {
        let key = (d, r.len().abs_diff(len));
        if d >= 1 && d <= max && best.as_ref().is_none_or(|(bk, _)| key < *bk) {
            best = Some((key, r));
        }
    };
    for &a in &at.head {
        for l in tail.len().saturating_sub(max)..=tail.len() + max {
            let e = a + h + l;
            if e <= text.len() {
                consider(levenshtein(&text[a + h..e], tail), a..e);
            }
        }
    }
    for &b in &at.tail {
        for l in head.len().saturating_sub(max)..=head.len() + max {
            if let Some(s) = b.checked_sub(l) {
                consider(levenshtein(&text[s..b], head), s..b + tail.len());
            }
        }
    }
    best.map(|(_, r)| r)
}

pub(super) fn check_saying(
    chars: &[char],
    norm: &crate::normalize::Normalized,
    saying: &Saying,
    at: &HalvesAt,
    formulas: &Formulas,
) -> Option<Finding> {
    let len = saying.chars.len();
    // A long formula may lose a whole word (权威和); a short one is held closer.
    let max = match len {
        // A short glossary spelling is adapted (平安中国 → 平安云岭); a long one is quoted.
        ..16 if saying.loose => 1,
        20.. => 3,
        8.. => 2,
        _ => 1,
    };
    let window = near_occurrence(&norm.chars, saying, at, max)?;
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
    // One character that sounds or looks like the official one: a typo, for `typo` — where
    // `typo` reports it; where the written form is a word there, it is a changed word.
    if let ([h], [w]) = (have, want) {
        let at = norm
            .source_range(window.start + pre, window.start + pre + 1)
            .start;
        if (sound_alike(*h, *w) || shape_alike(*h, *w)) && typo_claims(chars, at) {
            return None;
        }
    }
    // Another known phrase written here (五大发展理念 for 的新发展理念) is not a misquote.
    let changed = window.start + pre..(window.start + pre + have.len()).max(window.start + pre + 1);
    // Only the stretch a known phrase overlapping the change can lie in is searched: there are
    // thousands of them, and a line may be a whole paragraph.
    if formulas.known.iter().any(|known| {
        let lo = changed.start.saturating_sub(known.len().saturating_sub(1));
        let hi = (changed.end + known.len().saturating_sub(1)).min(norm.chars.len());
        lo < hi
            && find_all(&norm.chars[lo..hi], known).into_iter().any(|at| {
                let k = lo + at..lo + at + known.len();
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
