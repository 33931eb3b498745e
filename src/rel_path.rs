//! Report paths: relative, with `/`, and for entries of a release archive written
//! `archive!/entry`. Helpers every layer uses, so they depend on nothing of the crate.

use std::path::Path;

/// Separates an archive's path from the path of an entry inside it in report paths.
pub const SEPARATOR: &str = "!/";

/// The archive part and the entry part of a report path, for paths inside an archive.
pub fn split(path: &str) -> Option<(&str, &str)> {
    path.split_once(SEPARATOR)
}

/// Whether a report path is an entry of a release archive.
pub fn in_archive(rel: &str) -> bool {
    split(rel).is_some()
}

/// A relative path with `/` separators.
pub fn relative_to_root(rel: &Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether a path written in a file `depth` directories below a root leads out of that root:
/// absolute (`/`, `~`, a drive or scheme with `:`) or climbing with more `..` than `depth`.
/// npm `file:` specs and source-map sources both ask this.
pub fn leaves_root(path: &str, depth: usize) -> bool {
    if path.starts_with('/') || path.starts_with('~') || path.contains(':') {
        return true;
    }
    let mut level = depth as isize;
    for part in path.split(['/', '\\']) {
        match part {
            ".." => level -= 1,
            "." | "" => {}
            _ => level += 1,
        }
        if level < 0 {
            return true;
        }
    }
    false
}
