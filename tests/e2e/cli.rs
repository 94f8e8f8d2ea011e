//! `essay-lsp check` from the command line.

use std::process::Command;

use crate::client::{binary, repo, run_check};

/// Writes each (relative name, text) pair below `dir`, making parent folders as needed.
fn write_files(dir: &std::path::Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// A fresh temporary folder holding the given (relative name, text) files.
fn folder_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_files(dir.path(), files);
    dir
}

fn check(args: &[&str]) -> (i32, String, String) {
    run_check(args, repo())
}

#[test]
fn example_draft_placeholders_with_line_and_column() {
    let (code, stdout, _) = check(&["examples/draft.md"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("examples/draft.md:3:1: warning[placeholder]"),
        "{stdout}"
    );
    assert!(stdout.contains("examples/draft.md:3:"), "{stdout}");
    assert!(
        stdout
            .lines()
            .last()
            .unwrap()
            .starts_with("examples/draft.md: 复制比 "),
        "{stdout}"
    );
}

#[test]
fn clean_draft_exits_zero() {
    let (code, stdout, _) = check(&["examples/clean.md"]);
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
}

#[test]
fn json_output_has_ranges_and_similarity() {
    let (code, stdout, _) = check(&["--format", "json", "examples/draft.md"]);
    assert_eq!(code, 1);
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let file = &value["files"][0];
    let first = &file["findings"][0];
    assert_eq!(first["code"], "placeholder");
    assert_eq!(first["line"], 3);
    assert_eq!(first["column"], 1);
    assert!(
        first.get("range").is_none(),
        "renamed: columns are code points"
    );
    assert_eq!(first["endLine"], 3);
    let offsets = first["codePointOffsets"].as_array().unwrap();
    assert!(offsets[0].as_u64() < offsets[1].as_u64());
    assert_eq!(file["lines"], "lines");
    assert!(file["similarity"]["copyRatio"].as_f64().unwrap() > 0.0);
    // A built-in source is named by its title and its lines, as a writer names it.
    let source = &file["similarity"]["sources"][0];
    assert_eq!(source["title"], "脱贫工作心得体会·篇二");
    assert_eq!(source["origin"], "内置语料第 9–16 行");
}

#[test]
fn reference_documents_are_cited_and_the_json_splits_the_ratios() {
    // tests/eval/copy/drafts/d02.txt cites r03 (quoted and unquoted), misquotes it once and
    // copies p02.
    let (code, stdout, _) = check(&[
        "--no-project",
        "--format",
        "json",
        "--reference",
        "tests/eval/copy/references",
        "--corpus",
        "tests/eval/copy/peers",
        "tests/eval/copy/drafts/d02.txt",
    ]);
    assert_eq!(code, 1, "{stdout}");
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let file = &value["files"][0];
    let codes: Vec<&str> = file["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    for code in ["from-reference", "misquoted", "copied-from-corpus"] {
        assert!(codes.contains(&code), "{code} missing: {codes:?}");
    }
    let sim = &file["similarity"];
    assert!(sim["copyRatio"].as_f64().unwrap() > 0.0);
    assert!(sim["quoteRatio"].as_f64().unwrap() > 0.0);
    assert!(sim["referenceChars"].as_u64().unwrap() > 0);
    assert_eq!(sim["citedSources"][0]["reference"], true);
    assert!(!sim["formulasNotCounted"].as_array().unwrap().is_empty());
    assert!(file["cappedFindings"].is_null());
    assert!(sim["summary"].as_str().unwrap().contains("引用比"), "{sim}");
}

#[test]
fn project_file_references_are_resolved_next_to_it() {
    let reference = "各乡镇要坚持早发现、早干预、早帮扶，对易返贫致贫人口做到应纳尽纳、应帮尽帮。";
    let project = "[corpus]\nreferences = [\"refs\"]\nincludeBuiltin = false\n";
    let essay = "我们坚持早发现、早干预、早帮扶，对易返贫致贫人口做到应纳尽纳、应帮尽帮。\n";
    let dir = folder_with(&[
        ("refs/意见.txt", reference),
        ("essay-lsp.toml", project),
        ("draft.md", essay),
    ]);
    let draft = dir.path().join("draft.md");
    let (code, stdout, _) = check(&[draft.to_str().unwrap()]);
    assert_eq!(code, 0, "a citation is information: {stdout}");
    assert!(
        stdout.contains("information[from-reference] 与文献《意见》引用"),
        "{stdout}"
    );
    assert!(
        stdout.contains("复制比 0.0%") && stdout.contains("引用比"),
        "{stdout}"
    );
}

#[test]
fn gbk_file_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gbk.txt");
    let (bytes, _, _) = encoding_rs::GB18030.encode("第一行\r\n20xx年我到XX县挂职。\r\n");
    std::fs::write(&path, &*bytes).unwrap();
    let (code, stdout, _) = check(&[path.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(stdout.contains(":2:1: warning[placeholder]"), "{stdout}");
}

#[test]
fn usage_and_io_errors_exit_two() {
    let (code, _, stderr) = check(&[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("用法"), "{stderr}");
    let (code, _, stderr) = check(&["no/such/file.md"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("路径不存在"), "{stderr}");
    let (code, _, _) = check(&["--format", "xml", "examples/draft.md"]);
    assert_eq!(code, 2);
}

#[test]
fn a_bad_corpus_file_is_reported_and_the_rest_loads() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.txt"), b"\0\0\xff binary").unwrap();
    let mine = "我们村的香菇大棚去年带动四十二户脱贫户就近务工，户均增收六千元。";
    let essay = "回顾一年工作，我们村的香菇大棚去年带动四十二户脱贫户就近务工，户均增收六千元。";
    write_files(dir.path(), &[("mine.txt", mine), ("draft.md", essay)]);
    let draft = dir.path().join("draft.md");
    let (code, stdout, stderr) = check(&[
        "--corpus",
        dir.path().to_str().unwrap(),
        draft.to_str().unwrap(),
    ]);
    assert!(stderr.contains("bad.txt"), "{stderr}");
    assert_eq!(stderr.matches("bad.txt").count(), 1, "{stderr}");
    assert_eq!(stderr.matches("已跳过").count(), 1, "{stderr}");
    assert_eq!(code, 1);
    assert!(stdout.contains("copied-from-corpus"), "{stdout}");
    assert!(stdout.contains("《mine》"), "{stdout}");
}

#[test]
fn help_and_version() {
    let out = Command::new(binary()).arg("--version").output().unwrap();
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .starts_with("essay-lsp "));
    let out = Command::new(binary()).arg("--help").output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("essay-lsp check"));
}

fn run(args: &[&str], stdin: &[u8]) -> (i32, String, String) {
    use std::io::Write;
    let mut child = Command::new(binary())
        .args(args)
        .current_dir(repo())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run essay-lsp");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn check_help_prints_the_check_usage_and_exits_zero() {
    for flag in ["--help", "-h"] {
        let (code, stdout, stderr) = check(&[flag]);
        assert_eq!(code, 0, "{stderr}");
        assert!(stdout.contains("check 选项"), "{stdout}");
        assert!(stdout.contains("--cross"), "{stdout}");
    }
    // Even after other arguments.
    let (code, stdout, _) = check(&["examples/draft.md", "-h"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("用法"));
}

#[test]
fn unknown_arguments_are_errors_wherever_they_are() {
    // The server must not start: it would wait for a client on stdin for ever.
    let (code, stdout, stderr) = run(&["--stdio", "--bogus"], b"");
    assert_eq!(code, 2, "{stderr}");
    assert!(stdout.is_empty());
    assert!(stderr.contains("未知的参数 “--bogus”"), "{stderr}");
    let (code, _, stderr) = check(&["examples/draft.md", "--bogus"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("未知的选项：--bogus"), "{stderr}");
}

#[test]
fn every_usage_error_is_in_chinese() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["--min-length", "abc", "examples/draft.md"],
            "--min-length 需要一个整数，而不是“abc”",
        ),
        (
            &["--min-length", "3", "examples/draft.md"],
            "--min-length 应在 6 到 200 之间",
        ),
        (
            &["examples/draft.md", "--min-length"],
            "--min-length 后面缺少取值",
        ),
        (&["--stats=yes", "examples/draft.md"], "--stats 不接受取值"),
        (&["--format", "html", "examples/draft.md"], "--output"),
        (
            &["--cross", "--stats", "examples/draft.md"],
            "--stats 用于逐篇检查",
        ),
    ];
    for (args, expected) in cases {
        let (code, stdout, stderr) = check(args);
        assert_eq!(code, 2, "{args:?}");
        assert!(stdout.is_empty());
        let first = stderr.lines().next().unwrap();
        assert!(first.contains(expected), "{args:?}: {first}");
        assert!(
            !first.chars().any(|c| c.is_ascii_lowercase())
                || first.contains("--")
                || first.contains("html"),
            "{first}"
        );
        assert!(!stderr.contains("invalid"), "{stderr}");
        // The error stays in view: a pointer to the usage follows it, not all of it.
        assert_eq!(
            stderr.lines().nth(1),
            Some("运行 “essay-lsp check --help” 查看用法。"),
            "{stderr}"
        );
        assert_eq!(stderr.lines().count(), 2, "{stderr}");
    }
}

