//! The source engine. A language front end parses a file once, resolves names, finds the MCP
//! entry points (the taint sources), propagates taint through each function and across
//! functions of the file (summaries), and reports *sink hits*: calls that some rule matches,
//! with the flow of the value that matters. This module holds the language-neutral parts: the
//! flow lattice, the rule matcher and the policy that turns hits into findings.

pub mod javascript;
pub mod python;

use super::cross_file::ProjectModules;
use super::{FileContext, FileOutcome, Span};
use crate::finding::{Confidence, Notice, NoticeLevel, Severity};
use crate::rules::{ArgCondition, ArgIs, Language, MinSource, Rule, RuleSet};
use std::collections::HashMap;
use std::ops::ControlFlow;
use std::path::Path;
use std::rc::Rc;
use std::time::{Duration, Instant};

/// How many distinct origins a tainted value remembers; enough to name the source, bounded
/// so hostile code cannot make flows grow without limit.
const MAX_ORIGINS: usize = 4;

/// What kind of MCP entry point a function is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EntryKind {
    Tool,
    Resource,
    Prompt,
    /// The low-level `call_tool` handler: its `arguments` mapping is the input.
    CallTool,
    /// A web route next to the MCP server: its request is anyone's who can reach it.
    Route,
}

impl From<crate::analyze::engine::EntryKind> for EntryKind {
    fn from(kind: crate::analyze::engine::EntryKind) -> Self {
        use crate::analyze::engine::EntryKind as E;
        match kind {
            E::Tool => EntryKind::Tool,
            E::Resource => EntryKind::Resource,
            E::Prompt => EntryKind::Prompt,
            E::Route => EntryKind::Route,
        }
    }
}

impl EntryKind {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            EntryKind::Tool => "tool parameter",
            EntryKind::Resource => "resource template parameter",
            EntryKind::Prompt => "prompt argument",
            EntryKind::CallTool => "call_tool argument",
            EntryKind::Route => "request parameter",
        }
    }
}

/// How much a function's parameters are trusted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FnKind {
    /// An MCP entry point: an LLM chooses every argument.
    Entry(EntryKind),
    /// A public function: callers outside this file may pass anything.
    Public,
    /// A private helper (`_name`) or module-level code.
    Private,
}

/// Where a tainted value came from: a parameter of a function of this file.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Origin {
    /// Shared, because every read of a tainted variable copies its origin.
    pub function: Rc<str>,
    pub param: Rc<str>,
    /// Position among the function's parameters (what callers' arguments map to).
    pub index: usize,
    pub kind: FnKind,
    /// Where the parameter is in this file, when known: the trace's first step.
    pub at: Option<Span>,
}

impl Origin {
    /// `tool parameter `cmd` of `run``, as messages and traces name it.
    fn describe(&self) -> String {
        let who = match self.kind {
            FnKind::Entry(kind) => kind.describe(),
            FnKind::Public | FnKind::Private => "parameter",
        };
        format!("{who} `{}` of `{}`", self.param, self.function)
    }
}

/// How many helper functions a taint remembers passing through: enough for a message and a
/// path, and a bound on memory (a chain of thousands of helpers made every copy of every
/// taint carry thousands of names).
pub(crate) const MAX_THROUGH: usize = 8;

impl Taint {
    /// Records that the value passed through `helpers`, up to `MAX_THROUGH` of them.
    pub(crate) fn pass_through<'h>(&mut self, helpers: impl IntoIterator<Item = &'h String>) {
        for helper in helpers {
            if self.through.len() >= MAX_THROUGH {
                break;
            }
            self.through.push(helper.clone());
        }
    }

    /// The helper functions the value passed through, as `` `a()`, `b()` ``.
    fn helpers(&self) -> Option<String> {
        (!self.through.is_empty()).then(|| {
            self.through
                .iter()
                .map(|h| format!("`{h}()`"))
                .collect::<Vec<_>>()
                .join(", ")
        })
    }
}

/// A tainted value: its origin, the last variable it was stored in, the sanitizers it went
/// through, and the helper functions it passed through on its way to the sink.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Taint {
    pub origin: Origin,
    pub via: Option<String>,
    pub sanitizers: Vec<String>,
    pub through: Vec<String>,
}

/// What is known about a value, from least to most dangerous.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Flow {
    /// A literal, or built only from literals and module constants.
    Constant,
    /// Computed, but of a harmless kind: a number, a boolean, a sanitized value.
    Safe,
    /// Computed at run time from something not traced to a parameter.
    #[default]
    Unknown,
    /// Derived from one or more parameters.
    Tainted(Vec<Taint>),
}

impl Flow {
    fn rank(&self) -> u8 {
        match self {
            Flow::Constant => 0,
            Flow::Safe => 1,
            Flow::Unknown => 2,
            Flow::Tainted(_) => 3,
        }
    }

    /// The least upper bound: the more dangerous of the two; taints are merged.
    pub fn join(self, other: Flow) -> Flow {
        match (self, other) {
            (Flow::Tainted(mut a), Flow::Tainted(b)) => {
                for t in b {
                    let full = a.len() >= MAX_ORIGINS;
                    match a.iter_mut().find(|x| x.origin == t.origin) {
                        // The same value on two paths: sanitized only by what both applied.
                        Some(x) => x.sanitizers.retain(|s| t.sanitizers.contains(s)),
                        None if !full => a.push(t),
                        None => {}
                    }
                }
                Flow::Tainted(a)
            }
            (a, b) => {
                if b.rank() > a.rank() {
                    b
                } else {
                    a
                }
            }
        }
    }

    pub fn is_tainted(&self) -> bool {
        matches!(self, Flow::Tainted(_))
    }

    /// Applies `f` to every taint (renaming `via`, adding a sanitizer or a helper).
    pub fn map_taints(self, f: impl Fn(&mut Taint)) -> Flow {
        match self {
            Flow::Tainted(mut ts) => {
                ts.iter_mut().for_each(f);
                Flow::Tainted(ts)
            }
            other => other,
        }
    }
}

