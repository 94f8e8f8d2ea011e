//! End-to-end benchmarks: the release binary over stdio, as an editor drives it.
//!
//! `cargo bench --bench e2e` runs every scenario; name some to run only those:
//! `cargo bench --bench e2e -- startup typing ime large cli`.
//!
//! - `startup`: process start → `initialize` answered → first diagnostics of an opened essay,
//!   and peak RSS, with the built-in corpus (20 starts; the first with an empty cache folder).
//! - `typing` / `ime`: a 20,000-character essay typed into an empty document, one change per
//!   character (`typing`) or per 2–4-character IME commit (`ime`), `diagnostics.debounceMs` = 0
//!   so the debounce is excluded: change → `publishDiagnostics` latency for every change, and
//!   completion latency (requested right after the change, as editors do) after every clause
//!   mark and every 10th change.
//! - `large`: a synthetic user corpus (`E2E_LARGE_MB`, default 100) in a temp folder: start to
//!   first diagnostics (built-in corpus), to the user index being ready, peak RSS, the copy check
//!   of a 20,000-character draft, then the same after a restart (index from the cache).
//! - `cli`: `essay-lsp check --corpus` over the same corpus, cold and with the cache.
//!
//! Results are printed as Markdown table rows for BENCHMARKS.md.

// The LSP client the end-to-end tests use; this benchmark uses its timed methods.
#[path = "../../tests/e2e/client.rs"]
mod lsp;
#[path = "../core/benches/support/synth.rs"]
mod synth;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use lsp::Client;

const BINARY: &str = env!("CARGO_BIN_EXE_essay-lsp");
const DRAFT_CHARS: usize = 20_000;
const URI: &str = "file:///bench/draft.md";

/// Waits in the benchmarks are long: a large corpus is indexed within them.
const TIMEOUT: Duration = Duration::from_secs(300);

/// Starts the server with `cache_home` as its `XDG_CACHE_HOME` and initializes it as an editor
/// that shows progress: the client and when `initialize` was answered.
fn start(cache_home: &Path, options: Value) -> (Client, Instant) {
    let mut command = Command::new(BINARY);
    command.env("XDG_CACHE_HOME", cache_home);
    let mut client = Client::start_command(command).with_timeout(TIMEOUT);
    let mut capabilities = lsp::capabilities();
    capabilities["window"] = json!({"workDoneProgress": true});
    let (initialized, _) = client.initialize_timed(capabilities, options);
    (client, initialized)
}

/// Gives the server this long to exit after `exit`; the client kills it after that.
fn shutdown(client: Client) {
    client.shutdown_within(Duration::from_secs(10));
}

