"""The Findings tab: a table of validated findings, filtered by layer, status and risk."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.timer import Timer
from textual.widgets import DataTable, Input, Label, Select

from assistant.safe_text import one_line
from assistant.schema import Finding, FindingStatus, Layer, RiskLevel
from assistant.tui.messages import ReviewRequested

RISK_STYLE = {
    RiskLevel.CRITICAL: "bold red",
    RiskLevel.HIGH: "red",
    RiskLevel.MEDIUM: "yellow",
    RiskLevel.LOW: "green",
}
STATUS_STYLE = {
    FindingStatus.ACCEPTED: ("✓ accepted", "green"),
    FindingStatus.REJECTED: ("✗ rejected", "dim strike"),
    FindingStatus.NEEDS_INFO: ("? needs-info", "yellow"),
    FindingStatus.DRAFT: ("draft", ""),
}
# What a reviewer decides on comes first and compact: the id, the review state and risk in one
# cell, then the title, so an 80-column terminal shows at least 30 characters of every title.
COLUMNS = ("ID", "Risk", "Title", "Layer", "Threat")
STATUS_GLYPH: dict[FindingStatus, str] = {
    FindingStatus.ACCEPTED: "✓",
    FindingStatus.REJECTED: "✗",
    FindingStatus.NEEDS_INFO: "?",
    FindingStatus.DRAFT: "·",
}
RISK_SHORT = {"critical": "crit", "high": "high", "medium": "med", "low": "low"}
THREAT_WIDTH = 14
TITLE_WIDTH = 48
BURST_SECONDS = 0.15
"""A printable key followed by another within this time is typing, never a shortcut."""
SHORTCUTS: dict[str, tuple[str, bool]] = {
    "a": ("accept", False),
    "r": ("reject", False),
    "n": ("needs-info", False),
    "e": ("edit", False),
    "A": ("accept", True),
    "R": ("reject", True),
}


class FindingsTable(DataTable[Text]):
    """The table; keys act on the finding under the cursor.

    Keys typed or pasted in a burst are typing meant for the chat, never review decisions
    (typing `/help` quickly must not open Edit for a finding). Timing alone cannot tell, and
    moving focus cannot either: Textual forwards each key to whatever had focus when the key
    was read, so keys already read still arrive here after focus moves. So the table decides
    itself, key by key and in order, before any binding runs (bindings are checked only after
    a key has bubbled up from the focused widget):

    - `/` starts typing: it and every printable key that still reaches the table go into the
      chat input, which takes focus;
    - any other printable key is held for `BURST_SECONDS`; a second printable key within that
      time makes both typing (into the chat, as above), and a key that stands alone runs its
      shortcut when the time is up. A deliberate single key costs a delay nobody notices.

    The bindings below stay for the footer (and a click on it runs the action at once).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "review('accept')", "Accept"),
        Binding("r", "review('reject')", "Reject"),
        Binding("n", "review('needs-info')", "Needs info"),
        Binding("e", "review('edit')", "Edit"),
        Binding("A", "review('accept', True)", "Accept layer"),
        Binding("R", "review('reject', True)", "Reject layer"),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]
        self._held = ""
        self._held_timer: Timer | None = None
        self._typing = False

    def on_key(self, event: events.Key) -> None:
        """Tell a shortcut from typing (see the class docstring); typing goes to the chat."""
        char = event.character if event.is_printable else None
        if char is None:
            self._typing = False
            return
        event.stop()
        event.prevent_default()
        if self._typing or char == "/" or not self.has_focus:
            # A key read before focus moved to the input still arrives here: it is typing.
            self._to_chat(char)
        elif self._held:
            self._to_chat(char)
        else:
            self._held = char
            self._held_timer = self.set_timer(BURST_SECONDS, self._shortcut)

    def on_focus(self) -> None:
        """Back on the table: keys are shortcuts again."""
        self._typing = False

    def _shortcut(self) -> None:
        char, self._held, self._held_timer = self._held, "", None
        if char in SHORTCUTS and not self._typing and self.has_focus:
            self.action_review(*SHORTCUTS[char])

    def _to_chat(self, char: str) -> None:
        if self._held_timer is not None:
            self._held_timer.stop()
        text, self._held, self._held_timer = self._held + char, "", None
        self._typing = True
        try:
            target = self.app.query_one("#chat-input", Input)
        except NoMatches:
            return
        target.insert_text_at_cursor(text)
        # Focus now, not after a refresh: the next key read goes to the input.
        self.screen.set_focus(target)

    def current_id(self) -> str | None:
        """The id of the finding under the cursor, if any."""
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        return str(key.value) if key.value is not None else None

    def action_review(self, action: str, whole_layer: bool = False) -> None:
        """Ask the app to apply a review action to the current finding (or its layer)."""
        finding_id = self.current_id()
        if finding_id is not None:
            self.post_message(ReviewRequested(action, finding_id, whole_layer=whole_layer))

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(ReviewRequested("open", str(event.row_key.value)))


