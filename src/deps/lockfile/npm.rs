//! npm's files: package-lock.json and npm-shrinkwrap.json (v1 to v3), pnpm-lock.yaml (v5 to
//! v9), yarn.lock (classic and berry), and package.json specs.

use super::{Inventory, Lines, Package, ParseError, SpecIssue, SpecProblem};
use crate::deps::Ecosystem;
use serde_json::Value;
use std::collections::{HashMap, HashSet};

const DEPENDENCY_SECTIONS: [&str; 3] = ["dependencies", "devDependencies", "optionalDependencies"];

fn json(text: &str) -> Result<Value, ParseError> {
    serde_json::from_str(text).map_err(|e| ParseError::new(Some(e.line()), e.to_string()))
}

pub(super) fn package_lock(text: &str) -> Result<Inventory, ParseError> {
    let root = json(text)?;
    let mut packages = Vec::new();
    if let Some(entries) = root.get("packages").and_then(Value::as_object) {
        let key_lines = quoted_key_lines(text);
        // v2 and v3: one flat map keyed by install path.
        let direct: HashSet<&str> = entries
            .get("")
            .map(|project| {
                DEPENDENCY_SECTIONS
                    .iter()
                    .filter_map(|s| project.get(*s).and_then(Value::as_object))
                    .flat_map(|m| m.keys().map(String::as_str))
                    .collect()
            })
            .unwrap_or_default();
        for (key, entry) in entries {
            let Some(at) = key.rfind("node_modules/") else {
                continue; // the project itself and workspace folders
            };
            if entry.get("link").and_then(Value::as_bool) == Some(true) {
                continue;
            }
            let Some(version) = entry.get("version").and_then(Value::as_str) else {
                continue;
            };
            let installed_as = &key[at + "node_modules/".len()..];
            // An alias (`"x": "npm:real@1"`) installs `real` under the name `x`.
            let name = entry
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or(installed_as);
            let nested = key[..at].contains("node_modules/");
            let line = key_lines.get(key.as_str()).copied().unwrap_or(1);
            packages.push(Package {
                ecosystem: Ecosystem::Npm,
                name: name.to_string(),
                version: version.to_string(),
                direct: Some(!nested && direct.contains(installed_as)),
                line,
            });
        }
    } else if let Some(deps) = root.get("dependencies").and_then(Value::as_object) {
        // v1: nested `dependencies` maps, written in key order, so one forward cursor finds
        // each entry's line.
        let mut cursor = 0;
        walk_v1(deps, &Lines::new(text), &mut cursor, 0, &mut packages);
    } else if root.get("lockfileVersion").is_none() {
        return Err(ParseError::new(
            Some(1),
            "no `lockfileVersion`, `packages` or `dependencies`: not an npm lockfile",
        ));
    }
    Ok(Inventory {
        packages,
        ..Inventory::default()
    })
}

/// The line of every `"key": {` that opens a line, in one pass (a 10,000-package lockfile
/// must not be searched once per package).
pub(super) fn quoted_key_lines(text: &str) -> HashMap<&str, usize> {
    let mut out = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let Some(rest) = line.trim_start().strip_prefix('"') else {
            continue;
        };
        let Some(end) = rest.find('"') else { continue };
        if rest[end + 1..].trim_start().starts_with(':') {
            out.entry(&rest[..end]).or_insert(i + 1);
        }
    }
    out
}

fn walk_v1(
    deps: &serde_json::Map<String, Value>,
    lines: &Lines<'_>,
    cursor: &mut usize,
    depth: usize,
    out: &mut Vec<Package>,
) {
    if depth > 64 {
        return;
    }
    for (name, entry) in deps {
        let (line, after) = lines
            .find_from(&format!("\"{name}\""), *cursor)
            .unwrap_or((1, *cursor));
        *cursor = after;
        if let Some(version) = entry.get("version").and_then(Value::as_str) {
            out.push(Package {
                ecosystem: Ecosystem::Npm,
                name: name.clone(),
                version: version.to_string(),
                direct: None,
                line,
            });
        }
        if let Some(nested) = entry.get("dependencies").and_then(Value::as_object) {
            walk_v1(nested, lines, cursor, depth + 1, out);
        }
    }
}

