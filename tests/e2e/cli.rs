//! `essay-lsp check` from the command line.

use std::path::Path;
use std::process::Command;

use crate::client::binary;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

fn check(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(binary())
        .arg("check")
        .args(args)
        .current_dir(repo())
        .output()
        .expect("run essay-lsp check");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
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
    assert_eq!(first["range"]["start"]["line"], 2);
    assert!(file["similarity"]["copyRatio"].as_f64().unwrap() > 0.0);
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
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("refs")).unwrap();
    std::fs::write(
        dir.path().join("refs/意见.txt"),
        "各乡镇要坚持早发现、早干预、早帮扶，对易返贫致贫人口做到应纳尽纳、应帮尽帮。",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("essay-lsp.toml"),
        "[corpus]\nreferences = [\"refs\"]\nincludeBuiltin = false\n",
    )
    .unwrap();
    let draft = dir.path().join("draft.md");
    std::fs::write(
        &draft,
        "我们坚持早发现、早干预、早帮扶，对易返贫致贫人口做到应纳尽纳、应帮尽帮。\n",
    )
    .unwrap();
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
    std::fs::write(
        dir.path().join("mine.txt"),
        "我们村的香菇大棚去年带动四十二户脱贫户就近务工，户均增收六千元。",
    )
    .unwrap();
    let draft = dir.path().join("draft.md");
    std::fs::write(
        &draft,
        "回顾一年工作，我们村的香菇大棚去年带动四十二户脱贫户就近务工，户均增收六千元。",
    )
    .unwrap();
    let (code, stdout, stderr) = check(&[
        "--corpus",
        dir.path().to_str().unwrap(),
        draft.to_str().unwrap(),
    ]);
    assert!(stderr.contains("bad.txt"), "{stderr}");
    assert_eq!(stderr.matches("bad.txt").count(), 1, "{stderr}");
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
