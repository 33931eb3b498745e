//! The tool inventory: every MCP tool, resource template and prompt the source defines, with
//! what the model reads about it and what its inputs reach; and `mcp-tools.lock`, a reviewed
//! snapshot of that inventory, so a change that rewrites a tool's description, its parameters
//! or its reach (a rug pull) shows up in review.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};

/// A promise about a tool: an annotation set to a value (`readOnlyHint: true`), or words in
/// its description (`read-only`), and the capabilities that contradict it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    /// The MCP annotation as the specification spells it (`readOnlyHint`).
    #[serde(default)]
    pub annotation: Option<String>,
    /// The value the annotation promises with (default `true`).
    #[serde(default = "yes")]
    pub value: bool,
    /// Phrases of the description that promise it, lowercase, matched as whole words.
    #[serde(default)]
    pub phrases: Vec<String>,
    /// Capabilities a tool that keeps the promise does not have: `shell`, `code`,
    /// `filesystem`, `network`, `database` (its inputs reach them) or an effect's capability.
    pub denies: Vec<String>,
}

fn yes() -> bool {
    true
}

pub const LOCK_FILE: &str = "mcp-tools.lock";

/// The checks an inventory rule can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InventoryCheck {
    /// A tool that differs from `mcp-tools.lock`.
    Changed,
    /// One server with a tool that fetches attacker-chosen content and a tool that acts.
    ToxicCombination,
    /// A tool whose annotations or description promise what its code does not keep.
    CapabilityMismatch,
}

/// Reach that lets injected instructions act: run code, or read and write files.
const ACTING: [&str; 3] = ["shell", "code", "filesystem"];

/// A tool that brings outside content in (a URL its caller picks) next to a tool that acts on
/// the machine: `(reader, actor)`, the first such pair in the file.
pub fn toxic_pair(tools: &[Tool]) -> Option<(&Tool, &Tool)> {
    let reader = tools.iter().find(|t| t.capabilities.contains("network"))?;
    let actor = tools.iter().find(|t| {
        !std::ptr::eq(*t, reader) && ACTING.iter().any(|c| t.capabilities.contains(*c))
    })?;
    Some((reader, actor))
}
const LOCK_VERSION: u32 = 1;

/// A promise a tool breaks: what promised it, and what the code does instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokenPromise {
    /// `annotated `readOnlyHint: true`` or `described as "read-only"`.
    pub promise: String,
    /// Set by an annotation (what clients act on), not words of the description.
    pub annotated: bool,
    /// What breaks it: a sentence each, with the call where one is known.
    pub breaches: Vec<Breach>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Breach {
    pub what: String,
    /// The call that does it.
    pub at: Option<ToolEffect>,
}

/// The promises of `claims` that `tool` makes and its code breaks, annotations first.
pub fn broken_promises(tool: &Tool, claims: &[Claim]) -> Vec<BrokenPromise> {
    let description = tool.description.to_lowercase();
    let mut out = Vec::new();
    for claim in claims {
        let Some((promise, annotated)) = promise(tool, &description, claim) else {
            continue;
        };
        let mut breaches = Vec::new();
        for capability in &claim.denies {
            if let Some(effect) = tool.effects.iter().find(|e| &e.capability == capability) {
                breaches.push(Breach {
                    what: does(capability).to_string(),
                    at: Some(effect.clone()),
                });
            } else if tool.capabilities.contains(capability) {
                breaches.push(Breach {
                    what: does(capability).to_string(),
                    at: None,
                });
            }
        }
        if !breaches.is_empty() && !out.iter().any(|b: &BrokenPromise| b.promise == promise) {
            out.push(BrokenPromise {
                promise,
                annotated,
                breaches,
            });
        }
    }
    out.sort_by_key(|b| !b.annotated);
    out
}

/// Whether `tool` makes any of the promises of `claims`.
pub fn promises(tool: &Tool, claims: &[Claim]) -> bool {
    let description = tool.description.to_lowercase();
    claims
        .iter()
        .any(|c| promise(tool, &description, c).is_some())
}

/// How `tool` makes the promise of `claim`, if it does, and whether by annotation;
/// `description` is its description in lowercase.
fn promise(tool: &Tool, description: &str, claim: &Claim) -> Option<(String, bool)> {
    match &claim.annotation {
        Some(name) => (tool.annotations.get(name) == Some(&claim.value))
            .then(|| (format!("annotated `{name}: {}`", claim.value), true)),
        None => claim
            .phrases
            .iter()
            .find(|p| says(description, p))
            .map(|p| (format!("described as \"{p}\""), false)),
    }
}

