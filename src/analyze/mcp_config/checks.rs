//! The checks on one configured server. Each returns hits at the value it is about.

use super::ConfigHit;
use super::model::{Server, Spanned};

pub use crate::rules::checks::ConfigCheck;

pub fn check(server: &Server) -> Vec<ConfigHit> {
    let mut hits = Vec::new();
    let (command, args) = launcher(server);
    unpinned(server, &command, args, &mut hits);
    plaintext(server, &mut hits);
    container(server, &command, args, &mut hits);
    shell(server, &command, args, &mut hits);
    filesystem(server, args, &mut hits);
    auto_approve(server, &mut hits);
    credentials(server, &mut hits);
    hits
}

fn hit(check: ConfigCheck, at: &Spanned, message: String) -> ConfigHit {
    ConfigHit {
        check,
        start: at.start,
        end: at.end,
        message,
        secret: None,
    }
}

/// The program and its arguments, looking through `cmd /c` (how Windows configs run npx).
fn launcher(server: &Server) -> (String, &[Spanned]) {
    let Some(command) = &server.command else {
        return (String::new(), &[]);
    };
    let base = program_name(&command.value);
    if base == "cmd"
        && let Some((first, rest)) = server.args.split_first()
        && first.value.eq_ignore_ascii_case("/c")
        && let Some((program, rest)) = rest.split_first()
    {
        // `cmd /c npx -y pkg`: the program is the first argument after `/c`.
        return (program_name(&program.value), rest);
    }
    (base, &server.args)
}

/// `C:\\Program Files\\nodejs\\npx.cmd` -> `npx`.
fn program_name(command: &str) -> String {
    let base = command.rsplit(['/', '\\']).next().unwrap_or(command);
    let lower = base.to_ascii_lowercase();
    for suffix in [".exe", ".cmd", ".bat"] {
        if let Some(stem) = lower.strip_suffix(suffix) {
            return stem.to_string();
        }
    }
    lower
}

/// Options of package runners that take a value (so the value is not the package).
const VALUE_OPTIONS: [&str; 12] = [
    "--from",
    "--with",
    "--python",
    "-p",
    "--package",
    "--spec",
    "--index-url",
    "--registry",
    "--cache",
    "--userconfig",
    "--prefix",
    "--node-options",
];

/// The package argument of a runner and whether it came from `--from`/`--package`/`--spec`.
fn package_arg(args: &[Spanned]) -> Option<&Spanned> {
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        let v = arg.value.as_str();
        if matches!(v, "--from" | "-p" | "--package" | "--spec") {
            return args.get(i + 1);
        }
        if v == "--" {
            return args.get(i + 1);
        }
        if v.starts_with('-') {
            i += if VALUE_OPTIONS.contains(&v) { 2 } else { 1 };
            continue;
        }
        return Some(arg);
    }
    None
}

