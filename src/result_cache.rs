//! Per-file results kept across runs (`--cache DIR`), so that a re-scan after a few files
//! changed analyzes only those.
//!
//! An entry is found by the file's path and the SHA-256 of its bytes (a weak hash would let a
//! crafted file pass as the clean one it collides with), inside a cache file whose results
//! were all made in one context: mcpgate's version, the rule pack, the options that change
//! one file's results, whether dependency findings are graded and the tool lock. A result
//! also depends on which of the names its imports resolve against are modules of the scan:
//! the names it asked about are kept with their answers, and it is reused only while each
//! gets the same answer (a file added elsewhere does not set every result aside). A
//! second-pass result also depends on what it looked up of other modules' exports: the
//! lookups are recorded with a digest of their answers, and the result is reused only while
//! the same lookups answer the same.
//!
//! Not kept: dependency manifests (their findings come from the advisory store), archive
//! entries, and results with an error or a budget notice (those depend on the machine's load).
//! A cache file that is damaged, too large, a link, or from another context is ignored and
//! the scan runs cold. Every string is redacted before it is written: the cache may be uploaded
//! to a CI platform's cache.

use crate::analyze::FileOutcome;
use crate::analyze::cross_file::{ProjectModules, Reads};
use crate::display::hex;
pub use crate::error::CacheError;
use crate::finding::{NoticeCode, NoticeLevel};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Bumped when what an entry holds changes shape or meaning.
const FORMAT: u32 = 8;
/// A cache file larger than this is not read.
const MAX_CACHE_FILE_BYTES: u64 = 512 << 20;
/// Cache files kept in one directory (one per scanned root); the oldest go first.
const MAX_CACHE_FILES: usize = 16;
const FILE_PREFIX: &str = "scan-";
const FILE_SUFFIX: &str = ".json";

/// The other modules' functions a second-pass result looked up, as (callee, calling file).
pub type FunctionReads = [(String, String)];

/// Which analysis of a file a result is: the first, or the second pass, which looked up other
/// modules' functions; `digest` says what given lookups find now (`Exports::read_digest`).
#[derive(Clone, Copy)]
pub enum Pass<'a> {
    First,
    Second {
        digest: &'a (dyn Fn(&FunctionReads) -> String + Sync),
    },
}

#[derive(Serialize, Deserialize)]
struct CacheFile {
    format: u32,
    context: String,
    entries: HashMap<String, Entry>,
}

#[derive(Clone, Serialize, Deserialize)]
struct Entry {
    sha256: String,
    bytes: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    first: Option<First>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    second: Option<Second>,
}

/// A first-pass result, with the names it asked about and whether each was a module.
#[derive(Clone, Serialize, Deserialize)]
struct First {
    modules: Vec<(String, bool)>,
    result: Box<RawValue>,
}

/// A second-pass result, with the lookups it made and what they found then.
#[derive(Clone, Serialize, Deserialize)]
struct Second {
    modules: Vec<(String, bool)>,
    reads: Vec<(String, String)>,
    digest: String,
    result: Box<RawValue>,
}

/// A stored result: the outcome, with what its serialized form leaves out.
#[derive(Serialize, Deserialize)]
struct Stored {
    outcome: FileOutcome,
    /// Each tool's `calls_out` (not part of the tool as reports show it).
    calls_out: Vec<Vec<String>>,
}

/// The results of the last scan of one root, and those of this scan.
pub struct ResultCache {
    file: PathBuf,
    root: PathBuf,
    context: String,
    old: HashMap<String, Entry>,
    new: Mutex<HashMap<String, Entry>>,
    hits: AtomicUsize,
}

/// What opening a cache found: the cache, and why its old results were set aside, if they were.
pub struct Opened {
    pub cache: ResultCache,
    pub ignored: Option<String>,
}

impl ResultCache {
    /// Opens (creating `dir` when missing) the cache file of the scan of `targets` under
    /// `root`, keeping its results only when they were made in `context`.
    pub fn open(
        dir: &Path,
        root: &Path,
        targets: &[PathBuf],
        context: String,
    ) -> Result<Opened, CacheError> {
        let dir_error = |source| CacheError::Dir {
            dir: dir.to_path_buf(),
            source,
        };
        let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        // Checked before anything is created, and again once links are resolved.
        let planned = resolved(dir).map_err(dir_error)?;
        if planned.starts_with(&root) {
            return Err(CacheError::InsideRoot { dir: planned, root });
        }
        std::fs::create_dir_all(dir).map_err(dir_error)?;
        let dir = std::fs::canonicalize(dir).map_err(dir_error)?;
        if dir.starts_with(&root) {
            return Err(CacheError::InsideRoot { dir, root });
        }
        let mut scope = Sha256::new();
        scope.update(root.to_string_lossy().as_bytes());
        for target in targets {
            scope.update([0]);
            scope.update(target.to_string_lossy().as_bytes());
        }
        let scope = hex(&scope.finalize());
        let file = dir.join(format!(
            "{FILE_PREFIX}{}{FILE_SUFFIX}",
            scope.get(..16).unwrap_or(&scope)
        ));
        let (old, ignored) = match read(&file, &context) {
            Ok(old) => (old, None),
            Err(why) => (HashMap::new(), why),
        };
        Ok(Opened {
            cache: ResultCache {
                file,
                root,
                context,
                old,
                new: Mutex::new(HashMap::new()),
                hits: AtomicUsize::new(0),
            },
            ignored,
        })
    }

