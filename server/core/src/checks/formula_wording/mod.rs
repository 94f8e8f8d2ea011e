//! `formula-wording`: an official formula (提法) written wrongly.
//!
//! - Enumerations: the item lists of `corpus/formulas.txt` (a line of items separated by 、，；)
//!   and the glossary's `items`. Where a line of the draft lists all items but one, or all of
//!   them, the list is compared with the official one: an item replaced, missing or added, or the
//!   items out of their fixed order. A list that only misses an item is reported when the
//!   formula's name (“四个自信”) is on the line or the formula has five items or more, since
//!   writers may quote a part on purpose; glossary lists need their name on the line unless they
//!   have five items or more. The fix replaces the list with the official wording.
//! - Fixed sayings: a line of `formulas.txt` (ten characters or more, or six with two clauses;
//!   punctuation and width ignored) or of `sayings.txt` (any length, with its source) written
//!   with one or two characters changed, added or left out (“人民就是靠山”; three in one of
//!   twenty characters or more: 权威和 left out). A glossary spelling shorter than sixteen
//!   characters counts with one changed character only. A single changed character that sounds or looks like the official one is
//!   left to `typo`. The fix changes those characters.
//!
//! The check looks at one line at a time.
//! Lists are compared in `lists.rs`, sayings in `sayings.rs`.

mod lists;
mod sayings;

use lists::check_list;
use sayings::check_saying;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::automaton::Automaton;
use crate::checks::typo::glossary_texts_with_names;
use crate::checks::{Code, Context, Edit, Finding};
use crate::normalize::normalize;
use crate::prebuilt::Table;
use crate::ragged::{CharLists, Ragged};
use crate::text::is_cjk;

pub struct FormulaWording;

impl super::Check for FormulaWording {
    fn codes(&self) -> &'static [Code] {
        &[Code::FormulaWording]
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Finding> {
        super::by_line(cx.text, check_line)
    }
}

/// An official list of items.
#[derive(Serialize, Deserialize)]
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

#[derive(Serialize, Deserialize)]
struct Saying {
    chars: Vec<char>,
    official: String,
    source: String,
    /// A glossary spelling rather than a fixed saying: writers adapt the short ones (平安中国 →
    /// 平安云岭, 社会化服务 → 精细化服务), so there only one changed character counts.
    loose: bool,
}

impl Saying {
    /// Its two halves, which the near match looks for (the first the shorter).
    fn halves(&self) -> (&[char], &[char]) {
        self.chars.split_at(self.chars.len() / 2)
    }
}

