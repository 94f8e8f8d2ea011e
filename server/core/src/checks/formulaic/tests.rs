//! Tests of the formulaic check.

use super::*;
use std::collections::HashSet;
use std::sync::OnceLock;

use crate::builtin;
use crate::normalize::normalize_str;

fn stock() -> &'static StockPhrases {
    static STOCK: OnceLock<StockPhrases> = OnceLock::new();
    STOCK.get_or_init(|| StockPhrases::build(&Corpus::builtin(), &[]))
}

/// Asserts that the stock phrases flag none of `texts`.
fn assert_none_flagged(texts: &[&str]) {
    for text in texts {
        assert!(flagged(stock(), text).is_empty(), "{text}");
    }
}

/// (flagged text, message) of the sentence findings.
fn flagged(stock: &StockPhrases, text: &str) -> Vec<(String, String)> {
    let chars: Vec<char> = text.chars().collect();
    stock
        .check(text)
        .into_iter()
        .filter(|f| f.related.is_empty())
        .map(|f| {
            assert_eq!(f.code, Code::FormulaicPhrase);
            assert_eq!(f.severity, crate::checks::Severity::Information);
            (chars[f.range].iter().collect(), f.message)
        })
        .collect()
}

#[test]
fn the_lists_load_whole() {
    let s = stock();
    assert!(s.count(Source::List) >= 500, "{}", s.count(Source::List));
    let gapped = s
        .phrases_from(Source::List)
        .iter()
        .filter(|p| p.contains('…'))
        .count();
    assert!(gapped >= 40, "{gapped}");
    assert!(
        s.lexicon.words().len() >= 800,
        "{}",
        s.lexicon.words().len()
    );
}

#[test]
fn a_sentence_of_formulas_is_flagged_and_named() {
    let text = "总结。 我们要高度重视，认真贯彻落实，切实加强领导，确保取得明显成效。下一句";
    assert_eq!(
        flagged(stock(), text),
        [(
            "我们要高度重视，认真贯彻落实，切实加强领导，确保取得明显成效".to_owned(),
            "套话：高度重视、认真贯彻落实、切实加强领导、取得明显成效。\
             句中没有具体的人、事、地点或数字，可写明谁做了什么、做到多少"
                .to_owned()
        )]
    );
    for text in [
        "各级党组织要高度重视，加强组织领导，形成工作合力，确保各项任务落到实处；",
        "我们要不忘初心、牢记使命，以钉钉子精神狠抓落实，努力开创工作新局面！",
        "以产业发展为抓手，坚持党的领导不动摇，真抓实干，久久为功。",
        "通过学习，我对党的创新理论有了更加深刻的认识，收获颇丰。",
    ] {
        assert_eq!(flagged(stock(), text).len(), 1, "{text}");
    }
}

#[test]
fn abstract_words_alone_make_an_empty_sentence() {
    // Function words alone do not: they carry little, but say nothing formulaic either.
    for (text, sentences) in [
        ("我们要进一步提高认识，加强学习，改进作风，提升能力。", 1),
        ("我们也在这里，他们也在那里。", 0),
    ] {
        let found = flagged(stock(), text);
        assert_eq!(found.len(), sentences, "{text}: {found:?}");
    }
}

#[test]
fn particles_and_slots_do_not_hide_formulas() {
    let found = flagged(
        stock(),
        "切实取得了明显的成效，扎实地推进了各项工作落到实处。",
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].1.contains("取得明显成效"), "{found:?}");
    let found = flagged(stock(), "以党建引领为抓手，不断完善体制机制。");
    assert!(found[0].1.contains("以…为抓手"), "{found:?}");
}

#[test]
fn a_required_formula_is_neither_filler_nor_information() {
    let empty = "在以习近平同志为核心的党中央坚强领导下，各项工作取得显著成效。";
    assert_eq!(flagged(stock(), empty).len(), 1);
    for concrete in [
        "在以习近平同志为核心的党中央坚强领导下，我县2023年脱贫人口人均纯收入增长13.4%。",
        "在以习近平同志为核心的党中央坚强领导下，镇卫生院给全村独居老人配了呼叫器。",
    ] {
        assert!(flagged(stock(), concrete).is_empty(), "{concrete}");
    }
    // Spelling out a numbered formula's items cites it; naming the formula does not.
    let cited = "要贯彻落实六个精准的要求，做到扶持对象精准、项目安排精准、资金使用精准。";
    assert!(flagged(stock(), cited).is_empty(), "{cited}");
    let named = "干部群众的获得感、幸福感、安全感不断增强。";
    assert_eq!(flagged(stock(), named).len(), 1, "{named}");
    // A formula on its own is not judged at all.
    assert!(flagged(stock(), "增强“四个意识”、坚定“四个自信”、做到“两个维护”。").is_empty());
}

