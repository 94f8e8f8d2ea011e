//! Mining the corpus for stock phrases (the 套话 check, `checks::formulaic`): word runs that recur across many essays and are
//! predicates, not subject matter (see [`corpus_phrases`]). Needs jieba, so the built-in corpus's
//! result is kept in `corpus/stock-phrases-mined.txt` for checks that run before jieba loads.

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;

use crate::cache::CacheKey;
use crate::checks::formulaic::is_particle;
use crate::corpus::Corpus;
use crate::fingerprint::MixHasher;
use crate::ragged::Ragged;
use crate::text::is_clause_break;

/// Corpus phrases: normalised length bounds of a recurring word run.
const CORPUS_MIN_CHARS: usize = 4;
const CORPUS_MAX_CHARS: usize = 8;
/// Corpus phrases: a run must recur in at least this many essays …
const CORPUS_MIN_ESSAYS: usize = 4;
/// … and in at least this share of them, so a large user corpus needs real recurrence.
const CORPUS_MIN_SHARE: f64 = 0.3;
/// Words that title an essay of the genre; a run containing one is a heading, not a formula.
const TITLE_WORDS: &[&str] = &["心得", "体会", "范文"];
/// Words of an essay title that name the genre, not the topic.
const GENRE_WORDS: &[&str] = &[
    "心得体会",
    "心得",
    "体会",
    "学习",
    "工作",
    "范文",
    "篇",
    "年",
    "第",
    "一",
    "二",
    "三",
    "四",
    "五",
    "六",
    "七",
    "八",
    "九",
    "十",
];

/// Recurring phrases of the corpus that are formulas rather than subject matter.
///
/// The rule: segment each essay with jieba, tagging parts of speech (so not through
/// `Segmented`, whose words carry no tags; clauses split at punctuation) and take every run of
/// 2–4 consecutive words whose normalised length is 4–8 characters. A run is a corpus stock
/// phrase when
///
/// - it recurs in at least 4 essays and in at least 30 % of them (one author's habit is not the
///   genre's);
/// - it is Han characters only (figures and names are content);
/// - it is predicate-led: its first word is a verb, adjective, adverb or idiom (jieba tags
///   v/a/d/i/l and their sub-tags) other than a copula, modal or degree word (是, 要, 很 …);
///   it does not end with an adverb, such a light word or a function word (preposition,
///   particle, conjunction, pronoun, locative, numeral, measure word). Noun-led
///   runs such as 贫困群众 or 资金使用 name things; formulas such as 全面建成… or 决战决胜 are
///   predicates;
/// - it is not part of a title (contains none of 心得, 体会, 范文);
/// - it contains no topic character: a character found in two or more essay titles once the
///   genre words (心得体会, 学习, 工作, 范文, 篇, 年, numerals) are removed, i.e. 脱/贫/攻/坚 for
///   the built-in corpus. So 打赢脱贫攻坚战 and 脱贫攻坚 itself never become stock phrases: naming the topic
///   is not a formula.
pub fn corpus_phrases(corpus: &Corpus) -> Vec<String> {
    let Some(min_essays) = min_essays(corpus) else {
        return Vec::new();
    };
    let topic = topic_chars(corpus);
    mine(essay_clauses(corpus), &topic, min_essays, clause_runs)
}

/// The corpus phrases that can match in `texts`: those of [`corpus_phrases`] whose folded form
/// (as the formulaic check folds it) has two characters or more and occurs in a folded text. The
/// check matches nothing else, so checking these texts gives the same findings with these phrases
/// as with all of them.
///
/// Without jieba first: a phrase is a run of Han characters that recurs in `min_essays` essays,
/// so only the stretches of the corpus that do (`recurring`, the corpus's `Recurring`) and also
/// occur in a text are candidates. jieba then tags only the clauses that hold a candidate, with
/// only the dictionary words those clauses contain (`segment::jieba_for`): its whole dictionary
/// is not loaded.
///
/// Clauses already in `tagged` are not tagged again; the others are added to it.
pub fn corpus_phrases_in(
    corpus: &Corpus,
    texts: &[&str],
    recurring: &Recurring,
    tagged: &mut TaggedClauses,
) -> Option<Vec<String>> {
    let min_essays = min_essays(corpus)?;
    let topic = topic_chars(corpus);
    // Only the recurring stretches can be phrases: only they are looked for in the texts.
    let wanted = Wanted::among(texts, &recurring.folded());
    let holders = recurring.holders(&wanted)?;
    // The clauses in the order `Recurring::of` numbered them.
    let held: Vec<(usize, &str)> = essay_clauses(corpus)
        .zip(&holders)
        .filter(|(_, h)| **h)
        .map(|(clause, _)| clause)
        .collect();
    let texts: Vec<&str> = held.iter().map(|&(_, clause)| clause).collect();
    tagged.tag_all(&texts, &recurring.raw());
    let mut phrases = mine(held.into_iter(), &topic, min_essays, |clause| {
        tagged.runs_of(clause)
    });
    phrases.retain(|p| wanted.matches(p));
    Some(phrases)
}

