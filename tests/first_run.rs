//! What a new user meets on a first run: scans that match nothing are errors, ignore comments
//! that do nothing are reported, rule selection and a reporting floor, `--stats`, text output
//! editors can jump from, taint paths in JSON and SARIF, and unpacked npm packages.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::print_stderr)] // test code: a panic is a failed test, a skip says why

mod common;

use common::{findings, notices};
use std::path::Path;
use std::process::{Command, Output};

const EXAMPLE: &str = "examples/vulnerable-server";

fn mcpgate_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mcpgate"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("run mcpgate")
}

fn mcpgate(args: &[&str]) -> Output {
    mcpgate_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(path, text).expect("write");
}

#[test]
fn a_scan_that_matches_no_file_is_an_error_naming_paths_and_excludes() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "src/server.py", "print('hi')\n");
    let out = mcpgate_in(dir.path(), &["scan", "src", "--exclude", "*.py"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(
            "mcpgate: error: no file to scan in src: check the paths, and the excludes *.py"
        ),
        "{err}"
    );
    // An empty directory, too.
    std::fs::create_dir(dir.path().join("empty")).expect("mkdir");
    let out = mcpgate_in(dir.path(), &["scan", "empty"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no file to scan in empty"));
}

#[test]
fn select_ignore_and_the_reporting_floor() {
    let out = mcpgate(&["scan", EXAMPLE, "-f", "json", "--select", "CWE-78"]);
    let doc = json(&out);
    let rules: Vec<String> = findings(&doc).into_iter().map(|f| f.0).collect();
    assert_eq!(
        rules,
        [
            "ts-command-injection",
            "rust-shell-command",
            "python-subprocess-shell-true",
            "python-shell-command",
            "python-subprocess-shell-true"
        ]
    );
    assert_eq!(out.status.code(), Some(1));

    let out = mcpgate(&[
        "scan",
        EXAMPLE,
        "-f",
        "json",
        "--ignore",
        "python,ts-*,dep-*",
    ]);
    let doc = json(&out);
    assert!(
        findings(&doc)
            .iter()
            .all(|(r, _, _)| !r.starts_with("python-")
                && !r.starts_with("ts-")
                && !r.starts_with("dep-")),
        "{doc}"
    );
    assert_eq!(
        findings(&doc).len(),
        11,
        "the rust-* findings are not ignored"
    );

    // A typo is an error, not a filter that matches nothing.
    let out = mcpgate(&["scan", EXAMPLE, "--select", "pyhton-eval-exec"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("`pyhton-eval-exec` names no rule"),
        "{}",
        stderr(&out)
    );

    // The floor hides low findings, the gate still counts them.
    let out = mcpgate(&[
        "scan",
        EXAMPLE,
        "-f",
        "json",
        "--select",
        "python-subprocess-without-timeout",
        "--min-severity",
        "medium",
        "--fail-on",
        "low",
    ]);
    assert_eq!(findings(&json(&out)).len(), 0);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out)
            .contains("2 finding(s) below --min-severity are not shown (the gate counts them)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn stats_count_files_bytes_and_time_per_analyzer() {
    let out = mcpgate(&["scan", EXAMPLE, "-f", "json", "--stats"]);
    let doc = json(&out);
    let stats = &doc["stats"];
    assert_eq!(stats["files"], 17);
    let phases: Vec<&str> = stats["phases"]
        .as_array()
        .expect("phases")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    for phase in [
        "walk",
        "read",
        "python",
        "typescript",
        "rust",
        "secrets",
        "dependencies",
    ] {
        assert!(phases.contains(&phase), "{phases:?}");
    }
    let python = stats["phases"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["name"] == "python"))
        .expect("python row");
    assert_eq!(python["files"], 4);
    assert!(stderr(&out).contains("analyzer          files        bytes    seconds"));
    // Without --stats, nothing that changes from run to run.
    assert!(
        json(&mcpgate(&["scan", EXAMPLE, "-f", "json"]))
            .get("stats")
            .is_none()
    );
}

#[test]
fn text_output_starts_each_finding_with_path_line_and_column() {
    let out = mcpgate(&["scan", EXAMPLE, "--select", "python-eval-exec"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.lines().next().unwrap_or("");
    assert!(
        first.starts_with("server.py:34:16: high python-eval-exec `eval()` runs a string"),
        "{text}"
    );
    assert!(
        text.contains("  ├ from server.py:32:15: tool parameter `expression` of `calculate`"),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'), "no colour off a terminal");
}

#[test]
fn taint_findings_carry_their_path_in_json_and_sarif() {
    let out = mcpgate(&["scan", EXAMPLE, "-f", "json", "--select", "python-ssrf"]);
    let doc = json(&out);
    let trace = &doc["findings"][0]["trace"];
    assert_eq!(trace[0]["location"]["path"], "server.py");
    assert_eq!(trace[0]["location"]["start_line"], 50);
    assert_eq!(trace[0]["message"], "tool parameter `url` of `fetch_page`");
    assert_eq!(trace[1]["location"]["start_line"], 52);
    assert_eq!(trace[1]["message"], "reaches `requests.get`");

    let out = mcpgate(&["scan", EXAMPLE, "-f", "sarif"]);
    let sarif = json(&out);
    let run = &sarif["runs"][0];
    let result = run["results"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["ruleId"] == "python-ssrf"))
        .expect("python-ssrf result");
    let steps = result["codeFlows"][0]["threadFlows"][0]["locations"]
        .as_array()
        .expect("thread flow");
    assert_eq!(steps.len(), 2);
    assert_eq!(
        steps[0]["location"]["physicalLocation"]["region"]["startLine"],
        50
    );
    assert_eq!(
        result["relatedLocations"][0]["message"]["text"],
        "tool parameter `url` of `fetch_page`"
    );
    // Only the rules with results, each with short help and a link to its page.
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), 31);
    let ssrf = rules
        .iter()
        .find(|r| r["id"] == "python-ssrf")
        .expect("rule");
    assert_eq!(
        ssrf["helpUri"],
        format!(
            "https://github.com/mcpgate/mcpgate/blob/v{}/docs/rules/python-ssrf.md",
            env!("CARGO_PKG_VERSION")
        )
    );
    // The page it links to exists.
    assert!(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("docs/rules/python-ssrf.md")
            .is_file()
    );
    let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
    assert_eq!(rules[index]["id"], "python-ssrf");
}

const TOOL: &str = "from mcp.server.fastmcp import FastMCP\nimport helpers\n\nmcp = FastMCP('x')\n\n@mcp.tool()\ndef run(cmd: str) -> str:\n    return helpers.shell(cmd)\n";

#[test]
fn ignore_comments_that_are_invalid_or_silence_nothing_are_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "server.py", TOOL);
    // The sink is reached from the tool in the other module: the ignore is used.
    write(
        dir.path(),
        "helpers.py",
        "import subprocess\n\ndef shell(c):\n    # mcpgate:ignore python-subprocess-shell-true reviewed: callers pass allowlisted commands\n    return subprocess.run(c, shell=True, timeout=5)\n",
    );
    write(
        dir.path(),
        "other.py",
        "x = 1  # mcpgate:ignore python-eval-exec left from an old version\ny = 2  # mcpgate:ignore pyhton-eval-exec typo\nz = 3  # mcpgate:ignore\n",
    );
    let out = mcpgate_in(dir.path(), &["scan", ".", "-f", "json"]);
    let doc = json(&out);
    assert_eq!(
        findings(&doc),
        [
            ("ignore-unused".to_string(), "other.py".to_string(), 1),
            ("ignore-invalid".to_string(), "other.py".to_string(), 2),
            ("ignore-invalid".to_string(), "other.py".to_string(), 3),
        ],
        "{doc}"
    );
    // Low: they do not fail the default gate.
    assert_eq!(out.status.code(), Some(0));
    // --no-ignore shows the silenced finding and judges no ignore.
    let out = mcpgate_in(dir.path(), &["scan", ".", "-f", "json", "--no-ignore"]);
    assert_eq!(
        findings(&json(&out)),
        [(
            "python-subprocess-shell-true".to_string(),
            "helpers.py".to_string(),
            5
        )]
    );
}

