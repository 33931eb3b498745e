//! The rule file format (TOML). One file per rule; the docs of the format are in
//! `rules/README.md` (generated) and in the rule files themselves.

use crate::finding::{Confidence, Severity};
use serde::Deserialize;

/// A rule as written in its TOML file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub confidence: Confidence,
    pub cwe: Vec<u32>,
    pub languages: Vec<Language>,
    /// Message of each finding; `{callee}` is replaced by the canonical name of the call.
    pub message: String,
    #[serde(rename = "match")]
    pub matcher: Matcher,
    pub docs: Docs,
    pub examples: Examples,
    /// Whether findings in test code are reported without `--include-tests`; unset:
    /// credential formats are, everything else is not (see `crate::test_code`).
    #[serde(default)]
    pub test_code: Option<TestCodePolicy>,
    /// Rules whose finding at the same call says this one's problem too: this rule's finding
    /// there is merged into theirs (its CWEs added, its title mentioned) rather than shown
    /// twice (a missing size cap on a read that is already a path traversal).
    #[serde(default)]
    pub merge_into: Vec<String>,
    /// Where the rule came from (`rules/python/x.toml` or a user's path); set by the loader.
    #[serde(skip)]
    pub origin: String,
}

/// What a rule's findings in test code become.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TestCodePolicy {
    /// Reported like any other (a committed credential is leaked wherever it is).
    Report,
    /// Set aside unless the scan includes tests.
    Skip,
}

impl Rule {
    /// Whether the rule's findings in test code are reported without `--include-tests`.
    pub fn reported_in_test_code(&self) -> bool {
        match self.test_code {
            Some(policy) => policy == TestCodePolicy::Report,
            None => matches!(self.matcher, Matcher::Secret(_)),
        }
    }

    /// The call matcher, for call rules.
    pub fn call(&self) -> Option<&CallMatch> {
        match &self.matcher {
            Matcher::Call(call) => Some(call),
            Matcher::ToolDescription(_)
            | Matcher::Secret(_)
            | Matcher::IgnoreComment(_)
            | Matcher::Dependency(_)
            | Matcher::McpConfig(_)
            | Matcher::Dockerfile(_)
            | Matcher::Package(_)
            | Matcher::Auth(_)
            | Matcher::ToolInventory(_) => None,
        }
    }

    /// Regexes on project text that silence the rule everywhere (`unless_project_matches`).
    pub fn project_regexes(&self) -> &[regex::Regex] {
        match &self.matcher {
            Matcher::Call(call) => &call.project_regexes,
            Matcher::Auth(auth) => &auth.project_regexes,
            _ => &[],
        }
    }

