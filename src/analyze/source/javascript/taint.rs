//! Taint propagation for JavaScript and TypeScript. Each function the file defines is walked
//! once, statement by statement: branches are walked on copies of the variables and joined,
//! loops twice, guards that throw or return mark the values they checked. Callbacks are
//! walked where they are passed, with the variables they close over. Calls of the file's own
//! functions use their summaries (sinks their parameters reach, what they return), computed
//! on demand, callee first.

use super::names::{
    Bound, F, Function, GLOBALS, MAX_NAME_DEPTH, Module, PropKind, Schema, bindings, field,
    has_substitution, is_function, kind_of, named_children, normalize, param_pattern, parameters,
    pattern_identifiers, string_value, text,
};
use crate::analyze::Span;
use crate::analyze::source::{
    ALLOWLIST, Arg, ArgValue, BOUNDED, CallSite, Element, EntryKind, ExportedFunction,
    ExternalCall, Flow, FnKind, Hit, NUMERIC, OPTION_CHECK, Origin, PATH_CONTAINMENT,
    RETURN_CALLEE, SinkHit, SummarySink, Taint, is_validator_name, match_rule, validated,
    without_sanitized,
};
use crate::rules::{Language, RuleSet};
use rustc_hash::FxHashMap;
use std::rc::Rc;
use std::time::Instant;
use tree_sitter::Node;

/// Deeper expressions and statements are not followed: hostile files nest without limit.
const MAX_DEPTH: usize = 200;
/// How deep summaries may be computed on demand (a call chain within one file).
const MAX_SUMMARY_NESTING: usize = 48;
/// Argument text kept for regex conditions.
const MAX_ARG_TEXT: usize = 2000;

/// A value placed after the scheme and host of a URL: it cannot choose where a request goes.
const FIXED_HOST: &str = "fixed-host";

/// Array and promise methods whose callback receives the receiver's elements or value.
const CALLBACK_METHODS: &[&str] = &[
    "map",
    "forEach",
    "filter",
    "some",
    "every",
    "find",
    "findIndex",
    "flatMap",
    "reduce",
    "then",
    "sort",
    "findLast",
];

/// Methods whose result is a boolean or a number, whatever they are called on.
const PREDICATES: &[&str] = &[
    "includes",
    "startsWith",
    "endsWith",
    "test",
    "has",
    "indexOf",
    "lastIndexOf",
    "localeCompare",
    "isFile",
    "isDirectory",
    "isSymbolicLink",
];

/// Conversions whose result cannot carry text.
const CASTS: &[&str] = &[
    "Number",
    "parseInt",
    "parseFloat",
    "Boolean",
    "Number.parseInt",
    "Number.parseFloat",
    "Math.min",
    "Math.max",
    "Math.floor",
    "Math.ceil",
    "Math.round",
    "Math.abs",
];

#[derive(Clone, Debug, Default)]
struct Var {
    flow: Flow,
    /// The schema that constrains the properties of this object (a tool's arguments).
    schema: Option<Rc<Schema>>,
    /// Variables this one was computed from: a guard on it vouches for them too.
    derived: Vec<String>,
    /// Bound to a module or module member (`const run = promisify(exec)`).
    alias: bool,
    /// The byte range of the expression it was last assigned, for conditions on the text of
    /// arguments (`prefix` in `p.startsWith(prefix)` ends with a separator).
    init: Option<(usize, usize)>,
}

/// The variables of one walk. Branches fork it in O(1) (a persistent map) and record which
/// names they change, so joining two branches costs what they changed, not the number of
/// variables: a function of 20,000 `if`s stays linear.
#[derive(Clone, Default)]
struct Env {
    vars: imbl::HashMap<String, Var>,
    /// Names changed since the fork this copy comes from (repeats allowed).
    dirty: Vec<String>,
}

impl Env {
    fn get(&self, name: &str) -> Option<&Var> {
        self.vars.get(name)
    }

    fn contains_key(&self, name: &str) -> bool {
        self.vars.contains_key(name)
    }

    fn insert(&mut self, name: String, var: Var) {
        self.dirty.push(name.clone());
        self.vars.insert(name, var);
    }

    fn get_mut(&mut self, name: &str) -> Option<&mut Var> {
        if self.vars.contains_key(name) {
            self.dirty.push(name.to_string());
        }
        self.vars.get_mut(name)
    }

    fn entry_or_default(&mut self, name: &str) -> &mut Var {
        self.dirty.push(name.to_string());
        self.vars.entry(name.to_string()).or_default()
    }

    /// A copy to walk a branch on; its `dirty` starts empty.
    fn fork(&self) -> Env {
        Env {
            vars: self.vars.clone(),
            dirty: Vec::new(),
        }
    }

    /// Takes the names changed so far, so that the copies forked next start from here.
    fn take_dirty(&mut self) -> Vec<String> {
        std::mem::take(&mut self.dirty)
    }

    /// Puts back names taken with `take_dirty`, after the branches are joined.
    fn restore_dirty(&mut self, earlier: Vec<String>) {
        self.dirty.extend(earlier);
    }
}

/// Joins two copies forked from the same point: each name either changed gets the join of
/// both values (the other copy still holds the value from before the fork).
fn join_env(a: Env, b: Env) -> Env {
    let mut out = a;
    let mut changed: Vec<String> = std::mem::take(&mut out.dirty);
    changed.extend(b.dirty.iter().cloned());
    let mut seen = rustc_hash::FxHashSet::default();
    for name in &changed {
        if !seen.insert(name.as_str()) {
            continue;
        }
        let Some(theirs) = b.vars.get(name) else {
            continue;
        };
        match out.vars.get_mut(name) {
            Some(existing) => {
                existing.flow = std::mem::take(&mut existing.flow).join(theirs.flow.clone());
                for d in &theirs.derived {
                    if !existing.derived.contains(d) {
                        existing.derived.push(d.clone());
                    }
                }
            }
            None => {
                out.vars.insert(name.clone(), theirs.clone());
            }
        }
    }
    out.dirty = seen.into_iter().map(str::to_string).collect();
    out
}

#[derive(Default)]
struct Summary {
    sinks: Vec<SummarySink>,
    /// `(param, sanitizers)` of each parameter that reaches the return value.
    returns: Vec<(usize, Vec<String>)>,
    /// The return value's flow apart from the parameters.
    returns_base: Flow,
}

/// One walk of one function.
struct Frame {
    kind: FnKind,
    hits: Vec<SinkHit>,
    returns: Flow,
    depth: usize,
    /// Inside a callback: its `return` is not the function's.
    callback: usize,
    /// Loops being walked: only the outermost walks its body twice, so nested loops cost a
    /// constant factor, not two to the power of their depth.
    loops: usize,
}

pub(super) struct Result {
    pub hits: Vec<SinkHit>,
    /// Summaries of the exported functions, for callers in other files.
    pub exports: Vec<ExportedFunction>,
    /// Calls from MCP entry points into other modules of the scan, with tainted arguments.
    pub external_calls: Vec<ExternalCall>,
    /// The deadline passed before every function was walked.
    pub out_of_time: bool,
}

