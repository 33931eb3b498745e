//! Who may call (issue 26): checks on how a server makes and checks its secrets, read from
//! the IR of each function with its names resolved. They follow values only inside one
//! function (what a variable was made with), so they are structural rules: a finding names
//! the call or the statement, not a tool parameter.
//!
//! - `weak-token`: a value stored under a secret's name (`token = ...`, `self.session_id`,
//!   `{"nonce": ...}`, `return` of `generate_token`) made with a guessable generator.
//! - `fail-open`: an auth function or middleware whose `except`/`catch`, or whose test for a
//!   missing secret, lets the call through.
//! - `secret-compare`: two computed values compared with `==`, one named like a secret.
//! - `oauth-state`: an OAuth redirect handler that takes the `code` from the query and never
//!   reads a `state`.
//! - `session-binding`: a session found by the id the client sent, in a file that knows who
//!   each caller is, by a handler that never names the caller.

use super::conditions::SourceText;
use super::resolve::Names;
use crate::analyze::Span;
use crate::analyze::ir::walk::{each_expr, stmt_exprs, walk_stmts};
use crate::analyze::ir::{Expr, ExprKind, Function, Module, Stmt, Target, TemplatePart};
use crate::rules::{AuthPatterns, checks::AuthCheck};
use std::collections::{BTreeSet, HashMap};

/// One `auth` rule as the engine runs it.
#[derive(Clone, Debug)]
pub struct AuthRule {
    pub rule: String,
    pub check: AuthCheck,
    pub patterns: AuthPatterns,
    pub callees: Vec<String>,
    pub strong: Vec<String>,
}

/// What a check found: where, what to call it in the message, and why.
#[derive(Debug)]
pub(super) struct Hit {
    pub rule: String,
    pub function: usize,
    pub at: Span,
    pub shown: String,
    pub detail: String,
    /// Graded one level lower than the rule: auth a deployment turns off by leaving the
    /// server's own key unset, not a check any caller can get past.
    pub lower: bool,
}

/// How many rounds "what a variable was made with" is propagated through a function's
/// assignments (`a = random.random(); b = str(a); token = b + x` needs two).
const ROUNDS: usize = 4;

/// How a fail-open finding on the server's own unset key starts its detail.
const UNSET: &str = "when the server's";

/// Longest source text shown in a message.
const MAX_SHOWN: usize = 60;

pub(super) fn check(
    module: &Module,
    names: &Names,
    source: &SourceText<'_>,
    rules: &[AuthRule],
) -> Vec<Hit> {
    let mut hits = Vec::new();
    let mut seen = BTreeSet::new();
    for rule in rules {
        // Read the whole file only once a handler looks a session up.
        let knows_callers = std::cell::OnceCell::new();
        let knows_callers = || {
            *knows_callers.get_or_init(|| {
                rule.patterns
                    .authenticated
                    .as_ref()
                    .is_some_and(|r| r.is_match(source.all()))
            })
        };
        for (id, function) in module.functions.iter().enumerate() {
            let found = match rule.check {
                AuthCheck::WeakToken => weak_tokens(rule, names, module, function),
                AuthCheck::FailOpen if id != 0 => fail_open(rule, module, function),
                AuthCheck::FailOpen => Vec::new(),
                AuthCheck::SecretCompare => secret_compares(rule, source, function),
                AuthCheck::OauthState if id != 0 => unchecked_state(rule, source, function),
                AuthCheck::OauthState => Vec::new(),
                AuthCheck::SessionBinding if id != 0 => {
                    unbound_sessions(rule, source, function, &knows_callers)
                }
                AuthCheck::SessionBinding => Vec::new(),
            };
            for (at, shown, detail) in found {
                if seen.insert((rule.rule.clone(), at)) {
                    let lower = detail.starts_with(UNSET);
                    hits.push(Hit {
                        rule: rule.rule.clone(),
                        function: id,
                        at,
                        shown,
                        detail,
                        lower,
                    });
                }
            }
        }
    }
    hits
}

type Found = Vec<(Span, String, String)>;

// ---- weak-token ----------------------------------------------------------------------------

