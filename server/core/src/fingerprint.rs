//! Winnowing fingerprints (Schleimer, Wilkerson & Aiken, SIGMOD 2003 — the MOSS algorithm).
//!
//! Corpus texts are normalised, cut into k-grams of `K` characters and hashed; of every window of
//! `W` consecutive k-gram hashes the minimum is kept. Any run of `K + W - 1` = 13 normalised
//! characters shared with a draft therefore leaves at least one fingerprint in the index, while
//! the index holds only about 2/(W+1) of all k-grams. At query time every k-gram of the draft is
//! looked up, and each hit is verified and extended by direct comparison to a maximal match.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::normalize::{normalize, Normalized};
use crate::parallel;

/// k-gram length, in normalised characters.
pub const K: usize = 10;
/// Winnowing window, in k-grams.
pub const W: usize = 4;
/// Shared runs at least this long are always found.
pub const GUARANTEE: usize = K + W - 1;
/// A fingerprint kept in more places than this is a stock phrase of the genre, not evidence of
/// copying from one essay: only its first `MAX_POSTINGS` postings (in corpus order, so the
/// built-in essays come first) are kept, so such k-grams cannot blow up queries. A draft that
/// copies a stock passage is still reported, credited to the first essays that hold it.
pub const MAX_POSTINGS: usize = 64;
/// Postings of one fingerprint kept per essay: an essay that repeats a slogan fifty times must
/// not crowd every other essay out of the fingerprint's list.
pub const MAX_POSTINGS_PER_ESSAY: usize = 8;

/// Base of the polynomial k-gram hash (odd, so multiplying by it is invertible mod 2^64).
const BASE: u64 = 0x0000_0100_0000_01b3;
/// `BASE^(K-1)`, the weight of the character that leaves a rolling window.
const BASE_POW: u64 = {
    let mut p: u64 = 1;
    let mut i = 1;
    while i < K {
        p = p.wrapping_mul(BASE);
        i += 1;
    }
    p
};

/// Hash of one k-gram. Deterministic across runs and platforms (no random seed), so an index can
/// be cached on disk.
pub fn kgram_hash(chars: &[char]) -> u64 {
    let mut h: u64 = 0;
    for &c in chars {
        h = h.wrapping_mul(BASE).wrapping_add(c as u64 + 1);
    }
    finish(h)
}

