"""Search, run against the local index and against a real Chroma server alike."""

from __future__ import annotations

import pytest

from assistant.errors import QueryError
from assistant.knowledge import Catalogue
from assistant.retrieval.search import MAX_QUERY_CHARS, Retriever
from assistant.schema import Layer
from tests.retrieval.conftest import MakeIndex
from tests.retrieval.fakes import FakeEmbedder


@pytest.fixture
def retriever(make_index: MakeIndex, small: Catalogue) -> Retriever:
    index, _ = make_index(small, FakeEmbedder())
    return Retriever(index, warn=pytest.fail)


def test_finds_the_entry_a_query_describes(retriever: Retriever) -> None:
    results = retriever.search("fake refund rules planted in the notes the agents remember", k=3)
    assert results[0].entry_id == "T1"
    top = retriever.search("the trading loop fired the same order thousands of times", k=1)
    assert top[0].entry_id == "MAS-RUNAWAY-AGENT"


def test_results_are_one_per_entry_best_first_with_canonical_ids(
    retriever: Retriever, small: Catalogue
) -> None:
    results = retriever.search("memory poisoning of the knowledge base", k=5)
    assert len(results) == 5
    ids = [p.entry_id for p in results]
    assert len(set(ids)) == len(ids)
    assert all(i in small.entries and i not in small.aliases for i in ids)
    scores = [p.score for p in results]
    assert all(s is not None for s in scores)
    assert scores == sorted(scores, reverse=True)  # type: ignore[type-var]
    assert 0.0 < scores[0] <= 1.0  # type: ignore[operator]


def test_k_caps_the_results(retriever: Retriever) -> None:
    assert len(retriever.search("agent", k=1)) == 1
    assert len(retriever.search("agent", k=100)) <= 10  # the small catalogue has 10 entries


def test_layer_filter(retriever: Retriever) -> None:
    results = retriever.search("memory", layers=["L3"], k=10)
    assert results and all(Layer.L3 in p.layers for p in results)
    either = retriever.search("memory", layers=["l2", Layer.L4], k=10)
    assert {p.entry_id for p in either} >= {"T1", "Q-ARCHITECTURE-16"}
    assert all({Layer.L2, Layer.L4} & set(p.layers) for p in either)


def test_kind_filter(retriever: Retriever) -> None:
    results = retriever.search("memory poisoning", kinds=["mitigation"], k=10)
    assert {p.kind for p in results} == {"mitigation"}
    assert results[0].entry_id == "L2-C1"
    mixed = retriever.search("memory", kinds=["factor", "decision-step"], k=10)
    assert {p.kind for p in mixed} <= {"factor", "decision-step"}


def test_layer_and_kind_filters_combine(retriever: Retriever) -> None:
    results = retriever.search("limits", layers=["L3"], kinds=["mitigation"], k=10)
    assert [p.entry_id for p in results] == ["L3-R3"]
    assert retriever.search("anything", layers=["L7"], kinds=["layer"], k=5) == []


def test_dense_only_scores_are_cosine_similarities(make_index: MakeIndex, small: Catalogue) -> None:
    index, _ = make_index(small, FakeEmbedder())
    results = Retriever(index, hybrid=False).search("memory poisoning", k=3)
    assert all(p.score is not None and -1.0 <= p.score <= 1.0 for p in results)


@pytest.mark.parametrize("query", ["", "   ", "\n\t"])
def test_an_empty_query_is_a_clear_error(retriever: Retriever, query: str) -> None:
    with pytest.raises(QueryError, match="empty"):
        retriever.search(query)


def test_a_huge_query_is_truncated_with_a_warning(make_index: MakeIndex, small: Catalogue) -> None:
    index, _ = make_index(small, FakeEmbedder())
    warnings: list[str] = []
    huge = "memory poisoning " * 6000  # about 100 KB
    results = Retriever(index, warn=warnings.append).search(huge, k=2)
    assert len(results) == 2
    assert len(warnings) == 1 and f"{MAX_QUERY_CHARS:,}" in warnings[0]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"k": 0}, "k must be at least 1"),
        ({"layers": ["L9"]}, "unknown layer"),
        ({"kinds": ["asi-top10"]}, "not searchable"),
        ({"kinds": ["threats"]}, "not searchable"),
    ],
)
def test_bad_arguments_are_query_errors(
    retriever: Retriever, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(QueryError, match=message):
        retriever.search("memory", **kwargs)  # type: ignore[arg-type]


def test_search_many_matches_one_by_one(retriever: Retriever) -> None:
    queries = ["memory poisoning", "trading loop order", "wallet keys", "daily spend limits"]
    together = retriever.search_many(queries, kinds=["threat", "mitigation", "question"], k=3)
    apart = [retriever.search(q, kinds=["threat", "mitigation", "question"], k=3) for q in queries]
    assert together == apart


def test_search_many_checks_every_query_first(retriever: Retriever) -> None:
    with pytest.raises(QueryError, match="empty"):
        retriever.search_many(["memory", "  "])