/// pnpm 11 and later write the lockfile as a YAML stream: an "env" document (pnpm itself,
/// `configDependencies`) first, then the project's. Both hold packages that get installed.
pub(super) fn pnpm_lock(text: &str) -> Result<Inventory, ParseError> {
    let documents: Vec<serde_yaml_ng::Value> =
        crate::yaml::from_yaml_documents(text).map_err(|e| ParseError::new(e.line, e.reason))?;
    let key_lines = section_key_lines(text, "packages:");
    let mut inventory = Inventory::default();
    let mut seen = HashSet::new();
    let mut found = false;
    for root in documents.iter().filter(|d| !d.is_null()) {
        let part = pnpm_document(root, &key_lines)?;
        found = true;
        for package in part.packages {
            if seen.insert((package.name.clone(), package.version.clone())) {
                inventory.packages.push(package);
            }
        }
    }
    if !found {
        return Err(ParseError::new(Some(1), "an empty pnpm lockfile"));
    }
    Ok(inventory)
}

fn pnpm_document(
    root: &serde_yaml_ng::Value,
    key_lines: &HashMap<String, usize>,
) -> Result<Inventory, ParseError> {
    let version = match root.get("lockfileVersion") {
        Some(serde_yaml_ng::Value::String(s)) => s.clone(),
        Some(serde_yaml_ng::Value::Number(n)) => n.to_string(),
        _ => {
            return Err(ParseError::new(
                Some(1),
                "no `lockfileVersion`: not a pnpm lockfile",
            ));
        }
    };
    let v5 = version.starts_with('5');
    let mut direct: HashSet<String> = HashSet::new();
    let mut add_direct = |project: &serde_yaml_ng::Value| {
        let env_sections = ["configDependencies", "packageManagerDependencies"];
        for section in DEPENDENCY_SECTIONS.iter().chain(&env_sections) {
            if let Some(map) = project.get(section).and_then(|m| m.as_mapping()) {
                direct.extend(map.keys().filter_map(|k| k.as_str().map(str::to_string)));
            }
        }
    };
    add_direct(root);
    if let Some(importers) = root.get("importers").and_then(|i| i.as_mapping()) {
        importers.values().for_each(&mut add_direct);
    }
    let mut packages = Vec::new();
    if let Some(map) = root.get("packages").and_then(|p| p.as_mapping()) {
        for (key, entry) in map.iter().filter_map(|(k, v)| Some((k.as_str()?, v))) {
            let Some((name, version)) = pnpm_key(key, v5) else {
                continue;
            };
            // A tarball or git dependency: its key holds the URL, and the entry records the
            // name and version the package says it is.
            let recorded = |field: &str| entry.get(field).and_then(|v| v.as_str());
            let (name, version) = if version.contains(':') {
                (
                    recorded("name").unwrap_or(name),
                    recorded("version").unwrap_or(version),
                )
            } else {
                (name, version)
            };
            packages.push(Package {
                ecosystem: Ecosystem::Npm,
                direct: Some(direct.contains(name)),
                name: name.to_string(),
                version: version.to_string(),
                line: key_lines.get(key).copied().unwrap_or(1),
            });
        }
    }
    Ok(Inventory {
        packages,
        ..Inventory::default()
    })
}

/// `/name/1.0.0_peer` (v5), `/name@1.0.0(peer)` (v6), `name@1.0.0(peer)` (v9).
fn pnpm_key(key: &str, v5: bool) -> Option<(&str, &str)> {
    let key = key.strip_prefix('/').unwrap_or(key);
    if v5 {
        let (name, version) = key.rsplit_once('/')?;
        return Some((name, version.split('_').next().unwrap_or(version)));
    }
    let key = key.split('(').next().unwrap_or(key);
    let at = key.get(1..)?.find('@')? + 1;
    Some((key.get(..at)?, key.get(at + 1..)?))
}

