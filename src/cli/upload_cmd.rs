//! `mcpgate upload`: a SARIF file to GitHub code scanning, from any CI.

use super::args::UploadArgs;
use crate::github::upload::{Token, UploadOptions, UploadOutcome, upload_sarif};
use crate::github::{TargetError, UploadTarget};

pub fn run(args: &UploadArgs) -> Result<u8, String> {
    let sarif = crate::input_file::read_to_string(&args.sarif, crate::input_file::MAX_INPUT_BYTES)
        .map_err(|e| format!("{}: cannot read: {e}", args.sarif.display()))?;
    let target =
        UploadTarget::new(&args.repo, &args.commit, &args.git_ref).map_err(|e| match e {
            TargetError::Repository => format!("--repo `{}` is not owner/name", args.repo),
            TargetError::Commit => format!("--commit `{}` is not a 40-character SHA", args.commit),
            TargetError::Ref => format!(
                "--ref `{}` is not a full ref (refs/heads/main, refs/pull/7/head)",
                args.git_ref
            ),
        })?;
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
