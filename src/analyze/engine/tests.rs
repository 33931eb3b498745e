//! One fixture per shape the engine must follow, in both languages where the shape exists,
//! each with a variant that must not report.

use super::{ArgSel, Model, Sink, analyze};

fn model() -> Model {
    let sink = |rule: &str, callee: &str, args: Vec<ArgSel>| Sink {
        rule: rule.into(),
        callee: callee.into(),
        args,
        sanitizers: vec!["shlex.quote".into(), "allowlist".into()],
        ..Sink::default()
    };
    Model {
        sinks: vec![
            sink(
                "shell",
                "subprocess.run",
                vec![ArgSel::Position(0), ArgSel::Keyword("args".into())],
            ),
            sink("shell", "os.system", vec![]),
            sink("shell", "child_process.exec", vec![ArgSel::Position(0)]),
            sink("shell", "child_process.execSync", vec![ArgSel::Position(0)]),
            sink("code", "eval", vec![]),
        ],
        sanitizers: vec!["shlex.quote".into()],
        sources: Vec::new(),
        budget: None,
        auth: Vec::new(),
        ..Model::default()
    }
}

fn lower(path: &str, src: &str) -> crate::analyze::ir::Module {
    crate::analyze::ir::lower_source(path, src).expect("a Python or TypeScript file")
}

/// (entry, param, sink, helpers passed through) of every flow from an entry point.
fn flows(module: &crate::analyze::ir::Module) -> Vec<(String, String, String, Vec<String>)> {
    analyze(module, &model(), "")
        .flows
        .into_iter()
        .filter(|f| f.traced())
        .map(|f| (f.entry, f.param, f.sink, f.through))
        .collect()
}

fn python(src: &str) -> Vec<(String, String, String, Vec<String>)> {
    flows(&lower("t.py", src))
}

fn typescript(src: &str) -> Vec<(String, String, String, Vec<String>)> {
    flows(&lower("t.ts", src))
}

fn flow(
    entry: &str,
    param: &str,
    sink: &str,
    through: &[&str],
) -> (String, String, String, Vec<String>) {
    (
        entry.into(),
        param.into(),
        sink.into(),
        through.iter().map(|s| s.to_string()).collect(),
    )
}

const PY_HEAD: &str = "import os\nimport shlex\nimport subprocess as sp\nfrom mcp.server.fastmcp import FastMCP, Context\nmcp = FastMCP('x')\n";

#[test]
fn python_direct_helper_and_keyword_sinks() {
    let src = format!(
        "{PY_HEAD}
def run_git(args):
    return sp.run(args=args, capture_output=True)

@mcp.tool()
def log(ref: str, ctx: Context) -> str:
    os.system('git show ' + ref)
    return run_git(['git', 'log', ref]).stdout
"
    );
    assert_eq!(
        python(&src),
        vec![
            flow("log", "ref", "os.system", &[]),
            flow("log", "ref", "subprocess.run", &["run_git"]),
        ]
    );
}

#[test]
fn python_classes_factories_and_mixins() {
    let src = format!(
        "{PY_HEAD}
class Shell:
    def sh(self, line):
        os.system(line)

class Runner(Shell):
    def __init__(self, root):
        self.root = root
    def go(self):
        self.sh('ls ' + self.root)

def make_runner(p):
    return Runner(p)

@mcp.tool()
def listing(path: str) -> None:
    runner = make_runner(path)
    runner.go()

@mcp.tool()
def safe(path: str) -> None:
    runner = make_runner('/srv')
    runner.go()
"
    );
    assert_eq!(
        python(&src),
        vec![flow(
            "listing",
            "path",
            "os.system",
            &["Runner.go", "Shell.sh"]
        )]
    );
}

#[test]
fn python_collections_guards_and_order() {
    let src = format!(
        "{PY_HEAD}
ALLOWED = ('status', 'log')

@mcp.tool()
def built(ref: str) -> None:
    argv = ['git']
    argv.append(ref)
    os.system(' '.join(argv))

@mcp.tool()
def allowlisted(cmd: str) -> None:
    if cmd not in ALLOWED:
        raise ValueError(cmd)
    os.system('git ' + cmd)

@mcp.tool()
def denylisted(cmd: str) -> None:
    if cmd == 'rm':
        return
    os.system(cmd)

@mcp.tool()
def quoted(name: str) -> None:
    os.system('ls ' + shlex.quote(name))

@mcp.tool()
def overwritten(name: str) -> None:
    name = 'fixed'
    os.system('ls ' + name)
"
    );
    assert_eq!(
        python(&src),
        vec![
            flow("built", "ref", "os.system", &[]),
            flow("denylisted", "cmd", "os.system", &[]),
        ]
    );
}

