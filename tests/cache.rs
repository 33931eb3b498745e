//! The results cache (`--cache DIR`): a re-scan reuses each unchanged file's results and gives
//! exactly the report a cold scan gives; a changed file, rule pack or option is analyzed
//! again; a damaged, linked or misplaced cache never changes a result.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use mcpgate::deps::AuditOptions;
use mcpgate::{Error, NoticeCode, Report, RuleSet, ScanOptions, Severity, scan};
use std::path::{Path, PathBuf};

mod common;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A copy of the shipped example, to edit.
fn example() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(
        &manifest.join("examples/vulnerable-server"),
        &dir.path().join("server"),
    );
    dir
}

fn options(root: &Path, cache: Option<&Path>) -> ScanOptions {
    ScanOptions {
        paths: vec![root.to_path_buf()],
        cache: cache.map(Path::to_path_buf),
        stats: true,
        audit: AuditOptions {
            db: Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/advisories"),
            ..AuditOptions::default()
        },
        ..ScanOptions::default()
    }
}

fn run(root: &Path, cache: Option<&Path>) -> Report {
    scan(&options(root, cache), &RuleSet::builtin().unwrap()).unwrap()
}

/// Files whose results came from the cache.
fn cached(report: &Report) -> u64 {
    let stats = report.stats.as_ref().expect("stats asked for");
    stats
        .phases
        .iter()
        .find(|p| p.name == "cached")
        .map_or(0, |p| p.files)
}

/// Everything a report says, but the timings.
fn said(report: &Report) -> serde_json::Value {
    let mut doc = serde_json::to_value(report).unwrap();
    if let Some(doc) = doc.as_object_mut() {
        doc.remove("stats");
    }
    doc
}

fn findings(report: &Report) -> Vec<(String, String, usize, Severity)> {
    report
        .findings
        .iter()
        .map(|f| {
            (
                f.rule_id.clone(),
                f.location.path.clone(),
                f.location.start_line,
                f.severity,
            )
        })
        .collect()
}

fn cache_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

#[test]
fn a_rescan_reuses_every_unchanged_file_and_reports_the_same() {
    let tree = example();
    let root = tree.path().join("server");
    let cache = tempfile::tempdir().unwrap();
    let cold = run(&root, None);
    let first = run(&root, Some(cache.path()));
    assert_eq!(cached(&first), 0);
    assert_eq!(said(&first), said(&cold));
    let second = run(&root, Some(cache.path()));
    assert_eq!(said(&second), said(&cold));
    // Every file but the dependency manifests (the advisory store decides those). No module
    // gets a second pass: `unpack` returns what `extract` returns, which reaches no sink.
    assert_eq!(
        cached(&second),
        second.files_scanned as u64 - 3,
        "{:?}",
        second.stats
    );
    assert_eq!(cache_files(cache.path()).len(), 1);
}

#[test]
fn a_changed_file_is_analyzed_again_and_only_it() {
    let tree = example();
    let root = tree.path().join("server");
    let cache = tempfile::tempdir().unwrap();
    let before = run(&root, Some(cache.path()));
    let server = root.join("safe_tools.py");
    let mut text = std::fs::read_to_string(&server).unwrap();
    text.push_str(
        "\n\n@mcp.tool()\ndef run_it(command: str) -> str:\n    return subprocess.run(command, shell=True).stdout\n",
    );
    let added_line = text.lines().count();
    std::fs::write(&server, text).unwrap();
    let after = run(&root, Some(cache.path()));
    assert_eq!(said(&after), said(&run(&root, None)));
    let new: Vec<_> = findings(&after)
        .into_iter()
        .filter(|f| !findings(&before).contains(f))
        .collect();
    let at = |rule: &str, severity| {
        (
            rule.to_string(),
            "safe_tools.py".to_string(),
            added_line,
            severity,
        )
    };
    assert_eq!(
        new,
        vec![
            at("python-subprocess-shell-true", Severity::High),
            at("python-subprocess-without-timeout", Severity::Low)
        ]
    );
    assert_eq!(cached(&after), after.files_scanned as u64 - 4);
}

