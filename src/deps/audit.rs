//! The dependency checks of one file: its packages against the advisory store, its specs
//! against the pinning rules, and whether a manifest has a lockfile. Results are `DepHit`s;
//! the scan turns them into findings of the rule that names the check.

use super::advisory::{Advisory, AdvisoryKind};
use super::lockfile::{Family, Inventory, LockfileKind, Package, ParseError, SpecProblem};
use super::{AdvisoryDb, DbError};
use crate::finding::{AdvisoryRef, Severity};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

pub use crate::rules::checks::DepCheck;

/// How the scan runs the audit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditOptions {
    /// The store or advisory directory (`--db`).
    pub db: PathBuf,
    /// Match packages against advisories; `false` with `--no-audit` (spec checks still run).
    pub advisories: bool,
    /// Warn when the store is older than this many days.
    pub max_age_days: u64,
    /// Advisory ids (or any of their aliases) not to report.
    pub ignore: Vec<String>,
    /// An audit that could not run (no store) makes the scan incomplete (exit 2) instead of
    /// a warning.
    pub required: bool,
}

impl Default for AuditOptions {
    fn default() -> Self {
        AuditOptions {
            db: super::store::default_dir(),
            advisories: true,
            max_age_days: 7,
            ignore: Vec::new(),
            required: false,
        }
    }
}

/// What the audit of one file needs from the whole scan.
#[derive(Default)]
pub struct DepsContext<'a> {
    pub db: Option<&'a AdvisoryDb>,
    /// Advisory ids and aliases to skip, upper-cased.
    pub ignore: HashSet<String>,
    /// Directories (relative to the root, `""` for the root) that hold a lockfile, per family.
    pub lock_dirs: HashMap<Family, HashSet<String>>,
    /// Requirements files included with `-r`/`-c` that their names do not give away.
    pub included_requirements: HashSet<String>,
}

impl DepsContext<'_> {
    /// The kind of dependency file at `rel_path`, if it is one.
    pub fn kind_of(&self, rel_path: &str) -> Option<LockfileKind> {
        LockfileKind::for_path(rel_path).or_else(|| {
            self.included_requirements
                .contains(rel_path)
                .then_some(LockfileKind::Requirements)
        })
    }

    fn has_lockfile_for(&self, family: Family, rel_path: &str) -> bool {
        let Some(dirs) = self.lock_dirs.get(&family) else {
            return false;
        };
        let mut dir = parent_dir(rel_path);
        loop {
            if dirs.contains(dir) {
                return true;
            }
            if dir.is_empty() {
                return false;
            }
            dir = parent_dir(dir);
        }
    }
}

