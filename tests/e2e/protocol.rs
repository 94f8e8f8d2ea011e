//! The language server over stdio: lifecycle, sync, positions and the main features.

use std::time::Duration;

use serde_json::{json, Value};

use crate::client::{codes, range, Client};

const URI: &str = "file:///tmp/essay-lsp-test/draft.md";

/// Opens a line that starts with two characters outside the BMP (𠀀😀) followed by a
/// placeholder; the placeholder's range.
fn placeholder_after_astral_chars(client: &mut Client) -> (u64, u64, u64, u64) {
    client.open(URI, "𠀀😀20xx年的工作");
    let diagnostics = client.diagnostics(URI, 1);
    let placeholder = diagnostics
        .iter()
        .find(|d| d["code"] == "placeholder")
        .expect("placeholder");
    range(placeholder)
}

#[test]
fn lifecycle_open_change_close_and_clean_exit() {
    let mut client = Client::start();
    let init = client.initialize(json!({}));
    let caps = &init["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync");
    assert_eq!(caps["hoverProvider"], true);
    assert!(caps["completionProvider"]["triggerCharacters"]
        .as_array()
        .unwrap()
        .contains(&json!("，")));
    assert_eq!(init["serverInfo"]["name"], "essay-lsp");

    client.open(URI, "20xx年，我们村完成了脱贫任务。\n第二行。");
    let diagnostics = client.diagnostics(URI, 1);
    let placeholder: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| d["code"] == "placeholder")
        .collect();
    assert_eq!(placeholder.len(), 1, "{diagnostics:?}");
    assert_eq!(range(placeholder[0]), (0, 0, 0, 4));
    assert_eq!(placeholder[0]["severity"], 2);
    assert_eq!(placeholder[0]["source"], "essay-lsp");

    // Fill the placeholder in: version 2 is clean, and nothing for version 1 arrives later.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": URI, "version": 2},
            "contentChanges": [{"range": {"start": {"line": 0, "character": 2}, "end": {"line": 0, "character": 4}}, "text": "20"}]
        }),
    );
    let diagnostics = client.diagnostics(URI, 2);
    assert!(
        !codes(&diagnostics).contains(&"placeholder".to_owned()),
        "{diagnostics:?}"
    );
    let late = client.drain(Duration::from_millis(400));
    assert!(
        !late.iter().any(
            |m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == 1
        ),
        "stale diagnostics after newer ones: {late:?}"
    );

    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": URI}}),
    );
    let cleared = client.wait_for(|m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == URI
    });
    assert_eq!(cleared["params"]["diagnostics"], json!([]));

    let status = client.shutdown_and_exit();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn exit_without_shutdown_is_status_one_and_closing_stdin_ends_the_server() {
    let mut client = Client::start();
    client.initialize(json!({}));
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit().code(), Some(1));

    let mut client = Client::start_with(&["--stdio"]);
    client.initialize(json!({}));
    client.close_stdin();
    assert!(client.wait_exit().code().is_some());
}

#[test]
fn utf16_ranges_count_characters_outside_the_bmp_as_two_units() {
    let mut client = Client::start();
    client.initialize(json!({}));
    assert_eq!(placeholder_after_astral_chars(&mut client), (0, 4, 0, 8));
}

#[test]
fn utf32_is_used_when_the_client_prefers_it() {
    let mut client = Client::start();
    let init = client.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {"general": {"positionEncodings": ["utf-32", "utf-16"]}}}),
    );
    client.notify("initialized", json!({}));
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-32");
    assert_eq!(placeholder_after_astral_chars(&mut client), (0, 2, 0, 6));
}

#[test]
fn hover_explains_a_policy_term() {
    let mut client = Client::start();
    client.initialize(json!({}));
    client.open(URI, "我们对照两不愁三保障逐户核查。");
    for character in [4, 7, 9] {
        let hover = client.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": character}}),
        );
        let text = hover["contents"]["value"].as_str().expect("markdown hover");
        assert!(text.contains("两不愁三保障"), "{text}");
        assert!(text.contains("不愁吃"), "{text}");
        assert_eq!(hover["range"]["start"]["character"], 4);
        assert_eq!(hover["range"]["end"]["character"], 10);
    }
    // Past the end of the line, and a document never opened: no answer, no error.
    let past = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": 500}}),
    );
    assert_eq!(past, Value::Null);
    let unknown = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///nowhere.md"}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(unknown, Value::Null);
}

fn apply_first_completion(client: &mut Client, line_text: &str) -> String {
    client.open(URI, line_text);
    let character: usize = line_text.encode_utf16().count();
    let list = client.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": character}}),
    );
    let items = list["items"].as_array().expect("completion list");
    assert!(!items.is_empty(), "no completion for {line_text}");
    let starts: Vec<&Value> = items
        .iter()
        .map(|i| &i["textEdit"]["range"]["start"])
        .collect();
    assert!(
        starts.iter().all(|s| *s == starts[0]),
        "one shared start: {starts:?}"
    );
    for item in items {
        assert_eq!(item["textEdit"]["range"]["end"]["character"], character);
    }
    let edit = &items[0]["textEdit"];
    let start = edit["range"]["start"]["character"].as_u64().unwrap() as usize;
    let units: Vec<u16> = line_text.encode_utf16().collect();
    let mut applied = String::from_utf16(&units[..start]).unwrap();
    applied.push_str(edit["newText"].as_str().unwrap());
    applied
}

#[test]
fn completion_continues_a_corpus_clause_with_one_shared_range() {
    let mut client = Client::start();
    client.initialize(json!({}));
    assert_eq!(
        apply_first_completion(&mut client, "小康不小康，"),
        "小康不小康，关键看老乡"
    );
    assert_eq!(
        apply_first_completion(&mut client, "𠀀小康不小康，"),
        "𠀀小康不小康，关键看老乡"
    );
}

#[test]
fn malformed_message_gets_an_error_and_the_server_carries_on() {
    let mut client = Client::start();
    client.initialize(json!({}));
    client.send_raw(b"{\"jsonrpc\": \"2.0\", \"id\": 77, \"method\": ");
    let error = client.wait_for(|m| m.get("error").is_some());
    assert_eq!(error["id"], Value::Null);
    assert_eq!(error["error"]["code"], -32700, "parse error: {error}");
    client.open(URI, "20xx年");
    assert!(codes(&client.diagnostics(URI, 1)).contains(&"placeholder".to_owned()));
}

#[test]
fn settings_change_takes_effect_without_restart() {
    let mut client = Client::start();
    client.initialize(json!({"essayLsp": {"checks": {"disabled": ["placeholder"]}}}));
    client.open(URI, "20xx年，我们村完成了脱贫任务。");
    assert!(!codes(&client.diagnostics(URI, 1)).contains(&"placeholder".to_owned()));
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"essayLsp": {"checks": {"disabled": []}}}}),
    );
    let msg = client.wait_for(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && codes(m["params"]["diagnostics"].as_array().unwrap())
                .contains(&"placeholder".to_owned())
    });
    assert_eq!(msg["params"]["version"], 1);
}

#[test]
fn wrong_setting_types_are_reported_and_the_server_keeps_working() {
    let mut client = Client::start();
    client.initialize(json!({"essayLsp": {"copy": {"minLength": "long"}}}));
    let shown = client.wait_for(|m| m["method"] == "window/showMessage");
    assert!(shown["params"]["message"]
        .as_str()
        .unwrap()
        .contains("copy.minLength"));
    client.open(URI, "20xx年");
    assert!(codes(&client.diagnostics(URI, 1)).contains(&"placeholder".to_owned()));
}
