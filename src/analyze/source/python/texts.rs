//! Python expressions that build text the model reads, resolved to the literals they are
//! made of: `"a" "b"`, `"a" + B`, `f"a{B}"`, `textwrap.dedent(B)`, `B.strip()`, where `B` is
//! a name bound once to such an expression in the module or the function.

use super::grammar::{F, K, NodeExt};
use crate::analyze::source::{Description, Piece};
use crate::rules::TextKind;
use std::collections::HashMap;
use tree_sitter::Node;

/// Names bound exactly once, at the top of a module or a function body, to their values.
#[derive(Default)]
pub(super) struct Constants<'t> {
    values: HashMap<String, Option<Node<'t>>>,
}

impl<'t> Constants<'t> {
    /// The single assignments among the statements of `block` (a module or a function's body).
    pub fn of_block(block: Node<'t>, src: &str) -> Constants<'t> {
        let mut values: HashMap<String, Option<Node<'t>>> = HashMap::new();
        let mut cursor = block.walk();
        for statement in block.named_children(&mut cursor) {
            let Some(assignment) = (statement.k() == K::ExpressionStatement)
                .then(|| statement.named_child(0))
                .flatten()
                .filter(|a| a.k() == K::Assignment)
            else {
                continue;
            };
            let (Some(left), Some(right)) = (assignment.field(F::Left), assignment.field(F::Right))
            else {
                continue;
            };
            if left.k() != K::Identifier {
                continue;
            }
            let name = text(left, src).to_string();
            // Bound twice: which text the model gets depends on the run.
            let seen = values.contains_key(&name);
            values.insert(name, (!seen).then_some(right));
        }
        Constants { values }
    }

    fn get(&self, name: &str) -> Option<Node<'t>> {
        self.values.get(name).copied().flatten()
    }
}

/// Nesting and size limits: a hostile file can chain constants or concatenations deeply.
const MAX_DEPTH: usize = 12;
const MAX_PIECES: usize = 256;

/// The literal pieces of the text `node` evaluates to, names looked up in `scopes` (innermost
/// first). Parts that are not constant (a parameter in an f-string) are left out: the checks
/// read what the server itself wrote. Empty when nothing in it is constant.
pub(super) fn resolve(node: Node<'_>, src: &str, scopes: &[&Constants<'_>]) -> Vec<Piece> {
    let mut out = Vec::new();
    collect(node, src, scopes, 0, &mut out);
    out
}