/// `a/b/c.json` -> `a/b`; `c.json` -> `` (the root).
pub fn parent_dir(rel_path: &str) -> &str {
    rel_path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// One dependency problem, before it becomes a finding.
#[derive(Clone, Debug, PartialEq)]
pub struct DepHit {
    pub check: DepCheck,
    pub line: usize,
    pub message: String,
    /// The advisory's severity; `None` means the rule's own.
    pub severity: Option<Severity>,
    pub advisory: Option<AdvisoryRef>,
}

/// What auditing one file gave: hits, and what could not be judged.
#[derive(Debug, Default)]
pub struct FileAudit {
    pub hits: Vec<DepHit>,
    /// Packages whose version could not be ordered against an advisory (`name@version`).
    pub undecided: Vec<String>,
    /// The store failed while looking a package up.
    pub db_error: Option<String>,
    pub packages: usize,
}

/// Audits one dependency file. A file that does not parse is an error (the caller reports it
/// and goes on with the other files). `published`: the file ships inside a release archive.
pub fn audit_file(
    kind: LockfileKind,
    rel_path: &str,
    text: &str,
    published: bool,
    ctx: &DepsContext<'_>,
) -> Result<FileAudit, ParseError> {
    let inventory = kind.parse(rel_path, text)?;
    let mut audit = FileAudit {
        packages: inventory.packages.len(),
        ..FileAudit::default()
    };
    spec_hits(&inventory, &mut audit.hits);
    // Published packages leave lockfiles out by design (npm pack drops package-lock.json).
    if let (Some(family), Some(line)) = (kind.wants_lock(), inventory.declares_dependencies)
        && !ctx.has_lockfile_for(family, rel_path)
        && !published
    {
        let lockfiles = match family {
            Family::Node => "package-lock.json, npm-shrinkwrap.json, pnpm-lock.yaml or yarn.lock",
            Family::Python => {
                "uv.lock, poetry.lock, pylock.toml, Pipfile.lock or a pinned requirements.txt"
            }
        };
        audit.hits.push(DepHit {
            check: DepCheck::MissingLockfile,
            line,
            message: format!(
                "dependencies are declared but no lockfile ({lockfiles}) is committed here or above, \
                 so every install may resolve different versions"
            ),
            severity: None,
            advisory: None,
        });
    }
    if let Some(db) = ctx.db {
        for package in &inventory.packages {
            match advisory_hits(db, package, ctx, &mut audit) {
                Ok(()) => {}
                Err(e) => {
                    audit.db_error = Some(e.to_string());
                    break;
                }
            }
        }
    }
    Ok(audit)
}

fn spec_hits(inventory: &Inventory, hits: &mut Vec<DepHit>) {
    for issue in &inventory.issues {
        let (check, message) = match issue.problem {
            SpecProblem::Unpinned => (
                DepCheck::Unpinned,
                if issue.spec.is_empty() {
                    format!(
                        "`{}` has no version: each install takes whatever is newest",
                        issue.name
                    )
                } else {
                    format!(
                        "`{}` is not pinned (`{}`): each install may take a different version",
                        issue.name, issue.spec
                    )
                },
            ),
            SpecProblem::InstallScript => (
                DepCheck::InstallScript,
                format!(
                    "`{}` runs `{}` on every machine that installs this package: code fetched at install time, before anyone reviews it, with the installing user's rights",
                    issue.name,
                    redact_urls(&issue.spec)
                        .chars()
                        .take(120)
                        .collect::<String>()
                ),
            ),
            SpecProblem::RemoteSource => (
                DepCheck::RemoteSource,
                format!(
                    "`{}` comes from `{}`, outside a package registry: no advisory covers it and its \
                     content can change under the same spec",
                    redact_urls(&issue.name),
                    redact_urls(&issue.spec)
                ),
            ),
        };
        hits.push(DepHit {
            check,
            line: issue.line,
            message,
            severity: None,
            advisory: None,
        });
    }
}

/// Userinfo in URLs (`https://user:token@host`) is a credential; it never reaches a report.
/// Every URL in `text` is redacted, so a whole source line can be shown.
pub fn redact_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(scheme_end) = rest.find("://") {
        let (before, after) = rest.split_at(scheme_end + 3);
        out.push_str(before);
        let authority_end = after
            .find(['/', '"', '\'', ' ', '#', '?', '`'])
            .unwrap_or(after.len());
        let authority = &after[..authority_end];
        match authority.rfind('@') {
            Some(at) => {
                out.push_str("***@");
                out.push_str(&authority[at + 1..]);
            }
            None => out.push_str(authority),
        }
        rest = &after[authority_end..];
    }
    out.push_str(rest);
    out
}

fn advisory_hits(
    db: &AdvisoryDb,
    package: &Package,
    ctx: &DepsContext<'_>,
    audit: &mut FileAudit,
) -> Result<(), DbError> {
    let name = package.ecosystem.normalize_name(&package.name);
    let advisories = db.lookup(package.ecosystem, &name)?;
    if advisories.is_empty() {
        return Ok(());
    }
    let mut applying: Vec<&Advisory> = Vec::new();
    for advisory in &advisories {
        if advisory.withdrawn {
            continue;
        }
        match advisory.affects(&package.version) {
            Some(true) => applying.push(advisory),
            Some(false) => {}
            None => {
                let entry = format!("{}@{}", package.name, package.version);
                if !audit.undecided.contains(&entry) {
                    audit.undecided.push(entry);
                }
            }
        }
    }
    // An ignore names one id of a vulnerability; it covers every record of it.
    let ignored = |a: &&Advisory| {
        std::iter::once(&a.id)
            .chain(&a.aliases)
            .any(|id| ctx.ignore.contains(&id.to_ascii_uppercase()))
    };
    for group in group_aliases(applying) {
        if !group.iter().any(ignored) {
            audit.hits.push(advisory_hit(package, &group));
        }
    }
    Ok(())
}

/// Advisories that are aliases of one another (GHSA, CVE, PYSEC, RUSTSEC of one bug), grouped
/// so each vulnerability is reported once; the most informative record leads its group.
fn group_aliases(mut advisories: Vec<&Advisory>) -> Vec<Vec<&Advisory>> {
    advisories.sort_by_key(|a| (a.severity.is_none(), id_rank(&a.id), a.id.clone()));
    let mut groups: Vec<Vec<&Advisory>> = Vec::new();
    for advisory in advisories {
        match groups
            .iter_mut()
            .find(|g| g.iter().any(|member| member.same_as(advisory)))
        {
            Some(group) => group.push(advisory),
            None => groups.push(vec![advisory]),
        }
    }
    groups
}

