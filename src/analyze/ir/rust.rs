//! Rust to IR. Items become the module's functions and classes (an `impl` block's methods join
//! the class of its type, a trait it implements is a base); attributes are decorators
//! (`#[tool(...)]`); expressions that yield a value (`if`, `match`, blocks) are lowered into
//! the place the value goes, so a statement inside them is never lost. References, `?` and
//! casts are transparent. Macros: `format!` and its family become templates, `vec!` a list;
//! any other macro is a call of `name!` over the expressions in its tokens, so a value passes
//! through it. A `Command` builder is also lowered as the call that runs it (`command.rs`).

mod command;
mod macros;

use super::lowering::{Lower, Scope, named_children};
use super::{
    Arg, Class, ClassId, Expr, ExprKind, Import, MAX_DEPTH, Module, Param, ParamKind, Stmt, Target,
};
use crate::analyze::Span;
use std::collections::{BTreeSet, HashMap};
use tree_sitter::Node;

/// Lowers a parsed Rust source file.
pub fn lower(root_node: Node<'_>, text: &str) -> Module {
    let root = root_node;
    let mut lowering = Lowering {
        text,
        module: super::lowering::start(root),
        classes: HashMap::new(),
        path_roots: BTreeSet::new(),
        field_params: HashMap::new(),
    };
    lowering.module.bare_entry_attributes = true;
    let mut body = Vec::new();
    lowering.items(root, Scope::top(), 0, &mut body);
    // `tools::run(x)`, `crate::tools::run(x)`: a path starts at a module or a crate, never at
    // a variable; one the file does not import is bound as a module of that name.
    for root in &lowering.path_roots {
        if !lowering.module.imports.iter().any(|i| i.local == *root) {
            lowering.module.imports.push(Import {
                local: root.clone(),
                module: root.clone(),
                member: None,
                span: Span::of(root_node),
            });
        }
    }
    let field_params = std::mem::take(&mut lowering.field_params);
    let mut module = super::lowering::finish(lowering.module, body);
    type_field_params(&mut module, &field_params);
    if text.contains("Command") {
        let commands = command::CommandTypes::of(&module.imports);
        for function in &mut module.functions {
            command::lower_runs(&mut function.body, &commands);
        }
    }
    module
}

struct Lowering<'s> {
    text: &'s str,
    module: Module,
    /// A type's class, shared by all of its `impl` blocks.
    classes: HashMap<String, ClassId>,
    /// The lowercase first segments of paths (`tools` in `tools::run`): modules and crates.
    path_roots: BTreeSet<String>,
    /// Parameters bound from a struct's field, by where the name is: the struct and field.
    field_params: HashMap<Span, (String, String)>,
}

/// Where the value of an expression lowered as statements goes.
#[derive(Clone)]
enum Into {
    Discard,
    Return,
    Assign(Target),
}

impl Lower for Lowering<'_> {
    fn text(&self) -> &str {
        self.text
    }

    fn lower_expr(&mut self, node: Node<'_>, scope: Scope<'_>, depth: usize) -> Expr {
        self.expr(node, scope, depth)
    }
}

/// Macros that format their arguments into a string after a format string.
const FORMAT_MACROS: [&str; 16] = [
    "format",
    "format_args",
    "print",
    "println",
    "eprint",
    "eprintln",
    "panic",
    "anyhow",
    "bail",
    "info",
    "warn",
    "error",
    "debug",
    "trace",
    "unreachable",
    "todo",
];

/// Macros that leave the function with an error.
const RAISING_MACROS: [&str; 4] = ["panic", "bail", "unreachable", "todo"];

impl<'s> Lowering<'s> {
    /// The items of a file, an inline module or a function body's item statements.
    fn items(&mut self, node: Node<'_>, scope: Scope<'_>, depth: usize, out: &mut Vec<Stmt>) {
        if depth > MAX_DEPTH {
            return;
        }
        for (child, attributes) in attributed(named_children(node)) {
            self.item(child, &attributes, scope, depth + 1, out);
        }
    }

