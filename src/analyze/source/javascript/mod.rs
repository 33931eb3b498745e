//! JavaScript and TypeScript front end: one tree-sitter parse (TypeScript, TSX or JavaScript
//! grammar by extension), lowered to the IR for the taint engine; the entry points, the texts
//! shown to the model and re-exports are collected from the tree (`names`).

mod grammar;
mod names;
mod repair;
mod texts;

use super::{Lowered, ParseFailure, parse};
use crate::analyze::cross_file::ProjectModules;
use crate::rules::Language;
use std::cell::RefCell;
use std::time::Duration;
use tree_sitter::Parser;

/// Which grammar parses a file: TypeScript's type assertions (`<T>x`) and JSX cannot share one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    TypeScript,
    Tsx,
    JavaScript,
}

impl Dialect {
    pub fn for_path(path: &str) -> Dialect {
        let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
        match ext {
            "ts" | "mts" | "cts" => Dialect::TypeScript,
            "tsx" => Dialect::Tsx,
            _ => Dialect::JavaScript,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Dialect::TypeScript => "typescript",
            Dialect::Tsx => "tsx",
            Dialect::JavaScript => "javascript",
        }
    }

    fn language(self) -> tree_sitter::Language {
        match self {
            Dialect::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Dialect::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            Dialect::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
        }
    }
}

thread_local! {
    /// One parser per dialect and thread, created on first use.
    static PARSERS: RefCell<[Option<Parser>; 3]> = const { RefCell::new([None, None, None]) };
}

/// Parses `text` (rewriting TypeScript syntax the grammar does not know) and lowers it to the
/// IR, with its entry points, re-exports and the texts it shows the model.
pub fn lower(
    text: &str,
    rel_path: &str,
    project: &ProjectModules,
    lang: Language,
    budget: Duration,
) -> Result<Lowered, ParseFailure> {
    let dialect = Dialect::for_path(rel_path);
    let slot = dialect as usize;
    let parsing = std::time::Instant::now();
    let (tree, repaired) = PARSERS.with(|cell| {
        let mut parsers = cell.borrow_mut();
        let Some(entry) = parsers.get_mut(slot) else {
            return Err(ParseFailure::Grammar(
                dialect.name(),
                "no parser slot".into(),
            ));
        };
        if entry.is_none() {
            let mut parser = Parser::new();
            parser
                .set_language(&dialect.language())
                .map_err(|e| ParseFailure::Grammar(dialect.name(), e.to_string()))?;
            *entry = Some(parser);
        }
        let Some(parser) = entry.as_mut() else {
            return Err(ParseFailure::Grammar(
                dialect.name(),
                "parser unavailable".into(),
            ));
        };
        let tree = parse(parser, text, budget)?;
        if dialect == Dialect::JavaScript {
            return Ok((tree, None));
        }
        // Newer TypeScript syntax the grammar does not know: rewritten in place, parsed again.
        match repair::repaired(&tree, text) {
            Some(fixed) => {
                let again = parse(parser, &fixed, budget)?;
                if repair::error_count(&again) < repair::error_count(&tree) {
                    Ok((again, Some(fixed)))
                } else {
                    Ok((tree, None))
                }
            }
            None => Ok((tree, None)),
        }
    })?;
    // Offsets are the same in both texts; the tree's node texts come from the one it parsed.
    let text = repaired.as_deref().unwrap_or(text);
    let parse_time = parsing.elapsed();
    let lowering = std::time::Instant::now();
    let root = tree.root_node();
    grammar::enter(dialect);
    let module = names::Module::collect(root, text, rel_path, project);
    let ir = crate::analyze::ir::javascript::lower(root, text);
    let entries = module
        .functions
        .iter()
        .filter_map(|f| match f.kind {
            super::FnKind::Entry(kind) => Some(super::EntryInfo {
                kind,
                name: f.name.to_string(),
                registered: None,
                start_byte: f.start_byte,
                params: entry_params(f, text),
            }),
            _ => None,
        })
        .collect();
    let had_syntax_errors = root.has_error();
    Ok(Lowered {
        entries,
        reexports: module.reexports,
        descriptions: module.descriptions,
        imported_texts: module.imported_texts,
        text_constants: module.exported_texts,
        had_syntax_errors,
        parse_time,
        lower_time: lowering.elapsed(),
        repaired,
        ..Lowered::new(lang, ir)
    })
}

/// The names an entry's handler takes: destructured properties (`({ path, limit })`) one by
/// one, otherwise the parameter names.
fn entry_params(function: &names::Function<'_>, text: &str) -> Vec<String> {
    let mut nodes: Vec<_> = function
        .params
        .iter()
        .flat_map(|p| names::pattern_identifiers(*p))
        .collect();
    nodes.sort_by_key(|n| n.start_byte());
    nodes
        .iter()
        .filter_map(|n| text.get(n.start_byte()..n.end_byte()))
        .map(str::to_string)
        .collect()
}
