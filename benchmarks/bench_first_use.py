"""First use of search on a fresh install, warm query latency, and a custom catalogue's build.

Run: `.venv/bin/python benchmarks/bench_first_use.py [--runs 3] [--json OUT]`

- first search: `maestro-tm search "..."` in a fresh process with an empty home, under
  `unshare --net` when the machine allows it (no network at all) -- targets < 2 s, peak RSS
  <= 400 MB;
- warm queries: `Retriever.search(k=5)` over the eval queries in one process, query embedding
  included -- targets p50 < 20 ms, p95 < 50 ms;
- custom catalogue: the bundled catalogue with one summary edited, so the shipped vectors do not
  fit and the first search builds an index (embedding every passage, writing chromadb).

Peak RSS is the child's own `ru_maxrss`, read in the child at exit. The load average is printed:
on a shared 2-core machine other processes inflate every number.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
QUERY = "an attacker pretends to be one of our agents"
CHILD = (
    "import atexit, resource, sys\n"
    "atexit.register(lambda: print(f'RSS_KB={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}',"
    " file=sys.stderr))\n"
    "from assistant.cli import main\n"
    "sys.argv = ['maestro-tm', *sys.argv[1:]]\n"
    "main()\n"
)


def _unshare() -> list[str]:
    probe = shutil.which("unshare")
    if probe and subprocess.run([probe, "--net", "true"], capture_output=True).returncode == 0:
        return [probe, "--net"]
    return []


def _cli(args: list[str], env: dict[str, str], isolate: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run(
        [*isolate, sys.executable, "-c", CHILD, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"maestro-tm {' '.join(args)} failed: {done.stderr.strip()[-400:]}")
    rss = next(int(x.split("=")[1]) for x in done.stderr.split() if x.startswith("RSS_KB="))
    return wall, rss // 1024


def _env(home: Path, knowledge: Path | None = None) -> dict[str, str]:
    env = dict(os.environ, MAESTRO_TM_HOME=str(home), PYTHONPATH=str(ROOT))
    if knowledge is not None:
        env["MAESTRO_TM_KNOWLEDGE"] = str(knowledge)
    return env


def first_search(runs: int, isolate: list[str]) -> dict[str, Any]:
    """Fresh home each run: nothing cached but the installed package."""
    rows = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            rows.append(_cli(["search", QUERY, "-k", "3"], _env(Path(tmp)), isolate))
    return {
        "wall_s": [round(w, 2) for w, _ in rows],
        "peak_rss_mb": [r for _, r in rows],
        "no_network": bool(isolate),
    }


def custom_build(isolate: list[str]) -> dict[str, Any]:
    """One run: the first search over an edited copy of the catalogue builds its index."""
    with tempfile.TemporaryDirectory() as tmp:
        knowledge = Path(tmp) / "knowledge"
        shutil.copytree(ROOT / "knowledge", knowledge)
        core = knowledge / "threats" / "core.yaml"
        core.write_text(
            core.read_text(encoding="utf-8").replace("An attacker", "An adversary", 1),
            encoding="utf-8",
        )
        wall, rss = _cli(["search", QUERY, "-k", "3"], _env(Path(tmp) / "home", knowledge), isolate)
        again, rss2 = _cli(
            ["search", QUERY, "-k", "3"], _env(Path(tmp) / "home", knowledge), isolate
        )
    return {
        "build_wall_s": round(wall, 2),
        "build_peak_rss_mb": rss,
        "reopen_wall_s": round(again, 2),
        "reopen_peak_rss_mb": rss2,
    }


def warm_queries(rounds: int) -> dict[str, Any]:
    """`Retriever.search(k=5)` latency per query, best of `rounds` rounds over the eval set."""
    import yaml

    from assistant.retrieval import Retriever

    data = yaml.safe_load((ROOT / "evals" / "retrieval" / "queries.yaml").read_text("utf-8"))
    queries = [q["query"] for q in data["queries"]]
    retriever = Retriever.open(url="")
    retriever.search("warm up")
    best: list[float] = []
    for _ in range(rounds):
        times = []
        for query in queries:
            start = time.perf_counter()
            retriever.search(query, k=5)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        if not best or statistics.median(times) < statistics.median(best):
            best = times
    return {
        "queries": len(best),
        "p50_ms": round(statistics.median(best), 1),
        "p95_ms": round(best[int(0.95 * (len(best) - 1))], 1),
    }


def main() -> None:
    """Run every measurement and print (or write) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    isolate = _unshare()
    result = {
        "load_average": os.getloadavg(),
        "first_search": first_search(args.runs, isolate),
        "warm": warm_queries(args.runs),
        "custom_catalogue": custom_build(isolate),
    }
    text = json.dumps(result, indent=2)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
