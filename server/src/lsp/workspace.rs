//! Per-document settings and analyzers.
//!
//! Each essay's settings are the editor's with the nearest `essay-lsp.toml` on top. Project
//! files are read when first needed and again whenever their modification time, size or open
//! editor buffer changes, so an edit takes effect in every editor, watched or not; a file with
//! a mistake keeps its last good version in force. Documents whose settings need the same corpus
//! (same `CorpusKey`) share one analyzer; a few are kept, least recently used dropped first.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use tokio::sync::watch;

use essay_core::analysis::Analyzer;
use essay_core::config::Settings;
use essay_core::context::{self, CorpusKey, EssayContext, Layers};
use essay_core::project::{self, Problem, Project};

/// Analyzers kept at once (each holds a corpus index and a glossary).
const MAX_ANALYZERS: usize = 6;

#[derive(Default)]
pub struct Workspace {
    projects: Mutex<HashMap<PathBuf, ProjectEntry>>,
    /// Project files open in the editor: their text there counts over the file on disk.
    overlays: Mutex<HashMap<PathBuf, String>>,
    analyzers: Mutex<Analyzers>,
    /// Numbers the reports, so that only the latest one of a file is published.
    reports: AtomicU64,
}

struct ProjectEntry {
    stamp: Stamp,
    /// The last version without errors.
    good: Option<Arc<Project>>,
    problems: Vec<Problem>,
    /// The number of the last report made.
    reported: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Stamp {
    Disk(Option<SystemTime>, u64),
    Overlay(u64),
    /// Must be read again.
    Stale,
}

/// Problems of a project file, to be published on it (an empty list clears them).
pub struct ConfigReport {
    pub path: PathBuf,
    pub number: u64,
    /// The text the problems' char ranges point into.
    pub text: String,
    pub problems: Vec<Problem>,
}

/// What `Workspace::context` found besides the context.
#[derive(Default)]
pub struct Changes {
    pub reports: Vec<ConfigReport>,
    /// A project file's settings changed: other documents must be checked again.
    pub reloaded: bool,
}

impl Workspace {
    /// Settings and corpus key for a document at `path` (None: not a file), with `editor` the
    /// editor's settings and `folders` the editor's workspace folders.
    pub fn context(
        &self,
        editor: &Settings,
        path: Option<&Path>,
        folders: &[PathBuf],
    ) -> (EssayContext, Changes) {
        let mut changes = Changes::default();
        let dir = path.and_then(Path::parent);
        let project = dir.and_then(project::find).and_then(|file| {
            let (good, report, reloaded) = self.refresh(&file);
            changes.reports.extend(report);
            changes.reloaded |= reloaded;
            good
        });
        let layers = Layers {
            base: editor,
            project: project.as_deref(),
            overrides: &|_| {},
            workspace: workspace_folder(path, folders),
        };
        (context::resolve(&layers, path), changes)
    }

    /// Reads the project file at `path` again if it changed since it was last read. Returns the
    /// project in force, the problems to publish when they changed, and whether the project in
    /// force changed.
    pub fn refresh(&self, path: &Path) -> (Option<Arc<Project>>, Option<ConfigReport>, bool) {
        let overlay = self.overlays.lock().unwrap().get(path).cloned();
        let stamp = match &overlay {
            Some(text) => Stamp::Overlay(hash(text)),
            None => match std::fs::metadata(path) {
                Ok(meta) => Stamp::Disk(meta.modified().ok(), meta.len()),
                Err(_) => return self.removed(path),
            },
        };
        {
            let projects = self.projects.lock().unwrap();
            if let Some(entry) = projects.get(path) {
                if entry.stamp == stamp {
                    return (entry.good.clone(), None, false);
                }
            }
        }
        let (text, parsed) = match overlay {
            Some(text) => {
                let parsed = project::parse(&text, path);
                (text, parsed)
            }
            None => match project::load(path) {
                Ok(loaded) => loaded,
                Err(message) => (
                    String::new(),
                    project::Parsed {
                        project: None,
                        problems: vec![Problem {
                            severity: essay_core::checks::Severity::Error,
                            range: 0..0,
                            line: 1,
                            column: 1,
                            message,
                        }],
                    },
                ),
            },
        };
        let mut projects = self.projects.lock().unwrap();
        let entry = projects
            .entry(path.to_owned())
            .or_insert_with(|| ProjectEntry {
                stamp: Stamp::Stale,
                good: None,
                problems: Vec::new(),
                reported: 0,
            });
        let first = entry.stamp == Stamp::Stale && entry.good.is_none();
        entry.stamp = stamp;
        let mut reloaded = false;
        if let Some(project) = parsed.project {
            if entry.good.as_deref() != Some(&project) {
                entry.good = Some(Arc::new(project));
                reloaded = true;
            }
        }
        let report = (first || entry.problems != parsed.problems).then(|| {
            entry.reported = self.reports.fetch_add(1, Ordering::SeqCst) + 1;
            ConfigReport {
                path: path.to_owned(),
                number: entry.reported,
                text,
                problems: parsed.problems.clone(),
            }
        });
        entry.problems = parsed.problems;
        (entry.good.clone(), report, reloaded)
    }