    /// The code fence language of the rule's examples in generated docs.
    pub fn example_fence(&self) -> &'static str {
        if matches!(self.matcher, Matcher::Secret(_)) {
            return "text";
        }
        if let Some(file) = &self.examples.file {
            return if file.ends_with("Dockerfile") {
                "dockerfile"
            } else if file.ends_with(".json") {
                "json"
            } else if file.ends_with(".toml")
                || file.ends_with(".lock") && !file.starts_with("yarn")
            {
                "toml"
            } else {
                "text"
            };
        }
        match self.languages.first() {
            Some(Language::Python) => "python",
            Some(Language::TypeScript) => "typescript",
            Some(Language::JavaScript) => "javascript",
            Some(Language::Rust) => "rust",
            Some(Language::Any) | None => "text",
        }
    }

    /// One sentence on what the rule looks at, for its documentation.
    pub fn match_summary(&self) -> String {
        let quoted = |names: &[String]| -> String {
            names
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match &self.matcher {
            Matcher::Call(call) => {
                let mut out = format!("Matches calls to {}.", quoted(&call.callees));
                if !call.sanitizers.is_empty() {
                    out.push_str(&format!(" Sanitizers: {}.", quoted(&call.sanitizers)));
                }
                out
            }
            Matcher::IgnoreComment(_) => {
                "Checks `mcpgate:ignore RULE-ID reason` comments in any file.".to_string()
            }
            Matcher::ToolInventory(m) => match m.check {
                crate::tools::InventoryCheck::Changed => "Compares every MCP tool, resource and \
                     prompt with its entry in `mcp-tools.lock` (written by `mcpgate tools \
                     --lock`), when the scan root has one."
                    .to_string(),
                crate::tools::InventoryCheck::ToxicCombination => "Looks at the tools one \
                     module defines together (see `mcpgate tools`)."
                    .to_string(),
                crate::tools::InventoryCheck::Escalated => "Compares what every MCP tool can \
                     do with its entry in `mcp-tools.lock`, when the scan root has one."
                    .to_string(),
                crate::tools::InventoryCheck::CapabilityMismatch => "Compares each tool's \
                     annotations and description (see `mcpgate tools`) with what its handler \
                     and the functions it calls do."
                    .to_string(),
            },
            Matcher::Package(_) => "Checks the files inside release archives scanned as \
                 targets (npm tarballs, wheels, sdists, crates, .mcpb/.dxt extensions)."
                .to_string(),
            Matcher::Auth(a) => match a.check {
                super::checks::AuthCheck::WeakToken => format!(
                    "Follows the values stored under a secret's name (or returned by a function \
                     named after one) back through the function's variables to calls to {}.",
                    quoted(&a.callees)
                ),
                super::checks::AuthCheck::FailOpen => "Reads auth functions and middleware: an \
                     `except`/`catch` or a test for a missing secret that lets the call through."
                    .to_string(),
                super::checks::AuthCheck::SecretCompare => "Reads `==`, `!=`, `===` and `!==` \
                     between two values that are not literals, one of them named like a secret."
                    .to_string(),
                super::checks::AuthCheck::SessionBinding => "Reads handlers that look up a \
                     session by the id the client sent (`transports[req.headers[\"mcp-session-id\"]]`, \
                     `sessions.get(session_id)`), in files that authenticate each caller, for a \
                     word naming the caller's identity."
                    .to_string(),
                super::checks::AuthCheck::OauthState => "Reads handlers that take the `code` \
                     from the query string (`req.query.code`, `searchParams.get(\"code\")`, \
                     `request.args[\"code\"]`) for a word naming the OAuth `state`."
                    .to_string(),
            },
            Matcher::Dockerfile(_) => "Checks Dockerfiles and Containerfiles (all stages; \
                 line continuations and heredocs parsed)."
                .to_string(),
            Matcher::McpConfig(_) => "Checks the servers of MCP client configurations \
                 (claude_desktop_config.json, .cursor/mcp.json, .vscode/mcp.json, .mcp.json, \
                 mcp_config.json, cline_mcp_settings.json, .zed/settings.json, \
                 .gemini/settings.json), JSON with comments included."
                .to_string(),
            Matcher::Dependency(d) => format!(
                "Dependency audit check `{}`: lockfiles (Cargo.lock, package-lock.json, \
                 npm-shrinkwrap.json, pnpm-lock.yaml, yarn.lock, requirements*.txt, poetry.lock, \
                 uv.lock, Pipfile.lock, pylock.toml, go.mod) and manifests (package.json, \
                 pyproject.toml).",
                d.check.as_str()
            ),
            Matcher::Secret(sm) => format!(
                "Looks for {} in any text file (keywords {}).",
                "a credential",
                quoted(&sm.keywords)
            ),
            Matcher::ToolDescription(d) => {
                let mut parts = Vec::new();
                if !d.patterns.is_empty() {
                    parts.push(format!("{} patterns", d.patterns.len()));
                }
                if !d.supporting.is_empty() {
                    let kinds: Vec<&str> = d.supporting.iter().map(|s| s.signal.as_str()).collect();
                    parts.push(format!(
                        "phrases that count when two kinds meet ({})",
                        kinds.join(", ")
                    ));
                }
                if d.encoded {
                    parts.push("long base64 or hex strings".to_string());
                }
                if d.hidden_characters {
                    parts.push("invisible and bidi characters".to_string());
                }
                if let Some(max) = d.max_length {
                    parts.push(format!("length over {max} characters"));
                }
                format!(
                    "Checks the text a server shows the model ({}) for {}.",
                    d.texts
                        .iter()
                        .map(|t| t.label())
                        .collect::<Vec<_>>()
                        .join(", "),
                    parts.join(", ")
                )
            }
        }
    }
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Python,
    TypeScript,
    JavaScript,
    Rust,
    /// Any text file (secret rules).
    Any,
}

