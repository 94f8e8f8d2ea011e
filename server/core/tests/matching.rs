//! Copy and repetition checks through the public analysis API, on the built-in corpus.

use std::sync::OnceLock;

use essay_core::analysis::Analyzer;
use essay_core::checks::{Code, Finding, Place, Severity};
use essay_core::config::Settings;
use essay_core::document::{Document, Position, PositionEncoding};

fn analyzer() -> &'static Analyzer {
    static ANALYZER: OnceLock<Analyzer> = OnceLock::new();
    ANALYZER.get_or_init(|| Analyzer::new(&Settings::default()).0)
}

fn findings(text: &str, code: Code) -> Vec<Finding> {
    analyzer()
        .check(text, &Settings::default())
        .findings
        .into_iter()
        .filter(|f| f.code == code)
        .collect()
}

/// The findings of one check.
fn of_code(findings: &[Finding], code: Code) -> Vec<&Finding> {
    findings.iter().filter(|f| f.code == code).collect()
}

/// Whether one check found anything.
fn has(findings: &[Finding], code: Code) -> bool {
    findings.iter().any(|f| f.code == code)
}

fn covered(text: &str, f: &Finding) -> String {
    text.chars()
        .skip(f.range.start)
        .take(f.range.len())
        .collect()
}

// 篇二 writes this with half-width commas: "…决战决胜之年,实现全部脱贫、全面小康,蹄疾更要步稳,…"
const COPIED_FULL_WIDTH: &str =
    "今年是脱贫攻坚的决战决胜之年，实现全部脱贫、全面小康，蹄疾更要步稳，越是临近“收官”，越是要把“句号”画圆满。";

#[test]
fn copy_with_commas_switched_to_full_width_is_found_with_its_source() {
    let text = format!("我想说：{COPIED_FULL_WIDTH}这是我的体会。");
    let found = findings(&text, Code::CopiedFromCorpus);
    assert_eq!(found.len(), 1, "{found:?}");
    let f = &found[0];
    assert_eq!(covered(&text, f), COPIED_FULL_WIDTH.trim_end_matches('。'));
    assert!(
        f.message
            .starts_with("与语料《脱贫工作心得体会·篇二》重复 "),
        "{}",
        f.message
    );
    let n: usize = f.message["与语料《脱贫工作心得体会·篇二》重复 ".len()..]
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(n, 45);
    assert!(f.message.contains("原文：“"), "{}", f.message);
    assert_eq!(f.severity, Severity::Warning);
}

#[test]
fn one_changed_character_does_not_split_or_hide_a_copied_sentence() {
    // 篇二: "要看脱贫资金是否物尽其用,是否与绩效相匹配" … "脱贫过程经得起历史、实践和人民的检验,脱贫结果真实、有效、确定。"
    let original = "脱贫过程经得起历史、实践和人民的检验，脱贫结果真实、有效、确定";
    let changed = "脱贫过程经得起历史、实践和群众的检验，脱贫结果真实、有效、确定";
    assert_ne!(original, changed);
    let text = format!("我认为，{changed}。");
    let found = findings(&text, Code::CopiedFromCorpus);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(covered(&text, &found[0]), changed);
}

#[test]
fn sharing_only_short_common_phrases_is_not_copying() {
    let text = "我们村把脱贫攻坚和精准扶贫落到每一户，全面建成小康社会的目标让大家干劲十足，决战决胜的日子里人人都在忙。";
    assert!(findings(text, Code::CopiedFromCorpus).is_empty());
    assert!(findings(text, Code::QuotedFromCorpus).is_empty());
}

#[test]
fn a_copy_inside_quotation_marks_is_a_citation() {
    // (Was 总书记强调“…贵在精准，重在精准，成败之举在于精准”: that saying is now official wording
    // from the glossary and not reported at all — issue 13.)
    let text = "文章写道，“贫困地区贫困人口内生动力和发展能力弱的现象依然十分普遍”。";
    assert!(findings(text, Code::CopiedFromCorpus).is_empty());
    let quoted = findings(text, Code::QuotedFromCorpus);
    assert_eq!(quoted.len(), 1);
    assert_eq!(quoted[0].severity, Severity::Information);
    assert!(quoted[0].message.contains("引用"));
}

