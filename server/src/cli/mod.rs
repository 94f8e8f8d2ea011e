//! `essay-lsp check`: the same analysis as the editor, printed for a terminal or a script.
//!
//! Each file is checked with the `essay-lsp.toml` found above it (as in the editor), and the
//! flags on top: `--corpus`, `--glossary` and `--disable` add to the project's lists,
//! `--no-builtin` and `--min-length` override it. Files that need the same corpus share one
//! analyzer.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::{json, Value};

use essay_lsp::analysis::{Analyzer, BuildOptions};
use essay_lsp::checks::{Code, Severity};
use essay_lsp::config::Settings;
use essay_lsp::context::{self, CorpusKey, Layers};
use essay_lsp::corpus::read_text_file;
use essay_lsp::document::{Document, PositionEncoding};
use essay_lsp::outline::{self, Count, Section};
use essay_lsp::project::{self, Project};

/// The usage text; the list of checks comes from the check table.
pub fn usage() -> String {
    USAGE.replace("{codes}", &wrap_codes())
}

const USAGE: &str = "\
essay-lsp — 心得体会写作助手：语言服务器与检查工具

用法:
  essay-lsp [--stdio]                 以 LSP 服务器运行（标准输入/输出）
  essay-lsp check [选项] 文件...       检查文稿，打印问题与复制比

check 选项:
  --corpus PATH        追加语料文件或文件夹（.txt/.md，可重复）
  --no-builtin         不使用内置语料
  --glossary PATH      追加术语表文件（TOML，可重复）
  --disable CODE       关闭某项检查（可重复）：{codes}
  --min-length N       复制/重复检测的最短长度（默认 13 字）
  --format text|json   输出格式（默认 text）
  --stats              打印字数（汉字、外文词、数字各计 1，标点不计）与各节字数
  --no-project         不读取 essay-lsp.toml

项目设置: 文稿所在文件夹或其上级中的 essay-lsp.toml（与编辑器相同），命令行选项优先。

  -h, --help           显示帮助
  -V, --version        显示版本

退出码: 0 无问题；1 发现警告或错误；2 用法或读取错误。
";

/// The check codes, wrapped to the usage text's columns.
fn wrap_codes() -> String {
    let mut out = String::new();
    let mut line = 0;
    for code in essay_lsp::checks::Code::all() {
        let word = code.as_str();
        if line > 0 && line + word.len() + 2 > 50 {
            out.push_str(",\n                       ");
            line = 0;
        } else if line > 0 {
            out.push_str(", ");
            line += 2;
        }
        out.push_str(word);
        line += word.len();
    }
    out
}

#[derive(PartialEq)]
enum Format {
    Text,
    Json,
}

struct Options {
    files: Vec<PathBuf>,
    /// The flags; applied on top of each file's project settings.
    flags: Flags,
    format: Format,
    stats: bool,
    no_project: bool,
}

#[derive(Default)]
struct Flags {
    corpus: Vec<PathBuf>,
    no_builtin: bool,
    glossary: Vec<PathBuf>,
    disable: Vec<Code>,
    min_length: Option<usize>,
}

impl Flags {
    fn apply(&self, s: &mut Settings) {
        s.corpus_paths.extend(self.corpus.iter().cloned());
        if self.no_builtin {
            s.include_builtin = false;
        }
        s.glossary_paths.extend(self.glossary.iter().cloned());
        s.disabled.extend(self.disable.iter().copied());
        if let Some(n) = self.min_length {
            s.min_match_chars = n;
        }
    }
}

