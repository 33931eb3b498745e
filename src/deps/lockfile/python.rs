//! Python's files: requirements files (pins, hashes, includes, unpinned lines), poetry.lock,
//! uv.lock, Pipfile.lock, pylock.toml, and pyproject.toml's declared dependencies.

use super::{Inventory, Package, ParseError, SpecIssue, SpecProblem, toml_entry_lines};
use crate::deps::Ecosystem;
use serde::Deserialize;
use std::collections::HashSet;

pub(super) fn requirements(text: &str) -> Inventory {
    let mut inventory = Inventory::default();
    let mut logical = String::new();
    let mut start_line = 0;
    for (i, raw) in text.lines().enumerate() {
        if logical.is_empty() {
            start_line = i + 1;
        }
        // A comment starts at `#` at the line start or after whitespace (URLs keep fragments).
        let code = match raw.find(" #").or_else(|| raw.starts_with('#').then_some(0)) {
            Some(at) => &raw[..at],
            None => raw,
        };
        if let Some(continued) = code.trim_end().strip_suffix('\\') {
            logical.push_str(continued);
            logical.push(' ');
            continue;
        }
        logical.push_str(code);
        let line = std::mem::take(&mut logical);
        requirement_line(line.trim(), start_line, &mut inventory);
    }
    if !logical.trim().is_empty() {
        requirement_line(logical.trim(), start_line, &mut inventory);
    }
    inventory
}

fn requirement_line(line: &str, at: usize, inventory: &mut Inventory) {
    if line.is_empty() {
        return;
    }
    if line.starts_with('-') {
        for flag in ["-r", "--requirement", "-c", "--constraint"] {
            if let Some(rest) = line.strip_prefix(flag)
                && rest.starts_with([' ', '='])
            {
                let target = rest.trim_start_matches([' ', '=']).trim();
                if !target.is_empty() {
                    inventory.includes.push(target.to_string());
                }
            }
        }
        if let Some(rest) = line
            .strip_prefix("-e ")
            .or_else(|| line.strip_prefix("--editable "))
        {
            let target = rest.trim();
            if is_url(target) {
                inventory.issues.push(url_requirement(target, at));
            }
        }
        return;
    }
    if is_url(line) {
        inventory.issues.push(url_requirement(line, at));
        return;
    }
    // name[extras] specifiers ; marker  --hash=...
    let line = line.split(" --").next().unwrap_or(line);
    let requirement = line.split(';').next().unwrap_or(line).trim();
    let name_end = requirement
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(requirement.len());
    let name = &requirement[..name_end];
    if name.is_empty() {
        return;
    }
    let mut rest = requirement[name_end..].trim_start();
    if rest.starts_with('[') {
        rest = rest.split_once(']').map_or("", |(_, r)| r).trim_start();
    }
    if let Some(url) = rest.strip_prefix('@') {
        inventory.issues.push(SpecIssue {
            problem: SpecProblem::RemoteSource,
            name: name.to_string(),
            spec: url.trim().to_string(),
            line: at,
        });
        return;
    }
    let spec = rest.trim();
    let pinned = spec
        .strip_prefix("===")
        .or_else(|| spec.strip_prefix("=="))
        .map(str::trim)
        .filter(|v| !v.is_empty() && !v.contains([',', '*']));
    match pinned {
        Some(version) => inventory.packages.push(Package {
            ecosystem: Ecosystem::PyPi,
            name: name.to_string(),
            version: version.to_string(),
            direct: None,
            line: at,
        }),
        None => inventory.issues.push(SpecIssue {
            problem: SpecProblem::Unpinned,
            name: name.to_string(),
            spec: spec.to_string(),
            line: at,
        }),
    }
}

/// A requirement that is only a URL (`git+https://...#egg=x`): named by the URL itself.
fn url_requirement(url: &str, line: usize) -> SpecIssue {
    SpecIssue {
        problem: SpecProblem::RemoteSource,
        name: url.to_string(),
        spec: url.to_string(),
        line,
    }
}

fn is_url(text: &str) -> bool {
    [
        "git+", "hg+", "svn+", "bzr+", "http://", "https://", "file:",
    ]
    .iter()
    .any(|p| text.starts_with(p))
}

