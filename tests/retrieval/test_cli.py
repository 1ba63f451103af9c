"""`maestro-tm index`, `search` and `eval retrieval` through the real entry point."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.helpers import run_cli
from tests.retrieval.fakes import FakeEmbedder, small_catalogue

Run = tuple[int, str, str]
Cli = Callable[..., Run]


@pytest.fixture(autouse=True)
def _fakes(monkeypatch: pytest.MonkeyPatch) -> None:
    catalogue = small_catalogue()
    monkeypatch.setattr("assistant.knowledge.default_catalogue", lambda: catalogue)
    monkeypatch.setattr(
        "assistant.retrieval.embedders.make_embedder",
        lambda spec=None, api_base=None: FakeEmbedder(),
    )


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    def run(*args: str) -> Run:
        return run_cli(list(args), monkeypatch, capsys)

    return run


def test_index_build_then_status(cli: Cli, tmp_path: Path) -> None:
    code, out, err = cli("index", "status", "--json")
    assert code == 0
    before = json.loads(out)
    assert before["up_to_date"] is False and before["built"] is None
    assert before["state"] == "not built yet"
    code, out, err = cli("index", "build")
    assert code == 0 and "building the guidance index" in err
    assert "index up to date" in out
    code, out, _ = cli("index", "status", "--json")
    status = json.loads(out)
    assert status["up_to_date"] is True
    assert status["embedder"] == "fake-hash@1"
    assert status["built"]["passages"] == status["passages"] > 0
    assert set(status) == {
        "location",
        "up_to_date",
        "state",
        "embedder",
        "catalogue_version",
        "passages",
        "built",
    }
    code, out, err = cli("index", "build")
    assert code == 0 and err == ""  # up to date: nothing rebuilt
    code, out, err = cli("index", "build", "--force")
    assert "forced" in err
    code, out, _ = cli("index", "status")
    assert "state:     up to date" in out


def test_search_json_shape(cli: Cli) -> None:
    code, out, err = cli("search", "memory poisoning", "-k", "3", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert isinstance(data, list) and len(data) == 1
    assert set(data[0]) == {"query", "results"}
    assert data[0]["query"] == "memory poisoning"
    assert len(data[0]["results"]) == 3
    for result in data[0]["results"]:
        assert set(result) == {"entry_id", "score", "kind", "layers", "text", "also"}
        assert isinstance(result["score"], float) and isinstance(result["layers"], list)
    assert data[0]["results"][0]["entry_id"] == "T1"


def test_search_filters_and_text_output(cli: Cli) -> None:
    code, out, _ = cli("search", "limits", "--layer", "l3", "--kind", "mitigation", "--json")
    assert code == 0
    assert [r["entry_id"] for r in json.loads(out)[0]["results"]] == ["L3-R3"]
    code, out, _ = cli("search", "memory poisoning", "-k", "2")
    assert code == 0 and out.startswith(" 1. ") and "T1" in out


def test_search_many_queries_from_a_file(cli: Cli, tmp_path: Path) -> None:
    queries = tmp_path / "queries.txt"
    queries.write_text(
        "memory poisoning\n\n  runaway trading loop  \nwallet keys\n", encoding="utf-8"
    )
    code, out, err = cli("search", "--file", str(queries), "--json", "-k", "1")
    assert code == 0, err
    data = json.loads(out)
    assert [d["query"] for d in data] == ["memory poisoning", "runaway trading loop", "wallet keys"]
    assert [d["results"][0]["entry_id"] for d in data] == [
        "T1",
        "MAS-RUNAWAY-AGENT",
        "Q-ARCHITECTURE-16",
    ]
    code, out, _ = cli("search", "--file", str(queries), "-k", "1")
    assert out.count("query: ") == 3


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (("search", ""), 2, "maestro-tm: the search query is empty"),
        (("search",), 2, "give either a QUERY or --file FILE"),
        (("search", "x", "--file", "-"), 2, "give either a QUERY or --file FILE"),
        (("search", "x", "--kind", "asi-top10"), 2, "Invalid value for '--kind'"),
        (("search", "x", "-k", "0"), 2, "Invalid value for '-k'"),
    ],
)
def test_bad_input_is_one_clear_line(
    cli: Cli, args: tuple[str, ...], code: int, needle: str
) -> None:
    got, _, err = cli(*args)
    assert got == code
    assert needle in err
    assert "Traceback" not in err


def test_an_empty_query_file_is_an_error(cli: Cli, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("\n  \n", encoding="utf-8")
    code, _, err = cli("search", "--file", str(empty))
    assert code == 2 and "holds no queries" in err


def test_a_huge_query_warns_and_still_answers(cli: Cli) -> None:
    code, out, err = cli("search", "memory " * 20000, "--json", "-k", "1")
    assert code == 0
    assert err.count("maestro-tm: warning: query is 139,999 characters long") == 1
    assert json.loads(out)[0]["results"]


def test_an_unreachable_chroma_server_is_one_line(cli: Cli) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    code, _, err = cli("search", "memory", "--chroma-url", url)
    assert code == 1
    assert err.startswith(f"maestro-tm: cannot reach the Chroma server at {url}")
    assert err.count("\n") == 1


def test_eval_retrieval_prints_and_writes_metrics(cli: Cli, tmp_path: Path) -> None:
    queries = tmp_path / "queries.yaml"
    queries.write_text(
        "version: 1\nqueries:\n"
        "  - {query: fake rules planted in agent memory, expect: [T1]}\n"
        "  - {query: trading loop repeats the order, expect: [MAS-RUNAWAY-AGENT]}\n"
        "  - {query: cap the daily spend, expect: [L3-R3]}\n",
        encoding="utf-8",
    )
    report = tmp_path / "report.json"
    code, out, err = cli("eval", "retrieval", "--queries", str(queries), "--json", str(report))
    assert code == 0, err
    assert "hit@1" in out and "hit@3" in out and "MRR" in out
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["overall"]["queries"] == 3
    assert set(data["overall"]) == {"queries", "hit@1", "hit@3", "mrr"}
    assert set(data["by_kind"]) == {"threat", "mitigation"}
    assert data["mode"] == "hybrid" and data["embedder"] == "fake-hash@1"


def test_eval_rejects_unknown_or_alias_ids(cli: Cli, tmp_path: Path) -> None:
    queries = tmp_path / "queries.yaml"
    queries.write_text(
        "version: 1\nqueries:\n  - {query: loop, expect: [MAS-RPA:T99, NOPE]}\n", encoding="utf-8"
    )
    code, _, err = cli("eval", "retrieval", "--queries", str(queries))
    assert code == 1 and "MAS-RPA:T99, NOPE" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text("queries: nope\n", encoding="utf-8")
    code, _, err = cli("eval", "retrieval", "--queries", str(bad))
    assert code == 1 and "not a valid query set" in err


def test_importing_retrieval_loads_no_heavy_library() -> None:
    code = "import sys, assistant.retrieval, assistant.commands.retrieval\n"
    code += "print(' '.join(m for m in ('chromadb', 'onnxruntime', 'litellm', 'numpy') if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == ""


def test_cli_kind_choices_match_the_indexed_kinds() -> None:
    from assistant.commands.retrieval import KINDS
    from assistant.retrieval.passages import RETRIEVABLE_KINDS

    assert tuple(KINDS) == RETRIEVABLE_KINDS


def test_eval_retrieval_reports_both_named_sets_apart(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "queries.yaml").write_text(
        "version: 1\nqueries:\n  - {query: fake rules planted in agent memory, expect: [T1]}\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(
        "assistant.retrieval.evaluate.set_path", lambda name: tmp_path / f"{name}.yaml"
    )
    code, out, _ = cli("eval", "retrieval")
    assert code == 0 and "retrieval eval: queries" in out and "heldout" not in out
    (tmp_path / "heldout.yaml").write_text(
        "version: 1\nqueries:\n"
        "  - {query: trading loop repeats the order, expect: [MAS-RUNAWAY-AGENT]}\n"
        "  - {query: cap the daily spend, expect: [L3-R3]}\n",
        encoding="utf-8",
    )
    code, out, _ = cli("eval", "retrieval", "--json", "-")
    data = json.loads(out)
    assert data["set"] == "queries" and data["overall"]["queries"] == 1
    assert data["heldout"]["set"] == "heldout" and data["heldout"]["overall"]["queries"] == 2
    code, out, _ = cli("eval", "retrieval", "--set", "heldout")
    assert code == 0 and "retrieval eval: heldout" in out and "eval: queries" not in out


@pytest.mark.parametrize(("name", "listed"), [("queries", True), ("heldout", False)])
def test_held_out_misses_are_counted_not_listed(
    capsys: pytest.CaptureFixture[str], name: str, listed: bool
) -> None:
    from assistant.commands.retrieval import _print_report

    metrics = {"queries": 1, "hit@1": 0.0, "hit@3": 0.0, "mrr": 0.0}
    miss = {"query": "a query nobody should tune on", "rank": None, "expect": ["T1"], "top3": []}
    report = {
        "set": name,
        "mode": "hybrid",
        "embedder": "fake",
        "queries_file": "x.yaml",
        "overall": metrics,
        "by_kind": {"threat": metrics},
        "results": [miss],
    }
    _print_report(report)
    out = capsys.readouterr().out
    assert ("a query nobody should tune on" in out) is listed
    assert "not in the top 3" in out
