//! The one advisory model every source (OSV JSON or YAML, RustSec Markdown) is read into, and
//! the question the audit asks of it: is this version affected?

use super::Ecosystem;
use super::version::Version;
use crate::finding::Severity;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::str::FromStr;

/// An advisory about one package of one ecosystem. An OSV record naming several packages
/// becomes one `Advisory` per package.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Advisory {
    pub id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    pub summary: String,
    pub kind: AdvisoryKind,
    pub ecosystem: Ecosystem,
    /// The package name as the ecosystem compares it (`Ecosystem::normalize_name`).
    pub package: String,
    /// Severity from the CVSS vector, else from the database's own label; `None` when the
    /// advisory gives neither.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// The CVSS base score, when there is a vector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<Range>,
    /// Versions listed one by one (OSV `versions`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<String>,
    /// Versions that fix it, for the "upgrade to" hint.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fixed: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub withdrawn: bool,
    /// The functions, types or modules that hold the vulnerable code, as the advisory names
    /// them (RustSec `affected.functions`, OSV `ecosystem_specific`): `crate::Type::method`,
    /// `golang.org/x/net/html.Parse`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub symbols: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AdvisoryKind {
    Vulnerability,
    /// A package published to attack its users (OSV `MAL-` records).
    Malicious,
    /// RustSec informational: no longer maintained.
    Unmaintained,
    /// RustSec informational: unsound, or another notice.
    Informational,
}

/// Affected versions as ranges: OSV events, or RustSec's semver requirements.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Range {
    /// OSV `SEMVER` and `ECOSYSTEM` ranges (the ecosystem decides the order either way).
    Events { events: Vec<Event> },
    /// RustSec: affected unless a `patched` or `unaffected` requirement matches.
    Requirements {
        #[serde(default)]
        patched: Vec<String>,
        #[serde(default)]
        unaffected: Vec<String>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    Introduced(String),
    Fixed(String),
    LastAffected(String),
    Limit(String),
}

impl Event {
    fn version(&self) -> &str {
        match self {
            Event::Introduced(v) | Event::Fixed(v) | Event::LastAffected(v) | Event::Limit(v) => v,
        }
    }
}

/// Whether `version` is affected. `None` when the advisory's ranges cannot be ordered against
/// it (a version the ecosystem's scheme cannot parse), so the caller can say so rather than
/// guess.
impl Advisory {
    pub fn affects(&self, version: &str) -> Option<bool> {
        if self.withdrawn {
            return Some(false);
        }
        let parsed = Version::parse(self.ecosystem, version);
        if self.versions.iter().any(|listed| {
            listed == version
                || parsed.as_ref().is_some_and(|p| {
                    Version::parse(self.ecosystem, listed)
                        .and_then(|l| p.compare(&l))
                        .is_some_and(Ordering::is_eq)
                })
        }) {
            return Some(true);
        }
        if self.ranges.is_empty() {
            // A record with neither ranges nor versions affects every version (OSV, and
            // RustSec informational advisories with no patched version).
            return Some(self.versions.is_empty());
        }
        let parsed = parsed?;
        let mut undecided = false;
        for range in &self.ranges {
            match range_affects(self.ecosystem, range, &parsed, version) {
                Some(true) => return Some(true),
                Some(false) => {}
                None => undecided = true,
            }
        }
        if undecided { None } else { Some(false) }
    }

    /// The lowest fixed version above `version`, for the message.
    pub fn fix_for(&self, version: &str) -> Option<&str> {
        let current = Version::parse(self.ecosystem, version)?;
        self.fixed
            .iter()
            .filter_map(|f| Version::parse(self.ecosystem, f).map(|v| (f, v)))
            .filter(|(_, v)| v.compare(&current) == Some(Ordering::Greater))
            .min_by(|(_, a), (_, b)| a.compare(b).unwrap_or(Ordering::Equal))
            .map(|(f, _)| f.as_str())
    }

    /// Whether two advisories describe one vulnerability (one is an alias of the other).
    pub fn same_as(&self, other: &Advisory) -> bool {
        let names = |a: &'_ Advisory| -> Vec<String> {
            std::iter::once(&a.id)
                .chain(&a.aliases)
                .map(|s| s.to_ascii_uppercase())
                .collect()
        };
        let mine = names(self);
        names(other).iter().any(|n| mine.contains(n))
    }
}

fn range_affects(ecosystem: Ecosystem, range: &Range, parsed: &Version, raw: &str) -> Option<bool> {
    match range {
        Range::Events { events } => {
            // OSV's evaluation: sort the events by version, then walk them; an event applies
            // when the version has reached it.
            let mut keyed: Vec<(Option<Version>, &Event)> = Vec::with_capacity(events.len());
            for event in events {
                let v = event.version();
                if matches!(event, Event::Introduced(_)) && v == "0" {
                    keyed.push((None, event));
                    continue;
                }
                keyed.push((Some(Version::parse(ecosystem, v)?), event));
            }
            keyed.sort_by(|(a, _), (b, _)| match (a, b) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Less,
                (Some(_), None) => Ordering::Greater,
                (Some(a), Some(b)) => a.compare(b).unwrap_or(Ordering::Equal),
            });
            let mut affected = false;
            for (at, event) in keyed {
                let order = match &at {
                    None => Ordering::Greater,
                    Some(at) => parsed.compare(at)?,
                };
                match event {
                    Event::Introduced(_) if order.is_ge() => affected = true,
                    Event::Fixed(_) | Event::Limit(_) if order.is_ge() => affected = false,
                    Event::LastAffected(_) if order.is_gt() => affected = false,
                    _ => {}
                }
            }
            Some(affected)
        }
        Range::Requirements {
            patched,
            unaffected,
        } => {
            let version = semver::Version::parse(raw.trim()).ok()?;
            let matches_any = |reqs: &[String]| -> Option<bool> {
                let mut any = false;
                for req in reqs {
                    any |= semver::VersionReq::from_str(req).ok()?.matches(&version);
                }
                Some(any)
            };
            Some(!matches_any(patched)? && !matches_any(unaffected)?)
        }
    }
}

