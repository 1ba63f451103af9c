"""`maestro-tm analyze`: a system description in, a validated threat model out."""

from __future__ import annotations

import sys
from pathlib import Path

import click


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
    chosen = _choose_engine(engine, model, api_base)
    if chosen == "rules":
        progress("engine: rules (offline, no model)")
        result = analyze(description, catalogue, progress=progress)
    else:
        from assistant.engine.llm_mode import LLMExtractor, describe_usage, make_proposer
        from assistant.schema import Engine

        kind, proposer, model_name = make_proposer(
            Engine(chosen), model, api_base, progress=progress
        )
        progress(f"engine: {kind.value} ({model_name})")
        extractor = LLMExtractor(proposer.chat_model, catalogue, progress=progress)
        result = analyze(
            description,
            catalogue,
            engine=kind,
            proposer=proposer,
            extractor=extractor,
            model_name=model_name,
            progress=progress,
        )
        progress(describe_usage(proposer.usage + extractor.usage))
    if str(output) == "-":
        sys.stdout.write(dump_threat_model(result))
    else:
        write_threat_model(result, output)
        progress(f"wrote {output}")


def _choose_engine(engine: str | None, model: str | None, api_base: str | None) -> str:
    """The engine to run: as asked, else hybrid when a model is configured, else rules."""
    if engine is not None:
        return engine
    if model:
        return "hybrid"
    from assistant.llm import load_settings

    return "hybrid" if load_settings({"api_base": api_base}).model else "rules"
