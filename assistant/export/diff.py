"""Threat-model diff: what an analysis added, removed or changed, and a gate for pull requests.

Findings are matched on (canonical threat id, layer, sorted components), not on their ids,
because two analyses of the same system number their findings independently. Where a key
occurs more than once in a model, its findings are paired in natural id order.

A finding rejected in review has no risk for the gate: it cannot fail a build, and a finding
that comes back from rejected counts as new.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from assistant.export.common import LAYER_ORDER, canonical_id, natural_key, risk_rank
from assistant.export.escape import one_line
from assistant.knowledge import Catalogue
from assistant.schema import (
    Finding,
    FindingStatus,
    Impact,
    Layer,
    Likelihood,
    RiskLevel,
    ThreatModel,
)

Key = tuple[str, Layer, tuple[str, ...]]
# The gate line names this many findings; --json lists them all.
_LISTED = 20


class Side(BaseModel):
    """One finding as seen in the old or the new model."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    likelihood: Likelihood
    impact: Impact
    risk: RiskLevel
    status: FindingStatus

    @classmethod
    def of(cls, f: Finding) -> Side:
        """The diff's view of a finding."""
        return cls(
            id=f.id,
            title=f.title,
            likelihood=f.likelihood,
            impact=f.impact,
            risk=f.risk,
            status=f.status,
        )

    def live_risk(self) -> int | None:
        """Risk rank for the gate, or None when a reviewer rejected the finding."""
        return None if self.status == FindingStatus.REJECTED else risk_rank(self.risk)


class Change(BaseModel):
    """A finding added, removed or changed between two threat models."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    change: Literal["added", "removed", "changed"]
    threat_id: str
    layer: Layer
    components: list[str]
    old: Side | None = None
    new: Side | None = None

    def reaches(self, level: RiskLevel) -> bool:
        """True if this is a new or worsened finding whose risk is at least `level`."""
        after = self.new.live_risk() if self.new else None
        before = self.old.live_risk() if self.old else None
        if after is None or after < risk_rank(level):
            return False
        return before is None or after > before


class ModelDiff(BaseModel):
    """The differences between two threat models."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    added: list[Change]
    removed: list[Change]
    changed: list[Change]
    unchanged: int

    def gating(self, level: RiskLevel) -> list[Change]:
        """The added or changed findings that trip a `--fail-on level` gate."""
        return [c for c in (*self.added, *self.changed) if c.reaches(level)]

    def removed_gating(self, level: RiskLevel) -> list[Change]:
        """The removed findings that were at `level` or above (`--fail-on-removed`).

        A finding that vanishes is as much a change as one that appears: a model that drops
        findings must not pass the gate. One a reviewer had rejected has no risk to lose.
        """
        return [
            c
            for c in self.removed
            if c.old is not None
            and (rank := c.old.live_risk()) is not None
            and rank >= risk_rank(level)
        ]


def _key(f: Finding, cat: Catalogue) -> Key:
    return (canonical_id(cat, f.threat_id), f.layer, tuple(sorted(set(f.components))))


def _grouped(model: ThreatModel, cat: Catalogue) -> dict[Key, list[Finding]]:
    groups: dict[Key, list[Finding]] = defaultdict(list)
    for f in model.findings:
        groups[_key(f, cat)].append(f)
    for members in groups.values():
        members.sort(key=lambda f: natural_key(f.id))
    return groups


def _order(c: Change) -> tuple[Any, ...]:
    side = c.new or c.old
    assert side is not None
    return (LAYER_ORDER.index(c.layer), -risk_rank(side.risk), natural_key(side.id))


