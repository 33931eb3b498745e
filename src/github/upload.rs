//! SARIF upload to GitHub code scanning (`POST /repos/{o}/{r}/code-scanning/sarifs`) with
//! octocrab, then polling of the processing status.
//!
//! The token is held in a type whose `Debug` hides it, handed to octocrab as a secret, and
//! scrubbed from every error message this module returns.

use super::UploadTarget;
use base64::Engine as _;
use flate2::Compression;
use flate2::write::GzEncoder;
use octocrab::Octocrab;
use octocrab::models::code_scannings::{SarifAnalysis, UploadSarif};
use std::io::Write;
use std::time::Duration;

/// GitHub rejects uploads whose gzip-compressed SARIF is over 10 MB.
pub const MAX_GZIP_BYTES: usize = 10 * 1000 * 1000;

/// A GitHub token. Never shown: `Debug` prints a placeholder.
#[derive(Clone)]
pub struct Token(String);

impl Token {
    pub fn new(value: impl Into<String>) -> Token {
        Token(value.into())
    }

    fn scrub(&self, text: &str) -> String {
        if self.0.len() < 4 {
            return text.to_string();
        }
        text.replace(&self.0, "***")
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(***)")
    }
}

#[derive(Clone, Debug)]
pub struct UploadOptions {
    /// `https://api.github.com`, or a GitHub Enterprise Server's API URL.
    pub api_url: String,
    pub token: Token,
    /// `file:///github/workspace/`: turns absolute URIs in the SARIF into repository paths.
    pub checkout_uri: Option<String>,
    /// When the analysis started.
    pub started_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Wait for GitHub to process the upload and report its result.
    pub wait: bool,
    /// First wait between status polls; doubled each time.
    pub poll_interval: Duration,
    pub poll_attempts: u32,
    /// Attempts for requests that fail with 5xx, 429 or a secondary rate limit.
    pub request_attempts: u32,
    /// First wait before a retry; doubled each time.
    pub retry_delay: Duration,
    /// Per connection, read and write.
    pub timeout: Duration,
    /// For the whole upload, retries and waiting included: a server that answers slowly,
    /// byte by byte, or never finishes processing must not hold the job.
    pub deadline: Duration,
}

impl UploadOptions {
    /// codeql-action's schedule: status after 5 s, doubling, 5 tries; 3 tries per request.
    pub fn new(api_url: impl Into<String>, token: Token) -> UploadOptions {
        UploadOptions {
            api_url: api_url.into(),
            token,
            checkout_uri: None,
            started_at: None,
            wait: true,
            poll_interval: Duration::from_secs(5),
            poll_attempts: 5,
            request_attempts: 3,
            retry_delay: Duration::from_secs(2),
            timeout: Duration::from_secs(60),
            deadline: Duration::from_secs(300),
        }
    }
}

/// What became of an upload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UploadOutcome {
    /// GitHub processed it; the analyses are at the URL.
    Complete {
        id: String,
        analyses_url: Option<String>,
    },
    /// GitHub rejected the SARIF while processing it.
    Failed { id: String, errors: Vec<String> },
    /// Still processing when mcpgate stopped waiting (or was told not to wait).
    Pending { id: String },
}

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// Code scanning is off (private repository without Advanced Security), the token lacks
    /// `security-events: write`, or the token is a fork pull request's read-only one.
    #[error("GitHub refused the upload (HTTP {status}): {message}")]
    Forbidden { status: u16, message: String },
    #[error("the SARIF is {size} bytes gzip-compressed; GitHub accepts at most {MAX_GZIP_BYTES}")]
    TooLarge { size: usize },
    #[error("GitHub answered HTTP {status}: {message}")]
    Rejected { status: u16, message: String },
    #[error("cannot reach GitHub at {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("the upload did not finish within {seconds} s")]
    Deadline { seconds: u64 },
    #[error("cannot upload: {0}")]
    Setup(String),
}

