//! Inline suppressions: `mcpgate:ignore RULE-ID reason` in a comment (any comment syntax) on
//! the line of a finding, or on the line before it, silences that rule's finding there.
//!
//! Every exception must stay honest, like cargo-deny's unused-ignore: an ignore without a
//! reason (`ignore-without-reason`), one that is malformed or names no known rule
//! (`ignore-invalid`), and one that silences nothing (`ignore-unused`) are findings of their
//! own. An unused ignore is only known once every finding of its file is in, including those
//! the cross-file pass adds later, so the scan settles those at the end (`Suppressions`).

use crate::analyze::FileContext;
use crate::finding::Finding;
use crate::rules::{IgnoreCheck, RuleSet};

const MARKER: &str = "mcpgate:ignore";
/// What starts a comment in the languages and file formats mcpgate reads (`*` continues a
/// block comment).
const COMMENT_OPENERS: [&str; 11] = [
    "#", "//", "///", "//!", "/*", "/**", "*", "<!--", "--", ";", "{#",
];

fn is_rule_id(id: &str) -> bool {
    id.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
}

/// One `mcpgate:ignore` comment.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Ignore {
    /// 1-based line of the comment.
    pub line: usize,
    /// What follows the marker; not a rule id when `malformed`.
    pub rule_id: String,
    pub has_reason: bool,
    /// The marker is in a comment but no rule id follows it.
    pub malformed: bool,
    /// Byte offset of the marker, for the findings about the ignore itself.
    offset: usize,
}

impl Ignore {
    /// Whether this ignore silences `finding`.
    pub fn covers(&self, finding: &Finding) -> bool {
        // An ignore that names a rule by its old id still holds after a rename.
        let names = self.rule_id == finding.rule_id
            || crate::rules::renamed(&self.rule_id) == Some(finding.rule_id.as_str());
        !self.malformed
            && names
            && (self.line == finding.location.start_line
                || self.line + 1 == finding.location.start_line)
    }
}

/// What suppression did to one file's findings.
#[derive(Debug, Default)]
pub struct Suppressed {
    /// The findings to report, with the findings about faulty ignores.
    pub kept: Vec<Finding>,
    /// The file's ignores, to apply to findings that arrive later (cross-file).
    pub ignores: Vec<Ignore>,
    /// `ignore-unused` findings, by the index of their ignore in `ignores`: reported unless a
    /// later finding turns out to use the ignore.
    pub unused: Vec<(usize, Finding)>,
}

/// Applies the file's ignores to `findings` and reports the faulty ones.
pub fn apply(ctx: &FileContext<'_>, rules: &RuleSet, findings: Vec<Finding>) -> Suppressed {
    if !ctx.text.contains(MARKER) {
        return Suppressed {
            kept: findings,
            ..Suppressed::default()
        };
    }
    let ignores = parse(ctx.text);
    let mut used = vec![false; ignores.len()];
    let mut kept: Vec<Finding> = findings
        .into_iter()
        .filter(|f| {
            let mut silenced = false;
            for (i, ignore) in ignores.iter().enumerate() {
                if ignore.covers(f) {
                    silenced = true;
                    if let Some(u) = used.get_mut(i) {
                        *u = true;
                    }
                }
            }
            !silenced
        })
        .collect();
    // Documentation shows the syntax more often than it uses it.
    let checks_use = !is_documentation(ctx.rel_path);
    let mut unused = Vec::new();
    for (i, ignore) in ignores.iter().enumerate() {
        let span = ctx.span_of_bytes(ignore.offset, ignore.offset + MARKER.len());
        let report = |check: IgnoreCheck| {
            rules.ignore_rule(check).map(|rule| {
                let message = rule.message.replace("{rule}", &ignore.rule_id);
                ctx.finding(rule, span, message)
            })
        };
        let known = !ignore.malformed && rules.knows(&ignore.rule_id);
        if !known {
            if checks_use {
                kept.extend(report(IgnoreCheck::Invalid));
            }
            continue;
        }
        if !ignore.has_reason {
            kept.extend(report(IgnoreCheck::WithoutReason));
        }
        // A rule turned off silences nothing, by the user's choice.
        let enabled = rules.get(&ignore.rule_id).is_some()
            || crate::rules::renamed(&ignore.rule_id).is_some_and(|n| rules.get(n).is_some());
        if checks_use && enabled && !used.get(i).copied().unwrap_or(true) {
            unused.extend(report(IgnoreCheck::Unused).map(|f| (i, f)));
        }
    }
    Suppressed {
        kept,
        ignores,
        unused,
    }
}

