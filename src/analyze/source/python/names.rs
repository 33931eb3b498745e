//! What the inventory and the description rules need from a Python module: its functions
//! with their MCP entry-point decorators and parameters, and the texts it shows the model
//! (docstrings and `description=` of entry points, `Tool(description=...)` declarations).
//! The IR says where the functions and the calls are; their nodes are looked up by span.

use super::grammar::{F, K, NodeExt};
use crate::analyze::source::{Description, EntryKind, FnKind};
use std::collections::HashSet;
use tree_sitter::Node;

/// Decorator attribute names that make a function an MCP entry point, whatever the server
/// object is called (`@mcp.tool()`, `@server.call_tool()`, `@app.resource("x://{id}")`).
fn entry_decorator(attr: &str) -> Option<EntryKind> {
    match attr {
        "tool" => Some(EntryKind::Tool),
        "resource" | "read_resource" => Some(EntryKind::Resource),
        "prompt" | "get_prompt" => Some(EntryKind::Prompt),
        "call_tool" => Some(EntryKind::CallTool),
        _ => None,
    }
}

/// A parameter of a function and what its declaration says about who chooses it.
pub(super) struct Param {
    pub name: String,
    /// `self`/`cls` of a method: the object, not caller input.
    pub receiver: bool,
    /// Injected by the framework (`ctx: Context`), never chosen by the model.
    pub injected: bool,
}

pub(super) struct FunctionDef {
    /// `name`, `Class.name` or `outer.name`.
    pub qualified: String,
    /// Where the `def` starts.
    pub start_byte: usize,
    pub params: Vec<Param>,
    pub kind: FnKind,
    /// The name an entry point's decorator registers it under (`@mcp.tool(name="x")`).
    pub registered: Option<String>,
}

/// A module's functions and the texts it shows the model.
pub(super) struct Module {
    /// Descriptions of tools, prompts and resources, for the poisoning rules.
    pub descriptions: Vec<Description>,
    pub functions: Vec<FunctionDef>,
}

impl Module {
    /// The functions and the registering or declaring calls of `ir`, read from their nodes.
    pub fn collect<'t>(root: Node<'t>, src: &str, ir: &crate::analyze::ir::Module) -> Module {
        let mut facts = Facts::default();
        let node_at = |span: crate::analyze::Span| {
            root.descendant_for_point_range(
                tree_sitter::Point::new(span.start_row, span.start_byte_col),
                tree_sitter::Point::new(span.end_row, span.end_byte_col),
            )
        };
        for f in ir.functions.iter().skip(1) {
            if let Some(node) = node_at(f.span).filter(|n| n.k() == K::FunctionDefinition) {
                facts.functions.push(node);
            }
        }
        let mut calls = Vec::new();
        for f in &ir.functions {
            calls.extend(crate::analyze::ir::walk::calls_in(&f.body));
        }
        for call in calls {
            let crate::analyze::ir::ExprKind::Call { callee, .. } = &call.kind else {
                continue;
            };
            let last = match &callee.kind {
                crate::analyze::ir::ExprKind::Name(n)
                | crate::analyze::ir::ExprKind::Attr(_, n) => n,
                _ => continue,
            };
            let wanted = matches!(
                last.as_str(),
                "add_tool" | "from_function" | "Tool" | "Prompt" | "Resource" | "ResourceTemplate"
            );
            if let Some(node) = node_at(call.span).filter(|n| wanted && n.k() == K::Call) {
                facts.visit_call(node, src);
            }
        }
        let registered: HashSet<&str> = facts.registered.iter().map(String::as_str).collect();
        let mut descriptions = facts.declared_descriptions.clone();
        let functions = facts
            .functions
            .iter()
            .map(|&node| {
                let def = function_def(node, src, &registered);
                if matches!(
                    def.kind,
                    FnKind::Entry(EntryKind::Tool | EntryKind::Prompt | EntryKind::Resource)
                ) {
                    descriptions.extend(entry_descriptions(node, &def.qualified, src));
                }
                def
            })
            .collect();
        Module {
            descriptions,
            functions,
        }
    }
}

