import os
import subprocess
import sys

import pytest

from assistant.errors import BudgetExceededError, LLMConfigError
from assistant.llm import (
    LLMSettings,
    ModelInfo,
    ScriptedChatModel,
    ScriptedReply,
    Usage,
    assistant,
    system,
    user,
)
from assistant.llm.budget import Budget, TokenCounter, cost_of, encoding_name, trim_to_window
from assistant.llm.gateway import Session
from tests.conftest import ROOT

PRICED = ModelInfo(
    model="m",
    provider="openai",
    input_cost_per_token=1e-6,
    output_cost_per_token=2e-6,
)


def test_token_counts_are_exact_offline_from_litellms_bundled_encodings() -> None:
    counter = TokenCounter("openai/gpt-4o-mini")
    assert counter.exact
    assert counter.count("hello world") == 2
    assert encoding_name("openai/gpt-4o-mini") == "o200k_base"
    assert encoding_name("anthropic/claude-sonnet-4-5") == "cl100k_base"


def test_counting_never_imports_litellm_nor_clobbers_tiktoken_cache_dir() -> None:
    code = (
        "import os, sys\n"
        "os.environ['TIKTOKEN_CACHE_DIR'] = '/nonexistent/mine'\n"
        "from assistant.llm.budget import TokenCounter\n"
        "c = TokenCounter('gpt-4o')\n"
        "assert c.exact and c.count('hello world') == 2\n"
        "print('litellm' in sys.modules, os.environ['TIKTOKEN_CACHE_DIR'])\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "CUSTOM_TIKTOKEN_CACHE_DIR"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, check=True
    )
    assert out.stdout.split() == ["False", "/nonexistent/mine"]


def test_cost_uses_list_prices_and_is_zero_locally_and_unknown_otherwise() -> None:
    assert cost_of(1000, 500, PRICED) == pytest.approx(0.002)
    assert cost_of(1000, 500, ModelInfo(model="m", provider="ollama", local=True)) == 0.0
    assert cost_of(1000, 500, ModelInfo(model="m", provider="openai")) is None
    assert (Usage(cost_usd=1.0) + Usage(cost_usd=None)).cost_usd is None


def test_trimming_drops_oldest_turns_and_keeps_system_and_last_message() -> None:
    counter = TokenCounter("gpt-4o")
    history = [system("rules")]
    for i in range(20):
        history += [user(f"question {i} " + "word " * 50), assistant(f"answer {i}")]
    history.append(user("the final question"))
    trimmed, tokens, removed = trim_to_window(history, counter, 200)
    assert trimmed[0].content == "rules" and trimmed[-1].content == "the final question"
    assert tokens <= 200 and removed > 0
    assert tokens == counter.count_messages(trimmed)


def test_trimming_cuts_the_middle_of_an_oversized_message() -> None:
    counter = TokenCounter("gpt-4o")
    doc = "START " + "lorem ipsum dolor " * 2000 + " END"
    trimmed, tokens, _ = trim_to_window([system("rules"), user(doc)], counter, 300)
    assert tokens <= 300
    content = trimmed[-1].content
    assert content.startswith("START") and content.endswith("END")
    assert "tokens trimmed to fit the context window" in content


def test_a_long_conversation_is_trimmed_to_the_model_window_before_sending() -> None:
    info = ModelInfo(model="m", provider="x", local=True, context_window=400, max_output_tokens=100)
    chat = ScriptedChatModel(["ok"], info=info)
    chat.chat([system("rules"), user("old " * 1000), user("new question")])
    sent = chat.history[0]
    assert TokenCounter("m").count_messages(sent) <= 300
    assert sent[-1].content == "new question"


def test_max_tokens_refuses_a_request_that_cannot_fit_before_sending_it() -> None:
    chat = ScriptedChatModel(["never"], settings=LLMSettings(model="s/m", max_tokens=20))
    with pytest.raises(BudgetExceededError) as caught:
        chat.chat([user("word " * 100)])
    assert caught.value.kind == "tokens" and chat.history == []
    assert caught.value.message.startswith(
        "stopped at --max-tokens 20: the next request needs about"
    )


WORDS = " ".join(f"w{i}" for i in range(60))


def test_max_tokens_caps_the_completion_and_reports_the_cut() -> None:
    chat = ScriptedChatModel(
        [ScriptedReply(WORDS, prompt_tokens=10, completion_tokens=0)],
        settings=LLMSettings(model="s/m", max_tokens=40),
    )
    prompt = [user("short question")]
    with pytest.raises(BudgetExceededError) as caught:
        chat.chat(prompt)
    cap = chat.calls[0].params.max_tokens
    assert cap == 40 - TokenCounter("s/m").count_messages(prompt)
    assert cap is not None and caught.value.partial.split() == WORDS.split()[:cap]
    assert "the reply was cut off when the budget ran out" in caught.value.message


def test_the_session_budget_spans_calls() -> None:
    chat = ScriptedChatModel(
        [ScriptedReply("fine", prompt_tokens=60, completion_tokens=30), "never"],
        settings=LLMSettings(model="s/m", max_tokens=100),
    )
    chat.chat([user("q")])
    assert chat.usage.total_tokens == 90
    with pytest.raises(BudgetExceededError, match="only 10 of the 100-token budget are left"):
        chat.chat([user("another question please")])


def test_max_output_tokens_below_the_budget_is_not_a_budget_stop() -> None:
    chat = ScriptedChatModel(
        ["a b c d e f"], settings=LLMSettings(model="s/m", max_tokens=1000, max_output_tokens=3)
    )
    reply = chat.chat([user("q")])
    assert reply.finish_reason == "length" and reply.text == "a b c"


def test_max_cost_is_tracked_with_prices_and_stops_the_session() -> None:
    chat = ScriptedChatModel(
        [ScriptedReply("ok", prompt_tokens=1000, completion_tokens=500), "never"],
        settings=LLMSettings(model="s/m", max_cost=0.0025),
        info=PRICED,
    )
    reply = chat.chat([user("q")])
    assert reply.usage.cost_usd == pytest.approx(0.002)
    assert chat.calls[0].params.max_tokens is not None
    with pytest.raises(BudgetExceededError) as caught:
        chat.chat([user("word " * 600)])
    assert caught.value.kind == "cost" and "stopped at --max-cost 0.0025" in caught.value.message


def test_max_cost_cannot_be_enforced_without_a_price() -> None:
    chat = ScriptedChatModel(
        ["x"],
        settings=LLMSettings(model="s/m", max_cost=1.0),
        info=ModelInfo(model="m", provider="openai"),
    )
    with pytest.raises(LLMConfigError, match="litellm has no price for"):
        chat.chat([user("q")])


def test_a_shared_session_pools_usage_across_models() -> None:
    session = Session(budget=Budget(max_tokens=10_000))
    first = ScriptedChatModel(
        [ScriptedReply("a", prompt_tokens=5, completion_tokens=1)], session=session
    )
    second = ScriptedChatModel(
        [ScriptedReply("b", prompt_tokens=7, completion_tokens=2)], session=session
    )
    first.chat([user("q")])
    second.chat([user("q")])
    assert session.budget.used.total_tokens == 15 and session.budget.used.calls == 2


def test_usage_is_estimated_when_the_provider_reports_none() -> None:
    chat = ScriptedChatModel(["three word reply"])
    reply = chat.chat([user("hello")])
    assert reply.usage.estimated and reply.usage.completion_tokens == 3
    assert reply.usage.prompt_tokens == TokenCounter("x").count_messages([user("hello")])
