"""What the chat says and asks when something cannot be done, or should not be done silently.

Failed steps, sessions that cannot be saved, and exports that would replace a file.

A failure is a line in the transcript that says what to do, not a pop-up that vanishes, and
the input is left empty (Up brings the failed line back to fix it), so the next thing typed is
never appended to a dead command.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assistant.session.journal import READ_ONLY
from assistant.tui.messages import LineChosen
from assistant.tui.screens.facts import ConfirmScreen

if TYPE_CHECKING:
    from textual.app import App

    from assistant.session.conversation import Conversation
    from assistant.tui.widgets.chat import ChatPane

RETRY = "Press Up to bring the line back, fix it, and send it again."
RELEASE = "Quit the other chat, then resume the session here to make changes."


def failure_note(line: str, message: str, *, title: str = "", cancelled: bool = False) -> str:
    """The transcript line for a step that failed or was cancelled (nothing was kept)."""
    if cancelled:
        return f"Cancelled `{line}`: nothing from it was kept. {RETRY}"
    end = "" if message.endswith((".", "?", "!")) else "."
    return f"Not done: `{line}`: {message}{end} {RELEASE if title == READ_ONLY else RETRY}"


def decision_note(message: str, title: str = "") -> str:
    """The transcript line for a review decision that could not be recorded."""
    end = "" if message.endswith((".", "?", "!")) else "."
    hint = f" {RELEASE}" if title == READ_ONLY else ""
    return f"Not recorded: {message}{end} Nothing was changed.{hint}"


def offer_unsaved(app: App[Any], conversation: Conversation, chat: ChatPane) -> None:
    """When this session cannot be saved, say so now and let the user choose.

    A session held by another process is shown read-only (the transcript says so). A new
    session in a home that cannot be written (read-only, full) would fail on every message, so
    the user is asked at once: continue without saving (clearly shown), or quit.
    """
    reason = conversation.read_only
    if reason is None:
        return
    path = conversation.journal_path
    if path is not None and path.exists():
        return  # resumed while another process holds it: the transcript and header say so

    def chosen(go_on: bool | None) -> None:
        if not go_on:
            app.exit()
            return
        conversation.continue_unsaved()
        app.sub_title = subtitle(conversation)
        chat.add_note(
            "Not saving: this session lives in memory only and is lost when you quit. "
            "`/export` still writes files."
        )

    app.push_screen(
        ConfirmScreen(
            "This session cannot be saved.",
            f"{reason}. Continue without saving, or cancel to quit and fix the directory "
            "(MAESTRO_TM_HOME chooses another).",
            "Continue without saving",
        ),
        chosen,
    )


def subtitle(conversation: Conversation) -> str:
    """The header's subtitle: the engine, and whether this session is saved at all."""
    label = conversation.binding.label
    if conversation.unsaved:
        return f"{label} · NOT SAVED"
    return f"{label} · read-only" if conversation.read_only else label


QUIT_LINES = frozenset({"/quit", "/exit", "/q"})
"""Lines that leave the chat, as Ctrl+Q does (the session is saved as it goes)."""


def quit_line(app: App[Any], line: str) -> bool:
    """Leave the chat on `/quit` (or `/exit`); True when the line was taken care of."""
    if line.strip().lower() not in QUIT_LINES:
        return False
    app.exit()
    return True


def confirm_export(app: App[Any], chat: ChatPane, line: str) -> bool:
    """Ask before `/export` replaces an existing file; True when the line was taken care of.

    Yes sends the line again with `--replace`; no leaves the file alone and says so.
    """
    from assistant.session.slash import export_request

    request = export_request(line)
    if request is None or request.path is None or request.replace:
        return False
    if not request.path.exists():
        return False

    def chosen(replace: bool | None) -> None:
        if replace:
            app.post_message(LineChosen(f"{line} --replace"))
        else:
            chat.add_note(f"Not exported: `{request.path}` was left as it was.")

    chat.input.value = ""
    app.push_screen(
        ConfirmScreen(
            f"Replace {request.path.name}?",
            f"{request.path} already exists. Replacing it cannot be undone.",
            "Replace",
        ),
        chosen,
    )
    return True
