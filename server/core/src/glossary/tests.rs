use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Instant;

use super::*;
use crate::corpus::Corpus;

const USER_GLOSSARY: &str = r#"
# A writer's own glossary.
[[term]]
term = "五个振兴"
category = "政策"
definition = "乡村振兴的五个方面，用户词表中的测试词条。"
items = ["产业振兴", "人才振兴", "文化振兴", "生态振兴", "组织振兴"]

[[term]]
term = "坏词条"
category = "其他"
definition = "类别无效，应被跳过。"
"#;

struct Shared {
    glossary: Glossary,
    user_file: PathBuf,
    problems: Vec<LoadProblem>,
}

/// One glossary for all tests: loading jieba and mining the corpus is slow in a debug build.
/// jieba is loaded first, as it is a moment after a server starts: usage notes on corpus words
/// need it (before it has loaded, hover leaves them out rather than wait).
fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        crate::segment::jieba();
        let dir = tempfile::tempdir().unwrap();
        let user_file = dir.path().join("my-terms.toml");
        std::fs::write(&user_file, USER_GLOSSARY).unwrap();
        let (glossary, problems) =
            Glossary::load(&Corpus::builtin(), std::slice::from_ref(&user_file));
        Shared {
            glossary,
            user_file,
            problems,
        }
    })
}

fn glossary() -> &'static Glossary {
    &shared().glossary
}

fn hover(line: &str, offset: usize) -> Option<HoverInfo> {
    glossary().hover(line, offset)
}

/// The first line of a hover: `**term** · category`.
fn title(info: &HoverInfo) -> &str {
    info.markdown.lines().next().unwrap()
}

fn heading(term: &str, category: &str) -> String {
    format!("**{}** · {}", crate::text::escape_markdown(term), category)
}

fn entry(term: &str) -> &'static Entry {
    glossary()
        .entries()
        .iter()
        .find(|e| e.term == term)
        .unwrap_or_else(|| panic!("no entry {term}"))
}

#[test]
fn glossary_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Glossary>();
}

#[test]
fn builtin_file_parses_into_at_least_100_complete_entries() {
    let (entries, problems) =
        data::parse(crate::builtin::text("glossary.toml"), &Source::Builtin).unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    assert!(entries.len() >= 100, "only {} entries", entries.len());
    for e in &entries {
        assert!(
            e.definition.chars().count() >= 10,
            "{}: definition too short",
            e.term
        );
        assert!(CATEGORIES.contains(&e.category.as_str()), "{}", e.term);
    }
    for category in CATEGORIES {
        assert!(
            entries.iter().any(|e| e.category == category),
            "no entry in {category}"
        );
    }
    let claimed_twice = spellings_claimed_twice(&entries);
    assert!(claimed_twice.is_empty(), "{}", claimed_twice.join("\n"));
    let owner: std::collections::HashSet<String> = entries
        .iter()
        .flat_map(|e| std::iter::once(&e.term).chain(&e.variants))
        .map(|form| normalize_str(form))
        .collect();
    // Terms the seed text uses and the issue names: each must be a term or a variant.
    let required = [
        "两不愁三保障",
        "六个精准",
        "五个一批",
        "精准扶贫",
        "精准脱贫",
        "建档立卡",
        "三包",
        "四扶",
        "五保障",
        "双联行动",
        "联村联户",
        "形式主义",
        "摘帽",
        "四个不摘",
        "集中连片特困地区",
        "国家扶贫开发工作重点县",
        "十三五规划",
        "十八届五中全会",
        "易地扶贫搬迁",
        "电商扶贫",
        "教育扶贫",
        "产业扶贫",
        "内生动力",
        "扶贫先扶志",
        "小康不小康关键看老乡",
        "乡村振兴",
        "返贫监测",
        "防止返贫动态监测和帮扶机制",
        "东西部扶贫协作",
        "驻村第一书记",
        "第一书记",
        "驻村工作队",
        "三会一课",
        "村两委",
        "过渡期",
        "脱贫攻坚精神",
        "三农",
        "两个一百年",
        "共同富裕",
        "1+3+3",
        "五共",
        "三苦精神",
        "五步识别法",
        "853挂图作业",
        "1365工作思路",
        "中央扶贫开发工作会议",
        "五大发展理念",
        "十三五脱贫攻坚规划",
        "万企帮万村",
        "整村推进",
        "扶贫小额信贷",
        "光伏扶贫",
        "构树扶贫",
        "旅游扶贫",
        "健康扶贫",
        "金融扶贫",
        "第三方评估",
        "贫困退出机制",
        "五级书记一起抓",
        "定点帮扶",
        "区域性整体贫困",
        "贫困代际传递",
        "十九届中央纪委四次全会",
        "新基建",
        "全面建成小康社会",
        "脱贫攻坚战",
        "贵在精准重在精准成败之举在于精准",
    ];
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|r| !owner.contains(&normalize_str(r)))
        .collect();
    assert!(missing.is_empty(), "missing from the glossary: {missing:?}");
}