fn toml_error(e: toml::de::Error, text: &str) -> ParseError {
    let line = e
        .span()
        .map(|s| crate::error::line_of_offset(text, s.start));
    ParseError::new(line, e.message().to_string())
}

#[derive(Deserialize)]
struct LockEntry {
    name: String,
    version: Option<String>,
    #[serde(default)]
    source: Option<toml::Value>,
    #[serde(default)]
    dependencies: Vec<toml::Value>,
}

#[derive(Deserialize)]
struct TomlLock {
    #[serde(default)]
    package: Vec<LockEntry>,
}

pub(super) fn poetry_lock(text: &str) -> Result<Inventory, ParseError> {
    let lock: TomlLock = toml::from_str(text).map_err(|e| toml_error(e, text))?;
    Ok(toml_packages(text, "package", lock.package, None))
}

pub(super) fn uv_lock(text: &str) -> Result<Inventory, ParseError> {
    // The artifacts blanked when uv wrote them as it does; else (or if that does not parse:
    // its error is the whole text's to report) the whole text.
    let lock: TomlLock = match without_artifacts(text).map(|t| toml::from_str(&t)) {
        Some(Ok(lock)) => lock,
        _ => toml::from_str(text).map_err(|e| toml_error(e, text))?,
    };
    // The project itself is an editable or virtual entry; its dependencies are direct.
    let is_local = |e: &LockEntry| {
        e.source
            .as_ref()
            .and_then(|s| s.as_table())
            .is_some_and(|t| {
                t.contains_key("editable")
                    || t.contains_key("virtual")
                    || t.contains_key("directory")
            })
    };
    let direct: HashSet<String> = lock
        .package
        .iter()
        .filter(|e| is_local(e))
        .flat_map(|e| &e.dependencies)
        .filter_map(|d| d.get("name").and_then(|n| n.as_str()))
        .map(|n| Ecosystem::PyPi.normalize_name(n))
        .collect();
    let entries = lock.package.into_iter().filter(|e| !is_local(e)).collect();
    Ok(toml_packages(text, "package", entries, Some(&direct)))
}

/// A uv.lock with each package's artifacts blanked out: `sdist = { ... }` on one line, and
/// `wheels = [` to its closing `]` with one `{ ... }` per line between, as uv writes them.
/// They are most of the file's bytes and the audit reads none of them; spaces in their place
/// keep every other byte where it was. `None` when a `wheels` list does not have that shape.
fn without_artifacts(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut in_wheels = false;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        let blank = if in_wheels {
            if trimmed == "]" {
                in_wheels = false;
            } else if !(trimmed.starts_with('{') && trimmed.trim_end_matches(',').ends_with('}')) {
                return None;
            }
            true
        } else if trimmed == "wheels = [" {
            in_wheels = true;
            true
        } else {
            trimmed.starts_with("sdist = {") && trimmed.ends_with('}')
        };
        if blank {
            let content = line.trim_end_matches(['\n', '\r']);
            out.extend(std::iter::repeat_n(' ', content.len()));
            out.push_str(line.get(content.len()..).unwrap_or_default());
        } else {
            out.push_str(line);
        }
    }
    (!in_wheels).then_some(out)
}

pub(super) fn pylock(text: &str) -> Result<Inventory, ParseError> {
    #[derive(Deserialize)]
    struct PyLock {
        #[serde(default)]
        packages: Vec<LockEntry>,
    }
    let lock: PyLock = toml::from_str(text).map_err(|e| toml_error(e, text))?;
    Ok(toml_packages(text, "packages", lock.packages, None))
}

fn toml_packages(
    text: &str,
    table: &str,
    entries: Vec<LockEntry>,
    direct: Option<&HashSet<String>>,
) -> Inventory {
    let lines = toml_entry_lines(text, table);
    let packages = entries
        .into_iter()
        .filter_map(|e| {
            let version = e.version?;
            let line = lines
                .get(&(e.name.clone(), version.clone()))
                .copied()
                .unwrap_or(1);
            Some(Package {
                ecosystem: Ecosystem::PyPi,
                direct: direct.map(|d| d.contains(&Ecosystem::PyPi.normalize_name(&e.name))),
                name: e.name,
                version,
                line,
            })
        })
        .collect();
    Inventory {
        packages,
        ..Inventory::default()
    }
}

