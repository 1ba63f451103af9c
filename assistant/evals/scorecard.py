"""The scorecard: an eval report as Markdown, and several reports side by side."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from assistant.evals.harness import EvalReport
from assistant.evals.metrics import Aggregate, CaseReport, ItemOutcome

DASH = "n/a"


def _num(value: float | None) -> str:
    return DASH if value is None else f"{value:.3f}"


def _cost(value: float | None) -> str:
    return "unknown" if value is None else f"${value:.4f}"


def _layers(item: ItemOutcome) -> str:
    return "/".join(layer.value for layer in item.layers)


def _label(report: EvalReport) -> str:
    return f"{report.engine} engine" + (f", {report.model}" if report.model else "")


# (row label, value of an aggregate) for the summary and the side-by-side table.
AGGREGATE_ROWS: list[tuple[str, Callable[[Aggregate], str]]] = [
    ("recall", lambda a: f"{_num(a.recall)} ({a.counts.matched}/{a.counts.expected})"),
    (
        "precision",
        lambda a: f"{_num(a.precision)} ({a.counts.matching_findings}/{a.counts.findings})",
    ),
    ("F1", lambda a: _num(a.f1)),
    (
        "core recall (T1-T17)",
        lambda a: f"{_num(a.core_recall)} ({a.counts.core_matched}/{a.counts.core_expected})",
    ),
    (
        "extended recall",
        lambda a: (
            f"{_num(a.extended_recall)} ({a.counts.extended_matched}/{a.counts.extended_expected})"
        ),
    ),
    ("layer-agnostic recall", lambda a: _num(a.layer_agnostic_recall)),
    ("not_expected violations", lambda a: str(a.not_expected_violations)),
    ("validator rejection rate", lambda a: _num(a.rejection_rate)),
    ("findings with grounded evidence", lambda a: _num(a.grounded_share)),
    ("findings naming a concrete path", lambda a: _num(a.path_share)),
    ("stability (mean Jaccard)", lambda a: _num(a.stability)),
    ("tokens", lambda a: f"{a.tokens:,}"),
    ("cost", lambda a: _cost(a.cost_usd)),
    ("failed runs", lambda a: f"{a.counts.failed_runs}/{a.counts.runs}"),
    ("wall time (sum of runs)", lambda a: f"{a.wall_seconds:.2f} s"),
]


def scorecard(report: EvalReport, *, heading: str = "##") -> str:
    """One report as Markdown: summary, per-case table, misses and not_expected hits."""
    status = "" if report.complete else " (INTERRUPTED: partial results)"
    lines = [
        f"{heading} Scorecard: {_label(report)}{status}",
        "",
        f"{len(report.cases)} cases from `{report.cases_dir}`, {report.runs} run(s) per case, "
        f"catalogue {report.catalogue_version}, {report.elapsed_seconds:.2f} s elapsed. "
        "Ratios are micro-averaged (pooled counts).",
        "",
        "| metric | value |",
        "|---|---|",
        *[f"| {label} | {value(report.aggregate)} |" for label, value in AGGREGATE_ROWS],
        "",
        f"{heading}# Per case",
        "",
        "| case | items | recall | precision | F1 | core | extended | layer-agnostic "
        "| not_expected hits | rejected | stability | tokens | cost | time |",
        "|---|--:|--:|--:|--:|--:|--:|--:|---|--:|--:|--:|--:|--:|",
        *[_case_row(case) for case in report.cases],
    ]
    missed = [c for c in report.cases if c.missed]
    if missed:
        lines += ["", f"{heading}# Missed items", ""]
        lines += [f"- `{c.id}`: " + "; ".join(_miss(m) for m in c.missed) for c in missed]
    hits = [c for c in report.cases if c.not_expected_hits]
    if hits:
        lines += ["", f"{heading}# not_expected violations", ""]
        lines += [f"- `{c.id}`: {', '.join(c.not_expected_hits)}" for c in hits]
    failed = [c for c in report.cases if c.errors]
    if failed:
        lines += ["", f"{heading}# Failed runs", ""]
        lines += [f"- `{c.id}`: {e}" for c in failed for e in c.errors]
    return "\n".join(lines) + "\n"


def _case_row(case: CaseReport) -> str:
    cells = [
        f"`{case.id}`",
        str(len(case.matched) + len(case.missed)),
        _num(case.recall),
        _num(case.precision),
        _num(case.f1),
        _num(case.core_recall),
        _num(case.extended_recall),
        _num(case.layer_agnostic_recall),
        ", ".join(case.not_expected_hits) or "0",
        _num(case.rejection_rate),
        _num(case.stability),
        f"{case.tokens:,}",
        _cost(case.cost_usd),
        f"{case.wall_seconds:.2f} s",
    ]
    return "| " + " | ".join(cells) + " |"


def _miss(item: ItemOutcome) -> str:
    text = f"{item.threat}"
    if item.ref != item.threat:
        text += f" ({item.ref})"
    text += f" at {_layers(item)}"
    if item.found_at:
        text += f", found only at {'/'.join(layer.value for layer in item.found_at)}"
    return text


def comparison(reports: Sequence[EvalReport], *, heading: str = "##") -> str:
    """Several reports (one per model) side by side: one column each, one row per metric."""
    names = [_label(r) + ("" if r.complete else " (partial)") for r in reports]
    lines = [
        f"{heading} Side by side",
        "",
        "| metric | " + " | ".join(names) + " |",
        "|---|" + "--:|" * len(reports),
        *[
            f"| {label} | " + " | ".join(value(r.aggregate) for r in reports) + " |"
            for label, value in AGGREGATE_ROWS
        ],
        "| cases | " + " | ".join(str(len(r.cases)) for r in reports) + " |",
    ]
    return "\n".join(lines) + "\n"
