//! JavaScript and TypeScript to IR (all three grammars share their node kinds). Type-only
//! syntax is dropped (`as`, `satisfies`, `!`, type arguments, interfaces); comparisons become
//! `Compare` like Python's; `require("x")` and destructuring requires are imports.

use super::lowering::{Lower, Scope, named_children};
use super::{
    Arg, Class, ClassId, Expr, ExprKind, FuncId, Handler, Import, MAX_DEPTH, Module, Param,
    ParamKind, Stmt, Target, TemplatePart,
};
use crate::analyze::Span;
use tree_sitter::Node;

/// Lowers a parsed JavaScript, TypeScript or TSX module.
pub fn lower(root: Node<'_>, text: &str) -> Module {
    let mut lowering = Lowering {
        text,
        module: super::lowering::start(root),
    };
    let body = lowering.block(root, Scope::top(), 0);
    lowering.module.options_objects = true;
    super::lowering::finish(lowering.module, body)
}

struct Lowering<'s> {
    text: &'s str,
    module: Module,
}

impl Lower for Lowering<'_> {
    fn text(&self) -> &str {
        self.text
    }

    fn lower_expr(&mut self, node: Node<'_>, scope: Scope<'_>, depth: usize) -> Expr {
        self.expr(node, scope, depth)
    }
}

const COMPARISONS: [&str; 10] = [
    "==",
    "===",
    "!=",
    "!==",
    "<",
    ">",
    "<=",
    ">=",
    "in",
    "instanceof",
];

/// Wrappers that only say something about types: the value is the inner expression.
const TYPE_ONLY: [&str; 5] = [
    "as_expression",
    "satisfies_expression",
    "non_null_expression",
    "type_assertion",
    "parenthesized_expression",
];

impl<'s> Lowering<'s> {
    fn block(&mut self, node: Node<'_>, scope: Scope<'_>, depth: usize) -> Vec<Stmt> {
        let mut out = Vec::new();
        if depth > MAX_DEPTH {
            return out;
        }
        for child in named_children(node) {
            self.statement(child, scope, depth + 1, &mut out);
        }
        out
    }

    /// A statement where a block may stand (`if (c) x();` or `if (c) { ... }`).
    fn body_of(&mut self, node: Option<Node<'_>>, scope: Scope<'_>, depth: usize) -> Vec<Stmt> {
        let mut out = Vec::new();
        if let Some(n) = node {
            if n.kind() == "statement_block" {
                out = self.block(n, scope, depth + 1);
            } else {
                self.statement(n, scope, depth + 1, &mut out);
            }
        }
        out
    }

