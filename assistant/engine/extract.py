"""Deterministic extraction of a system-model delta from free text (rules mode).

The reading itself lives in `assistant.engine.reading`: clause by clause, with negation scope
and modality, identifiers and structured text, every fact quoting the words it came from. This
module is its stable entry point for the engine, the interview and the model-backed modes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from assistant.engine.reading.reader import read, slug
from assistant.schema import (
    Asset,
    Component,
    Control,
    DataFlow,
    EntryPoint,
    Evidence,
    EvidenceKind,
    SystemDelta,
    TrustBoundary,
)

__all__ = ["extract", "extract_answer", "restate", "shift_evidence", "slug"]

_Grounded = Component | Control | Asset | EntryPoint | DataFlow | TrustBoundary


def extract(text: str) -> SystemDelta:
    """Read a description or an answer and return what it says about the system, with evidence.

    Quote offsets in the evidence are offsets into `text`.
    """
    return read(text)


def restate(delta: SystemDelta, change: Callable[[Evidence], Evidence]) -> SystemDelta:
    """`delta` with every piece of evidence passed through `change`."""

    def each(items: Sequence[_Grounded]) -> list[Any]:
        return [i.model_copy(update={"evidence": [change(e) for e in i.evidence]}) for i in items]

    return delta.model_copy(
        update={
            "components": each(delta.components),
            "controls": each(delta.controls),
            "assets": each(delta.assets),
            "entry_points": each(delta.entry_points),
            "data_flows": each(delta.data_flows),
            "trust_boundaries": each(delta.trust_boundaries),
            "capability_evidence": {
                k: [change(e) for e in v] for k, v in delta.capability_evidence.items()
            },
        }
    )


def shift_evidence(delta: SystemDelta, offset: int) -> SystemDelta:
    """`delta` read from text that stands at `offset` of the description (a later message)."""
    if offset == 0:
        return delta

    def shift(e: Evidence) -> Evidence:
        if e.start is None or e.end is None:
            return e
        return e.model_copy(update={"start": e.start + offset, "end": e.end + offset})

    return restate(delta, shift)


def extract_answer(text: str, question_id: str) -> SystemDelta:
    """Read an interview answer: its facts cite the question and the words of the answer."""

    def cite(e: Evidence) -> Evidence:
        if e.kind != EvidenceKind.QUOTE:
            return e
        return Evidence(kind=EvidenceKind.ANSWER, question_id=question_id, quote=e.quote)

    return restate(extract(text), cite)
