//! The servers of a client configuration, with the byte range of every value.
//!
//! Formats: `mcpServers` (Claude Desktop, Cursor, Windsurf, Cline, Roo, Gemini CLI,
//! `.mcp.json`), `servers` (VS Code's `mcp.json`) and `mcp.servers` (its `settings.json`),
//! `context_servers` (Zed: `command` as a string, or an object with `path`/`args`/`env`).

use jsonc_parser::ast::{Object, Value};
use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};

/// A string value and where it is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Spanned {
    pub value: String,
    pub start: usize,
    pub end: usize,
}

/// One configured server.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Server {
    pub name: Spanned,
    pub command: Option<Spanned>,
    pub args: Vec<Spanned>,
    /// `env` entries: (key, value).
    pub env: Vec<(Spanned, Spanned)>,
    pub headers: Vec<(Spanned, Spanned)>,
    pub url: Option<Spanned>,
    /// `autoApprove` / `alwaysAllow` entries.
    pub auto_approve: Vec<Spanned>,
}

#[derive(Debug)]
pub struct ConfigError {
    pub line: Option<usize>,
    pub reason: String,
}

/// Continue's YAML (`.continue/config.yaml`, `.continue/mcpServers/*.yaml`): `mcpServers`
/// as a list of `{ name, command, args, env }`. The YAML parser gives no positions, so each
/// value is found in the text after the previous one (values appear in document order).
pub fn yaml_servers(text: &str) -> Result<Vec<Server>, ConfigError> {
    let root: serde_yaml_ng::Value = crate::yaml::from_yaml(text).map_err(|e| ConfigError {
        line: e.line,
        reason: e.reason,
    })?;
    let Some(list) = root.get("mcpServers").and_then(|v| v.as_sequence()) else {
        return Ok(Vec::new());
    };
    let mut cursor = 0;
    let mut find = |value: &str| -> Spanned {
        let at = text
            .get(cursor..)
            .and_then(|rest| rest.find(value))
            .map_or(cursor, |i| cursor + i);
        cursor = at + value.len();
        Spanned {
            value: value.to_string(),
            start: at,
            end: at + value.len(),
        }
    };
    let mut out = Vec::new();
    for entry in list {
        let text_of = |key: &str| entry.get(key).and_then(|v| v.as_str());
        let name = find(text_of("name").unwrap_or(""));
        let command = text_of("command").map(&mut find);
        let args = entry
            .get("args")
            .and_then(|a| a.as_sequence())
            .map(|a| a.iter().filter_map(|v| v.as_str()).map(&mut find).collect())
            .unwrap_or_default();
        let mut env = Vec::new();
        if let Some(map) = entry.get("env").and_then(|e| e.as_mapping()) {
            for (k, v) in map {
                if let (Some(k), Some(v)) = (k.as_str(), v.as_str()) {
                    let key = find(k);
                    env.push((key, find(v)));
                }
            }
        }
        let url = text_of("url").map(&mut find);
        out.push(Server {
            name,
            command,
            args,
            env,
            url,
            ..Server::default()
        });
    }
    Ok(out)
}

/// `smithery.yaml`: the launch `startCommand.commandFunction` returns, a JavaScript arrow
/// function in the YAML (`(config) => ({ command: 'npx', args: [...], env: {...} })`). Its
/// string literals are read where they stand in the file.
pub fn smithery_server(text: &str) -> Result<Option<Server>, ConfigError> {
    let root: serde_yaml_ng::Value = crate::yaml::from_yaml(text).map_err(|e| ConfigError {
        line: e.line,
        reason: e.reason,
    })?;
    let Some(function) = root
        .get("startCommand")
        .and_then(|s| s.get("commandFunction"))
        .and_then(|f| f.as_str())
    else {
        return Ok(None);
    };
    // The block scalar's first line locates the function in the file.
    let first_line = function.lines().next().unwrap_or("").trim();
    let Some(base) = text.find(first_line).filter(|_| !first_line.is_empty()) else {
        return Ok(None);
    };
    let body = text.get(base..).unwrap_or("");
    let literal = |from: usize| -> Option<Spanned> {
        let rest = body.get(from..)?;
        let open = rest.find(['\'', '"', '`'])?;
        let quote = rest[open..].chars().next()?;
        let close = rest[open + 1..].find(quote)?;
        let start = base + from + open + 1;
        Some(Spanned {
            value: rest[open + 1..open + 1 + close].to_string(),
            start,
            end: start + close,
        })
    };
    let mut server = Server {
        name: Spanned {
            value: "smithery".into(),
            start: base,
            end: base + first_line.len(),
        },
        ..Server::default()
    };
    if let Some(at) = body.find("command:") {
        server.command = literal(at + "command:".len());
    }
    if let Some(at) = body.find("args:")
        && let Some(close) = body[at..].find(']')
    {
        let mut from = at + "args:".len();
        while let Some(arg) = literal(from).filter(|a| a.start < base + at + close) {
            from = arg.end - base + 1;
            server.args.push(arg);
        }
    }
    Ok(Some(server))
}

