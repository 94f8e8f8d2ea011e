//! Hostile input against the real binary (issue 9): requests for documents never opened,
//! positions far outside the text, stale and out-of-order versions, a thousand changes in a
//! burst, a 5 MB document, cancellation, malformed frames and messages, corpus files that cannot
//! be loaded, and a check that the server writes nothing but its cache and the files a command
//! asks it to change — each atomically.
//!
//! Server starts are slow in debug builds (the corpus is indexed), so each test drives one
//! server through many cases.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::client::{binary, codes, file_uri, range, ranges_of, Client};

fn hover(uri: &str, line: u64, character: u64) -> Value {
    json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
}

fn change(client: &mut Client, uri: &str, version: i64, range: Option<Value>, text: &str) {
    let change = match range {
        Some(range) => json!({"range": range, "text": text}),
        None => json!({"text": text}),
    };
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}),
    );
}

fn lsp_range(start: (u64, u64), end: (u64, u64)) -> Value {
    json!({"start": {"line": start.0, "character": start.1}, "end": {"line": end.0, "character": end.1}})
}

/// The editor position (UTF-16) of the end of `text`; lines end at LF, CRLF or CR.
fn end_position(text: &str) -> (u64, u64) {
    let mut line = 0;
    let mut character = 0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' | '\n' => {
                line += 1;
                character = 0;
            }
            c => character += c.len_utf16() as u64,
        }
    }
    (line, character)
}

/// The char offset of an editor (UTF-16) position in `text`.
fn char_offset(text: &str, line: u64, character: u64) -> u64 {
    let (mut l, mut units) = (0, 0);
    let mut chars = text.chars().enumerate().peekable();
    while let Some((i, c)) = chars.next() {
        if l == line && units >= character {
            return i as u64;
        }
        match c {
            '\r' if chars.peek().is_some_and(|&(_, n)| n == '\n') => {}
            '\r' | '\n' => {
                l += 1;
                units = 0;
            }
            c if l == line => units += c.len_utf16() as u64,
            _ => {}
        }
    }
    text.chars().count() as u64
}

/// The error response with `code` and id null that the server sends for a malformed message.
fn malformed_reply(client: &mut Client, code: i64) -> Value {
    client.wait_for(|m| m["error"]["code"] == code && m.get("id") == Some(&Value::Null))
}

fn is_publish(m: &Value, uri: &str) -> bool {
    m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
}

