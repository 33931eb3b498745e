//! SARIF 2.1.0 with everything GitHub code scanning reads (shared/github-sarif-facts.md): one
//! run, rules with descriptions, help, CWE tags, `security-severity` and `precision`; results
//! with a full region and `primaryLocationLineHash`; per-file problems as notifications.

use crate::finding::{Finding, NoticeLevel, Report, Severity};
use crate::rules::{Rule, RuleSet};
use serde_json::{Value, json};
use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, Message, MultiformatMessageString, Notification,
    PhysicalLocation, PropertyBag, Region, ReportingConfiguration, ReportingDescriptor,
    Result as SarifResult, ResultLevel, Run, RunAutomationDetails, Sarif, Tool, ToolComponent,
};
use std::collections::BTreeMap;
use std::fmt::Write;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/mcpgate/mcpgate";
/// `automationDetails.id`: GitHub's category is the part before the last `/`.
pub const DEFAULT_CATEGORY: &str = "mcpgate/";

/// `category` becomes `automationDetails.id` `"{category}/"`; `None` is `mcpgate/`. Compact
/// JSON: machines read SARIF, and indentation made it a third larger.
pub fn render(report: &Report, rules: &RuleSet, category: Option<&str>) -> String {
    let mut out = serde_json::to_string(&to_sarif_with(report, rules, category))
        .unwrap_or_else(|e| format!("{{\"error\": \"cannot serialize SARIF: {e}\"}}"));
    out.push('\n');
    out
}

pub fn to_sarif(report: &Report, rules: &RuleSet) -> Sarif {
    to_sarif_with(report, rules, None)
}

pub fn to_sarif_with(report: &Report, rules: &RuleSet, category: Option<&str>) -> Sarif {
    let automation_id = match category.map(|c| c.trim_end_matches('/')) {
        Some(c) if !c.is_empty() => format!("{c}/"),
        _ => DEFAULT_CATEGORY.to_string(),
    };
    // Only the rules that have results: GitHub needs no others, and every rule's help in every
    // file made a small report hundreds of kilobytes.
    let used = UsedRules::of(report, rules);
    let advisories = AdvisoryRules::of(report, rules, used.rules.len());
    let mut descriptors: Vec<ReportingDescriptor> =
        used.rules.iter().copied().map(descriptor).collect();
    descriptors.extend(advisories.descriptors());
    let driver = ToolComponent::builder()
        .name("mcpgate")
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .information_uri(INFORMATION_URI)
        .rules(descriptors)
        .build();
    let results: Vec<SarifResult> = report
        .findings
        .iter()
        .map(|f| result(f, &used, &advisories))
        .collect();
    let notifications: Vec<Notification> = report.notices.iter().map(notification).collect();
    let invocation = if notifications.is_empty() {
        Invocation::builder()
            .execution_successful(!report.has_errors())
            .build()
    } else {
        Invocation::builder()
            .execution_successful(!report.has_errors())
            .tool_execution_notifications(notifications)
            .build()
    };
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .results(results)
        .invocations(vec![invocation])
        .automation_details(RunAutomationDetails::builder().id(automation_id).build())
        .column_kind(json!("utf16CodeUnits"))
        .build();
    Sarif::builder()
        .schema(SCHEMA)
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build()
}

fn level(severity: Severity) -> ResultLevel {
    match severity {
        Severity::Critical | Severity::High => ResultLevel::Error,
        Severity::Medium => ResultLevel::Warning,
        Severity::Low | Severity::Info => ResultLevel::Note,
    }
}

fn level_name(severity: Severity) -> &'static str {
    match level(severity) {
        ResultLevel::Error => "error",
        ResultLevel::Warning => "warning",
        ResultLevel::Note => "note",
        ResultLevel::None => "none",
    }
}