/// Peak resident set size of the server so far (`VmHWM`), in KiB (Linux; 0 elsewhere).
fn peak_rss_kib(client: &Client) -> u64 {
    std::fs::read_to_string(format!("/proc/{}/status", client.pid()))
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
struct End {
    line: u32,
    character: u32,
}

impl End {
    fn advance(&mut self, text: &str) {
        for c in text.chars() {
            if c == '\n' {
                self.line += 1;
                self.character = 0;
            } else {
                self.character += c.len_utf16() as u32;
            }
        }
    }

    fn position(&self) -> Value {
        json!({"line": self.line, "character": self.character})
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// p-th percentile (0–100) of `samples`, nearest rank.
fn percentile(samples: &[f64], p: f64) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(|a, b| a.total_cmp(b));
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn summary(label: &str, samples: &[f64]) {
    println!(
        "| {label} | n={} | p50 {:.2} ms | p90 {:.2} ms | p99 {:.2} ms | max {:.2} ms |",
        samples.len(),
        percentile(samples, 50.0),
        percentile(samples, 90.0),
        percentile(samples, 99.0),
        percentile(samples, 100.0)
    );
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("essay-lsp-bench-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn example_draft() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/draft.md")).unwrap()
}

fn startup() {
    println!("\n## startup (built-in corpus)\n");
    let cache = temp_dir("startup-cache");
    let text = example_draft();
    let (mut init, mut first, mut rss) = (Vec::new(), Vec::new(), Vec::new());
    let (mut first_hover, mut hover_ready) = (Vec::new(), Vec::new());
    for run in 0..20 {
        let (mut client, initialized) = start(&cache, json!({}));
        client.open(URI, &text);
        let (at, diagnostics) = client.diagnostics_timed(URI, 1);
        assert!(!diagnostics.is_empty());
        let (t_init, t_diag) = (ms(initialized - client.started), ms(at - client.started));
        if run == 0 {
            println!("| first start (empty cache folder) | initialize {t_init:.1} ms | first diagnostics {t_diag:.1} ms |");
        }
        init.push(t_init);
        first.push(t_diag);
        // Hover on 两不愁三保障 (line 7): the first one may wait for the glossary, mined in the
        // background after start; the second is a plain hover.
        let hover = json!({"textDocument": {"uri": URI}, "position": {"line": 6, "character": 18}});
        for samples in [&mut first_hover, &mut hover_ready] {
            let asked = Instant::now();
            let (answered, result) = client.request_timed("textDocument/hover", hover.clone());
            assert!(result["contents"]["value"]
                .as_str()
                .is_some_and(|v| v.contains("两不愁三保障")));
            samples.push(ms(answered - asked));
        }
        rss.push(peak_rss_kib(&client) as f64 / 1024.0);
        shutdown(client);
    }
    for (label, samples) in [
        ("start → initialize answered", &init),
        ("start → first diagnostics", &first),
        (
            "hover right after the first diagnostics (waits for the glossary)",
            &first_hover,
        ),
        ("hover once ready", &hover_ready),
    ] {
        summary(label, samples);
    }
    println!(
        "| peak RSS after first diagnostics and a hover | p50 {:.1} MB | max {:.1} MB |",
        percentile(&rss, 50.0),
        percentile(&rss, 100.0)
    );
    // Ready: a hover and a completion sent right after `initialize` and `didOpen`, timed from
    // process start to their answers (with a definition, with items).
    let (mut hover_at, mut completion_at) = (Vec::new(), Vec::new());
    for _ in 0..20 {
        let (mut client, _) = start(&cache, json!({}));
        client.open(URI, "两不愁三保障\n坚决打赢脱贫攻");
        let hover = json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": 2}});
        let (answered, result) = client.request_timed("textDocument/hover", hover);
        assert!(result["contents"]["value"]
            .as_str()
            .is_some_and(|v| v.contains("不愁吃")));
        hover_at.push(ms(answered - client.started));
        let complete =
            json!({"textDocument": {"uri": URI}, "position": {"line": 1, "character": 7}});
        let (answered, result) = client.request_timed("textDocument/completion", complete);
        assert!(result["items"]
            .as_array()
            .is_some_and(|items| !items.is_empty()));
        completion_at.push(ms(answered - client.started));
        shutdown(client);
    }
    summary("start → first hover answered with a definition", &hover_at);
    summary(
        "start → first completion answered with items",
        &completion_at,
    );
    let _ = std::fs::remove_dir_all(&cache);
}

/// Types `text` into an empty document in chunks; returns (diagnostics latencies, completion
/// latencies, diagnostics latencies of the changes made once the document had 18,000 chars).
fn replay(chunks: &[String]) -> (Vec<f64>, Vec<f64>, Vec<f64>, u64) {
    let cache = temp_dir("typing-cache");
    let (mut client, _) = start(
        &cache,
        json!({"essayLsp": {"diagnostics": {"debounceMs": 0}}}),
    );
    client.open(URI, "");
    client.diagnostics(URI, 1);
    let mut end = End::default();
    let (mut diag, mut completion, mut late) = (Vec::new(), Vec::new(), Vec::new());
    let mut typed = 0usize;
    for (n, chunk) in chunks.iter().enumerate() {
        let version = n as i64 + 2;
        let at = end.position();
        let sent = Instant::now();
        client.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": URI, "version": version},
                "contentChanges": [{"range": {"start": at, "end": at}, "text": chunk}],
            }),
        );
        end.advance(chunk);
        typed += chunk.chars().count();
        let ask = chunk.ends_with(['，', '、', '；', '：']) || n % 10 == 9;
        let request = ask.then(|| {
            let id = client.send_request(
                "textDocument/completion",
                json!({"textDocument": {"uri": URI}, "position": end.position()}),
            );
            (id, Instant::now())
        });
        let (arrived, _) = client.diagnostics_timed(URI, version);
        let latency = ms(arrived - sent);
        diag.push(latency);
        if typed >= 18_000 {
            late.push(latency);
        }
        if let Some((id, asked)) = request {
            let (answered, _) = client.response_timed(id);
            completion.push(ms(answered - asked));
        }
        client.clear_backlog();
    }
    let rss = peak_rss_kib(&client);
    shutdown(client);
    let _ = std::fs::remove_dir_all(&cache);
    (diag, completion, late, rss)
}

