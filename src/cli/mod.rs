//! The command line: parses arguments, calls the library, writes outputs, maps the verdict to
//! an exit code. The only module that prints; it holds no analysis logic.

mod action_cmd;
mod args;
mod db_cmd;
mod progress;
mod rules_cmd;
mod tools_cmd;
mod upload_cmd;

use crate::config::Config;
use crate::deps::AuditOptions;
use crate::finding::Severity;
use crate::gate::{FailOn, Verdict, verdict};
use crate::report::{Format, RenderOptions, render};
use crate::rules::RuleSet;
use crate::scan::{Progress, ScanOptions, scan};
use args::{BaselineCommand, Cli, Command, DbCommand, RulesCommand, ScanArgs};
use clap::Parser;
use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

/// Exit code for errors: bad arguments, unreadable root, invalid rule file.
const EXIT_ERROR: u8 = 2;

pub fn run(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are errors to clap, with exit code 0.
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(EXIT_ERROR));
        }
    };
    let result = match cli.command {
        Command::Scan(args) => run_scan(&args),
        Command::Rules { command } => match command {
            RulesCommand::List(a) => rules_cmd::list(&a),
            RulesCommand::Show(a) => rules_cmd::show(&a),
        },
        Command::Tools(args) => tools_cmd::run(&args),
        Command::Db { command } => match command {
            DbCommand::Update(a) => db_cmd::update(&a),
            DbCommand::Import(a) => db_cmd::import(&a),
            DbCommand::Status(a) => db_cmd::status(&a),
        },
        Command::Baseline { command } => match command {
            BaselineCommand::Write(a) => write_baseline(&a),
        },
        Command::Upload(a) => upload_cmd::run(&a),
        Command::Action => action_cmd::run(),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("mcpgate: error: {}", crate::redact::scrub(&message));
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// A finished scan with the repository's policy, baseline and diff applied.
pub(crate) struct ScanRun {
    pub report: crate::Report,
    pub rules: RuleSet,
    pub verdict: Verdict,
    /// What the filters did, for the log.
    pub remarks: Vec<String>,
}

/// Scans as `args` say and applies, in order: `[severity]` and `[[ignore]]` from the config,
/// the baseline, the diff. Everything the scan commands share.
pub(crate) fn execute(args: &ScanArgs) -> Result<ScanRun, String> {
    let config = load_config(args).map_err(|e| e.to_string())?;
    let mut rule_dirs = config.rules.clone();
    rule_dirs.extend(args.rules.iter().cloned());
    let rules = RuleSet::builtin_and(&rule_dirs).map_err(|e| e.to_string())?;
    let rules = config.apply_disable(&rules).map_err(|e| e.to_string())?;
    let mut exclude = config.exclude.clone();
    exclude.extend(args.exclude.iter().cloned());
    let selection =
        crate::select::Selection::parse(&args.select, &args.ignore, args.min_severity, &rules)?;
    let options = ScanOptions {
        paths: args.paths.clone(),
        root: args.root.clone(),
        exclude,
        default_excludes: !args.no_default_excludes && config.default_excludes.unwrap_or(true),
        max_file_size: args
            .max_file_size
            .or(config.max_file_size)
            .unwrap_or(crate::scan::DEFAULT_MAX_FILE_SIZE),
        jobs: args.jobs.map(usize::from),
        history: match args.since.as_ref().or(args.git_range.as_ref()) {
            Some(range) => Some(range.parse()?),
            None => None,
        },
        audit: AuditOptions {
            db: args
                .db
                .clone()
                .or_else(|| config.audit_db.clone())
                .unwrap_or_else(crate::deps::store::default_dir),
            advisories: !args.no_audit,
            max_age_days: config
                .audit_max_age_days
                .unwrap_or(AuditOptions::default().max_age_days),
            ignore: config.audit_ignore.clone(),
            required: args.require_audit || config.audit_required.unwrap_or(false),
        },
        inline_ignores: !args.no_ignore,
        stats: args.stats,
        progress: progress::bar(args.quiet),
        ..ScanOptions::default()
    };
    let fail_on = args
        .fail_on
        .or(config.fail_on)
        .unwrap_or(FailOn::AtLeast(Severity::High));
    let root =
        crate::scan::scan_root(&args.paths, args.root.as_deref()).map_err(|e| e.to_string())?;
    // A baseline or base that cannot be read fails before the scan's time is spent.
    let baseline = match &args.baseline {
        Some(path) => Some(crate::baseline::Baseline::load(path).map_err(|e| e.to_string())?),
        None => None,
    };
    let mut changed = match &args.diff_base {
        Some(rev) => Some(crate::diff::ChangedSince::open(&root, rev).map_err(|e| e.to_string())?),
        None => None,
    };
    let mut report = scan(&options, &rules).map_err(|e| e.to_string())?;
    if let Some(Progress(done)) = &options.progress {
        done(crate::scan::ProgressEvent::Phase(progress::FINISHED));
    }
    let mut remarks = Vec::new();
    let unselected = selection.apply_selectors(&mut report);
    if unselected > 0 {
        remarks.push(format!(
            "{unselected} finding(s) of rules left out by --select/--ignore are not reported"
        ));
    }
    let silenced = crate::policy::apply(
        &mut report,
        &config,
        &config.display_path(&root),
        crate::policy::today(),
        !args.no_ignore,
    );
    if silenced > 0 {
        remarks.push(format!(
            "{silenced} finding(s) accepted by [[ignore]] entries of {}",
            config.display_path(&root)
        ));
    }
    if let (Some(baseline), Some(path)) = (&baseline, &args.baseline) {
        let known = baseline.filter(&mut report);
        remarks.push(format!(
            "{known} finding(s) already in the baseline {} are not reported",
            path.display()
        ));
    }
    if let Some(changed) = &mut changed {
        let old = changed.filter(&mut report);
        remarks.push(format!(
            "{old} finding(s) on lines not changed since {} are not reported",
            changed.base_name()
        ));
    }
    let verdict = verdict(&report, fail_on);
    // The floor hides findings after the verdict, which counts them.
    let below = selection.apply_floor(&mut report);
    if below > 0 {
        remarks.push(format!(
            "{below} finding(s) below --min-severity are not shown (the gate counts them)"
        ));
    }
    Ok(ScanRun {
        report,
        rules,
        verdict,
        remarks,
    })
}

fn run_scan(args: &ScanArgs) -> Result<u8, String> {
    let ScanRun {
        report,
        rules,
        verdict,
        remarks,
    } = execute(args)?;
    let format: Format = args.format.into();
    let options = RenderOptions {
        category: args.category.clone(),
        ..RenderOptions::default()
    };

    if let Some(path) = &args.sarif {
        let sarif = render(Format::Sarif, &report, &rules, &options);
        write_file(path, &sarif)?;
    }
    let to_stdout = args.output.is_none();
    match &args.output {
        Some(path) => {
            let body = render(format, &report, &rules, &options);
            write_file(path, &body)?;
        }
        None if !args.quiet => {
            let stdout = std::io::stdout();
            let color = format == Format::Text && stdout.is_terminal() && use_color(args.no_color);
            let body = render(
                format,
                &report,
                &rules,
                &RenderOptions {
                    color,
                    ..options.clone()
                },
            );
            let mut lock = stdout.lock();
            // A closed pipe (`mcpgate scan | head`) is not an error worth reporting.
            if let Err(e) = lock.write_all(body.as_bytes()).and_then(|()| lock.flush())
                && e.kind() != std::io::ErrorKind::BrokenPipe
            {
                return Err(format!("cannot write to standard output: {e}"));
            }
        }
        None => {}
    }
    if !args.quiet {
        for remark in &remarks {
            eprintln!("mcpgate: {}", crate::redact::scrub(remark));
        }
    }
    if let Some(stats) = &report.stats {
        eprint!("{}", crate::report::stats_table(stats));
    }
    // Text on the terminal ends with its own summary; otherwise say on stderr what happened.
    let summary_already_shown = to_stdout && format == Format::Text;
    if !args.quiet && !summary_already_shown {
        eprintln!("mcpgate: {}", crate::report::summary_line(&report));
    }

    if let Verdict::Incomplete { files } = verdict
        && !args.quiet
    {
        eprintln!(
            "mcpgate: {files} file(s) could not be analyzed, so this result is incomplete (exit 2); \
             fix or --exclude them"
        );
    }
    Ok(verdict.exit_code())
}

/// `mcpgate baseline write`: the JSON report of a scan, to `--output` or
/// `.mcpgate-baseline.json`. Exit 0 unless the scan could not run or was incomplete.
fn write_baseline(args: &ScanArgs) -> Result<u8, String> {
    if args.baseline.is_some() || args.diff_base.is_some() {
        return Err("baseline write: --baseline and --diff-base would leave findings out".into());
    }
    let run = execute(args)?;
    let path = args
        .output
        .clone()
        .unwrap_or_else(|| std::path::PathBuf::from(".mcpgate-baseline.json"));
    let body = render(
        Format::Json,
        &run.report,
        &run.rules,
        &RenderOptions::default(),
    );
    write_file(&path, &body)?;
    if !args.quiet {
        eprintln!(
            "mcpgate: wrote {} finding(s) to {} as the baseline",
            run.report.findings.len(),
            path.display()
        );
    }
    Ok(if run.report.has_errors() {
        EXIT_ERROR
    } else {
        0
    })
}

/// `--config FILE`, else `.mcpgate.toml` at the scan root unless `--no-config`.
fn load_config(args: &ScanArgs) -> crate::Result<Config> {
    if args.no_config {
        return Ok(Config::default());
    }
    match &args.config {
        Some(path) => Config::load(path),
        None => Config::discover(&crate::scan::scan_root(&args.paths, args.root.as_deref())?),
    }
}

/// Colour unless `--no-color` or a non-empty `NO_COLOR` (no-color.org) says otherwise.
fn use_color(no_color_flag: bool) -> bool {
    !no_color_flag && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Writes a report below the working directory's trust: no link planted in the tree is
/// followed (`output_file`).
fn write_file(path: &Path, body: &str) -> Result<(), String> {
    crate::output_file::write(path, body.as_bytes(), Path::new(".")).map_err(|e| e.to_string())
}
