//! JavaScript and TypeScript expressions that build text the model reads, resolved to the
//! literals they are made of: `"a" + B`, `` `a${B}` ``, `B.trim()`, `[A, B].join("\n")`,
//! `` dedent`...` ``, `D["key"]`, where `B` and `D` are names bound to such an expression (or
//! an object of them): at module level once, or by a `const` in a block around the use.

use super::grammar::{F, field, kind_of};
use super::names::{named_children, text};
use crate::analyze::source::Piece;
use rustc_hash::FxHashMap;
use tree_sitter::Node;

/// The names whose values a text may be built from.
#[derive(Default)]
pub(super) struct Constants<'t> {
    /// Module-level names, to their value (`None`: bound more than once, so which text the
    /// model gets depends on the run).
    module: FxHashMap<String, Option<Node<'t>>>,
    /// `const` declarations inside functions, with the block they are declared in.
    local: FxHashMap<String, Vec<(Node<'t>, Node<'t>)>>,
}

impl<'t> Constants<'t> {
    pub(super) fn bind_module(&mut self, name: &str, value: Node<'t>) {
        let seen = self.module.contains_key(name);
        self.module
            .insert(name.to_string(), (!seen).then_some(value));
    }

    pub(super) fn bind_local(&mut self, name: &str, value: Node<'t>, block: Node<'t>) {
        self.local
            .entry(name.to_string())
            .or_default()
            .push((value, block));
    }

    /// The module-level names bound once, with their values.
    pub(super) fn module_bindings(&self) -> impl Iterator<Item = (&str, Node<'t>)> + '_ {
        self.module
            .iter()
            .filter_map(|(name, value)| Some((name.as_str(), (*value)?)))
    }

    /// The value of the name `node`: a `const` declared before it in the innermost block
    /// around it, else a module-level name.
    fn get(&self, node: Node<'_>, src: &str) -> Option<Node<'t>> {
        let name = text(node, src);
        let at = node.start_byte();
        let local = self.local.get(name).and_then(|bindings| {
            bindings
                .iter()
                .filter(|(value, block)| {
                    value.end_byte() <= at && block.start_byte() <= at && at < block.end_byte()
                })
                .min_by_key(|(_, block)| block.end_byte() - block.start_byte())
                .map(|(value, _)| *value)
        });
        local.or_else(|| self.module.get(name).copied().flatten())
    }
}

/// The one string `node` is when it is constant: a literal without substitutions, a name
/// bound to one, an entry of an object constant (`TOOLS.run.name`, `NAMES["run"]`) or a
/// member of an enum (`ToolName.ECHO`): what a tool's name resolves to.
pub(super) fn constant_string(
    node: Node<'_>,
    src: &str,
    constants: &Constants<'_>,
) -> Option<String> {
    let value = constant_node(node, src, constants, 0)?;
    super::names::string_value(value, src).map(str::to_string)
}

/// The object literal `node` is when it is one: the literal itself, a name bound to one, or
/// an entry of one (`TOOLS.run`): a tool's configuration object, found by its name.
pub(super) fn constant_object<'t>(
    node: Node<'t>,
    src: &str,
    constants: &Constants<'t>,
) -> Option<Node<'t>> {
    constant_node(node, src, constants, 0).filter(|n| kind_of(*n) == "object")
}

/// The literal (string, object, enum body) `node` evaluates to through names and entries.
fn constant_node<'t>(
    node: Node<'t>,
    src: &str,
    constants: &Constants<'t>,
    depth: usize,
) -> Option<Node<'t>> {
    if depth > MAX_DEPTH {
        return None;
    }
    let next = depth + 1;
    match kind_of(node) {
        "string" | "template_string" | "object" | "enum_body" => Some(node),
        "identifier" | "shorthand_property_identifier" => {
            constant_node(constants.get(node, src)?, src, constants, next)
        }
        "parenthesized_expression" | "as_expression" | "satisfies_expression" => {
            constant_node(*named_children(node).first()?, src, constants, next)
        }
        "member_expression" | "subscript_expression" => {
            let object = constant_node(field(node, F::Object)?, src, constants, next)?;
            // The depth carries on into the key: `const A = B[A]` must not loop.
            let wanted = match field(node, F::Property) {
                Some(property) => text(property, src),
                None => {
                    let key = constant_node(field(node, F::Index)?, src, constants, next)?;
                    super::names::string_value(key, src)?
                }
            };
            let value = named_children(object).into_iter().find_map(|entry| {
                let (key, value) = match kind_of(entry) {
                    "pair" => super::names::pair_entry(entry, src)?,
                    "enum_assignment" => {
                        (text(field(entry, F::Name)?, src), field(entry, F::Value)?)
                    }
                    _ => return None,
                };
                (key == wanted).then_some(value)
            })?;
            constant_node(value, src, constants, next)
        }
        _ => None,
    }
}

/// Nesting and size limits: a hostile file can chain constants or concatenations deeply.
const MAX_DEPTH: usize = 12;
const MAX_PIECES: usize = 256;

/// The texts `node` evaluates to: its literal pieces (parts that are not constant, a
/// parameter in a template, are left out), then each value of an object of constants it
/// looks up by a key chosen at run time (`PAGES[url]`) as a text of its own. Texts with
/// nothing constant in them are left out.
pub(super) fn resolve(node: Node<'_>, src: &str, constants: &Constants<'_>) -> Vec<Vec<Piece>> {
    let mut out = Vec::new();
    let mut alternatives = Vec::new();
    collect(node, src, constants, 0, &mut out, &mut alternatives);
    std::iter::once(out)
        .chain(alternatives)
        .filter(|pieces| !pieces.is_empty())
        .collect()
}

