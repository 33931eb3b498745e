//! End-to-end tests of the `mcpgate` binary: exact findings, exit codes, outputs, bad input.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::print_stderr)] // test code: a panic is a failed test, a skip says why

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn mcpgate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mcpgate"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .output()
        .expect("run mcpgate")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

/// `(rule_id, path, line)` of every finding in a JSON report.
fn findings(doc: &serde_json::Value) -> Vec<(String, String, u64)> {
    doc["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap_or_default().to_string(),
                f["path"].as_str().unwrap_or_default().to_string(),
                f["start_line"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

fn expected_example_findings() -> Vec<(String, String, u64)> {
    [
        ("dockerfile-root-user", "Dockerfile", 1),
        ("dockerfile-pipe-to-shell", "Dockerfile", 4),
        ("github-token", "claude_desktop_config.json", 7),
        (
            "mcp-config-unpinned-launch",
            "claude_desktop_config.json",
            12,
        ),
        (
            "mcp-config-broad-filesystem",
            "claude_desktop_config.json",
            12,
        ),
        ("dep-vulnerable", "node-server/package-lock.json", 15),
        ("mcp-toxic-combination", "node-server/src/index.ts", 19),
        ("ts-command-injection", "node-server/src/index.ts", 20),
        ("ts-path-prefix-check", "node-server/src/index.ts", 28),
        ("ts-file-content-returned", "node-server/src/index.ts", 39),
        ("ts-unbounded-read", "node-server/src/index.ts", 39),
        ("ts-ssrf", "node-server/src/index.ts", 44),
        (
            "ts-untrusted-content-returned",
            "node-server/src/index.ts",
            45,
        ),
        ("ts-code-injection", "node-server/src/index.ts", 49),
        ("dep-vulnerable", "requirements.txt", 2),
        ("dep-unpinned", "requirements.txt", 4),
        ("rust-shell-command", "rust-server/src/main.rs", 40),
        ("rust-path-traversal", "rust-server/src/main.rs", 51),
        (
            "rust-argument-injection",
            "rust-server/src/tools/archive.rs",
            9,
        ),
        ("mcp-toxic-combination", "server.py", 19),
        ("python-subprocess-shell-true", "server.py", 22),
        ("python-shell-command", "server.py", 28),
        ("python-eval-exec", "server.py", 34),
        ("python-unsafe-deserialization", "server.py", 40),
        ("python-yaml-unsafe-load", "server.py", 46),
        ("python-ssrf", "server.py", 52),
        ("python-tls-verify-disabled", "server.py", 52),
        ("python-untrusted-content-returned", "server.py", 52),
        ("python-path-traversal", "server.py", 58),
        ("python-file-content-returned", "server.py", 59),
        ("python-unbounded-read", "server.py", 59),
        ("mcp-tool-poisoning", "server.py", 72),
        ("python-subprocess-shell-true", "tools/archive.py", 12),
    ]
    .into_iter()
    .map(|(r, p, l)| (r.to_string(), p.to_string(), l))
    .collect()
}

const EXAMPLE: &str = "examples/vulnerable-server";

#[test]
fn example_scan_finds_exactly_the_planted_bugs_and_exits_1() {
    let out = mcpgate(&["scan", EXAMPLE, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc = json(&out);
    assert_eq!(findings(&doc), expected_example_findings());
    assert_eq!(doc["summary"]["files_scanned"], 17);
    assert_eq!(doc["summary"]["complete"], true);
    assert_eq!(doc["notices"].as_array().map(Vec::len), Some(0));
}

#[test]
fn fail_on_sets_the_threshold() {
    let code = |level: &str| {
        mcpgate(&["scan", EXAMPLE, "-q", "--fail-on", level])
            .status
            .code()
    };
    assert_eq!(
        code("critical"),
        Some(0),
        "no critical finding in the example"
    );
    assert_eq!(code("high"), Some(1));
    assert_eq!(code("medium"), Some(1));
    assert_eq!(code("never"), Some(0));
}

#[test]
fn a_clean_tree_exits_0() {
    let out = mcpgate(&[
        "scan",
        "examples/vulnerable-server/safe_tools.py",
        "examples/vulnerable-server/node-server/src/safe.ts",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("no findings; 2 files scanned"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn invalid_fail_on_is_exit_2_with_a_reason() {
    let out = mcpgate(&["scan", EXAMPLE, "--fail-on", "severe"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown level `severe`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn missing_path_is_exit_2_naming_it() {
    let out = mcpgate(&["scan", "does/not/exist"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out).trim(),
        "mcpgate: error: does/not/exist: no such file or directory"
    );
}

/// Scans the example with one more rule file, `name` holding `text`, in a directory of its
/// own (the returned guard keeps it).
fn scan_example_with_rule(
    name: &str,
    text: &str,
) -> (tempfile::TempDir, std::path::PathBuf, Output) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write");
    let out = mcpgate(&[
        "scan",
        EXAMPLE,
        "--rules",
        &dir.path().display().to_string(),
    ]);
    (dir, path, out)
}

#[test]
fn invalid_rule_file_is_exit_2_naming_file_and_line() {
    let (_dir, rule, out) = scan_example_with_rule(
        "my-rule.toml",
        "id = \"my-rule\"\ntitle = \"x\"\nseverity = \"urgent\"\n",
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "{}:3: field `severity`: unknown variant `urgent`",
            rule.display()
        )),
        "{err}"
    );
}

#[test]
fn a_rule_with_except_but_no_matches_is_exit_2_naming_file_and_line() {
    let rule = std::fs::read_to_string("rules/python/python-secret-logged.toml")
        .expect("read rule")
        .replace("id = \"python-secret-logged\"", "id = \"my-logged-rule\"")
        .replacen("matches = '''(?i)(", "one_of = ['x']\n# '''(", 1);
    assert!(
        rule.contains("one_of = ['x']"),
        "the rule file changed shape"
    );
    let (_dir, path, out) = scan_example_with_rule("my-logged-rule.toml", &rule);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    let line = rule
        .lines()
        .position(|l| l.starts_with("except = "))
        .expect("except line")
        + 1;
    assert!(
        err.contains(&format!(
            "{}:{line}: field `except`: it narrows `matches`, so it needs `matches` beside it",
            path.display()
        )),
        "{err}"
    );
}

#[test]
fn user_rules_are_added_to_the_builtin_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rule = std::fs::read_to_string("rules/python/python-shell-command.toml")
        .expect("read rule")
        .replace("id = \"python-shell-command\"", "id = \"my-print-rule\"")
        .replace("\"os.system\",", "\"print\",");
    std::fs::write(dir.path().join("my-print-rule.toml"), rule).expect("write");
    let src = dir.path().join("src");
    std::fs::create_dir(&src).expect("mkdir");
    std::fs::write(
        src.join("a.py"),
        "@mcp.tool()\ndef greet(user: str):\n    print(user)\n",
    )
    .expect("write");
    let out = mcpgate(&[
        "scan",
        &src.display().to_string(),
        "--format",
        "json",
        "--rules",
        &dir.path().display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        findings(&json(&out)),
        vec![("my-print-rule".into(), "a.py".into(), 3)]
    );
}

#[test]
fn exclude_and_default_excludes() {
    let out = mcpgate(&["scan", EXAMPLE, "--format", "json", "--exclude", "tools"]);
    let found = findings(&json(&out));
    assert_eq!(found.len(), 31);
    assert!(
        found
            .iter()
            .all(|(_, p, _)| !p.ends_with("tools/archive.py") && !p.ends_with("tools/archive.rs"))
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let deps = dir.path().join("node_modules").join("pkg");
    std::fs::create_dir_all(&deps).expect("mkdir");
    std::fs::write(deps.join("x.py"), "eval(code)\n").expect("write");
    let root = dir.path().display().to_string();
    // Everything is default-excluded: nothing to scan is an error, not a clean pass.
    let out = mcpgate(&["scan", &root, "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("no file to scan in "), "{err}");
    assert!(err.contains("--no-default-excludes scans them"), "{err}");
    let out = mcpgate(&["scan", &root, "--format", "json", "--no-default-excludes"]);
    assert_eq!(
        findings(&json(&out)),
        vec![("python-eval-exec".into(), "node_modules/pkg/x.py".into(), 1)]
    );
}

#[test]
fn findings_in_test_code_are_set_aside_unless_asked_for_but_credentials_are_not() {
    let dir = tempfile::tempdir().expect("tempdir");
    let write = |rel: &str, text: &str| {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    };
    write(
        "server.py",
        "import os\n\n@mcp.tool()\ndef run(cmd: str):\n    os.system(cmd)\n",
    );
    write("tests/test_server.py", "eval(code)\n");
    // A test by what it imports, wherever it is.
    write("src/check_tools.py", "import pytest\n\neval(code)\n");
    write("src/server.test.ts", "eval(code);\n");
    // A credential is leaked wherever it is committed; a made-up value under a secret name
    // in a test is not reported.
    // Put together at run time, so this file holds no key for the self-scan to find.
    let key = ["AKIA", "Q3EGRWLDKOPNQX7A"].concat();
    write(
        "tests/fixtures/settings.py",
        &format!("AWS_KEY = \"{key}\"\nservice_api_key = \"Zq8vN2kP4xR7tL1mW9sB3hJ6\"\n"),
    );
    let root = dir.path().display().to_string();
    let out = mcpgate(&["scan", &root, "--format", "json", "--no-audit"]);
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    assert_eq!(
        findings(&doc),
        vec![
            ("python-shell-command".into(), "server.py".into(), 5),
            (
                "aws-access-key-id".into(),
                "tests/fixtures/settings.py".into(),
                1
            ),
        ]
    );
    let notice = doc["notices"]
        .as_array()
        .expect("notices")
        .iter()
        .find(|n| n["code"] == "report.test-code")
        .expect("a test-code notice");
    assert_eq!(
        notice["reason"],
        "1 finding(s) in test code not reported (1 file(s), e.g. tests/fixtures/settings.py); \
         4 test source file(s) not analyzed (e.g. src/check_tools.py); --include-tests reports them"
    );
    let out = mcpgate(&[
        "scan",
        &root,
        "--format",
        "json",
        "--no-audit",
        "--include-tests",
    ]);
    let mut found = findings(&json(&out));
    found.sort();
    assert_eq!(
        found,
        vec![
            (
                "aws-access-key-id".into(),
                "tests/fixtures/settings.py".into(),
                1
            ),
            (
                "generic-secret-assignment".into(),
                "tests/fixtures/settings.py".into(),
                2
            ),
            ("python-eval-exec".into(), "src/check_tools.py".into(), 3),
            ("python-eval-exec".into(), "tests/test_server.py".into(), 1),
            ("python-shell-command".into(), "server.py".into(), 5),
            ("ts-code-injection".into(), "src/server.test.ts".into(), 1),
        ]
    );
}

#[test]
fn a_finding_that_says_another_rules_problem_too_takes_it_in() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("server.ts"),
        "import fs from \"node:fs/promises\";\n\nserver.tool(\"read\", { path: z.string() }, async ({ path }) => {\n  const text = await fs.readFile(path, \"utf8\");\n  return { content: [{ type: \"text\", text }] };\n});\n",
    )
    .expect("write");
    let root = dir.path().display().to_string();
    let out = mcpgate(&["scan", &root, "--format", "json", "--no-audit"]);
    let doc = json(&out);
    assert_eq!(
        findings(&doc),
        vec![
            ("ts-path-traversal".into(), "server.ts".into(), 4),
            ("ts-file-content-returned".into(), "server.ts".into(), 5)
        ]
    );
    let f = &doc["findings"][0];
    assert_eq!(f["cwe"], serde_json::json!([22, 400, 770]));
    let message = f["message"].as_str().unwrap_or_default();
    assert!(
        message.ends_with("(also ts-unbounded-read: Whole file read into memory, path from a tool argument, no size check)"),
        "{message}"
    );
    assert!(stderr(&out).contains("1 finding(s) merged into another finding at the same call"));
    // Left out by --ignore, the traversal no longer hides the unbounded read.
    let out = mcpgate(&[
        "scan",
        &root,
        "--format",
        "json",
        "--no-audit",
        "--ignore",
        "ts-path-traversal",
    ]);
    assert_eq!(
        findings(&json(&out)),
        vec![
            ("ts-unbounded-read".into(), "server.ts".into(), 4),
            ("ts-file-content-returned".into(), "server.ts".into(), 5)
        ]
    );
}

#[test]
fn ignore_files_are_not_honoured_outside_git() {
    // Outside a checkout nothing tells what is the project's own code: an ignore file is just
    // another file of the input, and must not hide code from the gate.
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join(".gitignore"), "generated/\n").expect("write");
    std::fs::create_dir(dir.path().join("generated")).expect("mkdir");
    std::fs::write(dir.path().join("generated/x.py"), "eval(code)\n").expect("write");
    std::fs::write(dir.path().join("y.py"), "eval(code)\n").expect("write");
    let out = mcpgate(&[
        "scan",
        &dir.path().display().to_string(),
        "--format",
        "json",
    ]);
    assert_eq!(
        findings(&json(&out)),
        vec![
            ("python-eval-exec".into(), "generated/x.py".into(), 1),
            ("python-eval-exec".into(), "y.py".into(), 1)
        ]
    );
}

#[test]
fn output_is_byte_identical_across_runs_and_thread_counts() {
    let one = mcpgate(&["scan", EXAMPLE, "--format", "sarif", "-j", "1"]);
    let four = mcpgate(&["scan", EXAMPLE, "--format", "sarif", "-j", "4"]);
    assert_eq!(one.stdout, four.stdout);
    let again = mcpgate(&["scan", EXAMPLE, "--format", "sarif", "-j", "4"]);
    assert_eq!(four.stdout, again.stdout);
}

#[test]
fn sarif_and_output_files_are_written_while_text_goes_to_the_terminal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sarif = dir.path().join("out.sarif");
    let json_file = dir.path().join("out.json");
    let out = mcpgate(&["scan", EXAMPLE, "--sarif", &sarif.display().to_string()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out)
            .contains("33 findings (18 high, 7 medium, 8 low) in 9 files; 17 files scanned")
    );
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).expect("sarif written"))
            .expect("json");
    assert_eq!(doc["runs"][0]["results"].as_array().map(Vec::len), Some(33));

    let out = mcpgate(&[
        "scan",
        EXAMPLE,
        "-f",
        "json",
        "-o",
        &json_file.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).is_empty());
    assert!(stderr(&out).contains("33 findings"), "{}", stderr(&out));
    assert!(
        std::fs::read_to_string(&json_file)
            .expect("json written")
            .contains("\"schema_version\": 1")
    );
}

#[test]
fn quiet_prints_nothing_but_keeps_the_exit_code() {
    let out = mcpgate(&["scan", EXAMPLE, "-q"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
}

#[test]
fn text_report_snapshot() {
    let out = mcpgate(&["scan", EXAMPLE, "--no-color"]);
    insta::assert_snapshot!("text_report", stdout(&out));
}

#[test]
fn sarif_report_snapshot() {
    let out = mcpgate(&["scan", EXAMPLE, "--format", "sarif"]);
    // SARIF is written compact (the example's stays under 100 KB); the snapshot is indented
    // so that its diffs can be read.
    assert!(out.stdout.len() < 100 * 1024, "{} bytes", out.stdout.len());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("SARIF is JSON");
    let pretty = serde_json::to_string_pretty(&doc).expect("pretty");
    insta::assert_snapshot!("sarif_report", pretty);
}

#[test]
fn github_annotations_snapshot() {
    let out = mcpgate(&["scan", EXAMPLE, "--format", "github"]);
    insta::assert_snapshot!("github_report", stdout(&out));
}

#[test]
fn markdown_summary_snapshot() {
    let out = mcpgate(&["scan", EXAMPLE, "--format", "markdown"]);
    insta::assert_snapshot!("markdown_report", stdout(&out));
}

/// GitHub's primaryLocationLineHash for each result matches the hash of the source line.
#[test]
fn sarif_fingerprints_match_the_source() {
    let out = mcpgate(&["scan", EXAMPLE, "--format", "sarif"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    for result in doc["runs"][0]["results"].as_array().expect("results") {
        let loc = &result["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().expect("uri");
        let line = loc["region"]["startLine"].as_u64().expect("line") as usize;
        let text = std::fs::read_to_string(Path::new(EXAMPLE).join(uri)).expect("source");
        let hashes = mcpgate::fingerprint::line_hashes(&text);
        assert_eq!(
            result["partialFingerprints"]["primaryLocationLineHash"].as_str(),
            hashes.get(line - 1).map(String::as_str),
            "{uri}:{line}"
        );
    }
}

/// The SARIF of the example passes the shared checker (schema, GitHub rules, fingerprints)
/// when it is there (it lives beside the repository, in ../shared).
#[test]
fn sarif_passes_check_sarif_when_available() {
    let checker = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/tools/check-sarif");
    if !common::available_or_skip(checker.exists(), "../shared/tools/check-sarif") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let sarif = dir.path().join("out.sarif");
    mcpgate(&[
        "scan",
        EXAMPLE,
        "-q",
        "--sarif",
        &sarif.display().to_string(),
    ]);
    let out = Command::new(&checker)
        .arg(&sarif)
        .arg("--root")
        .arg(EXAMPLE)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run check-sarif");
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("ok: 33 results, 0 problems"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn rules_list_and_show() {
    let out = mcpgate(&["rules", "list"]);
    assert_eq!(out.status.code(), Some(0));
    let listed = stdout(&out);
    for id in [
        "python-eval-exec",
        "python-yaml-unsafe-load",
        "python-tls-verify-disabled",
    ] {
        assert!(listed.contains(id), "{listed}");
    }
    let out = mcpgate(&["rules", "show", "python-eval-exec"]);
    assert_eq!(out.status.code(), Some(0));
    let shown = stdout(&out);
    assert!(
        shown.starts_with("python-eval-exec: eval/exec of a non-constant string"),
        "{shown}"
    );
    assert!(shown.contains("\nWhy\n") && shown.contains("\nFix\n") && shown.contains("CWE-95"));

    let out = mcpgate(&["rules", "show", "no-such-rule"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unknown rule `no-such-rule`"));
}

#[test]
fn version_prints_and_exits_0() {
    let out = mcpgate(&["--version"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out).trim(),
        format!("mcpgate {}", env!("CARGO_PKG_VERSION"))
    );
}

fn repo_with_config(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("server.py"),
        "import os\nimport requests\n\n@mcp.tool()\ndef run(cmd: str):\n    os.system(cmd)\n    requests.get(\"https://example.com\", verify=False, timeout=5)\n",
    )
    .expect("write");
    std::fs::create_dir(dir.path().join("scripts")).expect("mkdir");
    std::fs::write(dir.path().join("scripts/dev.py"), "eval(code)\n").expect("write");
    std::fs::write(dir.path().join(".mcpgate.toml"), config).expect("write");
    dir
}

#[test]
fn config_file_sets_threshold_excludes_and_disabled_rules() {
    let dir = repo_with_config(
        "[scan]\nfail_on = \"critical\"\nexclude = [\"scripts\"]\ndisable = [\"python-tls-verify-disabled\"]\n",
    );
    let root = dir.path().display().to_string();
    let out = mcpgate(&["scan", &root, "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "fail_on = critical from the config"
    );
    assert_eq!(
        findings(&json(&out)),
        vec![("python-shell-command".into(), "server.py".into(), 6)]
    );
    // Flags override the file; --no-config ignores it.
    let out = mcpgate(&["scan", &root, "-q", "--fail-on", "high"]);
    assert_eq!(out.status.code(), Some(1));
    let out = mcpgate(&["scan", &root, "--format", "json", "--no-config"]);
    assert_eq!(findings(&json(&out)).len(), 3);
}

#[test]
fn invalid_config_is_exit_2_naming_file_and_line() {
    let dir = repo_with_config("[scan]\nfail_on = \"high\"\nexlude = [\"x\"]\n");
    let out = mcpgate(&["scan", &dir.path().display().to_string()]);
    assert_eq!(out.status.code(), Some(2));
    let want = format!(
        "{}:3: unknown field `exlude`",
        dir.path().join(".mcpgate.toml").display()
    );
    assert!(stderr(&out).contains(&want), "{}", stderr(&out));

    let dir = repo_with_config("[scan]\ndisable = [\"python-no-such-rule\"]\n");
    let out = mcpgate(&["scan", &dir.path().display().to_string()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown rule `python-no-such-rule`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn explicit_config_file_is_used() {
    let dir = repo_with_config("[scan]\n");
    let other = dir.path().join("strict.toml");
    std::fs::write(&other, "[scan]\nfail_on = \"never\"\n").expect("write");
    let out = mcpgate(&[
        "scan",
        &dir.path().display().to_string(),
        "-q",
        "--config",
        &other.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let out = mcpgate(&["scan", ".", "--config", "no/such/config.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no/such/config.toml: cannot read"),
        "{}",
        stderr(&out)
    );
}
