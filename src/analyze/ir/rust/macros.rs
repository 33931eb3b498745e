//! Macro invocations. The grammar leaves a macro's input as tokens; the macros whose meaning
//! matters to a taint (`format!` and its family, `vec!`, `concat!`) are read as the
//! expression they expand to, and the arguments of any other macro are read back into
//! expressions from their tokens as far as they are simple (paths, field reads, method calls,
//! literals), else as the names they mention: a value always passes through.

use super::super::lowering::{Lower, Scope, named_children};
use super::super::{Arg, Expr, ExprKind, MAX_DEPTH, TemplatePart};
use super::{FORMAT_MACROS, Lowering};
use crate::analyze::Span;
use std::collections::HashMap;
use tree_sitter::Node;

/// `name!(...)` as an expression.
pub(super) fn lower(l: &mut Lowering<'_>, node: Node<'_>, scope: Scope<'_>, depth: usize) -> Expr {
    let at = Span::of(node);
    let path = node
        .child_by_field_name("macro")
        .map(|m| super::path_text(m, l.text))
        .unwrap_or_default();
    let Some(tokens) = named_children(node)
        .into_iter()
        .find(|c| c.kind() == "token_tree")
    else {
        return call(&path, Vec::new(), at);
    };
    invocation(l, &path, tokens, at, scope, depth)
}

/// The macro `path` over its token tree: also a macro written inside another's tokens
/// (`vec![Content::text(format!("{}", n))]`), which the parser leaves as tokens.
fn invocation(
    l: &mut Lowering<'_>,
    path: &str,
    tokens: Node<'_>,
    at: Span,
    scope: Scope<'_>,
    depth: usize,
) -> Expr {
    let name = path.rsplit('.').next().unwrap_or("").to_string();
    let segments = segments(tokens);
    match name.as_str() {
        "vec" => {
            // `vec![x; n]`: n copies of x.
            let items = match split(&inner_tokens(tokens), ";").first() {
                Some(first) if split(&inner_tokens(tokens), ";").len() > 1 => {
                    vec![expression(l, first, scope, depth)]
                }
                _ => segments
                    .iter()
                    .map(|s| expression(l, s, scope, depth))
                    .collect(),
            };
            Expr {
                kind: ExprKind::List(items),
                span: at,
            }
        }
        "concat" => {
            let parts = segments
                .iter()
                .map(|s| TemplatePart::Value(expression(l, s, scope, depth)))
                .collect();
            Expr {
                kind: ExprKind::Template(parts),
                span: at,
            }
        }
        "write" | "writeln" => {
            let mut args = Vec::new();
            if let Some(dest) = segments.first() {
                args.push(Arg {
                    keyword: None,
                    value: expression(l, dest, scope, depth),
                });
            }
            let rest = segments.get(1..).unwrap_or(&[]);
            args.push(Arg {
                keyword: None,
                value: formatted(l, rest, at, scope, depth),
            });
            call(path, args, at)
        }
        _ if FORMAT_MACROS.contains(&name.as_str()) => {
            // Logging macros may start with `target: "x",`: the format string is the first
            // literal.
            let start = segments
                .iter()
                .position(|s| matches!(s.as_slice(), [one] if is_string(one.kind())))
                .unwrap_or(0);
            let template = formatted(l, segments.get(start..).unwrap_or(&[]), at, scope, depth);
            if matches!(name.as_str(), "format" | "format_args") {
                template
            } else {
                call(
                    path,
                    vec![Arg {
                        keyword: None,
                        value: template,
                    }],
                    at,
                )
            }
        }
        _ => {
            if !PASS_THROUGH.contains(&name.as_str()) {
                l.module.unmodeled_macros += 1;
            }
            let args = arguments(l, tokens, scope, depth);
            call(path, args, at)
        }
    }
}

/// Macros of the standard library and common crates whose value is what passes through
/// their tokens, or nothing a taint cares about (`json!`, `assert!`, `matches!`).
const PASS_THROUGH: [&str; 24] = [
    "json",
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "matches",
    "dbg",
    "env",
    "option_env",
    "include_str",
    "include_bytes",
    "line",
    "file",
    "column",
    "module_path",
    "stringify",
    "cfg",
    "compile_error",
    "select",
    "join",
    "try_join",
    "pin",
];

/// The arguments in a token tree (`(a, b = c)`), `name = value` as a keyword.
pub(super) fn arguments(
    l: &mut Lowering<'_>,
    tokens: Node<'_>,
    scope: Scope<'_>,
    depth: usize,
) -> Vec<Arg> {
    segments(tokens)
        .iter()
        .map(|segment| match segment.as_slice() {
            [key, eq, value @ ..]
                if key.kind() == "identifier" && eq.kind() == "=" && !value.is_empty() =>
            {
                Arg {
                    keyword: Some(l.text_of(*key)),
                    value: expression(l, value, scope, depth),
                }
            }
            _ => Arg {
                keyword: None,
                value: expression(l, segment, scope, depth),
            },
        })
        .collect()
}

