"""Two chats on one session: the second looks, never writes, and no decision is lost."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from assistant.errors import SessionError
from assistant.knowledge import Catalogue
from assistant.session import Conversation
from assistant.session.journal import journal_path, read_journal, replay_state, sessions_dir
from assistant.session.lock import SessionLock
from tests.conftest import ROOT
from tests.session.fakes import DESCRIPTION, new_conversation

HELD = "session s-lock is open in another process (pid {pid}); opened read-only"


def _analysed(catalogue: Catalogue) -> Conversation:
    chat = new_conversation(catalogue, session_id="s-lock")
    chat.send(DESCRIPTION, "/analyze")
    return chat.conversation


def _statuses() -> dict[str, str]:
    state = replay_state(read_journal(journal_path("s-lock")))
    assert state.threat_model is not None
    return {f.id: f.status.value for f in state.threat_model.findings}


@contextmanager
def _other_process(script: str) -> Iterator[subprocess.Popen[str]]:
    """A real second process running `script` (after `c` opened s-lock), stopped at the end."""
    prelude = (
        "import sys\n"
        "from assistant.knowledge import default_catalogue\n"
        "from assistant.session import Conversation\n"
        "c = Conversation(default_catalogue())\n"
        "c.open('s-lock')\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", prelude + script],
        cwd=ROOT,
        env=dict(os.environ),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as child:
        try:
            yield child
        finally:
            if child.poll() is None:
                child.kill()
            child.wait()


def test_a_second_conversation_in_process_is_read_only(catalogue: Catalogue) -> None:
    first = _analysed(catalogue)
    second = Conversation(catalogue)
    notes = second.open("s-lock")
    assert second.read_only == HELD.format(pid=os.getpid())
    assert any("opened read-only" in n for n in notes)
    before = second.state.finding("F-001")
    with pytest.raises(SessionError, match=r"open in another process \(pid \d+\)"):
        second.review("reject", ["F-001"], "duplicate")
    assert second.state.finding("F-001") == before  # not shown as decided either
    first.review("accept", ["F-001"])
    assert _statuses()["F-001"] == "accepted"
    first.close()
    third = Conversation(catalogue)
    third.open("s-lock")  # the holder let go: this one writes
    assert third.read_only is None
    third.review("reject", ["F-002"], "duplicate")
    assert _statuses() == {**_statuses(), "F-001": "accepted", "F-002": "rejected"}


def test_a_second_process_is_refused_and_named(catalogue: Catalogue) -> None:
    first = _analysed(catalogue)
    script = (
        "print(c.read_only, flush=True)\n"
        "try:\n"
        "    c.review('reject', ['F-001'], 'duplicate')\n"
        "except Exception as exc:\n"
        "    print(type(exc).__name__, exc.message, flush=True)\n"
    )
    with _other_process(script) as child:
        out, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    held = HELD.format(pid=os.getpid())
    assert out.splitlines() == [held, f"SessionError {held}"]
    first.review("accept", ["F-001"])
    first.close()
    assert _statuses()["F-001"] == "accepted"  # the other process wrote nothing


def test_this_process_is_refused_while_another_holds_it(catalogue: Catalogue) -> None:
    first = _analysed(catalogue)
    first.close()
    script = "print(c.read_only, flush=True)\nsys.stdin.readline()\n"
    with _other_process(script) as child:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "None"  # the child holds it
        mine = Conversation(catalogue)
        mine.open("s-lock")
        assert mine.read_only == HELD.format(pid=child.pid)
        with pytest.raises(SessionError, match=f"pid {child.pid}"):
            mine.send("/accept F-001")
        child.kill()  # a holder that dies lets go (the kernel drops its lock)
        child.wait()
    mine.close()
    again = Conversation(catalogue)
    again.open("s-lock")
    assert again.read_only is None
    again.review("accept", ["F-001"])
    assert _statuses()["F-001"] == "accepted"


def test_the_pid_file_names_the_holder_and_goes_with_it(tmp_path: Path) -> None:
    lock = SessionLock(tmp_path / "s-x.jsonl")
    assert lock.acquire() is None
    assert (tmp_path / "s-x.pid").read_text().strip() == str(os.getpid())
    other = SessionLock(tmp_path / "s-x.jsonl")
    assert (
        other.acquire()
        == f"session s-x is open in another process (pid {os.getpid()}); opened read-only"
    )
    lock.release()
    assert not (tmp_path / "s-x.pid").exists()
    assert other.acquire() is None
    other.release()


@pytest.fixture
def unwritable_home() -> Iterator[None]:
    """A home where sessions cannot be saved: read-only, or (for root, who ignores the mode
    bits) with a file where the sessions directory should be."""
    home = Path(os.environ["MAESTRO_TM_HOME"])
    home.mkdir(parents=True)
    home.chmod(0o500)
    if os.access(home, os.W_OK):
        home.chmod(0o700)
        sessions_dir().write_text("not a directory")
    try:
        yield
    finally:
        home.chmod(0o700)


@pytest.mark.usefixtures("unwritable_home")
def test_an_unwritable_home_is_reported_at_start(catalogue: Catalogue) -> None:
    conversation = Conversation(catalogue)
    conversation.start_new("s-ro")
    assert conversation.read_only is not None
    assert "cannot save sessions here" in conversation.read_only
    with pytest.raises(SessionError, match="cannot save sessions here"):
        conversation.send(DESCRIPTION)
    conversation.continue_unsaved()
    conversation.send(DESCRIPTION)  # works, in memory only
    assert conversation.unsaved and conversation.journal_path is None
    assert conversation.state.system.components
    assert not sessions_dir().is_dir()


def test_a_full_home_is_reported_at_start(
    catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(self: SessionLock) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(SessionLock, "_write_pid", full)
    conversation = Conversation(catalogue)
    conversation.start_new("s-full")
    assert conversation.read_only is not None
    assert "No space left on device" in conversation.read_only
    # The failed claim let go of the lock: once there is room, the session can be taken.
    monkeypatch.undo()
    assert SessionLock(journal_path("s-full")).acquire() is None
