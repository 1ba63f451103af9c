"""A hostile scripted model: it answers by prompt, the way a broken or adversarial one would."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from typing import Any

from assistant.engine.analyze import analyze
from assistant.engine.llm_mode import LLMExtractor, make_proposer
from assistant.errors import BudgetExceededError, ProviderError
from assistant.knowledge import Catalogue
from assistant.llm import ScriptedChatModel
from assistant.llm.base import Message, Reply, Usage
from assistant.llm.gateway import CallParams
from assistant.schema import Engine, ThreatModel
from tests.support_agent import DESCRIPTION, quote

CANDIDATE = re.compile(r"^- (\S+) @ (L[1-7]|CL):", re.MULTILINE)


def component(ident: str, kind: str, layer: str, words: str) -> dict[str, Any]:
    return {"id": ident, "name": ident, "kind": kind, "layers": [layer], "evidence": quote(words)}


GOOD_DELTA: dict[str, Any] = {
    "components": [
        component("gpt-4o", "llm", "L1", "uses GPT-4o"),
        component("manuals", "vector-store", "L2", "a Pinecone vector store of manuals"),
        component("support-agent", "agent", "L3", "Our support agent"),
    ],
    "capabilities": {"rag": True, "memory": True, "tools": True, "multi-agent": False},
    "capability_evidence": {
        "rag": quote("vector store of manuals"),
        "memory": quote("remembers past tickets"),
        "tools": quote("calls the ticketing API"),
        "multi-agent": quote("no other agents"),
    },
}


Answer = Callable[[str, str], Any]
"""(kind of prompt, its full text) -> the reply as JSON data or raw text."""


class HostileModel(ScriptedChatModel):
    """Answers each prompt by its kind: `extract`, `layer`, `cross-layer` or `safety-net`.

    Args:
        answers: Replies by prompt kind (a callable gets the prompt text); a missing kind
            answers `{"findings": []}`.
        budget_after: Raise a budget error on this call (1-based) and every one after it.
        down_after: Fail as an unreachable server from this call (1-based) on.
    """

    def __init__(
        self,
        answers: dict[str, Any],
        budget_after: int | None = None,
        down_after: int | None = None,
    ) -> None:
        super().__init__()
        self.answers = answers
        self.budget_after = budget_after
        self.down_after = down_after
        self.cancels: list[threading.Event | None] = []

    def send(
        self,
        model: str,
        messages: list[Message],
        params: CallParams,
        cancel: threading.Event | None,
    ) -> Reply:
        self.history.append(messages)
        self.cancels.append(cancel)
        if self.budget_after is not None and len(self.history) >= self.budget_after:
            raise BudgetExceededError("token budget reached", kind="tokens", limit=1, used=Usage())
        if self.down_after is not None and len(self.history) >= self.down_after:
            raise ProviderError("cannot connect", provider="scripted", kind="connection")
        text = "\n".join(m.content for m in messages)
        kind = _kind(text)
        answer = self.answers.get(kind, {"findings": []})
        if callable(answer):
            answer = answer(kind, text)
        body = answer if isinstance(answer, str) else json.dumps(answer)
        return Reply(text=body, usage=Usage(), finish_reason="stop", model=model)


def _kind(text: str) -> str:
    if "You extract facts" in text:
        return "extract"
    if "deterministic checklist" in text:
        return "safety-net"
    if "threats that chain" in text:
        return "cross-layer"
    return "layer"


def rule_out_everything(_: str, text: str, **extra: str) -> dict[str, Any]:
    """The safety-net reply that rules out every candidate it was shown."""
    ruled = [
        {"threat_id": t, "layer": layer, "reason": "does not apply here", **extra}
        for t, layer in CANDIDATE.findall(text.split("Candidates")[-1])
    ]
    return {"findings": [], "ruled_out": ruled}


class NoGuidance:
    """A guidance index with nothing in it (no network, no index build)."""

    def search(self, query: str, layers: Any = None, kinds: Any = None, k: int = 5) -> list[Any]:
        return []


def run_hybrid(
    catalogue: Catalogue, model: HostileModel, lines: list[str] | None = None
) -> tuple[ThreatModel, Any, LLMExtractor]:
    kind, proposer, name = make_proposer(Engine.HYBRID, chat_model=model, retriever=NoGuidance())
    extractor = LLMExtractor(model, catalogue)
    result = analyze(
        DESCRIPTION,
        catalogue,
        engine=kind,
        proposer=proposer,
        extractor=extractor,
        model_name=name,
        progress=(lines.append if lines is not None else lambda _: None),
    )
    return result, proposer, extractor


def keys(model: ThreatModel) -> set[tuple[str, str]]:
    return {(f.threat_id, f.layer.value) for f in model.findings}


def rules_keys(catalogue: Catalogue, system: Any) -> set[tuple[str, str]]:
    return keys(analyze(DESCRIPTION, catalogue, system=system))
