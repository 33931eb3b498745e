//! Taint propagation for Python. Each function's variables get a `Flow` from a fixpoint over
//! its assignments (flow-insensitive: a variable is as dangerous as anything ever stored in
//! it). Calls that rules match become sink hits. Each function gets a summary: which of its
//! parameters reach which sinks, and which reach its return value; callers apply the summary,
//! so a tool that passes its argument to `run_git(args)` is reported at the `subprocess` call
//! inside `run_git`. Functions are analyzed callees first.

use super::grammar::{F, K, NodeExt};
use super::names::{
    Body, FunctionDef, Module, Names, Variadic, constant_truth, dotted_segments, squeeze, text,
};
use crate::analyze::Span;
use crate::analyze::cross_file::ProjectModules;
use crate::analyze::source::{
    ALLOWLIST, Arg, ArgValue, BOUNDED, CallSite, Element, ExportedFunction, ExternalCall, Flow,
    FnKind, Hit, NUMERIC, OPTION_CHECK, Origin, PATH_CONTAINMENT, RETURN_CALLEE, SinkHit,
    SummarySink, Taint, is_clean, is_validator_name, match_rule, validated,
};
use crate::rules::{Language, RuleSet};
use rustc_hash::{FxHashMap, FxHashSet};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use tree_sitter::Node;

/// Rounds of the per-function fixpoint; flows only grow, so this bounds hostile input only.
const MAX_ENV_ROUNDS: usize = 8;
/// Rounds over all functions when helpers call each other recursively.
const MAX_SUMMARY_ROUNDS: usize = 3;
/// Expression nesting beyond this is `Unknown` rather than walked.
const MAX_EXPR_DEPTH: usize = 64;

/// Calls whose result is a number or a boolean, whatever their argument.
const TYPE_CASTS: &[&str] = &[
    "int",
    "float",
    "bool",
    "len",
    "abs",
    "round",
    "hash",
    "ord",
    "id",
    "isinstance",
    "issubclass",
    "callable",
    "hasattr",
    "complex",
];

/// Methods that store their arguments in the object they are called on.
const MUTATORS: &[&str] = &[
    "append",
    "extend",
    "insert",
    "add",
    "update",
    "appendleft",
    "setdefault",
];

/// A module's sink hits, after every function has been analyzed with its callees' summaries.
/// Stops evaluating once `deadline` has passed (what was found stands; the result says so).
pub(super) fn analyze_module(
    module: &Module<'_>,
    src: &str,
    rules: &RuleSet,
    project: &ProjectModules,
    deadline: std::time::Instant,
) -> ModuleResult {
    let mut analyzer = Analyzer::new(module, src, rules);
    analyzer.project = Some(project);
    analyzer.deadline = deadline;
    let mut result = analyzer.run();
    result.out_of_time = analyzer.out_of_time.get();
    result
}

/// Sink hits of a module, plus what the cross-file pass needs.
pub(super) struct ModuleResult {
    pub hits: Vec<SinkHit>,
    pub exports: Vec<ExportedFunction>,
    pub external_calls: Vec<ExternalCall>,
    /// The deadline passed before the analysis was done.
    pub out_of_time: bool,
}

/// What callers need to know about a function.
#[derive(Clone, Debug, Default, PartialEq)]
struct Summary {
    sinks: Vec<SummarySink>,
    /// Parameters whose value reaches a `return`.
    returns: Vec<ReturnPath>,
    /// The rest of the return value's flow (`Constant` when it returns only literals).
    returns_base: Flow,
    /// Parameters a guard in the function checks, with the marks the guard gives: calling a
    /// validator such as `validate_path(p)` marks the caller's `p`.
    checks: Vec<(usize, Vec<&'static str>)>,
}

/// "Parameter `param` reaches the return value", with the calls it went through on the way
/// (a helper that resolves and checks a path returns a contained path).
#[derive(Clone, Debug, PartialEq)]
struct ReturnPath {
    param: usize,
    sanitizers: Vec<String>,
}

/// Index of the pseudo-function holding module-level code.
const MODULE: usize = usize::MAX;

struct Analyzer<'m, 't> {
    /// Module names of the scan, for recording calls into other modules.
    project: Option<&'m ProjectModules>,
    module: &'m Module<'t>,
    names: &'m Names,
    src: &'m str,
    rules: &'m RuleSet,
    top_level: HashMap<String, usize>,
    methods: HashMap<String, usize>,
    /// Some function is defined inside another, so names may resolve to `outer.name`.
    has_nested: bool,
    /// The file's time budget, checked every few thousand evaluations.
    deadline: std::time::Instant,
    steps: std::cell::Cell<u64>,
    out_of_time: std::cell::Cell<bool>,
}

impl<'m, 't> Analyzer<'m, 't> {
    fn new(module: &'m Module<'t>, src: &'m str, rules: &'m RuleSet) -> Self {
        let mut top_level = HashMap::new();
        let mut methods = HashMap::new();
        for (i, f) in module.functions.iter().enumerate() {
            if f.class.is_some() {
                methods.insert(f.qualified.clone(), i);
            } else {
                // `name`, or `outer.name` for a function defined inside `outer`.
                top_level.insert(f.qualified.clone(), i);
            }
        }
        let has_nested = top_level.keys().any(|k| k.contains('.'));
        Analyzer {
            has_nested,
            project: None,
            module,
            names: &module.names,
            src,
            rules,
            top_level,
            methods,
            deadline: std::time::Instant::now() + std::time::Duration::from_secs(3600),
            steps: std::cell::Cell::new(0),
            out_of_time: std::cell::Cell::new(false),
        }
    }

    /// Counts an evaluation; false once the time budget is spent (then every value is
    /// `Unknown`, which reports nothing new and ends the fixpoints quickly).
    fn in_budget(&self) -> bool {
        if self.out_of_time.get() {
            return false;
        }
        let steps = self.steps.get() + 1;
        self.steps.set(steps);
        if steps.is_multiple_of(4096) && std::time::Instant::now() > self.deadline {
            self.out_of_time.set(true);
            return false;
        }
        true
    }