/// Spellings (terms and variants, as the matcher normalises them) claimed more than once: by two
/// entries, or twice within one. Two entries with the same headword, or a variant repeating a
/// term, would make hovers depend on file order.
fn spellings_claimed_twice(entries: &[Entry]) -> Vec<String> {
    let mut owner: HashMap<String, (usize, &str)> = HashMap::new();
    let mut twice = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        for form in std::iter::once(&e.term).chain(&e.variants) {
            let norm = matcher::NormText::new(form).text;
            if let Some((j, first)) = owner.insert(norm, (i, form.as_str())) {
                let whose = if j == i { "itself" } else { "another entry" };
                twice.push(format!(
                    "{form} ({}) repeats {first} of {whose} ({})",
                    e.term, entries[j].term
                ));
            }
        }
    }
    twice
}

#[test]
fn a_spelling_claimed_twice_is_caught_even_under_the_same_headword() {
    let entry = |term: &str, variants: &[&str]| Entry {
        term: term.to_owned(),
        variants: variants.iter().map(|v| v.to_string()).collect(),
        ..Entry::default()
    };
    assert!(spellings_claimed_twice(&[entry("两个确立", &[]), entry("两个维护", &[])]).is_empty());
    // Identical headwords, a headword repeated as a variant, and spellings that differ only in
    // punctuation or width are all the same spelling to the matcher.
    for pair in [
        [entry("两个确立", &[]), entry("两个确立", &[])],
        [entry("两个确立", &[]), entry("两个维护", &["“两个确立”"])],
        [entry("1+3+3", &[]), entry("甲", &["１＋３＋３"])],
    ] {
        assert_eq!(
            spellings_claimed_twice(&pair).len(),
            1,
            "{:?}",
            pair[1].variants
        );
    }
    assert_eq!(
        spellings_claimed_twice(&[entry("两个确立", &["两个确立"])]).len(),
        1
    );
}