/// splitmix64 finaliser: a polynomial hash alone orders similar k-grams badly, and winnowing
/// needs the minimum of a window to behave like a random choice.
fn finish(mut h: u64) -> u64 {
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// All k-gram hashes of `chars`, in order (rolling: two multiplications per character).
pub fn kgram_hashes(chars: &[char]) -> Vec<u64> {
    if chars.len() < K {
        return Vec::new();
    }
    let mut out = Vec::with_capacity(chars.len() - K + 1);
    let mut h: u64 = 0;
    for &c in &chars[..K] {
        h = h.wrapping_mul(BASE).wrapping_add(c as u64 + 1);
    }
    out.push(finish(h));
    for i in K..chars.len() {
        h = h
            .wrapping_sub((chars[i - K] as u64 + 1).wrapping_mul(BASE_POW))
            .wrapping_mul(BASE)
            .wrapping_add(chars[i] as u64 + 1);
        out.push(finish(h));
    }
    out
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Posting {
    pub essay: u32,
    /// Position of the k-gram in the essay's normalised text.
    pub pos: u32,
}

/// The fingerprint index of a corpus, and the normalised essay texts needed to verify hits.
///
/// Postings are stored flat, the way a search engine stores them: the distinct fingerprints
/// sorted, one offset per fingerprint into a single array of postings, and a directory on the
/// fingerprints' top bits so a lookup is two or three memory reads. That is ~16 bytes per
/// distinct fingerprint plus 8 per posting (a hash map of vectors needs about four times that),
/// and the arrays can be written to and read from the on-disk cache as they are.
#[derive(Debug, Clone, Default)]
pub struct Index {
    pub essays: Vec<Normalized>,
    table: Table,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Table {
    /// Distinct fingerprints, ascending.
    keys: Vec<u64>,
    /// `postings[offsets[i]..offsets[i + 1]]` are those of `keys[i]`; `keys.len() + 1` entries.
    offsets: Vec<u32>,
    /// By fingerprint, then essay, then position.
    postings: Vec<Posting>,
    /// `keys[dir[b]..dir[b + 1]]` are the fingerprints whose top `bits` bits are `b`.
    dir: Vec<u32>,
    bits: u32,
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

/// Fingerprints are spread over this many buckets (their top bits) while the index is built,
/// so the buckets can be sorted independently, on all cores.
const BUCKET_BITS: u32 = 8;

impl Index {
    /// Normalises and indexes `texts`, in parallel on all cores.
    pub fn build<'a>(texts: impl IntoIterator<Item = &'a str>) -> Index {
        let texts: Vec<&str> = texts.into_iter().collect();
        let essays = parallel::map(&texts, |t| t.len(), |t| normalize(t));
        Index::from_normalized(essays)
    }

    /// Indexes essays already normalised.
    pub fn from_normalized(essays: Vec<Normalized>) -> Index {
        let table = Table::build(&essays);
        Index { essays, table }
    }

    /// The postings of one fingerprint (empty when it is not in the corpus).
    pub fn postings(&self, hash: u64) -> &[Posting] {
        self.table.get(hash)
    }

    /// Distinct fingerprints in the index.
    pub fn fingerprint_count(&self) -> usize {
        self.table.keys.len()
    }

    /// Postings in the index.
    pub fn posting_count(&self) -> usize {
        self.table.postings.len()
    }

    /// The stored arrays (fingerprints, offsets, postings), for the on-disk cache.
    pub fn parts(&self) -> (&[u64], &[u32], &[Posting]) {
        (&self.table.keys, &self.table.offsets, &self.table.postings)
    }

    /// Reassembles an index from `parts` (as read back from the cache) and the normalised
    /// essays, checking every invariant a lookup relies on: a damaged cache file must be
    /// rejected here, not panic later.
    pub fn from_parts(
        essays: Vec<Normalized>,
        keys: Vec<u64>,
        offsets: Vec<u32>,
        postings: Vec<Posting>,
    ) -> Result<Index, String> {
        validate_parts(&essays, &keys, &offsets, &postings)?;
        let mut table = Table {
            keys,
            offsets,
            postings,
            dir: Vec::new(),
            bits: 0,
        };
        table.index_directory();
        Ok(Index { essays, table })
    }

    /// Maximal exact matches of at least `K` characters between `draft` and the corpus; every
    /// shared run of `GUARANTEE` characters or more is among them — with one exception the
    /// posting caps make: a run whose every fingerprint is a stock k-gram held in more than
    /// `MAX_POSTINGS` places is found in the first `MAX_POSTINGS` of them only (and so still
    /// reported, with fewer "also in" essays). Work per draft k-gram is at most `MAX_POSTINGS`
    /// verifications and one extension per (essay, diagonal).
    pub fn find_matches(&self, draft: &[char]) -> Vec<Match> {
        let mut matches: Vec<Match> = Vec::new();
        // Per (essay, diagonal), how far along the draft a found match already reaches, so the
        // many k-grams inside one long match are extended only once.
        let mut reached: FastMap<(u32, isize), usize> = FastMap::default();
        for (i, hash) in kgram_hashes(draft).into_iter().enumerate() {
            for posting in self.table.get(hash) {
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

/// Checks that `keys`, `offsets` and `postings` form a well-made index over `essays`.
pub fn validate_parts(
    essays: &[Normalized],
    keys: &[u64],
    offsets: &[u32],
    postings: &[Posting],
) -> Result<(), String> {
    if offsets.len() != keys.len() + 1 || offsets.first() != Some(&0) {
        return Err("offsets do not match the fingerprints".to_owned());
    }
    if offsets.last().map(|&o| o as usize) != Some(postings.len()) {
        return Err("offsets do not match the postings".to_owned());
    }
    if keys.windows(2).any(|w| w[0] >= w[1]) || offsets.windows(2).any(|w| w[0] > w[1]) {
        return Err("fingerprints or offsets out of order".to_owned());
    }
    let fits = |p: &Posting| {
        essays
            .get(p.essay as usize)
            .is_some_and(|e| p.pos as usize + K <= e.chars.len())
    };
    if !postings.iter().all(fits) {
        return Err("a posting points outside its essay".to_owned());
    }
    Ok(())
}

impl Table {
    fn build(essays: &[Normalized]) -> Table {
        let buckets = 1usize << BUCKET_BITS;
        // Fingerprints of every essay, spread over buckets by their top bits: one set of
        // buckets per slice of the corpus, filled in parallel, each in corpus order.
        let ids: Vec<usize> = (0..essays.len()).collect();
        let slices = parallel::chunks(&ids, |&i| essays[i].chars.len());
        let mut filled: Vec<Vec<Vec<(u64, Posting)>>> = parallel::map(
            &slices,
            |_| 1,
            |slice| {
                let mut out: Vec<Vec<(u64, Posting)>> = vec![Vec::new(); buckets];
                for &id in slice.iter() {
                    let hashes = kgram_hashes(&essays[id].chars);
                    for pos in winnow(&hashes) {
                        let hash = hashes[pos];
                        out[(hash >> (64 - BUCKET_BITS)) as usize].push((
                            hash,
                            Posting {
                                essay: id as u32,
                                pos: pos as u32,
                            },
                        ));
                    }
                }
                out
            },
        );
        // Each bucket: sorted by fingerprint, then corpus order; long lists capped.
        let per_bucket: Vec<Vec<Vec<(u64, Posting)>>> = (0..buckets)
            .map(|b| {
                filled
                    .iter_mut()
                    .map(|slice| std::mem::take(&mut slice[b]))
                    .collect()
            })
            .collect();
        drop(filled);
        let sorted: Vec<(Vec<u64>, Vec<u32>, Vec<Posting>)> = parallel::map_owned(
            per_bucket,
            |parts| parts.iter().map(Vec::len).sum(),
            |parts| {
                let mut all: Vec<(u64, Posting)> = parts.into_iter().flatten().collect();
                all.sort_unstable();
                let mut keys: Vec<u64> = Vec::new();
                let mut counts: Vec<u32> = Vec::new();
                let mut postings: Vec<Posting> = Vec::with_capacity(all.len());
                let mut run = 0..0;
                while run.end < all.len() {
                    let hash = all[run.end].0;
                    while run.end < all.len() && all[run.end].0 == hash {
                        run.end += 1;
                    }
                    let before = postings.len();
                    let mut essay = u32::MAX;
                    let mut in_essay = 0;
                    for &(_, posting) in &all[run.clone()] {
                        if postings.len() - before == MAX_POSTINGS {
                            break;
                        }
                        if posting.essay != essay {
                            essay = posting.essay;
                            in_essay = 0;
                        }
                        if in_essay < MAX_POSTINGS_PER_ESSAY {
                            postings.push(posting);
                            in_essay += 1;
                        }
                    }
                    keys.push(hash);
                    counts.push((postings.len() - before) as u32);
                    run.start = run.end;
                }
                (keys, counts, postings)
            },
        );
        let total_keys: usize = sorted.iter().map(|s| s.0.len()).sum();
        let total_postings: usize = sorted.iter().map(|s| s.2.len()).sum();
        let mut table = Table {
            keys: Vec::with_capacity(total_keys),
            offsets: Vec::with_capacity(total_keys + 1),
            postings: Vec::with_capacity(total_postings),
            dir: Vec::new(),
            bits: 0,
        };
        table.offsets.push(0);
        for (keys, counts, postings) in sorted {
            table.keys.extend_from_slice(&keys);
            let mut offset = table.postings.len() as u32;
            for count in counts {
                offset += count;
                table.offsets.push(offset);
            }
            table.postings.extend_from_slice(&postings);
        }
        table.index_directory();
        table
    }

    /// Builds `dir`: about one fingerprint per directory slot.
    fn index_directory(&mut self) {
        let n = self.keys.len();
        self.bits = (usize::BITS - n.max(2).leading_zeros() - 1).clamp(1, 26);
        let slots = 1usize << self.bits;
        let mut dir = Vec::with_capacity(slots + 1);
        let mut i = 0;
        for slot in 0..slots {
            while i < n && ((self.keys[i] >> (64 - self.bits)) as usize) < slot {
                i += 1;
            }
            dir.push(i as u32);
        }
        dir.push(n as u32);
        self.dir = dir;
    }

    fn get(&self, hash: u64) -> &[Posting] {
        if self.keys.is_empty() {
            return &[];
        }
        let slot = (hash >> (64 - self.bits)) as usize;
        let (lo, hi) = (self.dir[slot] as usize, self.dir[slot + 1] as usize);
        match self.keys[lo..hi].iter().position(|&k| k == hash) {
            Some(i) => {
                let i = lo + i;
                &self.postings[self.offsets[i] as usize..self.offsets[i + 1] as usize]
            }
            None => &[],
        }
    }
}

/// Hash maps keyed by k-gram hashes, positions or diagonals: SipHash is made for keys an attacker
/// chooses; these come from our own arithmetic, and hashing them is most of a lookup's cost.
pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<MixHasher>>;

/// A fast hasher for integer keys.
#[derive(Default)]
pub(crate) struct MixHasher(u64);

impl Hasher for MixHasher {
    fn finish(&self) -> u64 {
        let h = self.0.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        h ^ (h >> 29)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ b as u64).wrapping_mul(0x100_0000_01b3);
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.0 = (self.0.rotate_left(32) ^ n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(32) ^ n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }

    fn write_isize(&mut self, n: isize) {
        self.write_u64(n as u64);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
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

    /// The postings the index must hold, computed the slow and obvious way.
    fn reference_postings(essays: &[Normalized]) -> HashMap<u64, Vec<Posting>> {
        let mut all: HashMap<u64, Vec<Posting>> = HashMap::new();
        for (id, essay) in essays.iter().enumerate() {
            let hashes = kgram_hashes(&essay.chars);
            for pos in winnow(&hashes) {
                all.entry(hashes[pos]).or_default().push(Posting {
                    essay: id as u32,
                    pos: pos as u32,
                });
            }
        }
        for list in all.values_mut() {
            let mut kept: Vec<Posting> = Vec::new();
            for p in list.iter() {
                let in_essay = kept.iter().filter(|k| k.essay == p.essay).count();
                if kept.len() < MAX_POSTINGS && in_essay < MAX_POSTINGS_PER_ESSAY {
                    kept.push(*p);
                }
            }
            *list = kept;
        }
        all
    }

    #[test]
    fn flat_index_holds_exactly_the_capped_postings() {
        // The built-in essays many times over (so stock k-grams overflow their lists and the
        // build runs in parallel), plus one essay repeating a slogan.
        let builtin = crate::corpus::Corpus::builtin();
        let mut texts: Vec<String> = Vec::new();
        for round in 0..12 {
            for essay in &builtin.essays {
                texts.push(format!(
                    "第{round}轮{}小康不小康关键看老乡，脱贫攻坚是全面建成小康社会的底线任务",
                    essay.text
                ));
            }
        }
        texts.push("脱贫攻坚是底线任务必须如期完成。".repeat(40));
        let index = Index::build(texts.iter().map(String::as_str));
        let reference = reference_postings(&index.essays);
        assert_eq!(index.fingerprint_count(), reference.len());
        assert!(reference.values().any(|l| l.len() == MAX_POSTINGS));
        for (hash, list) in &reference {
            assert_eq!(index.postings(*hash), list.as_slice());
        }
        assert!(index.postings(0x1234_5678).is_empty());

        let (keys, offsets, postings) = index.parts();
        let again = Index::from_parts(
            index.essays.clone(),
            keys.to_vec(),
            offsets.to_vec(),
            postings.to_vec(),
        )
        .unwrap();
        assert_eq!(again.table, index.table);
        let draft: Vec<char> = texts[3].chars().take(200).collect();
        assert_eq!(again.find_matches(&draft), index.find_matches(&draft));
    }

    #[test]
    fn damaged_parts_are_rejected() {
        let index =
            Index::build(["改革开放以来我们实施大规模扶贫开发使七亿多农村贫困人口摆脱贫困"]);
        let (keys, offsets, postings) = index.parts();
        let (keys, offsets, postings) = (keys.to_vec(), offsets.to_vec(), postings.to_vec());
        let essays = index.essays.clone();
        let mut far = postings.clone();
        far[0].pos = 1_000;
        assert!(Index::from_parts(essays.clone(), keys.clone(), offsets.clone(), far).is_err());
        let mut unsorted = keys.clone();
        unsorted.swap(0, 1);
        assert!(
            Index::from_parts(essays.clone(), unsorted, offsets.clone(), postings.clone()).is_err()
        );
        assert!(
            Index::from_parts(essays.clone(), keys.clone(), vec![0], postings.clone()).is_err()
        );
        assert!(Index::from_parts(Vec::new(), keys, offsets, postings).is_err());
    }

    #[test]
    fn empty_index_finds_nothing() {
        let index = Index::build([]);
        assert!(index
            .find_matches(&chars("脱贫攻坚是全面建成小康社会的底线任务"))
            .is_empty());
        assert_eq!(index.fingerprint_count(), 0);
    }

    #[test]
    fn rolling_hashes_equal_direct_ones() {
        let text = chars("脱贫攻坚是全面建成小康社会的底线任务和标志性指标𠀀😀abc必须如期完成");
        let rolled = kgram_hashes(&text);
        let direct: Vec<u64> = text.windows(K).map(kgram_hash).collect();
        assert_eq!(rolled, direct);
        assert!(kgram_hashes(&text[..K - 1]).is_empty());
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
