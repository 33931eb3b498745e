//! The advisory store: where advisories are read from at scan time.
//!
//! `--db` names either a store that `mcpgate db update` or `mcpgate db import` built (a
//! `mcpgate-db.json` file plus, per ecosystem, a data file with one line of advisories per
//! package and an index from package name to that line), or a plain directory of OSV records
//! (JSON or YAML), RustSec advisories (`RUSTSEC-*.md`) and OSV `all.zip` files, read whole into
//! memory. A store loads an ecosystem's index only when a lockfile of that ecosystem is
//! scanned, and reads only the lines of the packages it looks up, so small scans stay cheap
//! however large the store.

use super::advisory::Advisory;
use super::{DbError, Ecosystem, osv, rustsec_db};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub const META_FILE: &str = "mcpgate-db.json";
const FORMAT: u32 = 1;
/// One advisory record larger than this is not an advisory.
const MAX_RECORD_BYTES: u64 = 16 * 1024 * 1024;
/// All records of one archive together (OSV's largest, npm, is well under 1 GiB unpacked).
const MAX_ARCHIVE_BYTES: u64 = 4 << 30;
/// Directory depth of a source tree (advisory-db nests three levels).
const MAX_DEPTH: usize = 16;

#[derive(Debug, Serialize, Deserialize)]
struct Meta {
    format: u32,
    /// Seconds since the Unix epoch when the store was built.
    built: u64,
    sources: Vec<String>,
    counts: BTreeMap<Ecosystem, usize>,
    #[serde(default)]
    skipped: usize,
}

/// What a database holds, for `mcpgate db status` and the staleness warning.
#[derive(Clone, Debug, PartialEq)]
pub struct DbStatus {
    pub path: PathBuf,
    /// `store` (built by mcpgate) or `directory` (records read as they are).
    pub kind: &'static str,
    pub built: Option<SystemTime>,
    pub sources: Vec<String>,
    pub counts: BTreeMap<Ecosystem, usize>,
    /// Source files that could not be read as advisories.
    pub skipped: usize,
}

impl DbStatus {
    pub fn total(&self) -> usize {
        self.counts.values().sum()
    }

    /// How old the store is; `None` for plain directories, whose age is unknown.
    pub fn age(&self) -> Option<Duration> {
        self.built
            .and_then(|b| SystemTime::now().duration_since(b).ok())
    }
}

/// Advisories read from sources, with the files that could not be read.
#[derive(Debug, Default)]
pub struct Loaded {
    pub advisories: Vec<Advisory>,
    /// (file, reason) of every source file that is not a readable advisory.
    pub skipped: Vec<(String, String)>,
}

pub enum AdvisoryDb {
    Memory(MemoryDb),
    Store(Box<StoreDb>),
}

pub struct MemoryDb {
    status: DbStatus,
    by_package: HashMap<(Ecosystem, String), Vec<Advisory>>,
}

pub struct StoreDb {
    status: DbStatus,
    dir: PathBuf,
    ecosystems: [OnceLock<Result<EcosystemIndex, String>>; 4],
}

/// One ecosystem's index, `name\toffset\tlen` lines sorted by name, kept as read: a lookup
/// is a binary search over line starts, so opening it costs one read and one newline scan,
/// not a map of every package name.
struct EcosystemIndex {
    text: String,
    starts: Vec<usize>,
    /// `None` when the store has no advisories of this ecosystem.
    data: Option<Mutex<std::fs::File>>,
}

impl EcosystemIndex {
    fn line(&self, i: usize) -> &str {
        let start = self.starts.get(i).copied().unwrap_or(self.text.len());
        let end = self
            .starts
            .get(i + 1)
            .map_or(self.text.len(), |next| next.saturating_sub(1));
        self.text
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }

