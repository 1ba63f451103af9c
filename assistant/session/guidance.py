"""Guidance for the chat: which passages to retrieve for the last step, fetched after it.

Retrieval is never part of a step, so a reply never waits for the index: a step only says what
it would like (`want`), and the caller fetches it afterwards (`fetch`, the TUI in a worker of its
own). A retriever that fails is reported once and then left alone for the session.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Sequence

from assistant.errors import AssistantError
from assistant.schema import Layer
from assistant.session.events import GuidancePassage
from assistant.session.models import Retrieval

GUIDANCE_KINDS = ("threat", "mitigation", "chain", "factor")
"""What the Guidance tab shows: threats, mitigations, chains and factors, not the questions."""

Request = tuple[str, tuple[Layer, ...]]


class Guidance:
    """Guidance search for one conversation.

    Args:
        retriever: The search; None means the chat runs without guidance.
    """

    def __init__(self, retriever: Retrieval | None) -> None:
        self.retriever = retriever
        self._down = False
        self._wanted: Request | None = None
        self._lock = threading.Lock()

    def want(self, query: str, layers: Sequence[Layer] = ()) -> None:
        """Ask for guidance on `query` (a later request replaces an unfetched one)."""
        with self._lock:
            self._wanted = (query, tuple(layers))

    def search(
        self, query: str, layers: Sequence[Layer] = (), kinds: Sequence[str] = GUIDANCE_KINDS
    ) -> list[GuidancePassage] | None:
        """Search now; None when there is no retriever or it has failed before.

        Raises:
            AssistantError: The search failed (reported once; later searches return None).
        """
        if self.retriever is None or self._down or not query.strip():
            return None
        try:
            found = self.retriever.search(query, layers=list(layers) or None, kinds=kinds, k=4)
        except Exception as exc:  # guidance is an aid: the chat goes on without it
            self._down = True
            why = exc.message if isinstance(exc, AssistantError) else f"{type(exc).__name__}: {exc}"
            raise AssistantError(
                f"guidance search is unavailable: {why}", title="Guidance"
            ) from None
        return [
            GuidancePassage(
                id=str(p.id),
                entry_id=str(p.entry_id),
                source=str(p.source),
                text=str(p.text),
                score=p.score,
            )
            for p in found
        ]

    def fetch(self) -> tuple[str, list[GuidancePassage]] | None:
        """The passages for the last request, or None if there is nothing (new) to show.

        Raises:
            AssistantError: The search failed (once; guidance is then switched off).
        """
        with self._lock:
            wanted = self._wanted
        if wanted is None:
            return None
        passages = self.search(*wanted)
        with self._lock:
            if passages is None or self._wanted != wanted:
                return None  # none, or a later step asked for other guidance meanwhile
            self._wanted = None
        return wanted[0], passages

    def prepare(self) -> None:
        """Open the index ahead of the first search (errors are left for that search)."""
        with contextlib.suppress(Exception):
            if self.retriever is not None:
                self.retriever.search("agent tool misuse", k=1)