fn weak_tokens(rule: &AuthRule, names: &Names, module: &Module, function: &Function) -> Found {
    let made = MadeWith::of(rule, names, function);
    // A generator passed where a secret goes (`sessionIdGenerator: () => ...`): what the
    // function returns is the secret.
    let weak = |key: &str, value: &Expr| match &value.kind {
        ExprKind::Function(id) if rule.patterns.is_maker(key) => module
            .functions
            .get(*id)
            .and_then(|f| returned_weak(rule, names, f)),
        ExprKind::Function(_) => None,
        _ => made.weak(value),
    };
    let mut found: Found = Vec::new();
    // Secrets a later one is made from (`token_data` in `token = md5(token_data)`): the
    // finding is the last one.
    let mut stored: Vec<(&str, Span)> = Vec::new();
    let mut feeds: BTreeSet<&str> = BTreeSet::new();
    walk_stmts(&function.body, &mut |stmt| {
        match stmt {
            Stmt::Assign {
                targets,
                value,
                span,
                ..
            } => {
                let secret = targets
                    .iter()
                    .filter_map(target_name)
                    .find(|n| rule.patterns.is_secret(n));
                if let (Some(name), Some(generator)) = (secret, made.weak(value)) {
                    found.push((
                        *span,
                        generator.clone(),
                        format!("`{name}` is made with it"),
                    ));
                    stored.push((name, *span));
                    each_expr(value, &mut |e| {
                        if let ExprKind::Name(n) = &e.kind {
                            feeds.insert(n.as_str());
                        }
                    });
                }
            }
            Stmt::Return(Some(value), span) if rule.patterns.is_maker(&function.name) => {
                if let Some(generator) = made.weak(value) {
                    found.push((
                        *span,
                        generator,
                        format!("`{}()` returns what it makes", function.name),
                    ));
                }
            }
            _ => {}
        }
        stmt_exprs(stmt, &mut |e| match &e.kind {
            ExprKind::Dict(pairs) => {
                for (key, value) in pairs {
                    let Some(ExprKind::Str(k)) = key.as_ref().map(|k| &k.kind) else {
                        continue;
                    };
                    if rule.patterns.is_secret(k)
                        && let Some(generator) = weak(k, value)
                    {
                        found.push((value.span, generator, format!("`{k}` is made with it")));
                    }
                }
            }
            ExprKind::Call { args, .. } => {
                for arg in args {
                    let Some(k) = &arg.keyword else { continue };
                    if rule.patterns.is_secret(k)
                        && let Some(generator) = weak(k, &arg.value)
                    {
                        found.push((arg.value.span, generator, format!("`{k}` is made with it")));
                    }
                }
            }
            _ => {}
        });
    });
    let fed: BTreeSet<Span> = stored
        .iter()
        .filter(|(name, _)| feeds.contains(name))
        .map(|(_, at)| *at)
        .collect();
    found.retain(|(at, _, _)| !fed.contains(at));
    found
}

/// The guessable generator what `function` returns is made with.
fn returned_weak(rule: &AuthRule, names: &Names, function: &Function) -> Option<String> {
    let made = MadeWith::of(rule, names, function);
    let mut found = None;
    walk_stmts(&function.body, &mut |stmt| {
        if let (None, Stmt::Return(Some(value), _)) = (&found, stmt) {
            found = made.weak(value);
        }
    });
    found
}

/// Which guessable generator each variable of a function was made with.
struct MadeWith<'a> {
    rule: &'a AuthRule,
    names: &'a Names,
    vars: HashMap<&'a str, String>,
    strong: BTreeSet<&'a str>,
}

