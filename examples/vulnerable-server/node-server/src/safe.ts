// The same jobs as index.ts, done safely: mcpgate must report nothing here.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { z } from "zod";

const execFileAsync = promisify(execFile);
const allowedDirectory = path.resolve(process.env.DATA_DIR ?? "/srv/data");
const ALLOWED_HOSTS = new Set(["api.github.com", "pypi.org"]);
const MAX_BYTES = 1_000_000;

export const server = new McpServer({ name: "safe-node", version: "0.1.0" });

server.tool(
  "git_log",
  "Show the commit log of a branch",
  { branch: z.string(), limit: z.number().int().max(100) },
  async ({ branch, limit }) => {
    // An argument array and `--`: no shell, and the branch cannot become an option.
    const { stdout } = await execFileAsync("git", ["log", "-n", String(limit), "--", branch], {
      timeout: 30_000,
    });
    return { content: [{ type: "text", text: stdout }] };
  },
);

// Text the server did not write is marked, so the model reads it as data, not instructions.
function untrusted(text: string, source: string): string {
  return `<untrusted-content source=${JSON.stringify(source)}>\n${text}\n</untrusted-content>`;
}

// Containment by components, after resolving symlinks.
async function resolveInside(requested: string): Promise<string> {
  const real = await fs.realpath(path.resolve(allowedDirectory, requested));
  const relative = path.relative(allowedDirectory, real);
  if (relative.startsWith("..") || path.isAbsolute(relative)) {
    throw new Error("access denied");
  }
  return real;
}

server.registerTool(
  "read_file",
  { description: "Read a file below the data directory", inputSchema: { path: z.string() } },
  async (args) => {
    const file = await resolveInside(args.path);
    const stats = await fs.stat(file);
    if (!stats.isFile() || stats.size > MAX_BYTES) {
      throw new Error("not a regular file, or too large");
    }
    const text = await fs.readFile(file, "utf-8");
    return { content: [{ type: "text", text: untrusted(text, args.path) }] };
  },
);

server.tool("fetch_url", { url: z.string().url() }, async ({ url }) => {
  const parsed = new URL(url);
  if (parsed.protocol !== "https:" || !ALLOWED_HOSTS.has(parsed.hostname)) {
    throw new Error("host not allowed");
  }
  const response = await fetch(parsed, { signal: AbortSignal.timeout(10_000) });
  return { content: [{ type: "text", text: await response.text() }] };
});

server.tool("calculate", { a: z.number(), b: z.number(), op: z.enum(["+", "-"]) }, async ({ a, b, op }) => {
  return { content: [{ type: "text", text: String(op === "+" ? a + b : a - b) }] };
});
