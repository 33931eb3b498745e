//! Whether the project's own code reaches the code a dependency advisory is about. An
//! advisory that names its vulnerable functions, types or modules (RustSec
//! `affected.functions`, OSV `ecosystem_specific`, or mcpgate's map of MCP SDK advisories)
//! is graded by what the source files next to and below the dependency file do with them:
//!
//! | found                          | severity                                       |
//! |--------------------------------|------------------------------------------------|
//! | a call (`called`)              | the advisory's                                 |
//! | an import only (`imported`)    | one level lower                                |
//! | neither (`not-imported`)       | two levels lower for a direct dependency, one for another (a package in between may call it) |
//! | a source file was not analyzed (`unknown`) | the advisory's                     |
//!
//! Never below low: a finding is graded, never hidden.

use crate::analyze::LibraryUses;
use crate::analyze::engine::uses::LibraryUse;
use crate::finding::{Finding, Location, Reach, ReachStatus, Severity, TraceStep};
use crate::rules::Language;

/// Evidence kept per finding.
const MAX_EVIDENCE: usize = 3;
/// Symbols a message names before "and N more".
const SHOWN_SYMBOLS: usize = 3;

/// One source file's library uses, by its report path.
pub struct SourceFile<'a> {
    pub path: &'a str,
    pub uses: &'a LibraryUses,
}

