//! GitHub: the Actions environment (`GITHUB_*` variables and the event payload), the inputs of
//! the container action, its output files, and the SARIF upload to code scanning.
//!
//! Everything reads from an environment passed in (a lookup function), never from the process
//! directly, so tests can drive it like a runner would.

pub mod action;
pub mod upload;

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// An event payload larger than this is not one GitHub wrote.
const MAX_EVENT_BYTES: u64 = 64 * 1024 * 1024;

/// What the runner tells a step about the run, from `GITHUB_*` variables.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ActionsEnv {
    pub workspace: Option<PathBuf>,
    /// `owner/name`.
    pub repository: Option<String>,
    pub sha: Option<String>,
    pub git_ref: Option<String>,
    pub event_name: Option<String>,
    pub event: Event,
    pub api_url: String,
    pub server_url: String,
    pub step_summary: Option<PathBuf>,
    pub output: Option<PathBuf>,
}

/// The parts of the event payload mcpgate uses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Event {
    pub pull_request: Option<PullRequest>,
    /// push: the commit before the push.
    pub before: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PullRequest {
    pub number: u64,
    pub base_sha: String,
    pub head_sha: String,
    /// The head lives in another repository, so the run's token is read-only.
    pub from_fork: bool,
}

#[derive(Debug, thiserror::Error)]
#[error("{path}: {reason}")]
pub struct EventError {
    pub path: String,
    pub reason: String,
}

impl ActionsEnv {
    /// Reads the runner's variables through `var`; the event payload from `GITHUB_EVENT_PATH`.
    pub fn from_lookup(var: &dyn Fn(&str) -> Option<String>) -> Result<ActionsEnv, EventError> {
        let get = |name: &str| var(name).filter(|v| !v.is_empty());
        let event = match get("GITHUB_EVENT_PATH") {
            Some(path) => Event::load(Path::new(&path))?,
            None => Event::default(),
        };
        Ok(ActionsEnv {
            workspace: get("GITHUB_WORKSPACE").map(PathBuf::from),
            repository: get("GITHUB_REPOSITORY"),
            sha: get("GITHUB_SHA"),
            git_ref: get("GITHUB_REF"),
            event_name: get("GITHUB_EVENT_NAME"),
            event,
            api_url: get("GITHUB_API_URL").unwrap_or_else(|| "https://api.github.com".into()),
            server_url: get("GITHUB_SERVER_URL").unwrap_or_else(|| "https://github.com".into()),
            step_summary: get("GITHUB_STEP_SUMMARY").map(PathBuf::from),
            output: get("GITHUB_OUTPUT").map(PathBuf::from),
        })
    }

    /// `https://github.com/owner/name/blob/SHA/`: where findings link to in summaries.
    pub fn blob_url(&self) -> Option<String> {
        let repo = self.repository.as_ref()?;
        let sha = self.sha.as_ref()?;
        Some(format!(
            "{}/{repo}/blob/{sha}/",
            self.server_url.trim_end_matches('/')
        ))
    }
}

#[derive(Deserialize)]
struct RawEvent {
    pull_request: Option<RawPull>,
    before: Option<String>,
    repository: Option<RawRepo>,
}

#[derive(Deserialize)]
struct RawPull {
    number: u64,
    base: RawRef,
    head: RawRef,
}

#[derive(Deserialize)]
struct RawRef {
    sha: String,
    repo: Option<RawRepo>,
}

#[derive(Deserialize)]
struct RawRepo {
    full_name: Option<String>,
}

impl Event {
    pub fn load(path: &Path) -> Result<Event, EventError> {
        let fail = |reason: String| EventError {
            path: path.display().to_string(),
            reason,
        };
        let bytes = crate::input_file::read(path, MAX_EVENT_BYTES)
            .map_err(|e| fail(format!("cannot read the event payload: {e}")))?;
        Event::parse(&bytes).map_err(fail)
    }

    pub fn parse(bytes: &[u8]) -> Result<Event, String> {
        let raw: RawEvent = serde_json::from_slice(bytes)
            .map_err(|e| format!("the event payload is not the JSON GitHub writes: {e}"))?;
        let repo_name = raw.repository.and_then(|r| r.full_name);
        Ok(Event {
            pull_request: raw.pull_request.map(|pr| {
                let head_repo = pr.head.repo.and_then(|r| r.full_name);
                PullRequest {
                    number: pr.number,
                    base_sha: pr.base.sha,
                    head_sha: pr.head.sha,
                    from_fork: match (&head_repo, &repo_name) {
                        (Some(head), Some(base)) => head != base,
                        // A deleted fork has no repository: treat it as a fork.
                        (None, _) => true,
                        _ => false,
                    },
                }
            }),
            before: raw.before.filter(|b| !b.chars().all(|c| c == '0')),
        })
    }
}