#[test]
fn copied_span_offers_to_mark_it_as_a_quotation() {
    let text = COPIED_FULL_WIDTH;
    let f = &findings(text, Code::CopiedFromCorpus)[0];
    let fix = &f.fixes[0];
    let mut chars: Vec<char> = text.chars().collect();
    for edit in fix.edits.iter().rev() {
        chars.splice(edit.range.clone(), edit.new_text.chars());
    }
    let fixed: String = chars.into_iter().collect();
    assert_eq!(
        fixed,
        format!("“{}”。", COPIED_FULL_WIDTH.trim_end_matches('。'))
    );
    assert!(findings(&fixed, Code::CopiedFromCorpus).is_empty());
}

#[test]
fn ranges_are_exact_in_utf16_after_characters_outside_the_bmp() {
    let text = format!("𠀀😀{COPIED_FULL_WIDTH}");
    let f = &findings(&text, Code::CopiedFromCorpus)[0];
    let doc = Document::new(&text, PositionEncoding::Utf16);
    assert_eq!(doc.position(f.range.start), Position::new(0, 4));
    let len16 = COPIED_FULL_WIDTH
        .trim_end_matches('。')
        .encode_utf16()
        .count() as u32;
    assert_eq!(doc.position(f.range.end), Position::new(0, 4 + len16));
}

#[test]
fn similarity_counts_copied_characters_and_the_largest_source() {
    let own = "我们村把帮扶台账细化到每一户，每月更新一次收入和务工情况。";
    let text = format!("{COPIED_FULL_WIDTH}{own}");
    let report = analyzer().check(&text, &Settings::default());
    let sim = &report.similarity;
    // 脱贫攻坚, 决战决胜 and 全面小康 are official wording: 12 of the 45 copied chars do not
    // count (issue 13).
    assert_eq!(sim.copied_chars, 33);
    assert_eq!(sim.total_chars, 45 + 27);
    let (essay, ratio) = sim.largest().unwrap();
    assert_eq!(
        analyzer().corpus.essays[essay].title,
        "脱贫工作心得体会·篇二"
    );
    assert!((ratio - 33.0 / 72.0).abs() < 1e-9);
    assert!(
        sim.summary(&analyzer().corpus)
            .starts_with("复制比 45.8% · 最大单篇 45.8%《脱贫工作心得体会·篇二》"),
        "{}",
        sim.summary(&analyzer().corpus)
    );
}

#[test]
fn repetition_inside_the_draft_is_flagged_at_every_occurrence() {
    let passage = "把每一户的实际困难记在心里、落到纸上、办在实处";
    let text = format!("{passage}，是我最深的体会。\n明年再扩建六座大棚。{passage}，仍是出发点。");
    let found = findings(&text, Code::RepeatedInDocument);
    assert_eq!(found.len(), 2, "{found:?}");
    for f in &found {
        assert_eq!(covered(&text, f), passage);
        assert_eq!(f.related.len(), 1);
    }
    assert!(matches!(&found[0].related[0].place, Place::Draft(r) if *r == found[1].range));
    assert!(found[0].message.contains("第 2 行"), "{}", found[0].message);
    assert!(found[0].fixes.is_empty(), "the first occurrence is kept");
    let fix = &found[1].fixes[0];
    let mut chars: Vec<char> = text.chars().collect();
    chars.splice(fix.edits[0].range.clone(), fix.edits[0].new_text.chars());
    let fixed: String = chars.into_iter().collect();
    assert_eq!(
        fixed,
        format!("{passage}，是我最深的体会。\n明年再扩建六座大棚。仍是出发点。")
    );
}

#[test]
fn short_repeats_are_not_flagged() {
    let text = "脱贫攻坚是大事。我们全力推进脱贫攻坚。脱贫攻坚不能松劲。";
    assert!(findings(text, Code::RepeatedInDocument).is_empty());
}

