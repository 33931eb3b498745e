//! The library's entry point: settings in, one finished `ScanRun` out, as a user sees it
//! (config, rules, the scan, then triage: selection, policy, baseline, diff, verdict,
//! floor). The CLI, the action and any other front end call this and only render.
//!
//! ```no_run
//! use mcpgate::scanner::{ScanSettings, run};
//! let settings = ScanSettings { paths: vec!["examples/vulnerable-server".into()], ..Default::default() };
//! let run = run(&settings)?;
//! println!("{} findings, exit {}", run.report.findings.len(), run.verdict.exit_code());
//! # Ok::<(), mcpgate::Error>(())
//! ```

use crate::config::Config;
use crate::deps::AuditOptions;
use crate::error::{Error, Result};
use crate::finding::{Report, Severity};
use crate::gate::{FailOn, Verdict};
use crate::rules::RuleSet;
use crate::scan::{Progress, ScanOptions, scan};
use std::path::PathBuf;

/// Where the settings file comes from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ConfigSource {
    /// `.mcpgate.toml` at the scan root, if there is one.
    #[default]
    Discover,
    File(PathBuf),
    /// None at all (`--no-config`, for changes you do not trust).
    Ignore,
}

/// Everything a scan can be told; each field is a command-line flag of `mcpgate scan`.
#[derive(Clone, Debug, Default)]
pub struct ScanSettings {
    pub paths: Vec<PathBuf>,
    pub root: Option<PathBuf>,
    pub config: ConfigSource,
    pub rule_dirs: Vec<PathBuf>,
    pub exclude: Vec<String>,
    pub no_default_excludes: bool,
    /// Scan what `.gitignore`/`.ignore` hide, untracked files too.
    pub no_gitignore: bool,
    pub max_file_size: Option<u64>,
    pub jobs: Option<usize>,
    /// `--since REF` or `--git-range BASE..HEAD`.
    pub history: Option<String>,
    pub db: Option<PathBuf>,
    pub no_audit: bool,
    pub require_audit: bool,
    pub baseline: Option<PathBuf>,
    pub diff_base: Option<String>,
    pub no_ignore: bool,
    pub fail_on: Option<FailOn>,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub min_severity: Option<Severity>,
    /// Findings shown per rule and per file (0: all); the gate counts every one.
    pub max_results_per_rule: Option<usize>,
    pub max_results_per_file: Option<usize>,
    pub stats: bool,
    /// Anything not checked (skipped files, partial parses, undecided versions, archive
    /// entries not read) makes the result incomplete: exit 2.
    pub strict: bool,
    /// Report findings in test code too (`crate::test_code`).
    pub include_tests: bool,
    /// Keep per-file results in this directory across runs (`crate::result_cache`).
    pub cache: Option<PathBuf>,
    pub progress: Option<Progress>,
}

/// A finished scan, triaged.
pub struct ScanRun {
    pub report: Report,
    pub rules: RuleSet,
    pub verdict: Verdict,
    /// What triage left out, for the log.
    pub remarks: Vec<String>,
}

pub fn run(settings: &ScanSettings) -> Result<ScanRun> {
    let root = crate::scan::scan_root(&settings.paths, settings.root.as_deref())?;
    let config = match &settings.config {
        ConfigSource::Ignore => Config::default(),
        ConfigSource::File(path) => Config::load(path)?,
        ConfigSource::Discover => Config::discover(&root)?,
    };
    let mut rule_dirs = config.rules.clone();
    rule_dirs.extend(settings.rule_dirs.iter().cloned());
    let rules = config.apply_disable(&RuleSet::builtin_and(&rule_dirs)?)?;
    let mut exclude = config.exclude.clone();
    exclude.extend(settings.exclude.iter().cloned());
    let mut selection = crate::select::Selection::parse(
        &settings.select,
        &settings.ignore,
        settings.min_severity,
        &rules,
    )
    .map_err(Error::Setting)?;
    if let Some(n) = settings.max_results_per_rule {
        selection.caps.per_rule = n;
    }
    if let Some(n) = settings.max_results_per_file {
        selection.caps.per_file = n;
    }
    let options = ScanOptions {
        paths: settings.paths.clone(),
        root: settings.root.clone(),
        exclude,
        default_excludes: !settings.no_default_excludes && config.default_excludes.unwrap_or(true),
        ignore_files: !settings.no_gitignore,
        max_file_size: settings
            .max_file_size
            .or(config.max_file_size)
            .unwrap_or(crate::limits::DEFAULT_MAX_FILE_SIZE),
        jobs: settings.jobs,
        history: match &settings.history {
            Some(range) => Some(range.parse().map_err(Error::Setting)?),
            None => None,
        },
        audit: AuditOptions {
            db: settings
                .db
                .clone()
                .or_else(|| config.audit_db.clone())
                .unwrap_or_else(crate::deps::store::default_dir),
            advisories: !settings.no_audit,
            max_age_days: config
                .audit_max_age_days
                .unwrap_or(AuditOptions::default().max_age_days),
            ignore: config.audit_ignore.clone(),
            required: settings.require_audit || config.audit_required.unwrap_or(false),
        },
        inline_ignores: !settings.no_ignore,
        stats: settings.stats,
        progress: settings.progress.clone(),
        include_tests: settings.include_tests || config.include_tests.unwrap_or(false),
        cache: settings.cache.clone(),
        ..ScanOptions::default()
    };
    // A baseline or base that cannot be read fails before the scan's time is spent.
    let baseline = match &settings.baseline {
        Some(path) => Some((
            crate::baseline::Baseline::load(path).map_err(|e| Error::Setting(e.to_string()))?,
            path.display().to_string(),
        )),
        None => None,
    };
    let changed = match &settings.diff_base {
        Some(rev) => Some(
            crate::diff::ChangedSince::open(&root, rev)
                .map_err(|e| Error::Setting(e.to_string()))?,
        ),
        None => None,
    };
    let strict = settings.strict || config.strict.unwrap_or(false);
    let mut triage = crate::triage::Triage {
        config_name: config.display_path(&root),
        fail_on: settings
            .fail_on
            .or(config.fail_on)
            .unwrap_or(FailOn::AtLeast(Severity::High)),
        config,
        selection,
        inline_ignores: !settings.no_ignore,
        baseline,
        changed,
        today: crate::policy::today(),
        strict,
    };
    let mut report = scan(&options, &rules)?;
    let outcome = triage.apply(&mut report, &rules);
    Ok(ScanRun {
        report,
        rules,
        verdict: outcome.verdict,
        remarks: outcome.remarks,
    })
}
