"""What several subcommands share: option choices and an atomic text write (imports stay light)."""

from __future__ import annotations

import os
from pathlib import Path

LAYER_CHOICES = ["L1", "L2", "L3", "L4", "L5", "L6", "L7", "CL"]
"""The MAESTRO layers as `--layer` accepts them (no pydantic import needed for `--help`)."""


def write_text_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file and a rename.

    A reader (or an interrupted eval) never sees half a file.

    Raises:
        ExportError: The file cannot be written.
    """
    from assistant.errors import ExportError

    tmp = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None