#[test]
fn unopened_documents_wild_positions_cancellation_and_malformed_messages() {
    const URI: &str = "file:///tmp/essay-lsp-hostile/a/draft.md";
    const NEVER_OPENED: &str = "file:///tmp/essay-lsp-hostile/a/never-opened.md";
    let mut client = Client::start();

    // Before `initialize`: "server not initialized", and the server carries on.
    let early = client.request_full("textDocument/hover", hover(URI, 0, 0));
    assert_eq!(early["error"]["code"], -32002, "{early}");
    client.initialize(json!({}));

    // $/cancelRequest: a hover sent while the corpus is still loading waits for it; cancelled,
    // it is answered at once with RequestCancelled.
    client.open(URI, "两不愁三保障\r\n𠀀😀20xx年\n");
    let id = client.send_request("textDocument/hover", hover(URI, 0, 1));
    client.notify("$/cancelRequest", json!({"id": id}));
    let cancelled = client.wait_for(|m| m["id"] == id && m.get("method").is_none());
    assert_eq!(cancelled["error"]["code"], -32800, "{cancelled}");
    // Cancelling what is already answered, or was never asked, changes nothing.
    client.notify("$/cancelRequest", json!({"id": id}));
    client.notify("$/cancelRequest", json!({"id": "no-such-request"}));
    let diagnostics = client.diagnostics(URI, 1);
    let slot = diagnostics.iter().find(|d| d["code"] == "placeholder");
    assert_eq!(range(slot.expect("placeholder")), (1, 4, 1, 8));

    // Documents never opened: no answer, or a clear error for the command; no crash.
    for (method, params) in [
        ("textDocument/hover", hover(NEVER_OPENED, 0, 0)),
        ("textDocument/completion", hover(NEVER_OPENED, 3, 7)),
        (
            "textDocument/codeAction",
            json!({"textDocument": {"uri": NEVER_OPENED}, "range": lsp_range((0, 0), (0, 1)), "context": {"diagnostics": []}}),
        ),
        (
            "textDocument/codeLens",
            json!({"textDocument": {"uri": NEVER_OPENED}}),
        ),
    ] {
        let result = client.request(method, params);
        assert!(
            result.is_null() || result == json!([]),
            "{method} on a document never opened: {result}"
        );
    }
    let report = client.request_full(
        "workspace/executeCommand",
        json!({"command": "essayLsp.report", "arguments": [NEVER_OPENED]}),
    );
    assert_eq!(report["error"]["code"], -32602, "{report}");
    assert!(report["error"]["message"]
        .as_str()
        .unwrap()
        .contains(NEVER_OPENED));
    for arguments in [json!([]), json!([42]), json!(["not a uri"])] {
        let bad = client.request_full(
            "workspace/executeCommand",
            json!({"command": "essayLsp.report", "arguments": arguments}),
        );
        assert!(bad["error"]["code"].is_i64(), "{bad}");
    }
    change(&mut client, NEVER_OPENED, 2, None, "20xx");
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": NEVER_OPENED}}),
    );
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": NEVER_OPENED}}),
    );

    // Positions past the end of a line, of the document, and of u32.
    for (line, character) in [(0, 500), (1, 3), (99, 0), (4294967295, 4294967295)] {
        let result = client.request("textDocument/hover", hover(URI, line, character));
        assert!(
            result.is_null() || result["contents"].is_object(),
            "{result}"
        );
        client.request("textDocument/completion", hover(URI, line, character));
    }
    let beyond = client.request_full("textDocument/hover", hover(URI, 4294967296, 0));
    assert_eq!(beyond["error"]["code"], -32602, "{beyond}");
    for (start, end) in [((50, 0), (3, 999)), ((1, 1), (1, 3)), ((0, 9), (0, 2))] {
        let actions = client.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": URI}, "range": lsp_range(start, end), "context": {"diagnostics": []}}),
        );
        assert!(actions.is_null() || actions.is_array(), "{actions}");
    }

    // Edits at such positions are clamped into the text, never a panic: past a line's end
    // appends to the line, past the document's end appends to the document, inside a
    // surrogate pair rounds down to the pair, a reversed range inserts at its start.
    change(
        &mut client,
        URI,
        2,
        Some(lsp_range((0, 9999), (0, 9999))),
        "。",
    );
    change(
        &mut client,
        URI,
        3,
        Some(lsp_range((9, 0), (12, 5))),
        "20xx",
    );
    change(&mut client, URI, 4, Some(lsp_range((1, 1), (1, 1))), "X");
    change(&mut client, URI, 5, Some(lsp_range((1, 9), (1, 5))), "");
    // Not an LSP position at all: the notification is dropped, the document stays at 5.
    let negative = format!(
        r#"{{"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {{
            "textDocument": {{"uri": "{URI}", "version": 6}},
            "contentChanges": [{{"range": {{"start": {{"line": 0, "character": -1}},
                "end": {{"line": 0, "character": -1}}}}, "text": "20xx"}}]}}}}"#
    );
    client.send_raw(negative.as_bytes());
    let diagnostics = client.diagnostics(URI, 5);
    let mut slots = ranges_of(&diagnostics, "placeholder");
    slots.sort();
    // Now "两不愁三保障。\r\nX𠀀😀20xx年\n20xx".
    assert_eq!(slots, [(1, 5, 1, 9), (2, 0, 2, 4)], "{diagnostics:?}");

    // Valid JSON that is no JSON-RPC message: Invalid Request, and the session goes on.
    for body in [
        r#"{"jsonrpc": "1.0", "id": 900, "method": "textDocument/hover"}"#,
        r#"{"jsonrpc": "2.0", "id": 901, "method": 42}"#,
        r#"{"jsonrpc": "2.0", "id": {"nested": true}, "method": "textDocument/hover"}"#,
        "[]",
        "42",
    ] {
        client.send_raw(body.as_bytes());
        let reply = malformed_reply(&mut client, -32600);
        assert!(reply["error"]["message"].is_string(), "{reply}");
    }
    // Frames without a usable Content-Length, or one too large to be true: a parse error each,
    // and the next frame is read again.
    client.send_bytes(b"X-Note: no length\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"$/x\"}");
    malformed_reply(&mut client, -32700);
    client.send_bytes(b"Content-Length: twelve\r\n\r\n{}");
    malformed_reply(&mut client, -32700);
    client.send_bytes(b"Content-Length: 99999999999999\r\n\r\n{}");
    let too_long = malformed_reply(&mut client, -32700);
    assert!(
        too_long["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Content-Length"),
        "{too_long}"
    );
    // Unknown methods, wrong parameters.
    let unknown = client.request_full("essayLsp/noSuchMethod", json!({}));
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");
    client.notify("essayLsp/noSuchNotification", json!({}));
    let wrong = client.request_full("textDocument/hover", json!("abc"));
    assert_eq!(wrong["error"]["code"], -32602, "{wrong}");

    // Settings that are not even an object: reported, defaults kept.
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"essayLsp": 42}}),
    );
    let shown = client.wait_for(|m| {
        m["method"] == "window/showMessage"
            && m["params"]["message"]
                .as_str()
                .is_some_and(|s| s.contains("essayLsp"))
    });
    assert!(shown["params"]["message"]
        .as_str()
        .unwrap()
        .contains("对象"));

    // URIs that are no URIs: the notification is dropped.
    for uri in ["not a uri", "", "file:///tmp/has space.md"] {
        client.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": "20xx"}}),
        );
    }

    // After all of it the server still answers, and ends cleanly.
    change(&mut client, URI, 7, Some(lsp_range((0, 0), (0, 0))), "XX县");
    let diagnostics = client.diagnostics(URI, 7);
    assert!(
        diagnostics
            .iter()
            .any(|d| d["code"] == "placeholder" && range(d).0 == 0 && range(d).1 == 0),
        "{diagnostics:?}"
    );
    let answer = client.request("textDocument/hover", hover(URI, 0, 5));
    assert!(answer["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("两不愁三保障"));
    // After `shutdown`, requests are refused; `exit` then ends with status 0.
    client.request("shutdown", Value::Null);
    let refused = client.request_full("textDocument/hover", hover(URI, 0, 5));
    assert_eq!(refused["error"]["code"], -32600, "{refused}");
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit().code(), Some(0));
}

