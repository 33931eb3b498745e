"""The same jobs done safely: mcpgate must stay silent on this file."""

import ast
import json
import os
import subprocess
from urllib.parse import urlparse

import requests
import yaml
from mcp.server.fastmcp import FastMCP

mcp = FastMCP("notes-safe")

NOTES_DIR = "/srv/notes"


@mcp.tool()
def search_notes(pattern: str) -> str:
    """Search the notes for a pattern, without a shell."""
    return subprocess.run(
        ["grep", "-r", "--", pattern, NOTES_DIR], capture_output=True, text=True, timeout=30
    ).stdout


@mcp.tool()
def calculate(expression: str) -> str:
    """Evaluate a literal expression."""
    return str(ast.literal_eval(expression))


@mcp.tool()
def restore_session(blob: str) -> dict:
    """Restore a saved session from JSON."""
    return json.loads(blob)


@mcp.tool()
def import_settings(text: str) -> dict:
    """Import settings from YAML."""
    return yaml.safe_load(text)


ALLOWED_HOSTS = {"docs.python.org", "en.wikipedia.org"}


@mcp.tool()
def fetch_page(url: str) -> str:
    """Fetch a page from an allowed host (certificates verified)."""
    if urlparse(url).hostname not in ALLOWED_HOSTS:
        raise ValueError("host not allowed")
    return requests.get(url, timeout=10).text


@mcp.tool()
def read_note(name: str) -> str:
    """Read a note by name; the resolved path must stay inside the notes directory."""
    base = os.path.realpath(NOTES_DIR)
    full = os.path.realpath(os.path.join(base, name))
    if os.path.commonpath([base, full]) != base:
        raise ValueError("outside the notes directory")
    with open(full) as f:
        return untrusted(f.read(1_000_000), name)


def untrusted(text: str, source: str) -> str:
    """Mark text the server did not write, so the model reads it as data, not instructions."""
    return f"<untrusted-content source={source!r}>\n{text}\n</untrusted-content>"


def disk_usage() -> str:
    """A constant shell command has nothing from outside in it."""
    return subprocess.run("df -h", shell=True, capture_output=True, text=True).stdout
