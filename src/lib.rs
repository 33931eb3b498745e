//! mcpgate: a security gate for MCP server repositories.
//!
//! The library scans (`scan::scan` with a `rules::RuleSet` gives a `finding::Report`), renders
//! (`report::render`) and judges (`gate::verdict`); it never prints. `cli` is the one module
//! that talks to the terminal.
//!
//! ```no_run
//! use mcpgate::{RuleSet, ScanOptions, scan};
//! let rules = RuleSet::builtin()?;
//! let options = ScanOptions { paths: vec!["examples/vulnerable-server".into()], ..Default::default() };
//! let report = scan(&options, &rules)?;
//! for f in &report.findings {
//!     let _ = (&f.rule_id, &f.location.path, f.location.start_line);
//! }
//! # Ok::<(), mcpgate::Error>(())
//! ```

pub mod analyze;
pub mod archive;
pub mod baseline;
pub mod check;
pub mod cli;
pub mod config;
pub mod deps;
pub mod diff;
pub mod display;
pub mod error;
mod file_text;
pub mod finding;
pub mod fingerprint;
pub mod gate;
mod git;
pub mod github;
pub mod history;
mod imported_texts;
pub mod input_file;
pub mod limits;
pub mod output_file;
pub mod package_layout;
pub mod policy;
pub mod reach;
pub mod redact;
pub mod rel_path;
pub mod report;
pub mod result_cache;
pub mod rules;
pub mod scan;
pub mod scanner;
pub mod select;
pub mod stats;
pub use analyze::suppress;
pub mod test_code;
pub mod tools;
pub mod triage;
pub mod walk;
mod yaml;

pub use check::{analyze_text, analyze_text_with};
pub use config::Config;
pub use error::{Error, Result};
pub use finding::{
    Confidence, Finding, Location, Notice, NoticeCode, NoticeLevel, Report, Severity,
};
pub use gate::{FailOn, Verdict, verdict};
pub use rules::{Rule, RuleSet};
pub use scan::{ScanOptions, scan};
