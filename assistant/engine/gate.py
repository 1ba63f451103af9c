"""The gate every proposal passes: validate, keep the accepted, keep the rejected with reasons.

Whatever proposed it (rules, a model, a repair attempt), a proposal becomes a finding only here.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from assistant.knowledge.catalogue import Catalogue
from assistant.schema import (
    Finding,
    Issue,
    Outcome,
    Provenance,
    RejectedProposal,
    Severity,
    SystemModel,
)
from assistant.validator import check_proposal, duplicate_issues


def gate(
    proposals: Iterable[Mapping[str, Any]],
    system: SystemModel,
    catalogue: Catalogue,
    *,
    accepted: Collection[Finding] = (),
    retrieved: Collection[str] | None = None,
    provenance: Provenance | None = None,
) -> tuple[list[Finding], list[RejectedProposal]]:
    """Validate proposals against the catalogue, the system and the findings already accepted.

    Args:
        proposals: Raw proposals (model JSON or rules output).
        system: The system model.
        catalogue: The catalogue of record.
        accepted: Findings accepted earlier in this analysis (for duplicate detection).
        retrieved: Passage ids retrieved in this run, if any were.
        provenance: Recorded on rejected proposals.

    Returns:
        The newly accepted findings (threat ids made canonical, warnings attached as
        `validator_notes`) and the rejected proposals with their issues.
    """
    findings: list[Finding] = []
    rejected: list[RejectedProposal] = []
    for raw in proposals:
        finding, verdict = check_proposal(raw, system, catalogue, retrieved)
        if finding is not None and verdict.outcome != Outcome.REJECTED:
            # Duplicates are judged against everything accepted so far.
            extra = duplicate_issues(finding, [*accepted, *findings], catalogue)
            if not extra:
                findings.append(_settle(finding, verdict.issues, catalogue))
                continue
            verdict = verdict.model_copy(
                update={"outcome": Outcome.REJECTED, "issues": extra + verdict.issues}
            )
        rejected.append(
            RejectedProposal(proposal=dict(raw), issues=verdict.issues, provenance=provenance)
        )
    return findings, rejected


def _settle(finding: Finding, issues: list[Issue], catalogue: Catalogue) -> Finding:
    canonical = catalogue.resolve(finding.threat_id) or finding.threat_id
    warnings = [i for i in issues if i.severity == Severity.WARNING]
    return finding.model_copy(update={"threat_id": canonical, "validator_notes": warnings})
