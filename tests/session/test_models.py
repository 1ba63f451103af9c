"""Engine bindings: built from the caller's settings, never from a second read of the environment."""

from __future__ import annotations

import pytest

from assistant.errors import LocalOnlyError
from assistant.llm import LLMSettings, ScriptedChatModel
from assistant.schema import Engine, SystemModel
from assistant.session.models import ModelBinding, bind_model, model_binder

LOCAL = LLMSettings(model="ollama/llama3", api_base="http://127.0.0.1:9/v1", local_only=True)


@pytest.fixture(autouse=True)
def _other_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # If a binding re-read the environment, it would pick these up instead of the settings.
    monkeypatch.setenv("MAESTRO_TM_MODEL", "openai/gpt-4o-mini")
    monkeypatch.setenv("MAESTRO_TM_API_BASE", "http://10.0.0.1/v1")
    monkeypatch.setenv("MAESTRO_TM_LOCAL_ONLY", "false")


def test_bind_model_uses_the_settings_given() -> None:
    binding = bind_model(LOCAL)
    assert binding.engine == Engine.HYBRID and binding.model == "ollama/llama3"
    assert binding.destination == "this machine (127.0.0.1:9)"


def test_bind_model_keeps_local_only_from_the_settings() -> None:
    with pytest.raises(LocalOnlyError):
        bind_model(LLMSettings(model="openai/gpt-4o-mini", local_only=True))


def test_model_binder_swaps_only_the_model() -> None:
    bind = model_binder(LOCAL)
    binding = bind("ollama/qwen2")
    assert binding.model == "ollama/qwen2"
    assert binding.destination == "this machine (127.0.0.1:9)"
    with pytest.raises(LocalOnlyError):
        model_binder(LLMSettings(local_only=True))("openai/gpt-4o-mini")


def test_a_scripted_model_binds_without_settings_being_read() -> None:
    model = ScriptedChatModel([])
    binding = bind_model(LLMSettings(model=model.model), chat_model=model)
    assert binding.chat_model is model and binding.extractor is not None


def test_the_rules_binding_reads_messages_with_the_rules() -> None:
    binding = ModelBinding()
    assert binding.extractor is None and binding.dropped_facts() == ""
    delta = binding.read("A GPT-4o agent reads a Pinecone index.", SystemModel())
    assert delta.components
