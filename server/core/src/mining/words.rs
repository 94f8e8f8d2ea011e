//! Usage statistics of the corpus's content words: in how many essays each occurs, and where
//! in the first few of them (for the glossary's hover on a word it has no entry for).

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use aho_corasick::AhoCorasick;

use super::Segmented;
use crate::glossary::matcher::NormText;
use crate::normalize::normalize_str;

/// Places kept per word: enough for the examples a hover shows.
const MAX_PLACES: usize = crate::glossary::usage::MAX_EXAMPLES * 2;

/// An occurrence of a term or word in the corpus.
#[derive(Debug, Clone)]
pub(crate) struct Place {
    pub essay: usize,
    pub range: Range<usize>,
    /// Inside a longer glossary term; used as an example only when nothing better exists.
    pub shadowed: bool,
}

/// Where a frequent corpus word occurs: the number of essays, and one place in each of the first
/// few of them.
pub(crate) struct WordUsage {
    pub essay_count: usize,
    pub occurrences: Vec<Place>,
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
pub(crate) struct WordCounter {
    vocabulary: Vec<String>,
    automaton: Option<AhoCorasick>,
    usage: Vec<WordUsage>,
    last_essay: Vec<usize>,
}

impl WordCounter {
    pub(crate) fn new(corpus: &Segmented<'_>) -> WordCounter {
        let mut vocabulary: Vec<String> = corpus
            .essays()
            .flat_map(|(_, words)| words)
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

    pub(crate) fn add(&mut self, id: usize, norm: &NormText) {
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
            if u.occurrences.len() < MAX_PLACES {
                u.occurrences.push(Place {
                    essay: id,
                    range,
                    shadowed: false,
                });
            }
        }
    }

    /// Words found in at least two essays.
    pub(crate) fn finish(self) -> HashMap<String, WordUsage> {
        self.vocabulary
            .into_iter()
            .zip(self.usage)
            .filter(|(_, u)| u.essay_count >= 2)
            .collect()
    }
}
