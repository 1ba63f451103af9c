"""Structure limits: memory follows the number of values, so their number is bounded too."""

from __future__ import annotations

import pytest

from assistant.errors import SystemFileError, ThreatModelFileError
from assistant.model_io import MAX_JSON_CONTAINERS, parse_json
from assistant.system_file import positions


def test_the_yaml_composer_stops_at_the_value_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(positions, "MAX_VALUES", 50)
    text = "components: [" + ", ".join(["{}"] * 60) + "]\n"
    with pytest.raises(SystemFileError, match=r"^s\.yaml: more than 50 values$"):
        positions.parse_yaml(text, "s.yaml")


def test_yaml_under_the_value_limit_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    # Near miss of the above: 1 mapping + 1 key + 1 list + 40 items + ... stays under 50.
    monkeypatch.setattr(positions, "MAX_VALUES", 50)
    parsed = positions.parse_yaml("components: [" + ", ".join(["a"] * 40) + "]\n", "s.yaml")
    assert len(parsed.data["components"]) == 40


def test_json_with_too_many_containers_is_refused_before_parsing() -> None:
    text = "[" + ",".join(["{}"] * MAX_JSON_CONTAINERS) + "]"
    with pytest.raises(ThreatModelFileError) as caught:
        parse_json(text, "tm.json")
    assert caught.value.message == (
        f"tm.json: too many JSON objects and lists ({MAX_JSON_CONTAINERS + 1:,}; "
        f"the limit is {MAX_JSON_CONTAINERS:,})"
    )


def test_json_at_the_container_limit_is_parsed() -> None:
    text = "[" + ",".join(["{}"] * (MAX_JSON_CONTAINERS - 1)) + "]"
    assert len(parse_json(text, "tm.json")) == MAX_JSON_CONTAINERS - 1
