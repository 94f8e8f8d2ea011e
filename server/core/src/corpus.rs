//! The reference corpus: essays with a title and a place they came from.
//!
//! The built-in corpus is split into essays by `corpus/essays.toml`; a user corpus is any number
//! of `.txt` / `.md` files or folders of them, one essay per file, in whatever encoding
//! `decode` recognises. A file that cannot be read is reported and skipped; the rest loads.

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use serde::Deserialize;

use crate::config::Settings;
use crate::{builtin, decode};

/// Files larger than this are skipped with a message: a reference essay is a few thousand
/// characters, and a single huge file is nearly always a mistake (a database dump, a log).
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct Essay {
    /// Position in `Corpus::essays`.
    pub id: usize,
    /// What findings call it: `脱贫工作心得体会·篇一`, or a user file's name.
    pub title: String,
    pub text: String,
    pub origin: Origin,
    pub role: Role,
}

/// What matching an essay means.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Role {
    /// Another writer's essay: matching it is copying (复制).
    #[default]
    Peer,
    /// An official document, speech or law: matching it is citing policy (引用).
    Reference,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Compiled in; `file` is relative to `corpus/`, `first_line` is 1-based.
    Builtin {
        file: &'static str,
        part: &'static str,
        first_line: u32,
    },
    /// A user's file on disk (the whole file is the essay).
    File(PathBuf),
}

impl Essay {
    /// Where the essay is, for people, beside its title: `内置语料第 9–16 行`, or the file path.
    pub fn describe_origin(&self) -> String {
        match &self.origin {
            // The title is shown beside it; the seed file's own numbering (第一篇) would only
            // contradict titles such as …·篇二.
            Origin::Builtin { first_line, .. } => {
                let last = *first_line as usize + self.text.lines().count().saturating_sub(1);
                format!("内置语料第 {first_line}–{last} 行")
            }
            Origin::File(path) => path.display().to_string(),
        }
    }

    pub fn is_reference(&self) -> bool {
        self.role == Role::Reference
    }