pub(super) fn pipfile_lock(text: &str) -> Result<Inventory, ParseError> {
    let root: serde_json::Value =
        serde_json::from_str(text).map_err(|e| ParseError::new(Some(e.line()), e.to_string()))?;
    let lines = super::Lines::new(text);
    let mut packages = Vec::new();
    for section in ["default", "develop"] {
        let Some(map) = root.get(section).and_then(|s| s.as_object()) else {
            continue;
        };
        let (start, end) = section_bounds(&lines, text, section);
        let keys = super::npm::quoted_key_lines(text.get(start..end).unwrap_or(""));
        let first_line = lines.line_of(start);
        for (name, entry) in map {
            let Some(version) = entry.get("version").and_then(|v| v.as_str()) else {
                continue;
            };
            let line = keys.get(name.as_str()).map_or(1, |l| first_line + l - 1);
            packages.push(Package {
                ecosystem: Ecosystem::PyPi,
                name: name.clone(),
                version: version.trim_start_matches("==").to_string(),
                direct: None,
                line,
            });
        }
    }
    Ok(Inventory {
        packages,
        ..Inventory::default()
    })
}

/// The byte range of a top-level Pipfile.lock section: from its key to the next section.
fn section_bounds(lines: &super::Lines<'_>, text: &str, section: &str) -> (usize, usize) {
    let start = lines
        .find_from(&format!("\"{section}\""), 0)
        .map_or(0, |(_, end)| end);
    let end = ["default", "develop", "_meta"]
        .iter()
        .filter(|s| **s != section)
        .filter_map(|s| lines.find_from(&format!("\"{s}\": {{"), start))
        .map(|(_, end)| end)
        .min()
        .unwrap_or(text.len());
    (start, end)
}

