//! Python expressions that build text the model reads, resolved to the literals they are
//! made of: `"a" "b"`, `"a" + B`, `f"a{B}"`, `textwrap.dedent(B)`, `B.strip()`, `D["key"]`,
//! where `B` and `D` are names bound once to such an expression (or a dict of them) in the
//! module or the function.

use super::grammar::{F, K, NodeExt};
use crate::analyze::source::model_text::{EntryKey, ImportedName};
use crate::analyze::source::{Description, Piece};
use crate::rules::TextKind;
use std::collections::HashMap;
use tree_sitter::Node;

/// The names bound in a module or a function body (branches, loops, `with` and `try` blocks
/// included; nested functions and classes are their own scopes), each with its values in
/// source order and the block that binds it.
#[derive(Default)]
pub(super) struct Constants<'t> {
    values: HashMap<String, Vec<(Node<'t>, Node<'t>)>>,
    /// A function body runs top to bottom: a name means its last binding before the use in
    /// a block around it. A module's names are read later, by functions: only a name bound
    /// once means one text.
    in_order: bool,
    /// Attributes of the module's classes bound in their bodies (`GitTools.STATUS` after
    /// `class GitTools(str, Enum): STATUS = "git_status"`), each with its values: names of
    /// tools, not texts, so only `constant_string` reads them.
    class_attributes: HashMap<String, Vec<Node<'t>>>,
}

/// How deep blocks nest before the rest is left out: a hostile file can nest thousands.
const MAX_BLOCK_DEPTH: usize = 32;

