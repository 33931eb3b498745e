//! Command-line arguments (clap derive).

use crate::display::parse_size;
use crate::gate::FailOn;
use crate::report::Format;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "mcpgate",
    version,
    about = "Security gate for MCP server repositories",
    long_about = "Security gate for MCP server repositories: finds shell injection, code \
                  injection, unsafe deserialization and more in MCP servers, writes SARIF for \
                  GitHub code scanning, and fails the build above a severity threshold.",
    after_help = "Exit codes: 0 no finding at or above --fail-on; 1 findings at or above \
                  --fail-on; 2 error (bad arguments, unreadable path, invalid rule file) or \
                  some files could not be analyzed."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan directories or files and report findings.
    Scan(ScanArgs),
    /// List the rules or show one rule's documentation.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// List the MCP tools, resources and prompts the source defines; `--lock` snapshots them.
    Tools(ToolsArgs),
    /// Manage the advisory database the dependency audit reads.
    Db {
        #[command(subcommand)]
        command: DbCommand,
    },
    /// Record today's findings as accepted, so later scans with --baseline report new ones only.
    Baseline {
        #[command(subcommand)]
        command: BaselineCommand,
    },
    /// Upload a SARIF file to GitHub code scanning (for CI systems other than GitHub Actions).
    Upload(UploadArgs),
    /// Run as the GitHub Action: read INPUT_* and GITHUB_* variables, scan, annotate, write the
    /// SARIF, summary and outputs, and upload.
    Action,
}

#[derive(Debug, Subcommand)]
pub enum BaselineCommand {
    /// Scan and write the findings' fingerprints as a baseline (mcpgate's JSON report).
    Write(ScanArgs),
}

#[derive(Debug, Args)]
pub struct UploadArgs {
    /// The SARIF file mcpgate wrote (`scan --sarif FILE`).
    pub sarif: PathBuf,
    /// The repository, as owner/name.
    #[arg(long, value_name = "OWNER/NAME", env = "GITHUB_REPOSITORY")]
    pub repo: String,
    /// The commit the analysis is of (40 hex characters).
    #[arg(long, value_name = "SHA", env = "GITHUB_SHA")]
    pub commit: String,
    /// The ref: refs/heads/BRANCH, refs/pull/N/head or refs/pull/N/merge.
    #[arg(long = "ref", value_name = "REF", env = "GITHUB_REF")]
    pub git_ref: String,
    /// A token with security_events write access.
    #[arg(
        long,
        value_name = "TOKEN",
        env = "GITHUB_TOKEN",
        hide_env_values = true
    )]
    pub token: String,
    /// The API of GitHub or of a GitHub Enterprise Server.
    #[arg(
        long,
        value_name = "URL",
        env = "GITHUB_API_URL",
        default_value = "https://api.github.com"
    )]
    pub api_url: String,
    /// Where the repository was checked out, as a file:// URI (relativizes absolute paths).
    #[arg(long, value_name = "URI")]
    pub checkout_uri: Option<String>,
    /// Return once GitHub has the file, without waiting for it to be processed.
    #[arg(long)]
    pub no_wait: bool,
}

#[derive(Debug, Args)]
pub struct ToolsArgs {
    /// Directories or files to read [default: the current directory].
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: RulesFormat,
    /// Write `mcp-tools.lock` at the root: scans then flag tools that differ from it.
    #[arg(long)]
    pub lock: bool,
    /// Skip paths matching GLOB.
    #[arg(long, short = 'e', value_name = "GLOB")]
    pub exclude: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Download OSV's advisories (npm, PyPI, crates.io with RustSec, Go) and build the store.
    Update(DbUpdateArgs),
    /// Build the store from local OSV records, OSV all.zip files or a RustSec advisory-db.
    Import(DbImportArgs),
    /// Show the store: where it is, its sources, advisories per ecosystem, its age.
    Status(DbStatusArgs),
}

