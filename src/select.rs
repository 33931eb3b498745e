//! Which findings a user asked to see: `--select`/`--ignore` by rule id, id prefix or CWE
//! (as ruff's selectors), `--min-severity`, a reporting floor apart from the gate, and caps on
//! the findings shown per rule and per file.
//!
//! Selectors are checked against the rule set when they are parsed, so a typo is an error
//! rather than a filter that silently matches nothing.

use crate::finding::{Finding, Notice, NoticeCode, NoticeLevel, Report, Severity};
use crate::rules::RuleSet;
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;

/// One `--select`/`--ignore` value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selector {
    /// `CWE-78`
    Cwe(u32),
    /// `python-eval-exec`, and ids under it as a prefix: `python` matches `python-*`,
    /// `python-*` too.
    Rule(String),
}

impl Selector {
    /// Parses `text` and checks that it names a rule, a prefix of some rule's id, or a CWE.
    pub fn parse(text: &str, rules: &RuleSet) -> Result<Selector, String> {
        let t = text.trim();
        let upper = t.to_ascii_uppercase();
        if let Some(n) = upper.strip_prefix("CWE-") {
            return n
                .parse()
                .map(Selector::Cwe)
                .map_err(|_| format!("`{text}` is not a CWE (expected e.g. CWE-78)"));
        }
        let selector = Selector::Rule(t.trim_end_matches('*').trim_end_matches('-').to_string());
        if selector.rule_id_matches_any(rules) {
            Ok(selector)
        } else {
            Err(format!(
                "`{text}` names no rule and no prefix of a rule id (see `mcpgate rules list`)"
            ))
        }
    }

    fn rule_id_matches_any(&self, rules: &RuleSet) -> bool {
        match self {
            Selector::Rule(p) if p.is_empty() => false,
            _ => rules.rules().iter().any(|r| self.matches_id(&r.id, &r.cwe)),
        }
    }

    fn matches_id(&self, id: &str, cwe: &[u32]) -> bool {
        match self {
            Selector::Cwe(n) => cwe.contains(n),
            Selector::Rule(prefix) => {
                id == prefix
                    || id
                        .strip_prefix(prefix.as_str())
                        .is_some_and(|rest| rest.starts_with('-') || rest.starts_with('/'))
            }
        }
    }

    pub fn matches(&self, finding: &Finding) -> bool {
        self.matches_id(&finding.rule_id, &finding.cwe)
    }
}

/// The findings to show.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// When not empty, only findings one of these match.
    pub select: Vec<Selector>,
    /// Findings these match are dropped.
    pub ignore: Vec<Selector>,
    /// Findings below this are not shown; the gate still counts them.
    pub min_severity: Option<Severity>,
    pub caps: ResultCaps,
}

/// How many findings a report shows per rule and per file (0: no cap). A repository can make
/// any number of findings, and a report is read by people and by GitHub (which rejects more
/// than 25,000 results and keeps 5,000): past these, findings are counted by the gate and in
/// a notice, not shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResultCaps {
    pub per_rule: usize,
    pub per_file: usize,
}

impl Default for ResultCaps {
    fn default() -> Self {
        ResultCaps {
            per_rule: 1_000,
            per_file: 200,
        }
    }
}

impl Selection {
    pub fn parse(
        select: &[String],
        ignore: &[String],
        min_severity: Option<Severity>,
        rules: &RuleSet,
    ) -> Result<Selection, String> {
        let parse_all = |list: &[String]| -> Result<Vec<Selector>, String> {
            list.iter()
                .flat_map(|s| s.split(','))
                .filter(|s| !s.trim().is_empty())
                .map(|s| Selector::parse(s, rules))
                .collect()
        };
        Ok(Selection {
            select: parse_all(select)?,
            ignore: parse_all(ignore)?,
            min_severity,
            caps: ResultCaps::default(),
        })
    }

    /// Whether `--select`/`--ignore` keep the finding (they decide what the gate sees too).
    pub fn selects(&self, finding: &Finding) -> bool {
        (self.select.is_empty() || self.select.iter().any(|s| s.matches(finding)))
            && !self.ignore.iter().any(|s| s.matches(finding))
    }