/// A call whose callee resolved to a name some rule cares about.
#[derive(Clone, Debug, PartialEq)]
pub struct CallSite {
    /// Canonical dotted name (`subprocess.run`, `eval`), or `*.name` for a method on an
    /// object that is not a module; the key rules are looked up by.
    pub callee: String,
    /// How the call reads in the source (`cursor.execute`), for messages.
    pub display: String,
    /// The object of a method call, as a pseudo-argument.
    pub receiver: Option<Arg>,
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
    pub flow: Flow,
    /// The argument's source text (at most a few hundred bytes), for regex conditions.
    pub text: String,
    /// For a list or tuple literal: its elements in order.
    pub elements: Vec<Element>,
    /// The canonical name of the call that produced the value, when known
    /// (`tarfile.open` for `tf` after `with tarfile.open(p) as tf`).
    pub made_by: Option<String>,
}

/// One element of a list or tuple literal argument.
#[derive(Clone, Debug, PartialEq)]
pub struct Element {
    /// The text of a constant string element without quotes (`--`), else `None`.
    pub constant: Option<String>,
    /// Written as an option with its value attached (`f"--depth={n}"`, `"-n" + x`): the
    /// element starts with `-` whatever the value is, so it cannot become another option.
    pub dash_prefixed: bool,
    pub flow: Flow,
}

impl Arg {
    /// The flow of the argv elements that could be read as options: after the program name,
    /// before a `--`, not already written as an option. `None` when this is not a literal.
    fn argv_option_flow(&self) -> Option<Flow> {
        if self.elements.is_empty() {
            return None;
        }
        let mut flow = Flow::Constant;
        for element in self.elements.iter().skip(1) {
            if element.constant.as_deref() == Some("--") {
                break;
            }
            if !element.dash_prefixed {
                flow = flow.join(element.flow.clone());
            }
        }
        Some(flow)
    }
}

/// The syntactic shape of an argument, for conditions that look at literals and names.
#[derive(Clone, Debug, PartialEq)]
pub enum ArgValue {
    /// A constant expression and whether it is truthy.
    Constant { truthy: bool, text: String },
    /// A name or attribute chain, resolved through imports where possible (`yaml.SafeLoader`).
    Name(String),
    /// Anything else.
    Dynamic,
}

/// Why a rule matched a call.
#[derive(Clone, Debug, PartialEq)]
pub enum Hit {
    /// The rule only looks at the call's shape (e.g. `verify=False`).
    Structural,
    /// The rule is about a value (conditions with `is = "dynamic"`); this is its flow.
    Value(Flow),
}

/// A call that a rule matched, possibly in a helper reached from another function.
#[derive(Clone, Debug, PartialEq)]
pub struct SinkHit {
    pub rule: usize,
    pub callee: String,
    pub span: Span,
    pub hit: Hit,
}

/// Does `rule` match `site`, and with what flow? Sanitizers named by the rule clean a taint.
pub fn match_rule(rule: &Rule, site: &CallSite) -> Option<Hit> {
    let call = rule.call()?;
    if !call.args.iter().all(|cond| holds(cond, site)) {
        return None;
    }
    let mut flow: Option<Flow> = None;
    for cond in call
        .args
        .iter()
        .filter(|c| matches!(c.is, Some(ArgIs::Dynamic | ArgIs::ArgvInjection)))
    {
        let argv = cond.is == Some(ArgIs::ArgvInjection);
        // Each argument is cleaned on its own first, so that a checked source next to an
        // unchecked destination neither hides nor names the wrong one.
        let cond_flow = find_args(cond, site)
            .into_iter()
            .fold(Flow::Constant, |acc, arg| {
                let f = if argv {
                    arg.argv_option_flow().unwrap_or(Flow::Constant)
                } else {
                    arg.flow.clone()
                };
                acc.join(without_sanitized(f, call))
            });
        let mut arg_flow = without_sanitized(cond_flow, call);
        if !call.requires.is_empty() {
            arg_flow = match arg_flow {
                Flow::Tainted(ts) => {
                    let kept: Vec<Taint> = ts
                        .into_iter()
                        .filter(|t| t.sanitizers.iter().any(|s| call.requires.contains(s)))
                        .collect();
                    if kept.is_empty() {
                        Flow::Safe
                    } else {
                        Flow::Tainted(kept)
                    }
                }
                // Whether an untraced value went through the required call is unknown.
                _ => Flow::Safe,
            };
        }
        flow = Some(match flow {
            Some(f) => f.join(arg_flow),
            None => arg_flow,
        });
    }
    Some(match flow {
        Some(f) => Hit::Value(f),
        None => Hit::Structural,
    })
}

pub(crate) use crate::analyze::engine::is_validator_name;

/// The pseudo-callee for what an MCP entry point returns to the model.
pub(crate) const RETURN_CALLEE: &str = "<return>";

/// Marks that guards put on values; rules name them as sanitizers.
pub(crate) const PATH_CONTAINMENT: &str = "path-containment";
pub(crate) const OPTION_CHECK: &str = "option-check";
pub(crate) const ALLOWLIST: &str = "allowlist";
pub(crate) const BOUNDED: &str = "bounded";

/// The result of a call to a validator known only by its name (`validatePath(p)` from another
/// module): the checked value, contained and allowlisted.
pub(crate) fn validated(flow: Flow) -> Flow {
    flow.map_taints(|t| {
        for mark in [PATH_CONTAINMENT, ALLOWLIST] {
            if !t.sanitizers.iter().any(|s| s == mark) {
                t.sanitizers.push(mark.to_string());
            }
        }
    })
}

/// The mark a number-typed parameter carries: clean for every rule except the ones that
/// `require` it (sizes and counts).
pub const NUMERIC: &str = "numeric";

/// A taint the rule need not report: it went through one of the rule's sanitizers, or it is
/// a number and the rule is not about numbers.
pub fn is_clean(t: &Taint, call: &crate::rules::CallMatch) -> bool {
    t.sanitizers.iter().any(|s| call.sanitizers.contains(s))
        || (t.sanitizers.iter().any(|s| s == NUMERIC)
            && !call.requires.iter().any(|r| r == NUMERIC))
}