    pub fn is_builtin(&self) -> bool {
        matches!(self.origin, Origin::Builtin { .. })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadProblem {
    pub path: PathBuf,
    pub message: String,
}

impl fmt::Display for LoadProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Corpus {
    pub essays: Vec<Essay>,
}

#[derive(Deserialize)]
struct Manifest {
    essay: Vec<ManifestEssay>,
}

#[derive(Deserialize)]
struct ManifestEssay {
    file: String,
    part: String,
    title: String,
    lines: [u32; 2],
}

/// A built-in essay in `corpus/essays.toml`: file, part, title, first and last line.
type BuiltinEntry = (&'static str, &'static str, String, [u32; 2]);

impl Corpus {
    /// The essays compiled into the binary.
    pub fn builtin() -> Corpus {
        // Parsed once per process (every analyzer build asks for it): the names are leaked into
        // `&'static str` once, not once per call.
        static MANIFEST: OnceLock<Vec<BuiltinEntry>> = OnceLock::new();
        let manifest = MANIFEST.get_or_init(|| {
            let manifest: Manifest =
                toml::from_str(builtin::text("essays.toml")).expect("corpus/essays.toml is valid");
            manifest
                .essay
                .into_iter()
                .map(|entry| {
                    let file: &'static str = Box::leak(entry.file.into_boxed_str());
                    let part: &'static str = Box::leak(entry.part.into_boxed_str());
                    (file, part, entry.title, entry.lines)
                })
                .collect()
        });
        let mut corpus = Corpus::default();
        for &(file, part, ref title, lines) in manifest {
            let text = line_range(builtin::text(file), lines[0], lines[1]);
            corpus.push(
                title.clone(),
                text.to_owned(),
                Origin::Builtin {
                    file,
                    part,
                    first_line: lines[0],
                },
            );
        }
        corpus
    }

    /// Loads the built-in corpus (when asked) and every user path; problems are returned, not fatal.
    pub fn load(paths: &[PathBuf], include_builtin: bool) -> (Corpus, Vec<LoadProblem>) {
        let mut corpus = if include_builtin {
            Corpus::builtin()
        } else {
            Corpus::default()
        };
        let problems = corpus.add_paths(paths, &|_, _| {});
        (corpus, problems)
    }

    /// `load`, calling `progress(files read, files to read)` as files are read (from several
    /// threads: files are read and decoded on all cores).
    pub fn load_with_progress(
        paths: &[PathBuf],
        include_builtin: bool,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> (Corpus, Vec<LoadProblem>) {
        let mut corpus = if include_builtin {
            Corpus::builtin()
        } else {
            Corpus::default()
        };
        let problems = corpus.add_paths(paths, progress);
        (corpus, problems)
    }

    /// `load_with_progress`, with `references` loaded as reference documents after the peers.
    pub fn load_roles(
        paths: &[PathBuf],
        references: &[PathBuf],
        include_builtin: bool,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> (Corpus, Vec<LoadProblem>) {
        let (mut corpus, mut problems) =
            Corpus::load_with_progress(paths, include_builtin, progress);
        if !references.is_empty() {
            let first = corpus.essays.len();
            problems.extend(corpus.add_paths(references, progress));
            for essay in &mut corpus.essays[first..] {
                essay.role = Role::Reference;
            }
        }
        (corpus, problems)
    }

    /// Adds every path (see `add_path`), reading all their files in parallel; problems come in
    /// the order adding the paths one by one would give.
    fn add_paths(
        &mut self,
        paths: &[PathBuf],
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Vec<LoadProblem> {
        let mut listed: Vec<(&Path, Vec<PathBuf>, Vec<LoadProblem>)> = Vec::new();
        for path in paths {
            let mut files = Vec::new();
            let mut problems = Vec::new();
            collect_files(path, true, &mut files, &mut HashSet::new(), &mut problems);
            listed.push((path, files, problems));
        }
        let all: Vec<&PathBuf> = listed.iter().flat_map(|(_, files, _)| files).collect();
        let total = all.len();
        let done = AtomicUsize::new(0);
        let mut texts = crate::parallel::map(
            &all,
            |file| std::fs::metadata(file).map_or(1, |m| m.len() as usize),
            |file| {
                let text = read_text_file(file);
                progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
                text
            },
        )
        .into_iter();
        let mut problems = Vec::new();
        for (path, files, listing) in listed {
            problems.extend(listing);
            let read: Vec<_> = texts.by_ref().take(files.len()).collect();
            self.add_read(path, files.into_iter().zip(read), &mut problems);
        }
        problems
    }

    pub fn push(&mut self, title: String, text: String, origin: Origin) {
        let id = self.essays.len();
        self.essays.push(Essay {
            id,
            title,
            text,
            origin,
            role: Role::Peer,
        });
    }

    /// Adds a file, or every `.txt`/`.md` file below a folder (sorted, so ids are stable).
    pub fn add_path(&mut self, path: &Path, problems: &mut Vec<LoadProblem>) {
        problems.extend(self.add_paths(std::slice::from_ref(&path.to_owned()), &|_, _| {}));
    }

    /// Adds files read for `path` (named by the writer): essays, or problems.
    fn add_read(
        &mut self,
        path: &Path,
        read: impl Iterator<Item = (PathBuf, Result<String, String>)>,
        problems: &mut Vec<LoadProblem>,
    ) {
        for (file, text) in read {
            match text {
                // Nothing to match against. Named on its own it is reported; inside a folder
                // (a workspace's new, still empty draft) it is skipped quietly.
                Ok(text) if text.trim().is_empty() => {
                    if file == path {
                        problems.push(LoadProblem {
                            path: file,
                            message: "文件为空，已跳过".to_owned(),
                        });
                    }
                }
                Ok(text) => {
                    let title = file
                        .file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_else(|| file.display().to_string());
                    self.push(title, text, Origin::File(file));
                }
                Err(message) => problems.push(LoadProblem {
                    path: file,
                    message,
                }),
            }
        }
    }

    pub fn total_chars(&self) -> usize {
        self.essays.iter().map(|e| e.text.chars().count()).sum()
    }
}

/// Whether the files under `paths` (as `Corpus::load` would read them) hold more than `bytes`
/// bytes: the sizes on disk, added up without reading anything.
pub fn files_exceed(paths: &[PathBuf], bytes: u64) -> bool {
    let mut total = 0;
    for path in paths {
        let mut files = Vec::new();
        collect_files(path, true, &mut files, &mut HashSet::new(), &mut Vec::new());
        for file in files {
            total += std::fs::metadata(&file).map_or(0, |m| m.len());
            if total > bytes {
                return true;
            }
        }
    }
    false
}

/// Reads and decodes one essay file — text in any encoding `decode` knows, or a Word `.docx`
/// (a line per paragraph); the error is a message for the writer, in Chinese.
pub fn read_text_file(path: &Path) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| io_message(&e))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!(
            "文件过大（{:.1} MB，上限 {} MB），已跳过",
            meta.len() as f64 / 1_048_576.0,
            MAX_FILE_BYTES / 1_048_576
        ));
    }
    match Format::of(path) {
        Format::Text => {}
        Format::Docx => return crate::docx::read_file(path).map_err(|e| format!("{e}，已跳过")),
        Format::Doc => {
            return Err(
                "是旧版 Word 格式（.doc），无法读取；请在 Word 或 WPS 中另存为 .docx，已跳过"
                    .to_owned(),
            )
        }
        Format::Pdf => {
            return Err(
                "暂不支持 PDF；请在 Word 或 WPS 中另存为 .docx（或把正文存为 .txt），已跳过"
                    .to_owned(),
            )
        }
    }
    let bytes = std::fs::read(path).map_err(|e| io_message(&e))?;
    decode::decode(&bytes)
        .map(|(text, _)| text)
        .map_err(|e| format!("{e}，已跳过"))
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "路径不存在".to_owned(),
        std::io::ErrorKind::PermissionDenied => "没有读取权限".to_owned(),
        _ => format!("无法读取：{e}"),
    }
}

