//! Rules are data: TOML files embedded at build time (`rules/`) plus any directory a user adds.
//! Loading validates every field, so a bad rule file is an error naming the file, the line and
//! the field, never a rule that silently matches nothing.

pub mod checks;
mod index_doc;
mod model;
mod secret_index;

pub use index_doc::{index_markdown, rule_page_url, rule_pages};
pub use model::{
    ArgCondition, ArgIs, AuthMatch, AuthPatterns, BindArg, BindDefault, CallMatch, DependencyMatch,
    DescriptionMatch, DockerfileMatch, Docs, EffectCalls, Examples, IgnoreCheck, Language, Matcher,
    McpConfigMatch, MinSource, ProjectCall, Rule, SecretMatch, TestCodePolicy, TextKind,
    snake_case,
};
pub use secret_index::SecretPrefilter;

use crate::error::{Error, Result, line_of_key, line_of_offset};
use std::path::Path;

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));
}

/// The rules of one scan, sorted by id, with a lookup from canonical callee to rules.
#[derive(Clone, Debug, Default)]
pub struct RuleSet {
    rules: Vec<Rule>,
    languages: Vec<Language>,
    /// The languages with a source rule that reports in test code: only their test files
    /// need a parse when tests are not reported.
    reported_in_tests: Vec<Language>,
    /// The keyword automaton of the secret rules, if any.
    secret_prefilter: Option<SecretPrefilter>,
    /// Which file-level engines have rules; the pipeline asks for every file it walks.
    engines: Engines,
    /// Ids of rules turned off (`disable`), still known to ignore comments that name them.
    retired: Vec<String>,
    /// Distinct for every rule set built (a copy keeps it): what is derived from the rules
    /// once per scan (the taint engine's model) is cached under it.
    id: u64,
}

/// The id of the next rule set built.
static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

#[derive(Clone, Debug, Default)]
struct Engines {
    dependency: bool,
    mcp_config: bool,
    dockerfile: bool,
    /// Index of the rule of each inventory check (`InventoryCheck::Changed`,
    /// `ToxicCombination`, `CapabilityMismatch`, then `Escalated`).
    inventory: [Option<usize>; 4],
}

fn inventory_slot(check: crate::tools::InventoryCheck) -> usize {
    match check {
        crate::tools::InventoryCheck::Changed => 0,
        crate::tools::InventoryCheck::ToxicCombination => 1,
        crate::tools::InventoryCheck::CapabilityMismatch => 2,
        crate::tools::InventoryCheck::Escalated => 3,
    }
}

impl RuleSet {
    /// The rules shipped inside the binary.
    pub fn builtin() -> Result<RuleSet> {
        use rayon::prelude::*;
        // Compiling the rules' regexes is most of a scan's start, before any file is read:
        // in parallel it is half as long on two cores.
        let rules = builtin::BUILTIN_RULES
            .par_iter()
            .map(|(origin, text)| parse_rule(origin, text))
            .collect::<Result<Vec<Rule>>>()?;
        RuleSet::from_rules(rules)
    }

    /// The built-in rules plus every `*.toml` below each of `dirs`.
    pub fn builtin_and(dirs: &[impl AsRef<Path>]) -> Result<RuleSet> {
        let mut set = RuleSet::builtin()?;
        let mut extra = Vec::new();
        for dir in dirs {
            load_dir(dir.as_ref(), &mut extra)?;
        }
        let mut rules = std::mem::take(&mut set.rules);
        rules.extend(extra);
        let set = RuleSet::from_rules(rules)?;
        set.check_merge_targets()?;
        Ok(set)
    }

