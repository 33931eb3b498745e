//! `mcpgate db update`: downloads OSV's per-ecosystem `all.zip` archives (which carry the
//! GitHub, PyPA, Go and RustSec advisories, malicious-package records included) and builds
//! the store from them. Everything goes to a staging directory first; the old store is
//! replaced only when the new one is complete, so a failed or interrupted update keeps it.

use super::store::{self, DbStatus};
use super::{DbError, Ecosystem};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where OSV publishes its exports.
pub const OSV_BASE_URL: &str = "https://osv-vulnerabilities.storage.googleapis.com";

#[derive(Clone, Debug)]
pub struct UpdateOptions {
    pub db: PathBuf,
    /// `{base_url}/{ecosystem}/all.zip` is downloaded per ecosystem.
    pub base_url: String,
    pub ecosystems: Vec<Ecosystem>,
    /// For each download, from connecting to the last byte.
    pub timeout: Duration,
    /// The largest archive accepted (npm's is the largest, some hundreds of MiB).
    pub max_bytes: u64,
}

impl Default for UpdateOptions {
    fn default() -> Self {
        UpdateOptions {
            db: store::default_dir(),
            base_url: OSV_BASE_URL.to_string(),
            ecosystems: Ecosystem::ALL.to_vec(),
            timeout: Duration::from_secs(600),
            max_bytes: 2 * 1024 * 1024 * 1024,
        }
    }
}

/// Downloads every ecosystem's archive and builds the store. Any failed download fails the
/// update and leaves the existing store as it was.
pub fn update(options: &UpdateOptions) -> Result<DbStatus, DbError> {
    let parent = options
        .db
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|source| DbError::Io {
        path: parent.to_path_buf(),
        source,
    })?;
    let staging = parent.join(format!(".mcpgate-download-{}", std::process::id()));
    std::fs::create_dir_all(&staging).map_err(|source| DbError::Io {
        path: staging.clone(),
        source,
    })?;
    let result = download_all(options, &staging).and_then(|urls| {
        let loaded = store::load_sources(std::slice::from_ref(&staging))?;
        // A download that is not a readable archive is a failed update, not a smaller store.
        if let Some((file, reason)) = loaded.skipped.first() {
            return Err(DbError::Download {
                url: file.clone(),
                reason: reason.clone(),
            });
        }
        store::write_store(&options.db, loaded, urls)
    });
    let _ = std::fs::remove_dir_all(&staging);
    result
}

fn download_all(options: &UpdateOptions, staging: &Path) -> Result<Vec<String>, DbError> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(options.timeout))
        .user_agent(concat!("mcpgate/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut urls = Vec::new();
    for ecosystem in &options.ecosystems {
        let url = format!(
            "{}/{}/all.zip",
            options.base_url.trim_end_matches('/'),
            ecosystem.osv_name()
        );
        let target = staging.join(format!("{}.zip", ecosystem.file_stem()));
        download(&agent, &url, &target, options.max_bytes)?;
        urls.push(url);
    }
    Ok(urls)
}

fn download(agent: &ureq::Agent, url: &str, target: &Path, max_bytes: u64) -> Result<(), DbError> {
    let fail = |reason: String| DbError::Download {
        url: url.to_string(),
        reason,
    };
    let mut response = agent.get(url).call().map_err(|e| fail(e.to_string()))?;
    let mut reader = response.body_mut().with_config().limit(max_bytes).reader();
    let mut file = std::fs::File::create(target).map_err(|source| DbError::Io {
        path: target.to_path_buf(),
        source,
    })?;
    let mut buffer = vec![0; 64 * 1024];
    loop {
        let n = reader.read(&mut buffer).map_err(|e| fail(e.to_string()))?;
        if n == 0 {
            break;
        }
        let chunk = buffer.get(..n).unwrap_or_default();
        file.write_all(chunk).map_err(|source| DbError::Io {
            path: target.to_path_buf(),
            source,
        })?;
    }
    file.flush().map_err(|source| DbError::Io {
        path: target.to_path_buf(),
        source,
    })
}
