//! Names in one module: what an import binds, which function a call reaches (module
//! functions, methods through `self`/`this`, instances and class names, inherited methods),
//! the canonical name of a library callee, and the MCP entry points.

use crate::analyze::Span;
use crate::analyze::ir::{Expr, ExprKind, FuncId, Module, ParamKind, Stmt};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Methods that register a web route (Express, Fastify, Koa routers, Hono; FastAPI and
/// Flask decorators) when their first argument is a path: the handler's request is chosen by
/// whoever can reach the server.
const ROUTE_METHODS: [&str; 11] = [
    "get",
    "post",
    "put",
    "delete",
    "patch",
    "all",
    "head",
    "options",
    "route",
    "api_route",
    // FastMCP's `@mcp.custom_route("/oauth/callback", methods=["GET"])`.
    "custom_route",
];

/// Handler parameters a route's framework fills with its own objects, not with input.
const RESPONSE_PARAMS: [&str; 5] = ["res", "reply", "response", "next", "h"];

/// Method names that builtin values and library objects commonly have: a call of one on an
/// object of unknown class is not taken for the module's own method of that name.
const COMMON_METHODS: &[&str] = &[
    "add",
    "append",
    "apply",
    "bind",
    "call",
    "catch",
    "clear",
    "close",
    "commit",
    "connect",
    "constructor",
    "cursor",
    "debug",
    "decode",
    "delete",
    "emit",
    "encode",
    "end",
    "entries",
    "error",
    "execute",
    "exists",
    "extend",
    "fetch",
    "fetchall",
    "fetchone",
    "filter",
    "finally",
    "find",
    "forEach",
    "format",
    "get",
    "has",
    "includes",
    "info",
    "insert",
    "items",
    "join",
    "json",
    "keys",
    "log",
    "map",
    "next",
    "on",
    "once",
    "open",
    "pop",
    "post",
    "push",
    "put",
    "query",
    "read",
    "reduce",
    "remove",
    "replace",
    "request",
    "run",
    "send",
    "set",
    "slice",
    "some",
    "sort",
    "split",
    "start",
    "stop",
    "strip",
    "test",
    "text",
    "then",
    "toString",
    "update",
    "valueOf",
    "values",
    "warn",
    "write",
    "__init__",
    "__call__",
    "__enter__",
    "__exit__",
    "handler",
    "handle",
    "invoke",
    "load",
    "init",
    "create",
    "process",
    "main",
    "callback",
];

/// An object a class keeps in a field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldObject {
    /// Of a class of this module.
    Local(usize),
    /// Of another module's class (or what its function makes): (module, member).
    Imported(String, String),
}

/// `self.editor = TextEditor()`, `this.client = new Client(key)` in any method of each class:
/// what each field is made by, when every assignment to it is such a call and they agree.
fn field_objects(module: &Module, names: &Names) -> HashMap<(usize, String), Option<FieldObject>> {
    let mut out: HashMap<(usize, String), Option<FieldObject>> = HashMap::new();
    for (class_id, class) in module.classes.iter().enumerate() {
        for &m in &class.methods {
            let Some(f) = module.functions.get(m) else {
                continue;
            };
            crate::analyze::ir::walk::walk_stmts(&f.body, &mut |stmt| {
                let Stmt::Assign { targets, value, .. } = stmt else {
                    return;
                };
                for target in targets {
                    let crate::analyze::ir::Target::Attr(holder, field, _) = target else {
                        continue;
                    };
                    if !matches!(&holder.kind, ExprKind::Name(h) if h == "self" || h == "this") {
                        continue;
                    }
                    let made = match &value.kind {
                        ExprKind::Call { callee, .. } => match &callee.kind {
                            ExprKind::Name(n) if names.classes.contains_key(n) => {
                                names.classes.get(n).map(|&c| FieldObject::Local(c))
                            }
                            _ => names
                                .imported(callee)
                                .map(|(module, member)| FieldObject::Imported(module, member)),
                        },
                        _ => None,
                    };
                    out.entry((class_id, field.clone()))
                        .and_modify(|slot| {
                            if *slot != made {
                                *slot = None;
                            }
                        })
                        .or_insert(made);
                }
            });
        }
    }
    out
}

/// Whether builtin values and library objects commonly have a method of this name.
pub fn is_common_method(name: &str) -> bool {
    COMMON_METHODS.contains(&name)
}

/// Each method name with its function when exactly one class of the module defines it.
fn sole_methods(module: &Module) -> HashMap<String, Option<FuncId>> {
    let mut by_name: HashMap<String, Option<FuncId>> = HashMap::new();
    for class in &module.classes {
        for &m in &class.methods {
            let Some(f) = module.functions.get(m) else {
                continue;
            };
            by_name
                .entry(f.name.clone())
                .and_modify(|slot| *slot = None)
                .or_insert(Some(m));
        }
    }
    by_name
}

/// How deep a base-class chain is followed.
const MAX_BASES: usize = 16;

pub(super) struct Names {
    /// Local name -> (module, member).
    imports: HashMap<String, (String, Option<String>)>,
    /// Module-level names bound to a library value (`const execAsync = promisify(exec)`,
    /// `run = subprocess.run`) -> its canonical name.
    aliases: HashMap<String, String>,
    /// Module-level function names and qualified names -> function.
    functions: HashMap<String, FuncId>,
    classes: HashMap<String, usize>,
    /// Module-level dispatch tables (`HANDLERS = {"read": handle_read}`) -> the handlers.
    tables: HashMap<String, Vec<Expr>>,
    /// Module-level zod object schemas -> the fields that cannot carry text.
    schemas: HashMap<String, BTreeSet<String>>,
    /// Module-level instances of the module's classes (`TOOLS = Tools()`).
    instances: HashMap<String, usize>,
    /// Module-level object literals' functions (`const getData = { handler: async (p) =>
    /// ... }`): object -> property -> function.
    objects: HashMap<String, HashMap<String, FuncId>>,
    /// Methods by name, when one class of the module alone defines that name.
    sole_methods: HashMap<String, Option<FuncId>>,
    /// Module-level objects of another module's classes (`editor = TextEditor()` after
    /// `from .editor import TextEditor`) -> (module, class).
    imported_instances: HashMap<String, (String, String)>,
    /// What the methods of a class store in its object's fields (`self.editor =
    /// TextEditor()` in `__init__`): (class, field) -> the object, when every such
    /// assignment agrees.
    field_objects: HashMap<(usize, String), Option<FieldObject>>,
    /// Module-level names only ever assigned literals (`ROOT = "/srv/data"`) -> where the
    /// value is written (rules read a constant's text as `ROOT = "/srv/data"`).
    constants: HashMap<String, crate::analyze::Span>,
    /// Options are properties of an object argument (JavaScript).
    pub options_objects: bool,
}