/// The top-level object of a JSON(C) text; `None` when the top level is something else.
fn root_object(text: &str) -> Result<Option<Object<'_>>, ConfigError> {
    let parsed =
        parse_to_ast(text, &CollectOptions::default(), &ParseOptions::default()).map_err(|e| {
            ConfigError {
                line: Some(crate::error::line_of_offset(text, e.range().start)),
                reason: e.kind().to_string(),
            }
        })?;
    Ok(match parsed.value {
        Some(Value::Object(root)) => Some(root),
        _ => None,
    })
}

pub fn servers(text: &str) -> Result<Vec<Server>, ConfigError> {
    let Some(root) = root_object(text)? else {
        return Err(ConfigError {
            line: Some(1),
            reason: "the top level is not an object".into(),
        });
    };
    let mut out = Vec::new();
    let mut tables: Vec<&Object<'_>> = Vec::new();
    for key in ["mcpServers", "servers", "context_servers"] {
        if let Some(Value::Object(o)) = root.get(key).map(|p| &p.value) {
            tables.push(o);
        }
    }
    if let Some(Value::Object(mcp)) = root.get("mcp").map(|p| &p.value)
        && let Some(Value::Object(o)) = mcp.get("servers").map(|p| &p.value)
    {
        tables.push(o);
    }
    for table in tables {
        for prop in &table.properties {
            let Value::Object(entry) = &prop.value else {
                continue;
            };
            let name = Spanned {
                value: prop.name.as_str().to_string(),
                start: prop.range.start,
                end: prop.range.start + prop.name.as_str().len() + 2,
            };
            out.push(server_entry(name, entry));
        }
    }
    Ok(out)
}

/// A desktop extension (`.dxt`/`.mcpb`) manifest: the server it launches and the tool and
/// prompt descriptions it declares statically.
#[derive(Debug, Default)]
pub struct Manifest {
    pub server: Option<Server>,
    /// (owner, the string literal with its quotes).
    pub descriptions: Vec<(String, Spanned)>,
}

/// `Ok(None)` when the JSON is not an extension manifest (a web app's `manifest.json`).
pub fn manifest(text: &str) -> Result<Option<Manifest>, ConfigError> {
    let Some(root) = root_object(text)? else {
        return Ok(None);
    };
    let marked = ["dxt_version", "mcpb_version", "manifest_version"]
        .iter()
        .any(|k| root.get(k).is_some());
    let server = root.get("server").map(|p| &p.value);
    let mcp_config = match server {
        Some(Value::Object(o)) => o.get("mcp_config").map(|p| &p.value),
        _ => None,
    };
    if !marked || (mcp_config.is_none() && root.get("tools").is_none()) {
        return Ok(None);
    }
    let name = root
        .get("name")
        .and_then(|p| string(&p.value))
        .unwrap_or_default();
    let mut out = Manifest::default();
    if let Some(Value::Object(config)) = mcp_config {
        out.server = Some(server_entry(name.clone(), config));
    }
    for list in ["tools", "prompts"] {
        let Some(Value::Array(items)) = root.get(list).map(|p| &p.value) else {
            continue;
        };
        for item in &items.elements {
            let Value::Object(o) = item else { continue };
            let owner = o
                .get("name")
                .and_then(|p| string(&p.value))
                .map_or_else(|| name.value.clone(), |n| n.value);
            for key in ["description", "text"] {
                if let Some(lit) = o.get(key).and_then(|p| string(&p.value)) {
                    out.descriptions.push((owner.clone(), lit));
                }
            }
        }
    }
    Ok(Some(out))
}

/// An MCP registry `server.json`: each package becomes the launch a client would run
/// (`npx identifier@version`, `uvx identifier==version`, `docker run image:version`), each
/// remote a URL server. `Ok(None)` for a `server.json` that is not the registry's.
pub fn registry_servers(text: &str) -> Result<Option<Vec<Server>>, ConfigError> {
    let Some(root) = root_object(text)? else {
        return Ok(None);
    };
    let schema = root
        .get("$schema")
        .and_then(|p| string(&p.value))
        .is_some_and(|s| s.value.contains("modelcontextprotocol"));
    if !schema && root.get("packages").is_none() && root.get("remotes").is_none() {
        return Ok(None);
    }
    let name = root
        .get("name")
        .and_then(|p| string(&p.value))
        .unwrap_or_default();
    let mut out = Vec::new();
    if let Some(Value::Array(packages)) = root.get("packages").map(|p| &p.value) {
        for package in &packages.elements {
            let Value::Object(p) = package else { continue };
            let get = |k: &str| p.get(k).and_then(|x| string(&x.value));
            let Some(identifier) = get("identifier") else {
                continue;
            };
            let version = get("version").map(|v| v.value).unwrap_or_default();
            let registry = get("registryType")
                .or_else(|| get("registry_type"))
                .map(|r| r.value.to_ascii_lowercase())
                .unwrap_or_default();
            let (command, spec) = match registry.as_str() {
                "npm" => ("npx", versioned(&identifier.value, "@", &version)),
                "pypi" => ("uvx", versioned(&identifier.value, "==", &version)),
                "oci" | "docker" => ("docker", versioned(&identifier.value, ":", &version)),
                _ => continue,
            };
            let mut args = Vec::new();
            if command == "docker" {
                args.push(Spanned {
                    value: "run".into(),
                    ..identifier.clone()
                });
            }
            args.push(Spanned {
                value: spec,
                ..identifier.clone()
            });
            out.push(Server {
                name: name.clone(),
                command: Some(Spanned {
                    value: command.into(),
                    ..identifier.clone()
                }),
                args,
                env: named_values(p.get("environmentVariables").map(|x| &x.value)),
                ..Server::default()
            });
        }
    }
    if let Some(Value::Array(remotes)) = root.get("remotes").map(|p| &p.value) {
        for remote in &remotes.elements {
            let Value::Object(r) = remote else { continue };
            out.push(Server {
                name: name.clone(),
                url: r.get("url").and_then(|x| string(&x.value)),
                headers: named_values(r.get("headers").map(|x| &x.value)),
                ..Server::default()
            });
        }
    }
    Ok(Some(out))
}

