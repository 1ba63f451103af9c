"""Where MCP clients keep their configuration, per user and per project."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def default_config_paths(project: Path | None = None, home: Path | None = None) -> list[Path]:
    """Every usual configuration file that exists, project files first.

    Args:
        project: The project directory (default: the current directory).
        home: The home directory (default: the user's).
    """
    project = project or Path.cwd()
    home = home or Path.home()
    candidates = [
        project / ".mcp.json",
        project / ".cursor" / "mcp.json",
        project / ".vscode" / "mcp.json",
        home / ".cursor" / "mcp.json",
        home / ".claude.json",
        *[base / "Claude" / "claude_desktop_config.json" for base in _app_dirs(home)],
        *[base / "Code" / "User" / "mcp.json" for base in _app_dirs(home)],
        *[base / "Code" / "User" / "settings.json" for base in _app_dirs(home)],
    ]
    seen: list[Path] = []
    for path in candidates:
        if path.is_file() and path not in seen:
            seen.append(path)
    return seen


def _app_dirs(home: Path) -> list[Path]:
    """Per-user application-data folders on this platform."""
    if sys.platform == "darwin":
        return [home / "Library" / "Application Support"]
    if sys.platform.startswith("win"):
        appdata = os.environ.get("APPDATA")
        return [Path(appdata)] if appdata else [home / "AppData" / "Roaming"]
    config = os.environ.get("XDG_CONFIG_HOME")
    return [Path(config) if config else home / ".config"]
