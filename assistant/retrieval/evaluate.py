"""The retrieval eval: how often search puts an acceptable entry first, or in the top three.

The query set is YAML (`evals/retrieval/queries.yaml`): each query lists the canonical entry ids
that would be a correct answer; the first of them decides which kind the query counts under.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.errors import RetrievalError
from assistant.files import read_text
from assistant.knowledge import Catalogue
from assistant.retrieval.passages import Passage

DEPTH = 10
"""Reciprocal rank counts hits down to this rank; deeper ones score 0."""


class EvalQuery(BaseModel):
    """One question and the entries that answer it."""

    model_config = ConfigDict(extra="forbid")

    query: str = Field(min_length=1)
    expect: list[str] = Field(min_length=1)


class EvalSet(BaseModel):
    """A versioned set of eval queries."""

    model_config = ConfigDict(extra="forbid")

    version: int
    queries: list[EvalQuery] = Field(min_length=1)


SETS = ("queries", "heldout")
"""The named query sets: `queries` (the development set, which the retriever was tuned on)
and `heldout` (written independently, never tuned on, reported apart)."""


def set_path(name: str) -> Path:
    """`evals/retrieval/<name>.yaml` of the source checkout."""
    return Path(__file__).resolve().parents[2] / "evals" / "retrieval" / f"{name}.yaml"


def default_queries_path() -> Path:
    """`evals/retrieval/queries.yaml` of the source checkout."""
    return set_path("queries")


def default_sets() -> list[str]:
    """The named sets present in this checkout (the held-out set may not be)."""
    return [name for name in SETS if name == "queries" or set_path(name).is_file()]


def load_queries(path: Path, catalogue: Catalogue) -> EvalSet:
    """Read and check a query set: every expected id must be a canonical catalogue id.

    Raises:
        RetrievalError: The file is missing, not YAML, not a query set, or names unknown ids.
    """
    text = read_text(path, error=RetrievalError)
    try:
        data = yaml.safe_load(text)
        queries = EvalSet.model_validate(data)
    except (yaml.YAMLError, ValidationError) as exc:
        first = str(exc).splitlines()[0]
        raise RetrievalError(f"{path} is not a valid query set: {first}") from None
    bad = sorted({i for q in queries.queries for i in q.expect if i not in catalogue.entries})
    if bad:
        raise RetrievalError(
            f"{path}: expected ids that are not canonical catalogue ids: {', '.join(bad)}"
        )
    return queries


def _metrics(ranks: list[int | None]) -> dict[str, float | int]:
    n = len(ranks)
    return {
        "queries": n,
        "hit@1": round(sum(1 for r in ranks if r == 1) / n, 4) if n else 0.0,
        "hit@3": round(sum(1 for r in ranks if r is not None and r <= 3) / n, 4) if n else 0.0,
        "mrr": round(sum(1 / r for r in ranks if r is not None) / n, 4) if n else 0.0,
    }


def run_eval(
    queries: EvalSet,
    catalogue: Catalogue,
    search: Callable[[str, int], list[Passage]],
) -> dict[str, Any]:
    """Run every query and score the rankings.

    Args:
        queries: The query set.
        catalogue: Tells each query's kind (from its first expected id).
        search: `(query, k) -> results`, best first.

    Returns:
        `overall` and `by_kind` metrics (queries, hit@1, hit@3, mrr) and, per query, the rank of
        the first acceptable entry (None beyond rank 10) and the top three entry ids.
    """
    rows: list[dict[str, Any]] = []
    for item in queries.queries:
        results = search(item.query, DEPTH)
        found = [p.entry_id for p in results]
        # A result counts with the equivalents shown under it (see `ranking.grouped`).
        rank = next(
            (i + 1 for i, p in enumerate(results) if {p.entry_id, *p.also} & set(item.expect)),
            None,
        )
        rows.append(
            {
                "query": item.query,
                "kind": catalogue.entries[item.expect[0]].kind,
                "expect": item.expect,
                "rank": rank,
                "top3": found[:3],
            }
        )
    kinds = sorted({r["kind"] for r in rows})
    return {
        "overall": _metrics([r["rank"] for r in rows]),
        "by_kind": {k: _metrics([r["rank"] for r in rows if r["kind"] == k]) for k in kinds},
        "results": rows,
    }
