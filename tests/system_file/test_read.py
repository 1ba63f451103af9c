import json
import re
from pathlib import Path
from typing import Any

import pytest

from assistant.engine.analyze import analyze
from assistant.errors import SystemFileError
from assistant.knowledge import Catalogue
from assistant.schema import EvidenceKind, Layer, SystemModel
from assistant.system_file import is_system_file, read_system_file
from assistant.system_file.load import IMPLIED_BY_KIND
from assistant.system_file.model import KIND_LAYERS
from tests.conftest import ROOT

EXAMPLE = ROOT / "docs/examples/system.yaml"

AGENT = "components:\n  - id: bot\n    kind: agent\n"


def read(tmp_path: Path, text: str, catalogue: Catalogue, name: str = "system.yaml") -> SystemModel:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_system_file(path, catalogue.capabilities)


def error(tmp_path: Path, text: str, catalogue: Catalogue, name: str = "system.yaml") -> str:
    with pytest.raises(SystemFileError) as caught:
        read(tmp_path, text, catalogue, name)
    message = caught.value.message
    assert "\n" not in message and caught.value.exit_code == 2
    return message.removeprefix(f"{tmp_path / name}: ")


# --- syntax errors --------------------------------------------------------------------------------


def test_a_yaml_syntax_error_names_line_and_column(tmp_path: Path, catalogue: Catalogue) -> None:
    text = AGENT + "    layers: [L3\n"
    assert error(tmp_path, text, catalogue) == (
        "not valid YAML at line 5 column 1: expected ',' or ']', but got '<stream end>' "
        "(while parsing a flow sequence at line 4)"
    )


def test_a_yaml_mapping_value_where_none_is_allowed(tmp_path: Path, catalogue: Catalogue) -> None:
    assert error(tmp_path, "name: a: b\n", catalogue) == (
        "not valid YAML at line 1 column 8: mapping values are not allowed here"
    )


def test_a_json_syntax_error_names_line_and_column(tmp_path: Path, catalogue: Catalogue) -> None:
    text = '{\n  "components": [\n    {"id": "bot", "kind": "agent",}\n  ]\n}\n'
    assert error(tmp_path, text, catalogue, "system.json") == (
        "not valid JSON at line 3 column 35: Expecting property name enclosed in double quotes"
    )


def test_json_is_never_read_as_yaml(tmp_path: Path, catalogue: Catalogue) -> None:
    # Near miss: YAML-only syntax in a .json file is a JSON error, not a lenient YAML read.
    assert error(tmp_path, AGENT, catalogue, "system.json").startswith(
        "not valid JSON at line 1 column 1"
    )


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("system.yaml", ""),
        ("system.yaml", "  \n"),
        ("system.yaml", "# only a comment\n"),
        ("system.json", ""),
        ("system.json", "  \n"),
    ],
)
def test_an_empty_file_says_so(name: str, text: str, tmp_path: Path, catalogue: Catalogue) -> None:
    assert error(tmp_path, text, catalogue, name) == "file is empty"


def test_python_tags_are_refused(tmp_path: Path, catalogue: Catalogue) -> None:
    message = error(tmp_path, "name: !!python/object/apply:os.system [id]\n", catalogue)
    assert message.startswith(
        "not valid YAML at line 1 column 7: could not determine a constructor"
    )


def test_more_than_one_document_is_refused(tmp_path: Path, catalogue: Catalogue) -> None:
    assert error(tmp_path, AGENT + "---\n" + AGENT, catalogue).startswith(
        "not valid YAML at line 4 column 1: but found another document"
    )


# --- schema errors ---------------------------------------------------------------------------------