/// Allowlist checks joined by `or` before leaving prove both values; joined by `and`, a
/// leave proves nothing (either one may be outside).
#[test]
fn python_guards_combined_with_or_and_and() {
    let src = format!(
        "{PY_HEAD}
PLATFORMS = ('ec2', 'ecs')
LANGUAGES = ('python', 'java')

@mcp.tool()
def either(platform: str, language: str) -> None:
    if platform not in PLATFORMS or language not in LANGUAGES:
        return
    os.system('setup ' + platform + ' ' + language)

@mcp.tool()
def both(platform: str, language: str) -> None:
    if platform not in PLATFORMS and language not in LANGUAGES:
        return
    os.system('setup ' + platform + ' ' + language)

@mcp.tool()
def inside(platform: str) -> None:
    if platform in PLATFORMS and platform != 'ecs':
        os.system('setup ' + platform)
"
    );
    assert_eq!(
        python(&src),
        vec![
            flow("both", "language", "os.system", &[]),
            flow("both", "platform", "os.system", &[]),
        ]
    );
}

const TS_HEAD: &str = "import { exec, execSync } from \"node:child_process\";\nimport { McpServer } from \"@modelcontextprotocol/sdk/server/mcp.js\";\nconst server = new McpServer({ name: \"x\", version: \"1\" });\n";

#[test]
fn typescript_inline_and_named_handlers() {
    let src = format!(
        "{TS_HEAD}
server.tool(\"run\", {{ command: z.string() }}, async ({{ command }}) => {{
  return execSync(`sh -c '${{command}}'`).toString();
}});

async function readIt({{ path, limit }}: {{ path: string; limit: number }}) {{
  exec(\"cat \" + path);
}}
server.registerTool(\"read\", {{ inputSchema: {{}} }}, readIt);
"
    );
    assert_eq!(
        typescript(&src),
        vec![
            flow("read", "path", "child_process.exec", &[]),
            flow("run", "command", "child_process.execSync", &[]),
        ]
    );
}

#[test]
fn typescript_classes_arrays_and_guards() {
    let src = format!(
        "{TS_HEAD}
const ALLOWED = [\"status\", \"log\"];
class Git {{
  constructor(private dir: string) {{}}
  log(extra: string[]) {{
    const args = [\"-C\", this.dir, \"log\"];
    args.push(...extra);
    return execSync(\"git \" + args.join(\" \"));
  }}
}}

server.tool(\"log\", {{}}, async ({{ dir }}) => {{
  const git = new Git(dir);
  return git.log([]);
}});

server.tool(\"sub\", {{}}, async ({{ sub }}) => {{
  if (!ALLOWED.includes(sub)) throw new Error(\"no\");
  return execSync(\"git \" + sub);
}});
"
    );
    assert_eq!(
        typescript(&src),
        vec![flow("log", "dir", "child_process.execSync", &["Git.log"])]
    );
}

#[test]
fn the_work_budget_stops_a_module_and_says_so() {
    let mut src = String::from(PY_HEAD);
    for i in 0..200 {
        src.push_str(&format!("def f{i}(x):\n    return f{}(x) + x\n", i + 1));
    }
    src.push_str("@mcp.tool()\ndef t(a: str) -> str:\n    os.system(a)\n    return f0(a)\n");
    let module = lower("t.py", &src);
    let mut model = model();
    assert!(!analyze(&module, &model, "").out_of_budget);
    model.budget = Some(500);
    assert!(analyze(&module, &model, "").out_of_budget);
}

#[test]
fn call_chains_deeper_than_the_call_depth_are_summarized_callees_first() {
    let mut src = String::from(PY_HEAD);
    for i in 0..3000 {
        src.push_str(&format!(
            "def f{i}(x):\n    return f{}(x) + f{}(x)\n",
            i + 1,
            i + 2
        ));
    }
    src.push_str("def f3000(x):\n    os.system(x)\n");
    src.push_str("@mcp.tool()\ndef t(a: str) -> str:\n    return f0(a)\n");
    let module = lower("t.py", &src);
    // On the stack a scan's workers have.
    let analysis = std::thread::Builder::new()
        .stack_size(16 * 1024 * 1024)
        .spawn(move || analyze(&module, &model(), ""))
        .expect("thread")
        .join()
        .expect("analysis");
    assert!(!analysis.out_of_budget);
    let traced: Vec<(String, String)> = analysis
        .flows
        .into_iter()
        .filter(|f| f.traced())
        .map(|f| (f.entry, f.sink))
        .collect();
    assert_eq!(traced, vec![("t".to_string(), "os.system".to_string())]);
}

#[test]
fn typescript_promisified_aliases_are_their_library_function() {
    let src = format!(
        "{TS_HEAD}
import {{ promisify }} from \"node:util\";
const execAsync = promisify(exec);
server.tool(\"git_log\", \"Log\", {{ branch: z.string() }}, async ({{ branch }}) => {{
  const {{ stdout }} = await execAsync(`git log ${{branch}}`);
  return stdout;
}});
"
    );
    assert_eq!(
        typescript(&src),
        vec![flow("git_log", "branch", "child_process.exec", &[])]
    );
}