impl Names {
    pub fn new(module: &Module) -> Names {
        let imports = module
            .imports
            .iter()
            .map(|i| (i.local.clone(), (module_name(&i.module), i.member.clone())))
            .collect();
        let mut functions = HashMap::new();
        for (id, f) in module.functions.iter().enumerate().skip(1) {
            // A method of an object literal is reached through its object, not by name:
            // `fetch(url)` inside `{ fetch(req) {...} }` is the global `fetch`.
            if f.in_object {
                continue;
            }
            functions.entry(f.qualified.clone()).or_insert(id);
            if f.parent == Some(0) && f.class.is_none() {
                functions.entry(f.name.clone()).or_insert(id);
            }
        }
        let classes = module
            .classes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.name.clone(), i))
            .collect();
        let mut names = Names {
            imports,
            aliases: HashMap::new(),
            functions,
            classes,
            tables: HashMap::new(),
            schemas: HashMap::new(),
            instances: HashMap::new(),
            objects: HashMap::new(),
            sole_methods: sole_methods(module),
            imported_instances: HashMap::new(),
            field_objects: HashMap::new(),
            constants: HashMap::new(),
            options_objects: module.options_objects,
        };
        // In order, so an alias of an alias resolves.
        let top = module.functions.first().map_or(&[][..], |f| &f.body[..]);
        names.constants = module_constants(top);
        for stmt in top {
            let Stmt::Assign {
                targets,
                value,
                op: None,
                ..
            } = stmt
            else {
                continue;
            };
            let [crate::analyze::ir::Target::Name(local, _)] = targets.as_slice() else {
                continue;
            };
            if let Some(fields) = zod_object(value) {
                let mut not_text = BTreeSet::new();
                collect_not_text(fields, 0, &mut not_text);
                names.schemas.insert(
                    local.clone(),
                    not_text.into_iter().map(str::to_string).collect(),
                );
                continue;
            }
            // `TOOLS = Tools()`, `const client = new Client()`.
            if let ExprKind::Call { callee, .. } = &value.kind
                && let ExprKind::Name(class) = &callee.kind
                && let Some(&id) = names.classes.get(class)
            {
                names.instances.insert(local.clone(), id);
                continue;
            }
            // `editor = TextEditor()` with the class from another module.
            if let ExprKind::Call { callee, .. } = &value.kind
                && let Some(made) = names.imported(callee)
            {
                names.imported_instances.insert(local.clone(), made);
            }
            // `new Map([["read", readNote], ...])`.
            if let Some(handlers) = map_of_handlers(value) {
                names.tables.insert(local.clone(), handlers);
                continue;
            }
            if let ExprKind::Dict(entries) = &value.kind {
                let members: HashMap<String, FuncId> = entries
                    .iter()
                    .filter_map(|(key, v)| match (key.as_ref().map(|k| &k.kind), &v.kind) {
                        (Some(ExprKind::Str(k)), ExprKind::Function(id)) => Some((k.clone(), *id)),
                        // `{ name: "get_data", handler: getData }`.
                        (Some(ExprKind::Str(k)), ExprKind::Name(f)) => {
                            Some((k.clone(), *names.functions.get(f)?))
                        }
                        _ => None,
                    })
                    .collect();
                if !members.is_empty() {
                    names.objects.insert(local.clone(), members);
                }
                let handlers: Vec<Expr> = entries
                    .iter()
                    .filter(|(key, _)| key.is_some())
                    .map(|(_, v)| v)
                    .filter(|v| matches!(v.kind, ExprKind::Name(_) | ExprKind::Attr(..)))
                    .cloned()
                    .collect();
                // A table of handlers: every value names a function.
                if !handlers.is_empty() && handlers.len() == entries.len() {
                    names.tables.insert(local.clone(), handlers);
                }
                continue;
            }
            let aliased = match &value.kind {
                ExprKind::Name(_) | ExprKind::Attr(..) => names.canonical(value),
                ExprKind::Call { callee, args, .. } => {
                    let wraps = names
                        .canonical(callee)
                        .is_some_and(|c| c == "util.promisify" || c == "promisify");
                    match (wraps, args.as_slice()) {
                        (true, [one]) => names.canonical(&one.value),
                        _ => None,
                    }
                }
                _ => None,
            };
            if let Some(name) = aliased
                && !names.functions.contains_key(local)
            {
                names.aliases.insert(local.clone(), name);
            }
        }
        names.field_objects = field_objects(module, &names);
        names
    }

    /// The object of another module's class a module-level name holds.
    pub fn imported_instance(&self, name: &str) -> Option<&(String, String)> {
        self.imported_instances.get(name)
    }

    /// The object the methods of `class` store in its field `field`.
    pub fn field_object(&self, class: usize, field: &str) -> Option<&FieldObject> {
        self.field_objects
            .get(&(class, field.to_string()))?
            .as_ref()
    }

    /// The imported module and member a call names (`extract` after `from .archive import
    /// extract`, `tools.run` after `import * as tools from "./tools.js"`), as written.
    pub fn imported(&self, callee: &Expr) -> Option<(String, String)> {
        match &callee.kind {
            ExprKind::Name(n) => match self.imports.get(n)? {
                (module, Some(member)) if member != "*" => Some((module.clone(), member.clone())),
                _ => None,
            },
            // `tools.run` after `import tools` or `from pkg import tools` (a submodule).
            // `terminal.execute(x)` after `import { terminal } from "./terminal.js"`: a method
            // of an instance that module holds, exported as `terminal.execute`.
            ExprKind::Attr(object, method)
                if self.options_objects
                    && matches!(&object.kind, ExprKind::Name(root)
                        if matches!(self.imports.get(root), Some((_, Some(m))) if m != "*" && m != "default")) =>
            {
                let ExprKind::Name(root) = &object.kind else {
                    return None;
                };
                let (module, member) = self.imports.get(root)?;
                Some((module.clone(), format!("{}.{method}", member.as_deref()?)))
            }
            ExprKind::Attr(..) => {
                let root = super::root_name(callee)?;
                match self.imports.get(root) {
                    Some((_, None)) => {}
                    Some((_, Some(member))) if member != "*" && member != "default" => {}
                    _ => return None,
                }
                let full = self.canonical(callee)?;
                let (module, member) = full.rsplit_once('.')?;
                Some((module.to_string(), member.to_string()))
            }
            _ => None,
        }
    }

    /// The fields of a module-level zod object schema that cannot carry text.
    pub fn schema(&self, name: &str) -> Option<&BTreeSet<String>> {
        self.schemas.get(name)
    }

    /// The handlers of a dispatch table, if `name` is one.
    pub fn table(&self, name: &str) -> Option<&[Expr]> {
        self.tables.get(name).map(Vec::as_slice)
    }

    /// The module-level instances of the module's classes, with their classes.
    pub fn instances(&self) -> impl Iterator<Item = (&str, usize)> {
        self.instances.iter().map(|(n, c)| (n.as_str(), *c))
    }

    /// The class of a module-level instance.
    pub fn instance(&self, name: &str) -> Option<usize> {
        self.instances.get(name).copied()
    }

    /// The module's top-level classes, by name.
    pub fn classes(&self) -> impl Iterator<Item = (&str, usize)> {
        self.classes.iter().map(|(n, c)| (n.as_str(), *c))
    }

    pub fn class_named(&self, name: &str) -> Option<usize> {
        self.classes.get(name).copied()
    }

    /// Where the literal value of a module constant is written.
    pub fn constant(&self, name: &str) -> Option<crate::analyze::Span> {
        self.constants.get(name).copied()
    }

    /// The module's constants and where their literal values are written.
    pub fn constants(&self) -> impl Iterator<Item = (&str, crate::analyze::Span)> {
        self.constants.iter().map(|(n, s)| (n.as_str(), *s))
    }

    /// A name whose value the module fixes: a constant, or one of its functions or classes.
    pub fn is_fixed(&self, name: &str) -> bool {
        self.constants.contains_key(name)
            || self.functions.contains_key(name)
            || self.classes.contains_key(name)
            || matches!(name, "undefined" | "NaN" | "Infinity")
    }

    /// A module-level name bound to a library value (`load = pickle.loads`).
    pub fn is_alias(&self, name: &str) -> bool {
        self.aliases.contains_key(name)
    }

    /// The modules imported with `*` (`from os import *`).
    pub fn star_modules(&self) -> impl Iterator<Item = &str> {
        self.imports.values().filter_map(|(module, member)| {
            (member.as_deref() == Some("*") && !module.starts_with('.')).then_some(module.as_str())
        })
    }

    /// Whether the name a callee starts from is an import: its result is a library's
    /// value, computed at run time (`os.getcwd()`, `path.join(a, b)`).
    pub fn is_imported(&self, name: &str) -> bool {
        self.imports.contains_key(name) || self.aliases.contains_key(name)
    }

    /// `subprocess.run`, `child_process.exec`, `eval`: the library name of a callee, through
    /// imports and aliases; `None` for what is not a name chain.
    pub fn canonical(&self, callee: &Expr) -> Option<String> {
        match &callee.kind {
            ExprKind::Name(n) => match self.imports.get(n) {
                Some((m, None)) => Some(m.clone()),
                Some((m, Some(member))) if member == "default" => Some(m.clone()),
                Some((m, Some(member))) => Some(normalize(format!("{m}.{member}"))),
                None if self.functions.contains_key(n) || self.classes.contains_key(n) => None,
                None => Some(self.aliases.get(n).cloned().unwrap_or_else(|| n.clone())),
            },
            ExprKind::Attr(object, attr) => self
                .canonical(object)
                .map(|base| normalize(format!("{base}.{attr}"))),
            ExprKind::Await(inner) => self.canonical(inner),
            _ => None,
        }
    }

    /// The library name of a type annotation written as a plain name chain whose start is an
    /// import (`git.Repo`, `Repo` after `from git import Repo`); `None` for builtins, local
    /// classes and anything with brackets or unions.
    fn annotation_expr(&self, annotation: &str) -> Option<Expr> {
        let annotation = held_object(annotation).replace("::", ".");
        let annotation = annotation.as_str();
        let mut parts = annotation.split('.');
        let root = parts.next()?;
        let is_ident = |s: &str| {
            s.chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_')
                && s.chars().all(|c| c.is_alphanumeric() || c == '_')
        };
        if !annotation.split('.').all(is_ident) || !self.imports.contains_key(root) {
            return None;
        }
        // Made up from text: no place in the file.
        let span = Span {
            start_row: 0,
            start_byte_col: 0,
            end_row: 0,
            end_byte_col: 0,
        };
        let mut expr = Expr {
            kind: ExprKind::Name(root.to_string()),
            span,
        };
        for part in parts {
            expr = Expr {
                kind: ExprKind::Attr(Box::new(expr), part.to_string()),
                span,
            };
        }
        Some(expr)
    }

    pub fn library_type(&self, annotation: &str) -> Option<String> {
        self.canonical(&self.annotation_expr(annotation)?)
    }

    /// The class another module defines that a parameter is declared as (`service:
    /// FigmaService` after `import { FigmaService } from "./figma.js"`): (module, name).
    pub fn imported_type(&self, annotation: &str) -> Option<(String, String)> {
        self.imported(&self.annotation_expr(annotation)?)
    }

    /// A function named `name` nested in `scope` or in a function around it (a closure
    /// calling a sibling helper defined in the same enclosing function).
    fn nested(&self, module: &Module, scope: FuncId, name: &str) -> Option<FuncId> {
        let mut at = Some(scope);
        // Bounded by the nesting depth the lowering allows.
        for _ in 0..crate::analyze::ir::MAX_DEPTH {
            let id = at.filter(|&id| id != 0)?;
            let f = module.functions.get(id)?;
            if let Some(&found) = self.functions.get(&format!("{}.{name}", f.qualified)) {
                return Some(found);
            }
            at = f.parent;
        }
        None
    }

    /// The function of this module a call reaches, if it reaches one.
    pub fn callee(
        &self,
        module: &Module,
        callee: &Expr,
        instances: &BTreeMap<String, usize>,
        scope: FuncId,
    ) -> Option<FuncId> {
        match &callee.kind {
            ExprKind::Name(n) => {
                if let Some(&class) = self.classes.get(n) {
                    return self
                        .method(module, class, "__init__")
                        .or_else(|| self.method(module, class, "constructor"));
                }
                if let Some(nested) = self.nested(module, scope, n) {
                    return Some(nested);
                }
                if self.imports.contains_key(n) {
                    return None;
                }
                self.functions.get(n).copied()
            }
            ExprKind::Attr(object, method) => match &object.kind {
                ExprKind::Name(x) => {
                    let class = instances
                        .get(x)
                        .copied()
                        .or_else(|| self.instances.get(x).copied())
                        .or_else(|| self.classes.get(x).copied());
                    match class {
                        Some(class) => self.method(module, class, method),
                        None => self.objects.get(x)?.get(method).copied(),
                    }
                }
                _ => None,
            },
            ExprKind::Function(id) => Some(*id),
            _ => None,
        }
    }

    /// The method named `name` when one class of the module alone defines it and the name is
    /// not one that builtin and library objects commonly have: what `service.getNode(id)`
    /// calls when `service` is a parameter without a type (a JavaScript handler, a bundle).
    pub fn sole_method(&self, name: &str) -> Option<FuncId> {
        if COMMON_METHODS.contains(&name) {
            return None;
        }
        (*self.sole_methods.get(name)?).filter(|_| !self.functions.contains_key(name))
    }

    /// The functions of the module-level objects: (object, property, function).
    pub fn object_functions(&self) -> impl Iterator<Item = (&str, &str, FuncId)> {
        self.objects.iter().flat_map(|(object, members)| {
            members
                .iter()
                .map(move |(key, id)| (object.as_str(), key.as_str(), *id))
        })
    }

    /// Whether a class of the module defines a method of this name.
    pub fn has_method(&self, name: &str) -> bool {
        self.sole_methods.contains_key(name)
    }

    /// The methods of `class` (and its bases) whose names start with `prefix`: the set a
    /// `getattr(self, f"handle_{name}")` can reach.
    pub fn methods_with_prefix(&self, module: &Module, class: usize, prefix: &str) -> Vec<FuncId> {
        let mut out = Vec::new();
        let mut current = Some(class);
        let mut seen = BTreeSet::new();
        while let Some(c) = current {
            if !seen.insert(c) || seen.len() > MAX_BASES {
                break;
            }
            let Some(cls) = module.classes.get(c) else {
                break;
            };
            out.extend(cls.methods.iter().copied().filter(|&m| {
                module
                    .functions
                    .get(m)
                    .is_some_and(|f| f.name.starts_with(prefix) && f.name.len() > prefix.len())
            }));
            current = cls.bases.iter().find_map(|b| match &b.kind {
                ExprKind::Name(n) => self.classes.get(n).copied(),
                _ => None,
            });
        }
        out
    }

    /// A method of `class` or of a base class defined in this module.
    pub fn method(&self, module: &Module, class: usize, name: &str) -> Option<FuncId> {
        let mut current = class;
        let mut seen = BTreeSet::new();
        for _ in 0..MAX_BASES {
            if !seen.insert(current) {
                return None;
            }
            let c = module.classes.get(current)?;
            if let Some(&m) = c
                .methods
                .iter()
                .find(|&&m| module.functions.get(m).is_some_and(|f| f.name == name))
            {
                return Some(m);
            }
            // The first base this module defines (mixins before the base class, as Python's
            // method order has them).
            current = c.bases.iter().find_map(|b| match &b.kind {
                ExprKind::Name(n) => self.classes.get(n).copied(),
                _ => None,
            })?;
        }
        None
    }

    /// The parameter that receives the object in a Python method (`self`, `cls`), unless it
    /// is a static method.
    pub fn receiver_param(&self, module: &Module, id: FuncId) -> Option<usize> {
        let f = module.functions.get(id)?;
        f.class?;
        let is_static = f
            .decorators
            .iter()
            .any(|d| matches!(&d.kind, ExprKind::Name(n) if n == "staticmethod"));
        let first = f.params.first()?;
        (!is_static && matches!(first.name.as_str(), "self" | "cls")).then_some(0)
    }

    /// How many parameters a call does not pass: a bound receiver.
    pub fn bound_offset(&self, module: &Module, func: FuncId) -> usize {
        usize::from(self.receiver_param(module, func).is_some())
    }

    /// Entry points: the handler, the parameters the model chooses, and the name it is
    /// registered under when that is a constant.
    pub fn entries(&self, module: &Module) -> (Vec<Entry>, Vec<ImportedEntry>) {
        let mut found: BTreeMap<FuncId, Entry> = BTreeMap::new();
        let mut imported = Vec::new();
        let add = |found: &mut BTreeMap<FuncId, Entry>,
                   func: FuncId,
                   kind: EntryKind,
                   name: Option<String>,
                   hints: BTreeMap<String, bool>| {
            found.insert(
                func,
                Entry {
                    func,
                    params: chosen_params(module, func),
                    name,
                    kind,
                    not_text: BTreeSet::new(),
                    hints,
                    schema: BTreeMap::new(),
                },
            );
        };
        // Decorated handlers (`@mcp.tool()`, `@mcp.tool(name="x")`).
        for (id, f) in module.functions.iter().enumerate() {
            if let Some((d, kind)) = f
                .decorators
                .iter()
                .find_map(|d| entry_decorator(d, module.bare_entry_attributes).map(|k| (d, k)))
            {
                let (name, hints) = match &d.kind {
                    ExprKind::Call { args, .. } => (registered_name(args), hints_in(args)),
                    _ => (None, BTreeMap::new()),
                };
                // rmcp registers a `#[tool]` under its function's name.
                let name = name.or_else(|| module.bare_entry_attributes.then(|| f.name.clone()));
                add(&mut found, id, kind, name, hints);
            } else if let Some(route) = f.decorators.iter().find_map(route_of) {
                add(
                    &mut found,
                    id,
                    EntryKind::Route,
                    Some(route),
                    BTreeMap::new(),
                );
            } else if let Some(kind) = handler_trait_method(module, f) {
                add(&mut found, id, kind, Some(f.name.clone()), BTreeMap::new());
            } else if let Some((name, params)) = tool_struct_method(module, f) {
                add(&mut found, id, EntryKind::Tool, name, BTreeMap::new());
                if let Some(entry) = found.get_mut(&id) {
                    entry.params = params;
                }
            }
        }
        // Registered handlers (`server.tool("x", schema, handler)`,
        // `server.setRequestHandler(Schema, handler)`): the last argument that is a function.
        let mut calls = Vec::new();
        for f in &module.functions {
            calls.extend(crate::analyze::ir::walk::calls_in(&f.body));
        }
        let config_objects = module
            .functions
            .first()
            .map(|top| top_level_dicts(&top.body))
            .unwrap_or_default();
        for call in calls {
            let ExprKind::Call { callee, args, .. } = &call.kind else {
                continue;
            };
            // `mcp.tool(name="x")(handler)`: the decorator applied by hand; its name is in
            // the inner call.
            let (callee, named_by) = match &callee.kind {
                ExprKind::Call {
                    callee: inner,
                    args: inner_args,
                    ..
                } => (&**inner, inner_args),
                _ => (&**callee, args),
            };
            let ExprKind::Attr(_, method) = &callee.kind else {
                continue;
            };
            let route = route_of(call);
            let kind = match (&route, entry_kind(method)) {
                (Some(_), _) => EntryKind::Route,
                (None, Some(kind)) => kind,
                (None, None) => continue,
            };
            let handler = args.iter().rev().find_map(|a| match &a.value.kind {
                ExprKind::Function(id) => Some(*id),
                // `server.addTool({ name, parameters, execute: async (args) => ... })`.
                ExprKind::Dict(entries) => entries.iter().find_map(|(k, v)| {
                    let key = match k.as_ref().map(|k| &k.kind) {
                        Some(ExprKind::Str(k) | ExprKind::Name(k)) => k.as_str(),
                        _ => return None,
                    };
                    match (&v.kind, HANDLER_KEYS.contains(&key)) {
                        (ExprKind::Function(id), true) => Some(*id),
                        _ => None,
                    }
                }),
                ExprKind::Name(n) if !self.imports.contains_key(n) => {
                    self.functions.get(n).copied()
                }
                _ => None,
            });
            let name = route.or_else(|| registered_name(named_by));
            // One handler for every tool (`setRequestHandler(CallToolRequestSchema, ...)`).
            let (kind, name) = match name.as_deref() {
                Some("CallToolRequestSchema") => (EntryKind::CallTool, Some("call_tool".into())),
                _ => (kind, name),
            };
            if let Some(id) = handler {
                let mut hints = hints_in(args);
                if !std::ptr::eq(named_by, args) {
                    hints.extend(hints_in(named_by));
                }
                // `registerTool(name, config, handler)` with `const config = { annotations }`.
                for arg in args {
                    if let ExprKind::Name(n) = &arg.value.kind
                        && let Some(config) = config_objects.get(n.as_str())
                    {
                        collect_hints(None, config, &mut hints, 0);
                    }
                }
                add(&mut found, id, kind, name, hints);
                // Properties the schema declares as numbers, booleans or fixed sets carry no
                // text.
                let numbers = schema_numbers(args);
                if let (Some(entry), Some(f)) = (found.get_mut(&id), module.functions.get(id)) {
                    entry.params.retain(|&i| {
                        f.params.get(i).is_none_or(|p| {
                            p.kind != ParamKind::Property || !numbers.contains(p.name.as_str())
                        })
                    });
                    entry.not_text = numbers.iter().map(|n| n.to_string()).collect();
                    entry.schema = schema_types(args);
                }
            } else if let Some((module, member)) = args
                .iter()
                .rev()
                .filter(|a| a.keyword.is_none())
                .find_map(|a| self.imported(&a.value))
            {
                imported.push(ImportedEntry {
                    module,
                    member,
                    kind,
                    name,
                });
            }
        }
        // A fetch handler exported as the module's default (`export default { async
        // fetch(request, env) {...} }`: Cloudflare Workers, Bun, Deno): a web endpoint. Only
        // its first parameter is the request; the others are the platform's bindings.
        let top = module.functions.first().map_or(&[][..], |f| &f.body[..]);
        for stmt in top {
            let Stmt::Assign { targets, value, .. } = stmt else {
                continue;
            };
            let is_default = matches!(
                targets.as_slice(),
                [crate::analyze::ir::Target::Name(n, _)] if n == "default"
            );
            let ExprKind::Dict(pairs) = &value.kind else {
                continue;
            };
            if !is_default {
                continue;
            }
            for (key, handler) in pairs {
                let is_fetch =
                    matches!(key.as_ref().map(|k| &k.kind), Some(ExprKind::Str(k)) if k == "fetch");
                if let (true, ExprKind::Function(id)) = (is_fetch, &handler.kind) {
                    add(
                        &mut found,
                        *id,
                        EntryKind::Route,
                        Some("fetch".into()),
                        BTreeMap::new(),
                    );
                    if let Some(entry) = found.get_mut(id) {
                        entry.params.retain(|&i| i == 0);
                    }
                }
            }
        }
        // Tools declared as data with their handler (`const TOOLS = [{ name: "delete",
        // inputSchema, handler: handleDelete }]`), dispatched by a generic handler.
        for stmt in top {
            let Stmt::Assign { value, .. } = stmt else {
                continue;
            };
            let ExprKind::List(items) = &value.kind else {
                continue;
            };
            for item in items {
                let ExprKind::Dict(entries) = &item.kind else {
                    continue;
                };
                let handler = entries.iter().find_map(|(k, v)| {
                    let key = match k.as_ref().map(|k| &k.kind) {
                        Some(ExprKind::Str(k) | ExprKind::Name(k)) => k.as_str(),
                        _ => return None,
                    };
                    if !HANDLER_KEYS.contains(&key) {
                        return None;
                    }
                    match &v.kind {
                        ExprKind::Function(id) => Some(*id),
                        ExprKind::Name(n) if !self.imports.contains_key(n) => {
                            self.functions.get(n).copied()
                        }
                        _ => None,
                    }
                });
                if let Some(id) = handler
                    && !found.contains_key(&id)
                {
                    let declared = [crate::analyze::ir::Arg {
                        keyword: None,
                        value: item.clone(),
                    }];
                    let name = registered_name(&declared);
                    add(&mut found, id, EntryKind::Tool, name, hints_in(&declared));
                }
            }
        }
        (found.into_values().collect(), imported)
    }
}

