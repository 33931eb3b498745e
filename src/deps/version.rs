//! Version order per ecosystem: semver for crates.io, npm and Go (Go's `v` prefix and
//! `+incompatible` are tolerated), PEP 440 for PyPI (with its normalization: `1.0` equals
//! `1.0.0`, `1.0RC1` equals `1.0rc1`).

use super::Ecosystem;
use std::cmp::Ordering;
use std::str::FromStr;

/// A version parsed the way its ecosystem orders versions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Version {
    Semver(semver::Version),
    Pep440(pep440_rs::Version),
}

impl Version {
    pub fn parse(ecosystem: Ecosystem, text: &str) -> Option<Version> {
        let text = text.trim();
        match ecosystem {
            Ecosystem::PyPi => pep440_rs::Version::from_str(text).ok().map(Version::Pep440),
            Ecosystem::Go => parse_semver(text.strip_prefix('v').unwrap_or(text)),
            Ecosystem::CratesIo | Ecosystem::Npm => {
                parse_semver(text.strip_prefix('v').unwrap_or(text))
            }
        }
    }

    pub fn compare(&self, other: &Version) -> Option<Ordering> {
        match (self, other) {
            (Version::Semver(a), Version::Semver(b)) => Some(semver_order(a, b)),
            (Version::Pep440(a), Version::Pep440(b)) => Some(a.cmp(b)),
            _ => None,
        }
    }
}

/// Semver precedence: build metadata does not order versions (`+incompatible`).
fn semver_order(a: &semver::Version, b: &semver::Version) -> Ordering {
    (a.major, a.minor, a.patch)
        .cmp(&(b.major, b.minor, b.patch))
        .then_with(|| a.pre.cmp(&b.pre))
}

/// Strict semver, then with missing minor and patch filled in (`1`, `1.2`), which some npm
/// and Go advisories write.
fn parse_semver(text: &str) -> Option<Version> {
    if let Ok(v) = semver::Version::parse(text) {
        return Some(Version::Semver(v));
    }
    let (core, rest) = match text.find(['-', '+']) {
        Some(i) => text.split_at(i),
        None => (text, ""),
    };
    let parts = core.split('.').count();
    if core.is_empty() || parts >= 3 {
        return None;
    }
    let padded = format!("{core}{}{rest}", ".0".repeat(3 - parts));
    semver::Version::parse(&padded).ok().map(Version::Semver)
}

/// Compares two version strings of one ecosystem; `None` when either does not parse.
pub fn compare(ecosystem: Ecosystem, a: &str, b: &str) -> Option<Ordering> {
    let a = Version::parse(ecosystem, a)?;
    let b = Version::parse(ecosystem, b)?;
    a.compare(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pep440_orders_pre_releases_and_normalizes() {
        let c = |a, b| compare(Ecosystem::PyPi, a, b);
        assert_eq!(c("1.0", "1.0.0"), Some(Ordering::Equal));
        assert_eq!(c("1.0RC1", "1.0rc1"), Some(Ordering::Equal));
        assert_eq!(c("1.0rc1", "1.0"), Some(Ordering::Less));
        assert_eq!(c("1.0.post1", "1.0"), Some(Ordering::Greater));
        assert_eq!(c("1!0.1", "2.0"), Some(Ordering::Greater));
        assert_eq!(c("1.10", "1.9"), Some(Ordering::Greater));
    }

    #[test]
    fn semver_ignores_build_metadata_and_pads() {
        let c = |e, a, b| compare(e, a, b);
        assert_eq!(
            c(Ecosystem::Go, "v2.0.0+incompatible", "2.0.0"),
            Some(Ordering::Equal)
        );
        assert_eq!(c(Ecosystem::Npm, "1.2", "1.2.0"), Some(Ordering::Equal));
        assert_eq!(
            c(Ecosystem::Npm, "1.0.0-beta.2", "1.0.0-beta.11"),
            Some(Ordering::Less)
        );
        assert_eq!(
            c(Ecosystem::CratesIo, "0.10.0", "0.9.9"),
            Some(Ordering::Greater)
        );
        assert_eq!(c(Ecosystem::Npm, "not-a-version", "1.0.0"), None);
    }
}
