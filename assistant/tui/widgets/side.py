"""The side panel: the System, Findings, Guidance and Coverage tabs, drawn from a session's state.

The panel knows nothing of the app: it is fed the state (`show`) and, while an analysis streams,
its findings (`stream`). Which tabs a set of committed events touches is decided here too
(`parts_for`), so the app only passes the events on.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

from textual.app import ComposeResult
from textual.widgets import TabbedContent, TabPane

from assistant.session.events import (
    AnalysisRecorded,
    Event,
    GuidanceRecorded,
    ReviewRecorded,
    SystemChanged,
)
from assistant.tui.widgets.findings import FindingsView
from assistant.tui.widgets.info import MarkdownTab, coverage_markdown, guidance_markdown
from assistant.tui.widgets.system import SystemTable

if TYPE_CHECKING:
    from assistant.schema import Finding
    from assistant.session.events import SessionState

Part = Literal["system", "findings", "guidance", "coverage"]
EVERY_PART: tuple[Part, ...] = ("system", "findings", "guidance", "coverage")
REVIEWED: tuple[Part, ...] = ("system", "findings", "coverage")
"""What a review decision or an edit changes: statuses, the system's coverage, the table."""

# The tab's focusable content, for `focus_tab`; the other tabs are read, not driven.
_FOCUS = {"system": "#system-table", "findings": "#findings-table"}


def parts_for(events: Iterable[Event]) -> set[Part]:
    """The tabs that committed events make stale."""
    kinds = {type(e) for e in events}
    parts: set[Part] = set()
    if kinds & {SystemChanged, AnalysisRecorded, ReviewRecorded}:
        parts.add("system")
    if kinds & {AnalysisRecorded, ReviewRecorded}:
        parts.update(("findings", "coverage"))
    if GuidanceRecorded in kinds:
        parts.add("guidance")
    return parts


class SidePanel(TabbedContent):
    """The four tabs beside the chat.

    Args:
        vocabulary: The catalogue's capability names (the System tab lists each one).
        guidance_available: Whether guidance search is on (the Guidance tab says so if not).
    """

    def __init__(
        self, vocabulary: Iterable[str], *, guidance_available: bool, id: str = "side"
    ) -> None:
        super().__init__(id=id, initial="tab-system")
        self._vocabulary = tuple(vocabulary)
        self._guidance_available = guidance_available

    def compose(self) -> ComposeResult:
        """The tabs, System first."""
        for pane in (
            TabPane("System", SystemTable(id="system-table"), id="tab-system"),
            TabPane("Findings", FindingsView(id="findings"), id="tab-findings"),
            TabPane("Guidance", MarkdownTab("", id="guidance"), id="tab-guidance"),
            TabPane("Coverage", MarkdownTab("", id="coverage"), id="tab-coverage"),
        ):
            self.compose_add_child(pane)
        yield from super().compose()

    # `show`, not `refresh`: `Widget.refresh` is Textual's own repaint request.
    def show(self, state: SessionState, parts: Iterable[Part] = EVERY_PART) -> None:
        """Redraw the given tabs (default: all of them) from the session's state."""
        wanted = set(parts)
        if "system" in wanted:
            self.query_one(SystemTable).show(
                state.title, state.system, state.threat_model, self._vocabulary
            )
        if "findings" in wanted:
            model = state.threat_model
            self.query_one(FindingsView).show(model.findings if model else [])
        if "guidance" in wanted:
            text = guidance_markdown(state.guidance, self._guidance_available)
            self.query_one("#guidance", MarkdownTab).show(text)
        if "coverage" in wanted:
            text = coverage_markdown(state.threat_model)
            self.query_one("#coverage", MarkdownTab).show(text)

    def stream(self, findings: Iterable[Finding], *, first: bool) -> None:
        """Show findings as an analysis proposes them; the first batch replaces the table."""
        view = self.query_one(FindingsView)
        if first:
            view.clear_findings()
            self.focus_tab("findings", focus=False)
        view.add(findings)

    def focus_tab(self, name: str, *, focus: bool = True) -> None:
        """Switch to a tab by name (`system`, `findings`, ...) and focus its content."""
        self.active = f"tab-{name}"
        target = _FOCUS.get(name)
        if focus and target:
            self.query_one(target).focus()