pub(super) fn analyze_module<'t>(
    module: &Module<'t>,
    src: &'t str,
    rules: &RuleSet,
    lang: Language,
    root: Node<'t>,
    deadline: Instant,
) -> Result {
    let mut a = Analyzer {
        root,
        deadline,
        steps: 0,
        out_of_time: false,
        external_calls: Vec::new(),
        module,
        src,
        rules,
        lang,
        summaries: (0..module.functions.len()).map(|_| None).collect(),
        in_progress: vec![false; module.functions.len()],
        nesting: 0,
        hits: Vec::new(),
    };
    for g in 0..module.functions.len() {
        a.ensure_summary(g);
    }
    // Module-level code: a private pseudo-function without parameters.
    let mut frame = Frame {
        kind: FnKind::Private,
        hits: Vec::new(),
        returns: Flow::Constant,
        depth: 0,
        callback: 0,
        loops: 0,
    };
    let mut env = Env::default();
    a.block(root, &mut env, &mut frame);
    a.hits.append(&mut frame.hits);
    dedup_hits(&mut a.hits);
    let exports = a.exports();
    Result {
        exports,
        external_calls: a.external_calls,
        hits: a.hits,
        out_of_time: a.out_of_time,
    }
}

struct Analyzer<'m, 't> {
    root: Node<'t>,
    deadline: Instant,
    steps: usize,
    out_of_time: bool,
    external_calls: Vec<ExternalCall>,
    module: &'m Module<'t>,
    src: &'t str,
    rules: &'m RuleSet,
    lang: Language,
    summaries: Vec<Option<Rc<Summary>>>,
    in_progress: Vec<bool>,
    nesting: usize,
    hits: Vec<SinkHit>,
}

fn span(node: Node<'_>) -> Span {
    Span::of(node)
}

fn mark(flow: Flow, sanitizer: &str) -> Flow {
    flow.map_taints(|t| {
        if !t.sanitizers.iter().any(|s| s == sanitizer) {
            t.sanitizers.push(sanitizer.to_string());
        }
    })
}

/// The flow of a computed value of a harmless kind.
fn harmless(flow: &Flow) -> Flow {
    if *flow == Flow::Constant {
        Flow::Constant
    } else {
        Flow::Safe
    }
}

