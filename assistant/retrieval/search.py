"""Search the guidance index: dense retrieval fused with BM25, one result per entry."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from functools import cached_property
from typing import Any

from assistant.errors import QueryError
from assistant.knowledge import Catalogue
from assistant.retrieval import ranking
from assistant.retrieval.bm25 import BM25
from assistant.retrieval.embedders import Embedder, embed_queries
from assistant.retrieval.index import GuidanceIndex
from assistant.retrieval.passages import RETRIEVABLE_KINDS, Passage
from assistant.schema import Layer

MAX_QUERY_CHARS = 2000
"""Longer queries are cut here: the model reads at most 256 word pieces anyway."""
RRF_K = 60
"""The reciprocal-rank-fusion constant from Cormack et al. (2009)."""
_log = logging.getLogger(__name__)


def _layers(layers: Iterable[str | Layer] | None) -> list[Layer]:
    out: list[Layer] = []
    for layer in layers or []:
        try:
            out.append(Layer(str(layer).strip().upper()))
        except ValueError:
            allowed = ", ".join(x.value for x in Layer)
            raise QueryError(f"unknown layer {layer!r}: use one of {allowed}") from None
    return out


def _kinds(kinds: Iterable[str] | None) -> list[str]:
    out = [str(k).strip().lower() for k in kinds or []]
    for kind in out:
        if kind not in RETRIEVABLE_KINDS:
            raise QueryError(
                f"kind {kind!r} is not searchable: use one of {', '.join(RETRIEVABLE_KINDS)}"
            )
    return out


def _where(layers: list[Layer], kinds: list[str]) -> dict[str, Any] | None:
    clauses: list[dict[str, Any]] = []
    if kinds:
        clauses.append({"kind": {"$in": kinds}})
    layer_clauses: list[dict[str, Any]] = [{f"layer_{x.value}": True} for x in layers]
    if len(layer_clauses) == 1:
        clauses.append(layer_clauses[0])
    elif layer_clauses:
        clauses.append({"$or": layer_clauses})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


class Retriever:
    """Finds the catalogue guidance closest to a question.

    Args:
        index: The guidance index (built on first search if needed).
        hybrid: Fuse BM25 with the dense ranking (reciprocal-rank fusion); False ranks by
            cosine similarity alone.
        warn: Receives one-line warnings (such as a truncated query); default logs them.
    """

    def __init__(
        self,
        index: GuidanceIndex,
        *,
        hybrid: bool = True,
        warn: Callable[[str], None] | None = None,
    ) -> None:
        self.index = index
        self.hybrid = hybrid
        self.warn = warn or _log.warning

    @classmethod
    def open(
        cls,
        *,
        catalogue: Catalogue | None = None,
        embedder: Embedder | None = None,
        url: str | None = None,
        notify: Callable[[str], None] | None = None,
        warn: Callable[[str], None] | None = None,
    ) -> Retriever:
        """A retriever over the bundled catalogue with the configured embedder and store.

        Args:
            catalogue: Default: the bundled catalogue.
            embedder: Default: `MAESTRO_TM_EMBEDDER`, else the offline MiniLM embedder.
            url: A Chroma server URL; default `MAESTRO_TM_CHROMA_URL`, else local.
            notify: Receives index (re)build messages.
            warn: Receives query warnings.
        """
        from assistant.knowledge import default_catalogue
        from assistant.retrieval.embedders import make_embedder
        from assistant.retrieval.store import chroma_url

        index = GuidanceIndex(
            catalogue or default_catalogue(),
            embedder or make_embedder(),
            url=chroma_url(url),
            notify=notify,
        )
        return cls(index, warn=warn)

    def close(self) -> None:
        """Release the index's chromadb clients."""
        self.index.close()

    @cached_property
    def _lexical(self) -> BM25:
        return BM25([p.text for p in self.index.passages])

    @cached_property
    def _by_id(self) -> dict[str, Passage]:
        # The index was built from exactly these passages (its key includes their digest), so
        # chromadb only has to return ids and distances; text and metadata come from memory.
        return {p.id: p for p in self.index.passages}

    def _query_text(self, query: str) -> str:
        text = " ".join(str(query).split())
        if not text:
            raise QueryError("the search query is empty: say what you are looking for")
        if len(text) > MAX_QUERY_CHARS:
            self.warn(
                f"query is {len(text):,} characters long; only the first {MAX_QUERY_CHARS:,} are used"
            )
            text = text[:MAX_QUERY_CHARS].rsplit(" ", 1)[0] or text[:MAX_QUERY_CHARS]
        return text

    def search(
        self,
        query: str,
        layers: Iterable[str | Layer] | None = None,
        kinds: Iterable[str] | None = None,
        k: int = 5,
    ) -> list[Passage]:
        """The `k` most relevant passages, at most one per catalogue entry, best first.

        Args:
            query: What the user is looking for, in their own words.
            layers: Keep entries allowed at any of these layers (L1..L7, CL).
            kinds: Keep entries of these kinds (threat, mitigation, layer, ...).
            k: How many results.

        Returns:
            Passages with `score` set: in hybrid mode the fused score scaled so that being first
            in both rankings gives 1.0, otherwise the cosine similarity; either times the kind
            prior of the question's intent (`ranking.PRIORS`). One result per canonical entry:
            equivalent threats are listed in `also` of their core threat.

        Raises:
            QueryError: Empty query, `k` below 1, or an unknown layer or kind.
        """
        return self.search_many([query], layers, kinds, k)[0]

    def search_many(
        self,
        queries: Sequence[str],
        layers: Iterable[str | Layer] | None = None,
        kinds: Iterable[str] | None = None,
        k: int = 5,
    ) -> list[list[Passage]]:
        """`search` for several queries at once, embedding them in one batch.

        Raises:
            QueryError: As `search`, for the first bad query; nothing is searched then.
        """
        texts = [self._query_text(q) for q in queries]
        if k < 1:
            raise QueryError(f"k must be at least 1, not {k}")
        want_layers, want_kinds = _layers(layers), _kinds(kinds)
        pool = max(4 * k, 40)
        if self.index.prebuilt is not None:
            dense = self._dense_memory(texts, want_layers, want_kinds, pool)
        else:
            dense = self._dense(texts, _where(want_layers, want_kinds), pool)
        out = []
        for text, ranked in zip(texts, dense, strict=True):
            if self.hybrid:
                ranked = self._fuse(ranked, self._bm25(text, want_layers, want_kinds, pool))
            out.append(self._arrange(text, ranked, want_layers, want_kinds, k))
        return out

    @cached_property
    def _families(self) -> dict[str, str]:
        return ranking.families(self.index.catalogue)

    @cached_property
    def canonical_groups(self) -> dict[str, str]:
        """Entry id to the core threat it is shown under (`ranking.canonical_groups`)."""
        return ranking.canonical_groups(self.index.catalogue)

    def lexical_scores(self, text: str) -> dict[str, float]:
        """Passage id to BM25 score, for passages sharing a word with `text`."""
        passages = self.index.passages
        return {passages[i].id: score for i, score in self._lexical.scores(text).items()}

    def _arrange(
        self,
        text: str,
        ranked: list[tuple[Passage, float]],
        layers: list[Layer],
        kinds: list[str],
        k: int,
    ) -> list[Passage]:
        """Apply the question's kind priors, then group equivalents under their core threat."""
        want = ranking.intent(text)
        scored = [(p, s * ranking.prior(p, self._families, want)) for p, s in ranked]
        scored.sort(key=lambda pair: (-pair[1], pair[0].id))
        heads = {
            p.entry_id: p
            for p in reversed(self.index.passages)  # reversed: the first facet wins
            if _allowed(p, layers, kinds)
        }
        groups = {e: h for e, h in self.canonical_groups.items() if h in heads}
        return ranking.grouped(scored, groups, heads, k)

    def _fuse(
        self, dense: list[tuple[Passage, float]], lexical: list[Passage]
    ) -> list[tuple[Passage, float]]:
        """Reciprocal-rank fusion by entry: an entry ranks by its best passage in each list.

        Fusing entries rather than passages lets a threat whose description matches the
        meaning and whose facet matches the words gain from both; fused by passage, the two
        passages would each score once. The passage shown is the entry's best dense one.
        """
        fused: dict[str, float] = {}
        shown: dict[str, Passage] = {}
        for ranked in ([p for p, _ in dense], lexical):
            seen: set[str] = set()
            for passage in ranked:
                if passage.entry_id in seen:
                    continue
                rank = len(seen)
                seen.add(passage.entry_id)
                fused[passage.entry_id] = fused.get(passage.entry_id, 0.0) + 1 / (RRF_K + rank + 1)
                shown.setdefault(passage.entry_id, passage)
        best = 2.0 / (RRF_K + 1)
        ordered = sorted(fused, key=lambda e: (-fused[e], e))
        return [(shown[e], fused[e] / best) for e in ordered]

    def _dense(
        self, texts: list[str], where: dict[str, Any] | None, n: int
    ) -> list[list[tuple[Passage, float]]]:
        """Per query, the nearest passages with their cosine similarity, best first."""
        collection = self.index.open()
        vectors = embed_queries(self.index.embedder, texts)
        result = collection.query(
            query_embeddings=vectors, n_results=n, where=where, include=["distances"]
        )
        return [
            [
                (self._by_id[pid], 1.0 - float(distance))
                for pid, distance in zip(ids, distances, strict=True)
                if pid in self._by_id
            ]
            for ids, distances in zip(result["ids"], result["distances"], strict=True)
        ]

    def _dense_memory(
        self, texts: list[str], layers: list[Layer], kinds: list[str], n: int
    ) -> list[list[tuple[Passage, float]]]:
        """`_dense` over the prebuilt vectors: one matrix product, no chromadb."""
        import numpy as np

        matrix = self.index.prebuilt
        assert matrix is not None
        passages = self.index.passages
        keep = np.array([_allowed(p, layers, kinds) for p in passages], dtype=bool)
        vectors = np.asarray(embed_queries(self.index.embedder, texts), dtype=np.float32)
        out = []
        for sims in vectors @ matrix.T:
            sims = np.where(keep, sims, -np.inf)
            top = np.argsort(-sims, kind="stable")[:n]
            out.append([(passages[i], float(sims[i])) for i in top if np.isfinite(sims[i])])
        return out

    def _bm25(self, text: str, layers: list[Layer], kinds: list[str], n: int) -> list[Passage]:
        passages = self.index.passages
        scores = self._lexical.scores(text)
        keep = [i for i in scores if _allowed(passages[i], layers, kinds)]
        keep.sort(key=lambda i: (-scores[i], passages[i].id))
        return [passages[i] for i in keep[:n]]


def _allowed(passage: Passage, layers: list[Layer], kinds: list[str]) -> bool:
    return (not kinds or passage.kind in kinds) and (
        not layers or any(x in passage.layers for x in layers)
    )
