// The build script reads this repository's own rule files: a failure is a broken checkout,
// and a panic with the reason is the right report.
#![allow(clippy::expect_used, clippy::unwrap_used)]

//! Embeds every rule file under `rules/` into the binary, so the built-in rule pack needs no
//! files at run time. The generated table is sorted, which keeps the rule order (and every
//! report that lists rules) identical across machines.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
}

fn main() {
    let root =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let rules_dir = root.join("rules");
    println!("cargo:rerun-if-changed=rules");
    let mut files = Vec::new();
    collect(&rules_dir, &mut files);
    files.sort();
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let mut out =
        fs::File::create(out_dir.join("builtin_rules.rs")).expect("create builtin_rules.rs");
    writeln!(out, "pub static BUILTIN_RULES: &[(&str, &str)] = &[").expect("write");
    for file in files {
        let rel = file.strip_prefix(&root).expect("rule under manifest dir");
        let rel = rel.to_string_lossy().replace('\\', "/");
        writeln!(
            out,
            "    ({rel:?}, include_str!({:?})),",
            file.display().to_string()
        )
        .expect("write");
    }
    writeln!(out, "];").expect("write");
}
