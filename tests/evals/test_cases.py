"""Case files: the development set is valid, the schema file is current, bad files fail clearly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from assistant.errors import EvalCaseError
from assistant.evals.cases import (
    SCHEMA_PATH,
    case_json_schema_text,
    default_cases_dir,
    load_case,
    load_cases,
)
from assistant.knowledge import Catalogue
from tests.conftest import ROOT
from tests.evals.builders import case_data, write_case


def test_development_set_loads(catalogue: Catalogue) -> None:
    cases = load_cases(default_cases_dir(), catalogue)
    assert len(cases) >= 8
    # Built from the five reference models, plus at least three systems written here.
    sources = [c.case.source for c in cases]
    assert sum("own case" in s for s in sources) >= 3
    assert all(c.targets for c in cases)
    assert [c.id for c in cases] == sorted(c.id for c in cases)


def test_every_case_file_validates_against_the_committed_schema() -> None:
    schema = json.loads((ROOT / SCHEMA_PATH).read_text(encoding="utf-8"))
    for path in sorted(default_cases_dir().glob("*.yaml")):
        jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), schema)


def test_committed_schema_matches_the_case_model() -> None:
    committed = (ROOT / SCHEMA_PATH).read_text(encoding="utf-8")
    assert committed == case_json_schema_text(), "regenerate evals/schema.json (docs/EVALS.md)"


def test_aliases_resolve_and_core_is_t1_to_t17(tmp_path: Path, catalogue: Catalogue) -> None:
    path = write_case(
        tmp_path,
        expected=[
            {"threat": "MAS-RPA:T16", "layer": "L1"},
            {"threat": "t16", "layer": ["L3", "L7"]},
        ],
        not_expected=["mas-rpa:t22"],
    )
    case = load_case(path, catalogue)
    assert [(t.ref, t.threat, t.core) for t in case.targets] == [
        ("MAS-RPA:T16", "MAS-MODEL-INCONSISTENCY", False),
        ("t16", "T16", True),
    ]
    assert case.forbidden == ("MAS-SERVICE-ACCOUNT-EXPOSURE",)


BAD: list[tuple[dict[str, Any], str]] = [
    (
        {"expected": [{"threat": "T99", "layer": "L2"}]},
        "expected[0]: 'T99' is not in the catalogue",
    ),
    (
        {"expected": [{"threat": "T1", "layer": "L9"}]},
        "expected[0].layer: use a layer (L1..L7 or CL)",
    ),
    ({"expected": [{"threat": "T1", "layer": ["L2", "L9"]}]}, "expected[0].layer: use a layer"),
    ({"expected": [{"threat": "T12", "layer": "L3"}]}, "allows T12 only at L2, L7, CL"),
    ({"expected": [{"threat": "L2-P1", "layer": "L2"}]}, "'L2-P1' is a mitigation, not a threat"),
    (
        {"expected": [{"threat": "T1", "layer": "L2"}, {"threat": "t1", "layer": "L1"}]},
        "T1 is expected twice",
    ),
    ({"not_expected": ["T6"]}, "not_expected[0]: T6 is also expected"),
    ({"expected": []}, "expected: List should have at least 1 item"),
    ({"id": "Has Spaces"}, "id: String should match pattern"),
    ({"owner": "me"}, "owner: Extra inputs are not permitted"),
]


@pytest.mark.parametrize(("overrides", "message"), BAD)
def test_bad_case_is_one_line_naming_the_file(
    tmp_path: Path, catalogue: Catalogue, overrides: dict[str, Any], message: str
) -> None:
    path = write_case(tmp_path, **overrides)
    with pytest.raises(EvalCaseError) as caught:
        load_cases(tmp_path, catalogue)
    text = caught.value.message
    assert text.startswith(f"{path}: ") and message in text and "\n" not in text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("id: [unclosed\n", "not valid YAML at line 2"),
        ("- just\n- a list\n", "must be a YAML mapping"),
        (b"\xff\xfe", "not UTF-8 text"),
    ],
)
def test_unreadable_case_is_one_line(
    tmp_path: Path, catalogue: Catalogue, content: str | bytes, message: str
) -> None:
    path = tmp_path / "broken.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(EvalCaseError, match=r"broken\.yaml: ") as caught:
        load_cases(tmp_path, catalogue)
    assert message in caught.value.message


def test_duplicate_ids_and_empty_dirs(tmp_path: Path, catalogue: Catalogue) -> None:
    with pytest.raises(EvalCaseError, match="no case files"):
        load_cases(tmp_path, catalogue)
    with pytest.raises(EvalCaseError, match="no such file or directory"):
        load_cases(tmp_path / "missing", catalogue)
    write_case(tmp_path, "a.yaml")
    write_case(tmp_path, "b.yaml")
    with pytest.raises(EvalCaseError, match=r"b\.yaml: case id 'tiny-bot' is already used by"):
        load_cases(tmp_path, catalogue)


def test_a_single_file_is_a_case_set(tmp_path: Path, catalogue: Catalogue) -> None:
    path = write_case(tmp_path)
    assert [c.id for c in load_cases(path, catalogue)] == [case_data()["id"]]
