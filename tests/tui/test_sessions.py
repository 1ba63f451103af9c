"""The saved-session picker, opened from the palette: list, pick, cancel, and nothing saved yet."""

from __future__ import annotations

from textual.widgets import Label, OptionList

from assistant.knowledge import Catalogue
from assistant.session import Conversation
from assistant.tui.app import MaestroApp
from assistant.tui.screens.sessions import SessionsScreen
from assistant.tui.widgets.chat import UserMessage
from tests.session.fakes import DESCRIPTION
from tests.tui.conftest import IGNORE_LEAKED_CLIENTS, AppFactory, send, settle

pytestmark = IGNORE_LEAKED_CLIENTS

SIZE = (120, 40)


def _saved(catalogue: Catalogue, session_id: str, *lines: str) -> None:
    conversation = Conversation(catalogue)
    conversation.start_new(session_id)
    for line in lines:
        conversation.send(line)
    conversation.close()


def _open_from_palette(app: MaestroApp) -> None:
    command = next(c for c in app.get_system_commands(app.screen) if c.title == "Open session")
    command.callback()


def _screen(app: MaestroApp) -> object:
    # A function, not the attribute: mypy would narrow `app.screen` across key presses.
    return app.screen


async def test_the_picker_lists_saved_sessions_and_opens_the_one_picked(
    catalogue: Catalogue, app_factory: AppFactory
) -> None:
    _saved(catalogue, "s-old", DESCRIPTION, "/analyze", "/accept F-001")
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "A support bot that answers from a wiki.")  # saves s-tui too
        _open_from_palette(app)
        await pilot.pause()
        screen = _screen(app)
        assert isinstance(screen, SessionsScreen)
        options = screen.query_one(OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert ids == ["s-tui", "s-old"]  # most recent first
        old = str(options.get_option_at_index(1).prompt)
        assert "s-old" in old and "1 accepted" in old
        await pilot.press("down", "enter")
        await settle(pilot)
        assert not isinstance(_screen(app), SessionsScreen)
        assert app.conversation.state.id == "s-old"
        finding = app.conversation.state.finding("F-001")
        assert finding is not None and finding.status == "accepted"
        # The switch went through the chat as `/open`, like a typed command.
        assert app.chat.input.history[-1] == "/open s-old"


async def test_escape_closes_the_picker_and_keeps_the_session(
    catalogue: Catalogue, app_factory: AppFactory
) -> None:
    _saved(catalogue, "s-old", DESCRIPTION)
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, DESCRIPTION)
        users = len(app.query(UserMessage))
        _open_from_palette(app)
        await pilot.pause()
        assert isinstance(_screen(app), SessionsScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(_screen(app), SessionsScreen)
        assert app.conversation.state.id == "s-tui"
        assert len(app.query(UserMessage)) == users  # nothing was sent
        assert app.running is None


async def test_with_nothing_saved_the_picker_says_so(app_factory: AppFactory) -> None:
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.action_open_session()
        await pilot.pause()
        screen = _screen(app)
        assert isinstance(screen, SessionsScreen)
        assert not screen.query(OptionList)
        said = [str(label.render()) for label in screen.query(Label)]
        assert "No saved sessions yet." in said
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(_screen(app), SessionsScreen)
