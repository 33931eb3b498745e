//! What the inventory and the description rules need from a Python module: its functions
//! with their MCP entry-point decorators and parameters, and the texts it shows the model
//! (descriptions of entry points and their parameters, `Tool(description=...)` and dict
//! declarations, the server's `instructions`, text set at run time, literal text a tool
//! returns).
//! The IR says where the functions and the calls are; their nodes are looked up by span.

use super::grammar::{F, K, NodeExt};
use super::texts::{Constants, constant_string, text_constants, text_of};
use crate::analyze::source::model_text::{ImportedText, TextConstant};
use crate::analyze::source::{Description, EntryKind, FnKind};
use crate::rules::TextKind;
use std::collections::{HashMap, HashSet};
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
    /// Texts of its tools that are constants of other modules.
    pub imported_texts: Vec<ImportedText>,
    /// Its constants another module's tools may use as texts.
    pub text_constants: Vec<TextConstant>,
}

impl Module {
    /// The functions and the registering or declaring calls of `ir`, read from their nodes.
    pub fn collect<'t>(root: Node<'t>, src: &str, ir: &crate::analyze::ir::Module) -> Module {
        use crate::analyze::ir::{ExprKind, Stmt, Target, walk};
        let module_constants = Constants::of_module(root, src);
        let mut facts = Facts {
            constants: &module_constants,
            functions: Vec::new(),
            registered: Vec::new(),
            replaced: HashSet::new(),
            texts: Vec::new(),
        };
        let node_at = |span: crate::analyze::Span| {
            root.descendant_for_point_range(
                tree_sitter::Point::new(span.start_row, span.start_byte_col),
                tree_sitter::Point::new(span.end_row, span.end_byte_col),
            )
        };
        // IR function index -> its definition node.
        let mut defined: Vec<(usize, Node<'t>)> = Vec::new();
        for (i, f) in ir.functions.iter().enumerate().skip(1) {
            if let Some(node) = node_at(f.span).filter(|n| n.k() == K::FunctionDefinition) {
                facts.functions.push(node);
                defined.push((i, node));
            }
        }
        let mut calls = Vec::new();
        let mut doc_assignments = Vec::new();
        // Most modules never assign a `__doc__`: no second walk of their functions for it.
        let assigns_docs = src.contains("__doc__");
        for f in &ir.functions {
            calls.extend(walk::calls_in(&f.body));
            if !assigns_docs {
                continue;
            }
            walk::walk_stmts(&f.body, &mut |stmt| {
                if let Stmt::Assign { targets, span, .. } = stmt
                    && let [Target::Attr(object, attribute, _)] = targets.as_slice()
                    && attribute == "__doc__"
                    && let ExprKind::Name(function) = &object.kind
                {
                    doc_assignments.push((function.clone(), *span));
                }
            });
        }
        for call in calls {
            let ExprKind::Call { callee, .. } = &call.kind else {
                continue;
            };
            let last = match &callee.kind {
                ExprKind::Name(n) | ExprKind::Attr(_, n) => n,
                // `mcp.tool(name="x")(fn)`: the decorator applied by hand.
                ExprKind::Call { callee: inner, .. } => match &inner.kind {
                    ExprKind::Attr(_, n) if n == "tool" => n,
                    _ => continue,
                },
                _ => continue,
            };
            let wanted = matches!(
                last.as_str(),
                "add_tool"
                    | "tool"
                    | "from_function"
                    | "Tool"
                    | "Prompt"
                    | "Resource"
                    | "ResourceTemplate"
                    | "TextResource"
                    | "FastMCP"
                    | "Server"
                    | "MCPServer"
            );
            if let Some(node) = node_at(call.span).filter(|n| wanted && n.k() == K::Call) {
                facts.visit_call(node, src);
            }
        }
        if src.contains("inputSchema") || src.contains("input_schema") {
            facts.declared_dicts(src, ir, &node_at);
        }
        let registered: HashMap<&str, Option<&str>> = facts
            .registered
            .iter()
            .rev()
            .map(|(f, name)| (f.as_str(), name.as_deref()))
            .collect();
        let mut descriptions = std::mem::take(&mut facts.texts);
        let mut functions = Vec::new();
        for &(index, node) in &defined {
            let (def, name_elsewhere) = function_def(node, src, &registered, &module_constants);
            if let Some(name) = name_elsewhere {
                descriptions.extend(text_of(
                    name,
                    src,
                    &[&module_constants],
                    def.qualified.clone(),
                    TextKind::Name,
                ));
            }
            if let FnKind::Entry(kind) = def.kind {
                let locals = node
                    .field(F::Body)
                    .map(|b| Constants::of_function(b, src))
                    .unwrap_or_default();
                let scopes = [&locals, &module_constants];
                if matches!(
                    kind,
                    EntryKind::Tool | EntryKind::Prompt | EntryKind::Resource
                ) {
                    let replaced = facts.replaced.contains(def.qualified.as_str());
                    descriptions.extend(entry_descriptions(
                        node,
                        &def.qualified,
                        src,
                        &scopes,
                        replaced,
                    ));
                    descriptions.extend(parameter_descriptions(node, &def.qualified, src, &scopes));
                }
                // A prompt's text is meant as instructions to the model; a tool's or a
                // resource's output is data.
                if matches!(
                    kind,
                    EntryKind::Tool | EntryKind::Resource | EntryKind::CallTool
                ) && let Some(f) = ir.functions.get(index)
                {
                    walk::walk_stmts(&f.body, &mut |stmt| {
                        if let Stmt::Return(Some(value), _) = stmt
                            && let Some(value) = node_at(value.span)
                        {
                            descriptions.extend(output_texts(value, &def.qualified, src, &scopes));
                        }
                    });
                }
            }
            functions.push(def);
        }
        // `tool.__doc__ = "..."`: the model gets a description the source review did not see.
        let entry_names: HashSet<&str> = functions
            .iter()
            .filter(|f| matches!(f.kind, FnKind::Entry(_)))
            .filter_map(|f| f.qualified.rsplit('.').next())
            .collect();
        for (function, span) in doc_assignments {
            let is_entry = entry_names.contains(function.as_str());
            if let Some(value) = node_at(span)
                .filter(|n| is_entry && n.k() == K::Assignment)
                .and_then(|n| n.field(F::Right))
            {
                descriptions.extend(text_of(
                    value,
                    src,
                    &[&module_constants],
                    function,
                    TextKind::Runtime,
                ));
            }
        }
        let (imported, descriptions): (Vec<Description>, Vec<Description>) =
            descriptions.into_iter().partition(|d| d.imported.is_some());
        Module {
            descriptions,
            functions,
            imported_texts: imported
                .into_iter()
                .filter_map(|d| {
                    let imported = d.imported?;
                    let name = imported_name(&imported.written, &ir.imports)?;
                    Some(ImportedText {
                        owner: d.owner,
                        tool_line: 0,
                        start_byte: imported.start_byte,
                        kind: d.kind,
                        name,
                        key: imported.key,
                    })
                })
                .collect(),
            text_constants: text_constants(&module_constants, src),
        }
    }
}