/// `identifier` with its version joined the ecosystem's way; without a version, as it is.
fn versioned(identifier: &str, separator: &str, version: &str) -> String {
    if version.is_empty() {
        identifier.to_string()
    } else {
        format!("{identifier}{separator}{version}")
    }
}

/// `[{ "name": "API_KEY", "value": "..." }]` (registry environment variables and headers):
/// the literal `value` or `default` of each.
fn named_values(value: Option<&Value<'_>>) -> Vec<(Spanned, Spanned)> {
    let Some(Value::Array(items)) = value else {
        return Vec::new();
    };
    items
        .elements
        .iter()
        .filter_map(|item| {
            let Value::Object(o) = item else { return None };
            let name = o.get("name").and_then(|p| string(&p.value))?;
            let value = o
                .get("value")
                .or_else(|| o.get("default"))
                .and_then(|p| string(&p.value))?;
            Some((name, value))
        })
        .collect()
}

fn string(value: &Value<'_>) -> Option<Spanned> {
    match value {
        Value::StringLit(s) => Some(Spanned {
            value: s.value.to_string(),
            start: s.range.start,
            end: s.range.end,
        }),
        _ => None,
    }
}

fn strings(value: Option<&Value<'_>>) -> Vec<Spanned> {
    match value {
        Some(Value::Array(a)) => a.elements.iter().filter_map(string).collect(),
        _ => Vec::new(),
    }
}

fn pairs(value: Option<&Value<'_>>) -> Vec<(Spanned, Spanned)> {
    let Some(Value::Object(o)) = value else {
        return Vec::new();
    };
    o.properties
        .iter()
        .filter_map(|p| {
            let value = string(&p.value)?;
            let key = Spanned {
                value: p.name.as_str().to_string(),
                start: p.range.start,
                end: value.start,
            };
            Some((key, value))
        })
        .collect()
}

fn server_entry(name: Spanned, entry: &Object<'_>) -> Server {
    let get = |key: &str| entry.get(key).map(|p| &p.value);
    let mut server = Server {
        name,
        command: get("command").and_then(string),
        args: strings(get("args")),
        env: pairs(get("env")),
        headers: pairs(get("headers")),
        url: get("url")
            .or_else(|| get("serverUrl"))
            .or_else(|| get("httpUrl"))
            .and_then(string),
        auto_approve: strings(get("autoApprove")),
    };
    server.auto_approve.extend(strings(get("alwaysAllow")));
    // Zed: `"command": { "path": ..., "args": [...], "env": {...} }`.
    if let Some(Value::Object(command)) = get("command") {
        let inner = |key: &str| command.get(key).map(|p| &p.value);
        server.command = inner("path").and_then(string);
        server.args = strings(inner("args"));
        server.env = pairs(inner("env"));
    }
    server
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_jsonc() {
        let text = r#"{
  // Claude Desktop
  "mcpServers": {
    "fs": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/"], },
  },
  "context_servers": { "zed": { "command": { "path": "uvx", "args": ["x"], "env": { "K": "v" } } } },
  "mcp": { "servers": { "remote": { "type": "http", "url": "http://example.org/mcp" } } },
}"#;
        let servers = servers(text).unwrap_or_default();
        let names: Vec<&str> = servers.iter().map(|s| s.name.value.as_str()).collect();
        assert_eq!(names, vec!["fs", "zed", "remote"]);
        assert_eq!(servers[0].args.len(), 3);
        assert_eq!(
            &text[servers[0].args[2].start..servers[0].args[2].end],
            "\"/\""
        );
        assert_eq!(
            servers[1].command.as_ref().map(|c| c.value.as_str()),
            Some("uvx")
        );
        assert_eq!(servers[1].env[0].1.value, "v");
        assert_eq!(
            servers[2].url.as_ref().map(|u| u.value.as_str()),
            Some("http://example.org/mcp")
        );
        assert!(super::servers("{ \"mcpServers\": { ").is_err());
        assert!(super::servers("[1]").is_err());
    }
}
