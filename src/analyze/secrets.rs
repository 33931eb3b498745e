//! Secret scanning of any text file: one Aho-Corasick pass over the file finds the rules whose
//! keywords occur, only those rules' regexes run, and each candidate must pass the rule's
//! entropy floor and allowlist and not look like a placeholder. The secret never leaves this
//! module: message and snippet carry a redacted form (at most four characters, then `…`).

use super::FileContext;
pub use crate::display::redact;
use crate::finding::Finding;
use crate::rules::{Matcher, RuleSet, SecretMatch};

pub use crate::rules::SecretPrefilter;

/// The secrets in one file, as findings. Runs before the other analyzers of the file: it
/// tells `ctx` where every secret is (also those on lines other scanners' allow comments
/// mark), so every snippet and message of the file hides them.
pub fn scan(ctx: &FileContext<'_>, rules: &RuleSet) -> Vec<Finding> {
    let Some(prefilter) = rules.secret_prefilter() else {
        ctx.hide_secrets(Vec::new());
        return Vec::new();
    };
    // (secret byte range, rule): every match that is a secret, reported or not.
    let mut matches: Vec<(usize, usize, usize)> = Vec::new();
    for index in prefilter.candidates(ctx.text) {
        let Some(rule) = rules.rules().get(index) else {
            continue;
        };
        let Matcher::Secret(sm) = &rule.matcher else {
            continue;
        };
        let Some(regex) = &sm.compiled else {
            continue;
        };
        for caps in regex.captures_iter(ctx.text) {
            let Some(secret) = caps.get(sm.secret_group) else {
                continue;
            };
            if is_secret(secret.as_str(), sm) {
                matches.push((secret.start(), secret.end(), index));
            }
        }
    }
    ctx.hide_secrets(matches.iter().map(|(s, e, _)| (*s, *e)).collect());
    if holds_only_hashes(ctx.rel_path) {
        return Vec::new();
    }
    // One secret is one finding, from the most certain rule (a provider rule beats the
    // generic one for the same value).
    let mut found: Vec<(usize, usize, Finding)> = Vec::new();
    for (start, end, index) in matches {
        let (Some(rule), Some(secret)) = (rules.rules().get(index), ctx.text.get(start..end))
        else {
            continue;
        };
        let span = ctx.span_of_bytes(start, end);
        if allowed_by_other_scanners(ctx.line(span.start_row)) {
            continue;
        }
        let message = rule.message.replace("{secret}", &redact(secret));
        found.push((start, end, ctx.finding(rule, span, message)));
    }
    found.sort_by(|a, b| {
        (b.2.confidence, b.2.severity, a.0).cmp(&(a.2.confidence, a.2.severity, b.0))
    });
    let mut kept: Vec<(usize, usize, Finding)> = Vec::new();
    for (start, end, finding) in found {
        if !kept.iter().any(|(s, e, _)| start < *e && *s < end) {
            kept.push((start, end, finding));
        }
    }
    kept.into_iter().map(|(_, _, f)| f).collect()
}

fn is_secret(secret: &str, sm: &SecretMatch) -> bool {
    if let Some(min) = sm.min_entropy
        && shannon_entropy(secret) < min
    {
        return false;
    }
    !sm.compiled_allowlist.iter().any(|r| r.is_match(secret)) && !is_placeholder(secret)
}

/// detect-secrets' baseline lists the hashes of the secrets it accepted (`"hashed_secret":
/// "..."`), never the secrets.
fn holds_only_hashes(rel_path: &str) -> bool {
    rel_path
        .rsplit(['/', '\\'])
        .next()
        .is_some_and(|name| name == ".secrets.baseline")
}

/// The allow comments of other secret scanners mark fixtures and documented fake values;
/// honouring them keeps their test data out of the report. Ruff's and flake8-bandit's
/// `noqa: S105`/`S106`/`S107` are their hard-coded-password rules.
fn allowed_by_other_scanners(line: &str) -> bool {
    [
        "gitleaks:allow",
        "pragma: allowlist secret",
        "trufflehog:ignore",
        "mcpgate:allow-secret",
    ]
    .iter()
    .any(|marker| line.contains(marker))
        || line
            .split_once("noqa")
            .is_some_and(|(_, codes)| ["S105", "S106", "S107"].iter().any(|c| codes.contains(c)))
}

/// Template syntax, environment lookups and the words people use for fake values.
fn is_placeholder(secret: &str) -> bool {
    let lower = secret.to_ascii_lowercase();
    let templated = ["${", "{{", "<", "%(", "$("]
        .iter()
        .any(|m| secret.contains(m))
        || secret.starts_with('$')
        || is_format_field(secret);
    let words = [
        "xxxx",
        "example",
        "your_",
        "your-",
        "yourkey",
        "changeme",
        "placeholder",
        "dummy",
        "redacted",
        "sample",
        "****",
        "insert",
        "replace_me",
        "todo",
    ];
    let monotone = secret.chars().all(|c| secret.starts_with(c));
    templated || monotone || is_uuid(secret) || words.iter().any(|w| lower.contains(w))
}

/// Whether a variable, key or flag name says it holds a credential (`GITHUB_TOKEN`, `apiKey`,
/// `--api-key`, `DB_PASSWORD`); `AUTHOR` and `PATH` do not.
pub(crate) fn credential_name(key: &str) -> bool {
    let lower = key.to_ascii_lowercase().replace(['-', '.'], "_");
    [
        "token",
        "secret",
        "password",
        "passwd",
        "api_key",
        "apikey",
        "auth",
        "credential",
        "private_key",
        "access_key",
        "pat",
    ]
    .iter()
    .any(|w| lower.split('_').any(|part| part == *w) || lower.contains(w) && w.len() > 4)
}

