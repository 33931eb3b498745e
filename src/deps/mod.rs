//! Dependency audit: lockfiles and manifests become packages, packages are matched against an
//! advisory store built from OSV records and the RustSec advisory database, and manifests are
//! checked for specs that pin nothing.

pub mod advisory;
pub mod audit;
pub mod ecosystem;
pub mod lockfile;
pub mod osv;
pub mod rustsec_db;
pub mod store;
pub mod update;
pub mod version;

pub use advisory::{Advisory, AdvisoryKind};
pub use audit::{AuditOptions, DepCheck, DepsContext};
pub use ecosystem::Ecosystem;
pub use lockfile::{LockfileKind, Package};
pub use store::{AdvisoryDb, DbStatus};

/// Errors of the advisory store and its downloads. Problems with one lockfile are notices in
/// the report, not errors.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(
        "no advisory database at {path}: run `mcpgate db update` (needs network), point --db at an \
         OSV or RustSec directory, or pass --no-audit to skip the dependency audit"
    )]
    Missing { path: std::path::PathBuf },

    #[error("{path}: {reason}")]
    Corrupt {
        path: std::path::PathBuf,
        reason: String,
    },

    #[error("{path}: {source}")]
    Io {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("download of {url} failed: {reason}")]
    Download { url: String, reason: String },
}

/// YAML parsers recurse on flow collections before any depth limit applies, so a file of
/// 100,000 `[` takes libyaml tens of seconds to reject. Lockfiles and advisories nest a few
/// levels; text nested deeper than `max` is refused before it reaches the parser.
fn yaml_nesting_within(text: &str, max: usize) -> bool {
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    for &b in text.as_bytes() {
        match (quote, b) {
            // Quoted scalars in lockfiles stay on one line; an unclosed quote hides nothing
            // past its line.
            (_, b'\n') => quote = None,
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'[' | b'{') => {
                depth += 1;
                if depth > max {
                    return false;
                }
            }
            (None, b']' | b'}') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    true
}

/// How deep YAML flow collections may nest in a lockfile, an advisory or a configuration.
const MAX_YAML_NESTING: usize = 64;

/// A YAML document that could not be read: the line when known, and why.
#[derive(Debug)]
pub(crate) struct YamlError {
    pub line: Option<usize>,
    pub reason: String,
}

/// Every YAML input mcpgate reads (pnpm lockfiles, PyPA advisories, compose files, Continue
/// and Smithery configurations) goes through here: nesting is bounded before the parser runs.
pub(crate) fn from_yaml<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    if !yaml_nesting_within(text, MAX_YAML_NESTING) {
        return Err(YamlError {
            line: None,
            reason: format!("`[`/`{{` nested deeper than {MAX_YAML_NESTING} levels"),
        });
    }
    serde_yaml_ng::from_str(text).map_err(|e| YamlError {
        line: e.location().map(|l| l.line()),
        reason: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn yaml_nesting_is_bounded_outside_quotes() {
        assert!(super::yaml_nesting_within("a: {b: [1, {c: 2}]}\n", 3));
        assert!(!super::yaml_nesting_within("a: {b: [1, {c: 2}]}\n", 2));
        assert!(super::yaml_nesting_within("a: '[[[['\n", 1));
        assert!(!super::yaml_nesting_within("a: it's\nb: [[[[\n", 3));
    }
}
