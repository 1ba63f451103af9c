"""`maestro-tm eval`: score an engine, or several models, against the reference threat models.

The group runs the threat-model case eval when invoked on its own and keeps the other evals as
subcommands (`maestro-tm eval retrieval`, defined with the retrieval commands).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from assistant.commands.common import limit_flags, model_limit_options, write_text_atomic
from assistant.commands.eval_extraction import eval_extraction
from assistant.commands.retrieval import eval_retrieval

if TYPE_CHECKING:
    from assistant.evals.cases import LoadedCase
    from assistant.evals.harness import EvalReport, Runner
    from assistant.evals.metrics import RunResult
    from assistant.knowledge.catalogue import Catalogue


@click.group("eval", invoke_without_command=True)
@click.option(
    "--cases",
    "cases_path",
    metavar="DIR",
    type=click.Path(path_type=Path),
    help="Directory of case files, or one case file (default: evals/cases/).",
)
@click.option(
    "--engine",
    type=click.Choice(["rules", "llm", "hybrid"]),
    default="rules",
    show_default=True,
    help="The engine to score.",
)
@click.option(
    "--model",
    "models",
    multiple=True,
    help="litellm model string for llm/hybrid; repeat it to compare models side by side.",
)
@click.option("--api-base", help="Base URL of the model endpoint.")
@click.option(
    "--runs",
    type=click.IntRange(1, 50),
    default=1,
    show_default=True,
    help="Runs per case; 2 or more also measure run-to-run stability.",
)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=4,
    show_default=True,
    help="Model-backed runs in flight at once (the rules engine runs one at a time).",
)
@click.option(
    "--json",
    "json_out",
    metavar="OUT",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    help="Write the JSON report to OUT ('-' for stdout); rewritten as each case finishes.",
)
@click.option(
    "--md",
    "md_out",
    metavar="OUT",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write the Markdown scorecard to OUT.",
)
@model_limit_options
@click.pass_context
def eval_group(
    ctx: click.Context,
    cases_path: Path | None,
    engine: str,
    models: tuple[str, ...],
    api_base: str | None,
    runs: int,
    concurrency: int,
    json_out: Path | None,
    md_out: Path | None,
    max_tokens: int | None,
    max_cost: float | None,
    local_only: bool,
) -> None:
    """Score an engine or models against the reference threat models in evals/cases/.

    Prints the scorecard (recall, precision, F1, core and extended recall, not_expected
    violations, validator rejections, stability, tokens, cost, time). Exit 1 if any run
    failed, 130 if interrupted (finished cases are kept in --json).
    """
    if ctx.invoked_subcommand is not None:
        return
    from assistant.evals.cases import default_cases_dir, load_cases
    from assistant.evals.harness import model_runner, rules_runner
    from assistant.knowledge import default_catalogue
    from assistant.schema import Engine

    if engine == "rules" and (models or api_base):
        raise click.UsageError("--model and --api-base need --engine llm or hybrid")
    catalogue = default_catalogue()
    where = cases_path or default_cases_dir()
    cases = load_cases(where, catalogue)
    reports: list[EvalReport] = []
    for model in models or (None,):
        if engine == "rules":
            runner, name, parallel = rules_runner(catalogue), None, 1
        else:
            runner, name = model_runner(
                catalogue,
                Engine(engine),
                model,
                api_base,
                limits=limit_flags(max_tokens, max_cost, local_only),
                progress=_say,
            )
            parallel = concurrency
        run = _Eval(cases, catalogue, engine, runs, _shown(where), json_out)
        report = run.scored(runner, name, parallel, reports)
        reports.append(report)
        if report.interrupted:
            break
    _finish(reports, json_out, md_out)


@dataclass(frozen=True)
class _Eval:
    """What every model's eval in one `maestro-tm eval` shares."""

    cases: list[LoadedCase]
    catalogue: Catalogue
    engine: str
    runs: int
    cases_dir: str
    json_out: Path | None

    def scored(
        self, runner: Runner, name: str | None, parallel: int, done: list[EvalReport]
    ) -> EvalReport:
        """One engine or model over the cases, with a progress bar; partial JSON as it goes."""
        from assistant.evals.harness import run_eval

        label = f"eval {self.engine}" + (f" {name}" if name else "")
        with click.progressbar(
            length=len(self.cases) * self.runs,
            label=label,
            file=sys.stderr,
            item_show_func=lambda item: item,
        ) as bar:

            def advance(case: LoadedCase, result: RunResult, bar: Any = bar) -> None:
                bar.update(1, case.id)

            def partial(report: EvalReport) -> None:
                _write_json(self.json_out, [*done, report], final=False)

            return run_eval(
                self.cases,
                runner,
                self.catalogue,
                engine=self.engine,
                model=name,
                runs=self.runs,
                concurrency=parallel,
                cases_dir=self.cases_dir,
                on_run=advance,
                on_case=partial,
            )


eval_group.add_command(eval_retrieval)
eval_group.add_command(eval_extraction)


def _say(message: str) -> None:
    click.echo(message, err=True)


def _shown(path: Path) -> str:
    # Relative to the working directory when under it, so reports do not record home paths.
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _finish(reports: list[EvalReport], json_out: Path | None, md_out: Path | None) -> None:
    from assistant.evals.scorecard import comparison, scorecard

    text = "\n".join(scorecard(r) for r in reports)
    if len(reports) > 1:
        text = comparison(reports) + "\n" + text
    _write_json(json_out, reports, final=True)
    if md_out is not None:
        write_text_atomic(md_out, text)
    if str(json_out) != "-":
        click.echo(text, nl=False)
    interrupted = any(r.interrupted for r in reports)
    if interrupted:
        click.echo("maestro-tm: interrupted; the report holds the cases that finished", err=True)
        raise click.Abort()
    failed = sum(r.aggregate.counts.failed_runs for r in reports)
    if failed:
        total = sum(r.aggregate.counts.runs for r in reports)
        click.echo(f"maestro-tm: {failed} of {total} runs failed (see the report)", err=True)
        raise SystemExit(1)


def _report_json(reports: list[EvalReport]) -> str:
    data: Any = (
        reports[0].model_dump(mode="json")
        if len(reports) == 1
        else {"reports": [r.model_dump(mode="json") for r in reports]}
    )
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _write_json(path: Path | None, reports: list[EvalReport], *, final: bool) -> None:
    if path is None:
        return
    if str(path) == "-":
        if final:
            sys.stdout.write(_report_json(reports))
        return
    write_text_atomic(path, _report_json(reports))
