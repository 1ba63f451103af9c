"""The bridge between an `Embedder` and chromadb's embedding-function registry.

Imported only by `index.py`, inside functions, because importing chromadb costs half a second.
The product embeds passages and queries itself and hands chromadb vectors; this class exists so
that every collection's persisted configuration names this function instead of chromadb's
default, which would try to download a model the first time anything asked it to embed.
"""

from __future__ import annotations

from typing import Any

from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function

from assistant.retrieval.embedders import Embedder, make_embedder

NAME = "maestro_tm_embedder"


@register_embedding_function
class MaestroEmbeddingFunction(EmbeddingFunction[Documents]):
    """A chromadb embedding function backed by one of the product's embedders.

    Args:
        embedder: The embedder to delegate to. Its `spec` and `api_base` attributes, where it
            has them, are persisted so another process can recreate it.
        config: Instead of an embedder, a persisted configuration; the embedder it names is
            made on first use (chromadb rebuilds functions from config just to inspect them).
    """

    def __init__(
        self, embedder: Embedder | None = None, config: dict[str, Any] | None = None
    ) -> None:
        self._embedder = embedder
        if embedder is not None:
            config = {
                "embedder_id": embedder.id,
                "spec": getattr(embedder, "spec", embedder.id),
                "api_base": getattr(embedder, "api_base", None),
            }
        self._config = dict(config or {})

    def _get(self) -> Embedder:
        if self._embedder is None:
            self._embedder = make_embedder(self._config.get("spec"), self._config.get("api_base"))
        return self._embedder

    def __call__(self, input: Documents) -> Embeddings:
        """Embed documents."""
        import numpy as np

        return [np.asarray(v, dtype=np.float32) for v in self._get().embed_documents(input)]

    def embed_query(self, input: Documents) -> Embeddings:
        """Embed queries (the embedder may treat them differently from documents)."""
        import numpy as np

        return [np.asarray(self._get().embed_query(t), dtype=np.float32) for t in input]

    @staticmethod
    def name() -> str:
        """The registry name persisted in each collection's configuration."""
        return NAME

    def get_config(self) -> dict[str, Any]:
        """What `build_from_config` needs to recreate this function."""
        return dict(self._config)

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MaestroEmbeddingFunction:
        """Recreate the function from a persisted configuration."""
        return MaestroEmbeddingFunction(config=config)

    def default_space(self) -> Space:
        """Vectors are unit length, so cosine distance is the natural space."""
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        """Only cosine: the index is always built with it."""
        return ["cosine"]
