//! jieba's tag for a word its dictionary lacks, from a model compiled at build time.
//!
//! jieba-rs guesses such a word's part of speech with a hidden Markov model over (position in
//! word, tag) states, which it parses from text the first time it needs it: ≈9 ms of CPU, a
//! fifth of a `check` against a corpus it has not seen. `build.rs` turns the same `posseg.txt`
//! into numbers once, and this module runs the same Viterbi search over them. The search is
//! jieba-rs 0.11's `posseg.rs` (MIT), step for step, so that every sum is taken in the same
//! order and every tie broken the same way; a test compares the two on every word of the
//! built-in essays.

use std::sync::LazyLock;

/// The model (layout: `posseg_model` in `build.rs`); empty when the build found none.
static MODEL: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/jieba-posseg.bin"));
static TAGS: &str = include_str!(concat!(env!("OUT_DIR"), "/jieba-posseg-tags.txt"));

const MIN_FLOAT: f64 = -3.14e100;
const NUM_POS: usize = 4; // B, M, E, S
const NUM_TAGS: usize = 64;
const NUM_STATES: usize = NUM_POS * NUM_TAGS;

/// Positions that may precede each position: B and S after E or S, M and E after B or M.
const PREV_POS: [[usize; 2]; NUM_POS] = [[2, 3], [0, 1], [0, 1], [2, 3]];

fn state_pos(state: usize) -> usize {
    state / NUM_TAGS
}

fn state_tag(state: usize) -> usize {
    state % NUM_TAGS
}

/// A char's candidate states: `start + bounds[p]..start + bounds[p + 1]` of `states` are those
/// at position `p`.
#[derive(Clone, Copy)]
struct Row {
    start: u32,
    bounds: [u16; NUM_POS + 1],
}

/// The larger part of the model is read in place, off the bytes compiled into the binary: copied
/// out it cost every process that tags 1.2 MB of new memory and 1–1.5 ms, on the way to its first
/// tag. The transitions, the innermost loop's data, are copied into a vector.
struct Model<'a> {
    tags: Vec<&'static str>,
    start: Vec<f64>,
    /// `[to * NUM_STATES + from]`.
    trans: Vec<f64>,
    bmp_rows: Le<'a, 2>,
    /// Chars above U+FFFF with their rows, ascending.
    other_rows: Vec<(u32, u16)>,
    rows: Vec<Row>,
    states: Le<'a, 2>,
    emits: Le<'a, 8>,
}

/// Little-endian numbers of `N` bytes each, read in place.
#[derive(Clone, Copy)]
struct Le<'a, const N: usize>(&'a [u8]);

impl<'a, const N: usize> Le<'a, N> {
    fn len(self) -> usize {
        self.0.len() / N
    }

    fn bytes(self, i: usize) -> [u8; N] {
        self.0[i * N..(i + 1) * N]
            .try_into()
            .expect("a slice of N bytes")
    }

    fn iter(self) -> impl Iterator<Item = [u8; N]> + 'a {
        self.0
            .chunks_exact(N)
            .map(|c| c.try_into().expect("chunks of N bytes"))
    }
}

impl<'a> Le<'a, 2> {
    fn u16(self, i: usize) -> u16 {
        u16::from_le_bytes(self.bytes(i))
    }

    fn u16s(self) -> impl Iterator<Item = u16> + 'a {
        self.iter().map(u16::from_le_bytes)
    }
}

impl Le<'_, 8> {
    fn f64(self, i: usize) -> f64 {
        f64::from_le_bytes(self.bytes(i))
    }

    /// Copied out, for the data read most.
    fn to_vec(self) -> Vec<f64> {
        self.iter().map(f64::from_le_bytes).collect()
    }
}

/// None when the build found no model (`build.rs`).
static LOADED: LazyLock<Option<Model<'static>>> = LazyLock::new(|| Model::read(MODEL));

/// Whether this build has the model; without it, tagging is left to jieba.
pub fn is_available() -> bool {
    LOADED.is_some()
}

/// Reads little-endian numbers off the front of a byte slice.
struct Bytes<'a>(&'a [u8]);

impl<'a> Bytes<'a> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, rest) = self.0.split_first_chunk::<N>()?;
        self.0 = rest;
        Some(*head)
    }

    fn u16(&mut self) -> Option<u16> {
        self.take().map(u16::from_le_bytes)
    }

    fn u32(&mut self) -> Option<u32> {
        self.take().map(u32::from_le_bytes)
    }

    /// The next `n` numbers of `N` bytes, in place.
    fn numbers<const N: usize>(&mut self, n: usize) -> Option<Le<'a, N>> {
        let (head, rest) = self.0.split_at_checked(n.checked_mul(N)?)?;
        self.0 = rest;
        Some(Le(head))
    }

    fn count(&mut self) -> Option<usize> {
        self.u32().map(|n| n as usize)
    }
}

