//! Release archives (npm tarballs, wheels, sdists, crates, desktop extensions) scanned as if
//! they were directories: what ships is not the repository. Entries are read into memory and
//! never written anywhere; each becomes a file of the scan named `archive!/inner/path`.
//!
//! An archive is hostile input. Names are normalized (no `..`, no absolute paths), links are
//! not followed, nested archives are not opened, and entries, kept bytes and decompressed
//! bytes are all capped; every one of those events is a notice, and the entries read before a
//! cap or a corrupt byte are still scanned.

use crate::finding::{Notice, NoticeCode, NoticeLevel};
use crate::walk::{Origin, WalkedFile};
use rustc_hash::FxHashSet as HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::rel_path::SEPARATOR;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArchiveKind {
    /// `.tgz`, `.tar.gz` (npm pack, sdists), `.crate`.
    TarGz,
    Tar,
    /// `.whl`, `.zip`, `.mcpb`, `.dxt`.
    Zip,
}

/// The archive kind of a file name, if it is one mcpgate opens.
pub fn kind_of(path: &Path) -> Option<ArchiveKind> {
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    if [".tgz", ".tar.gz", ".crate"]
        .iter()
        .any(|e| name.ends_with(e))
    {
        Some(ArchiveKind::TarGz)
    } else if name.ends_with(".tar") {
        Some(ArchiveKind::Tar)
    } else if [".whl", ".zip", ".mcpb", ".dxt"]
        .iter()
        .any(|e| name.ends_with(e))
    {
        Some(ArchiveKind::Zip)
    } else {
        None
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_entries: usize,
    /// Bytes of entry content held in memory, over all entries.
    pub max_kept_bytes: u64,
    /// Bytes decompressed from the archive, including entries that are skipped.
    pub max_stream_bytes: u64,
    /// Entries larger than this are skipped with a notice (the scan's --max-file-size).
    pub max_entry_bytes: u64,
    /// A zip entry that expands more than this many times is not read.
    pub max_ratio: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entries: 100_000,
            max_kept_bytes: 512 * 1024 * 1024,
            max_stream_bytes: 2 * 1024 * 1024 * 1024,
            max_entry_bytes: crate::limits::DEFAULT_MAX_FILE_SIZE,
            max_ratio: 1_000,
        }
    }
}

impl Limits {
    /// What is left of these limits once `reader` has used its share: the caps hold for all
    /// archives of a scan together, so many archives cannot add up to what one may not hold.
    fn spend(&mut self, reader: &Reader<'_>) {
        self.max_entries = self.max_entries.saturating_sub(reader.count);
        self.max_kept_bytes = self.max_kept_bytes.saturating_sub(reader.kept);
        self.max_stream_bytes = self.max_stream_bytes.saturating_sub(reader.streamed);
    }
}

/// The entries of the archive at `abs` (reported as `rel`) as in-memory files, and notices.
/// `budget` is what the scan may still read from archives; this archive's use is taken from it.
pub fn entries(
    abs: &Path,
    rel: &str,
    kind: ArchiveKind,
    budget: &mut Limits,
) -> (Vec<WalkedFile>, Vec<Notice>) {
    let limits = *budget;
    let mut reader = Reader::new(rel, &limits);
    match std::fs::File::open(abs) {
        Ok(file) => reader.read(std::io::BufReader::new(file), kind),
        Err(e) => reader.error(format!("cannot open the archive: {e}")),
    }
    budget.spend(&reader);
    (reader.files, reader.notices)
}

/// `entries` of an archive already in memory (for fuzzing and for archives inside other data).
pub fn entries_from_bytes(
    bytes: &[u8],
    rel: &str,
    kind: ArchiveKind,
    limits: &Limits,
) -> (Vec<WalkedFile>, Vec<Notice>) {
    let mut reader = Reader::new(rel, limits);
    reader.read(std::io::Cursor::new(bytes), kind);
    (reader.files, reader.notices)
}

