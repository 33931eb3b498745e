//! What a branch condition proves about the variables it tests, with its true polarity: the
//! proofs that hold where the condition is true and where it is false. An allowlist proves
//! only where the value is in it (`x in ALLOWED` then use, or `x not in ALLOWED` then leave);
//! a denylist (`x == "bad"` then leave) proves nothing about the rest.

use super::resolve::Names;
use super::root_name as root;
use super::taint;
use crate::analyze::ir::{Expr, ExprKind, Function, Stmt, TemplatePart};

/// How many derivations (`address` from `host` from `url`) a proof carries over.
pub(super) const MAX_DERIVATION: usize = 4;

/// The dotted path of a field read through names only (`request.params.name`); proofs about
/// one are kept for that path, not for the object it is read from.
pub(super) fn field_path(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Name(x) => Some(x.clone()),
        ExprKind::Attr(object, field) => field_path(object).map(|p| format!("{p}.{field}")),
        _ => None,
    }
}

/// "This variable (or field path) is checked, in this way."
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Proof {
    pub name: String,
    pub label: &'static str,
    /// The check is about something the value was derived from too: a host, a size, an
    /// address of a URL or a file (`urlparse(url).hostname in HOSTS` checks `url`).
    pub carries_over: bool,
}

/// Checks on a value's own content, which say nothing about what it was derived from.
fn own(name: &str, label: &'static str) -> Vec<Proof> {
    vec![Proof {
        name: name.to_string(),
        label,
        carries_over: false,
    }]
}

fn of_origin(name: &str, label: &'static str) -> Vec<Proof> {
    vec![Proof {
        name: name.to_string(),
        label,
        carries_over: true,
    }]
}

type Proofs = (Vec<Proof>, Vec<Proof>);

/// URL fields that name the host a request goes to.
const HOST_FIELDS: [&str; 5] = ["hostname", "host", "netloc", "origin", "href"];
/// URL fields that name the scheme.
const SCHEME_FIELDS: [&str; 2] = ["protocol", "scheme"];
/// Address properties that, when false, keep a request off internal networks.
const INTERNAL_ADDRESS: [&str; 6] = [
    "is_private",
    "is_loopback",
    "is_link_local",
    "is_reserved",
    "is_multicast",
    "is_unspecified",
];
/// Methods that return their object's value as another type (Rust's `as_str`, `as_ref`).
const SAME_VALUE_VIEWS: [&str; 6] = [
    "as_str",
    "as_ref",
    "as_path",
    "to_string",
    "to_owned",
    "as_os_str",
];

/// Sizes of a file or a value.
const SIZE_FIELDS: [&str; 3] = ["size", "st_size", "length"];

/// What `cond` proves: (where it holds, where it does not).
pub(super) fn proofs(cond: &Expr, names: &Names, functions: &[Function]) -> Proofs {
    let none = || (Vec::new(), Vec::new());
    match &cond.kind {
        ExprKind::Compare(pairs, first) => match pairs.as_slice() {
            [(op, rhs)] => compare(op, first, rhs, names),
            _ => none(),
        },
        ExprKind::Call { callee, args, .. } => call(callee, args, names, functions),
        // `if address.is_private: raise`.
        ExprKind::Attr(object, field) if INTERNAL_ADDRESS.contains(&field.as_str()) => {
            match root(object) {
                Some(x) => (Vec::new(), of_origin(x, taint::FIXED_HOST)),
                None => none(),
            }
        }
        ExprKind::Unary(op, inner) if op == "not" || op == "!" => {
            let (t, e) = proofs(inner, names, functions);
            (e, t)
        }
        // `a or b` is false only when both are: the other branch has both proofs; and `a
        // and b` is true only when both are.
        ExprKind::Binary(op, a, b) if op == "or" || op == "||" => {
            let (_, mut otherwise) = proofs(a, names, functions);
            otherwise.extend(proofs(b, names, functions).1);
            (Vec::new(), otherwise)
        }
        ExprKind::Binary(op, a, b) if op == "and" || op == "&&" => {
            let (mut then, _) = proofs(a, names, functions);
            let (b_then, b_otherwise) = proofs(b, names, functions);
            then.extend(b_then);
            // `if ref and ref.startswith("-"): raise`: past it, `ref` is empty (nothing to
            // inject) or passed the check; other variables `b` tests are not known to be.
            let otherwise = match field_path(a) {
                Some(tested) => b_otherwise
                    .into_iter()
                    .filter(|p| p.name == tested)
                    .collect(),
                None => Vec::new(),
            };
            (then, otherwise)
        }
        _ => none(),
    }
}

/// `name` is one of a fixed set: an allowlist, and the narrower proof only a set gives.
fn in_fixed_set(name: &str) -> Vec<Proof> {
    let mut proofs = own(name, taint::ALLOWLIST);
    proofs.extend(own(name, taint::FIXED_SET));
    proofs
}

