//! OSV records (<https://ossf.github.io/osv-schema/>), in JSON or in the YAML form the PyPA
//! database uses, read into `Advisory` values: one per affected package of an audited
//! ecosystem. GIT ranges are skipped (they order commits, not versions).

use super::Ecosystem;
use super::advisory::{
    Advisory, AdvisoryKind, Event, Range, cvss_score, severity_of_label, severity_of_score,
};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Deserialize)]
struct Record {
    id: String,
    #[serde(default)]
    aliases: Vec<Text>,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    details: Option<String>,
    #[serde(default)]
    withdrawn: Option<Text>,
    #[serde(default)]
    severity: Vec<SeverityEntry>,
    #[serde(default)]
    affected: Vec<Affected>,
    #[serde(default)]
    references: Vec<Reference>,
    #[serde(default)]
    database_specific: Option<DatabaseSpecific>,
}

#[derive(Debug, Deserialize)]
struct SeverityEntry {
    #[serde(rename = "type")]
    kind: String,
    score: Text,
}

#[derive(Debug, Deserialize)]
struct Affected {
    package: Option<PackageRef>,
    #[serde(default)]
    ranges: Vec<OsvRange>,
    #[serde(default)]
    versions: Vec<Text>,
    #[serde(default)]
    severity: Vec<SeverityEntry>,
    #[serde(default)]
    database_specific: Option<DatabaseSpecific>,
    /// Free-form per ecosystem: a shape other than the known ones is left out, not an error.
    #[serde(default, deserialize_with = "known_shape")]
    ecosystem_specific: Option<EcosystemSpecific>,
}

fn known_shape<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<EcosystemSpecific>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Shape {
        Known(EcosystemSpecific),
        Other(serde::de::IgnoredAny),
    }
    Ok(match Shape::deserialize(d)? {
        Shape::Known(known) => Some(known),
        Shape::Other(_) => None,
    })
}

/// Where an advisory names the vulnerable code: Go's `imports` (a package path and its
/// symbols), RustSec's export `affects.functions` (Rust paths).
#[derive(Debug, Default, Deserialize)]
struct EcosystemSpecific {
    #[serde(default)]
    imports: Vec<GoImport>,
    #[serde(default)]
    affects: Option<Affects>,
}

#[derive(Debug, Deserialize)]
struct GoImport {
    path: String,
    #[serde(default)]
    symbols: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
struct Affects {
    #[serde(default)]
    functions: Vec<String>,
}

impl EcosystemSpecific {
    /// Every named symbol, qualified by its package path; a path without symbols stands for
    /// the whole package.
    fn symbols(&self) -> Vec<String> {
        let mut out = Vec::new();
        for import in &self.imports {
            if import.symbols.is_empty() {
                out.push(import.path.clone());
            }
            for symbol in &import.symbols {
                out.push(format!("{}.{symbol}", import.path));
            }
        }
        if let Some(affects) = &self.affects {
            out.extend(affects.functions.iter().cloned());
        }
        out
    }
}

#[derive(Debug, Deserialize)]
struct PackageRef {
    ecosystem: String,
    name: String,
}

#[derive(Debug, Deserialize)]
struct OsvRange {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    events: Vec<OsvEvent>,
}

#[derive(Debug, Deserialize)]
struct OsvEvent {
    introduced: Option<Text>,
    fixed: Option<Text>,
    last_affected: Option<Text>,
    limit: Option<Text>,
}

#[derive(Debug, Deserialize)]
struct Reference {
    #[serde(rename = "type")]
    kind: String,
    url: String,
}

#[derive(Debug, Default, Deserialize)]
struct DatabaseSpecific {
    severity: Option<Text>,
    informational: Option<Text>,
}

/// A string that YAML may have written as a number (`fixed: 3.7` or an unquoted date).
#[derive(Debug, Clone)]
struct Text(String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Any {
            S(String),
            I(i64),
            U(u64),
            F(f64),
            B(bool),
        }
        Ok(Text(match Any::deserialize(d)? {
            Any::S(s) => s,
            Any::I(i) => i.to_string(),
            Any::U(u) => u.to_string(),
            Any::F(f) => f.to_string(),
            Any::B(b) => b.to_string(),
        }))
    }
}

/// Parses one OSV record. `yaml` selects the YAML reader (PyPA's form).
pub fn parse(text: &str, yaml: bool) -> Result<Vec<Advisory>, String> {
    let record: Record = if yaml {
        super::from_yaml(text).map_err(|e| e.reason)?
    } else {
        serde_json::from_str(text).map_err(|e| e.to_string())?
    };
    Ok(convert(record))
}