#[test]
fn threshold_disable_severity_and_suppression_comments() {
    let text = format!("{COPIED_FULL_WIDTH}\n");
    let mut settings = Settings {
        min_match_chars: 60,
        ..Settings::default()
    };
    let found = |s: &Settings, t: &str| -> Vec<Finding> {
        analyzer()
            .check(t, s)
            .findings
            .into_iter()
            .filter(|f| f.code == Code::CopiedFromCorpus)
            .collect()
    };
    assert!(found(&settings, &text).is_empty());
    settings.min_match_chars = 13;
    settings
        .severity
        .insert(Code::CopiedFromCorpus, Severity::Error);
    assert_eq!(found(&settings, &text)[0].severity, Severity::Error);
    settings.disabled.push(Code::CopiedFromCorpus);
    assert!(found(&settings, &text).is_empty());

    let suppressed = format!(
        "<!-- essay-lsp-disable copied-from-corpus -->\n{COPIED_FULL_WIDTH}\n<!-- essay-lsp-enable -->\n"
    );
    assert!(found(&Settings::default(), &suppressed).is_empty());
    settings.disabled.clear();
    settings.ignored_phrases = vec![COPIED_FULL_WIDTH.to_owned()];
    assert!(found(&settings, &text).is_empty());
}

#[test]
fn user_corpus_in_gbk_points_at_the_source_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("去年的总结.txt");
    let source = "标题\r\n我们村的香菇大棚去年带动四十二户脱贫户就近务工，户均增收六千元。\r\n";
    std::fs::write(&path, encoding_rs::GB18030.encode(source).0).unwrap();
    let settings = Settings {
        corpus_paths: vec![dir.path().to_owned()],
        include_builtin: false,
        ..Settings::default()
    };
    let (analyzer, problems) = Analyzer::new(&settings);
    assert!(problems.is_empty(), "{problems:?}");
    let text = "回顾这一年，香菇大棚去年带动四十二户脱贫户就近务工，户均增收六千元。";
    let report = analyzer.check(text, &settings);
    let f = report
        .findings
        .iter()
        .find(|f| f.code == Code::CopiedFromCorpus)
        .expect("copy from the user corpus");
    assert!(f.message.contains("《去年的总结》"), "{}", f.message);
    match &f.related[0].place {
        Place::File { path: p, range, .. } => {
            assert_eq!(p, &path);
            let text: String = source.chars().skip(range.start).take(range.len()).collect();
            assert_eq!(
                text,
                "香菇大棚去年带动四十二户脱贫户就近务工，户均增收六千元"
            );
        }
        other => panic!("{other:?}"),
    }
}

/// A corpus of one reference document and one peer essay that cites it, in a temporary folder.
struct RolesCorpus {
    _dir: tempfile::TempDir,
    analyzer: Analyzer,
    settings: Settings,
}

// Written for these tests in the register of a county document; the peer cites it.
const REFERENCE: &str = "县委县政府关于推进乡村全面振兴的实施意见\n\
    各乡镇要坚持早发现、早干预、早帮扶，对易返贫致贫人口做到应纳尽纳、应帮尽帮。\n\
    县委书记在动员会上指出，“要用好身边典型案例，开展警示教育，让党员干部受警醒、明底线、知敬畏”。\n";
const PEER: &str = "驻村一年的体会\n\
    文件要求坚持早发现、早干预、早帮扶，对易返贫致贫人口做到应纳尽纳、应帮尽帮。\
    我们村的做法是每月入户走访一遍，把台账记在一本蓝皮笔记本上，谁家有难处一目了然。\n";

fn roles_corpus() -> RolesCorpus {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("refs")).unwrap();
    std::fs::create_dir(dir.path().join("peers")).unwrap();
    std::fs::write(dir.path().join("refs/实施意见.txt"), REFERENCE).unwrap();
    std::fs::write(dir.path().join("peers/驻村体会.txt"), PEER).unwrap();
    let settings = Settings {
        corpus_paths: vec![dir.path().join("peers")],
        reference_paths: vec![dir.path().join("refs")],
        include_builtin: false,
        ..Settings::default()
    };
    let (analyzer, problems) = Analyzer::new(&settings);
    assert!(problems.is_empty(), "{problems:?}");
    RolesCorpus {
        _dir: dir,
        analyzer,
        settings,
    }
}

