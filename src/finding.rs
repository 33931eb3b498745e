//! The finding model every analyzer produces and every reporter consumes.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How bad a finding is. Ordered: `Info < Low < Medium < High < Critical`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    /// One level below (info stays info): a finding the evidence supports less well.
    pub fn one_lower(self) -> Severity {
        match self {
            Severity::Critical => Severity::High,
            Severity::High => Severity::Medium,
            Severity::Medium => Severity::Low,
            Severity::Low | Severity::Info => Severity::Info,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }

    /// GitHub's `security-severity` score. GitHub labels over 9.0 critical, 7.0-8.9 high,
    /// 4.0-6.9 medium and 0.1-3.9 low; it has no "info" label, so info sits at the bottom of low.
    pub fn security_severity(self) -> &'static str {
        match self {
            Severity::Critical => "9.5",
            Severity::High => "8.0",
            Severity::Medium => "5.5",
            Severity::Low => "2.0",
            Severity::Info => "1.0",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "critical" => Ok(Severity::Critical),
            "high" => Ok(Severity::High),
            "medium" => Ok(Severity::Medium),
            "low" => Ok(Severity::Low),
            "info" => Ok(Severity::Info),
            _ => Err(format!(
                "unknown severity `{s}` (expected critical, high, medium, low or info)"
            )),
        }
    }
}

/// How sure the rule is that a match is a real problem.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::High => "high",
            Confidence::Medium => "medium",
            Confidence::Low => "low",
        }
    }

    /// The SARIF `precision` property GitHub sorts alerts by.
    pub fn precision(self) -> &'static str {
        self.as_str()
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A region of a file. Lines and columns are 1-based; columns count UTF-16 code units (the
/// SARIF default, and what GitHub expects); `end_column` is the column after the last character.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Location {
    /// Path relative to the scan root, always with `/`; an entry of a release archive is
    /// shown `archive!/entry`.
    pub path: String,
    pub start_line: usize,
    pub start_column: usize,
    pub end_line: usize,
    pub end_column: usize,
    /// The release archive the file is an entry of (its report path), when it is one: what
    /// reporters place results on, never parsed back out of `path`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive: Option<String>,
}

impl Location {
    /// The entry's path inside its archive, for a location in one.
    pub fn archive_entry(&self) -> Option<&str> {
        let archive = self.archive.as_deref()?;
        self.path
            .strip_prefix(archive)
            .and_then(|rest| rest.strip_prefix(crate::rel_path::SEPARATOR))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule_id: String,
    pub severity: Severity,
    pub confidence: Confidence,
    pub cwe: Vec<u32>,
    pub message: String,
    pub location: Location,
    /// The first source line of the finding, trimmed (secrets are redacted by their analyzer).
    pub snippet: String,
    /// mcpgate's own fingerprint: rule, path and the whitespace-normalised line, not the line
    /// number, so a finding keeps its identity when code above it moves.
    pub fingerprint: String,
    /// GitHub's `primaryLocationLineHash` for the start line (github/codeql-action algorithm).
    pub line_hash: String,
    /// For dependency findings: the advisory and the package it is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advisory: Option<Box<AdvisoryRef>>,
    /// For taint findings: where the value came from, then the sink (SARIF `codeFlows`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trace: Vec<TraceStep>,
}

impl Finding {
    /// Gives back what its grown strings reserved beyond their contents (messages are built
    /// by formatting, snippets by pushing; ids, paths and hashes are made to size): a scan
    /// holds every finding until its end.
    pub fn shrink_to_fit(&mut self) {
        self.message.shrink_to_fit();
        self.snippet.shrink_to_fit();
        for step in &mut self.trace {
            step.message.shrink_to_fit();
        }
        self.trace.shrink_to_fit();
    }
}

/// One place on a tainted value's way from its source to the sink.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceStep {
    pub location: Location,
    /// What happens there: `tool parameter `cmd` of `run``, `reaches `subprocess.run``.
    pub message: String,
}

