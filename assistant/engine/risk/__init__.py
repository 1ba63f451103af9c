"""Graded risk from the facts of the system model (docs/RISK.md).

`rate(threat, system, components)` rates one finding: likelihood from the exposure on the path
to the components it concerns, the controls in the way and the agentic factors that amplify
it; impact from what is at stake there, how reversible it is and who approves it. The result
carries every factor with the fact it cites, and `Rating.rationale()` says it in plain words.
The risk level is not set here: the schema looks it up from likelihood and impact.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.engine.risk.impact import impact
from assistant.engine.risk.likelihood import likelihood
from assistant.engine.risk.model import Axis, FactKind, Factor, Move, Rating
from assistant.engine.risk.profiles import PROFILES, Exposure, Harm, Profile, profile
from assistant.engine.risk.scope import Scope, scope_of
from assistant.knowledge.model import ThreatEntry
from assistant.schema import SystemModel

__all__ = [
    "PROFILES",
    "Axis",
    "Exposure",
    "FactKind",
    "Factor",
    "Harm",
    "Move",
    "Profile",
    "Rating",
    "Scope",
    "profile",
    "rate",
    "scope_of",
]


def rate(threat: ThreatEntry, system: SystemModel, components: Sequence[str]) -> Rating:
    """Rate one finding: the threat, the system model, and the ids of the components it concerns.

    Deterministic: the same threat, system and components always give the same rating, factors
    and rationale (nothing depends on time, randomness or set order).
    """
    threat_profile = profile(threat.id)
    scope = scope_of(system, components)
    level, likely_factors = likelihood(threat, threat_profile, scope, system)
    worst, impact_factors = impact(threat_profile, scope, system)
    return Rating(likelihood=level, impact=worst, factors=[*likely_factors, *impact_factors])
