//! What a user installs must agree with itself: the MSRV that Cargo.toml, the Dockerfile and
//! README state is the true one (the highest `rust-version` of every locked package), and the
//! action runs the image that the release workflow publishes for this version.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::print_stderr)] // test code: a panic is a failed test, a skip says why

use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn yaml(path: &str) -> serde_yaml_ng::Value {
    serde_yaml_ng::from_str(&read(path)).unwrap_or_else(|e| panic!("{path} is not YAML: {e}"))
}

/// `1.90` -> `[1, 90, 0]`, so versions compare as numbers.
fn parse_version(v: &str) -> Vec<u64> {
    let mut parts: Vec<u64> = v
        .split('.')
        .map(|p| p.parse().unwrap_or_else(|_| panic!("not a version: {v}")))
        .collect();
    parts.resize(3, 0);
    parts
}

fn cargo_toml() -> toml::Table {
    read("Cargo.toml").parse().expect("Cargo.toml parses")
}

fn package_field(name: &str) -> String {
    cargo_toml()["package"][name]
        .as_str()
        .unwrap_or_else(|| panic!("Cargo.toml has no package.{name}"))
        .to_string()
}

/// The highest `rust-version` among the locked dependencies, with the package that sets it.
fn locked_msrv() -> (Vec<u64>, String) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .current_dir(root())
        .output()
        .expect("run cargo metadata");
    assert!(
        out.status.success(),
        "cargo metadata: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("metadata JSON");
    let mut best = (vec![0, 0, 0], String::new());
    for package in meta["packages"].as_array().expect("packages") {
        if package["name"] == "mcpgate" {
            continue;
        }
        if let Some(v) = package["rust_version"].as_str() {
            let parsed = parse_version(v);
            if parsed > best.0 {
                best = (
                    parsed,
                    format!("{} {}", package["name"], package["version"]),
                );
            }
        }
    }
    best
}

fn shown(v: &[u64]) -> String {
    format!("{}.{}", v[0], v[1])
}

#[test]
fn the_stated_msrv_is_the_locked_dependencies_highest() {
    let (msrv, because) = locked_msrv();
    let stated = package_field("rust-version");
    assert!(
        parse_version(&stated) >= msrv,
        "Cargo.toml says rust-version {stated}, but {because} needs {}",
        shown(&msrv)
    );
    // The Dockerfile's toolchain image (`rust:1.90-slim-bookworm`) builds with at least it.
    let dockerfile = read("Dockerfile");
    let image = dockerfile
        .lines()
        .find_map(|l| l.strip_prefix("ARG RUST_IMAGE=rust:"))
        .expect("the Dockerfile names its Rust image in ARG RUST_IMAGE");
    let image_version = image.split('-').next().unwrap_or("");
    assert!(
        parse_version(image_version) >= parse_version(&stated),
        "the Dockerfile builds with Rust {image_version}, below rust-version {stated}"
    );
    assert!(
        read("README.md").contains(&format!("Rust {stated} or newer")),
        "README must say `Rust {stated} or newer`"
    );
}

