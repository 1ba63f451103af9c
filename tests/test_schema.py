import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from assistant.report import threat_model_schema_text
from assistant.schema import (
    RISK_MATRIX,
    Finding,
    Impact,
    Likelihood,
    RiskLevel,
    ThreatModel,
    risk_level,
)
from tests.conftest import ROOT
from tests.helpers import finding, make_finding, threat_model


def test_committed_json_schema_is_in_sync() -> None:
    committed = (ROOT / "docs/schema/threat-model.schema.json").read_text(encoding="utf-8")
    assert committed == threat_model_schema_text(), "run `maestro-tm schema --write`"


def test_risk_matrix_is_total_and_monotonic() -> None:
    order = list(RiskLevel)
    for likelihood in Likelihood:
        row = [order.index(risk_level(likelihood, impact)) for impact in Impact]
        assert row == sorted(row)
    for impact in Impact:
        column = [order.index(risk_level(likelihood, impact)) for likelihood in Likelihood]
        assert column == sorted(column)
    assert len(RISK_MATRIX) == 4


@pytest.mark.parametrize(
    ("likelihood", "impact", "expected"),
    [
        ("unlikely", "low", "low"),
        ("possible", "high", "medium"),
        ("likely", "critical", "critical"),
        ("very-likely", "medium", "high"),
    ],
)
def test_risk_is_computed_from_the_matrix(likelihood: str, impact: str, expected: str) -> None:
    assert make_finding(likelihood=likelihood, impact=impact).risk.value == expected


def test_supplied_risk_is_ignored() -> None:
    f = make_finding(likelihood="unlikely", impact="low", risk="critical")
    assert f.risk == RiskLevel.LOW


def test_unknown_keys_are_rejected() -> None:
    with pytest.raises(ValidationError):
        Finding.model_validate(finding(severity="high"))


def test_threat_model_round_trips_through_json() -> None:
    model = threat_model(finding())
    text = model.model_dump_json(by_alias=True)
    again = ThreatModel.model_validate_json(text)
    assert again == model
    assert json.loads(text)["findings"][0]["risk"] == "medium"


def test_schema_file_is_valid_json_schema() -> None:
    import jsonschema

    schema = json.loads(
        Path(ROOT / "docs/schema/threat-model.schema.json").read_text(encoding="utf-8")
    )
    jsonschema.Draft202012Validator.check_schema(schema)
    document = json.loads(threat_model(finding()).model_dump_json(by_alias=True))
    jsonschema.Draft202012Validator(schema).validate(document)


def test_a_version_1_file_is_read_with_its_facts_marked_assumed() -> None:
    from assistant.model_io import parse_threat_model

    v1 = {
        "schema_version": 1,
        "id": "tm-1",
        "catalogue_version": "x",
        "system": {
            "components": [{"id": "a", "name": "A", "kind": "agent", "layers": ["L3"]}],
            "capabilities": {"memory": False},
        },
    }
    model, rejected = parse_threat_model(v1)
    assert not rejected
    assert model.schema_version == 2
    [component] = model.system.components
    assert component.evidence[0].kind.value == "assumed"
    assert model.system.capability_evidence["memory"][0].reason.startswith(
        "recorded in a version-1"
    )


def test_evidence_must_carry_what_its_kind_needs() -> None:
    from pydantic import ValidationError

    from assistant.schema import Evidence

    with pytest.raises(ValidationError, match="quote evidence needs a quote"):
        Evidence.model_validate({"kind": "quote"})
    with pytest.raises(ValidationError, match="start and end go together"):
        Evidence.model_validate({"kind": "quote", "quote": "x", "start": 3})
    assert Evidence.model_validate({"kind": "answer", "question_id": "DP-2"}).label() == (
        "answer to DP-2"
    )


def test_approval_is_read_per_component() -> None:
    from assistant.schema import Control, ControlKind, SystemModel

    system = SystemModel(
        controls=[
            Control(id="c1", kind=ControlKind.HUMAN_APPROVAL, applies_to=["refund"]),
            Control(id="c2", kind=ControlKind.HUMAN_APPROVAL, present=False, applies_to=["sms"]),
        ]
    )
    assert system.approval("refund") is True
    assert system.approval("sms") is False
    assert system.approval("lookup") is None
