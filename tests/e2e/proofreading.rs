//! The proofreading checks over LSP: UTF-16 ranges around characters outside the BMP, quick
//! fixes, `source.fixAll`, and `essay-lsp fix` on a GBK file with CRLF line ends.

use serde_json::{json, Value};

use crate::client::{binary, Client};

const URI: &str = "file:///tmp/essay-lsp-test/proofreading.md";

fn start(d: &Value) -> (u64, u64) {
    (
        d["range"]["start"]["line"].as_u64().unwrap(),
        d["range"]["start"]["character"].as_u64().unwrap(),
    )
}

#[test]
fn punctuation_and_typo_over_utf16_with_fix_all() {
    let mut client = Client::start();
    let init = client.initialize(json!({}));
    assert!(
        init["capabilities"]["codeActionProvider"]["codeActionKinds"]
            .as_array()
            .unwrap()
            .contains(&json!("source.fixAll"))
    );
    // 😀 and 𠀀 are two UTF-16 units each.
    client.open(URI, "😀甲,乙𠀀打通产销赌点。\n第二行(见附件)。");
    let diagnostics = client.diagnostics(URI, 1);
    let of =
        |code: &str| -> Vec<&Value> { diagnostics.iter().filter(|d| d["code"] == code).collect() };
    let punctuation = of("punctuation");
    assert_eq!(punctuation.len(), 2, "{diagnostics:?}");
    assert_eq!(start(punctuation[0]), (0, 3));
    assert_eq!(start(punctuation[1]), (1, 3));
    let typo = of("typo");
    assert_eq!(typo.len(), 1, "{diagnostics:?}");
    assert_eq!(start(typo[0]), (0, 11));
    assert!(typo[0]["message"].as_str().unwrap().contains("堵"));

    // The typo's quick fix replaces exactly the one character.
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": URI}, "range": typo[0]["range"], "context": {"diagnostics": [typo[0]]}}),
    );
    let fix = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "quickfix" && a["title"].as_str().unwrap().contains("堵"))
        .unwrap_or_else(|| panic!("{actions}"));
    let edit = &fix["edit"]["documentChanges"][0]["edits"][0];
    assert_eq!(edit["newText"], "堵");
    assert_eq!(
        edit["range"],
        json!({"start": {"line": 0, "character": 11}, "end": {"line": 0, "character": 12}})
    );

    // source.fixAll: every punctuation fix, nothing else.
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": URI}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": [], "only": ["source.fixAll"]}}),
    );
    let actions = actions.as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0]["kind"], "source.fixAll");
    let edits = actions[0]["edit"]["documentChanges"][0]["edits"]
        .as_array()
        .unwrap();
    let texts: Vec<&str> = edits
        .iter()
        .map(|e| e["newText"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["，", "（", "）"]);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn fix_command_keeps_gbk_and_crlf() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("draft.txt");
    let text = "修了3条路,总长4.6公里。\r\n打通产销赌点(见附件)!\r\n";
    let (bytes, _, _) = encoding_rs::GB18030.encode(text);
    std::fs::write(&path, &bytes).unwrap();

    // Printing: punctuation only, the file untouched.
    let out = std::process::Command::new(binary())
        .args(["fix", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "修了3条路，总长4.6公里。\r\n打通产销赌点（见附件）！\r\n"
    );
    assert_eq!(std::fs::read(&path).unwrap(), bytes.to_vec());

    // --all --write: the typo too, written back in GBK with CRLF.
    let status = std::process::Command::new(binary())
        .args(["fix", "--all", "--write", path.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(status.success());
    let written = std::fs::read(&path).unwrap();
    let (decoded, _, errors) = encoding_rs::GB18030.decode(&written);
    assert!(!errors);
    assert_eq!(
        decoded,
        "修了3条路，总长4.6公里。\r\n打通产销堵点（见附件）！\r\n"
    );
}
