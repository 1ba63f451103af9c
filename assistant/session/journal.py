"""The session journal: one JSON line per event, flushed and fsynced, readable after a crash.

Files live in `home_dir()/sessions/<id>.jsonl` (directory 0700, files 0600). Each event is
written with a single `write` of the whole line followed by `fsync`, so killing the process loses
at most the event being written; a torn last line is ignored on reading, with a note. Every
string passes through the secret redactor before it is written, whatever event carries it, so
a key pasted into the chat never reaches the disk.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from assistant.errors import SessionError
from assistant.llm.redact import Redactor
from assistant.llm.redact import (
    redact_tree as redact_tree,
)  # its home before; still imported from here
from assistant.safe_text import clean
from assistant.schema import FindingStatus, utc_now
from assistant.session.events import Event, EventRecord, SessionStarted, SessionState
from assistant.session.lock import SessionLock

READ_ONLY = "Read-only session"
"""The title of the error a write to a session this process may not write raises."""

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")


def sessions_dir() -> Path:
    """Where journals live (not created here)."""
    from assistant.locations import home_dir

    return home_dir() / "sessions"


def new_session_id(now: datetime | None = None) -> str:
    """A sortable, unique id such as `20261125-143012-7f3a`."""
    now = now or utc_now()
    return f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"


def journal_path(session_id: str) -> Path:
    """The journal file of a session id (the id is checked: no paths)."""
    if not _ID.match(session_id):
        raise SessionError(
            f"{session_id!r} is not a session id; `maestro-tm sessions list` shows them"
        )
    return sessions_dir() / f"{session_id}.jsonl"


def clean_tree(value: Any) -> Any:
    """`value` (JSON-ready data) with control characters neutralised in every string."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list):
        return [clean_tree(v) for v in value]
    if isinstance(value, dict):
        return {k: clean_tree(v) for k, v in value.items()}
    return value


def encode(event: Event, redactor: Redactor) -> bytes:
    """One journal line for an event: redacted JSON, with no control characters, and a newline.

    A pasted escape sequence is neutralised here too, so showing the session again (a resume,
    `sessions list`) can never replay it on a terminal.
    """
    data = clean_tree(redact_tree(event.model_dump(mode="json", by_alias=True), redactor))
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


class Journal:
    """An append-only journal file, opened for one session.

    Args:
        path: The journal file.
        redactor: Shared with the conversation so placeholders stay consistent.
        valid_bytes: On reopening, the length of the intact part; anything after it (a torn
            line) is cut off before appending.

    A journal is written only by the process holding its session's lock (`claim`); one that
    could not take it is read-only, and `append` refuses with the reason.
    """

    def __init__(self, path: Path, redactor: Redactor, *, valid_bytes: int | None = None) -> None:
        self.path = path
        self.redactor = redactor
        self._fd: int | None = None
        self._valid_bytes = valid_bytes
        self._lock = SessionLock(path)
        self.read_only: str | None = None
        """Why this process may not write the session, if it may not."""

    def claim(self) -> str | None:
        """Take the session's lock; None when this process may write, else why it may not.

        A session held by another process is opened read-only (the reason names the holder);
        a home where the lock cannot even be created (read-only, full) gives that reason.
        """
        try:
            self.read_only = self._lock.acquire()
        except OSError as exc:
            where = self.path.parent
            self.read_only = f"{where}: cannot save sessions here: {exc.strerror or exc}"
        return self.read_only

    def _open(self) -> int:
        if self._fd is None:
            try:
                self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
                # The mode given to open() is filtered by the umask; make it exact.
                os.fchmod(fd, 0o600)
                if self._valid_bytes is not None and os.fstat(fd).st_size > self._valid_bytes:
                    os.ftruncate(fd, self._valid_bytes)
            except OSError as exc:
                raise SessionError(
                    f"{self.path}: cannot write the session journal: {exc.strerror or exc}"
                ) from None
            self._fd = fd
        return self._fd

    def append(self, events: Sequence[Event]) -> None:
        """Write events durably (one write and one fsync for the batch)."""
        if not events:
            return
        if self.read_only is not None:
            raise SessionError(self.read_only, title=READ_ONLY)
        data = b"".join(encode(e, self.redactor) for e in events)
        fd = self._open()
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        except OSError as exc:
            raise SessionError(
                f"{self.path}: cannot write the session journal: {exc.strerror or exc}"
            ) from None

    def close(self) -> None:
        """Close the file and let go of the session (appending again reopens the file)."""
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None
        self._lock.release()