/// `flow` without the taints the rule need not report; `Safe` if none is left.
pub fn without_sanitized(flow: Flow, call: &crate::rules::CallMatch) -> Flow {
    match flow {
        Flow::Tainted(ts) => {
            let live: Vec<Taint> = ts.into_iter().filter(|t| !is_clean(t, call)).collect();
            if live.is_empty() {
                Flow::Safe
            } else {
                Flow::Tainted(live)
            }
        }
        other => other,
    }
}

/// The arguments a condition is about: the receiver, the keyword, or the positions.
fn find_args<'s>(cond: &ArgCondition, site: &'s CallSite) -> Vec<&'s Arg> {
    if cond.receiver {
        return site.receiver.iter().collect();
    }
    if let Some(k) = cond.keyword.as_deref()
        && let Some(arg) = site.args.iter().find(|a| a.keyword.as_deref() == Some(k))
    {
        return vec![arg];
    }
    let wanted = |p: usize| cond.position == Some(p) || cond.positions.contains(&p);
    site.args
        .iter()
        .filter(|a| a.position.is_some_and(wanted))
        .collect()
}

/// `value` names `arg`: a resolved name, or a literal by its source text with or without
/// quotes (`"0.0.0.0"` and `0.0.0.0` both match the string literal).
fn names_value(arg: &Arg, values: &[String]) -> bool {
    match &arg.value {
        ArgValue::Name(name) => values.iter().any(|v| v == name),
        ArgValue::Constant { text, .. } => {
            let unquoted = text
                .trim_start_matches(|c: char| c.is_ascii_alphabetic())
                .trim_matches(|c| c == '"' || c == '\'');
            values.iter().any(|v| v == text || v == unquoted)
        }
        ArgValue::Dynamic => false,
    }
}

fn holds(cond: &ArgCondition, site: &CallSite) -> bool {
    // A condition on the object of a method says nothing about a plain function call.
    if cond.receiver && site.receiver.is_none() {
        return true;
    }
    let args = find_args(cond, site);
    // A spread mapping may carry any keyword; do not guess that one is absent.
    let may_be_spread = cond.keyword.is_some() && site.keyword_splat;
    if let Some(values) = &cond.not_one_of {
        return match args.first() {
            None => !may_be_spread,
            Some(arg) => matches!(arg.value, ArgValue::Dynamic) || !names_value(arg, values),
        };
    }
    if let Some(values) = &cond.one_of {
        return args.iter().any(|a| names_value(a, values));
    }
    if let Some(makers) = &cond.made_by {
        return args
            .iter()
            .any(|a| a.made_by.as_ref().is_some_and(|m| makers.contains(m)));
    }
    if let Some(regex) = &cond.regex {
        return args
            .iter()
            .any(|a| regex.is_match(&a.text) == cond.matches.is_some());
    }
    match cond.is {
        Some(ArgIs::Absent) => args.is_empty() && !may_be_spread,
        Some(ArgIs::True) => args
            .iter()
            .any(|a| matches!(a.value, ArgValue::Constant { truthy: true, .. })),
        Some(ArgIs::False) => args
            .iter()
            .any(|a| matches!(a.value, ArgValue::Constant { truthy: false, .. })),
        Some(ArgIs::Dynamic) => args
            .iter()
            .any(|a| matches!(a.flow, Flow::Unknown | Flow::Tainted(_))),
        Some(ArgIs::Present) => !args.is_empty(),
        // Missing, or a literal that is not a string, or a function: a variable may hold one.
        Some(ArgIs::NotString) => {
            !may_be_spread
                && args.iter().all(|a| match &a.value {
                    ArgValue::Constant { text, .. } => !text.starts_with(['"', '\'', '`']),
                    ArgValue::Name(_) => false,
                    ArgValue::Dynamic => {
                        let t = a.text.trim_start();
                        t.starts_with("function") || t.starts_with("async") || t.contains("=>")
                    }
                })
        }
        Some(ArgIs::ArgvInjection) => args.iter().any(|a| {
            a.argv_option_flow()
                .is_some_and(|f| matches!(f, Flow::Unknown | Flow::Tainted(_)))
        }),
        None => false,
    }
}

/// The finding policy. Traced to an MCP entry point: the rule's severity, high confidence.
/// Traced to a public function's parameter: one level lower, medium confidence. Computed but
/// not traced: one level lower, low confidence. Constant or sanitized: nothing.
pub(crate) fn grade(rule: &Rule, hit: &Hit) -> Option<(Severity, Confidence, String)> {
    let flow = match hit {
        Hit::Structural => return Some((rule.severity, rule.confidence, String::new())),
        Hit::Value(flow) => flow,
    };
    let min_source = rule.call().map_or(MinSource::Any, |c| c.min_source);
    match flow {
        Flow::Constant | Flow::Safe => None,
        Flow::Unknown if min_source != MinSource::Any => None,
        Flow::Unknown => Some((
            lower(rule.severity),
            Confidence::Low,
            "; the value is computed at run time but not traced to a tool parameter".to_string(),
        )),
        Flow::Tainted(taints) => {
            // Name the most dangerous origin: an entry point beats a public parameter.
            let best = best_taint(taints)?;
            let reported = match best.origin.kind {
                FnKind::Entry(_) => true,
                FnKind::Public => min_source != MinSource::Entry,
                FnKind::Private => min_source == MinSource::Any,
            };
            if !reported {
                return None;
            }
            let (severity, confidence) = match best.origin.kind {
                FnKind::Entry(_) => (rule.severity, Confidence::High),
                FnKind::Public => (lower(rule.severity), Confidence::Medium),
                FnKind::Private => (lower(rule.severity), Confidence::Low),
            };
            let mut why = format!("; {} reaches it", best.origin.describe());
            if let Some(via) = best.via.as_deref().filter(|v| **v != *best.origin.param) {
                why.push_str(&format!(" via `{via}`"));
            }
            if let Some(helpers) = best.helpers() {
                why.push_str(&format!(" through {helpers}"));
            }
            Some((severity, confidence, why))
        }
    }
}

/// The origin a finding names: an entry point's parameter beats a public one's.
fn best_taint(taints: &[Taint]) -> Option<&Taint> {
    taints.iter().min_by_key(|t| match t.origin.kind {
        FnKind::Entry(_) => 0,
        FnKind::Public => 1,
        FnKind::Private => 2,
    })
}

