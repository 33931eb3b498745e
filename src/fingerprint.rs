//! Fingerprints that identify a finding across runs.
//!
//! `line_hashes` reproduces GitHub's `primaryLocationLineHash` (github/codeql-action
//! `src/fingerprints.ts`): GitHub's REST upload does not compute it, and without it every
//! upload may duplicate alerts. `finding_fingerprint` is mcpgate's own, used for baselines.

use rustc_hash::FxHashMap as HashMap;

const BLOCK_SIZE: usize = 100;
const MOD: u64 = 37;

/// The `primaryLocationLineHash` of every line of `text`, line 1 first.
///
/// The hash of a line is a rolling polynomial hash over the next 100 characters (UTF-16 code
/// units) that are not spaces or tabs, starting at the line's first such character, so it also
/// covers the lines that follow. `\r\n`, `\r` and `\n` hash alike.
pub fn line_hashes(text: &str) -> Vec<String> {
    hashes_of(text, None)
}

/// The `primaryLocationLineHash` of the given 1-based lines only (occurrences are still counted
/// over the whole file), in the order asked; an empty string for a line past the end.
pub fn line_hashes_for(text: &str, lines: &[usize]) -> Vec<String> {
    let mut wanted: Vec<usize> = lines.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    let hashes = hashes_of(text, Some(&wanted));
    lines
        .iter()
        .map(|l| {
            wanted
                .binary_search(l)
                .ok()
                .and_then(|i| hashes.get(i))
                .cloned()
                .unwrap_or_default()
        })
        .collect()
}

/// Hashes of every line, or of the `wanted` (sorted) lines only: formatting a hash string is
/// most of the cost, and a file usually has a finding on a handful of lines.
fn hashes_of(text: &str, wanted: Option<&[usize]>) -> Vec<String> {
    let first_mod = MOD.wrapping_pow(BLOCK_SIZE as u32);
    let mut state = HashState {
        hash: 0,
        index: 0,
        line_number: 0,
        line_start: true,
        prev_cr: false,
        window: [0; BLOCK_SIZE],
        line_numbers: [0; BLOCK_SIZE],
        counts: HashMap::default(),
        result: Vec::new(),
        first_mod,
        wanted,
    };
    for unit in text.encode_utf16() {
        state.process(u64::from(unit));
    }
    state.process(65535);
    for _ in 0..BLOCK_SIZE {
        if state.line_numbers[state.index] != 0 {
            state.output();
        }
        state.update(0);
    }
    state.result
}

struct HashState<'w> {
    hash: u64,
    index: usize,
    line_number: usize,
    line_start: bool,
    prev_cr: bool,
    window: [u64; BLOCK_SIZE],
    /// The line whose hash is complete once the window slot is overwritten; 0 = none.
    line_numbers: [usize; BLOCK_SIZE],
    counts: HashMap<u64, usize>,
    result: Vec<String>,
    first_mod: u64,
    /// Lines whose hash string is wanted (sorted); `None` for all.
    wanted: Option<&'w [usize]>,
}

impl HashState<'_> {
    fn process(&mut self, unit: u64) {
        if unit == u64::from(b' ') || unit == u64::from(b'\t') || (self.prev_cr && unit == 10) {
            self.prev_cr = false;
            return;
        }
        let unit = if unit == 13 {
            self.prev_cr = true;
            10
        } else {
            self.prev_cr = false;
            unit
        };
        if self.line_numbers[self.index] != 0 {
            self.output();
        }
        if self.line_start {
            self.line_start = false;
            self.line_number += 1;
            self.line_numbers[self.index] = self.line_number;
        }
        if unit == 10 {
            self.line_start = true;
        }
        self.update(unit);
    }

    fn update(&mut self, unit: u64) {
        let leaving = self.window[self.index];
        self.window[self.index] = unit;
        self.hash = MOD
            .wrapping_mul(self.hash)
            .wrapping_add(unit)
            .wrapping_sub(self.first_mod.wrapping_mul(leaving));
        self.index = (self.index + 1) % BLOCK_SIZE;
    }

    fn output(&mut self) {
        let count = self.counts.entry(self.hash).or_insert(0);
        *count += 1;
        let line = self.line_numbers[self.index];
        let keep = self.wanted.is_none_or(|w| w.binary_search(&line).is_ok());
        if keep {
            // Lines complete in order, so hashes come out in line order.
            self.result.push(format!("{:x}:{}", self.hash, count));
        }
        self.line_numbers[self.index] = 0;
    }
}

