//! The writer's workspace: `essay-lsp.toml` (discovery, precedence, reload, mistakes), the
//! server-side commands, outline, counts, folding, semantic tokens and `check --stats`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::client::{codes, file_uri, repo, run_check as check, Client};

const BOILERPLATE_DRAFT: &str = "20xx年，我们村完成了脱贫任务。\n本文仅供参考，欢迎阅读！\n";

/// A temp folder with canonical path (URIs are compared as strings).
fn folder() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = std::fs::canonicalize(dir.path()).unwrap();
    (dir, path)
}

/// A temp folder whose `essay-lsp.toml` holds `project`: (folder guard, root, project file).
fn project(project: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let (tmp, root) = folder();
    let toml = root.join("essay-lsp.toml");
    write(&toml, project);
    (tmp, root, toml)
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, text).unwrap();
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// Capabilities of an editor that registers file watchers (VS Code, Neovim on macOS).
fn watching_client() -> Value {
    json!({
        "general": {"positionEncodings": ["utf-16"]},
        "workspace": {
            "didChangeWatchedFiles": {"dynamicRegistration": true},
            "semanticTokens": {"refreshSupport": true}
        },
        "textDocument": {"publishDiagnostics": {"versionSupport": true}}
    })
}

fn plain_client() -> Value {
    json!({"general": {"positionEncodings": ["utf-16"]}})
}

fn start(root: &Path, capabilities: Value, options: Value) -> Client {
    let mut client = Client::start();
    client.initialize_in(root, capabilities, options);
    client
}

/// The next diagnostics published for `uri` that satisfy `pred`.
fn diagnostics_where(
    client: &mut Client,
    uri: &str,
    pred: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    let msg = client.wait_for(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == uri
            && pred(m["params"]["diagnostics"].as_array().unwrap())
    });
    msg["params"]["diagnostics"].as_array().unwrap().clone()
}

fn has(diagnostics: &[Value], code: &str) -> bool {
    codes(diagnostics).iter().any(|c| c == code)
}

/// Opens `BOILERPLATE_DRAFT` (a placeholder and web-page residue) as `uri`: its first
/// diagnostics.
fn open_draft(client: &mut Client, uri: &str) -> Vec<Value> {
    client.open(uri, BOILERPLATE_DRAFT);
    client.diagnostics(uri, 1)
}

fn watched_change(client: &mut Client, path: &Path, kind: u8) {
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(path), "type": kind}]}),
    );
}

fn execute(client: &mut Client, command: &str, arguments: Value) -> Value {
    client.request_full(
        "workspace/executeCommand",
        json!({"command": command, "arguments": arguments}),
    )
}

/// Hovers at the position until the hover text contains `wanted` (a file reloaded in the
/// background); panics after 20 s.
fn hover_until(client: &mut Client, uri: &str, line: u32, character: u32, wanted: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let hover = hover_text(client, uri, line, character);
        if hover.contains(wanted) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "hover still lacks {wanted}: {hover}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn hover_text(client: &mut Client, uri: &str, line: u32, character: u32) -> String {
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
    );
    hover["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn project_file_is_found_above_the_essay_and_overrides_editor_settings() {
    let (_tmp, root, _) = project(
        "# 本项目要求检查占位符，并把网页残留当作错误\n[checks]\ndisabled = []\nseverity = { boilerplate = \"error\" }\n",
    );
    let inside = root.join("2024/sub/draft.md");
    let (_other_tmp, other) = folder();
    let outside = other.join("draft.md");
    write(&inside, BOILERPLATE_DRAFT);
    write(&outside, BOILERPLATE_DRAFT);
    // The editor turns placeholder off and makes boilerplate a hint.
    let mut client = start(
        &root,
        plain_client(),
        json!({"essayLsp": {"checks": {"disabled": ["placeholder"], "severity": {"boilerplate": "hint"}}}}),
    );

    let (inside_uri, outside_uri) = (file_uri(&inside), file_uri(&outside));
    let d = open_draft(&mut client, &inside_uri);
    assert!(
        has(&d, "placeholder"),
        "project re-enables placeholder: {d:?}"
    );
    let b = d.iter().find(|x| x["code"] == "boilerplate").unwrap();
    assert_eq!(b["severity"], 1, "project severity wins: {b}");

    let d = open_draft(&mut client, &outside_uri);
    assert!(
        !has(&d, "placeholder"),
        "editor setting outside the project: {d:?}"
    );
    let b = d.iter().find(|x| x["code"] == "boilerplate").unwrap();
    assert_eq!(b["severity"], 4, "editor severity outside the project: {b}");
}