/// `NAME` bound by `from m import NAME`, or `m.NAME` after `import m` (or `from . import m`),
/// named as calls name other modules' functions: `m.NAME`.
fn imported_name(written: &str, imports: &[crate::analyze::ir::Import]) -> Option<String> {
    let (head, rest) = match written.split_once('.') {
        Some((head, rest)) => (head, Some(rest)),
        None => (written, None),
    };
    let import = imports.iter().rev().find(|i| i.local == head)?;
    let module = match import.member.as_deref() {
        Some("*") => return None,
        // `from m import NAME`: the constant itself, or a module (`from . import docs`).
        Some(member) if import.module.ends_with('.') => format!("{}{member}", import.module),
        Some(member) => format!("{}.{member}", import.module),
        None => import.module.clone(),
    };
    match rest {
        Some(rest) => Some(format!("{module}.{rest}")),
        None if import.member.is_some() => Some(module),
        // `import m` then `description=m`: a module, not a text.
        None => None,
    }
}

struct Facts<'t, 'c> {
    constants: &'c Constants<'t>,
    functions: Vec<Node<'t>>,
    /// Functions registered as tools by call (`mcp.add_tool(fn)`, `Tool.from_function(fn)`,
    /// `mcp.tool(name="x")(fn)`), with the name given there.
    registered: Vec<(String, Option<String>)>,
    /// Functions whose docstring the registering call replaces with its `description=`.
    replaced: HashSet<String>,
    /// Texts of low-level declarations (`Tool(name="x", description="...")`) and of the
    /// server (`FastMCP(instructions="...")`).
    texts: Vec<Description>,
}

