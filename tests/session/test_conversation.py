"""The chat state machine: greeting, description, interview, analysis, review, commands."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from assistant.errors import LLMConfigError, ReviewError, SessionError, StepCancelledError
from assistant.knowledge import Catalogue
from assistant.llm import ScriptedChatModel
from assistant.schema import Engine, FindingStatus, Layer
from assistant.session.events import AnalysisRecorded, GuidanceRecorded, MessageLogged
from assistant.session.models import ModelBinding
from assistant.session.updates import Chunk, Committed, FindingsAdded, Notice, Progress, Reset
from tests.session.fakes import DESCRIPTION, Driver, FakeRetriever, new_conversation


@pytest.fixture
def chat(catalogue: Catalogue) -> Driver:
    return new_conversation(catalogue)


@pytest.fixture
def analysed(chat: Driver) -> Driver:
    chat.send(DESCRIPTION, "yes", "skip", "/analyze")
    return chat


def test_greets_and_asks_for_a_description(chat: Driver) -> None:
    state = chat.conversation.state
    assert [m.role for m in state.messages] == ["assistant"]
    assert "Describe your system" in state.messages[0].text
    assert "offline" in state.messages[0].text
    # Nothing is written until the user says something: no empty sessions on disk.
    assert chat.conversation.journal_path is not None
    assert not chat.conversation.journal_path.exists()


def test_description_builds_the_system_and_asks_the_first_question(chat: Driver) -> None:
    reply = chat.send(DESCRIPTION)
    state = chat.conversation.state
    assert {"memory", "rag", "tools"} <= {k for k, v in state.system.capabilities.items() if v}
    assert {Layer.L1, Layer.L2, Layer.L3} <= state.system.layers_present()
    assert state.pending is not None
    assert "**Q1.**" in reply
    assert chat.conversation.journal_path is not None and chat.conversation.journal_path.exists()


def test_a_description_with_nothing_recognisable_asks_for_more(chat: Driver) -> None:
    reply = chat.send("hello there")
    assert "could not pick out" in reply
    assert chat.conversation.state.pending is None
    chat.send("It is a LangChain agent with a vector store.")
    state = chat.conversation.state
    assert state.pending is not None
    assert state.system.description.startswith("hello there")  # both messages kept


def test_answers_update_the_model_and_skips_become_unknowns(
    chat: Driver, catalogue: Catalogue
) -> None:
    chat.send(DESCRIPTION)
    state = chat.conversation.state
    first = state.pending
    chat.send("skip")
    state = chat.conversation.state
    assert first in state.asked
    assert state.system.unknowns and state.system.assumptions
    assert state.pending is not None and state.pending != first
    assert "**Q2.**" in state.messages[-1].text


def test_a_yes_establishes_the_capability_the_question_asks_about(chat: Driver) -> None:
    chat.send(DESCRIPTION)
    conversation = chat.conversation
    while conversation.state.pending and conversation.state.pending != "Q-TRIAGE-5":
        chat.send("skip")
    assert conversation.state.pending == "Q-TRIAGE-5"  # several agents?
    chat.send("yes, three agents delegate to each other")
    assert conversation.state.system.capabilities.get("multi-agent") is True


def test_analyze_validates_findings_on_several_layers(chat: Driver) -> None:
    chat.send(DESCRIPTION, "yes", "skip")
    reply = chat.send("/analyze")
    model = chat.conversation.state.threat_model
    assert model is not None
    assert len({f.layer for f in model.findings}) >= 4
    assert "Analysis complete" in reply
    batches = [u for u in chat.updates if isinstance(u, FindingsAdded)]
    assert [b.layer for b in batches] == sorted(
        {f.layer for f in model.findings}, key=list(Layer).index
    )
    assert sum(len(b.findings) for b in batches) == len(model.findings)
    assert any(isinstance(u, Progress) and u.fraction == 1.0 for u in chat.updates)
    # The pending question is offered again so the interview can continue.
    assert "answer the open question" in reply


def test_the_word_analyse_works_without_a_slash(chat: Driver) -> None:
    chat.send(DESCRIPTION, "Analyse.")
    assert chat.conversation.state.threat_model is not None


def test_analyze_before_a_description_says_so(chat: Driver) -> None:
    assert "Describe the system first" in chat.send("/analyze")
    assert chat.conversation.state.threat_model is None


def test_exhausting_the_questions_runs_the_analysis(chat: Driver) -> None:
    chat.send(DESCRIPTION)
    conversation = chat.conversation
    for _ in range(200):
        if conversation.state.pending is None:
            break
        chat.send("skip")
    assert conversation.state.pending is None
    assert conversation.state.threat_model is not None
    assert "last question" in conversation.state.messages[-1].text


def test_steps_report_updates_in_order(chat: Driver) -> None:
    chat.send(DESCRIPTION)
    kinds = [type(u) for u in chat.updates]
    assert kinds.index(Chunk) < kinds.index(Committed)
    committed = next(u for u in chat.updates if isinstance(u, Committed))
    assert isinstance(committed.events[0], MessageLogged) and committed.events[0].role == "user"
    assert (
        isinstance(committed.events[-1], MessageLogged) and committed.events[-1].role == "assistant"
    )


def test_review_accept_reject_needs_info(analysed: Driver) -> None:
    conversation = analysed.conversation
    assert conversation.review("accept", ["F-001"]) == "Accepted F-001."
    conversation.review("reject", ["f-002"], "no such model in use")
    conversation.review("needs-info", ["F-003"], "which tools?")
    findings = {f.id: f for f in conversation.state.threat_model.findings}  # type: ignore[union-attr]
    assert findings["F-001"].status == FindingStatus.ACCEPTED
    assert findings["F-002"].status == FindingStatus.REJECTED
    assert findings["F-002"].reviewer_note == "no such model in use"
    assert findings["F-003"].status == FindingStatus.NEEDS_INFO
    assert conversation.state.messages[-1].role == "note"


def test_a_rejection_needs_a_reason(analysed: Driver) -> None:
    with pytest.raises(ReviewError, match="reason"):
        analysed.conversation.review("reject", ["F-001"], "  ")


def test_review_of_an_unknown_finding_fails_cleanly(analysed: Driver) -> None:
    with pytest.raises(ReviewError, match="F-999"):
        analysed.conversation.review("accept", ["F-999"])


def test_review_before_any_analysis_fails_cleanly(chat: Driver) -> None:
    with pytest.raises(ReviewError, match="no findings yet"):
        chat.conversation.review("accept", ["F-001"])


def test_bulk_review_by_layer_leaves_decided_findings_alone(analysed: Driver) -> None:
    conversation = analysed.conversation
    state = conversation.state
    l2 = state.findings_at(Layer.L2)
    conversation.review("reject", [l2[0].id], "not a RAG system")
    said = conversation.review("accept", ["L2"])
    statuses = [f.status for f in conversation.state.findings_at(Layer.L2)]
    assert statuses[0] == FindingStatus.REJECTED
    assert set(statuses[1:]) == {FindingStatus.ACCEPTED}
    assert l2[1].id in said
    with pytest.raises(ReviewError, match="no undecided"):
        conversation.review("accept", ["L2"])


def test_review_slash_commands(analysed: Driver) -> None:
    analysed.send(
        "/accept F-001 F-004", "/reject F-002 out of scope", "/needs-info L5 who reads the logs?"
    )
    state = analysed.conversation.state
    assert state.finding("F-004").status == FindingStatus.ACCEPTED  # type: ignore[union-attr]
    assert state.finding("F-002").reviewer_note == "out of scope"  # type: ignore[union-attr]
    assert {f.status for f in state.findings_at(Layer.L5)} == {FindingStatus.NEEDS_INFO}
    with pytest.raises(ReviewError):
        analysed.send("/reject F-003")


def test_a_slash_review_records_what_a_review_key_records(analysed: Driver) -> None:
    def recorded(events: tuple[object, ...]) -> list[tuple[str, object]]:
        return [
            (type(e).__name__, getattr(e, "role", None) or getattr(e, "finding_ids", None))
            for e in events
        ]

    conversation = analysed.conversation
    analysed.send("/accept F-001")
    by_slash = [u for u in analysed.updates if isinstance(u, Committed)][-1].events
    assert recorded(by_slash) == [
        ("MessageLogged", "user"),
        ("ReviewRecorded", ["F-001"]),
        ("MessageLogged", "note"),
    ]
    before = len(conversation.state.messages)
    said = conversation.review("accept", ["F-002"])
    assert said == "Accepted F-002." == conversation.state.messages[-1].text
    assert conversation.state.messages[-1].role == "note"
    assert len(conversation.state.messages) == before + 1
    last = by_slash[-1]
    assert isinstance(last, MessageLogged) and last.text == "Accepted F-001."


def test_edit_is_revalidated_and_recomputes_risk(analysed: Driver) -> None:
    conversation = analysed.conversation
    before = conversation.state.finding("F-001")
    assert before is not None
    saved, issues, said = conversation.edit(
        "F-001",
        {"title": "Inconsistent approvals", "likelihood": "very-likely", "impact": "critical"},
    )
    assert saved and not [i for i in issues if i.severity == "error"]
    assert said.startswith("Edited F-001; re-validated")
    assert said == conversation.state.messages[-1].text  # what the transcript keeps
    after = conversation.state.finding("F-001")
    assert after is not None and after.title == "Inconsistent approvals"
    assert after.risk.value == "critical"
    assert after.status == before.status


def test_an_edit_that_fails_validation_is_not_saved(analysed: Driver) -> None:
    conversation = analysed.conversation
    saved, issues, said = conversation.edit("F-001", {"title": "   "})
    assert not saved and said == ""
    assert "empty-text" in {i.code for i in issues}
    assert conversation.state.finding("F-001").title.strip()  # type: ignore[union-attr]
    with pytest.raises(ReviewError, match="cannot edit"):
        conversation.edit("F-001", {"threat_id": "T2"})


def test_analysing_again_keeps_review_decisions(analysed: Driver) -> None:
    conversation = analysed.conversation
    target = conversation.state.finding("F-005")
    assert target is not None
    conversation.review("reject", ["F-005"], "mitigated upstream")
    analysed.send("it also uses a code interpreter tool", "/analyze")
    model = conversation.state.threat_model
    assert model is not None
    same = [f for f in model.findings if (f.threat_id, f.layer) == (target.threat_id, target.layer)]
    assert same and same[0].status == FindingStatus.REJECTED
    assert same[0].reviewer_note == "mitigated upstream"


def test_export_writes_the_reviewed_model(analysed: Driver, tmp_path: Path) -> None:
    analysed.conversation.review("accept", ["F-001"])
    analysed.conversation.review("reject", ["F-002"], "not applicable here")
    out = tmp_path / "tm.json"
    reply = analysed.send(f"/export json {out}")
    assert "31" in reply or "findings" in reply
    text = out.read_text(encoding="utf-8")
    assert '"accepted"' in text and "not applicable here" in text
    assert analysed.conversation.state.exports[-1].path == str(out)
    md = tmp_path / "tm.md"
    analysed.send(f"/export md {md}")
    assert "not applicable here" in md.read_text(encoding="utf-8")


def test_export_usage_and_nothing_to_export(chat: Driver, tmp_path: Path) -> None:
    assert "Nothing to export" in chat.send(f"/export md {tmp_path / 'x.md'}")
    assert "Unknown format" in chat.send("/export pdf x.pdf")


def test_help_rejected_show_and_unknown_commands(analysed: Driver) -> None:
    assert "/export" in analysed.send("/help")
    assert "rejected no proposals" in analysed.send("/rejected")
    shown = analysed.send("/show F-001")
    assert "### Scenario" in shown and "### Validator notes" in shown and "### Evidence" in shown
    assert "No finding" in analysed.send("/show F-999")
    assert "Unknown command" in analysed.send("/frobnicate")


def test_model_switch_uses_the_binder_and_back_to_rules(catalogue: Catalogue) -> None:
    chosen: list[str] = []

    def binder(name: str) -> ModelBinding:
        chosen.append(name)
        return ModelBinding(engine=Engine.HYBRID, model=name, destination="this machine (x)")

    chat = new_conversation(catalogue, binder=binder)
    reply = chat.send("/model ollama/llama3")
    assert chosen == ["ollama/llama3"]
    assert chat.conversation.binding.model == "ollama/llama3"
    assert chat.conversation.state.model == "ollama/llama3"
    assert "hybrid: ollama/llama3" in reply
    chat.send("/model rules")
    assert chat.conversation.binding.engine == Engine.RULES
    assert "offline" in chat.send("/model")


def test_a_failing_step_commits_nothing(catalogue: Catalogue) -> None:
    def binder(name: str) -> ModelBinding:
        raise LLMConfigError(f"invalid --model: {name}")

    chat = new_conversation(catalogue, binder=binder)
    before = list(chat.conversation.state.messages)
    with pytest.raises(LLMConfigError):
        chat.send("/model nope")
    assert chat.conversation.state.messages == before
    assert chat.conversation.binding.engine == Engine.RULES


def test_cancel_discards_the_step(chat: Driver) -> None:
    chat.send(DESCRIPTION)
    cancel = threading.Event()
    cancel.set()
    before = len(chat.conversation.state.messages)
    with pytest.raises(StepCancelledError):
        chat.conversation.send("/analyze", chat.updates.append, cancel)
    assert len(chat.conversation.state.messages) == before
    assert chat.conversation.state.threat_model is None


def test_one_step_at_a_time(chat: Driver) -> None:
    chat.conversation._busy.acquire()
    try:
        with pytest.raises(SessionError, match="still working"):
            chat.send("hello")
    finally:
        chat.conversation._busy.release()


def test_secrets_are_redacted_before_they_are_kept(chat: Driver) -> None:
    key = "sk-proj-" + "A1b2C3d4E5f6G7h8J9k0" * 2
    chat.send(f"{DESCRIPTION} The agent uses the key {key} for payments.")
    state = chat.conversation.state
    assert key not in state.messages[1].text
    assert "[REDACTED:openai-key#1]" in state.messages[1].text
    assert key not in state.system.description
    notices = [u for u in chat.updates if isinstance(u, Notice)]
    assert notices and notices[0].title == "Redacted" and key not in notices[0].text


def _said(words: str, **extra: str) -> list[dict[str, str]]:
    return [{"kind": extra.pop("kind", "quote"), "quote": words, **extra}]


def _tool(ident: str, evidence: list[dict[str, str]]) -> dict[str, object]:
    return {"id": ident, "name": ident, "kind": "tool", "layers": ["L3"], "evidence": evidence}


def test_model_facts_without_the_users_words_are_dropped_with_a_notice(
    catalogue: Catalogue,
) -> None:
    from assistant.engine.llm_mode import LLMExtractor

    described = {
        "components": [
            _tool("stripe", _said("pay via Stripe")),
            _tool("admin-console", _said("an admin console for staff")),
        ]
    }
    model = ScriptedChatModel([json.dumps(described)])
    binding = ModelBinding(engine=Engine.HYBRID, extractor=LLMExtractor(model, catalogue))
    chat = new_conversation(catalogue, binding=binding)
    chat.send(DESCRIPTION)
    system = chat.conversation.state.system
    assert "stripe" in system.component_ids() and "admin-console" not in system.component_ids()
    [notice] = [u for u in chat.updates if isinstance(u, Notice)]
    assert notice.title == "Unsupported facts dropped" and notice.severity == "warning"
    assert notice.text == (
        "1 model fact dropped: quote not found in the text (component admin-console)."
    )
    # An answer's words are credited to the question it answers.
    question = chat.conversation.state.pending
    assert question is not None
    answered = {"components": [_tool("ledger", _said("a ledger", kind="answer", question_id="x"))]}
    model.enqueue(json.dumps(answered))
    chat.send("We also keep a ledger of payments.")
    ledger = chat.conversation.state.system.component("ledger")
    assert ledger is not None
    assert [(e.kind.value, e.question_id, e.quote) for e in ledger.evidence] == [
        ("answer", question, "a ledger")
    ]
    assert len([u for u in chat.updates if isinstance(u, Notice)]) == 1  # nothing new dropped


def test_ask_streams_a_reply_from_the_model(catalogue: Catalogue) -> None:
    model = ScriptedChatModel(["Validate writes to memory and keep provenance."])
    chat = new_conversation(catalogue, binding=ModelBinding(chat_model=model))
    reply = chat.send("/ask how do I stop memory poisoning?")
    assert reply == "Validate writes to memory and keep provenance."
    chunks = [u.text for u in chat.updates if isinstance(u, Chunk)]
    assert len(chunks) > 1 and "".join(chunks) == reply
    assert "memory poisoning" in model.history[0][-1].content


def test_ask_without_a_model_answers_from_the_guidance(catalogue: Catalogue) -> None:
    chat = new_conversation(catalogue, retriever=FakeRetriever())
    reply = chat.send("/ask memory poisoning")
    assert "**T1**" in reply
    guidance = chat.conversation.state.guidance
    assert guidance is not None and guidance.passages[0].entry_id == "T1"
    other = new_conversation(catalogue, session_id="s-other")
    assert "guidance search is not available" in other.send("/ask x")


def test_guidance_is_fetched_after_the_step(catalogue: Catalogue) -> None:
    retriever = FakeRetriever()
    chat = new_conversation(catalogue, retriever=retriever)
    chat.send(DESCRIPTION)
    assert chat.conversation.state.guidance is None  # the reply did not wait for it
    event = chat.conversation.update_guidance()
    assert isinstance(event, GuidanceRecorded)
    assert chat.conversation.state.guidance == event
    question = retriever.queries[-1]
    assert question[2] == ["threat", "mitigation", "chain", "factor"]
    assert chat.conversation.update_guidance() is None  # nothing new asked for


def test_a_failing_retriever_is_reported_once(catalogue: Catalogue) -> None:
    chat = new_conversation(catalogue, retriever=FakeRetriever(fail=True))
    chat.send(DESCRIPTION)
    with pytest.raises(Exception, match="guidance search is unavailable"):
        chat.conversation.update_guidance()
    chat.send("yes")
    assert chat.conversation.update_guidance() is None


def test_new_and_open_sessions(analysed: Driver, catalogue: Catalogue) -> None:
    old = analysed.conversation.state.id
    analysed.send("/new")
    assert isinstance(analysed.updates[-1], Reset)
    state = analysed.conversation.state
    assert state.id != old and state.threat_model is None and len(state.messages) == 1
    assert "/open ID" in analysed.send("/sessions")
    analysed.send(f"/open {old}")
    assert analysed.conversation.state.id == old
    assert analysed.conversation.state.threat_model is not None


def test_analysis_event_carries_the_whole_threat_model(analysed: Driver) -> None:
    committed = [e for u in analysed.updates if isinstance(u, Committed) for e in u.events]
    analysis = [e for e in committed if isinstance(e, AnalysisRecorded)]
    assert analysis and analysis[-1].threat_model == analysed.conversation.state.threat_model


def test_a_whole_session_runs_without_textual(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    script = (
        "import sys\n"
        "from assistant.knowledge import default_catalogue\n"
        "from assistant.session import Conversation\n"
        "c = Conversation(default_catalogue()); c.start_new('s-headless')\n"
        f"for line in [{DESCRIPTION!r}, 'yes', '/analyze', '/accept F-001', '/export md review.md']:\n"
        "    c.send(line)\n"
        "assert 'textual' not in sys.modules, 'the core imported textual'\n"
        "print('ok')\n"
    )
    # From a scratch directory, so the export lands there and not in the checkout.
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "ok"
    assert (tmp_path / "review.md").is_file()


def test_a_model_outage_during_analyze_keeps_the_rules_findings_and_says_so(
    catalogue: Catalogue,
) -> None:
    from assistant.engine.llm_proposal import LLMProposer
    from tests.adversarial.hostile import HostileModel

    down = LLMProposer(chat_model=HostileModel({}, down_after=1), hybrid=True)

    def binder(name: str) -> ModelBinding:
        return ModelBinding(engine=Engine.HYBRID, model=name, destination="x", proposer=down)

    chat = new_conversation(catalogue, binder=binder)
    chat.send("/model scripted/down", DESCRIPTION, "/analyze")
    notices = [u for u in chat.updates if isinstance(u, Notice) and u.title == "Partial analysis"]
    assert notices and "cannot connect" in notices[0].text
    assert [u for u in chat.updates if isinstance(u, FindingsAdded)]  # the rules findings stayed


def test_the_chats_guidance_index_gives_the_passages_its_findings_cite(
    catalogue: Catalogue,
) -> None:
    from assistant.engine.run import open_local_index
    from assistant.session.models import LazyRetriever

    chat = new_conversation(catalogue, retriever=LazyRetriever(open_local_index))
    chat.send(DESCRIPTION, "yes", "skip", "/analyze")
    model = chat.conversation.state.threat_model
    assert model is not None and model.findings
    cited = {e.split("#")[0] for f in model.findings for e in f.evidence}
    # Beyond each threat's own passages, controls retrieved for this system.
    assert any(catalogue.mitigation(entry) is not None for entry in cited)