/// Where a line (normalised) holds a saying's halves, in ascending char offsets.
#[derive(Default)]
struct HalvesAt {
    head: Vec<usize>,
    tail: Vec<usize>,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct Formulas {
    lists: Vec<List>,
    sayings: Vec<Saying>,
    /// Formulas and glossary terms of four characters or more, normalised.
    known: CharLists,
    /// Every list item; pattern `k` is item `.1` of list `.0` for each of `item_owners[k]`.
    items: Automaton,
    item_owners: Ragged<(usize, usize)>,
    /// Both halves of every saying (normalised); pattern `k` belongs to `half_owners[k]`.
    halves: Automaton,
    half_owners: Ragged<usize>,
}

/// An automaton over `patterns` (deduplicated; empty ones match nothing) and, for each, the
/// owners given with it.
fn automaton<T: Copy>(patterns: impl Iterator<Item = (String, T)>) -> (Automaton, Ragged<T>) {
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut strings: Vec<String> = Vec::new();
    let mut owners: Vec<Vec<T>> = Vec::new();
    for (p, owner) in patterns.filter(|(p, _)| !p.is_empty()) {
        let k = *index.entry(p.clone()).or_insert_with(|| {
            strings.push(p);
            owners.push(Vec::new());
            owners.len() - 1
        });
        owners[k].push(owner);
    }
    let ac = Automaton::with_values(strings.iter().enumerate().map(|(k, p)| (p, k as u32)))
        .expect("an automaton of formula parts");
    (ac, owners.into_iter().collect())
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
                    source: "官方表述，见 formulas.txt".to_owned(),
                    loose: false,
                });
            }
            // A list that qualifies a noun ends at 的: 创新、…、共享的新发展理念. Not when the
            // other items hold a 的 too: then it is inside each item (是否有利于提高人民的生活水平).
            let list_part = match line.rsplit_once(is_item_sep) {
                Some((head, last)) => match last.char_indices().find(|&(_, c)| c == '的') {
                    Some((at, _)) if at > 0 && head.len() < line.len() && !head.contains('的') => {
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
        // The sayings of `sayings.txt`, whatever their length, with their sources; one also in
        // formulas.txt is replaced, so the message names the source.
        for line in crate::builtin::list("sayings.txt") {
            let Some((text, source)) = line.split_once('\t') else {
                continue;
            };
            let chars = normalize(text).chars;
            sayings.retain(|s| s.chars != chars);
            sayings.push(Saying {
                chars,
                official: text.trim().to_owned(),
                source: source.trim().to_owned(),
                loose: false,
            });
        }
        // The glossary's longer spellings are official wordings too (不愁吃、不愁穿，……).
        for text in crate::checks::typo::glossary_fields(&["variants"]) {
            let chars = normalize(&text).chars;
            if chars.len() >= 10 && !sayings.iter().any(|s| s.chars == chars) {
                sayings.push(Saying {
                    chars,
                    official: text,
                    source: "见术语表".to_owned(),
                    loose: true,
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
                let (head, tail) = saying.halves();
                [head, tail]
                    .into_iter()
                    .map(move |half| (half.iter().collect::<String>(), n))
            }));
        Formulas {
            lists,
            sayings,
            known: known.into_iter().collect(),
            items,
            item_owners,
            halves,
            half_owners,
        }
    }
}

/// The formula-wording check's tables, as the binary carries them (`prebuilt`).
pub(crate) const TABLE: Table<Formulas> = Table::new("formula-wording", Formulas::builtin);

static FORMULAS: LazyLock<Formulas> = LazyLock::new(|| TABLE.load());

pub(super) fn prepare() {
    LazyLock::force(&FORMULAS);
}

fn check_line(line: &str) -> Vec<Finding> {
    let line = line.trim_end_matches(['\n', '\r']);
    let chars: Vec<char> = line.chars().collect();
    if chars.len() < 4 {
        return Vec::new();
    }
    let formulas = &*FORMULAS;
    // Only lists with two items or more on the line, and sayings with a half on it, are
    // compared (one automaton pass each finds them).
    let mut items_seen: HashMap<usize, HashSet<usize>> = HashMap::new();
    for m in formulas.items.find_overlapping_iter(line) {
        for &(list, item) in &formulas.item_owners[m.value() as usize] {
            items_seen.entry(list).or_default().insert(item);
        }
    }
    // Lists with more of their items on the line first: where two official lists share items
    // (the 四个全面 before and after 2020), the one written is the one compared.
    let mut lists: Vec<(usize, usize)> = items_seen
        .into_iter()
        .filter(|(list, seen)| {
            seen.len() >= 2 && seen.len() + 1 >= formulas.lists[*list].items.len()
        })
        .map(|(list, seen)| (list, seen.len()))
        .collect();
    lists.sort_unstable_by_key(|&(list, seen)| (std::cmp::Reverse(seen), list));
    let norm = normalize(line);
    let norm_text: String = norm.chars.iter().collect();
    // Where an official list is written exactly, no other list is held against it.
    let exact: Vec<Range<usize>> = lists
        .iter()
        .flat_map(|&(list, _)| {
            let official = normalize(&formulas.lists[list].official).chars;
            find_all(&norm.chars, &official)
                .into_iter()
                .map(|at| norm.source_range(at, at + official.len()))
                .collect::<Vec<_>>()
        })
        .collect();
    let overlaps = |a: &Range<usize>, b: &Range<usize>| a.start < b.end && b.start < a.end;
    let mut out: Vec<Finding> = Vec::new();
    for (list, _) in lists {
        if let Some(f) = check_list(&chars, &formulas.lists[list]) {
            if !exact.iter().any(|e| overlaps(e, &f.range))
                && !out.iter().any(|o| overlaps(&o.range, &f.range))
            {
                out.push(f);
            }
        }
    }
    // Where each saying's halves are written, from the one automaton pass (in order), by saying.
    let char_at = crate::text::char_offsets(&norm_text);
    let mut sayings: BTreeMap<usize, HalvesAt> = BTreeMap::new();
    for m in formulas.halves.find_overlapping_iter(&norm_text) {
        let (start, end) = (char_at[m.start()], char_at[m.end()]);
        let written = &norm.chars[start..end];
        for &saying in &formulas.half_owners[m.value() as usize] {
            let (head, tail) = formulas.sayings[saying].halves();
            let at = sayings.entry(saying).or_default();
            if written == head {
                at.head.push(start);
            }
            if written == tail {
                at.tail.push(start);
            }
        }
    }
    // A list finding keeps the separators right; a saying that covers it adds nothing.
    let mut said: Vec<Finding> = sayings
        .into_iter()
        .filter_map(|(saying, at)| {
            check_saying(&chars, &norm, &formulas.sayings[saying], &at, formulas)
        })
        .filter(|f| !out.iter().any(|o| overlaps(&o.range, &f.range)))
        .collect();
    said.sort_by_key(|f| (f.range.start, std::cmp::Reverse(f.range.end)));
    let mut last_end = 0;
    said.retain(|f| {
        let keep = f.range.start >= last_end;
        if keep {
            last_end = f.range.end;
        }
        keep
    });
    out.extend(said);
    out.sort_by_key(|f| (f.range.start, f.range.end));
    out
}

/// The typo check reports the character at `at` of the line: a one-character slip inside a
/// formula is left to it then, so that one finding, the more telling one, is made.
fn typo_claims(chars: &[char], at: usize) -> bool {
    let line: String = chars.iter().collect();
    crate::checks::typo::check(&line)
        .iter()
        .any(|f| f.range.start == at)
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

/// Text between two items that is only separators (and spaces); 和、及、与 join the last item.
fn only_separators(s: &[char]) -> bool {
    !s.is_empty()
        && s.iter()
            .all(|&c| is_item_sep(c) || is_joiner(c) || c == ' ')
}

/// A conjunction that joins the last item of a list (享乐主义和奢靡之风).
fn is_joiner(c: char) -> bool {
    matches!(c, '和' | '及' | '与')
}

fn edit(range: Range<usize>, new_text: impl Into<String>) -> Edit {
    Edit {
        range,
        new_text: new_text.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(line: &str) -> String {
        crate::checks::with_fixes(line, check_line(line))
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
        // A short saying of sayings.txt, with its source in the message.
        let found = check_line("正如总书记所说，幸福都是拼搏出来的。");
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("新年贺词"),
            "{}",
            found[0].message
        );
        assert_eq!(
            fixed("正如总书记所说，幸福都是拼搏出来的。"),
            "正如总书记所说，幸福都是奋斗出来的。"
        );
        // A one-character change that sounds alike but makes a word (老相) is not one the typo
        // check reports: it is held to the saying here.
        assert!(crate::checks::typo::check("小康不小康，关键看老相。").is_empty());
        assert_eq!(
            fixed("小康不小康，关键看老相。"),
            "小康不小康，关键看老乡。"
        );
        // Where the typo check reports it, it is left to that check.
        assert!(check_line("如期实现脱贫摘冒。").is_empty());
        // A word left out of a long formula.
        assert_eq!(
            fixed("坚决维护习近平总书记党中央的核心、全党的核心地位，坚决维护党中央集中统一领导。"),
            "坚决维护习近平总书记党中央的核心、全党的核心地位，坚决维护党中央权威和集中统一领导。"
        );
    }

    #[test]
    fn list_fixes_keep_separators_and_joiners() {
        // The list's fix, not the saying's, so the separator comes with the missing item.
        assert_eq!(
            fixed("完整、准确、全面贯彻创新、协调、绿色、共享的新发展理念。"),
            "完整、准确、全面贯彻创新、协调、绿色、开放、共享的新发展理念。"
        );
        // Items that hold a 的 each are whole items, so their order is checked to the end.
        assert_eq!(
            fixed("要看是否有利于发展社会主义社会的生产力、是否有利于提高人民的生活水平、是否有利于增强社会主义国家的综合国力。"),
            "要看是否有利于发展社会主义社会的生产力、是否有利于增强社会主义国家的综合国力、是否有利于提高人民的生活水平。"
        );
        assert_eq!(
            fixed("纠治形式主义、官僚主义、享乐主义和奢侈之风。"),
            "纠治形式主义、官僚主义、享乐主义和奢靡之风。"
        );
    }

    #[test]
    fn official_wording_is_left_alone() {
        for line in [
            "“四个意识”是政治意识、大局意识、核心意识、看齐意识。",
            "坚定道路自信、理论自信、制度自信。",
            // The current 四个全面 is not held to the one before 2020 that shares three items.
            "协调推进全面建设社会主义现代化国家、全面深化改革、全面依法治国、全面从严治党的战略布局。",
            "江山就是人民，人民就是江山。",
            "扎实推进共同富裕，提高低保标准。",
            // A form in use beside the official one, and adapted glossary spellings.
            "小事不出村、大事不出乡、矛盾不上交。",
            "建设更高水平的平安云岭。",
            "推行网格化管理、精细化服务。",
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
