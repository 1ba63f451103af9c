"""Guidance for one finding: the control passages that best fit a threat in a given system.

A finding names a threat; the catalogue lists the controls that counter it. Which of those to
cite first depends on the system: a shared vector store wants its access controls, a pipeline
that ingests partner documents wants source integrity. `passages_for` ranks the threat's
controls (and those of its CSA/MAS equivalents) against the system context with the same dense
and BM25 fusion as search, and returns the best few.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from assistant.errors import QueryError
from assistant.knowledge.model import ThreatEntry
from assistant.retrieval.embedders import embed_queries
from assistant.retrieval.passages import Passage
from assistant.retrieval.search import RRF_K

if TYPE_CHECKING:
    from assistant.retrieval.search import Retriever


def _threat(retriever: Retriever, threat_id: str) -> ThreatEntry:
    catalogue = retriever.index.catalogue
    entry = catalogue.entries.get(catalogue.aliases.get(threat_id, threat_id))
    if not isinstance(entry, ThreatEntry):
        raise QueryError(f"{threat_id!r} is not a threat in the catalogue")
    return entry


def candidates(retriever: Retriever, threat_id: str) -> list[Passage]:
    """The passages `passages_for` chooses from: the controls of the threat and its equivalents.

    A threat with no controls listed falls back to its own passages.
    """
    threat = _threat(retriever, threat_id)
    groups = retriever.canonical_groups
    members = [threat.id, *(e for e, head in groups.items() if head == threat.id)]
    controls: dict[str, None] = {}
    for member in members:
        entry = retriever.index.catalogue.entries[member]
        if isinstance(entry, ThreatEntry):
            controls.update(dict.fromkeys(entry.mitigations))
    wanted = set(controls) or {threat.id}
    return [p for p in retriever.index.passages if p.entry_id in wanted]


def _dense_order(
    retriever: Retriever, pool: Sequence[Passage], query: Sequence[float]
) -> list[Passage]:
    import numpy as np

    index = retriever.index
    if index.prebuilt is not None:
        row = {p.id: i for i, p in enumerate(index.passages)}
        matrix = index.prebuilt[[row[p.id] for p in pool]]
    else:  # a handful of passages: embedding them here is cheaper than opening chromadb
        matrix = np.asarray(index.embedder.embed_documents([p.text for p in pool]))
    sims = matrix @ np.asarray(query, dtype=np.float32)
    return [pool[i] for i in np.argsort(-sims, kind="stable")]


def passages_for(retriever: Retriever, threat_id: str, context: str, k: int = 3) -> list[Passage]:
    """The `k` control passages that best fit `threat_id` in the system `context`, best first.

    Args:
        retriever: The retriever whose catalogue, vectors and embedder to use.
        threat_id: A threat id (an alias is resolved to its canonical id).
        context: What the system is, in a sentence or a few: its components, data and tools.
        k: How many passages; at most one per control.

    Returns:
        Passages with `score` set to the fused score (1.0 when first in both rankings).

    Raises:
        QueryError: Not a threat id, or `k` below 1.
    """
    return passages_for_each(retriever, [(threat_id, context)], k)[0]


def passages_for_each(
    retriever: Retriever, asks: Sequence[tuple[str, str]], k: int = 3
) -> list[list[Passage]]:
    """`passages_for` for several (threat id, context) pairs, their queries embedded at once.

    Raises:
        QueryError: A threat id that is not one, or `k` below 1.
    """
    if k < 1:
        raise QueryError(f"k must be at least 1, not {k}")
    threats = [_threat(retriever, threat_id) for threat_id, _ in asks]
    texts = [
        f"{t.name}. {' '.join(context.split())}"
        for t, (_, context) in zip(threats, asks, strict=True)
    ]
    vectors = embed_queries(retriever.index.embedder, texts) if texts else []
    return [
        _fused(retriever, candidates(retriever, t.id), text, vector, k)
        for t, text, vector in zip(threats, texts, vectors, strict=True)
    ]


def _fused(
    retriever: Retriever, pool: list[Passage], text: str, query: Sequence[float], k: int
) -> list[Passage]:
    """The pool fused from its dense and BM25 rankings, by entry, best `k` first."""
    lexical = retriever.lexical_scores(text)
    by_words = sorted(pool, key=lambda p: (-lexical.get(p.id, 0.0), p.id))
    fused: dict[str, float] = {}
    shown: dict[str, Passage] = {}
    for ranked in (_dense_order(retriever, pool, query), by_words):
        seen: set[str] = set()
        for passage in ranked:
            if passage.entry_id in seen:
                continue
            seen.add(passage.entry_id)
            rank = len(seen) - 1
            fused[passage.entry_id] = fused.get(passage.entry_id, 0.0) + 1 / (RRF_K + rank + 1)
            shown.setdefault(passage.entry_id, passage)
    best = 2.0 / (RRF_K + 1)
    order = sorted(fused, key=lambda e: (-fused[e], e))[:k]
    return [shown[e].model_copy(update={"score": round(fused[e] / best, 4)}) for e in order]
