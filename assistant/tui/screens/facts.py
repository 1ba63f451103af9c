"""System tab modals: a fact with all its evidence, a confirmation, and a new name."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Markdown


class FactScreen(ModalScreen[str | None]):
    """A fact in full; dismisses with the correction chosen there (`rename`, ...) or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "dismiss(None)", "Close"),
        Binding("space", "dismiss('toggle')", "Toggle"),
        Binding("r", "dismiss('rename')", "Rename"),
        Binding("d", "dismiss('delete')", "Delete"),
        Binding("m", "dismiss('merge')", "Merge"),
        Binding("f", "dismiss('flow')", "Flow"),
    ]

    def __init__(self, markdown: str, hint: str) -> None:
        super().__init__()
        self._markdown = markdown
        self._hint = hint

    def compose(self) -> ComposeResult:
        """The fact and its evidence, and which keys correct it."""
        with Vertical(id="dialog", classes="fact-dialog"):
            with VerticalScroll(id="fact-body"):
                yield Markdown(self._markdown)
            yield Label(self._hint, classes="hint")


class ConfirmScreen(ModalScreen[bool]):
    """Asks before a correction that removes facts; dismisses with True to go ahead."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "dismiss(True)", "Yes"),
        Binding("escape,n", "dismiss(False)", "No"),
    ]

    def __init__(self, question: str, detail: str, verb: str) -> None:
        super().__init__()
        self._question = question
        self._detail = detail
        self._verb = verb

    def compose(self) -> ComposeResult:
        """The question, what it would do, and the buttons (Cancel focused)."""
        with Vertical(id="dialog", classes="confirm-dialog"):
            yield Label(self._question, classes="title", markup=False)
            yield Label(self._detail, markup=False)
            with Horizontal(classes="buttons"):
                yield Button(f"y {self._verb}", id="yes", variant="error", compact=True)
                yield Button("n Cancel", id="no", compact=True)

    def on_mount(self) -> None:
        """Enter cancels unless the user moves to the other button: removing is deliberate."""
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class NameScreen(ModalScreen[str | None]):
    """Asks for a new name (prefilled with the old one); dismisses with it, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, prompt: str, name: str) -> None:
        super().__init__()
        self._prompt = prompt
        self._name = name

    def compose(self) -> ComposeResult:
        """A prompt and one input line."""
        with Vertical(id="dialog", classes="reason-dialog"):
            yield Label(self._prompt, markup=False)
            yield Input(self._name, placeholder="new name", id="new-name")
            yield Label("Enter to rename, Esc to cancel.", classes="hint")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        name = " ".join(event.value.split())
        if not name:
            self.notify("Say the new name.", title="Rename", severity="warning")
            return
        self.dismiss(None if name == self._name else name)