#[test]
fn sinks_no_entry_point_reaches_are_reported_untraced_once() {
    let src = format!(
        "{PY_HEAD}
def low(cmd):
    os.system(cmd)

def high(line):
    low(line)

def used(name):
    os.system('ls ' + name)

@mcp.tool()
def t(name: str) -> None:
    used(name)
"
    );
    let module = lower("t.py", &src);
    let got: Vec<(String, String, bool, usize)> = analyze(&module, &model(), "")
        .flows
        .into_iter()
        .map(|f| (f.traced(), f))
        .map(|(traced, f)| (f.entry, f.param, traced, f.at.start_row + 1))
        .collect();
    assert_eq!(
        got,
        vec![
            ("high".to_string(), "line".to_string(), false, 8),
            ("t".to_string(), "name".to_string(), true, 14),
        ]
    );
}

#[test]
fn checks_count_for_their_rules_on_every_path_only() {
    let model = Model {
        sinks: vec![
            Sink {
                rule: "shell".into(),
                callee: "os.system".into(),
                args: vec![],
                sanitizers: vec!["shlex.quote".into()],
                ..Sink::default()
            },
            Sink {
                rule: "path".into(),
                callee: "open".into(),
                args: vec![ArgSel::Position(0)],
                sanitizers: vec!["path-containment".into()],
                ..Sink::default()
            },
        ],
        sanitizers: vec!["shlex.quote".into()],
        sources: Vec::new(),
        budget: None,
        auth: Vec::new(),
        ..Model::default()
    };
    let src = format!(
        "{PY_HEAD}
from .checks import validate_path

@mcp.tool()
def t(name: str, count: int, fast: bool) -> None:
    q = shlex.quote(name)
    os.system('ls ' + q)
    open(q)
    if fast:
        q = name
    os.system('ls ' + q)
    open(validate_path(name))
    os.system('head -n ' + str(count))
"
    );
    let module = lower("t.py", &src);
    let got: Vec<(String, usize)> = analyze(&module, &model, "")
        .flows
        .into_iter()
        .map(|f| (f.rule, f.at.start_row + 1))
        .collect();
    // Quoting is no path check; quoted on one branch only is not quoted.
    assert_eq!(
        got,
        vec![("path".to_string(), 13), ("shell".to_string(), 16)]
    );
}

#[test]
fn a_url_whose_host_is_fixed_is_not_a_request_forgery() {
    let model = Model {
        sinks: vec![Sink {
            rule: "ssrf".into(),
            callee: "fetch".into(),
            args: vec![ArgSel::Position(0)],
            sanitizers: vec!["fixed-host".into()],
            ..Sink::default()
        }],
        sanitizers: Vec::new(),
        sources: Vec::new(),
        budget: None,
        auth: Vec::new(),
        ..Model::default()
    };
    let src = format!(
        "{TS_HEAD}
const API = \"https://api.weather.gov\";
server.tool(\"a\", {{}}, async ({{ code, url, id }}) => {{
  await fetch(`${{API}}/alerts?area=${{code}}`);
  await fetch(`https://api.x.com/items/${{id}}`);
  await fetch(\"https://api.x.com/items/\" + id);
  await fetch(url);
  await fetch(`${{url}}/items`);
}});
"
    );
    let module = lower("t.ts", &src);
    let got: Vec<(String, usize)> = analyze(&module, &model, "")
        .flows
        .into_iter()
        .map(|f| (f.param, f.at.start_row + 1))
        .collect();
    assert_eq!(got, vec![("url".to_string(), 10), ("url".to_string(), 11)]);
}

