//! A Markdown summary for `$GITHUB_STEP_SUMMARY` or a PR comment: totals by severity, the
//! findings table (capped well under GitHub's 1 MiB summary limit) and the notices.

use crate::finding::{NoticeLevel, Report, Severity};
use crate::rules::RuleSet;
use std::fmt::Write;

const MAX_ROWS: usize = 200;

/// A table cell: a `|` or line break would end the cell or the table.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// A cell inside a code span: a backtick in a file name would end the span.
fn code_cell(s: &str) -> String {
    cell(s).replace('`', "'")
}

pub fn render(report: &Report, rules: &RuleSet) -> String {
    let mut out = String::from("## mcpgate\n\n");
    let _ = writeln!(out, "{}\n", super::text::summary_line(report));
    if !report.findings.is_empty() {
        out.push_str("| severity | count |\n|---|---|\n");
        for sev in Severity::ALL {
            let n = report.count_by_severity(sev);
            if n > 0 {
                let _ = writeln!(out, "| {sev} | {n} |");
            }
        }
        out.push_str("\n| severity | rule | location | message |\n|---|---|---|---|\n");
        let mut ordered: Vec<_> = report.findings.iter().collect();
        ordered.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then(a.location.cmp(&b.location))
        });
        for f in ordered.iter().take(MAX_ROWS) {
            let title = rules.get(&f.rule_id).map_or("", |r| r.title.as_str());
            let _ = writeln!(
                out,
                "| {} | `{}`<br>{} | `{}:{}` | {} |",
                f.severity,
                f.rule_id,
                cell(title),
                code_cell(&f.location.path),
                f.location.start_line,
                cell(&f.message)
            );
        }
        if ordered.len() > MAX_ROWS {
            let _ = writeln!(
                out,
                "\n{} more findings are in the SARIF and JSON reports.",
                ordered.len() - MAX_ROWS
            );
        }
    }
    let problems: Vec<_> = report
        .notices
        .iter()
        .filter(|n| n.level >= NoticeLevel::Warning)
        .collect();
    if !problems.is_empty() {
        out.push_str("\n### Files not fully analyzed\n\n");
        for n in problems.iter().take(MAX_ROWS) {
            let _ = writeln!(
                out,
                "- {} `{}`: {}",
                n.level.as_str(),
                code_cell(&n.path),
                cell(&n.reason)
            );
        }
    }
    out
}
