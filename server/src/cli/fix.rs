//! `essay-lsp fix FILE`: applies the punctuation fixes (and with `--all` the typo and formula
//! fixes), printing the result or, with `--write`, replacing the file in its own encoding.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use essay_core::analysis::Analyzer;
use essay_core::config::Settings;
use essay_core::context::{self, Layers};
use essay_core::corpus::Corpus;
use essay_core::decode::decode;
use essay_core::fix::{self, ALL, SAFE};
use essay_core::project;

pub const USAGE: &str = "\
用法: essay-lsp fix [--all] [--write] 文件
  修正中文标点（半角→全角、引号括号配对、重复标点），打印修正后的全文。
  --all      同时修正术语错别字与提法（typo、formula-wording）
  --write    直接改写文件（保持原编码与换行符）
";

pub fn run(args: Vec<String>) -> ExitCode {
    let (mut all, mut write, mut files) = (false, false, Vec::new());
    for arg in args {
        match arg.as_str() {
            "--all" => all = true,
            "--write" => write = true,
            "-h" | "--help" => {
                print!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            a if a.starts_with('-') => {
                eprintln!(
                    "essay-lsp: 未知的选项 “{a}”\n{}",
                    super::help_hint("essay-lsp fix --help")
                );
                return ExitCode::from(2);
            }
            _ => files.push(PathBuf::from(arg)),
        }
    }
    let [file] = &files[..] else {
        eprintln!(
            "essay-lsp: 请给出一个文件\n{}",
            super::help_hint("essay-lsp fix --help")
        );
        return ExitCode::from(2);
    };
    match fix_file(file, all, write) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("essay-lsp: {}: {message}", file.display());
            ExitCode::from(2)
        }
    }
}

fn fix_file(path: &Path, all: bool, write: bool) -> Result<(), String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let (text, encoding) = decode(&bytes).map_err(|e| e.to_string())?;
    // The project's settings (checks switched off, ignored phrases); no corpus is needed.
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let project = project::find_for_file(&absolute)
        .and_then(|p| project::load(&p).ok())
        .and_then(|(_, parsed)| parsed.project);
    let layers = Layers {
        base: &Settings::default(),
        project: project.as_ref(),
        overrides: &|_| {},
        workspace: absolute.parent().map(Path::to_owned),
    };
    let settings = context::resolve(&layers, Some(&absolute)).settings;
    let (analyzer, _) = Analyzer::from_corpus(Corpus::default(), &settings);
    let fixed = fix::fix_text(&analyzer, &text, &settings, if all { ALL } else { SAFE });
    if !write {
        print!("{}", fixed.text);
        return Ok(());
    }
    if fixed.text != text {
        let bom = bytes.starts_with(&[0xEF, 0xBB, 0xBF]);
        essay_core::atomic::write_atomic(path, &fix::encode(&fixed.text, encoding, bom))
            .map_err(|e| e.to_string())?;
    }
    eprintln!("{}: 修正 {} 处", path.display(), fixed.edits);
    Ok(())
}
