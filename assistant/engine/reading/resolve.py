"""Resolve a reading into a system-model delta: settle capabilities, fold, imply, derive."""

from __future__ import annotations

import re

from assistant.engine.reading import lexicon as lx
from assistant.engine.reading.derive import boundaries, flows
from assistant.engine.reading.state import Reading
from assistant.engine.reading.text import sentences
from assistant.schema import (
    Asset,
    Component,
    Control,
    ControlKind,
    DataClass,
    EntryKind,
    EntryPoint,
    Evidence,
    SystemDelta,
    distinct,
)


def delta(reading: Reading) -> SystemDelta:
    """The system-model delta a reading supports: contradictions become open questions."""
    capabilities: dict[str, bool] = {}
    evidence: dict[str, list[Evidence]] = {}
    unknowns = list(reading.unknowns)
    for name, readings in reading.capabilities.items():
        if name == "human-in-loop" and any(r[0] for r in readings):
            # One approval is enough for humans to be in the loop, however many actions run
            # automatically beside it.
            readings = [r for r in readings if r[0]]
        negative = [r for r in readings if r[0] is False]
        explicit_positive = [r for r in readings if r[0] is True and r[2]]
        if negative:
            # A statement that rules a capability out beats a mention; two explicit statements
            # that disagree are a question for the user, kept false until answered (safer for
            # the findings that need it: they stay out rather than appear on a guess).
            capabilities[name] = False
            evidence[name] = distinct([r[1] for r in negative])[:3]
            if explicit_positive and not _same_clause(negative, explicit_positive):
                quotes = " / ".join(f'"{r[1].quote}"' for r in (negative[0], explicit_positive[0]))
                unknowns.append(
                    f"The description seems to say both yes and no about {name}: {quotes}. Which is it?"
                )
        else:
            capabilities[name] = True
            evidence[name] = distinct([r[1] for r in readings])[:3]
    _implied(reading, capabilities, evidence)
    components = _fold_providers(list(reading.components.values()))
    if capabilities.get("multi-agent") is False:
        components = [c for c in components if c.id != "peer-agents"]
    for kind in ("tools", "rag", "memory", "code-execution", "mcp", "plugins"):
        if capabilities.get(kind) is False:
            components = [c for c in components if not _defines(c, kind)]
    entries = list(reading.entries.values())
    primary = next((c.id for c in components if c.kind == "agent"), "")
    entries = [e.model_copy(update={"target": primary}) for e in entries]
    return SystemDelta(
        components=components,
        capabilities=capabilities,
        capability_evidence=evidence,
        controls=reading.controls,
        entry_points=entries,
        assets=list(reading.assets.values()),
        data_flows=flows(components, entries, reading.stated_flows, _sentences(reading)),
        trust_boundaries=boundaries(components, entries),
        agentic_factors=reading.factors,
        unknowns=unknowns,
        assumptions=reading.assumptions,
    )


_PROVIDER_NAME = lx.rx(r"(?:amazon )?bedrock|azure openai|vertex ai|openai|anthropic|google")


def _fold_providers(components: list[Component]) -> list[Component]:
    """A model named with its provider is one model: the provider becomes part of its hosting."""
    models = [c for c in components if c.kind == "llm" and c.evidence]
    drop: set[str] = set()
    for provider in models:
        if not _PROVIDER_NAME.fullmatch(provider.name.lower()):
            continue
        same = [
            m
            for m in models
            if m is not provider
            and m.id not in drop
            and not _PROVIDER_NAME.fullmatch(m.name.lower())
            and m.evidence[0].start == provider.evidence[0].start
        ]
        if same:
            drop.add(provider.id)
    out: list[Component] = []
    for c in components:
        if c.id in drop:
            continue
        providers = [
            p.name
            for p in models
            if p.id in drop
            and c.kind == "llm"
            and p.evidence[0].start == (c.evidence[0].start if c.evidence else -1)
        ]
        if providers:
            hosting = ", ".join([f"via {providers[0]}", *([c.hosting] if c.hosting else [])])
            c = c.model_copy(update={"hosting": hosting})
        out.append(c)
    return out


# Entry points through which people or systems outside the organisation reach the system.
_OUTSIDE = {
    EntryKind.PUBLIC_USERS,
    EntryKind.OTHER_AGENTS,
    # Channels whose senders are, as a rule, outside: a mailbox, text messages, API callers.
    EntryKind.INBOUND_EMAIL,
    EntryKind.INBOUND_MESSAGES,
    EntryKind.API_CLIENTS,
}
# Chat inside a workplace: its senders are colleagues, as a rule, not outsiders.
_WORKPLACE_CHAT = re.compile(r"(?i)\b(?:slack|microsoft teams|teams|mattermost|google chat)\b")
# Staff who send in over a public channel: "WhatsApp photos from technicians in the field".
_STAFF_SENDERS = re.compile(
    r"(?i)\bfrom (?:the |our )?(?:[\w-]+ )?(?:technicians|engineers|staff|employees|colleagues|"
    r"drivers|crews?|field teams?|nurses|operators)\b"
)