    /// The project file is gone: forget it; its problems are cleared.
    fn removed(&self, path: &Path) -> (Option<Arc<Project>>, Option<ConfigReport>, bool) {
        let entry = self.projects.lock().unwrap().remove(path);
        let report = entry.as_ref().map(|_| ConfigReport {
            path: path.to_owned(),
            number: self.reports.fetch_add(1, Ordering::SeqCst) + 1,
            text: String::new(),
            problems: Vec::new(),
        });
        (None, report, entry.is_some_and(|e| e.good.is_some()))
    }

    /// The project files read so far.
    pub fn known_projects(&self) -> Vec<PathBuf> {
        self.projects.lock().unwrap().keys().cloned().collect()
    }

    /// Marks for rebuilding the analyzers whose glossary files changed since their build
    /// started (for clients without file watchers); returns those to build now.
    pub fn changed_glossaries(&self) -> Vec<(CorpusKey, Settings)> {
        let changed: Vec<CorpusKey> = {
            let analyzers = self.analyzers.lock().unwrap();
            analyzers
                .slots
                .iter()
                .filter(|(key, slot)| glossary_stamps(key) != slot.glossaries)
                .map(|(key, _)| key.clone())
                .collect()
        };
        if changed.is_empty() {
            return Vec::new();
        }
        self.invalidate(|key| changed.contains(key))
    }

    /// Whether `report` is the latest made for its file (reports are published from tasks that
    /// may finish out of order).
    pub fn is_latest(&self, report: &ConfigReport) -> bool {
        self.projects
            .lock()
            .unwrap()
            .get(&report.path)
            .is_none_or(|e| e.reported <= report.number)
    }

    /// Makes the next look at `path` read it again (a watcher said it changed).
    pub fn forget(&self, path: &Path) {
        if let Some(entry) = self.projects.lock().unwrap().get_mut(path) {
            entry.stamp = Stamp::Stale;
        }
    }

    /// An open project file's text in the editor (None: closed, the disk counts again).
    pub fn set_overlay(&self, path: &Path, text: Option<String>) {
        let mut overlays = self.overlays.lock().unwrap();
        match text {
            Some(text) => overlays.insert(path.to_owned(), text),
            None => overlays.remove(path),
        };
        drop(overlays);
        self.forget(path);
    }

    /// The analyzer slot for `key`: a receiver that holds the analyzer once built, and whether
    /// the caller must start the build.
    pub fn slot(
        &self,
        key: &CorpusKey,
        settings: &Settings,
    ) -> (watch::Receiver<Option<Arc<Analyzer>>>, bool) {
        self.analyzers.lock().unwrap().slot(key, settings)
    }

    /// Stores a finished build. Returns whether the inputs changed meanwhile (the caller must
    /// build again) and whether it replaced an earlier analyzer.
    pub fn finish(&self, key: &CorpusKey, analyzer: Arc<Analyzer>) -> (bool, bool) {
        let mut analyzers = self.analyzers.lock().unwrap();
        let Some(slot) = analyzers.slots.get_mut(key) else {
            return (false, false);
        };
        let replaced = slot.tx.send_replace(Some(analyzer)).is_some();
        if slot.dirty {
            slot.dirty = false;
            slot.glossaries = glossary_stamps(key);
            (true, replaced)
        } else {
            slot.building = false;
            (false, replaced)
        }
    }

    /// Marks the analyzers whose key matches for rebuilding; returns those the caller must build
    /// now (the others are being built and will be built again). They keep serving meanwhile.
    pub fn invalidate(&self, matches: impl Fn(&CorpusKey) -> bool) -> Vec<(CorpusKey, Settings)> {
        let mut analyzers = self.analyzers.lock().unwrap();
        let mut out = Vec::new();
        for (key, slot) in analyzers.slots.iter_mut() {
            if !matches(key) {
                continue;
            }
            if slot.building {
                slot.dirty = true;
            } else {
                slot.building = true;
                slot.glossaries = glossary_stamps(key);
                out.push((key.clone(), slot.settings.clone()));
            }
        }
        out
    }
}

#[derive(Default)]
struct Analyzers {
    slots: HashMap<CorpusKey, Slot>,
    clock: u64,
}

struct Slot {
    tx: watch::Sender<Option<Arc<Analyzer>>>,
    /// Settings to build with (only the corpus key's fields matter).
    settings: Settings,
    used: u64,
    building: bool,
    /// Inputs changed while building.
    dirty: bool,
    /// The glossary files' stamps when the last build started.
    glossaries: Vec<Option<FileStamp>>,
}

type FileStamp = (SystemTime, u64);

fn file_stamp(path: &Path) -> Option<FileStamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

fn glossary_stamps(key: &CorpusKey) -> Vec<Option<FileStamp>> {
    key.glossary_paths.iter().map(|p| file_stamp(p)).collect()
}

impl Analyzers {
    fn slot(
        &mut self,
        key: &CorpusKey,
        settings: &Settings,
    ) -> (watch::Receiver<Option<Arc<Analyzer>>>, bool) {
        self.clock += 1;
        if let Some(slot) = self.slots.get_mut(key) {
            slot.used = self.clock;
            return (slot.tx.subscribe(), false);
        }
        if self.slots.len() >= MAX_ANALYZERS {
            let oldest = self
                .slots
                .iter()
                .filter(|(_, s)| !s.building)
                .min_by_key(|(_, s)| s.used)
                .map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                self.slots.remove(&oldest);
            }
        }
        let (tx, rx) = watch::channel(None);
        self.slots.insert(
            key.clone(),
            Slot {
                tx,
                settings: settings.clone(),
                used: self.clock,
                building: true,
                dirty: false,
                glossaries: glossary_stamps(key),
            },
        );
        (rx, true)
    }
}

