//! The checks file-level rules can name (`[match] check = "..."`). They are part of the rule
//! data, so they live with the rule model; each analyzer implements the ones of its kind.

use serde::Deserialize;

/// The checks a dependency rule can name (`[match] kind = "dependency"`, `check = ...`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DepCheck {
    /// A package version with a vulnerability advisory.
    Vulnerable,
    /// A package published as malware.
    Malicious,
    /// A package its advisory database marks unmaintained.
    Unmaintained,
    /// Other informational advisories (unsound code, notices).
    Informational,
    /// A manifest spec that pins nothing.
    Unpinned,
    /// A spec that fetches from a URL, git or a path outside the repository.
    RemoteSource,
    /// A manifest with dependencies and no lockfile beside it or above it.
    MissingLockfile,
    /// An install script of the package that downloads from the network.
    InstallScript,
}

impl DepCheck {
    pub fn as_str(self) -> &'static str {
        match self {
            DepCheck::Vulnerable => "vulnerable",
            DepCheck::Malicious => "malicious",
            DepCheck::Unmaintained => "unmaintained",
            DepCheck::Informational => "informational",
            DepCheck::Unpinned => "unpinned",
            DepCheck::RemoteSource => "remote-source",
            DepCheck::MissingLockfile => "missing-lockfile",
            DepCheck::InstallScript => "install-script",
        }
    }
}

/// The checks a `dockerfile` rule can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DockerCheck {
    /// No `USER` in the final stage, or `USER root`/`0`.
    RootUser,
    /// `curl ... | sh`, `wget -O- ... | bash` in `RUN`.
    PipeToShell,
    /// Credentials in `ENV`/`ARG` defaults, or `.env`/key files copied in.
    SecretInImage,
    /// `ADD https://...` without `--checksum`.
    RemoteAdd,
    /// `FROM image`, `FROM image:latest` (no tag or digest).
    UnpinnedBase,
    /// A compose service with `privileged`, host namespaces, added capabilities or
    /// sensitive mounts.
    ComposeHostAccess,
}

/// The checks an `mcp-config` rule can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConfigCheck {
    /// `npx pkg`, `uvx pkg`, `pipx run pkg`, `docker run image:latest`: no pinned version.
    UnpinnedLaunch,
    /// A remote server over plain `http://` to a host that is not this machine.
    PlaintextHttp,
    /// `docker run --privileged`, host network, added capabilities, mounts of `/`, the docker
    /// socket or credential directories.
    DangerousContainer,
    /// `bash -c` / `sh -c` with expansions in the command line.
    ShellCommand,
    /// A filesystem server given `/`, the home directory or a drive root.
    BroadFilesystem,
    /// Write, shell or network tools in `autoApprove` / `alwaysAllow`.
    AutoApprove,
    /// A literal credential in `env`, `headers` or `args`.
    HardcodedCredential,
}

/// The checks a `package` rule can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PackageCheck {
    /// Environment files, private keys, registry credentials, `.git/` in the package.
    SensitiveFile,
    /// A source map whose `sourcesContent` carries files from outside the package.
    SourceMapSource,
}

/// The checks an `auth` rule can name: who may call a server's tools, read from the IR of
/// each function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuthCheck {
    /// A secret (token, session id, password, nonce) made with a generator an attacker can
    /// predict: `random`, `Math.random`, `uuid1`, the clock.
    WeakToken,
    /// An auth check that lets the caller in when the token is missing or its verification
    /// raises.
    FailOpen,
    /// A secret compared with `==`, whose time depends on how many leading characters match.
    SecretCompare,
    /// An OAuth redirect handler that takes the `code` and never reads the `state` it sent:
    /// any site can make the browser finish a login the user never started (login CSRF).
    OauthState,
    /// A session looked up by the id the client sent, in a server that knows who each caller
    /// is, with nothing checking the session is the caller's: another user who learns the id
    /// takes the session over.
    SessionBinding,
}
