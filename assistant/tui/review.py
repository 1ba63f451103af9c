"""Review from the UI: open a finding, ask for a reason or an edit, apply the decision.

The decisions themselves are the conversation's (`Conversation.review` and `.edit`); this only
chooses the dialogs, then reports the outcome to the app as a message (`Reviewed` or
`ReviewRefused`), which redraws what changed. Review calls are quick and in memory (plus one
fsync), so they run on the UI thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assistant.errors import AssistantError
from assistant.schema import Issue, Severity
from assistant.session.events import ReviewAction
from assistant.session.text import finding_markdown
from assistant.tui.messages import Reviewed, ReviewRefused
from assistant.tui.screens.finding import EditScreen, FindingScreen, ReasonScreen

if TYPE_CHECKING:
    from textual.app import App

    from assistant.session.conversation import Conversation

ACTIONS: dict[str, ReviewAction] = {
    "accept": "accept",
    "reject": "reject",
    "needs-info": "needs-info",
}


class Reviewer:
    """The review dialogs for one conversation.

    Args:
        conversation: Records the decisions.
        app: Shows the dialogs and receives the outcome messages.
    """

    def __init__(self, conversation: Conversation, app: App[Any]) -> None:
        self.conversation = conversation
        self.app = app

    def open(self, finding_id: str) -> None:
        """Show a finding in full, then apply the action chosen there."""
        state = self.conversation.state
        finding = state.finding(finding_id)
        if finding is None:
            return
        text = finding_markdown(finding, self.conversation.catalogue, state.system)

        def chosen(action: str | None) -> None:
            if action:
                self.review(action, finding_id)

        self.app.push_screen(FindingScreen(finding_id, text), chosen)

    def review(self, action: str, finding_id: str, *, whole_layer: bool = False) -> None:
        """Apply a review action, asking for a reason or an edit first where one is needed."""
        finding = self.conversation.state.finding(finding_id)
        if finding is None:
            return
        target = finding.layer.value if whole_layer else finding.id
        if action == "edit":
            self.edit(finding.id)
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

    def edit(self, finding_id: str) -> None:
        """Open the edit dialog; each save is re-validated and the dialog stays until one passes."""
        finding = self.conversation.state.finding(finding_id)
        if finding is None:
            return

        def save(changes: dict[str, Any]) -> tuple[bool, list[Issue]]:
            try:
                edited = self.conversation.edit(finding_id, changes)
            except AssistantError as exc:
                self.app.post_message(ReviewRefused(exc.message, exc.title))
                return False, [
                    Issue(code="not-saved", severity=Severity.ERROR, message=exc.message)
                ]
            if edited.saved:
                self.app.post_message(Reviewed(edited.said))
            return edited.saved, edited.issues

        self.app.push_screen(EditScreen(finding, save))

    def _decide(self, action: str, target: str, note: str) -> None:
        try:
            said = self.conversation.review(ACTIONS[action], [target], note)
        except AssistantError as exc:
            self.app.post_message(ReviewRefused(exc.message, exc.title))
            return
        self.app.post_message(Reviewed(said))