/// mcpgate's fingerprint of a finding: FNV-1a over the rule id, the path, the line with all
/// whitespace removed and the occurrence of that triple in the file. Line numbers are left out
/// so that moving code does not make a finding new.
pub fn finding_fingerprint(rule_id: &str, path: &str, line: &str, occurrence: usize) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for &b in bytes {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        hash ^= 0xff;
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    };
    feed(rule_id.as_bytes());
    feed(path.as_bytes());
    let squeezed: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    feed(squeezed.as_bytes());
    feed(occurrence.to_string().as_bytes());
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The golden vectors of github/codeql-action `src/fingerprints.test.ts`.
    fn golden() -> Vec<(&'static str, Vec<&'static str>)> {
        vec![
            ("", vec!["c129715d7a2bc9a3:1"]),
            (
                " a\nb\n  \t\tc\n d",
                vec![
                    "271789c17abda88f:1",
                    "54703d4cd895b18:1",
                    "180aee12dab6264:1",
                    "a23a3dc5e078b07b:1",
                ],
            ),
            (
                " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End",
                vec![
                    "8b7cf3e952e7aeb2:1",
                    "b1ae1287ec4718d9:1",
                    "bff680108adb0fcc:1",
                    "c6805c5e1288b612:1",
                    "b86d3392aea1be30:1",
                    "e6ceba753e1a442:1",
                ],
            ),
        ]
    }

    #[test]
    fn matches_codeql_action_golden_vectors() {
        for (text, want) in golden() {
            assert_eq!(line_hashes(text), want, "text {text:?}");
        }
    }

    #[test]
    fn line_endings_do_not_change_hashes() {
        for (text, want) in golden() {
            assert_eq!(line_hashes(&text.replace('\n', "\r\n")), want);
            assert_eq!(line_hashes(&text.replace('\n', "\r")), want);
        }
    }

    #[test]
    fn selected_lines_match_all_lines() {
        let text = "a = 1\nb = 2\na = 1\n".repeat(40);
        let all = line_hashes(&text);
        let picked = line_hashes_for(&text, &[100, 3, 1, 3, 999]);
        assert_eq!(picked[0], all[99]);
        assert_eq!(picked[1], all[2]);
        assert_eq!(picked[2], all[0]);
        assert_eq!(picked[3], all[2]);
        assert_eq!(picked[4], "");
    }

    #[test]
    fn repeated_lines_count_occurrences() {
        let text = "x = 1\n".repeat(150);
        let hashes = line_hashes(&text);
        assert_eq!(hashes.len(), 151);
        // Far from the end every window is the same text, so the hash repeats with a count.
        assert!(hashes[1].ends_with(":2"), "{}", hashes[1]);
    }

    #[test]
    fn own_fingerprint_ignores_indentation_but_not_rule_or_path() {
        let a = finding_fingerprint("r", "a.py", "  eval(x)", 1);
        assert_eq!(a, finding_fingerprint("r", "a.py", "eval( x )", 1));
        assert_ne!(a, finding_fingerprint("r2", "a.py", "eval(x)", 1));
        assert_ne!(a, finding_fingerprint("r", "b.py", "eval(x)", 1));
        assert_ne!(a, finding_fingerprint("r", "a.py", "eval(x)", 2));
    }
}
