//! Human output: findings grouped by file with the offending line, then notices and totals.

use super::printable;
use crate::finding::{NoticeLevel, Report, Severity};
use crate::rules::RuleSet;
use std::fmt::Write;

struct Palette {
    color: bool,
}

impl Palette {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    fn severity(&self, severity: Severity) -> String {
        let label = format!("{:<8}", severity.as_str());
        let code = match severity {
            Severity::Critical => "1;35",
            Severity::High => "1;31",
            Severity::Medium => "33",
            Severity::Low => "36",
            Severity::Info => "2",
        };
        self.paint(code, &label)
    }
}

pub fn render(report: &Report, rules: &RuleSet, color: bool) -> String {
    let p = Palette { color };
    let mut out = String::new();
    let mut current: Option<&str> = None;
    for f in &report.findings {
        if current != Some(f.location.path.as_str()) {
            if current.is_some() {
                out.push('\n');
            }
            let _ = writeln!(out, "{}", p.paint("1;4", &printable(&f.location.path)));
            current = Some(&f.location.path);
        }
        let position = format!("{}:{}", f.location.start_line, f.location.start_column);
        let title = rules.get(&f.rule_id).map_or("", |r| r.title.as_str());
        let _ = writeln!(
            out,
            "  {:>8}  {} {}  {}",
            p.paint("2", &position),
            p.severity(f.severity),
            p.paint("1", &f.rule_id),
            printable(&f.message),
        );
        let _ = writeln!(
            out,
            "            {} {}",
            p.paint("2", "│"),
            printable(&f.snippet)
        );
        if !title.is_empty() && f.message != title {
            let cwe: Vec<String> = f.cwe.iter().map(|c| format!("CWE-{c}")).collect();
            let _ = writeln!(
                out,
                "            {} {} · {} · confidence {}",
                p.paint("2", "╰"),
                p.paint("2", title),
                p.paint("2", &cwe.join(", ")),
                f.confidence
            );
        }
    }
    if !report.notices.is_empty() {
        if !report.findings.is_empty() {
            out.push('\n');
        }
        for n in &report.notices {
            let label = match n.level {
                NoticeLevel::Error => p.paint("1;31", "error"),
                NoticeLevel::Warning => p.paint("33", "warning"),
                NoticeLevel::Note => p.paint("2", "note"),
            };
            let _ = writeln!(
                out,
                "{label}: {}: {}",
                printable(&n.path),
                printable(&n.reason)
            );
        }
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(&summary_line(report));
    out.push('\n');
    out
}

/// `3 findings (1 critical, 2 high) in 2 files; 14 files scanned`
pub fn summary_line(report: &Report) -> String {
    let total = report.findings.len();
    let mut parts = Vec::new();
    for sev in Severity::ALL {
        let n = report.count_by_severity(sev);
        if n > 0 {
            parts.push(format!("{n} {sev}"));
        }
    }
    let mut files: Vec<&str> = report
        .findings
        .iter()
        .map(|f| f.location.path.as_str())
        .collect();
    files.dedup();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut line = if total == 0 {
        "no findings".to_string()
    } else {
        format!(
            "{} ({}) in {}",
            plural(total, "finding"),
            parts.join(", "),
            plural(files.len(), "file")
        )
    };
    let _ = write!(line, "; {} scanned", plural(report.files_scanned, "file"));
    let errors = report
        .notices
        .iter()
        .filter(|n| n.level == NoticeLevel::Error)
        .count();
    if errors > 0 {
        let _ = write!(line, "; {} could not be analyzed", plural(errors, "file"));
    }
    line
}
