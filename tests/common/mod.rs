//! Helpers shared by the integration tests (each test file uses some of them).
#![allow(dead_code)]

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
