"""The model-backed engines (llm, hybrid). Placeholder until the model gateway lands."""

from __future__ import annotations

from assistant.engine.analyze import Proposer
from assistant.errors import AssistantError
from assistant.schema import Engine


def make_proposer(
    engine: Engine, model: str | None, api_base: str | None
) -> tuple[Engine, Proposer | None, str | None]:
    """Build the proposer for a model-backed engine."""
    raise AssistantError(
        f"the {engine.value} engine is not available in this build yet; use --engine rules",
        title="Engine",
    )
