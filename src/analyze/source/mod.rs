//! The source engine. A language front end parses a file once, resolves names, finds the MCP
//! entry points (the taint sources), propagates taint through each function and across
//! functions of the file (summaries), and reports *sink hits*: calls that some rule matches,
//! with the flow of the value that matters. This module holds the language-neutral parts: the
//! flow lattice, the rule matcher and the policy that turns hits into findings.

pub mod javascript;
pub mod model_text;
pub mod python;
pub mod rust;

use super::cross_file::ProjectModules;
use super::{FileContext, FileOutcome, Span};
use crate::finding::{Confidence, Notice, NoticeLevel, Severity};
use crate::rules::{Language, MinSource, Rule, RuleSet};
use std::collections::HashMap;
use std::ops::ControlFlow;
use std::path::Path;
use std::time::{Duration, Instant};

pub use model_text::{Description, Piece, description_findings};

/// What kind of MCP entry point a function is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
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
            E::CallTool => EntryKind::CallTool,
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
        Some("rs") => return Some(Language::Rust),
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
    whole: Project<'_>,
) -> FileOutcome {
    let project = whole.modules;
    let mut outcome = FileOutcome::default();
    let imported = FileReturns {
        project: whole,
        lang,
        rel_path: ctx.rel_path,
    };
    if lang == Language::Any {
        // No front end parses "any text"; those rules run in the secrets pass.
        return outcome;
    }
    // The first pass's lowering of this very text, when it kept one for this pass.
    let kept = ctx
        .lowered
        .as_deref()
        .filter(|l| l.lang == lang && l.text == ctx.text);
    let mut fresh = None;
    let lowered = match kept {
        Some(kept) => kept,
        None => match lower(lang, ctx.text, ctx.rel_path, project, parse_budget) {
            Ok(lowered) => &*fresh.insert(lowered),
            Err(failure) => {
                outcome.notices.push(Notice::new(
                    crate::finding::NoticeCode::ParseFailed,
                    ctx.rel_path,
                    NoticeLevel::Error,
                    failure.to_string(),
                ));
                outcome.library = Some(crate::analyze::LibraryUses {
                    lang,
                    uses: Vec::new(),
                    complete: false,
                });
                return outcome;
            }
        },
    };
    let mut parsed = finish(lowered, ctx.text, rules, &imported);
    if fresh.is_some() {
        let bytes = ctx.text.len() as u64;
        outcome
            .timings
            .record_spent(crate::stats::Phase::Parse, parsed.parse_time, bytes);
        outcome
            .timings
            .record_spent(crate::stats::Phase::Lower, parsed.lower_time, bytes);
    }
    outcome.timings.unmodeled_macros += parsed.unmodeled_macros;
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
    // One finding per (sink, rule): the best-graded flow wins, e.g. the helper's sink reached
    // from a tool beats the same sink graded as a public function's parameter.
    let mut best: HashMap<(usize, usize, usize), (Severity, Confidence, crate::finding::Finding)> =
        HashMap::new();
    for flow in &parsed.engine.flows {
        let Some((index, rule)) = rules
            .index_of(&flow.rule)
            .and_then(|i| rules.rules().get(i).map(|r| (i, r)))
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
    outcome.project_evidence = project_evidence(ctx.text, lang, rules, &parsed.engine.evidence);
    // The file's own evidence holds here already; the scan applies everyone's to everyone.
    outcome
        .findings
        .retain(|f| !outcome.project_evidence.contains(&f.rule_id));
    outcome.tools = inventory(ctx, rules, &parsed, lang, whole);
    outcome.findings.extend(description_findings(
        ctx,
        rules,
        &parsed.descriptions,
        Some(lang),
    ));
    // The caller fingerprints the file's findings once, after all analyzers and suppressions.
    // Templates of exported sinks, fingerprinted in one pass over the file.
    let mut exports = Vec::new();
    let mut external_calls = Vec::new();
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
                let message = rule
                    .message
                    .replace("{callee}", &shown_callee(lang, &sink.callee));
                templates.push(ctx.finding(rule, sink.span, message));
                slots.push((f, k));
            }
        }
    }
    ctx.fingerprint_in_order(&mut templates);
    for ((f, k), template) in slots.into_iter().zip(templates) {
        if let Some(sink) = exports.get_mut(f).and_then(|e| e.sinks.get_mut(k)) {
            sink.template = Some(Box::new(template));
        }
    }
    outcome.exports = exports;
    outcome.external_calls = external_calls;
    outcome.reexports = parsed.reexports;
    outcome.imported_texts = parsed.imported_texts;
    // Which inventory entry each belongs to, as the scan finds the tool again: an entry
    // point's, else the tool declared as data under its owner's name.
    for text in &mut outcome.imported_texts {
        text.tool_line = parsed
            .entries
            .iter()
            .find(|e| e.name == text.owner)
            .map(|e| ctx.span_of_bytes(e.start_byte, e.start_byte).start_row + 1)
            .or_else(|| {
                outcome
                    .tools
                    .iter()
                    .find(|t| t.handler.is_empty() && t.name == text.owner)
                    .map(|t| t.line)
            })
            .unwrap_or(0);
    }
    outcome.text_constants = parsed.text_constants;
    outcome.library = Some(crate::analyze::LibraryUses {
        lang,
        uses: std::mem::take(&mut parsed.engine.uses),
        complete: true,
    });
    // A second pass can only take taint away: worth it where some was found.
    let traced = parsed
        .engine
        .flows
        .iter()
        .any(|f| f.reach != crate::analyze::engine::Reach::Shape)
        || !outcome.external_calls.is_empty()
        || outcome
            .exports
            .iter()
            .any(|e| !e.sinks.is_empty() || !e.forwards.is_empty());
    if traced {
        outcome.imported_results = parsed
            .engine
            .imported_results
            .iter()
            .filter_map(|((module, member), result)| {
                let callee = external_callee_of(module, member, lang, ctx.rel_path, project)?;
                Some((callee, result.clone()))
            })
            .collect();
    }
    // The first pass hands it on: the scan keeps it for the files the second pass may
    // analyze again.
    if let Some(mut lowered) = fresh.filter(|_| whole.exports.is_none()) {
        lowered.text = ctx.text.to_string();
        outcome.lowered = Some(std::sync::Arc::new(lowered));
    }
    outcome
}