impl<'t> Facts<'t, '_> {
    fn visit_call(&mut self, node: Node<'t>, src: &str) {
        self.declared_description(node, src);
        // `mcp.add_tool(fn)` and `Tool.from_function(fn)` make `fn` a tool, as does the
        // decorator applied by hand (`mcp.tool(name="x")(fn)`).
        let function = node.field(F::Function);
        let attribute = |f: Node<'t>| {
            Some(f)
                .filter(|f| f.k() == K::Attribute)
                .and_then(|f| f.field(F::Attribute))
                .map(|a| text(a, src))
        };
        let curried = function.filter(|f| f.k() == K::Call).filter(|f| {
            f.field(F::Function)
                .and_then(attribute)
                .is_some_and(|a| a == "tool")
        });
        let registers = function
            .and_then(attribute)
            .is_some_and(|a| matches!(a, "add_tool" | "from_function"))
            || curried.is_some();
        if registers
            && let Some(first) = node.field(F::Arguments).and_then(|a| a.named_child(0))
            && first.k() == K::Identifier
        {
            let name = [curried, Some(node)]
                .into_iter()
                .flatten()
                .filter_map(|call| call.field(F::Arguments))
                .find_map(|args| keyword_value(args, "name", src))
                .and_then(|v| constant_string(v, src, self.constants));
            let function = text(first, src).to_string();
            // `mcp.add_tool(fn, description="...")`: what the client sends instead of the
            // docstring, and the title beside it.
            for args in [curried, Some(node)]
                .into_iter()
                .flatten()
                .filter_map(|call| call.field(F::Arguments))
            {
                if let Some(value) = keyword_value(args, "description", src) {
                    self.replaced.insert(function.clone());
                    self.read(value, src, function.clone(), TextKind::Description);
                }
                for title in titles(args, src) {
                    self.read(title, src, function.clone(), TextKind::Title);
                }
            }
            self.registered.push((function, name));
        }
    }

    /// Reads `node` as a text the client shows the model.
    fn read(&mut self, node: Node<'t>, src: &str, owner: String, kind: TextKind) {
        self.texts
            .extend(text_of(node, src, &[self.constants], owner, kind));
    }

    /// `types.Tool(name="x", description="...")` and the like in low-level servers, and the
    /// `instructions=` of a server.
    fn declared_description(&mut self, call: Node<'t>, src: &str) {
        let Some(function) = call.field(F::Function) else {
            return;
        };
        let callee = text(function, src);
        let last = callee.rsplit('.').next().unwrap_or(callee);
        let Some(arguments) = call.field(F::Arguments) else {
            return;
        };
        let (owner, kind, keyword) = match last {
            "Tool" | "Prompt" | "Resource" | "ResourceTemplate" => {
                let given = keyword_value(arguments, "name", src);
                let owner = match given.map(|v| (v, constant_string(v, src, self.constants))) {
                    Some((_, Some(name))) => name,
                    // `name=names.QUERY`: named as written until the scan reads `names`.
                    Some((v, None)) if matches!(v.k(), K::Identifier | K::Attribute) => {
                        let written = text(v, src).to_string();
                        self.read(v, src, written.clone(), TextKind::Name);
                        written
                    }
                    _ => last.to_string(),
                };
                (owner, TextKind::Description, "description")
            }
            "FastMCP" | "Server" | "MCPServer" => {
                ("server".to_string(), TextKind::Instructions, "instructions")
            }
            // `TextResource(uri=..., text="...")`: the text is what reading the resource
            // returns to the model.
            "TextResource" => {
                let owner = ["name", "uri"]
                    .into_iter()
                    .find_map(|k| keyword_value(arguments, k, src))
                    .filter(|v| v.k() == K::String)
                    .map_or_else(|| last.to_string(), |v| literal_text(text(v, src)));
                if let Some(value) = keyword_value(arguments, "text", src) {
                    self.read(value, src, owner.clone(), TextKind::Output);
                }
                (owner, TextKind::Description, "description")
            }
            _ => return,
        };
        if kind == TextKind::Description {
            for title in titles(arguments, src) {
                self.read(title, src, owner.clone(), TextKind::Title);
            }
        }
        if let Some(value) = keyword_value(arguments, keyword, src) {
            self.read(value, src, owner, kind);
        }
    }

    /// Tools declared as dicts (`{"name": "x", "description": "...", "inputSchema": {...}}`),
    /// as low-level servers list them.
    fn declared_dicts(
        &mut self,
        src: &str,
        ir: &crate::analyze::ir::Module,
        node_at: &dyn Fn(crate::analyze::Span) -> Option<Node<'t>>,
    ) {
        use crate::analyze::ir::{ExprKind, walk};
        let key_of = |k: &Option<crate::analyze::ir::Expr>| match k.as_ref().map(|k| &k.kind) {
            Some(ExprKind::Str(s)) => Some(s.clone()),
            _ => None,
        };
        let mut dicts = Vec::new();
        for f in &ir.functions {
            walk::walk_stmts(&f.body, &mut |stmt| {
                walk::stmt_exprs(stmt, &mut |e| {
                    if let ExprKind::Dict(pairs) = &e.kind {
                        let keys: Vec<String> =
                            pairs.iter().filter_map(|(k, _)| key_of(k)).collect();
                        let has = |k: &str| keys.iter().any(|x| x == k);
                        if has("name")
                            && has("description")
                            && (has("inputSchema") || has("input_schema"))
                        {
                            dicts.push(e.span);
                        }
                    }
                });
            });
        }
        for span in dicts {
            let Some(dict) = node_at(span).filter(|n| n.k() == K::Dictionary) else {
                continue;
            };
            let mut owner = None;
            let mut description = None;
            let mut cursor = dict.walk();
            for pair in dict
                .named_children(&mut cursor)
                .filter(|p| p.k() == K::Pair)
            {
                let (Some(key), Some(value)) = (pair.field(F::Key), pair.field(F::Value)) else {
                    continue;
                };
                match literal_text(text(key, src)).as_str() {
                    "name" => owner = constant_string(value, src, self.constants),
                    "description" => description = Some(value),
                    _ => {}
                }
            }
            if let Some(value) = description {
                self.read(
                    value,
                    src,
                    owner.unwrap_or_else(|| "tool".to_string()),
                    TextKind::Description,
                );
            }
        }
    }
}

