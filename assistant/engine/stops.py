"""Why a model-backed run stopped early, in words for progress lines, notes and coverage."""

from __future__ import annotations

from assistant.errors import BudgetExceededError, ProviderError


def stop_reason(exc: BudgetExceededError | ProviderError) -> str:
    """Why the model stopped, in a few words: its budget ran out, or it failed.

    A provider error here is final: retries and fallbacks were already spent.
    """
    if isinstance(exc, BudgetExceededError):
        return "the model's budget ran out"
    return f"the model failed ({exc.kind})"
