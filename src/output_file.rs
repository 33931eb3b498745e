//! The one way mcpgate writes a file: reports (`--output`, `--sarif`, the action's SARIF),
//! `mcp-tools.lock`, baselines, the step summary and step outputs.
//!
//! A scanned repository, or a pull request against it, controls every name in the working
//! tree. A link planted where a report is written (`mcpgate.sarif -> ~/.bashrc`), or a linked
//! directory on the way to it (`reports -> /home/runner/.config`), would turn a report into a
//! write anywhere the runner may write. So, below the directory the caller trusts (the working
//! directory, the workspace, the scan root), no component of the path may be a link, and the
//! file itself must be a regular file or absent. Links outside that directory (`/tmp` on
//! macOS) are the system's, not the repository's, and are allowed.
//!
//! Replacing writes go to a new temporary file beside the target and are renamed over it, so a
//! reader never sees half a report and nothing is ever opened through a link. Appends (the
//! runner's summary and output files) open with `O_NOFOLLOW`.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(
        "refusing to write {path}: {link} is a symbolic link inside {base} (a link planted in the repository could redirect the write); write somewhere else"
    )]
    LinkOnPath {
        path: PathBuf,
        link: PathBuf,
        base: PathBuf,
    },

    #[error("refusing to write {path}: it is a symbolic link; write somewhere else")]
    LinkAtPath { path: PathBuf },

    #[error("refusing to write {path}: it exists and is not a regular file")]
    NotRegular { path: PathBuf },

    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Replaces `path` with `bytes`. `base` is the directory whose contents the repository may
/// control (links below it are refused).
pub fn write(path: &Path, bytes: &[u8], base: &Path) -> Result<(), WriteError> {
    let target = check(path, base)?;
    let dir = target
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let name = target
        .file_name()
        .map_or_else(|| "report".into(), |n| n.to_string_lossy().into_owned());
    let io = |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    };
    let (tmp_path, mut tmp) = temporary(&dir, &name).map_err(io)?;
    let written = tmp
        .write_all(bytes)
        .and_then(|()| tmp.flush())
        .and_then(|()| std::fs::rename(&tmp_path, &target));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp_path);
        return Err(io(e));
    }
    Ok(())
}

/// Appends `bytes` to `path` (created when missing), never through a link.
pub fn append(path: &Path, bytes: &[u8], base: &Path) -> Result<(), WriteError> {
    let target = check(path, base)?;
    let io = |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    let mut file = options.open(&target).map_err(io)?;
    file.write_all(bytes).map_err(io)
}

/// The absolute target, after checking every component below `base` and the file itself.
fn check(path: &Path, base: &Path) -> Result<PathBuf, WriteError> {
    let cwd = std::env::current_dir().map_err(|source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let absolute = cwd.join(path);
    let base = std::fs::canonicalize(cwd.join(base)).unwrap_or_else(|_| cwd.join(base));
    // Lexically, as given: `reports/../x` passes `reports`, which must not be a link either.
    let mut prefix = PathBuf::new();
    let components: Vec<Component<'_>> = absolute.components().collect();
    let parents = components.len().saturating_sub(1);
    for component in components.iter().take(parents) {
        prefix.push(component);
        if prefix.starts_with(&base)
            && prefix != base
            && std::fs::symlink_metadata(&prefix).is_ok_and(|m| m.file_type().is_symlink())
        {
            return Err(WriteError::LinkOnPath {
                path: path.to_path_buf(),
                link: prefix,
                base,
            });
        }
    }
    match std::fs::symlink_metadata(&absolute) {
        Ok(meta) if meta.file_type().is_symlink() => Err(WriteError::LinkAtPath {
            path: path.to_path_buf(),
        }),
        Ok(meta) if !meta.file_type().is_file() => Err(WriteError::NotRegular {
            path: path.to_path_buf(),
        }),
        _ => Ok(absolute),
    }
}

/// A new file beside the target, created exclusively (an existing name, or a link planted
/// under the name, fails instead of being opened).
fn temporary(dir: &Path, name: &str) -> std::io::Result<(PathBuf, std::fs::File)> {
    let pid = std::process::id();
    let mut last = None;
    for attempt in 0..16u32 {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let candidate = dir.join(format!(".{name}.{pid}.{nanos:x}{attempt}.tmp"));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
        {
            Ok(file) => return Ok((candidate, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no free temporary name")))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn a_link_at_the_target_is_refused_and_its_target_untouched() {
        let dir = tempfile::tempdir().expect("tempdir");
        let outside = tempfile::tempdir().expect("tempdir");
        let victim = outside.path().join("victim");
        std::fs::write(&victim, "keep").expect("write");
        let report = dir.path().join("mcpgate.sarif");
        symlink(&victim, &report).expect("symlink");
        let err = write(&report, b"{}", dir.path()).expect_err("refused");
        assert!(matches!(err, WriteError::LinkAtPath { .. }), "{err}");
        assert_eq!(std::fs::read_to_string(&victim).expect("read"), "keep");
        let err = append(&report, b"{}", dir.path()).expect_err("refused");
        assert!(matches!(err, WriteError::LinkAtPath { .. }), "{err}");
        assert_eq!(std::fs::read_to_string(&victim).expect("read"), "keep");
    }

    #[test]
    fn a_linked_directory_below_the_base_is_refused_one_outside_is_not() {
        let dir = tempfile::tempdir().expect("tempdir");
        let outside = tempfile::tempdir().expect("tempdir");
        symlink(outside.path(), dir.path().join("reports")).expect("symlink");
        let err = write(&dir.path().join("reports/x.json"), b"{}", dir.path()).expect_err("no");
        assert!(matches!(err, WriteError::LinkOnPath { .. }), "{err}");
        assert!(!outside.path().join("x.json").exists());
        // The same link, when the base is elsewhere, is the user's own choice.
        let elsewhere = tempfile::tempdir().expect("tempdir");
        write(&dir.path().join("reports/x.json"), b"{}", elsewhere.path()).expect("written");
        assert!(outside.path().join("x.json").is_file());
    }

    #[test]
    fn writes_replace_regular_files_and_leave_no_temporary_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let report = dir.path().join("r.json");
        std::fs::write(&report, "old").expect("write");
        write(&report, b"new", dir.path()).expect("written");
        assert_eq!(std::fs::read_to_string(&report).expect("read"), "new");
        append(&report, b"+", dir.path()).expect("appended");
        assert_eq!(std::fs::read_to_string(&report).expect("read"), "new+");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("read_dir")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        let err = write(dir.path(), b"x", dir.path()).expect_err("a directory");
        assert!(matches!(err, WriteError::NotRegular { .. }), "{err}");
    }
}
