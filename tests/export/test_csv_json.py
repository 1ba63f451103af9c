import csv
import io
import json

import jsonschema
import pytest

from assistant.export import export
from assistant.export.csv_export import COLUMNS
from assistant.knowledge import Catalogue
from assistant.model_io import parse_threat_model, read_threat_model
from assistant.schema import SCHEMA_PATH
from tests.export.builders import EXAMPLE, ROOT, finding_at, hostile_model, rich_model


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_has_one_row_per_finding_and_the_review_columns(catalogue: Catalogue) -> None:
    model = read_threat_model(EXAMPLE)[0]
    text = export(model, "csv", catalogue)
    parsed = rows(text)
    assert len(parsed) == len(model.findings) == 8
    assert tuple(parsed[0]) == COLUMNS
    assert COLUMNS[:12] == (
        "id",
        "layer",
        "threat_id",
        "threat_name",
        "title",
        "risk",
        "likelihood",
        "impact",
        "status",
        "components",
        "mitigations",
        "reviewer_note",
    )
    f4 = next(r for r in parsed if r["id"] == "F-004")
    assert f4["threat_name"] == "Service Account Exposure"
    assert f4["risk"] == "high" and f4["likelihood"] == "possible" and f4["impact"] == "critical"
    assert f4["mitigations"] == "L4-P3 Secrets Management"
    assert "\r" not in text and text.endswith("\n")


def test_csv_rows_follow_report_order(catalogue: Catalogue) -> None:
    parsed = rows(export(rich_model(), "csv", catalogue))
    assert [r["id"] for r in parsed] == ["F-1", "F-2", "F-3", "F-10"]
    assert parsed[0]["components"] == "policy-store; agent"


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t"])
def test_csv_neutralises_formula_injection(catalogue: Catalogue, prefix: str) -> None:
    payload = f'{prefix}HYPERLINK("http://evil","x")'
    model = rich_model(
        finding_at("F-99", "T1", "L2", title=payload, reviewer_note=payload, scenario=payload)
    )
    parsed = rows(export(model, "csv", catalogue))
    row = next(r for r in parsed if r["id"] == "F-99")
    for column in ("title", "reviewer_note", "scenario"):
        assert row[column] == "'" + payload


def test_csv_carries_the_open_question_of_a_needs_info_finding(catalogue: Catalogue) -> None:
    question = "Does the agent run code?"
    model = rich_model(finding_at("F-99", "T1", "L2", status="needs-info", question=question))
    parsed = rows(export(model, "csv", catalogue))
    assert next(r for r in parsed if r["id"] == "F-99")["question"] == question
    assert all(r["question"] == "" for r in parsed if r["id"] != "F-99")
    for r in parsed:
        for value in r.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_csv_round_trips_hostile_text(catalogue: Catalogue) -> None:
    model = hostile_model()
    parsed = rows(export(model, "csv", catalogue))
    assert len(parsed) == len(model.findings)
    assert {r["id"] for r in parsed} == {"F-1|x", "'-F2"}
    title = parsed[0]["title"]
    assert title.startswith("'=HYPERLINK") and "\n# heading" in title  # newlines kept, quoted
    assert "\x1b" not in title and "\u202e" not in title


def test_json_is_the_schema_of_record_with_schema_pointer(catalogue: Catalogue) -> None:
    model = rich_model()
    text = export(model, "json", catalogue)
    data = json.loads(text)
    assert data["$schema"] == SCHEMA_PATH == "docs/schema/threat-model.schema.json"
    assert list(data["coverage"]) == ["L1", "L6", "L7"]
    again, dropped = parse_threat_model(data)
    assert not dropped
    assert again.model_dump(exclude={"schema_", "coverage"}) == model.model_dump(
        exclude={"schema_", "coverage"}
    )
    assert again.coverage == model.coverage
    schema = json.loads((ROOT / SCHEMA_PATH).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(data)


def test_json_keeps_hostile_text_exactly(catalogue: Catalogue) -> None:
    model = hostile_model()
    again, _ = parse_threat_model(json.loads(export(model, "json", catalogue)))
    assert again.findings[0].title == model.findings[0].title