#[test]
fn numbered_formulas_list_as_many_items_as_their_number_says() {
    assert_eq!(expected_item_count("六个精准"), Some(6));
    assert_eq!(expected_item_count("五个一批"), Some(5));
    assert_eq!(expected_item_count("两不愁三保障"), Some(5));
    assert_eq!(expected_item_count("三会一课"), Some(4));
    assert_eq!(expected_item_count("三重一大"), Some(4));
    assert_eq!(expected_item_count("五大振兴"), Some(5));
    assert_eq!(expected_item_count("四议两公开"), Some(6));
    assert_eq!(expected_item_count("十项精准扶贫工程"), Some(10));
    assert_eq!(expected_item_count("一核二看三比四评五公示"), Some(5));
    assert_eq!(expected_item_count("1+3+3"), Some(7));
    assert_eq!(expected_item_count("1365工作思路"), None);
    assert_eq!(expected_item_count("一个中心、两个基本点"), Some(3));
    assert_eq!(expected_item_count("两个一百年"), Some(2));
    assert_eq!(expected_item_count("精准扶贫"), None);

    let mut checked = 0;
    let mut wrong = Vec::new();
    // Entries with an explicit `count` are enumerations whose name does not announce one.
    for e in data::builtin()
        .iter()
        .filter(|e| !e.items.is_empty() && e.count.is_none())
    {
        if let Some(n) = expected_item_count(&e.term) {
            checked += 1;
            if e.items.len() != n {
                wrong.push(format!("{}: {} items, expected {n}", e.term, e.items.len()));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:?}");
    assert!(checked >= 25, "only {checked} formulas checked");
    assert_eq!(entry("六个精准").items.len(), 6);
}

/// Whether a name announces its own count the way a numbered formula does: N个X / N大X / N项X
/// at the start (六个精准, 五大振兴, 七项专项行动), or numeral-led segments throughout
/// (两不愁三保障, 三会一课, 四议两公开), not counting a run of 一 alone (一村一品 is a slogan).
fn announces_count(term: &str) -> bool {
    let chars: Vec<char> = term.chars().collect();
    let is_numeral = |c: char| "一二两三四五六七八九十".contains(c);
    if chars.len() >= 2 && is_numeral(chars[0]) {
        let after = chars
            .iter()
            .position(|&c| !is_numeral(c))
            .unwrap_or(chars.len());
        if chars
            .get(after)
            .is_some_and(|&c| "个大项条种级".contains(c))
        {
            return true;
        }
    }
    // Segments: a numeral followed by one to three non-numerals, covering the whole name. A 一
    // before the last segment makes a slogan (一国两制), unless the numerals count 一二三….
    let mut segments = 0;
    let mut numerals = Vec::new();
    let mut all_one = true;
    let mut i = 0;
    while i < chars.len() {
        if !is_numeral(chars[i]) {
            return false;
        }
        all_one &= chars[i] == '一';
        numerals.push(chars[i]);
        i += 1;
        let start = i;
        while i < chars.len() && !is_numeral(chars[i]) {
            i += 1;
        }
        if i == start || i - start > 3 {
            return false;
        }
        segments += 1;
    }
    let ordinal = numerals
        .iter()
        .copied()
        .eq("一二三四五六七八九".chars().take(segments));
    let one_inside = numerals[..numerals.len().saturating_sub(1)].contains(&'一');
    // A last segment 一 + two or more chars is a set phrase, not a counted item (两岸一家亲,
    // against 三会一课 and 两学一做).
    let last_len = chars.len() - 1 - chars.iter().rposition(|&c| is_numeral(c)).unwrap_or(0);
    let phrase_tail = numerals.last() == Some(&'一') && last_len >= 2;
    segments >= 2 && !all_one && (ordinal || (!one_inside && !phrase_tail))
}

#[test]
fn builtin_entries_follow_the_data_rules() {
    assert!(announces_count("六个精准"));
    assert!(announces_count("五大振兴"));
    assert!(announces_count("两不愁三保障"));
    assert!(announces_count("三会一课"));
    assert!(!announces_count("一村一品"));
    assert!(!announces_count("一国两制"));
    assert!(!announces_count("两岸一家亲"));
    assert!(announces_count("两学一做"));
    assert!(announces_count("一核二看三比四评五公示"));
    assert!(!announces_count("第一书记"));
    assert!(!announces_count("党的十八大"));

    let entries = data::builtin();
    let mut wrong = Vec::new();
    for e in entries {
        if e.origin.is_none() && !e.local {
            wrong.push(format!("{}: neither origin nor local", e.term));
        }
        if e.origin.is_some() && e.local {
            wrong.push(format!("{}: both origin and local", e.term));
        }
        if !CATEGORIES.contains(&e.category.as_str()) {
            wrong.push(format!("{}: category {}", e.term, e.category));
        }
        let announced = announces_count(&e.term);
        match (e.count, announced) {
            (Some(n), _) if n != e.items.len() => {
                wrong.push(format!("{}: count {n}, {} items", e.term, e.items.len()))
            }
            (Some(_), true) => wrong.push(format!("{}: count on a numbered name", e.term)),
            (None, true) => {
                let n = expected_item_count(&e.term).unwrap_or(0);
                if e.items.len() != n {
                    wrong.push(format!(
                        "{}: {} items, its name says {n}",
                        e.term,
                        e.items.len()
                    ));
                }
            }
            // Other names with numbers (1+3+3) may announce a count; else `count` is needed.
            (None, false)
                if !e.items.is_empty() && expected_item_count(&e.term) != Some(e.items.len()) =>
            {
                wrong.push(format!("{}: items without a count", e.term));
            }
            _ => {}
        }
        let mut seen = std::collections::HashSet::new();
        for item in &e.items {
            if !seen.insert(normalize_str(item)) {
                wrong.push(format!("{}: item {item} twice", e.term));
            }
        }
        // Masked names and placeholders are scrape residue, never data.
        let text = format!(
            "{} {} {:?}",
            e.definition,
            e.origin.clone().unwrap_or_default(),
            e.items
        );
        if text.contains("**") || text.contains("XX") || text.contains('×') {
            wrong.push(format!("{}: masked text", e.term));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn hover_shows_a_term_of_each_category() {
    let cases = [
        ("要稳定实现两不愁三保障", 6, "两不愁三保障", "政策"),
        ("做好建档立卡工作", 3, "建档立卡", "机制"),
        (
            "小康不小康，关键看老乡。",
            0,
            "小康不小康，关键看老乡",
            "口号",
        ),
        ("配合村两委落实帮扶措施", 3, "村两委", "机构"),
        ("党的十八届五中全会明确提出", 5, "十八届五中全会", "文件"),
        ("贫困发生率降至2%以下", 1, "贫困发生率", "数据"),
    ];
    for (line, offset, term, category) in cases {
        let info = hover(line, offset).unwrap_or_else(|| panic!("no hover in {line}"));
        assert_eq!(title(&info), heading(term, category), "{line}");
        let e = entry(term);
        assert_eq!(e.category, category);
        assert!(info
            .markdown
            .contains(&crate::text::escape_markdown(&e.definition)));
    }
}

#[test]
fn cursor_on_first_middle_and_last_character_finds_the_whole_term() {
    let line = "要稳定实现两不愁三保障目标";
    for offset in [5, 8, 10] {
        let info = hover(line, offset).unwrap();
        assert_eq!(info.range, 5..11, "offset {offset}");
        assert_eq!(title(&info), heading("两不愁三保障", "政策"));
    }
    for offset in [4, 11] {
        let outside = hover(line, offset);
        assert!(
            outside.is_none_or(|h| h.range != (5..11)),
            "offset {offset}"
        );
    }
}

#[test]
fn terms_jieba_cuts_apart_are_found_whole() {
    let line = "加强返贫监测工作";
    let words = crate::segment::words(line);
    assert!(
        !words.iter().any(|(r, _)| *r == (2..6)),
        "jieba keeps 返贫监测 whole now; pick another example: {words:?}"
    );
    for offset in [2, 3, 5] {
        let info = hover(line, offset).unwrap();
        assert_eq!(info.range, 2..6);
        assert_eq!(title(&info), heading("防止返贫动态监测和帮扶机制", "机制"));
    }
    // jieba: 建档立卡 / 户. The longer term wins, whichever character the cursor is on.
    for offset in [0, 4] {
        let info = hover("建档立卡户", offset).unwrap();
        assert_eq!(info.range, 0..5);
        assert_eq!(title(&info), heading("建档立卡贫困户", "政策"));
    }
}

#[test]
fn variant_spellings_match_across_punctuation_of_either_width() {
    for line in [
        "稳定实现两不愁、三保障",
        "稳定实现两不愁,三保障",
        "稳定实现两不愁，三保障",
    ] {
        for offset in [4, 7, 11 - 1] {
            let info = hover(line, offset).unwrap_or_else(|| panic!("{line} @ {offset}"));
            assert_eq!(info.range, 4..11, "{line} @ {offset}");
            assert_eq!(title(&info), heading("两不愁三保障", "政策"));
        }
    }
    let info = hover("选派第一书记", 3).unwrap();
    assert_eq!(info.range, 2..6);
    assert_eq!(title(&info), heading("驻村第一书记", "机构"));
    // The formula written out clause by clause points at the formula.
    let info = hover("做到摘帽不摘政策", 3).unwrap();
    assert_eq!(info.range, 2..8);
    assert_eq!(title(&info), heading("四个不摘", "政策"));
}

#[test]
fn a_term_from_the_user_glossary_is_recognised_and_bad_entries_reported() {
    assert!(!data::builtin().iter().any(|e| e.term == "五个振兴"));
    let info = hover("推动五个振兴协调发展", 3).unwrap();
    assert_eq!(info.range, 2..6);
    assert_eq!(title(&info), heading("五个振兴", "政策"));
    assert!(info.markdown.contains("用户词表中的测试词条"));
    assert!(info.markdown.contains("1. 产业振兴"));
    assert!(info.markdown.contains("来源：用户词表"));
    assert_eq!(
        entry("五个振兴").source,
        Source::User(shared().user_file.clone())
    );
    let problems = &shared().problems;
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].path, shared().user_file);
    assert!(
        problems[0].message.contains("第 2 个词条"),
        "{}",
        problems[0].message
    );
    assert!(problems[0].message.contains("类别「其他」无效"));
    assert!(!glossary().entries().iter().any(|e| e.term == "坏词条"));
}

#[test]
fn unreadable_or_invalid_user_files_are_reported_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.toml");
    let files = [
        ("broken.toml", "[[term]]\nterm = \"未闭合\n"),
        (
            "unknown.toml",
            "[[term]]\nterm = \"甲\"\ncategory = \"政策\"\ndefintion = \"拼错的字段\"\n",
        ),
        (
            "override.toml",
            "[[term]]\nterm = \"三包\"\ncategory = \"机制\"\ndefinition = \"用户改写的三包释义。\"\n",
        ),
    ];
    let mut paths = vec![missing];
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        paths.push(path);
    }
    let (entries, problems) = collect_entries(&paths);
    let reported: Vec<&PathBuf> = problems.iter().map(|p| &p.path).collect();
    // Every file but the valid override is reported, in the order given.
    assert_eq!(reported, [&paths[0], &paths[1], &paths[2]], "{problems:?}");
    assert_eq!(problems[0].message, "路径不存在");
    let toml_error = "词表不是有效的 TOML（第 2 行）";
    assert!(problems[1].message.starts_with(toml_error), "{problems:?}");
    assert!(problems[2].message.contains("defintion"), "{problems:?}");
    // The writer's 三包 replaces ours in place; nothing else changes.
    assert_eq!(entries.len(), data::builtin().len());
    let sanbao: Vec<&Entry> = entries.iter().filter(|e| e.term == "三包").collect();
    assert_eq!(sanbao.len(), 1);
    assert_eq!(sanbao[0].definition, "用户改写的三包释义。");
}

#[test]
fn positions_past_the_end_give_no_hover() {
    assert_eq!(hover("两不愁三保障", 6), None);
    assert_eq!(hover("两不愁三保障", 1000), None);
    assert_eq!(hover("", 0), None);
    assert!(hover("两不愁三保障", 5).is_some());
}

#[test]
fn characters_outside_the_bmp_before_the_term_keep_offsets_in_chars() {
    let info = hover("𠀀两不愁三保障", 1).unwrap();
    assert_eq!(info.range, 1..7);
    assert_eq!(hover("𠀀两不愁三保障", 6).unwrap().range, 1..7);
    assert!(hover("𠀀两不愁三保障", 0).is_none_or(|h| h.range != (1..7)));
    let info = hover("😀𠀀实现两不愁、三保障", 4).unwrap();
    assert_eq!(info.range, 4..11);
    assert_eq!(
        glossary().find_terms("😀𠀀两不愁三保障"),
        vec![(
            2..8,
            glossary()
                .entries()
                .iter()
                .position(|e| e.term == "两不愁三保障")
                .unwrap()
        )]
    );
}

#[test]
fn corpus_definition_of_jingzhun_fupin_is_shown_with_its_source() {
    let e = entry("精准扶贫");
    let first = &e.corpus_definitions[0];
    assert_eq!(first.kind, DefinitionKind::Means);
    assert!(
        first.text.starts_with("精准扶贫是指针对不同贫困区域环境"),
        "{}",
        first.text
    );
    assert_eq!(first.title, "2017年脱贫攻坚心得体会");
    let info = hover("精准扶贫", 2).unwrap();
    let (_, mined) = info.markdown.split_once("**语料中的定义**").unwrap();
    let line = mined
        .lines()
        .find(|l| l.contains("是指针对不同贫困区域环境"))
        .unwrap_or_else(|| panic!("{}", info.markdown));
    assert!(line.starts_with("- **精准扶贫**是指"), "{line}");
    assert!(line.ends_with("——《2017年脱贫攻坚心得体会》"), "{line}");
}

#[test]
fn numbered_terms_defined_in_the_corpus_are_mined_with_their_items() {
    for term in ["三包", "四扶", "五保障"] {
        let e = entry(term);
        let d = e
            .corpus_definitions
            .iter()
            .find(|d| d.kind == DefinitionKind::Namely)
            .unwrap_or_else(|| panic!("{term}: {:?}", e.corpus_definitions));
        assert_eq!(d.items, e.items, "{term}");
        assert_eq!(d.title, "学习脱贫攻坚心得体会·范文一");
        assert!(d.text.starts_with(&format!("{term}即")));
    }
    let six = entry("六个精准");
    let spelled = six
        .corpus_definitions
        .iter()
        .find(|d| d.kind == DefinitionKind::SpelledOut)
        .unwrap();
    assert_eq!(spelled.items, six.items);
    assert_eq!(spelled.title, "脱贫心得体会");
    let listed = entry("新发展理念").corpus_definitions[0].clone();
    assert_eq!(listed.kind, DefinitionKind::Listed);
    assert_eq!(listed.items, ["创新", "协调", "绿色", "开放", "共享"]);
    // 三包、四扶、五保障……一是…二是…三是… lists all three, not the items of 三包.
    assert!(!entry("三包")
        .corpus_definitions
        .iter()
        .any(|d| d.kind == DefinitionKind::Enumerated));
}

#[test]
fn enumerated_points_after_a_numbered_term_are_mined() {
    let mut corpus = Corpus::default();
    corpus.push(
        "测试".to_owned(),
        "我们抓好三个一批。一是大病集中救治,二是慢病签约服务,三是重病兜底保障。".to_owned(),
        crate::corpus::Origin::File(PathBuf::from("t.txt")),
    );
    let (entries, _) = collect_entries(&[]);
    let g = Glossary::build(&crate::mining::Segmented::of(&corpus), entries);
    let e = g.entries().iter().find(|e| e.term == "三个一批").unwrap();
    let d = &e
        .corpus_definitions
        .first()
        .unwrap_or_else(|| panic!("{e:?}"));
    assert_eq!(d.kind, DefinitionKind::Enumerated);
    assert_eq!(d.items, ["大病集中救治", "慢病签约服务", "重病兜底保障"]);
    assert_eq!(
        d.text,
        "三个一批：一是大病集中救治；二是慢病签约服务；三是重病兜底保障。"
    );
    assert_eq!(e.essay_count, 1);
}

#[test]
fn usage_counts_match_a_plain_search_of_the_corpus() {
    let corpus = Corpus::builtin();
    let essays: Vec<String> = corpus
        .essays
        .iter()
        .map(|e| normalize_str(&e.text))
        .collect();
    for term in [
        "脱贫攻坚",
        "形式主义",
        "建档立卡",
        "精准扶贫",
        "驻村工作队",
        "村两委",
        "三会一课",
    ] {
        let e = entry(term);
        let forms: Vec<String> = std::iter::once(&e.term)
            .chain(&e.variants)
            .map(|f| normalize_str(f))
            .collect();
        let expected = essays
            .iter()
            .filter(|text| forms.iter().any(|f| text.contains(f.as_str())))
            .count();
        assert!(expected > 0, "{term}");
        assert_eq!(e.essay_count, expected, "{term}");
        let info = hover(term, 0).unwrap();
        assert!(info
            .markdown
            .contains(&format!("见于 {expected} 篇语料文章")));
        assert!(!e.examples.is_empty() && e.examples.len() <= 3);
        for example in &e.examples {
            let shown: String = example
                .text
                .chars()
                .skip(example.term.start)
                .take(example.term.len())
                .collect();
            assert!(forms.contains(&normalize_str(&shown)), "{term}: {shown}");
            assert!(info.markdown.contains(&format!("——《{}》", example.title)));
        }
    }
    // 脱贫攻坚 is in every essay: three examples from three different essays.
    let examples = &entry("脱贫攻坚").examples;
    assert_eq!(examples.len(), 3);
    assert!(examples[0].essay != examples[1].essay && examples[1].essay != examples[2].essay);
}

/// `**` pairs not escaped with a backslash.
fn strong_markers(markdown: &str) -> usize {
    let chars: Vec<char> = markdown.chars().collect();
    let mut count = 0;
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '*' if chars.get(i + 1) == Some(&'*') => {
                count += 1;
                i += 2;
            }
            _ => i += 1,
        }
    }
    count
}