fn collect(
    node: Node<'_>,
    src: &str,
    constants: &Constants<'_>,
    depth: usize,
    out: &mut Vec<Piece>,
    alternatives: &mut Vec<Vec<Piece>>,
) {
    let produced = out.len() + alternatives.iter().map(Vec::len).sum::<usize>();
    if depth > MAX_DEPTH || produced >= MAX_PIECES {
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
                    collect(*value, src, constants, next, out, alternatives);
                }
                at = substitution.end_byte();
            }
            push(at, node.end_byte().saturating_sub(1), src, out);
        }
        "parenthesized_expression" | "as_expression" | "satisfies_expression" => {
            if let Some(inner) = named_children(node).first() {
                collect(*inner, src, constants, next, out, alternatives);
            }
        }
        "binary_expression" if field(node, F::Operator).is_some_and(|o| text(o, src) == "+") => {
            for side in [F::Left, F::Right] {
                if let Some(part) = field(node, side) {
                    collect(part, src, constants, next, out, alternatives);
                }
            }
        }
        "identifier" => {
            if let Some(value) = constants.get(node, src) {
                collect(value, src, constants, next, out, alternatives);
            }
        }
        "subscript_expression" => {
            if let (Some(object), Some(index)) = (field(node, F::Object), field(node, F::Index)) {
                entry(
                    object,
                    Key::Computed(index),
                    src,
                    constants,
                    next,
                    out,
                    alternatives,
                );
            }
        }
        "member_expression" => {
            if let (Some(object), Some(property)) =
                (field(node, F::Object), field(node, F::Property))
            {
                let key = Key::Named(text(property, src));
                entry(object, key, src, constants, next, out, alternatives);
            }
        }
        // `PAGES[url] ?? "not found"`, `PAGES[url] || fallback`: either side.
        "binary_expression"
            if field(node, F::Operator).is_some_and(|o| matches!(text(o, src), "??" | "||")) =>
        {
            for side in [F::Left, F::Right] {
                if let Some(part) = field(node, side) {
                    let mut pieces = Vec::new();
                    collect(part, src, constants, next, &mut pieces, alternatives);
                    if !pieces.is_empty() {
                        alternatives.push(pieces);
                    }
                }
            }
        }
        "call_expression" => call_pieces(node, src, constants, next, out, alternatives),
        _ => {}
    }
}

/// How an object's entry is chosen: `D.name`, `D[expression]`.
enum Key<'s, 't> {
    Named(&'s str),
    Computed(Node<'t>),
}

/// `D[key]` or `D.key` where `D` is an object literal: the value of a constant key in place,
/// else every value as a text of its own.
fn entry(
    object: Node<'_>,
    key: Key<'_, '_>,
    src: &str,
    constants: &Constants<'_>,
    depth: usize,
    out: &mut Vec<Piece>,
    alternatives: &mut Vec<Vec<Piece>>,
) {
    let literal = match kind_of(object) {
        "object" => Some(object),
        "identifier" => constants.get(object, src),
        _ => None,
    };
    let Some(literal) = literal.filter(|o| kind_of(*o) == "object") else {
        return;
    };
    let pairs: Vec<(Node<'_>, Node<'_>)> = named_children(literal)
        .into_iter()
        .filter(|p| kind_of(*p) == "pair")
        .filter_map(|p| Some((field(p, F::Key)?, field(p, F::Value)?)))
        .collect();
    let wanted: String = match key {
        Key::Named(name) => name.to_string(),
        Key::Computed(index) => {
            let mut key = Vec::new();
            collect(index, src, constants, depth, &mut key, &mut Vec::new());
            key.iter().map(|p| p.text.as_str()).collect()
        }
    };
    if !wanted.is_empty() {
        let key_text = |k: Node<'_>| match kind_of(k) {
            "string" => src.get(k.start_byte() + 1..k.end_byte().saturating_sub(1)),
            "property_identifier" => Some(text(k, src)),
            _ => None,
        };
        if let Some((_, value)) = pairs.iter().find(|(k, _)| key_text(*k) == Some(&wanted)) {
            collect(*value, src, constants, depth, out, alternatives);
        }
        return;
    }
    for (_, value) in pairs {
        let mut pieces = Vec::new();
        collect(value, src, constants, depth, &mut pieces, alternatives);
        if !pieces.is_empty() {
            alternatives.push(pieces);
        }
    }
}

/// `` dedent`...` `` and `dedent("...")`, `x.trim()`, `[a, b].join("\n")`.
fn call_pieces(
    node: Node<'_>,
    src: &str,
    constants: &Constants<'_>,
    depth: usize,
    out: &mut Vec<Piece>,
    alternatives: &mut Vec<Vec<Piece>>,
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
                collect(first, src, constants, depth, out, alternatives);
            }
        }
        "member_expression" => {
            let (Some(object), Some(method)) =
                (field(function, F::Object), field(function, F::Property))
            else {
                return;
            };
            match text(method, src) {
                "trim" | "trimStart" | "trimEnd" => {
                    collect(object, src, constants, depth, out, alternatives)
                }
                "join" if kind_of(object) == "array" => {
                    for element in named_children(object) {
                        collect(element, src, constants, depth, out, alternatives);
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
