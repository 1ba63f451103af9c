"""Flows and trust boundaries derived from the facts read, each with the evidence of its ends.

A description rarely lists its data flows; a reviewer draws them from what it does say: content
from an entry point reaches the agent that reads it, the agent calls each of its tools and its
model, reads from its knowledge stores and writes to its memory. A derived flow quotes the words
that establish its ends, so it is as traceable as a stated one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.schema import Component, DataFlow, EntryKind, EntryPoint, Evidence, TrustBoundary

_STORES = {"vector-store", "knowledge-base", "database"}
# Entry points whose content is stored and retrieved rather than read directly.
_INDEXED = {EntryKind.RETRIEVED_DOCUMENTS}
_MEMORY = {"memory", "shared-memory"}
_CALLED = {"tool", "external-api", "code-runner", "mcp-server", "plugin", "llm", "model-server"}


@dataclass
class _Drawing:
    """The flows drawn so far, one per (source, target) pair."""

    found: list[DataFlow] = field(default_factory=list)
    seen: set[tuple[str, str]] = field(default_factory=set)

    def add(self, source: str, target: str, description: str, evidence: list[Evidence]) -> None:
        if (source, target) in self.seen or source == target:
            return
        self.seen.add((source, target))
        self.found.append(
            DataFlow(
                id=f"flow-{len(self.found) + 1}",
                source=source,
                target=target,
                description=description,
                evidence=evidence,
            )
        )


def flows(
    components: list[Component],
    entries: list[EntryPoint],
    stated: list[tuple[str, str, Evidence]] = (),  # type: ignore[assignment]
    sentence_of: dict[str, int] | None = None,
) -> list[DataFlow]:
    """The flows a reviewer would draw from these facts, stated ones first.

    A tool or store is connected to the agent named in the same sentence, else to the first
    agent; a flow the text states ("the planner hands plans to the executor") is kept as said.
    """
    agents = [c for c in components if c.kind == "agent" and c.id != "peer-agents"]
    if not agents:
        return []
    primary = agents[0]
    sentence_of = sentence_of or {}
    by_id = {c.id: c for c in components}
    drawing = _Drawing()
    for source, target, evidence in stated:
        if source in by_id and target in by_id:
            text = f"{by_id[source].name} to {by_id[target].name}"
            drawing.add(source, target, text, [evidence])
    _entry_flows(drawing, entries, primary, [c for c in components if c.kind in _STORES])
    for component in components:
        here = sentence_of.get(component.id, -2)
        agent = next((a for a in agents if sentence_of.get(a.id, -3) == here), primary)
        _component_flows(drawing, agent, component)
    for other in agents[1:]:
        if not any(other.id in (f.source, f.target) for f in drawing.found):
            ends = [*primary.evidence[:1], *other.evidence[:1]]
            text = f"{primary.name} and {other.name} exchange messages"
            drawing.add(primary.id, other.id, text, ends)
    # A shared memory is what every agent reads and writes ("the agents share a workspace").
    for shared in (c for c in components if c.kind == "shared-memory"):
        for agent in agents:
            _component_flows(drawing, agent, shared)
    return drawing.found


def _entry_flows(
    drawing: _Drawing, entries: list[EntryPoint], primary: Component, stores: list[Component]
) -> None:
    for entry in entries:
        if entry.kind in _INDEXED and stores:
            # Documents others write reach the agent through the index built from them.
            text = f"{entry.name} are indexed into {stores[0].name}"
            drawing.add(entry.id, stores[0].id, text, entry.evidence[:1])
        else:
            text = f"{entry.name} reaches the agent"
            drawing.add(entry.id, primary.id, text, entry.evidence[:1])


def _component_flows(drawing: _Drawing, agent: Component, component: Component) -> None:
    """How the agent that owns a component uses it: calls, reads, records or remembers."""
    ends = [*agent.evidence[:1], *component.evidence[:1]]
    if component.kind in _CALLED:
        drawing.add(agent.id, component.id, f"{agent.name} calls {component.name}", ends)
    elif component.kind in _STORES:
        drawing.add(component.id, agent.id, f"{agent.name} reads {component.name}", ends)
    elif component.kind == "log-store":
        drawing.add(agent.id, component.id, f"{agent.name} records to {component.name}", ends)
    elif component.kind in _MEMORY:
        drawing.add(agent.id, component.id, f"{agent.name} writes to {component.name}", ends)
        drawing.add(component.id, agent.id, f"{agent.name} reads back {component.name}", ends)


def boundaries(components: list[Component], entries: list[EntryPoint]) -> list[TrustBoundary]:
    """The boundaries between the system and what it does not control."""
    inside = [c.id for c in components if c.kind in {"agent", "memory", "shared-memory"} | _STORES]
    found: list[TrustBoundary] = []
    untrusted = [e for e in entries if e.untrusted]
    if untrusted:
        found.append(
            TrustBoundary(
                id="boundary-outside-input",
                name="outside content / system",
                components=inside,
                description="Crossed by " + ", ".join(e.name for e in untrusted),
                evidence=[e.evidence[0] for e in untrusted if e.evidence][:3],
            )
        )
    hosted = [c for c in components if c.kind == "llm" and c.hosting and c.hosting != "self-hosted"]
    external = [c for c in components if c.kind == "external-api"]
    if hosted or external:
        found.append(
            TrustBoundary(
                id="boundary-third-parties",
                name="system / third-party services",
                components=inside,
                description="Crossed by calls to " + ", ".join(c.name for c in hosted + external),
                evidence=[c.evidence[0] for c in hosted + external if c.evidence][:3],
            )
        )
    return found