fn typing(ime: bool) {
    let text = synth::builtin_draft(DRAFT_CHARS);
    let mut chunks: Vec<String> = Vec::new();
    if ime {
        let mut rng = synth::Rng::new(4);
        let chars: Vec<char> = text.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let mut n = rng.between(2, 4).min(chars.len() - i);
            // A line break is its own change (Enter), as is punctuation typed after a commit.
            if let Some(nl) = chars[i..i + n].iter().position(|&c| c == '\n') {
                n = nl.max(1);
            }
            chunks.push(chars[i..i + n].iter().collect());
            i += n;
        }
    } else {
        chunks = text.chars().map(String::from).collect();
    }
    let title = if ime {
        "IME commits of 2–4 characters"
    } else {
        "one change per character"
    };
    println!(
        "\n## typing a 20,000-character essay, {title} ({} changes)\n",
        chunks.len()
    );
    let started = Instant::now();
    let (diag, completion, late, rss) = replay(&chunks);
    for (label, samples) in [
        ("change → publishDiagnostics, all changes", &diag),
        (
            "change → publishDiagnostics, document ≥ 18,000 chars",
            &late,
        ),
        ("completion request → response", &completion),
    ] {
        summary(label, samples);
    }
    println!(
        "| peak RSS | {:.1} MB | replay took {:.0} s |",
        rss as f64 / 1024.0,
        started.elapsed().as_secs_f64()
    );
}

fn user_corpus_diagnostics(diagnostics: &[Value]) -> usize {
    diagnostics
        .iter()
        .filter(|d| {
            d["message"]
                .as_str()
                .is_some_and(|m| m.contains("与语料《0"))
        })
        .count()
}

/// One server start with a user corpus: prints start → first diagnostics → user index ready,
/// then the copy check latency of a 20,000-character draft.
fn large_start(label: &str, corpus: &Path, cache: &Path, draft: &str, edited: &str) {
    let (mut client, _) = start(
        cache,
        json!({"essayLsp": {
            "corpus": {"paths": [corpus]},
            "diagnostics": {"debounceMs": 0},
        }}),
    );
    client.open(URI, draft);
    let (first, diagnostics) = client.diagnostics_timed(URI, 1);
    let mut ready = None;
    let mut user = user_corpus_diagnostics(&diagnostics);
    if user == 0 {
        // Served with the built-in corpus first; wait for the user index.
        let (done, msg) = client.wait_for_timed(|m| {
            (m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end")
                || (m["method"] == "textDocument/publishDiagnostics"
                    && m["params"]["version"] == 1
                    && user_corpus_diagnostics(
                        m["params"]["diagnostics"].as_array().unwrap_or(&Vec::new()),
                    ) > 0)
        });
        ready = Some(done);
        if msg["method"] == "$/progress" {
            let again = client.diagnostics(URI, 1);
            user = user_corpus_diagnostics(&again);
        } else {
            user = user_corpus_diagnostics(msg["params"]["diagnostics"].as_array().unwrap());
        }
    }
    let ready = ready.unwrap_or(first);
    println!(
        "| {label}: start → first diagnostics | {:.0} ms |",
        ms(first - client.started)
    );
    println!(
        "| {label}: start → user corpus ready (diagnostics name user essays: {user}) | {:.0} ms |",
        ms(ready - client.started)
    );
    // The copy check of the whole draft against the large corpus: replace the text.
    let mut latencies = Vec::new();
    for n in 0..20 {
        let version = n as i64 + 2;
        let text = if n % 2 == 0 { edited } else { draft };
        let sent = Instant::now();
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": URI, "version": version}, "contentChanges": [{"text": text}]}),
        );
        let (at, _) = client.diagnostics_timed(URI, version);
        latencies.push(ms(at - sent));
        client.clear_backlog();
    }
    summary(
        &format!("{label}: whole-draft change → publishDiagnostics"),
        &latencies,
    );
    println!(
        "| {label}: peak RSS | {:.0} MB |",
        peak_rss_kib(&client) as f64 / 1024.0
    );
    shutdown(client);
}

