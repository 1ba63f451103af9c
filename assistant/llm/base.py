"""The contract every model implementation meets, and the values that cross it.

Nothing here talks to a provider: these are the shapes the rest of the product sees, so the
engine, the TUI and the tests never touch litellm.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Generator, Sequence
from typing import Any, Literal, Protocol, TypeVar, overload

from pydantic import BaseModel, ConfigDict, Field

from assistant.llm.redact import Redaction

Role = Literal["system", "user", "assistant"]
T = TypeVar("T", bound=BaseModel)

# A semantic check run on a parsed reply: it returns the problems found, one sentence each
# (an empty list means the reply is acceptable). The engine passes the validator's rejections here.
Check = Callable[[Any], Sequence[str]]


class Message(BaseModel):
    """One chat message."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: Role
    content: str


def system(content: str) -> Message:
    """A system message."""
    return Message(role="system", content=content)


def user(content: str) -> Message:
    """A user message."""
    return Message(role="user", content=content)


def assistant(content: str) -> Message:
    """An assistant message."""
    return Message(role="assistant", content=content)


class Usage(BaseModel):
    """Tokens and cost of one call, or summed over many.

    `cost_usd` is None when the price of a model is not known (litellm's local cost map has no
    entry for it); a sum with any unknown part is unknown.
    """

    model_config = ConfigDict(extra="forbid")

    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = 0.0
    calls: int = 0
    estimated: bool = False
    """True when any count was estimated locally rather than reported by the provider."""

    @property
    def total_tokens(self) -> int:
        """Prompt plus completion tokens."""
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: Usage) -> Usage:
        cost = (
            None
            if self.cost_usd is None or other.cost_usd is None
            else self.cost_usd + other.cost_usd
        )
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            cost_usd=cost,
            calls=self.calls + other.calls,
            estimated=self.estimated or other.estimated,
        )

    def summary(self) -> str:
        """One line for people, e.g. `120 prompt + 45 completion tokens, $0.0003`."""
        cost = "cost unknown" if self.cost_usd is None else f"${self.cost_usd:.4f}"
        approx = "~" if self.estimated else ""
        return f"{approx}{self.prompt_tokens} prompt + {approx}{self.completion_tokens} completion tokens, {cost}"


class ModelInfo(BaseModel):
    """What the gateway needs to know about a model to budget and format requests."""

    model_config = ConfigDict(extra="forbid")

    model: str
    provider: str
    context_window: int = 8192
    max_output_tokens: int | None = None
    input_cost_per_token: float | None = None
    output_cost_per_token: float | None = None
    supports_response_schema: bool = False
    local: bool = False
    """The endpoint is on this machine (loopback or a local provider)."""


class Reply(BaseModel):
    """A finished reply."""

    model_config = ConfigDict(extra="forbid")

    text: str
    usage: Usage = Field(default_factory=Usage)
    finish_reason: str | None = None
    model: str = ""
    """The model that answered (a fallback model when the primary failed)."""


class NeedsClarification(BaseModel):
    """The model's explicit answer that it cannot proceed without more information."""

    model_config = ConfigDict(extra="forbid")

    questions: list[str] = Field(min_length=1)
    """The questions whose answers would let the work continue."""
    reason: str = ""
    """Why the information at hand is not enough."""


class ChatStream:
    """An iterator of text deltas; `reply` holds the whole reply once the iteration ends.

    Args:
        pieces: A generator of deltas that returns the finished `Reply`.
    """

    def __init__(self, pieces: Generator[str, None, Reply]) -> None:
        self._pieces = pieces
        self.reply: Reply | None = None

    def __iter__(self) -> ChatStream:
        return self

    def __next__(self) -> str:
        try:
            return next(self._pieces)
        except StopIteration as stop:
            if isinstance(stop.value, Reply):
                self.reply = stop.value
            raise

    def close(self) -> None:
        """Stop the stream early (the connection is released)."""
        self._pieces.close()

    def collect(self) -> Reply:
        """Consume the rest of the stream and return the reply."""
        for _ in self:
            pass
        assert self.reply is not None
        return self.reply


class ChatModel(Protocol):
    """A chat model behind the gateway: redaction, budgets and resilience included.

    Implementations: `LiteLLMChatModel` (every provider litellm knows) and
    `ScriptedChatModel` (replies queued by tests).
    """

    @property
    def model(self) -> str:
        """The model string, e.g. `openai/gpt-4o-mini`."""
        ...

    @property
    def usage(self) -> Usage:
        """Tokens and cost of the session so far."""
        ...

    @property
    def redactions(self) -> list[Redaction]:
        """Every secret withheld from the provider so far, for showing to the user."""
        ...

    def chat(self, messages: Sequence[Message], *, cancel: threading.Event | None = None) -> Reply:
        """Send a conversation and wait for the whole reply."""
        ...

    def stream(
        self, messages: Sequence[Message], *, cancel: threading.Event | None = None
    ) -> ChatStream:
        """Send a conversation and yield the reply's text as it arrives."""
        ...

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
        """Ask for a reply matching `response_model`, re-asking on invalid output.

        Args:
            messages: The conversation.
            response_model: The pydantic model the reply must validate against.
            check: Extra semantic check; its problems are fed back to the model like
                schema errors.
            allow_clarification: Accept a `NeedsClarification` reply instead.
            cancel: Set it to abandon the call.

        Returns:
            The parsed reply and the usage of every attempt.

        Raises:
            OutputValidationError: No valid reply within the repair budget.
            ProviderError: The provider failed after retries and fallbacks.
            BudgetExceededError: A token or cost cap was reached.
        """
        ...
