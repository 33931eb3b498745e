//! The scan pipeline: resolve the targets, walk them, read and analyze every file in parallel
//! (one parse per file, all rules in that pass), and gather one sorted `Report`.

use crate::analyze::cross_file::{self, ModuleFacts};
use crate::analyze::source::{self, language_for};
use crate::analyze::{FileContext, FileOutcome, secrets};
use crate::error::{Error, Result};
use crate::finding::{Notice, NoticeLevel, Report};
use crate::rules::RuleSet;
use crate::suppress;
use crate::walk::{WalkOptions, WalkedFile, walk};
use rayon::prelude::*;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Files larger than this are skipped with a notice unless `max_file_size` says otherwise.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 8 * 1024 * 1024;
/// How long one file may take to parse before it is given up with a notice.
pub const DEFAULT_PARSE_TIMEOUT: Duration = Duration::from_secs(10);
/// A NUL byte in this many leading bytes marks a file as binary (what git and ripgrep do).
const BINARY_SNIFF_BYTES: usize = 8 * 1024;

#[derive(Clone, Debug)]
pub struct ScanOptions {
    /// Directories or files to scan. Empty means the current directory.
    pub paths: Vec<PathBuf>,
    pub exclude: Vec<String>,
    pub default_excludes: bool,
    pub max_file_size: u64,
    /// Worker threads; `None` means one per core.
    pub jobs: Option<usize>,
    pub parse_timeout: Duration,
    /// Also scan the lines these commits added, for secrets.
    pub history: Option<crate::history::HistoryRange>,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            paths: Vec::new(),
            exclude: Vec::new(),
            default_excludes: true,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            jobs: None,
            parse_timeout: DEFAULT_PARSE_TIMEOUT,
            history: None,
        }
    }
}

/// Scans the targets of `options` with `rules`. Problems with single files become notices in
/// the report; only problems that make the whole result untrustworthy are errors.
pub fn scan(options: &ScanOptions, rules: &RuleSet) -> Result<Report> {
    let (root, targets) = resolve_targets(&options.paths)?;
    let threads = options
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .map_err(|e| Error::ThreadPool(e.to_string()))?;
    let walk_options = WalkOptions {
        exclude: options.exclude.clone(),
        default_excludes: options.default_excludes,
        threads,
    };

    let mut files = Vec::new();
    let mut report = Report::default();
    for target in &targets {
        let (found, notices) = walk(&root, target, &walk_options)?;
        files.extend(found);
        report.notices.extend(notices);
    }
    files.sort();
    files.dedup();

    let project = cross_file::project_modules(files.iter().map(|f| f.rel.as_str()));
    let mut outcomes: Vec<(&WalkedFile, u64, FileOutcome)> = pool.install(|| {
        files
            .par_iter()
            .filter_map(|file| {
                analyze_file(file, rules, options, &project).map(|(b, o)| (file, b, o))
            })
            .collect()
    });
    // Sinks in one module reached from MCP entry points in another.
    let modules: Vec<ModuleFacts<'_>> = outcomes
        .iter()
        .filter(|(_, _, o)| {
            !o.exports.is_empty() || !o.external_calls.is_empty() || !o.reexports.is_empty()
        })
        .map(|(file, _, o)| ModuleFacts {
            path: &file.rel,
            exports: &o.exports,
            calls: &o.external_calls,
            reexports: &o.reexports,
        })
        .collect();
    report.findings.extend(cross_file::join(&modules, rules));
    if let Some(range) = &options.history {
        let (found, notices) = crate::history::scan(&root, range, rules, options.max_file_size);
        report.findings.extend(found);
        report.notices.extend(notices);
    }
    for (_, bytes, outcome) in outcomes.drain(..) {
        report.files_scanned += 1;
        report.bytes_scanned += bytes;
        report.findings.extend(outcome.findings);
        report.notices.extend(outcome.notices);
    }
    report.normalize();
    Ok(report)
}

/// The directory report paths are relative to (and where `.mcpgate.toml` is looked for).
pub fn scan_root(paths: &[PathBuf]) -> Result<PathBuf> {
    resolve_targets(paths).map(|(root, _)| root)
}

/// The root that report paths are relative to, and the canonical targets below it.
///
/// One directory: paths are relative to it. One file: relative to its directory. Several
/// targets: relative to the current directory, which must contain them all.
fn resolve_targets(paths: &[PathBuf]) -> Result<(PathBuf, Vec<PathBuf>)> {
    let given: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let mut canonical = Vec::with_capacity(given.len());
    for path in &given {
        let resolved = std::fs::canonicalize(path).map_err(|source| {
            if source.kind() == std::io::ErrorKind::NotFound {
                Error::PathNotFound { path: path.clone() }
            } else {
                Error::Unreadable {
                    path: path.clone(),
                    source,
                }
            }
        })?;
        if resolved.is_dir() {
            std::fs::read_dir(&resolved).map_err(|source| Error::Unreadable {
                path: path.clone(),
                source,
            })?;
        }
        canonical.push(resolved);
    }
    if let [only] = canonical.as_slice() {
        let root = if only.is_dir() {
            only.clone()
        } else {
            only.parent()
                .map_or_else(|| only.clone(), Path::to_path_buf)
        };
        return Ok((root, canonical));
    }
    let cwd = std::env::current_dir()
        .and_then(std::fs::canonicalize)
        .map_err(|source| Error::Unreadable {
            path: PathBuf::from("."),
            source,
        })?;
    for (target, path) in canonical.iter().zip(&given) {
        if !target.starts_with(&cwd) {
            return Err(Error::OutsideWorkingDir { path: path.clone() });
        }
    }
    Ok((cwd, canonical))
}