def test_an_unknown_field_names_the_field_and_its_line(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    text = AGENT + "    nmae: Support bot\n"
    assert error(tmp_path, text, catalogue) == (
        "line 4: components[0].nmae: unknown field; did you mean 'name'?"
    )


def test_an_unknown_field_far_from_any_lists_the_fields(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    text = AGENT + "controls:\n  - id: c\n    kind: sandbox\n    zzz: 1\n"
    assert error(tmp_path, text, catalogue) == (
        "line 7: controls[0].zzz: unknown field "
        "(fields: id, kind, present, applies_to, scope, actor, evidence)"
    )


def test_an_unknown_top_level_field(tmp_path: Path, catalogue: Catalogue) -> None:
    assert error(tmp_path, AGENT + "tools: [x]\n", catalogue) == (
        "line 4: tools: unknown field; did you mean 'controls'?"
    )


def test_an_unknown_field_in_json_names_its_line(tmp_path: Path, catalogue: Catalogue) -> None:
    text = '{\n  "name": "x",\n  "components": [\n    {\n      "id": "bot",\n      "kind": "agent",\n      "layer": ["L3"]\n    }\n  ]\n}\n'
    assert error(tmp_path, text, catalogue, "system.json") == (
        "line 7: components[0].layer: unknown field; did you mean 'layers'?"
    )


def test_a_wrong_type_names_the_line_of_the_value(tmp_path: Path, catalogue: Catalogue) -> None:
    text = AGENT + "    layers: L3\n"
    assert error(tmp_path, text, catalogue) == (
        "line 4: components[0].layers: Input should be a valid list"
    )


def test_a_wrong_type_in_a_capability(tmp_path: Path, catalogue: Catalogue) -> None:
    text = AGENT + "capabilities:\n  tools: maybe\n"
    assert error(tmp_path, text, catalogue) == (
        "line 5: capabilities.tools: Input should be a valid boolean, unable to interpret input"
    )


def test_a_bad_enum_value_lists_the_choices(tmp_path: Path, catalogue: Catalogue) -> None:
    text = AGENT + "entry_points:\n  - id: inbox\n    kind: email\n"
    message = error(tmp_path, text, catalogue)
    assert message.startswith("line 6: entry_points[0].kind: Input should be 'public-users'")


def test_a_missing_field_points_at_its_record(tmp_path: Path, catalogue: Catalogue) -> None:
    text = "name: x\ncomponents:\n  - id: bot\n    name: Bot\n"
    assert error(tmp_path, text, catalogue) == "line 3: components[0].kind: required, but missing"


def test_evidence_the_file_gives_is_checked(tmp_path: Path, catalogue: Catalogue) -> None:
    text = AGENT + "    evidence:\n      - kind: quote\n"
    assert error(tmp_path, text, catalogue) == (
        "line 5: components[0].evidence[0]: quote evidence needs a quote"
    )


def test_only_the_first_problem_is_shown_with_a_count(tmp_path: Path, catalogue: Catalogue) -> None:
    text = "components:\n  - id: bot\n  - id: llm\n    kind: 7\n"
    assert error(tmp_path, text, catalogue) == (
        "line 2: components[0].kind: required, but missing (and 1 more)"
    )


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("- id: bot\n  kind: agent\n", "a list"),
        ("just words\n", "a string"),
        ("42\n", "a number"),
        ("true\n", "a boolean"),
        ("null\n", "nothing"),
    ],
)
def test_the_top_level_must_be_a_mapping(
    text: str, found: str, tmp_path: Path, catalogue: Catalogue
) -> None:
    assert error(tmp_path, text, catalogue) == (
        f"line 1: top level: must be a mapping of system fields (name, components, ...), not {found}"
    )


def test_a_json_list_at_the_top_level(tmp_path: Path, catalogue: Catalogue) -> None:
    assert error(tmp_path, "\n[]\n", catalogue, "system.json") == (
        "line 2: top level: must be a mapping of system fields (name, components, ...), not a list"
    )


# --- checks beyond the schema ----------------------------------------------------------------------


def test_a_key_given_twice_is_refused(tmp_path: Path, catalogue: Catalogue) -> None:
    assert error(tmp_path, AGENT + "    kind: tool\n", catalogue) == (
        "line 4: components[0].kind: key given twice (first at line 3)"
    )


def test_a_json_key_given_twice_is_refused(tmp_path: Path, catalogue: Catalogue) -> None:
    text = '{"components": [{"id": "bot", "kind": "agent"}],\n "components": []}'
    assert error(tmp_path, text, catalogue, "system.json") == (
        "line 2: components: key given twice (first at line 1)"
    )


