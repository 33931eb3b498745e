//! Every lockfile and manifest parser: the first byte picks the file name.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mcpgate::deps::lockfile::LockfileKind;

pub const NAMES: [&str; 14] = [
    "package-lock.json",
    "npm-shrinkwrap.json",
    "pnpm-lock.yaml",
    "yarn.lock",
    "package.json",
    "requirements.txt",
    "poetry.lock",
    "uv.lock",
    "Pipfile.lock",
    "pylock.toml",
    "pyproject.toml",
    "Cargo.lock",
    "go.mod",
    "Pipfile",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let name = NAMES[usize::from(pick) % NAMES.len()];
    let text = String::from_utf8_lossy(rest);
    if let Some(kind) = LockfileKind::for_path(name) {
        let _ = kind.parse(name, &text);
    }
});
