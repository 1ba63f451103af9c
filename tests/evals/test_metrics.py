"""Metrics on hand-built inputs, and a hand check of one development case."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.evals.cases import default_cases_dir, load_case
from assistant.evals.metrics import RunResult, aggregate, jaccard, score_case, stability
from assistant.knowledge import Catalogue
from assistant.llm.base import Usage
from assistant.schema import Layer
from tests.evals.builders import loaded

L1, L2, L3, L4, L5, L7, CL = Layer.L1, Layer.L2, Layer.L3, Layer.L4, Layer.L5, Layer.L7, Layer.CL


def test_recall_precision_f1_and_the_splits(tmp_path: Path, catalogue: Catalogue) -> None:
    case = loaded(
        tmp_path,
        catalogue,
        expected=[
            {"threat": "T6", "layer": ["L1", "L3"]},  # matched at L3
            {"threat": "T2", "layer": "L3"},  # found only at CL: a layer miss
            {"threat": "MAS-RPA:T16", "layer": "L1"},  # extended, matched
            {"threat": "MAS-RPA:T17", "layer": "L2"},  # extended, missed
        ],
        not_expected=["T12", "T13"],
    )
    run = RunResult(
        findings=(("T6", L3), ("T6", L1), ("T2", CL), ("MAS-MODEL-INCONSISTENCY", L1), ("T12", L7)),
        rejected=3,
    )
    report = score_case(case, [run])
    # matched items: T6, MAS-MODEL-INCONSISTENCY -> recall 2/4
    assert report.recall == 0.5
    # matching findings: T6@L3, T6@L1, MAS-MODEL-INCONSISTENCY@L1 -> 3/5
    assert report.precision == 0.6
    # F1 = 2 * 0.6 * 0.5 / 1.1
    assert report.f1 == pytest.approx(0.5455, abs=1e-4)
    assert report.core_recall == 0.5  # T6 of T6, T2
    assert report.extended_recall == 0.5  # T16-alias of the two MAS items
    assert report.layer_agnostic_recall == 0.75  # T2 counts once the layer is ignored
    assert report.not_expected_hits == ["T12"]
    assert report.rejection_rate == 0.375  # 3 rejected / (5 accepted + 3 rejected)
    assert [(m.threat, m.found_at) for m in report.missed] == [
        ("T2", [CL]),
        ("MAS-SEMANTIC-DRIFT", []),
    ]
    assert [m.ref for m in report.matched] == ["T6", "MAS-RPA:T16"]
    assert [(e.threat, e.layer, e.not_expected) for e in report.extra] == [
        ("T12", L7, True),
        ("T2", CL, False),
    ]
    assert report.stability is None  # one run


def test_empty_denominators_are_none(tmp_path: Path, catalogue: Catalogue) -> None:
    case = loaded(tmp_path, catalogue, expected=[{"threat": "T6", "layer": "L1"}])
    report = score_case(case, [RunResult()])
    assert report.recall == 0.0 and report.precision is None and report.f1 is None
    assert report.extended_recall is None and report.rejection_rate is None


def test_jaccard_and_stability() -> None:
    a, b = frozenset({("T6", L1)}), frozenset({("T6", L1), ("T7", L1)})
    assert jaccard(a, b) == 0.5
    assert jaccard(frozenset(), frozenset()) == 1.0
    # pairs (a,b)=0.5, (a,b)=0.5, (b,b)=1.0 -> 2/3
    assert stability([a, b, b]) == pytest.approx(0.6667, abs=1e-4)
    assert stability([a]) is None


def test_runs_pool_counts_and_failures_count_as_empty(tmp_path: Path, catalogue: Catalogue) -> None:
    case = loaded(tmp_path, catalogue)  # expects T6 at L1/L3 and T7 at L1
    runs = [
        RunResult(findings=(("T6", L1), ("T7", L1)), usage=Usage(prompt_tokens=10, cost_usd=0.5)),
        RunResult(
            findings=(("T6", L1), ("T4", L4)), usage=Usage(completion_tokens=5, cost_usd=0.25)
        ),
        RunResult(error="ProviderError: boom", wall_seconds=1.0),
    ]
    report = score_case(case, runs)
    # matched 2 + 1 + 0 of 2 + 2 + 2 expected; matching findings 2 + 1 of 2 + 2
    assert report.recall == 0.5 and report.precision == 0.75
    assert report.counts.runs == 3 and report.counts.failed_runs == 1
    assert report.errors == ["ProviderError: boom"]
    assert [(m.threat, m.hits) for m in report.matched] == [("T6", 2), ("T7", 1)]
    assert [(e.threat, e.hits) for e in report.extra] == [("T4", 1)]
    # stability over the two runs that finished: {T6,T7} vs {T6,T4} -> 1/3
    assert report.stability == pytest.approx(0.3333, abs=1e-4)
    assert report.tokens == 15 and report.cost_usd == 0.75


def test_aggregate_is_micro_and_unknown_cost_stays_unknown(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    small = loaded(tmp_path / "a", catalogue, expected=[{"threat": "T6", "layer": "L1"}])
    big = loaded(
        tmp_path / "b",
        catalogue,
        id="big",
        expected=[{"threat": t, "layer": "L5"} for t in ("T8", "T10")]
        + [{"threat": "T4", "layer": "L4"}],
    )
    a = score_case(small, [RunResult(findings=(("T6", L1),))])  # recall 1/1
    b = score_case(big, [RunResult(findings=(("T8", L5),), usage=Usage(cost_usd=None))])  # 1/3
    total = aggregate([a, b])
    assert total.recall == 0.5  # (1 + 1) / (1 + 3), not the macro mean (1 + 1/3) / 2
    assert total.precision == 1.0 and total.cases == 2
    assert total.cost_usd is None
    assert total.not_expected_violations == 0


def test_hand_check_of_the_faq_bot_case(catalogue: Catalogue) -> None:
    """own-faq-bot expects T6 (L1/L3), T4 (L4), T17 (L1/L3/L4/L7) and rules out 16 threats.

    Hand-built findings: T6@L1, T6@CL, T4@L4, T5@L1, T8@L5, T1@L2; rejected proposals: 2.
    - matched items: T6 (by T6@L1) and T4 (by T4@L4); T17 missed -> recall 2/3 = 0.6667
    - matching findings: T6@L1, T4@L4 (T6@CL is not an acceptable layer) -> precision 2/6 = 0.3333
    - F1 = 2 * (1/3) * (2/3) / (1/3 + 2/3) = 4/9 = 0.4444
    - all three items are core -> core recall 0.6667, extended recall n/a (None)
    - layer-agnostic: T6, T4 found, T17 not -> 0.6667
    - not_expected hits: T5 and T1 are ruled out by the case (T8 is not) -> [T1, T5] in file order
    - rejection rate 2 / (6 + 2) = 0.25
    """
    case = load_case(default_cases_dir() / "own-faq-bot.yaml", catalogue)
    run = RunResult(
        findings=(("T6", L1), ("T6", CL), ("T4", L4), ("T5", L1), ("T8", L5), ("T1", L2)),
        rejected=2,
    )
    report = score_case(case, [run])
    assert report.recall == pytest.approx(0.6667, abs=1e-4)
    assert report.precision == pytest.approx(0.3333, abs=1e-4)
    assert report.f1 == pytest.approx(0.4444, abs=1e-4)
    assert report.core_recall == pytest.approx(0.6667, abs=1e-4)
    assert report.extended_recall is None
    assert report.layer_agnostic_recall == pytest.approx(0.6667, abs=1e-4)
    assert report.not_expected_hits == ["T1", "T5"]
    assert report.rejection_rate == 0.25
    assert [m.threat for m in report.missed] == ["T17"]