/// A CVSS vector's base score (v2, v3.x or v4), or `None` when it does not parse.
pub fn cvss_score(vector: &str) -> Option<f64> {
    cvss::Cvss::from_str(vector.trim()).ok().map(|c| c.score())
}

/// GitHub's bands: 9.0 and up critical, 7.0 high, 4.0 medium, above 0 low.
pub fn severity_of_score(score: f64) -> Severity {
    if score >= 9.0 {
        Severity::Critical
    } else if score >= 7.0 {
        Severity::High
    } else if score >= 4.0 {
        Severity::Medium
    } else if score > 0.0 {
        Severity::Low
    } else {
        Severity::Info
    }
}

/// A database's own label: GHSA `CRITICAL`/`HIGH`/`MODERATE`/`LOW`, RustSec and others'
/// `medium`.
pub fn severity_of_label(label: &str) -> Option<Severity> {
    match label.trim().to_ascii_lowercase().as_str() {
        "critical" => Some(Severity::Critical),
        "high" | "important" => Some(Severity::High),
        "moderate" | "medium" => Some(Severity::Medium),
        "low" => Some(Severity::Low),
        "none" | "info" | "informational" => Some(Severity::Info),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn advisory(ecosystem: Ecosystem, ranges: Vec<Range>, versions: &[&str]) -> Advisory {
        Advisory {
            id: "GHSA-TEST".into(),
            aliases: vec!["CVE-2025-1".into()],
            summary: "test".into(),
            kind: AdvisoryKind::Vulnerability,
            ecosystem,
            package: "p".into(),
            severity: None,
            score: None,
            ranges,
            versions: versions.iter().map(|s| s.to_string()).collect(),
            fixed: vec!["1.24.0".into(), "2.1.0".into()],
            url: None,
            withdrawn: false,
            symbols: Vec::new(),
        }
    }

    fn events(list: &[(&str, &str)]) -> Range {
        Range::Events {
            events: list
                .iter()
                .map(|(k, v)| match *k {
                    "introduced" => Event::Introduced(v.to_string()),
                    "fixed" => Event::Fixed(v.to_string()),
                    "last_affected" => Event::LastAffected(v.to_string()),
                    _ => Event::Limit(v.to_string()),
                })
                .collect(),
        }
    }

    #[test]
    fn osv_events_bound_the_affected_versions() {
        let a = advisory(
            Ecosystem::Npm,
            vec![events(&[
                ("introduced", "0"),
                ("fixed", "1.24.0"),
                ("introduced", "2.0.0"),
                ("last_affected", "2.0.5"),
            ])],
            &[],
        );
        assert_eq!(a.affects("1.23.0"), Some(true));
        assert_eq!(a.affects("1.24.0"), Some(false));
        assert_eq!(a.affects("1.99.0"), Some(false));
        assert_eq!(a.affects("2.0.5"), Some(true));
        assert_eq!(a.affects("2.0.6"), Some(false));
        assert_eq!(a.affects("garbage"), None);
        assert_eq!(a.fix_for("1.23.0"), Some("1.24.0"));
        assert_eq!(a.fix_for("2.0.1"), Some("2.1.0"));
    }

    #[test]
    fn pypi_ranges_use_pep_440_and_listed_versions_match_normalized() {
        let a = advisory(
            Ecosystem::PyPi,
            vec![events(&[("introduced", "1.0rc1"), ("fixed", "1.23")])],
            &["0.9.0"],
        );
        assert_eq!(a.affects("1.0"), Some(true));
        assert_eq!(a.affects("1.22.99"), Some(true));
        assert_eq!(a.affects("1.23.0"), Some(false));
        assert_eq!(a.affects("0.9"), Some(true));
        assert_eq!(a.affects("0.8"), Some(false));
    }

    #[test]
    fn rustsec_requirements_and_withdrawn() {
        let mut a = advisory(
            Ecosystem::CratesIo,
            vec![Range::Requirements {
                patched: vec![">= 0.4.2".into()],
                unaffected: vec!["< 0.2.0".into()],
            }],
            &[],
        );
        assert_eq!(a.affects("0.3.0"), Some(true));
        assert_eq!(a.affects("0.4.2"), Some(false));
        assert_eq!(a.affects("0.1.0"), Some(false));
        a.withdrawn = true;
        assert_eq!(a.affects("0.3.0"), Some(false));
    }

    #[test]
    fn cvss_vectors_score_and_band() {
        let v3 = cvss_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").unwrap_or(0.0);
        assert!((v3 - 9.8).abs() < 0.01, "{v3}");
        assert_eq!(severity_of_score(v3), Severity::Critical);
        let v4 = cvss_score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N")
            .unwrap_or(0.0);
        assert!((v4 - 9.3).abs() < 0.01, "{v4}");
        assert_eq!(severity_of_score(5.3), Severity::Medium);
        assert_eq!(cvss_score("not a vector"), None);
        assert_eq!(severity_of_label("MODERATE"), Some(Severity::Medium));
    }
}
