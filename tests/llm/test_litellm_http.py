"""LiteLLMChatModel against a real HTTP server on loopback: litellm's own HTTP path, no mocks."""

import json
import threading
import time
from typing import Any

import pytest
from pydantic import BaseModel

from assistant.errors import LLMCancelledError, LLMConfigError, LocalOnlyError, ProviderError
from assistant.llm import LiteLLMChatModel, LLMSettings, litellm_embed, system, user
from tests.llm.fake_openai_server import FakeOpenAIServer, Reply, rate_limited, server_error
from tests.llm.secrets_corpus import corpus, document

MESSAGES = [system("You are terse."), user("Name one agentic threat.")]


def make(server: FakeOpenAIServer, **overrides: Any) -> tuple[LiteLLMChatModel, list[float]]:
    settings = {
        "model": "openai/fake",
        "api_base": server.url,
        "retry_base_delay": 0.001,
        "retry_max_delay": 30,
        **overrides,
    }
    chat = LiteLLMChatModel(LLMSettings.model_validate(settings))
    waits: list[float] = []
    chat.sleep = waits.append
    return chat, waits


def test_a_plain_call_goes_over_http_with_our_settings(server: FakeOpenAIServer) -> None:
    server.default = Reply(content="Memory poisoning (T1).")
    chat, _ = make(server)
    reply = chat.chat(MESSAGES)
    assert reply.text == "Memory poisoning (T1)."
    assert reply.finish_reason == "stop" and reply.model == "openai/fake"
    body = server.chat_requests()[0]
    assert body["model"] == "fake"
    assert body["messages"] == [m.model_dump() for m in MESSAGES]
    assert server.requests[0].headers["authorization"] == "Bearer no-key-needed"
    assert server.requests[0].headers["x-stainless-retry-count"] == "0"
    # usage as reported by the server, not estimated
    assert not reply.usage.estimated and reply.usage.completion_tokens == 3


def test_streaming_yields_deltas_and_reads_reported_usage(server: FakeOpenAIServer) -> None:
    server.default = Reply(content="one two three")
    chat, _ = make(server)
    stream = chat.stream(MESSAGES)
    assert list(stream) == ["one", " two", " three"]
    assert stream.reply is not None and stream.reply.usage.completion_tokens == 3
    assert not stream.reply.usage.estimated
    body = server.chat_requests()[0]
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}


def test_the_first_token_arrives_before_the_reply_is_finished(server: FakeOpenAIServer) -> None:
    hold = threading.Event()
    server.default = Reply(content="first and then the rest", hold=hold)
    chat, _ = make(server)
    stream = chat.stream(MESSAGES)
    assert next(stream) == "first"  # the server is still holding the rest back
    hold.set()
    assert "".join(stream) == " and then the rest"


def test_two_rate_limits_honour_retry_after_then_succeed(server: FakeOpenAIServer) -> None:
    server.enqueue(rate_limited("7"), rate_limited("2"), Reply(content="made it"))
    chat, waits = make(server)
    assert chat.chat(MESSAGES).text == "made it"
    assert waits == [7.0, 2.0]
    assert len(server.requests) == 3


def test_persistent_500_is_one_sentence_after_every_attempt(server: FakeOpenAIServer) -> None:
    server.default = server_error(500)
    chat, waits = make(server, retries=2)
    with pytest.raises(ProviderError) as caught:
        chat.chat(MESSAGES)
    assert caught.value.message == (
        "openai returned 500 server error after 3 attempts; try again later or set a fallback model"
    )
    assert len(server.requests) == 3 and len(waits) == 2


@pytest.mark.parametrize("stream", [False, True])
def test_a_non_json_body_is_named_as_such_and_not_retried(
    server: FakeOpenAIServer, stream: bool
) -> None:
    server.default = Reply(raw_body=b"<html><body>Sign in to the guest Wi-Fi</body></html>")
    chat, _ = make(server)
    with pytest.raises(ProviderError) as caught:
        chat.stream(MESSAGES).collect() if stream else chat.chat(MESSAGES)
    assert caught.value.kind in {"bad-body", "empty"}
    assert (
        "check that --api-base points at an OpenAI-compatible /v1 endpoint" in caught.value.message
    )
    assert len(server.requests) == 1


def test_a_truncated_body_is_a_broken_connection_and_retried(server: FakeOpenAIServer) -> None:
    server.enqueue(Reply(content='{"long": "reply"}', truncate=12), Reply(content="second try"))
    chat, _ = make(server)
    assert chat.chat(MESSAGES).text == "second try"
    assert len(server.requests) == 2


def test_a_truncated_body_every_time_says_the_connection_broke(server: FakeOpenAIServer) -> None:
    server.default = Reply(content="x y z", truncate=5)
    chat, _ = make(server, retries=1)
    with pytest.raises(
        ProviderError,
        match=r"^openai could not be reached after 2 attempts \(the connection to http://127\.0\.0\.1:\d+/v1 broke off mid-reply\)",
    ):
        chat.chat(MESSAGES)


def test_nothing_listening_is_a_connection_error() -> None:
    chat = LiteLLMChatModel(
        LLMSettings(model="openai/fake", api_base="http://127.0.0.1:9/v1", retries=0)
    )
    with pytest.raises(
        ProviderError,
        match=r"^openai could not be reached \(cannot connect to http://127\.0\.0\.1:9/v1: \[Errno 111\] Connection refused\)",
    ):
        chat.chat(MESSAGES)


def test_a_slow_server_hits_the_read_timeout(server: FakeOpenAIServer) -> None:
    server.default = Reply(content="too late", delay=5)
    chat, _ = make(server, read_timeout=0.2, retries=0)
    with pytest.raises(
        ProviderError,
        match=r"^openai did not answer in time \(no reply from http://127\.0\.0\.1:\d+/v1 within read_timeout 0\.2s\)",
    ):
        chat.chat(MESSAGES)


