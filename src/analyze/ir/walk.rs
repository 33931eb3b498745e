//! Visitors over a function's IR, in source order. Nested functions are not entered: each
//! is a function of the module, visited on its own.

use super::{Expr, ExprKind, Stmt, TemplatePart};

/// Every statement of a block, nested blocks included, each before its nested blocks.
pub fn walk_stmts<'a>(body: &'a [Stmt], f: &mut dyn FnMut(&'a Stmt)) {
    for stmt in body {
        f(stmt);
        match stmt {
            Stmt::If {
                then, otherwise, ..
            } => {
                walk_stmts(then, f);
                walk_stmts(otherwise, f);
            }
            Stmt::Loop {
                body, otherwise, ..
            } => {
                walk_stmts(body, f);
                walk_stmts(otherwise, f);
            }
            Stmt::Try {
                body,
                handlers,
                finally,
                ..
            } => {
                walk_stmts(body, f);
                for h in handlers {
                    walk_stmts(&h.body, f);
                }
                walk_stmts(finally, f);
            }
            Stmt::With { body, .. } => walk_stmts(body, f),
            Stmt::Switch { cases, .. } => {
                for (_, body) in cases {
                    walk_stmts(body, f);
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

/// Every expression a statement holds itself, parts included (not those of its nested
/// blocks).
pub fn stmt_exprs<'a>(stmt: &'a Stmt, f: &mut dyn FnMut(&'a Expr)) {
    match stmt {
        Stmt::Assign { value, .. } => each_expr(value, f),
        Stmt::Expr(e) | Stmt::Return(Some(e), _) | Stmt::Raise(Some(e), _) => each_expr(e, f),
        Stmt::If { cond, .. } => each_expr(cond, f),
        Stmt::Loop { iter, .. } => each_expr(iter, f),
        Stmt::With { items, .. } => {
            for (e, _) in items {
                each_expr(e, f);
            }
        }
        Stmt::Switch { subject, cases, .. } => {
            each_expr(subject, f);
            for (tests, _) in cases {
                for t in tests {
                    each_expr(t, f);
                }
            }
        }
        Stmt::Return(None, _) | Stmt::Raise(None, _) | Stmt::Try { .. } | Stmt::Def { .. } => {}
    }
}

/// `e` and every expression inside it, each before its parts. Iterative: a long chain must
/// not exhaust the stack.
pub fn each_expr<'a>(e: &'a Expr, f: &mut dyn FnMut(&'a Expr)) {
    let mut stack = vec![e];
    let mut parts = Vec::new();
    while let Some(e) = stack.pop() {
        f(e);
        parts.clear();
        push_parts(e, &mut parts);
        // Reversed, so the first part is visited first.
        stack.extend(parts.drain(..).rev());
    }
}

/// Every call expression in a block, nested ones included.
pub fn calls_in(body: &[Stmt]) -> Vec<&Expr> {
    let mut calls = Vec::new();
    walk_stmts(body, &mut |stmt| {
        stmt_exprs(stmt, &mut |e| {
            if matches!(e.kind, ExprKind::Call { .. }) {
                calls.push(e);
            }
        })
    });
    calls
}

/// The direct sub-expressions of `e`, in the order `each_expr` visits them, for passes that
/// rewrite the IR in place.
pub fn parts_mut(e: &mut Expr) -> Vec<&mut Expr> {
    let mut out: Vec<&mut Expr> = Vec::new();
    match &mut e.kind {
        ExprKind::Name(_)
        | ExprKind::Str(_)
        | ExprKind::Number(_)
        | ExprKind::Bool(_)
        | ExprKind::Null
        | ExprKind::Function(_) => {}
        ExprKind::Attr(o, _)
        | ExprKind::Unary(_, o)
        | ExprKind::Spread(o)
        | ExprKind::Await(o)
        | ExprKind::Walrus(_, o) => out.push(o),
        ExprKind::Index(a, b) | ExprKind::Binary(_, a, b) => {
            out.push(a);
            out.push(b);
        }
        ExprKind::Template(parts) => out.extend(parts.iter_mut().filter_map(|p| match p {
            TemplatePart::Value(v) => Some(v),
            TemplatePart::Text(_) => None,
        })),
        ExprKind::Compare(pairs, first) => {
            out.push(first);
            out.extend(pairs.iter_mut().map(|(_, e)| e));
        }
        ExprKind::Call { callee, args, .. } => {
            out.push(callee);
            out.extend(args.iter_mut().map(|a| &mut a.value));
        }
        ExprKind::List(items) | ExprKind::Opaque(items) => out.extend(items.iter_mut()),
        ExprKind::Dict(pairs) => {
            for (k, v) in pairs {
                if let Some(k) = k {
                    out.push(k);
                }
                out.push(v);
            }
        }
        ExprKind::Comprehension {
            element,
            clauses,
            conditions,
        } => {
            out.push(element);
            out.extend(clauses.iter_mut().map(|(_, e)| e));
            out.extend(conditions.iter_mut());
        }
        ExprKind::Cond(c, a, b) => {
            out.push(c);
            out.push(a);
            out.push(b);
        }
    }
    out
}

/// Keep in step with `parts_mut`: the same parts, read-only.
fn push_parts<'a>(e: &'a Expr, out: &mut Vec<&'a Expr>) {
    match &e.kind {
        ExprKind::Name(_)
        | ExprKind::Str(_)
        | ExprKind::Number(_)
        | ExprKind::Bool(_)
        | ExprKind::Null
        | ExprKind::Function(_) => {}
        ExprKind::Attr(o, _)
        | ExprKind::Unary(_, o)
        | ExprKind::Spread(o)
        | ExprKind::Await(o)
        | ExprKind::Walrus(_, o) => out.push(o),
        ExprKind::Index(a, b) | ExprKind::Binary(_, a, b) => {
            out.push(a);
            out.push(b);
        }
        ExprKind::Template(parts) => out.extend(parts.iter().filter_map(|p| match p {
            TemplatePart::Value(v) => Some(v),
            TemplatePart::Text(_) => None,
        })),
        ExprKind::Compare(pairs, first) => {
            out.push(first);
            out.extend(pairs.iter().map(|(_, e)| e));
        }
        ExprKind::Call { callee, args, .. } => {
            out.push(callee);
            out.extend(args.iter().map(|a| &a.value));
        }
        ExprKind::List(items) | ExprKind::Opaque(items) => out.extend(items.iter()),
        ExprKind::Dict(pairs) => {
            for (k, v) in pairs {
                if let Some(k) = k {
                    out.push(k);
                }
                out.push(v);
            }
        }
        ExprKind::Comprehension {
            element,
            clauses,
            conditions,
        } => {
            out.push(element);
            out.extend(clauses.iter().map(|(_, e)| e));
            out.extend(conditions.iter());
        }
        ExprKind::Cond(c, a, b) => {
            out.push(c);
            out.push(a);
            out.push(b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{each_expr, parts_mut, push_parts, stmt_exprs, walk_stmts};
    use crate::analyze::ir::lower_source;

    /// `parts_mut` and `push_parts` are written twice (shared and exclusive borrows): they
    /// must give the same parts, in the same order, for every kind of expression.
    #[test]
    fn the_mutable_parts_are_the_read_only_parts() {
        let python = "def f(a, *rest, **kw):\n    x = [a, *rest]\n    y = {'k': a, **kw}\n    z = [i for i in x if i]\n    w = a.b[c] + (not a) if a < 1 <= c else None\n    print(f'{a}-{w}', (n := 2), await g(x, key=y))\n";
        let typescript = "async function f(a: string, ...rest: string[]) {\n  const x = [a, ...rest];\n  const y = { k: a, [a]: 1 };\n  const w = a ? `${a}-${x}` : !a;\n  return await g(x, y, () => 1, w);\n}\n";
        let mut seen = 0;
        for (path, text) in [("t.py", python), ("t.ts", typescript)] {
            let Some(module) = lower_source(path, text) else {
                panic!("{path} did not lower");
            };
            for function in &module.functions {
                walk_stmts(&function.body, &mut |stmt| {
                    stmt_exprs(stmt, &mut |top| {
                        each_expr(top, &mut |e| {
                            let mut read = Vec::new();
                            push_parts(e, &mut read);
                            let read: Vec<_> = read.into_iter().cloned().collect();
                            let mut copy = e.clone();
                            let written: Vec<_> = parts_mut(&mut copy)
                                .into_iter()
                                .map(|p| p.clone())
                                .collect();
                            assert_eq!(read, written);
                            seen += 1;
                        });
                    });
                });
            }
        }
        assert!(seen > 40, "only {seen} expressions compared");
    }
}