/// The advisory behind a dependency finding, for reports that show it in full.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdvisoryRef {
    pub id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    pub summary: String,
    pub ecosystem: String,
    pub package: String,
    pub version: String,
    /// The project depends on the package itself (`false`: through another package), when
    /// the lockfile says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direct: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The functions, types or modules that hold the vulnerable code: the advisory's own,
    /// and those of mcpgate's map of MCP SDK advisories (`rules/deps/dep-vulnerable.toml`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub symbols: Vec<String>,
    /// The part of the package the advisory is about, from that map ("the HTTP transports").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concerns: Option<String>,
    /// Whether the project's code uses those symbols.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reach: Option<Reach>,
}

impl Eq for AdvisoryRef {}

/// How far the project's own code goes toward an advisory's vulnerable code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reach {
    pub status: ReachStatus,
    /// The advisory's severity before the grading.
    pub advisory_severity: Severity,
    /// The calls (for `called`) or imports (for `imported`) found, first ones first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<TraceStep>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReachStatus {
    /// A call of a named symbol (or of a member of a named module or type).
    Called,
    /// A named symbol, or the module or type that holds it, is imported; no call found.
    Imported,
    /// No analyzed source file imports or calls any named symbol.
    NotImported,
    /// Not every source file that could use the package was analyzed.
    Unknown,
}

impl ReachStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReachStatus::Called => "called",
            ReachStatus::Imported => "imported",
            ReachStatus::NotImported => "not-imported",
            ReachStatus::Unknown => "unknown",
        }
    }
}

/// How much a notice undermines the result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NoticeLevel {
    /// Skipped by policy (binary, over the size cap, symlink not followed).
    Note,
    /// Analyzed, but not completely (syntax errors the parser recovered from).
    Warning,
    /// Could not be analyzed at all, so the result is incomplete (unreadable, parse timed out).
    Error,
}

impl NoticeLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeLevel::Note => "note",
            NoticeLevel::Warning => "warning",
            NoticeLevel::Error => "error",
        }
    }
}

/// What kind of thing a notice says, as a stable code (`skip.size`, `audit.not-run`) that
/// tests, JSON consumers and policies can match on; the reason is prose for people.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
pub enum NoticeCode {
    /// A file could not be read.
    ReadFailed,
    /// Over `--max-file-size` (or the dependency-file cap).
    SkipSize,
    /// A NUL byte where text was expected.
    SkipBinary,
    /// UTF-16 decoded, or invalid UTF-8 replaced.
    Decoded,
    /// A link not followed (outside the root, broken, a loop).
    WalkLink,
    /// A directory that could not be walked.
    WalkFailed,
    /// Directories the default excludes skipped.
    WalkExcluded,
    /// Tracked files that a `.gitignore` or `.ignore` hides, scanned anyway.
    WalkIgnored,
    /// A package's build output scanned or skipped.
    PackageOutput,
    /// A file that could not be parsed as the format its name says.
    ParseFailed,
    /// Parsed with syntax errors; the rest analyzed.
    ParseSyntax,
    /// An analysis stopped at its budget.
    AnalysisBudget,
    /// The dependency audit did not run (no or broken advisory store).
    AuditNotRun,
    /// The advisory store is old, or some records could not be read.
    AuditStore,
    /// Package versions that could not be compared with advisories.
    AuditUndecided,
    /// An `[[ignore]]` entry that matched nothing, or expired.
    PolicyIgnore,
    /// `mcp-tools.lock` could not be read.
    ToolLock,
    /// The commit history could not be scanned.
    History,
    /// Something about a release archive's entries.
    Archive,
    /// Findings over the per-rule or per-file caps, counted but not shown.
    ReportCapped,
    /// Findings in test code set aside (`--include-tests` reports them).
    TestCode,
    /// The results cache (`--cache`) could not be read or written.
    Cache,
}

impl NoticeCode {
    /// Codes of notices that mean something was not checked (or not completely): `--strict`
    /// turns them into errors, so a pass cannot hide them.
    pub fn unchecked(self) -> bool {
        matches!(
            self,
            NoticeCode::ReadFailed
                | NoticeCode::SkipSize
                | NoticeCode::SkipBinary
                | NoticeCode::WalkFailed
                | NoticeCode::ParseFailed
                | NoticeCode::ParseSyntax
                | NoticeCode::AnalysisBudget
                | NoticeCode::AuditNotRun
                | NoticeCode::AuditUndecided
                | NoticeCode::ToolLock
                | NoticeCode::History
                | NoticeCode::Archive
        )
    }

