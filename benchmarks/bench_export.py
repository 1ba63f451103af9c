"""Benchmarks for issue 7: exporting a 1,000-finding threat model in every format, and a diff.

Run with `make bench` (pytest-benchmark) or `python benchmarks/bench_export.py` for a quick
table; results are recorded in docs/PERFORMANCE.md.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import pytest

from assistant.export import FORMATS, export
from assistant.export.diff import diff_models
from assistant.knowledge import default_catalogue
from assistant.schema import (
    Component,
    DataFlow,
    Finding,
    Layer,
    SystemModel,
    ThreatModel,
    TrustBoundary,
)

THREATS = [("T1", "L2"), ("T2", "L3"), ("T8", "L5"), ("T3", "L6"), ("T6", "CL")]
LIKELIHOODS = ["unlikely", "possible", "likely", "very-likely"]
IMPACTS = ["low", "medium", "high", "critical"]


def big_model(n: int = 1000, shift: int = 0) -> ThreatModel:
    layers = [Layer.L1, Layer.L2, Layer.L3, Layer.L4, Layer.L5, Layer.L6, Layer.L7]
    components = [
        Component(id=f"c{i}", name=f"Component {i}", kind="tool", layers=[layers[i % 7]])
        for i in range(40)
    ]
    system = SystemModel(
        name="Benchmark system",
        description="A large system. " * 20,
        components=components,
        data_flows=[
            DataFlow(id=f"df{i}", source=f"c{i}", target=f"c{i + 1}", description="data")
            for i in range(39)
        ],
        trust_boundaries=[
            TrustBoundary(id="tb", name="inner", components=[f"c{i}" for i in range(0, 40, 3)])
        ],
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
                    "chain_layers": ["L1", "L2", "L3"] if layer == "CL" else [],
                    "title": f"Finding {i} with <html> and | pipes",
                    "scenario": "An attacker does something to component c1. " * 5,
                    "components": [f"c{i % 40}", f"c{(i + shift) % 40}"],
                    "likelihood": LIKELIHOODS[i % 4],
                    "impact": IMPACTS[(i // 4) % 4],
                    "rationale": "Because.",
                    "mitigations": [{"id": "L2-P1", "text": "do it"}, {"id": "L3-P1"}],
                    "evidence": [f"T1#{i % 3}"],
                    "provenance": {
                        "engine": "llm",
                        "model": "m",
                        "prompt_id": "p",
                        "prompt_version": "1",
                    },
                }
            )
        )
    return ThreatModel(id="bench", catalogue_version="bench", system=system, findings=findings)


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_1000_findings(benchmark: Any, fmt: str) -> None:
    model, catalogue = big_model(), default_catalogue()
    text = benchmark(export, model, fmt, catalogue)
    assert text.endswith("\n")


def test_diff_1000_findings(benchmark: Any) -> None:
    old, new, catalogue = big_model(), big_model(shift=1), default_catalogue()
    d = benchmark(diff_models, old, new, catalogue)
    assert d.added


def main() -> None:
    model, catalogue = big_model(), default_catalogue()
    cases: dict[str, Any] = {
        fmt: (lambda fmt=fmt: export(model, fmt, catalogue)) for fmt in FORMATS
    }
    other = big_model(shift=1)
    cases["diff"] = lambda: diff_models(model, other, catalogue)
    for name, run in cases.items():
        times = []
        for _ in range(7):
            start = time.perf_counter()
            run()
            times.append((time.perf_counter() - start) * 1000)
        size = len(run().encode()) if name != "diff" else 0
        extra = f", {size / 1024:.0f} KiB" if size else ""
        print(
            f"{name:<5} 1,000 findings: median {statistics.median(times):.0f} ms, max {max(times):.0f} ms{extra}"
        )


if __name__ == "__main__":
    main()