/// Source, helpers passed through, sink: the path a reviewer follows (SARIF `codeFlows`).
/// Only for values traced to a parameter of this file.
fn trace(
    ctx: &FileContext<'_>,
    hit: &Hit,
    callee: &str,
    finding: &crate::finding::Finding,
) -> Vec<crate::finding::TraceStep> {
    let Hit::Value(Flow::Tainted(taints)) = hit else {
        return Vec::new();
    };
    let Some(best) = best_taint(taints) else {
        return Vec::new();
    };
    let Some(at) = best.origin.at else {
        return Vec::new();
    };
    let mut source = best.origin.describe();
    if let Some(via) = best.via.as_deref().filter(|v| **v != *best.origin.param) {
        source.push_str(&format!(", stored in `{via}`"));
    }
    if let Some(helpers) = best.helpers() {
        source.push_str(&format!(", passed through {helpers}"));
    }
    vec![
        crate::finding::TraceStep {
            location: ctx.location(at),
            message: source,
        },
        crate::finding::TraceStep {
            location: finding.location.clone(),
            message: format!("reaches `{callee}`"),
        },
    ]
}

fn lower(severity: Severity) -> Severity {
    match severity {
        Severity::Critical => Severity::High,
        Severity::High => Severity::Medium,
        Severity::Medium => Severity::Low,
        Severity::Low | Severity::Info => Severity::Info,
    }
}

/// Which language front end handles a file, by extension or shebang.
pub fn language_for(path: &Path, head: &[u8]) -> Option<Language> {
    // Declaration files hold types only: nothing runs, nothing to trace.
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if [".d.ts", ".d.mts", ".d.cts"]
        .iter()
        .any(|s| name.ends_with(s))
    {
        return None;
    }
    match path.extension().and_then(|e| e.to_str()) {
        Some("py" | "pyw") => return Some(Language::Python),
        Some("ts" | "tsx" | "mts" | "cts") => return Some(Language::TypeScript),
        Some("js" | "jsx" | "mjs" | "cjs") => return Some(Language::JavaScript),
        Some(_) => return None,
        None => {}
    }
    let first_line = head.split(|&b| b == b'\n').next().unwrap_or(&[]);
    let first_line = String::from_utf8_lossy(first_line);
    if !first_line.starts_with("#!") {
        return None;
    }
    if first_line.contains("python") {
        Some(Language::Python)
    } else if first_line.contains("node")
        || first_line.contains("deno")
        || first_line.contains("bun")
    {
        Some(Language::JavaScript)
    } else {
        None
    }
}

/// Analyzes one source file with every rule of its language. Findings are not fingerprinted
/// yet: `scan` does that once per file.
pub fn analyze(
    lang: Language,
    ctx: &FileContext<'_>,
    rules: &RuleSet,
    parse_budget: Duration,
    project: &ProjectModules,
) -> FileOutcome {
    let mut outcome = FileOutcome::default();
    let parsed = match lang {
        Language::Python => python::analyze(ctx.text, rules, parse_budget, project),
        Language::TypeScript | Language::JavaScript => javascript::analyze(
            ctx.text,
            ctx.rel_path,
            project,
            javascript::Dialect::for_path(ctx.rel_path),
            lang,
            rules,
            parse_budget,
        ),
        // No front end parses "any text"; those rules run in the secrets pass.
        Language::Any => return outcome,
    };
    let parsed = match parsed {
        Ok(parsed) => parsed,
        Err(failure) => {
            outcome.notices.push(Notice::new(
                crate::finding::NoticeCode::ParseFailed,
                ctx.rel_path,
                NoticeLevel::Error,
                failure.to_string(),
            ));
            return outcome;
        }
    };
    if let Some(budget) = parsed.analysis_truncated {
        outcome.notices.push(Notice::new(
            crate::finding::NoticeCode::AnalysisBudget,
            ctx.rel_path,
            NoticeLevel::Warning,
            format!("analysis stopped after {budget:?}; findings in this file may be incomplete"),
        ));
    }
    if parsed.engine.out_of_budget {
        outcome.notices.push(Notice::new(
            crate::finding::NoticeCode::AnalysisBudget,
            ctx.rel_path,
            NoticeLevel::Warning,
            "the taint engine's work budget ran out; findings in this file may be incomplete"
                .to_string(),
        ));
    }
    if parsed.had_syntax_errors {
        outcome.notices.push(Notice::new(
            crate::finding::NoticeCode::ParseSyntax,
            ctx.rel_path,
            NoticeLevel::Warning,
            format!(
                "{} syntax errors; analyzed the parts that parsed",
                lang.as_str()
            ),
        ));
    }
    let excused = |rule: &Rule| {
        rule.call().is_some_and(|c| {
            c.unless_file_mentions
                .iter()
                .any(|m| ctx.text.contains(m.as_str()))
                || (!c.only_if_file_mentions.is_empty()
                    && !c
                        .only_if_file_mentions
                        .iter()
                        .any(|m| ctx.text.contains(m.as_str())))
        })
    };
    // One finding per (sink, rule): the best-graded hit wins, e.g. the helper's sink reached
    // from a tool beats the same sink graded as a public function's parameter.
    let mut best: HashMap<(usize, usize, usize), (Severity, Confidence, crate::finding::Finding)> =
        HashMap::new();
    for hit in &parsed.hits {
        let Some(rule) = rules.rules().get(hit.rule) else {
            continue;
        };
        if excused(rule) {
            continue;
        }
        let Some((severity, confidence, why)) = grade(rule, &hit.hit) else {
            continue;
        };
        let message = format!("{}{why}", rule.message.replace("{callee}", &hit.callee));
        let key = (hit.span.start_row, hit.span.start_byte_col, hit.rule);
        let better = best
            .get(&key)
            .is_none_or(|(s, c, _)| (severity, confidence) > (*s, *c));
        if better {
            let mut finding = ctx.finding(rule, hit.span, message);
            finding.severity = severity;
            finding.confidence = confidence;
            finding.trace = trace(ctx, &hit.hit, &hit.callee, &finding);
            best.insert(key, (severity, confidence, finding));
        }
    }
    for flow in &parsed.engine.flows {
        let Some((index, rule)) = rules
            .rules()
            .iter()
            .enumerate()
            .find(|(_, r)| r.id == flow.rule)
        else {
            continue;
        };
        if excused(rule) {
            continue;
        }
        let Some((severity, confidence, finding)) = engine_finding(ctx, rule, flow) else {
            continue;
        };
        let key = (flow.at.start_row, flow.at.start_byte_col, index);
        let better = best
            .get(&key)
            .is_none_or(|(s, c, _)| (severity, confidence) > (*s, *c));
        if better {
            best.insert(key, (severity, confidence, finding));
        }
    }
    outcome.findings = best.into_values().map(|(_, _, f)| f).collect();
    outcome.tools = inventory(ctx, rules, &parsed);
    outcome.findings.extend(description_findings(
        ctx,
        rules,
        &parsed.descriptions,
        Some(lang),
    ));
    // The caller fingerprints the file's findings once, after all analyzers and suppressions.
    // Templates of exported sinks, fingerprinted in one pass over the file.
    let mut exports = parsed.exports;
    let mut external_calls = parsed.external_calls;
    merge_engine_exports(
        &parsed.engine,
        lang,
        ctx,
        project,
        rules,
        &mut exports,
        &mut external_calls,
    );
    let mut slots = Vec::new();
    let mut templates = Vec::new();
    for (f, function) in exports.iter().enumerate() {
        for (k, sink) in function.sinks.iter().enumerate() {
            if let Some(rule) = rules.rules().get(sink.rule) {
                let message = rule.message.replace("{callee}", &sink.callee);
                templates.push(ctx.finding(rule, sink.span, message));
                slots.push((f, k));
            }
        }
    }
    ctx.fingerprint_in_order(&mut templates);
    for ((f, k), template) in slots.into_iter().zip(templates) {
        if let Some(sink) = exports.get_mut(f).and_then(|e| e.sinks.get_mut(k)) {
            sink.template = Some(template);
        }
    }
    outcome.exports = exports;
    outcome.external_calls = external_calls;
    outcome.reexports = parsed.reexports;
    outcome
}

