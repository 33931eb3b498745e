//! The one dispatch of every per-file check, used by scans, rule examples, tests and fuzzing
//! alike: a file is classified once (`FileKind`), every `Check` that applies to it runs on
//! the same text, then its ignore comments are applied and its findings fingerprinted.
//!
//! To add an analyzer: implement `Check` (which files it wants, what it adds to the
//! `FileOutcome`) and list it in `CHECKS`. Secrets run first, since every later finding's
//! snippet and message hides them.

use crate::analyze::cross_file::ProjectModules;
use crate::analyze::source::model_text::texts_elsewhere;
use crate::analyze::source::{self, language_for};
use crate::analyze::{FileContext, FileOutcome, compose, dockerfile, mcp_config, package, secrets};
use crate::deps::audit::{DepsContext, audit_file};
use crate::deps::lockfile::LockfileKind;
use crate::finding::{Notice, NoticeCode, NoticeLevel};
use crate::rules::{Language, Matcher, RuleSet};
use crate::stats::Phase;
use crate::suppress;
use std::path::Path;
use std::time::{Duration, Instant};

/// What a file is, decided once from its name and first bytes: which checks want it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FileKind {
    /// A source language some rule applies to.
    pub lang: Option<Language>,
    /// Some secret rule is loaded (every text file is searched).
    pub secrets: bool,
    pub dependency: Option<LockfileKind>,
    /// An MCP client configuration, extension manifest or registry `server.json`.
    pub client_config: bool,
    /// A Dockerfile or compose file, with Dockerfile rules loaded.
    pub docker: bool,
    /// Inside a release archive (package-only rules).
    pub package: bool,
}

impl FileKind {
    /// `rel` is the report path; `head` the first bytes, for shebangs of files without an
    /// extension; `archive` the release archive the file is an entry of.
    pub fn classify(
        rel: &str,
        head: &[u8],
        archive: Option<&str>,
        rules: &RuleSet,
        deps: &DepsContext<'_>,
    ) -> FileKind {
        FileKind {
            lang: language_for(Path::new(rel), head).filter(|l| rules.languages().contains(l)),
            secrets: rules.secret_prefilter().is_some(),
            dependency: deps.kind_of(rel).filter(|_| rules.has_dependency_rules()),
            client_config: mcp_config::is_client_config(rel)
                || mcp_config::is_extension_manifest(rel),
            docker: rules.has_dockerfile_rules()
                && (dockerfile::is_dockerfile(rel) || compose::is_compose_file(rel)),
            package: archive.is_some(),
        }
    }

    /// No check wants the file (so it is not even read).
    pub fn is_none(&self) -> bool {
        self.lang.is_none()
            && !self.secrets
            && self.dependency.is_none()
            && !self.client_config
            && !self.docker
            && !self.package
    }

    /// A file meant to hold text (a binary there is worth a note, unlike an image).
    pub fn expects_text(&self) -> bool {
        self.lang.is_some() || self.dependency.is_some() || self.client_config || self.docker
    }
}

/// What the checks of one file may consult besides its text.
pub struct CheckEnv<'a> {
    pub rules: &'a RuleSet,
    pub deps: &'a DepsContext<'a>,
    pub project: &'a ProjectModules,
    /// Every module's exports, from a first pass (`None` in that pass).
    pub exports: Option<&'a crate::analyze::cross_file::Exports<'a>>,
    pub tool_lock: Option<&'a crate::tools::Lock>,
    pub parse_timeout: Duration,
    /// Honour `mcpgate:ignore` comments.
    pub inline_ignores: bool,
}

/// One analyzer of single files.
trait Check: Sync {
    fn phase(&self, kind: &FileKind) -> Phase;
    fn applies(&self, kind: &FileKind) -> bool;
    fn run(
        &self,
        ctx: &FileContext<'_>,
        kind: &FileKind,
        env: &CheckEnv<'_>,
        out: &mut FileOutcome,
    );
}

struct Secrets;
struct Source;
struct Package;
struct McpConfig;
struct Docker;
struct Dependencies;

/// In order: secrets first (later snippets hide them), then the others.
const CHECKS: [&dyn Check; 6] = [
    &Secrets,
    &Source,
    &Package,
    &McpConfig,
    &Docker,
    &Dependencies,
];

