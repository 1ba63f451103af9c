import json
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from assistant.knowledge import Catalogue
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


def test_committed_system_file_schema_is_in_sync(catalogue: Catalogue) -> None:
    from assistant.system_file import SYSTEM_SCHEMA_PATH, system_file_schema_text

    committed = (ROOT / SYSTEM_SCHEMA_PATH).read_text(encoding="utf-8")
    assert committed == system_file_schema_text(catalogue.capabilities), (
        "run `maestro-tm schema --system --write`"
    )


def test_schema_system_prints_the_committed_schema(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.helpers import run_cli

    code, out, _ = run_cli(["schema", "--system"], monkeypatch, capsys)
    assert code == 0
    assert out == (ROOT / "docs/schema/system.schema.json").read_text(encoding="utf-8")
    code, out, _ = run_cli(["schema"], monkeypatch, capsys)
    assert out == (ROOT / "docs/schema/threat-model.schema.json").read_text(encoding="utf-8")


def test_the_example_system_file_fits_the_committed_schema() -> None:
    import jsonschema
    import yaml

    schema = json.loads((ROOT / "docs/schema/system.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    example = yaml.safe_load((ROOT / "docs/examples/system.yaml").read_text(encoding="utf-8"))
    validator.validate(example)
    # Near miss: the schema refuses what the reader refuses.
    assert not validator.is_valid({**example, "capabilities": {"memroy": False}})
    assert not validator.is_valid({**example, "tools": []})


def test_the_system_file_format_follows_the_system_model() -> None:
    # The file format is the SystemModel plus `$schema` and some optional names and layers; a
    # field added to the schema of record must reach the file format too.
    from assistant.schema import Asset, Component, EntryPoint, SystemModel, TrustBoundary
    from assistant.system_file.model import (
        FileAsset,
        FileComponent,
        FileEntryPoint,
        FileTrustBoundary,
        SystemFile,
    )

    assert set(SystemFile.model_fields) == {*SystemModel.model_fields, "schema_"}
    pairs: list[tuple[type[BaseModel], type[BaseModel]]] = [
        (Component, FileComponent),
        (Asset, FileAsset),
        (EntryPoint, FileEntryPoint),
        (TrustBoundary, FileTrustBoundary),
    ]
    for record, authored in pairs:
        assert set(authored.model_fields) == set(record.model_fields)
        assert issubclass(authored, record)


def test_the_documented_example_is_the_shipped_example() -> None:
    doc = (ROOT / "docs/SYSTEM-FILES.md").read_text(encoding="utf-8")
    example = (ROOT / "docs/examples/system.yaml").read_text(encoding="utf-8")
    assert f"```yaml\n{example}```" in doc, (
        "docs/SYSTEM-FILES.md must show docs/examples/system.yaml"
    )


def test_the_documented_kinds_are_the_coded_kinds() -> None:
    from assistant.system_file.load import IMPLIED_BY_KIND
    from assistant.system_file.model import KIND_LAYERS

    doc = (ROOT / "docs/SYSTEM-FILES.md").read_text(encoding="utf-8")
    rows = {}
    for line in doc.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`") and cells[1][:1] == "L":
            implied = tuple(c.strip(" `") for c in cells[2].split(",")) if cells[2] != "-" else ()
            rows[cells[0].strip("`")] = (tuple(cells[1].split(", ")), implied)
    assert rows == {
        kind: (tuple(layer.value for layer in layers), IMPLIED_BY_KIND.get(kind, ()))
        for kind, layers in KIND_LAYERS.items()
    }


def test_schema_system_write_writes_the_committed_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.helpers import run_cli

    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(["schema", "--system", "--write"], monkeypatch, capsys)
    assert code == 0 and "wrote docs/schema/system.schema.json" in err
    written = (tmp_path / "docs/schema/system.schema.json").read_text(encoding="utf-8")
    assert written == (ROOT / "docs/schema/system.schema.json").read_text(encoding="utf-8")
    assert not (tmp_path / "docs/schema/threat-model.schema.json").exists()


def test_an_unscoped_approval_covers_acting_components_only() -> None:
    from assistant.schema import Component, Control, ControlKind, Effect, Layer, SystemModel

    system = SystemModel(
        components=[
            Component(id="m", name="model", kind="llm", layers=[Layer.L1]),
            Component(
                id="pay", name="pay", kind="tool", layers=[Layer.L3], effect=Effect.MOVES_MONEY
            ),
            Component(
                id="look", name="look", kind="tool", layers=[Layer.L3], effect=Effect.READS_DATA
            ),
        ],
        controls=[Control(id="c", kind=ControlKind.HUMAN_APPROVAL)],
    )
    assert system.approval("pay") is True
    assert system.approval("m") is None
    assert system.approval("look") is None