fn is_exact_version(v: &str) -> bool {
    let core = v.split(['-', '+']).next().unwrap_or(v);
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

fn unpinned(server: &Server, command: &str, args: &[Spanned], hits: &mut Vec<ConfigHit>) {
    let sub = args.first().map(|a| a.value.as_str());
    let (kind, rest) = match (command, sub) {
        ("npx" | "bunx" | "pnpx", _) => ("npm", args),
        ("pnpm" | "yarn" | "bun", Some("dlx" | "x")) | ("npm", Some("exec" | "x")) => {
            ("npm", args.get(1..).unwrap_or(&[]))
        }
        ("uvx", _) => ("python", args),
        ("uv", Some("tool")) if args.get(1).is_some_and(|a| a.value == "run") => {
            ("python", args.get(2..).unwrap_or(&[]))
        }
        ("pipx", Some("run")) => ("python", args.get(1..).unwrap_or(&[])),
        ("docker" | "podman", Some("run")) => {
            if let Some(image) = image_arg(args.get(1..).unwrap_or(&[]))
                && !image_pinned(&image.value)
            {
                hits.push(hit(
                    ConfigCheck::UnpinnedLaunch,
                    image,
                    format!(
                        "server `{}` runs the image `{}` without a fixed tag or digest: each launch may pull different code (pin `@sha256:...` or a version tag)",
                        server.name.value, image.value
                    ),
                ));
            }
            return;
        }
        _ => return,
    };
    let Some(package) = package_arg(rest) else {
        return;
    };
    let spec = package.value.as_str();
    let pinned = if kind == "npm" {
        spec.get(1..)
            .and_then(|s| s.rfind('@'))
            .and_then(|at| spec.get(at + 2..))
            .is_some_and(is_exact_version)
    } else {
        python_pinned(spec)
    };
    if !pinned {
        let hint = if kind == "npm" {
            "`pkg@1.2.3`"
        } else {
            "`pkg==1.2.3`"
        };
        hits.push(hit(
            ConfigCheck::UnpinnedLaunch,
            package,
            format!(
                "server `{}` runs `{command} {spec}` without an exact version: every launch installs whatever was published last (pin {hint})",
                server.name.value
            ),
        ));
    }
}

/// `pkg==1.2.3`, `pkg===1.2`, `pkg@1.2.3` (uvx): an exact release.
fn python_pinned(spec: &str) -> bool {
    let version = spec
        .split_once("==")
        .map(|(_, v)| v.trim_start_matches('='))
        .or_else(|| spec.split_once('@').map(|(_, v)| v));
    version.is_some_and(|v| {
        let parts: Vec<&str> = v.split('.').collect();
        parts.len() >= 2
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// Options of `docker run` that take a value.
const DOCKER_VALUE_OPTIONS: [&str; 22] = [
    "-e",
    "--env",
    "-v",
    "--volume",
    "--mount",
    "--name",
    "-p",
    "--publish",
    "--network",
    "--net",
    "--env-file",
    "-w",
    "--workdir",
    "-u",
    "--user",
    "--entrypoint",
    "--cap-add",
    "--cap-drop",
    "--platform",
    "-l",
    "--label",
    "--security-opt",
];

fn image_arg(args: &[Spanned]) -> Option<&Spanned> {
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        let v = arg.value.as_str();
        if v.starts_with('-') {
            let takes_value = !v.contains('=') && DOCKER_VALUE_OPTIONS.contains(&v);
            i += if takes_value { 2 } else { 1 };
            continue;
        }
        return Some(arg);
    }
    None
}

fn image_pinned(image: &str) -> bool {
    if image.contains("@sha256:") {
        return true;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        Some((_, tag)) => !tag.is_empty() && tag != "latest",
        None => false,
    }
}

fn plaintext(server: &Server, hits: &mut Vec<ConfigHit>) {
    let candidates = server.url.iter().chain(server.args.iter());
    for value in candidates {
        let Some(rest) = value.value.strip_prefix("http://") else {
            continue;
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
        let host_port = authority.rsplit('@').next().unwrap_or(authority);
        let host = if let Some(v6) = host_port.strip_prefix('[') {
            v6.split(']').next().unwrap_or(v6)
        } else {
            host_port.split(':').next().unwrap_or(host_port)
        };
        let local = matches!(
            host.to_ascii_lowercase().as_str(),
            "localhost" | "::1" | "0.0.0.0" | "host.docker.internal"
        ) || host.starts_with("127.")
            || host.ends_with(".localhost");
        if !local {
            hits.push(hit(
                ConfigCheck::PlaintextHttp,
                value,
                format!(
                    "server `{}` is reached over plain http at `{host}`: anyone on the path can read its tool calls and results, tokens included, and answer in its place (use https)",
                    server.name.value
                ),
            ));
        }
    }
}

/// Host paths whose mount hands the container the machine or its credentials.
pub(crate) fn sensitive_mount(source: &str) -> Option<&'static str> {
    let s = source.trim_end_matches('/');
    let lower = s.to_ascii_lowercase();
    if s.is_empty()
        || matches!(
            lower.as_str(),
            "c:" | "c:\\" | "~" | "$home" | "${home}" | "%userprofile%"
        )
    {
        return Some("the root or home directory");
    }
    if lower.ends_with("docker.sock") {
        return Some("the Docker socket (root on the host)");
    }
    for dir in [
        "/.ssh",
        "/.aws",
        "/.kube",
        "/.gnupg",
        "/.config/gcloud",
        "/.docker",
        "/.azure",
    ] {
        if lower.contains(dir) {
            return Some("a credentials directory");
        }
    }
    if matches!(
        lower.as_str(),
        "/etc" | "/root" | "/var" | "/home" | "/users"
    ) || is_home_dir(s)
    {
        return Some("a system or home directory");
    }
    None
}

/// `/home/alice`, `/Users/alice`, `C:\Users\alice`: a home directory itself.
fn is_home_dir(path: &str) -> bool {
    let parts: Vec<&str> = path.split(['/', '\\']).filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        [home, _user] => matches!(home.to_ascii_lowercase().as_str(), "home" | "users"),
        [drive, users, _user] => {
            drive.len() == 2 && drive.ends_with(':') && users.eq_ignore_ascii_case("users")
        }
        _ => false,
    }
}

fn container(server: &Server, command: &str, args: &[Spanned], hits: &mut Vec<ConfigHit>) {
    if !matches!(command, "docker" | "podman") || args.first().is_none_or(|a| a.value != "run") {
        return;
    }
    let name = &server.name.value;
    let mut i = 1;
    while let Some(arg) = args.get(i) {
        let v = arg.value.as_str();
        if !v.starts_with('-') {
            break; // the image: what follows belongs to the server
        }
        let (flag, inline) = match v.split_once('=') {
            Some((f, value)) => (f, Some(value)),
            None => (v, None),
        };
        let next = args.get(i + 1);
        let value = inline.or_else(|| next.map(|n| n.value.as_str()));
        let value_at = if inline.is_some() { Some(arg) } else { next };
        let mut report = |at: &Spanned, what: String| {
            hits.push(hit(
                ConfigCheck::DangerousContainer,
                at,
                format!("server `{name}` runs its container with {what}: a tool call that goes wrong now reaches the host"),
            ));
        };
        match flag {
            "--privileged" => report(arg, "`--privileged` (every device and capability)".into()),
            "--network" | "--net" | "--pid" | "--ipc" if value == Some("host") => {
                report(value_at.unwrap_or(arg), format!("`{flag} host`"));
            }
            "--cap-add" => report(
                value_at.unwrap_or(arg),
                format!("`--cap-add {}`", value.unwrap_or("")),
            ),
            "--security-opt" if value.is_some_and(|v| v.contains("unconfined")) => {
                report(
                    value_at.unwrap_or(arg),
                    format!("`--security-opt {}`", value.unwrap_or("")),
                );
            }
            "-v" | "--volume" => {
                if let Some(spec) = value {
                    let source = volume_source(spec);
                    if let Some(what) = sensitive_mount(source) {
                        report(
                            value_at.unwrap_or(arg),
                            format!("{what} mounted (`{spec}`)"),
                        );
                    }
                }
            }
            "--mount" => {
                if let Some(spec) = value {
                    let source = spec
                        .split(',')
                        .find_map(|kv| {
                            kv.strip_prefix("source=")
                                .or_else(|| kv.strip_prefix("src="))
                        })
                        .unwrap_or("");
                    if spec.contains("bind")
                        && let Some(what) = sensitive_mount(source)
                    {
                        report(
                            value_at.unwrap_or(arg),
                            format!("{what} mounted (`{spec}`)"),
                        );
                    }
                }
            }
            _ => {}
        }
        let takes_value = inline.is_none() && DOCKER_VALUE_OPTIONS.contains(&flag);
        i += if takes_value { 2 } else { 1 };
    }
}

/// The host side of `-v SRC:DST[:opts]`, allowing a Windows drive letter in SRC.
pub(crate) fn volume_source(spec: &str) -> &str {
    let bytes = spec.as_bytes();
    let skip = if bytes.len() > 2 && bytes[1] == b':' && bytes[0].is_ascii_alphabetic() {
        2
    } else {
        0
    };
    match spec[skip..].find(':') {
        Some(at) => &spec[..skip + at],
        None => spec,
    }
}

fn shell(server: &Server, command: &str, args: &[Spanned], hits: &mut Vec<ConfigHit>) {
    let flags: &[&str] = match command {
        "bash" | "sh" | "zsh" | "dash" | "ksh" => &["-c", "-lc", "-ic", "-ec"],
        "powershell" | "pwsh" => &["-c", "-command"],
        _ => return,
    };
    for (i, arg) in args.iter().enumerate() {
        if !flags.contains(&arg.value.to_ascii_lowercase().as_str()) {
            continue;
        }
        let Some(script) = args.get(i + 1) else {
            continue;
        };
        if script.value.contains(['$', '`']) {
            hits.push(hit(
                ConfigCheck::ShellCommand,
                script,
                format!(
                    "server `{}` is started by `{command} {}` with expansions in the command line: whatever the variables or substitutions hold at launch runs as shell code",
                    server.name.value, arg.value
                ),
            ));
        }
    }
}

fn filesystem(server: &Server, args: &[Spanned], hits: &mut Vec<ConfigHit>) {
    let is_fs = server
        .command
        .iter()
        .chain(args.iter())
        .any(|a| a.value.to_ascii_lowercase().contains("filesystem"));
    if !is_fs {
        return;
    }
    let package = args
        .iter()
        .position(|a| a.value.to_ascii_lowercase().contains("filesystem"));
    let after = package.map_or(args, |p| args.get(p + 1..).unwrap_or(&[]));
    for arg in after {
        let v = arg.value.as_str();
        if v.starts_with('-') {
            continue;
        }
        let trimmed = v.trim_end_matches(['/', '\\']);
        let lower = trimmed.to_ascii_lowercase();
        let broad = trimmed.is_empty()
            || matches!(
                lower.as_str(),
                "~" | "$home" | "${home}" | "%userprofile%" | "c:" | "${env:home}" | "${userhome}"
            )
            || is_home_dir(trimmed);
        if broad {
            hits.push(hit(
                ConfigCheck::BroadFilesystem,
                arg,
                format!(
                    "server `{}` may read and write everything below `{v}`: one injected instruction reaches SSH keys, cloud credentials and shell profiles (grant the project directory only)",
                    server.name.value
                ),
            ));
        }
    }
}

/// Words of a tool name that make it write, execute or reach the network.
const RISKY_WORDS: [&str; 30] = [
    "write", "edit", "delete", "remove", "rm", "move", "rename", "create", "exec", "execute",
    "run", "shell", "command", "bash", "terminal", "eval", "fetch", "http", "request", "browse",
    "navigate", "post", "send", "push", "deploy", "install", "kill", "merge", "update", "insert",
];

/// `write_file`, `runCommand`, `browser-navigate` -> their lowercase words.
fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn auto_approve(server: &Server, hits: &mut Vec<ConfigHit>) {
    for tool in &server.auto_approve {
        let risky = tool.value.trim() == "*"
            || words(&tool.value)
                .iter()
                .any(|w| RISKY_WORDS.contains(&w.as_str()));
        if risky {
            hits.push(hit(
                ConfigCheck::AutoApprove,
                tool,
                format!(
                    "`{}` of server `{}` runs without asking: a prompt injection in any content the model reads can call it unseen",
                    tool.value, server.name.value
                ),
            ));
        }
    }
}

fn credential_hit(server: &Server, key: &str, value: &Spanned, literal: &str) -> ConfigHit {
    let shown = crate::analyze::secrets::redact(literal);
    let variable = key.to_ascii_uppercase().replace(['-', '.'], "_");
    ConfigHit {
        check: ConfigCheck::HardcodedCredential,
        start: value.start,
        end: value.end,
        message: format!(
            "`{key}` of server `{}` holds a literal credential (`{shown}`): anyone who can read this file has it (use `${{env:{variable}}}`, an `inputs` prompt or the client's secret store)",
            server.name.value
        ),
        secret: Some(literal.to_string()),
    }
}

fn credentials(server: &Server, hits: &mut Vec<ConfigHit>) {
    for (key, value) in server.env.iter().chain(server.headers.iter()) {
        let literal = value
            .value
            .strip_prefix("Bearer ")
            .or_else(|| value.value.strip_prefix("bearer "))
            .or_else(|| value.value.strip_prefix("token "))
            .unwrap_or(&value.value);
        let named = crate::analyze::secrets::credential_name(&key.value)
            || key.value.eq_ignore_ascii_case("authorization");
        if named && !crate::analyze::secrets::placeholder_value(literal) {
            hits.push(credential_hit(server, &key.value, value, literal));
        }
    }
    for (i, arg) in server.args.iter().enumerate() {
        let Some(flag) = arg.value.strip_prefix("--") else {
            continue;
        };
        let (name, inline) = match flag.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (flag, None),
        };
        if !crate::analyze::secrets::credential_name(name) {
            continue;
        }
        let (value, literal) = match inline {
            Some(v) => (arg, v),
            None => match server.args.get(i + 1) {
                Some(next) => (next, next.value.as_str()),
                None => continue,
            },
        };
        if !crate::analyze::secrets::placeholder_value(literal) {
            hits.push(credential_hit(server, name, value, literal));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_snake_camel_and_kebab() {
        assert_eq!(words("write_file"), vec!["write", "file"]);
        assert_eq!(words("runCommand"), vec!["run", "command"]);
        assert_eq!(words("browser-navigate"), vec!["browser", "navigate"]);
        assert_eq!(words("read_file"), vec!["read", "file"]);
    }

    #[test]
    fn pins_images_and_homes() {
        assert!(image_pinned("mcp/github:1.2.0"));
        assert!(image_pinned("ghcr.io/x/y@sha256:abc"));
        assert!(!image_pinned("mcp/github"));
        assert!(!image_pinned("localhost:5000/mcp/github"));
        assert!(!image_pinned("mcp/github:latest"));
        assert!(is_home_dir("/Users/alice"));
        assert!(is_home_dir("C:\\Users\\alice"));
        assert!(!is_home_dir("/Users/alice/projects/x"));
        assert_eq!(volume_source("C:\\data:/data:ro"), "C:\\data");
        assert_eq!(
            volume_source("/var/run/docker.sock:/var/run/docker.sock"),
            "/var/run/docker.sock"
        );
        assert!(is_exact_version("1.2.3"));
        assert!(!is_exact_version("^1.2.3"));
        use crate::analyze::secrets::credential_name;
        assert!(credential_name("GITHUB_PERSONAL_ACCESS_TOKEN"));
        assert!(credential_name("apiKey"));
        assert!(!credential_name("PATH"));
        assert!(!credential_name("AUTHOR"));
    }
}