/// gzip, then base64: the form the upload API takes the SARIF in.
pub fn encode_sarif(sarif: &str) -> Result<String, UploadError> {
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(sarif.as_bytes())
        .map_err(|e| UploadError::Setup(e.to_string()))?;
    let bytes = gz.finish().map_err(|e| UploadError::Setup(e.to_string()))?;
    if bytes.len() > MAX_GZIP_BYTES {
        return Err(UploadError::TooLarge { size: bytes.len() });
    }
    Ok(base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// Uploads `sarif` for `target` and, if asked, waits for GitHub to process it. Blocking.
pub fn upload_sarif(
    sarif: &str,
    target: &UploadTarget,
    options: &UploadOptions,
) -> Result<UploadOutcome, UploadError> {
    let body = UploadSarif {
        commit_sha: target.commit_sha.clone(),
        ref_field: target.git_ref.clone(),
        sarif: encode_sarif(sarif)?,
        checkout_uri: options.checkout_uri.clone(),
        started_at: options.started_at,
        tool_name: Some("mcpgate".into()),
        validate: None,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| UploadError::Setup(e.to_string()))?;
    let deadline = options.deadline;
    runtime
        .block_on(async {
            match tokio::time::timeout(deadline, run(&body, target, options, deadline)).await {
                Ok(result) => result,
                Err(_) => Err(UploadError::Deadline {
                    seconds: deadline.as_secs(),
                }),
            }
        })
        .map_err(|e| scrub_error(e, &options.token))
}

async fn run(
    body: &UploadSarif,
    target: &UploadTarget,
    options: &UploadOptions,
    deadline: Duration,
) -> Result<UploadOutcome, UploadError> {
    let started = tokio::time::Instant::now();
    let client = Octocrab::builder()
        .base_uri(options.api_url.as_str())
        .map_err(|e| UploadError::Setup(format!("API URL `{}`: {e}", options.api_url)))?
        .personal_token(options.token.0.clone())
        .set_connect_timeout(Some(options.timeout))
        .set_read_timeout(Some(options.timeout))
        .set_write_timeout(Some(options.timeout))
        .build()
        .map_err(|e| UploadError::Setup(e.to_string()))?;
    let repos = client.repos(&target.owner, &target.repo);
    let scanning = repos.code_scanning();
    let receipt = with_retries(options, || scanning.upload_sarif(body)).await?;
    if !options.wait {
        return Ok(UploadOutcome::Pending { id: receipt.id });
    }
    let mut delay = options.poll_interval;
    for _ in 0..options.poll_attempts {
        // Uploaded is uploaded: past the deadline, the answer is "still processing".
        if started.elapsed().saturating_add(delay) >= deadline {
            break;
        }
        tokio::time::sleep(delay).await;
        delay = delay.saturating_mul(2);
        let status: SarifAnalysis =
            with_retries(options, || scanning.get_sarif(&receipt.id)).await?;
        match status.processing_status.as_str() {
            "complete" => {
                return Ok(UploadOutcome::Complete {
                    id: receipt.id,
                    analyses_url: status.analyses_url.map(|u| u.to_string()),
                });
            }
            "failed" => {
                return Ok(UploadOutcome::Failed {
                    id: receipt.id,
                    errors: status.errors.unwrap_or_default(),
                });
            }
            _ => {}
        }
    }
    Ok(UploadOutcome::Pending { id: receipt.id })
}

/// Runs `request`, retrying server errors, 429 and secondary rate limits with backoff.
async fn with_retries<T, F, Fut>(options: &UploadOptions, request: F) -> Result<T, UploadError>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = octocrab::Result<T>>,
{
    let mut delay = options.retry_delay;
    let mut attempt = 1;
    loop {
        let error = match request().await {
            Ok(value) => return Ok(value),
            Err(e) => classify(e, &options.api_url),
        };
        let transient = match &error {
            UploadError::Rejected { status, message } => {
                *status >= 500 || *status == 429 || message.contains("rate limit")
            }
            UploadError::Forbidden { message, .. } => message.contains("rate limit"),
            UploadError::Unreachable { .. } => true,
            _ => false,
        };
        if !transient || attempt >= options.request_attempts {
            return Err(error);
        }
        tokio::time::sleep(delay).await;
        delay = delay.saturating_mul(2);
        attempt += 1;
    }
}

fn classify(error: octocrab::Error, api_url: &str) -> UploadError {
    match error {
        octocrab::Error::GitHub { source, .. } => {
            let status = source.status_code.as_u16();
            let message = source.message.clone();
            if status == 403 || status == 401 {
                UploadError::Forbidden { status, message }
            } else {
                UploadError::Rejected { status, message }
            }
        }
        other => UploadError::Unreachable {
            url: api_url.to_string(),
            reason: other.to_string(),
        },
    }
}

fn scrub_error(error: UploadError, token: &Token) -> UploadError {
    match error {
        UploadError::Forbidden { status, message } => UploadError::Forbidden {
            status,
            message: token.scrub(&message),
        },
        UploadError::Rejected { status, message } => UploadError::Rejected {
            status,
            message: token.scrub(&message),
        },
        UploadError::Unreachable { url, reason } => UploadError::Unreachable {
            url: token.scrub(&url),
            reason: token.scrub(&reason),
        },
        UploadError::Setup(reason) => UploadError::Setup(token.scrub(&reason)),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn sarif_round_trips_through_gzip_and_base64() {
        let encoded = encode_sarif("{\"version\":\"2.1.0\"}").expect("encodes");
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .expect("base64");
        let mut text = String::new();
        flate2::read::GzDecoder::new(bytes.as_slice())
            .read_to_string(&mut text)
            .expect("gzip");
        assert_eq!(text, "{\"version\":\"2.1.0\"}");
    }

    #[test]
    fn tokens_never_show() {
        let token = Token::new("ghs_secretvalue123");
        assert_eq!(format!("{token:?}"), "Token(***)");
        assert_eq!(token.scrub("x ghs_secretvalue123 y"), "x *** y");
    }
}
