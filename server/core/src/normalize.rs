//! Text normalisation for matching, with a map back to the original text.
//!
//! Copy detection must not be fooled by a comma switched from half to full width, a space, or a
//! full-width digit. We apply NFKC (which folds full-width forms), lower-case Latin letters and
//! keep only letters and digits. Every kept character remembers the char offset it came from,
//! so a match in normalised text maps back to an exact range of what the writer typed.

use std::sync::atomic::AtomicU8;
use std::sync::atomic::Ordering::Relaxed;

use unicode_normalization::UnicodeNormalization;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Normalized {
    pub chars: Vec<char>,
    /// `origin[i]` is the char offset, in the source text, of `chars[i]`.
    pub origin: Vec<u32>,
}

impl Normalized {
    pub fn len(&self) -> usize {
        self.chars.len()
    }

    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    /// The source char range covered by normalised chars `start..end` (end exclusive).
    pub fn source_range(&self, start: usize, end: usize) -> std::ops::Range<usize> {
        debug_assert!(start < end && end <= self.len());
        self.origin[start] as usize..self.origin[end - 1] as usize + 1
    }
}

/// Normalises `text`; see the module docs.
pub fn normalize(text: &str) -> Normalized {
    let mut out = Normalized {
        chars: Vec::with_capacity(text.len() / 3),
        origin: Vec::with_capacity(text.len() / 3),
    };
    let mut buf = [0u8; 4];
    for (offset, c) in text.chars().enumerate() {
        let offset = offset as u32;
        if is_common_han(c) {
            out.chars.push(c);
            out.origin.push(offset);
        } else if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                out.chars.push(c.to_ascii_lowercase());
                out.origin.push(offset);
            }
        } else {
            match bmp_fold(c) {
                Fold::Drop => {}
                Fold::Keep => {
                    out.chars.push(c);
                    out.origin.push(offset);
                }
                Fold::Slow => {
                    for folded in c.encode_utf8(&mut buf).nfkc() {
                        if folded.is_alphanumeric() {
                            for lower in folded.to_lowercase() {
                                out.chars.push(lower);
                                out.origin.push(offset);
                            }
                        }
                    }
                }
            }
        }
    }
    out
}

/// What `normalize` does with one character outside ASCII and the common Han block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fold {
    /// Folds to nothing kept (punctuation, symbols, spaces).
    Drop,
    /// Stays as it is.
    Keep,
    /// Anything else (full-width letters, compatibility forms, characters outside the BMP):
    /// NFKC and lower-casing, the slow way.
    Slow,
}

/// `Fold` of every BMP character, computed on first sight: NFKC through `unicode-normalization`
/// costs ~100 ns a character, and Chinese text is one-tenth punctuation. 0 = not yet known.
static BMP_FOLD: [AtomicU8; 0x1_0000] = [const { AtomicU8::new(0) }; 0x1_0000];

fn bmp_fold(c: char) -> Fold {
    let Ok(unit) = u16::try_from(c as u32) else {
        return Fold::Slow;
    };
    let slot = &BMP_FOLD[unit as usize];
    match slot.load(Relaxed) {
        1 => return Fold::Drop,
        2 => return Fold::Keep,
        3 => return Fold::Slow,
        _ => {}
    }
    let fold = classify(c);
    slot.store(
        match fold {
            Fold::Drop => 1,
            Fold::Keep => 2,
            Fold::Slow => 3,
        },
        Relaxed,
    );
    fold
}

fn classify(c: char) -> Fold {
    let mut buf = [0u8; 4];
    let folded: Vec<char> = c.encode_utf8(&mut buf).nfkc().collect();
    if !folded.iter().any(|f| f.is_alphanumeric()) {
        Fold::Drop
    } else if folded == [c] && c.to_lowercase().eq([c]) {
        Fold::Keep
    } else {
        Fold::Slow
    }
}

/// Folds one character the way `normalize` does, for callers that compare short strings.
pub fn normalize_str(text: &str) -> String {
    normalize(text).chars.into_iter().collect()
}

/// Width and case folding, one char for one char so offsets stay put: full-width ASCII forms
/// (＊, ［, （, ：, ｘ) and the ideographic space become ASCII, Latin letters lower case. For
/// checks that scan the draft's own characters instead of normalised text.
pub fn fold_width_and_case(c: char) -> char {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    };
    c.to_ascii_lowercase()
}

/// CJK Unified Ideographs: already normal, and by far the most common case.
fn is_common_han(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_punctuation_and_folds_width_and_case() {
        let n = normalize("小康不小康，关键看老乡。 ＡＢc１2");
        assert_eq!(
            n.chars.iter().collect::<String>(),
            "小康不小康关键看老乡abc12"
        );
        // 关 sits after the full-width comma, at char 6 of the source.
        assert_eq!(n.origin[5], 6);
        assert_eq!(n.source_range(5, 10), 6..11);
    }

    #[test]
    fn half_and_full_width_commas_normalise_alike() {
        assert_eq!(
            normalize_str("脱贫攻坚,全面小康"),
            normalize_str("脱贫攻坚，全面小康")
        );
    }

    /// The per-character table gives what NFKC and lower-casing give, for every character.
    #[test]
    fn fast_fold_equals_the_slow_way() {
        let slow = |c: char| -> Vec<char> {
            let mut buf = [0u8; 4];
            c.encode_utf8(&mut buf)
                .nfkc()
                .filter(|f| f.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect()
        };
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let fast = normalize(&c.to_string()).chars;
            assert_eq!(fast, slow(c), "{c:?} U+{:04X}", c as u32);
        }
        // Twice: the second time from the table.
        for c in ['，', '。', '々', '〇', 'Ａ', '①', '\u{3000}', '·'] {
            assert_eq!(normalize(&c.to_string()).chars, slow(c), "{c:?}");
        }
    }

    #[test]
    fn characters_outside_the_bmp_keep_their_offsets() {
        let n = normalize("𠀀扶贫😀");
        assert_eq!(n.chars, vec!['𠀀', '扶', '贫']);
        assert_eq!(n.origin, vec![0, 1, 2]);
    }
}