impl<'m, 't> Analyzer<'m, 't> {
    fn text(&self, node: Node<'_>) -> &'t str {
        text(node, self.src)
    }

    fn ensure_summary(&mut self, g: usize) -> Option<Rc<Summary>> {
        if let Some(Some(s)) = self.summaries.get(g) {
            return Some(s.clone());
        }
        if self.in_progress.get(g).copied().unwrap_or(true) || self.nesting >= MAX_SUMMARY_NESTING {
            return None;
        }
        let f = self.module.functions.get(g)?;
        if let Some(p) = self.in_progress.get_mut(g) {
            *p = true;
        }
        self.nesting += 1;
        let mut frame = Frame {
            kind: f.kind,
            hits: Vec::new(),
            returns: Flow::Constant,
            depth: 0,
            callback: 0,
            loops: 0,
        };
        let mut env = Env::default();
        for (i, p) in f.params.iter().enumerate() {
            self.bind_param(f, *p, i, &mut env);
        }
        if let Some(body) = f.body {
            if kind_of(body) == "statement_block" {
                self.block(body, &mut env, &mut frame);
            } else {
                // `(x) => expr`: the expression is the return value.
                self.returned(body, &mut env, &mut frame);
            }
        }
        self.nesting -= 1;
        dedup_hits(&mut frame.hits);
        let summary = Rc::new(summarize(&frame, &f.name));
        self.hits.append(&mut frame.hits);
        if let Some(slot) = self.summaries.get_mut(g) {
            *slot = Some(summary.clone());
        }
        Some(summary)
    }

    /// Binds parameter `index` of `f`. Every parameter of an ordinary function is a source of
    /// its own; of an MCP handler only the arguments (for resources, the URI and the template
    /// variables), judged by the handler's schema.
    fn bind_param(&self, f: &Function<'_>, param: Node<'_>, index: usize, env: &mut Env) {
        let Some(pattern) = param_pattern(param) else {
            return;
        };
        let (function, kind) = (&f.name, f.kind);
        let param_span = Some(span(pattern));
        let tainted = match kind {
            FnKind::Entry(EntryKind::Resource) => index <= 1,
            FnKind::Entry(_) => index == 0,
            _ => true,
        };
        let schema = if matches!(kind, FnKind::Entry(_)) && index == 0 {
            f.schema.clone()
        } else {
            None
        };
        // A taint named after the parameter, or after the property a destructuring takes.
        let fresh = |name: &str| -> Flow {
            if !tainted {
                return Flow::Safe;
            }
            Flow::Tainted(vec![Taint {
                origin: Origin {
                    function: function.clone(),
                    param: Rc::from(name),
                    index,
                    kind,
                    at: param_span,
                },
                via: None,
                sanitizers: Vec::new(),
                through: Vec::new(),
            }])
        };
        // What the tool's schema says about a property.
        let constrained = |name: &str| -> Flow {
            let flow = fresh(name);
            match schema.as_ref().and_then(|s| s.get(name)) {
                Some(PropKind::Fixed) if tainted => Flow::Safe,
                Some(PropKind::Numeric) => mark(flow, NUMERIC),
                _ => flow,
            }
        };
        for (bound, local) in bindings(pattern, self.src) {
            let var = match bound {
                // The arguments object: its properties are judged by the schema when read.
                Bound::Whole => Var {
                    flow: fresh(local),
                    schema: schema.clone(),
                    ..Var::default()
                },
                Bound::Property(key) => {
                    let mut flow = constrained(key);
                    if key != local {
                        flow = flow.map_taints(|t| t.via = Some(local.to_string()));
                    }
                    Var {
                        flow,
                        ..Var::default()
                    }
                }
                Bound::Rest => Var {
                    flow: constrained(local),
                    schema: schema.clone(),
                    ..Var::default()
                },
                Bound::Element => Var {
                    flow: constrained(local),
                    ..Var::default()
                },
            };
            env.insert(local.to_string(), var);
        }
    }

    /// The left side of `a + b` fixes a URL's host: `"https://x.com/" + ...`,
    /// `BASE_URL + "/items/" + ...`, or a template that does.
    fn prefix_fixes_host(&self, left: Node<'_>, env: &Env) -> bool {
        self.prefix_fixes_host_at(left, env, 0)
    }

    fn prefix_fixes_host_at(&self, left: Node<'_>, env: &Env, depth: usize) -> bool {
        if depth > MAX_NAME_DEPTH {
            return false;
        }
        match kind_of(left) {
            "string" | "template_string" => fixes_host(self.text(left)),
            // `const url = `${BASE}/projects/${id}`; fetch(url + query)`.
            "identifier" => self.var_fixes_host(self.text(left), env),
            "binary_expression" => {
                let (Some(l), Some(r)) = (field(left, F::Left), field(left, F::Right)) else {
                    return false;
                };
                if self.prefix_fixes_host_at(l, env, depth + 1) {
                    return true;
                }
                let base_untainted = match kind_of(l) {
                    "identifier" => env.get(self.text(l)).is_none_or(|v| !v.flow.is_tainted()),
                    "member_expression" => true,
                    _ => false,
                };
                base_untainted && string_value(r, self.src).is_some_and(|t| t.starts_with('/'))
            }
            _ => false,
        }
    }

    /// The variable was initialized with a URL whose host is fixed.
    fn var_fixes_host(&self, name: &str, env: &Env) -> bool {
        let Some((start, end)) = env.get(name).and_then(|v| v.init) else {
            return false;
        };
        let Some(init) = self.root.descendant_for_byte_range(start, end) else {
            return false;
        };
        match kind_of(init) {
            "template_string" => {
                let children = named_children(init);
                let text = self.text(init);
                fixes_host(text)
                    || (children
                        .first()
                        .is_some_and(|c| kind_of(*c) == "template_substitution")
                        && children
                            .get(1)
                            .is_some_and(|c| self.text(*c).starts_with('/')))
            }
            "identifier" => false,
            _ => self.prefix_fixes_host(init, env),
        }
    }

    /// What other modules may call: the exported functions and the sinks their parameters
    /// reach.
    fn exports(&self) -> Vec<ExportedFunction> {
        let mut out = Vec::new();
        for (f, summary) in self.module.functions.iter().zip(&self.summaries) {
            let Some(summary) = summary.as_ref().filter(|_| f.kind == FnKind::Public) else {
                continue;
            };
            if summary.sinks.is_empty() {
                continue;
            }
            out.push(ExportedFunction {
                name: f.name.to_string(),
                params: f.params.iter().map(|p| self.text(*p).to_string()).collect(),
                sinks: summary.sinks.iter().map(SummarySink::exported).collect(),
                forwards: Vec::new(),
            });
        }
        out
    }

    /// The function of another module a callee names: `runCommand(...)` imported from
    /// `./tools/exec.js`, or `exec.runCommand(...)` through a namespace import.
    fn project_callee(&self, function: Node<'_>, env: &Env) -> Option<String> {
        match kind_of(function) {
            "identifier" => {
                let name = self.text(function);
                if env.contains_key(name) {
                    return None;
                }
                self.module.project_imports.get(name).cloned()
            }
            "member_expression" => {
                let object = field(function, F::Object).filter(|o| kind_of(*o) == "identifier")?;
                if env.contains_key(self.text(object)) {
                    return None;
                }
                let module = self.module.project_imports.get(self.text(object))?;
                let prop = self.text(field(function, F::Property)?);
                Some(format!("{module}.{prop}"))
            }
            _ => None,
        }
    }

    // ---- statements ----

    /// Walks the statements of a block; true when it always returns or throws.
    fn block(&mut self, node: Node<'_>, env: &mut Env, fr: &mut Frame) -> bool {
        for s in named_children(node) {
            if self.stmt(s, env, fr) {
                return true;
            }
        }
        false
    }

    /// Counts a step of the walk; false once the file's time budget is spent.
    fn step(&mut self) -> bool {
        self.steps += 1;
        if self.steps.is_multiple_of(4096) && Instant::now() > self.deadline {
            self.out_of_time = true;
        }
        !self.out_of_time
    }

    fn stmt(&mut self, node: Node<'_>, env: &mut Env, fr: &mut Frame) -> bool {
        if fr.depth >= MAX_DEPTH || !self.step() {
            return false;
        }
        fr.depth += 1;
        let exits = self.stmt_inner(node, env, fr);
        fr.depth -= 1;
        exits
    }

    fn stmt_inner(&mut self, node: Node<'_>, env: &mut Env, fr: &mut Frame) -> bool {
        match kind_of(node) {
            "statement_block" | "program" | "else_clause" | "finally_clause" => {
                self.block(node, env, fr)
            }
            "expression_statement" => {
                for c in named_children(node) {
                    self.expr(c, env, fr);
                }
                false
            }
            "lexical_declaration" | "variable_declaration" => {
                for d in named_children(node) {
                    if kind_of(d) == "variable_declarator" {
                        self.declarator(d, env, fr);
                    }
                }
                false
            }
            "return_statement" => {
                if let Some(value) = named_children(node).first() {
                    self.returned(*value, env, fr);
                }
                true
            }
            "throw_statement" => {
                for c in named_children(node) {
                    self.expr(c, env, fr);
                }
                true
            }
            "if_statement" => self.if_stmt(node, env, fr),
            "for_statement" => {
                if let Some(init) = field(node, F::Initializer) {
                    self.stmt(init, env, fr);
                }
                if let Some(c) = field(node, F::Condition) {
                    self.stmt(c, env, fr);
                }
                self.loop_body(node, env, fr, |a, env, fr| {
                    if let Some(inc) = field(node, F::Increment) {
                        a.expr(inc, env, fr);
                    }
                });
                false
            }
            "for_in_statement" => {
                let right = field(node, F::Right).map_or(Flow::Unknown, |r| self.expr(r, env, fr));
                let of = field(node, F::Operator).is_some_and(|o| self.text(o) == "of");
                // `for (k in obj)` iterates over keys: attacker objects choose them too.
                let element = if of { right } else { right.join(Flow::Safe) };
                if let Some(left) = field(node, F::Left) {
                    self.bind_value(left, element, None, Vec::new(), false, env);
                }
                self.loop_body(node, env, fr, |_, _, _| {});
                false
            }
            "while_statement" | "do_statement" => {
                if let Some(c) = field(node, F::Condition) {
                    self.expr(c, env, fr);
                }
                self.loop_body(node, env, fr, |_, _, _| {});
                false
            }
            "try_statement" => {
                let earlier = env.take_dirty();
                let before = env.fork();
                let body_exits = field(node, F::Body).is_some_and(|b| self.stmt(b, env, fr));
                if let Some(handler) = field(node, F::Handler) {
                    // The handler may start anywhere in the body: before or after its changes.
                    let mut caught = join_env(before, env.clone());
                    if let Some(p) = field(handler, F::Parameter) {
                        for id in pattern_identifiers(p) {
                            caught.insert(self.text(id).to_string(), Var::default());
                        }
                    }
                    let catch_exits =
                        field(handler, F::Body).is_some_and(|b| self.stmt(b, &mut caught, fr));
                    *env = match (body_exits, catch_exits) {
                        (true, false) => caught,
                        (false, true) => std::mem::take(env),
                        _ => join_env(std::mem::take(env), caught),
                    };
                }
                env.restore_dirty(earlier);
                if let Some(f) = field(node, F::Finalizer) {
                    self.stmt(f, env, fr);
                }
                false
            }
            "switch_statement" => {
                if let Some(v) = field(node, F::Value) {
                    self.expr(v, env, fr);
                }
                let earlier = env.take_dirty();
                let mut out = env.fork();
                if let Some(body) = field(node, F::Body) {
                    for case in named_children(body) {
                        let mut branch = env.fork();
                        for s in named_children(case) {
                            if field(case, F::Value) == Some(s) {
                                self.expr(s, &mut branch, fr);
                            } else if self.stmt(s, &mut branch, fr) {
                                break;
                            }
                        }
                        out = join_env(out, branch);
                    }
                }
                *env = out;
                env.restore_dirty(earlier);
                false
            }
            "labeled_statement" => field(node, F::Body).is_some_and(|b| self.stmt(b, env, fr)),
            "export_statement" => {
                if let Some(d) = field(node, F::Declaration) {
                    self.stmt(d, env, fr);
                } else if let Some(v) = field(node, F::Value) {
                    self.expr(v, env, fr);
                }
                false
            }
            // Analyzed on their own.
            "function_declaration"
            | "generator_function_declaration"
            | "class_declaration"
            | "abstract_class_declaration"
            | "import_statement"
            | "interface_declaration"
            | "type_alias_declaration"
            | "enum_declaration"
            | "ambient_declaration"
            | "comment"
            | "empty_statement"
            | "break_statement"
            | "continue_statement"
            | "debugger_statement" => false,
            _ => {
                for c in named_children(node) {
                    self.expr(c, env, fr);
                }
                false
            }
        }
    }

    fn loop_body(
        &mut self,
        node: Node<'_>,
        env: &mut Env,
        fr: &mut Frame,
        after: impl Fn(&mut Self, &mut Env, &mut Frame),
    ) {
        let Some(body) = field(node, F::Body) else {
            return;
        };
        // Twice: what one iteration assigns, the next one reads.
        let passes = if fr.loops == 0 { 2 } else { 1 };
        fr.loops += 1;
        let earlier = env.take_dirty();
        for _ in 0..passes {
            let mut inner = env.fork();
            self.stmt(body, &mut inner, fr);
            after(self, &mut inner, fr);
            *env = join_env(std::mem::take(env), inner);
        }
        env.restore_dirty(earlier);
        fr.loops -= 1;
    }

    fn if_stmt(&mut self, node: Node<'_>, env: &mut Env, fr: &mut Frame) -> bool {
        let Some(cond) = field(node, F::Condition) else {
            return false;
        };
        self.expr(cond, env, fr);
        let marks = self.guard_marks(cond, env);
        let negated = self
            .text(cond)
            .trim_start_matches('(')
            .trim_start()
            .starts_with('!');
        let earlier = env.take_dirty();
        let mut then_env = env.fork();
        if !negated {
            self.apply_marks(&mut then_env, &marks);
        }
        let then_exits =
            field(node, F::Consequence).is_some_and(|c| self.stmt(c, &mut then_env, fr));
        let mut else_env = std::mem::take(env);
        let else_exits =
            field(node, F::Alternative).is_some_and(|a| self.stmt(a, &mut else_env, fr));
        *env = match (then_exits, else_exits) {
            (true, true) => {
                *env = else_env;
                env.restore_dirty(earlier);
                return true;
            }
            (true, false) => {
                // `if (!inside(p)) throw ...`: what follows runs only when the check passed.
                self.apply_marks(&mut else_env, &marks);
                else_env
            }
            (false, true) => then_env,
            (false, false) => join_env(then_env, else_env),
        };
        env.restore_dirty(earlier);
        false
    }

    /// What a condition vouches for: `(variable, mark)` pairs.
    fn guard_marks(&self, cond: Node<'_>, env: &Env) -> Vec<(String, &'static str)> {
        let mut out = Vec::new();
        let mut stack = vec![cond];
        let mut budget = 256;
        let mut followed = 0;
        while let Some(node) = stack.pop() {
            budget -= 1;
            if budget == 0 {
                break;
            }
            match kind_of(node) {
                "call_expression" => self.guard_call(node, env, &mut out),
                // `const ok = dirs.some((d) => p.startsWith(d)); if (!ok) throw`: the check is
                // where the flag was computed.
                "identifier" if followed < 4 => {
                    if let Some((start, end)) = env.get(self.text(node)).and_then(|v| v.init)
                        && let Some(init) = self.root.descendant_for_byte_range(start, end)
                    {
                        followed += 1;
                        stack.push(init);
                    }
                }
                "binary_expression" => {
                    let op = field(node, F::Operator).map(|o| self.text(o));
                    // `if (stats.size > MAX) throw`: the value it was measured from is bounded.
                    if matches!(op, Some(">" | ">=" | "<" | "<=")) {
                        for side in [field(node, F::Left), field(node, F::Right)]
                            .into_iter()
                            .flatten()
                        {
                            self.vars_in(side, env, BOUNDED, &mut out);
                        }
                    }
                    if matches!(op, Some("===" | "!==" | "==" | "!=")) {
                        let (l, r) = (field(node, F::Left), field(node, F::Right));
                        for (a, b) in [(l, r), (r, l)] {
                            if let (Some(a), Some(b)) = (a, b)
                                && string_value(b, self.src).is_some()
                            {
                                self.vars_in(a, env, ALLOWLIST, &mut out);
                            }
                        }
                    }
                }
                _ => {}
            }
            let mut cursor = node.walk();
            stack.extend(node.named_children(&mut cursor));
        }
        out
    }

    fn guard_call(&self, call: Node<'_>, env: &Env, out: &mut Vec<(String, &'static str)>) {
        let Some(function) = field(call, F::Function) else {
            return;
        };
        let args = field(call, F::Arguments)
            .map(named_children)
            .unwrap_or_default();
        let first = args.first().copied();
        if kind_of(function) == "identifier" {
            // `if (!isPathAllowed(p, dirs)) throw`: a local check by its name.
            let name = self.text(function).to_ascii_lowercase();
            let checks = [
                "allow", "valid", "safe", "within", "inside", "contain", "permit",
            ];
            if checks.iter().any(|c| name.contains(c)) {
                for a in &args {
                    self.vars_in(*a, env, PATH_CONTAINMENT, out);
                    self.vars_in(*a, env, ALLOWLIST, out);
                }
            }
            return;
        }
        if kind_of(function) != "member_expression" {
            return;
        }
        let (Some(object), Some(prop)) = (field(function, F::Object), field(function, F::Property))
        else {
            return;
        };
        match self.text(prop) {
            "startsWith" => {
                let dash = first.and_then(|f| string_value(f, self.src)) == Some("-");
                let mark = if dash { OPTION_CHECK } else { PATH_CONTAINMENT };
                self.vars_in(object, env, mark, out);
            }
            "isAbsolute" => {
                if let Some(f) = first {
                    self.vars_in(f, env, PATH_CONTAINMENT, out);
                }
            }
            "includes" | "has" | "indexOf" | "test" => {
                if let Some(f) = first {
                    self.vars_in(f, env, ALLOWLIST, out);
                }
            }
            "match" => self.vars_in(object, env, ALLOWLIST, out),
            _ => {}
        }
    }