#[test]
fn other_rules_or_options_do_not_reuse_results() {
    let tree = example();
    let root = tree.path().join("server");
    let cache = tempfile::tempdir().unwrap();
    run(&root, Some(cache.path()));
    let with_tests = ScanOptions {
        include_tests: true,
        ..options(&root, Some(cache.path()))
    };
    let report = scan(&with_tests, &RuleSet::builtin().unwrap()).unwrap();
    assert_eq!(cached(&report), 0);
    let mut rules: Vec<mcpgate::Rule> = RuleSet::builtin().unwrap().rules().to_vec();
    rules.retain(|r| r.id != "python-subprocess-shell-true");
    let fewer = RuleSet::from_rules(rules).unwrap();
    let report = scan(&options(&root, Some(cache.path())), &fewer).unwrap();
    assert_eq!(cached(&report), 0);
    assert!(
        !report
            .findings
            .iter()
            .any(|f| f.rule_id == "python-subprocess-shell-true")
    );
}

#[test]
fn a_damaged_cache_is_set_aside_with_a_warning() {
    let tree = example();
    let root = tree.path().join("server");
    let cache = tempfile::tempdir().unwrap();
    let cold = run(&root, Some(cache.path()));
    let file = cache_files(cache.path()).pop().unwrap();
    std::fs::write(&file, b"{\"format\": 1, \"context\": ").unwrap();
    let report = run(&root, Some(cache.path()));
    assert_eq!(cached(&report), 0);
    assert_eq!(findings(&report), findings(&cold));
    let warned: Vec<_> = report
        .notices
        .iter()
        .filter(|n| n.code == NoticeCode::Cache)
        .collect();
    assert_eq!(warned.len(), 1, "{:?}", report.notices);
    assert!(warned[0].reason.contains("damaged"), "{}", warned[0].reason);
    // Rewritten whole: the next scan uses it again.
    assert_eq!(
        cached(&run(&root, Some(cache.path()))),
        report.files_scanned as u64 - 3
    );
}

#[cfg(unix)]
#[test]
fn a_cache_file_that_is_a_link_is_neither_read_nor_written_through() {
    let tree = example();
    let root = tree.path().join("server");
    let cache = tempfile::tempdir().unwrap();
    run(&root, Some(cache.path()));
    let file = cache_files(cache.path()).pop().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let victim = elsewhere.path().join("victim.json");
    std::fs::rename(&file, &victim).unwrap();
    std::os::unix::fs::symlink(&victim, &file).unwrap();
    let kept = std::fs::read(&victim).unwrap();
    let report = run(&root, Some(cache.path()));
    assert_eq!(cached(&report), 0);
    assert_eq!(std::fs::read(&victim).unwrap(), kept);
    let reasons: Vec<&str> = report
        .notices
        .iter()
        .filter(|n| n.code == NoticeCode::Cache)
        .map(|n| n.reason.as_str())
        .collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(reasons.iter().any(|r| r.contains("not a regular file")));
    assert!(reasons.iter().any(|r| r.contains("symbolic link")));
}

#[test]
fn a_cache_inside_the_scanned_directory_is_refused() {
    let tree = example();
    let root = tree.path().join("server");
    let inside = root.join(".mcpgate-cache");
    let err = scan(&options(&root, Some(&inside)), &RuleSet::builtin().unwrap()).unwrap_err();
    assert!(matches!(err, Error::Cache(_)), "{err}");
    assert!(
        err.to_string().contains("inside the scanned directory"),
        "{err}"
    );
    assert!(
        !inside.exists(),
        "nothing is created in the scanned directory"
    );
}

#[test]
fn secrets_never_reach_the_cache_file() {
    let tree = example();
    let root = tree.path().join("server");
    let cache = tempfile::tempdir().unwrap();
    let token = format!("ghp_{}", "Ab3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6");
    std::fs::write(
        root.join("settings.py"),
        // The call's constant argument is kept for grading dependency findings too.
        format!("from github import Github\n\nclient = Github(\"{token}\")\n"),
    )
    .unwrap();
    let report = run(&root, Some(cache.path()));
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.rule_id == "github-token" && f.location.path == "settings.py")
    );
    let file = cache_files(cache.path()).pop().unwrap();
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains("settings.py"));
    assert!(!text.contains(&token));
    assert!(!text.contains(&token[..20]));
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const SERVER: &str = r#"import subprocess

from mcp.server.fastmcp import FastMCP

from .helpers import pick