#[test]
fn watcher_is_registered_and_a_changed_project_file_applies_without_restart() {
    let (_tmp, root, toml) = project("[copy]\nminLength = 13\n");
    let essay = root.join("draft.md");
    write(&essay, BOILERPLATE_DRAFT);
    let mut client = start(&root, watching_client(), json!({}));
    let registration = client.wait_for(|m| m["method"] == "client/registerCapability");
    let r = &registration["params"]["registrations"][0];
    assert_eq!(r["method"], "workspace/didChangeWatchedFiles");
    let globs: Vec<&str> = r["registerOptions"]["watchers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["globPattern"].as_str().unwrap())
        .collect();
    assert_eq!(globs, ["**/essay-lsp.toml", "**/essay-lsp.glossary.toml"]);

    let uri = file_uri(&essay);
    assert!(has(&open_draft(&mut client, &uri), "placeholder"));

    write(
        &toml,
        "[copy]\nminLength = 13\n\n[checks]\ndisabled = [\"placeholder\"]\n",
    );
    watched_change(&mut client, &toml, 2);
    let d = diagnostics_where(&mut client, &uri, |d| !has(d, "placeholder"));
    assert!(has(&d, "boilerplate"), "{d:?}");

    // Deleted: back to the editor's settings.
    std::fs::remove_file(&toml).unwrap();
    watched_change(&mut client, &toml, 3);
    diagnostics_where(&mut client, &uri, |d| has(d, "placeholder"));
}

#[test]
fn broken_project_file_is_a_diagnostic_on_it_and_the_last_good_settings_stay() {
    let (_tmp, root, toml) = project("[checks]\ndisabled = [\"placeholder\"]\n");
    let toml_uri = file_uri(&toml);
    let uri = file_uri(&root.join("draft.md"));
    let mut client = start(&root, watching_client(), json!({}));
    assert!(!has(&open_draft(&mut client, &uri), "placeholder"));

    // A syntax error on line 4 (0-based 3).
    write(
        &toml,
        "[checks]\ndisabled = [\"placeholder\"]\n\n[copy\nminLength = 20\n",
    );
    watched_change(&mut client, &toml, 2);
    let d = diagnostics_where(&mut client, &toml_uri, |d| !d.is_empty());
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["range"]["start"]["line"], 3, "{d:?}");
    assert_eq!(d[0]["severity"], 1);
    assert_eq!(d[0]["code"], "project-file");
    let message = d[0]["message"].as_str().unwrap();
    assert!(message.contains("TOML 语法错误"), "{message}");
    assert!(message.contains("上次正确的设置"), "{message}");

    // The essay is still checked with the last good settings.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": format!("{BOILERPLATE_DRAFT}又及。")}]}),
    );
    let d = client.diagnostics(&uri, 2);
    assert!(!has(&d, "placeholder"), "last good settings kept: {d:?}");

    // A value of the wrong type: the diagnostic is on the value.
    write(
        &toml,
        "[checks]\ndisabled = [\"placeholder\"]\n\n[copy]\nminLength = \"long\"\n",
    );
    watched_change(&mut client, &toml, 2);
    let d = diagnostics_where(&mut client, &toml_uri, |d| {
        d.len() == 1 && d[0]["range"]["start"]["line"] == 4
    });
    assert_eq!(d[0]["range"]["start"]["character"], 12, "{d:?}");
    assert_eq!(d[0]["range"]["end"]["character"], 18, "{d:?}");
    assert!(d[0]["message"].as_str().unwrap().contains("copy.minLength"));

    // Fixed: the diagnostics go, the new settings apply.
    write(&toml, "[checks]\ndisabled = []\n");
    watched_change(&mut client, &toml, 2);
    diagnostics_where(&mut client, &toml_uri, |d| d.is_empty());
    diagnostics_where(&mut client, &uri, |d| has(d, "placeholder"));
}

