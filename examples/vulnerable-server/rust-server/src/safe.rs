//! The same jobs done safely: no finding here.

use rmcp::{handler::server::wrapper::Parameters, tool, tool_router};
use std::path::PathBuf;
use std::process::Command;

use crate::{ArchiveArgs, ReadArgs, SearchArgs};

#[derive(Clone)]
pub struct SafeNotes {
    root: PathBuf,
}

#[tool_router]
impl SafeNotes {
    #[tool(description = "Search the notes for a pattern")]
    fn search(&self, Parameters(args): Parameters<SearchArgs>) -> String {
        // The pattern is one argument of grep, after `--`: no shell, no option.
        let out = Command::new("grep")
            .args(["-r", "--"])
            .arg(&args.pattern)
            .arg("notes/")
            .output();
        out.map(|o| String::from_utf8_lossy(&o.stdout).to_string())
            .unwrap_or_default()
    }

    #[tool(description = "Read one note")]
    fn read(&self, Parameters(ReadArgs { name }): Parameters<ReadArgs>) -> String {
        // Resolved (`..` and links followed), then contained by components.
        let Ok(real) = std::fs::canonicalize(self.root.join(&name)) else {
            return "no such note".to_string();
        };
        if !real.starts_with(&self.root) {
            return "outside the notes".to_string();
        }
        std::fs::read_to_string(real).unwrap_or_default()
    }

    #[tool(description = "Archive the notes into a file")]
    fn archive(&self, Parameters(args): Parameters<ArchiveArgs>) -> String {
        if args.target.starts_with('-') {
            return "a file name, not an option".to_string();
        }
        let out = Command::new("tar")
            .arg("czf")
            .arg(&args.target)
            .arg("notes/")
            .output();
        out.map(|o| String::from_utf8_lossy(&o.stderr).to_string())
            .unwrap_or_default()
    }
}