    /// The result of an earlier run for this file's bytes, if one was kept and what it asked
    /// of `project` gets the same answers.
    pub fn get(
        &self,
        rel: &str,
        sha256: &str,
        pass: Pass<'_>,
        project: &ProjectModules,
    ) -> Option<(u64, FileOutcome)> {
        let entry = self.old.get(rel).filter(|e| e.sha256 == sha256)?;
        let same = |modules: &[(String, bool)]| {
            modules
                .iter()
                .all(|(name, found)| project.holds(name) == *found)
        };
        let (raw, reads) = match (pass, &entry.first, &entry.second) {
            (Pass::First, Some(first), _) if same(&first.modules) => (&first.result, None),
            (Pass::Second { digest }, _, Some(second))
                if same(&second.modules) && digest(&second.reads) == second.digest =>
            {
                (&second.result, Some(second))
            }
            _ => return None,
        };
        let stored: Stored = serde_json::from_str(raw.get()).ok()?;
        let mut outcome = stored.outcome;
        for (tool, calls_out) in outcome.tools.iter_mut().zip(stored.calls_out) {
            tool.calls_out = calls_out;
        }
        let slot = match (reads, &entry.first) {
            (Some(second), _) => Slot::Second(second.clone()),
            (None, Some(first)) => Slot::First(first.clone()),
            (None, None) => return None,
        };
        self.keep(rel, sha256, entry.bytes, slot);
        self.hits.fetch_add(1, Ordering::Relaxed);
        Some((entry.bytes, outcome))
    }

    /// Keeps a result just made, with what it looked up of the rest of the project, unless
    /// it depends on more than that, the file and the context.
    pub fn put(
        &self,
        rel: &str,
        sha256: &str,
        bytes: u64,
        pass: Pass<'_>,
        reads: Reads,
        outcome: &FileOutcome,
    ) {
        let unsettled = outcome.notices.iter().any(|n| {
            n.level == NoticeLevel::Error
                || matches!(n.code, NoticeCode::AnalysisBudget | NoticeCode::ParseFailed)
        });
        if unsettled {
            return;
        }
        let stored = StoredRef {
            outcome,
            calls_out: outcome.tools.iter().map(|t| t.calls_out.clone()).collect(),
        };
        let Ok(mut value) = serde_json::to_value(&stored) else {
            return;
        };
        redact(&mut value, &outcome.secrets);
        let Ok(raw) = serde_json::value::to_raw_value(&value) else {
            return;
        };
        let slot = match pass {
            Pass::First => Slot::First(First {
                modules: reads.modules,
                result: raw,
            }),
            Pass::Second { digest } => Slot::Second(Second {
                modules: reads.modules,
                digest: digest(&reads.functions),
                reads: reads.functions,
                result: raw,
            }),
        };
        self.keep(rel, sha256, bytes, slot);
    }

    fn keep(&self, rel: &str, sha256: &str, bytes: u64, slot: Slot) {
        let Ok(mut new) = self.new.lock() else {
            return;
        };
        let entry = new.entry(rel.to_string()).or_insert_with(|| Entry {
            sha256: sha256.to_string(),
            bytes,
            first: None,
            second: None,
        });
        match slot {
            Slot::First(first) => entry.first = Some(first),
            Slot::Second(second) => entry.second = Some(second),
        }
    }

    /// How many files' results came from the cache.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::Relaxed)
    }

    /// Writes this scan's results (only those: the cache holds one scan per root), then
    /// removes the oldest cache files over the directory's limit.
    pub fn save(self) -> Result<(), String> {
        let entries = self.new.into_inner().unwrap_or_default();
        let file = CacheFile {
            format: FORMAT,
            context: self.context,
            entries,
        };
        let bytes = serde_json::to_vec(&file).map_err(|e| e.to_string())?;
        crate::output_file::write(&self.file, &bytes, &self.root).map_err(|e| e.to_string())?;
        if let Some(dir) = self.file.parent() {
            prune(dir);
        }
        Ok(())
    }

    /// The cache file this scan reads and writes.
    pub fn path(&self) -> &Path {
        &self.file
    }
}

