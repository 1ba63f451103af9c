"""Variants: extended threats that restate a core finding, folded under it.

The MAS guide's worked examples name many threats that are a core threat seen through one
system's parts (a service-account key behind privilege compromise, a vector index behind memory
poisoning). Drafted beside the core finding on the same part they say the same thing twice, so
the rules engine lists them on the core finding (`Finding.variants`) and the validator checks
each one there.
"""

from __future__ import annotations

from typing import Any

from assistant.knowledge.catalogue import Catalogue
from assistant.knowledge.model import ThreatEntry, ThreatFamily
from assistant.schema import FindingStatus, Layer


def fold_variants(proposals: list[dict[str, Any]], catalogue: Catalogue) -> list[dict[str, Any]]:
    """Extended threats that restate a core finding, listed under it instead of beside it.

    An extended threat is a variant of a core finding when the catalogue relates the two, both
    sit at the same layer and they name a component in common: the same harm through the same
    part (`MAS-SERVICE-ACCOUNT-EXPOSURE` beside T3 on one API key). A reviewer reads it once,
    under the core threat; an extended threat about a part no core finding names stays a
    finding of its own.
    """
    cores = [p for p in proposals if _drafted(p, catalogue, ThreatFamily.CORE)]
    kept: list[dict[str, Any]] = []
    for proposal in proposals:
        entry = catalogue.threat(proposal["threat_id"])
        host = None
        if entry is not None and _drafted(proposal, catalogue, ThreatFamily.MAS_EXTENDED):
            host = next((c for c in cores if _restates(entry, proposal, c, catalogue)), None)
        if entry is None or host is None:
            kept.append(proposal)
            continue
        host.setdefault("variants", []).append(entry.id)
    return kept


def _drafted(proposal: dict[str, Any], catalogue: Catalogue, family: ThreatFamily) -> bool:
    entry = catalogue.threat(proposal["threat_id"])
    return (
        entry is not None
        and entry.family == family
        and proposal.get("status", FindingStatus.DRAFT.value) == FindingStatus.DRAFT.value
        and proposal["layer"] != Layer.CL.value
    )


def _restates(
    variant: ThreatEntry, proposal: dict[str, Any], core: dict[str, Any], catalogue: Catalogue
) -> bool:
    host = catalogue.threat(core["threat_id"])
    return (
        host is not None
        and (host.id in variant.related or variant.id in host.related)
        and core["layer"] == proposal["layer"]
        and bool(set(core["components"]) & set(proposal["components"]))
    )
