//! Completion in Chinese text: the genre's phrase inventory and what to offer at a cursor.
//!
//! [`PhraseBook::build`] collects, once at start (the corpus part is mined in
//! `crate::mining::phrases`):
//! - recurring multi-word phrases (jieba token n-grams seen in two essays or three times),
//! - quoted phrases (“…”), glossary terms, and the curated formulas of `corpus/phrases.txt`,
//! - parallel structures (摘帽不摘责任、摘帽不摘政策、…: clauses sharing a beginning or ending),
//! - clause continuations: for every clause of the corpus, the clause that follows it in the
//!   same sentence (小康不小康，→ 关键看老乡), plus the chains of the curated list.
//!
//! [`PhraseBook::complete`] sees the current line up to the cursor and answers with one shared
//! replacement start for every item (the recipe in DESIGN.md, "Completion in Chinese text"):
//!
//! - **After clause punctuation** (，、；： and , ; :) the clause before it is looked up (its
//!   longest known ending) and what follows it is offered as a pure insertion:
//!   `replace_from` = the cursor, `new_text` = the following clause (关键看老乡), the rest of a
//!   chain, or the other members of a parallel structure.
//! - **Otherwise** two kinds of match are collected: *prefix* matches, the suffixes of the typed
//!   Han run (at most 32 chars, never across punctuation, spaces, Latin letters or digits) that
//!   begin a longer known phrase (决战决胜脱 → 决战决胜脱贫攻坚) — at least two typed chars unless
//!   one is the whole run (守正方能 is not 守正方 + 能力建设) — and *clause* matches, a known
//!   clause the text ends with although its punctuation is not typed yet (小康不小康). Only the
//!   longest matching suffix counts, and no suffix that starts inside a word the text already
//!   ends with, so a finished 精准识别 is not "completed" from 别.
//! - Nothing is offered right after a Latin letter or a digit (half or full width), after other
//!   non-Han text, at the end of a sentence, or inside a URL.
//!
//! The shared start is the earliest start among the items kept, and never later than the start
//! of the editor's word before the cursor (the run of Vim keyword characters that nvim-cmp and
//! blink.cmp filter against, `text::client_word_start`). Each item's `new_text` is the typed
//! text from there on, completed: a prefix match replaces its typed part with the phrase, a
//! clause match keeps the typed clause and appends the corpus punctuation and the continuation
//! (小康不小康 → `小康不小康，关键看老乡`, `replace_from` = 0). `label` is the phrase alone;
//! `new_text` is also the item's filter text, so every client's filter sees its own word as a
//! prefix of it. Ranking: the longer typed match first, then continuations of curated chains
//! (which offer only the clauses after the typed one), then how many essays use the phrase and
//! how often; duplicates (by `new_text`) dropped; at most [`MAX_ITEMS`]; always `incomplete`
//! (see [`Completion::incomplete`]).

mod build;
pub(crate) mod curated;
mod examples;
pub(crate) mod text;

#[cfg(test)]
mod tests;

use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::mining::clauses::{is_clause_punct, is_closing, is_opening};
use crate::mining::Segmented;
use crate::normalize::normalize;
use crate::prebuilt::Table;
use crate::text::{is_han, is_sentence_end};
use examples::{Examples, Hit};
use text::{client_word_start, snippet_escape};

/// Characters on which clients should ask for completion (full and half width).
pub const TRIGGER_CHARACTERS: [&str; 7] = ["，", "、", ",", "；", ";", "：", ":"];

/// At most this many items are returned.
pub const MAX_ITEMS: usize = 20;

/// The longest typed text, in chars, that is matched against phrase beginnings.
const MAX_PREFIX_CHARS: usize = 32;
/// The longest clause, in normalised chars, that is looked up for continuations.
pub(crate) const MAX_CLAUSE_CHARS: usize = 32;
/// A typed clause must be at least this long to be looked up as a whole…
pub(crate) const MIN_CLAUSE_CHARS: usize = 3;
/// …and at least this long when only the end of what was typed matches a corpus clause.
const MIN_CLAUSE_SUFFIX_CHARS: usize = 4;
/// Clauses of the curated chains are looked up from this length (创新、协调、绿色…).
const MIN_CURATED_CLAUSE_CHARS: usize = 2;
/// How far back from the cursor the line is examined.
const TAIL_CHARS: usize = 160;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum SuggestionKind {
    /// A multi-word phrase that recurs in the corpus.
    Phrase,
    /// The clause that follows the typed one.
    Continuation,
    /// A glossary term.
    Term,
    /// A parallel structure (排比) or one of its members.
    Parallel,
    /// A phrase the corpus puts in quotation marks.
    Quote,
    /// A standard formula from the curated list.
    Formula,
}

