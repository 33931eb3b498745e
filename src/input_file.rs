//! Reading the files a user names (config, baseline, rule files, the SARIF to upload, the
//! event payload): only regular files, and only up to a cap. A FIFO would block the scan
//! forever and `/dev/zero` would fill the memory; both are refused with the reason.

use std::io::Read;
use std::path::Path;

/// Settings, baselines and rule files are far smaller; SARIF uploads are capped by GitHub at
/// 10 MB compressed.
pub const MAX_INPUT_BYTES: u64 = 256 * 1024 * 1024;

/// The bytes of `path`, when it is a regular file (after links) of at most `cap` bytes.
pub fn read(path: &Path, cap: u64) -> std::io::Result<Vec<u8>> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    if meta.len() > cap {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "{} is over the {} limit",
                crate::display::human_size(meta.len()),
                crate::display::human_size(cap)
            ),
        ));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    std::fs::File::open(path)?
        .take(cap.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "it grew past the size limit while read",
        ));
    }
    Ok(bytes)
}

/// `read`, as UTF-8 text.
pub fn read_to_string(path: &Path, cap: u64) -> std::io::Result<String> {
    String::from_utf8(read(path, cap)?)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8 text"))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn devices_fifos_and_large_files_are_refused() {
        let err = read(Path::new("/dev/zero"), 1024).expect_err("a device");
        assert_eq!(err.to_string(), "not a regular file");
        let dir = tempfile::tempdir().expect("tempdir");
        let big = dir.path().join("big");
        std::fs::write(&big, vec![b'x'; 2048]).expect("write");
        let err = read(&big, 1024).expect_err("too large");
        assert_eq!(err.to_string(), "2.0 KiB is over the 1.0 KiB limit");
        assert_eq!(read(&big, 4096).expect("fits").len(), 2048);
    }
}
