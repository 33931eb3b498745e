//! The scan pipeline: resolve the targets, walk them, read and analyze every file in parallel
//! (one parse per file, all rules in that pass), and gather one sorted `Report`.

use crate::analyze::cross_file::{self, ModuleFacts};
use crate::analyze::source::model_text::texts_elsewhere;
use crate::analyze::{FileContext, FileOutcome};
use crate::archive;
use crate::check::{CheckEnv, FileKind, check_file};
use crate::deps::audit::{DepsContext, parent_dir};
use crate::deps::lockfile::{Family, LockfileKind};
use crate::deps::{AdvisoryDb, AuditOptions, DepCheck};
use crate::display::human_size;
use crate::error::{Error, Result};
use crate::file_text::{decode_utf16, read_capped};
use crate::finding::{Notice, NoticeCode, NoticeLevel, Report};
use crate::result_cache::{Pass, ResultCache};
use crate::rules::RuleSet;
use crate::stats::{Phase, ScanStats, Timings};
use crate::suppress;
use crate::walk::{WalkOptions, WalkedFile, walk};
use rayon::prelude::*;
use rustc_hash::FxHashSet as HashSet;
use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use crate::limits::{DEFAULT_MAX_FILE_SIZE, DEFAULT_PARSE_TIMEOUT};

/// Stack of each worker thread.
const WORKER_STACK_BYTES: usize = 16 * 1024 * 1024;
/// A NUL byte in this many leading bytes marks a file as binary (what git and ripgrep do).
const BINARY_SNIFF_BYTES: usize = 8 * 1024;
/// Lockfiles of large monorepos pass the source size cap; skipping one would hide every
/// vulnerable package in it, so they have a cap of their own. Parsing holds the whole document
/// (about 23x its size for package-lock.json, per `benches/hostile.rs`), so 64 MiB, far above
/// real lockfiles (a million packages), bounds one file at about 1.5 GiB.
const MAX_DEPENDENCY_FILE_SIZE: u64 = 64 * 1024 * 1024;

#[derive(Clone, Debug)]
pub struct ScanOptions {
    /// Directories or files to scan. Empty means the current directory.
    pub paths: Vec<PathBuf>,
    /// The directory report paths are relative to; `None` derives it from `paths`.
    pub root: Option<PathBuf>,
    pub exclude: Vec<String>,
    pub default_excludes: bool,
    /// Honour `.gitignore`/`.ignore` for untracked files of a git checkout.
    pub ignore_files: bool,
    pub max_file_size: u64,
    /// Worker threads; `None` means one per core.
    pub jobs: Option<usize>,
    pub parse_timeout: Duration,
    /// Also scan the lines these commits added, for secrets.
    pub history: Option<crate::history::HistoryRange>,
    /// The dependency audit: where the advisories are, and what to skip.
    pub audit: AuditOptions,
    /// Keep the tool inventory in the report (`mcpgate tools`); scans drop it to save memory.
    pub keep_tools: bool,
    /// Honour `mcpgate:ignore` comments (`--no-ignore` turns them off).
    pub inline_ignores: bool,
    /// Put files, bytes and time per analyzer in the report (`--stats`).
    pub stats: bool,
    /// Told how far the scan is, for a progress display.
    pub progress: Option<Progress>,
    /// Report findings in test code too (`crate::test_code`); by default only the rules
    /// that say so report there.
    pub include_tests: bool,
    /// A directory that keeps per-file results across runs (`crate::result_cache`).
    pub cache: Option<PathBuf>,
}

/// What a progress display is told: the number of files once the walk is done, then each
/// file done, then each later phase by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProgressEvent {
    Walked { files: usize },
    FileDone,
    Phase(&'static str),
}

/// A progress callback; called from worker threads.
#[derive(Clone)]
pub struct Progress(pub std::sync::Arc<dyn Fn(ProgressEvent) + Send + Sync>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}

impl ScanOptions {
    fn tell(&self, event: ProgressEvent) {
        if let Some(Progress(callback)) = &self.progress {
            callback(event);
        }
    }
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            paths: Vec::new(),
            root: None,
            exclude: Vec::new(),
            default_excludes: true,
            ignore_files: true,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            jobs: None,
            parse_timeout: DEFAULT_PARSE_TIMEOUT,
            history: None,
            audit: AuditOptions::default(),
            keep_tools: false,
            inline_ignores: true,
            stats: false,
            progress: None,
            include_tests: false,
            cache: None,
        }
    }
}

