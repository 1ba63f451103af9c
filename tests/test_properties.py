"""Property-based tests: random and malformed input never escapes as an uncaught exception."""

import contextlib
import json
import shutil
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.errors import ThreatModelFileError
from assistant.knowledge import Catalogue, check_catalogue
from assistant.model_io import parse_threat_model
from assistant.validator import check_proposal, validate_model
from tests.conftest import ROOT
from tests.helpers import finding, system

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=6)
    ),
    max_leaves=30,
)
FIELDS = list(finding())
SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(data=json_values)
def test_parse_never_crashes_on_arbitrary_json(data: Any) -> None:
    with contextlib.suppress(ThreatModelFileError):
        parse_threat_model(data)


@SETTINGS
@given(field=st.sampled_from(FIELDS), value=json_values)
def test_a_mutated_proposal_gets_a_verdict(catalogue: Catalogue, field: str, value: Any) -> None:
    parsed, verdict = check_proposal(finding(**{field: value}), system(), catalogue)
    assert verdict.outcome.value in {"accepted", "accepted-with-warnings", "rejected"}
    if parsed is None:  # a proposal that does not fit the schema is always rejected, with reasons
        assert verdict.outcome.value == "rejected" and verdict.issues


@SETTINGS
@given(
    findings=st.lists(
        st.fixed_dictionaries({}, optional={k: json_values for k in FIELDS}), max_size=5
    )
)
def test_models_with_random_findings_validate(
    catalogue: Catalogue, findings: list[dict[str, Any]]
) -> None:
    document = {
        "id": "tm",
        "catalogue_version": "x",
        "system": json.loads(system().model_dump_json()),
        "findings": findings,
    }
    model, rejected = parse_threat_model(document)
    verdicts, _ = validate_model(model, catalogue)
    assert len(verdicts) + len(rejected) == len(findings)


@settings(max_examples=40, deadline=None)
@given(text=st.text(max_size=300))
def test_loader_survives_any_yaml_text(tmp_path_factory: Any, text: str) -> None:
    root = Path(tmp_path_factory.mktemp("k")) / "knowledge"
    shutil.copytree(ROOT / "knowledge", root)
    (root / "fuzz.yaml").write_text(text, encoding="utf-8")
    _, problems = check_catalogue(root)
    assert isinstance(problems, list)


@settings(max_examples=40, deadline=None)
@given(
    entry=st.dictionaries(
        st.sampled_from(
            ["id", "kind", "name", "summary", "layers", "sources", "aliases", "family", "threats"]
        ),
        json_values,
        max_size=9,
    )
)
def test_loader_survives_random_entries(tmp_path_factory: Any, entry: dict[str, Any]) -> None:
    root = Path(tmp_path_factory.mktemp("k")) / "knowledge"
    shutil.copytree(ROOT / "knowledge", root)
    (root / "fuzz.yaml").write_text(json.dumps({"entries": [entry]}), encoding="utf-8")
    _, problems = check_catalogue(root)
    assert isinstance(problems, list)
