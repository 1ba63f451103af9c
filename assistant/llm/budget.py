"""Token counting, context trimming and the session's token and cost caps.

Counting is offline: tiktoken loads the encodings that ship inside litellm's wheel, found on disk
without importing litellm (which takes seconds). Counts for non-OpenAI models are estimates, as
litellm's own are. Prices come from litellm's bundled cost map, through `ModelInfo`.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.errors import BudgetExceededError, LLMConfigError
from assistant.llm.base import Message, ModelInfo, Usage

if TYPE_CHECKING:
    import tiktoken

# OpenAI's chat format spends a few tokens per message on roles and separators.
_PER_MESSAGE = 4
_PER_REPLY = 3
_TRIM_MARKER = "\n[... {n} tokens trimmed to fit the context window ...]\n"
_CACHE_SIZE = 512
_env_lock = threading.Lock()


def tokenizer_dir() -> Path | None:
    """The folder of tiktoken files inside litellm's wheel (without importing litellm)."""
    custom = os.environ.get("CUSTOM_TIKTOKEN_CACHE_DIR")
    if custom:
        return Path(custom)
    spec = importlib.util.find_spec("litellm")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "litellm_core_utils" / "tokenizers"


@lru_cache(maxsize=4)
def _encoding(name: str) -> tiktoken.Encoding | None:
    import tiktoken

    folder = tokenizer_dir()
    # tiktoken reads its cache folder from the environment; litellm later forces the same
    # variable to the same folder. Set it only while loading so a user's own value survives.
    with _env_lock:
        previous = os.environ.get("TIKTOKEN_CACHE_DIR")
        if folder is not None:
            os.environ["TIKTOKEN_CACHE_DIR"] = str(folder)
        try:
            return tiktoken.get_encoding(name)
        except Exception:  # offline and not bundled: fall back to the character estimate
            return None
        finally:
            if previous is None:
                os.environ.pop("TIKTOKEN_CACHE_DIR", None)
            else:
                os.environ["TIKTOKEN_CACHE_DIR"] = previous


def encoding_name(model: str) -> str:
    """The tiktoken encoding used to count tokens for a model string."""
    base = model.rsplit("/", 1)[-1].lower()
    if base.startswith(("gpt-4o", "gpt-4.1", "gpt-4.5", "gpt-5", "o1", "o3", "o4", "chatgpt")):
        return "o200k_base"
    return "cl100k_base"


