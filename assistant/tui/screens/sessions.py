"""Open a saved session: a list of sessions, most recent first."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from assistant.safe_text import one_line
from assistant.session.journal import SessionSummary


class SessionsScreen(ModalScreen[str | None]):
    """Dismisses with the chosen session id, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, sessions: list[SessionSummary], current: str) -> None:
        super().__init__()
        self._sessions = sessions
        self._current = current

    def compose(self) -> ComposeResult:
        """One option per session."""
        with Vertical(id="dialog", classes="sessions-dialog"):
            yield Label("Open a session (Enter), Esc to cancel")
            options = [
                Option(
                    Text.assemble(
                        (s.id, "bold" if s.id == self._current else ""),
                        f"  {one_line(s.title)[:50]}  ",
                        (
                            f"{s.messages} messages, {s.findings} findings, {s.accepted} accepted",
                            "dim",
                        ),
                    ),
                    id=s.id,
                )
                for s in self._sessions
            ]
            yield OptionList(*options) if options else Label("No saved sessions yet.")

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