/// Scans the targets of `options` with `rules`. Problems with single files become notices in
/// the report; only problems that make the whole result untrustworthy are errors.
pub fn scan(options: &ScanOptions, rules: &RuleSet) -> Result<Report> {
    let started = Instant::now();
    let mut timings = Timings::default();
    let (root, targets) = resolve_targets(&options.paths, options.root.as_deref())?;
    let threads = options
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    // Analysis recursion is bounded by depth limits; the stack makes room for those limits
    // in unoptimized builds too (2 MiB, the default, overflowed on typescript.js in debug).
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .stack_size(WORKER_STACK_BYTES)
        .build()
        .map_err(|e| Error::ThreadPool(e.to_string()))?;
    let walk_options = WalkOptions {
        exclude: options.exclude.clone(),
        default_excludes: options.default_excludes,
        ignore_files: options.ignore_files,
        threads,
    };

    let mut files = Vec::new();
    let mut report = Report::default();
    // One budget for every archive the scan opens.
    let mut archive_budget = archive::Limits {
        max_entry_bytes: options.max_file_size,
        ..archive::Limits::default()
    };
    for target in &targets {
        // A release archive is scanned as the directory it unpacks to, in memory.
        if let Some(kind) = target.is_file().then(|| archive::kind_of(target)).flatten() {
            let rel = target
                .strip_prefix(&root)
                .map(crate::walk::relative_to_root)
                .unwrap_or_else(|_| target.display().to_string());
            let (found, notices) = archive::entries(target, &rel, kind, &mut archive_budget);
            files.extend(found);
            report.notices.extend(notices);
            continue;
        }
        let (found, notices) = walk(&root, target, &walk_options)?;
        files.extend(found);
        report.notices.extend(notices);
    }
    files.sort();
    files.dedup();
    timings.record(Phase::Walk, started, 0);
    options.tell(ProgressEvent::Walked { files: files.len() });
    // A typo in a path, or excludes that hid everything, must not pass as a clean scan.
    if files.is_empty() && !report.notices.iter().any(|n| n.level == NoticeLevel::Error) {
        let shown = if options.paths.is_empty() {
            vec![".".to_string()]
        } else {
            options
                .paths
                .iter()
                .map(|p| p.display().to_string())
                .collect()
        };
        return Err(Error::NothingToScan {
            paths: shown,
            excludes: options.exclude.clone(),
            default_excludes: options.default_excludes,
        });
    }

    let project = cross_file::project_modules(files.iter().map(|f| f.rel.as_str()));
    let db = open_advisories(&files, options, rules, &mut report)?;
    let deps = deps_context(&files, options, db.as_ref());
    let tool_lock = load_tool_lock(&root, rules, &mut report);
    let lock = tool_lock.as_ref().map(|(lock, _)| lock);
    let cache = match &options.cache {
        Some(dir) => {
            let context = crate::result_cache::Context {
                rules: rules.digest(),
                include_tests: options.include_tests,
                inline_ignores: options.inline_ignores,
                max_file_size: options.max_file_size,
                parse_timeout: options.parse_timeout,
                graded_dependencies: db.is_some(),
                tool_lock: tool_lock.as_ref().map(|(_, text)| text.as_str()),
            };
            Some(open_cache(dir, &root, &targets, &context, &mut report)?)
        }
        None => None,
    };
    // Every file's outcome is held until the cross-file join; tools only when asked for.
    let keep_tools = options.keep_tools || tool_lock.is_some();
    let env = CheckEnv {
        rules,
        deps: &deps,
        project: &project,
        exports: None,
        tool_lock: lock,
        parse_timeout: options.parse_timeout,
        inline_ignores: options.inline_ignores,
    };
    // Largest files first, so that no big file starts last and leaves one thread working
    // alone at the end; the outcomes go back to path order after.
    let mut by_size: Vec<(usize, &WalkedFile)> = files.iter().enumerate().collect();
    by_size.sort_by(|a, b| b.1.size.cmp(&a.1.size).then(a.0.cmp(&b.0)));
    let kept_parses = std::sync::atomic::AtomicU64::new(0);
    let mut analyzed: Vec<(usize, (&WalkedFile, u64, FileOutcome))> = pool.install(|| {
        by_size
            .par_iter()
            // One file per job: rayon otherwise hands each thread a run of files to go through
            // alone, and one thread ended up analyzing for a second after the other finished.
            .with_max_len(1)
            .filter_map(|&(index, file)| {
                let cached = cache.as_ref().map(|c| (c, Pass::First));
                let analyzed = analyze_file(file, options, &env, cached, None).map(|(b, mut o)| {
                    // The second pass is likely to analyze these again (`again` below, as
                    // far as the file alone tells): their parse is kept for it, up to a cap
                    // (the IR takes about ten times the source's bytes).
                    let may_again = tools_depend_elsewhere(&o, keep_tools)
                        || (has_findings_to_lose(&o)
                            && o.imported_results.iter().any(|(_, r)| r.reach.sinks));
                    let within_cap = || {
                        kept_parses.fetch_add(b, std::sync::atomic::Ordering::Relaxed) + b
                            <= MAX_KEPT_PARSE_BYTES
                    };
                    if o.lowered.is_some() && !(may_again && within_cap()) {
                        o.lowered = None;
                    }
                    hold_for_join(&mut o, keep_tools);
                    (index, (file, b, o))
                });
                options.tell(ProgressEvent::FileDone);
                analyzed
            })
            .collect()
    });
    analyzed.sort_unstable_by_key(|(index, _)| *index);
    let mut outcomes: Vec<(&WalkedFile, u64, FileOutcome)> =
        analyzed.into_iter().map(|(_, outcome)| outcome).collect();
    options.tell(ProgressEvent::Phase(Phase::CrossFile.name()));
    let joined = Instant::now();
    // A second pass over the modules that use what a function of another module returns,
    // when that function returns less than its arguments (`validate_path(p)` returning
    // `os.path.realpath(p)`), or what it read: the first pass took each argument, unchecked.
    // Less input only takes findings away, so for that a module is analyzed again only when
    // it has some to lose: a result that reaches a sink, where the module has findings or
    // ignore comments of its own (which may turn out unused) or the cross-file join reports a
    // sink of it; a result passed on into other modules, where those calls lead to a finding
    // of the join. What was read may make a finding where a result reaches a rule's sink that
    // asks for read contents.
    let again: Vec<(usize, u64, FileOutcome)> = {
        let modules = module_facts(&outcomes);
        let exports = cross_file::Exports::new(&modules);
        let join_draws_on = cross_file::finding_modules(&exports, rules);
        let again: Vec<usize> = outcomes
            .iter()
            .enumerate()
            .filter(|(_, (file, _, o))| {
                let path = file.rel.as_str();
                let sinks_to_lose = has_findings_to_lose(o) || join_draws_on.sinks.contains(path);
                let calls_to_lose = join_draws_on.leading.contains(path);
                tools_depend_elsewhere(o, keep_tools)
                    || o.imported_results.iter().any(|(callee, result)| {
                        let Some(returned) = exports.returned(callee, &file.rel) else {
                            return false;
                        };
                        let reach = result.reach;
                        let narrows = returned.narrows_any(&result.at);
                        (reach.sinks && sinks_to_lose && narrows)
                            || (reach.calls && calls_to_lose && narrows)
                            || (reach.pending && !returned.contents.is_empty())
                    })
            })
            .map(|(i, _)| i)
            .collect();
        let env = CheckEnv {
            exports: Some(&exports),
            ..env
        };
        let digest = |reads: &crate::result_cache::FunctionReads| exports.read_digest(reads);
        pool.install(|| {
            again
                .par_iter()
                .with_max_len(1)
                .filter_map(|&i| {
                    let (file, _, first) = outcomes.get(i)?;
                    let cached = cache
                        .as_ref()
                        .map(|c| (c, Pass::Second { digest: &digest }));
                    let lowered = first.lowered.clone();
                    let (bytes, mut outcome) = analyze_file(file, options, &env, cached, lowered)?;
                    hold_for_join(&mut outcome, keep_tools);
                    Some((i, bytes, outcome))
                })
                .collect()
        })
    };
    let (again_files, again_bytes) = (again.len() as u64, again.iter().map(|a| a.1).sum());
    // The kept parses are freed on the pool's threads, not one after another on this one.
    pool.install(|| {
        outcomes
            .par_iter_mut()
            .for_each(|(_, _, outcome)| outcome.lowered = None);
    });
    for (i, bytes, mut outcome) in again {
        outcome.lowered = None;
        if let Some((_, kept_bytes, kept)) = outcomes.get_mut(i) {
            kept.timings.add_time(&outcome.timings);
            outcome.timings = std::mem::take(&mut kept.timings);
            *kept_bytes = bytes;
            *kept = outcome;
        }
    }
    // Sinks in one module reached from MCP entry points in another.
    let modules = module_facts(&outcomes);
    let mut cross = cross_file::join(&modules, rules);
    drop(modules);
    cross.extend(crate::imported_texts::join(
        &mut outcomes,
        rules,
        lock,
        options.max_file_size,
    ));
    if !keep_tools {
        for (_, _, o) in &mut outcomes {
            o.tools = Vec::new();
        }
    }
    settle_cross_file(cross, &mut outcomes, &mut report);
    // Its files and bytes are those the second pass analyzed again.
    timings.record_files(Phase::CrossFile, joined, again_files, again_bytes);
    if let Some(range) = &options.history {
        options.tell(ProgressEvent::Phase(Phase::History.name()));
        let history = Instant::now();
        let (found, notices) = crate::history::scan(&root, range, rules, options.max_file_size);
        report.findings.extend(found);
        report.notices.extend(notices);
        timings.record(Phase::History, history, 0);
    }
    grade_by_reach(&mut outcomes);
    let mut test_files: HashSet<String> = HashSet::default();
    let mut not_analyzed: BTreeSet<String> = BTreeSet::new();
    // Authentication wired in any module protects the server another module starts.
    let evidence: HashSet<String> = outcomes
        .iter()
        .filter(|(_, _, o)| !o.test_code)
        .flat_map(|(_, _, o)| o.project_evidence.iter().cloned())
        .collect();
    for (file, bytes, mut outcome) in outcomes.drain(..) {
        outcome.findings.retain(|f| !evidence.contains(&f.rule_id));
        report.files_scanned += 1;
        report.bytes_scanned += bytes;
        timings.add(&outcome.timings);
        if outcome.test_code {
            test_files.insert(file.rel.clone());
        }
        if outcome.source_skipped {
            not_analyzed.insert(file.rel.clone());
        }
        if !outcome.test_code || options.include_tests {
            report.tools.extend(outcome.tools);
        }
        report.findings.extend(outcome.findings);
        report
            .findings
            .extend(outcome.unused_ignores.into_iter().map(|(_, f)| f));
        report.notices.extend(outcome.notices);
    }
    report
        .tools
        .sort_by(|a, b| (&a.path, a.line, &a.name).cmp(&(&b.path, b.line, &b.name)));
    if let Some((lock, text)) = &tool_lock {
        report
            .findings
            .extend(removed_tools(lock, text, &report.tools, rules));
    }
    if !options.include_tests {
        set_aside_test_code(&mut report, &test_files, &not_analyzed, rules);
    }
    if let Some(cache) = cache {
        let path = cache.path().display().to_string();
        if let Err(why) = cache.save() {
            report.notices.push(Notice::new(
                NoticeCode::Cache,
                path,
                NoticeLevel::Warning,
                format!("cannot write the results cache: {why}; the next scan analyzes every file"),
            ));
        }
    }
    crate::redact::report(&mut report);
    report.normalize();
    if options.stats {
        report.stats = Some(ScanStats {
            files: report.files_scanned,
            bytes: report.bytes_scanned,
            threads,
            wall_seconds: started.elapsed().as_secs_f64(),
            phases: timings.phases(),
            unmodeled_macros: timings.unmodeled_macros,
        });
    }
    Ok(report)
}