/// Of `phrases` (all the corpus phrases), those that can match in `texts`: see
/// [`corpus_phrases_in`].
pub fn matching(mut phrases: Vec<String>, texts: &[&str]) -> Vec<String> {
    let wanted = Wanted::of(texts);
    phrases.retain(|p| wanted.matches(p));
    phrases
}

/// What the corpus phrases of `corpus` (and what else `check` keeps about it: the stretches
/// that recur in it, the clauses jieba tagged) are cached under: its essays' titles and texts,
/// and the build (`prebuilt::BUILD_FINGERPRINT`: the mining rules, jieba's version and the
/// lists whose words are added to its dictionary are all part of what the build is made from).
pub fn cache_key(corpus: &Corpus) -> CacheKey {
    let version = format!(
        "stock phrases {} {}",
        crate::prebuilt::BUILD_FINGERPRINT,
        corpus.essays.len()
    );
    let mut parts: Vec<&str> = vec![&version];
    for essay in &corpus.essays {
        parts.push(&essay.title);
        parts.push(&essay.text);
    }
    CacheKey::of_strings(parts)
}

/// Essays a run must recur in; None when the corpus has too few essays for any.
fn min_essays(corpus: &Corpus) -> Option<usize> {
    let essays = corpus.essays.len();
    let min_essays = CORPUS_MIN_ESSAYS.max((essays as f64 * CORPUS_MIN_SHARE).ceil() as usize);
    (essays >= min_essays).then_some(min_essays)
}

/// Clauses of an essay long enough to hold a phrase.
fn clauses(text: &str) -> impl Iterator<Item = &str> {
    // The common ideographs first: `is_alphanumeric` looks them up in a slow table.
    let in_clause = |c: char| is_han(c) || c.is_alphanumeric();
    text.split(move |c: char| is_clause_break(c) || !in_clause(c))
        .filter(|c| c.chars().nth(CORPUS_MIN_CHARS - 1).is_some())
}

/// Every clause of the corpus that can hold a phrase, with its essay's index, essay by essay.
fn essay_clauses(corpus: &Corpus) -> impl Iterator<Item = (usize, &str)> {
    let essays = corpus.essays.iter().enumerate();
    essays.flat_map(|(e, essay)| clauses(&essay.text).map(move |clause| (e, clause)))
}

/// The mining of [`corpus_phrases`] over `clauses` (each with its essay's index, essay by
/// essay), with `runs_of` giving a clause's word runs (`clause_runs`).
fn mine<'c>(
    clauses: impl Iterator<Item = (usize, &'c str)>,
    topic: &Topic,
    min_essays: usize,
    mut runs_of: impl FnMut(&str) -> Vec<String>,
) -> Vec<String> {
    // Run → (essays it was seen in, the last of them).
    let mut counts: HashMap<String, (usize, usize), BuildHasherDefault<MixHasher>> =
        HashMap::default();
    for (essay, clause) in clauses {
        for run in runs_of(clause) {
            let entry = counts.entry(run).or_insert((0, usize::MAX));
            if entry.1 != essay {
                *entry = (entry.0 + 1, essay);
            }
        }
    }
    let mut phrases: Vec<String> = counts
        .into_iter()
        .filter(|(run, (n, _))| {
            *n >= min_essays
                && run.chars().all(is_han)
                && !run.chars().any(|c| topic.contains(&c))
                && !TITLE_WORDS.iter().any(|w| run.contains(w))
        })
        .map(|(run, _)| run)
        .collect();
    phrases.sort();
    phrases
}

/// The word runs of a clause that may be stock phrases: 2–4 words from a predicate head,
/// 4–8 characters, ending well (see [`corpus_phrases`]; recurrence and the character filters
/// come later).
fn clause_runs(clause: &str) -> Vec<String> {
    // Loads jieba's dictionary the first time.
    runs_in(&crate::segment::Segmenter::Shared(crate::segment::jieba()).tags_of(clause))
}

/// `clause_runs`, from the clause's tagged words.
fn runs_in(tags: &[jieba_rs::Tag]) -> Vec<String> {
    let words: Vec<&str> = tags.iter().map(|t| t.word).collect();
    kept_runs(&words, &mut |i| tags[i].tag, |_| true)
}

/// The runs of `runs_in` that are `kept`, from a clause's words and `tag_at(i)`, the tag of
/// word `i`: asked for only where a kept run starts or ends, as most words start none.
fn kept_runs<'a>(
    words: &[&str],
    tag_at: &mut dyn FnMut(usize) -> &'a str,
    kept: impl Fn(&str) -> bool,
) -> Vec<String> {
    let mut runs = Vec::new();
    for i in 0..words.len() {
        if is_light(words[i]) {
            continue;
        }
        let mut head = None;
        let mut run = String::new();
        let mut len = 0;
        for (n, &word) in words[i..].iter().take(4).enumerate() {
            len += word.chars().count();
            run.push_str(word);
            if len > CORPUS_MAX_CHARS {
                break;
            }
            if n == 0 || len < CORPUS_MIN_CHARS || !kept(&run) {
                continue;
            }
            if !*head.get_or_insert_with(|| is_predicate_head(tag_at(i))) {
                break;
            }
            let tag = tag_at(i + n);
            if !is_function(tag) && !tag.starts_with('d') && !is_light(word) {
                runs.push(run.clone());
            }
        }
    }
    runs
}