    pub const ALL: [NoticeCode; 22] = [
        NoticeCode::ReadFailed,
        NoticeCode::SkipSize,
        NoticeCode::SkipBinary,
        NoticeCode::Decoded,
        NoticeCode::WalkLink,
        NoticeCode::WalkFailed,
        NoticeCode::WalkExcluded,
        NoticeCode::WalkIgnored,
        NoticeCode::PackageOutput,
        NoticeCode::ParseFailed,
        NoticeCode::ParseSyntax,
        NoticeCode::AnalysisBudget,
        NoticeCode::AuditNotRun,
        NoticeCode::AuditStore,
        NoticeCode::AuditUndecided,
        NoticeCode::PolicyIgnore,
        NoticeCode::ToolLock,
        NoticeCode::History,
        NoticeCode::Archive,
        NoticeCode::ReportCapped,
        NoticeCode::TestCode,
        NoticeCode::Cache,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NoticeCode::ReadFailed => "read.failed",
            NoticeCode::SkipSize => "skip.size",
            NoticeCode::SkipBinary => "skip.binary",
            NoticeCode::Decoded => "read.decoded",
            NoticeCode::WalkLink => "walk.link",
            NoticeCode::WalkFailed => "walk.failed",
            NoticeCode::WalkExcluded => "walk.excluded",
            NoticeCode::WalkIgnored => "walk.ignored",
            NoticeCode::PackageOutput => "walk.package-output",
            NoticeCode::ParseFailed => "parse.failed",
            NoticeCode::ParseSyntax => "parse.syntax",
            NoticeCode::AnalysisBudget => "analysis.budget",
            NoticeCode::AuditNotRun => "audit.not-run",
            NoticeCode::AuditStore => "audit.store",
            NoticeCode::AuditUndecided => "audit.undecided",
            NoticeCode::PolicyIgnore => "policy.ignore",
            NoticeCode::ToolLock => "tools.lock",
            NoticeCode::History => "history.failed",
            NoticeCode::Archive => "archive.entry",
            NoticeCode::ReportCapped => "report.capped",
            NoticeCode::TestCode => "report.test-code",
            NoticeCode::Cache => "cache",
        }
    }
}

impl From<NoticeCode> for &'static str {
    fn from(code: NoticeCode) -> &'static str {
        code.as_str()
    }
}

impl TryFrom<String> for NoticeCode {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        NoticeCode::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| format!("unknown notice code `{s}`"))
    }
}

impl fmt::Display for NoticeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Something the scan could not do, or chose not to do, for one file.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Notice {
    /// Path relative to the scan root, or the path as given when it is outside any root.
    pub path: String,
    pub level: NoticeLevel,
    pub reason: String,
    pub code: NoticeCode,
}

impl Notice {
    pub fn new(
        code: NoticeCode,
        path: impl Into<String>,
        level: NoticeLevel,
        reason: impl Into<String>,
    ) -> Self {
        Notice {
            path: path.into(),
            level,
            reason: reason.into(),
            code,
        }
    }
}

/// The result of one scan: sorted findings, sorted notices, and what was covered.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub notices: Vec<Notice>,
    pub files_scanned: usize,
    pub bytes_scanned: u64,
    /// The MCP tools, resources and prompts the source defines (`mcpgate tools`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<crate::tools::Tool>,
    /// The advisory database the dependency audit read, when it read one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advisory_db: Option<AdvisoryDbInfo>,
    /// Files, bytes and time per analyzer, when the scan was asked for them (`--stats`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stats: Option<crate::stats::ScanStats>,
}

/// Which advisories a report was checked against, for summaries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdvisoryDbInfo {
    /// When the store was built (UTC date), if known.
    pub built: Option<String>,
    pub age_days: Option<u64>,
    pub advisories: usize,
}

