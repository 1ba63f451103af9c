"""Time `maestro-tm import mcp` on a 50-server config and the MCP server's warm `lookup_threat`.

Targets (docs/PERFORMANCE.md): `import mcp` < 1 s end to end (process start included);
`lookup_threat` < 50 ms warm, measured as a client sees it (the SDK's stdio client, round trip).
Run: `python benchmarks/bench_integrations.py`.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import anyio

ROOT = Path(__file__).resolve().parents[1]
RUNS = 7
CALLS = 200


def fifty_servers() -> dict[str, object]:
    """A realistic heavy config: every launch style, secrets, remotes, auto-approval."""
    servers: dict[str, object] = {}
    for i in range(50):
        style = i % 5
        if style == 0:
            servers[f"npm-{i}"] = {"command": "npx", "args": ["-y", f"@acme/mcp-{i}"]}
        elif style == 1:
            servers[f"py-{i}"] = {
                "command": "uvx",
                "args": [f"mcp-tool-{i}==1.{i}.0"],
                "env": {"SERVICE_TOKEN": f"tok_{i:04d}_abcdefghijklmnop"},
            }
        elif style == 2:
            servers[f"docker-{i}"] = {
                "command": "docker",
                "args": ["run", "-i", "--rm", f"acme/mcp-{i}"],
            }
        elif style == 3:
            servers[f"remote-{i}"] = {"type": "http", "url": f"https://mcp{i % 7}.example.com/mcp"}
        else:
            servers[f"shell-{i}"] = {
                "command": "node",
                "args": [f"/opt/shell-{i}/index.js"],
                "autoApprove": ["run_command"],
            }
    return {"mcpServers": servers}


def bench_import(workdir: Path) -> list[float]:
    config = workdir / "claude_desktop_config.json"
    config.write_text(json.dumps(fifty_servers(), indent=2), encoding="utf-8")
    exe = Path(sys.executable).with_name("maestro-tm")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "assistant.cli"]
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(
            [*command, "import", "mcp", str(config), "-o", str(workdir / "tm.json")],
            check=True,
            capture_output=True,
        )
        times.append((time.perf_counter() - start) * 1000)
    return times


async def bench_lookup(workdir: Path) -> tuple[float, list[float]]:
    from mcp.client.session import ClientSession
    from mcp.client.stdio import StdioServerParameters, stdio_client

    env = {
        "PATH": os.environ.get("PATH", ""),
        "MAESTRO_TM_HOME": str(workdir / "home"),
        "PYTHONPATH": str(ROOT),
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    }
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "assistant.cli", "mcp"], env=env
    )
    ids = ["T1", "T6", "T17", "MAS-ROGUE-MCP-SERVER", "L3-P4", "MAS-MCP:T40"]
    with open(os.devnull, "w") as errlog:
        async with (
            stdio_client(params, errlog=errlog) as (read, write),
            ClientSession(read, write) as client,
        ):
            await client.initialize()
            start = time.perf_counter()
            await client.call_tool("lookup_threat", {"threat_id": "T2"})  # loads the catalogue
            cold = (time.perf_counter() - start) * 1000
            times = []
            for i in range(CALLS):
                start = time.perf_counter()
                result = await client.call_tool("lookup_threat", {"threat_id": ids[i % len(ids)]})
                times.append((time.perf_counter() - start) * 1000)
                assert not result.is_error
    return cold, times


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        imports = bench_import(workdir)
        cold, lookups = anyio.run(bench_lookup, workdir)
    lookups.sort()
    p95 = lookups[int(len(lookups) * 0.95) - 1]
    print(
        f"import mcp, 50 servers, end to end: median {statistics.median(imports):.0f} ms, "
        f"max {max(imports):.0f} ms over {RUNS} runs (target < 1000 ms)"
    )
    print(
        f"lookup_threat over stdio: first call {cold:.1f} ms; warm median "
        f"{statistics.median(lookups):.2f} ms, p95 {p95:.2f} ms, max {max(lookups):.2f} ms "
        f"over {CALLS} calls (target < 50 ms)"
    )


if __name__ == "__main__":
    main()
