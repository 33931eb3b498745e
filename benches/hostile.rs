//! Hostile repositories, measured: each case is generated in a temporary directory and scanned
//! in a child process of this benchmark, which reports what the scan said (findings, notices),
//! wall time and the child's peak RSS. Then every secret rule meets a 10 MB line built to make
//! it work hard (the `regex` crate is linear; this shows the constant).
//!
//! `cargo bench --bench hostile` (all cases), or `cargo bench --bench hostile -- CASE`.
//! Prints a Markdown table.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::print_stdout,
    clippy::print_stderr
)] // a benchmark prints its figures; a panic is a failed run

mod common;

use common::{Lcg, peak_rss_kib};
use mcpgate::{RuleSet, ScanOptions, scan};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::time::Instant;

type Make = fn(&Path);

const CASES: [(&str, &str, Make); 14] = [
    (
        "symlinks",
        "links to /etc/passwd, to .., a loop, a symlinked subdirectory",
        symlinks,
    ),
    ("huge-file", "a 100 MB source file (sparse)", huge_file),
    (
        "many-files",
        "250,000 tiny files in 500 directories",
        many_files,
    ),
    (
        "deep-python",
        "50,000-deep nested expression in Python",
        deep_python,
    ),
    (
        "deep-js",
        "50,000-deep nested expression in JavaScript",
        deep_js,
    ),
    (
        "minified-js",
        "a 5 MB single-line minified bundle",
        minified_js,
    ),
    (
        "encodings",
        "invalid UTF-8, UTF-16 with BOM, NUL bytes",
        encodings,
    ),
    (
        "lockfile-1m",
        "package-lock.json with 1,000,000 entries",
        lockfile_million,
    ),
    (
        "lockfile-odd",
        "cyclic, contradictory and absurd lockfile entries",
        lockfile_odd,
    ),
    (
        "json-deep",
        "client config nested 1,000,000 deep",
        json_deep,
    ),
    (
        "yaml-laughs",
        "billion-laughs anchors in pnpm-lock.yaml and compose.yaml",
        yaml_laughs,
    ),
    ("yaml-deep", "pnpm-lock.yaml nested 100,000 deep", yaml_deep),
    (
        "json-numbers",
        "huge numbers and strings in package-lock.json",
        json_numbers,
    ),
    (
        "names",
        "file names with newlines, `::`, `%` and ANSI escapes",
        names,
    ),
];

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    if let Ok(case) = std::env::var("MCPGATE_HOSTILE_CASE") {
        child(&case);
        return;
    }
    println!("| case | what | result | time | peak RSS |\n|---|---|---|---|---|");
    for (name, what, _) in CASES {
        if !args.is_empty() && !args.iter().any(|a| a == name) {
            continue;
        }
        let out = std::process::Command::new(std::env::current_exe().expect("exe"))
            .env("MCPGATE_HOSTILE_CASE", name)
            .output()
            .expect("run case");
        let line = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if out.status.success() {
            println!("| {name} | {what} | {line}");
        } else {
            println!(
                "| {name} | {what} | FAILED: {} | | |",
                String::from_utf8_lossy(&out.stderr).replace('\n', " ")
            );
        }
        let _ = std::io::stdout().flush();
    }
    if args.is_empty() || args.iter().any(|a| a == "regex") {
        regex_hostile();
    }
}

/// Generates the case, scans it, prints `result | time | peak |`.
fn child(case: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some((_, _, make)) = CASES.iter().find(|(n, _, _)| *n == case) else {
        panic!("unknown case {case}");
    };
    make(dir.path());
    let rules = RuleSet::builtin().expect("rules");
    let options = ScanOptions {
        paths: vec![dir.path().to_path_buf()],
        audit: mcpgate::deps::AuditOptions {
            advisories: false,
            ..Default::default()
        },
        ..ScanOptions::default()
    };
    let start = Instant::now();
    let report = scan(&options, &rules).expect("scan");
    let elapsed = start.elapsed();
    let mut notices: Vec<String> = report
        .notices
        .iter()
        .map(|n| format!("{} {}", n.level.as_str(), n.reason))
        .collect();
    notices.sort();
    notices.dedup();
    let mut shown = notices
        .iter()
        .take(3)
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    if notices.len() > 3 {
        let _ = write!(shown, "; and {} more kinds", notices.len() - 3);
    }
    println!(
        "{} files, {} findings, {} notices ({}) | {:.2} s | {} MiB |",
        report.files_scanned,
        report.findings.len(),
        report.notices.len(),
        shown.replace('|', "/").replace('\n', " "),
        elapsed.as_secs_f64(),
        peak_rss_kib().unwrap_or(0) / 1024
    );
}