impl Check for Secrets {
    fn phase(&self, _: &FileKind) -> Phase {
        Phase::Secrets
    }
    fn applies(&self, kind: &FileKind) -> bool {
        kind.secrets
    }
    fn run(&self, ctx: &FileContext<'_>, _: &FileKind, env: &CheckEnv<'_>, out: &mut FileOutcome) {
        out.findings.extend(secrets::scan(ctx, env.rules));
    }
}

impl Check for Source {
    fn phase(&self, kind: &FileKind) -> Phase {
        match kind.lang {
            Some(Language::Python) => Phase::Python,
            Some(Language::Rust) => Phase::Rust,
            _ => Phase::TypeScript,
        }
    }
    fn applies(&self, kind: &FileKind) -> bool {
        kind.lang.is_some()
    }
    fn run(
        &self,
        ctx: &FileContext<'_>,
        kind: &FileKind,
        env: &CheckEnv<'_>,
        out: &mut FileOutcome,
    ) {
        let Some(lang) = kind.lang else {
            return;
        };
        let project = source::Project {
            modules: env.project,
            exports: env.exports,
        };
        let analyzed = source::analyze(lang, ctx, env.rules, env.parse_timeout, project);
        out.findings.extend(analyzed.findings);
        out.notices.extend(analyzed.notices);
        out.exports = analyzed.exports;
        out.external_calls = analyzed.external_calls;
        out.reexports = analyzed.reexports;
        out.imported_results = analyzed.imported_results;
        out.imported_texts = analyzed.imported_texts;
        out.text_constants = analyzed.text_constants;
        out.tools = analyzed.tools;
        out.project_evidence = analyzed.project_evidence;
        out.lowered = analyzed.lowered;
        // Only graded dependency findings read them: without advisories they are not kept.
        out.library = analyzed.library.filter(|_| env.deps.db.is_some());
        out.timings.add(&analyzed.timings);
        if let Some(lock) = env.tool_lock {
            compare_with_lock(ctx, env.rules, lock, out);
        }
        toxic_combination(ctx, env.rules, out);
        broken_promises(ctx, env.rules, out);
    }
}

impl Check for Package {
    fn phase(&self, _: &FileKind) -> Phase {
        Phase::Package
    }
    fn applies(&self, kind: &FileKind) -> bool {
        kind.package
    }
    fn run(&self, ctx: &FileContext<'_>, _: &FileKind, env: &CheckEnv<'_>, out: &mut FileOutcome) {
        out.findings.extend(package::scan(ctx, env.rules));
    }
}

impl Check for McpConfig {
    fn phase(&self, _: &FileKind) -> Phase {
        Phase::McpConfig
    }
    fn applies(&self, kind: &FileKind) -> bool {
        kind.client_config
    }
    fn run(&self, ctx: &FileContext<'_>, _: &FileKind, env: &CheckEnv<'_>, out: &mut FileOutcome) {
        check_client_config(ctx, env.rules, out);
    }
}

impl Check for Docker {
    fn phase(&self, _: &FileKind) -> Phase {
        Phase::Docker
    }
    fn applies(&self, kind: &FileKind) -> bool {
        kind.docker
    }
    fn run(&self, ctx: &FileContext<'_>, _: &FileKind, env: &CheckEnv<'_>, out: &mut FileOutcome) {
        check_dockerfile(ctx, env.rules, out);
    }
}

impl Check for Dependencies {
    fn phase(&self, _: &FileKind) -> Phase {
        Phase::Dependencies
    }
    fn applies(&self, kind: &FileKind) -> bool {
        kind.dependency.is_some()
    }
    fn run(
        &self,
        ctx: &FileContext<'_>,
        kind: &FileKind,
        env: &CheckEnv<'_>,
        out: &mut FileOutcome,
    ) {
        if let Some(dependency) = kind.dependency {
            audit_dependencies(dependency, ctx, env.rules, env.deps, out);
        }
    }
}

/// Runs every check that applies to the file, then its ignore comments, then fingerprints.
/// `ignore-unused` findings stay pending in the outcome (a cross-file finding may still use
/// their ignore); `settle_alone` reports them for a file analyzed on its own.
pub fn check_file(ctx: &FileContext<'_>, kind: &FileKind, env: &CheckEnv<'_>) -> FileOutcome {
    let mut out = FileOutcome::default();
    let size = ctx.text.len() as u64;
    for check in CHECKS {
        if check.applies(kind) {
            let start = Instant::now();
            check.run(ctx, kind, env, &mut out);
            out.timings.record(check.phase(kind), start, size);
        }
    }
    // Fingerprints once, after suppressions: occurrences are counted over what is reported.
    let start = Instant::now();
    if env.inline_ignores {
        let mut suppressed = suppress::apply(ctx, env.rules, std::mem::take(&mut out.findings));
        suppressed.fingerprint_unused(ctx);
        out.findings = suppressed.kept;
        out.ignores = suppressed.ignores;
        out.unused_ignores = suppressed.unused;
    }
    ctx.fingerprint(&mut out.findings);
    out.timings.record(Phase::Suppressions, start, size);
    out
}