#[test]
fn an_open_project_file_is_checked_as_it_is_typed_without_watchers() {
    let (_tmp, root, toml) = project("");
    let toml_uri = file_uri(&toml);
    let uri = file_uri(&root.join("draft.md"));
    let mut client = start(&root, plain_client(), json!({}));
    assert!(has(&open_draft(&mut client, &uri), "placeholder"));

    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": toml_uri, "languageId": "toml", "version": 1, "text": "[checks\n"}}),
    );
    let d = diagnostics_where(&mut client, &toml_uri, |d| !d.is_empty());
    assert_eq!(d[0]["range"]["start"]["line"], 0);
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": toml_uri, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": 0, "character": 7}, "end": {"line": 0, "character": 7}}, "text": "]\ndisabled = [\"placeholder\"]"}
        ]}),
    );
    diagnostics_where(&mut client, &toml_uri, |d| d.is_empty());
    diagnostics_where(&mut client, &uri, |d| !has(d, "placeholder"));

    // Closed without saving: the file on disk (empty) counts again.
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": toml_uri}}),
    );
    diagnostics_where(&mut client, &uri, |d| has(d, "placeholder"));
}

#[test]
fn ignore_phrase_command_writes_the_project_file_and_the_phrase_goes_quiet() {
    let (_tmp, root, toml) = project("# 我的项目设置\n[copy]\nminLength = 13 # 知网的标准\n");
    let uri = file_uri(&root.join("sub/draft.md"));
    let mut client = start(&root, plain_client(), json!({}));
    let d = open_draft(&mut client, &uri);
    let residue = d.iter().find(|x| x["code"] == "boilerplate").unwrap();

    // Offered as a code action with the command and its arguments.
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": residue["range"], "context": {"diagnostics": [residue]}}),
    );
    let action = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["command"]["command"] == "essayLsp.ignorePhrase")
        .unwrap_or_else(|| panic!("no ignorePhrase action: {actions}"));
    assert_eq!(action["kind"], "quickfix");
    let arguments = action["command"]["arguments"].clone();
    assert_eq!(arguments, json!([uri, "本文仅供参考，欢迎阅读！"]));

    let response = execute(&mut client, "essayLsp.ignorePhrase", arguments.clone());
    assert!(response["error"].is_null(), "{response}");
    assert!(response["result"].as_str().unwrap().contains("已忽略"));
    assert_eq!(
        read(&toml),
        "# 我的项目设置\n[copy]\nminLength = 13 # 知网的标准\n\n[ignore]\nphrases = [\"本文仅供参考，欢迎阅读！\"]\n"
    );
    let d = diagnostics_where(&mut client, &uri, |d| !has(d, "boilerplate"));
    assert!(has(&d, "placeholder"), "{d:?}");

    // Again: nothing changes.
    let response = execute(&mut client, "essayLsp.ignorePhrase", arguments);
    assert!(response["result"].as_str().unwrap().contains("已在"));
    assert_eq!(read(&toml).matches("欢迎阅读").count(), 1);

    // No project file yet: one is created next to the essay.
    let (_tmp2, bare) = folder();
    let lone = bare.join("lone.md");
    let lone_uri = file_uri(&lone);
    open_draft(&mut client, &lone_uri);
    let response = execute(
        &mut client,
        "essayLsp.ignorePhrase",
        json!([lone_uri, "20xx"]),
    );
    assert!(response["error"].is_null(), "{response}");
    let created = read(&bare.join("essay-lsp.toml"));
    assert!(created.starts_with("# essay-lsp 项目设置"), "{created}");
    assert!(
        created.ends_with("[ignore]\nphrases = [\"20xx\"]\n"),
        "{created}"
    );
    diagnostics_where(&mut client, &lone_uri, |d| !has(d, "placeholder"));

    // A broken project file is not touched; the error says where it is broken.
    write(&toml, "[ignore\n");
    let response = execute(
        &mut client,
        "essayLsp.ignorePhrase",
        json!([uri, "欢迎阅读"]),
    );
    let error = response["error"]["message"].as_str().unwrap();
    assert!(error.contains("第 1 行"), "{error}");
    assert_eq!(read(&toml), "[ignore\n");
}

