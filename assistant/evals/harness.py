"""Running an engine over the eval cases and collecting the report.

An engine run is a function `(case) -> (ThreatModel, Usage)` (a `Runner`): the rules engine,
or the llm/hybrid engine with a proposer built fresh for each run. Runs of
model-backed engines go through a bounded thread pool; a run that raises is recorded as failed
and the others carry on; a case is scored, and reported through `on_case`, as soon as its runs
are done, so an interrupted eval keeps everything finished before the interruption.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.engine.analyze import analyze
from assistant.evals.cases import LoadedCase
from assistant.evals.metrics import (
    Aggregate,
    CaseReport,
    ReportModel,
    RunResult,
    aggregate,
    score_case,
)
from assistant.knowledge.catalogue import Catalogue
from assistant.llm.base import ChatModel, Usage
from assistant.schema import Engine, ThreatModel, utc_now

if TYPE_CHECKING:
    from assistant.engine.analyze import GuidanceSource
    from assistant.engine.llm_mode import LLMProposer

Runner = Callable[[LoadedCase], tuple[ThreatModel, Usage]]
"""One engine run on one case: the threat model it produced and what it cost."""


class EvalReport(ReportModel):
    """The result of one eval: an engine (and model) over a case set."""

    engine: str
    model: str | None
    runs: int
    catalogue_version: str
    cases_dir: str
    created: datetime
    complete: bool
    """Every case finished (false for an interrupted eval)."""
    interrupted: bool
    elapsed_seconds: float
    """Wall time of the whole eval (less than the sum of runs when they ran concurrently)."""
    cases: list[CaseReport]
    aggregate: Aggregate


def rules_runner(catalogue: Catalogue) -> Runner:
    """The rules engine as a runner (no model, no usage)."""

    def run(case: LoadedCase) -> tuple[ThreatModel, Usage]:
        return analyze(case.case.description, catalogue, engine=Engine.RULES), Usage()

    return run


def model_runner(
    catalogue: Catalogue,
    engine: Engine,
    model: str | None,
    api_base: str | None,
    *,
    chat_model: Callable[[], ChatModel] | None = None,
    retriever: GuidanceSource | None = None,
    limits: Mapping[str, Any] | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[Runner, str]:
    """The llm or hybrid engine as a runner, and the name of the model it uses.

    Each run gets its own proposer, extractor and chat model, so its usage (the proposer's plus
    the extractor's) is that run's alone and concurrent runs share no budget.

    Args:
        catalogue: The catalogue of record.
        engine: Engine.LLM or Engine.HYBRID.
        model: litellm model string (else from settings).
        api_base: Endpoint URL (else from settings).
        chat_model: Builds the chat model for a run (tests: a scripted model); default: from
            the settings, as `maestro-tm analyze` does.
        retriever: Guidance search shared by every run; default: the local index.
        limits: More settings flags (`max_tokens`, `max_cost`, `local_only`; None: not given).
        progress: Receives index build messages.

    Raises:
        LLMConfigError: No model configured, or invalid settings (raised here, before any run;
            the settings are loaded once, here).
    """
    from assistant.engine.llm_mode import LLMExtractor, make_proposer
    from assistant.llm import load_settings

    flags = {"model": model, "api_base": api_base, **(limits or {})}
    settings = None if chat_model else load_settings(flags)

    def build(shared: GuidanceSource | None) -> tuple[Engine, LLMProposer, str]:
        own = chat_model() if chat_model else None  # else one per run, from the settings
        return make_proposer(engine, settings, chat_model=own, retriever=shared, progress=progress)

    # Built once up front: a configuration error stops the eval before any case runs, and the
    # guidance index is opened once for all runs (or found missing once, not once per run).
    _, first, name = build(retriever)
    shared = first.retriever or _NoGuidance()

    def run(case: LoadedCase) -> tuple[ThreatModel, Usage]:
        kind, proposer, model_name = build(shared)
        extractor = LLMExtractor(proposer.chat_model, catalogue)
        result = analyze(
            case.case.description,
            catalogue,
            engine=kind,
            proposer=proposer,
            extractor=extractor,
            model_name=model_name,
        )
        return result, proposer.usage + extractor.usage

    return run, name


class _NoGuidance:
    """Stands in for a guidance index that could not be opened (findings carry no evidence)."""

    def search(self, query: str, layers: Any = None, kinds: Any = None, k: int = 5) -> list[Any]:
        return []


def run_once(runner: Runner, case: LoadedCase, catalogue: Catalogue) -> RunResult:
    """Run one case once; any exception becomes a failed run, never an aborted eval."""
    start = time.perf_counter()
    try:
        model, usage = runner(case)
    except Exception as exc:  # the boundary of one run: record it and let the others go on
        return RunResult(
            wall_seconds=time.perf_counter() - start, error=f"{type(exc).__name__}: {exc}"
        )
    findings = tuple(
        (catalogue.resolve(f.threat_id) or f.threat_id, f.layer) for f in model.findings
    )
    # Baseline controls and the variants a finding lists cover a threat the report addresses.
    baseline = tuple((b.threat_id, b.layer) for b in model.baseline) + tuple(
        (catalogue.resolve(v) or v, f.layer) for f in model.findings for v in f.variants
    )
    return RunResult(
        findings,
        len(model.rejected),
        usage,
        time.perf_counter() - start,
        baseline=baseline,
        # Grounded: it quotes the user and cites a catalogue passage. A path: one with at least
        # two stops (an entry point or agent, and where the threat does harm).
        grounded=sum(1 for f in model.findings if f.grounding and f.evidence),
        with_path=sum(1 for f in model.findings if len(f.attack_path) >= 2),
    )


def run_eval(
    cases: Sequence[LoadedCase],
    runner: Runner,
    catalogue: Catalogue,
    *,
    engine: str,
    model: str | None = None,
    runs: int = 1,
    concurrency: int = 1,
    cases_dir: Path | str = "",
    on_run: Callable[[LoadedCase, RunResult], None] | None = None,
    on_case: Callable[[EvalReport], None] | None = None,
) -> EvalReport:
    """Run every case `runs` times and score it.

    Args:
        cases: The loaded cases.
        runner: The engine run.
        catalogue: The catalogue of record (resolves finding ids).
        engine: Engine name for the report.
        model: Model name for the report.
        runs: Runs per case (stability needs at least 2).
        concurrency: Runs in flight at once; 1 runs in this thread, in order.
        cases_dir: Where the cases came from, for the report.
        on_run: Called after every run (progress bars).
        on_case: Called with the report so far whenever a case finishes (partial results).

    Returns:
        The report; `interrupted` is set if Ctrl-C stopped the eval, and holds every case that
        finished before it.
    """
    started = time.perf_counter()
    results: dict[str, list[RunResult]] = {case.id: [] for case in cases}
    scored: dict[str, CaseReport] = {}

    def report(interrupted: bool = False) -> EvalReport:
        done = [scored[c.id] for c in cases if c.id in scored]
        return EvalReport(
            engine=engine,
            model=model,
            runs=runs,
            catalogue_version=catalogue.version,
            cases_dir=str(cases_dir),
            created=utc_now(),
            complete=len(done) == len(cases),
            interrupted=interrupted,
            elapsed_seconds=round(time.perf_counter() - started, 3),
            cases=done,
            aggregate=aggregate(done),
        )

    def finished(case: LoadedCase, result: RunResult) -> None:
        results[case.id].append(result)
        if on_run is not None:
            on_run(case, result)
        if len(results[case.id]) == runs:
            scored[case.id] = score_case(case, results[case.id])
            if on_case is not None:
                on_case(report())

    jobs = [case for case in cases for _ in range(runs)]
    try:
        if concurrency <= 1:
            for case in jobs:
                finished(case, run_once(runner, case, catalogue))
        else:
            _run_pool(jobs, runner, catalogue, concurrency, finished)
    except KeyboardInterrupt:
        return report(interrupted=True)
    return report()


def _run_pool(
    jobs: list[LoadedCase],
    runner: Runner,
    catalogue: Catalogue,
    concurrency: int,
    finished: Callable[[LoadedCase, RunResult], None],
) -> None:
    pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="eval")
    futures: dict[Future[RunResult], LoadedCase] = {
        pool.submit(run_once, runner, case, catalogue): case for case in jobs
    }
    handled: set[Future[RunResult]] = set()
    try:
        # Results are handled here, in the calling thread, so callbacks need no locking.
        for future in as_completed(futures):
            handled.add(future)
            finished(futures[future], future.result())
    except KeyboardInterrupt:
        # Runs that completed while we waited still count; queued runs are dropped, and runs
        # in flight finish in the background (a thread cannot be stopped) and are discarded.
        pool.shutdown(wait=False, cancel_futures=True)
        for future, case in futures.items():
            done = future not in handled and future.done() and not future.cancelled()
            if done and future.exception() is None:
                finished(case, future.result())
        raise
    pool.shutdown(wait=False)
