"""Small hand-built system models for the risk tests: one agent, its tools, who reaches it."""

from __future__ import annotations

from assistant.schema import (
    AgenticFactor,
    Asset,
    Component,
    Control,
    ControlKind,
    DataClass,
    DataFlow,
    Effect,
    EntryKind,
    EntryPoint,
    Evidence,
    EvidenceKind,
    Layer,
    SystemModel,
)

AGENT = "support-agent"


def said(words: str) -> list[Evidence]:
    """Quote evidence for a fact."""
    return [Evidence(kind=EvidenceKind.QUOTE, quote=words)]


def agent(agent_id: str = AGENT, name: str = "Support agent") -> Component:
    return Component(
        id=agent_id, name=name, kind="agent", layers=[Layer.L3], evidence=said(f"the {name}")
    )


def tool(tool_id: str, effect: Effect | None, name: str = "", words: str = "") -> Component:
    return Component(
        id=tool_id,
        name=name or tool_id,
        kind="tool",
        layers=[Layer.L3],
        effect=effect,
        evidence=said(words or f"it can {tool_id}"),
    )


def entry(
    kind: EntryKind,
    *,
    untrusted: bool = True,
    target: str = AGENT,
    entry_id: str = "",
    words: str = "",
) -> EntryPoint:
    return EntryPoint(
        id=entry_id or f"entry-{kind.value}",
        name=kind.value.replace("-", " "),
        kind=kind,
        untrusted=untrusted,
        target=target,
        evidence=said(words or f"{kind.value} reach it"),
    )


def approval(tool_id: str, present: bool, words: str = "", actor: str = "") -> Control:
    return Control(
        id=f"approval-{tool_id}-{'yes' if present else 'no'}",
        kind=ControlKind.HUMAN_APPROVAL,
        present=present,
        applies_to=[tool_id],
        actor=actor,
        evidence=said(words or ("a lead approves it" if present else "it goes out automatically")),
    )


def control(
    kind: ControlKind, applies_to: list[str], present: bool = True, words: str = ""
) -> Control:
    return Control(
        id=f"{kind.value}-{'-'.join(applies_to) or 'all'}",
        kind=kind,
        present=present,
        applies_to=applies_to,
        evidence=said(words or f"{kind.value} on {', '.join(applies_to) or 'everything'}"),
    )


def asset(data_class: DataClass, components: list[str] | None = None, name: str = "") -> Asset:
    return Asset(
        id=f"asset-{data_class.value}",
        name=name or data_class.value,
        data_class=data_class,
        components=components or [],
        evidence=said(f"we hold {name or data_class.value}"),
    )


def flow(source: str, target: str) -> DataFlow:
    return DataFlow(id=f"{source}->{target}", source=source, target=target)


def system(
    *,
    tools: list[Component] | None = None,
    agents: list[Component] | None = None,
    others: list[Component] | None = None,
    entries: list[EntryPoint] | None = None,
    controls: list[Control] | None = None,
    assets: list[Asset] | None = None,
    flows: list[DataFlow] | None = None,
    capabilities: dict[str, bool] | None = None,
    factors: list[AgenticFactor] | None = None,
) -> SystemModel:
    """A system of agents (default: one support agent) and tools; flows default to agent -> tool
    for every tool when there is a single agent."""
    agents = agents if agents is not None else [agent()]
    tools = tools or []
    if flows is None:
        flows = [flow(agents[0].id, t.id) for t in tools] if len(agents) == 1 else []
    llm = Component(id="llm", name="GPT-4o", kind="llm", layers=[Layer.L1])
    return SystemModel(
        name="Acme support",
        components=[*agents, llm, *tools, *(others or [])],
        entry_points=entries or [],
        controls=controls or [],
        assets=assets or [],
        data_flows=flows,
        capabilities=capabilities or {},
        agentic_factors=factors or [],
    )
