//! Reporters turn a finished `Report` into bytes. They never scan and never print: the CLI
//! decides where the output goes.

mod github;
mod json;
mod markdown;
mod sarif;
mod text;

use crate::finding::Report;
use crate::rules::RuleSet;

pub use crate::display::{is_hidden_char, printable};
pub use github::workflow_command;
pub use sarif::to_sarif;
pub use text::{stats_table, summary_line};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Github,
    Markdown,
}

#[derive(Clone, Debug, Default)]
pub struct RenderOptions {
    /// ANSI colours in text output (the CLI turns them on for terminals only).
    pub color: bool,
    /// SARIF `automationDetails.id` category (GitHub keeps one analysis per category).
    pub category: Option<String>,
    /// Markdown: findings link to `{link_base}{path}#L{line}` (a blob URL on the commit).
    pub link_base: Option<String>,
}

/// Renders `report` in `format`. Same report, same bytes.
pub fn render(format: Format, report: &Report, rules: &RuleSet, options: &RenderOptions) -> String {
    match format {
        Format::Text => text::render(report, rules, options.color),
        Format::Json => json::render(report, rules),
        Format::Sarif => sarif::render(report, rules, options.category.as_deref()),
        Format::Github => github::render(report, rules),
        Format::Markdown => markdown::render(report, rules, options.link_base.as_deref()),
    }
}