    fn item(
        &mut self,
        node: Node<'_>,
        attributes: &[Node<'_>],
        scope: Scope<'_>,
        depth: usize,
        out: &mut Vec<Stmt>,
    ) {
        let at = Span::of(node);
        match node.kind() {
            "use_declaration" => {
                if let Some(arg) = node.child_by_field_name("argument") {
                    self.use_tree(arg, "", at);
                }
            }
            "function_item" => {
                if is_test(attributes, self.text) {
                    return;
                }
                let decorators = self.attributes(attributes, scope, depth);
                let id = self.function(node, decorators, scope, depth);
                out.push(Stmt::Def {
                    name: self.name_field(node),
                    func: Some(id),
                    class: None,
                    span: at,
                });
            }
            "impl_item" => self.impl_block(node, attributes, scope, depth, out),
            "struct_item" | "enum_item" if !is_test(attributes, self.text) => {
                let decorators = self.attributes(attributes, scope, depth);
                self.type_item(node, decorators, out);
            }
            "mod_item" => {
                if is_test(attributes, self.text) {
                    return;
                }
                if let Some(body) = node.child_by_field_name("body") {
                    self.items(body, scope, depth, out);
                }
            }
            "const_item" | "static_item" => {
                if let (Some(name), Some(value)) = (
                    node.child_by_field_name("name"),
                    node.child_by_field_name("value"),
                ) {
                    let value = self.expr(value, scope, depth);
                    out.push(Stmt::Assign {
                        targets: vec![Target::Name(self.text_of(name), Span::of(name))],
                        value,
                        op: None,
                        span: at,
                    });
                }
            }
            "expression_statement" => {
                for child in named_children(node) {
                    self.value_into(child, Into::Discard, scope, depth, out);
                }
            }
            "let_declaration" => self.let_declaration(node, scope, depth, out),
            "empty_statement" | "line_comment" | "block_comment" => {}
            kind if kind.ends_with("_item") || kind == "macro_definition" => {}
            // The value a block ends with.
            _ => self.value_into(node, Into::Discard, scope, depth, out),
        }
    }

    /// `use a::b::{c, d as e, f::*}`: one import per name it binds.
    fn use_tree(&mut self, node: Node<'_>, prefix: &str, at: Span) {
        let join = |prefix: &str, path: &str| match (prefix.is_empty(), path.is_empty()) {
            (true, _) => path.to_string(),
            (_, true) => prefix.to_string(),
            _ => format!("{prefix}.{path}"),
        };
        match node.kind() {
            "identifier" | "scoped_identifier" | "self" | "crate" | "super" => {
                let full = join(prefix, &path_text(node, self.text));
                self.import(&full, None, at);
            }
            "use_as_clause" => {
                let path = node
                    .child_by_field_name("path")
                    .map_or(String::new(), |p| path_text(p, self.text));
                let alias = node
                    .child_by_field_name("alias")
                    .map(|a| self.text_of(a))
                    .filter(|a| a != "_");
                if let Some(alias) = alias {
                    self.import(&join(prefix, &path), Some(alias), at);
                }
            }
            "scoped_use_list" => {
                let path = node
                    .child_by_field_name("path")
                    .map_or(String::new(), |p| path_text(p, self.text));
                let prefix = join(prefix, &path);
                if let Some(list) = node.child_by_field_name("list") {
                    self.use_tree(list, &prefix, at);
                }
            }
            "use_list" => {
                for child in named_children(node) {
                    self.use_tree(child, prefix, at);
                }
            }
            "use_wildcard" => {
                let path = named_children(node)
                    .first()
                    .map_or(String::new(), |p| path_text(*p, self.text));
                self.module.imports.push(Import {
                    local: "*".into(),
                    module: join(prefix, &path),
                    member: Some("*".into()),
                    span: at,
                });
            }
            _ => {}
        }
    }

    /// An import of the dotted path `full` (`std.process.Command`), bound as `alias` or as its
    /// last segment; `self` in a list binds the list's module.
    fn import(&mut self, full: &str, alias: Option<String>, at: Span) {
        let full = full.strip_suffix(".self").unwrap_or(full);
        let (module, member) = match full.rsplit_once('.') {
            Some((m, last)) => (m.to_string(), Some(last.to_string())),
            None => (full.to_string(), None),
        };
        let local = alias.unwrap_or_else(|| member.clone().unwrap_or_else(|| module.clone()));
        self.module.imports.push(Import {
            local,
            module,
            member,
            span: at,
        });
    }

    /// The decorators of an item: each attribute as the call it reads like (`tool(name =
    /// "x")`), its path as written.
    fn attributes(&mut self, attributes: &[Node<'_>], scope: Scope<'_>, depth: usize) -> Vec<Expr> {
        let mut out = Vec::new();
        for item in attributes {
            for attribute in named_children(*item) {
                if attribute.kind() != "attribute" {
                    continue;
                }
                let Some(path) = named_children(attribute).first().copied() else {
                    continue;
                };
                let callee = self.path_expr(path, scope);
                let decorator = match attribute.child_by_field_name("arguments") {
                    Some(tokens) => {
                        let args = macros::arguments(self, tokens, scope, depth);
                        Expr {
                            kind: ExprKind::Call {
                                callee: Box::new(callee),
                                args,
                                construct: false,
                            },
                            span: Span::of(attribute),
                        }
                    }
                    None => callee,
                };
                out.push(decorator);
            }
        }
        out
    }

    /// `impl Type { ... }` and `impl Trait for Type { ... }`: the methods join `Type`'s class.
    fn impl_block(
        &mut self,
        node: Node<'_>,
        attributes: &[Node<'_>],
        scope: Scope<'_>,
        depth: usize,
        out: &mut Vec<Stmt>,
    ) {
        let at = Span::of(node);
        let Some(ty) = node.child_by_field_name("type") else {
            return;
        };
        let name = type_name(ty, self.text);
        let decorators = self.attributes(attributes, scope, depth);
        let base = node.child_by_field_name("trait").map(|t| Expr {
            kind: ExprKind::Name(type_name(t, self.text)),
            span: Span::of(t),
        });
        let id = self.class_of(&name, at, out);
        if let Some(class) = self.module.classes.get_mut(id) {
            class.bases.extend(base);
            class.decorators.extend(decorators);
        }
        let Some(body) = node.child_by_field_name("body") else {
            return;
        };
        let inner = Scope {
            func: scope.func,
            prefix: &name,
            class: Some(id),
        };
        for (child, attributes) in attributed(named_children(body)) {
            match child.kind() {
                "function_item" => {
                    if is_test(&attributes, self.text) {
                        continue;
                    }
                    let decorators = self.attributes(&attributes, scope, depth);
                    let func = self.function(child, decorators, inner, depth);
                    if let Some(class) = self.module.classes.get_mut(id) {
                        class.methods.push(func);
                    }
                }
                "const_item" => {
                    let mut fields = Vec::new();
                    self.item(child, &[], inner, depth, &mut fields);
                    if let Some(class) = self.module.classes.get_mut(id) {
                        class.fields.extend(fields);
                    }
                }
                _ => {}
            }
        }
    }

    /// A type's class, shared by its definition and all of its `impl` blocks.
    fn class_of(&mut self, name: &str, at: Span, out: &mut Vec<Stmt>) -> ClassId {
        if let Some(&id) = self.classes.get(name) {
            return id;
        }
        self.module.classes.push(Class {
            name: name.to_string(),
            bases: Vec::new(),
            decorators: Vec::new(),
            methods: Vec::new(),
            fields: Vec::new(),
            declared: Vec::new(),
            span: at,
        });
        let id = self.module.classes.len() - 1;
        self.classes.insert(name.to_string(), id);
        out.push(Stmt::Def {
            name: name.to_string(),
            func: None,
            class: Some(id),
            span: at,
        });
        id
    }

    /// `struct Args { path: String, max_count: Option<u32> }`: the class of `Args` declares
    /// its fields' types (what serde lets a caller put there), its attributes are the class's
    /// decorators (rust-mcp-sdk's `#[mcp_tool(...)]`). A fieldless `enum` is a fixed set of
    /// choices, which the IR says as a base named `Enum` (as a Python `Enum` says it).
    fn type_item(&mut self, node: Node<'_>, decorators: Vec<Expr>, out: &mut Vec<Stmt>) {
        let at = Span::of(node);
        let Some(name) = node.child_by_field_name("name") else {
            return;
        };
        let name = self.text_of(name);
        let body = node.child_by_field_name("body");
        let mut declared = Vec::new();
        let mut choices = node.kind() == "enum_item";
        for child in body.map(named_children).unwrap_or_default() {
            match child.kind() {
                "field_declaration" => {
                    if let (Some(field), Some(ty)) = (
                        child.child_by_field_name("name"),
                        child.child_by_field_name("type"),
                    ) {
                        let ty = self.text_of(ty);
                        // `reqwest::Client`, `Arc<reqwest::Client>`: a path starts at a crate,
                        // as in an expression.
                        for path in ty.split(['<', '>', '&', ' ', '(', ')', ',', '[', ']']) {
                            if let Some((root, _)) = path.split_once("::")
                                && !root.is_empty()
                                && root.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                                && !matches!(root, "crate" | "self" | "super")
                            {
                                self.path_roots.insert(root.to_string());
                            }
                        }
                        declared.push((self.text_of(field), ty));
                    }
                }
                // `Run(String)`, `Set { value: String }`: a variant that carries data.
                "enum_variant" if child.child_by_field_name("body").is_some() => {
                    choices = false;
                }
                _ => {}
            }
        }
        let id = self.class_of(&name, at, out);
        if let Some(class) = self.module.classes.get_mut(id) {
            class.declared.extend(declared);
            class.decorators.extend(decorators);
            if choices {
                class.bases.push(Expr {
                    kind: ExprKind::Name("Enum".into()),
                    span: at,
                });
            }
        }
    }

    fn name_field(&self, node: Node<'_>) -> String {
        node.child_by_field_name("name")
            .map(|n| self.text_of(n))
            .unwrap_or_default()
    }

    fn function(
        &mut self,
        node: Node<'_>,
        decorators: Vec<Expr>,
        scope: Scope<'_>,
        depth: usize,
    ) -> usize {
        let name = self.name_field(node);
        let qualified = scope.qualify(&name);
        let id = super::lowering::declare(
            &mut self.module,
            node,
            name,
            qualified.clone(),
            scope,
            decorators,
        );
        // `async fn`: the keyword sits in the modifiers.
        let is_async = named_children(node)
            .iter()
            .any(|c| c.kind() == "function_modifiers" && self.text_of(*c).contains("async"));
        if let Some(f) = self.module.functions.get_mut(id) {
            f.is_async = is_async;
        }
        // Methods see `Self` as their type.
        let inner = Scope {
            func: id,
            prefix: &qualified,
            class: scope.class,
        };
        let params = node
            .child_by_field_name("parameters")
            .map_or_else(Vec::new, |p| self.params(p, depth));
        let body = match node.child_by_field_name("body") {
            Some(b) => self.block_into(b, Into::Return, inner, depth + 1),
            None => Vec::new(),
        };
        super::lowering::define(&mut self.module, id, params, body);
        id
    }

    /// Parameters of a function or a closure: a pattern binds each name it holds (the fields of
    /// `Parameters(Args { path, .. })` each become one).
    fn params(&mut self, node: Node<'_>, depth: usize) -> Vec<Param> {
        let mut out = Vec::new();
        for p in named_children(node) {
            let at = Span::of(p);
            match p.kind() {
                "self_parameter" => out.push(Param {
                    name: "self".into(),
                    kind: ParamKind::Positional,
                    annotation: None,
                    default: None,
                    span: at,
                }),
                "parameter" => {
                    let annotation = p.child_by_field_name("type").map(|t| self.text_of(t));
                    if let Some(pattern) = p.child_by_field_name("pattern") {
                        let target = self.pattern(pattern, depth);
                        // `Parameters(Args { path, max_count, .. })`: each name is a field
                        // of `Args`, typed by its declaration (found once the file is read).
                        if let (Some(ty), Target::Object(props, _)) =
                            (struct_of_pattern(pattern, self.text), &target)
                        {
                            for (key, bound) in props {
                                if let Target::Name(_, span) = bound {
                                    self.field_params.insert(*span, (ty.clone(), key.clone()));
                                }
                            }
                        }
                        param_names(&target, false, &annotation, &mut out);
                    }
                }
                // `|x|`: a closure parameter without a type is its pattern.
                "identifier"
                | "tuple_pattern"
                | "tuple_struct_pattern"
                | "struct_pattern"
                | "reference_pattern"
                | "mut_pattern" => {
                    let target = self.pattern(p, depth);
                    param_names(&target, false, &None, &mut out);
                }
                _ => {}
            }
        }
        out
    }

    /// A pattern as the target it binds: a one-field tuple struct (`Some(x)`, `Ok(x)`,
    /// `Parameters(x)`) is its field, a struct pattern binds each field it names.
    fn pattern(&mut self, node: Node<'_>, depth: usize) -> Target {
        let at = Span::of(node);
        if depth > MAX_DEPTH {
            return Target::Opaque(at);
        }
        match node.kind() {
            "identifier" => {
                let name = self.text_of(node);
                // `None`, `Ordering::Less`: a constant, not a binding.
                if name.starts_with(|c: char| c.is_ascii_uppercase()) {
                    Target::Opaque(at)
                } else {
                    Target::Name(name, at)
                }
            }
            "mut_pattern" | "ref_pattern" | "reference_pattern" | "match_pattern" => {
                match named_children(node)
                    .into_iter()
                    .find(|c| c.kind() != "mutable_specifier")
                {
                    Some(inner) => self.pattern(inner, depth + 1),
                    None => Target::Opaque(at),
                }
            }
            "captured_pattern" => match named_children(node).first() {
                Some(name) => self.pattern(*name, depth + 1),
                None => Target::Opaque(at),
            },
            "tuple_pattern" | "slice_pattern" => {
                let items: Vec<Target> = named_children(node)
                    .into_iter()
                    .map(|c| self.pattern(c, depth + 1))
                    .collect();
                Target::Tuple(items, at)
            }
            "tuple_struct_pattern" => {
                let ty = node.child_by_field_name("type");
                let items: Vec<Target> = named_children(node)
                    .into_iter()
                    .filter(|c| Some(*c) != ty)
                    .map(|c| self.pattern(c, depth + 1))
                    .collect();
                match <[Target; 1]>::try_from(items) {
                    Ok([only]) => only,
                    Err(items) => Target::Tuple(items, at),
                }
            }
            "struct_pattern" => {
                let mut props = Vec::new();
                for field in named_children(node) {
                    match field.kind() {
                        "field_pattern" => {
                            let Some(name) = field.child_by_field_name("name") else {
                                continue;
                            };
                            let key = self.text_of(name);
                            let target = match field.child_by_field_name("pattern") {
                                Some(p) => self.pattern(p, depth + 1),
                                None => Target::Name(key.clone(), Span::of(name)),
                            };
                            props.push((key, target));
                        }
                        "shorthand_field_identifier" | "field_identifier" | "identifier" => {
                            let key = self.text_of(field);
                            props.push((key.clone(), Target::Name(key, Span::of(field))));
                        }
                        _ => {}
                    }
                }
                Target::Object(props, at)
            }
            _ => Target::Opaque(at),
        }
    }

    /// The statements of a block, its final value going `into`.
    fn block_into(
        &mut self,
        node: Node<'_>,
        into: Into,
        scope: Scope<'_>,
        depth: usize,
    ) -> Vec<Stmt> {
        let mut out = Vec::new();
        if depth > MAX_DEPTH {
            return out;
        }
        let children = named_children(node);
        let tail = children
            .last()
            .copied()
            .and_then(|last| tail_of(last, self.text));
        for (child, attributes) in attributed(children) {
            if let Some((last, value)) = tail
                && last == child
            {
                self.value_into(value, into.clone(), scope, depth + 1, &mut out);
                continue;
            }
            self.item(child, &attributes, scope, depth + 1, &mut out);
        }
        out
    }

    fn let_declaration(
        &mut self,
        node: Node<'_>,
        scope: Scope<'_>,
        depth: usize,
        out: &mut Vec<Stmt>,
    ) {
        let Some(pattern) = node.child_by_field_name("pattern") else {
            return;
        };
        let target = self.pattern(pattern, depth);
        if let Some(value) = node.child_by_field_name("value") {
            self.value_into(value, Into::Assign(target), scope, depth, out);
        }
        // `let ... else { return ... }`: the else block leaves.
        if let Some(alternative) = node.child_by_field_name("alternative") {
            let otherwise = self.block_into(alternative, Into::Discard, scope, depth + 1);
            out.push(Stmt::If {
                cond: Expr::null(Span::of(node)),
                then: Vec::new(),
                otherwise,
                span: Span::of(node),
            });
        }
    }

    /// Lowers `node`, an expression, as statements whose value goes `into`.
    fn value_into(
        &mut self,
        node: Node<'_>,
        into: Into,
        scope: Scope<'_>,
        depth: usize,
        out: &mut Vec<Stmt>,
    ) {
        let at = Span::of(node);
        if depth > MAX_DEPTH {
            let e = self.opaque(node, scope, depth);
            out.push(put(e, into));
            return;
        }
        match node.kind() {
            "if_expression" => {
                let cond = self.condition(node, scope, depth, out);
                let then = match node.child_by_field_name("consequence") {
                    Some(b) => self.block_into(b, into.clone(), scope, depth + 1),
                    None => Vec::new(),
                };
                let otherwise = match node
                    .child_by_field_name("alternative")
                    .and_then(|e| named_children(e).first().copied())
                {
                    Some(e) if e.kind() == "block" => self.block_into(e, into, scope, depth + 1),
                    Some(e) => {
                        let mut inner = Vec::new();
                        self.value_into(e, into, scope, depth + 1, &mut inner);
                        inner
                    }
                    None => Vec::new(),
                };
                out.push(Stmt::If {
                    cond,
                    then,
                    otherwise,
                    span: at,
                });
            }
            "match_expression" => {
                let subject = self.field_expr(node, "value", scope, depth + 1);
                let mut cases = Vec::new();
                if let Some(body) = node.child_by_field_name("body") {
                    for arm in named_children(body) {
                        if arm.kind() != "match_arm" {
                            continue;
                        }
                        let mut tests = Vec::new();
                        let mut stmts = Vec::new();
                        if let Some(pattern) = arm.child_by_field_name("pattern") {
                            if let Some(p) = named_children(pattern).first()
                                && is_literal(p.kind())
                            {
                                tests.push(self.expr(*p, scope, depth + 1));
                            }
                            let target = self.pattern(pattern, depth + 1);
                            if binds(&target) {
                                stmts.push(Stmt::Assign {
                                    targets: vec![target],
                                    value: subject.clone(),
                                    op: None,
                                    span: Span::of(pattern),
                                });
                            }
                        }
                        if let Some(value) = arm.child_by_field_name("value") {
                            if value.kind() == "block" {
                                stmts.extend(self.block_into(
                                    value,
                                    into.clone(),
                                    scope,
                                    depth + 1,
                                ));
                            } else {
                                self.value_into(value, into.clone(), scope, depth + 1, &mut stmts);
                            }
                        }
                        cases.push((tests, stmts));
                    }
                }
                out.push(Stmt::Switch {
                    subject,
                    cases,
                    span: at,
                });
            }
            "block" | "unsafe_block" => {
                let block = if node.kind() == "block" {
                    Some(node)
                } else {
                    named_children(node)
                        .into_iter()
                        .find(|c| c.kind() == "block")
                };
                if let Some(b) = block {
                    out.extend(self.block_into(b, into, scope, depth + 1));
                }
            }
            // `async { ... }.await` runs here.
            "await_expression"
                if named_children(node)
                    .first()
                    .is_some_and(|c| c.kind() == "async_block") =>
            {
                if let Some(b) = named_children(node)
                    .first()
                    .and_then(|a| named_children(*a).into_iter().find(|c| c.kind() == "block"))
                {
                    out.extend(self.block_into(b, into, scope, depth + 1));
                }
            }
            "loop_expression" | "while_expression" | "for_expression" => {
                let binding = node
                    .child_by_field_name("pattern")
                    .map(|p| self.pattern(p, depth + 1));
                let iter = if node.kind() == "for_expression" {
                    self.field_expr(node, "value", scope, depth + 1)
                } else if node.child_by_field_name("condition").is_some() {
                    self.condition(node, scope, depth, out)
                } else {
                    Expr {
                        kind: ExprKind::Bool(true),
                        span: at,
                    }
                };
                let body = match node.child_by_field_name("body") {
                    Some(b) => self.block_into(b, Into::Discard, scope, depth + 1),
                    None => Vec::new(),
                };
                out.push(Stmt::Loop {
                    binding,
                    iter,
                    body,
                    otherwise: Vec::new(),
                    span: at,
                });
            }
            "return_expression" => match named_children(node).first() {
                Some(value) => self.value_into(*value, Into::Return, scope, depth + 1, out),
                None => out.push(Stmt::Return(None, at)),
            },
            "try_expression" | "parenthesized_expression" => {
                if let Some(inner) = named_children(node).first() {
                    self.value_into(*inner, into, scope, depth + 1, out);
                }
            }
            "assignment_expression" | "compound_assignment_expr" => {
                let target = match node.child_by_field_name("left") {
                    Some(l) => self.target(l, scope, depth + 1),
                    None => Target::Opaque(at),
                };
                let value = self.field_expr(node, "right", scope, depth + 1);
                let op = node
                    .child_by_field_name("operator")
                    .map(|o| self.text_of(o).trim_end_matches('=').to_string());
                out.push(Stmt::Assign {
                    targets: vec![target],
                    value,
                    op,
                    span: at,
                });
            }
            "macro_invocation" if RAISING_MACROS.contains(&self.macro_name(node).as_str()) => {
                let value = self.expr(node, scope, depth + 1);
                out.push(Stmt::Raise(Some(value), at));
            }
            _ => {
                let e = self.expr(node, scope, depth + 1);
                out.push(put(e, into));
            }
        }
    }

    /// The condition of an `if` or `while`; `let` patterns in it bind before the branch.
    fn condition(
        &mut self,
        node: Node<'_>,
        scope: Scope<'_>,
        depth: usize,
        out: &mut Vec<Stmt>,
    ) -> Expr {
        let Some(cond) = node.child_by_field_name("condition") else {
            return Expr::null(Span::of(node));
        };
        let lets: Vec<Node<'_>> = match cond.kind() {
            "let_condition" => vec![cond],
            "let_chain" => named_children(cond),
            _ => return self.expr(cond, scope, depth + 1),
        };
        let mut tests = Vec::new();
        for part in lets {
            if part.kind() != "let_condition" {
                tests.push(self.expr(part, scope, depth + 1));
                continue;
            }
            let value = self.field_expr(part, "value", scope, depth + 1);
            if let Some(pattern) = part.child_by_field_name("pattern") {
                let target = self.pattern(pattern, depth + 1);
                if binds(&target) {
                    out.push(Stmt::Assign {
                        targets: vec![target],
                        value: value.clone(),
                        op: None,
                        span: Span::of(part),
                    });
                }
            }
            tests.push(value);
        }
        let mut tests = tests.into_iter();
        let first = tests.next().unwrap_or_else(|| Expr::null(Span::of(cond)));
        tests.fold(first, |a, b| Expr {
            span: Span::of(cond),
            kind: ExprKind::Binary("&&".into(), Box::new(a), Box::new(b)),
        })
    }

    /// Where an assignment stores.
    fn target(&mut self, node: Node<'_>, scope: Scope<'_>, depth: usize) -> Target {
        let at = Span::of(node);
        match node.kind() {
            "identifier" => Target::Name(self.text_of(node), at),
            "field_expression" => {
                let object = self.field_expr(node, "value", scope, depth + 1);
                let field = node
                    .child_by_field_name("field")
                    .map(|f| self.text_of(f))
                    .unwrap_or_default();
                Target::Attr(Box::new(object), field, at)
            }
            "index_expression" => {
                let parts = named_children(node);
                let object = parts
                    .first()
                    .map_or_else(|| Expr::null(at), |o| self.expr(*o, scope, depth + 1));
                let index = parts
                    .get(1)
                    .map_or_else(|| Expr::null(at), |i| self.expr(*i, scope, depth + 1));
                Target::Index(Box::new(object), Box::new(index), at)
            }
            "unary_expression" | "parenthesized_expression" => match named_children(node).first() {
                Some(inner) => self.target(*inner, scope, depth + 1),
                None => Target::Opaque(at),
            },
            _ => Target::Opaque(at),
        }
    }

    fn macro_name(&self, node: Node<'_>) -> String {
        node.child_by_field_name("macro")
            .map(|m| {
                let text = self.text_of(m);
                text.rsplit("::").next().unwrap_or("").to_string()
            })
            .unwrap_or_default()
    }

    /// A path (`a::b::c`, `Self`, `<T as U>::f`) as a chain of attributes.
    fn path_expr(&mut self, node: Node<'_>, scope: Scope<'_>) -> Expr {
        let at = Span::of(node);
        match node.kind() {
            "scoped_identifier" | "scoped_type_identifier" => {
                let name = node
                    .child_by_field_name("name")
                    .map(|n| self.text_of(n))
                    .unwrap_or_default();
                match node.child_by_field_name("path") {
                    // `self::helper`: this module's own.
                    Some(path) if path.kind() == "self" => Expr {
                        kind: ExprKind::Name(name),
                        span: at,
                    },
                    Some(path) => {
                        if matches!(path.kind(), "identifier" | "super" | "crate") {
                            let root = self.text_of(path);
                            if root.starts_with(|c: char| c.is_ascii_lowercase()) {
                                self.path_roots.insert(root);
                            }
                        }
                        Expr {
                            kind: ExprKind::Attr(Box::new(self.path_expr(path, scope)), name),
                            span: at,
                        }
                    }
                    None => Expr {
                        kind: ExprKind::Name(name),
                        span: at,
                    },
                }
            }
            "generic_type" | "generic_function" => {
                match node
                    .child_by_field_name("type")
                    .or_else(|| node.child_by_field_name("function"))
                {
                    Some(inner) => self.path_expr(inner, scope),
                    None => Expr::null(at),
                }
            }
            _ => {
                let text = self.text_of(node);
                // `Self::helper`: the impl's own type.
                let text = match (text.as_str(), scope.class) {
                    ("Self", Some(class)) => self
                        .module
                        .classes
                        .get(class)
                        .map_or(text.clone(), |c| c.name.clone()),
                    _ => text,
                };
                Expr {
                    kind: ExprKind::Name(text),
                    span: at,
                }
            }
        }
    }

    fn expr(&mut self, node: Node<'_>, scope: Scope<'_>, depth: usize) -> Expr {
        let at = Span::of(node);
        if depth > MAX_DEPTH {
            return Expr {
                kind: ExprKind::Opaque(super::names_within(node, self.text)),
                span: at,
            };
        }
        let kind = match node.kind() {
            // `x.parse::<T>`, `f::<T>`: the function, its type arguments aside.
            "generic_function" => {
                return match node.child_by_field_name("function") {
                    Some(f) => self.expr(f, scope, depth + 1),
                    None => Expr::null(at),
                };
            }
            "identifier"
            | "self"
            | "scoped_identifier"
            | "crate"
            | "super"
            | "type_identifier"
            | "scoped_type_identifier" => {
                return self.path_expr(node, scope);
            }
            "field_expression" => {
                let object = self.field_expr(node, "value", scope, depth + 1);
                let field = node
                    .child_by_field_name("field")
                    .map(|f| self.text_of(f))
                    .unwrap_or_default();
                ExprKind::Attr(Box::new(object), field)
            }
            "call_expression" => {
                let callee = self.field_expr(node, "function", scope, depth + 1);
                let args = match node.child_by_field_name("arguments") {
                    Some(a) => named_children(a)
                        .into_iter()
                        .filter(|c| c.kind() != "attribute_item")
                        .map(|c| Arg {
                            keyword: None,
                            value: self.expr(c, scope, depth + 1),
                        })
                        .collect(),
                    None => Vec::new(),
                };
                let call = ExprKind::Call {
                    callee: Box::new(callee),
                    args,
                    construct: false,
                };
                // `s.parse::<u16>()`: a number comes out, whatever went in.
                if node
                    .child_by_field_name("function")
                    .is_some_and(|f| parses_a_number(f, self.text))
                {
                    return number(Expr {
                        kind: call,
                        span: at,
                    });
                }
                call
            }
            "macro_invocation" => return macros::lower(self, node, scope, depth),
            "string_literal" | "raw_string_literal" => {
                ExprKind::Str(string_content(node, self.text))
            }
            "char_literal" => ExprKind::Str(self.text_of(node).trim_matches('\'').to_string()),
            "integer_literal" | "float_literal" => ExprKind::Number(self.text_of(node)),
            "boolean_literal" => ExprKind::Bool(self.text_of(node) == "true"),
            "unit_expression" => ExprKind::Null,
            // `&x`, `*x`, `x?`, `x as T`, `(x)`: the value itself.
            "reference_expression" | "try_expression" | "parenthesized_expression" => {
                match node
                    .child_by_field_name("value")
                    .or_else(|| named_children(node).first().copied())
                {
                    Some(inner) => return self.expr(inner, scope, depth + 1),
                    None => ExprKind::Null,
                }
            }
            "type_cast_expression" => return self.field_expr(node, "value", scope, depth + 1),
            "unary_expression" => {
                let op = node.child(0).map(|o| self.text_of(o)).unwrap_or_default();
                let inner = match named_children(node).first() {
                    Some(i) => self.expr(*i, scope, depth + 1),
                    None => Expr::null(at),
                };
                if op == "*" {
                    return inner;
                }
                ExprKind::Unary(op, Box::new(inner))
            }
            "binary_expression" => {
                let op = node
                    .child_by_field_name("operator")
                    .map(|o| self.text_of(o))
                    .unwrap_or_default();
                let left = self.field_expr(node, "left", scope, depth + 1);
                let right = self.field_expr(node, "right", scope, depth + 1);
                if matches!(op.as_str(), "==" | "!=" | "<" | ">" | "<=" | ">=") {
                    ExprKind::Compare(vec![(op, right)], Box::new(left))
                } else {
                    ExprKind::Binary(op, Box::new(left), Box::new(right))
                }
            }
            "await_expression" => match named_children(node).first() {
                Some(inner) if inner.kind() == "async_block" => {
                    return self.closure_of_block(*inner, scope, depth);
                }
                Some(inner) => ExprKind::Await(Box::new(self.expr(*inner, scope, depth + 1))),
                None => ExprKind::Null,
            },
            "index_expression" => {
                let parts = named_children(node);
                let object = parts
                    .first()
                    .map_or_else(|| Expr::null(at), |o| self.expr(*o, scope, depth + 1));
                let index = parts
                    .get(1)
                    .map_or_else(|| Expr::null(at), |i| self.expr(*i, scope, depth + 1));
                ExprKind::Index(Box::new(object), Box::new(index))
            }
            "array_expression" | "tuple_expression" => ExprKind::List(
                named_children(node)
                    .into_iter()
                    .filter(|c| c.kind() != "attribute_item")
                    .map(|c| self.expr(c, scope, depth + 1))
                    .collect(),
            ),
            "struct_expression" => {
                let mut pairs = Vec::new();
                if let Some(body) = node.child_by_field_name("body") {
                    for field in named_children(body) {
                        match field.kind() {
                            "field_initializer" => {
                                let key = field
                                    .child_by_field_name("field")
                                    .map(|f| self.text_of(f))
                                    .unwrap_or_default();
                                let value = self.field_expr(field, "value", scope, depth + 1);
                                pairs.push((
                                    Some(Expr {
                                        kind: ExprKind::Str(key),
                                        span: Span::of(field),
                                    }),
                                    value,
                                ));
                            }
                            "shorthand_field_initializer" => {
                                let key = self.text_of(field);
                                pairs.push((
                                    Some(Expr {
                                        kind: ExprKind::Str(key.clone()),
                                        span: Span::of(field),
                                    }),
                                    Expr {
                                        kind: ExprKind::Name(key),
                                        span: Span::of(field),
                                    },
                                ));
                            }
                            "base_field_initializer" => {
                                if let Some(base) = named_children(field).first() {
                                    pairs.push((None, self.expr(*base, scope, depth + 1)));
                                }
                            }
                            _ => {}
                        }
                    }
                }
                ExprKind::Dict(pairs)
            }
            "closure_expression" => {
                let (id, qualified) = self.declare_nested(node, "<closure>", scope);
                let inner = Scope {
                    func: id,
                    prefix: &qualified,
                    class: scope.class,
                };
                let params = node
                    .child_by_field_name("parameters")
                    .map_or_else(Vec::new, |p| self.params(p, depth));
                let body = match node.child_by_field_name("body") {
                    Some(b) if b.kind() == "block" => {
                        self.block_into(b, Into::Return, inner, depth + 1)
                    }
                    Some(b) => {
                        let mut out = Vec::new();
                        self.value_into(b, Into::Return, inner, depth + 1, &mut out);
                        out
                    }
                    None => Vec::new(),
                };
                super::lowering::define(&mut self.module, id, params, body);
                ExprKind::Function(id)
            }
            "async_block" => return self.closure_of_block(node, scope, depth),
            "block" | "unsafe_block" | "if_expression" | "match_expression" => {
                // A value built by statements: a function run in place, so nothing in it is
                // lost.
                return self.closure_of_block(node, scope, depth);
            }
            _ => return self.opaque(node, scope, depth),
        };
        Expr { kind, span: at }
    }

    /// A function without a name of its own (a closure, a block run in place) defined in
    /// `scope`: its id and qualified name.
    fn declare_nested(&mut self, node: Node<'_>, name: &str, scope: Scope<'_>) -> (usize, String) {
        let qualified = scope.qualify(name);
        let id = super::lowering::declare(
            &mut self.module,
            node,
            name.to_string(),
            qualified.clone(),
            scope,
            Vec::new(),
        );
        (id, qualified)
    }

    /// An expression made of statements (a block, an `if`, an `async` block) used as a value:
    /// lowered as a function without parameters that is called in place.
    fn closure_of_block(&mut self, node: Node<'_>, scope: Scope<'_>, depth: usize) -> Expr {
        let at = Span::of(node);
        let (id, qualified) = self.declare_nested(node, "<block>", scope);
        let inner = Scope {
            func: id,
            prefix: &qualified,
            class: scope.class,
        };
        let mut body = Vec::new();
        if node.kind() == "async_block" {
            if let Some(b) = named_children(node)
                .into_iter()
                .find(|c| c.kind() == "block")
            {
                body = self.block_into(b, Into::Return, inner, depth + 1);
            }
        } else {
            self.value_into(node, Into::Return, inner, depth + 1, &mut body);
        }
        super::lowering::define(&mut self.module, id, Vec::new(), body);
        Expr {
            kind: ExprKind::Call {
                callee: Box::new(Expr {
                    kind: ExprKind::Function(id),
                    span: at,
                }),
                args: Vec::new(),
                construct: false,
            },
            span: at,
        }
    }
}

/// The pseudo-callee of a value turned into digits (`s.parse::<u32>()`, `{:x}` in a format
/// string): the engine counts it among its number conversions.
pub const NUMBER: &str = "<number>";

/// `e` as a number: nothing it carries can be text any more.
fn number(e: Expr) -> Expr {
    let at = e.span;
    Expr {
        kind: ExprKind::Call {
            callee: Box::new(Expr {
                kind: ExprKind::Name(NUMBER.to_string()),
                span: at,
            }),
            args: vec![Arg {
                keyword: None,
                value: e,
            }],
            construct: false,
        },
        span: at,
    }
}

/// `x.parse::<u32>`: a parse whose type argument is a number.
fn parses_a_number(function: Node<'_>, text: &str) -> bool {
    if function.kind() != "generic_function" {
        return false;
    }
    let parse = function
        .child_by_field_name("function")
        .and_then(|f| f.child_by_field_name("field"))
        .is_some_and(|f| text.get(f.byte_range()) == Some("parse"));
    let ty = function
        .child_by_field_name("type_arguments")
        .and_then(|t| text.get(t.byte_range()))
        .unwrap_or("");
    let ty = ty.trim_start_matches('<').trim_end_matches('>').trim();
    parse && crate::analyze::engine::is_rust_number(ty)
}

/// The statement that sends `e` where `into` says.
fn put(e: Expr, into: Into) -> Stmt {
    let at = e.span;
    match into {
        Into::Discard => Stmt::Expr(e),
        Into::Return => Stmt::Return(Some(e), at),
        Into::Assign(target) => Stmt::Assign {
            targets: vec![target],
            value: e,
            op: None,
            span: at,
        },
    }
}

/// Each name a parameter's pattern binds.
fn param_names(target: &Target, property: bool, annotation: &Option<String>, out: &mut Vec<Param>) {
    match target {
        Target::Name(name, at) => out.push(Param {
            name: name.clone(),
            kind: if property {
                ParamKind::Property
            } else {
                ParamKind::Positional
            },
            annotation: annotation.clone(),
            default: None,
            span: *at,
        }),
        Target::Tuple(items, _) => {
            for item in items {
                param_names(item, property, annotation, out);
            }
        }
        Target::Object(props, _) => {
            for (_, t) in props {
                param_names(t, true, &None, out);
            }
        }
        _ => {}
    }
}

/// Gives a parameter bound from a struct's field the type the struct declares for it.
fn type_field_params(module: &mut Module, field_params: &HashMap<Span, (String, String)>) {
    if field_params.is_empty() {
        return;
    }
    let Module {
        classes, functions, ..
    } = module;
    for param in functions.iter_mut().flat_map(|f| f.params.iter_mut()) {
        let Some((ty, field)) = field_params.get(&param.span) else {
            continue;
        };
        param.annotation = classes
            .iter()
            .filter(|c| c.name == *ty)
            .flat_map(|c| &c.declared)
            .find(|(name, _)| name == field)
            .map(|(_, declared)| declared.clone());
    }
}

/// The struct a parameter pattern takes apart (`Args` in `Parameters(Args { path, .. })`).
fn struct_of_pattern(node: Node<'_>, text: &str) -> Option<String> {
    let mut at = node;
    for _ in 0..4 {
        match at.kind() {
            "struct_pattern" => return at.child_by_field_name("type").map(|t| type_name(t, text)),
            "tuple_struct_pattern" => {
                let ty = at.child_by_field_name("type");
                let inner: Vec<Node<'_>> = named_children(at)
                    .into_iter()
                    .filter(|c| Some(*c) != ty)
                    .collect();
                let [only] = inner.as_slice() else {
                    return None;
                };
                at = *only;
            }
            "mut_pattern" | "reference_pattern" => at = *named_children(at).last()?,
            _ => return None,
        }
    }
    None
}

/// Whether a pattern binds any name.
fn binds(target: &Target) -> bool {
    match target {
        Target::Name(..) => true,
        Target::Tuple(items, _) => items.iter().any(binds),
        Target::Object(props, _) => props.iter().any(|(_, t)| binds(t)),
        Target::Rest(t, _) => binds(t),
        _ => false,
    }
}

/// `#[test]`, `#[tokio::test]`, `#[cfg(test)]`: code that only tests run.
/// Each item with the `#[...]` attributes written just before it.
fn attributed(children: Vec<Node<'_>>) -> Vec<(Node<'_>, Vec<Node<'_>>)> {
    let mut items = Vec::new();
    let mut pending = Vec::new();
    for child in children {
        if child.kind() == "attribute_item" {
            pending.push(child);
        } else {
            items.push((child, std::mem::take(&mut pending)));
        }
    }
    items
}

fn is_test(attributes: &[Node<'_>], text: &str) -> bool {
    attributes.iter().any(|a| {
        let t = text.get(a.byte_range()).unwrap_or("");
        let inner: String = t.chars().filter(|c| !c.is_whitespace()).collect();
        inner == "#[test]" || inner.ends_with("::test]") || inner.contains("cfg(test")
    })
}

/// A path's segments joined with dots (`std::process::Command` is `std.process.Command`).
fn path_text(node: Node<'_>, text: &str) -> String {
    let t = text.get(node.byte_range()).unwrap_or("");
    t.split("::")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(".")
}

/// A type's name without its path and generic arguments (`Server`, `ServerHandler`).
fn type_name(node: Node<'_>, text: &str) -> String {
    let t = text.get(node.byte_range()).unwrap_or("");
    let t = t.split('<').next().unwrap_or(t);
    t.rsplit("::").next().unwrap_or(t).trim().to_string()
}

/// The text of a string literal between its quotes (escapes kept as written).
fn string_content(node: Node<'_>, text: &str) -> String {
    let t = text.get(node.byte_range()).unwrap_or("");
    let t = t.trim_start_matches(['b', 'c']);
    let t = t.strip_prefix('r').unwrap_or(t);
    let hashes = t.len() - t.trim_start_matches('#').len();
    let t = t.get(hashes..t.len().saturating_sub(hashes)).unwrap_or("");
    t.strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(t)
        .to_string()
}

fn is_literal(kind: &str) -> bool {
    matches!(
        kind,
        "string_literal"
            | "raw_string_literal"
            | "char_literal"
            | "integer_literal"
            | "boolean_literal"
    )
}

/// Node kinds that are expressions (a block's last one is its value).
fn is_expression(kind: &str) -> bool {
    kind.ends_with("_expression")
        || kind.ends_with("_literal")
        || matches!(
            kind,
            "identifier"
                | "self"
                | "scoped_identifier"
                | "macro_invocation"
                | "block"
                | "unsafe_block"
                | "async_block"
                | "generic_function"
                | "compound_assignment_expr"
        )
}

/// The value a block ends with: its last child when that is an expression, or the
/// expression of a last statement not ended by `;` (an `if` or `match` at the end).
fn tail_of<'t>(last: Node<'t>, text: &str) -> Option<(Node<'t>, Node<'t>)> {
    if is_expression(last.kind()) {
        return Some((last, last));
    }
    if last.kind() == "expression_statement"
        && !text
            .get(last.byte_range())
            .unwrap_or("")
            .trim_end()
            .ends_with(';')
    {
        return named_children(last).first().map(|inner| (last, *inner));
    }
    None
}

#[cfg(test)]
mod tests {
    fn dump(src: &str) -> String {
        crate::analyze::ir::lower_source("t.rs", src)
            .expect("a Rust file")
            .dump()
    }

    #[test]
    fn imports_methods_and_attributes() {
        let src = "use rmcp::{tool, handler::server::wrapper::Parameters};\nuse std::{fs, process::Command as Cmd};\n#[tool_router]\nimpl S {\n    #[tool(name = \"grep\", description = \"d\")]\n    async fn run(&self, Parameters(Args { pattern, .. }): Parameters<Args>, ctx: RequestContext<RoleServer>) {}\n}\nimpl ServerHandler for S {}\n";
        assert_eq!(
            dump(src),
            "import tool = rmcp:tool\n\
             import Parameters = rmcp.handler.server.wrapper:Parameters\n\
             import fs = std:fs\n\
             import Cmd = std.process:Command\n\
             class S(ServerHandler) methods [run]\n\
             def <module>()\n  def S\n\
             @(tool name=\"grep\" description=\"d\") def S.run(self, {}pattern, ctx: RequestContext<RoleServer>)\n"
        );
    }

    #[test]
    fn values_of_if_match_and_let_else_go_where_they_are_used() {
        let src = "fn f(a: Option<String>) -> String {\n    let Some(x) = a else { return String::new() };\n    let v = match x.as_str() { \"ls\" => x.clone(), other => other.to_string() };\n    if let Ok(y) = g(&v) { y } else { v }\n}\n";
        assert_eq!(
            dump(src),
            "def <module>()\n  def f\n\
             def f(a: Option<String>)\n  \
             x = a\n  if null\n  else\n    return (String.new)\n  \
             switch (x.as_str)\n  case \"ls\"\n    v = (x.clone)\n  case \n    other = (x.as_str)\n    v = (other.to_string)\n  \
             y = (g v)\n  if (g v)\n    return y\n  else\n    return v\n"
        );
    }

    #[test]
    fn format_macros_are_templates_and_other_macros_pass_values_through() {
        let src = "fn f(p: &str, n: u32) {\n    let a = format!(\"ls {} {n:>4} {{x}} {p}\", p.trim());\n    let b = vec![p, \"x\"];\n    let c = json!({\"k\": p});\n    println!(\"{}\", a);\n}\n";
        assert_eq!(
            dump(src),
            "def <module>()\n  def f\n\
             def f(p: &str, n: u32)\n  \
             a = (template \"ls \" {(p.trim)} \" \" {n} \" {x} \" {p})\n  \
             b = [p, \"x\"]\n  \
             c = (json! (? (? p)))\n  \
             (println! (template {a}))\n"
        );
    }

    #[test]
    fn a_command_builder_is_lowered_as_the_call_that_runs_it() {
        let src = "use std::process::Command;\nfn f(s: &str) {\n    let mut c = Command::new(\"sh\");\n    c.arg(\"-c\");\n    c.args([s, \"x\"]).arg(s);\n    c.output();\n    Command::new(s).args(&v).spawn();\n}\n";
        let lowered = dump(src);
        assert!(
            lowered.contains("  (Command.output \"sh\" [\"-c\", s, \"x\", s])\n"),
            "{lowered}"
        );
        assert!(
            lowered.contains("  (Command.spawn s [...v])\n"),
            "{lowered}"
        );
    }

    #[test]
    fn paths_bind_their_first_module_and_self_is_this_module() {
        let src = "fn f(x: &str) { tools::run(x); crate::a::b(x); self::g(x); }\n";
        assert_eq!(
            dump(src),
            "import crate = crate:\nimport tools = tools:\n\
             def <module>()\n  def f\n\
             def f(x: &str)\n  (tools.run x)\n  (crate.a.b x)\n  (g x)\n"
        );
    }

    #[test]
    fn values_written_as_digits_are_numbers() {
        let src = "fn f(s: &str, h: &[u8]) {\n    let n = s.parse::<u16>();\n    let m = s.parse::<String>();\n    let d = format!(\"{:x}-{:08b}-{h:?}\", h, s);\n}\n";
        assert_eq!(
            dump(src),
            "def <module>()\n  def f\n\
             def f(s: &str, h: &[u8])\n  \
             n = (<number> (s.parse))\n  \
             m = (s.parse)\n  \
             d = (template {(<number> h)} \"-\" {(<number> s)} \"-\" {h})\n"
        );
    }

    #[test]
    fn test_code_is_left_out() {
        let src = "#[cfg(test)]\nmod tests {\n    fn t() {}\n}\n#[test]\nfn u() {}\n#[tokio::test]\nasync fn w() {}\nfn kept() {}\n";
        assert_eq!(dump(src), "def <module>()\n  def kept\ndef kept()\n");
    }
}
