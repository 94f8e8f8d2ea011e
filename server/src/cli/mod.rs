//! `essay-lsp check`: the same analysis as the editor, printed for a terminal or a script.
//!
//! Each file is checked with the `essay-lsp.toml` found above it (as in the editor), and the
//! flags on top: `--corpus`, `--glossary` and `--disable` add to the project's lists,
//! `--no-builtin` and `--min-length` override it. Files that need the same corpus share one
//! analyzer. Folders are checked file by file; `--cross` and `--format html` give the batch
//! report instead (`batch.rs`).

mod batch;
pub mod fix;
mod inputs;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::{json, Value};

use essay_core::analysis::{Analyzer, BuildOptions};
use essay_core::checks::{Code, Severity};
use essay_core::config::Settings;
use essay_core::context::{self, CorpusKey, Layers};
use essay_core::corpus::LoadProblem;
use essay_core::document::{Document, PositionEncoding};
use essay_core::outline::{self, Count, Section};
use essay_core::project::{self, Project};

use inputs::Input;

/// The usage text; the list of checks comes from the check table.
/// The line after a usage error: where the usage is, rather than all of it, so that the error
/// stays the first thing a writer reads.
pub fn help_hint(command: &str) -> String {
    format!("运行 “{command}” 查看用法。")
}

pub fn usage() -> String {
    USAGE.replace("{codes}", &wrap_codes())
}

const USAGE: &str = "\
essay-lsp — 心得体会写作助手：语言服务器与检查工具

用法:
  essay-lsp [--stdio]                 以 LSP 服务器运行（标准输入/输出）
  essay-lsp check [选项] 路径...       检查文稿，打印问题与复制比
                                      路径可为文件或文件夹（含子文件夹，按名称顺序），
                                      - 表示标准输入；支持 .txt/.md 与 Word .docx
  essay-lsp fix [--all] [--write] 文件 修正标点（--all 连同错别字与提法），见 fix --help

check 选项:
  --corpus PATH        追加语料文件或文件夹（.txt/.md/.docx，可重复）
  --reference PATH     追加参考文献（官方文件、讲话、法规；与之相同算引用，可重复）
  --no-builtin         不使用内置语料
  --glossary PATH      追加术语表文件（TOML，可重复）
  --disable CODE       关闭某项检查（可重复）：{codes}
  --min-length N       复制/重复检测的最短长度（默认 13 字）
  --cross              批量互查：每篇同时与其他各篇比对，输出按复制比排序的汇总
  --format FORMAT      输出格式：text（默认）、json、html（批量报告，需配合 --output）
  --output PATH        把报告写入文件（html 格式必需）
  --stats              打印字数（汉字、外文词、数字各计 1，标点不计）、各节字数与套话占比
  --no-project         不读取 essay-lsp.toml

项目设置: 文稿所在文件夹或其上级中的 essay-lsp.toml（与编辑器相同），命令行选项优先。

  -h, --help           显示帮助
  -V, --version        显示版本

退出码: 0 无问题；1 发现警告或错误（批量报告：发现复制）；2 用法或读取错误。
";

