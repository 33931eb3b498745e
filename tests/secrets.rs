//! Secret findings are redacted in every output format: no full secret ever leaves mcpgate.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::print_stderr)] // test code: a panic is a failed test, a skip says why

use mcpgate::RuleSet;
use mcpgate::rules::{Matcher, expand_example};
use std::process::Command;

/// The JSON report of `mcpgate scan DIR` (never failing on findings).
fn scan_json(dir: &std::path::Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_mcpgate"))
        .arg("scan")
        .arg(dir)
        .args(["--format", "json", "--fail-on", "never"])
        .output()
        .expect("run mcpgate");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn no_output_format_contains_a_full_secret() {
    let rules = RuleSet::builtin().expect("rules");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut secrets = Vec::new();
    let mut files = 0;
    for (r, rule) in rules.rules().iter().enumerate() {
        let Matcher::Secret(sm) = &rule.matcher else {
            continue;
        };
        let regex = sm.compiled.as_ref().expect("compiled regex");
        for (i, bad) in rule.examples.bad.iter().enumerate() {
            // A seed per rule and example: equal seeds would give two rules the same random
            // characters, and one example's non-secret id would pass for another's secret.
            let text = expand_example(bad, 1000 + (r * 16 + i) as u64);
            for caps in regex.captures_iter(&text) {
                if let Some(m) = caps.get(sm.secret_group) {
                    secrets.push(m.as_str().to_string());
                }
            }
            std::fs::write(dir.path().join(format!("{}-{i}.txt", rule.id)), &text).expect("write");
            files += 1;
        }
    }
    assert!(secrets.len() >= files, "every example holds a secret");
    for format in ["text", "json", "sarif", "github", "markdown"] {
        let out = Command::new(env!("CARGO_BIN_EXE_mcpgate"))
            .arg("scan")
            .arg(dir.path())
            .args(["--format", format, "--fail-on", "never", "--no-color"])
            .output()
            .expect("run mcpgate");
        let stdout = String::from_utf8_lossy(&out.stdout);
        for secret in &secrets {
            if let Some(at) = stdout.find(secret.as_str()) {
                let start = at.saturating_sub(80);
                panic!(
                    "{format} output contains a secret: ...{}...",
                    stdout.get(start..at + 10).unwrap_or("")
                );
            }
        }
        if format == "json" {
            let doc: serde_json::Value = serde_json::from_str(&stdout).expect("json");
            let with_findings: std::collections::BTreeSet<&str> = doc["findings"]
                .as_array()
                .expect("findings")
                .iter()
                .filter_map(|f| f["path"].as_str())
                .collect();
            assert_eq!(
                with_findings.len(),
                files,
                "every example file has a finding"
            );
        }
    }
}

#[test]
fn fingerprints_are_stable_for_the_same_secret_at_the_same_place() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = expand_example("GITHUB_TOKEN={{gen:ghp_:36:alnum}}\n", 9);
    std::fs::write(dir.path().join(".env"), &text).expect("write");
    let run = || {
        let doc: serde_json::Value = serde_json::from_str(&scan_json(dir.path())).expect("json");
        doc["findings"][0]["fingerprint"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    let first = run();
    assert_eq!(first.len(), 16);
    assert_eq!(first, run());
}

/// Notebooks are JSON text: a key in a code cell's source is found, and redacted.
#[test]
fn secrets_in_notebook_cells_are_found() {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = expand_example("{{gen:sk-proj-:64:urlsafe}}", 3);
    let notebook = format!(
        r#"{{"cells": [{{"cell_type": "code", "source": ["import openai\n", "client = openai.OpenAI(api_key=\"{key}\")\n"]}}], "nbformat": 4}}"#
    );
    std::fs::write(dir.path().join("demo.ipynb"), notebook).expect("write");
    let stdout = scan_json(dir.path());
    assert!(!stdout.contains(&key));
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    let rules: Vec<&str> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule_id"].as_str())
        .collect();
    assert_eq!(rules, ["openai-api-key"]);
}

/// Two secrets on one line: each finding's snippet hides both, not only its own.
#[test]
fn a_line_with_two_secrets_leaks_neither() {
    let dir = tempfile::tempdir().expect("tempdir");
    let github = expand_example("{{gen:ghp_:36:alnum}}", 11);
    let slack = expand_example(
        "xoxb-{{gen::12:digits}}-{{gen::12:digits}}-{{gen::24:alnum}}",
        12,
    );
    std::fs::write(
        dir.path().join("tokens.env"),
        format!("TOKENS=\"{github} {slack}\"\n"),
    )
    .expect("write");
    let stdout = scan_json(dir.path());
    assert!(
        !stdout.contains(&github) && !stdout.contains(&slack),
        "{stdout}"
    );
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(doc["findings"].as_array().map(Vec::len), Some(2));
}