/// The IR engine's flows in a lowered module, with the rules of `lang` as its model.
pub(crate) fn run_engine(
    module: &crate::analyze::ir::Module,
    rules: &RuleSet,
    lang: Language,
) -> crate::analyze::engine::Analysis {
    let model = crate::analyze::engine::Model::from_rules(rules, lang);
    crate::analyze::engine::analyze(module, &model)
}

/// A finding for a flow the IR engine found, graded as `grade` grades the per-language
/// engines' hits: from an entry point at the rule's severity with high confidence; from a
/// parameter of a public function no entry point was seen to reach, one level lower with
/// medium confidence, unless the rule reports only entry points; of a private one, low
/// confidence, and only for rules that report any computed value.
fn engine_finding(
    ctx: &FileContext<'_>,
    rule: &Rule,
    flow: &crate::analyze::engine::Flow,
) -> Option<(Severity, Confidence, crate::finding::Finding)> {
    let min_source = rule.call().map_or(MinSource::Any, |c| c.min_source);
    let (severity, confidence) = if flow.traced {
        (rule.severity, Confidence::High)
    } else if min_source == MinSource::Entry {
        return None;
    } else if flow.public {
        (lower(rule.severity), Confidence::Medium)
    } else if min_source == MinSource::Any {
        (lower(rule.severity), Confidence::Low)
    } else {
        return None;
    };
    let who = flow
        .kind
        .map_or("parameter", |kind| EntryKind::from(kind).describe());
    let mut source = format!("{who} `{}` of `{}`", flow.param, flow.entry);
    let helpers = (!flow.through.is_empty()).then(|| {
        flow.through
            .iter()
            .map(|h| format!("`{h}()`"))
            .collect::<Vec<_>>()
            .join(", ")
    });
    let mut why = format!("; {source} reaches it");
    if let Some(helpers) = &helpers {
        why.push_str(&format!(" through {helpers}"));
        source.push_str(&format!(", passed through {helpers}"));
    }
    let message = format!("{}{why}", rule.message.replace("{callee}", &flow.sink));
    let mut finding = ctx.finding(rule, flow.at, message);
    finding.severity = severity;
    finding.confidence = confidence;
    finding.trace = vec![
        crate::finding::TraceStep {
            location: ctx.location(flow.source),
            message: source,
        },
        crate::finding::TraceStep {
            location: finding.location.clone(),
            message: format!("reaches `{}`", flow.sink),
        },
    ];
    Some((severity, confidence, finding))
}

/// How the cross-file pass names another module's function that `to` calls, when that module
/// is part of the project: a relative or project module for Python (`.archive.extract`,
/// `tools.archive.extract`), the imported file's path for JavaScript (`src/tools/exec.run`).
fn external_callee(
    to: &crate::analyze::engine::External,
    lang: Language,
    rel_path: &str,
    project: &ProjectModules,
) -> Option<String> {
    let module = match lang {
        Language::Python if to.module.starts_with('.') || project.contains(&to.module) => {
            to.module.clone()
        }
        Language::TypeScript | Language::JavaScript => {
            crate::analyze::cross_file::js_import_target(rel_path, &to.module)?
        }
        _ => return None,
    };
    Some(format!("{module}.{}", to.member))
}

/// The argument an `External` names, as position and keyword.
fn external_arg(to: &crate::analyze::engine::External) -> (Option<usize>, Option<String>) {
    use crate::analyze::engine::ArgSel;
    match &to.at {
        ArgSel::Position(p) => (Some(*p), None),
        ArgSel::Keyword(k) => (None, Some(k.clone())),
        ArgSel::Receiver => (None, None),
    }
}

