//! The command line: parses arguments, calls the library, writes outputs, maps the verdict to
//! an exit code. The only module that prints; it holds no analysis logic.

// The one module that talks to the terminal (the lint denies printing everywhere else).
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod action_cmd;
mod args;
mod db_cmd;
mod progress;
mod rules_cmd;
mod tools_cmd;
mod upload_cmd;

use crate::gate::Verdict;
use crate::report::{Format, RenderOptions, render};
use crate::scan::Progress;
use crate::scanner::{ConfigSource, ScanRun, ScanSettings};
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
            // Errors quote file contents and names: escaped, and redacted, like every output.
            eprintln!(
                "mcpgate: error: {}",
                crate::display::printable(&crate::redact::scrub(&message))
            );
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// The scan `args` describe, run by the library (which also triages it); the CLI adds only
/// the progress display.
pub(crate) fn execute(args: &ScanArgs) -> Result<ScanRun, String> {
    let settings = ScanSettings {
        paths: args.paths.clone(),
        root: args.root.clone(),
        config: match (&args.config, args.no_config) {
            (_, true) => ConfigSource::Ignore,
            (Some(path), false) => ConfigSource::File(path.clone()),
            (None, false) => ConfigSource::Discover,
        },
        rule_dirs: args.rules.clone(),
        exclude: args.exclude.clone(),
        no_default_excludes: args.no_default_excludes,
        no_gitignore: args.no_gitignore,
        max_results_per_rule: args.max_results_per_rule,
        max_results_per_file: args.max_results_per_file,
        max_file_size: args.max_file_size,
        jobs: args.jobs.map(usize::from),
        history: args.since.clone().or_else(|| args.git_range.clone()),
        db: args.db.clone(),
        no_audit: args.no_audit,
        require_audit: args.require_audit,
        baseline: args.baseline.clone(),
        diff_base: args.diff_base.clone(),
        no_ignore: args.no_ignore,
        fail_on: args.fail_on,
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        min_severity: args.min_severity,
        stats: args.stats,
        strict: args.strict,
        include_tests: args.include_tests,
        cache: args.cache.clone(),
        progress: progress::bar(args.quiet),
    };
    let run = crate::scanner::run(&settings).map_err(|e| e.to_string());
    if let Some(Progress(done)) = &settings.progress {
        done(crate::scan::ProgressEvent::Phase(progress::FINISHED));
    }
    run
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
            eprintln!(
                "mcpgate: {}",
                crate::display::printable(&crate::redact::scrub(remark))
            );
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
            "mcpgate: {files} error notice(s) above left this result incomplete (exit 2): fix \
             their cause, or --exclude the files they name"
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

/// Colour unless `--no-color` or a non-empty `NO_COLOR` (no-color.org) says otherwise.
fn use_color(no_color_flag: bool) -> bool {
    !no_color_flag && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Writes a report below the working directory's trust: no link planted in the tree is
/// followed (`output_file`).
fn write_file(path: &Path, body: &str) -> Result<(), String> {
    crate::output_file::write(path, body.as_bytes(), Path::new(".")).map_err(|e| e.to_string())
}