def _from_the_workplace(entry: EntryPoint) -> bool:
    """Whether a way in is a workplace chat, or a channel the organisation's own staff use."""
    quote = entry.evidence[0].quote if entry.evidence else ""
    return bool(_WORKPLACE_CHAT.search(entry.name) or _STAFF_SENDERS.search(quote))


# Classes of asset that make the data sensitive by themselves (money moved or a machine
# driven is what the agent acts on, not data it holds).
_SENSITIVE = {DataClass.PII, DataClass.PHI, DataClass.CONFIDENTIAL}


def _implied(
    reading: Reading, capabilities: dict[str, bool], evidence: dict[str, list[Evidence]]
) -> None:
    """Capabilities that follow from others, each with the evidence it follows from.

    Only what a reviewer would write down without asking: approvers and sign-ins mean human
    users; a model used through a provider's API is not self-hosted; a plain application that
    calls a model once neither plans, calls tools nor runs code.
    """

    def imply(name: str, value: bool, because: str) -> None:
        if name not in capabilities and because in evidence:
            capabilities[name] = value
            evidence[name] = evidence[because][:1]

    def shown(name: str, facts: list[EntryPoint] | list[Control] | list[Asset]) -> None:
        """A capability present because a fact shows it (an entry point, a control)."""
        if facts and name not in capabilities:
            capabilities[name] = True
            evidence[name] = facts[0].evidence[:1]

    entries = list(reading.entries.values())
    shown("human-users", [e for e in entries if e.kind in lx.PEOPLE_ENTRIES])
    if capabilities.get("human-in-loop"):
        imply("human-users", True, "human-in-loop")  # approvers act on the agent's output
    signing_in = (ControlKind.AUTHENTICATION, ControlKind.AUTHORISATION)
    shown("authentication", [c for c in reading.controls if c.present and c.kind in signing_in])
    shown(
        "external-facing",
        [e for e in entries if e.kind in _OUTSIDE and not _from_the_workplace(e)],
    )
    shown("sensitive-data", [a for a in reading.assets.values() if a.data_class in _SENSITIVE])
    # Not implied: "no tools" leaves MCP and plugins unsettled, "a single agent" the protocol,
    # "no memory and no retrieval" shared knowledge. Reviewers annotating descriptions did not
    # write those down (leaving them out raised capability precision on both eval sets), and
    # the threats they gate also need the capability that is ruled out, so no finding waits on
    # them.
    models = [c for c in reading.components.values() if c.kind == "llm" and c.evidence]
    if "self-hosted-model" not in capabilities and models:
        # A provider's API, a model folded with its provider ("via Bedrock"), or a provider
        # named as the model ("Azure OpenAI").
        hosted = [
            m
            for m in models
            if m.hosting.startswith(("provider", "via "))
            or _PROVIDER_NAME.fullmatch(m.name.lower())
        ]
        if hosted and not any(m.hosting == "self-hosted" for m in models):
            capabilities["self-hosted-model"] = False
            evidence["self-hosted-model"] = hosted[0].evidence[:1]
        elif any(m.hosting == "self-hosted" for m in models):
            capabilities["self-hosted-model"] = True
            evidence["self-hosted-model"] = [
                m.evidence[0] for m in models if m.hosting == "self-hosted"
            ][:1]
    if reading.non_agentic is not None and not any(
        c.kind == "agent" for c in reading.components.values()
    ):
        # Not MCP or an agent protocol: like "no tools", a plain app leaves them unsaid.
        for name in ("planning", "tools", "code-execution", "multi-agent"):
            if name not in capabilities:
                capabilities[name] = False
                evidence[name] = [reading.non_agentic]


def _sentences(reading: Reading) -> dict[str, int]:
    """The sentence each component was first named in (for owner agents of tools)."""
    spans = sentences(reading.source)
    found: dict[str, int] = {}
    for ident, at in reading.positions.items():
        found[ident] = next((n for n, (s, e) in enumerate(spans) if s <= at < e), -1)
    return found


def _same_clause(
    a: list[tuple[bool, Evidence, bool]], b: list[tuple[bool, Evidence, bool]]
) -> bool:
    return any(x[1].start == y[1].start for x in a for y in b)


_DEFINING_KINDS = {
    "tools": {"tool"},
    "rag": {"vector-store", "knowledge-base"},
    "memory": {"memory", "shared-memory"},
    "code-execution": {"code-runner"},
    "mcp": {"mcp-server"},
    "plugins": {"plugin"},
}


def _defines(component: Component, capability: str) -> bool:
    """Whether a component exists only because of a capability the user ruled out."""
    if capability == "tools":
        return component.kind == "tool" and component.id == "tools"
    return component.kind in _DEFINING_KINDS[capability]
