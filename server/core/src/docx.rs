//! Word documents (`.docx`, as Word and WPS save them) read as plain text, one line per
//! paragraph, so that positions in them are paragraph numbers.
//!
//! A `.docx` is a zip package of XML parts; the body is `word/document.xml` (or wherever the
//! package's `_rels/.rels` points). The part is inflated and parsed as a stream (`zip` and
//! `quick-xml`), never held whole in memory: a part that declares or inflates to more than
//! `MAX_PART_BYTES` is refused, so a zip bomb costs at most that much reading.

use std::io::{BufRead, BufReader, Read, Seek};
use std::path::Path;

use quick_xml::events::Event;
use quick_xml::Reader;

/// The most a document part may inflate to. The XML of a 100-page Word document is a few MB;
/// an essay's is far less.
pub const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;

/// The most characters of text taken from one document (a long essay is 10,000).
const MAX_TEXT_CHARS: usize = 4_000_000;

/// Why a `.docx` could not be read; `Display` is the message for the writer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocxError {
    /// Not a zip package at all (or a damaged one).
    NotPackage,
    /// An OLE compound file: an old binary `.doc` renamed, or a password-protected document.
    OleFile,
    /// A zip package without a Word body (an `.xlsx`, say).
    NoBody,
    /// The body declares or inflates to more than the limit.
    TooLarge,
    /// The body is not well-formed XML.
    BadXml(String),
    Io(String),
}

impl std::fmt::Display for DocxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DocxError::NotPackage => write!(
                f,
                "不是有效的 Word 文档（.docx 文件已损坏或并非 Word 格式）"
            ),
            DocxError::OleFile => write!(
                f,
                "是旧版 Word 格式（.doc）或设有密码，请在 Word 或 WPS 中另存为不加密的 .docx"
            ),
            DocxError::NoBody => write!(f, "Word 文档中没有正文（缺少 word/document.xml）"),
            DocxError::TooLarge => write!(
                f,
                "Word 文档正文解压后超过 {} MB（可能是压缩炸弹）",
                MAX_PART_BYTES / 1_048_576
            ),
            DocxError::BadXml(e) => write!(f, "Word 文档正文格式有误：{e}"),
            DocxError::Io(e) => write!(f, "无法读取：{e}"),
        }
    }
}

/// The OLE compound file signature (`.doc`, `.xls`, encrypted Office documents).
const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Reads the `.docx` at `path` as text, a line per paragraph.
pub fn read_file(path: &Path) -> Result<String, DocxError> {
    let file = std::fs::File::open(path).map_err(|e| DocxError::Io(e.to_string()))?;
    read(BufReader::new(file))
}

/// Reads a `.docx` package as text, a line per paragraph (joined by `\n`, no final newline).
pub fn read<R: Read + Seek>(reader: R) -> Result<String, DocxError> {
    read_with_limit(reader, MAX_PART_BYTES)
}

/// `read`, refusing a body that declares or inflates to more than `limit` bytes.
fn read_with_limit<R: Read + Seek>(mut reader: R, limit: u64) -> Result<String, DocxError> {
    let mut magic = [0u8; 8];
    let n = read_up_to(&mut reader, &mut magic).map_err(|e| DocxError::Io(e.to_string()))?;
    if n == magic.len() && magic == OLE_MAGIC {
        return Err(DocxError::OleFile);
    }
    reader.rewind().map_err(|e| DocxError::Io(e.to_string()))?;
    let mut archive = zip::ZipArchive::new(reader).map_err(|_| DocxError::NotPackage)?;
    let body = body_part(&mut archive)?;
    let part = archive.by_name(&body).map_err(|e| match e {
        zip::result::ZipError::FileNotFound => DocxError::NoBody,
        _ => DocxError::NotPackage,
    })?;
    if part.size() > limit {
        return Err(DocxError::TooLarge);
    }
    // The declared size may lie; the limit holds for what is actually inflated too.
    let limited = Limited {
        inner: part,
        left: limit,
    };
    paragraphs(BufReader::new(limited))
}

