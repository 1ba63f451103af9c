"""`ScriptedChatModel`: a real gateway model whose replies are queued in advance.

It runs the same redaction, budget, retry and repair code as `LiteLLMChatModel`; only the
provider is replaced by a queue. Tests enqueue text, `ScriptedReply` objects or `ProviderError`s
(raised in turn, to exercise retries), then read `history` to see exactly what would have been
sent.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from assistant.errors import ProviderError
from assistant.llm.base import Message, ModelInfo, Reply, Usage
from assistant.llm.config import LLMSettings
from assistant.llm.gateway import CallParams, GatewayModel, Session, StreamPiece


@dataclass(frozen=True)
class ScriptedReply:
    """A queued reply with optional reported usage and finish reason."""

    text: str
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    finish_reason: str = "stop"


Scripted = str | ScriptedReply | ProviderError


@dataclass(frozen=True)
class ScriptedCall:
    """One request the scripted model received."""

    model: str
    messages: list[Message]
    params: CallParams
    stream: bool


def _settings() -> LLMSettings:
    # No waiting between retries: tests stay fast and never depend on timing.
    return LLMSettings(model="scripted/model", retry_base_delay=0, retry_max_delay=0)


class ScriptedChatModel(GatewayModel):
    """A `ChatModel` that answers from a queue.

    Args:
        replies: Initial queue (see `enqueue`).
        settings: Gateway settings; defaults to a model named `scripted/model` with no
            retry delays.
        info: What the model claims about itself (window, prices, JSON-schema support).
        session: Shared redactions and budget.
    """

    def __init__(
        self,
        replies: Iterable[Scripted] = (),
        *,
        settings: LLMSettings | None = None,
        info: ModelInfo | None = None,
        session: Session | None = None,
    ) -> None:
        super().__init__(settings or _settings(), session=session)
        self._queue: deque[Scripted] = deque(replies)
        self._info = info
        self.history: list[list[Message]] = []
        """The messages of every request, exactly as they would have been sent."""
        self.calls: list[ScriptedCall] = []
        """Every request with its parameters."""

    def enqueue(self, *replies: Scripted) -> None:
        """Queue replies: text, `ScriptedReply`, or a `ProviderError` to raise."""
        self._queue.extend(replies)

    @property
    def pending(self) -> int:
        """Replies still queued."""
        return len(self._queue)

    def describe_model(self, model: str) -> ModelInfo:
        """The `info` given at construction, else a local model with an 8k window."""
        if self._info is not None:
            return self._info.model_copy(update={"model": model})
        return ModelInfo(model=model, provider="scripted", local=True)

    def _next(
        self, model: str, messages: list[Message], params: CallParams, stream: bool
    ) -> ScriptedReply:
        self.history.append(messages)
        self.calls.append(ScriptedCall(model, messages, params, stream))
        if not self._queue:
            raise LookupError("ScriptedChatModel: no reply queued for this request")
        item = self._queue.popleft()
        if isinstance(item, ProviderError):
            raise item
        reply = item if isinstance(item, ScriptedReply) else ScriptedReply(item)
        words = reply.text.split(" ")
        if params.max_tokens is not None and len(words) > params.max_tokens:
            # Like a provider: stop at the completion cap and say so.
            return ScriptedReply(" ".join(words[: params.max_tokens]), finish_reason="length")
        return reply

    def send(
        self,
        model: str,
        messages: list[Message],
        params: CallParams,
        cancel: threading.Event | None,
    ) -> Reply:
        """Pop the next scripted reply."""
        reply = self._next(model, messages, params, stream=False)
        return Reply(
            text=reply.text,
            usage=_usage(reply) or Usage(),
            finish_reason=reply.finish_reason,
            model=model,
        )

    def send_stream(
        self,
        model: str,
        messages: list[Message],
        params: CallParams,
        cancel: threading.Event | None,
    ) -> Iterator[StreamPiece]:
        """Pop the next scripted reply and yield it word by word."""
        reply = self._next(model, messages, params, stream=True)
        return _pieces(reply)


def _usage(reply: ScriptedReply) -> Usage | None:
    if reply.prompt_tokens is None and reply.completion_tokens is None:
        return None  # the gateway estimates
    return Usage(
        prompt_tokens=reply.prompt_tokens or 0, completion_tokens=reply.completion_tokens or 0
    )


def _pieces(reply: ScriptedReply) -> Iterator[StreamPiece]:
    words = reply.text.split(" ")
    for index, word in enumerate(words):
        yield StreamPiece(text=word if index == 0 else " " + word)
    yield StreamPiece(usage=_usage(reply), finish_reason=reply.finish_reason)
