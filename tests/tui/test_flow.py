"""The chat driven with Pilot through the real factory: the full flow, review, failures."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from textual.message import Message

from assistant.errors import LLMConfigError
from assistant.knowledge import Catalogue
from assistant.llm import ScriptedChatModel
from assistant.llm.config import LLMSettings
from assistant.schema import Engine, Finding, FindingStatus, Layer, RejectedProposal, SystemModel
from assistant.session import Conversation
from assistant.session.models import ModelBinding, bind_model
from assistant.tui.app import MaestroApp
from assistant.tui.messages import Reviewed, StepFailed, StepFinished
from assistant.tui.screens.finding import EditScreen, FindingScreen, ReasonScreen
from assistant.tui.screens.help import HelpScreen
from assistant.tui.widgets.chat import AssistantMessage, NoteMessage, UserMessage
from assistant.tui.widgets.findings import FindingsTable
from tests.session.fakes import DESCRIPTION, FakeRetriever
from tests.tui.conftest import IGNORE_LEAKED_CLIENTS, AppFactory, send, settle, shortcut

pytestmark = IGNORE_LEAKED_CLIENTS


async def test_full_flow_offline(app_factory: AppFactory, tmp_path: Path) -> None:
    seen: list[Message] = []
    app = app_factory(retriever=FakeRetriever())
    async with app.run_test(size=(120, 40), message_hook=seen.append) as pilot:
        assert app.sub_title == "offline: rules engine"
        await send(pilot, DESCRIPTION)
        await send(pilot, "yes", type_it=True)
        await send(pilot, "skip", type_it=True)
        await send(pilot, "/analyze")
        state = app.conversation.state
        assert state.threat_model is not None
        assert len({f.layer for f in state.threat_model.findings}) >= 4
        table = app.query_one(FindingsTable)
        assert table.row_count == len(state.threat_model.findings)
        assert state.guidance is not None  # fetched after the step, in its own worker

        await pilot.press("f3")
        assert app.focused is table
        await shortcut(pilot, "a")
        await pilot.press("down")
        await shortcut(pilot, "r")
        assert isinstance(_screen(app), ReasonScreen)
        await pilot.press(*"not used here", "enter")
        await pilot.pause()
        await send(pilot, f"/export md {tmp_path / 'report.md'}")

        findings = state.threat_model.findings if state.threat_model else []
        model = app.conversation.state.threat_model
        assert model is not None
        assert model.findings[0].status == FindingStatus.ACCEPTED
        assert model.findings[1].status == FindingStatus.REJECTED
        assert model.findings[1].reviewer_note == "not used here"
        assert findings
        report = (tmp_path / "report.md").read_text(encoding="utf-8")
        assert "not used here" in report
    finished = [m for m in seen if isinstance(m, StepFinished)]
    assert [m.text for m in finished][:2] == [DESCRIPTION, "yes"]
    assert not [m for m in seen if isinstance(m, StepFailed)]
    # Each decision made with a key reached the app as a message carrying what was recorded.
    said = [m.said for m in seen if isinstance(m, Reviewed)]
    assert said == [f"Accepted {findings[0].id}.", f"Rejected {findings[1].id}: not used here."]


def _screen(app: MaestroApp) -> object:
    # A function, not the attribute: mypy would narrow `app.screen` across key presses.
    return app.screen


def _proposal(threat: str, layer: str, components: list[str]) -> dict[str, object]:
    return {
        "threat_id": threat,
        "layer": layer,
        "title": f"{threat} against the expense agent",
        "scenario": "An attacker plants a rule in the policy store that the agent later follows.",
        "components": components,
        "likelihood": "likely",
        "impact": "high",
        "rationale": "The store takes documents from many teams.",
        "mitigations": [],
        "evidence": [],
        "quotes": ["stores policies in a Pinecone vector store"],
    }


async def test_full_flow_with_the_scripted_model(app_factory: AppFactory, tmp_path: Path) -> None:
    def said(words: str) -> list[dict[str, str]]:
        return [{"kind": "quote", "quote": words}]

    delta = {
        "components": [
            {
                "id": "gpt",
                "name": "GPT-4o",
                "kind": "llm",
                "layers": ["L1"],
                "evidence": said("GPT-4o"),
            },
            {
                "id": "policies",
                "name": "Policy store",
                "kind": "vector-store",
                "layers": ["L2"],
                "evidence": said("policies in a Pinecone vector store"),
            },
            {
                "id": "agent",
                "name": "Expense agent",
                "kind": "agent",
                "layers": ["L3"],
                "evidence": said("An expense agent"),
            },
        ],
        "capabilities": {"memory": True, "rag": True, "tools": True},
        "capability_evidence": {
            "memory": said("It remembers past claims"),
            "rag": said("a Pinecone vector store"),
            "tools": said("calls an MCP server"),
        },
    }
    model = ScriptedChatModel([json.dumps(delta), "{}", "{}"])
    retriever = FakeRetriever()
    binding = bind_model(LLMSettings(model=model.model), chat_model=model, retriever=retriever)
    app = app_factory(binding=binding, retriever=retriever)
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.conversation.binding.engine == Engine.HYBRID
        assert "scripted/model" in app.sub_title
        await send(pilot, DESCRIPTION)
        await send(pilot, "yes")
        await send(pilot, "it also has an approval queue")
        layers = sorted(app.conversation.state.system.layers_present(), key=list(Layer).index)
        replies = [
            json.dumps({"findings": [_proposal("T1", "L2", ["policies", "agent"])]})
            if layer == Layer.L2
            else json.dumps({"findings": []})
            for layer in layers
        ]
        model.enqueue(
            *replies, json.dumps({"findings": []}), json.dumps({"findings": [], "ruled_out": []})
        )
        await send(pilot, "/analyze")
        threat_model = app.conversation.state.threat_model
        assert threat_model is not None and threat_model.engine == Engine.HYBRID
        llm = [f for f in threat_model.findings if f.provenance.engine != Engine.RULES]
        assert [(f.threat_id, f.layer) for f in llm] == [("T1", Layer.L2)]
        first = llm[0].id
        await send(pilot, f"/accept {first}")
        other = next(f.id for f in threat_model.findings if f.id != first)
        await send(pilot, f"/reject {other} duplicate of an accepted finding")
        await send(pilot, f"/export json {tmp_path / 'tm.json'}")
        data = json.loads((tmp_path / "tm.json").read_text(encoding="utf-8"))
        statuses = {f["id"]: f["status"] for f in data["findings"]}
        assert statuses[first] == "accepted" and statuses[other] == "rejected"
        # What the model was sent: the description as untrusted data, never a key.
        assert "untrusted-data" in model.history[0][-1].content


async def test_ask_streams_the_reply_into_markdown(app_factory: AppFactory) -> None:
    model = ScriptedChatModel(["Use **provenance** checks on every memory write."])
    app = app_factory(binding=ModelBinding(chat_model=model))
    async with app.run_test(size=(100, 30)) as pilot:
        await send(pilot, "/ask how do I stop memory poisoning?")
        reply = app.query(AssistantMessage).last()
        assert reply.source == "Use **provenance** checks on every memory write."


async def test_a_failure_says_why_in_the_transcript_and_up_recalls_it(
    catalogue: Catalogue, app_factory: AppFactory
) -> None:
    def binder(name: str) -> ModelBinding:
        raise LLMConfigError(f"invalid --model: {name} is not a model string", "Model settings")

    seen: list[Message] = []
    app = app_factory(binder=binder)
    async with app.run_test(size=(100, 30), message_hook=seen.append) as pilot:
        users = len(app.query(UserMessage))
        await send(pilot, "/model nope")
        assert app.chat.input.value == ""  # nothing left to be appended to
        assert len(app.query(UserMessage)) == users  # the echo is gone
        (failed,) = [m for m in seen if isinstance(m, StepFailed)]
        assert "not a model string" in failed.message
        assert failed.title == "Model settings"  # the error's own title, carried to the edge
        note = app.query(NoteMessage).last()
        assert note.has_class("-error")
        said = str(note.render())
        assert "`/model nope`" in said and "not a model string" in said and "Press Up" in said
        await pilot.press("up")
        assert app.chat.input.value == "/model nope"


class _SlowProposer:
    """A proposer that works until the step is cancelled (progress raises then)."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.release = threading.Event()

    def run(
        self, system: SystemModel, catalogue: Catalogue, progress: object
    ) -> tuple[list[Finding], list[RejectedProposal]]:
        assert callable(progress)
        self.started.set()
        while not self.release.wait(0.05):
            progress("still thinking")
        return [], []


