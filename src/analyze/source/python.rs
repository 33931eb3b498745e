//! Python front end: name resolution (imports, aliases, star imports, shadowed builtins) and
//! call-site extraction from a tree-sitter-python tree.
//!
//! Resolution is flow-insensitive within a file: an import anywhere in the file binds its name
//! everywhere. That is what a reader assumes, and it keeps the pass linear.

use super::{Arg, ArgValue, CallSite, ParseFailure, Parsed, parse};
use crate::analyze::Span;
use crate::rules::{Language, RuleSet};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::time::Duration;
use tree_sitter::{Node, Parser};

/// Deeper constant expressions than this are treated as dynamic rather than walked.
const MAX_CONSTANT_DEPTH: usize = 32;

thread_local! {
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// Parses `text` and returns the calls that some rule in `rules` may match.
pub fn call_sites(text: &str, rules: &RuleSet, budget: Duration) -> Result<Parsed, ParseFailure> {
    let tree = PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let mut parser = Parser::new();
            parser
                .set_language(&tree_sitter_python::LANGUAGE.into())
                .map_err(|e| ParseFailure::Grammar("python", e.to_string()))?;
            *slot = Some(parser);
        }
        match slot.as_mut() {
            Some(parser) => parse(parser, text, budget),
            None => Err(ParseFailure::Grammar("python", "parser unavailable".into())),
        }
    })?;
    let root = tree.root_node();
    let facts = Facts::collect(root, text);
    let scope = Scope::resolve(&facts, text);
    let sites = facts
        .calls
        .iter()
        .filter_map(|call| scope.call_site(*call, text, rules))
        .collect();
    Ok(Parsed {
        sites,
        had_syntax_errors: root.has_error(),
    })
}

/// What one walk over the tree gathers.
struct Facts<'t> {
    /// Local name -> canonical dotted name, from import statements.
    imports: HashMap<String, String>,
    /// Modules of `from m import *`.
    star_modules: Vec<String>,
    /// Names defined in this file (functions, classes), which shadow builtins.
    defined: HashSet<String>,
    /// `name = <expr>` assignments, kept to find aliases such as `run = subprocess.run`.
    assignments: Vec<(String, Node<'t>)>,
    calls: Vec<Node<'t>>,
}

impl<'t> Facts<'t> {
    fn collect(root: Node<'t>, src: &str) -> Self {
        let mut facts = Facts {
            imports: HashMap::new(),
            star_modules: Vec::new(),
            defined: HashSet::new(),
            assignments: Vec::new(),
            calls: Vec::new(),
        };
        // Iterative pre-order walk: deeply nested input must not overflow the stack.
        let mut cursor = root.walk();
        loop {
            let node = cursor.node();
            facts.visit(node, src);
            if cursor.goto_first_child() {
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return facts;
                }
            }
        }
    }

    fn visit(&mut self, node: Node<'t>, src: &str) {
        match node.kind() {
            "call" => self.calls.push(node),
            "import_statement" => {
                let mut cursor = node.walk();
                for child in node.named_children(&mut cursor) {
                    match child.kind() {
                        // `import a.b.c` binds `a`, through which `a.b.c.f` is reached.
                        "dotted_name" => {
                            let full = text(child, src);
                            let head = full.split('.').next().unwrap_or(full);
                            self.imports.insert(head.to_string(), head.to_string());
                        }
                        "aliased_import" => {
                            if let (Some(name), Some(alias)) = (
                                child.child_by_field_name("name"),
                                child.child_by_field_name("alias"),
                            ) {
                                self.imports
                                    .insert(text(alias, src).to_string(), squeeze(text(name, src)));
                            }
                        }
                        _ => {}
                    }
                }
            }
            "import_from_statement" => {
                let Some(module) = node.child_by_field_name("module_name") else {
                    return;
                };
                // Relative imports name this package's own modules, never a library sink.
                if module.kind() == "relative_import" {
                    return;
                }
                let module = squeeze(text(module, src));
                let mut cursor = node.walk();
                for child in node.children_by_field_name("name", &mut cursor) {
                    match child.kind() {
                        "dotted_name" => {
                            let name = squeeze(text(child, src));
                            self.imports
                                .insert(name.clone(), format!("{module}.{name}"));
                        }
                        "aliased_import" => {
                            if let (Some(name), Some(alias)) = (
                                child.child_by_field_name("name"),
                                child.child_by_field_name("alias"),
                            ) {
                                let name = squeeze(text(name, src));
                                self.imports.insert(
                                    text(alias, src).to_string(),
                                    format!("{module}.{name}"),
                                );
                            }
                        }
                        _ => {}
                    }
                }
                let mut cursor = node.walk();
                if node
                    .named_children(&mut cursor)
                    .any(|c| c.kind() == "wildcard_import")
                {
                    self.star_modules.push(module);
                }
            }
            "function_definition" | "class_definition" => {
                if let Some(name) = node.child_by_field_name("name") {
                    self.defined.insert(text(name, src).to_string());
                }
            }
            "assignment" => {
                if let (Some(left), Some(right)) = (
                    node.child_by_field_name("left"),
                    node.child_by_field_name("right"),
                ) && left.kind() == "identifier"
                {
                    self.assignments.push((text(left, src).to_string(), right));
                }
            }
            _ => {}
        }
    }
}

