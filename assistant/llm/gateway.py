"""The gateway: what every model call goes through, whatever answers it.

`GatewayModel` implements the `ChatModel` protocol once: it redacts secrets, trims the
conversation to the model's window, enforces the session budget, retries and falls back, and
runs the structured-output repair loop. A backend (`LiteLLMChatModel`, `ScriptedChatModel`)
only supplies one attempt of a plain call and of a streamed call, plus what it knows about a
model.
"""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Any, Literal, cast, overload

from assistant.errors import LLMCancelledError, ProviderError
from assistant.llm.base import (
    ChatStream,
    Check,
    Message,
    ModelInfo,
    NeedsClarification,
    Reply,
    T,
    Usage,
)
from assistant.llm.budget import Budget, TokenCounter, cost_of, trim_to_window
from assistant.llm.config import LLMSettings, provider_of
from assistant.llm.deadline import Guard
from assistant.llm.redact import Redaction, Redactor
from assistant.llm.resilience import (
    RetryPolicy,
    call_with_retries,
    check_cancel,
    final_error,
    with_fallbacks,
)
from assistant.llm.structured import complete_structured


@dataclass
class Session:
    """What the calls of one conversation share: the redaction map and the budget."""

    redactor: Redactor = field(default_factory=Redactor)
    budget: Budget = field(default_factory=Budget)

    @classmethod
    def for_settings(cls, settings: LLMSettings) -> Session:
        """A fresh session with the caps from `settings`."""
        return cls(Redactor(), Budget(settings.max_tokens, settings.max_cost))


@dataclass(frozen=True)
class CallParams:
    """What a backend needs besides the messages for one attempt."""

    max_tokens: int | None = None
    response_format: dict[str, Any] | None = None
    temperature: float | None = None
    deadline: float | None = None
    """`time.monotonic()` value past which the call is stopped (from `call_timeout`)."""


@dataclass(frozen=True)
class StreamPiece:
    """One item of a backend's stream: text, and at the end usage and the finish reason."""

    text: str = ""
    usage: Usage | None = None
    finish_reason: str | None = None


@dataclass
class _Prepared:
    messages: list[Message]
    prompt_tokens: int
    params: CallParams
    budget_kind: str | None
    info: ModelInfo
    counter: TokenCounter


