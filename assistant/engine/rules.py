"""The rules engine: deterministic proposals from the system model and the catalogue.

A threat is proposed only when every capability it `requires` is confirmed present in the system
model (and one of `requires_any`, if given); a capability that is unknown or ruled out keeps it
out. That is how "no memory, no memory poisoning" holds. Layers come from the catalogue, the
affected components from the system model, and likelihood and impact from documented rules
(`_rate`), each with its rationale. Risk is computed later by the schema, never here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from assistant.knowledge.catalogue import Catalogue
from assistant.knowledge.model import ChainEntry, ThreatEntry, ThreatFamily
from assistant.schema import Component, Engine, Impact, Layer, Likelihood, SystemModel, utc_now

# Families the rules engine proposes from. CSA per-layer threats, the MAS un-numbered scenarios,
# cross-layer threat names and playbook blindspots are guidance for retrieval and the LLM; on
# their own they would restate the core threats under other names.
PROPOSED_FAMILIES = {ThreatFamily.CORE, ThreatFamily.MAS_EXTENDED}
# ...except CSA per-layer threats that exist only for a specialised capability no OWASP entry
# covers on its own terms (agent registries and marketplaces, AI agents used as security tools).
SPECIALISED = {"agent-registry", "security-agent"}


def proposable(threat: ThreatEntry) -> bool:
    """Whether the rules engine proposes from this threat (see PROPOSED_FAMILIES)."""
    if threat.family in PROPOSED_FAMILIES:
        return True
    return threat.family == ThreatFamily.CSA_LAYER and bool(SPECIALISED & set(threat.requires))


# Threats an outsider can trigger through content the agent reads: likelier when the system is
# exposed to outside input.
INPUT_DRIVEN = {"T1", "T2", "T5", "T6", "T11", "T15", "T16"}
# Threats that act through the agent's own actions: worse when it acts without approval.
ACTION_DRIVEN = {
    "T2",
    "T3",
    "T4",
    "T5",
    "T6",
    "T11",
    "T13",
    "MAS-RUNAWAY-AGENT",
    "MAS-UNINTENDED-WORKFLOW-EXECUTION",
}
LIKELIHOODS = list(Likelihood)
IMPACTS = list(Impact)


@dataclass(frozen=True)
class Applicability:
    """Whether a threat applies to a system, and why."""

    applies: bool
    missing: tuple[str, ...] = ()
    ruled_out: tuple[str, ...] = ()


def applicability(threat: ThreatEntry, capabilities: dict[str, bool]) -> Applicability:
    """Check a threat's preconditions against the system's capabilities."""
    missing = [c for c in threat.requires if capabilities.get(c) is not True]
    ruled_out = [c for c in threat.requires if capabilities.get(c) is False]
    if threat.requires_any and not any(capabilities.get(c) is True for c in threat.requires_any):
        label = " or ".join(threat.requires_any)
        missing.append(label)
        if all(capabilities.get(c) is False for c in threat.requires_any):
            ruled_out.append(label)
    return Applicability(not missing, tuple(missing), tuple(ruled_out))


def propose(system: SystemModel, catalogue: Catalogue) -> list[dict[str, Any]]:
    """All rules-engine proposals for a system, as raw findings for the validator.

    An empty system model (nothing described) gets no proposals: findings about nothing would
    be invented coverage.
    """
    if not system.components and not system.capabilities:
        return []
    threats = [t for t in catalogue.of_type(ThreatEntry) if proposable(t)]
    proposals = [p for t in threats for p in _for_threat(t, system)]
    anchors: set[str] = set()
    for chain in catalogue.of_type(ChainEntry):
        for proposal in _for_chain(chain, system, catalogue):
            # One cross-layer finding per anchoring threat: several patterns share an anchor
            # (T3 for the privilege chains) and would only repeat each other.
            if proposal["threat_id"] not in anchors:
                anchors.add(proposal["threat_id"])
                proposals.append(proposal)
    for number, proposal in enumerate(proposals, start=1):
        proposal["id"] = f"R-{number:03d}"
    return proposals


def _for_threat(threat: ThreatEntry, system: SystemModel) -> Iterator[dict[str, Any]]:
    if not applicability(threat, system.capabilities).applies:
        return
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
    chain: ChainEntry, system: SystemModel, catalogue: Catalogue
) -> Iterator[dict[str, Any]]:
    present = system.layers_present()
    if not set(chain.chain_layers) <= present or len(chain.chain_layers) > 4:
        return
    threats = [catalogue.threat(t) for t in chain.threats]
    applicable = [
        t for t in threats if t is not None and applicability(t, system.capabilities).applies
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
    finding["mitigations"] = [{"id": m, "text": ""} for m in chain.mitigations[:3]] or finding[
        "mitigations"
    ]
    yield finding


def _components_at(system: SystemModel, layer: Layer) -> list[str]:
    here = [c.id for c in system.components if layer in c.layers]
    if here:
        return here[:4]
    # Nothing described at this layer: the threat still acts through the agent itself.
    return [c.id for c in system.components if c.kind == "agent"][:2]


def _names(system: SystemModel, ids: list[str]) -> str:
    by_id: dict[str, Component] = {c.id: c for c in system.components}
    names = [by_id[i].name for i in ids if i in by_id]
    return ", ".join(names) if names else "the agent"


def _finding(
    threat: ThreatEntry, layer: Layer, components: list[str], system: SystemModel
) -> dict[str, Any]:
    likelihood, impact, rationale = _rate(threat, system)
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
        "likelihood": likelihood.value,
        "impact": impact.value,
        "rationale": rationale,
        "mitigations": [{"id": m, "text": ""} for m in threat.mitigations[:3]],
        "evidence": [],
        "provenance": {"engine": Engine.RULES.value, "created": utc_now().isoformat()},
    }


def _rate(threat: ThreatEntry, system: SystemModel) -> tuple[Likelihood, Impact, str]:
    """Likelihood and impact from the system's exposure, autonomy and data (documented rules)."""
    caps = system.capabilities
    reasons = []
    likelihood = 1  # possible
    impact = 1  # medium
    if caps.get("external-facing") and threat.id in INPUT_DRIVEN:
        likelihood += 1
        reasons.append("outside parties can put content in front of the agent")
    autonomous = caps.get("human-in-loop") is False or any(
        f.value == "autonomy" for f in system.agentic_factors
    )
    if autonomous and threat.id in ACTION_DRIVEN:
        likelihood += 1
        reasons.append("the agent acts without per-action approval")
    if caps.get("sensitive-data"):
        impact += 1
        reasons.append("the system handles sensitive data")
    if (caps.get("tools") or caps.get("code-execution")) and threat.id in ACTION_DRIVEN:
        impact += 1
        reasons.append("the agent can act on other systems")
    rationale = (
        "; ".join(reasons) or "baseline rating: no exposure, autonomy or data factor raises it"
    )
    return LIKELIHOODS[min(likelihood, 3)], IMPACTS[min(impact, 3)], rationale.capitalize() + "."
