"""`maestro-tm export` and `maestro-tm diff`: review drafts, interchange files and PR gates."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from assistant.export import FORMATS
from assistant.schema import RiskLevel

if TYPE_CHECKING:
    from assistant.schema import ThreatModel, Verdict

# This module is imported only when one of its commands runs (cli.LAZY_COMMANDS), so importing
# the schema here costs `maestro-tm --help` nothing.
LEVEL_CHOICES = [level.value for level in RiskLevel]
# Suffixes that settle the format when --format is not given.
_SUFFIX_FORMATS = {
    ".md": "md",
    ".markdown": "md",
    ".csv": "csv",
    ".otm": "otm",
    ".json": "json",
    ".sarif": "sarif",
}


def _infer_format(out: Path | None) -> str:
    if out is None or str(out) == "-":
        return "md"
    name = out.name.lower()
    if name.endswith((".otm.json", ".otm")):
        return "otm"
    if name.endswith(".sarif.json"):
        return "sarif"
    return _SUFFIX_FORMATS.get(out.suffix.lower(), "md")


def _load(path: Path) -> tuple[ThreatModel, list[Verdict]]:
    """Read a threat model through the one reader (it refuses unsupported schema versions)."""
    from assistant.model_io import read_threat_model

    model, dropped = read_threat_model(path)
    if dropped:
        ids = ", ".join(v.finding_id for v in dropped[:5]) + (" ..." if len(dropped) > 5 else "")
        click.echo(
            f"maestro-tm: warning: {path}: {len(dropped)} finding(s) do not fit the schema and "
            f"are left out ({ids}); run `maestro-tm validate {path}` for details",
            err=True,
        )
    return model, dropped


@click.command("export")
@click.argument("model_file", metavar="MODEL.json", type=click.Path(path_type=Path, dir_okay=True))
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(FORMATS),
    help="md (review draft), json (schema of record), otm (Open Threat Model 0.2.0), csv or "
    "sarif (SARIF 2.1.0, for code scanning). "
    "Default: from the -o suffix, else md.",
)
@click.option(
    "-o",
    "--output",
    "out",
    # A str, not a Path: Path("out/") drops the slash the writer needs to see to refuse it.
    type=click.Path(allow_dash=True),
    help="File to write ('-' or none: stdout); an existing file is replaced.",
)
def export_command(model_file: Path, fmt: str | None, out: str | None) -> None:
    """Export a threat model as a Markdown review draft, JSON, OTM, CSV or SARIF.

    The same input always gives byte-identical output.
    """
    from assistant.export import export, write_export
    from assistant.knowledge import default_catalogue

    model, _ = _load(model_file)
    fmt = fmt or _infer_format(Path(out) if out else None)
    text = export(model, fmt, default_catalogue())
    if out is None or str(out) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    write_export(text, out, protect=model_file)
    click.echo(f"wrote {out} ({fmt}, {len(text.encode())} bytes)", err=True)


@click.command("diff")
@click.argument("old_file", metavar="OLD.json", type=click.Path(path_type=Path, dir_okay=True))
@click.argument("new_file", metavar="NEW.json", type=click.Path(path_type=Path, dir_okay=True))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option(
    "--fail-on",
    type=click.Choice(LEVEL_CHOICES),
    help="Exit 1 if a new or worsened finding reaches this risk level.",
)
@click.option(
    "--fail-on-removed/--no-fail-on-removed",
    default=True,
    show_default=True,
    help="With --fail-on, also exit 1 when a finding at that level or above was removed.",
)
def diff_command(
    old_file: Path, new_file: Path, as_json: bool, fail_on: str | None, fail_on_removed: bool
) -> None:
    """Compare two threat models: findings added, removed, and changed in risk or status.

    Findings match on (threat id, layer, components). Exit 0, or 1 when --fail-on trips (a new
    or worsened finding at the level, or, unless --no-fail-on-removed, one removed); 2 when a
    file cannot be read or is not a threat model.
    """
    import json

    from assistant.errors import ThreatModelFileError
    from assistant.export.diff import diff_json, diff_models, diff_text
    from assistant.knowledge import default_catalogue

    old, _ = _load(old_file)
    new, dropped = _load(new_file)
    if fail_on and dropped:
        # A gate must not pass on a model it could only partly read.
        raise ThreatModelFileError(
            f"{new_file}: cannot gate: {len(dropped)} finding(s) do not fit the schema"
        )
    level = RiskLevel(fail_on) if fail_on else None
    d = diff_models(old, new, default_catalogue())
    if as_json:
        shape = diff_json(d, str(old_file), str(new_file), level, removed=fail_on_removed)
        click.echo(json.dumps(shape, indent=2))
    else:
        click.echo(diff_text(d, str(old_file), str(new_file), level, removed=fail_on_removed))
    if level and (d.gating(level) or (fail_on_removed and d.removed_gating(level))):
        raise SystemExit(1)
