//! The last redaction before a string leaves the process: credentials in the shapes they take
//! in messages, notices and errors, whatever produced them and whether or not a secret rule
//! knows the value: passwords in URLs (`https://user:token@host`), `Authorization` headers,
//! credential flags (`--token=...`, `--api-key ...`) and credential assignments
//! (`GITHUB_TOKEN=...`, `?access_token=...`).
//!
//! Values are shown as the secret rules show them (`ghp_…`). Placeholders (`${TOKEN}`,
//! `$TOKEN`, `<token>`, `%TOKEN%`) and values already redacted are left alone, so scrubbing
//! twice changes nothing.

use crate::display::redact;
use crate::finding::{Finding, Notice, Report};
use regex::{Captures, Regex};
use std::borrow::Cow;
use std::sync::LazyLock;

/// Each pattern's last capture group is the value to hide. Patterns keyed by a name
/// (`strict`) also meet code (`token=get_token()`), so their values must look like
/// credentials: eight characters or more, a digit, no brackets.
static PATTERNS: LazyLock<Vec<(Regex, bool)>> = LazyLock::new(|| {
    [
        // scheme://user:password@host, and scheme://token@host
        (r"(?i)\b[a-z][a-z0-9+.-]*://(?:[^\s/:@]*:)?([^\s/@]{6,})@", false),
        // Authorization: Bearer x / "authorization": "token x" / x-api-key: x
        (
            r#"(?i)\b(?:proxy-)?(?:authorization|x-api-key|api-key|x-auth-token)["']?\s*[:=]\s*["']?(?:(?:bearer|basic|token|bot)\s+)?([^\s"',;]{6,})"#,
            false,
        ),
        // --token=x, --api-key x, -password x, and `"--api-key", "x"` in a JSON list
        (
            r#"(?i)(?:^|[\s"'\[,])--?[a-z0-9_-]*(?:token|password|passwd|secret|api[_-]?key|access[_-]?key|credential)[a-z0-9_-]*(?:=|\s+|["']\s*,\s*["'])([^\s"',;`]+)"#,
            true,
        ),
        // GITHUB_TOKEN=x, access_token=x (env assignments, query strings)
        (
            r#"(?i)\b[a-z0-9_]*(?:token|password|passwd|secret|api_?key|access_?key)[a-z0-9_]*=([^\s&"',;`]+)"#,
            true,
        ),
    ]
    .iter()
    .filter_map(|(p, strict)| Regex::new(p).ok().map(|r| (r, *strict)))
    .collect()
});

/// A value keyed by a credential name that looks like one, not like code or a word.
fn credential_like(value: &str) -> bool {
    value.chars().count() >= 8
        && value.chars().any(|c| c.is_ascii_digit())
        && !value.contains(['(', ')', '[', ']', '{', '}'])
}

/// Words that start every pattern's match, for a quick no.
const HINTS: [&str; 9] = [
    "://",
    "auth",
    "api-key",
    "token",
    "pass",
    "secret",
    "key",
    "credential",
    "bearer",
];

/// The hints, searched without lowercasing a copy: most strings hold none, and every string
/// that leaves the process (and every string the results cache keeps) is asked.
static HINT_SEARCH: LazyLock<Option<aho_corasick::AhoCorasick>> = LazyLock::new(|| {
    aho_corasick::AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .build(HINTS)
        .ok()
});

fn placeholder(value: &str) -> bool {
    value.contains('…')
        || value.starts_with('$')
        || value.starts_with('<')
        || value.starts_with('%')
        || value.starts_with("{{")
        || value.chars().all(|c| c == '*' || c == 'x' || c == 'X')
}

/// `text` with every credential-shaped value redacted.
pub fn scrub(text: &str) -> Cow<'_, str> {
    let hinted = match HINT_SEARCH.as_ref() {
        Some(search) => search.is_match(text),
        None => {
            let lower = text.to_ascii_lowercase();
            HINTS.iter().any(|h| lower.contains(h))
        }
    };
    if !hinted {
        return Cow::Borrowed(text);
    }
    let mut out = Cow::Borrowed(text);
    for (pattern, strict) in PATTERNS.iter() {
        if !pattern.is_match(&out) {
            continue;
        }
        let replaced = pattern.replace_all(&out, |caps: &Captures<'_>| {
            let whole = caps.get(0).map_or("", |m| m.as_str());
            let Some(value) = caps.iter().flatten().last().filter(|m| m.as_str() != whole) else {
                return whole.to_string();
            };
            if placeholder(value.as_str()) || (*strict && !credential_like(value.as_str())) {
                return whole.to_string();
            }
            let start = caps.get(0).map_or(0, |m| m.start());
            let (head, tail) = (
                whole.get(..value.start() - start).unwrap_or(""),
                whole.get(value.end() - start..).unwrap_or(""),
            );
            format!("{head}{}{tail}", redact(value.as_str()))
        });
        out = Cow::Owned(replaced.into_owned());
    }
    out
}

