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

pub use crate::error::DbError;

pub(crate) use crate::yaml::from_yaml;
