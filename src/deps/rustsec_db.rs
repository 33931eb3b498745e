//! RustSec advisories (`crates/<name>/RUSTSEC-*.md`, Markdown with TOML front matter), read
//! with the `rustsec` crate and turned into the common model.

use super::Ecosystem;
use super::advisory::{Advisory, AdvisoryKind, Range, severity_of_score};
use std::str::FromStr;

/// Parses one advisory file's text. Drafts (`RUSTSEC-0000-0000`) are `Ok(None)`.
pub fn parse(text: &str) -> Result<Option<Advisory>, String> {
    // rustsec 0.33 slices the first 20 bytes of a file without this opening for its error
    // message, which panics inside a multi-byte character (found by fuzzing).
    if !text.starts_with("```toml") {
        return Err("not a RustSec advisory: it does not start with ```toml".into());
    }
    let advisory = rustsec::Advisory::from_str(text).map_err(|e| e.to_string())?;
    let meta = &advisory.metadata;
    if meta.id.is_placeholder() {
        return Ok(None);
    }
    let kind = match &meta.informational {
        None => AdvisoryKind::Vulnerability,
        Some(info) if info.is_unmaintained() => AdvisoryKind::Unmaintained,
        Some(_) => AdvisoryKind::Informational,
    };
    let score = meta.cvss.as_ref().map(|c| c.score());
    let strings = |reqs: &[rustsec::VersionReq]| -> Vec<String> {
        reqs.iter().map(ToString::to_string).collect()
    };
    let patched = strings(advisory.versions.patched());
    let unaffected = strings(advisory.versions.unaffected());
    let fixed = patched
        .iter()
        .filter_map(|req| lowest_version(req))
        .collect();
    let ranges = if patched.is_empty() && unaffected.is_empty() {
        Vec::new()
    } else {
        vec![Range::Requirements {
            patched,
            unaffected,
        }]
    };
    Ok(Some(Advisory {
        id: meta.id.as_str().to_string(),
        aliases: meta
            .aliases
            .iter()
            .map(|a| a.as_str().to_string())
            .collect(),
        summary: meta.title.trim().to_string(),
        kind,
        ecosystem: Ecosystem::CratesIo,
        package: meta.package.as_str().to_string(),
        severity: score.map(severity_of_score),
        score,
        ranges,
        versions: Vec::new(),
        fixed,
        url: Some(
            meta.url
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_else(|| format!("https://rustsec.org/advisories/{}", meta.id.as_str())),
        ),
        withdrawn: meta.withdrawn.is_some(),
        symbols: advisory
            .affected
            .iter()
            .flat_map(|a| a.functions.keys())
            .map(ToString::to_string)
            .collect(),
    }))
}

/// `>= 0.9.1` or `^1.2` to the version it starts from, for the "upgrade to" hint.
fn lowest_version(req: &str) -> Option<String> {
    let first = req.split(',').next()?.trim();
    let version = first.trim_start_matches(['>', '=', '^', '~', ' ']);
    (first.starts_with(">=") || first.starts_with('^') || first.starts_with('~'))
        .then(|| version.trim().to_string())
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;

    const ADVISORY: &str = "```toml\n[advisory]\nid = \"RUSTSEC-2020-0105\"\npackage = \"abi_stable\"\naliases = [\"CVE-2020-36212\"]\ncvss = \"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H\"\ndate = \"2020-12-21\"\n\n[versions]\npatched = [\">= 0.9.1\"]\n```\n\n# Update unsound DrainFilter\n\nText.\n";

    #[test]
    fn a_rustsec_advisory_reads_into_the_common_model() {
        let a = parse(ADVISORY).ok().flatten();
        let Some(a) = a else {
            panic!("advisory did not parse: {:?}", parse(ADVISORY));
        };
        assert_eq!(a.id, "RUSTSEC-2020-0105");
        assert_eq!(a.summary, "Update unsound DrainFilter");
        assert_eq!(a.severity, Some(Severity::High));
        assert_eq!(a.fixed, vec!["0.9.1"]);
        assert_eq!(a.affects("0.9.0"), Some(true));
        assert_eq!(a.affects("0.9.1"), Some(false));
        assert!(a.symbols.is_empty());
        assert!(parse("not an advisory").is_err());
        let with_functions = ADVISORY.replace(
            "[versions]",
            "[affected.functions]\n\"abi_stable::std_types::RVec::drain_filter\" = [\"< 0.9.1\"]\n\n[versions]",
        );
        let a = parse(&with_functions).ok().flatten();
        assert_eq!(
            a.map(|a| a.symbols),
            Some(vec![
                "abi_stable::std_types::RVec::drain_filter".to_string()
            ])
        );
    }

    /// Found by `cargo fuzz run advisory`: a file without the ```toml opening whose 20th byte
    /// falls inside a multi-byte character made rustsec panic.
    #[test]
    fn a_file_without_the_toml_opening_is_an_error_not_a_panic() {
        let text = "`\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}``toml\n[advisory]\nid = \"RUSTSEC-2025-0056\"\n";
        let err = parse(text).unwrap_err();
        assert!(err.starts_with("not a RustSec advisory"), "{err}");
    }
}
