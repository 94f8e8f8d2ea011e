//! Cross-checking a batch of essays: each against the corpus and, with `cross`, against every
//! other essay of the batch (never itself), for whoever collects fifty 心得体会 after a 学习会.
//!
//! One fingerprint index holds the corpus's essays followed by the batch's, built once for the
//! whole batch; each essay is then matched against it with its own file and its own place in
//! the batch skipped, so a passage shared by two essays and the corpus is credited the way the
//! editor credits it (the longest explanation wins). The result is data; `html_report` and the
//! command line render it.

use std::ops::Range;
use std::path::PathBuf;

use crate::analysis::Analyzer;
use crate::checks::copied::{self, Similarity};
use crate::config::Settings;
use crate::corpus::Corpus;
use crate::fingerprint::Index;
use crate::normalize::{normalize, Normalized};

/// One essay of the batch.
#[derive(Debug, Clone)]
pub struct Submission {
    /// As the user named it (a path, or `-` for standard input).
    pub name: String,
    /// The file, when there is one (to skip it where it is also in the corpus).
    pub path: Option<PathBuf>,
    pub text: String,
    /// Lines are paragraphs (a Word document), not lines the writer sees.
    pub paragraphs: bool,
}

/// Where a copied passage comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Source {
    /// An essay of the corpus (`Corpus::essays` index).
    Corpus(usize),
    /// Another essay of the batch.
    Essay(usize),
}

/// A passage of an essay found in a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    /// Char range in the essay's text.
    pub range: Range<usize>,
    pub source: Source,
    /// Char range in the source's text.
    pub source_range: Range<usize>,
    /// The passage as the source has it.
    pub source_text: String,
    /// Characters counted (normalised: letters and digits; official wording left out), as in
    /// 复制比.
    pub chars: usize,
    /// Inside quotation marks, or from a reference document: a citation, counted in 引用比.
    pub quoted: bool,
    /// Other sources that hold the same passage.
    pub also_in: Vec<Source>,
}

/// One essay's result.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EssayResult {
    /// Characters counted (normalised: letters and digits, each one): 复制比's denominator.
    pub total_chars: usize,
    pub copied_chars: usize,
    pub quoted_chars: usize,
    /// Copied characters per source, largest first.
    pub sources: Vec<(Source, usize)>,
    /// In text order.
    pub passages: Vec<Passage>,
}

impl EssayResult {
    /// 复制比: copied characters (quotations excluded) / all characters.
    pub fn copy_ratio(&self) -> f64 {
        ratio(self.copied_chars, self.total_chars)
    }

    /// 引用比: quoted characters / all characters.
    pub fn quote_ratio(&self) -> f64 {
        ratio(self.quoted_chars, self.total_chars)
    }

    /// Copied characters credited to `source`.
    pub fn chars_from(&self, source: Source) -> usize {
        self.sources
            .iter()
            .find(|(s, _)| *s == source)
            .map_or(0, |(_, n)| *n)
    }
}

pub fn ratio(n: usize, total: usize) -> f64 {
    if total == 0 {
        0.0
    } else {
        n as f64 / total as f64
    }
}

/// Two essays of the batch that share text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    /// Essays of the batch, `a < b`.
    pub a: usize,
    pub b: usize,
    /// Characters of `a` found in `b` (normalised, quotations included), and of `b` in `a`.
    pub chars_in_a: usize,
    pub chars_in_b: usize,
    /// The shared passages: (char range in `a`, char range in `b`), in `a`'s order, none
    /// overlapping another on either side.
    pub passages: Vec<(Range<usize>, Range<usize>)>,
}

impl Pair {
    /// Builds the pair from what `a` shares with `b` and `b` with `a` (`BatchIndex::shared`).
    pub fn new(a: usize, b: usize, a_in_b: &[Shared], b_in_a: &[Shared]) -> Pair {
        let mut passages: Vec<(Range<usize>, Range<usize>)> = Vec::new();
        let both = a_in_b
            .iter()
            .map(|s| (s.range.clone(), s.other.clone()))
            .chain(b_in_a.iter().map(|s| (s.other.clone(), s.range.clone())));
        for (ra, rb) in both {
            if !passages
                .iter()
                .any(|(xa, xb)| overlaps(xa, &ra) || overlaps(xb, &rb))
            {
                passages.push((ra, rb));
            }
        }
        passages.sort_by_key(|(ra, _)| ra.start);
        Pair {
            a,
            b,
            chars_in_a: a_in_b.iter().map(|s| s.chars).sum(),
            chars_in_b: b_in_a.iter().map(|s| s.chars).sum(),
            passages,
        }
    }