/// Reads and analyzes one file; `None` when no analyzer is interested in it.
fn analyze_file(
    file: &WalkedFile,
    rules: &RuleSet,
    options: &ScanOptions,
    project: &cross_file::ProjectModules,
) -> Option<(u64, FileOutcome)> {
    let needs_head = file.abs.extension().is_none();
    let head = if needs_head {
        read_head(&file.abs)
    } else {
        Vec::new()
    };
    // Source files go to their language front end; every text file goes to the secret rules.
    let lang = language_for(&file.abs, &head).filter(|l| rules.languages().contains(l));
    let secrets = rules.secret_prefilter().is_some();
    if lang.is_none() && !secrets {
        return None;
    }
    let mut outcome = FileOutcome::default();
    if file.size > options.max_file_size {
        outcome.notices.push(Notice::new(
            &file.rel,
            NoticeLevel::Note,
            format!(
                "skipped: {} is over the {} limit (--max-file-size)",
                human_size(file.size),
                human_size(options.max_file_size)
            ),
        ));
        return Some((0, outcome));
    }
    let bytes = match read_capped(&file.abs, options.max_file_size) {
        Ok(bytes) => bytes,
        Err(e) => {
            outcome.notices.push(Notice::new(
                &file.rel,
                NoticeLevel::Error,
                format!("cannot read: {e}"),
            ));
            return Some((0, outcome));
        }
    };
    let sniff = bytes.get(..BINARY_SNIFF_BYTES).unwrap_or(&bytes);
    if sniff.contains(&0) {
        // Images and archives are expected; a binary where source was expected is worth a note.
        lang?;
        outcome.notices.push(Notice::new(
            &file.rel,
            NoticeLevel::Note,
            "skipped: binary file (NUL byte)",
        ));
        return Some((0, outcome));
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            outcome.notices.push(Notice::new(
                &file.rel,
                NoticeLevel::Note,
                "not valid UTF-8; analyzed with invalid bytes replaced",
            ));
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    };
    let ctx = FileContext::new(&file.rel, &text);
    if let Some(lang) = lang {
        let analyzed = source::analyze(lang, &ctx, rules, options.parse_timeout, project);
        outcome.findings.extend(analyzed.findings);
        outcome.notices.extend(analyzed.notices);
        outcome.exports = analyzed.exports;
        outcome.external_calls = analyzed.external_calls;
        outcome.reexports = analyzed.reexports;
    }
    outcome.findings.extend(secrets::scan(&ctx, rules));
    // Fingerprints once, after suppressions: occurrences are counted over what is reported.
    outcome.findings = suppress::apply(&ctx, rules, std::mem::take(&mut outcome.findings));
    ctx.fingerprint(&mut outcome.findings);
    Some((text.len() as u64, outcome))
}

/// Analyzes one in-memory file as the scan would, choosing the analyzers by `rel_path`. For
/// rule tests, editors and fuzzing: no walking, no file system.
pub fn analyze_text(rel_path: &str, text: &str, rules: &RuleSet) -> FileOutcome {
    let ctx = FileContext::new(rel_path, text);
    let mut outcome = match language_for(Path::new(rel_path), text.as_bytes()) {
        Some(lang) => source::analyze(
            lang,
            &ctx,
            rules,
            DEFAULT_PARSE_TIMEOUT,
            &cross_file::ProjectModules::new(),
        ),
        None => FileOutcome::default(),
    };
    outcome.findings.extend(secrets::scan(&ctx, rules));
    // Fingerprints once, after suppressions: occurrences are counted over what is reported.
    outcome.findings = suppress::apply(&ctx, rules, std::mem::take(&mut outcome.findings));
    ctx.fingerprint(&mut outcome.findings);
    outcome
}

fn read_head(path: &Path) -> Vec<u8> {
    let mut head = vec![0; 256];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    head.truncate(n);
    head
}

/// Reads at most `cap` bytes, so a file that grows after the walk cannot exhaust memory.
fn read_capped(path: &Path, cap: u64) -> std::io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(cap).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// `1536` -> `1.5 KiB`; used in notices and the CLI.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// Parses `512`, `64K`, `8M`, `1G` (binary units; a trailing `B`/`iB` is allowed).
pub fn parse_size(text: &str) -> std::result::Result<u64, String> {
    let t = text.trim();
    let upper = t.to_ascii_uppercase();
    let stripped = upper
        .strip_suffix("IB")
        .or_else(|| upper.strip_suffix('B'))
        .unwrap_or(&upper);
    let (digits, multiplier) = match stripped.chars().last() {
        Some('K') => (&stripped[..stripped.len() - 1], 1024u64),
        Some('M') => (&stripped[..stripped.len() - 1], 1024 * 1024),
        Some('G') => (&stripped[..stripped.len() - 1], 1024 * 1024 * 1024),
        _ => (stripped, 1),
    };
    let n: u64 = digits
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a size (examples: 500000, 512K, 8M, 1G)"))?;
    n.checked_mul(multiplier)
        .ok_or_else(|| format!("`{text}` is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_units() {
        assert_eq!(parse_size("512"), Ok(512));
        assert_eq!(parse_size("64K"), Ok(65536));
        assert_eq!(parse_size("8MiB"), Ok(8 * 1024 * 1024));
        assert_eq!(parse_size("1g"), Ok(1 << 30));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("99999999999999G").is_err());
    }

    #[test]
    fn human_sizes() {
        assert_eq!(human_size(100), "100 B");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(50 * 1024 * 1024), "50.0 MiB");
    }
}
