//! The parallel file walk: skips `.git`, dependency, vendored and build directories by
//! default, applies `--exclude` globs, and never follows a symlink. A symlink that leads out
//! of the root, or nowhere, is a notice.
//!
//! Ignore files (`.gitignore`, `.ignore`) hide only what git does not track: they are part of
//! the change under review, so a pull request could otherwise hide its own code from the
//! gate. Tracked files they hide are scanned and listed in a notice; outside a git checkout
//! (or when its index cannot be read) ignore files are not honoured at all.

use crate::error::{Error, Result};
use crate::finding::{Notice, NoticeCode, NoticeLevel};
pub use crate::rel_path::relative_to_root;
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Directories skipped unless `default_excludes` is off: dependencies, virtualenvs, caches and
/// build output hold code the repository did not write (the dependency audit covers them).
pub const DEFAULT_EXCLUDED_DIRS: &[&str] = &[
    "node_modules",
    "bower_components",
    "vendor",
    "third_party",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    "site-packages",
    "target",
    "build",
    "dist",
    ".next",
    ".nuxt",
    ".turbo",
    ".cache",
];

/// Never walked, whatever the options: git's own data is not the repository's content.
const ALWAYS_EXCLUDED_DIRS: &[&str] = &[".git", ".hg", ".svn"];

#[derive(Clone, Debug)]
pub struct WalkOptions {
    pub exclude: Vec<String>,
    pub default_excludes: bool,
    /// Honour `.gitignore` and `.ignore` for untracked files (`--no-gitignore` turns it off).
    pub ignore_files: bool,
    pub threads: usize,
}

/// A regular file found by the walk.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct WalkedFile {
    /// Path relative to the scan root, with `/`.
    pub rel: String,
    pub abs: PathBuf,
    pub size: u64,
    /// The content, for files that are not on disk (entries of an archive); `abs` is then
    /// the entry's name, for its extension.
    pub data: Option<std::sync::Arc<[u8]>>,
    pub origin: Origin,
}

/// Where a file comes from.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Origin {
    /// A file of the scanned tree.
    #[default]
    WorkingTree,
    /// An entry of a release archive named as a target (its report path).
    ArchiveEntry { archive: std::sync::Arc<str> },
}

impl Origin {
    /// The archive's report path, for an archive entry.
    pub fn archive(&self) -> Option<&str> {
        match self {
            Origin::WorkingTree => None,
            Origin::ArchiveEntry { archive } => Some(archive),
        }
    }
}

/// Compiled `--exclude` patterns. A pattern without `/` matches a file or directory name at any
/// depth (`*.min.js`, `fixtures`); one with `/` matches the path from the root (`tests/data/**`).
#[derive(Clone, Debug)]
pub struct Excludes {
    by_name: GlobSet,
    by_path: GlobSet,
}

impl Excludes {
    pub fn new(patterns: &[String]) -> Result<Excludes> {
        let mut by_name = GlobSetBuilder::new();
        let mut by_path = GlobSetBuilder::new();
        for pattern in patterns {
            let trimmed = pattern.trim_start_matches("./").trim_end_matches('/');
            let anchored = trimmed.strip_prefix('/').unwrap_or(trimmed);
            let glob = Glob::new(anchored).map_err(|e| Error::InvalidGlob {
                pattern: pattern.clone(),
                reason: e.kind().to_string(),
            })?;
            if anchored.contains('/') || trimmed.starts_with('/') {
                by_path.add(glob);
            } else {
                by_name.add(glob);
            }
        }
        let build = |b: GlobSetBuilder| {
            b.build().map_err(|e| Error::InvalidGlob {
                pattern: patterns.join(" "),
                reason: e.kind().to_string(),
            })
        };
        Ok(Excludes {
            by_name: build(by_name)?,
            by_path: build(by_path)?,
        })
    }

    pub fn matches(&self, rel: &str) -> bool {
        let name = rel.rsplit('/').next().unwrap_or(rel);
        self.by_name.is_match(name) || self.by_path.is_match(rel)
    }
}

