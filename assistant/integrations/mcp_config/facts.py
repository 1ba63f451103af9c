"""What one configured MCP server says about risk: how it launches, its secrets, its reach.

Everything here is read from the entry deterministically. Secret values never leave this module:
a secret is reported by the name of its variable, header or argument position, and every string
kept for output (command line, URL) has passed through the project's one `Redactor`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from assistant.integrations.mcp_config.read import JsonPath, ServerEntry
from assistant.llm.redact import Redactor

# Names that hold credentials: an env variable, header or flag with one of these words in it.
_SECRET_NAME = re.compile(
    r"(?i)(token|secret|passw(or)?d|passwd|api[_-]?key|apikey|access[_-]?key|private[_-]?key|"
    r"credential|authorization|bearer|(^|[_-])pat($|[_-])|cookie|dsn|session[_-]?(id|key|token))"
)
# A value that names a secret kept elsewhere rather than holding it.
_REFERENCE = re.compile(r"^\s*(\$\{[^}]+\}|\$[A-Za-z_][A-Za-z0-9_]*|<[^>]*>|\{\{[^}]+\}\})\s*$")
_RUNNERS = {"npx", "bunx", "pnpx"}
_DLX = {"pnpm", "yarn", "bun"}
_PY_RUNNERS = {"uvx", "pipx"}
_CONTAINERS = {"docker", "podman", "nerdctl"}
_SCRIPT_SUFFIXES = (".py", ".js", ".mjs", ".cjs", ".ts", ".sh", ".rb", ".jar", ".exe", ".ps1")
_SHELL_WORDS = re.compile(
    r"(?i)(shell|terminal|\bexec|command|bash|powershell|\bcmd\b|desktop-commander|code-runner|"
    r"run-?code|iterm|ssh)"
)
_FS_WORDS = re.compile(r"(?i)(filesystem|file-system|\bfs\b|server-fs|files)")
# docker/podman `run` options that take a value (the image is the first word that is not one).
_DOCKER_VALUE_OPTIONS = {
    "-e", "--env", "-v", "--volume", "--name", "-p", "--publish", "--network", "--net",
    "--mount", "-w", "--workdir", "-u", "--user", "--env-file", "--entrypoint", "-l", "--label",
    "--platform", "--pull", "--cpus", "-m", "--memory", "--add-host", "--cap-add", "--cap-drop",
    "--device", "--security-opt", "-h", "--hostname", "--ipc", "--pid", "--runtime", "--shm-size",
}  # fmt: skip


@dataclass
class Fact:
    """One observation and where in the file it is."""

    kind: str
    text: str
    path: JsonPath


@dataclass
class ServerFacts:
    """The risk-relevant facts of one server entry (all strings redacted)."""

    name: str
    path: JsonPath
    transport: str
    """`stdio`, `http` or `sse`."""
    launch: str = ""
    """The command line or URL as written, redacted."""
    host: str = ""
    scheme: str = ""
    supply: list[Fact] = field(default_factory=list)
    """How it is fetched: `unpinned`, `latest`, `no-digest`, `local-script`, `pinned`."""
    secrets: list[Fact] = field(default_factory=list)
    auto_approved: list[Fact] = field(default_factory=list)
    roots: list[Fact] = field(default_factory=list)
    shell: Fact | None = None
    has_auth: bool = False


def server_facts(entry: ServerEntry, redactor: Redactor) -> ServerFacts:
    """Read the facts of one server entry."""
    raw = entry.raw
    url = raw.get("url") or raw.get("serverUrl") or raw.get("httpUrl")
    kind = str(raw.get("type") or raw.get("transport") or "").lower()
    if isinstance(url, str) and url.strip():
        facts = _remote(entry, url, kind, redactor)
    else:
        facts = _local(entry, redactor)
    facts.secrets += _env_secrets(entry, "env")
    facts.secrets += _env_secrets(entry, "headers")
    facts.auto_approved = _auto_approved(entry)
    return facts


def _remote(entry: ServerEntry, url: str, kind: str, redactor: Redactor) -> ServerFacts:
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    facts = ServerFacts(
        entry.name,
        entry.path,
        "sse" if kind == "sse" else "http",
        launch=redactor.redact(_without_secrets(parts)),
        host=host,
        scheme=parts.scheme.lower(),
    )
    key = "url" if "url" in entry.raw else ("serverUrl" if "serverUrl" in entry.raw else "httpUrl")
    if parts.password or parts.username:
        facts.secrets.append(Fact("url", "credentials in the URL", (*entry.path, key)))
    for pair in parts.query.split("&"):
        name, _, value = pair.partition("=")
        if value and _SECRET_NAME.search(name) and not _REFERENCE.match(value):
            facts.secrets.append(Fact("url", f"URL parameter {name}", (*entry.path, key)))
    headers = entry.raw.get("headers")
    facts.has_auth = isinstance(headers, dict) and any(_SECRET_NAME.search(str(k)) for k in headers)
    return facts


def _without_secrets(parts: Any) -> str:
    """The URL without user info and with secret-named query values masked."""
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    query = "&".join(
        f"{n}=***" if v and _SECRET_NAME.search(n) else (f"{n}={v}" if v else n)
        for n, _, v in (p.partition("=") for p in parts.query.split("&") if p)
    )
    return f"{parts.scheme}://{netloc}{parts.path}" + (f"?{query}" if query else "")


def _local(entry: ServerEntry, redactor: Redactor) -> ServerFacts:
    command = entry.raw.get("command")
    command = command if isinstance(command, str) else ""
    args_raw = entry.raw.get("args")
    args = [str(a) for a in args_raw] if isinstance(args_raw, list) else []
    shown, secret_args = _redact_args(args, redactor)
    facts = ServerFacts(
        entry.name, entry.path, "stdio", launch=" ".join([redactor.redact(command), *shown])
    )
    facts.secrets += [Fact("arg", f"args[{i}]", (*entry.path, "args", i)) for i in secret_args]
    facts.supply = _supply(entry, command, args)
    words = " ".join([entry.name, command, *args[:4]])
    if _SHELL_WORDS.search(words):
        facts.shell = Fact("shell", f"{entry.name} runs commands ({words[:80]})", (*entry.path,))
    if _FS_WORDS.search(words):
        facts.roots = [
            Fact("root", a, (*entry.path, "args", i))
            for i, a in enumerate(args)
            if a.startswith(("/", "~", ".")) or re.match(r"^[A-Za-z]:[\\/]", a)
        ]
    return facts


def _redact_args(args: list[str], redactor: Redactor) -> tuple[list[str], list[int]]:
    """Arguments for output, and the positions that held a secret (masked in the output)."""
    shown: list[str] = []
    secret: list[int] = []
    for i, arg in enumerate(args):
        flag, eq, value = arg.partition("=")
        previous = args[i - 1] if i else ""
        if (
            eq
            and flag.startswith("-")
            and _SECRET_NAME.search(flag)
            and not _REFERENCE.match(value)
        ):
            shown.append(f"{flag}=***")
            secret.append(i)
        elif previous.startswith("-") and _SECRET_NAME.search(previous) and "=" not in previous:
            if _REFERENCE.match(arg):
                shown.append(arg)
            else:
                shown.append("***")
                secret.append(i)
        else:
            clean = redactor.redact(arg)
            if clean != arg:
                secret.append(i)
            shown.append(clean)
    return shown, secret


def _env_secrets(entry: ServerEntry, key: str) -> list[Fact]:
    """Variables or headers whose literal value is a credential, by name only."""
    block = entry.raw.get(key)
    if not isinstance(block, dict):
        return []
    found = []
    for name, value in block.items():
        if not isinstance(value, str) or not value.strip():
            continue
        literal = Redactor().redact(value) != value
        if not literal and ("${" in value or _REFERENCE.match(value)):
            continue  # "${input:token}", "Bearer ${env:TOKEN}": a reference, not a literal
        if literal or _SECRET_NAME.search(str(name)):
            label = "header" if key == "headers" else "environment variable"
            found.append(Fact(key, f"{label} {name}", (*entry.path, key, name)))
    return found


def _auto_approved(entry: ServerEntry) -> list[Fact]:
    found = []
    for key in ("autoApprove", "alwaysAllow", "autoApproveTools"):
        tools = entry.raw.get(key)
        if isinstance(tools, list) and tools:
            names = ", ".join(str(t) for t in tools[:8]) + (" ..." if len(tools) > 8 else "")
            found.append(Fact("auto-approve", names, (*entry.path, key)))
    if entry.raw.get("trust") is True:
        found.append(Fact("auto-approve", "every tool (trust: true)", (*entry.path, "trust")))
    return found


def _supply(entry: ServerEntry, command: str, args: list[str]) -> list[Fact]:
    """How the server's code is fetched, with the argument that says so."""
    base = PurePosixPath(command.replace("\\", "/")).name.lower().removesuffix(".cmd")
    base = base.removesuffix(".exe")
    at = entry.path
    if base in _RUNNERS or (base in _DLX and args[:1] == ["dlx"]):
        skip = 1 if base in _DLX else 0
        return _package(args, skip, at, npm=True)
    if base in _PY_RUNNERS:
        skip = 1 if base == "pipx" and args[:1] == ["run"] else 0
        return _package(args, skip, at, npm=False)
    if base in _CONTAINERS and "run" in args:
        return _image(args, args.index("run") + 1, at)
    script = next(
        (i for i, a in enumerate([command, *args]) if a.lower().endswith(_SCRIPT_SUFFIXES)), None
    )
    if script is not None:
        where = (*at, "command") if script == 0 else (*at, "args", script - 1)
        return [Fact("local-script", [command, *args][script], where)]
    return []