#[test]
fn concrete_sentences_are_not_flagged() {
    let seed = builtin::text("seed/000_fbe086485b6b6179.txt");
    let line_80 = seed.lines().nth(79).unwrap();
    let sentence = line_80
        .split('。')
        .find(|s| s.contains("该县按地方财政收入增量的20%增列专项扶贫预算"))
        .unwrap();
    assert!(flagged(stock(), sentence).is_empty());
    assert!(flagged(stock(), line_80).is_empty());
    assert_none_flagged(&[
        // One formula in a concrete sentence.
        "我们要高度重视农村饮水安全，今年为白河县3个村新修管道12公里。",
        // Quantities in Chinese numerals, a named place, a title, a quoted name, a named body.
        "我们要切实加强领导，三名队员分片负责，确保取得明显成效。",
        "灵台县不断创新工作方式，切实加强组织领导，确保取得明显成效。",
        "我们要认真学习《中国共产党纪律处分条例》，切实加强领导，确保取得明显成效。",
        "我们要推行“一格一员”，切实加强领导，确保取得明显成效。",
        "要充分发挥第一书记作用，切实加强领导，确保取得明显成效。",
        // A glossary policy quoted or counted names something.
        "真抓实干，让扶贫干部“表哥表姐表叔”变为“土专家”“田秀才”。",
        "大力实施七项专项行动，切实加强领导，确保各项工作落到实处。",
        // Policy words around a concrete action.
        "镇卫生院给全村独居老人配了呼叫器，切实解决了群众的后顾之忧。",
    ]);
    // 一 alone is an article, not a quantity.
    assert_eq!(
        flagged(stock(), "乡村振兴是一项系统工程，意义重大，影响深远。").len(),
        1
    );
}

#[test]
fn headings_are_not_sentences() {
    assert_none_flagged(&[
        "二是工作思路清晰超前",
        "## 一、切实加强组织领导，确保取得明显成效",
        "三要强化督查考核\n",
    ]);
}

#[test]
fn naming_the_topic_is_not_a_formula() {
    assert_none_flagged(&[
        "脱贫攻坚是一场硬仗，精准扶贫是基本方略。",
        "脱贫攻坚精准扶贫脱贫攻坚精准扶贫脱贫攻坚。",
        "打赢脱贫攻坚战，全面建成小康社会。",
    ]);
    let corpus = stock().phrases_from(Source::Corpus);
    assert!(
        corpus.iter().all(|p| !p.contains(['脱', '贫', '攻', '坚'])),
        "{corpus:?}"
    );
}

#[test]
fn a_mostly_empty_paragraph_gets_a_finding_of_its_own() {
    let empty = "我们要高度重视，认真贯彻落实，切实加强领导。各项工作扎实推进，取得了显著成效。\
                 今后要再接再厉，推动各项工作迈上新台阶。";
    let concrete = "村里去年修了3公里水渠。";
    let text =
        format!("{empty}{concrete}\n{concrete}我们要高度重视，认真贯彻落实，切实加强领导。\n");
    let found = stock().check(&text);
    let paragraphs: Vec<&Finding> = found.iter().filter(|f| !f.related.is_empty()).collect();
    assert_eq!(paragraphs.len(), 1, "{found:?}");
    let p = paragraphs[0];
    let line: usize = empty.chars().count() + concrete.chars().count();
    assert_eq!(p.range, 0..line);
    assert_eq!(p.related.len(), 3);
    assert!(
        p.message.starts_with("本段多为套话：4 句中 3 句空泛"),
        "{}",
        p.message
    );
    // The second line has one empty sentence of two: no paragraph finding.
    assert_eq!(found.len() - paragraphs.len(), 4);
}