#[derive(Default)]
struct Facts<'t> {
    functions: Vec<Node<'t>>,
    /// Functions registered as tools by call (`mcp.add_tool(fn)`, `Tool.from_function(fn)`).
    registered: Vec<String>,
    /// Descriptions in low-level declarations: `Tool(name="x", description="...")`.
    declared_descriptions: Vec<Description>,
}

impl<'t> Facts<'t> {
    fn visit_call(&mut self, node: Node<'t>, src: &str) {
        self.declared_description(node, src);
        // `mcp.add_tool(fn)` and `Tool.from_function(fn)` make `fn` a tool.
        let registers = node
            .field(F::Function)
            .filter(|f| f.k() == K::Attribute)
            .and_then(|f| f.field(F::Attribute))
            .is_some_and(|a| matches!(text(a, src), "add_tool" | "from_function"));
        if registers
            && let Some(first) = node.field(F::Arguments).and_then(|a| a.named_child(0))
            && first.k() == K::Identifier
        {
            self.registered.push(text(first, src).to_string());
        }
    }

    /// `types.Tool(name="x", description="...")` and the like in low-level servers.
    fn declared_description(&mut self, call: Node<'t>, src: &str) {
        let Some(function) = call.field(F::Function) else {
            return;
        };
        let callee = text(function, src);
        let last = callee.rsplit('.').next().unwrap_or(callee);
        if !matches!(last, "Tool" | "Prompt" | "Resource" | "ResourceTemplate") {
            return;
        }
        let Some(arguments) = call.field(F::Arguments) else {
            return;
        };
        let owner = keyword_string(arguments, "name", src)
            .map(|n| n.text.trim_matches(|c| c == '"' || c == '\'').to_string())
            .unwrap_or_else(|| last.to_string());
        if let Some(mut d) = keyword_string(arguments, "description", src) {
            d.owner = owner;
            self.declared_descriptions.push(d);
        }
    }
}

fn function_def(node: Node<'_>, src: &str, registered: &HashSet<&str>) -> FunctionDef {
    let name = node
        .field(F::Name)
        .map_or("<anonymous>", |n| text(n, src))
        .to_string();
    // function_definition <- (decorated_definition <-)? block <- class_definition | function_definition
    let wrapper = node.parent().filter(|p| p.k() == K::DecoratedDefinition);
    let container = wrapper
        .unwrap_or(node)
        .parent()
        .filter(|p| p.k() == K::Block)
        .and_then(|b| b.parent());
    let (class, outer) = match container {
        Some(c) if c.k() == K::ClassDefinition => {
            (c.field(F::Name).map(|n| text(n, src).to_string()), None)
        }
        Some(f) if f.k() == K::FunctionDefinition => {
            (None, f.field(F::Name).map(|n| text(n, src).to_string()))
        }
        _ => (None, None),
    };
    let qualified = match (&class, &outer) {
        (Some(c), _) => format!("{c}.{name}"),
        (_, Some(o)) => format!("{o}.{name}"),
        _ => name.clone(),
    };
    let mut entry = None;
    let mut registered_as = None;
    if let Some(wrapper) = wrapper {
        let mut cursor = wrapper.walk();
        for decorator in wrapper
            .named_children(&mut cursor)
            .filter(|c| c.k() == K::Decorator)
        {
            let Some(expr) = decorator.named_child(0) else {
                continue;
            };
            let target = if expr.k() == K::Call {
                expr.field(F::Function)
            } else {
                Some(expr)
            };
            let attr = target
                .filter(|t| t.k() == K::Attribute)
                .and_then(|t| t.field(F::Attribute))
                .map(|a| text(a, src));
            if let Some(kind) = attr.and_then(entry_decorator) {
                entry = Some(kind);
                registered_as = (expr.k() == K::Call)
                    .then(|| expr.field(F::Arguments))
                    .flatten()
                    .and_then(|args| keyword_string(args, "name", src))
                    .map(|d| literal_text(&d.text));
            }
        }
    }
    if entry.is_none() && outer.is_none() && registered.contains(name.as_str()) {
        entry = Some(EntryKind::Tool);
    }
    let kind = match entry {
        Some(e) => FnKind::Entry(e),
        None if name.starts_with('_') || outer.is_some() => FnKind::Private,
        None => FnKind::Public,
    };
    let params = node
        .field(F::Parameters)
        .map(|p| params(p, src, class.is_some()))
        .unwrap_or_default();
    FunctionDef {
        qualified,
        start_byte: node.start_byte(),
        params,
        kind,
        registered: registered_as,
    }
}

