//! Advisory records: OSV JSON, the PyPA YAML form, RustSec Markdown. The first byte picks.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mcpgate::deps::{osv, rustsec_db};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    match pick % 3 {
        0 => drop(osv::parse(&text, false)),
        1 => drop(osv::parse(&text, true)),
        _ => drop(rustsec_db::parse(&text)),
    }
});
