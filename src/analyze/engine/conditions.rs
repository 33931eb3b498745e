//! The structural conditions of rules, checked on a call in the IR: a keyword's or an
//! option's value (`shell=True`, `{ shell: true }`), an argument that is absent (no
//! `timeout`), one of a set of names or literals, and the option positions of an argv.

use super::resolve::Names;
use super::{ArgSel, Condition, Test};
use crate::analyze::ir::{Arg, Expr, ExprKind};

/// Whether `cond` holds for a call with `args` (and `object`, for a method).
pub(super) fn holds(cond: &Condition, args: &[Arg], object: Option<&Expr>, names: &Names) -> bool {
    let (found, may_be_spread) = find(cond, args, object);
    // A condition on the object of a method says nothing about a plain function call.
    if cond.at.contains(&ArgSel::Receiver) && object.is_none() {
        return true;
    }
    match &cond.test {
        Test::Absent => found.is_empty() && !may_be_spread,
        Test::Present => !found.is_empty(),
        Test::True => found.iter().any(|e| truthy(e) == Some(true)),
        Test::False => found.iter().any(|e| truthy(e) == Some(false)),
        Test::NotString => {
            !may_be_spread
                && found.iter().all(|e| {
                    matches!(
                        e.kind,
                        ExprKind::Number(_)
                            | ExprKind::Bool(_)
                            | ExprKind::Null
                            | ExprKind::Function(_)
                    )
                })
        }
        Test::OneOf(values) => found.iter().any(|e| names_value(e, values, names)),
        Test::NotOneOf(values) => match found.first() {
            None => !may_be_spread,
            Some(e) => !names_value(e, values, names),
        },
    }
}

/// The arguments a condition is about, and whether a spread may pass it unseen. A keyword is
/// a keyword argument (Python) or a property of an options object (JavaScript).
fn find<'a>(cond: &Condition, args: &'a [Arg], object: Option<&'a Expr>) -> (Vec<&'a Expr>, bool) {
    let mut found = Vec::new();
    let mut spread = false;
    for sel in &cond.at {
        match sel {
            ArgSel::Receiver => found.extend(object),
            ArgSel::Position(p) => found.extend(
                args.iter()
                    .filter(|a| a.keyword.is_none())
                    .nth(*p)
                    .map(|a| &a.value),
            ),
            ArgSel::Keyword(k) => {
                for a in args {
                    if a.keyword.as_deref() == Some(k.as_str()) {
                        found.push(&a.value);
                    }
                    match &a.value.kind {
                        ExprKind::Spread(_) => spread = true,
                        ExprKind::Dict(pairs) => {
                            for (key, value) in pairs {
                                match key.as_ref().map(|k| &k.kind) {
                                    Some(ExprKind::Str(name)) if name == k => found.push(value),
                                    None => spread = true,
                                    _ => {}
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    (found, spread)
}

fn truthy(e: &Expr) -> Option<bool> {
    match &e.kind {
        ExprKind::Bool(b) => Some(*b),
        ExprKind::Null => Some(false),
        ExprKind::Number(n) => Some(n.trim_start_matches('-') != "0"),
        ExprKind::Str(s) => Some(!s.is_empty()),
        _ => None,
    }
}

/// Whether an argument is one of `values`: a constant's text (`True`, `"0.0.0.0"`, `*`) or a
/// canonical name.
fn names_value(e: &Expr, values: &[String], names: &Names) -> bool {
    let text = match &e.kind {
        ExprKind::Bool(true) => Some("True".to_string()),
        ExprKind::Bool(false) => Some("False".to_string()),
        ExprKind::Null => Some("None".to_string()),
        ExprKind::Number(n) => Some(n.clone()),
        ExprKind::Str(s) => Some(s.clone()),
        _ => names.canonical(e),
    };
    text.is_some_and(|t| {
        values.iter().any(|v| {
            let v = v.trim_matches(|c| c == '"' || c == '\'');
            v == t || (v == "true" && t == "True") || (v == "false" && t == "False")
        })
    })
}

/// The option positions of an argv literal: its elements after the program name and before
/// any `--`. Anything else is not an argv the rule can judge.
pub(super) fn argv_options(e: &Expr) -> Vec<&Expr> {
    let ExprKind::List(items) = &e.kind else {
        return Vec::new();
    };
    items
        .iter()
        .skip(1)
        .take_while(|i| !matches!(&i.kind, ExprKind::Str(s) if s == "--"))
        .collect()
}