/// Grades the dependency findings whose advisories name their vulnerable code by what the
/// project's source (test code aside) does with it.
fn grade_by_reach(outcomes: &mut [(&WalkedFile, u64, FileOutcome)]) {
    let named =
        |f: &crate::finding::Finding| f.advisory.as_ref().is_some_and(|a| !a.symbols.is_empty());
    let mut libraries = Vec::new();
    for (file, _, outcome) in outcomes.iter_mut() {
        if let Some(uses) = outcome.library.take()
            && !outcome.test_code
        {
            libraries.push((file.rel.as_str(), uses));
        }
    }
    if !outcomes
        .iter()
        .any(|(_, _, o)| o.findings.iter().any(named))
    {
        return;
    }
    let sources: Vec<crate::reach::SourceFile<'_>> = libraries
        .iter()
        .map(|(path, uses)| crate::reach::SourceFile { path, uses })
        .collect();
    for (_, _, outcome) in outcomes.iter_mut() {
        crate::reach::grade(&mut outcome.findings, &sources);
    }
}

/// What each analyzed module offers to and asks of the others.
fn module_facts<'a>(outcomes: &'a [(&WalkedFile, u64, FileOutcome)]) -> Vec<ModuleFacts<'a>> {
    outcomes
        .iter()
        .filter(|(_, _, o)| {
            !o.exports.is_empty() || !o.external_calls.is_empty() || !o.reexports.is_empty()
        })
        .map(|(file, _, o)| ModuleFacts {
            path: &file.rel,
            exports: &o.exports,
            calls: &o.external_calls,
            reexports: &o.reexports,
        })
        .collect()
}

