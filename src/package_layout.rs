//! Whether a build folder (`dist`, `build`, ...) is where a published npm package keeps its
//! code. Build output is skipped by default because a repository's sources are scanned
//! instead; an unpacked package (how most MCP servers are published) has no sources, only
//! the output its `package.json` points at, and skipping that would scan nothing.
//!
//! (Python sdists and wheels keep their code in the package's own folders, which are never
//! default-excluded, so they need nothing here.)

use std::io::Read;
use std::path::Path;

/// `package.json` is read only up to this size; a manifest is a few kilobytes.
const MAX_MANIFEST_BYTES: u64 = 1024 * 1024;

/// The package fields that say where its code is, in the order they are looked at.
const ENTRY_FIELDS: [&str; 5] = ["main", "module", "bin", "exports", "files"];

/// What a build folder is to the package beside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    /// The package's code: the named `package.json` field points into the folder and no
    /// sources (`src/`, `tsconfig.json`) are beside it.
    OnlyCode(&'static str),
    /// Built from sources that are beside it and scanned.
    BesideSources(&'static str),
}

impl Output {
    /// The folder holds the package's code, so it is scanned.
    pub fn is_the_code(&self) -> bool {
        matches!(self, Output::OnlyCode(_))
    }

    /// What the scan did with the folder, for its notice.
    pub fn reason(&self) -> String {
        match self {
            Output::OnlyCode(field) => format!(
                "scanned: the package's built code (package.json `{field}` points into it, and no sources are beside it)"
            ),
            Output::BesideSources(field) => format!(
                "skipped: build output of the package (package.json `{field}`) whose sources are scanned; --no-default-excludes scans it too"
            ),
        }
    }
}

/// `dir` as a package's build output, or `None` when no `package.json` beside it points
/// into it.
pub fn built_output(dir: &Path) -> Option<Output> {
    let name = dir.file_name()?.to_str()?;
    let parent = dir.parent()?;
    let manifest = read_regular_file(&parent.join("package.json"))?;
    let doc: serde_json::Value = serde_json::from_slice(&manifest).ok()?;
    let field = ENTRY_FIELDS
        .into_iter()
        .find(|field| doc.get(field).is_some_and(|v| points_into(v, name, 0)))?;
    let sources =
        is_real_dir(&parent.join("src")) || is_regular_file(&parent.join("tsconfig.json"));
    Some(if sources {
        Output::BesideSources(field)
    } else {
        Output::OnlyCode(field)
    })
}

/// Whether a string in `value` (strings, arrays, the objects of `bin` and `exports`) names a
/// path inside `dir`.
fn points_into(value: &serde_json::Value, dir: &str, depth: usize) -> bool {
    // `exports` nests conditions; real manifests are a few levels deep.
    if depth > 8 {
        return false;
    }
    match value {
        serde_json::Value::String(path) => {
            let path = path.trim_start_matches("./");
            path == dir
                || path
                    .strip_prefix(dir)
                    .is_some_and(|rest| rest.starts_with('/'))
        }
        serde_json::Value::Array(items) => items.iter().any(|v| points_into(v, dir, depth + 1)),
        serde_json::Value::Object(map) => map.values().any(|v| points_into(v, dir, depth + 1)),
        _ => false,
    }
}

fn is_regular_file(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_file())
}

fn is_real_dir(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_dir())
}

/// The file's bytes when it is a regular file (a planted link is not followed) within the cap.
fn read_regular_file(path: &Path) -> Option<Vec<u8>> {
    if !is_regular_file(path) {
        return None;
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .take(MAX_MANIFEST_BYTES)
        .read_to_end(&mut bytes)
        .ok()?;
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_fields_point_into_a_folder() {
        let json = |s: &str| serde_json::from_str::<serde_json::Value>(s).expect("json");
        assert!(points_into(&json(r#""./dist/index.js""#), "dist", 0));
        assert!(points_into(&json(r#""dist""#), "dist", 0));
        assert!(!points_into(&json(r#""distribution/x.js""#), "dist", 0));
        assert!(points_into(
            &json(r#"{"mcp-x": "build/cli.js"}"#),
            "build",
            0
        ));
        assert!(points_into(
            &json(r#"{".": {"import": "./dist/esm/index.js"}}"#),
            "dist",
            0
        ));
        assert!(points_into(&json(r#"["dist", "README.md"]"#), "dist", 0));
    }

    #[test]
    fn a_package_without_sources_is_its_build_output() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join("dist")).expect("mkdir");
        std::fs::write(
            dir.path().join("package.json"),
            r#"{"name": "x", "bin": {"x": "dist/index.js"}}"#,
        )
        .expect("write");
        assert_eq!(
            built_output(&dir.path().join("dist")),
            Some(Output::OnlyCode("bin"))
        );
        std::fs::write(dir.path().join("tsconfig.json"), "{}").expect("write");
        assert_eq!(
            built_output(&dir.path().join("dist")),
            Some(Output::BesideSources("bin"))
        );
        assert_eq!(built_output(&dir.path().join("build")), None);
    }
}
