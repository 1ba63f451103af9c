from typing import Any

import pytest

from assistant.export.diff import diff_json, diff_models, diff_text
from assistant.knowledge import Catalogue
from assistant.schema import Component, Finding, Layer, RiskLevel, SystemModel, ThreatModel
from tests.export.builders import finding_at, rich_model


def with_findings(
    model: ThreatModel, *raw: dict[str, Any], system: SystemModel | None = None
) -> ThreatModel:
    return model.model_copy(
        update={
            "findings": [Finding.model_validate(f) for f in raw],
            "system": system or model.system,
        }
    )


def before_and_after_adding_a_tool() -> tuple[ThreatModel, ThreatModel]:
    """Two analyses of one system: the second after a payment tool was added to the agent."""
    base = rich_model()
    old = with_findings(
        base,
        finding_at("F-1", "T1", "L2"),
        finding_at(
            "F-2", "T8", "L5", components=["audit-log"], likelihood="unlikely", impact="low"
        ),
    )
    tool = Component(id="payment-tool", name="Payment tool", kind="tool", layers=[Layer.L3])
    system = base.system.model_copy(update={"components": [*base.system.components, tool]})
    new = with_findings(
        base,
        # The same findings, numbered differently by the second run.
        finding_at("F-7", "T1", "L2"),
        finding_at(
            "F-8", "T8", "L5", components=["audit-log"], likelihood="unlikely", impact="low"
        ),
        finding_at(
            "F-9",
            "T2",
            "L3",
            components=["payment-tool", "agent"],
            likelihood="likely",
            impact="high",
        ),
        finding_at(
            "F-10", "T3", "L3", components=["payment-tool"], likelihood="possible", impact="medium"
        ),
        system=system,
    )
    return old, new


def test_adding_a_tool_reports_the_new_findings(catalogue: Catalogue) -> None:
    old, new = before_and_after_adding_a_tool()
    d = diff_models(old, new, catalogue)
    assert [c.new.id for c in d.added if c.new] == ["F-9", "F-10"]
    assert d.removed == [] and d.changed == [] and d.unchanged == 2
    assert d.added[0].components == ["agent", "payment-tool"]
    assert [c.new.id for c in d.gating(RiskLevel.HIGH) if c.new] == ["F-9"]
    assert d.gating(RiskLevel.CRITICAL) == []
    assert len(d.gating(RiskLevel.MEDIUM)) == 2


def test_removed_and_changed(catalogue: Catalogue) -> None:
    old = with_findings(
        rich_model(),
        finding_at("F-1", "T1", "L2"),
        finding_at("F-2", "T8", "L5", components=["audit-log"]),
        finding_at("F-3", "T2", "L3", components=["agent"], likelihood="possible", impact="high"),
    )
    new = with_findings(
        rich_model(),
        finding_at("F-1", "T1", "L2", status="accepted"),
        finding_at("F-3", "T2", "L3", components=["agent"], likelihood="likely", impact="critical"),
    )
    d = diff_models(old, new, catalogue)
    assert [c.old.id for c in d.removed if c.old] == ["F-2"]
    changed = {c.threat_id: c for c in d.changed}
    assert set(changed) == {"T1", "T2"}
    assert changed["T1"].old and changed["T1"].new
    assert (changed["T1"].old.status, changed["T1"].new.status) == ("draft", "accepted")
    assert changed["T2"].new and changed["T2"].new.risk == RiskLevel.CRITICAL
    assert not changed["T1"].reaches(RiskLevel.LOW)  # a status change is not a worse risk
    assert changed["T2"].reaches(RiskLevel.CRITICAL)
    text = diff_text(d, "old.json", "new.json", RiskLevel.HIGH)
    assert "- removed" in text and "~ changed" in text
    assert "risk medium -> critical; likelihood possible -> likely; impact high -> critical" in text
    assert "1 added" not in text and "0 added, 1 removed, 2 changed, 0 unchanged" in text
    assert (
        text.splitlines()[-1] == "fail-on high: 1 new or worsened finding(s) at high or above: F-3"
    )


def test_the_key_uses_canonical_ids_and_sorted_components(catalogue: Catalogue) -> None:
    alias = next(a for a, cid in catalogue.aliases.items() if cid == "MAS-SERVICE-ACCOUNT-EXPOSURE")
    old = with_findings(
        rich_model(),
        finding_at("A", "MAS-SERVICE-ACCOUNT-EXPOSURE", "L4", components=["erp", "agent"]),
    )
    new = with_findings(rich_model(), finding_at("B", alias, "L4", components=["agent", "erp"]))
    d = diff_models(old, new, catalogue)
    assert (len(d.added), len(d.removed), len(d.changed), d.unchanged) == (0, 0, 0, 1)


def test_duplicate_keys_pair_in_id_order(catalogue: Catalogue) -> None:
    old = with_findings(rich_model(), finding_at("F-1", "T1", "L2"))
    new = with_findings(
        rich_model(),
        finding_at("F-2", "T1", "L2"),
        finding_at("F-10", "T1", "L2", impact="critical"),
    )
    d = diff_models(old, new, catalogue)
    assert d.unchanged == 1 and [c.new.id for c in d.added if c.new] == ["F-10"]


@pytest.mark.parametrize(
    ("old_status", "new_status", "gates"),
    [("draft", "rejected", False), ("rejected", "draft", True), ("rejected", "rejected", False)],
)
def test_rejected_findings_never_gate(
    catalogue: Catalogue, old_status: str, new_status: str, gates: bool
) -> None:
    old = with_findings(
        rich_model(), finding_at("F-1", "T2", "L3", impact="critical", status=old_status)
    )
    new = with_findings(
        rich_model(), finding_at("F-1", "T2", "L3", impact="critical", status=new_status)
    )
    assert bool(diff_models(old, new, catalogue).gating(RiskLevel.LOW)) is gates


def test_a_new_rejected_finding_does_not_gate(catalogue: Catalogue) -> None:
    old = with_findings(rich_model())
    new = with_findings(
        rich_model(),
        finding_at(
            "F-1", "T2", "L3", impact="critical", likelihood="very-likely", status="rejected"
        ),
    )
    d = diff_models(old, new, catalogue)
    assert len(d.added) == 1 and d.gating(RiskLevel.LOW) == []


def test_json_shape(catalogue: Catalogue) -> None:
    old, new = before_and_after_adding_a_tool()
    data = diff_json(diff_models(old, new, catalogue), "a.json", "b.json", RiskLevel.HIGH)
    assert data["summary"] == {"added": 2, "removed": 0, "changed": 0, "unchanged": 2}
    assert data["gate"] == {
        "fail_on": "high",
        "fail_on_removed": False,
        "failed": True,
        "findings": ["F-9"],
        "removed": [],
    }
    assert data["added"][0]["new"]["risk"] == "high"
    assert data["added"][0]["layer"] == "L3"


def test_terminal_text_is_single_line_per_change(catalogue: Catalogue) -> None:
    old = with_findings(rich_model())
    new = with_findings(
        rich_model(), finding_at("F-1", "T2", "L3", title="line\nbreak \x1b[2J clear")
    )
    text = diff_text(diff_models(old, new, catalogue), "a", "b", None)
    assert "\x1b" not in text
    assert len(text.splitlines()) == 3
