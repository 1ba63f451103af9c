"""Corrections in the chat: journalled, replayed on resume, used by the next analysis."""

from __future__ import annotations

import pytest

from assistant.knowledge import Catalogue
from assistant.schema import Evidence, EvidenceKind
from assistant.session import Conversation
from assistant.session.events import MessageLogged, SystemChanged
from assistant.session.journal import read_journal, replay_state
from assistant.session.updates import Committed
from tests.session.fakes import DESCRIPTION, Driver, new_conversation


@pytest.fixture
def described(catalogue: Catalogue) -> Driver:
    chat = new_conversation(catalogue)
    chat.send(DESCRIPTION)
    return chat


def _committed(chat: Driver) -> list[object]:
    return [e for u in chat.updates if isinstance(u, Committed) for e in u.events]


def test_corrections_wait_for_a_description(catalogue: Catalogue) -> None:
    chat = new_conversation(catalogue)
    assert "describe the system first" in chat.send("/set memory off")
    assert chat.conversation.state.system.capabilities == {}
    chat.send(DESCRIPTION)  # still read as the description
    assert chat.conversation.state.system.components


def test_a_correction_replies_in_one_line_and_records_the_new_model(described: Driver) -> None:
    reply = described.send("/set code-execution on")
    assert reply == "Set `code-execution` on (it was unknown). `/analyze` updates the findings."
    assert "\n" not in reply
    changed = [e for e in _committed(described) if isinstance(e, SystemChanged)]
    assert changed[-1].system == described.conversation.state.system
    assert described.conversation.state.system.capability_evidence["code-execution"] == [
        Evidence(kind=EvidenceKind.CORRECTION, quote="/set code-execution on")
    ]


def test_corrections_survive_reopening_the_session(described: Driver, catalogue: Catalogue) -> None:
    assert "pinecone" in described.conversation.state.system.component_ids()
    described.send(
        "/set memory off",
        "/rename expense-agent Expense assistant",
        "/merge langchain into expense-agent",
        "/flow email -> expense-agent receipts",
        "/control human-approval on mcp-server by team lead : payments above $200",
        "/delete pinecone",
    )
    conversation = described.conversation
    system = conversation.state.system
    assert conversation.journal_path is not None
    assert replay_state(read_journal(conversation.journal_path)).system == system

    resumed = Conversation(catalogue)
    resumed.open(conversation.state.id)
    assert resumed.state.system == system
    assert resumed.state.system.capabilities["memory"] is False
    assert "pinecone" not in resumed.state.system.component_ids()
    agent = resumed.state.system.component("expense-agent")
    assert agent is not None and agent.name == "Expense assistant"
    assert resumed.state.system.approval("mcp-server") is True
    assert "email-to-expense-agent" in {f.id for f in resumed.state.system.data_flows}
    assert not [f for f in resumed.state.system.data_flows if "pinecone" in (f.source, f.target)]


def test_a_correction_that_fails_changes_nothing_and_says_so(described: Driver) -> None:
    before = described.conversation.state.system
    count = len(_committed(described))
    reply = described.send("/delete expense-agnt")
    assert reply.startswith("Not changed: there is no fact with the id `expense-agnt`")
    assert "did you mean `expense-agent`?" in reply
    assert described.conversation.state.system == before
    events = _committed(described)[count:]
    assert [type(e) for e in events] == [MessageLogged, MessageLogged]  # no SystemChanged


def test_a_correction_that_changes_nothing_records_no_new_model(described: Driver) -> None:
    count = len(_committed(described))
    assert "already unknown" in described.send("/set planning unknown")
    assert not [e for e in _committed(described)[count:] if isinstance(e, SystemChanged)]


def test_the_interview_goes_on_after_a_correction(described: Driver) -> None:
    pending = described.conversation.state.pending
    assert pending is not None
    described.send("/set memory off")
    assert described.conversation.state.pending == pending
    described.send("yes")
    assert pending in described.conversation.state.asked


def test_the_next_analysis_uses_the_corrected_model(described: Driver) -> None:
    assert "pinecone" in described.conversation.state.system.component_ids()
    described.send("/analyze")
    model = described.conversation.state.threat_model
    assert model is not None
    assert any("pinecone" in f.components for f in model.findings)
    described.send("/delete pinecone", "/set code-execution on", "/analyze")
    model = described.conversation.state.threat_model
    assert model is not None
    assert model.system.capabilities["code-execution"] is True
    assert not any("pinecone" in f.components for f in model.findings)


def test_system_shows_every_fact_with_its_evidence(described: Driver) -> None:
    described.send("/set memory off")
    text = described.send("/system")
    assert "- `expense-agent` expense agent · agent · L3" in text
    assert "- `memory` off — _corrected: /set memory off_" in text


def test_help_lists_the_correction_commands(described: Driver) -> None:
    text = described.send("/help")
    for command in ("/system", "/set", "/rename", "/merge", "/delete", "/flow", "/control"):
        assert f"`{command}" in text
    assert "Did you mean `/set`?" in described.send("/sett memory off")


def test_a_secret_in_a_correction_is_redacted_in_its_evidence(described: Driver) -> None:
    key = "sk-proj-" + "A1b2C3d4E5f6G7h8J9k0" * 2
    described.send(f"/rename email Inbox {key}")
    email = described.conversation.state.system.component("email")
    assert email is not None
    assert key not in email.name and key not in email.evidence[-1].quote
    assert "[REDACTED:openai-key#1]" in email.evidence[-1].quote