#[test]
fn the_action_runs_the_image_the_release_publishes_for_this_version() {
    let version = package_field("version");
    let action = yaml("action.yml");
    assert_eq!(action["runs"]["using"].as_str(), Some("docker"));
    let image = action["runs"]["image"].as_str().expect("runs.image");
    let release = yaml(".github/workflows/release.yml");
    let repository = release["env"]["IMAGE"].as_str().expect("release env.IMAGE");
    assert_eq!(image, format!("docker://{repository}:{version}"));

    // The release runs on version tags, checks them against Cargo.toml, builds static
    // binaries for both Linux architectures and macOS, pushes the image, moves `v0`.
    let on = &release["on"];
    assert_eq!(on["push"]["tags"][0].as_str(), Some("v*.*.*"));
    let text = read(".github/workflows/release.yml");
    for needle in [
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "aarch64-apple-darwin",
        "shasum -a 256",
        "${{ env.IMAGE }}:${{ needs.version.outputs.version }}",
        "${{ env.IMAGE }}:${{ needs.version.outputs.major }}",
        "git push -f origin \"v${{ needs.version.outputs.major }}\"",
    ] {
        assert!(text.contains(needle), "release.yml lacks {needle}");
    }
    for job in ["version", "binaries", "image", "release"] {
        assert!(release["jobs"][job].is_mapping(), "release.yml job {job}");
    }
    // The release notes come from this version's CHANGELOG section.
    assert!(
        read("CHANGELOG.md").contains(&format!("\n## [{version}]")),
        "CHANGELOG.md has no `## [{version}]` section"
    );
    // The image runs the action's entrypoint.
    assert!(read("Dockerfile").contains(r#"ENTRYPOINT ["/usr/local/bin/mcpgate", "action"]"#));
    // README pins the action to this version and documents the moving major tag.
    let readme = read("README.md");
    let major = version.split('.').next().unwrap_or("0");
    assert!(readme.contains(&format!("mcpgate/mcpgate@v{major}\n")));
    assert!(readme.contains(&format!("@v{version}")));
}

#[test]
fn workflows_and_hooks_parse_and_name_this_version() {
    let dir = root().join(".github/workflows");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("workflows") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("workflow");
        let doc: serde_yaml_ng::Value =
            serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            doc["jobs"].as_mapping().is_some_and(|j| !j.is_empty()),
            "{} has no jobs",
            path.display()
        );
        seen += 1;
    }
    assert!(seen >= 3, "ci, self-scan and release workflows");

    let hooks = yaml(".pre-commit-hooks.yaml");
    let hooks = hooks.as_sequence().expect("a list of hooks");
    let version = package_field("version");
    let ids: Vec<&str> = hooks.iter().filter_map(|h| h["id"].as_str()).collect();
    assert_eq!(ids, ["mcpgate", "mcpgate-docker"]);
    for hook in hooks {
        let entry = hook["entry"].as_str().expect("entry");
        assert!(entry.contains("scan --root ."), "{entry}");
        assert_eq!(hook["pass_filenames"].as_bool(), Some(true));
    }
    assert!(
        hooks[1]["entry"]
            .as_str()
            .is_some_and(|e| e.contains(&format!("ghcr.io/mcpgate/mcpgate:{version} "))),
        "the docker hook runs this version's image"
    );
}

/// The hook's command line works: `scan --root . FILE...` reads the repository's config
/// and reports paths from the root, as pre-commit runs it from the repository's top.
#[test]
fn the_hook_command_scans_changed_files_from_the_repository_root() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = dir.path();
    std::fs::create_dir_all(repo.join("src")).expect("mkdir");
    std::fs::write(
        repo.join("src/server.py"),
        "import subprocess\nfrom mcp.server.fastmcp import FastMCP\nmcp = FastMCP('x')\n\n@mcp.tool()\ndef run(cmd: str) -> str:\n    return subprocess.run(cmd, shell=True).stdout\n",
    )
    .expect("write");
    std::fs::write(
        repo.join(".mcpgate.toml"),
        "[severity]\npython-subprocess-shell-true = \"medium\"\n",
    )
    .expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_mcpgate"))
        .args(["scan", "--root", ".", "src/server.py", "-f", "json"])
        .current_dir(repo)
        .output()
        .expect("run");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let findings = report["findings"].as_array().expect("findings");
    let shell: Vec<_> = findings
        .iter()
        .filter(|f| f["rule_id"] == "python-subprocess-shell-true")
        .collect();
    assert_eq!(shell.len(), 1, "{report}");
    assert_eq!(shell[0]["path"], "src/server.py");
    assert_eq!(shell[0]["start_line"], 7);
    // The repository's config applied: medium, so the default gate (high) passes.
    assert_eq!(shell[0]["severity"], "medium");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
