//! Renders the rule documentation under `docs/rules/` from the rule files (an index and one
//! page per rule, the page SARIF's `helpUri` links to), so the documentation cannot drift
//! from the rules. A test fails when a committed page differs (`MCPGATE_BLESS=1 cargo test
//! --test rules` rewrites them).

use super::RuleSet;
use std::fmt::Write;

/// Where a rule's page is published: the repository at this version's tag.
pub fn rule_page_url(id: &str) -> String {
    format!(
        "https://github.com/mcpgate/mcpgate/blob/v{}/docs/rules/{id}.md",
        env!("CARGO_PKG_VERSION")
    )
}

/// Every page of `docs/rules/`: `README.md` (the index) and `<id>.md` per rule.
pub fn rule_pages(set: &RuleSet) -> Vec<(String, String)> {
    let mut pages = vec![("README.md".to_string(), index_markdown(set))];
    for rule in set.rules() {
        pages.push((format!("{}.md", rule.id), rule_page(rule)));
    }
    pages
}

pub fn index_markdown(set: &RuleSet) -> String {
    let mut out = String::new();
    out.push_str(
        "<!-- Generated from the rule files by `MCPGATE_BLESS=1 cargo test --test rules`; do not edit. -->\n\
         # mcpgate rules\n\n\
         One TOML file per rule, under `rules/<group>/<id>.toml`, and one page per rule here. Each carries its id, title,\n\
         severity, confidence, CWE ids, languages, the `[match]` spec, the finding `message`,\n\
         `[docs]` (what, why, fix, references) and `[examples]` (`bad` snippets must fire,\n\
         `good` snippets must stay silent: they are the rule's tests). `mcpgate rules show ID`\n\
         prints a rule's docs; `--rules DIR` adds rule files of the same format.\n\n\
         ## The `call` matcher\n\n\
         `callees` are canonical names after import resolution (`import subprocess as sp;\n\
         sp.run(...)` is `subprocess.run`; builtins are bare names such as `eval`). A method\n\
         of an object a library call made is named after the maker (`client =\n\
         httpx.AsyncClient(); client.get(u)` is `httpx.AsyncClient.get`, `repo.git.log()` on a\n\
         `git.Repo` is `git.Repo.git.log`); `*.name` is a method of that name on any object and\n\
         `prefix.*` any method under `prefix` (`git.Repo.git.*`). Each\n\
         `[[match.args]]` condition finds an argument by `keyword` or 0-based `position` and\n\
         requires `is = \"true\" | \"false\" | \"dynamic\" | \"present\"`, or fires when the\n\
         argument is missing or `not_one_of` the listed names. `dynamic` means not a constant:\n\
         an f-string with a placeholder, a variable, a call. For commands, `argv-injection`\n\
         (an option from input in an argv), `shell-script` (the script of `sh -c`), `program`\n\
         (the program run) and `cli-arguments` (each argument from here on is one argv\n\
         element a library passes on) look at the part of the value that matters. `sanitizers` name calls that make\n\
         a value safe for the rule (`shlex.quote` for shell commands). The pseudo-callee `<return>`\n\
         is what an entry point (a tool, a resource, a prompt, a web route) returns, as\n\
         argument 0; `<returned-to-model>` is the same without web routes. `sources` name calls\n\
         the value must come out of (`requests.get`: a page someone else wrote), through their\n\
         first argument or `url=`. A `receiver = true`\n\
         condition is about the object of a method call (`cur` in `cur.execute(q)`) and holds\n\
         for plain function calls. In TypeScript and JavaScript the properties of an object\n\
         literal argument are keywords (`shell` in `spawn(cmd, args, { shell: true })`), also\n\
         through a variable assigned the object literal, and `is = \"not-string\"` holds for\n\
         a missing argument, a number or a function. `is = \"true\"`/`\"false\"`, `one_of` and\n\
         `not_one_of` see through a variable or module constant assigned a literal\n\
         (`shell=use_shell` after `use_shell = True`, `host=HOST`). A rule\n\
         skips files whose text contains one of `unless_file_mentions`, and applies only to\n\
         files that contain one of `only_if_file_mentions` when that list is given. It is\n\
         silent in the whole project when any module that is not test code makes one of the\n\
         calls in `[[match.unless_project_calls]]` (callees and argument conditions, like the\n\
         rule's own) or matches a regex of `unless_project_matches`: authentication wired in\n\
         one module protects the server another module starts. `[match.bind]` names the\n\
         argument that holds a listening call's address (`position`, `keywords`) and what an\n\
         absent one means (`absent = \"local\"` or `\"all-interfaces\"`): every interface or\n\
         another host's address keeps the rule's severity, an address chosen at run time is one\n\
         level lower, localhost is no finding.\n\n\
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
            "| [`{id}`]({id}.md) | {title} | {sev} | {conf} | {cwe} | {langs} |",
            id = rule.id,
            title = rule.title.replace('|', "\\|"),
            sev = rule.severity,
            conf = rule.confidence,
            cwe = cwe.join(", "),
            langs = langs.join(", "),
        );
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// One rule's page: what it matches, what, why, fix, references, examples.
fn rule_page(rule: &super::Rule) -> String {
    let mut out = format!(
        "<!-- Generated from `{origin}` by `MCPGATE_BLESS=1 cargo test --test rules`; do not edit. -->\n\
         # {id}\n\n**{title}** · severity {sev} · confidence {conf}",
        origin = rule.origin,
        id = rule.id,
        title = rule.title,
        sev = rule.severity,
        conf = rule.confidence,
    );
    let cwe: Vec<String> = rule
        .cwe
        .iter()
        .map(|c| format!("[CWE-{c}](https://cwe.mitre.org/data/definitions/{c}.html)"))
        .collect();
    if !cwe.is_empty() {
        let _ = write!(out, " · {}", cwe.join(", "));
    }
    let _ = write!(out, " · [all rules](README.md)\n\n");
    let _ = writeln!(out, "{}\n", rule.match_summary());
    let _ = writeln!(out, "## What\n\n{}\n", rule.docs.what.trim());
    let _ = writeln!(out, "## Why it matters\n\n{}\n", rule.docs.why.trim());
    let _ = writeln!(out, "## How to fix\n\n{}\n", rule.docs.fix.trim());
    if !rule.docs.references.is_empty() {
        out.push_str("## References\n\n");
        for r in &rule.docs.references {
            let _ = writeln!(out, "- {r}");
        }
        out.push('\n');
    }
    let fence = rule.example_fence();
    if !rule.examples.bad.is_empty() || !rule.examples.good.is_empty() {
        out.push_str("## Examples\n\n");
    }
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
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}
