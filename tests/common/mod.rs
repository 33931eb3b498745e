//! Helpers shared by the integration tests (each test file uses some of them).
#![allow(dead_code)]
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::print_stderr)] // test code: a panic is a failed test, a skip says why

use std::path::Path;
use std::process::Command;

/// Runs git in `dir` with a fixed identity and no signing; panics with git's stderr on
/// failure. Returns stdout, trimmed.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// (rule, path, start line) of every finding of mcpgate's JSON report.
pub fn findings(doc: &serde_json::Value) -> Vec<(String, String, u64)> {
    doc["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| {
                    (
                        f["rule_id"].as_str().unwrap_or("").to_string(),
                        f["path"].as_str().unwrap_or("").to_string(),
                        f["start_line"].as_u64().unwrap_or(0),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Each notice of mcpgate's JSON report as `level path: reason`.
pub fn notices(doc: &serde_json::Value) -> Vec<String> {
    doc["notices"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|n| {
                    format!(
                        "{} {}: {}",
                        n["level"].as_str().unwrap_or(""),
                        n["path"].as_str().unwrap_or(""),
                        n["reason"].as_str().unwrap_or("")
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A FastMCP server whose `run` tool passes its argument to a shell
/// (`python-subprocess-shell-true` at line 11).
pub const SHELL_SERVER: &str = r#"import subprocess

from mcp.server.fastmcp import FastMCP

mcp = FastMCP("demo")


@mcp.tool()
def run(command: str) -> str:
    """Run a command."""
    return subprocess.run(command, shell=True, capture_output=True, timeout=5).stdout
"#;

/// Whether something a test needs from outside the repository (a tool, `../shared`) is here.
/// In CI (`CI` set) a missing one fails the test with a clear message, since a test that
/// skips there would pass without checking anything; elsewhere the test is skipped.
pub fn available_or_skip(available: bool, what: &str) -> bool {
    if available {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{what} is missing, and CI must provide it (.ci/run installs what it can)"
    );
    eprintln!("skipped: {what} is not available here");
    false
}

/// The JSON inventory (`mcpgate tools --format json`) of `root`.
pub fn inventory(root: &Path) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_mcpgate"))
        .arg("tools")
        .arg(root)
        .args(["--format", "json"])
        .output()
        .expect("run mcpgate tools");
    serde_json::from_slice(&out.stdout).expect("json")
}
