//! Throughput and peak memory of a whole scan on a generated corpus of Python MCP servers, or
//! of TypeScript ones with `MCPGATE_BENCH_LANG=ts`.
//!
//! `cargo bench --bench scan` (or `-- FILES KIB_PER_FILE` to size the corpus). Prints files/s
//! and MB/s for a tree-sitter parse of every file (the limit) and for the full rule pack, the
//! full scan's time per phase (`--stats`), a cold scan that fills a results cache against
//! re-scans with nothing and with one file changed, then the process's peak resident memory.
//! `MCPGATE_BENCH_MODE=scaling` adds full scans of growing corpora (`MCPGATE_BENCH_SIZES=10,100,1000`
//! MB) for the throughput curve (`MCPGATE_BENCH_KEEP=DIR` keeps those corpora in DIR). Numbers,
//! not asserts: compare runs on the same machine.
//!
//! Wall time on a shared 2-core machine is noisy; for a repeatable ratio count instructions:
//! `MCPGATE_BENCH_MODE=parse MCPGATE_BENCH_ONCE=1 valgrind --tool=callgrind target/release/deps/scan-* 300 10`
//! and the same with `MCPGATE_BENCH_MODE=full`.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::print_stdout,
    clippy::print_stderr
)] // a benchmark prints its figures; a panic is a failed run

use mcpgate::{RuleSet, ScanOptions, scan};
use std::fmt::Write as _;
use std::time::Instant;

mod common;
use common::{Lcg, peak_rss_kib};

const HEADER: &str = "import os\nimport json\nimport subprocess as sp\nimport yaml\nimport requests\nfrom pathlib import Path\nfrom mcp.server.fastmcp import FastMCP\n\nmcp = FastMCP(\"bench\")\n\n";

/// One tool. About 3 in 100 are vulnerable (shell, eval, yaml), as in real servers; the rest
/// do the same jobs safely, so the analysis runs over code it must stay quiet on.
fn tool(rng: &mut Lcg, i: usize) -> String {
    let body = match rng.next() % 100 {
        0 => format!(
            "    return sp.run(f\"grep {{pattern}} {i}\", shell=True, capture_output=True).stdout\n"
        ),
        1 => "    return str(eval(pattern))\n".to_string(),
        2 => "    return yaml.load(pattern)\n".to_string(),
        3..=40 => format!(
            "    result = sp.run([\"grep\", \"-r\", \"--\", pattern, \"/srv/{i}\"], capture_output=True, text=True, timeout=30)\n    lines = [l.strip() for l in result.stdout.splitlines() if l]\n    return json.dumps({{\"count\": len(lines), \"lines\": lines[:{i}]}})\n"
        ),
        41..=70 => format!(
            "    path = Path(\"/srv/data\") / f\"{{os.path.basename(pattern)}}-{i}.json\"\n    with open(path) as f:\n        data = json.load(f)\n    return json.dumps(data.get(\"items\", [])[:{i}])\n"
        ),
        _ => format!(
            "    response = requests.get(\"https://api.example.com/v1/items\", params={{\"q\": pattern, \"n\": {i}}}, timeout=10)\n    response.raise_for_status()\n    return response.text\n"
        ),
    };
    format!(
        "@mcp.tool()\ndef tool_{i}(pattern: str) -> str:\n    \"\"\"Tool number {i}: searches things for the pattern.\"\"\"\n{body}\n\n"
    )
}

const HEADER_TS: &str = "import { McpServer } from \"@modelcontextprotocol/sdk/server/mcp.js\";\nimport { exec, execFile } from \"node:child_process\";\nimport fs from \"node:fs/promises\";\nimport path from \"node:path\";\nimport { z } from \"zod\";\n\nconst server = new McpServer({ name: \"bench\", version: \"1.0.0\" });\nconst root = \"/srv/data\";\n\n";

