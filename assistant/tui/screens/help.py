"""The help screen: the same commands and keys that `/help` prints."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Markdown

from assistant.session.text import help_markdown


class HelpScreen(ModalScreen[None]):
    """Commands and keys; any of Esc, F1 or q closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q", "dismiss(None)", "Close"),
    ]

    def compose(self) -> ComposeResult:
        """The help text in a scrolling dialog."""
        with Vertical(id="dialog", classes="help-dialog"):
            with VerticalScroll():
                yield Markdown("## MAESTRO Assistant\n\n" + help_markdown())
            yield Label("Esc closes.", classes="hint")
