"""The guidance retriever the server keeps warm: built on first search, reused after."""

from __future__ import annotations

import sys
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.retrieval.search import Retriever


def _stderr(message: str) -> None:
    # stdout is the MCP wire: a progress line there would corrupt the protocol.
    print(message, file=sys.stderr, flush=True)


@cache
def retriever() -> Retriever:
    """The process's retriever over the default index (local, or the configured Chroma server)."""
    from assistant.knowledge import default_catalogue
    from assistant.retrieval.embedders import make_embedder
    from assistant.retrieval.index import GuidanceIndex
    from assistant.retrieval.search import Retriever
    from assistant.retrieval.store import chroma_url

    index = GuidanceIndex(
        default_catalogue(), make_embedder(), url=chroma_url(None), notify=_stderr
    )
    return Retriever(index, warn=_stderr)
