//! Release archives read in memory: tar.gz, tar and zip. The first byte picks the format.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mcpgate::archive::{ArchiveKind, Limits, entries_from_bytes};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let kind = match pick % 3 {
        0 => ArchiveKind::TarGz,
        1 => ArchiveKind::Tar,
        _ => ArchiveKind::Zip,
    };
    // Small caps so that a bomb costs the fuzzer milliseconds, not seconds.
    let limits = Limits {
        max_entries: 1_000,
        max_kept_bytes: 4 << 20,
        max_stream_bytes: 16 << 20,
        max_entry_bytes: 1 << 20,
        max_ratio: 1_000,
    };
    let _ = entries_from_bytes(rest, "fuzz.tgz", kind, &limits);
});
