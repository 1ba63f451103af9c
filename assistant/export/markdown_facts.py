"""The grounded system model in the review draft: every fact, one line each, with its evidence.

Sections, in the order the chat's `/system` lists them: components, capabilities, controls,
entry points, assets, data flows, trust boundaries; then assumptions and open questions. Each
fact is one list item ending in its evidence (`assistant.export.evidence`), so the draft reads
the same in a pager as rendered; a section with nothing in it says in one line why, and what
would fill it. Facts keep the model's order, except components, which are listed by their lowest
MAESTRO layer (then in the model's order), so the list follows the diagram.

User and model text goes through `escape.md`; only the labels written here are Markdown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from assistant.export.common import LAYER_ORDER, Approval, approval_state
from assistant.export.escape import md, md_strong
from assistant.export.evidence import evidence_text, only_assumed
from assistant.schema import (
    Asset,
    Component,
    Control,
    DataFlow,
    EntryPoint,
    Evidence,
    SystemModel,
    TrustBoundary,
)

LEGEND = (
    "Each fact ends with its evidence: the user's words in quotation marks, an interview answer "
    "(`answer to Q-..`), a correction made in the chat, a file location, or `assumed:` with the "
    "reason. Facts that rest only on assumptions need confirming before the findings are relied on."
)

# Why a section is empty, and what would fill it (one line each).
EMPTY: dict[str, str] = {
    "components": (
        "No components were identified; describe the agents, models, tools and data stores, "
        "or answer the interview."
    ),
    "capabilities": (
        "No capability was settled either way; answer the interview or say what the system "
        "can and cannot do."
    ),
    "controls": (
        "No controls were stated, present or absent; say who approves which actions, or add "
        "them with /control."
    ),
    "entry_points": (
        "No entry points were stated; say where outside content (users, e-mail, web pages, "
        "files, other agents) gets in."
    ),
    "assets": (
        "No assets were named; say what personal or health data, credentials, money or "
        "physical actions the system can reach."
    ),
    "data_flows": "No data flows were stated; answer the interview or add them with /flow.",
    "trust_boundaries": (
        "No trust boundaries were stated; say which parts run outside your control or with "
        "different privileges."
    ),
    "assumptions": "No assumptions were recorded.",
    "unknowns": "No open questions were recorded.",
}

_Fact = TypeVar("_Fact")

# Kinds that name something the agent invokes (its effect matters) or a model (its hosting does).
_TOOL_KINDS = frozenset(
    {"tool", "tools", "api", "external-api", "mcp-server", "plugin", "function"}
)
_MODEL_KINDS = frozenset({"llm", "model", "slm", "model-server", "foundation-model"})


def _sentence(text: str) -> str:
    """Escaped text as a sentence: a full stop added unless it already ends one."""
    escaped = md(text)
    return escaped if not escaped or escaped.endswith((".", "!", "?")) else escaped + "."


def _component_ref(system: SystemModel, component_id: str) -> str:
    """`Name (id)`; a flow may also start at an entry point, shown as such."""
    component = system.component(component_id)
    if component is not None:
        return f"{md(component.name)} ({md(component.id)})"
    entry = next((e for e in system.entry_points if e.id == component_id), None)
    if entry is not None:
        return f"{md(entry.name)} ({md(entry.id)}, entry point)"
    return f"{md(component_id)} (not in the system model)"


def _refs(system: SystemModel, ids: Sequence[str]) -> str:
    return ", ".join(_component_ref(system, i) for i in dict.fromkeys(ids))


def _item(main: str, detail: str, evidence: Sequence[Evidence]) -> str:
    """`- main. detail. Evidence: ...`: one list item per fact."""
    parts = [main if main.endswith(".") else main + "."]
    if detail:
        parts.append(detail)
    parts.append(evidence_text(evidence))
    return "- " + " ".join(parts)


def _section(title: str, lines: list[str], empty: str) -> list[str]:
    return ["", f"### {title}", "", *(lines or [empty])]


def _component(system: SystemModel, c: Component) -> str:
    traits = [md(c.kind), ", ".join(layer.value for layer in c.layers)]
    kind = c.kind.lower()
    if c.effect is not None:
        traits.append(f"effect {c.effect.value}")
    elif kind in _TOOL_KINDS:
        traits.append("effect not stated")
    if c.hosting:
        traits.append(f"hosting {md(c.hosting)}")
    elif kind in _MODEL_KINDS:
        traits.append("hosting not stated")
    if approval := _APPROVAL[approval_state(system, c.id)]:
        traits.append(approval)
    main = f"{md_strong(c.name)} ({md(c.id)}): {'; '.join(traits)}"
    return _item(main, _sentence(c.description), c.evidence)


_APPROVAL: dict[Approval, str] = {
    "yes": "a human approves",
    "no": "no human approval (automatic)",
    "partial": "a human approves some actions only (see Controls)",
    "unknown": "",
}


def _components(system: SystemModel) -> list[str]:
    def lowest(c: Component) -> int:
        return min(LAYER_ORDER.index(layer) for layer in c.layers)

    return [_component(system, c) for c in sorted(system.components, key=lowest)]


def _capabilities(system: SystemModel) -> list[str]:
    names = sorted(system.capabilities, key=lambda n: (not system.capabilities[n], n))
    lines = []
    for name in names:
        value = "**yes**" if system.capabilities[name] else "**no** (ruled out)"
        evidence = system.capability_evidence.get(name, [])
        lines.append(_item(f"{md(name)}: {value}", "", evidence))
    return lines


def _control(system: SystemModel, c: Control) -> str:
    state = "**present**" if c.present else "**absent**"
    where = _refs(system, c.applies_to) if c.applies_to else "the whole system"
    main = f"{md(c.kind.value)} {state} for {where}"
    detail = [f"Scope: {_sentence(c.scope)}"] if c.scope else []
    if c.actor:
        detail.append(f"Approved by: {_sentence(c.actor)}")
    return _item(main, " ".join(detail), c.evidence)


def _entry_point(system: SystemModel, e: EntryPoint) -> str:
    trust = "untrusted" if e.untrusted else "trusted"
    reader = (
        f"first read by {_component_ref(system, e.target)}" if e.target else "reader not stated"
    )
    main = f"{md_strong(e.name)} ({md(e.id)}): {e.kind.value}, {trust}; {reader}"
    return _item(main, "", e.evidence)


def _asset(system: SystemModel, a: Asset) -> str:
    where = f"; held or acted on by {_refs(system, a.components)}" if a.components else ""
    main = f"{md_strong(a.name)} ({md(a.id)}): {a.data_class.value}{where}"
    return _item(main, "", a.evidence)


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _flow(system: SystemModel, f: DataFlow) -> str:
    ends = f"{_component_ref(system, f.source)} -> {_component_ref(system, f.target)}"
    description = md(f.description)
    main = f"{md_strong(f.id)}: {ends}" + (f": {description}" if description else "")
    traits = [f"protocol {md(f.protocol)}"] if f.protocol else []
    if f.authenticated is not None:
        traits.append(f"authenticated: {_yes_no(f.authenticated)}")
    if f.encrypted is not None:
        traits.append(f"encrypted: {_yes_no(f.encrypted)}")
    stated = "; ".join(traits)
    detail = stated[:1].upper() + stated[1:] + "." if stated else ""
    return _item(main, detail, f.evidence)


def _boundary(system: SystemModel, b: TrustBoundary) -> str:
    inside = _refs(system, b.components) or "no components listed"
    main = f"{md_strong(b.name or b.id)} ({md(b.id)}): inside: {inside}"
    return _item(main, _sentence(b.description), b.evidence)


def _assumed_facts(system: SystemModel) -> int:
    groups: list[Sequence[Evidence]] = [
        *(c.evidence for c in system.components),
        *(system.capability_evidence.get(n, []) for n in system.capabilities),
        *(c.evidence for c in system.controls),
        *(e.evidence for e in system.entry_points),
        *(a.evidence for a in system.assets),
        *(f.evidence for f in system.data_flows),
        *(b.evidence for b in system.trust_boundaries),
    ]
    return sum(1 for g in groups if only_assumed(g))


def _assumptions(system: SystemModel) -> list[str]:
    lines = [f"- {md(a)}" for a in system.assumptions]
    assumed = _assumed_facts(system)
    if assumed:
        facts = "fact rests" if assumed == 1 else "facts rest"
        lines += [
            *([""] if lines else []),
            f"{assumed} {facts} only on assumptions (marked `assumed:` above); confirm or "
            "correct them.",
        ]
    return lines


def facts_sections(system: SystemModel) -> list[str]:
    """The lines of every fact section, from the legend to the open questions."""

    def each(items: Sequence[_Fact], render: Callable[[SystemModel, _Fact], str]) -> list[str]:
        return [render(system, item) for item in items]

    lines = ["", LEGEND]
    lines += _section("Components", _components(system), EMPTY["components"])
    lines += _section("Capabilities", _capabilities(system), EMPTY["capabilities"])
    factors = ", ".join(a.value for a in system.agentic_factors) or "none recorded"
    lines += ["", f"Agentic factors: {factors}."]
    lines += _section("Controls", each(system.controls, _control), EMPTY["controls"])
    lines += _section(
        "Entry points", each(system.entry_points, _entry_point), EMPTY["entry_points"]
    )
    lines += _section("Assets", each(system.assets, _asset), EMPTY["assets"])
    lines += _section("Data flows", each(system.data_flows, _flow), EMPTY["data_flows"])
    lines += _section(
        "Trust boundaries", each(system.trust_boundaries, _boundary), EMPTY["trust_boundaries"]
    )
    lines += _section("Assumptions", _assumptions(system), EMPTY["assumptions"])
    unknowns = [f"- {md(u)}" for u in system.unknowns]
    lines += _section("Open questions", unknowns, EMPTY["unknowns"])
    return lines