fn convert(record: Record) -> Vec<Advisory> {
    let summary = record
        .summary
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .or_else(|| record.details.as_deref().map(first_sentence))
        .map(|s| truncate(s.trim(), 200))
        .unwrap_or_default();
    let url = record
        .references
        .iter()
        .find(|r| r.kind == "ADVISORY")
        .or_else(|| record.references.iter().find(|r| r.kind == "WEB"))
        .map(|r| r.url.clone());
    let record_score = best_score(&record.severity);
    let record_label = record
        .database_specific
        .as_ref()
        .and_then(|d| d.severity.as_ref())
        .and_then(|s| severity_of_label(&s.0));
    let record_informational = record
        .database_specific
        .as_ref()
        .and_then(|d| d.informational.as_ref())
        .map(|t| t.0.clone());

    // Several `affected` entries may name one package (one per range set); merge them.
    let mut by_package: BTreeMap<(Ecosystem, String), Advisory> = BTreeMap::new();
    for affected in record.affected {
        let Some(package) = &affected.package else {
            continue;
        };
        let Some(ecosystem) = Ecosystem::from_osv(&package.ecosystem) else {
            continue;
        };
        let mut ranges = Vec::new();
        let mut fixed = Vec::new();
        for range in &affected.ranges {
            if range.kind != "SEMVER" && range.kind != "ECOSYSTEM" {
                continue;
            }
            let mut events = Vec::with_capacity(range.events.len());
            for e in &range.events {
                if let Some(v) = &e.introduced {
                    events.push(Event::Introduced(v.0.clone()));
                }
                if let Some(v) = &e.fixed {
                    fixed.push(v.0.clone());
                    events.push(Event::Fixed(v.0.clone()));
                }
                if let Some(v) = &e.last_affected {
                    events.push(Event::LastAffected(v.0.clone()));
                }
                if let Some(v) = &e.limit {
                    events.push(Event::Limit(v.0.clone()));
                }
            }
            ranges.push(Range::Events { events });
        }
        let versions: Vec<String> = affected.versions.iter().map(|t| t.0.clone()).collect();
        if ranges.is_empty() && versions.is_empty() && !affected.ranges.is_empty() {
            // Only GIT ranges: no version can be judged against it.
            continue;
        }
        let score = best_score(&affected.severity).or(record_score);
        let informational = affected
            .database_specific
            .as_ref()
            .and_then(|d| d.informational.as_ref())
            .map(|t| t.0.clone())
            .or_else(|| record_informational.clone());
        let kind = if record.id.starts_with("MAL-") {
            AdvisoryKind::Malicious
        } else {
            match informational.as_deref() {
                Some("unmaintained") => AdvisoryKind::Unmaintained,
                Some(_) => AdvisoryKind::Informational,
                None => AdvisoryKind::Vulnerability,
            }
        };
        let severity = score.map(severity_of_score).or(record_label);
        let name = ecosystem.normalize_name(&package.name);
        let entry = by_package
            .entry((ecosystem, name.clone()))
            .or_insert_with(|| Advisory {
                id: record.id.clone(),
                aliases: record.aliases.iter().map(|t| t.0.clone()).collect(),
                summary: summary.clone(),
                kind,
                ecosystem,
                package: name,
                severity,
                score,
                ranges: Vec::new(),
                versions: Vec::new(),
                fixed: Vec::new(),
                url: url.clone(),
                withdrawn: record.withdrawn.is_some(),
                symbols: Vec::new(),
            });
        if let Some(specific) = &affected.ecosystem_specific {
            for symbol in specific.symbols() {
                if !entry.symbols.contains(&symbol) {
                    entry.symbols.push(symbol);
                }
            }
        }
        entry.ranges.extend(ranges);
        entry.versions.extend(versions);
        entry.fixed.extend(fixed);
    }
    by_package.into_values().collect()
}

/// The highest base score among CVSS vectors (v3 and v4 are both scored; v2 only when there is
/// nothing newer).
fn best_score(entries: &[SeverityEntry]) -> Option<f64> {
    let scored = |kinds: &[&str]| {
        entries
            .iter()
            .filter(|e| kinds.contains(&e.kind.as_str()))
            .filter_map(|e| cvss_score(&e.score.0))
            .fold(None, |best: Option<f64>, s| {
                Some(best.map_or(s, |b| b.max(s)))
            })
    };
    scored(&["CVSS_V3", "CVSS_V4"]).or_else(|| scored(&["CVSS_V2"]))
}

