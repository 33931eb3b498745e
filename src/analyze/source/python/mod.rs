//! Python front end: one tree-sitter parse, lowered to the IR for the taint engine; the
//! entry points and the texts shown to the model are collected from the tree (`names`).

mod grammar;
mod names;
mod texts;

use super::{Lowered, ParseFailure};
use std::cell::RefCell;
use std::time::Duration;
use tree_sitter::Parser;

thread_local! {
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// Parses `text` and lowers it to the IR, with its entry points and the texts it shows the
/// model.
pub fn lower(text: &str, budget: Duration) -> Result<Lowered, ParseFailure> {
    let parsing = std::time::Instant::now();
    let tree = super::parse_in(
        &PARSER,
        tree_sitter_python::LANGUAGE.into(),
        "python",
        text,
        budget,
    )?;
    let parse_time = parsing.elapsed();
    let lowering = std::time::Instant::now();
    let root = tree.root_node();
    let ir = crate::analyze::ir::python::lower(root, text);
    let module = names::Module::collect(root, text, &ir);
    let entries = module
        .functions
        .iter()
        .filter_map(|f| match f.kind {
            super::FnKind::Entry(kind) => Some(super::EntryInfo {
                kind,
                name: f.qualified.clone(),
                registered: f.registered.clone(),
                start_byte: f.start_byte,
                params: f
                    .params
                    .iter()
                    .filter(|p| !p.receiver && !p.injected)
                    .map(|p| p.name.clone())
                    .collect(),
            }),
            _ => None,
        })
        .collect();
    Ok(Lowered {
        entries,
        descriptions: module.descriptions,
        imported_texts: module.imported_texts,
        text_constants: module.text_constants,
        had_syntax_errors: root.has_error(),
        parse_time,
        lower_time: lowering.elapsed(),
        ..Lowered::new(crate::rules::Language::Python, ir)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleSet;

    /// The engine's flows in `src`, with the built-in rules.
    fn flows(src: &str) -> Vec<crate::analyze::engine::Flow> {
        let rules = RuleSet::builtin().expect("builtin rules");
        let lowered = lower(src, Duration::from_secs(5)).expect("parses");
        super::super::finish(
            &lowered,
            src,
            &rules,
            &crate::analyze::engine::NoImportedReturns,
        )
        .engine
        .flows
    }

    /// Distinct canonical callees of the sinks reported in `src` (module-level code counts).
    fn callees(src: &str) -> Vec<String> {
        flows(src)
            .into_iter()
            .map(|f| f.sink)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect()
    }

    #[test]
    fn resolves_module_alias() {
        assert_eq!(
            callees("import subprocess as sp\nsp.run(cmd, shell=True)\n"),
            ["subprocess.run"]
        );
    }

    #[test]
    fn resolves_from_import_alias() {
        assert_eq!(
            callees("from os import system as run\nrun(cmd)\n"),
            ["os.system"]
        );
    }

    #[test]
    fn resolves_assignment_alias() {
        assert_eq!(
            callees("import pickle\nload = pickle.loads\nload(data)\n"),
            ["pickle.loads"]
        );
    }

    #[test]
    fn resolves_star_import() {
        assert_eq!(callees("from os import *\nsystem(cmd)\n"), ["os.system"]);
    }

    #[test]
    fn dotted_import_binds_its_head() {
        assert_eq!(callees("import os.path\nos.system(cmd)\n"), ["os.system"]);
    }

    #[test]
    fn method_on_local_object_is_not_resolved() {
        assert!(callees("class X:\n    pass\nx = X()\nx.system(cmd)\n").is_empty());
    }

    #[test]
    fn shadowed_builtin_is_not_the_builtin() {
        assert!(callees("def eval(x):\n    return x\neval(data)\n").is_empty());
        assert_eq!(callees("eval(data)\n"), ["eval"]);
    }

    #[test]
    fn relative_import_is_not_a_library() {
        assert!(callees("from .os import system\nsystem(cmd)\n").is_empty());
    }

    #[test]
    fn names_resolve_through_imports_for_conditions() {
        // `Loader=S` resolves to yaml.SafeLoader, which the rule accepts.
        let src = "import yaml\nfrom yaml import SafeLoader as S\nyaml.load(d, Loader=S)\n";
        assert!(callees(src).is_empty());
        assert_eq!(
            callees("import yaml\nyaml.load(d, Loader=yaml.Loader)\n"),
            ["yaml.load"]
        );
    }

    /// A cycle through two variables and a very long chain of assignments still reach the
    /// sink.
    #[test]
    fn cycles_and_long_chains_reach_the_sink() {
        let shell = |src: &str| -> usize {
            flows(src)
                .iter()
                .filter(|f| f.rule == "python-shell-command" && f.traced())
                .count()
        };
        let cycle = "import os\n@mcp.tool()\ndef t(x: str):\n    a = ''\n    b = ''\n    for _ in range(3):\n        a = b + x\n        b = a + '!'\n    os.system(b)\n";
        assert_eq!(shell(cycle), 1);
        let mut chain = String::from("import os\n@mcp.tool()\ndef t(x: str):\n    v0 = x\n");
        for i in 1..300 {
            chain.push_str(&format!("    v{i} = v{} + '-'\n", i - 1));
        }
        chain.push_str("    os.system(v299)\n");
        assert_eq!(shell(&chain), 1);
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let src = format!("eval({}x{})\n", "(".repeat(20_000), ")".repeat(20_000));
        assert_eq!(callees(&src), ["eval"]);
    }
}