impl<'t> Constants<'t> {
    /// The names of a module, each meaning a text only when bound once.
    pub fn of_module(module: Node<'t>, src: &str) -> Constants<'t> {
        let mut constants = Constants::default();
        constants.add_block(module, src, 0);
        constants
    }

    /// The names of a function body, read in order.
    pub fn of_function(body: Node<'t>, src: &str) -> Constants<'t> {
        let mut constants = Constants {
            in_order: true,
            ..Constants::default()
        };
        constants.add_block(body, src, 0);
        constants
    }

    fn add_block(&mut self, block: Node<'t>, src: &str, depth: usize) {
        if depth > MAX_BLOCK_DEPTH {
            return;
        }
        let mut cursor = block.walk();
        for statement in block.named_children(&mut cursor) {
            match statement.k() {
                K::ExpressionStatement => self.add_assignment(statement, block, src),
                K::ClassDefinition | K::DecoratedDefinition if !self.in_order && depth == 0 => {
                    self.add_class_attributes(statement, src);
                }
                K::FunctionDefinition | K::ClassDefinition | K::DecoratedDefinition => {}
                // `if`/`for`/`while`/`try`/`with`/`match`: their blocks, and the blocks of
                // their `elif`/`else`/`except`/`finally`/`case` clauses.
                _ => {
                    let mut inner = statement.walk();
                    for part in statement.named_children(&mut inner) {
                        if part.k() == K::Block {
                            self.add_block(part, src, depth + 1);
                        } else if part.kind().ends_with("_clause") {
                            let mut clause = part.walk();
                            for body in part.named_children(&mut clause) {
                                if body.k() == K::Block {
                                    self.add_block(body, src, depth + 1);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    fn add_assignment(&mut self, statement: Node<'t>, block: Node<'t>, src: &str) {
        let Some(assignment) = statement.named_child(0).filter(|a| a.k() == K::Assignment) else {
            return;
        };
        let (Some(left), Some(right)) = (assignment.field(F::Left), assignment.field(F::Right))
        else {
            return;
        };
        if left.k() != K::Identifier {
            return;
        }
        self.values
            .entry(text(left, src).to_string())
            .or_default()
            .push((right, block));
    }

    /// `NAME = value` statements of a module-level class body, as `Class.NAME`.
    fn add_class_attributes(&mut self, statement: Node<'t>, src: &str) {
        let class = if statement.k() == K::DecoratedDefinition {
            statement.field(F::Definition)
        } else {
            Some(statement)
        };
        let Some(class) = class.filter(|c| c.k() == K::ClassDefinition) else {
            return;
        };
        let (Some(name), Some(body)) = (class.field(F::Name), class.field(F::Body)) else {
            return;
        };
        let class_name = text(name, src);
        let mut cursor = body.walk();
        for statement in body.named_children(&mut cursor) {
            if let Some(assignment) = statement
                .named_child(0)
                .filter(|a| statement.k() == K::ExpressionStatement && a.k() == K::Assignment)
                && let (Some(left), Some(right)) =
                    (assignment.field(F::Left), assignment.field(F::Right))
                && left.k() == K::Identifier
            {
                self.class_attributes
                    .entry(format!("{class_name}.{}", text(left, src)))
                    .or_default()
                    .push(right);
            }
        }
    }

    /// The value `name` has where the byte at `at` reads it.
    fn get(&self, name: &str, at: usize) -> Option<Node<'t>> {
        let bindings = self.values.get(name)?;
        if !self.in_order {
            // Bound twice: which text the model gets depends on the run.
            return match bindings.as_slice() {
                [(value, _)] => Some(*value),
                _ => None,
            };
        }
        bindings
            .iter()
            .rev()
            .find(|(value, block)| {
                value.end_byte() <= at && block.start_byte() <= at && at < block.end_byte()
            })
            .map(|(value, _)| *value)
    }
}

/// The one string `node` is, when it is constant: a literal without interpolations, a name
/// bound to one, or an attribute a class body binds once to one (`GitTools.STATUS`): what a
/// tool's `name=` resolves to.
pub(super) fn constant_string(
    node: Node<'_>,
    src: &str,
    constants: &Constants<'_>,
) -> Option<String> {
    let mut node = node;
    let mut at = node.start_byte();
    for _ in 0..MAX_DEPTH {
        let next = match node.k() {
            K::String => return plain_string(node, src).map(str::to_string),
            K::Identifier => constants.get(text(node, src), at)?,
            K::Attribute => {
                // `TimeTools.NOW.value`: an enum member's value is what it was bound to.
                let path = text(node, src);
                let member = path.strip_suffix(".value").unwrap_or(path);
                match constants.class_attributes.get(member)?.as_slice() {
                    [value] => *value,
                    _ => return None,
                }
            }
            _ => return None,
        };
        at = next.start_byte();
        node = next;
    }
    None
}

/// Nesting and size limits: a hostile file can chain constants or concatenations deeply.
const MAX_DEPTH: usize = 12;
const MAX_PIECES: usize = 256;

/// The literal pieces of the text `node` evaluates to, names looked up in `scopes` (innermost
/// first). Parts that are not constant (a parameter in an f-string) are left out: the checks
/// read what the server itself wrote. Empty when nothing in it is constant.
#[cfg(test)]
fn resolve(node: Node<'_>, src: &str, scopes: &[&Constants<'_>]) -> Vec<Piece> {
    let mut pieces = Vec::new();
    Resolver::new(src, scopes).collect(node, 0, &mut pieces);
    pieces
}

/// The texts `node` evaluates to as texts of `kind` about `owner`: the text itself, and each
/// value of a dict of constants it looks up by a key chosen at run time (`PAGES[url]`), as a
/// text of its own. Empty when nothing in it is constant.
pub(super) fn text_of(
    node: Node<'_>,
    src: &str,
    scopes: &[&Constants<'_>],
    owner: String,
    kind: TextKind,
) -> Vec<Description> {
    let mut resolver = Resolver::new(src, scopes);
    let mut pieces = Vec::new();
    resolver.collect(node, 0, &mut pieces);
    let mut texts: Vec<Description> = std::iter::once(pieces)
        .chain(std::mem::take(&mut resolver.alternatives))
        .filter(|pieces| !pieces.is_empty())
        .map(|pieces| Description {
            owner: owner.clone(),
            kind,
            pieces,
            imported: None,
        })
        .collect();
    if texts.is_empty()
        && let Some(name) = unbound_name(node, &resolver)
    {
        texts.push(Description {
            owner,
            kind,
            pieces: Vec::new(),
            imported: Some(name),
        });
    }
    texts
}

/// `NAME` or `module.NAME` where no scope binds the first name, perhaps a constant of
/// another module; or an entry of one (`NAME["key"]`, `NAME[key]`).
fn unbound_name(node: Node<'_>, resolver: &Resolver<'_, '_, '_>) -> Option<ImportedName> {
    let mut node = node;
    while node.k() == K::ParenthesizedExpression {
        node = node.named_child(0)?;
    }
    let mut key = None;
    if node.k() == K::Subscript {
        let subscript = node.field(F::Subscript)?;
        key = Some(match plain_string(subscript, resolver.src) {
            Some(literal) => EntryKey::Literal(literal.to_string()),
            None => EntryKey::Any,
        });
        node = node.field(F::Value)?;
    }
    let head = match node.k() {
        K::Identifier => node,
        K::Attribute => node.field(F::Object).filter(|o| o.k() == K::Identifier)?,
        _ => return None,
    };
    resolver.lookup(head).is_none().then(|| ImportedName {
        written: text(node, resolver.src).to_string(),
        key,
        start_byte: node.start_byte(),
    })
}

/// The module's names bound once to a constant text, named as constants are (upper case): a
/// tool of another module may import one as its description.
pub(super) fn text_constants(
    constants: &Constants<'_>,
    src: &str,
) -> Vec<crate::analyze::source::model_text::TextConstant> {
    let mut out = Vec::new();
    for (name, bindings) in &constants.values {
        let constant_like = name.chars().any(|c| c.is_ascii_uppercase())
            && name
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        let [(value, _)] = bindings.as_slice() else {
            continue;
        };
        if constant_like && value.k() == K::Dictionary {
            dict_constants(name, *value, constants, src, &mut out);
            continue;
        }
        if !constant_like
            || !matches!(
                value.k(),
                K::String
                    | K::ConcatenatedString
                    | K::BinaryOperator
                    | K::Call
                    | K::ParenthesizedExpression
            )
        {
            continue;
        }
        let mut pieces = Vec::new();
        Resolver::new(src, &[constants]).collect(*value, 0, &mut pieces);
        if !pieces.is_empty() {
            out.push(crate::analyze::source::model_text::TextConstant {
                name: name.clone(),
                key: None,
                pieces,
            });
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// The entries of a dict constant keyed by strings (`DOCS = {"read": "..."}`), each a text.
fn dict_constants(
    name: &str,
    dict: Node<'_>,
    constants: &Constants<'_>,
    src: &str,
    out: &mut Vec<crate::analyze::source::model_text::TextConstant>,
) {
    let mut cursor = dict.walk();
    for pair in dict
        .named_children(&mut cursor)
        .filter(|p| p.k() == K::Pair)
        .take(MAX_PIECES)
    {
        let (Some(key), Some(value)) = (pair.field(F::Key), pair.field(F::Value)) else {
            continue;
        };
        let Some(key) = plain_string(key, src) else {
            continue;
        };
        let mut pieces = Vec::new();
        Resolver::new(src, &[constants]).collect(value, 0, &mut pieces);
        if !pieces.is_empty() {
            out.push(crate::analyze::source::model_text::TextConstant {
                name: name.to_string(),
                key: Some(key.to_string()),
                pieces,
            });
        }
    }
}

struct Resolver<'s, 'c, 'n> {
    src: &'s str,
    scopes: &'c [&'c Constants<'n>],
    /// Pieces produced so far, over every text: the size limit.
    produced: usize,
    /// The values a lookup by a run-time key may give, each a text of its own.
    alternatives: Vec<Vec<Piece>>,
}

impl<'s, 'c, 'n> Resolver<'s, 'c, 'n> {
    fn new(src: &'s str, scopes: &'c [&'c Constants<'n>]) -> Self {
        Resolver {
            src,
            scopes,
            produced: 0,
            alternatives: Vec::new(),
        }
    }

    fn push(&mut self, from: usize, to: usize, out: &mut Vec<Piece>) {
        if let Some(text) = self.src.get(from..to).filter(|t| !t.is_empty()) {
            self.produced += 1;
            out.push(Piece {
                start_byte: from,
                text: text.to_string(),
            });
        }
    }

    /// The value of the name `node`.
    fn lookup(&self, node: Node<'_>) -> Option<Node<'n>> {
        let name = text(node, self.src);
        self.scopes
            .iter()
            .find_map(|s| s.get(name, node.start_byte()))
    }

    fn collect(&mut self, node: Node<'_>, depth: usize, out: &mut Vec<Piece>) {
        if depth > MAX_DEPTH || self.produced >= MAX_PIECES {
            return;
        }
        let next = depth + 1;
        match node.k() {
            K::String => self.string_pieces(node, next, out),
            K::ConcatenatedString => {
                let mut cursor = node.walk();
                for part in node.named_children(&mut cursor) {
                    self.collect(part, next, out);
                }
            }
            K::ParenthesizedExpression => {
                if let Some(inner) = node.named_child(0) {
                    self.collect(inner, next, out);
                }
            }
            K::BinaryOperator => {
                let operator = node.field(F::Operator).map(|o| text(o, self.src));
                if let Some(left) = node.field(F::Left) {
                    self.collect(left, next, out);
                }
                // `"%s" % x` formats `x` into the left side; `+` appends the right side.
                if operator == Some("+")
                    && let Some(right) = node.field(F::Right)
                {
                    self.collect(right, next, out);
                }
            }
            K::Identifier => {
                if let Some(value) = self.lookup(node) {
                    self.collect(value, next, out);
                }
            }
            K::Subscript => {
                if let (Some(dict), Some(key)) = (node.field(F::Value), node.field(F::Subscript)) {
                    self.dict_entry(dict, Some(key), None, next, out);
                }
            }
            K::Call => self.call_pieces(node, next, out),
            _ => {}
        }
    }

    /// `D[key]` or `D.get(key, default)` where `D` is a dict literal bound once: the value of
    /// a constant key in place, else every value (and the default) as texts of their own.
    fn dict_entry(
        &mut self,
        dict: Node<'_>,
        key: Option<Node<'_>>,
        default: Option<Node<'_>>,
        depth: usize,
        out: &mut Vec<Piece>,
    ) {
        let Some(literal) = (match dict.k() {
            K::Dictionary => Some(dict),
            K::Identifier => self.lookup(dict),
            _ => None,
        })
        .filter(|d| d.k() == K::Dictionary) else {
            return;
        };
        let wanted = key.and_then(|k| {
            let mut pieces = Vec::new();
            self.collect(k, depth, &mut pieces);
            let joined: String = pieces.iter().map(|p| p.text.as_str()).collect();
            (!joined.is_empty()).then_some(joined)
        });
        let mut cursor = literal.walk();
        let pairs: Vec<(Node<'_>, Node<'_>)> = literal
            .named_children(&mut cursor)
            .filter(|p| p.k() == K::Pair)
            .filter_map(|p| Some((p.field(F::Key)?, p.field(F::Value)?)))
            .collect();
        if let Some(wanted) = wanted {
            let src = self.src;
            let found = pairs
                .iter()
                .find(|(k, _)| plain_string(*k, src) == Some(wanted.as_str()));
            match (found, default) {
                (Some((_, value)), _) => self.collect(*value, depth, out),
                (None, Some(default)) => self.collect(default, depth, out),
                (None, None) => {}
            }
            return;
        }
        for value in pairs.iter().map(|(_, v)| *v).chain(default) {
            let mut pieces = Vec::new();
            self.collect(value, depth, &mut pieces);
            if !pieces.is_empty() {
                self.alternatives.push(pieces);
            }
        }
    }

    /// A string literal's content between its quotes, split around f-string interpolations,
    /// whose constant values are resolved in place.
    fn string_pieces(&mut self, node: Node<'_>, depth: usize, out: &mut Vec<Piece>) {
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
        for interpolation in children.iter().filter(|c| c.k() == K::Interpolation) {
            self.push(at, interpolation.start_byte(), out);
            if let Some(value) = interpolation.named_child(0) {
                self.collect(value, depth, out);
            }
            at = interpolation.end_byte();
        }
        self.push(at, end, out);
    }

    /// `textwrap.dedent(x)`, `inspect.cleandoc(x)`, `x.strip()`, `x.format(...)`,
    /// `"\n".join([a, b])`, `D.get(key, default)`: the text of `x` (of `a` and `b`, of the
    /// entry).
    fn call_pieces(&mut self, node: Node<'_>, depth: usize, out: &mut Vec<Piece>) {
        let Some(function) = node.field(F::Function) else {
            return;
        };
        let positional: Vec<Node<'_>> = node
            .field(F::Arguments)
            .map(|a| {
                let mut cursor = a.walk();
                a.named_children(&mut cursor)
                    .take_while(|a| a.k() != K::KeywordArgument)
                    .take(2)
                    .collect()
            })
            .unwrap_or_default();
        let first_argument = positional.first().copied();
        let (name, object) = match function.k() {
            K::Identifier => (text(function, self.src), None),
            K::Attribute => (
                function
                    .field(F::Attribute)
                    .map_or("", |a| text(a, self.src)),
                function.field(F::Object),
            ),
            _ => return,
        };
        match name {
            "dedent" | "cleandoc" => {
                if let Some(argument) = first_argument {
                    self.collect(argument, depth, out);
                }
            }
            "strip" | "lstrip" | "rstrip" | "format" => {
                if let Some(object) = object {
                    self.collect(object, depth, out);
                }
            }
            "join" => {
                if let Some(list) = first_argument.filter(|a| matches!(a.k(), K::List | K::Tuple)) {
                    let mut cursor = list.walk();
                    for element in list.named_children(&mut cursor) {
                        self.collect(element, depth, out);
                    }
                }
            }
            "get" => {
                if let Some(object) = object {
                    self.dict_entry(
                        object,
                        first_argument,
                        positional.get(1).copied(),
                        depth,
                        out,
                    );
                }
            }
            _ => {}
        }
    }
}

/// The content of a string literal without interpolations, between its quotes.
fn plain_string<'s>(node: Node<'_>, src: &'s str) -> Option<&'s str> {
    if node.k() != K::String {
        return None;
    }
    let mut cursor = node.walk();
    let mut start = node.start_byte();
    let mut end = node.end_byte();
    for child in node.named_children(&mut cursor) {
        match child.k() {
            K::StringStart => start = child.end_byte(),
            K::StringEnd => end = child.start_byte(),
            K::Interpolation => return None,
            _ => {}
        }
    }
    src.get(start..end)
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
        let consts = Constants::of_module(root, src);
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