/// The IR engine's summaries of public functions and its entry points' calls into other
/// modules, added to the per-language engine's: the cross-file pass follows both.
fn merge_engine_exports(
    analysis: &crate::analyze::engine::Analysis,
    lang: Language,
    ctx: &FileContext<'_>,
    project: &ProjectModules,
    rules: &RuleSet,
    exports: &mut Vec<ExportedFunction>,
    calls: &mut Vec<ExternalCall>,
) {
    for passed in &analysis.calls {
        let Some(callee) = external_callee(&passed.to, lang, ctx.rel_path, project) else {
            continue;
        };
        let (position, keyword) = external_arg(&passed.to);
        calls.push(ExternalCall {
            callee,
            args: vec![ExternalArg {
                position,
                keyword,
                taints: vec![ExternalTaint {
                    function: passed.entry.clone(),
                    param: passed.param.clone(),
                    kind: FnKind::Entry(passed.kind.into()),
                    via: None,
                    sanitizers: Vec::new(),
                    through: passed.through.clone(),
                    source: Some(ctx.location(passed.source)),
                }],
            }],
        });
    }
    // A handler defined in another module: every parameter it has is the caller's.
    for entry in &analysis.imported_entries {
        let to = crate::analyze::engine::External {
            module: entry.module.clone(),
            member: entry.member.clone(),
            at: crate::analyze::engine::ArgSel::Position(0),
        };
        let Some(callee) = external_callee(&to, lang, ctx.rel_path, project) else {
            continue;
        };
        let taint = ExternalTaint {
            function: entry.name.clone().unwrap_or_else(|| entry.member.clone()),
            param: crate::analyze::cross_file::ANY_PARAM.to_string(),
            kind: FnKind::Entry(entry.kind.into()),
            via: None,
            sanitizers: Vec::new(),
            through: Vec::new(),
            source: None,
        };
        calls.push(ExternalCall {
            callee,
            args: (0..crate::analyze::cross_file::HANDLER_PARAMS)
                .map(|p| ExternalArg {
                    position: Some(p),
                    keyword: None,
                    taints: vec![taint.clone()],
                })
                .collect(),
        });
    }
    for export in &analysis.exports {
        let index = match exports.iter().position(|e| e.name == export.name) {
            Some(i) => i,
            None => {
                exports.push(ExportedFunction {
                    name: export.name.clone(),
                    params: export.params.clone(),
                    sinks: Vec::new(),
                    forwards: Vec::new(),
                });
                exports.len() - 1
            }
        };
        let Some(target) = exports.get_mut(index) else {
            continue;
        };
        for (param, rule_id, sink_callee, span, through) in &export.sinks {
            let Some(rule) = rules.rules().iter().position(|r| r.id == *rule_id) else {
                continue;
            };
            let known = target
                .sinks
                .iter()
                .any(|s| s.param == *param && s.rule == rule && s.span == *span);
            if !known {
                target.sinks.push(ExportedSink {
                    param: *param,
                    rule,
                    callee: sink_callee.clone(),
                    span: *span,
                    via: None,
                    sanitizers: Vec::new(),
                    through: through.clone(),
                    template: None,
                });
            }
        }
        for (param, to, through) in &export.forwards {
            let Some(callee) = external_callee(to, lang, ctx.rel_path, project) else {
                continue;
            };
            let (position, keyword) = external_arg(to);
            target.forwards.push(Forward {
                param: *param,
                callee,
                position,
                keyword,
                through: through.clone(),
            });
        }
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

/// A taint as it leaves its file: owned data, so the cross-file pass can join files analyzed
/// on different threads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExternalTaint {
    pub function: String,
    pub param: String,
    pub kind: FnKind,
    pub via: Option<String>,
    pub sanitizers: Vec<String>,
    pub through: Vec<String>,
    /// Where the parameter is declared, when known: the first step of the finding's trace.
    pub source: Option<crate::finding::Location>,
}

impl ExternalTaint {
    fn from_taint(t: &Taint) -> Self {
        ExternalTaint {
            function: t.origin.function.to_string(),
            param: t.origin.param.to_string(),
            kind: t.origin.kind,
            via: t.via.clone(),
            sanitizers: t.sanitizers.clone(),
            through: t.through.clone(),
            source: None,
        }
    }

    /// `tool parameter `cmd` of `run``, as the first step of a trace names it.
    pub(crate) fn describe(&self) -> String {
        let who = match self.kind {
            FnKind::Entry(kind) => kind.describe(),
            FnKind::Public | FnKind::Private => "parameter",
        };
        format!("{who} `{}` of `{}`", self.param, self.function)
    }

    pub(crate) fn to_taint(&self) -> Taint {
        Taint {
            origin: Origin {
                function: Rc::from(self.function.as_str()),
                param: Rc::from(self.param.as_str()),
                index: 0,
                kind: self.kind,
                at: None,
            },
            via: self.via.clone(),
            sanitizers: self.sanitizers.clone(),
            through: self.through.clone(),
        }
    }
}

/// An argument of an external call that carries taint from an MCP entry point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExternalArg {
    pub position: Option<usize>,
    pub keyword: Option<String>,
    pub taints: Vec<ExternalTaint>,
}

/// A call from an MCP entry point to a function of another module of the project, as
/// written (`tools.archive.extract`, or `.archive.extract` for a relative import).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExternalCall {
    pub callee: String,
    pub args: Vec<ExternalArg>,
}

impl ExternalCall {
    pub fn from_args(callee: String, args: &[(Option<usize>, Option<String>, Flow)]) -> Self {
        let args = args
            .iter()
            .filter_map(|(position, keyword, flow)| match flow {
                Flow::Tainted(ts) => Some(ExternalArg {
                    position: *position,
                    keyword: keyword.clone(),
                    taints: ts.iter().map(ExternalTaint::from_taint).collect(),
                }),
                _ => None,
            })
            .collect();
        ExternalCall { callee, args }
    }
}

/// "Parameter `param` reaches this sink", with the taint's path inside the function: what a
/// front end's function summary records for callers.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct SummarySink {
    pub param: usize,
    pub rule: usize,
    pub callee: String,
    pub span: Span,
    pub via: Option<String>,
    pub through: Vec<String>,
    pub sanitizers: Vec<String>,
}

impl SummarySink {
    /// The sink as other modules see it; `analyze` fills in the template.
    pub(crate) fn exported(&self) -> ExportedSink {
        ExportedSink {
            param: self.param,
            rule: self.rule,
            callee: self.callee.clone(),
            span: self.span,
            via: self.via.clone(),
            sanitizers: self.sanitizers.clone(),
            through: self.through.clone(),
            template: None,
        }
    }
}