#[test]
fn add_to_glossary_command_writes_the_glossary_and_hover_uses_it() {
    let (_tmp, root) = folder();
    let uri = file_uri(&root.join("draft.md"));
    let text = "我们对照两不愁三保障逐户核实，实行挂图作业。\n";
    let mut client = start(&root, watching_client(), json!({}));
    client.open(&uri, text);
    client.diagnostics(&uri, 1);

    // Selecting a word offers it for the glossary.
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri},
               "range": {"start": {"line": 0, "character": 10}, "end": {"line": 0, "character": 14}},
               "context": {"diagnostics": []}}),
    );
    let action = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["command"]["command"] == "essayLsp.addToGlossary")
        .unwrap_or_else(|| panic!("no addToGlossary action: {actions}"));
    assert_eq!(action["command"]["arguments"], json!([uri, "逐户核实"]));
    // Not for a term the glossary has.
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri},
               "range": {"start": {"line": 0, "character": 4}, "end": {"line": 0, "character": 10}},
               "context": {"diagnostics": []}}),
    );
    assert!(
        !actions
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["command"]["command"] == "essayLsp.addToGlossary"),
        "{actions}"
    );

    let definition = "驻村工作队对每一户的收入和保障情况逐一上门核对";
    let response = execute(
        &mut client,
        "essayLsp.addToGlossary",
        json!([uri, "逐户核实", definition]),
    );
    assert!(response["error"].is_null(), "{response}");
    let glossary = root.join("essay-lsp.glossary.toml");
    let written = read(&glossary);
    assert!(written.starts_with("# essay-lsp 用户术语表"), "{written}");
    assert!(
        written.ends_with(&format!(
            "\n[[term]]\nterm = \"逐户核实\"\ncategory = \"政策\"\ndefinition = \"{definition}\"\n"
        )),
        "{written}"
    );
    let project = read(&root.join("essay-lsp.toml"));
    assert!(
        project.contains("[glossary]\npaths = [\"essay-lsp.glossary.toml\"]"),
        "{project}"
    );

    // Hover over 逐户核实 shows the definition once the glossary is rebuilt.
    hover_until(&mut client, &uri, 0, 11, definition);
    // …and it is a semantic token without the built-in modifier.
    let tokens = client.request(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": uri}}),
    );
    let data: Vec<u64> = tokens["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert_eq!(&data[..10], [0, 4, 6, 0, 1, 0, 6, 4, 0, 0], "{data:?}");

    // Without a definition: a corpus sentence that uses the term, in the category given.
    let response = execute(
        &mut client,
        "essayLsp.addToGlossary",
        json!([uri, "大数据管理", null, "机制"]),
    );
    assert!(response["error"].is_null(), "{response}");
    let written = read(&glossary);
    let entry = &written[written.find("# 释义暂用").expect(&written)..];
    assert!(entry.starts_with("# 释义暂用《"), "{entry}");
    assert!(
        entry.contains("[[term]]\nterm = \"大数据管理\"\ncategory = \"机制\"\ndefinition = \""),
        "{entry}"
    );
    assert!(entry.contains("大数据管理精准高效"), "{entry}");
    assert_eq!(
        read(&root.join("essay-lsp.toml"))
            .matches("essay-lsp.glossary.toml")
            .count(),
        1
    );

    // A term used nowhere needs a definition; nothing is written.
    let before = read(&glossary);
    let response = execute(
        &mut client,
        "essayLsp.addToGlossary",
        json!([uri, "从未出现过的词"]),
    );
    assert!(
        response["error"]["message"]
            .as_str()
            .unwrap()
            .contains("请给出"),
        "{response}"
    );
    assert_eq!(read(&glossary), before);
}

