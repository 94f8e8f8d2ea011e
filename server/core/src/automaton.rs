//! Aho–Corasick automata over chars (daachorse's charwise double array), searched where their
//! bytes lie.
//!
//! daachorse builds an automaton and writes it out (`serialize`). Reading it back
//! (`deserialize`) copies every state, the char → code table (a u32 per code point up to the
//! highest char of any pattern: ≈160 KB for Chinese patterns), the outputs and a 64 KB
//! prefilter into fresh memory, and checks every state: for the five automata of the checks'
//! tables that the binary carries, ≈3 ms of CPU at every start (6 % of a cold 0.5 MB check),
//! for searches that touch a few pages of each. [`Automaton`] searches daachorse's written
//! layout itself, in place: the binary's own bytes for an embedded table, its own copy for one
//! built at run time. `tests` hold its matches to daachorse's.

use std::borrow::Cow;

use daachorse::CharwiseDoubleArrayAhoCorasick;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An automaton over chars whose patterns each carry a value, in daachorse 5's written layout
/// (`CharwiseDoubleArrayAhoCorasick::serialize`; little-endian u32s unless said otherwise):
///
/// 1. states: their count, then per state its base (0: no child), check, fail state and output
///    position (0: none; else 1 + the index of its first output);
/// 2. the code mapper: its length, a code per char (`u32::MAX`: in no pattern), the alphabet
///    size;
/// 3. outputs: their count, then per output the value, the pattern's length in bytes and the
///    parent position (the next output to report at the same end, as the output position);
/// 4. the match kind (a byte; 0 is standard, the only kind that reports overlapping matches),
///    the number of states, the prefilter (a flag byte; when 1, a window byte and a 64 KB table).
#[derive(Clone)]
pub struct Automaton {
    bytes: Cow<'static, [u8]>,
    /// Byte offsets of the first state, the first code and the first output.
    states: usize,
    codes: usize,
    outputs: usize,
    /// How many codes the mapper has (chars from U+0000 on).
    code_count: usize,
}

/// One match: byte offsets into the text and the pattern's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Match {
    start: usize,
    end: usize,
    value: u32,
}

impl Match {
    pub fn start(&self) -> usize {
        self.start
    }

    pub fn end(&self) -> usize {
        self.end
    }

    pub fn value(&self) -> u32 {
        self.value
    }
}

const ROOT: u32 = 0;
const STATE_BYTES: usize = 16;
const OUTPUT_BYTES: usize = 12;
const NO_CODE: u32 = u32::MAX;
const STANDARD_MATCH_KIND: u8 = 0;
const PREFILTER_BYTES: usize = 1 + 65536;

impl Automaton {
    /// Over `patterns` (distinct, none empty), each with its value.
    pub fn with_values<P: AsRef<str>>(
        patterns: impl IntoIterator<Item = (P, u32)>,
    ) -> Result<Automaton, daachorse::errors::DaachorseError> {
        let built = CharwiseDoubleArrayAhoCorasick::with_values(patterns)?;
        let automaton = Automaton::read(Cow::Owned(built.serialize()));
        Ok(automaton.expect("daachorse writes the layout it is read in"))
    }

    /// The automaton `bytes` hold; None when they are not laid out as one (parts missing, parts
    /// beyond the end, bytes left over, or not a standard automaton). The states themselves are
    /// not checked, as daachorse's `deserialize` does: bytes this build wrote are read, and a
    /// state pointing outside the automaton would make a search panic, not read elsewhere.
    fn read(bytes: Cow<'static, [u8]>) -> Option<Automaton> {
        let word = |at: usize| Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?));
        let count = |at: usize| word(at).map(|n| n as usize);
        let states: usize = 4;
        let state_count = count(0)?;
        let mapper = states.checked_add(state_count.checked_mul(STATE_BYTES)?)?;
        let codes = mapper + 4;
        let code_count = count(mapper)?;
        let alphabet = codes.checked_add(code_count.checked_mul(4)?)?;
        let output_count = count(alphabet + 4)?;
        let outputs = alphabet + 8;
        let kind = outputs.checked_add(output_count.checked_mul(OUTPUT_BYTES)?)?;
        let prefilter = kind + 1 + 4;
        let end = match bytes.get(prefilter)? {
            0 => prefilter + 1,
            1 => prefilter + 1 + PREFILTER_BYTES,
            _ => return None,
        };
        let laid_out =
            state_count > 0 && *bytes.get(kind)? == STANDARD_MATCH_KIND && end == bytes.len();
        laid_out.then_some(Automaton {
            states,
            codes,
            outputs,
            code_count,
            bytes,
        })
    }

    /// Every match in `text`, overlapping ones included, in order of their ends (at one end,
    /// longest first): what daachorse's `find_overlapping_iter` gives.
    pub fn find_overlapping_iter<'a>(&'a self, text: &'a str) -> Matches<'a> {
        let layout = self.layout();
        let root_output = layout.state_word(ROOT, OUTPUT);
        Matches {
            layout,
            chars: text.char_indices(),
            state: ROOT,
            output: root_output,
            root_output,
            end: 0,
        }
    }

    /// Memory it holds of its own (none when it is read from the binary).
    #[cfg(test)]
    pub fn heap_bytes(&self) -> usize {
        match &self.bytes {
            Cow::Owned(bytes) => bytes.len(),
            Cow::Borrowed(_) => 0,
        }
    }

    fn layout(&self) -> Layout<'_> {
        let bytes: &[u8] = &self.bytes;
        Layout {
            states: &bytes[self.states..self.codes - 4],
            codes: &bytes[self.codes..self.codes + self.code_count * 4],
            outputs: &bytes[self.outputs..],
        }
    }
}

