"""The `maestro-tm` command line: the edge where errors become messages and exit codes.

Heavy modules (pydantic models, the catalogue, later litellm and chromadb) are imported inside
the commands that need them, so `maestro-tm --help` stays fast.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from assistant.commands.common import LAYER_CHOICES

F = TypeVar("F", bound=Callable[..., Any])


KIND_CHOICES = [
    "layer",
    "threat",
    "chain",
    "mitigation",
    "factor",
    "decision-step",
    "playbook",
    "asi-top10",
    "llm-top10",
    "question",
]


# Commands that live in their own modules, imported only when invoked (or listed by --help,
# which reads just their short help from here). name -> ("module:attribute", short help).
LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "export": (
        "assistant.commands.export:export_command",
        "Export as Markdown, JSON, OTM, CSV or SARIF.",
    ),
    "diff": ("assistant.commands.export:diff_command", "Diff two threat models; gate new risks."),
    "ask": ("assistant.commands.ask:ask", "Ask the model one threat-modelling question."),
    "index": (
        "assistant.commands.retrieval:index_group",
        "Build or inspect the guidance search index.",
    ),
    "search": (
        "assistant.commands.retrieval:search_command",
        "Search the MAESTRO guidance in plain words.",
    ),
    "analyze": (
        "assistant.commands.analyze:analyze_command",
        "Analyse a system description or system file into a validated threat model.",
    ),
    "chat": (
        "assistant.commands.chat:chat_command",
        "Open the terminal assistant (offline by default; --resume continues).",
    ),
    "sessions": ("assistant.commands.chat:sessions_group", "List saved chat sessions."),
    "import": (
        "assistant.commands.import_mcp:import_group",
        "Import a system from tool configs (`import mcp`: your MCP servers).",
    ),
    "mcp": (
        "assistant.commands.mcp:mcp_command",
        "Serve the engine to coding agents over MCP (stdio).",
    ),
    "init": (
        "assistant.commands.init:init_command",
        "Write a commented starter maestro.yaml system file.",
    ),
    "eval": (
        "assistant.commands.evals:eval_group",
        "Score engines and models against reference threat models (and `eval retrieval`).",
    ),
}


class LazyGroup(click.Group):
    """A click group that imports a subcommand's module only when that command runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Eager and lazy command names, sorted."""
        return sorted([*super().list_commands(ctx), *LAZY_COMMANDS])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command, importing its module first if it is a lazy one."""
        if cmd_name in LAZY_COMMANDS:
            import importlib

            module_name, attr = LAZY_COMMANDS[cmd_name][0].split(":")
            command = getattr(importlib.import_module(module_name), attr)
            assert isinstance(command, click.Command)
            return command
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List commands with short help, without importing lazy ones."""
        rows = [(name, cmd.get_short_help_str()) for name, cmd in sorted(self.commands.items())]
        rows += [(name, short) for name, (_, short) in LAZY_COMMANDS.items()]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(sorted(rows))


def _emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="maestro-tm", prog_name="maestro-tm")
def cli() -> None:
    """MAESTRO Assistant: threat-model agentic and multi-agent AI systems.

    Works offline: with no model configured, everything runs on the deterministic
    catalogue engine.
    """


@cli.group()
def catalogue() -> None:
    """Inspect and check the MAESTRO threat catalogue."""


@catalogue.command("check")
def catalogue_check() -> None:
    """Load the catalogue and run every integrity check (exit 1 on any problem)."""
    from assistant.knowledge import check_catalogue

    cat, problems = check_catalogue()
    for line in problems:
        click.echo(line, err=True)
    if problems or cat is None:
        raise SystemExit(1)
    kinds: dict[str, int] = {}
    for entry in cat.entries.values():
        kinds[entry.kind] = kinds.get(entry.kind, 0) + 1
    counts = ", ".join(f"{n} {k}" for k, n in kinds.items())
    click.echo(
        f"catalogue {cat.version}: {len(cat)} entries, {len(cat.aliases)} aliases ({counts}); ok"
    )


