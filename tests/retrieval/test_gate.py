"""The retrieval gate: search must not fall below its committed baseline on either query set.

Both sets run through the real offline model and the shipped vectors. A set without a committed
baseline (the held-out set, until it is measured) is skipped, saying so.
"""

from __future__ import annotations

import json

import pytest

from assistant.knowledge import default_catalogue
from assistant.retrieval.evaluate import SETS, load_queries, run_eval, set_path
from assistant.retrieval.search import Retriever
from tests.conftest import ROOT

BASELINE = ROOT / "evals" / "retrieval" / "baseline.json"


@pytest.fixture(scope="module")
def retriever() -> Retriever:
    found = Retriever.open(url="")
    assert found.index.prebuilt is not None, "the shipped vectors are stale: run `make vectors`"
    return found


@pytest.mark.parametrize("name", SETS)
def test_search_holds_its_baseline(name: str, retriever: Retriever) -> None:
    if not set_path(name).is_file():
        pytest.skip(f"evals/retrieval/{name}.yaml is not in this checkout")
    baseline = json.loads(BASELINE.read_text(encoding="utf-8")).get(name)
    if baseline is None:
        pytest.skip(f"no committed baseline for the {name} set in {BASELINE.name}: measure it")
    catalogue = default_catalogue()
    report = run_eval(
        load_queries(set_path(name), catalogue), catalogue, lambda q, k: retriever.search(q, k=k)
    )
    got = report["overall"]
    assert got["queries"] == baseline["queries"], "query set changed: re-measure the baseline"
    misses = [r["query"] for r in report["results"] if r["rank"] is None or r["rank"] > 3]
    for metric in ("hit@1", "hit@3", "mrr"):
        assert got[metric] >= baseline[metric], (metric, got, misses)
