"""Fixtures for the gateway tests: a loopback OpenAI-compatible server and fast retries."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.helpers import run_cli
from tests.llm.fake_openai_server import FakeOpenAIServer

Run = tuple[int, str, str]
Cli = Callable[..., Run]


@pytest.fixture(autouse=True)
def _fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    # Backoff in tests is a millisecond: suites stay fast and nothing depends on timing.
    monkeypatch.setenv("MAESTRO_TM_RETRY_BASE_DELAY", "0.001")
    monkeypatch.setenv("MAESTRO_TM_RETRY_MAX_DELAY", "1")


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    """A fresh fake OpenAI server on 127.0.0.1."""
    with FakeOpenAIServer() as srv:
        yield srv


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    """Run `maestro-tm ARGS` in-process through the real entry point."""

    def run(*args: str) -> Run:
        return run_cli(list(args), monkeypatch, capsys)

    return run