/// pyproject.toml: only whether it declares dependencies, and where (for the
/// missing-lockfile check).
pub(super) fn pyproject(text: &str) -> Result<Inventory, ParseError> {
    let root: toml::Table = toml::from_str(text).map_err(|e| toml_error(e, text))?;
    let pep621 = root
        .get("project")
        .and_then(|p| p.get("dependencies"))
        .and_then(|d| d.as_array())
        .is_some_and(|d| !d.is_empty());
    let poetry = root
        .get("tool")
        .and_then(|t| t.get("poetry"))
        .and_then(|p| p.get("dependencies"))
        .and_then(|d| d.as_table())
        .is_some_and(|d| d.keys().any(|k| k != "python"));
    let mut inventory = Inventory::default();
    if pep621 || poetry {
        let key = if pep621 {
            "dependencies"
        } else {
            "tool.poetry.dependencies"
        };
        inventory.declares_dependencies = crate::error::line_of_key(text, key)
            .or_else(|| crate::error::line_of_key(text, "dependencies"))
            .or(Some(1));
    }
    Ok(inventory)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_pins_unpinned_urls_and_includes() {
        let text = "# pinned\nmcp==1.9.0 \\\n    --hash=sha256:abc\nrequests>=2.0\nFlask[async]===2.0.1 ; python_version > '3.8'\n-r base.txt\n--constraint=constraints.txt\ngit+https://github.com/x/y.git#egg=y\nz @ https://example.org/z.whl\nloose\nwild==1.*\n";
        let inv = requirements(text);
        let pins: Vec<_> = inv
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.line))
            .collect();
        assert_eq!(pins, vec![("mcp", "1.9.0", 2), ("Flask", "2.0.1", 5)]);
        let issues: Vec<_> = inv
            .issues
            .iter()
            .map(|i| (i.name.as_str(), i.problem, i.line))
            .collect();
        use SpecProblem::*;
        assert_eq!(
            issues,
            vec![
                ("requests", Unpinned, 4),
                ("git+https://github.com/x/y.git#egg=y", RemoteSource, 8),
                ("z", RemoteSource, 9),
                ("loose", Unpinned, 10),
                ("wild", Unpinned, 11),
            ]
        );
        assert_eq!(inv.includes, vec!["base.txt", "constraints.txt"]);
    }

    #[test]
    fn poetry_uv_pylock_pipfile() {
        let poetry = "[[package]]\nname = \"mcp\"\nversion = \"1.9.0\"\n\n[[package]]\nname = \"anyio\"\nversion = \"4.0.0\"\n";
        let inv = poetry_lock(poetry).unwrap_or_default();
        assert_eq!(inv.packages.len(), 2);
        assert_eq!(
            (inv.packages[1].name.as_str(), inv.packages[1].line),
            ("anyio", 6)
        );

        let uv = "version = 1\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\nsource = { editable = \".\" }\ndependencies = [\n    { name = \"mcp\" },\n]\n\n[[package]]\nname = \"mcp\"\nversion = \"1.9.0\"\nsource = { registry = \"https://pypi.org/simple\" }\n\n[[package]]\nname = \"anyio\"\nversion = \"4.0.0\"\nsource = { registry = \"https://pypi.org/simple\" }\n";
        assert_eq!(
            uv_packages(uv),
            vec![
                ("mcp".into(), Some(true), 12),
                ("anyio".into(), Some(false), 17)
            ]
        );

        let pylock_text =
            "lock-version = \"1.0\"\n\n[[packages]]\nname = \"mcp\"\nversion = \"1.9.0\"\n";
        assert_eq!(pylock(pylock_text).map(|i| i.packages.len()), Ok(1));

        let pipfile = "{\n  \"default\": {\n    \"mcp\": {\n      \"version\": \"==1.9.0\"\n    }\n  },\n  \"develop\": {}\n}\n";
        let inv = pipfile_lock(pipfile).unwrap_or_default();
        assert_eq!(
            (inv.packages[0].version.as_str(), inv.packages[0].line),
            ("1.9.0", 3)
        );
        let err = poetry_lock("[[package]\nname=").err().and_then(|e| e.line);
        assert_eq!(err, Some(1));
    }

    #[test]
    fn pyproject_declares_dependencies() {
        let text = "[project]\nname = \"x\"\ndependencies = [\"mcp>=1.0\"]\n";
        assert_eq!(
            pyproject(text).map(|i| i.declares_dependencies),
            Ok(Some(3))
        );
        let none = "[project]\nname = \"x\"\n";
        assert_eq!(pyproject(none).map(|i| i.declares_dependencies), Ok(None));
    }

    /// Name, directness and line of each package a uv.lock pins.
    fn uv_packages(text: &str) -> Vec<(String, Option<bool>, usize)> {
        let inv = uv_lock(text).unwrap_or_default();
        inv.packages
            .into_iter()
            .map(|p| (p.name, p.direct, p.line))
            .collect()
    }

    #[test]
    fn a_uv_lock_reads_the_same_with_its_artifacts_blanked() {
        let uv = "version = 1\r\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\nsource = { editable = \".\" }\ndependencies = [\n    { name = \"mcp\" },\n]\n\n[[package]]\nname = \"mcp\"\nversion = \"1.9.0\"\nsource = { registry = \"https://pypi.org/simple\" }\nsdist = { url = \"https://files/mcp-1.9.0.tar.gz\", hash = \"sha256:ab\", size = 9 }\nwheels = [\n    { url = \"https://files/mcp-1.9.0-py3-none-any.whl\", hash = \"sha256:cd\" },\n    { url = \"https://files/mcp-é.whl\" },\n]\n\n[[package]]\nname = \"anyio\"\nversion = \"4.0.0\"\nsource = { registry = \"https://pypi.org/simple\" }\n";
        let blanked = without_artifacts(uv).unwrap_or_default();
        assert_eq!(blanked.len(), uv.len());
        assert_eq!(blanked.lines().count(), uv.lines().count());
        assert!(!blanked.contains("sha256") && !blanked.contains("whl"));
        assert!(blanked.starts_with("version = 1\r\n"));
        assert_eq!(
            uv_packages(uv),
            vec![
                ("mcp".into(), Some(true), 12),
                ("anyio".into(), Some(false), 22)
            ]
        );
        // Another shape inside `wheels` (or a list left open): the whole text is parsed.
        let odd = uv.replace("    { url = \"https://files/mcp-é.whl\" },", "    \"x\",");
        assert_eq!(without_artifacts(&odd), None);
        assert_eq!(uv_lock(&odd).map(|i| i.packages.len()), Ok(2));
        assert_eq!(without_artifacts("wheels = [\n"), None);
        // A text that does not parse is reported with the line of its error (the missing
        // value, on the line after `name = `).
        let broken = uv.replace("name = \"anyio\"", "name = ");
        assert_eq!(uv_lock(&broken).err().and_then(|e| e.line), Some(22));
    }
}