    /// The larger of the two shares: how much text the pair has in common.
    pub fn shared(&self) -> usize {
        self.chars_in_a.max(self.chars_in_b)
    }
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// A passage of one essay found in another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shared {
    /// Char range in the essay.
    pub range: Range<usize>,
    /// Char range in the other essay.
    pub other: Range<usize>,
    /// Normalised characters.
    pub chars: usize,
}

/// The fingerprint index for one batch: the analyzer's corpus, then the batch's essays.
pub struct BatchIndex<'a> {
    pub analyzer: &'a Analyzer,
    essays: &'a [Submission],
    /// None: no cross-check; the analyzer's own index is used.
    combined: Option<Index>,
    /// The batch's essays normalised (when not in `combined`).
    drafts: Vec<Normalized>,
    /// Corpus essays that are files of the batch (a folder given both ways): with `cross`
    /// they are matched as essays of the batch, not again as the corpus.
    in_batch: Vec<usize>,
}

impl<'a> BatchIndex<'a> {
    /// Indexes the essays (all of the batch, in order) for checking against `analyzer`'s
    /// corpus and, with `cross`, against each other.
    pub fn new(analyzer: &'a Analyzer, essays: &'a [Submission], cross: bool) -> BatchIndex<'a> {
        let drafts: Vec<Normalized> =
            crate::parallel::map(essays, |s| s.text.len(), |s| normalize(&s.text));
        if !cross {
            return BatchIndex {
                analyzer,
                essays,
                combined: None,
                drafts,
                in_batch: Vec::new(),
            };
        }
        let files: Vec<PathBuf> = essays
            .iter()
            .filter_map(|e| e.path.as_deref())
            .flat_map(crate::context::skip_paths)
            .collect();
        let in_batch = crate::corpus::essays_from_files(&analyzer.corpus, &files);
        let mut all = analyzer.index.essays.clone();
        all.extend(drafts);
        BatchIndex {
            analyzer,
            essays,
            combined: Some(Index::from_normalized(all)),
            drafts: Vec::new(),
            in_batch,
        }
    }

    fn corpus(&self) -> &Corpus {
        &self.analyzer.corpus
    }

    fn index(&self) -> &Index {
        self.combined.as_ref().unwrap_or(&self.analyzer.index)
    }

    fn draft(&self, essay: usize) -> &Normalized {
        match &self.combined {
            Some(index) => &index.essays[self.corpus().essays.len() + essay],
            None => &self.drafts[essay],
        }
    }

    /// The normalised text of a source, to map its ranges back.
    fn source_norm(&self, source: Source) -> &Normalized {
        match source {
            Source::Corpus(id) => &self.index().essays[id],
            Source::Essay(id) => self.draft(id),
        }
    }

    fn source_text(&self, source: Source) -> &str {
        match source {
            Source::Corpus(id) => &self.corpus().essays[id].text,
            Source::Essay(id) => &self.essays[id].text,
        }
    }

    fn source_of(&self, id: usize) -> Source {
        let corpus = self.corpus().essays.len();
        if id < corpus {
            Source::Corpus(id)
        } else {
            Source::Essay(id - corpus)
        }
    }

    /// Checks essay `essay` (its `text`, checked with `settings`): never against itself,
    /// neither its place in the batch nor its own file in the corpus.
    pub fn check(&self, essay: usize, text: &str, settings: &Settings) -> EssayResult {
        let draft = self.draft(essay);
        let mut skip = crate::corpus::essays_from_files(self.corpus(), &settings.skip_corpus_files);
        if self.combined.is_some() {
            skip.push(self.corpus().essays.len() + essay);
            skip.extend(&self.in_batch);
        }
        // The analyzer's sources (reference documents, official wording) cover the corpus
        // ids; the batch's essays, after them, are peers like any user essay.
        let matching = copied::find_matching(
            self.index(),
            &self.analyzer.sources,
            draft,
            text,
            settings.min_match_chars,
            &skip,
        );
        let similarity = Similarity::from_matching(&matching, draft.len());
        let passages = matching
            .spans
            .iter()
            .map(|span| {
                let source = self.source_of(span.essay);
                let source_range = self
                    .source_norm(source)
                    .source_range(span.source.start, span.source.end);
                Passage {
                    range: draft.source_range(span.draft.start, span.draft.end),
                    source,
                    source_text: char_slice(self.source_text(source), source_range.clone()),
                    source_range,
                    chars: span.counted,
                    quoted: span.quoted || span.reference,
                    also_in: span.also_in.iter().map(|&e| self.source_of(e)).collect(),
                }
            })
            .collect();
        EssayResult {
            total_chars: similarity.total_chars,
            copied_chars: similarity.copied_chars,
            quoted_chars: similarity.quoted_chars,
            sources: similarity
                .sources
                .iter()
                .map(|&(e, n)| (self.source_of(e), n))
                .collect(),
            passages,
        }
    }
}

