"""Embedders: the offline default really runs offline; the litellm one is wired lazily."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import pytest

from assistant.errors import EmbedderError
from assistant.retrieval import embedders
from assistant.retrieval.embedders import (
    TOKENIZER_PATH,
    TOKENIZER_SHA256,
    Embedder,
    LiteLLMEmbedder,
    MiniLMEmbedder,
    embed_queries,
    make_embedder,
)
from tests.retrieval.fakes import FakeEmbedder


def _cos(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def test_vendored_tokenizer_is_the_pinned_file_with_its_licence() -> None:
    assert hashlib.sha256(TOKENIZER_PATH.read_bytes()).hexdigest() == TOKENIZER_SHA256
    data = TOKENIZER_PATH.parent
    assert "Apache License" in (data / "LICENSE-Apache-2.0.txt").read_text(encoding="utf-8")
    assert TOKENIZER_SHA256 in (data / "NOTICE.md").read_text(encoding="utf-8")


def test_minilm_runs_offline_and_ranks_by_meaning() -> None:
    # The autouse network guard refuses any non-loopback connection, so a download would fail.
    embedder = MiniLMEmbedder()
    assert embedder.id == "minilm-l6-v2-int8@1.0.0"
    docs = embedder.embed_documents(
        [
            "An attacker writes false facts into the agent's long-term memory.",
            "The container image was pulled from an untrusted registry.",
        ]
    )
    query = embedder.embed_query("someone plants fake memories in the assistant")
    assert all(len(v) == embedder.dim == 384 for v in [*docs, query])
    assert all(math.isclose(math.sqrt(_cos(v, v)), 1.0, rel_tol=1e-4) for v in [*docs, query])
    assert _cos(query, docs[0]) > _cos(query, docs[1])
    assert embedder.embed_query("same text") == embedder.embed_query("same text")


def test_minilm_batches_keep_input_order() -> None:
    embedder = MiniLMEmbedder(batch_size=2)
    texts = ["short", "a much longer sentence about agents and memory", "mid length text", "x"]
    batched = embedder.embed_documents(texts)
    singles = [embedder.embed_query(t) for t in texts]
    for a, b in zip(batched, singles, strict=True):
        assert _cos(a, b) > 0.999


def test_a_tampered_tokenizer_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = tmp_path / "tokenizer.json"
    fake.write_text("{}", encoding="utf-8")
    monkeypatch.setattr(embedders, "TOKENIZER_PATH", fake)
    with pytest.raises(EmbedderError, match="sha256"):
        MiniLMEmbedder().embed_query("hello")


def test_make_embedder_specs(monkeypatch: pytest.MonkeyPatch) -> None:
    assert isinstance(make_embedder(), MiniLMEmbedder)
    assert isinstance(make_embedder("minilm"), MiniLMEmbedder)
    remote = make_embedder("litellm:ollama/nomic-embed-text", "http://127.0.0.1:11434")
    assert isinstance(remote, LiteLLMEmbedder)
    assert remote.id == "litellm:ollama/nomic-embed-text"
    assert remote.api_base == "http://127.0.0.1:11434"
    monkeypatch.setenv("MAESTRO_TM_EMBEDDER", "litellm:ollama/all-minilm")
    monkeypatch.setenv("MAESTRO_TM_EMBEDDER_API_BASE", "http://127.0.0.1:1")
    from_env = make_embedder()
    assert isinstance(from_env, LiteLLMEmbedder)
    assert (from_env.model, from_env.api_base) == ("ollama/all-minilm", "http://127.0.0.1:1")
    for bad in ("bert", "litellm:", "litellm:  "):
        with pytest.raises(EmbedderError, match="unknown embedder"):
            make_embedder(bad)


def test_every_embedder_satisfies_the_protocol() -> None:
    # Checked by mypy: each assignment must type-check against the protocol.
    candidates: list[Embedder] = [MiniLMEmbedder(), LiteLLMEmbedder("ollama/x"), FakeEmbedder()]
    assert all(e.id for e in candidates)


def test_litellm_embedder_normalises_and_probes_dim(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, list[str], str | None]] = []

    def fake_embed(model: str, texts: list[str], api_base: str | None = None) -> list[list[float]]:
        calls.append((model, texts, api_base))
        return [[3.0, 4.0, 0.0] for _ in texts]

    monkeypatch.setattr("assistant.llm.litellm_model.litellm_embed", fake_embed)
    embedder = LiteLLMEmbedder("ollama/nomic-embed-text", "http://127.0.0.1:11434")
    assert embedder.embed_query("q") == pytest.approx([0.6, 0.8, 0.0])
    assert len(embedder.embed_documents([f"t{i}" for i in range(130)])) == 130
    assert embedder.dim == 3
    assert calls[0] == ("ollama/nomic-embed-text", ["q"], "http://127.0.0.1:11434")
    assert max(len(texts) for _, texts, _ in calls) <= 64


def test_litellm_embedder_rejects_a_short_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "assistant.llm.litellm_model.litellm_embed", lambda model, texts, api_base=None: [[1.0]]
    )
    with pytest.raises(EmbedderError, match="returned 1 vectors for 2 texts"):
        LiteLLMEmbedder("ollama/x").embed_documents(["a", "b"])


def test_batched_queries_match_single_queries() -> None:
    embedder = MiniLMEmbedder()
    texts = ["who can write to agent memory", "cap the daily spend", "x"]
    for batched, text in zip(embed_queries(embedder, texts), texts, strict=True):
        assert _cos(batched, embedder.embed_query(text)) > 0.999
    fake = FakeEmbedder()  # no batch method: falls back to one call per query
    assert embed_queries(fake, texts) == [fake.embed_query(t) for t in texts]


def test_embed_in_steps_reports_progress_and_keeps_order() -> None:
    from assistant.retrieval.embedders import embed_in_steps
    from tests.retrieval.fakes import FakeEmbedder

    embedder = FakeEmbedder()
    texts = [f"passage number {i}" for i in range(10)]
    seen: list[tuple[int, int]] = []
    vectors = embed_in_steps(
        embedder, texts, lambda done, total: seen.append((done, total)), step=4
    )
    assert seen == [(4, 10), (8, 10), (10, 10)]
    assert vectors == embedder.embed_documents(texts)
