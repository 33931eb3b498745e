//! The cross-file pass: joins calls from MCP entry points in one module with the summaries
//! of functions in another (`from tools.archive import extract; extract(path)`), after every
//! file has been analyzed on its own. A reached function's own calls into third modules are
//! followed too, up to `MAX_HOPS` modules deep.

use super::engine::{RECEIVER_PARAM, Returned};
use super::source::{ExportedFunction, ExternalArg, ExternalCall, ExternalTaint, Reexport};
use crate::finding::{Confidence, Finding};
use crate::rules::RuleSet;
use std::collections::{HashMap, HashSet};

/// The dotted names of every module in the scan: a call through an import is only worth
/// recording for the cross-file pass when it names one of them.
#[derive(Clone, Debug, Default)]
pub struct ProjectModules {
    names: std::collections::HashSet<String>,
}

impl ProjectModules {
    pub fn new() -> ProjectModules {
        ProjectModules::default()
    }

    /// Whether `name` is a module of the scan. While `recording_reads` runs, the question and
    /// its answer are recorded: a file's kept result (`--cache`) holds while every name it
    /// asked about gets the same answer, whatever other files came or went.
    pub fn contains(&self, name: &str) -> bool {
        let found = self.holds(name);
        READS.with(|reads| {
            if let Ok(mut reads) = reads.try_borrow_mut()
                && let Some(reads) = reads.as_mut()
            {
                reads.modules.push((name.to_string(), found));
            }
        });
        found
    }

    /// `contains`, not recorded.
    pub fn holds(&self, name: &str) -> bool {
        self.names.contains(name)
    }
}

/// The module names of the Python files among `paths`.
pub fn project_modules<'p>(paths: impl IntoIterator<Item = &'p str>) -> ProjectModules {
    ProjectModules {
        names: paths.into_iter().flat_map(module_names).collect(),
    }
}

/// What one analyzed file offers to and asks of the others.
pub struct ModuleFacts<'a> {
    /// Repository-relative path with `/`.
    pub path: &'a str,
    pub exports: &'a [ExportedFunction],
    pub calls: &'a [ExternalCall],
    /// Functions of other modules exported as this one's (JavaScript barrels).
    pub reexports: &'a [Reexport],
}

/// How many re-export hops (`index.ts` -> `tools/index.ts` -> `tools/exec.ts`) are followed.
pub(crate) const MAX_REEXPORT_HOPS: usize = 4;

/// The name `name` has in the module `reexport` takes it from, when the re-export covers it:
/// `export { a as b } from` gives `b` as `a`; `export * from` gives every name as itself.
pub(crate) fn reexported<'n>(reexport: &'n Reexport, name: &'n str) -> Option<&'n str> {
    match (&reexport.name, &reexport.original) {
        (Some(exported), Some(original)) if exported == name => Some(original.as_str()),
        (None, _) => Some(name),
        _ => None,
    }
}

/// The exported functions of every module, found by the names calls give them.
pub struct Exports<'a> {
    modules: &'a [ModuleFacts<'a>],
    /// Every dotted suffix of a module's path names it (`src/pkg/tools/archive.py` is also
    /// `pkg.tools.archive` and `tools.archive`), since the import root is not known. A name
    /// two files share is ambiguous and resolves to neither.
    by_name: HashMap<String, Option<usize>>,
    /// Rust methods by crate and `Type.method`: an `impl` block may sit in any module of the
    /// crate, not only the type's own. Two modules defining one name resolve to neither.
    rust_methods: HashMap<(&'a str, &'a str), Option<usize>>,
    /// Exported class methods by language family (`true`: JavaScript) and bare method name,
    /// when one function of the project alone has that name (`ANY_JS_CLASS`).
    sole_methods: HashMap<(bool, &'a str), Option<(usize, usize)>>,
}

