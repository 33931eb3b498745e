//! The source engine: a language front end turns a syntax tree into language-neutral call
//! sites (callee resolved to a canonical name, arguments classified), and the rules' `call`
//! matchers run over those. One parse per file; every rule is evaluated in that one pass.

pub mod python;

use super::{FileContext, FileOutcome, Span};
use crate::finding::{Notice, NoticeLevel};
use crate::rules::{ArgCondition, ArgIs, Language, Matcher, RuleSet};
use std::ops::ControlFlow;
use std::path::Path;
use std::time::{Duration, Instant};

/// A call whose callee resolved to a name some rule cares about.
#[derive(Clone, Debug, PartialEq)]
pub struct CallSite {
    /// Canonical dotted name (`subprocess.run`, `eval`).
    pub callee: String,
    pub args: Vec<Arg>,
    /// The call spreads a mapping into its keywords (`**kwargs`), so an absent keyword may
    /// still be passed.
    pub keyword_splat: bool,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Arg {
    /// 0-based position for positional arguments; `None` for keywords and for positionals after
    /// a `*args` spread, whose position is unknown.
    pub position: Option<usize>,
    pub keyword: Option<String>,
    pub value: ArgValue,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ArgValue {
    /// A constant expression (literal, or built only from literals) and whether it is truthy.
    Constant { truthy: bool, text: String },
    /// A name or attribute chain, resolved through imports where possible (`yaml.SafeLoader`).
    Name(String),
    /// Anything computed at run time.
    Dynamic,
}

/// Which language front end handles a file, by extension or shebang.
pub fn language_for(path: &Path, head: &[u8]) -> Option<Language> {
    match path.extension().and_then(|e| e.to_str()) {
        Some("py" | "pyw") => return Some(Language::Python),
        Some(_) => return None,
        None => {}
    }
    let first_line = head.split(|&b| b == b'\n').next().unwrap_or(&[]);
    let first_line = String::from_utf8_lossy(first_line);
    (first_line.starts_with("#!") && first_line.contains("python")).then_some(Language::Python)
}

/// Analyzes one source file with every rule of its language.
pub fn analyze(
    lang: Language,
    ctx: &FileContext<'_>,
    rules: &RuleSet,
    parse_budget: Duration,
) -> FileOutcome {
    let mut outcome = FileOutcome::default();
    let sites = match lang {
        Language::Python => python::call_sites(ctx.text, rules, parse_budget),
    };
    let sites = match sites {
        Ok(parsed) => {
            if parsed.had_syntax_errors {
                outcome.notices.push(Notice::new(
                    ctx.rel_path,
                    NoticeLevel::Warning,
                    format!(
                        "{} syntax errors; analyzed the parts that parsed",
                        lang.as_str()
                    ),
                ));
            }
            parsed.sites
        }
        Err(failure) => {
            outcome.notices.push(Notice::new(
                ctx.rel_path,
                NoticeLevel::Error,
                failure.to_string(),
            ));
            return outcome;
        }
    };
    for site in &sites {
        for rule in rules.for_callee(lang, &site.callee) {
            let Matcher::Call { args, .. } = &rule.matcher;
            if args.iter().all(|cond| holds(cond, site)) {
                let message = rule.message.replace("{callee}", &site.callee);
                outcome.findings.push(ctx.finding(rule, site.span, message));
            }
        }
    }
    ctx.fingerprint(&mut outcome.findings);
    outcome
}

fn holds(cond: &ArgCondition, site: &CallSite) -> bool {
    let by_keyword = cond
        .keyword
        .as_deref()
        .and_then(|k| site.args.iter().find(|a| a.keyword.as_deref() == Some(k)));
    let arg = by_keyword.or_else(|| {
        cond.position
            .and_then(|p| site.args.iter().find(|a| a.position == Some(p)))
    });
    if let Some(values) = &cond.not_one_of {
        return match arg {
            // A spread mapping may carry the keyword; do not guess.
            None => !site.keyword_splat,
            Some(arg) => match &arg.value {
                ArgValue::Name(name) => !values.iter().any(|v| v == name),
                ArgValue::Constant { text, .. } => !values.iter().any(|v| v == text),
                ArgValue::Dynamic => true,
            },
        };
    }
    let Some(arg) = arg else {
        return false;
    };
    match cond.is {
        Some(ArgIs::True) => matches!(arg.value, ArgValue::Constant { truthy: true, .. }),
        Some(ArgIs::False) => matches!(arg.value, ArgValue::Constant { truthy: false, .. }),
        Some(ArgIs::Dynamic) => !matches!(arg.value, ArgValue::Constant { .. }),
        Some(ArgIs::Present) => true,
        None => false,
    }
}

/// Why a file could not be parsed at all.
#[derive(Debug, thiserror::Error)]
pub enum ParseFailure {
    #[error("parse took longer than {0:?}; not analyzed")]
    Timeout(Duration),
    #[error("the {0} grammar could not be loaded: {1}")]
    Grammar(&'static str, String),
}

/// Parses `text`, giving up after `budget` so that a hostile file cannot stall the scan.
pub(crate) fn parse(
    parser: &mut tree_sitter::Parser,
    text: &str,
    budget: Duration,
) -> Result<tree_sitter::Tree, ParseFailure> {
    let deadline = Instant::now() + budget;
    let mut progress = |_: &tree_sitter::ParseState| {
        if Instant::now() > deadline {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    let options = tree_sitter::ParseOptions::new().progress_callback(&mut progress);
    let bytes = text.as_bytes();
    parser.reset();
    parser
        .parse_with_options(
            &mut |offset, _| bytes.get(offset..).unwrap_or(&[]),
            None,
            Some(options),
        )
        .ok_or(ParseFailure::Timeout(budget))
}

/// Parsed call sites of one file.
pub struct Parsed {
    pub sites: Vec<CallSite>,
    pub had_syntax_errors: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_gives_up_when_the_budget_is_spent() {
        let rules = RuleSet::builtin().expect("rules");
        let text = "x = [1, 2, 3]\n".repeat(10_000);
        let ctx = FileContext::new("big.py", &text);
        let outcome = analyze(Language::Python, &ctx, &rules, Duration::ZERO);
        assert!(outcome.findings.is_empty());
        assert_eq!(outcome.notices.len(), 1);
        assert_eq!(outcome.notices[0].level, NoticeLevel::Error);
        assert_eq!(
            outcome.notices[0].reason,
            "parse took longer than 0ns; not analyzed"
        );
        // The same file with time to spare parses.
        let outcome = analyze(Language::Python, &ctx, &rules, Duration::from_secs(60));
        assert!(outcome.notices.is_empty());
    }

    #[test]
    fn language_by_extension_and_shebang() {
        assert_eq!(language_for(Path::new("a.py"), b""), Some(Language::Python));
        assert_eq!(
            language_for(Path::new("a.txt"), b"#!/usr/bin/env python3"),
            None
        );
        assert_eq!(
            language_for(Path::new("bin/tool"), b"#!/usr/bin/env python3\nprint(1)"),
            Some(Language::Python)
        );
        assert_eq!(language_for(Path::new("bin/tool"), b"#!/bin/sh\n"), None);
    }
}
