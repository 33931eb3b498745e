//! Dockerfiles and compose files: every check on a multi-stage file with continuations and a heredoc, a safe
//! file that must stay silent, PowerShell with the backtick escape, and a broken file.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::print_stderr)] // test code: a panic is a failed test, a skip says why

use mcpgate::{NoticeLevel, RuleSet, ScanOptions, scan};
use std::path::Path;

#[test]
fn dockerfile_checks_find_exact_lines_and_redact() {
    let options = ScanOptions {
        paths: vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dockerfile")],
        ..ScanOptions::default()
    };
    let report = scan(&options, &RuleSet::builtin().expect("rules")).expect("scan");
    let got: Vec<(&str, &str, usize)> = report
        .findings
        .iter()
        .map(|f| {
            (
                f.rule_id.as_str(),
                f.location.path.as_str(),
                f.location.start_line,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("compose-host-access", "compose/docker-compose.yml", 5),
            ("compose-host-access", "compose/docker-compose.yml", 6),
            ("compose-host-access", "compose/docker-compose.yml", 9),
            ("compose-host-access", "compose/docker-compose.yml", 12),
            ("compose-host-access", "compose/docker-compose.yml", 16),
            ("dockerfile-unpinned-base", "server/Dockerfile", 9),
            ("dockerfile-secret-in-image", "server/Dockerfile", 11),
            ("dockerfile-remote-add", "server/Dockerfile", 13),
            ("dockerfile-secret-in-image", "server/Dockerfile", 15),
            // A continuation line, and a line inside a heredoc.
            ("dockerfile-pipe-to-shell", "server/Dockerfile", 17),
            ("dockerfile-pipe-to-shell", "server/Dockerfile", 20),
            ("dockerfile-root-user", "server/Dockerfile", 23),
            // `# escape=` with a backtick continuation.
            ("dockerfile-pipe-to-shell", "windows/Dockerfile", 4),
        ]
    );
    let env = &report.findings[6];
    assert!(!env.snippet.contains("9f8e7d6c5b4a3921"), "{}", env.snippet);
    assert!(!env.message.contains("9f8e7d6c5b4a3921"), "{}", env.message);
    assert_eq!(report.notices.len(), 1, "{:?}", report.notices);
    assert_eq!(report.notices[0].path, "broken/Dockerfile");
    assert_eq!(report.notices[0].level, NoticeLevel::Error);
    assert!(
        report.notices[0].reason.contains("line 1"),
        "{}",
        report.notices[0].reason
    );
}