impl Language {
    pub fn as_str(self) -> &'static str {
        match self {
            Language::Python => "python",
            Language::TypeScript => "typescript",
            Language::JavaScript => "javascript",
            Language::Rust => "rust",
            Language::Any => "any",
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Docs {
    pub what: String,
    pub why: String,
    pub fix: String,
    #[serde(default)]
    pub references: Vec<String>,
}

/// `bad` snippets must make the rule fire; `good` snippets must not. They are the rule's tests.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    pub bad: Vec<String>,
    pub good: Vec<String>,
    /// The file name the examples are tested as, when the language does not give it
    /// (`package-lock.json` for a dependency rule).
    #[serde(default)]
    pub file: Option<String>,
}

/// What a rule matches. Tagged by `kind` so new engines add variants, not new file formats.
#[derive(Clone, Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Matcher {
    Call(CallMatch),
    ToolDescription(DescriptionMatch),
    Secret(SecretMatch),
    /// `mcpgate:ignore` comments without a reason (see `src/suppress.rs`).
    IgnoreComment(IgnoreCommentMatch),
    /// A check of the dependency audit (`src/deps/`).
    Dependency(DependencyMatch),
    /// A check of MCP client configuration files (`src/analyze/mcp_config/`).
    McpConfig(McpConfigMatch),
    /// A check of Dockerfiles (`src/analyze/dockerfile.rs`).
    Dockerfile(DockerfileMatch),
    /// A check on the tool inventory (`src/tools.rs`).
    ToolInventory(ToolInventoryMatch),
    /// A check of files inside release archives (`src/analyze/package.rs`).
    Package(PackageMatch),
    /// A check of who may call: tokens, auth functions, secret comparisons
    /// (`src/analyze/engine/auth.rs`).
    Auth(AuthMatch),
}

/// One check of how a server decides who may call it. Names are matched in snake_case
/// (`sessionId` is read as `session_id`, `APIKey` as `api_key`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthMatch {
    pub check: super::checks::AuthCheck,
    /// What a secret is called: a regex on variable, attribute, property, key and keyword
    /// names, and on the names of functions that return one (`generate_token`).
    pub secret_names: String,
    /// Names `secret_names` takes that are no secret (`max_tokens`, `token_url`).
    #[serde(default)]
    pub not_secret_names: Option<String>,
    /// `weak-token`: the generators whose output can be guessed (canonical names, like a
    /// call rule's callees).
    #[serde(default)]
    pub callees: Vec<String>,
    /// `weak-token`: generators that make a value unguessable whatever else goes into it
    /// (`secrets.token_hex`, `crypto.randomBytes`); a name ending in `.*` stands for a module.
    #[serde(default)]
    pub strong: Vec<String>,
    /// `fail-open`: what an auth check is called (a regex on function names). Middleware,
    /// a function with a `next` or `call_next` parameter that reads a secret, is one too.
    #[serde(default)]
    pub functions: Option<String>,
    /// `fail-open`: names `functions` takes whose `True` means "deny" (`auth_required`).
    #[serde(default)]
    pub not_functions: Option<String>,
    /// `weak-token`: what a function that makes a secret is called (`generate_token`,
    /// `sessionIdGenerator`): what it returns is the secret. Others (`verify_token`) only
    /// handle one.
    #[serde(default)]
    pub makers: Option<String>,
    /// `fail-open`: what the server's allowlists are called (`ALLOWED_USERS`,
    /// `allowedOrigins`): a check that lets every call through while one is empty fails open
    /// the way an unset key does.
    #[serde(default)]
    pub allowlist_names: Option<String>,
    /// `session-binding`: a regex on a file's text that shows the server knows who each
    /// caller is (`requireBearerAuth`, `req.auth`, `get_access_token()`). Without it the
    /// session id is all there is to bind to, which `*-http-without-auth` reports.
    #[serde(default)]
    pub authenticated: Option<String>,
    /// Regexes on the text of the project's source files in the rule's languages that,
    /// matched in any of them, make the rule silent everywhere (`code_verifier`: PKCE stands
    /// in for the OAuth `state`).
    #[serde(default)]
    pub unless_project_matches: Vec<String>,
    /// `unless_project_matches`, compiled when the rule is loaded.
    #[serde(skip)]
    pub project_regexes: Vec<regex::Regex>,
    /// The patterns above, compiled when the rule is loaded.
    #[serde(skip)]
    pub compiled: Option<AuthPatterns>,
}

