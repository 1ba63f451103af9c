"""`maestro-tm import mcp`: threat-model the MCP servers your clients are configured to run."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from assistant.commands.common import THREAT_MODEL_OUTPUT

if TYPE_CHECKING:
    from assistant.integrations.mcp_config import ConfigFile


@click.group("import")
def import_group() -> None:
    """Import a system from the configuration of tools you already use."""


@import_group.command("mcp")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@THREAT_MODEL_OUTPUT
@click.option(
    "--system-only",
    is_flag=True,
    help="Write the system model (a system file: `analyze` reads it) instead of a threat model.",
)
def import_mcp_command(paths: tuple[Path, ...], output: str, system_only: bool) -> None:
    """Read MCP client configs into a grounded system model and analyse it offline.

    PATHS are configuration files: Claude Desktop's claude_desktop_config.json, a project's
    .mcp.json, .cursor/mcp.json, .vscode/mcp.json or VS Code's settings.json. With none, the
    usual per-project and per-user places are read and named. Comments and trailing commas are
    accepted. Secrets in env, args, headers or URLs are reported by name and never written.
    Every finding cites the file, line and JSON path it rests on. Exit 2 when a file cannot
    be read or no server is found.
    """
    from assistant.engine.analyze import analyze
    from assistant.engine.secrets import redact_input
    from assistant.errors import McpConfigError
    from assistant.integrations.mcp_config import build_setup, read_config
    from assistant.integrations.mcp_config.ground import cite_config_facts
    from assistant.knowledge import default_catalogue
    from assistant.model_io import dump_threat_model, write_threat_model

    def progress(line: str) -> None:
        click.echo(line, err=True)

    configs = [read_config(p, str(p)) for p in paths] if paths else _discovered(progress)
    if not any(c.servers for c in configs):
        for config in configs:
            for warning in config.warnings:  # why each server was skipped
                progress(warning)
        raise McpConfigError("no MCP servers found in " + ", ".join(c.label for c in configs))
    setup = build_setup([c for c in configs if c.servers])
    for note in setup.notes:
        progress(note)
    # The one redaction policy runs over everything built, as for `analyze`.
    redacted = redact_input(setup.system.description, setup.system)
    system = redacted.system or setup.system
    if system_only:
        text = system.model_dump_json(indent=2, exclude_defaults=True) + "\n"
        _write(text, output, progress)
        return
    catalogue = default_catalogue()
    model = analyze(redacted.description, catalogue, system=system, progress=progress)
    model = cite_config_facts(model, catalogue)
    if output == "-":
        sys.stdout.write(dump_threat_model(model))
    else:
        write_threat_model(model, output)
        progress(f"wrote {output}")


def _discovered(progress: Callable[[str], None]) -> list[ConfigFile]:
    """The configs in the usual places; one that is not a client config is a warning there."""
    from assistant.errors import McpConfigError
    from assistant.integrations.mcp_config import default_config_paths, read_config

    found = default_config_paths()
    if not found:
        raise McpConfigError(
            "no MCP configuration found in this project (.mcp.json, .cursor/mcp.json, "
            ".vscode/mcp.json) or for this user; name the file: maestro-tm import mcp PATH"
        )
    configs = []
    for path in found:
        try:
            configs.append(read_config(path))
        except McpConfigError as exc:
            progress(f"warning: {exc.message}")
    if not configs:
        raise McpConfigError("no readable MCP configuration found; name the file to see why")
    return configs


def _write(text: str, output: str, progress: Callable[[str], None]) -> None:
    if output == "-":
        sys.stdout.write(text)
        return
    from assistant.files import write_text

    write_text(output, text)
    progress(f"wrote {output}")
