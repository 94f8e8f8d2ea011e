//! Building the phrase inventory: mining the corpus, merging the curated list and the glossary,
//! and measuring how the corpus uses every phrase.

use std::collections::{HashMap, HashSet};

use aho_corasick::AhoCorasick;

use super::curated::{self, join};
use super::text::{
    common_prefix_chars, common_suffix_chars, fold_punct, full_width_punct, inner_clause,
    is_clause_punct, is_closing, is_han, is_opening, is_sentence_end, markdown_escape, sentences,
    snippet_escape, trim_clause,
};
use super::{Entry, Follow, PhraseBook, SuggestionKind, MAX_CLAUSE_CHARS, MIN_CLAUSE_CHARS};
use crate::corpus::{Corpus, Essay, Origin};
use crate::normalize::{normalize, normalize_str};

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
/// Members of a parallel structure found in the corpus: 2–12 chars.
const MEMBER_MAX_CHARS: usize = 12;
/// Two quoted phrases with at most this many Han characters between them are a pair.
const QUOTE_LINK_MAX_CHARS: usize = 4;
/// Continuations kept per clause.
const FOLLOWS_PER_CLAUSE: usize = 12;
/// Context kept on each side of a phrase in an example sentence.
const EXAMPLE_CONTEXT_CHARS: usize = 36;

