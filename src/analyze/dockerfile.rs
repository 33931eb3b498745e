//! Dockerfiles of MCP servers, parsed with `parse-dockerfile` (stages, line continuations,
//! heredocs, the escape directive): a final stage that runs as root, remote scripts piped to a
//! shell, credentials baked into the image, remote `ADD` without a checksum, base images that
//! move.

use crate::analyze::FileContext;
use crate::finding::{Finding, Notice, NoticeLevel};
use crate::rules::{Matcher, Rule, RuleSet};
use parse_dockerfile::{Command, Instruction, Source};

pub use crate::rules::checks::DockerCheck;

/// `Dockerfile`, `Containerfile`, `Dockerfile.dev`, `server.Dockerfile`.
pub fn is_dockerfile(rel_path: &str) -> bool {
    let name = rel_path.rsplit('/').next().unwrap_or(rel_path);
    let lower = name.to_ascii_lowercase();
    if is_canonical_name(&lower) {
        return true;
    }
    // Templates and backups are not Dockerfiles (yet).
    let not_dockerfile = [
        "md", "txt", "bak", "orig", "swp", "j2", "jinja", "jinja2", "tmpl", "tpl", "template",
        "in", "erb", "sample", "example", "rej", "old",
        // Source about Dockerfiles (`dockerfile.rs`, `dockerfile.py`) is source.
        "rs", "py", "ts", "tsx", "js", "mjs", "cjs", "go", "java", "rb", "sh", "json", "yaml",
        "yml", "toml", "html", "snap",
    ];
    let variant = lower.starts_with("dockerfile.") || lower.ends_with(".dockerfile");
    variant
        && !lower
            .split('.')
            .skip(1)
            .any(|ext| not_dockerfile.contains(&ext))
}

/// `Dockerfile` or `Containerfile` itself: a parse failure there is an error; in a variant
/// (`Dockerfile.dev`) it is a warning, as the name is only a convention.
fn is_canonical_name(lower_name: &str) -> bool {
    matches!(lower_name, "dockerfile" | "containerfile")
}

struct Hit {
    check: DockerCheck,
    start: usize,
    end: usize,
    message: String,
    secret: Option<String>,
}

pub fn scan(ctx: &FileContext<'_>, rules: &RuleSet) -> (Vec<Finding>, Vec<Notice>) {
    let wanted: Vec<(DockerCheck, &Rule)> = rules
        .rules()
        .iter()
        .filter_map(|r| match &r.matcher {
            Matcher::Dockerfile(m) => Some((m.check, r)),
            _ => None,
        })
        .collect();
    if wanted.is_empty() || ctx.text.trim().is_empty() {
        return (Vec::new(), Vec::new());
    }
    // The parser is a dependency; a panic in it must cost one file, not the scan.
    let parsed = std::panic::catch_unwind(|| parse_dockerfile::parse(ctx.text));
    let name = ctx.rel_path.rsplit('/').next().unwrap_or(ctx.rel_path);
    let level = if is_canonical_name(&name.to_ascii_lowercase()) {
        NoticeLevel::Error
    } else {
        NoticeLevel::Warning
    };
    let dockerfile = match parsed {
        Ok(Ok(d)) => d,
        Ok(Err(e)) => {
            return (
                Vec::new(),
                vec![Notice::new(
                    crate::finding::NoticeCode::ParseFailed,
                    ctx.rel_path,
                    level,
                    format!("cannot read as a Dockerfile: {e}"),
                )],
            );
        }
        Err(_) => {
            return (
                Vec::new(),
                vec![Notice::new(
                    crate::finding::NoticeCode::ParseFailed,
                    ctx.rel_path,
                    level,
                    "cannot read as a Dockerfile: the parser failed",
                )],
            );
        }
    };
    let mut hits = Vec::new();
    let stages: Vec<_> = dockerfile.stages().collect();
    let stage_names: Vec<String> = stages
        .iter()
        .filter_map(|s| {
            s.from
                .as_
                .as_ref()
                .map(|(_, n)| n.value.to_ascii_lowercase())
        })
        .collect();
    for stage in &stages {
        unpinned_base(stage.from, &stage_names, &mut hits);
        for instruction in stage.instructions {
            check_instruction(ctx.text, instruction, &mut hits);
        }
    }
    if let Some(last) = stages.last() {
        root_user(last, &mut hits);
    }
    let findings = hits
        .into_iter()
        .filter_map(|hit| {
            let (_, rule) = wanted.iter().find(|(c, _)| *c == hit.check)?;
            let span = ctx.span_of_bytes(hit.start, hit.end);
            Some(ctx.finding_redacting(rule, span, hit.message, hit.secret.as_deref()))
        })
        .collect();
    (findings, Vec::new())
}

