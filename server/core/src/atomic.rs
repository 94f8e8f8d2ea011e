//! Writing a file so that readers see the old or the new contents, never a half-written one:
//! the project file and glossary the server edits, the cache folder's files, and `fix --write`.
//! The writer's files are synced to disk before they replace the old ones; the cache's are not
//! (`write_cache_file`: their readers check them).

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Marks the temporary files `write_with` makes (`.NAME.tmp-PID-N`), so that a folder's owner
/// can recognise and remove ones left behind by a crash.
pub const TEMP_MARK: &str = ".tmp-";

/// Writes `contents` to `path` atomically, keeping the permissions of the file it replaces.
pub fn write_atomic(path: &Path, contents: &[u8]) -> io::Result<()> {
    write_with(path, |file| file.write_all(contents))
}

/// Lets `write` fill a temporary file in `path`'s folder, syncs it and renames it over `path`.
/// The temporary file is removed when anything fails.
pub fn write_with(path: &Path, write: impl FnOnce(&mut File) -> io::Result<()>) -> io::Result<()> {
    write_file(path, write, true)
}

/// `write_with` without waiting for the disk: for cache files, which are checksummed and checked
/// when read, so that the torn or empty file a crash may leave is rebuilt, not trusted. Syncing
/// the index of a 10 MB corpus (18 MB) costs a check 10–20 ms.
pub fn write_cache_file(
    path: &Path,
    write: impl FnOnce(&mut File) -> io::Result<()>,
) -> io::Result<()> {
    write_file(path, write, false)
}

fn write_file(
    path: &Path,
    write: impl FnOnce(&mut File) -> io::Result<()>,
    sync: bool,
) -> io::Result<()> {
    let temp = temp_path(path);
    let result = (|| {
        let mut file = File::create(&temp)?;
        write(&mut file)?;
        if sync {
            file.sync_all()?;
        }
        if let Ok(meta) = std::fs::metadata(path) {
            std::fs::set_permissions(&temp, meta.permissions())?;
        }
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

fn temp_path(path: &Path) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    dir.join(format!(
        ".{name}{TEMP_MARK}{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temporary_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.toml");
        std::fs::write(&path, "old").unwrap();
        write_atomic(&path, "新".as_bytes()).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "新");
        let failed = write_with(&path, |_| Err(io::Error::other("disk full")));
        assert!(failed.is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "新");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().collect();
        assert_eq!(names.len(), 1);
        // A cache file, unsynced: replaced the same way.
        write_cache_file(&path, |f| f.write_all("缓存".as_bytes())).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "缓存");
        assert!(write_cache_file(&path, |_| Err(io::Error::other("disk full"))).is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "缓存");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
