//! The one bounded YAML reader: pnpm lockfiles, PyPA advisories, compose files, Continue and
//! Smithery configurations all go through it.

/// YAML parsers recurse on flow collections before any depth limit applies, so a file of
/// 100,000 `[` takes libyaml tens of seconds to reject. Lockfiles and advisories nest a few
/// levels; text nested deeper than `max` is refused before it reaches the parser.
fn yaml_nesting_within(text: &str, max: usize) -> bool {
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    for &b in text.as_bytes() {
        match (quote, b) {
            // Quoted scalars in lockfiles stay on one line; an unclosed quote hides nothing
            // past its line.
            (_, b'\n') => quote = None,
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'[' | b'{') => {
                depth += 1;
                if depth > max {
                    return false;
                }
            }
            (None, b']' | b'}') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    true
}

/// How deep YAML flow collections may nest in a lockfile, an advisory or a configuration.
const MAX_YAML_NESTING: usize = 64;

/// A YAML document that could not be read: the line when known, and why.
#[derive(Debug)]
pub(crate) struct YamlError {
    pub line: Option<usize>,
    pub reason: String,
}

/// Every YAML input mcpgate reads (pnpm lockfiles, PyPA advisories, compose files, Continue
/// and Smithery configurations) goes through here: nesting is bounded before the parser runs.
pub(crate) fn from_yaml<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    if !yaml_nesting_within(text, MAX_YAML_NESTING) {
        return Err(YamlError {
            line: None,
            reason: format!("`[`/`{{` nested deeper than {MAX_YAML_NESTING} levels"),
        });
    }
    serde_yaml_ng::from_str(text).map_err(|e| YamlError {
        line: e.location().map(|l| l.line()),
        reason: e.to_string(),
    })
}

/// Every document of a YAML stream (`---`-separated), as `from_yaml` reads one.
pub(crate) fn from_yaml_documents<T: serde::de::DeserializeOwned>(
    text: &str,
) -> Result<Vec<T>, YamlError> {
    if !yaml_nesting_within(text, MAX_YAML_NESTING) {
        return Err(YamlError {
            line: None,
            reason: format!("`[`/`{{` nested deeper than {MAX_YAML_NESTING} levels"),
        });
    }
    serde_yaml_ng::Deserializer::from_str(text)
        .map(|document| {
            T::deserialize(document).map_err(|e| YamlError {
                line: e.location().map(|l| l.line()),
                reason: e.to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn yaml_nesting_is_bounded_outside_quotes() {
        assert!(super::yaml_nesting_within("a: {b: [1, {c: 2}]}\n", 3));
        assert!(!super::yaml_nesting_within("a: {b: [1, {c: 2}]}\n", 2));
        assert!(super::yaml_nesting_within("a: '[[[['\n", 1));
        assert!(!super::yaml_nesting_within("a: it's\nb: [[[[\n", 3));
    }
}
