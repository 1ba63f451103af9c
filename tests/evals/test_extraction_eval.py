"""The extraction eval: it loads, it scores, and neither set falls below its baseline.

`evals/extraction/baseline.json` holds the figures last recorded (`maestro-tm eval extraction
--json evals/extraction/baseline.json`); a change to the reader that lowers any of them fails
here. Raise the baseline deliberately when the reader improves.
"""

from __future__ import annotations

import json

import pytest

from assistant.engine.analyze import system_from_description
from assistant.evals.extraction import (
    SETS,
    ExtractionCase,
    default_dir,
    load_set,
    score_case,
    score_set,
)
from assistant.schema import Component, Control, ControlKind, Layer, SystemModel

TOLERANCE = 0.005  # rounding in the recorded figures


@pytest.mark.parametrize("name", SETS)
def test_no_figure_falls_below_the_baseline(name: str) -> None:
    baseline = json.loads((default_dir() / "baseline.json").read_text())[name]
    now = score_set(name, load_set(default_dir() / name), system_from_description).headline()
    assert now["cases"] == baseline["cases"]
    for key, floor in baseline.items():
        if key in ("cases", "negated_components") or floor is None:
            continue
        assert now[key] is not None and now[key] >= floor - TOLERANCE, key
    assert now["negated_components"] <= baseline["negated_components"]


def test_the_sets_are_large_enough_and_mostly_new() -> None:
    cases = [c for name in SETS for c in load_set(default_dir() / name)]
    assert len(cases) >= 30
    assert sum(c.origin == "new" for c in cases) * 2 >= len(cases)


def _case(**expected: object) -> ExtractionCase:
    return ExtractionCase.model_validate(
        {"id": "x", "style": "s", "origin": "new", "description": "d", "expected": expected}
    )


def test_a_capability_settled_wrongly_is_both_a_false_alarm_and_a_miss() -> None:
    score = score_case(
        _case(capabilities={"memory": False}), SystemModel(capabilities={"memory": True})
    )
    caps = score.tallies["capabilities"]
    assert (caps.hit, caps.miss, caps.false) == (0, 1, 1)
    assert score.tallies["negation"].recall == 0.0


def test_approvals_are_matched_through_the_tools_they_govern() -> None:
    system = SystemModel(
        components=[Component(id="t1", name="issue refund", kind="tool", layers=[Layer.L3])],
        controls=[Control(id="c", kind=ControlKind.HUMAN_APPROVAL, applies_to=["t1"])],
    )
    score = score_case(_case(approvals=[{"action": "refunds", "match": ["refund"]}]), system)
    assert score.tallies["approvals"].recall == 1.0


def test_a_component_from_a_negated_mention_is_counted() -> None:
    system = SystemModel(
        components=[Component(id="email", name="E-mail", kind="external-api", layers=[Layer.L3])]
    )
    assert score_case(_case(negated=["e-mail"]), system).tallies["negated_components"].false == 1
