//! `mcpgate action`: the container action's entrypoint. Turns the step's inputs into a scan
//! command line, runs it, and writes what a workflow reads: annotations and the log on stdout,
//! the SARIF file, the step summary, the step outputs; then uploads the SARIF.
//!
//! The exit code is the scan's verdict. A refused upload (no Advanced Security, a read-only
//! token) is a warning and does not change it, so annotations still gate the pull request.

use super::args::{Cli, Command};
use super::execute;
use crate::finding::Severity;
use crate::github::action::{
    ActionInputs, OUTPUT_NAMES, UploadMode, expand_paths, inputs, output_lines,
};
use crate::github::upload::{Token, UploadError, UploadOptions, UploadOutcome, upload_sarif};
use crate::github::{ActionsEnv, head_commit, upload_target};
use crate::report::{Format, RenderOptions, render, workflow_command};
use crate::scanner::ScanRun;
use clap::Parser;
use std::io::Write;
use std::path::Path;

/// Test and mirror knob: milliseconds for the first status poll and retry wait.
const TIMING_VAR: &str = "MCPGATE_GITHUB_POLL_MS";

pub fn run() -> Result<u8, String> {
    let var = |name: &str| std::env::var(name).ok();
    let env = ActionsEnv::from_lookup(&var).map_err(|e| e.to_string())?;
    match run_in(&env) {
        Ok(code) => Ok(code),
        Err(message) => {
            // The step fails either way; the error also lands on the run's page, and the
            // outputs say so for steps that run `if: always()`.
            log(&workflow_command("error", "mcpgate", &message));
            if let Some(output) = &env.output {
                let _ = append(
                    output,
                    &output_lines(&[("exit_code", super::EXIT_ERROR.to_string())]),
                );
            }
            Err(message)
        }
    }
}

fn run_in(env: &ActionsEnv) -> Result<u8, String> {
    let var = |name: &str| std::env::var(name).ok();
    let inputs = inputs(&var)?;
    if let Some(workspace) = &env.workspace {
        std::env::set_current_dir(workspace)
            .map_err(|e| format!("GITHUB_WORKSPACE {}: {e}", workspace.display()))?;
    }
    if inputs.db.as_deref() == Some("update") {
        update_db(&inputs)?;
    }
    let paths = expand_paths(&inputs.paths, Path::new("."))?;
    crate::github::action::within_workspace(&paths, Path::new("."))?;
    let argv = scan_argv(&inputs, &paths, env, &mut |m| {
        log(&workflow_command("notice", "mcpgate", m))
    });
    let cli = Cli::try_parse_from(&argv).map_err(|e| {
        format!(
            "the inputs make an invalid scan command: {}",
            e.render().to_string().trim()
        )
    })?;
    let Command::Scan(args) = cli.command else {
        return Err("the inputs make no scan command".into());
    };
    let mut run = execute(&args)?;
    // GitHub resolves SARIF and annotation paths from the repository root, not the scan's.
    if let Some(prefix) = workspace_prefix(&args.paths) {
        run.report.rebase(&prefix);
    }
    let mut exit = run.verdict.exit_code();

    let options = RenderOptions {
        category: inputs.category.clone(),
        link_base: env.blob_url(),
        ..RenderOptions::default()
    };
    let sarif = render(Format::Sarif, &run.report, &run.rules, &options);
    crate::output_file::write(&inputs.sarif_file, sarif.as_bytes(), Path::new("."))
        .map_err(|e| e.to_string())?;
    show(&inputs, &run, &options);
    if let Some(summary) = &env.step_summary {
        let body = render(Format::Markdown, &run.report, &run.rules, &options);
        append(summary, &body)?;
    }
    let mut sarif_id = String::new();
    if let Some(upload_exit) = upload(&inputs, env, &sarif, &mut sarif_id) {
        exit = exit.max(upload_exit);
    }
    if let Some(output) = &env.output {
        append(
            output,
            &output_lines(&outputs(&inputs, &run, exit, sarif_id)),
        )?;
    }
    Ok(exit)
}

