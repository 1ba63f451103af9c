"""The guidance index: catalogue passages and their vectors in chromadb.

The index is keyed by catalogue version, embedder id and a digest of the passages (so a change
to how passages are derived also counts). It is built on first use, rebuilt when the key changes
or the stored index is damaged, and otherwise opened as it is.

Local layout, under `home_dir()/index/`:

- `manifest.json`: the key, the passage count, the database folder and a completion marker,
  replaced atomically once a build has finished;
- `db-<nonce>/`: one chromadb `PersistentClient` folder per build. A rebuild writes a new folder
  and switches the manifest to it only when complete, so a crash mid-build leaves the previous
  index (or none) in place, never a half-written one that looks finished;
- `.lock`: serialises builds between processes.

With a Chroma server (`--chroma-url` / `MAESTRO_TM_CHROMA_URL`) the collection name carries the
key and the same manifest fields live in the collection's metadata.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import shutil
import uuid
from collections.abc import Callable, Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from assistant.errors import ChromaServerError, EmbedderError, RetrievalError
from assistant.knowledge import Catalogue
from assistant.locations import home_dir
from assistant.retrieval.embedders import Embedder
from assistant.retrieval.passages import Passage, build_passages, passages_digest
from assistant.retrieval.store import (
    MANIFEST,
    UP_TO_DATE,
    IndexStatus,
    Manifest,
    connect_server,
    read_manifest,
    settings,
    write_manifest,
)

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

INDEX_FORMAT = 1
"""Bump when the collection layout or metadata changes incompatibly."""
COLLECTION = "maestro-guidance"
_log = logging.getLogger(__name__)


class GuidanceIndex:
    """The chromadb collection of catalogue passages for one catalogue and one embedder.

    Args:
        catalogue: The catalogue to index.
        embedder: Embeds passages (and, in `search`, queries).
        url: A Chroma server URL; None keeps the index on disk under `path`.
        path: The local index folder (default `home_dir()/index`).
        notify: Receives one-line messages about (re)builds; default logs them.
        progress: Receives `(done, total)` passages while a build embeds them.
    """

    def __init__(
        self,
        catalogue: Catalogue,
        embedder: Embedder,
        *,
        url: str | None = None,
        path: Path | None = None,
        notify: Callable[[str], None] | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self.catalogue = catalogue
        self.embedder = embedder
        self.url = url
        self.path = path or home_dir() / "index"
        self.notify = notify or _log.info
        self.progress = progress
        self._collection: Any = None
        self._clients: list[Any] = []

    @cached_property
    def passages(self) -> list[Passage]:
        """The passages the current catalogue yields."""
        return build_passages(self.catalogue)

    @cached_property
    def prebuilt(self) -> npt.NDArray[np.float32] | None:
        """The shipped passage vectors, when they fit this catalogue and embedder (local only).

        With them, search needs neither chromadb nor a build: the bundled catalogue is ready
        on first use. A Chroma server always gets its own collection.
        """
        if self.url:
            return None
        from assistant.retrieval import prebuilt

        return prebuilt.load(self.passages, self.embedder.id, self.embedder.dim)

    def _manifest(self, database: str, *, dim: int, complete: bool = True) -> Manifest:
        return Manifest(
            format=INDEX_FORMAT,
            catalogue_version=self.catalogue.version,
            embedder_id=self.embedder.id,
            passages_digest=passages_digest(self.passages),
            passages=len(self.passages),
            dim=dim,
            database=database,
            complete=complete,
        )

    @property
    def location(self) -> str:
        """The index folder, or the server URL and collection name."""
        return f"{self.url} ({self._server_collection})" if self.url else str(self.path)

    @property
    def _server_collection(self) -> str:
        key = self._manifest("", dim=0).model_dump_json(exclude={"database", "complete", "dim"})
        return f"{COLLECTION}-{hashlib.sha256(key.encode()).hexdigest()[:16]}"

    # ---------------------------------------------------------------- status

    def _why_stale(self, built: Manifest | None, problem: str | None) -> str:
        if problem:
            return problem
        if built is None:
            return "not built yet"
        if not built.complete:
            return "the last build did not finish"
        want = self._manifest(built.database, dim=built.dim)
        if built.embedder_id != want.embedder_id:
            return f"built by another embedder ({built.embedder_id}, now {want.embedder_id})"
        if built.catalogue_version != want.catalogue_version:
            return f"catalogue changed ({built.catalogue_version} -> {want.catalogue_version})"
        if built != want:
            return "the passages derived from the catalogue changed"
        return UP_TO_DATE

    def _read_manifest(self) -> tuple[Manifest | None, str | None]:
        return read_manifest(self.path / MANIFEST)

    def status(self) -> IndexStatus:
        """Report on the stored index without building or changing anything."""
        if self.prebuilt is not None:
            from assistant.retrieval.prebuilt import VECTORS_PATH

            return IndexStatus(
                location=f"{VECTORS_PATH} (prebuilt)",
                embedder_id=self.embedder.id,
                catalogue_version=self.catalogue.version,
                passages=len(self.passages),
                built=None,
                state=UP_TO_DATE,
            )
        if self.url:
            _, built, problem = self._server_state()
        else:
            built, problem = self._read_manifest()
        return IndexStatus(
            location=self.location,
            embedder_id=self.embedder.id,
            catalogue_version=self.catalogue.version,
            passages=len(self.passages),
            built=built,
            state=self._why_stale(built, problem),
        )

    # ---------------------------------------------------------------- open / build

    def open(self, *, force: bool = False) -> Any:
        """The up-to-date chromadb collection, building it first if needed.

        Args:
            force: Rebuild even if the stored index is up to date.

        Raises:
            ChromaServerError: The Chroma server cannot be reached.
            RetrievalError: The index cannot be written.
        """
        if self._collection is not None and not force:
            return self._collection
        self._collection = self._open_server(force) if self.url else self._open_local(force)
        return self._collection

    def close(self) -> None:
        """Release the local database files this index opened (it reopens on next use)."""
        for client in self._clients:
            with contextlib.suppress(Exception):
                client.close()
        self._clients.clear()
        self._collection = None

    def _local_client(self, folder: Path) -> Any:
        import chromadb

        client = chromadb.PersistentClient(path=str(folder), settings=settings())
        self._clients.append(client)
        return client

    def _ef(self) -> Any:
        from assistant.retrieval.chroma_ef import MaestroEmbeddingFunction

        return MaestroEmbeddingFunction(self.embedder)

    def _embed_all(self) -> tuple[list[list[float]], int]:
        from assistant.retrieval.embedders import embed_in_steps

        texts = [p.text for p in self.passages]
        vectors = embed_in_steps(self.embedder, texts, self.progress)
        dims = {len(v) for v in vectors}
        if len(vectors) != len(self.passages) or len(dims) > 1 or 0 in dims:
            raise EmbedderError(
                f"embedder {self.embedder.id} returned unusable vectors "
                f"({len(vectors)} for {len(self.passages)} passages, lengths {sorted(dims)})"
            )
        return vectors, dims.pop() if dims else 0

    def _fill(
        self, client: Any, name: str, vectors: list[list[float]], metadata: dict[str, Any] | None
    ) -> Any:
        collection = client.create_collection(
            name,
            embedding_function=self._ef(),
            metadata=metadata,
            configuration={"hnsw": {"space": "cosine", "ef_construction": 200, "ef_search": 200}},
        )
        passages = self.passages
        step = max(1, min(client.get_max_batch_size(), 1000))
        for start in range(0, len(passages), step):
            chunk = passages[start : start + step]
            collection.add(
                ids=[p.id for p in chunk],
                documents=[p.text for p in chunk],
                metadatas=[p.metadata() for p in chunk],
                embeddings=vectors[start : start + step],
            )
        return collection

    def _try_open_local(self, manifest: Manifest) -> tuple[Any, str | None]:
        folder = self.path / manifest.database
        if not (folder / "chroma.sqlite3").is_file():
            return None, f"the index database {folder} is missing"
        try:
            client = self._local_client(folder)
            collection = client.get_collection(COLLECTION, embedding_function=self._ef())
            count = collection.count()
            # A one-row probe touches the vector segment too, which `count` does not read.
            probe: list[Sequence[float]] = [[1.0] + [0.0] * (manifest.dim - 1)]
            collection.query(query_embeddings=probe, n_results=1, include=[])
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # a damaged folder can even panic the Rust bindings
            self.close()
            return None, f"the index is damaged ({type(exc).__name__}: {str(exc)[:120]})"
        if count != manifest.passages:
            self.close()
            return None, f"the index holds {count} passages, expected {manifest.passages}"
        return collection, None

    def _existing_local(self) -> tuple[Any, str]:
        """The stored collection if it is up to date and sound, else None and why not."""
        built, problem = self._read_manifest()
        state = self._why_stale(built, problem)
        if state != UP_TO_DATE or built is None:
            return None, state
        collection, damage = self._try_open_local(built)
        return collection, damage or state

    def _open_local(self, force: bool) -> Any:
        collection, state = (None, "forced") if force else self._existing_local()
        if collection is not None:
            return collection
        with self._build_lock():
            if not force:
                # Another process may have finished the same build while this one waited.
                collection, state = self._existing_local()
                if collection is not None:
                    return collection
            self.notify(
                f"building the guidance index ({state}): "
                f"{len(self.passages)} passages with {self.embedder.id}"
            )
            return self._build_local()

    def _build_local(self) -> Any:
        vectors, dim = self._embed_all()
        database = f"db-{uuid.uuid4().hex[:12]}"
        try:
            client = self._local_client(self.path / database)
            collection = self._fill(client, COLLECTION, vectors, None)
            write_manifest(self.path / MANIFEST, self._manifest(database, dim=dim))
        except Exception as exc:  # OSError, or chromadb's own errors for a full or read-only disk
            raise RetrievalError(f"cannot write the guidance index in {self.path}: {exc}") from None
        for stale in self.path.glob("db-*"):
            if stale.name != database:
                shutil.rmtree(stale, ignore_errors=True)
        return collection

    @contextlib.contextmanager
    def _build_lock(self) -> Iterator[None]:
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            handle = (self.path / ".lock").open("a")
        except OSError as exc:
            raise RetrievalError(f"cannot create the index folder {self.path}: {exc}") from None
        with handle:
            try:
                import fcntl
            except ImportError:  # not POSIX: builds are not serialised
                yield
                return
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # ---------------------------------------------------------------- server

    @cached_property
    def _client(self) -> Any:
        # Not added to `_clients`: chromadb shares one HTTP system per server across the
        # process and does not close its connection pool on `close()`; releasing the system
        # early only leaves that pool to be garbage-collected mid-run. It closes at exit.
        assert self.url is not None
        return connect_server(self.url)

    def _server_state(self) -> tuple[Any, Manifest | None, str | None]:
        """The server collection (None if absent), its manifest and any problem with it."""
        try:
            collection = self._client.get_collection(
                self._server_collection, embedding_function=self._ef()
            )
        except ChromaServerError:
            raise
        except Exception:  # chromadb reports an absent collection with several error types
            return None, None, None
        try:
            return collection, Manifest.model_validate(dict(collection.metadata or {})), None
        except ValidationError:
            return collection, None, "the server collection has no valid manifest"

    def _open_server(self, force: bool) -> Any:
        client = self._client
        name = self._server_collection
        collection, built, problem = self._server_state()
        state = "forced" if force else self._why_stale(built, problem)
        if state == UP_TO_DATE and built is not None:
            if collection.count() == built.passages:
                return collection
            state = "the server collection is incomplete"
        self.notify(
            f"building the guidance index on {self.url} ({state}): "
            f"{len(self.passages)} passages with {self.embedder.id}"
        )
        vectors, dim = self._embed_all()
        try:
            if collection is not None:
                client.delete_collection(name)
            pending = self._manifest(name, dim=dim, complete=False)
            collection = self._fill(client, name, vectors, pending.model_dump())
            collection.modify(metadata=self._manifest(name, dim=dim).model_dump())
        except Exception as exc:
            raise ChromaServerError(
                f"the Chroma server at {self.url} refused the index build: {str(exc)[:200]}"
            ) from None
        return collection
