"""The index: built once, rebuilt exactly when it must be, and damage is detected."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path

import pytest

from assistant.errors import ChromaServerError, EmbedderError
from assistant.retrieval.index import GuidanceIndex
from assistant.retrieval.store import MANIFEST, Manifest, chroma_url
from tests.conftest import ROOT
from tests.retrieval.conftest import MakeIndex
from tests.retrieval.fakes import FakeEmbedder, small_catalogue, small_entries


def _local(
    path: Path, version: str = "test+000000000001", embedder: FakeEmbedder | None = None
) -> tuple[GuidanceIndex, list[str]]:
    messages: list[str] = []
    index = GuidanceIndex(
        small_catalogue(version), embedder or FakeEmbedder(), path=path, notify=messages.append
    )
    return index, messages


def _manifest(path: Path) -> Manifest:
    return Manifest.model_validate_json((path / MANIFEST).read_bytes())


def _databases(path: Path) -> list[str]:
    return sorted(p.name for p in path.glob("db-*"))


def test_first_use_builds_and_records_a_complete_manifest(tmp_path: Path) -> None:
    index, messages = _local(tmp_path)
    assert index.status().state == "not built yet"
    assert not tmp_path.joinpath(MANIFEST).exists()  # status changes nothing
    collection = index.open()
    assert len(messages) == 1 and "not built yet" in messages[0]
    manifest = _manifest(tmp_path)
    assert manifest.complete and manifest.passages == len(index.passages) == collection.count()
    assert manifest.catalogue_version == "test+000000000001"
    assert manifest.embedder_id == "fake-hash@1" and manifest.dim == 64
    assert index.status().up_to_date


def test_an_up_to_date_index_is_never_rebuilt(tmp_path: Path) -> None:
    _local(tmp_path)[0].open()
    before = _databases(tmp_path)
    embedder = FakeEmbedder()
    index, messages = _local(tmp_path, embedder=embedder)
    assert index.open().count() == len(index.passages)
    assert messages == [] and embedder.documents_embedded == 0
    assert _databases(tmp_path) == before


def test_a_new_catalogue_version_rebuilds_and_drops_the_old_database(tmp_path: Path) -> None:
    _local(tmp_path)[0].open()
    old = _databases(tmp_path)
    index, messages = _local(tmp_path, version="test+000000000002")
    assert "catalogue changed" in index.status().state
    index.open()
    assert len(messages) == 1 and "catalogue changed" in messages[0]
    assert _manifest(tmp_path).catalogue_version == "test+000000000002"
    assert len(_databases(tmp_path)) == 1 and _databases(tmp_path) != old


def test_another_embedder_rebuilds_instead_of_mixing_vectors(tmp_path: Path) -> None:
    _local(tmp_path)[0].open()
    index, messages = _local(tmp_path, embedder=FakeEmbedder(dim=32, id="fake-hash@2"))
    index.open()
    assert "another embedder" in messages[0]
    manifest = _manifest(tmp_path)
    assert (manifest.embedder_id, manifest.dim) == ("fake-hash@2", 32)


def test_changed_passages_under_the_same_version_rebuild(tmp_path: Path) -> None:
    _local(tmp_path)[0].open()
    entries = [e for e in small_entries() if e.id != "T2"]
    messages: list[str] = []
    index = GuidanceIndex(
        small_catalogue(entries=entries), FakeEmbedder(), path=tmp_path, notify=messages.append
    )
    index.open()
    assert "passages derived from the catalogue changed" in messages[0]


def test_force_rebuilds_an_up_to_date_index(tmp_path: Path) -> None:
    _local(tmp_path)[0].open()
    index, messages = _local(tmp_path)
    index.open(force=True)
    assert messages and "forced" in messages[0]


def test_a_corrupted_database_is_detected_and_rebuilt(tmp_path: Path) -> None:
    _local(tmp_path)[0].open()
    db = tmp_path / _manifest(tmp_path).database / "chroma.sqlite3"
    db.write_bytes(b"this is not a database" * 100)
    index, messages = _local(tmp_path)
    collection = index.open()
    assert "damaged" in messages[0]
    assert collection.count() == len(index.passages)


def test_a_missing_database_folder_is_rebuilt(tmp_path: Path) -> None:
    _local(tmp_path)[0].open()
    for folder in tmp_path.glob("db-*"):
        for file in sorted(folder.rglob("*"), reverse=True):
            file.unlink() if file.is_file() else file.rmdir()
        folder.rmdir()
    index, messages = _local(tmp_path)
    index.open()
    assert "missing" in messages[0]


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda text: text[: len(text) // 2], "half-written"),
        (lambda text: "", "half-written"),
        (lambda text: text.replace('"complete": true', '"complete": false'), "did not finish"),
        (lambda text: json.dumps({**json.loads(text), "surprise": 1}), "half-written"),
    ],
)
def test_a_damaged_manifest_is_detected_and_rebuilt(
    tmp_path: Path, damage: object, reason: str
) -> None:
    _local(tmp_path)[0].open()
    path = tmp_path / MANIFEST
    path.write_text(damage(path.read_text(encoding="utf-8")), encoding="utf-8")  # type: ignore[operator]
    index, messages = _local(tmp_path)
    assert reason in index.status().state
    index.open()
    assert reason in messages[0]
    assert _manifest(tmp_path).complete and index.status().up_to_date


def test_an_embedder_returning_nothing_fails_clearly(tmp_path: Path) -> None:
    class Broken(FakeEmbedder):
        def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
            return []

    index = GuidanceIndex(small_catalogue(), Broken(), path=tmp_path, notify=lambda m: None)
    with pytest.raises(EmbedderError, match="unusable vectors"):
        index.open()
    assert not (tmp_path / MANIFEST).exists()


def test_server_builds_once_per_key(make_index: MakeIndex, backend: str | None) -> None:
    catalogue = small_catalogue(f"test+{uuid.uuid4().hex[:12]}")
    first, _ = make_index(catalogue, FakeEmbedder(id="fake-hash@once"))
    first.open(force=True)
    assert first.status().up_to_date
    second, again = make_index(catalogue, FakeEmbedder(id="fake-hash@once"))
    assert second.open().count() == len(second.passages)
    assert again == []


def test_an_unreachable_server_is_one_line_naming_the_url() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    index = GuidanceIndex(small_catalogue(), FakeEmbedder(), url=url)
    with pytest.raises(ChromaServerError) as info:
        index.open()
    assert url in info.value.message and "\n" not in info.value.message
    with pytest.raises(ChromaServerError):
        index.status()


def test_a_malformed_server_url_is_refused() -> None:
    index = GuidanceIndex(small_catalogue(), FakeEmbedder(), url="ftp://127.0.0.1:1")
    with pytest.raises(ChromaServerError, match="not a Chroma server URL"):
        index.open()


def test_chroma_url_comes_from_the_flag_then_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert chroma_url() is None
    monkeypatch.setenv("MAESTRO_TM_CHROMA_URL", "http://127.0.0.1:8000")
    assert chroma_url() == "http://127.0.0.1:8000"
    assert chroma_url("http://127.0.0.1:9000") == "http://127.0.0.1:9000"
    monkeypatch.setenv("MAESTRO_TM_CHROMA_URL", "  ")
    assert chroma_url() is None


def test_a_half_built_server_collection_is_rebuilt(chroma_server: str) -> None:
    catalogue = small_catalogue(f"test+{uuid.uuid4().hex[:12]}")
    index = GuidanceIndex(catalogue, FakeEmbedder(), url=chroma_server, notify=lambda m: None)
    collection = index.open()
    # What a client that died between `add` and the final `modify` leaves behind.
    pending = Manifest.model_validate(collection.metadata).model_copy(update={"complete": False})
    collection.modify(metadata=pending.model_dump())
    messages: list[str] = []
    again = GuidanceIndex(catalogue, FakeEmbedder(), url=chroma_server, notify=messages.append)
    assert again.status().state == "the last build did not finish"
    assert again.open().count() == len(again.passages)
    assert "did not finish" in messages[0] and again.status().up_to_date


_BUILD_IN_A_PROCESS = """
import sys, time
from pathlib import Path
from assistant.retrieval.index import GuidanceIndex
from tests.retrieval.fakes import FakeEmbedder, small_catalogue

class Slow(FakeEmbedder):
    def embed_documents(self, texts):
        time.sleep(1.0)  # widen the window in which the other process could also build
        return super().embed_documents(texts)

GuidanceIndex(small_catalogue(), Slow(), path=Path(sys.argv[1]), notify=print).open()
"""


def test_two_processes_build_the_same_index_once(tmp_path: Path) -> None:
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", _BUILD_IN_A_PROCESS, str(tmp_path)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0]
    assert sum(out.count("building the guidance index") for out in outputs) == 1
    assert len(_databases(tmp_path)) == 1 and _manifest(tmp_path).complete


def test_close_releases_clients_and_reopens_on_next_use(tmp_path: Path) -> None:
    index, messages = _local(tmp_path)
    first = index.open()
    index.close()
    assert index.open() is not first  # reopened from disk, not rebuilt
    assert len(messages) == 1
    index.close()
    index.close()  # idempotent
