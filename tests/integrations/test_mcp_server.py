"""The MCP server, driven by the official SDK's own client against the real server process."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp_types import CallToolResult, TextContent

from assistant.knowledge import default_catalogue
from assistant.mcp_server.tools import MAX_QUERY_CHARS, MAX_TEXT_CHARS
from tests.conftest import ROOT

TOOLS = {
    "analyze_system",
    "search_guidance",
    "lookup_threat",
    "validate_threat_model",
    "export_report",
}
SYSTEM = ROOT / "docs" / "examples" / "system.yaml"
SARIF_SCHEMA = json.loads(
    (ROOT / "assistant" / "export" / "schemas" / "sarif-schema-2.1.0.json").read_text("utf-8")
)


@asynccontextmanager
async def session(home: Path) -> AsyncIterator[ClientSession]:
    """A client session with `python -m assistant.cli mcp`, offline, data under `home`."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "MAESTRO_TM_HOME": str(home / "maestro"),
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        "PYTHONPATH": str(ROOT),
    }
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "assistant.cli", "mcp"], env=env, cwd=str(ROOT)
    )
    with (home / "server.log").open("w") as errlog:
        async with (
            stdio_client(params, errlog=errlog) as (read, write),
            ClientSession(read, write) as client,
        ):
            await client.initialize()
            yield client


def payload(result: CallToolResult) -> dict[str, Any]:
    assert not result.is_error, result.content
    if isinstance(result.structured_content, dict):
        data: dict[str, Any] = result.structured_content
        return data.get("result", data) if set(data) == {"result"} else data
    block = result.content[0]
    assert isinstance(block, TextContent)
    parsed: dict[str, Any] = json.loads(block.text)
    return parsed


def error_text(result: CallToolResult) -> str:
    assert result.is_error
    block = result.content[0]
    assert isinstance(block, TextContent)
    assert "Traceback" not in block.text
    return block.text


async def test_lists_every_tool_read_only(tmp_path: Path) -> None:
    async with session(tmp_path) as client:
        listed = (await client.list_tools()).tools
    assert {t.name for t in listed} == TOOLS
    for tool in listed:
        assert tool.description
        assert tool.annotations is not None and tool.annotations.read_only_hint is True
        assert tool.input_schema["type"] == "object"


async def test_lookup_threat_and_its_errors(tmp_path: Path) -> None:
    async with session(tmp_path) as client:
        found = payload(await client.call_tool("lookup_threat", {"threat_id": "T17"}))
        alias = payload(await client.call_tool("lookup_threat", {"threat_id": "MAS-MCP:T40"}))
        unknown = await client.call_tool("lookup_threat", {"threat_id": "T999"})
        missing = await client.call_tool("lookup_threat", {})
        wrong_type = await client.call_tool("lookup_threat", {"threat_id": ["T1"]})
        huge = await client.call_tool("lookup_threat", {"threat_id": "T" * 10_000})
        start = time.perf_counter()
        for _ in range(10):
            await client.call_tool("lookup_threat", {"threat_id": "T6"})
        warm_ms = (time.perf_counter() - start) * 100
    entry = found["entry"]
    assert entry["id"] == "T17" and entry["name"] == "Supply Chain Compromise"
    assert found["catalogue_version"] == default_catalogue().version
    assert default_catalogue().get(alias["entry"]["id"]) is not None
    assert "T999" in error_text(unknown)
    for bad in (missing, wrong_type, huge):
        error_text(bad)
    assert warm_ms < 500  # generous for a shared CI machine; the benchmark measures the real figure


async def test_analyze_validate_and_export_round_trip(tmp_path: Path) -> None:
    description = (
        "A support agent reads a public inbox, looks up orders in a database and issues refunds "
        "through the Stripe API with key sk_test_00000000000000000000dummy. No human approves."
    )
    async with session(tmp_path) as client:
        from_text = payload(await client.call_tool("analyze_system", {"description": description}))
        from_file = payload(await client.call_tool("analyze_system", {"system_file": str(SYSTEM)}))
        model = from_file["threat_model"]
        report = payload(await client.call_tool("validate_threat_model", {"threat_model": model}))
        as_text = payload(
            await client.call_tool("validate_threat_model", {"threat_model": json.dumps(model)})
        )
        sarif = payload(
            await client.call_tool("export_report", {"threat_model": model, "format": "sarif"})
        )
        markdown = payload(await client.call_tool("export_report", {"threat_model": model}))
    assert from_text["threat_model"]["findings"]
    assert "sk_test_00000000000000000000dummy" not in json.dumps(from_text)
    assert any("redacted" in note for note in from_text["notes"])
    assert from_file["threat_model"]["findings"] and from_file["left_out"] == []
    assert report["outcome"] == as_text["outcome"] == "accepted"
    assert report["counts"]["rejected"] == 0
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(json.loads(sarif["text"]))
    assert markdown["format"] == "md" and markdown["text"].startswith("#")


async def test_malformed_and_oversized_arguments_are_tool_errors(tmp_path: Path) -> None:
    calls: list[tuple[str, dict[str, Any]]] = [
        ("analyze_system", {}),
        ("analyze_system", {"description": "x", "system_text": "name: y"}),
        ("analyze_system", {"description": "a b c " * (MAX_TEXT_CHARS // 5)}),
        ("analyze_system", {"description": "hello there"}),
        ("analyze_system", {"system_text": "components: [unclosed"}),
        ("analyze_system", {"system_file": str(tmp_path / "missing.yaml")}),
        ("analyze_system", {"description": "an agent", "engine": "quantum"}),
        ("search_guidance", {"query": "q" * (MAX_QUERY_CHARS + 1)}),
        ("search_guidance", {"query": "tool misuse", "k": 0}),
        ("search_guidance", {"query": "tool misuse", "layers": ["L9"]}),
        ("validate_threat_model", {"threat_model": "{not json"}),
        ("validate_threat_model", {"threat_model": {"findings": "no"}}),
        ("validate_threat_model", {"threat_model": 42}),
        ("export_report", {"threat_model": {"id": "x"}, "format": "pdf"}),
        ("no_such_tool", {}),
    ]
    async with session(tmp_path) as client:
        results = [await client.call_tool(name, args) for name, args in calls]
        still_alive = payload(await client.call_tool("lookup_threat", {"threat_id": "T1"}))
    for (name, args), result in zip(calls, results, strict=True):
        assert result.is_error, (name, list(args))
        text = error_text(result)
        assert len(text) < 2_000, name
    assert still_alive["entry"]["id"] == "T1"


@pytest.mark.slow
async def test_search_guidance_cites_catalogue_entries(tmp_path: Path) -> None:
    async with session(tmp_path) as client:
        found = payload(
            await client.call_tool(
                "search_guidance", {"query": "rogue MCP server", "layers": ["L7"], "k": 3}
            )
        )
    cat = default_catalogue()
    assert 1 <= len(found["results"]) <= 3
    for result in found["results"]:
        assert cat.get(result["entry_id"]) is not None
        assert "L7" in result["layers"]