fn function_def<'t>(
    node: Node<'t>,
    src: &str,
    registered: &HashMap<&str, Option<&str>>,
    constants: &Constants<'_>,
) -> (FunctionDef, Option<Node<'t>>) {
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
    let mut name_elsewhere = None;
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
                let given = (expr.k() == K::Call)
                    .then(|| expr.field(F::Arguments))
                    .flatten()
                    .and_then(|args| keyword_value(args, "name", src));
                registered_as = given.and_then(|v| constant_string(v, src, constants));
                // `name=TOOL_NAME` imported from another module: the scan reads it there.
                name_elsewhere = given.filter(|v| {
                    registered_as.is_none() && matches!(v.k(), K::Identifier | K::Attribute)
                });
            }
        }
    }
    if entry.is_none()
        && outer.is_none()
        && let Some(given) = registered.get(name.as_str())
    {
        entry = Some(EntryKind::Tool);
        registered_as = given.map(str::to_string);
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
    let def = FunctionDef {
        qualified,
        start_byte: node.start_byte(),
        params,
        kind,
        registered: registered_as,
    };
    (def, name_elsewhere)
}

/// The description the client shows for an entry point: the `description=` of its decorator
/// (or, `replaced`, of the call that registered it), or else its docstring (the framework uses
/// the docstring only without one).
fn entry_descriptions(
    node: Node<'_>,
    owner: &str,
    src: &str,
    scopes: &[&Constants<'_>],
    replaced: bool,
) -> Vec<Description> {
    let mut out = Vec::new();
    let mut described = replaced;
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
            let Some(arguments) = arguments else {
                continue;
            };
            if let Some(value) = keyword_value(arguments, "description", src) {
                described = true;
                out.extend(text_of(
                    value,
                    src,
                    scopes,
                    owner.to_string(),
                    TextKind::Description,
                ));
            }
            for title in titles(arguments, src) {
                out.extend(text_of(
                    title,
                    src,
                    scopes,
                    owner.to_string(),
                    TextKind::Title,
                ));
            }
        }
    }
    if described {
        return out;
    }
    let docstring = node
        .field(F::Body)
        .and_then(|b| b.named_child(0))
        .filter(|s| s.k() == K::ExpressionStatement)
        .and_then(|s| s.named_child(0))
        .filter(|s| matches!(s.k(), K::String | K::ConcatenatedString));
    if let Some(doc) = docstring {
        out.extend(text_of(
            doc,
            src,
            &[],
            owner.to_string(),
            TextKind::Description,
        ));
    }
    out
}

