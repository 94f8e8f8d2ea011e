//! The settings an essay is checked with, composed the same way by the CLI and the server.
//!
//! Layers, lowest first: built-in defaults or the editor's settings, the project file
//! (`essay-lsp.toml`) above the essay, then the command-line flags. A key the project file sets
//! replaces the layer below (`checks.severity` per check), except for the lists that only add
//! things — `corpus.paths`, `corpus.references`, `glossary.paths`, `formulaic.extraPhrases`,
//! `ignore.phrases`. The result carries the `CorpusKey`: essays with the same key share one
//! analyzer.

use std::path::{Path, PathBuf};

use crate::config::Settings;
use crate::project::Project;

/// What one essay is checked with.
#[derive(Debug, Clone, PartialEq)]
pub struct EssayContext {
    pub settings: Settings,
    pub key: CorpusKey,
}

/// The layers of settings for one essay.
pub struct Layers<'a> {
    /// Defaults (CLI) or the editor's settings (server).
    pub base: &'a Settings,
    /// The project file in force for the essay, if any.
    pub project: Option<&'a Project>,
    /// Applied last: the command-line flags.
    pub overrides: &'a dyn Fn(&mut Settings),
    /// The workspace of `corpus.includeWorkspace` when no project file gives one: the editor's
    /// workspace folder, or the essay's own folder on the command line.
    pub workspace: Option<PathBuf>,
}

/// Composes the layers for the essay at `file` (None: not on disk).
pub fn resolve(layers: &Layers<'_>, file: Option<&Path>) -> EssayContext {
    let mut settings = compose(layers.base, layers.project);
    (layers.overrides)(&mut settings);
    if settings.include_workspace && settings.workspace_dir.is_none() {
        settings.workspace_dir = layers.workspace.clone();
    }
    let settings = for_essay(settings, file);
    let key = CorpusKey::of(&settings);
    EssayContext { settings, key }
}

/// The settings for an essay: `base` (defaults and editor settings, or command-line flags
/// applied later) with the project file on top. Sets `workspace_dir` to the project's folder.
pub fn compose(base: &Settings, project: Option<&Project>) -> Settings {
    let Some(project) = project else {
        return base.clone();
    };
    let mut s = base.clone();
    // Validated when the file was read; nothing to report here.
    let _ = s.merge_json(&project.json);
    s.corpus_paths = union(&base.corpus_paths, &s.corpus_paths);
    s.reference_paths = union(&base.reference_paths, &s.reference_paths);
    s.glossary_paths = union(&base.glossary_paths, &s.glossary_paths);
    s.extra_stock_phrases = union(&base.extra_stock_phrases, &s.extra_stock_phrases);
    s.ignored_phrases = union(&base.ignored_phrases, &s.ignored_phrases);
    s.workspace_dir = Some(project.dir.clone());
    s
}

fn union<T: Clone + PartialEq>(first: &[T], then: &[T]) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(first.len() + then.len());
    for item in first.iter().chain(then) {
        if !out.contains(item) {
            out.push(item.clone());
        }
    }
    out
}

/// Everything that needs the corpus, index, glossary or phrase book rebuilt when it changes:
/// documents whose settings have the same key share one `Analyzer`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CorpusKey {
    pub corpus_paths: Vec<PathBuf>,
    pub reference_paths: Vec<PathBuf>,
    pub include_builtin: bool,
    pub glossary_paths: Vec<PathBuf>,
    pub extra_stock_phrases: Vec<String>,
    /// The workspace folder, when its essays are part of the corpus.
    pub workspace: Option<PathBuf>,
}

impl CorpusKey {
    /// The built-in corpus alone, without glossary files: what `Language::builtin` serves.
    pub fn is_builtin_only(&self) -> bool {
        self.include_builtin
            && self.corpus_paths.is_empty()
            && self.reference_paths.is_empty()
            && self.glossary_paths.is_empty()
            && self.workspace.is_none()
    }

    pub fn of(s: &Settings) -> CorpusKey {
        CorpusKey {
            corpus_paths: s.corpus_paths.clone(),
            reference_paths: s.reference_paths.clone(),
            include_builtin: s.include_builtin,
            glossary_paths: s.glossary_paths.clone(),
            extra_stock_phrases: s.extra_stock_phrases.clone(),
            workspace: if s.include_workspace {
                s.workspace_dir.clone()
            } else {
                None
            },
        }
    }
}

/// Prepares settings for checking the essay at `file` (None: not on disk): corpus folders and
/// the workspace folder canonicalised, so that the essay's own file in the corpus is
/// recognised and skipped — an essay never matches itself.
pub fn for_essay(mut settings: Settings, file: Option<&Path>) -> Settings {
    let canonical = |p: PathBuf| std::fs::canonicalize(&p).unwrap_or(p);
    settings.corpus_paths = settings.corpus_paths.into_iter().map(canonical).collect();
    settings.reference_paths = settings
        .reference_paths
        .into_iter()
        .map(canonical)
        .collect();
    settings.workspace_dir = settings.workspace_dir.take().map(canonical);
    settings.skip_corpus_files = file.map(skip_paths).unwrap_or_default();
    settings
}

/// The paths under which an essay at `file` appears in a corpus: as given and canonicalised.
pub fn skip_paths(file: &Path) -> Vec<PathBuf> {
    let mut out = vec![file.to_owned()];
    if let Ok(canonical) = std::fs::canonicalize(file) {
        if canonical != file {
            out.push(canonical);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{add_workspace_essays, essays_from_files, Corpus};

    #[test]
    fn workspace_essays_join_the_corpus_once_and_an_essay_can_be_skipped() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.md"), "甲文").unwrap();
        std::fs::create_dir(dir.path().join("refs")).unwrap();
        std::fs::write(dir.path().join("refs/b.txt"), "乙文").unwrap();
        let settings = Settings {
            include_builtin: false,
            include_workspace: true,
            corpus_paths: vec![dir.path().join("refs")],
            workspace_dir: Some(dir.path().to_owned()),
            ..Settings::default()
        };
        let (mut corpus, mut problems) = Corpus::load(&settings.corpus_paths, false);
        add_workspace_essays(&mut corpus, &settings, &mut problems);
        let titles: Vec<&str> = corpus.essays.iter().map(|e| e.title.as_str()).collect();
        assert_eq!(titles, ["b", "a"]);
        assert_eq!(
            essays_from_files(&corpus, &skip_paths(&dir.path().join("a.md"))),
            [1]
        );
        assert_eq!(CorpusKey::of(&settings).workspace, settings.workspace_dir);

        // A corpus folder named in a roundabout way still holds the essay itself.
        let roundabout = Settings {
            include_builtin: false,
            corpus_paths: vec![dir.path().join("refs/../refs/.")],
            ..Settings::default()
        };
        let prepared = for_essay(roundabout, Some(&dir.path().join("refs/b.txt")));
        let (corpus, _) = Corpus::load(&prepared.corpus_paths, false);
        assert_eq!(essays_from_files(&corpus, &prepared.skip_corpus_files), [0]);
        let off = Settings {
            include_workspace: false,
            ..settings
        };
        assert_eq!(CorpusKey::of(&off).workspace, None);
    }
}