/// Parses and lowers `text` with the front end of `lang`.
fn lower(
    lang: Language,
    text: &str,
    rel_path: &str,
    project: &ProjectModules,
    budget: Duration,
) -> Result<Lowered, ParseFailure> {
    match lang {
        Language::Python => python::lower(text, budget).map(|mut lowered| {
            lowered.reexports = module_reexports(&lowered.ir, rel_path);
            lowered
        }),
        Language::Any => Err(ParseFailure::Grammar(
            "any",
            "no front end parses it".into(),
        )),
        Language::TypeScript | Language::JavaScript => {
            javascript::lower(text, rel_path, project, lang, budget)
        }
        Language::Rust => rust::lower(text, budget),
    }
}

/// What a Python module imports at module level, as names it exports: Python binds them
/// in the module, so after `from .tools import run` in `pkg/__init__.py` (or in
/// `pkg/api.py`), `from pkg import run` (`from pkg.api import run`) is `pkg.tools.run`.
/// A name the module defines itself is found first.
fn module_reexports(ir: &crate::analyze::ir::Module, rel_path: &str) -> Vec<Reexport> {
    let in_function = |span: &Span| {
        ir.functions
            .iter()
            .skip(1)
            .any(|f| f.span.start_row <= span.start_row && span.end_row <= f.span.end_row)
    };
    ir.imports
        .iter()
        .filter(|i| !in_function(&i.span))
        .filter_map(|i| {
            // `import x` binds a module; `from . import tools` a submodule, named directly.
            let member = i.member.as_deref()?;
            if i.module.trim_start_matches('.').is_empty() {
                return None;
            }
            let module = crate::analyze::cross_file::resolve(&i.module, rel_path)?;
            Some(if member == "*" {
                Reexport {
                    name: None,
                    original: None,
                    module,
                }
            } else {
                Reexport {
                    name: Some(i.local.clone()),
                    original: Some(member.to_string()),
                    module,
                }
            })
        })
        .collect()
}

/// Runs the taint engine over a lowered file, with what the first pass found of the other
/// modules' functions (`imported`).
pub(crate) fn finish(
    lowered: &Lowered,
    text: &str,
    rules: &RuleSet,
    imported: &dyn crate::analyze::engine::ImportedReturns,
) -> Parsed {
    // Offsets are the same in a repaired text; node texts come from the one parsed.
    let text = lowered.repaired.as_deref().unwrap_or(text);
    let engine = run_engine(&lowered.ir, text, rules, lowered.lang, imported);
    let (entries, descriptions) = match lowered.lang {
        Language::Rust => rust::entries(&lowered.ir, &engine, text),
        _ => (lowered.entries.clone(), lowered.descriptions.clone()),
    };
    Parsed {
        engine,
        entries,
        reexports: lowered.reexports.clone(),
        descriptions,
        imported_texts: lowered.imported_texts.clone(),
        text_constants: lowered.text_constants.clone(),
        had_syntax_errors: lowered.had_syntax_errors,
        parse_time: lowered.parse_time,
        lower_time: lowered.lower_time,
        unmodeled_macros: lowered.ir.unmodeled_macros,
    }
}

