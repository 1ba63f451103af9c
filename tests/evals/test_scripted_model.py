"""The llm engine against the scripted model: stability, tokens and cost over several runs."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assistant.evals import harness
from assistant.evals.cases import load_cases
from assistant.evals.harness import model_runner, run_eval
from assistant.knowledge import Catalogue
from assistant.llm import ScriptedChatModel, ScriptedReply
from assistant.llm.base import ChatModel, ModelInfo
from assistant.schema import Engine
from tests.evals.builders import write_case
from tests.helpers import run_cli

INFO = ModelInfo(
    model="scripted/model",
    provider="scripted",
    input_cost_per_token=1e-6,
    output_cost_per_token=2e-6,
)
# The case says only "A helpdesk bot answers staff questions.": the model is the assumed `llm`.
DELTA = {
    "components": [
        {
            "id": "bot",
            "name": "Helpdesk bot",
            "kind": "agent",
            "layers": ["L3"],
            "evidence": [{"kind": "quote", "quote": "A helpdesk bot"}],
        },
    ],
    "capabilities": {"human-users": True},
    "capability_evidence": {"human-users": [{"kind": "quote", "quote": "answers staff"}]},
}


class NoGuidance:
    def search(self, query: str, layers: Any = None, kinds: Any = None, k: int = 5) -> list[Any]:
        return []


def _finding(threat: str) -> dict[str, Any]:
    return {
        "threat_id": threat,
        "layer": "L1",
        "title": f"{threat} against the helpdesk bot",
        "scenario": "A staff member types instructions that steer the model behind the bot.",
        "components": ["llm"],
        "likelihood": "possible",
        "impact": "medium",
        "rationale": "Staff can type anything.",
        "quotes": ["A helpdesk bot answers staff questions."],
    }


def _replies(threats: list[str]) -> list[ScriptedReply]:
    """One llm-engine analysis: extraction, the L1 and L3 passes, the cross-layer pass."""
    texts = [
        json.dumps(DELTA),
        json.dumps({"findings": [_finding(t) for t in threats]}),
        json.dumps({"findings": [], "not_applicable_reason": "no tools at L3"}),
        json.dumps({"findings": [], "not_applicable_reason": "one component per layer"}),
    ]
    return [ScriptedReply(t, prompt_tokens=100, completion_tokens=20) for t in texts]


def scripted(per_run: list[list[str]]) -> Callable[[], ChatModel]:
    """A chat-model factory: the first model (built up front) answers nothing, then one per run."""
    queue = [[], *[_replies(threats) for threats in per_run]]

    def make() -> ChatModel:
        return ScriptedChatModel(queue.pop(0), info=INFO)

    return make


def test_three_runs_report_stability_tokens_and_cost(tmp_path: Path, catalogue: Catalogue) -> None:
    write_case(tmp_path)  # expects T6 at L1/L3 and T7 at L1
    cases = load_cases(tmp_path, catalogue)
    runner, name = model_runner(
        catalogue,
        Engine.LLM,
        None,
        None,
        chat_model=scripted([["T6"], ["T6", "T7"], ["T6", "T7"]]),
        retriever=NoGuidance(),
    )
    report = run_eval(cases, runner, catalogue, engine="llm", model=name, runs=3)
    case = report.cases[0]
    assert name == "scripted/model" and not case.errors
    # run 1 {T6}, runs 2-3 {T6, T7}: Jaccard 1/2, 1/2, 1 -> 2/3
    assert case.stability == pytest.approx(0.6667, abs=1e-4)
    assert case.recall == pytest.approx(5 / 6, abs=1e-4)  # (1 + 2 + 2) / (2 * 3)
    # 4 calls per run, 100 + 20 tokens each, $1e-6 and $2e-6 per token
    assert case.tokens == 3 * 4 * 120
    assert case.cost_usd == pytest.approx(3 * 4 * (100e-6 + 40e-6))
    assert report.aggregate.stability == case.stability


def test_cli_runs_three_times_and_compares_two_models(
    tmp_path: Path,
    catalogue: Catalogue,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_case(tmp_path / "cases")
    answers = {"model-a": [["T6"], ["T6", "T7"], ["T6", "T7"]], "model-b": [["T7"]] * 3}
    real = harness.model_runner

    def fake_runner(
        cat: Catalogue, engine: Engine, model: str | None, *args: Any, **kw: Any
    ) -> Any:
        assert model is not None
        return real(
            cat, engine, model, None, chat_model=scripted(answers[model]), retriever=NoGuidance()
        )

    monkeypatch.setattr(harness, "model_runner", fake_runner)
    out = tmp_path / "report.json"
    code, stdout, err = run_cli(
        [
            "eval",
            "--cases",
            str(tmp_path / "cases"),
            "--engine",
            "llm",
            "--model",
            "model-a",
            "--model",
            "model-b",
            "--runs",
            "3",
            "--concurrency",
            "1",
            "--json",
            str(out),
        ],
        monkeypatch,
        capsys,
    )
    assert code == 0, err
    data = json.loads(out.read_text(encoding="utf-8"))
    first, second = data["reports"]
    assert first["aggregate"]["stability"] == pytest.approx(0.6667, abs=1e-4)
    assert second["aggregate"]["stability"] == 1.0
    assert first["aggregate"]["tokens"] == 1440 and first["aggregate"]["cost_usd"] > 0
    # The side-by-side table has one column per model and the token and cost rows.
    assert "| metric | llm engine, scripted/model | llm engine, scripted/model |" in stdout
    assert "| stability (mean Jaccard) | 0.667 | 1.000 |" in stdout
    assert "| tokens | 1,440 | 1,440 |" in stdout
    assert "| cost | $0.0017 | $0.0017 |" in stdout
