//! Texts of tools written as constants of other modules (`description=TOOL_DOC` after
//! `from .docs import TOOL_DOC`): each is read as the tool's text, where the constant is
//! written, so the description rules see what the model sees and report it on its line.

use crate::analyze::source::model_text::{EntryKey, ImportedText, TextConstant};
use crate::analyze::source::{Description, Reexport};
use std::collections::HashMap;

/// What one module offers and asks for.
pub struct TextModule<'a> {
    /// Repository-relative path with `/`.
    pub path: &'a str,
    pub imported: &'a [ImportedText],
    pub constants: &'a [TextConstant],
    /// Names it exports from other modules (`export { DOC } from "./docs.js"`).
    pub reexports: &'a [Reexport],
}

/// A tool's text found in another module.
pub struct Resolved<'a> {
    /// Indexes in `modules` of the module whose tool names it, and of the one defining it.
    pub importer: usize,
    pub home: usize,
    /// The line of the importer's inventory entry whose text it is.
    pub tool_line: usize,
    pub constant: &'a str,
    pub key: Option<&'a str>,
    /// Named by a key chosen at run time: one of several texts the tool may have.
    pub any_entry: bool,
    /// The constant's text, as the tool's (owner and kind of the tool's text).
    pub text: Description,
}

/// Every tool text of `modules` that names a constant of another module, with that text.
pub fn resolve<'a>(modules: &[TextModule<'a>]) -> Vec<Resolved<'a>> {
    if modules.iter().all(|m| m.imported.is_empty()) {
        return Vec::new();
    }
    let by_name = super::cross_file::module_index(
        modules
            .iter()
            .enumerate()
            .filter(|(_, m)| !m.constants.is_empty() || !m.reexports.is_empty())
            .map(|(i, m)| (i, m.path)),
    );
    let mut out = Vec::new();
    for (importer, m) in modules.iter().enumerate() {
        for text in m.imported {
            let Some(target) = super::cross_file::resolve(&text.name, m.path) else {
                continue;
            };
            let Some((module, name)) = target.rsplit_once('.') else {
                continue;
            };
            let Some(&Some(first)) = by_name.get(module) else {
                continue;
            };
            let Some((home, constant)) = defining(modules, &by_name, first, name, 0) else {
                continue;
            };
            let Some(h) = modules.get(home) else {
                continue;
            };
            // `DOCS[key]` with a key chosen at run time: every entry may be the text.
            let named = |c: &&TextConstant| {
                c.name == constant
                    && match (&text.key, &c.key) {
                        (None, None) | (Some(EntryKey::Any), Some(_)) => true,
                        (Some(EntryKey::Literal(want)), Some(have)) => want == have,
                        _ => false,
                    }
            };
            for value in h.constants.iter().filter(named) {
                out.push(Resolved {
                    importer,
                    home,
                    tool_line: text.tool_line,
                    constant: value.name.as_str(),
                    key: value.key.as_deref(),
                    any_entry: text.key == Some(EntryKey::Any),
                    text: Description {
                        owner: text.owner.clone(),
                        kind: text.kind,
                        pieces: value.pieces.clone(),
                        imported: None,
                    },
                });
            }
        }
    }
    out
}

/// The module defining the constant `name` of module `index` exports, and its name there:
/// the module itself, or where a re-export (`export { DOC as READ_DOC } from "./docs.js"`,
/// `export * from "./docs.js"`) leads, up to `cross_file::MAX_REEXPORT_HOPS`.
fn defining<'m>(
    modules: &'m [TextModule<'_>],
    by_name: &HashMap<String, Option<usize>>,
    index: usize,
    name: &'m str,
    hops: usize,
) -> Option<(usize, &'m str)> {
    let m = modules.get(index)?;
    if m.constants.iter().any(|c| c.name == name) {
        return Some((index, name));
    }
    if hops >= super::cross_file::MAX_REEXPORT_HOPS {
        return None;
    }
    m.reexports.iter().find_map(|r| {
        let original = super::cross_file::reexported(r, name)?;
        let Some(Some(target)) = by_name.get(&r.module) else {
            return None;
        };
        defining(modules, by_name, *target, original, hops + 1)
    })
}
