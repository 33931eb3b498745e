//! Diff mode: keep the findings the change brought. The working tree is compared with a base
//! commit (the merge base of the base and `HEAD`, as a pull request's diff is), file by file,
//! only for files that have findings. A finding is new when
//! - its file is new, or a line of it or of its trace was added or edited;
//! - its trace crosses files and one of them changed at all;
//! - its file changed and the base's copy of the file, analyzed the same way, has no finding
//!   with its fingerprint at its severity or higher (a sanitizer deleted above an old sink, a
//!   source newly feeding it, a severity that rose): the line is not what makes it new.
//!
//! A dependency finding counts as changed when its package and version are not in the base's
//! copy of the lockfile, whichever line moved. Only a file whose bytes did not change keeps
//! its single-file findings out.
//!
//! The repository is opened isolated (`git::Checkout`).

use crate::deps::lockfile::LockfileKind;
use crate::finding::{Finding, Report, Severity};
use crate::rules::RuleSet;
use imara_diff::{Algorithm, Diff, InternedInput};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::path::{Path, PathBuf};

/// Files larger than this are compared as wholly changed rather than diffed.
const MAX_DIFF_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    #[error("--diff-base: {root} is not inside a git repository")]
    NotARepository { root: PathBuf },
    #[error(
        "--diff-base: `{rev}` is not a commit of this clone (a shallow checkout? fetch the base, e.g. actions/checkout with fetch-depth: 0)"
    )]
    UnknownRevision { rev: String },
    #[error("--diff-base: {0}")]
    Git(String),
}

/// What changed since the base, per report path; computed on demand and cached.
pub struct ChangedSince {
    repo: gix::Repository,
    /// The scan root relative to the repository's work tree (`""` at the top).
    prefix: String,
    root: PathBuf,
    base: gix::ObjectId,
    /// Repository path -> blob id in the base tree.
    base_blobs: std::collections::HashMap<String, gix::ObjectId>,
    cache: HashMap<String, FileChange>,
}

enum FileChange {
    /// Not in the base (or not comparable): every line is new.
    New,
    /// Byte for byte the base's copy.
    Same,
    /// The new-side lines (1-based) that were added or edited, and what the base's copy of
    /// the file was found to hold (fingerprint -> highest severity), once asked.
    Lines {
        lines: HashSet<usize>,
        old_text: String,
        old_findings: Option<HashMap<String, Severity>>,
    },
    /// A lockfile: the packages (name, version) the base already had, and the changed lines.
    Lockfile {
        packages: HashSet<(String, String)>,
        lines: HashSet<usize>,
    },
}

impl ChangedSince {
    /// Compares the work tree under `root` with the merge base of `rev` and `HEAD`.
    pub fn open(root: &Path, rev: &str) -> Result<ChangedSince, DiffError> {
        if rev.starts_with('-') {
            return Err(DiffError::UnknownRevision { rev: rev.into() });
        }
        let not_repo = || DiffError::NotARepository { root: root.into() };
        let root = std::fs::canonicalize(root).map_err(|_| not_repo())?;
        let crate::git::Checkout { repo, prefix } =
            crate::git::Checkout::open(&root).ok_or_else(not_repo)?;
        let wanted = repo
            .rev_parse_single(rev)
            .map_err(|_| DiffError::UnknownRevision { rev: rev.into() })?
            .detach();
        // The base of a pull request's diff is where the branch left the base branch.
        let base = match repo.head_id() {
            Ok(head) => repo
                .merge_base(wanted, head.detach())
                .ok()
                .flatten()
                .map_or(wanted, |id| id.detach()),
            Err(_) => wanted,
        };
        let base_blobs = crate::git::blobs(&repo, base).map_err(DiffError::Git)?;
        Ok(ChangedSince {
            repo,
            prefix,
            root,
            base,
            base_blobs,
            cache: HashMap::default(),
        })
    }

    /// The base commit, abbreviated, for messages.
    pub fn base_name(&self) -> String {
        self.base.to_hex_with_len(12).to_string()
    }

    /// Drops the findings the change did not bring; returns how many. `rules` analyze the
    /// base's copy of a changed file, as the scan analyzed the new one.
    pub fn filter(&mut self, report: &mut Report, rules: &RuleSet) -> usize {
        let before = report.findings.len();
        let findings = std::mem::take(&mut report.findings);
        report.findings = findings
            .into_iter()
            .filter(|f| self.is_new(f, rules))
            .collect();
        before - report.findings.len()
    }

    fn change(&mut self, path: &str) -> &mut FileChange {
        if !self.cache.contains_key(path) {
            let change = self.compare(path);
            self.cache.insert(path.to_string(), change);
        }
        self.cache
            .entry(path.to_string())
            .or_insert(FileChange::New)
    }