/// The first sentence of a description (PyPA records have no summary, only details).
fn first_sentence(details: &str) -> &str {
    let line = details.trim().lines().next().unwrap_or("");
    match line.find(". ") {
        Some(at) => &line[..=at],
        None => line,
    }
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;

    #[test]
    fn a_ghsa_record_becomes_one_advisory_per_package() {
        let json = r#"{
          "id": "GHSA-w48q-cv73-mx4w", "aliases": ["CVE-2025-66414"],
          "summary": "DNS rebinding protection not enabled by default",
          "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:H/A:H"}],
          "affected": [
            {"package": {"ecosystem": "npm", "name": "@modelcontextprotocol/sdk"},
             "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.24.0"}]}]},
            {"package": {"ecosystem": "Maven", "name": "x:y"}, "ranges": []}
          ],
          "references": [{"type": "WEB", "url": "https://example.org"}, {"type": "ADVISORY", "url": "https://github.com/advisories/GHSA-w48q-cv73-mx4w"}]
        }"#;
        let advisories = parse(json, false).unwrap_or_default();
        assert_eq!(advisories.len(), 1);
        let a = &advisories[0];
        assert_eq!(a.package, "@modelcontextprotocol/sdk");
        assert_eq!(a.severity, Some(Severity::High));
        assert_eq!(a.fixed, vec!["1.24.0"]);
        assert_eq!(
            a.url.as_deref(),
            Some("https://github.com/advisories/GHSA-w48q-cv73-mx4w")
        );
        assert_eq!(a.affects("1.23.0"), Some(true));
        assert!(a.symbols.is_empty());
    }

    #[test]
    fn symbols_come_from_ecosystem_specific() {
        let json = r#"{
          "id": "GO-TEST-1",
          "affected": [
            {"package": {"ecosystem": "Go", "name": "golang.org/x/net"},
             "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "0.7.0"}]}],
             "ecosystem_specific": {"imports": [
               {"path": "golang.org/x/net/html", "symbols": ["Parse", "Tokenizer.Next"]},
               {"path": "golang.org/x/net/http2"}
             ]}},
            {"package": {"ecosystem": "crates.io", "name": "hyper"},
             "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "0.14.10"}]}],
             "ecosystem_specific": {"affects": {"arch": [], "os": [], "functions": ["hyper::server::conn::Http::serve_connection"]}}},
            {"package": {"ecosystem": "npm", "name": "odd"},
             "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}],
             "ecosystem_specific": {"imports": "not a list"}}
          ]
        }"#;
        let advisories = parse(json, false).unwrap_or_default();
        let symbols: Vec<(String, Vec<String>)> = advisories
            .into_iter()
            .map(|a| (a.package, a.symbols))
            .collect();
        assert_eq!(
            symbols,
            vec![
                (
                    "hyper".to_string(),
                    vec!["hyper::server::conn::Http::serve_connection".to_string()]
                ),
                ("odd".to_string(), Vec::new()),
                (
                    "golang.org/x/net".to_string(),
                    vec![
                        "golang.org/x/net/html.Parse".to_string(),
                        "golang.org/x/net/html.Tokenizer.Next".to_string(),
                        "golang.org/x/net/http2".to_string(),
                    ]
                ),
            ]
        );
    }

    #[test]
    fn pypa_yaml_with_git_ranges_and_malicious_and_withdrawn() {
        let yaml = "id: PYSEC-2021-76\ndetails: aiohttp before 3.7.4 has an open redirect.\nwithdrawn: 2024-01-01T00:00:00Z\naffected:\n- package:\n    name: AioHTTP\n    ecosystem: PyPI\n  ranges:\n  - type: GIT\n    repo: x\n    events:\n    - introduced: \"0\"\n    - fixed: abc\n  - type: ECOSYSTEM\n    events:\n    - introduced: \"0\"\n    - fixed: 3.7.4\n";
        let advisories = parse(yaml, true).unwrap_or_default();
        assert_eq!(advisories.len(), 1);
        assert_eq!(advisories[0].package, "aiohttp");
        assert!(advisories[0].withdrawn);
        assert_eq!(
            advisories[0].summary,
            "aiohttp before 3.7.4 has an open redirect."
        );
        let mal = r#"{"id": "MAL-2025-1", "affected": [{"package": {"ecosystem": "npm", "name": "evil"}, "versions": ["1.0.0"]}]}"#;
        let advisories = parse(mal, false).unwrap_or_default();
        assert_eq!(advisories[0].kind, AdvisoryKind::Malicious);
        assert_eq!(advisories[0].affects("1.0.0"), Some(true));
        assert_eq!(advisories[0].affects("1.0.1"), Some(false));
        assert!(parse("{", false).is_err());
    }
}