struct Reader<'a> {
    rel: &'a str,
    limits: &'a Limits,
    files: Vec<WalkedFile>,
    notices: Vec<Notice>,
    seen: HashSet<String>,
    kept: u64,
    count: usize,
    /// Bytes decompressed, skipped entries included.
    streamed: u64,
}

/// Whether to read an entry, skip it, or stop reading the archive.
enum Fit {
    Read,
    Skip,
    Stop,
}

/// What happened to one entry's name.
enum Name {
    Clean(String),
    Normalized { from: String, to: String },
    Empty,
}

/// `a/./b`, `/a/b`, `../../a/b` and `a\b` all become `a/b`: the name can never point outside
/// the archive, wherever a report path is used.
fn normalize(raw: &str) -> Name {
    let parts: Vec<&str> = raw
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != "." && *p != "..")
        .collect();
    if parts.is_empty() {
        return Name::Empty;
    }
    let clean = parts.join("/");
    let plain = raw.trim_start_matches("./").trim_end_matches('/');
    if clean == plain {
        Name::Clean(clean)
    } else {
        Name::Normalized {
            from: raw.to_string(),
            to: clean,
        }
    }
}

impl<'a> Reader<'a> {
    fn new(rel: &'a str, limits: &'a Limits) -> Reader<'a> {
        Reader {
            rel,
            limits,
            files: Vec::new(),
            notices: Vec::new(),
            seen: HashSet::default(),
            kept: 0,
            count: 0,
            streamed: 0,
        }
    }

    fn note(&mut self, level: NoticeLevel, reason: String) {
        self.notices
            .push(Notice::new(NoticeCode::Archive, self.rel, level, reason));
    }

    fn error(&mut self, reason: String) {
        self.note(NoticeLevel::Error, reason);
    }

    /// Checks the entry count; false once the archive has too many entries.
    fn admit(&mut self) -> bool {
        self.count += 1;
        if self.count > self.limits.max_entries {
            if self.count == self.limits.max_entries + 1 {
                let n = self.limits.max_entries;
                self.error(format!(
                    "the archive has more than {n} entries (what is left of the scan's archive limits); only the first {n} were scanned"
                ));
            }
            return false;
        }
        true
    }

    /// The report name of an entry, or `None` when it must be skipped (empty, duplicate).
    fn name(&mut self, raw: &str) -> Option<String> {
        let name = match normalize(raw) {
            Name::Clean(n) => n,
            Name::Normalized { from, to } => {
                self.note(
                    NoticeLevel::Warning,
                    format!(
                        "entry `{}` has a name that points outside the archive; scanned as `{to}`",
                        crate::display::printable(&from)
                    ),
                );
                to
            }
            Name::Empty => return None,
        };
        if !self.seen.insert(name.clone()) {
            // Extractors install the last copy: what ships was not checked, so the scan fails
            // closed.
            self.note(
                NoticeLevel::Error,
                format!(
                    "entry `{}` appears more than once; only the first copy was scanned, and extractors install the last",
                    crate::display::printable(&name)
                ),
            );
            return None;
        }
        Some(name)
    }

    /// Whether an entry of `size` bytes may be read; notices for the ones that may not.
    fn fits(&mut self, name: &str, size: u64) -> Fit {
        if kind_of(Path::new(name)).is_some() {
            self.note(
                NoticeLevel::Warning,
                format!(
                    "entry `{}` is an archive inside the archive; it is not opened",
                    crate::display::printable(name)
                ),
            );
            return Fit::Skip;
        }
        if size > self.limits.max_entry_bytes {
            self.note(
                NoticeLevel::Note,
                format!(
                    "entry `{}` skipped: {} is over the {} limit (--max-file-size)",
                    crate::display::printable(name),
                    crate::display::human_size(size),
                    crate::display::human_size(self.limits.max_entry_bytes)
                ),
            );
            return Fit::Skip;
        }
        if self.kept + size > self.limits.max_kept_bytes {
            self.error(format!(
                "entry `{}` and later ones not scanned: the archive holds more than {} of files (what is left of the scan's archive limits)",
                crate::display::printable(name),
                crate::display::human_size(self.limits.max_kept_bytes)
            ));
            return Fit::Stop;
        }
        Fit::Read
    }

    fn keep(&mut self, name: String, data: Vec<u8>) {
        self.kept += data.len() as u64;
        self.files.push(WalkedFile {
            rel: format!("{}{SEPARATOR}{name}", self.rel),
            abs: PathBuf::from(&name),
            size: data.len() as u64,
            data: Some(Arc::from(data)),
            origin: Origin::ArchiveEntry {
                archive: Arc::from(self.rel),
            },
        });
    }

    fn read<R: Read + std::io::Seek>(&mut self, source: R, kind: ArchiveKind) {
        match kind {
            ArchiveKind::TarGz => {
                let mut stream =
                    Capped::new(flate2::read::MultiGzDecoder::new(source), self.limits);
                self.tar(&mut stream);
                self.streamed = self.limits.max_stream_bytes.saturating_sub(stream.left);
            }
            ArchiveKind::Tar => {
                let mut stream = Capped::new(source, self.limits);
                self.tar(&mut stream);
                self.streamed = self.limits.max_stream_bytes.saturating_sub(stream.left);
            }
            ArchiveKind::Zip => self.zip(source),
        }
    }

    fn tar<R: Read>(&mut self, stream: R) {
        let mut archive = tar::Archive::new(stream);
        let entries = match archive.entries() {
            Ok(e) => e,
            Err(e) => {
                self.error(format!("not a readable tar archive: {e}"));
                return;
            }
        };
        for entry in entries {
            let mut entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    self.error(format!(
                        "the archive is truncated or corrupt after {} entries: {e}; the rest was not scanned",
                        self.count
                    ));
                    return;
                }
            };
            if !self.admit() {
                return;
            }
            let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            let kind = entry.header().entry_type();
            if kind.is_dir() {
                continue;
            }
            if kind.is_symlink() || kind.is_hard_link() {
                let target = entry
                    .link_name_bytes()
                    .map(|t| String::from_utf8_lossy(&t).into_owned())
                    .unwrap_or_default();
                self.note(
                    NoticeLevel::Note,
                    format!(
                        "entry `{}` is a link to `{}`; links are not followed",
                        crate::display::printable(&raw),
                        crate::display::printable(&target)
                    ),
                );
                continue;
            }
            if !kind.is_file() && kind != tar::EntryType::Continuous {
                // Devices, FIFOs and sparse or vendor entries: nothing a scanner reads, but
                // never skipped without a word.
                self.note(
                    NoticeLevel::Warning,
                    format!(
                        "entry `{}` is not a regular file (tar type {:?}); not scanned",
                        crate::display::printable(&raw),
                        kind
                    ),
                );
                continue;
            }
            let Some(name) = self.name(&raw) else {
                continue;
            };
            let size = entry.size();
            match self.fits(&name, size) {
                Fit::Read => {}
                Fit::Skip => continue,
                Fit::Stop => return,
            }
            let mut data = Vec::with_capacity(usize::try_from(size).unwrap_or(0).min(1 << 20));
            if let Err(e) = (&mut entry).take(size).read_to_end(&mut data) {
                self.error(format!(
                    "the archive is truncated or corrupt in entry `{}`: {e}; the rest was not scanned",
                    crate::display::printable(&name)
                ));
                return;
            }
            self.keep(name, data);
        }
    }

    fn zip<R: Read + std::io::Seek>(&mut self, source: R) {
        let mut archive = match zip::ZipArchive::new(source) {
            Ok(a) => a,
            Err(e) => {
                self.error(format!("not a readable zip archive: {e}"));
                return;
            }
        };
        let mut stream_left = self.limits.max_stream_bytes;
        for index in 0..archive.len() {
            if !self.admit() {
                return;
            }
            let mut entry = match archive.by_index(index) {
                Ok(e) => e,
                Err(e) => {
                    self.error(format!("entry {} is corrupt: {e}", index + 1));
                    continue;
                }
            };
            let raw = match entry.name() {
                Ok(name) => name.into_owned(),
                Err(_) => String::from_utf8_lossy(entry.name_raw()).into_owned(),
            };
            if entry.is_dir() {
                continue;
            }
            if entry.is_symlink() {
                self.note(
                    NoticeLevel::Note,
                    format!(
                        "entry `{}` is a link; links are not followed",
                        crate::display::printable(&raw)
                    ),
                );
                continue;
            }
            let Some(name) = self.name(&raw) else {
                continue;
            };
            let size = entry.size();
            let packed = entry.compressed_size().max(1);
            if size > 1024 * 1024 && size / packed > self.limits.max_ratio {
                self.note(
                    NoticeLevel::Error,
                    format!(
                        "entry `{}` not scanned: it expands {}:1 ({} from {} bytes), a compression bomb",
                        crate::display::printable(&name),
                        size / packed,
                        crate::display::human_size(size),
                        packed
                    ),
                );
                continue;
            }
            match self.fits(&name, size) {
                Fit::Read => {}
                Fit::Skip => continue,
                Fit::Stop => return,
            }
            // The declared size can lie: never read more than it and the caps allow.
            let cap = size.min(stream_left);
            let mut data = Vec::with_capacity(usize::try_from(cap).unwrap_or(0).min(1 << 20));
            match (&mut entry).take(cap).read_to_end(&mut data) {
                Ok(n) => {
                    stream_left = stream_left.saturating_sub(n as u64);
                    self.streamed = self.limits.max_stream_bytes.saturating_sub(stream_left);
                }
                Err(e) => {
                    self.error(format!(
                        "entry `{}` is corrupt: {e}",
                        crate::display::printable(&name)
                    ));
                    continue;
                }
            }
            self.keep(name, data);
            if stream_left == 0 {
                self.error(format!(
                    "the archive expands to more than {}; the rest was not scanned",
                    crate::display::human_size(self.limits.max_stream_bytes)
                ));
                return;
            }
        }
    }
}