/// A literal given to a credential-named setting that is not a credential: too short, a
/// template or environment reference, or a placeholder word (the secret rules' notion, plus
/// the forms configuration files use: `%VAR%`, `your...`, `...`).
pub(crate) fn placeholder_value(value: &str) -> bool {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    v.len() < 8
        || is_placeholder(v)
        || v.starts_with('%') && v.ends_with('%')
        || ["your", "xxx", "replace", "...", "***"]
            .iter()
            .any(|p| lower.contains(p))
}

/// A whole value that is one `str.format`/f-string field (`{db_password}`, `{cfg.pw}`,
/// `{0}`): the password is filled in at run time, so the URL is a template.
fn is_format_field(secret: &str) -> bool {
    secret
        .strip_prefix('{')
        .and_then(|s| s.strip_suffix('}'))
        .is_some_and(|inner| {
            !inner.is_empty()
                && inner.chars().all(|c| {
                    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '[' | ']' | '\'' | '"')
                })
        })
}

/// `8-4-4-4-12` hex digits: identifiers, not credentials.
fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// Bits per character of `s`.
pub fn shannon_entropy(s: &str) -> f64 {
    let mut counts = [0u32; 256];
    let mut total = 0u32;
    for b in s.bytes() {
        if let Some(c) = counts.get_mut(usize::from(b)) {
            *c += 1;
        }
        total += 1;
    }
    if total == 0 {
        return 0.0;
    }
    let total = f64::from(total);
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / total;
            -p * p.log2()
        })
        .sum()
}

/// What kind of credential file a (lowercase) file name is: environment files (not their
/// `.example`/`.sample`/`.template` forms), private keys, cloud and registry credentials.
pub(crate) fn credential_file(lower_name: &str) -> Option<&'static str> {
    let n = lower_name;
    if n == ".env"
        || n.starts_with(".env.")
            && ![".example", ".sample", ".template", ".dist", ".defaults"]
                .iter()
                .any(|s| n.ends_with(s))
    {
        Some("an environment file")
    } else if matches!(n, "id_rsa" | "id_ed25519" | "id_ecdsa" | "id_dsa")
        || n.ends_with(".pem") && n.contains("key")
        || n.ends_with(".key")
        || n.ends_with(".p12")
        || n.ends_with(".pfx")
    {
        Some("a private key")
    } else if matches!(n, ".npmrc" | ".pypirc" | ".netrc") {
        Some("a registry or netrc credential file")
    } else if n == "credentials.json" || n == "service-account.json" {
        Some("a cloud credentials file")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_keeps_at_most_four_characters() {
        assert_eq!(redact("ghp_abcdefghijklmnopqrstuvwxyz"), "ghp_…");
        assert_eq!(redact("abcdefgh"), "ab…");
        assert_eq!(redact("abc"), "…");
    }

    #[test]
    fn entropy_of_random_and_repeated_text() {
        assert!(shannon_entropy("aaaaaaaa") < 0.01);
        assert!(shannon_entropy("q8Zr2Lk9Xw4Pm7Nb") > 3.5);
    }

    #[test]
    fn other_scanners_allow_comments_are_honoured() {
        assert!(allowed_by_other_scanners("key = 'abc'  # gitleaks:allow"));
        assert!(allowed_by_other_scanners(
            "key = 'abc'  # pragma: allowlist secret"
        ));
        assert!(!allowed_by_other_scanners("key = 'abc'"));
        assert!(allowed_by_other_scanners(
            "token_header='X-Token',  # noqa: S106"
        ));
        assert!(allowed_by_other_scanners("pw = 'x'  # noqa: E501, S105"));
        assert!(!allowed_by_other_scanners("pw = 'x'  # noqa: E501"));
        assert!(!allowed_by_other_scanners("pw = 'S105x'"));
    }

    #[test]
    fn a_detect_secrets_baseline_is_not_reported() {
        let rules = RuleSet::builtin().expect("builtin rules");
        let text = "{\n  \"results\": {\n    \"a.py\": [\n      {\"type\": \"Secret Keyword\", \"hashed_secret\": \"df99a3c1b7e24f0d8c51e6a2b93f7d40c8e1a5b2\"}\n    ]\n  }\n}\n";
        let elsewhere = FileContext::new("config.json", text);
        assert_eq!(scan(&elsewhere, &rules).len(), 1);
        let baseline = FileContext::new("sub/.secrets.baseline", text);
        assert!(scan(&baseline, &rules).is_empty());
        // Still hidden from every other snippet of the file.
        assert!(
            !baseline
                .hide_in_message(text.to_string())
                .contains("df99a3c1")
        );
    }

    #[test]
    fn placeholders_are_not_secrets() {
        for p in [
            "${GITHUB_TOKEN}",
            "{{ secrets.KEY }}",
            "<your-token>",
            "your_api_key_here",
            "xxxxxxxxxxxxxxxx",
            "sk-EXAMPLE-123",
            "{postgres_password}",
            "{settings.db_pass}",
        ] {
            assert!(is_placeholder(p), "{p}");
        }
        assert!(!is_placeholder("q8Zr2Lk9Xw4Pm7Nb"));
        assert!(!is_placeholder("{q8Zr-2Lk9!Xw4}"));
        assert!(is_placeholder("123e4567-e89b-12d3-a456-426614174000"));
    }
}
