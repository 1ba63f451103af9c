"""The System tab: every fact of the system model with its evidence, correctable with keys.

Rows go layer by layer (each layer marked with its coverage, its components under it), then the
capabilities (all of the catalogue's, so an unknown one can be settled too), controls, entry
points, assets, flows and trust boundaries, then open questions and assumptions. The keys only
ask for a correction (`CorrectionRequested`); the app turns it into the same slash command the
user could type, so the transcript and the journal record it like any other.

Columns follow the width: fact and evidence in the narrow panel of an 80-column terminal (where
the evidence column says where each fact comes from: quoted, answered, corrected, assumed), the
words of the evidence when there is room, and the id as well when the panel is wide (zoomed, or
a wide terminal). Enter shows every piece of evidence in full.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.binding import Binding, BindingType
from textual.widgets import DataTable
from textual.widgets.data_table import RowDoesNotExist

from assistant.safe_text import clean
from assistant.schema import (
    LAYER_NAMES,
    CoverageStatus,
    Evidence,
    EvidenceKind,
    Layer,
    SystemModel,
    ThreatModel,
)
from assistant.session.facts import (
    SECTIONS,
    Fact,
    FactKind,
    component_fact,
    evidence_line,
    evidence_tag,
    facts,
    focus,
)
from assistant.tui.messages import CorrectionRequested

# Marker and style per coverage state; "not analysed" until the first analysis.
MARKERS: dict[CoverageStatus | None, tuple[str, str]] = {
    CoverageStatus.COVERED: ("●", "green"),
    CoverageStatus.NOT_APPLICABLE: ("⊘", "dim"),
    CoverageStatus.UNKNOWN: ("○", "yellow"),
    None: ("·", "dim"),
}
STATE_MARKS: dict[bool | None, tuple[str, str]] = {
    True: ("✓", "green"),
    False: ("✗", "red"),
    None: ("?", "dim"),
}
EVIDENCE_STYLE: dict[EvidenceKind, str] = {
    EvidenceKind.ASSUMED: "yellow italic",  # unverified: worth a look
    EvidenceKind.CORRECTION: "cyan",
}
ID_WIDTH = 22
TAG_WIDTH = 20
"""Evidence columns narrower than this show where each fact comes from, not its words."""
WIDE = 90
"""The panel width (cells) from which the id column is shown."""


def coverage_marker(status: CoverageStatus | None) -> Text:
    """The coloured marker for a coverage state."""
    mark, style = MARKERS[status]
    return Text(mark, style=style)


def row_key(kind: str, ident: str, layer: Layer | None = None) -> str:
    """The key of a row: `component:expense-agent@L3`, `capability:memory`, `layer:L1`..."""
    return f"{kind}:{ident}" + (f"@{layer.value}" if layer else "")


def parse_key(key: str) -> tuple[str, str]:
    """The kind and id a row key names (the layer of a component row dropped)."""
    kind, _, rest = key.partition(":")
    return kind, rest.rsplit("@", 1)[0] if kind == "component" else rest


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


class SystemTable(DataTable[Text]):
    """The facts table; keys ask for a correction of the fact under the cursor."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Evidence"),
        Binding("space", "correct('toggle')", "Toggle"),
        Binding("r", "correct('rename')", "Rename"),
        Binding("d", "correct('delete')", "Delete"),
        Binding("m", "correct('merge')", "Merge"),
        Binding("f", "correct('flow')", "Flow"),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", **kwargs)  # type: ignore[arg-type]
        self._shown: tuple[str, SystemModel, ThreatModel | None, tuple[str, ...]] | None = None
        self._width = 0

    # -- what is shown ---------------------------------------------------------------------------

    def show(
        self,
        title: str,
        system: SystemModel,
        model: ThreatModel | None,
        vocabulary: Iterable[str] = (),
    ) -> None:
        """Rebuild the table from the system model and the latest analysis (cursor kept)."""
        self._shown = (title, system, model, tuple(vocabulary))
        self._fill()

    def current_key(self) -> str | None:
        """The key of the row under the cursor, if any."""
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        return str(key.value) if key.value is not None else None

    def on_resize(self, event: events.Resize) -> None:
        """Fit the columns to the new width."""
        if event.size.width != self._width:
            self._fill()

    def _columns(self) -> bool:
        """Set the columns for the current width; whether the id column is shown."""
        self._width = self.size.width
        pad = 2 * self.cell_padding  # per column
        room = max(24, self._width - 2) - 2 * pad  # less the scrollbar and two columns' padding
        wide = room >= WIDE
        if wide:
            room -= ID_WIDTH + pad
        fact = max(14, min(36, room * 2 // 3))
        self.clear(columns=True)
        self.add_column("Fact", width=fact, key="fact")
        self.add_column("Evidence", width=max(8, room - fact), key="evidence")
        if wide:
            self.add_column("Id", width=ID_WIDTH, key="id")
        return wide

    def _fill(self) -> None:
        keep, index = self.current_key(), self.cursor_row
        wide = self._columns()
        if self._shown is None:
            return
        title, system, model, vocabulary = self._shown
        evidence_width = self.columns[list(self.columns)[1]].width

        def add(key: str, label: Text, evidence: Text | str = "", ident: str = "") -> None:
            cells = [label, evidence if isinstance(evidence, Text) else Text(evidence, "dim")]
            cells += [Text(ident, style="dim")] if wide else []
            for cell in cells:
                # Titles, names and quotes are the user's or a model's words: no controls.
                # `clean` keeps the length, so the styles of the cell stay where they were.
                cell.plain = clean(cell.plain)
                cell.no_wrap, cell.overflow = True, "ellipsis"
            self.add_row(*cells, key=key)

        add("title:", Text(title, style="bold"))
        for layer in Layer:
            coverage = model.coverage.get(layer) if model else None
            parts = [c for c in system.components if layer in c.layers]
            found = sum(1 for f in model.findings if f.layer == layer) if model else 0
            label = coverage_marker(coverage.status if coverage else None)
            label.append(f" {layer.value} {LAYER_NAMES[layer]}", style="bold")
            counts = [_count(len(parts), "part")] if parts else []
            counts += [_count(found, "finding")] if found else []
            add(row_key("layer", layer.value), label, ", ".join(counts))
            for c in parts:
                fact = component_fact(c)
                text = Text.assemble("  ", fact.label, (f"  {c.kind}", "dim"))
                ev = self._evidence(fact.evidence, evidence_width, focus(fact))
                add(row_key("component", c.id, layer), text, ev, c.id)
        every = facts(system, vocabulary)
        for kind, section in SECTIONS.items():
            if kind == "component":
                continue
            shown = [f for f in every if f.kind == kind]
            add(row_key("section", kind), Text(section, style="bold"), self._tally(kind, shown))
            for fact in shown:
                unsettled = fact.kind == "capability" and fact.state is None and not fact.evidence
                evidence = (
                    "" if unsettled else self._evidence(fact.evidence, evidence_width, focus(fact))
                )
                add(row_key(fact.kind, fact.id), self._label(fact), evidence, fact.id)
        for name, sentences in (
            ("Open questions", system.unknowns),
            ("Assumptions", system.assumptions),
        ):
            if sentences:
                add(row_key("section", name), Text(name, style="bold"), str(len(sentences)))
                for n, sentence in enumerate(sentences):
                    add(row_key("note", f"{name}#{n}"), Text(f"  {sentence}"))
        self._restore(keep, index)

    @staticmethod
    def _tally(kind: FactKind, shown: Sequence[Fact]) -> str:
        if kind == "capability":
            on = sum(f.state is True for f in shown)
            off = sum(f.state is False for f in shown)
            counts = [(on, "on"), (off, "off"), (len(shown) - on - off, "unknown")]
            return ", ".join(f"{n} {what}" for n, what in counts if n)
        return str(len(shown)) if shown else "none recorded"

    @staticmethod
    def _label(fact: Fact) -> Text:
        if fact.kind in ("capability", "control"):
            mark, style = STATE_MARKS[fact.state]
            text = Text.assemble("  ", (mark, style), " ", fact.label)
            if fact.kind == "control" and fact.detail:
                text.append(f"  {fact.detail}", style="dim")
            return text
        return Text.assemble("  ", fact.label, (f"  {fact.detail}" if fact.detail else "", "dim"))

    @staticmethod
    def _evidence(evidence: Sequence[Evidence], width: int, words: str) -> Text:
        if not evidence:
            return Text("no evidence", style="dim")
        # Below TAG_WIDTH a clipped quote says little: where the fact comes from says more.
        line = (
            evidence_tag(evidence) if width < TAG_WIDTH else evidence_line(evidence, width, words)
        )
        return Text(line, style=EVIDENCE_STYLE.get(evidence[0].kind, ""))

    def _restore(self, key: str | None, index: int) -> None:
        if not self.row_count:
            return
        try:
            row = self.get_row_index(key) if key is not None else index
        except RowDoesNotExist:
            row = index  # the fact is gone (deleted, merged): stay where it was
        self.move_cursor(row=min(row, self.row_count - 1), animate=False)

    # -- keys ------------------------------------------------------------------------------------

    def action_correct(self, action: str) -> None:
        """Ask the app to correct the fact under the cursor."""
        key = self.current_key()
        if key is not None:
            kind, ident = parse_key(key)
            self.post_message(CorrectionRequested(action, kind, ident))

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            kind, ident = parse_key(str(event.row_key.value))
            self.post_message(CorrectionRequested("open", kind, ident))