    /// Every `merge_into` names a rule of the set that merges into nothing itself (a chain
    /// would make which finding survives depend on order).
    fn check_merge_targets(&self) -> Result<()> {
        for rule in &self.rules {
            for target in &rule.merge_into {
                let reason = match self.get(target) {
                    None => format!("merge_into names `{target}`, which is no rule"),
                    Some(t) if !t.merge_into.is_empty() => {
                        format!("merge_into names `{target}`, which merges into other rules itself")
                    }
                    Some(_) => continue,
                };
                return Err(Error::RuleFile {
                    path: rule.origin.clone(),
                    line: None,
                    reason,
                });
            }
        }
        Ok(())
    }

    /// Builds a set from parsed rules; two rules with one id is an error naming both files.
    pub fn from_rules(mut rules: Vec<Rule>) -> Result<RuleSet> {
        rules.sort_by(|a, b| a.id.cmp(&b.id).then_with(|| a.origin.cmp(&b.origin)));
        for pair in rules.windows(2) {
            if let [a, b] = pair
                && a.id == b.id
            {
                return Err(Error::DuplicateRule {
                    id: a.id.clone(),
                    first: a.origin.clone(),
                    second: b.origin.clone(),
                });
            }
        }
        let mut languages: Vec<Language> = rules
            .iter()
            .flat_map(|r| r.languages.iter().copied())
            .collect();
        languages.sort();
        languages.dedup();
        let mut reported_in_tests: Vec<Language> = rules
            .iter()
            .filter(|r| !matches!(r.matcher, Matcher::Secret(_)) && r.reported_in_test_code())
            .flat_map(|r| r.languages.iter().copied())
            .collect();
        reported_in_tests.sort();
        reported_in_tests.dedup();
        let secret_prefilter = SecretPrefilter::new(&rules);
        let mut engines = Engines::default();
        for (i, rule) in rules.iter().enumerate() {
            match &rule.matcher {
                Matcher::Dependency(_) => engines.dependency = true,
                Matcher::McpConfig(_) => engines.mcp_config = true,
                Matcher::Dockerfile(_) => engines.dockerfile = true,
                Matcher::ToolInventory(m) => {
                    if let Some(slot) = engines.inventory.get_mut(inventory_slot(m.check)) {
                        *slot = Some(i);
                    }
                }
                _ => {}
            }
        }
        Ok(RuleSet {
            engines,
            secret_prefilter,
            rules,
            languages,
            reported_in_tests,
            retired: Vec::new(),
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        })
    }

