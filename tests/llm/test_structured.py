import json
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict

from assistant.errors import OutputValidationError, ProviderError
from assistant.llm import (
    LLMSettings,
    ModelInfo,
    NeedsClarification,
    ScriptedChatModel,
    ScriptedReply,
    system,
    user,
)
from assistant.llm.structured import extract_json


class Threat(BaseModel):
    model_config = ConfigDict(extra="forbid")

    threat_id: str
    layer: str
    likelihood: int


GOOD = {"threat_id": "T1", "layer": "L2", "likelihood": 3}
MESSAGES = [system("You are a threat modeller."), user("Find one threat.")]


def model(*replies: Any, **settings: Any) -> ScriptedChatModel:
    return ScriptedChatModel(
        replies,
        settings=LLMSettings(model="scripted/m", retry_base_delay=0, **settings),
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (json.dumps(GOOD), GOOD),
        ("```json\n" + json.dumps(GOOD) + "\n```", GOOD),
        ("Here you go:\n```\n" + json.dumps(GOOD) + "\n```\nHope it helps.", GOOD),
        ("Sure! " + json.dumps(GOOD) + " -- that is my answer.", GOOD),
        (
            'Note {braces} first, then {"a": "x}y", "b": [1, {"c": 2}]} done',
            {"a": "x}y", "b": [1, {"c": 2}]},
        ),
        ("[1, 2, 3]", [1, 2, 3]),
    ],
)
def test_extract_json_tolerates_fences_and_prose(text: str, expected: Any) -> None:
    assert extract_json(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the reply is empty"),
        ("I cannot help with that.", "contains no JSON object"),
        ('{"threat_id": "T1", "layer": "L', "it looks cut off"),
        ('Result: {"a": 1,, "b": 2}', "invalid at line 1 column"),
    ],
)
def test_extract_json_explains_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        extract_json(text)


def test_a_valid_reply_is_parsed_on_the_first_attempt() -> None:
    chat = model("```json\n" + json.dumps(GOOD) + "\n```")
    parsed, usage = chat.complete(MESSAGES, Threat)
    assert parsed == Threat(**GOOD)
    assert usage.calls == 1 and len(chat.history) == 1


def test_the_schema_and_format_instructions_reach_the_model() -> None:
    chat = model(json.dumps(GOOD))
    chat.complete(MESSAGES, Threat)
    sent = chat.history[0]
    assert sent[0].content.startswith("You are a threat modeller.")
    assert '"threat_id"' in sent[0].content and "single JSON object" in sent[0].content
    assert chat.calls[0].params.response_format == {"type": "json_object"}


@pytest.mark.parametrize(
    ("supports_schema", "mode", "expected_type"),
    [
        (True, "auto", "json_schema"),
        (False, "auto", "json_object"),
        (True, "json_object", "json_object"),
        (False, "json_schema", "json_schema"),
        (True, "prompt", None),
    ],
)
def test_response_format_follows_support_and_mode(
    supports_schema: bool, mode: str, expected_type: str | None
) -> None:
    info = ModelInfo(model="m", provider="x", local=True, supports_response_schema=supports_schema)
    chat = ScriptedChatModel(
        [json.dumps(GOOD)],
        settings=LLMSettings.model_validate({"model": "scripted/m", "structured_output": mode}),
        info=info,
    )
    chat.complete(MESSAGES, Threat)
    fmt = chat.calls[0].params.response_format
    assert (fmt or {}).get("type") == expected_type
    if expected_type == "json_schema":
        assert fmt is not None and fmt["json_schema"]["schema"]["required"] == [
            "threat_id",
            "layer",
            "likelihood",
        ]


def test_invalid_replies_are_sent_back_with_their_specific_errors() -> None:
    chat = model(
        "Let me think about it.",
        json.dumps({"threat_id": "T1", "layer": "L2", "likelihood": "high", "risk": "x"}),
        json.dumps(GOOD),
    )
    parsed, usage = chat.complete(MESSAGES, Threat)
    assert parsed == Threat(**GOOD)
    assert usage.calls == 3
    first_repair = chat.history[1][-1].content
    assert chat.history[1][-2].content == "Let me think about it."
    assert "the reply contains no JSON object" in first_repair
    second_repair = chat.history[2][-1].content
    assert "likelihood: Input should be a valid integer" in second_repair
    assert "risk: Extra inputs are not permitted" in second_repair


