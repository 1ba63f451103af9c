"""Exports of a threat model: Markdown review draft, JSON, Open Threat Model, CSV, SARIF; diffs.

`export(model, fmt, catalogue)` renders any `ThreatModel`, whatever produced it. Output is a
pure function of its inputs: the same model and catalogue always give the same bytes (stable
ordering, LF line endings, no timestamp but the model's own). Format modules are imported only
when used.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

from assistant.errors import ExportError
from assistant.files import write_bytes

if TYPE_CHECKING:
    from assistant.knowledge import Catalogue
    from assistant.schema import ThreatModel

Format = Literal["md", "json", "otm", "csv", "sarif"]
FORMATS: tuple[str, ...] = get_args(Format)


def export(model: ThreatModel, fmt: str, catalogue: Catalogue) -> str:
    """Render `model` in `fmt` (`md`, `json`, `otm`, `csv` or `sarif`).

    Args:
        model: The threat model, from a file or straight from an analysis.
        fmt: One of `FORMATS`.
        catalogue: The catalogue used for threat and mitigation names and source citations.

    Returns:
        The document as text, ending in a newline.

    Raises:
        ExportError: `fmt` is not a known format.
    """
    if fmt == "md":
        from assistant.export.markdown import markdown_report

        return markdown_report(model, catalogue)
    if fmt == "json":
        from assistant.export.json_export import json_document

        return json_document(model)
    if fmt == "otm":
        from assistant.export.otm import otm_json

        return otm_json(model, catalogue)
    if fmt == "csv":
        from assistant.export.csv_export import csv_document

        return csv_document(model, catalogue)
    if fmt == "sarif":
        from assistant.export.sarif import sarif_json

        return sarif_json(model, catalogue)
    raise ExportError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")


def write_export(text: str, path: str | os.PathLike[str], *, protect: Path | None = None) -> None:
    """Write an export as UTF-8 with LF line endings, through the safe writer.

    An existing regular file at `path` is replaced without asking (the CLI's documented
    behaviour; the chat asks first). See `assistant.files.write_bytes` for what is refused.

    Args:
        text: The document.
        path: Where to write it; its directory must exist.
        protect: A file that must not be overwritten (the model being exported).

    Raises:
        ExportError: The path is the protected file, or cannot be written (one line; no temp
            file is left behind).
    """
    target = Path(path)
    if protect is not None and target.exists() and target.resolve() == protect.resolve():
        raise ExportError(f"{path}: refusing to overwrite the threat model being exported")
    # Bytes, not text mode: no platform newline translation, so the output is byte-stable.
    write_bytes(path, text.encode("utf-8"), error=ExportError)


__all__ = ["FORMATS", "Format", "export", "write_export"]
