"""Read MCP client configuration files into plain server entries, each value with its place.

Clients store the same facts under different keys: Claude Desktop, Claude Code (`.mcp.json`)
and Cursor under `mcpServers`, VS Code's `.vscode/mcp.json` under `servers`, and its user
`settings.json` under `mcp.servers`. `read_config` finds the servers wherever they are and
returns them with a JSON pointer and a line for every value, so each fact can cite the file.

Real configs vary: comments and trailing commas (JSONC) are accepted; unknown keys are ignored;
a malformed file, a huge one or something that is not a regular file is refused with one line
naming it; a server entry of the wrong shape is skipped with a warning.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.errors import McpConfigError, SystemFileError
from assistant.files import read_text
from assistant.integrations.mcp_config.jsonc import UnterminatedCommentError, strip_jsonc
from assistant.system_file.positions import Parsed, parse_json_positions

# Client configs are kilobytes; a settings.json with a large workspace state is still well under.
MAX_CONFIG_BYTES = 2 * 1024 * 1024
# Where each client keeps its servers: a list of key paths, first match wins.
# Real setups have a handful of servers, heavy ones fifty; past this a file is a mistake or an attack.
MAX_SERVERS = 500
MAX_NAME_CHARS = 80
SERVER_KEYS: tuple[tuple[str, ...], ...] = (("mcpServers",), ("servers",), ("mcp", "servers"))

JsonPath = tuple[str | int, ...]


def pointer(path: Sequence[str | int]) -> str:
    """RFC 6901 JSON pointer of `path`, e.g. `/mcpServers/github/env/GITHUB_TOKEN`."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


@dataclass
class ServerEntry:
    """One configured server, as the client wrote it (values unredacted: never written as is)."""

    name: str
    path: JsonPath
    """Where its object is, e.g. `("mcpServers", "github")`."""
    raw: dict[str, Any]


@dataclass
class ConfigFile:
    """One client configuration file and the servers it declares."""

    label: str
    """How outputs name the file: as given, or `~/...` for a file under the home directory."""
    client: str
    servers: list[ServerEntry]
    parsed: Parsed
    warnings: list[str] = field(default_factory=list)

    def where(self, path: Sequence[str | int]) -> str:
        """An evidence location: `label:line#pointer` (the line is where the value starts)."""
        return f"{self.label}:{self.parsed.line(path)}#{pointer(path)}"


def display_path(path: Path) -> str:
    """`path` as outputs show it: under the home directory as `~/...`, so no user name leaks."""
    try:
        home = Path.home()
    except RuntimeError:
        return str(path)
    absolute = Path(os.path.abspath(path))
    try:
        return "~/" + absolute.relative_to(home).as_posix()
    except ValueError:
        return str(path)


def client_of(path: Path) -> str:
    """The client that writes a file of this name (a best guess from the name and folder)."""
    name, parent = path.name.lower(), path.parent.name.lower()
    if name == "claude_desktop_config.json":
        return "Claude Desktop"
    if name == ".mcp.json":
        return "Claude Code"
    if parent == ".cursor":
        return "Cursor"
    if parent == ".vscode" or (name == "settings.json" and parent in ("user", "code")):
        return "VS Code"
    if name == "settings.json":
        return "VS Code"
    return "MCP client"


def read_config(path: Path, label: str | None = None) -> ConfigFile:
    """Read one client configuration file.

    Args:
        path: The file (symlinks are followed; FIFOs and devices are refused).
        label: How to name it in outputs; default `display_path(path)`.

    Raises:
        McpConfigError: Unreadable, too large, not JSON/JSONC, or declares no server object.
    """
    label = label or display_path(path)
    text = read_text(path, limit=MAX_CONFIG_BYTES, error=McpConfigError)
    try:
        parsed = parse_json_positions(strip_jsonc(text), label)
    except UnterminatedCommentError as exc:
        raise McpConfigError(f"{label}: not valid JSON: {exc}") from None
    except SystemFileError as exc:
        raise McpConfigError(exc.message) from None
    if not isinstance(parsed.data, dict):
        raise McpConfigError(f"{label}: not an MCP configuration (the top level is not an object)")
    found = _servers_at(parsed.data)
    if found is None:
        keys = ", ".join(".".join(k) for k in SERVER_KEYS)
        raise McpConfigError(f"{label}: no MCP servers found (looked for {keys})")
    base, servers = found
    config = ConfigFile(label, client_of(path), [], parsed)
    if len(servers) > MAX_SERVERS:
        config.warnings.append(
            f"{label}: {len(servers):,} servers; only the first {MAX_SERVERS} are read"
        )
    for name, raw in list(servers.items())[:MAX_SERVERS]:
        where = (*base, name)
        shown = name if len(name) <= MAX_NAME_CHARS else name[: MAX_NAME_CHARS - 1] + "\u2026"
        if not isinstance(raw, dict):
            config.warnings.append(
                f"{config.where(where)}: server {shown!r} is not an object; skipped"
            )
            continue
        if raw.get("disabled") is True:
            config.warnings.append(f"{config.where(where)}: server {shown!r} is disabled; skipped")
            continue
        config.servers.append(ServerEntry(shown, where, raw))
    return config


def _servers_at(data: dict[str, Any]) -> tuple[JsonPath, dict[str, Any]] | None:
    for keys in SERVER_KEYS:
        value: Any = data
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        if isinstance(value, dict):
            return keys, value
    return None
