"""`maestro-tm analyze`: a system description in, a validated threat model out."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from assistant.engine.analyze import Proposer
    from assistant.schema import Engine


@click.command("analyze")
@click.argument("file", type=click.Path(path_type=Path, allow_dash=True))
@click.option(
    "--engine",
    type=click.Choice(["rules", "llm", "hybrid"]),
    help="rules (offline, deterministic), llm, or hybrid (llm with the rules engine as a safety net). "
    "Default: hybrid when a model is configured, else rules.",
)
@click.option(
    "--model", help="litellm model string, e.g. openai/gpt-4o-mini (or MAESTRO_TM_MODEL)."
)
@click.option("--api-base", help="Base URL of the model endpoint.")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, allow_dash=True),
    default="-",
    help="Where to write the threat model JSON (default: stdout).",
)
def analyze_command(
    file: Path, engine: str | None, model: str | None, api_base: str | None, output: Path
) -> None:
    """Analyse a system description (Markdown or text; - for stdin) into a threat model."""
    from assistant.engine.analyze import analyze
    from assistant.knowledge import default_catalogue
    from assistant.model_io import dump_threat_model, read_description, write_threat_model

    def progress(line: str) -> None:
        click.echo(line, err=True)

    description = read_description(file)
    catalogue = default_catalogue()
    chosen, proposer, model_name = _engine(engine, model, api_base)
    progress(
        f"engine: {chosen.value}" + (f" ({model_name})" if model_name else " (offline, no model)")
    )
    result = analyze(
        description,
        catalogue,
        engine=chosen,
        proposer=proposer,
        model_name=model_name,
        progress=progress,
    )
    if str(output) == "-":
        sys.stdout.write(dump_threat_model(result))
    else:
        write_threat_model(result, output)
        progress(f"wrote {output}")


def _engine(
    engine: str | None, model: str | None, api_base: str | None
) -> tuple[Engine, Proposer | None, str | None]:
    from assistant.schema import Engine

    if engine in (None, "rules") and not model:
        return Engine.RULES, None, None
    from assistant.engine.llm_mode import make_proposer

    return make_proposer(Engine(engine or "hybrid"), model, api_base)