/// The compiled patterns of an `auth` rule.
#[derive(Clone, Debug)]
pub struct AuthPatterns {
    pub secret: regex::Regex,
    pub not_secret: Option<regex::Regex>,
    pub functions: Option<regex::Regex>,
    pub not_functions: Option<regex::Regex>,
    pub makers: Option<regex::Regex>,
    pub authenticated: Option<regex::Regex>,
    pub allowlists: Option<regex::Regex>,
}

impl AuthPatterns {
    /// Whether `name` (any case style) is what a secret is called.
    pub fn is_secret(&self, name: &str) -> bool {
        let name = snake_cased(name);
        self.secret.is_match(&name) && !self.not_secret.as_ref().is_some_and(|r| r.is_match(&name))
    }

    /// Whether `name` is what an auth check is called.
    pub fn is_auth_function(&self, name: &str) -> bool {
        let name = snake_cased(name);
        self.functions.as_ref().is_some_and(|r| r.is_match(&name))
            && !self
                .not_functions
                .as_ref()
                .is_some_and(|r| r.is_match(&name))
    }

    /// Whether `name` is what one of the server's allowlists is called.
    pub fn is_allowlist(&self, name: &str) -> bool {
        self.allowlists
            .as_ref()
            .is_some_and(|r| r.is_match(&snake_cased(name)))
    }

    /// Whether `name` is what a function that makes a secret is called.
    pub fn is_maker(&self, name: &str) -> bool {
        self.is_secret(name)
            && self
                .makers
                .as_ref()
                .is_some_and(|r| r.is_match(&snake_cased(name)))
    }
}

/// `sessionId` -> `session_id`, `APIKey` -> `api_key`, `X-Api-Key` -> `x_api_key`.
pub fn snake_case(name: &str) -> String {
    snake_cased(name).into_owned()
}

/// `snake_case`, borrowing a name that already is (most are: names are matched by the
/// thousand in a file).
pub fn snake_cased(name: &str) -> std::borrow::Cow<'_, str> {
    if name
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase() && !matches!(b, b'-' | b' ' | b'.'))
    {
        return std::borrow::Cow::Borrowed(name);
    }
    std::borrow::Cow::Owned(snake_case_owned(name))
}

