//! The phrase inventory mined from the corpus: recurring jieba n-grams, quoted phrases, pairs of
//! quoted phrases, clause continuations and parallel structures. `phrases::build` adds the
//! curated list and the glossary's terms to it and measures how the corpus uses each phrase.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use super::clauses::{
    fold_punct, full_width_punct, is_clause_punct, parallel_affix, parallel_snippet, trim_clause,
    trim_lead_in, Core,
};
use super::{sentences, Clause, Segmented};
use crate::normalize::normalize_str;
use crate::phrases::curated::join;
use crate::phrases::{SuggestionKind, MAX_CLAUSE_CHARS, MIN_CLAUSE_CHARS};
use crate::text::{is_han, is_sentence_end};

/// Token n-grams: 1–4 tokens; a single token needs 3 chars, several need 4; at most 12.
const NGRAM_MAX_TOKENS: usize = 4;
const NGRAM_MIN_CHARS_ONE: usize = 3;
const NGRAM_MIN_CHARS: usize = 4;
const NGRAM_MAX_CHARS: usize = 12;
/// An n-gram is a phrase when it occurs in this many essays…
const NGRAM_MIN_ESSAYS: u32 = 2;
/// …or this many times.
const NGRAM_MIN_COUNT: u32 = 3;
/// Quoted phrases: 2–20 chars.
const QUOTE_MIN_CHARS: usize = 2;
const QUOTE_MAX_CHARS: usize = 20;
/// A continuation offered from the corpus is at most this long.
const FOLLOW_MAX_CHARS: usize = 30;
/// Two quoted phrases with at most this many Han characters between them are a pair.
const QUOTE_LINK_MAX_CHARS: usize = 4;

/// Single characters that do not begin or end a phrase: the particles, and pronouns,
/// localisers, modals and other function words.
fn is_function_char(c: char) -> bool {
    is_particle(c)
        || matches!(
            c,
            '过' | '为'
                | '有'
                | '这'
                | '那'
                | '其'
                | '以'
                | '到'
                | '更'
                | '只'
                | '所'
                | '个'
                | '我'
                | '你'
                | '他'
                | '她'
                | '它'
                | '们'
                | '中'
                | '上'
                | '下'
                | '能'
                | '会'
                | '该'
                | '此'
                | '如'
                | '若'
                | '即'
                | '则'
                | '但'
                | '却'
        )
}

#[derive(Debug, Default)]
pub(crate) struct EntryDraft {
    pub text: String,
    pub kind: Option<SuggestionKind>,
    pub snippet: Option<String>,
}

#[derive(Debug)]
pub(crate) struct FollowDraft {
    pub text: String,
    pub sep: String,
    pub kind: SuggestionKind,
    pub order: u8,
    /// From a curated chain, in its canonical order.
    pub curated: bool,
    pub snippet: Option<String>,
    /// Normalised text whose corpus usage this continuation reports.
    pub probe: String,
}

#[derive(Debug, Default, Clone, Copy)]
struct NgramCount {
    count: u32,
    essays: u32,
    last_essay: Option<usize>,
}

/// Phrases and continuations found so far, by normalised key.
#[derive(Default)]
pub(crate) struct Inventory {
    pub entries: HashMap<String, EntryDraft>,
    pub follows: HashMap<String, Vec<FollowDraft>>,
    ngrams: HashMap<String, NgramCount>,
    /// Normalised corpus words (Han, two chars or more): known to be whole.
    pub vocab: HashSet<String>,
    /// Normalised clause of a curated chain → the normalised clauses before it (and itself):
    /// never offered after it, whatever order the corpus wrote them in.
    pub earlier: HashMap<String, HashSet<String>>,
}

/// Mines every essay of `corpus`: n-grams from its words, quotations, clauses.
pub(crate) fn mine(corpus: &Segmented<'_>) -> Inventory {
    let mut b = Inventory::default();
    for (essay, words) in corpus.essays() {
        b.mine_ngrams(essay.id, words);
        b.mine_quotes(&essay.text);
        b.mine_quote_pairs(&essay.text);
        b.mine_clauses(&essay.text);
    }
    let ngrams = std::mem::take(&mut b.ngrams);
    for (text, n) in ngrams {
        if n.essays >= NGRAM_MIN_ESSAYS || n.count >= NGRAM_MIN_COUNT {
            b.add_entry(&text, SuggestionKind::Phrase, None);
        }
    }
    b
}

