//! The library names a module uses: what it imports, and which library functions, classes
//! and methods of library objects it calls, with their constant string arguments. The
//! dependency audit asks of them whether the project reaches the code an advisory names
//! (the scan's reachability grading).

use super::resolve::{Names, module_name};
use crate::analyze::Span;
use crate::analyze::ir::walk::{each_expr, stmt_exprs, walk_stmts};
use crate::analyze::ir::{Expr, ExprKind, Module, Stmt, Target};
use std::collections::HashMap;

/// Uses kept per module: enough for every import and call of a large file.
const MAX_USES: usize = 8_192;
/// Constant arguments kept per call, and their length.
const MAX_LITERALS: usize = 8;
const MAX_LITERAL_CHARS: usize = 64;

/// One import of, or call into, a library.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LibraryUse {
    /// Dotted, through imports and aliases: `mcp.server.fastmcp.FastMCP.run` for `mcp.run()`
    /// on `mcp = FastMCP(...)`, `smallvec.SmallVec.grow`.
    pub name: String,
    pub call: bool,
    pub span: Span,
    /// A call's constant string arguments (`transport="sse"` gives `sse`).
    pub literals: Vec<String>,
    /// A call has an argument that is not a constant: a value chosen at run time.
    pub computed_args: bool,
}

pub(super) fn library_uses(module: &Module, names: &Names) -> Vec<LibraryUse> {
    let mut uses = Vec::new();
    for import in &module.imports {
        if import.module.starts_with('.') || import.module.is_empty() {
            continue;
        }
        let base = module_name(&import.module);
        let name = match import.member.as_deref() {
            None | Some("*") | Some("default") => base,
            Some(member) => format!("{base}.{member}"),
        };
        uses.push(LibraryUse {
            name,
            call: false,
            span: import.span,
            literals: Vec::new(),
            computed_args: false,
        });
    }
    let top = module.functions.first().map_or(&[][..], |f| &f.body[..]);
    let globals = instances(top, names, &HashMap::new());
    for (id, function) in module.functions.iter().enumerate() {
        let locals = if id == 0 {
            HashMap::new()
        } else {
            instances(&function.body, names, &globals)
        };
        let scope = Scope {
            names,
            globals: &globals,
            locals: &locals,
        };
        for decorator in &function.decorators {
            each_expr(decorator, &mut |e| scope.record(e, &mut uses));
        }
        walk_stmts(&function.body, &mut |stmt| {
            stmt_exprs(stmt, &mut |e| scope.record(e, &mut uses));
        });
        if uses.len() >= MAX_USES {
            uses.truncate(MAX_USES);
            break;
        }
    }
    uses
}

/// Variables (and `self.x` / `this.x` fields) bound to an object a library call made:
/// `mcp = FastMCP("notes")`, `let v = SmallVec::new()` -> the library type.
fn instances(
    body: &[Stmt],
    names: &Names,
    outer: &HashMap<String, String>,
) -> HashMap<String, String> {
    let mut found = HashMap::new();
    walk_stmts(body, &mut |stmt| {
        let Stmt::Assign {
            targets,
            value,
            op: None,
            ..
        } = stmt
        else {
            return;
        };
        let [target] = targets.as_slice() else {
            return;
        };
        let Some(key) = target_key(target) else {
            return;
        };
        let scope = Scope {
            names,
            globals: outer,
            locals: &found,
        };
        if let Some(type_name) = scope.made_by(value) {
            found.insert(key, type_name);
        }
    });
    found
}

fn target_key(target: &Target) -> Option<String> {
    match target {
        Target::Name(name, _) => Some(name.clone()),
        Target::Attr(object, field, _) => match &object.kind {
            ExprKind::Name(owner) if owner == "self" || owner == "this" => {
                Some(format!("{owner}.{field}"))
            }
            _ => None,
        },
        _ => None,
    }
}

struct Scope<'a> {
    names: &'a Names,
    globals: &'a HashMap<String, String>,
    locals: &'a HashMap<String, String>,
}

impl Scope<'_> {
    fn record(&self, e: &Expr, uses: &mut Vec<LibraryUse>) {
        if uses.len() >= MAX_USES {
            return;
        }
        let ExprKind::Call { callee, args, .. } = &e.kind else {
            return;
        };
        let Some(name) = self.library_name(callee) else {
            return;
        };
        let mut literals = Vec::new();
        let mut computed_args = false;
        for arg in args {
            match &arg.value.kind {
                ExprKind::Str(text) => {
                    if literals.len() < MAX_LITERALS {
                        literals.push(text.chars().take(MAX_LITERAL_CHARS).collect());
                    }
                }
                ExprKind::Number(_) | ExprKind::Bool(_) | ExprKind::Null => {}
                _ => computed_args = true,
            }
        }
        uses.push(LibraryUse {
            name,
            call: true,
            span: e.span,
            literals,
            computed_args,
        });
    }

    /// The library name a callee stands for: an imported name chain, or a method of an
    /// object a library call made.
    fn library_name(&self, callee: &Expr) -> Option<String> {
        match &callee.kind {
            ExprKind::Await(inner) => self.library_name(inner),
            ExprKind::Attr(object, method) => {
                if let Some(type_name) = self.type_of(object) {
                    return Some(format!("{type_name}.{method}"));
                }
                self.imported_chain(callee)
            }
            _ => self.imported_chain(callee),
        }
    }

    fn imported_chain(&self, callee: &Expr) -> Option<String> {
        let mut root = callee;
        while let ExprKind::Attr(object, _) = &root.kind {
            root = object;
        }
        let ExprKind::Name(root) = &root.kind else {
            return None;
        };
        if !self.names.is_imported(root) {
            return None;
        }
        self.names.canonical(callee)
    }

    /// The library type of an object expression: a variable or field bound to a library
    /// call's result, or such a call itself (`FastMCP("x").run()`).
    fn type_of(&self, object: &Expr) -> Option<String> {
        let key = match &object.kind {
            ExprKind::Name(name) => name.clone(),
            ExprKind::Attr(owner, field) => match &owner.kind {
                ExprKind::Name(o) if o == "self" || o == "this" => format!("{o}.{field}"),
                _ => return None,
            },
            ExprKind::Await(inner) => return self.type_of(inner),
            ExprKind::Call { .. } => return self.made_by(object),
            _ => return None,
        };
        self.locals
            .get(&key)
            .or_else(|| self.globals.get(&key))
            .cloned()
    }

    /// The type of the object a call of a library makes: the class called, or the type whose
    /// associated function is called (`SmallVec::new()`, `Client.builder()`).
    fn made_by(&self, value: &Expr) -> Option<String> {
        let value = match &value.kind {
            ExprKind::Await(inner) => inner,
            _ => value,
        };
        let ExprKind::Call { callee, .. } = &value.kind else {
            return None;
        };
        let name = self.library_name(callee)?;
        let (owner, last) = name.rsplit_once('.').unwrap_or(("", &name));
        let starts_upper = |s: &str| s.chars().next().is_some_and(char::is_uppercase);
        let owner_last = owner.rsplit('.').next().unwrap_or("");
        if !starts_upper(last) && starts_upper(owner_last) {
            Some(owner.to_string())
        } else {
            Some(name)
        }
    }
}