/// Fills `buf` as far as the reader allows.
fn read_up_to(reader: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// The name of the main document part: `_rels/.rels`'s officeDocument target, else the usual
/// `word/document.xml`.
fn body_part<R: Read + Seek>(archive: &mut zip::ZipArchive<R>) -> Result<String, DocxError> {
    const DEFAULT: &str = "word/document.xml";
    let Ok(rels) = archive.by_name("_rels/.rels") else {
        return Ok(DEFAULT.to_owned());
    };
    if rels.size() > 1024 * 1024 {
        return Err(DocxError::TooLarge);
    }
    let limited = Limited {
        inner: rels,
        left: 1024 * 1024,
    };
    let mut xml = Reader::from_reader(BufReader::new(limited));
    let mut buf = Vec::new();
    loop {
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "Relationship" => {
                let mut target = None;
                let mut office = false;
                for attr in e.attributes().flatten() {
                    let value = attr.value.into_owned();
                    match attr.key.local_name().as_ref() {
                        "Type" => office = value.ends_with("/officeDocument"),
                        "Target" => target = Some(value),
                        _ => {}
                    }
                }
                if let (true, Some(target)) = (office, target) {
                    return Ok(target.trim_start_matches('/').to_owned());
                }
            }
            Ok(Event::Eof) => return Ok(DEFAULT.to_owned()),
            Err(e) if is_too_large(&e) => return Err(DocxError::TooLarge),
            // A damaged relationships part: the body may still be where it usually is.
            Err(_) => return Ok(DEFAULT.to_owned()),
            _ => {}
        }
        buf.clear();
    }
}

