//! Bad input never panics, never hides the findings of other files, and always says which
//! file and why.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::print_stderr)] // test code: a panic is a failed test, a skip says why

use std::path::Path;
use std::process::{Command, Output};

fn scan_json(root: &Path, extra: &[&str]) -> (Output, serde_json::Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_mcpgate"))
        .arg("scan")
        .arg(root)
        .args(["--format", "json", "--fail-on", "medium"])
        .args(extra)
        .output()
        .expect("run mcpgate");
    let doc = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    (out, doc)
}

fn notice(doc: &serde_json::Value, path: &str) -> Option<(String, String)> {
    doc["notices"].as_array()?.iter().find_map(|n| {
        (n["path"] == path).then(|| {
            (
                n["level"].as_str().unwrap_or_default().to_string(),
                n["reason"].as_str().unwrap_or_default().to_string(),
            )
        })
    })
}

fn finding_lines(doc: &serde_json::Value, path: &str) -> Vec<u64> {
    doc["findings"]
        .as_array()
        .map(|fs| {
            fs.iter()
                .filter(|f| f["path"] == path)
                .filter_map(|f| f["start_line"].as_u64())
                .collect()
        })
        .unwrap_or_default()
}

/// One directory with every kind of bad file next to a good one with a finding.
#[test]
fn hostile_files_get_notices_and_the_rest_is_still_scanned() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::write(root.join("good.py"), "import os\nos.system(cmd)\n").expect("write");

    // Invalid UTF-8 around a real finding.
    std::fs::write(root.join("latin1.py"), b"# caf\xe9\neval(code)\n").expect("write");
    // A NUL byte: binary.
    std::fs::write(root.join("blob.py"), b"eval(x)\0\x01\x02").expect("write");
    // 50 MB (sparse, so the test stays cheap).
    let big = std::fs::File::create(root.join("huge.py")).expect("create");
    big.set_len(50 * 1024 * 1024).expect("grow");
    // Syntax errors before and after a finding.
    std::fs::write(
        root.join("broken.py"),
        "def f(:\n    pass\neval(code)\nclass\n",
    )
    .expect("write");
    // Symlinks: a loop, one out of the root, one inside.
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        symlink(root.join("loop_a"), root.join("loop_b")).expect("symlink");
        symlink(root.join("loop_b"), root.join("loop_a")).expect("symlink");
        symlink("/etc/passwd", root.join("passwd.py")).expect("symlink");
        symlink(root.join("good.py"), root.join("alias.py")).expect("symlink");
    }

    let (out, doc) = scan_json(root, &[]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    assert_eq!(finding_lines(&doc, "good.py"), vec![2]);
    assert_eq!(finding_lines(&doc, "latin1.py"), vec![2]);
    assert_eq!(finding_lines(&doc, "broken.py"), vec![3]);
    assert!(
        finding_lines(&doc, "alias.py").is_empty(),
        "symlinks are not followed"
    );

    assert_eq!(
        notice(&doc, "latin1.py"),
        Some((
            "note".into(),
            "not valid UTF-8; analyzed with invalid bytes replaced".into()
        ))
    );
    assert_eq!(
        notice(&doc, "blob.py"),
        Some(("note".into(), "skipped: binary file (NUL byte)".into()))
    );
    assert_eq!(
        notice(&doc, "huge.py"),
        Some((
            "note".into(),
            "skipped: 50.0 MiB is over the 8.0 MiB limit (--max-file-size)".into()
        ))
    );
    assert_eq!(
        notice(&doc, "broken.py"),
        Some((
            "warning".into(),
            "python syntax errors; analyzed the parts that parsed".into()
        ))
    );
    #[cfg(unix)]
    {
        assert_eq!(
            notice(&doc, "passwd.py"),
            Some((
                "note".into(),
                "symlink to a path outside the scan root; not followed".into()
            ))
        );
        assert_eq!(
            notice(&doc, "loop_a"),
            Some((
                "note".into(),
                "broken symlink or symlink loop; not followed".into()
            ))
        );
        assert_eq!(notice(&doc, "alias.py"), None);
    }
}

#[test]
fn max_file_size_is_configurable() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("a.py"),
        format!("eval(x)\n{}", "#\n".repeat(600)),
    )
    .expect("write");
    let (out, doc) = scan_json(dir.path(), &["--max-file-size", "1K"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        notice(&doc, "a.py"),
        Some((
            "note".into(),
            "skipped: 1.2 KiB is over the 1.0 KiB limit (--max-file-size)".into()
        ))
    );
    let out = Command::new(env!("CARGO_BIN_EXE_mcpgate"))
        .arg("scan")
        .arg(dir.path())
        .args(["--max-file-size", "lots"])
        .output()
        .expect("run mcpgate");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`lots` is not a size"));
}

/// A file that cannot be read makes the result incomplete: exit 2 when nothing else fails the
/// gate, with the file named. (Skipped when running as root, who can read anything.)
#[cfg(unix)]
#[test]
fn unreadable_file_is_an_error_notice_and_exit_2() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("secret.py");
    std::fs::write(&path, "print(1)\n").expect("write");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    if std::fs::read(&path).is_ok() {
        eprintln!("skipped: running as a user who can read mode-000 files");
        return;
    }
    let (out, doc) = scan_json(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
    let (level, reason) = notice(&doc, "secret.py").expect("notice for secret.py");
    assert_eq!(level, "error");
    assert!(reason.starts_with("cannot read:"), "{reason}");
    assert_eq!(doc["summary"]["complete"], false);
}

#[test]
fn deeply_nested_expression_does_not_crash() {
    let dir = tempfile::tempdir().expect("tempdir");
    let depth = 50_000;
    let src = format!(
        "x = {}1{}\neval(code)\n",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    std::fs::write(dir.path().join("deep.py"), src).expect("write");
    let (out, doc) = scan_json(dir.path(), &[]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(finding_lines(&doc, "deep.py"), vec![2]);
}

#[test]
fn a_file_target_reports_paths_relative_to_its_directory() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("one.py"), "eval(code)\n").expect("write");
    let (_, doc) = scan_json(&dir.path().join("one.py"), &[]);
    assert_eq!(finding_lines(&doc, "one.py"), vec![1]);
}

/// A file name is attacker-controlled: it must not start a new workflow command in the
/// `github` format, nor carry terminal escapes into the text report.
#[cfg(unix)]
#[test]
fn crafted_file_names_cannot_inject_commands_or_escapes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let name = "evil\n::error file=x::pwned,\u{1b}[2J.py";
    std::fs::write(dir.path().join(name), "eval(code)\n").expect("write");
    let run = |format: &str| {
        Command::new(env!("CARGO_BIN_EXE_mcpgate"))
            .arg("scan")
            .arg(dir.path())
            .args(["--format", format])
            .output()
            .expect("run mcpgate")
    };
    let github = String::from_utf8_lossy(&run("github").stdout).into_owned();
    let lines: Vec<&str> = github.lines().collect();
    assert_eq!(lines.len(), 1, "{github}");
    assert!(
        lines[0].starts_with(
            "::warning file=evil%0A%3A%3Aerror file=x%3A%3Apwned%2C\u{1b}[2J.py,line=1,"
        ),
        "{github}"
    );
    let text = String::from_utf8_lossy(&run("text").stdout).into_owned();
    assert!(!text.contains('\u{1b}'), "{text}");
    assert!(
        text.starts_with("evil\\n::error file=x::pwned,\\u{1b}[2J.py:1:1: medium python-eval-exec"),
        "{text}"
    );
}
