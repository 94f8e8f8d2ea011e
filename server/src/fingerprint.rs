//! Winnowing fingerprints (Schleimer, Wilkerson & Aiken, SIGMOD 2003 — the MOSS algorithm).
//!
//! Corpus texts are normalised, cut into k-grams of `K` characters and hashed; of every window of
//! `W` consecutive k-gram hashes the minimum is kept. Any run of `K + W - 1` = 13 normalised
//! characters shared with a draft therefore leaves at least one fingerprint in the index, while
//! the index holds only about 2/(W+1) of all k-grams. At query time every k-gram of the draft is
//! looked up, and each hit is verified and extended by direct comparison to a maximal match.

use std::collections::HashMap;

use crate::normalize::{normalize, Normalized};

/// k-gram length, in normalised characters.
pub const K: usize = 10;
/// Winnowing window, in k-grams.
pub const W: usize = 4;
/// Shared runs at least this long are always found.
pub const GUARANTEE: usize = K + W - 1;
/// A fingerprint kept in more essays than this is a stock phrase of the genre, not evidence of
/// copying from one essay; further postings are dropped so such k-grams cannot blow up queries.
pub const MAX_POSTINGS: usize = 64;

/// Hash of one k-gram. Deterministic across runs and platforms (no random seed), so an index can
/// be cached on disk.
pub fn kgram_hash(chars: &[char]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &c in chars {
        h ^= c as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    // splitmix64 finaliser: FNV alone orders similar k-grams badly, and winnowing needs the
    // minimum of a window to behave like a random choice.
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// All k-gram hashes of `chars`, in order.
pub fn kgram_hashes(chars: &[char]) -> Vec<u64> {
    if chars.len() < K {
        return Vec::new();
    }
    chars.windows(K).map(kgram_hash).collect()
}

/// Positions of the k-grams winnowing selects (robust winnowing: the rightmost minimum of each
/// window, each position reported once).
pub fn winnow(hashes: &[u64]) -> Vec<usize> {
    let mut selected = Vec::new();
    if hashes.is_empty() {
        return selected;
    }
    if hashes.len() < W {
        let min = (0..hashes.len()).rev().min_by_key(|&i| hashes[i]).unwrap();
        selected.push(min);
        return selected;
    }
    let mut last = usize::MAX;
    for start in 0..=hashes.len() - W {
        // Rightmost minimum: `rev()` + `min_by_key` keeps the first minimum seen from the right.
        let min = (start..start + W).rev().min_by_key(|&i| hashes[i]).unwrap();
        if min != last {
            selected.push(min);
            last = min;
        }
    }
    selected
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posting {
    pub essay: u32,
    /// Position of the k-gram in the essay's normalised text.
    pub pos: u32,
}

/// The fingerprint index of a corpus, and the normalised essay texts needed to verify hits.
#[derive(Debug, Default)]
pub struct Index {
    pub postings: HashMap<u64, Vec<Posting>>,
    pub essays: Vec<Normalized>,
}

/// One exact shared run between a draft and a corpus essay, in normalised characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    pub essay: u32,
    pub draft_start: usize,
    pub essay_start: usize,
    pub len: usize,
}

impl Match {
    pub fn draft_end(&self) -> usize {
        self.draft_start + self.len
    }
    pub fn essay_end(&self) -> usize {
        self.essay_start + self.len
    }
}

impl Index {
    pub fn build<'a>(texts: impl IntoIterator<Item = &'a str>) -> Index {
        let mut index = Index::default();
        for text in texts {
            index.add(normalize(text));
        }
        index
    }

    pub fn add(&mut self, normalized: Normalized) {
        let essay = self.essays.len() as u32;
        let hashes = kgram_hashes(&normalized.chars);
        for pos in winnow(&hashes) {
            let list = self.postings.entry(hashes[pos]).or_default();
            if list.len() < MAX_POSTINGS {
                list.push(Posting {
                    essay,
                    pos: pos as u32,
                });
            }
        }
        self.essays.push(normalized);
    }

    /// Maximal exact matches of at least `K` characters between `draft` and the corpus; every
    /// shared run of `GUARANTEE` characters or more is among them.
    pub fn find_matches(&self, draft: &[char]) -> Vec<Match> {
        let mut matches: Vec<Match> = Vec::new();
        // Per (essay, diagonal), how far along the draft a found match already reaches, so the
        // many k-grams inside one long match are extended only once.
        let mut reached: HashMap<(u32, isize), usize> = HashMap::new();
        for (i, hash) in kgram_hashes(draft).into_iter().enumerate() {
            let Some(list) = self.postings.get(&hash) else {
                continue;
            };
            for posting in list {
                let essay = &self.essays[posting.essay as usize].chars;
                let p = posting.pos as usize;
                let diagonal = p as isize - i as isize;
                if reached
                    .get(&(posting.essay, diagonal))
                    .is_some_and(|&end| end > i)
                {
                    continue;
                }
                if essay[p..p + K] != draft[i..i + K] {
                    continue; // hash collision
                }
                let mut start = i;
                let mut essay_start = p;
                while start > 0 && essay_start > 0 && draft[start - 1] == essay[essay_start - 1] {
                    start -= 1;
                    essay_start -= 1;
                }
                let mut end = i + K;
                let mut essay_end = p + K;
                while end < draft.len() && essay_end < essay.len() && draft[end] == essay[essay_end]
                {
                    end += 1;
                    essay_end += 1;
                }
                reached.insert((posting.essay, diagonal), end);
                matches.push(Match {
                    essay: posting.essay,
                    draft_start: start,
                    essay_start,
                    len: end - start,
                });
            }
        }
        matches.sort_by_key(|m| (m.essay, m.draft_start, m.essay_start));
        matches.dedup();
        matches
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn winnowing_keeps_a_fingerprint_in_every_window() {
        let text = chars("脱贫攻坚是全面建成小康社会的底线任务和标志性指标必须如期完成");
        let hashes = kgram_hashes(&text);
        let selected = winnow(&hashes);
        for start in 0..=hashes.len() - W {
            assert!(
                selected.iter().any(|&p| (start..start + W).contains(&p)),
                "window at {start} has no fingerprint"
            );
        }
        assert!(selected.len() < hashes.len());
    }

    #[test]
    fn every_shared_run_of_thirteen_is_found() {
        let essay = "改革开放以来我们实施大规模扶贫开发使七亿多农村贫困人口摆脱贫困取得了举世瞩目的伟大成就";
        let index = Index::build([essay]);
        let essay_chars = chars(essay);
        // Every 13-character window of the essay, embedded in unrelated text, is found.
        for start in 0..=essay_chars.len() - GUARANTEE {
            let run: String = essay_chars[start..start + GUARANTEE].iter().collect();
            let draft = chars(&format!("今天天气很好我们一起去{run}然后回家吃饭"));
            let found = index.find_matches(&draft);
            assert!(
                found
                    .iter()
                    .any(|m| m.len >= GUARANTEE && m.draft_start == 11),
                "run at {start} not found: {found:?}"
            );
        }
    }

    #[test]
    fn unrelated_text_has_no_matches() {
        let index =
            Index::build(["改革开放以来我们实施大规模扶贫开发使七亿多农村贫困人口摆脱贫困"]);
        assert!(index
            .find_matches(&chars("春天来了村口的桃花开得正好孩子们在田埂上放风筝"))
            .is_empty());
    }
}