    fn is_new(&mut self, f: &Finding, rules: &RuleSet) -> bool {
        let path = f.location.path.as_str();
        // Every place the finding names, its own location first.
        let places = std::iter::once(&f.location).chain(f.trace.iter().map(|s| &s.location));
        let mut other_files = Vec::new();
        for place in places {
            let lines = place.start_line..=place.end_line.max(place.start_line);
            let touched = match self.change(&place.path) {
                FileChange::New => true,
                FileChange::Same => false,
                FileChange::Lines { lines: changed, .. } => {
                    lines.into_iter().any(|l| changed.contains(&l))
                }
                FileChange::Lockfile {
                    packages,
                    lines: changed,
                } => match &f.advisory {
                    Some(a) => return !packages.contains(&(a.package.clone(), a.version.clone())),
                    None => lines.into_iter().any(|l| changed.contains(&l)),
                },
            };
            if touched {
                return true;
            }
            if place.path != path {
                other_files.push(place.path.clone());
            }
        }
        if !other_files.is_empty() {
            // Across files, the base cannot be analyzed file by file: any change on the way
            // counts.
            return std::iter::once(path.to_string())
                .chain(other_files)
                .any(|p| !matches!(self.change(&p), FileChange::Same));
        }
        match self.change(path) {
            FileChange::Lines {
                old_text,
                old_findings,
                ..
            } => {
                let old = old_findings.get_or_insert_with(|| findings_of(path, old_text, rules));
                old.get(&f.fingerprint).is_none_or(|&was| was < f.severity)
            }
            FileChange::New => true,
            FileChange::Same | FileChange::Lockfile { .. } => false,
        }
    }

    fn compare(&self, rel: &str) -> FileChange {
        let repo_path = if self.prefix.is_empty() {
            rel.to_string()
        } else {
            format!("{}/{rel}", self.prefix)
        };
        let Some(&oid) = self.base_blobs.get(&repo_path) else {
            return FileChange::New;
        };
        let Some(old) = blob_text(&self.repo, oid) else {
            return FileChange::New;
        };
        let new = match read_text(&self.root.join(rel)) {
            Some(text) => text,
            // Findings outside the work tree (history) or on unreadable files stay.
            None => return FileChange::New,
        };
        if old == new {
            return FileChange::Same;
        }
        let lines = changed_lines(&old, &new);
        match LockfileKind::for_path(rel).map(|kind| kind.parse(rel, &old)) {
            Some(Ok(inventory)) => FileChange::Lockfile {
                packages: inventory
                    .packages
                    .into_iter()
                    .map(|p| (p.name, p.version))
                    .collect(),
                lines,
            },
            _ => FileChange::Lines {
                lines,
                old_text: old,
                old_findings: None,
            },
        }
    }
}

/// The findings of the base's copy of a file: fingerprint -> highest severity.
fn findings_of(rel: &str, text: &str, rules: &RuleSet) -> HashMap<String, Severity> {
    let mut found: HashMap<String, Severity> = HashMap::default();
    for f in crate::check::analyze_text(rel, text, rules).findings {
        let was = found.entry(f.fingerprint).or_insert(f.severity);
        *was = (*was).max(f.severity);
    }
    found
}

fn blob_text(repo: &gix::Repository, oid: gix::ObjectId) -> Option<String> {
    let object = repo.find_object(oid).ok()?;
    if object.data.len() as u64 > MAX_DIFF_BYTES {
        return None;
    }
    Some(String::from_utf8_lossy(&object.data).into_owned())
}

fn read_text(path: &Path) -> Option<String> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_DIFF_BYTES {
        return None;
    }
    std::fs::read(path)
        .ok()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// The 1-based lines of `new` that a line diff from `old` marks as added.
pub fn changed_lines(old: &str, new: &str) -> HashSet<usize> {
    let input = InternedInput::new(old, new);
    let diff = Diff::compute(Algorithm::Histogram, &input);
    (0..input.after.len())
        .filter(|&i| u32::try_from(i).is_ok_and(|i| diff.is_added(i)))
        .map(|i| i + 1)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edited_and_inserted_lines_are_changed() {
        let mut got: Vec<usize> = changed_lines("a\nb\nc\n", "a\nB\nc\nd\n")
            .into_iter()
            .collect();
        got.sort_unstable();
        assert_eq!(got, vec![2, 4]);
        assert!(changed_lines("a\nb\n", "x\na\nb\n").contains(&1));
        assert_eq!(changed_lines("a\nb\n", "x\na\nb\n").len(), 1);
    }
}
