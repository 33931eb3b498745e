//! Defaults of the caps every scan applies (the CLI can change them).

use std::time::Duration;

/// Files larger than this are skipped with a notice unless `max_file_size` says otherwise.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 8 * 1024 * 1024;
/// How long one file may take to parse before it is given up with a notice.
pub const DEFAULT_PARSE_TIMEOUT: Duration = Duration::from_secs(10);
