//! `mcpgate upload`: a SARIF file to GitHub code scanning, from any CI.

use super::args::UploadArgs;
use crate::github::UploadTarget;
use crate::github::upload::{Token, UploadOptions, UploadOutcome, upload_sarif};

pub fn run(args: &UploadArgs) -> Result<u8, String> {
    let sarif = std::fs::read_to_string(&args.sarif)
        .map_err(|e| format!("{}: cannot read: {e}", args.sarif.display()))?;
    let (owner, repo) = args
        .repo
        .split_once('/')
        .filter(|(o, r)| !o.is_empty() && !r.is_empty() && !r.contains('/'))
        .ok_or_else(|| format!("--repo `{}` is not owner/name", args.repo))?;
    if args.commit.len() != 40 || !args.commit.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!(
            "--commit `{}` is not a 40-character SHA",
            args.commit
        ));
    }
    if !args.git_ref.starts_with("refs/") {
        return Err(format!(
            "--ref `{}` is not a full ref (refs/heads/main, refs/pull/7/head)",
            args.git_ref
        ));
    }
    let target = UploadTarget {
        owner: owner.to_string(),
        repo: repo.to_string(),
        commit_sha: args.commit.clone(),
        git_ref: args.git_ref.clone(),
    };
    let mut options = UploadOptions::new(&args.api_url, Token::new(&args.token));
    options.checkout_uri = args.checkout_uri.clone();
    options.wait = !args.no_wait;
    crate::cli::action_cmd::apply_test_timing(&mut options);
    match upload_sarif(&sarif, &target, &options).map_err(|e| e.to_string())? {
        UploadOutcome::Complete { id, analyses_url } => {
            eprintln!(
                "mcpgate: GitHub processed the upload {id}{}",
                analyses_url.map(|u| format!(": {u}")).unwrap_or_default()
            );
            Ok(0)
        }
        UploadOutcome::Pending { id } => {
            eprintln!("mcpgate: uploaded as {id}; GitHub is still processing it");
            Ok(0)
        }
        UploadOutcome::Failed { id, errors } => Err(format!(
            "GitHub could not process the upload {id}: {}",
            errors.join("; ")
        )),
    }
}