def test_an_id_used_twice_is_refused(tmp_path: Path, catalogue: Catalogue) -> None:
    text = AGENT + "  - id: bot\n    kind: llm\n"
    assert error(tmp_path, text, catalogue) == (
        "line 4: components[1].id: id 'bot' is already used by components[0]"
    )


def test_a_reference_to_no_component_is_refused(tmp_path: Path, catalogue: Catalogue) -> None:
    text = (
        AGENT
        + "  - id: refund-tool\n    kind: tool\n"
        + "controls:\n  - id: approval\n    kind: human-approval\n    applies_to: [refund-tol]\n"
    )
    assert error(tmp_path, text, catalogue) == (
        "line 9: controls[0].applies_to[0]: no component 'refund-tol'; did you mean 'refund-tool'?"
    )


@pytest.mark.parametrize(
    ("extra", "where"),
    [
        ("data_flows:\n  - {id: f, source: bot, target: db}\n", "line 5: data_flows[0].target"),
        (
            "assets:\n  - {id: a, data_class: pii, components: [db]}\n",
            "line 5: assets[0].components[0]",
        ),
        (
            "entry_points:\n  - {id: e, kind: inbound-email, target: db}\n",
            "line 5: entry_points[0].target",
        ),
        (
            "trust_boundaries:\n  - id: b\n    components: [bot, db]\n",
            "line 6: trust_boundaries[0].components[1]",
        ),
    ],
)
def test_every_reference_is_checked(
    extra: str, where: str, tmp_path: Path, catalogue: Catalogue
) -> None:
    assert error(tmp_path, AGENT + extra, catalogue) == f"{where}: no component 'db'"


def test_references_to_components_that_exist_are_fine(tmp_path: Path, catalogue: Catalogue) -> None:
    # Near miss of the above.
    text = (
        AGENT + "  - {id: db, kind: database}\ndata_flows:\n  - {id: f, source: bot, target: db}\n"
    )
    assert [f.target for f in read(tmp_path, text, catalogue).data_flows] == ["db"]


def test_a_misspelt_capability_is_refused(tmp_path: Path, catalogue: Catalogue) -> None:
    text = AGENT + "capabilities:\n  memroy: false\n"
    assert error(tmp_path, text, catalogue) == (
        "line 5: capabilities.memroy: not a catalogue capability; did you mean 'memory'?"
    )


def test_an_unknown_kind_needs_layers(tmp_path: Path, catalogue: Catalogue) -> None:
    text = "components:\n  - id: crm\n    kind: crm-bot\n"
    assert error(tmp_path, text, catalogue).startswith(
        "line 3: components[0].layers: required: kind 'crm-bot' has no default layer"
    )


def test_an_unknown_kind_with_layers_is_fine(tmp_path: Path, catalogue: Catalogue) -> None:
    text = "components:\n  - id: crm\n    kind: crm-bot\n    layers: [L3, L7]\n"
    [crm] = read(tmp_path, text, catalogue).components
    assert crm.layers == [Layer.L3, Layer.L7] and crm.name == "crm"


def test_recursive_aliases_are_refused(tmp_path: Path, catalogue: Catalogue) -> None:
    assert error(tmp_path, "assumptions: &a [*a]\n", catalogue) == (
        "line 1: assumptions[0]: an alias that contains itself"
    )


def test_alias_bombs_are_refused_before_they_expand(tmp_path: Path, catalogue: Catalogue) -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdef", "bcdefg", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    assert error(tmp_path, "\n".join(lines) + "\n", catalogue) == (
        "more than 100,000 values once aliases are expanded"
    )


def test_small_aliases_are_fine(tmp_path: Path, catalogue: Catalogue) -> None:
    text = "components:\n  - &bot {id: bot, kind: agent}\nassumptions: &a [one]\nunknowns: *a\n"
    assert read(tmp_path, text, catalogue).unknowns == ["one"]