    /// SHA-256 of every rule as loaded (after the configuration's changes), so that results
    /// made with one rule pack are never reused with another.
    pub fn digest(&self) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for rule in &self.rules {
            h.update(format!("{rule:?}\0"));
        }
        for id in &self.retired {
            h.update(id.as_bytes());
            h.update([0]);
        }
        h.finalize().into()
    }

    /// Distinct for every rule set built; copies share it.
    pub fn id(&self) -> u64 {
        self.id
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The rule that reports a dependency-audit check, if it is enabled.
    pub fn dependency_rule(&self, check: checks::DepCheck) -> Option<&Rule> {
        self.rules
            .iter()
            .find(|r| matches!(&r.matcher, Matcher::Dependency(d) if d.check == check))
    }

    /// Whether any MCP client-configuration rule is enabled.
    pub fn has_mcp_config_rules(&self) -> bool {
        self.engines.mcp_config
    }

    /// The rule that reports a tool differing from `mcp-tools.lock`, if it is enabled: the
    /// escalation rule for a tool that can do more than its locked entry (the change rule
    /// when only that one is enabled), the change rule for any other difference.
    pub fn tool_lock_rule(&self, escalated: bool) -> Option<&Rule> {
        use crate::tools::InventoryCheck::{Changed, Escalated};
        escalated
            .then(|| self.inventory_rule(Escalated))
            .flatten()
            .or_else(|| self.inventory_rule(Changed))
    }

    /// The capabilities the enabled rules' effect calls give (`file-write`, `env-read`...).
    pub fn effect_capabilities(&self) -> std::collections::BTreeSet<String> {
        self.rules
            .iter()
            .filter_map(|r| match &r.matcher {
                Matcher::ToolInventory(m) => Some(&m.effects),
                _ => None,
            })
            .flatten()
            .map(|e| e.capability.clone())
            .collect()
    }

    /// Whether a rule compares tools with `mcp-tools.lock`.
    pub fn compares_tool_lock(&self) -> bool {
        self.tool_lock_rule(true).is_some()
    }

    /// The rule of an inventory check, if it is enabled.
    pub fn inventory_rule(&self, check: crate::tools::InventoryCheck) -> Option<&Rule> {
        let index = (*self.engines.inventory.get(inventory_slot(check))?)?;
        self.rules.get(index)
    }

    /// Whether any Dockerfile rule is enabled.
    pub fn has_dockerfile_rules(&self) -> bool {
        self.engines.dockerfile
    }

    /// Whether any dependency rule is enabled.
    pub fn has_dependency_rules(&self) -> bool {
        self.engines.dependency
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules
            .binary_search_by(|r| r.id.as_str().cmp(id))
            .ok()
            .and_then(|i| self.rules.get(i))
    }

    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.rules.binary_search_by(|r| r.id.as_str().cmp(id)).ok()
    }

    /// The secret rules' keyword automaton; `None` without secret rules.
    pub fn secret_prefilter(&self) -> Option<&SecretPrefilter> {
        self.secret_prefilter.as_ref()
    }

    /// Keeps only the rules `keep` accepts (`disable`, and to test one rule in isolation);
    /// the others stay known by id.
    pub fn filtered(&self, keep: impl Fn(&Rule) -> bool) -> Result<RuleSet> {
        let (kept, dropped): (Vec<&Rule>, Vec<&Rule>) = self.rules.iter().partition(|r| keep(r));
        let mut set = RuleSet::from_rules(kept.into_iter().cloned().collect())?;
        set.retired = self.retired.clone();
        set.retired
            .extend(dropped.into_iter().map(|r| r.id.clone()));
        Ok(set)
    }

    /// Whether `id` names a rule of this set, one turned off, or one renamed.
    pub fn knows(&self, id: &str) -> bool {
        self.get(id).is_some() || self.retired.iter().any(|r| r == id) || renamed(id).is_some()
    }

    /// The rule of an `mcpgate:ignore` check.
    pub fn ignore_rule(&self, check: IgnoreCheck) -> Option<&Rule> {
        self.rules
            .iter()
            .find(|r| matches!(&r.matcher, Matcher::IgnoreComment(m) if m.check == check))
    }

    /// The languages some rule applies to; files of other languages are not parsed.
    pub fn languages(&self) -> &[Language] {
        &self.languages
    }

    /// Whether a finding of some source rule of `lang` is reported in test code (without
    /// `--include-tests`).
    pub fn reports_source_in_tests(&self, lang: Language) -> bool {
        self.reported_in_tests.contains(&lang)
    }
}

/// Rule ids that changed, old to new, so configs that name an old id get told the new one.
const RENAMED: &[(&str, &str)] = &[
    ("python-tool-poisoning", "mcp-tool-poisoning"),
    (
        "python-tool-description-hidden-characters",
        "mcp-tool-description-hidden-characters",
    ),
    (
        "python-tool-description-too-long",
        "mcp-tool-description-too-long",
    ),
];

/// The current id of a rule that was renamed.
pub fn renamed(old: &str) -> Option<&'static str> {
    RENAMED.iter().find(|(o, _)| *o == old).map(|(_, n)| *n)
}

/// How deep rule directories nest; far below any real layout.
const MAX_RULE_DIR_DEPTH: usize = 16;

/// Every `*.toml` below `dir`. Links inside it are not followed (a loop would never end, and a
/// rule pack has no reason to point elsewhere); the directory itself may be one.
fn load_dir(dir: &Path, out: &mut Vec<Rule>) -> Result<()> {
    load_dir_at(dir, out, 0)
}