/// The check codes, wrapped to the usage text's columns.
fn wrap_codes() -> String {
    let mut out = String::new();
    let mut line = 0;
    for code in essay_core::checks::Code::all() {
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

#[derive(PartialEq, Clone, Copy)]
enum Format {
    Text,
    Json,
    Html,
}

struct Options {
    inputs: Vec<PathBuf>,
    /// The flags; applied on top of each file's project settings.
    flags: Flags,
    format: Format,
    output: Option<PathBuf>,
    cross: bool,
    stats: bool,
    no_project: bool,
}

impl Options {
    /// The ranked batch report rather than findings file by file.
    fn batch(&self) -> bool {
        self.cross || self.format == Format::Html
    }
}

#[derive(Default)]
struct Flags {
    corpus: Vec<PathBuf>,
    reference: Vec<PathBuf>,
    no_builtin: bool,
    glossary: Vec<PathBuf>,
    disable: Vec<Code>,
    min_length: Option<usize>,
}

impl Flags {
    fn apply(&self, s: &mut Settings) {
        s.corpus_paths.extend(self.corpus.iter().cloned());
        s.reference_paths.extend(self.reference.iter().cloned());
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

/// What the arguments ask for.
enum Parsed {
    Check(Options),
    Help,
}

fn parse(args: Vec<String>) -> Result<Parsed, String> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_args(args);
    let mut options = Options {
        inputs: Vec::new(),
        flags: Flags::default(),
        format: Format::Text,
        output: None,
        cross: false,
        stats: false,
        no_project: false,
    };
    while let Some(arg) = parser.next().map_err(chinese)? {
        match arg {
            Short('h') | Long("help") => return Ok(Parsed::Help),
            Long(flag @ ("corpus" | "reference")) => {
                let corpus = flag == "corpus";
                let path: PathBuf = parser.value().map_err(chinese)?.into();
                // Named here, a missing folder is a typo to fix now; in a settings or project
                // file it stays a warning (the folder may come later).
                let (what, list) = if corpus {
                    ("语料", &mut options.flags.corpus)
                } else {
                    ("参考文献", &mut options.flags.reference)
                };
                if std::fs::metadata(&path).is_err() {
                    return Err(format!("{what}路径不存在：{}", path.display()));
                }
                list.push(path);
            }
            Long("no-builtin") => options.flags.no_builtin = true,
            Long("glossary") => options
                .flags
                .glossary
                .push(parser.value().map_err(chinese)?.into()),
            Long("disable") => {
                let name = string_value(&mut parser, "--disable")?;
                let code = Code::parse(&name).ok_or_else(|| format!("未知的检查：{name}"))?;
                options.flags.disable.push(code);
            }
            Long("min-length") => {
                let value = string_value(&mut parser, "--min-length")?;
                let n: usize = value
                    .trim()
                    .parse()
                    .map_err(|_| format!("--min-length 需要一个整数，而不是“{value}”"))?;
                if !(6..=200).contains(&n) {
                    return Err("--min-length 应在 6 到 200 之间".into());
                }
                options.flags.min_length = Some(n);
            }
            Long("cross") => options.cross = true,
            Long("stats") => options.stats = true,
            Long("no-project") => options.no_project = true,
            Long("output") => options.output = Some(parser.value().map_err(chinese)?.into()),
            Long("format") => {
                options.format = match string_value(&mut parser, "--format")?.as_str() {
                    "text" => Format::Text,
                    "json" => Format::Json,
                    "html" => Format::Html,
                    other => {
                        return Err(format!("未知的输出格式：{other}（可用 text、json、html）"))
                    }
                }
            }
            Value(file) => options.inputs.push(file.into()),
            other => return Err(chinese(other.unexpected())),
        }
    }
    if options.inputs.is_empty() {
        return Err("请给出要检查的文件或文件夹".into());
    }
    if options.stats && options.batch() {
        return Err("--stats 用于逐篇检查，不能与 --cross 或 html 报告同用".into());
    }
    if options.format == Format::Html && options.output.is_none() {
        return Err("html 报告需要用 --output 指定写入的文件".into());
    }
    Ok(Parsed::Check(options))
}

fn string_value(parser: &mut lexopt::Parser, option: &str) -> Result<String, String> {
    parser
        .value()
        .map_err(chinese)?
        .into_string()
        .map_err(|_| format!("{option} 的值不是有效的 UTF-8 文本"))
}

/// lexopt's errors, in Chinese.
fn chinese(e: lexopt::Error) -> String {
    use lexopt::Error;
    match e {
        Error::MissingValue { option: Some(o) } => format!("{o} 后面缺少取值"),
        Error::MissingValue { option: None } => "缺少取值".to_owned(),
        Error::UnexpectedOption(o) => format!("未知的选项：{o}"),
        Error::UnexpectedArgument(a) => format!("多余的参数：{}", a.to_string_lossy()),
        Error::UnexpectedValue { option, value } => {
            format!("{option} 不接受取值（收到“{}”）", value.to_string_lossy())
        }
        Error::ParsingFailed { value, error } => format!("无法识别“{value}”：{error}"),
        Error::NonUnicodeValue(v) => format!("参数不是有效的 UTF-8 文本：{}", v.to_string_lossy()),
        Error::Custom(e) => e.to_string(),
    }
}

/// A corpus problem for stderr: the file and why it was skipped, 已跳过 said once.
fn corpus_problem(problem: &LoadProblem) -> String {
    let mut line = format!(
        "essay-lsp: 语料文件 {}：{}",
        problem.path.display(),
        problem.message
    );
    if !problem.message.contains("已跳过") {
        line.push_str("，已跳过");
    }
    line
}

/// Runs `essay-lsp check` with the arguments after `check`.
pub fn check(args: Vec<String>) -> ExitCode {
    // One run, then exit: jieba loads only if a check needs it.
    essay_core::segment::set_load_ahead(false);
    let options = match parse(args) {
        Ok(Parsed::Check(options)) => options,
        Ok(Parsed::Help) => {
            print!("{}", usage());
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("essay-lsp: {e}\n{}", help_hint("essay-lsp check --help"));
            return ExitCode::from(2);
        }
    };
    let mut read_error = false;
    let inputs = inputs::expand(&options.inputs, &mut read_error);
    let mut essays = Vec::new();
    let mut projects: HashMap<PathBuf, Option<Project>> = HashMap::new();
    for input in inputs {
        match load_essay(input, &options, &mut projects) {
            Some(essay) => essays.push(essay),
            None => read_error = true,
        }
    }
    let mut analyzers = Analyzers {
        built: HashMap::new(),
        texts: essays.iter().map(|e| e.text.clone()).collect(),
    };
    let worst = if options.batch() {
        match batch::run(&options, essays, &mut analyzers) {
            Ok(copied) => copied.then_some(Severity::Warning),
            Err(message) => {
                eprintln!("essay-lsp: {message}");
                return ExitCode::from(2);
            }
        }
    } else {
        check_each(&options, &essays, &mut analyzers)
    };
    if read_error {
        ExitCode::from(2)
    } else if worst.is_some_and(|s| s <= Severity::Warning) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// An essay read and its settings resolved.
struct Essay {
    /// As shown in output: the path as given, or `-`.
    shown: String,
    path: Option<PathBuf>,
    text: String,
    /// Lines are a Word document's paragraphs.
    paragraphs: bool,
    settings: Settings,
}

/// Reads one input and resolves its settings; None (after saying why on stderr) when it
/// cannot be read or its project file has errors.
fn load_essay(
    input: Input,
    options: &Options,
    projects: &mut HashMap<PathBuf, Option<Project>>,
) -> Option<Essay> {
    let (shown, path, text) = match input {
        Input::File(path) => match essay_core::corpus::read_text_file(&path) {
            Ok(text) => (path.display().to_string(), Some(path), text),
            Err(message) => {
                eprintln!("essay-lsp: {}: {message}", path.display());
                return None;
            }
        },
        Input::Stdin => match inputs::read_stdin() {
            Ok(text) => ("-".to_owned(), None, text),
            Err(message) => {
                eprintln!("essay-lsp: 标准输入：{message}");
                return None;
            }
        },
    };
    // Standard input is checked as if it were a file in the current folder.
    let here = std::env::current_dir().unwrap_or_default();
    let absolute = match &path {
        Some(path) => std::path::absolute(path).unwrap_or_else(|_| path.clone()),
        None => here.join("-"),
    };
    let project = if options.no_project {
        None
    } else {
        project_for(&absolute, projects).ok()?
    };
    let settings = file_settings(&absolute, path.is_some(), project.as_ref(), &options.flags);
    let paragraphs = path
        .as_deref()
        .is_some_and(|p| essay_core::corpus::Format::of(p) == essay_core::corpus::Format::Docx);
    Some(Essay {
        shown,
        path,
        text,
        paragraphs,
        settings,
    })
}

/// One analyzer per corpus configuration, built on first use.
struct Analyzers {
    pub built: HashMap<CorpusKey, Analyzer>,
    /// Every text this run checks: the analyzers mine their corpus only for what checking
    /// these needs.
    texts: Vec<String>,
}

impl Analyzers {
    fn get(&mut self, settings: &Settings) -> &Analyzer {
        self.built
            .entry(CorpusKey::of(settings))
            .or_insert_with(|| {
                let bar = crate::progress_bar::Bar::stderr();
                let options = BuildOptions {
                    progress: &|p| bar.update(p),
                    ..BuildOptions::default()
                };
                let texts: Vec<&str> = self.texts.iter().map(String::as_str).collect();
                let (analyzer, problems) = Analyzer::build_for(settings, &options, &texts);
                bar.finish();
                for problem in &problems {
                    eprintln!("{}", corpus_problem(problem));
                }
                analyzer
            })
    }
}

/// Checks the essays one by one and prints their findings; the worst severity found.
fn check_each(options: &Options, essays: &[Essay], analyzers: &mut Analyzers) -> Option<Severity> {
    let mut worst: Option<Severity> = None;
    let mut json_files = Vec::new();
    let mut text_out = String::new();
    for essay in essays {
        let analyzer = analyzers.get(&essay.settings);
        let text = &essay.text;
        let report = analyzer.check(text, &essay.settings);
        let stats = options.stats.then(|| outline::outline(text));
        // Columns are counted in characters (code points), as people count them.
        let doc = Document::new(text, PositionEncoding::Utf32);
        let shown = &essay.shown;
        let sim = &report.similarity;
        let summary = sim.summary(&analyzer.corpus);
        let at = |offset: usize| place(&doc, offset, essay.paragraphs);
        if options.format == Format::Text {
            for f in &report.findings {
                text_out.push_str(&format!(
                    "{shown}:{}: {}[{}] {}\n",
                    at(f.range.start),
                    f.severity.as_str(),
                    f.code,
                    f.message
                ));
            }
            if let Some(at) = report.truncated_at {
                text_out.push_str(&format!("{shown}: 文档过长，只检查了前 {at} 字\n"));
            }
            if let Some(total) = report.capped {
                text_out.push_str(&format!(
                    "{shown}: 问题过多：共 {total} 个，只列出 {} 个（复制与引文问题、较长的优先）\n",
                    report.findings.len()
                ));
            }
            if let Some(outline) = &stats {
                text_out.push_str(&format!("{shown}: {}\n", describe_count(&outline.total)));
                print_sections(&mut text_out, shown, &outline.sections, 0, essay.paragraphs);
            }
            if stats.is_some() {
                // 字数 counts a word or number as one; 复制比 counts every letter and digit.
                text_out.push_str(&format!(
                    "{shown}: {summary} · {}（复制比按 {} 字计：字母、数字逐个计）\n",
                    report.formulaic.summary(),
                    sim.total_chars
                ));
            } else {
                text_out.push_str(&format!("{shown}: {summary}\n"));
            }
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
                        "endLine": end.line + 1,
                        "endColumn": end.character + 1,
                        "codePointOffsets": [f.range.start, f.range.end],
                    })
                })
                .collect();
            let mut file = json!({
                "path": shown,
                "lines": if essay.paragraphs { "paragraphs" } else { "lines" },
                "findings": findings,
                "truncatedAt": report.truncated_at,
                "cappedFindings": report.capped,
                "similarity": essay_core::report::similarity_json(analyzer, sim, &summary),
            });
            if let Some(outline) = &stats {
                file["stats"] = json!({
                    "count": count_json(&outline.total),
                    "formulaic": {
                        "formulaicChars": report.formulaic.formulaic_chars,
                        "totalChars": report.formulaic.total_chars,
                        "ratio": report.formulaic.ratio(),
                    },
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
        // On a terminal, each file's findings as soon as they are known.
        if options.format == Format::Text && options.output.is_none() {
            let _ = write_output(None, &text_out);
            text_out.clear();
        }
    }
    let out = if options.format == Format::Json {
        serde_json::to_string_pretty(&json!({ "files": json_files })).expect("json") + "\n"
    } else {
        text_out
    };
    if let Err(message) = write_output(options.output.as_deref(), &out) {
        eprintln!("essay-lsp: {message}");
        return Some(Severity::Error);
    }
    worst
}

/// Where char `offset` is, for a terminal: `3:5` (line and column), or `第 3 段第 5 字` in a
/// Word document, whose lines are paragraphs.
fn place(doc: &Document, offset: usize, paragraphs: bool) -> String {
    let p = doc.position(offset);
    if paragraphs {
        format!("第 {} 段第 {} 字", p.line + 1, p.character + 1)
    } else {
        format!("{}:{}", p.line + 1, p.character + 1)
    }
}

/// Writes the report to `path`, or to standard output.
fn write_output(path: Option<&Path>, report: &str) -> Result<(), String> {
    use std::io::Write;
    match path {
        Some(path) => {
            std::fs::write(path, report).map_err(|e| format!("无法写入 {}：{e}", path.display()))
        }
        None => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth a message.
            let _ = out.write_all(report.as_bytes());
            let _ = out.flush();
            Ok(())
        }
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
fn file_settings(file: &Path, on_disk: bool, project: Option<&Project>, flags: &Flags) -> Settings {
    let layers = Layers {
        base: &Settings::default(),
        project,
        overrides: &|s| flags.apply(s),
        workspace: file.parent().map(Path::to_owned),
    };
    context::resolve(&layers, on_disk.then_some(file)).settings
}

fn describe_count(c: &Count) -> String {
    format!(
        "字数 {}（汉字 {}，外文词 {}，数字 {}；标点不计）",
        c.total, c.cjk, c.words, c.numbers
    )
}

fn print_sections(
    out: &mut String,
    shown: &str,
    sections: &[Section],
    depth: usize,
    paragraphs: bool,
) {
    for s in sections {
        let at = if paragraphs {
            format!("第 {} 段", s.start_line + 1)
        } else {
            (s.start_line + 1).to_string()
        };
        out.push_str(&format!(
            "{shown}:{at}: {}{} — {} 字\n",
            "  ".repeat(depth),
            s.title,
            s.count.total
        ));
        print_sections(out, shown, &s.children, depth + 1, paragraphs);
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