fn descriptor(rule: &Rule) -> ReportingDescriptor {
    let mut tags = vec!["security".to_string()];
    tags.extend(rule.cwe.iter().map(|c| format!("external/cwe/cwe-{c}")));
    tags.extend(
        rule.languages
            .iter()
            .filter(|l| **l != crate::rules::Language::Any)
            .map(|l| l.as_str().to_string()),
    );
    // GitHub rejects more than 20 tags per rule.
    tags.truncate(20);
    let mut props = BTreeMap::new();
    props.insert(
        "security-severity".to_string(),
        Value::String(rule.severity.security_severity().to_string()),
    );
    props.insert(
        "precision".to_string(),
        Value::String(rule.confidence.precision().to_string()),
    );
    ReportingDescriptor::builder()
        .id(rule.id.clone())
        .name(pascal_case(&rule.id))
        .short_description(text(&rule.title))
        .full_description(text(&clip(rule.docs.what.trim(), 1000)))
        .help(
            MultiformatMessageString::builder()
                .text(help_text(rule))
                .markdown(help_markdown(rule))
                .build(),
        )
        .help_uri(crate::rules::rule_page_url(&rule.id))
        .default_configuration(
            ReportingConfiguration::builder()
                .level(json!(level_name(rule.severity)))
                .build(),
        )
        .properties(
            PropertyBag::builder()
                .tags(tags)
                .additional_properties(props)
                .build(),
        )
        .build()
}

fn text(s: &str) -> MultiformatMessageString {
    MultiformatMessageString::builder()
        .text(s.to_string())
        .build()
}

/// `text` cut to at most `max` characters (GitHub's descriptions hold 1024).
fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Short help, for viewers without markdown: the fix and where the rule's page is (what is in
/// `fullDescription`; why, references and examples on the page).
fn help_text(rule: &Rule) -> String {
    format!(
        "Fix: {}\n\nMore: {}",
        rule.docs.fix.trim(),
        crate::rules::rule_page_url(&rule.id)
    )
}

fn help_markdown(rule: &Rule) -> String {
    let cwe: Vec<String> = rule
        .cwe
        .iter()
        .map(|c| format!("[CWE-{c}](https://cwe.mitre.org/data/definitions/{c}.html)"))
        .collect();
    format!(
        "{}\n\n**Fix.** {}\n\n[Rule documentation]({}) · {}\n",
        rule.docs.what.trim(),
        rule.docs.fix.trim(),
        crate::rules::rule_page_url(&rule.id),
        cwe.join(", ")
    )
}

/// Dependency findings get one SARIF rule per advisory (`dep-vulnerable/GHSA-...`), as
/// osv-scanner and trivy do: GitHub takes an alert's severity label from its rule's
/// `security-severity`, and one rule for every advisory would label them all alike.
struct AdvisoryRules<'a> {
    /// Synthetic rule id to (base rule, the first finding of that advisory), sorted by id.
    rules: BTreeMap<String, (&'a Rule, &'a Finding)>,
    /// Index of the first synthetic rule in `tool.driver.rules`.
    offset: usize,
}

impl<'a> AdvisoryRules<'a> {
    fn of(report: &'a Report, rules: &'a RuleSet, offset: usize) -> AdvisoryRules<'a> {
        let mut out = BTreeMap::new();
        for f in &report.findings {
            if let (Some(id), Some(rule)) = (advisory_rule_id(f), rules.get(&f.rule_id)) {
                // The most severe finding of an advisory speaks for its rule (reachability
                // may grade the same advisory differently in two projects of a repository).
                let entry = out.entry(id).or_insert((rule, f));
                if f.severity > entry.1.severity {
                    *entry = (rule, f);
                }
            }
        }
        AdvisoryRules { rules: out, offset }
    }

    fn index_of(&self, id: &str) -> Option<usize> {
        self.rules
            .keys()
            .position(|k| k == id)
            .map(|i| self.offset + i)
    }

    fn descriptors(&self) -> Vec<ReportingDescriptor> {
        self.rules
            .iter()
            .filter_map(|(id, (rule, f))| {
                let advisory = f.advisory.as_ref()?;
                let mut d = descriptor(rule);
                let title: String = format!("{}: {}", advisory.id, advisory.summary)
                    .chars()
                    .take(1000)
                    .collect();
                let mut full = format!("{} {}", rule.title, advisory.id);
                if !advisory.aliases.is_empty() {
                    let _ = write!(full, " ({})", advisory.aliases.join(", "));
                }
                let _ = write!(
                    full,
                    " in the {} package `{}`.",
                    advisory.ecosystem, advisory.package
                );
                if !advisory.summary.is_empty() {
                    let _ = write!(full, " {}", advisory.summary);
                }
                let full: String = full.chars().take(1000).collect();
                let mut help = String::new();
                let mut help_md = String::new();
                if let Some(url) = &advisory.url {
                    let _ = write!(help, "Advisory: {url}\n\n");
                    let _ = write!(help_md, "Advisory: <{url}>\n\n");
                }
                if let Some(text) = d.help.as_ref() {
                    help.push_str(&text.text);
                    help_md.push_str(text.markdown.as_deref().unwrap_or(&text.text));
                }
                d.id = id.clone();
                d.short_description = Some(text(&title));
                d.full_description = Some(text(&full));
                d.help = Some(
                    MultiformatMessageString::builder()
                        .text(help)
                        .markdown(help_md)
                        .build(),
                );
                d.default_configuration = Some(
                    ReportingConfiguration::builder()
                        .level(json!(level_name(f.severity)))
                        .build(),
                );
                // A finding graded below the advisory by reachability is labelled as graded.
                let graded = advisory
                    .reach
                    .as_ref()
                    .is_some_and(|r| r.advisory_severity != f.severity);
                let score = advisory
                    .score
                    .filter(|s| *s > 0.0 && *s <= 10.0 && !graded)
                    .map_or_else(
                        || f.severity.security_severity().to_string(),
                        |s| format!("{s:.1}"),
                    );
                if let Some(props) = d.properties.as_mut() {
                    props
                        .additional_properties
                        .insert("security-severity".to_string(), Value::String(score));
                }
                Some(d)
            })
            .collect()
    }
}