/// The TypeScript counterpart of `tool`: the same mix of vulnerable and safe handlers.
fn tool_ts(rng: &mut Lcg, i: usize) -> String {
    let body = match rng.next() % 100 {
        0 => format!("  exec(`grep ${{pattern}} {i}`);\n  return {{ content: [] }};\n"),
        1 => "  return { content: [{ type: \"text\", text: String(eval(pattern)) }] };\n".to_string(),
        2 => "  const res = await fetch(pattern, { signal: AbortSignal.timeout(5000) });\n  return { content: [{ type: \"text\", text: await res.text() }] };\n".to_string(),
        3..=40 => format!(
            "  const lines: string[] = [];\n  await new Promise((resolve) => execFile(\"grep\", [\"-r\", \"--\", pattern, \"/srv/{i}\"], {{ timeout: 30000 }}, (err, out) => {{\n    for (const l of out.split(\"\\n\")) {{\n      if (l) lines.push(l.trim());\n    }}\n    resolve(null);\n  }}));\n  return {{ content: [{{ type: \"text\", text: JSON.stringify({{ count: lines.length, lines: lines.slice(0, {i}) }}) }}] }};\n"
        ),
        41..=70 => format!(
            "  const file = path.join(root, `${{path.basename(pattern)}}-{i}.json`);\n  if ((await fs.stat(file)).size > 1000000) {{\n    throw new Error(\"too large\");\n  }}\n  const data = JSON.parse(await fs.readFile(file, \"utf8\"));\n  return {{ content: [{{ type: \"text\", text: JSON.stringify((data.items ?? []).slice(0, {i})) }}] }};\n"
        ),
        _ => format!(
            "  const url = new URL(\"https://api.example.com/v1/items\");\n  url.searchParams.set(\"q\", pattern);\n  url.searchParams.set(\"n\", \"{i}\");\n  const res = await fetch(url, {{ signal: AbortSignal.timeout(10000) }});\n  if (!res.ok) {{\n    throw new Error(`status ${{res.status}}`);\n  }}\n  return {{ content: [{{ type: \"text\", text: await res.text() }}] }};\n"
        ),
    };
    format!(
        "server.tool(\"tool_{i}\", \"Tool number {i}: searches things for the pattern.\", {{ pattern: z.string() }}, async ({{ pattern }}) => {{\n{body}}});\n\n"
    )
}