/// What membership of `subject` in a fixed set proves: the value itself, its host, or its
/// scheme.
fn membership(subject: &Expr) -> Vec<Proof> {
    match &subject.kind {
        ExprKind::Name(x) => in_fixed_set(x),
        // `ALLOWED.contains(&cmd.as_str())`: the same value, viewed as another type.
        ExprKind::Call { callee, args, .. } if args.is_empty() => match &callee.kind {
            ExprKind::Attr(inner, view) if SAME_VALUE_VIEWS.contains(&view.as_str()) => {
                membership(inner)
            }
            _ => Vec::new(),
        },
        // `argv[0] in ALLOWED_COMMANDS`: the program is, the rest of the argv is not.
        ExprKind::Index(object, index) if matches!(&index.kind, ExprKind::Number(n) if n == "0") => {
            match &object.kind {
                ExprKind::Name(x) => own(x, taint::PROGRAM_ALLOWLIST),
                _ => Vec::new(),
            }
        }
        ExprKind::Attr(object, field) if HOST_FIELDS.contains(&field.as_str()) => {
            origin_of(object).map_or_else(Vec::new, |x| of_origin(x, taint::FIXED_HOST))
        }
        ExprKind::Attr(object, field) if SCHEME_FIELDS.contains(&field.as_str()) => {
            origin_of(object).map_or_else(Vec::new, |x| of_origin(x, taint::SCHEME_CHECK))
        }
        // `request.framework in ALLOWED`: that field, read by the same path, is checked.
        ExprKind::Attr(..) => field_path(subject).map_or_else(Vec::new, |p| in_fixed_set(&p)),
        _ => Vec::new(),
    }
}

fn compare(op: &str, first: &Expr, rhs: &Expr, names: &Names) -> Proofs {
    let none = || (Vec::new(), Vec::new());
    match op {
        "in" => (membership(first), Vec::new()),
        "not in" => (Vec::new(), membership(first)),
        "==" | "===" | "is" if is_literal(rhs) => (membership(first), Vec::new()),
        "!=" | "!==" | "is not" if is_literal(rhs) => (Vec::new(), membership(first)),
        // `os.path.commonpath([base, full]) == base`: containment by components.
        "==" | "!=" if is_commonpath(first, names) => {
            let contained: Vec<Proof> = match &first.kind {
                ExprKind::Call { args, .. } => args
                    .iter()
                    .flat_map(|a| match &a.value.kind {
                        ExprKind::List(items) => items.iter().collect::<Vec<_>>(),
                        _ => vec![&a.value],
                    })
                    .filter_map(|e| match &e.kind {
                        ExprKind::Name(x) => Some(own(x, taint::PATH_CONTAINMENT)),
                        _ => None,
                    })
                    .flatten()
                    .collect(),
                _ => Vec::new(),
            };
            if op == "==" {
                (contained, Vec::new())
            } else {
                (Vec::new(), contained)
            }
        }
        // `stats.size > MAX` then leave: the file is bounded where the size is not over.
        "<" | "<=" | ">" | ">=" => {
            let (subject, flipped) = match (size_of(first), size_of(rhs)) {
                (Some(x), _) => (x, false),
                (None, Some(x)) => (x, true),
                // `if limit > 1000: raise`: a number compared with a fixed bound.
                (None, None) => match (&first.kind, &rhs.kind) {
                    (ExprKind::Name(x), _) if is_bound(rhs) => (x.as_str(), false),
                    (_, ExprKind::Name(x)) if is_bound(first) => (x.as_str(), true),
                    _ => return none(),
                },
            };
            let bounded = of_origin(subject, taint::BOUNDED);
            let under = matches!(op, "<" | "<=") != flipped;
            if under {
                (bounded, Vec::new())
            } else {
                (Vec::new(), bounded)
            }
        }
        _ => none(),
    }
}

/// The list whose first element `value` is (`argv[0]`, `argv[0].strip()`).
pub(super) fn first_element_of(value: &Expr) -> Option<&str> {
    match &unblanked(value).kind {
        ExprKind::Index(object, index) if matches!(&index.kind, ExprKind::Number(n) if n == "0") => {
            match &object.kind {
                ExprKind::Name(x) => Some(x),
                _ => None,
            }
        }
        _ => None,
    }
}

/// `x.strip()`, `x.trimStart()`: `x` with blanks removed at its ends, looked through.
fn unblanked(expr: &Expr) -> &Expr {
    match &expr.kind {
        ExprKind::Call { callee, args, .. } if args.is_empty() => match &callee.kind {
            ExprKind::Attr(inner, m)
                if matches!(
                    m.as_str(),
                    "strip" | "lstrip" | "trim" | "trimStart" | "trimLeft" | "trim_start"
                ) =>
            {
                unblanked(inner)
            }
            _ => expr,
        },
        _ => expr,
    }
}