impl<'a> Exports<'a> {
    pub fn new(modules: &'a [ModuleFacts<'a>]) -> Exports<'a> {
        let mut rust_methods: HashMap<(&str, &str), Option<usize>> = HashMap::new();
        for (i, m) in modules.iter().enumerate() {
            if m.path.ends_with(".rs") {
                for f in m.exports.iter().filter(|f| f.name.contains('.')) {
                    rust_methods
                        .entry((crate_root(m.path), f.name.as_str()))
                        .and_modify(|slot| {
                            if *slot != Some(i) {
                                *slot = None;
                            }
                        })
                        .or_insert(Some(i));
                }
            }
        }
        let mut sole_methods: HashMap<(bool, &str), Option<(usize, usize)>> = HashMap::new();
        for (i, m) in modules.iter().enumerate() {
            let js = js_stem(m.path).is_some();
            if !js && !m.path.ends_with(".py") {
                continue;
            }
            for (k, f) in m.exports.iter().enumerate() {
                let Some((holder, method)) = f.name.rsplit_once('.') else {
                    continue;
                };
                // Classes only (`Runner.run`), by their capitalized names: a module-level
                // instance's or object's functions (`runner.run`, `tool.handler`) are named
                // through it, and an instance's are its class's again.
                let class = holder.chars().next().is_some_and(char::is_uppercase);
                if !class || crate::analyze::engine::is_common_method(method) {
                    continue;
                }
                sole_methods
                    .entry((js, method))
                    .and_modify(|slot| *slot = None)
                    .or_insert(Some((i, k)));
            }
        }
        let by_name = module_index(
            modules
                .iter()
                .enumerate()
                .filter(|(_, m)| !m.exports.is_empty() || !m.reexports.is_empty())
                .map(|(i, m)| (i, m.path)),
        );
        Exports {
            modules,
            by_name,
            rust_methods,
            sole_methods,
        }
    }

    /// The function a call from `caller_path` names (`ExternalCall::callee`), with the index
    /// of the module defining it and its absolute name: `pkg.tools.run`, or a method of an
    /// instance a module holds (`pkg.manager.start`, exported as `manager.start`).
    pub fn function(
        &self,
        callee: &str,
        caller_path: &str,
    ) -> Option<(usize, &'a ExportedFunction, String)> {
        READS.with(|reads| {
            if let Ok(mut reads) = reads.try_borrow_mut()
                && let Some(reads) = reads.as_mut()
            {
                reads
                    .functions
                    .push((callee.to_string(), caller_path.to_string()));
            }
        });
        let target = resolve(callee, caller_path)?;
        // A method of an object nothing types: the one class method of that name.
        for (any, js) in [(ANY_JS_CLASS, true), (ANY_PY_CLASS, false)] {
            if let Some(method) = target
                .strip_prefix(any)
                .and_then(|rest| rest.strip_prefix('.'))
            {
                let (home, k) = (*self.sole_methods.get(&(js, method))?)?;
                let f = self.modules.get(home)?.exports.get(k)?;
                let module = self.modules.get(home)?.path;
                return Some((home, f, format!("{module}.{}", f.name)));
            }
        }
        let function_of = |module: &str, function: &str| {
            let found = match self.by_name.get(module) {
                Some(Some(index)) => find_export(self.modules, &self.by_name, *index, function, 0),
                _ => None,
            };
            found.or_else(|| self.rust_method(caller_path, function))
        };
        let mut splits = target.rmatch_indices('.').map(|(i, _)| i).take(2);
        let (home, function) = splits.find_map(|i| {
            let (module, function) = (target.get(..i)?, target.get(i + 1..)?);
            function_of(module, function)
        })?;
        Some((home, function, target))
    }

    /// What the functions `calls` from `caller_path` name do whatever their arguments, and
    /// the functions of third modules they call, up to `MAX_HOPS` modules deep: each
    /// capability once, with the call that gives it and its file.
    pub fn effects_through(
        &self,
        calls: &[String],
        caller_path: &str,
    ) -> Vec<crate::tools::ToolEffect> {
        let mut found: Vec<crate::tools::ToolEffect> = Vec::new();
        let mut work: Vec<(&str, &str, usize)> =
            calls.iter().map(|c| (c.as_str(), caller_path, 0)).collect();
        let mut seen = std::collections::HashSet::new();
        while let Some((callee, from, hops)) = work.pop() {
            let Some((home, function, target)) = self.function(callee, from) else {
                continue;
            };
            if !seen.insert(target) {
                continue;
            }
            let Some(home_path) = self.modules.get(home).map(|m| m.path) else {
                continue;
            };
            for effect in &function.effects {
                if !found.iter().any(|e| e.capability == effect.capability) {
                    let mut effect = effect.clone();
                    effect.path = Some(home_path.to_string());
                    found.push(effect);
                }
            }
            if hops < MAX_HOPS {
                work.extend(
                    function
                        .calls_out
                        .iter()
                        .map(|c| (c.as_str(), home_path, hops + 1)),
                );
            }
        }
        found.sort();
        found
    }

    /// A digest of what `reads` (lookups `recording_reads` gave) find now: the module and
    /// name each resolves to, and what is read of that function. Equal digests, equal answers.
    pub fn read_digest(&self, reads: &[(String, String)]) -> String {
        let mut all = String::new();
        for (callee, from) in reads {
            all.push_str(callee);
            all.push('\0');
            all.push_str(from);
            all.push('\0');
            if let Some((home, f, target)) = self.function(callee, from) {
                let home = self.modules.get(home).map(|m| m.path);
                let read = (
                    home,
                    target,
                    &f.name,
                    &f.returns,
                    &f.makes,
                    &f.effects,
                    &f.calls_out,
                );
                if let Ok(text) = serde_json::to_string(&read) {
                    all.push_str(&text);
                }
            }
            all.push('\n');
        }
        crate::tools::sha256_hex(&all)
    }

    /// `Type.method` called from a Rust file, written in an `impl` block of any module of the
    /// caller's crate (not necessarily the type's own).
    fn rust_method(&self, caller_path: &str, name: &str) -> Option<(usize, &'a ExportedFunction)> {
        if !caller_path.ends_with(".rs") || !name.contains('.') {
            return None;
        }
        let home = (*self.rust_methods.get(&(crate_root(caller_path), name))?)?;
        let f = self
            .modules
            .get(home)?
            .exports
            .iter()
            .find(|f| f.name == name)?;
        Some((home, f))
    }

    /// What the function a call from `caller_path` names returns, when its module's analysis
    /// says more than "each argument, unchecked".
    pub fn returned(&self, callee: &str, caller_path: &str) -> Option<&'a Returned> {
        self.function(callee, caller_path)?.1.returns.as_ref()
    }
}

