"""The rules engine: deterministic proposals from the system model and the catalogue.

A threat is proposed only when its preconditions hold in the system model
(`assistant.knowledge.preconditions.check`): every capability it `requires` and one of its
`requires_any`, each stated or shown by the facts its `shown_by` names (a component, an entry
point, a control), and no control that defeats it. That is how "no memory, no memory
poisoning" holds. A few
core threats whose preconditions are merely unsettled are proposed as `needs-info`, with the
question that would settle them (`_needs_info`). Layers come from the catalogue, the affected
components from the system model, and likelihood and impact from the system's facts
(`assistant.engine.risk`), each with its rationale. Risk is computed later by the schema, never
here.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from assistant.engine.risk import rate
from assistant.knowledge.catalogue import Catalogue
from assistant.knowledge.model import ChainEntry, ThreatEntry, ThreatFamily
from assistant.knowledge.preconditions import Applies, Precondition, Unknown, check
from assistant.schema import (
    Component,
    Engine,
    FindingStatus,
    Layer,
    SystemModel,
    utc_now,
)

# Families the rules engine proposes from. CSA per-layer threats, the MAS un-numbered scenarios,
# cross-layer threat names and playbook blindspots are guidance for retrieval and the LLM; on
# their own they would restate the core threats under other names.
PROPOSED_FAMILIES = {ThreatFamily.CORE, ThreatFamily.MAS_EXTENDED}
# ...except CSA per-layer threats that exist only for a specialised capability no OWASP entry
# covers on its own terms (agent registries and marketplaces, AI agents used as security tools).
SPECIALISED = {"agent-registry", "security-agent"}
# At most this many needs-info findings per system (see `_needs_info`).
MAX_NEEDS_INFO = 3


def proposable(threat: ThreatEntry) -> bool:
    """Whether the rules engine proposes from this threat (see PROPOSED_FAMILIES)."""
    if threat.family in PROPOSED_FAMILIES:
        return True
    return threat.family == ThreatFamily.CSA_LAYER and bool(SPECIALISED & set(threat.requires))


def propose(system: SystemModel, catalogue: Catalogue) -> list[dict[str, Any]]:
    """All rules-engine proposals for a system, as raw findings for the validator.

    An empty system model (nothing described) gets no proposals: findings about nothing would
    be invented coverage.
    """
    if not system.components and not system.capabilities:
        return []
    threats = [t for t in catalogue.of_type(ThreatEntry) if proposable(t)]
    checks = {t.id: check(t, system, catalogue) for t in threats}
    proposals = [
        p for t in threats if isinstance(checks[t.id], Applies) for p in _for_threat(t, system)
    ]
    proposals += _needs_info(threats, checks, system)
    anchors: set[str] = set()
    for chain in catalogue.of_type(ChainEntry):
        for proposal in _for_chain(chain, system, catalogue, checks):
            # One cross-layer finding per anchoring threat: several patterns share an anchor
            # (T3 for the privilege chains) and would only repeat each other.
            if proposal["threat_id"] not in anchors:
                anchors.add(proposal["threat_id"])
                proposals.append(proposal)
    for number, proposal in enumerate(proposals, start=1):
        proposal["id"] = f"R-{number:03d}"
    return proposals


def _needs_info(
    threats: Sequence[ThreatEntry], checks: dict[str, Precondition], system: SystemModel
) -> list[dict[str, Any]]:
    """Core threats whose preconditions are unsettled, as needs-info findings with the question.

    An unsettled precondition is a question for the user, and one finding per unsettled threat
    would bury the real findings: every description leaves most of the catalogue unsaid
    (memory, blockchain, registries, plugins...), and the interview and layer coverage already
    ask about those. So only these are proposed:
    - core threats (T1-T17), the list every agentic review is expected to answer; the extended
      threats refine them and wait until the question is answered;
    - only where a fact of the system points to the threat (`Unknown.facts`): T11 in an agent
      that has tools but was not asked whether it runs code. Nothing behind it means the user
      simply has not talked about it; and where the user ruled out some alternatives and left
      the rest unsaid (T5 in a stateless, tool-less assistant), the rest is likely absent too;
    - one finding per question, for the first threat (in catalogue order, which follows the
      decision path) that waits on it: one answer settles them all;
    - at most MAX_NEEDS_INFO per system, so the questions stay a short list a reviewer reads.
    """
    asked: set[str] = set()
    found: list[dict[str, Any]] = []
    for threat in threats:
        result = checks[threat.id]
        if (
            not isinstance(result, Unknown)
            or threat.family != ThreatFamily.CORE
            or result.question in asked
            or not result.facts
        ):
            continue
        finding = next(_for_threat(threat, system), None)
        if finding is None:
            continue
        asked.add(result.question)
        finding["status"] = FindingStatus.NEEDS_INFO.value
        finding["question"] = result.question
        finding["scenario"] += f" Whether it applies is open: {', '.join(result.open)} not known."
        found.append(finding)
        if len(found) == MAX_NEEDS_INFO:
            break
    return found


def _for_threat(threat: ThreatEntry, system: SystemModel) -> Iterator[dict[str, Any]]:
    present = system.layers_present()
    layers = [layer for layer in threat.layers if layer != Layer.CL]
    here = [layer for layer in layers if layer in present]
    if here:
        layer = here[0]
    elif threat.family == ThreatFamily.CORE and layers:
        # A core threat applies to any agent that meets its preconditions, even when the user
        # has not described the layer it lives at (every agent has a model, infrastructure, logs).
        layer = layers[0]
    else:
        return
    yield _finding(threat, layer, _components_at(system, layer), system)


def _for_chain(
    chain: ChainEntry,
    system: SystemModel,
    catalogue: Catalogue,
    checks: dict[str, Precondition],
) -> Iterator[dict[str, Any]]:
    present = system.layers_present()
    if not set(chain.chain_layers) <= present or len(chain.chain_layers) > 4:
        return
    threats = [catalogue.threat(t) for t in chain.threats]
    applicable = [
        t
        for t in threats
        if t is not None and isinstance(checks.get(t.id) or check(t, system, catalogue), Applies)
    ]
    if len(applicable) < 2:
        return
    anchor = next(
        (t for t in applicable if Layer.CL in t.layers and t.family == ThreatFamily.CORE), None
    )
    if anchor is None:
        return
    components: list[str] = []
    for layer in chain.chain_layers:
        components += [c for c in _components_at(system, layer) if c not in components]
    finding = _finding(anchor, Layer.CL, components, system)
    finding["chain_layers"] = [layer.value for layer in chain.chain_layers]
    finding["title"] = f"{chain.name} ({', '.join(t.id for t in applicable)})"
    finding["scenario"] = (
        f"{chain.summary} In {system.name or 'this system'} the chain runs through "
        f"{_names(system, components)}, crossing {', '.join(finding['chain_layers'])}."
    )
    # The finding cites the anchor threat, so only the chain's mitigations the catalogue links
    # to that threat are cited (the others address the chain's other threats); the anchor's
    # own mitigations fill the rest.
    linked = [
        m
        for m in chain.mitigations
        if (entry := catalogue.mitigation(m)) is not None and catalogue.linked(entry, anchor)
    ]
    ids = list(dict.fromkeys([*linked, *anchor.mitigations]))[:3]
    finding["mitigations"] = [{"id": m, "text": ""} for m in ids]
    yield finding


def _components_at(system: SystemModel, layer: Layer) -> list[str]:
    here = [c.id for c in system.components if layer in c.layers]
    if here:
        return here[:4]
    # Nothing described at this layer: the threat still acts through the agent itself (or,
    # in a system with no agent, the application that calls the model).
    core = [c.id for c in system.components if c.kind == "agent"]
    return (core or [c.id for c in system.components if c.kind == "application"])[:2]


def _names(system: SystemModel, ids: list[str]) -> str:
    by_id: dict[str, Component] = {c.id: c for c in system.components}
    names = [by_id[i].name for i in ids if i in by_id]
    return ", ".join(names) if names else "the agent"


def _finding(
    threat: ThreatEntry, layer: Layer, components: list[str], system: SystemModel
) -> dict[str, Any]:
    rating = rate(threat, system, components)
    return {
        "id": "",
        "threat_id": threat.id,
        "layer": layer.value,
        "chain_layers": [],
        "title": f"{threat.name} ({layer.value})",
        "scenario": f"{threat.summary} Here this concerns {_names(system, components)}.",
        "components": components,
        "agentic_factors": [
            f.value for f in system.agentic_factors if f.entry_id in threat.factors
        ],
        "likelihood": rating.likelihood.value,
        "impact": rating.impact.value,
        "rationale": rating.rationale(),
        "mitigations": [{"id": m, "text": ""} for m in threat.mitigations[:3]],
        "evidence": [],
        "provenance": {"engine": Engine.RULES.value, "created": utc_now().isoformat()},
    }
