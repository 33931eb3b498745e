//! A Markdown summary for `$GITHUB_STEP_SUMMARY` or a PR comment: totals by severity, the
//! findings table, the rules triggered, the advisory database's age and the notices. GitHub
//! rejects a step summary over 1 MiB, so the output stops adding rows well before that.

use crate::finding::{NoticeLevel, Report, Severity};
use crate::rules::RuleSet;
use std::fmt::Write;

const MAX_ROWS: usize = 200;
/// GitHub's step summary limit is 1 MiB; rows stop at this size, leaving room for the rest.
const MAX_BYTES: usize = 900 * 1024;

/// A table cell of text from the repository (messages, rule titles, notices): shown as the
/// characters it is. A `|` or line break would end the cell or the table, markdown would
/// become links, images or emphasis, HTML could open a comment that hides the rest of the
/// summary, and `@name` would notify people when the summary is posted as a comment.
///
/// mcpgate's messages quote code in backticks: when they pair up simply, those stay code spans
/// (inside one nothing is markdown or HTML); otherwise every backtick is escaped too.
fn cell(s: &str) -> String {
    let parts: Vec<&str> = s.split('`').collect();
    let spans_pair = parts.len() % 2 == 1
        && parts
            .iter()
            .enumerate()
            .all(|(i, p)| i % 2 == 0 || !p.is_empty());
    if !spans_pair {
        return escape_text(s);
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            if i % 2 == 1 {
                code_cell(p)
            } else {
                escape_text(p)
            }
        })
        .collect::<Vec<_>>()
        .join("`")
}

/// Text outside code spans: every character markdown or HTML could act on is escaped.
fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '@' => out.push_str("&#64;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '#' | '!' | '~' | '|' | '{' | '}'
            | '$' => {
                out.push('\\');
                out.push(c);
            }
            c if crate::display::is_hidden_char(c) || c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Text inside a code span: no markdown or HTML works there, but a backtick would end the
/// span, a `|` the cell and a line break the table.
fn code_cell(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '`' => "'".to_string(),
            '|' => "\\|".to_string(),
            '\n' | '\r' | '\t' => " ".to_string(),
            c if crate::display::is_hidden_char(c) || c.is_control() => "\u{FFFD}".to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// A link target for a report path: `%`-encoded so a crafted name cannot end the link.
fn url_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

pub fn render(report: &Report, rules: &RuleSet, link_base: Option<&str>) -> String {
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
        let mut shown = 0usize;
        for f in &ordered {
            if shown >= MAX_ROWS || out.len() > MAX_BYTES {
                break;
            }
            let title = rules.get(&f.rule_id).map_or("", |r| r.title.as_str());
            let place = format!(
                "`{}:{}`",
                code_cell(&f.location.path),
                f.location.start_line
            );
            let place = match link_base.filter(|_| f.location.archive.is_none()) {
                Some(base) => format!(
                    "[{place}]({base}{}#L{})",
                    url_path(&f.location.path),
                    f.location.start_line
                ),
                None => place,
            };
            let _ = writeln!(
                out,
                "| {} | `{}`<br>{} | {place} | {} |",
                f.severity,
                f.rule_id,
                cell(title),
                cell(&f.message)
            );
            shown += 1;
        }
        if ordered.len() > shown {
            let _ = writeln!(
                out,
                "\n{} more findings are in the SARIF and JSON reports.",
                ordered.len() - shown
            );
        }
        let mut triggered: Vec<(&str, usize)> = Vec::new();
        for f in &report.findings {
            match triggered.iter_mut().find(|(id, _)| *id == f.rule_id) {
                Some((_, n)) => *n += 1,
                None => triggered.push((&f.rule_id, 1)),
            }
        }
        triggered.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        out.push_str("\n### Rules triggered\n\n| rule | title | findings |\n|---|---|---|\n");
        for (id, n) in triggered.iter().take(MAX_ROWS) {
            let title = rules.get(id).map_or("", |r| r.title.as_str());
            let _ = writeln!(out, "| `{id}` | {} | {n} |", cell(title));
        }
    }
    if let Some(db) = &report.advisory_db {
        let age = match (&db.built, db.age_days) {
            (Some(built), Some(days)) => format!("a store built {built}, {days} days old"),
            _ => "a directory of records of unknown age".to_string(),
        };
        let _ = writeln!(
            out,
            "\nDependencies checked against {} advisories from {age}.",
            db.advisories
        );
    }
    let problems: Vec<_> = report
        .notices
        .iter()
        .filter(|n| n.level >= NoticeLevel::Warning)
        .collect();
    if !problems.is_empty() {
        out.push_str("\n### Notices\n\n");
        for n in problems.iter().take(MAX_ROWS) {
            if out.len() > MAX_BYTES {
                break;
            }
            let _ = writeln!(
                out,
                "- {} ({}) `{}`: {}",
                n.level.as_str(),
                n.code,
                code_cell(&n.path),
                cell(&n.reason)
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Confidence, Finding, Location};

    fn finding(message: &str, path: &str, line: usize) -> Finding {
        Finding {
            rule_id: "python-eval-exec".into(),
            severity: Severity::High,
            confidence: Confidence::High,
            cwe: vec![95],
            message: message.into(),
            location: Location {
                path: path.into(),
                start_line: line,
                start_column: 1,
                end_line: line,
                end_column: 2,
                archive: None,
            },
            snippet: String::new(),
            fingerprint: String::new(),
            line_hash: String::new(),
            advisory: None,
            trace: Vec::new(),
        }
    }

    #[test]
    fn stays_under_the_step_summary_limit_and_escapes_links() {
        let long = "x".repeat(4000);
        let finding = |i: usize| finding(&long, &format!("dir/file {i}).py"), 3);
        let report = Report {
            findings: (0..5000).map(finding).collect(),
            ..Report::default()
        };
        let rules = RuleSet::builtin().expect("rules");
        let out = render(&report, &rules, Some("https://github.com/o/r/blob/abc/"));
        assert!(out.len() < 1024 * 1024, "{} bytes", out.len());
        assert!(out.contains("more findings are in the SARIF and JSON reports"));
        assert!(out.contains("(https://github.com/o/r/blob/abc/dir/file%200%29.py#L3)"));
    }

    #[test]
    fn text_from_the_repository_cannot_become_markdown_html_or_mentions() {
        let report = Report {
            findings: vec![finding(
                "tool `x` <!-- [click](javascript:alert(1)) @octo/admins **b** |\n",
                "a`b|c\u{1b}.py",
                1,
            )],
            ..Report::default()
        };
        let rules = RuleSet::builtin().expect("rules");
        let out = render(&report, &rules, None);
        // A lone backtick cannot open a span that swallows the rest.
        assert_eq!(cell("a `b` c`d <x>"), "a \\`b\\` c\\`d &lt;x&gt;");
        assert_eq!(cell("`a|b`"), "`a\\|b`");
        assert!(
            out.contains(
                "| `a'b\\|c\u{FFFD}.py:1` | tool `x` &lt;\\!-- \\[click\\]\\(javascript:alert\\(1\\)\\) &#64;octo/admins \\*\\*b\\*\\* \\|  |"
            ),
            "{out}"
        );
    }
}
