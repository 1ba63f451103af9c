"""Evals: score engines and models against reference threat models (`maestro-tm eval`)."""

from assistant.evals.cases import Case, LoadedCase, default_cases_dir, load_case, load_cases
from assistant.evals.harness import EvalReport, model_runner, rules_runner, run_eval
from assistant.evals.metrics import Aggregate, CaseReport, RunResult, score_case
from assistant.evals.scorecard import comparison, scorecard

__all__ = [
    "Aggregate",
    "Case",
    "CaseReport",
    "EvalReport",
    "LoadedCase",
    "RunResult",
    "comparison",
    "default_cases_dir",
    "load_case",
    "load_cases",
    "model_runner",
    "rules_runner",
    "run_eval",
    "score_case",
    "scorecard",
]