#[derive(Debug, Args)]
pub struct DbLocation {
    /// The advisory store [default: the user's cache directory, e.g. ~/.cache/mcpgate/advisories].
    #[arg(long, value_name = "DIR", env = "MCPGATE_DB")]
    pub db: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DbUpdateArgs {
    #[command(flatten)]
    pub location: DbLocation,
    /// Download from this mirror of OSV's bucket ({URL}/{ecosystem}/all.zip).
    #[arg(long, value_name = "URL", default_value = crate::deps::update::OSV_BASE_URL)]
    pub source: String,
    /// Only these ecosystems (npm, PyPI, crates.io, Go) [default: all four].
    #[arg(long, value_name = "NAME", value_delimiter = ',', value_parser = parse_ecosystem)]
    pub ecosystem: Vec<crate::deps::Ecosystem>,
    /// Give up on a download after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 600)]
    pub timeout: u64,
}

#[derive(Debug, Args)]
pub struct DbImportArgs {
    #[command(flatten)]
    pub location: DbLocation,
    /// Directories or files: OSV .json/.yaml records, OSV all.zip, RUSTSEC-*.md advisories.
    #[arg(required = true)]
    pub sources: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DbStatusArgs {
    #[command(flatten)]
    pub location: DbLocation,
}

fn parse_ecosystem(s: &str) -> Result<crate::deps::Ecosystem, String> {
    crate::deps::Ecosystem::ALL
        .into_iter()
        .find(|e| e.osv_name().eq_ignore_ascii_case(s))
        .ok_or_else(|| format!("unknown ecosystem `{s}` (expected npm, PyPI, crates.io or Go)"))
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Directories or files to scan [default: the current directory].
    pub paths: Vec<PathBuf>,

    /// Report paths relative to DIR and read DIR/.mcpgate.toml; every path must be below it
    /// (pre-commit passes changed files with `--root .`).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: FormatArg,

    /// Only these rules: an id, an id prefix (`python`, `ts-*`) or a CWE (`CWE-78`);
    /// repeatable or comma-separated. The gate counts only what is selected.
    #[arg(long, value_name = "RULE")]
    pub select: Vec<String>,

    /// Leave out these rules (id, prefix or CWE, as --select).
    #[arg(long, value_name = "RULE")]
    pub ignore: Vec<String>,

    /// Show only findings at or above LEVEL; the gate (--fail-on) still counts the others.
    #[arg(long, value_name = "LEVEL")]
    pub min_severity: Option<crate::finding::Severity>,

    /// Show at most N findings per rule (default 1000; 0: all). The gate counts every one,
    /// and a notice says what was not shown.
    #[arg(long, value_name = "N")]
    pub max_results_per_rule: Option<usize>,

    /// Show at most N findings per file (default 200; 0: all), as --max-results-per-rule.
    #[arg(long, value_name = "N")]
    pub max_results_per_file: Option<usize>,

    /// Print files, bytes and time per analyzer on standard error (and `stats` in JSON).
    #[arg(long)]
    pub stats: bool,

    /// Keep each file's results in DIR (outside the scanned directory) and reuse them while
    /// the file, mcpgate, the rules and the options are unchanged: a re-scan analyzes only
    /// what changed.
    #[arg(long, value_name = "DIR", env = "MCPGATE_CACHE")]
    pub cache: Option<PathBuf>,

    /// Whatever could not be checked (files over the size cap or binary where text was
    /// expected, partial parses, versions not comparable, archive entries not read) makes the
    /// scan incomplete: exit 2 unless findings already fail it.
    #[arg(long)]
    pub strict: bool,

    /// Write the --format output to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Also write a SARIF report to FILE (e.g. for GitHub code scanning).
    #[arg(long, value_name = "FILE")]
    pub sarif: Option<PathBuf>,

    /// Exit 1 when a finding is at or above this severity [default: high].
    #[arg(long, value_name = "LEVEL", value_parser = parse_fail_on)]
    pub fail_on: Option<FailOn>,

    /// Skip paths matching GLOB (a name like `*.min.js`, or a path like `tests/data/**`).
    #[arg(long, short = 'e', value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Also scan node_modules, vendor, virtualenvs, build and dist directories.
    #[arg(long)]
    pub no_default_excludes: bool,

    /// Also report findings in test code (tests/, test_*.py, *.test.ts, fixtures, files that
    /// import a test framework); by default only committed credentials are reported there.
    #[arg(long)]
    pub include_tests: bool,

    /// Also scan untracked files that .gitignore or .ignore hide (tracked files are always
    /// scanned).
    #[arg(long)]
    pub no_gitignore: bool,

    /// Add the rule files (*.toml) below DIR to the built-in rules.
    #[arg(long, value_name = "DIR")]
    pub rules: Vec<PathBuf>,

    /// Skip files larger than SIZE, with a notice (e.g. 500000, 512K, 8M) [default: 8M].
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_file_size: Option<u64>,

    /// Read settings from FILE instead of `.mcpgate.toml` at the scan root.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore `.mcpgate.toml` (e.g. when scanning a change you do not trust).
    #[arg(long)]
    pub no_config: bool,

    /// Also scan the lines added by the commits since REF (REF..HEAD) for secrets.
    #[arg(long, value_name = "REF", conflicts_with = "git_range")]
    pub since: Option<String>,

    /// Also scan the lines added by the commits of BASE..HEAD for secrets.
    #[arg(long, value_name = "BASE..HEAD")]
    pub git_range: Option<String>,

    /// The advisory store or directory for the dependency audit [default: the user's cache
    /// directory; `mcpgate db update` fills it].
    #[arg(long, value_name = "DIR", env = "MCPGATE_DB")]
    pub db: Option<PathBuf>,

    /// Skip matching lockfiles against advisories (the pinning checks still run).
    #[arg(long, conflicts_with = "require_audit")]
    pub no_audit: bool,

    /// Treat a dependency audit that could not run (no advisory store) as an incomplete scan
    /// (exit 2) instead of a warning.
    #[arg(long)]
    pub require_audit: bool,

    /// Report only findings not in FILE (a JSON report or SARIF from an earlier scan).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Report only findings on lines changed since REF (its merge base with HEAD); dependency
    /// findings count when the package's entry changed.
    #[arg(long, value_name = "REF")]
    pub diff_base: Option<String>,

    /// Show everything: ignore `mcpgate:ignore` comments and `[[ignore]]` entries.
    #[arg(long)]
    pub no_ignore: bool,

    /// SARIF category (`automationDetails.id`), to keep several analyses apart on GitHub.
    #[arg(long, value_name = "NAME")]
    pub category: Option<String>,

    /// Number of worker threads, at most 256 [default: one per core].
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: Option<u16>,

    /// Print nothing but errors; files named by --output and --sarif are still written.
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// No colours in terminal output (NO_COLOR is respected too).
    #[arg(long)]
    pub no_color: bool,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List every rule: id, severity, confidence, CWE, title.
    List(RulesListArgs),
    /// Show a rule's documentation: what it finds, why it matters, how to fix it, examples.
    Show(RulesShowArgs),
}

#[derive(Debug, Args)]
pub struct RulesListArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: RulesFormat,
    /// Include the rule files below DIR.
    #[arg(long, value_name = "DIR")]
    pub rules: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RulesShowArgs {
    /// The rule id (see `mcpgate rules list`).
    pub id: String,
    /// Include the rule files below DIR.
    #[arg(long, value_name = "DIR")]
    pub rules: Vec<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Text,
    Json,
    Sarif,
    Github,
    Markdown,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Text => Format::Text,
            FormatArg::Json => Format::Json,
            FormatArg::Sarif => Format::Sarif,
            FormatArg::Github => Format::Github,
            FormatArg::Markdown => Format::Markdown,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
    Markdown,
}

fn parse_fail_on(s: &str) -> Result<FailOn, String> {
    s.parse()
}
