//! The checks: each takes the draft and returns findings with char ranges.
//!
//! A finding knows nothing of editors: ranges are char offsets into the draft, related places
//! are draft ranges or corpus files, fixes are char-range replacements. The LSP layer and the
//! CLI turn them into their own shapes.

use std::ops::Range;
use std::path::PathBuf;

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::checks::copied::{CopySpan, Matching};
use crate::config::Settings;
use crate::corpus::Corpus;
use crate::fingerprint::Index;
use crate::normalize::{normalize, Normalized};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    Placeholder,
    CopiedFromCorpus,
    QuotedFromCorpus,
    FromReference,
    Misquoted,
    RepeatedInDocument,
    FormulaicPhrase,
    Boilerplate,
    Punctuation,
    Typo,
    FormulaWording,
}

/// What the front ends, the settings and the docs know of a check's code. One row per code in
/// `TABLE`; the CLI usage, the README table, the project-file schema and the VS Code
/// `package.json` enums are generated from it (`docs.rs`, held by a test).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckInfo {
    pub code: Code,
    pub severity: Severity,
    /// Chinese, a few words: shown in the editor's settings and in reports.
    pub title: &'static str,
    /// English, one line: the README's table and the settings' descriptions.
    pub description: &'static str,
    /// The check's findings on a line depend only on that line (with its line break), so they
    /// can be cached per line.
    pub line_local: bool,
}

/// Every code, in the order the docs list them.
pub const TABLE: &[CheckInfo] = &[
    CheckInfo {
        code: Code::CopiedFromCorpus,
        severity: Severity::Warning,
        title: "与参考范文相同的段落",
        description: "a passage of 13+ characters (punctuation, width and spaces ignored) that \
                      matches a corpus essay; names the essay and the length and quotes the \
                      source; one or two changed characters do not hide it. Quick fix: mark as \
                      a quotation",
        line_local: false,
    },
    CheckInfo {
        code: Code::QuotedFromCorpus,
        severity: Severity::Information,
        title: "引号内与参考范文相同的文字（引用）",
        description: "the same inside quotation marks “…” 「…」: a citation",
        line_local: false,
    },
    CheckInfo {
        code: Code::FromReference,
        severity: Severity::Information,
        title: "与参考文献相同的文字（引用政策原文）",
        description: "a passage matching a reference document (`corpus.references`, \
                      `--reference`): cited policy, counted as 引用 not 复制; a passage also in \
                      an essay is credited to the reference",
        line_local: false,
    },
    CheckInfo {
        code: Code::Misquoted,
        severity: Severity::Warning,
        title: "引文与原文不一致（引文核校）",
        description: "a quotation “…” that nearly matches a reference or corpus passage (a few \
                      characters changed, dropped or added); shows both. Quick fix: the exact \
                      source text",
        line_local: false,
    },
    CheckInfo {
        code: Code::RepeatedInDocument,
        severity: Severity::Warning,
        title: "文中重复的段落",
        description: "a passage of 13+ characters written twice in the draft; every occurrence \
                      points at the others. Quick fix: delete the later one",
        line_local: false,
    },
    CheckInfo {
        code: Code::FormulaicPhrase,
        severity: Severity::Information,
        title: "套话",
        description:
            "an empty sentence: stock frames and abstract words (高度重视、认真贯彻落实 …) \
                      with no number, name or action a reader could check, naming them; also a \
                      paragraph that is mostly such sentences",
        line_local: true,
    },
    CheckInfo {
        code: Code::Boilerplate,
        severity: Severity::Warning,
        title: "网页抓取残留（本文仅供参考……）",
        description:
            "web-scrape residue (本文仅供参考, 小编为你整理, `[…范文]` lines). Quick fix: \
                      delete it",
        line_local: false,
    },
    CheckInfo {
        code: Code::Placeholder,
        severity: Severity::Warning,
        title: "未填写的模板占位符（20xx、XX县、习**）",
        description:
            "unfilled template slots: 20xx, XX县, ×××, masked names like 习**, 【单位名称】",
        line_local: true,
    },
    CheckInfo {
        code: Code::Punctuation,
        severity: Severity::Warning,
        title: "标点符号用法（GB/T 15834）",
        description: "half-width , . : ; ! ? ( ) \" ' in Chinese text, unpaired or mismatched \
                      quotation marks and brackets, doubled punctuation; numbers, Latin words, \
                      URLs and markdown keep ASCII. Quick fix and `source.fixAll`: the \
                      full-width mark",
        line_local: true,
    },
    CheckInfo {
        code: Code::Typo,
        severity: Severity::Warning,
        title: "术语错别字（产销赌点→产销堵点）",
        description: "a word one character away from a known term, formula or phrase, the two \
                      characters sounding or looking alike, and the written form not a word \
                      itself. Quick fix: the term's character",
        line_local: true,
    },
    CheckInfo {
        code: Code::FormulaWording,
        severity: Severity::Warning,
        title: "提法有误（条目、顺序或字词）",
        description: "an official formula written wrongly: a listed item wrong, missing or \
                      extra, items out of their fixed order, or a fixed saying with one or two \
                      characters changed; shows the official wording. Quick fix: replace it",
        line_local: true,
    },
];

