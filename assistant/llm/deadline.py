"""Blocking provider calls made interruptible: by the cancel event and by the call's deadline.

A socket read only returns when bytes arrive or its read timeout passes, so a server trickling
a few bytes every few seconds keeps a call alive for ever, and a stalled stream ignores Esc
until its next chunk. Here the blocking work runs in a daemon thread and the caller's thread
waits in short slices, so cancel takes effect within `SLICE` seconds and the deadline within
`SLICE` of its time. An abandoned request finishes (or times out) in the background.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from assistant.errors import LLMCancelledError, ProviderError

R = TypeVar("R")
T = TypeVar("T")
SLICE = 0.05
"""Seconds between checks of the cancel event and the deadline."""
_END = object()


def _expired(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() >= deadline


def _timeout(provider: str, model: str, seconds: float | None) -> ProviderError:
    limit = f" within call_timeout {seconds:g}s" if seconds is not None else ""
    return ProviderError(
        f"{model}: no complete reply{limit}; the call was stopped",
        provider=provider,
        kind="timeout",
        retriable=False,  # the deadline bounds the whole call, retries included
        model=model,
    )


class Guard:
    """What may stop a call: the caller's cancel event and an absolute deadline.

    Args:
        cancel: Set by the caller (Esc, Ctrl+C) to stop the call.
        deadline: `time.monotonic()` value after which the call is stopped, or None.
        seconds: The `call_timeout` the deadline came from (for the message).
        provider: The provider name, for the error.
        model: The model string, for the error.
    """

    def __init__(
        self,
        cancel: threading.Event | None,
        deadline: float | None,
        *,
        seconds: float | None = None,
        provider: str = "",
        model: str = "",
    ) -> None:
        self.cancel = cancel
        self.deadline = deadline
        self.seconds = seconds
        self.provider = provider
        self.model = model

    def check(self) -> None:
        """Raise if the call was cancelled or is past its deadline."""
        if self.cancel is not None and self.cancel.is_set():
            raise LLMCancelledError("cancelled")
        if _expired(self.deadline):
            raise _timeout(self.provider, self.model, self.seconds)

    def run(self, call: Callable[[], R]) -> R:
        """Run a blocking call, returning as soon as it ends, is cancelled or times out."""
        if self.cancel is None and self.deadline is None:
            return call()
        box: dict[str, Any] = {}
        done = threading.Event()

        def work() -> None:
            try:
                box["value"] = call()
            except BaseException as exc:  # handed to the caller's thread
                box["error"] = exc
            finally:
                done.set()

        threading.Thread(target=work, daemon=True, name="llm-call").start()
        while not done.wait(SLICE):
            self.check()
        if "error" in box:
            raise box["error"]
        return box["value"]  # type: ignore[no-any-return]

    def iterate(self, items: Iterable[T], close: Callable[[], object] | None = None) -> Iterator[T]:
        """Yield `items` (read in a daemon thread), stopping on cancel or the deadline."""
        if self.cancel is None and self.deadline is None:
            yield from items
            return
        box: queue.Queue[Any] = queue.Queue()

        def pump() -> None:
            try:
                for item in items:
                    box.put(("item", item))
                box.put(("end", _END))
            except BaseException as exc:  # handed to the caller's thread
                box.put(("error", exc))

        threading.Thread(target=pump, daemon=True, name="llm-stream").start()
        try:
            while True:
                try:
                    tag, value = box.get(timeout=SLICE)
                except queue.Empty:
                    self.check()
                    continue
                if tag == "end":
                    return
                if tag == "error":
                    raise value
                self.check()
                yield value
        finally:
            if close is not None:
                with contextlib.suppress(Exception):  # closing an abandoned stream: best effort
                    close()