/// Clauses jieba has tagged, each with its word runs (`clause_runs`) that are stretches the
/// corpus repeats (its `Recurring`; no other run can be a phrase a draft matches): kept in the
/// disk cache beside the corpus, so that checking a draft against the same corpus again tags
/// only the clauses it has not seen (usually none).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TaggedClauses {
    /// Clause → its runs, and whether it was looked up since loading (for keeping the list
    /// bounded).
    runs: HashMap<String, (Vec<String>, bool), BuildHasherDefault<MixHasher>>,
    added: usize,
}

/// Clauses to tag of more bytes than this in all are shared out among the cores but one
/// (`parallel::map_slices_beside`): a slice of jieba's dictionary and its tagging cost ≈0.3 ms
/// per thousand chars, a thread tens of µs.
const PARALLEL_TAGGING_BYTES: usize = 16 * 1024;

/// A cached list longer than this keeps only the clauses the last run used.
const MAX_TAGGED_CLAUSES: usize = 50_000;

impl TaggedClauses {
    /// From cache lines: a clause, a tab, its runs separated by spaces (clauses and runs are
    /// letters and digits only). None when a line is not of that shape.
    pub fn from_lines<'l>(lines: impl IntoIterator<Item = &'l str>) -> Option<TaggedClauses> {
        let mut runs = HashMap::default();
        for line in lines {
            let (clause, list) = line.split_once('\t')?;
            let list = list.split(' ').filter(|r| !r.is_empty()).map(str::to_owned);
            runs.insert(clause.to_owned(), (list.collect(), false));
        }
        Some(TaggedClauses {
            runs,
            ..TaggedClauses::default()
        })
    }

    /// The cache lines, sorted; clauses this run did not use are dropped once there are more
    /// than `MAX_TAGGED_CLAUSES`.
    pub fn to_lines(&self) -> Vec<String> {
        let keep_all = self.runs.len() <= MAX_TAGGED_CLAUSES;
        let mut lines: Vec<String> = self
            .runs
            .iter()
            .filter(|(_, (_, used))| keep_all || *used)
            .map(|(clause, (runs, _))| format!("{clause}\t{}", runs.join(" ")))
            .collect();
        lines.sort_unstable();
        lines
    }

    /// Clauses tagged (with jieba) since loading.
    pub fn added(&self) -> usize {
        self.added
    }

    /// Tags the clauses not known yet, all at once: with a jieba that holds only their words
    /// when it is not loaded (`segment::jieba_for`), which costs a fraction of loading it. Only
    /// runs whose raw hash is in `recurring` are kept, and only their words' tags looked up.
    fn tag_all(&mut self, clauses: &[&str], recurring: &HashSet64) {
        let mut new: Vec<&str> = clauses
            .iter()
            .copied()
            .filter(|c| !self.runs.contains_key(*c))
            .collect();
        new.sort_unstable();
        new.dedup();
        if new.is_empty() {
            return;
        }
        // Each core tags a share, with a slice of its own: the slices cut alike (see
        // `dictionary_slice`). One core is left to the check of the draft, which runs beside.
        let tagged = crate::parallel::map_slices_beside(
            &new,
            |clause| clause.len(),
            PARALLEL_TAGGING_BYTES,
            |share| {
                let jieba = crate::segment::jieba_for(share);
                jieba.words_of_each(share, |words, tag_at| {
                    let words: Vec<&str> = words.iter().map(|w| w.word).collect();
                    kept_runs(&words, tag_at, |run| {
                        recurring.contains(&CharsHash::of(run.chars()))
                    })
                })
            },
        );
        for (clause, runs) in new.into_iter().zip(tagged) {
            self.runs.insert(clause.to_owned(), (runs, false));
            self.added += 1;
        }
    }

    /// The runs of `clause`, which is known (`tag_all` tags every clause it is asked for).
    fn runs_of(&mut self, clause: &str) -> Vec<String> {
        let (runs, used) = self
            .runs
            .get_mut(clause)
            .expect("clauses are tagged (tag_all) before their runs are asked for");
        *used = true;
        runs.clone()
    }
}

