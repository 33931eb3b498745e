//! The language-neutral intermediate representation the taint engine is moving onto (issue
//! 20; design in docs/architecture.md). Each language front end lowers its tree-sitter tree
//! into one `Module`: imports, classes, functions with their parameters and a body of
//! statements, expressions with their spans. The engine reads only this, so a source, a sink,
//! a sanitizer or a propagator is modelled once for every language.
//!
//! It is a tree, not SSA: propagation walks statements in order and joins at branches. Names
//! are kept as written; resolution (imports, classes, the project's module graph) is a later
//! pass over the IR. What a front end cannot lower becomes `Expr::Opaque` over the parts it
//! could, so a taint still flows through it and no input is dropped.

pub mod javascript;
mod lowering;
pub mod python;
pub mod rust;
pub mod walk;

use crate::analyze::Span;
use std::fmt::Write;

/// Parses `text` with the grammar its file name calls for and lowers it; `None` for a file
/// that is not Python, TypeScript, JavaScript or Rust.
pub fn lower_source(path: &str, text: &str) -> Option<Module> {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    let grammar: tree_sitter::Language = match ext {
        "py" | "pyi" => tree_sitter_python::LANGUAGE.into(),
        "ts" | "mts" | "cts" => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
        "tsx" => tree_sitter_typescript::LANGUAGE_TSX.into(),
        "js" | "mjs" | "cjs" | "jsx" => tree_sitter_javascript::LANGUAGE.into(),
        "rs" => tree_sitter_rust::LANGUAGE.into(),
        _ => return None,
    };
    let mut parser = tree_sitter::Parser::new();
    parser.set_language(&grammar).ok()?;
    let tree = parser.parse(text, None)?;
    Some(if matches!(ext, "py" | "pyi") {
        python::lower(tree.root_node(), text)
    } else if ext == "rs" {
        rust::lower(tree.root_node(), text)
    } else {
        javascript::lower(tree.root_node(), text)
    })
}

/// Nesting deeper than this is lowered as `Opaque` (hostile input must not exhaust the stack).
pub const MAX_DEPTH: usize = 100;

/// Index of a function in `Module::functions`.
pub type FuncId = usize;
/// Index of a class in `Module::classes`.
pub type ClassId = usize;

/// One source file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Module {
    pub imports: Vec<Import>,
    pub classes: Vec<Class>,
    /// Every function of the file, nested ones and lambdas included; `functions[0]` is the
    /// module's top-level code.
    pub functions: Vec<Function>,
    /// Options are properties of an object argument (JavaScript), not keyword arguments: an
    /// options object held in a variable may set any of them.
    pub options_objects: bool,
    /// Decorators are attributes whose bare name says what they register (Rust's
    /// `#[tool]`), where Python's `@tool` could be anyone's.
    pub bare_entry_attributes: bool,
    /// Calls of macros the front end has no model of (Rust's `my_macro!(...)`), lowered as
    /// passing the values in their tokens through.
    pub unmodeled_macros: u64,
}