/// Parameter descriptions of an entry point: `Field(description=...)` as a default or inside
/// `Annotated[...]`, and the plain strings of `Annotated[str, "..."]`.
fn parameter_descriptions(
    node: Node<'_>,
    owner: &str,
    src: &str,
    scopes: &[&Constants<'_>],
) -> Vec<Description> {
    let mut out = Vec::new();
    let Some(parameters) = node.field(F::Parameters) else {
        return out;
    };
    let mut push = |value: Node<'_>| {
        out.extend(text_of(
            value,
            src,
            scopes,
            owner.to_string(),
            TextKind::Parameter,
        ));
    };
    // Bounded: a parameter list is small, a hostile one is cut off.
    let mut stack = vec![parameters];
    let mut budget = 2_000;
    while let Some(n) = stack.pop() {
        budget -= 1;
        if budget == 0 {
            break;
        }
        match n.k() {
            K::Call => {
                let callee = n.field(F::Function).map_or("", |f| text(f, src));
                let last = callee.rsplit('.').next().unwrap_or(callee);
                if matches!(
                    last,
                    "Field" | "Param" | "Query" | "Body" | "Path" | "Argument"
                ) && let Some(value) = n
                    .field(F::Arguments)
                    .and_then(|a| keyword_value(a, "description", src))
                {
                    push(value);
                }
                continue;
            }
            // `Annotated[int, "text"]`: a generic type whose parameters after the first are
            // metadata (each wrapped in a `type` node).
            K::GenericType
                if n.named_child(0)
                    .is_some_and(|name| text(name, src).ends_with("Annotated")) =>
            {
                let mut cursor = n.walk();
                let metadata: Vec<Node<'_>> = n
                    .named_children(&mut cursor)
                    .filter(|c| c.k() == K::TypeParameter)
                    .flat_map(|p| {
                        let mut cursor = p.walk();
                        p.named_children(&mut cursor).skip(1).collect::<Vec<_>>()
                    })
                    .map(|t| {
                        if t.k() == K::Type {
                            t.named_child(0).unwrap_or(t)
                        } else {
                            t
                        }
                    })
                    .collect();
                for part in metadata {
                    if matches!(part.k(), K::String | K::ConcatenatedString) {
                        push(part);
                    }
                }
            }
            _ => {}
        }
        let mut cursor = n.walk();
        stack.extend(n.named_children(&mut cursor));
    }
    out
}

/// Literal text a tool returns: the value itself, the elements of a returned list, and the
/// `text=` of a content object (`TextContent(type="text", text="...")`).
fn output_texts(
    value: Node<'_>,
    owner: &str,
    src: &str,
    scopes: &[&Constants<'_>],
) -> Vec<Description> {
    let mut parts = vec![value];
    if matches!(value.k(), K::List | K::Tuple) {
        let mut cursor = value.walk();
        parts = value.named_children(&mut cursor).collect();
    }
    let mut out = Vec::new();
    for part in parts {
        let part = if part.k() == K::Call {
            match part
                .field(F::Arguments)
                .and_then(|a| keyword_value(a, "text", src))
            {
                Some(text) => text,
                None => part,
            }
        } else {
            part
        };
        out.extend(text_of(
            part,
            src,
            scopes,
            owner.to_string(),
            TextKind::Output,
        ));
    }
    out
}

/// The titles among a registration's arguments: `title=`, and the `title` of
/// `annotations=ToolAnnotations(...)` or of an `annotations={...}` dict.
fn titles<'t>(arguments: Node<'t>, src: &str) -> Vec<Node<'t>> {
    let mut out: Vec<Node<'t>> = keyword_value(arguments, "title", src).into_iter().collect();
    match keyword_value(arguments, "annotations", src) {
        Some(call) if call.k() == K::Call => {
            out.extend(
                call.field(F::Arguments)
                    .and_then(|a| keyword_value(a, "title", src)),
            );
        }
        Some(dict) if dict.k() == K::Dictionary => {
            let mut cursor = dict.walk();
            out.extend(
                dict.named_children(&mut cursor)
                    .filter(|p| p.k() == K::Pair)
                    .filter(|p| {
                        p.field(F::Key)
                            .is_some_and(|k| literal_text(text(k, src)) == "title")
                    })
                    .filter_map(|p| p.field(F::Value)),
            );
        }
        _ => {}
    }
    out
}

/// The text of a plain string literal (`"x"`, `'x'`, `r"x"`), without prefix and quotes.
fn literal_text(literal: &str) -> String {
    let body = literal.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    body.trim_matches(|c| c == '"' || c == '\'').to_string()
}

/// The value passed as keyword `name` among `arguments`.
fn keyword_value<'t>(arguments: Node<'t>, name: &str, src: &str) -> Option<Node<'t>> {
    let mut cursor = arguments.walk();
    let value = arguments
        .named_children(&mut cursor)
        .filter(|a| a.k() == K::KeywordArgument)
        .find(|a| a.field(F::Name).is_some_and(|n| text(n, src) == name))
        .and_then(|a| a.field(F::Value))?;
    Some(value)
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