impl Inventory {
    /// Adds (or merges) a phrase completed from its beginning.
    pub(crate) fn add_entry(&mut self, text: &str, kind: SuggestionKind, snippet: Option<String>) {
        let text = fold_punct(text.trim());
        let key = normalize_str(&text);
        if key.chars().count() < 2 || !text.chars().any(is_han) {
            return;
        }
        let draft = self.entries.entry(key).or_default();
        if draft
            .kind
            .is_none_or(|existing| kind.priority() < existing.priority())
        {
            draft.kind = Some(kind);
            draft.text = text;
        }
        if draft.snippet.is_none() {
            draft.snippet = snippet;
        }
    }

    /// Adds a continuation of `clause` (any text; keyed by its normalised form).
    fn add_follow(&mut self, clause: &str, follow: FollowDraft, min_key_chars: usize) {
        let key = normalize_str(clause);
        let key_chars = key.chars().count();
        if key_chars < min_key_chars || key_chars > MAX_CLAUSE_CHARS {
            return;
        }
        let target = normalize_str(&follow.text);
        if target.is_empty() || target == key {
            return;
        }
        let list = self.follows.entry(key).or_default();
        if let Some(existing) = list.iter_mut().find(|f| normalize_str(&f.text) == target) {
            if follow.order < existing.order {
                *existing = follow;
            }
            return;
        }
        list.push(follow);
    }

    /// Jieba n-grams of Han words, counted per essay.
    fn mine_ngrams(&mut self, essay: usize, words: &[(Range<usize>, &str)]) {
        let is_word = |w: &str| w.chars().all(is_han);
        for (_, word) in words {
            if word.chars().count() >= 2 && is_word(word) {
                self.vocab.insert(normalize_str(word));
            }
        }
        for i in 0..words.len() {
            let mut text = String::new();
            let mut chars = 0;
            for n in 1..=NGRAM_MAX_TOKENS {
                let Some((_, word)) = words.get(i + n - 1) else {
                    break;
                };
                if !is_word(word) {
                    break;
                }
                text.push_str(word);
                chars += word.chars().count();
                if chars > NGRAM_MAX_CHARS {
                    break;
                }
                let min = if n == 1 {
                    NGRAM_MIN_CHARS_ONE
                } else {
                    NGRAM_MIN_CHARS
                };
                if chars < min || !phrase_edges(&text, words[i].1, word) {
                    continue;
                }
                let count = self.ngrams.entry(text.clone()).or_default();
                count.count += 1;
                if count.last_essay != Some(essay) {
                    count.last_essay = Some(essay);
                    count.essays += 1;
                }
            }
        }
    }

    /// Phrases in “…”.
    fn mine_quotes(&mut self, text: &str) {
        let mut rest = text;
        while let Some(open) = rest.find('“') {
            let after = &rest[open + '“'.len_utf8()..];
            let Some(close) = after.find(['”', '“', '\n']) else {
                break;
            };
            let inner = &after[..close];
            if after[close..].starts_with('”') {
                let phrase = trim_clause(inner);
                let chars = phrase.chars().count();
                if (QUOTE_MIN_CHARS..=QUOTE_MAX_CHARS).contains(&chars)
                    && phrase.chars().filter(|&c| is_han(c)).count() >= 2
                {
                    self.add_entry(phrase, SuggestionKind::Quote, None);
                }
            }
            rest = &after[close..];
        }
    }

    /// Pairs of quoted phrases joined by a few words or one punctuation mark (“扶贫”更要“扶志”,
    /// “扶起来”，更要“站起来”, “两不愁”“三保障”): the second continues the first, whatever
    /// punctuation the writer then types between them.
    fn mine_quote_pairs(&mut self, text: &str) {
        let chars: Vec<char> = text.chars().collect();
        // (start, end) of the inside of every closed “…” on the text, in order.
        let mut quotes: Vec<(usize, usize)> = Vec::new();
        let mut open = None;
        for (i, &c) in chars.iter().enumerate() {
            match c {
                '“' => open = Some(i + 1),
                '”' => {
                    if let Some(start) = open.take() {
                        quotes.push((start, i));
                    }
                }
                c if is_sentence_end(c) => open = None,
                _ => {}
            }
        }
        for pair in quotes.windows(2) {
            let ((a, b), (c, d)) = (pair[0], pair[1]);
            // Between the closing ” at b and the opening “ at c - 1.
            let link = &chars[b + 1..c - 1];
            let puncts: Vec<char> = link
                .iter()
                .copied()
                .filter(|&ch| is_clause_punct(ch))
                .collect();
            if link.len() - puncts.len() > QUOTE_LINK_MAX_CHARS
                || puncts.len() > 1
                || link.iter().any(|&ch| !is_han(ch) && !is_clause_punct(ch))
            {
                continue;
            }
            let sep = match puncts.first() {
                Some(&p) => full_width_punct(p).to_string(),
                None if link.is_empty() => "、".to_owned(),
                None => "，".to_owned(),
            };
            let first: String = chars[a..b].iter().collect();
            let second: String = chars[c..d].iter().collect();
            let (first, second) = (trim_clause(&first), trim_clause(&second));
            let target_chars = second.chars().filter(|&ch| is_han(ch)).count();
            if first.chars().any(|ch| !is_han(ch))
                || second.chars().any(|ch| !is_han(ch))
                || !(2..=FOLLOW_MAX_CHARS).contains(&target_chars)
            {
                continue;
            }
            self.add_follow(
                first,
                FollowDraft {
                    text: second.to_owned(),
                    sep,
                    kind: SuggestionKind::Continuation,
                    order: 0,
                    curated: false,
                    snippet: None,
                    probe: normalize_str(&chars[a..d].iter().collect::<String>()),
                },
                MIN_CLAUSE_CHARS,
            );
        }
    }

