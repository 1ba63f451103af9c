"""Corrections from the System tab: keys become the slash commands the user could type.

A key on a fact asks for a correction; this chooses the dialog (a confirmation before a delete, a
new name for a rename) and then submits the command through the chat, exactly as if typed. The
correction is therefore the chat's (`assistant.session.corrections`): the transcript shows the
command and its one-line answer, the journal keeps it, and Up recalls it. Merging and adding a
flow need a second id, so they fill in the command for the user to finish.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from assistant.errors import CorrectionError
from assistant.session.corrections import delete
from assistant.session.facts import NOUNS, SECTIONS, Fact, FactKind, fact_markdown, find
from assistant.tui.messages import LineChosen, LineStarted
from assistant.tui.screens.facts import ConfirmScreen, FactScreen, NameScreen

if TYPE_CHECKING:
    from textual.app import App

    from assistant.session.conversation import Conversation

NEXT_STATE = {True: "off", False: "unknown", None: "on"}
"""Space cycles a capability: on, off, unknown, on again."""
NAMED = ("component", "asset", "entry-point", "boundary")
HINTS: dict[str, str] = {
    "component": "r rename · d delete · m merge · f add a flow from it · Esc closes",
    "capability": "Space cycles on, off, unknown · Esc closes",
    "asset": "r rename · d delete · Esc closes",
    "entry-point": "r rename · d delete · Esc closes",
    "boundary": "r rename · d delete · Esc closes",
    "control": "d delete · /control records another statement · Esc closes",
    "flow": "d delete · Esc closes",
}


class Corrector:
    """The System tab's correction dialogs, for one conversation.

    Args:
        conversation: Whose system model is corrected.
        app: Shows the dialogs and receives the chosen command (`LineChosen`, `LineStarted`).
        busy: Whether a step is running (no dialog opens then: its command would be refused).
    """

    def __init__(self, conversation: Conversation, app: App[Any], busy: Callable[[], bool]) -> None:
        self.conversation = conversation
        self.app = app
        self._busy = busy

    def request(self, action: str, kind: str, fact_id: str) -> None:
        """Carry out a correction asked for with a key (see `CorrectionRequested`)."""
        if action == "open":
            self.open(kind, fact_id)
            return
        if self._busy():
            self._say("Still working on the last step; Esc cancels it.")
            return
        fact = self._fact(kind, fact_id)
        if fact is None:
            self._say("Move to a fact first: this row is a heading.")
            return
        {
            "toggle": self.toggle,
            "rename": self.rename,
            "delete": self.delete,
            "merge": self.merge,
            "flow": self.flow,
        }[action](fact)

    def _fact(self, kind: str, fact_id: str) -> Fact | None:
        if kind not in SECTIONS:
            return None
        return find(self.conversation.state.system, kind, fact_id)

    def _send(self, line: str) -> None:
        self.app.post_message(LineChosen(line))

    def _say(self, text: str) -> None:
        self.app.notify(text, title="System", severity="warning")

    def open(self, kind: str, fact_id: str) -> None:
        """Show a fact with all its evidence, then apply the correction chosen there."""
        fact = self._fact(kind, fact_id)
        if fact is None:
            return
        text = fact_markdown(fact, self.conversation.catalogue.capabilities)

        def chosen(action: str | None) -> None:
            if action:
                self.request(action, kind, fact_id)

        self.app.push_screen(FactScreen(text, HINTS[fact.kind]), chosen)

    def toggle(self, fact: Fact) -> None:
        """Cycle a capability: on, off, unknown."""
        if fact.kind != "capability":
            self._say("Space cycles a capability on, off and unknown; this row is not one.")
            return
        self._send(f"/set {fact.id} {NEXT_STATE[fact.state]}")

    def rename(self, fact: Fact) -> None:
        """Ask for a new name, then rename."""
        if fact.kind not in NAMED:
            self._say(f"{_article(NOUNS[fact.kind]).capitalize()} has no name to change.")
            return

        def named(name: str | None) -> None:
            if name:
                self._send(f"/rename {fact.id} {name}")

        prompt = f"Rename {NOUNS[fact.kind]} {fact.id} (the id stays):"
        self.app.push_screen(NameScreen(prompt, fact.label), named)

    def delete(self, fact: Fact) -> None:
        """Say what a delete would remove, and delete when confirmed."""
        if fact.kind == "capability":
            self._say("A capability is not deleted: Space makes it unknown.")
            return
        try:
            preview = delete(self.conversation.state.system, fact.id)
        except CorrectionError as exc:
            self._say(exc.message)
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._send(f"/delete {fact.id}")

        question = f"Delete {NOUNS[fact.kind]} {fact.id} ({fact.label})?"
        detail = f"If you go ahead: {preview.said.replace('`', '')}"
        self.app.push_screen(ConfirmScreen(question, detail, "Delete"), confirmed)

    def merge(self, fact: Fact) -> None:
        """Fill in `/merge ID into ` for the user to name the component it duplicates."""
        if self._component(fact):
            self.app.post_message(LineStarted(f"/merge {fact.id} into "))

    def flow(self, fact: Fact) -> None:
        """Fill in `/flow ID -> ` for the user to name where the data goes."""
        if self._component(fact):
            self.app.post_message(LineStarted(f"/flow {fact.id} -> "))

    def _component(self, fact: Fact) -> bool:
        kind: FactKind = fact.kind
        if kind != "component":
            self._say(
                f"Only components are merged or linked by flows; this is {_article(NOUNS[kind])}."
            )
        return kind == "component"


def _article(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"