/// Writes server number `f` of a corpus (`pkgN/server_f.py`, about `kib` KiB of tools
/// numbered on from `n`); returns its size.
fn write_server(
    dir: &std::path::Path,
    f: usize,
    typescript: bool,
    kib: usize,
    rng: &mut Lcg,
    n: &mut usize,
) -> usize {
    let sub = dir.join(format!("pkg{}", f % 50));
    std::fs::create_dir_all(&sub).expect("mkdir");
    let (header, ext) = if typescript {
        (HEADER_TS, "ts")
    } else {
        (HEADER, "py")
    };
    let mut text = String::from(header);
    while text.len() < kib * 1024 {
        *n += 1;
        let t = if typescript {
            tool_ts(rng, *n)
        } else {
            tool(rng, *n)
        };
        let _ = write!(text, "{t}");
    }
    std::fs::write(sub.join(format!("server_{f}.{ext}")), &text).expect("write");
    text.len()
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let files: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(4000);
    let kib: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(10);

    let typescript = std::env::var("MCPGATE_BENCH_LANG").is_ok_and(|l| l == "ts");
    let ext = if typescript { "ts" } else { "py" };
    let dir = tempfile::tempdir().expect("tempdir");
    let mut rng = Lcg(42);
    let mut bytes = 0usize;
    let mut n = 0usize;
    for f in 0..files {
        bytes += write_server(dir.path(), f, typescript, kib, &mut rng, &mut n);
    }

    let options = ScanOptions {
        paths: vec![dir.path().to_path_buf()],
        stats: true,
        ..ScanOptions::default()
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mb = bytes as f64 / 1e6;

    // Parse only: the same files read and parsed by tree-sitter on the same threads, no analysis.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool");
    let paths: Vec<std::path::PathBuf> = (0..files)
        .map(|f| {
            dir.path()
                .join(format!("pkg{}", f % 50))
                .join(format!("server_{f}.{ext}"))
        })
        .collect();
    let mode = std::env::var("MCPGATE_BENCH_MODE").unwrap_or_default();
    let rounds = if std::env::var_os("MCPGATE_BENCH_ONCE").is_some() {
        1
    } else {
        3
    };
    let mut best = f64::MAX;
    let parse_rounds = if matches!(mode.as_str(), "full" | "none") {
        0
    } else {
        rounds
    };
    let full_rounds = if matches!(mode.as_str(), "parse" | "none") {
        0
    } else {
        rounds
    };
    for _ in 0..parse_rounds {
        let start = Instant::now();
        let nodes: usize = pool.install(|| {
            use rayon::prelude::*;
            paths
                .par_iter()
                .map_init(
                    || {
                        let mut p = tree_sitter::Parser::new();
                        let grammar: tree_sitter::Language = if typescript {
                            tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into()
                        } else {
                            tree_sitter_python::LANGUAGE.into()
                        };
                        p.set_language(&grammar).expect("grammar");
                        p
                    },
                    |parser, path| {
                        let text = std::fs::read_to_string(path).expect("read");
                        parser
                            .parse(&text, None)
                            .map_or(0, |t| t.root_node().child_count() as usize)
                    },
                )
                .sum()
        });
        assert!(nodes > 0);
        best = best.min(start.elapsed().as_secs_f64());
    }
    if parse_rounds > 0 {
        println!(
            "{:>10}: {files} files, {mb:.1} MB; best of {parse_rounds}: {best:.3} s = {:.0} files/s, {:.1} MB/s; threads {threads}",
            "parse-only",
            files as f64 / best,
            mb / best,
        );
    }

    let full = RuleSet::builtin().expect("rules");
    for (label, rules) in [("full pack", &full)] {
        let mut best = f64::MAX;
        let mut findings = 0;
        let mut by_rule = std::collections::BTreeMap::new();
        let mut phases = String::new();
        for _ in 0..full_rounds {
            let start = Instant::now();
            let report = scan(&options, rules).expect("scan");
            let took = start.elapsed().as_secs_f64();
            if took < best {
                phases = report
                    .stats
                    .as_ref()
                    .map(mcpgate::report::stats_table)
                    .unwrap_or_default();
            }
            best = best.min(took);
            findings = report.findings.len();
            assert_eq!(report.files_scanned, files);
            by_rule.clear();
            for f in &report.findings {
                *by_rule.entry(f.rule_id.clone()).or_insert(0usize) += 1;
            }
        }
        if full_rounds > 0 {
            println!(
                "{label:>10}: {files} files, {mb:.1} MB, {findings} findings; best of {full_rounds}: {best:.3} s = {:.0} files/s, {:.1} MB/s; threads {threads}",
                files as f64 / best,
                mb / best,
            );
            println!("{:>10}: {by_rule:?}", "by rule");
            println!("per phase, fastest round (--stats):\n{phases}");
        }
    }
    if full_rounds > 0 {
        cached_rescans(&options, &full, &paths, mb, rounds);
    }
    if mode == "scaling" {
        scaling(typescript, kib);
    }
    if (mode.is_empty() && !typescript) || mode == "secrets" {
        secrets_bench(files / 4, kib, rounds);
    }
    println!(
        "peak RSS {} MiB",
        peak_rss_kib().map_or_else(|| "?".to_string(), |k| (k / 1024).to_string())
    );
}

/// Secrets on a mixed corpus (minified JS, large JSON, .env, YAML, Markdown) with a secret in
/// about one file in fifty: the scan (keyword prefilter, then regexes) against running every
/// secret regex on every file.
/// A cold scan that fills a results cache, a re-scan with nothing changed, and one after a
/// single file changed: the CI and pre-commit case.
fn cached_rescans(
    options: &ScanOptions,
    rules: &RuleSet,
    paths: &[std::path::PathBuf],
    mb: f64,
    rounds: usize,
) {
    let cache = tempfile::tempdir().expect("tempdir");
    let options = ScanOptions {
        cache: Some(cache.path().to_path_buf()),
        ..options.clone()
    };
    let timed = |options: &ScanOptions| {
        let start = Instant::now();
        let report = scan(options, rules).expect("scan");
        (start.elapsed().as_secs_f64(), report.findings.len())
    };
    let (cold, _) = timed(&options);
    let mut unchanged = f64::MAX;
    let mut one_changed = f64::MAX;
    for round in 0..rounds {
        unchanged = unchanged.min(timed(&options).0);
        let edited = paths.get(round % paths.len().max(1)).expect("a file");
        let mut text = std::fs::read_to_string(edited).expect("read");
        text.push_str(&format!("\n# edited {round}\n"));
        std::fs::write(edited, text).expect("write");
        one_changed = one_changed.min(timed(&options).0);
    }
    println!(
        "{:>10}: cold {cold:.3} s ({:.1} MB/s) filling the cache; re-scan, nothing changed: {unchanged:.3} s; one file changed: {one_changed:.3} s (best of {rounds})",
        "cache",
        mb / cold,
    );
}

/// Throughput of the full pack as the corpus grows (`MCPGATE_BENCH_SIZES`, MB, default
/// 10,40,160): flat MB/s per core means cost linear in input.
fn scaling(typescript: bool, kib: usize) {
    let sizes: Vec<usize> = std::env::var("MCPGATE_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![10, 40, 160]);
    let rules = RuleSet::builtin().expect("rules");
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    // `MCPGATE_BENCH_KEEP=DIR` writes each corpus to DIR/<size>mb and keeps it, so the CLI
    // (and a heap profiler) can be run on the same input.
    let keep = std::env::var_os("MCPGATE_BENCH_KEEP").map(std::path::PathBuf::from);
    for size in sizes {
        let temp = tempfile::tempdir().expect("tempdir");
        let dir = match &keep {
            Some(base) => base.join(format!("{size}mb")),
            None => temp.path().to_path_buf(),
        };
        std::fs::create_dir_all(&dir).expect("corpus dir");
        let mut rng = Lcg(42);
        let (mut bytes, mut n, mut f) = (0usize, 0usize, 0usize);
        while bytes < size * 1_000_000 {
            bytes += write_server(&dir, f, typescript, kib, &mut rng, &mut n);
            f += 1;
        }
        let options = ScanOptions {
            paths: vec![dir.clone()],
            ..ScanOptions::default()
        };
        let start = Instant::now();
        let report = scan(&options, &rules).expect("scan");
        let took = start.elapsed().as_secs_f64();
        let mb = bytes as f64 / 1e6;
        println!(
            "{:>10}: {f} files, {mb:.0} MB, {} findings in {took:.2} s = {:.1} MB/s, {:.1} MB/s per core; peak RSS so far {} MiB",
            "scaling",
            report.findings.len(),
            mb / took,
            mb / took / threads as f64,
            peak_rss_kib().map_or_else(|| "?".to_string(), |k| (k / 1024).to_string())
        );
    }
}

fn secrets_bench(files: usize, kib: usize, rounds: usize) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut rng = Lcg(7);
    let mut bytes = 0usize;
    let alnum = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    for f in 0..files {
        let mut text = String::new();
        let ext = match f % 5 {
            0 => "js",
            1 => "json",
            2 => "env",
            3 => "yaml",
            _ => "md",
        };
        while text.len() < kib * 1024 {
            let n = rng.next();
            let line = match ext {
                "js" => {
                    format!("var a{n}=function(b){{return b.map(function(c){{return c*{n}}})}};")
                }
                "json" => format!(
                    "{{\"id\": {n}, \"name\": \"item-{n}\", \"tags\": [\"a\", \"b\"], \"hash\": \"sha512-{n:x}{n:x}\"}},\n"
                ),
                "env" => format!("SETTING_{n}=value-{n}\nLOG_LEVEL=info\n"),
                "yaml" => format!("service_{n}:\n  image: app:{n}\n  token: ${{TOKEN_{n}}}\n"),
                _ => format!("Paragraph {n}: set `API_KEY` in your environment before running.\n"),
            };
            text.push_str(&line);
        }
        if f % 50 == 0 {
            let secret: String = (0..36)
                .map(|_| char::from(alnum[rng.next() as usize % alnum.len()]))
                .collect();
            text.push_str(&format!("\nGITHUB_TOKEN=ghp_{secret}\n"));
        }
        bytes += text.len();
        std::fs::write(dir.path().join(format!("f{f}.{ext}")), text).expect("write");
    }
    let mb = bytes as f64 / 1e6;
    let rules = RuleSet::builtin().expect("rules");
    let secret_rules = rules
        .filtered(|r| matches!(r.matcher, mcpgate::rules::Matcher::Secret(_)))
        .expect("secret rules");
    let options = ScanOptions {
        paths: vec![dir.path().to_path_buf()],
        ..ScanOptions::default()
    };
    let mut best = f64::MAX;
    let mut found = 0;
    for _ in 0..rounds {
        let start = Instant::now();
        let report = scan(&options, &secret_rules).expect("scan");
        best = best.min(start.elapsed().as_secs_f64());
        found = report.findings.len();
    }
    println!(
        "{:>10}: {files} files, {mb:.1} MB, {found} findings; best of {rounds}: {best:.3} s = {:.1} MB/s (keyword prefilter)",
        "secrets",
        mb / best
    );
    // Without the prefilter: every secret regex over every file, on one thread.
    let texts: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(|e| e.ok())
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .collect();
    let start = Instant::now();
    let mut naive = 0usize;
    for text in &texts {
        for rule in secret_rules.rules() {
            if let mcpgate::rules::Matcher::Secret(sm) = &rule.matcher
                && let Some(regex) = &sm.compiled
            {
                naive += regex.find_iter(text).count();
            }
        }
    }
    let naive_s = start.elapsed().as_secs_f64();
    println!(
        "{:>10}: every regex on every file, one thread: {naive_s:.3} s = {:.1} MB/s ({naive} raw matches)",
        "secrets",
        mb / naive_s
    );
}
