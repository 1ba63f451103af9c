"""Benchmark the terminal chat as a user meets it (targets in docs/PERFORMANCE.md).

1. First paint: `maestro-tm chat` is started in a pseudo-terminal (80x24) and timed until the
   header is on the screen; then Ctrl+Q. Process start, imports and catalogue load included.
2. Typing while an analysis runs: keys pressed in the chat input while a worker keeps a
   pure-Python analysis busy (the GIL-bound worst case), against an idle baseline.
3. Memory: a 50-message session with the real guidance index (built first, in a child process,
   as the chat does), then VmRSS and peak RSS.

Run: `.venv/bin/python benchmarks/bench_tui.py` (add `--quick` for fewer runs).
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import os
import pty
import resource
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# The chat command is invoked through the CLI entry point; registering it here keeps the bench
# independent of whether the lazy registry line has landed.
LAUNCH = (
    "import sys; from assistant import cli; "
    "cli.LAZY_COMMANDS.setdefault('chat', ('assistant.commands.chat:chat_command', 'chat')); "
    "sys.argv = ['maestro-tm', 'chat', '--no-guidance', *sys.argv[1:]]; cli.main()"
)
DESCRIPTION = (
    "An expense agent built on LangChain uses GPT-4o, reads receipts from email, stores "
    "policies in a Pinecone vector store, and calls an MCP server to pay via Stripe. "
    "It remembers past claims."
)


def first_paint(home: Path, *args: str, then: bytes = b"") -> tuple[float, float]:
    """Seconds from spawning `maestro-tm chat ARGS` in an 80x24 pty to the header being drawn,
    and (if `then` is given) to `then` appearing too."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {**os.environ, "MAESTRO_TM_HOME": str(home), "TERM": "xterm-256color"}
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", LAUNCH, *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=ROOT,
        close_fds=True,
    )
    os.close(slave)
    seen = b""
    painted: float | None = None
    done = float("nan")
    try:
        while time.perf_counter() - start < 30:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    seen += os.read(master, 65536)
                except OSError:
                    break
                now = time.perf_counter() - start
                if painted is None and b"offline: rules engine" in seen:
                    painted = now
                if painted is not None and (not then or then in seen):
                    done = now
                    break
        for _ in range(20):  # Ctrl+Q until it quits (a key sent mid-start-up can be dropped)
            os.write(master, b"\x11")
            try:
                proc.wait(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                _drain(master)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    return (float("nan") if painted is None else painted), done


def _drain(fd: int) -> None:
    # The app keeps drawing; an unread pty would block it.
    while select.select([fd], [], [], 0)[0]:
        try:
            os.read(fd, 65536)
        except OSError:
            return


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


async def typing_latency(load: str) -> list[float]:
    """Milliseconds per key press in the chat input while an analysis worker runs.

    `load` is `idle` (no step running), `model` (a model-backed analysis: waiting on the
    provider, then validating what came back) or `cpu` (pure-Python work without pause, the
    GIL-bound worst case).
    """
    from textual import events

    from assistant.knowledge import default_catalogue
    from assistant.schema import Engine, Finding, RejectedProposal, SystemModel
    from assistant.session.models import ModelBinding
    from assistant.tui.factory import make_app

    catalogue = default_catalogue()
    stop = threading.Event()

    class BusyProposer:
        """Keeps the worker busy until stopped, in the way `load` says."""

        def run(
            self, system: SystemModel, cat: Any, progress: Any
        ) -> tuple[list[Finding], list[RejectedProposal]]:
            from assistant.engine.analyze import analyze

            while not stop.is_set():
                if load == "model":
                    stop.wait(0.3)  # a provider call: the GIL is free while waiting
                analyze(system.description, cat, system=system)  # validating the reply
                progress("working")
            return [], []

    binding = ModelBinding(engine=Engine.LLM, model="busy", proposer=BusyProposer())
    app = make_app(catalogue=catalogue, binding=binding, session_id="bench-typing")
    latencies: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        while not app.ready:
            await pilot.pause()
        app.chat.input.value = DESCRIPTION
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        if load != "idle":
            app.chat.input.value = "/analyze"
            await pilot.press("enter")
            await pilot.pause(0.2)
            assert app.running == "/analyze"
        app.chat.input.value = ""
        app.chat.input.focus()
        await pilot.pause(0.1)
        for key in "the quick brown fox jumps over the lazy dog" * 2:
            # Time from the key event to the input holding the character, measured in the
            # app's own event loop (Pilot's waits look for an idle CPU, which a busy worker
            # never gives, so they cannot time this).
            before = app.chat.input.value
            start = time.perf_counter()
            app.post_message(events.Key("space" if key == " " else key, key))
            while app.chat.input.value == before:
                await asyncio.sleep(0.0005)
            latencies.append((time.perf_counter() - start) * 1000)
        stop.set()
        await app.workers.wait_for_complete()
    return latencies


async def session_memory(home: Path, messages: int) -> dict[str, float]:
    """RSS after a session of `messages` chat messages with guidance on."""
    from assistant.session.models import default_retriever
    from assistant.tui.factory import make_app

    os.environ["MAESTRO_TM_HOME"] = str(home)
    start = time.perf_counter()
    retriever = default_retriever()
    retriever.search("warm up: open or build the index", k=1)
    index_ready = time.perf_counter() - start
    app = make_app(retriever=retriever, session_id="bench-memory")
    steps: list[float] = []
    async with app.run_test(size=(160, 48)) as pilot:
        while not app.ready:
            await pilot.pause()
        lines = [DESCRIPTION, "yes", "skip", "/analyze", "/accept L1", "/reject F-010 not in scope"]
        lines += ["yes, every night" if n % 2 else "skip" for n in range(messages)]
        for line in lines:
            if len(app.conversation.state.messages) >= messages:
                break
            start = time.perf_counter()
            app.chat.input.value = line
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
            steps.append((time.perf_counter() - start) * 1000)
        count = len(app.conversation.state.messages)
        await pilot.press("f3")
        await pilot.pause()
        current = _rss_mb()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "messages": count,
        "rss_mb": current,
        "peak_mb": peak,
        "index_ready_s": index_ready,
        "step_median_ms": statistics.median(steps),
        "step_max_ms": max(steps),
    }


