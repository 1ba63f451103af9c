"""`maestro-tm init`: start a threat model as code with a commented `maestro.yaml`."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("init")
@click.argument("path", required=False, default=None, type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace the file if it exists.")
def init_command(path: Path | None, force: bool) -> None:
    """Write a commented starter system file (default: ./maestro.yaml).

    The starter is valid as written: `maestro-tm analyze maestro.yaml` analyses it. Edit it to
    describe your system, commit it, and add the CI step in docs/CI.md. An existing file is left
    alone unless --force is given (exit 2).
    """
    from assistant.errors import OutputFileError
    from assistant.files import write_text
    from assistant.system_file.starter import STARTER, STARTER_NAME

    target = path or Path(STARTER_NAME)
    if target.exists() and not force:
        raise OutputFileError(f"{target} already exists; edit it, or use --force to replace it")
    write_text(target, STARTER)
    click.echo(
        f"wrote {target}: describe your system in it, then `maestro-tm analyze {target}`", err=True
    )