impl BatchIndex<'_> {
    /// What essay `essay` (its `text`, with `settings`, checked as `result`) shares with essay
    /// `other` alone, whoever else of the batch holds the same passages; quotations included.
    /// Stretches `result` credits to the corpus are left out: two essays that copied the same
    /// web page are not copying each other. Needs `cross`.
    pub fn shared(
        &self,
        essay: usize,
        text: &str,
        settings: &Settings,
        result: &EssayResult,
        other: usize,
    ) -> Vec<Shared> {
        let Some(index) = &self.combined else {
            return Vec::new();
        };
        let keep = self.corpus().essays.len() + other;
        let skip: Vec<usize> = (0..index.essays.len()).filter(|&i| i != keep).collect();
        let draft = self.draft(essay);
        let theirs = self.draft(other);
        let from_corpus: Vec<&Range<usize>> = result
            .passages
            .iter()
            .filter(|p| matches!(p.source, Source::Corpus(_)))
            .map(|p| &p.range)
            .collect();
        copied::find_copies_skipping(index, draft, text, settings.min_match_chars, &skip)
            .into_iter()
            .map(|span| Shared {
                range: draft.source_range(span.draft.start, span.draft.end),
                other: theirs.source_range(span.source.start, span.source.end),
                chars: span.draft.len(),
            })
            .filter(|s| {
                let covered: usize = from_corpus
                    .iter()
                    .map(|c| {
                        c.end
                            .min(s.range.end)
                            .saturating_sub(c.start.max(s.range.start))
                    })
                    .sum();
                covered * 2 < s.range.len()
            })
            .collect()
    }
}

/// Chars `range` of `text`.
pub fn char_slice(text: &str, range: Range<usize>) -> String {
    text.chars()
        .skip(range.start)
        .take(range.end.saturating_sub(range.start))
        .collect()
}

/// A corpus essay that is a source in the report.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CorpusSource {
    pub title: String,
    /// `Essay::describe_origin`.
    pub origin: String,
}

/// Everything a batch report shows.
#[derive(Debug, Clone)]
pub struct BatchReport {
    pub essays: Vec<Submission>,
    /// By essay, in the essays' order; `Source::Corpus` indexes `corpus`.
    pub results: Vec<EssayResult>,
    pub corpus: Vec<CorpusSource>,
    /// Essays of the batch were checked against each other.
    pub cross: bool,
    /// Worst first.
    pub pairs: Vec<Pair>,
    /// Essay indexes, worst first.
    pub ranking: Vec<usize>,
}

impl BatchReport {
    /// The report; `pairs` are sorted here.
    pub fn new(
        essays: Vec<Submission>,
        results: Vec<EssayResult>,
        corpus: Vec<CorpusSource>,
        cross: bool,
        mut pairs: Vec<Pair>,
    ) -> BatchReport {
        sort_pairs(&mut pairs);
        BatchReport {
            pairs,
            ranking: ranking(&results),
            essays,
            results,
            corpus,
            cross,
        }
    }

    /// What a source is called: a corpus essay's 《title》, or the essay's name.
    pub fn source_name(&self, source: Source) -> String {
        match source {
            Source::Corpus(id) => format!("《{}》", self.corpus[id].title),
            Source::Essay(id) => self.essays[id].name.clone(),
        }
    }
}

/// The pairs of essays that share text (`a < b`): one was credited to the other for a
/// passage, or found holding the same passage as its credited source.
pub fn candidate_pairs(results: &[EssayResult]) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (a, result) in results.iter().enumerate() {
        for passage in &result.passages {
            // Both copied the corpus: not a pair.
            if matches!(passage.source, Source::Corpus(_)) {
                continue;
            }
            for source in std::iter::once(&passage.source).chain(&passage.also_in) {
                if let Source::Essay(b) = *source {
                    let pair = (a.min(b), a.max(b));
                    if a != b && !out.contains(&pair) {
                        out.push(pair);
                    }
                }
            }
        }
    }
    out.sort_unstable();
    out
}

/// Sorts pairs most shared first.
pub fn sort_pairs(pairs: &mut [Pair]) {
    pairs.sort_by(|x, y| {
        y.shared()
            .cmp(&x.shared())
            .then((x.a, x.b).cmp(&(y.a, y.b)))
    });
}

