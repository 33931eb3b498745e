//! What both lowerings share: the scope definitions are made in, the module's top-level
//! function, and the expression helpers every front end needs once it can lower one
//! expression (`Lower::lower_expr`).

use super::{ClassId, Expr, ExprKind, FuncId, Function, MAX_DEPTH, Module, Param, Stmt};
use crate::analyze::Span;
use tree_sitter::Node;

/// Where the statements being lowered live.
#[derive(Clone, Copy)]
pub(super) struct Scope<'q> {
    pub func: FuncId,
    /// The qualified name prefix for definitions made here.
    pub prefix: &'q str,
    pub class: Option<ClassId>,
}

impl Scope<'static> {
    pub fn top() -> Scope<'static> {
        Scope {
            func: 0,
            prefix: "",
            class: None,
        }
    }
}

impl Scope<'_> {
    /// `name` as defined here: `Class.name`, `outer.name`, or `name` at the top.
    pub fn qualify(&self, name: &str) -> String {
        if self.prefix.is_empty() {
            name.to_string()
        } else {
            format!("{}.{name}", self.prefix)
        }
    }
}

/// A module whose `functions[0]` stands for the top-level code at `root`; its body is filled
/// in by `finish`.
pub(super) fn start(root: Node<'_>) -> Module {
    Module {
        functions: vec![Function {
            name: "<module>".into(),
            qualified: "<module>".into(),
            class: None,
            parent: None,
            params: Vec::new(),
            decorators: Vec::new(),
            body: Vec::new(),
            is_async: false,
            in_object: false,
            span: Span::of(root),
        }],
        ..Module::default()
    }
}

pub(super) fn finish(mut module: Module, body: Vec<Stmt>) -> Module {
    if let Some(top) = module.functions.get_mut(0) {
        top.body = body;
    }
    module
}

/// Adds the function defined at `node` in `scope`; its parameters and body come with
/// `define`. Functions are numbered as they are met, before their bodies, so nested functions
/// follow the one they are nested in.
pub(super) fn declare(
    module: &mut Module,
    node: Node<'_>,
    name: String,
    qualified: String,
    scope: Scope<'_>,
    decorators: Vec<Expr>,
) -> FuncId {
    let is_async = {
        let mut cursor = node.walk();
        node.children(&mut cursor).any(|c| c.kind() == "async")
    };
    module.functions.push(Function {
        name,
        qualified,
        class: scope.class,
        parent: Some(scope.func),
        params: Vec::new(),
        decorators,
        body: Vec::new(),
        is_async,
        in_object: false,
        span: Span::of(node),
    });
    module.functions.len() - 1
}

pub(super) fn define(module: &mut Module, id: FuncId, params: Vec<Param>, body: Vec<Stmt>) {
    if let Some(f) = module.functions.get_mut(id) {
        f.params = params;
        f.body = body;
    }
}

/// The named children of `node`, comments left out.
pub(super) fn named_children<'t>(node: Node<'t>) -> Vec<Node<'t>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|c| c.kind() != "comment")
        .collect()
}

impl Expr {
    pub(super) fn null(at: Span) -> Expr {
        Expr {
            kind: ExprKind::Null,
            span: at,
        }
    }
}

/// A front end that can lower one expression gets the rest of the expression helpers.
pub(super) trait Lower {
    fn text(&self) -> &str;
    fn lower_expr(&mut self, node: Node<'_>, scope: Scope<'_>, depth: usize) -> Expr;

    fn text_of(&self, node: Node<'_>) -> String {
        self.text()
            .get(node.start_byte()..node.end_byte())
            .unwrap_or("")
            .to_string()
    }

    /// The expression in `field` of `node`, or a null there when the field is missing.
    fn field_expr(&mut self, node: Node<'_>, field: &str, scope: Scope<'_>, depth: usize) -> Expr {
        match node.child_by_field_name(field) {
            Some(child) => self.lower_expr(child, scope, depth),
            None => Expr::null(Span::of(node)),
        }
    }

    fn boxed(
        &mut self,
        node: Option<Node<'_>>,
        at: Span,
        scope: Scope<'_>,
        depth: usize,
    ) -> Box<Expr> {
        Box::new(match node {
            Some(n) => self.lower_expr(n, scope, depth + 1),
            None => Expr::null(at),
        })
    }

    /// A form not modelled, over its lowered children (past the depth cap, over the names
    /// inside it).
    fn opaque(&mut self, node: Node<'_>, scope: Scope<'_>, depth: usize) -> Expr {
        let parts = if depth > MAX_DEPTH {
            super::names_within(node, self.text())
        } else {
            named_children(node)
                .into_iter()
                .map(|c| self.lower_expr(c, scope, depth + 1))
                .collect()
        };
        Expr {
            kind: ExprKind::Opaque(parts),
            span: Span::of(node),
        }
    }
}