/// Lines of the two-space-indented keys under a top-level `section` (block YAML, as pnpm
/// writes it), keys unquoted.
fn section_key_lines(text: &str, section: &str) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    let mut inside = false;
    for (i, line) in text.lines().enumerate() {
        if !line.starts_with(' ') && !line.is_empty() {
            inside = line.trim_end() == section;
            continue;
        }
        if !inside {
            continue;
        }
        let Some(rest) = line.strip_prefix("  ") else {
            continue;
        };
        if rest.starts_with(' ') {
            continue;
        }
        let key = rest.trim_end().trim_end_matches(':');
        let key = key.trim_matches(|c| c == '\'' || c == '"');
        out.entry(key.to_string()).or_insert(i + 1);
    }
    out
}

pub(super) fn yarn_lock(text: &str) -> Result<Inventory, ParseError> {
    let berry = text.contains("\n__metadata:") || text.starts_with("__metadata:");
    let mut packages = Vec::new();
    let mut current: Option<(String, usize)> = None;
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(' ') {
            current = None;
            let Some(header) = line.trim_end().strip_suffix(':') else {
                return Err(ParseError::new(
                    Some(i + 1),
                    "expected an entry header ending in `:`",
                ));
            };
            let first = header.split(", ").next().unwrap_or(header);
            let first = first.trim_matches('"');
            if first == "__metadata" {
                continue;
            }
            let Some(at) = first.get(1..).and_then(|s| s.find('@')).map(|a| a + 1) else {
                return Err(ParseError::new(
                    Some(i + 1),
                    format!("`{first}` is not a `name@range` descriptor"),
                ));
            };
            let range = first.get(at + 1..).unwrap_or("");
            let local = ["workspace:", "link:", "portal:", "file:", "patch:"]
                .iter()
                .any(|p| range.starts_with(p));
            if !local {
                current = first.get(..at).map(|name| (name.to_string(), i + 1));
            }
            continue;
        }
        let Some((name, header_line)) = &current else {
            continue;
        };
        let trimmed = line.trim();
        let version = if berry {
            trimmed.strip_prefix("version:")
        } else {
            trimmed.strip_prefix("version ")
        };
        if let Some(version) = version {
            packages.push(Package {
                ecosystem: Ecosystem::Npm,
                name: name.clone(),
                version: version.trim().trim_matches('"').to_string(),
                direct: None,
                line: *header_line,
            });
            current = None;
        }
    }
    Ok(Inventory {
        packages,
        ..Inventory::default()
    })
}

pub(super) fn package_json(rel_path: &str, text: &str) -> Result<Inventory, ParseError> {
    let root = json(text)?;
    let lines = Lines::new(text);
    let depth = rel_path.matches('/').count();
    let mut inventory = Inventory::default();
    for section in DEPENDENCY_SECTIONS {
        let Some(specs) = root.get(section).and_then(Value::as_object) else {
            continue;
        };
        let Some((section_line, section_end)) = lines.find_from(&format!("\"{section}\""), 0)
        else {
            continue;
        };
        if !specs.is_empty() && inventory.declares_dependencies.is_none() {
            inventory.declares_dependencies = Some(section_line);
        }
        for (name, spec) in specs {
            let Some(spec) = spec.as_str() else { continue };
            let Some(problem) = npm_spec_problem(spec, depth) else {
                continue;
            };
            let line = lines
                .find_from(&format!("\"{name}\""), section_end)
                .map_or(section_line, |(l, _)| l);
            inventory.issues.push(SpecIssue {
                problem,
                name: name.clone(),
                spec: spec.to_string(),
                line,
            });
        }
    }
    install_scripts(&root, &lines, &mut inventory);
    Ok(inventory)
}