fn snake_case_owned(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c == '-' || c == ' ' || c == '.' {
            out.push('_');
            continue;
        }
        if c.is_uppercase() && i > 0 {
            let prev = chars.get(i - 1).copied().unwrap_or('_');
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if prev.is_lowercase() || prev.is_ascii_digit() || (prev.is_uppercase() && next_lower) {
                out.push('_');
            }
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// One check of what a release archive ships.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackageMatch {
    pub check: super::checks::PackageCheck,
}

/// One check on the inventory of a file's MCP tools.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToolInventoryMatch {
    pub check: crate::tools::InventoryCheck,
    /// Calls that give a tool a capability whatever its inputs (`fs.writeFile` writes files),
    /// found in the tool's handler and the functions it calls.
    #[serde(default)]
    pub effects: Vec<EffectCalls>,
    /// What a tool's annotations or description promise, and the capabilities that break
    /// the promise.
    #[serde(default)]
    pub claims: Vec<crate::tools::Claim>,
}

/// Calls that give a tool `capability` (`file-write`, `file-delete`) when their arguments
/// meet every condition in `args` (the same conditions as a call rule's).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EffectCalls {
    pub capability: String,
    #[serde(default)]
    pub callees: Vec<String>,
    /// Values whose reading gives the capability (`os.environ`, `process.env`), as canonical
    /// names.
    #[serde(default)]
    pub reads: Vec<String>,
    /// Another capability of the rule whose calls' results, when the tool returns them, give
    /// this one (`file-return` from `file-read`: the tool hands back what it read).
    #[serde(default)]
    pub returned: Option<String>,
    #[serde(default)]
    pub args: Vec<ArgCondition>,
}

/// One check of Dockerfiles; findings are reported under this rule's id.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DockerfileMatch {
    pub check: super::checks::DockerCheck,
}

/// One check of MCP client configurations; findings are reported under this rule's id.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct McpConfigMatch {
    pub check: super::checks::ConfigCheck,
}

/// One check of the dependency audit; the audit reports it under this rule's id.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DependencyMatch {
    pub check: super::checks::DepCheck,
    /// Named sets of symbols (an SDK's HTTP transports), for `advisories` to refer to.
    #[serde(default)]
    pub apis: std::collections::BTreeMap<String, Vec<String>>,
    /// Which advisories concern which part of a package, where the advisory itself does not
    /// name its vulnerable code.
    #[serde(default)]
    pub advisories: Vec<AdvisoryScope>,
}

/// The part of a package one advisory is about.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdvisoryScope {
    /// The advisory's ids and aliases (any one matches).
    pub ids: Vec<String>,
    /// What it concerns, as a message says it ("the SSE and streamable HTTP transports").
    pub concerns: String,
    /// Names in `apis`.
    #[serde(default)]
    pub apis: Vec<String>,
    #[serde(default)]
    pub symbols: Vec<String>,
}

impl DependencyMatch {
    /// Adds what the map says of the advisory (known by its id or any alias): what it
    /// concerns, and the symbols of its APIs to those the advisory names itself.
    pub fn describe(&self, advisory: &mut crate::finding::AdvisoryRef) {
        let known = |id: &str| {
            advisory.id.eq_ignore_ascii_case(id)
                || advisory.aliases.iter().any(|a| a.eq_ignore_ascii_case(id))
        };
        let Some(scope) = self
            .advisories
            .iter()
            .find(|scope| scope.ids.iter().any(|id| known(id)))
        else {
            return;
        };
        let named = scope
            .apis
            .iter()
            .filter_map(|api| self.apis.get(api))
            .flatten();
        for symbol in named.chain(&scope.symbols) {
            if !advisory.symbols.contains(symbol) {
                advisory.symbols.push(symbol.clone());
            }
        }
        advisory.concerns = Some(scope.concerns.clone());
    }
}

/// Which fault of an `mcpgate:ignore` comment the rule reports.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IgnoreCommentMatch {
    #[serde(default)]
    pub check: IgnoreCheck,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IgnoreCheck {
    /// `mcpgate:ignore RULE` with nothing after the rule id.
    #[default]
    WithoutReason,
    /// The marker in a comment, followed by no rule id or an id no rule has.
    Invalid,
    /// An ignore that silenced no finding on its line or the next.
    Unused,
}

