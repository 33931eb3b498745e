//! Lockfiles and manifests: which files they are (by name), and the packages and specs in
//! them, each with the line it is declared on so findings land on the diff.

mod cargo;
mod go;
mod npm;
mod python;

use super::Ecosystem;

/// A resolved package of a lockfile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Package {
    pub ecosystem: Ecosystem,
    /// As the lockfile writes it.
    pub name: String,
    pub version: String,
    /// `Some(true)` for a direct dependency of the project, `Some(false)` for a transitive one,
    /// `None` when the file does not say.
    pub direct: Option<bool>,
    pub line: usize,
}

/// A dependency spec in a manifest that pins nothing or fetches from outside a registry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecIssue {
    pub problem: SpecProblem,
    pub name: String,
    pub spec: String,
    pub line: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpecProblem {
    /// `*`, `latest`, `x`, an empty spec, or a requirement without `==`.
    Unpinned,
    /// A git or http URL, or a `file:` path outside the repository.
    RemoteSource,
    /// An install lifecycle script (`postinstall`...) that fetches from the network.
    InstallScript,
}

/// What one dependency file holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Inventory {
    pub packages: Vec<Package>,
    pub issues: Vec<SpecIssue>,
    /// For manifests: the line where dependencies are declared, when there are any (for the
    /// missing-lockfile check).
    pub declares_dependencies: Option<usize>,
    /// `-r`/`-c` includes of a requirements file, as written.
    pub includes: Vec<String>,
}

impl Inventory {
    /// Packages whose version is a source, not a version (`https://pkg.pr.new/...`,
    /// `git+ssh://...#sha`, `github:owner/repo`, `file:../x`): no advisory can be compared
    /// with them. One from outside the repository is a remote source (a finding); one inside
    /// it (`file:`, `link:`, `workspace:`) is the repository's own code, which the scan reads.
    fn settle_sources(&mut self) {
        let mut issues = Vec::new();
        self.packages.retain(|p| match version_source(&p.version) {
            None => true,
            Some(Source::Local) => false,
            Some(Source::Remote) => {
                issues.push(SpecIssue {
                    problem: SpecProblem::RemoteSource,
                    name: p.name.clone(),
                    spec: p.version.clone(),
                    line: p.line,
                });
                false
            }
        });
        self.issues.extend(issues);
    }
}

enum Source {
    Local,
    Remote,
}

/// What a lockfile "version" that is not a version points at.
fn version_source(version: &str) -> Option<Source> {
    let local = ["file:", "link:", "workspace:", "portal:"];
    if local.iter().any(|p| version.starts_with(p)) {
        return Some(Source::Local);
    }
    let remote = [
        "git+",
        "git:",
        "github:",
        "gitlab:",
        "bitbucket:",
        "gist:",
        "http:",
        "https:",
    ];
    (remote.iter().any(|p| version.starts_with(p)) || version.contains("://"))
        .then_some(Source::Remote)
}

/// A lockfile or manifest that does not parse: the line when known, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub line: Option<usize>,
    pub reason: String,
}

