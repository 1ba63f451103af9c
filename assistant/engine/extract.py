"""Deterministic extraction of a system-model delta from free text (rules mode).

It reads a description the way a checklist would: named products and component words become
components on their MAESTRO layers, and phrases establish or rule out capabilities. Negations
("keeps no memory", "no other agents") are found first and masked, so the word they negate is
not also read as present.
"""

from __future__ import annotations

import re
from functools import cache

from assistant.engine.vocabulary import NEGATIONS, TERMS, Term
from assistant.schema import AgenticFactor, Component, Layer, SystemDelta

_EDGE_BEFORE = r"(?<![\w-])"
_EDGE_AFTER = r"(?![\w-])"


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(f"{_EDGE_BEFORE}(?:{pattern}){_EDGE_AFTER}", re.IGNORECASE)


def slug(text: str) -> str:
    """A component id from a name: lower case, dashes, at most 40 characters."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "component"


def _mask(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def extract(text: str) -> SystemDelta:
    """Read a description or an answer and return what it says about the system."""
    masked = " ".join(text.split())  # one line: patterns need not care about wrapping
    absent: set[str] = set()
    for pattern, capability in NEGATIONS:
        for match in list(_compiled(pattern).finditer(masked)):
            absent.add(capability)
            masked = _mask(masked, match.start(), match.end())

    present: set[str] = set()
    factors: list[AgenticFactor] = []
    components: dict[str, Component] = {}
    kinds_named: set[str] = set()
    claimed: list[tuple[int, int]] = []  # spans already turned into a component
    for term in TERMS:
        matches = list(_compiled(term.pattern).finditer(masked))
        if not matches:
            continue
        present.update(term.capabilities)
        factors += [f for f in term.factors if f not in factors]
        # A span names one component: "Azure OpenAI" is the model, not also the Azure cloud.
        free = [m for m in matches if not any(m.start() < e and s < m.end() for s, e in claimed)]
        if not term.kind or not free or (term.generic and term.kind in kinds_named):
            continue
        if any(_is_ruled_out(c, absent) for c in term.capabilities):
            continue
        component = _component(term, free[0].group(0))
        components.setdefault(component.id, component)
        kinds_named.add(term.kind)
        claimed += [(m.start(), m.end()) for m in free]

    agents = _named_agents(masked)
    for name in agents:
        components.setdefault(
            slug(name), Component(id=slug(name), name=name, kind="agent", layers=[Layer.L3])
        )
    if len(agents) >= 2:
        present.add("multi-agent")
        if AgenticFactor.AGENT_TO_AGENT not in factors:
            factors.append(AgenticFactor.AGENT_TO_AGENT)

    capabilities = {c: True for c in sorted(present - absent)}
    capabilities.update({c: False for c in sorted(absent)})
    if absent & {"human-in-loop"} and AgenticFactor.AUTONOMY not in factors:
        factors.append(AgenticFactor.AUTONOMY)
    if capabilities.get("multi-agent") is False:
        components.pop("peer-agents", None)
    return SystemDelta(
        components=list(components.values()), capabilities=capabilities, agentic_factors=factors
    )


# Words before "agent" that do not name a distinct agent ("the agent", "an AI agent").
_NOT_A_NAME = {
    "a",
    "an",
    "the",
    "this",
    "that",
    "our",
    "its",
    "their",
    "each",
    "every",
    "one",
    "single",
    "ai",
    "llm",
    "other",
    "another",
    "multi",
    "sub",
    "peer",
    "same",
    "main",
    "an ai",
    "autonomous",
    "agentic",
    "user",
    "software",
    "no",
    "any",
    "which",
    "new",
    "first",
    "second",
    "third",
    "rogue",
    "malicious",
    "of",
    "internal",
    "all",
    "external",
    "human",
    "two",
    "three",
    "four",
    "five",
    "several",
    "multiple",
    "many",
    "more",
}
_AGENT = re.compile(r"(?<![\w-])([A-Za-z][\w-]*) agents?(?![\w-])", re.IGNORECASE)


def _named_agents(text: str) -> list[str]:
    """Distinct named agents, e.g. "approval agent", "payment agent"."""
    names: list[str] = []
    for match in _AGENT.finditer(text):
        qualifier = match.group(1)
        if qualifier.lower() in _NOT_A_NAME:
            continue
        name = f"{qualifier} agent" if qualifier.isupper() else f"{qualifier.lower()} agent"
        if name not in names:
            names.append(name)
    return names


def _is_ruled_out(capability: str, absent: set[str]) -> bool:
    # A component whose defining capability the user ruled out ("no vector store") is not added.
    return capability in absent and capability in {
        "rag",
        "memory",
        "mcp",
        "plugins",
        "code-execution",
        "blockchain",
    }


def _component(term: Term, matched: str) -> Component:
    name = term.name or matched.strip()
    if not term.name:
        name = name if any(ch.isupper() for ch in name) else name.title()
    return Component(
        id=slug(name), name=name, kind=term.kind, layers=list(term.layers) or [Layer.L3]
    )