#[test]
fn hover_markdown_escapes_masked_names_and_balances_bold() {
    // The corpus writes 习** where a name was masked; such snippets are never shown.
    let md = &hover("六个精准", 0).unwrap().markdown;
    assert!(md.contains("**语料用法**"), "{md}");
    for md in glossary().entries.iter().map(render::entry) {
        assert!(!md.contains("\\*\\*") && !md.contains("习XX"), "{md}");
    }
    assert!(usage::masked("习**同志指出") && usage::masked("习XX总书记") && usage::masked("×××"));
    assert!(!usage::masked("两不愁三保障") && !usage::masked("X光"));
    // A county's own “六个精准” (对象、目标 …) is not shown as its definition (it may still
    // be shown as usage).
    let (definitions, _) = md.split_once("**语料用法**").unwrap();
    assert!(!definitions.contains("对象、目标、内容"), "{md}");
    assert!(entry("六个精准")
        .corpus_definitions
        .iter()
        .all(|d| d.items.is_empty() || d.items == entry("六个精准").items));
    for (i, md) in glossary().entries.iter().map(render::entry).enumerate() {
        assert_eq!(
            strong_markers(&md) % 2,
            0,
            "{}:\n{md}",
            glossary().entries[i].term
        );
    }
    assert_eq!(strong_markers("**a** \\*\\* **b**"), 4);
}

