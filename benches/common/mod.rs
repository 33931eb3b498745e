//! What both benchmarks need: the same deterministic generator and the peak-memory reading.
#![allow(clippy::expect_used, clippy::unwrap_used)] // test code: a panic is a failed test

/// A small deterministic generator, so every run scans the same bytes.
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

/// The process's peak resident memory (Linux `VmHWM`), if the system says.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}