/// A handler registered here but defined in another module (`server.tool("x", schema,
/// handleX)` after `import { handleX } from "./tools/x.js"`): its parameters are the
/// caller's, which the cross-file pass follows into that module.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ImportedEntry {
    pub module: String,
    pub member: String,
    pub kind: EntryKind,
    /// The name it is registered under, when written as a literal.
    pub name: Option<String>,
}

/// `node:fs/promises` is `fs`; the MCP SDK's subpaths are the SDK.
pub(super) fn module_name(specifier: &str) -> String {
    let s = specifier.strip_prefix("node:").unwrap_or(specifier);
    if s.starts_with("@modelcontextprotocol/sdk/") {
        return "@modelcontextprotocol/sdk".into();
    }
    match s {
        "fs/promises" => "fs".into(),
        "child_process/promises" => "child_process".into(),
        other => other.into(),
    }
}

/// Canonical spellings: `fs.promises.readFile` is `fs.readFile`.
fn normalize(name: String) -> String {
    match name.strip_prefix("fs.promises.") {
        Some(rest) => format!("fs.{rest}"),
        None => name,
    }
}

/// `name="x"`, or a first positional string argument.
/// The handlers of `new Map([[key, handler], ...])` when every value names a function.
fn map_of_handlers(value: &Expr) -> Option<Vec<Expr>> {
    let ExprKind::Call {
        callee,
        args,
        construct: true,
    } = &value.kind
    else {
        return None;
    };
    if !matches!(&callee.kind, ExprKind::Name(m) if m == "Map") {
        return None;
    }
    let ExprKind::List(pairs) = &args.first()?.value.kind else {
        return None;
    };
    let handlers: Vec<Expr> = pairs
        .iter()
        .filter_map(|pair| match &pair.kind {
            ExprKind::List(kv) => match kv.as_slice() {
                [_, v] if matches!(v.kind, ExprKind::Name(_) | ExprKind::Attr(..)) => {
                    Some(v.clone())
                }
                _ => None,
            },
            _ => None,
        })
        .collect();
    (!handlers.is_empty() && handlers.len() == pairs.len()).then_some(handlers)
}