#[test]
fn find_terms_returns_leftmost_longest_non_overlapping_terms() {
    let g = glossary();
    let index = |term: &str| g.entries().iter().position(|e| e.term == term).unwrap();
    let text = "坚持精准扶贫精准脱贫基本方略，稳定实现两不愁、三保障。";
    assert_eq!(
        g.find_terms(text),
        vec![
            (2..14, index("精准扶贫精准脱贫基本方略")),
            (19..26, index("两不愁三保障")),
        ]
    );
    // Never across a line or sentence break.
    assert!(g.find_terms("两不愁\n三保障").is_empty());
    assert!(g.find_terms("两不愁。三保障").is_empty());
    // "+" must be there: 1+3+3 is not any 133.
    assert_eq!(
        g.find_terms("构建1+3+3发展体系"),
        vec![(2..11, index("1+3+3"))]
    );
    assert_eq!(
        g.find_terms("构建1＋3＋3体系"),
        vec![(2..7, index("1+3+3"))]
    );
    assert!(g.find_terms("拨打133号").is_empty());
    assert!(g.find_terms("1+33").is_empty());
}

#[test]
fn a_term_ending_in_plus_needs_it_and_covers_it() {
    // 人工智能+ is the campaign: its "+" is highlighted with it, hover works on it too.
    for offset in 0..5 {
        let info = hover("人工智能+", offset).expect("a hover on every char");
        assert_eq!(info.range, 0..5, "offset {offset}");
        assert!(
            info.markdown.starts_with("**人工智能+**"),
            "{}",
            info.markdown
        );
    }
    assert_eq!(hover("开展“人工智能＋”行动", 4).unwrap().range, 2..11);
    assert_eq!(hover("开展“人工智能＋”", 4).unwrap().range, 2..9);
    // Artificial intelligence alone is not the campaign.
    assert!(hover("研究人工智能技术", 3).is_none_or(|h| !h.markdown.starts_with("**人工智能+**")));
}