impl<'a> MadeWith<'a> {
    fn of(rule: &'a AuthRule, names: &'a Names, function: &'a Function) -> MadeWith<'a> {
        let mut made = MadeWith {
            rule,
            names,
            vars: HashMap::new(),
            strong: BTreeSet::new(),
        };
        for _ in 0..ROUNDS {
            let before = (made.vars.len(), made.strong.len());
            walk_stmts(&function.body, &mut |stmt| {
                let Stmt::Assign { targets, value, .. } = stmt else {
                    return;
                };
                let (weak, strong) = made.generators(value);
                for target in targets {
                    if let Target::Name(n, _) = target {
                        if strong {
                            made.strong.insert(n.as_str());
                        } else if let Some(g) = &weak {
                            made.vars.insert(n.as_str(), g.clone());
                        }
                    }
                }
            });
            if (made.vars.len(), made.strong.len()) == before {
                break;
            }
        }
        made
    }

    /// The guessable generator `value` is made with, unless an unguessable one goes in too.
    fn weak(&self, value: &Expr) -> Option<String> {
        match self.generators(value) {
            (Some(g), false) => Some(g),
            _ => None,
        }
    }

    fn generators(&self, value: &Expr) -> (Option<String>, bool) {
        let mut weak = None;
        let mut strong = false;
        each_expr(value, &mut |e| match &e.kind {
            ExprKind::Call { callee, args, .. } => {
                let Some(name) = self.names.canonical(callee) else {
                    return;
                };
                if self.rule.strong.iter().any(|s| named(s, &name)) {
                    strong = true;
                } else if weak.is_none()
                    && self.rule.callees.iter().any(|c| named(c, &name))
                    && !picks_from_a_list(self.names, &name, args)
                {
                    weak = Some(name);
                }
            }
            ExprKind::Name(n) if self.vars.contains_key(n.as_str()) => {
                weak = weak.take().or_else(|| self.vars.get(n.as_str()).cloned());
            }
            // A key or another secret goes in (`jwt.encode(claims, self.signing_key)`): the
            // clock in the claims does not make the result guessable.
            ExprKind::Name(n) if self.strong.contains(n.as_str()) => strong = true,
            ExprKind::Name(_) | ExprKind::Attr(..) => {
                strong |= last_name(e).is_some_and(|n| self.rule.patterns.is_secret(n));
            }
            _ => {}
        });
        (weak, strong)
    }
}

/// `random.choice(keys)` picks one of the server's own keys; drawing from an alphabet
/// (`random.choice(string.ascii_letters)`, `random.choices(CHARS, k=32)`) makes a secret.
fn picks_from_a_list(names: &Names, name: &str, args: &[crate::analyze::ir::Arg]) -> bool {
    let draws = matches!(
        name.rsplit('.').next(),
        Some("choice" | "choices" | "sample")
    );
    draws && !args.first().is_some_and(|a| alphabet(names, &a.value))
}

fn alphabet(names: &Names, e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Str(_) => true,
        ExprKind::Binary(op, a, b) if op == "+" => alphabet(names, a) || alphabet(names, b),
        ExprKind::Name(_) | ExprKind::Attr(..) => {
            let library = names.canonical(e).is_some_and(|c| c.starts_with("string."));
            let named = last_name(e).is_some_and(|n| {
                let snake = crate::rules::snake_case(n);
                n.chars().all(|c| !c.is_lowercase())
                    || [
                        "char",
                        "alphabet",
                        "letter",
                        "digit",
                        "symbol",
                        "punctuation",
                    ]
                    .iter()
                    .any(|w| snake.contains(w))
            });
            library || named
        }
        _ => false,
    }
}

/// `name` is `pattern`, or inside the module `pattern` names with a trailing `.*`.
fn named(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix(".*") {
        Some(module) => name
            .strip_prefix(module)
            .is_some_and(|rest| rest.starts_with('.')),
        None => pattern == name,
    }
}

// ---- fail-open -----------------------------------------------------------------------------

fn fail_open(rule: &AuthRule, module: &Module, function: &Function) -> Found {
    let next: Vec<&str> = function
        .params
        .iter()
        .map(|p| p.name.as_str())
        .filter(|n| *n == "next" || *n == "call_next")
        .collect();
    let middleware = !next.is_empty()
        && (reads_a_secret(&rule.patterns, function)
            || names_an_allowlist(&rule.patterns, function));
    if !middleware && !rule.patterns.is_auth_function(&function.name) {
        return Vec::new();
    }
    let gate = Gate {
        patterns: &rule.patterns,
        next: &next,
        module,
        function,
    };
    let mut found = Vec::new();
    // An arrow function a factory returns is shown by where it is written.
    let shown = if function.name.starts_with('<') {
        &function.qualified
    } else {
        &function.name
    };
    gate.block(&function.body, shown, &mut found);
    found
}

/// How one auth function or middleware lets a call through.
struct Gate<'a> {
    patterns: &'a AuthPatterns,
    /// Its `next` / `call_next` parameters.
    next: &'a [&'a str],
    module: &'a Module,
    function: &'a Function,
}

