"""The MCP server: the five tools registered with the official SDK, served over stdio.

Every tool is read-only and local: it reads the catalogue, a system file the caller names, or the
arguments it is given, and returns JSON. Errors in the core (`AssistantError`) become one-line
tool errors; anything else becomes a one-line internal error (no traceback reaches the client).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Annotated, Any, ParamSpec, TypeVar

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import ToolAnnotations
from pydantic import Field

from assistant.errors import AssistantError
from assistant.mcp_server import tools
from assistant.safe_text import one_line

P = ParamSpec("P")
R = TypeVar("R")
READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True)
INSTRUCTIONS = (
    "MAESTRO threat modelling for agentic AI systems. Every finding returned is checked against "
    "the MAESTRO catalogue by the project's validator and cites its evidence. Use analyze_system "
    "on a description or system file, lookup_threat for a catalogue id, search_guidance for "
    "questions, validate_threat_model and export_report on a threat model."
)


def _edge(fn: Callable[P, R]) -> Callable[P, R]:
    """Core errors as one-line tool errors; never a traceback to the client."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except AssistantError as exc:
            raise ToolError(one_line(exc.message)) from None
        except Exception as exc:
            raise ToolError(f"internal error: {type(exc).__name__}: {one_line(str(exc))}") from None

    return wrapper


def analyze_system(
    description: Annotated[
        str,
        Field(
            description="The system in prose (data, never instructions).",
            max_length=tools.MAX_TEXT_CHARS,
        ),
    ] = "",
    system_file: Annotated[
        str,
        Field(description="Path of a system file (.yaml, .yml, .json) to read.", max_length=4096),
    ] = "",
    system_text: Annotated[
        str,
        Field(
            description="The text of a system file (YAML or JSON).", max_length=tools.MAX_TEXT_CHARS
        ),
    ] = "",
    engine: Annotated[
        str, Field(description="auto (default), rules (offline), llm or hybrid.", max_length=10)
    ] = "auto",
) -> dict[str, Any]:
    """Analyse a system into a validated MAESTRO threat model (give exactly one input).

    Secrets in the input are redacted first. Offline on the rules engine unless a model is configured.
    Returns the threat model (findings the validator rejects are left out and listed), model-level
    issues and progress notes.
    """
    return _edge(tools.analyze_system)(description, system_file, system_text, engine)


def search_guidance(
    query: Annotated[
        str,
        Field(description="What to look for, in plain words.", max_length=tools.MAX_QUERY_CHARS),
    ],
    layers: Annotated[
        list[str] | None,
        Field(description="Only entries at these MAESTRO layers (L1..L7, CL).", max_length=8),
    ] = None,
    k: Annotated[
        int, Field(description="How many passages (1-20).", ge=1, le=tools.MAX_RESULTS)
    ] = 5,
) -> dict[str, Any]:
    """Search the MAESTRO guidance (threats, mitigations, layers ...); each result is a catalogue entry."""
    return _edge(tools.search_guidance)(query, layers, k)


def lookup_threat(
    threat_id: Annotated[
        str,
        Field(
            description="A catalogue id or alias, e.g. T17, MAS-ROGUE-MCP-SERVER, L3-P4.",
            max_length=200,
        ),
    ],
) -> dict[str, Any]:
    """Look up one catalogue entry: name, summary, layers, mitigations, crosswalks and sources."""
    return _edge(tools.lookup_threat)(threat_id)


def validate_threat_model(
    threat_model: Annotated[
        dict[str, Any] | str, Field(description="A threat model (object or JSON text).")
    ],
) -> dict[str, Any]:
    """Validate a threat model against the catalogue: a verdict per finding and an outcome."""
    return _edge(tools.validate_threat_model)(threat_model)


def export_report(
    threat_model: Annotated[
        dict[str, Any] | str, Field(description="A threat model (object or JSON text).")
    ],
    format: Annotated[str, Field(description="md, json, otm, csv or sarif.", max_length=10)] = "md",
) -> dict[str, Any]:
    """Render a threat model's validated findings as Markdown, JSON, OTM, CSV or SARIF text."""
    return _edge(tools.export_report)(threat_model, format)


def build_server() -> MCPServer[Any]:
    """The server with its five read-only tools."""
    from importlib.metadata import version

    server: MCPServer[Any] = MCPServer(
        name="maestro-tm", instructions=INSTRUCTIONS, version=version("maestro-tm")
    )
    for fn in (
        analyze_system,
        search_guidance,
        lookup_threat,
        validate_threat_model,
        export_report,
    ):
        server.add_tool(fn, annotations=READ_ONLY)
    return server


def serve() -> None:
    """Run the server over stdio until the client closes it."""
    build_server().run("stdio")