enum Slot {
    First(First),
    Second(Second),
}

#[derive(Serialize)]
struct StoredRef<'a> {
    outcome: &'a FileOutcome,
    calls_out: Vec<Vec<String>>,
}

/// Where `dir` is or would be: its nearest existing ancestor with links resolved, then the
/// rest as written.
fn resolved(dir: &Path) -> std::io::Result<PathBuf> {
    let absolute = std::env::current_dir()?.join(dir);
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = std::fs::canonicalize(existing) {
            return Ok(rest.iter().rev().fold(real, |path, part| path.join(part)));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return Ok(absolute),
        }
    }
}

/// The old results, or why they are not used (`None`: there were none).
fn read(file: &Path, context: &str) -> Result<HashMap<String, Entry>, Option<String>> {
    let meta = match std::fs::symlink_metadata(file) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(None),
        Err(e) => return Err(Some(format!("cannot read it: {e}"))),
    };
    if !meta.file_type().is_file() {
        return Err(Some("it is not a regular file".to_string()));
    }
    if meta.len() > MAX_CACHE_FILE_BYTES {
        return Err(Some(format!(
            "it is larger than {} MiB",
            MAX_CACHE_FILE_BYTES >> 20
        )));
    }
    let bytes = std::fs::read(file).map_err(|e| Some(format!("cannot read it: {e}")))?;
    let parsed: CacheFile =
        serde_json::from_slice(&bytes).map_err(|e| Some(format!("it is damaged ({e})")))?;
    // Another version or rule pack is the normal case after an upgrade: no reason to say.
    if parsed.format != FORMAT || parsed.context != context {
        return Err(None);
    }
    Ok(parsed.entries)
}

/// Removes the oldest cache files beyond `MAX_CACHE_FILES` (regular files with the cache's
/// names only).
fn prune(dir: &Path) {
    let Ok(listing) = std::fs::read_dir(dir) else {
        return;
    };
    let mut files: Vec<(std::time::SystemTime, PathBuf)> = listing
        .flatten()
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with(FILE_PREFIX) && name.ends_with(FILE_SUFFIX)
        })
        .filter_map(|e| {
            let meta = std::fs::symlink_metadata(e.path()).ok()?;
            if !meta.file_type().is_file() {
                return None;
            }
            Some((meta.modified().ok()?, e.path()))
        })
        .collect();
    if files.len() <= MAX_CACHE_FILES {
        return;
    }
    files.sort();
    let extra = files.len() - MAX_CACHE_FILES;
    for (_, path) in files.into_iter().take(extra) {
        let _ = std::fs::remove_file(path);
    }
}

/// Every string of a stored result with the file's secrets hidden (a constant argument of a
/// library call keeps a token whole), then scrubbed of credential-shaped values.
fn redact(value: &mut serde_json::Value, secrets: &[String]) {
    match value {
        serde_json::Value::String(s) => {
            for secret in secrets {
                if s.contains(secret.as_str()) {
                    *s = s.replace(secret.as_str(), &crate::display::redact(secret));
                }
            }
            crate::redact::scrub_in_place(s);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| redact(v, secrets)),
        serde_json::Value::Object(map) => map.values_mut().for_each(|v| redact(v, secrets)),
        _ => {}
    }
}

/// SHA-256 of a file's bytes, in hex: its key in the cache.
pub fn file_digest(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// What every result of a scan depends on besides its own file, as one digest.
pub struct Context<'a> {
    /// `RuleSet::digest`.
    pub rules: [u8; 32],
    pub include_tests: bool,
    pub inline_ignores: bool,
    pub max_file_size: u64,
    pub parse_timeout: std::time::Duration,
    pub graded_dependencies: bool,
    pub tool_lock: Option<&'a str>,
}

impl Context<'_> {
    pub fn digest(&self) -> String {
        let mut h = Sha256::new();
        h.update(format!("{FORMAT}\0{}\0", env!("CARGO_PKG_VERSION")));
        h.update(self.rules);
        h.update(format!(
            "\0{}{}{}\0{}\0{}\0",
            u8::from(self.include_tests),
            u8::from(self.inline_ignores),
            u8::from(self.graded_dependencies),
            self.max_file_size,
            self.parse_timeout.as_millis()
        ));
        if let Some(lock) = self.tool_lock {
            h.update(Sha256::digest(lock.as_bytes()));
        }
        hex(&h.finalize())
    }
}
