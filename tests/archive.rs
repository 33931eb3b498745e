//! Release archives: npm tarballs, wheels, sdists and extensions are scanned as the directory
//! they unpack to, in memory, with every analyzer and the package-only checks; hostile
//! archives (links, `../` names, duplicates, nested archives, bombs, too many entries,
//! truncation) give notices and never stop the scan or write a file.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::print_stderr)] // test code: a panic is a failed test, a skip says why

mod common;
use common::findings;

use mcpgate::rules::expand_example;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};

const TOOL_JS: &str = r#"import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { exec } from "child_process";
import { z } from "zod";

const server = new McpServer({ name: "demo", version: "1.0.0" });

server.tool("run", { command: z.string() }, async ({ command }) => {
  exec(command);
  return { content: [] };
});
"#;

const TOOL_PY: &str = r#"import subprocess

from mcp.server.fastmcp import FastMCP

mcp = FastMCP("demo")


@mcp.tool()
def run(command: str) -> str:
    return subprocess.run(command, shell=True, capture_output=True, timeout=5).stdout
"#;

const MAP_OUTSIDE: &str = r#"{"version":3,"sources":["../src/index.ts","../../../../internal/keys.ts"],"sourcesContent":["a","b"],"mappings":"AAAA"}"#;

/// A raw tar header with any name (the tar crate refuses `..`, as it should when writing).
fn tar_entry(out: &mut Vec<u8>, name: &str, kind: u8, link: &str, data: &[u8]) {
    let mut header = [0u8; 512];
    header[..name.len()].copy_from_slice(name.as_bytes());
    header[100..107].copy_from_slice(b"0000644");
    header[108..115].copy_from_slice(b"0000000");
    header[116..123].copy_from_slice(b"0000000");
    let size = format!("{:011o}", data.len());
    header[124..135].copy_from_slice(size.as_bytes());
    header[136..147].copy_from_slice(b"00000000000");
    header[156] = kind;
    header[157..157 + link.len()].copy_from_slice(link.as_bytes());
    header[257..263].copy_from_slice(b"ustar\0");
    header[263..265].copy_from_slice(b"00");
    header[148..156].copy_from_slice(b"        ");
    let sum: u32 = header.iter().map(|&b| u32::from(b)).sum();
    header[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
    out.extend_from_slice(&header);
    out.extend_from_slice(data);
    out.resize(out.len().div_ceil(512) * 512, 0);
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(data).expect("gzip");
    gz.finish().expect("gzip")
}

fn mcpgate(dir: &Path, args: &[&str]) -> (Output, serde_json::Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_mcpgate"))
        .arg("scan")
        .args(args)
        .args(["-f", "json", "--no-audit"])
        .current_dir(dir)
        .output()
        .expect("run mcpgate");
    let doc = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    (out, doc)
}

fn notices(doc: &serde_json::Value) -> Vec<(String, String)> {
    doc["notices"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|n| {
                    (
                        n["level"].as_str().unwrap_or("").to_string(),
                        n["reason"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn f(rule: &str, path: &str, line: u64) -> (String, String, u64) {
    (rule.into(), path.into(), line)
}

#[test]
fn an_npm_tarball_is_scanned_as_what_ships() {
    let dir = tempfile::tempdir().expect("tempdir");
    let token = expand_example("{{gen:ghp_:36:alnum}}", 1);
    let env = format!("GITHUB_TOKEN={token}\n");
    let mut tar = Vec::new();
    tar_entry(&mut tar, "package/", b'5', "", b"");
    tar_entry(&mut tar, "package/index.js", b'0', "", TOOL_JS.as_bytes());
    tar_entry(&mut tar, "package/.env", b'0', "", env.as_bytes());
    tar_entry(
        &mut tar,
        "package/dist/index.js.map",
        b'0',
        "",
        MAP_OUTSIDE.as_bytes(),
    );
    tar_entry(&mut tar, "package/link", b'2', "/etc/passwd", b"");
    tar_entry(
        &mut tar,
        "package/../../evil.js",
        b'0',
        "",
        TOOL_JS.as_bytes(),
    );
    tar_entry(
        &mut tar,
        "package/index.js",
        b'0',
        "",
        b"// a second copy\n",
    );
    tar_entry(&mut tar, "package/vendor.tgz", b'0', "", b"not opened");
    std::fs::write(dir.path().join("srv-1.0.0.tgz"), gzip(&tar)).expect("write");
    let (out, doc) = mcpgate(dir.path(), &["srv-1.0.0.tgz"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        findings(&doc),
        vec![
            f("package-sensitive-file", "srv-1.0.0.tgz!/package/.env", 1),
            f("github-token", "srv-1.0.0.tgz!/package/.env", 1),
            f(
                "package-source-map-source",
                "srv-1.0.0.tgz!/package/dist/index.js.map",
                1
            ),
            f("ts-command-injection", "srv-1.0.0.tgz!/package/evil.js", 8),
            f("ts-command-injection", "srv-1.0.0.tgz!/package/index.js", 8),
        ]
    );
    let reasons: Vec<String> = notices(&doc)
        .into_iter()
        .map(|(l, r)| format!("{l}: {r}"))
        .collect();
    assert_eq!(
        reasons,
        vec![
            "note: entry `package/link` is a link to `/etc/passwd`; links are not followed",
            "warning: entry `package/../../evil.js` has a name that points outside the archive; scanned as `package/evil.js`",
            "warning: entry `package/vendor.tgz` is an archive inside the archive; it is not opened",
            // What extractors install was not scanned: the result is incomplete.
            "error: entry `package/index.js` appears more than once; only the first copy was scanned, and extractors install the last",
        ],
    );
    // Nothing was written next to (or above) the archive.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .expect("read_dir")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    assert!(!dir.path().join("../evil.js").exists());
    // The secret is redacted inside archives too.
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&token));
}

#[test]
fn archive_findings_in_sarif_and_annotations_point_at_the_archive_and_name_the_entry() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut tar = Vec::new();
    tar_entry(&mut tar, "package/index.js", b'0', "", TOOL_JS.as_bytes());
    std::fs::write(dir.path().join("srv.tgz"), gzip(&tar)).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_mcpgate"))
        .args(["scan", "srv.tgz", "--no-audit", "-f", "sarif"])
        .current_dir(dir.path())
        .output()
        .expect("run");
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).expect("SARIF");
    let result = &sarif["runs"][0]["results"][0];
    // Code scanning can only place a result on a file of the repository: the archive, with
    // the entry and its line in the message and properties.
    let physical = &result["locations"][0]["physicalLocation"];
    assert_eq!(physical["artifactLocation"]["uri"], "srv.tgz");
    assert_eq!(physical["region"]["startLine"], 1);
    assert_eq!(result["properties"]["archive"], "srv.tgz");
    assert_eq!(result["properties"]["archiveEntry"], "package/index.js");
    assert_eq!(result["properties"]["archiveEntryLine"], 8);
    assert!(
        result["message"]["text"]
            .as_str()
            .is_some_and(|m| m.contains("(in srv.tgz: package/index.js:8:")),
        "{result}"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_mcpgate"))
        .args(["scan", "srv.tgz", "--no-audit", "-f", "github"])
        .current_dir(dir.path())
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("::error file=srv.tgz,title=mcpgate%3A "),
        "{text}"
    );
    assert!(text.contains("::[high] package/index.js:8: "), "{text}");
}

#[test]
fn a_wheel_with_a_key_and_a_zip_bomb() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("srv-1.0-py3-none-any.whl");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).expect("create"));
    let deflate = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("srv/server.py", deflate).expect("zip");
    zip.write_all(TOOL_PY.as_bytes()).expect("zip");
    zip.start_file("srv/id_rsa", deflate).expect("zip");
    zip.write_all(b"binary\0key material").expect("zip");
    zip.start_file("srv/zeros.txt", deflate).expect("zip");
    zip.write_all(&vec![0u8; 32 * 1024 * 1024]).expect("zip");
    zip.add_symlink("srv/escape", "../../etc/passwd", deflate)
        .expect("zip");
    zip.finish().expect("zip");
    let (out, doc) = mcpgate(dir.path(), &["srv-1.0-py3-none-any.whl"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        findings(&doc),
        vec![
            f(
                "package-sensitive-file",
                "srv-1.0-py3-none-any.whl!/srv/id_rsa",
                1
            ),
            f(
                "python-subprocess-shell-true",
                "srv-1.0-py3-none-any.whl!/srv/server.py",
                10
            ),
        ]
    );
    let reasons: Vec<String> = notices(&doc).into_iter().map(|(_, r)| r).collect();
    assert!(
        reasons.iter().any(
            |r| r.starts_with("entry `srv/zeros.txt` not scanned: it expands ")
                && r.ends_with("a compression bomb")
        ),
        "{reasons:?}"
    );
    assert!(
        reasons.contains(&"entry `srv/escape` is a link; links are not followed".to_string()),
        "{reasons:?}"
    );
}

#[test]
fn a_truncated_archive_is_an_error_and_the_other_targets_are_still_scanned() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut tar = Vec::new();
    tar_entry(&mut tar, "package/index.js", b'0', "", TOOL_JS.as_bytes());
    tar_entry(&mut tar, "package/other.js", b'0', "", TOOL_JS.as_bytes());
    let whole = gzip(&tar);
    std::fs::write(dir.path().join("cut.tgz"), &whole[..whole.len() / 2]).expect("write");
    std::fs::write(dir.path().join("junk.whl"), b"PK not really").expect("write");
    std::fs::write(dir.path().join("server.py"), TOOL_PY).expect("write");
    let (out, doc) = mcpgate(dir.path(), &["cut.tgz", "junk.whl", "server.py"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the findings of server.py still count"
    );
    let rules: Vec<String> = findings(&doc).into_iter().map(|f| f.1).collect();
    assert!(rules.contains(&"server.py".to_string()), "{rules:?}");
    let errors: Vec<String> = notices(&doc)
        .into_iter()
        .filter(|(l, _)| l == "error")
        .map(|(_, r)| r)
        .collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors
            .iter()
            .any(|r| r.starts_with("not a readable zip archive")),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|r| r.contains("truncated or corrupt")),
        "{errors:?}"
    );
    // Without other findings, an unreadable archive makes the result incomplete: exit 2.
    let (out, _) = mcpgate(dir.path(), &["junk.whl"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn entry_counts_and_decompressed_bytes_are_capped() {
    let dir = tempfile::tempdir().expect("tempdir");
    // 100,001 empty entries: one over the cap.
    let mut tar = Vec::with_capacity(100_002 * 512);
    for i in 0..100_001 {
        tar_entry(&mut tar, &format!("package/f{i}.txt"), b'0', "", b"");
    }
    std::fs::write(dir.path().join("many.tgz"), gzip(&tar)).expect("write");
    let (out, doc) = mcpgate(dir.path(), &["many.tgz"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        notices(&doc).contains(&(
            "error".to_string(),
            "the archive has more than 100000 entries (what is left of the scan's archive limits); only the first 100000 were scanned"
                .to_string()
        )),
        "{:?}",
        notices(&doc)
    );

    // A gzip bomb: 48 MiB of zeros in one entry, read with an 8 MiB decompression cap.
    let mut tar = Vec::new();
    tar_entry(&mut tar, "package/index.js", b'0', "", TOOL_JS.as_bytes());
    tar_entry(
        &mut tar,
        "package/zeros",
        b'0',
        "",
        &vec![0u8; 48 * 1024 * 1024],
    );
    let bomb = dir.path().join("bomb.tgz");
    std::fs::write(&bomb, gzip(&tar)).expect("write");
    let mut limits = mcpgate::archive::Limits {
        max_stream_bytes: 8 * 1024 * 1024,
        ..mcpgate::archive::Limits::default()
    };
    let (files, notices) = mcpgate::archive::entries(
        &bomb,
        "bomb.tgz",
        mcpgate::archive::ArchiveKind::TarGz,
        &mut limits,
    );
    assert_eq!(files.len(), 1, "the entry before the bomb is kept");
    assert_eq!(files[0].rel, "bomb.tgz!/package/index.js");
    assert!(
        notices
            .iter()
            .any(|n| n.reason.contains("decompression limit")),
        "{notices:?}"
    );
}

#[test]
fn archive_caps_hold_for_the_whole_scan_not_per_archive() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut tar = Vec::new();
    for i in 0..3 {
        tar_entry(&mut tar, &format!("package/f{i}.js"), b'0', "", b"x");
    }
    let (a, b) = (dir.path().join("a.tgz"), dir.path().join("b.tgz"));
    std::fs::write(&a, gzip(&tar)).expect("write");
    std::fs::write(&b, gzip(&tar)).expect("write");
    let mut budget = mcpgate::archive::Limits {
        max_entries: 4,
        ..mcpgate::archive::Limits::default()
    };
    let kind = mcpgate::archive::ArchiveKind::TarGz;
    let (first, first_notices) = mcpgate::archive::entries(&a, "a.tgz", kind, &mut budget);
    assert_eq!((first.len(), first_notices.len()), (3, 0));
    assert_eq!(budget.max_entries, 1);
    let (second, notices) = mcpgate::archive::entries(&b, "b.tgz", kind, &mut budget);
    assert_eq!(second.len(), 1, "only what is left of the budget is read");
    let reasons: Vec<&str> = notices.iter().map(|n| n.reason.as_str()).collect();
    assert_eq!(
        reasons,
        vec![
            "the archive has more than 1 entries (what is left of the scan's archive limits); only the first 1 were scanned"
        ]
    );
}

#[test]
fn an_entry_that_is_not_a_regular_file_is_never_skipped_silently() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut tar = Vec::new();
    tar_entry(&mut tar, "package/pipe", b'6', "", b"");
    tar_entry(&mut tar, "package/index.js", b'0', "", TOOL_JS.as_bytes());
    std::fs::write(dir.path().join("fifo.tgz"), gzip(&tar)).expect("write");
    let (_, doc) = mcpgate(dir.path(), &["fifo.tgz"]);
    assert!(
        notices(&doc).contains(&(
            "warning".to_string(),
            "entry `package/pipe` is not a regular file (tar type Fifo); not scanned".to_string()
        )),
        "{:?}",
        notices(&doc)
    );
}
