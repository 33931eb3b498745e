//! What a Python module binds: imports (with aliases and star imports), assignment aliases,
//! names that shadow builtins, module constants, and its functions with their parameters and
//! MCP entry-point decorators. One iterative walk over the tree collects all of it.
//!
//! Resolution is flow-insensitive within a file: an import anywhere in the file binds its name
//! everywhere. That is what a reader assumes, and it keeps the pass linear.

use super::grammar::{F, K, NodeExt, field_id};
use crate::analyze::source::{Description, EntryKind, FnKind};
use crate::rules::{Language, RuleSet};
use std::collections::{HashMap, HashSet};
use tree_sitter::Node;

/// Deeper constant expressions than this are treated as dynamic rather than walked.
const MAX_CONSTANT_DEPTH: usize = 32;

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

/// The names of one module, resolved.
pub(super) struct Names {
    /// Variables holding an instance of a class of this file (`srv = ShellServer()`), so that
    /// `srv.run(x)` is followed into `ShellServer.run`.
    pub instances: HashMap<String, String>,
    pub bindings: HashMap<String, String>,
    pub shadowed: HashSet<String>,
    pub star_modules: Vec<String>,
    /// Module-level names only ever assigned constants (`NOTES_DIR = "/srv/notes"`), with
    /// the source text of the (last) constant.
    pub constants: HashMap<String, String>,
}

/// A parameter of a function and what its declaration says about trust.
pub(super) struct Param {
    pub name: String,
    /// `self`/`cls` of a method: the object, not caller input.
    pub receiver: bool,
    /// Injected by the framework (`ctx: Context`), never chosen by the model.
    pub injected: bool,
    /// Declared as a number, boolean or literal choice: cannot carry an injection.
    pub harmless_type: bool,
    /// Declared as a number: harmless as text, but a size or count the caller picks.
    pub numeric: bool,
    /// `*args` (collects extra positionals) or `**kwargs` (collects extra keywords).
    pub variadic: Option<Variadic>,
    /// Where the parameter's name is, for the trace of a finding it reaches.
    pub span: crate::analyze::Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Variadic {
    Positional,
    Keyword,
}

pub(super) struct FunctionDef {
    /// `name`, `Class.name` or `outer.name`.
    pub qualified: String,
    /// Where the `def` starts.
    pub start_byte: usize,
    pub class: Option<String>,
    pub params: Vec<Param>,
    pub kind: FnKind,
}

/// The statements of one function body (or of module-level code) that the taint pass reads.
#[derive(Default)]
pub(super) struct Body<'t> {
    pub bindings: Vec<Node<'t>>,
    pub calls: Vec<Node<'t>>,
    pub returns: Vec<Node<'t>>,
    /// Comparisons (`x in ALLOWED`), the guards that are not calls.
    pub checks: Vec<Node<'t>>,
}

/// Everything the taint pass needs to know about a module.
pub(super) struct Module<'t> {
    /// Descriptions of tools, prompts and resources, for the poisoning rules.
    pub descriptions: Vec<Description>,
    pub names: Names,
    pub functions: Vec<FunctionDef>,
    /// `bodies[i]` belongs to `functions[i]`.
    pub bodies: Vec<Body<'t>>,
    pub module_body: Body<'t>,
}

/// Whose statements the walk is in: a function, module-level code, or a place whose
/// statements belong to nobody (class bodies, decorators).
#[derive(Clone, Copy)]
enum Frame {
    Function(usize),
    Module,
    Detached,
}

