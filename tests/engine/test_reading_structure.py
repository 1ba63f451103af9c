"""Structured descriptions read as structure: tables, nested records, flags and symbols."""

from __future__ import annotations

import pytest

from assistant.engine.reading.reader import read


def _tools(text: str) -> list[str]:
    return [c.name for c in read(text).components if c.kind == "tool"]


def _held(text: str) -> list[tuple[bool, list[str], str]]:
    return [
        (c.present, c.applies_to, c.actor)
        for c in read(text).controls
        if c.kind.value == "human-approval"
    ]


def test_a_table_row_is_a_record_and_its_cells_are_read_under_their_headers() -> None:
    text = (
        "| Tool | Approval |\n|---|---|\n| list_orders | none |\n"
        "| refund_order | support lead |\n| cancel_order | none |"
    )
    assert _tools(text) == ["list_orders", "refund_order", "cancel_order"]
    assert _held(text) == [
        (False, ["list-orders"], ""),
        (True, ["refund-order"], "support lead"),
        (False, ["cancel-order"], ""),
    ]


def test_a_yes_or_no_column_holds_its_own_row() -> None:
    text = "| Tool | Human approval |\n|---|---|\n| search | no |\n| delete_record | yes |"
    assert [(p, a) for p, a, _ in _held(text)] == [(False, ["search"]), (True, ["delete-record"])]


def test_a_row_another_cell_rules_out_is_no_tool() -> None:
    text = (
        "| action | how | who decides |\n|---|---|---|\n"
        "| start chillers | chillerCommand | an engineer approves |\n"
        "| unlock doors | n/a | never, it is read-only |"
    )
    assert _tools(text) == ["start chillers", "chillerCommand"]
    # The tools beside the row's name are held with it.
    assert [(p, a) for p, a, _ in _held(text)] == [(True, ["chillercommand", "start-chillers"])]


def test_text_with_pipes_but_no_rule_row_is_no_table() -> None:
    text = "It answers | in English | and Dutch.\nIt can refund orders."
    assert _tools(text) == ["refund orders"]


def test_a_key_over_a_tools_own_fields_names_it() -> None:
    text = (
        "tools:\n  create_user:\n    approval: IT admin\n  reset_password:\n    approval: none\n"
        "  read_ledger:\n    description: reads the ledger"
    )
    assert _tools(text) == ["create_user", "reset_password", "read_ledger"]
    assert _held(text) == [(True, ["create-user"], "IT admin"), (False, ["reset-password"], "")]


def test_a_key_grouping_an_agents_tools_is_no_tool() -> None:
    text = "tools:\n  triage_agent:\n    - lookup_order\n    - close_ticket\n"
    assert "triage_agent" not in _tools(text)


@pytest.mark.parametrize(
    ("text", "capability", "value"),
    [
        # Capability flags as keys, with underscores.
        ("multi_agent: true\ntools: [send_email]", "multi-agent", True),
        ("external_facing: true\ntools: [send_email]", "external-facing", True),
        ("human_in_loop: false\ntools: [send_email]", "human-in-loop", False),
        # A cross is no; a tick is yes.
        ("Memory: \u274c\nCode execution: \u274c", "memory", False),
        ("Memory: \u2717\nCode execution: \u2717", "code-execution", False),
        ("Memory: \u2717\nRAG: \u2713", "rag", True),
    ],
)
def test_flags_and_symbols_as_values(text: str, capability: str, value: bool) -> None:
    assert read(text).capabilities.get(capability) is value


def test_a_wrapped_line_of_prose_with_a_colon_is_no_key() -> None:
    text = "A curtailment that leaves a bus short\n  is held for review: the plan goes to the lead."
    assert read(text).capabilities.get("human-in-loop") is True


@pytest.mark.parametrize(
    "text",
    [
        # Entries under a key of agents, or a table's agent column, are the agents.
        "agents:\n  - researcher\n  - writer\n  - editor",
        "| Agent | Role |\n|---|---|\n| Researcher | finds sources |\n| Writer | drafts posts |",
        "agents:\n  planner:\n    model: gpt-4o\n  writer:\n    model: gpt-4o",
        "agents:\n  - name: triage\n    model: gpt-4o\n  - name: resolver\n    model: gpt-4o",
    ],
)
def test_agents_listed_under_a_key_are_agents(text: str) -> None:
    delta = read(text)
    assert len([c for c in delta.components if c.kind == "agent"]) >= 2
    assert delta.capabilities.get("multi-agent") is True


def test_no_agents_under_a_key_is_none() -> None:
    assert not [c for c in read("agents: none").components if c.kind == "agent"]


def test_a_comment_beside_a_list_item_is_read_as_that_items_value() -> None:
    text = (
        "tools:\n  - crm.contacts.get\n  - crm.contacts.delete   # approval: team lead, every time\n"
        "  - calendar.events.insert   # auto, internal calendars only\n"
    )
    assert _held(text) == [
        (True, ["crm-contacts-delete"], "team lead"),
        (False, ["calendar-events-insert"], ""),
    ]
    # What is internal here is the calendars, not who uses the system.
    assert read(text).capabilities.get("external-facing") is None


def test_a_hash_that_names_a_channel_is_no_comment() -> None:
    assert _held("- it posts the case in #mod-queue and waits") == []


@pytest.mark.parametrize(
    ("text", "held"),
    [
        # The bare word as a value: "labels: auto", "auto up to 25k".
        ("- tools: create_label\n- labels: auto", [False]),
        ('{"cex.place_order": "auto up to 25k USDT per order"}', [False]),
        # Near miss: a word, not a value.
        ("We sell auto parts online. It can order parts.", []),
    ],
)
def test_auto_as_a_value_is_automatic(text: str, held: list[bool]) -> None:
    assert [p for p, _, _ in _held(text)] == held


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ('{"channel": "Microsoft Teams, internal tenant only"}', False),
        ("It is for internal use only.", False),
        ("It books meetings in internal calendars only.", None),
    ],
)
def test_internal_only_is_said_of_who_uses_it(text: str, value: bool | None) -> None:
    assert read(text).capabilities.get("external-facing") is value


def test_an_approval_column_after_other_cells_holds_its_row() -> None:
    text = (
        "| Tool | What it does | Approval |\n|---|---|---|\n"
        "| book_slot | books an appointment | none |\n"
        "| refund_deposit | refunds the deposit through Stripe | practice manager |"
    )
    assert _held(text) == [
        (False, ["book-slot"], ""),
        (True, ["refund-deposit"], "practice manager"),
    ]


def test_a_line_commented_out_is_not_in_force() -> None:
    text = "tools:\n  - summarize\n  # - delete_page  (removed in v2)\n  - create_refund"
    assert _tools(text) == ["summarize", "create_refund"]