thread_local! {
    /// What the analysis running on this thread looked up of the rest of the project, while
    /// `recording_reads` runs it.
    static READS: std::cell::RefCell<Option<Reads>> = const { std::cell::RefCell::new(None) };
}

/// What one file's analysis looked up of the rest of the project, once each: what its result
/// depends on besides the file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reads {
    /// Other modules' functions, as (callee, calling file): the second pass's lookups.
    pub functions: Vec<(String, String)>,
    /// Whether a name is a module of the scan, with the answer it got.
    pub modules: Vec<(String, bool)>,
}

/// Runs `analyze` (one file's analysis, on this thread) and returns, beside its result, what
/// it looked up of the rest of the project.
pub fn recording_reads<T>(analyze: impl FnOnce() -> T) -> (T, Reads) {
    READS.with(|reads| *reads.borrow_mut() = Some(Reads::default()));
    let out = analyze();
    let mut reads = READS
        .with(|reads| reads.borrow_mut().take())
        .unwrap_or_default();
    reads.functions.sort_unstable();
    reads.functions.dedup();
    reads.modules.sort_unstable();
    reads.modules.dedup();
    (out, reads)
}

/// Findings at sinks in one file reached from entry points in another.
pub fn join(modules: &[ModuleFacts<'_>], rules: &RuleSet) -> Vec<Finding> {
    let exports = Exports::new(modules);
    let mut best: HashMap<(String, usize, usize, String), Finding> = HashMap::new();
    follow_calls(&exports, |call, _, callee, target| {
        for finding in findings_for_call(call, callee, target, rules) {
            let key = (
                finding.location.path.clone(),
                finding.location.start_line,
                finding.location.start_column,
                finding.rule_id.clone(),
            );
            let better = best.get(&key).is_none_or(|f| {
                (finding.severity, finding.confidence) > (f.severity, f.confidence)
            });
            if better {
                best.insert(key, finding);
            }
        }
    });
    let mut out: Vec<Finding> = best.into_values().collect();
    out.sort_by(|a, b| {
        (&a.location.path, a.location.start_line, &a.rule_id).cmp(&(
            &b.location.path,
            b.location.start_line,
            &b.rule_id,
        ))
    });
    out
}

/// The modules `join` draws its findings from, on these facts.
#[derive(Debug, Default)]
pub struct FindingModules<'a> {
    /// Those where it reports a sink of one of their functions.
    pub sinks: HashSet<&'a str>,
    /// Those whose calls into other modules, or whose functions' forwarded parameters, lead
    /// (through any number of modules) to one of `sinks`; `sinks` included.
    pub leading: HashSet<&'a str>,
}