fn large_mb() -> usize {
    std::env::var("E2E_LARGE_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100)
}

/// The synthetic corpus and a draft copying from it, written to a temp folder.
fn large_inputs() -> (PathBuf, PathBuf, String) {
    let mb = large_mb();
    let root = temp_dir(&format!("large-{mb}"));
    let texts = synth::corpus_texts(1, mb << 20);
    let written = synth::write_texts(&root.join("corpus"), &texts, true).unwrap();
    let draft = synth::draft_copying(&texts, DRAFT_CHARS);
    let draft_path = root.join("draft.md");
    std::fs::write(&draft_path, &draft).unwrap();
    println!(
        "\ncorpus: {} files, {:.1} MB on disk, {} chars (seed 1)\n",
        written.files,
        written.bytes as f64 / 1048576.0,
        written.chars
    );
    (root, draft_path, draft)
}

fn large() {
    println!("\n## large user corpus ({} MB) over LSP\n", large_mb());
    let (root, _, draft) = large_inputs();
    let cache = root.join("cache-home");
    let middle = draft.char_indices().nth(DRAFT_CHARS / 2).unwrap().0;
    let edited = format!("{}的{}", &draft[..middle], &draft[middle..]);
    large_start(
        "cold (empty cache)",
        &root.join("corpus"),
        &cache,
        &draft,
        &edited,
    );
    large_start(
        "restart (index cached)",
        &root.join("corpus"),
        &cache,
        &draft,
        &edited,
    );
    let _ = std::fs::remove_dir_all(&root);
}

/// Wall time and peak RSS of one command, through GNU time when it is there.
fn timed(cmd: &mut Command) -> (f64, Option<f64>) {
    let gnu_time = Path::new("/usr/bin/time");
    let started = Instant::now();
    if gnu_time.exists() {
        let program = cmd.get_program().to_owned();
        let args: Vec<_> = cmd.get_args().map(|a| a.to_owned()).collect();
        let envs: Vec<_> = cmd
            .get_envs()
            .filter_map(|(k, v)| Some((k.to_owned(), v?.to_owned())))
            .collect();
        let out = Command::new(gnu_time)
            .arg("-f")
            .arg("TIME %e %M")
            .arg(program)
            .args(args)
            .envs(envs)
            .output()
            .unwrap();
        let wall = started.elapsed().as_secs_f64();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let rss = stderr
            .lines()
            .find_map(|l| l.strip_prefix("TIME "))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|n| n.parse::<f64>().ok())
            .map(|kib| kib / 1024.0);
        (wall, rss)
    } else {
        cmd.output().unwrap();
        (started.elapsed().as_secs_f64(), None)
    }
}

fn cli() {
    println!("\n## essay-lsp check --corpus ({} MB)\n", large_mb());
    let (root, draft_path, _) = large_inputs();
    let cache = root.join("cache-home");
    for label in ["cold (empty cache)", "warm (index cached)"] {
        let (wall, rss) = timed(
            Command::new(BINARY)
                .env("XDG_CACHE_HOME", &cache)
                .arg("check")
                .arg("--corpus")
                .arg(root.join("corpus"))
                .arg(&draft_path),
        );
        println!(
            "| check {label} | {:.2} s | peak RSS {} |",
            wall,
            rss.map_or("n/a".to_owned(), |r| format!("{r:.0} MB"))
        );
    }
    let (wall, rss) = timed(Command::new(BINARY).arg("check").arg(&draft_path));
    println!(
        "| check, built-in corpus only | {:.2} s | peak RSS {} |",
        wall,
        rss.map_or("n/a".to_owned(), |r| format!("{r:.0} MB"))
    );
    let _ = std::fs::remove_dir_all(&root);
}

fn main() {
    let wanted: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let want = |s: &str| wanted.is_empty() || wanted.iter().any(|w| w == s);
    println!(
        "essay-lsp end-to-end benchmarks: {BINARY}\n{} cores",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    if want("startup") {
        startup();
    }
    if want("typing") {
        typing(false);
    }
    if want("ime") {
        typing(true);
    }
    if want("large") {
        large();
    }
    if want("cli") {
        cli();
    }
}