    /// (offset, len) of `name`'s line in the data file; `Err` for a malformed index line.
    fn find(&self, name: &str) -> Result<Option<(u64, usize)>, String> {
        let found = self.starts.binary_search_by(|&start| {
            let rest = self.text.get(start..).unwrap_or("");
            let key = rest.split(['\t', '\n']).next().unwrap_or("");
            key.cmp(name)
        });
        let Ok(i) = found else {
            return Ok(None);
        };
        let line = self.line(i);
        let mut parts = line.split('\t').skip(1);
        let offset = parts.next().and_then(|o| o.parse::<u64>().ok());
        let len = parts.next().and_then(|l| l.parse::<usize>().ok());
        match (offset, len) {
            (Some(offset), Some(len)) => Ok(Some((offset, len))),
            _ => Err(format!("index line {} is not `name\toffset\tlen`", i + 1)),
        }
    }
}

impl AdvisoryDb {
    /// Opens a store or reads a source directory. A path that does not exist is
    /// `DbError::Missing`, whose message says how to get one.
    pub fn open(path: &Path) -> Result<AdvisoryDb, DbError> {
        if !path.exists() {
            return Err(DbError::Missing {
                path: path.to_path_buf(),
            });
        }
        let meta_path = path.join(META_FILE);
        if meta_path.is_file() {
            return StoreDb::open(path, &meta_path).map(|s| AdvisoryDb::Store(Box::new(s)));
        }
        let loaded = load_sources(&[path.to_path_buf()])?;
        if loaded.advisories.is_empty() {
            let reason = match loaded.skipped.first() {
                Some((file, why)) => format!(
                    "no advisories found ({} files could not be read; first: {file}: {why})",
                    loaded.skipped.len()
                ),
                None => "no advisories found (expected OSV .json/.yaml records, RUSTSEC-*.md \
                         files, OSV all.zip files or a store built by `mcpgate db update`)"
                    .to_string(),
            };
            return Err(DbError::Corrupt {
                path: path.to_path_buf(),
                reason,
            });
        }
        Ok(AdvisoryDb::Memory(MemoryDb::new(path, loaded)))
    }

    pub fn status(&self) -> &DbStatus {
        match self {
            AdvisoryDb::Memory(m) => &m.status,
            AdvisoryDb::Store(s) => &s.status,
        }
    }

    /// The advisories of one package (`name` normalized by the ecosystem).
    pub fn lookup(&self, ecosystem: Ecosystem, name: &str) -> Result<Vec<Advisory>, DbError> {
        match self {
            AdvisoryDb::Memory(m) => Ok(m
                .by_package
                .get(&(ecosystem, name.to_string()))
                .cloned()
                .unwrap_or_default()),
            AdvisoryDb::Store(s) => s.lookup(ecosystem, name),
        }
    }
}

impl MemoryDb {
    fn new(path: &Path, loaded: Loaded) -> MemoryDb {
        let mut by_package: HashMap<(Ecosystem, String), Vec<Advisory>> = HashMap::new();
        let mut counts = BTreeMap::new();
        for advisory in dedup(loaded.advisories) {
            *counts.entry(advisory.ecosystem).or_insert(0) += 1;
            by_package
                .entry((advisory.ecosystem, advisory.package.clone()))
                .or_default()
                .push(advisory);
        }
        MemoryDb {
            status: DbStatus {
                path: path.to_path_buf(),
                kind: "directory",
                built: None,
                sources: vec![path.display().to_string()],
                counts,
                skipped: loaded.skipped.len(),
            },
            by_package,
        }
    }
}

impl StoreDb {
    fn open(dir: &Path, meta_path: &Path) -> Result<StoreDb, DbError> {
        let text = std::fs::read_to_string(meta_path).map_err(|source| DbError::Io {
            path: meta_path.to_path_buf(),
            source,
        })?;
        let meta: Meta = serde_json::from_str(&text).map_err(|e| DbError::Corrupt {
            path: meta_path.to_path_buf(),
            reason: e.to_string(),
        })?;
        if meta.format != FORMAT {
            return Err(DbError::Corrupt {
                path: meta_path.to_path_buf(),
                reason: format!(
                    "store format {} is not the format {FORMAT} this mcpgate reads; run `mcpgate db update`",
                    meta.format
                ),
            });
        }
        Ok(StoreDb {
            status: DbStatus {
                path: dir.to_path_buf(),
                kind: "store",
                built: Some(UNIX_EPOCH + Duration::from_secs(meta.built)),
                sources: meta.sources,
                counts: meta.counts,
                skipped: meta.skipped,
            },
            dir: dir.to_path_buf(),
            ecosystems: Default::default(),
        })
    }

