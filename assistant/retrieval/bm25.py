"""Okapi BM25 over the passages, in plain Python.

A few hundred short passages fit in a dictionary of postings; building it takes milliseconds, so
it is rebuilt in memory from the passages on every open instead of being stored.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence

_WORD = re.compile(r"[a-z0-9]+")
# Function words only: domain words ("agent", "data", "model") carry meaning here.
_STOP_WORDS = (
    "a about above after again all an and any are as at be because been before being below "
    "between both but by can could did do does doing down during each few for from further "
    "had has have having he her here hers him his how i if in into is it its itself just me "
    "more most my no nor not now of off on once only or other our ours out over own same she "
    "should so some such than that the their theirs them then there these they this those "
    "through to too under until up very was we were what when where which while who whom why "
    "will with would you your yours"
)
_STOP = frozenset(_STOP_WORDS.split())


def _stem(word: str) -> str:
    # A deliberately light suffix strip: enough to meet "poisoned"/"poisoning"/"poisons".
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def tokenize(text: str) -> list[str]:
    """Lower-cased, stemmed content words."""
    return [_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP]


class BM25:
    """BM25 scores of a query against a fixed list of documents.

    Args:
        documents: The texts, scored by position.
        k1: Term-frequency saturation.
        b: Length normalisation.
    """

    def __init__(self, documents: Sequence[str], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self._lengths: list[int] = []
        self._postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for index, text in enumerate(documents):
            counts = Counter(tokenize(text))
            self._lengths.append(sum(counts.values()))
            for term, freq in counts.items():
                self._postings[term].append((index, freq))
        n = len(self._lengths)
        self._avg = (sum(self._lengths) / n) if n else 0.0
        self._idf = {
            term: math.log(1 + (n - len(posts) + 0.5) / (len(posts) + 0.5))
            for term, posts in self._postings.items()
        }

    def scores(self, query: str) -> dict[int, float]:
        """Document position to score, for documents sharing at least one term with the query."""
        out: dict[int, float] = defaultdict(float)
        for term in set(tokenize(query)):
            idf = self._idf.get(term)
            if idf is None:
                continue
            for index, freq in self._postings[term]:
                norm = self.k1 * (1 - self.b + self.b * self._lengths[index] / self._avg)
                out[index] += idf * freq * (self.k1 + 1) / (freq + norm)
        return dict(out)
