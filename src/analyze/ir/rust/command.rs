//! `std::process::Command` (and tokio's) is a builder: the program is given to `new`, each
//! argument to a later `arg`/`args` call, on the chain or on the variable that holds it, and
//! only `output`/`spawn`/`status` run it. The call that runs it is lowered as the one call
//! the rules know from other languages, `Command.output(program, [argv...])`, so the shell,
//! program and option rules read the whole command line at the place it runs.

use super::super::{Arg, Expr, ExprKind, Import, Stmt, Target};
use std::collections::HashMap;

/// Methods that run the command.
const RUNS: [&str; 4] = ["output", "spawn", "status", "exec"];

/// Modules whose `Command` starts a process.
const PROCESS_MODULES: [&str; 5] = [
    "std.process",
    "tokio.process",
    "async_process",
    "async_std.process",
    "smol.process",
];

/// The local names that mean a process `Command` in one file.
pub(super) struct CommandTypes {
    names: Vec<String>,
}

impl CommandTypes {
    pub fn of(imports: &[Import]) -> CommandTypes {
        let mut names: Vec<String> = imports
            .iter()
            .filter(|i| {
                i.member.as_deref() == Some("Command")
                    && PROCESS_MODULES.contains(&i.module.as_str())
            })
            .map(|i| i.local.clone())
            .collect();
        // `use std::process::*`.
        if imports.iter().any(|i| {
            i.member.as_deref() == Some("*") && PROCESS_MODULES.contains(&i.module.as_str())
        }) {
            names.push("Command".into());
        }
        CommandTypes { names }
    }

    /// `Command`, `TokioCommand` as imported, or a path ending in `process::Command`.
    fn is_command(&self, ty: &Expr) -> bool {
        match &ty.kind {
            ExprKind::Name(n) => self.names.contains(n),
            ExprKind::Attr(object, name) if name == "Command" => {
                matches!(&object.kind, ExprKind::Name(p) | ExprKind::Attr(_, p) if p == "process")
            }
            _ => false,
        }
    }
}

/// A command being built: its type as written, the program and the arguments so far.
#[derive(Clone)]
struct Builder {
    ty: Expr,
    program: Expr,
    args: Vec<Expr>,
}

/// Lowers each place in `body` that runs a command built in it.
pub(super) fn lower_runs(body: &mut [Stmt], types: &CommandTypes) {
    if types.names.is_empty() && !mentions_process(body) {
        return;
    }
    let mut builders = HashMap::new();
    collect_block(body, types, &mut builders);
    rewrite_block(body, types, &builders);
}

/// Whether a fully written `std::process::Command` may appear (no import to go by).
fn mentions_process(body: &[Stmt]) -> bool {
    crate::analyze::ir::walk::calls_in(body).iter().any(|c| {
        matches!(&c.kind, ExprKind::Call { callee, .. }
            if matches!(&callee.kind, ExprKind::Attr(ty, new) if new == "new"
                && matches!(&ty.kind, ExprKind::Attr(_, c) if c == "Command")))
    })
}

/// The command a chain builds from `Command::new(program)`, with every argument on it.
fn chain(e: &Expr, types: &CommandTypes) -> Option<Builder> {
    match &e.kind {
        ExprKind::Await(inner) => chain(inner, types),
        ExprKind::Call { callee, args, .. } => match &callee.kind {
            ExprKind::Attr(ty, method) if method == "new" && types.is_command(ty) => {
                Some(Builder {
                    ty: (**ty).clone(),
                    program: args
                        .first()
                        .map_or_else(|| Expr::null(e.span), |a| a.value.clone()),
                    args: Vec::new(),
                })
            }
            ExprKind::Attr(receiver, method) => {
                let mut builder = chain(receiver, types)?;
                add_args(&mut builder.args, method, args);
                Some(builder)
            }
            _ => None,
        },
        _ => None,
    }
}

