"""What several subcommands share: option choices and a report write (imports stay light)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


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


def model_limit_options(command: F) -> F:
    """`--max-tokens`, `--max-cost` and `--local-only`, as `ask` has them, for any command.

    The command receives them as `max_tokens`, `max_cost` and `local_only`; `limit_flags` turns
    them into settings flags (None where not given, so the environment and config still count).
    """
    command = click.option(
        "--local-only",
        is_flag=True,
        default=False,
        help="Refuse any model endpoint that is not this machine.",
    )(command)
    command = click.option(
        "--max-cost",
        type=click.FloatRange(min=0, min_open=True),
        help="Stop before spending more than this many US dollars on the model.",
    )(command)
    return click.option(
        "--max-tokens",
        type=click.IntRange(min=1),
        help="Stop after this many model tokens (prompt + completion).",
    )(command)


def limit_flags(max_tokens: int | None, max_cost: float | None, local_only: bool) -> dict[str, Any]:
    """The settings flags for `model_limit_options`' values."""
    return {
        "max_tokens": max_tokens,
        "max_cost": max_cost,
        "local_only": True if local_only else None,
    }
