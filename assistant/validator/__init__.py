"""The deterministic validator: the gate between any proposal and the user.

Pure functions, no I/O: the same threat model, catalogue and retrieval log always give the same
verdicts. Every check has a stable code (see `Code`) so tools and tests can rely on it; the
codes and their meaning are listed in docs/VALIDATOR.md.

Whether a finding's threat can apply to this system is decided by the one precondition check
the rules engine uses as well (`assistant.knowledge.preconditions`): ruled out by a fact of the
system model is `contradicts-system`; unsettled keeps the finding, as `needs-info` with the
question that settles it.
"""

from assistant.validator.evidence import MIN_RULING_QUOTE, QUOTING_PROMPTS, check_ruling
from assistant.validator.findings import (
    check_proposal,
    duplicate_issues,
    validate_findings,
    validate_model,
)
from assistant.validator.issues import (
    MAX_TEXT,
    MAX_TITLE,
    REQUIRE_GROUNDING,
    Code,
    schema_issues,
    verdict,
)

__all__ = [
    "MAX_TEXT",
    "MAX_TITLE",
    "MIN_RULING_QUOTE",
    "QUOTING_PROMPTS",
    "REQUIRE_GROUNDING",
    "Code",
    "check_proposal",
    "check_ruling",
    "duplicate_issues",
    "schema_issues",
    "validate_findings",
    "validate_model",
    "verdict",
]
