//! An open document: a rope, and conversion between char offsets and editor positions.
//!
//! Editors address text by (line, character) where "character" counts UTF-16 code units by
//! default (UTF-8 bytes or UTF-32 code points when negotiated). The analysis core works in char
//! offsets. Positions past the end of a line or of the document are clamped, never an error:
//! clients do send them, and a writer's session must not end over it.

use std::ops::Range;

use ropey::Rope;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PositionEncoding {
    Utf8,
    #[default]
    Utf16,
    Utf32,
}

/// A zero-based (line, character) position, `character` in the document's `PositionEncoding`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Position {
    pub line: u32,
    pub character: u32,
}

impl Position {
    pub fn new(line: u32, character: u32) -> Self {
        Position { line, character }
    }
}

#[derive(Debug, Clone)]
pub struct Document {
    rope: Rope,
    encoding: PositionEncoding,
}

impl Document {
    pub fn new(text: &str, encoding: PositionEncoding) -> Self {
        Document {
            rope: Rope::from_str(text),
            encoding,
        }
    }

    pub fn rope(&self) -> &Rope {
        &self.rope
    }

    pub fn text(&self) -> String {
        self.rope.to_string()
    }

    pub fn len_chars(&self) -> usize {
        self.rope.len_chars()
    }

    /// The char offset of a position, clamped into the document and to its line's end.
    pub fn char_offset(&self, pos: Position) -> usize {
        let lines = self.rope.len_lines();
        let line = pos.line as usize;
        if line >= lines {
            return self.rope.len_chars();
        }
        let line_start = self.rope.line_to_char(line);
        let content_chars = line_content_len(&self.rope.line(line));
        let line_slice = self.rope.slice(line_start..line_start + content_chars);
        let wanted = pos.character as usize;
        let in_line = match self.encoding {
            PositionEncoding::Utf32 => wanted.min(content_chars),
            // A position inside a surrogate pair (or a UTF-8 sequence) rounds down to the
            // character's start.
            PositionEncoding::Utf16 if wanted < line_slice.len_utf16_cu() => {
                line_slice.utf16_cu_to_char(wanted)
            }
            PositionEncoding::Utf8 if wanted < line_slice.len_bytes() => {
                line_slice.byte_to_char(wanted)
            }
            // At or past the line's end.
            PositionEncoding::Utf16 | PositionEncoding::Utf8 => content_chars,
        };
        line_start + in_line
    }

    /// The position of a char offset (clamped to the document's end).
    pub fn position(&self, char_offset: usize) -> Position {
        let offset = char_offset.min(self.rope.len_chars());
        let line = self.rope.char_to_line(offset);
        let line_start = self.rope.line_to_char(line);
        let prefix = self.rope.slice(line_start..offset);
        let character = match self.encoding {
            PositionEncoding::Utf32 => prefix.len_chars(),
            PositionEncoding::Utf16 => prefix.len_utf16_cu(),
            PositionEncoding::Utf8 => prefix.len_bytes(),
        };
        Position::new(line as u32, character as u32)
    }

    pub fn range(&self, chars: Range<usize>) -> (Position, Position) {
        (self.position(chars.start), self.position(chars.end))
    }

    /// Applies one content change: a range replacement, or the whole text when `range` is None.
    pub fn apply_change(&mut self, range: Option<(Position, Position)>, new_text: &str) {
        match range {
            None => self.rope = Rope::from_str(new_text),
            Some((start, end)) => {
                let start = self.char_offset(start);
                let end = self.char_offset(end).max(start);
                self.rope.remove(start..end);
                self.rope.insert(start, new_text);
            }
        }
    }

    /// The text of the line holding `pos`, up to `pos` (for completion).
    pub fn line_prefix(&self, pos: Position) -> (usize, String) {
        let offset = self.char_offset(pos);
        let line = self.rope.char_to_line(offset);
        let line_start = self.rope.line_to_char(line);
        (line_start, self.rope.slice(line_start..offset).to_string())
    }
}

/// Chars of a line without its line break (LF, CR or CRLF).
fn line_content_len(line: &ropey::RopeSlice) -> usize {
    let len = line.len_chars();
    if len >= 2 && line.char(len - 2) == '\r' && line.char(len - 1) == '\n' {
        len - 2
    } else if len >= 1 && matches!(line.char(len - 1), '\n' | '\r') {
        len - 1
    } else {
        len
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_positions_count_surrogate_pairs_as_two() {
        let doc = Document::new("𠀀扶贫😀攻坚\n第二行", PositionEncoding::Utf16);
        assert_eq!(doc.char_offset(Position::new(0, 2)), 1); // after 𠀀
        assert_eq!(doc.char_offset(Position::new(0, 4)), 3); // after 扶贫
        assert_eq!(doc.char_offset(Position::new(0, 6)), 4); // after 😀
        assert_eq!(doc.position(4), Position::new(0, 6));
        assert_eq!(doc.position(6), Position::new(0, 8));
        assert_eq!(doc.position(7), Position::new(1, 0));
        // Inside a surrogate pair: rounds down to the pair's start.
        assert_eq!(doc.char_offset(Position::new(0, 1)), 0);
    }

    #[test]
    fn utf8_and_utf32_positions() {
        let doc = Document::new("a𠀀扶", PositionEncoding::Utf8);
        assert_eq!(doc.position(2), Position::new(0, 5));
        assert_eq!(doc.char_offset(Position::new(0, 5)), 2);
        let doc = Document::new("a𠀀扶", PositionEncoding::Utf32);
        assert_eq!(doc.position(2), Position::new(0, 2));
        assert_eq!(doc.char_offset(Position::new(0, 2)), 2);
    }

    #[test]
    fn positions_past_the_end_are_clamped() {
        let doc = Document::new("脱贫\r\n攻坚", PositionEncoding::Utf16);
        assert_eq!(doc.char_offset(Position::new(0, 99)), 2); // before the CRLF
        assert_eq!(doc.char_offset(Position::new(1, 99)), 6);
        assert_eq!(doc.char_offset(Position::new(42, 0)), 6);
        assert_eq!(doc.position(1000), Position::new(1, 2));
    }

    #[test]
    fn incremental_edits_around_surrogate_pairs() {
        let mut doc = Document::new("精准😀扶贫\n", PositionEncoding::Utf16);
        doc.apply_change(Some((Position::new(0, 4), Position::new(0, 6))), "𠀀脱贫");
        assert_eq!(doc.text(), "精准😀𠀀脱贫\n");
        doc.apply_change(Some((Position::new(0, 2), Position::new(0, 4))), "");
        assert_eq!(doc.text(), "精准𠀀脱贫\n");
        doc.apply_change(Some((Position::new(1, 0), Position::new(1, 0))), "新行");
        assert_eq!(doc.text(), "精准𠀀脱贫\n新行");
        doc.apply_change(None, "全文");
        assert_eq!(doc.text(), "全文");
    }

    #[test]
    fn lone_cr_is_a_line_break() {
        let doc = Document::new("一\r二\n三", PositionEncoding::Utf16);
        assert_eq!(doc.position(2), Position::new(1, 0));
        assert_eq!(doc.char_offset(Position::new(2, 0)), 4);
    }
}
