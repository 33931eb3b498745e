//! The Python taint engine: sources, propagation, helpers, sanitizers and grading, each
//! asserted as exact findings (rule, line, severity, confidence).
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::print_stderr)] // test code: a panic is a failed test, a skip says why

use mcpgate::{Confidence, RuleSet, Severity, analyze_text};

/// The rules these tests are about: every rule but the resource-limit ones, which fire on much
/// of the same code (no timeout, whole-file reads) and have tests of their own.
fn rules() -> RuleSet {
    RuleSet::builtin()
        .expect("rules")
        .filtered(|r| {
            !matches!(
                r.id.as_str(),
                "python-subprocess-without-timeout" | "python-unbounded-read"
            )
        })
        .expect("filtered rules")
}

/// `(rule, line, severity, confidence)` of every finding in `src`.
fn scan(src: &str) -> Vec<(String, usize, Severity, Confidence)> {
    let rules = rules();
    let outcome = analyze_text("server.py", src, &rules);
    assert!(outcome.notices.is_empty(), "{:?}", outcome.notices);
    outcome
        .findings
        .into_iter()
        .map(|f| (f.rule_id, f.location.start_line, f.severity, f.confidence))
        .collect()
}

fn messages(src: &str) -> Vec<String> {
    let rules = rules();
    analyze_text("server.py", src, &rules)
        .findings
        .into_iter()
        .map(|f| f.message)
        .collect()
}

fn one(
    rule: &str,
    line: usize,
    severity: Severity,
    confidence: Confidence,
) -> Vec<(String, usize, Severity, Confidence)> {
    vec![(rule.to_string(), line, severity, confidence)]
}

use Confidence::{High, Low, Medium};
use Severity::{High as SevHigh, Low as SevLow, Medium as SevMedium};

#[test]
fn tool_parameter_is_a_source_whatever_the_server_is_called() {
    let src = r#"
import os
from mcp.server.fastmcp import FastMCP

app = FastMCP("x")

@app.tool(name="ping", description="Ping a host")
def ping(host: str) -> int:
    return os.system("ping -c1 " + host)
"#;
    assert_eq!(scan(src), one("python-shell-command", 9, SevHigh, High));
    assert_eq!(
        messages(src),
        vec![
            "`os.system()` runs a command line built at run time through the shell; tool parameter `host` of `ping` reaches it"
        ]
    );
}

#[test]
fn async_tool_with_propagation_through_variables_and_fstrings() {
    let src = r#"
import asyncio
import mcp_instance as m

@m.server.tool()
async def convert(path: str, fmt: str = "pdf"):
    base = path.strip()
    cmd = f"pandoc {base} -o out.{fmt}"
    proc = await asyncio.create_subprocess_shell(
        cmd,
        stdout=asyncio.subprocess.PIPE,
    )
    return await proc.communicate()
"#;
    assert_eq!(scan(src), one("python-shell-command", 9, SevHigh, High));
    let msg = messages(src).remove(0);
    assert!(
        msg.ends_with("tool parameter `path` of `convert` reaches it via `cmd`")
            || msg.ends_with("tool parameter `fmt` of `convert` reaches it via `cmd`"),
        "{msg}"
    );
}

#[test]
fn helper_functions_are_followed_to_the_sink() {
    let src = r#"
import subprocess

def run_git(args, cwd="."):
    command = "git " + args
    return subprocess.run(command, shell=True, cwd=cwd, capture_output=True)

def _log(ref):
    return run_git("log " + ref)

@mcp.tool()
def git_log(ref: str) -> str:
    return _log(ref).stdout
"#;
    assert_eq!(
        scan(src),
        one("python-subprocess-shell-true", 6, SevHigh, High)
    );
    assert_eq!(
        messages(src),
        vec![
            "`subprocess.run(..., shell=True)` passes a command built at run time to the shell; tool parameter `ref` of `git_log` reaches it via `command` through `_log()`, `run_git()`"
        ]
    );
}

