//! Who may call (issue 26): guessable tokens, auth checks that fail open, secrets compared in
//! variable time, unverified and hard-coded JWT keys. Each shape is asserted as exact findings
//! (rule, line, severity), next to the safe code a server shaped like a real one writes.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::print_stderr)] // test code: a panic is a failed test, a skip says why

use mcpgate::{RuleSet, Severity, analyze_text};

/// `(rule, line, severity)` of every finding in `src`, sorted.
fn scan(path: &str, src: &str) -> Vec<(String, usize, Severity)> {
    let rules = RuleSet::builtin().expect("rules");
    let outcome = analyze_text(path, src, &rules);
    assert!(outcome.notices.is_empty(), "{:?}", outcome.notices);
    let mut found: Vec<_> = outcome
        .findings
        .into_iter()
        .map(|f| (f.rule_id, f.location.start_line, f.severity))
        .collect();
    found.sort();
    found
}

fn at(rule: &str, line: usize, severity: Severity) -> (String, usize, Severity) {
    (rule.to_string(), line, severity)
}

fn messages(path: &str, src: &str) -> Vec<String> {
    let rules = RuleSet::builtin().expect("rules");
    analyze_text(path, src, &rules)
        .findings
        .into_iter()
        .map(|f| f.message)
        .collect()
}

const PYTHON_AUTH: &str = r#"import hashlib
import os
import random
import time

import jwt

API_KEY = os.environ.get("MCP_API_KEY")


def login(username: str) -> str:
    stamp = int(time.time())
    seed = f"{username}:{stamp}"
    token = hashlib.md5(seed.encode()).hexdigest()
    return token


def verify_token(token: str) -> bool:
    if not token:
        return True
    try:
        jwt.decode(token, "dev-signing-key", algorithms=["HS256"])
    except jwt.InvalidTokenError:
        return True
    return False


class KeyMiddleware:
    async def dispatch(self, request, call_next):
        if not API_KEY:
            return await call_next(request)
        if request.headers.get("x-api-key") != API_KEY:
            raise PermissionError("unauthorized")
        return await call_next(request)


def claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def pick(keys: list) -> str:
    api_key = random.choice(keys)
    return api_key
"#;

#[test]
fn python_auth_shapes_are_found_at_their_lines() {
    assert_eq!(
        scan("server.py", PYTHON_AUTH),
        vec![
            at("python-auth-fail-open", 20, Severity::High),
            at("python-auth-fail-open", 24, Severity::High),
            // The server's own key unset: a deployment mistake, graded one level lower.
            at("python-auth-fail-open", 31, Severity::Medium),
            at("python-jwt-hardcoded-key", 22, Severity::High),
            at("python-jwt-unverified", 38, Severity::High),
            at("python-secret-compare", 32, Severity::Low),
            at("python-weak-token", 14, Severity::Medium),
        ]
    );
    let messages = messages("server.py", PYTHON_AUTH);
    for want in [
        "`time.time()` can be predicted, so a secret made with it can be guessed; `token` is made with it",
        "`verify_token()` fails open; when `token` is missing it lets the call through",
        "`verify_token()` fails open; its error handler lets the call through",
        "`dispatch()` fails open; when the server's `API_KEY` is not set it lets every call through",
    ] {
        assert!(messages.iter().any(|m| m == want), "{want}\n{messages:#?}");
    }
}

/// The SDK's verifier, `secrets`, `hmac.compare_digest` and a check that denies by default.
#[test]
fn python_safe_auth_is_silent() {
    let src = r#"import hmac
import os
import secrets

import jwt
from mcp.server.fastmcp import FastMCP

API_KEY = os.environ["MCP_API_KEY"]
mcp = FastMCP("notes", token_verifier=Verifier(), auth=settings)


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def verify_token(token: str) -> bool:
    if not token:
        return False
    try:
        jwt.decode(token, os.environ["JWT_KEY"], algorithms=["RS256"])
    except jwt.InvalidTokenError:
        return False
    return hmac.compare_digest(token[:4], API_KEY[:4])


def auth_required(url: str) -> bool:
    try:
        return probe(url)
    except Exception:
        return True
"#;
    assert_eq!(scan("server.py", src), vec![]);
}