/// When findings of these codes overlap, only the first in this list is kept: the most specific
/// report of one span (issue 19: `misquoted` inside quotation marks, then `formula-wording`, then
/// `typo`). The analyzer applies it after suppression (`drop_less_specific`); a new code that is
/// more specific than another goes before it.
pub const PRECEDENCE: &[Code] = &[Code::Misquoted, Code::FormulaWording, Code::Typo];

/// Drops a finding when one of a code earlier in `PRECEDENCE` overlaps it.
pub fn drop_less_specific(findings: &mut Vec<Finding>) {
    let rank = |c: Code| PRECEDENCE.iter().position(|&p| p == c);
    let ranked: Vec<(Range<usize>, usize)> = findings
        .iter()
        .filter_map(|f| rank(f.code).map(|r| (f.range.clone(), r)))
        .collect();
    if ranked.len() < 2 {
        return;
    }
    findings.retain(|f| {
        let Some(mine) = rank(f.code) else {
            return true;
        };
        !ranked.iter().any(|(r, other)| {
            *other < mine && r.start < f.range.end.max(f.range.start + 1) && f.range.start < r.end
        })
    });
}

impl Code {
    /// Every code, in `TABLE`'s order.
    pub fn all() -> impl Iterator<Item = Code> {
        TABLE.iter().map(|row| row.code)
    }

    pub fn info(self) -> &'static CheckInfo {
        TABLE
            .iter()
            .find(|row| row.code == self)
            .expect("every code has a row in TABLE")
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Code::Placeholder => "placeholder",
            Code::CopiedFromCorpus => "copied-from-corpus",
            Code::QuotedFromCorpus => "quoted-from-corpus",
            Code::FromReference => "from-reference",
            Code::Misquoted => "misquoted",
            Code::RepeatedInDocument => "repeated-in-document",
            Code::FormulaicPhrase => "formulaic-phrase",
            Code::Boilerplate => "boilerplate",
            Code::Punctuation => "punctuation",
            Code::Typo => "typo",
            Code::FormulaWording => "formula-wording",
        }
    }

    pub fn parse(s: &str) -> Option<Code> {
        Code::all().find(|c| c.as_str() == s)
    }

    pub fn default_severity(self) -> Severity {
        self.info().severity
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

    /// The finding with every draft range moved `by` chars on.
    pub(crate) fn shifted(mut self, by: usize) -> Finding {
        let shift = |r: &mut Range<usize>| *r = r.start + by..r.end + by;
        shift(&mut self.range);
        for related in &mut self.related {
            if let Place::Draft(r) = &mut related.place {
                shift(r);
            }
        }
        for fix in &mut self.fixes {
            for edit in &mut fix.edits {
                shift(&mut edit.range);
            }
        }
        self
    }
}

/// `text` with every fix of `findings` applied (the fixes must not overlap).
#[cfg(test)]
pub(crate) fn with_fixes(text: &str, findings: Vec<Finding>) -> String {
    let mut edits: Vec<Edit> = findings
        .into_iter()
        .flat_map(|f| f.fixes.into_iter().flat_map(|x| x.edits))
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
    let mut chars: Vec<char> = text.chars().collect();
    for e in edits {
        chars.splice(e.range, e.new_text.chars());
    }
    chars.into_iter().collect()
}

/// Runs a check that looks at one line at a time over every line of `text`, with the findings'
/// ranges moved from line offsets to draft offsets.
pub(crate) fn by_line(text: &str, check_line: impl Fn(&str) -> Vec<Finding>) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        out.extend(check_line(line).into_iter().map(|f| f.shifted(offset)));
        offset += line.chars().count();
    }
    out
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