#[test]
fn return_values_of_helpers_carry_taint() {
    let src = r#"
import os

def build(name):
    return "tar czf /tmp/out.tgz " + name

@mcp.tool()
def archive(name: str):
    os.system(build(name))
"#;
    assert_eq!(scan(src), one("python-shell-command", 9, SevHigh, High));
}

#[test]
fn call_tool_arguments_are_sources() {
    let src = r#"
import subprocess
from mcp.server import Server

server = Server("low-level")

@server.call_tool()
async def handle(name: str, arguments: dict):
    if name == "run":
        script = arguments.get("script", "")
        out = subprocess.check_output(script, shell=True)
        return [out]
    query = arguments["query"]
    return eval(query)
"#;
    assert_eq!(
        scan(src),
        vec![
            (
                "python-subprocess-shell-true".to_string(),
                11,
                SevHigh,
                High
            ),
            ("python-eval-exec".to_string(), 14, SevHigh, High),
        ]
    );
    assert!(
        messages(src)[0]
            .ends_with("call_tool argument `arguments` of `handle` reaches it via `script`")
    );
}

#[test]
fn resources_prompts_and_registered_tools_are_sources() {
    let src = r#"
import os, pickle, yaml

@mcp.resource("notes://{name}")
def note(name: str) -> str:
    return os.popen("cat /srv/" + name).read()

@mcp.prompt()
def review(config: str) -> str:
    return str(yaml.load(config))

def restore(blob: bytes):
    return pickle.loads(blob)

mcp.add_tool(restore, name="restore")
"#;
    assert_eq!(
        scan(src),
        vec![
            ("python-shell-command".to_string(), 6, SevHigh, High),
            ("python-yaml-unsafe-load".to_string(), 10, SevHigh, High),
            (
                "python-unsafe-deserialization".to_string(),
                13,
                SevHigh,
                High
            ),
        ]
    );
}

#[test]
fn kwargs_models_and_containers_stay_tainted() {
    let src = r#"
import subprocess

@mcp.tool()
def run(req: "RunRequest", **options):
    argv = ["sh", "-c"]
    argv.append(req.command)
    subprocess.run(" ".join(argv), shell=True)
    subprocess.run("echo %s" % options["msg"], shell=True)
    for item in options.values():
        subprocess.call("echo {}".format(item), shell=True)
"#;
    let found = scan(src);
    assert_eq!(
        found,
        vec![
            ("python-subprocess-shell-true".to_string(), 8, SevHigh, High),
            ("python-subprocess-shell-true".to_string(), 9, SevHigh, High),
            (
                "python-subprocess-shell-true".to_string(),
                11,
                SevHigh,
                High
            ),
        ]
    );
}

#[test]
fn constants_numbers_and_context_are_not_findings() {
    let src = r#"
import os
import subprocess
from mcp.server.fastmcp import Context

LIST_CMD = "ls -la /srv"

@mcp.tool()
def listing(ctx: Context, pid: int, verbose: bool = False) -> str:
    subprocess.run(LIST_CMD, shell=True)
    subprocess.run("df -h", shell=True)
    os.system(f"kill -9 {pid}")
    os.system("echo " + str(int(ctx.request_id)))
    flag = "-v" if verbose else ""
    return os.popen("uptime " + flag).read()
"#;
    assert_eq!(scan(src), vec![]);
}

#[test]
fn sanitizers_named_by_the_rule_clean_the_value() {
    let src = r#"
import os
import shlex

@mcp.tool()
def grep(pattern: str) -> str:
    safe = shlex.quote(pattern)
    os.system("grep " + safe + " /srv/notes")
    return eval(shlex.quote(pattern))
"#;
    // shlex.quote makes a shell argument safe, not Python code.
    assert_eq!(scan(src), one("python-eval-exec", 9, SevHigh, High));
}

