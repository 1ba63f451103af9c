"""The model-backed engines wired up: llm (the model proposes) and hybrid (rules as a safety net).

Extraction lives in `llm_extraction`, the proposal passes in `llm_proposal`; this module builds
them for a run and is what the CLI, the chat and the evals import.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from assistant.engine.analyze import GuidanceSource
from assistant.engine.llm_extraction import LLMExtractor
from assistant.engine.llm_proposal import LLMProposer
from assistant.llm.base import ChatModel, Usage
from assistant.schema import Engine

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


__all__ = ["LLMExtractor", "LLMProposer", "describe_usage", "make_proposer"]