/// Where the scan root lies below the workspace (the current directory), when it is below.
fn workspace_prefix(paths: &[std::path::PathBuf]) -> Option<String> {
    let root = crate::scan::scan_root(paths, None).ok()?;
    let workspace = std::fs::canonicalize(".").ok()?;
    let rel = root.strip_prefix(&workspace).ok()?;
    Some(crate::walk::relative_to_root(rel)).filter(|p| !p.is_empty())
}

/// The `mcpgate scan` command line the inputs stand for.
fn scan_argv(
    inputs: &ActionInputs,
    paths: &[String],
    env: &ActionsEnv,
    note: &mut dyn FnMut(&str),
) -> Vec<String> {
    let mut argv: Vec<String> = vec!["mcpgate".into(), "scan".into()];
    argv.extend(paths.iter().cloned());
    let mut flag = |name: &str, value: Option<&str>| {
        if let Some(v) = value {
            argv.push(format!("--{name}={v}"));
        }
    };
    flag("fail-on", inputs.fail_on.as_deref());
    flag("config", inputs.config.as_deref());
    flag("baseline", inputs.baseline.as_deref());
    flag("db", inputs.db.as_deref().filter(|d| *d != "update"));
    let cache = inputs.cache.as_ref().map(|dir| dir.display().to_string());
    flag("cache", cache.as_deref());
    let pr = env.event.pull_request.as_ref();
    let base = pr.map(|p| p.base_sha.clone()).or(env.event.before.clone());
    if inputs.only_changed {
        match &base {
            Some(base) => flag("diff-base", Some(base)),
            None => {
                note("only_changed: this event has no base commit, so every finding is reported")
            }
        }
    }
    if inputs.scan_history {
        let head = pr.map(|p| p.head_sha.clone()).or(env.sha.clone());
        match (&base, head) {
            (Some(base), Some(head)) => flag("git-range", Some(&format!("{base}..{head}"))),
            _ => note("scan_history: this event has no commit range; history not scanned"),
        }
    }
    argv.push("--no-color".into());
    argv.push("--quiet".into());
    argv.extend(inputs.extra_args.iter().cloned());
    argv
}

/// The log: annotations first (the runner turns them into PR annotations), then the chosen
/// reports, then what the filters did.
fn show(inputs: &ActionInputs, run: &ScanRun, options: &RenderOptions) {
    for format in &inputs.formats {
        let format = match format.as_str() {
            "github" => Format::Github,
            "json" => Format::Json,
            "markdown" => Format::Markdown,
            _ => Format::Text,
        };
        log(&render(format, &run.report, &run.rules, options));
    }
    for remark in &run.remarks {
        log(&format!("mcpgate: {remark}"));
    }
    // The text report ends with the summary line already.
    if !inputs.formats.iter().any(|f| f == "text") {
        log(&format!(
            "mcpgate: {}",
            crate::report::summary_line(&run.report)
        ));
    }
}

