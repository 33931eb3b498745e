//! Reporters turn a finished `Report` into bytes. They never scan and never print: the CLI
//! decides where the output goes.

mod github;
mod json;
mod markdown;
mod sarif;
mod text;

use crate::finding::Report;
use crate::rules::RuleSet;

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

/// Zero-width, bidi-control and Unicode tag characters: invisible to a reviewer, read by a
/// model (tag characters smuggle ASCII), able to reorder what a terminal shows.
pub fn is_hidden_char(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{E0000}'..='\u{E007F}')
}

/// Makes untrusted text (file names, source lines) safe to show: control characters, which
/// could move the cursor or recolour a terminal, and invisible or bidi characters become
/// visible escapes.
pub fn printable(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if (c.is_control() && c != '\t') || is_hidden_char(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn printable_escapes_terminal_controls() {
        assert_eq!(super::printable("a\x1b[31mb\nc"), "a\\u{1b}[31mb\\nc");
    }

    #[test]
    fn printable_shows_invisible_and_bidi_characters() {
        assert_eq!(
            super::printable("a\u{200b}b\u{202e}c"),
            "a\\u{200b}b\\u{202e}c"
        );
        assert_eq!(super::printable("café °C"), "café °C");
    }
}
