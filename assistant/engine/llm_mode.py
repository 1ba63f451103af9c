"""The model-backed engines wired up: llm (the model proposes) and hybrid (rules as a safety net).

Extraction lives in `llm_extraction`, the proposal passes in `llm_proposal`; this module builds
them for a run and is what the CLI, the chat and the evals import.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from assistant.engine.analyze import GuidanceSource
from assistant.engine.hybrid import loss_warning, rules_loss
from assistant.engine.llm_extraction import LLMExtractor
from assistant.engine.llm_proposal import LLMProposer
from assistant.engine.stops import stop_reason
from assistant.errors import BudgetExceededError, ProviderError, RulesLossError
from assistant.llm.base import ChatModel, Usage
from assistant.schema import CoverageStatus, Engine, Layer, LayerCoverage, ThreatModel

if TYPE_CHECKING:
    from assistant.llm.config import LLMSettings


def make_proposer(
    engine: Engine,
    settings: LLMSettings | None = None,
    *,
    chat_model: ChatModel | None = None,
    retriever: GuidanceSource | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[Engine, LLMProposer, str]:
    """Build the proposer for the llm or hybrid engine.

    Args:
        engine: Engine.LLM or Engine.HYBRID.
        settings: The model settings the caller built (flags over environment over config
            file); used only to build the chat model when `chat_model` is not given.
        chat_model: Use this model instead of building one (tests, the chat's shared model).
        retriever: Guidance search; default: the local index, opened lazily (skipped with a
            warning if it cannot be opened).
        progress: Receives index build messages.

    Raises:
        LLMConfigError: No model configured, or invalid settings.
    """
    if chat_model is None:
        from assistant.llm import LiteLLMChatModel
        from assistant.llm.config import LLMSettings

        chat_model = LiteLLMChatModel(settings or LLMSettings())
    if retriever is None:
        retriever = _open_retriever(progress or (lambda _: None))
    proposer = LLMProposer(chat_model, hybrid=engine == Engine.HYBRID, retriever=retriever)
    return engine, proposer, chat_model.model


def _open_retriever(progress: Callable[[str], None]) -> GuidanceSource | None:
    try:
        from assistant.retrieval.search import Retriever

        retriever: GuidanceSource = Retriever.open(notify=progress, warn=progress)
        return retriever
    except Exception as exc:  # no index, no evidence: the analysis still runs, and says so
        progress(f"warning: guidance search unavailable ({exc}); findings will carry no evidence")
        return None


def describe_usage(usage: Usage) -> str:
    """One line for the end of an analysis."""
    return f"model usage: {usage.calls} calls, {usage.summary()}"


def check_rules_loss(
    result: ThreatModel, rules: ThreatModel, *, strict: bool, progress: Callable[[str], None]
) -> None:
    """Warn loudly when a hybrid run lost too many of the rules engine's findings.

    Args:
        result: The hybrid threat model.
        rules: The rules engine's threat model of the same input.
        strict: Make the loss an error.
        progress: Receives the warning.

    Raises:
        RulesLossError: Under `strict`, when the loss is over `hybrid.MAX_RULES_LOSS`.
    """
    lost = rules_loss(rules.findings, result.findings)
    warning = loss_warning(lost, len(rules.findings))
    if warning is None:
        return
    progress(warning)
    if strict:
        raise RulesLossError(
            f"the hybrid run lacks {len(lost)} of {len(rules.findings)} rules findings (--strict)"
        )


def mark_partial(
    result: ThreatModel, unreached: list[str], stopped: BudgetExceededError | ProviderError
) -> ThreatModel:
    """The threat model with every layer the model did not reach marked unknown, and why."""
    layers = [Layer(name) for name in unreached if name in Layer.__members__.values()]
    coverage = dict(result.coverage)
    again = (
        "with a larger budget"
        if isinstance(stopped, BudgetExceededError)
        else "once the model answers"
    )
    for layer in layers:
        coverage[layer] = LayerCoverage(
            status=CoverageStatus.UNKNOWN,
            question=(
                f"Partial analysis: {stop_reason(stopped)} before {layer.value} "
                f"(not reached: {', '.join(unreached)}); run again {again}."
            ),
        )
    return result.model_copy(update={"coverage": coverage})


__all__ = [
    "LLMExtractor",
    "LLMProposer",
    "check_rules_loss",
    "describe_usage",
    "make_proposer",
    "mark_partial",
]
