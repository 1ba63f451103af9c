import pytest

from assistant.engine.analyze import _title
from assistant.engine.naming import MAX_NAME_CHARS, UNTITLED, system_name


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # Markdown headings, ATX and setext; generic headings and a "Threat model:" prefix skipped.
        ("# Support bot\n\nIt answers customers.", "Support bot"),
        ("Intro line\n\n## Refund **agent** ##\n", "Refund agent"),
        ("Clinic helper\n=============\n\nIt reads notes.", "Clinic helper"),
        ("## Overview\n\nOur billing agent files invoices.", "Billing agent"),
        ("# Threat model: Door-lock controller\n", "Door-lock controller"),
        ("# Design of the payroll copilot\n", "Payroll copilot"),
        ("# The Hive\n", "The Hive"),  # a heading is a name as written
        # Structured text: a name key, nested or not, beats a YAML comment; else its description.
        ("# prod config\nname: Smart home hub\nagents: [a]\n", "Smart home hub"),
        ("agents:\n  - name: intake_agent\ntitle: Claims triage\n", "Claims triage"),
        ("system:\n  name: Drone fleet planner\n", "Drone fleet planner"),
        ('{"name": "Payments copilot", "tools": ["send_sms"]}', "Payments copilot"),
        ('{"agents": ["a"], "description": "A trading agent that buys crypto."}', "Trading agent"),
        ("name: Ledger bot\ntools: [unclosed\n", "Ledger bot"),  # YAML that does not parse
        ("Name: Support desk\nIt answers tickets.", "Support desk"),
        ("system: freight-dispatch-assistant\nagents: 3\n", "freight-dispatch-assistant"),
        ('{"product": "Gatekeeper - resale agent for NFT tickets"}', "Gatekeeper"),
        ("# Alert triage agent: design notes\n", "Alert triage agent"),
        ("Agent-assist for retail bank call centre. Key facts:\n- a\n", "Agent-assist"),
        # The first noun phrase of the first sentence.
        ("Our support assistant answers customers in the web chat.", "Support assistant"),
        ("An orchestrator agent coordinates three workers.", "Orchestrator agent"),
        ("We built a support bot that answers questions.", "Support bot"),
        ("We're building an internal HR assistant, which reads CVs.", "Internal HR assistant"),
        ("This is a multi-agent swarm of drones", "Multi-agent swarm of drones"),
        ("our IT helpdesk agent resets passwords", "IT helpdesk agent"),
        ("`intake_agent` reads claims from the portal", "intake_agent"),
        ("The Node.js service uses GPT-4o to triage tickets.", "Node.js service"),
        ("hey so basically we got this bot thing, it reads slack msgs", "Bot thing"),
        ("A fleet of delivery drones is coordinated by a planner.", "Fleet of delivery drones"),
        ("- triage agent: reads e-mail\n- refund tool\n", "Triage agent"),
        ("At Larchwood care home we are piloting MediRound, an agent.", "MediRound"),
        ("At the archive we call it simply the Archivist.", "Archivist"),
        ("ok so we run a discord server for our game", "Discord server"),
        ("A tier-1 support assistant for our product.", "Tier-1 support assistant"),
        ("noc-copilot (mobile core network ops)", "noc-copilot"),
        ("```\n# not a heading\n```\nA ticket router sorts mail.", "Ticket router"),
    ],
)
def test_names(text: str, name: str) -> None:
    assert system_name(text) == name


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n",
        "Reads the mailbox and drafts replies.",  # opens with a verb: no noun phrase
        "agents:\n  - name: intake_agent\ntools: [send_sms]\n",  # a tool's name is not the system's
        "# Overview\n\n## Architecture\n",  # only generic headings and no prose
        "name: " + "x" * 80,  # one word longer than a name
    ],
)
def test_near_misses_are_untitled(text: str) -> None:
    assert system_name(text) == UNTITLED


def test_a_long_first_line_is_cut_at_a_word_boundary() -> None:
    line = (
        "Internal platform reconciling weekly supplier invoices against purchase orders across "
        "every European subsidiary and ledger"
    )
    name = system_name(line)
    assert len(name) <= MAX_NAME_CHARS
    assert line.startswith(name) and line[len(name)] == " "  # never mid-word
    assert not name.endswith((" of", " and", " across"))


def test_a_long_opening_clause_gives_way_to_the_noun_phrase() -> None:
    # The old rule cut the first line at 80 characters, mid-word ("...An orchestrator agen").
    text = "In our company, after many long discussions with the platform and security teams, an orchestrator agent coordinates three workers."
    assert system_name(text) == "Orchestrator agent"


def test_long_heading_is_capped() -> None:
    heading = "# " + " ".join(["Customer"] * 20)
    name = system_name(heading)
    assert len(name) <= MAX_NAME_CHARS and name.endswith("Customer")


def test_the_engine_names_systems_with_it() -> None:
    assert _title("Our support assistant answers customers.") == "Support assistant"
    assert _title("") == UNTITLED