#[test]
fn a_prefix_check_with_the_separator_is_containment_and_one_without_is_not() {
    let model = Model {
        sinks: vec![Sink {
            rule: "path".into(),
            callee: "fs.readFile".into(),
            args: vec![ArgSel::Position(0)],
            sanitizers: vec!["path-containment".into()],
            ..Sink::default()
        }],
        sanitizers: Vec::new(),
        sources: Vec::new(),
        budget: None,
        auth: Vec::new(),
        ..Model::default()
    };
    let src = format!(
        "{TS_HEAD}
import {{ readFile, realpath }} from \"node:fs/promises\";
import path from \"node:path\";
server.tool(\"good\", {{}}, async ({{ file }}) => {{
  const requested = await realpath(path.join(ROOT, file));
  if (!requested.startsWith(ROOT + path.sep)) {{
    throw new Error(\"outside\");
  }}
  return readFile(requested, \"utf8\");
}});
server.tool(\"flawed\", {{}}, async ({{ file }}) => {{
  const requested = path.resolve(ROOT, file);
  if (!requested.startsWith(ROOT)) throw new Error(\"outside\");
  return readFile(requested, \"utf8\");
}});
"
    );
    let module = lower("t.ts", &src);
    let got: Vec<String> = analyze(&module, &model, "")
        .flows
        .into_iter()
        .map(|f| f.entry)
        .collect();
    assert_eq!(got, vec!["flawed".to_string()]);
}

/// (rule, line) of every traced flow, with the built-in rules as the model.
fn with_rules(src: &str, language: crate::rules::Language) -> Vec<(String, usize)> {
    let rules = crate::rules::RuleSet::builtin().expect("rules");
    let path = if language == crate::rules::Language::Python {
        "t.py"
    } else {
        "t.ts"
    };
    let module = lower(path, src);
    let model = Model::from_rules(&rules, language);
    analyze(&module, &model, src)
        .flows
        .into_iter()
        .filter(|f| f.traced())
        .map(|f| (f.rule, f.at.start_row + 1))
        .collect()
}

#[test]
fn rule_conditions_keyword_values_absent_arguments_and_argv_options() {
    let src = format!(
        "{PY_HEAD}
@mcp.tool()
def t(ref: str) -> str:
    sp.run(['git', 'log', ref], timeout=5)
    sp.run(['git', 'log', '--', ref], timeout=5)
    sp.run('git log ' + ref, shell=True, timeout=5)
    sp.run('git log ' + ref, shell=False, timeout=5)
    sp.run(['git', 'show', ref])
    return ''
"
    );
    let got: Vec<(String, usize)> = with_rules(&src, crate::rules::Language::Python);
    assert_eq!(
        got,
        vec![
            ("python-argument-injection".to_string(), 9),
            ("python-argument-injection".to_string(), 13),
            ("python-subprocess-shell-true".to_string(), 11),
            ("python-subprocess-without-timeout".to_string(), 13),
        ]
    );
    let ts = format!(
        "{TS_HEAD}
import {{ spawn }} from \"node:child_process\";
server.tool(\"t\", {{}}, async ({{ cmd }}) => {{
  spawn(cmd, [], {{ shell: true }});
  spawn(cmd, [], {{ shell: false }});
}});
"
    );
    // A program from input is reported with or without a shell (merged into the shell
    // rule's finding where both fire).
    assert_eq!(
        with_rules(&ts, crate::rules::Language::TypeScript),
        vec![
            ("ts-program-from-input".to_string(), 7),
            ("ts-program-from-input".to_string(), 8),
            ("ts-spawn-shell-true".to_string(), 7),
        ]
    );
}