@dataclass
class Replay:
    """A journal as read back: its events, what was skipped, and the intact length."""

    events: list[Event] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    valid_bytes: int = 0


def read_journal(path: Path) -> Replay:
    """Read a journal, ignoring a torn last line and skipping damaged lines, each with a note.

    Raises:
        SessionError: The file cannot be read or holds no session.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SessionError(
            f"no session {path.stem!r}; `maestro-tm sessions list` shows them"
        ) from None
    except OSError as exc:
        raise SessionError(f"{path}: cannot read: {exc.strerror or exc}") from None
    replay = Replay()
    offset = 0
    for number, (line, complete) in enumerate(_lines(data), start=1):
        end = offset + len(line) + (1 if complete else 0)
        if not complete:
            replay.notes.append(
                f"the last journal line ({len(line)} bytes) was cut off when the program "
                "stopped; it was ignored"
            )
            break
        offset = end
        replay.valid_bytes = end
        if not line.strip():
            continue
        try:
            replay.events.append(EventRecord.model_validate_json(b'{"event":' + line + b"}").event)
        except ValidationError:
            replay.notes.append(f"journal line {number} is damaged and was skipped")
    if not replay.events or not isinstance(replay.events[0], SessionStarted):
        raise SessionError(f"{path}: not a session journal")
    return replay


def _lines(data: bytes) -> Iterator[tuple[bytes, bool]]:
    start = 0
    while start < len(data):
        end = data.find(b"\n", start)
        if end < 0:
            yield data[start:], False
            return
        yield data[start:end], True
        start = end + 1


def replay_state(replay: Replay) -> SessionState:
    """The session state the journal's events add up to."""
    state = SessionState()
    for event in replay.events:
        state.apply(event)
    return state


def find_session(id_or_prefix: str | None) -> Path:
    """The journal of a session id, a unique id prefix, or (None) the most recent session.

    Raises:
        SessionError: No such session, or the prefix is ambiguous.
    """
    folder = sessions_dir()
    paths = (
        sorted(folder.glob("*.jsonl"), key=lambda p: p.stat().st_mtime) if folder.is_dir() else []
    )
    if id_or_prefix is None:
        if not paths:
            raise SessionError(
                "there is no session to resume yet; start one with `maestro-tm chat`"
            )
        return paths[-1]
    exact = journal_path(id_or_prefix)
    if exact.exists():
        return exact
    matches = [p for p in paths if p.stem.startswith(id_or_prefix)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise SessionError(
            f"{id_or_prefix!r} matches {len(matches)} sessions: "
            + ", ".join(p.stem for p in matches[:5])
        )
    raise SessionError(f"no session {id_or_prefix!r}; `maestro-tm sessions list` shows them")


@dataclass(frozen=True)
class SessionSummary:
    """One line of `maestro-tm sessions list`."""

    id: str
    title: str
    created: datetime | None
    updated: datetime
    messages: int
    findings: int
    accepted: int
    rejected: int


def summarize(path: Path) -> SessionSummary:
    """Summarise one journal (replayed, so the counts are the resumed session's)."""
    state = replay_state(read_journal(path))
    findings = state.threat_model.findings if state.threat_model else []
    return SessionSummary(
        id=state.id or path.stem,
        title=state.title,
        created=state.created,
        updated=datetime.fromtimestamp(path.stat().st_mtime).astimezone(),
        messages=sum(1 for m in state.messages if m.role != "note"),
        findings=len(findings),
        accepted=sum(1 for f in findings if f.status == FindingStatus.ACCEPTED),
        rejected=sum(1 for f in findings if f.status == FindingStatus.REJECTED),
    )


def list_sessions() -> tuple[list[SessionSummary], list[str]]:
    """Every session, most recent first, and one line per journal that could not be read."""
    folder = sessions_dir()
    if not folder.is_dir():
        return [], []
    summaries: list[SessionSummary] = []
    problems: list[str] = []
    for path in folder.glob("*.jsonl"):
        try:
            summaries.append(summarize(path))
        except SessionError as exc:
            problems.append(exc.message)
    summaries.sort(key=lambda s: s.updated, reverse=True)
    return summaries, problems