#[test]
fn a_missing_corpus_on_the_command_line_is_a_usage_error() {
    let (code, stdout, stderr) = check(&["--corpus", "no/such/folder", "examples/clean.md"]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains("语料路径不存在：no/such/folder"),
        "{stderr}"
    );
    // In a project file it stays a warning: the check runs.
    let dir = folder_with(&[("essay-lsp.toml", "[corpus]\npaths = [\"later\"]\n")]);
    std::fs::copy(
        repo().join("examples/clean.md"),
        dir.path().join("clean.md"),
    )
    .unwrap();
    let (code, stdout, stderr) = check(&[dir.path().join("clean.md").to_str().unwrap()]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stderr.contains("later"), "{stderr}");
    assert_eq!(stderr.matches("已跳过").count(), 1, "{stderr}");
}

#[test]
fn folders_are_checked_file_by_file_in_order_and_dash_reads_stdin() {
    let dir = folder_with(&[
        ("sub/b.md", "我们要20xx年完成。\n"),
        ("a.txt", "第一段。\n"),
    ]);
    std::fs::write(dir.path().join("notes.png"), b"\x89PNG").unwrap();
    let (code, stdout, stderr) = check(&[dir.path().to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    let summaries: Vec<&str> = stdout.lines().filter(|l| l.contains("复制比")).collect();
    assert_eq!(summaries.len(), 2, "{stdout}");
    assert!(summaries[0].contains("a.txt"), "{stdout}");
    assert!(summaries[1].contains("sub/b.md"), "{stdout}");
    assert!(
        stdout.contains("b.md:1:4: warning[placeholder]"),
        "{stdout}"
    );

    let (gbk, _, _) = encoding_rs::GBK.encode("标准输入里的20xx年。");
    let (code, stdout, _) = run(&["check", "-"], &gbk);
    assert_eq!(code, 1);
    assert!(
        stdout.starts_with("-:1:7: warning[placeholder]"),
        "{stdout}"
    );
}

#[test]
fn stats_name_both_counts() {
    let (_, stdout, _) = check(&["--stats", "examples/draft.md"]);
    let words_line = stdout.lines().find(|l| l.contains("字数")).unwrap();
    let summary = stdout.lines().last().unwrap();
    assert!(summary.contains("复制比按"), "{summary}");
    let (_, stdout, _) = check(&["--stats", "--format", "json", "examples/draft.md"]);
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let file = &value["files"][0];
    let words = file["stats"]["count"]["total"].as_u64().unwrap();
    let chars = file["similarity"]["denominatorChars"].as_u64().unwrap();
    // 20xx is one word and four characters: the two counts differ, and each is named.
    assert_ne!(words, chars);
    assert!(
        words_line.contains(&format!("字数 {words}")),
        "{words_line}"
    );
    assert!(
        summary.contains(&format!("复制比按 {chars} 字计")),
        "{summary}"
    );
}

/// A minimal Word package with these paragraphs.
fn docx(paragraphs: &[&str]) -> Vec<u8> {
    use std::io::Write;
    let body: String = paragraphs
        .iter()
        .map(|p| format!("<w:p><w:r><w:t xml:space=\"preserve\">{p}</w:t></w:r></w:p>"))
        .collect();
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
    );
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file(
        "word/document.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    zip.write_all(xml.as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}

#[test]
fn word_documents_are_read_by_paragraph_and_old_formats_named_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let essay = dir.path().join("心得.docx");
    std::fs::write(&essay, docx(&["标题", "", "20xx年，我们村……"])).unwrap();
    let (code, stdout, stderr) = check(&[essay.to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stdout.contains("心得.docx:第 3 段第 1 字: warning[placeholder]"),
        "{stdout}"
    );
    let (_, stdout, _) = check(&["--format", "json", essay.to_str().unwrap()]);
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(value["files"][0]["lines"], "paragraphs");
    assert_eq!(value["files"][0]["findings"][0]["line"], 3);

    let old = dir.path().join("旧稿.doc");
    std::fs::write(&old, [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]).unwrap();
    let bomb = dir.path().join("坏.docx");
    std::fs::write(&bomb, b"PK\x03\x04 not really").unwrap();
    let (code, _, stderr) = check(&[old.to_str().unwrap(), bomb.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("旧稿.doc: 是旧版 Word 格式（.doc）"),
        "{stderr}"
    );
    assert!(stderr.contains("另存为 .docx"), "{stderr}");
    assert!(stderr.contains("坏.docx: 不是有效的 Word 文档"), "{stderr}");

    // In a corpus folder a Word file is an essay like any other.
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    let model = "我们村的香菇大棚去年带动四十二户脱贫户就近务工，户均增收六千元。";
    std::fs::write(corpus.join("范文.docx"), docx(&[model])).unwrap();
    let essay = "回顾一年，我们村的香菇大棚去年带动四十二户脱贫户就近务工，户均增收六千元。";
    write_files(dir.path(), &[("draft.md", essay)]);
    let draft = dir.path().join("draft.md");
    let (_, stdout, _) = check(&[
        "--corpus",
        corpus.to_str().unwrap(),
        draft.to_str().unwrap(),
    ]);
    assert!(stdout.contains("《范文》"), "{stdout}");
}

/// Three essays: 甲 and 乙 share a passage, 丙 shares nothing.
fn batch_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let shared = "我们要把学习成果转化为推动工作的强大动力，切实做到学思用贯通、知信行统一，在本职岗位上建功立业。";
    std::fs::write(
        dir.path().join("甲.md"),
        format!("学习会后我写下这些体会。{shared}\n这是甲自己的结尾，写的是本科室的具体安排。"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("乙.docx"),
        docx(&["乙的开头完全不同，谈的是支部的读书班。", shared]),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("丙.txt"),
        "丙写的是自己在社区网格员岗位上的经历，每一句都是亲身所见。",
    )
    .unwrap();
    dir
}

#[test]
fn cross_check_ranks_essays_and_pairs_worst_first() {
    let dir = batch_folder();
    let d = dir.path().to_str().unwrap();
    let (code, stdout, stderr) = check(&["--cross", "--no-builtin", d]);
    assert_eq!(code, 1, "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("复制比排名（3 篇"), "{stdout}");
    assert!(
        lines[3].contains("丙.txt") && lines[3].contains("复制比 0.0%"),
        "{stdout}"
    );
    assert!(stdout.contains("相互重复的文稿（1 对"), "{stdout}");
    let pair = lines.iter().find(|l| l.contains(" ↔ ")).unwrap();
    assert!(pair.contains("乙.docx") && pair.contains("甲.md"), "{pair}");

    let (_, stdout, _) = check(&["--cross", "--no-builtin", "--format", "json", d]);
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let essays = value["essays"].as_array().unwrap();
    assert_eq!(essays.len(), 3);
    assert_eq!(essays[2]["copiedChars"], 0);
    let worst = &essays[0];
    assert_eq!(worst["rank"], 1);
    let passage = &worst["passages"][0];
    assert_eq!(passage["source"]["kind"], "essay");
    assert_ne!(passage["source"]["path"], worst["path"], "never itself");
    assert!(passage["source"]["text"]
        .as_str()
        .unwrap()
        .contains("学思用贯通"));
    let pair = &value["pairs"][0];
    assert!(pair["sharedChars"].as_u64().unwrap() >= 40, "{pair}");

    // The same folder given as the corpus too: its essays are still paired as essays.
    let (_, stdout, _) = check(&["--cross", "--no-builtin", "--corpus", d, d]);
    assert!(stdout.contains("相互重复的文稿（1 对"), "{stdout}");

    // Without --cross, essays are not compared with each other.
    let (code, stdout, _) = check(&["--no-builtin", "--format", "json", d]);
    assert_eq!(code, 0, "{stdout}");
}

#[test]
fn html_report_is_one_self_contained_file_and_stdout_stays_empty() {
    let dir = batch_folder();
    let report = dir.path().join("out/report.html");
    std::fs::create_dir(dir.path().join("out")).unwrap();
    let (code, stdout, stderr) = check(&[
        "--cross",
        "--format",
        "html",
        "--output",
        report.to_str().unwrap(),
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("<script") && !html.contains("src=") && !html.contains("url("));
    assert_eq!(html.matches("class=\"essay-row\"").count(), 3);
    assert!(
        html.contains("href=\"#pair-0-b-0\""),
        "shared passages linked"
    );
}

/// The files of essay-lsp's cache folder under `cache_home` whose names start with `prefix`.
fn cache_files(cache_home: &std::path::Path, prefix: &str) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(cache_home.join("essay-lsp"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .collect()
}

#[test]
fn a_second_check_against_a_user_corpus_reads_the_tagged_clauses_from_the_cache() {
    // A user corpus whose essays share stock sentences, so that mining it tags clauses.
    const POOL: [&str; 4] = [
        "各项工作严重滞后，群众意见很大。",
        "要切实加强组织领导，认真落实各项措施。",
        "深入开展调查研究，扎实推进各项工作。",
        "进一步强化责任担当，不断提高服务水平。",
    ];
    let corpus = tempfile::tempdir().unwrap();
    for (i, essay) in essay_core::corpus::Corpus::builtin()
        .essays
        .iter()
        .enumerate()
    {
        let text = format!("{}\n{}\n{}\n", POOL[i % 4], essay.text, POOL[(i + 1) % 4]);
        std::fs::write(corpus.path().join(format!("{i}.txt")), text).unwrap();
    }
    let draft = folder_with(&[("draft.md", &POOL.concat())]);
    let cache = tempfile::tempdir().unwrap();
    let run = || {
        let out = Command::new(binary())
            .args(["check", "--no-builtin", "--format", "json", "--corpus"])
            .arg(corpus.path())
            .arg(draft.path().join("draft.md"))
            .env("XDG_CACHE_HOME", cache.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let cold = run();
    assert!(cold.contains("formulaic-phrase"), "{cold}");
    let lists = cache_files(cache.path(), "tagged-");
    assert_eq!(lists.len(), 1, "{lists:?}");
    let list = std::fs::read_to_string(&lists[0]).unwrap();
    assert!(list.starts_with("essay-lsp-tagged-clauses "), "{list}");
    // Clauses with their word runs: "clause<TAB>run run".
    assert!(
        list.lines().any(|l| l.contains("\t") && !l.ends_with('\t')),
        "{list}"
    );
    // From the cache: the same findings.
    assert_eq!(run(), cold);
    // A damaged list is a miss: the same findings all the same, and the list is written anew.
    std::fs::write(&lists[0], "damaged\n").unwrap();
    assert_eq!(run(), cold);
    assert_eq!(std::fs::read_to_string(&lists[0]).unwrap(), list);
    // So is the list of the corpus's recurring stretches, kept beside it.
    let recurring = cache_files(cache.path(), "recurring-");
    assert_eq!(recurring.len(), 1, "{recurring:?}");
    let stretches = std::fs::read_to_string(&recurring[0]).unwrap();
    assert!(
        stretches.starts_with("essay-lsp-recurring-stretches "),
        "{stretches}"
    );
    std::fs::write(&recurring[0], "damaged\n").unwrap();
    assert_eq!(run(), cold);
    assert_eq!(std::fs::read_to_string(&recurring[0]).unwrap(), stretches);
}

#[test]
fn the_tables_the_binary_carries_find_what_tables_made_now_find() {
    // A draft that every table-driven check has something to say about: an official list out of
    // order (formula-wording), a look-alike character (typo), stock phrases (formulaic-phrase)
    // and official wording inside a copied passage (wording, left out of the copy count).
    let copied = &essay_core::corpus::Corpus::builtin().essays[0].text;
    let copied: String = copied.chars().take(300).collect();
    let text = format!(
        "我们要贯彻创新、协调、绿色、共享、开放的新发展理念。\n\
         驻村第一书纪带领群众新建高标淮农田。\n\
         要切实加强组织领导，认真落实各项措施，不断提高工作水平。\n{copied}\n"
    );
    let draft = folder_with(&[("draft.md", &text)]);
    let cache = tempfile::tempdir().unwrap();
    let out = Command::new(binary())
        .args(["check", "--format", "json"])
        .arg(draft.path().join("draft.md"))
        .env("XDG_CACHE_HOME", cache.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut carried: Vec<(String, u64, u64, String)> = json["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let at = &f["codePointOffsets"];
            (
                f["code"].as_str().unwrap().to_owned(),
                at[0].as_u64().unwrap(),
                at[1].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for code in ["formula-wording", "typo", "formulaic-phrase"] {
        assert!(carried.iter().any(|f| f.0 == code), "{code}: {carried:?}");
    }
    assert!(
        carried.iter().any(|f| f.3.contains("规范表述")),
        "wording left out of a copy: {carried:?}"
    );

    // This process has no tables embedded: the library makes each from the built-in data now.
    let settings = essay_core::config::Settings::default();
    let options = essay_core::analysis::BuildOptions::default();
    let (analyzer, _) = essay_core::analysis::Analyzer::build_for(&settings, &options, &[&text]);
    let mut made: Vec<(String, u64, u64, String)> = analyzer
        .check(&text, &settings)
        .findings
        .into_iter()
        .map(|f| {
            let (start, end) = (f.range.start as u64, f.range.end as u64);
            (f.code.as_str().to_owned(), start, end, f.message)
        })
        .collect();
    carried.sort();
    made.sort();
    assert_eq!(carried, made);
    let folder = cache.path().join("essay-lsp");
    assert!(
        !folder.exists() || cache_files(cache.path(), "tables-").is_empty(),
        "no tables in the cache folder"
    );
}