async def test_escape_cancels_and_typing_stays_live(app_factory: AppFactory) -> None:
    proposer = _SlowProposer()
    app = app_factory(binding=ModelBinding(engine=Engine.LLM, model="slow", proposer=proposer))
    seen: list[Message] = []
    async with app.run_test(size=(100, 30), message_hook=seen.append) as pilot:
        await send(pilot, DESCRIPTION)
        app.chat.input.value = "/analyze"
        await pilot.press("enter")
        while not proposer.started.is_set():
            await pilot.pause()
        assert app.running == "/analyze"
        # The UI thread is free while the worker runs: keys reach the input.
        await pilot.press(*"draft")
        assert app.chat.input.value == "draft"
        await pilot.press("enter")  # refused while busy, without losing the text
        assert app.chat.input.value == "draft"
        app.chat.input.value = ""
        await pilot.press("escape")
        await settle(pilot)
        proposer.release.set()
        (failed,) = [m for m in seen if isinstance(m, StepFailed)]
        assert failed.cancelled
        assert app.chat.input.value == ""
        assert "Cancelled `/analyze`" in str(app.query(NoteMessage).last().render())
        assert app.conversation.state.threat_model is None
        assert app.running is None


async def test_finding_modal_edit_and_needs_info(app_factory: AppFactory) -> None:
    seen: list[Message] = []
    app = app_factory()
    async with app.run_test(size=(120, 40), message_hook=seen.append) as pilot:
        await send(pilot, DESCRIPTION)
        await send(pilot, "/analyze")
        await pilot.press("f3", "enter")
        modal = _screen(app)
        assert isinstance(modal, FindingScreen) and modal.finding_id == "F-001"
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(_screen(app), EditScreen)
        edit = app.screen
        edit.query_one("#edit-title").value = ""  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        assert isinstance(_screen(app), EditScreen)  # not saved: the validator said why
        assert "empty-text" in str(edit.query_one("#edit-issues").render())
        edit.query_one("#edit-title").value = "Inconsistent approvals"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(_screen(app), EditScreen)
        assert app.conversation.state.finding("F-001").title == "Inconsistent approvals"  # type: ignore[union-attr]
        await pilot.press("down")
        await shortcut(pilot, "n")
        assert isinstance(_screen(app), ReasonScreen)
        await pilot.press("enter")  # a note is optional here
        await pilot.pause()
        assert app.conversation.state.finding("F-002").status == FindingStatus.NEEDS_INFO  # type: ignore[union-attr]
    said = [m.said for m in seen if isinstance(m, Reviewed)]
    assert said[0].startswith("Edited F-001; re-validated")  # only the save that passed
    assert said[1:] == ["Marked as needing information F-002."]