/// The names of one file, resolved.
struct Scope {
    bindings: HashMap<String, String>,
    shadowed: HashSet<String>,
    star_modules: Vec<String>,
}

impl Scope {
    fn resolve(facts: &Facts<'_>, src: &str) -> Scope {
        let mut scope = Scope {
            bindings: facts.imports.clone(),
            shadowed: facts.defined.clone(),
            star_modules: facts.star_modules.clone(),
        };
        // `run = subprocess.run` makes `run` an alias; any other assignment shadows the name.
        for (name, right) in &facts.assignments {
            match scope.resolve_through_imports(*right, src) {
                Some(canonical) => {
                    scope.bindings.insert(name.clone(), canonical);
                }
                None => {
                    if !scope.bindings.contains_key(name) {
                        scope.shadowed.insert(name.clone());
                    }
                }
            }
        }
        scope
    }

    /// `a.b.c` whose head `a` is bound by an import, as a canonical dotted name.
    fn resolve_through_imports(&self, node: Node<'_>, src: &str) -> Option<String> {
        let segments = dotted_segments(node, src)?;
        let (head, rest) = segments.split_first()?;
        let base = self.bindings.get(*head)?;
        Some(join(base, rest))
    }

    /// The canonical name of a callee expression, or `None` for calls on local objects.
    fn callee(&self, node: Node<'_>, src: &str, rules: &RuleSet) -> Option<String> {
        let segments = dotted_segments(node, src)?;
        let (head, rest) = segments.split_first()?;
        if let Some(base) = self.bindings.get(*head) {
            return Some(join(base, rest));
        }
        if !rest.is_empty() || self.shadowed.contains(*head) {
            return None;
        }
        // `from os import *` then `system(cmd)`: try the star-imported modules first.
        for module in &self.star_modules {
            let candidate = format!("{module}.{head}");
            if rules.has_callee(Language::Python, &candidate) {
                return Some(candidate);
            }
        }
        Some((*head).to_string())
    }

    /// The value of an argument: a resolved name where it is one, else constant or dynamic.
    fn value(&self, node: Node<'_>, src: &str) -> ArgValue {
        if matches!(node.kind(), "identifier" | "attribute") {
            let name = self
                .resolve_through_imports(node, src)
                .unwrap_or_else(|| squeeze(text(node, src)));
            return ArgValue::Name(name);
        }
        match constant_truth(node, src, 0) {
            Some(truthy) => ArgValue::Constant {
                truthy,
                text: text(node, src).to_string(),
            },
            None => ArgValue::Dynamic,
        }
    }

    fn call_site(&self, call: Node<'_>, src: &str, rules: &RuleSet) -> Option<CallSite> {
        let function = call.child_by_field_name("function")?;
        let callee = self.callee(function, src, rules)?;
        if !rules.has_callee(Language::Python, &callee) {
            return None;
        }
        let mut args = Vec::new();
        let mut keyword_splat = false;
        let mut position = Some(0usize);
        if let Some(arguments) = call.child_by_field_name("arguments") {
            if arguments.kind() == "generator_expression" {
                args.push(Arg {
                    position: Some(0),
                    keyword: None,
                    value: ArgValue::Dynamic,
                });
            } else {
                let mut cursor = arguments.walk();
                for arg in arguments.named_children(&mut cursor) {
                    match arg.kind() {
                        "keyword_argument" => {
                            if let (Some(name), Some(value)) = (
                                arg.child_by_field_name("name"),
                                arg.child_by_field_name("value"),
                            ) {
                                args.push(Arg {
                                    position: None,
                                    keyword: Some(text(name, src).to_string()),
                                    value: self.value(value, src),
                                });
                            }
                        }
                        "dictionary_splat" => keyword_splat = true,
                        // After `*args` the positions of later arguments are unknown.
                        "list_splat" => position = None,
                        "comment" => {}
                        _ => {
                            args.push(Arg {
                                position,
                                keyword: None,
                                value: self.value(arg, src),
                            });
                            position = position.map(|p| p + 1);
                        }
                    }
                }
            }
        }
        let start = call.start_position();
        let end = call.end_position();
        Some(CallSite {
            callee,
            args,
            keyword_splat,
            span: Span {
                start_row: start.row,
                start_byte_col: start.column,
                end_row: end.row,
                end_byte_col: end.column,
            },
        })
    }
}

