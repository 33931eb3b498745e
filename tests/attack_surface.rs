//! The scanner as attack surface: a repository (or a pull request) plants links where mcpgate
//! writes its reports, or where the action is told to scan. No write may follow them.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::print_stderr)] // test code: a panic is a failed test, a skip says why
#![cfg(unix)]

mod common;

use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::{Command, Output};

const SERVER: &str = "from mcp.server.fastmcp import FastMCP\nimport subprocess\nmcp = FastMCP('x')\n\n@mcp.tool()\ndef run(cmd: str) -> str:\n    return subprocess.run(cmd, shell=True, timeout=5).stdout\n";

/// A repository with one vulnerable tool, and a file outside it that an attacker wants
/// overwritten (a shell start-up file, a workflow script).
struct Setup {
    _dir: tempfile::TempDir,
    repo: std::path::PathBuf,
    victim: std::path::PathBuf,
    outside: std::path::PathBuf,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = dir.path().join("repo");
    let outside = dir.path().join("home");
    std::fs::create_dir_all(&repo).expect("mkdir");
    std::fs::create_dir_all(&outside).expect("mkdir");
    std::fs::write(repo.join("server.py"), SERVER).expect("write");
    let victim = outside.join(".bashrc");
    std::fs::write(&victim, "# the runner's own\n").expect("write");
    Setup {
        _dir: dir,
        repo,
        victim,
        outside,
    }
}

fn mcpgate(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mcpgate"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run mcpgate")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn untouched(s: &Setup) {
    assert_eq!(
        std::fs::read_to_string(&s.victim).expect("victim"),
        "# the runner's own\n"
    );
    let names: Vec<_> = std::fs::read_dir(&s.outside)
        .expect("read_dir")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(
        names.len(),
        1,
        "nothing new outside the repository: {names:?}"
    );
}