/// Uploads when the inputs and the event allow; returns an exit code when the upload's
/// failure must change the step's result.
fn upload(
    inputs: &ActionInputs,
    env: &ActionsEnv,
    sarif: &str,
    sarif_id: &mut String,
) -> Option<u8> {
    if inputs.upload == UploadMode::Never {
        return None;
    }
    let strict = inputs.upload == UploadMode::Always;
    let skip = |why: &str| {
        let level = if strict { "warning" } else { "notice" };
        log(&workflow_command(
            level,
            "mcpgate",
            &format!("SARIF not uploaded: {why}"),
        ));
        None
    };
    if inputs.offline {
        return skip("offline is set");
    }
    let Some(token) = inputs.token.as_deref() else {
        return skip("no token");
    };
    if env.event.pull_request.as_ref().is_some_and(|p| p.from_fork) && !strict {
        return skip(
            "a pull request from a fork gets a read-only token; the annotations above show the findings",
        );
    }
    let head = env.workspace.as_deref().and_then(head_commit);
    let target = match upload_target(env, head.as_deref()) {
        Ok(t) => t,
        Err(why) => return failed(strict, &why),
    };
    let mut options = UploadOptions::new(&env.api_url, Token::new(token));
    options.checkout_uri = env
        .workspace
        .as_ref()
        .map(|w| format!("file://{}/", w.display().to_string().trim_end_matches('/')));
    options.started_at = Some(chrono::Utc::now());
    options.wait = inputs.wait_for_processing;
    apply_test_timing(&mut options);
    match upload_sarif(sarif, &target, &options) {
        Ok(UploadOutcome::Complete { id, analyses_url }) => {
            log(&format!(
                "mcpgate: code scanning processed the upload {id} for {} ({}){}",
                target.git_ref,
                target.commit_sha,
                analyses_url.map(|u| format!(": {u}")).unwrap_or_default()
            ));
            *sarif_id = id;
            None
        }
        Ok(UploadOutcome::Pending { id }) => {
            log(&format!(
                "mcpgate: uploaded as {id}; code scanning is still processing it"
            ));
            *sarif_id = id;
            None
        }
        Ok(UploadOutcome::Failed { id, errors }) => {
            *sarif_id = id.clone();
            failed(
                strict,
                &format!(
                    "code scanning rejected the upload {id}: {}",
                    errors.join("; ")
                ),
            )
        }
        Err(UploadError::Forbidden { status, message }) => {
            log(&workflow_command(
                "warning",
                "mcpgate: SARIF not uploaded",
                &format!(
                    "GitHub refused the upload (HTTP {status}: {message}). Code scanning needs a public repository or GitHub Advanced Security, and the job needs `permissions: security-events: write`; a fork's pull request has a read-only token. The annotations above still show every finding."
                ),
            ));
            None
        }
        Err(e) => failed(strict, &e.to_string()),
    }
}

/// An upload failure: an error (exit 2) when the upload was required, a warning otherwise.
fn failed(strict: bool, why: &str) -> Option<u8> {
    let level = if strict { "error" } else { "warning" };
    log(&workflow_command(level, "mcpgate: SARIF not uploaded", why));
    strict.then_some(super::EXIT_ERROR)
}

/// The values of `OUTPUT_NAMES`, in its order.
fn outputs(
    inputs: &ActionInputs,
    run: &ScanRun,
    exit: u8,
    sarif_id: String,
) -> Vec<(&'static str, String)> {
    let count = |s| run.report.count_by_severity(s).to_string();
    let values = [
        inputs.sarif_file.display().to_string(),
        run.report.findings.len().to_string(),
        count(Severity::Critical),
        count(Severity::High),
        count(Severity::Medium),
        count(Severity::Low),
        count(Severity::Info),
        exit.to_string(),
        sarif_id,
    ];
    OUTPUT_NAMES.into_iter().zip(values).collect()
}

/// `db: update`: a fresh advisory store in the default location before the scan.
fn update_db(inputs: &ActionInputs) -> Result<(), String> {
    if inputs.offline {
        return Err("input `db: update` downloads advisories, but `offline` is set".into());
    }
    let argv = ["mcpgate", "db", "update"];
    let cli = Cli::try_parse_from(argv).map_err(|e| e.to_string())?;
    let Command::Db {
        command: super::args::DbCommand::Update(args),
    } = cli.command
    else {
        return Err("cannot build the db update command".into());
    };
    match super::db_cmd::update(&args)? {
        0 => Ok(()),
        _ => Err("the advisory update failed; see above".into()),
    }
}

pub(crate) fn apply_test_timing(options: &mut UploadOptions) {
    if let Some(ms) = std::env::var(TIMING_VAR)
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        options.poll_interval = std::time::Duration::from_millis(ms);
        options.retry_delay = std::time::Duration::from_millis(ms);
    }
}

/// Appends to a file the runner gave (summary, outputs); never through a link, and below the
/// workspace never through a linked directory.
fn append(path: &Path, text: &str) -> Result<(), String> {
    crate::output_file::append(path, text.as_bytes(), Path::new(".")).map_err(|e| e.to_string())
}

/// Everything the action prints goes through here, so through the last redaction.
fn log(text: &str) {
    let text = crate::redact::scrub(text);
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    let _ = lock.write_all(text.as_bytes());
    if !text.ends_with('\n') {
        let _ = lock.write_all(b"\n");
    }
    let _ = lock.flush();
}
