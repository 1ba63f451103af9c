"""Structured output: ask for JSON, find it in the reply, validate it, and re-ask with the errors.

The provider's JSON-schema mode is used when litellm says the model supports it; otherwise JSON
mode plus the schema in the prompt (llama.cpp-style servers reject `json_schema`, and a
rejection switches the session to JSON mode). Replies are parsed tolerantly (code fences, prose
around the JSON), validated with pydantic and an optional semantic check, and sent back with
the specific errors a bounded number of times.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from itertools import islice
from typing import Any, cast

from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from assistant.errors import OutputValidationError, ProviderError
from assistant.llm.base import Check, Message, NeedsClarification, Reply, Usage, assistant, user

# send(messages, response_format) -> Reply: one gateway call (redaction, budget, retries included).
Send = Callable[[list[Message], dict[str, Any] | None], Reply]

_FENCE = re.compile(r"```[ \t]*(?:json|JSON|json5)?[ \t]*\n?(.*?)```", re.DOTALL)
_MAX_ERRORS = 8


def response_format(
    mode: str, supports_schema: bool, schema: dict[str, Any], name: str
) -> dict[str, Any] | None:
    """The `response_format` request parameter for a structured-output mode."""
    if mode == "auto":
        mode = "json_schema" if supports_schema else "json_object"
    if mode == "json_schema":
        return {
            "type": "json_schema",
            "json_schema": {"name": name, "schema": schema, "strict": False},
        }
    if mode == "json_object":
        return {"type": "json_object"}
    return None


def instructions(schema: dict[str, Any], allow_clarification: bool) -> str:
    """The system-prompt text that states the expected JSON."""
    text = (
        "Reply with a single JSON object and nothing else (no prose, no code fences). "
        "It must validate against this JSON Schema:\n"
        + json.dumps(schema, separators=(",", ":"), ensure_ascii=False)
    )
    if allow_clarification:
        text += (
            '\nPut your result in "answer". If you cannot give one without more information, '
            'leave "answer" null and fill "needs_clarification" with the questions to ask instead.'
        )
    return text


@lru_cache(maxsize=64)
def envelope(response_model: type[BaseModel]) -> type[BaseModel]:
    """The schema sent when clarification is allowed: an answer or a `NeedsClarification`."""
    return create_model(
        f"{response_model.__name__}OrClarification",
        __config__=ConfigDict(extra="forbid"),
        answer=(cast(Any, response_model | None), None),
        needs_clarification=(NeedsClarification | None, None),
    )


def extract_json(text: str) -> Any:
    """Find the JSON value in a reply: bare, inside a code fence, or surrounded by prose.

    Raises:
        ValueError: With one sentence saying why no JSON could be read.
    """
    stripped = text.strip()
    if not stripped:
        raise ValueError("the reply is empty")
    for candidate in [stripped, *(m.group(1).strip() for m in _FENCE.finditer(text))]:
        try:
            return json.loads(candidate)
        except json.JSONDecodeError:
            continue
    starts = [i for i in (text.find("{"), text.find("[")) if i >= 0]
    if not starts:
        raise ValueError("the reply contains no JSON object")
    decoder = json.JSONDecoder()
    # Bounded, so a long reply full of braces cannot make this quadratic.
    for match in islice(re.finditer(r"[{\[]", text), 64):
        try:
            value, _ = decoder.raw_decode(text, match.start())
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict | list) and value:
            return value
    try:
        decoder.raw_decode(text, min(starts))
    except json.JSONDecodeError as exc:
        ended = exc.pos >= len(text.rstrip()) - 1 or exc.msg.startswith("Unterminated string")
        cut = " (it looks cut off)" if ended else ""
        raise ValueError(
            f"the reply's JSON is invalid at line {exc.lineno} column {exc.colno}: {exc.msg}{cut}"
        ) from None
    raise ValueError("the reply contains no usable JSON object")  # an empty {} or []


def schema_errors(exc: ValidationError) -> list[str]:
    """Pydantic errors as short sentences naming the field, as a model can act on them."""
    errors = []
    for error in exc.errors(include_url=False)[:_MAX_ERRORS]:
        where = ".".join(str(p) for p in error["loc"]) or "the object"
        errors.append(f"{where}: {error['msg']}")
    if exc.error_count() > _MAX_ERRORS:
        errors.append(f"(and {exc.error_count() - _MAX_ERRORS} more errors)")
    return errors


def parse_reply(
    text: str, response_model: type[BaseModel], allow_clarification: bool, check: Check | None
) -> tuple[BaseModel | None, list[str]]:
    """Parse and validate one reply.

    Returns:
        The parsed value (a `response_model` or a `NeedsClarification`) and no errors, or None
        and the problems found.
    """
    try:
        data = extract_json(text)
    except ValueError as exc:
        return None, [str(exc)]
    if allow_clarification and isinstance(data, dict):
        clarification = data.get("needs_clarification")
        if clarification is not None and data.get("answer") is None:
            try:
                return NeedsClarification.model_validate(clarification), []
            except ValidationError as exc:
                return None, [f"needs_clarification.{e}" for e in schema_errors(exc)]
        if set(data) <= {"answer", "needs_clarification"} and isinstance(data.get("answer"), dict):
            data = data["answer"]  # the envelope; a bare answer is accepted too
    try:
        parsed = response_model.model_validate(data)
    except ValidationError as exc:
        return None, schema_errors(exc)
    problems = list(check(parsed)) if check is not None else []
    return (None, problems) if problems else (parsed, [])


MAX_ECHO = 12_000
"""Characters of a bad reply sent back with a repair request."""


def _echo(text: str) -> str:
    if len(text) <= MAX_ECHO:
        return text
    return f"{text[:MAX_ECHO]}\n[... reply cut here: {len(text):,} characters in all ...]"


def repair_prompt(errors: Sequence[str], cut_off: bool) -> str:
    """The message that sends a reply's problems back to the model."""
    lines = "\n".join(f"- {e}" for e in errors)
    note = "\nYour reply was cut off at the length limit: make it shorter." if cut_off else ""
    return (
        f"Your previous reply could not be used:\n{lines}{note}\n"
        "Reply again with only the corrected JSON object."
    )


