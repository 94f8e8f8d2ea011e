//! The paths on the command line, expanded: folders to the essays below them (recursively,
//! in name order, hidden entries left out, as a linter does), `-` to standard input.

use std::io::Read;
use std::path::{Path, PathBuf};

use essay_core::corpus::{is_essay_file, visible_children};

/// An essay to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    File(PathBuf),
    Stdin,
}

/// Expands `paths` in order; a path that does not exist or a folder without essays is
/// reported on stderr and sets `error`. A file named twice is checked once.
pub fn expand(paths: &[PathBuf], error: &mut bool) -> Vec<Input> {
    let mut out: Vec<Input> = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            if !out.contains(&Input::Stdin) {
                out.push(Input::Stdin);
            }
            continue;
        }
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                let mut found = Vec::new();
                collect(path, &mut found, error);
                if found.is_empty() {
                    eprintln!(
                        "essay-lsp: {}: 文件夹中没有可检查的文稿（.txt、.md、.docx）",
                        path.display()
                    );
                    *error = true;
                }
                for file in found {
                    push_file(&mut out, file);
                }
            }
            // A file named explicitly is read whatever its extension.
            Ok(_) => push_file(&mut out, path.clone()),
            Err(e) => {
                let why = match e.kind() {
                    std::io::ErrorKind::NotFound => "路径不存在".to_owned(),
                    std::io::ErrorKind::PermissionDenied => "没有读取权限".to_owned(),
                    _ => format!("无法读取：{e}"),
                };
                eprintln!("essay-lsp: {}: {why}", path.display());
                *error = true;
            }
        }
    }
    out
}

fn push_file(out: &mut Vec<Input>, file: PathBuf) {
    let input = Input::File(file);
    if !out.contains(&input) {
        out.push(input);
    }
}

/// The essay files below `dir`, sorted by name at each level.
fn collect(dir: &Path, out: &mut Vec<PathBuf>, error: &mut bool) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            eprintln!("essay-lsp: {}: 无法读取文件夹：{e}", dir.display());
            *error = true;
            return;
        }
    };
    for child in visible_children(entries) {
        // Symbolic links to folders are not followed: they can form cycles.
        match std::fs::symlink_metadata(&child) {
            Ok(meta) if meta.is_dir() => collect(&child, out, error),
            Ok(_) if is_essay_file(&child) && child.is_file() => out.push(child),
            _ => {}
        }
    }
}

/// Standard input, decoded like a file (UTF-8, UTF-16 with a byte order mark, GBK).
pub fn read_stdin() -> Result<String, String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .take(essay_core::corpus::MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("无法读取：{e}"))?;
    if bytes.len() as u64 > essay_core::corpus::MAX_FILE_BYTES {
        return Err(format!(
            "输入过大（上限 {} MB）",
            essay_core::corpus::MAX_FILE_BYTES / 1_048_576
        ));
    }
    essay_core::decode::decode(&bytes)
        .map(|(text, _)| text)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_expand_to_their_essays_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("b/sub")).unwrap();
        std::fs::create_dir_all(d.join(".git")).unwrap();
        for f in [
            "b/sub/z.md",
            "b/a.docx",
            "c.txt",
            "img.png",
            ".git/x.txt",
            "a.TXT",
        ] {
            std::fs::write(d.join(f), "x").unwrap();
        }
        let mut error = false;
        let got = expand(
            &[
                d.to_owned(),
                PathBuf::from("-"),
                d.join("c.txt"),
                PathBuf::from("-"),
            ],
            &mut error,
        );
        let want: Vec<Input> = ["a.TXT", "b/a.docx", "b/sub/z.md", "c.txt"]
            .iter()
            .map(|f| Input::File(d.join(f)))
            .chain([Input::Stdin])
            .collect();
        assert_eq!(got, want);
        assert!(!error);
        expand(&[d.join("missing")], &mut error);
        assert!(error);
    }
}