/// Opens the results cache in `dir` for this scan, with a warning when its old results are
/// set aside.
fn open_cache(
    dir: &Path,
    root: &Path,
    targets: &[PathBuf],
    context: &crate::result_cache::Context<'_>,
    report: &mut Report,
) -> Result<ResultCache> {
    let opened = ResultCache::open(dir, root, targets, context.digest())?;
    if let Some(why) = opened.ignored {
        report.notices.push(Notice::new(
            NoticeCode::Cache,
            opened.cache.path().display().to_string(),
            NoticeLevel::Warning,
            format!("results cache not used: {why}; every file is analyzed"),
        ));
    }
    Ok(opened.cache)
}

/// Adds the cross-file findings, each unless an ignore comment of its file silences it (which
/// then is not unused).
fn settle_cross_file(
    cross: Vec<crate::finding::Finding>,
    outcomes: &mut [(&WalkedFile, u64, FileOutcome)],
    report: &mut Report,
) {
    let by_path: std::collections::HashMap<String, usize> = outcomes
        .iter()
        .enumerate()
        .filter(|(_, (_, _, o))| !o.ignores.is_empty())
        .map(|(i, (file, _, _))| (file.rel.clone(), i))
        .collect();
    for finding in cross {
        let silenced = by_path
            .get(&finding.location.path)
            .and_then(|i| outcomes.get_mut(*i))
            .is_some_and(|(_, _, o)| suppress::settle(&o.ignores, &mut o.unused_ignores, &finding));
        if !silenced {
            report.findings.push(finding);
        }
    }
}

