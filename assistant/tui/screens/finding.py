"""Review modals: a finding in full, the reason for a decision, and the edit form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Markdown, Select, TextArea

from assistant.safe_text import clean
from assistant.schema import Finding, Impact, Issue, Likelihood, MitigationRef

SaveEdit = Callable[[dict[str, Any]], tuple[bool, list[Issue]]]


class FindingScreen(ModalScreen[str | None]):
    """A finding in full; dismisses with the chosen action (`accept`, `reject`, ...) or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Close"),
        Binding("a", "dismiss('accept')", "Accept"),
        Binding("r", "dismiss('reject')", "Reject"),
        Binding("n", "dismiss('needs-info')", "Needs info"),
        Binding("e", "dismiss('edit')", "Edit"),
    ]

    def __init__(self, finding_id: str, markdown: str) -> None:
        super().__init__()
        self.finding_id = finding_id
        self._markdown = clean(markdown)

    def compose(self) -> ComposeResult:
        """The details, then one button per action."""
        with Vertical(id="dialog", classes="finding-dialog"):
            with VerticalScroll(id="finding-body"):
                yield Markdown(self._markdown)
            with Horizontal(classes="buttons"):
                yield Button("a Accept", id="accept", variant="success", compact=True)
                yield Button("r Reject", id="reject", variant="error", compact=True)
                yield Button("n Needs info", id="needs-info", variant="warning", compact=True)
                yield Button("e Edit", id="edit", compact=True)
                yield Button("Esc Close", id="close", compact=True)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None if event.button.id == "close" else event.button.id)


class ReasonScreen(ModalScreen[str | None]):
    """Asks for a reason or note; dismisses with the text, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, prompt: str, *, required: bool) -> None:
        super().__init__()
        self._prompt = prompt
        self._required = required

    def compose(self) -> ComposeResult:
        """A prompt and one input line."""
        with Vertical(id="dialog", classes="reason-dialog"):
            yield Label(self._prompt)
            yield Input(placeholder="reason" if self._required else "note (optional)")
            yield Label("Enter to confirm, Esc to cancel.", classes="hint")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if self._required and not text:
            self.notify("A reason is required.", title="Reason", severity="warning")
            return
        self.dismiss(text)


class EditScreen(ModalScreen[bool]):
    """Edit title, scenario, likelihood, impact and mitigations; saved only if it re-validates."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(False)", "Cancel"),
        Binding("ctrl+s", "save", "Save"),
    ]

    def __init__(self, finding: Finding, save: SaveEdit) -> None:
        super().__init__()
        self.finding = finding
        self._save = save

    def compose(self) -> ComposeResult:
        """One field per editable value, the validator's issues, and the buttons."""
        f = self.finding
        mitigations = "\n".join(f"{m.id}: {m.text}".rstrip(": ") for m in f.mitigations)
        with Vertical(id="dialog", classes="edit-dialog"):
            yield Label(f"Edit {f.id} ({f.threat_id}, {f.layer.value})", classes="title")
            yield Label("Title")
            yield Input(f.title, id="edit-title", compact=True)
            yield Label("Scenario")
            yield TextArea(f.scenario, id="edit-scenario", soft_wrap=True, compact=True)
            yield Label("Likelihood and impact (risk follows from the matrix)")
            with Horizontal(classes="risk-row"):
                yield Select(
                    [(x.value, x.value) for x in Likelihood],
                    value=f.likelihood.value,
                    allow_blank=False,
                    id="edit-likelihood",
                )
                yield Select(
                    [(x.value, x.value) for x in Impact],
                    value=f.impact.value,
                    allow_blank=False,
                    id="edit-impact",
                )
            yield Label("Mitigations, one per line: ID: how it applies")
            yield TextArea(mitigations, id="edit-mitigations", compact=True)
            yield Label("", id="edit-issues", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Ctrl+S Save", id="save", variant="primary", compact=True)
                yield Button("Esc Cancel", id="cancel", compact=True)

    def changes(self) -> dict[str, Any]:
        """The form's values in the shape `Conversation.edit` takes."""
        mitigations = []
        for line in self.query_one("#edit-mitigations", TextArea).text.splitlines():
            ident, _, how = line.partition(":")
            if ident.strip():
                mitigations.append(MitigationRef(id=ident.strip(), text=how.strip()).model_dump())
        return {
            "title": self.query_one("#edit-title", Input).value.strip(),
            "scenario": self.query_one("#edit-scenario", TextArea).text.strip(),
            "likelihood": self.query_one("#edit-likelihood", Select).value,
            "impact": self.query_one("#edit-impact", Select).value,
            "mitigations": mitigations,
        }

    def action_save(self) -> None:
        """Re-validate and save, or show why not."""
        saved, issues = self._save(self.changes())
        if saved:
            self.dismiss(True)
            return
        text = "\n".join(f"✗ {i.code}: {i.message}" for i in issues)
        self.query_one("#edit-issues", Label).update(f"Not saved, the validator says:\n{text}")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.dismiss(False)
