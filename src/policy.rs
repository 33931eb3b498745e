//! The repository's policy applied to a finished report: severity overrides and `[[ignore]]`
//! entries from `.mcpgate.toml`. Entries that match nothing, and entries past their expiry,
//! are reported, so the list of accepted risks cannot silently rot.

use crate::config::{Config, IgnoreEntry};
use crate::finding::{Finding, Notice, NoticeLevel, Report};
use chrono::NaiveDate;
use globset::GlobMatcher;

/// Applies `config`'s `[severity]` overrides and, when `ignores` is true, its `[[ignore]]`
/// entries to `report`. `config_path` is the config file as reports name it; `today` decides
/// expiry. Returns how many findings the entries silenced.
pub fn apply(
    report: &mut Report,
    config: &Config,
    config_path: &str,
    today: NaiveDate,
    ignores: bool,
) -> usize {
    for f in &mut report.findings {
        if let Some((_, level)) = config.severity.iter().find(|(id, _)| *id == f.rule_id) {
            f.severity = *level;
        }
    }
    if !ignores || config.ignores.is_empty() {
        return 0;
    }
    let entries: Vec<(&IgnoreEntry, Option<GlobMatcher>)> = config
        .ignores
        .iter()
        .map(|e| {
            let glob = e
                .path
                .as_deref()
                .and_then(|p| globset::Glob::new(p).ok())
                .map(|g| g.compile_matcher());
            (e, glob)
        })
        .collect();
    let mut used = vec![0usize; entries.len()];
    let before = report.findings.len();
    report.findings.retain(|f| {
        let hit = entries
            .iter()
            .position(|(e, glob)| covers(e, glob.as_ref(), f) && !expired(e, today));
        if let Some(i) = hit
            && let Some(n) = used.get_mut(i)
        {
            *n += 1;
        }
        hit.is_none()
    });
    for ((entry, glob), n) in entries.iter().zip(&used) {
        if expired(entry, today) {
            let still = report
                .findings
                .iter()
                .filter(|f| covers(entry, glob.as_ref(), f))
                .count();
            report.notices.push(Notice::new(
                crate::finding::NoticeCode::PolicyIgnore,
                config_path,
                NoticeLevel::Warning,
                format!(
                    "line {}: the `[[ignore]]` of `{}` expired on {}; its {still} finding(s) are reported again: fix them or renew the entry",
                    entry.line,
                    entry.rule,
                    entry.expires.map(|d| d.to_string()).unwrap_or_default()
                ),
            ));
        } else if *n == 0 {
            report.notices.push(Notice::new(
                crate::finding::NoticeCode::PolicyIgnore,
                config_path,
                NoticeLevel::Warning,
                format!(
                    "line {}: the `[[ignore]]` of `{}` matches no finding: remove it",
                    entry.line, entry.rule
                ),
            ));
        }
    }
    report.notices.sort();
    before - report.findings.len()
}

fn covers(entry: &IgnoreEntry, glob: Option<&GlobMatcher>, f: &Finding) -> bool {
    entry.rule == f.rule_id
        && glob.is_none_or(|g| g.is_match(&f.location.path))
        && entry
            .fingerprint
            .as_ref()
            .is_none_or(|fp| *fp == f.fingerprint)
}

fn expired(entry: &IgnoreEntry, today: NaiveDate) -> bool {
    entry.expires.is_some_and(|last| today > last)
}

/// Today in UTC, for expiry.
pub fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}
