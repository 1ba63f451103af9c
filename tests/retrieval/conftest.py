"""Fixtures for retrieval tests: fake embedder, small catalogue, and a real Chroma server.

The server is the one chromadb ships (`chroma run`), started once per session on a free loopback
port with its data in a temporary folder, and stopped by its process id at the end.
"""

from __future__ import annotations

import gc
import os
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from assistant.knowledge import Catalogue
from assistant.retrieval.embedders import Embedder
from assistant.retrieval.index import GuidanceIndex
from tests.retrieval.fakes import FakeEmbedder, small_catalogue

MakeIndex = Callable[..., tuple[GuidanceIndex, list[str]]]


@pytest.fixture(autouse=True)
def _no_embedder_override(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("MAESTRO_TM_EMBEDDER", "MAESTRO_TM_EMBEDDER_API_BASE"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def small() -> Catalogue:
    return small_catalogue()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _chroma_binary() -> Path:
    path = Path(sys.executable).parent / "chroma"
    if not path.exists():  # pragma: no cover - chromadb always installs it next to python
        pytest.fail(f"chromadb's server launcher is missing: {path}")
    return path


def _wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"chroma server exited early with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"chroma server at {url} not ready after {timeout:.0f} s")


def _drop_http_clients() -> None:
    # chromadb caches one HTTP system per server for the whole process and never closes its
    # httpx pool; drop them here, quietly, instead of at interpreter exit.
    from chromadb.api.shared_system_client import SharedSystemClient

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        SharedSystemClient.clear_system_cache()
        gc.collect()


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a real Chroma server on loopback, for the whole session."""
    data = tmp_path_factory.mktemp("chroma-server")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = (data / "server.log").open("wb")
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False", "NO_COLOR": "1"}
    process = subprocess.Popen(
        [
            str(_chroma_binary()),
            "run",
            "--path",
            str(data / "db"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    try:
        _wait_ready(url, process)
        yield url
    finally:
        _drop_http_clients()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover - only if the server hangs
            process.kill()
            process.wait(timeout=10)
        log.close()


@pytest.fixture(params=["local", "server"])
def backend(request: pytest.FixtureRequest) -> str | None:
    """None for the local PersistentClient index, else the Chroma server URL."""
    if request.param == "server":
        url: str = request.getfixturevalue("chroma_server")
        return url
    return None


@pytest.fixture
def make_index(tmp_path: Path, backend: str | None) -> Iterator[MakeIndex]:
    """Build a GuidanceIndex on the parametrised backend, with the list its messages go to."""
    made: list[GuidanceIndex] = []

    def make(
        catalogue: Catalogue, embedder: Embedder, path: Path | None = None
    ) -> tuple[GuidanceIndex, list[str]]:
        messages: list[str] = []
        index = GuidanceIndex(
            catalogue,
            embedder,
            url=backend,
            path=path or tmp_path / "index",
            notify=messages.append,
        )
        made.append(index)
        return index, messages

    yield make
    for index in made:
        index.close()
