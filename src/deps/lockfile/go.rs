//! go.mod: `require` lines, single and in blocks; `// indirect` marks transitive modules.

use super::{Inventory, Package};
use crate::deps::Ecosystem;

pub(super) fn go_mod(text: &str) -> Inventory {
    let mut packages = Vec::new();
    let mut in_block = false;
    for (i, raw) in text.lines().enumerate() {
        let (code, comment) = match raw.find("//") {
            Some(at) => (&raw[..at], &raw[at..]),
            None => (raw, ""),
        };
        let code = code.trim();
        let spec = if in_block {
            if code == ")" {
                in_block = false;
                continue;
            }
            code
        } else if let Some(rest) = code.strip_prefix("require") {
            let rest = rest.trim();
            if rest == "(" {
                in_block = true;
                continue;
            }
            rest
        } else {
            continue;
        };
        let mut words = spec.split_whitespace();
        let (Some(module), Some(version)) = (words.next(), words.next()) else {
            continue;
        };
        packages.push(Package {
            ecosystem: Ecosystem::Go,
            name: module.trim_matches('"').to_string(),
            version: version.to_string(),
            direct: Some(!comment.contains("indirect")),
            line: i + 1,
        });
    }
    Inventory {
        packages,
        ..Inventory::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requires_single_and_block() {
        let text = "module x\n\ngo 1.22\n\nrequire github.com/a/b v1.0.0\n\nrequire (\n\tgithub.com/modelcontextprotocol/go-sdk v1.2.0\n\tgolang.org/x/net v0.1.0 // indirect\n)\n";
        let inv = go_mod(text);
        let got: Vec<_> = inv
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.direct, p.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("github.com/a/b", "v1.0.0", Some(true), 5),
                (
                    "github.com/modelcontextprotocol/go-sdk",
                    "v1.2.0",
                    Some(true),
                    8
                ),
                ("golang.org/x/net", "v0.1.0", Some(false), 9),
            ]
        );
    }
}