#[test]
fn public_functions_and_untraced_values_are_graded_lower() {
    let src = r#"
import os

def deploy(target):
    os.system("scp build.tgz " + target)

def _cleanup():
    os.system("rm -rf " + os.environ["TMP_DIR"])
"#;
    assert_eq!(
        scan(src),
        vec![
            ("python-shell-command".to_string(), 5, SevMedium, Medium),
            ("python-shell-command".to_string(), 8, SevMedium, Low),
        ]
    );
    let msgs = messages(src);
    assert!(
        msgs[0].ends_with("parameter `target` of `deploy` reaches it"),
        "{}",
        msgs[0]
    );
    assert!(
        msgs[1].ends_with("not traced to a tool parameter"),
        "{}",
        msgs[1]
    );
}

#[test]
fn a_sink_reached_from_a_tool_and_from_elsewhere_is_reported_once_at_the_best_grade() {
    let src = r#"
import os

def run(cmd):
    os.system(cmd)

@mcp.tool()
def tool(cmd: str):
    run(cmd)

def main():
    run("make")
"#;
    assert_eq!(scan(src), one("python-shell-command", 5, SevHigh, High));
}

#[test]
fn methods_of_a_class_based_server() {
    let src = r#"
import subprocess

class GitServer:
    def __init__(self, root):
        self.root = root

    def _git(self, *args):
        return subprocess.run("git " + " ".join(args), shell=True, cwd=self.root)

    def register(self, mcp):
        @mcp.tool()
        def checkout(branch: str):
            return branch
        return checkout

    def status(self, path):
        return self._git("status", path)
"#;
    // `_git` is private, `status` public: the sink is graded by `status`'s parameter.
    assert_eq!(
        scan(src),
        one("python-subprocess-shell-true", 9, SevMedium, Medium)
    );
}

#[test]
fn lookalikes_in_strings_comments_and_other_objects_are_silent() {
    let src = r#"
import subprocess

@mcp.tool()
def explain(topic: str) -> str:
    # subprocess.run(topic, shell=True) would be dangerous
    doc = "never call eval(topic) or os.system(topic)"
    model.eval(topic)
    runner.system(topic)
    return doc + topic
"#;
    assert_eq!(scan(src), vec![]);
}

#[test]
fn recursion_between_helpers_terminates() {
    let src = r#"
import os

def a(x, n):
    if n:
        return b(x, n - 1)
    os.system(x)

def b(x, n):
    return a(x, n)

@mcp.tool()
def t(x: str):
    b(x, 3)
"#;
    assert_eq!(scan(src), one("python-shell-command", 7, SevHigh, High));
}

/// Regression (seen in a published shell server): the low-level handler, nested in `serve()`,
/// passes an argument to a method of an instance of a class of the same file.
#[test]
fn methods_called_on_instances_of_local_classes_are_followed() {
    let src = r#"
import subprocess
from mcp.server import Server

class Runner:
    def run(self, command: str):
        return subprocess.run(command, shell=True, capture_output=True, text=True)

async def serve():
    server = Server("shell")
    runner = Runner()

    @server.call_tool()
    async def call_tool(name: str, arguments: dict):
        command = arguments.get("command")
        return runner.run(command)
"#;
    assert_eq!(
        scan(src),
        one("python-subprocess-shell-true", 7, SevHigh, High)
    );
    assert!(
        messages(src)[0].ends_with(
            "call_tool argument `arguments` of `serve.call_tool` reaches it through `Runner.run()`"
        ),
        "{}",
        messages(src)[0]
    );
}

/// A whole filesystem server: helpers that check, checks that are flawed, checking one path
/// and using another, multi-line signatures, async tools, lookalikes in comments.
#[test]
fn filesystem_server_fixture() {
    let src = include_str!("fixtures/python/filesystem_server.py");
    assert_eq!(
        scan(src),
        vec![
            // Both reads return the file's text as it is, checked path or not.
            ("python-file-content-returned".to_string(), 25, SevLow, High),
            ("python-path-traversal".to_string(), 30, SevHigh, High),
            ("python-file-content-returned".to_string(), 31, SevLow, High),
            ("python-path-prefix-check".to_string(), 37, SevHigh, High),
            ("python-path-traversal-copy".to_string(), 47, SevHigh, High),
            (
                "python-path-check-unresolved".to_string(),
                57,
                SevHigh,
                High
            ),
        ]
    );
}

