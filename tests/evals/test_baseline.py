"""The gate: the rules engine must not fall below its committed baseline on the development set."""

from __future__ import annotations

import json

from assistant.evals.cases import default_cases_dir, load_cases
from assistant.evals.harness import rules_runner, run_eval
from assistant.knowledge import Catalogue
from tests.conftest import ROOT

BASELINE = ROOT / "evals" / "baseline.json"


def test_rules_engine_holds_its_baseline(catalogue: Catalogue) -> None:
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    cases = load_cases(default_cases_dir(), catalogue)
    report = run_eval(cases, rules_runner(catalogue), catalogue, engine="rules")
    total = report.aggregate
    assert report.complete and total.counts.failed_runs == 0
    assert total.cases == baseline["cases"], "case set changed: re-measure and update the baseline"
    summary = (
        f"recall {total.recall}, precision {total.precision}, "
        f"{total.not_expected_violations} not_expected violations; baseline {baseline}"
    )
    assert total.recall is not None and total.recall >= baseline["recall"], summary
    assert total.precision is not None and total.precision >= baseline["precision"], summary
    assert total.not_expected_violations <= baseline["not_expected_violations"], summary


def test_rules_engine_is_deterministic(catalogue: Catalogue) -> None:
    cases = load_cases(default_cases_dir(), catalogue)[:2]
    report = run_eval(cases, rules_runner(catalogue), catalogue, engine="rules", runs=2)
    assert all(c.stability == 1.0 for c in report.cases)