/// The docstring of an entry point and the `description=` of its decorators.
fn entry_descriptions(node: Node<'_>, owner: &str, src: &str) -> Vec<Description> {
    let mut out = Vec::new();
    let docstring = node
        .field(F::Body)
        .and_then(|b| b.named_child(0))
        .filter(|s| s.kind() == "expression_statement")
        .and_then(|s| s.named_child(0))
        .filter(|s| matches!(s.k(), K::String | K::ConcatenatedString));
    if let Some(doc) = docstring {
        out.push(Description {
            owner: owner.to_string(),
            start_byte: doc.start_byte(),
            text: text(doc, src).to_string(),
        });
    }
    if let Some(wrapper) = node.parent().filter(|p| p.k() == K::DecoratedDefinition) {
        let mut cursor = wrapper.walk();
        for decorator in wrapper
            .named_children(&mut cursor)
            .filter(|c| c.k() == K::Decorator)
        {
            let arguments = decorator
                .named_child(0)
                .filter(|e| e.k() == K::Call)
                .and_then(|call| call.field(F::Arguments));
            if let Some(mut d) = arguments.and_then(|a| keyword_string(a, "description", src)) {
                d.owner = owner.to_string();
                out.push(d);
            }
        }
    }
    out
}

/// The text of a plain string literal (`"x"`, `'x'`, `r"x"`), without prefix and quotes.
fn literal_text(literal: &str) -> String {
    let body = literal.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    body.trim_matches(|c| c == '"' || c == '\'').to_string()
}

/// The string literal passed as keyword `name` among `arguments`.
fn keyword_string(arguments: Node<'_>, name: &str, src: &str) -> Option<Description> {
    let mut cursor = arguments.walk();
    let value = arguments
        .named_children(&mut cursor)
        .filter(|a| a.k() == K::KeywordArgument)
        .find(|a| a.field(F::Name).is_some_and(|n| text(n, src) == name))
        .and_then(|a| a.field(F::Value))?;
    let value = if value.k() == K::ParenthesizedExpression {
        value.named_child(0)?
    } else {
        value
    };
    matches!(value.k(), K::String | K::ConcatenatedString).then(|| Description {
        owner: String::new(),
        start_byte: value.start_byte(),
        text: text(value, src).to_string(),
    })
}

fn params(list: Node<'_>, src: &str, is_method: bool) -> Vec<Param> {
    let mut out = Vec::new();
    let mut cursor = list.walk();
    for p in list.named_children(&mut cursor) {
        let (name_node, annotation) = match p.k() {
            K::Identifier => (Some(p), None),
            K::TypedParameter => (p.named_child(0), p.field(F::Type)),
            K::DefaultParameter => (p.field(F::Name), None),
            K::TypedDefaultParameter => (p.field(F::Name), p.field(F::Type)),
            K::ListSplatPattern | K::DictionarySplatPattern => (p.named_child(0), None),
            _ => (None, None),
        };
        let Some(name_node) = name_node else {
            continue;
        };
        // `*args: str` parses as typed_parameter around a list_splat_pattern.
        let name_node = if matches!(
            name_node.k(),
            K::ListSplatPattern | K::DictionarySplatPattern
        ) {
            name_node.named_child(0).unwrap_or(name_node)
        } else {
            name_node
        };
        let name = text(name_node, src).to_string();
        let annotation = annotation
            .map(|a| squeeze(text(a, src)))
            .unwrap_or_default();
        out.push(Param {
            receiver: is_method && out.is_empty() && matches!(name.as_str(), "self" | "cls"),
            injected: annotation.contains("Context"),
            name,
        });
    }
    out
}

pub(super) fn text<'s>(node: Node<'_>, src: &'s str) -> &'s str {
    src.get(node.byte_range()).unwrap_or("")
}

/// A dotted name with the whitespace that Python allows inside it removed.
pub(super) fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}
