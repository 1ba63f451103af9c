"""Verdict building blocks: the issue codes, the text limits, and how issues become a verdict."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from pydantic import ValidationError

from assistant.schema import Issue, Outcome, Severity, Verdict

# Text limits: long enough for a careful scenario, short enough to catch a model dumping its
# whole context into a field.
MAX_TITLE = 200
MAX_TEXT = 4000
REQUIRE_GROUNDING = False
"""Default of the `ungrounded` check: off until the rules engine attaches evidence to its
findings (it cites no passages yet, so every rules finding would be rejected); then it is
switched on here, for every caller at once. `maestro-tm validate --require-grounding` turns it
on for one run."""


class Code(StrEnum):
    """Machine-readable issue codes."""

    SCHEMA = "schema-error"
    UNKNOWN_THREAT = "unknown-threat"
    NOT_A_THREAT = "not-a-threat"
    NON_CANONICAL_ID = "non-canonical-id"
    LAYER_MISMATCH = "layer-mismatch"
    CONTRADICTS_SYSTEM = "contradicts-system"
    NEEDS_INFO = "needs-info"
    UNGROUNDED = "ungrounded"
    UNKNOWN_COMPONENT = "unknown-component"
    NO_COMPONENTS = "no-components"
    UNRETRIEVED_EVIDENCE = "unretrieved-evidence"
    UNKNOWN_MITIGATION = "unknown-mitigation"
    UNRELATED_MITIGATION = "unrelated-mitigation"
    BAD_RISK_INPUT = "bad-risk-input"
    RISK_RECOMPUTED = "risk-recomputed"
    BAD_CHAIN = "bad-chain"
    DUPLICATE = "duplicate"
    DUPLICATE_ID = "duplicate-id"
    EMPTY_TEXT = "empty-text"
    OVERSIZED_TEXT = "oversized-text"
    NOT_APPLICABLE_WITHOUT_REASON = "not-applicable-without-reason"
    COVERED_WITHOUT_FINDINGS = "covered-without-findings"
    UNSUPPORTED_RULING = "unsupported-ruling"
    MODEL_DID_NOT_CONFIRM = "model-did-not-confirm"
    BAD_VARIANT = "bad-variant"
    UNQUOTED = "unquoted"
    MISQUOTED = "misquoted"


def error(code: Code, message: str) -> Issue:
    """An issue that rejects the finding."""
    return Issue(code=code.value, severity=Severity.ERROR, message=message)


def warning(code: Code, message: str) -> Issue:
    """An issue the finding is accepted with."""
    return Issue(code=code.value, severity=Severity.WARNING, message=message)


def verdict(finding_id: str, issues: Sequence[Issue]) -> Verdict:
    """Decide the outcome from a list of issues (errors first in the result)."""
    ordered = sorted(issues, key=lambda i: i.severity != Severity.ERROR)
    if any(i.severity == Severity.ERROR for i in ordered):
        outcome = Outcome.REJECTED
    elif ordered:
        outcome = Outcome.ACCEPTED_WITH_WARNINGS
    else:
        outcome = Outcome.ACCEPTED
    return Verdict(finding_id=finding_id, outcome=outcome, issues=ordered)


def schema_issues(invalid: ValidationError) -> list[Issue]:
    """Translate a pydantic error on a finding into validator issues."""
    issues = []
    for item in invalid.errors(include_url=False):
        loc = [str(p) for p in item["loc"]]
        where = ".".join(loc) or "finding"
        if loc and loc[0] in {"likelihood", "impact"}:
            issues.append(
                error(Code.BAD_RISK_INPUT, f"{where}: {item['msg']} (see the risk rubric)")
            )
        elif loc and loc[0] in {"layer", "chain_layers"}:
            issues.append(error(Code.LAYER_MISMATCH, f"{where}: {item['msg']}"))
        else:
            issues.append(error(Code.SCHEMA, f"{where}: {item['msg']}"))
    return issues