#[test]
fn report_files_are_not_written_through_planted_links() {
    let s = setup();
    symlink(&s.victim, s.repo.join("mcpgate.sarif")).expect("symlink");
    symlink(&s.victim, s.repo.join("report.json")).expect("symlink");
    symlink(&s.outside, s.repo.join("reports")).expect("symlink");

    let out = mcpgate(&s.repo, &["scan", ".", "--sarif", "mcpgate.sarif"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("refusing to write mcpgate.sarif: it is a symbolic link"),
        "{}",
        stderr(&out)
    );
    let out = mcpgate(&s.repo, &["scan", ".", "-f", "json", "-o", "report.json"]);
    assert_eq!(out.status.code(), Some(2));
    let out = mcpgate(&s.repo, &["scan", ".", "-o", "reports/scan.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("reports is a symbolic link inside"),
        "{}",
        stderr(&out)
    );
    let out = mcpgate(&s.repo, &["baseline", "write", ".", "-o", "report.json"]);
    assert_eq!(out.status.code(), Some(2));
    untouched(&s);

    // A regular path is written as before.
    let out = mcpgate(&s.repo, &["scan", ".", "--sarif", "ok.sarif"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(s.repo.join("ok.sarif").is_file());
}

#[test]
fn the_tool_lock_is_not_written_through_a_planted_link() {
    let s = setup();
    symlink(&s.victim, s.repo.join("mcp-tools.lock")).expect("symlink");
    let out = mcpgate(&s.repo, &["tools", ".", "--lock"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("it is a symbolic link"),
        "{}",
        stderr(&out)
    );
    untouched(&s);
}

fn action(s: &Setup, inputs: &[(&str, &str)]) -> Output {
    let outputs = s.repo.parent().expect("parent").join("outputs.txt");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mcpgate"));
    cmd.arg("action")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("GITHUB_WORKSPACE", &s.repo)
        .env("GITHUB_OUTPUT", &outputs)
        .env("INPUT_UPLOAD_SARIF", "false")
        .current_dir(&s.repo);
    for (k, v) in inputs {
        cmd.env(format!("INPUT_{}", k.to_ascii_uppercase()), v);
    }
    cmd.output().expect("run the action")
}

#[test]
fn the_action_writes_through_no_link_and_scans_nothing_outside_the_workspace() {
    let s = setup();
    symlink(&s.victim, s.repo.join("mcpgate.sarif")).expect("symlink");
    let out = action(&s, &[]);
    assert_eq!(out.status.code(), Some(2));
    let log = String::from_utf8_lossy(&out.stdout);
    assert!(log.contains("::error"), "{log}");
    assert!(log.contains("it is a symbolic link"), "{log}");
    untouched(&s);

    std::fs::remove_file(s.repo.join("mcpgate.sarif")).expect("rm");
    symlink(&s.outside, s.repo.join("src")).expect("symlink");
    let out = action(&s, &[("path", "src")]);
    assert_eq!(out.status.code(), Some(2));
    let log = String::from_utf8_lossy(&out.stdout);
    assert!(log.contains("`src` leads out of the workspace"), "{log}");
    assert!(!s.repo.join("mcpgate.sarif").exists());
}

/// Secrets planted where earlier versions printed them: past the snippet's cut, in a key
/// written on one line, in the messages of rules that quote launch commands, URLs and
/// headers, in notices. No output format may carry any part of them beyond the redacted head.
#[test]
fn no_secret_reaches_any_output_format() {
    let s = setup();
    // Made up here, so that the repository holds nothing shaped like a credential.
    let token = |prefix: &str, n: usize| -> String {
        let alphabet = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15 ^ n as u64;
        let mut out = prefix.to_string();
        for _ in 0..n {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            out.push(char::from(alphabet[(x % alphabet.len() as u64) as usize]));
        }
        out
    };
    let long = token("sk-proj-", 300);
    let body: Vec<String> = (0..4).map(|i| token("", 64 + i)).collect();
    let password = token("P4ss", 20);
    let api_key = token("k9", 30);
    let pem = format!(
        "SIGNING_KEY=\"-----BEGIN RSA PRIVATE KEY-----\\n{}\\n-----END RSA PRIVATE KEY-----\\n\"\n",
        body.join("\\n")
    );
    let padding = "x".repeat(380);
    let minified = format!("var a=\"{padding}\";var config={{apiKey:\"{long}\"}};\n");
    // A URL with a password, put together here (the repository holds none).
    let with_password = |host: &str| ["https://bob:", password.as_str(), "@", host].concat();
    let mcp_url = with_password("mcp.example.com/sse");
    let file_url = with_password("files.example.com/tool.tgz");
    std::fs::write(s.repo.join(".env"), &pem).expect("write");
    std::fs::write(s.repo.join("bundle.js"), &minified).expect("write");
    std::fs::write(
        s.repo.join(".mcp.json"),
        format!(
            r#"{{"mcpServers": {{"remote": {{"command": "npx", "args": ["mcp-remote", "{mcp_url}", "--api-key", "{api_key}"]}}}}}}"#
        ),
    )
    .expect("write");
    std::fs::write(
        s.repo.join("Dockerfile"),
        format!("FROM python:3.12.7-slim\nADD {file_url} /opt/\nUSER app\n"),
    )
    .expect("write");
    let secrets: Vec<&str> = [long.as_str(), password.as_str(), api_key.as_str()]
        .into_iter()
        .chain(body.iter().map(String::as_str))
        .collect();
    for format in ["text", "json", "sarif", "github", "markdown"] {
        let out = mcpgate(&s.repo, &["scan", ".", "-f", format, "--no-audit"]);
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(all.len() > 200, "{format}: {all}");
        for secret in &secrets {
            // Any eight characters past the four a redaction shows.
            let tail: String = secret.chars().skip(4).take(8).collect();
            assert!(
                !all.contains(&tail),
                "{format} shows part of a secret ({tail}):\n{all}"
            );
        }
    }
}

/// Runs mcpgate and fails the test if it has not finished within `seconds` (a hang is the bug).
fn mcpgate_within(dir: &Path, args: &[&str], seconds: u64) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mcpgate"))
        .args(args)
        .current_dir(dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    while child.try_wait().expect("wait").is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("mcpgate {args:?} did not finish within {seconds} s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

#[test]
fn named_inputs_that_block_or_never_end_are_refused() {
    let s = setup();
    let fifo = s.repo.join("config.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|st| st.success()), "mkfifo");
    let out = mcpgate_within(&s.repo, &["scan", ".", "--config", "config.fifo"], 20);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not a regular file"),
        "{}",
        stderr(&out)
    );
    let out = mcpgate_within(&s.repo, &["scan", ".", "--baseline", "/dev/zero"], 20);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not a regular file"),
        "{}",
        stderr(&out)
    );

    // A rule directory holding a link to itself.
    let rules = s.repo.join("my-rules");
    std::fs::create_dir(&rules).expect("mkdir");
    symlink(&rules, rules.join("loop")).expect("symlink");
    let out = mcpgate_within(&s.repo, &["scan", ".", "--rules", "my-rules"], 20);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));

    let out = mcpgate(&s.repo, &["scan", ".", "-j", "65535"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("65535 is not in 1..=256"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn errors_quoting_the_repository_are_escaped() {
    let s = setup();
    std::fs::write(
        s.repo.join(".mcpgate.toml"),
        // TOML's own escape puts a real ESC into the value, which the error quotes.
        "[scan]\nfail_on = \"\\u001b[2J\\u001b]0;pwned\\u0007\"\n",
    )
    .expect("write");
    let out = mcpgate(&s.repo, &["scan", "."]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(!err.contains('\u{1b}'), "{err:?}");
    assert!(err.contains("\\u{1b}[2J"), "{err}");
}

/// A directory whose name ends in `!` reads like the `archive!/entry` convention; it is an
/// ordinary directory, and SARIF places its findings on its files.
#[test]
fn a_directory_named_like_an_archive_entry_is_not_taken_for_one() {
    let s = setup();
    let odd = s.repo.join("release.tgz!");
    std::fs::create_dir(&odd).expect("mkdir");
    std::fs::rename(s.repo.join("server.py"), odd.join("server.py")).expect("move");
    let out = mcpgate(&s.repo, &["scan", ".", "-f", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).expect("SARIF");
    let result = &sarif["runs"][0]["results"][0];
    let physical = &result["locations"][0]["physicalLocation"];
    assert_eq!(
        physical["artifactLocation"]["uri"],
        "release.tgz!/server.py"
    );
    assert_eq!(physical["region"]["startLine"], 7);
    assert!(result["properties"]["archive"].is_null(), "{result}");
}

/// Helpers that call each other in a fan (each calls the three before it) made the Python
/// summaries keep every call path to the sink: exponential in the number of helpers (5,000
/// took 11 minutes and 7 GB). A path per parameter and sink is enough.
#[test]
fn python_summaries_stay_small_when_calls_fan_in() {
    let s = setup();
    let mut text = String::from(
        "import subprocess\nfrom mcp.server.fastmcp import FastMCP\nmcp = FastMCP('x')\n\ndef f0(a, b):\n    return subprocess.run(a, shell=True, timeout=5)\n",
    );
    let n: usize = 3000;
    for i in 1..n {
        text.push_str(&format!(
            "def f{i}(a, b):\n    x = f{}(a, b)\n    y = f{}(b, a)\n    return x + y + f{}(x, y)\n",
            i - 1,
            i.saturating_sub(2),
            i.saturating_sub(3)
        ));
    }
    text.push_str(&format!(
        "@mcp.tool()\ndef tool(cmd: str) -> str:\n    return f{}(cmd, cmd)\n",
        n - 1
    ));
    std::fs::write(s.repo.join("fan.py"), text).expect("write");
    let out = mcpgate_within(&s.repo, &["scan", "fan.py", "-f", "json"], 60);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let hit = doc["findings"]
        .as_array()
        .and_then(|f| {
            f.iter()
                .find(|f| f["rule_id"] == "python-subprocess-shell-true")
        })
        .expect("the sink in f0 is reported");
    assert_eq!(hit["start_line"], 6);
    assert_eq!(hit["severity"], "high", "traced to the tool: {hit}");
}

/// What could not be checked is a note by default (the scan passes) and an error with
/// `--strict` or `[scan] strict = true` (exit 2), in every format.
#[test]
fn strict_mode_fails_on_what_could_not_be_checked() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("ok.py"), "print('hello')\n").expect("write");
    std::fs::write(dir.path().join("hidden.py"), b"import os\0os.system(cmd)\n").expect("write");
    let out = mcpgate(dir.path(), &["scan", ".", "-f", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = mcpgate(dir.path(), &["scan", ".", "-f", "json", "--strict"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["notices"][0]["code"], "skip.binary");
    assert_eq!(doc["notices"][0]["level"], "error");
    assert_eq!(doc["summary"]["complete"], false);
    assert!(
        stderr(&out).contains("--strict: 1 notice(s)"),
        "{}",
        stderr(&out)
    );
    std::fs::write(dir.path().join(".mcpgate.toml"), "[scan]\nstrict = true\n").expect("write");
    let out = mcpgate(dir.path(), &["scan", "."]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

/// (rule, path) of every finding of a JSON report.
fn found(out: &Output) -> Vec<(String, String)> {
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap_or("").to_string(),
                f["path"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn a_committed_ignore_file_does_not_hide_tracked_code() {
    let s = setup();
    let shell = || {
        (
            "python-subprocess-shell-true".to_string(),
            "server.py".to_string(),
        )
    };
    let shell_scan = |extra: &[&str]| {
        let mut args = vec![
            "scan",
            ".",
            "-f",
            "json",
            "--no-audit",
            "--select",
            "python-subprocess-shell-true",
        ];
        args.extend_from_slice(extra);
        mcpgate(&s.repo, &args)
    };
    // Outside a git checkout, ignore files are not honoured at all.
    std::fs::write(s.repo.join(".gitignore"), "server.py\n").expect("write");
    let out = shell_scan(&[]);
    assert_eq!(found(&out), vec![shell()]);
    // A pull request commits the server and an ignore file that hides it.
    std::fs::write(s.repo.join(".ignore"), "local.py\n").expect("write");
    std::fs::write(s.repo.join("local.py"), SERVER).expect("write");
    common::git(&s.repo, &["init", "-q", "-b", "main"]);
    common::git(
        &s.repo,
        &["add", "-f", "server.py", ".gitignore", ".ignore"],
    );
    common::git(&s.repo, &["commit", "-q", "-m", "hide"]);
    let out = shell_scan(&[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        found(&out),
        vec![shell()],
        "the untracked, ignored local.py stays out"
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let notice = doc["notices"]
        .as_array()
        .expect("notices")
        .iter()
        .find(|n| n["code"] == "walk.ignored")
        .expect("a walk.ignored notice");
    assert_eq!(notice["level"], "warning");
    assert_eq!(
        notice["reason"],
        "1 tracked file(s) hidden by .gitignore or .ignore rules were scanned anyway: server.py (ignore files do not hide committed code from the gate)"
    );
    // --no-gitignore scans the untracked ones too.
    let out = shell_scan(&["--no-gitignore"]);
    assert_eq!(
        found(&out),
        vec![
            (
                "python-subprocess-shell-true".to_string(),
                "local.py".to_string()
            ),
            shell()
        ]
    );
    // A tracked path reached through a link planted in place of its directory is not read.
    std::fs::create_dir_all(s.repo.join("pkg")).expect("mkdir");
    std::fs::write(s.repo.join("pkg/tool.py"), SERVER).expect("write");
    std::fs::write(s.repo.join(".gitignore"), "server.py\npkg/\n").expect("write");
    common::git(&s.repo, &["add", "-f", "pkg/tool.py", ".gitignore"]);
    common::git(&s.repo, &["commit", "-q", "-m", "pkg"]);
    std::fs::remove_dir_all(s.repo.join("pkg")).expect("rm");
    std::fs::write(s.outside.join("tool.py"), SERVER).expect("write");
    symlink(&s.outside, s.repo.join("pkg")).expect("symlink");
    let out = shell_scan(&[]);
    assert_eq!(found(&out), vec![shell()]);
}

#[test]
fn results_are_capped_per_file_and_per_rule_and_the_cut_is_counted() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("many.py"), "eval(code)\n".repeat(250)).expect("write");
    std::fs::write(dir.path().join("few.py"), "eval(code)\n".repeat(3)).expect("write");
    let scan = |extra: &[&str]| {
        let mut args = vec![
            "scan",
            ".",
            "-f",
            "json",
            "--no-audit",
            "--fail-on",
            "medium",
        ];
        args.extend_from_slice(extra);
        let out = mcpgate(dir.path(), &args);
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        (out, doc)
    };
    let capped = |doc: &serde_json::Value| -> Vec<(String, String, String)> {
        doc["notices"]
            .as_array()
            .expect("notices")
            .iter()
            .filter(|n| n["code"] == "report.capped")
            .map(|n| {
                (
                    n["path"].as_str().unwrap_or("").to_string(),
                    n["level"].as_str().unwrap_or("").to_string(),
                    n["reason"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    };
    let (out, doc) = scan(&[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(doc["findings"].as_array().expect("findings").len(), 203);
    assert_eq!(
        capped(&doc),
        vec![(
            "many.py".to_string(),
            "warning".to_string(),
            "50 more finding(s) in this file not shown: over 200 per file (--max-results-per-file); the gate counted them".to_string()
        )]
    );
    assert!(
        stderr(&out).contains("50 finding(s) over the result caps are not shown"),
        "{}",
        stderr(&out)
    );
    let (_, doc) = scan(&["--max-results-per-rule", "5"]);
    let paths: Vec<&str> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect();
    assert_eq!(
        paths,
        vec!["few.py"; 3]
            .into_iter()
            .chain(vec!["many.py"; 2])
            .collect::<Vec<_>>()
    );
    assert_eq!(
        capped(&doc),
        vec![(
            ".".to_string(),
            "warning".to_string(),
            "248 more finding(s) of python-eval-exec not shown: over 5 per rule (--max-results-per-rule); the gate counted them".to_string()
        )]
    );
    let (_, doc) = scan(&["--max-results-per-rule", "0", "--max-results-per-file", "0"]);
    assert_eq!(doc["findings"].as_array().expect("findings").len(), 253);
    assert_eq!(capped(&doc), vec![]);
}
