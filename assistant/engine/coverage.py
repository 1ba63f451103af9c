"""Per-layer coverage: covered, not applicable (with the reason) or unknown (with the question).

No invented coverage: a layer is `covered` only when it holds findings; a layer with nothing that
applies says why, and a layer we know too little about says which question would settle it.
"""

from __future__ import annotations

from assistant.engine.rules import proposable
from assistant.knowledge.catalogue import Catalogue
from assistant.knowledge.model import LayerEntry, ThreatEntry
from assistant.knowledge.preconditions import RuledOut, Unknown, check
from assistant.schema import CoverageStatus, Finding, Layer, LayerCoverage, SystemModel


def coverage(
    system: SystemModel, findings: list[Finding], catalogue: Catalogue
) -> dict[Layer, LayerCoverage]:
    """Coverage of every layer (L1..L7 and CL) for a system and its validated findings."""
    with_findings = {f.layer for f in findings}
    present = system.layers_present()
    result: dict[Layer, LayerCoverage] = {}
    for layer in Layer:
        if layer in with_findings:
            result[layer] = LayerCoverage(status=CoverageStatus.COVERED)
        elif layer == Layer.CL:
            result[layer] = _cross_layer(present)
        else:
            result[layer] = _uncovered(layer, system, catalogue)
    return result


def _cross_layer(present: set[Layer]) -> LayerCoverage:
    if len(present) < 2:
        return LayerCoverage(
            status=CoverageStatus.UNKNOWN,
            question="Which components at different layers exchange data or trust each other?",
        )
    return LayerCoverage(
        status=CoverageStatus.UNKNOWN,
        question=(
            "Can a compromise in one layer reach another here, e.g. poisoned data reaching a tool call, "
            "or an infrastructure foothold reaching agent memory?"
        ),
    )


def _uncovered(layer: Layer, system: SystemModel, catalogue: Catalogue) -> LayerCoverage:
    threats = [t for t in catalogue.of_type(ThreatEntry) if proposable(t) and layer in t.layers]
    checks = [check(t, system, catalogue) for t in threats]
    ruled_out = sorted({a.need for a in checks if isinstance(a, RuledOut)})
    if checks and all(isinstance(a, RuledOut) for a in checks):
        return LayerCoverage(
            status=CoverageStatus.NOT_APPLICABLE,
            reason=f"every catalogue threat at {layer.value} needs something the system rules out: {', '.join(ruled_out)}",
        )
    entry = catalogue.entries.get(layer.value)
    question = entry.questions[0] if isinstance(entry, LayerEntry) and entry.questions else ""
    missing = sorted({c for a in checks if isinstance(a, Unknown) for c in a.open})
    if missing and layer not in system.layers_present():
        question = (
            f"{question} (Open: {', '.join(missing[:4])}.)"
            if question
            else f"Open: {', '.join(missing[:4])}."
        )
    return LayerCoverage(status=CoverageStatus.UNKNOWN, question=question)
