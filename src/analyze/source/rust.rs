//! Rust front end: one tree-sitter parse, lowered to the IR for the taint engine. The entry
//! points are what the engine found: `#[tool]`, `#[prompt]` and `#[resource]` methods (rmcp's
//! `#[tool_router]` impls) and the handler methods of `impl ServerHandler`.

use super::{Description, EntryInfo, Lowered, ParseFailure};
use crate::rules::TextKind;
use std::cell::RefCell;
use std::time::Duration;
use tree_sitter::Parser;

thread_local! {
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// Parses `text` and lowers it to the IR. Its entry points are what the engine finds
/// (`entries`).
pub fn lower(text: &str, budget: Duration) -> Result<Lowered, ParseFailure> {
    let parsing = std::time::Instant::now();
    let tree = super::parse_in(
        &PARSER,
        tree_sitter_rust::LANGUAGE.into(),
        "rust",
        text,
        budget,
    )?;
    let parse_time = parsing.elapsed();
    let lowering = std::time::Instant::now();
    let root = tree.root_node();
    let ir = crate::analyze::ir::rust::lower(root, text);
    Ok(Lowered {
        had_syntax_errors: root.has_error(),
        parse_time,
        lower_time: lowering.elapsed(),
        ..Lowered::new(crate::rules::Language::Rust, ir)
    })
}

/// The entry points the engine found in `ir`, for the inventory, and the descriptions their
/// attributes give the model.
pub fn entries(
    ir: &crate::analyze::ir::Module,
    engine: &crate::analyze::engine::Analysis,
    text: &str,
) -> (Vec<EntryInfo>, Vec<Description>) {
    let starts = line_starts(text);
    let mut descriptions = Vec::new();
    let entries = engine
        .entries
        .iter()
        .filter_map(|entry| {
            let f = ir.functions.get(entry.func)?;
            let start_byte = byte_of(&starts, f.span.start_row, f.span.start_byte_col);
            // A tool struct's method (rust-mcp-sdk): the struct's attribute describes it, its
            // fields are the parameters.
            let class = f.class.and_then(|c| ir.classes.get(c));
            let attributes = class.map_or(&[][..], |c| &c.decorators[..]);
            descriptions.extend(described(f, attributes, text, &starts));
            let params = entry
                .params
                .iter()
                .filter_map(|&i| f.params.get(i))
                .flat_map(|p| match class {
                    Some(c) if p.name == "self" || p.typed_as_self() => {
                        c.declared.iter().map(|(name, _)| name.clone()).collect()
                    }
                    _ => vec![p.name.clone()],
                })
                .collect();
            Some(EntryInfo {
                kind: entry.kind.into(),
                name: f.qualified.clone(),
                registered: entry.name.clone().filter(|n| *n != f.qualified),
                start_byte,
                params,
            })
        })
        .collect();
    (entries, descriptions)
}

/// What the model reads about an entry point: the `description` of its attribute
/// (`#[tool(description = "...")]`, or its struct's `#[mcp_tool(description = "...")]`), as
/// written between the quotes.
fn described(
    f: &crate::analyze::ir::Function,
    struct_attributes: &[crate::analyze::ir::Expr],
    text: &str,
    starts: &[usize],
) -> Option<Description> {
    use crate::analyze::ir::ExprKind;
    f.decorators.iter().chain(struct_attributes).find_map(|d| {
        let ExprKind::Call { args, .. } = &d.kind else {
            return None;
        };
        let arg = args
            .iter()
            .find(|a| a.keyword.as_deref() == Some("description"))?;
        let ExprKind::Str(value) = &arg.value.kind else {
            return None;
        };
        let at = byte_of(
            starts,
            arg.value.span.start_row,
            arg.value.span.start_byte_col,
        );
        // The text starts after the opening quote (and a raw string's `r#`).
        let quote = text.get(at..)?.find('"')?;
        Some(Description::literal(
            &f.qualified,
            TextKind::Description,
            at + quote + 1,
            value,
        ))
    })
}

/// Where each line starts, so that a row and column turn into a byte offset in O(1).
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// The byte offset of a row and column.
fn byte_of(starts: &[usize], row: usize, col: usize) -> usize {
    starts.get(row).copied().unwrap_or(0) + col
}
