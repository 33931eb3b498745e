//! MCP client configuration files (Claude Desktop, Cursor, VS Code, Windsurf, Cline, Roo,
//! Zed, Gemini CLI and the project-level `.mcp.json`): which files they are, the servers they
//! launch or connect to, and the checks on each server. JSON with comments and trailing
//! commas is accepted wherever a client accepts it; positions come from the parser, so every
//! finding points at the value it is about.

pub(crate) mod checks;
mod model;

pub use checks::ConfigCheck;
pub use model::{Server, Spanned};

use crate::analyze::FileContext;
use crate::finding::{Finding, Notice, NoticeLevel};
use crate::rules::{Matcher, RuleSet};

/// Whether `rel_path` names a client configuration file mcpgate reads.
pub fn is_client_config(rel_path: &str) -> bool {
    let mut parts = rel_path.rsplit('/');
    let name = parts.next().unwrap_or("");
    let parent = parts.next().unwrap_or("");
    match name {
        "claude_desktop_config.json"
        | "mcp.json"
        | ".mcp.json"
        | "mcp_config.json"
        | "mcp_settings.json"
        | "cline_mcp_settings.json" => true,
        "settings.json" => matches!(parent, ".zed" | ".gemini" | ".vscode"),
        _ => is_continue_config(rel_path) || is_smithery(rel_path),
    }
}

/// Smithery's deployment file.
fn is_smithery(rel_path: &str) -> bool {
    matches!(
        rel_path.rsplit('/').next(),
        Some("smithery.yaml" | "smithery.yml")
    )
}

/// Continue's `.continue/config.yaml` and `.continue/mcpServers/*.yaml`.
fn is_continue_config(rel_path: &str) -> bool {
    let yaml = rel_path.ends_with(".yaml") || rel_path.ends_with(".yml");
    yaml && (rel_path.contains(".continue/mcpServers/")
        || rel_path.ends_with(".continue/config.yaml"))
}

/// Whether `rel_path` may be a desktop extension manifest (`.dxt`/`.mcpb`) or an MCP
/// registry `server.json`; its content decides.
pub fn is_extension_manifest(rel_path: &str) -> bool {
    matches!(
        rel_path.rsplit('/').next(),
        Some("manifest.json" | "server.json")
    )
}

/// One problem in a configuration file, before it becomes a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigHit {
    pub check: ConfigCheck,
    /// Byte range of the value the finding is about.
    pub start: usize,
    pub end: usize,
    pub message: String,
    /// A literal secret in the range: shown redacted in the snippet.
    pub secret: Option<String>,
}

/// Checks a desktop extension manifest: its server like a client's, its declared tool and
/// prompt descriptions with the tool-description rules. Other `manifest.json` files are not
/// read; a broken one that says it is an extension is an error notice.
pub fn scan_manifest(ctx: &FileContext<'_>, rules: &RuleSet) -> (Vec<Finding>, Vec<Notice>) {
    if ctx.rel_path.rsplit('/').next() == Some("server.json") {
        return match model::registry_servers(ctx.text) {
            Ok(Some(servers)) => (server_findings(ctx, rules, &servers), Vec::new()),
            Ok(None) => (Vec::new(), Vec::new()),
            Err(e) if ctx.text.contains("modelcontextprotocol") => {
                let at = e.line.map(|l| format!("line {l}: ")).unwrap_or_default();
                (
                    Vec::new(),
                    vec![Notice::new(
                        crate::finding::NoticeCode::ParseFailed,
                        ctx.rel_path,
                        NoticeLevel::Error,
                        format!(
                            "cannot read as an MCP registry server.json: {at}{}",
                            e.reason
                        ),
                    )],
                )
            }
            Err(_) => (Vec::new(), Vec::new()),
        };
    }
    let manifest = match model::manifest(ctx.text) {
        Ok(Some(m)) => m,
        Ok(None) => return (Vec::new(), Vec::new()),
        Err(e) => {
            let ours = ["dxt_version", "mcpb_version"]
                .iter()
                .any(|k| ctx.text.contains(k));
            if !ours {
                return (Vec::new(), Vec::new());
            }
            let at = e.line.map(|l| format!("line {l}: ")).unwrap_or_default();
            return (
                Vec::new(),
                vec![Notice::new(
                    crate::finding::NoticeCode::ParseFailed,
                    ctx.rel_path,
                    NoticeLevel::Error,
                    format!("cannot read as an MCP extension manifest: {at}{}", e.reason),
                )],
            );
        }
    };
    let descriptions: Vec<crate::analyze::source::Description> = manifest
        .descriptions
        .iter()
        .map(|(owner, lit)| {
            // The JSON string's content, quotes left out and escapes as written.
            let start = lit.start + 1;
            let end = lit.end.saturating_sub(1).max(start);
            crate::analyze::source::Description::literal(
                owner,
                crate::rules::TextKind::Description,
                start,
                ctx.text.get(start..end).unwrap_or(""),
            )
        })
        .collect();
    let mut findings =
        crate::analyze::source::description_findings(ctx, rules, &descriptions, None);
    if let Some(server) = &manifest.server {
        findings.extend(server_findings(ctx, rules, std::slice::from_ref(server)));
    }
    (findings, Vec::new())
}

fn server_findings(ctx: &FileContext<'_>, rules: &RuleSet, servers: &[Server]) -> Vec<Finding> {
    let wanted: Vec<(ConfigCheck, &crate::rules::Rule)> = rules
        .rules()
        .iter()
        .filter_map(|r| match &r.matcher {
            Matcher::McpConfig(m) => Some((m.check, r)),
            _ => None,
        })
        .collect();
    let mut findings = Vec::new();
    for server in servers {
        for hit in checks::check(server) {
            let Some((_, rule)) = wanted.iter().find(|(c, _)| *c == hit.check) else {
                continue;
            };
            let span = ctx.span_of_bytes(hit.start, hit.end);
            findings.push(ctx.finding_redacting(rule, span, hit.message, hit.secret.as_deref()));
        }
    }
    findings
}

/// Checks one client configuration file. A file that does not parse is an error notice.
pub fn scan(ctx: &FileContext<'_>, rules: &RuleSet) -> (Vec<Finding>, Vec<Notice>) {
    if !rules.has_mcp_config_rules() || ctx.text.trim().is_empty() {
        return (Vec::new(), Vec::new());
    }
    let parsed = if is_continue_config(ctx.rel_path) {
        model::yaml_servers(ctx.text)
    } else if is_smithery(ctx.rel_path) {
        model::smithery_server(ctx.text).map(|s| s.into_iter().collect())
    } else {
        model::servers(ctx.text)
    };
    let servers = match parsed {
        Ok(servers) => servers,
        Err(e) => {
            let at = e.line.map(|l| format!("line {l}: ")).unwrap_or_default();
            return (
                Vec::new(),
                vec![Notice::new(
                    crate::finding::NoticeCode::ParseFailed,
                    ctx.rel_path,
                    NoticeLevel::Error,
                    format!(
                        "cannot read as an MCP client configuration: {at}{}",
                        e.reason
                    ),
                )],
            );
        }
    };
    (server_findings(ctx, rules, &servers), Vec::new())
}