/// A credential in any text file: keywords (the prefilter), a regex whose `secret_group`
/// captures the secret, an entropy floor and allowlists against placeholders.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretMatch {
    /// Lowercase substrings, one of which must occur in the file for the regex to run.
    pub keywords: Vec<String>,
    pub regex: String,
    /// The capture group that holds the secret (default 1).
    #[serde(default = "default_secret_group")]
    pub secret_group: usize,
    /// Shannon entropy (bits per character) the secret must reach.
    pub min_entropy: Option<f64>,
    /// Regexes on the secret that mark it as a placeholder or test value.
    #[serde(default)]
    pub allowlist: Vec<String>,
    /// Compiled `regex` and `allowlist`, filled in when the rule is loaded.
    #[serde(skip)]
    pub compiled: Option<regex::Regex>,
    #[serde(skip)]
    pub compiled_allowlist: Vec<regex::Regex>,
}

fn default_secret_group() -> usize {
    1
}

/// Checks on the text an MCP server shows the model about its tools: docstrings of entry
/// points, `description=` arguments, low-level `Tool(description=...)` declarations.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DescriptionMatch {
    /// Regexes (`regex` crate syntax) of instructions aimed at the model: one match is
    /// enough.
    #[serde(default)]
    pub patterns: Vec<String>,
    /// Phrases that also occur in honest descriptions (`before using this tool`, a
    /// credential file's name), in kinds of signal: they count when two different kinds
    /// match the same text (a directive and a credential file, not two directives).
    #[serde(default)]
    pub supporting: Vec<Signal>,
    /// Long base64 or hex runs (not paths or URLs, whose segments are short).
    #[serde(default)]
    pub encoded: bool,
    /// Zero-width, bidi-control and Unicode tag characters, raw or as `\u` escapes.
    #[serde(default)]
    pub hidden_characters: bool,
    /// Descriptions longer than this many characters.
    pub max_length: Option<usize>,
    /// Every text of the kinds in `texts` is a finding (text set at run time, say).
    #[serde(default)]
    pub present: bool,
    /// Which texts the rule reads.
    #[serde(default = "default_texts")]
    pub texts: Vec<TextKind>,
    /// `patterns`, compiled when the rule is loaded.
    #[serde(skip)]
    pub compiled: Vec<regex::Regex>,
    /// The patterns of `supporting`, compiled when the rule is loaded, with the index of
    /// their signal.
    #[serde(skip)]
    pub compiled_supporting: Vec<(usize, regex::Regex)>,
}

/// One kind of weak signal of a tool-description rule.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signal {
    /// What the patterns have in common (`directive`, `credential`), for the docs.
    pub signal: String,
    pub patterns: Vec<String>,
}

/// A kind of text a server shows the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TextKind {
    /// A tool's, prompt's or resource's description: the decorator's `description=` or else
    /// the docstring, a registration's description argument, a manifest's description.
    Description,
    /// A parameter's description (`Field(description=...)`, zod `.describe(...)`, a JSON
    /// schema `description`).
    Parameter,
    /// The server's `instructions`, sent to the client at initialization.
    Instructions,
    /// Text a tool returns, as written in the source.
    Output,
    /// A description assigned at run time (`tool.__doc__ = ...`), after a review of the
    /// source saw another.
    Runtime,
    /// A tool's display title (`title=`, `annotations.title`): clients show it to the user
    /// and may pass it to the model.
    Title,
    /// A tool's name written as a constant of another module (`registerTool(TOOL_NAME, ...)`):
    /// read to name the tool; no rule checks it unless it lists it.
    Name,
}

impl TextKind {
    fn label(self) -> &'static str {
        match self {
            TextKind::Description => "descriptions of tools, prompts and resources",
            TextKind::Parameter => "parameter descriptions",
            TextKind::Instructions => "server instructions",
            TextKind::Output => "literal text tools return",
            TextKind::Runtime => "descriptions set at run time",
            TextKind::Title => "tool titles",
            TextKind::Name => "tool names",
        }
    }
}