impl<'a> Model<'a> {
    fn read(bytes: &'a [u8]) -> Option<Model<'a>> {
        let mut b = Bytes(bytes);
        let start = b.numbers::<8>(NUM_STATES)?.to_vec();
        let trans = b.numbers::<8>(NUM_STATES * NUM_STATES)?.to_vec();
        let bmp_rows = b.numbers::<2>(0x1_0000)?;
        let n = b.count()?;
        let other_rows = (0..n)
            .map(|_| Some((b.u32()?, b.u16()?)))
            .collect::<Option<Vec<_>>>()?;
        let n = b.count()?;
        let rows = (0..n)
            .map(|_| {
                let start = b.u32()?;
                let mut bounds = [0; NUM_POS + 1];
                for bound in &mut bounds {
                    *bound = b.u16()?;
                }
                Some(Row { start, bounds })
            })
            .collect::<Option<Vec<_>>>()?;
        let n = b.count()?;
        let states = b.numbers::<2>(n)?;
        let emits = b.numbers::<8>(n)?;
        let tags: Vec<&'static str> = TAGS.lines().collect();
        let fits = b.0.is_empty()
            && tags.len() == NUM_TAGS
            && bmp_rows.u16s().all(|r| (r as usize) < rows.len())
            && other_rows.iter().all(|&(_, r)| (r as usize) < rows.len())
            && rows.iter().all(|r| {
                r.start as usize + r.bounds[NUM_POS] as usize <= states.len()
                    && r.bounds.is_sorted()
            })
            && states.u16s().all(|s| (s as usize) < NUM_STATES);
        fits.then_some(Model {
            tags,
            start,
            trans,
            bmp_rows,
            other_rows,
            rows,
            states,
            emits,
        })
    }

    fn row(&self, ch: char) -> Row {
        let number = match u16::try_from(u32::from(ch)) {
            Ok(c) => self.bmp_rows.u16(c as usize),
            Err(_) => match self
                .other_rows
                .binary_search_by_key(&u32::from(ch), |&(c, _)| c)
            {
                Ok(i) => self.other_rows[i].1,
                Err(_) => 0,
            },
        };
        self.rows[number as usize]
    }

    /// The states of `row` at positions `from..to`, each with its emission log probability.
    fn states(&self, row: Row, from: usize, to: usize) -> impl Iterator<Item = (u16, f64)> + '_ {
        let start = row.start as usize;
        let range = start + row.bounds[from] as usize..start + row.bounds[to] as usize;
        range.map(|i| (self.states.u16(i), self.emits.f64(i)))
    }
}

/// Position-group boundaries of states sorted ascending.
fn pos_bounds(states: &[(u16, f64)]) -> [u16; NUM_POS + 1] {
    let mut bounds = [0u16; NUM_POS + 1];
    for pos in 0..NUM_POS {
        bounds[pos + 1] = states.partition_point(|&(s, _)| state_pos(s as usize) <= pos) as u16;
    }
    bounds
}

/// The tag jieba-rs gives `word` when its dictionary lacks it (`Jieba::guess_tag`): `m` for
/// ASCII digits only, `eng` for other ASCII letters and digits, the model's guess for a word
/// with a CJK ideograph, else `x`. None when this build has no model.
pub fn guess_tag(word: &str) -> Option<&'static str> {
    let model = LOADED.as_ref()?;
    let (mut eng, mut digits) = (0, 0);
    for c in word.chars().filter(char::is_ascii_alphanumeric) {
        eng += 1;
        digits += usize::from(c.is_ascii_digit());
    }
    if eng > 0 {
        return Some(if eng == digits { "m" } else { "eng" });
    }
    if !word.chars().any(is_cjk) {
        return Some("x");
    }
    // The tag of the longest span the model finds in the word, the last on ties.
    let mut best: Option<(usize, &'static str)> = None;
    viterbi(model, word, |len, tag| {
        if best.is_none_or(|(best_len, _)| len >= best_len) {
            best = Some((len, tag));
        }
    });
    Some(best.map_or("x", |(_, tag)| tag))
}

/// jieba-rs's `is_cjk`: the CJK Unified Ideographs and their extensions.
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2A6DF}'
        | '\u{2A700}'..='\u{2B73F}'
        | '\u{2B740}'..='\u{2B81F}'
        | '\u{2B820}'..='\u{2CEAF}'
        | '\u{2CEB0}'..='\u{2EBEF}'
        | '\u{2F800}'..='\u{2FA1F}')
}