/// Walks `target` (a directory or a file inside `root`) and returns its files sorted by path.
pub fn walk(
    root: &Path,
    target: &Path,
    options: &WalkOptions,
) -> Result<(Vec<WalkedFile>, Vec<Notice>)> {
    let excludes = Arc::new(Excludes::new(&options.exclude)?);
    let files = Arc::new(Mutex::new(Vec::new()));
    let notices = Arc::new(Mutex::new(Vec::new()));
    let skipped: Arc<Mutex<Vec<String>>> = Arc::new(Mutex::new(Vec::new()));
    let root_buf = Arc::new(root.to_path_buf());
    let tracked = if options.ignore_files {
        crate::git::tracked_files(root)
    } else {
        None
    };

    let mut builder = ignore::WalkBuilder::new(target);
    builder
        .hidden(false)
        .follow_links(false)
        .git_global(false)
        .git_exclude(false)
        .git_ignore(tracked.is_some())
        .ignore(tracked.is_some())
        .require_git(false)
        .threads(options.threads.max(1));
    {
        let root = Arc::clone(&root_buf);
        let excludes = Arc::clone(&excludes);
        let notices = Arc::clone(&notices);
        let skipped = Arc::clone(&skipped);
        let default_excludes = options.default_excludes;
        builder.filter_entry(move |entry| {
            // The target itself is always walked: the user named it.
            if entry.depth() == 0 {
                return true;
            }
            let name = entry.file_name().to_string_lossy();
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            if is_dir && ALWAYS_EXCLUDED_DIRS.contains(&name.as_ref()) {
                return false;
            }
            let rel = relative(&root, entry.path());
            if is_dir && default_excludes && DEFAULT_EXCLUDED_DIRS.contains(&name.as_ref()) {
                match crate::package_layout::built_output(entry.path()) {
                    Some(output) => {
                        push(
                            &notices,
                            Notice::new(
                                NoticeCode::PackageOutput,
                                &rel,
                                NoticeLevel::Note,
                                output.reason(),
                            ),
                        );
                        if !output.is_the_code() {
                            return false;
                        }
                    }
                    None => {
                        push(&skipped, rel);
                        return false;
                    }
                }
            }
            !excludes.matches(&rel)
        });
    }

    builder.build_parallel().run(|| {
        let files = Arc::clone(&files);
        let notices = Arc::clone(&notices);
        let root = Arc::clone(&root_buf);
        Box::new(move |result| {
            match result {
                Ok(entry) => {
                    let Some(file_type) = entry.file_type() else {
                        return ignore::WalkState::Continue;
                    };
                    let rel = relative(&root, entry.path());
                    if file_type.is_symlink() {
                        if let Some(notice) = symlink_notice(&root, entry.path(), &rel) {
                            push(&notices, notice);
                        }
                    } else if file_type.is_file() {
                        let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
                        push(
                            &files,
                            WalkedFile {
                                rel,
                                abs: entry.into_path(),
                                size,
                                data: None,
                                origin: Origin::WorkingTree,
                            },
                        );
                    }
                }
                Err(err) => push(&notices, walk_error_notice(&root, &err)),
            }
            ignore::WalkState::Continue
        })
    });

    let mut files = take(&files);
    let mut notices = take(&notices);
    if let Some(tracked) = tracked {
        let hidden = tracked_but_hidden(root, target, tracked, &files, &excludes, options);
        if let Some(notice) = hidden_notice(&hidden) {
            notices.push(notice);
        }
        files.extend(hidden);
    }
    files.sort();
    let mut skipped = take(&skipped);
    if !skipped.is_empty() {
        skipped.sort();
        let shown: Vec<&str> = skipped.iter().take(5).map(String::as_str).collect();
        let more = skipped.len().saturating_sub(shown.len());
        notices.push(Notice::new(
            NoticeCode::WalkExcluded,
            ".",
            NoticeLevel::Note,
            format!(
                "default excludes skipped {} director{}: {}{} (dependencies, virtualenvs, caches and build output; --no-default-excludes scans them)",
                skipped.len(),
                if skipped.len() == 1 { "y" } else { "ies" },
                shown.join(", "),
                if more > 0 { format!(" and {more} more") } else { String::new() }
            ),
        ));
    }
    notices.sort();
    Ok((files, notices))
}

/// Tracked files under `target` that the walk did not find although no exclude of mcpgate's
/// hides them: an ignore file did. Each must be a regular file reached without a link.
fn tracked_but_hidden(
    root: &Path,
    target: &Path,
    tracked: Vec<String>,
    walked: &[WalkedFile],
    excludes: &Excludes,
    options: &WalkOptions,
) -> Vec<WalkedFile> {
    let found: std::collections::HashSet<&str> = walked.iter().map(|f| f.rel.as_str()).collect();
    let target_rel = relative(root, target);
    let under_target = |rel: &str| {
        target_rel == "."
            || rel == target_rel
            || rel
                .strip_prefix(target_rel.as_str())
                .is_some_and(|rest| rest.starts_with('/'))
    };
    let mut hidden = Vec::new();
    for rel in tracked {
        if found.contains(rel.as_str()) || !under_target(&rel) || excluded(&rel, excludes, options)
        {
            continue;
        }
        let abs = root.join(&rel);
        let Some(size) = regular_file_without_links(root, &abs) else {
            continue;
        };
        hidden.push(WalkedFile {
            rel,
            abs,
            size,
            data: None,
            origin: Origin::WorkingTree,
        });
    }
    hidden
}

