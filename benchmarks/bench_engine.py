"""Issue 5 measurements: rules-mode `analyze` end to end, and prompt tokens in llm mode.

Run: `python benchmarks/bench_engine.py`. Prints the wall time of `maestro-tm analyze` (process
start included) on a reference-style description, and the prompt tokens one hybrid analysis of
it sends (counted on the scripted model's recorded prompts) next to the naive approach of
putting the whole catalogue in one prompt.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from assistant.engine.analyze import analyze, system_from_description
from assistant.engine.llm_mode import LLMExtractor, make_proposer
from assistant.knowledge import default_catalogue
from assistant.llm import ScriptedChatModel
from assistant.llm.budget import TokenCounter
from assistant.schema import Engine

RPA = """An LLM-driven RPA agent (GPT-4o) reads employee expense claims and receipts, validates
each claim against company expense policy retrieved through RAG from a Pinecone vector store,
and routes approved claims for payment through the SAP ERP API using a service account. Claims
over 1,000 USD or flagged ones go to a human reviewer. The agent remembers past claim decisions
in long-term memory. It works with an approval agent, a payment agent and a verification agent.
Logs go to Datadog. It runs on Kubernetes in AWS."""


def time_cli(runs: int = 5) -> list[float]:
    exe = Path(sys.executable).with_name("maestro-tm")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "rpa.md"
        source.write_text(RPA, encoding="utf-8")
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(
                [str(exe), "analyze", str(source), "-o", str(Path(tmp) / "tm.json")],
                check=True,
                capture_output=True,
            )
            times.append(time.perf_counter() - start)
    return times


def hybrid_prompt_tokens() -> tuple[int, int, int]:
    catalogue = default_catalogue()
    system = system_from_description(RPA)
    delta = {
        "components": [c.model_dump(mode="json") for c in system.components],
        "capabilities": system.capabilities,
    }
    empty: dict[str, Any] = {"findings": []}
    layers = len(system.layers_present())
    replies = (
        [json.dumps(delta)]
        + [json.dumps(empty)] * (layers + 1)
        + [json.dumps({"findings": [], "ruled_out": []})]
    )
    model = ScriptedChatModel(replies)
    _, proposer, _ = make_proposer(Engine.HYBRID, chat_model=model, retriever=None)
    analyze(
        RPA,
        catalogue,
        engine=Engine.HYBRID,
        proposer=proposer,
        extractor=LLMExtractor(model, catalogue),
    )
    counter = TokenCounter("gpt-4o")
    sent = sum(counter.count_messages(messages) for messages in model.history)
    naive = counter.count(
        "\n".join(
            f"{e.id}: {e.name}: {e.summary} {getattr(e, 'description', '')}"
            for e in catalogue.entries.values()
        )
    )
    return sent, len(model.history), naive


def main() -> None:
    times = time_cli()
    print(
        f"rules analyze end to end: median {statistics.median(times):.2f} s, max {max(times):.2f} s over {len(times)} runs"
    )
    sent, calls, naive = hybrid_prompt_tokens()
    print(
        f"hybrid analysis prompt tokens: {sent:,} over {calls} calls; whole catalogue in one prompt: {naive:,} tokens"
    )


if __name__ == "__main__":
    main()