impl ParseError {
    fn new(line: Option<usize>, reason: impl Into<String>) -> ParseError {
        ParseError {
            line,
            reason: reason.into(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LockfileKind {
    CargoLock,
    /// package-lock.json (v1 to v3) and npm-shrinkwrap.json.
    NpmLock,
    PnpmLock,
    YarnLock,
    PackageJson,
    Requirements,
    PoetryLock,
    UvLock,
    PipfileLock,
    PyLock,
    PyProject,
    GoMod,
}

/// Which packages a lockfile pins, for the missing-lockfile check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    Node,
    Python,
}

impl LockfileKind {
    /// The kind of a file by its path relative to the scan root.
    pub fn for_path(rel_path: &str) -> Option<LockfileKind> {
        let mut parts = rel_path.rsplit('/');
        let name = parts.next()?;
        let parent = parts.next().unwrap_or("");
        let kind = match name {
            "Cargo.lock" => LockfileKind::CargoLock,
            "package-lock.json" | "npm-shrinkwrap.json" => LockfileKind::NpmLock,
            "pnpm-lock.yaml" => LockfileKind::PnpmLock,
            "yarn.lock" => LockfileKind::YarnLock,
            "package.json" => LockfileKind::PackageJson,
            "poetry.lock" => LockfileKind::PoetryLock,
            "uv.lock" => LockfileKind::UvLock,
            "Pipfile.lock" => LockfileKind::PipfileLock,
            "pylock.toml" => LockfileKind::PyLock,
            "pyproject.toml" => LockfileKind::PyProject,
            "go.mod" => LockfileKind::GoMod,
            _ if name.starts_with("pylock.") && name.ends_with(".toml") => LockfileKind::PyLock,
            _ if name.ends_with(".txt")
                && (name.contains("requirements")
                    || name.contains("constraints")
                    || parent == "requirements") =>
            {
                LockfileKind::Requirements
            }
            _ => return None,
        };
        Some(kind)
    }

    /// The packages it pins for the missing-lockfile check, if it is a lockfile.
    pub fn locks(self) -> Option<Family> {
        match self {
            LockfileKind::NpmLock | LockfileKind::PnpmLock | LockfileKind::YarnLock => {
                Some(Family::Node)
            }
            LockfileKind::Requirements
            | LockfileKind::PoetryLock
            | LockfileKind::UvLock
            | LockfileKind::PipfileLock
            | LockfileKind::PyLock => Some(Family::Python),
            _ => None,
        }
    }

    /// The manifest family that wants a lockfile beside it.
    pub fn wants_lock(self) -> Option<Family> {
        match self {
            LockfileKind::PackageJson => Some(Family::Node),
            LockfileKind::PyProject => Some(Family::Python),
            _ => None,
        }
    }

    /// Parses a file of this kind; `rel_path` (from the scan root) places `file:` specs.
    pub fn parse(self, rel_path: &str, text: &str) -> Result<Inventory, ParseError> {
        let mut inventory = self.parse_unordered(rel_path, text)?;
        inventory.settle_sources();
        inventory
            .packages
            .sort_by(|a, b| (a.line, &a.name, &a.version).cmp(&(b.line, &b.name, &b.version)));
        Ok(inventory)
    }

    fn parse_unordered(self, rel_path: &str, text: &str) -> Result<Inventory, ParseError> {
        match self {
            LockfileKind::CargoLock => cargo::lockfile(text),
            LockfileKind::NpmLock => npm::package_lock(text),
            LockfileKind::PnpmLock => npm::pnpm_lock(text),
            LockfileKind::YarnLock => npm::yarn_lock(text),
            LockfileKind::PackageJson => npm::package_json(rel_path, text),
            LockfileKind::Requirements => Ok(python::requirements(text)),
            LockfileKind::PoetryLock => python::poetry_lock(text),
            LockfileKind::UvLock => python::uv_lock(text),
            LockfileKind::PipfileLock => python::pipfile_lock(text),
            LockfileKind::PyLock => python::pylock(text),
            LockfileKind::PyProject => python::pyproject(text),
            LockfileKind::GoMod => Ok(go::go_mod(text)),
        }
    }
}

/// Byte offset to line, and first-occurrence search, for formats whose parsers give no
/// positions.
pub(crate) struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(text: &'a str) -> Lines<'a> {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { text, starts }
    }

    /// 1-based line of a byte offset.
    pub(crate) fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset).max(1)
    }

    /// The line of the first occurrence of `needle` at or after `from`, and the offset after it.
    pub(crate) fn find_from(&self, needle: &str, from: usize) -> Option<(usize, usize)> {
        let rest = self.text.get(from..)?;
        let at = from + rest.find(needle)?;
        Some((self.line_of(at), at + needle.len()))
    }
}

/// `name = "value"` in TOML, the value unquoted.
pub(crate) fn toml_string_value<'t>(line: &'t str, key: &str) -> Option<&'t str> {
    let rest = line.trim_start().strip_prefix(key)?.trim_start();
    let rest = rest.strip_prefix('=')?.trim();
    rest.strip_prefix('"')?.split('"').next()
}

/// The line of each `[[table]]` entry's `name` key, by (name, version), for TOML lockfiles
/// (Cargo.lock, poetry.lock, uv.lock, pylock.toml).
pub(crate) fn toml_entry_lines(
    text: &str,
    table: &str,
) -> std::collections::HashMap<(String, String), usize> {
    let header = format!("[[{table}]]");
    let mut out = std::collections::HashMap::new();
    let mut in_entry = false;
    let mut name: Option<(String, usize)> = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_entry = trimmed == header;
            name = None;
            continue;
        }
        if !in_entry {
            continue;
        }
        if let Some(n) = toml_string_value(line, "name") {
            name = Some((n.to_string(), i + 1));
        } else if let (Some(v), Some((n, at))) = (toml_string_value(line, "version"), &name) {
            out.entry((n.clone(), v.to_string())).or_insert(*at);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_recognised_by_name() {
        let k = LockfileKind::for_path;
        assert_eq!(k("a/package-lock.json"), Some(LockfileKind::NpmLock));
        assert_eq!(k("requirements-dev.txt"), Some(LockfileKind::Requirements));
        assert_eq!(k("requirements/base.txt"), Some(LockfileKind::Requirements));
        assert_eq!(k("notes.txt"), None);
        assert_eq!(k("pylock.dev.toml"), Some(LockfileKind::PyLock));
        assert_eq!(k("src/Cargo.lock"), Some(LockfileKind::CargoLock));
    }

    #[test]
    fn lines_find_offsets() {
        let lines = Lines::new("a\nbb\nccc\n");
        assert_eq!(lines.line_of(0), 1);
        assert_eq!(lines.line_of(2), 2);
        assert_eq!(lines.find_from("cc", 0), Some((3, 7)));
        assert_eq!(lines.find_from("zz", 0), None);
    }
}
