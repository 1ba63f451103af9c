"""The harness and the `eval` command: report shape, concurrency, failures, interruption."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import pytest

from assistant.evals import harness
from assistant.evals.cases import LoadedCase, load_cases
from assistant.evals.harness import EvalReport, rules_runner, run_eval
from assistant.knowledge import Catalogue
from assistant.llm.base import Usage
from assistant.schema import ThreatModel
from tests.evals.builders import write_case
from tests.helpers import run_cli

CASE_KEYS = {
    "id",
    "recall",
    "precision",
    "f1",
    "core_recall",
    "extended_recall",
    "not_expected_hits",
    "matched",
    "missed",
    "extra",
}


def _three_cases(folder: Path, catalogue: Catalogue) -> list[LoadedCase]:
    for name in ("a", "b", "c"):
        write_case(folder, f"{name}.yaml", id=f"case-{name}")
    return load_cases(folder, catalogue)


def test_cli_prints_the_scorecard_and_writes_json_and_markdown(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out, md = tmp_path / "r.json", tmp_path / "r.md"
    code, stdout, err = run_cli(
        ["eval", "--engine", "rules", "--json", str(out), "--md", str(md)], monkeypatch, capsys
    )
    assert code == 0, err
    assert stdout.startswith("## Scorecard: rules engine") and "| recall |" in stdout
    assert md.read_text(encoding="utf-8") == stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    # The shape the issue fixes, plus run metadata.
    assert {"cases", "aggregate"} <= set(data)
    assert data["engine"] == "rules" and data["complete"] is True and data["runs"] == 1
    assert len(data["cases"]) >= 8
    for case in data["cases"]:
        assert set(case) >= CASE_KEYS
        assert all(
            {"threat", "ref", "layers", "hits", "found_at"} <= set(m) for m in case["matched"]
        )
        assert all({"threat", "layer", "hits", "not_expected"} <= set(e) for e in case["extra"])
    assert {"recall", "precision", "f1", "core_recall", "extended_recall", "stability"} <= set(
        data["aggregate"]
    )
    assert data["aggregate"]["tokens"] == 0 and data["aggregate"]["cost_usd"] == 0.0
    assert "eval rules" in err  # the progress bar's label, on stderr


def test_json_to_stdout(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, stdout, _ = run_cli(["eval", "--json", "-"], monkeypatch, capsys)
    assert code == 0 and json.loads(stdout)["engine"] == "rules"


def test_model_options_need_a_model_engine(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli(["eval", "--model", "openai/gpt-4o-mini"], monkeypatch, capsys)
    assert code == 2 and "--model and --api-base need --engine llm or hybrid" in err


def test_bad_case_dir_is_one_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = write_case(tmp_path, expected=[{"threat": "T99", "layer": "L1"}])
    code, _, err = run_cli(["eval", "--cases", str(tmp_path)], monkeypatch, capsys)
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and lines[0].startswith(f"maestro-tm: {path}: ")


def test_retrieval_eval_stays_a_subcommand() -> None:
    from assistant.commands.evals import eval_group

    assert isinstance(eval_group, click.Group) and "retrieval" in eval_group.commands


@pytest.mark.parametrize("concurrency", [1, 3])
def test_a_failed_run_does_not_abort_the_eval(
    tmp_path: Path, catalogue: Catalogue, concurrency: int
) -> None:
    cases = _three_cases(tmp_path, catalogue)
    rules = rules_runner(catalogue)

    def flaky(case: LoadedCase) -> tuple[ThreatModel, Usage]:
        if case.id == "case-b":
            raise RuntimeError("provider fell over")
        return rules(case)

    report = run_eval(cases, flaky, catalogue, engine="rules", concurrency=concurrency)
    assert [c.id for c in report.cases] == ["case-a", "case-b", "case-c"]
    assert report.complete and not report.interrupted
    failed = report.cases[1]
    assert failed.errors == ["RuntimeError: provider fell over"] and failed.recall == 0.0
    assert report.cases[0].errors == [] and report.aggregate.counts.failed_runs == 1


@pytest.mark.parametrize("concurrency", [1, 2])
def test_an_interrupted_eval_keeps_finished_cases(
    tmp_path: Path, catalogue: Catalogue, concurrency: int
) -> None:
    cases = _three_cases(tmp_path, catalogue)
    rules = rules_runner(catalogue)
    partial: list[EvalReport] = []

    def interrupted(case: LoadedCase) -> tuple[ThreatModel, Usage]:
        if case.id == "case-c":
            raise KeyboardInterrupt
        return rules(case)

    report = run_eval(
        cases,
        interrupted,
        catalogue,
        engine="rules",
        concurrency=concurrency,
        on_case=partial.append,
    )
    assert report.interrupted and not report.complete
    kept = [c.id for c in report.cases]
    if concurrency == 1:
        assert kept == ["case-a", "case-b"]
        # A report was handed out as each case finished (the CLI writes it to --json each time).
        assert [len(p.cases) for p in partial] == [1, 2]
    else:
        # In the pool, case-c may be picked up before case-b finishes: whatever finished is kept.
        assert "case-a" in kept or "case-b" in kept
        assert "case-c" not in kept and len(partial) == len(kept)


def test_cli_writes_partial_json_and_exits_130_when_interrupted(
    tmp_path: Path,
    catalogue: Catalogue,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _three_cases(tmp_path / "cases", catalogue)
    out = tmp_path / "r.json"
    seen: list[int] = []
    real = harness.rules_runner

    def watching_runner(cat: Catalogue) -> Any:
        rules = real(cat)

        def run(case: LoadedCase) -> tuple[ThreatModel, Usage]:
            if out.exists():  # the file already holds every case finished so far
                seen.append(len(json.loads(out.read_text(encoding="utf-8"))["cases"]))
            if case.id == "case-c":
                raise KeyboardInterrupt
            return rules(case)

        return run

    monkeypatch.setattr(harness, "rules_runner", watching_runner)
    code, _, err = run_cli(
        ["eval", "--cases", str(tmp_path / "cases"), "--json", str(out)], monkeypatch, capsys
    )
    assert code == 130 and "interrupted" in err
    assert seen == [1, 2]
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["interrupted"] is True and data["complete"] is False
    assert [c["id"] for c in data["cases"]] == ["case-a", "case-b"]


def test_failed_runs_exit_1(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_case(tmp_path)

    def broken(cat: Catalogue) -> Any:
        def run(case: LoadedCase) -> tuple[ThreatModel, Usage]:
            raise RuntimeError("nope")

        return run

    monkeypatch.setattr(harness, "rules_runner", broken)
    code, stdout, err = run_cli(["eval", "--cases", str(tmp_path)], monkeypatch, capsys)
    assert code == 1 and "1 of 1 runs failed" in err
    assert "### Failed runs" in stdout and "RuntimeError: nope" in stdout