#[test]
fn stale_versions_are_dropped_and_a_burst_of_a_thousand_changes_ends_on_the_final_text() {
    let dir = tempfile::tempdir().unwrap();
    let stale_path = dir.path().join("stale.md");
    let burst_path = dir.path().join("burst.md");
    let (stale, burst) = (file_uri(&stale_path), file_uri(&burst_path));
    let mut client = Client::start();
    client.initialize(json!({}));

    // Out of order: 3 arrives, then 2 (stale) and 3 again (not newer): both dropped.
    client.open(&stale, "");
    client.diagnostics(&stale, 1);
    change(
        &mut client,
        &stale,
        3,
        None,
        "20xx年，我们村完成了脱贫任务。",
    );
    change(&mut client, &stale, 2, None, "干净的一句话。");
    change(&mut client, &stale, 3, None, "另一句干净的话。");
    let diagnostics = client.diagnostics(&stale, 3);
    assert_eq!(
        ranges_of(&diagnostics, "placeholder"),
        [(0, 0, 0, 4)],
        "{diagnostics:?}"
    );
    // Opened again while open (a client bug): the new text replaces the old.
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": stale, "languageId": "markdown", "version": 5, "text": "另一句干净的话。XX县"}}),
    );
    let diagnostics = client.diagnostics(&stale, 5);
    assert_eq!(
        ranges_of(&diagnostics, "placeholder"),
        [(0, 8, 0, 10)],
        "{diagnostics:?}"
    );
    // Versions may skip numbers.
    change(
        &mut client,
        &stale,
        10,
        Some(lsp_range((0, 8), (0, 10))),
        "平江",
    );
    let diagnostics = client.diagnostics(&stale, 10);
    assert!(
        !codes(&diagnostics).contains(&"placeholder".to_owned()),
        "{diagnostics:?}"
    );

    // A burst: 1,000 changes as fast as the pipe takes them, typing (CRLF, 𠀀 and 😀
    // included) and deleting at the end of the text.
    let tokens: Vec<String> = (0..)
        .flat_map(|i| {
            let line = format!("第{i}段：20xx年𠀀XX县的😀工作，我们村完成了脱贫任务。");
            let end = if i % 2 == 0 { "\r\n" } else { "\n" };
            line.chars()
                .map(String::from)
                .chain(std::iter::once(end.to_owned()))
                .collect::<Vec<_>>()
        })
        .take(1200)
        .collect();
    client.open(&burst, "");
    client.diagnostics(&burst, 1);
    let mut typed: Vec<&str> = Vec::new();
    let mut next = 0;
    let mut version = 1;
    for step in 0..1000 {
        version += 1;
        let text: String = typed.concat();
        if step % 7 == 6 && !typed.is_empty() {
            let last = typed.pop().unwrap();
            let start = end_position(&text[..text.len() - last.len()]);
            change(
                &mut client,
                &burst,
                version,
                Some(lsp_range(start, end_position(&text))),
                "",
            );
            next -= 1;
        } else {
            let end = end_position(&text);
            change(
                &mut client,
                &burst,
                version,
                Some(lsp_range(end, end)),
                &tokens[next],
            );
            typed.push(&tokens[next]);
            next += 1;
        }
    }
    let final_text = typed.concat();

    // The last diagnostics are for the last version, and nothing older comes after them.
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut versions = Vec::new();
    let last = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let msg = client
            .next_message(left)
            .expect("diagnostics for the last version");
        if is_publish(&msg, &burst) {
            versions.push(msg["params"]["version"].as_i64().unwrap());
            if msg["params"]["version"] == version {
                break msg;
            }
        }
    };
    while let Some(msg) = client.next_message(Duration::from_millis(700)) {
        if is_publish(&msg, &burst) {
            versions.push(msg["params"]["version"].as_i64().unwrap());
        }
    }
    assert!(
        versions.windows(2).all(|w| w[0] <= w[1]),
        "diagnostics went back in version: {versions:?}"
    );
    assert_eq!(versions.last(), Some(&version), "{versions:?}");

    // … and they are what the analysis of the final text gives (the CLI is the oracle).
    std::fs::write(&burst_path, &final_text).unwrap();
    let out = Command::new(binary())
        .args(["check", "--format", "json"])
        .arg(&burst_path)
        .output()
        .unwrap();
    let cli: Value = serde_json::from_slice(&out.stdout).unwrap();
    // The CLI counts columns in characters; compare char offsets.
    let key =
        |code: &Value, chars: (u64, u64), message: &Value| format!("{code} {chars:?} {message}");
    let mut expected: Vec<String> = cli["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let chars = (
                f["codePointOffsets"][0].as_u64().unwrap(),
                f["codePointOffsets"][1].as_u64().unwrap(),
            );
            key(&f["code"], chars, &f["message"])
        })
        .collect();
    let mut published: Vec<String> = last["params"]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let (l1, c1, l2, c2) = range(d);
            let chars = (
                char_offset(&final_text, l1, c1),
                char_offset(&final_text, l2, c2),
            );
            key(&d["code"], chars, &d["message"])
        })
        .collect();
    expected.sort();
    published.sort();
    assert!(
        expected.iter().any(|k| k.contains("placeholder")),
        "{expected:?}"
    );
    let missing: Vec<&String> = expected.iter().filter(|k| !published.contains(k)).collect();
    let extra: Vec<&String> = published.iter().filter(|k| !expected.contains(k)).collect();
    assert!(
        missing.is_empty() && extra.is_empty() && published.len() == expected.len(),
        "not what the final text gives:\nmissing {missing:#?}\nextra {extra:#?}"
    );
}

