"""The gateway's shared behaviour, through the scripted model."""

from collections.abc import Iterator

import pytest

from assistant.errors import BudgetExceededError, ProviderError
from assistant.llm import (
    ChatModel,
    LiteLLMChatModel,
    LLMSettings,
    ScriptedChatModel,
    ScriptedReply,
    system,
    user,
)
from assistant.llm.base import Message
from assistant.llm.budget import TokenCounter
from assistant.llm.fake import _pieces
from assistant.llm.gateway import CallParams, StreamPiece
from tests.llm.secrets_corpus import corpus


def test_both_implementations_are_chat_models() -> None:
    models: list[ChatModel] = [
        ScriptedChatModel(),
        LiteLLMChatModel(LLMSettings(model="openai/x", api_base="http://127.0.0.1:1/v1")),
    ]
    assert [m.model for m in models] == ["scripted/model", "openai/x"]


def test_history_records_exactly_what_was_sent_after_redaction() -> None:
    key = corpus()[6].value
    chat = ScriptedChatModel(["noted"])
    reply = chat.chat([system("rules"), user(f"my key is {key}")])
    assert reply.text == "noted"
    sent = chat.history[0]
    assert sent[0].content == "rules"
    assert sent[1].content == "my key is [REDACTED:openai-key#1]"
    assert [r.placeholder for r in chat.redactions] == ["[REDACTED:openai-key#1]"]


def test_placeholders_stay_stable_across_the_turns_of_a_session() -> None:
    key = corpus()[0].value
    chat = ScriptedChatModel(["a", "b"])
    chat.chat([user(f"key {key}")])
    chat.chat([user(f"key {key}"), user(f"again {key}")])
    assert chat.history[1][1].content == "again [REDACTED:aws-access-key#1]"


def test_stream_yields_text_then_exposes_the_reply() -> None:
    chat = ScriptedChatModel(
        [ScriptedReply("alpha beta gamma", prompt_tokens=9, completion_tokens=3)]
    )
    stream = chat.stream([user("q")])
    assert list(stream) == ["alpha", " beta", " gamma"]
    assert stream.reply is not None
    assert stream.reply.text == "alpha beta gamma" and stream.reply.usage.total_tokens == 12
    assert chat.usage.total_tokens == 12 and chat.calls[0].stream


def test_an_empty_reply_is_a_provider_error() -> None:
    chat = ScriptedChatModel(["", ""])
    with pytest.raises(ProviderError, match="returned an empty reply"):
        chat.chat([user("q")])
    with pytest.raises(ProviderError, match="returned an empty reply"):
        chat.stream([user("q")]).collect()


def test_model_info_is_asked_once_per_model() -> None:
    calls: list[str] = []

    class Counting(ScriptedChatModel):
        def describe_model(self, model: str):  # type: ignore[no-untyped-def]
            calls.append(model)
            return super().describe_model(model)

    chat = Counting(["a", "b"])
    chat.chat([user("q")])
    chat.chat([user("q")])
    assert calls == ["scripted/model"]


class IgnoresMaxTokens(ScriptedChatModel):
    """A server that streams past the requested max_tokens."""

    def send_stream(
        self, model: str, messages: list[Message], params: CallParams, cancel: object
    ) -> Iterator[StreamPiece]:
        return super().send_stream(model, messages, CallParams(), None)


def test_a_stream_past_the_budget_cap_is_cut_locally() -> None:
    chat = IgnoresMaxTokens(
        [" ".join(["w"] * 200)], settings=LLMSettings(model="s/m", max_tokens=60)
    )
    cap = 60 - TokenCounter("s/m").count_messages([user("q")])
    shown: list[str] = []
    with pytest.raises(BudgetExceededError) as caught:
        for piece in chat.stream([user("q")]):
            shown.append(piece)
    assert len(shown) == cap
    assert caught.value.partial == "".join(shown)


def test_scripted_pieces_end_with_usage_and_finish() -> None:
    pieces = list(_pieces(ScriptedReply("a b", prompt_tokens=1, completion_tokens=2)))
    assert [p.text for p in pieces] == ["a", " b", ""]
    assert pieces[-1].finish_reason == "stop" and pieces[-1].usage is not None


def test_an_unscripted_request_fails_loudly() -> None:
    with pytest.raises(LookupError, match="no reply queued"):
        ScriptedChatModel().chat([user("q")])


def test_an_abandoned_stream_still_counts_the_tokens_spent() -> None:
    chat = ScriptedChatModel(["one two three four five"])
    stream = chat.stream([user("q")])
    assert next(stream) == "one"
    stream.close()
    assert chat.usage.calls == 1 and chat.usage.estimated
    assert chat.usage.completion_tokens == 1 and chat.usage.prompt_tokens > 0
