//! Machine output with a stable, versioned shape (documented in README.md). Fields are only
//! ever added; `schema_version` changes if one is removed or changes meaning.

use crate::finding::{Confidence, NoticeLevel, Report, Severity};
use crate::rules::RuleSet;
use serde::Serialize;
use std::collections::BTreeMap;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    tool: Tool,
    summary: Summary,
    findings: Vec<FindingOut<'a>>,
    notices: Vec<NoticeOut<'a>>,
    /// With `--stats`: files, bytes and time per analyzer.
    #[serde(skip_serializing_if = "Option::is_none")]
    stats: Option<&'a crate::stats::ScanStats>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Summary {
    files_scanned: usize,
    bytes_scanned: u64,
    findings: usize,
    by_severity: BTreeMap<&'static str, usize>,
    notices: usize,
    complete: bool,
}

#[derive(Serialize)]
struct FindingOut<'a> {
    rule_id: &'a str,
    title: &'a str,
    severity: Severity,
    confidence: Confidence,
    cwe: &'a [u32],
    message: &'a str,
    path: &'a str,
    /// For an entry of a release archive: the archive's path (`path` is `archive!/entry`).
    #[serde(skip_serializing_if = "Option::is_none")]
    archive: Option<&'a str>,
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
    snippet: &'a str,
    fingerprint: &'a str,
    /// Dependency findings: the advisory, package, version and fix.
    #[serde(skip_serializing_if = "Option::is_none")]
    advisory: Option<&'a crate::finding::AdvisoryRef>,
    /// Taint findings: the source, then the sink.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    trace: &'a [crate::finding::TraceStep],
}

#[derive(Serialize)]
struct NoticeOut<'a> {
    path: &'a str,
    level: NoticeLevel,
    /// A stable code for the kind of notice (`skip.size`, `audit.not-run`).
    code: crate::finding::NoticeCode,
    reason: &'a str,
}

pub fn render(report: &Report, rules: &RuleSet) -> String {
    let by_severity = Severity::ALL
        .iter()
        .map(|s| (s.as_str(), report.count_by_severity(*s)))
        .collect();
    let doc = Document {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "mcpgate",
            version: env!("CARGO_PKG_VERSION"),
        },
        summary: Summary {
            files_scanned: report.files_scanned,
            bytes_scanned: report.bytes_scanned,
            findings: report.findings.len(),
            by_severity,
            notices: report.notices.len(),
            complete: !report.has_errors(),
        },
        findings: report
            .findings
            .iter()
            .map(|f| FindingOut {
                rule_id: &f.rule_id,
                title: rules.get(&f.rule_id).map_or("", |r| r.title.as_str()),
                severity: f.severity,
                confidence: f.confidence,
                cwe: &f.cwe,
                message: &f.message,
                path: &f.location.path,
                archive: f.location.archive.as_deref(),
                start_line: f.location.start_line,
                start_column: f.location.start_column,
                end_line: f.location.end_line,
                end_column: f.location.end_column,
                snippet: &f.snippet,
                fingerprint: &f.fingerprint,
                advisory: f.advisory.as_deref(),
                trace: &f.trace,
            })
            .collect(),
        notices: report
            .notices
            .iter()
            .map(|n| NoticeOut {
                path: &n.path,
                level: n.level,
                code: n.code,
                reason: &n.reason,
            })
            .collect(),
        stats: report.stats.as_ref(),
    };
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_else(|e| {
        // Serializing plain structs of strings and numbers cannot fail; say so if it ever does.
        format!("{{\"error\": \"cannot serialize report: {e}\"}}")
    });
    out.push('\n');
    out
}