#[test]
fn web_routes_are_entry_points_named_by_verb_and_path() {
    let ts = format!(
        "{TS_HEAD}
app.post(\"/exec\", zValidator(\"json\", Schema), (c) => {{
  const params = c.req.valid(\"json\");
  return exec(params.args);
}});
router.get(\"/files\", (req, res) => {{
  execSync(\"cat \" + req.query.name);
}});
const cache = new Map();
cache.get(\"/not-a-route\");
"
    );
    assert_eq!(
        typescript(&ts),
        vec![
            flow("GET /files", "req", "child_process.execSync", &[]),
            flow("POST /exec", "c", "child_process.exec", &[]),
        ]
    );
    let py = format!(
        "{PY_HEAD}
from fastapi import FastAPI
app = FastAPI()

@app.get(\"/run\")
def run(cmd: str):
    os.system(cmd)
"
    );
    assert_eq!(python(&py), vec![flow("GET /run", "cmd", "os.system", &[])]);
}

/// Checks of what a value was derived from, with their polarity: a host checked on the parsed
/// URL, a scheme checked inside a `try` whose handler leaves, an address checked not to be
/// internal, a file's size checked before reading it, a value checked not to start with `-`,
/// an anchored pattern, a number in the schema. Each has an unchecked twin that reports.
#[test]
fn checks_on_derived_values_and_their_polarity() {
    let ts = format!(
        "{TS_HEAD}
import open from \"open\";
import fs from \"node:fs/promises\";
import {{ execFile }} from \"node:child_process\";
const HOSTS = new Set([\"api.example.com\"]);
server.tool(\"get\", {{ url: z.string() }}, async ({{ url }}) => {{
  const parsed = new URL(url);
  if (!HOSTS.has(parsed.hostname)) throw new Error(\"host\");
  return fetch(parsed);
}});
server.tool(\"get_any\", {{ url: z.string() }}, async ({{ url }}) => fetch(url));
server.tool(\"show\", {{ url: z.string() }}, async ({{ url }}) => {{
  try {{
    if (![\"https:\"].includes(new URL(url).protocol)) return;
  }} catch {{
    return;
  }}
  await open(url);
}});
server.tool(\"show_any\", {{ url: z.string() }}, async ({{ url }}) => {{
  try {{
    new URL(url);
  }} catch {{
    console.error(\"bad url\");
  }}
  await open(url);
}});
server.tool(\"read\", {{ name: z.string() }}, async ({{ name }}) => {{
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(\"name\");
  const file = `/var/log/${{name}}.log`;
  const stats = await fs.stat(file);
  if (stats.size > 1000000) throw new Error(\"too large\");
  return fs.readFile(file, \"utf8\");
}});
server.tool(\"show_ref\", {{ rev: z.string(), count: z.number().int() }}, async ({{ rev, count }}) => {{
  if (rev.startsWith(\"-\")) throw new Error(\"option\");
  execFile(\"git\", [\"log\", \"-n\", String(count), rev]);
}});
"
    );
    assert_eq!(
        with_rules(&ts, crate::rules::Language::TypeScript),
        vec![
            // A log file a pattern picks: what it says is whoever wrote to the log.
            ("ts-file-content-returned".to_string(), 36),
            ("ts-open-url".to_string(), 29),
            ("ts-ssrf".to_string(), 14),
            // The unchecked fetch's response is what `get_any` returns.
            ("ts-untrusted-content-returned".to_string(), 14)
        ]
    );
    let py = format!(
        "{PY_HEAD}
import ipaddress
import socket
import requests
from urllib.parse import urlparse

@mcp.tool()
def fetch_public(url: str) -> str:
    host = urlparse(url).hostname
    address = ipaddress.ip_address(socket.gethostbyname(host))
    if address.is_private or address.is_loopback:
        raise ValueError('internal')
    return requests.get(url, timeout=10).text

@mcp.tool()
def fetch_any(url: str) -> str:
    host = urlparse(url).hostname
    return requests.get(url, timeout=10).text
"
    );
    assert_eq!(
        with_rules(&py, crate::rules::Language::Python),
        vec![
            ("python-ssrf".to_string(), 23),
            ("python-untrusted-content-returned".to_string(), 23)
        ]
    );
}

/// Handlers looked up in a dispatch table by the tool name, indexed or through a variable:
/// each handler the table holds is called with the arguments.
#[test]
fn dispatch_tables_call_every_handler_they_hold() {
    let py = format!(
        "{PY_HEAD}
def run_status(args):
    return sp.run('git status ' + args['path'], shell=True)

def run_log(args):
    os.system('git log ' + args['ref'])

def show_version(args):
    return sp.run('git --version', shell=True)

HANDLERS = {{'status': run_status, 'log': run_log, 'version': show_version}}

@server.call_tool()
async def call_tool(name: str, arguments: dict):
    handler = HANDLERS.get(name)
    return handler(arguments)
"
    );
    assert_eq!(
        python(&py),
        vec![
            flow("call_tool", "arguments", "os.system", &["run_log"]),
            flow("call_tool", "arguments", "subprocess.run", &["run_status"]),
        ]
    );
    let ts = format!(
        "{TS_HEAD}
function runScript(args: any) {{
  return execSync(`sh -c '${{args.script}}'`);
}}
const handlers: Record<string, (a: any) => unknown> = {{ run_script: runScript }};
server.setRequestHandler(CallToolRequestSchema, async (request) => {{
  return handlers[request.params.name](request.params.arguments);
}});
"
    );
    assert_eq!(
        typescript(&ts),
        vec![flow(
            "call_tool",
            "request",
            "child_process.execSync",
            &["runScript"]
        )]
    );
}

/// A `Map` of handlers, and `getattr(self, f"tool_{name}")` with a literal prefix: the
/// methods with that prefix are the known set (a method without it is not called).
#[test]
fn map_tables_and_getattr_with_a_prefix_reach_their_handlers() {
    let ts = format!(
        "{TS_HEAD}
function runScript(args: any) {{
  return execSync(args.script);
}}
const handlers = new Map([[\"run_script\", runScript]]);
server.setRequestHandler(CallToolRequestSchema, async (request) => {{
  const handler = handlers.get(request.params.name);
  return handler(request.params.arguments);
}});
"
    );
    assert_eq!(
        typescript(&ts),
        vec![flow(
            "call_tool",
            "request",
            "child_process.execSync",
            &["runScript"]
        )]
    );
    let py = format!(
        "{PY_HEAD}
class Tools:
    def tool_run(self, args):
        os.system(args['cmd'])

    def admin_reset(self, args):
        os.system(args['cmd'])

    def dispatch(self, name, args):
        return getattr(self, f'tool_{{name}}')(args)

TOOLS = Tools()

@server.call_tool()
async def call_tool(name: str, arguments: dict):
    return TOOLS.dispatch(name, arguments)
"
    );
    assert_eq!(
        python(&py),
        vec![flow(
            "call_tool",
            "arguments",
            "os.system",
            &["Tools.dispatch", "Tools.tool_run"]
        )]
    );
}

#[test]
fn programs_and_shell_scripts_of_an_argv() {
    let src = format!(
        "{PY_HEAD}
ALLOWED = ['checkov', 'tfsec']

@mcp.tool()
def t(tool: str, framework: str, command: str) -> str:
    cmd = ['checkov', '--output', 'json']
    if framework in ALLOWED:
        cmd.extend(['--framework', framework])
    sp.run(cmd, timeout=5)
    sp.run([tool, '--version'], timeout=5)
    sp.run(f'git log {{command}}', shell=False, timeout=5)
    sp.run(['bash', '-lc', f'grep {{command}} x'], timeout=5)
    sp.run(['sh', '-c', 'grep -- \"$1\" x', 'sh', command], timeout=5)
    argv = shlex.split(command)
    if argv[0] not in ALLOWED:
        raise ValueError(argv[0])
    sp.run(argv, timeout=5)
    return ''
"
    );
    // An argv appended to in one branch keeps its program; a constant start is not the
    // program; `-c`'s positional parameters are no options; `argv[0] in ALLOWED` checks the
    // program.
    assert_eq!(
        with_rules(&src, crate::rules::Language::Python),
        vec![
            ("python-program-from-input".to_string(), 15),
            ("python-shell-script".to_string(), 17),
        ]
    );
    let ts = r#"
import { spawn } from "node:child_process";
server.tool("pf", { ns: z.string(), name: z.string() }, async (input) => {
  let line = `kubectl port-forward -n ${input.ns}`;
  const [cmd, ...args] = line.split(" ");
  spawn(cmd, args);
  spawn("sh", ["-c", `kubectl get ${input.name}`]);
  spawn(input.name, []);
  return { content: [] };
});
"#;
    assert_eq!(
        with_rules(ts, crate::rules::Language::TypeScript),
        vec![
            ("ts-program-from-input".to_string(), 8),
            ("ts-shell-script".to_string(), 7),
        ]
    );
}

#[test]
fn a_check_of_a_field_holds_for_that_field_only() {
    let ts = r#"
import { exec } from "node:child_process";
const MODES = ["fast", "full"];
server.setRequestHandler(CallToolRequestSchema, async (request) => {
  if (request.params.name !== "run") throw new Error("unknown tool");
  if (!MODES.includes(request.params.arguments.mode)) throw new Error("bad mode");
  exec(`scan --mode ${request.params.arguments.mode}`);
  exec(`scan ${request.params.arguments.target}`);
  request.params.arguments = JSON.parse(other);
  exec(`scan --mode ${request.params.arguments.mode}`);
  return { content: [] };
});
"#;
    // The tool name and the mode are checked; the target is not, and the mode is not once
    // the object it is read from is written.
    assert_eq!(
        with_rules(ts, crate::rules::Language::TypeScript),
        vec![
            ("ts-command-injection".to_string(), 8),
            ("ts-command-injection".to_string(), 10),
        ]
    );
}

#[test]
fn a_module_constant_with_a_host_fixes_the_host_of_what_follows_it() {
    let ts = r#"
const API_BASE = "https://api.example.com/v1";
server.tool("get", { endpoint: z.string() }, async ({ endpoint }) => {
  await fetch(`${API_BASE}${endpoint}`, { signal: AbortSignal.timeout(5000) });
  await fetch(API_BASE + endpoint, { signal: AbortSignal.timeout(5000) });
  await fetch(endpoint, { signal: AbortSignal.timeout(5000) });
  return { content: [] };
});
"#;
    assert_eq!(
        with_rules(ts, crate::rules::Language::TypeScript),
        vec![("ts-ssrf".to_string(), 6)]
    );
}

#[test]
fn python_fields_of_an_object_are_told_apart() {
    let src = format!(
        "{PY_HEAD}
class Store:
    def __init__(self):
        self.script = 'backup.sh'
        self.items = {{}}
        self.pending = []
    def put(self, key, value):
        self.items[key] = value
        self.flush()
    def queue(self, line):
        self.pending.append(line)
        self.drain()
    def flush(self):
        os.system(self.script)
    def drain(self):
        for line in self.pending:
            os.system(line)

store = Store()

@mcp.tool()
def remember(key: str, value: str) -> None:
    store.put(key, value)

@mcp.tool()
def later(line: str) -> None:
    store.queue(line)
"
    );
    assert_eq!(
        python(&src),
        vec![flow(
            "later",
            "line",
            "os.system",
            &["Store.queue", "Store.drain"]
        )]
    );
}

#[test]
fn typescript_fields_of_an_object_are_told_apart() {
    let src = format!(
        "{TS_HEAD}
class Config {{
  private path = \"/etc/app.json\";
  private values: Record<string, string> = {{}};
  private hook = \"true\";
  set(key: string, value: string) {{
    this.values[key] = value;
    this.save();
  }}
  setHook(cmd: string) {{
    this.hook = cmd;
    this.save();
  }}
  save() {{
    execSync(\"cat \" + this.path);
    execSync(this.hook);
  }}
}}
const config = new Config();

server.tool(\"set\", {{}}, async ({{ key, value }}) => {{
  config.set(key, value);
}});

server.tool(\"hook\", {{}}, async ({{ cmd }}) => {{
  config.setHook(cmd);
}});
"
    );
    assert_eq!(
        typescript(&src),
        vec![flow(
            "hook",
            "cmd",
            "child_process.execSync",
            &["Config.setHook", "Config.save"]
        )]
    );
}

#[test]
fn python_cloud_api_answers_are_not_the_request() {
    let src = format!(
        "{PY_HEAD}
import boto3
client = boto3.client('lambda')

@mcp.tool()
def layer(arn: str) -> None:
    answer = client.get_layer_version_by_arn(Arn=arn)
    os.system(answer['Content']['Location'])

@mcp.tool()
def wrapped(name: str) -> None:
    found = client.lookup(name)
    os.system(found)
"
    );
    assert_eq!(
        python(&src),
        vec![flow("wrapped", "name", "os.system", &[])]
    );
}
