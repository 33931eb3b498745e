//! GitHub Actions workflow commands (`::error file=..::msg`): annotations that work without
//! code scanning. The runner shows at most 10 annotations per level per step, so the most
//! severe come first and a final notice counts what was left out.

use crate::finding::{Finding, Report, Severity};
use crate::rules::RuleSet;
use std::fmt::Write;

const PER_LEVEL_LIMIT: usize = 10;

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "notice",
    }
}

/// Escaping of workflow-command data (actions/toolkit `command.ts`): a crafted file name or
/// message must not end the command early or start a new one.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One workflow command without a file: `::level title=TITLE::MESSAGE`, both escaped.
pub fn workflow_command(level: &str, title: &str, message: &str) -> String {
    format!(
        "::{level} title={}::{}",
        escape_property(title),
        escape_data(message)
    )
}

pub fn render(report: &Report, rules: &RuleSet) -> String {
    let mut ordered: Vec<&Finding> = report.findings.iter().collect();
    ordered.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.location.cmp(&b.location))
    });
    let mut out = String::new();
    let mut shown = std::collections::HashMap::new();
    let mut omitted = 0usize;
    for f in ordered {
        let cmd = command(f.severity);
        let count = shown.entry(cmd).or_insert(0usize);
        if *count >= PER_LEVEL_LIMIT {
            omitted += 1;
            continue;
        }
        *count += 1;
        let title = rules.get(&f.rule_id).map_or_else(
            || f.rule_id.clone(),
            |r| format!("{} ({})", r.title, f.rule_id),
        );
        match (f.location.archive.as_deref(), f.location.archive_entry()) {
            // Annotations inside an archive go on the archive, naming the entry and line.
            (Some(archive), Some(entry)) => {
                let _ = writeln!(
                    out,
                    "::{cmd} file={},title={}::{}",
                    escape_property(archive),
                    escape_property(&format!("mcpgate: {title}")),
                    escape_data(&format!(
                        "[{}] {entry}:{}: {}",
                        f.severity, f.location.start_line, f.message
                    )),
                );
            }
            _ => {
                let _ = writeln!(
                    out,
                    "::{cmd} file={},line={},endLine={},col={},endColumn={},title={}::{}",
                    escape_property(&f.location.path),
                    f.location.start_line,
                    f.location.end_line,
                    f.location.start_column,
                    f.location.end_column,
                    escape_property(&format!("mcpgate: {title}")),
                    escape_data(&format!("[{}] {}", f.severity, f.message)),
                );
            }
        }
    }
    if omitted > 0 {
        let _ = writeln!(
            out,
            "{}",
            workflow_command(
                "notice",
                "mcpgate",
                &format!(
                    "{omitted} more findings are not annotated (GitHub shows 10 per level); see the SARIF or text report"
                )
            )
        );
    }
    for n in &report.notices {
        if n.level == crate::finding::NoticeLevel::Error {
            let _ = writeln!(
                out,
                "::warning file={},title={}::{}",
                escape_property(&n.path),
                escape_property("mcpgate: file not analyzed"),
                escape_data(&n.reason)
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_commands_escape_title_and_message() {
        assert_eq!(
            workflow_command("warning", "a: b", "GitHub said\n::error::x 100%"),
            "::warning title=a%3A b::GitHub said%0A::error::x 100%25"
        );
    }

    #[test]
    fn properties_cannot_break_out_of_the_command() {
        assert_eq!(escape_property("a,b:c\n::x"), "a%2Cb%3Ac%0A%3A%3Ax");
        assert_eq!(escape_data("50%\r\nx"), "50%25%0D%0Ax");
    }
}
