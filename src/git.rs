//! The scanned repository, read with `gix` in isolated mode: no system or user config, no
//! hooks, no filters, nothing the repository configures that could start a program. Only
//! objects and refs are read.

use std::collections::HashMap;
use std::path::Path;

/// A repository and where the scan root lies in its work tree.
pub(crate) struct Checkout {
    pub repo: gix::Repository,
    /// The scan root relative to the work tree, with `/` (`""` at the top): report paths are
    /// relative to the scan root, tree paths to the work tree.
    pub prefix: String,
}

impl Checkout {
    /// The repository holding `root` (canonical), if any.
    pub fn open(root: &Path) -> Option<Checkout> {
        let found = gix::discover_with_environment_overrides(root).ok()?;
        let repo = gix::open_opts(found.git_dir(), gix::open::Options::isolated()).ok()?;
        let prefix = repo
            .workdir()
            .and_then(|w| std::fs::canonicalize(w).ok())
            .and_then(|w| {
                root.strip_prefix(&w)
                    .ok()
                    .map(crate::rel_path::relative_to_root)
            })
            .unwrap_or_default();
        Some(Checkout { repo, prefix })
    }
}

/// Path (repository-relative) -> blob id of every file in a commit's tree.
pub(crate) fn blobs(
    repo: &gix::Repository,
    commit: gix::ObjectId,
) -> Result<HashMap<String, gix::ObjectId>, String> {
    let commit = repo
        .find_object(commit)
        .map_err(|e| e.to_string())?
        .try_into_commit()
        .map_err(|e| e.to_string())?;
    let tree = commit.tree().map_err(|e| e.to_string())?;
    let mut recorder = gix::traverse::tree::Recorder::default();
    tree.traverse()
        .breadthfirst(&mut recorder)
        .map_err(|e| e.to_string())?;
    Ok(recorder
        .records
        .into_iter()
        .filter(|e| e.mode.is_blob())
        .map(|e| (e.filepath.to_string(), e.oid))
        .collect())
}

/// The files of the index (tracked, regular or executable) under the scan root `root`, as
/// paths relative to it; `None` outside a git checkout or when the index cannot be read.
pub(crate) fn tracked_files(root: &Path) -> Option<Vec<String>> {
    let root = std::fs::canonicalize(root).ok()?;
    let Checkout { repo, prefix } = Checkout::open(&root)?;
    let index = match repo.open_index() {
        Ok(index) => index,
        // A repository without commits has no index yet: nothing is tracked.
        Err(_) if repo.head_id().is_err() => return Some(Vec::new()),
        Err(_) => return None,
    };
    let under = if prefix.is_empty() {
        String::new()
    } else {
        format!("{prefix}/")
    };
    Some(
        index
            .entries()
            .iter()
            .filter(|e| {
                matches!(
                    e.mode,
                    gix::index::entry::Mode::FILE | gix::index::entry::Mode::FILE_EXECUTABLE
                )
            })
            .filter_map(|e| {
                let path = e.path(&index).to_string();
                path.strip_prefix(&under).map(str::to_string)
            })
            .collect(),
    )
}