fn id_rank(id: &str) -> u8 {
    match id.split('-').next().unwrap_or("") {
        "GHSA" => 0,
        "RUSTSEC" => 1,
        "MAL" => 2,
        "GO" => 3,
        "PYSEC" => 4,
        _ => 5,
    }
}

fn advisory_hit(package: &Package, group: &[&Advisory]) -> DepHit {
    let Some(lead) = group.first() else {
        return DepHit {
            check: DepCheck::Vulnerable,
            line: package.line,
            message: String::new(),
            severity: None,
            advisory: None,
        };
    };
    let mut aliases: Vec<String> = Vec::new();
    for advisory in group {
        for id in std::iter::once(&advisory.id).chain(&advisory.aliases) {
            if *id != lead.id && !aliases.contains(id) {
                aliases.push(id.clone());
            }
        }
    }
    let fixed = group
        .iter()
        .filter_map(|a| a.fix_for(&package.version))
        .min_by(|a, b| {
            super::version::compare(package.ecosystem, a, b).unwrap_or(std::cmp::Ordering::Equal)
        })
        .map(str::to_string);
    let severity = group.iter().find_map(|a| a.severity);
    let score = group.iter().find_map(|a| a.score);
    let kind = group
        .iter()
        .map(|a| a.kind)
        .min()
        .unwrap_or(AdvisoryKind::Vulnerability);
    let check = match kind {
        AdvisoryKind::Vulnerability => DepCheck::Vulnerable,
        AdvisoryKind::Malicious => DepCheck::Malicious,
        AdvisoryKind::Unmaintained => DepCheck::Unmaintained,
        AdvisoryKind::Informational => DepCheck::Informational,
    };
    let shown_aliases = if aliases.is_empty() {
        String::new()
    } else {
        format!(" ({})", aliases.join(", "))
    };
    let relation = match package.direct {
        Some(true) => ", direct",
        Some(false) => ", transitive",
        None => "",
    };
    let summary = if lead.summary.is_empty() {
        String::new()
    } else {
        format!(": {}", lead.summary)
    };
    let remedy = match (kind, &fixed) {
        (AdvisoryKind::Malicious, _) => {
            "; remove it and rotate any secret the install could read".to_string()
        }
        (_, Some(version)) => format!("; upgrade to {version} or later"),
        (AdvisoryKind::Unmaintained, None) => "; move to a maintained alternative".to_string(),
        (_, None) => "; no fixed version is published".to_string(),
    };
    let what = match kind {
        AdvisoryKind::Vulnerability => "is affected by",
        AdvisoryKind::Malicious => "is malicious per",
        AdvisoryKind::Unmaintained => "is unmaintained per",
        AdvisoryKind::Informational => "is flagged by",
    };
    let unrated = if severity.is_none() && kind == AdvisoryKind::Vulnerability {
        " (the advisory gives no severity)"
    } else {
        ""
    };
    DepHit {
        check,
        line: package.line,
        message: format!(
            "{} {} ({}{relation}) {what} {}{shown_aliases}{summary}{remedy}{unrated}",
            package.name, package.version, package.ecosystem, lead.id
        ),
        severity,
        advisory: Some(AdvisoryRef {
            id: lead.id.clone(),
            aliases,
            summary: lead.summary.clone(),
            ecosystem: package.ecosystem.osv_name().to_string(),
            package: package.name.clone(),
            version: package.version.clone(),
            direct: package.direct,
            fixed,
            score,
            url: lead.url.clone(),
            symbols: group.iter().flat_map(|a| a.symbols.iter()).fold(
                Vec::new(),
                |mut all, symbol| {
                    if !all.contains(symbol) {
                        all.push(symbol.clone());
                    }
                    all
                },
            ),
            concerns: None,
            reach: None,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn userinfo_is_redacted() {
        assert_eq!(
            redact_urls("git+https://user:${GITHUB_TOKEN}@github.com/x/y.git"),
            "git+https://***@github.com/x/y.git"
        );
        assert_eq!(
            redact_urls("https://example.org/a@b"),
            "https://example.org/a@b"
        );
        assert_eq!(
            redact_urls(r#""a": "git+https://u:p@h.org/x", "b": "https://k@i.org""#),
            r#""a": "git+https://***@h.org/x", "b": "https://***@i.org""#
        );
    }

    #[test]
    fn lockfiles_above_count() {
        let mut ctx = DepsContext::default();
        ctx.lock_dirs
            .entry(Family::Node)
            .or_default()
            .insert(String::new());
        assert!(ctx.has_lockfile_for(Family::Node, "packages/a/package.json"));
        assert!(!ctx.has_lockfile_for(Family::Python, "pyproject.toml"));
    }
}