/// Keys of a tool's config object that hold its handler.
const HANDLER_KEYS: [&str; 5] = ["execute", "handler", "callback", "run", "load"];

fn registered_name(args: &[crate::analyze::ir::Arg]) -> Option<String> {
    // `addTool({ name: "x", ... })`.
    let in_config = args.iter().find_map(|a| match &a.value.kind {
        ExprKind::Dict(entries) => {
            entries
                .iter()
                .find_map(|(k, v)| match (k.as_ref().map(|k| &k.kind), &v.kind) {
                    (Some(ExprKind::Str(k) | ExprKind::Name(k)), ExprKind::Str(name))
                        if k == "name" =>
                    {
                        Some(name.clone())
                    }
                    _ => None,
                })
        }
        _ => None,
    });
    if in_config.is_some() {
        return in_config;
    }
    let named = args.iter().find(|a| a.keyword.as_deref() == Some("name"));
    let first = args.iter().find(|a| a.keyword.is_none());
    match named.or(first).map(|a| &a.value.kind) {
        Some(ExprKind::Str(s)) => Some(s.clone()),
        // `setRequestHandler(CallToolRequestSchema, ...)`: named by its schema.
        Some(ExprKind::Name(schema) | ExprKind::Attr(_, schema)) if schema.ends_with("Schema") => {
            Some(schema.clone())
        }
        _ => None,
    }
}