/// Whether `text` (lowercase) says `phrase` as whole words, not negated (`not read-only`).
fn says(text: &str, phrase: &str) -> bool {
    let mut from = 0;
    while let Some(found) = text.get(from..).and_then(|t| t.find(phrase)) {
        let start = from + found;
        let end = start + phrase.len();
        let before = text.get(..start).unwrap_or("");
        let after = text.get(end..).unwrap_or("");
        let bounded = !before.ends_with(|c: char| c.is_alphanumeric() || c == '-')
            && !after.starts_with(|c: char| c.is_alphanumeric() || c == '-');
        let negated = ["not ", "non-", "never ", "no "]
            .iter()
            .any(|n| before.ends_with(n));
        // "in read-only mode" describes a setting of the server, not what this tool does.
        let a_mode = after.trim_start().starts_with("mode");
        if bounded && !negated && !a_mode {
            return true;
        }
        from = end;
    }
    false
}

/// What a capability means, as a clause: `it writes files`.
fn does(capability: &str) -> &str {
    match capability {
        "shell" => "its input reaches a shell command",
        "code" => "its input reaches code evaluation",
        "filesystem" => "its input chooses a file path",
        "network" => "its input chooses the host of a network request",
        "database" => "its input reaches a database query",
        "deserialization" => "its input reaches a deserializer",
        "file-write" => "it writes files",
        "file-delete" => "it deletes files",
        "process" => "it starts processes",
        other => other,
    }
}

/// One MCP entry point.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Tool {
    /// `tool`, `resource`, `prompt` or `call_tool` (a low-level handler of every tool).
    pub kind: String,
    pub name: String,
    pub path: String,
    pub line: usize,
    /// What the model reads, quotes removed and whitespace collapsed.
    pub description: String,
    /// SHA-256 of the description literals exactly as written.
    pub description_sha256: String,
    pub params: Vec<String>,
    /// What the tool's inputs reach without a check the engine recognises: `shell`, `code`,
    /// `filesystem`, `network`, `database`, `deserialization`.
    pub capabilities: BTreeSet<String>,
    /// The MCP annotations its registration sets (`readOnlyHint`: `true`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, bool>,
    /// What its handler, and the functions of its module the handler calls, do whatever the
    /// inputs (`file-write`): the first call that does each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub effects: Vec<ToolEffect>,
    /// The functions of other project modules its handler calls (as the cross-file pass
    /// names them): where its effects continue.
    #[serde(skip)]
    pub calls_out: Vec<String>,
}

/// A capability a tool's code has whatever its inputs, and the call that gives it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ToolEffect {
    pub capability: String,
    /// The call as written.
    pub callee: String,
    pub line: usize,
    /// The file of the call, when it is not the tool's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// The capability a rule's sink stands for, by its CWE ids.
pub fn capability_of(cwe: &[u32]) -> Option<&'static str> {
    for id in cwe {
        let capability = match id {
            77 | 78 | 88 => "shell",
            94 | 95 => "code",
            22 | 23 | 73 => "filesystem",
            918 => "network",
            89 => "database",
            502 => "deserialization",
            _ => continue,
        };
        return Some(capability);
    }
    None
}