/// The parts of an automaton's bytes a search reads.
#[derive(Clone, Copy)]
struct Layout<'a> {
    states: &'a [u8],
    codes: &'a [u8],
    outputs: &'a [u8],
}

/// Fields of a state, in the order they are written.
const BASE: usize = 0;
const CHECK: usize = 1;
const FAIL: usize = 2;
const OUTPUT: usize = 3;

fn word(bytes: &[u8], at: usize) -> u32 {
    let four: [u8; 4] = bytes[at..at + 4].try_into().expect("four bytes");
    u32::from_le_bytes(four)
}

impl Layout<'_> {
    fn state_word(&self, state: u32, field: usize) -> u32 {
        word(self.states, state as usize * STATE_BYTES + field * 4)
    }

    fn code(&self, c: char) -> Option<u32> {
        let at = c as usize * 4;
        let four: [u8; 4] = self.codes.get(at..at + 4)?.try_into().ok()?;
        Some(u32::from_le_bytes(four)).filter(|&code| code != NO_CODE)
    }

    /// The state after reading `c` in `state`: its child by `c`, else that of the longest
    /// suffix state that has one, else the root.
    fn next_state(&self, mut state: u32, c: char) -> u32 {
        let Some(code) = self.code(c) else {
            return ROOT;
        };
        loop {
            let base = self.state_word(state, BASE);
            if base != 0 {
                let child = base ^ code;
                if self.state_word(child, CHECK) == state {
                    return child;
                }
            }
            if state == ROOT {
                return ROOT;
            }
            state = self.state_word(state, FAIL);
        }
    }

    /// The output at `position` (1-based) as a match ending at `end`, and the next position.
    fn output(&self, position: u32, end: usize) -> (Match, u32) {
        let at = (position as usize - 1) * OUTPUT_BYTES;
        let length = word(self.outputs, at + 4) as usize;
        let found = Match {
            start: end - length,
            end,
            value: word(self.outputs, at),
        };
        (found, word(self.outputs, at + 8))
    }
}

/// The iterator of [`Automaton::find_overlapping_iter`].
pub struct Matches<'a> {
    layout: Layout<'a>,
    chars: std::str::CharIndices<'a>,
    state: u32,
    /// The next output to report at `end` (0: none).
    output: u32,
    /// The root's (0 but for an empty pattern): most chars lead back to the root.
    root_output: u32,
    end: usize,
}

impl Iterator for Matches<'_> {
    type Item = Match;

    fn next(&mut self) -> Option<Match> {
        while self.output == 0 {
            let (at, c) = self.chars.next()?;
            self.end = at + c.len_utf8();
            self.state = self.layout.next_state(self.state, c);
            self.output = match self.state {
                ROOT => self.root_output,
                state => self.layout.state_word(state, OUTPUT),
            };
        }
        let (found, next) = self.layout.output(self.output, self.end);
        self.output = next;
        Some(found)
    }
}

impl Serialize for Automaton {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&self.bytes)
    }
}