    fn run(&self) -> ModuleResult {
        let n = self.module.functions.len();
        let mut summaries = vec![Summary::default(); n];
        let (order, recursive, called) = self.callee_first_order();
        let rounds = if recursive { MAX_SUMMARY_ROUNDS } else { 1 };
        let mut hits = vec![Vec::new(); n];
        let mut external = vec![Vec::new(); n];
        for _ in 0..rounds {
            let mut changed = false;
            for &f in &order {
                let returns = called.get(f).copied().unwrap_or(true);
                let (found, summary, calls) = self.analyze_function(f, &summaries, returns);
                if let Some(slot) = hits.get_mut(f) {
                    *slot = found;
                }
                if let Some(slot) = external.get_mut(f) {
                    *slot = calls;
                }
                if let Some(old) = summaries.get_mut(f)
                    && *old != summary
                {
                    *old = summary;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        let (module_hits, _, _) = self.analyze_function(MODULE, &summaries, false);
        let mut all: Vec<SinkHit> = hits.into_iter().flatten().collect();
        all.extend(module_hits);
        let exports = self
            .module
            .functions
            .iter()
            .zip(&summaries)
            // Other modules call helpers, not tools: entry points are not exported (a tool's
            // own sinks are already graded as reached from it).
            .filter(|(def, summary)| {
                def.class.is_none()
                    && !def.qualified.contains('.')
                    && !matches!(def.kind, FnKind::Entry(_))
                    && !summary.sinks.is_empty()
            })
            .map(|(def, summary)| ExportedFunction {
                name: def.qualified.clone(),
                params: def.params.iter().map(|p| p.name.clone()).collect(),
                sinks: summary.sinks.iter().map(SummarySink::exported).collect(),
                forwards: Vec::new(),
            })
            .collect();
        ModuleResult {
            hits: all,
            exports,
            external_calls: external.into_iter().flatten().collect(),
            out_of_time: self.out_of_time.get(),
        }
    }

    /// `callee` is a function of another module of this project, or of a relative import.
    fn in_project(&self, callee: &str) -> bool {
        let module = callee.rsplit_once('.').map_or("", |(m, _)| m);
        callee.starts_with('.') || self.project.is_some_and(|p| p.contains(module))
    }

    /// A call from an entry point to a function of another module of the project with a
    /// tainted argument, for the cross-file pass.
    fn external_call(
        &self,
        call: Node<'_>,
        env: &Env<'m>,
        ctx: &FnCtx<'_, 'm>,
    ) -> Option<ExternalCall> {
        let function = call.field(F::Function)?;
        if self.local_function(function, ctx.index).is_some() {
            return None;
        }
        let callee = self.names.resolve_through_imports(function, self.src)?;
        // Only calls into this project's own modules (or relative imports) can be joined.
        if !self.in_project(&callee) || self.rules.has_callee(Language::Python, &callee) {
            return None;
        }
        let arguments = call.field(F::Arguments)?;
        let mut args = Vec::new();
        let mut position = Some(0usize);
        let mut cursor = arguments.walk();
        for arg in arguments.named_children(&mut cursor) {
            match arg.k() {
                K::KeywordArgument => {
                    if let (Some(name), Some(value)) = (arg.field(F::Name), arg.field(F::Value)) {
                        let keyword = Some(text(name, self.src).to_string());
                        args.push((None, keyword, self.flow(value, env, ctx, 0)));
                    }
                }
                K::Comment => {}
                K::ListSplat | K::DictionarySplat => position = None,
                _ => {
                    args.push((position, None, self.flow(arg, env, ctx, 0)));
                    position = position.map(|p| p + 1);
                }
            }
        }
        args.iter()
            .any(|(_, _, f)| f.is_tainted())
            .then(|| ExternalCall::from_args(callee, &args))
    }

    /// Functions ordered so that callees come before callers; `true` when there is a cycle.
    fn callee_first_order(&self) -> (Vec<usize>, bool, Vec<bool>) {
        let n = self.module.functions.len();
        let edges: Vec<Vec<usize>> = (0..n)
            .map(|f| {
                self.module
                    .bodies
                    .get(f)
                    .map(|b| {
                        b.calls
                            .iter()
                            .filter_map(|c| c.field(F::Function))
                            .filter_map(|callee| self.local_function(callee, f))
                            .collect()
                    })
                    .unwrap_or_default()
            })
            .collect();
        // Functions some other function of the file calls: only their return values matter.
        let mut called = vec![false; n];
        for &g in edges.iter().flatten() {
            if let Some(c) = called.get_mut(g) {
                *c = true;
            }
        }
        // Iterative DFS post-order; 1 = on the stack, 2 = done.
        let mut state = vec![0u8; n];
        let mut order = Vec::with_capacity(n);
        let mut recursive = false;
        for start in 0..n {
            if state.get(start) != Some(&0) {
                continue;
            }
            let mut stack = vec![(start, 0usize)];
            if let Some(s) = state.get_mut(start) {
                *s = 1;
            }
            while let Some((node, next)) = stack.pop() {
                let succ = edges.get(node).and_then(|e| e.get(next)).copied();
                match succ {
                    Some(m) => {
                        stack.push((node, next + 1));
                        match state.get(m) {
                            Some(0) => {
                                if let Some(s) = state.get_mut(m) {
                                    *s = 1;
                                }
                                stack.push((m, 0));
                            }
                            Some(1) => recursive = true,
                            _ => {}
                        }
                    }
                    None => {
                        if let Some(s) = state.get_mut(node) {
                            *s = 2;
                        }
                        order.push(node);
                    }
                }
            }
        }
        (order, recursive, called)
    }

    /// The function of this file that `callee` (a call's function expression) calls from
    /// inside function `from`: `helper(...)`, `self.helper(...)` within the same class, or
    /// `obj.method(...)` where `obj` holds an instance of a class of this file.
    fn local_function(&self, callee: Node<'_>, from: usize) -> Option<usize> {
        match callee.k() {
            K::Identifier => {
                let name = text(callee, self.src);
                if self.names.bindings.contains_key(name) {
                    return None;
                }
                // Inside `outer` (or a function nested in it), `name` may be `outer.name`.
                if let Some(from_def) = self
                    .module
                    .functions
                    .get(from)
                    .filter(|d| self.has_nested && d.class.is_none())
                {
                    let own = format!("{}.{name}", from_def.qualified);
                    if let Some(&g) = self.top_level.get(&own) {
                        return Some(g);
                    }
                    if let Some((outer, _)) = from_def.qualified.rsplit_once('.')
                        && let Some(&g) = self.top_level.get(&format!("{outer}.{name}"))
                    {
                        return Some(g);
                    }
                }
                self.top_level.get(name).copied()
            }
            K::Attribute => {
                let object = callee.field(F::Object)?;
                let receiver = text(object, self.src);
                let class = if matches!(receiver, "self" | "cls") {
                    self.module.functions.get(from)?.class.as_ref()?
                } else {
                    self.names.instances.get(receiver)?
                };
                let attr = text(callee.field(F::Attribute)?, self.src);
                self.methods.get(&format!("{class}.{attr}")).copied()
            }
            _ => None,
        }
    }

    fn analyze_function(
        &self,
        f: usize,
        summaries: &[Summary],
        returns: bool,
    ) -> (Vec<SinkHit>, Summary, Vec<ExternalCall>) {
        let (def, body) = if f == MODULE {
            (None, &self.module.module_body)
        } else {
            match (self.module.functions.get(f), self.module.bodies.get(f)) {
                (Some(def), Some(body)) => (Some(def), body),
                _ => return (Vec::new(), Summary::default(), Vec::new()),
            }
        };
        let mut env: Env<'m> = FxHashMap::default();
        let guarded = self.guarded_variables(body, f, summaries);
        if let Some(def) = def {
            let function: Rc<str> = Rc::from(def.qualified.as_str());
            for (index, p) in def.params.iter().enumerate() {
                let flow = if p.receiver {
                    Flow::Unknown
                } else if p.injected || (p.harmless_type && !p.numeric) {
                    Flow::Safe
                } else {
                    Flow::Tainted(vec![Taint {
                        origin: Origin {
                            function: Rc::clone(&function),
                            param: Rc::from(p.name.as_str()),
                            index,
                            kind: def.kind,
                            at: Some(p.span),
                        },
                        via: None,
                        sanitizers: {
                            let mut marks: Vec<String> = guarded
                                .get(p.name.as_str())
                                .map(|marks| marks.iter().map(|m| (*m).to_string()).collect())
                                .unwrap_or_default();
                            // A number is clean for every rule but the size rules.
                            if p.numeric {
                                marks.push(NUMERIC.to_string());
                            }
                            marks
                        },
                        through: Vec::new(),
                    }])
                };
                env.insert(p.name.as_str(), flow);
            }
        }
        let makers = if self.rules.uses_made_by() {
            self.makers(body)
        } else {
            HashMap::new()
        };
        // Demand-driven first; the fixpoint when that cannot be trusted (mutual recursion
        // between variables, very long chains).
        let mut guarded = Some(guarded);
        let mut makers = Some(makers);
        let modes: &[bool] = if force_eager() {
            &[false]
        } else {
            &[true, false]
        };
        for &lazy in modes {
            let ctx = FnCtx {
                index: f,
                summaries,
                reads: RefCell::new(FxHashSet::default()),
                tracking: Cell::new(!lazy),
                stale: Cell::new(false),
                guarded: if lazy {
                    guarded.clone().unwrap_or_default()
                } else {
                    guarded.take().unwrap_or_default()
                },
                makers: if lazy {
                    makers.clone().unwrap_or_default()
                } else {
                    makers.take().unwrap_or_default()
                },
                lazy: lazy.then(|| LazyEnv {
                    assigns: self.assignment_index(body),
                    memo: RefCell::new(FxHashMap::default()),
                    in_progress: RefCell::new(Vec::new()),
                    failed: Cell::new(false),
                }),
            };
            let mut env = env.clone();
            if !lazy {
                for _ in 0..MAX_ENV_ROUNDS {
                    ctx.reads.borrow_mut().clear();
                    ctx.stale.set(false);
                    let mut changed = false;
                    for &binding in &body.bindings {
                        changed |= self.bind(binding, &mut env, &ctx);
                    }
                    // Straight-line code converges in one round: another is needed only when a
                    // variable changed after this round had already read it.
                    if !changed || !ctx.stale.get() {
                        break;
                    }
                }
                ctx.tracking.set(false);
            }
            let result = self.evaluate(def, body, &env, &ctx, returns);
            if ctx.lazy.as_ref().is_some_and(|l| l.failed.get()) {
                continue;
            }
            return result;
        }
        (Vec::new(), Summary::default(), Vec::new())
    }

    /// Sink hits, summary and external calls of a function, once its variables can be read
    /// (eagerly from `env`, or on demand through `ctx.lazy`).
    fn evaluate(
        &self,
        def: Option<&FunctionDef>,
        body: &Body<'_>,
        env: &Env<'m>,
        ctx: &FnCtx<'_, 'm>,
        returns: bool,
    ) -> (Vec<SinkHit>, Summary, Vec<ExternalCall>) {
        let mut hits = Vec::new();
        let mut external = Vec::new();
        let is_entry = def.is_some_and(|d| matches!(d.kind, FnKind::Entry(_)));
        for &call in &body.calls {
            self.call_hits(call, env, ctx, &mut hits);
            if is_entry && let Some(ext) = self.external_call(call, env, ctx) {
                external.push(ext);
            }
        }
        // What an entry point returns goes to the model: rules on `<return>` see it.
        if is_entry && self.rules.has_callee(Language::Python, RETURN_CALLEE) {
            for &ret in &body.returns {
                self.return_hits(ret, env, ctx, &mut hits);
            }
        }
        let mut summary = match def {
            Some(def) => self.summarize(def, body, env, ctx, &hits, returns),
            None => Summary::default(),
        };
        // Which parameters the function's guards check: a guarded variable whose value comes
        // from a parameter (`resolved = path.resolve(); resolved.relative_to(base)`).
        if let Some(def) = def {
            for (var, marks) in &ctx.guarded {
                if let Some(Flow::Tainted(taints)) = self.lookup(var, env, ctx, 0) {
                    for t in taints
                        .iter()
                        .filter(|t| *t.origin.function == *def.qualified)
                    {
                        let entry = (t.origin.index, marks.clone());
                        if !summary.checks.contains(&entry) {
                            summary.checks.push(entry);
                        }
                    }
                }
            }
            summary.checks.sort();
        }
        (hits, summary, external)
    }

    fn summarize(
        &self,
        def: &FunctionDef,
        body: &Body<'_>,
        env: &Env<'m>,
        ctx: &FnCtx<'_, 'm>,
        hits: &[SinkHit],
        returns: bool,
    ) -> Summary {
        let own = |t: &Taint| *t.origin.function == *def.qualified;
        // Without local callers nobody reads the return summary: `Unknown` is what a caller
        // would assume anyway, and the return expressions need not be evaluated.
        let mut summary = Summary {
            returns_base: if returns {
                Flow::Constant
            } else {
                Flow::Unknown
            },
            ..Summary::default()
        };
        for hit in hits {
            if let Hit::Value(Flow::Tainted(taints)) = &hit.hit {
                for t in taints.iter().filter(|t| own(t)) {
                    let sink = SummarySink {
                        param: t.origin.index,
                        rule: hit.rule,
                        callee: hit.callee.clone(),
                        span: hit.span,
                        via: t.via.clone(),
                        through: t.through.clone(),
                        sanitizers: t.sanitizers.clone(),
                    };
                    // One entry per parameter, sink and sanitizing: the helpers on the way are
                    // for messages, and keeping every chain made summaries grow with the
                    // number of call paths (exponential in a call graph that fans in).
                    let known = summary.sinks.iter().any(|s| {
                        s.param == sink.param
                            && s.rule == sink.rule
                            && s.span == sink.span
                            && s.sanitizers == sink.sanitizers
                    });
                    if !known {
                        summary.sinks.push(sink);
                    }
                }
            }
        }
        for &ret in body.returns.iter().filter(|_| returns) {
            let Some(value) = ret.named_child(0) else {
                continue;
            };
            match self.flow(value, env, ctx, 0) {
                Flow::Tainted(taints) => {
                    for t in &taints {
                        if own(t) {
                            let path = ReturnPath {
                                param: t.origin.index,
                                sanitizers: t.sanitizers.clone(),
                            };
                            if !summary.returns.contains(&path) {
                                summary.returns.push(path);
                            }
                        } else {
                            summary.returns_base = std::mem::take(&mut summary.returns_base)
                                .join(Flow::Tainted(vec![t.clone()]));
                        }
                    }
                }
                other => {
                    summary.returns_base = std::mem::take(&mut summary.returns_base).join(other)
                }
            }
        }
        summary
    }

    /// Variables that a guard in `body` tests, with the mark each guard puts on what the
    /// variable holds. Flow-insensitive: a guard anywhere in the function counts, which is what
    /// `if not ok(x): raise` at the top of a tool means. Whether a check is sound is for the
    /// check rules to say.
    /// - `path-containment`: `x.is_relative_to(base)`, `x.relative_to(base)`,
    ///   `x.startswith(prefix)` (also through `str(x)`), `os.path.commonpath([base, x])`;
    /// - `option-check`: `x.startswith("-")`;
    /// - `allowlist`: `x in ALLOWED`, `urlparse(x).hostname in ALLOWED`, also through a
    ///   variable that holds `urlparse(x)`.
    fn guarded_variables(
        &self,
        body: &Body<'_>,
        from: usize,
        summaries: &[Summary],
    ) -> HashMap<&'m str, Vec<&'static str>> {
        let mut out: HashMap<&'m str, Vec<&'static str>> = HashMap::new();
        let mut mark = |var: &'m str, m: &'static str| {
            let marks = out.entry(var).or_default();
            if !marks.contains(&m) {
                marks.push(m);
            }
        };
        for &call in &body.calls {
            let Some(function) = call.field(F::Function) else {
                continue;
            };
            // A call to a validator of this file marks what it was given.
            if let Some(g) = self.local_function(function, from)
                && let Some(summary) = summaries.get(g)
            {
                for (param, marks) in &summary.checks {
                    for arg in self.args_for_param(call, g, *param) {
                        if let Some(var) = self.checked_name(arg) {
                            marks.iter().for_each(|m| mark(var, m));
                        }
                    }
                }
            }
            if function.k() == K::Attribute {
                let attr = function.field(F::Attribute).map(|a| text(a, self.src));
                if matches!(attr, Some("is_relative_to" | "relative_to" | "startswith"))
                    && let Some(var) = function.field(F::Object).and_then(|o| self.checked_name(o))
                {
                    mark(var, PATH_CONTAINMENT);
                    let first = call.field(F::Arguments).and_then(|a| a.named_child(0));
                    if attr == Some("startswith")
                        && first.is_some_and(|a| matches!(text(a, self.src), "\"-\"" | "'-'"))
                    {
                        mark(var, OPTION_CHECK);
                    }
                }
            }
            // Resolving the host to check its address (`ipaddress.ip_address(
            // socket.gethostbyname(host)).is_private`) validates the URL the host came from.
            let canonical = self.names.resolve_through_imports(function, self.src);
            if matches!(
                canonical.as_deref(),
                Some("ipaddress.ip_address" | "ipaddress.ip_network")
            ) && let Some(var) = call
                .field(F::Arguments)
                .and_then(|a| a.named_child(0))
                .and_then(|arg| self.host_source(arg, body, 0))
            {
                mark(var, ALLOWLIST);
            }
            let commonpath = canonical.is_some_and(|c| {
                matches!(c.as_str(), "os.path.commonpath" | "posixpath.commonpath")
            });
            if commonpath
                && let Some(list) = call.field(F::Arguments).and_then(|a| a.named_child(0))
            {
                let mut cursor = list.walk();
                for item in list.named_children(&mut cursor) {
                    if let Some(var) = self.checked_name(item) {
                        mark(var, PATH_CONTAINMENT);
                    }
                }
            }
        }
        for &check in &body.checks {
            let mut cursor = check.walk();
            let operators: Vec<&str> = check
                .children(&mut cursor)
                .filter(|c| !c.is_named())
                .map(|c| c.kind())
                .collect();
            // `if n > MAX_ITEMS: raise`: the number is bounded.
            if operators
                .iter()
                .any(|o| matches!(*o, "<" | "<=" | ">" | ">="))
            {
                let mut cursor = check.walk();
                for side in check.named_children(&mut cursor) {
                    if side.k() == K::Identifier {
                        mark(text(side, self.src), BOUNDED);
                    }
                }
            }
            let membership = operators.iter().any(|o| matches!(*o, "in" | "not in"));
            if !membership {
                continue;
            }
            if let Some(var) = check
                .named_child(0)
                .and_then(|left| self.allowlisted_name(left, body))
            {
                mark(var, ALLOWLIST);
            }
        }
        out
    }

    /// The variable an allowlist membership test is about: `x`, `urlparse(x).hostname`, or
    /// `p.hostname` where `p = urlparse(x)` in the same function.
    fn allowlisted_name(&self, left: Node<'_>, body: &Body<'_>) -> Option<&'m str> {
        match left.k() {
            K::Identifier => Some(text(left, self.src)),
            K::Attribute => {
                let object = left.field(F::Object)?;
                match object.k() {
                    K::Call => self.parsed_url_of(object),
                    K::Identifier => {
                        let holder = text(object, self.src);
                        body.bindings.iter().find_map(|b| {
                            let (l, r) = (b.field(F::Left)?, b.field(F::Right)?);
                            (b.k() == K::Assignment && text(l, self.src) == holder)
                                .then(|| self.parsed_url_of(r))
                                .flatten()
                        })
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// The variable a host expression comes from: through `socket.gethostbyname(...)`, then
    /// `urlparse(url).hostname` (directly or through a variable), to `url`.
    fn host_source(&self, node: Node<'_>, body: &Body<'_>, depth: usize) -> Option<&'m str> {
        if depth > 4 {
            return None;
        }
        match node.k() {
            K::Call => {
                let function = node.field(F::Function)?;
                let name = text(function, self.src);
                if !(name.ends_with("gethostbyname") || name.ends_with("getaddrinfo")) {
                    return None;
                }
                let arg = node.field(F::Arguments)?.named_child(0)?;
                self.host_source(arg, body, depth + 1)
            }
            K::Attribute => self.allowlisted_name(node, body),
            K::Identifier => {
                let holder = text(node, self.src);
                let from_url = body.bindings.iter().find_map(|b| {
                    let (l, r) = (b.field(F::Left)?, b.field(F::Right)?);
                    (b.k() == K::Assignment && text(l, self.src) == holder && r.k() == K::Attribute)
                        .then(|| self.allowlisted_name(r, body))
                        .flatten()
                });
                Some(from_url.unwrap_or(holder))
            }
            _ => None,
        }
    }

    /// `x` of `urlparse(x)` / `urlsplit(x)` / `httpx.URL(x)`.
    fn parsed_url_of(&self, call: Node<'_>) -> Option<&'m str> {
        if call.k() != K::Call {
            return None;
        }
        let function = call.field(F::Function)?;
        let name = self
            .names
            .resolve_through_imports(function, self.src)
            .unwrap_or_else(|| text(function, self.src).to_string());
        let parser =
            name.ends_with("urlparse") || name.ends_with("urlsplit") || name.ends_with("URL");
        if !parser {
            return None;
        }
        let arg = call.field(F::Arguments)?.named_child(0)?;
        (arg.k() == K::Identifier).then(|| text(arg, self.src))
    }

    /// `x`, or `x` inside `str(x)` / `os.fspath(x)`.
    fn checked_name(&self, node: Node<'_>) -> Option<&'m str> {
        match node.k() {
            K::Identifier => Some(text(node, self.src)),
            K::Call => {
                let function = node.field(F::Function)?;
                let name = text(function, self.src);
                if !matches!(name, "str" | "os.fspath") {
                    return None;
                }
                let inner = node.field(F::Arguments)?.named_child(0)?;
                (inner.k() == K::Identifier).then(|| text(inner, self.src))
            }
            _ => None,
        }
    }

    /// The flow of variable `name`: in the fixpoint, what `env` holds; on demand, the
    /// parameter's own flow joined with every value any binding stores in the variable.
    fn lookup(
        &self,
        name: &'m str,
        env: &Env<'m>,
        ctx: &FnCtx<'_, 'm>,
        depth: usize,
    ) -> Option<Flow> {
        let initial = env.get(name).cloned();
        let Some(lazy) = &ctx.lazy else {
            return initial;
        };
        if let Some(flow) = lazy.memo.borrow().get(name) {
            return Some(flow.clone());
        }
        let Some(bindings) = lazy.assigns.get(name) else {
            return initial;
        };
        if lazy.in_progress.borrow().contains(&name) {
            // `acc += x` reads `acc` while `acc` is being computed: its own contribution adds
            // nothing new. A cycle through another variable would leave that one incomplete.
            if lazy.in_progress.borrow().last() != Some(&name) {
                lazy.failed.set(true);
            }
            return Some(initial.unwrap_or(Flow::Constant));
        }
        if lazy.in_progress.borrow().len() > MAX_LAZY_DEPTH {
            lazy.failed.set(true);
            return Some(Flow::Unknown);
        }
        lazy.in_progress.borrow_mut().push(name);
        let mut flow = initial.unwrap_or(Flow::Constant);
        for &binding in bindings {
            flow = flow.join(self.contribution(binding, name, env, ctx, depth + 1));
        }
        lazy.in_progress.borrow_mut().pop();
        lazy.memo.borrow_mut().insert(name, flow.clone());
        Some(flow)
    }

    /// What `binding` stores into variable `name`, with `via` and the guards' marks, as the
    /// fixpoint's `assign` records it.
    fn contribution(
        &self,
        binding: Node<'_>,
        name: &'m str,
        env: &Env<'m>,
        ctx: &FnCtx<'_, 'm>,
        depth: usize,
    ) -> Flow {
        let flow = match binding.k() {
            K::Assignment | K::AugmentedAssignment | K::ForStatement | K::ForInClause => binding
                .field(F::Right)
                .map_or(Flow::Unknown, |v| self.flow(v, env, ctx, depth)),
            K::NamedExpression => binding
                .field(F::Value)
                .map_or(Flow::Unknown, |v| self.flow(v, env, ctx, depth)),
            K::AsPattern => binding
                .named_child(0)
                .map_or(Flow::Unknown, |v| self.flow(v, env, ctx, depth)),
            K::Call => binding
                .field(F::Arguments)
                .map_or(Flow::Constant, |a| self.join_children(a, env, ctx, depth)),
            _ => Flow::Unknown,
        };
        let marks = ctx.guarded.get(name);
        flow.map_taints(|t| {
            t.via = Some(name.to_string());
            for m in marks.into_iter().flatten() {
                if !t.sanitizers.iter().any(|s| s == m) {
                    t.sanitizers.push((*m).to_string());
                }
            }
        })
    }

    /// The bindings of each variable of `body`, for demand-driven evaluation: the same
    /// targets the fixpoint's `bind`/`assign` write.
    fn assignment_index(&self, body: &Body<'m>) -> FxHashMap<&'m str, Vec<Node<'m>>> {
        let mut index: FxHashMap<&'m str, Vec<Node<'m>>> = FxHashMap::default();
        for &binding in &body.bindings {
            let target = match binding.k() {
                K::Assignment | K::AugmentedAssignment | K::ForStatement | K::ForInClause => {
                    binding.field(F::Left)
                }
                K::NamedExpression => binding.field(F::Name),
                K::AsPattern => binding
                    .field(F::Alias)
                    .map(|a| a.named_child(0).unwrap_or(a)),
                K::Call => {
                    let function = binding.field(F::Function);
                    let mutator = function
                        .and_then(|f| f.field(F::Attribute))
                        .is_some_and(|a| MUTATORS.contains(&text(a, self.src)));
                    if mutator {
                        function.and_then(|f| f.field(F::Object))
                    } else {
                        None
                    }
                }
                _ => None,
            };
            let mut names = Vec::new();
            if let Some(target) = target {
                self.target_names(target, &mut names, 0);
            }
            for name in names {
                let slot = index.entry(name).or_default();
                if !slot.contains(&binding) {
                    slot.push(binding);
                }
            }
        }
        index
    }

    /// The variables a binding target writes, as `assign` resolves them.
    fn target_names(&self, target: Node<'_>, out: &mut Vec<&'m str>, depth: usize) {
        if depth > MAX_EXPR_DEPTH {
            return;
        }
        match target.k() {
            K::Identifier => out.push(text(target, self.src)),
            K::Attribute | K::Subscript => {
                let field = if target.k() == K::Attribute {
                    F::Object
                } else {
                    F::Value
                };
                if let Some(base) = target.field(field)
                    && !matches!(text(base, self.src), "self" | "cls")
                {
                    self.target_names(base, out, depth + 1);
                }
            }
            _ => {
                let mut cursor = target.walk();
                for child in target.named_children(&mut cursor) {
                    self.target_names(child, out, depth + 1);
                }
            }
        }
    }

    /// Applies one binding statement; `true` when some variable's flow grew.
    fn bind(&self, node: Node<'_>, env: &mut Env<'m>, ctx: &FnCtx<'_, 'm>) -> bool {
        match node.k() {
            K::Assignment | K::AugmentedAssignment => {
                match (node.field(F::Left), node.field(F::Right)) {
                    (Some(left), Some(right)) => {
                        let flow = self.flow(right, env, ctx, 0);
                        self.assign(left, flow, env, ctx)
                    }
                    _ => false,
                }
            }
            K::ForStatement | K::ForInClause => match (node.field(F::Left), node.field(F::Right)) {
                (Some(left), Some(right)) => {
                    let flow = self.flow(right, env, ctx, 0);
                    self.assign(left, flow, env, ctx)
                }
                _ => false,
            },
            K::NamedExpression => match (node.field(F::Name), node.field(F::Value)) {
                (Some(name), Some(value)) => {
                    let flow = self.flow(value, env, ctx, 0);
                    self.assign(name, flow, env, ctx)
                }
                _ => false,
            },
            // `with open(p) as f`: the target holds what the expression produced.
            K::AsPattern => match (node.named_child(0), node.field(F::Alias)) {
                (Some(value), Some(alias)) => {
                    let flow = self.flow(value, env, ctx, 0);
                    let target = alias.named_child(0).unwrap_or(alias);
                    self.assign(target, flow, env, ctx)
                }
                _ => false,
            },
            // `parts.append(x)`: the list now holds `x`.
            K::Call => {
                let Some(function) = node.field(F::Function) else {
                    return false;
                };
                let (Some(object), Some(attr)) =
                    (function.field(F::Object), function.field(F::Attribute))
                else {
                    return false;
                };
                if !MUTATORS.contains(&text(attr, self.src)) {
                    return false;
                }
                let flow = node
                    .field(F::Arguments)
                    .map_or(Flow::Constant, |a| self.join_children(a, env, ctx, 0));
                self.assign(object, flow, env, ctx)
            }
            _ => false,
        }
    }

    /// Joins `flow` into every variable that `target` names.
    fn assign(&self, target: Node<'_>, flow: Flow, env: &mut Env<'m>, ctx: &FnCtx<'_, 'm>) -> bool {
        match target.k() {
            K::Identifier => {
                let name = text(target, self.src);
                let marks = ctx.guarded.get(name);
                let flow = flow.map_taints(|t| {
                    t.via = Some(name.to_string());
                    for m in marks.into_iter().flatten() {
                        if !t.sanitizers.iter().any(|s| s == m) {
                            t.sanitizers.push((*m).to_string());
                        }
                    }
                });
                let new = match env.get(name) {
                    Some(old) => old.clone().join(flow),
                    None => flow,
                };
                let changed = env.get(name) != Some(&new);
                if changed && ctx.reads.borrow().contains(name) {
                    ctx.stale.set(true);
                }
                env.insert(name, new);
                changed
            }
            // `obj.field = x` and `d[k] = x` store into `obj` / `d`, except on `self`, which
            // would taint every attribute of the object.
            K::Attribute | K::Subscript => {
                let field = if target.k() == K::Attribute {
                    F::Object
                } else {
                    F::Value
                };
                match target.field(field) {
                    Some(base) if !matches!(text(base, self.src), "self" | "cls") => {
                        self.assign(base, flow, env, ctx)
                    }
                    _ => false,
                }
            }
            _ => {
                let mut changed = false;
                let mut cursor = target.walk();
                let children: Vec<Node<'_>> = target.named_children(&mut cursor).collect();
                for child in children {
                    changed |= self.assign(child, flow.clone(), env, ctx);
                }
                changed
            }
        }
    }

    /// The flow of an expression.
    fn flow(&self, node: Node<'_>, env: &Env<'m>, ctx: &FnCtx<'_, 'm>, depth: usize) -> Flow {
        if depth > MAX_EXPR_DEPTH || !self.in_budget() {
            return Flow::Unknown;
        }
        match node.k() {
            K::Integer | K::Float | K::True | K::False | K::None | K::Ellipsis => Flow::Constant,
            K::String | K::ConcatenatedString => {
                let mut flow = Flow::Constant;
                let mut cursor = node.walk();
                for child in node.named_children(&mut cursor) {
                    let part = match child.k() {
                        K::Interpolation => child
                            .named_child(0)
                            .map_or(Flow::Constant, |e| self.flow(e, env, ctx, depth + 1)),
                        K::String => self.flow(child, env, ctx, depth + 1),
                        _ => Flow::Constant,
                    };
                    flow = flow.join(part);
                }
                flow
            }
            K::Identifier => {
                let name = text(node, self.src);
                if ctx.tracking.get() {
                    ctx.reads.borrow_mut().insert(name);
                }
                match self.lookup(name, env, ctx, depth) {
                    Some(flow) => flow,
                    None if self.names.constants.contains_key(name) => Flow::Constant,
                    None => Flow::Unknown,
                }
            }
            K::Attribute => {
                // `os.sep`, `os.environ`: module attributes are not caller input.
                if self.names.resolve_through_imports(node, self.src).is_some() {
                    return Flow::Unknown;
                }
                node.field(F::Object)
                    .map_or(Flow::Unknown, |o| self.flow(o, env, ctx, depth + 1))
            }
            K::Subscript => node
                .field(F::Value)
                .map_or(Flow::Unknown, |v| self.flow(v, env, ctx, depth + 1)),
            K::Call => self.call_flow(node, env, ctx, depth),
            K::ComparisonOperator | K::NotOperator => Flow::Safe,
            K::KeywordArgument => node
                .field(F::Value)
                .map_or(Flow::Constant, |v| self.flow(v, env, ctx, depth + 1)),
            K::ConditionalExpression => {
                // `a if cond else b`: the condition does not flow into the value.
                let mut cursor = node.walk();
                let parts: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
                let mut flow = Flow::Constant;
                for (i, part) in parts.iter().enumerate() {
                    if i != 1 {
                        flow = flow.join(self.flow(*part, env, ctx, depth + 1));
                    }
                }
                flow
            }
            K::Lambda => Flow::Unknown,
            _ => {
                if node.named_child_count() == 0 {
                    Flow::Unknown
                } else {
                    self.join_children(node, env, ctx, depth)
                }
            }
        }
    }

    fn join_children(
        &self,
        node: Node<'_>,
        env: &Env<'m>,
        ctx: &FnCtx<'_, 'm>,
        depth: usize,
    ) -> Flow {
        let mut flow = Flow::Constant;
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            if child.k() == K::Comment {
                continue;
            }
            flow = flow.join(self.flow(child, env, ctx, depth + 1));
        }
        flow
    }

    /// The flow of a call's result.
    fn call_flow(&self, call: Node<'_>, env: &Env<'m>, ctx: &FnCtx<'_, 'm>, depth: usize) -> Flow {
        let Some(function) = call.field(F::Function) else {
            return Flow::Unknown;
        };
        let args = call.field(F::Arguments).map_or(Flow::Constant, |a| {
            self.join_children(a, env, ctx, depth + 1)
        });
        if let Some(g) = self.local_function(function, ctx.index) {
            let Some(summary) = ctx.summaries.get(g) else {
                return Flow::Unknown;
            };
            let helper = self.function_name(g);
            let mut flow = summary.returns_base.clone();
            for path in &summary.returns {
                for arg in self.args_for_param(call, g, path.param) {
                    let arg_flow = self.flow(arg, env, ctx, depth + 1).map_taints(|t| {
                        t.pass_through([&helper]);
                        for s in &path.sanitizers {
                            if !t.sanitizers.contains(s) {
                                t.sanitizers.push(s.clone());
                            }
                        }
                    });
                    flow = flow.join(arg_flow);
                }
            }
            return flow;
        }
        match self.names.callee(function, self.src, self.rules) {
            Some(callee) => {
                if TYPE_CASTS.contains(&callee.as_str()) {
                    return if args == Flow::Constant {
                        Flow::Constant
                    } else {
                        Flow::Safe
                    };
                }
                if self.rules.is_sanitizer(&callee) {
                    return args.map_taints(|t| t.sanitizers.push(callee.clone()));
                }
                let name = callee.rsplit('.').next().unwrap_or(&callee);
                if self.in_project(&callee) && is_validator_name(name) {
                    // `validate_path(p)` from another module of the project: its result is the
                    // checked value.
                    validated(Flow::Unknown.join(args))
                } else if callee.contains('.') {
                    // A library function: its result is computed, and carries its arguments.
                    Flow::Unknown.join(args)
                } else {
                    // A builtin such as `str`, `repr`, `sorted`: the arguments' flow.
                    args
                }
            }
            None => match (function.field(F::Object), function.field(F::Attribute)) {
                // `x.strip()`, `"{}".format(x)`, `" ".join(parts)`: receiver and arguments.
                (Some(object), Some(attr)) => {
                    let flow = self.flow(object, env, ctx, depth + 1).join(args);
                    let method = text(attr, self.src);
                    if self.rules.is_method_sanitizer(method) {
                        flow.map_taints(|t| t.sanitizers.push(format!("*.{method}")))
                    } else {
                        flow
                    }
                }
                // `validate_path(p)` from another module of the project: its result is the
                // checked value. Local functions are judged by their summaries instead.
                _ if function.k() == K::Identifier
                    && is_validator_name(text(function, self.src)) =>
                {
                    validated(Flow::Unknown.join(args))
                }
                _ => Flow::Unknown.join(args),
            },
        }
    }

    /// The argument nodes that `call` passes for parameter `param` of local function `g`:
    /// one for a plain parameter, every extra one for `*args`/`**kwargs`.
    fn args_for_param<'n>(&self, call: Node<'n>, g: usize, param: usize) -> Vec<Node<'n>> {
        let mut out = Vec::new();
        let (Some(def), Some(arguments)) = (self.module.functions.get(g), call.field(F::Arguments))
        else {
            return out;
        };
        let Some(target) = def.params.get(param) else {
            return out;
        };
        // Through `self.m(...)` the receiver is not among the call's arguments.
        let skip = usize::from(def.params.first().is_some_and(|p| p.receiver));
        let named: Vec<&str> = def.params.iter().map(|p| p.name.as_str()).collect();
        let mut position = 0usize;
        let mut cursor = arguments.walk();
        for arg in arguments.named_children(&mut cursor) {
            match arg.k() {
                K::KeywordArgument => {
                    let name = arg.field(F::Name).map(|n| text(n, self.src));
                    let value = arg.field(F::Value);
                    let matches = match target.variadic {
                        Some(Variadic::Keyword) => name.is_some_and(|n| !named.contains(&n)),
                        _ => name == Some(target.name.as_str()),
                    };
                    if matches {
                        out.extend(value);
                    }
                }
                K::Comment => {}
                // A spread may carry anything: treat it as the argument.
                K::ListSplat | K::DictionarySplat => out.push(arg),
                _ => {
                    let index = position + skip;
                    let matches = match target.variadic {
                        Some(Variadic::Positional) => index >= param,
                        Some(Variadic::Keyword) => false,
                        None => index == param,
                    };
                    if matches {
                        out.push(arg);
                    }
                    position += 1;
                }
            }
        }
        out
    }

    /// Sink hits of one call: rules on its callee, and summaries of a local helper.
    fn call_hits(
        &self,
        call: Node<'_>,
        env: &Env<'m>,
        ctx: &FnCtx<'_, 'm>,
        out: &mut Vec<SinkHit>,
    ) {
        let Some(function) = call.field(F::Function) else {
            return;
        };
        if let Some(g) = self.local_function(function, ctx.index) {
            self.helper_hits(call, g, env, ctx, out);
            return;
        }
        // A module function (`subprocess.run`), or a method on some object (`*.execute`).
        let (callee, receiver) = match self.names.callee(function, self.src, self.rules) {
            Some(callee) => (callee, None),
            None => match (function.field(F::Object), function.field(F::Attribute)) {
                (Some(object), Some(attr)) if self.rules.has_method(text(attr, self.src)) => {
                    (format!("*.{}", text(attr, self.src)), Some(object))
                }
                _ => return,
            },
        };
        if !self.rules.has_callee(Language::Python, &callee) {
            return;
        }
        let display = if receiver.is_some() {
            let full = squeeze(text(function, self.src));
            if full.chars().count() > 60 {
                callee.replacen('*', "…", 1)
            } else {
                full
            }
        } else {
            callee.clone()
        };
        let mut site = self.call_site(call, callee, env, ctx);
        site.display = display;
        let needs = self.rules.needs(&site.callee);
        site.receiver = receiver.map(|object| Arg {
            position: None,
            keyword: None,
            value: self.value(object),
            flow: self.flow_if(needs.flow, object, env, ctx),
            text: self.text_if(needs.text, object),
            elements: Vec::new(),
            made_by: self.made_by_if(needs.made_by, object, ctx),
        });
        self.push_matches(&site, out);
    }

    /// Rules on the pseudo-callee `<return>`, with the returned value as argument 0.
    fn return_hits(
        &self,
        ret: Node<'_>,
        env: &Env<'m>,
        ctx: &FnCtx<'_, 'm>,
        out: &mut Vec<SinkHit>,
    ) {
        let Some(value) = ret.named_child(0) else {
            return;
        };
        let needs = self.rules.needs(RETURN_CALLEE);
        let site = CallSite {
            callee: RETURN_CALLEE.to_string(),
            display: "return".to_string(),
            receiver: None,
            args: vec![Arg {
                position: Some(0),
                keyword: None,
                value: self.value(value),
                flow: self.flow_if(needs.flow, value, env, ctx),
                text: self.text_if(needs.text, value),
                elements: Vec::new(),
                made_by: self.made_by_if(needs.made_by, value, ctx),
            }],
            keyword_splat: false,
            span: span_of(ret),
        };
        self.push_matches(&site, out);
    }

    /// The hits of every rule of the site's callee that matches it.
    fn push_matches(&self, site: &CallSite, out: &mut Vec<SinkHit>) {
        for (index, rule) in self.rules.for_callee(Language::Python, &site.callee) {
            if let Some(hit) = match_rule(rule, site) {
                out.push(SinkHit {
                    rule: index,
                    callee: site.display.clone(),
                    span: site.span,
                    hit,
                });
            }
        }
    }

    /// Sinks inside helper `g` that the arguments of `call` reach.
    fn helper_hits(
        &self,
        call: Node<'_>,
        g: usize,
        env: &Env<'m>,
        ctx: &FnCtx<'_, 'm>,
        out: &mut Vec<SinkHit>,
    ) {
        let Some(summary) = ctx.summaries.get(g) else {
            return;
        };
        let helper = self.function_name(g);
        for sink in &summary.sinks {
            let passed = self
                .args_for_param(call, g, sink.param)
                .into_iter()
                .fold(Flow::Constant, |acc, arg| {
                    acc.join(self.flow(arg, env, ctx, 0))
                });
            let Flow::Tainted(taints) = passed else {
                continue;
            };
            let Some(rule_call) = self.rules.rules().get(sink.rule).and_then(|r| r.call()) else {
                continue;
            };
            let live: Vec<Taint> = taints
                .into_iter()
                .map(|mut t| {
                    t.via = sink.via.clone().or(t.via);
                    t.sanitizers.extend(sink.sanitizers.iter().cloned());
                    t.pass_through(std::iter::once(&helper).chain(&sink.through));
                    t
                })
                .filter(|t| !is_clean(t, rule_call))
                .collect();
            if !live.is_empty() {
                out.push(SinkHit {
                    rule: sink.rule,
                    callee: sink.callee.clone(),
                    span: sink.span,
                    hit: Hit::Value(Flow::Tainted(live)),
                });
            }
        }
    }

    fn call_site(
        &self,
        call: Node<'_>,
        callee: String,
        env: &Env<'m>,
        ctx: &FnCtx<'_, 'm>,
    ) -> CallSite {
        let needs = self.rules.needs(&callee);
        let mut args = Vec::new();
        let mut keyword_splat = false;
        let mut position = Some(0usize);
        if let Some(arguments) = call.field(F::Arguments) {
            if arguments.k() == K::GeneratorExpression {
                args.push(Arg {
                    position: Some(0),
                    keyword: None,
                    value: ArgValue::Dynamic,
                    flow: self.flow_if(needs.flow, arguments, env, ctx),
                    text: self.text_if(needs.text, arguments),
                    elements: Vec::new(),
                    made_by: None,
                });
            } else {
                let mut cursor = arguments.walk();
                for arg in arguments.named_children(&mut cursor) {
                    match arg.k() {
                        K::KeywordArgument => {
                            if let (Some(name), Some(value)) =
                                (arg.field(F::Name), arg.field(F::Value))
                            {
                                args.push(Arg {
                                    position: None,
                                    keyword: Some(text(name, self.src).to_string()),
                                    value: self.value(value),
                                    flow: self.flow_if(needs.flow, value, env, ctx),
                                    text: self.text_if(needs.text, value),
                                    elements: self.elements_if(needs.elements, value, env, ctx),
                                    made_by: self.made_by_if(needs.made_by, value, ctx),
                                });
                            }
                        }
                        K::DictionarySplat => keyword_splat = true,
                        // After `*args` the positions of later arguments are unknown.
                        K::ListSplat => position = None,
                        K::Comment => {}
                        _ => {
                            args.push(Arg {
                                position,
                                keyword: None,
                                value: self.value(arg),
                                flow: self.flow_if(needs.flow, arg, env, ctx),
                                text: self.text_if(needs.text, arg),
                                elements: self.elements_if(needs.elements, arg, env, ctx),
                                made_by: self.made_by_if(needs.made_by, arg, ctx),
                            });
                            position = position.map(|p| p + 1);
                        }
                    }
                }
            }
        }
        CallSite {
            display: callee.clone(),
            callee,
            receiver: None,
            args,
            keyword_splat,
            span: span_of(call),
        }
    }

    /// Variables assigned the result of a library call: `tf = tarfile.open(p)` and
    /// `with tarfile.open(p) as tf`.
    fn makers(&self, body: &Body<'_>) -> HashMap<&'m str, String> {
        let mut out = HashMap::new();
        for &binding in &body.bindings {
            let (target, value) = match binding.k() {
                K::Assignment => (binding.field(F::Left), binding.field(F::Right)),
                K::AsPattern => (
                    binding.field(F::Alias).and_then(|a| a.named_child(0)),
                    binding.named_child(0),
                ),
                _ => continue,
            };
            let (Some(target), Some(value)) = (target, value) else {
                continue;
            };
            if target.k() != K::Identifier || value.k() != K::Call {
                continue;
            }
            if let Some(maker) = value
                .field(F::Function)
                .and_then(|f| self.names.callee(f, self.src, self.rules))
            {
                out.insert(text(target, self.src), maker);
            }
        }
        out
    }

    /// The qualified name of function `g`, for "through `helper()`" in messages.
    fn function_name(&self, g: usize) -> String {
        self.module
            .functions
            .get(g)
            .map(|d| d.qualified.clone())
            .unwrap_or_default()
    }

    /// The flow of `node` when a rule looks at it; `Unknown` (never read) otherwise.
    fn flow_if(&self, needed: bool, node: Node<'_>, env: &Env<'m>, ctx: &FnCtx<'_, 'm>) -> Flow {
        if needed {
            self.flow(node, env, ctx, 0)
        } else {
            Flow::Unknown
        }
    }

    fn text_if(&self, needed: bool, node: Node<'_>) -> String {
        if needed {
            arg_text(node, self.src, self.names)
        } else {
            String::new()
        }
    }

    fn elements_if(
        &self,
        needed: bool,
        node: Node<'_>,
        env: &Env<'m>,
        ctx: &FnCtx<'_, 'm>,
    ) -> Vec<Element> {
        if needed {
            self.elements(node, env, ctx)
        } else {
            Vec::new()
        }
    }

    fn made_by_if(&self, needed: bool, node: Node<'_>, ctx: &FnCtx<'_, 'm>) -> Option<String> {
        if needed {
            self.made_by(node, ctx)
        } else {
            None
        }
    }

    /// The canonical call that produced `node`'s value, when known.
    fn made_by(&self, node: Node<'_>, ctx: &FnCtx<'_, 'm>) -> Option<String> {
        match node.k() {
            K::Call => node
                .field(F::Function)
                .and_then(|f| self.names.callee(f, self.src, self.rules)),
            K::Identifier => ctx.makers.get(text(node, self.src)).cloned(),
            _ => None,
        }
    }

    /// The elements of a list or tuple literal argument (an argv), else nothing.
    fn elements(&self, node: Node<'_>, env: &Env<'m>, ctx: &FnCtx<'_, 'm>) -> Vec<Element> {
        if !matches!(node.k(), K::List | K::Tuple) {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut cursor = node.walk();
        for item in node.named_children(&mut cursor) {
            if item.k() == K::Comment {
                continue;
            }
            let raw = text(item, self.src);
            let unquoted = raw
                .trim_start_matches(|c: char| c.is_ascii_alphabetic())
                .trim_start_matches(['"', '\'']);
            out.push(Element {
                constant: (item.k() == K::String && constant_truth(item, self.src, 0).is_some())
                    .then(|| unquoted.trim_end_matches(['"', '\'']).to_string()),
                dash_prefixed: matches!(item.k(), K::String | K::BinaryOperator)
                    && unquoted.starts_with('-'),
                flow: self.flow(item, env, ctx, 0),
            });
        }
        out
    }

    /// The syntactic value of an argument: a resolved name, a constant, or dynamic.
    fn value(&self, node: Node<'_>) -> ArgValue {
        if matches!(node.k(), K::Identifier | K::Attribute)
            && dotted_segments(node, self.src).is_some()
        {
            let name = self
                .names
                .resolve_through_imports(node, self.src)
                .unwrap_or_else(|| squeeze(text(node, self.src)));
            return ArgValue::Name(name);
        }
        match constant_truth(node, self.src, 0) {
            Some(truthy) => ArgValue::Constant {
                truthy,
                text: text(node, self.src).to_string(),
            },
            None => ArgValue::Dynamic,
        }
    }
}

/// Which function is being analyzed, the summaries known so far, and which variables the
/// current fixpoint round has read (a change to one of them means another round is needed).
struct FnCtx<'s, 'm> {
    index: usize,
    summaries: &'s [Summary],
    reads: RefCell<FxHashSet<&'m str>>,
    /// Reads are recorded only while the fixpoint runs.
    tracking: Cell<bool>,
    stale: Cell<bool>,
    /// Variables that guards test (`p.is_relative_to(base)`, `host in ALLOWED`), and the
    /// marks the guards put on what they hold.
    guarded: HashMap<&'m str, Vec<&'static str>>,
    /// Variables holding the result of a library call, by the call's canonical name.
    makers: HashMap<&'m str, String>,
    /// Demand-driven evaluation: the bindings of each variable, the flows computed so far,
    /// and the variables being computed (to cut cycles). `None` in the eager fixpoint.
    lazy: Option<LazyEnv<'m>>,
}

/// A function's variables evaluated on demand: only those a sink, a helper call, a guard or a
/// summary asks for. Most variables of a tool never reach a sink.
struct LazyEnv<'m> {
    assigns: FxHashMap<&'m str, Vec<Node<'m>>>,
    memo: RefCell<FxHashMap<&'m str, Flow>>,
    in_progress: RefCell<Vec<&'m str>>,
    /// A cycle through two variables, or a chain too deep: the demand-driven result cannot be
    /// trusted and the function is analyzed again with the fixpoint.
    failed: Cell<bool>,
}

#[cfg(test)]
thread_local! {
    /// Tests compare demand-driven results with the fixpoint's.
    pub(super) static FORCE_EAGER: Cell<bool> = const { Cell::new(false) };
}

fn force_eager() -> bool {
    #[cfg(test)]
    {
        FORCE_EAGER.with(Cell::get)
    }
    #[cfg(not(test))]
    {
        false
    }
}

/// Chains of variables deeper than this are left to the fixpoint (and keep the stack small).
const MAX_LAZY_DEPTH: usize = 128;

/// Variables of one function and what flows into them; names borrow from the source.
type Env<'m> = FxHashMap<&'m str, Flow>;

/// The source text of an argument for regex conditions, capped so that a huge literal costs
/// nothing extra. A module constant reads as `NAME = value`, so a regex can look at the name
/// (`BASE_DIR`) and at how the value ends (`"/srv/data/"`).
fn arg_text(node: Node<'_>, src: &str, names: &Names) -> String {
    let name = text(node, src);
    let joined;
    let mut t = name;
    if node.k() == K::Identifier
        && let Some(value) = names.constants.get(name)
    {
        joined = format!("{name} = {value}");
        t = &joined;
    }
    let mut end = t.len().min(512);
    while !t.is_char_boundary(end) {
        end -= 1;
    }
    t.get(..end).unwrap_or("").to_string()
}

/// Where `node` is, as parsers report it.
fn span_of(node: Node<'_>) -> Span {
    Span::of(node)
}