#[test]
fn the_share_counts_sentences_once() {
    let text = "我们要高度重视，认真贯彻落实，切实加强领导。各项工作扎实推进，取得了显著成效。\
                今后要再接再厉，推动各项工作迈上新台阶。村里去年修了3公里水渠。";
    let draft = crate::normalize::normalize(text);
    let findings = stock().check(text);
    assert!(findings.iter().any(|f| !f.related.is_empty()));
    let share = share(&draft, &findings);
    assert_eq!(share.total_chars, draft.len());
    let concrete = normalize_str("村里去年修了3公里水渠").chars().count();
    assert_eq!(share.formulaic_chars, draft.len() - concrete);
    assert!(share.summary().starts_with("套话 8"), "{}", share.summary());
    assert_eq!(super::share(&draft, &[]).formulaic_chars, 0);
    assert_eq!(Share::default().ratio(), 0.0);
}

#[test]
fn corpus_phrases_are_recurring_predicates_off_topic() {
    let mut corpus = Corpus::default();
    for i in 0..5 {
        corpus.push(
            format!("乡村振兴体会{i}"),
            format!(
                "第{i}村的乡村振兴战略实施以来，道路建设严重滞后，群众意见很大。\
                 村里开了第{i}次会，讨论新修水渠。"
            ),
            crate::corpus::Origin::File(format!("{i}.txt").into()),
        );
    }
    let phrases = corpus_phrases(&corpus);
    assert!(phrases.contains(&"严重滞后".to_owned()), "{phrases:?}");
    assert!(
        phrases
            .iter()
            .all(|p| !p.contains("振兴") && !p.contains("道路")),
        "{phrases:?}"
    );
    // Recurrence must reach 30 % of a larger corpus.
    for i in 5..20 {
        corpus.push(
            format!("其他{i}"),
            "附件：调查表。".to_owned(),
            crate::corpus::Origin::File(format!("{i}.txt").into()),
        );
    }
    assert!(corpus_phrases(&corpus).is_empty());
}

#[test]
fn extra_phrases_count() {
    let text = "绘就乡村振兴新画卷，谱写共同富裕新篇章。";
    let extra = vec!["绘就…新画卷".to_owned(), " ".to_owned()];
    let custom = StockPhrases::build(&Corpus::default(), &extra);
    assert_eq!(custom.count(Source::Extra), 1);
    let found = flagged(&custom, text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].1.contains("绘就…新画卷、谱写…新篇章"), "{found:?}");
}

/// The server must not offer a phrase as a completion and then name it as 套话 without saying
/// why: every completion phrase that is also a stock phrase stands in the file's explained
/// section.
#[test]
fn completion_phrases_in_the_stock_list_are_explained() {
    let mut completions: HashSet<String> = HashSet::new();
    for line in builtin::list("phrases.txt") {
        completions.insert(normalize_str(line));
        completions.extend(line.split('|').map(normalize_str));
    }
    let text = builtin::text("stock-phrases.txt");
    let marker = text
        .find("# --- also offered as completions")
        .expect("the explained section");
    let (before, after) = text.split_at(marker);
    let listed = |part: &str| -> Vec<String> {
        part.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(normalize_str)
            .collect()
    };
    let unexplained: Vec<String> = listed(before)
        .into_iter()
        .filter(|p| completions.contains(p))
        .collect();
    assert!(unexplained.is_empty(), "{unexplained:?}");
    assert!(listed(after).iter().all(|p| completions.contains(p)));
}

/// Formulas and glossary terms are content; the stock list must not call them 套话.
#[test]
fn no_stock_phrase_is_a_formula_or_a_glossary_term() {
    let mut content: HashSet<String> = builtin::list("formulas.txt").map(normalize_str).collect();
    let table: toml::Table = builtin::text("glossary.toml").parse().unwrap();
    for entry in table["term"].as_array().unwrap() {
        content.insert(normalize_str(entry["term"].as_str().unwrap()));
    }
    let clashes: Vec<&str> = builtin::list("stock-phrases.txt")
        .filter(|p| content.contains(&normalize_str(p)))
        .collect();
    assert!(clashes.is_empty(), "{clashes:?}");
}

#[test]
fn seed_findings_are_few() {
    let seed = builtin::text("seed/000_fbe086485b6b6179.txt");
    let total = sentence::sentence_count(seed);
    let found = flagged(stock(), seed);
    for (sentence, message) in &found {
        eprintln!("{sentence}\n    {message}");
    }
    eprintln!("{} of {total} seed sentences flagged", found.len());
    // Reference essays of the genre: some of it is 套话, most of it must stand. 36 of 381
    // sentences were flagged when this was written; 48 after the lexicon was broadened to the
    // genre at large (issue 14), read one by one: about 40 are pledges, significance and
    // problem lists with nothing checkable, the rest official-register lists of vague measures
    // and two opinions. A seventh is the line no broadening may cross.
    assert!(found.len() <= total / 7, "{found:?}");
    assert!(found.len() >= 10, "{found:?}");
}

