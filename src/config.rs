//! `.mcpgate.toml`: per-repository settings. Found at the scan root, or named with `--config`.
//! Every key is validated; a mistake is an error naming the file, line and key, never a
//! setting silently ignored. Command-line flags override the file.

use crate::error::{Error, Result, line_of_key, line_of_offset};
use crate::gate::FailOn;
use crate::rules::RuleSet;
use crate::scan::parse_size;
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
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuditSection {
    db: Option<PathBuf>,
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
    /// `[audit] db`: the advisory store or directory, resolved against the config's directory.
    pub audit_db: Option<PathBuf>,
    /// `[audit] max_age_days`: warn when the store is older.
    pub audit_max_age_days: Option<u64>,
    /// `[audit] ignore`: advisory ids (or aliases) accepted for now.
    pub audit_ignore: Vec<String>,
}

impl Config {
    /// Reads `path`; errors name the file and the line of the bad key.
    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Unreadable {
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
        let base = path.parent().unwrap_or(Path::new("."));
        Ok(Config {
            path: Some(path.to_path_buf()),
            exclude: scan.exclude,
            default_excludes: scan.default_excludes,
            max_file_size,
            fail_on,
            rules: scan.rules.iter().map(|r| base.join(r)).collect(),
            disable: scan.disable,
            audit_db: file.audit.db.map(|db| base.join(db)),
            audit_max_age_days: file.audit.max_age_days,
            audit_ignore: file.audit.ignore,
        })
    }

    /// `rules` without the disabled ones; an unknown id is an error, since a typo would
    /// otherwise leave the rule on.
    pub fn apply_disable(&self, rules: &RuleSet) -> Result<RuleSet> {
        for id in &self.disable {
            if rules.get(id).is_none() {
                return Err(Error::Config {
                    path: self
                        .path
                        .as_ref()
                        .map_or_else(|| FILE_NAME.to_string(), |p| p.display().to_string()),
                    line: None,
                    reason: match crate::rules::renamed(id) {
                        Some(new) => format!("`disable`: rule `{id}` was renamed to `{new}`"),
                        None => format!(
                            "`disable`: unknown rule `{id}` (`mcpgate rules list` shows the ids)"
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;

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
