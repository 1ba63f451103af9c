"""Retries with backoff, fallback models, cancellation, and the one sentence a failure becomes.

Backends raise `ProviderError` with a short detail; this module decides whether to try again,
waits (honouring `Retry-After`), and turns the last failure into a sentence naming the provider,
the status and what to do.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import TypeVar

from assistant.errors import LLMCancelledError, ProviderError

R = TypeVar("R")

RETRIABLE_KINDS = frozenset({"rate-limit", "server", "timeout", "connection"})

_WHAT_TO_DO = {
    "rate-limit": "returned 429 rate limit{after}; wait and retry, or set a fallback model",
    "server": "returned {status} server error{after}; try again later or set a fallback model",
    "timeout": "did not answer in time{after} ({detail}); raise read_timeout or try again later",
    "connection": "could not be reached{after} ({detail}); check that the server is running and the --api-base URL",
    "bad-body": "sent a reply that is not valid JSON ({detail}); check that --api-base points at an OpenAI-compatible /v1 endpoint",
    "empty": "returned an empty reply; check that --api-base points at an OpenAI-compatible /v1 endpoint",
    "auth": "returned {status} authentication failed ({detail}); check the API key",
    "not-found": "returned {status} not found ({detail}); check the model name and --api-base",
    "bad-request": "returned {status} bad request: {detail}",
    "context-window": "says the request exceeds the model's context window; set context_window in the config or shorten the input",
}


def describe(err: ProviderError, attempts: int) -> str:
    """The sentence a user sees for a provider failure."""
    after = f" after {attempts} attempts" if attempts > 1 else ""
    template = _WHAT_TO_DO.get(err.kind, "call failed{after}: {detail}")
    status = err.status if err.status is not None else "an"
    return f"{err.provider} " + template.format(after=after, status=status, detail=err.message)


def final_error(err: ProviderError, attempts: int, note: str = "") -> ProviderError:
    """A copy of `err` whose message is the user-facing sentence."""
    message = describe(err, attempts) + (f" ({note})" if note else "")
    return ProviderError(
        message,
        provider=err.provider,
        kind=err.kind,
        status=err.status,
        retriable=err.retriable,
        retry_after=err.retry_after,
        attempts=attempts,
        model=err.model,
    )


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a `Retry-After` value (delta-seconds or an HTTP date)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry.

    Attributes:
        retries: Retries after the first attempt.
        base_delay: The first wait in seconds; it doubles each retry.
        max_delay: The longest single wait; a longer `Retry-After` ends the retries.
        jitter: The fraction of each wait drawn at random, so clients do not retry in step.
    """

    retries: int = 3
    base_delay: float = 1.0
    max_delay: float = 30.0
    jitter: float = 0.5

    def delay(self, retry: int, retry_after: float | None, rng: random.Random) -> float | None:
        """Seconds to wait before retry number `retry` (0-based), or None to give up."""
        if retry_after is not None:
            return retry_after if retry_after <= self.max_delay else None
        wait = min(self.max_delay, self.base_delay * 2.0**retry)
        return wait * (1 - self.jitter * rng.random())


def check_cancel(cancel: threading.Event | None) -> None:
    """Raise `LLMCancelledError` when the caller has asked to stop."""
    if cancel is not None and cancel.is_set():
        raise LLMCancelledError("cancelled")


def call_with_retries(
    call: Callable[[], R],
    policy: RetryPolicy,
    *,
    cancel: threading.Event | None = None,
    sleep: Callable[[float], None] | None = None,
    rng: random.Random | None = None,
) -> R:
    """Run `call`, retrying retriable `ProviderError`s with exponential backoff and jitter.

    Raises:
        ProviderError: The last failure, its message the user-facing sentence.
        LLMCancelledError: `cancel` was set before or while waiting.
    """
    attempt = 0
    while True:
        check_cancel(cancel)
        attempt += 1
        try:
            return call()
        except ProviderError as err:
            if not err.retriable or attempt > policy.retries:
                raise final_error(err, attempt) from None
            rng = rng or random.Random()
            wait = policy.delay(attempt - 1, err.retry_after, rng)
            if wait is None:
                note = f"it asked to wait {err.retry_after:.0f}s, more than retry_max_delay"
                raise final_error(err, attempt, note) from None
            if sleep is not None:
                sleep(wait)
            elif cancel is not None:
                if cancel.wait(wait):
                    raise LLMCancelledError("cancelled") from None
            else:
                time.sleep(wait)


def with_fallbacks(models: list[str], call: Callable[[str], R]) -> R:
    """Try `call` with each model in turn until one succeeds.

    Raises:
        ProviderError: Every model failed; the primary's failure leads the message.
    """
    failures: list[tuple[str, ProviderError]] = []
    for model in models:
        try:
            return call(model)
        except ProviderError as err:
            failures.append((model, err))
    first = failures[0][1]
    if len(failures) == 1:
        raise first
    others = "; ".join(f"{model}: {err.kind}" for model, err in failures[1:])
    raise ProviderError(
        f"{first.message} (fallbacks failed too: {others})",
        provider=first.provider,
        kind=first.kind,
        status=first.status,
        retriable=first.retriable,
        attempts=sum(err.attempts for _, err in failures),
        model=failures[0][0],
    )
