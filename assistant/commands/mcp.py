"""`maestro-tm mcp`: serve the validated engine to MCP clients over stdio."""

from __future__ import annotations

import click


@click.command("mcp")
def mcp_command() -> None:
    """Run an MCP server over stdio for coding agents and MCP clients.

    Tools: analyze_system, search_guidance, lookup_threat, validate_threat_model and
    export_report. Every result is checked by the same validator as the CLI. Offline on the
    rules engine unless a model is configured (MAESTRO_TM_MODEL). Register it with a client as
    the command `maestro-tm mcp` (see the README).
    """
    from assistant.mcp_server.server import serve

    serve()