/// "Parameter `param` of this exported function reaches this sink."
#[derive(Clone, Debug, PartialEq)]
pub struct ExportedSink {
    pub param: usize,
    pub rule: usize,
    pub callee: String,
    pub span: Span,
    pub via: Option<String>,
    pub sanitizers: Vec<String>,
    pub through: Vec<String>,
    /// The finding at the sink at the rule's own grade, filled in by `analyze`: location,
    /// snippet and fingerprints come from this file, the grade from the caller.
    pub template: Option<crate::finding::Finding>,
}

/// A top-level function of a module, as other modules see it.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportedFunction {
    pub name: String,
    pub params: Vec<String>,
    pub sinks: Vec<ExportedSink>,
    /// Parameters passed on to functions of third modules, for the next hop.
    pub forwards: Vec<Forward>,
}

/// "Parameter `param` is passed to `callee` (another module's function) as this argument."
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Forward {
    pub param: usize,
    /// As `ExternalCall::callee` spells it.
    pub callee: String,
    pub position: Option<usize>,
    pub keyword: Option<String>,
    pub through: Vec<String>,
}

/// What a front end found in one file.
pub struct Parsed {
    pub hits: Vec<SinkHit>,
    /// The flows the IR taint engine found (issue 20: it runs next to the per-language
    /// engines until it covers all they do; a finding takes the better of the two grades).
    pub engine: crate::analyze::engine::Analysis,
    /// The MCP tools, resources and prompts the file defines, for the inventory.
    pub entries: Vec<EntryInfo>,
    /// Summaries of the module's top-level functions, for callers in other files.
    pub exports: Vec<ExportedFunction>,
    /// Calls from MCP entry points into other modules with tainted arguments.
    pub external_calls: Vec<ExternalCall>,
    /// Functions of other modules this one exports as its own (`export * from "./x.js"`).
    pub reexports: Vec<Reexport>,
    /// Text the server shows the model about its tools, prompts and resources.
    pub descriptions: Vec<Description>,
    pub had_syntax_errors: bool,
    /// The analysis ran out of its time budget: what was found stands, more may be missing.
    pub analysis_truncated: Option<Duration>,
}

/// An MCP entry point a file defines: what the inventory lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryInfo {
    pub kind: EntryKind,
    /// The function's name as taints name their origin (`Class.method` in Python; the
    /// registered name in TypeScript).
    pub name: String,
    pub start_byte: usize,
    /// The parameters a caller (the model) chooses.
    pub params: Vec<String>,
}

/// `export { run as exec } from "./tools/exec.js"` (`name` and `original` given) or
/// `export * from "./tools/exec.js"` (both `None`); `module` as `module_names` spells it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reexport {
    pub name: Option<String>,
    pub original: Option<String>,
    pub module: String,
}

/// A tool, prompt or resource description as written in the source.
#[derive(Clone, Debug, PartialEq)]
pub struct Description {
    /// The tool (or prompt, resource) it describes.
    pub owner: String,
    /// Where the literal starts in the file.
    pub start_byte: usize,
    /// The literal's source text, quotes and escapes included.
    pub text: String,
}

/// The same characters written as escapes in a string literal.
static HIDDEN_ESCAPE: std::sync::LazyLock<Option<regex::Regex>> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(?i)\\u(200[b-f]|202[a-e]|206[0-9]|feff)|\\U000e00[0-7][0-9a-f]|\\N\{(zero width|right-to-left|left-to-right)")
        .ok()
});

/// The first problem `rule` finds in `d`: the byte offset within the literal and what matched.
/// Findings of the tool-description rules (poisoning, hidden characters, length) on
/// `descriptions`; `lang` limits them to the rules of a language (`None`: language-neutral
/// text such as an extension manifest).
pub fn description_findings(
    ctx: &FileContext<'_>,
    rules: &RuleSet,
    descriptions: &[Description],
    lang: Option<Language>,
) -> Vec<crate::finding::Finding> {
    let mut out = Vec::new();
    for rule in rules.rules() {
        let crate::rules::Matcher::ToolDescription(check) = &rule.matcher else {
            continue;
        };
        if lang.is_some_and(|l| !rule.languages.contains(&l)) {
            continue;
        }
        for d in descriptions {
            let Some((offset, matched)) = check_description(check, d) else {
                continue;
            };
            let shown: String = matched.chars().take(60).collect();
            let message = rule
                .message
                .replace("{tool}", &d.owner)
                .replace("{match}", &crate::display::printable(&shown));
            let start = d.start_byte + offset;
            let span = ctx.span_of_bytes(start, start + matched.len().max(1));
            out.push(ctx.finding(rule, span, message));
        }
    }
    out
}

