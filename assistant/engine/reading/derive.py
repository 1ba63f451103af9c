"""Flows and trust boundaries derived from the facts read, each with the evidence of its ends.

A description rarely lists its data flows; a reviewer draws them from what it does say: content
from an entry point reaches the agent that reads it, the agent calls each of its tools and its
model, reads from its knowledge stores and writes to its memory. A derived flow quotes the words
that establish its ends, so it is as traceable as a stated one.
"""

from __future__ import annotations

from assistant.schema import Component, DataFlow, EntryPoint, TrustBoundary

_STORES = {"vector-store", "knowledge-base", "database"}
_MEMORY = {"memory", "shared-memory"}
_CALLED = {"tool", "external-api", "code-runner", "mcp-server", "plugin", "llm", "model-server"}


def flows(components: list[Component], entries: list[EntryPoint]) -> list[DataFlow]:
    """The flows a reviewer would draw from these facts."""
    agents = [c for c in components if c.kind == "agent" and c.id != "peer-agents"]
    if not agents:
        return []
    primary = agents[0]
    found: list[DataFlow] = []

    def add(source: Component | EntryPoint, target: Component, description: str) -> None:
        evidence = [*source.evidence[:1], *target.evidence[:1]]
        found.append(
            DataFlow(
                id=f"flow-{len(found) + 1}",
                source=source.id,
                target=target.id,
                description=description,
                evidence=evidence,
            )
        )

    for entry in entries:
        add(entry, primary, f"{entry.name} reaches the agent")
    for component in components:
        if component.kind in _CALLED:
            add(primary, component, f"the agent calls {component.name}")
        elif component.kind in _STORES:
            add(component, primary, f"the agent reads {component.name}")
        elif component.kind in _MEMORY:
            add(primary, component, f"the agent writes to {component.name}")
            add(component, primary, f"the agent reads back {component.name}")
    for other in agents[1:]:
        add(primary, other, f"{primary.name} and {other.name} exchange messages")
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
    hosted = [c for c in components if c.kind == "llm" and c.hosting.startswith("provider")]
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