/// How an essay file is read, by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text or markdown (and anything named explicitly whatever its extension).
    Text,
    /// A Word document: lines are paragraphs.
    Docx,
    /// Old binary Word: refused with the fix.
    Doc,
    /// Refused with the fix.
    Pdf,
}

impl Format {
    pub fn of(path: &Path) -> Format {
        match extension(path).as_deref() {
            Some("docx") => Format::Docx,
            Some("doc") => Format::Doc,
            Some("pdf") => Format::Pdf,
            _ => Format::Text,
        }
    }
}

fn extension(path: &Path) -> Option<String> {
    path.extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
}

/// Whether a file inside a folder is an essay: text, markdown or Word; `.doc` and `.pdf` too,
/// so that the writer learns why they are skipped.
pub fn is_essay_file(path: &Path) -> bool {
    matches!(
        extension(path).as_deref(),
        Some("txt" | "md" | "markdown" | "docx" | "doc" | "pdf")
    )
}

fn collect_files(
    path: &Path,
    explicit: bool,
    files: &mut Vec<PathBuf>,
    seen_dirs: &mut HashSet<PathBuf>,
    problems: &mut Vec<LoadProblem>,
) {
    let Some(meta) = noting_error(std::fs::metadata(path), path, problems) else {
        return;
    };
    if meta.is_file() {
        // A file named explicitly is read whatever its extension; inside folders only text files.
        if explicit || is_essay_file(path) {
            files.push(path.to_owned());
        }
        return;
    }
    if !meta.is_dir() {
        // A pipe, socket or device: opening it could block for ever, so it is not read.
        if explicit || is_essay_file(path) {
            problems.push(LoadProblem {
                path: path.to_owned(),
                message: "不是普通文件（管道、设备等），已跳过".to_owned(),
            });
        }
        return;
    }
    // Symlinked folders can form cycles.
    let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
    if !seen_dirs.insert(canonical) {
        return;
    }
    let Some(entries) = noting_error(std::fs::read_dir(path), path, problems) else {
        return;
    };
    for child in visible_children(entries) {
        collect_files(&child, false, files, seen_dirs, problems);
    }
}

/// The value of `result`, or `None` with its error noted as a problem with `path`.
fn noting_error<T>(
    result: std::io::Result<T>,
    path: &Path,
    problems: &mut Vec<LoadProblem>,
) -> Option<T> {
    result
        .map_err(|e| {
            problems.push(LoadProblem {
                path: path.to_owned(),
                message: io_message(&e),
            })
        })
        .ok()
}

/// The entries of a folder sorted by name, leaving out hidden ones (names starting with `.`).
pub fn visible_children(entries: std::fs::ReadDir) -> Vec<PathBuf> {
    let mut children: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|child| {
            !child
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'))
        })
        .collect();
    children.sort();
    children
}

/// Lines `first..=last` (1-based) of `text`, with their line ends, as one slice.
fn line_range(text: &str, first: u32, last: u32) -> &str {
    let mut start = None;
    let mut offset = 0;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let number = index as u32 + 1;
        if number == first {
            start = Some(offset);
        }
        offset += line.len();
        if number == last {
            break;
        }
    }
    &text[start.expect("essay line range starts inside its file")..offset]
}

