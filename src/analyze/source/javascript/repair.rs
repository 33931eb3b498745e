//! TypeScript the grammar does not know yet. tree-sitter-typescript 0.23.2 (the newest
//! published) fails on a few constructs of TypeScript 5, all of them type-level, so they
//! carry no value a taint can ride on:
//! - `export type * from "./x"` and `export type * as ns from "./x"` (TS 5.0);
//! - variance annotations on type parameters, `<in T>`, `<out T>`, `<in out T>` (TS 4.7);
//! - import types with a member or in a type argument, `import("x").Y[]`,
//!   `f<typeof import("x")>()`.
//!
//! When a parse has errors, these are blanked or replaced by text of the same length (so
//! lines, columns and snippets stay true) and the file is parsed again; the second parse is
//! kept only when it has fewer errors. Nothing inside strings, templates or comments is
//! touched: the first parse says where those are.

use tree_sitter::{Node, Tree};

/// The text with the constructs above rewritten, when the tree has errors and any was found.
pub(super) fn repaired(tree: &Tree, text: &str) -> Option<String> {
    let root = tree.root_node();
    if !root.has_error() {
        return None;
    }
    let mut edits: Vec<(usize, usize, Edit)> = Vec::new();
    collect_error_edits(root, text, &mut edits, 0);
    import_type_edits(root, text, &mut edits);
    if edits.is_empty() {
        return None;
    }
    let mut bytes = text.as_bytes().to_vec();
    for (start, end, edit) in edits {
        let Some(span) = bytes.get_mut(start..end) else {
            continue;
        };
        match edit {
            Edit::Blank => {
                for b in span.iter_mut().filter(|b| !matches!(b, b'\n' | b'\r')) {
                    *b = b' ';
                }
            }
            // An identifier as long as the import type it stands for: `import("x")` becomes
            // `I_________`, a type name the grammar parses wherever the import type stood.
            Edit::Identifier => {
                for (i, b) in span.iter_mut().enumerate() {
                    *b = if i == 0 { b'I' } else { b'_' };
                }
            }
        }
    }
    String::from_utf8(bytes).ok()
}

/// How many errors (and missing tokens) a tree has, to compare a repaired parse with the first.
pub(super) fn error_count(tree: &Tree) -> usize {
    let mut count = 0;
    let mut cursor = tree.walk();
    let mut visited_children = false;
    loop {
        let node = cursor.node();
        if !visited_children {
            if node.is_error() || node.is_missing() {
                count += 1;
            }
            if node.has_error() && cursor.goto_first_child() {
                continue;
            }
        }
        if cursor.goto_next_sibling() {
            visited_children = false;
        } else if cursor.goto_parent() {
            visited_children = true;
        } else {
            return count;
        }
    }
}

#[derive(Clone, Copy)]
enum Edit {
    Blank,
    Identifier,
}

const MAX_DEPTH: usize = 512;

/// `type` in `export type *`, and `in`/`out` before a type parameter, as the grammar's error
/// nodes show them.
fn collect_error_edits(
    node: Node<'_>,
    text: &str,
    edits: &mut Vec<(usize, usize, Edit)>,
    depth: usize,
) {
    if depth > MAX_DEPTH || !node.has_error() {
        return;
    }
    if node.is_error() {
        let parent = node.parent().map_or("", |p| p.kind());
        let own = text.get(node.start_byte()..node.end_byte()).unwrap_or("");
        if parent == "export_statement" && own == "type" {
            edits.push((node.start_byte(), node.end_byte(), Edit::Blank));
            return;
        }
    }
    if node.kind() == "type_parameters" {
        variance_edits(
            node.start_byte(),
            text.get(node.start_byte()..node.end_byte()),
            edits,
        );
        return;
    }
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        collect_error_edits(child, text, edits, depth + 1);
    }
}

/// `in` and `out` at the start of a type parameter in `list` (`<in out T, U extends X<Y>>`),
/// which starts at byte `base`.
fn variance_edits(base: usize, list: Option<&str>, edits: &mut Vec<(usize, usize, Edit)>) {
    let Some(list) = list else {
        return;
    };
    let bytes = list.as_bytes();
    let mut depth = 0usize;
    let mut at_start = false;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'<' | b'(' | b'[' | b'{' => {
                depth += 1;
                at_start = depth == 1;
            }
            b'>' | b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b',' if depth == 1 => at_start = true,
            b' ' | b'\t' | b'\n' | b'\r' => {}
            _ if at_start && depth == 1 => {
                let word_end = bytes
                    .get(i..)
                    .and_then(|rest| {
                        rest.iter()
                            .position(|c| !c.is_ascii_alphanumeric() && *c != b'_' && *c != b'$')
                    })
                    .map_or(bytes.len(), |n| i + n);
                let word = list.get(i..word_end).unwrap_or("");
                let followed_by_name = bytes.get(word_end).is_some_and(|c| c.is_ascii_whitespace())
                    && list
                        .get(word_end..)
                        .map(str::trim_start)
                        .and_then(|rest| rest.bytes().next())
                        .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_' || c == b'$');
                if matches!(word, "in" | "out") && followed_by_name {
                    edits.push((base + i, base + word_end, Edit::Blank));
                    i = word_end;
                    continue;
                }
                at_start = false;
                i = word_end.max(i + 1);
                continue;
            }
            _ => {}
        }
        i += 1;
    }
}