/// The SHA-256 of `text`, in hex.
pub fn sha256_hex(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The lock file: what was reviewed, per tool.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    pub version: u32,
    pub tools: Vec<LockedTool>,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockedTool {
    pub kind: String,
    pub name: String,
    /// Where it was defined when locked (informational: moving a tool is not a change).
    pub path: String,
    pub description_sha256: String,
    pub params: Vec<String>,
    pub capabilities: BTreeSet<String>,
}

impl Lock {
    pub fn of(tools: &[Tool]) -> Lock {
        let mut locked: Vec<LockedTool> = tools
            .iter()
            .map(|t| LockedTool {
                kind: t.kind.clone(),
                name: t.name.clone(),
                path: t.path.clone(),
                description_sha256: t.description_sha256.clone(),
                params: t.params.clone(),
                capabilities: t.capabilities.clone(),
            })
            .collect();
        locked.sort();
        locked.dedup_by(|a, b| a.kind == b.kind && a.name == b.name && a.path == b.path);
        Lock {
            version: LOCK_VERSION,
            tools: locked,
        }
    }

    pub fn to_json(&self) -> String {
        let mut out = serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".into());
        out.push('\n');
        out
    }

    /// Parses a lock file; errors give the line.
    pub fn parse(text: &str) -> Result<Lock, (usize, String)> {
        let lock: Lock = serde_json::from_str(text).map_err(|e| (e.line(), e.to_string()))?;
        if lock.version != LOCK_VERSION {
            return Err((
                1,
                format!(
                    "lock version {} is not {LOCK_VERSION}; regenerate it with `mcpgate tools --lock`",
                    lock.version
                ),
            ));
        }
        Ok(lock)
    }

    /// The locked entry of a tool: the one of its file, else the only one of its name (so a
    /// tool that moved to another file is still recognised).
    pub fn find(&self, tool: &Tool) -> Option<&LockedTool> {
        let same_name = || {
            self.tools
                .iter()
                .filter(|t| t.kind == tool.kind && t.name == tool.name)
        };
        same_name().find(|t| t.path == tool.path).or_else(|| {
            let mut candidates = same_name();
            let only = candidates.next()?;
            candidates.next().is_none().then_some(only)
        })
    }

    /// Whether `locked` is still defined by one of `tools`.
    pub fn still_defined(&self, locked: &LockedTool, tools: &[Tool]) -> bool {
        tools.iter().any(|t| self.find(t) == Some(locked))
    }
}

/// How a tool differs from its locked entry; `None` when it matches.
pub fn drift(tool: &Tool, locked: Option<&LockedTool>) -> Option<String> {
    let Some(locked) = locked else {
        return Some(format!(
            "{} `{}` is not in {LOCK_FILE}: a new entry point the model can call{}; review it and run `mcpgate tools --lock`",
            tool.kind,
            tool.name,
            reach(&tool.capabilities)
        ));
    };
    let mut changes = Vec::new();
    if tool.description_sha256 != locked.description_sha256 {
        changes.push("its description changed".to_string());
    }
    if tool.params != locked.params {
        changes.push(format!(
            "its parameters changed ({} -> {})",
            list(&locked.params),
            list(&tool.params)
        ));
    }
    let gained: Vec<&String> = tool.capabilities.difference(&locked.capabilities).collect();
    if !gained.is_empty() {
        changes.push(format!(
            "its inputs now reach {}",
            gained
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if changes.is_empty() {
        return None;
    }
    Some(format!(
        "{} `{}` differs from {LOCK_FILE}: {}; review what the model is now told and can do, then run `mcpgate tools --lock`",
        tool.kind,
        tool.name,
        changes.join(", ")
    ))
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

fn reach(capabilities: &BTreeSet<String>) -> String {
    if capabilities.is_empty() {
        String::new()
    } else {
        format!(
            " (its inputs reach {})",
            capabilities
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tool() -> Tool {
        Tool {
            kind: "tool".into(),
            name: "read_note".into(),
            path: "server.py".into(),
            line: 3,
            description: "Read a note.".into(),
            description_sha256: sha256_hex("\"Read a note.\""),
            params: vec!["name".into()],
            capabilities: BTreeSet::from(["filesystem".to_string()]),
            annotations: BTreeMap::new(),
            effects: Vec::new(),
            calls_out: Vec::new(),
        }
    }

    #[test]
    fn promises_in_words_are_whole_unnegated_phrases() {
        assert!(says("read-only. lists the budgets", "read-only"));
        assert!(!says("not read-only: it saves", "read-only"));
        assert!(!says(
            "when the server is in read-only mode, it fails",
            "read-only"
        ));
        assert!(!says("spread-only", "read-only"));
    }

    #[test]
    fn drift_names_each_change() {
        let lock = Lock::of(&[tool()]);
        let same = tool();
        assert_eq!(drift(&same, lock.find(&same)), None);
        let mut moved = tool();
        moved.path = "tools/notes.py".into();
        assert_eq!(drift(&moved, lock.find(&moved)), None);
        let mut changed = tool();
        changed.description_sha256 = sha256_hex("\"Read a note. <IMPORTANT>...\"");
        changed.capabilities.insert("shell".into());
        let message = drift(&changed, lock.find(&changed)).unwrap_or_default();
        assert!(message.contains("its description changed"), "{message}");
        assert!(message.contains("now reach `shell`"), "{message}");
        let text = lock.to_json();
        assert_eq!(Lock::parse(&text), Ok(lock));
        assert!(Lock::parse("{\"version\": 9, \"tools\": []}").is_err());
    }
}
