"""Fixtures for the TUI tests: apps built by the real factory, with deterministic parts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from assistant.knowledge import Catalogue
from assistant.tui.app import MaestroApp
from assistant.tui.factory import make_app
from assistant.tui.widgets.findings import BURST_SECONDS

AppFactory = Callable[..., MaestroApp]

# litellm keeps HTTP clients (and their event loops) in a TTL cache; when a suite that called it
# ran earlier, their ResourceWarnings fire whenever the cache lets go, often in the middle of a
# UI test, where they say nothing about the UI. The TUI tests pass with them as errors when run
# on their own.
IGNORE_LEAKED_CLIENTS = pytest.mark.filterwarnings("ignore::ResourceWarning")


@pytest.fixture
def app_factory(catalogue: Catalogue) -> AppFactory:
    """`make_app` with the shared catalogue and a fixed session id."""

    def build(**kwargs: Any) -> MaestroApp:
        kwargs.setdefault("session_id", "s-tui")
        return make_app(catalogue=catalogue, **kwargs)

    return build


async def settle(pilot: Pilot[None]) -> None:
    """Wait for every worker (steps, guidance) and for the screen to catch up."""
    await ready(pilot)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def shortcut(pilot: Pilot[None], key: str) -> None:
    """Press a Findings-table shortcut on its own (a key in a burst is typing, not a shortcut)."""
    await pilot.press(key)
    await pilot.pause(BURST_SECONDS + 0.1)


async def ready(pilot: Pilot[None]) -> None:
    """Wait until the transcript is on screen (the app accepts input from then on)."""
    app = pilot.app
    assert isinstance(app, MaestroApp)
    while not app.ready:
        await pilot.pause()


async def send(pilot: Pilot[None], text: str, *, type_it: bool = False) -> None:
    """Send one line through the chat input and wait for its step."""
    app = pilot.app
    assert isinstance(app, MaestroApp)
    await ready(pilot)
    app.chat.input.focus()
    if type_it:
        await pilot.press(*text)
    else:
        app.chat.input.value = text
    await pilot.press("enter")
    await settle(pilot)


def still(app: MaestroApp) -> None:
    """Make the screen deterministic for snapshots: no blinking cursor, no toasts."""
    app.chat.input.cursor_blink = False
    app.clear_notifications()