def test_an_oversized_file_is_refused(tmp_path: Path, catalogue: Catalogue) -> None:
    text = AGENT + "description: " + "x" * (1024 * 1024) + "\n"
    # Just over the limit, the size is given in bytes: "1.0 MB; the limit is 1 MB" reads wrong.
    message = error(tmp_path, text, catalogue)
    assert re.fullmatch(
        r"file is 1,048,\d{3} bytes; the limit is 1 MB \(1,048,576 bytes\)", message
    )


# --- what a valid file becomes ---------------------------------------------------------------------


def test_every_fact_cites_the_file_and_the_line_it_starts_on(catalogue: Catalogue) -> None:
    system = read_system_file(EXAMPLE, catalogue.capabilities)
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    facts: list[Any] = [
        *system.components,
        *system.controls,
        *system.assets,
        *system.entry_points,
        *system.data_flows,
        *system.trust_boundaries,
    ]
    assert len(facts) == 16
    for fact in facts:
        [evidence] = fact.evidence
        assert evidence.kind == EvidenceKind.FILE
        name, line = evidence.location.split(":")
        assert name == "system.yaml"
        assert lines[int(line) - 1].strip() == f"- id: {fact.id}"


def test_defaults_are_filled_in(catalogue: Catalogue) -> None:
    system = read_system_file(EXAMPLE, catalogue.capabilities)
    agent = system.component("support-agent")
    assert agent is not None and agent.layers == [Layer.L3]
    audit = system.component("audit-log")
    assert audit is not None and audit.layers == [Layer.L5]
    assert system.approval("refund-tool") is True
    assert system.approval("send-reply") is False
    assert system.approval("order-lookup") is None  # absent means unknown


def test_a_json_system_file_cites_its_lines(tmp_path: Path, catalogue: Catalogue) -> None:
    text = '{\n\t"components": [\n\t\t{"id": "bot", "kind": "agent"},\n\n\t\t{\n\t\t\t"id": "llm", "kind": "llm"}\n\t],\n\t"capabilities": {"memory": false}\n}\n'
    system = read(tmp_path, text, catalogue, "system.json")
    assert [c.evidence[0].location for c in system.components] == [
        "system.json:3",
        "system.json:5",
    ]
    assert system.capability_evidence["memory"][0].location == "system.json:8"


def test_evidence_the_file_gives_is_kept(tmp_path: Path, catalogue: Catalogue) -> None:
    text = (
        AGENT
        + "    evidence: [{kind: file, location: 'docs/design.md:40'}]\n"
        + "capabilities:\n  memory: false\n"
        + "capability_evidence:\n  memory: [{kind: assumed, reason: stateless by design}]\n"
    )
    system = read(tmp_path, text, catalogue)
    assert system.components[0].evidence[0].location == "docs/design.md:40"
    assert system.capability_evidence["memory"][0].reason == "stateless by design"


def test_capabilities_the_facts_imply_are_filled_in_with_their_lines(catalogue: Catalogue) -> None:
    system = read_system_file(EXAMPLE, catalogue.capabilities)
    assert system.capabilities == {
        "memory": False,
        "rag": False,
        "tools": True,
        "external-facing": True,
        "human-in-loop": True,
        "sensitive-data": True,
    }
    [mailbox] = system.capability_evidence["external-facing"]
    assert mailbox.label() == "system.yaml:67: support-mailbox: untrusted inbound-email"