def _summary(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    return f"median {statistics.median(values):.1f}, p95 {p95:.1f}, max {max(values):.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer runs")
    parser.add_argument("--messages", type=int, default=50)
    args = parser.parse_args()
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    runs = 3 if args.quick else 7
    print(f"cpus: {os.cpu_count()}, python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        paints = [first_paint(Path(tmp) / f"paint{n}")[0] for n in range(runs)]
    print(f"first paint (80x24, seconds): {_summary(paints)} over {runs} runs")
    for load in ("idle", "model", "cpu"):
        keys = asyncio.run(typing_latency(load))
        print(f"key press to character shown, {load} (ms): {_summary(keys)} over {len(keys)} keys")
    with tempfile.TemporaryDirectory() as tmp:
        memory = asyncio.run(session_memory(Path(tmp), args.messages))
        print(
            f"{memory['messages']:.0f}-message session with guidance: RSS {memory['rss_mb']:.0f} MB, "
            f"peak {memory['peak_mb']:.0f} MB; index ready in {memory['index_ready_s']:.1f} s; "
            f"step median {memory['step_median_ms']:.0f} ms, max {memory['step_max_ms']:.0f} ms"
        )
        resumed = [first_paint(Path(tmp), "--resume", then=b"Resumed session") for _ in range(runs)]
    print(
        f"resuming that session (seconds): first paint {_summary([r[0] for r in resumed])}; "
        f"transcript and findings shown {_summary([r[1] for r in resumed])} over {runs} runs"
    )


if __name__ == "__main__":
    main()
