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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant import safe_text
from assistant.engine.analyze import RulesExtractor, analyze, system_from_description
from assistant.engine.extract import shift_evidence
from assistant.engine.interview import Interview, Question
from assistant.errors import SessionError, StepCancelledError
from assistant.knowledge.catalogue import Catalogue
from assistant.llm.redact import Redactor
from assistant.schema import Issue, Layer, SystemModel
from assistant.session import text as say
from assistant.session.events import (
    AnalysisRecorded,
    Event,
    GuidancePassage,
    GuidanceRecorded,
    InterviewChanged,
    MessageLogged,
    ModelChanged,
    ReviewAction,
    SessionStarted,
    SessionState,
    SystemChanged,
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
from assistant.session.models import ModelBinding, Retrieval, bind_model, rules_binding
from assistant.session.review import carry_over, edit_events, review_events
from assistant.session.updates import (
    Chunk,
    Committed,
    Emit,
    FindingsAdded,
    Notice,
    Progress,
    ignore,
)

Binder = Callable[[str], ModelBinding]
_ANALYSE_WORDS = {"analyse", "analyze", "analyse now", "analyze now", "analysis"}


@dataclass
class _Step:
    emit: Emit
    cancel: threading.Event | None

    def check(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise StepCancelledError(
                "cancelled; nothing from this step was kept", title="Cancelled"
            )

    def progress(self, line: str, fraction: float | None = None) -> None:
        self.check()
        self.emit(Progress(line, fraction))


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
        binder: Builds a binding for `/model NAME` (default: the hybrid engine on that model).
    """

    def __init__(
        self,
        catalogue: Catalogue,
        *,
        binding: ModelBinding | None = None,
        retriever: Retrieval | None = None,
        binder: Binder | None = None,
    ) -> None:
        self.catalogue = catalogue
        self.binding = binding or rules_binding()
        self.guidance = Guidance(retriever)
        self._binder = binder or (lambda name: bind_model(name, retriever=retriever))
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
            self._send(text, _Step(emit, cancel))
        finally:
            self._busy.release()

    def _send(self, text: str, step: _Step) -> None:
        raw = safe_text.clean(text).strip()  # a pasted escape sequence is data, never stored as is
        if not raw:
            return
        before = len(self._redactor.redactions)
        clean = self._redactor.redact(raw)
        fresh = self._redactor.redactions[before:]
        if fresh:
            found = "; ".join(f"{r.label} {r.preview} as {r.placeholder}" for r in fresh)
            step.emit(Notice(f"Replaced before storing or sending: {found}", "Redacted", "warning"))
        user = MessageLogged(role="user", text=clean)
        if clean.startswith("/"):
            self._command(step, user, clean)
        elif clean.lower().strip(" .!") in _ANALYSE_WORDS:
            self._analyse_now(step, user)
        elif not self._described():
            self._describe(step, user, clean)
        elif (pending := self._pending()) is not None:
            self._answer(step, user, clean, pending)
        else:
            self._more_detail(step, user, clean)

    def _reply(self, step: _Step, events: list[Event], reply: str, streamed: bool = False) -> None:
        step.check()
        if not streamed:
            step.emit(Chunk(reply))
        events.append(MessageLogged(role="assistant", text=reply))
        self._commit(events)
        step.emit(Committed(tuple(events)))

    def _pending(self) -> Question | None:
        """The question the user is answering, if one is open."""
        if not self.state.pending:
            return None
        return Interview(self.catalogue).lookup(self.state.pending, self.state.system)

    def _described(self) -> bool:
        system = self.state.system
        return bool(system.components or system.capabilities)

    def _describe(self, step: _Step, user: MessageLogged, text: str) -> None:
        description = f"{self.state.system.description}\n\n{text}".strip()
        step.progress("reading the description")
        system = system_from_description(description, self.binding.extractor)
        self._note_dropped(step)
        events: list[Event] = [user, SystemChanged(system=system)]
        if not (system.components or system.capabilities):
            reply = (
                "I could not pick out any parts of the system yet. Tell me about the agents, "
                "the models they use, their tools and data stores, and who can reach them."
            )
            self._reply(step, events, reply)
            return
        parts = [say.system_summary(system)]
        question = Interview(self.catalogue, asked=list(self.state.asked)).next_question(system)
        if question is None:
            self._finish_interview(step, events, parts, system)
            return
        events.append(InterviewChanged(asked=list(self.state.asked), pending=question.id))
        self.guidance.want(f"{question.text} {question.why}", question.layers)
        parts += [
            "I have some questions to sharpen the analysis. Answer in your own words, `skip` if "
            "you don't know, or `/analyze` whenever you want the findings.",
            say.question_markdown(question, len(self.state.asked) + 1),
        ]
        self._reply(step, events, "\n\n".join(parts))

    def _answer(self, step: _Step, user: MessageLogged, text: str, question: Question) -> None:
        interview = Interview(self.catalogue, asked=list(self.state.asked))
        delta = interview.answer(question, text)
        system = self.state.system.apply(delta)
        # The interview already read the answer with the rules; a model extractor reads it too.
        if not isinstance(self.binding.extractor, RulesExtractor) and not delta.unknowns:
            step.progress("reading the answer")
            system = system.apply(self.binding.extract(text, system, question.text, question.id))
            self._note_dropped(step)
        events: list[Event] = [user]
        if system != self.state.system:
            events.append(SystemChanged(system=system))
        parts = [say.delta_summary(delta, self.state.system)]
        following = interview.next_question(system)
        events.append(
            InterviewChanged(asked=interview.asked, pending=following.id if following else None)
        )
        if following is None:
            self._finish_interview(step, events, parts, system)
            return
        self.guidance.want(f"{following.text} {following.why}", following.layers)
        parts.append(say.question_markdown(following, len(interview.asked) + 1))
        self._reply(step, events, "\n\n".join(parts))

    def _finish_interview(
        self, step: _Step, events: list[Event], parts: list[str], system: SystemModel
    ) -> None:
        parts.append("That was my last question, so here is the analysis.")
        record, summary = self._analysis(step, system)
        events += record
        parts.append(summary)
        self._reply(step, events, "\n\n".join(parts))

    def _more_detail(self, step: _Step, user: MessageLogged, text: str) -> None:
        step.progress("reading the message")
        # The message becomes part of the description, so its facts quote it where it stands.
        before = self.state.system.description
        offset = len(before) + 2 if before else 0
        delta = shift_evidence(self.binding.extract(text, self.state.system), offset)
        self._note_dropped(step)
        described = f"{before}\n\n{text}" if before else text
        system = self.state.system.apply(delta).model_copy(update={"description": described})
        events: list[Event] = [user]
        if system != self.state.system:
            events.append(SystemChanged(system=system))
        reply = say.delta_summary(delta, self.state.system) + " `/analyze` updates the findings."
        self._reply(step, events, reply)

    def _note_dropped(self, step: _Step) -> None:
        """Say how many of the model's facts grounding dropped from the extraction just run."""
        dropped = self.binding.dropped_facts()
        if dropped:
            step.emit(Notice(f"{dropped}.", "Unsupported facts dropped", "warning"))

    def _analyse_now(self, step: _Step, user: MessageLogged) -> None:
        events: list[Event] = [user]
        if not self._described():
            self._reply(step, events, "Describe the system first: there is nothing to analyse yet.")
            return
        record, summary = self._analysis(step, self.state.system)
        events += record
        pending = self._pending()
        if pending is not None:
            summary += "\n\nTo refine it, answer the open question (then `/analyze` again):\n\n"
            summary += say.question_markdown(pending, len(self.state.asked) + 1)
        self._reply(step, events, summary)

    def _analysis(self, step: _Step, system: SystemModel) -> tuple[list[Event], str]:
        b = self.binding
        step.progress(f"analysing with the {b.engine.value} engine", 0.0)
        model = analyze(
            system.description,
            self.catalogue,
            engine=b.engine,
            proposer=b.proposer,
            system=system,
            model_name=b.model,
            progress=step.progress,
        )
        with self._lock:
            model = carry_over(self.state.threat_model, model)
        layers = [x for x in Layer if any(f.layer == x for f in model.findings)]
        for n, layer in enumerate(layers, start=1):
            step.check()
            batch = tuple(f for f in model.findings if f.layer == layer)
            step.emit(FindingsAdded(layer, batch))
            step.emit(
                Progress(f"validated {len(batch)} findings at {layer.value}", n / len(layers))
            )
        top = [f.title for f in model.findings if f.risk.value in ("critical", "high")][:3]
        self.guidance.want(" ".join(top) or system.description[:300], ())
        return [AnalysisRecorded(threat_model=model)], say.analysis_summary(model, b.label)

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

    def review(self, action: ReviewAction, targets: Sequence[str], note: str = "") -> str:
        """Accept, reject (note = reason) or mark needs-info; targets are ids or layers.

        Returns:
            The sentence recorded in the transcript, e.g. `Accepted F-001.`.

        Raises:
            ReviewError: Unknown finding, nothing undecided at a layer, a rejection without
                a reason, or no analysis yet.
        """
        with self._lock:
            events = review_events(self.state, action, targets, self._redactor.redact(note))
            self._commit(events)
        return str(getattr(events[-1], "text", ""))

    def edit(self, finding_id: str, changes: Mapping[str, Any]) -> tuple[bool, list[Issue]]:
        """Change a finding's title, scenario, likelihood, impact or mitigations, re-validated.

        Returns:
            Whether it was saved, and the validator's issues (errors if not saved, else
            warnings now attached to the finding).
        """
        clean = {k: redact_tree(v, self._redactor) for k, v in changes.items()}
        with self._lock:
            events, issues = edit_events(self.state, self.catalogue, finding_id, clean)
            self._commit(events)
        return bool(events), issues

    # -- commands ------------------------------------------------------------------------------

    def _command(self, step: _Step, user: MessageLogged, text: str) -> None:
        from assistant.session.commands import run_command

        run_command(self, step, user, text)