/// `app.post("/exec", handler)`, `@app.get("/items/{id}")`: `POST /exec`.
fn route_of(call: &Expr) -> Option<String> {
    let ExprKind::Call { callee, args, .. } = &call.kind else {
        return None;
    };
    let ExprKind::Attr(_, method) = &callee.kind else {
        return None;
    };
    if !ROUTE_METHODS.contains(&method.as_str()) {
        return None;
    }
    let first = args.iter().find(|a| a.keyword.is_none())?;
    let ExprKind::Str(path) = &first.value.kind else {
        return None;
    };
    if !path.starts_with('/') {
        return None;
    }
    let verb = match method.as_str() {
        "route" | "api_route" | "all" | "custom_route" => "ANY".to_string(),
        other => other.to_ascii_uppercase(),
    };
    Some(format!("{verb} {path}"))
}

/// `@mcp.tool()`, `@server.call_tool()`; with `bare` also `#[tool]`, `#[rmcp::tool(...)]`.
fn entry_decorator(d: &Expr, bare: bool) -> Option<EntryKind> {
    let target = match &d.kind {
        ExprKind::Call { callee, .. } => callee,
        _ => d,
    };
    match &target.kind {
        ExprKind::Attr(_, m) if bare => bare_entry_kind(m),
        ExprKind::Attr(_, m) => entry_kind(m),
        ExprKind::Name(m) if bare => bare_entry_kind(m),
        _ => None,
    }
}

