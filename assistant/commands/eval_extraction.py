"""`maestro-tm eval extraction`: score the system-model extractor on annotated descriptions."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.command("extraction")
@click.option(
    "--dir",
    "root",
    metavar="DIR",
    type=click.Path(path_type=Path, file_okay=False),
    help="Directory holding the sets (default: evals/extraction/).",
)
@click.option(
    "--set",
    "sets",
    type=click.Choice(["dev", "heldout"]),
    multiple=True,
    help="Score only this set (repeatable; default: both, reported apart).",
)
@click.option("--cases", "show_cases", is_flag=True, help="Also list every case's misses.")
@click.option(
    "--json",
    "json_out",
    metavar="OUT",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    help="Write the figures as JSON to OUT ('-' for stdout).",
)
def eval_extraction(
    root: Path | None, sets: tuple[str, ...], show_cases: bool, json_out: Path | None
) -> None:
    """Score the rules extractor: capabilities, negation, approvals, tools, entry points, flows.

    The development set (`dev`) is the one the extractor is tuned against; the held-out set was
    written independently and is never edited to fit, so it is reported on its own.
    """
    from assistant.engine.analyze import system_from_description
    from assistant.evals.extraction import SETS, default_dir, load_set, score_set, scorecard

    base = root or default_dir()
    scores = [
        score_set(name, load_set(base / name), system_from_description) for name in (sets or SETS)
    ]
    click.echo(scorecard(scores))
    if show_cases:
        for score in scores:
            for case in score.cases:
                if case.notes:
                    click.echo(f"\n{score.name}/{case.case_id} ({case.style})")
                    click.echo("\n".join(f"  - {note}" for note in case.notes))
    if json_out is not None:
        text = json.dumps({s.name: s.headline() for s in scores}, indent=2) + "\n"
        if str(json_out) == "-":
            click.echo(text, nl=False)
        else:
            from assistant.commands.common import write_text_atomic

            write_text_atomic(json_out, text)