/// Drops the findings in test code of rules that do not report there, with a notice that
/// says how many, which test files were not analyzed at all, and how to see them. History
/// findings have no file of the scan: their path decides.
fn set_aside_test_code(
    report: &mut Report,
    test_files: &HashSet<String>,
    not_analyzed: &BTreeSet<String>,
    rules: &RuleSet,
) {
    let before = report.findings.len();
    let mut files: BTreeSet<String> = BTreeSet::new();
    report.findings.retain(|f| {
        let path = &f.location.path;
        let in_tests = test_files.contains(path) || crate::test_code::is_test_path(path);
        // Dependency findings are named `dep-vulnerable/GHSA-...`: the rule is the prefix.
        let rule = f.rule_id.split('/').next().unwrap_or_default();
        let keep = !in_tests || rules.get(rule).is_some_and(|r| r.reported_in_test_code());
        if !keep {
            files.insert(path.clone());
        }
        keep
    });
    let dropped = before - report.findings.len();
    let mut said = Vec::new();
    if let Some(example) = files.iter().next() {
        said.push(format!(
            "{dropped} finding(s) in test code not reported ({} file(s), e.g. {example})",
            files.len()
        ));
    }
    if let Some(example) = not_analyzed.iter().next() {
        said.push(format!(
            "{} test source file(s) not analyzed (e.g. {example})",
            not_analyzed.len()
        ));
    }
    if said.is_empty() {
        return;
    }
    report.notices.push(Notice::new(
        NoticeCode::TestCode,
        ".",
        NoticeLevel::Note,
        format!("{}; --include-tests reports them", said.join("; ")),
    ));
}

/// `mcp-tools.lock` at the root, when a rule compares against it. A lock that does not parse
/// is an error notice: a comparison that silently did not happen would pass.
fn load_tool_lock(
    root: &Path,
    rules: &RuleSet,
    report: &mut Report,
) -> Option<(crate::tools::Lock, String)> {
    if !rules.compares_tool_lock() {
        return None;
    }
    let path = root.join(crate::tools::LOCK_FILE);
    let bytes = read_capped(&path, DEFAULT_MAX_FILE_SIZE).ok()?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    match crate::tools::Lock::parse(&text) {
        Ok(lock) => Some((lock, text)),
        Err((line, reason)) => {
            report.notices.push(Notice::new(
                NoticeCode::ToolLock,
                crate::tools::LOCK_FILE,
                NoticeLevel::Error,
                format!("cannot read the tool lock: line {line}: {reason}"),
            ));
            None
        }
    }
}

/// Locked tools the source no longer defines, reported on their entry in the lock file.
fn removed_tools(
    lock: &crate::tools::Lock,
    text: &str,
    tools: &[crate::tools::Tool],
    rules: &RuleSet,
) -> Vec<crate::finding::Finding> {
    let Some(rule) = rules.tool_lock_rule(false) else {
        return Vec::new();
    };
    let ctx = FileContext::new(crate::tools::LOCK_FILE, text);
    let mut findings = Vec::new();
    for locked in &lock.tools {
        if lock.still_defined(locked, tools) {
            continue;
        }
        let needle = format!(
            "\"name\": {}",
            serde_json::Value::from(locked.name.as_str())
        );
        let row = text.lines().position(|l| l.contains(&needle)).unwrap_or(0);
        let message = format!(
            "{} `{}` is in {} but no longer defined: if it moved to a module mcpgate does not read, the lock no longer covers it; otherwise run `mcpgate tools --lock`",
            locked.kind,
            locked.name,
            crate::tools::LOCK_FILE
        );
        findings.push(ctx.finding(rule, ctx.line_span(row), message));
    }
    ctx.fingerprint(&mut findings);
    findings
}

/// The advisory checks that need the store.
const ADVISORY_CHECKS: [DepCheck; 4] = [
    DepCheck::Vulnerable,
    DepCheck::Malicious,
    DepCheck::Unmaintained,
    DepCheck::Informational,
];

