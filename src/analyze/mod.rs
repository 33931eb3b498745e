//! Analyzers: each turns one file's text into findings and notices. They never print and never
//! decide the exit code.

pub mod compose;
pub mod cross_file;
pub mod cross_file_texts;
pub mod dockerfile;
pub mod engine;
pub mod ir;
pub mod mcp_config;
pub mod package;
pub mod secrets;
pub mod source;
pub mod suppress;

use crate::finding::{Finding, Location, Notice};
use crate::fingerprint::{finding_fingerprint, line_hashes_for};
use crate::rules::Rule;
use std::collections::HashMap;

/// What analyzing one file produced.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct FileOutcome {
    pub findings: Vec<Finding>,
    pub notices: Vec<Notice>,
    /// For the cross-file pass: what this module offers callers, and what it calls.
    pub exports: Vec<source::ExportedFunction>,
    pub external_calls: Vec<source::ExternalCall>,
    pub reexports: Vec<source::Reexport>,
    /// Functions of other project modules whose results reach a sink or another module here,
    /// as `ExternalCall::callee` spells them, with the arguments that carry input and where
    /// the results went: a second pass analyzes the file again when one of them turns out to
    /// return less than those arguments, or what it read.
    pub imported_results: Vec<(String, engine::ImportedResult)>,
    /// Texts of its tools that are constants of other modules (`description=TOOL_DOC`), and
    /// the constants it defines that such a text may name: the scan joins them.
    pub imported_texts: Vec<source::model_text::ImportedText>,
    pub text_constants: Vec<source::model_text::TextConstant>,
    /// The MCP tools, resources and prompts the file defines.
    pub tools: Vec<crate::tools::Tool>,
    /// A tool of the file makes a promise and calls functions of other project modules:
    /// what they do decides whether it keeps it (the second pass, with every module's
    /// exports, looks).
    pub promises_depend_elsewhere: bool,
    /// Time spent per analyzer on this file (`--stats`).
    #[serde(skip)]
    pub timings: crate::stats::Timings,
    /// The file's `mcpgate:ignore` comments, and the `ignore-unused` findings that stand
    /// unless a cross-file finding turns out to use them.
    pub ignores: Vec<crate::suppress::Ignore>,
    pub unused_ignores: Vec<(usize, Finding)>,
    /// The file is test code (`crate::test_code`).
    pub test_code: bool,
    /// Test code whose source analysis was left out: none of its findings would be reported.
    pub source_skipped: bool,
    /// Rules with `unless_project_calls` or `unless_project_matches` whose evidence the file
    /// holds: the scan drops their findings in every file.
    pub project_evidence: Vec<String>,
    /// A source file's imports of and calls into libraries, for grading dependency findings by reachability.
    pub library: Option<LibraryUses>,
    /// The secrets found in the file, as written: what the results cache (`--cache`) keeps
    /// of the outcome hides them wherever they were quoted.
    #[serde(skip)]
    pub secrets: Vec<String>,
    /// The file parsed and lowered, kept by the first pass where the second may want it.
    #[serde(skip)]
    pub lowered: Option<std::sync::Arc<source::Lowered>>,
}

impl FileOutcome {
    /// Gives back what its vectors reserved beyond their contents: every outcome is held
    /// until the cross-file join, and a vector grown by pushes holds up to twice its length
    /// (a function's one sink took room for four).
    pub fn shrink_to_fit(&mut self) {
        for finding in &mut self.findings {
            finding.shrink_to_fit();
        }
        self.findings.shrink_to_fit();
        self.notices.shrink_to_fit();
        for export in &mut self.exports {
            export.shrink_to_fit();
        }
        self.exports.shrink_to_fit();
        self.external_calls.shrink_to_fit();
        self.reexports.shrink_to_fit();
        self.imported_results.shrink_to_fit();
        self.imported_texts.shrink_to_fit();
        self.text_constants.shrink_to_fit();
        self.tools.shrink_to_fit();
        self.ignores.shrink_to_fit();
        self.unused_ignores.shrink_to_fit();
        self.project_evidence.shrink_to_fit();
        if let Some(library) = &mut self.library {
            library.uses.shrink_to_fit();
        }
    }
}

/// What one source file uses of libraries, and whether all of it was read.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct LibraryUses {
    pub lang: crate::rules::Language,
    pub uses: Vec<engine::uses::LibraryUse>,
    /// `false` when the file could not be parsed or read: it may use anything.
    pub complete: bool,
}

/// A span in byte coordinates as parsers report it: 0-based row and byte column.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Span {
    pub start_row: usize,
    pub start_byte_col: usize,
    pub end_row: usize,
    pub end_byte_col: usize,
}

impl Span {
    /// Where a tree-sitter node is.
    pub fn of(node: tree_sitter::Node<'_>) -> Span {
        let (start, end) = (node.start_position(), node.end_position());
        Span {
            start_row: start.row,
            start_byte_col: start.column,
            end_row: end.row,
            end_byte_col: end.column,
        }
    }
}

/// The longest snippet a finding shows, in characters.
const SNIPPET_CHARS: usize = 400;

