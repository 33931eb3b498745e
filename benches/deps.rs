//! The dependency audit at full size: a generated OSV `all.zip` of npm advisories (as large as
//! the real one), imported into a store, then a 10,000-package package-lock.json audited
//! against it, and a 20-package one to show what loading the store costs a small scan.
//!
//! `cargo bench --bench deps` (or `-- ADVISORIES PACKAGES`). Prints seconds, throughput and
//! peak memory; numbers, not asserts.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::print_stdout,
    clippy::print_stderr
)] // a benchmark prints its figures; a panic is a failed run

use mcpgate::deps::AuditOptions;
use mcpgate::deps::store::{load_sources, write_store};
use mcpgate::{RuleSet, ScanOptions, scan};
use std::fmt::Write as _;
use std::io::Write as _;
use std::time::Instant;

mod common;
use common::{Lcg, peak_rss_kib};

fn record(i: usize, rng: &mut Lcg, packages: usize) -> String {
    let package = rng.next() as usize % (packages * 3);
    let fixed_minor = rng.next() % 20;
    // One in ten is a malicious-package record, as in OSV's npm data.
    if i.is_multiple_of(10) {
        return format!(
            r#"{{"id":"MAL-BENCH-{i}","summary":"Malicious code in pkg-{package}","affected":[{{"package":{{"ecosystem":"npm","name":"pkg-{package}"}},"versions":["9.9.{i}"]}}]}}"#
        );
    }
    format!(
        r#"{{"id":"GHSA-bench-{i}","aliases":["CVE-2099-{i}"],"summary":"Generated advisory {i} of pkg-{package}","severity":[{{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}}],"affected":[{{"package":{{"ecosystem":"npm","name":"pkg-{package}"}},"ranges":[{{"type":"SEMVER","events":[{{"introduced":"0"}},{{"fixed":"1.{fixed_minor}.0"}}]}}]}}],"references":[{{"type":"ADVISORY","url":"https://example.org/{i}"}}],"database_specific":{{"severity":"HIGH"}}}}"#
    )
}

fn lockfile(packages: usize, rng: &mut Lcg) -> String {
    let mut out = String::from(
        "{\n  \"name\": \"bench\",\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"\": { \"dependencies\": {} }",
    );
    for p in 0..packages {
        let minor = rng.next() % 20;
        let _ = write!(
            out,
            ",\n    \"node_modules/pkg-{p}\": {{\n      \"version\": \"1.{minor}.3\",\n      \"resolved\": \"https://registry.npmjs.org/pkg-{p}/-/pkg-{p}-1.{minor}.3.tgz\",\n      \"integrity\": \"sha512-AAAA\"\n    }}"
        );
    }
    out.push_str("\n  }\n}\n");
    out
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let advisories: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(200_000);
    let packages: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let mut rng = Lcg(7);

    // An OSV-style all.zip.
    let zip_path = dir.path().join("src").join("all.zip");
    std::fs::create_dir_all(zip_path.parent().expect("parent")).expect("mkdir");
    {
        let file = std::fs::File::create(&zip_path).expect("zip");
        let mut zip = zip::ZipWriter::new(file);
        for i in 0..advisories {
            zip.start_file(
                format!("{i}.json"),
                zip::write::SimpleFileOptions::default(),
            )
            .expect("entry");
            zip.write_all(record(i, &mut rng, packages).as_bytes())
                .expect("write");
        }
        zip.finish().expect("finish");
    }
    let zip_mb = std::fs::metadata(&zip_path).map_or(0, |m| m.len()) as f64 / 1e6;
    let rss_before = peak_rss_kib().unwrap_or(0);

    let store = dir.path().join("store");
    let started = Instant::now();
    let loaded = load_sources(std::slice::from_ref(&zip_path)).expect("load");
    let count = loaded.advisories.len();
    write_store(&store, loaded, vec!["bench".into()]).expect("store");
    let import = started.elapsed().as_secs_f64();
    println!(
        "import: {count} advisories from a {zip_mb:.1} MB all.zip in {import:.2} s ({:.0} advisories/s)",
        count as f64 / import
    );
    println!(
        "peak RSS after generating the archive: {:.1} MiB; after importing it: {:.1} MiB",
        rss_before as f64 / 1024.0,
        peak_rss_kib().unwrap_or(0) as f64 / 1024.0
    );

    let rules = RuleSet::builtin().expect("rules");
    let big = dir.path().join("big");
    let small = dir.path().join("small");
    std::fs::create_dir_all(&big).expect("mkdir");
    std::fs::create_dir_all(&small).expect("mkdir");
    let big_lock = lockfile(packages, &mut rng);
    std::fs::write(big.join("package-lock.json"), &big_lock).expect("write");
    std::fs::write(small.join("package-lock.json"), lockfile(20, &mut rng)).expect("write");

    let run = |path: &std::path::Path, audit: bool| {
        let options = ScanOptions {
            paths: vec![path.to_path_buf()],
            audit: AuditOptions {
                db: store.clone(),
                advisories: audit,
                ..AuditOptions::default()
            },
            ..ScanOptions::default()
        };
        let started = Instant::now();
        let report = scan(&options, &rules).expect("scan");
        (started.elapsed().as_secs_f64(), report.findings.len())
    };
    let rounds = 5;
    for (name, path) in [
        ("10k-package lockfile", &big),
        ("20-package lockfile", &small),
    ] {
        let mut with = Vec::new();
        let mut without = Vec::new();
        let mut findings = 0;
        for _ in 0..rounds {
            let (t, f) = run(path, true);
            with.push(t);
            findings = f;
            without.push(run(path, false).0);
        }
        with.sort_by(f64::total_cmp);
        without.sort_by(f64::total_cmp);
        let (w, wo) = (with[rounds / 2], without[rounds / 2]);
        println!(
            "{name}: {:.1} ms with the audit ({findings} findings), {:.1} ms without; the store costs {:.1} ms (median of {rounds})",
            w * 1e3,
            wo * 1e3,
            (w - wo) * 1e3
        );
    }
    println!(
        "lockfile: {:.1} MB, {packages} packages",
        big_lock.len() as f64 / 1e6
    );
    if let Some(kib) = peak_rss_kib() {
        println!("peak RSS: {:.1} MiB", kib as f64 / 1024.0);
    }
}
