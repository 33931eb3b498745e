//! The container action's inputs (`INPUT_*` variables, as the runner passes `with:` values)
//! and its outputs (`$GITHUB_OUTPUT`). `action.yml` documents each input.

use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UploadMode {
    /// Upload when there is a token and the run can write (not a fork's pull request);
    /// a refusal is a warning.
    Auto,
    /// Upload; failing to is a warning for a refusal (403), an error otherwise.
    Always,
    Never,
}

/// The `with:` values of a workflow step, validated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionInputs {
    pub paths: Vec<String>,
    pub fail_on: Option<String>,
    /// What the log shows: `github` (annotations), `text`, `json`, `markdown`.
    pub formats: Vec<String>,
    pub sarif_file: PathBuf,
    pub upload: UploadMode,
    /// Not `Debug`-printed by callers; `upload::Token` wraps it before use.
    pub token: Option<String>,
    pub category: Option<String>,
    pub config: Option<String>,
    pub baseline: Option<String>,
    pub only_changed: bool,
    pub scan_history: bool,
    pub db: Option<String>,
    pub offline: bool,
    pub wait_for_processing: bool,
    /// Where the scan keeps each file's results between runs (`--cache`).
    pub cache: Option<PathBuf>,
    pub extra_args: Vec<String>,
}

const FORMATS: [&str; 4] = ["github", "text", "json", "markdown"];

/// Every input `action.yml` declares (a test holds the two together).
pub const INPUT_NAMES: [&str; 16] = [
    "path",
    "fail_on",
    "format",
    "sarif_file",
    "upload_sarif",
    "token",
    "category",
    "config",
    "baseline",
    "only_changed",
    "scan_history",
    "db",
    "offline",
    "wait_for_processing",
    "cache",
    "extra_args",
];

/// Every output the action writes, in the order written.
pub const OUTPUT_NAMES: [&str; 9] = [
    "sarif_file",
    "findings",
    "critical",
    "high",
    "medium",
    "low",
    "info",
    "exit_code",
    "sarif_id",
];

