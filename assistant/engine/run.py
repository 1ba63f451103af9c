"""One analysis from a description to a validated threat model, on the engine chosen.

Shared by `maestro-tm analyze` and the MCP server's `analyze_system`, so the two run the same
steps: read the system (or take the system file's), then propose and validate findings. A
model-backed run that a budget stops keeps what was validated: the result is marked partial and
the stop is returned for the caller to report, never raised before the work is handed back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.engine.analyze import analyze, system_from_description
from assistant.engine.guidance import PER_FINDING, Cite, Opening

if TYPE_CHECKING:
    from assistant.errors import AssistantError
    from assistant.knowledge import Catalogue
    from assistant.llm.config import LLMSettings
    from assistant.retrieval.search import Retriever
    from assistant.schema import SystemModel, ThreatModel


@dataclass(frozen=True)
class EngineRun:
    """What one analysis produced.

    Attributes:
        result: The validated threat model (partial when a budget or a failure stopped the
            model).
        stopped: The budget or provider error that stopped the model, for the caller to report
            after it has kept the result; None when the run finished.
        rules: For a hybrid run, what the rules engine alone finds (to measure what the model
            took away); None otherwise.
    """

    result: ThreatModel
    stopped: AssistantError | None = None
    rules: ThreatModel | None = None


def run_engine(
    description: str,
    catalogue: Catalogue,
    engine: str,
    settings: LLMSettings | None,
    given: SystemModel | None,
    require: Callable[[SystemModel], SystemModel],
    progress: Callable[[str], None],
    guidance: Callable[[], Retriever] | None = None,
) -> EngineRun:
    """Analyse a (redacted) description into a validated threat model.

    Args:
        description: The description, secrets already redacted.
        catalogue: The catalogue.
        engine: `rules`, `llm` or `hybrid`.
        settings: The model settings (unused by the rules engine).
        given: The system model of a system file, if the input was one.
        require: Checks that the system read from the description describes something,
            raising the caller's error when it does not.
        progress: Receives one line per step.
        guidance: Opens the guidance index whose passages rules findings cite (`analyze`
            passes `open_local_index`, the MCP server its warm retriever); None, the default,
            searches nothing.
    """
    if engine == "rules":
        progress("engine: rules (offline, no model)")
        system = given or require(system_from_description(description))
        # Opened only for a system that describes something, in a thread while the rules run.
        opening = open_guidance(guidance, progress) if guidance else None
        return EngineRun(
            analyze(description, catalogue, system=system, guidance=opening, progress=progress)
        )
    from assistant.engine.llm_mode import LLMExtractor, describe_usage, make_proposer, mark_partial
    from assistant.errors import ProviderError
    from assistant.schema import Engine

    kind, proposer, model_name = make_proposer(Engine(engine), settings, progress=progress)
    progress(f"engine: {kind.value} ({model_name})")
    extractor = LLMExtractor(proposer.chat_model, catalogue, progress=progress)
    system = given or require(system_from_description(description, extractor))
    if isinstance(extractor.stopped, ProviderError):
        proposer.failed = extractor.stopped  # the rules engine's findings stand in, marked partial
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
    if proposer.unreached and proposer.stopped is not None:
        result = mark_partial(result, proposer.unreached, proposer.stopped)
        progress(f"partial analysis: the model did not reach {', '.join(proposer.unreached)}")
    rules = None
    if kind == Engine.HYBRID:  # what the model must not take away without evidence
        rules_system = given or system_from_description(description)
        rules = analyze(description, catalogue, system=rules_system)
    return EngineRun(result, proposer.stopped or extractor.stopped, rules)


def open_guidance(source: Callable[[], object], progress: Callable[[str], None]) -> Opening:
    """Open the guidance index in a thread; the call returned waits for it.

    The index and its embedder load (and answer a first query) while the rules run. Without an
    index the analysis still runs, and says so: each finding then cites only its threat's own
    catalogue passages.
    """
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(1, thread_name_prefix="guidance")
    opening = pool.submit(_cite_with, source)
    pool.shutdown(wait=False)

    def ready() -> Cite | None:
        try:
            return opening.result()
        except Exception as exc:  # no index, no retrieved passages: the analysis still runs
            progress(
                f"warning: guidance search unavailable ({exc}); "
                "findings cite their threats' own catalogue passages only"
            )
            return None

    return ready


def open_local_index() -> Retriever:
    """The local guidance index (or the configured Chroma server), as `analyze` opens it."""
    from assistant.retrieval.search import Retriever

    return Retriever.open(notify=lambda _: None, warn=lambda _: None)


def _cite_with(source: Callable[[], object]) -> Cite:
    # Citing ranks a threat's own control passages with the shipped vectors (or a handful
    # embedded on the spot) and BM25: it never waits for the Chroma index to be built.
    from assistant.retrieval import passages_for_each
    from assistant.retrieval.search import Retriever

    retriever = source()
    if not isinstance(retriever, Retriever):
        raise TypeError(f"{type(retriever).__name__} cannot rank a threat's controls")

    def cite(asks: Sequence[tuple[str, str]]) -> list[list[str]]:
        found = passages_for_each(retriever, asks, k=PER_FINDING + 1)
        return [[p.id for p in passages] for passages in found]

    cite([("T1", "warm-up")])  # the first query loads the embedder: pay it here, in the thread
    return cite