fn is_han(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

type HashSet64 = HashSet<u64, BuildHasherDefault<MixHasher>>;

/// Topic characters (`topic_chars`): looked up for every char of the corpus, so under our fast
/// hash.
type Topic = HashSet<char, BuildHasherDefault<MixHasher>>;

/// Hashes of every stretch of 1–8 Han characters of the folded texts: a phrase can match only
/// if its folded form is one of them.
struct Wanted(HashSet64);

impl Wanted {
    fn of(texts: &[&str]) -> Wanted {
        Wanted::keeping(texts, |_| true)
    }

    /// Of the stretches of the texts, only those with a hash in `hashes` (a much smaller set
    /// than that of every stretch, and quicker to look up).
    fn among(texts: &[&str], hashes: &HashSet64) -> Wanted {
        Wanted::keeping(texts, |h| hashes.contains(&h))
    }

    fn keeping(texts: &[&str], keep: impl Fn(u64) -> bool) -> Wanted {
        let mut set = HashSet64::default();
        for text in texts {
            let (chars, _) = crate::checks::formulaic::fold(text);
            for stretch in chars.split(|&c| !is_han(c)) {
                for i in 0..stretch.len() {
                    let mut h = CharsHash::default();
                    for &c in stretch[i..].iter().take(CORPUS_MAX_CHARS) {
                        h.push(c);
                        let hash = h.finish();
                        if keep(hash) {
                            set.insert(hash);
                        }
                    }
                }
            }
        }
        Wanted(set)
    }

    /// Whether `phrase` (Han characters) counts for the texts: see [`corpus_phrases_in`].
    fn matches(&self, phrase: &str) -> bool {
        let (folded, _) = crate::checks::formulaic::fold(phrase);
        folded.len() >= 2 && self.0.contains(&CharsHash::of(folded))
    }
}

/// Calls `f` with the hash of every stretch of 4–8 Han characters of `clause` that has no topic
/// character and folds to a wanted string of two characters or more, until `f` returns true.
/// With `candidates`, the rule for one draft that `Recurring` implements for every draft: the
/// reference its tests compare with.
#[cfg(test)]
fn stretches(clause: &str, topic: &Topic, wanted: &Wanted, mut f: impl FnMut(u64) -> bool) {
    let chars: Vec<char> = clause.chars().collect();
    // Which chars folding keeps, as the check folds: `normalize` keeps every char of a Han
    // stretch as it is, and folding then drops the particles.
    let kept: Vec<bool> = chars.iter().map(|&c| !is_particle(c)).collect();
    let mut from = 0;
    for stretch in chars.split(|&c| !is_han(c) || topic.contains(&c)) {
        let kept = &kept[from..from + stretch.len()];
        from += stretch.len() + 1;
        for i in 0..stretch.len() {
            let (mut raw, mut folded, mut folded_len) =
                (CharsHash::default(), CharsHash::default(), 0);
            for (n, &c) in stretch[i..].iter().take(CORPUS_MAX_CHARS).enumerate() {
                raw.push(c);
                if kept[i + n] {
                    folded.push(c);
                    folded_len += 1;
                    // A longer stretch folds to a longer string, which the texts hold only if
                    // they hold this one.
                    if !wanted.0.contains(&folded.finish()) {
                        break;
                    }
                }
                if n + 1 >= CORPUS_MIN_CHARS && folded_len >= 2 && f(raw.finish()) {
                    return;
                }
            }
        }
    }
}

/// The stretches of the corpus that could be phrases matching in the texts, and the clauses
/// that hold one (the reference for `Recurring`).
#[cfg(test)]
struct Candidates {
    /// Hashes of the Han stretches that are wanted, free of topic characters, and found in at
    /// least `min_essays` essays. Every phrase of [`corpus_phrases_in`] is among them (a run
    /// recurs where its characters do).
    hashes: HashSet64,
    /// For every clause of the corpus (the essays in order, `clauses` of each), whether it
    /// holds one of them: only those can hold a phrase.
    holders: Vec<bool>,
}

#[cfg(test)]
fn candidates(corpus: &Corpus, topic: &Topic, wanted: &Wanted, min_essays: usize) -> Candidates {
    // Hash → (essays it was seen in, the last of them).
    let mut seen: HashMap<u64, (usize, usize), BuildHasherDefault<MixHasher>> = HashMap::default();
    // The stretches of every clause, one after the other: `ends[i]` is where clause i's end.
    let mut found: Vec<u64> = Vec::new();
    let mut ends: Vec<usize> = Vec::new();
    for (e, essay) in corpus.essays.iter().enumerate() {
        for clause in clauses(&essay.text) {
            stretches(clause, topic, wanted, |raw| {
                found.push(raw);
                let entry = seen.entry(raw).or_insert((0, usize::MAX));
                if entry.1 != e {
                    *entry = (entry.0 + 1, e);
                }
                false
            });
            ends.push(found.len());
        }
    }
    let hashes: HashSet64 = seen
        .into_iter()
        .filter(|&(_, (n, _))| n >= min_essays)
        .map(|(h, _)| h)
        .collect();
    let mut start = 0;
    let holders = ends
        .into_iter()
        .map(|end| {
            let holds = found[start..end].iter().any(|h| hashes.contains(h));
            start = end;
            holds
        })
        .collect();
    Candidates { hashes, holders }
}

/// The stretches of a corpus that could be phrases, whatever the draft: 4–8 Han characters
/// without topic characters, two or more of them kept by folding, found in at least
/// `min_essays` essays; each with the clauses that hold it. A draft's candidates are those of
/// them whose folded text it holds (see `holders`), the same as [`candidates`] finds for it; but
/// this does not depend on the draft, so the cache folder keeps it beside the corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recurring {
    /// (raw hash, folded hash, clause indices in the order of `clauses` over the essays).
    stretches: Vec<(u64, u64, Vec<u32>)>,
    /// Clauses of the corpus.
    clauses: usize,
}