async def test_bulk_accept_a_layer(app_factory: AppFactory) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await send(pilot, DESCRIPTION)
        await send(pilot, "/analyze")
        await pilot.press("f3")
        await shortcut(pilot, "A")
        layer = app.conversation.state.findings_at(Layer.L1)
        assert {f.status for f in layer} == {FindingStatus.ACCEPTED}
        assert {f.status for f in app.conversation.state.findings_at(Layer.L2)} == {
            FindingStatus.DRAFT
        }


async def test_filters_narrow_the_table(app_factory: AppFactory) -> None:
    from textual.widgets import Select

    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await send(pilot, DESCRIPTION)
        await send(pilot, "/analyze")
        table = app.query_one(FindingsTable)
        total = table.row_count
        app.query_one("#filter-layer", Select).value = "L2"
        await pilot.pause()
        assert 0 < table.row_count < total
        # Risk is graded now, so the filters are checked against the model rather than against
        # one flat level: each risk shows exactly its L2 findings, and the levels partition them.
        state = app.conversation.state
        assert state.threat_model is not None
        at_l2 = [f for f in state.threat_model.findings if f.layer == Layer.L2]
        shown = 0
        for level in ("low", "medium", "high", "critical"):
            app.query_one("#filter-risk", Select).value = level
            await pilot.pause()
            assert table.row_count == sum(f.risk.value == level for f in at_l2)
            shown += table.row_count
        assert shown == len(at_l2)


