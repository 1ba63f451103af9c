"""Bounded requests under a hostile model (issue 16): deadline overrun, cancel latency, file size.

Run: `.venv/bin/python benchmarks/bench_hostile.py [--runs 5]` (prints Markdown for
docs/PERFORMANCE.md). Every call goes through litellm's real HTTP path to the fake OpenAI server
on loopback, which trickles, stalls or answers late:

- deadline: `call_timeout` 1 s against a stream trickling a word every 0.3 s and a reply held
  6 s; reported as time past the deadline (target: never more than 1 s), after one untimed
  call that imports litellm (that first call is printed on its own);
- cancel: the cancel event set 0.2 s into a stalled stream and into a structured call held 10 s;
  reported from the set to the raised `LLMCancelledError` (target: < 1 s);
- size: a hybrid analysis whose model answers every layer with 2 MB scenarios; reported as the
  threat model's JSON size (target: < 1 MB).
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import threading
import time
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from assistant.errors import LLMCancelledError, ProviderError
from assistant.knowledge import default_catalogue
from assistant.llm import LiteLLMChatModel, LLMSettings, user
from tests.adversarial.hostile import GOOD_DELTA, HostileModel, run_hybrid
from tests.llm.fake_openai_server import FakeOpenAIServer, Reply
from tests.support_agent import finding

MESSAGES = [user("Name one agentic threat.")]


class Answer(BaseModel):
    answer: str


def _chat(server: FakeOpenAIServer, **settings: Any) -> LiteLLMChatModel:
    base = {"model": "openai/fake", "api_base": server.url, "retries": 2, "read_timeout": 60}
    return LiteLLMChatModel(LLMSettings.model_validate({**base, **settings}))


def _overrun(reply: Reply, call: Callable[[LiteLLMChatModel], object]) -> float:
    with FakeOpenAIServer(reply) as server:
        chat = _chat(server, call_timeout=1.0)
        started = time.monotonic()
        with contextlib.suppress(ProviderError):
            call(chat)
        return time.monotonic() - started - 1.0


def _cancel(reply: Reply, call: Callable[[LiteLLMChatModel, threading.Event], object]) -> float:
    with FakeOpenAIServer(reply) as server:
        chat = _chat(server)
        cancel = threading.Event()
        set_at: list[float] = []

        def fire() -> None:
            set_at.append(time.monotonic())
            cancel.set()

        threading.Timer(0.2, fire).start()
        with contextlib.suppress(LLMCancelledError):
            call(chat, cancel)
        return time.monotonic() - set_at[0]


def _drain_after_first(chat: LiteLLMChatModel, cancel: threading.Event) -> None:
    stream = iter(chat.stream(MESSAGES, cancel=cancel))
    next(stream)
    for _ in stream:
        pass


def _size() -> int:
    huge = "x" * (2 * 1024 * 1024)

    def flood(kind: str, text: str) -> dict[str, Any]:
        return {"findings": [finding("T1", "L2", ["manuals"], scenario=huge)] * 3}

    model = HostileModel({"extract": GOOD_DELTA, "layer": flood, "cross-layer": flood})
    result, _, _ = run_hybrid(default_catalogue(), model)
    return len(result.model_dump_json().encode())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    words = " ".join(["tok"] * 400)
    # The first model call in a process imports litellm (seconds) before its deadline starts to
    # bite; it is measured on its own, then every timed run finds litellm loaded.
    first = _overrun(Reply(content="late", delay=6), lambda c: c.chat(MESSAGES))
    print(f"first call in the process, past call_timeout (litellm import included): {first:.2f} s")
    rows: list[tuple[str, list[float]]] = [
        (
            "deadline: trickling stream, past call_timeout",
            [
                _overrun(
                    Reply(content=words, chunk_delay=0.3), lambda c: "".join(c.stream(MESSAGES))
                )
                for _ in range(runs)
            ],
        ),
        (
            "deadline: reply held 6 s, past call_timeout",
            [
                _overrun(Reply(content="late", delay=6), lambda c: c.chat(MESSAGES))
                for _ in range(runs)
            ],
        ),
    ]
    stalled: list[float] = []
    for _ in range(runs):
        hold = threading.Event()
        stalled.append(_cancel(Reply(content="first then the rest", hold=hold), _drain_after_first))
        hold.set()
    rows.append(("cancel: stalled stream", stalled))
    rows.append(
        (
            "cancel: structured call held 10 s",
            [
                _cancel(
                    Reply(content='{"answer": "x"}', delay=10),
                    lambda c, cancel: c.complete(MESSAGES, Answer, cancel=cancel),
                )
                for _ in range(runs)
            ],
        )
    )
    print("| measurement | median | max |\n|---|--:|--:|")
    for name, values in rows:
        print(f"| {name} | {statistics.median(values):.2f} s | {max(values):.2f} s |")
    print(f"| threat model after 2 MB replies on every layer | {_size() / 1024:.0f} KiB | |")


if __name__ == "__main__":
    main()
