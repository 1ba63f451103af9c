"""Lists and records read as structure, each rule with a near miss.

No text comes from an eval description.
"""

from __future__ import annotations

from assistant.engine.reading.reader import read
from assistant.schema import ControlKind


def _agents(text: str) -> list[str]:
    return [c.name for c in read(text).components if c.kind == "agent"]


def test_labels_of_bullets_under_an_agents_lead_in_are_agents() -> None:
    text = (
        "agents (CrewAI, one container each):\n- scout: reads the feeds\n- scribe: writes notes\n"
    )
    assert _agents(text) == ["scout", "scribe"]
    assert read(text).capabilities.get("multi-agent") is True
    # Near miss: the same bullets under a lead-in about something else are not agents.
    assert "scout" not in _agents("steps:\n- scout: reads the feeds\n- scribe: writes notes\n")


def test_fields_of_a_tool_record_are_not_tools() -> None:
    text = "actions:\n  lights.dim:\n    automatic: true\n    bounds: 20 to 80 percent\n"
    delta = read(text)
    tools = [c.name for c in delta.components if c.kind == "tool"]
    assert tools == ["lights.dim"]
    freed = [c.applies_to for c in delta.controls if c.kind == ControlKind.HUMAN_APPROVAL]
    assert freed == [["lights-dim"]]
    # Near miss: a key right under the tools key is a tool.
    record = "agent: greenhouse_bot\nmodel: gpt-4o\ntools:\n  vent_open: needs approval\n"
    assert "vent_open" in [c.name for c in read(record).components if c.kind == "tool"]


def test_items_under_a_never_key_are_ruled_out() -> None:
    caps = read("never:\n  - run scripts\n  - talk to visitors\n").capabilities
    assert caps.get("code-execution") is not True
    assert caps.get("external-facing") is not True
    # Near miss: the same items under a key of what it does.
    assert read("does:\n  - run scripts\n").capabilities.get("code-execution") is True


def test_agents_that_find_each_other_and_share_a_store() -> None:
    caps = read(
        "The agents find each other through Consul and talk over NATS. "
        "Every agent reads/writes the shared Redis."
    ).capabilities
    assert caps.get("agent-registry") is True
    assert caps.get("agent-protocol") is True
    assert caps.get("shared-knowledge") is True
    # Near miss: people finding each other is no registry of agents.
    assert read("Members find each other on the forum.").capabilities.get("agent-registry") is None


def test_generating_or_executing_code_ruled_out_together() -> None:
    assert (
        read("The agents don't generate or exec code.").capabilities.get("code-execution") is False
    )
    # Near miss: generating code it does not run is not ruled out as running code.
    assert read("It generates code for review.").capabilities.get("code-execution") is not False


_RECORDS = """agent: depot_bot
model: gpt-4o
tools:
  - name: write_off_stock
    does: writes batches off as destroyed
    requires_human: true
    approver: duty_pharmacist
  - name: notify_client
    does: e-mails the client
    autonomous: true
"""


def test_a_tool_record_names_one_tool_and_its_approver_is_a_person() -> None:
    delta = read(_RECORDS)
    tools = sorted(c.name for c in delta.components if c.kind == "tool")
    # `does:`, `requires_human:` and `approver: duty_pharmacist` are fields of the record;
    # `notify_client` ends in a role noun but opens with a verb, so it is a tool.
    assert tools == ["notify_client", "write_off_stock"]
    held = [c for c in delta.controls if c.present]
    assert [c.applies_to for c in held] == [["write-off-stock"]]


def test_people_listed_under_an_agents_lead_in_are_not_agents() -> None:
    text = "Agents (human, in the call centre):\n- tier1: answers calls\n- tier2: escalations\n"
    assert "tier1" not in _agents(text)


def test_tools_grouped_under_a_product_inside_the_tools_key_are_tools() -> None:
    text = "agent: pay_bot\nmodel: gpt-4o\ntools:\n  stripe:\n    refund_charge: issues refunds\n"
    assert "refund_charge" in [c.name for c in read(text).components if c.kind == "tool"]
    # Near miss: the fields of one tool's record under `actions:` stay fields.
    record = "agent: zoo_bot\nmodel: gpt-4o\nactions:\n  pens.set_heat:\n    bounds: 18 to 24 C\n"
    assert "bounds" not in [c.name for c in read(record).components]
