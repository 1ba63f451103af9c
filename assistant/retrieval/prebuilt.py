"""Passage vectors computed ahead of time, so the bundled catalogue is searchable on first use.

The artefact is two files under `assistant/retrieval/data/`:

- `prebuilt.json`: the key (format, embedder id, passages digest, passage count, dimension);
- `prebuilt.npy`: one float16 row per passage, in `build_passages` order.

It is used only when its key matches the passages and embedder in use, so a custom catalogue,
an edited one or another embedder falls back to building an index on demand. Regenerate it with
`make vectors` after editing the catalogue (a test fails while it is stale). float16 halves the
size; the rounding (under 1e-3 per component of a unit vector) never reorders a ranking that
matters, and the regenerated file is identical on the same platform.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, ValidationError

from assistant.retrieval.embedders import DATA_DIR
from assistant.retrieval.passages import Passage, passages_digest

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

PREBUILT_FORMAT = 1
KEY_PATH = DATA_DIR / "prebuilt.json"
VECTORS_PATH = DATA_DIR / "prebuilt.npy"


class PrebuiltKey(BaseModel):
    """What the shipped vectors were computed from."""

    model_config = ConfigDict(extra="forbid")

    format: int
    embedder_id: str
    passages_digest: str
    passages: int
    dim: int


def key_for(passages: Sequence[Passage], embedder_id: str, dim: int) -> PrebuiltKey:
    """The key vectors for these passages and this embedder must carry."""
    return PrebuiltKey(
        format=PREBUILT_FORMAT,
        embedder_id=embedder_id,
        passages_digest=passages_digest(list(passages)),
        passages=len(passages),
        dim=dim,
    )


def read_key(path: Path | None = None) -> PrebuiltKey | None:
    """The shipped key, or None when there is none or it is unreadable."""
    try:
        return PrebuiltKey.model_validate_json((path or KEY_PATH).read_bytes())
    except (OSError, ValidationError, ValueError):
        return None


def load(
    passages: Sequence[Passage],
    embedder_id: str,
    dim: int,
    *,
    key_path: Path | None = None,
    vectors_path: Path | None = None,
) -> npt.NDArray[np.float32] | None:
    """The shipped vectors as a float32 matrix, or None unless they fit these passages exactly."""
    import numpy as np

    if read_key(key_path or KEY_PATH) != key_for(passages, embedder_id, dim):
        return None
    try:
        matrix = np.load(vectors_path or VECTORS_PATH, allow_pickle=False)
    except (OSError, ValueError):
        return None
    if matrix.shape != (len(passages), dim):
        return None
    out: npt.NDArray[np.float32] = matrix.astype(np.float32)
    return out


def write(
    passages: Sequence[Passage],
    embedder: Any,
    *,
    key_path: Path | None = None,
    vectors_path: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> PrebuiltKey:
    """Embed every passage and write the artefact (used by `make vectors`)."""
    import numpy as np

    from assistant.retrieval.embedders import embed_in_steps

    vectors = embed_in_steps(embedder, [p.text for p in passages], progress)
    matrix = np.asarray(vectors, dtype=np.float16)
    key = key_for(passages, embedder.id, int(matrix.shape[1]))
    with (vectors_path or VECTORS_PATH).open("wb") as handle:
        np.save(handle, matrix, allow_pickle=False)
    (key_path or KEY_PATH).write_text(
        json.dumps(key.model_dump(), indent=2) + "\n", encoding="utf-8"
    )
    return key


def main() -> None:
    """Regenerate the shipped vectors for the bundled catalogue with the default embedder."""
    from assistant.knowledge import default_catalogue
    from assistant.retrieval.embedders import MiniLMEmbedder
    from assistant.retrieval.passages import build_passages

    key = write(build_passages(default_catalogue()), MiniLMEmbedder())
    print(f"wrote {VECTORS_PATH.name}: {key.passages} passages x {key.dim}, {key.embedder_id}")


if __name__ == "__main__":
    main()