    fn statement(&mut self, node: Node<'_>, scope: Scope<'_>, depth: usize, out: &mut Vec<Stmt>) {
        let at = Span::of(node);
        if depth > MAX_DEPTH {
            return;
        }
        match node.kind() {
            "expression_statement" => {
                for child in named_children(node) {
                    self.expression_statement(child, scope, depth, out);
                }
            }
            "lexical_declaration" | "variable_declaration" => {
                for declarator in named_children(node)
                    .into_iter()
                    .filter(|c| c.kind() == "variable_declarator")
                {
                    self.declarator(declarator, scope, depth, out);
                }
            }
            "return_statement" => {
                let value = named_children(node)
                    .first()
                    .map(|c| self.expr(*c, scope, depth));
                out.push(Stmt::Return(value, at));
            }
            "throw_statement" => {
                let value = named_children(node)
                    .first()
                    .map(|c| self.expr(*c, scope, depth));
                out.push(Stmt::Raise(value, at));
            }
            "if_statement" => {
                let cond = self.field_expr(node, "condition", scope, depth);
                let then = self.body_of(node.child_by_field_name("consequence"), scope, depth);
                let otherwise = node
                    .child_by_field_name("alternative")
                    .map(|alt| {
                        let inner = named_children(alt).into_iter().next();
                        self.body_of(inner, scope, depth)
                    })
                    .unwrap_or_default();
                out.push(Stmt::If {
                    cond,
                    then,
                    otherwise,
                    span: at,
                });
            }
            "for_in_statement" => {
                let binding = node
                    .child_by_field_name("left")
                    .map(|l| self.target(l, scope, depth));
                let iter = self.field_expr(node, "right", scope, depth);
                let body = self.body_of(node.child_by_field_name("body"), scope, depth);
                out.push(Stmt::Loop {
                    binding,
                    iter,
                    body,
                    otherwise: Vec::new(),
                    span: at,
                });
            }
            "for_statement" => {
                let mut init = Vec::new();
                if let Some(i) = node.child_by_field_name("initializer") {
                    self.statement(i, scope, depth + 1, &mut init);
                }
                out.extend(init);
                let iter = self.field_expr(node, "condition", scope, depth);
                let mut body = self.body_of(node.child_by_field_name("body"), scope, depth);
                if let Some(inc) = node.child_by_field_name("increment") {
                    self.expression_statement(inc, scope, depth + 1, &mut body);
                }
                out.push(Stmt::Loop {
                    binding: None,
                    iter,
                    body,
                    otherwise: Vec::new(),
                    span: at,
                });
            }
            "while_statement" | "do_statement" => {
                let iter = self.field_expr(node, "condition", scope, depth);
                let body = self.body_of(node.child_by_field_name("body"), scope, depth);
                out.push(Stmt::Loop {
                    binding: None,
                    iter,
                    body,
                    otherwise: Vec::new(),
                    span: at,
                });
            }
            "try_statement" => {
                let body = self.body_of(node.child_by_field_name("body"), scope, depth);
                let mut handlers = Vec::new();
                if let Some(handler) = node.child_by_field_name("handler") {
                    let name = handler
                        .child_by_field_name("parameter")
                        .map(|p| self.text_of(p));
                    let body = self.body_of(handler.child_by_field_name("body"), scope, depth);
                    handlers.push(Handler {
                        types: None,
                        name,
                        body,
                    });
                }
                let finally = node
                    .child_by_field_name("finalizer")
                    .map(|f| self.body_of(f.child_by_field_name("body"), scope, depth))
                    .unwrap_or_default();
                out.push(Stmt::Try {
                    body,
                    handlers,
                    finally,
                    span: at,
                });
            }
            "switch_statement" => {
                let subject = self.field_expr(node, "value", scope, depth);
                let mut cases = Vec::new();
                if let Some(body) = node.child_by_field_name("body") {
                    for case in named_children(body) {
                        let tests: Vec<Expr> = case
                            .child_by_field_name("value")
                            .map(|v| vec![self.expr(v, scope, depth + 1)])
                            .unwrap_or_default();
                        let mut stmts = Vec::new();
                        let mut cursor = case.walk();
                        let bodies: Vec<Node<'_>> =
                            case.children_by_field_name("body", &mut cursor).collect();
                        for s in bodies {
                            self.statement(s, scope, depth + 1, &mut stmts);
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
            "statement_block" | "labeled_statement" => {
                out.extend(self.block(node, scope, depth));
            }
            "function_declaration" | "generator_function_declaration" => {
                let name = self.name_field(node);
                let id = self.function(node, name.clone(), Vec::new(), scope, depth);
                out.push(Stmt::Def {
                    name,
                    func: Some(id),
                    class: None,
                    span: at,
                });
            }
            "class_declaration" | "abstract_class_declaration" => {
                let name = self.name_field(node);
                let id = self.class(node, name.clone(), scope, depth);
                out.push(Stmt::Def {
                    name,
                    func: None,
                    class: Some(id),
                    span: at,
                });
            }
            "import_statement" => self.import(node),
            "export_statement" => {
                if let Some(decl) = node.child_by_field_name("declaration") {
                    self.statement(decl, scope, depth + 1, out);
                } else if let Some(value) = node.child_by_field_name("value") {
                    // `export default <expr>`: bound as `default`.
                    let value = self.expr(value, scope, depth + 1);
                    out.push(Stmt::Assign {
                        targets: vec![Target::Name("default".into(), at)],
                        value,
                        op: None,
                        span: at,
                    });
                } else if let Some(source) = node.child_by_field_name("source") {
                    // `export { a as b } from "x"` and `export * from "x"`: re-exports.
                    let module = self.string_value(source);
                    let specifiers: Vec<Node<'_>> = named_children(node)
                        .into_iter()
                        .filter(|c| c.kind() == "export_clause")
                        .flat_map(named_children)
                        .collect();
                    if specifiers.is_empty() {
                        self.module.imports.push(Import {
                            local: "*".into(),
                            module: module.clone(),
                            member: Some("*".into()),
                            span: at,
                        });
                    }
                    self.specifiers(&specifiers, &module, at);
                }
            }
            // Declarations of types only, empty statements, break/continue, debugger.
            _ => {}
        }
    }

    fn expression_statement(
        &mut self,
        node: Node<'_>,
        scope: Scope<'_>,
        depth: usize,
        out: &mut Vec<Stmt>,
    ) {
        let at = Span::of(node);
        match node.kind() {
            "assignment_expression" => {
                let target = node
                    .child_by_field_name("left")
                    .map_or(Target::Opaque(at), |l| self.target(l, scope, depth));
                let value = self.field_expr(node, "right", scope, depth);
                out.push(Stmt::Assign {
                    targets: vec![target],
                    value,
                    op: None,
                    span: at,
                });
            }
            "augmented_assignment_expression" => {
                let target = node
                    .child_by_field_name("left")
                    .map_or(Target::Opaque(at), |l| self.target(l, scope, depth));
                let op = node
                    .child_by_field_name("operator")
                    .map(|o| self.text_of(o).trim_end_matches('=').to_string());
                let value = self.field_expr(node, "right", scope, depth);
                out.push(Stmt::Assign {
                    targets: vec![target],
                    value,
                    op,
                    span: at,
                });
            }
            "sequence_expression" => {
                for child in named_children(node) {
                    self.expression_statement(child, scope, depth + 1, out);
                }
            }
            _ => out.push(Stmt::Expr(self.expr(node, scope, depth))),
        }
    }

    fn declarator(&mut self, node: Node<'_>, scope: Scope<'_>, depth: usize, out: &mut Vec<Stmt>) {
        let at = Span::of(node);
        let Some(name) = node.child_by_field_name("name") else {
            return;
        };
        let Some(value) = node.child_by_field_name("value") else {
            return;
        };
        // `const x = require("m")`, `const { a, b: c } = require("m")`.
        if let Some(module) = self.required_module(value) {
            match name.kind() {
                "identifier" => {
                    self.module.imports.push(Import {
                        local: self.text_of(name),
                        module,
                        member: None,
                        span: at,
                    });
                    return;
                }
                "object_pattern" => {
                    for (member, local) in self.pattern_properties(name) {
                        self.module.imports.push(Import {
                            local,
                            module: module.clone(),
                            member: Some(member),
                            span: at,
                        });
                    }
                    return;
                }
                _ => {}
            }
        }
        // A class assigned to a name is that class (`var G = class { ... }`, as bundlers write
        // classes).
        if value.kind() == "class" && name.kind() == "identifier" {
            let name = self.text_of(name);
            let id = self.class(value, name.clone(), scope, depth);
            out.push(Stmt::Def {
                name,
                func: None,
                class: Some(id),
                span: at,
            });
            return;
        }
        // A function assigned to a name is known by that name (`const run = async () => ...`).
        let value = if matches!(
            value.kind(),
            "arrow_function" | "function_expression" | "function" | "generator_function"
        ) {
            let id = self.function(value, self.text_of(name), Vec::new(), scope, depth);
            Expr {
                kind: ExprKind::Function(id),
                span: Span::of(value),
            }
        } else {
            self.expr(value, scope, depth)
        };
        let target = self.target(name, scope, depth);
        out.push(Stmt::Assign {
            targets: vec![target],
            value,
            op: None,
            span: at,
        });
    }

    /// `require("m")` (also `await import("m")`): the module's name.
    fn required_module(&self, value: Node<'_>) -> Option<String> {
        let call = if value.kind() == "await_expression" {
            named_children(value).into_iter().next()?
        } else {
            value
        };
        if call.kind() != "call_expression" {
            return None;
        }
        let callee = call.child_by_field_name("function")?;
        if !matches!(self.text_of(callee).as_str(), "require" | "import") {
            return None;
        }
        let args = call.child_by_field_name("arguments")?;
        let first = named_children(args).into_iter().next()?;
        (first.kind() == "string").then(|| self.string_value(first))
    }

    /// `{ a, b: c }` as (property, local) pairs.
    fn pattern_properties(&self, pattern: Node<'_>) -> Vec<(String, String)> {
        named_children(pattern)
            .into_iter()
            .filter_map(|p| match p.kind() {
                "shorthand_property_identifier_pattern" => {
                    let name = self.text_of(p);
                    Some((name.clone(), name))
                }
                "pair_pattern" => {
                    let key = p.child_by_field_name("key").map(|k| self.text_of(k))?;
                    let value = p.child_by_field_name("value")?;
                    (value.kind() == "identifier").then(|| (key, self.text_of(value)))
                }
                _ => None,
            })
            .collect()
    }

    fn import(&mut self, node: Node<'_>) {
        let at = Span::of(node);
        let Some(source) = node.child_by_field_name("source") else {
            return;
        };
        let module = self.string_value(source);
        for clause in named_children(node)
            .into_iter()
            .filter(|c| c.kind() == "import_clause")
        {
            for part in named_children(clause) {
                match part.kind() {
                    // `import x from "m"`: the default export.
                    "identifier" => self.module.imports.push(Import {
                        local: self.text_of(part),
                        module: module.clone(),
                        member: Some("default".into()),
                        span: at,
                    }),
                    "namespace_import" => {
                        if let Some(name) = named_children(part).first() {
                            self.module.imports.push(Import {
                                local: self.text_of(*name),
                                module: module.clone(),
                                member: None,
                                span: at,
                            });
                        }
                    }
                    "named_imports" => self.specifiers(&named_children(part), &module, at),
                    _ => {}
                }
            }
        }
    }

    /// `{ a, b as c }` of an import or a re-export: one import each.
    fn specifiers(&mut self, specs: &[Node<'_>], module: &str, at: Span) {
        for spec in specs {
            let name = spec.child_by_field_name("name").map(|n| self.text_of(n));
            let alias = spec.child_by_field_name("alias").map(|n| self.text_of(n));
            if let Some(name) = name {
                self.module.imports.push(Import {
                    local: alias.unwrap_or_else(|| name.clone()),
                    module: module.to_string(),
                    member: Some(name),
                    span: at,
                });
            }
        }
    }

    fn string_value(&self, node: Node<'_>) -> String {
        named_children(node)
            .into_iter()
            .filter(|c| matches!(c.kind(), "string_fragment" | "escape_sequence"))
            .map(|c| self.text_of(c))
            .collect()
    }

    fn name_field(&self, node: Node<'_>) -> String {
        node.child_by_field_name("name")
            .map(|n| self.text_of(n))
            .unwrap_or_default()
    }

    fn function(
        &mut self,
        node: Node<'_>,
        name: String,
        decorators: Vec<Expr>,
        scope: Scope<'_>,
        depth: usize,
    ) -> FuncId {
        let qualified = scope.qualify(&name);
        let id = super::lowering::declare(
            &mut self.module,
            node,
            name,
            qualified.clone(),
            scope,
            decorators,
        );
        let params = match (
            node.child_by_field_name("parameters"),
            node.child_by_field_name("parameter"),
        ) {
            (Some(list), _) => self.params(list, scope, depth),
            // `x => ...`
            (None, Some(one)) => vec![Param {
                name: self.text_of(one),
                kind: ParamKind::Positional,
                annotation: None,
                default: None,
                span: Span::of(one),
            }],
            (None, None) => Vec::new(),
        };
        let inner = Scope {
            func: id,
            prefix: &qualified,
            class: None,
        };
        // TypeScript parameter properties (`constructor(private dir: string)`) store the
        // argument in a field before the body runs.
        let mut stored: Vec<Stmt> = node
            .child_by_field_name("parameters")
            .map(named_children)
            .unwrap_or_default()
            .into_iter()
            .filter(|p| {
                let mut cursor = p.walk();
                p.children(&mut cursor).any(|c| {
                    matches!(
                        c.kind(),
                        "accessibility_modifier" | "override_modifier" | "readonly"
                    )
                })
            })
            .filter_map(|p| p.child_by_field_name("pattern"))
            .filter(|p| p.kind() == "identifier")
            .map(|p| {
                let at = Span::of(p);
                let name = self.text_of(p);
                let this = Expr {
                    kind: ExprKind::Name("this".into()),
                    span: at,
                };
                Stmt::Assign {
                    targets: vec![Target::Attr(Box::new(this), name.clone(), at)],
                    value: Expr {
                        kind: ExprKind::Name(name),
                        span: at,
                    },
                    op: None,
                    span: at,
                }
            })
            .collect();
        let body = match node.child_by_field_name("body") {
            Some(b) if b.kind() == "statement_block" => {
                stored.extend(self.block(b, inner, depth + 1));
                stored
            }
            // `(x) => expr`
            Some(e) => {
                let value = self.expr(e, inner, depth + 1);
                let at = value.span;
                vec![Stmt::Return(Some(value), at)]
            }
            None => Vec::new(),
        };
        super::lowering::define(&mut self.module, id, params, body);
        id
    }

    fn params(&mut self, node: Node<'_>, scope: Scope<'_>, depth: usize) -> Vec<Param> {
        let mut out = Vec::new();
        for p in named_children(node) {
            let at = Span::of(p);
            // TS wraps each parameter: `required_parameter`/`optional_parameter` with a
            // `pattern`, a `type` and a `value`.
            let (pattern, annotation, default) =
                if matches!(p.kind(), "required_parameter" | "optional_parameter") {
                    (
                        p.child_by_field_name("pattern"),
                        p.child_by_field_name("type")
                            .map(|t| self.text_of(t).trim_start_matches(':').trim().to_string()),
                        p.child_by_field_name("value")
                            .map(|v| self.expr(v, scope, depth)),
                    )
                } else if p.kind() == "assignment_pattern" {
                    (
                        p.child_by_field_name("left"),
                        None,
                        p.child_by_field_name("right")
                            .map(|v| self.expr(v, scope, depth)),
                    )
                } else {
                    (Some(p), None, None)
                };
            let Some(pattern) = pattern else { continue };
            match pattern.kind() {
                "identifier" | "this" => out.push(Param {
                    name: self.text_of(pattern),
                    kind: ParamKind::Positional,
                    annotation,
                    default,
                    span: at,
                }),
                "rest_pattern" => {
                    if let Some(name) = named_children(pattern).first() {
                        out.push(Param {
                            name: self.text_of(*name),
                            kind: ParamKind::Rest,
                            annotation,
                            default,
                            span: at,
                        });
                    }
                }
                "object_pattern" => {
                    for (_, local) in self.pattern_properties(pattern) {
                        out.push(Param {
                            name: local,
                            kind: ParamKind::Property,
                            annotation: None,
                            default: None,
                            span: at,
                        });
                    }
                }
                _ => out.push(Param {
                    name: self.text_of(pattern),
                    kind: ParamKind::Positional,
                    annotation,
                    default,
                    span: at,
                }),
            }
        }
        out
    }

    fn class(&mut self, node: Node<'_>, name: String, scope: Scope<'_>, depth: usize) -> ClassId {
        let qualified = scope.qualify(&name);
        let id = self.module.classes.len();
        let bases: Vec<Expr> = named_children(node)
            .into_iter()
            .filter(|c| c.kind() == "class_heritage")
            .flat_map(named_children)
            .filter(|c| c.kind() == "extends_clause")
            .filter_map(|c| c.child_by_field_name("value"))
            .map(|v| self.expr(v, scope, depth))
            .collect();
        let decorators: Vec<Expr> = named_children(node)
            .into_iter()
            .filter(|c| c.kind() == "decorator")
            .filter_map(|d| named_children(d).first().copied())
            .map(|d| self.expr(d, scope, depth))
            .collect();
        self.module.classes.push(Class {
            name,
            bases,
            decorators,
            methods: Vec::new(),
            fields: Vec::new(),
            declared: Vec::new(),
            span: Span::of(node),
        });
        let inner = Scope {
            func: scope.func,
            prefix: &qualified,
            class: Some(id),
        };
        let mut methods = Vec::new();
        let mut fields = Vec::new();
        if let Some(body) = node.child_by_field_name("body") {
            let mut pending_decorators = Vec::new();
            for member in named_children(body) {
                match member.kind() {
                    "decorator" => {
                        if let Some(d) = named_children(member).first() {
                            pending_decorators.push(self.expr(*d, scope, depth));
                        }
                    }
                    "method_definition" => {
                        let name = self.name_field(member);
                        let decorators = std::mem::take(&mut pending_decorators);
                        methods.push(self.function(member, name, decorators, inner, depth + 1));
                    }
                    "public_field_definition" | "field_definition" => {
                        pending_decorators.clear();
                        let at = Span::of(member);
                        let name = member
                            .child_by_field_name("name")
                            .or_else(|| member.child_by_field_name("property"))
                            .map(|n| self.text_of(n))
                            .unwrap_or_default();
                        if let Some(value) = member.child_by_field_name("value") {
                            let value = self.expr(value, inner, depth + 1);
                            fields.push(Stmt::Assign {
                                targets: vec![Target::Name(name, at)],
                                value,
                                op: None,
                                span: at,
                            });
                        }
                    }
                    _ => {}
                }
            }
        }
        if let Some(c) = self.module.classes.get_mut(id) {
            c.methods = methods;
            c.fields = fields;
        }
        id
    }

    fn target(&mut self, node: Node<'_>, scope: Scope<'_>, depth: usize) -> Target {
        let at = Span::of(node);
        if depth > MAX_DEPTH {
            return Target::Opaque(at);
        }
        match node.kind() {
            "identifier" | "shorthand_property_identifier_pattern" => {
                Target::Name(self.text_of(node), at)
            }
            "member_expression" => {
                let object = self.field_expr(node, "object", scope, depth);
                let property = node
                    .child_by_field_name("property")
                    .map(|p| self.text_of(p))
                    .unwrap_or_default();
                Target::Attr(Box::new(object), property, at)
            }
            "subscript_expression" => {
                let object = self.field_expr(node, "object", scope, depth);
                let index = self.field_expr(node, "index", scope, depth);
                Target::Index(Box::new(object), Box::new(index), at)
            }
            "array_pattern" => Target::Tuple(
                named_children(node)
                    .into_iter()
                    .map(|c| self.target(c, scope, depth + 1))
                    .collect(),
                at,
            ),
            "rest_pattern" => match named_children(node).first() {
                Some(inner) => Target::Rest(Box::new(self.target(*inner, scope, depth + 1)), at),
                None => Target::Opaque(at),
            },
            "assignment_pattern" | "object_assignment_pattern" => {
                match node.child_by_field_name("left") {
                    Some(left) => self.target(left, scope, depth + 1),
                    None => Target::Opaque(at),
                }
            }
            "object_pattern" => {
                let mut props = Vec::new();
                for p in named_children(node) {
                    match p.kind() {
                        "shorthand_property_identifier_pattern" => {
                            let name = self.text_of(p);
                            props.push((name.clone(), Target::Name(name, Span::of(p))));
                        }
                        "pair_pattern" => {
                            let key = p
                                .child_by_field_name("key")
                                .map(|k| self.text_of(k))
                                .unwrap_or_default();
                            let value = p
                                .child_by_field_name("value")
                                .map_or(Target::Opaque(Span::of(p)), |v| {
                                    self.target(v, scope, depth + 1)
                                });
                            props.push((key, value));
                        }
                        "object_assignment_pattern" => {
                            let t = self.target(p, scope, depth + 1);
                            if let Target::Name(name, _) = &t {
                                props.push((name.clone(), t.clone()));
                            }
                        }
                        "rest_pattern" => {
                            let t = self.target(p, scope, depth + 1);
                            props.push(("...".into(), t));
                        }
                        _ => {}
                    }
                }
                Target::Object(props, at)
            }
            kind if TYPE_ONLY.contains(&kind) => match named_children(node).first() {
                Some(inner) => self.target(*inner, scope, depth + 1),
                None => Target::Opaque(at),
            },
            _ => Target::Opaque(at),
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
        let field = |name: &str| node.child_by_field_name(name);
        let kind = match node.kind() {
            "identifier" | "this" | "super" | "shorthand_property_identifier" | "import" => {
                ExprKind::Name(self.text_of(node))
            }
            "true" => ExprKind::Bool(true),
            "false" => ExprKind::Bool(false),
            "null" | "undefined" => ExprKind::Null,
            "number" => ExprKind::Number(self.text_of(node)),
            // A regular expression literal is a constant; guards read its text.
            "regex" => ExprKind::Str(self.text_of(node)),
            "string" => ExprKind::Str(self.string_value(node)),
            "template_string" => {
                let mut parts = Vec::new();
                let mut dynamic = false;
                for child in named_children(node) {
                    match child.kind() {
                        "string_fragment" | "escape_sequence" => {
                            let text = self.text_of(child);
                            match parts.last_mut() {
                                Some(TemplatePart::Text(t)) => t.push_str(&text),
                                _ => parts.push(TemplatePart::Text(text)),
                            }
                        }
                        "template_substitution" => {
                            dynamic = true;
                            if let Some(v) = named_children(child).first() {
                                parts.push(TemplatePart::Value(self.expr(*v, scope, depth + 1)));
                            }
                        }
                        _ => {}
                    }
                }
                if dynamic {
                    ExprKind::Template(parts)
                } else {
                    ExprKind::Str(
                        parts
                            .into_iter()
                            .filter_map(|p| match p {
                                TemplatePart::Text(t) => Some(t),
                                TemplatePart::Value(_) => None,
                            })
                            .collect(),
                    )
                }
            }
            "member_expression" => ExprKind::Attr(
                self.boxed(field("object"), at, scope, depth),
                field("property")
                    .map(|p| self.text_of(p))
                    .unwrap_or_default(),
            ),
            "subscript_expression" => ExprKind::Index(
                self.boxed(field("object"), at, scope, depth),
                self.boxed(field("index"), at, scope, depth),
            ),
            "call_expression" | "new_expression" => {
                let construct = node.kind() == "new_expression";
                let callee = self.boxed(
                    field("function").or_else(|| field("constructor")),
                    at,
                    scope,
                    depth,
                );
                let args = match field("arguments") {
                    Some(list) if list.kind() == "arguments" => named_children(list)
                        .into_iter()
                        .map(|a| Arg {
                            keyword: None,
                            value: self.expr(a, scope, depth + 1),
                        })
                        .collect(),
                    // A tagged template: the template is the argument.
                    Some(other) => vec![Arg {
                        keyword: None,
                        value: self.expr(other, scope, depth + 1),
                    }],
                    None => Vec::new(),
                };
                ExprKind::Call {
                    callee,
                    args,
                    construct,
                }
            }
            "binary_expression" => {
                let op = field("operator")
                    .map(|o| self.text_of(o))
                    .unwrap_or_default();
                let left = self.boxed(field("left"), at, scope, depth);
                let right = self.boxed(field("right"), at, scope, depth);
                if COMPARISONS.contains(&op.as_str()) {
                    ExprKind::Compare(vec![(op, *right)], left)
                } else {
                    ExprKind::Binary(op, left, right)
                }
            }
            "unary_expression" => ExprKind::Unary(
                field("operator")
                    .map(|o| self.text_of(o))
                    .unwrap_or_default(),
                self.boxed(field("argument"), at, scope, depth),
            ),
            "ternary_expression" => ExprKind::Cond(
                self.boxed(field("condition"), at, scope, depth),
                self.boxed(field("consequence"), at, scope, depth),
                self.boxed(field("alternative"), at, scope, depth),
            ),
            "array" => ExprKind::List(
                named_children(node)
                    .into_iter()
                    .map(|c| self.expr(c, scope, depth + 1))
                    .collect(),
            ),
            "object" => {
                let mut pairs = Vec::new();
                for child in named_children(node) {
                    let child_at = Span::of(child);
                    match child.kind() {
                        "pair" => {
                            let key = match child.child_by_field_name("key") {
                                Some(k) if k.kind() == "property_identifier" => Expr {
                                    kind: ExprKind::Str(self.text_of(k)),
                                    span: Span::of(k),
                                },
                                Some(k) => self.expr(k, scope, depth + 1),
                                None => Expr::null(child_at),
                            };
                            let value = self.boxed(
                                child.child_by_field_name("value"),
                                child_at,
                                scope,
                                depth,
                            );
                            pairs.push((Some(key), *value));
                        }
                        "shorthand_property_identifier" => {
                            let name = self.text_of(child);
                            pairs.push((
                                Some(Expr {
                                    kind: ExprKind::Str(name.clone()),
                                    span: child_at,
                                }),
                                Expr {
                                    kind: ExprKind::Name(name),
                                    span: child_at,
                                },
                            ));
                        }
                        "spread_element" => {
                            let inner = named_children(child).first().copied();
                            pairs.push((None, *self.boxed(inner, child_at, scope, depth)));
                        }
                        "method_definition" => {
                            let name = self.name_field(child);
                            let id =
                                self.function(child, name.clone(), Vec::new(), scope, depth + 1);
                            if let Some(f) = self.module.functions.get_mut(id) {
                                f.in_object = true;
                            }
                            pairs.push((
                                Some(Expr {
                                    kind: ExprKind::Str(name),
                                    span: child_at,
                                }),
                                Expr {
                                    kind: ExprKind::Function(id),
                                    span: child_at,
                                },
                            ));
                        }
                        _ => {}
                    }
                }
                ExprKind::Dict(pairs)
            }
            "spread_element" => {
                let inner = named_children(node).first().copied();
                ExprKind::Spread(self.boxed(inner, at, scope, depth))
            }
            "arrow_function" | "function_expression" | "function" | "generator_function" => {
                let name = field("name")
                    .map(|n| self.text_of(n))
                    .unwrap_or_else(|| "<lambda>".into());
                ExprKind::Function(self.function(node, name, Vec::new(), scope, depth))
            }
            "await_expression" => {
                let inner = named_children(node).first().copied();
                ExprKind::Await(self.boxed(inner, at, scope, depth))
            }
            "assignment_expression" => {
                // A value-producing assignment inside an expression (`a = b = c`): the value.
                return self.field_expr(node, "right", scope, depth + 1);
            }
            kind if TYPE_ONLY.contains(&kind) => match named_children(node).first() {
                Some(inner) => return self.expr(*inner, scope, depth + 1),
                None => ExprKind::Null,
            },
            _ => return self.opaque(node, scope, depth),
        };
        Expr { kind, span: at }
    }
}

#[cfg(test)]
mod tests {
    /// Lowered on a thread with the stack a scan's workers have.
    fn lowered(src: &str) -> String {
        let src = src.to_string();
        std::thread::Builder::new()
            .stack_size(16 * 1024 * 1024)
            .spawn(move || lowered_here(&src))
            .expect("thread")
            .join()
            .expect("lowering")
    }

    fn lowered_here(src: &str) -> String {
        crate::analyze::ir::lower_source("t.ts", src)
            .expect("lowered")
            .dump()
    }

    #[test]
    fn imports_requires_and_a_tool_handler() {
        let src = r#"
import { McpServer as Server } from "@modelcontextprotocol/sdk/server/mcp.js";
import cp, * as os from "node:os";
const { execSync: run } = require("node:child_process");
export { helper } from "./helpers.js";

const app = new Server({ name: "x" });
app.tool("run", { command: z.string() }, async ({ command }: { command: string }) => {
  const out = run(`sh -c '${command}'`) as string;
  return { content: [{ type: "text", text: out! }] };
});
"#;
        assert_eq!(
            lowered(src),
            r#"import Server = @modelcontextprotocol/sdk/server/mcp.js:McpServer
import cp = node:os:default
import os = node:os:
import run = node:child_process:execSync
import helper = ./helpers.js:helper
def <module>()
  app = (new Server {"name": "x"})
  (app.tool "run" {"command": (z.string)} <fn 1>)
def <lambda>({}command)
  out = (run (template "sh -c '" {command} "'"))
  return {"content": [{"type": "text", "text": out}]}
"#
        );
    }

    #[test]
    fn classes_control_flow_and_collections() {
        let src = r#"
class Runner extends Base {
  root = "/srv";
  constructor(private readonly dir: string) { super(); this.dir = dir; }
  async exec(args: string[], ...rest) {
    if (!ALLOWED.includes(args[0])) throw new Error("no");
    else if (args[0] === "-x") { return null; }
    const argv = ["git", ...args];
    argv.push(rest[0]);
    for (const a of args) { total += a; }
    try { go(argv); } catch (e) { return e.message; } finally { done(); }
    switch (mode) { case "a": one(); break; default: two(); }
    return argv.map((a) => a.trim()).join(" ");
  }
}
"#;
        assert_eq!(
            lowered(src),
            r#"class Runner(Base) methods [constructor, exec]
def <module>()
  def Runner
def Runner.constructor(dir: string)
  this.dir = dir
  (super)
  this.dir = dir
def Runner.exec(args: string[], *rest)
  if (! (ALLOWED.includes args[0]))
    raise (new Error "no")
  else
    if (compare args[0] === "-x")
      return null
  argv = ["git", ...args]
  (argv.push rest[0])
  loop a in args
    total += a
  try
    (go argv)
  except  as e
    return e.message
  finally
    (done)
  switch mode
  case "a"
    (one)
  case 
    (two)
  return ((argv.map <fn 3>).join " ")
def Runner.exec.<lambda>(a)
  return (a.trim)
"#
        );
    }

    #[test]
    fn deep_nesting_is_cut_not_a_crash() {
        for src in [
            format!("x = {}1{};\n", "(".repeat(3000), ")".repeat(3000)),
            format!("x = a{};\n", ".b".repeat(3000)),
            format!("x = {}1{};\n", "[".repeat(3000), "]".repeat(3000)),
            format!("{}{}\n", "if (a) {".repeat(1000), "}".repeat(1000)),
        ] {
            let dump = lowered(&src);
            assert!(dump.starts_with("def <module>()"), "{dump}");
        }
        // What lies past the cut still flows: its names are kept.
        let deep = format!("x = f({}input{});\n", "(".repeat(3000), ")".repeat(3000));
        assert!(lowered(&deep).contains("input"));
    }
}
