//! JavaScript and TypeScript expressions that build text the model reads, resolved to the
//! literals they are made of: `"a" + B`, `` `a${B}` ``, `B.trim()`, `[A, B].join("\n")`,
//! `` dedent`...` ``, where `B` is a module-level `const` bound to such an expression.

use super::grammar::{F, field, kind_of};
use super::names::{named_children, text};
use crate::analyze::source::Piece;
use rustc_hash::FxHashMap;
use tree_sitter::Node;

/// Module-level names bound once, to their values (`None`: bound more than once).
pub(super) type Constants<'t> = FxHashMap<String, Option<Node<'t>>>;

/// Nesting and size limits: a hostile file can chain constants or concatenations deeply.
const MAX_DEPTH: usize = 12;
const MAX_PIECES: usize = 256;

/// The literal pieces of the text `node` evaluates to. Parts that are not constant (a
/// parameter in a template) are left out. Empty when nothing in it is constant.
pub(super) fn resolve(node: Node<'_>, src: &str, constants: &Constants<'_>) -> Vec<Piece> {
    let mut out = Vec::new();
    collect(node, src, constants, 0, &mut out);
    out
}

fn collect(
    node: Node<'_>,
    src: &str,
    constants: &Constants<'_>,
    depth: usize,
    out: &mut Vec<Piece>,
) {
    if depth > MAX_DEPTH || out.len() >= MAX_PIECES {
        return;
    }
    let next = depth + 1;
    match kind_of(node) {
        "string" => push(
            node.start_byte() + 1,
            node.end_byte().saturating_sub(1),
            src,
            out,
        ),
        "template_string" => {
            let mut at = node.start_byte() + 1;
            for substitution in named_children(node)
                .into_iter()
                .filter(|c| kind_of(c) == "template_substitution")
            {
                push(at, substitution.start_byte(), src, out);
                if let Some(value) = named_children(substitution).first() {
                    collect(*value, src, constants, next, out);
                }
                at = substitution.end_byte();
            }
            push(at, node.end_byte().saturating_sub(1), src, out);
        }
        "parenthesized_expression" | "as_expression" | "satisfies_expression" => {
            if let Some(inner) = named_children(node).first() {
                collect(*inner, src, constants, next, out);
            }
        }
        "binary_expression" if field(node, F::Operator).is_some_and(|o| text(o, src) == "+") => {
            for side in [F::Left, F::Right] {
                if let Some(part) = field(node, side) {
                    collect(part, src, constants, next, out);
                }
            }
        }
        "identifier" => {
            if let Some(value) = constants.get(text(node, src)).copied().flatten() {
                collect(value, src, constants, next, out);
            }
        }
        "call_expression" => call_pieces(node, src, constants, next, out),
        _ => {}
    }
}

/// `` dedent`...` `` and `dedent("...")`, `x.trim()`, `[a, b].join("\n")`.
fn call_pieces(
    node: Node<'_>,
    src: &str,
    constants: &Constants<'_>,
    depth: usize,
    out: &mut Vec<Piece>,
) {
    let Some(function) = field(node, F::Function) else {
        return;
    };
    let arguments = field(node, F::Arguments);
    match kind_of(function) {
        "identifier" if matches!(text(function, src), "dedent" | "outdent" | "stripIndent") => {
            let Some(arguments) = arguments else { return };
            let first = if kind_of(arguments) == "template_string" {
                Some(arguments)
            } else {
                named_children(arguments).first().copied()
            };
            if let Some(first) = first {
                collect(first, src, constants, depth, out);
            }
        }
        "member_expression" => {
            let (Some(object), Some(method)) =
                (field(function, F::Object), field(function, F::Property))
            else {
                return;
            };
            match text(method, src) {
                "trim" | "trimStart" | "trimEnd" => collect(object, src, constants, depth, out),
                "join" if kind_of(object) == "array" => {
                    for element in named_children(object) {
                        collect(element, src, constants, depth, out);
                    }
                }
                _ => {}
            }
        }
        _ => {}
    }
}

fn push(from: usize, to: usize, src: &str, out: &mut Vec<Piece>) {
    if let Some(text) = src.get(from..to).filter(|t| !t.is_empty()) {
        out.push(Piece {
            start_byte: from,
            text: text.to_string(),
        });
    }
}