/// The variable a method chain starts from (`cmd` in `cmd.arg(a).arg(b)`).
fn chain_root(e: &Expr) -> Option<&str> {
    match &e.kind {
        ExprKind::Name(n) => Some(n),
        ExprKind::Await(inner) => chain_root(inner),
        ExprKind::Call { callee, .. } => match &callee.kind {
            ExprKind::Attr(receiver, _) => chain_root(receiver),
            _ => None,
        },
        _ => None,
    }
}

/// What `arg(x)` or `args([a, b])` adds to a command line.
fn add_args(out: &mut Vec<Expr>, method: &str, args: &[Arg]) {
    let Some(first) = args.first() else {
        return;
    };
    match method {
        "arg" => out.push(first.value.clone()),
        "args" => match &first.value.kind {
            ExprKind::List(items) => out.extend(items.iter().cloned()),
            _ => out.push(Expr {
                kind: ExprKind::Spread(Box::new(first.value.clone())),
                span: first.value.span,
            }),
        },
        _ => {}
    }
}

/// The arguments a chain from the variable adds (`cmd.arg(a).arg(b)`), receiver first.
fn chain_args(e: &Expr, out: &mut Vec<Expr>) {
    match &e.kind {
        ExprKind::Await(inner) => chain_args(inner, out),
        ExprKind::Call { callee, args, .. } => {
            if let ExprKind::Attr(receiver, method) = &callee.kind {
                chain_args(receiver, out);
                add_args(out, method, args);
            }
        }
        _ => {}
    }
}

fn collect_block(body: &[Stmt], types: &CommandTypes, builders: &mut HashMap<String, Builder>) {
    for stmt in body {
        collect_stmt(stmt, types, builders);
    }
}

fn collect_stmt(stmt: &Stmt, types: &CommandTypes, builders: &mut HashMap<String, Builder>) {
    match stmt {
        Stmt::Assign { targets, value, .. } => {
            if let [Target::Name(name, _)] = targets.as_slice()
                && let Some(builder) = chain(value, types)
            {
                builders.insert(name.clone(), builder);
            } else {
                collect_expr(value, builders);
            }
        }
        Stmt::Expr(e) | Stmt::Return(Some(e), _) | Stmt::Raise(Some(e), _) => {
            collect_expr(e, builders);
        }
        Stmt::Return(None, _) | Stmt::Raise(None, _) | Stmt::Def { .. } => {}
        Stmt::If {
            cond,
            then,
            otherwise,
            ..
        } => {
            collect_expr(cond, builders);
            collect_block(then, types, builders);
            collect_block(otherwise, types, builders);
        }
        Stmt::Loop {
            iter,
            body,
            otherwise,
            ..
        } => {
            collect_expr(iter, builders);
            collect_block(body, types, builders);
            collect_block(otherwise, types, builders);
        }
        Stmt::Try {
            body,
            handlers,
            finally,
            ..
        } => {
            collect_block(body, types, builders);
            for h in handlers {
                collect_block(&h.body, types, builders);
            }
            collect_block(finally, types, builders);
        }
        Stmt::With { items, body, .. } => {
            for (e, _) in items {
                collect_expr(e, builders);
            }
            collect_block(body, types, builders);
        }
        Stmt::Switch { subject, cases, .. } => {
            collect_expr(subject, builders);
            for (tests, body) in cases {
                for t in tests {
                    collect_expr(t, builders);
                }
                collect_block(body, types, builders);
            }
        }
    }
}

/// Arguments added to a known builder variable anywhere in `e`, chain by chain in source
/// order.
fn collect_expr(e: &Expr, builders: &mut HashMap<String, Builder>) {
    if builders.is_empty() {
        return;
    }
    let mut chains: Vec<&Expr> = Vec::new();
    crate::analyze::ir::walk::each_expr(e, &mut |x| {
        if matches!(x.kind, ExprKind::Call { .. })
            && chain_root(x).is_some_and(|r| builders.contains_key(r))
        {
            chains.push(x);
        }
    });
    // A chain's inner calls are its own receivers: only the outermost call counts.
    let inner: Vec<*const Expr> = chains
        .iter()
        .filter_map(|c| match &c.kind {
            ExprKind::Call { callee, .. } => match &callee.kind {
                ExprKind::Attr(receiver, _) => Some(&**receiver as *const Expr),
                _ => None,
            },
            _ => None,
        })
        .collect();
    for call in chains {
        if inner.contains(&(call as *const Expr)) {
            continue;
        }
        let mut added = Vec::new();
        chain_args(call, &mut added);
        if let Some(builder) = chain_root(call).and_then(|r| builders.get_mut(r)) {
            builder.args.extend(added);
        }
    }
}

