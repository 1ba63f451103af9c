"""What every export format shares: ordering, review state, catalogue look-ups, provenance.

One ordering function and one definition of "reviewed" keep the formats consistent with one
another: the CSV rows, the OTM threats and the Markdown sections list findings in the same order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Literal

from assistant.knowledge import Catalogue
from assistant.knowledge.model import SourceRef
from assistant.schema import (
    LAYER_NAMES,
    Finding,
    FindingStatus,
    Impact,
    Layer,
    Likelihood,
    RiskLevel,
    SystemModel,
    ThreatModel,
)

LAYER_ORDER: tuple[Layer, ...] = tuple(Layer)
RISK_ORDER: tuple[RiskLevel, ...] = tuple(RiskLevel)
LIKELIHOOD_ORDER: tuple[Likelihood, ...] = tuple(Likelihood)
IMPACT_ORDER: tuple[Impact, ...] = tuple(Impact)

# Only a decision closes a finding: needs-info is a reviewer's question, not a sign-off.
REVIEWED: frozenset[FindingStatus] = frozenset({FindingStatus.ACCEPTED, FindingStatus.REJECTED})

_DIGITS = re.compile(r"(\d+)")


def layer_title(layer: Layer) -> str:
    """`L2 Data Operations`."""
    return f"{layer.value} {LAYER_NAMES[layer]}"


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that puts `F-2` before `F-10` (numbers compare as numbers)."""
    return tuple(
        (1, int(part)) if i % 2 else (0, part) for i, part in enumerate(_DIGITS.split(text))
    )


def risk_rank(risk: RiskLevel) -> int:
    """0 for low .. 3 for critical."""
    return RISK_ORDER.index(risk)


def ordered_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Findings by layer (L1..L7, CL), then highest risk first, then id (naturally)."""
    return sorted(
        findings,
        key=lambda f: (LAYER_ORDER.index(f.layer), -risk_rank(f.risk), natural_key(f.id)),
    )


def live_findings(findings: Iterable[Finding]) -> list[Finding]:
    """The findings that count toward risk: all but those a reviewer rejected."""
    return [f for f in findings if f.status != FindingStatus.REJECTED]


def top_risks(findings: Iterable[Finding], limit: int = 5) -> list[Finding]:
    """The highest-risk findings that are not rejected, worst first."""
    live = live_findings(findings)
    live.sort(
        key=lambda f: (
            -risk_rank(f.risk),
            -LIKELIHOOD_ORDER.index(f.likelihood),
            -IMPACT_ORDER.index(f.impact),
            LAYER_ORDER.index(f.layer),
            natural_key(f.id),
        )
    )
    return live[:limit]


def pending_review(findings: Iterable[Finding]) -> list[Finding]:
    """Findings no reviewer has accepted or rejected yet (draft or needs-info)."""
    return [f for f in findings if f.status not in REVIEWED]


def is_signed_off(model: ThreatModel) -> bool:
    """True when there is at least one finding and every finding is accepted or rejected.

    A model with no findings stays a draft: an empty result is more often a failed or partial
    analysis than a clean bill of health, and only a person can say which.
    """
    return bool(model.findings) and not pending_review(model.findings)


def threat_name(cat: Catalogue, threat_id: str) -> str | None:
    """The catalogue name of a threat id or alias, or None if the catalogue does not know it."""
    entry = cat.get(threat_id)
    return entry.name if entry is not None else None


def canonical_id(cat: Catalogue, entry_id: str) -> str:
    """The canonical catalogue id for an id or alias; the id itself if unknown."""
    return cat.resolve(entry_id) or entry_id


def evidence_entry_id(passage_id: str) -> str:
    """The catalogue entry a passage id (`T1#0`) belongs to."""
    return passage_id.split("#", 1)[0]


def source_citation(cat: Catalogue, ref: SourceRef) -> str:
    """`<document title> <version>, <section>` for one source reference (plain text)."""
    source = cat.sources.get(ref.doc)
    document = f"{source.title} {source.version}" if source else ref.doc
    return f"{document}, {ref.section}"


def cited_entry_ids(model: ThreatModel, cat: Catalogue) -> list[str]:
    """Canonical ids of every catalogue entry the findings cite, in natural order."""
    ids: set[str] = set()
    for f in model.findings:
        ids.add(canonical_id(cat, f.threat_id))
        ids.update(canonical_id(cat, m.id) for m in f.mitigations)
        ids.update(canonical_id(cat, evidence_entry_id(e)) for e in f.evidence)
    return sorted(ids, key=natural_key)


def prompt_versions(model: ThreatModel) -> list[str]:
    """`<prompt id> v<version>` for every prompt that produced a finding, sorted."""
    found = {
        f"{p.prompt_id} v{p.prompt_version}" if p.prompt_version else str(p.prompt_id)
        for p in (f.provenance for f in model.findings)
        if p.prompt_id
    }
    return sorted(found, key=natural_key)


def models_used(model: ThreatModel) -> list[str]:
    """The model of the analysis and of every finding, sorted."""
    found = {f.provenance.model for f in model.findings if f.provenance.model}
    if model.model:
        found.add(model.model)
    return sorted(found)


def engines_used(model: ThreatModel) -> list[str]:
    """The engine of the analysis first, then any other engine a finding names."""
    others = sorted({f.provenance.engine.value for f in model.findings} - {model.engine.value})
    return [model.engine.value, *others]


Approval = Literal["yes", "no", "partial", "unknown"]


def approval_state(system: SystemModel, component_id: str) -> Approval:
    """Whether a human approves what a component does, as the exports show it.

    The human-approval controls that name the component decide (else those that cover the whole
    system): all present is `yes`, all absent `no`, both `partial` (e.g. "above $200 a lead
    approves; below, automatic"), none `unknown`. Unlike `SystemModel.approval`, which settles on
    one answer for the rules engine, a split is shown as what it is.
    """
    states = {c.present for c in system.approvals_for(component_id)}
    if not states:
        return "unknown"
    if len(states) == 2:
        return "partial"
    return "yes" if True in states else "no"


def format_timestamp(moment: datetime) -> str:
    """`2026-11-26 00:00:00 UTC` (a naive time is taken to be UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
