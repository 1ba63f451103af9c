"""Review from the UI: open a finding, ask for a reason or an edit, apply the decision.

The decisions themselves are the conversation's (`Conversation.review` and `.edit`); this only
chooses the dialogs and refreshes the views afterwards. Review calls are quick and in memory (plus
one fsync), so they run on the UI thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assistant.errors import AssistantError
from assistant.schema import Issue, Severity
from assistant.session.events import ReviewAction
from assistant.session.text import finding_markdown
from assistant.tui.guards import decision_note
from assistant.tui.screens.finding import EditScreen, FindingScreen, ReasonScreen

if TYPE_CHECKING:
    from assistant.tui.app import MaestroApp

ACTIONS: dict[str, ReviewAction] = {
    "accept": "accept",
    "reject": "reject",
    "needs-info": "needs-info",
}


class Reviewer:
    """The review dialogs of one app."""

    def __init__(self, app: MaestroApp) -> None:
        self.app = app

    def open(self, finding_id: str) -> None:
        """Show a finding in full, then apply the action chosen there."""
        state = self.app.conversation.state
        finding = state.finding(finding_id)
        if finding is None:
            return
        text = finding_markdown(finding, self.app.conversation.catalogue, state.system)

        def chosen(action: str | None) -> None:
            if action:
                self.review(action, finding_id)

        self.app.push_screen(FindingScreen(finding_id, text), chosen)

    def review(self, action: str, finding_id: str, *, whole_layer: bool = False) -> None:
        """Apply a review action, asking for a reason or an edit first where one is needed."""
        conversation = self.app.conversation
        finding = conversation.state.finding(finding_id)
        if finding is None:
            return
        target = finding.layer.value if whole_layer else finding.id
        if action == "edit":

            def edited(saved: bool | None) -> None:
                if saved:
                    self._done(conversation.state.messages[-1].text)

            def save(changes: dict[str, Any]) -> tuple[bool, list[Issue]]:
                try:
                    return conversation.edit(finding.id, changes)
                except AssistantError as exc:
                    self.app.chat.add_note(decision_note(exc.message, exc.title), error=True)
                    return False, [
                        Issue(code="not-saved", severity=Severity.ERROR, message=exc.message)
                    ]

            screen = EditScreen(finding, save)
            self.app.push_screen(screen, edited)
        elif action in ("reject", "needs-info"):
            what = f"every undecided finding at {target}" if whole_layer else target
            prompt = (
                f"Reject {what}: why?" if action == "reject" else f"{what} needs information: what?"
            )

            def reasoned(note: str | None) -> None:
                if note is not None:
                    self._decide(action, target, note)

            self.app.push_screen(ReasonScreen(prompt, required=action == "reject"), reasoned)
        elif action in ACTIONS:
            self._decide(action, target, "")

    def _decide(self, action: str, target: str, note: str) -> None:
        try:
            said = self.app.conversation.review(ACTIONS[action], [target], note)
        except AssistantError as exc:
            # In the transcript, not a pop-up: a decision that was not recorded must be seen.
            self.app.chat.add_note(decision_note(exc.message, exc.title), error=True)
            return
        self._done(said)

    def _done(self, said: str) -> None:
        self.app.chat.add_note(said)
        self.app.show_findings()
        self.app.show_system()
        self.app.show_coverage()
        self.app.notify(said, title="Review")