#[test]
fn ordinary_corpus_words_show_usage_only_when_frequent_and_meaningful() {
    let info = hover("改善基础设施条件", 3).unwrap();
    assert_eq!(info.range, 2..6);
    assert!(
        info.markdown.starts_with("**基础设施** · 语料常用词"),
        "{}",
        info.markdown
    );
    assert!(info.markdown.contains("篇语料文章"));
    assert!(info.markdown.contains("- "));
    assert!(info.markdown.contains("**基础设施**"));
    // Unknown to the corpus, a function word, punctuation: nothing.
    assert_eq!(hover("研究量子计算机", 3), None);
    assert_eq!(hover("我们要努力", 0), None);
    assert_eq!(hover("好，的", 1), None);
}

#[test]
fn hover_is_fast() {
    let g = glossary();
    let seed = crate::builtin::text("seed/000_fbe086485b6b6179.txt");
    let longest = seed.lines().max_by_key(|l| l.chars().count()).unwrap();
    // A whole paragraph pasted as one line, ten times the longest line of the seed.
    let pasted = longest.repeat(10);
    for line in [longest, pasted.as_str()] {
        let len = line.chars().count();
        let offsets: Vec<usize> = (0..len).step_by(7).collect();
        let mut answered = 0;
        let mut slowest = std::time::Duration::ZERO;
        let start = Instant::now();
        for &offset in &offsets {
            let one = Instant::now();
            answered += usize::from(g.hover(line, offset).is_some());
            slowest = slowest.max(one.elapsed());
        }
        let per_hover = start.elapsed() / offsets.len() as u32;
        assert!(
            answered > offsets.len() / 4,
            "{answered} of {}",
            offsets.len()
        );
        let limit = if cfg!(debug_assertions) { 50 } else { 2 };
        assert!(
            per_hover.as_millis() < limit,
            "{per_hover:?} per hover on a {len}-char line"
        );
        eprintln!("hover on a {len}-char line: {per_hover:?} on average, {slowest:?} at most");
    }
}