/// The file's MCP entry points with their descriptions and what their inputs reach.
fn inventory(ctx: &FileContext<'_>, rules: &RuleSet, parsed: &Parsed) -> Vec<crate::tools::Tool> {
    use crate::tools::{Tool, capability_of, plain_description, sha256_hex};
    // Tools declared as data (`{ name, description, inputSchema }` in a ListTools handler,
    // `Tool(name=..., description=...)`) and dispatched by one `call_tool` handler: listed by
    // their descriptions, so the lock still covers what the model reads.
    let mut declared: Vec<&Description> = parsed
        .descriptions
        .iter()
        .filter(|d| !matches!(d.owner.as_str(), "parameter" | "tool" | ""))
        .filter(|d| !parsed.entries.iter().any(|e| e.name == d.owner))
        .collect();
    declared.sort_by(|a, b| a.owner.cmp(&b.owner).then(a.start_byte.cmp(&b.start_byte)));
    declared.dedup_by(|a, b| a.owner == b.owner);
    let declared_tools: Vec<Tool> = declared
        .iter()
        .map(|first| {
            let texts: Vec<&Description> = parsed
                .descriptions
                .iter()
                .filter(|d| d.owner == first.owner)
                .collect();
            let raw: Vec<&str> = texts.iter().map(|d| d.text.as_str()).collect();
            Tool {
                kind: "tool".to_string(),
                name: first.owner.clone(),
                path: ctx.rel_path.to_string(),
                line: ctx
                    .span_of_bytes(first.start_byte, first.start_byte)
                    .start_row
                    + 1,
                description: texts
                    .iter()
                    .map(|d| plain_description(&d.text))
                    .collect::<Vec<_>>()
                    .join(" "),
                description_sha256: sha256_hex(&raw.join("\n")),
                params: Vec::new(),
                capabilities: std::collections::BTreeSet::new(),
            }
        })
        .collect();
    let mut tools: Vec<Tool> = parsed
        .entries
        .iter()
        .map(|entry| {
            let mut described: Vec<&Description> = parsed
                .descriptions
                .iter()
                .filter(|d| d.owner == entry.name)
                .collect();
            described.sort_by_key(|d| d.start_byte);
            let raw: Vec<&str> = described.iter().map(|d| d.text.as_str()).collect();
            let description: Vec<String> = described
                .iter()
                .map(|d| plain_description(&d.text))
                .collect();
            let mut capabilities = std::collections::BTreeSet::new();
            for hit in &parsed.hits {
                let Hit::Value(Flow::Tainted(taints)) = &hit.hit else {
                    continue;
                };
                let from_entry = taints.iter().any(|t| {
                    *t.origin.function == entry.name && matches!(t.origin.kind, FnKind::Entry(_))
                });
                let capability = rules
                    .rules()
                    .get(hit.rule)
                    .and_then(|r| capability_of(&r.cwe));
                if let (true, Some(capability)) = (from_entry, capability) {
                    capabilities.insert(capability.to_string());
                }
            }
            let kind = match entry.kind {
                EntryKind::Tool => "tool",
                EntryKind::Resource => "resource",
                EntryKind::Prompt => "prompt",
                EntryKind::CallTool => "call_tool",
                EntryKind::Route => "route",
            };
            Tool {
                kind: kind.to_string(),
                name: entry.name.clone(),
                path: ctx.rel_path.to_string(),
                line: ctx
                    .span_of_bytes(entry.start_byte, entry.start_byte)
                    .start_row
                    + 1,
                description: description.join(" "),
                description_sha256: sha256_hex(&raw.join("\n")),
                params: entry.params.clone(),
                capabilities,
            }
        })
        .collect();
    tools.extend(declared_tools);
    tools
}

fn check_description(
    rule: &crate::rules::DescriptionMatch,
    d: &Description,
) -> Option<(usize, String)> {
    for regex in &rule.compiled {
        if let Some(m) = regex.find(&d.text) {
            return Some((m.start(), m.as_str().to_string()));
        }
    }
    if rule.hidden_characters {
        if let Some((i, c)) = d
            .text
            .char_indices()
            .find(|(_, c)| crate::display::is_hidden_char(*c))
        {
            return Some((i, format!("U+{:04X}", u32::from(c))));
        }
        if let Some(m) = HIDDEN_ESCAPE.as_ref().and_then(|r| r.find(&d.text)) {
            return Some((m.start(), m.as_str().to_string()));
        }
    }
    if let Some(max) = rule.max_length {
        let length = d.text.chars().count();
        if length > max {
            return Some((0, format!("{length} characters")));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_gives_up_when_the_budget_is_spent() {
        let rules = RuleSet::builtin().expect("rules");
        let text = "x = [1, 2, 3]\n".repeat(10_000);
        let ctx = FileContext::new("big.py", &text);
        let outcome = analyze(
            Language::Python,
            &ctx,
            &rules,
            Duration::ZERO,
            &ProjectModules::new(),
        );
        assert!(outcome.findings.is_empty());
        assert_eq!(outcome.notices.len(), 1);
        assert_eq!(outcome.notices[0].level, NoticeLevel::Error);
        assert_eq!(
            outcome.notices[0].reason,
            "parse took longer than 0ns; not analyzed"
        );
        // The same file with time to spare parses.
        let outcome = analyze(
            Language::Python,
            &ctx,
            &rules,
            Duration::from_secs(60),
            &ProjectModules::new(),
        );
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
        assert_eq!(
            language_for(Path::new("src/index.ts"), b""),
            Some(Language::TypeScript)
        );
        assert_eq!(
            language_for(Path::new("a.tsx"), b""),
            Some(Language::TypeScript)
        );
        assert_eq!(
            language_for(Path::new("a.mjs"), b""),
            Some(Language::JavaScript)
        );
        assert_eq!(language_for(Path::new("dist/index.d.ts"), b""), None);
        assert_eq!(
            language_for(Path::new("bin/cli"), b"#!/usr/bin/env node\n"),
            Some(Language::JavaScript)
        );
    }

    fn taint(function: &str, kind: FnKind) -> Taint {
        Taint {
            origin: Origin {
                function: function.into(),
                param: "p".into(),
                index: 0,
                kind,
                at: None,
            },
            via: None,
            sanitizers: vec![],
            through: vec![],
        }
    }

    #[test]
    fn join_keeps_the_more_dangerous_flow_and_merges_origins() {
        assert_eq!(Flow::Constant.join(Flow::Safe), Flow::Safe);
        assert_eq!(Flow::Unknown.join(Flow::Safe), Flow::Unknown);
        let a = Flow::Tainted(vec![taint("a", FnKind::Public)]);
        let b = Flow::Tainted(vec![taint("b", FnKind::Entry(EntryKind::Tool))]);
        assert!(Flow::Unknown.join(a.clone()).is_tainted());
        match a.join(b) {
            Flow::Tainted(ts) => assert_eq!(ts.len(), 2),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn join_keeps_only_the_sanitizers_both_paths_applied() {
        let mut checked = taint("a", FnKind::Public);
        checked.sanitizers = vec!["allowlist".into(), "numeric".into()];
        let mut other = taint("a", FnKind::Public);
        other.sanitizers = vec!["numeric".into()];
        match Flow::Tainted(vec![checked]).join(Flow::Tainted(vec![other])) {
            Flow::Tainted(ts) => {
                assert_eq!(ts.len(), 1);
                assert_eq!(ts[0].sanitizers, ["numeric"]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn lowering_steps_one_level() {
        assert_eq!(lower(Severity::Critical), Severity::High);
        assert_eq!(lower(Severity::High), Severity::Medium);
        assert_eq!(lower(Severity::Info), Severity::Info);
    }
}
