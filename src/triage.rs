//! What the user sees of a finished scan, decided in one place: the rules selected, the
//! diff, the repository's policy (`[severity]`, `[[ignore]]`), the baseline, the gate's
//! verdict, and last the reporting floor (which the verdict does not see).

use crate::baseline::Baseline;
use crate::config::Config;
use crate::diff::ChangedSince;
use crate::finding::Report;
use crate::gate::{FailOn, Verdict, verdict};
use crate::rules::RuleSet;
use crate::select::Selection;

/// Everything triage needs, resolved before the scan (a baseline or base that cannot be read
/// fails before the scan's time is spent).
pub struct Triage {
    pub config: Config,
    /// The config file as reports name it.
    pub config_name: String,
    pub selection: Selection,
    pub inline_ignores: bool,
    pub baseline: Option<(Baseline, String)>,
    pub changed: Option<ChangedSince>,
    pub fail_on: FailOn,
    pub today: chrono::NaiveDate,
    /// Whatever could not be checked makes the result incomplete (`--strict`).
    pub strict: bool,
}

/// The verdict, and what each step left out, for the log.
pub struct Outcome {
    pub verdict: Verdict,
    pub remarks: Vec<String>,
}

impl Triage {
    /// `rules` are the scan's: diff mode analyzes the base's copy of changed files with them.
    pub fn apply(&mut self, report: &mut Report, rules: &RuleSet) -> Outcome {
        let mut remarks = Vec::new();
        let unselected = self.selection.apply_selectors(report);
        if unselected > 0 {
            remarks.push(format!(
                "{unselected} finding(s) of rules left out by --select/--ignore are not reported"
            ));
        }
        // Before the policy: the base's copy is analyzed without it, so severities compare
        // like with like.
        if let Some(changed) = &mut self.changed {
            let old = changed.filter(report, rules);
            remarks.push(format!(
                "{old} finding(s) already present at {} are not reported",
                changed.base_name()
            ));
        }
        let silenced = crate::policy::apply(
            report,
            &self.config,
            &self.config_name,
            self.today,
            self.inline_ignores,
        );
        if silenced > 0 {
            remarks.push(format!(
                "{silenced} finding(s) accepted by [[ignore]] entries of {}",
                self.config_name
            ));
        }
        if let Some((baseline, name)) = &self.baseline {
            let known = baseline.filter(report);
            remarks.push(format!(
                "{known} finding(s) already in the baseline {name} are not reported"
            ));
        }
        if self.strict {
            let mut escalated = 0;
            for n in &mut report.notices {
                if n.code.unchecked() && n.level != crate::finding::NoticeLevel::Error {
                    n.level = crate::finding::NoticeLevel::Error;
                    escalated += 1;
                }
            }
            if escalated > 0 {
                remarks.push(format!(
                    "--strict: {escalated} notice(s) of what could not be checked count as errors"
                ));
            }
        }
        // After selection and policy: a finding ignored there does not swallow another.
        let merged = merge_same_call(report, rules);
        if merged > 0 {
            remarks.push(format!(
                "{merged} finding(s) merged into another finding at the same call"
            ));
        }
        let verdict = verdict(report, self.fail_on);
        let below = self.selection.apply_floor(report);
        if below > 0 {
            remarks.push(format!(
                "{below} finding(s) below --min-severity are not shown (the gate counts them)"
            ));
        }
        let capped = self.selection.apply_caps(report);
        if capped > 0 {
            remarks.push(format!(
                "{capped} finding(s) over the result caps are not shown (the gate counts them)"
            ));
        }
        Outcome { verdict, remarks }
    }
}

/// Merges each finding of a rule with `merge_into` into a finding of one of those rules at the
/// same place: the kept finding gains its CWEs and names its rule. Returns how many merged.
pub fn merge_same_call(report: &mut Report, rules: &RuleSet) -> usize {
    use std::collections::HashMap;
    let place = |f: &crate::finding::Finding| {
        let l = &f.location;
        (
            l.path.clone(),
            l.archive.clone(),
            l.start_line,
            l.start_column,
            l.end_line,
            l.end_column,
        )
    };
    let mut at: HashMap<_, Vec<usize>> = HashMap::new();
    for (i, f) in report.findings.iter().enumerate() {
        at.entry(place(f)).or_default().push(i);
    }
    let mut into: Vec<Option<usize>> = vec![None; report.findings.len()];
    for (i, f) in report.findings.iter().enumerate() {
        let Some(rule) = rules.get(&f.rule_id) else {
            continue;
        };
        if rule.merge_into.is_empty() {
            continue;
        }
        let target = at.get(&place(f)).and_then(|others| {
            others.iter().copied().find(|&j| {
                report.findings.get(j).is_some_and(|g| {
                    rule.merge_into.contains(&g.rule_id)
                        && rules
                            .get(&g.rule_id)
                            .is_some_and(|r| r.merge_into.is_empty())
                })
            })
        });
        if let Some(slot) = into.get_mut(i) {
            *slot = target;
        }
    }
    let mut merged = 0;
    for (i, target) in into.iter().enumerate() {
        let (Some(j), Some(f)) = (target, report.findings.get(i)) else {
            continue;
        };
        let (cwe, id) = (f.cwe.clone(), f.rule_id.clone());
        let title = rules.get(&id).map(|r| r.title.clone()).unwrap_or_default();
        if let Some(g) = report.findings.get_mut(*j) {
            for c in cwe {
                if !g.cwe.contains(&c) {
                    g.cwe.push(c);
                }
            }
            g.message.push_str(&format!(" (also {id}: {title})"));
            merged += 1;
        }
    }
    let mut keep = into.iter().map(Option::is_none);
    report.findings.retain(|_| keep.next().unwrap_or(true));
    merged
}
