//! Secrets in the history of a change: the lines that commits in `BASE..HEAD` added, so that a
//! key committed and deleted again within a pull request is still reported.
//!
//! The repository is hostile input. It is opened with `gix` in isolated mode (no system or
//! global configuration, no environment overrides), and only objects are read: no hooks, no
//! filters, no diff drivers, nothing that could start a program.

use crate::analyze::{FileContext, secrets};
use crate::finding::{Finding, Notice, NoticeCode, NoticeLevel};
use crate::rules::RuleSet;
use std::collections::HashMap;
use std::path::Path;

/// More commits than this in one range are not scanned (a notice says so).
const MAX_COMMITS: usize = 1000;

/// `BASE..HEAD`; `REF` alone means `REF..HEAD`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryRange {
    pub base: String,
    pub head: String,
}

impl std::str::FromStr for HistoryRange {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (base, head) = s.split_once("..").unwrap_or((s, "HEAD"));
        let head = if head.is_empty() { "HEAD" } else { head };
        if base.is_empty() || base.starts_with('-') || head.starts_with('-') {
            return Err(format!(
                "`{s}` is not a commit range (expected BASE..HEAD or REF)"
            ));
        }
        Ok(HistoryRange {
            base: base.to_string(),
            head: head.to_string(),
        })
    }
}

/// Secret findings on lines added by the commits of `range` in the repository holding `root`,
/// with paths relative to `root`.
pub fn scan(
    root: &Path,
    range: &HistoryRange,
    rules: &RuleSet,
    max_file_size: u64,
) -> (Vec<Finding>, Vec<Notice>) {
    let mut notices = Vec::new();
    let mut findings = Vec::new();
    let fail = |reason: String| Notice::new(NoticeCode::History, ".", NoticeLevel::Error, reason);
    let Some(crate::git::Checkout { repo, prefix }) = crate::git::Checkout::open(root) else {
        notices.push(fail(format!(
            "history not scanned: {} is not inside a git repository",
            root.display()
        )));
        return (findings, notices);
    };
    let resolve = |name: &str| repo.rev_parse_single(name).map(|id| id.detach());
    let (base, head) = match (resolve(&range.base), resolve(&range.head)) {
        (Ok(base), Ok(head)) => (base, head),
        (Err(_), _) => {
            notices.push(fail(format!(
                "history not scanned: commit `{}` is not in this clone (a shallow checkout? \
                 fetch the history, e.g. actions/checkout with fetch-depth: 0)",
                range.base
            )));
            return (findings, notices);
        }
        (_, Err(_)) => {
            notices.push(fail(format!(
                "history not scanned: commit `{}` is not in this repository",
                range.head
            )));
            return (findings, notices);
        }
    };
    let walk = match repo.rev_walk([head]).with_hidden([base]).all() {
        Ok(walk) => walk,
        Err(e) => {
            notices.push(fail(format!("history not scanned: {e}")));
            return (findings, notices);
        }
    };
    for (count, info) in walk.enumerate() {
        if count >= MAX_COMMITS {
            notices.push(fail(format!(
                "history: only the newest {MAX_COMMITS} commits of {}..{} were scanned",
                range.base, range.head
            )));
            break;
        }
        let info = match info {
            Ok(info) => info,
            Err(e) => {
                notices.push(fail(format!("history: cannot walk the commits: {e}")));
                break;
            }
        };
        match scan_commit(&repo, info.id, &prefix, rules, max_file_size) {
            Ok(found) => findings.extend(found),
            Err(reason) => notices.push(fail(format!(
                "history: commit {} not scanned: {reason}",
                info.id.to_hex_with_len(7)
            ))),
        }
    }
    (findings, notices)
}

fn scan_commit(
    repo: &gix::Repository,
    id: gix::ObjectId,
    prefix: &str,
    rules: &RuleSet,
    max_file_size: u64,
) -> Result<Vec<Finding>, String> {
    let current = crate::git::blobs(repo, id)?;
    let commit = repo
        .find_object(id)
        .map_err(|e| e.to_string())?
        .try_into_commit()
        .map_err(|e| e.to_string())?;
    let parent = match commit.parent_ids().next() {
        Some(p) => crate::git::blobs(repo, p.detach())?,
        None => HashMap::new(),
    };
    let short = id.to_hex_with_len(7).to_string();
    let mut findings = Vec::new();
    let mut paths: Vec<&String> = current.keys().collect();
    paths.sort();
    for path in paths {
        let Some(&oid) = current.get(path) else {
            continue;
        };
        let old = parent.get(path);
        if old == Some(&oid) {
            continue;
        }
        let rel = if prefix.is_empty() {
            path.clone()
        } else {
            match path.strip_prefix(&format!("{prefix}/")) {
                Some(rest) => rest.to_string(),
                None => continue,
            }
        };
        let Some(new_text) = blob_text(repo, oid, max_file_size) else {
            continue;
        };
        let old_text = old
            .and_then(|o| blob_text(repo, *o, max_file_size))
            .unwrap_or_default();
        let added = added_lines_only(&old_text, &new_text);
        let ctx = FileContext::new(&rel, &added);
        let mut found = secrets::scan(&ctx, rules);
        ctx.fingerprint(&mut found);
        for f in &mut found {
            f.message.push_str(&format!(" (added in commit {short})"));
        }
        findings.extend(found);
    }
    Ok(findings)
}

/// The text of a blob, unless it is binary or too large.
fn blob_text(repo: &gix::Repository, oid: gix::ObjectId, max: u64) -> Option<String> {
    let object = repo.find_object(oid).ok()?;
    let data = &object.data;
    if data.len() as u64 > max || data.iter().take(8192).any(|&b| b == 0) {
        return None;
    }
    Some(String::from_utf8_lossy(data).into_owned())
}

/// `new` with every line that also stood in `old` blanked (as many times as it stood there),
/// so that only added lines are scanned and line numbers stay those of `new`.
fn added_lines_only(old: &str, new: &str) -> String {
    let mut before: HashMap<&str, usize> = HashMap::new();
    for line in old.lines() {
        *before.entry(line).or_insert(0) += 1;
    }
    let mut out = String::with_capacity(new.len());
    for line in new.lines() {
        match before.get_mut(line) {
            Some(n) if *n > 0 => *n -= 1,
            _ => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_parse() {
        assert_eq!(
            "main..feature".parse::<HistoryRange>(),
            Ok(HistoryRange {
                base: "main".into(),
                head: "feature".into()
            })
        );
        assert_eq!(
            "origin/main".parse::<HistoryRange>(),
            Ok(HistoryRange {
                base: "origin/main".into(),
                head: "HEAD".into()
            })
        );
        assert!("--upload-pack=x".parse::<HistoryRange>().is_err());
    }

    #[test]
    fn only_added_lines_remain() {
        assert_eq!(
            added_lines_only("a\nb\nb\n", "a\nb\nX\nb\nb\n"),
            "\n\nX\n\nb\n"
        );
    }
}