@catalogue.command("list")
@click.option(
    "--layer",
    type=click.Choice(LAYER_CHOICES, case_sensitive=False),
    help="Only entries allowed at this layer.",
)
@click.option("--kind", type=click.Choice(KIND_CHOICES), help="Only entries of this kind.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def catalogue_list(layer: str | None, kind: str | None, as_json: bool) -> None:
    """List catalogue entries."""
    from assistant.knowledge import default_catalogue
    from assistant.schema import Layer

    cat = default_catalogue()
    entries = cat.select(kind=kind, layer=Layer(layer.upper()) if layer else None)
    if as_json:
        _emit_json([cat.describe(e) for e in entries])
        return
    width = max((len(e.id) for e in entries), default=2)
    for e in entries:
        layers = ",".join(layer.value for layer in e.layers) or "-"
        click.echo(f"{e.id:<{width}}  {e.kind:<13}  {layers:<14}  {e.name}")
    click.echo(f"{len(entries)} entries", err=True)


@catalogue.command("show")
@click.argument("entry_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def catalogue_show(entry_id: str, as_json: bool) -> None:
    """Show one entry by id or alias (e.g. T6, MAS-MCP:T40, L2-P1)."""
    from assistant.knowledge import default_catalogue
    from assistant.knowledge.model import ThreatEntry

    cat = default_catalogue()
    entry = cat.require(entry_id)
    data = cat.describe(entry)
    if as_json:
        _emit_json(data)
        return
    click.echo(f"{entry.id}  {entry.name}")
    if entry.id != entry_id:
        click.echo(f"(resolved from {entry_id})")
    for key, value in data.items():
        if key in {"id", "name"} or value in (None, "", [], {}):
            continue
        if key == "sources":
            value = "; ".join(f"{s['document']} {s['version']}, {s['section']}" for s in value)
        elif isinstance(value, list):
            value = ", ".join(json.dumps(v) if isinstance(v, dict) else str(v) for v in value)
        elif key == "shown_by" and isinstance(entry, ThreatEntry):
            value = "; ".join(f"{cap} by {signs.label()}" for cap, signs in entry.shown_by.items())
        elif isinstance(value, dict):
            value = json.dumps(value)
        click.echo(f"  {key}: {value}")


@cli.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=True))
@click.option(
    "--retrieved",
    type=click.Path(path_type=Path, dir_okay=False),
    help="File of passage ids retrieved in the run (JSON list or one per line); enables the evidence check.",
)
@click.option(
    "--require-grounding",
    is_flag=True,
    help="Reject findings that cite no evidence (ungrounded); off by default for now.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def validate(file: Path, retrieved: Path | None, require_grounding: bool, as_json: bool) -> None:
    """Validate a threat-model JSON file against the catalogue.

    Exit 0 when every finding is accepted (warnings allowed), 1 when any is rejected,
    2 when the file cannot be read or is not a threat model.
    """
    from assistant.knowledge import default_catalogue
    from assistant.model_io import read_threat_model
    from assistant.report import validation_report, validation_text
    from assistant.validator import REQUIRE_GROUNDING, validate_model

    cat = default_catalogue()
    model, schema_verdicts = read_threat_model(file)
    ids = _read_retrieved(retrieved) if retrieved else None
    verdicts, model_issues = validate_model(
        model, cat, ids, require_grounding=require_grounding or REQUIRE_GROUNDING
    )
    report = validation_report(file, cat, schema_verdicts + verdicts, model_issues)
    if as_json:
        _emit_json(report)
    else:
        click.echo(validation_text(report))
    raise SystemExit(0 if report["outcome"] == "accepted" else 1)


def _read_retrieved(path: Path) -> set[str]:
    from assistant.errors import ThreatModelFileError
    from assistant.files import read_text

    text = read_text(path, error=ThreatModelFileError)
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return {line.strip() for line in text.splitlines() if line.strip()}
    if not isinstance(data, list) or not all(isinstance(i, str) for i in data):
        raise ThreatModelFileError(f"{path}: the retrieval log must be a JSON list of passage ids")
    return set(data)


@cli.command()
@click.option(
    "--system",
    "system_file",
    is_flag=True,
    help="The schema of system files (`analyze system.yaml`) instead of threat-model files.",
)
@click.option(
    "--write",
    is_flag=True,
    help="Write it to docs/schema/ (threat-model.schema.json or system.schema.json) instead of printing.",
)
def schema(system_file: bool, write: bool) -> None:
    """Print the JSON Schema of a threat-model file (or, with --system, of a system file)."""
    if system_file:
        from assistant.knowledge import default_catalogue
        from assistant.system_file import SYSTEM_SCHEMA_PATH, system_file_schema_text

        path, text = SYSTEM_SCHEMA_PATH, system_file_schema_text(default_catalogue().capabilities)
    else:
        from assistant.report import threat_model_schema_text
        from assistant.schema import SCHEMA_PATH

        path, text = SCHEMA_PATH, threat_model_schema_text()
    if write:
        from assistant.files import write_text

        Path(path).parent.mkdir(parents=True, exist_ok=True)
        write_text(path, text)
        click.echo(f"wrote {path}", err=True)
    else:
        click.echo(text, nl=False)


@cli.command()
def overview() -> None:
    """Summarise the catalogue: layers, threats per layer, the questions that decide them."""
    from assistant.knowledge import default_catalogue
    from assistant.report import overview_text

    click.echo(overview_text(default_catalogue()))


def main() -> None:
    """Console entry point: run the CLI and turn errors into one line on stderr."""
    from assistant.errors import AssistantError

    try:
        cli.main(standalone_mode=False, prog_name="maestro-tm")
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except AssistantError as exc:
        from assistant.safe_text import one_line  # messages quote paths and input: no controls

        click.echo(f"maestro-tm: {one_line(exc.message)}", err=True)
        sys.exit(exc.exit_code)
    except SystemExit:
        raise
    except Exception as exc:  # the last resort at the edge: one line, no traceback
        if os.environ.get("MAESTRO_TM_DEBUG"):
            raise
        click.echo(
            f"maestro-tm: internal error: {type(exc).__name__}: {exc} (set MAESTRO_TM_DEBUG=1 for details)",
            err=True,
        )
        sys.exit(70)


if __name__ == "__main__":  # `python -m assistant.cli`, as MCP client configs may launch it
    main()