/// The best state path through `text`, decoded into spans: `emit(byte length, tag)` for each,
/// in order (jieba-rs's `viterbi_posseg`).
fn viterbi(model: &Model, text: &str, mut emit: impl FnMut(usize, &'static str)) {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let Some(&(last_start, last_char)) = chars.last() else {
        return;
    };
    let text_end = last_start + last_char.len_utf8();
    let tag = |state: u16| model.tags[state_tag(state as usize)];
    if chars.len() == 1 {
        let mut best: Option<(f64, u16)> = None;
        for (s, em) in model.states(model.row(last_char), 3, 4) {
            let prob = model.start[s as usize] + em;
            if prob > MIN_FLOAT && best.is_none_or(|(bp, _)| prob >= bp) {
                best = Some((prob, s));
            }
        }
        emit(text_end, best.map_or("x", |(_, s)| tag(s)));
        return;
    }

    // The states reachable at the previous char, ascending, with their scores.
    let mut live: Vec<(u16, f64)> = Vec::new();
    let mut next_live: Vec<(u16, f64)> = Vec::new();
    for (s, em) in model.states(model.row(chars[0].1), 0, NUM_POS) {
        let prob = model.start[s as usize] + em;
        if prob > MIN_FLOAT {
            live.push((s, prob));
        }
    }
    if live.is_empty() {
        emit(text_end, "x");
        return;
    }
    let mut bounds = pos_bounds(&live);
    let mut prev = vec![u16::MAX; chars.len() * NUM_STATES];
    for (t, &(_, ch)) in chars.iter().enumerate().skip(1) {
        next_live.clear();
        for (s, em) in model.states(model.row(ch), 0, NUM_POS) {
            let si = s as usize;
            let trans_to = &model.trans[si * NUM_STATES..(si + 1) * NUM_STATES];
            let mut best_prob = MIN_FLOAT;
            let mut best_prev = u16::MAX;
            for &pp in &PREV_POS[state_pos(si)] {
                for &(ps, pv) in &live[bounds[pp] as usize..bounds[pp + 1] as usize] {
                    let tp = trans_to[ps as usize];
                    if tp <= MIN_FLOAT {
                        continue;
                    }
                    let prob = pv + tp + em;
                    if prob > best_prob {
                        best_prob = prob;
                        best_prev = ps;
                    }
                }
            }
            prev[t * NUM_STATES + si] = best_prev;
            if best_prob > MIN_FLOAT {
                next_live.push((s, best_prob));
            }
        }
        std::mem::swap(&mut live, &mut next_live);
        if live.is_empty() {
            emit(text_end, "x");
            return;
        }
        bounds = pos_bounds(&live);
    }

    // The best final state is at the end of a word (E or S).
    let mut best_prob = MIN_FLOAT;
    let mut best_state = u16::MAX;
    for pos in [2, 3] {
        for &(s, score) in &live[bounds[pos] as usize..bounds[pos + 1] as usize] {
            if score > best_prob {
                best_prob = score;
                best_state = s;
            }
        }
    }
    if best_state == u16::MAX {
        emit(text_end, "x");
        return;
    }
    let mut path = vec![0u16; chars.len()];
    path[chars.len() - 1] = best_state;
    for t in (1..chars.len()).rev() {
        path[t - 1] = prev[t * NUM_STATES + path[t] as usize];
    }

    let mut word_start = chars[0].0;
    let mut last_end = None;
    for (t, &state) in path.iter().enumerate() {
        let end = chars.get(t + 1).map_or(text_end, |&(i, _)| i);
        match state_pos(state as usize) {
            0 => word_start = chars[t].0,
            2 => {
                emit(end - word_start, tag(state));
                last_end = Some(end);
            }
            3 => {
                emit(end - chars[t].0, tag(state));
                last_end = Some(end);
            }
            _ => {}
        }
    }
    match last_end {
        None => emit(text_end - chars[0].0, "x"),
        Some(end) if end < text_end => emit(text_end - end, "x"),
        Some(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jieba_rs::Jieba;

    /// jieba-rs's guess for every word of `text`: a jieba without a dictionary knows no word, so
    /// each word its HMM cuts is guessed by its own model.
    fn jiebas_guesses(text: &str) -> Vec<(String, String)> {
        static EMPTY: LazyLock<Jieba> = LazyLock::new(Jieba::empty);
        let tags = EMPTY.tag(text, true).into_iter();
        tags.map(|t| (t.word.to_owned(), t.tag.to_owned()))
            .collect()
    }

    #[test]
    fn this_build_compiles_jiebas_model() {
        assert!(
            is_available(),
            "build.rs found no jieba-rs posseg.txt in cargo's registry: fetch the dependencies"
        );
    }

    #[test]
    fn guesses_the_tag_jieba_guesses_for_every_word_and_char() {
        let mut words = 0;
        for text in crate::segment::test_texts() {
            for (word, tag) in jiebas_guesses(&text) {
                assert_eq!(guess_tag(&word), Some(tag.as_str()), "word {word:?}");
                words += 1;
            }
            // Each char as a word of its own, so every row of the model a text uses is read.
            for c in text.chars().filter(|c| !c.is_whitespace()) {
                let word = c.to_string();
                let want = jiebas_guesses(&word);
                assert_eq!(want.len(), 1, "{word:?} is one word to jieba");
                assert_eq!(guess_tag(&word), Some(want[0].1.as_str()), "char {word:?}");
            }
        }
        // The essays alone hold thousands of words: the comparison did run.
        assert!(words > 10_000, "{words} words compared");
    }

    #[test]
    fn a_damaged_model_is_refused() {
        assert!(Model::read(&MODEL[..MODEL.len() - 1]).is_none());
        assert!(Model::read(&[]).is_none());
        let mut longer = MODEL.to_vec();
        longer.push(0);
        assert!(Model::read(&longer).is_none());
    }
}