def _with_instructions(messages: Sequence[Message], text: str) -> list[Message]:
    out = list(messages)
    for index, message in enumerate(out):
        if message.role == "system":
            out[index] = message.model_copy(update={"content": f"{message.content}\n\n{text}"})
            return out
    return [Message(role="system", content=text), *out]


def _rejects_schema_format(err: ProviderError) -> bool:
    text = err.message.lower()
    return err.kind in {"bad-request", "server"} and (
        "json_schema" in text or "json_object" in text or "response_format" in text
    )


def complete_structured(
    send: Send,
    messages: Sequence[Message],
    response_model: type[BaseModel],
    *,
    mode: str,
    supports_schema: bool,
    check: Check | None = None,
    allow_clarification: bool = False,
    max_repairs: int = 2,
    on_schema_rejected: Callable[[], None] | None = None,
) -> tuple[BaseModel, Usage]:
    """Ask until the reply validates, at most `1 + max_repairs` times.

    Raises:
        OutputValidationError: Carrying the last raw reply, its errors and the usage.
    """
    target = envelope(response_model) if allow_clarification else response_model
    schema = target.model_json_schema()
    fmt = response_format(mode, supports_schema, schema, response_model.__name__)
    asked = _with_instructions(messages, instructions(schema, allow_clarification))
    conversation = asked
    usage = Usage()
    errors: list[str] = []
    text = ""
    attempts = 0
    while attempts <= max_repairs:
        try:
            reply = send(conversation, fmt)
        except ProviderError as err:
            if not (fmt and fmt["type"] == "json_schema" and _rejects_schema_format(err)):
                raise
            # The server cannot do JSON-schema mode: JSON mode plus the schema in the prompt.
            fmt = {"type": "json_object"}
            if on_schema_rejected is not None:
                on_schema_rejected()
            continue
        attempts += 1
        usage = usage + reply.usage
        text = reply.text
        parsed, errors = parse_reply(text, response_model, allow_clarification, check)
        if parsed is not None:
            return parsed, usage
        # The original request, the last reply (excerpted) and what was wrong with it: earlier
        # attempts are not resent, so a huge reply cannot push the request's prompt out of the
        # window (trimming drops the oldest turns first).
        conversation = [
            *asked,
            assistant(_echo(text)),
            user(repair_prompt(errors[:_MAX_ERRORS], reply.finish_reason == "length")),
        ]
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    raise OutputValidationError(
        f"the model's reply was still invalid after {attempts} attempts: {errors[0]}{more}",
        attempts=attempts,
        last_output=text,
        errors=errors,
        usage=usage,
    )