/// A reader that fails once `max_stream_bytes` have passed, so a decompression bomb costs
/// bounded time however many bytes it claims.
struct Capped<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Capped<R> {
    fn new(inner: R, limits: &Limits) -> Capped<R> {
        Capped {
            inner,
            left: limits.max_stream_bytes,
        }
    }
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            return Err(std::io::Error::other(
                "the archive expands past the decompression limit",
            ));
        }
        let want = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let (head, _) = buf.split_at_mut(want);
        let n = self.inner.read(head)?;
        self.left -= n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_never_leave_the_archive() {
        assert!(matches!(normalize("package/index.js"), Name::Clean(n) if n == "package/index.js"));
        assert!(matches!(normalize("./package/a.js"), Name::Clean(n) if n == "package/a.js"));
        for raw in ["../../etc/passwd", "/etc/passwd", "a/../../b\\c"] {
            match normalize(raw) {
                Name::Normalized { to, .. } => {
                    assert!(
                        !to.starts_with('/') && !to.split('/').any(|p| p == ".."),
                        "{to}"
                    )
                }
                _ => panic!("{raw} not normalized"),
            }
        }
        assert!(matches!(normalize("../.."), Name::Empty));
    }

    #[test]
    fn kinds_by_name() {
        assert_eq!(
            kind_of(Path::new("dist/s-1.0.0.tgz")),
            Some(ArchiveKind::TarGz)
        );
        assert_eq!(kind_of(Path::new("s-1.0.tar.gz")), Some(ArchiveKind::TarGz));
        assert_eq!(
            kind_of(Path::new("s-1.0-py3-none-any.whl")),
            Some(ArchiveKind::Zip)
        );
        assert_eq!(kind_of(Path::new("ext.mcpb")), Some(ArchiveKind::Zip));
        assert_eq!(kind_of(Path::new("index.js")), None);
    }
}
