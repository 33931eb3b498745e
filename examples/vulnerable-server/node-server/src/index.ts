// A TypeScript MCP server with the bugs mcpgate exists to catch. Do not run it.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { exec } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { z } from "zod";

const execAsync = promisify(exec);
const allowedDirectory = path.resolve(process.env.DATA_DIR ?? "/srv/data");

const server = new McpServer({ name: "vulnerable-node", version: "0.1.0" });

server.tool(
  "git_log",
  "Show the commit log of a branch",
  { branch: z.string(), limit: z.number().int() },
  async ({ branch, limit }) => {
    const { stdout } = await execAsync(`git log -n ${limit} ${branch}`);
    return { content: [{ type: "text", text: stdout }] };
  },
);

// The containment check of CVE-2025-53110: "/srv/data-secrets" starts with "/srv/data".
async function resolveInside(requested: string): Promise<string> {
  const absolute = path.resolve(allowedDirectory, requested);
  if (!absolute.startsWith(allowedDirectory)) {
    throw new Error(`access denied: ${requested}`);
  }
  return absolute;
}

server.registerTool(
  "read_file",
  { description: "Read a file below the data directory", inputSchema: { path: z.string() } },
  async (args) => {
    const file = await resolveInside(args.path);
    return { content: [{ type: "text", text: await fs.readFile(file, "utf-8") }] };
  },
);

server.tool("fetch_url", { url: z.string().url() }, async ({ url }) => {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { content: [{ type: "text", text: await response.text() }] };
});

server.tool("calculate", { expression: z.string() }, async ({ expression }) => {
  return { content: [{ type: "text", text: String(eval(expression)) }] };
});

await server.connect(new StdioServerTransport());
