"""Model-gateway overhead (issue 4): target < 5 ms per call, excluding the model.

Run: `.venv/bin/python benchmarks/bench_gateway.py [--runs 200]` (prints Markdown for
docs/PERFORMANCE.md); `make bench` runs the pytest-benchmark functions below.

- import: `import assistant.llm` in a fresh process, and whether litellm got imported;
- scripted: `chat`, `stream` and `complete` through `ScriptedChatModel`, whose backend is a queue
  pop, so the time is the gateway's own (redaction, token counting, trimming, budget, parsing);
- loopback: the same prompt to the fake OpenAI server three ways: a raw httpx POST of the same
  body, `litellm.completion` directly, and `LiteLLMChatModel.chat`. The gateway's overhead is
  gateway - litellm; the whole client stack's is gateway - raw HTTP (both exclude the server);
- first token: the server streams 100 words 10 ms apart; time to the first delta vs the whole.

Machine load is printed with the results: other processes on a shared 2-core box inflate them.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from assistant.llm import (  # noqa: E402
    LiteLLMChatModel,
    LLMSettings,
    Message,
    ScriptedChatModel,
    load_prompt,
)
from tests.llm.fake_openai_server import FakeOpenAIServer, Reply  # noqa: E402

# A realistic pasted system description: prose, a config excerpt and two secrets (~6 KB).
DESCRIPTION = (
    "Our expense assistant is a planner agent (LangGraph) that delegates to an ingest agent and a "
    "payments agent. Receipts are OCR'd, embedded and stored in a pgvector memory; the payments "
    "agent calls the ERP over MCP with a service account. Humans approve payouts above 500 EUR. "
) * 12 + (
    "\n[default]\naws_access_key_id = AKIA" + "Q" * 16 + "\nregion = eu-west-1\n"
    "DATABASE_URL=postgresql://agent:pa55-w0rd-example@memory-db:5432/agent\n"
)
ANSWER = json.dumps(
    {"answer": "Memory poisoning (T1) at L2.", "layers": ["L2"], "threat_ids": ["T1"]}
)


_serial = iter(range(10**9))


def messages(scale: int = 1, fresh: bool = True) -> list[Message]:
    # A new text each call by default: the gateway caches redaction and token counts per
    # message, which helps later turns of a conversation but would flatter a benchmark.
    tag = f"\n(run {next(_serial)})" if fresh else ""
    return load_prompt("ask").render(question=DESCRIPTION * scale + tag).messages


def timed(fn: Callable[[], Any], runs: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"{statistics.median(values) * 1000:.2f} ms | {p95 * 1000:.2f} ms"


def scripted(runs: int) -> list[tuple[str, list[float]]]:
    from pydantic import BaseModel

    class AskAnswer(BaseModel):
        answer: str
        layers: list[str] = []
        threat_ids: list[str] = []

    chat = ScriptedChatModel()
    repeated = messages(fresh=False)

    def one(kind: str, scale: int = 1, fresh: bool = True) -> Callable[[], Any]:
        def run() -> None:
            msgs = messages(scale) if fresh else repeated
            chat.enqueue(ANSWER)
            if kind == "chat":
                chat.chat(msgs)
            elif kind == "stream":
                chat.stream(msgs).collect()
            else:
                chat.complete(msgs, AskAnswer)

        return run

    return [
        ("scripted `chat`, new 6 KB prompt", timed(one("chat"), runs)),
        (
            "scripted `chat`, same 6 KB prompt again (a later turn)",
            timed(one("chat", fresh=False), runs),
        ),
        ("scripted `stream`, new 6 KB prompt", timed(one("stream"), runs)),
        ("scripted `complete` (JSON parse + validate), new 6 KB", timed(one("complete"), runs)),
        ("scripted `chat`, new 60 KB prompt", timed(one("chat", scale=10), runs // 4)),
    ]


def loopback(runs: int) -> tuple[list[tuple[str, list[float]]], float]:
    import httpx

    from assistant.llm.litellm_model import _litellm

    litellm = _litellm()
    with FakeOpenAIServer(Reply(content="Memory poisoning (T1) sits at L2.")) as server:
        chat = LiteLLMChatModel(LLMSettings(model="openai/fake", api_base=server.url))
        client = httpx.Client()
        headers = {"Authorization": "Bearer no-key-needed"}

        def as_dicts() -> list[dict[str, str]]:
            return [m.model_dump() for m in messages()]

        def raw() -> None:
            body = {"model": "fake", "messages": as_dicts()}
            client.post(f"{server.url}/chat/completions", json=body, headers=headers).json()

        def direct() -> None:
            litellm.completion(
                model="openai/fake",
                messages=as_dicts(),
                api_base=server.url,
                api_key="no-key-needed",
                max_retries=0,
            )

        names = [
            "raw httpx POST (baseline)",
            "`litellm.completion` direct",
            "`LiteLLMChatModel.chat` (gateway)",
        ]
        fns: list[Callable[[], Any]] = [raw, direct, lambda: chat.chat(messages())]
        # Interleaved, so drifting load on a shared machine hits all three alike.
        samples: list[list[float]] = [[] for _ in fns]
        for fn in fns:
            fn()
        for _ in range(runs):
            for index, fn in enumerate(fns):
                start = time.perf_counter()
                fn()
                samples[index].append(time.perf_counter() - start)
        results = list(zip(names, samples, strict=True))
        server_ms = statistics.median(server.durations) * 1000
        client.close()
    return results, server_ms


def first_token(runs: int) -> tuple[list[float], list[float]]:
    msgs = messages()
    words = " ".join(f"w{i}" for i in range(100))
    firsts, totals = [], []
    with FakeOpenAIServer(Reply(content=words, chunk_delay=0.01)) as server:
        chat = LiteLLMChatModel(LLMSettings(model="openai/fake", api_base=server.url))
        chat.stream(msgs).collect()  # warm up
        for _ in range(runs):
            start = time.perf_counter()
            stream = chat.stream(msgs)
            next(stream)
            firsts.append(time.perf_counter() - start)
            stream.collect()
            totals.append(time.perf_counter() - start)
    return firsts, totals


def import_check() -> tuple[float, bool]:
    code = (
        "import time, sys; t = time.perf_counter(); import assistant.llm; "
        "print(time.perf_counter() - t, 'litellm' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout.split()
    return float(out[0]), out[1] == "True"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    print(f"load average: {os.getloadavg()[0]:.2f} (2-core machine)\n")
    seconds, loaded = import_check()
    print(f"`import assistant.llm`: {seconds * 1000:.0f} ms; litellm imported: {loaded}\n")
    print("| measurement | median | p95 |\n|---|---|---|")
    for name, values in scripted(args.runs):
        print(f"| {name} | {ms(values)} |")
    results, server_ms = loopback(args.runs)
    for name, values in results:
        print(f"| {name} | {ms(values)} |")
    medians = {name: statistics.median(v) * 1000 for name, v in results}
    raw, direct, gateway = medians.values()
    print(f"\nserver time per request (median): {server_ms:.2f} ms")
    print(f"gateway overhead over litellm: {gateway - direct:.2f} ms")
    print(f"gateway + litellm overhead over raw HTTP: {gateway - raw:.2f} ms")
    firsts, totals = first_token(max(5, args.runs // 40))
    print(
        f"\nstreaming 100 chunks 10 ms apart: first token {statistics.median(firsts) * 1000:.1f} ms, "
        f"whole reply {statistics.median(totals) * 1000:.0f} ms (medians)"
    )


# -- pytest-benchmark entry points (`make bench`) -------------------------------------------------


def test_scripted_chat_overhead(benchmark: Any) -> None:
    chat = ScriptedChatModel()

    def run() -> None:
        chat.enqueue(ANSWER)
        chat.chat(messages())  # a new prompt each time: no cached redaction or counts

    benchmark(run)


def test_loopback_gateway_call(benchmark: Any) -> None:
    with FakeOpenAIServer() as server:
        chat = LiteLLMChatModel(LLMSettings(model="openai/fake", api_base=server.url))
        chat.chat(messages())
        benchmark(lambda: chat.chat(messages()))


if __name__ == "__main__":
    main()