def _options(values: Iterable[str]) -> list[tuple[str, str]]:
    return [(v, v) for v in values]


class FindingsView(Vertical):
    """Filters over the findings table."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._findings: list[Finding] = []

    def compose(self) -> ComposeResult:
        """Three filters in a row, then the table."""
        with Horizontal(id="filters"):
            yield Select(
                _options(x.value for x in Layer), prompt="layer", compact=True, id="filter-layer"
            )
            yield Select(
                _options(x.value for x in FindingStatus),
                prompt="status",
                compact=True,
                id="filter-status",
            )
            yield Select(
                _options(x.value for x in RiskLevel), prompt="risk", compact=True, id="filter-risk"
            )
        yield Label("No findings yet: describe your system, then /analyze.", id="findings-empty")
        table = FindingsTable(id="findings-table")
        for name in COLUMNS:
            table.add_column(
                name, key=name.lower(), width=THREAT_WIDTH if name == "Threat" else None
            )
        yield table

    @property
    def table(self) -> FindingsTable:
        """The findings table."""
        return self.query_one(FindingsTable)

    def show(self, findings: Iterable[Finding]) -> None:
        """Replace the findings shown (filters kept)."""
        self._findings = list(findings)
        self._fill()

    def add(self, findings: Iterable[Finding]) -> None:
        """Add findings as an analysis validates them."""
        self._findings += list(findings)
        self._fill()

    def clear_findings(self) -> None:
        """Empty the table (a new analysis starts)."""
        self.show([])

    def _wanted(self, finding: Finding) -> bool:
        for select_id, value in (
            ("#filter-layer", finding.layer.value),
            ("#filter-status", finding.status.value),
            ("#filter-risk", finding.risk.value),
        ):
            chosen = self.query_one(select_id, Select).value
            if chosen is not Select.NULL and chosen != value:
                return False
        return True

    def _fill(self) -> None:
        table = self.table
        keep = table.current_id()
        table.clear()
        shown = [f for f in self._findings if self._wanted(f)]
        for f in shown:
            _, style = STATUS_STYLE[f.status]
            decided = Text(f"{STATUS_GLYPH[f.status]} ", style=style)
            decided.append(RISK_SHORT[f.risk.value], style=RISK_STYLE[f.risk])
            table.add_row(
                Text(f.id),
                decided,
                Text(one_line(f.title), overflow="ellipsis", no_wrap=True, style=style),
                Text(f.layer.value),
                Text(one_line(f.threat_id), overflow="ellipsis", no_wrap=True),
                key=f.id,
            )
        if keep is not None and keep in {f.id for f in shown}:
            table.move_cursor(row=table.get_row_index(keep), animate=False)
        empty = self.query_one("#findings-empty", Label)
        empty.display = not shown
        if self._findings and not shown:
            empty.update("No findings match the filters.")
        elif not self._findings:
            empty.update("No findings yet: describe your system, then /analyze.")

    @on(Select.Changed)
    def _filter(self, event: Select.Changed) -> None:
        event.stop()
        self._fill()