/// GitPython behind a low-level `call_tool` dispatch, helpers typed `repo: git.Repo`: the
/// repository path and the unchecked diff target are findings; the checked branch (also with
/// `x and x.startswith("-")`), an option written with its value (`--since=...`) and files
/// after `--` are not.
#[test]
fn git_server_fixture() {
    let src = include_str!("fixtures/python/git_server.py");
    assert_eq!(
        scan(src),
        vec![
            ("python-git-option-injection".to_string(), 11, SevHigh, High),
            ("python-path-traversal".to_string(), 45, SevHigh, High),
        ]
    );
}

/// Regressions from published servers: string and datetime `.replace()` are not file
/// operations, and `executor.execute(...)` is not SQL.
#[test]
fn method_lookalikes_are_not_sinks() {
    let src = r#"
from datetime import datetime

@mcp.tool()
def convert(time: str, fmt: str, command: str) -> str:
    parsed = datetime.fromisoformat(time)
    shifted = parsed.replace(hour=0)
    text = fmt.replace("%", "%%")
    return executor.execute(command) + text + str(shifted)
"#;
    assert_eq!(scan(src), vec![]);
}

/// Regression (seen in a published git server): tools nested in `serve()` call a nested
/// helper that runs a validator of the same file before using the path; the validator checks
/// a variable derived from its parameter. Everything downstream is contained.
#[test]
fn validators_called_before_use_contain_the_path() {
    let src = r#"
from pathlib import Path
import git

def validate_repo(repo_path: Path, allowed: Path) -> None:
    resolved = repo_path.resolve()
    try:
        resolved.relative_to(allowed.resolve())
    except ValueError:
        raise ValueError("outside the allowed repository")

def commit(repo, message):
    head = Path(repo.git_dir) / "MERGE_HEAD"
    return head.read_text()

def serve(server, allowed):
    def open_repo(repo_path: str):
        path = Path(repo_path)
        validate_repo(path, allowed)
        return git.Repo(path)

    @server.tool()
    def git_commit(repo_path: str, message: str) -> str:
        return commit(open_repo(repo_path), message)

    @server.tool()
    def git_log(repo_path: str) -> str:
        # no validation here: the path is used as given
        return (Path(repo_path) / "HEAD").read_text()
"#;
    assert_eq!(
        scan(src),
        one("python-path-traversal-method", 29, SevHigh, High)
    );
}

/// Shapes only the IR engine follows (issue 20), now in the scan: a constructor stores the
/// tool argument in a field that another method runs; a factory returns the object; a class
/// method reached through `self` passes it on. Full severity, traced from the parameter.
#[test]
fn values_stored_in_objects_by_constructors_and_factories_are_traced() {
    let src = r#"
import subprocess
from mcp.server.fastmcp import FastMCP

mcp = FastMCP("x")

class Runner:
    def __init__(self, command):
        self.command = command

    def start(self):
        return self._spawn()

    def _spawn(self):
        return subprocess.run(self.command, shell=True)

def make_runner(command):
    return Runner(command)

@mcp.tool()
def run(command: str) -> str:
    runner = make_runner(command)
    return runner.start()
"#;
    assert_eq!(
        scan(src),
        one("python-subprocess-shell-true", 15, SevHigh, High)
    );
    let rules = rules();
    let finding = analyze_text("server.py", src, &rules)
        .findings
        .into_iter()
        .next()
        .expect("a finding");
    assert_eq!(
        finding
            .trace
            .iter()
            .map(|s| (s.location.start_line, s.message.as_str()))
            .collect::<Vec<_>>(),
        [
            (
                21,
                "tool parameter `command` of `run`, passed through `Runner.start()`, `Runner._spawn()`"
            ),
            (15, "reaches `subprocess.run`")
        ]
    );
}

