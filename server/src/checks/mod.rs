//! The checks: each takes the draft and returns findings with char ranges.
//!
//! A finding knows nothing of editors: ranges are char offsets into the draft, related places
//! are draft ranges or corpus files, fixes are char-range replacements. The LSP layer and the
//! CLI turn them into their own shapes.

use std::ops::Range;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    Placeholder,
    CopiedFromCorpus,
    QuotedFromCorpus,
    RepeatedInDocument,
    FormulaicPhrase,
    Boilerplate,
}

impl Code {
    pub const ALL: [Code; 6] = [
        Code::Placeholder,
        Code::CopiedFromCorpus,
        Code::QuotedFromCorpus,
        Code::RepeatedInDocument,
        Code::FormulaicPhrase,
        Code::Boilerplate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::Placeholder => "placeholder",
            Code::CopiedFromCorpus => "copied-from-corpus",
            Code::QuotedFromCorpus => "quoted-from-corpus",
            Code::RepeatedInDocument => "repeated-in-document",
            Code::FormulaicPhrase => "formulaic-phrase",
            Code::Boilerplate => "boilerplate",
        }
    }

    pub fn parse(s: &str) -> Option<Code> {
        Code::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn default_severity(self) -> Severity {
        match self {
            Code::QuotedFromCorpus | Code::FormulaicPhrase => Severity::Information,
            _ => Severity::Warning,
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Information,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "information",
            Severity::Hint => "hint",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    /// Char offsets into the draft.
    pub range: Range<usize>,
    pub message: String,
    pub related: Vec<Related>,
    pub fixes: Vec<Fix>,
}

impl Finding {
    pub fn new(code: Code, range: Range<usize>, message: String) -> Self {
        Finding {
            code,
            severity: code.default_severity(),
            range,
            message,
            related: Vec::new(),
            fixes: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub place: Place,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// Elsewhere in the same draft.
    Draft(Range<usize>),
    /// In a corpus file on disk: essay `essay` of the corpus, char offsets into its text.
    File {
        path: PathBuf,
        essay: usize,
        range: Range<usize>,
    },
}

/// A proposed change: replacements of draft char ranges, applied together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<Edit>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub new_text: String,
}

pub mod boilerplate;
pub mod copied;
pub mod formulaic;
pub mod placeholder;
pub mod repeated;