    /// Clause continuations and parallel structures, sentence by sentence.
    fn mine_clauses(&mut self, text: &str) {
        for sentence in sentences(text, is_sentence_end) {
            let cores: Vec<Core<'_>> = sentence.iter().map(|c| Core::of(c.raw)).collect();
            for (i, clause) in sentence.iter().enumerate() {
                let Some(sep) = clause.sep else { continue };
                let Some(next) = cores.get(i + 1) else {
                    continue;
                };
                // What follows: the next clause as written, up to a quotation it closes.
                let target = next.head;
                let target_chars = target.chars().count();
                if !(2..=FOLLOW_MAX_CHARS).contains(&target_chars)
                    || target.chars().filter(|&c| is_han(c)).count() < 2
                {
                    continue;
                }
                let from = trim_clause(clause.raw);
                let target = fold_punct(target);
                let mut keys = vec![from];
                if cores[i].core != from {
                    keys.push(cores[i].core);
                }
                for key in keys {
                    self.add_follow(
                        key,
                        FollowDraft {
                            text: target.clone(),
                            sep: sep.to_string(),
                            kind: SuggestionKind::Continuation,
                            order: 0,
                            curated: false,
                            snippet: None,
                            probe: format!("{}{}", normalize_str(key), normalize_str(&target)),
                        },
                        MIN_CLAUSE_CHARS,
                    );
                }
            }
            self.mine_parallels(&sentence, &cores);
        }
    }

    /// Runs of clauses sharing a beginning or an ending: 摘帽不摘责任、摘帽不摘政策、…
    fn mine_parallels(&mut self, sentence: &[Clause<'_>], cores: &[Core<'_>]) {
        let mut i = 0;
        while i < sentence.len() {
            let mut j = i;
            // Extend while the next clause is joined the same way and the run stays parallel.
            while j + 1 < sentence.len() {
                let Some(sep) = sentence[j].sep else { break };
                let same_class = match sentence[i].sep {
                    Some('、') => sep == '、',
                    Some(_) => matches!(sep, '，' | '；'),
                    None => false,
                };
                if !same_class || cores[j].cut_end || cores[j + 1].cut_start {
                    break;
                }
                let members: Vec<&str> = cores[i..=j + 1].iter().map(|c| c.core).collect();
                if parallel_affix(&members).is_none() {
                    break;
                }
                j += 1;
            }
            let n = j - i + 1;
            let enough = match sentence[i].sep {
                Some('、') => n >= 2,
                _ => n >= 3,
            };
            if enough {
                let mut members: Vec<String> =
                    cores[i..=j].iter().map(|c| fold_punct(c.core)).collect();
                trim_lead_in(&mut members);
                let seps: Vec<String> = sentence[i..j]
                    .iter()
                    .map(|c| c.sep.map(String::from).unwrap_or_default())
                    .collect();
                self.add_group(&members, &seps, false);
                i = j + 1;
            } else {
                i += 1;
            }
        }
    }