impl<'t> Module<'t> {
    /// One walk over the tree: names, functions, and each function's statements.
    pub fn collect(root: Node<'t>, src: &str) -> Module<'t> {
        let mut facts = Facts::default();
        let mut bodies: Vec<Body<'t>> = Vec::new();
        let mut module_body = Body::default();
        // (depth, frame): the frame of the innermost enclosing function, class or decorator.
        let mut frames: Vec<(u32, Frame)> = Vec::new();
        // Iterative pre-order walk: deeply nested input must not overflow the stack. The depth
        // is tracked here because `TreeCursor::depth` counts ancestors on every call.
        let mut cursor = root.walk();
        let mut depth: u32 = 0;
        'walk: loop {
            let node = cursor.node();
            while frames.last().is_some_and(|(d, _)| *d >= depth) {
                frames.pop();
            }
            let frame = frames.last().map_or(Frame::Module, |(_, f)| *f);
            let kind = node.k();
            match kind {
                K::FunctionDefinition => {
                    frames.push((depth, Frame::Function(facts.functions.len())));
                    bodies.push(Body::default());
                }
                K::ClassDefinition | K::Decorator => frames.push((depth, Frame::Detached)),
                _ => {
                    let body = match frame {
                        Frame::Function(i) => bodies.get_mut(i),
                        Frame::Module => Some(&mut module_body),
                        Frame::Detached => None,
                    };
                    if let Some(body) = body {
                        match kind {
                            // A comprehension's variable is read in its body before the walk
                            // reaches its `for` clause: bind the clause before the statement
                            // that holds it, so one fixpoint round sees the variable set.
                            K::ForInClause => {
                                let range = node.byte_range();
                                let holder = body.bindings.iter().rposition(|b| {
                                    b.start_byte() <= range.start && range.end <= b.end_byte()
                                });
                                match holder {
                                    Some(i) => body.bindings.insert(i, node),
                                    None => body.bindings.push(node),
                                }
                            }
                            K::Assignment
                            | K::AugmentedAssignment
                            | K::ForStatement
                            | K::NamedExpression
                            | K::AsPattern => body.bindings.push(node),
                            K::Call => {
                                body.calls.push(node);
                                body.bindings.push(node);
                            }
                            K::ReturnStatement => body.returns.push(node),
                            K::ComparisonOperator => body.checks.push(node),
                            _ => {}
                        }
                    }
                }
            }
            // module > expression_statement > assignment
            let module_level = depth == 2 && matches!(frame, Frame::Module);
            facts.visit(node, kind, module_level, src);
            // A string without an `f` prefix holds no expressions: nothing below it matters.
            let opaque = kind == K::String && !is_fstring(node, src);
            if !opaque && cursor.goto_first_child() {
                depth += 1;
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    break 'walk;
                }
                depth = depth.saturating_sub(1);
            }
        }
        let names = facts.resolve(src);
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
            names,
            functions,
            bodies,
            module_body,
        }
    }
}