/// Which modules the join's findings come from. Less input in a module outside them (a
/// function of another module that turns out to return less) cannot change those findings.
pub fn finding_modules<'a>(exports: &Exports<'a>, rules: &RuleSet) -> FindingModules<'a> {
    let mut sinks = HashSet::new();
    follow_calls(exports, |call, home, callee, target| {
        if let Some(m) = exports.modules.get(home)
            && !findings_for_call(call, callee, target, rules).is_empty()
        {
            sinks.insert(m.path);
        }
    });
    // Each module, with the modules that call into it: the calls the join starts from and
    // the calls reached functions forward their parameters to.
    let mut callers: HashMap<&'a str, Vec<&'a str>> = HashMap::new();
    for module in exports.modules {
        let calls = module.calls.iter().map(|c| c.callee.as_str());
        let forwards = module
            .exports
            .iter()
            .flat_map(|f| f.forwards.iter().map(|w| w.callee.as_str()));
        for callee in calls.chain(forwards) {
            if let Some(home) = exports
                .function(callee, module.path)
                .and_then(|(home, _, _)| exports.modules.get(home))
            {
                callers.entry(home.path).or_default().push(module.path);
            }
        }
    }
    let mut leading = sinks.clone();
    let mut work: Vec<&'a str> = sinks.iter().copied().collect();
    while let Some(module) = work.pop() {
        for caller in callers.get(module).into_iter().flatten() {
            if leading.insert(caller) {
                work.push(caller);
            }
        }
    }
    FindingModules { sinks, leading }
}

/// Visits every call `join` follows, with the module and function it lands in: the entry
/// points' own calls into other modules, then the calls the reached functions forward their
/// parameters to, up to `MAX_HOPS` modules deep. Each (function, argument, origin) is followed
/// once, so cycles between modules end.
fn follow_calls<'a>(
    exports: &Exports<'a>,
    mut visit: impl FnMut(&ExternalCall, usize, &'a ExportedFunction, &str),
) {
    let modules = exports.modules;
    let mut work: Vec<(ExternalCall, &str, usize)> = modules
        .iter()
        .flat_map(|m| m.calls.iter().map(|c| (c.clone(), m.path, 0)))
        .collect();
    let mut followed = std::collections::HashSet::new();
    while let Some((call, caller_path, hops)) = work.pop() {
        let Some((home, callee, target)) = exports.function(&call.callee, caller_path) else {
            continue;
        };
        visit(&call, home, callee, &target);
        if hops >= MAX_HOPS {
            continue;
        }
        let Some(home_path) = modules.get(home).map(|m| m.path) else {
            continue;
        };
        for forward in &callee.forwards {
            let param_name = callee.params.get(forward.param).map(String::as_str);
            let taints: Vec<ExternalTaint> = passed_to(&call, forward.param, param_name)
                .flat_map(|a| a.taints.iter())
                .map(|t| {
                    let mut t = t.clone();
                    if t.param == ANY_PARAM {
                        t.param = param_name.unwrap_or_default().to_string();
                    }
                    let module = short_name(&target);
                    t.through
                        .extend(std::iter::once(module).chain(forward.through.iter().cloned()));
                    t.through.truncate(MAX_THROUGH);
                    t
                })
                .collect();
            for taint in taints {
                let key = (
                    home,
                    forward.callee.clone(),
                    forward.position,
                    forward.keyword.clone(),
                    taint.function.clone(),
                    taint.param.clone(),
                );
                if !followed.insert(key) {
                    continue;
                }
                let next = ExternalCall {
                    callee: forward.callee.clone(),
                    args: vec![ExternalArg {
                        position: forward.position,
                        keyword: forward.keyword.clone(),
                        taints: vec![taint],
                    }],
                };
                work.push((next, home_path, hops + 1));
            }
        }
    }
}

/// The parameter name of a taint that stands for whichever parameter of the callee it lands
/// in (a handler registered by reference: the caller does not know its parameter names).
pub const ANY_PARAM: &str = "*";

/// How many parameters of a handler registered by reference are taken as the caller's.
pub const HANDLER_PARAMS: usize = 8;

/// How many modules deep the calls of reached functions are followed.
const MAX_HOPS: usize = 8;

/// How many functions a finding's path names.
const MAX_THROUGH: usize = 8;

/// A function of another module as messages name it: its module's last name and its own
/// (`src/tools/exec.runCommand` and `pkg.tools.exec.runCommand` read as `exec.runCommand`).
fn short_name(target: &str) -> String {
    let target = [RUST_MODULE, JS_MODULE]
        .iter()
        .find_map(|namespace| target.strip_prefix(namespace))
        .unwrap_or(target);
    let file = target.rsplit('/').next().unwrap_or(target);
    let mut parts = file.rsplitn(3, '.');
    match (parts.next(), parts.next()) {
        (Some(function), Some(module)) => format!("{module}.{function}"),
        _ => file.to_string(),
    }
}