/// `import a.b as c`, `from a import b as c`, `import { b as c } from "a"`, `require("a")`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    /// The name bound in this module.
    pub local: String,
    /// The module, as written (`os.path`, `./util.js`, `.helpers` for a relative import).
    pub module: String,
    /// The member taken from it; `None` binds the module itself; `Some("*")` is a star import.
    pub member: Option<String>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Class {
    pub name: String,
    pub bases: Vec<Expr>,
    pub decorators: Vec<Expr>,
    pub methods: Vec<FuncId>,
    /// Fields assigned in the class body (`x = 1` in Python, `x = 1;` in a JS class).
    pub fields: Vec<Stmt>,
    /// Fields declared with a type, by name, with the type as written: a Rust struct's
    /// fields (`max_count: Option<u32>`), a Python model's annotated fields (`count: int`).
    pub declared: Vec<(String, String)>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Function {
    pub name: String,
    /// `Class.method`, `outer.inner`, `<lambda>` inside its parent, `<module>` for top level.
    pub qualified: String,
    pub class: Option<ClassId>,
    /// The function it is nested in (closures read its variables).
    pub parent: Option<FuncId>,
    pub params: Vec<Param>,
    pub decorators: Vec<Expr>,
    pub body: Vec<Stmt>,
    pub is_async: bool,
    /// A method written in an object literal (`export default { fetch(req) {...} }`): its
    /// name is a property of the object, not a name its scope can call.
    pub in_object: bool,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: String,
    pub kind: ParamKind,
    /// The declared type as written (`str`, `int`, `Annotated[str, Field(...)]`).
    pub annotation: Option<String>,
    pub default: Option<Expr>,
    pub span: Span,
}

impl Param {
    /// Declared as the type of its own `impl` block (`params: Self`, `&Self`).
    pub fn typed_as_self(&self) -> bool {
        self.annotation
            .as_deref()
            .is_some_and(|a| a.trim_start_matches('&').trim() == "Self")
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ParamKind {
    Positional,
    /// `*args`, `...rest`.
    Rest,
    /// `**kwargs`.
    Keywords,
    /// A destructured property of an object parameter (`({ path, limit }) => ...`).
    Property,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Stmt {
    /// `a = b`, `a, b = c`, `a.f = b`, `x[i] = y`, `const { a } = b`; `op` for `a += b`.
    Assign {
        targets: Vec<Target>,
        value: Expr,
        op: Option<String>,
        span: Span,
    },
    Expr(Expr),
    Return(Option<Expr>, Span),
    Raise(Option<Expr>, Span),
    If {
        cond: Expr,
        then: Vec<Stmt>,
        otherwise: Vec<Stmt>,
        span: Span,
    },
    /// `for x in xs`, `for (const x of xs)`, `while c` (no binding, `iter` is the condition).
    Loop {
        binding: Option<Target>,
        iter: Expr,
        body: Vec<Stmt>,
        otherwise: Vec<Stmt>,
        span: Span,
    },
    Try {
        body: Vec<Stmt>,
        handlers: Vec<Handler>,
        finally: Vec<Stmt>,
        span: Span,
    },
    /// `with a as b:`: `b` is bound to (a value of) `a`.
    With {
        items: Vec<(Expr, Option<Target>)>,
        body: Vec<Stmt>,
        span: Span,
    },
    /// A nested function or class definition: the name is bound here.
    Def {
        name: String,
        func: Option<FuncId>,
        class: Option<ClassId>,
        span: Span,
    },
    /// `switch`/`match`: each case's tests, then its body.
    Switch {
        subject: Expr,
        cases: Vec<(Vec<Expr>, Vec<Stmt>)>,
        span: Span,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Handler {
    pub types: Option<Expr>,
    pub name: Option<String>,
    pub body: Vec<Stmt>,
}

/// Where an assignment stores.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    Name(String, Span),
    Attr(Box<Expr>, String, Span),
    Index(Box<Expr>, Box<Expr>, Span),
    /// `a, b = ...`, `[a, b] = ...`: each element gets an element of the value.
    Tuple(Vec<Target>, Span),
    /// `*rest` in a tuple target.
    Rest(Box<Target>, Span),
    /// `{ a, b: c }` in JS: each property's value goes to its target.
    Object(Vec<(String, Target)>, Span),
    /// A target the front end cannot express (a taint stored there is lost on purpose).
    Opaque(Span),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Name(String),
    Attr(Box<Expr>, String),
    Index(Box<Expr>, Box<Expr>),
    /// A constant string, decoded where that is simple (no escapes interpreted).
    Str(String),
    Number(String),
    Bool(bool),
    Null,
    /// An f-string or a template literal: constant text around the embedded expressions.
    Template(Vec<TemplatePart>),
    /// `a + b`, `a % b`, `a and b`, `a ?? b`.
    Binary(String, Box<Expr>, Box<Expr>),
    /// `not a`, `-a`, `typeof a`.
    Unary(String, Box<Expr>),
    /// `a == b`, `a in b`, `a is not None`, `a < b < c` (as a chain of pairs).
    Compare(Vec<(String, Expr)>, Box<Expr>),
    Call {
        callee: Box<Expr>,
        args: Vec<Arg>,
        /// `new C(...)`.
        construct: bool,
    },
    /// `[a, b]`, `(a, b)`, `{a, b}`.
    List(Vec<Expr>),
    /// `{k: v}`, `{ a, b: c, ...d }`: `None` key for a spread (`**d`, `...d`).
    Dict(Vec<(Option<Expr>, Expr)>),
    /// `*xs`, `...xs` inside a list or call.
    Spread(Box<Expr>),
    /// `[f(x) for x in xs if c]` and generator/set/dict forms: the element, then each
    /// `for` (binding, iterable) and condition.
    Comprehension {
        element: Box<Expr>,
        clauses: Vec<(Target, Expr)>,
        conditions: Vec<Expr>,
    },
    /// `a if c else b`, `c ? a : b`.
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    /// A lambda or arrow function, lowered as a function of the module.
    Function(FuncId),
    Await(Box<Expr>),
    /// `x := v`: binds and yields `v`.
    Walrus(String, Box<Expr>),
    /// Something not modelled, over the parts that were lowered: a taint in any part flows
    /// through, and nothing is lost.
    Opaque(Vec<Expr>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum TemplatePart {
    Text(String),
    Value(Expr),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Arg {
    /// `name=value`.
    pub keyword: Option<String>,
    pub value: Expr,
}

/// The identifiers inside a subtree cut at `MAX_DEPTH`, found without recursion: lowered as
/// `Opaque` over them, a value in the cut part still flows through.
pub(crate) fn names_within(node: tree_sitter::Node<'_>, text: &str) -> Vec<Expr> {
    let mut out = Vec::new();
    let mut cursor = node.walk();
    let mut descended = true;
    loop {
        let n = cursor.node();
        if descended && n.kind() == "identifier" {
            let (start, end) = (n.start_position(), n.end_position());
            out.push(Expr {
                kind: ExprKind::Name(text.get(n.byte_range()).unwrap_or("").to_string()),
                span: Span {
                    start_row: start.row,
                    start_byte_col: start.column,
                    end_row: end.row,
                    end_byte_col: end.column,
                },
            });
        }
        if descended && cursor.goto_first_child() {
            continue;
        }
        if cursor.node() == node {
            return out;
        }
        if cursor.goto_next_sibling() {
            descended = true;
        } else if cursor.goto_parent() {
            descended = false;
            if cursor.node() == node {
                return out;
            }
        } else {
            return out;
        }
    }
}

impl Module {
    /// A compact text form for tests and debugging: one line per statement, expressions as
    /// s-expressions.
    pub fn dump(&self) -> String {
        let mut out = String::new();
        for import in &self.imports {
            let member = import.member.as_deref().unwrap_or("");
            let _ = writeln!(
                out,
                "import {} = {}:{}",
                import.local, import.module, member
            );
        }
        for class in &self.classes {
            let bases: Vec<String> = class.bases.iter().map(Expr::dump).collect();
            let methods: Vec<&str> = class
                .methods
                .iter()
                .filter_map(|&m| self.functions.get(m).map(|f| f.name.as_str()))
                .collect();
            let _ = writeln!(
                out,
                "class {}({}) methods [{}]",
                class.name,
                bases.join(", "),
                methods.join(", ")
            );
        }
        for function in &self.functions {
            let params: Vec<String> = function
                .params
                .iter()
                .map(|p| {
                    let prefix = match p.kind {
                        ParamKind::Positional => "",
                        ParamKind::Rest => "*",
                        ParamKind::Keywords => "**",
                        ParamKind::Property => "{}",
                    };
                    match &p.annotation {
                        Some(a) => format!("{prefix}{}: {a}", p.name),
                        None => format!("{prefix}{}", p.name),
                    }
                })
                .collect();
            let decorators: String = function
                .decorators
                .iter()
                .map(|d| format!("@{} ", d.dump()))
                .collect();
            let _ = writeln!(
                out,
                "{decorators}def {}({})",
                function.qualified,
                params.join(", ")
            );
            dump_block(&function.body, 1, &mut out);
        }
        out
    }
}

fn dump_block(body: &[Stmt], depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    for stmt in body {
        match stmt {
            Stmt::Assign {
                targets, value, op, ..
            } => {
                let targets: Vec<String> = targets.iter().map(Target::dump).collect();
                let op = op.as_deref().unwrap_or("");
                let _ = writeln!(out, "{pad}{} {op}= {}", targets.join(" = "), value.dump());
            }
            Stmt::Expr(e) => {
                let _ = writeln!(out, "{pad}{}", e.dump());
            }
            Stmt::Return(e, _) => {
                let _ = writeln!(
                    out,
                    "{pad}return {}",
                    e.as_ref().map_or(String::new(), Expr::dump)
                );
            }
            Stmt::Raise(e, _) => {
                let _ = writeln!(
                    out,
                    "{pad}raise {}",
                    e.as_ref().map_or(String::new(), Expr::dump)
                );
            }
            Stmt::If {
                cond,
                then,
                otherwise,
                ..
            } => {
                let _ = writeln!(out, "{pad}if {}", cond.dump());
                dump_block(then, depth + 1, out);
                if !otherwise.is_empty() {
                    let _ = writeln!(out, "{pad}else");
                    dump_block(otherwise, depth + 1, out);
                }
            }
            Stmt::Loop {
                binding,
                iter,
                body,
                otherwise,
                ..
            } => {
                let binding = binding
                    .as_ref()
                    .map_or(String::new(), |b| format!("{} in ", b.dump()));
                let _ = writeln!(out, "{pad}loop {binding}{}", iter.dump());
                dump_block(body, depth + 1, out);
                if !otherwise.is_empty() {
                    let _ = writeln!(out, "{pad}else");
                    dump_block(otherwise, depth + 1, out);
                }
            }
            Stmt::Try {
                body,
                handlers,
                finally,
                ..
            } => {
                let _ = writeln!(out, "{pad}try");
                dump_block(body, depth + 1, out);
                for h in handlers {
                    let types = h.types.as_ref().map_or(String::new(), Expr::dump);
                    let name = h.name.as_deref().unwrap_or("");
                    let _ = writeln!(out, "{pad}except {types} as {name}");
                    dump_block(&h.body, depth + 1, out);
                }
                if !finally.is_empty() {
                    let _ = writeln!(out, "{pad}finally");
                    dump_block(finally, depth + 1, out);
                }
            }
            Stmt::With { items, body, .. } => {
                let items: Vec<String> = items
                    .iter()
                    .map(|(e, t)| match t {
                        Some(t) => format!("{} as {}", e.dump(), t.dump()),
                        None => e.dump(),
                    })
                    .collect();
                let _ = writeln!(out, "{pad}with {}", items.join(", "));
                dump_block(body, depth + 1, out);
            }
            Stmt::Def { name, .. } => {
                let _ = writeln!(out, "{pad}def {name}");
            }
            Stmt::Switch { subject, cases, .. } => {
                let _ = writeln!(out, "{pad}switch {}", subject.dump());
                for (tests, body) in cases {
                    let tests: Vec<String> = tests.iter().map(Expr::dump).collect();
                    let _ = writeln!(out, "{pad}case {}", tests.join(", "));
                    dump_block(body, depth + 1, out);
                }
            }
        }
    }
}

impl Target {
    pub fn dump(&self) -> String {
        match self {
            Target::Name(n, _) => n.clone(),
            Target::Attr(o, a, _) => format!("{}.{a}", o.dump()),
            Target::Index(o, i, _) => format!("{}[{}]", o.dump(), i.dump()),
            Target::Tuple(items, _) => {
                let items: Vec<String> = items.iter().map(Target::dump).collect();
                format!("({})", items.join(", "))
            }
            Target::Rest(t, _) => format!("*{}", t.dump()),
            Target::Object(props, _) => {
                let props: Vec<String> = props
                    .iter()
                    .map(|(k, t)| format!("{k}: {}", t.dump()))
                    .collect();
                format!("{{{}}}", props.join(", "))
            }
            Target::Opaque(_) => "?".to_string(),
        }
    }
}

impl Expr {
    pub fn dump(&self) -> String {
        match &self.kind {
            ExprKind::Name(n) => n.clone(),
            ExprKind::Attr(o, a) => format!("{}.{a}", o.dump()),
            ExprKind::Index(o, i) => format!("{}[{}]", o.dump(), i.dump()),
            ExprKind::Str(s) => format!("{s:?}"),
            ExprKind::Number(n) => n.clone(),
            ExprKind::Bool(b) => b.to_string(),
            ExprKind::Null => "null".to_string(),
            ExprKind::Template(parts) => {
                let parts: Vec<String> = parts
                    .iter()
                    .map(|p| match p {
                        TemplatePart::Text(t) => format!("{t:?}"),
                        TemplatePart::Value(e) => format!("{{{}}}", e.dump()),
                    })
                    .collect();
                format!("(template {})", parts.join(" "))
            }
            ExprKind::Binary(op, a, b) => format!("({op} {} {})", a.dump(), b.dump()),
            ExprKind::Unary(op, a) => format!("({op} {})", a.dump()),
            ExprKind::Compare(pairs, first) => {
                let rest: String = pairs
                    .iter()
                    .map(|(op, e)| format!(" {op} {}", e.dump()))
                    .collect();
                format!("(compare {}{rest})", first.dump())
            }
            ExprKind::Call {
                callee,
                args,
                construct,
            } => {
                let args: String = args
                    .iter()
                    .map(|a| match &a.keyword {
                        Some(k) => format!(" {k}={}", a.value.dump()),
                        None => format!(" {}", a.value.dump()),
                    })
                    .collect();
                let new = if *construct { "new " } else { "" };
                format!("({new}{}{args})", callee.dump())
            }
            ExprKind::List(items) => {
                let items: Vec<String> = items.iter().map(Expr::dump).collect();
                format!("[{}]", items.join(", "))
            }
            ExprKind::Dict(pairs) => {
                let pairs: Vec<String> = pairs
                    .iter()
                    .map(|(k, v)| match k {
                        Some(k) => format!("{}: {}", k.dump(), v.dump()),
                        None => format!("...{}", v.dump()),
                    })
                    .collect();
                format!("{{{}}}", pairs.join(", "))
            }
            ExprKind::Spread(e) => format!("...{}", e.dump()),
            ExprKind::Comprehension {
                element,
                clauses,
                conditions,
            } => {
                let clauses: String = clauses
                    .iter()
                    .map(|(t, e)| format!(" for {} in {}", t.dump(), e.dump()))
                    .collect();
                let conditions: String = conditions
                    .iter()
                    .map(|c| format!(" if {}", c.dump()))
                    .collect();
                format!("[{}{clauses}{conditions}]", element.dump())
            }
            ExprKind::Cond(c, a, b) => format!("({} ? {} : {})", c.dump(), a.dump(), b.dump()),
            ExprKind::Function(id) => format!("<fn {id}>"),
            ExprKind::Await(e) => format!("(await {})", e.dump()),
            ExprKind::Walrus(n, e) => format!("({n} := {})", e.dump()),
            ExprKind::Opaque(parts) => {
                let parts: String = parts.iter().map(|p| format!(" {}", p.dump())).collect();
                format!("(?{parts})")
            }
        }
    }
}