def test_the_repair_budget_is_bounded_and_the_error_carries_the_evidence() -> None:
    chat = model("nope", "still nope", "no JSON here either", "never asked")
    with pytest.raises(OutputValidationError) as caught:
        chat.complete(MESSAGES, Threat)
    err = caught.value
    assert err.attempts == 3 and chat.pending == 1  # default: 2 repairs
    assert err.last_output == "no JSON here either"
    assert err.errors == ["the reply contains no JSON object"]
    assert err.usage.calls == 3  # type: ignore[attr-defined]
    assert "still invalid after 3 attempts" in err.message


def test_repair_attempts_are_configurable() -> None:
    chat = model("nope", "x", repair_attempts=0)
    with pytest.raises(OutputValidationError):
        chat.complete(MESSAGES, Threat)
    assert chat.pending == 1


def test_a_semantic_check_feeds_rejections_into_the_same_loop() -> None:
    bad = {**GOOD, "threat_id": "T99"}
    chat = model(json.dumps(bad), json.dumps(GOOD))

    def known_threat(t: Threat) -> list[str]:
        return [] if t.threat_id == "T1" else [f"threat_id {t.threat_id!r} is not in the catalogue"]

    parsed, _ = chat.complete(MESSAGES, Threat, check=known_threat)
    assert parsed.threat_id == "T1"
    assert "threat_id 'T99' is not in the catalogue" in chat.history[1][-1].content


def test_a_cut_off_reply_is_asked_to_be_shorter() -> None:
    chat = model(
        ScriptedReply('{"threat_id": "T1", "lay', finish_reason="length"), json.dumps(GOOD)
    )
    chat.complete(MESSAGES, Threat)
    assert "cut off at the length limit" in chat.history[1][-1].content


@pytest.mark.parametrize(
    "reply",
    [
        {"answer": None, "needs_clarification": {"questions": ["Does the agent keep memory?"]}},
        {
            "needs_clarification": {
                "questions": ["Does the agent keep memory?"],
                "reason": "unclear",
            }
        },
    ],
)
def test_needs_clarification_is_a_typed_answer(reply: dict[str, Any]) -> None:
    chat = model(json.dumps(reply))
    parsed, _ = chat.complete(MESSAGES, Threat, allow_clarification=True)
    assert isinstance(parsed, NeedsClarification)
    assert parsed.questions == ["Does the agent keep memory?"]
    assert "needs_clarification" in chat.history[0][0].content


@pytest.mark.parametrize("reply", [{"answer": GOOD, "needs_clarification": None}, GOOD])
def test_with_clarification_allowed_an_answer_still_parses(reply: dict[str, Any]) -> None:
    chat = model(json.dumps(reply))
    parsed, _ = chat.complete(MESSAGES, Threat, allow_clarification=True)
    assert parsed == Threat(**GOOD)


def test_an_empty_clarification_is_repaired() -> None:
    chat = model(json.dumps({"needs_clarification": {"questions": []}}), json.dumps(GOOD))
    parsed, _ = chat.complete(MESSAGES, Threat, allow_clarification=True)
    assert parsed == Threat(**GOOD)
    assert "needs_clarification.questions" in chat.history[1][-1].content


def test_a_server_rejecting_json_schema_gets_json_mode_for_the_session() -> None:
    info = ModelInfo(model="m", provider="openai", local=True, supports_response_schema=True)
    rejection = ProviderError(
        "response_format.type: Input should be 'text' or 'json_object'",
        provider="openai",
        kind="bad-request",
        status=400,
    )
    chat = ScriptedChatModel(
        [rejection, json.dumps(GOOD), json.dumps(GOOD)],
        settings=LLMSettings(model="scripted/m"),
        info=info,
    )
    chat.complete(MESSAGES, Threat)
    chat.complete(MESSAGES, Threat)
    types = [(c.params.response_format or {}).get("type") for c in chat.calls]
    assert types == ["json_schema", "json_object", "json_object"]


def test_other_provider_errors_are_not_mistaken_for_a_format_rejection() -> None:
    err = ProviderError("model not found", provider="openai", kind="not-found", status=404)
    chat = model(err)
    with pytest.raises(ProviderError, match="404 not found"):
        chat.complete(MESSAGES, Threat)
