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
        let label = severity.as_str();
        let code = match severity {
            Severity::Critical => "1;35",
            Severity::High => "1;31",
            Severity::Medium => "33",
            Severity::Low => "36",
            Severity::Info => "2",
        };
        self.paint(code, label)
    }
}

/// One block per finding, its location first as `path:line:col` (what terminals and editors
/// jump to), then the source line and the rule.
pub fn render(report: &Report, rules: &RuleSet, color: bool) -> String {
    let p = Palette { color };
    let mut out = String::new();
    for f in &report.findings {
        let _ = writeln!(
            out,
            "{}: {} {} {}",
            p.paint("1", &position(&f.location)),
            p.severity(f.severity),
            p.paint("1", &f.rule_id),
            printable(&f.message),
        );
        let _ = writeln!(out, "  {} {}", p.paint("2", "│"), printable(&f.snippet));
        if let Some(source) = f.trace.first().filter(|_| f.trace.len() > 1) {
            let _ = writeln!(
                out,
                "  {} from {}: {}",
                p.paint("2", "├"),
                position(&source.location),
                printable(&source.message)
            );
        }
        let title = rules.get(&f.rule_id).map_or("", |r| r.title.as_str());
        if !title.is_empty() && f.message != title {
            let cwe: Vec<String> = f.cwe.iter().map(|c| format!("CWE-{c}")).collect();
            let _ = writeln!(
                out,
                "  {} {} · {} · confidence {}",
                p.paint("2", "╰"),
                p.paint("2", title),
                p.paint("2", &cwe.join(", ")),
                f.confidence
            );
        }
        out.push('\n');
    }
    if !report.notices.is_empty() {
        for n in &report.notices {
            let label = match n.level {
                NoticeLevel::Error => p.paint("1;31", "error"),
                NoticeLevel::Warning => p.paint("33", "warning"),
                NoticeLevel::Note => p.paint("2", "note"),
            };
            let _ = writeln!(
                out,
                "{label}[{}]: {}: {}",
                n.code,
                printable(&n.path),
                printable(&n.reason)
            );
        }
        out.push('\n');
    }
    out.push_str(&summary_line(report));
    out.push('\n');
    out
}

/// `path:line:col`, what terminals and editors jump to.
fn position(location: &crate::finding::Location) -> String {
    format!(
        "{}:{}:{}",
        printable(&location.path),
        location.start_line,
        location.start_column
    )
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
        let _ = write!(
            line,
            "; {} left the result incomplete",
            plural(errors, "error")
        );
    }
    line
}

/// `--stats`: files, bytes and time per analyzer, and the scan's wall time.
pub fn stats_table(stats: &crate::stats::ScanStats) -> String {
    let mut out = format!(
        "{:<14} {:>8} {:>12} {:>10}\n",
        "analyzer", "files", "bytes", "seconds"
    );
    for row in &stats.phases {
        // Parts of the row above them are indented.
        let name = if crate::stats::Phase::is_part(&row.name) {
            format!("  {}", row.name)
        } else {
            row.name.clone()
        };
        let _ = writeln!(
            out,
            "{:<14} {:>8} {:>12} {:>10.3}",
            name, row.files, row.bytes, row.seconds
        );
    }
    if stats.unmodeled_macros > 0 {
        let _ = writeln!(
            out,
            "{} {} read as passing their values through (macros mcpgate has no model of)",
            stats.unmodeled_macros,
            if stats.unmodeled_macros == 1 {
                "macro call"
            } else {
                "macro calls"
            }
        );
    }
    let _ = writeln!(
        out,
        "{} files, {} in {:.3} s wall on {} threads (analyzer times are summed over threads)",
        stats.files,
        crate::display::human_size(stats.bytes),
        stats.wall_seconds,
        stats.threads
    );
    out
}
