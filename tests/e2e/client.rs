//! A minimal LSP client over the server's stdio, shared by the end-to-end tests (`mod client`)
//! and the end-to-end benchmarks (`server/benches/e2e.rs` includes this file as `mod lsp`).
//!
//! Every message is stamped with its arrival time: the tests use the plain methods, the
//! benchmarks the `_timed` ones. Each crate uses part of the API, hence the `dead_code` allow.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// How long a wait lasts before it panics, unless `with_timeout` says otherwise.
pub const TIMEOUT: Duration = Duration::from_secs(30);

pub struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<(Instant, Value)>,
    /// Messages read while waiting for something else, with their arrival times.
    backlog: Vec<(Instant, Value)>,
    next_id: i64,
    timeout: Duration,
    /// When the process was started.
    pub started: Instant,
}

/// The `essay-lsp` binary Cargo built for this test or benchmark.
pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_essay-lsp")
}

/// The repository root, where `examples/` and `corpus/` live.
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

/// Runs `essay-lsp check ARGS` in `dir`: exit code, stdout, stderr.
pub fn run_check(args: &[&str], dir: &Path) -> (i32, String, String) {
    let out = Command::new(binary())
        .arg("check")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run essay-lsp check");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Client capabilities of a plain editor: UTF-16 positions, no snippets, versioned diagnostics.
pub fn capabilities() -> Value {
    json!({
        "general": {"positionEncodings": ["utf-16"]},
        "textDocument": {
            "completion": {"completionItem": {"snippetSupport": false}},
            "publishDiagnostics": {"relatedInformation": true, "versionSupport": true}
        }
    })
}

impl Client {
    pub fn start() -> Client {
        Client::start_with(&[])
    }

    pub fn start_with(args: &[&str]) -> Client {
        let mut command = Command::new(binary());
        command.args(args);
        Client::start_command(command)
    }

    /// Starts the server from a prepared command (binary, arguments, environment, working
    /// directory).
    pub fn start_command(mut command: Command) -> Client {
        let started = Instant::now();
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start essay-lsp");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::with_capacity(1 << 20, stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("Content-Length header")];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let value: Value = serde_json::from_slice(&body).expect("server sent valid JSON");
                if tx.send((Instant::now(), value)).is_err() {
                    return;
                }
            }
        });
        let stdin = child.stdin.take();
        Client {
            child,
            stdin,
            incoming: rx,
            backlog: Vec::new(),
            next_id: 1,
            timeout: TIMEOUT,
            started,
        }
    }

    /// How long `wait_for` and `wait_exit` wait before they panic.
    pub fn with_timeout(mut self, timeout: Duration) -> Client {
        self.timeout = timeout;
        self
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Writes one framed message (header and body in one write).
    pub fn send_raw(&mut self, body: &[u8]) {
        let mut framed = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        framed.extend_from_slice(body);
        self.send_bytes(&framed);
    }

    /// Writes bytes as they are, without framing.
    pub fn send_bytes(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    fn send(&mut self, msg: &Value) {
        self.send_raw(msg.to_string().as_bytes());
    }

    /// Answers a request from the server (window/workDoneProgress/create …) with null, as a
    /// client that supports it would.
    fn answer_server_request(&mut self, msg: &Value) {
        if msg.get("id").is_some() && msg.get("method").is_some() {
            self.send(&json!({"jsonrpc": "2.0", "id": msg["id"].clone(), "result": null}));
        }
    }

    /// The next message, from the backlog or the wire, answering server requests as `wait_for`
    /// does; `None` if nothing arrives within `timeout`.
    pub fn next_message(&mut self, timeout: Duration) -> Option<Value> {
        if !self.backlog.is_empty() {
            return Some(self.backlog.remove(0).1);
        }
        let (_, msg) = self.incoming.recv_timeout(timeout).ok()?;
        self.answer_server_request(&msg);
        Some(msg)
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// Waits for the response to request `id`: (arrival time, whole response).
    pub fn response_timed(&mut self, id: i64) -> (Instant, Value) {
        self.wait_for_timed(|m| m.get("id") == Some(&json!(id)) && m.get("method").is_none())
    }

    /// Sends a request and waits for its response; panics on timeout. Returns the whole response.
    pub fn request_full(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        self.response_timed(id).1
    }

    /// Sends a request and waits for its `result`, panicking on an error response:
    /// (arrival time, result).
    pub fn request_timed(&mut self, method: &str, params: Value) -> (Instant, Value) {
        let id = self.send_request(method, params.clone());
        let (at, response) = self.response_timed(id);
        if let Some(error) = response.get("error") {
            panic!("{method} failed: {error} (params {params})");
        }
        (at, response["result"].clone())
    }

    /// Sends a request and returns its `result`, panicking on an error response.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.request_timed(method, params).1
    }

    /// The next message matching `pred`, from the backlog or the wire, with its arrival time.
    /// Server requests are answered with null as a client would.
    pub fn wait_for_timed(&mut self, pred: impl Fn(&Value) -> bool) -> (Instant, Value) {
        if let Some(i) = self.backlog.iter().position(|(_, m)| pred(m)) {
            return self.backlog.remove(i);
        }
        let deadline = Instant::now() + self.timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok((at, msg)) => {
                    self.answer_server_request(&msg);
                    if pred(&msg) {
                        return (at, msg);
                    }
                    self.backlog.push((at, msg));
                }
                Err(RecvTimeoutError::Timeout) => {
                    panic!("timed out; messages seen: {}", self.backlog_json())
                }
                Err(RecvTimeoutError::Disconnected) => panic!(
                    "server closed stdout; messages seen: {}",
                    self.backlog_json()
                ),
            }
        }
    }

    /// The next message matching `pred`, from the backlog or the wire (see `wait_for_timed`).
    pub fn wait_for(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        self.wait_for_timed(pred).1
    }

    fn backlog_json(&self) -> String {
        let seen: Vec<&Value> = self.backlog.iter().map(|(_, m)| m).collect();
        serde_json::to_string_pretty(&seen).unwrap()
    }

    /// Messages that arrive within `window` from now (earlier unread ones are not included).
    pub fn drain(&mut self, window: Duration) -> Vec<Value> {
        let deadline = Instant::now() + window;
        let mut out = Vec::new();
        while let Ok((_, msg)) = self
            .incoming
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            out.push(msg);
        }
        out
    }

    /// Drops everything received so far, answering server requests among it.
    pub fn clear_backlog(&mut self) {
        while let Ok((_, msg)) = self.incoming.try_recv() {
            self.answer_server_request(&msg);
        }
        self.backlog.clear();
    }

    /// `initialize` with `params`, then `initialized`: (arrival time, result).
    fn handshake(&mut self, params: Value) -> (Instant, Value) {
        let answer = self.request_timed("initialize", params);
        self.notify("initialized", json!({}));
        answer
    }

    /// `initialize` without a workspace folder, with the given client capabilities, then
    /// `initialized`: (arrival time, result).
    pub fn initialize_timed(&mut self, capabilities: Value, options: Value) -> (Instant, Value) {
        self.handshake(json!({
            "processId": null,
            "rootUri": null,
            "capabilities": capabilities,
            "initializationOptions": options,
        }))
    }

    /// `initialize` as a plain editor (`capabilities()`) without a workspace folder, then
    /// `initialized`.
    pub fn initialize(&mut self, options: Value) -> Value {
        self.initialize_timed(capabilities(), options).1
    }

    /// `initialize` with the given client capabilities and workspace folder (a path), then
    /// `initialized`.
    pub fn initialize_in(&mut self, root: &Path, capabilities: Value, options: Value) -> Value {
        let root_uri = file_uri(root);
        self.handshake(json!({
            "processId": null,
            "rootUri": root_uri,
            "workspaceFolders": [{"uri": root_uri, "name": "essays"}],
            "capabilities": capabilities,
            "initializationOptions": options,
        }))
        .1
    }

    pub fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
        );
    }

    /// Waits for diagnostics of `uri` at `version`: (arrival time, diagnostics).
    pub fn diagnostics_timed(&mut self, uri: &str, version: i64) -> (Instant, Vec<Value>) {
        let (at, msg) = self.wait_for_timed(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
        });
        (at, msg["params"]["diagnostics"].as_array().unwrap().clone())
    }

    /// Waits for diagnostics of `uri` at `version`.
    pub fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        self.diagnostics_timed(uri, version).1
    }

    fn shutdown_request(&mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
    }

    /// `shutdown` and `exit`; panics unless the server exits within the timeout.
    pub fn shutdown_and_exit(mut self) -> ExitStatus {
        self.shutdown_request();
        self.wait_exit()
    }

    /// `shutdown` and `exit`, giving the server `grace` to exit; one that has not is killed
    /// when the client is dropped.
    pub fn shutdown_within(mut self, grace: Duration) {
        self.shutdown_request();
        self.exit_status_within(grace);
    }

    pub fn close_stdin(&mut self) {
        self.stdin.take();
    }

    fn exit_status_within(&mut self, wait: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + wait;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits for the server to exit; panics (after killing it) when it does not in time.
    pub fn wait_exit(mut self) -> ExitStatus {
        match self.exit_status_within(self.timeout) {
            Some(status) => status,
            None => {
                let _ = self.child.kill();
                panic!("server did not exit");
            }
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// A diagnostic's range as (start line, start character, end line, end character).
pub fn range(d: &Value) -> (u64, u64, u64, u64) {
    let r = &d["range"];
    (
        r["start"]["line"].as_u64().unwrap(),
        r["start"]["character"].as_u64().unwrap(),
        r["end"]["line"].as_u64().unwrap(),
        r["end"]["character"].as_u64().unwrap(),
    )
}

/// `file://` URI of an absolute path made of URI-safe characters (test temp folders are).
pub fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// The ranges (see `range`) of the diagnostics with `code`, in the order published.
pub fn ranges_of(diagnostics: &[Value], code: &str) -> Vec<(u64, u64, u64, u64)> {
    diagnostics
        .iter()
        .filter(|d| d["code"] == code)
        .map(range)
        .collect()
}
