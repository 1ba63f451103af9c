import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from assistant.export import export
from assistant.export.sarif import LEVELS
from assistant.knowledge import Catalogue
from assistant.model_io import read_threat_model
from assistant.schema import Evidence, EvidenceKind, FindingStatus, RiskLevel, ThreatModel
from tests.export.builders import EXAMPLE, ROOT, grounded_model, hostile_model, rich_model
from tests.helpers import run_cli

SCHEMA_PATH = ROOT / "assistant" / "export" / "schemas" / "sarif-schema-2.1.0.json"
SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft4Validator(SCHEMA)


def sarif(model: ThreatModel, catalogue: Catalogue) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(export(model, "sarif", catalogue))
    return data


def example() -> ThreatModel:
    return read_threat_model(EXAMPLE)[0]


def test_the_shipped_schema_is_the_official_oasis_sarif_2_1_0() -> None:
    assert SCHEMA["id"] == (
        "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    )
    notice = (SCHEMA_PATH.parent / "NOTICE.md").read_text(encoding="utf-8")
    assert "OASIS" in notice and "c3b4bb2d6093897483348925aaa73af0" in notice


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
def test_export_validates_against_the_sarif_schema(catalogue: Catalogue, build: Any) -> None:
    VALIDATOR.validate(sarif(build(), catalogue))


def test_the_validator_does_catch_a_broken_log(catalogue: Catalogue) -> None:
    data = sarif(rich_model(), catalogue)
    data["runs"][0]["results"][0]["level"] = "severe"
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate(data)


def test_one_result_per_finding_and_one_rule_per_threat(catalogue: Catalogue) -> None:
    model = rich_model()
    run = sarif(model, catalogue)["runs"][0]
    assert len(run["results"]) == len(model.findings)
    rules = run["tool"]["driver"]["rules"]
    assert len({r["id"] for r in rules}) == len(rules)
    for result in run["results"]:
        rule = rules[result["ruleIndex"]]
        assert rule["id"] == result["ruleId"]
        assert catalogue.threat(rule["id"]) is not None
    by_id = {r["properties"]["findingId"]: r for r in run["results"]}
    for f in model.findings:
        assert by_id[f.id]["level"] == LEVELS[f.risk]
        assert by_id[f.id]["properties"]["risk"] == f.risk.value


def test_rules_carry_catalogue_help_and_crosswalk_tags(catalogue: Catalogue) -> None:
    run = sarif(rich_model(), catalogue)["runs"][0]
    rule = next(r for r in run["tool"]["driver"]["rules"] if r["id"] == "T2")
    entry = catalogue.threat("T2")
    assert entry is not None
    assert rule["shortDescription"]["text"] == entry.name
    assert rule["fullDescription"]["text"] == entry.summary
    assert rule["help"]["text"].startswith(entry.description or entry.summary)
    assert "Mitigations:" in rule["help"]["text"]
    tags = rule["properties"]["tags"]
    assert set(entry.asi_top10) <= set(tags) and set(entry.llm_top10) <= set(tags)
    assert "maestro-layer:L3" in tags
    assert float(rule["properties"]["security-severity"]) > 0


def test_levels_follow_risk() -> None:
    assert LEVELS[RiskLevel.CRITICAL] == LEVELS[RiskLevel.HIGH] == "error"
    assert LEVELS[RiskLevel.MEDIUM] == "warning" and LEVELS[RiskLevel.LOW] == "note"


def test_review_decisions_become_suppressions(catalogue: Catalogue) -> None:
    model = rich_model()
    first, second, third, *rest = model.findings
    third = third.model_copy(update={"status": FindingStatus.DRAFT})
    decided = [
        first.model_copy(update={"status": FindingStatus.ACCEPTED, "reviewer_note": "tracked"}),
        second.model_copy(update={"status": FindingStatus.REJECTED}),
        third,
        *rest,
    ]
    data = sarif(model.model_copy(update={"findings": decided}), catalogue)
    VALIDATOR.validate(data)
    by_id = {r["properties"]["findingId"]: r for r in data["runs"][0]["results"]}
    accepted, rejected = by_id[first.id], by_id[second.id]
    assert accepted["suppressions"][0]["status"] == "accepted"
    assert "accepted in review" in accepted["suppressions"][0]["justification"]
    assert "tracked" in accepted["suppressions"][0]["justification"]
    assert "rejected in review" in rejected["suppressions"][0]["justification"]
    assert rejected["properties"]["reviewStatus"] == "rejected"
    assert "suppressions" not in by_id[third.id]
    for f in rest:
        decided_here = f.status in (FindingStatus.ACCEPTED, FindingStatus.REJECTED)
        assert ("suppressions" in by_id[f.id]) == decided_here


def test_file_evidence_becomes_the_location(catalogue: Catalogue) -> None:
    model = rich_model()
    grounding = [
        Evidence(kind=EvidenceKind.QUOTE, quote="an agent", start=0, end=8),
        Evidence(kind=EvidenceKind.FILE, location=".mcp.json:7#/mcpServers/docs/url", quote="docs"),
        Evidence(kind=EvidenceKind.FILE, location="maestro.yaml:12"),
        Evidence(kind=EvidenceKind.FILE, location="my dir/system.json#/tools/0"),
    ]
    f = model.findings[0].model_copy(update={"grounding": grounding})
    data = sarif(model.model_copy(update={"findings": [f]}), catalogue)
    VALIDATOR.validate(data)
    result = data["runs"][0]["results"][0]
    where = result["locations"][0]
    assert where["physicalLocation"] == {
        "artifactLocation": {"uri": ".mcp.json"},
        "region": {"startLine": 7},
    }
    assert where["logicalLocations"][0]["fullyQualifiedName"] == "/mcpServers/docs/url"
    related = result["relatedLocations"]
    assert related[0]["physicalLocation"]["artifactLocation"]["uri"] == "maestro.yaml"
    assert related[0]["physicalLocation"]["region"] == {"startLine": 12}
    assert related[1]["physicalLocation"]["artifactLocation"]["uri"] == "my%20dir/system.json"
    assert "region" not in related[1]["physicalLocation"]


def test_fingerprints_are_stable_and_distinct(catalogue: Catalogue) -> None:
    one, two = sarif(rich_model(), catalogue), sarif(rich_model(), catalogue)
    prints = [r["partialFingerprints"]["maestroFinding/v1"] for r in one["runs"][0]["results"]]
    assert prints == [
        r["partialFingerprints"]["maestroFinding/v1"] for r in two["runs"][0]["results"]
    ]
    assert len(set(prints)) == len(prints)


def test_hostile_text_stays_one_line(catalogue: Catalogue) -> None:
    data = sarif(hostile_model(), catalogue)
    for result in data["runs"][0]["results"]:
        assert "\n" not in result["message"]["text"]


def test_cli_infers_sarif_from_the_suffix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "threats.sarif"
    code, _, err = run_cli(["export", str(EXAMPLE), "-o", str(out)], monkeypatch, capsys)
    assert code == 0 and "(sarif," in err
    VALIDATOR.validate(json.loads(out.read_text(encoding="utf-8")))