async def test_input_history(app_factory: AppFactory) -> None:
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await send(pilot, "/help")
        await send(pilot, "/rejected")
        await pilot.press("up")
        assert app.chat.input.value == "/rejected"
        await pilot.press("up")
        assert app.chat.input.value == "/help"
        await pilot.press("down", "down")
        assert app.chat.input.value == ""


async def test_help_screen_and_palette_commands(app_factory: AppFactory) -> None:
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        assert isinstance(_screen(app), HelpScreen)
        await pilot.press("escape")
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert titles[:5] == [
            "Analyse now",
            "Export threat model",
            "Switch model",
            "New session",
            "Open session",
        ]
        export = next(
            c for c in app.get_system_commands(app.screen) if c.title == "Export threat model"
        )
        export.callback()
        assert app.chat.input.value.startswith("/export md ")


async def test_resume_shows_the_whole_transcript(
    catalogue: Catalogue, app_factory: AppFactory
) -> None:
    conversation = Conversation(catalogue)
    conversation.start_new("s-old")
    for line in (DESCRIPTION, "yes", "/analyze", "/accept F-001"):
        conversation.send(line)
    conversation.close()
    count = len(conversation.state.messages)
    app = app_factory(resume="s-old")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        shown = app.query("#transcript > *")
        assert len(shown) == count + 1  # plus the "resumed" note
        assert app.query_one(FindingsTable).row_count > 0
        assert app.conversation.state.finding("F-001").status == FindingStatus.ACCEPTED  # type: ignore[union-attr]


async def test_new_session_from_the_palette(app_factory: AppFactory) -> None:
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await send(pilot, DESCRIPTION)
        old = app.conversation.state.id
        new = next(c for c in app.get_system_commands(app.screen) if c.title == "New session")
        new.callback()
        await settle(pilot)
        assert app.conversation.state.id != old
        assert len(app.query("#transcript > *")) == 1


async def test_the_settings_start_the_model_and_model_keeps_them(app_factory: AppFactory) -> None:
    # One set of settings, built by the caller, reaches both the first binding and `/model`:
    # the endpoint given once is where the switched model's data goes too.
    settings = LLMSettings(model="ollama/llama3", api_base="http://127.0.0.1:9")
    app = app_factory(settings=settings)
    assert app.conversation.binding.engine == Engine.HYBRID
    assert app.conversation.binding.destination == "this machine (127.0.0.1:9)"
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.sub_title == "hybrid: ollama/llama3 -> this machine (127.0.0.1:9)"
        await send(pilot, "/model ollama/mistral")
        assert app.conversation.binding.model == "ollama/mistral"
        assert app.conversation.binding.destination == "this machine (127.0.0.1:9)"
        assert "ollama/mistral" in app.sub_title


async def test_slash_from_the_table_starts_a_command(app_factory: AppFactory) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await send(pilot, DESCRIPTION)
        await send(pilot, "/analyze")
        before = app.conversation.state.finding("F-001")
        await pilot.press("f3", "slash", *"help")
        assert app.focused is app.chat.input
        assert app.chat.input.value == "/help"  # the `/` was not selected and typed over
        # The keys typed were a command, not review shortcuts: F-001 is as it was.
        assert before is not None
        assert app.conversation.state.finding("F-001") == before
