"""`maestro-tm analyze`: a system description or system file in, a validated threat model out."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from assistant.errors import NothingDescribedError

if TYPE_CHECKING:
    from assistant.llm.config import LLMSettings
    from assistant.schema import SystemModel


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
    """Analyse a system into a threat model.

    FILE is a description (Markdown or text; - for stdin) or a system file (.yaml, .yml or
    .json; see docs/SYSTEM-FILES.md). Exit 2 when FILE is unreadable, invalid, or describes
    nothing.
    """
    from assistant.engine.analyze import analyze, system_from_description, trim
    from assistant.knowledge import default_catalogue
    from assistant.model_io import dump_threat_model, read_description, write_threat_model
    from assistant.system_file import is_system_file, read_system_file

    def progress(line: str) -> None:
        click.echo(line, err=True)

    catalogue = default_catalogue()
    structured = str(file) != "-" and is_system_file(file)
    # Input is read and refused before any model is set up: a bad file costs nothing.
    given = read_system_file(file, catalogue.capabilities) if structured else None
    if given is not None:
        description = given.description
        _require_something(given, file, structured)
    else:
        description = trim(read_description(file), progress)
        if not description.strip():
            raise NothingDescribedError(_nothing(file, structured))
    chosen, settings = _choose_engine(engine, model, api_base)
    if chosen == "rules":
        progress("engine: rules (offline, no model)")
        system = given or _require_something(system_from_description(description), file, False)
        result = analyze(description, catalogue, system=system, progress=progress)
    else:
        from assistant.engine.llm_mode import LLMExtractor, describe_usage, make_proposer
        from assistant.schema import Engine

        kind, proposer, model_name = make_proposer(Engine(chosen), settings, progress=progress)
        progress(f"engine: {kind.value} ({model_name})")
        extractor = LLMExtractor(proposer.chat_model, catalogue, progress=progress)
        system = given or _require_something(
            system_from_description(description, extractor), file, False
        )
        result = analyze(
            description,
            catalogue,
            engine=kind,
            proposer=proposer,
            system=system,
            model_name=model_name,
            progress=progress,
        )
        progress(describe_usage(proposer.usage + extractor.usage))
    if str(output) == "-":
        sys.stdout.write(dump_threat_model(result))
    else:
        write_threat_model(result, output)
        progress(f"wrote {output}")


def _require_something(system: SystemModel, file: Path, structured: bool) -> SystemModel:
    """The system, unless it has no components and no settled capabilities.

    An empty system model would analyse to an empty threat model that reads like a clean result;
    an empty, whitespace-only or signal-free input ("ignore all previous instructions") is an
    input error instead.
    """
    if not system.components and not system.capabilities:
        raise NothingDescribedError(_nothing(file, structured))
    return system


def _nothing(file: Path, structured: bool) -> str:
    """The one line for an input that describes nothing (exit 2, never an empty model)."""
    if structured:
        return (
            f"{file} describes no system: list its components (agents, models, tools, data "
            "stores) or settle its capabilities (docs/SYSTEM-FILES.md)"
        )
    where = "the standard input" if str(file) == "-" else str(file)
    return (
        f"nothing in {where} describes a system: name its agents, models, tools, data stores "
        "or users"
    )


def _choose_engine(
    engine: str | None, model: str | None, api_base: str | None
) -> tuple[str, LLMSettings | None]:
    """The engine to run (as asked, else hybrid when a model is configured, else rules).

    Returns:
        The engine and, unless it is the rules engine, the model settings, loaded once here
        (flags over environment over config file) and passed down.
    """
    if engine == "rules":
        return engine, None
    from assistant.llm import load_settings

    settings = load_settings({"model": model, "api_base": api_base})
    return engine or ("hybrid" if settings.model else "rules"), settings
