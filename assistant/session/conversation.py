"""The chat as a state machine: greet, take a description, interview, analyse, review, export.

Headless (no UI imports), so the TUI and the tests drive the same object. One step at a time:
`send` handles one line the user typed, reports what happens through `emit` (pieces of the reply,
progress, findings as they are validated), and commits its events to the state and the journal
only at the end. A step that fails or is cancelled therefore leaves no trace, and the UI can put
the user's line back in the input. Review actions are separate, quick calls.

Everything the user types is redacted before it is stored or sent: a pasted key becomes a
placeholder in the transcript, the system model, the journal and any prompt.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant import safe_text
from assistant.engine.interview import Interview, Question
from assistant.errors import LLMCancelledError, SessionError, StepCancelledError
from assistant.knowledge.catalogue import Catalogue
from assistant.llm.redact import Redactor
from assistant.schema import Layer, ThreatModel
from assistant.session import interview_steps
from assistant.session import text as say
from assistant.session.events import (
    Event,
    GuidancePassage,
    GuidanceRecorded,
    MessageLogged,
    ModelChanged,
    ReviewAction,
    SessionStarted,
    SessionState,
)
from assistant.session.guidance import GUIDANCE_KINDS, Guidance
from assistant.session.journal import (
    Journal,
    find_session,
    journal_path,
    new_session_id,
    read_journal,
    redact_tree,
    replay_state,
)
from assistant.session.models import ModelBinding, Retrieval, model_binder, rules_binding
from assistant.session.review import Edited, carry_over, edit_events, review_events
from assistant.session.slash import run_command
from assistant.session.step import Step
from assistant.session.updates import Emit, Notice, ignore

if TYPE_CHECKING:
    from assistant.llm.config import LLMSettings

Binder = Callable[[str], ModelBinding]
_ANALYSE_WORDS = {"analyse", "analyze", "analyse now", "analyze now", "analysis"}


def _sentence(text: str) -> str:
    """The text as a sentence: a capital first, a full stop last (notes share one paragraph)."""
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


class Conversation:
    """One chat session and the engine it runs on.

    Args:
        catalogue: The catalogue of record.
        binding: The engine (default: rules, offline).
        retriever: Guidance search; without it the Guidance tab stays empty (with a note).
        binder: Builds a binding for `/model NAME` (default: the hybrid engine on that model,
            with `settings` otherwise).
        settings: The model settings the caller built, for `/model NAME` (default: defaults).
    """

    def __init__(
        self,
        catalogue: Catalogue,
        *,
        binding: ModelBinding | None = None,
        retriever: Retrieval | None = None,
        binder: Binder | None = None,
        settings: LLMSettings | None = None,
    ) -> None:
        self.catalogue = catalogue
        self.binding = binding or rules_binding()
        self.guidance = Guidance(retriever)
        if binder is None:
            from assistant.llm.config import LLMSettings

            binder = model_binder(settings or LLMSettings(), retriever=retriever)
        self._binder = binder
        self._lock = threading.RLock()  # state and journal
        self._busy = threading.Lock()  # one step at a time
        self.state = SessionState()
        self._redactor = Redactor()
        self._journal: Journal | None = None
        self._backlog: list[Event] = []
        self.unsaved = False
        """Whether the user chose to go on without saving (nothing is written then)."""

    # -- lifecycle ----------------------------------------------------------------------------

    @property
    def journal_path(self) -> Path | None:
        """Where this session is recorded (the file appears with the first user message)."""
        return self._journal.path if self._journal else None

    @property
    def read_only(self) -> str | None:
        """Why this session cannot be saved (held by another process, unwritable home), if so."""
        return self._journal.read_only if self._journal else None

    def continue_unsaved(self) -> None:
        """Go on in memory only: nothing of this session is written from now on."""
        with self._lock:
            self.close()
            self._journal, self._backlog, self.unsaved = None, [], True

    def start_new(self, session_id: str | None = None) -> None:
        """Begin a fresh session with a greeting (written once the user says something)."""
        with self._lock:
            self.close()
            session_id = session_id or new_session_id()
            self._redactor = Redactor()
            self.state = SessionState()
            self._journal = Journal(journal_path(session_id), self._redactor)
            self._journal.claim()
            self.unsaved = False
            b = self.binding
            offline = b.chat_model is None and b.proposer is None
            events: list[Event] = [
                SessionStarted(id=session_id, engine=b.engine, model=b.model),
                MessageLogged(role="assistant", text=say.greeting(b.label, offline)),
            ]
            for event in events:
                self.state.apply(event)
            self._backlog = events

    def open(self, session: str | None = None) -> list[str]:
        """Continue a saved session (None: the most recent); returns the notes shown to the user.

        Raises:
            SessionError: No such session, or its journal is unreadable.
        """
        path = find_session(session)
        replay = read_journal(path)
        with self._lock:
            self.close()
            self._redactor = Redactor()
            self.state = replay_state(replay)
            self._backlog = []
            self._journal = Journal(path, self._redactor, valid_bytes=replay.valid_bytes)
            self.unsaved = False
            title = self.state.title.rstrip(".")
            notes = [f"Resumed session {self.state.id} ({title}).", *replay.notes]
            if (self.state.engine, self.state.model) != (self.binding.engine, self.binding.model):
                was = self.state.model or "the rules engine"
                notes.append(f"It last ran on {was}; it now runs on {self.binding.label}.")
            if (held := self._journal.claim()) is not None:
                notes.append(held)
            notes = [_sentence(n) for n in notes]
            events: list[Event] = [
                MessageLogged(role="note", text=" ".join(notes)),
                ModelChanged(engine=self.binding.engine, model=self.binding.model),
            ]
            if self.read_only is None:
                self._commit(events)
            else:  # shown, never written: the other process owns the journal
                for event in events:
                    self.state.apply(event)
        return notes

    def close(self) -> None:
        """Close the journal (everything committed is already on disk)."""
        if self._journal is not None:
            self._journal.close()

    def _commit(self, events: Sequence[Event]) -> None:
        with self._lock:
            # Written first: a write that fails (read-only, disk full) leaves the state as it
            # was, so nothing is shown as decided that is not on disk.
            self._write(events)
            for event in events:
                self.state.apply(event)

    def _write(self, events: Sequence[Event]) -> None:
        if self._journal is None:
            return
        if self._backlog:
            # A session that never heard from the user leaves no file behind.
            if not any(isinstance(e, MessageLogged) and e.role == "user" for e in events):
                self._backlog += events
                return
            self._journal.append([*self._backlog, *events])
            self._backlog = []
            return
        self._journal.append(events)

    # -- steps -------------------------------------------------------------------------------

    def send(self, text: str, emit: Emit = ignore, cancel: threading.Event | None = None) -> None:
        """Handle one line from the user: a command, a description, an answer or more detail.

        Raises:
            AssistantError: The step failed (model, retrieval, file); nothing was committed.
            StepCancelledError: `cancel` was set; nothing was committed.
        """
        if not self._busy.acquire(blocking=False):
            raise SessionError("still working on the previous step (Esc cancels it)", title="Busy")
        try:
            self._send(text, emit, cancel)
        except LLMCancelledError:
            # Esc reached a model call: the same outcome as a cancel between calls.
            raise StepCancelledError(
                "cancelled; nothing from this step was kept", title="Cancelled"
            ) from None
        finally:
            self._busy.release()

    def _send(self, text: str, emit: Emit, cancel: threading.Event | None) -> None:
        raw = safe_text.clean(text).strip()  # a pasted escape sequence is data, never stored as is
        if not raw:
            return
        before = len(self._redactor.redactions)
        clean = self._redactor.redact(raw)
        fresh = self._redactor.redactions[before:]
        if fresh:
            found = "; ".join(f"{r.label} {r.preview} as {r.placeholder}" for r in fresh)
            emit(Notice(f"Replaced before storing or sending: {found}", "Redacted", "warning"))
        step = Step(MessageLogged(role="user", text=clean), emit, cancel, self._commit)
        with self.binding.cancellable(cancel):  # Esc reaches every model call of the step
            self._dispatch(step, clean)

    def _dispatch(self, step: Step, clean: str) -> None:
        if clean.startswith("/"):
            run_command(self, step, clean)
        elif clean.lower().strip(" .!") in _ANALYSE_WORDS:
            interview_steps.analyse_now(self, step)
        elif not self.described():
            interview_steps.describe(self, step, clean)
        elif (pending := self.pending()) is not None:
            interview_steps.answer(self, step, clean, pending)
        else:
            interview_steps.more_detail(self, step, clean)

    # -- what step handlers use (`ChatSession`) -----------------------------------------------

    def pending(self) -> Question | None:
        """The question the user is answering, if one is open."""
        if not self.state.pending:
            return None
        return Interview(self.catalogue).lookup(self.state.pending, self.state.system)

    def described(self) -> bool:
        """Whether anything of the system is understood yet."""
        system = self.state.system
        return bool(system.components or system.capabilities)

    def carried_over(self, model: ThreatModel) -> ThreatModel:
        """`model` with the review decisions of the current threat model kept."""
        with self._lock:
            return carry_over(self.state.threat_model, model)

    def switch_model(self, name: str) -> ModelBinding:
        """The binding for `/model NAME`; the caller puts it in use.

        Raises:
            LLMConfigError: The model cannot be set up with the settings given.
        """
        return self._binder(name)

    # -- guidance ------------------------------------------------------------------------------

    @property
    def retriever(self) -> Retrieval | None:
        """The guidance search, if any."""
        return self.guidance.retriever

    def search(
        self, query: str, layers: Sequence[Layer] = (), kinds: Sequence[str] = GUIDANCE_KINDS
    ) -> list[GuidancePassage] | None:
        """Search the guidance now (see `Guidance.search`)."""
        return self.guidance.search(query, layers, kinds)

    def update_guidance(self) -> GuidanceRecorded | None:
        """Retrieve and record the guidance the last step asked for; None if nothing new.

        Raises:
            AssistantError: The search failed (once; guidance is then switched off).
        """
        found = self.guidance.fetch()
        if found is None:
            return None
        event = GuidanceRecorded(query=found[0], passages=found[1])
        self._commit([event])
        return event

    # -- review --------------------------------------------------------------------------------

    def review(
        self,
        action: ReviewAction,
        targets: Sequence[str],
        note: str = "",
        *,
        step: Step | None = None,
    ) -> str:
        """Accept, reject (note = reason) or mark needs-info; targets are ids or layers.

        The one review path: keys in the TUI and slash commands record the same events (a slash
        command's own line first, within its `step`).

        Returns:
            The sentence recorded in the transcript, e.g. `Accepted F-001.`.

        Raises:
            ReviewError: Unknown finding, nothing undecided at a layer, a rejection without
                a reason, or no analysis yet.
        """
        with self._lock:
            events = review_events(self.state, action, targets, self._redactor.redact(note))
            if step is None:
                self._commit(events)
            else:
                step.record(events)
        said = events[-1]
        return said.text if isinstance(said, MessageLogged) else ""

    def edit(self, finding_id: str, changes: Mapping[str, Any]) -> Edited:
        """Change a finding's title, scenario, likelihood, impact or mitigations, re-validated.

        Returns:
            Whether it was saved, the validator's issues (errors if not saved, else warnings
            now attached to the finding), and the sentence recorded in the transcript.
        """
        clean = {k: redact_tree(v, self._redactor) for k, v in changes.items()}
        with self._lock:
            events, issues = edit_events(self.state, self.catalogue, finding_id, clean)
            self._commit(events)
        said = events[-1] if events else None
        return Edited(bool(events), issues, said.text if isinstance(said, MessageLogged) else "")