fn write(path: &Path, bytes: impl AsRef<[u8]>) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(path, bytes).expect("write");
}

fn symlinks(dir: &Path) {
    write(&dir.join("server.py"), "import os\nos.system(cmd)\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        symlink("/etc/passwd", dir.join("passwd.py")).expect("symlink");
        symlink("..", dir.join("up")).expect("symlink");
        symlink(dir.join("b"), dir.join("a")).expect("symlink");
        symlink(dir.join("a"), dir.join("b")).expect("symlink");
        std::fs::create_dir(dir.join("real")).expect("mkdir");
        write(&dir.join("real/tool.py"), "eval(code)\n");
        symlink(dir.join("real"), dir.join("alias")).expect("symlink");
    }
}

fn huge_file(dir: &Path) {
    let f = std::fs::File::create(dir.join("huge.py")).expect("create");
    f.set_len(100 * 1024 * 1024).expect("grow");
    write(&dir.join("server.py"), "eval(code)\n");
}

fn many_files(dir: &Path) {
    for d in 0..500 {
        let sub = dir.join(format!("d{d}"));
        std::fs::create_dir(&sub).expect("mkdir");
        for f in 0..500 {
            std::fs::write(sub.join(format!("f{f}.txt")), "x\n").expect("write");
        }
    }
}

fn deep_python(dir: &Path) {
    let n = 50_000;
    let text = format!("x = {}1{}\neval(code)\n", "(".repeat(n), ")".repeat(n));
    write(&dir.join("deep.py"), text);
}

fn deep_js(dir: &Path) {
    let n = 50_000;
    let text = format!(
        "const x = {}1{};\neval(code);\n",
        "[".repeat(n),
        "]".repeat(n)
    );
    write(&dir.join("deep.js"), text);
}

fn minified_js(dir: &Path) {
    let mut text = String::with_capacity(5 << 20);
    let mut rng = Lcg(7);
    let mut i = 0;
    while text.len() < 5 << 20 {
        let k = rng.next() % 1000;
        let _ = write!(
            text,
            "function f{i}(a,b){{return a.map(function(x){{return x+b*{k}}}).filter(Boolean)}};var v{i}=f{i}([1,2,3],{k});"
        );
        i += 1;
    }
    write(&dir.join("bundle.min.js"), text);
}

fn encodings(dir: &Path) {
    write(&dir.join("latin1.py"), b"# caf\xe9\neval(code)\n");
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in "eval(code)\n".encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    write(&dir.join("utf16.py"), utf16);
    write(&dir.join("nul.js"), b"eval(code)\0\0\0");
}

fn lockfile_million(dir: &Path) {
    let mut text = String::with_capacity(120 << 20);
    text.push_str("{\"name\":\"x\",\"lockfileVersion\":3,\"packages\":{\"\":{\"name\":\"x\"}");
    for i in 0..1_000_000 {
        let _ = write!(
            text,
            ",\n\"node_modules/p{i}\":{{\"version\":\"1.{}.{}\"}}",
            i % 97,
            i % 13
        );
    }
    text.push_str("}}\n");
    write(&dir.join("package-lock.json"), text);
}