#[test]
fn text_of_a_reference_is_cited_and_credited_to_the_reference_not_the_peer() {
    let c = roles_corpus();
    let text = "我们要坚持早发现、早干预、早帮扶，对易返贫致贫人口做到应纳尽纳、应帮尽帮。";
    let report = c.analyzer.check(text, &c.settings);
    assert!(!has(&report.findings, Code::CopiedFromCorpus));
    let cited = of_code(&report.findings, Code::FromReference);
    assert_eq!(cited.len(), 1, "{:?}", report.findings);
    assert_eq!(cited[0].severity, Severity::Information);
    for named in ["《实施意见》", "另见《驻村体会》"] {
        assert!(cited[0].message.contains(named), "{}", cited[0].message);
    }
    let sim = &report.similarity;
    assert_eq!(sim.copied_chars, 0);
    assert!(sim.quoted_chars >= 13 && sim.reference_chars == sim.quoted_chars);
    assert!(sim.summary(&c.analyzer.corpus).contains("引用比"));

    // The peer's own text stays a copy, credited to the peer.
    let own = "我们村的做法是每月入户走访一遍，把台账记在一本蓝皮笔记本上。";
    let report = c.analyzer.check(own, &c.settings);
    let copied = of_code(&report.findings, Code::CopiedFromCorpus);
    assert_eq!(copied.len(), 1);
    assert!(copied[0].message.contains("《驻村体会》"));
}

#[test]
fn a_quotation_that_differs_from_its_source_is_misquoted_with_the_source_as_fix() {
    let c = roles_corpus();
    let text =
        "正如书记所说，“要用好身边典型案例，开展警示教育，让党员干部受警醒、守底线、知敬畏”。";
    let report = c.analyzer.check(text, &c.settings);
    let misquoted = of_code(&report.findings, Code::Misquoted);
    assert_eq!(misquoted.len(), 1, "{:?}", report.findings);
    let f = misquoted[0];
    assert_eq!(f.severity, Severity::Warning);
    assert!(
        f.message.contains("守底线") && f.message.contains("明底线"),
        "{}",
        f.message
    );
    assert!(
        !has(&report.findings, Code::CopiedFromCorpus)
            && !has(&report.findings, Code::FromReference)
    );
    // The fix puts the source's exact words in place; then it is an exact citation.
    let edit = &f.fixes[0].edits[0];
    let mut chars: Vec<char> = text.chars().collect();
    chars.splice(edit.range.clone(), edit.new_text.chars());
    let fixed: String = chars.into_iter().collect();
    assert_eq!(
        fixed,
        "正如书记所说，“要用好身边典型案例，开展警示教育，让党员干部受警醒、明底线、知敬畏”。"
    );
    let report = c.analyzer.check(&fixed, &c.settings);
    assert!(!has(&report.findings, Code::Misquoted));
    assert!(has(&report.findings, Code::FromReference));
}

#[test]
fn an_exact_quotation_introduced_like_its_source_is_a_citation() {
    // The match starts before the opening mark: 指出，“ is in the source too.
    let c = roles_corpus();
    let text = "县委书记在动员会上指出，“要用好身边典型案例，开展警示教育，让党员干部受警醒、明底线、知敬畏”。我深有同感。";
    let report = c.analyzer.check(text, &c.settings);
    assert!(
        !has(&report.findings, Code::CopiedFromCorpus) && !has(&report.findings, Code::Misquoted)
    );
    assert_eq!(report.similarity.copied_chars, 0);

    // The same with a peer essay as the source: quoted-from-corpus, not a copy.
    let quoted = "正如习**同志指出的：“小康不小康，关键看老乡，关键在贫困的老乡能不能脱贫”。";
    let report = analyzer().check(quoted, &Settings::default());
    assert!(!has(&report.findings, Code::CopiedFromCorpus));
}

