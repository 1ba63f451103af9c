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
