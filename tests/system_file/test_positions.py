import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.errors import SystemFileError
from assistant.system_file.positions import (
    Parsed,
    Path,
    format_path,
    parse_json_positions,
    parse_yaml,
)


def paths(data: Any, path: Path = ()) -> list[Path]:
    """Every path in a document, in document order."""
    found = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            found += paths(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += paths(value, (*path, index))
    return found


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ((), "top level"),
        (("name",), "name"),
        (("components", 2, "layers", 0), "components[2].layers[0]"),
        (("capabilities", "multi-agent"), "capabilities.multi-agent"),
    ],
)
def test_format_path(path: Path, text: str) -> None:
    assert format_path(path) == text


def test_a_missing_path_falls_back_to_its_nearest_ancestor() -> None:
    parsed = Parsed({}, {(): 2, ("components",): 3, ("components", 0): 4})
    assert parsed.line(("components", 0, "kind")) == 4
    assert parsed.line(("components", 5)) == 3
    assert parsed.line(("nothing",)) == 2
    assert Parsed({}, {}).line(("x",)) == 1


def test_yaml_entries_start_at_their_key() -> None:
    text = "name: x\ncomponents:\n  - id: a\n    layers:\n      - L3\n"
    lines = parse_yaml(text, "s.yaml").lines
    assert lines[("components",)] == 2
    assert lines[("components", 0)] == 3
    assert lines[("components", 0, "layers")] == 4
    assert lines[("components", 0, "layers", 0)] == 5


def test_json_walk_survives_what_yaml_would_not() -> None:
    # Tab indentation, escaped quotes and braces inside strings, surrogate pairs, numbers.
    text = '{\n\t"a": "x \\" } ] \\ud83d\\ude00",\n\t"b": [1.5e3, -2, true, null, {}],\n\n\t"c": {"d": []}\n}'
    parsed = parse_json_positions(text, "s.json")
    assert parsed.data["a"] == 'x " } ] \U0001f600'
    assert parsed.lines[("b", 4)] == 3
    assert parsed.lines[("c", "d")] == 5


def test_a_nested_json_key_given_twice_is_refused() -> None:
    with pytest.raises(SystemFileError, match=r"line 3: a\.b: key given twice \(first at line 2\)"):
        parse_json_positions('{"a": {\n"b": 1,\n"b": 2}}', "s.json")


def test_the_same_key_in_two_mappings_is_fine() -> None:
    # Near miss of the above.
    parsed = parse_json_positions('[{"id": 1},\n {"id": 2}]', "s.json")
    assert parsed.lines[(1, "id")] == 2


@pytest.mark.parametrize("depth", [900, 100_000])
def test_deep_nesting_is_refused_in_one_line(depth: int) -> None:
    text = "[" * depth + "]" * depth
    # Past the container limit the count refuses it first, which is as good.
    deep = r"JSON is nested too deeply" if depth < 20_000 else r"too many JSON objects and lists"
    with pytest.raises(SystemFileError, match=rf"s\.json: {deep}"):
        parse_json_positions(text, "s.json")
    with pytest.raises(SystemFileError, match=r"s\.yaml: YAML is nested too deeply"):
        parse_yaml(text, "s.yaml")


def test_moderate_nesting_is_fine() -> None:
    # Near miss of the above.
    text = "[" * 300 + "]" * 300
    assert parse_json_positions(text, "s.json").lines[(0,) * 299] == 1


scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=8)
documents = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(alphabet="abcxyz_-", min_size=1, max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(documents, st.sampled_from([None, 0, 2, "\t"]))
def test_json_lines_cover_every_value_in_document_order(data: Any, indent: Any) -> None:
    text = json.dumps(data, indent=indent)
    parsed = parse_json_positions(text, "s.json")
    lines = [parsed.lines[p] for p in paths(data)]
    assert lines == sorted(lines)
    assert lines[-1] <= text.count("\n") + 1
    if indent is None:
        assert set(lines) == {1}


@settings(max_examples=150, deadline=None)
@given(documents)
def test_json_and_yaml_readers_agree_on_lines(data: Any) -> None:
    # JSON without tabs or non-ASCII escapes is YAML: both readers must place values alike.
    text = json.dumps(data, indent=2)
    assert parse_json_positions(text, "s.json").lines == parse_yaml(text, "s.yaml").lines