/// Reads the inputs through `var` (`INPUT_FAIL_ON` for `fail_on`). An invalid value is an
/// error naming the input.
pub fn inputs(var: &dyn Fn(&str) -> Option<String>) -> Result<ActionInputs, String> {
    let get = |name: &str| {
        debug_assert!(INPUT_NAMES.contains(&name), "{name} is not in INPUT_NAMES");
        var(&format!("INPUT_{}", name.to_ascii_uppercase()))
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let flag = |name: &str, default: bool| -> Result<bool, String> {
        match get(name) {
            None => Ok(default),
            // The YAML 1.2 core schema's booleans, as actions/toolkit's getBooleanInput takes.
            Some(v) => match v.as_str() {
                "true" | "True" | "TRUE" => Ok(true),
                "false" | "False" | "FALSE" => Ok(false),
                _ => Err(format!(
                    "input `{name}`: `{v}` is not a boolean (true or false)"
                )),
            },
        }
    };
    let list = |name: &str| -> Vec<String> {
        get(name)
            .map(|v| {
                v.split(|c: char| c == ',' || c.is_whitespace())
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    let formats = match list("format") {
        f if f.is_empty() => vec!["github".to_string(), "text".to_string()],
        f => f,
    };
    if let Some(bad) = formats.iter().find(|f| !FORMATS.contains(&f.as_str())) {
        return Err(format!(
            "input `format`: unknown format `{bad}` (expected {})",
            FORMATS.join(", ")
        ));
    }
    let upload = match get("upload_sarif").as_deref() {
        None | Some("auto") => UploadMode::Auto,
        Some("true") => UploadMode::Always,
        Some("false") => UploadMode::Never,
        Some(other) => {
            return Err(format!(
                "input `upload_sarif`: `{other}` is not auto, true or false"
            ));
        }
    };
    let paths = list("path");
    Ok(ActionInputs {
        paths: if paths.is_empty() {
            vec![".".to_string()]
        } else {
            paths
        },
        fail_on: get("fail_on"),
        formats,
        sarif_file: PathBuf::from(get("sarif_file").unwrap_or_else(|| "mcpgate.sarif".into())),
        upload,
        token: get("token"),
        category: get("category"),
        config: get("config"),
        baseline: get("baseline"),
        only_changed: flag("only_changed", false)?,
        scan_history: flag("scan_history", false)?,
        db: get("db"),
        offline: flag("offline", false)?,
        wait_for_processing: flag("wait_for_processing", true)?,
        cache: cache_dir(get("cache"), &|name| var(name))?,
        extra_args: split_args(&get("extra_args").unwrap_or_default())?,
    })
}

/// The `cache` input: `true` is `$HOME/.cache/mcpgate/results` (in the container `HOME` is
/// `/github/home`, the runner's `${{ runner.temp }}/_github_home`, which `actions/cache` can
/// keep between runs), `false` or nothing is no cache, anything else a directory.
fn cache_dir(
    value: Option<String>,
    var: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<PathBuf>, String> {
    match value.as_deref() {
        None | Some("false" | "False" | "FALSE") => Ok(None),
        Some("true" | "True" | "TRUE") => match var("HOME").filter(|h| !h.trim().is_empty()) {
            Some(home) => Ok(Some(PathBuf::from(home).join(".cache/mcpgate/results"))),
            None => Err("input `cache: true` keeps results under $HOME, which is not set; give a directory instead".into()),
        },
        Some(dir) => Ok(Some(PathBuf::from(dir))),
    }
}

/// The `path` input with globs (`dist/*.tgz`) expanded against `base`, files and directories
/// alike, ignore files not honoured (build output is usually ignored). A glob that matches
/// nothing is an error: a release gate that scanned nothing must not pass.
pub fn expand_paths(patterns: &[String], base: &std::path::Path) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for pattern in patterns {
        if !pattern.contains(['*', '?', '[']) {
            out.push(pattern.clone());
            continue;
        }
        let glob = globset::GlobBuilder::new(pattern.trim_start_matches("./"))
            .literal_separator(true)
            .build()
            .map_err(|e| format!("input `path`: `{pattern}` is not a glob: {e}"))?
            .compile_matcher();
        let mut found: Vec<String> = ignore::WalkBuilder::new(base)
            .standard_filters(false)
            .hidden(false)
            .follow_links(false)
            .build()
            .filter_map(Result::ok)
            .filter_map(|entry| {
                let rel = entry.path().strip_prefix(base).ok()?;
                let rel = crate::walk::relative_to_root(rel);
                (!rel.is_empty() && !rel.starts_with(".git/") && glob.is_match(&rel)).then_some(rel)
            })
            .collect();
        if found.is_empty() {
            return Err(format!("input `path`: `{pattern}` matches no file"));
        }
        found.sort();
        out.extend(found);
    }
    Ok(out)
}

/// Every path must stay in the workspace once links are resolved: a link the repository
/// planted (`path: src` with `src -> /`) must not aim the scan, and its reports, at the
/// runner's files.
pub fn within_workspace(paths: &[String], workspace: &std::path::Path) -> Result<(), String> {
    let root = std::fs::canonicalize(workspace)
        .map_err(|e| format!("the workspace {}: {e}", workspace.display()))?;
    for path in paths {
        // A path that does not exist is the scan's error to report, with its own message.
        if let Ok(resolved) = std::fs::canonicalize(workspace.join(path))
            && !resolved.starts_with(&root)
        {
            return Err(format!(
                "input `path`: `{path}` leads out of the workspace (to {}) through a symbolic link; it is not scanned",
                resolved.display()
            ));
        }
    }
    Ok(())
}

/// Splits `extra_args` like a shell would split words, with '…' and "…" quoting and no
/// expansion of anything.
pub fn split_args(text: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for c in text.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if quote.is_some() {
        return Err("input `extra_args`: a quote is not closed".into());
    }
    if in_word {
        out.push(word);
    }
    Ok(out)
}

/// `$GITHUB_OUTPUT` lines: `name=value`, or a heredoc with a delimiter the value cannot
/// contain when the value spans lines.
pub fn output_lines(outputs: &[(&str, String)]) -> String {
    let mut out = String::new();
    for (name, value) in outputs {
        if value.contains('\n') || value.contains('\r') {
            let mut delimiter = String::from("MCPGATE_EOF");
            while value.contains(&delimiter) {
                delimiter.push('_');
            }
            let _ = writeln!(out, "{name}<<{delimiter}\n{value}\n{delimiter}");
        } else {
            let _ = writeln!(out, "{name}={value}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn defaults_and_validation() {
        let i = inputs(&lookup(&[])).expect("defaults");
        assert_eq!(i.paths, vec!["."]);
        assert_eq!(i.upload, UploadMode::Auto);
        assert_eq!(i.formats, vec!["github", "text"]);
        let err = inputs(&lookup(&[("INPUT_ONLY_CHANGED", "yes")])).unwrap_err();
        assert_eq!(
            err,
            "input `only_changed`: `yes` is not a boolean (true or false)"
        );
        let err = inputs(&lookup(&[("INPUT_FORMAT", "github,xml")])).unwrap_err();
        assert!(
            err.starts_with("input `format`: unknown format `xml`"),
            "{err}"
        );
    }

    #[test]
    fn cache_true_is_under_home_false_is_none_else_the_directory() {
        let cache = |pairs: &[(&str, &str)]| inputs(&lookup(pairs)).map(|i| i.cache);
        assert_eq!(cache(&[("HOME", "/github/home")]), Ok(None));
        assert_eq!(cache(&[("INPUT_CACHE", "false")]), Ok(None));
        assert_eq!(
            cache(&[("INPUT_CACHE", "true"), ("HOME", "/github/home")]),
            Ok(Some(PathBuf::from("/github/home/.cache/mcpgate/results")))
        );
        assert_eq!(
            cache(&[("INPUT_CACHE", " /tmp/c ")]),
            Ok(Some(PathBuf::from("/tmp/c")))
        );
        assert_eq!(
            cache(&[("INPUT_CACHE", "true")]),
            Err("input `cache: true` keeps results under $HOME, which is not set; give a directory instead".to_string())
        );
    }

    #[test]
    fn path_globs_expand_and_must_match() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join("dist")).expect("mkdir");
        for name in ["dist/a-1.0.tgz", "dist/a-1.0.whl", "dist/notes.txt"] {
            std::fs::write(dir.path().join(name), "x").expect("write");
        }
        let got = expand_paths(
            &["dist/*.tgz".into(), "dist/*.whl".into(), "src".into()],
            dir.path(),
        );
        assert_eq!(
            got.expect("expands"),
            vec!["dist/a-1.0.tgz", "dist/a-1.0.whl", "src"]
        );
        let err = expand_paths(&["dist/*.crate".into()], dir.path()).unwrap_err();
        assert_eq!(err, "input `path`: `dist/*.crate` matches no file");
    }

    #[test]
    fn extra_args_split_like_words() {
        assert_eq!(
            split_args("--exclude 'tests/**' -e \"a b\"  --no-audit").expect("splits"),
            vec!["--exclude", "tests/**", "-e", "a b", "--no-audit"]
        );
        assert!(split_args("'open").is_err());
    }

    #[test]
    fn multi_line_outputs_use_a_delimiter() {
        let text = output_lines(&[("a", "1".into()), ("b", "x\nMCPGATE_EOF".into())]);
        assert_eq!(text, "a=1\nb<<MCPGATE_EOF_\nx\nMCPGATE_EOF\nMCPGATE_EOF_\n");
    }
}
