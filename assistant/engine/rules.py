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
from typing import Any, NamedTuple

from assistant.engine.paths import AttackPath, path_for
from assistant.engine.risk import rate
from assistant.engine.scenario import scenario, title_name
from assistant.engine.variants import fold_variants
from assistant.knowledge.catalogue import Catalogue
from assistant.knowledge.model import ChainEntry, ThreatEntry, ThreatFamily
from assistant.knowledge.preconditions import (
    Applies,
    Fact,
    Precondition,
    Unknown,
    check,
    components_shown,
    signs_in,
)
from assistant.retrieval.passages import entry_passages
from assistant.schema import (
    BaselineControl,
    Component,
    Engine,
    EntryKind,
    Evidence,
    FindingStatus,
    Layer,
    SystemModel,
    distinct,
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
        p
        for t in threats
        if isinstance(checks[t.id], Applies)
        for p in _for_threat(t, system, checks[t.id].facts)
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
    proposals = fold_variants(proposals, catalogue)
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
        finding = next(_for_threat(threat, system, result.facts), None)
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


def _for_threat(
    threat: ThreatEntry, system: SystemModel, held: Sequence[Fact] = ()
) -> Iterator[dict[str, Any]]:
    if _hygiene(threat, system):
        return  # listed once per layer as a baseline control (`baseline_controls`)
    path = path_for(threat.id, system)
    placed = _placement(threat, system, path, _specific_homes(threat, system))
    if placed is None:
        return
    layer, why = placed
    components = (path.component_ids if path else []) or _components_at(system, layer, threat)
    yield _finding(threat, layer, components, system, path, why, held)


_ECOSYSTEM_ENTRIES = {EntryKind.THIRD_PARTY_EXTENSIONS, EntryKind.OTHER_AGENTS}


class _Home(NamedTuple):
    """A fact that made a threat specific, and the layers it lives at."""

    name: str
    kind: str
    layers: list[Layer]


def _specific_homes(threat: ThreatEntry, system: SystemModel) -> list[_Home]:
    """Where the facts that make a threat specific live (`specific_when`), for its placement.

    A component lives at its own layers; outside code or agents coming in (a third-party
    extension, another agent) live in the ecosystem, L7.
    """
    if threat.specific_when is None:
        return []
    homes = [
        _Home(c.name, c.kind, c.layers) for c in components_shown(threat.specific_when, system)
    ]
    homes += [
        _Home(e.name, e.kind.value, [Layer.L7])
        for e in system.entry_points
        if e.kind in threat.specific_when.entry_points and e.kind in _ECOSYSTEM_ENTRIES
    ]
    return homes


def _placement(
    threat: ThreatEntry,
    system: SystemModel,
    path: AttackPath | None,
    specific: Sequence[_Home] = (),
) -> tuple[Layer, str] | None:
    """The layer a finding sits at, and why: where the component that embodies it lives.

    The component where the threat does its harm decides (the tool it acts through, the store
    it poisons); else a component that makes it specific to this system (`specific_when`: the
    plugin behind a supply-chain finding); else the first of the threat's layers the path
    passes through; else the first the system describes. A core threat with none of these still
    sits at its home layer: every agent has a model, infrastructure and logs even when the user
    did not describe them.
    """
    layers = [layer for layer in threat.layers if layer != Layer.CL]
    sink = path.sink if path else None
    if sink is not None:
        here = [layer for layer in layers if layer in sink.layers]
        if here:
            return here[0], f"{here[0].value}: {sink.name} ({sink.kind}) is where it does harm"
    for shown in specific:
        here = [layer for layer in layers if layer in shown.layers]
        if here:
            return here[0], f"{here[0].value}: {shown.name} ({shown.kind}) makes it apply"
    on_path = [system.component(i) for i in (path.component_ids if path else [])]
    for layer in layers:
        for component in on_path:
            if component is not None and layer in component.layers:
                return layer, f"{layer.value}: {component.name} on its path sits there"
    present = system.layers_present()
    here = [layer for layer in layers if layer in present]
    if here:
        return here[0], f"{here[0].value}: the first of its layers this system describes"
    if threat.family == ThreatFamily.CORE and layers:
        return layers[0], f"{layers[0].value}: its home layer; no component is described there"
    return None


def baseline_controls(system: SystemModel, catalogue: Catalogue) -> list[BaselineControl]:
    """Hygiene threats that fit every LLM system, once per layer, instead of one finding each."""
    if not system.components:
        return []
    present = system.layers_present()
    found: list[BaselineControl] = []
    for threat in catalogue.of_type(ThreatEntry):
        if not _hygiene(threat, system) or not isinstance(
            check(threat, system, catalogue), Applies
        ):
            continue
        homes = [layer for layer in threat.layers if layer in present and layer != Layer.CL]
        layers = homes or threat.layers[:1]
        found.append(
            BaselineControl(
                threat_id=threat.id,
                layer=layers[0],
                name=threat.name,
                mitigations=threat.mitigations[:3],
            )
        )
    return found


def _hygiene(threat: ThreatEntry, system: SystemModel) -> bool:
    """Whether a threat is a baseline control here rather than a finding (see `specific_when`)."""
    if threat.baseline:
        return True
    return threat.specific_when is not None and not signs_in(threat.specific_when, system)


def _for_chain(
    chain: ChainEntry,
    system: SystemModel,
    catalogue: Catalogue,
    checks: dict[str, Precondition],
) -> Iterator[dict[str, Any]]:
    present = system.layers_present()
    if not set(chain.chain_layers) <= present or len(chain.chain_layers) > 4:
        return
    if any(system.capabilities.get(c) is not True for c in chain.requires):
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
    # Every link must be instantiated on a real path of this system, and the links must sit at
    # two or more layers: otherwise the "chain" only restates single-layer findings.
    links = [(t, path_for(t.id, system)) for t in applicable]
    if any(path is None for _, path in links):
        return
    placed = [(t, path, _placement(t, system, path)) for t, path in links]
    if len({where[0] for _, _, where in placed if where}) < 2:
        return
    components: list[str] = []
    evidence: list[Evidence] = []
    for _, path, _ in placed:
        assert path is not None  # checked above
        components += [c for c in path.component_ids if c not in components]
        evidence += [e for e in path.evidence if e not in evidence]
    finding = _finding(anchor, Layer.CL, components, system)
    finding["chain_layers"] = [layer.value for layer in chain.chain_layers]
    finding["title"] = f"{chain.name} ({', '.join(t.id for t in applicable)})"
    # Told from this system's own paths, link by link; no example's text is reused.
    steps = [
        f"{t.name} ({where[0].value if where else 'CL'}): {path.render() if path else ''}"
        for t, path, where in placed
    ]
    finding["scenario"] = (
        f"In {system.name or 'this system'}, " + "; this opens the way to ".join(steps) + "."
    )
    finding["grounding"] = [e.model_dump(mode="json") for e in evidence[:6]]
    finding["attack_path"] = components
    finding["mitigations"] = _chain_mitigations(chain, anchor, catalogue)
    yield finding


def _chain_mitigations(
    chain: ChainEntry, anchor: ThreatEntry, catalogue: Catalogue
) -> list[dict[str, str]]:
    """Up to three mitigations for a chain finding, as the finding cites them.

    The finding cites the anchor threat, so only the chain's mitigations the catalogue links to
    that threat are cited (the others address the chain's other threats); the anchor's own
    mitigations fill the rest.
    """
    linked = [
        m
        for m in chain.mitigations
        if (entry := catalogue.mitigation(m)) is not None and catalogue.linked(entry, anchor)
    ]
    ids = list(dict.fromkeys([*linked, *anchor.mitigations]))[:3]
    return [{"id": m, "text": ""} for m in ids]


def grounding(held: Sequence[Fact], system: SystemModel, path: AttackPath | None) -> list[Evidence]:
    """The user's words behind a finding: the facts that meet its preconditions, and its path."""
    found: list[Evidence] = [e for fact in held for e in fact.evidence[:1]]
    found += list(path.evidence) if path else []
    if not found:
        # Nothing on a path or in a precondition: the parts it concerns are what the user said.
        found = [
            e
            for c in system.components
            if c.kind in ("agent", "application")
            for e in c.evidence[:1]
        ]
    return distinct(found)[:6]


def _components_at(system: SystemModel, layer: Layer, threat: ThreatEntry) -> list[str]:
    """Up to four parts at the layer, first those that show the threat (an MCP server)."""
    signs = [*threat.shown_by.values(), threat.requires_signs]
    needs = [need for s in signs if s is not None for need in s.components]
    here = sorted(
        (c for c in system.components if layer in c.layers),
        key=lambda c: not any(c.kind in n.kinds or c.effect in n.effects for n in needs),
    )
    if here:
        return [c.id for c in here[:4]]
    # Nothing described at this layer: the threat still acts through the agent itself (or,
    # in a system with no agent, the application that calls the model).
    core = [c.id for c in system.components if c.kind == "agent"]
    return (core or [c.id for c in system.components if c.kind == "application"])[:2]


def _names(system: SystemModel, ids: list[str]) -> str:
    by_id: dict[str, Component] = {c.id: c for c in system.components}
    names = [by_id[i].name for i in ids if i in by_id]
    return ", ".join(names) if names else "the agent"


def _finding(
    threat: ThreatEntry,
    layer: Layer,
    components: list[str],
    system: SystemModel,
    path: AttackPath | None = None,
    placement: str = "",
    held: Sequence[Fact] = (),
) -> dict[str, Any]:
    rating = rate(threat, system, components)
    sink = path.sink if path else None
    return {
        "id": "",
        "threat_id": threat.id,
        "layer": layer.value,
        "chain_layers": [],
        "title": f"{threat.name} through {title_name(sink)}"
        if sink
        else f"{threat.name} ({layer.value})",
        "scenario": scenario(threat.id, threat.summary, system, path),
        "components": components,
        "attack_path": [s.id for s in path.steps] if path else [],
        "grounding": [e.model_dump(mode="json") for e in grounding(held, system, path)],
        "placement": placement,
        "agentic_factors": [
            f.value for f in system.agentic_factors if f.entry_id in threat.factors
        ],
        "likelihood": rating.likelihood.value,
        "impact": rating.impact.value,
        "rationale": rating.rationale(),
        "mitigations": [{"id": m, "text": ""} for m in threat.mitigations[:3]],
        # The threat's own catalogue passages: cited at once, with no search to wait for.
        "evidence": [p.id for p in entry_passages(threat)][:2],
        "provenance": {"engine": Engine.RULES.value, "created": utc_now().isoformat()},
    }
