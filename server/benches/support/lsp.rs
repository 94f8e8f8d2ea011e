//! A minimal LSP client over a child process's stdio, timing what arrives (for the end-to-end
//! benchmark harness; `tests/e2e/client.rs` is the test suite's own).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub const TIMEOUT: Duration = Duration::from_secs(300);

pub struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<(Instant, Value)>,
    backlog: Vec<(Instant, Value)>,
    next_id: i64,
    pub started: Instant,
}

impl Client {
    /// Starts `binary` with `cache_home` as its `XDG_CACHE_HOME`.
    pub fn start(binary: &str, cache_home: &Path) -> Client {
        let started = Instant::now();
        let mut child = Command::new(binary)
            .env("XDG_CACHE_HOME", cache_home)
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
                let value: Value = serde_json::from_slice(&body).expect("valid JSON");
                if tx.send((Instant::now(), value)).is_err() {
                    return;
                }
            }
        });
        let stdin = child.stdin.take().unwrap();
        Client {
            child,
            stdin,
            incoming: rx,
            backlog: Vec::new(),
            next_id: 1,
            started,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    fn send(&mut self, msg: &Value) {
        let body = msg.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
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

    /// Sends a request and waits for the response: (arrival time, result).
    pub fn request(&mut self, method: &str, params: Value) -> (Instant, Value) {
        let id = self.send_request(method, params);
        let (at, msg) =
            self.wait_for(|m| m.get("id") == Some(&json!(id)) && m.get("method").is_none());
        if let Some(e) = msg.get("error") {
            panic!("{method} failed: {e}");
        }
        (at, msg["result"].clone())
    }

    /// The next message matching `pred`, with its arrival time. Requests from the server are
    /// answered with null, as a client that supports them would.
    pub fn wait_for(&mut self, pred: impl Fn(&Value) -> bool) -> (Instant, Value) {
        if let Some(i) = self.backlog.iter().position(|(_, m)| pred(m)) {
            return self.backlog.remove(i);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok((at, msg)) => {
                    if msg.get("id").is_some() && msg.get("method").is_some() {
                        let reply =
                            json!({"jsonrpc": "2.0", "id": msg["id"].clone(), "result": null});
                        self.send(&reply);
                    }
                    if pred(&msg) {
                        return (at, msg);
                    }
                    // Keep what a later wait may ask for (not the log).
                    if msg.get("method").is_none_or(|m| m != "window/logMessage") {
                        self.backlog.push((at, msg));
                    }
                }
                Err(RecvTimeoutError::Timeout) => panic!("timed out waiting"),
                Err(RecvTimeoutError::Disconnected) => panic!("server closed stdout"),
            }
        }
    }

    /// Drops everything received so far.
    pub fn clear_backlog(&mut self) {
        while let Ok(msg) = self.incoming.try_recv() {
            if msg.1.get("id").is_some() && msg.1.get("method").is_some() {
                let reply = json!({"jsonrpc": "2.0", "id": msg.1["id"].clone(), "result": null});
                self.send(&reply);
            }
        }
        self.backlog.clear();
    }

    pub fn initialize(&mut self, options: Value) -> Instant {
        let (at, _) = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": null,
                "capabilities": {
                    "general": {"positionEncodings": ["utf-16"]},
                    "window": {"workDoneProgress": true},
                    "textDocument": {
                        "completion": {"completionItem": {"snippetSupport": false}},
                        "publishDiagnostics": {"relatedInformation": true, "versionSupport": true}
                    }
                },
                "initializationOptions": options,
            }),
        );
        self.notify("initialized", json!({}));
        at
    }

    pub fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
        );
    }

    /// Waits for diagnostics of `uri` at `version`: (arrival, diagnostics).
    pub fn diagnostics(&mut self, uri: &str, version: i64) -> (Instant, Vec<Value>) {
        let (at, msg) = self.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
        });
        (at, msg["params"]["diagnostics"].as_array().unwrap().clone())
    }

    /// Peak resident set size so far, in KiB (Linux; 0 elsewhere).
    pub fn peak_rss_kib(&self) -> u64 {
        peak_rss_kib(self.child.id())
    }

    pub fn shutdown(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `VmHWM` of a running process, in KiB.
pub fn peak_rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// Where typing at the end of a document goes: line and UTF-16 column.
#[derive(Debug, Clone, Copy, Default)]
pub struct End {
    pub line: u32,
    pub character: u32,
}

impl End {
    pub fn advance(&mut self, text: &str) {
        for c in text.chars() {
            if c == '\n' {
                self.line += 1;
                self.character = 0;
            } else {
                self.character += c.len_utf16() as u32;
            }
        }
    }

    pub fn position(&self) -> Value {
        json!({"line": self.line, "character": self.character})
    }
}
