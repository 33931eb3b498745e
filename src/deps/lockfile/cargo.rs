//! Cargo.lock, read with the `cargo-lock` crate.

use super::{Inventory, Package, ParseError, toml_entry_lines};
use crate::deps::Ecosystem;
use std::collections::HashSet;
use std::str::FromStr;

pub(super) fn lockfile(text: &str) -> Result<Inventory, ParseError> {
    let lock =
        cargo_lock::Lockfile::from_str(text).map_err(|e| ParseError::new(None, e.to_string()))?;
    let lines = toml_entry_lines(text, "package");
    // Packages without a source are the workspace's own crates; what they depend on is direct.
    let direct: HashSet<&str> = lock
        .packages
        .iter()
        .filter(|p| p.source.is_none())
        .flat_map(|p| p.dependencies.iter().map(|d| d.name.as_str()))
        .collect();
    let packages = lock
        .packages
        .iter()
        .filter(|p| p.source.as_ref().is_some_and(|s| s.is_default_registry()))
        .map(|p| {
            let name = p.name.as_str().to_string();
            let version = p.version.to_string();
            let line = lines
                .get(&(name.clone(), version.clone()))
                .copied()
                .unwrap_or(1);
            Package {
                ecosystem: Ecosystem::CratesIo,
                direct: Some(direct.contains(name.as_str())),
                name,
                version,
                line,
            }
        })
        .collect();
    Ok(Inventory {
        packages,
        ..Inventory::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_packages_with_lines_and_directness() {
        let text = "version = 3\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\n \"smallvec\",\n]\n\n[[package]]\nname = \"smallvec\"\nversion = \"0.6.9\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\ndependencies = [\n \"libc\",\n]\n\n[[package]]\nname = \"libc\"\nversion = \"0.2.1\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n";
        let inv = lockfile(text).unwrap_or_default();
        let got: Vec<_> = inv
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.direct, p.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("smallvec", "0.6.9", Some(true), 11),
                ("libc", "0.2.1", Some(false), 19)
            ]
        );
        assert!(lockfile("[[package]]\nname = 1").is_err());
    }
}
