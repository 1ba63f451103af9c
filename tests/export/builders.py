"""Threat models for the export tests: a realistic one, a hostile one, and small helpers."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.schema import (
    Component,
    CoverageStatus,
    DataFlow,
    Engine,
    Finding,
    Layer,
    LayerCoverage,
    SystemModel,
    ThreatModel,
    TrustBoundary,
)
from tests.helpers import finding, system

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "rpa-threat-model.json"
CREATED = datetime(2025, 6, 30, 12, 0, tzinfo=UTC)

HOSTILE = (
    '=HYPERLINK("http://evil") | col | <script>alert(1)</script> <img src=x onerror=alert(1)> '
    "![pixel](http://evil/p.png) [link](javascript:alert(1)) `code` ``` *bold* _em_ ~~s~~ $x$ "
    '&lt; "quoted" \\ # not a heading\n# heading\n\n- list\n1. item\n| a | b |\n---\n'
    "%% mermaid comment\nend\n\x1b[31mred\x1b[0m \u202eevil"
)


def finding_at(fid: str, threat: str, layer: str, **overrides: Any) -> dict[str, Any]:
    """A raw finding with a fixed timestamp (so exports are comparable across builds)."""
    data = finding(id=fid, threat_id=threat, layer=layer, **overrides)
    data["provenance"] = {
        "engine": "rules",
        "created": "2025-06-30T12:00:00Z",
        **data["provenance"],
    }
    return data


def rich_model(*extra: dict[str, Any]) -> ThreatModel:
    """A model touching every section: flows, a boundary, a chain, evidence, prompts, coverage."""
    base = system()
    sys_model = SystemModel.model_validate(
        {
            **base.model_dump(),
            "description": "Reimburses expenses.\n\nSecond paragraph about approvals.",
            "components": [
                *base.components,
                Component(
                    id="erp",
                    name="ERP account",
                    kind="service-account",
                    layers=[Layer.L4, Layer.L6],
                ),
            ],
            "data_flows": [
                DataFlow(
                    id="df-1",
                    source="policy-store",
                    target="agent",
                    description="Policy passages",
                    protocol="HTTPS",
                ),
                DataFlow(
                    id="df-2",
                    source="agent",
                    target="erp",
                    description="Payment requests",
                    authenticated=True,
                ),
            ],
            "trust_boundaries": [
                TrustBoundary(id="tb-1", name="finance systems", components=["erp"])
            ],
            "agentic_factors": ["autonomy"],
            "assumptions": ["The wiki is editable by finance only."],
            "unknowns": ["Is the audit log append-only?"],
        }
    )
    raw = [
        finding_at(
            "F-1",
            "T1",
            "L2",
            evidence=["T1#0", "L2-P1#0"],
            mitigations=[{"id": "L2-P1", "text": "Sign policy documents."}],
            rationale="Wiki edits are reviewed weekly.",
            provenance={
                "engine": "llm",
                "model": "openai/gpt-4o-mini",
                "prompt_id": "propose-layer",
                "prompt_version": "3",
            },
        ),
        finding_at("F-2", "T2", "L3", components=["agent"], likelihood="likely", impact="critical"),
        finding_at(
            "F-3",
            "T8",
            "L5",
            components=["audit-log"],
            likelihood="unlikely",
            impact="low",
            status="accepted",
        ),
        finding_at(
            "F-10",
            "T6",
            "CL",
            chain_layers=["L1", "L2", "L3"],
            components=["llm", "policy-store", "agent"],
            status="needs-info",
            reviewer_note="Which model version?",
        ),
        *extra,
    ]
    return ThreatModel(
        id="tm-rich",
        title="Expense agent review",
        created=CREATED,
        catalogue_version="test",
        engine=Engine.HYBRID,
        model="openai/gpt-4o-mini",
        system=sys_model,
        findings=[Finding.model_validate(f) for f in raw],
        coverage={
            Layer.L7: LayerCoverage(
                status=CoverageStatus.NOT_APPLICABLE, reason="No external agents."
            ),
            Layer.L1: LayerCoverage(status=CoverageStatus.COVERED),
            Layer.L6: LayerCoverage(
                status=CoverageStatus.UNKNOWN, question="Who can grant the agent new roles?"
            ),
        },
    )


def hostile_model() -> ThreatModel:
    """Hostile text in every free-text field a user or a model controls."""
    sys_model = SystemModel(
        name=HOSTILE,
        description=HOSTILE,
        components=[
            Component(id="c|1", name=HOSTILE, kind="=cmd", layers=[Layer.L3], description=HOSTILE),
            Component(id='c"2', name=HOSTILE, kind="store", layers=[Layer.L2]),
        ],
        data_flows=[
            DataFlow(id="d`1", source="c|1", target='c"2', description=HOSTILE, protocol=HOSTILE)
        ],
        trust_boundaries=[
            TrustBoundary(id="tb", name=HOSTILE, components=['c"2'], description=HOSTILE)
        ],
        assumptions=[HOSTILE],
        unknowns=[HOSTILE],
    )
    hostile = {
        "title": HOSTILE,
        "scenario": HOSTILE,
        "rationale": HOSTILE,
        "reviewer_note": HOSTILE,
        "mitigations": [{"id": "L3-P1", "text": HOSTILE}],
        "provenance": {
            "engine": "llm",
            "model": HOSTILE,
            "prompt_id": HOSTILE,
            "prompt_version": HOSTILE,
        },
    }
    findings = [
        finding_at("F-1|x", "T2", "L3", components=["c|1"], **hostile),
        finding_at("-F2", "T1", "CL", chain_layers=["L2", "L3"], components=['c"2'], **hostile),
    ]
    return ThreatModel(
        id="tm-hostile",
        title=HOSTILE,
        created=CREATED,
        catalogue_version=HOSTILE,
        system=sys_model,
        findings=[Finding.model_validate(f) for f in findings],
        coverage={Layer.L7: LayerCoverage(status=CoverageStatus.UNKNOWN, question=HOSTILE)},
    )


def write(path: Path, model: ThreatModel) -> Path:
    """Write a model as JSON the CLI can read."""
    path.write_text(model.model_dump_json(by_alias=True, indent=2), encoding="utf-8")
    return path


def write_raw(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path