def _package(args: list[str], skip: int, at: JsonPath, *, npm: bool) -> list[Fact]:
    i = skip
    while i < len(args):
        arg = args[i]
        if arg in ("--from", "-p", "--package") and i + 1 < len(args):
            i += 1
            break
        if not arg.startswith("-"):
            break
        i += 1
    if i >= len(args):
        return []
    spec, where = args[i], (*at, "args", i)
    version = _version(spec, npm=npm)
    if version in ("latest", "next"):
        return [Fact("latest", spec, where)]
    if version is None or not re.fullmatch(r"v?\d+(\.\d+)*([-+.][0-9A-Za-z.-]+)?", version):
        return [Fact("unpinned", spec, where)]
    return [Fact("pinned", spec, where)]


def _version(spec: str, *, npm: bool) -> str | None:
    if npm:
        name_end = spec.find("@", 1)  # a scoped name starts with "@"
        return spec[name_end + 1 :] if name_end > 0 else None
    for sep in ("==", "@"):
        if sep in spec:
            return spec.split(sep, 1)[1]
    return None


def _image(args: list[str], start: int, at: JsonPath) -> list[Fact]:
    i = start
    while i < len(args) and args[i].startswith("-"):
        i += 2 if args[i] in _DOCKER_VALUE_OPTIONS else 1
    if i >= len(args):
        return []
    image, where = args[i], (*at, "args", i)
    if "@sha256:" in image:
        return [Fact("pinned", image, where)]
    return [Fact("no-digest", image, where)]
