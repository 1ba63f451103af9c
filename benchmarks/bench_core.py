"""Benchmarks for issue 2's targets: validating 1,000 findings, loading and checking the catalogue.

Run with `make bench`; results are recorded in docs/PERFORMANCE.md.
"""

from __future__ import annotations

from typing import Any

from assistant.knowledge import check_catalogue, default_catalogue
from assistant.schema import Component, Finding, Layer, SystemModel
from assistant.validator import validate_findings

THREATS = [("T1", "L2"), ("T2", "L3"), ("T8", "L5"), ("T99", "L1"), ("T6", "CL")]


def _findings(n: int) -> tuple[list[Finding], SystemModel]:
    system = SystemModel(
        components=[
            Component(id=f"c{i}", name=f"c{i}", kind="tool", layers=[Layer.L3]) for i in range(20)
        ],
        capabilities={"memory": True, "tools": True},
    )
    findings = []
    for i in range(n):
        threat, layer = THREATS[i % len(THREATS)]
        findings.append(
            Finding.model_validate(
                {
                    "id": f"F-{i}",
                    "threat_id": threat,
                    "layer": layer,
                    "chain_layers": ["L1", "L3"] if layer == "CL" else [],
                    "title": f"finding {i}",
                    "scenario": "An attacker does something to component c1. " * 5,
                    "components": [f"c{i % 20}"],
                    "likelihood": "likely",
                    "impact": "high",
                    "mitigations": [{"id": "L2-P1"}, {"id": "L3-P1"}],
                    "evidence": [f"T1#{i % 3}"],
                    "provenance": {"engine": "llm", "model": "m"},
                }
            )
        )
    return findings, system


def test_validate_1000_findings(benchmark: Any) -> None:
    findings, system = _findings(1000)
    catalogue = default_catalogue()
    retrieved = {"T1#0", "T1#1"}
    verdicts = benchmark(validate_findings, findings, system, catalogue, retrieved)
    assert len(verdicts) == 1000


def test_load_and_check_catalogue(benchmark: Any) -> None:
    catalogue, problems = benchmark(check_catalogue)
    assert catalogue is not None and not problems
