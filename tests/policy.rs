//! What a repository accepts and what a change is judged on: `[severity]` and `[[ignore]]` in
//! `.mcpgate.toml`, `--no-ignore`, baselines (`--baseline`, `mcpgate baseline write`) and diff
//! mode (`--diff-base`). Exact findings and exit codes.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::print_stderr)] // test code: a panic is a failed test, a skip says why

mod common;
use common::{git, notices};

use std::path::Path;
use std::process::{Command, Output};

const SERVER: &str = common::SHELL_SERVER;

fn mcpgate(dir: &Path, args: &[&str]) -> (Output, serde_json::Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_mcpgate"))
        .args(args)
        .current_dir(dir)
        .env_remove("MCPGATE_DB")
        .output()
        .expect("run mcpgate");
    let doc = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out, doc)
}

fn scan(dir: &Path, extra: &[&str]) -> (Output, serde_json::Value) {
    let mut args = vec!["scan", ".", "-f", "json", "--no-audit"];
    args.extend_from_slice(extra);
    mcpgate(dir, &args)
}

/// (rule, path, line, severity) of every finding.
fn findings(doc: &serde_json::Value) -> Vec<(String, String, u64, String)> {
    doc["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| {
                    (
                        f["rule_id"].as_str().unwrap_or("").to_string(),
                        f["path"].as_str().unwrap_or("").to_string(),
                        f["start_line"].as_u64().unwrap_or(0),
                        f["severity"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, text).expect("write");
    }
    dir
}

fn shell(line: u64) -> (String, String, u64, String) {
    (
        "python-subprocess-shell-true".into(),
        "server.py".into(),
        line,
        "high".into(),
    )
}

#[test]
fn ignore_entries_with_reasons_silence_and_unused_or_expired_ones_are_reported() {
    let config = r#"
[[ignore]]
rule = "python-subprocess-shell-true"
path = "server.py"
reason = "the command comes from our own allowlist in config.py"

[[ignore]]
rule = "python-eval-exec"
reason = "left over from an old version"

[[ignore]]
rule = "python-subprocess-shell-true"
path = "tools/**"
reason = "accepted until the rewrite"
expires = 2020-01-31
"#;
    let dir = project(&[
        ("server.py", SERVER),
        ("tools/admin.py", SERVER),
        (".mcpgate.toml", config),
    ]);
    let (out, doc) = scan(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        findings(&doc),
        vec![(
            "python-subprocess-shell-true".into(),
            "tools/admin.py".into(),
            11,
            "high".into()
        )]
    );
    assert_eq!(
        notices(&doc),
        vec![
            "warning .mcpgate.toml: line 11: the `[[ignore]]` of `python-subprocess-shell-true` expired on 2020-01-31; its 1 finding(s) are reported again: fix them or renew the entry".to_string(),
            "warning .mcpgate.toml: line 7: the `[[ignore]]` of `python-eval-exec` matches no finding: remove it".to_string(),
        ]
    );
    // --no-ignore shows everything, and then no entry is "unused".
    let (out, doc) = scan(dir.path(), &["--no-ignore"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(findings(&doc).len(), 2);
    assert!(notices(&doc).is_empty(), "{:?}", notices(&doc));
}

#[test]
fn ignore_entries_need_a_reason_a_known_rule_and_a_date() {
    for (config, want) in [
        (
            "[[ignore]]\nrule = \"python-eval-exec\"\n",
            ".mcpgate.toml:1: `[[ignore]]` for `python-eval-exec` needs a `reason`",
        ),
        (
            "\n[[ignore]]\nrule = \"no-such-rule\"\nreason = \"x\"\n",
            ".mcpgate.toml:2: `[[ignore]] rule`: unknown rule `no-such-rule`",
        ),
        (
            "[[ignore]]\nrule = \"python-eval-exec\"\nreason = \"x\"\nexpires = \"soon\"\n",
            ".mcpgate.toml:1: `[[ignore]]` `expires`: `soon` is not a date like 2027-01-31",
        ),
        (
            "[severity]\npython-eval-exec = \"urgent\"\n",
            ".mcpgate.toml:2: `[severity]` `python-eval-exec`: unknown severity `urgent`",
        ),
    ] {
        let dir = project(&[("server.py", SERVER), (".mcpgate.toml", config)]);
        let (out, _) = scan(dir.path(), &[]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(want), "want {want}\ngot {stderr}");
    }
}

#[test]
fn severity_overrides_change_findings_and_the_verdict() {
    let dir = project(&[
        ("server.py", SERVER),
        (
            ".mcpgate.toml",
            "[severity]\npython-subprocess-shell-true = \"medium\"\n",
        ),
    ]);
    let (out, doc) = scan(dir.path(), &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "medium is under the default high threshold"
    );
    assert_eq!(
        findings(&doc),
        vec![(
            "python-subprocess-shell-true".into(),
            "server.py".into(),
            11,
            "medium".into()
        )]
    );
}

#[test]
fn inline_ignores_hold_unless_no_ignore() {
    let text = SERVER.replace(
        "    return subprocess",
        "    # mcpgate:ignore python-subprocess-shell-true commands are fixed by the allowlist\n    return subprocess",
    );
    let dir = project(&[("server.py", &text)]);
    let (out, doc) = scan(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0));
    assert!(findings(&doc).is_empty());
    let (out, doc) = scan(dir.path(), &["--no-ignore"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(findings(&doc), vec![shell(12)]);
}

#[test]
fn a_baseline_hides_known_findings_even_after_lines_move() {
    let dir = project(&[("server.py", SERVER)]);
    let (out, _) = mcpgate(dir.path(), &["baseline", "write", ".", "--no-audit", "-q"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.path().join(".mcpgate-baseline.json").is_file());
    // Code moves down three lines and a new problem arrives.
    let moved = SERVER.replace("import subprocess\n", "import subprocess\n\n\n\n")
        + "\n\n@mcp.tool()\ndef calc(expression: str) -> str:\n    return str(eval(expression))\n";
    std::fs::write(dir.path().join("server.py"), &moved).expect("write");
    let (out, doc) = scan(dir.path(), &["--baseline", ".mcpgate-baseline.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        findings(&doc),
        vec![(
            "python-eval-exec".into(),
            "server.py".into(),
            19,
            "high".into()
        )]
    );
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("1 finding(s) already in the baseline .mcpgate-baseline.json"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A SARIF report works as a baseline too.
    std::fs::write(dir.path().join("server.py"), SERVER).expect("write");
    let (_, _) = mcpgate(
        dir.path(),
        &["scan", ".", "--no-audit", "-q", "--sarif", "old.sarif"],
    );
    std::fs::write(dir.path().join("server.py"), &moved).expect("write");
    let (_, doc) = scan(dir.path(), &["--baseline", "old.sarif"]);
    assert_eq!(findings(&doc).len(), 1);
}

#[test]
fn a_baseline_that_is_not_a_report_is_an_error_naming_it() {
    let dir = project(&[("server.py", SERVER), ("b.json", "{\"results\": []}")]);
    let (out, _) = scan(dir.path(), &["--baseline", "b.json"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("baseline b.json: neither SARIF (`runs`) nor an mcpgate JSON report"),
        "{stderr}"
    );
    let (out, _) = scan(dir.path(), &["--baseline", "missing.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("baseline missing.json: cannot read"));
}

#[test]
fn diff_mode_keeps_findings_on_changed_lines_and_changed_packages() {
    let advisories = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/advisories");
    let dir = project(&[("server.py", SERVER), ("requirements.txt", "mcp==1.22.0\n")]);
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "base"]);
    git(dir.path(), &["checkout", "-q", "-b", "feature"]);
    // The branch moves the old problem down, adds a new one, and touches the requirements
    // without changing the vulnerable pin.
    let changed = SERVER.replace("import subprocess\n", "import os\nimport subprocess\n")
        + "\n\n@mcp.tool()\ndef calc(expression: str) -> str:\n    return str(eval(expression))\n";
    std::fs::write(dir.path().join("server.py"), changed).expect("write");
    std::fs::write(
        dir.path().join("requirements.txt"),
        "# pinned\nmcp==1.22.0\n",
    )
    .expect("write");
    let (out, doc) = mcpgate(
        dir.path(),
        &[
            "scan",
            ".",
            "-f",
            "json",
            "--db",
            advisories,
            "--diff-base",
            "main",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        findings(&doc),
        vec![(
            "python-eval-exec".into(),
            "server.py".into(),
            17,
            "high".into()
        )]
    );
    // A new vulnerable pin is a change, whichever line it is on.
    std::fs::write(dir.path().join("requirements.txt"), "mcp==1.21.0\n").expect("write");
    let (_, doc) = mcpgate(
        dir.path(),
        &[
            "scan",
            ".",
            "-f",
            "json",
            "--db",
            advisories,
            "--diff-base",
            "main",
        ],
    );
    let rules: Vec<String> = findings(&doc).into_iter().map(|f| f.0).collect();
    assert_eq!(rules, vec!["dep-vulnerable", "python-eval-exec"], "{doc}");
    // An unknown base is an error, not a full report.
    let (out, _) = scan(dir.path(), &["--diff-base", "no-such-branch"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`no-such-branch` is not a commit"));
}

#[test]
fn a_finding_whose_severity_rose_is_not_the_one_the_baseline_accepted() {
    let dir = project(&[("server.py", SERVER)]);
    let (out, _) = mcpgate(dir.path(), &["baseline", "write", ".", "--no-audit", "-q"]);
    assert_eq!(out.status.code(), Some(0));
    let path = dir.path().join(".mcpgate-baseline.json");
    let accepted = std::fs::read_to_string(&path).expect("read");
    assert!(accepted.contains("\"severity\": \"high\""), "{accepted}");
    // The baseline accepted the same finding at medium: at high it is news.
    std::fs::write(
        &path,
        accepted.replace("\"severity\": \"high\"", "\"severity\": \"medium\""),
    )
    .expect("write");
    let (out, doc) = scan(dir.path(), &["--baseline", ".mcpgate-baseline.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(findings(&doc), vec![shell(11)]);
    // SARIF carries the severity in the result's properties; without it, the level stands
    // for the highest severity it folds ("warning": medium).
    let (_, _) = mcpgate(
        dir.path(),
        &["scan", ".", "--no-audit", "-q", "--sarif", "old.sarif"],
    );
    let sarif = std::fs::read_to_string(dir.path().join("old.sarif")).expect("read");
    assert!(
        sarif.contains("\"properties\":{\"severity\":\"high\"}"),
        "{sarif}"
    );
    let (_, doc) = scan(dir.path(), &["--baseline", "old.sarif"]);
    assert_eq!(findings(&doc), vec![]);
    let demoted = sarif.replace("{\"severity\":\"high\"}", "{}").replace(
        "\"level\":\"error\",\"locations\"",
        "\"level\":\"warning\",\"locations\"",
    );
    std::fs::write(dir.path().join("old.sarif"), demoted).expect("write");
    let (_, doc) = scan(dir.path(), &["--baseline", "old.sarif"]);
    assert_eq!(findings(&doc), vec![shell(11)]);
}

#[test]
fn diff_mode_reports_an_old_sink_that_the_change_newly_feeds() {
    let base = "import subprocess\nfrom mcp.server.fastmcp import FastMCP\n\nmcp = FastMCP(\"t\")\n\n\n@mcp.tool()\ndef run(name: str) -> str:\n    command = \"ls\"\n    return subprocess.run(command, shell=True, capture_output=True).stdout\n";
    let dir = project(&[("server.py", base), ("notes.py", "x = 1\n")]);
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "base"]);
    git(dir.path(), &["checkout", "-q", "-b", "feature"]);
    let (_, doc) = scan(dir.path(), &["--diff-base", "main"]);
    assert_eq!(findings(&doc), vec![]);
    // Neither the sink's line nor the source's changes: the line between them does.
    std::fs::write(
        dir.path().join("server.py"),
        base.replace("command = \"ls\"", "command = \"ls \" + name"),
    )
    .expect("write");
    let (out, doc) = scan(
        dir.path(),
        &[
            "--diff-base",
            "main",
            "--select",
            "python-subprocess-shell-true",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(findings(&doc), vec![shell(10)]);
    // Committed, the finding is in the base: a later change elsewhere does not report it.
    git(dir.path(), &["commit", "-q", "-am", "feed"]);
    git(dir.path(), &["checkout", "-q", "-b", "later"]);
    std::fs::write(dir.path().join("notes.py"), "x = 2\n").expect("write");
    let (out, doc) = scan(dir.path(), &["--diff-base", "feature"]);
    assert_eq!((out.status.code(), findings(&doc)), (Some(0), vec![]));
    // Moved down by an edit in the same file, it is still the base's finding.
    std::fs::write(
        dir.path().join("server.py"),
        base.replace("command = \"ls\"", "command = \"ls \" + name")
            .replace("import subprocess\n", "import os\nimport subprocess\n"),
    )
    .expect("write");
    let (out, doc) = scan(dir.path(), &["--diff-base", "feature"]);
    assert_eq!((out.status.code(), findings(&doc)), (Some(0), vec![]));
}