#[test]
fn outline_counts_folding_and_code_lens_of_the_example_draft() {
    let text = read(&repo().join("examples/draft.md"));
    let (_tmp, root) = folder();
    let uri = file_uri(&root.join("draft.md"));
    let mut client = start(&root, plain_client(), json!({}));
    client.open(&uri, &text);
    client.diagnostics(&uri, 1);

    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let top = symbols.as_array().unwrap();
    assert_eq!(top.len(), 1, "{symbols}");
    assert_eq!(top[0]["name"], "学习脱贫攻坚精神心得体会");
    // 12 (title) + 40 (paragraph 2, counted in outline.rs) + 117 + 104 + 103.
    assert_eq!(top[0]["detail"], "376 字");
    let children: Vec<(&str, &str, u64)> = top[0]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap(),
                c["detail"].as_str().unwrap(),
                c["selectionRange"]["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        children,
        [
            ("一、从“两不愁三保障”看脱贫成色", "117 字", 4),
            ("二、精准是脱贫攻坚的关键", "104 字", 8),
            ("三、下一步的打算", "103 字", 14),
        ]
    );
    let first = &top[0]["children"][0];
    assert_eq!(
        first["selectionRange"]["start"]["character"], 3,
        "after “## ”"
    );
    assert_eq!(first["range"]["end"]["line"], 6);

    let folds = client.request(
        "textDocument/foldingRange",
        json!({"textDocument": {"uri": uri}}),
    );
    let lines: Vec<(u64, u64)> = folds
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["startLine"].as_u64().unwrap(),
                f["endLine"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(lines, [(0, 18), (4, 6), (8, 12), (14, 18)]);

    let lenses = client.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": uri}}),
    );
    let title = lenses[0]["command"]["title"].as_str().unwrap();
    assert!(title.starts_with("复制比 "), "{title}");
    assert!(title.ends_with(" · 全文 376 字"), "{title}");
}

#[test]
fn capabilities_and_semantic_tokens_for_glossary_terms() {
    let (_tmp, root) = folder();
    let mut client = Client::start();
    let init = client.initialize_in(&root, plain_client(), json!({}));
    let caps = &init["capabilities"];
    assert_eq!(caps["documentSymbolProvider"], true);
    assert_eq!(caps["foldingRangeProvider"], true);
    assert_eq!(
        caps["semanticTokensProvider"]["legend"],
        json!({"tokenTypes": ["keyword"], "tokenModifiers": ["defaultLibrary"]})
    );
    assert_eq!(caps["semanticTokensProvider"]["full"], true);
    assert_eq!(
        caps["executeCommandProvider"]["commands"],
        json!([
            "essayLsp.report",
            "essayLsp.ignorePhrase",
            "essayLsp.addToGlossary"
        ])
    );
    assert_eq!(caps["textDocumentSync"]["save"], true);

    let uri = file_uri(&root.join("a.md"));
    // 𠀀 is two UTF-16 units: 两不愁三保障 starts at 2 on line 0.
    client.open(&uri, "𠀀两不愁三保障\n我们坚持精准扶贫。");
    let tokens = client.request(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(tokens["data"], json!([0, 2, 6, 0, 1, 1, 4, 4, 0, 1]));
}

#[test]
fn workspace_essays_are_a_corpus_and_an_essay_never_matches_itself() {
    let (_tmp, root, _) = project("[corpus]\nincludeWorkspace = true\nincludeBuiltin = false\n");
    let old = "去年我们村的香菇大棚带动四十二户脱贫户就近务工，户均增收六千元。\n";
    write(&root.join("2023/old.md"), old);
    let new_text = format!("回顾今年，{old}明年继续扩建。\n");
    let new = root.join("2024/new.md");
    write(&new, &new_text);
    let uri = file_uri(&new);
    let mut client = start(&root, plain_client(), json!({}));
    client.open(&uri, &new_text);
    let d = client.diagnostics(&uri, 1);
    let copies: Vec<&str> = d
        .iter()
        .filter(|x| x["code"] == "copied-from-corpus")
        .map(|x| x["message"].as_str().unwrap())
        .collect();
    assert_eq!(copies.len(), 1, "{d:?}");
    assert!(copies[0].contains("《old》"), "{copies:?}");
    let related = &d
        .iter()
        .find(|x| x["code"] == "copied-from-corpus")
        .unwrap()["relatedInformation"][0]["location"]["uri"];
    assert_eq!(*related, json!(file_uri(&root.join("2023/old.md"))));

    // The earlier essay, checked in turn, finds the later one, not itself.
    let old_uri = file_uri(&root.join("2023/old.md"));
    client.open(&old_uri, old);
    let d = client.diagnostics(&old_uri, 1);
    let copy = d
        .iter()
        .find(|x| x["code"] == "copied-from-corpus")
        .unwrap_or_else(|| panic!("{d:?}"));
    assert!(
        copy["message"].as_str().unwrap().contains("《new》"),
        "{copy}"
    );
}

#[test]
fn check_stats_prints_counts_per_section() {
    let (code, stdout, _) = check(&["--stats", "examples/draft.md"], repo());
    assert_eq!(code, 1);
    let lines: Vec<&str> = stdout.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("examples/draft.md: 字数 "))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert_eq!(
        lines[at..],
        [
            "examples/draft.md: 字数 376（汉字 374，外文词 2，数字 0；标点不计）",
            "examples/draft.md:1: 学习脱贫攻坚精神心得体会 — 376 字",
            "examples/draft.md:5:   一、从“两不愁三保障”看脱贫成色 — 117 字",
            "examples/draft.md:9:   二、精准是脱贫攻坚的关键 — 104 字",
            "examples/draft.md:15:   三、下一步的打算 — 103 字",
            lines[lines.len() - 1],
        ]
    );
    assert!(lines[lines.len() - 1].starts_with("examples/draft.md: 复制比 "));

    let (_, stdout, _) = check(
        &["--stats", "--format", "json", "examples/draft.md"],
        repo(),
    );
    let value: Value = serde_json::from_str(&stdout).unwrap();
    let stats = &value["files"][0]["stats"];
    assert_eq!(
        stats["count"],
        json!({"total": 376, "cjk": 374, "words": 2, "numbers": 0})
    );
    assert_eq!(stats["sections"][0]["children"][2]["line"], 15);
    assert_eq!(stats["sections"][0]["children"][2]["count"]["total"], 103);
}