/// Grades every dependency finding whose advisory names symbols, and says why in its message.
pub fn grade(findings: &mut [Finding], sources: &[SourceFile<'_>]) {
    for finding in findings {
        grade_one(finding, sources);
    }
}

fn grade_one(finding: &mut Finding, sources: &[SourceFile<'_>]) {
    let path = finding.location.path.clone();
    let severity = finding.severity;
    let Some(advisory) = finding.advisory.as_deref_mut() else {
        return;
    };
    if advisory.symbols.is_empty() {
        return;
    }
    let Some((languages, language)) = languages_of(&advisory.ecosystem) else {
        return;
    };
    let crate_paths = advisory.ecosystem == "crates.io";
    let symbols: Vec<Symbol<'_>> = advisory
        .symbols
        .iter()
        .map(|s| Symbol::new(s, crate_paths))
        .collect();
    let dir = crate::deps::audit::parent_dir(&path);
    let mut called: Vec<TraceStep> = Vec::new();
    let mut imported: Vec<TraceStep> = Vec::new();
    let mut analyzed = 0usize;
    let mut unread = 0usize;
    for source in sources {
        if !languages.contains(&source.uses.lang) || !under(dir, source.path) {
            continue;
        }
        if !source.uses.complete {
            unread += 1;
            continue;
        }
        analyzed += 1;
        for used in &source.uses.uses {
            for symbol in &symbols {
                if called.len() < MAX_EVIDENCE && symbol.called_by(used) {
                    called.push(step(source.path, used, Some(symbol), crate_paths));
                    break;
                }
                if imported.len() < MAX_EVIDENCE && symbol.overlaps(used) {
                    imported.push(step(source.path, used, None, crate_paths));
                    break;
                }
            }
        }
    }
    let where_ = if dir.is_empty() {
        String::new()
    } else {
        format!(" under `{dir}`")
    };
    let concerns = advisory
        .concerns
        .as_deref()
        .map(|c| format!("the advisory concerns {c}; "))
        .unwrap_or_default();
    let (status, graded, note, evidence) = if let Some(first) = called.first() {
        let note = format!("{concerns}reached: {} ({})", first.message, at(first));
        (ReachStatus::Called, severity, note, called)
    } else if unread > 0 || analyzed == 0 {
        let why = if unread > 0 {
            format!("{unread} {language} file(s){where_} could not be analyzed")
        } else {
            format!("no {language} source{where_} was analyzed")
        };
        let note = format!(
            "{concerns}whether the project reaches {} is not known: {why}",
            shown(&symbols)
        );
        (ReachStatus::Unknown, severity, note, imported)
    } else if let Some(first) = imported.first() {
        let graded = lower(severity, 1);
        let note = format!(
            "{concerns}{} ({}), but nothing calls {}: graded {} (the advisory says {})",
            first.message,
            at(first),
            shown(&symbols),
            graded.as_str(),
            severity.as_str()
        );
        (ReachStatus::Imported, graded, note, imported)
    } else {
        let steps = if advisory.direct == Some(true) { 2 } else { 1 };
        let graded = lower(severity, steps);
        let note = format!(
            "{concerns}no {language} code{where_} imports or calls {}: graded {} (the advisory says {})",
            shown(&symbols),
            graded.as_str(),
            severity.as_str()
        );
        (ReachStatus::NotImported, graded, note, Vec::new())
    };
    advisory.reach = Some(Reach {
        status,
        advisory_severity: severity,
        evidence,
    });
    finding.severity = graded;
    finding.message = format!("{}; {note}", finding.message);
}

/// The languages whose source can use a package of the ecosystem (OSV name), and how a
/// message names them; `None` for an ecosystem whose source mcpgate does not analyze.
fn languages_of(ecosystem: &str) -> Option<(&'static [Language], &'static str)> {
    match ecosystem {
        "PyPI" => Some((&[Language::Python], "Python")),
        "npm" => Some((
            &[Language::TypeScript, Language::JavaScript],
            "JavaScript or TypeScript",
        )),
        "crates.io" => Some((&[Language::Rust], "Rust")),
        _ => None,
    }
}

/// `path` is in `dir` or below it (`""` is the root).
fn under(dir: &str, path: &str) -> bool {
    dir.is_empty()
        || path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/'))
}

fn lower(severity: Severity, steps: usize) -> Severity {
    let mut graded = severity;
    for _ in 0..steps {
        graded = graded.one_lower();
    }
    // Graded, never hidden: a vulnerable package stays worth a look.
    graded.max(Severity::Low.min(severity))
}

/// An advisory's symbol as mcpgate compares it with uses: dotted, and maybe with a constant
/// argument a call must pass (`mcp.server.fastmcp.FastMCP.run#sse`).
struct Symbol<'a> {
    written: &'a str,
    name: String,
    argument: Option<&'a str>,
}

impl<'a> Symbol<'a> {
    fn new(written: &'a str, crate_path: bool) -> Symbol<'a> {
        let (path, argument) = match written.split_once('#') {
            Some((path, argument)) => (path, Some(argument)),
            None => (written, None),
        };
        let mut name = path.replace("::", ".");
        // A crate's name is written with `-` in Cargo.toml and with `_` in paths.
        if crate_path {
            let end = name.find('.').unwrap_or(name.len());
            let root = name.get(..end).unwrap_or("").replace('-', "_");
            name.replace_range(..end, &root);
        }
        Symbol {
            written: path,
            name,
            argument,
        }
    }

    /// A call of the symbol, or of a member of it (a module's function, a type's method), with
    /// the argument it requires or an argument chosen at run time.
    fn called_by(&self, used: &LibraryUse) -> bool {
        used.call
            && within(&self.name, &used.name)
            && self.argument.is_none_or(|argument| {
                used.computed_args || used.literals.iter().any(|l| l == argument)
            })
    }

    /// The use names the symbol, what holds it (its module or type), or part of it; a bare
    /// package name is not enough unless the symbol is one.
    fn overlaps(&self, used: &LibraryUse) -> bool {
        let (shorter, longer) = if used.name.len() <= self.name.len() {
            (used.name.as_str(), self.name.as_str())
        } else {
            (self.name.as_str(), used.name.as_str())
        };
        within(shorter, longer) && (shorter.contains('.') || shorter == self.name)
    }
}

/// `name` is `outer` or inside it (`a.b.c` is within `a.b`).
fn within(outer: &str, name: &str) -> bool {
    name.strip_prefix(outer)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

/// A use as evidence; `called` is the symbol it calls, whose argument the message shows.
fn step(
    path: &str,
    used: &LibraryUse,
    called: Option<&Symbol<'_>>,
    crate_paths: bool,
) -> TraceStep {
    let verb = if used.call { "calls" } else { "imports" };
    let argument = match called.and_then(|s| s.argument) {
        Some(a) if used.literals.iter().any(|l| l == a) => format!(" with \"{a}\""),
        Some(_) => " with an argument chosen at run time".to_string(),
        None => String::new(),
    };
    // Rust paths as Rust writes them.
    let name = if crate_paths {
        used.name.replace('.', "::")
    } else {
        used.name.clone()
    };
    TraceStep {
        location: Location {
            path: path.to_string(),
            start_line: used.span.start_row + 1,
            start_column: used.span.start_byte_col + 1,
            end_line: used.span.end_row + 1,
            end_column: used.span.end_byte_col + 1,
            // An entry of a release archive is reported as `archive!/entry`.
            archive: path
                .split_once("!/")
                .map(|(archive, _)| archive.to_string()),
        },
        message: format!("{verb} `{name}`{argument}"),
    }
}

fn at(step: &TraceStep) -> String {
    format!("{}:{}", step.location.path, step.location.start_line)
}

fn shown(symbols: &[Symbol<'_>]) -> String {
    let mut written: Vec<&str> = Vec::new();
    for symbol in symbols {
        if !written.contains(&symbol.written) {
            written.push(symbol.written);
        }
    }
    let mut text = written
        .iter()
        .take(SHOWN_SYMBOLS)
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if written.len() > SHOWN_SYMBOLS {
        text.push_str(&format!(" and {} more", written.len() - SHOWN_SYMBOLS));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::Span;

    fn call(name: &str, literals: &[&str], computed_args: bool) -> LibraryUse {
        LibraryUse {
            name: name.into(),
            call: true,
            span: Span::default(),
            literals: literals.iter().map(|s| s.to_string()).collect(),
            computed_args,
        }
    }

    #[test]
    fn symbols_match_calls_of_themselves_and_their_members() {
        let run = Symbol::new("mcp.server.fastmcp.FastMCP.run#sse", false);
        assert!(run.called_by(&call("mcp.server.fastmcp.FastMCP.run", &["sse"], false)));
        assert!(run.called_by(&call("mcp.server.fastmcp.FastMCP.run", &[], true)));
        assert!(!run.called_by(&call("mcp.server.fastmcp.FastMCP.run", &["stdio"], false)));
        assert!(!run.called_by(&call("mcp.server.fastmcp.FastMCP.run_x", &["sse"], false)));
        let module = Symbol::new("mcp.server.sse", false);
        assert!(module.called_by(&call("mcp.server.sse.SseServerTransport", &[], false)));
        let grow = Symbol::new("small-vec::SmallVec::grow", true);
        assert_eq!(grow.name, "small_vec.SmallVec.grow");
    }

    #[test]
    fn an_import_overlaps_what_holds_the_symbol_but_a_bare_package_does_not() {
        let import = |name: &str| LibraryUse {
            call: false,
            ..call(name, &[], false)
        };
        let sse = Symbol::new("mcp.server.sse.SseServerTransport", false);
        assert!(sse.overlaps(&import("mcp.server.sse")));
        assert!(sse.overlaps(&import("mcp.server.sse.SseServerTransport")));
        assert!(!sse.overlaps(&import("mcp")));
        assert!(!sse.overlaps(&import("mcp.server.stdio")));
        assert!(Symbol::new("mcp", false).overlaps(&import("mcp")));
    }

    #[test]
    fn grading_lowers_but_never_below_low() {
        assert_eq!(lower(Severity::Critical, 2), Severity::Medium);
        assert_eq!(lower(Severity::High, 2), Severity::Low);
        assert_eq!(lower(Severity::Medium, 2), Severity::Low);
        assert_eq!(lower(Severity::Info, 1), Severity::Info);
    }
}
