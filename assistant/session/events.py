"""What a chat session records, and the state those records add up to.

A session is event-sourced: every change is an `Event` appended to the journal, and
`SessionState.apply` is the only code that changes a session's state, live or while replaying a
journal. That is why a resumed session is exactly the session that was left: the same events go
through the same function. Model replies are recorded as their results (text, system model,
findings), never re-generated on replay.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.schema import (
    Engine,
    Finding,
    FindingStatus,
    Layer,
    SystemModel,
    ThreatModel,
    utc_now,
)

JOURNAL_VERSION: Literal[1] = 1
Role = Literal["user", "assistant", "note"]
ReviewAction = Literal["accept", "reject", "needs-info", "edit"]


class Event(BaseModel):
    """Base of every journal record: unknown keys are errors, each carries its time (UTC)."""

    model_config = ConfigDict(extra="forbid")

    ts: datetime = Field(default_factory=utc_now)


class SessionStarted(Event):
    """The first record of a journal."""

    type: Literal["session"] = "session"
    id: str
    version: Literal[1] = JOURNAL_VERSION
    engine: Engine = Engine.RULES
    model: str | None = None


class MessageLogged(Event):
    """One chat message: the user's, the assistant's, or a note from the program."""

    type: Literal["message"] = "message"
    role: Role
    text: str


class SystemChanged(Event):
    """The system model after a message changed it (a full snapshot, so replay is exact)."""

    type: Literal["system"] = "system"
    system: SystemModel


class InterviewChanged(Event):
    """Which questions were asked and which one waits for an answer."""

    type: Literal["interview"] = "interview"
    asked: list[str]
    pending: str | None = None


class AnalysisRecorded(Event):
    """A finished analysis: the threat model with its validated findings and coverage."""

    type: Literal["analysis"] = "analysis"
    threat_model: ThreatModel


class ReviewRecorded(Event):
    """A review decision on one or more findings."""

    type: Literal["review"] = "review"
    action: ReviewAction
    finding_ids: list[str]
    note: str = ""
    finding: Finding | None = None
    """For an edit: the finding as saved (already re-validated)."""


class GuidancePassage(BaseModel):
    """A retrieved passage as shown in the Guidance tab."""

    model_config = ConfigDict(extra="forbid")

    id: str
    entry_id: str
    source: str
    text: str
    score: float | None = None


class GuidanceRecorded(Event):
    """The passages retrieved for the last step."""

    type: Literal["guidance"] = "guidance"
    query: str
    passages: list[GuidancePassage]


class ModelChanged(Event):
    """The engine or model changed mid-session (names only: never keys or settings)."""

    type: Literal["model"] = "model"
    engine: Engine
    model: str | None = None


class ExportRecorded(Event):
    """A threat model written to a file."""

    type: Literal["export"] = "export"
    format: str
    path: str


AnyEvent = Annotated[
    SessionStarted
    | MessageLogged
    | SystemChanged
    | InterviewChanged
    | AnalysisRecorded
    | ReviewRecorded
    | GuidanceRecorded
    | ModelChanged
    | ExportRecorded,
    Field(discriminator="type"),
]


class EventRecord(BaseModel):
    """Wrapper used to parse one journal line into the right event class."""

    model_config = ConfigDict(extra="forbid")

    event: AnyEvent


_STATUS = {
    "accept": FindingStatus.ACCEPTED,
    "reject": FindingStatus.REJECTED,
    "needs-info": FindingStatus.NEEDS_INFO,
}


def apply_review(model: ThreatModel, event: ReviewRecorded) -> ThreatModel:
    """The threat model with one review decision applied (unknown ids are left alone)."""
    wanted = set(event.finding_ids)
    findings: list[Finding] = []
    for f in model.findings:
        if f.id not in wanted:
            findings.append(f)
        elif event.action == "edit" and event.finding is not None:
            findings.append(event.finding)
        elif event.action in _STATUS:
            findings.append(
                f.model_copy(update={"status": _STATUS[event.action], "reviewer_note": event.note})
            )
        else:
            findings.append(f)
    return model.model_copy(update={"findings": findings})


@dataclass
class SessionState:
    """Everything a session holds; built only by applying events."""

    id: str = ""
    created: datetime | None = None
    engine: Engine = Engine.RULES
    model: str | None = None
    messages: list[MessageLogged] = field(default_factory=list)
    system: SystemModel = field(default_factory=SystemModel)
    asked: list[str] = field(default_factory=list)
    pending: str | None = None
    threat_model: ThreatModel | None = None
    guidance: GuidanceRecorded | None = None
    exports: list[ExportRecorded] = field(default_factory=list)

    def apply(self, event: Event) -> None:
        """Change the state by one event (the only way it changes)."""
        if isinstance(event, SessionStarted):
            self.id, self.created = event.id, event.ts
            self.engine, self.model = event.engine, event.model
        elif isinstance(event, MessageLogged):
            self.messages.append(event)
        elif isinstance(event, SystemChanged):
            self.system = event.system
        elif isinstance(event, InterviewChanged):
            self.asked, self.pending = list(event.asked), event.pending
        elif isinstance(event, AnalysisRecorded):
            self.threat_model = event.threat_model
        elif isinstance(event, ReviewRecorded):
            if self.threat_model is not None:
                self.threat_model = apply_review(self.threat_model, event)
        elif isinstance(event, GuidanceRecorded):
            self.guidance = event
        elif isinstance(event, ModelChanged):
            self.engine, self.model = event.engine, event.model
        elif isinstance(event, ExportRecorded):
            self.exports.append(event)

    @property
    def described(self) -> bool:
        """Whether the user has described the system yet."""
        return bool(self.system.description.strip())

    @property
    def title(self) -> str:
        """The system's name, else the first line of its description."""
        if self.system.name:
            return self.system.name
        lines = self.system.description.strip().splitlines()
        if not lines:
            return "New session"
        first = lines[0].strip()
        return first if len(first) <= 60 else first[:59].rsplit(" ", 1)[0] + "…"

    def finding(self, finding_id: str) -> Finding | None:
        """A finding of the current threat model by id (case-insensitive)."""
        if self.threat_model is None:
            return None
        wanted = finding_id.strip().upper()
        return next((f for f in self.threat_model.findings if f.id.upper() == wanted), None)

    def findings_at(self, layer: Layer) -> list[Finding]:
        """The findings at one layer."""
        if self.threat_model is None:
            return []
        return [f for f in self.threat_model.findings if f.layer == layer]
