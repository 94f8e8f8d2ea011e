//! `essay-lsp check`: the same analysis as the editor, printed for a terminal or a script.

use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::json;

use essay_lsp::analysis::Analyzer;
use essay_lsp::checks::{Code, Severity};
use essay_lsp::config::Settings;
use essay_lsp::corpus::read_text_file;
use essay_lsp::document::{Document, PositionEncoding};

pub const USAGE: &str = "\
essay-lsp — 心得体会写作助手：语言服务器与检查工具

用法:
  essay-lsp [--stdio]                 以 LSP 服务器运行（标准输入/输出）
  essay-lsp check [选项] 文件...       检查文稿，打印问题与复制比

check 选项:
  --corpus PATH        追加语料文件或文件夹（.txt/.md，可重复）
  --no-builtin         不使用内置语料
  --glossary PATH      追加术语表文件（TOML，可重复）
  --disable CODE       关闭某项检查（可重复）：placeholder, copied-from-corpus,
                       quoted-from-corpus, repeated-in-document, formulaic-phrase, boilerplate
  --min-length N       复制/重复检测的最短长度（默认 13 字）
  --format text|json   输出格式（默认 text）

  -h, --help           显示帮助
  -V, --version        显示版本

退出码: 0 无问题；1 发现警告或错误；2 用法或读取错误。
";

#[derive(PartialEq)]
enum Format {
    Text,
    Json,
}

struct Options {
    files: Vec<PathBuf>,
    settings: Settings,
    format: Format,
}

fn parse(args: Vec<String>) -> Result<Options, lexopt::Error> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_args(args);
    let mut options = Options {
        files: Vec::new(),
        settings: Settings::default(),
        format: Format::Text,
    };
    while let Some(arg) = parser.next()? {
        match arg {
            Long("corpus") => options.settings.corpus_paths.push(parser.value()?.into()),
            Long("no-builtin") => options.settings.include_builtin = false,
            Long("glossary") => options.settings.glossary_paths.push(parser.value()?.into()),
            Long("disable") => {
                let name = parser.value()?.string()?;
                let code = Code::parse(&name).ok_or_else(|| format!("未知的检查：{name}"))?;
                options.settings.disabled.push(code);
            }
            Long("min-length") => {
                let n: usize = parser.value()?.parse()?;
                if !(6..=200).contains(&n) {
                    return Err("--min-length 应在 6 到 200 之间".into());
                }
                options.settings.min_match_chars = n;
            }
            Long("format") => {
                options.format = match parser.value()?.string()?.as_str() {
                    "text" => Format::Text,
                    "json" => Format::Json,
                    other => {
                        return Err(format!("未知的输出格式：{other}（可用 text、json）").into())
                    }
                }
            }
            Value(file) => options.files.push(file.into()),
            _ => return Err(arg.unexpected()),
        }
    }
    if options.files.is_empty() {
        return Err("请给出要检查的文件".into());
    }
    Ok(options)
}

/// Runs `essay-lsp check` with the arguments after `check`.
pub fn check(args: Vec<String>) -> ExitCode {
    let options = match parse(args) {
        Ok(options) => options,
        Err(e) => {
            eprintln!("essay-lsp: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let (analyzer, problems) = Analyzer::new(&options.settings);
    for problem in &problems {
        eprintln!("essay-lsp: 语料文件已跳过：{problem}");
    }

    let mut worst: Option<Severity> = None;
    let mut io_error = false;
    let mut json_files = Vec::new();
    for path in &options.files {
        let text = match read_text_file(path) {
            Ok(text) => text,
            Err(message) => {
                eprintln!("essay-lsp: {}: {message}", path.display());
                io_error = true;
                continue;
            }
        };
        let report = analyzer.check(&text, &options.settings);
        // Columns are counted in characters, as people count them.
        let doc = Document::new(&text, PositionEncoding::Utf32);
        let shown = path.display().to_string();
        let summary = report.similarity.summary(&analyzer.corpus);
        if options.format == Format::Text {
            for f in &report.findings {
                let p = doc.position(f.range.start);
                println!(
                    "{shown}:{}:{}: {}[{}] {}",
                    p.line + 1,
                    p.character + 1,
                    f.severity.as_str(),
                    f.code,
                    f.message
                );
            }
            if let Some(at) = report.truncated_at {
                println!("{shown}: 文档过长，只检查了前 {at} 字");
            }
            println!("{shown}: {summary}");
        } else {
            let findings: Vec<_> = report
                .findings
                .iter()
                .map(|f| {
                    let (start, end) = doc.range(f.range.clone());
                    json!({
                        "code": f.code.as_str(),
                        "severity": f.severity.as_str(),
                        "message": f.message,
                        "line": start.line + 1,
                        "column": start.character + 1,
                        "range": {
                            "start": {"line": start.line, "character": start.character},
                            "end": {"line": end.line, "character": end.character},
                        },
                        "chars": [f.range.start, f.range.end],
                    })
                })
                .collect();
            let sim = &report.similarity;
            let sources: Vec<_> = sim
                .sources
                .iter()
                .map(|&(essay, chars)| {
                    json!({
                        "title": analyzer.corpus.essays[essay].title,
                        "origin": analyzer.corpus.essays[essay].describe_origin(),
                        "chars": chars,
                        "ratio": chars as f64 / sim.total_chars.max(1) as f64,
                    })
                })
                .collect();
            json_files.push(json!({
                "path": shown,
                "findings": findings,
                "truncatedAt": report.truncated_at,
                "similarity": {
                    "summary": summary,
                    "totalChars": sim.total_chars,
                    "copiedChars": sim.copied_chars,
                    "quotedChars": sim.quoted_chars,
                    "copyRatio": sim.copy_ratio(),
                    "quoteRatio": sim.quote_ratio(),
                    "largestSourceRatio": sim.largest().map(|(_, r)| r).unwrap_or(0.0),
                    "sources": sources,
                },
            }));
        }
        worst = report
            .findings
            .iter()
            .map(|f| f.severity)
            .chain(worst)
            .min();
    }
    if options.format == Format::Json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({ "files": json_files })).expect("json")
        );
    }
    if io_error {
        ExitCode::from(2)
    } else if worst.is_some_and(|s| s <= Severity::Warning) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
