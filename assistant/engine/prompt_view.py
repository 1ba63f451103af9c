"""How the system model and the risk rubric are shown to a model in the proposal prompts."""

from __future__ import annotations

import json
from typing import Any

from assistant.schema import SystemModel

RUBRIC = (
    "likelihood: unlikely (rare precondition or insider with skill) | possible (plausible for a "
    "motivated attacker) | likely (preconditions hold, known cheap technique) | very-likely "
    "(expected without specific controls). impact: low (nuisance, reversible) | medium (limited "
    "exposure or disruption) | high (sensitive data, unauthorised business actions) | critical "
    "(regulated data at scale, financial loss, safety, spread across agents or tenants)."
)


def system_json(system: SystemModel) -> str:
    """The system model as the proposal prompts show it: each fact with the user's words.

    The prompts get the model the extractor built, not the raw description again: it is what
    the findings must refer to, and repeating the text per layer costs tokens. For the same
    reason evidence is shown as its words only (the offsets are for the report), at most two
    per fact, and flows and boundaries, whose words are their components' words, show none.
    """
    data = system.model_dump(mode="json", exclude_defaults=True, exclude={"description"})
    for group, facts in data.items():
        if not isinstance(facts, list):
            continue
        for fact in facts:
            if not isinstance(fact, dict) or "evidence" not in fact:
                continue
            if group in ("data_flows", "trust_boundaries"):
                del fact["evidence"]
            else:
                fact["evidence"] = _words(fact["evidence"])
    if "capability_evidence" in data:
        data["capability_evidence"] = {
            name: _words(found) for name, found in data["capability_evidence"].items()
        }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _words(evidence: list[dict[str, Any]]) -> list[str]:
    """The distinct words of up to two pieces of evidence (answers and assumptions say so)."""
    said = [e.get("quote") or f"assumed: {e.get('reason', '')}" for e in evidence]
    return list(dict.fromkeys(said))[:2]