impl<'de> Deserialize<'de> for Automaton {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Bytes;
        impl serde::de::Visitor<'_> for Bytes {
            type Value = Automaton;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a serialized automaton")
            }

            fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<Automaton, E> {
                // Inside the tables the binary carries, the automaton is read there.
                let bytes = match crate::prebuilt::embedded_part(bytes) {
                    Some(embedded) => Cow::Borrowed(embedded),
                    None => Cow::Owned(bytes.to_vec()),
                };
                Automaton::read(bytes).ok_or_else(|| E::custom("not an automaton"))
            }
        }
        deserializer.deserialize_bytes(Bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Matches as (start, end, value).
    type Found = Vec<(usize, usize, u32)>;

    /// Both automata over `patterns`, and their matches in `text`: ours, daachorse's.
    fn both(patterns: &[&str], text: &str) -> (Found, Found) {
        let values = || patterns.iter().zip(0u32..);
        let ours = Automaton::with_values(values()).unwrap();
        let theirs = CharwiseDoubleArrayAhoCorasick::<u32>::with_values(values()).unwrap();
        let ours = (ours.find_overlapping_iter(text))
            .map(|m| (m.start(), m.end(), m.value()))
            .collect();
        let theirs = (theirs.find_overlapping_iter(text))
            .map(|m| (m.start(), m.end(), m.value()))
            .collect();
        (ours, theirs)
    }

    #[test]
    fn it_finds_what_daachorse_finds_over_the_builtin_essays() {
        let corpus = crate::corpus::Corpus::builtin();
        let text: String = corpus.essays.iter().map(|e| e.text.as_str()).collect();
        let chars: Vec<char> = text.chars().collect();
        // Patterns of every length from 1 to 8 chars cut out of the essays at spread places
        // (overlapping, sharing prefixes and suffixes, so the fail and output chains are
        // long), a few that occur nowhere, and some outside the BMP or in ASCII.
        let mut patterns: Vec<String> = (0..chars.len())
            .step_by(97)
            .map(|at| {
                let len = 1 + at % 8;
                chars[at..(at + len).min(chars.len())].iter().collect()
            })
            .collect();
        patterns.extend(
            [
                "乡村振兴",
                "振兴",
                "兴",
                "𠮷野家",
                "𠮷",
                "ab",
                "b",
                "不在文中的词",
            ]
            .map(String::from),
        );
        patterns.sort();
        patterns.dedup();
        let patterns: Vec<&str> = patterns.iter().map(String::as_str).collect();
        let (ours, theirs) = both(&patterns, &text);
        assert!(theirs.len() > 3_000, "{}", theirs.len());
        assert_eq!(ours, theirs);
        for text in [
            "",
            "a",
            "ab𠮷野家b",
            "𠮷𠮷",
            "振兴乡村振兴兴",
            "\u{10FFFF}",
            "乡村\n振兴",
        ] {
            let (ours, theirs) = both(&patterns, text);
            assert_eq!(ours, theirs, "{text:?}");
        }
    }

    #[test]
    fn a_stored_automaton_reads_back_the_same() {
        let patterns = ["乡村振兴", "振兴", "𠮷"];
        let built = Automaton::with_values(patterns.iter().zip(0u32..)).unwrap();
        let stored = postcard::to_allocvec(&built).unwrap();
        let back: Automaton = postcard::from_bytes(&stored).unwrap();
        let text = "全面推进乡村振兴𠮷";
        let found = |a: &Automaton| a.find_overlapping_iter(text).collect::<Vec<_>>();
        assert_eq!(found(&back), found(&built));
        assert_eq!(found(&back).len(), 3);
    }

    #[test]
    fn bytes_that_are_no_automaton_are_refused() {
        let good = CharwiseDoubleArrayAhoCorasick::<u32>::with_values([("振兴", 0)])
            .unwrap()
            .serialize();
        let mut longer = good.clone();
        longer.push(0);
        let read = Automaton::read(Cow::Owned(good.clone())).expect("daachorse's own bytes");
        // The match kind byte, right after the outputs.
        let kind = read.outputs + word(&good, read.outputs - 4) as usize * OUTPUT_BYTES;
        assert_eq!(good[kind], STANDARD_MATCH_KIND);
        let mut leftmost = good.clone();
        leftmost[kind] = 1;
        let cut = good[..good.len() - 1].to_vec();
        for bytes in [
            vec![0; 16],
            vec![0xff; 64],
            Vec::new(),
            longer,
            leftmost,
            cut,
        ] {
            assert!(
                Automaton::read(Cow::Owned(bytes.clone())).is_none(),
                "{bytes:?}"
            );
            let stored = postcard::to_allocvec(&serde_bytes_of(&bytes)).unwrap();
            assert!(postcard::from_bytes::<Automaton>(&stored).is_err());
        }
    }

    /// `bytes` as serde writes a byte string (what an automaton is stored as).
    fn serde_bytes_of(bytes: &[u8]) -> impl Serialize + '_ {
        struct AsBytes<'a>(&'a [u8]);
        impl Serialize for AsBytes<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_bytes(self.0)
            }
        }
        AsBytes(bytes)
    }
}