impl Recurring {
    /// Found in two passes: a stretch recurs in no more essays than its first four characters
    /// do, so only those are counted everywhere, and only the frequent ones extended. None when
    /// the corpus has too few essays for any phrase.
    pub fn of(corpus: &Corpus) -> Option<Recurring> {
        let min_essays = min_essays(corpus)?;
        let topic = topic_chars(corpus);
        // Essays seen (and the last one) per hash: of every four-character head, then of the
        // stretches that grow from the frequent ones.
        let mut counts: HashMap<u64, (u32, u32), BuildHasherDefault<MixHasher>> =
            HashMap::default();
        let see = |counts: &mut HashMap<_, (u32, u32), _>, hash: u64, essay: u32| {
            let entry = counts.entry(hash).or_insert((0, u32::MAX));
            if entry.1 != essay {
                *entry = (entry.0 + 1, essay);
            }
        };
        let texts: Vec<(u32, &str)> = corpus
            .essays
            .iter()
            .zip(0..)
            .flat_map(|(essay, e)| clauses(&essay.text).map(move |clause| (e, clause)))
            .collect();
        // The tags of each clause's heads (`tags[k]` for clause k), so that pass 2 goes over
        // only the clauses that may hold a frequent head (most hold none) without decoding the
        // others again.
        let mut tags: Ragged<u16> = Ragged::default();
        let mut chars: Vec<char> = Vec::new();
        for &(e, clause) in &texts {
            chars.clear();
            chars.extend(clause.chars());
            tags.push_with(|tags| {
                for_each_head(&chars, &topic, |_, _, head| {
                    see(&mut counts, head, e);
                    tags.push(head_tag(head));
                })
            });
        }
        let frequent: HashSet64 = counts
            .drain()
            .filter(|&(_, (n, _))| n as usize >= min_essays)
            .map(|(h, _)| h)
            .collect();
        let mut frequent_tags = vec![0u64; (1 << 16) / 64];
        for &head in &frequent {
            let tag = head_tag(head) as usize;
            frequent_tags[tag / 64] |= 1 << (tag % 64);
        }
        let may_hold_frequent = |clause_tags: &[u16]| {
            (clause_tags.iter()).any(|&tag| frequent_tags[tag as usize / 64] >> (tag % 64) & 1 != 0)
        };
        // The stretches from the frequent heads: (raw, folded) → clauses. The heads are hashed
        // again rather than kept: a list of them all would cost more in fresh memory.
        let mut holders: HashMap<(u64, u64), Vec<u32>, BuildHasherDefault<MixHasher>> =
            HashMap::default();
        for (k, &(e, clause)) in (0..).zip(&texts) {
            if !may_hold_frequent(&tags[k as usize]) {
                continue;
            }
            chars.clear();
            chars.extend(clause.chars());
            for_each_head(&chars, &topic, |at, end, head| {
                if !frequent.contains(&head) {
                    return;
                }
                let (mut raw, mut folded, mut folded_len) =
                    (CharsHash::default(), CharsHash::default(), 0);
                for (n, &c) in chars[at..end].iter().take(CORPUS_MAX_CHARS).enumerate() {
                    raw.push(c);
                    if !is_particle(c) {
                        folded.push(c);
                        folded_len += 1;
                    }
                    if n + 1 >= CORPUS_MIN_CHARS && folded_len >= 2 {
                        see(&mut counts, raw.finish(), e);
                        let clauses = holders.entry((raw.finish(), folded.finish())).or_default();
                        if clauses.last() != Some(&k) {
                            clauses.push(k);
                        }
                    }
                }
            });
        }
        let mut stretches: Vec<(u64, u64, Vec<u32>)> = holders
            .into_iter()
            .filter(|((raw, _), _)| {
                counts
                    .get(raw)
                    .is_some_and(|&(n, _)| n as usize >= min_essays)
            })
            .map(|((raw, folded), clauses)| (raw, folded, clauses))
            .collect();
        stretches.sort_unstable();
        Some(Recurring {
            stretches,
            clauses: texts.len(),
        })
    }

    /// The raw hashes of the stretches (`CharsHash::of` their chars as written).
    fn raw(&self) -> HashSet64 {
        self.stretches.iter().map(|&(raw, _, _)| raw).collect()
    }

    /// The folded hashes of the stretches.
    fn folded(&self) -> HashSet64 {
        self.stretches
            .iter()
            .map(|&(_, folded, _)| folded)
            .collect()
    }

    /// For every clause, whether it holds one of the stretches whose folded text is `wanted`:
    /// [`candidates`]'s `holders`. None when there is no such stretch.
    fn holders(&self, wanted: &Wanted) -> Option<Vec<bool>> {
        let mut holders = vec![false; self.clauses];
        let mut any = false;
        for (_, folded, clauses) in &self.stretches {
            if wanted.0.contains(folded) {
                any = true;
                for &k in clauses {
                    holders[k as usize] = true;
                }
            }
        }
        any.then_some(holders)
    }