class TokenCounter:
    """Counts tokens for one model, exactly for OpenAI models and approximately for others."""

    def __init__(self, model: str) -> None:
        self._encoding = _encoding(encoding_name(model))
        # Conversations are re-counted on every call; earlier turns come from here.
        self._counts: dict[str, int] = {}

    @property
    def exact(self) -> bool:
        """False when tiktoken could not load and counts are `len(text) / 4` estimates."""
        return self._encoding is not None

    def count(self, text: str) -> int:
        """Tokens in a text."""
        if self._encoding is None:
            return len(text) // 4 + 1
        known = self._counts.get(text)
        if known is None:
            known = len(self._encoding.encode(text, disallowed_special=()))
            if len(self._counts) >= _CACHE_SIZE:
                self._counts.clear()
            self._counts[text] = known
        return known

    def count_messages(self, messages: Sequence[Message]) -> int:
        """Tokens a conversation takes in the prompt."""
        return sum(self.count(m.content) + _PER_MESSAGE for m in messages) + _PER_REPLY

    def truncate_middle(self, text: str, keep: int) -> str:
        """Keep about `keep` tokens of a text, cutting from the middle (a marker says how many)."""
        if self._encoding is None:
            chars, total = keep * 4, len(text) // 4 + 1
            if len(text) <= chars:
                return text
            head, tail = text[: chars // 2], text[len(text) - chars // 2 :]
        else:
            tokens = self._encoding.encode(text, disallowed_special=())
            total = len(tokens)
            if total <= keep:
                return text
            head = self._encoding.decode(tokens[: keep // 2])
            tail = self._encoding.decode(tokens[total - keep // 2 :])
        return head + _TRIM_MARKER.format(n=total - keep) + tail


def trim_to_window(
    messages: Sequence[Message], counter: TokenCounter, limit: int
) -> tuple[list[Message], int, int]:
    """Fit a conversation into `limit` prompt tokens.

    The oldest turns go first; the system messages and the last message stay. If that is not
    enough, the middle of the longest remaining message is cut.

    Returns:
        The trimmed conversation, its prompt tokens, and how many tokens were removed.
    """
    kept = list(messages)
    before = total = counter.count_messages(kept)
    first = next((i for i, m in enumerate(kept) if m.role != "system"), len(kept))
    while total > limit and len(kept) - first > 1:
        del kept[first]
        total = counter.count_messages(kept)
    if total > limit:
        longest = max(range(len(kept)), key=lambda i: len(kept[i].content))
        message = kept[longest]
        own = counter.count(message.content)
        # The marker itself costs about 15 tokens.
        keep = max(0, own - (total - limit) - 16)
        kept[longest] = message.model_copy(
            update={"content": counter.truncate_middle(message.content, keep)}
        )
        total = counter.count_messages(kept)
    return kept, total, before - total


def cost_of(prompt_tokens: int, completion_tokens: int, info: ModelInfo) -> float | None:
    """List-price cost in USD, 0 for a local model, None when litellm has no price for it."""
    if info.input_cost_per_token is None or info.output_cost_per_token is None:
        return 0.0 if info.local else None
    return (
        prompt_tokens * info.input_cost_per_token + completion_tokens * info.output_cost_per_token
    )


class Budget:
    """The session's running totals and its `max_tokens` / `max_cost` caps.

    Args:
        max_tokens: Cap on prompt + completion tokens for the session.
        max_cost: Cap on cost in USD for the session.
    """

    def __init__(self, max_tokens: int | None = None, max_cost: float | None = None) -> None:
        self.max_tokens = max_tokens
        self.max_cost = max_cost
        self.used = Usage()
        self._lock = threading.Lock()

    def completion_cap(
        self, prompt_tokens: int, info: ModelInfo, max_output_tokens: int | None
    ) -> tuple[int | None, str | None]:
        """Check the next call fits, and cap its completion tokens to what is left.

        Returns:
            The completion-token cap for the call (None for the provider's default), and which
            budget sets it (`tokens` or `cost`; None when no budget binds), so that a reply cut
            off at the cap can be reported as the budget running out.

        Raises:
            BudgetExceededError: The prompt alone does not fit in what is left.
            LLMConfigError: A cost cap is set but the model's price is unknown.
        """
        caps: list[tuple[int, str]] = []
        if self.max_tokens is not None:
            left = self.max_tokens - self.used.total_tokens
            if prompt_tokens >= left:
                raise self._exceeded(
                    "tokens",
                    f"the next request needs about {prompt_tokens} tokens but only {max(left, 0)} "
                    f"of the {self.max_tokens}-token budget are left",
                )
            caps.append((left - prompt_tokens, "tokens"))
        if self.max_cost is not None:
            prompt_cost = cost_of(prompt_tokens, 0, info)
            if prompt_cost is None:
                raise LLMConfigError(
                    f"--max-cost cannot be enforced: litellm has no price for {info.model}; "
                    "use --max-tokens instead"
                )
            left_cost = self.max_cost - (self.used.cost_usd or 0.0)
            if prompt_cost >= left_cost:
                raise self._exceeded(
                    "cost",
                    f"the next request would cost about ${prompt_cost:.4f} but only "
                    f"${max(left_cost, 0):.4f} of the ${self.max_cost:.2f} budget is left",
                )
            if info.output_cost_per_token:
                caps.append((int((left_cost - prompt_cost) / info.output_cost_per_token), "cost"))
        cap, kind = min(caps) if caps else (None, None)
        if max_output_tokens is not None and (cap is None or max_output_tokens < cap):
            return max_output_tokens, None
        return cap, kind

    def record(self, usage: Usage) -> None:
        """Add a call's usage to the session totals."""
        with self._lock:
            self.used = self.used + usage

    def stopped(self, kind: str, partial: str) -> BudgetExceededError:
        """The error for a reply cut off because the `kind` budget ran out."""
        return self._exceeded(kind, "the reply was cut off when the budget ran out", partial)

    def _exceeded(self, kind: str, why: str, partial: str = "") -> BudgetExceededError:
        if kind == "tokens":
            limit: float = self.max_tokens or 0
            flag = f"stopped at --max-tokens {self.max_tokens}"
        else:
            limit = self.max_cost or 0.0
            flag = f"stopped at --max-cost {self.max_cost}"
        return BudgetExceededError(
            f"{flag}: {why} (session used {self.used.summary()}); raise the cap or shorten the input",
            kind=kind,
            limit=limit,
            used=self.used,
            partial=partial,
        )
