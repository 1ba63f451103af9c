"""Where the index is kept: manifests, the status record and connections to chromadb.

chromadb itself is imported inside the functions that need it.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, ValidationError

from assistant.errors import ChromaServerError, RetrievalError

MANIFEST = "manifest.json"
CHROMA_URL_ENV = "MAESTRO_TM_CHROMA_URL"
UP_TO_DATE = "up to date"


class Manifest(BaseModel):
    """What a finished build recorded about itself."""

    model_config = ConfigDict(extra="forbid")

    format: int
    catalogue_version: str
    embedder_id: str
    passages_digest: str
    passages: int
    dim: int
    database: str
    complete: bool


@dataclass(frozen=True)
class IndexStatus:
    """Where the index is and whether it matches the catalogue and embedder in use.

    Attributes:
        location: The index folder, or the Chroma server URL and collection.
        embedder_id: The embedder in use now.
        catalogue_version: The catalogue version in use now.
        passages: How many passages the current catalogue yields.
        built: The manifest of the stored index, if there is a readable one.
        state: `up to date`, or why the next use will (re)build.
    """

    location: str
    embedder_id: str
    catalogue_version: str
    passages: int
    built: Manifest | None
    state: str

    @property
    def up_to_date(self) -> bool:
        """True when the stored index can be used as it is."""
        return self.state == UP_TO_DATE


def chroma_url(explicit: str | None = None) -> str | None:
    """The Chroma server URL to use: the explicit one, else the environment, else None."""
    url = (explicit or os.environ.get(CHROMA_URL_ENV, "")).strip()
    return url or None


def settings() -> Any:
    """Chromadb settings for every client: no telemetry."""
    from chromadb.config import Settings

    return Settings(anonymized_telemetry=False)


def read_manifest(path: Path) -> tuple[Manifest | None, str | None]:
    """The manifest at `path` (None if absent) and, if it is unusable, why."""
    try:
        return Manifest.model_validate_json(path.read_bytes()), None
    except FileNotFoundError:
        return None, None
    except (OSError, ValidationError, ValueError) as exc:
        first = str(exc).splitlines()[0]
        return None, f"the index manifest is unreadable or half-written ({first})"


def write_manifest(path: Path, manifest: Manifest) -> None:
    """Replace the manifest atomically, so a reader sees the old one or the new one."""
    from assistant.files import write_text

    write_text(path, manifest.model_dump_json(indent=2), error=RetrievalError)


def connect_server(url: str) -> Any:
    """An `HttpClient` for a Chroma server URL, checked with a heartbeat.

    Raises:
        ChromaServerError: The URL is malformed or the server does not answer (one line,
            naming the URL).
    """
    import chromadb

    parts = urlsplit(url if "://" in url else f"http://{url}")
    ssl = parts.scheme == "https"
    host, port = parts.hostname, parts.port or (443 if ssl else 8000)
    if parts.scheme not in {"http", "https"} or not host:
        raise ChromaServerError(f"not a Chroma server URL: {url}")
    try:
        # A plain TCP probe first: chromadb's HTTP session has no timeout, so a silent host
        # would otherwise hang the command.
        socket.create_connection((host, port), timeout=5).close()
        client = chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=settings())
        client.heartbeat()
    except Exception as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ChromaServerError(f"cannot reach the Chroma server at {url}: {reason}") from None
    return client