impl Report {
    /// Puts findings and notices in the one order every output uses (path, line, column, rule),
    /// and drops exact duplicates, so the same input always gives the same bytes.
    pub fn normalize(&mut self) {
        // The same sink and rule can be reported twice (on its own and reached from another
        // file); the best-graded one comes first in each group and is the one kept.
        // Two advisories of one package are two findings on one line.
        let advisory = |f: &Finding| f.advisory.as_ref().map(|a| a.id.clone());
        self.findings.sort_by(|a, b| {
            (&a.location, &a.rule_id, advisory(a))
                .cmp(&(&b.location, &b.rule_id, advisory(b)))
                .then(b.severity.cmp(&a.severity))
                .then(b.confidence.cmp(&a.confidence))
                .then(a.message.cmp(&b.message))
        });
        self.findings.dedup_by(|a, b| {
            a.location == b.location && a.rule_id == b.rule_id && advisory(a) == advisory(b)
        });
        self.notices.sort();
        self.notices.dedup();
    }

    /// Puts `prefix/` before every report path, for a scan of a subdirectory reported
    /// against the repository root (GitHub resolves SARIF and annotation paths from there).
    /// Paths outside the root (absolute, `../`) stay as they are.
    pub fn rebase(&mut self, prefix: &str) {
        let prefix = prefix.trim_matches('/');
        if prefix.is_empty() {
            return;
        }
        let rebased = |path: &str| -> Option<String> {
            if path == "." || path.is_empty() {
                Some(prefix.to_string())
            } else if path.starts_with('/') || path.starts_with("../") {
                None
            } else {
                Some(format!("{prefix}/{path}"))
            }
        };
        let rebase_location = |location: &mut Location| {
            if let Some(p) = rebased(&location.path) {
                location.path = p;
            }
            if let Some(p) = location.archive.as_deref().and_then(rebased) {
                location.archive = Some(p);
            }
        };
        for f in &mut self.findings {
            rebase_location(&mut f.location);
            for step in &mut f.trace {
                rebase_location(&mut step.location);
            }
        }
        for n in &mut self.notices {
            if let Some(p) = rebased(&n.path) {
                n.path = p;
            }
        }
        for t in &mut self.tools {
            if let Some(p) = rebased(&t.path) {
                t.path = p;
            }
        }
    }

    /// Findings at or above `threshold`.
    pub fn count_at_or_above(&self, threshold: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity >= threshold)
            .count()
    }

    pub fn count_by_severity(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// True when some file could not be analyzed, so a clean result cannot be trusted.
    pub fn has_errors(&self) -> bool {
        self.notices.iter().any(|n| n.level == NoticeLevel::Error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rebasing_moves_paths_archives_and_trace_steps() {
        let at = |path: &str, archive: Option<&str>| Location {
            path: path.into(),
            start_line: 1,
            start_column: 1,
            end_line: 1,
            end_column: 2,
            archive: archive.map(str::to_string),
        };
        let mut report = Report {
            findings: vec![Finding {
                rule_id: "r".into(),
                severity: Severity::High,
                confidence: Confidence::High,
                cwe: vec![],
                message: String::new(),
                location: at("a.tgz!/p/x.py", Some("a.tgz")),
                snippet: String::new(),
                fingerprint: String::new(),
                line_hash: String::new(),
                advisory: None,
                trace: vec![TraceStep {
                    location: at("a.tgz!/p/x.py", Some("a.tgz")),
                    message: String::new(),
                }],
            }],
            ..Report::default()
        };
        report.rebase("dist");
        let f = &report.findings[0];
        assert_eq!(f.location.path, "dist/a.tgz!/p/x.py");
        assert_eq!(f.location.archive.as_deref(), Some("dist/a.tgz"));
        assert_eq!(f.location.archive_entry(), Some("p/x.py"));
        assert_eq!(f.trace[0].location.path, "dist/a.tgz!/p/x.py");
    }

    #[test]
    fn notice_codes_are_unique_and_read_back() {
        let mut seen = std::collections::HashSet::new();
        for code in NoticeCode::ALL {
            assert!(seen.insert(code.as_str()), "{code} twice");
            assert_eq!(NoticeCode::try_from(code.as_str().to_string()), Ok(code));
            let json = serde_json::to_string(&code).expect("serialize");
            assert_eq!(json, format!("\"{code}\""));
        }
        assert!(NoticeCode::try_from("no.such".to_string()).is_err());
    }

    #[test]
    fn severity_orders_from_info_to_critical() {
        assert!(Severity::Critical > Severity::High);
        assert!(Severity::Low > Severity::Info);
        assert_eq!("HIGH".parse::<Severity>(), Ok(Severity::High));
        assert!("severe".parse::<Severity>().is_err());
    }
}