/// `import("x")` where a type is expected: after `:`, `typeof`, `<`, `|`, `&`, `,`, `as`,
/// `extends`, `=>` or `keyof`, and followed by `.`, `[`, `>`, `)`, `,`, `;`, `|`, `&`, `=` or
/// an end of line.
fn import_type_edits(root: Node<'_>, text: &str, edits: &mut Vec<(usize, usize, Edit)>) {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(found) = text.get(from..).and_then(|rest| rest.find("import(")) {
        let start = from + found;
        from = start + "import(".len();
        let Some(end) = import_call_end(bytes, from) else {
            continue;
        };
        let before = text.get(..start).unwrap_or("").trim_end();
        let type_before = [
            ":", "typeof", "<", "|", "&", ",", "as", "extends", "=>", "keyof",
        ]
        .iter()
        .any(|t| before.ends_with(t));
        let after = text
            .get(end..)
            .unwrap_or("")
            .trim_start_matches([' ', '\t']);
        let type_after = after.is_empty()
            || after.starts_with(['.', '[', '>', ')', ',', ';', '|', '&', '=', '\n', '\r']);
        if type_before && type_after && in_code(root, start) {
            edits.push((start, end, Edit::Identifier));
        }
    }
}

/// The end of `import("x")` whose argument starts at `at`: one string literal, then `)`.
fn import_call_end(bytes: &[u8], at: usize) -> Option<usize> {
    let quote = *bytes.get(at)?;
    if !matches!(quote, b'"' | b'\'') {
        return None;
    }
    let close = bytes
        .get(at + 1..)?
        .iter()
        .position(|&b| b == quote || b == b'\n')?;
    let after_string = at + 1 + close;
    (bytes.get(after_string) == Some(&quote) && bytes.get(after_string + 1) == Some(&b')'))
        .then_some(after_string + 2)
}

/// Whether the byte at `at` is code, not inside a string, template or comment.
fn in_code(root: Node<'_>, at: usize) -> bool {
    let mut node = root.descendant_for_byte_range(at, at + 1);
    let mut depth = 0;
    while let Some(n) = node {
        if matches!(
            n.kind(),
            "string" | "string_fragment" | "template_string" | "comment" | "regex"
        ) {
            return false;
        }
        depth += 1;
        if depth > MAX_DEPTH {
            return false;
        }
        node = n.parent();
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Tree {
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into())
            .expect("grammar");
        parser.parse(text, None).expect("parse")
    }

    #[test]
    fn each_construct_parses_without_errors_once_repaired() {
        for source in [
            "export type * from \"./x.js\";\nconst a = 1;\n",
            "export type * as ns from './y.js';\n",
            "interface Box<in out T> { v: T }\nfunction f<in T>(x: T) {}\ntype G<out U> = () => U;\n",
            "const xs: import('ts-morph').Node[] = [];\n",
            "function f(a: import(\"x\").Y[]): import('z').W | null { return null; }\n",
            "const real = await importOriginal<typeof import(\"crypto\")>();\n",
        ] {
            let tree = parse(source);
            assert!(
                tree.root_node().has_error(),
                "the grammar fails on {source:?}"
            );
            let fixed =
                repaired(&tree, source).unwrap_or_else(|| panic!("not repaired: {source:?}"));
            assert_eq!(fixed.len(), source.len());
            assert_eq!(fixed.lines().count(), source.lines().count());
            let again = parse(&fixed);
            assert_eq!(error_count(&again), 0, "{fixed:?}");
        }
    }

    #[test]
    fn strings_comments_and_valid_files_are_left_alone() {
        let clean = "const s = \"import('x').y\";\nexport * from './a';\n";
        assert_eq!(repaired(&parse(clean), clean), None);
        // A file with an unrelated error: the string is not rewritten.
        let broken = "const s = 'x: import(\"y\").z';\nlet = ;\n";
        let fixed = repaired(&parse(broken), broken);
        assert!(fixed.is_none_or(|f| f.contains("import(\"y\")")));
    }
}