fn call(path: &str, args: Vec<Arg>, at: Span) -> Expr {
    Expr {
        kind: ExprKind::Call {
            callee: Box::new(Expr {
                kind: ExprKind::Name(format!("{path}!")),
                span: at,
            }),
            args,
            construct: false,
        },
        span: at,
    }
}

fn is_string(kind: &str) -> bool {
    matches!(kind, "string_literal" | "raw_string_literal")
}

/// The tokens between a token tree's delimiters.
fn inner_tokens(tokens: Node<'_>) -> Vec<Node<'_>> {
    let mut cursor = tokens.walk();
    let all: Vec<Node<'_>> = tokens.children(&mut cursor).collect();
    let end = all.len().saturating_sub(1);
    all.get(1..end)
        .unwrap_or(&[])
        .iter()
        .copied()
        .filter(|c| !matches!(c.kind(), "line_comment" | "block_comment"))
        .collect()
}

fn split<'t>(tokens: &[Node<'t>], separator: &str) -> Vec<Vec<Node<'t>>> {
    let mut out = vec![Vec::new()];
    for t in tokens {
        if t.kind() == separator {
            out.push(Vec::new());
        } else if let Some(last) = out.last_mut() {
            last.push(*t);
        }
    }
    out.retain(|s| !s.is_empty());
    out
}

/// The comma-separated token runs of a token tree.
fn segments(tokens: Node<'_>) -> Vec<Vec<Node<'_>>> {
    split(&inner_tokens(tokens), ",")
}

/// The expression a run of tokens spells: a path, a literal or a group, then field reads,
/// method calls, indexing, `?` and `.await`; anything else is opaque over its names.
fn expression(l: &mut Lowering<'_>, tokens: &[Node<'_>], scope: Scope<'_>, depth: usize) -> Expr {
    let at = match (tokens.first(), tokens.last()) {
        (Some(first), Some(last)) => Span {
            start_row: first.start_position().row,
            start_byte_col: first.start_position().column,
            end_row: last.end_position().row,
            end_byte_col: last.end_position().column,
        },
        _ => return Expr::null(Span::default()),
    };
    if depth > MAX_DEPTH {
        return opaque(l, tokens, at);
    }
    let mut rest = tokens
        .iter()
        .skip_while(|t| {
            matches!(
                t.kind(),
                "&" | "&&" | "*" | "mutable_specifier" | "mut" | "move"
            )
        })
        .copied()
        .peekable();
    let Some(first) = rest.next() else {
        return opaque(l, tokens, at);
    };
    let mut current = match first.kind() {
        // `format!(...)` among the tokens: `name`, `!`, a token tree.
        "identifier" if rest.peek().is_some_and(|t| t.kind() == "!") => {
            rest.next();
            let Some(tree) = rest.next().filter(|t| t.kind() == "token_tree") else {
                return opaque(l, tokens, at);
            };
            let path = l.text_of(first);
            let whole = Span {
                end_row: tree.end_position().row,
                end_byte_col: tree.end_position().column,
                ..Span::of(first)
            };
            invocation(l, &path, tree, whole, scope, depth + 1)
        }
        "identifier" | "self" | "crate" | "super" => Expr {
            kind: ExprKind::Name(l.text_of(first)),
            span: Span::of(first),
        },
        kind if kind.ends_with("_literal") => l.lower_expr(first, scope, depth + 1),
        "token_tree" => Expr {
            kind: ExprKind::Opaque(
                arguments(l, first, scope, depth + 1)
                    .into_iter()
                    .map(|a| a.value)
                    .collect(),
            ),
            span: Span::of(first),
        },
        _ => return opaque(l, tokens, at),
    };
    let grow = |current: Expr, kind: ExprKind, end: Node<'_>| {
        let span = Span {
            end_row: end.end_position().row,
            end_byte_col: end.end_position().column,
            ..current.span
        };
        Expr { kind, span }
    };
    // A chain longer than the depth cap nests too deep to walk: its names are enough.
    let mut links = 0;
    while let Some(token) = rest.next() {
        links += 1;
        if depth + links > MAX_DEPTH {
            return opaque(l, tokens, at);
        }
        match token.kind() {
            "::" | "." => {
                let Some(member) = rest.next() else {
                    return opaque(l, tokens, at);
                };
                current = match member.kind() {
                    "await" => grow(current.clone(), ExprKind::Await(Box::new(current)), member),
                    "identifier" | "integer_literal" => {
                        let name = l.text_of(member);
                        grow(
                            current.clone(),
                            ExprKind::Attr(Box::new(current), name),
                            member,
                        )
                    }
                    _ => return opaque(l, tokens, at),
                };
            }
            "token_tree" => {
                let group = l.text_of(token);
                if group.starts_with('(') {
                    let args = arguments(l, token, scope, depth + 1);
                    current = grow(
                        current.clone(),
                        ExprKind::Call {
                            callee: Box::new(current),
                            args,
                            construct: false,
                        },
                        token,
                    );
                } else if group.starts_with('[') {
                    let index = Expr {
                        kind: ExprKind::Opaque(
                            arguments(l, token, scope, depth + 1)
                                .into_iter()
                                .map(|a| a.value)
                                .collect(),
                        ),
                        span: Span::of(token),
                    };
                    current = grow(
                        current.clone(),
                        ExprKind::Index(Box::new(current), Box::new(index)),
                        token,
                    );
                } else {
                    return opaque(l, tokens, at);
                }
            }
            "?" => {}
            _ => return opaque(l, tokens, at),
        }
    }
    current
}