    /// Cache lines: the number of clauses, then one stretch a line (raw and folded hash, its
    /// clauses), in hexadecimal.
    pub fn to_lines(&self) -> Vec<String> {
        use std::fmt::Write;
        let mut lines = vec![format!("clauses {}", self.clauses)];
        for (raw, folded, clauses) in &self.stretches {
            // One string a line: a string per clause number cost more than the numbers.
            let mut line = format!("{raw:x} {folded:x} ");
            for (i, k) in clauses.iter().enumerate() {
                let comma = if i == 0 { "" } else { "," };
                write!(line, "{comma}{k:x}").expect("writing to a String succeeds");
            }
            lines.push(line);
        }
        lines
    }

    /// From `to_lines`; None when a line is not of that shape.
    pub fn from_lines<'l>(lines: impl IntoIterator<Item = &'l str>) -> Option<Recurring> {
        let mut lines = lines.into_iter();
        let clauses: usize = lines.next()?.strip_prefix("clauses ")?.parse().ok()?;
        let mut stretches = Vec::new();
        for line in lines {
            let mut parts = line.split(' ');
            let raw = u64::from_str_radix(parts.next()?, 16).ok()?;
            let folded = u64::from_str_radix(parts.next()?, 16).ok()?;
            let holders: Option<Vec<u32>> = parts
                .next()?
                .split(',')
                .map(|k| {
                    u32::from_str_radix(k, 16)
                        .ok()
                        .filter(|&k| (k as usize) < clauses)
                })
                .collect();
            stretches.push((raw, folded, holders?));
        }
        Some(Recurring { stretches, clauses })
    }
}

/// Calls `f` with the start, the end of its stretch and the hash of every four-character
/// stretch of Han characters (none of them a topic character) in `chars`, in order.
fn for_each_head(chars: &[char], topic: &Topic, mut f: impl FnMut(usize, usize, u64)) {
    let mut from = 0;
    for stretch in chars.split(|&c| !is_han(c) || topic.contains(&c)) {
        let (start, end) = (from, from + stretch.len());
        from = end + 1;
        for at in start..end.saturating_sub(CORPUS_MIN_CHARS - 1) {
            let head = CharsHash::of(chars[at..at + CORPUS_MIN_CHARS].iter().copied());
            f(at, end, head);
        }
    }
}

/// 16 bits of a head's hash: a head whose tag is no frequent head's is no frequent head.
fn head_tag(head: u64) -> u16 {
    (head >> 48) as u16
}

/// A hash of a short string of chars (polynomial, then mixed).
#[derive(Default, Clone, Copy)]
struct CharsHash(u64);

impl CharsHash {
    /// The hash of `chars`, all of them.
    fn of(chars: impl IntoIterator<Item = char>) -> u64 {
        let mut hash = CharsHash::default();
        chars.into_iter().for_each(|c| hash.push(c));
        hash.finish()
    }

    fn push(&mut self, c: char) {
        self.0 = self
            .0
            .wrapping_mul(0x100_0000_01b3)
            .wrapping_add(c as u64 + 1);
    }

    fn finish(&self) -> u64 {
        let mut h = self.0;
        h ^= h >> 30;
        h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
        h ^= h >> 27;
        h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
        h ^ (h >> 31)
    }
}

/// Characters of essay titles that name the topic (see [`corpus_phrases`]).
/// Only characters in the titles of two or more essays count: a user's file called 我的草稿 says
/// nothing about the topic.
fn topic_chars(corpus: &Corpus) -> Topic {
    let mut titles_with: HashMap<char, usize> = HashMap::new();
    for essay in &corpus.essays {
        let mut title = essay.title.clone();
        for word in GENRE_WORDS {
            title = title.replace(word, " ");
        }
        let chars: HashSet<char> = title.chars().filter(|&c| is_han(c)).collect();
        for c in chars {
            *titles_with.entry(c).or_default() += 1;
        }
    }
    titles_with
        .into_iter()
        .filter(|&(_, n)| n >= 2)
        .map(|(c, _)| c)
        .collect()
}

/// jieba tags that start a predicate: verbs, adjectives, adverbs, idioms, set phrases. Words our
/// own dictionary adds carry no tag; they are stock phrases or terms already and lead nothing.
fn is_predicate_head(tag: &str) -> bool {
    matches!(tag.chars().next(), Some('v' | 'a' | 'd' | 'i' | 'l'))
}

/// Copulas, modals and degree words: tagged as verbs or adverbs, but a run that starts or ends
/// with one is a fragment of a sentence (是另一篇, 要加强), not a formula.
fn is_light(word: &str) -> bool {
    LIGHT_WORDS.contains(&word)
}

const LIGHT_WORDS: &[&str] = &[
    "是", "有", "要", "会", "能", "可", "可以", "应", "应该", "应当", "需", "需要", "必须", "就",
    "都", "也", "还", "又", "再", "很", "更", "最", "太", "不", "没", "没有", "让", "使", "被",
    "给", "来", "去", "说", "做", "到", "已", "已经", "正在", "将",
];