/// How deep the rewrite looks into an expression.
const MAX_NESTING: usize = 200;

fn rewrite_block(body: &mut [Stmt], types: &CommandTypes, builders: &HashMap<String, Builder>) {
    for stmt in body {
        match stmt {
            Stmt::Assign { value: e, .. }
            | Stmt::Expr(e)
            | Stmt::Return(Some(e), _)
            | Stmt::Raise(Some(e), _) => rewrite_expr(e, types, builders, 0),
            Stmt::Return(None, _) | Stmt::Raise(None, _) | Stmt::Def { .. } => {}
            Stmt::If {
                cond,
                then,
                otherwise,
                ..
            } => {
                rewrite_expr(cond, types, builders, 0);
                rewrite_block(then, types, builders);
                rewrite_block(otherwise, types, builders);
            }
            Stmt::Loop {
                iter,
                body,
                otherwise,
                ..
            } => {
                rewrite_expr(iter, types, builders, 0);
                rewrite_block(body, types, builders);
                rewrite_block(otherwise, types, builders);
            }
            Stmt::Try {
                body,
                handlers,
                finally,
                ..
            } => {
                rewrite_block(body, types, builders);
                for h in handlers {
                    rewrite_block(&mut h.body, types, builders);
                }
                rewrite_block(finally, types, builders);
            }
            Stmt::With { items, body, .. } => {
                for (e, _) in items {
                    rewrite_expr(e, types, builders, 0);
                }
                rewrite_block(body, types, builders);
            }
            Stmt::Switch { subject, cases, .. } => {
                rewrite_expr(subject, types, builders, 0);
                for (_, body) in cases {
                    rewrite_block(body, types, builders);
                }
            }
        }
    }
}

/// Rewrites the runs in `e`, outermost first (a run's own receiver chain is replaced whole).
fn rewrite_expr(
    e: &mut Expr,
    types: &CommandTypes,
    builders: &HashMap<String, Builder>,
    depth: usize,
) {
    if depth > MAX_NESTING {
        return;
    }
    if rewrite(e, types, builders) {
        // The builder's own arguments were read; what they hold is left as it is.
        return;
    }
    for part in crate::analyze::ir::walk::parts_mut(e) {
        rewrite_expr(part, types, builders, depth + 1);
    }
}

/// `<command>.output()` becomes `Command.output(program, [args...])` at the same place;
/// whether it was one.
fn rewrite(e: &mut Expr, types: &CommandTypes, builders: &HashMap<String, Builder>) -> bool {
    let ExprKind::Call { callee, .. } = &e.kind else {
        return false;
    };
    let ExprKind::Attr(receiver, method) = &callee.kind else {
        return false;
    };
    if !RUNS.contains(&method.as_str()) {
        return false;
    }
    let builder = match chain(receiver, types) {
        Some(b) => b,
        None => match chain_root(receiver).and_then(|r| builders.get(r)) {
            Some(b) => b.clone(),
            None => return false,
        },
    };
    let at = e.span;
    let method = method.clone();
    e.kind = ExprKind::Call {
        callee: Box::new(Expr {
            kind: ExprKind::Attr(Box::new(builder.ty), method),
            span: at,
        }),
        args: vec![
            Arg {
                keyword: None,
                value: builder.program,
            },
            Arg {
                keyword: None,
                value: Expr {
                    kind: ExprKind::List(builder.args),
                    span: at,
                },
            },
        ],
        construct: false,
    };
    true
}