fn hit(check: DockerCheck, span: &std::ops::Range<usize>, message: String) -> Hit {
    Hit {
        check,
        start: span.start,
        end: span.end,
        message,
        secret: None,
    }
}

fn unpinned_base(
    from: &parse_dockerfile::FromInstruction<'_>,
    stage_names: &[String],
    hits: &mut Vec<Hit>,
) {
    let image = from.image.value.as_ref();
    let lower = image.to_ascii_lowercase();
    // `scratch`, an earlier stage, or an image chosen by a build argument.
    if lower == "scratch" || stage_names.contains(&lower) || image.contains('$') {
        return;
    }
    if image.contains("@sha256:") {
        return;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    let tag = last.split_once(':').map(|(_, t)| t);
    if tag.is_none_or(|t| t.is_empty() || t == "latest") {
        hits.push(hit(
            DockerCheck::UnpinnedBase,
            &from.image.span,
            format!(
                "base image `{image}` has no fixed tag or digest: each build may start from different code (pin `{}:<version>` or `@sha256:...`)",
                image.split(':').next().unwrap_or(image)
            ),
        ));
    }
}

fn root_user(stage: &parse_dockerfile::Stage<'_, '_>, hits: &mut Vec<Hit>) {
    let last_user = stage.instructions.iter().rev().find_map(|i| match i {
        Instruction::User(u) => Some(u),
        _ => None,
    });
    match last_user {
        None => hits.push(hit(
            DockerCheck::RootUser,
            &stage.from.image.span,
            "the final stage sets no `USER`, so the server runs as root inside the container: a command or path injection owns the whole container".into(),
        )),
        Some(user) => {
            let name = user.arguments.value.trim();
            let account = name.split(':').next().unwrap_or(name);
            if matches!(account, "root" | "0") {
                hits.push(hit(
                    DockerCheck::RootUser,
                    &user.arguments.span,
                    format!("the final stage runs as `{name}`: a command or path injection owns the whole container"),
                ));
            }
        }
    }
}

fn check_instruction(text: &str, instruction: &Instruction<'_>, hits: &mut Vec<Hit>) {
    match instruction {
        Instruction::Run(run) => {
            let mut scripts: Vec<(usize, &str)> = Vec::new();
            match &run.arguments {
                Command::Shell(shell) => scripts.push((shell.span.start, shell.value)),
                Command::Exec(exec) => {
                    for part in exec.value.iter() {
                        if let Some(raw) = text.get(part.span.clone()) {
                            scripts.push((part.span.start, raw));
                        }
                    }
                }
                _ => {}
            }
            for doc in &run.here_docs {
                if let Some(raw) = text.get(doc.span.clone()) {
                    scripts.push((doc.span.start, raw));
                }
            }
            for (base, script) in scripts {
                if let Some((start, end)) = pipe_to_shell(script) {
                    hits.push(hit(
                        DockerCheck::PipeToShell,
                        &(base + start..base + end),
                        "a script downloaded at build time is piped straight into a shell: whoever controls that URL (or the network path) runs code in every image built".into(),
                    ));
                }
            }
        }
        Instruction::Env(env) => secret_assignments(&env.arguments, "ENV", hits),
        Instruction::Arg(arg) => secret_assignments(&arg.arguments, "ARG", hits),
        Instruction::Copy(copy) => {
            for source in &copy.src {
                if let Source::Path(path) = source {
                    secret_file(path, hits);
                }
            }
        }
        Instruction::Add(add) => {
            let has_checksum = add.options.iter().any(|f| f.name.value == "checksum");
            for source in &add.src {
                let Source::Path(path) = source else { continue };
                secret_file(path, hits);
                let lower = path.value.to_ascii_lowercase();
                let remote = lower.starts_with("http://") || lower.starts_with("https://");
                if remote && !has_checksum {
                    hits.push(hit(
                        DockerCheck::RemoteAdd,
                        &path.span,
                        format!(
                            "`ADD {}` downloads at build time with no `--checksum`: the image gets whatever the server sends that day",
                            path.value
                        ),
                    ));
                }
            }
        }
        _ => {}
    }
}

/// The byte range of `curl ... | sh` (or wget, or `bash <(curl ...)`) in a shell script.
fn pipe_to_shell(script: &str) -> Option<(usize, usize)> {
    let lower = script.to_ascii_lowercase();
    for fetch in [
        "curl",
        "wget",
        "iwr",
        "invoke-webrequest",
        "irm",
        "invoke-restmethod",
    ] {
        let mut from = 0;
        while let Some(at) = lower
            .get(from..)
            .and_then(|r| r.find(fetch))
            .map(|i| i + from)
        {
            from = at + fetch.len();
            // The rest of this command (up to `;`, `&&` or the end), continuations included.
            let rest = &lower[at..];
            let end = ["&&", ";", "||"]
                .iter()
                .filter_map(|sep| rest.find(sep))
                .min()
                .unwrap_or(rest.len());
            let command = &rest[..end];
            if let Some(pipe) = command.find('|') {
                let after = command[pipe + 1..].trim_start().trim_start_matches("sudo ");
                let shell = after.split_whitespace().next().unwrap_or("");
                let shell = shell.rsplit('/').next().unwrap_or(shell);
                if matches!(
                    shell,
                    "sh" | "bash"
                        | "zsh"
                        | "dash"
                        | "ash"
                        | "python"
                        | "python3"
                        | "node"
                        | "perl"
                        | "iex"
                        | "invoke-expression"
                ) {
                    return Some((at, at + end));
                }
            }
        }
    }
    if let Some(at) = lower.find("<(curl").or_else(|| lower.find("<(wget")) {
        return Some((at, at + 6));
    }
    None
}

/// `ENV KEY=value OTHER="v"` (or the legacy `ENV KEY value`), `ARG NAME=default`.
fn secret_assignments(
    arguments: &parse_dockerfile::UnescapedString<'_>,
    keyword: &str,
    hits: &mut Vec<Hit>,
) {
    let text = arguments.value.as_ref();
    let pairs: Vec<(&str, &str)> = if text.contains('=') {
        text.split_whitespace()
            .filter_map(|kv| kv.split_once('='))
            .collect()
    } else {
        text.split_once(char::is_whitespace)
            .map(|(k, v)| vec![(k, v.trim())])
            .unwrap_or_default()
    };
    for (key, value) in pairs {
        let value = value.trim_matches(['"', '\'']);
        let upper = key.to_ascii_uppercase();
        // `TOKEN_FILE=/run/secrets/token` names where the secret is, not the secret.
        let reference = ["_FILE", "_PATH", "_DIR", "_URL"]
            .iter()
            .any(|s| upper.ends_with(s))
            || value.starts_with(['/', '.', '~']);
        let placeholder = reference || crate::analyze::secrets::placeholder_value(value);
        if crate::analyze::secrets::credential_name(key) && !placeholder {
            hits.push(Hit {
                check: DockerCheck::SecretInImage,
                start: arguments.span.start,
                end: arguments.span.end,
                message: format!(
                    "`{keyword} {key}` bakes a literal credential (`{}`) into the image: every layer, registry and `docker history` keeps it",
                    crate::analyze::secrets::redact(value)
                ),
                secret: Some(value.to_string()),
            });
        }
    }
}

/// `.env`, private keys and cloud credential files copied into the image.
fn secret_file(path: &parse_dockerfile::UnescapedString<'_>, hits: &mut Vec<Hit>) {
    let value = path.value.as_ref();
    let name = value
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(value);
    let secret = super::secrets::credential_file(&name.to_ascii_lowercase()).is_some();
    if secret {
        hits.push(hit(
            DockerCheck::SecretInImage,
            &path.span,
            format!("`{value}` is copied into the image: the credentials in it ship in every layer pushed to a registry (mount it at run time or use a build secret)"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipes_into_shells_are_found() {
        assert!(pipe_to_shell("curl -fsSL https://x.sh | sh").is_some());
        assert!(pipe_to_shell("apt-get update && wget -qO- https://x | sudo bash -s").is_some());
        assert!(pipe_to_shell("bash <(curl -s https://x)").is_some());
        assert!(
            pipe_to_shell("curl -o /tmp/x https://x && sha256sum -c x.sha && sh /tmp/x").is_none()
        );
        assert!(pipe_to_shell("curl https://x | tar xz").is_none());
        assert!(pipe_to_shell("iwr https://x/setup.ps1 -UseBasicParsing | iex").is_some());
    }

    #[test]
    fn dockerfile_names() {
        assert!(is_dockerfile("Dockerfile"));
        assert!(is_dockerfile("docker/Dockerfile.prod"));
        assert!(is_dockerfile("server.Dockerfile"));
        assert!(is_dockerfile("Containerfile"));
        assert!(!is_dockerfile("Dockerfile.j2"));
        assert!(!is_dockerfile("docs/Dockerfile.md"));
        assert!(!is_dockerfile("Dockerfile.template"));
        assert!(!is_dockerfile("src/analyze/dockerfile.rs"));
        assert!(!is_dockerfile("tests/dockerfile.py"));
    }
}
