//! Turning the bytes of a text file into a string.
//!
//! Chinese text files found in the wild are very often GBK/GB18030 with CRLF line ends, or UTF-16
//! with a BOM when saved by Windows Notepad. We detect these, decode with `encoding_rs` and report
//! files that are not text at all, instead of guessing wildly.

use encoding_rs::{Encoding, GB18030, UTF_16BE, UTF_16LE, UTF_8};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    Gb18030,
}

impl TextEncoding {
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf16Le => "UTF-16LE",
            TextEncoding::Utf16Be => "UTF-16BE",
            TextEncoding::Gb18030 => "GB18030",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// NUL bytes or many control characters: an image, an archive, a .docx …
    Binary,
    /// Neither UTF-8 nor GB18030 decode it without errors.
    UnknownEncoding,
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::Binary => f.write_str("不是文本文件（含二进制内容）"),
            DecodeError::UnknownEncoding => {
                f.write_str("无法识别编码（既不是 UTF-8 也不是 GBK/GB18030）")
            }
        }
    }
}

/// Decodes file bytes: BOM first (UTF-8, UTF-16LE/BE), then strict UTF-8, then strict GB18030
/// (a superset of GBK and GB2312). Line ends are left as they are.
pub fn decode(bytes: &[u8]) -> Result<(String, TextEncoding), DecodeError> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let kind = if encoding == UTF_8 {
            TextEncoding::Utf8
        } else if encoding == UTF_16LE {
            TextEncoding::Utf16Le
        } else if encoding == UTF_16BE {
            TextEncoding::Utf16Be
        } else {
            return Err(DecodeError::UnknownEncoding);
        };
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            return Err(DecodeError::UnknownEncoding);
        }
        return Ok((text.into_owned(), kind));
    }
    if looks_binary(bytes) {
        return Err(DecodeError::Binary);
    }
    // encoding_rs's check (SIMD) rather than `str::from_utf8`, which goes a byte at a time
    // through Chinese text: ≈1 ms of CPU for a 0.5 MB corpus.
    if let Some(text) = UTF_8.decode_without_bom_handling_and_without_replacement(bytes) {
        return Ok((text.into_owned(), TextEncoding::Utf8));
    }
    match GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) if !looks_binary_text(&text) => Ok((text.into_owned(), TextEncoding::Gb18030)),
        _ => Err(DecodeError::UnknownEncoding),
    }
}

fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return true;
    }
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
        .count();
    controls * 20 > head.len().max(1)
}

/// GB18030 maps every byte sequence of some shape to a character, so random bytes decode "fine";
/// text full of private-use characters is how that shows.
fn looks_binary_text(text: &str) -> bool {
    let sample: Vec<char> = text.chars().take(4096).collect();
    let odd = sample
        .iter()
        .filter(|&&c| ('\u{E000}'..='\u{F8FF}').contains(&c) || c == '\u{FFFD}')
        .count();
    odd * 20 > sample.len().max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(
            decode("脱贫攻坚".as_bytes()).unwrap(),
            ("脱贫攻坚".to_string(), TextEncoding::Utf8)
        );
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("精准扶贫".as_bytes());
        assert_eq!(decode(&bom).unwrap().0, "精准扶贫");
    }

    #[test]
    fn gbk_with_crlf() {
        let (bytes, _, _) = GB18030.encode("小康不小康，关键看老乡。\r\n第二行");
        let (text, enc) = decode(&bytes).unwrap();
        assert_eq!(text, "小康不小康，关键看老乡。\r\n第二行");
        assert_eq!(enc, TextEncoding::Gb18030);
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "两不愁三保障𠀀".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(
            decode(&bytes).unwrap(),
            ("两不愁三保障𠀀".to_string(), TextEncoding::Utf16Le)
        );
    }

    #[test]
    fn binary_is_rejected() {
        assert_eq!(
            decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Err(DecodeError::Binary)
        );
        assert_eq!(
            decode(&[0xFF, 0xFF, 0xFF, 0x80, 0x80]),
            Err(DecodeError::UnknownEncoding)
        );
    }
}