/// What an attribute registers by its name alone (rmcp's `#[tool]`, `#[prompt]`).
fn bare_entry_kind(name: &str) -> Option<EntryKind> {
    match name {
        "tool" => Some(EntryKind::Tool),
        "prompt" => Some(EntryKind::Prompt),
        "resource" => Some(EntryKind::Resource),
        _ => None,
    }
}

/// Traits whose implementation is an MCP server's request handler (rmcp's `ServerHandler`).
const HANDLER_TRAITS: [&str; 2] = ["ServerHandler", "ServerHandlerCore"];

/// A handler method of an implementation of the server trait (`call_tool`, `read_resource`,
/// `get_prompt` in `impl ServerHandler for S`; rust-mcp-sdk's `handle_call_tool_request`):
/// its request is the caller's.
fn handler_trait_method(module: &Module, f: &crate::analyze::ir::Function) -> Option<EntryKind> {
    if !module.bare_entry_attributes {
        return None;
    }
    let class = module.classes.get(f.class?)?;
    let implements = class
        .bases
        .iter()
        .any(|b| matches!(&b.kind, ExprKind::Name(n) if HANDLER_TRAITS.contains(&n.as_str())));
    if !implements {
        return None;
    }
    match f.name.as_str() {
        // rmcp; rust-mcp-sdk names them `handle_*_request`.
        "call_tool" | "handle_call_tool_request" => Some(EntryKind::CallTool),
        "read_resource" | "handle_read_resource_request" => Some(EntryKind::Resource),
        "get_prompt" | "handle_get_prompt_request" => Some(EntryKind::Prompt),
        _ => None,
    }
}

/// rust-mcp-sdk: `#[mcp_tool(name = "x")] struct ReadFile { path: String }` is a tool's
/// arguments, and the method of its `impl` that runs it (`call_tool(&self)`,
/// `run_tool(params: Self, ctx)`) is the tool: the name the attribute gives and the
/// parameters that hold the arguments (`self`, or one typed `Self` or as the struct).
fn tool_struct_method(
    module: &Module,
    f: &crate::analyze::ir::Function,
) -> Option<(Option<String>, BTreeSet<usize>)> {
    if !module.bare_entry_attributes || !matches!(f.name.as_str(), "call_tool" | "run_tool") {
        return None;
    }
    let class = module.classes.get(f.class?)?;
    let attribute = class.decorators.iter().find(|d| {
        let target = match &d.kind {
            ExprKind::Call { callee, .. } => callee,
            _ => *d,
        };
        matches!(&target.kind, ExprKind::Name(n) | ExprKind::Attr(_, n) if n == "mcp_tool")
    })?;
    let name = match &attribute.kind {
        ExprKind::Call { args, .. } => registered_name(args),
        _ => None,
    };
    let params: BTreeSet<usize> = f
        .params
        .iter()
        .enumerate()
        .filter(|(_, p)| {
            p.name == "self"
                || p.typed_as_self()
                || p.annotation
                    .as_deref()
                    .is_some_and(|a| a.trim_start_matches('&').trim() == class.name)
        })
        .map(|(i, _)| i)
        .collect();
    (!params.is_empty()).then_some((name, params))
}