#[test]
fn official_wording_is_neither_copy_nor_repetition_unless_the_copy_reaches_beyond_it() {
    let formula = "深刻领悟“两个确立”的决定性意义，增强“四个意识”、坚定“四个自信”、做到“两个维护”";
    let dir = tempfile::tempdir().unwrap();
    let peer = format!(
        "我们要{formula}，在乡村振兴的广阔天地里书写无愧于时代的青春答卷。另一段话与此无关。"
    );
    std::fs::write(dir.path().join("peer.txt"), &peer).unwrap();
    let settings = Settings {
        corpus_paths: vec![dir.path().to_owned()],
        include_builtin: false,
        ..Settings::default()
    };
    let (analyzer, _) = Analyzer::new(&settings);

    // The formula alone, twice: no copy, no repetition, nothing in the 复制比, but listed.
    let text = format!("我们要{formula}。\n大家都要{formula}。");
    let report = analyzer.check(&text, &settings);
    assert!(
        !has(&report.findings, Code::CopiedFromCorpus)
            && !has(&report.findings, Code::RepeatedInDocument),
        "{:?}",
        report.findings
    );
    assert_eq!(report.similarity.copied_chars, 0);
    assert!(
        report
            .similarity
            .left_out
            .iter()
            .any(|l| formula.contains(l.text.as_str()) && l.text.chars().count() > 20),
        "{:?}",
        report.similarity.left_out
    );

    // Reaching beyond it: a copy, and only what is beyond counts.
    let text = format!("{formula}，在乡村振兴的广阔天地里书写无愧于时代的青春答卷。");
    let report = analyzer.check(&text, &settings);
    let copied = of_code(&report.findings, Code::CopiedFromCorpus);
    assert_eq!(copied.len(), 1, "{:?}", report.findings);
    // 在 + 的广阔天地里书写无愧于时代的青春答卷: 19 characters (乡村振兴 is a glossary term).
    assert_eq!(report.similarity.copied_chars, 19);
    assert!(
        copied[0].message.contains("规范表述"),
        "{}",
        copied[0].message
    );
}

#[test]
fn copy_messages_quote_the_matched_source_text() {
    let text = format!("我想说：{COPIED_FULL_WIDTH}");
    let f = &findings(&text, Code::CopiedFromCorpus)[0];
    // The excerpt holds the matched text itself (bracketed), not the start of its sentence.
    assert!(
        f.message.contains("【今年是脱贫攻坚的决战决胜之年"),
        "{}",
        f.message
    );
}

/// Quotations of a reference with random characters changed, dropped or added, at random
/// bounds: never a panic, a misquotation's fix is always the source's own text, and an
/// untouched quotation is never a misquotation.
#[test]
fn random_quotations_of_a_reference_are_verified_against_its_exact_text() {
    let c = roles_corpus();
    let source: Vec<char> = "要用好身边典型案例，开展警示教育，让党员干部受警醒、明底线、知敬畏"
        .chars()
        .collect();
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n.max(1) as u64) as usize
    };
    let mut misquoted = 0;
    for _ in 0..200 {
        let start = next(8);
        let end = source.len() - next(8);
        let mut quote: Vec<char> = source[start..end].to_vec();
        let edits = next(4);
        for _ in 0..edits {
            let at = next(quote.len());
            match next(3) {
                0 => quote[at] = '某',
                1 => {
                    quote.remove(at);
                }
                _ => quote.insert(at, '又'),
            }
        }
        let quote: String = quote.into_iter().collect();
        let text = format!("他说：“{quote}”。𠀀");
        let report = c.analyzer.check(&text, &c.settings);
        for f in report.findings.iter().filter(|f| f.code == Code::Misquoted) {
            misquoted += 1;
            let fix = &f.fixes[0].edits[0].new_text;
            assert!(
                REFERENCE.contains(fix.as_str()),
                "{fix} is not the source's text"
            );
        }
        if edits == 0 {
            assert!(!has(&report.findings, Code::Misquoted), "{text}");
        }
    }
    assert!(misquoted > 20, "{misquoted} misquotations found");
}
