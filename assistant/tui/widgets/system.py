"""The System tab: the system model as a tree by layer, each layer marked with its coverage."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Tree

from assistant.schema import LAYER_NAMES, CoverageStatus, Layer, SystemModel, ThreatModel

# Marker and style per coverage state; "not analysed" until the first analysis.
MARKERS: dict[CoverageStatus | None, tuple[str, str]] = {
    CoverageStatus.COVERED: ("●", "green"),
    CoverageStatus.NOT_APPLICABLE: ("⊘", "dim"),
    CoverageStatus.UNKNOWN: ("○", "yellow"),
    None: ("·", "dim"),
}


def coverage_marker(status: CoverageStatus | None) -> Text:
    """The coloured marker for a coverage state."""
    mark, style = MARKERS[status]
    return Text(mark, style=style)


class SystemTree(Tree[str]):
    """Components by layer, capabilities, assumptions and open questions."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__("System", **kwargs)  # type: ignore[arg-type]
        self.show_root = True

    def show(self, title: str, system: SystemModel, model: ThreatModel | None) -> None:
        """Rebuild the tree from the system model and the latest analysis."""
        self.clear()
        self.root.set_label(Text(title, style="bold"))
        for layer in Layer:
            coverage = model.coverage.get(layer) if model else None
            components = [c for c in system.components if layer in c.layers]
            findings = sum(1 for f in model.findings if f.layer == layer) if model else 0
            label = coverage_marker(coverage.status if coverage else None)
            label.append(f" {layer.value} {LAYER_NAMES[layer]}")
            counts = [_count(len(components), "part")] if components else []
            counts += [_count(findings, "finding")] if findings else []
            if counts:
                label.append(f"  {', '.join(counts)}", style="dim")
            node = self.root.add(label, data=layer.value, expand=bool(components))
            for c in components:
                node.add_leaf(Text.assemble(c.name, (f"  {c.kind}", "dim")), data=c.id)
        caps = self.root.add("Capabilities", expand=True)
        for name, present in sorted(system.capabilities.items()):
            caps.add_leaf(
                Text.assemble(("✓ " if present else "✗ ", "green" if present else "red"), name)
            )
        if system.assumptions:
            node = self.root.add("Assumptions", expand=False)
            for text in system.assumptions:
                node.add_leaf(Text(text))
        if system.unknowns:
            node = self.root.add("Open questions", expand=False)
            for text in system.unknowns:
                node.add_leaf(Text(text))
        self.root.expand()


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