fn load_dir_at(dir: &Path, out: &mut Vec<Rule>, depth: usize) -> Result<()> {
    if depth > MAX_RULE_DIR_DEPTH {
        return Err(Error::RuleFile {
            path: dir.display().to_string(),
            line: None,
            reason: format!("rule directories nest deeper than {MAX_RULE_DIR_DEPTH} levels"),
        });
    }
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Unreadable {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.file_type().is_symlink() {
            continue;
        }
        if meta.is_dir() {
            load_dir_at(&path, out, depth + 1)?;
        } else if path.extension().is_some_and(|e| e == "toml") {
            let text = crate::input_file::read_to_string(&path, crate::input_file::MAX_INPUT_BYTES)
                .map_err(|source| Error::Unreadable {
                    path: path.clone(),
                    source,
                })?;
            out.push(parse_rule(&path.display().to_string(), &text)?);
        }
    }
    Ok(())
}

/// Expands `{{gen:PREFIX:LENGTH:CHARSET}}` in an example into PREFIX and LENGTH characters of
/// CHARSET (`alnum`, `hex`, `upper`, `lower`, `digits`, `b64`, `urlsafe`, `bech32`), from a
/// fixed seed.
/// Secret-rule examples are written this way so that the repository never holds a string
/// that looks like a real credential.
pub fn expand_example(example: &str, seed: u64) -> String {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as usize
    };
    let mut out = String::with_capacity(example.len());
    let mut rest = example;
    while let Some(start) = rest.find("{{gen:") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 6..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let spec: Vec<&str> = after[..end].split(':').collect();
        if let [prefix, len, charset] = spec.as_slice() {
            let alphabet: &[u8] = match *charset {
                "hex" => b"0123456789abcdef",
                "bech32" => b"QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L",
                "upper" => b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
                "lower" => b"abcdefghijklmnopqrstuvwxyz",
                "digits" => b"0123456789",
                "b64" => b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
                "urlsafe" => b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
                _ => b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
            };
            out.push_str(prefix);
            for _ in 0..len.parse::<usize>().unwrap_or(0) {
                out.push(char::from(alphabet[next() % alphabet.len()]));
            }
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// Parses and validates one rule file. `origin` names the file in errors.
pub fn parse_rule(origin: &str, text: &str) -> Result<Rule> {
    let mut rule: Rule = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of_offset(text, s.start));
        let reason = e.message().trim().to_string();
        // toml names the bad value but not always its key; the key is on the error's line.
        let key = line
            .and_then(|l| text.lines().nth(l - 1))
            .and_then(|l| l.split_once('='))
            .map(|(k, _)| k.trim())
            .filter(|k| !k.is_empty() && !reason.contains(&format!("`{k}`")));
        Error::RuleFile {
            path: origin.to_string(),
            line,
            reason: match key {
                Some(k) => format!("field `{k}`: {reason}"),
                None => reason,
            },
        }
    })?;
    rule.origin = origin.to_string();
    validate(&rule, text)?;
    let compile = |pattern: &str, key: &str| compile_regex(pattern, key, origin, text);
    let optional = |pattern: &Option<String>, key: &str| {
        pattern.as_deref().map(|p| compile(p, key)).transpose()
    };
    if let Matcher::Secret(sm) = &mut rule.matcher {
        let main = compile(&sm.regex, "regex")?;
        if sm.secret_group > main.captures_len().saturating_sub(1) {
            return Err(Error::RuleFile {
                path: origin.to_string(),
                line: line_of_key(text, "secret_group"),
                reason: format!(
                    "field `secret_group`: the regex has no group {}",
                    sm.secret_group
                ),
            });
        }
        sm.compiled = Some(main);
        for pattern in sm.allowlist.clone() {
            sm.compiled_allowlist.push(compile(&pattern, "allowlist")?);
        }
        return Ok(rule);
    }
    if let Matcher::ToolDescription(d) = &mut rule.matcher {
        for pattern in &d.patterns {
            d.compiled.push(compile(pattern, "patterns")?);
        }
        for (index, signal) in d.supporting.iter().enumerate() {
            for pattern in &signal.patterns {
                d.compiled_supporting
                    .push((index, compile(pattern, "supporting")?));
            }
        }
        return Ok(rule);
    }
    if let Matcher::Auth(a) = &mut rule.matcher {
        a.compiled = Some(AuthPatterns {
            secret: compile(&a.secret_names, "secret_names")?,
            not_secret: optional(&a.not_secret_names, "not_secret_names")?,
            functions: optional(&a.functions, "functions")?,
            not_functions: optional(&a.not_functions, "not_functions")?,
            makers: optional(&a.makers, "makers")?,
            authenticated: optional(&a.authenticated, "authenticated")?,
            allowlists: optional(&a.allowlist_names, "allowlist_names")?,
        });
        for pattern in &a.unless_project_matches {
            a.project_regexes
                .push(compile(pattern, "unless_project_matches")?);
        }
        return Ok(rule);
    }
    let conditions: Vec<&mut ArgCondition> = match &mut rule.matcher {
        Matcher::Call(call) => {
            for pattern in &call.unless_project_matches {
                call.project_regexes
                    .push(compile(pattern, "unless_project_matches")?);
            }
            let evidence = call
                .unless_project_calls
                .iter_mut()
                .flat_map(|p| p.args.iter_mut());
            call.args.iter_mut().chain(evidence).collect()
        }
        Matcher::ToolInventory(inventory) => inventory
            .effects
            .iter_mut()
            .flat_map(|e| e.args.iter_mut())
            .collect(),
        _ => return Ok(rule),
    };
    for cond in conditions {
        if let Some(pattern) = &cond.matches {
            cond.regex = Some(compile(pattern, "matches")?);
        } else if let Some(pattern) = &cond.not_matches {
            cond.regex = Some(compile(pattern, "not_matches")?);
        }
        if let Some(pattern) = &cond.except {
            cond.except_regex = Some(compile(pattern, "except")?);
        }
    }
    Ok(rule)
}