/// What a check sees: the text, its normalised form, the settings and the corpus.
///
/// Line-local checks (`CheckInfo::line_local`) are given one line at a time, with `copies`
/// empty; the others get the whole draft.
pub struct Context<'a> {
    pub text: &'a str,
    pub settings: &'a Settings,
    pub corpus: &'a Corpus,
    pub index: &'a Index,
    /// Copied spans the analyzer's matching step found in `text` (whole-draft runs only).
    pub copies: &'a [CopySpan],
    /// Everything the matching step found (misquotations, the official wording in the draft);
    /// None for line-local runs.
    pub matching: Option<&'a Matching>,
    draft: OnceLock<Normalized>,
}

impl<'a> Context<'a> {
    pub fn new(
        text: &'a str,
        settings: &'a Settings,
        corpus: &'a Corpus,
        index: &'a Index,
        copies: &'a [CopySpan],
    ) -> Context<'a> {
        Context {
            text,
            settings,
            corpus,
            index,
            copies,
            matching: None,
            draft: OnceLock::new(),
        }
    }

    /// `new`, with the matching step's results (`copies` are its spans).
    pub fn with_matching(mut self, matching: &'a Matching) -> Context<'a> {
        self.copies = &matching.spans;
        self.matching = Some(matching);
        self
    }

    /// `new`, with the text already normalised.
    pub fn with_draft(mut self, draft: Normalized) -> Context<'a> {
        self.draft = OnceLock::from(draft);
        self
    }

    /// The text normalised for matching (computed on first use).
    pub fn draft(&self) -> &Normalized {
        self.draft.get_or_init(|| normalize(self.text))
    }

    /// `draft`, kept when the context is done with.
    pub fn into_draft(self) -> Normalized {
        let text = self.text;
        self.draft.into_inner().unwrap_or_else(|| normalize(text))
    }
}

/// The one shape of every check: context in, findings with char ranges out.
pub trait Check: Send + Sync {
    /// The codes it reports, each with a row in `TABLE`; all of one check are line-local or
    /// none is.
    fn codes(&self) -> &'static [Code];

    fn check(&self, cx: &Context<'_>) -> Vec<Finding>;

    fn line_local(&self) -> bool {
        self.codes().iter().all(|c| c.info().line_local)
    }

    /// Whether it may wait for data still being built on another thread: such checks run after
    /// the others, so that the wait overlaps their work.
    fn waits(&self) -> bool {
        false
    }

    /// Blocks until that data is built (at once for a check that never waits).
    fn wait(&self) {}
}

/// Every check, built for one corpus: adding a check is a module and a line here (plus its
/// `Code` and `TABLE` row above). `stock` is the 套话 check: `StockPhrases`, or a
/// `formulaic::LateStock` while its corpus phrases are mined.
pub fn all(stock: Box<dyn Check>) -> Vec<Box<dyn Check>> {
    vec![
        Box::new(copied::Copied),
        Box::new(repeated::Repeated),
        Box::new(boilerplate::Boilerplate::builtin()),
        Box::new(placeholder::Placeholder),
        stock,
        Box::new(punctuation::Punctuation),
        Box::new(typo::Typo),
        Box::new(formula_wording::FormulaWording),
    ]
}

/// Builds (or reads from the binary, `prebuilt`) the data the checks share — automata over the
/// glossary, formulas and word lists, the built-in 套话 lexicon — now rather than on the first
/// check; the analyzer calls it on a spare core.
pub fn prepare() {
    typo::prepare();
    formula_wording::prepare();
    formulaic::prepare();
}

pub mod boilerplate;
pub mod copied;
pub mod formula_wording;
pub mod formulaic;
pub mod placeholder;
pub mod punctuation;
pub mod repeated;
pub mod typo;
pub mod wording;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_one_row_and_one_check() {
        let mut codes: Vec<Code> = Code::all().collect();
        let rows = codes.len();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), rows, "a code has two rows in TABLE");
        let stock = formulaic::StockPhrases::with_corpus_phrases(Vec::new(), &[]);
        let checks = all(Box::new(stock));
        let mut reported: Vec<Code> = checks.iter().flat_map(|c| c.codes().to_vec()).collect();
        reported.sort();
        assert_eq!(
            reported, codes,
            "each code is reported by exactly one check"
        );
        for check in &checks {
            let local: Vec<bool> = check.codes().iter().map(|c| c.info().line_local).collect();
            assert!(local.iter().all(|&l| l == local[0]), "{:?}", check.codes());
        }
    }
}
