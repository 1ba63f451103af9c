"""Ctrl+C in the chat cancels the running step, or says how to quit."""

from __future__ import annotations

from textual.message import Message

from assistant.schema import Engine
from assistant.session.models import ModelBinding
from assistant.tui.messages import StepFailed
from assistant.tui.widgets.chat import NoteMessage
from tests.session.fakes import DESCRIPTION
from tests.tui.conftest import AppFactory, send, settle
from tests.tui.test_flow import _SlowProposer


async def test_ctrl_c_cancels_the_running_step(app_factory: AppFactory) -> None:
    proposer = _SlowProposer()
    app = app_factory(binding=ModelBinding(engine=Engine.LLM, model="slow", proposer=proposer))
    seen: list[Message] = []
    async with app.run_test(size=(100, 30), message_hook=seen.append) as pilot:
        await send(pilot, DESCRIPTION)
        app.chat.input.value = "/analyze"
        await pilot.press("enter")
        while not proposer.started.is_set():
            await pilot.pause()
        await pilot.press("ctrl+c")
        await settle(pilot)
        proposer.release.set()
        (failed,) = [m for m in seen if isinstance(m, StepFailed)]
        assert failed.cancelled
        assert app.running is None and app.is_running


async def test_ctrl_c_with_nothing_running_says_how_to_quit(app_factory: AppFactory) -> None:
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await send(pilot, DESCRIPTION)
        await pilot.press("ctrl+c")
        await settle(pilot)
        assert "Ctrl+Q quits" in str(app.query(NoteMessage).last().render())
        assert app.is_running


async def test_slash_quit_leaves_the_chat(app_factory: AppFactory) -> None:
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await send(pilot, DESCRIPTION)
        app.chat.input.value = "/quit"
        await pilot.press("enter")
        await settle(pilot)
        assert not app.is_running


async def test_a_line_that_only_mentions_quitting_is_sent(app_factory: AppFactory) -> None:
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await send(pilot, "/quit now please")
        await settle(pilot)
        assert app.is_running
