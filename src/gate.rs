//! The severity gate: turns a report and a threshold into a verdict. The CLI maps verdicts to
//! exit codes (0 pass, 1 findings at or above the threshold, 2 incomplete or error).

use crate::finding::{Report, Severity};
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    /// Fail when a finding is at or above this severity.
    AtLeast(Severity),
    /// Report only: never fail because of findings or unanalyzed files.
    Never,
}

impl FromStr for FailOn {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("never") {
            return Ok(FailOn::Never);
        }
        s.parse::<Severity>().map(FailOn::AtLeast).map_err(|_| {
            format!("unknown level `{s}` (expected critical, high, medium, low, info or never)")
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    /// `count` findings are at or above the threshold.
    Fail {
        count: usize,
    },
    /// Nothing reached the threshold, but some files could not be analyzed, so a pass cannot
    /// be trusted.
    Incomplete {
        files: usize,
    },
}

impl Verdict {
    pub fn exit_code(self) -> u8 {
        match self {
            Verdict::Pass => 0,
            Verdict::Fail { .. } => 1,
            Verdict::Incomplete { .. } => 2,
        }
    }
}

pub fn verdict(report: &Report, fail_on: FailOn) -> Verdict {
    let FailOn::AtLeast(threshold) = fail_on else {
        return Verdict::Pass;
    };
    let count = report.count_at_or_above(threshold);
    if count > 0 {
        return Verdict::Fail { count };
    }
    let files = report
        .notices
        .iter()
        .filter(|n| n.level == crate::finding::NoticeLevel::Error)
        .count();
    if files > 0 {
        Verdict::Incomplete { files }
    } else {
        Verdict::Pass
    }
}