/// The editor workspace folder holding `path` (the deepest one), else the first folder, else
/// the document's own folder.
fn workspace_folder(path: Option<&Path>, folders: &[PathBuf]) -> Option<PathBuf> {
    if let Some(path) = path {
        if let Some(folder) = folders
            .iter()
            .filter(|f| path.starts_with(f))
            .max_by_key(|f| f.components().count())
        {
            return Some(folder.clone());
        }
    }
    folders
        .first()
        .cloned()
        .or_else(|| path.and_then(Path::parent).map(Path::to_owned))
}

fn hash(text: &str) -> u64 {
    let mut h = DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_file_keeps_the_last_good_project_and_reports_once() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(project::PROJECT_FILE);
        let essay = dir.path().join("a.md");
        std::fs::write(&file, "[copy]\nminLength = 20\n").unwrap();
        let ws = Workspace::default();
        let editor = Settings::default();

        let (ctx, changes) = ws.context(&editor, Some(&essay), &[]);
        assert_eq!(ctx.settings.min_match_chars, 20);
        assert_eq!(changes.reports.len(), 1, "first read reports (no problems)");
        assert!(changes.reports[0].problems.is_empty());
        let (_, changes) = ws.context(&editor, Some(&essay), &[]);
        assert!(changes.reports.is_empty() && !changes.reloaded);

        ws.set_overlay(&file, Some("[copy]\nminLength = \n".to_owned()));
        let (ctx, changes) = ws.context(&editor, Some(&essay), &[]);
        assert_eq!(ctx.settings.min_match_chars, 20, "last good kept");
        assert_eq!(changes.reports[0].problems.len(), 1);
        assert_eq!(changes.reports[0].problems[0].line, 2);
        assert!(!changes.reloaded);

        ws.set_overlay(&file, Some("[copy]\nminLength = 30\n".to_owned()));
        let (ctx, changes) = ws.context(&editor, Some(&essay), &[]);
        assert_eq!(ctx.settings.min_match_chars, 30);
        assert!(changes.reloaded);
        assert!(changes.reports[0].problems.is_empty(), "cleared");

        ws.set_overlay(&file, None);
        let (ctx, _) = ws.context(&editor, Some(&essay), &[]);
        assert_eq!(ctx.settings.min_match_chars, 20, "the disk again");
    }

    #[test]
    fn workspace_folder_is_the_project_or_the_editor_folder() {
        let dir = tempfile::tempdir().unwrap();
        let essay = dir.path().join("sub/a.md");
        std::fs::create_dir_all(dir.path().join("sub")).unwrap();
        let ws = Workspace::default();
        let editor = Settings {
            include_workspace: true,
            ..Settings::default()
        };
        let canonical = std::fs::canonicalize(dir.path()).unwrap();
        let (ctx, _) = ws.context(&editor, Some(&essay), &[dir.path().to_owned()]);
        assert_eq!(ctx.key.workspace.as_deref(), Some(canonical.as_path()));
        assert_eq!(ctx.settings.skip_corpus_files[0], essay);
        std::fs::write(dir.path().join("sub").join(project::PROJECT_FILE), "").unwrap();
        let (ctx, _) = ws.context(&editor, Some(&essay), &[dir.path().to_owned()]);
        assert_eq!(ctx.key.workspace, Some(canonical.join("sub")));
    }

    #[test]
    fn slots_are_shared_per_key_and_rebuilt_on_demand() {
        let ws = Workspace::default();
        let settings = Settings::default();
        let key = CorpusKey::of(&settings);
        let (_, build) = ws.slot(&key, &settings);
        assert!(build);
        let (_, build) = ws.slot(&key, &settings);
        assert!(!build, "shared while building");
        assert!(
            ws.invalidate(|_| true).is_empty(),
            "being built: marked dirty"
        );
        let analyzer =
            Arc::new(Analyzer::from_corpus(essay_core::corpus::Corpus::default(), &settings).0);
        assert_eq!(
            ws.finish(&key, analyzer.clone()),
            (true, false),
            "dirty: build again"
        );
        assert_eq!(ws.finish(&key, analyzer), (false, true));
        assert_eq!(ws.invalidate(|_| true).len(), 1);
    }
}