impl<'a> Gate<'a> {
    fn block(&self, body: &[Stmt], function: &str, found: &mut Found) {
        for (i, stmt) in body.iter().enumerate() {
            match stmt {
                Stmt::Try {
                    body: tried,
                    handlers,
                    finally,
                    ..
                } => {
                    for handler in handlers {
                        if let Some(at) = self.allows(&handler.body) {
                            found.push((
                                at,
                                function.to_string(),
                                "its error handler lets the call through".to_string(),
                            ));
                        } else if !self.stops(&handler.body)
                            && let Some(at) = body.get(i + 1).and_then(|s| self.allow(s))
                        {
                            found.push((
                                at,
                                function.to_string(),
                                "after an error it falls through to letting the call in"
                                    .to_string(),
                            ));
                        }
                        self.block(&handler.body, function, found);
                    }
                    self.block(tried, function, found);
                    self.block(finally, function, found);
                }
                Stmt::If {
                    cond,
                    then,
                    otherwise,
                    ..
                } => {
                    if let Some((secret, tested)) = self.missing(cond)
                        && let Some(at) = self.allows(then)
                    {
                        let detail = if self.configured(tested) {
                            format!("{UNSET} `{secret}` is not set it lets every call through")
                        } else {
                            format!("when `{secret}` is missing it lets the call through")
                        };
                        found.push((at, function.to_string(), detail));
                    } else if let Some(list) = self.empty_allowlist(cond)
                        && let Some(at) = self.allows(then)
                    {
                        found.push((
                            at,
                            function.to_string(),
                            format!("{UNSET} `{list}` is empty it lets every call through"),
                        ));
                    }
                    self.block(then, function, found);
                    self.block(otherwise, function, found);
                }
                Stmt::Loop {
                    body, otherwise, ..
                } => {
                    self.block(body, function, found);
                    self.block(otherwise, function, found);
                }
                Stmt::With { body, .. } => self.block(body, function, found),
                Stmt::Switch { cases, .. } => {
                    for (_, body) in cases {
                        self.block(body, function, found);
                    }
                }
                Stmt::Assign { .. }
                | Stmt::Expr(_)
                | Stmt::Return(..)
                | Stmt::Raise(..)
                | Stmt::Def { .. } => {}
            }
        }
    }

    /// The first statement of `body` (not nested) that lets the call through.
    fn allows(&self, body: &[Stmt]) -> Option<Span> {
        body.iter().find_map(|s| self.allow(s))
    }

    /// `return True`, `return next()`, `next()`, `return await call_next(request)`.
    fn allow(&self, stmt: &Stmt) -> Option<Span> {
        match stmt {
            Stmt::Return(Some(e), span) if matches!(e.kind, ExprKind::Bool(true)) => Some(*span),
            Stmt::Return(Some(e), span) if self.is_next(e) => Some(*span),
            Stmt::Expr(e) if self.is_next(e) => Some(e.span),
            _ => None,
        }
    }

    /// A call of the middleware's `next` with no error, or of `call_next`.
    fn is_next(&self, e: &Expr) -> bool {
        match &e.kind {
            ExprKind::Await(inner) => self.is_next(inner),
            ExprKind::Call { callee, args, .. } => match &callee.kind {
                ExprKind::Name(n) if self.next.contains(&n.as_str()) => {
                    n == "call_next" || args.is_empty()
                }
                _ => false,
            },
            _ => false,
        }
    }

    /// Whether a handler ends the request: it returns, raises, or answers (`res.status(401)`).
    fn stops(&self, body: &[Stmt]) -> bool {
        let mut stops = false;
        walk_stmts(body, &mut |stmt| match stmt {
            Stmt::Return(..) | Stmt::Raise(..) => stops = true,
            _ => stmt_exprs(stmt, &mut |e| {
                if let ExprKind::Call { callee, args, .. } = &e.kind {
                    let answers = matches!(&callee.kind, ExprKind::Attr(_, m)
                        if ANSWERS.contains(&m.as_str()));
                    let error = matches!(&callee.kind, ExprKind::Name(n)
                        if self.next.contains(&n.as_str()))
                        && !args.is_empty();
                    stops |= answers || error;
                }
            }),
        });
        stops
    }

