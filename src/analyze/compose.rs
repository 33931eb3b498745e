//! Compose files of MCP servers: services given the host (`privileged`, host namespaces,
//! added capabilities, mounts of the Docker socket, `/`, home or credential directories).
//! The YAML is parsed for structure; positions come from the service's block of lines.

use crate::analyze::FileContext;
use crate::analyze::dockerfile::DockerCheck;
use crate::analyze::mcp_config::checks::{sensitive_mount, volume_source};
use crate::finding::{Finding, Notice, NoticeLevel};
use crate::rules::{Matcher, RuleSet};
use serde_yaml_ng::Value;

/// `compose.yaml`, `docker-compose.yml`, `docker-compose.prod.yaml`.
pub fn is_compose_file(rel_path: &str) -> bool {
    let name = rel_path
        .rsplit('/')
        .next()
        .unwrap_or(rel_path)
        .to_ascii_lowercase();
    let yaml = name.ends_with(".yml") || name.ends_with(".yaml");
    yaml && (name.starts_with("docker-compose") || name.starts_with("compose."))
}

pub fn scan(ctx: &FileContext<'_>, rules: &RuleSet) -> (Vec<Finding>, Vec<Notice>) {
    let Some(rule) = rules.rules().iter().find(|r| {
        matches!(&r.matcher, Matcher::Dockerfile(m) if m.check == DockerCheck::ComposeHostAccess)
    }) else {
        return (Vec::new(), Vec::new());
    };
    if ctx.text.trim().is_empty() {
        return (Vec::new(), Vec::new());
    }
    let fail = |reason: String| {
        (
            Vec::new(),
            vec![Notice::new(
                crate::finding::NoticeCode::ParseFailed,
                ctx.rel_path,
                NoticeLevel::Error,
                format!("cannot read as a compose file: {reason}"),
            )],
        )
    };
    let root: Value = match crate::yaml::from_yaml(ctx.text) {
        Ok(v) => v,
        Err(e) => {
            let at = e.line.map(|l| format!("line {l}: ")).unwrap_or_default();
            return fail(format!("{at}{}", e.reason));
        }
    };
    let Some(services) = root.get("services").and_then(Value::as_mapping) else {
        return (Vec::new(), Vec::new());
    };
    let blocks = service_blocks(ctx.text);
    let mut findings = Vec::new();
    for (name, service) in services {
        let Some(name) = name.as_str() else { continue };
        let Some(&(first, last)) = blocks.iter().find(|(n, _)| n == name).map(|(_, b)| b) else {
            continue;
        };
        let mut report = |needle: &str, what: String| {
            let row = (first..=last)
                .find(|&r| ctx.line(r).contains(needle))
                .unwrap_or(first);
            let message = format!(
                "service `{name}` runs with {what}: a tool call that goes wrong now reaches the host"
            );
            findings.push(ctx.finding(rule, ctx.line_span(row), message));
        };
        if service.get("privileged").and_then(Value::as_bool) == Some(true) {
            report(
                "privileged",
                "`privileged: true` (every device and capability)".into(),
            );
        }
        for key in ["network_mode", "pid", "ipc"] {
            if service.get(key).and_then(Value::as_str) == Some("host") {
                report(key, format!("`{key}: host`"));
            }
        }
        if let Some(caps) = service.get("cap_add").and_then(Value::as_sequence)
            && !caps.is_empty()
        {
            let names: Vec<&str> = caps.iter().filter_map(Value::as_str).collect();
            report(
                "cap_add",
                format!("added capabilities ({})", names.join(", ")),
            );
        }
        for volume in service
            .get("volumes")
            .and_then(Value::as_sequence)
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            let (source, shown) = match volume {
                Value::String(spec) => (volume_source(spec).to_string(), spec.clone()),
                Value::Mapping(_) => {
                    let bind = volume.get("type").and_then(Value::as_str) == Some("bind");
                    let source = volume
                        .get("source")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string();
                    if !bind {
                        continue;
                    }
                    (source.clone(), source)
                }
                _ => continue,
            };
            if let Some(what) = sensitive_mount(&source) {
                report(&source, format!("{what} mounted (`{shown}`)"));
            }
        }
    }
    (findings, Vec::new())
}

/// Each service's name and its block of rows (0-based, inclusive), from the indentation of
/// the `services:` mapping.
fn service_blocks(text: &str) -> Vec<(String, (usize, usize))> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<(String, (usize, usize))> = Vec::new();
    let mut in_services = false;
    let mut indent: Option<usize> = None;
    for (row, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let depth = line.len() - trimmed.len();
        if depth == 0 {
            in_services = trimmed.trim_end() == "services:";
            if let Some(last) = out.last_mut()
                && last.1.1 + 1 >= row
            {
                last.1.1 = row.saturating_sub(1);
            }
            continue;
        }
        if !in_services {
            continue;
        }
        let level = *indent.get_or_insert(depth);
        if depth == level && trimmed.trim_end().ends_with(':') {
            let name = trimmed
                .trim_end()
                .trim_end_matches(':')
                .trim_matches(|c| c == '"' || c == '\'')
                .to_string();
            out.push((name, (row, row)));
        } else if let Some(last) = out.last_mut() {
            last.1.1 = row;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_names_and_blocks() {
        assert!(is_compose_file("deploy/docker-compose.prod.yml"));
        assert!(is_compose_file("compose.yaml"));
        assert!(!is_compose_file("composer.json"));
        let text = "services:\n  a:\n    image: x\n  b:\n    image: y\n    privileged: true\nvolumes: {}\n";
        assert_eq!(
            service_blocks(text),
            vec![("a".to_string(), (1, 2)), ("b".to_string(), (3, 5))]
        );
    }
}
