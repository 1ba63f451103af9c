"""Test doubles for chat sessions: a guidance retriever and a conversation driver."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.errors import RetrievalError
from assistant.knowledge import Catalogue
from assistant.schema import Layer
from assistant.session import Conversation
from assistant.session.updates import Update

DESCRIPTION = (
    "An expense agent built on LangChain uses GPT-4o, reads receipts from email, stores "
    "policies in a Pinecone vector store, and calls an MCP server to pay via Stripe. "
    "It remembers past claims."
)


@dataclass(frozen=True)
class FakePassage:
    id: str
    entry_id: str
    source: str
    text: str
    score: float | None = 0.9


@dataclass
class FakeRetriever:
    """Returns the same passages for any query and records what it was asked."""

    fail: bool = False
    queries: list[tuple[str, list[str], list[str]]] = field(default_factory=list)

    def search(
        self,
        query: str,
        layers: Iterable[str | Layer] | None = None,
        kinds: Iterable[str] | None = None,
        k: int = 5,
    ) -> Sequence[Any]:
        self.queries.append((query, [str(x) for x in layers or []], list(kinds or [])))
        if self.fail:
            raise RetrievalError("the guidance index is not built")
        return [
            FakePassage(
                "T1#0", "T1", "ASI-TM", "Memory poisoning corrupts what the agent recalls."
            ),
            FakePassage("L2-P1#0", "L2-P1", "CSA", "Validate what enters the vector store."),
        ][:k]


@dataclass
class Driver:
    """Sends lines to a conversation and keeps every update it reported."""

    conversation: Conversation
    updates: list[Update] = field(default_factory=list)

    def send(self, *lines: str) -> str:
        for line in lines:
            self.conversation.send(line, self.updates.append)
        return self.conversation.state.messages[-1].text


def new_conversation(catalogue: Catalogue, session_id: str = "s-test", **kwargs: Any) -> Driver:
    conversation = Conversation(catalogue, **kwargs)
    conversation.start_new(session_id)
    return Driver(conversation)
