//! Every file analyzer, as a scan runs it: the first byte picks the file name (and so the
//! analyzers), the rest is the file. Python and TypeScript front ends with taint, secrets,
//! MCP client configs and manifests, Dockerfiles and compose files, `mcpgate:ignore`, and the
//! package-only checks.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mcpgate::{RuleSet, analyze_text};
use std::sync::LazyLock;

pub const NAMES: [&str; 16] = [
    "server.py",
    "index.ts",
    "app.js",
    "component.tsx",
    "claude_desktop_config.json",
    ".vscode/mcp.json",
    "manifest.json",
    "server.json",
    "smithery.yaml",
    "Dockerfile",
    "compose.yaml",
    ".env",
    "config.yaml",
    "srv.tgz!/package/.npmrc",
    "srv.tgz!/package/dist/index.js.map",
    ".continue/mcpServers/x.yaml",
];

static RULES: LazyLock<RuleSet> =
    LazyLock::new(|| RuleSet::builtin().unwrap_or_else(|e| panic!("built-in rules: {e}")));

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let name = NAMES[usize::from(pick) % NAMES.len()];
    let text = String::from_utf8_lossy(rest);
    let _ = analyze_text(name, &text, &RULES);
});