    /// The secret a condition tests for being missing, and its expression: `not token`,
    /// `!apiKey`, `token is None`, `header === undefined`, `key == ""`, either side of `or`.
    fn missing<'e>(&self, cond: &'e Expr) -> Option<(String, &'e Expr)> {
        // `expected = process.env.MCP_TOKEN` holds a secret under another name.
        let named = |e: &'e Expr| {
            secret_name(self.patterns, e)
                .or_else(|| {
                    let ExprKind::Name(name) = &e.kind else {
                        return None;
                    };
                    self.assigned(name)
                        .into_iter()
                        .find_map(|v| secret_name(self.patterns, v))
                        .map(|_| name.clone())
                })
                .map(|n| (n, e))
        };
        match &cond.kind {
            ExprKind::Unary(op, inner) if op == "not" || op == "!" => named(inner),
            ExprKind::Binary(op, a, b) if op == "or" || op == "||" => {
                self.missing(a).or_else(|| self.missing(b))
            }
            ExprKind::Compare(pairs, first) => {
                let [(op, other)] = pairs.as_slice() else {
                    return None;
                };
                if !matches!(op.as_str(), "==" | "===" | "is") {
                    return None;
                }
                let empty = |e: &Expr| match &e.kind {
                    ExprKind::Null => true,
                    ExprKind::Str(s) => s.is_empty(),
                    ExprKind::Name(n) => n == "undefined" || n == "None",
                    _ => false,
                };
                if empty(other) {
                    named(first)
                } else if empty(first) {
                    named(other)
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    /// The server's allowlist a condition tests for being empty: `not ALLOWED_USERS`,
    /// `!allowedOrigins.length`, `len(ALLOWED) == 0`, `allowed.size === 0`, either side of `or`.
    fn empty_allowlist(&self, cond: &Expr) -> Option<String> {
        let list = |e: &Expr| -> Option<String> {
            // `ALLOWED.length`, `len(ALLOWED)`: the list whose size is read.
            let e = match &e.kind {
                ExprKind::Attr(object, field) if field == "length" || field == "size" => object,
                ExprKind::Call { callee, args, .. } if matches!(&callee.kind, ExprKind::Name(n) if n == "len") => {
                    &args.first()?.value
                }
                _ => e,
            };
            let name = last_name(e)?;
            (self.patterns.is_allowlist(name) && self.configured(e)).then(|| name.to_string())
        };
        match &cond.kind {
            ExprKind::Unary(op, inner) if op == "not" || op == "!" => list(inner),
            ExprKind::Binary(op, a, b) if op == "or" || op == "||" => {
                self.empty_allowlist(a).or_else(|| self.empty_allowlist(b))
            }
            ExprKind::Compare(pairs, first) => match pairs.as_slice() {
                [(op, other)]
                    if matches!(op.as_str(), "==" | "===" | "<=" | "<")
                        && matches!(&other.kind, ExprKind::Number(n) if n == "0" || n == "1" && op == "<") =>
                {
                    list(first)
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// Whether a secret is the server's own setting rather than what the caller sent: an
    /// `UPPER_CASE` name, a read of the environment, settings or the object's own field, or a
    /// variable of this function or an enclosing one assigned from one.
    fn configured(&self, e: &Expr) -> bool {
        if from_settings(e) {
            return true;
        }
        let ExprKind::Name(name) = &e.kind else {
            return false;
        };
        name.chars().all(|c| !c.is_lowercase())
            || self.assigned(name).into_iter().any(from_settings)
    }

    /// The values `name` is assigned in this function and the functions it is nested in.
    fn assigned(&self, name: &str) -> Vec<&'a Expr> {
        let mut values = Vec::new();
        let mut scope = Some(self.function);
        let mut depth = 0;
        while let Some(function) = scope {
            walk_stmts(&function.body, &mut |stmt| {
                if let Stmt::Assign { targets, value, .. } = stmt
                    && targets
                        .iter()
                        .any(|t| matches!(t, Target::Name(n, _) if n == name))
                {
                    values.push(value);
                }
            });
            depth += 1;
            scope = function
                .parent
                .filter(|_| depth < MAX_SCOPES)
                .and_then(|p| self.module.functions.get(p));
        }
        values
    }
}

/// Enclosing functions looked at for where a variable was assigned.
const MAX_SCOPES: usize = 8;

/// `process.env.API_KEY`, `os.environ.get("KEY")`, `settings.api_key`, `self.api_key`.
fn from_settings(e: &Expr) -> bool {
    let mut found = false;
    each_expr(e, &mut |part| {
        let name = match &part.kind {
            ExprKind::Name(n) | ExprKind::Attr(_, n) => n.as_str(),
            _ => return,
        };
        found |= matches!(
            name,
            "env" | "environ" | "getenv" | "settings" | "config" | "self" | "this"
        );
    });
    found
}

/// Whether a function reads one of the server's allowlists by name.
fn names_an_allowlist(patterns: &AuthPatterns, function: &Function) -> bool {
    let mut names = false;
    walk_stmts(&function.body, &mut |stmt| {
        stmt_exprs(stmt, &mut |e| {
            each_expr(e, &mut |part| {
                names |= !names && last_name(part).is_some_and(|n| patterns.is_allowlist(n));
            });
        });
    });
    names
}

fn reads_a_secret(patterns: &AuthPatterns, function: &Function) -> bool {
    let mut reads = false;
    walk_stmts(&function.body, &mut |stmt| {
        stmt_exprs(stmt, &mut |e| {
            reads |= !reads && secret_name(patterns, e).is_some();
        });
    });
    reads
}

// ---- secret-compare ------------------------------------------------------------------------

fn secret_compares(rule: &AuthRule, source: &SourceText<'_>, function: &Function) -> Found {
    if matches!(function.name.as_str(), "__eq__" | "__ne__" | "equals") {
        return Vec::new();
    }
    let mut found = Vec::new();
    // Only comparisons that decide: returned, or the test of a branch that returns, raises
    // or answers. `if new_token != old: log(...)` notices a rotation; it checks nobody.
    walk_stmts(&function.body, &mut |stmt| {
        let decided = match stmt {
            Stmt::Return(Some(e), _) => e,
            Stmt::If { cond, then, .. } if decides(then) => cond,
            _ => return,
        };
        each_expr(decided, &mut |e| {
            let ExprKind::Compare(pairs, first) = &e.kind else {
                return;
            };
            let mut left: &Expr = first;
            for (op, right) in pairs {
                if matches!(op.as_str(), "==" | "!=" | "===" | "!==")
                    && computed(left)
                    && computed(right)
                {
                    let secret = [left, right]
                        .into_iter()
                        .find(|side| secret_name(&rule.patterns, side).is_some());
                    if let Some(side) = secret {
                        found.push((
                            e.span,
                            shown(source.slice(side.span)),
                            format!("compared with `{op}`"),
                        ));
                    }
                }
                left = right;
            }
        });
    });
    found
}

/// Whether a branch ends the call: it returns, raises, or answers (`res.status(401)`).
fn decides(body: &[Stmt]) -> bool {
    let mut ends = false;
    walk_stmts(body, &mut |stmt| match stmt {
        Stmt::Return(..) | Stmt::Raise(..) => ends = true,
        _ => stmt_exprs(stmt, &mut |e| {
            if let ExprKind::Call { callee, .. } = &e.kind {
                ends |=
                    matches!(&callee.kind, ExprKind::Attr(_, m) if ANSWERS.contains(&m.as_str()));
            }
        }),
    });
    ends
}

/// Methods that answer an HTTP request (Express, Node).
const ANSWERS: [&str; 6] = ["status", "send", "json", "end", "sendStatus", "writeHead"];

/// A value that may hold a secret: not a literal, a length, a type or a count.
fn computed(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Str(_) | ExprKind::Number(_) | ExprKind::Bool(_) | ExprKind::Null => false,
        ExprKind::Name(n) => !matches!(n.as_str(), "None" | "undefined" | "null" | "NaN"),
        ExprKind::Template(parts) => parts.iter().any(|p| matches!(p, TemplatePart::Value(_))),
        // `SyntaxKind.EqualsToken`, `GrantType.REFRESH_TOKEN`: a member of an enum.
        ExprKind::Attr(object, a) => {
            let pascal = last_name(object).is_some_and(|n| {
                n.starts_with(|c: char| c.is_ascii_uppercase()) && n.chars().any(char::is_lowercase)
            });
            !pascal && !matches!(a.as_str(), "length" | "size")
        }
        ExprKind::Unary(op, _) => op != "typeof",
        ExprKind::Call { callee, .. } => !matches!(&callee.kind,
            ExprKind::Name(n) if matches!(n.as_str(), "len" | "Number" | "parseInt" | "type" | "int" | "bool")),
        _ => true,
    }
}

fn shown(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= MAX_SHOWN {
        return text;
    }
    let cut: String = text.chars().take(MAX_SHOWN).collect();
    format!("{cut}...")
}

/// Whether a word of `text` (an identifier or a string's word) is one the rule's `secret_names`
/// takes: for `oauth-state` the state's name, for `session-binding` the caller's.
fn names_any(rule: &AuthRule, text: &str) -> bool {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
        .any(|word| !word.is_empty() && rule.patterns.is_secret(word))
}

// ---- oauth-state ---------------------------------------------------------------------------

/// Words of which one must be in a handler for its `code` to be an OAuth authorization code
/// (a `code` query parameter is also a country, a language, a discount).
const OAUTH_WORDS: [&str; 6] = [
    "token",
    "oauth",
    "authorization_code",
    "callback",
    "authcode",
    "auth_code",
];

/// Properties that hold a request's query string (`req.query`, `url.searchParams`,
/// `request.query_params`, Django's `request.GET`).
const QUERY_HOLDERS: [&str; 4] = ["query", "searchParams", "query_params", "GET"];

fn unchecked_state(rule: &AuthRule, source: &SourceText<'_>, function: &Function) -> Found {
    let text = source.whole(function.span);
    // Every way of reading the parameter writes its name: most functions are passed over
    // without walking them.
    if !text.contains("code") {
        return Vec::new();
    }
    let Some((read, destructured)) = code_read(function) else {
        return Vec::new();
    };
    let lower = text.to_ascii_lowercase();
    if !OAUTH_WORDS.iter().any(|w| lower.contains(w)) {
        return Vec::new();
    }
    // Any word named like the state (`state`, `oauthState`, `"csrf_token"`) means the handler
    // looks at one; whether it compares it well is another rule's business.
    if names_any(rule, text) {
        return Vec::new();
    }
    let written = shown(source.slice(read.span));
    vec![(
        read.span,
        if destructured {
            format!("{written}.code")
        } else {
            written
        },
        // The message says it all.
        String::new(),
    )]
}

/// The first read of the `code` query parameter: `req.query.code`,
/// `url.searchParams.get("code")`, `request.args["code"]`, `c.req.query("code")`,
/// `const { code } = req.query` (the query object, and `true`).
fn code_read(function: &Function) -> Option<(&Expr, bool)> {
    let mut found: Option<(&Expr, bool)> = None;
    walk_stmts(&function.body, &mut |stmt| {
        if found.is_some() {
            return;
        }
        if let Stmt::Assign { targets, value, .. } = stmt
            && is_query(value)
            && targets.iter().any(
                |t| matches!(t, Target::Object(props, _) if props.iter().any(|(k, _)| k == "code")),
            )
        {
            found = Some((value, true));
            return;
        }
        stmt_exprs(stmt, &mut |e| {
            if found.is_none() {
                each_expr(e, &mut |e| {
                    if found.is_none() && reads_code(e) {
                        found = Some((e, false));
                    }
                });
            }
        });
    });
    found
}

/// `holder.code`, `holder["code"]`, `holder.get("code")`, `c.req.query("code")`.
fn reads_code(e: &Expr) -> bool {
    let is_code = |k: &Expr| matches!(&k.kind, ExprKind::Str(s) if s == "code");
    match &e.kind {
        ExprKind::Attr(holder, name) => name == "code" && is_query(holder),
        ExprKind::Index(holder, key) => is_code(key) && is_query(holder),
        ExprKind::Call { callee, args, .. } => {
            let Some(first) = args.first() else {
                return false;
            };
            if !is_code(&first.value) {
                return false;
            }
            match &callee.kind {
                ExprKind::Attr(holder, m) if m == "get" || m == "getAll" => is_query(holder),
                // Hono's `c.req.query("code")`.
                ExprKind::Attr(holder, m) => {
                    m == "query" && super::taint::is_served_request(holder)
                }
                _ => false,
            }
        }
        _ => false,
    }
}

/// Whether an expression is a request's query string: `req.query`, `request.args`,
/// `new URL(req.url).searchParams`, `request.rel_url.query`, a variable `searchParams`.
fn is_query(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Attr(_, name) if QUERY_HOLDERS.contains(&name.as_str()) => true,
        // Flask's `request.args`; `args` alone is any function's arguments.
        ExprKind::Attr(object, name) if name == "args" => super::taint::is_served_request(object),
        ExprKind::Name(name) => matches!(name.as_str(), "searchParams" | "query_params"),
        _ => false,
    }
}

// ---- session-binding -----------------------------------------------------------------------

fn unbound_sessions(
    rule: &AuthRule,
    source: &SourceText<'_>,
    function: &Function,
    knows_callers: &dyn Fn() -> bool,
) -> Found {
    let ids = session_id_variables(function);
    if ids.is_empty() {
        return Vec::new();
    }
    let mut lookup: Option<&Expr> = None;
    walk_stmts(&function.body, &mut |stmt| {
        stmt_exprs(stmt, &mut |e| {
            each_expr(e, &mut |e| {
                if lookup.is_none() && looks_up_by(e, &ids) {
                    lookup = Some(e);
                }
            });
        });
    });
    let Some(lookup) = lookup else {
        return Vec::new();
    };
    // A word naming the caller (`req.auth`, `userId`, `owner`) means the handler looks at who
    // is asking; whether it compares well is not this rule's to say.
    if !knows_callers() || names_any(rule, source.whole(function.span)) {
        return Vec::new();
    }
    vec![(lookup.span, shown(source.slice(lookup.span)), String::new())]
}

/// Variables a function keeps the client's session id in: `const sid =
/// req.headers["mcp-session-id"] as string`, `session_id = request.headers.get(...)`,
/// `const { sessionId } = req.query`.
fn session_id_variables(function: &Function) -> Vec<&str> {
    let mut ids = Vec::new();
    walk_stmts(&function.body, &mut |stmt| {
        let Stmt::Assign { targets, value, .. } = stmt else {
            return;
        };
        for target in targets {
            match target {
                Target::Name(name, _) => {
                    let mut reads = false;
                    each_expr(value, &mut |e| reads |= reads_session_id(e));
                    if reads {
                        ids.push(name.as_str());
                    }
                }
                Target::Object(props, _) if is_query(value) => {
                    for (key, inner) in props {
                        if is_session_id_key(key)
                            && let Target::Name(name, _) = inner
                        {
                            ids.push(name.as_str());
                        }
                    }
                }
                _ => {}
            }
        }
    });
    ids
}

/// `mcp-session-id`, `x-session-id`, `sessionId`, `session_id`.
fn is_session_id_key(key: &str) -> bool {
    let key = crate::rules::snake_case(key);
    key == "session_id" || key.strip_suffix("_session_id").is_some()
}

/// Whether `e` reads the session id the client sent: a header (`req.headers["mcp-session-id"]`,
/// `request.headers.get("mcp-session-id")`, `c.req.header("mcp-session-id")`) or a query
/// parameter (`req.query.sessionId`, `request.query_params.get("session_id")`).
fn reads_session_id(e: &Expr) -> bool {
    let from_request = |holder: &Expr| match &holder.kind {
        ExprKind::Attr(object, field) if field == "headers" => {
            super::taint::is_served_request(object)
        }
        _ => is_query(holder) || super::taint::is_served_request(holder),
    };
    let key = |k: &Expr| matches!(&k.kind, ExprKind::Str(s) if is_session_id_key(s));
    match &e.kind {
        ExprKind::Attr(holder, field) => is_session_id_key(field) && is_query(holder),
        ExprKind::Index(holder, k) => key(k) && from_request(holder),
        ExprKind::Call { callee, args, .. } => match (&callee.kind, args.first()) {
            (ExprKind::Attr(holder, m), Some(first)) => {
                matches!(m.as_str(), "get" | "header" | "getHeader" | "query")
                    && key(&first.value)
                    && from_request(holder)
            }
            _ => false,
        },
        _ => false,
    }
}

/// `store[sid]`, `store.get(sid)`, `store.has(sid)`: a lookup keyed by the session id alone.
fn looks_up_by(e: &Expr, ids: &[&str]) -> bool {
    let is_id = |k: &Expr| matches!(&k.kind, ExprKind::Name(n) if ids.contains(&n.as_str()));
    match &e.kind {
        ExprKind::Index(_, key) => is_id(key),
        ExprKind::Call { callee, args, .. } => {
            matches!(&callee.kind, ExprKind::Attr(_, m) if matches!(m.as_str(), "get" | "has"))
                && args.len() == 1
                && args.first().is_some_and(|a| is_id(&a.value))
        }
        _ => false,
    }
}

// ---- names and walks -----------------------------------------------------------------------

/// The secret's name an expression reads, if it reads one: `token`, `self.api_key`,
/// `headers["x-api-key"]`, `request.headers.get("authorization")`, `` `Bearer ${key}` ``.
fn secret_name(patterns: &AuthPatterns, e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Name(_) | ExprKind::Attr(..) | ExprKind::Index(..) => last_name(e)
            .filter(|n| patterns.is_secret(n))
            .map(str::to_string),
        ExprKind::Call { callee, args, .. } => {
            let getter = matches!(&callee.kind, ExprKind::Attr(_, m)
                if matches!(m.as_str(), "get" | "getHeader" | "header" | "get_header"));
            match args.first().map(|a| &a.value.kind) {
                Some(ExprKind::Str(k)) if getter && patterns.is_secret(k) => Some(k.clone()),
                _ => None,
            }
        }
        ExprKind::Await(inner) => secret_name(patterns, inner),
        ExprKind::Template(parts) => parts.iter().find_map(|p| match p {
            TemplatePart::Value(v) => secret_name(patterns, v),
            TemplatePart::Text(_) => None,
        }),
        ExprKind::Binary(op, a, b) if op == "+" => {
            secret_name(patterns, a).or_else(|| secret_name(patterns, b))
        }
        _ => None,
    }
}

/// The last name in `a.b.c`, `a["key"]`, `a`.
fn last_name(e: &Expr) -> Option<&str> {
    match &e.kind {
        ExprKind::Name(n) => Some(n),
        ExprKind::Attr(_, a) => Some(a),
        ExprKind::Index(_, key) => match &key.kind {
            ExprKind::Str(k) => Some(k),
            _ => None,
        },
        _ => None,
    }
}

fn target_name(target: &Target) -> Option<&str> {
    match target {
        Target::Name(n, _) | Target::Attr(_, n, _) => Some(n),
        Target::Index(_, key, _) => match &key.kind {
            ExprKind::Str(k) => Some(k),
            _ => None,
        },
        Target::Tuple(..) | Target::Rest(..) | Target::Object(..) | Target::Opaque(_) => None,
    }
}
