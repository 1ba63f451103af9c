import random
import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from assistant.errors import LLMCancelledError, ProviderError
from assistant.llm import LLMSettings, ScriptedChatModel, user
from assistant.llm.resilience import RetryPolicy, describe, parse_retry_after

MESSAGES = [user("q")]


def rate_limited(retry_after: float | None = None) -> ProviderError:
    return ProviderError(
        "",
        provider="openai",
        kind="rate-limit",
        status=429,
        retriable=True,
        retry_after=retry_after,
    )


def server_error() -> ProviderError:
    return ProviderError("", provider="openai", kind="server", status=500, retriable=True)


def scripted(*replies: object, **settings: object) -> tuple[ScriptedChatModel, list[float]]:
    chat = ScriptedChatModel(
        replies,  # type: ignore[arg-type]
        settings=LLMSettings.model_validate(
            {"model": "openai/m", "retry_base_delay": 1.0, **settings}
        ),
    )
    waits: list[float] = []
    chat.sleep = waits.append
    return chat, waits


def test_backoff_doubles_with_jitter_and_is_capped() -> None:
    policy = RetryPolicy(retries=5, base_delay=1.0, max_delay=5.0, jitter=0.5)
    rng = random.Random(1)
    waits = [policy.delay(n, None, rng) for n in range(5)]
    for n, wait in enumerate(waits):
        ceiling = min(5.0, 2.0**n)
        assert wait is not None and ceiling * 0.5 <= wait <= ceiling


def test_retry_after_is_honoured_exactly_and_too_long_a_wait_ends_retries() -> None:
    policy = RetryPolicy(max_delay=30.0)
    assert policy.delay(0, 7.0, random.Random()) == 7.0
    assert policy.delay(0, 120.0, random.Random()) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [("3", 3.0), ("0.25", 0.25), ("-4", 0.0), (None, None), ("soon", None)],
)
def test_parse_retry_after_seconds(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value) == expected


def test_parse_retry_after_http_date() -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=60), usegmt=True)
    seconds = parse_retry_after(when)
    assert seconds is not None and 50 < seconds <= 60


def test_two_rate_limits_then_success_waits_as_told() -> None:
    chat, waits = scripted(rate_limited(2.0), rate_limited(3.0), "done")
    assert chat.chat(MESSAGES).text == "done"
    assert waits == [2.0, 3.0]


def test_persistent_server_errors_give_one_sentence_after_all_attempts() -> None:
    chat, waits = scripted(*[server_error()] * 4, retries=3)
    with pytest.raises(ProviderError) as caught:
        chat.chat(MESSAGES)
    assert caught.value.message == (
        "openai returned 500 server error after 4 attempts; try again later or set a fallback model"
    )
    assert caught.value.attempts == 4 and len(waits) == 3


def test_persistent_rate_limit_message_names_provider_status_and_remedy() -> None:
    chat, _ = scripted(*[rate_limited()] * 3, retries=2)
    with pytest.raises(
        ProviderError,
        match=r"^openai returned 429 rate limit after 3 attempts; wait and retry, or set a fallback model$",
    ):
        chat.chat(MESSAGES)


def test_a_retry_after_beyond_the_limit_stops_at_once() -> None:
    chat, waits = scripted(rate_limited(600.0), "never", retry_max_delay=30)
    with pytest.raises(ProviderError, match="asked to wait 600s, more than retry_max_delay"):
        chat.chat(MESSAGES)
    assert waits == [] and chat.pending == 1


def test_non_retriable_errors_are_not_retried() -> None:
    auth = ProviderError("invalid x-api-key", provider="anthropic", kind="auth", status=401)
    chat, waits = scripted(auth, "never")
    with pytest.raises(
        ProviderError,
        match=r"^anthropic returned 401 authentication failed \(invalid x-api-key\); check the API key$",
    ):
        chat.chat(MESSAGES)
    assert waits == [] and chat.pending == 1


def test_fallback_models_are_tried_in_order() -> None:
    chat, _ = scripted(server_error(), "from the fallback", retries=0, fallbacks=["ollama/llama3"])
    reply = chat.chat(MESSAGES)
    assert reply.text == "from the fallback" and reply.model == "ollama/llama3"
    assert [c.model for c in chat.calls] == ["openai/m", "ollama/llama3"]


def test_when_every_model_fails_the_primary_leads_the_message() -> None:
    chat, _ = scripted(server_error(), rate_limited(), retries=0, fallbacks=["ollama/llama3"])
    with pytest.raises(ProviderError) as caught:
        chat.chat(MESSAGES)
    assert caught.value.message.startswith("openai returned 500 server error;")
    assert caught.value.message.endswith("(fallbacks failed too: ollama/llama3: rate-limit)")


def test_streams_are_retried_before_the_first_token() -> None:
    chat, waits = scripted(rate_limited(1.0), "streamed reply")
    assert "".join(chat.stream(MESSAGES)) == "streamed reply"
    assert waits == [1.0]


def test_cancel_before_the_call() -> None:
    chat, _ = scripted("never")
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(LLMCancelledError):
        chat.chat(MESSAGES, cancel=cancel)
    assert chat.history == []


def test_cancel_during_backoff_stops_waiting() -> None:
    chat = ScriptedChatModel(
        [rate_limited(), "never"],
        settings=LLMSettings(model="s/m", retry_base_delay=30, retry_max_delay=60),
    )
    cancel = threading.Event()
    timer = threading.Timer(0.05, cancel.set)
    timer.start()
    with pytest.raises(LLMCancelledError):
        chat.chat(MESSAGES, cancel=cancel)  # would otherwise wait ~15-30 s
    timer.cancel()


def test_cancel_mid_stream() -> None:
    chat, _ = scripted("one two three four")
    cancel = threading.Event()
    stream = chat.stream(MESSAGES, cancel=cancel)
    assert next(stream) == "one"
    cancel.set()
    with pytest.raises(LLMCancelledError):
        next(stream)


@pytest.mark.parametrize(
    ("kind", "status", "detail", "expected"),
    [
        (
            "timeout",
            None,
            "no reply within read_timeout 5s",
            "openai did not answer in time (no reply within read_timeout 5s); raise read_timeout or try again later",
        ),
        (
            "connection",
            None,
            "cannot connect to http://127.0.0.1:9/v1: [Errno 111] Connection refused",
            "openai could not be reached (cannot connect to http://127.0.0.1:9/v1: [Errno 111] Connection refused); check that the server is running and the --api-base URL",
        ),
        (
            "bad-body",
            500,
            "from http://x/v1",
            "openai sent a reply that is not valid JSON (from http://x/v1); check that --api-base points at an OpenAI-compatible /v1 endpoint",
        ),
        (
            "not-found",
            404,
            "model 'gpt-9' not found",
            "openai returned 404 not found (model 'gpt-9' not found); check the model name and --api-base",
        ),
        (
            "context-window",
            400,
            "",
            "openai says the request exceeds the model's context window; set context_window in the config or shorten the input",
        ),
        ("weird", None, "boom", "openai call failed: boom"),
    ],
)
def test_every_failure_kind_reads_as_one_sentence(
    kind: str, status: int | None, detail: str, expected: str
) -> None:
    err = ProviderError(detail, provider="openai", kind=kind, status=status)
    assert describe(err, 1) == expected