/// Adds the essays of `settings.workspace_dir` (every `.txt`/`.md` below it) to `corpus` when
/// `include_workspace` is on, leaving out files the corpus already has.
pub fn add_workspace_essays(
    corpus: &mut Corpus,
    settings: &Settings,
    problems: &mut Vec<LoadProblem>,
) {
    if !settings.include_workspace {
        return;
    }
    let Some(dir) = &settings.workspace_dir else {
        return;
    };
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_owned());
    let known: HashSet<PathBuf> = corpus
        .essays
        .iter()
        .filter_map(|e| match &e.origin {
            Origin::File(path) => Some(canonical(path)),
            Origin::Builtin { .. } => None,
        })
        .collect();
    let mut found = Corpus::default();
    found.add_path(dir, problems);
    for essay in found.essays {
        if let Origin::File(path) = &essay.origin {
            if known.contains(&canonical(path)) {
                continue;
            }
        }
        corpus.push(essay.title, essay.text, essay.origin);
    }
}

/// The essays of `corpus` loaded from one of `files` (paths compared as they are: the front
/// ends canonicalise corpus folders and give the essay's path in both forms, `skip_paths`).
pub fn essays_from_files(corpus: &Corpus, files: &[PathBuf]) -> Vec<usize> {
    if files.is_empty() {
        return Vec::new();
    }
    corpus
        .essays
        .iter()
        .filter(|e| matches!(&e.origin, Origin::File(path) if files.contains(path)))
        .map(|e| e.id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_corpus_splits_the_seed_into_ten_essays() {
        let corpus = Corpus::builtin();
        let titles: Vec<&str> = corpus.essays.iter().map(|e| e.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "脱贫工作心得体会·篇一",
                "脱贫工作心得体会·篇二",
                "脱贫工作心得体会·篇三",
                "脱贫工作心得体会·篇四",
                "脱贫工作心得体会·篇五",
                "脱贫心得体会",
                "学习脱贫攻坚心得体会·范文一",
                "学习脱贫攻坚心得体会·范文二",
                "情牵脱贫攻坚心得体会",
                "2017年脱贫攻坚心得体会",
            ]
        );
        for (i, start) in [
            (1, "脱贫工作心得体会【篇二】"),
            (6, "第三篇:学习脱贫攻坚心得体会"),
            (7, "2017年学习脱贫攻坚心得体会范文\n这次外出学习考察"),
        ] {
            assert!(corpus.essays[i].text.starts_with(start), "essay {i}");
        }
        assert!(corpus.essays[9]
            .text
            .contains("精准扶贫是指针对不同贫困区域环境"));
    }

    #[test]
    fn builtin_essays_cover_the_seed_exactly() {
        let corpus = Corpus::builtin();
        let joined: String = corpus.essays.iter().map(|e| e.text.as_str()).collect();
        assert_eq!(joined, builtin::text("seed/000_fbe086485b6b6179.txt"));
    }

    #[test]
    fn size_of_a_corpus_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), vec![b'a'; 600]).unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("sub/b.md"), vec![b'b'; 600]).unwrap();
        std::fs::write(dir.path().join("skipped.png"), vec![0u8; 5000]).unwrap();
        let paths = [dir.path().to_owned(), dir.path().join("missing")];
        assert!(files_exceed(&paths, 1000));
        assert!(!files_exceed(&paths, 1200));
        assert!(!files_exceed(&[], 0));
    }

    #[test]
    fn user_folder_loads_text_files_in_any_encoding_and_reports_bad_ones() {
        let dir = tempfile::tempdir().unwrap();
        let (gbk, _, _) = encoding_rs::GB18030.encode("我的旧文章。\r\n第二段。");
        std::fs::write(dir.path().join("b-gbk.txt"), &*gbk).unwrap();
        std::fs::write(dir.path().join("a.md"), "\u{feff}# 标题\n正文").unwrap();
        std::fs::write(dir.path().join("c.txt"), b"\0\x01binary").unwrap();
        std::fs::write(dir.path().join("ignored.png"), b"\x89PNG").unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("sub/d.txt"), "旧稿\r旧稿").unwrap();
        let missing = dir.path().join("missing");

        let (corpus, problems) = Corpus::load(&[dir.path().to_owned(), missing.clone()], false);
        let titles: Vec<&str> = corpus.essays.iter().map(|e| e.title.as_str()).collect();
        assert_eq!(titles, ["a", "b-gbk", "d"]);
        assert_eq!(corpus.essays[0].text, "# 标题\n正文");
        assert_eq!(corpus.essays[1].text, "我的旧文章。\r\n第二段。");
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(problems[0].path, dir.path().join("c.txt"));
        assert!(problems[0].message.contains("二进制"));
        assert_eq!(problems[1].path, missing);
        assert_eq!(problems[1].message, "路径不存在");
    }
}