/// The arguments of `call` that land in parameter `param` (by position or by name).
fn passed_to<'c>(
    call: &'c ExternalCall,
    param: usize,
    param_name: Option<&'c str>,
) -> impl Iterator<Item = &'c ExternalArg> {
    call.args.iter().filter(move |a| {
        if param == RECEIVER_PARAM {
            return a.position.is_none() && a.keyword.is_none();
        }
        a.position == Some(param) || (a.keyword.is_some() && a.keyword.as_deref() == param_name)
    })
}

/// The function `name` that module `index` exports, directly or through its re-exports.
fn find_export<'m>(
    modules: &'m [ModuleFacts<'_>],
    by_name: &HashMap<String, Option<usize>>,
    index: usize,
    name: &str,
    hops: usize,
) -> Option<(usize, &'m ExportedFunction)> {
    let m = modules.get(index)?;
    if let Some(f) = m.exports.iter().find(|f| f.name == name) {
        return Some((index, f));
    }
    if hops >= MAX_REEXPORT_HOPS {
        return None;
    }
    // A method of what a factory makes (`r = make_runner(); r.run(x)`): the method of the
    // class it returns an instance of.
    if let Some((maker, method)) = name.split_once('.')
        && let Some((home, factory)) = find_export(modules, by_name, index, maker, hops + 1)
        && let Some(class) = &factory.makes
        && class != maker
    {
        return find_export(
            modules,
            by_name,
            home,
            &format!("{class}.{method}"),
            hops + 1,
        );
    }
    m.reexports.iter().find_map(|r| {
        let original = reexported(r, name)?;
        let Some(Some(target)) = by_name.get(&r.module) else {
            return None;
        };
        find_export(modules, by_name, *target, original, hops + 1)
    })
}

fn findings_for_call(
    call: &ExternalCall,
    callee: &ExportedFunction,
    target: &str,
    rules: &RuleSet,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for sink in &callee.sinks {
        let (Some(rule), Some(template)) = (rules.rules().get(sink.rule), sink.template.as_ref())
        else {
            continue;
        };
        let param_name = callee.params.get(sink.param).map(String::as_str);
        // Every taint that crosses modules comes from an entry point's parameter: the rule's
        // own severity, as in the module where it enters.
        let Some(taint) = passed_to(call, sink.param, param_name)
            .flat_map(|a| a.taints.iter())
            .next()
        else {
            continue;
        };
        let mut finding = Finding::clone(template);
        finding.severity = rule.severity;
        finding.confidence = Confidence::High;
        let via = sink
            .via
            .as_deref()
            .map(|v| format!(" via `{v}`"))
            .unwrap_or_default();
        finding.message = format!(
            "{}; {} reaches it{via} through {}",
            template.message,
            taint.describe_as(param_name),
            helpers(taint, sink, target)
        );
        finding.trace = trace(call, callee, sink, target, &finding);
        out.push(finding);
    }
    out
}

/// The path a reviewer follows (SARIF `codeFlows`): the entry point's parameter in the
/// calling module, the modules' functions the value passed through, the sink.
fn trace(
    call: &ExternalCall,
    callee: &ExportedFunction,
    sink: &super::source::ExportedSink,
    target: &str,
    finding: &Finding,
) -> Vec<crate::finding::TraceStep> {
    let param_name = callee.params.get(sink.param).map(String::as_str);
    let Some((taint, source)) = passed_to(call, sink.param, param_name)
        .flat_map(|a| a.taints.iter())
        .find_map(|t| t.source.clone().map(|s| (t, s)))
    else {
        return Vec::new();
    };
    let stored = sink
        .via
        .as_deref()
        .map(|v| format!(", stored in `{v}`"))
        .unwrap_or_default();
    let message = format!(
        "{}{stored}, passed through {}",
        taint.describe_as(param_name),
        helpers(taint, sink, target)
    );
    vec![
        crate::finding::TraceStep {
            location: source,
            message,
        },
        crate::finding::TraceStep {
            location: finding.location.clone(),
            message: format!("reaches `{}`", sink.callee),
        },
    ]
}