class GatewayModel(ABC):
    """The shared implementation of `ChatModel`; subclasses supply one attempt of a call.

    Args:
        settings: Model, caps, retries and structured-output mode.
        session: Shared redactions and budget (a new one from `settings` by default).
    """

    def __init__(self, settings: LLMSettings, *, session: Session | None = None) -> None:
        self.settings = settings
        self.session = session or Session.for_settings(settings)
        self.retry_policy = RetryPolicy(
            settings.retries, settings.retry_base_delay, settings.retry_max_delay
        )
        self.sleep: Callable[[float], None] | None = None
        """Replaces the backoff wait (tests record the delays instead of sleeping)."""
        self._infos: dict[str, ModelInfo] = {}
        self._counters: dict[str, TokenCounter] = {}
        self._schema_rejected = False

    # -- what a backend supplies ------------------------------------------------------------

    @abstractmethod
    def describe_model(self, model: str) -> ModelInfo:
        """Window, prices and capabilities of `model` (called once per model)."""

    @abstractmethod
    def send(
        self,
        model: str,
        messages: list[Message],
        params: CallParams,
        cancel: threading.Event | None,
    ) -> Reply:
        """One attempt of a plain call; raises `ProviderError` on failure."""

    @abstractmethod
    def send_stream(
        self,
        model: str,
        messages: list[Message],
        params: CallParams,
        cancel: threading.Event | None,
    ) -> Iterator[StreamPiece]:
        """One attempt of a streamed call; failing before the first piece means retrying."""

    # -- the ChatModel protocol ---------------------------------------------------------------

    @property
    def model(self) -> str:
        """The primary model string."""
        return self.settings.model or ""

    @property
    def usage(self) -> Usage:
        """Tokens and cost of the session so far."""
        return self.session.budget.used

    @property
    def redactions(self) -> list[Redaction]:
        """Every secret redacted in the session so far."""
        return self.session.redactor.redactions

    def model_info(self, model: str | None = None) -> ModelInfo:
        """What is known about `model` (the primary by default), cached."""
        model = model or self.model
        if model not in self._infos:
            self._infos[model] = self.describe_model(model)
        return self._infos[model]

    def chat(self, messages: Sequence[Message], *, cancel: threading.Event | None = None) -> Reply:
        """Send a conversation and wait for the whole reply."""
        return self._chat(list(messages), None, cancel)

    def stream(
        self, messages: Sequence[Message], *, cancel: threading.Event | None = None
    ) -> ChatStream:
        """Send a conversation and yield the reply's text as it arrives."""
        return ChatStream(self._stream(list(messages), cancel))

    @overload
    def complete(
        self,
        messages: Sequence[Message],
        response_model: type[T],
        *,
        check: Check | None = None,
        allow_clarification: Literal[False] = False,
        cancel: threading.Event | None = None,
    ) -> tuple[T, Usage]: ...

    @overload
    def complete(
        self,
        messages: Sequence[Message],
        response_model: type[T],
        *,
        check: Check | None = None,
        allow_clarification: Literal[True],
        cancel: threading.Event | None = None,
    ) -> tuple[T | NeedsClarification, Usage]: ...

    def complete(
        self,
        messages: Sequence[Message],
        response_model: type[T],
        *,
        check: Check | None = None,
        allow_clarification: bool = False,
        cancel: threading.Event | None = None,
    ) -> tuple[T | NeedsClarification, Usage]:
        """Ask for a reply matching `response_model`; see `ChatModel.complete`."""
        mode = self.settings.structured_output
        if self._schema_rejected and mode != "prompt":
            mode = "json_object"
        begun = time.monotonic()
        info = self._bounded_info(self.model, self._call_guard(self.model, cancel, begun))
        started: float | None = begun

        def send(msgs: list[Message], fmt: dict[str, Any] | None) -> Reply:
            # The first request shares its deadline with the model lookup above, which is
            # what the caller waited for; each repair is a call of its own.
            nonlocal started
            since, started = started, None
            return self._chat(msgs, fmt, cancel, since)

        parsed, usage = complete_structured(
            send,
            messages,
            response_model,
            mode=mode,
            supports_schema=info.supports_response_schema,
            check=check,
            allow_clarification=allow_clarification,
            max_repairs=self.settings.repair_attempts,
            on_schema_rejected=self._note_schema_rejected,
        )
        return cast("T | NeedsClarification", parsed), usage

    # -- the shared machinery -------------------------------------------------------------------

    def _note_schema_rejected(self) -> None:
        self._schema_rejected = True

    def _call_guard(self, model: str, cancel: threading.Event | None, started: float) -> Guard:
        return Guard(
            cancel,
            started + self.settings.call_timeout,
            seconds=self.settings.call_timeout,
            provider=provider_of(model),
            model=model,
        )

    def _bounded_info(self, model: str, guard: Guard) -> ModelInfo:
        """`model_info`, its first lookup bounded by the call's deadline and cancel event.

        The first lookup imports the provider library, which takes seconds: counted inside
        the call, a short `call_timeout` still holds on the first call of a process.
        """
        if model in self._infos:
            return self._infos[model]
        return guard.run(lambda: self.model_info(model))

    def _prepare(
        self,
        model: str,
        messages: list[Message],
        response_format: dict[str, Any] | None,
        guard: Guard,
    ) -> _Prepared:
        info = self._bounded_info(model, guard)
        counter = self._counters.get(model) or self._counters.setdefault(model, TokenCounter(model))
        redact = self.session.redactor.redact
        clean = [m.model_copy(update={"content": redact(m.content)}) for m in messages]
        window = self.settings.context_window or info.context_window
        reserve = self.settings.max_output_tokens or min(
            info.max_output_tokens or 4096, window // 4
        )
        fitted, prompt_tokens, _ = trim_to_window(clean, counter, max(window - reserve, 1))
        cap, kind = self.session.budget.completion_cap(
            prompt_tokens, info, self.settings.max_output_tokens
        )
        if cap is None or cap > reserve:
            # Every request is bounded: without a budget, the completion gets what was reserved.
            cap, kind = reserve, None
        params = CallParams(cap, response_format, self.settings.temperature, guard.deadline)
        return _Prepared(fitted, prompt_tokens, params, kind, info, counter)

    def _models(self) -> list[str]:
        return [self.model, *self.settings.fallbacks]

    def _chat(
        self,
        messages: list[Message],
        response_format: dict[str, Any] | None,
        cancel: threading.Event | None,
        started: float | None = None,
    ) -> Reply:
        """One call; `started` is when the caller's wait began (now by default)."""
        check_cancel(cancel)

        def on(model: str) -> Reply:
            since = started if started is not None and model == self.model else time.monotonic()
            prep = self._prepare(
                model, messages, response_format, self._call_guard(model, cancel, since)
            )

            def attempt() -> Reply:
                reply = self.send(model, prep.messages, prep.params, cancel)
                if not reply.text.strip() and not reply.usage.completion_tokens:
                    raise ProviderError("", provider=prep.info.provider, kind="empty", model=model)
                return reply

            reply = call_with_retries(attempt, self.retry_policy, cancel=cancel, sleep=self.sleep)
            return self._account(reply, prep, model)

        return with_fallbacks(self._models(), on)

    def _stream(
        self, messages: list[Message], cancel: threading.Event | None
    ) -> Generator[str, None, Reply]:
        check_cancel(cancel)

        def on(model: str) -> tuple[str, _Prepared, Iterator[StreamPiece], StreamPiece | None]:
            guard = self._call_guard(model, cancel, time.monotonic())
            prep = self._prepare(model, messages, None, guard)

            def attempt() -> tuple[Iterator[StreamPiece], StreamPiece | None]:
                pieces = self.send_stream(model, prep.messages, prep.params, cancel)
                return pieces, next(pieces, None)  # the request and its errors happen here

            pieces, first = call_with_retries(
                attempt, self.retry_policy, cancel=cancel, sleep=self.sleep
            )
            return model, prep, pieces, first

        model, prep, pieces, first = with_fallbacks(self._models(), on)
        parts: list[str] = []
        usage: Usage | None = None
        finish: str | None = None
        # A backstop for servers that ignore max_tokens: they stream about one token per
        # chunk, so more chunks than the cap means the cap was not applied. (Counting with our
        # tokenizer would disagree with the server's and cut replies short.)
        cap = prep.params.max_tokens if prep.budget_kind else None
        chunks = 0
        finished = False
        try:
            for piece in chain([first] if first else [], pieces):
                if cancel is not None and cancel.is_set():
                    raise LLMCancelledError("cancelled")
                if piece.text:
                    chunks += 1
                    if cap is not None and chunks > cap:
                        finish = "length"
                        break
                    parts.append(piece.text)
                    yield piece.text
                usage = piece.usage or usage
                finish = piece.finish_reason or finish
            finished = True
        except ProviderError as err:
            raise final_error(err, 1) from None
        finally:
            close = getattr(pieces, "close", None)
            if close is not None:
                close()
            if not finished:
                # Cancelled, abandoned or broken mid-way: the tokens were still spent.
                self.session.budget.record(self._estimate(prep, "".join(parts)))
        text = "".join(parts)
        if not text.strip() and finish != "length":
            raise final_error(
                ProviderError("", provider=prep.info.provider, kind="empty", model=model), 1
            )
        reply = Reply(text=text, usage=usage or Usage(), finish_reason=finish, model=model)
        return self._account(reply, prep, model)

    def _estimate(self, prep: _Prepared, text: str) -> Usage:
        """Usage counted locally, for replies whose provider reported none."""
        completion = prep.counter.count(text)
        return Usage(
            prompt_tokens=prep.prompt_tokens,
            completion_tokens=completion,
            cost_usd=cost_of(prep.prompt_tokens, completion, prep.info),
            calls=1,
            estimated=True,
        )

    def _account(self, reply: Reply, prep: _Prepared, model: str) -> Reply:
        usage = reply.usage
        if usage.prompt_tokens or usage.completion_tokens:
            cost = cost_of(usage.prompt_tokens, usage.completion_tokens, prep.info)
            usage = usage.model_copy(update={"calls": 1, "cost_usd": cost})
        else:
            usage = self._estimate(prep, reply.text)
        self.session.budget.record(usage)
        reply = reply.model_copy(update={"usage": usage, "model": reply.model or model})
        if reply.finish_reason == "length" and prep.budget_kind is not None:
            raise self.session.budget.stopped(prep.budget_kind, reply.text)
        return reply
