"""Attack paths: where a threat enters this system, what it passes through, and what it reaches.

A path is read off the system model's data flows, never invented: it starts at an entry point
for outside content (or at the agent, when the threat needs no outside input or none is known),
follows the flows to the component where the threat does its harm (its sink: a tool with side
effects, a memory store, another agent...), and ends at the asset that sink puts at stake.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from assistant.schema import (
    Component,
    DataClass,
    Effect,
    EntryKind,
    EntryPoint,
    Evidence,
    SystemModel,
    distinct,
)

Sink = Callable[[Component], bool]

_ACTING = {"tool", "external-api", "code-runner", "mcp-server", "plugin"}
_STORE = {"vector-store", "knowledge-base"}
_MEMORY = {"memory", "shared-memory"}


def _acting(c: Component) -> bool:
    return c.kind in _ACTING and c.effect != Effect.READS_DATA


def _any_tool(c: Component) -> bool:
    return c.kind in _ACTING


def _code(c: Component) -> bool:
    return c.kind == "code-runner" or c.effect == Effect.EXECUTES_CODE


def _access(c: Component) -> bool:
    return c.effect == Effect.CHANGES_ACCESS or c.kind == "identity"


def _agent(c: Component) -> bool:
    return c.kind == "agent"


def _model(c: Component) -> bool:
    return c.kind in ("llm", "model-server")


def _memory(c: Component) -> bool:
    return c.kind in _MEMORY


def _store(c: Component) -> bool:
    return c.kind in _STORE


def _protocol(c: Component) -> bool:
    return c.kind in ("mcp-server", "agent-protocol", "queue")


def _supply(c: Component) -> bool:
    # A model behind a provider's API is the provider's supply chain; weights the team runs
    # itself, and code it loads (plugins, MCP servers, frameworks), are its own.
    return c.kind in ("plugin", "mcp-server", "agent-framework", "model-server") or (
        c.kind == "llm" and c.hosting == "self-hosted"
    )


def _money(c: Component) -> bool:
    return c.effect == Effect.MOVES_MONEY or c.kind == "blockchain"


# Where each threat does its harm, most specific first; the first kind present is the sink.
SINKS: dict[str, tuple[Sink, ...]] = {
    "T1": (_memory, _store),
    "T2": (_acting, _any_tool),
    "T3": (_access, _acting, _any_tool),
    "T4": (_model, _any_tool),
    "T5": (_memory, _agent),
    "T6": (_acting, _any_tool),
    "T7": (_acting,),
    "T8": (_acting,),
    "T9": (_agent,),
    "T10": (),  # only where a human approves: see `_sinks`
    "T11": (_code,),
    "T12": (_agent,),
    "T13": (_agent,),
    "T14": (_agent,),
    # The harm is done by people who believe the agent, not by its tools: the agent is the sink.
    "T15": (_agent,),
    "T16": (_protocol, _agent),
    "T17": (_supply,),
    "MAS-RAG-INPUT-MANIPULATION": (_store,),
    "MAS-VECTOR-DB-POISONING": (_store,),
    "MAS-RAG-DATA-EXFILTRATION": (_store,),
    "MAS-WALLET-KEY-COMPROMISE": (_money,),
    "MAS-CROSS-CHAIN-BRIDGE-ATTACK": (_money,),
    "MAS-ROGUE-MCP-SERVER": (_protocol,),
    "MAS-PLUGIN-VULNERABILITY": (_supply,),
    "MAS-SERVICE-ACCOUNT-EXPOSURE": (_access, _acting),
    "MAS-RUNAWAY-AGENT": (_acting, _agent),
    "MAS-UNINTENDED-WORKFLOW-EXECUTION": (_acting,),
    "MAS-INSUFFICIENT-ACTION-ISOLATION": (_acting,),
}
# Threats that need content from outside to start: their path starts at an entry point.
INPUT_DRIVEN = {
    "T1",
    "T2",
    "T5",
    "T6",
    "T11",
    "T15",
    "T16",
    "MAS-RAG-INPUT-MANIPULATION",
    "MAS-VECTOR-DB-POISONING",
    "MAS-RAG-DATA-EXFILTRATION",
}
# Most exposed first: content anyone can send beats content only staff can.
EXPOSURE = (
    EntryKind.INBOUND_EMAIL,
    EntryKind.WEB_CONTENT,
    EntryKind.PUBLIC_USERS,
    EntryKind.INBOUND_MESSAGES,
    EntryKind.UPLOADED_FILES,
    EntryKind.OTHER_AGENTS,
    EntryKind.THIRD_PARTY_EXTENSIONS,
    EntryKind.RETRIEVED_DOCUMENTS,
    EntryKind.TOOL_OUTPUT,
    EntryKind.API_CLIENTS,
    EntryKind.DEVICES,
    EntryKind.INTERNAL_USERS,
)
# What a sink's effect puts at stake.
STAKE: dict[Effect, DataClass] = {
    Effect.MOVES_MONEY: DataClass.MONEY,
    Effect.ACTUATES: DataClass.PHYSICAL_ACTUATION,
    Effect.EXECUTES_CODE: DataClass.SOURCE_CODE,
    Effect.CHANGES_ACCESS: DataClass.CREDENTIALS,
}


@dataclass(frozen=True)
class Step:
    """One stop on a path: an entry point, a component or an asset."""

    id: str
    name: str
    note: str = ""


@dataclass(frozen=True)
class AttackPath:
    """A path through this system, with the words that establish each stop."""

    steps: tuple[Step, ...]
    sink: Component | None
    entry: EntryPoint | None
    evidence: tuple[Evidence, ...]

    def render(self) -> str:
        """E.g. `inbound support mailbox (public) → support agent → refund tool (automatic)`."""
        return " → ".join(f"{s.name} ({s.note})" if s.note else s.name for s in self.steps)

    @property
    def component_ids(self) -> list[str]:
        """The ids of the components on the path, in order (entry points and assets left out)."""
        return [s.id for s in self.steps if not s.id.startswith(("entry-", "asset-"))]


def path_for(threat_id: str, system: SystemModel) -> AttackPath | None:
    """The path this threat takes through the system, or None when the model shows none."""
    sinks = _sinks(threat_id, system)
    if not sinks:
        return None
    graph = _graph(system)
    starts: list[str] = []
    if threat_id in INPUT_DRIVEN:
        starts = [e.id for e in _by_exposure(system.entry_points) if e.untrusted]
    # Named agents first: "peer agents" only stands for agents the text counts but does not name.
    agents = sorted(
        (c.id for c in system.components if c.kind == "agent"), key=lambda i: i == "peer-agents"
    )
    # The worst sink that untrusted content reaches; else the worst any agent reaches. Of the
    # starts that reach it, the nearest: the agent that owns a tool, not one that hands over to it.
    for group in (starts, agents):
        for sink in sinks:
            routes = [r for r in (_route(graph, start, sink.id) for start in group) if r]
            if routes:
                return _path(system, min(routes, key=len), sink)
    return None


def _sinks(threat_id: str, system: SystemModel) -> list[Component]:
    if threat_id == "T10":
        # Overwhelming the human in the loop happens where a human approves.
        approved = [c for c in system.components if system.approval(c.id) is True]
        if approved:
            return approved
    for test in SINKS.get(threat_id, ()):
        found = [c for c in system.components if test(c)]
        if found:
            # Worst effect first (actuation, money, code...), so the path shows what is at stake;
            # among equals, an action nobody approves before one whose approval is unknown, and
            # that before an approved one.
            order, held = list(Effect), {False: 0, None: 1, True: 2}
            return sorted(
                found,
                key=lambda c: (
                    order.index(c.effect) if c.effect else len(order),
                    held[system.approval(c.id)],
                ),
            )
    return []


def _by_exposure(entries: list[EntryPoint]) -> list[EntryPoint]:
    return sorted(entries, key=lambda e: EXPOSURE.index(e.kind))


def _graph(system: SystemModel) -> dict[str, list[str]]:
    graph: dict[str, list[str]] = {}
    for flow in system.data_flows:
        graph.setdefault(flow.source, []).append(flow.target)
    return graph


def _route(graph: dict[str, list[str]], start: str, goal: str) -> list[str]:
    """The shortest route along flows from `start` to `goal` (inclusive), or []."""
    if start == goal:
        return [start]
    came: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in graph.get(node, []):
            if nxt in came or nxt == start:
                continue
            came[nxt] = node
            if nxt == goal:
                route = [goal]
                while route[-1] != start:
                    route.append(came[route[-1]])
                return route[::-1]
            queue.append(nxt)
    return []


def _path(system: SystemModel, route: list[str], sink: Component) -> AttackPath:
    entries = {e.id: e for e in system.entry_points}
    steps: list[Step] = []
    evidence: list[Evidence] = []
    entry: EntryPoint | None = None
    for ident in route:
        if ident in entries:
            entry = entries[ident]
            steps.append(Step(ident, entry.name, "untrusted" if entry.untrusted else "internal"))
            evidence += entry.evidence[:1]
            continue
        component = system.component(ident)
        if component is None:
            continue
        steps.append(Step(ident, component.name, _note(system, component)))
        evidence += component.evidence[:1]
    stake = _stake(system, sink)
    if stake is not None:
        steps.append(Step(f"asset-{stake[0].value}", stake[1]))
    for control in system.controls:
        if sink.id in control.applies_to:
            evidence += control.evidence[:1]
    return AttackPath(tuple(steps), sink, entry, tuple(distinct(evidence)))


def _note(system: SystemModel, component: Component) -> str:
    if component.kind not in _ACTING or component.effect == Effect.READS_DATA:
        return ""
    approved = system.approval(component.id)
    if approved is True:
        return "human-approved"
    if approved is False:
        return "automatic"
    return "approval not stated"


def _stake(system: SystemModel, sink: Component) -> tuple[DataClass, str] | None:
    """The asset class the sink puts at stake, and its name as the user wrote it if they did."""
    cls = STAKE.get(sink.effect) if sink.effect else None
    named = {a.data_class: a.name for a in system.assets}
    if cls is None:
        for candidate in (DataClass.PHI, DataClass.PII, DataClass.CONFIDENTIAL):
            if candidate in named:
                cls = candidate
                break
    if cls is None:
        return None
    return cls, named.get(cls, cls.value.replace("-", " "))