fn advisory_rule_id(f: &Finding) -> Option<String> {
    f.advisory
        .as_ref()
        .map(|a| format!("{}/{}", f.rule_id, a.id))
}

/// The rules results refer to, in id order, with their index in `tool.driver.rules`.
struct UsedRules<'a> {
    rules: Vec<&'a Rule>,
}

impl<'a> UsedRules<'a> {
    fn of(report: &Report, rules: &'a RuleSet) -> UsedRules<'a> {
        let mut used: Vec<&'a Rule> = report
            .findings
            .iter()
            .filter(|f| f.advisory.is_none())
            .filter_map(|f| rules.get(&f.rule_id))
            .collect();
        used.sort_by(|a, b| a.id.cmp(&b.id));
        used.dedup_by(|a, b| a.id == b.id);
        UsedRules { rules: used }
    }

    fn index_of(&self, id: &str) -> Option<usize> {
        self.rules.binary_search_by(|r| r.id.as_str().cmp(id)).ok()
    }
}

/// A SARIF location for a report location. GitHub cannot show a line inside an archive: a
/// location in one is the archive file itself (line 1), and the caller names the entry.
fn sarif_location(location: &crate::finding::Location, message: Option<&str>) -> Location {
    let (uri, region) = match &location.archive {
        Some(archive) => (
            uri_path(archive),
            Region::builder()
                .start_line(1)
                .start_column(1)
                .end_line(1)
                .end_column(2)
                .build(),
        ),
        None => (
            uri_path(&location.path),
            Region::builder()
                .start_line(to_i64(location.start_line))
                .start_column(to_i64(location.start_column))
                .end_line(to_i64(location.end_line))
                .end_column(to_i64(location.end_column))
                .build(),
        ),
    };
    let physical = PhysicalLocation::builder()
        .artifact_location(ArtifactLocation::builder().uri(uri).build())
        .region(region)
        .build();
    match message {
        Some(text) => Location::builder()
            .physical_location(physical)
            .message(Message::builder().text(text.to_string()).build())
            .build(),
        None => Location::builder().physical_location(physical).build(),
    }
}

/// The trace as one code flow (source, steps, sink), as GitHub shows it under "Show paths".
fn code_flow(f: &Finding) -> Option<serde_sarif::sarif::CodeFlow> {
    let steps: Vec<Value> = f
        .trace
        .iter()
        .map(|step| json!({ "location": sarif_location(&step.location, Some(&step.message)) }))
        .collect();
    serde_json::from_value(json!({ "threadFlows": [{ "locations": steps }] })).ok()
}

fn result(f: &Finding, used: &UsedRules<'_>, advisories: &AdvisoryRules<'_>) -> SarifResult {
    let inside = f
        .location
        .archive
        .as_deref()
        .zip(f.location.archive_entry());
    let message = match inside {
        Some((archive, entry)) => format!(
            "{} (in {archive}: {entry}:{}:{})",
            f.message, f.location.start_line, f.location.start_column
        ),
        None => f.message.clone(),
    };
    let location = sarif_location(&f.location, None);
    let mut fingerprints = BTreeMap::new();
    fingerprints.insert("primaryLocationLineHash".to_string(), f.line_hash.clone());
    fingerprints.insert("mcpgate/v1".to_string(), f.fingerprint.clone());
    let (rule_id, index) = match advisory_rule_id(f) {
        Some(id) => {
            let index = advisories.index_of(&id);
            (id, index)
        }
        None => (f.rule_id.clone(), used.index_of(&f.rule_id)),
    };
    let builder = SarifResult::builder()
        .rule_id(rule_id)
        .level(level(f.severity))
        .message(Message::builder().text(message).build())
        .locations(vec![location])
        .partial_fingerprints(fingerprints);
    let mut result = match index {
        Some(i) => builder.rule_index(to_i64(i)).build(),
        None => builder.build(),
    };
    if f.trace.len() > 1 {
        result.code_flows = code_flow(f).map(|flow| vec![flow]);
        // The source, for reviewers whose viewer shows related locations but not paths.
        if let Some(source) = f.trace.first() {
            let mut related = sarif_location(&source.location, Some(&source.message));
            related.id = Some(1);
            result.related_locations = Some(vec![related]);
        }
    }
    // Where the project calls or imports what a dependency advisory names.
    let reach = f.advisory.as_ref().and_then(|a| a.reach.as_ref());
    if let Some(reach) = reach
        && !reach.evidence.is_empty()
    {
        let related = reach
            .evidence
            .iter()
            .enumerate()
            .map(|(i, step)| {
                let mut related = sarif_location(&step.location, Some(&step.message));
                related.id = Some(to_i64(i + 1));
                related
            })
            .collect();
        result.related_locations = Some(related);
    }
    let mut extra = BTreeMap::new();
    // The level folds five severities into three; baselines compare the real one.
    extra.insert("severity".to_string(), json!(f.severity.as_str()));
    if let Some(reach) = reach {
        extra.insert("reachability".to_string(), json!(reach.status.as_str()));
    }
    // A finding another was merged into has CWEs its rule does not list.
    let rule_cwe = (f.advisory.is_none())
        .then(|| used.index_of(&f.rule_id))
        .flatten()
        .and_then(|i| used.rules.get(i))
        .map(|r| r.cwe.as_slice());
    if let Some(rule_cwe) = rule_cwe
        && f.cwe.iter().any(|c| !rule_cwe.contains(c))
    {
        let tags: Vec<String> = f
            .cwe
            .iter()
            .map(|c| format!("external/cwe/cwe-{c}"))
            .collect();
        extra.insert("tags".to_string(), json!(tags));
    }
    if let Some((archive, entry)) = inside {
        extra.insert("archive".to_string(), json!(archive));
        extra.insert("archiveEntry".to_string(), json!(entry));
        extra.insert("archiveEntryLine".to_string(), json!(f.location.start_line));
    }
    result.properties = Some(PropertyBag::builder().additional_properties(extra).build());
    result
}

fn notification(n: &crate::finding::Notice) -> Notification {
    let level = match n.level {
        NoticeLevel::Error => "error",
        NoticeLevel::Warning => "warning",
        NoticeLevel::Note => "note",
    };
    let message = Message::builder()
        .text(format!("{}: {}", n.path, n.reason))
        .build();
    let builder = Notification::builder().level(json!(level)).message(message);
    let mut notification = if n.path == "." {
        builder.build()
    } else {
        let location = Location::builder()
            .physical_location(
                PhysicalLocation::builder()
                    .artifact_location(ArtifactLocation::builder().uri(uri_path(&n.path)).build())
                    .build(),
            )
            .build();
        builder.locations(vec![location]).build()
    };
    // The notice's stable code, as the id of what it is about.
    notification.descriptor = serde_json::from_value(json!({ "id": n.code.as_str() })).ok();
    notification
}

/// A repository-relative path as a URI reference: bytes that are not allowed, or that would
/// change its meaning (`%`, `#`, `?`, spaces, non-ASCII), are percent-encoded.
pub(crate) fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        let keep = b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b);
        if keep {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn to_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// `python-eval-exec` -> `PythonEvalExec`, the rule's SARIF `name`.
fn pascal_case(id: &str) -> String {
    id.split('-')
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_paths_are_percent_encoded() {
        assert_eq!(uri_path("src/server.py"), "src/server.py");
        assert_eq!(uri_path("a b/c#d?.py"), "a%20b/c%23d%3F.py");
        assert_eq!(uri_path("100%/é.py"), "100%25/%C3%A9.py");
    }

    #[test]
    fn rule_names_are_pascal_case() {
        assert_eq!(pascal_case("python-eval-exec"), "PythonEvalExec");
    }
}