mcp = FastMCP("x")


@mcp.tool()
def run_first(cmd: str) -> str:
    return subprocess.run(pick(cmd, "ls"), shell=True, timeout=9).stdout
"#;

fn helpers(returns: &str) -> String {
    format!("import os\nimport shlex\n\n\ndef pick(a, b):\n    return {returns}\n")
}

const OTHER: &str = "import shutil\n\n\ndef wipe():\n    shutil.rmtree(\"/srv/tmp\")\n";

#[test]
fn a_second_pass_result_is_reused_until_what_it_looked_up_changes() {
    let tree = tempfile::tempdir().unwrap();
    let root = tree.path();
    write(root, "pkg/__init__.py", "");
    write(root, "pkg/server.py", SERVER);
    write(root, "pkg/other.py", OTHER);
    // `pick` returns its first argument through a check in both versions, so `server.py`
    // gets a second pass either way; only the check differs.
    write(root, "pkg/helpers.py", &helpers("shlex.quote(a)"));
    let cache = tempfile::tempdir().unwrap();
    let first = run(root, Some(cache.path()));
    assert_eq!(findings(&first), vec![]);
    // Lines moved in a module the second pass never looked up: every result is reused, the
    // second pass's too (4 first-pass results and 1 second-pass result, but `other.py`).
    write(root, "pkg/other.py", &format!("# moved\n{OTHER}"));
    let moved = run(root, Some(cache.path()));
    assert_eq!(said(&moved), said(&run(root, None)));
    assert_eq!(cached(&moved), 4);
    // The function it looked up now returns its argument through a path check, which is no
    // shell quoting: the stale result would miss the injection.
    write(root, "pkg/helpers.py", &helpers("os.path.basename(a)"));
    let changed = run(root, Some(cache.path()));
    assert_eq!(said(&changed), said(&run(root, None)));
    assert_eq!(
        findings(&changed),
        vec![(
            "python-subprocess-shell-true".to_string(),
            "pkg/server.py".to_string(),
            12,
            Severity::High
        )]
    );
    assert_eq!(cached(&changed), 3);
}

/// A file added or removed does not set every result aside: only those whose imports asked
/// whether it is a module of the scan are analyzed again (here the server, once
/// `pkg.helpers` exists), and the report is a cold scan's.
#[test]
fn a_file_added_or_removed_sets_aside_only_the_results_that_asked_about_it() {
    let tree = tempfile::tempdir().unwrap();
    let root = tree.path();
    let cache = tempfile::tempdir().unwrap();
    write(
        root,
        "pkg/server.py",
        "from mcp.server.fastmcp import FastMCP\n\nfrom pkg.helpers import run_it\n\nmcp = FastMCP(\"x\")\n\n\n@mcp.tool()\ndef run(cmd: str) -> str:\n    return run_it(cmd)\n",
    );
    write(root, "pkg/__init__.py", "");
    write(
        root,
        "pkg/other.py",
        "import os\n\n\ndef ping(host):\n    return os.system(\"ping \" + host)\n",
    );
    let first = run(root, Some(cache.path()));
    assert_eq!(cached(&first), 0);
    assert_eq!(
        findings(&first),
        vec![(
            "python-shell-command".to_string(),
            "pkg/other.py".to_string(),
            5,
            Severity::Medium
        )]
    );

    write(
        root,
        "pkg/helpers.py",
        "import subprocess\n\n\ndef run_it(c):\n    return subprocess.run(c, shell=True, timeout=9).stdout\n",
    );
    let added = run(root, Some(cache.path()));
    assert_eq!(said(&added), said(&run(root, None)));
    assert!(
        findings(&added).contains(&(
            "python-subprocess-shell-true".to_string(),
            "pkg/helpers.py".to_string(),
            5,
            Severity::High
        )),
        "{:?}",
        findings(&added)
    );
    // `other.py` and `__init__.py`; the server asked whether `pkg.helpers` is a module.
    assert_eq!(cached(&added), 2, "{:?}", added.stats);

    std::fs::remove_file(root.join("pkg/other.py")).unwrap();
    let removed = run(root, Some(cache.path()));
    assert_eq!(said(&removed), said(&run(root, None)));
    assert_eq!(cached(&removed), 3, "{:?}", removed.stats);
}
