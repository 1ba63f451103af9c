"""`--local-only` has one endpoint resolution: the check and litellm see the same address."""

from __future__ import annotations

import pytest

from assistant.errors import LocalOnlyError
from assistant.llm import LiteLLMChatModel, LLMSettings, user
from assistant.llm.config import BASE_VARIABLES, LOCAL_PROVIDERS, base_variables, check_local_only
from tests.llm.fake_openai_server import FakeOpenAIServer, Reply

# The providers docs/LLM.md names, with a model string for each.
PROVIDERS = {
    "openai": "openai/gpt-4o-mini",
    "anthropic": "anthropic/claude-sonnet-4-5",
    "gemini": "gemini/gemini-2.0-flash",
    "azure": "azure/my-deployment",
    "bedrock": "bedrock/anthropic.claude-3-haiku",
    "ollama": "ollama/llama3",
    "ollama_chat": "ollama_chat/llama3",
    "lm_studio": "lm_studio/qwen",
    "llamafile": "llamafile/mistral",
    "litellm_proxy": "litellm_proxy/team-default",
    "hosted_vllm": "hosted_vllm/llama",
}
CASES = [(model, variable) for p, model in PROVIDERS.items() for variable in base_variables(p)]
EVERY_VARIABLE = {v for vs in BASE_VARIABLES.values() for v in vs} | {
    v for v, _ in LOCAL_PROVIDERS.values()
}


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in EVERY_VARIABLE | {"BEDROCK_API_BASE", "BEDROCK_BASE_URL"}:
        monkeypatch.delenv(variable, raising=False)


def test_every_provider_has_its_variables_listed() -> None:
    assert {"OPENAI_BASE_URL", "OPENAI_API_BASE"} <= set(base_variables("openai"))
    assert {"ANTHROPIC_API_BASE", "ANTHROPIC_BASE_URL"} <= set(base_variables("anthropic"))
    assert len(CASES) >= len(PROVIDERS)


@pytest.mark.parametrize(("model", "variable"), CASES)
def test_a_remote_endpoint_in_any_variable_is_refused(
    model: str, variable: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(variable, "http://203.0.113.9:8080/v1")
    with pytest.raises(LocalOnlyError):
        check_local_only(LLMSettings(model=model, local_only=True))


@pytest.mark.parametrize(("model", "variable"), CASES)
def test_a_loopback_endpoint_in_any_variable_is_the_one_sent_to(
    model: str, variable: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.llm.gateway import CallParams

    monkeypatch.setenv(variable, "http://127.0.0.1:9/v1")
    settings = LLMSettings(model=model, local_only=True)
    check_local_only(settings)
    chat = LiteLLMChatModel(settings)
    monkeypatch.setattr(chat, "_api_key", lambda _: "placeholder")
    assert chat._kwargs(model, [user("hi")], CallParams())["api_base"] == "http://127.0.0.1:9/v1"


def test_openai_base_url_cannot_redirect_a_local_only_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with (
        FakeOpenAIServer(Reply(content="first")) as first,
        FakeOpenAIServer(Reply(content="second")) as second,
    ):
        monkeypatch.setenv("OPENAI_BASE_URL", first.url)
        monkeypatch.setenv("OPENAI_API_BASE", second.url)
        settings = LLMSettings(model="openai/fake", local_only=True, retries=0)
        reply = LiteLLMChatModel(settings).chat([user("hi")])
        # The check resolved OPENAI_BASE_URL (litellm's first choice) and the request went there.
        assert reply.text == "first"
        assert len(first.chat_requests()) == 1 and not second.chat_requests()
        # With the other one remote, the run is refused before anything is sent.
        monkeypatch.setenv("OPENAI_API_BASE", "http://203.0.113.9/v1")
        with pytest.raises(LocalOnlyError):
            LiteLLMChatModel(settings)
