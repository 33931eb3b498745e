//! A notes server on the official Rust SDK (rmcp), with bugs planted on purpose.

use rmcp::{
    ErrorData as McpError, ServerHandler,
    handler::server::{router::tool::ToolRouter, wrapper::Parameters},
    model::{CallToolResult, Content},
    tool, tool_router,
};
use std::path::PathBuf;
use std::process::Command;

mod safe;
mod tools;

#[derive(Debug, serde::Deserialize, schemars::JsonSchema)]
pub struct SearchArgs {
    pub pattern: String,
}

#[derive(Debug, serde::Deserialize, schemars::JsonSchema)]
pub struct ReadArgs {
    pub name: String,
}

#[derive(Debug, serde::Deserialize, schemars::JsonSchema)]
pub struct ArchiveArgs {
    pub target: String,
}

#[derive(Clone)]
pub struct Notes {
    root: PathBuf,
    tool_router: ToolRouter<Self>,
}

#[tool_router]
impl Notes {
    #[tool(description = "Search the notes for a pattern")]
    fn search(&self, Parameters(args): Parameters<SearchArgs>) -> Result<CallToolResult, McpError> {
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!("grep -r {} notes/", args.pattern))
            .output()
            .map_err(|e| McpError::internal_error(e.to_string(), None))?;
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        Ok(CallToolResult::success(vec![Content::text(text)]))
    }

    #[tool(description = "Read one note")]
    fn read(&self, Parameters(ReadArgs { name }): Parameters<ReadArgs>) -> String {
        std::fs::read_to_string(self.root.join(&name)).unwrap_or_default()
    }

    #[tool(description = "Archive the notes into a file")]
    async fn archive(&self, Parameters(args): Parameters<ArchiveArgs>) -> String {
        tools::archive::pack(&args.target).await
    }
}

impl ServerHandler for Notes {}