const DIST_TOOL: &str = "const { McpServer } = require(\"@modelcontextprotocol/sdk/server/mcp.js\");\nconst { execSync } = require(\"child_process\");\nconst server = new McpServer({ name: \"x\", version: \"1\" });\nserver.tool(\"run\", { cmd: z.string() }, async ({ cmd }) => {\n  return { content: [{ type: \"text\", text: execSync(cmd).toString() }] };\n});\n";

#[test]
fn an_unpacked_npm_package_is_scanned_in_its_build_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "package/package.json",
        r#"{"name": "srv", "version": "1.0.0", "bin": {"srv": "dist/index.js"}}"#,
    );
    write(dir.path(), "package/dist/index.js", DIST_TOOL);
    let out = mcpgate_in(dir.path(), &["scan", "package", "-f", "json", "--no-audit"]);
    let doc = json(&out);
    assert!(
        findings(&doc).contains(&("ts-command-injection".into(), "dist/index.js".into(), 5)),
        "{doc}"
    );
    assert!(
        notices(&doc).contains(&"note dist: scanned: the package's built code (package.json `bin` points into it, and no sources are beside it)".to_string()),
        "{doc}"
    );

    // In a source checkout the build output is skipped, and the skip is said.
    write(dir.path(), "package/tsconfig.json", "{}\n");
    write(dir.path(), "package/src/index.ts", "export {};\n");
    let out = mcpgate_in(dir.path(), &["scan", "package", "-f", "json", "--no-audit"]);
    let doc = json(&out);
    assert!(findings(&doc).is_empty(), "{doc}");
    assert!(
        notices(&doc).contains(&"note dist: skipped: build output of the package (package.json `bin`) whose sources are scanned; --no-default-excludes scans it too".to_string()),
        "{doc}"
    );
}

#[test]
fn other_default_excludes_are_counted_in_one_note() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "server.py", "print(1)\n");
    write(dir.path(), "node_modules/a/index.js", "eval(x)\n");
    write(dir.path(), ".venv/lib/x.py", "eval(x)\n");
    let out = mcpgate_in(dir.path(), &["scan", ".", "-f", "json"]);
    let doc = json(&out);
    assert_eq!(
        notices(&doc),
        [
            "note .: default excludes skipped 2 directories: .venv, node_modules (dependencies, virtualenvs, caches and build output; --no-default-excludes scans them)"
        ]
    );
}
