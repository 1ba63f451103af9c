"""Flows and trust boundaries derived from the facts read, each with the evidence of its ends.

A description rarely lists its data flows; a reviewer draws them from what it does say: content
from an entry point reaches the agent that reads it, the agent calls each of its tools and its
model, reads from its knowledge stores and writes to its memory. A derived flow quotes the words
that establish its ends, so it is as traceable as a stated one.
"""

from __future__ import annotations

from assistant.schema import Component, DataFlow, EntryKind, EntryPoint, Evidence, TrustBoundary

_STORES = {"vector-store", "knowledge-base", "database"}
# Entry points whose content is stored and retrieved rather than read directly.
_INDEXED = {EntryKind.RETRIEVED_DOCUMENTS}
_MEMORY = {"memory", "shared-memory"}
_CALLED = {"tool", "external-api", "code-runner", "mcp-server", "plugin", "llm", "model-server"}


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
    found: list[DataFlow] = []
    seen: set[tuple[str, str]] = set()

    def add(source: str, target: str, description: str, evidence: list[Evidence]) -> None:
        if (source, target) in seen or source == target:
            return
        seen.add((source, target))
        found.append(
            DataFlow(
                id=f"flow-{len(found) + 1}",
                source=source,
                target=target,
                description=description,
                evidence=evidence,
            )
        )

    def owner(component: Component) -> Component:
        here = sentence_of.get(component.id, -2)
        return next((a for a in agents if sentence_of.get(a.id, -3) == here), primary)

    for source, target, evidence in stated:
        if source in by_id and target in by_id:
            add(source, target, f"{by_id[source].name} to {by_id[target].name}", [evidence])
    stores = [c for c in components if c.kind in _STORES]
    for entry in entries:
        if entry.kind in _INDEXED and stores:
            # Documents others write reach the agent through the index built from them.
            store = stores[0]
            add(
                entry.id,
                store.id,
                f"{entry.name} are indexed into {store.name}",
                entry.evidence[:1],
            )
        else:
            add(entry.id, primary.id, f"{entry.name} reaches the agent", entry.evidence[:1])
    for component in components:
        agent = owner(component)
        ends = [*agent.evidence[:1], *component.evidence[:1]]
        if component.kind in _CALLED:
            add(agent.id, component.id, f"{agent.name} calls {component.name}", ends)
        elif component.kind in _STORES:
            add(component.id, agent.id, f"{agent.name} reads {component.name}", ends)
        elif component.kind == "log-store":
            add(agent.id, component.id, f"{agent.name} records to {component.name}", ends)
        elif component.kind in _MEMORY:
            add(agent.id, component.id, f"{agent.name} writes to {component.name}", ends)
            add(component.id, agent.id, f"{agent.name} reads back {component.name}", ends)
    for other in agents[1:]:
        if not any(other.id in (f.source, f.target) for f in found):
            ends = [*primary.evidence[:1], *other.evidence[:1]]
            add(primary.id, other.id, f"{primary.name} and {other.name} exchange messages", ends)
    return found


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