#[test]
fn empty_and_odd_input() {
    for text in [
        "",
        "。。。",
        "\n\r\n",
        "高度重视",
        "“",
        "《",
        "𠀀😀高度重视，认真贯彻落实，切实加强领导。",
        "𠀀😀\n高度重视，认真贯彻落实，切实加强领导，𠀀𠀀𠀀𠀀。\n“高度重视”\n",
    ] {
        for f in stock().check(text) {
            assert!(f.range.end <= text.chars().count());
        }
    }
}

/// `cargo test --release --lib -- --ignored --nocapture three_checks_on_20000_chars`
#[test]
#[ignore = "timing; run in release"]
fn three_checks_on_20000_chars() {
    use crate::checks::{boilerplate::Boilerplate, placeholder};
    let seed = builtin::text("seed/000_fbe086485b6b6179.txt");
    let draft: String = seed.chars().cycle().take(20_000).collect();
    let stock = stock();
    let boilerplate = Boilerplate::builtin();
    let mut found = 0;
    for _ in 0..20 {
        found = placeholder::check(&draft).len()
            + boilerplate.check(&draft).len()
            + stock.check(&draft).len();
    }
    // Best of many runs: the build machine is shared, and the minimum is what the code costs.
    let time = |f: &dyn Fn() -> usize| {
        let mut best = f64::MAX;
        for _ in 0..300 {
            let start = std::time::Instant::now();
            std::hint::black_box(f());
            best = best.min(start.elapsed().as_secs_f64() * 1000.0);
        }
        best
    };
    let p = time(&|| placeholder::check(&draft).len());
    let b = time(&|| boilerplate.check(&draft).len());
    let f = time(&|| stock.check(&draft).len());
    eprintln!(
        "formulaic automaton: {} KB",
        stock.lexicon.memory_usage() / 1024
    );
    eprintln!(
        "20000 chars, {found} findings: placeholder {p:.3} ms, boilerplate {b:.3} ms, \
         formulaic {f:.3} ms, total {:.3} ms",
        p + b + f
    );
}

#[test]
fn a_quotation_is_cited_wording_and_a_quoted_name_is_information() {
    // Quoted speech (a clause in it) is set aside like a formula: what is left is judged.
    let quoting = "习近平总书记指出，“扶贫开发贵在精准，重在精准，成败之举在于精准”。";
    assert!(flagged(stock(), quoting).is_empty(), "{quoting}");
    let empty =
        "学习了“绿水青山就是金山银山，冰天雪地也是金山银山”的论述后，我深受教育、倍受鼓舞。";
    assert_eq!(flagged(stock(), empty).len(), 1, "{empty}");
    // A quoted name at the end of a sentence is information, its closing mark after the words.
    let named = "我们要进一步加强领导，切实推行“首违不罚”。";
    assert!(flagged(stock(), named).is_empty(), "{named}");
}

#[test]
fn a_programme_named_by_its_ending_is_information() {
    let named = "我们要大力实施村庄清洁工程，不断提升工作水平。";
    assert!(flagged(stock(), named).is_empty(), "{named}");
    // An ending after empty words names nothing.
    for empty in [
        "我们要以实际行动推动各项工作落地见效。",
        "深入开展专项行动，切实形成齐抓共管的良好局面。",
    ] {
        assert_eq!(flagged(stock(), empty).len(), 1, "{empty}");
    }
}

#[test]
fn two_short_items_of_a_formula_are_the_genres_pairing() {
    // 形式主义、官僚主义 are two of the 四风, named together in every pledge.
    let pledge = "要牢固树立正确的政绩观，坚决反对形式主义、官僚主义。";
    assert_eq!(flagged(stock(), pledge).len(), 1, "{pledge}");
}

#[test]
fn the_field_of_work_is_the_topic_not_information() {
    for empty in [
        "金融是国民经济的血脉，防范化解金融风险是一项长期而重要的任务。",
        "信访工作是党的群众工作的重要组成部分，是了解社情民意的重要窗口。",
    ] {
        assert_eq!(flagged(stock(), empty).len(), 1, "{empty}");
    }
    let concrete = "金融办给全村种粮大户发放了贴息贷款，信访局把接待室搬到了一楼。";
    assert!(flagged(stock(), concrete).is_empty(), "{concrete}");
}

