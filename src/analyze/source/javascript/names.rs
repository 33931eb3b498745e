//! Name resolution for JavaScript and TypeScript, in one walk of the tree: imports and
//! `require`s (with `promisify` and destructuring), the file's functions, the MCP
//! registrations that make some of them entry points (with what their zod schemas allow), and
//! the descriptions the server shows the model.

use super::texts::{Constants, resolve};
use crate::analyze::source::model_text::{EntryKey, ImportedText, TextConstant};
use crate::analyze::source::{Description, EntryKind, FnKind};
use crate::rules::TextKind;
use rustc_hash::{FxHashMap, FxHashSet};
use std::rc::Rc;
use tree_sitter::Node;

/// The source text of `node`; empty if the range is not valid UTF-8 boundaries.
pub(super) fn text<'s>(node: Node<'_>, src: &'s str) -> &'s str {
    src.get(node.byte_range()).unwrap_or("")
}

pub(super) use super::grammar::{F, field, kind_of};

pub(super) fn named_children<'t>(node: Node<'t>) -> Vec<Node<'t>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|c| kind_of(c) != "comment")
        .collect()
}

pub(super) fn is_function(node: Node<'_>) -> bool {
    matches!(
        kind_of(node),
        "arrow_function"
            | "function_expression"
            | "function"
            | "generator_function"
            | "function_declaration"
            | "generator_function_declaration"
            | "method_definition"
    )
}

/// The contents of a string literal without quotes; `None` for anything else.
pub(super) fn string_value<'s>(node: Node<'_>, src: &'s str) -> Option<&'s str> {
    match kind_of(node) {
        "string" => {
            let t = text(node, src);
            Some(t.get(1..t.len().saturating_sub(1)).unwrap_or(""))
        }
        "template_string" if !has_substitution(node) => {
            let t = text(node, src);
            Some(t.get(1..t.len().saturating_sub(1)).unwrap_or(""))
        }
        _ => None,
    }
}

pub(super) fn has_substitution(node: Node<'_>) -> bool {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .any(|c| kind_of(c) == "template_substitution")
}

/// `node:fs/promises` -> `fs`; relative specifiers are this project's own modules (`None`).
pub(super) fn module_name(specifier: &str) -> Option<String> {
    let s = specifier.strip_prefix("node:").unwrap_or(specifier);
    if s.is_empty() || s.starts_with('.') || s.starts_with('/') {
        return None;
    }
    if let Some(rest) = s.strip_prefix("@modelcontextprotocol/sdk")
        && (rest.is_empty() || rest.starts_with('/'))
    {
        return Some("@modelcontextprotocol/sdk".to_string());
    }
    Some(match s {
        "fs/promises" => "fs".to_string(),
        "child_process/promises" => "child_process".to_string(),
        other => other.to_string(),
    })
}

/// Canonical spellings: `fs.promises.readFile` is `fs.readFile`.
pub(super) fn normalize(name: String) -> String {
    match name.strip_prefix("fs.promises.") {
        Some(rest) => format!("fs.{rest}"),
        None => name,
    }
}

/// How deep name resolution and literal checks look: real code nests a few levels, hostile
/// code tens of thousands (and would exhaust the stack).
pub(super) const MAX_NAME_DEPTH: usize = 32;

/// What a tool's schema says about one of its properties.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum PropKind {
    /// One of a fixed set of values (`z.enum`, `z.literal`, `z.boolean`): not attacker text.
    Fixed,
    /// A number: clean for every rule that is not about sizes.
    Numeric,
}

/// The constrained properties of an object schema; unconstrained ones are absent.
pub(super) type Schema = FxHashMap<String, PropKind>;

pub(super) struct Function<'t> {
    /// Allocated once per function: taints compare their origin with `Rc::ptr_eq`.
    pub name: Rc<str>,
    pub start_byte: usize,
    pub params: Vec<Node<'t>>,
    pub kind: FnKind,
    pub schema: Option<Rc<Schema>>,
}

