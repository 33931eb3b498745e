//! Where a scan's time goes (`--stats`): files, bytes and time per analyzer, summed over the
//! worker threads, beside the scan's wall time. Measured always (a clock read per analyzer
//! per file costs nanoseconds), reported only when asked, since times make output differ
//! from run to run.

use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

/// The parts of a scan that are timed, in the order they are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Walk,
    Read,
    /// Results taken from `--cache` instead of computed (a file's second-pass result counts
    /// again): reading, hashing and loading them.
    Cached,
    Python,
    TypeScript,
    Rust,
    /// Parts of the language phases above: the tree-sitter parse, and lowering to the IR.
    Parse,
    Lower,
    Secrets,
    Package,
    McpConfig,
    Docker,
    Dependencies,
    Suppressions,
    CrossFile,
    History,
}

impl Phase {
    pub const ALL: [Phase; 16] = [
        Phase::Walk,
        Phase::Read,
        Phase::Cached,
        Phase::Python,
        Phase::TypeScript,
        Phase::Rust,
        Phase::Parse,
        Phase::Lower,
        Phase::Secrets,
        Phase::Package,
        Phase::McpConfig,
        Phase::Docker,
        Phase::Dependencies,
        Phase::Suppressions,
        Phase::CrossFile,
        Phase::History,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Phase::Walk => "walk",
            Phase::Read => "read",
            Phase::Cached => "cached",
            Phase::Python => "python",
            Phase::TypeScript => "typescript",
            Phase::Rust => "rust",
            Phase::Parse => "parse",
            Phase::Lower => "lower",
            Phase::Secrets => "secrets",
            Phase::Package => "package",
            Phase::McpConfig => "mcp-config",
            Phase::Docker => "docker",
            Phase::Dependencies => "dependencies",
            Phase::Suppressions => "suppressions",
            Phase::CrossFile => "cross-file",
            Phase::History => "history",
        }
    }

    /// Whether the phase's time is part of another row's (the language phases').
    pub fn is_part(name: &str) -> bool {
        [Phase::Parse, Phase::Lower]
            .iter()
            .any(|p| p.name() == name)
    }

    fn index(self) -> usize {
        Phase::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }
}

/// Time, files and bytes per phase, for one file or added up over many.
#[derive(Clone, Debug, Default)]
pub struct Timings {
    time: [Duration; Phase::ALL.len()],
    files: [u64; Phase::ALL.len()],
    bytes: [u64; Phase::ALL.len()],
    /// Macro calls lowered without a model of the macro (Rust), as passing their values.
    pub unmodeled_macros: u64,
}

impl Timings {
    /// Counts one file of `bytes` in `phase`, from `start` to now.
    pub fn record(&mut self, phase: Phase, start: Instant, bytes: u64) {
        self.record_files(phase, start, 1, bytes);
    }

    /// Counts `files` files of `bytes` in all in `phase`, since `start`.
    pub fn record_files(&mut self, phase: Phase, start: Instant, files: u64, bytes: u64) {
        let i = phase.index();
        if let (Some(t), Some(f), Some(b)) = (
            self.time.get_mut(i),
            self.files.get_mut(i),
            self.bytes.get_mut(i),
        ) {
            *t += start.elapsed();
            *f += files;
            *b += bytes;
        }
    }

    /// The time of `other` only: the same files analyzed again (a second pass) are counted once.
    /// Counts one file of `bytes` in `phase`, for `spent`.
    pub fn record_spent(&mut self, phase: Phase, spent: Duration, bytes: u64) {
        let i = phase.index();
        if let (Some(t), Some(f), Some(b)) = (
            self.time.get_mut(i),
            self.files.get_mut(i),
            self.bytes.get_mut(i),
        ) {
            *t += spent;
            *f += 1;
            *b += bytes;
        }
    }

    /// Adds `other`'s times only (a second analysis of a file already counted), but its
    /// results from the cache count as files too: each is a result not recomputed.
    pub fn add_time(&mut self, other: &Timings) {
        for (t, o) in self.time.iter_mut().zip(other.time.iter()) {
            *t += *o;
        }
        let cached = Phase::Cached.index();
        if let (Some(f), Some(o)) = (self.files.get_mut(cached), other.files.get(cached)) {
            *f += *o;
        }
    }

    pub fn add(&mut self, other: &Timings) {
        self.unmodeled_macros += other.unmodeled_macros;
        for i in 0..Phase::ALL.len() {
            if let (Some(t), Some(f), Some(b)) = (
                self.time.get_mut(i),
                self.files.get_mut(i),
                self.bytes.get_mut(i),
            ) {
                *t += other.time.get(i).copied().unwrap_or_default();
                *f += other.files.get(i).copied().unwrap_or_default();
                *b += other.bytes.get(i).copied().unwrap_or_default();
            }
        }
    }

    /// The phases that ran, in display order.
    pub fn phases(&self) -> Vec<PhaseStats> {
        Phase::ALL
            .iter()
            .enumerate()
            .filter(|(i, _)| self.files.get(*i).is_some_and(|f| *f > 0))
            .map(|(i, p)| PhaseStats {
                name: p.name().to_string(),
                files: self.files.get(i).copied().unwrap_or_default(),
                bytes: self.bytes.get(i).copied().unwrap_or_default(),
                seconds: self.time.get(i).map_or(0.0, Duration::as_secs_f64),
            })
            .collect()
    }
}

/// One row of `--stats`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PhaseStats {
    pub name: String,
    pub files: u64,
    pub bytes: u64,
    /// Summed over the worker threads, so the rows can add up to more than the wall time.
    pub seconds: f64,
}

/// What `--stats` shows, and `-f json` carries as `stats`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ScanStats {
    pub files: usize,
    pub bytes: u64,
    pub threads: usize,
    pub wall_seconds: f64,
    pub phases: Vec<PhaseStats>,
    /// Calls of macros mcpgate has no model of, read as passing their values through (Rust):
    /// how much of the code was analyzed by approximation.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unmodeled_macros: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_add_up_and_only_those_that_ran_are_shown() {
        let mut a = Timings::default();
        a.record(Phase::Python, Instant::now(), 100);
        let mut b = Timings::default();
        b.record(Phase::Python, Instant::now(), 50);
        b.record(Phase::Secrets, Instant::now(), 50);
        a.add(&b);
        let rows = a.phases();
        let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["python", "secrets"]);
        assert_eq!((rows[0].files, rows[0].bytes), (2, 150));
        assert_eq!((rows[1].files, rows[1].bytes), (1, 50));
    }
}
