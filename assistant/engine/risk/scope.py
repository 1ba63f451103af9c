"""What a finding touches in the system model: its agents, its tools and who can reach them.

A finding names the components it concerns. Its rating also depends on the agents behind those
components (a threat to the memory store is realised through the agent that reads it), the tools
those agents act through, and the entry points with a path to any of them (entry point -> agent
-> tool, along data flows and entry-point targets).

Where the model is silent the scope widens rather than narrows, because a security tool should
not rate a threat down for a fact nobody stated: a finding that concerns no agent and touches
none by a flow is about every agent, a tool no flow connects to any agent is taken to be usable
by every agent, and an agent no flow connects to anything is taken to use every tool.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.schema import Component, EntryPoint, SystemModel

AGENT_KINDS = {"agent", "application", "security-agent"}
TOOL_KINDS = {"tool", "external-api", "code-runner", "plugin", "mcp-server"}


def is_agent(component: Component) -> bool:
    """Whether the component is an agent (or the application that plays its part)."""
    return component.kind in AGENT_KINDS


def is_tool(component: Component) -> bool:
    """Whether the component is something an agent invokes to act on the world."""
    return component.effect is not None or component.kind in TOOL_KINDS


@dataclass(frozen=True)
class Reach:
    """An entry point with a path to the finding, and the first component of it the path hits."""

    entry: EntryPoint
    reaches: Component


@dataclass(frozen=True)
class Scope:
    """The parts of the system a finding's rating depends on, in system-model order."""

    concerned: tuple[Component, ...]
    """The components the finding names."""
    agents: tuple[Component, ...]
    """The agents it is realised through."""
    tools: tuple[Component, ...]
    """The tools it acts through."""
    entries: tuple[Reach, ...]
    """The entry points with a path to the concerned components or the agents."""

    def ids(self) -> set[str]:
        """Ids of everything in scope except entry points."""
        return {c.id for c in (*self.concerned, *self.agents, *self.tools)}

    def where(self) -> str:
        """The finding's components in a few words, e.g. `Support agent` or `the agents`."""
        named = self.agents or self.concerned
        if not named:
            return "the system"
        if len(named) > 2:
            return f"{named[0].name} and {len(named) - 1} more"
        return " and ".join(c.name for c in named)


def scope_of(system: SystemModel, component_ids: Sequence[str]) -> Scope:
    """The scope of a finding that concerns `component_ids` (unknown ids are ignored)."""
    by_id = {c.id: c for c in system.components}
    concerned = [by_id[i] for i in dict.fromkeys(component_ids) if i in by_id]
    linked = _neighbours(system)
    agents = [c for c in concerned if is_agent(c)]
    if not agents:
        near = {n for c in concerned for n in linked.get(c.id, set())}
        agents = [c for c in system.components if is_agent(c) and c.id in near]
    if not agents:
        agents = [c for c in system.components if is_agent(c)]
    agent_ids = {a.id for a in agents}
    all_agents = {c.id for c in system.components if is_agent(c)}
    concerned_ids = {c.id for c in concerned}
    # An agent no flow connects to anything may call any tool: nothing says which it uses.
    unlinked_agent = any(not linked.get(a, set()) for a in agent_ids)
    tools = [
        c
        for c in system.components
        if is_tool(c)
        and (
            c.id in concerned_ids
            or unlinked_agent
            or linked.get(c.id, set()) & agent_ids
            # a tool no flow ties to any agent: any agent may be the one that calls it
            or not linked.get(c.id, set()) & all_agents
        )
    ]
    targets = [c.id for c in (*concerned, *agents)]
    reaching = _reaching(system, targets, [a.id for a in agents])
    return Scope(tuple(concerned), tuple(agents), tuple(tools), reaching)


def _neighbours(system: SystemModel) -> dict[str, set[str]]:
    linked: dict[str, set[str]] = {}
    for flow in system.data_flows:
        linked.setdefault(flow.source, set()).add(flow.target)
        linked.setdefault(flow.target, set()).add(flow.source)
    return linked


def _reaching(system: SystemModel, targets: list[str], agents: list[str]) -> tuple[Reach, ...]:
    """Entry points with a directed path to one of `targets`, each with the first one it hits.

    An entry point with neither a target nor a flow out of it is taken to reach the agents: the
    user said it exists and not where it leads.
    """
    edges: dict[str, list[str]] = {}
    for flow in system.data_flows:
        edges.setdefault(flow.source, []).append(flow.target)
    for entry in system.entry_points:
        if entry.target:
            edges.setdefault(entry.id, []).append(entry.target)
    by_id = {c.id: c for c in system.components}
    wanted = set(targets)
    found: list[Reach] = []
    for entry in system.entry_points:
        hit = _first_hit(entry.id, edges, wanted) if entry.id in edges else next(iter(agents), None)
        if hit is not None and hit in by_id:
            found.append(Reach(entry, by_id[hit]))
    return tuple(found)


def _first_hit(start: str, edges: dict[str, list[str]], wanted: set[str]) -> str | None:
    seen = {start}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in edges.get(node, []):
            if nxt in wanted:
                return nxt
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return None