    fn lookup(&self, ecosystem: Ecosystem, name: &str) -> Result<Vec<Advisory>, DbError> {
        let slot = Ecosystem::ALL
            .iter()
            .position(|e| *e == ecosystem)
            .and_then(|i| self.ecosystems.get(i));
        let Some(slot) = slot else {
            return Ok(Vec::new());
        };
        let index = slot
            .get_or_init(|| EcosystemIndex::load(&self.dir, ecosystem))
            .as_ref()
            .map_err(|reason| DbError::Corrupt {
                path: self.dir.clone(),
                reason: reason.clone(),
            })?;
        let Some(data) = &index.data else {
            return Ok(Vec::new());
        };
        let found = index.find(name).map_err(|reason| DbError::Corrupt {
            path: self.dir.join(format!("{}.idx", ecosystem.file_stem())),
            reason,
        })?;
        let Some((offset, len)) = found else {
            return Ok(Vec::new());
        };
        let data_path = self.dir.join(format!("{}.jsonl", ecosystem.file_stem()));
        let corrupt = |reason: String| DbError::Corrupt {
            path: data_path.clone(),
            reason,
        };
        // A damaged or hand-made index must not size an allocation.
        if len as u64 > MAX_RECORD_BYTES {
            return Err(corrupt(format!(
                "index entry of `{name}` claims {len} bytes; rebuild with `mcpgate db update`"
            )));
        }
        let mut line = vec![0; len];
        {
            let mut file = data.lock().map_err(|_| corrupt("reader poisoned".into()))?;
            file.seek(SeekFrom::Start(offset))
                .and_then(|_| file.read_exact(&mut line))
                .map_err(|e| corrupt(e.to_string()))?;
        }
        serde_json::from_slice(&line).map_err(|e| corrupt(format!("entry of `{name}`: {e}")))
    }
}

impl EcosystemIndex {
    fn load(dir: &Path, ecosystem: Ecosystem) -> Result<EcosystemIndex, String> {
        let stem = ecosystem.file_stem();
        let index_path = dir.join(format!("{stem}.idx"));
        let data_path = dir.join(format!("{stem}.jsonl"));
        let data = match std::fs::File::open(&data_path) {
            Ok(file) => file,
            // An ecosystem the store has no advisories for.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(EcosystemIndex {
                    text: String::new(),
                    starts: Vec::new(),
                    data: None,
                });
            }
            Err(e) => return Err(format!("{}: {e}", data_path.display())),
        };
        let text = std::fs::read_to_string(&index_path)
            .map_err(|e| format!("{}: {e}", index_path.display()))?;
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        // A final newline starts no line.
        if starts.last() == Some(&text.len()) {
            starts.pop();
        }
        Ok(EcosystemIndex {
            text,
            starts,
            data: Some(Mutex::new(data)),
        })
    }
}

/// Keeps one advisory per (id, ecosystem, package): the same record can come from two sources.
fn dedup(mut advisories: Vec<Advisory>) -> Vec<Advisory> {
    advisories
        .sort_by(|a, b| (a.ecosystem, &a.package, &a.id).cmp(&(b.ecosystem, &b.package, &b.id)));
    advisories
        .dedup_by(|a, b| a.ecosystem == b.ecosystem && a.package == b.package && a.id == b.id);
    advisories
}

