"""Scoring: how a threat model's findings compare with a case's reference threats.

Definitions (docs/EVALS.md has the long form):

- An expected item is *matched* by a validated finding with the same canonical threat id at one
  of the item's acceptable layers. A finding is *matching* when it matches some expected item.
- recall = matched items / expected items; precision = matching findings / all findings;
  F1 = their harmonic mean. Core recall and extended recall restrict recall to core (T1-T17)
  and to all other expected items; layer-agnostic recall ignores the layer.
- not_expected hits are the `not_expected` threats found at any layer.
- rejection rate = rejected proposals / (accepted findings + rejected proposals).
- stability = mean pairwise Jaccard similarity of the (threat, layer) sets of the runs.

Every ratio is *micro-averaged*: counts are pooled first (over the runs of a case, and over all
cases and runs for the aggregate) and divided once, so each expected item and each finding
weighs the same wherever it sits. Stability is the exception: it is a per-case quantity, and the
aggregate is its mean over the cases that have one. A ratio with a zero denominator is None.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations

from pydantic import BaseModel, ConfigDict

from assistant.evals.cases import LoadedCase, Target
from assistant.llm.base import Usage
from assistant.schema import Layer

FindingKey = tuple[str, Layer]
"""A finding reduced to what scoring looks at: canonical threat id and layer."""


@dataclass(frozen=True)
class RunResult:
    """One engine run on one case.

    Attributes:
        findings: The validated findings (canonical threat id, layer).
        rejected: How many proposals the validator rejected.
        usage: Tokens and cost of the run.
        wall_seconds: How long the run took.
        error: One line if the run failed (it then counts as a run that found nothing).
        baseline: Threats the run listed as baseline controls instead of findings, or as
            variants on a finding (`Finding.variants`, at that finding's layer): they cover an
            expected threat (the report addresses it) but are not findings of their own, so
            they count for recall, never for precision, and against `not_expected` like any
            threat the report names.
    """

    findings: tuple[FindingKey, ...] = ()
    rejected: int = 0
    usage: Usage = field(default_factory=Usage)
    wall_seconds: float = 0.0
    error: str | None = None
    baseline: tuple[FindingKey, ...] = ()
    grounded: int = 0
    with_path: int = 0


class ReportModel(BaseModel):
    """Base of the report models: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid")


class Counts(ReportModel):
    """The pooled counts every ratio is computed from."""

    runs: int = 0
    failed_runs: int = 0
    expected: int = 0
    matched: int = 0
    core_expected: int = 0
    core_matched: int = 0
    extended_expected: int = 0
    extended_matched: int = 0
    layer_agnostic_matched: int = 0
    findings: int = 0
    matching_findings: int = 0
    rejected: int = 0
    not_expected_hits: int = 0
    grounded: int = 0
    with_path: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(**{k: v + getattr(other, k) for k, v in self.model_dump().items()})


class Ratios(ReportModel):
    """The ratios of one case or of the aggregate (None where the denominator is zero)."""

    recall: float | None
    precision: float | None
    f1: float | None
    core_recall: float | None
    extended_recall: float | None
    layer_agnostic_recall: float | None
    rejection_rate: float | None
    grounded_share: float | None = None
    path_share: float | None = None


class ItemOutcome(ReportModel):
    """What happened to one expected item."""

    threat: str
    ref: str
    layers: list[Layer]
    hits: int
    """Runs in which it was matched."""
    found_at: list[Layer]
    """Every layer the threat was found at, in any run (a miss with layers here is a layer miss)."""


class ExtraFinding(ReportModel):
    """A finding that matches no expected item."""

    threat: str
    layer: Layer
    hits: int
    """Runs in which it was found."""
    not_expected: bool
    """The case rules this threat out."""


class CaseReport(Ratios):
    """The score of one case over its runs."""

    id: str
    title: str
    not_expected_hits: list[str]
    matched: list[ItemOutcome]
    missed: list[ItemOutcome]
    extra: list[ExtraFinding]
    stability: float | None
    tokens: int
    cost_usd: float | None
    wall_seconds: float
    errors: list[str]
    counts: Counts


class Aggregate(Ratios):
    """The micro-averaged score of a whole case set."""

    cases: int
    not_expected_violations: int
    stability: float | None
    tokens: int
    cost_usd: float | None
    wall_seconds: float
    counts: Counts


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def _f1(precision: float | None, recall: float | None) -> float | None:
    if precision is None or recall is None:
        return None
    return round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0


def ratios(counts: Counts) -> dict[str, float | None]:
    """Every ratio of a set of pooled counts."""
    recall = _ratio(counts.matched, counts.expected)
    precision = _ratio(counts.matching_findings, counts.findings)
    return {
        "recall": recall,
        "precision": precision,
        "f1": _f1(precision, recall),
        "core_recall": _ratio(counts.core_matched, counts.core_expected),
        "extended_recall": _ratio(counts.extended_matched, counts.extended_expected),
        "layer_agnostic_recall": _ratio(counts.layer_agnostic_matched, counts.expected),
        "rejection_rate": _ratio(counts.rejected, counts.findings + counts.rejected),
        "grounded_share": _ratio(counts.grounded, counts.findings),
        "path_share": _ratio(counts.with_path, counts.findings),
    }


def matches(target: Target, finding: FindingKey) -> bool:
    """Whether a finding matches an expected item."""
    return finding[0] == target.threat and finding[1] in target.layers


def jaccard(a: frozenset[FindingKey], b: frozenset[FindingKey]) -> float:
    """|a & b| / |a | b|; two empty sets are identical (1.0)."""
    union = a | b
    return len(a & b) / len(union) if union else 1.0


def stability(sets: Sequence[frozenset[FindingKey]]) -> float | None:
    """Mean pairwise Jaccard similarity of the runs' finding sets (None for fewer than 2)."""
    pairs = list(combinations(sets, 2))
    return round(sum(jaccard(a, b) for a, b in pairs) / len(pairs), 4) if pairs else None


def _run_counts(case: LoadedCase, run: RunResult) -> Counts:
    found = run.findings
    covered = found + run.baseline
    matched = [t for t in case.targets if any(matches(t, f) for f in covered)]
    agnostic = [t for t in case.targets if any(f[0] == t.threat for f in covered)]
    core = [t for t in case.targets if t.core]
    # Listed is said: a threat the case rules out counts against it wherever the report names it.
    hits = {f[0] for f in covered} & set(case.forbidden)
    return Counts(
        runs=1,
        failed_runs=1 if run.error else 0,
        expected=len(case.targets),
        matched=len(matched),
        core_expected=len(core),
        core_matched=sum(1 for t in matched if t.core),
        extended_expected=len(case.targets) - len(core),
        extended_matched=sum(1 for t in matched if not t.core),
        layer_agnostic_matched=len(agnostic),
        findings=len(found),
        matching_findings=sum(1 for f in found if any(matches(t, f) for t in case.targets)),
        rejected=run.rejected,
        not_expected_hits=len(hits),
        grounded=run.grounded,
        with_path=run.with_path,
    )


def score_case(case: LoadedCase, runs: Sequence[RunResult]) -> CaseReport:
    """Score one case over its runs (a failed run counts as a run that found nothing)."""
    counts = sum((_run_counts(case, run) for run in runs), Counts())
    everything = [f for run in runs for f in run.findings]
    outcomes = [
        ItemOutcome(
            threat=t.threat,
            ref=t.ref,
            layers=list(t.layers),
            hits=sum(1 for run in runs if any(matches(t, f) for f in run.findings + run.baseline)),
            found_at=sorted({f[1] for f in everything if f[0] == t.threat}, key=_layer_order),
        )
        for t in case.targets
    ]
    extra: dict[FindingKey, int] = {}
    for run in runs:
        for key in dict.fromkeys(run.findings):  # a run's duplicates count once per run
            if not any(matches(t, key) for t in case.targets):
                extra[key] = extra.get(key, 0) + 1
    usage = sum((run.usage for run in runs), Usage())
    good = [frozenset(run.findings) for run in runs if not run.error]
    return CaseReport(
        id=case.id,
        title=case.case.title,
        **ratios(counts),
        not_expected_hits=[i for i in case.forbidden if any(f[0] == i for f in everything)],
        matched=[o for o in outcomes if o.hits],
        missed=[o for o in outcomes if not o.hits],
        extra=[
            ExtraFinding(threat=k[0], layer=k[1], hits=n, not_expected=k[0] in case.forbidden)
            for k, n in sorted(extra.items(), key=lambda kv: (kv[0][0], _layer_order(kv[0][1])))
        ],
        stability=stability(good),
        tokens=usage.total_tokens,
        cost_usd=usage.cost_usd,
        wall_seconds=round(sum(run.wall_seconds for run in runs), 4),
        errors=[run.error for run in runs if run.error],
        counts=counts,
    )


def aggregate(cases: Sequence[CaseReport]) -> Aggregate:
    """The micro-averaged aggregate of scored cases."""
    counts = sum((c.counts for c in cases), Counts())
    stabilities = [c.stability for c in cases if c.stability is not None]
    costs = [c.cost_usd for c in cases]
    return Aggregate(
        cases=len(cases),
        **ratios(counts),
        not_expected_violations=sum(len(c.not_expected_hits) for c in cases),
        stability=round(sum(stabilities) / len(stabilities), 4) if stabilities else None,
        tokens=sum(c.tokens for c in cases),
        cost_usd=None if None in costs else round(sum(c or 0.0 for c in costs), 6),
        wall_seconds=round(sum(c.wall_seconds for c in cases), 4),
        counts=counts,
    )


def _layer_order(layer: Layer) -> int:
    return list(Layer).index(layer)