#[test]
fn hover_on_a_long_line_reads_a_window_and_agrees_with_the_whole_line() {
    let g = glossary();
    let seed = crate::builtin::text("seed/000_fbe086485b6b6179.txt");
    let paragraph: String = seed.lines().take(40).collect::<Vec<_>>().join("");
    let mut line = String::new();
    while line.len() < 5_200_000 {
        line.push_str(&paragraph);
        line.push_str("增强“四个意识”、坚定“四个自信”、做到“两个维护”，学史明理、学史增信、学史崇德、学史力行。");
    }
    let chars: Vec<char> = line.chars().collect();
    assert!(chars.len() >= 1_700_000, "{} chars", chars.len());
    let len = chars.len();
    // Both ends, the middle, and points spread over the line, some inside formulas.
    // Both ends, points spread over the line, and 学史增信 near the start, middle and end (an
    // item hover whose chain starts well before the cursor). Each whole-line hover normalises
    // 1.7M chars, so the points are few.
    let mut offsets = vec![0, len / 2, len - 1, len, len + 5];
    offsets.extend((1..4).map(|k| k * len / 4 + k * 37));
    let item: Vec<char> = "学史增信".chars().collect();
    let starts: Vec<usize> = (0..len - item.len())
        .filter(|&i| chars[i..i + item.len()] == item[..])
        .collect();
    for k in [0, starts.len() / 2, starts.len() - 1] {
        offsets.push(starts[k] + 2);
    }
    let mut answered = 0;
    let mut windowed_time = std::time::Duration::ZERO;
    let count = offsets.len() as u32;
    for offset in offsets {
        let start = Instant::now();
        let windowed = g.hover(&line, offset);
        windowed_time += start.elapsed();
        let whole = g.hover_in(&chars, offset);
        assert_eq!(windowed, whole, "at {offset}");
        answered += usize::from(windowed.is_some());
    }
    assert!(answered >= 4, "{answered}");
    // Informational only (timing depends on the machine): the windowed hover's cost.
    eprintln!(
        "hover on a {len}-char line: {:?} on average",
        windowed_time / count
    );
}

