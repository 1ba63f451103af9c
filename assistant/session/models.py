"""Which engine a chat runs on, and where its data goes.

A `ModelBinding` bundles what the conversation needs from the engine: the extractor, the
proposer and the chat model. The rules binding needs nothing; `bind_model` builds the hybrid
engine (the model proposes, the rules engine is its safety net). The conversation takes a
binding as an injected dependency, so tests, the CLI and `/model` switch engines the same way.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from assistant.engine.analyze import Extractor, GuidanceSource, Proposer, RulesExtractor
from assistant.schema import Engine, Layer, SystemDelta, SystemModel

if TYPE_CHECKING:
    from assistant.llm.base import ChatModel
    from assistant.llm.config import LLMSettings

OFFLINE = "offline: rules engine"


# What the chat needs from guidance search: the engine's protocol, under the chat's name.
Retrieval = GuidanceSource


class LazyRetriever:
    """Opens the real retriever on the first search, so startup never pays for chromadb.

    Args:
        opener: Builds the retriever (called once, in whichever thread searches first).
    """

    def __init__(self, opener: Callable[[], Retrieval]) -> None:
        self._opener = opener
        self._retriever: Retrieval | None = None
        self._lock = threading.Lock()

    def opened(self) -> Retrieval:
        """The retriever, opened now if nothing has searched yet."""
        with self._lock:
            if self._retriever is None:
                self._retriever = self._opener()
            return self._retriever

    def search(
        self,
        query: str,
        layers: Iterable[str | Layer] | None = None,
        kinds: Iterable[str] | None = None,
        k: int = 5,
    ) -> Sequence[Any]:
        """Search, opening the index first if this is the first search."""
        return self.opened().search(query, layers=layers, kinds=kinds, k=k)


class NoGuidance:
    """A retriever that finds nothing: the chat runs without guidance search (`--no-guidance`)."""

    def search(
        self,
        query: str,
        layers: Iterable[str | Layer] | None = None,
        kinds: Iterable[str] | None = None,
        k: int = 5,
    ) -> Sequence[Any]:
        """No passages."""
        return []


def default_retriever() -> LazyRetriever:
    """The bundled guidance index, opened on first use."""

    def opener() -> Retrieval:
        from assistant.retrieval.search import Retriever

        retriever = Retriever.open(notify=lambda _: None, warn=lambda _: None)
        if retriever.index.url is None and not retriever.index.status().up_to_date:
            _build_index_in_a_child()
        return retriever

    return LazyRetriever(opener)


def _build_index_in_a_child() -> None:
    # Embedding every passage peaks near 700 MB and the allocator keeps it; built in a child
    # process, the chat only ever pays for opening the index (about 300 MB). If the child
    # fails, the first search builds in-process as before, so this is an optimisation only.
    import subprocess
    import sys

    code = "from assistant.cli import main; main()"
    subprocess.run(
        [sys.executable, "-c", code, "index", "build"],
        capture_output=True,
        timeout=900,
        check=False,
    )


@dataclass(frozen=True)
class ModelBinding:
    """The engine a conversation runs on.

    Attributes:
        engine: rules, llm or hybrid.
        model: The model string, None in rules mode.
        destination: Where the user's text goes, for the header.
        proposer: Proposes findings (None in rules mode).
        extractor: Reads messages into system-model changes with a model; None: the rules
            alone read them (the interview reads answers with the rules in any case).
        chat_model: Streams answers to `/ask` (None in rules mode).
    """

    engine: Engine = Engine.RULES
    model: str | None = None
    destination: str = OFFLINE
    proposer: Proposer | None = None
    extractor: Extractor | None = None
    chat_model: ChatModel | None = None

    @property
    def label(self) -> str:
        """E.g. `offline: rules engine` or `hybrid: openai/gpt-4o-mini -> openai (cloud)`."""
        if self.engine == Engine.RULES:
            return OFFLINE
        return f"{self.engine.value}: {self.model} -> {self.destination}"

    def read(self, text: str, system: SystemModel) -> SystemDelta:
        """What a message (not an interview answer) says about `system`."""
        return (self.extractor or RulesExtractor()).extract(text, system)

    @contextmanager
    def cancellable(self, cancel: threading.Event | None) -> Iterator[None]:
        """Route `cancel` to every model call the proposer and extractor make inside."""
        from assistant.engine.llm_extraction import LLMExtractor
        from assistant.engine.llm_proposal import LLMProposer

        targets = [
            x for x in (self.proposer, self.extractor) if isinstance(x, LLMProposer | LLMExtractor)
        ]
        for target in targets:
            target.cancel = cancel
        try:
            yield
        finally:
            for target in targets:
                target.cancel = None

    def dropped_facts(self) -> str:
        """What grounding dropped from the model's last extraction, as one line ("" if none)."""
        if self.extractor is None:
            return ""  # the rules quote nothing a model said: nothing to drop
        from assistant.engine.grounding import summary
        from assistant.engine.llm_extraction import LLMExtractor

        if not isinstance(self.extractor, LLMExtractor):
            return ""
        return summary(self.extractor.last_dropped)


def rules_binding() -> ModelBinding:
    """The offline, deterministic engine."""
    return ModelBinding()


def destination(model: str, api_base: str | None) -> str:
    """Where a call to `model` sends data: `this machine (...)`, a host, or a provider's cloud."""
    from assistant.llm.config import endpoint_of, is_loopback_url, provider_of

    endpoint = endpoint_of(model, api_base)
    if endpoint is None:
        return f"{provider_of(model)} (cloud)"
    # Only the host: a URL may carry credentials (user:password@) that must not be shown.
    host = urlsplit(endpoint).hostname or endpoint
    port = urlsplit(endpoint).port
    where = f"{host}:{port}" if port else host
    return f"this machine ({where})" if is_loopback_url(endpoint) else where


def bind_model(
    settings: LLMSettings,
    *,
    chat_model: ChatModel | None = None,
    retriever: Retrieval | None = None,
) -> ModelBinding:
    """The hybrid engine on `settings.model`: the model proposes, the rules are the safety net.

    Args:
        settings: The model settings, built once by the caller (flags over environment over
            config file); nothing is read again here.
        chat_model: Use this model (tests inject a scripted one); default: built from
            `settings`.
        retriever: Guidance search shared with the chat.

    Raises:
        LLMConfigError: No model in the settings, or `local_only` refuses the endpoint.
    """
    from assistant.engine.llm_extraction import LLMExtractor
    from assistant.engine.llm_mode import make_proposer

    if chat_model is None:
        from assistant.llm import LiteLLMChatModel

        chat_model = LiteLLMChatModel(settings)  # refuses no model, and what local_only refuses
    # Without a retriever the engine would open the default index itself; the chat decides
    # about guidance (and `--no-guidance` means none), so it always passes one.
    engine, proposer, name = make_proposer(
        Engine.HYBRID, chat_model=chat_model, retriever=retriever or NoGuidance()
    )
    return ModelBinding(
        engine=engine,
        model=name,
        destination=destination(name, settings.api_base),
        proposer=proposer,
        extractor=LLMExtractor(chat_model),
        chat_model=chat_model,
    )


def model_binder(
    settings: LLMSettings, *, retriever: Retrieval | None = None
) -> Callable[[str], ModelBinding]:
    """What `/model NAME` runs: the caller's settings with the model swapped for `NAME`.

    Everything else (endpoint, timeouts, budgets, `local_only`) stays as the caller built it.
    """

    def bind(name: str) -> ModelBinding:
        return bind_model(settings.model_copy(update={"model": name}), retriever=retriever)

    return bind