/// The essays, worst first: by 复制比, then copied characters, then quoted characters, then
/// their order.
pub fn ranking(results: &[EssayResult]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..results.len()).collect();
    order.sort_by(|&x, &y| {
        let (rx, ry) = (&results[x], &results[y]);
        ry.copy_ratio()
            .total_cmp(&rx.copy_ratio())
            .then(ry.copied_chars.cmp(&rx.copied_chars))
            .then(ry.quoted_chars.cmp(&rx.quoted_chars))
            .then(x.cmp(&y))
    });
    order
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn submission(name: &str, text: &str) -> Submission {
        Submission {
            name: name.to_owned(),
            path: None,
            text: text.to_owned(),
            paragraphs: false,
        }
    }

    /// Nobody's official wording: every character counts.
    const SHARED: &str =
        "我们村的香菇大棚去年带动四十二户脱贫户就近务工，户均增收六千元，村集体收入翻了一番。";

    #[test]
    fn essays_match_each_other_never_themselves_and_pairs_rank_first() {
        let settings = Settings {
            include_builtin: false,
            ..Settings::default()
        };
        let (analyzer, _) = Analyzer::from_corpus(Corpus::default(), &settings);
        let essays = vec![
            submission(
                "甲",
                &format!("开头各不相同的一句话。{SHARED}结尾也不一样。"),
            ),
            submission(
                "乙",
                "完全是自己写的内容，没有任何重复的段落在这里出现过呢。",
            ),
            submission("丙", &format!("丙的开场白写在这里。“{SHARED}”")),
        ];
        let index = BatchIndex::new(&analyzer, &essays, true);
        let results: Vec<EssayResult> = (0..essays.len())
            .map(|i| index.check(i, &essays[i].text, &settings))
            .collect();
        // 甲 copied from 丙 (unquoted in 甲), 丙 quoted 甲.
        assert_eq!(results[0].passages.len(), 1);
        let p = &results[0].passages[0];
        assert_eq!(p.source, Source::Essay(2));
        let chars: Vec<char> = essays[0].text.chars().collect();
        let copied: String = chars[p.range.clone()].iter().collect();
        assert!(SHARED.starts_with(&copied), "{copied}");
        let source: Vec<char> = essays[2].text.chars().collect();
        let in_source: String = source[p.source_range.clone()].iter().collect();
        assert_eq!(copied, in_source);
        assert_eq!(p.source_text, in_source);
        assert!(!p.quoted && results[0].copied_chars > 30);
        assert!(results[1].passages.is_empty());
        assert_eq!(results[2].copied_chars, 0);
        assert!(results[2].quoted_chars > 30 && results[2].passages[0].quoted);

        // 丙 quoted and 乙 did not: at 0.0% both, the quotation ranks first.
        assert_eq!(ranking(&results), [0, 2, 1]);
        assert_eq!(candidate_pairs(&results), [(0, 2)]);
        let a_in_c = index.shared(0, &essays[0].text, &settings, &results[0], 2);
        let c_in_a = index.shared(2, &essays[2].text, &settings, &results[2], 0);
        let pair = Pair::new(0, 2, &a_in_c, &c_in_a);
        assert_eq!(pair.chars_in_a, results[0].copied_chars);
        // 丙 quoted 甲: shared text all the same.
        assert_eq!(pair.chars_in_b, results[2].quoted_chars);
        assert_eq!(pair.passages.len(), 1);
        let (ra, rc) = &pair.passages[0];
        assert_eq!(
            char_slice(&essays[0].text, ra.clone()),
            char_slice(&essays[2].text, rc.clone())
        );

        // Without cross-checking, the essays do not see each other.
        let alone = BatchIndex::new(&analyzer, &essays, false);
        assert!(alone
            .check(0, &essays[0].text, &settings)
            .passages
            .is_empty());
    }

    #[test]
    fn corpus_sources_keep_their_ids_beside_the_batch() {
        let settings = Settings::default();
        let (analyzer, _) = Analyzer::new(&settings);
        let first = &analyzer.corpus.essays[0].text;
        let borrowed: String = first.chars().take(120).collect();
        let essays = vec![
            submission("甲", &borrowed),
            submission("乙", "无关的文字。"),
        ];
        let index = BatchIndex::new(&analyzer, &essays, true);
        let result = index.check(0, &essays[0].text, &settings);
        assert!(result.copy_ratio() > 0.5, "{result:?}");
        assert!(matches!(result.sources[0].0, Source::Corpus(_)));
    }
}