    /// The variables an expression reads, each with `mark`.
    fn vars_in(
        &self,
        node: Node<'_>,
        env: &Env,
        mark: &'static str,
        out: &mut Vec<(String, &'static str)>,
    ) {
        for id in pattern_identifiers(node) {
            let name = self.text(id);
            if env.contains_key(name) {
                out.push((name.to_string(), mark));
            }
        }
    }

    fn apply_marks(&self, env: &mut Env, marks: &[(String, &'static str)]) {
        for (name, m) in marks {
            let mut pending = vec![(name.clone(), 0usize)];
            while let Some((n, depth)) = pending.pop() {
                let Some(var) = env.get_mut(&n) else { continue };
                var.flow = mark(std::mem::take(&mut var.flow), m);
                if depth < 4 {
                    pending.extend(var.derived.iter().map(|d| (d.clone(), depth + 1)));
                }
            }
        }
    }

    fn declarator(&mut self, node: Node<'_>, env: &mut Env, fr: &mut Frame) {
        let Some(name) = field(node, F::Name) else {
            return;
        };
        let Some(value) = field(node, F::Value) else {
            for id in pattern_identifiers(name) {
                env.insert(
                    self.text(id).to_string(),
                    Var {
                        flow: Flow::Constant,
                        ..Var::default()
                    },
                );
            }
            return;
        };
        let alias = self.module.alias_of(value, self.src).is_some();
        let flow = self.expr(value, env, fr);
        let schema = self.schema_of(value, env);
        let derived = pattern_identifiers(value)
            .into_iter()
            .map(|id| self.text(id))
            .filter(|n| env.contains_key(n))
            .take(8)
            .map(str::to_string)
            .collect();
        self.bind_value(name, flow, schema, derived, alias, env);
        if kind_of(name) == "identifier"
            && let Some(var) = env.get_mut(self.text(name))
        {
            var.init = Some((value.start_byte(), value.end_byte()));
        }
    }

    /// The schema constraining the object `value` evaluates to: a tool's arguments, or
    /// `Schema.parse(x)` of a named zod schema.
    fn schema_of(&self, value: Node<'_>, env: &Env) -> Option<Rc<Schema>> {
        let value = unwrap(value);
        match kind_of(value) {
            "identifier" => env.get(self.text(value)).and_then(|v| v.schema.clone()),
            "call_expression" => {
                let f = field(value, F::Function)?;
                let method = self.text(field(f, F::Property)?);
                if !matches!(method, "parse" | "parseAsync") {
                    return None;
                }
                self.module
                    .schemas
                    .get(self.text(field(f, F::Object)?))
                    .cloned()
            }
            _ => None,
        }
    }

    fn bind_value(
        &self,
        pattern: Node<'_>,
        flow: Flow,
        schema: Option<Rc<Schema>>,
        derived: Vec<String>,
        alias: bool,
        env: &mut Env,
    ) {
        let named = |flow: Flow, name: &str| flow.map_taints(|t| t.via = Some(name.to_string()));
        for (bound, local) in bindings(pattern, self.src) {
            let var = match bound {
                Bound::Whole => Var {
                    flow: named(flow.clone(), local),
                    schema: schema.clone(),
                    derived: derived.clone(),
                    alias,
                    init: None,
                },
                Bound::Property(key) => {
                    let f = match schema.as_ref().and_then(|s| s.get(key)) {
                        Some(PropKind::Fixed) => harmless(&flow),
                        Some(PropKind::Numeric) => mark(flow.clone(), NUMERIC),
                        None => flow.clone(),
                    };
                    Var {
                        flow: named(f, local),
                        derived: derived.clone(),
                        alias,
                        ..Var::default()
                    }
                }
                Bound::Rest => Var {
                    flow: flow.clone(),
                    schema: schema.clone(),
                    ..Var::default()
                },
                Bound::Element => Var {
                    flow: named(flow.clone(), local),
                    derived: derived.clone(),
                    ..Var::default()
                },
            };
            env.insert(local.to_string(), var);
        }
    }

    /// A value the function returns: joined into its summary, and in an entry point checked
    /// by the rules on what tools give back to the model.
    fn returned(&mut self, value: Node<'_>, env: &mut Env, fr: &mut Frame) {
        let flow = self.expr(value, env, fr);
        if fr.callback > 0 {
            return;
        }
        if matches!(fr.kind, FnKind::Entry(_)) && self.rules.has_callee(self.lang, RETURN_CALLEE) {
            let site = CallSite {
                callee: RETURN_CALLEE.to_string(),
                display: "return value".to_string(),
                receiver: None,
                args: vec![Arg {
                    position: Some(0),
                    keyword: None,
                    value: ArgValue::Dynamic,
                    flow: flow.clone(),
                    text: capped(self.text(value)),
                    elements: Vec::new(),
                    made_by: None,
                }],
                keyword_splat: false,
                span: span(value),
            };
            self.match_site(&site, fr);
        }
        fr.returns = std::mem::take(&mut fr.returns).join(flow);
    }

    // ---- expressions ----

    fn expr(&mut self, node: Node<'_>, env: &mut Env, fr: &mut Frame) -> Flow {
        if fr.depth >= MAX_DEPTH || !self.step() {
            return Flow::Unknown;
        }
        fr.depth += 1;
        let flow = self.expr_inner(node, env, fr);
        fr.depth -= 1;
        flow
    }

    fn expr_inner(&mut self, node: Node<'_>, env: &mut Env, fr: &mut Frame) -> Flow {
        match kind_of(node) {
            "string" | "number" | "true" | "false" | "null" | "undefined" | "regex" | "comment"
            | "class" | "import" => Flow::Constant,
            "template_string" => {
                // `https://api.x.com/${id}` or `${BASE_URL}/items/${id}`: once the text has fixed
                // the host, what follows cannot move the request elsewhere.
                let mut flow = Flow::Constant;
                let mut prefix = String::new();
                let mut host_fixed = false;
                let mut leading_base = false;
                for (i, c) in named_children(node).into_iter().enumerate() {
                    if kind_of(c) == "template_substitution" {
                        let mut part = Flow::Constant;
                        for e in named_children(c) {
                            part = part.join(self.expr(e, env, fr));
                        }
                        leading_base = i == 0 && !part.is_tainted();
                        if host_fixed {
                            part = mark(part, FIXED_HOST);
                        }
                        flow = flow.join(part);
                    } else {
                        let t = self.text(c);
                        host_fixed |= leading_base && prefix.is_empty() && t.starts_with('/');
                        prefix.push_str(t);
                        host_fixed |= fixes_host(&prefix);
                        leading_base = false;
                    }
                }
                flow
            }
            "identifier" | "shorthand_property_identifier" => {
                let name = self.text(node);
                match env.get(name) {
                    Some(v) => v.flow.clone(),
                    None if self.module.constants.contains(name)
                        || self.module.aliases.contains_key(name)
                        || self.module.by_name.contains_key(name)
                        || name == "undefined" =>
                    {
                        Flow::Constant
                    }
                    None => Flow::Unknown,
                }
            }
            "member_expression" => {
                let Some(object) = field(node, F::Object) else {
                    return Flow::Unknown;
                };
                let prop = field(node, F::Property).map_or("", |p| self.text(p));
                let flow = self.expr(object, env, fr);
                if prop == "length" || prop == "size" {
                    return harmless(&flow);
                }
                let schema = (kind_of(object) == "identifier")
                    .then(|| env.get(self.text(object)).and_then(|v| v.schema.clone()))
                    .flatten();
                match schema.as_ref().and_then(|s| s.get(prop)) {
                    Some(PropKind::Fixed) => harmless(&flow),
                    Some(PropKind::Numeric) => mark(flow, NUMERIC),
                    None => flow,
                }
            }
            "subscript_expression" => {
                let flow = field(node, F::Object).map_or(Flow::Unknown, |o| self.expr(o, env, fr));
                if let Some(i) = field(node, F::Index) {
                    self.expr(i, env, fr);
                }
                flow
            }
            "call_expression" | "new_expression" => self.call(node, env, fr),
            "await_expression"
            | "parenthesized_expression"
            | "as_expression"
            | "non_null_expression"
            | "satisfies_expression"
            | "type_assertion"
            | "spread_element"
            | "template_substitution" => {
                let mut flow = Flow::Constant;
                for c in named_children(node) {
                    if !kind_of(c).ends_with("type") && !kind_of(c).starts_with("type_") {
                        flow = flow.join(self.expr(c, env, fr));
                    }
                }
                flow
            }
            "binary_expression" => {
                let l = field(node, F::Left).map_or(Flow::Constant, |l| self.expr(l, env, fr));
                let mut r = field(node, F::Right).map_or(Flow::Constant, |r| self.expr(r, env, fr));
                let op = field(node, F::Operator).map(|o| self.text(o));
                if op == Some("+")
                    && field(node, F::Left).is_some_and(|l| self.prefix_fixes_host(l, env))
                {
                    r = mark(r, FIXED_HOST);
                }
                match op {
                    Some("+" | "||" | "&&" | "??") => l.join(r),
                    _ => harmless(&l.join(r)),
                }
            }
            "unary_expression" | "update_expression" => {
                let f = field(node, F::Argument).map_or(Flow::Constant, |a| self.expr(a, env, fr));
                harmless(&f)
            }
            "ternary_expression" => {
                if let Some(c) = field(node, F::Condition) {
                    self.expr(c, env, fr);
                }
                let a =
                    field(node, F::Consequence).map_or(Flow::Constant, |c| self.expr(c, env, fr));
                let b =
                    field(node, F::Alternative).map_or(Flow::Constant, |c| self.expr(c, env, fr));
                a.join(b)
            }
            "assignment_expression" => {
                let flow = field(node, F::Right).map_or(Flow::Unknown, |r| self.expr(r, env, fr));
                if let Some(left) = field(node, F::Left) {
                    self.assign(left, flow.clone(), false, env, fr);
                }
                flow
            }
            "augmented_assignment_expression" => {
                let flow = field(node, F::Right).map_or(Flow::Unknown, |r| self.expr(r, env, fr));
                if let Some(left) = field(node, F::Left) {
                    self.assign(left, flow.clone(), true, env, fr);
                }
                flow
            }
            "object" => {
                let mut flow = Flow::Constant;
                for c in named_children(node) {
                    let f = match kind_of(c) {
                        "pair" => {
                            if let Some(k) =
                                field(c, F::Key).filter(|k| kind_of(k) == "computed_property_name")
                            {
                                self.expr(k, env, fr);
                            }
                            field(c, F::Value).map_or(Flow::Constant, |v| self.expr(v, env, fr))
                        }
                        "method_definition" => Flow::Constant,
                        _ => self.expr(c, env, fr),
                    };
                    flow = flow.join(f);
                }
                flow
            }
            "array" | "sequence_expression" | "computed_property_name" => {
                let mut flow = Flow::Constant;
                for c in named_children(node) {
                    flow = flow.join(self.expr(c, env, fr));
                }
                flow
            }
            _ if is_function(node) => {
                if !self.module.by_node.contains_key(&node.id()) {
                    self.callback(node, &[], env, fr);
                }
                Flow::Constant
            }
            _ => {
                let mut flow = Flow::Constant;
                for c in named_children(node) {
                    flow = flow.join(self.expr(c, env, fr));
                }
                if flow == Flow::Constant && node.named_child_count() == 0 {
                    Flow::Unknown
                } else {
                    flow
                }
            }
        }
    }

    fn assign(
        &mut self,
        left: Node<'_>,
        flow: Flow,
        augmented: bool,
        env: &mut Env,
        fr: &mut Frame,
    ) {
        match kind_of(left) {
            "identifier" => {
                let name = self.text(left);
                // `url += `?ref=${ref}`` after `url = `${BASE}/files``: the host stays.
                let flow = if augmented && self.var_fixes_host(name, env) {
                    mark(flow, FIXED_HOST)
                } else {
                    flow
                };
                let var = env.entry_or_default(name);
                let flow = flow.map_taints(|t| t.via = Some(name.to_string()));
                var.flow = if augmented {
                    std::mem::take(&mut var.flow).join(flow)
                } else {
                    flow
                };
            }
            "member_expression" | "subscript_expression" => {
                // `obj.x = tainted` taints `obj` (weakly: its other fields stay).
                if let Some(index) = field(left, F::Index) {
                    self.expr(index, env, fr);
                }
                let mut object = field(left, F::Object);
                while let Some(o) = object.filter(|o| kind_of(o) != "identifier") {
                    object = field(o, F::Object);
                }
                if let Some(o) = object
                    && let Some(var) = env.get_mut(self.text(o))
                {
                    var.flow = std::mem::take(&mut var.flow).join(flow);
                }
            }
            _ => {
                self.bind_value(left, flow, None, Vec::new(), false, env);
            }
        }
    }

    /// Walks a function passed as an argument, where it is passed: it sees the variables of
    /// the enclosing function, and its parameters get `param_flows` (the elements of the
    /// array it maps over, the value of the promise it continues).
    fn callback(&mut self, node: Node<'_>, param_flows: &[Flow], env: &Env, fr: &mut Frame) {
        let mut inner = env.fork();
        for (i, p) in parameters(node).into_iter().enumerate() {
            let flow = param_flows.get(i).cloned().unwrap_or(Flow::Unknown);
            if let Some(pattern) = param_pattern(p) {
                self.bind_value(pattern, flow, None, Vec::new(), false, &mut inner);
            }
        }
        fr.callback += 1;
        if let Some(body) = field(node, F::Body) {
            if kind_of(body) == "statement_block" {
                self.block(body, &mut inner, fr);
            } else {
                self.expr(body, &mut inner, fr);
            }
        }
        fr.callback -= 1;
    }

    /// The local function a callee names: `helper(...)`, `this.method(...)`.
    fn local_function(&self, function: Node<'_>, env: &Env) -> Option<usize> {
        match kind_of(function) {
            "identifier" => {
                let name = self.text(function);
                if env.contains_key(name) {
                    return None;
                }
                self.module.by_name.get(name).copied()
            }
            "member_expression" => {
                let object = field(function, F::Object)?;
                if kind_of(object) != "this" {
                    return None;
                }
                self.module
                    .methods
                    .get(self.text(field(function, F::Property)?))
                    .copied()
            }
            _ => None,
        }
    }

    /// The canonical name of a callee through imports, requires and globals.
    fn resolve(&self, node: Node<'_>, env: &Env) -> Option<String> {
        self.resolve_at(node, env, 0)
    }

    fn resolve_at(&self, node: Node<'_>, env: &Env, depth: usize) -> Option<String> {
        if depth > MAX_NAME_DEPTH {
            return None;
        }
        match kind_of(node) {
            "identifier" => {
                let name = self.text(node);
                if let Some(var) = env.get(name)
                    && !var.alias
                {
                    return None;
                }
                if let Some(alias) = self.module.aliases.get(name) {
                    return Some(alias.clone());
                }
                GLOBALS.contains(&name).then(|| name.to_string())
            }
            "member_expression" => {
                let object = field(node, F::Object)?;
                let prop = self.text(field(node, F::Property)?);
                if matches!(self.text(object), "globalThis" | "window" | "global") {
                    return GLOBALS.contains(&prop).then(|| prop.to_string());
                }
                let base = self.resolve_at(object, env, depth + 1)?;
                Some(normalize(format!("{base}.{prop}")))
            }
            "import" => Some("import".to_string()),
            "parenthesized_expression" | "non_null_expression" | "as_expression" => {
                self.resolve_at(*named_children(node).first()?, env, depth + 1)
            }
            "call_expression" => self.module.alias_of(node, self.src),
            _ => None,
        }
    }

    fn call(&mut self, node: Node<'_>, env: &mut Env, fr: &mut Frame) -> Flow {
        let is_new = kind_of(node) == "new_expression";
        let Some(function) = field(node, if is_new { F::Constructor } else { F::Function }) else {
            return Flow::Unknown;
        };
        let local = self.local_function(function, env);
        let canonical = match local {
            Some(_) => None,
            None => self.resolve(function, env),
        };
        // A method on an object that is not a module: `db.query(...)`, `list.map(...)`.
        let (method, receiver) = match (local, &canonical, kind_of(function)) {
            (None, None, "member_expression") => (
                field(function, F::Property).map(|p| self.text(p)),
                field(function, F::Object),
            ),
            _ => (None, None),
        };
        let receiver_flow = match receiver {
            Some(r) => self.expr(r, env, fr),
            None => {
                if canonical.is_none() && local.is_none() && kind_of(function) != "identifier" {
                    // `(await getClient()).query(...)`, an IIFE: walk the callee.
                    self.expr(function, env, fr);
                }
                Flow::Constant
            }
        };
        let arg_nodes = match field(node, F::Arguments) {
            Some(a) if kind_of(a) == "arguments" => named_children(a),
            // A tagged template: the template is the one argument.
            Some(a) => vec![a],
            None => Vec::new(),
        };
        let mut args: Vec<Arg> = Vec::with_capacity(arg_nodes.len());
        let mut keyword_splat = false;
        let mut callbacks = Vec::new();
        for (position, arg) in arg_nodes.iter().enumerate() {
            if is_function(*arg) && !self.module.by_node.contains_key(&arg.id()) {
                callbacks.push(*arg);
                args.push(self.arg(*arg, Some(position), Flow::Constant, env));
                continue;
            }
            if kind_of(arg) == "spread_element" {
                keyword_splat = true;
            }
            if kind_of(arg) == "object" {
                let (flow, keywords, splat) = self.object_arg(*arg, env, fr);
                keyword_splat |= splat;
                args.push(self.arg(*arg, Some(position), flow, env));
                args.extend(keywords);
                continue;
            }
            let flow = self.expr(*arg, env, fr);
            let mut a = self.arg(*arg, Some(position), flow, env);
            // An argv array, written in place or in a variable (`const args = ["log", ref]`).
            let array = match kind_of(arg) {
                "array" => Some(*arg),
                "identifier" => env
                    .get(self.text(*arg))
                    .and_then(|v| v.init)
                    .and_then(|(start, end)| self.root.descendant_for_byte_range(start, end))
                    .filter(|n| kind_of(*n) == "array"),
                _ => None,
            };
            if let Some(array) = array {
                a.elements = named_children(array)
                    .into_iter()
                    .map(|e| self.element(e, env, fr))
                    .collect();
            }
            args.push(a);
        }
        // An options object in a variable may carry any key.
        if arg_nodes.len() >= 2
            && arg_nodes.last().is_some_and(|a| {
                !matches!(
                    kind_of(a),
                    "object" | "string" | "number" | "true" | "false" | "template_string" | "array"
                ) && !is_function(*a)
            })
        {
            keyword_splat = true;
        }
        let args_flow = args
            .iter()
            .filter(|a| a.keyword.is_none())
            .fold(Flow::Constant, |acc, a| acc.join(a.flow.clone()));
        for cb in callbacks {
            let feeds = method.is_some_and(|m| CALLBACK_METHODS.contains(&m));
            let flows = if method == Some("reduce") {
                vec![Flow::Unknown, receiver_flow.clone()]
            } else if feeds {
                vec![receiver_flow.clone()]
            } else {
                Vec::new()
            };
            self.callback(cb, &flows, env, fr);
        }
        let site_span = span(node);
        if let Some(g) = local {
            return self.local_call(g, &args, fr);
        }
        if canonical.is_none()
            && let Some(target) = self.project_callee(function, env)
        {
            let from_entry = |f: &Flow| match f {
                Flow::Tainted(ts) => ts.iter().any(|t| matches!(t.origin.kind, FnKind::Entry(_))),
                _ => false,
            };
            let passed: Vec<(Option<usize>, Option<String>, Flow)> = args
                .iter()
                .filter(|a| a.keyword.is_none() && from_entry(&a.flow))
                .map(|a| (a.position, None, a.flow.clone()))
                .collect();
            if !passed.is_empty() {
                self.external_calls
                    .push(ExternalCall::from_args(target, &passed));
            }
        }
        // Sinks.
        let display = self.text(function);
        let key = match (&canonical, method) {
            (Some(c), _) => Some(c.clone()),
            (None, Some(m)) => Some(format!("*.{m}")),
            _ => None,
        };
        if let Some(key) = &key
            && self.rules.has_callee(self.lang, key)
        {
            let receiver_arg = receiver.map(|r| self.arg(r, None, receiver_flow.clone(), env));
            let site = CallSite {
                callee: key.clone(),
                display: display.to_string(),
                receiver: receiver_arg,
                args,
                keyword_splat,
                span: site_span,
            };
            self.match_site(&site, fr);
        }
        // The call's value.
        if let Some(c) = canonical {
            if CASTS.contains(&c.as_str()) {
                return harmless(&args_flow);
            }
            if self.rules.is_sanitizer(&c) {
                return mark(args_flow, &c);
            }
            if c == "require" || c == "import" || c.ends_with("promisify") {
                return Flow::Constant;
            }
            // A bare name is a builtin (`String`, `encodeURIComponent`) or a package's default
            // export (`axios`, `got`): only the latter computes something new.
            return if c.contains('.') || !GLOBALS.contains(&c.as_str()) {
                Flow::Unknown.join(args_flow)
            } else {
                args_flow
            };
        }
        if let Some(m) = method {
            if PREDICATES.contains(&m) {
                return harmless(&receiver_flow.join(args_flow));
            }
            let flow = receiver_flow.join(args_flow);
            if self.rules.is_method_sanitizer(m) {
                return mark(flow, &format!("*.{m}"));
            }
            return flow;
        }
        let flow = Flow::Unknown.join(args_flow);
        if kind_of(function) == "identifier" && is_validator_name(self.text(function)) {
            // `validatePath(p)` from another module of the project: its result is the checked
            // value. Local functions are judged by their summaries instead.
            return validated(flow);
        }
        flow
    }

    fn match_site(&mut self, site: &CallSite, fr: &mut Frame) {
        for (i, rule) in self.rules.for_callee(self.lang, &site.callee) {
            if let Some(hit) = match_rule(rule, site) {
                fr.hits.push(SinkHit {
                    rule: i,
                    callee: site.display.clone(),
                    span: site.span,
                    hit,
                });
            }
        }
    }

    /// A call of a function of this file: the sinks its parameters reach, with the caller's
    /// taints, and its return value.
    fn local_call(&mut self, g: usize, args: &[Arg], fr: &mut Frame) -> Flow {
        let Some(summary) = self.ensure_summary(g) else {
            return args
                .iter()
                .filter(|a| a.keyword.is_none())
                .fold(Flow::Unknown, |acc, a| acc.join(a.flow.clone()));
        };
        let helper = self
            .module
            .functions
            .get(g)
            .map_or_else(String::new, |f| f.name.to_string());
        let arg_flow = |param: usize| -> Flow {
            args.iter()
                .filter(|a| a.keyword.is_none() && a.position == Some(param))
                .fold(Flow::Constant, |acc, a| acc.join(a.flow.clone()))
        };
        for sink in &summary.sinks {
            let Flow::Tainted(ts) = arg_flow(sink.param) else {
                continue;
            };
            let Some(rule) = self.rules.rules().get(sink.rule) else {
                continue;
            };
            let flow = Flow::Tainted(ts).map_taints(|t| {
                for s in &sink.sanitizers {
                    if !t.sanitizers.contains(s) {
                        t.sanitizers.push(s.clone());
                    }
                }
                t.pass_through(std::iter::once(&helper).chain(&sink.through));
                if sink.via.is_some() {
                    t.via = sink.via.clone();
                }
            });
            let flow = match rule.call() {
                Some(call) => without_sanitized(flow, call),
                None => flow,
            };
            if flow.is_tainted() {
                fr.hits.push(SinkHit {
                    rule: sink.rule,
                    callee: sink.callee.clone(),
                    span: sink.span,
                    hit: Hit::Value(flow),
                });
            }
        }
        let mut flow = summary.returns_base.clone();
        for (param, sanitizers) in &summary.returns {
            let f = arg_flow(*param).map_taints(|t| {
                for s in sanitizers {
                    if !t.sanitizers.contains(s) {
                        t.sanitizers.push(s.clone());
                    }
                }
                t.pass_through([&helper]);
            });
            flow = flow.join(f);
        }
        flow
    }

    fn object_arg(
        &mut self,
        node: Node<'_>,
        env: &mut Env,
        fr: &mut Frame,
    ) -> (Flow, Vec<Arg>, bool) {
        let mut flow = Flow::Constant;
        let mut keywords = Vec::new();
        let mut splat = false;
        for c in named_children(node) {
            match kind_of(c) {
                "pair" => {
                    let Some(key) = field(c, F::Key) else {
                        continue;
                    };
                    let Some(value) = field(c, F::Value) else {
                        continue;
                    };
                    let f = self.expr(value, env, fr);
                    flow = flow.join(f.clone());
                    let mut a = self.arg(value, None, f, env);
                    a.keyword = Some(self.text(key).trim_matches(['"', '\'']).to_string());
                    keywords.push(a);
                }
                "shorthand_property_identifier" => {
                    let f = self.expr(c, env, fr);
                    flow = flow.join(f.clone());
                    let mut a = self.arg(c, None, f, env);
                    a.keyword = Some(self.text(c).to_string());
                    keywords.push(a);
                }
                "spread_element" => {
                    splat = true;
                    flow = flow.join(self.expr(c, env, fr));
                }
                _ => {}
            }
        }
        (flow, keywords, splat)
    }

    fn arg(&self, node: Node<'_>, position: Option<usize>, flow: Flow, env: &Env) -> Arg {
        let t = self.text(node);
        // A variable reads as what it was assigned: `dir = base.endsWith("/") ? base : base + "/"`.
        let init = (kind_of(node) == "identifier")
            .then(|| env.get(t).and_then(|v| v.init))
            .flatten()
            .and_then(|(start, end)| self.src.get(start..end));
        let text = match init {
            Some(init) => capped(&format!("{t} = {init}")),
            None => capped(t),
        };
        Arg {
            position,
            keyword: None,
            value: self.value_of(node),
            flow,
            text,
            elements: Vec::new(),
            made_by: None,
        }
    }

    fn value_of(&self, node: Node<'_>) -> ArgValue {
        let node = unwrap(node);
        let t = self.text(node);
        match kind_of(node) {
            "true" => ArgValue::Constant {
                truthy: true,
                text: t.into(),
            },
            "false" | "null" | "undefined" => ArgValue::Constant {
                truthy: false,
                text: t.into(),
            },
            "number" => ArgValue::Constant {
                truthy: t
                    .trim_start_matches(['0', '.', 'x', 'X'])
                    .chars()
                    .any(|c| c != '0'),
                text: t.into(),
            },
            "string" | "template_string" if !has_substitution(node) => ArgValue::Constant {
                truthy: t.len() > 2,
                text: t.into(),
            },
            "identifier" | "member_expression" => ArgValue::Name(t.to_string()),
            _ => ArgValue::Dynamic,
        }
    }

    fn element(&mut self, node: Node<'_>, env: &mut Env, fr: &mut Frame) -> Element {
        let flow = self.expr(node, env, fr);
        let constant = string_value(node, self.src).map(str::to_string);
        let t = self.text(node);
        let dash_prefixed = match kind_of(node) {
            "template_string" => t.get(1..).is_some_and(|s| s.starts_with('-')),
            "binary_expression" => field(node, F::Left)
                .and_then(|l| string_value(l, self.src))
                .is_some_and(|s| s.starts_with('-')),
            _ => false,
        };
        Element {
            constant,
            dash_prefixed,
            flow,
        }
    }
}

/// How much a hit matters to grading: a taint from an entry point beats one from a public
/// function's parameter, and so on down to a structural match.
fn hit_rank(hit: &Hit) -> u8 {
    match hit {
        Hit::Structural => 1,
        Hit::Value(Flow::Constant | Flow::Safe) => 0,
        Hit::Value(Flow::Unknown) => 2,
        Hit::Value(Flow::Tainted(ts)) => ts
            .iter()
            .map(|t| match t.origin.kind {
                FnKind::Entry(_) => 6,
                FnKind::Public => 5,
                FnKind::Private => 4,
            })
            .max()
            .unwrap_or(3),
    }
}

/// One hit per (rule, sink, own origin): a function that calls a helper ten times reaches the
/// helper's sinks ten times, and without this, summaries multiply along call chains.
fn dedup_hits(hits: &mut Vec<SinkHit>) {
    let mut best: FxHashMap<(usize, usize, usize, Option<*const u8>), usize> = FxHashMap::default();
    let mut keep: Vec<SinkHit> = Vec::with_capacity(hits.len());
    for hit in hits.drain(..) {
        let origin = match &hit.hit {
            Hit::Value(Flow::Tainted(ts)) => ts
                .first()
                .map(|t| Rc::as_ptr(&t.origin.function) as *const u8),
            _ => None,
        };
        let key = (
            hit.rule,
            hit.span.start_row,
            hit.span.start_byte_col,
            origin,
        );
        match best.get(&key) {
            Some(&i) => {
                if let Some(existing) = keep.get_mut(i)
                    && hit_rank(&hit.hit) > hit_rank(&existing.hit)
                {
                    *existing = hit;
                }
            }
            None => {
                best.insert(key, keep.len());
                keep.push(hit);
            }
        }
    }
    *hits = keep;
}

/// What callers need to know of a walked function.
fn summarize(frame: &Frame, own: &Rc<str>) -> Summary {
    let mine = |t: &Taint| Rc::ptr_eq(&t.origin.function, own);
    let mut summary = Summary::default();
    for hit in &frame.hits {
        let Hit::Value(Flow::Tainted(ts)) = &hit.hit else {
            continue;
        };
        for t in ts.iter().filter(|t| mine(t)) {
            summary.sinks.push(SummarySink {
                param: t.origin.index,
                rule: hit.rule,
                callee: hit.callee.clone(),
                span: hit.span,
                via: t.via.clone(),
                sanitizers: t.sanitizers.clone(),
                through: t.through.clone(),
            });
        }
    }
    match &frame.returns {
        Flow::Tainted(ts) => {
            for t in ts.iter().filter(|t| mine(t)) {
                summary.returns.push((t.origin.index, t.sanitizers.clone()));
            }
            summary.returns_base = Flow::Constant;
        }
        other => summary.returns_base = other.clone(),
    }
    summary
}

/// `https://host/...`: the text fixes the scheme and host of a URL.
fn fixes_host(text: &str) -> bool {
    text.find("://").is_some_and(|i| {
        text.get(i + 3..)
            .and_then(|rest| rest.find(['/', '?', '#']))
            .is_some_and(|j| j > 0)
    })
}

fn unwrap(node: Node<'_>) -> Node<'_> {
    let mut node = node;
    while matches!(
        kind_of(node),
        "await_expression"
            | "parenthesized_expression"
            | "as_expression"
            | "non_null_expression"
            | "satisfies_expression"
    ) {
        let mut cursor = node.walk();
        let first = node.named_children(&mut cursor).next();
        match first {
            Some(n) => node = n,
            None => break,
        }
    }
    node
}

fn capped(text: &str) -> String {
    if text.len() <= MAX_ARG_TEXT {
        return text.to_string();
    }
    let mut end = MAX_ARG_TEXT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or("").to_string()
}
