//! The dependency audit end to end: every lockfile format against the advisory fixtures,
//! aliases, ignores, a broken lockfile, a missing or stale store, `db import`, `db status` and
//! `db update` against a local HTTP server.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::print_stderr)] // test code: a panic is a failed test, a skip says why

mod common;

use mcpgate::deps::AuditOptions;
use mcpgate::{NoticeLevel, Report, RuleSet, ScanOptions, Severity, scan};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn advisories() -> PathBuf {
    root().join("tests/fixtures/advisories")
}

fn project() -> PathBuf {
    root().join("tests/fixtures/deps/project")
}

fn audit(path: &Path, db: &Path, ignore: &[&str]) -> Report {
    let options = ScanOptions {
        paths: vec![path.to_path_buf()],
        audit: AuditOptions {
            db: db.to_path_buf(),
            ignore: ignore.iter().map(|s| s.to_string()).collect(),
            ..AuditOptions::default()
        },
        ..ScanOptions::default()
    };
    scan(&options, &RuleSet::builtin().expect("rules")).expect("scan")
}

fn at(report: &Report) -> Vec<(String, String, usize)> {
    report
        .findings
        .iter()
        .map(|f| {
            (
                f.rule_id.clone(),
                f.location.path.clone(),
                f.location.start_line,
            )
        })
        .collect()
}

fn row(rule: &str, path: &str, line: usize) -> (String, String, usize) {
    (rule.to_string(), path.to_string(), line)
}

fn mcpgate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mcpgate"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("MCPGATE_DB")
        .output()
        .expect("run mcpgate")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn every_lockfile_format_is_audited_with_exact_lines() {
    let report = audit(&project(), &advisories(), &[]);
    assert_eq!(
        at(&report),
        vec![
            row("dep-vulnerable", "go/go.mod", 6),
            row("dep-missing-lockfile", "nolock/pyproject.toml", 4),
            row("dep-vulnerable", "pnpm/pnpm-lock.yaml", 13),
            // pnpm 11: two YAML documents; a tarball URL resolved to the version it records,
            // a git source that no advisory can be compared with.
            row("dep-vulnerable", "pnpm11/pnpm-lock.yaml", 37),
            row("dep-remote-source", "pnpm11/pnpm-lock.yaml", 42),
            row("dep-vulnerable", "py/base.in", 1),
            row("dep-vulnerable", "py/requirements.txt", 2),
            row("dep-informational", "rs/Cargo.lock", 13),
            row("dep-unmaintained", "rs/Cargo.lock", 18),
            row("dep-vulnerable", "rs/Cargo.lock", 23),
            row("dep-vulnerable", "uv/uv.lock", 13),
            row("dep-vulnerable", "web/package-lock.json", 6),
            row("dep-vulnerable", "web/package-lock.json", 6),
            row("dep-unpinned", "web/package.json", 5),
            row("dep-malicious", "yarn/yarn.lock", 5),
        ]
    );
    let find = |path: &str, line: usize| {
        report
            .findings
            .iter()
            .find(|f| f.location.path == path && f.location.start_line == line)
            .expect("finding")
    };
    // The CVSS 3.0 vector of RUSTSEC-2019-0009 scores 9.8.
    let smallvec = find("rs/Cargo.lock", 23);
    assert_eq!(smallvec.severity, Severity::Critical);
    assert_eq!(
        smallvec.message,
        "smallvec 0.6.9 (crates.io, direct) is affected by RUSTSEC-2019-0009 (CVE-2019-15551, \
         GHSA-mm7v-vpv8-xfc3): Double-free and use-after-free in SmallVec::grow(); upgrade to 0.6.10 or later; \
         whether the project reaches `smallvec::SmallVec::grow` is not known: no Rust source under `rs` was analyzed"
    );
    // One finding for GHSA-9h52-p55h-vw2f and its alias PYSEC-TEST-0001.
    let mcp = find("py/requirements.txt", 2);
    assert!(
        mcp.message
            .contains("GHSA-9h52-p55h-vw2f (CVE-2025-66416, PYSEC-TEST-0001)"),
        "{}",
        mcp.message
    );
    assert_eq!(mcp.severity, Severity::High);
    let advisory = mcp.advisory.as_ref().expect("advisory attached");
    assert_eq!(advisory.fixed.as_deref(), Some("1.23.0"));
    // No severity in the advisory: the rule's, said in the message.
    let go = find("go/go.mod", 6);
    assert_eq!(go.severity, Severity::High);
    assert!(
        go.message.ends_with("(the advisory gives no severity)"),
        "{}",
        go.message
    );
    assert_eq!(find("yarn/yarn.lock", 5).severity, Severity::Critical);
    // Two unrelated advisories of one package: two findings, each with its own severity and
    // fingerprint.
    let sdk: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.location.path == "web/package-lock.json")
        .map(|f| {
            (
                f.advisory.as_ref().map(|a| a.id.as_str()),
                f.severity,
                f.fingerprint.as_str(),
            )
        })
        .collect();
    assert_eq!(sdk.len(), 2);
    assert_eq!(sdk[0].0, Some("GHSA-TEST-second"));
    assert_eq!(sdk[0].1, Severity::Medium);
    assert_eq!(sdk[1].0, Some("GHSA-w48q-cv73-mx4w"));
    assert_eq!(sdk[1].1, Severity::High);
    assert_ne!(sdk[0].2, sdk[1].2);
    assert_eq!(find("rs/Cargo.lock", 18).severity, Severity::Low);
    // The broken lockfile is an error naming the file and line; the others were still audited.
    let broken: Vec<_> = report
        .notices
        .iter()
        .filter(|n| n.path == "broken/package-lock.json")
        .collect();
    assert_eq!(broken.len(), 1, "{:?}", report.notices);
    assert_eq!(broken[0].level, NoticeLevel::Error);
    assert!(broken[0].reason.contains("line 4"), "{}", broken[0].reason);
}

