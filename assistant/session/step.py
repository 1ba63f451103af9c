"""One step of the chat, and what the code handling it may use of the conversation.

A step is one line the user typed. Whatever handles it (an interview step, a slash command)
reports through the `Step` (pieces of the reply, progress) and ends it with `reply` or
`record`, which commit the step's events in one go. `ChatSession` is the part of the
conversation those handlers see: public state and a few actions, no private members, so the
handlers live in their own modules and the conversation imports them, never the reverse.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from assistant.errors import StepCancelledError
from assistant.session.events import (
    Event,
    GuidancePassage,
    MessageLogged,
    ReviewAction,
    SessionState,
)
from assistant.session.updates import Chunk, Committed, Emit, Progress

if TYPE_CHECKING:
    from assistant.engine.interview import Question
    from assistant.knowledge.catalogue import Catalogue
    from assistant.schema import Layer, ThreatModel
    from assistant.session.guidance import Guidance
    from assistant.session.models import ModelBinding


@dataclass
class Step:
    """The step in progress: report on it, check for cancellation, end it with a reply.

    Attributes:
        user: The user's line that started the step (already redacted).
        emit: Receives updates while the step runs.
        cancel: Set by the UI to cancel the step.
        commit: Applies events to the session state and the journal.
    """

    user: MessageLogged
    emit: Emit
    cancel: threading.Event | None
    commit: Callable[[Sequence[Event]], None]

    def check(self) -> None:
        """Raise if the step was cancelled.

        Raises:
            StepCancelledError: `cancel` is set.
        """
        if self.cancel is not None and self.cancel.is_set():
            raise StepCancelledError(
                "cancelled; nothing from this step was kept", title="Cancelled"
            )

    def progress(self, line: str, fraction: float | None = None) -> None:
        """Report progress (and stop here if the step was cancelled)."""
        self.check()
        self.emit(Progress(line, fraction))

    def reply(self, text: str, events: Sequence[Event] = (), *, streamed: bool = False) -> None:
        """End the step: commit the user's line, `events` and the assistant's reply `text`.

        Args:
            text: The reply, markdown.
            events: What the step changed, recorded between the user's line and the reply.
            streamed: The reply was already emitted piece by piece (as `Chunk`s).
        """
        self.check()
        if not streamed:
            self.emit(Chunk(text))
        self.record([*events, MessageLogged(role="assistant", text=text)])

    def record(self, events: Sequence[Event]) -> None:
        """End the step without a reply: commit the user's line and `events`."""
        self.check()
        done = (self.user, *events)
        self.commit(done)
        self.emit(Committed(done))


class ChatSession(Protocol):
    """What step handlers use of the conversation (`Conversation` implements it)."""

    catalogue: Catalogue
    binding: ModelBinding
    guidance: Guidance

    @property
    def state(self) -> SessionState:
        """The session as committed so far."""
        ...

    def described(self) -> bool:
        """Whether anything of the system is understood yet."""
        ...

    def pending(self) -> Question | None:
        """The interview question the user is answering, if one is open."""
        ...

    def carried_over(self, model: ThreatModel) -> ThreatModel:
        """`model` with the review decisions of the current one kept."""
        ...

    def switch_model(self, name: str) -> ModelBinding:
        """The binding for `/model NAME` (not yet in use)."""
        ...

    def start_new(self, session_id: str | None = None) -> None:
        """Begin a fresh session."""
        ...

    def open(self, session: str | None = None) -> list[str]:
        """Continue a saved session."""
        ...

    def search(
        self, query: str, layers: Sequence[Layer] = (), kinds: Sequence[str] = ...
    ) -> list[GuidancePassage] | None:
        """Search the guidance now."""
        ...

    def review(
        self,
        action: ReviewAction,
        targets: Sequence[str],
        note: str = "",
        *,
        step: Step | None = None,
    ) -> str:
        """Record a review decision (within `step` when a slash command makes it)."""
        ...
