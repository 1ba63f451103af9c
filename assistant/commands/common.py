"""What several subcommands share: option choices and a report write (imports stay light)."""

from __future__ import annotations

from pathlib import Path

import click

LAYER_CHOICES = ["L1", "L2", "L3", "L4", "L5", "L6", "L7", "CL"]
"""The MAESTRO layers as `--layer` accepts them (no pydantic import needed for `--help`)."""


# A str, not a Path: Path("out/") drops the slash the writer needs to see to refuse it.
THREAT_MODEL_OUTPUT = click.option(
    "-o",
    "--output",
    type=click.Path(allow_dash=True),
    default="-",
    help="Where to write the threat model JSON (default: stdout); an existing file is replaced.",
)
"""The `-o/--output` option of the commands that write a threat model."""


def write_text_atomic(path: Path, text: str) -> None:
    """Write a report through the safe writer, making its directory first.

    The safe writer renames a complete temp file over the report, so a reader (or an
    interrupted eval) never sees half a file. Reports may go to a new directory.

    Raises:
        ExportError: The file cannot be written.
    """
    from assistant.errors import ExportError
    from assistant.files import write_text

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None
    write_text(path, text, error=ExportError)