fn compile_regex(pattern: &str, key: &str, origin: &str, text: &str) -> Result<regex::Regex> {
    regex::Regex::new(&ascii_word_boundaries(pattern)).map_err(|e| Error::RuleFile {
        path: origin.to_string(),
        line: line_of_key(text, key),
        reason: format!("invalid regex `{pattern}`: {e}"),
    })
}

/// `pattern` with its `\b` and `\B` made ASCII word boundaries. A Unicode boundary stops
/// the regex engine's DFA at the first non-ASCII byte of the text and leaves the whole file to
/// its slowest engine (most of the secret scan's time went there); the tokens and names rules
/// look for are ASCII.
fn ascii_word_boundaries(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    // Inside `[...]`, where `\b` is not a boundary; nested classes count their depth.
    let mut class_depth = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(next) = chars.next() else {
                    out.push(c);
                    break;
                };
                let boundary =
                    matches!(next, 'b' | 'B') && class_depth == 0 && chars.peek() != Some(&'{');
                if boundary {
                    out.push_str("(?-u:\\");
                    out.push(next);
                    out.push(')');
                } else {
                    out.push(c);
                    out.push(next);
                }
            }
            '[' => {
                class_depth += 1;
                out.push(c);
                // A `]` right after the opening bracket (or `^`) is a literal.
                if chars.peek() == Some(&'^') {
                    out.extend(chars.next());
                }
                if chars.peek() == Some(&']') {
                    out.extend(chars.next());
                }
            }
            ']' if class_depth > 0 => {
                class_depth -= 1;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

fn validate(rule: &Rule, text: &str) -> Result<()> {
    let fail = |key: &str, reason: String| Error::RuleFile {
        path: rule.origin.clone(),
        line: line_of_key(text, key),
        reason,
    };
    let kebab = !rule.id.is_empty()
        && rule.id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if !kebab {
        return Err(fail(
            "id",
            format!("field `id`: `{}` is not kebab-case", rule.id),
        ));
    }
    let stem = Path::new(&rule.origin)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if stem != rule.id {
        return Err(fail(
            "id",
            format!(
                "field `id`: `{}` must match the file name `{stem}.toml`",
                rule.id
            ),
        ));
    }
    for (key, value) in [
        ("title", &rule.title),
        ("message", &rule.message),
        ("what", &rule.docs.what),
        ("why", &rule.docs.why),
        ("fix", &rule.docs.fix),
    ] {
        if value.trim().is_empty() {
            return Err(fail(key, format!("field `{key}` is empty")));
        }
    }
    // GitHub rejects short/full descriptions over 1024 characters; they come from these.
    for (key, value) in [("title", &rule.title), ("what", &rule.docs.what)] {
        if value.chars().count() > 1024 {
            return Err(fail(key, format!("field `{key}` is over 1024 characters")));
        }
    }
    if rule.cwe.is_empty() {
        return Err(fail(
            "cwe",
            "field `cwe`: at least one CWE id is required".into(),
        ));
    }
    if rule.languages.is_empty() {
        return Err(fail("languages", "field `languages` is empty".into()));
    }
    if rule.examples.bad.is_empty() || rule.examples.good.is_empty() {
        return Err(fail(
            "examples",
            "field `examples`: at least one `bad` and one `good` example are required".into(),
        ));
    }
    let call = match &rule.matcher {
        Matcher::Call(call) => call,
        Matcher::IgnoreComment(_) => return Ok(()),
        Matcher::ToolInventory(inventory) => {
            for effect in &inventory.effects {
                let Some(returned) = &effect.returned else {
                    continue;
                };
                let named = inventory
                    .effects
                    .iter()
                    .any(|e| &e.capability == returned && !e.callees.is_empty());
                if !named || !effect.callees.is_empty() || !effect.reads.is_empty() {
                    return Err(fail(
                        "returned",
                        format!(
                            "field `returned`: `{returned}` must be another effect's capability with `callees`, and an effect with `returned` lists no `callees` or `reads`"
                        ),
                    ));
                }
            }
            return Ok(());
        }
        Matcher::Dependency(_)
        | Matcher::McpConfig(_)
        | Matcher::Dockerfile(_)
        | Matcher::Package(_) => {
            if let Matcher::Dependency(d) = &rule.matcher {
                for scope in &d.advisories {
                    if let Some(api) = scope.apis.iter().find(|a| !d.apis.contains_key(*a)) {
                        return Err(fail(
                            "apis",
                            format!("field `advisories`: `{api}` is not a name in `apis`"),
                        ));
                    }
                    if scope.ids.is_empty() || (scope.apis.is_empty() && scope.symbols.is_empty()) {
                        return Err(fail(
                            "advisories",
                            "field `advisories`: each entry names at least one id and one api or symbol"
                                .into(),
                        ));
                    }
                }
            }
            if rule.examples.file.is_none() {
                return Err(fail(
                    "examples",
                    "field `examples`: a dependency, MCP config or Dockerfile rule names the `file` its examples are"
                        .into(),
                ));
            }
            return Ok(());
        }
        Matcher::Secret(sm) => {
            if sm.keywords.is_empty()
                || sm
                    .keywords
                    .iter()
                    .any(|k| k.is_empty() || k.to_lowercase() != *k)
            {
                return Err(fail(
                    "keywords",
                    "field `keywords`: list at least one non-empty lowercase keyword".into(),
                ));
            }
            return Ok(());
        }
        Matcher::Auth(a) => {
            use checks::AuthCheck;
            let missing = match a.check {
                AuthCheck::WeakToken if a.callees.is_empty() => Some("callees"),
                AuthCheck::WeakToken if a.makers.is_none() => Some("makers"),
                AuthCheck::FailOpen if a.functions.is_none() => Some("functions"),
                AuthCheck::SessionBinding if a.authenticated.is_none() => Some("authenticated"),
                _ => None,
            };
            if let Some(key) = missing {
                return Err(fail(
                    "check",
                    format!("field `match`: this check needs `{key}`"),
                ));
            }
            return Ok(());
        }
        Matcher::ToolDescription(d) => {
            if d.patterns.is_empty()
                && d.supporting.len() < 2
                && !d.encoded
                && !d.hidden_characters
                && d.max_length.is_none()
                && !d.present
            {
                return Err(fail(
                    "match",
                    "field `match`: a tool-description rule needs `patterns`, \
                     two or more `supporting` signals, `hidden_characters`, `encoded`, `max_length` or `present`"
                        .into(),
                ));
            }
            return Ok(());
        }
    };
    let CallMatch {
        callees,
        args,
        unless_project_calls,
        ..
    } = call;
    let empty = |names: &[String]| names.is_empty() || names.iter().any(|c| c.trim().is_empty());
    if empty(callees) {
        return Err(fail(
            "callees",
            "field `callees`: list at least one callee name".into(),
        ));
    }
    for evidence in unless_project_calls {
        if empty(&evidence.callees) {
            return Err(fail(
                "unless_project_calls",
                "field `unless_project_calls`: each entry lists at least one callee name".into(),
            ));
        }
        // Evidence is about a call's shape: nothing is traced into it.
        if evidence
            .args
            .iter()
            .any(|c| c.is.is_some_and(ArgIs::is_taint))
        {
            return Err(fail(
                "unless_project_calls",
                "field `unless_project_calls`: conditions there are on the call's shape; \
                 `is` may be `true`, `false`, `present`, `absent` or `not-string`"
                    .into(),
            ));
        }
    }
    let evidence_args = unless_project_calls.iter().flat_map(|p| &p.args);
    for cond in args.iter().chain(evidence_args) {
        if cond.position.is_none()
            && cond.positions.is_empty()
            && cond.keyword.is_none()
            && !cond.receiver
        {
            return Err(fail(
                "args",
                "field `args`: each condition needs `position`, `positions`, `keyword` or \
                 `receiver = true`"
                    .into(),
            ));
        }

        let tests = [
            cond.is.is_some(),
            cond.not_one_of.is_some(),
            cond.one_of.is_some(),
            cond.matches.is_some(),
            cond.not_matches.is_some(),
            cond.made_by.is_some(),
        ];
        if cond.except.is_some() && cond.matches.is_none() {
            return Err(fail(
                "except",
                "field `except`: it narrows `matches`, so it needs `matches` beside it".into(),
            ));
        }
        if tests.iter().filter(|t| **t).count() != 1 {
            return Err(fail(
                "args",
                "field `args`: each condition needs exactly one of `is`, `one_of`, `not_one_of`, \
                 `matches`, `not_matches` and `made_by`"
                    .into(),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_boundaries_become_ascii_outside_classes_only() {
        assert_eq!(
            ascii_word_boundaries(r"\b(ghp_[A-Z]{4})\B"),
            r"(?-u:\b)(ghp_[A-Z]{4})(?-u:\B)"
        );
        assert_eq!(
            ascii_word_boundaries(r"\\b[\b]\b{start}"),
            r"\\b[\b]\b{start}"
        );
        assert_eq!(ascii_word_boundaries(r"[]\b]\b"), r"[]\b](?-u:\b)");
        let regex = regex::Regex::new(&ascii_word_boundaries(r"\bAKIA[0-9]{2}\b")).unwrap();
        assert!(regex.is_match("é AKIA12 é"));
        assert!(!regex.is_match("xAKIA12"));
    }

    const MINIMAL: &str = r#"
id = "demo-rule"
title = "Demo"
severity = "high"
confidence = "high"
cwe = [78]
languages = ["python"]
message = "call to {callee}"

[match]
kind = "call"
callees = ["os.system"]

[docs]
what = "w"
why = "y"
fix = "f"

[examples]
bad = ["import os\nos.system(x)"]
good = ["print(1)"]
"#;

    #[test]
    fn builtin_rules_load() {
        let set = RuleSet::builtin().expect("built-in rules are valid");
        set.check_merge_targets().expect("merge targets are rules");
        assert!(set.rules().len() >= 5);
        assert!(set.get("python-eval-exec").is_some());
    }

    #[test]
    fn minimal_rule_parses() {
        let rule = parse_rule("x/demo-rule.toml", MINIMAL).expect("valid");
        assert_eq!(rule.cwe, vec![78]);
    }

    #[test]
    fn unknown_field_names_file_line_and_field() {
        let text = MINIMAL.replace("cwe = [78]", "cwe = [78]\nseverty = \"low\"");
        let err = parse_rule("x/demo-rule.toml", &text)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("x/demo-rule.toml:"), "{err}");
        assert!(err.contains("severty"), "{err}");
    }

    #[test]
    fn a_returned_effect_names_another_effect_with_calls() {
        let inventory = |returned: &str| {
            MINIMAL.replace(
                "kind = \"call\"\ncallees = [\"os.system\"]",
                &format!(
                    "kind = \"tool-inventory\"\ncheck = \"capability-mismatch\"\n\n\
                         [[match.effects]]\ncapability = \"file-read\"\ncallees = [\"open\"]\n\n\
                         [[match.effects]]\ncapability = \"file-return\"\nreturned = \"{returned}\""
                ),
            )
        };
        let ok = parse_rule("x/demo-rule.toml", &inventory("file-read"));
        assert!(ok.is_ok(), "{ok:?}");
        let err = parse_rule("x/demo-rule.toml", &inventory("file-wrote"))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("x/demo-rule.toml:")
                && err.contains("`file-wrote` must be another effect's capability"),
            "{err}"
        );
    }

    #[test]
    fn bad_severity_is_an_error_with_line() {
        let text = MINIMAL.replace("severity = \"high\"", "severity = \"severe\"");
        let err = parse_rule("x/demo-rule.toml", &text)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "x/demo-rule.toml:4: field `severity`: unknown variant `severe`, expected one of `info`, `low`, `medium`, `high`, `critical`"
        );
    }

    #[test]
    fn id_must_match_file_name() {
        let err = parse_rule("x/other.toml", MINIMAL).unwrap_err().to_string();
        assert!(err.contains("must match the file name"), "{err}");
        assert!(err.starts_with("x/other.toml:2:"), "{err}");
    }

    #[test]
    fn missing_examples_are_an_error() {
        let text = MINIMAL.replace("good = [\"print(1)\"]", "good = []");
        let err = parse_rule("x/demo-rule.toml", &text)
            .unwrap_err()
            .to_string();
        assert!(err.contains("`good`"), "{err}");
    }

    #[test]
    fn empty_cwe_is_an_error() {
        let text = MINIMAL.replace("cwe = [78]", "cwe = []");
        let err = parse_rule("x/demo-rule.toml", &text)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "x/demo-rule.toml:6: field `cwe`: at least one CWE id is required"
        );
    }

    #[test]
    fn duplicate_ids_name_both_files() {
        let a = parse_rule("a/demo-rule.toml", MINIMAL).expect("valid");
        let b = parse_rule("b/demo-rule.toml", MINIMAL).expect("valid");
        let err = RuleSet::from_rules(vec![a, b]).unwrap_err().to_string();
        assert_eq!(
            err,
            "rule id `demo-rule` is defined twice: a/demo-rule.toml and b/demo-rule.toml"
        );
    }
}