fn call(
    callee: &Expr,
    args: &[crate::analyze::ir::Arg],
    names: &Names,
    functions: &[Function],
) -> Proofs {
    let none = || (Vec::new(), Vec::new());
    let canonical = names.canonical(callee).unwrap_or_default();
    match (&callee.kind, args) {
        // `ALLOWED.includes(x)`, `allowed.has(x)`, Rust's `ALLOWED.contains(&x)`.
        (ExprKind::Attr(_, method), [arg])
            if method == "includes" || method == "has" || method == "contains" =>
        {
            (membership(&arg.value), Vec::new())
        }
        // `client.redirectUris.some((u) => u === uri)`: equal to one element of a list.
        (ExprKind::Attr(_, method), [arg]) if method == "some" || method == "find" => {
            match equal_to_element(&arg.value, functions) {
                Some(x) => (own(x, taint::ALLOWLIST), Vec::new()),
                None => none(),
            }
        }
        // `/^[a-z0-9-]+$/.test(name)`: an anchored pattern is an allowlist of shapes.
        (ExprKind::Attr(object, method), [arg]) if method == "test" => {
            match (&object.kind, &arg.value.kind) {
                (ExprKind::Str(pattern), ExprKind::Name(x)) if is_anchored_js(pattern) => {
                    (own(x, taint::ALLOWLIST), Vec::new())
                }
                _ => none(),
            }
        }
        (ExprKind::Attr(object, method), [arg])
            if matches!(method.as_str(), "startsWith" | "startswith" | "starts_with") =>
        {
            // `if ref.startswith("-"): raise`: not an option where it does not; nor where
            // its text without leading blanks does not (`ref.strip().startswith("-")`).
            if let ExprKind::Str(prefix) = &arg.value.kind
                && prefix.starts_with('-')
            {
                return match root(unblanked(object)) {
                    Some(x) => (Vec::new(), own(x, taint::OPTION_CHECK)),
                    None => none(),
                };
            }
            let Some(x) = root(object) else {
                return none();
            };
            match &arg.value.kind {
                // A prefix check against a directory with its separator is containment;
                // without one it is a flawed check, which its own rule reports.
                _ if ends_with_separator(&arg.value) => {
                    (own(x, taint::PATH_CONTAINMENT), Vec::new())
                }
                _ => (own(x, taint::PREFIX_CHECK), Vec::new()),
            }
        }
        (ExprKind::Attr(object, method), [_]) if method == "is_relative_to" => match root(object) {
            Some(x) => (own(x, taint::PATH_CONTAINMENT), Vec::new()),
            None => none(),
        },
        // `re.fullmatch(PATTERN, x)`, `re.match(r"^...$", x)`.
        (_, [pattern, value]) if canonical == "re.fullmatch" || canonical == "re.match" => {
            let anchored = canonical == "re.fullmatch"
                || matches!(&pattern.value.kind, ExprKind::Str(p) if p.starts_with('^') && p.ends_with('$'));
            match &value.value.kind {
                ExprKind::Name(x) if anchored => (own(x, taint::ALLOWLIST), Vec::new()),
                _ => none(),
            }
        }
        _ => none(),
    }
}

/// Words in the name of a helper that compares two values as a whole. Whole words only:
/// `eq` is inside `isRequestAllowed`, which compares nothing.
const COMPARING_HELPERS: [&str; 6] = ["match", "matches", "equal", "equals", "same", "eq"];
/// Words that make it a comparison of a part (a prefix test is no membership).
const NOT_EQUALITY: [&str; 5] = ["prefix", "start", "contain", "include", "partial"];

/// Whether a helper's name says it compares two values whole: one of its words is a
/// comparing word and none says it compares a part.
fn names_whole_comparison(helper: &str) -> bool {
    let snake = crate::rules::snake_case(helper);
    let words: Vec<&str> = snake.split('_').filter(|w| !w.is_empty()).collect();
    words.iter().any(|w| COMPARING_HELPERS.contains(w))
        && !words
            .iter()
            .any(|w| NOT_EQUALITY.iter().any(|n| w.starts_with(n)))
}

