//! Files that steer a scan: `.mcpgate.toml`, a baseline (JSON or SARIF), `mcp-tools.lock`, the
//! Actions event payload, and the two sides of a diff-mode comparison (split at the first NUL).
//! The first byte picks.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    match pick % 5 {
        0 => drop(mcpgate::Config::parse(Path::new(".mcpgate.toml"), &text)),
        1 => drop(mcpgate::baseline::Baseline::parse(
            Path::new("b.json"),
            rest,
        )),
        2 => drop(mcpgate::tools::Lock::parse(&text)),
        3 => {
            let (old, new) = text.split_once('\0').unwrap_or((&text, ""));
            let lines = new.lines().count().max(1);
            let changed = mcpgate::diff::changed_lines(old, new);
            assert!(changed.iter().all(|&l| l >= 1 && l <= lines + 1));
        }
        _ => drop(mcpgate::github::Event::parse(rest)),
    }
});
