//! Node kinds and fields by id. `Node::kind()` measures and validates the name's C string on
//! every call, and `child_by_field_name` searches the grammar's field names; with three
//! grammars (TypeScript, TSX, JavaScript) numbering their symbols differently, these per-grammar
//! tables turn both into an index. The front end selects its table per file (`enter`).

use super::Dialect;
use std::cell::Cell;
use std::num::NonZeroU16;
use std::sync::OnceLock;
use tree_sitter::Node;

/// The fields the front end reads.
#[derive(Clone, Copy, Debug)]
pub enum F {
    Alias,
    Arguments,
    Declaration,
    Function,
    Index,
    Key,
    Left,
    Name,
    Object,
    Operator,
    Parameter,
    Parameters,
    Property,
    Right,
    Source,
    Value,
}

const FIELD_NAMES: [&str; 16] = [
    "alias",
    "arguments",
    "declaration",
    "function",
    "index",
    "key",
    "left",
    "name",
    "object",
    "operator",
    "parameter",
    "parameters",
    "property",
    "right",
    "source",
    "value",
];

pub struct Tables {
    kinds: Vec<&'static str>,
    fields: [Option<NonZeroU16>; FIELD_NAMES.len()],
}

impl Tables {
    fn build(language: &tree_sitter::Language) -> Tables {
        let kinds = (0..language.node_kind_count())
            .map(|id| {
                u16::try_from(id)
                    .ok()
                    .and_then(|id| language.node_kind_for_id(id))
                    // Built once per grammar and process, so the few hundred names live as
                    // long as the program.
                    .map_or("", |name| &*Box::leak(name.to_string().into_boxed_str()))
            })
            .collect();
        Tables {
            kinds,
            fields: FIELD_NAMES.map(|name| language.field_id_for_name(name)),
        }
    }
}

static TABLES: [OnceLock<Tables>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];

thread_local! {
    static CURRENT: Cell<Option<&'static Tables>> = const { Cell::new(None) };
}

/// Selects the tables of `dialect` for this thread's next file. Must precede `kind_of` and
/// `field`: without tables, kinds read as empty.
pub fn enter(dialect: Dialect) {
    let slot = dialect as usize;
    let tables = TABLES
        .get(slot)
        .map(|cell| cell.get_or_init(|| Tables::build(&dialect.language())));
    CURRENT.with(|c| c.set(tables));
}

/// A node or a reference to one, so `kind_of` reads well in closures over `&Node`.
pub trait AsNode<'t> {
    fn as_node(&self) -> Node<'t>;
}

impl<'t> AsNode<'t> for Node<'t> {
    fn as_node(&self) -> Node<'t> {
        *self
    }
}

impl<'t> AsNode<'t> for &Node<'t> {
    fn as_node(&self) -> Node<'t> {
        **self
    }
}

/// The node's kind name, as `Node::kind()` would give it.
pub fn kind_of<'t>(node: impl AsNode<'t>) -> &'static str {
    let node = node.as_node();
    let id = usize::from(node.kind_id());
    CURRENT
        .with(Cell::get)
        .and_then(|t| t.kinds.get(id).copied())
        .unwrap_or("")
}

/// The child in field `f`, as `child_by_field_name` would give it.
pub fn field(node: Node<'_>, f: F) -> Option<Node<'_>> {
    match CURRENT.with(Cell::get) {
        Some(t) => t
            .fields
            .get(f as usize)
            .copied()
            .flatten()
            .and_then(|id| node.child_by_field_id(id.get())),
        None => FIELD_NAMES
            .get(f as usize)
            .and_then(|name| node.child_by_field_name(name)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_match_the_enum_order() {
        let names = [
            (F::Alias, "alias"),
            (F::Declaration, "declaration"),
            (F::Parameters, "parameters"),
            (F::Key, "key"),
            (F::Value, "value"),
            (F::Operator, "operator"),
        ];
        for (f, name) in names {
            assert_eq!(FIELD_NAMES[f as usize], name);
        }
    }
}
