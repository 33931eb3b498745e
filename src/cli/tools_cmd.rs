//! `mcpgate tools`: the inventory of MCP entry points, and `--lock` to snapshot it.

use super::args::{RulesFormat, ToolsArgs};
use crate::config::Config;
use crate::deps::AuditOptions;
use crate::rules::RuleSet;
use crate::scan::{ScanOptions, scan, scan_root};
use crate::tools::{LOCK_FILE, Lock, Tool};
use std::fmt::Write as _;

pub fn run(args: &ToolsArgs) -> Result<u8, String> {
    let root = scan_root(&args.paths, None).map_err(|e| e.to_string())?;
    let config = Config::discover(&root).map_err(|e| e.to_string())?;
    let rules = RuleSet::builtin_and(&config.rules).map_err(|e| e.to_string())?;
    let mut exclude = config.exclude.clone();
    exclude.extend(args.exclude.iter().cloned());
    let options = ScanOptions {
        paths: args.paths.clone(),
        exclude,
        default_excludes: config.default_excludes.unwrap_or(true),
        // The inventory reads source only; it needs no advisories.
        audit: AuditOptions {
            advisories: false,
            ..AuditOptions::default()
        },
        keep_tools: true,
        include_tests: config.include_tests.unwrap_or(false),
        ..ScanOptions::default()
    };
    let report = scan(&options, &rules).map_err(|e| e.to_string())?;
    let tools = &report.tools;
    if args.lock {
        let path = root.join(LOCK_FILE);
        // The lock lives in the scanned tree, where a planted link could redirect the write.
        crate::output_file::write(
            &path,
            Lock::of(tools)
                .knowing(rules.effect_capabilities())
                .to_json()
                .as_bytes(),
            &root,
        )
        .map_err(|e| e.to_string())?;
        eprintln!(
            "mcpgate: wrote {} ({} entries); commit it, and scans will flag tools that differ",
            path.display(),
            tools.len()
        );
    }
    let out = match args.format {
        RulesFormat::Json => {
            let mut s = serde_json::to_string_pretty(&serde_json::json!({ "tools": tools }))
                .map_err(|e| e.to_string())?;
            s.push('\n');
            s
        }
        RulesFormat::Text | RulesFormat::Markdown => text(tools),
    };
    print!("{out}");
    for n in &report.notices {
        eprintln!(
            "{}: {}: {}",
            n.level.as_str(),
            crate::report::printable(&n.path),
            crate::report::printable(&n.reason)
        );
    }
    Ok(0)
}

fn text(tools: &[Tool]) -> String {
    let mut out = String::new();
    for t in tools {
        let reach = if t.capabilities.is_empty() {
            String::new()
        } else {
            format!(
                "  reaches: {}",
                t.capabilities
                    .iter()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let _ = writeln!(
            out,
            "{}:{}  {}  {}({}){reach}",
            t.path,
            t.line,
            t.kind,
            t.name,
            t.params.join(", ")
        );
        if !t.description.is_empty() {
            let shown: String = t.description.chars().take(160).collect();
            let more = if t.description.chars().count() > 160 {
                "…"
            } else {
                ""
            };
            let _ = writeln!(out, "    {shown}{more}");
        }
    }
    let count = |kind: &str| tools.iter().filter(|t| t.kind == kind).count();
    let files: std::collections::BTreeSet<&str> = tools.iter().map(|t| t.path.as_str()).collect();
    let _ = writeln!(
        out,
        "{} tools, {} resources, {} prompts in {} files",
        count("tool") + count("call_tool"),
        count("resource"),
        count("prompt"),
        files.len()
    );
    out
}
