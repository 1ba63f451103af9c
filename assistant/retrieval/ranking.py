"""What a question is after, and how equivalent threats share one result slot.

Two adjustments applied after fusion, both cheap and deterministic:

- *Kind priors.* A question about an attack ("could someone trick it into ...") wants threats;
  interview questions, decision-path steps and blindspot notes that happen to share its words
  are pushed down. A request for a control ("make sure ...", "how do we stop ...") lifts
  mitigations. A question that says neither is left alone.
- *Canonical groups.* A CSA, MAS or cross-layer threat whose catalogue entry relates it to
  exactly one core threat (T1..T17) is that threat seen from one layer or source. It is shown
  under the core threat instead of taking a slot of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum

from assistant.knowledge import Catalogue
from assistant.knowledge.model import ThreatEntry
from assistant.retrieval.passages import Passage


class Intent(StrEnum):
    """What kind of guidance a question is after."""

    THREAT = "threat"
    CONTROL = "control"
    OPEN = "open"


_CORE = re.compile(r"T\d+")
_GROUPED_FAMILIES = {"csa-layer", "cross-layer", "mas-extended", "mas-scenario"}
_ASKING = re.compile(
    r"\b(which layer|what layer|what (should|do|would) (we|i) ask|questions? (to|should|we)|"
    r"interview|decision path)\b"
)
_CONTROL_START = re.compile(
    r"(add|apply|audit|block|cap|check|configure|detect|enforce|ensure|find|get|give|isolate|"
    r"keep|limit|log|make|monitor|pin|prevent|put|rate|red-team|require|restrict|review|rotate|"
    r"run|sandbox|scan|separate|set|sign|stop|store|test|track|use|validate|verify)\b"
)
_CONTROL = re.compile(
    r"\b(how (do|can|should) (we|i|you)|how to|should|"
    r"mitigat\w*|countermeasures?|controls? (for|against)|defen[cs]e|protect against|"
    r"prevent\w*|guard against|best practice)\b"
)
_THREAT = re.compile(
    r"\b(attack\w*|adversar\w*|someone|somebody|malicious|abus\w*|exploit\w*|trick\w*|steal\w*|"
    r"poison\w*|fake|forg\w*|spoof\w*|impersonat\w*|pretend\w*|hijack\w*|inject\w*|tamper\w*|"
    r"what if|could (a|an|one|someone|the)|threat|risk|leak\w*|exfiltrat\w*|rogue|compromis\w*)\b"
)
PRIORS: dict[Intent, dict[str, float]] = {
    Intent.THREAT: {"question": 0.7, "decision-step": 0.7},
    Intent.CONTROL: {"mitigation": 1.3},
    Intent.OPEN: {},
}
"""Multipliers on the fused score, by kind (or by threat family, for blindspots)."""


def intent(query: str) -> Intent:
    """The kind of guidance `query` seems to want; OPEN when it says neither."""
    text = query.lower()
    if _ASKING.search(text):
        return Intent.OPEN
    if _CONTROL_START.match(text) or _CONTROL.search(text):
        return Intent.CONTROL
    return Intent.THREAT if _THREAT.search(text) else Intent.OPEN


def prior(passage: Passage, families: dict[str, str], want: Intent) -> float:
    """The multiplier `want` puts on a passage's fused score."""
    table = PRIORS[want]
    if passage.kind == "threat" and families.get(passage.entry_id) == "blindspot":
        return table.get("blindspot", 1.0)
    return table.get(passage.kind, 1.0)


def families(catalogue: Catalogue) -> dict[str, str]:
    """Threat id to family."""
    return {
        e.id: str(e.family.value) for e in catalogue.entries.values() if isinstance(e, ThreatEntry)
    }


def canonical_groups(catalogue: Catalogue) -> dict[str, str]:
    """Entry id to the core threat it is an equivalent of (only for grouped entries)."""
    out: dict[str, str] = {}
    for entry in catalogue.entries.values():
        if not isinstance(entry, ThreatEntry) or entry.family.value not in _GROUPED_FAMILIES:
            continue
        cores = [r for r in entry.related if _CORE.fullmatch(r) and r in catalogue.entries]
        if len(cores) == 1:
            out[entry.id] = cores[0]
    return out


def grouped(
    ranked: Iterable[tuple[Passage, float]],
    groups: dict[str, str],
    head_passage: dict[str, Passage],
    k: int,
) -> list[Passage]:
    """At most `k` results, one per canonical entry, best first, equivalents under their head.

    Args:
        ranked: Passages with scores, best first (several may share an entry).
        groups: Entry id to its canonical entry (absent: the entry is its own head).
        head_passage: The passage to show for a head that is reached only through an equivalent.
        k: How many results.
    """
    heads: dict[str, tuple[Passage, float]] = {}
    members: dict[str, list[str]] = {}
    stand_ins: set[str] = set()  # heads shown with `head_passage` until their own one ranks
    for passage, score in ranked:
        if len(heads) == k:
            break  # what ranks below the last result shown is not listed, not even under it
        head = groups.get(passage.entry_id, passage.entry_id)
        if head not in heads:
            shown = passage if head == passage.entry_id else head_passage.get(head, passage)
            heads[head] = (shown, score)
            members[head] = []
            if shown is not passage:
                stand_ins.add(head)
        elif passage.entry_id == head and head in stand_ins:
            heads[head] = (passage, heads[head][1])  # the head's own best words, once found
            stand_ins.discard(head)
        if passage.entry_id != head and passage.entry_id not in members[head]:
            members[head].append(passage.entry_id)
    return [
        passage.model_copy(update={"score": round(score, 4), "also": members[head]})
        for head, (passage, score) in heads.items()
    ]
