//! Hostile repositories, generated at test time: each case sits next to an ordinary vulnerable
//! file whose finding must survive, and must give a notice instead of a panic, a hang or a
//! silent gap. The large cases (100 MB files, 250,000 files, a lockfile of 1,000,000 entries,
//! 10 MB adversarial lines for every secret rule) are measured in `benches/hostile.rs`.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::print_stderr)] // test code: a panic is a failed test, a skip says why

mod common;
use common::{findings, notices};

use std::path::Path;
use std::process::{Command, Output};

const GOOD: &str = "import os\nos.system(cmd)\n";

fn scan(dir: &Path) -> (Output, serde_json::Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_mcpgate"))
        .arg("scan")
        .arg(dir)
        .args(["-f", "json", "--no-audit", "--fail-on", "medium"])
        .output()
        .expect("run mcpgate");
    let doc = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    (out, doc)
}

/// A directory holding `good.py` (one finding at line 2) and `files`.
fn repo(files: &[(&str, Vec<u8>)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("good.py"), GOOD).expect("write");
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).expect("write");
    }
    dir
}

fn good_finding_survives(doc: &serde_json::Value) {
    assert!(
        findings(doc).contains(&("python-shell-command".into(), "good.py".into(), 2)),
        "{:?}",
        findings(doc)
    );
}

#[test]
fn json_and_yaml_bombs_are_error_notices() {
    let n = 1_000_000;
    let deep_json = format!(
        "{{\"mcpServers\":{{\"x\":{{\"command\":\"npx\",\"args\":{}{}}}}}}}",
        "[".repeat(n),
        "]".repeat(n)
    );
    let mut laughs = String::from(
        "lockfileVersion: '9.0'\na0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for i in 1..10 {
        let p = i - 1;
        laughs.push_str(&format!(
            "a{i}: &a{i} [*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p}]\n"
        ));
    }
    laughs.push_str("packages:\n  x@1.0.0: *a9\n");
    let deep_yaml = format!(
        "services: {}1{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let huge_number = format!(
        "{{\"lockfileVersion\":{},\"packages\":{{}}}}",
        "9".repeat(1 << 20)
    );
    let dir = repo(&[
        ("claude_desktop_config.json", deep_json.into_bytes()),
        ("pnpm-lock.yaml", laughs.into_bytes()),
        ("compose.yaml", deep_yaml.into_bytes()),
        ("package-lock.json", huge_number.into_bytes()),
    ]);
    let (out, doc) = scan(dir.path());
    assert_eq!(
        out.status.code(),
        Some(1),
        "the good finding still fails the gate"
    );
    good_finding_survives(&doc);
    let got = notices(&doc);
    for want in [
        "error claude_desktop_config.json: cannot read as an MCP client configuration: line 1: Maximum nesting depth exceeded",
        "error compose.yaml: cannot read as a compose file: `[`/`{` nested deeper than 64 levels",
        "error pnpm-lock.yaml: cannot read as a dependency file: repetition limit exceeded",
    ] {
        assert!(got.iter().any(|n| n.starts_with(want)), "{want}\n{got:#?}");
    }
    assert!(
        got.iter()
            .any(|n| n.starts_with("error package-lock.json: cannot read as a dependency file")),
        "{got:#?}"
    );
}

#[test]
fn deep_source_and_odd_encodings_are_analyzed_or_noted() {
    let n = 50_000;
    let deep_py = format!("x = {}1{}\neval(code)\n", "(".repeat(n), ")".repeat(n));
    let deep_js = format!(
        "const x = {}1{};\neval(code);\n",
        "[".repeat(n),
        "]".repeat(n)
    );
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in "x = 1\neval(code)\n".encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    let dir = repo(&[
        ("deep.py", deep_py.into_bytes()),
        ("deep.js", deep_js.into_bytes()),
        ("utf16.py", utf16),
        ("latin1.py", b"# caf\xe9\neval(code)\n".to_vec()),
        ("nul.js", b"eval(code)\0\0".to_vec()),
    ]);
    let (out, doc) = scan(dir.path());
    assert_eq!(out.status.code(), Some(1));
    good_finding_survives(&doc);
    let mut evals: Vec<(String, u64)> = findings(&doc)
        .into_iter()
        .filter(|f| f.0 == "python-eval-exec" || f.0 == "ts-code-injection")
        .map(|f| (f.1, f.2))
        .collect();
    evals.sort();
    assert_eq!(
        evals,
        vec![
            ("deep.js".into(), 2),
            ("deep.py".into(), 2),
            ("latin1.py".into(), 2),
            ("utf16.py".into(), 2)
        ]
    );
    let got = notices(&doc);
    assert!(
        got.contains(&"note utf16.py: UTF-16 file; analyzed after decoding".to_string()),
        "{got:#?}"
    );
    assert!(
        got.contains(&"note nul.js: skipped: binary file (NUL byte)".to_string()),
        "{got:#?}"
    );
}

#[test]
fn a_symlinked_root_is_scanned_and_links_inside_are_not_followed() {
    let dir = repo(&[]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        symlink("..", dir.path().join("up")).expect("symlink");
        let outside = tempfile::tempdir().expect("tempdir");
        let link = outside.path().join("root-link");
        symlink(dir.path(), &link).expect("symlink");
        let (out, doc) = scan(&link);
        assert_eq!(out.status.code(), Some(1));
        good_finding_survives(&doc);
        assert!(
            notices(&doc).contains(
                &"note up: symlink to a path outside the scan root; not followed".to_string()
            ),
            "{:#?}",
            notices(&doc)
        );
    }
}
