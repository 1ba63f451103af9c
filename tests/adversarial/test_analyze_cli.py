"""`maestro-tm analyze` against the hostile model: budgets keep work, --strict catches losses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.adversarial.hostile import (
    GOOD_DELTA,
    HostileModel,
    NoGuidance,
    rule_out_everything,
)
from tests.helpers import run_cli
from tests.support_agent import DESCRIPTION, finding


def _use(model: HostileModel, monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.engine import llm_mode

    real = llm_mode.make_proposer

    def scripted(*args: Any, **kwargs: Any) -> Any:
        return real(*args, **{**kwargs, "chat_model": model, "retriever": NoGuidance()})

    monkeypatch.setattr(llm_mode, "make_proposer", scripted)


def _source(tmp_path: Path) -> Path:
    source = tmp_path / "system.md"
    source.write_text(DESCRIPTION, encoding="utf-8")
    return source


def test_a_budget_stop_writes_the_partial_model_and_exits_3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def valid(kind: str, text: str) -> dict[str, Any]:
        return {"findings": [finding("T6", "L1", ["gpt-4o"])]}

    _use(HostileModel({"extract": GOOD_DELTA, "layer": valid}, budget_after=3), monkeypatch)
    out = tmp_path / "model.json"
    args = ["analyze", str(_source(tmp_path)), "--engine", "hybrid", "-o", str(out)]
    code, _, err = run_cli(args, monkeypatch, capsys)

    assert code == 3, err
    written = json.loads(out.read_text(encoding="utf-8"))
    assert any(f["threat_id"] == "T6" and f["layer"] == "L1" for f in written["findings"])
    assert len(written["findings"]) > 1  # the rules candidates stay
    assert written["coverage"]["L2"]["status"] == "unknown"
    assert "budget ran out" in written["coverage"]["L2"]["question"]
    assert "partial analysis: the model did not reach L2" in err


@pytest.mark.parametrize(("strict", "expected"), [(False, 0), (True, 1)])
def test_a_run_that_rules_out_everything_warns_and_fails_under_strict(
    strict: bool,
    expected: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def cited(kind: str, text: str) -> dict[str, Any]:
        # Every ruling cites a real fact on the finding's path (the agent) and its words: each
        # passes, together they gut the run.
        return rule_out_everything(kind, text, fact="support-agent", quote="Our support agent")

    _use(HostileModel({"extract": GOOD_DELTA, "safety-net": cited}), monkeypatch)
    out = tmp_path / "model.json"
    args = ["analyze", str(_source(tmp_path)), "--engine", "hybrid", "-o", str(out)]
    code, _, err = run_cli(args + (["--strict"] if strict else []), monkeypatch, capsys)

    assert code == expected, err
    assert "WARNING: the hybrid run lacks" in err
    assert out.exists()