/// Analyzes one in-memory file as the scan would, choosing the checks by `rel_path`. For
/// rule tests, editors and fuzzing: no walking, no file system.
pub fn analyze_text(rel_path: &str, text: &str, rules: &RuleSet) -> FileOutcome {
    analyze_text_with(rel_path, text, rules, &DepsContext::default(), None)
}

/// `analyze_text` with what the dependency audit knows of the rest of the project: the
/// advisory store and where lockfiles are.
pub fn analyze_text_with(
    rel_path: &str,
    text: &str,
    rules: &RuleSet,
    deps: &DepsContext<'_>,
    tool_lock: Option<&crate::tools::Lock>,
) -> FileOutcome {
    // This entry point has only the path: an archive entry is known by the `archive!/entry`
    // convention here, and by its origin everywhere else.
    let archive = crate::rel_path::split(rel_path).map(|(archive, _)| archive);
    let ctx = FileContext::new(rel_path, text).in_archive(archive);
    let kind = FileKind::classify(rel_path, text.as_bytes(), archive, rules, deps);
    let project = ProjectModules::new();
    let env = CheckEnv {
        rules,
        deps,
        project: &project,
        exports: None,
        tool_lock,
        parse_timeout: crate::limits::DEFAULT_PARSE_TIMEOUT,
        inline_ignores: true,
    };
    let mut out = check_file(&ctx, &kind, &env);
    // No finding arrives later here, so an unused ignore is settled now.
    out.findings.extend(
        std::mem::take(&mut out.unused_ignores)
            .into_iter()
            .map(|(_, f)| f),
    );
    crate::redact::findings_and_notices(&mut out.findings, &mut out.notices);
    out
}

