"""A Mermaid flowchart of the system by MAESTRO layer, with cross-layer chains drawn across it.

Layers are subgraphs; a trust boundary is a dashed subgraph nested in each layer where it has
components; data flows are arrows, thick where they cross a trust boundary; cross-layer chains
are dotted red arrows between the layer subgraphs, labelled with the findings that form them.

Node and subgraph ids are generated (`c0`, `layer_L1`), never taken from the model, and every
label goes through `escape.mermaid`, so no text in a threat model can change the diagram's
structure.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import pairwise

from assistant.export.common import LAYER_ORDER, layer_title, natural_key, ordered_findings
from assistant.export.escape import mermaid
from assistant.schema import Component, Layer, SystemModel, ThreatModel

_STORE_HINTS = ("store", "database", "db", "log", "memory", "index", "queue")
_CHAIN_STYLE = "stroke:#d62728,stroke-width:2px,stroke-dasharray:4 3"
_BOUNDARY_STYLE = "fill:none,stroke:#d62728,stroke-width:2px,stroke-dasharray:6 4"


def _home_layer(component: Component) -> Layer:
    # A node can sit in one subgraph only: the lowest layer it belongs to. The label names the
    # others.
    return min(component.layers, key=LAYER_ORDER.index)


def _node(node_id: str, component: Component) -> str:
    others = [layer.value for layer in component.layers if layer != _home_layer(component)]
    detail = component.kind + (f", also {' and '.join(others)}" if others else "")
    label = mermaid(f"{component.name} ({detail})")
    if any(hint in component.kind.lower() for hint in _STORE_HINTS):
        return f'{node_id}[("{label}")]'
    return f'{node_id}["{label}"]'


def _chain_edges(model: ThreatModel) -> dict[tuple[Layer, Layer], list[str]]:
    """Consecutive layer pairs of every chain, with the ids of the findings that chain them."""
    edges: dict[tuple[Layer, Layer], list[str]] = defaultdict(list)
    for finding in ordered_findings(model.findings):
        layers = [layer for layer in dict.fromkeys(finding.chain_layers) if layer != Layer.CL]
        for pair in pairwise(layers):
            if finding.id not in edges[pair]:
                edges[pair].append(finding.id)
    return edges


def _flow_label(system: SystemModel, source: str, target: str, text: str) -> tuple[str, bool]:
    crossed = [
        b.name or b.id
        for b in system.trust_boundaries
        if (source in b.components) != (target in b.components)
    ]
    if crossed:
        text += " - crosses " + ", ".join(crossed)
    return mermaid(text, 80), bool(crossed)


def mermaid_diagram(model: ThreatModel) -> str:
    """The system diagram as a fenced Mermaid block (no trailing newline)."""
    system = model.system
    lines = ["```mermaid", "flowchart TB"]
    nodes: dict[str, str] = {}
    for index, component in enumerate(system.components):
        nodes.setdefault(component.id, f"c{index}")
    boundary_of: dict[str, int] = {}
    for b_index, boundary in enumerate(system.trust_boundaries):
        for member in boundary.components:
            boundary_of.setdefault(member, b_index)

    chains = _chain_edges(model)
    by_layer: dict[Layer, list[tuple[int, Component]]] = defaultdict(list)
    for index, component in enumerate(system.components):
        by_layer[_home_layer(component)].append((index, component))
    drawn = [
        layer for layer in LAYER_ORDER if layer in by_layer or any(layer in pair for pair in chains)
    ]
    styles: list[str] = []
    for layer in drawn:
        lines.append(f'  subgraph layer_{layer.value}["{mermaid(layer_title(layer))}"]')
        members = by_layer.get(layer, [])
        if not members:
            # Drawn only because a chain crosses it: name who else sits here (their node is in
            # a lower layer) rather than claim the layer is empty.
            also = [c.name for c in system.components if layer in c.layers]
            text = f"also here: {', '.join(also)}" if also else "no components recorded"
            lines.append(f'    gap_{layer.value}["{mermaid(text, 80)}"]')
        groups: dict[int, list[tuple[int, Component]]] = defaultdict(list)
        for index, component in members:
            if component.id in boundary_of:
                groups[boundary_of[component.id]].append((index, component))
            else:
                lines.append(f"    {_node(f'c{index}', component)}")
        for b_index in sorted(groups):
            boundary = system.trust_boundaries[b_index]
            sub_id = f"tb{b_index}_{layer.value}"
            label = mermaid(f"trust boundary: {boundary.name or boundary.id}")
            lines.append(f'    subgraph {sub_id}["{label}"]')
            lines.extend(f"      {_node(f'c{i}', c)}" for i, c in groups[b_index])
            lines.append("    end")
            styles.append(f"  style {sub_id} {_BOUNDARY_STYLE}")
        lines.append("  end")

    edge_count = 0
    outside: dict[str, str] = {}
    for flow in system.data_flows:
        ends = []
        for end in (flow.source, flow.target):
            if end not in nodes and end not in outside:
                outside[end] = f"x{len(outside)}"
                lines.append(f'  {outside[end]}["{mermaid(end)} (not in the system model)"]')
            ends.append(nodes.get(end) or outside[end])
        text = (flow.description or flow.id) + (f" ({flow.protocol})" if flow.protocol else "")
        label, crossing = _flow_label(system, flow.source, flow.target, text)
        arrow = "==>" if crossing else "-->"
        lines.append(f'  {ends[0]} {arrow}|"{label}"| {ends[1]}')
        edge_count += 1

    chain_links = []
    for (start, end), ids in sorted(
        chains.items(), key=lambda kv: (LAYER_ORDER.index(kv[0][0]), LAYER_ORDER.index(kv[0][1]))
    ):
        shown = sorted(ids, key=natural_key)
        text = (
            "chain " + ", ".join(shown[:3]) + (f" +{len(shown) - 3} more" if len(shown) > 3 else "")
        )
        lines.append(f'  layer_{start.value} -.->|"{mermaid(text)}"| layer_{end.value}')
        chain_links.append(str(edge_count))
        edge_count += 1

    lines.extend(styles)
    if chain_links:
        lines.append(f"  linkStyle {','.join(chain_links)} {_CHAIN_STYLE}")
    lines.append("```")
    return "\n".join(lines)
