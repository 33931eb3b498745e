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