/// One finding per module whose tools fetch attacker-chosen content and act on the machine,
/// on the acting tool, both named.
fn toxic_combination(ctx: &FileContext<'_>, rules: &RuleSet, outcome: &mut FileOutcome) {
    let Some(rule) = rules.inventory_rule(crate::tools::InventoryCheck::ToxicCombination) else {
        return;
    };
    let Some((reader, actor)) = crate::tools::toxic_pair(&outcome.tools) else {
        return;
    };
    let acts: Vec<&str> = actor
        .capabilities
        .iter()
        .map(String::as_str)
        .filter(|c| *c != "network")
        .collect();
    let message = format!(
        "this server's `{}` fetches content its caller chooses and its `{}` reaches {}: instructions planted in a fetched page can drive the second tool in the same session",
        reader.name,
        actor.name,
        acts.iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let span = ctx.line_span(actor.line.saturating_sub(1));
    outcome.findings.push(ctx.finding(rule, span, message));
}

/// A finding per tool that breaks a promise: on the tool, every broken promise named with
/// the calls that break it, which are also its trace. Promises in words only are one level
/// lower than annotations, which clients act on (a read-only tool runs without asking).
fn broken_promises(ctx: &FileContext<'_>, rules: &RuleSet, outcome: &mut FileOutcome) {
    let Some(rule) = rules.inventory_rule(crate::tools::InventoryCheck::CapabilityMismatch) else {
        return;
    };
    let crate::rules::Matcher::ToolInventory(inventory) = &rule.matcher else {
        return;
    };
    let imported = &outcome.imported_texts;
    // A description in another module may promise anything.
    outcome.promises_depend_elsewhere = outcome.tools.iter().any(|t| {
        !t.calls_out.is_empty()
            && (crate::tools::promises(t, &inventory.claims) || texts_elsewhere(t, imported))
    });
    let found = promises_broken(ctx, rules, &outcome.tools, |tool| {
        !texts_elsewhere(tool, imported)
    });
    outcome.findings.extend(found);
}

/// The findings of the tools of `tools` that `which` selects whose descriptions or annotations
/// promise what their code does not keep.
pub(crate) fn promises_broken(
    ctx: &FileContext<'_>,
    rules: &RuleSet,
    tools: &[crate::tools::Tool],
    which: impl Fn(&crate::tools::Tool) -> bool,
) -> Vec<crate::finding::Finding> {
    let Some(rule) = rules.inventory_rule(crate::tools::InventoryCheck::CapabilityMismatch) else {
        return Vec::new();
    };
    let crate::rules::Matcher::ToolInventory(inventory) = &rule.matcher else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for tool in tools.iter().filter(|t| which(t)) {
        let broken = crate::tools::broken_promises(tool, &inventory.claims);
        if broken.is_empty() {
            continue;
        }
        let annotated = broken.iter().any(|b| b.annotated);
        let parts: Vec<String> = broken
            .iter()
            .map(|b| {
                let breaches: Vec<String> = b
                    .breaches
                    .iter()
                    .map(|breach| match &breach.at {
                        Some(call) => {
                            format!("{} (`{}`, {})", breach.what, call.callee, call.place())
                        }
                        None => breach.what.clone(),
                    })
                    .collect();
                format!("{}, but {}", b.promise, breaches.join(" and "))
            })
            .collect();
        let consequence = if annotated {
            "clients that trust annotations let the model call it without asking"
        } else {
            "users enable it on the strength of what it says it does"
        };
        let message = format!(
            "{} `{}` is {}: {consequence}",
            tool.kind,
            tool.name,
            parts.join("; it is ")
        );
        let span = ctx.line_span(tool.line.saturating_sub(1));
        let mut finding = ctx.finding(rule, span, message);
        if !annotated {
            finding.severity = finding.severity.one_lower();
        }
        finding.trace.push(crate::finding::TraceStep {
            location: ctx.location(span),
            message: format!(
                "{} `{}` is {}",
                tool.kind,
                tool.name,
                broken
                    .iter()
                    .map(|b| b.promise.as_str())
                    .collect::<Vec<_>>()
                    .join(" and ")
            ),
        });
        let mut shown = std::collections::BTreeSet::new();
        for breach in broken.iter().flat_map(|b| &b.breaches) {
            let Some(call) = &breach.at else { continue };
            if !shown.insert((call.path.clone(), call.line, call.callee.clone())) {
                continue;
            }
            let at = ctx.line_span(call.line.saturating_sub(1));
            let location = match &call.path {
                None => ctx.location(at),
                Some(path) => crate::finding::Location {
                    path: path.clone(),
                    start_line: call.line,
                    start_column: 1,
                    end_line: call.line,
                    end_column: 1,
                    archive: finding
                        .location
                        .archive
                        .clone()
                        .filter(|a| path.starts_with(a.as_str())),
                },
            };
            finding.trace.push(crate::finding::TraceStep {
                location,
                message: format!("{}: `{}`", breach.what, call.callee),
            });
        }
        if shown.is_empty() {
            finding.trace.clear();
        }
        found.push(finding);
    }
    found
}

/// Each tool of the file against its locked entry: new tools and changed ones are findings
/// at their definition. Tools with texts in other modules wait for the scan to read them.
fn compare_with_lock(
    ctx: &FileContext<'_>,
    rules: &RuleSet,
    lock: &crate::tools::Lock,
    outcome: &mut FileOutcome,
) {
    let imported = &outcome.imported_texts;
    let found = lock_drift(ctx, rules, lock, &outcome.tools, |tool| {
        !texts_elsewhere(tool, imported)
    });
    outcome.findings.extend(found);
}

/// The findings of the tools of `tools` that `which` selects against their locked entries.
pub(crate) fn lock_drift(
    ctx: &FileContext<'_>,
    rules: &RuleSet,
    lock: &crate::tools::Lock,
    tools: &[crate::tools::Tool],
    which: impl Fn(&crate::tools::Tool) -> bool,
) -> Vec<crate::finding::Finding> {
    let mut found = Vec::new();
    for tool in tools.iter().filter(|t| which(t)) {
        let Some(drift) = lock.drift(tool, tools) else {
            continue;
        };
        if let Some(rule) = rules.tool_lock_rule(drift.escalated) {
            let span = ctx.line_span(tool.line.saturating_sub(1));
            found.push(ctx.finding(rule, span, drift.message));
        }
    }
    found
}

/// The checks of a Dockerfile or compose file.
fn check_dockerfile(ctx: &FileContext<'_>, rules: &RuleSet, outcome: &mut FileOutcome) {
    let results = if compose::is_compose_file(ctx.rel_path) {
        compose::scan(ctx, rules)
    } else {
        dockerfile::scan(ctx, rules)
    };
    merge_once_per_secret(
        outcome,
        rules,
        results,
        |m| matches!(m, Matcher::Dockerfile(d) if d.check == dockerfile::DockerCheck::SecretInImage),
    );
}

/// The checks of an MCP client configuration, extension manifest or registry `server.json`.
fn check_client_config(ctx: &FileContext<'_>, rules: &RuleSet, outcome: &mut FileOutcome) {
    let results = if mcp_config::is_extension_manifest(ctx.rel_path) {
        mcp_config::scan_manifest(ctx, rules)
    } else {
        mcp_config::scan(ctx, rules)
    };
    merge_once_per_secret(
        outcome,
        rules,
        results,
        |m| matches!(m, Matcher::McpConfig(c) if c.check == mcp_config::ConfigCheck::HardcodedCredential),
    );
}

/// Adds an analyzer's findings and notices to the file's. One secret is one finding: a
/// credential finding (`is_credential` of its rule's matcher) over the same characters as a
/// secret rule's finding is dropped (another credential on the same line is not).
fn merge_once_per_secret(
    outcome: &mut FileOutcome,
    rules: &RuleSet,
    (found, notices): (Vec<crate::finding::Finding>, Vec<Notice>),
    is_credential: impl Fn(&Matcher) -> bool,
) {
    let matcher = |f: &crate::finding::Finding| rules.get(&f.rule_id).map(|r| &r.matcher);
    let secrets: Vec<&crate::finding::Location> = outcome
        .findings
        .iter()
        .filter(|f| matches!(matcher(f), Some(Matcher::Secret(_))))
        .map(|f| &f.location)
        .collect();
    let overlaps = |a: &crate::finding::Location, b: &crate::finding::Location| {
        a.start_line == b.start_line
            && a.start_column < b.end_column
            && b.start_column < a.end_column
    };
    let kept: Vec<crate::finding::Finding> = found
        .into_iter()
        .filter(|f| {
            let credential = matcher(f).is_some_and(&is_credential);
            !(credential && secrets.iter().any(|s| overlaps(s, &f.location)))
        })
        .collect();
    outcome.findings.extend(kept);
    outcome.notices.extend(notices);
}

/// The dependency audit of one lockfile or manifest, as findings of the rules that name its
/// checks. A file that does not parse is an error notice; the other files go on.
fn audit_dependencies(
    kind: LockfileKind,
    ctx: &FileContext<'_>,
    rules: &RuleSet,
    deps: &DepsContext<'_>,
    outcome: &mut FileOutcome,
) {
    let audit = match audit_file(kind, ctx.rel_path, ctx.text, ctx.archive.is_some(), deps) {
        Ok(audit) => audit,
        Err(e) => {
            let at = e.line.map(|l| format!("line {l}: ")).unwrap_or_default();
            outcome.notices.push(Notice::new(
                NoticeCode::ParseFailed,
                ctx.rel_path,
                NoticeLevel::Error,
                format!("cannot read as a dependency file: {at}{}", e.reason),
            ));
            return;
        }
    };
    for hit in audit.hits {
        let Some(rule) = rules.dependency_rule(hit.check) else {
            continue;
        };
        let span = ctx.line_span(hit.line.saturating_sub(1));
        let mut finding = ctx.finding(rule, span, hit.message);
        finding.snippet = crate::deps::audit::redact_urls(&finding.snippet);
        if let Some(severity) = hit.severity {
            finding.severity = severity;
        }
        let mut advisory = hit.advisory;
        if let (Some(advisory), crate::rules::Matcher::Dependency(map)) =
            (advisory.as_mut(), &rule.matcher)
        {
            map.describe(advisory);
        }
        finding.advisory = advisory.map(Box::new);
        outcome.findings.push(finding);
    }
    if !audit.undecided.is_empty() {
        let shown: Vec<&str> = audit.undecided.iter().take(5).map(String::as_str).collect();
        outcome.notices.push(Notice::new(
            NoticeCode::AuditUndecided,
            ctx.rel_path,
            NoticeLevel::Note,
            format!(
                "{} package version(s) could not be compared with their advisories: {}",
                audit.undecided.len(),
                shown.join(", ")
            ),
        ));
    }
    if let Some(e) = audit.db_error {
        outcome.notices.push(Notice::new(
            NoticeCode::AuditNotRun,
            ctx.rel_path,
            NoticeLevel::Error,
            format!("advisory lookup failed: {e}"),
        ));
    }
}