/// The rules of `lang` this file holds project-wide evidence for: calls the engine found,
/// and `unless_project_matches` patterns its text matches.
fn project_evidence(
    text: &str,
    lang: Language,
    rules: &RuleSet,
    calls: &std::collections::BTreeSet<String>,
) -> Vec<String> {
    let mut found: Vec<String> = calls.iter().cloned().collect();
    for rule in rules.rules() {
        if rule.languages.contains(&lang)
            && !calls.contains(&rule.id)
            && rule.project_regexes().iter().any(|r| r.is_match(text))
        {
            found.push(rule.id.clone());
        }
    }
    found
}

/// What the analysis of one file may know of the rest of the project.
#[derive(Clone, Copy)]
pub struct Project<'a> {
    /// The project's module names: calls into them are kept for the cross-file pass.
    pub modules: &'a ProjectModules,
    /// Every module's exports, from a first pass over all of them (`None` in that pass).
    pub exports: Option<&'a crate::analyze::cross_file::Exports<'a>>,
}

/// What the functions one file imports from other project modules return, as the first
/// pass found.
struct FileReturns<'a> {
    project: Project<'a>,
    lang: Language,
    rel_path: &'a str,
}

impl crate::analyze::engine::ImportedReturns for FileReturns<'_> {
    fn returned(&self, module: &str, member: &str) -> Option<&crate::analyze::engine::Returned> {
        let exports = self.project.exports?;
        let callee = external_callee_of(
            module,
            member,
            self.lang,
            self.rel_path,
            self.project.modules,
        )?;
        exports.returned(&callee, self.rel_path)
    }
}

/// How many engine models a thread keeps (one per rule set and language).
const MAX_MODELS: usize = 8;