impl Suppressed {
    /// Fills in the fingerprints of the pending `ignore-unused` findings, as the file's
    /// other findings get theirs.
    pub fn fingerprint_unused(&mut self, ctx: &FileContext<'_>) {
        self.unused
            .sort_by(|a, b| a.1.location.cmp(&b.1.location).then(a.0.cmp(&b.0)));
        let mut findings: Vec<Finding> = self.unused.iter().map(|(_, f)| f.clone()).collect();
        ctx.fingerprint_in_order(&mut findings);
        for ((_, slot), f) in self.unused.iter_mut().zip(findings) {
            *slot = f;
        }
    }
}

/// Whether one of a file's `ignores` silences `finding`, which arrived after the file was
/// analyzed (the cross-file pass); an ignore it uses is no longer unused.
pub fn settle(ignores: &[Ignore], unused: &mut Vec<(usize, Finding)>, finding: &Finding) -> bool {
    let mut silenced = false;
    for (i, ignore) in ignores.iter().enumerate() {
        if ignore.covers(finding) {
            silenced = true;
            unused.retain(|(index, _)| *index != i);
        }
    }
    silenced
}

fn is_documentation(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [".md", ".markdown", ".rst", ".txt", ".adoc"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

/// The ignores of a text. The marker counts only where a comment starts right before it
/// (`# mcpgate:ignore`, `x = 1  // mcpgate:ignore`), so prose that mentions the syntax and
/// strings that hold it are not ignores.
fn parse(text: &str) -> Vec<Ignore> {
    let mut out = Vec::new();
    let mut line_start = 0usize;
    for (index, line) in text.split('\n').enumerate() {
        if let Some(at) = line.find(MARKER) {
            let rest = line.get(at + MARKER.len()..).unwrap_or("");
            // Comment closers are not part of the reason: `-->`, `*/`, `#}`.
            let rest = rest
                .trim_end()
                .trim_end_matches("-->")
                .trim_end_matches("*/")
                .trim_end_matches("#}")
                .trim_end();
            let separated = rest.is_empty() || rest.starts_with(char::is_whitespace);
            let mut words = rest.trim_start().splitn(2, char::is_whitespace);
            let rule_id = words.next().unwrap_or("").to_string();
            let reason = words.next().unwrap_or("").trim();
            let before = line.get(..at).unwrap_or("").trim_end();
            if opens_comment(before) {
                out.push(Ignore {
                    line: index + 1,
                    malformed: !separated || !is_rule_id(&rule_id),
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

/// `before` (the line up to the marker) ends with a comment opener that starts the line or
/// follows white space: `# `, `x = 1  # `, ` * `, `//! `, but not `` `# `` in prose.
fn opens_comment(before: &str) -> bool {
    let before = before.trim_end();
    COMMENT_OPENERS.iter().any(|opener| {
        before
            .strip_suffix(opener)
            .is_some_and(|head| head.is_empty() || head.ends_with(char::is_whitespace))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(text: &str) -> Vec<(usize, String, bool, bool)> {
        parse(text)
            .into_iter()
            .map(|i| (i.line, i.rule_id, i.has_reason, i.malformed))
            .collect()
    }

    #[test]
    fn parses_any_comment_syntax() {
        let text = "x = 1  # mcpgate:ignore python-eval-exec trusted config\n\
                    // mcpgate:ignore github-token test fixture */\n\
                    <!-- mcpgate:ignore jwt -->\n";
        assert_eq!(
            summary(text),
            [
                (1, "python-eval-exec".into(), true, false),
                (2, "github-token".into(), true, false),
                (3, "jwt".into(), false, false),
            ]
        );
    }

    #[test]
    fn the_marker_outside_a_comment_is_not_an_ignore() {
        assert!(parse("const MARKER: &str = \"mcpgate:ignore\";\n").is_empty());
        assert!(parse("x = 'mcpgate:ignore jwt'\n").is_empty());
        assert!(parse("the syntax is `# mcpgate:ignore RULE reason`\n").is_empty());
        assert!(
            parse("//! Suppressions: `mcpgate:ignore RULE-ID reason` in a comment\n").is_empty()
        );
        assert_eq!(parse(" * mcpgate:ignore jwt fixture\n").len(), 1);
        assert_eq!(parse("//! mcpgate:ignore jwt fixture\n").len(), 1);
    }

    #[test]
    fn a_marker_without_a_rule_id_is_malformed() {
        assert_eq!(
            summary("# mcpgate:ignore\n"),
            [(1, String::new(), false, true)]
        );
        assert_eq!(
            summary("# mcpgate:ignore: python-eval-exec why\n"),
            [(1, ":".into(), true, true)]
        );
        assert_eq!(
            summary("# mcpgate:ignore=python-eval-exec\n"),
            [(1, "=python-eval-exec".into(), false, true)]
        );
    }
}
