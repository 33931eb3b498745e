//! GitHub: the SARIF upload against a local stand-in for the API (method, path, headers, body,
//! retries, refusals, processing errors), and the container action run as the runner runs it
//! (a workspace, an event payload, INPUT_* and GITHUB_* variables), checked by its files,
//! stdout and exit code. The token must appear in no output.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::print_stderr)] // test code: a panic is a failed test, a skip says why

mod common;
use common::git;

use base64::Engine as _;
use mcpgate::github::UploadTarget;
use mcpgate::github::upload::{Token, UploadError, UploadOptions, UploadOutcome, upload_sarif};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const TOKEN: &str = "ghs_TESTTOKENthatMustNeverBePrinted0123";

const SERVER: &str = common::SHELL_SERVER;

const READER: &str = r#"from mcp.server.fastmcp import FastMCP

mcp = FastMCP("reader")


@mcp.tool()
def show(path: str) -> str:
    """Show a file."""
    return open(path).read()
"#;

#[derive(Clone, Debug)]
struct Request {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

/// A stand-in for api.github.com: answers each request with the next scripted (status, body)
/// and records what it was sent. Returns its base URL and the record.
fn github(script: Vec<(u16, &str)>) -> (String, Arc<Mutex<Vec<Request>>>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    let mut script: Vec<(u16, String)> = script
        .into_iter()
        .rev()
        .map(|(s, b)| (s, b.to_string()))
        .collect();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let Some(request) = read_request(&mut stream) else {
                continue;
            };
            record.lock().expect("lock").push(request);
            let (status, body) = script
                .pop()
                .unwrap_or((500, r#"{"message":"unscripted request"}"#.into()));
            let response = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes());
        }
    });
    (base, seen)
}

fn read_request(stream: &mut std::net::TcpStream) -> Option<Request> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return None,
        }
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let mut lines = text.split("\r\n");
    let mut first = lines.next()?.split_whitespace();
    let method = first.next()?.to_string();
    let path = first.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let length = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).ok()?;
    Some(Request {
        method,
        path,
        headers,
        body,
    })
}

fn target() -> UploadTarget {
    UploadTarget {
        owner: "octo".into(),
        repo: "server".into(),
        commit_sha: "a".repeat(40),
        git_ref: "refs/heads/main".into(),
    }
}

fn options(api: &str) -> UploadOptions {
    let mut o = UploadOptions::new(api, Token::new(TOKEN));
    o.poll_interval = Duration::from_millis(5);
    o.retry_delay = Duration::from_millis(5);
    o.checkout_uri = Some("file:///github/workspace/".into());
    o
}

fn gunzip_base64(text: &str) -> String {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text)
        .expect("base64");
    let mut out = String::new();
    flate2::read::GzDecoder::new(bytes.as_slice())
        .read_to_string(&mut out)
        .expect("gzip");
    out
}