/// Deterministic Han text with no passage repeated (so checks stay quiet and the whole
/// analysis budget is spent on plain text).
fn random_han(bytes: usize, seed: u64) -> String {
    let mut state = seed;
    let mut out = String::with_capacity(bytes + 200);
    let mut line = 0;
    while out.len() < bytes {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let c = char::from_u32(0x4e00 + ((state >> 33) % 3000) as u32).unwrap();
        out.push(c);
        line += 1;
        if line % 40 == 0 {
            out.push_str("。\n");
        }
    }
    out
}

#[test]
fn a_five_megabyte_document_is_analysed_up_to_the_limit_while_other_requests_stay_fast() {
    const SMALL: &str = "file:///tmp/essay-lsp-hostile/big/small.md";
    const BIG: &str = "file:///tmp/essay-lsp-hostile/big/huge.md";
    let mut client = Client::start();
    client.initialize(json!({}));
    client.open(SMALL, "我们对照两不愁三保障逐户核查。");
    client.diagnostics(SMALL, 1);

    // A placeholder at the start and one far past the analysis limit.
    let text = format!("20xx年的总结\n{}\n最后：20xx年\n", random_han(5 << 20, 7));
    let last_line = text.lines().count() as u64 - 1;
    client.open(BIG, &text);
    // The open has been read once a request behind it is answered; from here on the big
    // document is being analysed.
    client.request("textDocument/hover", hover(SMALL, 0, 5));

    let mut latencies = Vec::new();
    let mut published = None;
    let mut cut_message = None;
    let started = Instant::now();
    while published.is_none() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no diagnostics for the big document within a minute"
        );
        let sent = Instant::now();
        let id = client.send_request("textDocument/hover", hover(SMALL, 0, 5));
        loop {
            let msg = client
                .next_message(Duration::from_secs(30))
                .expect("hover answer");
            if msg["id"] == id && msg.get("method").is_none() {
                assert!(msg["result"]["contents"].is_object(), "{msg}");
                if published.is_none() {
                    latencies.push(sent.elapsed());
                }
                break;
            }
            if is_publish(&msg, BIG) {
                published = Some(msg);
            } else if msg["method"] == "window/showMessage" {
                cut_message = Some(msg);
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        latencies.len() >= 3,
        "the analysis was too quick to measure anything"
    );
    latencies.sort();
    let median = latencies[latencies.len() / 2];
    let slowest = *latencies.last().unwrap();
    eprintln!(
        "huge document: {} hovers while it was analysed, median {median:?}, slowest {slowest:?}",
        latencies.len()
    );
    // Under 100 ms; the slowest is allowed a scheduling hiccup of a loaded CI machine, not a
    // wait for the analysis (which takes seconds).
    assert!(median < Duration::from_millis(100), "{latencies:?}");
    assert!(slowest < Duration::from_millis(1000), "{latencies:?}");

    // Bounded: only the first placeholder, none past the limit, and the writer is told.
    let published = published.unwrap();
    let diagnostics = published["params"]["diagnostics"].as_array().unwrap();
    assert!(
        diagnostics.iter().any(|d| range(d) == (0, 0, 0, 4)),
        "{diagnostics:?}"
    );
    assert!(
        diagnostics.iter().all(|d| range(d).0 < last_line),
        "a finding past the analysis limit"
    );
    let cut_message = match cut_message {
        Some(m) => m,
        None => client.wait_for(|m| m["method"] == "window/showMessage"),
    };
    let message = cut_message["params"]["message"].as_str().unwrap();
    assert!(
        message.contains("只检查了前 400000 字") && message.contains(BIG),
        "{message}"
    );

    // Typing at its end keeps working; the report says where checking stopped.
    let end = end_position(&text);
    change(&mut client, BIG, 2, Some(lsp_range(end, end)), "。");
    client.diagnostics(BIG, 2);
    let report = client.request(
        "workspace/executeCommand",
        json!({"command": "essayLsp.report", "arguments": [BIG]}),
    );
    assert!(
        report.as_str().unwrap().contains("只检查了前 400000 字"),
        "{report}"
    );
    let sent = Instant::now();
    client.request("textDocument/hover", hover(SMALL, 0, 5));
    assert!(sent.elapsed() < Duration::from_secs(1));
}