/// Reads advisories from files and directories: OSV `.json`/`.yaml` records, `RUSTSEC-*.md`
/// advisories and OSV `.zip` archives. Symlinks are not followed; files that are not
/// advisories are listed in `skipped`, never fatal.
pub fn load_sources(paths: &[PathBuf]) -> Result<Loaded, DbError> {
    let mut files = Vec::new();
    for path in paths {
        let meta = std::fs::symlink_metadata(path).map_err(|source| DbError::Io {
            path: path.clone(),
            source,
        })?;
        if meta.is_dir() {
            collect_files(path, 0, &mut files).map_err(|source| DbError::Io {
                path: path.clone(),
                source,
            })?;
        } else {
            files.push(path.clone());
        }
    }
    let results: Vec<Result<Vec<Advisory>, (String, String)>> = files
        .par_iter()
        .map(|file| read_source_file(file))
        .collect();
    let mut loaded = Loaded::default();
    for result in results {
        match result {
            Ok(advisories) => loaded.advisories.extend(advisories),
            Err(skip) => loaded.skipped.push(skip),
        }
    }
    loaded.skipped.sort();
    Ok(loaded)
}

fn collect_files(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if depth > MAX_DEPTH {
        return Ok(());
    }
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let kind = entry.file_type()?;
        if kind.is_dir() {
            collect_files(&entry.path(), depth + 1, out)?;
        } else if kind.is_file() && source_kind(&entry.path()).is_some() {
            out.push(entry.path());
        }
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SourceKind {
    OsvJson,
    OsvYaml,
    RustSec,
    Zip,
}

fn source_kind(path: &Path) -> Option<SourceKind> {
    let name = path.file_name()?.to_str()?;
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".json") && name != META_FILE {
        Some(SourceKind::OsvJson)
    } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        Some(SourceKind::OsvYaml)
    } else if name.starts_with("RUSTSEC-") && lower.ends_with(".md") {
        Some(SourceKind::RustSec)
    } else if lower.ends_with(".zip") {
        Some(SourceKind::Zip)
    } else {
        None
    }
}

fn read_source_file(path: &Path) -> Result<Vec<Advisory>, (String, String)> {
    let shown = path.display().to_string();
    let fail = |reason: String| (shown.clone(), reason);
    let Some(kind) = source_kind(path) else {
        return Err(fail(
            "not an advisory file (.json, .yaml, RUSTSEC-*.md or .zip)".into(),
        ));
    };
    if kind == SourceKind::Zip {
        return read_zip(path).map_err(fail);
    }
    let file = std::fs::File::open(path).map_err(|e| fail(e.to_string()))?;
    let size = file.metadata().map_or(0, |m| m.len());
    if size > MAX_RECORD_BYTES {
        return Err(fail("larger than 16 MiB".into()));
    }
    // Sized from the metadata: a `Take` alone makes `read_to_string` reserve its whole limit.
    let mut text = String::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(MAX_RECORD_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|e| fail(e.to_string()))?;
    if text.len() as u64 > MAX_RECORD_BYTES {
        return Err(fail("larger than 16 MiB".into()));
    }
    parse_record(kind, &text).map_err(fail)
}

fn parse_record(kind: SourceKind, text: &str) -> Result<Vec<Advisory>, String> {
    match kind {
        SourceKind::OsvJson => osv::parse(text, false),
        SourceKind::OsvYaml => osv::parse(text, true),
        SourceKind::RustSec => rustsec_db::parse(text).map(|a| a.into_iter().collect()),
        SourceKind::Zip => Err("nested archive".into()),
    }
}

/// An OSV `all.zip`: one JSON record per entry. A bad entry is skipped, a bad archive fails.
fn read_zip(path: &Path) -> Result<Vec<Advisory>, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut archive = zip::ZipArchive::new(file).map_err(|e| format!("not a zip archive: {e}"))?;
    let mut texts = Vec::with_capacity(archive.len().min(1 << 20));
    let mut total = 0u64;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| e.to_string())?;
        let is_record = entry
            .name()
            .is_ok_and(|n| n.to_ascii_lowercase().ends_with(".json"));
        if !entry.is_file() || !is_record {
            continue;
        }
        // The declared size sizes the buffer; `take` still bounds what a lying header yields.
        if entry.size() > MAX_RECORD_BYTES {
            continue;
        }
        let mut text = String::with_capacity(usize::try_from(entry.size()).unwrap_or(0));
        let read = (&mut entry)
            .take(MAX_RECORD_BYTES + 1)
            .read_to_string(&mut text);
        if read.is_ok() && text.len() as u64 <= MAX_RECORD_BYTES {
            total += text.len() as u64;
            if total > MAX_ARCHIVE_BYTES {
                return Err(format!(
                    "more than {} GiB of records: not an advisory archive",
                    MAX_ARCHIVE_BYTES >> 30
                ));
            }
            texts.push(text);
        }
    }
    Ok(texts
        .par_iter()
        .filter_map(|t| osv::parse(t, false).ok())
        .flatten()
        .collect())
}