/// Single characters that do not begin or end a phrase.
fn is_function_char(c: char) -> bool {
    matches!(
        c,
        '的' | '地'
            | '得'
            | '了'
            | '着'
            | '过'
            | '和'
            | '与'
            | '及'
            | '或'
            | '是'
            | '在'
            | '对'
            | '把'
            | '将'
            | '为'
            | '也'
            | '都'
            | '就'
            | '要'
            | '有'
            | '并'
            | '而'
            | '从'
            | '被'
            | '让'
            | '使'
            | '等'
            | '这'
            | '那'
            | '其'
            | '之'
            | '以'
            | '于'
            | '到'
            | '给'
            | '向'
            | '由'
            | '很'
            | '更'
            | '又'
            | '还'
            | '再'
            | '才'
            | '只'
            | '所'
            | '个'
            | '我'
            | '你'
            | '他'
            | '她'
            | '它'
            | '们'
            | '啊'
            | '吗'
            | '呢'
            | '吧'
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
struct EntryDraft {
    text: String,
    kind: Option<SuggestionKind>,
    snippet: Option<String>,
}

#[derive(Debug)]
struct FollowDraft {
    text: String,
    sep: String,
    kind: SuggestionKind,
    order: u8,
    /// From a curated chain, in its canonical order.
    curated: bool,
    snippet: Option<String>,
    /// Normalised text whose corpus usage this continuation reports.
    probe: String,
}

#[derive(Debug, Default, Clone, Copy)]
struct NgramCount {
    count: u32,
    essays: u32,
    last_essay: Option<usize>,
}

/// Where a probe first occurs: essay, char range in its text.
#[derive(Debug, Clone)]
struct Hit {
    essay: usize,
    start: usize,
    end: usize,
}

#[derive(Debug, Default, Clone)]
struct Usage {
    essays: u32,
    count: u32,
    last_essay: Option<usize>,
    first: Option<Hit>,
}

#[derive(Default)]
struct Builder {
    entries: HashMap<String, EntryDraft>,
    follows: HashMap<String, Vec<FollowDraft>>,
    ngrams: HashMap<String, NgramCount>,
    vocab: HashSet<String>,
    /// Normalised clause of a curated chain → the normalised clauses before it (and itself):
    /// never offered after it, whatever order the corpus wrote them in.
    earlier: HashMap<String, HashSet<String>>,
}

pub(super) fn build(corpus: &Corpus, terms: &[String]) -> PhraseBook {
    let mut b = Builder::default();
    for essay in &corpus.essays {
        b.mine_ngrams(essay);
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
    for formula in curated::parse(crate::builtin::text("phrases.txt").lines()) {
        b.add_group(&formula.clauses, &formula.seps, true);
    }
    for term in terms {
        b.add_entry(term, SuggestionKind::Term, None);
    }
    b.finish(corpus)
}

impl Builder {
    /// Adds (or merges) a phrase completed from its beginning.
    fn add_entry(&mut self, text: &str, kind: SuggestionKind, snippet: Option<String>) {
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
    fn mine_ngrams(&mut self, essay: &Essay) {
        let words = crate::segment::words(&essay.text);
        let is_word = |w: &str| w.chars().all(is_han);
        for (_, word) in &words {
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
                if count.last_essay != Some(essay.id) {
                    count.last_essay = Some(essay.id);
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
        for sentence in sentences(text) {
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
    fn mine_parallels(&mut self, sentence: &[super::text::Clause<'_>], cores: &[Core<'_>]) {
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
    fn add_group(&mut self, clauses: &[String], seps: &[String], curated: bool) {
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

    /// Measures every phrase and continuation in the corpus and freezes the inventory.
    fn finish(self, corpus: &Corpus) -> PhraseBook {
        let Builder {
            entries,
            mut follows,
            mut vocab,
            earlier,
            ..
        } = self;
        // After a clause of a curated chain, the corpus's continuations that go back to an
        // earlier clause of the chain are dropped (学史崇德、→ 学史力行, never 学史明理).
        for (key, list) in follows.iter_mut() {
            if let Some(before) = earlier.get(key) {
                list.retain(|f| f.curated || !before.contains(&normalize_str(&f.text)));
            }
        }
        // Every text whose usage is reported, measured in one pass over the normalised corpus.
        let mut probes: Vec<String> = Vec::new();
        let mut probe_ids: HashMap<String, usize> = HashMap::new();
        let mut probe_id = |text: &str| -> usize {
            if let Some(&id) = probe_ids.get(text) {
                return id;
            }
            probes.push(text.to_owned());
            probe_ids.insert(text.to_owned(), probes.len() - 1);
            probes.len() - 1
        };
        let entry_probes: Vec<usize> = entries.keys().map(|k| probe_id(k)).collect();
        let follow_probes: Vec<Vec<usize>> = follows
            .values()
            .map(|list| list.iter().map(|f| probe_id(&f.probe)).collect())
            .collect();
        let usage = measure(corpus, &probes);

        let mut book_entries: Vec<Entry> = entries
            .into_iter()
            .zip(entry_probes)
            .map(|((key, draft), probe)| {
                let kind = draft.kind.unwrap_or(SuggestionKind::Phrase);
                let u = &usage[probe];
                Entry {
                    detail: detail(kind, u),
                    documentation: documentation(corpus, u, &draft.text),
                    key,
                    text: draft.text,
                    kind,
                    snippet: draft.snippet,
                    essays: u.essays,
                    count: u.count,
                }
            })
            .collect();
        book_entries.sort_by(|a, b| a.key.cmp(&b.key));
        vocab.extend(book_entries.iter().map(|e| e.key.clone()));

        let mut book_follows = HashMap::with_capacity(follows.len());
        for ((key, list), probes) in follows.into_iter().zip(follow_probes) {
            let mut ranked: Vec<(usize, Follow)> = list
                .into_iter()
                .zip(probes)
                .enumerate()
                .map(|(n, (f, probe))| {
                    let u = &usage[probe];
                    (
                        n,
                        Follow {
                            key: normalize_str(&f.text),
                            curated: f.curated,
                            detail: detail(f.kind, u),
                            documentation: documentation(corpus, u, &f.text),
                            text: f.text,
                            sep: f.sep,
                            kind: f.kind,
                            order: f.order,
                            snippet: f.snippet,
                            essays: u.essays,
                            count: u.count,
                        },
                    )
                })
                .collect();
            // The curated chains' own continuations first, so the cut never drops them.
            ranked.sort_by_key(|(n, f)| {
                (
                    std::cmp::Reverse(f.curated),
                    std::cmp::Reverse(f.essays),
                    std::cmp::Reverse(f.count),
                    f.order,
                    *n,
                )
            });
            ranked.truncate(FOLLOWS_PER_CLAUSE);
            book_follows.insert(key, ranked.into_iter().map(|(_, f)| f).collect());
        }
        PhraseBook {
            entries: book_entries,
            follows: book_follows,
            vocab,
        }
    }
}

/// A clause's own text, without quotation marks it opens or closes for text around it.
struct Core<'a> {
    /// Trimmed, after the last unclosed opening mark, before the first unopened closing mark.
    core: &'a str,
    /// Trimmed, before the first unopened closing mark (what is offered as a continuation).
    head: &'a str,
    cut_start: bool,
    cut_end: bool,
}

impl<'a> Core<'a> {
    fn of(raw: &'a str) -> Core<'a> {
        let trimmed = trim_clause(raw);
        let core = inner_clause(raw).unwrap_or(trimmed);
        // The head: cut at the first closing mark that closes nothing inside the clause.
        let mut depth = 0usize;
        let mut head_end = trimmed.len();
        for (i, c) in trimmed.char_indices() {
            if is_opening(c) {
                depth += 1;
            } else if is_closing(c) {
                if depth == 0 {
                    head_end = i;
                    break;
                }
                depth -= 1;
            }
        }
        let head = trim_clause(&trimmed[..head_end]);
        let cut_start = !trimmed.starts_with(core) || raw.trim_start().starts_with(is_opening);
        let cut_end = !trimmed.ends_with(core) || raw.trim_end().ends_with(is_closing);
        Core {
            core,
            head,
            cut_start,
            cut_end,
        }
    }
}

/// The shared beginning and ending (in chars) that make `members` a parallel structure:
/// together at least 2 chars, with something left to vary in every member.
fn parallel_affix(members: &[&str]) -> Option<(usize, usize)> {
    if members.len() < 2
        || members
            .iter()
            .any(|m| !(2..=MEMBER_MAX_CHARS).contains(&m.chars().count()))
    {
        return None;
    }
    let prefix = common_prefix_chars(members);
    let rests: Vec<String> = members
        .iter()
        .map(|m| m.chars().skip(prefix).collect())
        .collect();
    let rest_refs: Vec<&str> = rests.iter().map(String::as_str).collect();
    let suffix = common_suffix_chars(&rest_refs);
    let varies = rests.iter().all(|r| r.chars().count() > suffix);
    (prefix + suffix >= 2 && varies).then_some((prefix, suffix))
}

/// In a structure that shares only an ending, the first member often carries the words that
/// lead into the enumeration (五保障即住房有保障、增收有保障…): cut it to the length of the
/// longest other member (住房有保障).
fn trim_lead_in(members: &mut [String]) {
    let refs: Vec<&str> = members.iter().map(String::as_str).collect();
    if common_prefix_chars(&refs) > 0 {
        return;
    }
    let longest_other = refs[1..]
        .iter()
        .map(|m| m.chars().count())
        .max()
        .unwrap_or(0);
    let first_len = refs[0].chars().count();
    if longest_other > 0 && first_len > longest_other {
        members[0] = members[0].chars().skip(first_len - longest_other).collect();
    }
}

/// `摘帽不摘${1:政策}、摘帽不摘${2:帮扶}`: the varying part of each member as a placeholder.
fn parallel_snippet(
    members: &[String],
    seps: &[String],
    (prefix, suffix): (usize, usize),
) -> String {
    let mut out = String::new();
    for (k, member) in members.iter().enumerate() {
        let chars: Vec<char> = member.chars().collect();
        let head: String = chars[..prefix].iter().collect();
        let mid: String = chars[prefix..chars.len() - suffix].iter().collect();
        let tail: String = chars[chars.len() - suffix..].iter().collect();
        out.push_str(&snippet_escape(&head));
        out.push_str(&format!("${{{}:{}}}", k + 1, snippet_escape(&mid)));
        out.push_str(&snippet_escape(&tail));
        if k + 1 < members.len() {
            out.push_str(&snippet_escape(seps.get(k).map_or("", String::as_str)));
        }
    }
    out
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

/// Counts every probe (normalised text) in every essay: overlapping occurrences, essays, and
/// the first occurrence.
fn measure(corpus: &Corpus, probes: &[String]) -> Vec<Usage> {
    let mut usage = vec![Usage::default(); probes.len()];
    if probes.is_empty() {
        return usage;
    }
    let ac = AhoCorasick::new(probes).expect("phrase probes build an automaton");
    for essay in &corpus.essays {
        let norm = normalize(&essay.text);
        let text: String = norm.chars.iter().collect();
        // Byte offset of each normalised char, to turn match offsets into char offsets.
        let starts: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        for m in ac.find_overlapping_iter(&text) {
            let u = &mut usage[m.pattern().as_usize()];
            u.count += 1;
            if u.last_essay != Some(essay.id) {
                u.last_essay = Some(essay.id);
                u.essays += 1;
            }
            if u.first.is_none() {
                let start = starts.partition_point(|&b| b < m.start());
                let end = starts.partition_point(|&b| b < m.end());
                if start < end {
                    let range = norm.source_range(start, end);
                    u.first = Some(Hit {
                        essay: essay.id,
                        start: range.start,
                        end: range.end,
                    });
                }
            }
        }
    }
    usage
}

fn detail(kind: SuggestionKind, u: &Usage) -> String {
    if u.essays == 0 {
        format!("{} · 语料未见", kind.label_zh())
    } else if u.count > u.essays {
        format!("{} · 语料 {} 篇 {} 次", kind.label_zh(), u.essays, u.count)
    } else {
        format!("{} · 语料 {} 篇", kind.label_zh(), u.essays)
    }
}

/// An example sentence with the phrase in bold, and where it comes from.
fn documentation(corpus: &Corpus, u: &Usage, text: &str) -> Option<String> {
    let Some(hit) = &u.first else {
        return Some(format!(
            "**{}**\n\n常用提法（essay-lsp 整理），参考语料中未见。",
            markdown_escape(text)
        ));
    };
    let essay = corpus.essays.get(hit.essay)?;
    let chars: Vec<char> = essay.text.chars().collect();
    let mut from = hit.start;
    while from > 0 && hit.start - from < EXAMPLE_CONTEXT_CHARS && !is_sentence_end(chars[from - 1])
    {
        from -= 1;
    }
    let mut to = hit.end;
    while to < chars.len() && to - hit.end < EXAMPLE_CONTEXT_CHARS && !is_sentence_end(chars[to]) {
        to += 1;
    }
    if to < chars.len() && matches!(chars[to], '。' | '！' | '？' | '!' | '?') {
        to += 1;
    }
    let piece = |a: usize, b: usize| markdown_escape(chars[a..b].iter().collect::<String>().trim());
    let lead = if from > 0 && !is_sentence_end(chars[from - 1]) {
        "…"
    } else {
        ""
    };
    let trail = if to < chars.len() && !is_sentence_end(chars[to - 1]) {
        "…"
    } else {
        ""
    };
    let line = chars[..hit.start].iter().filter(|&&c| c == '\n').count() as u32;
    let place = match &essay.origin {
        Origin::Builtin {
            part, first_line, ..
        } => format!("内置语料{part}，原文第 {} 行", first_line + line),
        Origin::File(path) => format!("{}，第 {} 行", path.display(), line + 1),
    };
    Some(format!(
        "> {lead}{}**{}**{}{trail}\n\n——《{}》（{place}）",
        piece(from, hit.start),
        piece(hit.start, hit.end),
        piece(hit.end, to),
        markdown_escape(&essay.title),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_affixes() {
        assert_eq!(
            parallel_affix(&["摘帽不摘责任", "摘帽不摘政策", "摘帽不摘帮扶"]),
            Some((4, 0))
        );
        assert_eq!(
            parallel_affix(&["义务教育有保障", "住房安全有保障"]),
            Some((0, 3))
        );
        assert_eq!(parallel_affix(&["队伍不能撤", "人心不能散"]), None);
        assert_eq!(parallel_affix(&["不愁", "不愁穿"]), None);
    }

    #[test]
    fn mined_phrases_do_not_begin_or_end_with_particles() {
        assert!(phrase_edges("脱贫攻坚工作", "脱贫攻坚", "工作"));
        assert!(phrase_edges("扶贫工作中", "扶贫", "工作中"));
        assert!(!phrase_edges("要从严", "要从严", "要从严"));
        assert!(!phrase_edges("在脱贫攻坚", "在", "脱贫攻坚"));
        assert!(!phrase_edges("扶贫工作的", "扶贫", "工作的"));
        assert!(phrase_edges("脱贫攻坚心得体会", "脱贫攻坚", "心得体会"));
    }

    #[test]
    fn lead_in_words_are_cut_from_the_first_member() {
        let mut m = vec!["五保障即住房有保障".to_owned(), "增收有保障".to_owned()];
        trim_lead_in(&mut m);
        assert_eq!(m, ["住房有保障", "增收有保障"]);
        let mut m = vec!["摘帽不摘责任".to_owned(), "摘帽不摘政策".to_owned()];
        trim_lead_in(&mut m);
        assert_eq!(m[0], "摘帽不摘责任");
    }

    #[test]
    fn snippets_make_the_varying_part_a_placeholder() {
        let members = ["摘帽不摘政策".to_owned(), "摘帽不摘帮扶".to_owned()];
        assert_eq!(
            parallel_snippet(&members, &["、".to_owned()], (4, 0)),
            "摘帽不摘${1:政策}、摘帽不摘${2:帮扶}"
        );
        let members = ["义务教育有保障".to_owned(), "住房安全有保障".to_owned()];
        assert_eq!(
            parallel_snippet(&members, &["、".to_owned()], (0, 3)),
            "${1:义务教育}有保障、${2:住房安全}有保障"
        );
    }

    #[test]
    fn core_strips_quotes_opened_or_closed_outside_the_clause() {
        let c = Core::of("要做到“摘帽不摘责任");
        assert_eq!(
            (c.core, c.cut_start, c.cut_end),
            ("摘帽不摘责任", true, false)
        );
        let c = Core::of("摘帽不摘监管”");
        assert_eq!(
            (c.core, c.head, c.cut_end),
            ("摘帽不摘监管", "摘帽不摘监管", true)
        );
        let c = Core::of("“美化”过的扶贫资料");
        assert_eq!(
            (c.core, c.cut_start, c.cut_end),
            ("“美化”过的扶贫资料", true, false)
        );
    }
}