/// Where an upload goes and what it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadTarget {
    pub owner: String,
    pub repo: String,
    pub commit_sha: String,
    pub git_ref: String,
}

/// The commit and ref an analysis of the checkout at `head` belongs to. On pull requests the
/// runner's `GITHUB_SHA` is the test merge; a checkout of the PR head is uploaded under
/// `refs/pull/N/head` with the head's SHA instead, as codeql-action does.
pub fn upload_target(env: &ActionsEnv, head: Option<&str>) -> Result<UploadTarget, String> {
    let repository = env
        .repository
        .as_deref()
        .ok_or("GITHUB_REPOSITORY is not set")?;
    let sha = env.sha.clone().ok_or("GITHUB_SHA is not set")?;
    let git_ref = env.git_ref.clone().ok_or("GITHUB_REF is not set")?;
    let (commit_sha, git_ref) = match (&env.event.pull_request, head) {
        (Some(pr), Some(head)) if head != sha && git_ref.ends_with("/merge") => {
            (head.to_string(), format!("refs/pull/{}/head", pr.number))
        }
        _ => (sha, git_ref),
    };
    UploadTarget::new(repository, &commit_sha, &git_ref).map_err(|e| match e {
        TargetError::Repository => format!("GITHUB_REPOSITORY `{repository}` is not owner/name"),
        TargetError::Commit => format!("`{commit_sha}` is not a 40-character commit SHA"),
        TargetError::Ref => format!("GITHUB_REF `{git_ref}` is not a full ref"),
    })
}

/// Which part of an upload target is malformed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TargetError {
    /// Not `owner/name`.
    Repository,
    /// Not 40 hex digits.
    Commit,
    /// Not `refs/...`.
    Ref,
}

impl UploadTarget {
    /// Validates `owner/name`, a 40-character commit SHA and a full ref.
    pub fn new(
        repository: &str,
        commit_sha: &str,
        git_ref: &str,
    ) -> Result<UploadTarget, TargetError> {
        let (owner, repo) = repository
            .split_once('/')
            .filter(|(o, r)| !o.is_empty() && !r.is_empty() && !r.contains('/'))
            .ok_or(TargetError::Repository)?;
        if commit_sha.len() != 40 || !commit_sha.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(TargetError::Commit);
        }
        if !git_ref.starts_with("refs/") {
            return Err(TargetError::Ref);
        }
        Ok(UploadTarget {
            owner: owner.to_string(),
            repo: repo.to_string(),
            commit_sha: commit_sha.to_string(),
            git_ref: git_ref.to_string(),
        })
    }
}

/// The commit checked out at `dir` (`HEAD`), read without running git.
pub fn head_commit(dir: &Path) -> Option<String> {
    let dir = std::fs::canonicalize(dir).ok()?;
    let checkout = crate::git::Checkout::open(&dir)?;
    checkout.repo.head_id().ok().map(|id| id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fork_pull_requests_are_recognized() {
        let payload = br#"{"pull_request":{"number":7,"base":{"sha":"b","repo":{"full_name":"o/r"}},
            "head":{"sha":"h","repo":{"full_name":"stranger/r"}}},"repository":{"full_name":"o/r"}}"#;
        let event = Event::parse(payload).expect("parses");
        let pr = event.pull_request.expect("a pull request");
        assert_eq!((pr.number, pr.from_fork), (7, true));
        assert!(Event::parse(b"[1]").is_err());
    }

    #[test]
    fn head_checkouts_upload_under_the_head_ref() {
        let env = ActionsEnv {
            repository: Some("o/r".into()),
            sha: Some("a".repeat(40)),
            git_ref: Some("refs/pull/7/merge".into()),
            event: Event {
                pull_request: Some(PullRequest {
                    number: 7,
                    ..PullRequest::default()
                }),
                before: None,
            },
            ..ActionsEnv::default()
        };
        let merge = upload_target(&env, Some(&"a".repeat(40))).expect("target");
        assert_eq!(merge.git_ref, "refs/pull/7/merge");
        let head = upload_target(&env, Some(&"b".repeat(40))).expect("target");
        assert_eq!(
            (head.git_ref.as_str(), head.commit_sha),
            ("refs/pull/7/head", "b".repeat(40))
        );
    }
}