fn parse(args: Vec<String>) -> Result<Options, lexopt::Error> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_args(args);
    let mut options = Options {
        files: Vec::new(),
        flags: Flags::default(),
        format: Format::Text,
        stats: false,
        no_project: false,
    };
    while let Some(arg) = parser.next()? {
        match arg {
            Long("corpus") => options.flags.corpus.push(parser.value()?.into()),
            Long("no-builtin") => options.flags.no_builtin = true,
            Long("glossary") => options.flags.glossary.push(parser.value()?.into()),
            Long("disable") => {
                let name = parser.value()?.string()?;
                let code = Code::parse(&name).ok_or_else(|| format!("未知的检查：{name}"))?;
                options.flags.disable.push(code);
            }
            Long("min-length") => {
                let n: usize = parser.value()?.parse()?;
                if !(6..=200).contains(&n) {
                    return Err("--min-length 应在 6 到 200 之间".into());
                }
                options.flags.min_length = Some(n);
            }
            Long("stats") => options.stats = true,
            Long("no-project") => options.no_project = true,
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
            eprintln!("essay-lsp: {e}\n\n{}", usage());
            return ExitCode::from(2);
        }
    };
    let mut analyzers: HashMap<CorpusKey, Analyzer> = HashMap::new();
    let mut projects: HashMap<PathBuf, Option<Project>> = HashMap::new();
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
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.clone());
        let project = if options.no_project {
            None
        } else {
            match project_for(&absolute, &mut projects) {
                Ok(project) => project,
                Err(()) => {
                    io_error = true;
                    continue;
                }
            }
        };
        let settings = file_settings(&absolute, project.as_ref(), &options.flags);
        let key = CorpusKey::of(&settings);
        let analyzer = analyzers.entry(key).or_insert_with(|| {
            let bar = crate::progress_bar::Bar::stderr();
            let options = BuildOptions {
                progress: &|p| bar.update(p),
                ..BuildOptions::default()
            };
            let (analyzer, problems) = Analyzer::build(&settings, &options);
            bar.finish();
            for problem in &problems {
                eprintln!("essay-lsp: 语料文件已跳过：{problem}");
            }
            analyzer
        });
        let report = analyzer.check(&text, &settings);
        let stats = options.stats.then(|| outline::outline(&text));
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
            if let Some(outline) = &stats {
                println!("{shown}: {}", describe_count(&outline.total));
                print_sections(&shown, &outline.sections, 0);
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
            let mut file = json!({
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
            });
            if let Some(outline) = &stats {
                file["stats"] = json!({
                    "count": count_json(&outline.total),
                    "sections": sections_json(&outline.sections),
                });
            }
            json_files.push(file);
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

/// The project file above `file`, read once per run; `Err` (after printing its problems) when
/// it has errors.
fn project_for(
    file: &Path,
    cache: &mut HashMap<PathBuf, Option<Project>>,
) -> Result<Option<Project>, ()> {
    let Some(path) = project::find_for_file(file) else {
        return Ok(None);
    };
    if let Some(known) = cache.get(&path) {
        return known.clone().map(Some).ok_or(());
    }
    let project = match project::load(&path) {
        Ok((_, parsed)) => {
            for p in &parsed.problems {
                eprintln!(
                    "{}:{}:{}: {}[project-file] {}",
                    path.display(),
                    p.line,
                    p.column,
                    p.severity.as_str(),
                    p.message
                );
            }
            if parsed.project.is_none() {
                eprintln!("essay-lsp: {} 有误，请先修正", path.display());
            }
            parsed.project
        }
        Err(message) => {
            eprintln!("essay-lsp: {message}");
            None
        }
    };
    cache.insert(path, project.clone());
    project.map(Some).ok_or(())
}

/// Defaults, then the project file, then the flags; the workspace (for `includeWorkspace`) is
/// the project's folder, else the file's own.
fn file_settings(file: &Path, project: Option<&Project>, flags: &Flags) -> Settings {
    let layers = Layers {
        base: &Settings::default(),
        project,
        overrides: &|s| flags.apply(s),
        workspace: file.parent().map(Path::to_owned),
    };
    context::resolve(&layers, Some(file)).settings
}

fn describe_count(c: &Count) -> String {
    format!(
        "字数 {}（汉字 {}，外文词 {}，数字 {}；标点不计）",
        c.total, c.cjk, c.words, c.numbers
    )
}

fn print_sections(shown: &str, sections: &[Section], depth: usize) {
    for s in sections {
        println!(
            "{shown}:{}: {}{} — {} 字",
            s.start_line + 1,
            "  ".repeat(depth),
            s.title,
            s.count.total
        );
        print_sections(shown, &s.children, depth + 1);
    }
}

fn count_json(c: &Count) -> Value {
    json!({"total": c.total, "cjk": c.cjk, "words": c.words, "numbers": c.numbers})
}

fn sections_json(sections: &[Section]) -> Value {
    Value::Array(
        sections
            .iter()
            .map(|s| {
                json!({
                    "title": s.title,
                    "line": s.start_line + 1,
                    "endLine": s.end_line + 1,
                    "count": count_json(&s.count),
                    "children": sections_json(&s.children),
                })
            })
            .collect(),
    )
}