/// Function-word tags: preposition, particle, conjunction, pronoun, locative, numeral, measure
/// word, punctuation and unknowns.
fn is_function(tag: &str) -> bool {
    matches!(
        tag.chars().next(),
        Some('p' | 'u' | 'c' | 'r' | 'f' | 'm' | 'q' | 'x' | 'y' | 'e' | 'o')
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Origin;

    /// The stretches that recur, found once per corpus, give every draft the clauses that the
    /// rule for one draft (`candidates`) gives it.
    #[test]
    fn recurring_stretches_give_each_draft_its_candidates() {
        let mut corpora = vec![corpus_with_phrases()];
        // Titles naming a topic (its characters are left out), and an essay of the topic.
        let mut titled = corpus_with_phrases();
        for (i, essay) in titled.essays.iter_mut().enumerate() {
            essay.title = format!("乡村振兴学习体会{i}");
        }
        titled.push(
            "乡村振兴心得".to_owned(),
            "全面推进乡村振兴，各项工作严重滞后的局面得到扭转。".repeat(3),
            Origin::File("x.txt".into()),
        );
        corpora.push(titled);
        let builtin = Corpus::builtin();
        let drafts: Vec<String> = vec![
            "我村道路建设严重地滞后，必须切实加强组织领导。".to_owned(),
            "要切实加强组织领导，认真落实各项措施；深入开展调查研究，扎实推进各项工作。".to_owned(),
            builtin.essays[0].text.clone(),
            builtin.essays.iter().map(|e| e.text.as_str()).collect(),
            "村里去年修了3公里水渠。".to_owned(),
        ];
        let mut held = 0;
        for corpus in &corpora {
            let recurring = Recurring::of(corpus).unwrap();
            let (topic, min) = (topic_chars(corpus), min_essays(corpus).unwrap());
            for draft in &drafts {
                let wanted = Wanted::of(&[draft]);
                let one = candidates(corpus, &topic, &wanted, min);
                let holders = recurring.holders(&wanted);
                // Looking for the recurring stretches alone finds the same.
                let among = Wanted::among(&[draft], &recurring.folded());
                assert_eq!(recurring.holders(&among), holders, "{draft}");
                assert_eq!(holders.is_none(), one.hashes.is_empty(), "{draft}");
                if let Some(holders) = holders {
                    assert_eq!(holders, one.holders, "{draft}");
                    held += holders.iter().filter(|&&h| h).count();
                }
            }
        }
        assert!(held > 50, "{held}");
        // A damaged cache list is refused.
        let lines = Recurring::of(&corpora[0]).unwrap().to_lines();
        let mut bad = lines.clone();
        bad[1] = bad[1].replace(' ', "");
        assert_eq!(Recurring::from_lines(bad.iter().map(String::as_str)), None);
        let mut out_of_range = lines.clone();
        out_of_range[0] = "clauses 1".to_owned();
        assert_eq!(
            Recurring::from_lines(out_of_range.iter().map(String::as_str)),
            None
        );
    }

    /// `stretches` tells the chars folding keeps without folding: every Han char but the
    /// particles. Folding must agree on real text.
    #[test]
    fn folding_keeps_every_han_char_but_the_particles() {
        let mut checked = 0;
        for essay in &Corpus::builtin().essays {
            for clause in clauses(&essay.text) {
                let chars: Vec<char> = clause.chars().collect();
                let (folded, origin) = crate::checks::formulaic::fold(clause);
                let kept: HashSet<usize> = origin.iter().map(|&i| i as usize).collect();
                for (i, &c) in chars.iter().enumerate().filter(|(_, c)| is_han(**c)) {
                    assert_eq!(kept.contains(&i), !is_particle(c), "{clause}");
                    checked += 1;
                }
                let han: Vec<char> = folded.into_iter().filter(|&c| is_han(c)).collect();
                let expected: Vec<char> = chars
                    .iter()
                    .copied()
                    .filter(|&c| is_han(c) && !is_particle(c))
                    .collect();
                assert_eq!(han, expected, "{clause}");
            }
        }
        assert!(checked > 10_000, "{checked}");
    }

    /// The built-in essays, each with two of four predicate-led sentences around it: a corpus
    /// with phrases to mine, some of them in a draft and some not.
    fn corpus_with_phrases() -> Corpus {
        const POOL: [&str; 4] = [
            "各项工作严重滞后，群众意见很大。",
            "要切实加强组织领导，认真落实各项措施。",
            "深入开展调查研究，扎实推进各项工作。",
            "进一步强化责任担当，不断提高服务水平。",
        ];
        let mut corpus = Corpus::default();
        for (i, essay) in Corpus::builtin().essays.iter().enumerate() {
            corpus.push(
                format!("体会{i}"),
                format!("{}{}{}", POOL[i % 4], essay.text, POOL[(i + 1) % 4]),
                Origin::File(format!("{i}.txt").into()),
            );
        }
        corpus
    }

    #[test]
    fn phrases_for_texts_are_the_phrases_that_can_match_in_them() {
        let corpus = corpus_with_phrases();
        let all = corpus_phrases(&corpus);
        assert!(all.len() >= 3, "{all:?}");
        let builtin = Corpus::builtin();
        let drafts: Vec<String> = vec![
            // Particles fold away: 严重地滞后 matches 严重滞后.
            "我村道路建设严重地滞后，必须切实加强组织领导。".to_owned(),
            all.join("，"),
            builtin.essays[0].text.clone(),
            "村里去年修了3公里水渠。".to_owned(),
            String::new(),
        ];
        // As the cache folder keeps it.
        let lines = Recurring::of(&corpus).unwrap().to_lines();
        let recurring = Recurring::from_lines(lines.iter().map(String::as_str)).unwrap();
        assert_eq!(Some(&recurring), Recurring::of(&corpus).as_ref());
        let fresh = |texts: &[&str]| {
            corpus_phrases_in(&corpus, texts, &recurring, &mut TaggedClauses::default())
        };
        let mut some_but_not_all = false;
        // One list of tagged clauses across the drafts, as the disk cache keeps it, and saved
        // and read back between them: the same phrases as tagging afresh.
        let mut tagged = TaggedClauses::default();
        for draft in &drafts {
            let texts = [draft.as_str()];
            let wanted = Wanted::of(&texts);
            let want: Vec<String> = all.iter().filter(|p| wanted.matches(p)).cloned().collect();
            assert_eq!(fresh(&texts).unwrap_or_default(), want, "{draft}");
            let lines = tagged.to_lines();
            tagged = TaggedClauses::from_lines(lines.iter().map(String::as_str)).unwrap();
            assert_eq!(tagged.to_lines(), lines);
            assert_eq!(
                corpus_phrases_in(&corpus, &texts, &recurring, &mut tagged).unwrap_or_default(),
                want,
                "{draft}"
            );
            assert_eq!(matching(all.clone(), &texts), want);
            some_but_not_all |= !want.is_empty() && want.len() < all.len();
        }
        assert!(some_but_not_all);
        assert_eq!(fresh(&[drafts[1].as_str()]), Some(all));
        // Nothing can match: known without jieba.
        assert_eq!(fresh(&[drafts[3].as_str()]), None);
        // Several texts: what matches in any of them.
        let both = [drafts[0].as_str(), drafts[3].as_str()];
        assert_eq!(fresh(&both), fresh(&both[..1]));
    }

    #[test]
    fn tagged_clauses_are_tagged_once() {
        let corpus = corpus_with_phrases();
        let recurring = Recurring::of(&corpus).unwrap();
        let all = corpus_phrases(&corpus);
        let draft = all.join("，");
        let mut tagged = TaggedClauses::default();
        assert_eq!(
            corpus_phrases_in(&corpus, &[&draft], &recurring, &mut tagged),
            Some(all.clone())
        );
        assert!(tagged.added() > 0);
        // Known clauses are not tagged again.
        let lines = tagged.to_lines();
        let mut again = TaggedClauses::from_lines(lines.iter().map(String::as_str)).unwrap();
        assert_eq!(
            corpus_phrases_in(&corpus, &[&draft], &recurring, &mut again),
            Some(all.clone())
        );
        assert_eq!(again.added(), 0);
        // What the list says is what is used: a clause's runs taken away, its phrases go.
        let emptied: Vec<String> = lines
            .iter()
            .map(|l| format!("{}\t", l.split_once('\t').unwrap().0))
            .collect();
        let mut emptied = TaggedClauses::from_lines(emptied.iter().map(String::as_str)).unwrap();
        assert_eq!(
            corpus_phrases_in(&corpus, &[&draft], &recurring, &mut emptied),
            Some(Vec::new())
        );
        // A damaged line makes the whole list unusable.
        assert_eq!(TaggedClauses::from_lines(["没有制表符"]), None);
    }

    #[test]
    fn a_long_tagged_list_keeps_only_what_the_last_run_used() {
        let lines: Vec<String> = (0..=MAX_TAGGED_CLAUSES)
            .map(|i| format!("分句{i}\t扎实推进"))
            .collect();
        let mut tagged = TaggedClauses::from_lines(lines.iter().map(String::as_str)).unwrap();
        // Over the bound, and nothing used yet: nothing would be kept.
        assert!(tagged.to_lines().is_empty());
        // Known: no jieba.
        assert_eq!(tagged.runs_of("分句7"), vec!["扎实推进".to_owned()]);
        assert_eq!(tagged.added(), 0);
        assert_eq!(tagged.to_lines(), vec!["分句7\t扎实推进".to_owned()]);
    }

    #[test]
    fn a_phrase_matches_a_text_by_its_folded_form() {
        let wanted = Wanted::of(&["必须严重地滞后下去"]);
        assert!(wanted.matches("严重滞后"));
        assert!(wanted.matches("严重地滞后"));
        assert!(!wanted.matches("严重落后"));
        // Folded to fewer than two chars: the check drops such a phrase.
        assert!(!Wanted::of(&["的了"]).matches("的了的了"));
    }
}