#[test]
fn upload_posts_the_encoded_sarif_and_polls_until_processed() {
    let (api, seen) = github(vec![
        (202, r#"{"id":"47177e22","url":"https://api.github.com/x"}"#),
        (200, r#"{"processing_status":"pending"}"#),
        (
            200,
            r#"{"processing_status":"complete","analyses_url":"https://api.github.com/repos/octo/server/code-scanning/analyses?sarif_id=47177e22"}"#,
        ),
    ]);
    let sarif = "{\"version\":\"2.1.0\",\"runs\":[]}";
    let outcome = upload_sarif(sarif, &target(), &options(&api)).expect("uploads");
    assert_eq!(
        outcome,
        UploadOutcome::Complete {
            id: "47177e22".into(),
            analyses_url: Some(
                "https://api.github.com/repos/octo/server/code-scanning/analyses?sarif_id=47177e22"
                    .into()
            ),
        }
    );
    let seen = seen.lock().expect("lock").clone();
    assert_eq!(seen.len(), 3);
    let post = &seen[0];
    assert_eq!(
        (post.method.as_str(), post.path.as_str()),
        ("POST", "/repos/octo/server/code-scanning/sarifs")
    );
    assert_eq!(
        post.header("authorization"),
        Some(&*format!("Bearer {TOKEN}"))
    );
    let body = post.json();
    assert_eq!(body["commit_sha"], "a".repeat(40));
    assert_eq!(body["ref"], "refs/heads/main");
    assert_eq!(body["tool_name"], "mcpgate");
    assert_eq!(body["checkout_uri"], "file:///github/workspace/");
    assert_eq!(gunzip_base64(body["sarif"].as_str().expect("sarif")), sarif);
    for get in &seen[1..] {
        assert_eq!(
            (get.method.as_str(), get.path.as_str()),
            ("GET", "/repos/octo/server/code-scanning/sarifs/47177e22")
        );
    }
}

#[test]
fn server_errors_are_retried_and_refusals_are_not() {
    let (api, seen) = github(vec![
        (503, r#"{"message":"Service Unavailable"}"#),
        (502, r#"{"message":"Bad Gateway"}"#),
        (202, r#"{"id":"1"}"#),
    ]);
    let mut o = options(&api);
    o.wait = false;
    let outcome = upload_sarif("{}", &target(), &o).expect("third attempt succeeds");
    assert_eq!(outcome, UploadOutcome::Pending { id: "1".into() });
    assert_eq!(seen.lock().expect("lock").len(), 3);

    let (api, seen) = github(vec![(
        403,
        r#"{"message":"Advanced Security must be enabled for this repository to use code scanning."}"#,
    )]);
    let err = upload_sarif("{}", &target(), &options(&api)).unwrap_err();
    assert!(
        matches!(&err, UploadError::Forbidden { status: 403, message } if message.contains("Advanced Security")),
        "{err:?}"
    );
    assert_eq!(seen.lock().expect("lock").len(), 1, "a 403 is not retried");
    assert!(!err.to_string().contains(TOKEN));
}

#[test]
fn processing_errors_and_unreachable_servers_are_reported() {
    let (api, _) = github(vec![
        (202, r#"{"id":"9"}"#),
        (
            200,
            r#"{"processing_status":"failed","errors":["locationFromSarifResult: expected artifact location"]}"#,
        ),
    ]);
    let outcome = upload_sarif("{}", &target(), &options(&api)).expect("uploaded");
    assert_eq!(
        outcome,
        UploadOutcome::Failed {
            id: "9".into(),
            errors: vec!["locationFromSarifResult: expected artifact location".into()],
        }
    );
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let api = format!("http://{}", closed.local_addr().expect("addr"));
    drop(closed);
    let err = upload_sarif("{}", &target(), &options(&api)).unwrap_err();
    assert!(matches!(err, UploadError::Unreachable { .. }), "{err:?}");
    assert!(!format!("{err} {err:?}").contains(TOKEN));
}

/// `mcpgate upload` from other CI: the token comes from GITHUB_TOKEN and is never printed;
/// bad arguments are errors before any request.
#[test]
fn the_upload_command_sends_a_sarif_file() {
    let (api, seen) = github(vec![
        (202, r#"{"id":"u1"}"#),
        (200, r#"{"processing_status":"complete"}"#),
    ]);
    let dir = tempfile::tempdir().expect("tempdir");
    let sarif = dir.path().join("m.sarif");
    std::fs::write(&sarif, "{\"version\":\"2.1.0\",\"runs\":[]}").expect("write");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_mcpgate"))
            .arg("upload")
            .arg(&sarif)
            .args(args)
            .env_clear()
            .env("GITHUB_TOKEN", TOKEN)
            .env("GITHUB_API_URL", &api)
            .env("MCPGATE_GITHUB_POLL_MS", "5")
            .output()
            .expect("run")
    };
    let sha = "b".repeat(40);
    let out = run(&[
        "--repo",
        "octo/server",
        "--commit",
        &sha,
        "--ref",
        "refs/heads/main",
    ]);
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(0), "{all}");
    assert!(all.contains("GitHub processed the upload u1"), "{all}");
    assert!(!all.contains(TOKEN));
    let seen = seen.lock().expect("lock").clone();
    assert_eq!(seen[0].path, "/repos/octo/server/code-scanning/sarifs");
    assert_eq!(seen[0].json()["commit_sha"], sha.as_str());
    let out = run(&[
        "--repo",
        "octo",
        "--commit",
        &sha,
        "--ref",
        "refs/heads/main",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--repo `octo` is not owner/name"));
    let out = run(&["--repo", "octo/server", "--commit", "abc", "--ref", "main"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--commit `abc` is not a 40-character SHA")
    );
}

// ---- the action, run as the runner runs it ----

/// A workspace with two commits: the base holds `reader.py`, the head adds `server.py`.
/// Returns (base sha, head sha).
fn workspace(dir: &Path) -> (String, String) {
    std::fs::write(dir.join("reader.py"), READER).expect("write");
    git(dir, &["init", "-q", "-b", "main"]);
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "base"]);
    let base = git(dir, &["rev-parse", "HEAD"]);
    std::fs::write(dir.join("server.py"), SERVER).expect("write");
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "head"]);
    (base, git(dir, &["rev-parse", "HEAD"]))
}

struct Run {
    out: Output,
    dir: tempfile::TempDir,
    head: String,
}

impl Run {
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.out.stdout).into_owned()
    }
    fn file(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(name)).unwrap_or_default()
    }
}

/// Runs `mcpgate action` in a fresh workspace on a pull_request event (fork or not), with
/// `inputs` and the API at `api`.
fn action(inputs: &[(&str, &str)], api: &str, fork: bool) -> Run {
    action_with(inputs, api, fork, &[])
}

/// `action` with `extra` files written into the workspace after the commits.
fn action_with(inputs: &[(&str, &str)], api: &str, fork: bool, extra: &[(&str, &str)]) -> Run {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = dir.path().join("workspace");
    std::fs::create_dir(&ws).expect("mkdir");
    let (base, head) = workspace(&ws);
    for (name, text) in extra {
        let path = ws.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    let head_repo = if fork {
        "stranger/server"
    } else {
        "octo/server"
    };
    let event = format!(
        r#"{{"pull_request":{{"number":7,"base":{{"sha":"{base}","repo":{{"full_name":"octo/server"}}}},"head":{{"sha":"{head}","repo":{{"full_name":"{head_repo}"}}}}}},"repository":{{"full_name":"octo/server"}}}}"#
    );
    std::fs::write(dir.path().join("event.json"), event).expect("write");
    let p = |name: &str| dir.path().join(name).display().to_string();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mcpgate"));
    cmd.arg("action")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("GITHUB_WORKSPACE", &ws)
        .env("HOME", dir.path().join("home"))
        .env("GITHUB_REPOSITORY", "octo/server")
        .env("GITHUB_SHA", &head)
        .env("GITHUB_REF", "refs/pull/7/merge")
        .env("GITHUB_EVENT_NAME", "pull_request")
        .env("GITHUB_EVENT_PATH", p("event.json"))
        .env("GITHUB_API_URL", api)
        .env("GITHUB_SERVER_URL", "https://github.com")
        .env("GITHUB_STEP_SUMMARY", p("summary.md"))
        .env("GITHUB_OUTPUT", p("outputs.txt"))
        .env("MCPGATE_GITHUB_POLL_MS", "5")
        .env("INPUT_TOKEN", TOKEN)
        .env("INPUT_SARIF_FILE", p("mcpgate.sarif"))
        .current_dir(&ws);
    for (name, value) in inputs {
        cmd.env(format!("INPUT_{}", name.to_ascii_uppercase()), value);
    }
    let out = cmd.output().expect("run mcpgate action");
    Run { out, dir, head }
}

fn assert_no_token(run: &Run) {
    let mut everything = run.stdout();
    everything.push_str(&String::from_utf8_lossy(&run.out.stderr));
    for name in ["summary.md", "outputs.txt", "mcpgate.sarif"] {
        everything.push_str(&run.file(name));
    }
    assert!(!everything.contains(TOKEN), "the token leaked");
    assert!(
        !everything.contains("TESTTOKEN"),
        "part of the token leaked"
    );
}

#[test]
fn the_action_annotates_summarizes_writes_outputs_and_uploads() {
    let (api, seen) = github(vec![
        (202, r#"{"id":"abc"}"#),
        (200, r#"{"processing_status":"complete"}"#),
    ]);
    let run = action(&[("upload_sarif", "auto")], &api, false);
    let stdout = run.stdout();
    assert_eq!(run.out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("::error file=server.py,line=11,endLine=11,col=12,"),
        "{stdout}"
    );
    assert!(
        stdout.contains("::error file=reader.py,line=9,"),
        "{stdout}"
    );
    assert!(
        stdout.contains("code scanning processed the upload abc"),
        "{stdout}"
    );
    let outputs = run.file("outputs.txt");
    for line in [
        "findings=4",
        "high=2",
        "low=2",
        "critical=0",
        "exit_code=1",
        "sarif_id=abc",
    ] {
        assert!(outputs.lines().any(|l| l == line), "{line} in {outputs}");
    }
    let summary = run.file("summary.md");
    assert!(summary.starts_with("## mcpgate"), "{summary}");
    assert!(
        summary.contains(&format!(
            "(https://github.com/octo/server/blob/{}/server.py#L11)",
            run.head
        )),
        "{summary}"
    );
    let sarif: serde_json::Value =
        serde_json::from_str(&run.file("mcpgate.sarif")).expect("SARIF written");
    assert_eq!(
        sarif["runs"][0]["results"].as_array().map(Vec::len),
        Some(4)
    );
    let seen = seen.lock().expect("lock").clone();
    assert_eq!(seen.len(), 2);
    let body = seen[0].json();
    assert_eq!(body["ref"], "refs/pull/7/merge");
    assert_eq!(body["commit_sha"], run.head.as_str());
    let uploaded: serde_json::Value =
        serde_json::from_str(&gunzip_base64(body["sarif"].as_str().expect("sarif")))
            .expect("SARIF JSON");
    assert_eq!(uploaded, sarif);
    assert_no_token(&run);
    check_sarif(
        &run.dir.path().join("mcpgate.sarif"),
        &run.dir.path().join("workspace"),
    );
}

#[test]
fn a_refused_upload_warns_and_the_findings_decide_the_exit_code() {
    let (api, _) = github(vec![(
        403,
        r#"{"message":"Advanced Security must be enabled for this repository to use code scanning."}"#,
    )]);
    let run = action(
        &[("upload_sarif", "true"), ("fail_on", "critical")],
        &api,
        false,
    );
    let stdout = run.stdout();
    assert_eq!(run.out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains(
            "::warning title=mcpgate%3A SARIF not uploaded::GitHub refused the upload (HTTP 403"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("::error file=server.py,line=11,"),
        "{stdout}"
    );
    assert!(run.file("outputs.txt").contains("exit_code=0\n"));
    assert_no_token(&run);
}

#[test]
fn fork_pull_requests_are_not_uploaded_but_annotated() {
    let (api, seen) = github(vec![]);
    let run = action(&[], &api, true);
    let stdout = run.stdout();
    assert_eq!(run.out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("SARIF not uploaded: a pull request from a fork"),
        "{stdout}"
    );
    assert!(
        seen.lock().expect("lock").is_empty(),
        "no request to GitHub"
    );
    assert_no_token(&run);
}

#[test]
fn only_changed_reports_the_pull_requests_lines() {
    let (api, _) = github(vec![]);
    let run = action(
        &[("only_changed", "true"), ("upload_sarif", "false")],
        &api,
        false,
    );
    let stdout = run.stdout();
    assert_eq!(run.out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("file=server.py,line=11"), "{stdout}");
    assert!(!stdout.contains("file=reader.py"), "{stdout}");
    assert!(
        stdout.contains("3 finding(s) already present at "),
        "{stdout}"
    );
    assert!(run.file("outputs.txt").contains("findings=1\n"));
}

/// `cache: true` keeps results under the container's home (the runner's
/// `runner.temp/_github_home`, which `actions/cache` can keep); a directory in the workspace
/// is refused, since the pull request being scanned could plant results there.
#[test]
fn the_cache_input_keeps_results_outside_the_workspace() {
    let (api, _) = github(vec![]);
    let run = action(&[("cache", "true"), ("upload_sarif", "false")], &api, false);
    let stdout = run.stdout();
    assert_eq!(run.out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("::error file=server.py,line=11,"),
        "{stdout}"
    );
    let kept = run.dir.path().join("home/.cache/mcpgate/results");
    let files = std::fs::read_dir(&kept).map_or(0, |d| d.count());
    assert_eq!(files, 1, "one cache file in {}", kept.display());

    let run = action(
        &[("cache", "cache"), ("upload_sarif", "false")],
        &api,
        false,
    );
    let stderr = String::from_utf8_lossy(&run.out.stderr);
    assert_eq!(run.out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("is inside the scanned directory") && stderr.contains("plant results"),
        "{stderr}"
    );
    assert!(!run.dir.path().join("workspace/cache").exists());
}

#[test]
fn a_subdirectory_scan_reports_paths_from_the_repository_root() {
    let (api, _) = github(vec![]);
    let run = action_with(
        &[("path", "servers/admin"), ("upload_sarif", "false")],
        &api,
        false,
        &[("servers/admin/tool.py", SERVER)],
    );
    let stdout = run.stdout();
    assert_eq!(run.out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("::error file=servers/admin/tool.py,line=11,"),
        "{stdout}"
    );
    let sarif: serde_json::Value =
        serde_json::from_str(&run.file("mcpgate.sarif")).expect("SARIF written");
    assert_eq!(
        sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "servers/admin/tool.py"
    );
    assert!(
        run.file("summary.md")
            .contains("/servers/admin/tool.py#L11)")
    );
}

/// A release gate: `path: dist/*.tgz` scans the npm tarball that ships; the annotations go on
/// the archive, naming the entry.
#[test]
fn a_release_archive_glob_is_scanned() {
    let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(
        Vec::new(),
        flate2::Compression::fast(),
    ));
    let mut header = tar::Header::new_gnu();
    header.set_size(SERVER.len() as u64);
    header.set_mode(0o644);
    header.set_cksum();
    builder
        .append_data(&mut header, "package/server.py", SERVER.as_bytes())
        .expect("tar");
    let tgz = builder
        .into_inner()
        .and_then(|gz| gz.finish())
        .expect("tgz");
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = dir.path();
    std::fs::create_dir(ws.join("dist")).expect("mkdir");
    std::fs::write(ws.join("dist/srv-1.0.0.tgz"), &tgz).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_mcpgate"))
        .arg("action")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("GITHUB_WORKSPACE", ws)
        .env("INPUT_PATH", "dist/*.tgz")
        .env("INPUT_UPLOAD_SARIF", "false")
        .env("INPUT_FAIL_ON", "medium")
        .current_dir(ws)
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("::error file=dist/srv-1.0.0.tgz,title="),
        "{stdout}"
    );
    assert!(
        stdout.contains("::[high] package/server.py:11: "),
        "{stdout}"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_mcpgate"))
        .arg("action")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("GITHUB_WORKSPACE", ws)
        .env("INPUT_PATH", "dist/*.whl")
        .current_dir(ws)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`dist/*.whl` matches no file"));
}

#[test]
fn bad_inputs_are_errors_naming_the_input() {
    let (api, _) = github(vec![]);
    let run = action(&[("only_changed", "maybe")], &api, false);
    assert_eq!(run.out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&run.out.stderr)
            .contains("input `only_changed`: `maybe` is not a boolean"),
        "{}",
        String::from_utf8_lossy(&run.out.stderr)
    );
    assert!(
        run.stdout()
            .contains("::error title=mcpgate::input `only_changed`")
    );
    assert_eq!(run.file("outputs.txt"), "exit_code=2\n");
    let run = action(&[("extra_args", "--no-such-flag")], &api, false);
    assert_eq!(run.out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&run.out.stderr).contains("--no-such-flag"),
        "{}",
        String::from_utf8_lossy(&run.out.stderr)
    );
}

/// The shared checker, when it is beside the repository.
fn check_sarif(sarif: &Path, root: &Path) {
    let checker = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/tools/check-sarif");
    if !common::available_or_skip(checker.exists(), "../shared/tools/check-sarif") {
        return;
    }
    let out = Command::new(&checker)
        .arg(sarif)
        .arg("--root")
        .arg(root)
        .output()
        .expect("run check-sarif");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `action.yml` declares exactly the inputs the entrypoint reads and the outputs it writes.
/// (Its image, the release workflow and the Dockerfile are held together in
/// tests/distribution.rs.)
#[test]
fn action_yml_matches_the_entrypoint() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("action.yml")).expect("action.yml");
    let doc: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).expect("action.yml is YAML");
    let names = |key: &str| -> Vec<String> {
        let mut v: Vec<String> = doc[key]
            .as_mapping()
            .map(|m| {
                m.keys()
                    .filter_map(|k| k.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    };
    let sorted = |list: &[&str]| {
        let mut v: Vec<String> = list.iter().map(|s| s.to_string()).collect();
        v.sort();
        v
    };
    assert_eq!(
        names("inputs"),
        sorted(&mcpgate::github::action::INPUT_NAMES)
    );
    assert_eq!(
        names("outputs"),
        sorted(&mcpgate::github::action::OUTPUT_NAMES)
    );
    assert_eq!(
        doc["inputs"]["token"]["default"].as_str(),
        Some("${{ github.token }}")
    );
}

#[test]
fn a_server_that_answers_byte_by_byte_cannot_hold_the_upload_past_its_deadline() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let api = format!("http://{}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                let _ = read_request(&mut stream);
                // Each byte resets a read timeout; only an overall deadline ends this.
                let _ = stream.write_all(b"HTTP/1.1 202 X\r\n");
                while stream.write_all(b"X-Slow: 1\r\n").is_ok() {
                    std::thread::sleep(Duration::from_millis(50));
                }
            });
        }
    });
    let mut o = options(&api);
    o.deadline = Duration::from_secs(1);
    let started = std::time::Instant::now();
    let err = upload_sarif("{}", &target(), &o).unwrap_err();
    assert!(
        matches!(err, UploadError::Deadline { seconds: 1 }),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "the upload did not finish within 1 s");
    assert!(started.elapsed() < Duration::from_secs(10));
}