/// Waits until `pred` holds for diagnostics of `uri`; returns them.
fn diagnostics_where(
    client: &mut Client,
    uri: &str,
    pred: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    let msg = client
        .wait_for(|m| is_publish(m, uri) && pred(m["params"]["diagnostics"].as_array().unwrap()));
    msg["params"]["diagnostics"].as_array().unwrap().clone()
}

fn mkfifo(path: &Path) -> bool {
    Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn corpus_files_that_cannot_be_loaded_are_reported_once_each_and_the_rest_loads() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    let good =
        "我们村的合作社由七户贫困户发起，种植高山蔬菜，当年人均增收两千元，大家的干劲越来越足。";
    std::fs::write(corpus.join("good.txt"), good).unwrap();
    std::fs::write(
        corpus.join("binary.txt"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0",
    )
    .unwrap();
    // Neither UTF-8 nor GB18030 (0x81 needs a second byte from 0x30–0xFE); and UTF-16 with a
    // BOM but a lone surrogate.
    std::fs::write(
        corpus.join("invalid.txt"),
        b"\x81 \x81 abc \x81\x7f".repeat(40),
    )
    .unwrap();
    std::fs::write(
        corpus.join("invalid-utf16.txt"),
        [0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00],
    )
    .unwrap();
    // 50 MB on one line: skipped by size, never read.
    {
        use std::io::Write;
        let mut file = std::fs::File::create(corpus.join("huge.txt")).unwrap();
        let block = "脱贫攻坚".repeat(1 << 16);
        for _ in 0..(50 << 20) / block.len() + 1 {
            file.write_all(block.as_bytes()).unwrap();
        }
    }
    let mut bad: Vec<(PathBuf, &str)> = vec![
        (corpus.join("binary.txt"), "二进制"),
        (corpus.join("invalid.txt"), "编码"),
        (corpus.join("invalid-utf16.txt"), "编码"),
        (corpus.join("huge.txt"), "过大"),
    ];
    // Named on their own: missing, a broken symlink, empty, a pipe (reading it would block).
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, " \r\n").unwrap();
    let missing = dir.path().join("missing.txt");
    let dangling = dir.path().join("dangling.txt");
    std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
    bad.extend([
        (missing.clone(), "不存在"),
        (dangling.clone(), "不存在"),
        (empty.clone(), "为空"),
    ]);
    let mut paths = vec![corpus.clone(), missing, dangling, empty];
    let fifo = dir.path().join("pipe.txt");
    if mkfifo(&fifo) {
        bad.push((fifo.clone(), "不是普通文件"));
        paths.push(fifo);
    } else {
        eprintln!("skipped: mkfifo is not available here, no pipe in the corpus");
    }
    // Unreadable: only for a user that file permissions bind (not root).
    let locked = corpus.join("locked.txt");
    std::fs::write(&locked, "锁住的文件").unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    }
    if std::fs::read(&locked).is_err() {
        bad.push((locked.clone(), "权限"));
    } else {
        eprintln!(
            "skipped: running as root, a file without read permission is still readable; \
             the unreadable-file case is covered by the pipe and the dangling symlink"
        );
        std::fs::remove_file(&locked).unwrap();
    }

    let mut client = Client::start();
    client.initialize(json!({"essayLsp": {"corpus": {"paths": paths}}}));
    let draft = file_uri(&dir.path().join("draft.md"));
    client.open(&draft, &format!("我的体会：{good}"));
    // The good file loaded: the copy is found and named after it.
    let diagnostics = diagnostics_where(&mut client, &draft, |d| {
        d.iter().any(|x| x["code"] == "copied-from-corpus")
    });
    let copied = diagnostics
        .iter()
        .find(|d| d["code"] == "copied-from-corpus")
        .unwrap();
    assert!(
        copied["message"].as_str().unwrap().contains("《good》"),
        "{copied}"
    );
    // The built-in essays load too.
    const BUILTIN_COPY: &str = "file:///tmp/essay-lsp-hostile/c/builtin.md";
    // Long enough to reach 13 characters beyond the official wording in it (脱贫攻坚, 决战决胜,
    // 全面小康 are not counted: issue 13).
    client.open(
        BUILTIN_COPY,
        "今年是脱贫攻坚的决战决胜之年，实现全部脱贫、全面小康，蹄疾更要步稳，实现“句号”圆满。",
    );
    let diagnostics = diagnostics_where(&mut client, BUILTIN_COPY, |d| !d.is_empty());
    assert!(
        diagnostics.iter().any(|d| d["code"] == "copied-from-corpus"
            && d["message"]
                .as_str()
                .unwrap()
                .contains("《脱贫工作心得体会")),
        "{diagnostics:?}"
    );

    // Load again (a setting that rebuilds the corpus): nothing is shown a second time.
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"essayLsp": {"corpus": {"paths": paths}, "formulaic": {"extraPhrases": ["新的套话"]}}}}),
    );
    client.open(
        "file:///tmp/essay-lsp-hostile/c/late.md",
        &format!("后来：{good}"),
    );
    diagnostics_where(
        &mut client,
        "file:///tmp/essay-lsp-hostile/c/late.md",
        |d| d.iter().any(|x| x["code"] == "copied-from-corpus"),
    );
    let mut shown = Vec::new();
    while let Some(msg) = client.next_message(Duration::from_millis(500)) {
        if msg["method"] == "window/showMessage" {
            shown.push(msg["params"]["message"].as_str().unwrap().to_owned());
        }
    }
    for (path, reason) in &bad {
        let path = path.display().to_string();
        let about: Vec<&String> = shown.iter().filter(|m| m.contains(&path)).collect();
        assert_eq!(about.len(), 1, "{path} should be reported once: {shown:#?}");
        assert!(about[0].contains(reason), "{path}: {}", about[0]);
    }
    let good_path = corpus.join("good.txt").display().to_string();
    assert!(!shown.iter().any(|m| m.contains(&good_path)), "{shown:#?}");
}

