//! `.mcpgate.toml`: per-repository settings. Found at the scan root, or named with `--config`.
//! Every key is validated; a mistake is an error naming the file, line and key, never a
//! setting silently ignored. Command-line flags override the file.

use crate::display::parse_size;
use crate::error::{Error, Result, line_of_key, line_of_offset};
use crate::finding::Severity;
use crate::gate::FailOn;
use crate::rules::RuleSet;
use serde::Deserialize;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = ".mcpgate.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    scan: ScanSection,
    #[serde(default)]
    audit: AuditSection,
    /// `[severity]`: rule id -> the severity its findings get instead.
    #[serde(default)]
    severity: std::collections::BTreeMap<String, String>,
    /// `[[ignore]]`: accepted findings, each with its reason.
    #[serde(default)]
    ignore: Vec<toml::Spanned<IgnoreSection>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IgnoreSection {
    rule: String,
    path: Option<String>,
    fingerprint: Option<String>,
    reason: Option<String>,
    expires: Option<toml::Value>,
}

/// One `[[ignore]]` entry: findings of `rule` (under `path`, with `fingerprint`, when given)
/// are accepted until `expires`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IgnoreEntry {
    pub rule: String,
    /// A glob over report paths (`tests/**`); `None` matches every path.
    pub path: Option<String>,
    /// mcpgate's fingerprint of one finding (`fingerprint` in JSON, `mcpgate/v1` in SARIF).
    pub fingerprint: Option<String>,
    pub reason: String,
    /// The last day the entry holds.
    pub expires: Option<chrono::NaiveDate>,
    /// The entry's line in the config file, for notices.
    pub line: usize,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuditSection {
    db: Option<PathBuf>,
    required: Option<bool>,
    max_age_days: Option<u64>,
    #[serde(default)]
    ignore: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScanSection {
    #[serde(default)]
    exclude: Vec<String>,
    default_excludes: Option<bool>,
    max_file_size: Option<SizeValue>,
    fail_on: Option<String>,
    #[serde(default)]
    rules: Vec<PathBuf>,
    #[serde(default)]
    disable: Vec<String>,
    strict: Option<bool>,
    include_tests: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum SizeValue {
    Bytes(u64),
    Text(String),
}

/// Settings from a config file, validated, with paths made absolute.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    /// The file they came from, for messages.
    pub path: Option<PathBuf>,
    pub exclude: Vec<String>,
    pub default_excludes: Option<bool>,
    pub max_file_size: Option<u64>,
    pub fail_on: Option<FailOn>,
    /// Extra rule directories, resolved against the config file's directory.
    pub rules: Vec<PathBuf>,
    /// Rule ids turned off.
    pub disable: Vec<String>,
    /// `[scan] strict`: what could not be checked fails the scan.
    pub strict: Option<bool>,
    /// `[scan] include_tests`: report findings in test code too.
    pub include_tests: Option<bool>,
    /// `[audit] db`: the advisory store or directory, resolved against the config's directory.
    pub audit_db: Option<PathBuf>,
    /// `[audit] max_age_days`: warn when the store is older.
    pub audit_max_age_days: Option<u64>,
    /// `[audit] ignore`: advisory ids (or aliases) accepted for now.
    pub audit_ignore: Vec<String>,
    /// `[audit] required`: a scan whose dependency audit could not run is incomplete (exit 2).
    pub audit_required: Option<bool>,
    /// `[severity]`: per-rule severity overrides.
    pub severity: Vec<(String, Severity)>,
    /// `[[ignore]]` entries.
    pub ignores: Vec<IgnoreEntry>,
}

impl Config {
    /// Reads `path`; errors name the file and the line of the bad key.
    pub fn load(path: &Path) -> Result<Config> {
        let text = crate::input_file::read_to_string(path, crate::input_file::MAX_INPUT_BYTES)
            .map_err(|source| Error::Unreadable {
                path: path.to_path_buf(),
                source,
            })?;
        Config::parse(path, &text)
    }

    /// `.mcpgate.toml` in `dir`, if there is one.
    pub fn discover(dir: &Path) -> Result<Config> {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            Config::load(&candidate)
        } else {
            Ok(Config::default())
        }
    }

    pub fn parse(path: &Path, text: &str) -> Result<Config> {
        let name = path.display().to_string();
        let fail = |key: &str, reason: String| Error::Config {
            path: name.clone(),
            line: line_of_key(text, key),
            reason,
        };
        let file: File = toml::from_str(text).map_err(|e| Error::Config {
            path: name.clone(),
            line: e.span().map(|s| line_of_offset(text, s.start)),
            reason: e.message().trim().to_string(),
        })?;
        let scan = file.scan;
        if let Some(bad) = file
            .audit
            .ignore
            .iter()
            .find(|id| id.trim().is_empty() || id.contains(char::is_whitespace))
        {
            return Err(fail(
                "ignore",
                format!("`ignore`: `{bad}` is not an advisory id (like GHSA-w48q-cv73-mx4w)"),
            ));
        }
        let max_file_size = match scan.max_file_size {
            None => None,
            Some(SizeValue::Bytes(n)) => Some(n),
            Some(SizeValue::Text(t)) => Some(
                parse_size(&t)
                    .map_err(|e| fail("max_file_size", format!("`max_file_size`: {e}")))?,
            ),
        };
        let fail_on = match scan.fail_on {
            None => None,
            Some(t) => Some(
                t.parse::<FailOn>()
                    .map_err(|e| fail("fail_on", format!("`fail_on`: {e}")))?,
            ),
        };
        let mut severity = Vec::new();
        for (rule, level) in &file.severity {
            let level = level
                .parse::<Severity>()
                .map_err(|e| fail(rule, format!("`[severity]` `{rule}`: {e}")))?;
            severity.push((rule.clone(), level));
        }
        let ignores = file
            .ignore
            .into_iter()
            .map(|entry| ignore_entry(&name, text, entry))
            .collect::<Result<Vec<_>>>()?;
        let base = path.parent().unwrap_or(Path::new("."));
        Ok(Config {
            path: Some(path.to_path_buf()),
            exclude: scan.exclude,
            default_excludes: scan.default_excludes,
            max_file_size,
            fail_on,
            rules: scan.rules.iter().map(|r| base.join(r)).collect(),
            disable: scan.disable,
            strict: scan.strict,
            include_tests: scan.include_tests,
            audit_db: file.audit.db.map(|db| base.join(db)),
            audit_max_age_days: file.audit.max_age_days,
            audit_ignore: file.audit.ignore,
            audit_required: file.audit.required,
            severity,
            ignores,
        })
    }

    /// The config file's name as reports show it: relative to `root` when inside it.
    pub fn display_path(&self, root: &Path) -> String {
        match &self.path {
            Some(p) => p.strip_prefix(root).map_or_else(
                |_| p.display().to_string(),
                |rel| rel.to_string_lossy().replace('\\', "/"),
            ),
            None => FILE_NAME.to_string(),
        }
    }

    /// `rules` without the disabled ones; an unknown id is an error, since a typo would
    /// otherwise leave the rule on.
    pub fn apply_disable(&self, rules: &RuleSet) -> Result<RuleSet> {
        let named = self
            .disable
            .iter()
            .map(|id| ("disable", id, None))
            .chain(self.severity.iter().map(|(id, _)| ("[severity]", id, None)))
            .chain(
                self.ignores
                    .iter()
                    .map(|i| ("[[ignore]] rule", &i.rule, Some(i.line))),
            );
        for (key, id, line) in named {
            if rules.get(id).is_none() {
                return Err(Error::Config {
                    path: self
                        .path
                        .as_ref()
                        .map_or_else(|| FILE_NAME.to_string(), |p| p.display().to_string()),
                    line,
                    reason: match crate::rules::renamed(id) {
                        Some(new) => format!("`{key}`: rule `{id}` was renamed to `{new}`"),
                        None => format!(
                            "`{key}`: unknown rule `{id}` (`mcpgate rules list` shows the ids)"
                        ),
                    },
                });
            }
        }
        if self.disable.is_empty() {
            return Ok(rules.clone());
        }
        rules.filtered(|r| !self.disable.contains(&r.id))
    }
}