    /// Drops the findings `--select`/`--ignore` leave out; returns how many.
    pub fn apply_selectors(&self, report: &mut Report) -> usize {
        let before = report.findings.len();
        report.findings.retain(|f| self.selects(f));
        before - report.findings.len()
    }

    /// Drops the findings under the reporting floor; returns how many. Apply it after the
    /// gate's verdict, which counts them.
    pub fn apply_floor(&self, report: &mut Report) -> usize {
        let Some(floor) = self.min_severity else {
            return 0;
        };
        let before = report.findings.len();
        report.findings.retain(|f| f.severity >= floor);
        before - report.findings.len()
    }

    /// Drops the findings over the caps, the most severe kept first, and says in notices what
    /// was cut; returns how many. Apply it after the gate's verdict, which counts them.
    pub fn apply_caps(&self, report: &mut Report) -> usize {
        let ResultCaps { per_rule, per_file } = self.caps;
        let cap = |n: usize| if n == 0 { usize::MAX } else { n };
        let mut order: Vec<usize> = (0..report.findings.len()).collect();
        // Stable: among equals, report order (path, line) decides.
        order.sort_by_key(|&i| std::cmp::Reverse(report.findings.get(i).map(|f| f.severity)));
        let mut by_rule: HashMap<&str, usize> = HashMap::default();
        let mut by_file: HashMap<&str, usize> = HashMap::default();
        let mut cut_rule: BTreeMap<String, usize> = BTreeMap::new();
        let mut cut_file: BTreeMap<String, usize> = BTreeMap::new();
        let mut keep = vec![true; report.findings.len()];
        for i in order {
            let Some(f) = report.findings.get(i) else {
                continue;
            };
            let rule = by_rule.entry(&f.rule_id).or_default();
            let file = by_file.entry(&f.location.path).or_default();
            if *rule >= cap(per_rule) {
                *cut_rule.entry(f.rule_id.clone()).or_default() += 1;
            } else if *file >= cap(per_file) {
                *cut_file.entry(f.location.path.clone()).or_default() += 1;
            } else {
                *rule += 1;
                *file += 1;
                continue;
            }
            if let Some(k) = keep.get_mut(i) {
                *k = false;
            }
        }
        let cut = cut_rule.values().sum::<usize>() + cut_file.values().sum::<usize>();
        let mut notices = Vec::new();
        for (rule, n) in cut_rule {
            notices.push(Notice::new(
                NoticeCode::ReportCapped,
                ".",
                NoticeLevel::Warning,
                format!("{n} more finding(s) of {rule} not shown: over {per_rule} per rule (--max-results-per-rule); the gate counted them"),
            ));
        }
        for (path, n) in cut_file {
            notices.push(Notice::new(
                NoticeCode::ReportCapped,
                &path,
                NoticeLevel::Warning,
                format!("{n} more finding(s) in this file not shown: over {per_file} per file (--max-results-per-file); the gate counted them"),
            ));
        }
        let mut flags = keep.into_iter();
        report.findings.retain(|_| flags.next().unwrap_or(true));
        report.notices.extend(notices);
        report.notices.sort();
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> RuleSet {
        RuleSet::builtin().expect("builtin rules")
    }

    #[test]
    fn selectors_name_rules_prefixes_and_cwes() {
        let rules = rules();
        assert_eq!(
            Selector::parse("python-eval-exec", &rules),
            Ok(Selector::Rule("python-eval-exec".into()))
        );
        assert_eq!(
            Selector::parse("python-*", &rules),
            Ok(Selector::Rule("python".into()))
        );
        assert_eq!(Selector::parse("cwe-78", &rules), Ok(Selector::Cwe(78)));
        assert!(Selector::parse("pyhton", &rules).is_err());
        assert!(
            Selector::parse("pyth", &rules).is_err(),
            "prefixes end at a dash"
        );
        assert!(Selector::parse("CWE-x", &rules).is_err());
    }

    #[test]
    fn a_prefix_matches_whole_id_parts_only() {
        let s = Selector::Rule("dep-vulnerable".into());
        assert!(s.matches_id("dep-vulnerable", &[]));
        assert!(s.matches_id("dep-vulnerable/GHSA-1", &[]));
        assert!(!s.matches_id("dep-vulnerables", &[]));
    }
}
