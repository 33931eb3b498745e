//! Files that steer a scan: `.mcpgate.toml`, a baseline (JSON or SARIF), `mcp-tools.lock`, and
//! the Actions event payload. The first byte picks.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    match pick % 4 {
        0 => drop(mcpgate::Config::parse(Path::new(".mcpgate.toml"), &text)),
        1 => drop(mcpgate::baseline::Baseline::parse(
            Path::new("b.json"),
            rest,
        )),
        2 => drop(mcpgate::tools::Lock::parse(&text)),
        _ => drop(mcpgate::github::Event::parse(rest)),
    }
});
