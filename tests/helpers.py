"""Builders shared by tests: small valid system models and findings."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from assistant.schema import Component, Engine, Finding, Layer, Provenance, SystemModel, ThreatModel


def system() -> SystemModel:
    """An expense-reimbursement agent with memory, RAG, tools and several agents."""
    return SystemModel(
        name="Expense agent",
        components=[
            Component(id="llm", name="Hosted LLM", kind="llm", layers=[Layer.L1]),
            Component(
                id="policy-store",
                name="Policy vector store",
                kind="vector-store",
                layers=[Layer.L2],
            ),
            Component(id="agent", name="Expense agent", kind="agent", layers=[Layer.L3]),
            Component(id="audit-log", name="Audit log", kind="log-store", layers=[Layer.L5]),
        ],
        capabilities={"memory": True, "rag": True, "tools": True, "multi-agent": True},
    )


def finding(**overrides: Any) -> dict[str, Any]:
    """A raw finding that passes every check; override fields to break one."""
    data: dict[str, Any] = {
        "id": "F-001",
        "threat_id": "T1",
        "layer": "L2",
        "title": "Poisoned expense policy in the shared vector store",
        "scenario": "An insider edits a policy document so the agent approves claims without receipts.",
        "components": ["policy-store", "agent"],
        "agentic_factors": ["autonomy"],
        "likelihood": "possible",
        "impact": "high",
        "mitigations": [],
        "evidence": [],
        "provenance": {"engine": "rules"},
    }
    data.update(overrides)
    return data


def make_finding(**overrides: Any) -> Finding:
    return Finding.model_validate(finding(**overrides))


def threat_model(*findings: dict[str, Any], catalogue_version: str = "test") -> ThreatModel:
    return ThreatModel(
        id="tm-test",
        catalogue_version=catalogue_version,
        engine=Engine.RULES,
        system=system(),
        findings=[Finding.model_validate(f) for f in findings],
    )


def run_cli(
    args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    """Run `maestro-tm ARGS` in-process through the real entry point (with its error edge)."""
    from assistant.cli import main

    monkeypatch.setattr(sys, "argv", ["maestro-tm", *args])
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    out, err = capsys.readouterr()
    return code, out, err


__all__ = ["Provenance", "finding", "make_finding", "run_cli", "system", "threat_model"]
