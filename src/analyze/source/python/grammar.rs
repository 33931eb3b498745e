//! Node kinds and fields of tree-sitter-python as small enums, looked up by id.
//!
//! `Node::kind()` builds and UTF-8-checks a string per call and `child_by_field_name` compares
//! field names with `strncmp` per call; on a large file these were a tenth of the scan. The
//! tables here map every symbol id (aliases included) to a `K` and every field to its id once.

use std::sync::LazyLock;
use tree_sitter::{Language, Node};

macro_rules! kinds {
    ($($variant:ident = $name:literal,)*) => {
        /// The node kinds the Python front end looks at; everything else is `Other`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(super) enum K { Other, $($variant,)* }

        fn kind_of_name(name: &str) -> K {
            match name { $($name => K::$variant,)* _ => K::Other }
        }
    };
}

kinds! {
    AliasedImport = "aliased_import",
    AsPattern = "as_pattern",
    Assignment = "assignment",
    Attribute = "attribute",
    AugmentedAssignment = "augmented_assignment",
    BinaryOperator = "binary_operator",
    Block = "block",
    Call = "call",
    ClassDefinition = "class_definition",
    Comment = "comment",
    ComparisonOperator = "comparison_operator",
    ConcatenatedString = "concatenated_string",
    ConditionalExpression = "conditional_expression",
    DecoratedDefinition = "decorated_definition",
    Decorator = "decorator",
    DefaultParameter = "default_parameter",
    Dictionary = "dictionary",
    DictionarySplat = "dictionary_splat",
    DictionarySplatPattern = "dictionary_splat_pattern",
    DottedName = "dotted_name",
    Ellipsis = "ellipsis",
    ExpressionStatement = "expression_statement",
    EscapeSequence = "escape_sequence",
    False = "false",
    Float = "float",
    ForInClause = "for_in_clause",
    ForStatement = "for_statement",
    FunctionDefinition = "function_definition",
    GeneratorExpression = "generator_expression",
    GenericType = "generic_type",
    Identifier = "identifier",
    ImportFromStatement = "import_from_statement",
    ImportStatement = "import_statement",
    Integer = "integer",
    Interpolation = "interpolation",
    KeywordArgument = "keyword_argument",
    Lambda = "lambda",
    List = "list",
    ListSplat = "list_splat",
    ListSplatPattern = "list_splat_pattern",
    Module = "module",
    NamedExpression = "named_expression",
    None = "none",
    NotOperator = "not_operator",
    Pair = "pair",
    ParenthesizedExpression = "parenthesized_expression",
    RelativeImport = "relative_import",
    ReturnStatement = "return_statement",
    String = "string",
    StringContent = "string_content",
    StringEnd = "string_end",
    StringStart = "string_start",
    Subscript = "subscript",
    True = "true",
    Tuple = "tuple",
    Type = "type",
    TypeParameter = "type_parameter",
    TypedDefaultParameter = "typed_default_parameter",
    TypedParameter = "typed_parameter",
    UnaryOperator = "unary_operator",
    WildcardImport = "wildcard_import",
}

/// The fields the front end reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum F {
    Alias,
    Argument,
    Arguments,
    Attribute,
    Body,
    Definition,
    Function,
    Key,
    Left,
    ModuleName,
    Name,
    Object,
    Operator,
    Parameters,
    Right,
    Subscript,
    Type,
    Value,
}

const FIELD_NAMES: [(F, &str); 18] = [
    (F::Alias, "alias"),
    (F::Argument, "argument"),
    (F::Arguments, "arguments"),
    (F::Attribute, "attribute"),
    (F::Body, "body"),
    (F::Definition, "definition"),
    (F::Function, "function"),
    (F::Key, "key"),
    (F::Left, "left"),
    (F::ModuleName, "module_name"),
    (F::Name, "name"),
    (F::Object, "object"),
    (F::Operator, "operator"),
    (F::Parameters, "parameters"),
    (F::Right, "right"),
    (F::Subscript, "subscript"),
    (F::Type, "type"),
    (F::Value, "value"),
];

struct Tables {
    kinds: Vec<K>,
    /// Field id per `F`, in `F` order; 0 when the grammar lacks the field.
    fields: [u16; FIELD_NAMES.len()],
}

static TABLES: LazyLock<Tables> = LazyLock::new(|| {
    let language: Language = tree_sitter_python::LANGUAGE.into();
    let count = language.node_kind_count();
    let kinds = (0..count)
        .map(|id| {
            let id = u16::try_from(id).unwrap_or(u16::MAX);
            if language.node_kind_is_named(id) {
                language.node_kind_for_id(id).map_or(K::Other, kind_of_name)
            } else {
                K::Other
            }
        })
        .collect();
    let mut fields = [0u16; FIELD_NAMES.len()];
    for (slot, (_, name)) in fields.iter_mut().zip(FIELD_NAMES.iter()) {
        *slot = language.field_id_for_name(name).map_or(0, |id| id.get());
    }
    Tables { kinds, fields }
});

/// Kind and field access by id.
pub(super) trait NodeExt<'t> {
    fn k(&self) -> K;
    fn field(&self, f: F) -> Option<Node<'t>>;
}

impl<'t> NodeExt<'t> for Node<'t> {
    fn k(&self) -> K {
        TABLES
            .kinds
            .get(usize::from(self.kind_id()))
            .copied()
            .unwrap_or(K::Other)
    }

    fn field(&self, f: F) -> Option<Node<'t>> {
        let id = TABLES.fields.get(f as usize).copied().unwrap_or(0);
        if id == 0 {
            return None;
        }
        self.child_by_field_id(id)
    }
}

/// The field id of `f` (the tests check every field the front end names exists).
#[cfg(test)]
fn field_id(f: F) -> Option<std::num::NonZeroU16> {
    TABLES
        .fields
        .get(f as usize)
        .and_then(|&id| std::num::NonZeroU16::new(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_and_field_exists_in_the_grammar() {
        let language: Language = tree_sitter_python::LANGUAGE.into();
        let named: Vec<K> = TABLES
            .kinds
            .iter()
            .copied()
            .filter(|k| *k != K::Other)
            .collect();
        // Each variant is reachable from some symbol id (a typo would leave it unreachable).
        for probe in [
            "call",
            "identifier",
            "string",
            "function_definition",
            "as_pattern",
        ] {
            assert_ne!(kind_of_name(probe), K::Other, "{probe}");
        }
        assert!(named.len() >= 53, "{}", named.len());
        for (f, name) in FIELD_NAMES {
            assert!(language.field_id_for_name(name).is_some(), "{name}");
            assert!(field_id(f).is_some(), "{name}");
        }
    }

    #[test]
    fn kinds_match_the_strings_they_replace() {
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&tree_sitter_python::LANGUAGE.into())
            .expect("grammar");
        let src = "import os\nx = f\"a{b}\"\nos.system(x, *y, **z)\n";
        let tree = parser.parse(src, None).expect("parse");
        let mut cursor = tree.walk();
        let mut seen = 0;
        'walk: loop {
            let node = cursor.node();
            if node.is_named() {
                assert_eq!(node.k(), kind_of_name(node.kind()), "{}", node.kind());
                seen += 1;
            }
            if cursor.goto_first_child() {
                continue;
            }
            while !cursor.goto_next_sibling() {
                if !cursor.goto_parent() {
                    break 'walk;
                }
            }
        }
        assert!(seen > 15);
    }
}
