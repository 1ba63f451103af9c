"""Threat models for the export tests: a realistic one, a hostile one, and small helpers."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.schema import (
    Asset,
    Component,
    Control,
    ControlKind,
    CoverageStatus,
    DataClass,
    DataFlow,
    Effect,
    Engine,
    EntryKind,
    EntryPoint,
    Evidence,
    EvidenceKind,
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


SUPPORT = (
    "Our support assistant answers customers in the web chat and also reads the inbound support "
    "mailbox. It can issue refunds through Stripe: anything up to $200 goes out automatically, "
    "above that a team lead approves in Slack. It runs on Azure OpenAI (GPT-4o) in our own "
    "subscription. It does not keep memory between conversations and it cannot run code."
)


def quote(words: str, text: str = SUPPORT) -> Evidence:
    """Quote evidence for `words`, with their offsets in `text`."""
    start = text.index(words)
    return Evidence(kind=EvidenceKind.QUOTE, quote=words, start=start, end=start + len(words))


def grounded_system() -> SystemModel:
    """The support assistant of the worked example: every kind of fact and of evidence."""
    assumed = Evidence(kind=EvidenceKind.ASSUMED, reason="payment tools usually sit outside")
    return SystemModel(
        name="Support assistant",
        description=SUPPORT,
        components=[
            Component(
                id="refund-tool",
                name="Refund tool",
                kind="tool",
                layers=[Layer.L3],
                effect=Effect.MOVES_MONEY,
                evidence=[quote("issue refunds through Stripe")],
            ),
            Component(
                id="support-agent",
                name="Support agent",
                kind="agent",
                layers=[Layer.L3],
                description="Answers customers",
                evidence=[
                    quote("Our support assistant"),
                    Evidence(kind=EvidenceKind.ANSWER, question_id="Q-2", quote="yes, one agent"),
                ],
            ),
            Component(
                id="gpt-4o",
                name="GPT-4o",
                kind="llm",
                layers=[Layer.L1],
                hosting="own cloud tenant",
                evidence=[quote("It runs on Azure OpenAI (GPT-4o) in our own subscription.")],
            ),
            Component(
                id="order-lookup",
                name="Order lookup",
                kind="tool",
                layers=[Layer.L3],
                evidence=[
                    Evidence(kind=EvidenceKind.FILE, location="system.yaml:12", quote="shopify")
                ],
            ),
            Component(
                id="crm",
                name="CRM",
                kind="external-api",
                layers=[Layer.L7],
                evidence=[
                    Evidence(kind=EvidenceKind.CORRECTION, quote="/set crm kind external-api")
                ],
            ),
        ],
        capabilities={"tools": True, "memory": False, "code-execution": False},
        capability_evidence={
            "tools": [quote("issue refunds through Stripe")],
            "memory": [quote("does not keep memory between conversations")],
        },
        controls=[
            Control(
                id="approve-refunds",
                kind=ControlKind.HUMAN_APPROVAL,
                applies_to=["refund-tool"],
                scope="refunds above $200",
                actor="team lead",
                evidence=[quote("above that a team lead approves in Slack")],
            ),
            Control(
                id="auto-refunds",
                kind=ControlKind.HUMAN_APPROVAL,
                present=False,
                applies_to=["refund-tool"],
                scope="refunds up to $200",
                evidence=[quote("anything up to $200 goes out automatically")],
            ),
            Control(
                id="sandbox",
                kind=ControlKind.SANDBOX,
                evidence=[quote("it cannot run code")],
            ),
        ],
        assets=[
            Asset(
                id="customer-money",
                name="customer refunds",
                data_class=DataClass.MONEY,
                components=["refund-tool"],
                evidence=[quote("issue refunds through Stripe")],
            )
        ],
        entry_points=[
            EntryPoint(
                id="web-chat",
                name="web chat",
                kind=EntryKind.PUBLIC_USERS,
                target="support-agent",
                evidence=[quote("answers customers in the web chat")],
            ),
            EntryPoint(
                id="mailbox",
                name="inbound support mailbox",
                kind=EntryKind.INBOUND_EMAIL,
                evidence=[quote("reads the inbound support mailbox")],
            ),
            EntryPoint(
                id="staff-console",
                name="staff console",
                kind=EntryKind.INTERNAL_USERS,
                untrusted=False,
                target="support-agent",
                evidence=[Evidence(kind=EvidenceKind.ANSWER, question_id="Q-7")],
            ),
        ],
        data_flows=[
            DataFlow(
                id="refund-call",
                source="support-agent",
                target="refund-tool",
                description="Refund requests",
                protocol="HTTPS",
                authenticated=True,
                evidence=[quote("It can issue refunds through Stripe")],
            ),
            DataFlow(
                id="to-ledger",
                source="refund-tool",
                target="ledger",
                evidence=[assumed],
            ),
        ],
        trust_boundaries=[
            TrustBoundary(
                id="payments",
                name="payment provider",
                components=["refund-tool"],
                description="Money leaves here",
                evidence=[assumed],
            )
        ],
        agentic_factors=["autonomy"],
        assumptions=["Stripe keys are scoped to refunds."],
        unknowns=["Can help-centre articles be edited by non-staff?"],
    )


def grounded_model() -> ThreatModel:
    """A threat model around `grounded_system`, with no findings."""
    return ThreatModel(
        id="tm-grounded",
        title="Support assistant",
        created=CREATED,
        catalogue_version="test",
        engine=Engine.RULES,
        system=grounded_system(),
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
    every_kind = [
        Evidence(kind=EvidenceKind.QUOTE, quote=HOSTILE),
        Evidence(kind=EvidenceKind.ANSWER, question_id=HOSTILE, quote=HOSTILE),
        Evidence(kind=EvidenceKind.CORRECTION, quote=HOSTILE),
        Evidence(kind=EvidenceKind.FILE, location=HOSTILE, quote=HOSTILE),
        Evidence(kind=EvidenceKind.ASSUMED, reason=HOSTILE),
    ]

    def turn(n: int) -> list[Evidence]:
        # A fact shows its first three pieces of evidence: rotate so every kind is shown.
        n %= len(every_kind)
        return every_kind[n:] + every_kind[:n]

    sys_model = SystemModel(
        name=HOSTILE,
        description=HOSTILE,
        components=[
            Component(
                id="c|1",
                name=HOSTILE,
                kind="=cmd",
                layers=[Layer.L3],
                description=HOSTILE,
                hosting=HOSTILE,
                evidence=turn(0),
            ),
            Component(id='c"2', name=HOSTILE, kind="store", layers=[Layer.L2], evidence=turn(1)),
        ],
        data_flows=[
            DataFlow(
                id="d`1",
                source="c|1",
                target='c"2',
                description=HOSTILE,
                protocol=HOSTILE,
                evidence=turn(2),
            )
        ],
        trust_boundaries=[
            TrustBoundary(
                id="tb", name=HOSTILE, components=['c"2'], description=HOSTILE, evidence=turn(3)
            )
        ],
        controls=[
            Control(
                id="c|tl",
                kind=ControlKind.HUMAN_APPROVAL,
                applies_to=["c|1", HOSTILE],
                scope=HOSTILE,
                actor=HOSTILE,
                evidence=turn(4),
            )
        ],
        assets=[
            Asset(
                id="a|1",
                name=HOSTILE,
                data_class=DataClass.PII,
                components=['c"2'],
                evidence=turn(5),
            )
        ],
        entry_points=[
            EntryPoint(
                id="e|1", name=HOSTILE, kind=EntryKind.WEB_CONTENT, target=HOSTILE, evidence=turn(6)
            )
        ],
        capabilities={HOSTILE: True, "memory": False},
        capability_evidence={HOSTILE: turn(1), "memory": turn(3)},
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