def test_a_bad_key_is_an_auth_error(server: FakeOpenAIServer) -> None:
    server.default = Reply(status=401, content="Incorrect API key provided")
    chat, _ = make(server)
    with pytest.raises(
        ProviderError,
        match=r"^openai returned 401 authentication failed \(Incorrect API key provided\); check the API key$",
    ):
        chat.chat(MESSAGES)
    assert len(server.requests) == 1


class Answer(BaseModel):
    threat_id: str
    layer: str


def test_json_schema_mode_for_a_model_litellm_says_supports_it(server: FakeOpenAIServer) -> None:
    server.default = Reply(content='{"threat_id": "T1", "layer": "L2"}')
    chat, _ = make(server, model="openai/gpt-4o-mini")
    parsed, usage = chat.complete(MESSAGES, Answer)
    assert parsed == Answer(threat_id="T1", layer="L2")
    fmt = server.chat_requests()[0]["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["schema"]["required"] == [
        "threat_id",
        "layer",
    ]
    assert (
        usage.cost_usd is not None and usage.cost_usd > 0
    )  # gpt-4o-mini is in litellm's price map


def test_a_server_rejecting_json_schema_falls_back_to_json_mode() -> None:
    with FakeOpenAIServer(
        Reply(content='{"threat_id": "T6", "layer": "L3"}'), reject_json_schema=True
    ) as srv:
        chat, _ = make(srv, model="openai/gpt-4o-mini")
        parsed, _ = chat.complete(MESSAGES, Answer)
        chat.complete(MESSAGES, Answer)
    assert parsed.threat_id == "T6"
    types = [r["response_format"]["type"] for r in srv.chat_requests()]
    assert types == ["json_schema", "json_object", "json_object"]
    assert '"threat_id"' in srv.chat_requests()[1]["messages"][0]["content"]  # schema in the prompt


def test_an_unknown_local_model_gets_json_mode_and_the_repair_loop(
    server: FakeOpenAIServer,
) -> None:
    server.enqueue(
        Reply(content="Sure, here it is: T1 at L2"),
        Reply(content='```json\n{"threat_id": "T1", "layer": "L2"}\n```'),
    )
    chat, _ = make(server)
    parsed, usage = chat.complete(MESSAGES, Answer)
    assert parsed.layer == "L2" and usage.calls == 2
    second = server.chat_requests()[1]
    assert second["response_format"] == {"type": "json_object"}
    assert "the reply contains no JSON object" in second["messages"][-1]["content"]


def test_cancelling_an_in_flight_request_returns_at_once(server: FakeOpenAIServer) -> None:
    server.default = Reply(content="late", delay=10)
    chat, _ = make(server)
    cancel = threading.Event()

    def cancel_when_sent() -> None:
        while not server.requests:
            time.sleep(0.01)
        cancel.set()

    threading.Thread(target=cancel_when_sent, daemon=True).start()
    with pytest.raises(LLMCancelledError):
        chat.chat(MESSAGES, cancel=cancel)


def test_no_secret_in_the_input_reaches_the_wire(server: FakeOpenAIServer) -> None:
    chat, _ = make(server)
    chat.chat([user(document())])
    chat.stream([user(document())]).collect()
    for request in server.requests:
        contents = json.dumps(request.json())
        for secret in corpus():
            for fragment in secret.fragments():
                assert fragment not in request.text and fragment not in contents, secret.kind
    assert len(chat.redactions) >= 20


def test_local_only_refuses_a_cloud_model_before_any_import_or_request() -> None:
    with pytest.raises(LocalOnlyError):
        LiteLLMChatModel(LLMSettings(model="gpt-4o-mini", local_only=True))


def test_embeddings_go_through_the_same_gateway_rules(server: FakeOpenAIServer) -> None:
    secret = corpus()[6].value
    vectors = litellm_embed("openai/embed", ["alpha", f"key {secret}"], api_base=server.url)
    assert len(vectors) == 2 and len(vectors[0]) == 8 and vectors[0] != vectors[1]
    assert secret not in server.requests[0].text
    with pytest.raises(LocalOnlyError):
        litellm_embed("openai/embed", ["x"], api_base="https://api.example.com/v1", local_only=True)


def test_api_key_env_names_the_variable_holding_the_key(
    server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEAM_PROXY_KEY", "sk-team-virtual-key")
    chat, _ = make(server, api_key_env="TEAM_PROXY_KEY")
    chat.chat(MESSAGES)
    assert server.requests[0].headers["authorization"] == "Bearer sk-team-virtual-key"
    monkeypatch.delenv("TEAM_PROXY_KEY")
    with pytest.raises(
        LLMConfigError, match="api_key_env names TEAM_PROXY_KEY, but TEAM_PROXY_KEY is not set"
    ):
        chat.chat(MESSAGES)


def test_a_missing_provider_key_is_reported_before_any_request() -> None:
    chat = LiteLLMChatModel(LLMSettings(model="anthropic/claude-sonnet-4-5"))
    with pytest.raises(
        LLMConfigError, match=r"^no API key for anthropic/claude-sonnet-4-5: set ANTHROPIC_API_KEY$"
    ):
        chat.chat(MESSAGES)


def test_a_model_string_litellm_cannot_route_is_a_config_error() -> None:
    chat = LiteLLMChatModel(LLMSettings(model="definitely-not-a-model"))
    with pytest.raises(LLMConfigError, match=r"prefix it, e\.g\. openai/definitely-not-a-model"):
        chat.chat(MESSAGES)
