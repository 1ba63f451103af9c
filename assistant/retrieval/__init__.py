"""Guidance retrieval: catalogue passages in a chromadb index, searched by meaning and words.

Importing this package loads neither chromadb nor the embedding model; both load on first use.
"""

from assistant.retrieval.embedders import Embedder, LiteLLMEmbedder, MiniLMEmbedder, make_embedder
from assistant.retrieval.guidance import passages_for, passages_for_each
from assistant.retrieval.index import GuidanceIndex
from assistant.retrieval.passages import Passage, build_passages
from assistant.retrieval.search import Retriever
from assistant.retrieval.store import IndexStatus

__all__ = [
    "Embedder",
    "GuidanceIndex",
    "IndexStatus",
    "LiteLLMEmbedder",
    "MiniLMEmbedder",
    "Passage",
    "Retriever",
    "build_passages",
    "make_embedder",
    "passages_for",
    "passages_for_each",
]
