"""What a conversation step reports while it runs, for whoever shows it (the TUI, a test).

These are not recorded: the journal holds events (`assistant.session.events`); updates are the
live view of a step: pieces of a reply as they stream, progress lines, notices, findings as they
are validated, and the events once committed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from assistant.schema import Finding, Layer
from assistant.session.events import Event

Severity = Literal["information", "warning", "error"]


@dataclass(frozen=True)
class Chunk:
    """A piece of the assistant's reply (the whole reply arrives later in `Committed`)."""

    text: str


@dataclass(frozen=True)
class Progress:
    """A step of a long operation; `fraction` is None when the total is not known."""

    text: str
    fraction: float | None = None


@dataclass(frozen=True)
class Notice:
    """Something the user should see outside the transcript (a redaction, a degraded feature)."""

    text: str
    title: str = ""
    severity: Severity = "information"


@dataclass(frozen=True)
class FindingsAdded:
    """Findings validated at one layer, shown before the analysis is committed."""

    layer: Layer
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class Committed:
    """Events now applied to the state and written to the journal, in order."""

    events: tuple[Event, ...]


@dataclass(frozen=True)
class Reset:
    """The whole session changed (new or opened): redraw everything from the state."""


Update = Chunk | Progress | Notice | FindingsAdded | Committed | Reset
Emit = Callable[[Update], None]


def ignore(_: Update) -> None:
    """An `Emit` that drops every update."""