#[derive(Default)]
struct Facts<'t> {
    imports: HashMap<String, String>,
    star_modules: Vec<String>,
    defined: HashSet<String>,
    /// `name = <expr>` anywhere, to find aliases such as `run = subprocess.run`.
    assignments: Vec<(String, Node<'t>)>,
    /// Module-level `name = <expr>`, to find constants.
    module_assignments: Vec<(String, Node<'t>)>,
    functions: Vec<Node<'t>>,
    /// Functions registered as tools by call (`mcp.add_tool(fn)`, `Tool.from_function(fn)`).
    registered: Vec<String>,
    classes: HashSet<String>,
    /// Descriptions in low-level declarations: `Tool(name="x", description="...")`.
    declared_descriptions: Vec<Description>,
}

impl<'t> Facts<'t> {
    fn visit(&mut self, node: Node<'t>, kind: K, module_level: bool, src: &str) {
        match kind {
            K::ImportStatement => {
                let mut cursor = node.walk();
                for child in node.named_children(&mut cursor) {
                    match child.k() {
                        // `import a.b.c` binds `a`, through which `a.b.c.f` is reached.
                        K::DottedName => {
                            let full = text(child, src);
                            let head = full.split('.').next().unwrap_or(full);
                            self.imports.insert(head.to_string(), head.to_string());
                        }
                        K::AliasedImport => {
                            if let (Some(name), Some(alias)) =
                                (child.field(F::Name), child.field(F::Alias))
                            {
                                self.imports
                                    .insert(text(alias, src).to_string(), squeeze(text(name, src)));
                            }
                        }
                        _ => {}
                    }
                }
            }
            K::ImportFromStatement => self.visit_from_import(node, src),
            K::FunctionDefinition => {
                self.functions.push(node);
                if let Some(name) = node.field(F::Name) {
                    self.defined.insert(text(name, src).to_string());
                }
            }
            K::ClassDefinition => {
                if let Some(name) = node.field(F::Name) {
                    self.defined.insert(text(name, src).to_string());
                    self.classes.insert(text(name, src).to_string());
                }
            }
            K::Assignment => {
                if let (Some(left), Some(right)) = (node.field(F::Left), node.field(F::Right))
                    && left.k() == K::Identifier
                {
                    let name = text(left, src).to_string();
                    if module_level {
                        self.module_assignments.push((name.clone(), right));
                    }
                    self.assignments.push((name, right));
                }
            }
            K::Call => {
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
            _ => {}
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

    fn visit_from_import(&mut self, node: Node<'t>, src: &str) {
        let Some(module) = node.field(F::ModuleName) else {
            return;
        };
        // A relative import (`from .tools import run`) names this package's own modules: it
        // keeps its leading dots (`.tools.run`), which no rule names, and the cross-file pass
        // resolves them against the importing file's package.
        let module = squeeze(text(module, src));
        let mut cursor = node.walk();
        let Some(name_field) = field_id(F::Name) else {
            return;
        };
        for child in node.children_by_field_id(name_field, &mut cursor) {
            match child.k() {
                K::DottedName => {
                    let name = squeeze(text(child, src));
                    self.imports.insert(name.clone(), qualify(&module, &name));
                }
                K::AliasedImport => {
                    if let (Some(name), Some(alias)) = (child.field(F::Name), child.field(F::Alias))
                    {
                        let name = squeeze(text(name, src));
                        self.imports
                            .insert(text(alias, src).to_string(), qualify(&module, &name));
                    }
                }
                _ => {}
            }
        }
        let mut cursor = node.walk();
        if node
            .named_children(&mut cursor)
            .any(|c| c.k() == K::WildcardImport)
            && !module.starts_with('.')
        {
            self.star_modules.push(module);
        }
    }

    fn resolve(&self, src: &str) -> Names {
        let mut instances = HashMap::new();
        for (name, right) in &self.assignments {
            if right.k() == K::Call
                && let Some(class) = right.field(F::Function)
                && class.k() == K::Identifier
                && self.classes.contains(text(class, src))
            {
                instances.insert(name.clone(), text(class, src).to_string());
            }
        }
        let mut names = Names {
            instances,
            bindings: self.imports.clone(),
            shadowed: self.defined.clone(),
            star_modules: self.star_modules.clone(),
            constants: HashMap::new(),
        };
        // `run = subprocess.run` makes `run` an alias; any other assignment shadows the name.
        for (name, right) in &self.assignments {
            match names.resolve_through_imports(*right, src) {
                Some(canonical) => {
                    names.bindings.insert(name.clone(), canonical);
                }
                None => {
                    if !names.bindings.contains_key(name) {
                        names.shadowed.insert(name.clone());
                    }
                }
            }
        }
        let mut not_constant = HashSet::new();
        for (name, right) in &self.module_assignments {
            if constant_truth(*right, src, 0).is_some() {
                names
                    .constants
                    .insert(name.clone(), text(*right, src).to_string());
            } else {
                not_constant.insert(name.clone());
            }
        }
        // A name assigned anything else anywhere in the file is not a constant.
        for (name, right) in &self.assignments {
            if constant_truth(*right, src, 0).is_none() {
                not_constant.insert(name.clone());
            }
        }
        names.constants.retain(|n, _| !not_constant.contains(n));
        names
    }
}

impl Names {
    /// `a.b.c` whose head `a` is bound by an import, as a canonical dotted name.
    pub fn resolve_through_imports(&self, node: Node<'_>, src: &str) -> Option<String> {
        let segments = dotted_segments(node, src)?;
        let (head, rest) = segments.split_first()?;
        let base = self.bindings.get(*head)?;
        Some(join(base, rest))
    }

    /// The canonical name of a callee expression: through imports, or a bare builtin name;
    /// `None` for calls on local objects and for functions defined in this file.
    pub fn callee(&self, node: Node<'_>, src: &str, rules: &RuleSet) -> Option<String> {
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
        class,
        params,
        kind,
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
        let variadic = match name_node.k() {
            K::ListSplatPattern => Some(Variadic::Positional),
            K::DictionarySplatPattern => Some(Variadic::Keyword),
            _ => match p.k() {
                K::ListSplatPattern => Some(Variadic::Positional),
                K::DictionarySplatPattern => Some(Variadic::Keyword),
                _ => None,
            },
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
            harmless_type: harmless_type(&annotation),
            numeric: harmless_type(&annotation) && numeric_type(&annotation),
            variadic,
            span: {
                let (start, end) = (name_node.start_position(), name_node.end_position());
                crate::analyze::Span {
                    start_row: start.row,
                    start_byte_col: start.column,
                    end_row: end.row,
                    end_byte_col: end.column,
                }
            },
            name,
        });
    }
    out
}

/// `int`, `float`, `bool`, `Literal[...]`, also inside `Optional[...]`, `Annotated[...]` or
/// `X | None`: values that cannot carry shell, path or code text.
fn harmless_type(annotation: &str) -> bool {
    let mut t = annotation;
    for wrapper in ["typing.", "Optional[", "Annotated[", "typing."] {
        t = t.strip_prefix(wrapper).unwrap_or(t);
    }
    if t.starts_with("Literal[") {
        return true;
    }
    let first = t.split(['|', ',', ']']).next().unwrap_or("");
    let rest_is_none = t
        .split('|')
        .skip(1)
        .all(|part| part.trim_end_matches(']') == "None");
    matches!(first, "int" | "float" | "bool" | "complex") && rest_is_none
}

/// `int`, `float`, `complex` (possibly optional): a quantity, unlike `bool` or a `Literal`.
fn numeric_type(annotation: &str) -> bool {
    let t = annotation
        .trim_start_matches("typing.")
        .trim_start_matches("Optional[")
        .trim_start_matches("Annotated[");
    ["int", "float", "complex"].iter().any(|n| {
        t.strip_prefix(n)
            .is_some_and(|rest| !rest.starts_with(|c: char| c.is_alphanumeric() || c == '_'))
    })
}

/// True for `f"..."`, `rf'...'` and friends: strings that can embed expressions.
fn is_fstring(node: Node<'_>, src: &str) -> bool {
    let head = src.get(node.start_byte()..).unwrap_or("");
    head.bytes()
        .take_while(|b| b.is_ascii_alphabetic())
        .any(|b| b == b'f' || b == b'F')
}

/// `a.b.c` as `["a", "b", "c"]`; `None` when the chain starts with a call, subscript, etc.
pub(super) fn dotted_segments<'s>(node: Node<'_>, src: &'s str) -> Option<Vec<&'s str>> {
    let mut segments = Vec::new();
    let mut node = node;
    loop {
        match node.k() {
            K::Identifier => {
                segments.push(text(node, src));
                segments.reverse();
                return Some(segments);
            }
            K::Attribute => {
                segments.push(text(node.field(F::Attribute)?, src));
                node = node.field(F::Object)?;
            }
            _ => return None,
        }
    }
}

/// Whether `node` is a constant expression and, if so, whether it is truthy.
pub(super) fn constant_truth(node: Node<'_>, src: &str, depth: usize) -> Option<bool> {
    if depth > MAX_CONSTANT_DEPTH {
        return None;
    }
    let mut cursor = node.walk();
    match node.k() {
        K::True => Some(true),
        K::False | K::None => Some(false),
        K::Integer | K::Float => {
            let t = text(node, src);
            Some(
                t.trim_start_matches(['0', '.', '_'])
                    .chars()
                    .any(|c| c.is_ascii_digit() && c != '0'),
            )
        }
        K::String => {
            let mut truthy = false;
            for child in node.named_children(&mut cursor) {
                match child.k() {
                    K::Interpolation => return None,
                    K::StringContent | K::EscapeSequence => truthy = true,
                    _ => {}
                }
            }
            Some(truthy)
        }
        K::ConcatenatedString => {
            let mut truthy = false;
            for child in node.named_children(&mut cursor) {
                truthy |= constant_truth(child, src, depth + 1)?;
            }
            Some(truthy)
        }
        K::ParenthesizedExpression => constant_truth(node.named_child(0)?, src, depth + 1),
        K::UnaryOperator => constant_truth(node.field(F::Argument)?, src, depth + 1),
        K::BinaryOperator => {
            let left = constant_truth(node.field(F::Left)?, src, depth + 1)?;
            let right = constant_truth(node.field(F::Right)?, src, depth + 1)?;
            Some(left || right)
        }
        K::Tuple | K::List => {
            let mut count = 0;
            for child in node.named_children(&mut cursor) {
                if child.k() == K::Comment {
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

pub(super) fn text<'s>(node: Node<'_>, src: &'s str) -> &'s str {
    src.get(node.byte_range()).unwrap_or("")
}

/// A dotted name with the whitespace that Python allows inside it removed.
pub(super) fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// `module.name`; `.` + `x` is `.x` (a relative import of the current package).
fn qualify(module: &str, name: &str) -> String {
    if module.ends_with('.') {
        format!("{module}{name}")
    } else {
        format!("{module}.{name}")
    }
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
    use super::harmless_type;

    #[test]
    fn harmless_types() {
        for t in [
            "int",
            "float",
            "bool",
            "Optional[int]",
            "int|None",
            "Literal['a','b']",
            "Annotated[int,Field(ge=0)]",
        ] {
            assert!(harmless_type(t), "{t}");
        }
        for t in ["str", "", "list[int]", "int|str", "Path", "dict"] {
            assert!(!harmless_type(t), "{t}");
        }
    }
}