/// Every file under `root` (folders aside): size, modification time, inode.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, (u64, std::time::SystemTime, u64)> {
    use std::os::unix::fs::MetadataExt;
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            if meta.is_dir() {
                // A folder changes when a file in it is replaced; the files are what count.
                stack.push(path);
            } else {
                out.insert(path, (meta.len(), meta.modified().unwrap(), meta.ino()));
            }
        }
    }
    out
}

/// `strace` that can trace here (not in every container), for the syscall-level check.
fn strace_works() -> bool {
    Command::new("strace")
        .args(["-f", "-qq", "-e", "trace=openat", "-o", "/dev/null", "true"])
        .status()
        .is_ok_and(|s| s.success())
}

/// From an strace log: paths opened for writing, renames (from, to), directories made and
/// files removed, relative paths resolved against `cwd`.
#[derive(Default, Debug)]
struct Writes {
    opened: Vec<PathBuf>,
    renamed: Vec<(PathBuf, PathBuf)>,
    made_dirs: Vec<PathBuf>,
    removed: Vec<PathBuf>,
}

fn parse_strace(log: &str, cwd: &Path) -> Writes {
    let quoted = |line: &str| -> Vec<PathBuf> {
        line.split('"')
            .skip(1)
            .step_by(2)
            .map(|p| cwd.join(p))
            .collect()
    };
    let mut writes = Writes::default();
    for line in log.lines() {
        let Some(call) = line
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.split('(').next())
        else {
            continue;
        };
        let paths = quoted(line);
        match call {
            "open" | "openat" | "creat"
                if call == "creat"
                    || ["O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC"]
                        .iter()
                        .any(|f| line.contains(f)) =>
            {
                writes.opened.extend(paths.into_iter().take(1))
            }
            "rename" | "renameat" | "renameat2" if paths.len() >= 2 => {
                writes.renamed.push((paths[0].clone(), paths[1].clone()))
            }
            "mkdir" | "mkdirat" => writes.made_dirs.extend(paths.into_iter().take(1)),
            "unlink" | "unlinkat" | "rmdir" => writes.removed.extend(paths.into_iter().take(1)),
            _ => {}
        }
    }
    writes
}