/// `a.b.c` as `["a", "b", "c"]`; `None` when the chain starts with a call, subscript, etc.
fn dotted_segments<'s>(node: Node<'_>, src: &'s str) -> Option<Vec<&'s str>> {
    let mut segments = Vec::new();
    let mut node = node;
    loop {
        match node.kind() {
            "identifier" => {
                segments.push(text(node, src));
                segments.reverse();
                return Some(segments);
            }
            "attribute" => {
                segments.push(text(node.child_by_field_name("attribute")?, src));
                node = node.child_by_field_name("object")?;
            }
            _ => return None,
        }
    }
}

/// Whether `node` is a constant expression and, if so, whether it is truthy.
fn constant_truth(node: Node<'_>, src: &str, depth: usize) -> Option<bool> {
    if depth > MAX_CONSTANT_DEPTH {
        return None;
    }
    let mut cursor = node.walk();
    match node.kind() {
        "true" => Some(true),
        "false" | "none" => Some(false),
        "integer" | "float" => {
            let t = text(node, src);
            Some(
                t.trim_start_matches(['0', '.', '_'])
                    .chars()
                    .any(|c| c.is_ascii_digit() && c != '0'),
            )
        }
        "string" => {
            let mut truthy = false;
            for child in node.named_children(&mut cursor) {
                match child.kind() {
                    "interpolation" => return None,
                    "string_content" | "escape_sequence" => truthy = true,
                    _ => {}
                }
            }
            Some(truthy)
        }
        "concatenated_string" => {
            let mut truthy = false;
            for child in node.named_children(&mut cursor) {
                truthy |= constant_truth(child, src, depth + 1)?;
            }
            Some(truthy)
        }
        "parenthesized_expression" => constant_truth(node.named_child(0)?, src, depth + 1),
        "unary_operator" => constant_truth(node.child_by_field_name("argument")?, src, depth + 1),
        "binary_operator" => {
            let left = constant_truth(node.child_by_field_name("left")?, src, depth + 1)?;
            let right = constant_truth(node.child_by_field_name("right")?, src, depth + 1)?;
            Some(left || right)
        }
        "tuple" | "list" => {
            let mut count = 0;
            for child in node.named_children(&mut cursor) {
                if child.kind() == "comment" {
                    continue;
                }
                constant_truth(child, src, depth + 1)?;
                count += 1;
            }
            Some(count > 0)
        }
        _ => None,
    }
}

fn text<'s>(node: Node<'_>, src: &'s str) -> &'s str {
    src.get(node.byte_range()).unwrap_or("")
}

/// A dotted name with the whitespace that Python allows inside it removed.
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn join(base: &str, rest: &[&str]) -> String {
    let mut out = base.to_string();
    for seg in rest {
        out.push('.');
        out.push_str(seg);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sites(src: &str) -> Vec<CallSite> {
        let rules = RuleSet::builtin().expect("builtin rules");
        call_sites(src, &rules, Duration::from_secs(5))
            .expect("parses")
            .sites
    }

    fn callees(src: &str) -> Vec<String> {
        sites(src).into_iter().map(|s| s.callee).collect()
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
    fn classifies_arguments() {
        let site = sites(
            "import subprocess\nsubprocess.run(f\"ls {d}\", *rest, shell=True, check=False)\n",
        )
        .pop()
        .expect("one call");
        assert_eq!(site.args[0].position, Some(0));
        assert_eq!(site.args[0].value, ArgValue::Dynamic);
        assert_eq!(site.args[1].keyword.as_deref(), Some("shell"));
        assert!(matches!(
            site.args[1].value,
            ArgValue::Constant { truthy: true, .. }
        ));
        assert!(matches!(
            site.args[2].value,
            ArgValue::Constant { truthy: false, .. }
        ));
    }

    #[test]
    fn constant_strings_and_concatenations_are_constant() {
        let site = sites("eval('1' + \"2\" 'x')\n").pop().expect("one call");
        assert!(matches!(
            site.args[0].value,
            ArgValue::Constant { truthy: true, .. }
        ));
    }

    #[test]
    fn names_resolve_through_imports() {
        let site = sites("import yaml\nfrom yaml import SafeLoader as S\nyaml.load(d, Loader=S)\n")
            .pop()
            .expect("one call");
        assert_eq!(site.args[1].value, ArgValue::Name("yaml.SafeLoader".into()));
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let src = format!("eval({}x{})\n", "(".repeat(20_000), ")".repeat(20_000));
        let rules = RuleSet::builtin().expect("builtin rules");
        let parsed = call_sites(&src, &rules, Duration::from_secs(20)).expect("parses");
        assert_eq!(parsed.sites.len(), 1);
    }
}