def test_a_trusted_or_internal_entry_point_does_not_make_it_external(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    text = AGENT + (
        "entry_points:\n"
        "  - {id: staff, kind: internal-users, untrusted: false}\n"
        "  - {id: inbox, kind: inbound-email, untrusted: false}\n"
    )
    system = read(tmp_path, text, catalogue)
    assert "external-facing" not in system.capabilities
    assert system.capabilities["human-users"] is True


def test_an_absent_approval_does_not_imply_a_human_in_the_loop(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    text = AGENT + "controls:\n  - {id: c, kind: human-approval, present: false}\n"
    assert "human-in-loop" not in read(tmp_path, text, catalogue).capabilities


def test_two_agents_imply_multi_agent_and_one_does_not(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    assert "multi-agent" not in read(tmp_path, AGENT, catalogue).capabilities
    two = read(tmp_path, AGENT + "  - {id: checker, kind: agent}\n", catalogue)
    assert two.capabilities["multi-agent"] is True


def test_the_file_settles_a_capability_and_a_contradiction_is_an_unknown(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    text = AGENT + "  - {id: search, kind: tool}\ncapabilities:\n  tools: false\n"
    system = read(tmp_path, text, catalogue)
    assert system.capabilities["tools"] is False
    assert system.capability_evidence["tools"][0].location == "system.yaml:6"
    assert system.unknowns == [
        "capabilities.tools is false (system.yaml:6) but system.yaml:4 implies it "
        "(search is a tool)"
    ]


def test_implications_name_catalogue_capabilities_and_known_kinds(catalogue: Catalogue) -> None:
    implied = {c for caps in IMPLIED_BY_KIND.values() for c in caps}
    implied |= {"tools", "multi-agent", "human-users", "external-facing", "human-in-loop"}
    implied |= {"authentication", "sensitive-data"}
    assert implied <= set(catalogue.capabilities)
    assert set(IMPLIED_BY_KIND) <= set(KIND_LAYERS)


def test_the_round_trip_analyses_with_file_evidence(catalogue: Catalogue) -> None:
    system = read_system_file(EXAMPLE, catalogue.capabilities)
    model = analyze(system.description, catalogue, system=system)
    assert model.title == "Acme support agent"
    assert {"T2", "T6"} <= {f.threat_id for f in model.findings}
    assert all(e.kind == EvidenceKind.FILE for c in model.system.components for e in c.evidence)
    refund = [f for f in model.findings if "refund-tool" in f.components]
    assert refund, "findings name the components of the file"


def test_a_threat_models_system_is_a_valid_system_file(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    # The file format is a superset of the system model: `jq .system tm.json` is a system file.
    system = read_system_file(EXAMPLE, catalogue.capabilities)
    path = tmp_path / "again.json"
    path.write_text(system.model_dump_json(indent=2), encoding="utf-8")
    again = read_system_file(path, catalogue.capabilities)
    assert again == system  # its own evidence is kept, so nothing changes


def test_an_id_derived_from_the_system_when_there_is_no_prose(catalogue: Catalogue) -> None:
    one = SystemModel.model_validate(
        json.loads('{"components": [{"id": "a", "name": "A", "kind": "agent", "layers": ["L3"]}]}')
    )
    two = one.model_copy(update={"name": "Other"})
    assert analyze("", catalogue, system=one).id != analyze("", catalogue, system=two).id


@pytest.mark.parametrize(
    ("name", "expected"),
    [("s.yaml", True), ("s.YML", True), ("s.json", True), ("s.md", False), ("yaml", False)],
)
def test_is_system_file(name: str, expected: bool) -> None:
    assert is_system_file(Path(name)) is expected


def test_a_json_file_may_name_its_schema(tmp_path: Path, catalogue: Catalogue) -> None:
    text = '{"$schema": "docs/schema/system.schema.json", "components": [{"id": "a", "kind": "agent"}]}'
    assert read(tmp_path, text, catalogue, "system.json").component_ids() == {"a"}
    # Near miss: the Python name of the field is not a key of the file.
    assert error(tmp_path, text.replace("$schema", "schema_"), catalogue, "system.json") == (
        "line 1: schema_: unknown field; did you mean '$schema'?"
    )


def test_an_effect_implies_tools_whatever_the_kind(tmp_path: Path, catalogue: Catalogue) -> None:
    text = AGENT + "  - {id: crm, kind: database, effect: writes-data}\n"
    [why] = read(tmp_path, text, catalogue).capability_evidence["tools"]
    assert why.label() == "system.yaml:4: crm writes-data"
    # Near miss: the same component without an effect implies nothing.
    plain = read(tmp_path, AGENT + "  - {id: crm, kind: database}\n", catalogue)
    assert "tools" not in plain.capabilities
