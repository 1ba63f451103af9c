"""`maestro-tm analyze`: a system description or system file in, a validated threat model out."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from assistant.commands.common import THREAT_MODEL_OUTPUT, limit_flags, model_limit_options
from assistant.errors import NothingDescribedError

if TYPE_CHECKING:
    from collections.abc import Callable

    from assistant.knowledge import Catalogue
    from assistant.llm.config import LLMSettings
    from assistant.schema import SystemModel, ThreatModel


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
@THREAT_MODEL_OUTPUT
@click.option(
    "--keep-secrets",
    is_flag=True,
    help="Keep secrets found in the description (local use only): by default they are "
    "replaced with placeholders before anything is analysed, sent or written.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Fail (exit 1, the model still written) when a hybrid run loses more than a fifth "
    "of the rules engine's findings.",
)
@click.option(
    "--no-guidance",
    is_flag=True,
    help="Do not search the guidance index: rules findings cite their threats' own catalogue "
    "passages only (faster, and leaner on memory).",
)
@model_limit_options
def analyze_command(
    file: Path,
    engine: str | None,
    model: str | None,
    api_base: str | None,
    output: str,
    keep_secrets: bool,
    strict: bool,
    no_guidance: bool,
    max_tokens: int | None,
    max_cost: float | None,
    local_only: bool,
) -> None:
    """Analyse a system into a threat model.

    FILE is a description (Markdown or text; - for stdin) or a system file (.yaml, .yml or
    .json; see docs/SYSTEM-FILES.md). Secrets in it (API keys, passwords in URLs, private
    keys) are redacted before anything else, as in the chat. Exit 2 when FILE is unreadable,
    invalid, or describes nothing; exit 3, with what was validated so far written, when a model
    budget runs out; exit 1, with the same written, when the model fails for good (outage,
    timeout).
    """
    from assistant.engine.run import open_local_index, run_engine
    from assistant.knowledge import default_catalogue
    from assistant.system_file import is_system_file

    def progress(line: str) -> None:
        click.echo(line, err=True)

    catalogue = default_catalogue()
    structured = str(file) != "-" and is_system_file(file)
    description, given = _read_input(file, structured, catalogue, keep_secrets, progress)
    flags = {"model": model, "api_base": api_base, **limit_flags(max_tokens, max_cost, local_only)}
    chosen, settings = _choose_engine(engine, flags)

    def require(system: SystemModel) -> SystemModel:
        return _require_something(system, file, False)

    guidance = None if no_guidance else open_local_index
    run = run_engine(description, catalogue, chosen, settings, given, require, progress, guidance)
    _write(run.result, output, progress)  # what was validated is kept, whatever happens next
    if run.stopped is not None:
        raise run.stopped
    if run.rules is not None:
        from assistant.engine.llm_mode import check_rules_loss

        check_rules_loss(run.result, run.rules, strict=strict, progress=progress)


def _write(result: ThreatModel, output: str, progress: Callable[[str], None]) -> None:
    from assistant.model_io import dump_threat_model, write_threat_model

    if output == "-":
        sys.stdout.write(dump_threat_model(result))
    else:
        write_threat_model(result, output)
        progress(f"wrote {output}")


def _read_input(
    file: Path,
    structured: bool,
    catalogue: Catalogue,
    keep_secrets: bool,
    progress: Callable[[str], None],
) -> tuple[str, SystemModel | None]:
    """The description and the system file's model, if any, with secrets redacted.

    Input is read and refused before any model is set up: a bad file costs nothing. Redaction
    comes first, so the system is read from the redacted text and evidence offsets index it.
    """
    from assistant.engine.analyze import trim
    from assistant.engine.secrets import redact_input
    from assistant.model_io import read_description
    from assistant.system_file import read_system_file

    given = read_system_file(file, catalogue.capabilities) if structured else None
    if given is not None:
        description = given.description
        _require_something(given, file, structured)
    else:
        description = trim(read_description(file), progress)
        if not description.strip():
            raise NothingDescribedError(_nothing(file, structured))
    if not keep_secrets:
        redacted = redact_input(description, given)
        description, given = redacted.description, redacted.system
        if redacted.redactions:
            progress(redacted.summary())
    return description, given


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


def _choose_engine(engine: str | None, flags: dict[str, object]) -> tuple[str, LLMSettings | None]:
    """The engine to run (as asked, else hybrid when a model is configured, else rules).

    Returns:
        The engine and, unless it is the rules engine, the model settings, loaded once here
        (flags over environment over config file) and passed down.
    """
    if engine == "rules":
        return engine, None
    from assistant.llm import load_settings

    settings = load_settings(flags)
    return engine or ("hybrid" if settings.model else "rules"), settings