/// Scrubs a string in place.
pub fn scrub_in_place(text: &mut String) {
    if let Cow::Owned(clean) = scrub(text) {
        *text = clean;
    }
}

/// Every string of a report that is shown: messages, snippets, trace steps, notices.
pub fn report(report: &mut Report) {
    findings_and_notices(&mut report.findings, &mut report.notices);
}

/// `report` for findings and notices held outside a report (one file's outcome).
pub fn findings_and_notices(findings: &mut [Finding], notices: &mut [Notice]) {
    for f in findings.iter_mut() {
        scrub_in_place(&mut f.message);
        scrub_in_place(&mut f.snippet);
        for step in &mut f.trace {
            scrub_in_place(&mut step.message);
        }
        // A reach step quotes the call as written, which may hold a literal credential.
        let reached = f.advisory.as_mut().and_then(|a| a.reach.as_mut());
        for step in reached.into_iter().flat_map(|r| r.evidence.iter_mut()) {
            scrub_in_place(&mut step.message);
        }
    }
    for n in notices.iter_mut() {
        scrub_in_place(&mut n.reason);
        scrub_in_place(&mut n.path);
    }
}

#[cfg(test)]
mod tests {
    use super::scrub;

    #[test]
    fn reach_evidence_of_a_dependency_finding_is_scrubbed() {
        let location = r#"{"path": "a.py", "start_line": 1, "start_column": 1, "end_line": 1, "end_column": 2}"#;
        let json = format!(
            r#"{{"rule_id": "dep-vulnerable", "severity": "high", "confidence": "high", "cwe": [1395],
            "message": "m", "location": {location}, "snippet": "", "fingerprint": "f", "line_hash": "h",
            "advisory": {{"id": "X", "summary": "s", "ecosystem": "PyPI", "package": "p", "version": "1",
            "reach": {{"status": "called", "advisory_severity": "high",
            "evidence": [{{"location": {location}, "message": "calls `connect` with \"https://bob:hunter2hunter2@db.example.com\""}}]}}}}}}"#
        );
        let mut finding: crate::finding::Finding = serde_json::from_str(&json).expect("finding");
        super::findings_and_notices(std::slice::from_mut(&mut finding), &mut []);
        let evidence = finding
            .advisory
            .and_then(|a| a.reach)
            .map(|r| r.evidence)
            .unwrap_or_default();
        let messages: Vec<&str> = evidence.iter().map(|s| s.message.as_str()).collect();
        assert_eq!(
            messages,
            vec!["calls `connect` with \"https://bob:hun…@db.example.com\""]
        );
    }

    #[test]
    fn credentials_in_urls_headers_flags_and_assignments_are_hidden() {
        assert_eq!(
            scrub("git+https://bob:hunter2hunter2@github.com/x.git"),
            "git+https://bob:hun…@github.com/x.git"
        );
        assert_eq!(
            scrub("ADD https://ghp_abcdefghijklmnop@example.com/x"),
            "ADD https://ghp_…@example.com/x"
        );
        assert_eq!(
            scrub("header Authorization: Bearer abcdefghijklmnopqrstuvwx"),
            "header Authorization: Bearer abcd…"
        );
        assert_eq!(
            scrub("runs `npx srv --api-key sk-abcdefghijklmnop1 --port 3`"),
            "runs `npx srv --api-key sk-a… --port 3`"
        );
        assert_eq!(scrub("--token=abcdef123456"), "--token=abc…");
        assert_eq!(
            scrub(r#"["mcp-remote", "--api-key", "k98azfib3nxC35nH"]"#),
            r#"["mcp-remote", "--api-key", "k98a…"]"#
        );
        // Built here, so that the repository holds nothing shaped like a token.
        let token = ["ghp", "_abcdefghijklmnopqrstuvwxyz0123456789"].concat();
        assert_eq!(
            scrub(&format!("line 4: GITHUB_TOKEN={token} x")),
            "line 4: GITHUB_TOKEN=ghp_… x"
        );
        assert_eq!(
            scrub("https://api.x.com/v1?access_token=abcdefgh12345678&q=1"),
            "https://api.x.com/v1?access_token=abcd…&q=1"
        );
    }

    #[test]
    fn placeholders_plain_text_and_redacted_values_stay() {
        for text in [
            "--token ${GITHUB_TOKEN}",
            "Authorization: Bearer $TOKEN",
            "https://github.com/x/y.git",
            "the token is read from the environment",
            "password: <your-password>",
            "GITHUB_TOKEN=ghp_…",
            "`subprocess.run(..., shell=True)` passes a command built at run time",
            "client = Client(api_key=settings.api_key, token=get_token(), max_tokens=4096)",
        ] {
            assert_eq!(scrub(text), text);
        }
        let once = scrub("--token=abcdef123456").into_owned();
        assert_eq!(scrub(&once), once);
    }
}
