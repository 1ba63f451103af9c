"""The hybrid contract: a model can add and confirm findings, never silently take rules ones away.

A rules-engine finding leaves a hybrid analysis only through a ruling the validator accepts:
one that cites the system-model fact ruling the threat out and that fact's evidence
(`assistant.validator.check_ruling`). Every other rules finding stays, with a
`model-did-not-confirm` note saying why (no verdict, an unsupported ruling, a rejected
confirmation). `rules_loss` measures what a run lost against the rules engine alone, for the
loud warning and `--strict`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.knowledge.catalogue import Catalogue
from assistant.knowledge.model import ThreatEntry
from assistant.knowledge.preconditions import could_rule_out
from assistant.schema import (
    Engine,
    Finding,
    Issue,
    Provenance,
    RejectedProposal,
    Severity,
    SystemModel,
)
from assistant.schema import RuledOut as RuledOutThreat
from assistant.validator import Code, check_ruling

MAX_RULES_LOSS = 0.2
"""Share of the rules engine's findings a hybrid run may lose (each through a validated
ruling) before it warns loudly, and fails under `--strict`."""

Key = tuple[str, str]


def key_of(proposal: Mapping[str, Any]) -> Key:
    """The (threat id, layer) a proposal or finding is about."""
    return str(proposal.get("threat_id")), str(proposal.get("layer"))


@dataclass(frozen=True)
class Verdicts:
    """The model's safety-net verdicts, sorted by what the hybrid contract makes of them.

    Attributes:
        refuted: Rules proposals ruled out with validated evidence, kept as rejected proposals.
        unconfirmed: Rules proposals that stay, each with the note saying why.
    """

    refuted: list[RejectedProposal]
    unconfirmed: list[tuple[dict[str, Any], Issue]]


def sort_verdicts(
    open_: Sequence[dict[str, Any]],
    accepted: Iterable[Key],
    ruled_out: Sequence[RuledOutThreat],
    system: SystemModel,
    catalogue: Catalogue,
) -> Verdicts:
    """Decide each open rules proposal: confirmed (accepted), refuted, or kept unconfirmed."""
    confirmed = set(accepted)
    rulings = {(r.threat_id, r.layer.value): r for r in ruled_out}
    refuted: list[RejectedProposal] = []
    kept: list[tuple[dict[str, Any], Issue]] = []
    for proposal in open_:
        key = key_of(proposal)
        if key in confirmed:
            continue
        ruling = rulings.get(key)
        threat = catalogue.threat(key[0])
        problems = (
            check_ruling(ruling.fact, ruling.quote, system)
            or ruling_relevance(ruling.fact, proposal, threat, system)
            if ruling and threat
            else []
        )
        if ruling is not None and not problems:
            issue = Issue(
                code="ruled-out",
                severity=Severity.WARNING,
                message=f'model: {ruling.reason} ({ruling.fact}: "{ruling.quote}")',
            )
            refuted.append(
                RejectedProposal(
                    proposal=proposal, issues=[issue], provenance=Provenance(engine=Engine.RULES)
                )
            )
            continue
        why = (
            f"its ruling was refused ({problems[0].message}): {ruling.reason}"[:300]
            if ruling is not None
            else "it neither confirmed it with a valid finding nor ruled it out"
        )
        kept.append((proposal, unconfirmed(why)))
    return Verdicts(refuted, kept)


def ruling_relevance(
    fact: str, proposal: Mapping[str, Any], threat: ThreatEntry, system: SystemModel
) -> list[Issue]:
    """Whether the fact a ruling cites bears on this threat here, not merely exists.

    A true fact settles nothing about an unrelated threat: "no other agents" cannot refute
    tool misuse. The fact must be one that could rule the threat out
    (`preconditions.could_rule_out`), a control covering one of the finding's components, or a
    component, flow, entry point, asset or boundary on the finding's components or path.
    """
    fact = fact.strip()
    touched = {str(c) for c in [*proposal.get("components", []), *proposal.get("attack_path", [])]}
    if fact in system.capabilities or any(c.id == fact for c in system.controls):
        controls = [c for c in system.controls if c.id == fact]
        relevant = could_rule_out(threat, fact, system) or any(
            touched & set(c.applies_to) for c in controls
        )
    else:
        links: dict[str, set[str]] = {}
        for flow in system.data_flows:
            links[flow.id] = {flow.source, flow.target}
        for entry in system.entry_points:
            links[entry.id] = {entry.target}
        for group in (system.assets, system.trust_boundaries):
            for item in group:
                links[item.id] = set(item.components)
        relevant = fact in touched or bool(touched & links.get(fact, set()))
    if relevant:
        return []
    return [
        Issue(
            code=Code.UNSUPPORTED_RULING.value,
            severity=Severity.ERROR,
            message=f"cites {fact}, which does not bear on {threat.id} in this system",
        )
    ]


def unconfirmed(why: str) -> Issue:
    """The note on a rules finding the model did not confirm (it stays in the output)."""
    return Issue(
        code=Code.MODEL_DID_NOT_CONFIRM.value,
        severity=Severity.WARNING,
        message=f"model did not confirm this rules finding: {why}",
    )


def rules_loss(rules: Sequence[Finding], hybrid: Sequence[Finding]) -> list[Finding]:
    """The rules engine's findings whose threat `hybrid` has at no layer, nor as a variant.

    By threat, not layer: the model's reading of a component may place a threat at another
    layer (an agent read as L3 rather than L1) without losing it.
    """
    kept = {f.threat_id for f in hybrid} | {v for f in hybrid for v in f.variants}
    return [f for f in rules if f.threat_id not in kept]


def loss_warning(lost: Sequence[Finding], total: int) -> str | None:
    """The loud line for a run that lost more than `MAX_RULES_LOSS` of the rules findings."""
    if total == 0 or len(lost) / total <= MAX_RULES_LOSS:
        return None
    ids = ", ".join(sorted({f"{f.threat_id}@{f.layer.value}" for f in lost})[:12])
    return (
        f"WARNING: the hybrid run lacks {len(lost)} of the rules engine's {total} findings "
        f"(more than {MAX_RULES_LOSS:.0%}): {ids}. Each left through a ruling citing the "
        "system model, or through facts the model's reading grounded in the description; "
        "check the rejected proposals and the system model. --strict makes this an error."
    )