/// The functions a value passed through on its way from the entry point to the sink, as
/// `` `a()`, `b()` ``: the caller's helpers, the module's function, and its helpers.
fn helpers(taint: &ExternalTaint, sink: &super::source::ExportedSink, target: &str) -> String {
    let mut names: Vec<String> = taint.through.clone();
    names.push(short_name(target));
    names.extend(sink.through.iter().cloned());
    names.truncate(MAX_THROUGH);
    names
        .iter()
        .map(|h| format!("`{h}()`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Extensions of JavaScript and TypeScript modules: an import of `./x.js` finds `x.ts`.
const JS_EXTENSIONS: &[&str] = &[".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"];

/// Every name `module_names` gives each of `modules` (index, path), to its index; a name two
/// modules share is ambiguous and maps to `None`. A file wins over a directory's `index`
/// file for the name they share (`./notes` is `notes.ts` before `notes/index.ts`), as Node
/// and bundlers resolve it.
pub(crate) fn module_index<'p>(
    modules: impl Iterator<Item = (usize, &'p str)>,
) -> HashMap<String, Option<usize>> {
    fn claim(names: &mut HashMap<String, Option<usize>>, name: String, i: usize) {
        names
            .entry(name)
            .and_modify(|slot| *slot = slot.filter(|&s| s == i))
            .or_insert(Some(i));
    }
    let mut by_name: HashMap<String, Option<usize>> = HashMap::new();
    let mut directories: HashMap<String, Option<usize>> = HashMap::new();
    for (i, path) in modules {
        let js = js_stem(path).is_some();
        for (k, name) in module_names(path).into_iter().enumerate() {
            // A JavaScript module's names after its own are its directory's.
            if js && k > 0 {
                claim(&mut directories, name, i);
            } else {
                claim(&mut by_name, name, i);
            }
        }
    }
    for (name, slot) in directories {
        by_name.entry(name).or_insert(slot);
    }
    by_name
}

/// The names a module file can be imported by: dotted suffixes for Python; for JavaScript and
/// TypeScript the path without its extension (also the directory, for an `index` file).
pub fn module_names(path: &str) -> Vec<String> {
    if let Some(stem) = js_stem(path) {
        let mut names = vec![format!("{JS_MODULE}{stem}")];
        if let Some(dir) = stem.strip_suffix("/index") {
            names.push(format!("{JS_MODULE}{dir}"));
        }
        return names;
    }
    let Some(stem) = package_stem(path) else {
        return Vec::new();
    };
    let parts: Vec<&str> = stem.split('/').collect();
    // A Rust path never names a Python module (`tools.archive` may be either).
    let namespace = if path.ends_with(".rs") {
        RUST_MODULE
    } else {
        ""
    };
    (0..parts.len())
        .filter_map(|i| {
            parts
                .get(i..)
                .map(|rest| format!("{namespace}{}", rest.join(".")))
        })
        .collect()
}

/// The directory of the crate a Rust file belongs to: what comes before its `src/` (the
/// repository's root for a crate at the top).
fn crate_root(path: &str) -> &str {
    match path.rfind("src/") {
        Some(i) if i == 0 || path.get(..i).is_some_and(|p| p.ends_with('/')) => {
            path.get(..i).unwrap_or("")
        }
        _ => "",
    }
}

/// The prefix of a Rust module's names, which live apart from Python's.
pub const RUST_MODULE: &str = "rs:";

/// The module of a method called on an object nothing types (`service.getNode(id)` with
/// `service` a parameter of untyped JavaScript): resolved by the method's name, when one
/// class of the project's modules of that language alone defines it.
pub const ANY_PY_CLASS: &str = "?";
pub const ANY_JS_CLASS: &str = "js:?";

/// Whether `module` is one of those stand-ins: the class is a guess from the method's name.
pub fn is_any_class(module: &str) -> bool {
    module == ANY_PY_CLASS || module == ANY_JS_CLASS
}

/// The namespace of JavaScript and TypeScript module names: a root-level `names.ts` is not the
/// Python module `names` (nor any Python module's suffix), so neither makes the other ambiguous.
pub const JS_MODULE: &str = "js:";

/// The path of a Python or Rust module without its extension, a package's or a Rust module
/// directory's own file as the directory (`pkg/__init__.py`, `tools/mod.rs`, `src/lib.rs`).
fn package_stem(path: &str) -> Option<&str> {
    if let Some(stem) = path.strip_suffix(".py") {
        return Some(stem.strip_suffix("/__init__").unwrap_or(stem));
    }
    let stem = path.strip_suffix(".rs")?;
    Some(
        ["/mod", "/lib", "/main"]
            .iter()
            .find_map(|own| stem.strip_suffix(own))
            .unwrap_or(stem),
    )
}

/// Whether a module file is its directory's own (`__init__.py`, `mod.rs`, `lib.rs`).
fn is_package_file(path: &str) -> bool {
    ["/__init__.py", "/mod.rs", "/lib.rs", "/main.rs"]
        .iter()
        .any(|own| path.ends_with(own))
        || ["__init__.py", "mod.rs", "lib.rs", "main.rs"].contains(&path)
}

/// `src/a.ts` -> `src/a`; `None` for other files and declaration files.
fn js_stem(path: &str) -> Option<&str> {
    if [".d.ts", ".d.mts", ".d.cts"]
        .iter()
        .any(|d| path.ends_with(d))
    {
        return None;
    }
    JS_EXTENSIONS.iter().find_map(|ext| path.strip_suffix(ext))
}

/// The module a relative import names, as `module_names` spells it: `./util/exec.js` imported
/// by `src/index.ts` is `src/util/exec`. `None` for packages and paths leaving the root.
pub fn js_import_target(importer: &str, specifier: &str) -> Option<String> {
    if !specifier.starts_with("./") && !specifier.starts_with("../") {
        return None;
    }
    let mut parts: Vec<&str> = importer.split('/').collect();
    parts.pop();
    for part in specifier.split('/') {
        match part {
            "." | "" => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    Some(format!(
        "{JS_MODULE}{}",
        js_stem(&joined).unwrap_or(&joined)
    ))
}

/// Prefixes that tsconfig `paths` and package.json `imports` commonly map into the project
/// (`~/services/figma.js`, `@/lib/x`, `#lib/x`).
const JS_ALIASES: &[&str] = &["~/", "@/", "#/", "#"];

/// The project module a JavaScript import names: a relative path, or an aliased one
/// (`JS_ALIASES`) looked up below the importer's directories, nearest first, with and without
/// `src/`. The aliases are not read from tsconfig.json: a guess that only ever lands on a
/// module the scan has.
pub fn js_project_import(
    importer: &str,
    specifier: &str,
    project: &ProjectModules,
) -> Option<String> {
    if specifier.starts_with("./") || specifier.starts_with("../") {
        return js_import_target(importer, specifier);
    }
    let rest = JS_ALIASES.iter().find_map(|a| specifier.strip_prefix(a))?;
    if rest.is_empty() || rest.starts_with('/') || rest.split('/').any(|p| p == "..") {
        return None;
    }
    let rest = js_stem(rest).unwrap_or(rest);
    let mut dir: Vec<&str> = importer.split('/').collect();
    dir.pop();
    loop {
        let prefix = dir.join("/");
        for under in ["", "src/"] {
            let candidate = if prefix.is_empty() {
                format!("{JS_MODULE}{under}{rest}")
            } else {
                format!("{JS_MODULE}{prefix}/{under}{rest}")
            };
            if project.contains(&candidate) {
                return Some(candidate);
            }
        }
        dir.pop()?;
    }
}

/// The absolute dotted name of a callee; relative ones (`.archive.extract`) are resolved
/// against the package of the calling file.
pub(crate) fn resolve(callee: &str, caller_path: &str) -> Option<String> {
    let rest = callee.trim_start_matches('.');
    let level = callee.len() - rest.len();
    if level == 0 {
        return Some(callee.to_string());
    }
    let stem = package_stem(caller_path)?;
    let mut package: Vec<&str> = stem.split('/').collect();
    if !is_package_file(caller_path) {
        package.pop();
    }
    for _ in 1..level {
        package.pop()?;
    }
    package.push(rest);
    let namespace = if caller_path.ends_with(".rs") {
        RUST_MODULE
    } else {
        ""
    };
    Some(format!("{namespace}{}", package.join(".")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_modules_are_named_apart_and_their_own_files_name_the_directory() {
        assert_eq!(
            module_names("src/tools/archive.rs"),
            ["rs:src.tools.archive", "rs:tools.archive", "rs:archive"]
        );
        assert_eq!(
            module_names("src/tools/mod.rs"),
            ["rs:src.tools", "rs:tools"]
        );
        assert_eq!(
            module_names("crates/a/src/lib.rs"),
            ["rs:crates.a.src", "rs:a.src", "rs:src"]
        );
        // `super::read::whole` from `src/ops/files.rs` is the sibling `src/ops/read.rs`.
        assert_eq!(
            resolve(".read.whole", "src/ops/files.rs").as_deref(),
            Some("rs:src.ops.read.whole")
        );
    }

    #[test]
    fn a_file_wins_over_a_directory_index_for_the_name_they_share() {
        let paths = [
            "src/notes.ts",
            "src/notes/index.ts",
            "a/x/index.ts",
            "b/x/index.js",
        ];
        let index = module_index(paths.iter().copied().enumerate());
        assert_eq!(index.get("js:src/notes"), Some(&Some(0)));
        assert_eq!(index.get("js:src/notes/index"), Some(&Some(1)));
        assert_eq!(index.get("js:a/x"), Some(&Some(2)));
        assert_eq!(index.get("js:b/x"), Some(&Some(3)));
        // Python suffixes stay ambiguous when two files share one.
        let index = module_index(["a/tools.py", "b/tools.py"].iter().copied().enumerate());
        assert_eq!(index.get("tools"), Some(&None));
        assert_eq!(index.get("a.tools"), Some(&Some(0)));
    }

    #[test]
    fn module_names_are_every_suffix() {
        assert_eq!(
            module_names("src/pkg/tools/archive.py"),
            [
                "src.pkg.tools.archive",
                "pkg.tools.archive",
                "tools.archive",
                "archive"
            ]
        );
        assert_eq!(module_names("pkg/__init__.py"), ["pkg"]);
        assert!(module_names("README.md").is_empty());
        assert_eq!(module_names("src/tools/exec.ts"), ["js:src/tools/exec"]);
        assert_eq!(
            module_names("src/util/index.mjs"),
            ["js:src/util/index", "js:src/util"]
        );
        assert!(module_names("dist/index.d.ts").is_empty());
        // A root-level script and a Python module of one name are two modules.
        let index = module_index(["names.ts", "pkg/names.py"].iter().copied().enumerate());
        assert_eq!(index.get("js:names"), Some(&Some(0)));
        assert_eq!(index.get("names"), Some(&Some(1)));
    }

    #[test]
    fn relative_js_imports_resolve_against_the_importer() {
        assert_eq!(
            js_import_target("src/index.ts", "./tools/exec.js").as_deref(),
            Some("js:src/tools/exec")
        );
        assert_eq!(
            js_import_target("src/tools/a.ts", "../util").as_deref(),
            Some("js:src/util")
        );
        assert_eq!(js_import_target("index.ts", "../x.js"), None);
        assert_eq!(js_import_target("src/index.ts", "zod"), None);
    }

    #[test]
    fn aliased_imports_land_on_project_modules_only() {
        let project = project_modules(["pkg/src/services/figma.ts", "pkg/src/mcp/tools/get.ts"]);
        assert_eq!(
            js_project_import("pkg/src/mcp/tools/get.ts", "~/services/figma.js", &project)
                .as_deref(),
            Some("js:pkg/src/services/figma")
        );
        assert_eq!(
            js_project_import("pkg/src/mcp/tools/get.ts", "@/services/figma", &project).as_deref(),
            Some("js:pkg/src/services/figma")
        );
        assert_eq!(
            js_project_import(
                "pkg/src/mcp/tools/get.ts",
                "~/services/missing.js",
                &project
            ),
            None
        );
        assert_eq!(
            js_project_import("pkg/src/mcp/tools/get.ts", "~/../etc/passwd", &project),
            None
        );
        assert_eq!(
            js_project_import("pkg/src/mcp/tools/get.ts", "zod", &project),
            None
        );
    }

    #[test]
    fn other_modules_functions_are_named_by_module_and_function() {
        assert_eq!(short_name("src/tools/exec.runCommand"), "exec.runCommand");
        assert_eq!(short_name("pkg.tools.exec.run"), "exec.run");
        assert_eq!(short_name("run"), "run");
        assert_eq!(short_name("js:names.lookup"), "names.lookup");
    }

    #[test]
    fn relative_callees_resolve_against_the_package() {
        assert_eq!(
            resolve("tools.archive.extract", "server.py").as_deref(),
            Some("tools.archive.extract")
        );
        assert_eq!(
            resolve(".archive.extract", "pkg/server.py").as_deref(),
            Some("pkg.archive.extract")
        );
        assert_eq!(
            resolve("..util.run", "pkg/sub/x.py").as_deref(),
            Some("pkg.util.run")
        );
        assert_eq!(
            resolve(".helpers.f", "pkg/__init__.py").as_deref(),
            Some("pkg.helpers.f")
        );
        assert_eq!(resolve("...x.f", "a.py"), None);
    }
}