impl SuggestionKind {
    /// The kind as shown to the writer.
    pub fn label_zh(self) -> &'static str {
        match self {
            SuggestionKind::Phrase => "常用短语",
            SuggestionKind::Continuation => "接续",
            SuggestionKind::Term => "术语",
            SuggestionKind::Parallel => "排比",
            SuggestionKind::Quote => "引语",
            SuggestionKind::Formula => "固定提法",
        }
    }

    /// Which kind wins when one text comes from several sources (lower wins).
    pub(crate) fn priority(self) -> u8 {
        match self {
            SuggestionKind::Term => 0,
            SuggestionKind::Parallel => 1,
            SuggestionKind::Formula => 2,
            SuggestionKind::Quote => 3,
            SuggestionKind::Continuation => 4,
            SuggestionKind::Phrase => 5,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// What the menu shows: the phrase (or clause and continuation) without the typed text
    /// before it that `new_text` writes back.
    pub label: String,
    /// Replaces `before_cursor[replace_from..]`; ends with `label`. Also the filter text: it
    /// begins at the editor's word, so every client's filter keeps the item.
    pub new_text: String,
    /// The same edit as an LSP snippet, with the varying parts of a parallel structure as
    /// placeholders (摘帽不摘${1:政策}、…); `None` for plain phrases.
    pub snippet: Option<String>,
    pub kind: SuggestionKind,
    /// Kind and corpus usage, e.g. `接续 · 语料 2 篇 3 次`.
    pub detail: String,
    /// Markdown: an example sentence from the corpus and the essay it comes from.
    pub documentation: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Completion {
    /// Char offset into `before_cursor` where the replaced prefix starts; the SAME for every item.
    /// The edit replaces `before_cursor[replace_from..]` with `new_text`. For a continuation after
    /// "小康不小康，" this equals before_cursor's char length (pure insertion).
    pub replace_from: usize,
    /// Ranked, at most [`MAX_ITEMS`], no two with the same `new_text`.
    pub items: Vec<Suggestion>,
    /// Whether clients must ask again as the writer types on instead of filtering this list.
    /// Always true: what fits depends on the line before the cursor, which no client's filter
    /// sees — a match may start inside the word being typed (坚持五级 → 坚持五级书记一起抓), and
    /// after punctuation the next word has its own completions — and the list may be cut.
    /// (blink.cmp and nvim-cmp otherwise keep filtering the first list, even an empty one.)
    pub incomplete: bool,
}

/// A phrase that can be completed from its beginning.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    /// Normalised text (the index key).
    key: String,
    text: String,
    kind: SuggestionKind,
    /// Snippet body for parallel structures.
    snippet: Option<String>,
    essays: u32,
    count: u32,
    /// Where the corpus first uses it, for the documentation.
    first: Option<Hit>,
}

/// What may follow a clause.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Follow {
    /// Normalised `text`: not offered when the sentence already contains it.
    key: String,
    text: String,
    /// Punctuation that joins it to the clause (full width, may be empty).
    sep: String,
    kind: SuggestionKind,
    /// 0 = the next clause, 1 = the rest of a chain, 2 = another member of a parallel structure.
    order: u8,
    /// From a chain of the curated list: its canonical order ranks first, and it may be found
    /// after a clause of two or three characters.
    curated: bool,
    snippet: Option<String>,
    essays: u32,
    count: u32,
    first: Option<Hit>,
}

/// The phrase inventory; built once, then shared between threads. The built-in corpus's is
/// built with the binary (`TABLE`), its example sentences cut from the corpus when asked for.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct PhraseBook {
    /// Sorted by `key`, unique.
    entries: Vec<Entry>,
    /// Normalised clause → what follows it, ranked.
    follows: HashMap<String, Vec<Follow>>,
    /// Normalised words and phrases known to be whole (corpus words, every entry).
    vocab: HashSet<String>,
    #[serde(skip)]
    examples: Examples,
}

