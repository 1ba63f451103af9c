"""Errors in the chat: said in the transcript with what to do, input left clean, nothing lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.knowledge import Catalogue
from assistant.schema import FindingStatus
from assistant.session import Conversation
from assistant.session.journal import journal_path, sessions_dir
from assistant.tui.app import MaestroApp
from assistant.tui.factory import make_app
from assistant.tui.screens.facts import ConfirmScreen
from assistant.tui.screens.finding import EditScreen, ReasonScreen
from assistant.tui.widgets.chat import NoteMessage
from assistant.tui.widgets.findings import FindingsTable
from tests.session.fakes import DESCRIPTION, new_conversation
from tests.tui.conftest import send, settle, shortcut

SIZE = (120, 40)


def _app(catalogue: Catalogue, **kwargs: object) -> MaestroApp:
    kwargs.setdefault("session_id", "s-errors")
    return make_app(catalogue=catalogue, **kwargs)  # type: ignore[arg-type]


def _last_note(app: MaestroApp) -> NoteMessage:
    return app.query(NoteMessage).last()


def _screen(app: MaestroApp) -> object:
    return app.screen


async def test_a_failed_export_is_a_transcript_line_and_the_input_is_clean(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    app = _app(catalogue)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, DESCRIPTION)
        await send(pilot, "/analyze")
        line = f"/export md {tmp_path / 'missing' / 'tm.md'}"
        await send(pilot, line)
        note = _last_note(app)
        text = str(note.render())
        assert note.has_class("-error") and text.startswith(f"Not done: `{line}`")
        assert "Press Up" in text
        assert app.chat.input.value == ""
        assert not any("Error" in n.title for n in app._notifications)
        await pilot.press(*"next")
        assert app.chat.input.value == "next"  # never appended to the failed command


async def test_a_refused_decision_is_a_transcript_line(catalogue: Catalogue) -> None:
    holder = new_conversation(catalogue, session_id="s-held")
    holder.send(DESCRIPTION, "/analyze")  # this conversation holds the session
    app = _app(catalogue, resume="s-held")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "opened read-only" in app.conversation.state.messages[-1].text
        assert app.sub_title.endswith("read-only")
        await send(pilot, "/reject F-001 duplicate")
        text = str(_last_note(app).render())
        assert "open in another process" in text and "opened read-only" in text
        assert "Quit the other chat" in text  # what to do, not "fix it"
        assert app.chat.input.value == ""
        await pilot.press("f3")
        await shortcut(pilot, "a")
        text = str(_last_note(app).render())
        assert text.startswith("Not recorded: session s-held is open in another process")
    holder.conversation.review("accept", ["F-002"])
    holder.conversation.close()
    resumed = Conversation(catalogue)
    resumed.open("s-held")
    finding = resumed.state.finding("F-002")
    assert finding is not None and finding.status == FindingStatus.ACCEPTED


@pytest.fixture
def unwritable_home() -> None:
    home = sessions_dir().parent
    home.mkdir(parents=True)
    sessions_dir().write_text("not a directory")  # root ignores read-only modes; this fails too


@pytest.mark.usefixtures("unwritable_home")
async def test_an_unwritable_home_offers_to_continue_without_saving(catalogue: Catalogue) -> None:
    app = _app(catalogue)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(_screen(app), ConfirmScreen)
        await pilot.click("#yes")
        await pilot.pause()
        assert app.conversation.unsaved and app.sub_title.endswith("NOT SAVED")
        assert "Not saving" in str(_last_note(app).render())
        await send(pilot, DESCRIPTION)
        assert app.conversation.state.system.components  # works, in memory
        assert not sessions_dir().is_dir()


@pytest.mark.usefixtures("unwritable_home")
async def test_an_unwritable_home_can_be_declined(catalogue: Catalogue) -> None:
    app = _app(catalogue)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(_screen(app), ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
    assert app.return_code == 0 and not app.conversation.unsaved


async def test_export_without_a_path_writes_nothing_and_asks(
    catalogue: Catalogue, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    chat = new_conversation(catalogue)
    reply = chat.send(DESCRIPTION, "/analyze", "/export md")
    assert reply.startswith("Where to?") and str(tmp_path / "threat-model.md") in reply
    assert not list(tmp_path.glob("*.md"))


async def test_export_asks_before_replacing_a_file(catalogue: Catalogue, tmp_path: Path) -> None:
    target = tmp_path / "tm.md"
    target.write_text("mine")
    app = _app(catalogue)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, DESCRIPTION)
        await send(pilot, "/analyze")
        await send(pilot, f"/export md {target}")
        assert isinstance(_screen(app), ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert target.read_text() == "mine"
        assert "left as it was" in str(_last_note(app).render())
        await send(pilot, f"/export md {target}")
        await pilot.press("y")
        await settle(pilot)
        assert target.read_text().startswith("# Threat model")
    # Headless (no dialog), an existing file is never replaced without `--replace`.
    target.write_text("mine")
    chat = new_conversation(catalogue, session_id="s-headless")
    reply = chat.send(DESCRIPTION, "/analyze", f"/export md {target}")
    assert "already exists" in reply and target.read_text() == "mine"


async def test_typing_fast_on_the_findings_table_goes_to_the_chat(catalogue: Catalogue) -> None:
    app = _app(catalogue)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, DESCRIPTION)
        await send(pilot, "/analyze")
        model = app.conversation.state.threat_model
        assert model is not None
        before = [f.status for f in model.findings]
        await pilot.press("f3")
        assert isinstance(app.focused, FindingsTable)
        await pilot.press("slash", *"help")  # a burst: never Edit for F-001
        await pilot.pause(0.3)
        assert not isinstance(_screen(app), (EditScreen, ReasonScreen))
        assert app.chat.input.value == "/help"
        app.chat.input.value = ""
        await pilot.press("f3", *"are")  # letters in a burst: typing, not accept/reject/edit
        await pilot.pause(0.3)
        assert not isinstance(_screen(app), (EditScreen, ReasonScreen))
        assert app.chat.input.value == "are"
        model = app.conversation.state.threat_model
        assert model is not None and [f.status for f in model.findings] == before


def test_the_resume_notice_is_made_of_sentences(catalogue: Catalogue) -> None:
    chat = new_conversation(catalogue, session_id="s-notice")
    chat.send(DESCRIPTION)
    chat.conversation.close()
    with open(journal_path("s-notice"), "ab") as fh:
        fh.write(b'{"ts":"2026-01-01T00:00:00Z","type":"message","ro')
    resumed = Conversation(catalogue)
    resumed.open("s-notice")
    note = resumed.state.messages[-1].text
    assert ". The last journal line" in note and note.endswith("was ignored.")