/// Adding phrases to the shared built-in lexicon (`Lexicon::builtin_with`, what the checks use)
/// gives what building one lexicon with all of them gives: the same roles at every match, in
/// the same order, and the same phrases, words and head span.
#[test]
fn phrases_added_to_the_builtin_lexicon_match_as_if_built_with_it() {
    let more: Vec<(String, Source)> = [
        // New, whole and slotted; one with a head longer than any built-in slot phrase.
        ("严重滞后", Source::Corpus),
        ("以…为中心任务", Source::Corpus),
        ("进一步深化拓展巩固提升…新成效", Source::Extra),
        // Already listed (taken once, as built-in), and equal to an empty word or a formula.
        ("高度重视", Source::Corpus),
        ("工作", Source::Extra),
        ("我们", Source::Extra),
        ("加大…力度", Source::Extra),
        // A part that is a built-in pattern's head: the phrase's role goes before the word's.
        ("统一思想…行动", Source::Corpus),
    ]
    .into_iter()
    .map(|(p, s)| (p.to_owned(), s))
    .collect();
    let mut all: Vec<(String, Source)> = builtin::list(STOCK_PHRASES)
        .map(|p| (p.to_owned(), Source::List))
        .collect();
    all.extend(more.clone());
    let built = Lexicon::build(all);
    let added = Lexicon::builtin_with(more);
    let phrases = |lex: &Lexicon| lex.phrases().cloned().collect::<Vec<_>>();
    assert_eq!(phrases(&added), phrases(&built));
    assert_eq!(added.words(), built.words());
    for c in ['的', '个', '县', '们'] {
        assert_eq!(added.single(c), built.single(c), "{c}");
    }
    assert_eq!(added.max_head_span, built.max_head_span);
    assert!(added.max_head_span > Lexicon::builtin_with(Vec::new()).max_head_span);
    let mut texts: Vec<String> = Corpus::builtin()
        .essays
        .iter()
        .map(|e| e.text.clone())
        .collect();
    texts.push(
        "各项工作严重滞后。以脱贫攻坚为中心任务。进一步深化拓展巩固提升教育整顿新成效。\
         我们高度重视，加大投入力度，统一思想和行动。"
            .to_owned(),
    );
    let mut matched = 0;
    for text in &texts {
        let chars = fold(text).0;
        let roles = |lex: &Lexicon| -> Vec<(u32, u32, Vec<lexicon::Role>)> {
            lex.hits(&chars)
                .into_iter()
                .map(|h| (h.start, h.end, lex.roles(h.pattern).to_vec()))
                .collect()
        };
        let (a, b) = (roles(&added), roles(&built));
        assert_eq!(a, b, "{text}");
        matched += a.len();
    }
    assert!(matched > 1000, "{matched}");
}

fn summary(found: &[Finding]) -> Vec<(Code, std::ops::Range<usize>, String)> {
    found
        .iter()
        .map(|f| (f.code, f.range.clone(), f.message.clone()))
        .collect()
}

#[test]
fn a_late_stock_checks_as_the_stock_it_waited_for() {
    use crate::checks::{Check, Context};
    let (release, held) = std::sync::mpsc::channel::<()>();
    let late = LateStock::building(move || {
        held.recv().unwrap();
        stock().clone()
    });
    assert!(late.waits());
    release.send(()).unwrap();
    let text = "我们要高度重视，认真贯彻落实，切实加强组织领导，确保取得明显成效。\n";
    let (settings, corpus) = (crate::config::Settings::default(), Corpus::default());
    let index = crate::fingerprint::Index::default();
    let cx = Context::new(text, &settings, &corpus, &index, &[]);
    let found = Check::check(&late, &cx);
    assert!(!found.is_empty());
    assert_eq!(summary(&found), summary(&stock().check(text)));
    assert!(!late.waits());
}

#[test]
fn a_late_stock_whose_build_failed_fails_its_check_instead_of_hanging() {
    use crate::checks::{Check, Context};
    let late = LateStock::building(|| panic!("mining failed (a test)"));
    let (settings, corpus) = (crate::config::Settings::default(), Corpus::default());
    let index = crate::fingerprint::Index::default();
    let cx = Context::new("认真贯彻落实。", &settings, &corpus, &index, &[]);
    let checked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| late.check(&cx)));
    assert!(checked.is_err());
}