/// The phrase book of the built-in corpus with the built-in glossary's terms, as the binary
/// carries it (`prebuilt`): mining it was what completion waited for at start-up.
pub(crate) const TABLE: Table<PhraseBook> = Table::new("phrase-book", || {
    let (entries, _) = crate::glossary::Glossary::unmined_entries(&[]);
    PhraseBook::build(
        &crate::corpus::Corpus::builtin(),
        &crate::glossary::terms_of(&entries),
    )
});

/// A possible item before the shared start is known.
struct Candidate<'a> {
    /// Char offset in `before_cursor` from which `text` replaces what is typed.
    start: usize,
    /// How many typed chars the match covers.
    typed: usize,
    text: String,
    snippet: Option<String>,
    kind: SuggestionKind,
    /// A continuation in the canonical order of a curated chain.
    curated: bool,
    essays: u32,
    count: u32,
    order: u8,
    /// The phrase itself and where the corpus first uses it, for the documentation.
    phrase: &'a str,
    first: Option<&'a Hit>,
}

impl PhraseBook {
    /// Builds the inventory from the corpus, the glossary's terms and variants, and the curated
    /// list compiled into the binary.
    pub fn build(corpus: &crate::corpus::Corpus, terms: &[String]) -> PhraseBook {
        build::build(&Segmented::of(corpus), || terms.to_vec())
    }

    /// `build` of the built-in corpus (`corpus`) with the built-in glossary's terms, read from
    /// the binary's tables.
    pub(crate) fn builtin(corpus: crate::corpus::Corpus) -> PhraseBook {
        PhraseBook {
            examples: Examples::of(corpus),
            ..TABLE.load()
        }
    }

    /// `build` from a corpus already segmented (shared with the glossary's mining), asking for
    /// the terms only once the corpus is mined: they may still be being read meanwhile.
    pub fn build_with(corpus: &Segmented<'_>, terms: impl FnOnce() -> Vec<String>) -> PhraseBook {
        build::build(corpus, terms)
    }

    /// Number of phrases that can be completed from their beginning.
    pub fn phrase_count(&self) -> usize {
        self.entries.len()
    }

    /// Number of clauses with a known continuation.
    pub fn clause_count(&self) -> usize {
        self.follows.len()
    }