/// The type of the one object a Rust parameter gives access to: `Service` in `&Service`,
/// `&mut Service`, `Arc<Service>`, `&Arc<crate::svc::Service>`; other annotations as written.
fn held_object(annotation: &str) -> &str {
    super::taint::unwrap_holders(annotation, &["Arc", "Rc", "Box"]).unwrap_or(annotation.trim())
}

/// What a registration method registers.
fn entry_kind(method: &str) -> Option<EntryKind> {
    match method {
        "tool" | "registerTool" | "setRequestHandler" | "add_tool" | "addTool" => {
            Some(EntryKind::Tool)
        }
        "call_tool" => Some(EntryKind::CallTool),
        "resource"
        | "read_resource"
        | "registerResource"
        | "addResource"
        | "addResourceTemplate" => Some(EntryKind::Resource),
        "prompt" | "get_prompt" | "registerPrompt" | "addPrompt" => Some(EntryKind::Prompt),
        _ => None,
    }
}

/// A function whose parameters an outside caller chooses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub func: FuncId,
    /// The parameters the caller chooses (not the receiver, not injected context).
    pub params: BTreeSet<usize>,
    /// The name it is registered under, when written as a literal (or the route).
    pub name: Option<String>,
    pub kind: EntryKind,
    /// Fields of the arguments object that the schema declares as numbers, booleans or
    /// fixed sets (for a handler taking the whole object: `args.mode`).
    pub not_text: BTreeSet<String>,
    /// The MCP annotations its registration sets to a constant (`readOnlyHint: true`), by
    /// the specification's names.
    pub hints: BTreeMap<String, bool>,
    /// The types its registration's schema declares, by field (`limit`: `number?`; nested
    /// fields as `options.depth`).
    pub schema: BTreeMap<String, String>,
}

/// An MCP tool annotation by the specification's name, from the spellings SDKs use
/// (`readOnlyHint` in TypeScript and JSON, `read_only_hint` in rmcp).
fn hint_name(key: &str) -> Option<&'static str> {
    match key {
        "readOnlyHint" | "read_only_hint" => Some("readOnlyHint"),
        "destructiveHint" | "destructive_hint" => Some("destructiveHint"),
        "idempotentHint" | "idempotent_hint" => Some("idempotentHint"),
        "openWorldHint" | "open_world_hint" => Some("openWorldHint"),
        _ => None,
    }
}

/// How deep in a registration's arguments annotations are looked for
/// (`annotations=ToolAnnotations(readOnlyHint=True)` is two levels down).
const MAX_HINT_DEPTH: usize = 4;

/// The annotations a registration's arguments set to constants: keyword arguments and
/// object or dict keys, inside `annotations` objects and calls (`ToolAnnotations(...)`).
fn hints_in(args: &[crate::analyze::ir::Arg]) -> BTreeMap<String, bool> {
    let mut hints = BTreeMap::new();
    for arg in args {
        collect_hints(arg.keyword.as_deref(), &arg.value, &mut hints, 0);
    }
    hints
}

fn collect_hints(
    key: Option<&str>,
    value: &Expr,
    hints: &mut BTreeMap<String, bool>,
    depth: usize,
) {
    if depth > MAX_HINT_DEPTH {
        return;
    }
    if let (Some(name), ExprKind::Bool(b)) = (key.and_then(hint_name), &value.kind) {
        hints.entry(name.to_string()).or_insert(*b);
        return;
    }
    match &value.kind {
        ExprKind::Dict(entries) => {
            for (k, v) in entries {
                let key = match k.as_ref().map(|k| &k.kind) {
                    Some(ExprKind::Str(k) | ExprKind::Name(k)) => Some(k.as_str()),
                    _ => None,
                };
                collect_hints(key, v, hints, depth + 1);
            }
        }
        ExprKind::Call { args, .. } => {
            for arg in args {
                collect_hints(arg.keyword.as_deref(), &arg.value, hints, depth + 1);
            }
        }
        _ => {}
    }
}

/// Top-level names bound once, to a dict or object literal.
fn top_level_dicts(top: &[Stmt]) -> HashMap<&str, &Expr> {
    let mut dicts = HashMap::new();
    let mut twice = std::collections::HashSet::new();
    for stmt in top {
        let Stmt::Assign { targets, value, .. } = stmt else {
            continue;
        };
        for target in targets {
            let crate::analyze::ir::Target::Name(name, _) = target else {
                continue;
            };
            if dicts.contains_key(name.as_str()) || !matches!(value.kind, ExprKind::Dict(_)) {
                twice.insert(name.as_str());
            }
            if matches!(value.kind, ExprKind::Dict(_)) {
                dicts.insert(name.as_str(), value);
            }
        }
    }
    dicts.retain(|name, _| !twice.contains(name));
    dicts
}

/// Top-level names assigned only literals, with where the (last) literal is written.
fn module_constants(top: &[Stmt]) -> HashMap<String, crate::analyze::Span> {
    let mut constants = HashMap::new();
    let mut not_constant = std::collections::HashSet::new();
    for stmt in top {
        let Stmt::Assign {
            targets, value, op, ..
        } = stmt
        else {
            continue;
        };
        for target in targets {
            let crate::analyze::ir::Target::Name(name, _) = target else {
                continue;
            };
            if op.is_none() && is_literal(value, 0) {
                constants.insert(name.clone(), value.span);
            } else {
                not_constant.insert(name.clone());
            }
        }
    }
    constants.retain(|name, _| !not_constant.contains(name));
    constants
}