fn default_texts() -> Vec<TextKind> {
    vec![
        TextKind::Description,
        TextKind::Parameter,
        TextKind::Instructions,
        TextKind::Runtime,
        TextKind::Title,
    ]
}

/// A call to one of `callees` whose arguments meet every condition in `args`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallMatch {
    /// Canonical names after import resolution (`subprocess.run`, `eval`), or `*.name` for a
    /// method of that name on any object that is not a module (`*.execute`, `*.read_text`).
    pub callees: Vec<String>,
    #[serde(default)]
    pub args: Vec<ArgCondition>,
    /// Calls that make a tainted value safe for this rule (`shlex.quote` for shell
    /// commands); canonical names like `callees`. `path-containment` stands for a correct
    /// containment check of the variable that holds the value.
    #[serde(default)]
    pub sanitizers: Vec<String>,
    /// The least trusted source that is reported (default `any`). Sinks that ordinary code
    /// uses all the time (`open`, `requests.get`) report only values traced to a source.
    #[serde(default)]
    pub min_source: MinSource,
    /// The value must have gone through one of these calls (`os.path.abspath`), for rules
    /// about a check done on the wrong kind of value.
    #[serde(default)]
    pub requires: Vec<String>,
    /// The value must come out of one of these calls (`requests.get`: a page someone else
    /// wrote), on some path: rules about what a tool passes on rather than what it is given.
    #[serde(default)]
    pub sources: Vec<String>,
    /// The rule does not apply in a file whose text contains any of these (for example auth
    /// middleware that makes a network-facing server safe).
    #[serde(default)]
    pub unless_file_mentions: Vec<String>,
    /// The rule applies only in a file whose text contains one of these (for example an MCP
    /// HTTP transport, for rules about how a web server is exposed). Empty: every file.
    #[serde(default)]
    pub only_if_file_mentions: Vec<String>,
    /// For calls that listen on a network address: where the address is. The finding is
    /// graded by it: all interfaces or another host's address keep the rule's severity, an
    /// address chosen at run time is one level lower, localhost is no finding.
    #[serde(default)]
    pub bind: Option<BindArg>,
    /// Calls that, found in any module of the project that is not test code, make the rule
    /// silent everywhere: authentication wired in one module protects the server another
    /// module starts (`FastMCP(auth=...)`, `requireBearerAuth(...)`).
    #[serde(default)]
    pub unless_project_calls: Vec<ProjectCall>,
    /// The same, as regexes on the text of the project's source files in the rule's
    /// languages (`headers.get("authorization")` read by a hand-written middleware).
    #[serde(default)]
    pub unless_project_matches: Vec<String>,
    /// `unless_project_matches`, compiled when the rule is loaded.
    #[serde(skip)]
    pub project_regexes: Vec<regex::Regex>,
}

/// Where a listening call takes its address.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct BindArg {
    /// The positional argument (0-based) that holds the address, if any.
    pub position: Option<usize>,
    /// Keyword arguments or options-object properties that hold it (`host`, `hostname`).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// What the call listens on when no address is passed.
    pub absent: BindDefault,
}

/// Where a server listens when it is given no address.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum BindDefault {
    /// `127.0.0.1` (uvicorn, FastMCP).
    Local,
    /// Every interface (Node's `listen(port)`).
    AllInterfaces,
}

/// A call that counts as evidence for `unless_project_calls`: one of `callees` whose
/// arguments meet every condition in `args` (the same conditions as a call rule's).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectCall {
    pub callees: Vec<String>,
    #[serde(default)]
    pub args: Vec<ArgCondition>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MinSource {
    /// Also values computed at run time but not traced to a parameter.
    #[default]
    Any,
    /// Parameters of MCP entry points and of public functions.
    Parameter,
    /// Only parameters of MCP entry points.
    Entry,
}