const TS_AUTH: &str = r#"import express from "express";
import jwt from "jsonwebtoken";

export function newSessionId(): string {
  return `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

export function createAuth() {
  const expected = process.env.MCP_TOKEN;
  return (req, res, next) => {
    if (!expected) {
      return next();
    }
    const token = req.headers.authorization;
    try {
      jwt.verify(token, "dev-secret");
    } catch (e) {
      console.warn(e);
    }
    next();
  };
}

export function checkKey(req, res, next) {
  if (req.headers["x-api-key"] !== process.env.API_KEY) {
    return res.status(401).end();
  }
  next();
}
"#;

#[test]
fn typescript_auth_shapes_are_found_at_their_lines() {
    assert_eq!(
        scan("server.ts", TS_AUTH),
        vec![
            at("ts-auth-fail-open", 12, Severity::Medium),
            at("ts-auth-fail-open", 20, Severity::High),
            at("ts-jwt-hardcoded-key", 16, Severity::High),
            at("ts-secret-compare", 25, Severity::Low),
            at("ts-weak-token", 5, Severity::Medium),
        ]
    );
}

/// `requireBearerAuth`, `crypto.randomUUID`, `timingSafeEqual` and a middleware that answers
/// 401 in its `catch`.
#[test]
fn typescript_safe_auth_is_silent() {
    let src = r#"import { randomUUID, timingSafeEqual } from "node:crypto";
import jwt from "jsonwebtoken";
import { requireBearerAuth } from "@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";

export const transport = new StreamableHTTPServerTransport({
  sessionIdGenerator: () => randomUUID(),
  enableDnsRebindingProtection: true,
  allowedHosts: ["127.0.0.1"],
});

export const bearer = requireBearerAuth({ verifier });

export function authMiddleware(req, res, next) {
  const token = req.headers.authorization;
  if (!token) {
    return res.status(401).json({ error: "missing token" });
  }
  try {
    req.auth = jwt.verify(token, process.env.JWT_KEY);
  } catch (e) {
    return res.status(401).json({ error: "invalid token" });
  }
  const a = Buffer.from(token);
  const b = Buffer.from(process.env.MCP_TOKEN ?? "");
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    return res.status(401).end();
  }
  next();
}
"#;
    assert_eq!(scan("server.ts", src), vec![]);
}

/// The MCP SDK's session id hook: what the generator returns is the session id.
#[test]
fn a_guessable_session_id_generator_is_found() {
    let src = r#"import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";

export const transport = new StreamableHTTPServerTransport({
  sessionIdGenerator: () => Math.random().toString(36).slice(2),
  enableDnsRebindingProtection: true,
  allowedHosts: ["127.0.0.1"],
});
"#;
    assert_eq!(
        scan("server.ts", src),
        vec![at("ts-weak-token", 4, Severity::Medium)]
    );
}

/// Token passthrough: the client's `Authorization` header, or the token the SDK's middleware
/// verified, sent on to another service; found in the handler, through a helper, and in a
/// Workers `fetch` handler (a web entry point, whose name is no variable: the `fetch` it
/// calls is the global one).
/// Another header forwarded, or the server's own credential, is no finding.
#[test]
fn typescript_token_passthrough_is_found_and_the_servers_own_token_is_not() {
    let src = r#"import express from "express";

const app = express();

app.get("/issues", async (req, res) => {
  const r = await fetch("https://api.tracker.example/issues", {
    headers: { Authorization: req.headers.authorization ?? "" },
    signal: AbortSignal.timeout(5000),
  });
  res.json(await r.json());
});

async function upstream(token: string) {
  return fetch("https://api.tracker.example/me", {
    headers: { Authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(5000),
  });
}

app.get("/me", async (req, res) => {
  const token = req.header("Authorization")?.replace("Bearer ", "");
  res.json(await (await upstream(token ?? "")).json());
});

app.get("/own", async (req, res) => {
  const r = await fetch("https://api.tracker.example/issues", {
    headers: {
      Authorization: `Bearer ${process.env.TRACKER_TOKEN}`,
      "X-Request-Id": String(req.headers["x-request-id"]),
    },
    signal: AbortSignal.timeout(5000),
  });
  res.json(await r.json());
});

export default {
  async fetch(request: Request): Promise<Response> {
    return fetch("https://api.tracker.example/issues", {
      headers: { Authorization: request.headers.get("Authorization") ?? "" },
      signal: AbortSignal.timeout(5000),
    });
  },
};
"#;
    assert_eq!(
        scan("server.ts", src),
        vec![
            at("ts-token-passthrough", 6, Severity::Medium),
            at("ts-token-passthrough", 14, Severity::Medium),
            at("ts-token-passthrough", 38, Severity::Medium),
        ]
    );
}

/// FastMCP's `get_http_headers()` reads the client's headers wherever it is called: what it
/// gives is the caller's credential, reported at the rule's severity. `get_access_token()`
/// behind FastMCP's OAuth proxy is the upstream token the proxy keeps: no finding.
#[test]
fn python_token_passthrough_through_fastmcp_headers_is_found() {
    let src = r#"import httpx
from fastmcp import FastMCP
from fastmcp.server.dependencies import get_access_token, get_http_headers

mcp = FastMCP("tracker")


@mcp.tool()
async def issues() -> str:
    headers = get_http_headers()
    token = headers.get("authorization", "")
    async with httpx.AsyncClient(timeout=10) as client:
        r = await client.get("https://api.tracker.example/issues", headers={"Authorization": token})
    return r.text


@mcp.tool()
async def repos() -> str:
    upstream = get_access_token().token
    r = httpx.get(
        "https://api.code.example/repos",
        headers={"Authorization": f"Bearer {upstream}"},
        timeout=10,
    )
    return r.text
"#;
    assert_eq!(
        scan("server.py", src),
        vec![at("python-token-passthrough", 13, Severity::Medium)]
    );
}

/// A redirect URI checked whole against the client's registered URIs, through an alias and
/// a matching helper, is no open redirect; a prefix test in the same place is.
#[test]
fn a_redirect_uri_matched_through_an_alias_is_checked() {
    let src = r#"import express from "express";

const app = express();

app.get("/authorize", (req, res) => {
  const redirectUri = String(req.query.redirect_uri);
  const requested = redirectUri;
  const client = CLIENTS[String(req.query.client_id)];
  if (!client.redirectUris.some((r: string) => redirectUriMatches(requested, r))) {
    return res.status(400).send("invalid redirect_uri");
  }
  res.redirect(`${redirectUri}?code=1`);
});

app.get("/done", (req, res) => {
  const next = String(req.query.next);
  if (!ALLOWED.some((origin: string) => next.startsWith(origin))) {
    return res.status(400).send("bad redirect");
  }
  res.redirect(next);
});
"#;
    assert_eq!(
        scan("server.ts", src),
        vec![at("ts-open-redirect", 20, Severity::Medium)]
    );
}

/// A helper whose name only contains a comparing word (`eq` in `isRequestAllowed`) proves no
/// whole-URL match; `redirectUriMatches` does.
#[test]
fn a_helper_named_like_a_comparison_only_in_part_proves_nothing() {
    let src = r#"import express from "express";

const app = express();

app.get("/done", (req, res) => {
  const next = String(req.query.next);
  if (!RULES.some((rule: string) => isRequestAllowed(next, rule))) {
    return res.status(400).send("bad redirect");
  }
  res.redirect(next);
});

app.get("/back", (req, res) => {
  const back = String(req.query.back);
  if (!RULES.some((rule: string) => urlsMatch(back, rule))) {
    return res.status(400).send("bad redirect");
  }
  res.redirect(back);
});
"#;
    assert_eq!(
        scan("server.ts", src),
        vec![at("ts-open-redirect", 10, Severity::Medium)]
    );
}

/// OAuth callbacks that take the `code` and never look at a `state`, in both languages; the
/// same callbacks with a state check, and a `code` that is no OAuth code, are silent.
#[test]
fn oauth_callbacks_without_state_are_found() {
    let ts = r#"import express from "express";

const app = express();

app.get("/oauth/callback", async (req, res) => {
  const { code } = req.query;
  const token = await exchangeCodeForToken(String(code));
  res.json({ token });
});

app.get("/auth/github/callback", async (req, res) => {
  const code = String(req.query.code);
  if (String(req.query.state) !== req.session.oauthState) {
    return res.status(400).end();
  }
  res.json({ token: await exchangeCodeForToken(code) });
});

app.get("/country", (req, res) => {
  res.json(lookup(String(req.query.code)));
});

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const token = await exchange(url.searchParams.get("code"));
    return Response.json({ token });
  },
};
"#;
    assert_eq!(
        scan("server.ts", ts),
        vec![
            at("ts-oauth-state-unchecked", 6, Severity::Medium),
            at("ts-oauth-state-unchecked", 26, Severity::Medium),
        ]
    );
    assert!(
        messages("server.ts", ts).iter().any(|m| m
            == "`req.query.code` is taken from the redirect; the handler never reads the `state` it sent, and the project uses no PKCE"),
        "{:#?}",
        messages("server.ts", ts)
    );
    let py = r#"from flask import Flask, request

app = Flask(__name__)


@app.route("/callback")
def callback():
    token = github.fetch_access_token(request.args["code"])
    return token


async def starlette_callback(request):
    code = request.query_params.get("code")
    state = request.query_params.get("state")
    if state != request.session.get("oauth_state"):
        return None
    return await exchange_code_for_token(code)
"#;
    assert_eq!(
        scan("server.py", py),
        vec![at("python-oauth-state-unchecked", 8, Severity::Medium)]
    );
}

/// PKCE anywhere in the project stands in for `state`: the callback in one module is silent
/// when another module sends a `code_verifier`.
#[test]
fn pkce_elsewhere_in_the_project_silences_the_state_rule() {
    let dir = tempfile::tempdir().expect("tempdir");
    let callback = r#"export async function GET(request: Request) {
  const url = new URL(request.url);
  const tokens = await oauthClient.getToken(url.searchParams.get("code"));
  return Response.json(tokens);
}
"#;
    std::fs::write(dir.path().join("callback.ts"), callback).expect("write");
    let rules = |root: &std::path::Path| -> Vec<String> {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_mcpgate"))
            .arg("scan")
            .arg(root)
            .args(["--format", "json", "--fail-on", "never"])
            .output()
            .expect("run mcpgate");
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| f["rule_id"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(rules(dir.path()), vec!["ts-oauth-state-unchecked"]);
    std::fs::write(
        dir.path().join("login.ts"),
        "export const params = (verifier: string) => ({ code_verifier: verifier });\n",
    )
    .expect("write");
    assert_eq!(rules(dir.path()), Vec::<String>::new());
}

/// The redirect URI a client registered, found by a caller-chosen `client_id`, is on that
/// client's list; the first URI of a registration being made is the caller's own text.
#[test]
fn a_registered_redirect_uri_looked_up_by_client_id_is_no_open_redirect() {
    let src = r#"import express from "express";

const app = express();

app.get("/authorize", async (req, res) => {
  let redirectUri = req.query.redirect_uri as string | undefined;
  const client = await store.getClient(String(req.query.client_id));
  if (!client) {
    return res.status(400).end();
  }
  if (redirectUri !== undefined) {
    const wanted = redirectUri;
    if (!client.redirect_uris.some((r: string) => r === wanted)) {
      return res.status(400).send("unregistered redirect_uri");
    }
  } else {
    redirectUri = client.redirect_uris[0];
  }
  res.redirect(302, `${redirectUri}?code=${issue(client)}`);
});

app.post("/register", (req, res) => {
  const first = req.body.redirect_uris[0];
  res.redirect(first);
});
"#;
    assert_eq!(
        scan("server.ts", src),
        vec![at("ts-open-redirect", 24, Severity::Medium)]
    );
}

/// Sessions found by the client's id in a server that authenticates each caller: the handler
/// that never names the caller is found; the one that compares the owner, and the same lookup
/// in a server with no per-caller auth (the missing auth is another rule's), are silent.
#[test]
fn sessions_found_by_id_alone_behind_per_user_auth_are_found() {
    let ts = r#"import express from "express";
import { requireBearerAuth } from "@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js";

const app = express();
const auth = requireBearerAuth({ verifier });
const transports: Record<string, Transport> = {};
const owners: Record<string, string> = {};

app.post("/mcp", auth, async (req, res) => {
  const sid = req.headers["mcp-session-id"] as string | undefined;
  if (sid && transports[sid]) {
    return transports[sid].handleRequest(req, res, req.body);
  }
  res.status(400).end();
});

app.get("/mcp", auth, async (req, res) => {
  const sid = String(req.header("mcp-session-id"));
  if (owners[sid] !== req.auth?.clientId) {
    return res.status(404).end();
  }
  return transports[sid].handleRequest(req, res);
});

app.post("/messages", auth, async (req, res) => {
  const { sessionId } = req.query;
  await transports.get(sessionId).handlePostMessage(req, res);
});
"#;
    assert_eq!(
        scan("server.ts", ts),
        vec![
            at("ts-session-not-bound", 11, Severity::Medium),
            at("ts-session-not-bound", 27, Severity::Medium),
        ]
    );
    let unauthenticated = ts
        .replace("requireBearerAuth", "rateLimit")
        .replace("req.auth?.clientId", "expected");
    assert_eq!(
        scan("server.ts", &unauthenticated),
        vec![],
        "no per-caller identity in the file: nothing to bind to"
    );
    let py = r#"from mcp.server.auth.middleware.auth_context import get_access_token

SESSIONS = {}


async def handle(request):
    session_id = request.headers.get("mcp-session-id")
    return await SESSIONS[session_id].handle(request)


async def handle_bound(request):
    token = get_access_token()
    session_id = request.headers.get("mcp-session-id")
    session = SESSIONS.get(session_id)
    if session.client_id != token.client_id:
        return None
    return await session.handle(request)
"#;
    assert_eq!(
        scan("server.py", py),
        vec![at("python-session-not-bound", 8, Severity::Medium)]
    );
}

/// An allowlist check that lets everyone in while the server's list is empty fails open like
/// an unset key (graded one level lower); refusing on an empty list, and a caller's own empty
/// list, are not.
#[test]
fn an_allowlist_that_allows_all_when_empty_fails_open() {
    let py = r#"import os

ALLOWED_USERS = [u for u in os.environ.get("ALLOWED_USERS", "").split(",") if u]


def is_user_allowed(user: str) -> bool:
    if not ALLOWED_USERS:
        return True
    return user in ALLOWED_USERS


def is_tool_permitted(tool: str) -> bool:
    if len(ALLOWED_USERS) == 0:
        return False
    return tool in ALLOWED_USERS


def is_group_allowed(group: str, allowed: list) -> bool:
    if not allowed:
        return True
    return group in allowed
"#;
    assert_eq!(
        scan("server.py", py),
        vec![at("python-auth-fail-open", 8, Severity::Medium)]
    );
    let ts = r#"const allowedHosts = process.env.ALLOWED_HOSTS?.split(",") ?? [];

export function hostGuard(req, res, next) {
  if (!allowedHosts.length) {
    return next();
  }
  if (!allowedHosts.includes(String(req.headers.host))) {
    return res.status(403).end();
  }
  next();
}
"#;
    assert_eq!(
        scan("server.ts", ts),
        vec![at("ts-auth-fail-open", 5, Severity::Medium)]
    );
    assert!(
        messages("server.ts", ts).iter().any(|m| m
            == "`hostGuard()` fails open; when the server's `allowedHosts` is empty it lets every call through"),
        "{:#?}",
        messages("server.ts", ts)
    );
}