#[test]
fn ignored_advisories_are_matched_by_any_alias() {
    let report = audit(
        &project(),
        &advisories(),
        &["cve-2025-66416", "RUSTSEC-2025-0056"],
    );
    let found = at(&report);
    assert!(!found.contains(&row("dep-vulnerable", "py/requirements.txt", 2)));
    assert!(!found.contains(&row("dep-vulnerable", "uv/uv.lock", 13)));
    assert!(!found.contains(&row("dep-unmaintained", "rs/Cargo.lock", 18)));
    assert!(found.contains(&row("dep-vulnerable", "py/base.in", 1)));
}

/// With no advisory store every other check still reports; the audit says in the output that
/// it did not run and what fixes it. `--require-audit` makes that an incomplete scan (exit 2).
#[test]
fn a_missing_store_is_a_warning_unless_the_audit_is_required() {
    let missing = root().join("target/no-such-advisory-db");
    let target = project().join("web");
    let target = target.to_string_lossy();
    let missing = missing.to_string_lossy();
    let out = mcpgate(&["scan", &target, "--db", &missing, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let rules: Vec<&str> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule_id"].as_str())
        .collect();
    assert_eq!(rules, vec!["dep-unpinned"], "the pinning check still runs");
    let notices = doc["notices"].as_array().expect("notices");
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(notices[0]["level"], "warning");
    assert_eq!(notices[0]["code"], "audit.not-run");
    let reason = notices[0]["reason"].as_str().expect("reason");
    assert!(
        reason.starts_with("dependency audit did not run: no advisory store at "),
        "{reason}"
    );
    assert!(reason.contains("no-such-advisory-db"), "{reason}");
    assert!(reason.contains("run `mcpgate db update`"), "{reason}");
    assert_eq!(doc["summary"]["complete"], true);

    // The same in SARIF, as a tool execution notification.
    let out = mcpgate(&["scan", &target, "--db", &missing, "--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).expect("sarif");
    let note = &sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"][0];
    assert_eq!(note["level"], "warning");
    assert_eq!(note["descriptor"]["id"], "audit.not-run");
    assert!(
        note["message"]["text"]
            .as_str()
            .is_some_and(|t| t.contains("dependency audit did not run")),
        "{note}"
    );

    let out = mcpgate(&["scan", &target, "--db", &missing, "--require-audit"]);
    assert_eq!(out.status.code(), Some(2));
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(
        all.contains("error[audit.not-run]: .: dependency audit did not run"),
        "{all}"
    );
    assert!(
        all.contains("dep-unpinned"),
        "other findings are still shown: {all}"
    );

    let out = mcpgate(&[
        "scan",
        &target,
        "--db",
        &missing,
        "--no-audit",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["notices"].as_array().map(Vec::len), Some(0));
}

#[test]
fn a_broken_lockfile_alone_makes_the_result_incomplete() {
    let target = project().join("broken");
    let out = mcpgate(&[
        "scan",
        &target.to_string_lossy(),
        "--db",
        &advisories().to_string_lossy(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(all.contains("package-lock.json"), "{all}");
    assert!(all.contains("line 4"), "{all}");
}

#[test]
fn an_imported_store_gives_the_same_findings_and_reports_its_status() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("store");
    let out = mcpgate(&[
        "db",
        "import",
        "--db",
        &store.to_string_lossy(),
        &advisories().to_string_lossy(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let status = text(&out.stdout);
    // 4 npm, 1 Go, 3 PyPI, 3 crates.io records.
    assert!(status.contains("advisories: 11"), "{status}");
    assert!(status.contains("(store)"), "{status}");

    assert_eq!(
        at(&audit(&project(), &store, &[])),
        at(&audit(&project(), &advisories(), &[]))
    );

    let out = mcpgate(&["db", "status", "--db", &store.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(0));
    let status = text(&out.stdout);
    assert!(status.contains("npm        4"), "{status}");
    assert!(status.contains("seconds ago"), "{status}");

    // A stale store still works, with a warning.
    let meta = store.join("mcpgate-db.json");
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&meta).expect("meta")).expect("json");
    doc["built"] = serde_json::json!(0);
    std::fs::write(&meta, doc.to_string()).expect("write meta");
    let report = audit(&project().join("web"), &store, &[]);
    assert_eq!(report.findings.len(), 3);
    assert!(
        report
            .notices
            .iter()
            .any(|n| n.level == NoticeLevel::Warning && n.reason.contains("days old")),
        "{:?}",
        report.notices
    );

    let out = mcpgate(&[
        "db",
        "status",
        "--db",
        &dir.path().join("none").to_string_lossy(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no advisory database at"));
}

/// A zip of the fixture records of one folder, as OSV publishes `all.zip`.
fn zip_of(folder: &Path) -> Vec<u8> {
    let mut buffer = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buffer);
        let mut entries: Vec<_> = std::fs::read_dir(folder)
            .expect("folder")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        entries.sort();
        for path in entries {
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            zip.start_file(name, zip::write::SimpleFileOptions::default())
                .expect("entry");
            zip.write_all(&std::fs::read(&path).expect("record"))
                .expect("write");
        }
        zip.finish().expect("finish");
    }
    buffer.into_inner()
}

/// Serves `routes` (path -> body) over HTTP on a loopback port, one request per connection;
/// any other path is a 404. Returns the base URL.
fn serve(routes: Vec<(String, Vec<u8>)>) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = Vec::new();
            let mut byte = [0u8; 1];
            while !request.ends_with(b"\r\n\r\n") {
                match stream.read(&mut byte) {
                    Ok(1) => request.push(byte[0]),
                    _ => break,
                }
            }
            let line = String::from_utf8_lossy(&request);
            let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
            let response = match routes.iter().find(|(p, _)| *p == path) {
                Some((_, body)) => {
                    let mut r = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/zip\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    )
                    .into_bytes();
                    r.extend_from_slice(body);
                    r
                }
                None => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .to_vec(),
            };
            let _ = stream.write_all(&response);
        }
    });
    base
}

#[test]
fn db_update_downloads_osv_archives_and_a_failed_update_keeps_the_old_store() {
    let base = serve(vec![
        ("/npm/all.zip".into(), zip_of(&advisories().join("npm"))),
        ("/PyPI/all.zip".into(), zip_of(&advisories().join("pypi"))),
        ("/Go/all.zip".into(), b"this is not a zip archive".to_vec()),
    ]);
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("db");
    let db = store.to_string_lossy();
    let out = mcpgate(&[
        "db",
        "update",
        "--db",
        &db,
        "--source",
        &base,
        "--ecosystem",
        "npm,PyPI",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let status = text(&out.stdout);
    assert!(status.contains("npm        4"), "{status}");
    assert!(status.contains("PyPI       1"), "{status}");
    assert!(status.contains(&format!("{base}/npm/all.zip")), "{status}");
    let report = audit(&project().join("web"), &store, &[]);
    assert_eq!(
        at(&report)[0],
        row("dep-vulnerable", "package-lock.json", 6)
    );

    // A 404 and a corrupt archive both fail, naming the URL, and leave the store as it was.
    for ecosystem in ["crates.io", "Go"] {
        let out = mcpgate(&[
            "db",
            "update",
            "--db",
            &db,
            "--source",
            &base,
            "--ecosystem",
            ecosystem,
        ]);
        assert_eq!(out.status.code(), Some(2), "{ecosystem}");
        let err = text(&out.stderr);
        assert!(err.contains("download of"), "{err}");
        assert!(err.contains("left as it was"), "{err}");
        let report = audit(&project().join("web"), &store, &[]);
        assert_eq!(
            report.findings.len(),
            3,
            "{ecosystem}: the old store is intact"
        );
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(leftovers, vec![std::ffi::OsString::from("db")]);

    // Nothing listening: a clear error, quickly.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let dead = format!("http://{}", closed.local_addr().expect("addr"));
    drop(closed);
    let out = mcpgate(&[
        "db",
        "update",
        "--db",
        &db,
        "--source",
        &dead,
        "--timeout",
        "5",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("download of"),
        "{}",
        text(&out.stderr)
    );
}

/// The SARIF a scan of `target` with the advisory fixtures writes, and what check-sarif says
/// of it (`None` where the checker is not there).
fn sarif_of(target: &Path) -> (serde_json::Value, Option<String>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let sarif = dir.path().join("deps.sarif");
    mcpgate(&[
        "scan",
        &target.to_string_lossy(),
        "-q",
        "--db",
        &advisories().to_string_lossy(),
        "--sarif",
        &sarif.to_string_lossy(),
    ]);
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).expect("sarif")).expect("json");
    let checker = root().join("../shared/tools/check-sarif");
    let checked =
        common::available_or_skip(checker.exists(), "../shared/tools/check-sarif").then(|| {
            let out = Command::new(&checker)
                .arg(&sarif)
                .arg("--root")
                .arg(target)
                .output()
                .expect("run check-sarif");
            assert!(out.status.success(), "{}", text(&out.stdout));
            text(&out.stdout)
        });
    (doc, checked)
}

#[test]
fn sarif_has_one_rule_per_advisory_with_its_score() {
    let target = project().join("rs");
    let (doc, checked) = sarif_of(&target);
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let results = run["results"].as_array().expect("results");
    let got: Vec<(String, String, String)> = results
        .iter()
        .map(|r| {
            let rule = &rules[r["ruleIndex"].as_u64().expect("index") as usize];
            assert_eq!(rule["id"], r["ruleId"]);
            (
                r["ruleId"].as_str().unwrap_or_default().to_string(),
                rule["properties"]["security-severity"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                r["level"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let s = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
    assert_eq!(
        got,
        vec![
            s("dep-informational/RUSTSEC-2021-0120", "2.0", "note"),
            s("dep-unmaintained/RUSTSEC-2025-0056", "2.0", "note"),
            s("dep-vulnerable/RUSTSEC-2019-0009", "9.8", "error"),
        ]
    );
    if let Some(checked) = checked {
        assert!(checked.contains("ok: 3 results, 0 problems"), "{checked}");
    }
}

#[test]
fn hostile_lockfiles_are_refused_with_a_notice() {
    let dir = tempfile::tempdir().expect("tempdir");
    let deep = dir.path().join("deep");
    let deep_json = dir.path().join("json");
    std::fs::create_dir_all(&deep).expect("mkdir");
    std::fs::create_dir_all(&deep_json).expect("mkdir");
    std::fs::write(
        deep.join("pnpm-lock.yaml"),
        format!(
            "lockfileVersion: '9.0'\npackages: {}{}\n",
            "[".repeat(100_000),
            "]".repeat(100_000)
        ),
    )
    .expect("write");
    std::fs::write(
        deep_json.join("package-lock.json"),
        format!(
            "{{\"lockfileVersion\":1,\"dependencies\":{}{{}}{}}}",
            "{\"a\":{\"version\":\"1.0.0\",\"dependencies\":".repeat(5000),
            "}}".repeat(5000)
        ),
    )
    .expect("write");
    let report = audit(dir.path(), &advisories(), &[]);
    let reasons: Vec<(&str, &str)> = report
        .notices
        .iter()
        .map(|n| (n.path.as_str(), n.reason.as_str()))
        .collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(
        reasons[0].0 == "deep/pnpm-lock.yaml" && reasons[0].1.contains("nested deeper than 64"),
        "{reasons:?}"
    );
    assert!(
        reasons[1].0 == "json/package-lock.json" && reasons[1].1.contains("recursion limit"),
        "{reasons:?}"
    );
}

#[test]
fn a_damaged_store_is_an_error_notice_not_a_crash() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("store");
    let out = mcpgate(&[
        "db",
        "import",
        "--db",
        &store.to_string_lossy(),
        &advisories().join("npm").to_string_lossy(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let index = store.join("npm.idx");
    let damaged: String = std::fs::read_to_string(&index)
        .expect("index")
        .lines()
        .map(|l| {
            let name = l.split('\t').next().unwrap_or("");
            format!("{name}\t0\t99999999999\n")
        })
        .collect();
    std::fs::write(&index, damaged).expect("write");
    let report = audit(&project().join("web"), &store, &[]);
    assert!(
        report.notices.iter().any(|n| n.level == NoticeLevel::Error
            && n.path == "package-lock.json"
            && n.reason.contains("claims 99999999999 bytes")),
        "{:?}",
        report.notices
    );
    // The pinning checks of the other files still ran.
    assert_eq!(at(&report), vec![row("dep-unpinned", "package.json", 5)]);
}

#[test]
fn credentials_in_dependency_urls_never_reach_any_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("requirements.txt"),
        "git+https://deploy:s3cr3tTOKENvalue42@github.com/x/y.git#egg=y\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("package.json"),
        "{\n  \"dependencies\": {\n    \"h\": \"git+https://user:tok3nS3cretValue99@github.com/x/h.git\"\n  }\n}\n",
    )
    .expect("write");
    let target = dir.path().to_string_lossy().into_owned();
    let mut rules_seen = Vec::new();
    for format in ["text", "json", "sarif", "github", "markdown"] {
        let out = mcpgate(&["scan", &target, "--no-audit", "-f", format]);
        let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
        assert!(!all.contains("s3cr3tTOKENvalue42"), "{format}: {all}");
        assert!(!all.contains("tok3nS3cretValue99"), "{format}: {all}");
        if format == "json" {
            let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
            for f in doc["findings"].as_array().expect("findings") {
                rules_seen.push(format!(
                    "{}:{}",
                    f["rule_id"].as_str().unwrap_or_default(),
                    f["path"].as_str().unwrap_or_default()
                ));
            }
        }
    }
    assert!(
        rules_seen.contains(&"dep-remote-source:requirements.txt".to_string()),
        "{rules_seen:?}"
    );
    assert!(
        rules_seen.contains(&"dep-remote-source:package.json".to_string()),
        "{rules_seen:?}"
    );
}

/// An advisory that names its vulnerable code (RustSec `affected.functions`, or the map of MCP
/// SDK advisories in `dep-vulnerable.toml`) is graded by what the code next to the lockfile
/// does with it: called keeps the advisory's severity, imported only is one level lower, never
/// imported two (direct dependency); the evidence is in the finding and in SARIF.
#[test]
fn advisories_are_graded_by_what_the_project_calls() {
    let target = root().join("tests/fixtures/deps/reach");
    let report = audit(&target, &advisories(), &[]);
    let got: Vec<(String, usize, Severity, String)> = report
        .findings
        .iter()
        .map(|f| {
            let reach = f
                .advisory
                .as_ref()
                .and_then(|a| a.reach.as_ref())
                .map_or("none", |r| r.status.as_str());
            (
                f.location.path.clone(),
                f.location.start_line,
                f.severity,
                reach.to_string(),
            )
        })
        .collect();
    let row = |p: &str, l: usize, s: Severity, r: &str| (p.to_string(), l, s, r.to_string());
    assert_eq!(
        got,
        vec![
            row("node-http/package-lock.json", 6, Severity::High, "called"),
            row(
                "node-stdio/package-lock.json",
                6,
                Severity::Low,
                "not-imported"
            ),
            row("python-http/requirements.txt", 1, Severity::High, "called"),
            row(
                "python-stdio/requirements.txt",
                1,
                Severity::Medium,
                "imported"
            ),
            row("rust/Cargo.lock", 11, Severity::Critical, "called"),
        ]
    );
    assert!(
        report
            .findings
            .iter()
            .all(|f| f.rule_id == "dep-vulnerable")
    );
    let message = |path: &str| {
        report
            .findings
            .iter()
            .find(|f| f.location.path == path)
            .map(|f| f.message.clone())
            .unwrap_or_default()
    };
    assert!(
        message("python-http/requirements.txt").ends_with(
            "the advisory concerns the HTTP transports (SSE, streamable HTTP), not stdio; \
             reached: calls `mcp.server.fastmcp.FastMCP.run` with \"sse\" (python-http/server.py:13)"
        ),
        "{}",
        message("python-http/requirements.txt")
    );
    assert!(
        message("python-stdio/requirements.txt").contains(
            "imports `mcp.server.fastmcp.FastMCP` (python-stdio/server.py:1), but nothing calls"
        ),
        "{}",
        message("python-stdio/requirements.txt")
    );
    assert!(
        message("rust/Cargo.lock")
            .ends_with("reached: calls `smallvec::SmallVec::grow` (rust/src/main.rs:6)"),
        "{}",
        message("rust/Cargo.lock")
    );

    let (doc, checked) = sarif_of(&target);
    let run = &doc["runs"][0];
    let results = run["results"].as_array().expect("results");
    let related: Vec<(String, String, u64)> = results
        .iter()
        .flat_map(|r| {
            r["relatedLocations"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .map(|l| {
            (
                l["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                l["message"]["text"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                l["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap_or_default(),
            )
        })
        .collect();
    assert!(
        related.contains(&(
            "python-http/server.py".to_string(),
            "calls `mcp.server.fastmcp.FastMCP.run` with \"sse\"".to_string(),
            13
        )),
        "{related:?}"
    );
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let security = |id: &str| {
        rules
            .iter()
            .find(|r| r["id"] == id)
            .map(|r| r["properties"]["security-severity"].clone())
    };
    // The npm advisory is reached in one project and not in the other: the reached one labels it.
    assert_eq!(
        security("dep-vulnerable/GHSA-w48q-cv73-mx4w"),
        Some(serde_json::json!("8.0"))
    );
    if let Some(checked) = checked {
        assert!(checked.contains("ok: 5 results, 0 problems"), "{checked}");
    }
}
