//! `mcpgate rules list` and `mcpgate rules show ID`.

use super::args::{RulesFormat, RulesListArgs, RulesShowArgs};
use crate::report::printable;
use crate::rules::{RuleSet, index_markdown};
use serde::Serialize;

pub fn list(args: &RulesListArgs) -> Result<u8, String> {
    let set = RuleSet::builtin_and(&args.rules).map_err(|e| e.to_string())?;
    let out = match args.format {
        RulesFormat::Markdown => index_markdown(&set),
        RulesFormat::Json => {
            #[derive(Serialize)]
            struct Row<'a> {
                id: &'a str,
                title: &'a str,
                severity: &'a str,
                confidence: &'a str,
                cwe: &'a [u32],
                languages: Vec<&'a str>,
                origin: &'a str,
            }
            let rows: Vec<Row<'_>> = set
                .rules()
                .iter()
                .map(|r| Row {
                    id: &r.id,
                    title: &r.title,
                    severity: r.severity.as_str(),
                    confidence: r.confidence.as_str(),
                    cwe: &r.cwe,
                    languages: r.languages.iter().map(|l| l.as_str()).collect(),
                    origin: &r.origin,
                })
                .collect();
            serde_json::to_string_pretty(&rows).map_err(|e| e.to_string())?
        }
        RulesFormat::Text => {
            let width = set.rules().iter().map(|r| r.id.len()).max().unwrap_or(2);
            let mut out = format!(
                "{:<width$}  {:<8}  {:<10}  {:<16}  title\n",
                "id", "severity", "confidence", "cwe"
            );
            for r in set.rules() {
                let cwe: Vec<String> = r.cwe.iter().map(|c| format!("CWE-{c}")).collect();
                out.push_str(&format!(
                    "{:<width$}  {:<8}  {:<10}  {:<16}  {}\n",
                    r.id,
                    r.severity.as_str(),
                    r.confidence.as_str(),
                    cwe.join(","),
                    printable(&r.title)
                ));
            }
            out.push_str(&format!("{} rules\n", set.rules().len()));
            out
        }
    };
    print!("{out}");
    if !out.ends_with('\n') {
        println!();
    }
    Ok(0)
}

pub fn show(args: &RulesShowArgs) -> Result<u8, String> {
    let set = RuleSet::builtin_and(&args.rules).map_err(|e| e.to_string())?;
    let rule = set.get(&args.id).ok_or_else(|| {
        format!(
            "unknown rule `{}`; `mcpgate rules list` shows the ids",
            printable(&args.id)
        )
    })?;
    let cwe: Vec<String> = rule.cwe.iter().map(|c| format!("CWE-{c}")).collect();
    let langs: Vec<&str> = rule.languages.iter().map(|l| l.as_str()).collect();
    let mut out = format!(
        "{id}: {title}\n\nseverity {sev} · confidence {conf} · {cwe} · {langs}\n{summary}\ndefined in: {origin}\n\n",
        id = rule.id,
        title = rule.title,
        sev = rule.severity,
        conf = rule.confidence,
        cwe = cwe.join(", "),
        langs = langs.join(", "),
        summary = rule.match_summary(),
        origin = rule.origin,
    );
    out.push_str(&format!("What\n  {}\n\n", indent(&rule.docs.what)));
    out.push_str(&format!("Why\n  {}\n\n", indent(&rule.docs.why)));
    out.push_str(&format!("Fix\n  {}\n", indent(&rule.docs.fix)));
    if !rule.docs.references.is_empty() {
        out.push_str("\nReferences\n");
        for r in &rule.docs.references {
            out.push_str(&format!("  - {r}\n"));
        }
    }
    for bad in &rule.examples.bad {
        out.push_str(&format!("\nFlagged\n  {}\n", indent(bad)));
    }
    for good in &rule.examples.good {
        out.push_str(&format!("\nNot flagged\n  {}\n", indent(good)));
    }
    print!("{}", printable_block(&out));
    Ok(0)
}

fn indent(text: &str) -> String {
    text.trim_end().replace('\n', "\n  ")
}

/// Rule files may come from a user's directory; keep line breaks, escape other controls.
fn printable_block(text: &str) -> String {
    text.split('\n')
        .map(printable)
        .collect::<Vec<_>>()
        .join("\n")
}