/// Whether mcpgate's own excludes (always, default, `--exclude`) leave `rel` out.
fn excluded(rel: &str, excludes: &Excludes, options: &WalkOptions) -> bool {
    let parts: Vec<&str> = rel.split('/').collect();
    let dirs = parts.len().saturating_sub(1);
    parts.iter().take(dirs).any(|d| {
        ALWAYS_EXCLUDED_DIRS.contains(d)
            || (options.default_excludes && DEFAULT_EXCLUDED_DIRS.contains(d))
    }) || (1..=parts.len()).any(|n| {
        parts
            .get(..n)
            .is_some_and(|prefix| excludes.matches(&prefix.join("/")))
    })
}

/// The size of `abs` when it and every directory between `root` and it are what they say,
/// not links.
fn regular_file_without_links(root: &Path, abs: &Path) -> Option<u64> {
    let rel = abs.strip_prefix(root).ok()?;
    let mut at = root.to_path_buf();
    let mut parts = rel.components().peekable();
    while let Some(part) = parts.next() {
        at.push(part);
        let meta = std::fs::symlink_metadata(&at).ok()?;
        let wanted = if parts.peek().is_some() {
            meta.is_dir()
        } else {
            meta.is_file()
        };
        if !wanted {
            return None;
        }
        if parts.peek().is_none() {
            return Some(meta.len());
        }
    }
    None
}

fn hidden_notice(hidden: &[WalkedFile]) -> Option<Notice> {
    if hidden.is_empty() {
        return None;
    }
    let mut names: Vec<&str> = hidden.iter().map(|f| f.rel.as_str()).collect();
    names.sort_unstable();
    let shown: Vec<String> = names
        .iter()
        .take(5)
        .map(|n| crate::display::printable(n))
        .collect();
    let more = names.len().saturating_sub(shown.len());
    Some(Notice::new(
        NoticeCode::WalkIgnored,
        ".",
        NoticeLevel::Warning,
        format!(
            "{} tracked file(s) hidden by .gitignore or .ignore rules were scanned anyway: {}{} (ignore files do not hide committed code from the gate)",
            names.len(),
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ),
    ))
}

fn push<T>(list: &Mutex<Vec<T>>, item: T) {
    // A poisoned lock only means another walker thread panicked; the data is still usable.
    match list.lock() {
        Ok(mut guard) => guard.push(item),
        Err(poisoned) => poisoned.into_inner().push(item),
    }
}

fn take<T>(list: &Arc<Mutex<Vec<T>>>) -> Vec<T> {
    match list.lock() {
        Ok(mut guard) => std::mem::take(&mut *guard),
        Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
    }
}

/// A symlink is never followed. One that resolves inside the root is silent (its target is
/// scanned under its own path); one that leads outside, or nowhere, is reported.
fn symlink_notice(root: &Path, path: &Path, rel: &str) -> Option<Notice> {
    match std::fs::canonicalize(path) {
        Ok(target) if target.starts_with(root) => None,
        Ok(_) => Some(Notice::new(
            NoticeCode::WalkLink,
            rel,
            NoticeLevel::Note,
            "symlink to a path outside the scan root; not followed",
        )),
        Err(_) => Some(Notice::new(
            NoticeCode::WalkLink,
            rel,
            NoticeLevel::Note,
            "broken symlink or symlink loop; not followed",
        )),
    }
}

fn walk_error_notice(root: &Path, err: &ignore::Error) -> Notice {
    fn path_of(err: &ignore::Error) -> Option<&Path> {
        match err {
            ignore::Error::WithPath { path, .. } => Some(path),
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                path_of(err)
            }
            ignore::Error::Loop { child, .. } => Some(child),
            _ => None,
        }
    }
    let path = path_of(err).map_or_else(|| ".".to_string(), |p| relative(root, p));
    // An unreadable directory hides files from the scan; a bad .gitignore line does not.
    let level = if matches!(innermost(err), ignore::Error::Io(_)) {
        NoticeLevel::Error
    } else {
        NoticeLevel::Warning
    };
    Notice::new(
        NoticeCode::WalkFailed,
        path,
        level,
        format!("cannot walk: {}", io_reason(err)),
    )
}

fn innermost(err: &ignore::Error) -> &ignore::Error {
    match err {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => innermost(err),
        other => other,
    }
}

fn io_reason(err: &ignore::Error) -> String {
    match innermost(err) {
        ignore::Error::Io(io) => io.to_string(),
        other => other.to_string(),
    }
}

/// `path` relative to `root` with `/` separators; the path as given when it is not below root.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excludes_by_name_and_by_path() {
        let ex = Excludes::new(&["*.min.js".into(), "tests/data/**".into(), "/docs".into()])
            .expect("valid globs");
        assert!(ex.matches("web/app.min.js"));
        assert!(ex.matches("tests/data/x.py"));
        assert!(!ex.matches("src/tests/data/x.py"));
        assert!(ex.matches("docs"));
        assert!(!ex.matches("src/app.js"));
    }

    #[test]
    fn invalid_glob_is_an_error() {
        let err = Excludes::new(&["a[".into()]).unwrap_err().to_string();
        assert!(err.starts_with("invalid exclude pattern `a[`"), "{err}");
    }
}