thread_local! {
    /// The engine's model of each rule set and language, built once per thread.
    static MODELS: std::cell::RefCell<Vec<(u64, Language, std::rc::Rc<crate::analyze::engine::Model>)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// The IR engine's flows in a lowered module, with the rules of `lang` as its model.
pub(crate) fn run_engine(
    module: &crate::analyze::ir::Module,
    text: &str,
    rules: &RuleSet,
    lang: Language,
    imported: &dyn crate::analyze::engine::ImportedReturns,
) -> crate::analyze::engine::Analysis {
    let model = MODELS.with(|cell| {
        let mut models = cell.borrow_mut();
        if let Some((_, _, m)) = models
            .iter()
            .find(|(id, l, _)| *id == rules.id() && *l == lang)
        {
            return m.clone();
        }
        let model = std::rc::Rc::new(crate::analyze::engine::Model::from_rules(rules, lang));
        if models.len() >= MAX_MODELS {
            models.remove(0);
        }
        models.push((rules.id(), lang, model.clone()));
        model
    });
    crate::analyze::engine::analyze_with(module, &model, text, imported)
}

/// Crates whose functions a Rust finding names by their path (`std::fs::write`).
const RUST_CRATES: [&str; 10] = [
    "std",
    "tokio",
    "reqwest",
    "ureq",
    "sqlx",
    "diesel",
    "async_process",
    "async_std",
    "smol",
    "rusqlite",
];

/// A callee as a finding's message names it: a Rust library function as its path is
/// written (`std::fs::write`), anything else as resolved (`subprocess.run`, `conn.execute`).
fn shown_callee(lang: Language, callee: &str) -> String {
    let from_crate = callee
        .split_once('.')
        .is_some_and(|(root, _)| RUST_CRATES.contains(&root));
    if lang == Language::Rust && from_crate {
        callee.replace('.', "::")
    } else {
        callee.to_string()
    }
}

/// A finding for a flow the IR engine found. From an entry point: the rule's severity, high
/// confidence. From a parameter of a public function no entry point was seen to reach: one
/// level lower, medium confidence, unless the rule reports only entry points; of a private
/// one: low confidence, only for rules that report any computed value. A value computed at
/// run time and not traced: one level lower, low confidence, for those rules only. A rule
/// about the call's shape: as the rule says.
fn engine_finding(
    ctx: &FileContext<'_>,
    rule: &Rule,
    flow: &crate::analyze::engine::Flow,
) -> Option<(Severity, Confidence, crate::finding::Finding)> {
    use crate::analyze::engine::Reach;
    let min_source = rule.call().map_or(MinSource::Any, |c| c.min_source);
    let (severity, confidence) = match flow.reach {
        Reach::Shape if flow.lower => (rule.severity.one_lower(), rule.confidence),
        Reach::Shape => (rule.severity, rule.confidence),
        Reach::Entry(_) => (rule.severity, Confidence::High),
        _ if min_source == MinSource::Entry => return None,
        Reach::Parameter { public: true } => (rule.severity.one_lower(), Confidence::Medium),
        Reach::Parameter { public: false } | Reach::Computed if min_source == MinSource::Any => {
            (rule.severity.one_lower(), Confidence::Low)
        }
        Reach::Parameter { .. } | Reach::Computed => return None,
    };
    let lang = rule.languages.first().copied().unwrap_or(Language::Any);
    let mut message = rule
        .message
        .replace("{callee}", &shown_callee(lang, &flow.sink));
    if let Some(detail) = &flow.detail {
        message = format!("{message}; {detail}");
    }
    let who = match flow.reach {
        Reach::Shape => {
            let mut finding = ctx.finding(rule, flow.at, message);
            finding.severity = severity;
            finding.confidence = confidence;
            return Some((severity, confidence, finding));
        }
        Reach::Computed => {
            let message = format!(
                "{message}; the value is computed at run time but not traced to a tool parameter"
            );
            let mut finding = ctx.finding(rule, flow.at, message);
            finding.severity = severity;
            finding.confidence = confidence;
            return Some((severity, confidence, finding));
        }
        Reach::Entry(kind) => EntryKind::from(kind).describe(),
        Reach::Parameter { .. } => "parameter",
    };
    let mut source = format!("{who} `{}` of `{}`", flow.param, flow.entry);
    let mut why = format!("; {source} reaches it");
    if let Some(via) = flow.via.as_deref().filter(|v| *v != flow.param) {
        why.push_str(&format!(" via `{via}`"));
        source.push_str(&format!(", stored in `{via}`"));
    }
    let helpers = (!flow.through.is_empty()).then(|| {
        flow.through
            .iter()
            .map(|h| format!("`{h}()`"))
            .collect::<Vec<_>>()
            .join(", ")
    });
    if let Some(helpers) = &helpers {
        why.push_str(&format!(" through {helpers}"));
        source.push_str(&format!(", passed through {helpers}"));
    }
    let mut finding = ctx.finding(rule, flow.at, format!("{message}{why}"));
    finding.severity = severity;
    finding.confidence = confidence;
    finding.trace = vec![
        crate::finding::TraceStep {
            location: ctx.location(flow.source),
            message: source,
        },
        crate::finding::TraceStep {
            location: finding.location.clone(),
            message: format!("reaches `{}`", shown_callee(lang, &flow.sink)),
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
    external_callee_of(&to.module, &to.member, lang, rel_path, project)
}

/// `external_callee` of `member` imported from `module`.
fn external_callee_of(
    module: &str,
    member: &str,
    lang: Language,
    rel_path: &str,
    project: &ProjectModules,
) -> Option<String> {
    if crate::analyze::cross_file::is_any_class(module) {
        return Some(format!("{module}.{member}"));
    }
    let module = match lang {
        // Also an instance a project module holds (`pkg.shell.runner`).
        Language::Python
            if module.starts_with('.')
                || project.contains(module)
                || module
                    .rsplit_once('.')
                    .is_some_and(|(parent, _)| project.contains(parent)) =>
        {
            module.to_string()
        }
        Language::TypeScript | Language::JavaScript => {
            crate::analyze::cross_file::js_project_import(rel_path, module, project)?
        }
        Language::Rust => rust_project_module(module, project)?,
        _ => return None,
    };
    Some(format!("{module}.{member}"))
}

/// The project module a Rust path names, as the cross-file pass spells it: `crate::a::b` is
/// `a.b` from the crate's root, `super::a` is relative (`.a`, as a Python import is), and a
/// path from a module the file does not import (`tools::run` after `use crate::*`) is looked
/// up by its name.
fn rust_project_module(module: &str, project: &ProjectModules) -> Option<String> {
    let path = module
        .strip_prefix("crate.")
        .or_else(|| module.strip_prefix("self."))
        .unwrap_or(module);
    if let Some(rest) = path.strip_prefix("super") {
        let mut levels = 1;
        let mut rest = rest;
        while let Some(more) = rest.strip_prefix(".super") {
            levels += 1;
            rest = more;
        }
        let rest = rest.strip_prefix('.').unwrap_or(rest);
        if rest.is_empty() {
            return None;
        }
        return Some(format!("{}{rest}", ".".repeat(levels)));
    }
    if path.is_empty() || matches!(path, "crate" | "self") {
        return None;
    }
    let named = format!("{}{path}", crate::analyze::cross_file::RUST_MODULE);
    let known = project.contains(&named)
        || named
            .rsplit_once('.')
            .is_some_and(|(parent, _)| project.contains(parent));
    known.then_some(named)
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
                    kind: passed.kind.into(),
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
            kind: entry.kind.into(),
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
        let calls_out = project_calls(&export.calls_out, lang, ctx.rel_path, project);
        let effects = tool_effects(&export.effects, None);
        let only_calls = export.sinks.is_empty()
            && export.forwards.is_empty()
            && export.returns.is_none()
            && export.makes.is_none();
        // Calls of libraries only: nothing the cross-file pass can follow.
        if only_calls && effects.is_empty() && calls_out.is_empty() {
            continue;
        }
        let index = match exports.iter().position(|e| e.name == export.name) {
            Some(i) => i,
            None => {
                exports.push(ExportedFunction {
                    name: export.name.clone(),
                    params: export.params.clone(),
                    sinks: Vec::new(),
                    forwards: Vec::new(),
                    returns: export.returns.clone(),
                    makes: export.makes.clone(),
                    effects: Vec::new(),
                    calls_out: Vec::new(),
                });
                exports.len() - 1
            }
        };
        let Some(target) = exports.get_mut(index) else {
            continue;
        };
        for effect in effects {
            if !target
                .effects
                .iter()
                .any(|e| e.capability == effect.capability)
            {
                target.effects.push(effect);
            }
        }
        for call in calls_out {
            if !target.calls_out.contains(&call) {
                target.calls_out.push(call);
            }
        }
        for hit in &export.sinks {
            let Some(rule) = rules.index_of(&hit.rule) else {
                continue;
            };
            let known = target
                .sinks
                .iter()
                .any(|s| s.param == hit.param && s.rule == rule && s.span == hit.at);
            if !known {
                target.sinks.push(ExportedSink {
                    param: hit.param,
                    rule,
                    callee: hit.sink.clone(),
                    span: hit.at,
                    via: hit.via.clone(),
                    through: hit.through.clone(),
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

/// The calls of `calls` into project modules, as `ExternalCall::callee` spells them.
fn project_calls(
    calls: &[(String, String)],
    lang: Language,
    rel_path: &str,
    project: &ProjectModules,
) -> Vec<String> {
    let mut out: Vec<String> = calls
        .iter()
        .filter_map(|(module, member)| external_callee_of(module, member, lang, rel_path, project))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The engine's effects as the inventory lists them; `path` when another file makes them.
fn tool_effects(
    effects: &[crate::analyze::engine::EffectAt],
    path: Option<&str>,
) -> Vec<crate::tools::ToolEffect> {
    effects
        .iter()
        .map(|e| crate::tools::ToolEffect {
            capability: e.capability.clone(),
            callee: e.callee.clone(),
            line: e.at.start_row + 1,
            path: path.map(str::to_string),
        })
        .collect()
}

/// Why a file could not be parsed at all.
#[derive(Debug, thiserror::Error)]
pub enum ParseFailure {
    #[error("parse took longer than {0:?}; not analyzed")]
    Timeout(Duration),
    #[error("the {0} grammar could not be loaded: {1}")]
    Grammar(&'static str, String),
}

/// A thread's parser of one grammar, made the first time the thread needs it.
pub(crate) type ParserSlot = std::thread::LocalKey<std::cell::RefCell<Option<tree_sitter::Parser>>>;

/// Parses `text` with the thread's parser in `slot`, set to `grammar` (named `name` in
/// errors) on first use.
pub(crate) fn parse_in(
    slot: &'static ParserSlot,
    grammar: tree_sitter::Language,
    name: &'static str,
    text: &str,
    budget: Duration,
) -> Result<tree_sitter::Tree, ParseFailure> {
    slot.with(|cell| {
        let mut parser = cell.borrow_mut();
        if parser.is_none() {
            let mut fresh = tree_sitter::Parser::new();
            fresh
                .set_language(&grammar)
                .map_err(|e| ParseFailure::Grammar(name, e.to_string()))?;
            *parser = Some(fresh);
        }
        match parser.as_mut() {
            Some(parser) => parse(parser, text, budget),
            None => Err(ParseFailure::Grammar(name, "parser unavailable".into())),
        }
    })
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
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ExternalTaint {
    pub function: String,
    pub param: String,
    pub kind: EntryKind,
    /// The functions the value passed through before it left its module.
    pub through: Vec<String>,
    /// Where the parameter is declared, when known: the first step of the finding's trace.
    pub source: Option<crate::finding::Location>,
}

impl ExternalTaint {
    /// `tool parameter `cmd` of `run``, as messages and traces name it; a handler registered
    /// by reference takes its parameter's name from the function it lands in.
    pub(crate) fn describe_as(&self, param_name: Option<&str>) -> String {
        let param = if self.param == crate::analyze::cross_file::ANY_PARAM {
            param_name.unwrap_or_default()
        } else {
            &self.param
        };
        format!("{} `{param}` of `{}`", self.kind.describe(), self.function)
    }
}

/// An argument of an external call that carries taint from an MCP entry point.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ExternalArg {
    pub position: Option<usize>,
    pub keyword: Option<String>,
    pub taints: Vec<ExternalTaint>,
}

/// A call from an MCP entry point to a function of another module of the project, as
/// written (`tools.archive.extract`, or `.archive.extract` for a relative import).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ExternalCall {
    pub callee: String,
    pub args: Vec<ExternalArg>,
}

/// "Parameter `param` of this exported function reaches this sink."
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ExportedSink {
    pub param: usize,
    pub rule: usize,
    pub callee: String,
    pub span: Span,
    /// The variable of the function the sink reads the value from.
    pub via: Option<String>,
    pub through: Vec<String>,
    /// The finding at the sink at the rule's own grade, filled in by `analyze`: location,
    /// snippet and fingerprints come from this file, the grade from the caller.
    pub template: Option<Box<crate::finding::Finding>>,
}

/// A top-level function of a module, as other modules see it.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ExportedFunction {
    pub name: String,
    pub params: Vec<String>,
    pub sinks: Vec<ExportedSink>,
    /// Parameters passed on to functions of third modules, for the next hop.
    pub forwards: Vec<Forward>,
    /// What it returns, when that says more than "each argument, unchecked".
    pub returns: Option<crate::analyze::engine::Returned>,
    /// The class of the module whose instance it returns (a factory).
    pub makes: Option<String>,
    /// What it and the functions of its module it calls do whatever the arguments.
    pub effects: Vec<crate::tools::ToolEffect>,
    /// The functions of other project modules they call, as `ExternalCall::callee` spells
    /// them.
    pub calls_out: Vec<String>,
}

impl ExportedFunction {
    pub fn shrink_to_fit(&mut self) {
        self.params.shrink_to_fit();
        for sink in &mut self.sinks {
            if let Some(template) = &mut sink.template {
                template.shrink_to_fit();
            }
        }
        self.sinks.shrink_to_fit();
        self.forwards.shrink_to_fit();
        self.effects.shrink_to_fit();
        self.calls_out.shrink_to_fit();
    }
}

/// "Parameter `param` is passed to `callee` (another module's function) as this argument."
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Forward {
    pub param: usize,
    /// As `ExternalCall::callee` spells it.
    pub callee: String,
    pub position: Option<usize>,
    pub keyword: Option<String>,
    pub through: Vec<String>,
}

/// A source file parsed and lowered to the IR, with what its front end found on the way:
/// what the engine runs on. The first pass keeps it for a file the second pass may analyze
/// again, so that a file is parsed once per scan.
#[derive(Debug)]
pub struct Lowered {
    lang: Language,
    /// The text it was lowered from, when kept: the second pass reuses it only for the same.
    text: String,
    ir: crate::analyze::ir::Module,
    /// The text the tree was parsed from when the front end rewrote it (TypeScript syntax
    /// newer than the grammar).
    repaired: Option<String>,
    /// Python and TS/JS: found while lowering. Rust's are what the engine finds.
    entries: Vec<EntryInfo>,
    reexports: Vec<Reexport>,
    descriptions: Vec<Description>,
    imported_texts: Vec<model_text::ImportedText>,
    text_constants: Vec<model_text::TextConstant>,
    had_syntax_errors: bool,
    parse_time: Duration,
    lower_time: Duration,
}

impl Lowered {
    fn new(lang: Language, ir: crate::analyze::ir::Module) -> Lowered {
        Lowered {
            lang,
            text: String::new(),
            ir,
            repaired: None,
            entries: Vec::new(),
            reexports: Vec::new(),
            descriptions: Vec::new(),
            imported_texts: Vec::new(),
            text_constants: Vec::new(),
            had_syntax_errors: false,
            parse_time: Duration::ZERO,
            lower_time: Duration::ZERO,
        }
    }
}

/// What a front end found in one file.
pub struct Parsed {
    /// The flows, summaries and calls into other modules the taint engine found.
    pub engine: crate::analyze::engine::Analysis,
    /// The MCP tools, resources and prompts the file defines, for the inventory.
    pub entries: Vec<EntryInfo>,
    /// Functions of other modules this one exports as its own (`export * from "./x.js"`).
    pub reexports: Vec<Reexport>,
    /// Text the server shows the model about its tools, prompts and resources.
    pub descriptions: Vec<Description>,
    /// Texts of its tools that are constants of other modules, and its own constants that
    /// may be: the scan joins them.
    pub imported_texts: Vec<model_text::ImportedText>,
    pub text_constants: Vec<model_text::TextConstant>,
    pub had_syntax_errors: bool,
    /// Time spent in the tree-sitter parse, and in lowering the tree to the IR.
    pub parse_time: Duration,
    pub lower_time: Duration,
    /// Macro calls the front end has no model of, lowered as passing their values through.
    pub unmodeled_macros: u64,
}

/// An MCP entry point a file defines: what the inventory lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryInfo {
    pub kind: EntryKind,
    /// The function's name as taints name their origin (`Class.method` in Python; the
    /// registered name in TypeScript).
    pub name: String,
    /// The name it is registered under when that is not `name` (`@mcp.tool(name="x")`): what
    /// the model sees, and what the inventory lists.
    pub registered: Option<String>,
    pub start_byte: usize,
    /// The parameters a caller (the model) chooses.
    pub params: Vec<String>,
}

/// `export { run as exec } from "./tools/exec.js"` (`name` and `original` given) or
/// `export * from "./tools/exec.js"` (both `None`); `module` as `module_names` spells it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Reexport {
    pub name: Option<String>,
    pub original: Option<String>,
    pub module: String,
}

/// The file's MCP entry points with their descriptions and what their inputs reach.
fn inventory(
    ctx: &FileContext<'_>,
    rules: &RuleSet,
    parsed: &Parsed,
    lang: Language,
    project: Project<'_>,
) -> Vec<crate::tools::Tool> {
    use crate::rules::TextKind;
    use crate::tools::{Tool, capability_of};
    // Tools declared as data (`{ name, description, inputSchema }` in a ListTools handler,
    // `Tool(name=..., description=...)`) and dispatched by one `call_tool` handler: listed by
    // their descriptions, so the lock still covers what the model reads.
    // Each named by its first text here, or by the first name of another module's text.
    let mut declared: Vec<(&str, usize)> = parsed
        .descriptions
        .iter()
        .filter(|d| d.kind == TextKind::Description)
        .map(|d| (d.owner.as_str(), d.start_byte()))
        .chain(
            parsed
                .imported_texts
                .iter()
                .filter(|t| t.kind == TextKind::Description)
                .map(|t| (t.owner.as_str(), t.start_byte)),
        )
        .filter(|(owner, _)| !matches!(*owner, "parameter" | "tool" | "server" | ""))
        .filter(|(owner, _)| !parsed.entries.iter().any(|e| e.name == *owner))
        .collect();
    declared.sort();
    declared.dedup_by(|a, b| a.0 == b.0);
    let declared_tools: Vec<Tool> = declared
        .iter()
        .map(|&(owner, start)| {
            let (description, description_sha256) = described(parsed, owner);
            // Registered with a handler another module defines (`server.tool("save", ...,
            // saveNote)` after `import { saveNote } from "./notes.js"`): it does what that
            // function does.
            let handler: Vec<(String, String)> = parsed
                .engine
                .imported_entries
                .iter()
                .filter(|i| i.name.as_deref() == Some(owner))
                .map(|i| (i.module.clone(), i.member.clone()))
                .collect();
            let calls_out = project_calls(&handler, lang, ctx.rel_path, project.modules);
            let effects = project
                .exports
                .map(|exports| exports.effects_through(&calls_out, ctx.rel_path))
                .unwrap_or_default();
            Tool {
                kind: "tool".to_string(),
                name: owner.to_string(),
                path: ctx.rel_path.to_string(),
                line: ctx.span_of_bytes(start, start).start_row + 1,
                description,
                description_sha256,
                params: Vec::new(),
                schema: std::collections::BTreeMap::new(),
                capabilities: std::collections::BTreeSet::new(),
                annotations: std::collections::BTreeMap::new(),
                effects,
                calls_out,
                handler: String::new(),
                code_sha256: String::new(),
            }
        })
        .collect();
    let mut tools: Vec<Tool> = parsed
        .entries
        .iter()
        .map(|entry| {
            let (description, description_sha256) = described(parsed, &entry.name);
            // What the entry's inputs reach: the flows from a parameter of its function.
            let entry_row = ctx
                .span_of_bytes(entry.start_byte, entry.start_byte)
                .start_row;
            let mut capabilities = std::collections::BTreeSet::new();
            for flow in &parsed.engine.flows {
                if !flow.traced() || flow.function.start_row != entry_row {
                    continue;
                }
                if let Some(capability) = rules.get(&flow.rule).and_then(|r| capability_of(&r.cwe))
                {
                    capabilities.insert(capability.to_string());
                }
            }
            // What its registration promises, and what its code does whatever the inputs.
            let facts = parsed
                .engine
                .entry_facts
                .iter()
                .find(|f| f.function.start_row == entry_row);
            let annotations = facts.map(|f| f.hints.clone()).unwrap_or_default();
            let mut effects = facts
                .map(|f| tool_effects(&f.effects, None))
                .unwrap_or_default();
            let calls_out = facts
                .map(|f| project_calls(&f.calls_out, lang, ctx.rel_path, project.modules))
                .unwrap_or_default();
            // What the functions of other modules it calls do, once every module's exports
            // are known (the second pass).
            if let Some(exports) = project.exports {
                for effect in exports.effects_through(&calls_out, ctx.rel_path) {
                    if !effects.iter().any(|e| e.capability == effect.capability) {
                        effects.push(effect);
                    }
                }
            }
            let name = entry
                .registered
                .clone()
                .unwrap_or_else(|| entry.name.clone());
            let handler = facts.map(|f| f.handler.clone()).unwrap_or_default();
            let code_sha256 = facts
                .map(|f| code_identity(ctx, parsed, f.function, &[&name, &entry.name, &handler]))
                .unwrap_or_default();
            let kind = match entry.kind {
                EntryKind::Tool => "tool",
                EntryKind::Resource => "resource",
                EntryKind::Prompt => "prompt",
                EntryKind::CallTool => "call_tool",
                EntryKind::Route => "route",
            };
            Tool {
                kind: kind.to_string(),
                name,
                path: ctx.rel_path.to_string(),
                line: ctx
                    .span_of_bytes(entry.start_byte, entry.start_byte)
                    .start_row
                    + 1,
                description,
                description_sha256,
                params: entry.params.clone(),
                schema: facts.map(|f| f.schema.clone()).unwrap_or_default(),
                capabilities,
                annotations,
                effects,
                calls_out,
                handler,
                code_sha256,
            }
        })
        .collect();
    tools.extend(declared_tools);
    tools
}

/// SHA-256 of the handler's code at `function` as the lock identifies it across a rename:
/// whitespace, the texts the model reads (a docstring, a description) and the tool's own
/// `names` (as identifiers or inside strings, not as attributes) left out.
fn code_identity(ctx: &FileContext<'_>, parsed: &Parsed, function: Span, names: &[&str]) -> String {
    let range = ctx.bytes_of(function);
    let mut texts: Vec<std::ops::Range<usize>> = parsed
        .descriptions
        .iter()
        .flat_map(|d| &d.pieces)
        .map(|p| p.start_byte..p.start_byte + p.text.len())
        .filter(|r| r.start >= range.start && r.end <= range.end)
        .collect();
    texts.sort_by_key(|r| r.start);
    let mut code = String::with_capacity(range.len());
    let mut at = range.start;
    for text in texts.iter().chain(std::iter::once(&(range.end..range.end))) {
        if text.start >= at {
            code.push_str(ctx.text.get(at..text.start).unwrap_or(""));
            at = text.end;
        }
    }
    let mut normalized = String::with_capacity(code.len());
    let mut word = String::new();
    // `client.get_issue(...)` inside the tool `get_issue` names the client's method: an
    // attribute keeps its name.
    let flush = |word: &mut String, out: &mut String| {
        if names.contains(&word.as_str()) && !out.ends_with('.') {
            out.push('_');
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in code.chars() {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        flush(&mut word, &mut normalized);
        if !c.is_whitespace() {
            normalized.push(c);
        }
    }
    flush(&mut word, &mut normalized);
    crate::tools::sha256_hex(&normalized)
}

/// What the model reads about `owner`: its description as one line, and a hash of every
/// text it is shown about it (description, parameters, a description set at run time), for
/// the lock.
fn described(parsed: &Parsed, owner: &str) -> (String, String) {
    use crate::rules::TextKind;
    let mut texts: Vec<&Description> = parsed
        .descriptions
        .iter()
        .filter(|d| d.owner == owner && d.kind != TextKind::Output)
        .collect();
    texts.sort_by_key(|d| d.start_byte());
    let shown: Vec<String> = texts
        .iter()
        .filter(|d| d.kind == TextKind::Description)
        .map(|d| d.plain())
        .collect();
    let hashed: Vec<String> = texts.iter().map(|d| d.text()).collect();
    (
        shown.join(" "),
        crate::tools::sha256_hex(&hashed.join("\n")),
    )
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
            Project {
                modules: &ProjectModules::new(),
                exports: None,
            },
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
            Project {
                modules: &ProjectModules::new(),
                exports: None,
            },
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

    #[test]
    fn lowering_steps_one_level() {
        assert_eq!(Severity::Critical.one_lower(), Severity::High);
        assert_eq!(Severity::High.one_lower(), Severity::Medium);
        assert_eq!(Severity::Info.one_lower(), Severity::Info);
    }
}