/// Lifecycle scripts npm runs on every machine that installs the package, when they fetch
/// something from the network.
fn install_scripts(root: &Value, lines: &Lines<'_>, inventory: &mut Inventory) {
    let Some(scripts) = root.get("scripts").and_then(Value::as_object) else {
        return;
    };
    let start = lines.find_from("\"scripts\"", 0).map_or(0, |(_, end)| end);
    for hook in ["preinstall", "install", "postinstall"] {
        let Some(script) = scripts.get(hook).and_then(Value::as_str) else {
            continue;
        };
        let lower = script.to_ascii_lowercase();
        let fetches = [
            "curl ",
            "wget ",
            "iwr ",
            "invoke-webrequest",
            "http://",
            "https://",
        ]
        .iter()
        .any(|f| lower.contains(f));
        if fetches {
            let line = lines
                .find_from(&format!("\"{hook}\""), start)
                .map_or(1, |(l, _)| l);
            inventory.issues.push(SpecIssue {
                problem: SpecProblem::InstallScript,
                name: hook.to_string(),
                spec: script.to_string(),
                line,
            });
        }
    }
}

/// What is wrong with a package.json spec, if anything. `depth` is how many directories the
/// manifest is below the scan root, to tell a `file:` path that leaves the repository.
fn npm_spec_problem(spec: &str, depth: usize) -> Option<SpecProblem> {
    let spec = spec.trim();
    // `npm:real@range` installs another package: judge its range.
    let spec = match spec.strip_prefix("npm:") {
        Some(alias) => alias
            .get(1..)
            .and_then(|s| s.find('@'))
            .and_then(|at| alias.get(at + 2..))
            .unwrap_or(""),
        None => spec,
    };
    let remote_prefixes = [
        "git+",
        "git://",
        "git@",
        "github:",
        "gitlab:",
        "bitbucket:",
        "gist:",
        "http://",
        "https://",
    ];
    if remote_prefixes.iter().any(|p| spec.starts_with(p)) {
        return Some(SpecProblem::RemoteSource);
    }
    if let Some(path) = spec
        .strip_prefix("file:")
        .or_else(|| spec.strip_prefix("link:"))
    {
        return crate::rel_path::leaves_root(path, depth).then_some(SpecProblem::RemoteSource);
    }
    if spec.is_empty() || matches!(spec, "*" | "x" | "X" | "latest" | "next") {
        return Some(SpecProblem::Unpinned);
    }
    // `user/repo` and `user/repo#ref` are GitHub shorthands.
    let shorthand = spec.contains('/')
        && !spec.starts_with(['.', '/', '~'])
        && spec.split('/').count() == 2
        && !spec.contains(' ');
    if shorthand {
        return Some(SpecProblem::RemoteSource);
    }
    // Any other bare word is a dist-tag, which moves.
    if spec.chars().all(|c| c.is_ascii_alphabetic() || c == '-') {
        return Some(SpecProblem::Unpinned);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(inv: &Inventory) -> Vec<(String, String, Option<bool>, usize)> {
        let mut rows: Vec<_> = inv
            .packages
            .iter()
            .map(|p| (p.name.clone(), p.version.clone(), p.direct, p.line))
            .collect();
        rows.sort_by_key(|r| r.3);
        rows
    }

    fn row(n: &str, v: &str, d: Option<bool>, l: usize) -> (String, String, Option<bool>, usize) {
        (n.to_string(), v.to_string(), d, l)
    }

    #[test]
    fn package_lock_v3_with_nesting_aliases_and_links() {
        let text = r#"{
  "lockfileVersion": 3,
  "packages": {
    "": { "dependencies": { "@modelcontextprotocol/sdk": "1.23.0", "alias": "npm:zod@3" } },
    "node_modules/@modelcontextprotocol/sdk": { "version": "1.23.0" },
    "node_modules/alias": { "name": "zod", "version": "3.25.76" },
    "node_modules/a/node_modules/b": { "version": "2.0.0" },
    "node_modules/local": { "resolved": "packages/local", "link": true }
  }
}"#;
        let inv = package_lock(text).unwrap_or_default();
        assert_eq!(
            summary(&inv),
            vec![
                row("@modelcontextprotocol/sdk", "1.23.0", Some(true), 5),
                row("zod", "3.25.76", Some(true), 6),
                row("b", "2.0.0", Some(false), 7),
            ]
        );
    }

    #[test]
    fn package_lock_v1_nested() {
        let text = "{\n  \"lockfileVersion\": 1,\n  \"dependencies\": {\n    \"a\": {\n      \"version\": \"1.0.0\",\n      \"dependencies\": {\n        \"b\": { \"version\": \"2.0.0\" }\n      }\n    },\n    \"b\": { \"version\": \"3.0.0\" }\n  }\n}\n";
        let inv = package_lock(text).unwrap_or_default();
        assert_eq!(
            summary(&inv),
            vec![
                row("a", "1.0.0", None, 4),
                row("b", "2.0.0", None, 7),
                row("b", "3.0.0", None, 10)
            ]
        );
        let err = package_lock("{\n  \"a\": ,\n}").err().map(|e| e.line);
        assert_eq!(err, Some(Some(2)));
    }

    #[test]
    fn pnpm_v6_and_v9_keys() {
        let v6 = "lockfileVersion: '6.0'\n\ndependencies:\n  '@modelcontextprotocol/sdk':\n    specifier: 1.23.0\n    version: 1.23.0\n\npackages:\n\n  /@modelcontextprotocol/sdk@1.23.0:\n    resolution: {integrity: sha512-x}\n\n  /zod@3.25.76(typescript@5.0.0):\n    resolution: {integrity: sha512-y}\n";
        let inv = pnpm_lock(v6).unwrap_or_default();
        assert_eq!(
            summary(&inv),
            vec![
                row("@modelcontextprotocol/sdk", "1.23.0", Some(true), 10),
                row("zod", "3.25.76", Some(false), 13)
            ]
        );
        let v9 = "lockfileVersion: '9.0'\n\nimporters:\n  .:\n    dependencies:\n      zod:\n        specifier: ^3\n        version: 3.25.76\n\npackages:\n  zod@3.25.76:\n    resolution: {integrity: sha512-y}\n";
        assert_eq!(
            summary(&pnpm_lock(v9).unwrap_or_default()),
            vec![row("zod", "3.25.76", Some(true), 11)]
        );
        let v5 = "lockfileVersion: 5.4\n\npackages:\n  /@scope/x/1.0.0_react@18.0.0:\n    resolution: {}\n";
        assert_eq!(
            summary(&pnpm_lock(v5).unwrap_or_default()),
            vec![row("@scope/x", "1.0.0", Some(false), 4)]
        );
        assert!(pnpm_lock("packages: {}\n").is_err());
    }

    #[test]
    fn pnpm_v11_streams_read_every_document_and_urls_resolve_or_are_sources() {
        let v11 = "---\nlockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    configDependencies: {}\n    packageManagerDependencies:\n      pnpm:\n        specifier: 11.0.3\n        version: 11.0.3\n\npackages:\n\n  pnpm@11.0.3:\n    resolution: {integrity: sha512-p}\n\n---\nlockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    dependencies:\n      '@modelcontextprotocol/sdk':\n        specifier: https://pkg.pr.new/@modelcontextprotocol/sdk@1234\n        version: https://pkg.pr.new/@modelcontextprotocol/sdk@1234\n      tool:\n        specifier: github:acme/tool\n        version: git+https://github.com/acme/tool.git#abc123\n      zod:\n        specifier: ^3\n        version: 3.25.76\n\npackages:\n\n  '@modelcontextprotocol/sdk@https://pkg.pr.new/@modelcontextprotocol/sdk@1234':\n    resolution: {tarball: https://pkg.pr.new/@modelcontextprotocol/sdk@1234}\n    name: '@modelcontextprotocol/sdk'\n    version: 1.23.0\n\n  tool@git+https://github.com/acme/tool.git#abc123:\n    resolution: {commit: abc123, repo: https://github.com/acme/tool.git, type: git}\n\n  local@file:packages/local:\n    resolution: {directory: packages/local, type: directory}\n\n  zod@3.25.76:\n    resolution: {integrity: sha512-y}\n";
        let inv = super::super::LockfileKind::PnpmLock
            .parse("pnpm-lock.yaml", v11)
            .expect("a two-document lockfile parses");
        assert_eq!(
            summary(&inv),
            vec![
                row("pnpm", "11.0.3", Some(true), 15),
                row("@modelcontextprotocol/sdk", "1.23.0", Some(true), 37),
                row("zod", "3.25.76", Some(true), 48)
            ]
        );
        let sources: Vec<(&str, &str, usize)> = inv
            .issues
            .iter()
            .map(|i| (i.name.as_str(), i.spec.as_str(), i.line))
            .collect();
        assert_eq!(
            sources,
            vec![("tool", "git+https://github.com/acme/tool.git#abc123", 42)]
        );
        assert!(
            inv.issues
                .iter()
                .all(|i| i.problem == SpecProblem::RemoteSource)
        );
    }

    #[test]
    fn yarn_classic_and_berry() {
        let classic = "# yarn lockfile v1\n\n\n\"@modelcontextprotocol/sdk@1.23.0\", \"@modelcontextprotocol/sdk@^1.23.0\":\n  version \"1.23.0\"\n  resolved \"https://x\"\n\nzod@^3:\n  version \"3.25.76\"\n";
        assert_eq!(
            summary(&yarn_lock(classic).unwrap_or_default()),
            vec![
                row("@modelcontextprotocol/sdk", "1.23.0", None, 4),
                row("zod", "3.25.76", None, 8)
            ]
        );
        let berry = "__metadata:\n  version: 6\n\n\"app@workspace:.\":\n  version: 0.0.0-use.local\n\n\"zod@npm:^3\":\n  version: 3.25.76\n  resolution: \"zod@npm:3.25.76\"\n";
        assert_eq!(
            summary(&yarn_lock(berry).unwrap_or_default()),
            vec![row("zod", "3.25.76", None, 7)]
        );
        assert!(yarn_lock("garbage line\n").is_err());
    }

    #[test]
    fn package_json_specs() {
        let text = r#"{
  "dependencies": {
    "a": "*",
    "b": "latest",
    "c": "^1.2.3",
    "d": "github:x/y",
    "e": "user/repo#main",
    "f": "file:../../outside",
    "g": "file:./vendor/g",
    "h": "git+https://example.org/h.git",
    "i": "npm:real@latest"
  }
}"#;
        let inv = package_json("server/package.json", text).unwrap_or_default();
        let got: Vec<_> = inv
            .issues
            .iter()
            .map(|i| (i.name.as_str(), i.problem, i.line))
            .collect();
        use SpecProblem::*;
        assert_eq!(
            got,
            vec![
                ("a", Unpinned, 3),
                ("b", Unpinned, 4),
                ("d", RemoteSource, 6),
                ("e", RemoteSource, 7),
                ("f", RemoteSource, 8),
                ("h", RemoteSource, 10),
                ("i", Unpinned, 11),
            ]
        );
        let scripts = r#"{
  "scripts": {
    "build": "curl -o x https://example.org/x",
    "postinstall": "curl -fsSL https://example.org/setup.sh | sh"
  }
}"#;
        let hooks = package_json("package.json", scripts).unwrap_or_default();
        let got: Vec<_> = hooks
            .issues
            .iter()
            .map(|i| (i.name.as_str(), i.problem, i.line))
            .collect();
        assert_eq!(got, vec![("postinstall", InstallScript, 4)]);
        assert_eq!(inv.declares_dependencies, Some(2));
    }
}