/// A value checked against a fixed set is safe in a path (as in the TypeScript rules), also
/// when the checks are joined by `or` before leaving.
#[test]
fn allowlisted_values_are_safe_in_paths_and_commands() {
    let src = r#"
import os
from mcp.server.fastmcp import FastMCP

mcp = FastMCP("x")
PLATFORMS = {"ec2", "ecs"}
LANGUAGES = {"python", "java"}

@mcp.tool()
def guide(platform: str, language: str) -> str:
    p = platform.lower().strip()
    if p not in PLATFORMS or language not in LANGUAGES:
        return "unsupported"
    with open(os.path.join("/srv/guides", p, language + ".md")) as f:
        return f.read()

@mcp.tool()
def unchecked(platform: str) -> str:
    with open(os.path.join("/srv/guides", platform)) as f:
        return f.read()
"#;
    // The guide is one the server ships; the unchecked read returns whatever file it names.
    assert_eq!(
        scan(src),
        vec![
            ("python-path-traversal".to_string(), 19, SevHigh, High),
            ("python-file-content-returned".to_string(), 20, SevLow, High),
        ]
    );
}

/// Seen in a published server: an argv built in a variable whose element only ends with the
/// input (`f"{REGISTRY}/app:{tag}"`) cannot be read as an option; one that starts with it can. A
/// check called as a statement covers the variable it was given, and an optional number is
/// no text.
#[test]
fn argv_variables_options_checks_as_statements_and_optional_numbers() {
    let src = r#"
import os
import subprocess
from typing import Optional

REGISTRY = "registry.example.com"

@mcp.tool()
def build(tag: str, name: str, count: Optional[int] = None) -> str:
    tagged = ["docker", "build", "-t", f"{REGISTRY}/app:{tag}", "."]
    subprocess.run(tagged, timeout=60)
    loose = ["git", "checkout", tag]
    subprocess.run(loose, timeout=60)
    validate_name(name)
    os.makedirs(os.path.join("/srv/out", name))
    os.system("seq " + str(count))
    return "ok"
"#;
    assert_eq!(
        scan(src),
        one("python-argument-injection", 13, SevHigh, High)
    );
}

/// A helper of the module whose own checks raise unless the value passes (whatever its name,
/// `_private` too): its caller's variable carries what those checks prove. A check that
/// proves nothing (`".." in path`) leaves the value as it was.
#[test]
fn what_a_helpers_own_checks_prove_holds_for_its_caller() {
    let src = r#"
import subprocess
from mcp.server.fastmcp import FastMCP

mcp = FastMCP("x")
ALLOWED = {"ls", "cat"}


class Runner:
    @staticmethod
    def _validate_ref(ref: str) -> None:
        if not ref or not ref.strip():
            raise ValueError("empty")
        if ref.strip().startswith("-"):
            raise ValueError("not a ref")

    def _validate_command(self, argv):
        program = argv[0].strip()
        if program not in ALLOWED:
            raise ValueError("not allowed")

    def _validate_path(self, path):
        if ".." in path:
            raise ValueError("no traversal")

    def diff(self, ref: str) -> str:
        try:
            self._validate_ref(ref)
        except ValueError as e:
            return "invalid ref"
        return subprocess.run(["git", "diff", ref, "--"], capture_output=True, timeout=5).stdout

    def run(self, argv: list[str]) -> str:
        self._validate_command(argv)
        return subprocess.run(argv, capture_output=True, timeout=5).stdout

    def read(self, path: str) -> str:
        self._validate_path(path)
        with open(path) as f:
            return f.read(4096)


runner = Runner()


@mcp.tool()
def diff(ref: str) -> str:
    return runner.diff(ref)


@mcp.tool()
def run(argv: list[str]) -> str:
    return runner.run(argv)


@mcp.tool()
def read(path: str) -> str:
    return runner.read(path)
"#;
    assert_eq!(
        scan(src),
        vec![
            ("python-path-traversal".to_string(), 39, SevHigh, High),
            ("python-file-content-returned".to_string(), 58, SevLow, High),
        ]
    );
}
