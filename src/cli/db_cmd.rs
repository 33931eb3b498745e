//! `mcpgate db update | import | status`.

use super::args::{DbImportArgs, DbLocation, DbStatusArgs, DbUpdateArgs};
use crate::deps::AdvisoryDb;
use crate::deps::store::{self, DbStatus};
use crate::deps::update::{UpdateOptions, update as download};
use std::path::PathBuf;
use std::time::Duration;

fn db_dir(location: &DbLocation) -> PathBuf {
    location.db.clone().unwrap_or_else(store::default_dir)
}

pub fn update(args: &DbUpdateArgs) -> Result<u8, String> {
    let mut options = UpdateOptions {
        db: db_dir(&args.location),
        base_url: args.source.clone(),
        timeout: Duration::from_secs(args.timeout.max(1)),
        ..UpdateOptions::default()
    };
    if !args.ecosystem.is_empty() {
        options.ecosystems = args.ecosystem.clone();
    }
    eprintln!(
        "mcpgate: downloading {} advisories from {} ...",
        options
            .ecosystems
            .iter()
            .map(|e| e.osv_name())
            .collect::<Vec<_>>()
            .join(", "),
        options.base_url
    );
    let status = download(&options).map_err(|e| {
        format!("{e}\nmcpgate: the existing advisory database (if any) was left as it was")
    })?;
    print_status(&status);
    Ok(0)
}

pub fn import(args: &DbImportArgs) -> Result<u8, String> {
    let dir = db_dir(&args.location);
    let loaded = store::load_sources(&args.sources).map_err(|e| e.to_string())?;
    for (file, reason) in loaded.skipped.iter().take(10) {
        eprintln!(
            "mcpgate: skipped {file}: {}",
            crate::redact::scrub(&reason.to_string())
        );
    }
    if loaded.skipped.len() > 10 {
        eprintln!(
            "mcpgate: ... and {} more skipped files",
            loaded.skipped.len() - 10
        );
    }
    if loaded.advisories.is_empty() {
        return Err(format!(
            "no advisories found in {}; nothing was written",
            args.sources
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let sources = args
        .sources
        .iter()
        .map(|p| {
            std::fs::canonicalize(p)
                .unwrap_or_else(|_| p.clone())
                .display()
                .to_string()
        })
        .collect();
    let status = store::write_store(&dir, loaded, sources).map_err(|e| e.to_string())?;
    print_status(&status);
    Ok(0)
}

pub fn status(args: &DbStatusArgs) -> Result<u8, String> {
    let dir = db_dir(&args.location);
    let db = AdvisoryDb::open(&dir).map_err(|e| e.to_string())?;
    print_status(db.status());
    Ok(0)
}

fn print_status(status: &DbStatus) {
    println!("database: {} ({})", status.path.display(), status.kind);
    for source in &status.sources {
        println!("source:   {}", crate::redact::scrub(&source.to_string()));
    }
    match status.age() {
        Some(age) => println!("built:    {} ago", human_age(age)),
        None => println!("built:    unknown (records read as they are)"),
    }
    println!("advisories: {}", status.total());
    for (ecosystem, count) in &status.counts {
        println!("  {:<10} {count}", ecosystem.osv_name());
    }
    if status.skipped > 0 {
        println!(
            "skipped:  {} source files were not readable advisories",
            status.skipped
        );
    }
}

fn human_age(age: Duration) -> String {
    let secs = age.as_secs();
    match secs {
        0..=119 => format!("{secs} seconds"),
        120..=7199 => format!("{} minutes", secs / 60),
        7200..=172_799 => format!("{} hours", secs / 3600),
        _ => format!("{} days", secs / 86_400),
    }
}
