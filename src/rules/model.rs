//! The rule file format (TOML). One file per rule; the docs of the format are in
//! `rules/README.md` (generated) and in the rule files themselves.

use crate::finding::{Confidence, Severity};
use serde::Deserialize;

/// A rule as written in its TOML file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub confidence: Confidence,
    pub cwe: Vec<u32>,
    pub languages: Vec<Language>,
    /// Message of each finding; `{callee}` is replaced by the canonical name of the call.
    pub message: String,
    #[serde(rename = "match")]
    pub matcher: Matcher,
    pub docs: Docs,
    pub examples: Examples,
    /// Where the rule came from (`rules/python/x.toml` or a user's path); set by the loader.
    #[serde(skip)]
    pub origin: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Python,
}

impl Language {
    pub fn as_str(self) -> &'static str {
        match self {
            Language::Python => "python",
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Docs {
    pub what: String,
    pub why: String,
    pub fix: String,
    #[serde(default)]
    pub references: Vec<String>,
}

/// `bad` snippets must make the rule fire; `good` snippets must not. They are the rule's tests.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    pub bad: Vec<String>,
    pub good: Vec<String>,
}

/// What a rule matches. Tagged by `kind` so new engines add variants, not new file formats.
#[derive(Clone, Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Matcher {
    /// A call to one of `callees` (canonical names after import resolution) whose arguments
    /// meet every condition in `args`.
    Call {
        callees: Vec<String>,
        #[serde(default)]
        args: Vec<ArgCondition>,
        /// Calls that make a tainted value safe for this rule (`shlex.quote` for shell
        /// commands); canonical names like `callees`.
        #[serde(default)]
        sanitizers: Vec<String>,
    },
}

/// A condition on one argument, found by `keyword` name or by `position` (0-based).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArgCondition {
    pub position: Option<usize>,
    pub keyword: Option<String>,
    /// What the argument must be.
    pub is: Option<ArgIs>,
    /// Fires when the argument is missing or is none of these (canonical names or literals).
    pub not_one_of: Option<Vec<String>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ArgIs {
    /// Present and the literal `True` (or another constant that is truthy).
    True,
    /// Present and the literal `False` (or another constant that is falsy).
    False,
    /// Present and not a constant: a value that may come from outside.
    Dynamic,
    /// Present at all.
    Present,
}