/// Writes `loaded` as a store at `dir`, replacing what is there only once the new store is
/// complete (built beside it, then renamed into place).
pub fn write_store(dir: &Path, loaded: Loaded, sources: Vec<String>) -> Result<DbStatus, DbError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| DbError::Io {
            path: path.clone(),
            source,
        }
    };
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(io(parent))?;
    let file_name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "db".into());
    let staging = parent.join(format!(".{file_name}.new-{}", std::process::id()));
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(io(&staging))?;
    }
    std::fs::create_dir_all(&staging).map_err(io(&staging))?;

    let skipped = loaded.skipped.len();
    let mut grouped: BTreeMap<Ecosystem, BTreeMap<String, Vec<Advisory>>> = BTreeMap::new();
    let mut counts = BTreeMap::new();
    for advisory in dedup(loaded.advisories) {
        if advisory.package.contains(['\t', '\n', '\r']) {
            continue;
        }
        *counts.entry(advisory.ecosystem).or_insert(0) += 1;
        grouped
            .entry(advisory.ecosystem)
            .or_default()
            .entry(advisory.package.clone())
            .or_default()
            .push(advisory);
    }
    for (ecosystem, packages) in &grouped {
        let stem = ecosystem.file_stem();
        let data_path = staging.join(format!("{stem}.jsonl"));
        let index_path = staging.join(format!("{stem}.idx"));
        let mut data =
            std::io::BufWriter::new(std::fs::File::create(&data_path).map_err(io(&data_path))?);
        let mut index =
            std::io::BufWriter::new(std::fs::File::create(&index_path).map_err(io(&index_path))?);
        let mut offset = 0u64;
        for (name, advisories) in packages {
            let line = serde_json::to_vec(advisories).map_err(|e| DbError::Corrupt {
                path: data_path.clone(),
                reason: e.to_string(),
            })?;
            data.write_all(&line).map_err(io(&data_path))?;
            data.write_all(b"\n").map_err(io(&data_path))?;
            writeln!(index, "{name}\t{offset}\t{}", line.len()).map_err(io(&index_path))?;
            offset += line.len() as u64 + 1;
        }
        data.flush().map_err(io(&data_path))?;
        index.flush().map_err(io(&index_path))?;
    }
    let built = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let meta = Meta {
        format: FORMAT,
        built,
        sources: sources.clone(),
        counts: counts.clone(),
        skipped,
    };
    let meta_path = staging.join(META_FILE);
    let meta_text = serde_json::to_string_pretty(&meta).map_err(|e| DbError::Corrupt {
        path: meta_path.clone(),
        reason: e.to_string(),
    })?;
    std::fs::write(&meta_path, meta_text).map_err(io(&meta_path))?;

    // Swap: the old store is moved aside first, so a failure leaves one complete store.
    let old = parent.join(format!(".{file_name}.old-{}", std::process::id()));
    if dir.exists() {
        std::fs::rename(dir, &old).map_err(io(dir))?;
    }
    if let Err(source) = std::fs::rename(&staging, dir) {
        let _ = std::fs::rename(&old, dir);
        return Err(DbError::Io {
            path: dir.to_path_buf(),
            source,
        });
    }
    if old.exists() {
        std::fs::remove_dir_all(&old).map_err(io(&old))?;
    }
    Ok(DbStatus {
        path: dir.to_path_buf(),
        kind: "store",
        built: Some(UNIX_EPOCH + Duration::from_secs(built)),
        sources,
        counts,
        skipped,
    })
}

/// Where the store lives when `--db` is not given: the user's cache directory.
pub fn default_dir() -> PathBuf {
    dirs::cache_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("mcpgate")
        .join("advisories")
}
