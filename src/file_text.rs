//! Reading a walked file's bytes and text: capped, and decoded the way the scan decodes it,
//! so a second read gives the offsets the first analysis saw.

use crate::walk::WalkedFile;
use std::io::Read;
use std::path::Path;

/// Reads at most `cap` bytes, so a file that grows after the walk cannot exhaust memory.
pub(crate) fn read_capped(path: &Path, cap: u64) -> std::io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    // Sized from the metadata, so the buffer is not grown by doubling (nor sized by the cap).
    let size = file.metadata().map_or(0, |m| m.len()).min(cap);
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0).saturating_add(1));
    file.take(cap).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The text of UTF-16 bytes that start with a byte order mark (`FF FE` little endian, `FE FF`
/// big endian); `None` for anything else.
pub(crate) fn decode_utf16(bytes: &[u8]) -> Option<String> {
    let little = match bytes.get(..2)? {
        [0xFF, 0xFE] => true,
        [0xFE, 0xFF] => false,
        _ => return None,
    };
    let units = bytes.get(2..)?.chunks_exact(2).map(|pair| match pair {
        [a, b] if little => u16::from_le_bytes([*a, *b]),
        [a, b] => u16::from_be_bytes([*a, *b]),
        _ => 0xFFFD,
    });
    Some(
        char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect(),
    )
}

/// The text of `file` as the scan analyzed it: an archive entry's bytes or the file read again
/// (at most `cap` bytes), UTF-16 decoded, invalid UTF-8 replaced.
pub(crate) fn read_again(file: &WalkedFile, cap: u64) -> std::io::Result<String> {
    let bytes = match &file.data {
        Some(data) => data.to_vec(),
        None => read_capped(&file.abs, cap)?,
    };
    Ok(match decode_utf16(&bytes) {
        Some(text) => text,
        None => String::from_utf8_lossy(&bytes).into_owned(),
    })
}
