"""Tools named as code, each rule with a near miss. No sentence comes from an eval description."""

from __future__ import annotations

import pytest

from assistant.engine.reading.reader import read


def _kinds(text: str) -> dict[str, str]:
    return {c.name: c.kind for c in read(text).components}


@pytest.mark.parametrize(
    "text",
    [
        "The agent can call holdRoom + releaseRoom.",
        "- lock_gate / unlock_gate: opens and shuts the yard.",
        "- pause_line, resume_line: both wait for the shift lead.",
    ],
)
def test_code_names_joined_to_a_tool_are_tools_too(text: str) -> None:
    tools = [name for name, kind in _kinds(text).items() if kind == "tool"]
    assert len(tools) == 2, tools


def test_code_names_joined_to_nothing_that_acts_stay_words() -> None:
    # Near miss: a list of fields, none of them something the agent does.
    assert not [k for k in _kinds("Fields: order_id, customer_name.").values() if k == "tool"]


def test_a_store_word_inside_a_code_name_is_not_a_store() -> None:
    kinds = _kinds("The bot can call setStorePrice and getLedgerTotals.")
    assert "database" not in kinds.values()
    # Near miss: the same noun as a word of its own is a store.
    assert "database" in _kinds("Prices live in the price database.").values()


def test_a_code_name_opening_a_bullet_on_how_it_is_held_is_a_tool() -> None:
    # "raise" names no tool by itself; the bullet says how the code name is held.
    assert _kinds("- raise_work_order in Maximo: automatic.").get("raise_work_order") == "tool"
    # Near miss: a field of a form, however the bullet goes on.
    assert "date_of_birth" not in _kinds("- date_of_birth: required")


def test_an_upper_case_qualifier_read_lower_case_is_not_a_pronoun() -> None:
    # "an IT ticket" is read in lower case; after an article, "it" qualifies the noun.
    assert "opens an IT ticket in Jira" in _kinds("It opens an IT ticket in Jira.")
    # Near miss: "it" after the object begins a clause about the object.
    assert "closes issues" in _kinds("It closes issues it is sure are spam.")


def test_acts_after_a_lead_in_that_opens_with_an_aside_are_the_agents() -> None:
    text = "Apart from chatting it can do two things: cancel a permit, and book an inspection."
    tools = [name for name, kind in _kinds(text).items() if kind == "tool"]
    assert len(tools) == 2, tools
    # Near miss: a lead-in about people, not the agent.
    assert not [
        k
        for k in _kinds("Apart from that we do two things: renew permits.").values()
        if k == "tool"
    ]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # A code name that opens with a verb is a function, wherever it stands.
        ("Outputs: setChargeLimit goes straight to the wallbox.", "setChargeLimit"),
        ("then it does this through our internal api:\n- setShelfPrice\n", "setShelfPrice"),
        ("It will compute_tax_estimate for the next quarter.", "compute_tax_estimate"),
        # A setter whose last word is a store word still sets it.
        ("It files each claim with setClaimQueue.", "setClaimQueue"),
        # A subject "without" something ends before its verb: the code name after is not negated.
        ("Anyone without a badge is turned away at the gate (doors.denyBadge).", "doors.denyBadge"),
    ],
)
def test_code_names_that_act(text: str, name: str) -> None:
    assert _kinds(text).get(name) == "tool"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # A field whose first word is also a verb.
        ("The form has start_date and list_price fields.", "start_date"),
        ("The form has start_date and list_price fields.", "list_price"),
        # A store named by a noun that is also a verb.
        ("The table has columns order_queue and created_at.", "order_queue"),
    ],
)
def test_code_names_that_name_a_field_or_a_store(text: str, name: str) -> None:
    assert _kinds(text).get(name) != "tool"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "It runs every manuscript through iThenticate.",
            "runs every manuscript through iThenticate",
        ),
        ("It files each brief in Arc XP.", "files each brief in Arc XP"),
        ("It posts a summary to the Ops channel.", "posts a summary"),
    ],
)
def test_an_act_in_a_product_the_vocabulary_does_not_know_is_a_tool(text: str, name: str) -> None:
    assert _kinds(text).get(name) == "tool"


@pytest.mark.parametrize(
    "text",
    [
        "It answers in English.",  # a language, not a product
        "It runs on Gemini.",  # a model, where it runs
        "It keeps a diary in Grafana.",  # its own data kept somewhere
        "It lives in Kubernetes.",  # where it is deployed
    ],
)
def test_a_language_a_model_or_a_place_is_no_product_act(text: str) -> None:
    assert "tool" not in _kinds(text).values()


@pytest.mark.parametrize("name", ["run_duration", "build_status"])
def test_a_field_named_after_a_noun_is_no_tool(name: str) -> None:
    text = "The agent looks at run_duration and build_status for each pipeline."
    assert _kinds(text).get(name) != "tool"
    # Near miss: a getter of the same field is a tool.
    assert _kinds("It can call get_build_status.").get("get_build_status") == "tool"


def test_messages_scraped_off_the_web_are_a_tool_but_its_inbox_is_not() -> None:
    assert _kinds("The pricing bot scrapes public notices.").get("scrapes public notices") == "tool"
    assert (
        _kinds("The pricing bot scrapes public market messages.").get(
            "scrapes public market messages"
        )
        == "tool"
    )
    # Near miss: reading the messages in its own inbox is a way in, not a tool.
    assert "tool" not in _kinds("It reads the messages in its inbox.").values()


def test_a_protocol_or_a_standards_initials_is_no_product() -> None:
    kinds = _kinds("It sends forecasts to an MQTT broker.")
    assert not [n for n, k in kinds.items() if k == "tool" and "MQTT" in n]
    assert "tool" not in _kinds("It codes each defect to EN 13508.").values()