    /// A chain of clauses (curated formula, or a parallel run from the corpus): the whole, each
    /// clause, and what follows each clause.
    pub(crate) fn add_group(&mut self, clauses: &[String], seps: &[String], curated: bool) {
        let whole = join(clauses, seps);
        let refs: Vec<&str> = clauses.iter().map(String::as_str).collect();
        let affix = if clauses.len() > 1 {
            parallel_affix(&refs)
        } else {
            None
        };
        let group_kind = if affix.is_some() {
            SuggestionKind::Parallel
        } else {
            SuggestionKind::Formula
        };
        let member_kind = if curated {
            SuggestionKind::Formula
        } else {
            SuggestionKind::Parallel
        };
        let snippet =
            |from: usize| affix.map(|a| parallel_snippet(&clauses[from..], &seps[from..], a));
        self.add_entry(&whole, group_kind, snippet(0));
        if clauses.len() == 1 {
            return;
        }
        for clause in clauses {
            self.add_entry(clause, member_kind, None);
        }
        let min_key = if curated { 2 } else { MIN_CLAUSE_CHARS };
        let last = clauses.len() - 1;
        if curated {
            let keys: Vec<String> = clauses.iter().map(|c| normalize_str(c)).collect();
            for (i, key) in keys.iter().enumerate() {
                self.earlier
                    .entry(key.clone())
                    .or_default()
                    .extend(keys[..=i].iter().cloned());
            }
        }
        for (i, clause) in clauses.iter().enumerate() {
            let key = normalize_str(clause);
            if i < last {
                let next = &clauses[i + 1];
                self.add_follow(
                    clause,
                    FollowDraft {
                        text: next.clone(),
                        sep: seps[i].clone(),
                        kind: SuggestionKind::Continuation,
                        order: 0,
                        curated,
                        snippet: None,
                        probe: format!("{key}{}", normalize_str(next)),
                    },
                    min_key,
                );
            }
            if i + 2 <= last {
                let rest = join(&clauses[i + 1..], &seps[i + 1..]);
                self.add_follow(
                    clause,
                    FollowDraft {
                        probe: format!("{key}{}", normalize_str(&rest)),
                        text: rest,
                        sep: seps[i].clone(),
                        kind: group_kind,
                        order: 1,
                        curated,
                        snippet: snippet(i + 1),
                    },
                    min_key,
                );
            }
            if affix.is_some() {
                let sep = seps.get(i).or(seps.last()).cloned().unwrap_or_default();
                // Only the members after this one: a chain is written in its order.
                for (j, other) in clauses.iter().enumerate() {
                    if j <= i + 1 {
                        continue;
                    }
                    self.add_follow(
                        clause,
                        FollowDraft {
                            text: other.clone(),
                            sep: sep.clone(),
                            kind: SuggestionKind::Parallel,
                            order: 2,
                            curated,
                            snippet: None,
                            probe: normalize_str(other),
                        },
                        min_key,
                    );
                }
            }
        }
    }
}

/// Whether a mined n-gram has plausible edges: its first and last words are not function
/// words, it does not begin with a particle or preposition (要从严, 在脱贫…) and does not end
/// with one (…工作的).
fn phrase_edges(text: &str, first_word: &str, last_word: &str) -> bool {
    let single = |w: &str| {
        let mut chars = w.chars();
        matches!((chars.next(), chars.next()), (Some(c), None) if is_function_char(c))
    };
    let first = text.chars().next();
    let last = text.chars().next_back();
    !single(first_word)
        && !single(last_word)
        && !first.is_some_and(is_particle)
        && !last.is_some_and(is_particle)
}

/// Particles and prepositions that neither begin nor end a phrase, even inside a longer word
/// jieba produced (要从严).
fn is_particle(c: char) -> bool {
    matches!(
        c,
        '的' | '了'
            | '着'
            | '地'
            | '得'
            | '和'
            | '与'
            | '及'
            | '或'
            | '是'
            | '在'
            | '对'
            | '把'
            | '将'
            | '被'
            | '让'
            | '使'
            | '要'
            | '也'
            | '都'
            | '就'
            | '并'
            | '而'
            | '从'
            | '等'
            | '之'
            | '于'
            | '给'
            | '向'
            | '由'
            | '很'
            | '又'
            | '还'
            | '再'
            | '才'
            | '啊'
            | '吗'
            | '呢'
            | '吧'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mined_phrases_do_not_begin_or_end_with_particles() {
        assert!(phrase_edges("脱贫攻坚工作", "脱贫攻坚", "工作"));
        assert!(phrase_edges("扶贫工作中", "扶贫", "工作中"));
        assert!(!phrase_edges("要从严", "要从严", "要从严"));
        assert!(!phrase_edges("在脱贫攻坚", "在", "脱贫攻坚"));
        assert!(!phrase_edges("扶贫工作的", "扶贫", "工作的"));
        assert!(phrase_edges("脱贫攻坚心得体会", "脱贫攻坚", "心得体会"));
    }
}