fn lockfile_odd(dir: &Path) {
    write(
        &dir.join("package-lock.json"),
        r#"{"lockfileVersion":3,"packages":{"":{"dependencies":{"a":"1"}},
"node_modules/a":{"version":"1.0.0","dependencies":{"b":"*"}},
"node_modules/b":{"version":"99999999999999999999999.0.0-x.y.z+☃","dependencies":{"a":"*"}},
"node_modules/a/node_modules/a":{"version":"2.0.0"},
"node_modules/a ":{"version":""},
"node_modules/c":{"version":{"not":"a string"}}}}"#,
    );
    write(
        &dir.join("requirements.txt"),
        "a==1.0\na==2.0\nb===💥\nc==1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0\n-r requirements.txt\n",
    );
    write(
        &dir.join("Cargo.lock"),
        "version = 3\n[[package]]\nname = \"a\"\nversion = \"0.0.0-\"\n",
    );
}

fn json_deep(dir: &Path) {
    let n = 1_000_000;
    let text = format!(
        "{{\"mcpServers\":{{\"x\":{{\"command\":\"npx\",\"args\":{}{}}}}}}}",
        "[".repeat(n),
        "]".repeat(n)
    );
    write(&dir.join("claude_desktop_config.json"), text);
}

fn yaml_laughs(dir: &Path) {
    let mut text = String::from(
        "lockfileVersion: '9.0'\nlol0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for i in 1..10 {
        let prev = i - 1;
        let _ = writeln!(
            text,
            "lol{i}: &a{i} [*a{prev},*a{prev},*a{prev},*a{prev},*a{prev},*a{prev},*a{prev},*a{prev},*a{prev}]"
        );
    }
    text.push_str("packages:\n  x@1.0.0: *a9\n");
    write(&dir.join("pnpm-lock.yaml"), &text);
    write(
        &dir.join("compose.yaml"),
        text.replace("lockfileVersion: '9.0'\n", "")
            .replace("packages:\n  x@1.0.0: *a9\n", "services:\n  x: *a9\n"),
    );
}

fn yaml_deep(dir: &Path) {
    let n = 100_000;
    let text = format!(
        "lockfileVersion: '9.0'\npackages: {}1{}\n",
        "[".repeat(n),
        "]".repeat(n)
    );
    write(&dir.join("pnpm-lock.yaml"), text);
}

fn json_numbers(dir: &Path) {
    let digits = "9".repeat(1 << 20);
    let text = format!(
        "{{\"lockfileVersion\":{digits},\"packages\":{{\"node_modules/a\":{{\"version\":\"{}\"}}}}}}",
        "1".repeat(1 << 20)
    );
    write(&dir.join("package-lock.json"), text);
}

fn names(dir: &Path) {
    for name in [
        "evil\n::error file=x::pwned.py",
        "100%25.py",
        "ansi\u{1b}[2J\u{1b}[31m.py",
    ] {
        write(&dir.join(name), "eval(code)\n");
    }
}

/// Every secret rule against a 10 MB line shaped to keep it busy: its keywords, then a run of
/// characters most token patterns accept, then more keywords, with no terminator.
fn regex_hostile() {
    let rules = RuleSet::builtin().expect("rules");
    let mut worst: Vec<(f64, String)> = Vec::new();
    let total = Instant::now();
    for rule in rules.rules() {
        let mcpgate::rules::Matcher::Secret(secret) = &rule.matcher else {
            continue;
        };
        let keyword = secret.keywords.first().cloned().unwrap_or_default();
        let mut line = String::with_capacity(10 << 20);
        while line.len() < 10 << 20 {
            line.push_str(&keyword);
            line.push_str("=\"");
            line.push_str(&"aA0_-".repeat(200));
        }
        let only = rules.filtered(|r| r.id == rule.id).expect("one rule");
        let start = Instant::now();
        let _ = mcpgate::analyze_text("hostile.txt", &line, &only);
        worst.push((start.elapsed().as_secs_f64(), rule.id.clone()));
    }
    worst.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!(
        "\nregex-hostile: {} secret rules, each on a 10 MB line: {:.1} s in all; slowest {}",
        worst.len(),
        total.elapsed().as_secs_f64(),
        worst
            .iter()
            .take(3)
            .map(|(t, id)| format!("{id} {t:.2} s"))
            .collect::<Vec<_>>()
            .join(", ")
    );
}
