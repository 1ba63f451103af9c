"""Messages between the step worker, the widgets and the app.

Workers never touch the DOM: they post these, and handlers on the app's thread update widgets.
"""

from __future__ import annotations

from textual.message import Message

from assistant.session.updates import Update


class StepUpdate(Message):
    """Something a running step reported (a reply chunk, progress, findings, committed events)."""

    def __init__(self, update: Update) -> None:
        super().__init__()
        self.update = update


class StepFinished(Message):
    """The step completed and its events are committed."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class StepFailed(Message):
    """The step failed or was cancelled; nothing was committed.

    Attributes:
        text: What the user typed (put back in the input).
        title: Notification title.
        message: One sentence for the user.
        cancelled: True when the user cancelled it.
    """

    def __init__(self, text: str, title: str, message: str, *, cancelled: bool = False) -> None:
        super().__init__()
        self.text = text
        self.title = title
        self.message = message
        self.cancelled = cancelled


class ReviewRequested(Message):
    """A review action chosen in the Findings table or the finding modal.

    Attributes:
        action: `open`, `accept`, `reject`, `needs-info` or `edit`.
        finding_id: The finding (for a layer-wide action, any finding at that layer).
        whole_layer: Apply to every undecided finding at the finding's layer.
    """

    def __init__(self, action: str, finding_id: str, *, whole_layer: bool = False) -> None:
        super().__init__()
        self.action = action
        self.finding_id = finding_id
        self.whole_layer = whole_layer


class CorrectionRequested(Message):
    """A correction asked for with a key in the System tab (or the fact's detail view).

    Attributes:
        action: `open`, `toggle`, `rename`, `delete`, `merge` or `flow`.
        kind: The kind of row: a fact kind (`component`, `capability`, ...), or `layer`,
            `section`, `note` or `title` for rows that are not facts.
        fact_id: The fact's id (a capability's name).
    """

    def __init__(self, action: str, kind: str, fact_id: str) -> None:
        super().__init__()
        self.action = action
        self.kind = kind
        self.fact_id = fact_id


class Reviewed(Message):
    """A review decision or an edit was recorded.

    Attributes:
        said: The sentence the transcript keeps for it, e.g. `Accepted F-001.`.
    """

    def __init__(self, said: str) -> None:
        super().__init__()
        self.said = said


class ReviewRefused(Message):
    """A review decision or an edit could not be recorded; nothing was changed.

    Attributes:
        message: One sentence for the user.
        title: The error's title (says, for one, that the session is read-only).
    """

    def __init__(self, message: str, title: str = "") -> None:
        super().__init__()
        self.message = message
        self.title = title


class LineChosen(Message):
    """A dialog chose a command line: send it as if typed (a correction, `--replace`)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class LineStarted(Message):
    """A dialog started a command line for the user to finish (`/merge ID into `)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
