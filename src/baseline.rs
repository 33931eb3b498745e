//! Baselines: a previous report (mcpgate's JSON or SARIF) whose findings are accepted, so a
//! scan reports only what is new. Findings are matched by mcpgate's fingerprint (rule, path,
//! the line's text and its occurrence), which does not contain the line number, so code that
//! moves keeps its identity. A finding whose severity rose above the baseline's is not the
//! finding that was accepted, and is reported.

use crate::finding::{Report, Severity};
use rustc_hash::FxHashMap as HashMap;
use std::path::{Path, PathBuf};

/// A baseline larger than this is not a report mcpgate wrote.
const MAX_BASELINE_BYTES: u64 = 256 * 1024 * 1024;

/// The SARIF `partialFingerprints` key mcpgate writes its own fingerprint under.
pub const SARIF_FINGERPRINT_KEY: &str = "mcpgate/v1";

#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("baseline {path}: cannot read: {source}")]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("baseline {path}: larger than {MAX_BASELINE_BYTES} bytes")]
    TooLarge { path: PathBuf },
    #[error("baseline {path}: not JSON: {reason}")]
    NotJson { path: PathBuf, reason: String },
    #[error(
        "baseline {path}: {reason}; write one with `mcpgate baseline write` or `mcpgate scan -f json -o FILE`"
    )]
    NotAReport { path: PathBuf, reason: String },
}

/// The fingerprints of accepted findings, each with the highest severity accepted.
#[derive(Clone, Debug, Default)]
pub struct Baseline {
    fingerprints: HashMap<String, Severity>,
}

/// The severity a baseline entry accepts: its own, or for SARIF without it, the highest its
/// level stands for.
fn accepted_severity(entry: &serde_json::Value) -> Severity {
    let named = entry
        .get("severity")
        .or_else(|| entry.pointer("/properties/severity"))
        .and_then(|s| s.as_str())
        .and_then(|s| s.parse::<Severity>().ok());
    named.unwrap_or_else(|| match entry.get("level").and_then(|l| l.as_str()) {
        Some("warning") => Severity::Medium,
        Some("note" | "none") => Severity::Low,
        _ => Severity::Critical,
    })
}

impl Baseline {
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let unreadable = |source| BaselineError::Unreadable {
            path: path.to_path_buf(),
            source,
        };
        let size = std::fs::metadata(path).map_err(unreadable)?.len();
        if size > MAX_BASELINE_BYTES {
            return Err(BaselineError::TooLarge {
                path: path.to_path_buf(),
            });
        }
        let text = crate::input_file::read(path, crate::input_file::MAX_INPUT_BYTES)
            .map_err(unreadable)?;
        Baseline::parse(path, &text)
    }

    /// Reads mcpgate's JSON report (`findings[].fingerprint`) or SARIF
    /// (`runs[].results[].partialFingerprints["mcpgate/v1"]`).
    pub fn parse(path: &Path, bytes: &[u8]) -> Result<Baseline, BaselineError> {
        let not_report = |reason: &str| BaselineError::NotAReport {
            path: path.to_path_buf(),
            reason: reason.to_string(),
        };
        let value: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| BaselineError::NotJson {
                path: path.to_path_buf(),
                reason: e.to_string(),
            })?;
        let mut fingerprints: HashMap<String, Severity> = HashMap::default();
        let mut accept = |fp: &str, severity: Severity| {
            let was = fingerprints.entry(fp.to_string()).or_insert(severity);
            *was = (*was).max(severity);
        };
        if let Some(runs) = value.get("runs").and_then(|r| r.as_array()) {
            let mut results = 0usize;
            for result in runs
                .iter()
                .filter_map(|run| run.get("results").and_then(|r| r.as_array()))
                .flatten()
            {
                results += 1;
                if let Some(fp) = result
                    .pointer("/partialFingerprints")
                    .and_then(|p| p.get(SARIF_FINGERPRINT_KEY))
                    .and_then(|f| f.as_str())
                {
                    accept(fp, accepted_severity(result));
                }
            }
            if results > 0 && fingerprints.is_empty() {
                return Err(not_report(
                    "a SARIF file without mcpgate fingerprints (written by another tool?)",
                ));
            }
        } else if let Some(findings) = value.get("findings").and_then(|f| f.as_array()) {
            for finding in findings {
                match finding.get("fingerprint").and_then(|f| f.as_str()) {
                    Some(fp) => accept(fp, accepted_severity(finding)),
                    None => return Err(not_report("a finding without a `fingerprint`")),
                }
            }
        } else {
            return Err(not_report(
                "neither SARIF (`runs`) nor an mcpgate JSON report (`findings`)",
            ));
        }
        Ok(Baseline { fingerprints })
    }

    pub fn len(&self) -> usize {
        self.fingerprints.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fingerprints.is_empty()
    }

    /// Drops the findings the baseline holds at their severity or higher; returns how many.
    pub fn filter(&self, report: &mut Report) -> usize {
        let before = report.findings.len();
        report.findings.retain(|f| {
            self.fingerprints
                .get(&f.fingerprint)
                .is_none_or(|&accepted| accepted < f.severity)
        });
        before - report.findings.len()
    }
}