/// One file's text with the helpers every analyzer needs to turn spans into findings.
pub struct FileContext<'a> {
    pub rel_path: &'a str,
    pub text: &'a str,
    line_starts: Vec<usize>,
    /// Byte ranges of the secrets in the file, once the secret scan has found them: every
    /// snippet and message made afterwards hides them.
    secrets: std::cell::OnceCell<Vec<(usize, usize)>>,
    /// The release archive the file is an entry of, if it is one.
    pub archive: Option<&'a str>,
    /// The first pass's lowering of the file, kept for the second pass.
    pub lowered: Option<std::sync::Arc<source::Lowered>>,
}

impl<'a> FileContext<'a> {
    pub fn new(rel_path: &'a str, text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        FileContext {
            rel_path,
            text,
            line_starts,
            secrets: std::cell::OnceCell::new(),
            archive: None,
            lowered: None,
        }
    }

    /// The same file, with the first pass's lowering of it (used only if the text is the same).
    pub fn with_lowered(mut self, lowered: Option<std::sync::Arc<source::Lowered>>) -> Self {
        self.lowered = lowered;
        self
    }

    /// The same file, known to be an entry of `archive`.
    pub fn in_archive(mut self, archive: Option<&'a str>) -> Self {
        self.archive = archive;
        self
    }

    /// The file's path inside its archive, for an archive entry.
    pub fn archive_entry(&self) -> Option<&'a str> {
        let archive = self.archive?;
        self.rel_path
            .strip_prefix(archive)
            .and_then(|rest| rest.strip_prefix(crate::rel_path::SEPARATOR))
    }

    /// Records where the file's secrets are (once; the secret scan does it first).
    pub fn hide_secrets(&self, ranges: Vec<(usize, usize)>) {
        let _ = self.secrets.set(ranges);
    }

    fn secret_ranges(&self) -> &[(usize, usize)] {
        self.secrets.get().map_or(&[], Vec::as_slice)
    }

    /// The secrets the secret scan found in the file, as written.
    pub fn secret_values(&self) -> Vec<String> {
        self.secret_ranges()
            .iter()
            .filter_map(|(s, e)| self.text.get(*s..*e))
            .map(str::to_string)
            .collect()
    }

    /// The trimmed text of `row` as findings show it: every secret on it redacted first, then
    /// cut (cutting first would leave the head of a long secret whole).
    pub fn snippet(&self, row: usize) -> String {
        let line = self.line(row);
        let start = self.line_starts.get(row).copied().unwrap_or(0);
        let end = start + line.len();
        let mut shown = String::with_capacity(line.len().min(SNIPPET_CHARS * 4));
        let mut at = start;
        let mut hidden: Vec<(usize, usize)> = self
            .secret_ranges()
            .iter()
            .copied()
            .filter(|(s, e)| *s < end && *e > start)
            .collect();
        hidden.sort_unstable();
        for (s, e) in hidden {
            if s > at {
                shown.push_str(self.text.get(at..s).unwrap_or(""));
            }
            if e > at {
                // The secret's own start shows its first characters; a continuation, none.
                let visible = self.text.get(s.max(start)..e.min(end)).unwrap_or("");
                if s >= start {
                    shown.push_str(&crate::analyze::secrets::redact(visible));
                } else {
                    shown.push('…');
                }
                at = e;
            }
        }
        if at < end {
            shown.push_str(self.text.get(at..end).unwrap_or(""));
        }
        shown.trim().chars().take(SNIPPET_CHARS).collect()
    }

    /// `message` with the file's secrets redacted (a finding that quotes a value quotes it
    /// as the secret scan saw it).
    pub fn hide_in_message(&self, message: String) -> String {
        let mut out = message;
        for (s, e) in self.secret_ranges() {
            if let Some(secret) = self.text.get(*s..*e).filter(|v| v.len() >= 4)
                && out.contains(secret)
            {
                out = out.replace(secret, &crate::analyze::secrets::redact(secret));
            }
        }
        out
    }

    /// Text of the 0-based `row`, without its line ending; empty past the end.
    pub fn line(&self, row: usize) -> &'a str {
        let Some(&start) = self.line_starts.get(row) else {
            return "";
        };
        let end = self
            .line_starts
            .get(row + 1)
            .map_or(self.text.len(), |&next| next.saturating_sub(1));
        let line = self.text.get(start..end).unwrap_or("");
        line.strip_suffix('\r').unwrap_or(line)
    }

    /// The byte range of `span` in the file.
    pub fn bytes_of(&self, span: Span) -> std::ops::Range<usize> {
        let offset = |row: usize, col: usize| {
            self.line_starts
                .get(row)
                .map_or(self.text.len(), |start| (start + col).min(self.text.len()))
        };
        let start = offset(span.start_row, span.start_byte_col);
        start..offset(span.end_row, span.end_byte_col).max(start)
    }

    /// The span of the byte range `start..end` of the file.
    pub fn span_of_bytes(&self, start: usize, end: usize) -> Span {
        let locate = |offset: usize| {
            let row = self
                .line_starts
                .partition_point(|&line_start| line_start <= offset)
                .saturating_sub(1);
            let line_start = self.line_starts.get(row).copied().unwrap_or(0);
            (row, offset.saturating_sub(line_start))
        };
        let (start_row, start_byte_col) = locate(start);
        let (end_row, end_byte_col) = locate(end);
        Span {
            start_row,
            start_byte_col,
            end_row,
            end_byte_col,
        }
    }

    /// The span of the 0-based `row` without its indentation and trailing blanks.
    pub fn line_span(&self, row: usize) -> Span {
        let line = self.line(row);
        let start = line.len() - line.trim_start().len();
        Span {
            start_row: row,
            start_byte_col: start,
            end_row: row,
            end_byte_col: line.trim_end().len().max(start + 1),
        }
    }

    /// 1-based UTF-16 column of a byte column in `row` (SARIF's default column unit).
    fn utf16_column(&self, row: usize, byte_col: usize) -> usize {
        let line = self.line(row);
        let mut end = byte_col.min(line.len());
        while !line.is_char_boundary(end) {
            end -= 1;
        }
        line[..end].encode_utf16().count() + 1
    }

    /// A finding of `rule` at `span`. A span over several lines is cut to its first line:
    /// GitHub shows an alert in a pull request only when every line it covers is in the diff.
    pub fn finding(&self, rule: &Rule, span: Span, message: String) -> Finding {
        Finding {
            rule_id: rule.id.clone(),
            severity: rule.severity,
            confidence: rule.confidence,
            cwe: rule.cwe.clone(),
            message: self.hide_in_message(message),
            location: self.location(span),
            snippet: self.snippet(span.start_row),
            fingerprint: String::new(),
            line_hash: String::new(),
            advisory: None,
            trace: Vec::new(),
        }
    }

    /// The report location of `span`, cut to its first line.
    pub fn location(&self, span: Span) -> Location {
        let line = self.line(span.start_row);
        let end_byte = if span.end_row == span.start_row {
            span.end_byte_col
        } else {
            line.trim_end().len()
        };
        let start_column = self.utf16_column(span.start_row, span.start_byte_col);
        let end_column = self
            .utf16_column(span.start_row, end_byte)
            .max(start_column + 1);
        Location {
            path: self.rel_path.to_string(),
            start_line: span.start_row + 1,
            start_column,
            end_line: span.start_row + 1,
            end_column,
            archive: self.archive.map(str::to_string),
        }
    }

    /// A finding whose line holds a literal secret: the snippet shows it redacted.
    pub fn finding_redacting(
        &self,
        rule: &Rule,
        span: Span,
        message: String,
        secret: Option<&str>,
    ) -> Finding {
        let mut finding = self.finding(rule, span, message);
        if let Some(secret) = secret.filter(|s| !s.is_empty()) {
            finding.snippet = finding.snippet.replace(secret, &secrets::redact(secret));
        }
        finding
    }

    /// Fills in both fingerprints of the findings of this file, in one pass over its text,
    /// after putting them in location order (the order occurrences are counted in).
    pub fn fingerprint(&self, findings: &mut [Finding]) {
        findings.sort_by(|a, b| a.location.cmp(&b.location).then(a.rule_id.cmp(&b.rule_id)));
        self.fingerprint_in_order(findings);
    }

    /// Fills in both fingerprints, counting repeated lines in the order given.
    pub fn fingerprint_in_order(&self, findings: &mut [Finding]) {
        if findings.is_empty() {
            return;
        }
        let lines: Vec<usize> = findings.iter().map(|f| f.location.start_line).collect();
        let hashes = line_hashes_for(self.text, &lines);
        let mut seen: HashMap<(String, String), usize> = HashMap::new();
        for (i, f) in findings.iter_mut().enumerate() {
            let row = f.location.start_line.saturating_sub(1);
            let line = self.line(row);
            let squeezed: String = line.split_whitespace().collect();
            // Two advisories of one package share a line; each keeps its own identity.
            let key = match &f.advisory {
                Some(a) => format!("{}/{}", f.rule_id, a.id),
                None => f.rule_id.clone(),
            };
            let n = seen.entry((key.clone(), squeezed)).or_insert(0);
            *n += 1;
            f.fingerprint = finding_fingerprint(&key, self.rel_path, line, *n);
            f.line_hash = hashes.get(i).cloned().unwrap_or_default();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_handle_crlf_and_out_of_range() {
        let ctx = FileContext::new("a.py", "one\r\ntwo\nthree");
        assert_eq!(ctx.line(0), "one");
        assert_eq!(ctx.line(1), "two");
        assert_eq!(ctx.line(2), "three");
        assert_eq!(ctx.line(9), "");
    }

    #[test]
    fn columns_count_utf16_units() {
        // "é" is two bytes in UTF-8 but one UTF-16 unit; "😀" is four bytes and two units.
        let ctx = FileContext::new("a.py", "é😀x");
        assert_eq!(ctx.utf16_column(0, 0), 1);
        assert_eq!(ctx.utf16_column(0, 2), 2);
        assert_eq!(ctx.utf16_column(0, 6), 4);
        // A byte column inside a character falls back to the character's start.
        assert_eq!(ctx.utf16_column(0, 1), 1);
    }
}
