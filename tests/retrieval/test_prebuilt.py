"""The shipped passage vectors: fresh for the bundled catalogue, used only when they fit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.knowledge import Catalogue, default_catalogue
from assistant.retrieval import prebuilt
from assistant.retrieval.embedders import MiniLMEmbedder
from assistant.retrieval.index import GuidanceIndex
from assistant.retrieval.passages import build_passages
from assistant.retrieval.search import Retriever
from tests.conftest import ROOT
from tests.retrieval.fakes import FakeEmbedder


def test_shipped_vectors_fit_the_bundled_catalogue() -> None:
    passages = build_passages(default_catalogue())
    embedder = MiniLMEmbedder()
    want = prebuilt.key_for(passages, embedder.id, embedder.dim)
    assert prebuilt.read_key() == want, "the shipped vectors are stale: run `make vectors`"
    assert prebuilt.load(passages, embedder.id, embedder.dim) is not None


@pytest.mark.slow
def test_shipped_vectors_are_what_the_model_computes() -> None:
    passages = build_passages(default_catalogue())
    embedder = MiniLMEmbedder()
    matrix = prebuilt.load(passages, embedder.id, embedder.dim)
    assert matrix is not None
    sample = list(range(0, len(passages), max(1, len(passages) // 12)))
    fresh = np.asarray(embedder.embed_documents([passages[i].text for i in sample]))
    cosines = (fresh * matrix[sample]).sum(axis=1)
    assert cosines.min() > 0.999, cosines


def test_vectors_are_used_only_for_the_same_passages_and_embedder(
    tmp_path: Path, small: Catalogue
) -> None:
    embedder = FakeEmbedder()
    key, vectors = tmp_path / "k.json", tmp_path / "v.npy"
    passages = build_passages(small)
    prebuilt.write(passages, embedder, key_path=key, vectors_path=vectors)
    loaded = prebuilt.load(passages, embedder.id, embedder.dim, key_path=key, vectors_path=vectors)
    assert loaded is not None and loaded.shape == (len(passages), embedder.dim)
    other = FakeEmbedder(id="fake-hash@2")
    assert prebuilt.load(passages, other.id, other.dim, key_path=key, vectors_path=vectors) is None
    fewer = passages[:-1]
    assert (
        prebuilt.load(fewer, embedder.id, embedder.dim, key_path=key, vectors_path=vectors) is None
    )
    vectors.write_bytes(b"not an array")
    assert (
        prebuilt.load(passages, embedder.id, embedder.dim, key_path=key, vectors_path=vectors)
        is None
    )


def test_in_memory_search_ranks_as_chromadb_does(
    tmp_path: Path, small: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    embedder = FakeEmbedder()
    queries = ["an attacker corrupts agent memory", "trading loop repeats the order", "cap spend"]
    stored = Retriever(GuidanceIndex(small, embedder, path=tmp_path / "ix"), hybrid=False)
    assert stored.index.prebuilt is None
    want = [[(p.entry_id, round(p.score or 0, 2)) for p in r] for r in stored.search_many(queries)]
    stored.close()
    key, vectors = tmp_path / "k.json", tmp_path / "v.npy"
    prebuilt.write(build_passages(small), embedder, key_path=key, vectors_path=vectors)
    real = prebuilt.load
    monkeypatch.setattr(prebuilt, "load", lambda *a: real(*a, key_path=key, vectors_path=vectors))
    memory = Retriever(GuidanceIndex(small, embedder, path=tmp_path / "none"), hybrid=False)
    assert memory.index.prebuilt is not None and memory.index.status().up_to_date
    got = [[(p.entry_id, round(p.score or 0, 2)) for p in r] for r in memory.search_many(queries)]
    assert got == want
    assert not (tmp_path / "none").exists()  # nothing was built


def test_first_search_of_the_bundled_catalogue_needs_no_chromadb() -> None:
    code = (
        "import sys\n"
        "from assistant.retrieval import Retriever\n"
        "r = Retriever.open(url='')\n"
        "top = r.search('an attacker corrupts what the agent remembers', k=3)\n"
        "print(' '.join(p.entry_id for p in top), 'chromadb' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    ids, loaded = done.stdout.split()[:-1], done.stdout.split()[-1]
    assert loaded == "False" and ids, done.stdout
