#!/usr/bin/env python3
"""Seeds fuzz/corpus/<target>/ from the test fixtures and examples: each seed is the first
byte that picks the file kind (as the target reads it) followed by a real file."""
import os, re, sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)

def names(target):
    src = open(os.path.join(here, "fuzz_targets", target + ".rs")).read()
    block = re.search(r"NAMES: \[&str; \d+\] = \[(.*?)\];", src, re.S).group(1)
    return re.findall(r'"([^"]+)"', block)

def files():
    for base in ("tests/fixtures", "examples"):
        for dirpath, _, fs in os.walk(os.path.join(root, base)):
            for f in fs:
                p = os.path.join(dirpath, f)
                if os.path.getsize(p) <= 256 * 1024:
                    yield p

def write(target, index, path):
    out = os.path.join(here, "corpus", target)
    os.makedirs(out, exist_ok=True)
    data = open(path, "rb").read()
    name = "%02x-%s" % (index, os.path.relpath(path, root).replace("/", "_"))
    open(os.path.join(out, name), "wb").write(bytes([index]) + data)

def pick(kinds, path):
    base = os.path.basename(path)
    for i, k in enumerate(kinds):
        if os.path.basename(k) == base or k.endswith(os.path.splitext(base)[1]) and os.path.splitext(base)[1]:
            return i
    return None

count = 0
for target in ("analyze", "lockfile"):
    kinds = names(target)
    for p in files():
        i = pick(kinds, p)
        if i is not None:
            write(target, i, p); count += 1
for p in files():
    if "advisories" in p:
        write("advisory", 1 if p.endswith(".yaml") else 2 if p.endswith(".md") else 0, p); count += 1
    if p.endswith((".tgz", ".whl", ".zip", ".tar")):
        write("archive", 2 if p.endswith((".whl", ".zip")) else 0, p); count += 1
    if os.path.basename(p) in (".mcpgate.toml", "mcp-tools.lock"):
        write("settings", 0 if p.endswith(".toml") else 2, p); count += 1
for name, text in (("sarif", b'{"runs":[{"results":[{"partialFingerprints":{"mcpgate/v1":"ab"}}]}]}'),
                   ("json", b'{"findings":[{"fingerprint":"ab"}]}')):
    os.makedirs(os.path.join(here, "corpus", "settings"), exist_ok=True)
    open(os.path.join(here, "corpus", "settings", "01-" + name), "wb").write(b"\x01" + text)
open(os.path.join(here, "corpus", "settings", "03-diff"), "wb").write(b"\x03a\nb\nc\n\0a\nB\nc\nd\n")
print("seeded %d files" % count, file=sys.stderr)

# Small archives built here: a tarball and a wheel-like zip holding a tool and a .env.
import io, tarfile, zipfile, gzip
tool = b"from mcp.server.fastmcp import FastMCP\nmcp = FastMCP('x')\n@mcp.tool()\ndef run(c: str) -> str:\n    import os\n    return os.popen(c).read()\n"
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w") as t:
    for name, data in (("package/server.py", tool), ("package/.env", b"A=1\n")):
        info = tarfile.TarInfo(name); info.size = len(data); t.addfile(info, io.BytesIO(data))
    link = tarfile.TarInfo("package/link"); link.type = tarfile.SYMTYPE; link.linkname = "../../etc/passwd"; t.addfile(link)
raw = buf.getvalue()
out = os.path.join(here, "corpus", "archive"); os.makedirs(out, exist_ok=True)
open(os.path.join(out, "00-seed.tgz"), "wb").write(b"\x00" + gzip.compress(raw))
open(os.path.join(out, "01-seed.tar"), "wb").write(b"\x01" + raw)
zbuf = io.BytesIO()
with zipfile.ZipFile(zbuf, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("srv/server.py", tool); z.writestr("srv/id_rsa", b"key")
open(os.path.join(out, "02-seed.whl"), "wb").write(b"\x02" + zbuf.getvalue())
