//! Inline suppressions: `mcpgate:ignore RULE-ID reason` in a comment (any comment syntax) on
//! the line of a finding, or on the line before it, silences that rule's finding there. An
//! ignore without a reason still silences, and is itself reported (rule
//! `ignore-without-reason`), so every exception in the code carries its justification.

use crate::analyze::FileContext;
use crate::finding::Finding;
use crate::rules::{Matcher, RuleSet};

const MARKER: &str = "mcpgate:ignore";
/// What starts a comment in the languages and file formats mcpgate reads (`*` continues a
/// block comment).
const COMMENT_OPENERS: [&str; 7] = ["#", "//", "/*", "*", "<!--", "--", ";"];

fn is_rule_id(id: &str) -> bool {
    id.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
}

/// One `mcpgate:ignore` comment.
struct Ignore {
    /// 1-based line of the comment.
    line: usize,
    rule_id: String,
    has_reason: bool,
    /// Byte offset of the marker, for the finding about a missing reason.
    offset: usize,
}

/// `findings` without the suppressed ones, plus a finding for each ignore without a reason.
pub fn apply(ctx: &FileContext<'_>, rules: &RuleSet, findings: Vec<Finding>) -> Vec<Finding> {
    if !ctx.text.contains(MARKER) {
        return findings;
    }
    let ignores = parse(ctx.text);
    let mut kept: Vec<Finding> = findings
        .into_iter()
        .filter(|f| {
            !ignores.iter().any(|i| {
                // An ignore that names a rule by its old id still holds after a rename.
                let names = i.rule_id == f.rule_id
                    || crate::rules::renamed(&i.rule_id) == Some(f.rule_id.as_str());
                names && (i.line == f.location.start_line || i.line + 1 == f.location.start_line)
            })
        })
        .collect();
    let meta = rules
        .rules()
        .iter()
        .find(|r| matches!(r.matcher, Matcher::IgnoreComment(_)));
    if let Some(rule) = meta {
        for ignore in ignores.iter().filter(|i| !i.has_reason) {
            let span = ctx.span_of_bytes(ignore.offset, ignore.offset + MARKER.len());
            let message = rule.message.replace("{rule}", &ignore.rule_id);
            kept.push(ctx.finding(rule, span, message));
        }
    }
    kept
}

fn parse(text: &str) -> Vec<Ignore> {
    let mut out = Vec::new();
    let mut line_start = 0usize;
    for (index, line) in text.split('\n').enumerate() {
        if let Some(at) = line.find(MARKER) {
            let rest = line.get(at + MARKER.len()..).unwrap_or("");
            // Comment closers are not part of the reason: `-->`, `*/`, `#}`.
            let rest = rest
                .trim()
                .trim_end_matches("-->")
                .trim_end_matches("*/")
                .trim_end_matches("#}")
                .trim();
            let mut words = rest.splitn(2, char::is_whitespace);
            let rule_id = words.next().unwrap_or("").to_string();
            let reason = words.next().unwrap_or("").trim();
            // Only in a comment, and only naming something shaped like a rule id: the marker
            // in a string (`MARKER = "mcpgate:ignore"`) is not an ignore.
            let before = line.get(..at).unwrap_or("");
            let in_comment = COMMENT_OPENERS.iter().any(|o| before.contains(o));
            if in_comment && is_rule_id(&rule_id) {
                out.push(Ignore {
                    line: index + 1,
                    rule_id,
                    has_reason: !reason.is_empty(),
                    offset: line_start + at,
                });
            }
        }
        line_start += line.len() + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_any_comment_syntax() {
        let text = "x = 1  # mcpgate:ignore python-eval-exec trusted config\n\
                    // mcpgate:ignore github-token test fixture */\n\
                    <!-- mcpgate:ignore jwt -->\n";
        let ignores = parse(text);
        assert_eq!(ignores.len(), 3);
        assert_eq!(
            (
                ignores[0].line,
                ignores[0].rule_id.as_str(),
                ignores[0].has_reason
            ),
            (1, "python-eval-exec", true)
        );
        assert_eq!(
            (
                ignores[1].line,
                ignores[1].rule_id.as_str(),
                ignores[1].has_reason
            ),
            (2, "github-token", true)
        );
        assert_eq!(
            (
                ignores[2].line,
                ignores[2].rule_id.as_str(),
                ignores[2].has_reason
            ),
            (3, "jwt", false)
        );
    }

    #[test]
    fn the_marker_outside_a_comment_is_not_an_ignore() {
        assert!(parse("const MARKER: &str = \"mcpgate:ignore\";\n").is_empty());
        assert!(parse("x = 'mcpgate:ignore jwt'\n").is_empty());
        assert_eq!(parse(" * mcpgate:ignore jwt fixture\n").len(), 1);
    }
}
