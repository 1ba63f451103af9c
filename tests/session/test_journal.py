"""The session journal: durable, private, secret-free, and replayed to the exact state."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.errors import SessionError
from assistant.knowledge import Catalogue
from assistant.session import Conversation
from assistant.session.events import SessionState
from assistant.session.journal import (
    find_session,
    list_sessions,
    read_journal,
    replay_state,
    sessions_dir,
)
from tests.conftest import ROOT
from tests.session.fakes import DESCRIPTION, Driver, FakeRetriever, new_conversation

SECRETS = {
    "openai": "sk-proj-" + "Zq9Xw8Vu7Ts6Rq5Po4Nm" * 2,
    "aws": "AKIA" + "ABCDEFGHIJKLMNOP",
    "github": "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
    "password": "hunter2hunter2",
}


def _comparable(state: SessionState) -> dict[str, object]:
    return {
        "id": state.id,
        "messages": [(m.role, m.text) for m in state.messages],
        "system": state.system,
        "asked": state.asked,
        "pending": state.pending,
        "threat_model": state.threat_model,
        "guidance": state.guidance,
        "exports": state.exports,
        "engine": state.engine,
    }


@pytest.fixture
def session(catalogue: Catalogue, tmp_path: Path) -> Driver:
    chat = new_conversation(catalogue, "s-journal", retriever=FakeRetriever())
    chat.send(DESCRIPTION, "yes", "skip")
    chat.conversation.update_guidance()
    chat.send("/analyze")
    chat.conversation.review("accept", ["F-001"])
    chat.conversation.review("reject", ["F-002"], "out of scope")
    chat.conversation.edit("F-003", {"likelihood": "likely"})
    chat.send(f"/export csv {tmp_path / 'out.csv'}")
    return chat


def test_replay_restores_the_exact_state(session: Driver, catalogue: Catalogue) -> None:
    live = session.conversation.state
    resumed = Conversation(catalogue)
    resumed.open("s-journal")
    state = resumed.state
    # The resume adds its own note (and records the engine); everything before is identical.
    assert (
        state.messages[-1].role == "note" and "Resumed session s-journal" in state.messages[-1].text
    )
    state.messages.pop()
    assert _comparable(state) == _comparable(live)


def test_resume_continues_the_interview_and_the_journal(
    session: Driver, catalogue: Catalogue
) -> None:
    pending = session.conversation.state.pending
    session.conversation.close()  # one process at a time writes a session
    resumed = Conversation(catalogue)
    resumed.open("s-journal")
    assert resumed.state.pending == pending
    resumed.send("no")
    resumed.close()
    again = Conversation(catalogue)
    again.open(None)  # the most recent session
    assert [m.text for m in again.state.messages if m.role == "user"][-1] == "no"


def test_files_are_private(session: Driver) -> None:
    path = session.conversation.journal_path
    assert path is not None
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(sessions_dir().stat().st_mode) == 0o700


def test_every_line_is_one_json_event(session: Driver) -> None:
    path = session.conversation.journal_path
    assert path is not None
    lines = path.read_bytes().split(b"\n")
    assert lines[-1] == b""  # ends with a newline: nothing half-written
    types = [json.loads(line)["type"] for line in lines[:-1]]
    assert types[0] == "session"
    assert {"message", "system", "interview", "analysis", "review", "guidance", "export"} <= set(
        types
    )


def test_a_torn_last_line_is_ignored_with_a_note(session: Driver, catalogue: Catalogue) -> None:
    path = session.conversation.journal_path
    assert path is not None
    intact = path.read_bytes()
    with open(path, "ab") as fh:
        fh.write(b'{"ts":"2026-01-01T00:00:00Z","type":"message","role":"user","te')
    replay = read_journal(path)
    assert replay.valid_bytes == len(intact)
    assert any("cut off" in note for note in replay.notes)
    session.conversation.close()
    resumed = Conversation(catalogue)
    notes = resumed.open("s-journal")
    assert any("cut off" in note for note in notes)
    resumed.send("yes")
    # Appending cut the torn tail first: the journal is whole again.
    again = read_journal(path)
    assert not again.notes
    assert again.events[-1].model_dump()["role"] == "assistant"


def test_a_damaged_line_is_skipped_with_a_note(session: Driver) -> None:
    path = session.conversation.journal_path
    assert path is not None
    lines = path.read_bytes().split(b"\n")
    lines[2] = b'{"type": "nonsense"}'
    path.write_bytes(b"\n".join(lines))
    replay = read_journal(path)
    assert any("line 3 is damaged" in note for note in replay.notes)


def test_not_a_journal(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text('{"ts":"2026-01-01T00:00:00Z","type":"message","role":"user","text":"hi"}\n')
    with pytest.raises(SessionError, match="not a session journal"):
        read_journal(path)


def test_no_secret_reaches_the_disk(catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRETS["openai"])
    chat = new_conversation(catalogue, "s-secrets")
    chat.send(
        f"{DESCRIPTION} It signs in with {SECRETS['aws']} and {SECRETS['github']}.",
        f"yes, and the database password={SECRETS['password']}",
        "/analyze",
    )
    chat.conversation.review("reject", ["F-001"], f"uses {SECRETS['openai']}")
    chat.conversation.edit(
        "F-002", {"scenario": f"A leaked token {SECRETS['github']} is replayed."}
    )
    path = chat.conversation.journal_path
    assert path is not None
    data = path.read_text(encoding="utf-8")
    for name, secret in SECRETS.items():
        assert secret not in data, name
    assert "[REDACTED:" in data


def test_kill_9_loses_nothing_that_was_answered(tmp_path: Path, catalogue: Catalogue) -> None:
    script = (
        "import sys\n"
        "from assistant.knowledge import default_catalogue\n"
        "from assistant.session import Conversation\n"
        "c = Conversation(default_catalogue()); c.start_new('s-killed')\n"
        f"for line in [{DESCRIPTION!r}, 'yes', 'skip', '/analyze', '/accept F-001']:\n"
        "    c.send(line); print('sent', flush=True)\n"
        "print('ready', flush=True)\n"
        "sys.stdin.read()\n"
    )
    env = {**os.environ, "MAESTRO_TM_HOME": os.environ["MAESTRO_TM_HOME"]}
    with subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as child:
        assert child.stdout is not None
        while child.stdout.readline().strip() not in {"ready", ""}:
            pass
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert child.returncode == -signal.SIGKILL
    resumed = Conversation(catalogue)
    resumed.open("s-killed")
    texts = [m.text for m in resumed.state.messages if m.role == "user"]
    assert texts == [DESCRIPTION, "yes", "skip", "/analyze", "/accept F-001"]
    assert resumed.state.finding("F-001").status.value == "accepted"  # type: ignore[union-attr]


def test_find_session(session: Driver) -> None:
    assert find_session("s-jour").stem == "s-journal"
    assert find_session(None).stem == "s-journal"
    with pytest.raises(SessionError, match="no session"):
        find_session("zzz")
    with pytest.raises(SessionError, match="not a session id"):
        find_session("../etc/passwd")


def test_list_sessions_and_the_cli(session: Driver) -> None:
    sessions, problems = list_sessions()
    assert not problems
    (summary,) = sessions
    assert summary.id == "s-journal"
    assert summary.title.startswith("An expense agent")
    assert summary.findings > 0 and summary.accepted == 1 and summary.rejected == 1
    assert summary.messages == len(
        [
            m
            for m in replay_state(read_journal(find_session("s-journal"))).messages
            if m.role != "note"
        ]
    )
    from assistant.commands.chat import sessions_group

    result = CliRunner().invoke(sessions_group, ["list"])
    assert result.exit_code == 0, result.output
    assert "s-journal" in result.output and "An expense agent" in result.output
    rows = json.loads(CliRunner().invoke(sessions_group, ["list", "--json"]).output)
    assert rows[0]["accepted"] == 1


def test_list_sessions_when_there_are_none() -> None:
    from assistant.commands.chat import sessions_group

    assert list_sessions() == ([], [])
    result = CliRunner().invoke(sessions_group, ["list"])
    assert result.exit_code == 0
