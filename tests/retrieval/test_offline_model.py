"""The real offline embedder end to end, with every non-loopback connection refused.

These tests are what "works with the network off" means: the autouse guard in tests/conftest.py
blocks any connection that is not loopback, so a model download would fail them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.knowledge import Catalogue
from assistant.retrieval.embedders import MiniLMEmbedder
from assistant.retrieval.search import Retriever
from tests.helpers import run_cli
from tests.retrieval.conftest import MakeIndex


@pytest.fixture(scope="module")
def minilm() -> MiniLMEmbedder:
    return MiniLMEmbedder()


def test_real_model_matches_paraphrases_on_both_backends(
    make_index: MakeIndex, small: Catalogue, minilm: MiniLMEmbedder
) -> None:
    index, _ = make_index(small, minilm)
    retriever = Retriever(index, hybrid=False, warn=pytest.fail)
    # No word in common with the entry: only the model can connect them.
    top = retriever.search("the bot keeps buying the same stock over and over", k=1)
    assert top[0].entry_id == "MAS-RUNAWAY-AGENT"
    assert (
        retriever.search("an attacker corrupts what the agent remembers", k=1)[0].entry_id == "T1"
    )


@pytest.fixture(scope="module")
def shared_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("real-home")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("query", "acceptable"),
    [
        (
            "an attacker plants false facts in the agent's long-term memory",
            {"T1", "MAS-CL-MEMORY-POISONING"},
        ),
        (
            "our MCP server listens on every interface with no firewall",
            {"MAS-MCP-NETWORK-EXPOSURE"},
        ),
        ("which layer covers vector stores and RAG pipelines", {"L2"}),
    ],
)
def test_cli_builds_and_searches_the_bundled_catalogue_offline(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    shared_home: Path,
    query: str,
    acceptable: set[str],
) -> None:
    monkeypatch.setenv("MAESTRO_TM_HOME", str(shared_home))
    code, out, err = run_cli(["search", query, "-k", "3", "--json"], monkeypatch, capsys)
    assert code == 0, err
    top3 = [e for r in json.loads(out)[0]["results"] for e in [r["entry_id"], *r["also"]]]
    assert acceptable & set(top3), top3
    code, out, _ = run_cli(["index", "status", "--json"], monkeypatch, capsys)
    status = json.loads(out)
    assert status["up_to_date"] and status["embedder"] == "minilm-l6-v2-int8@1.0.0"