/// Validates one `[[ignore]]` entry: a reason is required, the path must be a glob and the
/// expiry a date.
fn ignore_entry(
    name: &str,
    text: &str,
    entry: toml::Spanned<IgnoreSection>,
) -> Result<IgnoreEntry> {
    let line = line_of_offset(text, entry.span().start);
    let fail = |reason: String| Error::Config {
        path: name.to_string(),
        line: Some(line),
        reason,
    };
    let raw = entry.into_inner();
    let reason = raw.reason.unwrap_or_default().trim().to_string();
    if reason.is_empty() {
        return Err(fail(format!(
            "`[[ignore]]` for `{}` needs a `reason`: say why the finding is accepted",
            raw.rule
        )));
    }
    if let Some(glob) = &raw.path {
        globset::Glob::new(glob)
            .map_err(|e| fail(format!("`[[ignore]]` `path`: `{glob}` is not a glob: {e}")))?;
    }
    let expires = match raw.expires {
        None => None,
        Some(value) => {
            let written = match &value {
                toml::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            Some(
                chrono::NaiveDate::parse_from_str(written.trim(), "%Y-%m-%d").map_err(|_| {
                    fail(format!(
                        "`[[ignore]]` `expires`: `{written}` is not a date like 2027-01-31"
                    ))
                })?,
            )
        }
    };
    Ok(IgnoreEntry {
        rule: raw.rule,
        path: raw.path,
        fingerprint: raw.fingerprint,
        reason,
        expires,
        line,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_key() {
        let text = "[scan]\nexclude = [\"tests/**\"]\ndefault_excludes = false\nmax_file_size = \"1M\"\nfail_on = \"medium\"\nrules = [\"my-rules\"]\ndisable = [\"python-eval-exec\"]\n\n[audit]\ndb = \"advisories\"\nmax_age_days = 3\nignore = [\"GHSA-w48q-cv73-mx4w\"]\n";
        let c = Config::parse(Path::new("/repo/.mcpgate.toml"), text).expect("valid");
        assert_eq!(c.exclude, vec!["tests/**".to_string()]);
        assert_eq!(c.default_excludes, Some(false));
        assert_eq!(c.max_file_size, Some(1024 * 1024));
        assert_eq!(c.fail_on, Some(FailOn::AtLeast(Severity::Medium)));
        assert_eq!(c.rules, vec![PathBuf::from("/repo/my-rules")]);
        assert_eq!(c.audit_db, Some(PathBuf::from("/repo/advisories")));
        assert_eq!(c.audit_max_age_days, Some(3));
        assert_eq!(c.audit_ignore, vec!["GHSA-w48q-cv73-mx4w".to_string()]);
        let rules = RuleSet::builtin().expect("rules");
        let kept = c.apply_disable(&rules).expect("known id");
        assert!(kept.get("python-eval-exec").is_none());
        assert_eq!(kept.rules().len(), rules.rules().len() - 1);
    }

    #[test]
    fn severity_overrides_and_ignore_entries_parse() {
        let text = "[severity]\npython-eval-exec = \"low\"\n\n[[ignore]]\nrule = \"python-eval-exec\"\npath = \"tests/**\"\nreason = \" fixtures \"\nexpires = \"2027-01-31\"\n\n[[ignore]]\nrule = \"jwt\"\nfingerprint = \"ab\"\nreason = \"r\"\nexpires = 2027-02-01\n";
        let c = Config::parse(Path::new("c.toml"), text).expect("valid");
        assert_eq!(
            c.severity,
            vec![("python-eval-exec".to_string(), Severity::Low)]
        );
        let lines: Vec<usize> = c.ignores.iter().map(|i| i.line).collect();
        assert_eq!(lines, vec![4, 10]);
        assert_eq!(c.ignores[0].reason, "fixtures");
        assert_eq!(
            c.ignores[0].expires.map(|d| d.to_string()).as_deref(),
            Some("2027-01-31")
        );
        assert_eq!(
            c.ignores[1].expires.map(|d| d.to_string()).as_deref(),
            Some("2027-02-01")
        );
        assert_eq!(c.ignores[1].fingerprint.as_deref(), Some("ab"));
    }

    #[test]
    fn unknown_key_names_file_and_line() {
        let err = Config::parse(Path::new("c.toml"), "[scan]\nexclud = []\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("c.toml:2: unknown field `exclud`"), "{err}");
    }

    #[test]
    fn bad_values_name_the_key() {
        let err = Config::parse(Path::new("c.toml"), "[scan]\nfail_on = \"sometimes\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("c.toml:2: `fail_on`: unknown level `sometimes`"),
            "{err}"
        );
        let err = Config::parse(Path::new("c.toml"), "[scan]\n\nmax_file_size = \"big\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("c.toml:3: `max_file_size`:"), "{err}");
    }

    #[test]
    fn unknown_disabled_rule_is_an_error() {
        let c =
            Config::parse(Path::new("c.toml"), "[scan]\ndisable = [\"nope\"]\n").expect("parses");
        let err = c
            .apply_disable(&RuleSet::builtin().expect("rules"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown rule `nope`"), "{err}");
        let c = Config::parse(
            Path::new("c.toml"),
            "[scan]\ndisable = [\"python-tool-poisoning\"]\n",
        )
        .expect("parses");
        let err = c
            .apply_disable(&RuleSet::builtin().expect("rules"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("rule `python-tool-poisoning` was renamed to `mcp-tool-poisoning`"),
            "{err}"
        );
    }
}
