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
