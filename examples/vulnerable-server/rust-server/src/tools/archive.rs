use tokio::process::Command;

/// Packs the notes into `target`: tar reads a target that starts with `-` as an option.
pub async fn pack(target: &str) -> String {
    let mut tar = Command::new("tar");
    tar.arg("czf");
    tar.arg(target);
    tar.arg("notes/");
    match tar.output().await {
        Ok(out) => String::from_utf8_lossy(&out.stderr).to_string(),
        Err(e) => e.to_string(),
    }
}
