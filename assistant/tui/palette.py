"""The command palette's own commands, and the saved-session picker one of them opens.

Each command is a line for the chat: sent as if typed, or put in the input for the user to
finish. The app passes in how to do either, so the palette never reaches into it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Literal

from textual.app import SystemCommand

if TYPE_CHECKING:
    from textual.app import App

Line = Callable[[str], None]

# (title, help, send or fill in, line); None as the line: the session picker.
COMMANDS: tuple[tuple[str, str, Literal["send", "fill"], str | None], ...] = (
    ("Analyse now", "Analyse the system with what is known so far", "send", "/analyze"),
    (
        "Export threat model",
        "Fill in /export: format md, json, otm or csv, then a path",
        "fill",
        "/export md threat-model.md",
    ),
    ("Switch model", "Fill in /model: a litellm model string, or rules", "fill", "/model "),
    ("New session", "Start a new session (this one stays saved)", "send", "/new"),
    ("Open session", "Continue a saved session", "send", None),
    (
        "Show rejected proposals",
        "What the validator refused, with its reasons",
        "send",
        "/rejected",
    ),
    (
        "Show the system model",
        "Every fact with its evidence and id, in the chat (/system)",
        "send",
        "/system",
    ),
)


def palette_commands(
    submit: Line, prefill: Line, open_session: Callable[[], None]
) -> Iterator[SystemCommand]:
    """The app's commands, in palette order: analyse, export, switch model, sessions, views.

    Args:
        submit: Sends a line as if typed.
        prefill: Puts a line in the input for the user to finish.
        open_session: Opens the saved-session picker.
    """
    for title, help_text, how, line in COMMANDS:
        if line is None:
            yield SystemCommand(title, help_text, open_session)
        else:
            act = submit if how == "send" else prefill
            yield SystemCommand(title, help_text, lambda act=act, line=line: act(line))


def choose_session(app: App[Any], current: str, submit: Line) -> None:
    """List the saved sessions (most recent first); the one picked is opened with `/open`."""
    from assistant.session.journal import list_sessions
    from assistant.tui.screens.sessions import SessionsScreen

    sessions, _ = list_sessions()

    def chosen(session_id: str | None) -> None:
        if session_id:
            submit(f"/open {session_id}")

    app.push_screen(SessionsScreen(sessions, current), chosen)