/// The variable a one-parameter callback compares its element with, for equality and
/// nothing else: `(u) => u === uri` or `u => uri == u`. A prefix or pattern test of each
/// element is no membership.
fn equal_to_element<'e>(callback: &Expr, functions: &'e [Function]) -> Option<&'e str> {
    let ExprKind::Function(id) = &callback.kind else {
        return None;
    };
    let function = functions.get(*id)?;
    let [param] = function.params.as_slice() else {
        return None;
    };
    let [Stmt::Return(Some(body), _)] = function.body.as_slice() else {
        return None;
    };
    // `(registered) => redirectUriMatches(uri, registered)`: a helper that compares the two.
    if let ExprKind::Call { callee, args, .. } = &body.kind {
        let ExprKind::Name(helper) = &callee.kind else {
            return None;
        };
        if !names_whole_comparison(helper) {
            return None;
        }
        let names: Vec<&str> = args
            .iter()
            .filter_map(|a| match &a.value.kind {
                ExprKind::Name(n) if a.keyword.is_none() => Some(n.as_str()),
                _ => None,
            })
            .collect();
        return match names.as_slice() {
            [a, b] if *a == param.name && *b != param.name => Some(b),
            [a, b] if *b == param.name && *a != param.name => Some(a),
            _ => None,
        };
    }
    let ExprKind::Compare(pairs, first) = &body.kind else {
        return None;
    };
    let [(op, rhs)] = pairs.as_slice() else {
        return None;
    };
    if op != "===" && op != "==" {
        return None;
    }
    match (&first.kind, &rhs.kind) {
        (ExprKind::Name(a), ExprKind::Name(b)) if *a == param.name && *b != param.name => Some(b),
        (ExprKind::Name(a), ExprKind::Name(b)) if *b == param.name && *a != param.name => Some(a),
        _ => None,
    }
}

/// `/^...$/` with any flags.
fn is_anchored_js(pattern: &str) -> bool {
    let body = pattern.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    body.starts_with("/^") && body.ends_with("$/") && body.len() > 4
}

fn is_commonpath(expr: &Expr, names: &Names) -> bool {
    match &expr.kind {
        ExprKind::Call { callee, .. } => names
            .canonical(callee)
            .is_some_and(|c| c.ends_with("commonpath")),
        _ => false,
    }
}

/// The variable whose size `expr` reads: `stats.size`, `len(data)`, `os.path.getsize(p)`,
/// `(await fs.stat(p)).size`.
/// A fixed limit: a number, or a constant named in capitals (`MAX_ROWS`).
fn is_bound(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Number(_) => true,
        ExprKind::Name(n) => {
            n.chars().any(|c| c.is_ascii_uppercase())
                && n.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        }
        _ => false,
    }
}

fn size_of(expr: &Expr) -> Option<&str> {
    match &expr.kind {
        ExprKind::Attr(object, field) if SIZE_FIELDS.contains(&field.as_str()) => origin_of(object),
        ExprKind::Call { callee, args, .. } => match &callee.kind {
            ExprKind::Name(n) if n == "len" => args.first().and_then(|a| root(&a.value)),
            ExprKind::Attr(_, m) if m == "getsize" => args.first().and_then(|a| root(&a.value)),
            _ => None,
        },
        _ => None,
    }
}

/// The variable an attribute chain or a call on it reads (`parsed` in `parsed.hostname`,
/// `url` in `urlparse(url).hostname`, `p` in `(await fs.stat(p)).size`).
fn origin_of(expr: &Expr) -> Option<&str> {
    match &expr.kind {
        ExprKind::Name(n) => Some(n),
        ExprKind::Attr(o, _) | ExprKind::Index(o, _) | ExprKind::Await(o) => origin_of(o),
        ExprKind::Call { args, .. } => args.first().and_then(|a| origin_of(&a.value)),
        _ => None,
    }
}

/// What `value` was computed from alone, when that is one variable of the function: the
/// object of a method call on it, or the first argument of a call (`urlparse(url)`,
/// `fs.stat(file)`, `new URL(url)`), through attributes and awaits.
pub(super) fn derived_from<'e>(value: &'e Expr, vars: &super::Vars) -> Option<&'e str> {
    match &value.kind {
        ExprKind::Name(n) => vars.contains(n).then_some(n.as_str()),
        ExprKind::Attr(o, _) | ExprKind::Index(o, _) | ExprKind::Await(o) => derived_from(o, vars),
        ExprKind::Call { callee, args, .. } => {
            if let ExprKind::Attr(object, _) = &callee.kind
                && let Some(x) = derived_from(object, vars)
            {
                return Some(x);
            }
            args.first().and_then(|a| derived_from(&a.value, vars))
        }
        _ => None,
    }
}

/// `root + path.sep`, `root + "/"`, `` `${root}/` ``, `str(root) + os.sep`.
fn ends_with_separator(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Binary(op, _, right) if op == "+" => ends_with_separator(right),
        ExprKind::Str(s) => s.ends_with('/') || s.ends_with('\\'),
        ExprKind::Attr(_, attr) => attr == "sep",
        ExprKind::Template(parts) => {
            matches!(parts.last(), Some(TemplatePart::Text(t)) if t.ends_with('/'))
        }
        _ => false,
    }
}

fn is_literal(expr: &Expr) -> bool {
    matches!(
        expr.kind,
        ExprKind::Str(_) | ExprKind::Number(_) | ExprKind::Bool(_)
    )
}