/// A condition on one argument, found by `keyword` name or by `position` (0-based), or on
/// the `receiver` (the object a method is called on).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArgCondition {
    pub position: Option<usize>,
    /// Several positions: the condition holds for any of them (`shutil.move(src, dst)`).
    #[serde(default)]
    pub positions: Vec<usize>,
    pub keyword: Option<String>,
    /// With `position`: that argument and every later positional one form the argv
    /// (`asyncio.create_subprocess_exec("sh", "-c", script)`).
    #[serde(default)]
    pub rest: bool,
    #[serde(default)]
    pub receiver: bool,
    /// What the argument must be.
    pub is: Option<ArgIs>,
    /// Fires when the argument is missing or is none of these (canonical names or literals).
    pub not_one_of: Option<Vec<String>>,
    /// Fires when the argument is one of these (canonical names or literals).
    pub one_of: Option<Vec<String>>,
    /// Fires when the argument's source text matches this regex (`regex` crate syntax).
    pub matches: Option<String>,
    /// Fires when the argument is present and its source text does not match this regex.
    pub not_matches: Option<String>,
    /// With `matches`: a match whose own text matches this regex does not count
    /// (`{has_token}` is no token).
    pub except: Option<String>,
    /// Fires when the argument is the result of a call to one of these, directly or through a
    /// variable of the same function (`tf = tarfile.open(p)`, `with tarfile.open(p) as tf`).
    pub made_by: Option<Vec<String>>,
    /// `matches` / `not_matches`, compiled when the rule is loaded.
    #[serde(skip)]
    pub regex: Option<regex::Regex>,
    /// `except`, compiled when the rule is loaded.
    #[serde(skip)]
    pub except_regex: Option<regex::Regex>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ArgIs {
    /// Present and the literal `True` (or another constant that is truthy).
    True,
    /// Present and the literal `False` (or another constant that is falsy).
    False,
    /// Present and not a constant: a value that may come from outside.
    Dynamic,
    /// Present at all.
    Present,
    /// Not passed (and no `**kwargs` spread that could pass it).
    Absent,
    /// Not a string literal: missing, or a function, a number, a variable
    /// (`app.listen(3000, () => ...)` has no host).
    NotString,
    /// A list or tuple literal (an argv) with a non-constant element after the program name
    /// and before any `--`, which could be read as an option (`["git", "log", ref]`).
    ArgvInjection,
    /// The script of a shell an argv starts (`["bash", "-c", script]`, or `spawn("sh",
    /// ["-c", script])` where the program is the call's first argument) is not constant.
    ShellScript,
    /// The program an argv runs is not constant: its first element, or the whole value when
    /// it is not a list written out (`shlex.split(cmd)`, a list passed in).
    Program,
    /// Each positional argument from here on is one command-line argument of its own (a
    /// library that builds the argv: GitPython's `repo.git.checkout(ref)`): one whose first
    /// character comes from input, before any `--`, can be read as an option.
    CliArguments,
}

impl ArgIs {
    /// Whether the condition is about input reaching the argument (traced), rather than the
    /// call's shape.
    pub fn is_taint(self) -> bool {
        matches!(
            self,
            ArgIs::Dynamic
                | ArgIs::ArgvInjection
                | ArgIs::ShellScript
                | ArgIs::Program
                | ArgIs::CliArguments
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_already_in_snake_case_are_borrowed_others_converted() {
        assert!(matches!(
            snake_cased("session_id2"),
            std::borrow::Cow::Borrowed("session_id2")
        ));
        for (name, snake) in [
            ("sessionId", "session_id"),
            ("APIKey", "api_key"),
            ("X-Api-Key", "x_api_key"),
            ("auth.token", "auth_token"),
            ("\u{1c5}emo", "\u{1c6}emo"),
        ] {
            assert_eq!(snake_cased(name), snake, "{name}");
            assert_eq!(snake_case(name), snake, "{name}");
        }
    }
}