/// Opens the advisory store when some lockfile will be matched against it. No store where one
/// is needed is an error: a dependency audit that silently checks nothing would pass.
fn open_advisories(
    files: &[WalkedFile],
    options: &ScanOptions,
    rules: &RuleSet,
    report: &mut Report,
) -> Result<Option<AdvisoryDb>> {
    let wanted = options.audit.advisories
        && ADVISORY_CHECKS
            .iter()
            .any(|c| rules.dependency_rule(*c).is_some())
        && files
            .iter()
            .any(|f| LockfileKind::for_path(&f.rel).is_some_and(|k| k.wants_lock().is_none()));
    if !wanted {
        return Ok(None);
    }
    let db = match AdvisoryDb::open(&options.audit.db) {
        Ok(db) => db,
        Err(e) => {
            report
                .notices
                .push(audit_not_run(&e, options.audit.required));
            return Ok(None);
        }
    };
    let status = db.status();
    let shown = status.path.display().to_string();
    report.advisory_db = Some(crate::finding::AdvisoryDbInfo {
        built: status.built.map(|t| {
            chrono::DateTime::<chrono::Utc>::from(t)
                .date_naive()
                .to_string()
        }),
        age_days: status.age().map(|a| a.as_secs() / 86_400),
        advisories: status.total(),
    });
    if let Some(age) = status.age() {
        let days = age.as_secs() / 86_400;
        if days > options.audit.max_age_days {
            report.notices.push(Notice::new(
                NoticeCode::AuditStore,
                &shown,
                NoticeLevel::Warning,
                format!(
                    "the advisory database is {days} days old (over {}); run `mcpgate db update`",
                    options.audit.max_age_days
                ),
            ));
        }
    }
    if status.skipped > 0 {
        report.notices.push(Notice::new(
            NoticeCode::AuditStore,
            &shown,
            NoticeLevel::Note,
            format!(
                "{} advisory files could not be read and were left out (`mcpgate db import` names them)",
                status.skipped
            ),
        ));
    }
    Ok(Some(db))
}

/// The notice of an audit that could not run. The other analyzers' findings stand; a missing
/// store is a warning unless the audit is required, and a broken one is always an error (the
/// user meant to audit).
fn audit_not_run(e: &crate::deps::DbError, required: bool) -> Notice {
    let level = match e {
        crate::deps::DbError::Missing { .. } if !required => NoticeLevel::Warning,
        _ => NoticeLevel::Error,
    };
    let reason = match e {
        crate::deps::DbError::Missing { path } => format!(
            "dependency audit did not run: no advisory store at {}; run `mcpgate db update` \
             (or point --db at one; --no-audit skips the audit)",
            path.display()
        ),
        other => format!(
            "dependency audit did not run: {other}; run `mcpgate db update` to rebuild the store"
        ),
    };
    Notice::new(NoticeCode::AuditNotRun, ".", level, reason)
}

/// What every file's audit needs to know of the others: where lockfiles are, and which
/// requirements files are included by others under names that do not say so.
fn deps_context<'a>(
    files: &[WalkedFile],
    options: &ScanOptions,
    db: Option<&'a AdvisoryDb>,
) -> DepsContext<'a> {
    let mut ctx = DepsContext {
        db,
        ignore: options
            .audit
            .ignore
            .iter()
            .map(|id| id.trim().to_ascii_uppercase())
            .collect(),
        ..DepsContext::default()
    };
    let by_rel: std::collections::HashMap<&str, &WalkedFile> =
        files.iter().map(|f| (f.rel.as_str(), f)).collect();
    let mut pending: Vec<&WalkedFile> = Vec::new();
    for file in files {
        let Some(kind) = LockfileKind::for_path(&file.rel) else {
            continue;
        };
        if let Some(family) = kind.locks() {
            ctx.lock_dirs
                .entry(family)
                .or_default()
                .insert(parent_dir(&file.rel).to_string());
        }
        if kind == LockfileKind::Requirements {
            pending.push(file);
        }
    }
    // `-r`/`-c` targets, followed to a fixed point; a cycle ends when nothing new is found.
    while let Some(file) = pending.pop() {
        let Ok(bytes) = read_capped(&file.abs, 1024 * 1024) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        let Ok(inventory) = LockfileKind::Requirements.parse(&file.rel, &text) else {
            continue;
        };
        for include in inventory.includes {
            let Some(target) = join_rel(parent_dir(&file.rel), &include) else {
                continue;
            };
            let Some(found) = by_rel.get(target.as_str()) else {
                continue;
            };
            if LockfileKind::for_path(&target).is_none()
                && ctx.included_requirements.insert(target.clone())
            {
                ctx.lock_dirs
                    .entry(Family::Python)
                    .or_default()
                    .insert(parent_dir(&target).to_string());
                pending.push(found);
            }
        }
    }
    ctx
}