    /// Completion for `before_cursor`, the text of the current line from its start up to the
    /// cursor. See the module docs for the rules.
    pub fn complete(&self, before_cursor: &str) -> Completion {
        let cursor = before_cursor.chars().count();
        let mut tail: Vec<char> = before_cursor.chars().rev().take(TAIL_CHARS).collect();
        tail.reverse();
        // Char offset of tail[0] in before_cursor.
        let base = cursor - tail.len();
        let nothing = Completion {
            replace_from: cursor,
            items: Vec::new(),
            incomplete: true,
        };
        let Some(&last) = tail.last() else {
            return nothing;
        };
        if inside_url(&tail) {
            return nothing;
        }
        let mut candidates = Vec::new();
        if is_clause_punct(last) {
            self.clause_candidates(&tail, tail.len() - 1, base, false, &mut candidates);
        } else if is_han(last) || is_closing(last) {
            if is_han(last) {
                self.prefix_candidates(&tail, base, &mut candidates);
            }
            self.clause_candidates(&tail, tail.len(), base, true, &mut candidates);
        } else {
            // Latin letters, digits (also full width), emoji, spaces, sentence ends…
            return nothing;
        }
        let Some(earliest) = candidates.iter().map(|c| c.start).min() else {
            return nothing;
        };
        let rank = |c: &Candidate<'_>| {
            (
                Reverse(c.typed),
                Reverse(c.curated),
                Reverse(c.essays),
                Reverse(c.count),
                c.order,
                c.kind.priority(),
                c.text.chars().count(),
            )
        };
        candidates.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.text.cmp(&b.text)));
        // The edit starts no later than the client's own word (see `client_word_start`), so
        // every client filters the typed text against the start of `new_text`.
        let word_start = base + client_word_start(&tail);
        let earliest = earliest.min(word_start);
        // Keep the best MAX_ITEMS distinct results (the line after applying each), then take
        // the shared start from those kept, so a cut candidate cannot lengthen every item.
        let mut seen = HashSet::new();
        let mut kept_candidates = Vec::new();
        for c in candidates {
            let result: String = tail[earliest - base..c.start - base]
                .iter()
                .copied()
                .chain(c.text.chars())
                .collect();
            if c.text.is_empty() || !seen.insert(result) {
                continue;
            }
            if kept_candidates.len() == MAX_ITEMS {
                break;
            }
            kept_candidates.push(c);
        }
        let start = kept_candidates
            .iter()
            .map(|c| c.start)
            .min()
            .unwrap_or(earliest)
            .min(word_start);
        let items = kept_candidates
            .into_iter()
            .map(|c| {
                // The typed text between the shared start and this match's own start stays.
                let kept: String = tail[start - base..c.start - base].iter().collect();
                Suggestion {
                    new_text: format!("{kept}{}", c.text),
                    label: c.text,
                    snippet: c
                        .snippet
                        .map(|body| format!("{}{body}", snippet_escape(&kept))),
                    kind: c.kind,
                    detail: detail(c.kind, c.essays, c.count),
                    documentation: self.examples.documentation(c.first, c.phrase),
                }
            })
            .collect();
        Completion {
            replace_from: start,
            items,
            incomplete: true,
        }
    }

    /// Phrases that begin with the longest suffix of the typed Han run that begins any.
    fn prefix_candidates<'a>(&'a self, tail: &[char], base: usize, out: &mut Vec<Candidate<'a>>) {
        let end = tail.len();
        let mut run_start = end;
        while run_start > 0 && end - run_start < MAX_PREFIX_CHARS && is_han(tail[run_start - 1]) {
            run_start -= 1;
        }
        let run: String = tail[run_start..].iter().collect();
        let norm = normalize(&run);
        for i in run_start..end {
            // A phrase that begins with the last character typed does not continue the text
            // (守正方能 is not 守正方 + 能力建设), unless that character is all of the run.
            if end - i == 1 && i > 0 && is_han(tail[i - 1]) {
                break;
            }
            let from = norm
                .origin
                .partition_point(|&o| (o as usize) < i - run_start);
            if from == norm.len() {
                continue;
            }
            let key: String = norm.chars[from..].iter().collect();
            let exact = self.entry_index(&key);
            let lo = exact.unwrap_or_else(|i| i);
            let before = out.len();
            for entry in self.entries[lo..]
                .iter()
                .take_while(|e| e.key.starts_with(key.as_str()))
                .filter(|e| e.key.len() > key.len())
            {
                out.push(Candidate {
                    start: base + i,
                    typed: end - i,
                    text: entry.text.clone(),
                    snippet: entry.snippet.clone(),
                    kind: entry.kind,
                    curated: false,
                    essays: entry.essays,
                    count: entry.count,
                    order: 0,
                    phrase: &entry.text,
                    first: entry.first.as_ref(),
                });
            }
            if out.len() > before {
                // Only the longest matching suffix counts.
                break;
            }
            if norm.len() - from >= 2 && (exact.is_ok() || self.vocab.contains(&key)) {
                // Shorter suffixes start inside a word the text already ends with.
                break;
            }
        }
    }

    fn entry_index(&self, key: &str) -> Result<usize, usize> {
        self.entries.binary_search_by(|e| e.key.as_str().cmp(key))
    }

    /// Continuations of the clause ending at `tail[..end]` (before its punctuation, if typed).
    /// `append`: the punctuation is not typed, so items keep the typed clause and add it.
    fn clause_candidates<'a>(
        &'a self,
        tail: &[char],
        end: usize,
        base: usize,
        append: bool,
        out: &mut Vec<Candidate<'a>>,
    ) {
        let mut e = end;
        while e > 0 && (is_closing(tail[e - 1]) || matches!(tail[e - 1], '"' | '\'')) {
            e -= 1;
        }
        let mut b = e;
        while b > 0
            && !is_clause_punct(tail[b - 1])
            && !is_sentence_end(tail[b - 1])
            && !tail[b - 1].is_whitespace()
        {
            b -= 1;
        }
        if b == e {
            return;
        }
        let clause: String = tail[b..e].iter().collect();
        let norm = normalize(&clause);
        let n = norm.len();
        if n < MIN_CURATED_CLAUSE_CHARS {
            return;
        }
        // A quotation inside the clause is a clause of its own (扶贫要“富口袋”，: 富口袋), as
        // is the whole (增强“四个意识”、: 增强四个意识; quotation marks are not normalised).
        let quoted_from = tail[b..e]
            .iter()
            .rposition(|&c| is_opening(c))
            .map(|q| norm.origin.partition_point(|&o| (o as usize) < q + 1));
        // The sentence so far, to skip what it already says (摘帽不摘责任 after 摘帽不摘责任、…).
        let mut s = b;
        while s > 0 && !is_sentence_end(tail[s - 1]) {
            s -= 1;
        }
        let sentence = crate::normalize::normalize_str(&tail[s..end].iter().collect::<String>());
        for len in (MIN_CURATED_CLAUSE_CHARS..=n.min(MAX_CLAUSE_CHARS)).rev() {
            let from = n - len;
            // Short clauses, and short endings of what was typed, are looked up only in the
            // curated chains (创新、→ 协调; 坚持守初心、→ 担使命); without typed punctuation a
            // chain needs three characters before it is completed mid-clause.
            let whole = len == n || quoted_from == Some(from);
            let curated_only = len < MIN_CLAUSE_CHARS || (!whole && len < MIN_CLAUSE_SUFFIX_CHARS);
            if append && !whole && len < MIN_CLAUSE_CHARS {
                continue;
            }
            // Not in the middle of one source char's normalised form.
            if from > 0 && norm.origin[from - 1] == norm.origin[from] {
                continue;
            }
            let key: String = norm.chars[from..].iter().collect();
            let Some(follows) = self.follows.get(&key) else {
                continue;
            };
            let clause_start = b + norm.origin[from] as usize;
            for f in follows {
                if (curated_only && !f.curated) || sentence.contains(f.key.as_str()) {
                    continue;
                }
                let (start, text, snippet) = if append {
                    let typed: String = tail[clause_start..end].iter().collect();
                    let text = format!("{typed}{}{}", f.sep, f.text);
                    let snippet = f.snippet.as_ref().map(|body| {
                        format!("{}{}{body}", snippet_escape(&typed), snippet_escape(&f.sep))
                    });
                    (base + clause_start, text, snippet)
                } else {
                    (base + tail.len(), f.text.clone(), f.snippet.clone())
                };
                out.push(Candidate {
                    start,
                    typed: len,
                    text,
                    snippet,
                    kind: f.kind,
                    curated: f.curated,
                    essays: f.essays,
                    count: f.count,
                    order: f.order,
                    phrase: &f.text,
                    first: f.first.as_ref(),
                });
            }
        }
    }
}

/// Kind and corpus usage, e.g. `接续 · 语料 2 篇 3 次`.
fn detail(kind: SuggestionKind, essays: u32, count: u32) -> String {
    if essays == 0 {
        format!("{} · 语料未见", kind.label_zh())
    } else if count > essays {
        format!("{} · 语料 {essays} 篇 {count} 次", kind.label_zh())
    } else {
        format!("{} · 语料 {essays} 篇", kind.label_zh())
    }
}

/// Whether the cursor is inside a URL: the run of characters before it, up to whitespace or
/// Chinese punctuation, holds `://` or `www.` (so `http://a.cn/q=小康不小康,` is a URL and
/// `http://a.cn，小康不小康，` is not).
fn inside_url(tail: &[char]) -> bool {
    let mut start = tail.len();
    while start > 0 {
        let c = tail[start - 1];
        if c.is_whitespace() || (!c.is_ascii() && !is_han(c)) {
            break;
        }
        start -= 1;
    }
    if tail.len() - start < 4 {
        return false;
    }
    let run: String = tail[start..]
        .iter()
        .collect::<String>()
        .to_ascii_lowercase();
    run.contains("://") || run.contains("www.")
}
