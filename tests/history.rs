//! `--since` / `--git-range`: secrets in lines that commits added, read from git objects
//! without running anything the repository configures.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::print_stderr)] // test code: a panic is a failed test, a skip says why

mod common;
use common::git;
use mcpgate::rules::expand_example;
use std::path::Path;
use std::process::{Command, Output};

fn mcpgate(dir: &Path, extra: &[&str]) -> (Output, serde_json::Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_mcpgate"))
        .arg("scan")
        .arg(dir)
        .args(["--format", "json"])
        .args(extra)
        .output()
        .expect("run mcpgate");
    let doc = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    (out, doc)
}

/// A repository where a token was committed and deleted again: (repo, token).
fn repo_with_deleted_secret() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    std::fs::write(root.join("README.md"), "# demo\n").expect("write");
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "initial"]);
    let token = expand_example("{{gen:ghp_:36:alnum}}", 42);
    std::fs::create_dir(root.join("config")).expect("mkdir");
    std::fs::write(root.join("config/app.toml"), "debug = true\n").expect("write");
    std::fs::write(
        root.join("config/.env"),
        format!("DEBUG=1\nGITHUB_TOKEN={token}\n"),
    )
    .expect("write");
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "add config"]);
    git(root, &["rm", "-q", "config/.env"]);
    git(root, &["commit", "-qm", "oops, remove the token"]);
    (dir, token)
}

#[test]
fn a_deleted_secret_is_found_in_the_history_of_the_range() {
    let (dir, token) = repo_with_deleted_secret();
    let (out, doc) = mcpgate(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "the working tree is clean");
    let (out, doc2) = mcpgate(dir.path(), &["--since", "HEAD~2"]);
    assert_eq!(out.status.code(), Some(1));
    let findings = doc2["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["rule_id"], "github-token");
    assert_eq!(findings[0]["path"], "config/.env");
    assert_eq!(findings[0]["start_line"], 2);
    let message = findings[0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("(added in commit "), "{message}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&token));
    assert_eq!(doc["findings"].as_array().map(Vec::len), Some(0));
    // The same with an explicit range, and none when the range excludes the commit.
    let (_, doc3) = mcpgate(dir.path(), &["--git-range", "HEAD~2..HEAD"]);
    assert_eq!(doc3["findings"].as_array().map(Vec::len), Some(1));
    let (_, doc4) = mcpgate(dir.path(), &["--git-range", "HEAD~1..HEAD"]);
    assert_eq!(doc4["findings"].as_array().map(Vec::len), Some(0));
}

#[test]
fn paths_are_relative_to_a_scan_root_below_the_repository() {
    let (dir, _) = repo_with_deleted_secret();
    let (_, doc) = mcpgate(&dir.path().join("config"), &["--since", "HEAD~2"]);
    let findings = doc["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["path"], ".env");
}

#[test]
fn shallow_clones_and_non_repositories_get_a_notice_not_a_crash() {
    let (dir, _) = repo_with_deleted_secret();
    let clone = tempfile::tempdir().expect("tempdir");
    let url = format!("file://{}", dir.path().display());
    git(
        clone.path(),
        &["clone", "-q", "--depth", "1", &url, "shallow"],
    );
    let (out, doc) = mcpgate(&clone.path().join("shallow"), &["--since", "HEAD~2"]);
    assert_eq!(out.status.code(), Some(2), "history could not be scanned");
    let reason = doc["notices"][0]["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("shallow checkout"), "{reason}");

    let plain = tempfile::tempdir().expect("tempdir");
    std::fs::write(plain.path().join("a.txt"), "hello\n").expect("write");
    let (out, doc) = mcpgate(plain.path(), &["--since", "main"]);
    assert_eq!(out.status.code(), Some(2));
    let reason = doc["notices"][0]["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("not inside a git repository"), "{reason}");
}

/// Repository configuration that would run programs in `git` must not run anything here.
#[test]
fn repository_configuration_cannot_run_programs() {
    let (dir, _) = repo_with_deleted_secret();
    let marker = dir.path().join("pwned");
    let command = format!("touch {}", marker.display());
    for (key, value) in [
        ("core.fsmonitor", command.as_str()),
        ("diff.external", command.as_str()),
        ("core.pager", command.as_str()),
        ("gpg.program", command.as_str()),
        ("log.showSignature", "true"),
    ] {
        git(dir.path(), &["config", key, value]);
    }
    let (out, _) = mcpgate(dir.path(), &["--since", "HEAD~2"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!marker.exists(), "a repository-configured program ran");
}

#[test]
fn bad_ranges_are_argument_errors() {
    let (dir, _) = repo_with_deleted_secret();
    let out = Command::new(env!("CARGO_BIN_EXE_mcpgate"))
        .arg("scan")
        .arg(dir.path())
        .args(["--git-range", "--upload-pack=touch x"])
        .output()
        .expect("run mcpgate");
    assert_eq!(out.status.code(), Some(2));
}