#[test]
fn writes_only_its_cache_and_the_file_a_command_changes_each_atomically() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap();
    let [home, cache, config, data, temp, work] =
        ["home", "cache", "config", "data", "tmp", "work"].map(|d| {
            let p = root.join(d);
            std::fs::create_dir(&p).unwrap();
            p
        });
    // A user corpus large enough (over a million characters) to be indexed into the cache.
    let corpus = work.join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    for i in 0..40 {
        std::fs::write(
            corpus.join(format!("e{i:02}.txt")),
            random_han(80_000, i + 1),
        )
        .unwrap();
    }
    let project = work.join("essay-lsp.toml");
    std::fs::write(&project, "# 项目设置\n[copy]\nminLength = 13\n").unwrap();
    let draft = work.join("draft.md");
    let text = "20xx年，我们对照两不愁三保障逐户核查。\n本文仅供参考。\n小康不小康，";
    std::fs::write(&draft, text).unwrap();
    std::fs::write(work.join("older.md"), "去年的心得：扶贫先扶志。").unwrap();
    let before = snapshot(&root);

    let trace = root.join("strace.log");
    let traced = strace_works();
    let mut command = if traced {
        let mut c = Command::new("strace");
        c.args(["-f", "-qq", "-s", "4096", "-o"]).arg(&trace).args([
            "-e",
            "trace=open,openat,creat,rename,renameat,renameat2,mkdir,mkdirat,unlink,unlinkat,rmdir",
            binary(),
        ]);
        c
    } else {
        eprintln!("skipped: strace cannot trace here; checking the files on disk only");
        Command::new(binary())
    };
    command
        .current_dir(&work)
        .env("HOME", &home)
        .env("XDG_CACHE_HOME", &cache)
        .env("XDG_CONFIG_HOME", &config)
        .env("XDG_DATA_HOME", &data)
        .env("XDG_STATE_HOME", &data)
        .env("TMPDIR", &temp);
    let mut client = Client::start_command(command);
    let uri = file_uri(&draft);
    client.initialize_in(
        &work,
        json!({}),
        json!({"essayLsp": {"corpus": {"paths": ["corpus"], "includeWorkspace": true}}}),
    );
    client.open(&uri, text);
    let diagnostics = client.diagnostics(&uri, 1);
    assert!(
        codes(&diagnostics).contains(&"placeholder".to_owned()),
        "{diagnostics:?}"
    );
    // Everything a session does …
    change(
        &mut client,
        &uri,
        2,
        Some(lsp_range((2, 6), (2, 6))),
        "关键看老乡。",
    );
    client.diagnostics(&uri, 2);
    client.request("textDocument/hover", hover(&uri, 0, 10));
    client.request("textDocument/completion", hover(&uri, 2, 6));
    client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": lsp_range((0, 0), (3, 0)), "context": {"diagnostics": []}}),
    );
    client.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": uri}}),
    );
    client.request(
        "workspace/executeCommand",
        json!({"command": "essayLsp.report", "arguments": [uri]}),
    );
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri}}),
    );
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"essayLsp": {"corpus": {"paths": ["corpus"], "includeWorkspace": true}, "copy": {"minLength": 14}}}}),
    );
    // … and the one command that changes a file: the project file.
    let ignored = client.request(
        "workspace/executeCommand",
        json!({"command": "essayLsp.ignorePhrase", "arguments": [uri, "本文仅供参考"]}),
    );
    assert!(ignored.is_string(), "{ignored}");
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    // The large corpus is indexed and cached in the background; on a loaded machine that can
    // take longer than the session above. Shutting down earlier is fine (the server does not
    // wait for an index nobody needs), but then there is no cache write to check.
    wait_for_cached_index(&cache.join("essay-lsp"));
    assert_eq!(client.shutdown_and_exit().code(), Some(0));

    // On disk: the cache and the project file changed, nothing else.
    let after = snapshot(&root);
    let cache_dir = cache.join("essay-lsp");
    let allowed = |p: &Path| p.starts_with(&cache) || p == project || p == trace;
    for (path, state) in &after {
        if before.get(path) != Some(state) && !allowed(path) {
            panic!("{} was written", path.display());
        }
    }
    for path in before.keys() {
        assert!(after.contains_key(path), "{} was removed", path.display());
    }
    let project_text = std::fs::read_to_string(&project).unwrap();
    assert!(
        project_text.starts_with("# 项目设置\n") && project_text.contains("本文仅供参考"),
        "{project_text}"
    );
    // Replaced by a rename (a new inode), not rewritten in place.
    assert_ne!(
        before[&project].2, after[&project].2,
        "project file written in place"
    );
    let cached: Vec<&PathBuf> = after
        .keys()
        .filter(|p| p.starts_with(&cache_dir) && p.is_file())
        .collect();
    assert!(
        !cached.is_empty(),
        "the large corpus's index was not cached"
    );
    assert!(
        cached
            .iter()
            .all(|p| !p.file_name().unwrap().to_string_lossy().contains(".tmp")),
        "temporary files left behind: {cached:?}"
    );

    // Syscall by syscall: every file opened for writing is in the cache or a temporary file
    // that is then renamed onto the file it replaces.
    if traced {
        let log = std::fs::read_to_string(&trace).unwrap();
        let writes = parse_strace(&log, &work);
        let renamed_from: Vec<&PathBuf> = writes.renamed.iter().map(|(from, _)| from).collect();
        for path in &writes.opened {
            let in_cache = path.starts_with(&cache);
            assert!(
                renamed_from.contains(&path) && (in_cache || path.parent() == project.parent()),
                "{} opened for writing and not renamed into place",
                path.display()
            );
            assert!(
                *path != project && !path.starts_with(&corpus) && *path != draft,
                "{} written directly",
                path.display()
            );
        }
        for (from, to) in &writes.renamed {
            assert!(
                writes.opened.contains(from) && (to.starts_with(&cache) || *to == project),
                "rename {} → {}",
                from.display(),
                to.display()
            );
        }
        for dir in &writes.made_dirs {
            assert!(dir.starts_with(&cache), "made {}", dir.display());
        }
        for path in &writes.removed {
            assert!(
                path.starts_with(&cache) || renamed_from.contains(&path),
                "removed {}",
                path.display()
            );
        }
        assert!(
            !writes.opened.is_empty(),
            "strace saw no writes: {writes:?}"
        );
        eprintln!(
            "strace: {} files opened for writing, renamed into place: {:?}",
            writes.opened.len(),
            writes.renamed
        );
    }
}

/// Waits (up to two minutes) until `dir` holds a finished index file.
fn wait_for_cached_index(dir: &Path) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        let done = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .any(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.starts_with("index-") && name.ends_with(".bin")
            });
        if done {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
