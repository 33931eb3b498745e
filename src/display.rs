//! How mcpgate shows things to people: untrusted text made safe for a terminal, sizes, and
//! secrets cut to their first characters. The bottom of the crate: it uses nothing of it.

/// Zero-width, bidi-control and Unicode tag characters: invisible to a reviewer, read by a
/// model (tag characters smuggle ASCII), able to reorder what a terminal shows.
pub fn is_hidden_char(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{E0000}'..='\u{E007F}')
}

/// Makes untrusted text (file names, source lines) safe to show: control characters, which
/// could move the cursor or recolour a terminal, and invisible or bidi characters become
/// visible escapes.
pub fn printable(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if (c.is_control() && c != '\t') || is_hidden_char(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
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

/// Bytes as lowercase hex (digests in reports, caches and tool locks).
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        for nibble in [b >> 4, b & 0x0f] {
            out.push(char::from(DIGITS[usize::from(nibble)]));
        }
    }
    out
}

/// At most the first four characters (fewer for short secrets), then `…`.
pub fn redact(secret: &str) -> String {
    let keep = (secret.chars().count() / 4).min(4);
    let mut out: String = secret.chars().take(keep).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_escapes_terminal_controls() {
        assert_eq!(printable("a\x1b[31mb\nc"), "a\\u{1b}[31mb\\nc");
    }

    #[test]
    fn printable_shows_invisible_and_bidi_characters() {
        assert_eq!(printable("a\u{200b}b\u{202e}c"), "a\\u{200b}b\\u{202e}c");
        assert_eq!(printable("café °C"), "café °C");
    }

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
