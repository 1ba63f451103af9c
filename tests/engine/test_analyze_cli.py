import json
from pathlib import Path

import pytest

from tests.engine.test_rules import RPA
from tests.helpers import run_cli


def test_analyze_writes_a_validated_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "system.md"
    source.write_text(RPA, encoding="utf-8")
    out = tmp_path / "tm.json"
    code, _, err = run_cli(["analyze", str(source), "-o", str(out)], monkeypatch, capsys)
    assert code == 0, err
    assert "engine: rules (offline, no model)" in err
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["findings"] and data["engine"] == "rules"
    code, report, _ = run_cli(["validate", str(out)], monkeypatch, capsys)
    assert code == 0, report


def test_analyze_reads_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.StringIO("hello"))
    code, out, _ = run_cli(["analyze", "-"], monkeypatch, capsys)
    assert code == 0 and json.loads(out)["findings"] == []


def test_analyze_missing_file_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli(["analyze", str(tmp_path / "nope.md")], monkeypatch, capsys)
    assert code == 2 and err.strip().endswith("no such file") and len(err.strip().splitlines()) == 1


def test_analyze_with_a_model_reports_dropped_facts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from typing import Any

    from assistant.engine import llm_mode
    from assistant.llm import ScriptedChatModel
    from tests.engine.test_llm_mode import AGENT, DESCRIPTION, FakeRetriever, component, quote

    invented = component("admin-console", "L4", quote("the admin console staff use"))
    # The extraction, then no findings for every layer pass and the cross-layer pass.
    model = ScriptedChatModel([json.dumps({"components": [AGENT, invented]})])
    model.enqueue(*['{"findings": []}'] * 8)
    real = llm_mode.make_proposer

    def scripted(*args: Any, **kwargs: Any) -> Any:
        return real(*args, **{**kwargs, "chat_model": model, "retriever": FakeRetriever()})

    monkeypatch.setattr(llm_mode, "make_proposer", scripted)
    source = tmp_path / "system.md"
    source.write_text(DESCRIPTION, encoding="utf-8")
    code, out, err = run_cli(["analyze", str(source), "--engine", "llm"], monkeypatch, capsys)
    assert code == 0, err
    assert (
        "extraction: 1 model fact dropped: quote not found in the text (component admin-console)"
        in err.splitlines()
    )
    components = {c["id"] for c in json.loads(out)["system"]["components"]}
    assert "support-agent" in components and "admin-console" not in components
