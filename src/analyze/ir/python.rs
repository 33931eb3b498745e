//! Python to IR: one walk over the tree-sitter tree. Statement and expression forms map one to
//! one where the IR has them; `assert c` becomes `if not c: raise`; anything else is `Opaque`
//! over its lowered children, so a value still flows through forms not modelled yet.

use super::lowering::{Lower, Scope, named_children};
use super::{
    Arg, Class, ClassId, Expr, ExprKind, FuncId, Handler, Import, MAX_DEPTH, Module, Param,
    ParamKind, Stmt, Target, TemplatePart,
};
use crate::analyze::Span;
use tree_sitter::Node;

/// Lowers a parsed Python module.
pub fn lower(root: Node<'_>, text: &str) -> Module {
    let mut lowering = Lowering {
        text,
        module: super::lowering::start(root),
    };
    let body = lowering.block(root, Scope::top(), 0);
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

impl<'s> Lowering<'s> {
    /// The statements of a block, module or clause body.
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

    fn statement(&mut self, node: Node<'_>, scope: Scope<'_>, depth: usize, out: &mut Vec<Stmt>) {
        let at = Span::of(node);
        match node.kind() {
            "expression_statement" => {
                for child in named_children(node) {
                    self.expression_statement(child, scope, depth, out);
                }
            }
            "return_statement" => {
                let value = self.value_of_children(node, scope, depth);
                out.push(Stmt::Return(value, at));
            }
            "raise_statement" => {
                let value = named_children(node)
                    .first()
                    .map(|c| self.expr(*c, scope, depth));
                out.push(Stmt::Raise(value, at));
            }
            "assert_statement" => {
                let mut parts = named_children(node).into_iter();
                if let Some(cond) = parts.next() {
                    let cond = self.expr(cond, scope, depth);
                    let message = parts.next().map(|m| self.expr(m, scope, depth));
                    out.push(Stmt::If {
                        cond: Expr {
                            kind: ExprKind::Unary("not".into(), Box::new(cond)),
                            span: at,
                        },
                        then: vec![Stmt::Raise(message, at)],
                        otherwise: Vec::new(),
                        span: at,
                    });
                }
            }
            "if_statement" => out.push(self.if_statement(node, scope, depth)),
            "for_statement" => {
                let binding = node
                    .child_by_field_name("left")
                    .map(|l| self.target(l, scope, depth));
                let iter = self.field_expr(node, "right", scope, depth);
                let body = self.field_block(node, "body", scope, depth);
                let otherwise = self.else_body(node, scope, depth);
                out.push(Stmt::Loop {
                    binding,
                    iter,
                    body,
                    otherwise,
                    span: at,
                });
            }
            "while_statement" => {
                let iter = self.field_expr(node, "condition", scope, depth);
                let body = self.field_block(node, "body", scope, depth);
                let otherwise = self.else_body(node, scope, depth);
                out.push(Stmt::Loop {
                    binding: None,
                    iter,
                    body,
                    otherwise,
                    span: at,
                });
            }
            "try_statement" => out.push(self.try_statement(node, scope, depth)),
            "with_statement" => out.push(self.with_statement(node, scope, depth)),
            "match_statement" => out.push(self.match_statement(node, scope, depth)),
            "function_definition" => {
                let id = self.function(node, Vec::new(), scope, depth);
                out.push(Stmt::Def {
                    name: self.name_field(node),
                    func: Some(id),
                    class: None,
                    span: at,
                });
            }
            "class_definition" => {
                let id = self.class(node, Vec::new(), scope, depth);
                out.push(Stmt::Def {
                    name: self.name_field(node),
                    func: None,
                    class: Some(id),
                    span: at,
                });
            }
            "decorated_definition" => {
                let decorators: Vec<Expr> = named_children(node)
                    .into_iter()
                    .filter(|c| c.kind() == "decorator")
                    .filter_map(|d| named_children(d).first().copied())
                    .map(|d| self.expr(d, scope, depth))
                    .collect();
                if let Some(def) = node.child_by_field_name("definition") {
                    let name = self.name_field(def);
                    match def.kind() {
                        "class_definition" => {
                            let id = self.class(def, decorators, scope, depth);
                            out.push(Stmt::Def {
                                name,
                                func: None,
                                class: Some(id),
                                span: at,
                            });
                        }
                        _ => {
                            let id = self.function(def, decorators, scope, depth);
                            out.push(Stmt::Def {
                                name,
                                func: Some(id),
                                class: None,
                                span: at,
                            });
                        }
                    }
                }
            }
            "import_statement" => self.import(node, None),
            "import_from_statement" => {
                let module = node
                    .child_by_field_name("module_name")
                    .map(|m| self.text_of(m))
                    .unwrap_or_default();
                self.import(node, Some(module));
            }
            "block" => out.extend(self.block(node, scope, depth)),
            // pass, break, continue, global, nonlocal, del, type aliases, future imports: no
            // value moves.
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
            "assignment" => {
                // `a = b = c` nests: every left side takes the innermost right side.
                let mut targets = Vec::new();
                let mut current = node;
                let mut guard = 0;
                loop {
                    guard += 1;
                    if let Some(left) = current.child_by_field_name("left") {
                        targets.push(self.target(left, scope, depth));
                    }
                    match current.child_by_field_name("right") {
                        Some(right) if right.kind() == "assignment" && guard < MAX_DEPTH => {
                            current = right;
                        }
                        Some(right) => {
                            let value = self.expr(right, scope, depth);
                            out.push(Stmt::Assign {
                                targets,
                                value,
                                op: None,
                                span: at,
                            });
                            return;
                        }
                        // An annotation without a value (`x: int`) stores nothing.
                        None => return,
                    }
                }
            }
            "augmented_assignment" => {
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
            _ => out.push(Stmt::Expr(self.expr(node, scope, depth))),
        }
    }

    fn if_statement(&mut self, node: Node<'_>, scope: Scope<'_>, depth: usize) -> Stmt {
        let cond = self.field_expr(node, "condition", scope, depth);
        let then = self.field_block(node, "consequence", scope, depth);
        // `elif` chains nest as `else: if ...`.
        let mut otherwise = Vec::new();
        let alternatives: Vec<Node<'_>> = {
            let mut cursor = node.walk();
            node.children_by_field_name("alternative", &mut cursor)
                .collect()
        };
        let mut tail: Option<Stmt> = None;
        for alt in alternatives.iter().rev() {
            match alt.kind() {
                "elif_clause" => {
                    let cond = self.field_expr(*alt, "condition", scope, depth);
                    let then = self.field_block(*alt, "consequence", scope, depth);
                    let rest = tail.take().map_or(otherwise.clone(), |t| vec![t]);
                    tail = Some(Stmt::If {
                        cond,
                        then,
                        otherwise: rest,
                        span: Span::of(*alt),
                    });
                }
                _ => otherwise = self.field_block(*alt, "body", scope, depth),
            }
        }
        if let Some(t) = tail {
            otherwise = vec![t];
        }
        Stmt::If {
            cond,
            then,
            otherwise,
            span: Span::of(node),
        }
    }

    fn try_statement(&mut self, node: Node<'_>, scope: Scope<'_>, depth: usize) -> Stmt {
        let body = self.field_block(node, "body", scope, depth);
        let mut handlers = Vec::new();
        let mut finally = Vec::new();
        let mut otherwise = Vec::new();
        for child in named_children(node) {
            match child.kind() {
                "except_clause" | "except_group_clause" => {
                    let mut types = None;
                    let mut name = None;
                    let mut body = Vec::new();
                    for part in named_children(child) {
                        match part.kind() {
                            "block" => body = self.block(part, scope, depth + 1),
                            "as_pattern" => {
                                let inner = named_children(part);
                                types = inner.first().map(|t| self.expr(*t, scope, depth));
                                name = part.child_by_field_name("alias").map(|a| self.text_of(a));
                            }
                            _ if types.is_none() => types = Some(self.expr(part, scope, depth)),
                            // `except E as e` in older grammars: the name after the type.
                            "identifier" => name = Some(self.text_of(part)),
                            _ => {}
                        }
                    }
                    handlers.push(Handler { types, name, body });
                }
                "finally_clause" => {
                    finally = named_children(child)
                        .into_iter()
                        .filter(|c| c.kind() == "block")
                        .flat_map(|b| self.block(b, scope, depth + 1))
                        .collect();
                }
                "else_clause" => otherwise = self.field_block(child, "body", scope, depth),
                _ => {}
            }
        }
        // The `else` of a try runs after the body when nothing was raised.
        let mut body = body;
        body.extend(otherwise);
        Stmt::Try {
            body,
            handlers,
            finally,
            span: Span::of(node),
        }
    }

    fn with_statement(&mut self, node: Node<'_>, scope: Scope<'_>, depth: usize) -> Stmt {
        let mut items = Vec::new();
        for clause in named_children(node)
            .into_iter()
            .filter(|c| c.kind() == "with_clause")
        {
            for item in named_children(clause) {
                let Some(value) = item.child_by_field_name("value") else {
                    continue;
                };
                if value.kind() == "as_pattern" {
                    let expr = match named_children(value).first() {
                        Some(e) => self.expr(*e, scope, depth),
                        None => self.opaque(value, scope, depth),
                    };
                    let target = value
                        .child_by_field_name("alias")
                        .map(|a| self.target(a, scope, depth));
                    items.push((expr, target));
                } else {
                    items.push((self.expr(value, scope, depth), None));
                }
            }
        }
        let body = self.field_block(node, "body", scope, depth);
        Stmt::With {
            items,
            body,
            span: Span::of(node),
        }
    }

    fn match_statement(&mut self, node: Node<'_>, scope: Scope<'_>, depth: usize) -> Stmt {
        let subject = self.field_expr(node, "subject", scope, depth);
        let mut cases = Vec::new();
        if let Some(body) = node.child_by_field_name("body") {
            for case in named_children(body)
                .into_iter()
                .filter(|c| c.kind() == "case_clause")
            {
                let tests: Vec<Expr> = named_children(case)
                    .into_iter()
                    .filter(|c| c.kind() == "case_pattern")
                    .map(|p| self.opaque(p, scope, depth))
                    .collect();
                let body = self.field_block(case, "consequence", scope, depth);
                cases.push((tests, body));
            }
        }
        Stmt::Switch {
            subject,
            cases,
            span: Span::of(node),
        }
    }

    fn import(&mut self, node: Node<'_>, from: Option<String>) {
        let at = Span::of(node);
        let mut cursor = node.walk();
        let names: Vec<Node<'_>> = node.children_by_field_name("name", &mut cursor).collect();
        if names.is_empty()
            && named_children(node)
                .iter()
                .any(|c| c.kind() == "wildcard_import")
        {
            if let Some(module) = from {
                self.module.imports.push(Import {
                    local: "*".into(),
                    module,
                    member: Some("*".into()),
                    span: at,
                });
            }
            return;
        }
        for name in names {
            let (path, alias) = if name.kind() == "aliased_import" {
                (
                    name.child_by_field_name("name").map(|n| self.text_of(n)),
                    name.child_by_field_name("alias").map(|a| self.text_of(a)),
                )
            } else {
                (Some(self.text_of(name)), None)
            };
            let Some(path) = path else { continue };
            let import = match &from {
                // `from m import a as b`
                Some(module) => Import {
                    local: alias.unwrap_or_else(|| path.clone()),
                    module: module.clone(),
                    member: Some(path),
                    span: at,
                },
                // `import a.b as c` binds the module; `import a.b` binds `a`.
                None => match alias {
                    Some(alias) => Import {
                        local: alias,
                        module: path,
                        member: None,
                        span: at,
                    },
                    None => Import {
                        local: path.split('.').next().unwrap_or(&path).to_string(),
                        module: path.split('.').next().unwrap_or(&path).to_string(),
                        member: None,
                        span: at,
                    },
                },
            };
            self.module.imports.push(import);
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
    ) -> FuncId {
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
        let params = node
            .child_by_field_name("parameters")
            .map(|p| self.params(p, scope, depth))
            .unwrap_or_default();
        let inner = Scope {
            func: id,
            prefix: &qualified,
            class: None,
        };
        let body = node
            .child_by_field_name("body")
            .map(|b| self.block(b, inner, depth + 1))
            .unwrap_or_default();
        super::lowering::define(&mut self.module, id, params, body);
        id
    }

    fn class(
        &mut self,
        node: Node<'_>,
        decorators: Vec<Expr>,
        scope: Scope<'_>,
        depth: usize,
    ) -> ClassId {
        let name = self.name_field(node);
        let qualified = scope.qualify(&name);
        let id = self.module.classes.len();
        let bases = node
            .child_by_field_name("superclasses")
            .map(|s| {
                named_children(s)
                    .into_iter()
                    .filter(|b| b.kind() != "keyword_argument")
                    .map(|b| self.expr(b, scope, depth))
                    .collect()
            })
            .unwrap_or_default();
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
        let mut fields = Vec::new();
        let mut methods = Vec::new();
        if let Some(body) = node.child_by_field_name("body") {
            for stmt in self.block(body, inner, depth + 1) {
                match stmt {
                    Stmt::Def { func: Some(f), .. } => methods.push(f),
                    Stmt::Def { .. } => {}
                    other => fields.push(other),
                }
            }
        }
        let declared = node
            .child_by_field_name("body")
            .map(|b| self.declared_fields(b))
            .unwrap_or_default();
        if let Some(c) = self.module.classes.get_mut(id) {
            c.methods = methods;
            c.fields = fields;
            c.declared = declared;
        }
        id
    }

    /// `count: int` and `mode: Literal["a", "b"] = "a"` in a class body (a dataclass, a
    /// pydantic model, a `TypedDict`): each field's declared type.
    fn declared_fields(&self, body: Node<'_>) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for stmt in named_children(body) {
            if stmt.kind() != "expression_statement" {
                continue;
            }
            for assignment in named_children(stmt) {
                if assignment.kind() != "assignment" {
                    continue;
                }
                if let (Some(left), Some(ty)) = (
                    assignment.child_by_field_name("left"),
                    assignment.child_by_field_name("type"),
                ) && left.kind() == "identifier"
                {
                    out.push((self.text_of(left), self.text_of(ty)));
                }
            }
        }
        out
    }

    fn params(&mut self, node: Node<'_>, scope: Scope<'_>, depth: usize) -> Vec<Param> {
        let mut out = Vec::new();
        for p in named_children(node) {
            let annotation = p.child_by_field_name("type").map(|t| self.text_of(t));
            let default = p
                .child_by_field_name("value")
                .map(|v| self.expr(v, scope, depth));
            let (name_node, kind) = match p.kind() {
                "identifier" => (Some(p), ParamKind::Positional),
                "default_parameter" | "typed_default_parameter" => {
                    (p.child_by_field_name("name"), ParamKind::Positional)
                }
                "typed_parameter" => {
                    let inner = named_children(p).into_iter().next();
                    match inner.map(|i| (i, i.kind())) {
                        Some((i, "list_splat_pattern")) => {
                            (named_children(i).into_iter().next(), ParamKind::Rest)
                        }
                        Some((i, "dictionary_splat_pattern")) => {
                            (named_children(i).into_iter().next(), ParamKind::Keywords)
                        }
                        Some((i, _)) => (Some(i), ParamKind::Positional),
                        None => (None, ParamKind::Positional),
                    }
                }
                "list_splat_pattern" => (named_children(p).into_iter().next(), ParamKind::Rest),
                "dictionary_splat_pattern" => {
                    (named_children(p).into_iter().next(), ParamKind::Keywords)
                }
                // `/` and `*` separators.
                _ => (None, ParamKind::Positional),
            };
            // A trace starts at the name, not at its annotation or default.
            if let Some(name) = name_node {
                out.push(Param {
                    name: self.text_of(name),
                    kind,
                    annotation,
                    default,
                    span: Span::of(name),
                });
            }
        }
        out
    }

    fn target(&mut self, node: Node<'_>, scope: Scope<'_>, depth: usize) -> Target {
        let at = Span::of(node);
        if depth > MAX_DEPTH {
            return Target::Opaque(at);
        }
        match node.kind() {
            "identifier" => Target::Name(self.text_of(node), at),
            "attribute" => {
                let object = self.field_expr(node, "object", scope, depth);
                let attr = node
                    .child_by_field_name("attribute")
                    .map(|a| self.text_of(a))
                    .unwrap_or_default();
                Target::Attr(Box::new(object), attr, at)
            }
            "subscript" => {
                let object = self.field_expr(node, "value", scope, depth);
                let index = match node.child_by_field_name("subscript") {
                    Some(s) => self.expr(s, scope, depth),
                    None => Expr::null(at),
                };
                Target::Index(Box::new(object), Box::new(index), at)
            }
            "pattern_list" | "tuple_pattern" | "list_pattern" | "tuple" | "list"
            | "expression_list" => Target::Tuple(
                named_children(node)
                    .into_iter()
                    .map(|c| self.target(c, scope, depth + 1))
                    .collect(),
                at,
            ),
            "list_splat_pattern" | "list_splat" => match named_children(node).first() {
                Some(inner) => Target::Rest(Box::new(self.target(*inner, scope, depth + 1)), at),
                None => Target::Opaque(at),
            },
            "parenthesized_expression" | "as_pattern_target" => {
                match named_children(node).first() {
                    Some(inner) => self.target(*inner, scope, depth + 1),
                    None => Target::Opaque(at),
                }
            }
            _ => Target::Opaque(at),
        }
    }

    fn field_block(
        &mut self,
        node: Node<'_>,
        field: &str,
        scope: Scope<'_>,
        depth: usize,
    ) -> Vec<Stmt> {
        node.child_by_field_name(field)
            .map(|b| self.block(b, scope, depth + 1))
            .unwrap_or_default()
    }

    fn else_body(&mut self, node: Node<'_>, scope: Scope<'_>, depth: usize) -> Vec<Stmt> {
        node.child_by_field_name("alternative")
            .map(|alt| self.field_block(alt, "body", scope, depth))
            .unwrap_or_default()
    }

    /// `return a`, `return a, b`.
    fn value_of_children(
        &mut self,
        node: Node<'_>,
        scope: Scope<'_>,
        depth: usize,
    ) -> Option<Expr> {
        let children = named_children(node);
        match children.as_slice() {
            [] => None,
            [one] => Some(self.expr(*one, scope, depth)),
            many => Some(Expr {
                kind: ExprKind::List(many.iter().map(|c| self.expr(*c, scope, depth)).collect()),
                span: Span::of(node),
            }),
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
            "identifier" => ExprKind::Name(self.text_of(node)),
            "true" => ExprKind::Bool(true),
            "false" => ExprKind::Bool(false),
            "none" | "ellipsis" => ExprKind::Null,
            "integer" | "float" => ExprKind::Number(self.text_of(node)),
            "string" => self.string(node, scope, depth),
            "concatenated_string" => {
                let mut parts = Vec::new();
                for s in named_children(node) {
                    match self.string(s, scope, depth).clone() {
                        ExprKind::Str(t) => parts.push(TemplatePart::Text(t)),
                        ExprKind::Template(p) => parts.extend(p),
                        _ => {}
                    }
                }
                if parts.iter().all(|p| matches!(p, TemplatePart::Text(_))) {
                    ExprKind::Str(
                        parts
                            .into_iter()
                            .filter_map(|p| match p {
                                TemplatePart::Text(t) => Some(t),
                                TemplatePart::Value(_) => None,
                            })
                            .collect(),
                    )
                } else {
                    ExprKind::Template(parts)
                }
            }
            "attribute" => ExprKind::Attr(
                self.boxed(field("object"), at, scope, depth),
                field("attribute")
                    .map(|a| self.text_of(a))
                    .unwrap_or_default(),
            ),
            "subscript" => ExprKind::Index(
                self.boxed(field("value"), at, scope, depth),
                self.boxed(field("subscript"), at, scope, depth),
            ),
            "call" => {
                let callee = self.boxed(field("function"), at, scope, depth);
                let args = match field("arguments") {
                    Some(list) if list.kind() == "argument_list" => self.args(list, scope, depth),
                    // `f(x for x in xs)`
                    Some(generator) => vec![Arg {
                        keyword: None,
                        value: self.expr(generator, scope, depth + 1),
                    }],
                    None => Vec::new(),
                };
                ExprKind::Call {
                    callee,
                    args,
                    construct: false,
                }
            }
            "binary_operator" | "boolean_operator" => ExprKind::Binary(
                field("operator")
                    .map(|o| self.text_of(o))
                    .unwrap_or_default(),
                self.boxed(field("left"), at, scope, depth),
                self.boxed(field("right"), at, scope, depth),
            ),
            "not_operator" => ExprKind::Unary(
                "not".into(),
                self.boxed(field("argument"), at, scope, depth),
            ),
            "unary_operator" => ExprKind::Unary(
                field("operator")
                    .map(|o| self.text_of(o))
                    .unwrap_or_default(),
                self.boxed(field("argument"), at, scope, depth),
            ),
            "comparison_operator" => self.comparison(node, scope, depth),
            "conditional_expression" => {
                let parts = named_children(node);
                let mut get = |i: usize| self.boxed(parts.get(i).copied(), at, scope, depth);
                let (then, cond, otherwise) = (get(0), get(1), get(2));
                ExprKind::Cond(cond, then, otherwise)
            }
            "list" | "tuple" | "set" | "expression_list" | "pattern_list" => ExprKind::List(
                named_children(node)
                    .into_iter()
                    .map(|c| self.expr(c, scope, depth + 1))
                    .collect(),
            ),
            "dictionary" => {
                let mut pairs = Vec::new();
                for child in named_children(node) {
                    match child.kind() {
                        "pair" => {
                            let key =
                                self.boxed(child.child_by_field_name("key"), at, scope, depth);
                            let value =
                                self.boxed(child.child_by_field_name("value"), at, scope, depth);
                            pairs.push((Some(*key), *value));
                        }
                        "dictionary_splat" => {
                            let inner = named_children(child).first().copied();
                            pairs.push((None, *self.boxed(inner, at, scope, depth)));
                        }
                        _ => {}
                    }
                }
                ExprKind::Dict(pairs)
            }
            "list_splat" => {
                let inner = named_children(node).first().copied();
                ExprKind::Spread(self.boxed(inner, at, scope, depth))
            }
            // `**options`: a spread of a mapping, which (unlike `*args`) can pass keywords.
            "dictionary_splat" => {
                let inner = named_children(node).first().copied();
                let mapping = Expr {
                    kind: ExprKind::Dict(vec![(None, *self.boxed(inner, at, scope, depth))]),
                    span: Span::of(node),
                };
                ExprKind::Spread(Box::new(mapping))
            }
            "list_comprehension"
            | "set_comprehension"
            | "generator_expression"
            | "dictionary_comprehension" => self.comprehension(node, scope, depth),
            "lambda" => {
                let id = self.lambda(node, scope, depth);
                ExprKind::Function(id)
            }
            "await" => {
                let inner = named_children(node).first().copied();
                ExprKind::Await(self.boxed(inner, at, scope, depth))
            }
            "named_expression" => ExprKind::Walrus(
                field("name").map(|n| self.text_of(n)).unwrap_or_default(),
                self.boxed(field("value"), at, scope, depth),
            ),
            "parenthesized_expression" => match named_children(node).first() {
                Some(inner) => return self.expr(*inner, scope, depth + 1),
                None => ExprKind::Null,
            },
            "keyword_argument" => {
                return self.field_expr(node, "value", scope, depth + 1);
            }
            _ => return self.opaque(node, scope, depth),
        };
        Expr { kind, span: at }
    }

    fn string(&mut self, node: Node<'_>, scope: Scope<'_>, depth: usize) -> ExprKind {
        let mut parts = Vec::new();
        let mut dynamic = false;
        for child in named_children(node) {
            match child.kind() {
                "string_content" | "escape_sequence" => {
                    let text = self.text_of(child);
                    match parts.last_mut() {
                        Some(TemplatePart::Text(t)) => t.push_str(&text),
                        _ => parts.push(TemplatePart::Text(text)),
                    }
                }
                "interpolation" => {
                    dynamic = true;
                    let value = named_children(child)
                        .into_iter()
                        .find(|c| !matches!(c.kind(), "type_conversion" | "format_specifier"));
                    if let Some(v) = value {
                        parts.push(TemplatePart::Value(self.expr(v, scope, depth + 1)));
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

    fn comparison(&mut self, node: Node<'_>, scope: Scope<'_>, depth: usize) -> ExprKind {
        // Operands are the named children; operators the anonymous tokens between them
        // (`not in` and `is not` are two tokens).
        let mut cursor = node.walk();
        let mut first: Option<Expr> = None;
        let mut pairs = Vec::new();
        let mut op = String::new();
        for child in node.children(&mut cursor) {
            if child.is_named() {
                let value = self.expr(child, scope, depth + 1);
                if first.is_none() {
                    first = Some(value);
                } else {
                    pairs.push((std::mem::take(&mut op), value));
                }
            } else {
                if !op.is_empty() {
                    op.push(' ');
                }
                op.push_str(&self.text_of(child));
            }
        }
        let first = first.unwrap_or_else(|| Expr::null(Span::of(node)));
        ExprKind::Compare(pairs, Box::new(first))
    }

    fn comprehension(&mut self, node: Node<'_>, scope: Scope<'_>, depth: usize) -> ExprKind {
        let at = Span::of(node);
        let element = self.boxed(node.child_by_field_name("body"), at, scope, depth);
        let mut clauses = Vec::new();
        let mut conditions = Vec::new();
        for child in named_children(node) {
            match child.kind() {
                "for_in_clause" => {
                    let target = child
                        .child_by_field_name("left")
                        .map_or(Target::Opaque(at), |l| self.target(l, scope, depth + 1));
                    let iter = self.field_expr(child, "right", scope, depth + 1);
                    clauses.push((target, iter));
                }
                "if_clause" => {
                    if let Some(c) = named_children(child).first() {
                        conditions.push(self.expr(*c, scope, depth + 1));
                    }
                }
                _ => {}
            }
        }
        ExprKind::Comprehension {
            element,
            clauses,
            conditions,
        }
    }

    fn lambda(&mut self, node: Node<'_>, scope: Scope<'_>, depth: usize) -> FuncId {
        let parent_name = self
            .module
            .functions
            .get(scope.func)
            .map(|f| f.qualified.clone())
            .unwrap_or_default();
        let id = super::lowering::declare(
            &mut self.module,
            node,
            "<lambda>".into(),
            format!("{parent_name}.<lambda>"),
            Scope {
                class: None,
                ..scope
            },
            Vec::new(),
        );
        let params = node
            .child_by_field_name("parameters")
            .map(|p| self.params(p, scope, depth))
            .unwrap_or_default();
        let inner = Scope {
            func: id,
            prefix: scope.prefix,
            class: None,
        };
        let body = node.child_by_field_name("body").map(|b| {
            let value = self.expr(b, inner, depth + 1);
            let at = value.span;
            vec![Stmt::Return(Some(value), at)]
        });
        super::lowering::define(&mut self.module, id, params, body.unwrap_or_default());
        id
    }

    fn args(&mut self, list: Node<'_>, scope: Scope<'_>, depth: usize) -> Vec<Arg> {
        named_children(list)
            .into_iter()
            .map(|a| {
                let keyword = (a.kind() == "keyword_argument")
                    .then(|| a.child_by_field_name("name").map(|n| self.text_of(n)))
                    .flatten();
                Arg {
                    keyword,
                    value: self.expr(a, scope, depth + 1),
                }
            })
            .collect()
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
        crate::analyze::ir::lower_source("t.py", src)
            .expect("lowered")
            .dump()
    }

    #[test]
    fn imports_functions_and_calls() {
        let src = r#"
import os, subprocess as sp
import os.path
from mcp.server.fastmcp import FastMCP
from .helpers import run as go, *

mcp = FastMCP("x")

@mcp.tool()
async def run(cmd: str, *args, timeout: int = 5, **kw) -> str:
    """Runs."""
    out = sp.run(f"sh -c {cmd!r}", shell=True, *args, **kw)
    return out.stdout
"#;
        assert_eq!(
            lowered(src),
            r#"import os = os:
import sp = subprocess:
import os = os:
import FastMCP = mcp.server.fastmcp:FastMCP
import go = .helpers:run
def <module>()
  mcp = (FastMCP "x")
  def run
@(mcp.tool) def run(cmd: str, *args, timeout: int, **kw)
  "Runs."
  out = (sp.run (template "sh -c " {cmd}) shell=true ...args ...{...kw})
  return out.stdout
"#
        );
    }

    #[test]
    fn classes_methods_fields_and_nesting() {
        let src = r#"
class Runner(Base, Mixin):
    prefix = "git"
    def __init__(self, root):
        self.root = root
    @staticmethod
    def make(root):
        return Runner(root)

def outer(x):
    def inner(y):
        return x + y
    return inner
"#;
        assert_eq!(
            lowered(src),
            r#"class Runner(Base, Mixin) methods [__init__, make]
def <module>()
  def Runner
  def outer
def Runner.__init__(self, root)
  self.root = root
@staticmethod def Runner.make(root)
  return (Runner root)
def outer(x)
  def inner
  return inner
def outer.inner(y)
  return (+ x y)
"#
        );
    }

    #[test]
    fn control_flow_guards_and_collections() {
        let src = r#"
def f(p, items):
    if p in ALLOWED:
        pass
    elif p.startswith("-"):
        raise ValueError(p)
    else:
        return None
    assert ".." not in p, "bad"
    argv = ["git", "log"]
    argv.append(p)
    argv += [x.strip() for x in items if x]
    a, *rest = items
    with open(p) as fh:
        data = fh.read()
    for i, v in enumerate(items):
        total = total + v
    try:
        g(p)
    except (OSError, ValueError) as e:
        return str(e)
    finally:
        h()
    return (lambda q: q)(p) if p else {"k": p, **extra}
"#;
        assert_eq!(
            lowered(src),
            r#"def <module>()
  def f
def f(p, items)
  if (compare p in ALLOWED)
  else
    if (p.startswith "-")
      raise (ValueError p)
    else
      return null
  if (not (compare ".." not in p))
    raise "bad"
  argv = ["git", "log"]
  (argv.append p)
  argv += [(x.strip) for x in items if x]
  (a, *rest) = items
  with (open p) as fh
    data = (fh.read)
  loop (i, v) in (enumerate items)
    total = (+ total v)
  try
    (g p)
  except [OSError, ValueError] as e
    return (str e)
  finally
    (h)
  return (p ? (<fn 2> p) : {"k": p, ...extra})
def f.<lambda>(q)
  return q
"#
        );
    }

    #[test]
    fn deep_nesting_is_cut_not_a_crash() {
        let src = format!("x = {}1{}\n", "(".repeat(5000), ")".repeat(5000));
        let dump = lowered(&src);
        assert!(dump.starts_with("def <module>()"), "{dump}");
    }
}
