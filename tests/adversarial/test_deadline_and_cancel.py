"""Every request is bounded: max_tokens always set, a per-call deadline, and cancel within 1 s,
on litellm's real HTTP path against a loopback server that trickles or stalls."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from assistant.errors import LLMCancelledError, ProviderError
from assistant.llm import LiteLLMChatModel, LLMSettings, ScriptedChatModel, user
from assistant.llm.base import ModelInfo
from tests.llm.fake_openai_server import FakeOpenAIServer, Reply

MESSAGES = [user("Name one agentic threat.")]


def make(server: FakeOpenAIServer, **overrides: Any) -> LiteLLMChatModel:
    settings = {"model": "openai/fake", "api_base": server.url, "retries": 2, **overrides}
    return LiteLLMChatModel(LLMSettings.model_validate(settings))


def test_every_request_sets_max_tokens() -> None:
    with FakeOpenAIServer(Reply(content="ok")) as server:
        chat = make(server)
        chat.chat(MESSAGES)
        "".join(chat.stream(MESSAGES))
        bodies = server.chat_requests()
    assert len(bodies) == 2
    assert all(isinstance(b.get("max_tokens"), int) and b["max_tokens"] > 0 for b in bodies)


def test_a_trickling_stream_is_stopped_at_call_timeout() -> None:
    words = " ".join(["tok"] * 400)
    with FakeOpenAIServer(Reply(content=words, chunk_delay=0.3)) as server:
        chat = make(server, call_timeout=1.0, read_timeout=30)
        started = time.monotonic()
        with pytest.raises(ProviderError) as caught:
            "".join(chat.stream(MESSAGES))
        elapsed = time.monotonic() - started
    assert caught.value.kind == "timeout"
    assert "call_timeout" in caught.value.message
    assert elapsed < 1.0 + 1.0, elapsed


def test_a_slow_reply_is_stopped_at_call_timeout_without_retries() -> None:
    with FakeOpenAIServer(Reply(content="late", delay=6)) as server:
        chat = make(server, call_timeout=1.0, read_timeout=30)
        started = time.monotonic()
        with pytest.raises(ProviderError) as caught:
            chat.chat(MESSAGES)
        elapsed = time.monotonic() - started
    assert caught.value.kind == "timeout"
    assert elapsed < 2.0, elapsed


def test_cancel_stops_a_stalled_stream_within_a_second() -> None:
    hold = threading.Event()
    with FakeOpenAIServer(Reply(content="first then the rest", hold=hold)) as server:
        chat = make(server, read_timeout=60)
        cancel = threading.Event()
        stream = chat.stream(MESSAGES, cancel=cancel)
        assert next(iter(stream))  # the first word arrived; the server now stalls
        threading.Timer(0.2, cancel.set).start()
        started = time.monotonic()
        with pytest.raises(LLMCancelledError):
            for _ in stream:
                pass
        elapsed = time.monotonic() - started
        hold.set()
    assert elapsed < 1.0, elapsed


def test_cancel_stops_a_structured_call_within_a_second() -> None:
    from pydantic import BaseModel

    class Answer(BaseModel):
        answer: str

    with FakeOpenAIServer(Reply(content='{"answer": "x"}', delay=10)) as server:
        chat = make(server, read_timeout=60)
        cancel = threading.Event()
        threading.Timer(0.2, cancel.set).start()
        started = time.monotonic()
        with pytest.raises(LLMCancelledError):
            chat.complete(MESSAGES, Answer, cancel=cancel)
        elapsed = time.monotonic() - started
    assert elapsed < 1.2, elapsed


def test_a_repair_after_a_huge_reply_still_carries_the_request() -> None:
    from pydantic import BaseModel

    from assistant.llm import ScriptedChatModel, system

    class Answer(BaseModel):
        answer: str

    prompt = [system("Layer L3 prompt: " + "candidate threats " * 400), user("Answer for L3.")]
    model = ScriptedChatModel(['{"wrong": "' + "x" * 2_000_000 + '"}', '{"answer": "ok"}'])
    reply, _ = model.complete(prompt, Answer)

    assert reply.answer == "ok"
    repair = model.history[1]
    assert repair[0].content.startswith("Layer L3 prompt")
    assert any(m.content == "Answer for L3." for m in repair)
    assert sum(len(m.content) for m in repair) < 100_000


class _SlowFirstLookup(ScriptedChatModel):
    """A backend whose first model lookup takes seconds, as importing litellm does."""

    def describe_model(self, model: str) -> ModelInfo:
        time.sleep(3)
        return super().describe_model(model)


@pytest.mark.parametrize("call", ["chat", "stream", "complete"])
def test_the_first_model_lookup_counts_inside_call_timeout(call: str) -> None:
    from pydantic import BaseModel

    class Answer(BaseModel):
        answer: str

    settings = LLMSettings(model="scripted/model", call_timeout=0.5, retries=0)
    chat = _SlowFirstLookup(['{"answer": "x"}'], settings=settings)
    started = time.monotonic()
    with pytest.raises(ProviderError) as caught:
        if call == "chat":
            chat.chat(MESSAGES)
        elif call == "stream":
            "".join(chat.stream(MESSAGES))
        else:
            chat.complete(MESSAGES, Answer)
    elapsed = time.monotonic() - started
    assert caught.value.kind == "timeout"
    assert elapsed < 0.5 + 0.5, elapsed
    assert chat.pending == 1  # the request itself was never sent
