//! Renders `rules/README.md` from the rule files, so the documentation cannot drift from the
//! rules. A test fails when the committed file differs (`MCPGATE_BLESS=1 cargo test` rewrites it).

use super::RuleSet;
use std::fmt::Write;

pub fn index_markdown(set: &RuleSet) -> String {
    let mut out = String::new();
    out.push_str(
        "<!-- Generated from the rule files by `MCPGATE_BLESS=1 cargo test`; do not edit. -->\n\
         # mcpgate rules\n\n\
         One TOML file per rule, under `rules/<group>/<id>.toml`. Each carries its id, title,\n\
         severity, confidence, CWE ids, languages, the `[match]` spec, the finding `message`,\n\
         `[docs]` (what, why, fix, references) and `[examples]` (`bad` snippets must fire,\n\
         `good` snippets must stay silent: they are the rule's tests). `mcpgate rules show ID`\n\
         prints a rule's docs; `--rules DIR` adds rule files of the same format.\n\n\
         ## The `call` matcher\n\n\
         `callees` are canonical names after import resolution (`import subprocess as sp;\n\
         sp.run(...)` is `subprocess.run`; builtins are bare names such as `eval`). Each\n\
         `[[match.args]]` condition finds an argument by `keyword` or 0-based `position` and\n\
         requires `is = \"true\" | \"false\" | \"dynamic\" | \"present\"`, or fires when the\n\
         argument is missing or `not_one_of` the listed names. `dynamic` means not a constant:\n\
         an f-string with a placeholder, a variable, a call. `sanitizers` name calls that make\n\
         a value safe for the rule (`shlex.quote` for shell commands). The pseudo-callee `<return>`\n\
         is what an MCP entry point returns to the model, as argument 0. A `receiver = true`\n\
         condition is about the object of a method call (`cur` in `cur.execute(q)`) and holds\n\
         for plain function calls. In TypeScript and JavaScript the properties of an object\n\
         literal argument are keywords (`shell` in `spawn(cmd, args, { shell: true })`), and\n\
         `is = \"not-string\"` holds for a missing argument, a number or a function. A rule\n\
         skips files whose text contains one of `unless_file_mentions`, and applies only to\n\
         files that contain one of `only_if_file_mentions` when that list is given.\n\n\
         ## How findings are graded\n\n\
         Rules with an `is = \"dynamic\"` condition follow the value into the call. Parameters\n\
         of MCP entry points (`@x.tool()`, `@x.resource(...)`, `@x.prompt()`,\n\
         `@x.call_tool()`, functions passed to `x.add_tool`) are the sources; taint flows through\n\
         assignments, f-strings, `+`, `%`, `.format`, `join`, containers, attributes, items,\n\
         loops and `with` targets, and through helper functions of the same file.\n\n\
         | where the value comes from | severity | confidence |\n\
         |---|---|---|\n\
         | a parameter of an MCP entry point | the rule's | high |\n\
         | a parameter of a public function | one level lower | medium |\n\
         | computed, not traced to a parameter | one level lower | low |\n\
         | a constant, a number, a sanitized value | no finding | |\n\n\
         Parameters typed `int`, `float`, `bool` or `Literal[...]`, and the injected\n\
         `ctx: Context`, are not sources. Rules without a `dynamic` condition (such as\n\
         `verify=False`) report at their own severity and confidence.\n\n",
    );
    let _ = writeln!(out, "## Index ({} rules)\n", set.rules().len());
    out.push_str("| id | title | severity | confidence | CWE | languages |\n");
    out.push_str("|---|---|---|---|---|---|\n");
    for rule in set.rules() {
        let cwe: Vec<String> = rule.cwe.iter().map(|c| format!("CWE-{c}")).collect();
        let langs: Vec<&str> = rule.languages.iter().map(|l| l.as_str()).collect();
        let _ = writeln!(
            out,
            "| [`{id}`](#{id}) | {title} | {sev} | {conf} | {cwe} | {langs} |",
            id = rule.id,
            title = rule.title.replace('|', "\\|"),
            sev = rule.severity,
            conf = rule.confidence,
            cwe = cwe.join(", "),
            langs = langs.join(", "),
        );
    }
    for rule in set.rules() {
        let _ = write!(
            out,
            "\n## {id}\n\n**{title}** · severity {sev} · confidence {conf} · file `{origin}`\n\n",
            id = rule.id,
            title = rule.title,
            sev = rule.severity,
            conf = rule.confidence,
            origin = rule.origin,
        );
        let _ = writeln!(out, "{}\n", rule.match_summary());
        let _ = writeln!(out, "**What.** {}\n", rule.docs.what.trim());
        let _ = writeln!(out, "**Why.** {}\n", rule.docs.why.trim());
        let _ = writeln!(out, "**Fix.** {}\n", rule.docs.fix.trim());
        if !rule.docs.references.is_empty() {
            out.push_str("**References.**\n");
            for r in &rule.docs.references {
                let _ = writeln!(out, "- {r}");
            }
            out.push('\n');
        }
        let fence = rule.example_fence();
        for bad in &rule.examples.bad {
            let _ = writeln!(out, "Flagged:\n\n```{fence}\n{}\n```\n", bad.trim_end());
        }
        for good in &rule.examples.good {
            let _ = writeln!(
                out,
                "Not flagged:\n\n```{fence}\n{}\n```\n",
                good.trim_end()
            );
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}