#[test]
fn check_reads_the_project_file_and_flags_go_on_top() {
    let (_tmp, root, toml) = project("[checks]\ndisabled = [\"placeholder\"]\n");
    write(&root.join("essays/draft.md"), BOILERPLATE_DRAFT);
    let (code, stdout, _) = check(&["essays/draft.md"], &root);
    assert_eq!(code, 1, "{stdout}");
    assert!(!stdout.contains("placeholder"), "{stdout}");
    assert!(stdout.contains("boilerplate"), "{stdout}");
    let (_, stdout, _) = check(&["--disable", "boilerplate", "essays/draft.md"], &root);
    assert!(!stdout.contains("boilerplate"), "{stdout}");
    let (_, stdout, _) = check(&["--no-project", "essays/draft.md"], &root);
    assert!(stdout.contains("placeholder"), "{stdout}");

    write(
        &toml,
        "[checks]\ndisabled = [\"placeholder\"]\n[copy]\nminLength = 2\n",
    );
    let (code, stdout, stderr) = check(&["essays/draft.md"], &root);
    assert_eq!(code, 2, "{stdout}");
    assert!(
        stderr.contains("essay-lsp.toml:4:13: error[project-file] copy.minLength"),
        "{stderr}"
    );
}

#[test]
fn without_watchers_the_server_notices_changed_project_and_glossary_files() {
    let (_tmp, root, toml) = project("[glossary]\npaths = [\"terms.toml\"]\n");
    let terms = root.join("terms.toml");
    let entry = |definition: &str| {
        format!(
            "[[term]]\nterm = \"逐户核实\"\ncategory = \"机制\"\ndefinition = \"{definition}\"\n"
        )
    };
    write(&terms, &entry("旧的释义"));
    let uri = file_uri(&root.join("draft.md"));
    let mut client = start(&root, plain_client(), json!({}));
    assert!(has(&open_draft(&mut client, &uri), "placeholder"));
    let b_uri = file_uri(&root.join("b.md"));
    client.open(&b_uri, "逐户核实");
    assert!(hover_text(&mut client, &b_uri, 0, 1).contains("旧的释义"));

    // Edited on disk, no notification: picked up within the poll interval.
    write(
        &toml,
        "[glossary]\npaths = [\"terms.toml\"]\n\n[checks]\ndisabled = [\"placeholder\"]\n",
    );
    diagnostics_where(&mut client, &uri, |d| !has(d, "placeholder"));
    write(&terms, &entry("新的、更长一些的释义"));
    hover_until(&mut client, &b_uri, 0, 1, "新的、更长一些的释义");
}