#[test]
fn a_term_written_with_quotes_is_found_on_its_quotes_too() {
    // The closing quote inside 新时代“枫桥经验” belongs to the term.
    let info = hover("推广新时代“枫桥经验”。", 10).unwrap();
    assert_eq!(info.range, 2..11);
    assert_eq!(title(&info), heading("新时代“枫桥经验”", "机制"));
    // Quotes that enclose a term exactly are part of its range.
    let info = hover("胸怀“国之大者”", 2).unwrap();
    assert_eq!(info.range, 0..8);
    let info = hover("坚决拥护“两个确立”。", 4).unwrap();
    assert_eq!(info.range, 4..10);
    assert_eq!(title(&info), heading("两个确立", "政策"));
}

#[test]
fn a_sub_word_of_a_longer_term_or_formula_gets_the_longer_one() {
    // 三保障 inside 两不愁三保障.
    let info = hover("稳定实现两不愁三保障", 8).unwrap();
    assert_eq!(info.range, 4..10);
    assert_eq!(title(&info), heading("两不愁三保障", "政策"));
    // 学史增信 written out in the chain, and on its own: the campaign it is an item of.
    let chain = "学史明理、学史增信、学史崇德、学史力行";
    let info = hover(chain, 7).unwrap();
    assert_eq!(title(&info), heading("党史学习教育", "机制"));
    assert_eq!(info.range, 0..19);
    let info = hover("我们要学史增信", 5).unwrap();
    assert_eq!(title(&info), heading("党史学习教育", "机制"));
    assert_eq!(info.range, 3..7);
    // An item of a formula whose items share nothing is often an everyday phrase: 牢记使命
    // (塞罕坝精神) and 抓落实 (2019 主题教育) do not stand for those formulas.
    assert!(hover("牢记使命", 1).is_none_or(|h| !h.markdown.contains("塞罕坝")));
    assert!(hover("狠抓落实", 2).is_none_or(|h| !h.markdown.contains("主题教育")));
    // 大局意识 shares 意识 with its siblings: it stands for 四个意识.
    assert_eq!(
        title(&hover("增强大局意识", 3).unwrap()),
        heading("四个意识", "政策")
    );
    // A two-character item is too common to stand for its formula.
    assert!(hover("坚持创新", 2).is_none_or(|h| !h.markdown.contains("新发展理念")));
    // An official formula with no entry of its own: the formula, not a usage note.
    let line = "中国共产党领导是中国特色社会主义最本质的特征。";
    let at = line.chars().position(|c| c == '本').unwrap();
    let info = hover(line, at).unwrap();
    assert!(info.markdown.contains("规范提法"), "{}", info.markdown);
    assert!(!info.markdown.contains("语料常用词"));
    assert_eq!(info.range, 0..22);
}

#[test]
fn byte_of_char_agrees_with_char_indices() {
    let text = "a𠀀两不愁、三保障😀xyz乡村振兴ab";
    let expected: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    for (n, &byte) in expected.iter().enumerate() {
        assert_eq!(byte_of_char(text, n), Some(byte), "char {n}");
    }
    assert_eq!(byte_of_char(text, expected.len()), None);
    assert_eq!(byte_of_char("", 0), Some(0));
    assert_eq!(byte_of_char("", 1), None);
    // Long enough for the eight-byte steps, with boundaries at every alignment.
    let long: String = "两a𠀀bc".repeat(40);
    for (n, (byte, _)) in long.char_indices().enumerate() {
        assert_eq!(byte_of_char(&long, n), Some(byte));
    }
}