/// Parses the body XML: text runs (`w:t`), tabs and breaks, a line per paragraph (`w:p`).
/// Deleted text (tracked changes), field codes and the fallback copy of text boxes are left out;
/// a paragraph inside another (a text box) becomes a line of its own before its host.
fn paragraphs(input: impl BufRead) -> Result<String, DocxError> {
    let mut xml = Reader::from_reader(input);
    let mut buf = Vec::new();
    let mut out = String::new();
    let mut chars = 0usize;
    // Text of the paragraphs being read, innermost last.
    let mut open: Vec<String> = Vec::new();
    let mut in_text = false;
    // Depth inside elements whose content is not text of the document.
    let mut skipping = 0usize;
    let mut lines = 0usize;
    loop {
        let event = xml.read_event_into(&mut buf).map_err(|e| {
            if is_too_large(&e) {
                DocxError::TooLarge
            } else {
                DocxError::BadXml(e.to_string())
            }
        })?;
        match event {
            Event::Start(e) => {
                let name = e.local_name();
                match name.as_ref() {
                    _ if skipping > 0 => skipping += 1,
                    "delText" | "instrText" | "Fallback" => skipping = 1,
                    "p" => open.push(String::new()),
                    "t" => in_text = true,
                    _ => {}
                }
            }
            Event::End(e) => {
                if skipping > 0 {
                    skipping -= 1;
                    buf.clear();
                    continue;
                }
                match e.local_name().as_ref() {
                    "p" => {
                        if let Some(text) = open.pop() {
                            if lines > 0 {
                                out.push('\n');
                            }
                            out.push_str(&text);
                            lines += 1;
                        }
                    }
                    "t" => in_text = false,
                    _ => {}
                }
            }
            Event::Empty(e) if skipping == 0 => {
                if e.local_name().as_ref() == "p" {
                    // An empty paragraph still counts, so that numbers match Word's.
                    if lines > 0 {
                        out.push('\n');
                    }
                    lines += 1;
                } else if let Some(text) = open.last_mut() {
                    match e.local_name().as_ref() {
                        "tab" | "ptab" => text.push('\t'),
                        // A line break inside a paragraph: lines stay paragraphs.
                        "br" | "cr" => text.push(' '),
                        _ => {}
                    }
                }
            }
            Event::Text(t) if in_text && skipping == 0 => {
                if let Some(text) = open.last_mut() {
                    push_run(text, &t.xml10_content(), &mut chars);
                }
            }
            Event::CData(t) if in_text && skipping == 0 => {
                if let Some(text) = open.last_mut() {
                    push_run(text, &t.xml10_content(), &mut chars);
                }
            }
            Event::GeneralRef(r) if in_text && skipping == 0 => {
                if let Some(text) = open.last_mut() {
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => push_run(text, c.encode_utf8(&mut [0; 4]), &mut chars),
                        Ok(None) => {
                            let name = r.xml10_content();
                            match quick_xml::escape::resolve_predefined_entity(&name) {
                                Some(s) => push_run(text, s, &mut chars),
                                None => {
                                    return Err(DocxError::BadXml(format!("未定义的实体 &{name};")))
                                }
                            }
                        }
                        Err(e) => return Err(DocxError::BadXml(e.to_string())),
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
        if chars > MAX_TEXT_CHARS {
            return Err(DocxError::TooLarge);
        }
        buf.clear();
    }
    // Paragraphs left open by a truncated part still hold text worth checking.
    for text in open.into_iter().rev() {
        if lines > 0 {
            out.push('\n');
        }
        out.push_str(&text);
        lines += 1;
    }
    Ok(out)
}

/// Adds a run's text to its paragraph. A line break typed into the XML (`&#10;`) would split the
/// paragraph into two lines and throw the paragraph numbers off: it becomes a space.
fn push_run(paragraph: &mut String, run: &str, chars: &mut usize) {
    for c in run.chars() {
        paragraph.push(if matches!(c, '\n' | '\r') { ' ' } else { c });
        *chars += 1;
    }
}

/// Whether a parse error came from `Limited` running out.
fn is_too_large(e: &quick_xml::Error) -> bool {
    matches!(e, quick_xml::Error::Io(io) if io.kind() == std::io::ErrorKind::FileTooLarge)
}

/// A reader that fails once more than `left` bytes have been read.
struct Limited<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n as u64 > self.left {
            return Err(std::io::Error::new(
                std::io::ErrorKind::FileTooLarge,
                "part too large",
            ));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};

    /// A package holding `parts` (name, content), deflated.
    fn package(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, content) in parts {
            zip.start_file(*name, options).unwrap();
            zip.write_all(content).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    fn body(paragraphs: &str) -> Vec<u8> {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{paragraphs}</w:body></w:document>"#
        )
        .into_bytes()
    }

    #[test]
    fn paragraphs_become_lines_with_runs_joined() {
        let xml = body(
            "<w:p><w:r><w:t>学习</w:t></w:r><w:r><w:t xml:space=\"preserve\">心得 </w:t></w:r></w:p>\
             <w:p/>\
             <w:p><w:r><w:t>A&amp;B&#x1F600;&#10;</w:t><w:tab/><w:t>𠀀</w:t></w:r>\
             <w:del><w:r><w:delText>删掉的</w:delText></w:r></w:del>\
             <w:r><w:instrText>PAGE</w:instrText></w:r></w:p>\
             <w:tbl><w:tr><w:tc><w:p><w:r><w:t>表格</w:t></w:r></w:p></w:tc></w:tr></w:tbl>",
        );
        let text = read(Cursor::new(package(&[("word/document.xml", &xml)]))).unwrap();
        assert_eq!(text, "学习心得 \n\nA&B😀 \t𠀀\n表格");
    }

    #[test]
    fn body_is_found_through_the_package_relationships() {
        let rels = br#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/word/document2.xml"/></Relationships>"#;
        let xml = body("<w:p><w:r><w:t>正文</w:t></w:r></w:p>");
        let pkg = package(&[("_rels/.rels", rels), ("word/document2.xml", &xml)]);
        assert_eq!(read(Cursor::new(pkg)).unwrap(), "正文");
    }

    #[test]
    fn text_boxes_are_read_once() {
        let xml = body(
            "<w:p><w:r><w:t>外</w:t></w:r><w:r><mc:AlternateContent xmlns:mc=\"m\"><mc:Choice><w:txbxContent>\
             <w:p><w:r><w:t>框</w:t></w:r></w:p></w:txbxContent></mc:Choice>\
             <mc:Fallback><w:txbxContent><w:p><w:r><w:t>框</w:t></w:r></w:p></w:txbxContent></mc:Fallback>\
             </mc:AlternateContent></w:r><w:r><w:t>文</w:t></w:r></w:p>",
        );
        let text = read(Cursor::new(package(&[("word/document.xml", &xml)]))).unwrap();
        assert_eq!(text, "框\n外文");
    }

    #[test]
    fn malformed_packages_are_refused_with_a_reason() {
        let cases: Vec<(Vec<u8>, DocxError)> = vec![
            (Vec::new(), DocxError::NotPackage),
            (b"PK\x03\x04 truncated".to_vec(), DocxError::NotPackage),
            ("纯文本".as_bytes().to_vec(), DocxError::NotPackage),
            ([&OLE_MAGIC[..], &[0u8; 504]].concat(), DocxError::OleFile),
            (
                package(&[("xl/workbook.xml", b"<workbook/>")]),
                DocxError::NoBody,
            ),
        ];
        for (bytes, expected) in cases {
            assert_eq!(read(Cursor::new(bytes)), Err(expected));
        }
        let broken = package(&[("word/document.xml", b"<w:document><w:p><w:t>x</w:p>")]);
        assert!(matches!(
            read(Cursor::new(broken)),
            Err(DocxError::BadXml(_))
        ));
        // A package cut short: whatever the reader makes of it, it answers without panicking.
        let whole = package(&[(
            "word/document.xml",
            &body("<w:p><w:r><w:t>半截</w:t></w:r></w:p>"),
        )]);
        for cut in [10, whole.len() / 2, whole.len() - 10] {
            let _ = read(Cursor::new(whole[..cut].to_vec()));
        }
    }

    #[test]
    fn a_zip_bomb_is_stopped_at_the_limit_declared_or_not() {
        const LIMIT: u64 = 1024 * 1024;
        // 2 MB of empty runs (no text, so only the byte limit can stop it) deflates to a few KB.
        let mut xml = b"<w:document><w:body><w:p>".to_vec();
        while (xml.len() as u64) < 2 * LIMIT {
            xml.extend_from_slice(b"<w:r></w:r>");
        }
        xml.extend_from_slice(b"</w:p></w:body></w:document>");
        let honest = package(&[("word/document.xml", &xml)]);
        assert!(honest.len() < 64 * 1024, "{}", honest.len());
        assert_eq!(
            read_with_limit(Cursor::new(honest.clone()), LIMIT),
            Err(DocxError::TooLarge)
        );
        // The same package claiming to inflate to 100 bytes, in both headers: the stream is cut.
        let mut lying = honest;
        for (signature, offset) in [(b"PK\x03\x04", 22), (b"PK\x01\x02", 24)] {
            let at = lying.windows(4).position(|w| w == signature).unwrap() + offset;
            lying[at..at + 4].copy_from_slice(&100u32.to_le_bytes());
        }
        assert_eq!(
            read_with_limit(Cursor::new(lying), LIMIT),
            Err(DocxError::TooLarge)
        );
        // Under the limit the same document reads.
        assert_eq!(
            read_with_limit(
                Cursor::new(package(&[("word/document.xml", &xml)])),
                4 * LIMIT
            )
            .unwrap(),
            ""
        );
    }

    #[test]
    fn fuzz_seeds_read_and_every_truncation_or_flipped_byte_answers() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds/docx");
        let mut seeds = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            let text = read(Cursor::new(bytes.clone())).unwrap();
            assert_eq!(text, "学习心得\n脱贫攻坚 & 乡村振兴\t𠀀\n表格");
            seeds += 1;
            // Damaged copies: an answer (text or a reason), never a panic.
            for cut in (0..bytes.len()).step_by(37) {
                let _ = read(Cursor::new(bytes[..cut].to_vec()));
            }
            for at in (0..bytes.len()).step_by(11) {
                let mut flipped = bytes.clone();
                flipped[at] ^= 0x5a;
                let _ = read(Cursor::new(flipped));
            }
        }
        assert_eq!(seeds, 2);
    }

    #[test]
    fn messages_are_chinese_and_name_the_fix() {
        assert!(DocxError::OleFile.to_string().contains("另存为"));
        assert!(DocxError::TooLarge.to_string().contains("压缩炸弹"));
    }
}