fn collect(
    node: Node<'_>,
    src: &str,
    scopes: &[&Constants<'_>],
    depth: usize,
    out: &mut Vec<Piece>,
) {
    if depth > MAX_DEPTH || out.len() >= MAX_PIECES {
        return;
    }
    let next = depth + 1;
    match node.k() {
        K::String => string_pieces(node, src, scopes, next, out),
        K::ConcatenatedString => {
            let mut cursor = node.walk();
            for part in node.named_children(&mut cursor) {
                collect(part, src, scopes, next, out);
            }
        }
        K::ParenthesizedExpression => {
            if let Some(inner) = node.named_child(0) {
                collect(inner, src, scopes, next, out);
            }
        }
        K::BinaryOperator => {
            let operator = node.field(F::Operator).map(|o| text(o, src));
            if let Some(left) = node.field(F::Left) {
                collect(left, src, scopes, next, out);
            }
            // `"%s" % x` formats `x` into the left side; `+` appends the right side.
            if operator == Some("+")
                && let Some(right) = node.field(F::Right)
            {
                collect(right, src, scopes, next, out);
            }
        }
        K::Identifier => {
            let name = text(node, src);
            if let Some(value) = scopes.iter().find_map(|s| s.get(name)) {
                collect(value, src, scopes, next, out);
            }
        }
        K::Call => call_pieces(node, src, scopes, next, out),
        _ => {}
    }
}

/// The text `node` evaluates to as a text of `kind` about `owner`; `None` when nothing in it
/// is constant.
pub(super) fn text_of(
    node: Node<'_>,
    src: &str,
    scopes: &[&Constants<'_>],
    owner: String,
    kind: TextKind,
) -> Option<Description> {
    let pieces = resolve(node, src, scopes);
    (!pieces.is_empty()).then_some(Description {
        owner,
        kind,
        pieces,
    })
}

/// A string literal's content between its quotes, split around f-string interpolations,
/// whose constant values are resolved in place.
fn string_pieces(
    node: Node<'_>,
    src: &str,
    scopes: &[&Constants<'_>],
    depth: usize,
    out: &mut Vec<Piece>,
) {
    let mut cursor = node.walk();
    let children: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
    let mut at = children
        .iter()
        .find(|c| c.k() == K::StringStart)
        .map_or(node.start_byte(), |s| s.end_byte());
    let end = children
        .iter()
        .rev()
        .find(|c| c.k() == K::StringEnd)
        .map_or(node.end_byte(), |e| e.start_byte());
    let push = |from: usize, to: usize, out: &mut Vec<Piece>| {
        if let Some(text) = src.get(from..to).filter(|t| !t.is_empty()) {
            out.push(Piece {
                start_byte: from,
                text: text.to_string(),
            });
        }
    };
    for interpolation in children.iter().filter(|c| c.k() == K::Interpolation) {
        push(at, interpolation.start_byte(), out);
        if let Some(value) = interpolation.named_child(0) {
            collect(value, src, scopes, depth, out);
        }
        at = interpolation.end_byte();
    }
    push(at, end, out);
}

/// `textwrap.dedent(x)`, `inspect.cleandoc(x)`, `x.strip()`, `x.format(...)`,
/// `"\n".join([a, b])`: the text of `x` (or of `a` and `b`).
fn call_pieces(
    node: Node<'_>,
    src: &str,
    scopes: &[&Constants<'_>],
    depth: usize,
    out: &mut Vec<Piece>,
) {
    let Some(function) = node.field(F::Function) else {
        return;
    };
    let first_argument = node
        .field(F::Arguments)
        .and_then(|a| a.named_child(0))
        .filter(|a| a.k() != K::KeywordArgument);
    let (name, object) = match function.k() {
        K::Identifier => (text(function, src), None),
        K::Attribute => (
            function.field(F::Attribute).map_or("", |a| text(a, src)),
            function.field(F::Object),
        ),
        _ => return,
    };
    match name {
        "dedent" | "cleandoc" => {
            if let Some(argument) = first_argument {
                collect(argument, src, scopes, depth, out);
            }
        }
        "strip" | "lstrip" | "rstrip" | "format" => {
            if let Some(object) = object {
                collect(object, src, scopes, depth, out);
            }
        }
        "join" => {
            if let Some(list) = first_argument.filter(|a| matches!(a.k(), K::List | K::Tuple)) {
                let mut cursor = list.walk();
                for element in list.named_children(&mut cursor) {
                    collect(element, src, scopes, depth, out);
                }
            }
        }
        _ => {}
    }
}

fn text<'s>(node: Node<'_>, src: &'s str) -> &'s str {
    src.get(node.byte_range()).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(src: &str, expr_line: u32) -> Vec<(usize, String)> {
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&tree_sitter_python::LANGUAGE.into())
            .expect("grammar");
        let tree = parser.parse(src, None).expect("parse");
        let root = tree.root_node();
        let consts = Constants::of_block(root, src);
        let statement = root.named_child(expr_line).expect("statement");
        let value = statement
            .named_child(0)
            .and_then(|a| a.field(F::Right))
            .expect("assignment");
        resolve(value, src, &[&consts])
            .into_iter()
            .map(|p| (p.start_byte, p.text))
            .collect()
    }

    #[test]
    fn constants_concatenations_and_fstrings_resolve_to_their_literals() {
        let src = "A = \"x\\u200b\"\nB = (f\"pre {A} {p}\" \"mid\") + A.strip()\n";
        let got = pieces(src, 1);
        let texts: Vec<&str> = got.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(texts, ["pre ", "x\\u200b", " ", "mid", "x\\u200b"]);
        // Each piece points at its own place in the file.
        assert_eq!(src.get(got[1].0..got[1].0 + 7), Some("x\\u200b"));
        assert_eq!(src.get(got[3].0..got[3].0 + 3), Some("mid"));
    }

    #[test]
    fn names_bound_twice_or_in_cycles_are_not_resolved() {
        let src = "A = \"one\"\nA = \"two\"\nB = A + \"!\"\nC = D\nD = C\nE = C\n";
        assert_eq!(pieces(src, 2).len(), 1);
        assert!(pieces(src, 5).is_empty());
    }
}
