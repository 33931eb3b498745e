//! Checks that only make sense for what ships: files inside a release archive (report paths
//! `archive!/entry`). A `.env` in a repository is a matter for `.gitignore`; the same file in
//! the npm tarball or wheel is published to everyone.

use super::FileContext;
use crate::finding::Finding;
use crate::rules::{Matcher, RuleSet};

pub use crate::rules::checks::PackageCheck;

pub fn scan(ctx: &FileContext<'_>, rules: &RuleSet) -> Vec<Finding> {
    let Some(entry) = ctx.archive_entry() else {
        return Vec::new();
    };
    let mut findings = Vec::new();
    for rule in rules.rules() {
        let Matcher::Package(m) = &rule.matcher else {
            continue;
        };
        let message = match m.check {
            PackageCheck::SensitiveFile => sensitive_file(entry, ctx.text),
            PackageCheck::SourceMapSource => outside_sources(entry, ctx.text),
        };
        if let Some(message) = message {
            findings.push(ctx.finding(rule, ctx.line_span(0), message));
        }
    }
    findings
}

/// What kind of credential file `entry` is, if it is one that must not ship.
fn sensitive_file(entry: &str, text: &str) -> Option<String> {
    let name = entry.rsplit('/').next().unwrap_or(entry);
    let lower = name.to_ascii_lowercase();
    let what = if entry == ".git/HEAD" || entry.ends_with("/.git/HEAD") {
        "the repository's `.git/` directory (its history, and remotes that may hold tokens)"
    } else if matches!(lower.as_str(), ".npmrc" | ".pypirc" | ".netrc") {
        // Registry settings are harmless; a credential in them is not.
        if !has_credential(text) {
            return None;
        }
        "a package-registry credential file"
    } else {
        super::secrets::credential_file(&lower)?
    };
    Some(format!(
        "`{entry}` ships in the package: {what}. Everyone who installs it gets the file; exclude it (`files` in package.json, .npmignore, MANIFEST.in, `exclude` in Cargo.toml) and rotate what it holds"
    ))
}

/// A non-empty `_authToken`, `_auth`, `_password` or `password` value that is not a
/// `${VARIABLE}` reference.
fn has_credential(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim();
        let Some((key, value)) = line
            .split_once('=')
            .or_else(|| line.split_once(':').filter(|(k, _)| k.trim() == "password"))
        else {
            return false;
        };
        let key = key.trim().to_ascii_lowercase();
        let value = value.trim().trim_matches('"');
        let credential_key = key.ends_with("_authtoken")
            || key.ends_with("_auth")
            || key.ends_with("_password")
            || key == "password";
        credential_key && !value.is_empty() && !value.starts_with("${")
    }) || text.contains("machine ") && text.contains(" password ")
}

/// Source maps: files embedded through `sourcesContent` whose path leads outside the archive
/// (more `..` than the map is deep) or is absolute: the developer's machine, not the package.
fn outside_sources(entry: &str, text: &str) -> Option<String> {
    if !entry.ends_with(".map") {
        return None;
    }
    let map: serde_json::Value = serde_json::from_str(text).ok()?;
    let sources = map.get("sources")?.as_array()?;
    let contents = map.get("sourcesContent")?.as_array()?;
    let root = map.get("sourceRoot").and_then(|r| r.as_str()).unwrap_or("");
    let depth = entry.matches('/').count();
    let mut outside: Vec<&str> = Vec::new();
    for (source, content) in sources.iter().zip(contents) {
        let (Some(source), Some(content)) = (source.as_str(), content.as_str()) else {
            continue;
        };
        if content.is_empty() {
            continue;
        }
        let joined = if root.is_empty() {
            source.to_string()
        } else {
            format!("{}/{source}", root.trim_end_matches('/'))
        };
        let path = joined.strip_prefix("file://").unwrap_or(&joined);
        if path.contains("://") {
            continue;
        }
        if crate::rel_path::leaves_root(path, depth) {
            outside.push(source);
        }
    }
    let first = outside.first()?;
    Some(format!(
        "`{entry}` embeds the source of {} file(s) from outside the package, e.g. `{first}`: whoever installs the package can read them",
        outside.len()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_files_need_a_credential() {
        assert!(has_credential("//registry.npmjs.org/:_authToken=npm_abc\n"));
        assert!(!has_credential(
            "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n"
        ));
        assert!(!has_credential("registry=https://registry.npmjs.org/\n"));
        assert!(has_credential(
            "[pypi]\nusername = __token__\npassword = pypi-abc\n"
        ));
    }

    #[test]
    fn sources_outside_the_archive() {
        let map =
            |source: &str| format!("{{\"sources\":[\"{source}\"],\"sourcesContent\":[\"x\"]}}");
        let entry = "srv.tgz!/package/dist/a.js.map";
        let entry = crate::rel_path::split(entry).map_or(entry, |(_, e)| e);
        assert!(outside_sources(entry, &map("../../../src/a.ts")).is_some());
        assert!(outside_sources(entry, &map("/home/dev/keys.ts")).is_some());
        assert!(outside_sources(entry, &map("../src/a.ts")).is_none());
        assert!(outside_sources(entry, &map("webpack://app/src/a.ts")).is_none());
    }
}
