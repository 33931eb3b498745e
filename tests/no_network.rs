//! A scan makes no network call: under strace, scanning the example (source, secrets, the
//! dependency audit against a local store, client configs, Dockerfiles) opens no internet
//! socket, while `db update` against a closed local port does (so the probe can see one).
//! Skipped where strace is missing or ptrace is not allowed.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::print_stderr)] // test code: a panic is a failed test, a skip says why

mod common;

use std::path::Path;
use std::process::Command;

/// The `socket(AF_INET...)` and `socket(AF_INET6...)` calls of a run, or `None` without strace.
fn inet_sockets(args: &[&str], log: &Path) -> Option<Vec<String>> {
    let run = Command::new("strace")
        .args(["-f", "-e", "trace=socket", "-o"])
        .arg(log)
        .arg(env!("CARGO_BIN_EXE_mcpgate"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output();
    if !common::available_or_skip(run.is_ok(), "strace") {
        return None;
    }
    let out = run.ok()?;
    let text = std::fs::read_to_string(log).ok()?;
    let what = format!(
        "strace that can trace (it recorded nothing: {})",
        String::from_utf8_lossy(&out.stderr).trim()
    );
    if !common::available_or_skip(!text.is_empty(), &what) {
        return None;
    }
    Some(
        text.lines()
            .filter(|l| l.contains("socket(AF_INET"))
            .map(str::to_string)
            .collect(),
    )
}

#[test]
fn a_scan_opens_no_network_socket() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(scan) = inet_sockets(
        &["scan", "examples/vulnerable-server", "-q", "-f", "sarif"],
        &dir.path().join("scan.log"),
    ) else {
        return;
    };
    assert!(scan.is_empty(), "a scan opened sockets: {scan:?}");

    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", closed.local_addr().expect("addr"));
    drop(closed);
    let db = dir.path().join("db").display().to_string();
    let update = inet_sockets(
        &[
            "db",
            "update",
            "--db",
            &db,
            "--source",
            &url,
            "--ecosystem",
            "npm",
        ],
        &dir.path().join("update.log"),
    )
    .expect("strace ran once already");
    assert!(
        !update.is_empty(),
        "the probe must see the download's socket"
    );
}
