import json
from typing import Any

import jsonschema
import pytest

from assistant.export import export
from assistant.export.otm import DEFAULT_ZONE_ID, IMPACT_SCORE, LIKELIHOOD_SCORE, OTM_VERSION
from assistant.knowledge import Catalogue
from assistant.model_io import read_threat_model
from assistant.schema import FindingStatus, ThreatModel
from tests.export.builders import EXAMPLE, ROOT, grounded_model, hostile_model, rich_model

SCHEMA = json.loads((ROOT / "docs" / "schema" / "otm_schema.json").read_text(encoding="utf-8"))


def otm(model: ThreatModel, catalogue: Catalogue) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(export(model, "otm", catalogue))
    return data


def example() -> ThreatModel:
    return read_threat_model(EXAMPLE)[0]


def test_the_shipped_schema_is_the_official_otm_0_2_0() -> None:
    assert SCHEMA["$id"] == "https://iriusrisk.com/schema/otm-0.2.0.schema.json"
    notice = (ROOT / "docs" / "schema" / "OTM-NOTICE.md").read_text(encoding="utf-8")
    assert "CC BY-SA 4.0" in notice and "IriusRisk" in notice


@pytest.mark.parametrize(
    "build",
    [
        example,
        rich_model,
        hostile_model,
        grounded_model,
        lambda: rich_model().model_copy(update={"findings": []}),
    ],
)
def test_export_validates_against_the_otm_schema(catalogue: Catalogue, build: Any) -> None:
    jsonschema.Draft7Validator(SCHEMA).validate(otm(build(), catalogue))


def test_project_zones_and_components(catalogue: Catalogue) -> None:
    data = otm(rich_model(), catalogue)
    assert data["otmVersion"] == OTM_VERSION
    assert data["project"]["id"] == "tm-rich"
    assert data["project"]["name"] == "Expense agent"
    assert [z["id"] for z in data["trustZones"]] == ["tb-1", DEFAULT_ZONE_ID]
    components = {c["id"]: c for c in data["components"]}
    assert list(components) == ["llm", "policy-store", "agent", "audit-log", "erp"]
    erp = components["erp"]
    assert erp["parent"] == {"trustZone": "tb-1"}
    assert erp["tags"] == ["maestro-layer:L4", "maestro-layer:L6"]
    assert erp["attributes"]["maestroLayers"] == "L4,L6"
    assert components["llm"]["parent"] == {"trustZone": DEFAULT_ZONE_ID}
    assert [f["id"] for f in data["dataflows"]] == ["df-1", "df-2"]
    assert data["dataflows"][1]["destination"] == "erp"


def test_threats_carry_layer_catalogue_id_and_risk(catalogue: Catalogue) -> None:
    model = rich_model()
    data = otm(model, catalogue)
    threats = {t["id"]: t for t in data["threats"]}
    assert set(threats) == {f.id for f in model.findings}
    t = threats["F-2"]
    assert t["categories"][:2] == ["MAESTRO L3 Agent Frameworks", "T2"]
    assert t["risk"]["likelihood"] == LIKELIHOOD_SCORE[model.findings[1].likelihood] == 75
    assert t["risk"]["impact"] == IMPACT_SCORE[model.findings[1].impact] == 100
    assert t["attributes"]["risk"] == "critical"
    assert "maestro-layer:L3" in t["tags"]
    chain = threats["F-10"]
    assert {"MAESTRO CL Cross-Layer", "T6", "MAESTRO L1", "MAESTRO L2", "MAESTRO L3"} <= set(
        chain["categories"]
    )
    for value in t["attributes"].values():
        assert isinstance(value, str)  # OTM attributes are a string map


def test_threats_and_mitigations_are_linked_per_component(catalogue: Catalogue) -> None:
    data = otm(rich_model(), catalogue)
    components = {c["id"]: c for c in data["components"]}
    agent = [i["threat"] for i in components["agent"]["threats"]]
    assert agent == ["F-1", "F-2", "F-10"]
    store = components["policy-store"]["threats"]
    first = next(i for i in store if i["threat"] == "F-1")
    assert first["mitigations"] == [{"mitigation": "L2-P1", "state": "recommended"}]
    mitigations = {m["id"]: m for m in data["mitigations"]}
    assert set(mitigations) == {"L2-P1"}
    entry = catalogue.get("L2-P1")
    assert entry is not None and mitigations["L2-P1"]["name"] == entry.name
    threat_ids = {t["id"] for t in data["threats"]}
    for c in data["components"]:
        for instance in c["threats"]:
            assert instance["threat"] in threat_ids
            assert all(m["mitigation"] in mitigations for m in instance["mitigations"])


def test_rejected_findings_are_not_applicable(catalogue: Catalogue) -> None:
    model = rich_model()
    rejected = model.findings[0].model_copy(update={"status": FindingStatus.REJECTED})
    data = otm(model.model_copy(update={"findings": [rejected]}), catalogue)
    states = {i["state"] for c in data["components"] for i in c["threats"]}
    assert states == {"not-applicable"}


def test_rich_text_fields_are_markdown_escaped(catalogue: Catalogue) -> None:
    data = otm(hostile_model(), catalogue)
    text = json.dumps(data)
    assert "\\u001b" not in text and "\u202e" not in text
    threat = data["threats"][0]
    assert "\\<script\\>" in threat["description"]
    assert "\n" not in threat["name"]


def test_v2_facts_and_their_evidence_reach_the_otm_attributes(catalogue: Catalogue) -> None:
    data = otm(grounded_model(), catalogue)
    components = {c["id"]: c["attributes"] for c in data["components"]}
    refund = components["refund-tool"]
    assert refund["effect"] == "moves-money"
    assert refund["humanApproval"] == "partial"  # above $200 approved, below automatic
    assert refund["evidence"] == '"issue refunds through Stripe"'
    assert components["gpt-4o"]["hosting"] == "own cloud tenant"
    assert components["gpt-4o"]["humanApproval"] == "unknown"
    assert components["support-agent"]["evidence"] == (
        '"Our support assistant"; answer to Q-2: "yes, one agent"'
    )
    flows = {f["id"]: f for f in data["dataflows"]}
    assert list(flows) == ["refund-call"]  # `ledger` is not a component: left out
    assert flows["refund-call"]["attributes"]["evidence"] == (
        '"It can issue refunds through Stripe"'
    )
    assert flows["refund-call"]["attributes"]["authenticated"] == "true"
    zones = {z["id"]: z for z in data["trustZones"]}
    assert zones["payments"]["attributes"]["evidence"] == (
        "assumed: payment tools usually sit outside"
    )
    parents = {c["id"]: c["parent"]["trustZone"] for c in data["components"]}
    assert parents["refund-tool"] == "payments" and parents["crm"] == DEFAULT_ZONE_ID
    project = data["project"]["attributes"]
    assert project["capabilities"] == "tools"
    assert project["capabilitiesRuledOut"] == "code-execution,memory"
    assert project["agenticFactors"] == "autonomy"


def test_otm_attributes_are_single_plain_lines(catalogue: Catalogue) -> None:
    data = otm(hostile_model(), catalogue)
    for item in [*data["components"], *data["dataflows"], *data["trustZones"], data["project"]]:
        for value in item.get("attributes", {}).values():
            assert isinstance(value, str)
            assert "\n" not in value and "\x1b" not in value and "\u202e" not in value
