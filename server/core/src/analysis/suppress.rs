//! What the writer switched off: suppression comments and ignored phrases.

use std::ops::Range;

use crate::checks::Code;
use crate::normalize::normalize_str;

/// A finding is ignored when its text is part of an ignored phrase, or an ignored phrase makes
/// up most of it.
pub(super) fn is_ignored(chars: &[char], range: &Range<usize>, ignored: &[String]) -> bool {
    if ignored.is_empty() {
        return false;
    }
    let text: String = chars[range.start.min(chars.len())..range.end.min(chars.len())]
        .iter()
        .collect();
    let text = normalize_str(&text);
    let len = text.chars().count();
    ignored.iter().any(|phrase| {
        phrase.contains(text.as_str())
            || (text.contains(phrase.as_str()) && phrase.chars().count() * 2 >= len)
    })
}

/// Regions switched off with `<!-- essay-lsp-disable [CODE…] -->` … `<!-- essay-lsp-enable [CODE…] -->`.
/// HTML comments work in Markdown and read plainly enough in .txt files, so one syntax serves both.
#[derive(Debug, Default)]
pub(super) struct Suppressions {
    /// (code or None for every check, char range)
    regions: Vec<(Option<Code>, Range<usize>)>,
}

impl Suppressions {
    pub(super) fn parse(text: &str) -> Suppressions {
        let mut out = Suppressions::default();
        if !text.contains("essay-lsp-") {
            return out;
        }
        let mut open: Vec<(Option<Code>, usize)> = Vec::new();
        let mut rest = text;
        let mut offset = 0; // chars consumed before `rest`
        while let Some(start) = rest.find("<!--") {
            let Some(len) = rest[start..].find("-->") else {
                break;
            };
            let body = rest[start + 4..start + len].trim();
            let end_byte = start + len + 3;
            let comment_end = offset + rest[..end_byte].chars().count();
            let mut words = body.split_whitespace();
            let directive = words.next();
            let codes: Vec<Option<Code>> = {
                let named: Vec<Option<Code>> = words.filter_map(Code::parse).map(Some).collect();
                if named.is_empty() {
                    vec![None]
                } else {
                    named
                }
            };
            match directive {
                Some("essay-lsp-disable") => {
                    for code in codes {
                        open.push((code, comment_end));
                    }
                }
                Some("essay-lsp-enable") => {
                    open.retain(|(code, from)| {
                        let closes = codes.contains(&None) || codes.contains(code);
                        if closes {
                            out.regions.push((*code, *from..comment_end));
                        }
                        !closes
                    });
                }
                _ => {}
            }
            offset = comment_end;
            rest = &rest[end_byte..];
        }
        for (code, from) in open {
            out.regions.push((code, from..usize::MAX));
        }
        out
    }

    pub(super) fn covers(&self, code: Code, at: usize) -> bool {
        self.regions
            .iter()
            .any(|(c, r)| (c.is_none() || *c == Some(code)) && r.contains(&at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suppression_regions() {
        let text = "甲<!-- essay-lsp-disable placeholder -->乙<!-- essay-lsp-enable -->丙<!-- essay-lsp-disable -->丁";
        let s = Suppressions::parse(text);
        let at = |c: char| text.chars().position(|x| x == c).unwrap();
        assert!(!s.covers(Code::Placeholder, at('甲')));
        assert!(s.covers(Code::Placeholder, at('乙')));
        assert!(!s.covers(Code::Boilerplate, at('乙')));
        assert!(!s.covers(Code::Placeholder, at('丙')));
        assert!(s.covers(Code::Boilerplate, at('丁')));
    }
}