/// Built from literals only: a string, number, boolean or null, and lists, objects, sums and
/// templates of them.
fn is_literal(expr: &Expr, depth: usize) -> bool {
    if depth > 16 {
        return false;
    }
    match &expr.kind {
        ExprKind::Str(_) | ExprKind::Number(_) | ExprKind::Bool(_) | ExprKind::Null => true,
        ExprKind::Unary(_, a) => is_literal(a, depth + 1),
        ExprKind::Binary(_, a, b) => is_literal(a, depth + 1) && is_literal(b, depth + 1),
        ExprKind::List(items) => items.iter().all(|i| is_literal(i, depth + 1)),
        ExprKind::Dict(pairs) => pairs.iter().all(|(k, v)| {
            k.as_ref().is_none_or(|k| is_literal(k, depth + 1)) && is_literal(v, depth + 1)
        }),
        ExprKind::Template(parts) => parts.iter().all(|p| match p {
            crate::analyze::ir::TemplatePart::Text(_) => true,
            crate::analyze::ir::TemplatePart::Value(v) => is_literal(v, depth + 1),
        }),
        _ => false,
    }
}

/// Who calls an entry point.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntryKind {
    Tool,
    /// The one handler that dispatches every tool call (`@server.call_tool()`).
    CallTool,
    Resource,
    Prompt,
    /// A web route next to the MCP server.
    Route,
}

/// The parameters an entry point's caller chooses: all but the receiver and the framework's
/// injected context.
/// The properties a registration's schema declares as numbers, booleans or fixed sets (`{
/// limit: z.number().int(), mode: z.enum([...]) }`, also inside `inputSchema`).
fn schema_numbers(args: &[crate::analyze::ir::Arg]) -> BTreeSet<&str> {
    let mut out = BTreeSet::new();
    for arg in args {
        collect_not_text(&arg.value, 0, &mut out);
    }
    out
}

/// The fields a registration's zod schema declares, each with its type (`number`, `string?`
/// when optional).
fn schema_types(args: &[crate::analyze::ir::Arg]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for arg in args {
        collect_types(&arg.value, "", 0, &mut out);
    }
    out
}

fn collect_types(schema: &Expr, prefix: &str, depth: usize, out: &mut BTreeMap<String, String>) {
    if let Some(fields) = zod_object(schema) {
        return collect_types(fields, prefix, depth, out);
    }
    let ExprKind::Dict(entries) = &schema.kind else {
        return;
    };
    for (key, value) in entries {
        let key = match key.as_ref().map(|k| &k.kind) {
            Some(ExprKind::Str(k) | ExprKind::Name(k)) => format!("{prefix}{k}"),
            _ => continue,
        };
        if (matches!(value.kind, ExprKind::Dict(_)) || zod_object(value).is_some()) && depth < 2 {
            // `{ inputSchema: { path: z.string() } }` declares `path`.
            let prefix = if prefix.is_empty() && key == "inputSchema" {
                String::new()
            } else {
                format!("{key}.")
            };
            collect_types(value, &prefix, depth + 1, out);
        } else if let Some(base) = zod_type(value) {
            let optional = ["optional", "nullish", "default"]
                .iter()
                .any(|m| zod_calls(value, m));
            out.insert(key, format!("{base}{}", if optional { "?" } else { "" }));
        }
    }
}

/// Whether the chain of a zod expression calls `method` (`.optional()`).
fn zod_calls(expr: &Expr, method: &str) -> bool {
    zod_chain(expr).any(|(_, name)| name == method)
}

/// The calls of a method chain from the outermost in: `(receiver, method)` for
/// `z.string().optional()`, `(z.string(), "optional")` then `(z, "string")`.
fn zod_chain(expr: &Expr) -> impl Iterator<Item = (&Expr, &str)> {
    let mut at = Some(expr);
    std::iter::from_fn(move || {
        let ExprKind::Call { callee, .. } = &at?.kind else {
            return None;
        };
        let ExprKind::Attr(inner, method) = &callee.kind else {
            return None;
        };
        at = Some(&**inner);
        Some((&**inner, method.as_str()))
    })
    .take(32)
}

fn collect_not_text<'e>(schema: &'e Expr, depth: usize, out: &mut BTreeSet<&'e str>) {
    if let Some(fields) = zod_object(schema) {
        return collect_not_text(fields, depth, out);
    }
    let ExprKind::Dict(entries) = &schema.kind else {
        return;
    };
    for (key, value) in entries {
        let key = match key.as_ref().map(|k| &k.kind) {
            Some(ExprKind::Str(k) | ExprKind::Name(k)) => k.as_str(),
            _ => continue,
        };
        if (matches!(value.kind, ExprKind::Dict(_)) || zod_object(value).is_some()) && depth < 2 {
            collect_not_text(value, depth + 1, out);
        } else if zod_type(value).is_some_and(is_not_text) {
            out.insert(key);
        }
    }
}

/// The fields of `z.object({...})` (also `.strict()` and other calls after it).
fn zod_object(expr: &Expr) -> Option<&Expr> {
    let mut at = expr;
    for _ in 0..32 {
        let ExprKind::Call { callee, args, .. } = &at.kind else {
            return None;
        };
        let ExprKind::Attr(inner, method) = &callee.kind else {
            return None;
        };
        match &inner.kind {
            ExprKind::Name(z) if z == "z" && method == "object" => {
                return args.first().map(|a| &a.value);
            }
            _ => at = inner,
        }
    }
    None
}

/// zod types whose values cannot carry free text: numbers, booleans, and fixed sets.
pub(super) fn is_not_text(zod: &str) -> bool {
    matches!(
        zod,
        "number" | "boolean" | "bigint" | "enum" | "literal" | "nativeEnum" | "int"
    )
}

/// The zod type a schema expression starts from: `number` for `z.number().int().max(9)`
/// and `z.coerce.number()`.
fn zod_type(expr: &Expr) -> Option<&str> {
    zod_chain(expr).find_map(|(inner, method)| match &inner.kind {
        ExprKind::Name(z) if z == "z" => Some(method),
        ExprKind::Attr(base, coerce)
            if coerce == "coerce" && matches!(&base.kind, ExprKind::Name(z) if z == "z") =>
        {
            Some(method)
        }
        _ => None,
    })
}

fn chosen_params(module: &Module, id: FuncId) -> BTreeSet<usize> {
    let Some(f) = module.functions.get(id) else {
        return BTreeSet::new();
    };
    f.params
        .iter()
        .enumerate()
        .filter(|(_, p)| !matches!(p.name.as_str(), "self" | "cls"))
        .filter(|(_, p)| !RESPONSE_PARAMS.contains(&p.name.as_str()))
        .filter(|(_, p)| {
            !p.annotation
                .as_deref()
                .is_some_and(|a| a.contains("Context"))
        })
        .map(|(i, _)| i)
        .collect()
}
