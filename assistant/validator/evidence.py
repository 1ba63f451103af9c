"""Checks of the user's words a finding or a ruling cites: quotes, and rulings' facts."""

from __future__ import annotations

from collections.abc import Iterator

from assistant.schema import Evidence, EvidenceKind, Finding, Issue, SystemModel
from assistant.validator.issues import Code, error


def quote_issues(f: Finding, system: SystemModel) -> Iterator[Issue]:
    """The user's words a finding cites are the user's words; a model's finding cites some.

    Rules findings quote the facts they rest on; a model's finding must quote the description
    too (`ProposedFinding.quotes`), so that it cannot rest on words nobody wrote. Findings a
    model made before the prompts asked for quotes still validate.
    """
    if not system.description.strip():
        return  # a system file: its facts cite file locations, not a description
    quotes = [e for e in f.grounding if e.kind == EvidenceKind.QUOTE]
    for e in quotes:
        if e.start is not None and e.end is not None:
            held = _said(system.description[e.start : e.end]) == _said(e.quote)
        else:
            held = _said(e.quote) in _said(system.description)
        if not held:
            yield error(
                Code.MISQUOTED, f"quotes words the description does not hold: {e.quote[:80]!r}"
            )
    if not quotes and _asked_to_quote(f):
        yield error(Code.UNQUOTED, "quotes none of the description's words it relies on")


QUOTING_PROMPTS = {"propose_layer": 2, "propose_cross_layer": 2, "safety_net": 3}
"""The first version of each proposal prompt that asks the model to quote the description."""


def _asked_to_quote(f: Finding) -> bool:
    """Whether the model behind a finding was asked for quotes (older files were not)."""
    since = QUOTING_PROMPTS.get(f.provenance.prompt_id or "")
    version = f.provenance.prompt_version or ""
    return since is not None and version.isdigit() and int(version) >= since


def _said(text: str) -> str:
    """Words as compared for quoting: whitespace runs as one space, case folded."""
    return " ".join(text.split()).casefold()


MIN_RULING_QUOTE = 8
"""Shortest evidence span a ruling may cite: a word or two proves nothing."""


def _facts(system: SystemModel) -> dict[str, list[Evidence]]:
    """Every fact a ruling may cite, by id, with its evidence.

    Components, controls, flows, boundaries, assets and entry points, and the capabilities the
    system rules out (a capability that is present rules nothing out).
    """
    facts: dict[str, list[Evidence]] = {}
    for group in (
        system.components,
        system.controls,
        system.data_flows,
        system.trust_boundaries,
        system.assets,
        system.entry_points,
    ):
        for fact in group:
            facts.setdefault(fact.id, []).extend(fact.evidence)
    for name, present in system.capabilities.items():
        if not present:
            facts.setdefault(name, []).extend(system.capability_evidence.get(name, []))
    return facts


def check_ruling(fact: str, quote: str, system: SystemModel) -> list[Issue]:
    """Whether a model's "ruled out" cites a system-model fact and one of its evidence spans.

    A rules finding leaves a hybrid analysis only through a ruling with no issue here: `fact`
    is the id of a component, control, flow, boundary, asset or entry point, or a capability
    the system rules out; `quote` is (part of) the user's words recorded as that fact's
    evidence, and for a description quote the span still reads so in the description.
    """
    evidence = _facts(system).get(fact.strip())
    if evidence is None:
        return [
            error(Code.UNSUPPORTED_RULING, f"cites {fact.strip()!r}, no fact of the system model")
        ]
    needle = _said(quote)
    if sum(c.isalnum() for c in needle) < MIN_RULING_QUOTE:
        return [error(Code.UNSUPPORTED_RULING, f"cites {fact} without the words that settle it")]
    for item in evidence:
        said = _said(item.quote)
        if needle not in said:
            continue
        if item.kind != EvidenceKind.QUOTE or item.start is None or item.end is None:
            return []
        if _said(system.description[item.start : item.end]) == said:
            return []
    return [error(Code.UNSUPPORTED_RULING, f"the words quoted are not the evidence of {fact}")]
