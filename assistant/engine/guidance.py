"""Guidance passages that rules proposals cite: the controls that fit each threat in this system.

A rules proposal cites its threat's own catalogue passages when it is drafted, with no search.
Where the guidance index is open, each proposal also cites the control passages the index ranks
best for its threat in this system (the context is the names on the proposal's path: the way
in, the parts, what is at stake), all proposals' queries in one search; the gate then checks
every cited passage was retrieved in this run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from assistant.knowledge.catalogue import Catalogue
from assistant.schema import SystemModel

Cite = Callable[[Sequence[tuple[str, str]]], Sequence[Sequence[str]]]
"""For (threat id, system context) pairs, the ids of the guidance passages to cite, best first."""

Opening = Callable[[], "Cite | None"]
"""Waits for the guidance index being opened elsewhere; None when it could not be."""

PER_FINDING = 2
"""Retrieved passages added to each proposal, beside its threat's own."""


def cite_guidance(
    proposals: list[dict[str, Any]], system: SystemModel, catalogue: Catalogue, cite: Cite
) -> set[str]:
    """Add retrieved guidance passages to each proposal's evidence; return the ids retrieved.

    The controls retrieved for a threat in this system also come first among its mitigations
    (those the catalogue links to the threat), so a finding's evidence and its advice agree.

    Args:
        proposals: Raw rules proposals (each with `threat_id`, `components`, `evidence` and
            `mitigations`, perhaps an `attack_path`), changed in place.
        system: The system model, for the names on the proposals' paths.
        catalogue: The catalogue, for the controls linked to each threat.
        cite: The search (see `Cite`).
    """
    # The names on the proposal's path (entry, parts, asset at stake): a short query, since
    # the embedder's time grows with its length, and the scenario says little more.
    names = {c.id: c.name for c in system.components}
    names |= {e.id: e.name for e in system.entry_points} | {a.id: a.name for a in system.assets}
    asks = [
        (
            p["threat_id"],
            ", ".join(names.get(i, i) for i in p.get("attack_path") or p["components"]),
        )
        for p in proposals
    ]
    retrieved: set[str] = set()
    for proposal, ids in zip(proposals, cite(asks) if asks else [], strict=True):
        cited = list(proposal.get("evidence") or [])
        found = [i for i in ids if i not in cited][:PER_FINDING]
        retrieved.update(found)
        proposal["evidence"] = cited + found
        proposal["mitigations"] = _first(proposal, [i.split("#")[0] for i in ids], catalogue)
    return retrieved


def _first(
    proposal: dict[str, Any], controls: list[str], catalogue: Catalogue
) -> list[dict[str, str]]:
    """The proposal's mitigations with the retrieved controls linked to its threat first."""
    listed = list(proposal.get("mitigations") or [])
    threat = catalogue.threat(proposal["threat_id"])
    if threat is None or not listed:
        return listed
    linked = [
        c
        for c in controls
        if (m := catalogue.mitigation(c)) is not None and catalogue.linked(m, threat)
    ]
    ids = list(dict.fromkeys([*linked, *(m["id"] for m in listed)]))[: len(listed)]
    return [{"id": i, "text": ""} for i in ids]