#[derive(Default)]
pub(super) struct Module<'t> {
    /// Local name -> canonical name (`run` -> `child_process.execSync`, `cp` -> `child_process`).
    pub aliases: FxHashMap<String, String>,
    pub functions: Vec<Function<'t>>,
    pub by_name: FxHashMap<String, usize>,
    pub methods: FxHashMap<String, usize>,
    /// Function nodes analyzed on their own (by node id); other functions are callbacks,
    /// analyzed where they are passed, with the variables they close over.
    pub by_node: FxHashMap<usize, usize>,
    /// Module-level `const`s bound to literals.
    pub constants: FxHashSet<String>,
    /// `const Args = z.object({...})`: what each named schema constrains.
    pub schemas: FxHashMap<String, Rc<Schema>>,
    pub descriptions: Vec<Description>,
    /// Module-level names bound once, for the texts built from them.
    text_constants: Constants<'t>,
    /// Texts the model reads, resolved once the walk knows every constant.
    pending_texts: Vec<(Node<'t>, String, TextKind)>,
    /// Where each pending text starts: a literal described twice (by its registration
    /// and as a pair of its object) is read once.
    pending_starts: FxHashMap<usize, usize>,
    /// `text: ...` of content items, with the functions around them (start bytes,
    /// innermost first): output when one of them is an entry point.
    pending_outputs: Vec<(Node<'t>, Vec<usize>)>,
    /// Local name -> function of another module of the scan (`src/tools/exec.runCommand`), or
    /// the module itself for a namespace import.
    pub project_imports: FxHashMap<String, String>,
    /// The local names of namespace imports of project modules (`import * as docs from
    /// "./docs.js"`): `docs.X` is the module's `X`.
    project_namespaces: FxHashSet<String>,
    /// Texts of tools that are constants of another module of the project.
    pub imported_texts: Vec<ImportedText>,
    /// The exported names bound once to constant text (or an object of texts): another module
    /// may make one a tool's text.
    pub exported_texts: Vec<TextConstant>,
    pub reexports: Vec<crate::analyze::source::Reexport>,
    /// `const weather = server.tool("weather", ...)`: variables holding a registered tool,
    /// prompt or resource, by the name it was registered under.
    registered: FxHashMap<String, String>,
}

/// Registration methods of the MCP SDK and the kind of entry point their handler is.
fn registration(method: &str) -> Option<EntryKind> {
    Some(match method {
        "tool" | "registerTool" => EntryKind::Tool,
        "resource" | "registerResource" => EntryKind::Resource,
        "prompt" | "registerPrompt" => EntryKind::Prompt,
        _ => return None,
    })
}

/// Keys whose presence marks an object literal as a tool, prompt or schema definition, so its
/// `description` is text the model reads.
const DESCRIBED_OBJECT_KEYS: &[&str] = &[
    "name",
    "inputSchema",
    "title",
    "type",
    "arguments",
    "uriTemplate",
    "mimeType",
];

impl<'t> Module<'t> {
    pub fn collect(
        root: Node<'t>,
        src: &'t str,
        rel_path: &str,
        project: &crate::analyze::cross_file::ProjectModules,
    ) -> Module<'t> {
        let mut m = Module::default();
        let mut exported: FxHashSet<String> = FxHashSet::default();
        let mut named_entries: Vec<(String, EntryKind, Option<Rc<Schema>>)> = Vec::new();
        let mut entry_nodes: FxHashMap<usize, (EntryKind, String, Option<Rc<Schema>>)> =
            FxHashMap::default();
        // A cursor walk in document order: iterative (hostile files nest deeper than the
        // stack allows) and without allocating per node.
        let mut cursor = root.walk();
        // `Node::parent` searches down from the root; the walk knows the ancestors already.
        let mut ancestors: Vec<Node<'t>> = Vec::new();
        loop {
            let node = cursor.node();
            let parent = ancestors.last().copied();
            let grandparent = ancestors
                .len()
                .checked_sub(2)
                .and_then(|i| ancestors.get(i))
                .copied();
            match kind_of(node) {
                "import_statement" => m.import(node, src, rel_path, project),
                // `enum ToolName { ECHO = "echo" }`: its members name tools.
                "enum_declaration"
                    if parent
                        .is_some_and(|p| matches!(kind_of(p), "program" | "export_statement")) =>
                {
                    if let Some(name) = field(node, F::Name)
                        && let Some(body) = named_children(node)
                            .into_iter()
                            .find(|c| kind_of(*c) == "enum_body")
                    {
                        m.text_constants.bind_module(text(name, src), body);
                    }
                }
                "variable_declarator" => {
                    m.declarator(node, grandparent, src, &mut exported);
                    m.project_require(node, src, rel_path, project);
                }
                "call_expression" => {
                    m.call(node, src, &mut named_entries, &mut entry_nodes);
                }
                "pair" => {
                    m.described_pair(node, parent, src);
                    m.text_pair(node, &ancestors, src);
                }
                "object" => m.tool_object(node, src, &mut named_entries, &mut entry_nodes),
                "export_statement" => {
                    m.reexport(node, src, rel_path, project);
                    if let Some(d) = field(node, F::Declaration)
                        && let Some(name) = field(d, F::Name)
                    {
                        exported.insert(text(name, src).to_string());
                    }
                }
                "assignment_expression" => {
                    // `module.exports = { a, b }`, `exports.a = a`.
                    if let (Some(left), Some(right)) = (field(node, F::Left), field(node, F::Right))
                    {
                        m.runtime_description(left, right, src);
                        let target = text(left, src);
                        if target == "module.exports" && kind_of(right) == "object" {
                            for c in named_children(right) {
                                let n = match kind_of(c) {
                                    "shorthand_property_identifier" => Some(c),
                                    "pair" => field(c, F::Value),
                                    _ => None,
                                };
                                if let Some(n) = n {
                                    exported.insert(text(n, src).to_string());
                                }
                            }
                        } else if let Some(key) = target
                            .strip_prefix("exports.")
                            .or_else(|| target.strip_prefix("module.exports."))
                        {
                            // `exports.run = run` or `exports.run = function (...) {...}`: the
                            // function is known by the key.
                            exported.insert(key.to_string());
                            if kind_of(right) == "identifier" {
                                exported.insert(text(right, src).to_string());
                            }
                        }
                    }
                }
                _ => {}
            }
            if is_function(node) {
                m.function(node, parent, src, &entry_nodes);
            }
            if cursor.goto_first_child() {
                ancestors.push(node);
                continue;
            }
            // Up until a node has a next sibling; done when back at the root.
            let mut done = false;
            while !cursor.goto_next_sibling() {
                if !cursor.goto_parent() {
                    done = true;
                    break;
                }
                ancestors.pop();
            }
            if done {
                break;
            }
        }
        for (name, kind, schema) in named_entries {
            let index = m
                .by_name
                .get(&name)
                .or_else(|| name.strip_prefix("this.").and_then(|n| m.methods.get(n)))
                .copied();
            if let Some(f) = index.and_then(|i| m.functions.get_mut(i)) {
                f.kind = FnKind::Entry(kind);
                if f.schema.is_none() {
                    f.schema = schema;
                }
            }
        }
        for f in &mut m.functions {
            if f.kind == FnKind::Private && exported.contains(&*f.name) {
                f.kind = FnKind::Public;
            }
        }
        m.resolve_texts(src);
        m.exported_texts = m.texts_exported(&exported, src);
        m
    }

    /// The exported module-level names bound once to text, and the entries of those bound to
    /// an object of texts, by key.
    fn texts_exported(&self, exported: &FxHashSet<String>, src: &str) -> Vec<TextConstant> {
        let mut out = Vec::new();
        for (name, value) in self.text_constants.module_bindings() {
            if !exported.contains(name) {
                continue;
            }
            if kind_of(value) == "object" {
                self.object_texts(name, value, "", src, &mut out);
            } else if is_text_expression(value)
                && let Some(pieces) = resolve(value, src, &self.text_constants).into_iter().next()
            {
                out.push(TextConstant {
                    name: name.to_string(),
                    key: None,
                    pieces,
                });
            }
        }
        out.sort_by(|a, b| (&a.name, &a.key).cmp(&(&b.name, &b.key)));
        out
    }

    /// The texts of an object constant, by key; an object in it (`TOOLS.read.description`)
    /// by the keys joined with `.`, one level deep.
    fn object_texts(
        &self,
        name: &str,
        object: Node<'_>,
        prefix: &str,
        src: &str,
        out: &mut Vec<TextConstant>,
    ) {
        for pair in named_children(object)
            .into_iter()
            .filter(|p| kind_of(*p) == "pair")
        {
            let (Some(key), Some(entry)) = (field(pair, F::Key), field(pair, F::Value)) else {
                continue;
            };
            let key = string_value(key, src).unwrap_or(text(key, src));
            let key = if prefix.is_empty() {
                key.to_string()
            } else {
                format!("{prefix}.{key}")
            };
            if kind_of(entry) == "object" {
                if prefix.is_empty() {
                    self.object_texts(name, entry, &key, src, out);
                }
            } else if let Some(pieces) =
                resolve(entry, src, &self.text_constants).into_iter().next()
            {
                out.push(TextConstant {
                    name: name.to_string(),
                    key: Some(key),
                    pieces,
                });
            }
        }
    }

    /// A text that is a constant another module of the project exports: `DOC` after
    /// `import { DOC } from "./docs.js"`, `DOCS.read` or `DOCS[name]` (an entry), `docs.DOC`
    /// after `import * as docs`; named as calls name other modules' functions.
    fn imported_text(&self, node: Node<'_>, src: &str) -> Option<(String, Option<EntryKey>)> {
        let mut node = node;
        loop {
            node = match kind_of(node) {
                "parenthesized_expression" | "as_expression" | "satisfies_expression" => {
                    named_children(node).first().copied()?
                }
                // `DOC.trim()`: the same words.
                "call_expression" => {
                    let function = field(node, F::Function)?;
                    let trims = kind_of(function) == "member_expression"
                        && field(function, F::Property).is_some_and(|p| {
                            matches!(text(p, src), "trim" | "trimStart" | "trimEnd")
                        });
                    if !trims {
                        return None;
                    }
                    field(function, F::Object)?
                }
                _ => break,
            };
        }
        // `X` alone: a named import (a namespace is a module, not a text).
        let named = |head: Node<'_>| {
            let local = text(head, src);
            let target = self.project_imports.get(local)?;
            (kind_of(head) == "identifier"
                && !self.project_namespaces.contains(local)
                && !target.ends_with(".default"))
            .then(|| target.clone())
        };
        // `docs.X`: the namespace's member.
        let member_of_namespace = |n: Node<'_>| {
            if kind_of(n) != "member_expression" {
                return None;
            }
            let object = field(n, F::Object).filter(|o| kind_of(*o) == "identifier")?;
            let local = text(object, src);
            if !self.project_namespaces.contains(local) {
                return None;
            }
            let target = self.project_imports.get(local)?;
            Some(format!("{target}.{}", text(field(n, F::Property)?, src)))
        };
        if kind_of(node) == "identifier" {
            return named(node).map(|name| (name, None));
        }
        if let Some(name) = member_of_namespace(node) {
            return Some((name, None));
        }
        // An entry: `X.key`, `X["key"]`, `X[key]`, `docs.X.key`, `X.read.description`.
        let mut keys: Vec<EntryKey> = Vec::new();
        let mut head = node;
        while keys.len() <= 2 {
            let key = match kind_of(head) {
                "member_expression" if member_of_namespace(head).is_none() => {
                    EntryKey::Literal(text(field(head, F::Property)?, src).to_string())
                }
                "subscript_expression" => match string_value(field(head, F::Index)?, src) {
                    Some(literal) => EntryKey::Literal(literal.to_string()),
                    None => EntryKey::Any,
                },
                _ => break,
            };
            keys.push(key);
            head = field(head, F::Object)?;
        }
        keys.reverse();
        let key = match keys.as_slice() {
            [one] => one.clone(),
            [EntryKey::Literal(outer), EntryKey::Literal(inner)] => {
                EntryKey::Literal(format!("{outer}.{inner}"))
            }
            // No key, a run-time key inside another, or deeper than the constants go.
            _ => return None,
        };
        let name = match kind_of(head) {
            "identifier" => named(head)?,
            _ => member_of_namespace(head)?,
        };
        Some((name, Some(key)))
    }

    /// The pending texts, resolved now that every module-level constant is known.
    fn resolve_texts(&mut self, src: &str) {
        let text_of = |node: Node<'_>, owner: String, kind: TextKind| {
            resolve(node, src, &self.text_constants)
                .into_iter()
                .map(move |pieces| Description {
                    owner: owner.clone(),
                    kind,
                    pieces,
                    imported: None,
                })
        };
        let mut texts: Vec<Description> = Vec::new();
        let mut imported = Vec::new();
        for (node, owner, kind) in &self.pending_texts {
            let before = texts.len();
            texts.extend(text_of(*node, owner.clone(), *kind));
            if texts.len() == before
                && let Some((name, key)) = self.imported_text(*node, src)
            {
                imported.push(ImportedText {
                    owner: owner.clone(),
                    tool_line: 0,
                    start_byte: node.start_byte(),
                    kind: *kind,
                    name,
                    key,
                });
            }
        }
        self.imported_texts = imported;
        // A prompt's text is meant as instructions to the model; a tool's or a resource's
        // output is data.
        let mut entries: FxHashMap<usize, &str> = FxHashMap::default();
        for f in &self.functions {
            if matches!(
                f.kind,
                FnKind::Entry(EntryKind::Tool | EntryKind::Resource | EntryKind::CallTool)
            ) {
                entries.entry(f.start_byte).or_insert(&f.name);
            }
        }
        for (node, around) in &self.pending_outputs {
            if let Some(entry) = around.iter().find_map(|start| entries.get(start)) {
                texts.extend(text_of(*node, entry.to_string(), TextKind::Output));
            }
        }
        self.descriptions.extend(texts);
        self.pending_texts.clear();
        self.pending_outputs.clear();
    }

    /// `{ type: "text", text: ... }` in a function (output, if the function is an entry
    /// point), and `instructions: ...` in the options of `new McpServer(...)`.
    fn text_pair(&mut self, pair: Node<'t>, ancestors: &[Node<'t>], src: &str) {
        let (Some(key), Some(value)) = (field(pair, F::Key), field(pair, F::Value)) else {
            return;
        };
        let key = text(key, src).trim_matches(['"', '\'']);
        let mut up = ancestors.iter().rev();
        let object = up.next();
        match key {
            "instructions" => {
                let arguments = up.next().filter(|a| kind_of(*a) == "arguments");
                let constructs_server = arguments
                    .and_then(|_| up.next())
                    .filter(|n| kind_of(*n) == "new_expression")
                    .and_then(|n| field(*n, F::Function).or_else(|| n.named_child(0)))
                    .is_some_and(|c| text(c, src).ends_with("Server"));
                if constructs_server {
                    self.pending_texts
                        .push((value, "server".to_string(), TextKind::Instructions));
                }
            }
            "text" => {
                let is_content = object.is_some_and(|o| {
                    named_children(*o).into_iter().any(|p| {
                        kind_of(p) == "pair"
                            && field(p, F::Key)
                                .is_some_and(|k| text(k, src).trim_matches(['"', '\'']) == "type")
                            && field(p, F::Value).and_then(|v| string_value(v, src)) == Some("text")
                    })
                });
                if is_content {
                    let around: Vec<usize> = ancestors
                        .iter()
                        .rev()
                        .filter(|a| is_function(**a))
                        .map(|a| a.start_byte())
                        .collect();
                    if !around.is_empty() {
                        self.pending_outputs.push((value, around));
                    }
                }
            }
            _ => {}
        }
    }

    fn import(
        &mut self,
        node: Node<'t>,
        src: &str,
        rel_path: &str,
        project: &crate::analyze::cross_file::ProjectModules,
    ) {
        let Some(specifier) = field(node, F::Source).and_then(|s| string_value(s, src)) else {
            return;
        };
        if let Some(target) =
            crate::analyze::cross_file::js_project_import(rel_path, specifier, project)
        {
            if project.contains(&target) {
                self.project_import(node, src, &target);
            }
            return;
        }
        let Some(module) = module_name(specifier) else {
            return;
        };
        for clause in named_children(node) {
            if kind_of(clause) != "import_clause" {
                continue;
            }
            for part in named_children(clause) {
                match kind_of(part) {
                    "identifier" => {
                        self.aliases.insert(text(part, src).into(), module.clone());
                    }
                    "namespace_import" => {
                        if let Some(id) = named_children(part).first() {
                            self.aliases.insert(text(*id, src).into(), module.clone());
                        }
                    }
                    "named_imports" => {
                        for spec in named_children(part) {
                            let Some(name) = field(spec, F::Name) else {
                                continue;
                            };
                            let name = string_value(name, src).unwrap_or(text(name, src));
                            let local = field(spec, F::Alias).map_or(name, |a| text(a, src));
                            let canonical = if name == "default" {
                                module.clone()
                            } else {
                                normalize(format!("{module}.{name}"))
                            };
                            self.aliases.insert(local.to_string(), canonical);
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    /// `const { run } = require("./exec")`, `const exec = require("./exec")`: CommonJS imports
    /// of another module of the project.
    fn project_require(
        &mut self,
        node: Node<'t>,
        src: &str,
        rel_path: &str,
        project: &crate::analyze::cross_file::ProjectModules,
    ) {
        let (Some(name), Some(value)) = (field(node, F::Name), field(node, F::Value)) else {
            return;
        };
        if kind_of(value) != "call_expression"
            || field(value, F::Function).map(|f| text(f, src)) != Some("require")
        {
            return;
        }
        let Some(specifier) = field(value, F::Arguments)
            .and_then(|a| named_children(a).first().copied())
            .and_then(|a| string_value(a, src))
        else {
            return;
        };
        let Some(target) =
            crate::analyze::cross_file::js_project_import(rel_path, specifier, project)
                .filter(|t| project.contains(t))
        else {
            return;
        };
        match kind_of(name) {
            "identifier" => {
                self.project_imports
                    .insert(text(name, src).to_string(), target);
            }
            "object_pattern" => {
                for (key, local) in pattern_properties(name, src) {
                    self.project_imports
                        .insert(local.to_string(), format!("{target}.{key}"));
                }
            }
            _ => {}
        }
    }

    /// `export * from "./x.js"`, `export { a, b as c } from "./x.js"`.
    fn reexport(
        &mut self,
        node: Node<'t>,
        src: &str,
        rel_path: &str,
        project: &crate::analyze::cross_file::ProjectModules,
    ) {
        let Some(module) = field(node, F::Source)
            .and_then(|s| string_value(s, src))
            .and_then(|spec| crate::analyze::cross_file::js_project_import(rel_path, spec, project))
            .filter(|t| project.contains(t))
        else {
            return;
        };
        let clause = named_children(node)
            .into_iter()
            .find(|c| kind_of(*c) == "export_clause");
        let Some(clause) = clause else {
            // `export * from`, also `export * as ns from` (which callers reach as `ns.f`, not
            // followed).
            if !text(node, src).contains(" as ") {
                self.reexports.push(crate::analyze::source::Reexport {
                    name: None,
                    original: None,
                    module,
                });
            }
            return;
        };
        for spec in named_children(clause) {
            let Some(name) = field(spec, F::Name) else {
                continue;
            };
            let original = text(name, src).to_string();
            let exported =
                field(spec, F::Alias).map_or(original.clone(), |a| text(a, src).to_string());
            self.reexports.push(crate::analyze::source::Reexport {
                name: Some(exported),
                original: Some(original),
                module: module.clone(),
            });
        }
    }

    /// Names bound by an import of another module of the project.
    fn project_import(&mut self, node: Node<'t>, src: &str, target: &str) {
        for clause in named_children(node)
            .into_iter()
            .filter(|c| kind_of(c) == "import_clause")
        {
            for part in named_children(clause) {
                match kind_of(part) {
                    "identifier" => {
                        self.project_imports
                            .insert(text(part, src).into(), format!("{target}.default"));
                    }
                    "namespace_import" => {
                        if let Some(id) = named_children(part).first() {
                            self.project_imports
                                .insert(text(*id, src).into(), target.to_string());
                            self.project_namespaces.insert(text(*id, src).into());
                        }
                    }
                    "named_imports" => {
                        for spec in named_children(part) {
                            let Some(name) = field(spec, F::Name) else {
                                continue;
                            };
                            let name = text(name, src);
                            let local = field(spec, F::Alias).map_or(name, |a| text(a, src));
                            self.project_imports
                                .insert(local.to_string(), format!("{target}.{name}"));
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    /// The canonical name an expression stands for when it is a module or a module member:
    /// `require("x")`, `cp.exec`, `promisify(exec)`, `util.promisify(cp.exec)`.
    pub fn alias_of(&self, node: Node<'_>, src: &str) -> Option<String> {
        self.alias_at(node, src, 0)
    }

    fn alias_at(&self, node: Node<'_>, src: &str, depth: usize) -> Option<String> {
        // Module paths are short; hostile member chains are not followed.
        if depth > MAX_NAME_DEPTH {
            return None;
        }
        match kind_of(node) {
            "identifier" => self.aliases.get(text(node, src)).cloned(),
            "member_expression" => {
                let base = self.alias_at(field(node, F::Object)?, src, depth + 1)?;
                let prop = text(field(node, F::Property)?, src);
                Some(normalize(format!("{base}.{prop}")))
            }
            "parenthesized_expression" | "await_expression" => {
                self.alias_at(*named_children(node).first()?, src, depth + 1)
            }
            "call_expression" => {
                let function = field(node, F::Function)?;
                let args = field(node, F::Arguments)?;
                let first = *named_children(args).first()?;
                let callee = text(function, src);
                if callee == "require" {
                    return module_name(string_value(first, src)?);
                }
                let promisify = callee == "promisify"
                    || self.alias_at(function, src, depth + 1).as_deref() == Some("util.promisify");
                if promisify {
                    return self.alias_at(first, src, depth + 1);
                }
                None
            }
            _ => None,
        }
    }

    fn declarator(
        &mut self,
        node: Node<'t>,
        // The declaration's parent: the program, an export, or a block.
        statement: Option<Node<'t>>,
        src: &str,
        exported: &mut FxHashSet<String>,
    ) {
        let (Some(name), Some(value)) = (field(node, F::Name), field(node, F::Value)) else {
            return;
        };
        if kind_of(name) == "identifier"
            && let Some(registered) = registered_name(value, src)
        {
            self.registered
                .insert(text(name, src).to_string(), registered.to_string());
        }
        if let Some(canonical) = self.alias_of(value, src) {
            match kind_of(name) {
                "identifier" => {
                    self.aliases.insert(text(name, src).into(), canonical);
                }
                "object_pattern" => {
                    for (key, local) in pattern_properties(name, src) {
                        self.aliases
                            .insert(local.into(), normalize(format!("{canonical}.{key}")));
                    }
                }
                _ => {}
            }
            return;
        }
        if kind_of(name) != "identifier" {
            return;
        }
        let name_text = text(name, src);
        let top_level =
            statement.is_some_and(|p| kind_of(p) == "program" || kind_of(p) == "export_statement");
        if top_level && statement.map(kind_of) == Some("export_statement") {
            exported.insert(name_text.to_string());
        }
        if top_level && is_literal(value) {
            self.constants.insert(name_text.to_string());
        }
        if top_level {
            self.text_constants.bind_module(name_text, value);
        } else if let Some(block) = statement
            && node
                .parent()
                .and_then(|d| d.child(0))
                .is_some_and(|keyword| keyword.kind() == "const")
        {
            self.text_constants.bind_local(name_text, value, block);
        }
        if let Some(schema) = object_schema(value, src, &self.schemas) {
            self.schemas.insert(name_text.to_string(), Rc::new(schema));
        }
    }

    /// A function node: named functions, methods, functions stored in variables or object
    /// properties and MCP handlers are analyzed on their own; the rest are callbacks.
    fn function(
        &mut self,
        node: Node<'t>,
        parent: Option<Node<'t>>,
        src: &str,
        entries: &FxHashMap<usize, (EntryKind, String, Option<Rc<Schema>>)>,
    ) {
        let (name, kind, schema) = if let Some((kind, name, schema)) = entries.get(&node.id()) {
            (name.clone(), FnKind::Entry(*kind), schema.clone())
        } else if let Some(key) = parent
            .filter(|p| kind_of(*p) == "assignment_expression")
            .and_then(|p| field(p, F::Left))
            .map(|l| text(l, src))
            .and_then(|l| {
                l.strip_prefix("exports.")
                    .or_else(|| l.strip_prefix("module.exports."))
            })
        {
            (key.to_string(), FnKind::Private, None)
        } else if let Some(n) = field(node, F::Name) {
            (text(n, src).to_string(), FnKind::Private, None)
        } else {
            let named_by = parent.and_then(|p| match kind_of(p) {
                "variable_declarator" => field(p, F::Name).filter(|n| kind_of(n) == "identifier"),
                "pair" | "public_field_definition" => field(p, F::Key).or(field(p, F::Name)),
                "assignment_expression" => field(p, F::Left),
                _ => None,
            });
            match named_by {
                Some(n) => (text(n, src).to_string(), FnKind::Private, None),
                None => return,
            }
        };
        let index = self.functions.len();
        let params = parameters(node);
        if kind_of(node) == "method_definition" {
            self.methods.entry(name.clone()).or_insert(index);
        } else if !matches!(kind, FnKind::Entry(_)) {
            let key = name.rsplit('.').next().unwrap_or(&name).to_string();
            self.by_name.entry(key).or_insert(index);
        }
        self.by_node.insert(node.id(), index);
        self.functions.push(Function {
            name: Rc::from(name.as_str()),
            start_byte: node.start_byte(),
            params,
            kind,
            schema,
        });
    }

    /// MCP registrations (`server.tool(...)`, `setRequestHandler(CallToolRequestSchema, ...)`)
    /// and `.describe("...")` texts.
    fn call(
        &mut self,
        node: Node<'t>,
        src: &str,
        named_entries: &mut Vec<(String, EntryKind, Option<Rc<Schema>>)>,
        entry_nodes: &mut FxHashMap<usize, (EntryKind, String, Option<Rc<Schema>>)>,
    ) {
        let Some(function) = field(node, F::Function).filter(|f| kind_of(f) == "member_expression")
        else {
            return;
        };
        let Some(method) = field(function, F::Property).map(|p| text(p, src)) else {
            return;
        };
        let args = field(node, F::Arguments)
            .filter(|a| kind_of(a) == "arguments")
            .map(named_children)
            .unwrap_or_default();
        if method == "describe" {
            if let Some(first) = args.first().filter(|a| is_text_expression(**a)) {
                self.describe(*first, "parameter");
            }
            return;
        }
        // `weather.update({ description: "..." })`: the SDK sends the new text to clients.
        if method == "update" {
            if let Some(owner) = self.registered_owner(function, src)
                && let Some(changes) = args.first().filter(|a| kind_of(**a) == "object")
            {
                for pair in named_children(*changes) {
                    if let (Some(key), Some(value)) = (field(pair, F::Key), field(pair, F::Value))
                        && matches!(text(key, src), "description" | "title")
                    {
                        self.runtime_text(value, owner.clone());
                    }
                }
            }
            return;
        }
        let (kind, owner) = if method == "setRequestHandler" {
            let kind = match args.first().map(|a| text(*a, src)) {
                Some("CallToolRequestSchema") => EntryKind::CallTool,
                Some("ReadResourceRequestSchema") => EntryKind::Resource,
                Some("GetPromptRequestSchema") => EntryKind::Prompt,
                _ => return,
            };
            (kind, "call_tool".to_string())
        } else {
            let Some(kind) = registration(method) else {
                return;
            };
            // `server.registerTool(name, config, ...)` with `const name = "echo"`, or
            // `TOOLS.run.name`, `ToolName.ECHO`: the name the client sees.
            let Some(&first) = args.first() else {
                return;
            };
            let name = match super::texts::constant_string(first, src, &self.text_constants) {
                Some(name) => name,
                // A constant of another module (`registerTool(QUERY_TOOL, ...)`): named as
                // written until the scan reads that module.
                None if self.imported_text(first, src).is_some() => {
                    let written = text(first, src).to_string();
                    self.pend(first, &written, TextKind::Name);
                    written
                }
                None => return,
            };
            (kind, name)
        };
        let Some((&handler, middle)) = args.split_last() else {
            return;
        };
        if middle.is_empty() {
            return;
        }
        let middle = middle.get(1..).unwrap_or(&[]);
        let mut schema = None;
        for (i, arg) in middle.iter().enumerate() {
            if is_text_expression(*arg) && i == 0 {
                self.describe(*arg, &owner);
            }
            // `const config = { description, inputSchema }` registered by its name.
            let arg = &if kind_of(*arg) == "identifier" {
                super::texts::constant_object(*arg, src, &self.text_constants).unwrap_or(*arg)
            } else {
                *arg
            };
            if kind_of(arg) == "object" {
                // `registerTool(name, { description, inputSchema }, handler)`.
                let mut config_schema = None;
                for title in titles(*arg, src) {
                    self.title(title, &owner);
                }
                for pair in named_children(*arg)
                    .into_iter()
                    .filter(|p| kind_of(p) == "pair")
                {
                    let (Some(key), Some(value)) = (field(pair, F::Key), field(pair, F::Value))
                    else {
                        continue;
                    };
                    match text(key, src) {
                        "description" if is_text_expression(value) => self.describe(value, &owner),
                        "inputSchema" | "argsSchema" => {
                            config_schema = object_schema(value, src, &self.schemas)
                                .map(Rc::new)
                                .or_else(|| self.schemas.get(text(value, src)).cloned());
                        }
                        _ => {}
                    }
                }
                schema = config_schema
                    .or_else(|| object_schema(*arg, src, &self.schemas).map(Rc::new))
                    .or(schema);
            } else if let Some(named) = self.schemas.get(text(*arg, src)) {
                schema = Some(named.clone());
            }
        }
        let handler = unwrap_bind(handler, src);
        if is_function(handler) {
            entry_nodes.insert(handler.id(), (kind, owner, schema));
        } else if matches!(kind_of(handler), "identifier" | "member_expression") {
            named_entries.push((text(handler, src).to_string(), kind, schema));
        }
    }

    /// Tools declared as objects: `{ name, inputSchema, handler }` in a tool table, FastMCP's
    /// `addTool({ name, parameters, execute })`, `addResourceTemplate({ uriTemplate, load })`
    /// and `addPrompt({ name, arguments, load })`.
    fn tool_object(
        &mut self,
        node: Node<'t>,
        src: &str,
        named_entries: &mut Vec<(String, EntryKind, Option<Rc<Schema>>)>,
        entry_nodes: &mut FxHashMap<usize, (EntryKind, String, Option<Rc<Schema>>)>,
    ) {
        let mut name = None;
        let mut schema_node = None;
        let mut resource = false;
        let mut prompt_arguments = false;
        let mut handlers = Vec::new();
        for pair in named_children(node) {
            let (key, value) = match kind_of(pair) {
                "pair" => match (field(pair, F::Key), field(pair, F::Value)) {
                    (Some(k), Some(v)) => (text(k, src).trim_matches(['"', '\'']), v),
                    _ => continue,
                },
                // `{ name, handler }` with a function declared elsewhere.
                "shorthand_property_identifier" => (text(pair, src), pair),
                "method_definition" => match field(pair, F::Name) {
                    Some(k) => (text(k, src), pair),
                    None => continue,
                },
                _ => continue,
            };
            match key {
                "name" => {
                    name = super::texts::constant_string(value, src, &self.text_constants);
                }
                "inputSchema" | "parameters" | "argsSchema" => schema_node = Some(value),
                "uriTemplate" => resource = true,
                "arguments" => prompt_arguments = true,
                "handler" | "execute" | "run" | "callback" | "call" | "load" => {
                    handlers.push((key, value))
                }
                _ => {}
            }
        }
        let kind = if resource {
            EntryKind::Resource
        } else if schema_node.is_some() {
            EntryKind::Tool
        } else if prompt_arguments && name.is_some() {
            EntryKind::Prompt
        } else {
            return;
        };
        let named = name.is_some();
        let owner = name.unwrap_or_else(|| "tool".to_string());
        if kind == EntryKind::Tool && named {
            for title in titles(node, src) {
                self.title(title, &owner);
            }
        }
        let schema = schema_node.and_then(|v| {
            object_schema(v, src, &self.schemas)
                .map(Rc::new)
                .or_else(|| self.schemas.get(text(v, src)).cloned())
        });
        for (key, value) in handlers {
            // `load` is FastMCP's handler of resources and prompts, not of tools.
            if key == "load" && kind == EntryKind::Tool {
                continue;
            }
            if is_function(value) {
                entry_nodes.insert(value.id(), (kind, owner.clone(), schema.clone()));
            } else if matches!(
                kind_of(value),
                "identifier" | "shorthand_property_identifier"
            ) {
                named_entries.push((text(value, src).to_string(), kind, schema.clone()));
            }
        }
    }

    /// `description: "..."` in an object that defines a tool, a prompt or a schema property.
    fn described_pair(&mut self, node: Node<'t>, object: Option<Node<'t>>, src: &str) {
        let (Some(key), Some(value)) = (field(node, F::Key), field(node, F::Value)) else {
            return;
        };
        if text(key, src).trim_matches(['"', '\'']) != "description" || !is_text_expression(value) {
            return;
        }
        let Some(object) = object else { return };
        let mut owner = None;
        let mut described = false;
        let mut server_info = false;
        for sibling in named_children(object) {
            if kind_of(sibling) != "pair" {
                continue;
            }
            let Some(k) = field(sibling, F::Key) else {
                continue;
            };
            let k = text(k, src).trim_matches(['"', '\'']);
            described |= DESCRIBED_OBJECT_KEYS.contains(&k);
            // `{ name, version, description }`: the server's own identity, not a tool.
            server_info |= k == "version";
            if k == "name" {
                owner = field(sibling, F::Value)
                    .and_then(|v| super::texts::constant_string(v, src, &self.text_constants));
            }
        }
        if described {
            let owner = if server_info {
                "server".to_string()
            } else {
                owner.unwrap_or_else(|| "tool".to_string())
            };
            self.describe(value, &owner);
        }
    }

    /// The registered name of the tool whose variable a member call or assignment is on
    /// (`weather` of `weather.update`, `weather.description`).
    fn registered_owner(&self, member: Node<'_>, src: &str) -> Option<String> {
        let object = field(member, F::Object).filter(|o| kind_of(o) == "identifier")?;
        self.registered.get(text(object, src)).cloned()
    }

    /// `weather.description = "..."`: the registered tool's text replaced at run time.
    fn runtime_description(&mut self, left: Node<'t>, right: Node<'t>, src: &str) {
        if kind_of(left) == "member_expression"
            && field(left, F::Property).is_some_and(|p| text(p, src) == "description")
            && let Some(owner) = self.registered_owner(left, src)
        {
            self.runtime_text(right, owner);
        }
    }

    /// A text set at run time; marked as read, so a `description` pair of the same object
    /// literal is not read again as a declared one.
    fn runtime_text(&mut self, node: Node<'t>, owner: String) {
        self.pending_starts
            .insert(node.start_byte(), self.pending_texts.len());
        self.pending_texts.push((node, owner, TextKind::Runtime));
    }

    fn title(&mut self, node: Node<'t>, owner: &str) {
        self.pend(node, owner, TextKind::Title);
    }

    fn describe(&mut self, node: Node<'t>, owner: &str) {
        let kind = if owner == "parameter" {
            TextKind::Parameter
        } else {
            TextKind::Description
        };
        self.pend(node, owner, kind);
    }

    /// A text to read once the module's constants are known; each node is read once.
    /// A text first read as an anonymous tool's (a `description` pair of a config object)
    /// takes the name of the registration that passes the object.
    fn pend(&mut self, node: Node<'t>, owner: &str, kind: TextKind) {
        match self.pending_starts.get(&node.start_byte()) {
            None => {
                self.pending_starts
                    .insert(node.start_byte(), self.pending_texts.len());
                self.pending_texts.push((node, owner.to_string(), kind));
            }
            Some(&index) => {
                if let Some((_, first, first_kind)) = self.pending_texts.get_mut(index)
                    && first == "tool"
                    && *first_kind == kind
                {
                    *first = owner.to_string();
                }
            }
        }
    }
}

/// The display titles in a tool's definition or config object: `title` and
/// `annotations: { title }`. A schema property's `title` names a field, not the tool, and is
/// not among them.
fn titles<'t>(object: Node<'t>, src: &str) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    for (key, value) in named_children(object)
        .into_iter()
        .filter_map(|p| pair_entry(p, src))
    {
        match key {
            "title" if is_text_expression(value) => out.push(value),
            "annotations" if kind_of(value) == "object" => out.extend(
                named_children(value)
                    .into_iter()
                    .filter_map(|p| pair_entry(p, src))
                    .filter(|(k, v)| *k == "title" && is_text_expression(*v))
                    .map(|(_, v)| v),
            ),
            _ => {}
        }
    }
    out
}

/// An object literal's `key: value` pair, its key without quotes.
pub(super) fn pair_entry<'t, 's>(pair: Node<'t>, src: &'s str) -> Option<(&'s str, Node<'t>)> {
    let key = field(pair, F::Key)?;
    let value = field(pair, F::Value)?;
    Some((text(key, src).trim_matches(['"', '\'']), value))
}

/// The name `server.tool("weather", ...)` (also awaited) registers, for a variable bound to it.
fn registered_name<'s>(value: Node<'_>, src: &'s str) -> Option<&'s str> {
    let call = if kind_of(value) == "await_expression" {
        named_children(value).first().copied()?
    } else {
        value
    };
    if kind_of(call) != "call_expression" {
        return None;
    }
    let function = field(call, F::Function).filter(|f| kind_of(f) == "member_expression")?;
    registration(text(field(function, F::Property)?, src))?;
    let args = field(call, F::Arguments).filter(|a| kind_of(a) == "arguments")?;
    string_value(*named_children(args).first()?, src)
}

/// The parameters of a function node: `(a, { b })`, or the one of `a => ...`.
pub(super) fn parameters<'t>(function: Node<'t>) -> Vec<Node<'t>> {
    match field(function, F::Parameters) {
        Some(p) => named_children(p),
        None => field(function, F::Parameter).into_iter().collect(),
    }
}

/// Identifiers a pattern or expression mentions (not property names), bounded. Also inside
/// callbacks: `dirs.some((d) => p.startsWith(d))` reads `p`.
pub(super) fn pattern_identifiers(node: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    let mut stack = vec![node];
    let mut budget = 128;
    while let Some(n) = stack.pop() {
        budget -= 1;
        if budget == 0 {
            break;
        }
        match kind_of(n) {
            "identifier"
            | "shorthand_property_identifier_pattern"
            | "shorthand_property_identifier" => out.push(n),
            _ => {
                let mut cursor = n.walk();
                stack.extend(n.named_children(&mut cursor));
            }
        }
    }
    out
}

/// `this.handle.bind(this)` is the method `this.handle`.
fn unwrap_bind<'t>(node: Node<'t>, src: &str) -> Node<'t> {
    if kind_of(node) == "call_expression"
        && let Some(f) = field(node, F::Function)
        && kind_of(f) == "member_expression"
        && field(f, F::Property).is_some_and(|p| text(p, src) == "bind")
        && let Some(object) = field(f, F::Object)
    {
        return object;
    }
    node
}

/// An expression that can build text: literals, concatenations, templates, constants and the
/// calls `texts` reads through.
fn is_text_expression(node: Node<'_>) -> bool {
    matches!(
        kind_of(node),
        "string"
            | "template_string"
            | "binary_expression"
            | "identifier"
            | "call_expression"
            | "parenthesized_expression"
            | "subscript_expression"
            | "member_expression"
    )
}

pub(super) fn is_literal(node: Node<'_>) -> bool {
    is_literal_at(node, 0)
}

fn is_literal_at(node: Node<'_>, depth: usize) -> bool {
    if depth > MAX_NAME_DEPTH {
        return false;
    }
    match kind_of(node) {
        "string" | "number" | "true" | "false" | "null" | "undefined" | "regex" => true,
        "template_string" => !has_substitution(node),
        "array" | "object" => {
            let mut cursor = node.walk();
            node.named_children(&mut cursor).all(|c| match kind_of(c) {
                "pair" => field(c, F::Value).is_some_and(|v| is_literal_at(v, depth + 1)),
                "comment" => true,
                _ => is_literal_at(c, depth + 1),
            })
        }
        "as_expression" | "satisfies_expression" | "parenthesized_expression" => {
            let mut cursor = node.walk();
            let first = node.named_children(&mut cursor).next();
            first.is_some_and(|f| is_literal_at(f, depth + 1))
        }
        _ => false,
    }
}

/// `(key, local)` pairs of an object destructuring pattern: `{ exec, spawn: sp }`.
pub(super) fn pattern_properties<'s>(pattern: Node<'_>, src: &'s str) -> Vec<(&'s str, &'s str)> {
    let mut out = Vec::new();
    for p in named_children(pattern) {
        match kind_of(p) {
            "shorthand_property_identifier_pattern" => {
                let t = text(p, src);
                out.push((t, t));
            }
            "pair_pattern" => {
                if let (Some(k), Some(v)) = (field(p, F::Key), field(p, F::Value)) {
                    let v = match kind_of(v) {
                        "assignment_pattern" => field(v, F::Left).unwrap_or(v),
                        _ => v,
                    };
                    if kind_of(v) == "identifier" {
                        out.push((text(k, src).trim_matches(['"', '\'']), text(v, src)));
                    }
                }
            }
            "object_assignment_pattern" => {
                if let Some(l) = field(p, F::Left).filter(|l| kind_of(l) != "object_pattern") {
                    let t = text(l, src);
                    out.push((t, t));
                }
            }
            _ => {}
        }
    }
    out
}

/// What a zod object schema constrains: `{ mode: z.enum([...]), n: z.number() }` or
/// `z.object({...})`, or a named schema.
fn object_schema(
    node: Node<'_>,
    src: &str,
    named: &FxHashMap<String, Rc<Schema>>,
) -> Option<Schema> {
    let object = match kind_of(node) {
        "object" => node,
        "call_expression" => {
            let callee = text(field(node, F::Function)?, src);
            if !callee.ends_with(".object") && !callee.ends_with(".strictObject") {
                return None;
            }
            let first = *named_children(field(node, F::Arguments)?).first()?;
            if kind_of(first) != "object" {
                return named.get(text(first, src)).map(|s| (**s).clone());
            }
            first
        }
        _ => return None,
    };
    let mut schema = Schema::default();
    let mut zod = false;
    for pair in named_children(object) {
        if kind_of(pair) != "pair" {
            continue;
        }
        let (Some(key), Some(value)) = (field(pair, F::Key), field(pair, F::Value)) else {
            continue;
        };
        let v = text(value, src).trim_start();
        zod |= v.starts_with("z.");
        let kind = if ["z.enum(", "z.literal(", "z.nativeEnum(", "z.boolean("]
            .iter()
            .any(|p| v.starts_with(p))
        {
            Some(PropKind::Fixed)
        } else if ["z.number(", "z.bigint(", "z.coerce.number("]
            .iter()
            .any(|p| v.starts_with(p))
        {
            Some(PropKind::Numeric)
        } else {
            None
        };
        if let Some(kind) = kind {
            schema.insert(text(key, src).trim_matches(['"', '\'']).to_string(), kind);
        }
    }
    (zod || kind_of(node) == "call_expression").then_some(schema)
}
