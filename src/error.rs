//! Errors that stop a scan before it can produce a trustworthy report (exit code 2).
//! Problems with single files inside a scan are not errors: they become `Notice`s.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: no such file or directory")]
    PathNotFound { path: PathBuf },

    #[error("{path}: cannot read: {source}")]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{path}: is outside the current directory; scan it on its own")]
    OutsideWorkingDir { path: PathBuf },

    #[error("{path}: is outside the root {root}")]
    OutsideRoot { path: PathBuf, root: PathBuf },

    #[error(
        "no file to scan in {}: check the paths{}{}",
        paths.join(", "),
        if excludes.is_empty() { String::new() } else { format!(", and the excludes {}", excludes.join(", ")) },
        if *default_excludes {
            "; the default excludes (node_modules, vendor, virtualenvs, build, dist, target, caches) apply, --no-default-excludes scans them"
        } else { "" }
    )]
    NothingToScan {
        paths: Vec<String>,
        excludes: Vec<String>,
        default_excludes: bool,
    },

    #[error("{path}{}: {reason}", line.map(|l| format!(":{l}")).unwrap_or_default())]
    RuleFile {
        path: String,
        line: Option<usize>,
        reason: String,
    },

    #[error("rule id `{id}` is defined twice: {first} and {second}")]
    DuplicateRule {
        id: String,
        first: String,
        second: String,
    },

    #[error("{path}{}: {reason}", line.map(|l| format!(":{l}")).unwrap_or_default())]
    Config {
        path: String,
        line: Option<usize>,
        reason: String,
    },

    /// A setting that cannot be used: a selector, a commit range, a baseline or diff base.
    #[error("{0}")]
    Setting(String),

    #[error("invalid exclude pattern `{pattern}`: {reason}")]
    InvalidGlob { pattern: String, reason: String },

    #[error("cannot start worker threads: {0}")]
    ThreadPool(String),

    #[error(transparent)]
    AdvisoryDb(#[from] DbError),

    #[error(transparent)]
    Cache(#[from] CacheError),
}

/// The advisory store could not be opened, read, built or downloaded.
/// Errors of the advisory store and its downloads. Problems with one lockfile are notices in
/// the report, not errors.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(
        "no advisory database at {path}: run `mcpgate db update` (needs network), point --db at an \
         OSV or RustSec directory, or pass --no-audit to skip the dependency audit"
    )]
    Missing { path: std::path::PathBuf },

    #[error("{path}: {reason}")]
    Corrupt {
        path: std::path::PathBuf,
        reason: String,
    },

    #[error("{path}: {source}")]
    Io {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("download of {url} failed: {reason}")]
    Download { url: String, reason: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// 1-based line of a byte offset, for errors that point into a file.
pub(crate) fn line_of_offset(text: &str, offset: usize) -> usize {
    let before = text.as_bytes().get(..offset).unwrap_or(text.as_bytes());
    before.iter().filter(|&&b| b == b'\n').count() + 1
}

/// The line where `key = ...` (or `[key]`/`[[key]]`, `[x.key]`) first appears.
pub(crate) fn line_of_key(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|line| {
            let line = line.trim_start();
            let assigns = line
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='));
            let table = line.starts_with('[')
                && line
                    .trim_matches(|c| c == '[' || c == ']')
                    .rsplit('.')
                    .next()
                    .is_some_and(|last| last.trim() == key);
            assigns || table
        })
        .map(|i| i + 1)
}

/// Why the results cache (`--cache`) could not be used.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error(
        "the cache directory {dir} is inside the scanned directory {root}: a pull request could plant results there; choose a directory outside it"
    )]
    InsideRoot { dir: PathBuf, root: PathBuf },

    #[error("cannot use the cache directory {dir}: {source}")]
    Dir {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
}