/// Tokens not read as an expression: the names in them.
fn opaque(l: &Lowering<'_>, tokens: &[Node<'_>], at: Span) -> Expr {
    let mut parts = Vec::new();
    for t in tokens {
        if t.kind() == "identifier" {
            parts.push(Expr {
                kind: ExprKind::Name(l.text_of(*t)),
                span: Span::of(*t),
            });
        } else {
            parts.extend(super::super::names_within(*t, l.text));
        }
    }
    Expr {
        kind: ExprKind::Opaque(parts),
        span: at,
    }
}

/// A format string and its arguments (`"ls {} {path}", a, path = p`) as a template: each
/// placeholder is the argument it names, a captured variable (`{path}`) when no argument
/// does.
fn formatted(
    l: &mut Lowering<'_>,
    segments: &[Vec<Node<'_>>],
    at: Span,
    scope: Scope<'_>,
    depth: usize,
) -> Expr {
    let mut positional = Vec::new();
    let mut named = HashMap::new();
    let mut format = None;
    for (i, segment) in segments.iter().enumerate() {
        match segment.as_slice() {
            [one] if i == 0 && is_string(one.kind()) => format = Some(*one),
            [key, eq, value @ ..]
                if key.kind() == "identifier" && eq.kind() == "=" && !value.is_empty() =>
            {
                let value = expression(l, value, scope, depth);
                named.insert(l.text_of(*key), value);
            }
            _ => positional.push(expression(l, segment, scope, depth)),
        }
    }
    let Some(format) = format else {
        let parts = positional.into_iter().map(TemplatePart::Value).collect();
        return Expr {
            kind: ExprKind::Template(parts),
            span: at,
        };
    };
    let literal = super::string_content(format, l.text);
    let literal_at = Span::of(format);
    let mut parts = Vec::new();
    let mut used = vec![false; positional.len()];
    let mut next = 0;
    let mut text = String::new();
    let mut chars = literal.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                text.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                text.push('}');
            }
            '{' => {
                let mut spec = String::new();
                for d in chars.by_ref() {
                    if d == '}' {
                        break;
                    }
                    spec.push(d);
                }
                let (name, format) = spec.split_once(':').unwrap_or((spec.as_str(), ""));
                let name = name.trim();
                let value = if name.is_empty() {
                    next += 1;
                    if let Some(u) = used.get_mut(next - 1) {
                        *u = true;
                    }
                    positional.get(next - 1).cloned()
                } else if let Ok(index) = name.parse::<usize>() {
                    if let Some(u) = used.get_mut(index) {
                        *u = true;
                    }
                    positional.get(index).cloned()
                } else {
                    Some(named.get(name).cloned().unwrap_or(Expr {
                        kind: ExprKind::Name(name.to_string()),
                        span: literal_at,
                    }))
                };
                if !text.is_empty() {
                    parts.push(TemplatePart::Text(std::mem::take(&mut text)));
                }
                if let Some(value) = value {
                    // `{:x}`, `{:08b}`, `{:e}`: written as digits.
                    let digits = format.ends_with(['x', 'X', 'b', 'o', 'e', 'E']);
                    parts.push(TemplatePart::Value(if digits {
                        super::number(value)
                    } else {
                        value
                    }));
                }
            }
            other => text.push(other),
        }
    }
    if !text.is_empty() {
        parts.push(TemplatePart::Text(text));
    }
    // Arguments no placeholder names (`{:width$}` reads one) still flow into the text.
    for (value, used) in positional.into_iter().zip(used) {
        if !used {
            parts.push(TemplatePart::Value(value));
        }
    }
    Expr {
        kind: ExprKind::Template(parts),
        span: at,
    }
}