/// `dir` joined with a relative path, normalized; `None` when it leaves the root.
fn join_rel(dir: &str, path: &str) -> Option<String> {
    if path.starts_with('/') || path.contains("://") {
        return None;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in path.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// The directory report paths are relative to (and where `.mcpgate.toml` is looked for).
pub fn scan_root(paths: &[PathBuf], root: Option<&Path>) -> Result<PathBuf> {
    resolve_targets(paths, root).map(|(root, _)| root)
}

/// The root that report paths are relative to, and the canonical targets below it.
///
/// A given root: paths are relative to it, and it must contain every target. Otherwise, one
/// directory: paths are relative to it. One file: relative to its directory. Several
/// targets: relative to the current directory, which must contain them all.
fn resolve_targets(paths: &[PathBuf], root: Option<&Path>) -> Result<(PathBuf, Vec<PathBuf>)> {
    let given: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let mut canonical = Vec::with_capacity(given.len());
    for path in &given {
        let resolved = std::fs::canonicalize(path).map_err(|source| {
            if source.kind() == std::io::ErrorKind::NotFound {
                Error::PathNotFound { path: path.clone() }
            } else {
                Error::Unreadable {
                    path: path.clone(),
                    source,
                }
            }
        })?;
        if resolved.is_dir() {
            std::fs::read_dir(&resolved).map_err(|source| Error::Unreadable {
                path: path.clone(),
                source,
            })?;
        }
        canonical.push(resolved);
    }
    if let Some(given_root) = root {
        let root = std::fs::canonicalize(given_root).map_err(|source| Error::Unreadable {
            path: given_root.to_path_buf(),
            source,
        })?;
        for (target, path) in canonical.iter().zip(&given) {
            if !target.starts_with(&root) {
                return Err(Error::OutsideRoot {
                    path: path.clone(),
                    root: given_root.to_path_buf(),
                });
            }
        }
        return Ok((root, canonical));
    }
    if let [only] = canonical.as_slice() {
        let root = if only.is_dir() {
            only.clone()
        } else {
            only.parent()
                .map_or_else(|| only.clone(), Path::to_path_buf)
        };
        return Ok((root, canonical));
    }
    let cwd = std::env::current_dir()
        .and_then(std::fs::canonicalize)
        .map_err(|source| Error::Unreadable {
            path: PathBuf::from("."),
            source,
        })?;
    for (target, path) in canonical.iter().zip(&given) {
        if !target.starts_with(&cwd) {
            return Err(Error::OutsideWorkingDir { path: path.clone() });
        }
    }
    Ok((cwd, canonical))
}

/// Whether what the file's tools do depends on other modules' functions: the inventory lists
/// it, and promises are kept or broken by it. The second pass looks again.
/// What an outcome keeps until the cross-file join: its tools only when asked for (or when
/// waiting for texts of other modules, checked whole later), and no spare vector room.
fn hold_for_join(outcome: &mut FileOutcome, keep_tools: bool) {
    if !keep_tools {
        let imported = &outcome.imported_texts;
        outcome.tools.retain(|t| texts_elsewhere(t, imported));
    }
    outcome.shrink_to_fit();
}

fn tools_depend_elsewhere(o: &FileOutcome, keep_tools: bool) -> bool {
    o.promises_depend_elsewhere || (keep_tools && o.tools.iter().any(|t| !t.calls_out.is_empty()))
}

/// Whether less input (another module's function returning less than its arguments) could
/// change the file's own results: it has findings or ignore comments (which may turn out
/// unused) of its own.
fn has_findings_to_lose(o: &FileOutcome) -> bool {
    !o.findings.is_empty() || !o.ignores.is_empty()
}

/// How many bytes of source the first pass keeps parsed for the second.
const MAX_KEPT_PARSE_BYTES: u64 = 8 << 20;

/// Reads one file and runs the checks that want it; `None` when none does.
fn analyze_file(
    file: &WalkedFile,
    options: &ScanOptions,
    env: &CheckEnv<'_>,
    cache: Option<(&ResultCache, Pass<'_>)>,
    lowered: Option<std::sync::Arc<crate::analyze::source::Lowered>>,
) -> Option<(u64, FileOutcome)> {
    let needs_head = file.abs.extension().is_none();
    let head = match &file.data {
        Some(data) if needs_head => data.get(..BINARY_SNIFF_BYTES).unwrap_or(data).to_vec(),
        None if needs_head => read_head(&file.abs),
        _ => Vec::new(),
    };
    let archive = file.origin.archive();
    let kind = FileKind::classify(&file.rel, &head, archive, env.rules, env.deps);
    if kind.is_none() {
        return None;
    }
    // What the first pass kept of the file rides in the outcome begun for it.
    let mut outcome = FileOutcome {
        test_code: crate::test_code::is_test_path(&file.rel),
        lowered,
        ..FileOutcome::default()
    };
    // Until the source analysis reads it, a source file may use any library.
    outcome.library =
        kind.lang
            .filter(|_| env.deps.db.is_some())
            .map(|lang| crate::analyze::LibraryUses {
                lang,
                uses: Vec::new(),
                complete: false,
            });
    let cap = if kind.dependency.is_some() {
        options.max_file_size.max(MAX_DEPENDENCY_FILE_SIZE)
    } else {
        options.max_file_size
    };
    if file.size > cap {
        outcome.notices.push(Notice::new(
            NoticeCode::SkipSize,
            &file.rel,
            NoticeLevel::Note,
            format!(
                "skipped: {} is over the {} limit (--max-file-size)",
                human_size(file.size),
                human_size(cap)
            ),
        ));
        return Some((0, outcome));
    }
    let reading = Instant::now();
    let read = match &file.data {
        Some(data) => Ok(data.to_vec()),
        None => read_capped(&file.abs, cap),
    };
    let bytes = match read {
        Ok(bytes) => bytes,
        Err(e) => {
            outcome.notices.push(Notice::new(
                NoticeCode::ReadFailed,
                &file.rel,
                NoticeLevel::Error,
                format!("cannot read: {e}"),
            ));
            return Some((0, outcome));
        }
    };
    // The advisory store decides a manifest's findings, and an archive entry has no path of
    // its own: neither is kept.
    let cached = cache.filter(|_| file.data.is_none() && kind.dependency.is_none());
    let digest = cached.map(|_| crate::result_cache::file_digest(&bytes));
    if let (Some((cache, pass)), Some(digest)) = (cached, &digest)
        && let Some((size, mut hit)) = cache.get(&file.rel, digest, pass, env.project)
    {
        hit.timings.record(Phase::Cached, reading, size);
        return Some((size, hit));
    }
    let analyze = || analyze_bytes(file, options, env, kind, outcome, bytes, reading);
    let (analyzed, reads) = match cached {
        // What it looks up of the other modules decides when a kept result is stale.
        Some(_) => cross_file::recording_reads(analyze),
        None => (analyze(), cross_file::Reads::default()),
    };
    if let (Some((cache, pass)), Some(digest), Some((size, outcome))) = (cached, &digest, &analyzed)
    {
        cache.put(&file.rel, digest, *size, pass, reads, outcome);
    }
    analyzed
}

/// The rest of `analyze_file`, once the file's bytes are read.
fn analyze_bytes(
    file: &WalkedFile,
    options: &ScanOptions,
    env: &CheckEnv<'_>,
    kind: FileKind,
    mut outcome: FileOutcome,
    bytes: Vec<u8>,
    reading: Instant,
) -> Option<(u64, FileOutcome)> {
    let archive = file.origin.archive();
    // UTF-16 with a byte order mark (Windows editors write it) is text, not binary.
    let (bytes, utf16) = match decode_utf16(&bytes) {
        Some(text) => (text.into_bytes(), true),
        None => (bytes, false),
    };
    if utf16 {
        outcome.notices.push(Notice::new(
            NoticeCode::Decoded,
            &file.rel,
            NoticeLevel::Note,
            "UTF-16 file; analyzed after decoding",
        ));
    }
    let sniff = bytes.get(..BINARY_SNIFF_BYTES).unwrap_or(&bytes);
    if sniff.contains(&0) {
        // A binary key store in a package is found by its name.
        if kind.package {
            let ctx = FileContext::new(&file.rel, "").in_archive(archive);
            let only_package = FileKind {
                package: true,
                ..FileKind::default()
            };
            outcome
                .findings
                .extend(check_file(&ctx, &only_package, env).findings);
        }
        // Images and archives are expected; a binary where source was expected is worth a note.
        if !kind.expects_text() {
            return (!outcome.findings.is_empty()).then_some((0, outcome));
        }
        outcome.notices.push(Notice::new(
            NoticeCode::SkipBinary,
            &file.rel,
            NoticeLevel::Note,
            "skipped: binary file (NUL byte)",
        ));
        return Some((0, outcome));
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            outcome.notices.push(Notice::new(
                NoticeCode::Decoded,
                &file.rel,
                NoticeLevel::Note,
                "not valid UTF-8; analyzed with invalid bytes replaced",
            ));
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    };
    let size = text.len() as u64;
    outcome.timings.record(Phase::Read, reading, size);
    let test_code = outcome.test_code
        || (kind.lang.is_some() && crate::test_code::imports_test_framework(&text));
    // Test code is most of many repositories: when none of its source findings would be
    // reported, it is not parsed (its secrets are still searched).
    let mut kind = kind;
    let source_skipped = test_code
        && !options.include_tests
        && kind
            .lang
            .is_some_and(|lang| !env.rules.reports_source_in_tests(lang));
    if source_skipped {
        kind.lang = None;
    }
    let ctx = FileContext::new(&file.rel, &text)
        .in_archive(archive)
        .with_lowered(outcome.lowered.take());
    let mut checked = check_file(&ctx, &kind, env);
    checked.secrets = ctx.secret_values();
    checked.test_code = test_code;
    checked.source_skipped = source_skipped;
    if source_skipped {
        // Whether an ignore comment is used cannot be told without the analysis.
        checked.unused_ignores.clear();
    }
    checked.notices.splice(0..0, outcome.notices);
    checked.timings.add(&outcome.timings);
    Some((size, checked))
}

fn read_head(path: &Path) -> Vec<u8> {
    let mut head = vec![0; 256];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    head.truncate(n);
    head
}