def diff_models(old: ThreatModel, new: ThreatModel, cat: Catalogue) -> ModelDiff:
    """Compare two threat models finding by finding."""
    before, after = _grouped(old, cat), _grouped(new, cat)
    added: list[Change] = []
    removed: list[Change] = []
    changed: list[Change] = []
    unchanged = 0
    for key in {*before, *after}:
        olds, news = before.get(key, []), after.get(key, [])
        threat_id, layer, components = key
        common = {"threat_id": threat_id, "layer": layer, "components": list(components)}
        for i in range(max(len(olds), len(news))):
            o = Side.of(olds[i]) if i < len(olds) else None
            n = Side.of(news[i]) if i < len(news) else None
            if o is None:
                added.append(Change(change="added", new=n, **common))
            elif n is None:
                removed.append(Change(change="removed", old=o, **common))
            elif (o.risk, o.likelihood, o.impact, o.status) != (
                n.risk,
                n.likelihood,
                n.impact,
                n.status,
            ):
                changed.append(Change(change="changed", old=o, new=n, **common))
            else:
                unchanged += 1
    return ModelDiff(
        added=sorted(added, key=_order),
        removed=sorted(removed, key=_order),
        changed=sorted(changed, key=_order),
        unchanged=unchanged,
    )


def diff_json(
    d: ModelDiff, old: str, new: str, fail_on: RiskLevel | None, *, removed: bool = False
) -> dict[str, Any]:
    """The JSON shape printed by `maestro-tm diff --json` (`removed`: gate removals too)."""
    gate = d.gating(fail_on) if fail_on else []
    lost = d.removed_gating(fail_on) if fail_on and removed else []
    return {
        "old": old,
        "new": new,
        "summary": {
            "added": len(d.added),
            "removed": len(d.removed),
            "changed": len(d.changed),
            "unchanged": d.unchanged,
        },
        **d.model_dump(mode="json", include={"added", "removed", "changed"}),
        "gate": {
            "fail_on": fail_on.value if fail_on else None,
            "fail_on_removed": removed,
            "failed": bool(gate or lost),
            "findings": [c.new.id for c in gate if c.new],
            "removed": [c.old.id for c in lost if c.old],
        },
    }


def _describe(c: Change) -> str:
    side = c.new or c.old
    assert side is not None
    components = ", ".join(c.components) or "no components"
    return one_line(f"{side.id} {c.layer.value} {c.threat_id} [{components}]: {side.title}")


def diff_text(
    d: ModelDiff, old: str, new: str, fail_on: RiskLevel | None, *, removed: bool = False
) -> str:
    """Human-readable diff for a terminal (all model text made single-line and control-free)."""
    lines = [one_line(f"{old} -> {new}")]
    for sign, label, changes in (("+", "added", d.added), ("-", "removed", d.removed)):
        for c in changes:
            side = c.new or c.old
            assert side is not None
            lines.append(f"{sign} {label:<8} {side.risk.value:<8} {_describe(c)}")
    for c in d.changed:
        assert c.old is not None and c.new is not None
        what = [
            f"{name} {a} -> {b}"
            for name, a, b in (
                ("risk", c.old.risk.value, c.new.risk.value),
                ("likelihood", c.old.likelihood.value, c.new.likelihood.value),
                ("impact", c.old.impact.value, c.new.impact.value),
                ("status", c.old.status.value, c.new.status.value),
            )
            if a != b
        ]
        renamed = f" (was {one_line(c.old.id)})" if c.old.id != c.new.id else ""
        lines.append(f"~ changed  {c.new.risk.value:<8} {_describe(c)}{renamed}; {'; '.join(what)}")
    lines.append(
        f"{len(d.added)} added, {len(d.removed)} removed, {len(d.changed)} changed, "
        f"{d.unchanged} unchanged"
    )
    if fail_on:
        gate = d.gating(fail_on)
        if gate:
            ids = _listed([c.new.id for c in gate if c.new])
            lines.append(
                f"fail-on {fail_on.value}: {len(gate)} new or worsened finding(s) at "
                f"{fail_on.value} or above: {ids}"
            )
        else:
            lines.append(f"fail-on {fail_on.value}: no new or worsened finding reaches it")
        lost = d.removed_gating(fail_on) if removed else []
        if lost:
            ids = _listed([c.old.id for c in lost if c.old])
            lines.append(
                f"fail-on {fail_on.value}: {len(lost)} finding(s) at {fail_on.value} or above "
                f"removed: {ids}"
            )
    return "\n".join(lines)


def _listed(ids: list[str]) -> str:
    """Finding ids for a gate line: the first `_LISTED`, then how many more."""
    shown = ", ".join(one_line(i) for i in ids[:_LISTED])
    return shown + (f" and {len(ids) - _LISTED} more" if len(ids) > _LISTED else "")
