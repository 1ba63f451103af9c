"""The System tab driven with Pilot: every fact with its evidence, and corrections on keys."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input

from assistant.tui.app import MaestroApp
from assistant.tui.screens.facts import ConfirmScreen, FactScreen, NameScreen
from assistant.tui.widgets.chat import UserMessage
from assistant.tui.widgets.system import SystemTable
from tests.session.fakes import DESCRIPTION
from tests.tui.conftest import IGNORE_LEAKED_CLIENTS, AppFactory, send, settle

pytestmark = IGNORE_LEAKED_CLIENTS


def _screen(app: MaestroApp) -> object:
    # A function, not the attribute: mypy would narrow `app.screen` across key presses.
    return app.screen


def _row(app: MaestroApp, key: str) -> str:
    return " | ".join(str(cell) for cell in app.query_one(SystemTable).get_row(key))


async def _on(pilot: Pilot[None], key: str) -> SystemTable:
    """Focus the System tab with the cursor on the row `key`."""
    await pilot.press("f2")
    table = pilot.app.query_one(SystemTable)
    assert pilot.app.focused is table
    table.move_cursor(row=table.get_row_index(key), animate=False)
    await pilot.pause()
    return table


def _last_user_line(app: MaestroApp) -> str:
    return str(app.query(UserMessage).last().render())


async def test_every_fact_is_shown_with_its_evidence(app_factory: AppFactory) -> None:
    app = app_factory()
    async with app.run_test(size=(160, 48)) as pilot:
        await send(pilot, DESCRIPTION)
        await send(pilot, "/set memory off")
        await send(pilot, "/flow email -> expense-agent receipts")
        await send(pilot, "/control human-approval on mcp-server by team lead : payments")
        assert _row(app, "capability:memory") == (
            "  ✗ memory | corrected: /set memory off | memory"
        )
        assert _row(app, "capability:planning") == "  ? planning |  | planning"
        assert _row(app, "component:mcp-server@L7").startswith("  MCP server  mcp-server | ")
        assert "email -> expense-agent" in _row(app, "flow:email-to-expense-agent")
        assert _row(app, "control:human-approval-mcp-server").startswith(
            "  ✓ human-approval  on mcp-server"
        )
        assert _row(app, "section:entry-point") == "Entry points | 2 | "
        # A quote is a window of the description: it is cut around the fact's name.
        assert _row(app, "component:pinecone@L2").startswith(
            "  Pinecone  vector-store | “…in a Pinecone vector store…”"
        )
        await send(pilot, "/delete pinecone")  # a typed correction redraws the table too
        keys = [str(k.value) for k in app.query_one(SystemTable).rows]
        assert "component:expense-agent@L3" in keys
        assert not [k for k in keys if k.startswith("component:pinecone@")]


async def test_space_cycles_a_capability_on_off_unknown(app_factory: AppFactory) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await send(pilot, DESCRIPTION)
        table = await _on(pilot, "capability:memory")
        states = []
        for _ in range(3):
            await pilot.press("space")
            await settle(pilot)
            states.append(app.conversation.state.system.capabilities.get("memory"))
            assert table.current_key() == "capability:memory"  # the cursor stays on it
            assert app.focused is table
        assert states == [False, None, True]
        assert _last_user_line(app) == "/set memory on"  # recorded as if typed
        assert "✓ memory" in _row(app, "capability:memory")


async def test_d_deletes_a_component_after_confirming(app_factory: AppFactory) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await send(pilot, DESCRIPTION)
        await send(pilot, "/flow email -> expense-agent receipts")
        table = await _on(pilot, "component:email@L3")
        await pilot.press("d")
        screen = _screen(app)
        assert isinstance(screen, ConfirmScreen)
        await pilot.press("enter")  # Cancel has the focus: Enter never deletes
        await settle(pilot)
        assert "email" in app.conversation.state.system.component_ids()
        await pilot.press("d")
        assert isinstance(_screen(app), ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        system = app.conversation.state.system
        assert "email" not in system.component_ids()
        assert not [f for f in system.data_flows if "email" in (f.source, f.target)]
        assert _last_user_line(app) == "/delete email"
        assert app.focused is table
        assert table.current_key() is not None


async def test_the_delete_confirmation_says_what_else_goes(app_factory: AppFactory) -> None:
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await send(pilot, DESCRIPTION)
        await send(pilot, "/flow email -> expense-agent receipts")
        await _on(pilot, "component:email@L3")
        await pilot.press("d")
        screen = _screen(app)
        assert isinstance(screen, ConfirmScreen)
        flows = [
            f.id
            for f in app.conversation.state.system.data_flows
            if "email" in (f.source, f.target)
        ]
        assert len(flows) >= 2  # the extractor's and the one added above
        assert f"with flows {', '.join(flows)}, which referred only to it" in screen._detail
        before = app.conversation.state.system
        await pilot.press("n")
        await settle(pilot)
        assert app.conversation.state.system == before


async def test_r_renames_with_the_old_name_to_edit(app_factory: AppFactory) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await send(pilot, DESCRIPTION)
        await _on(pilot, "component:expense-agent@L3")
        await pilot.press("r")
        screen = _screen(app)
        assert isinstance(screen, NameScreen)
        assert screen.query_one(Input).value == "expense agent"
        await pilot.press(*"Expense assistant", "enter")  # the old name is selected: replaced
        await settle(pilot)
        agent = app.conversation.state.system.component("expense-agent")
        assert agent is not None and agent.name == "Expense assistant"
        assert "Expense assistant" in _row(app, "component:expense-agent@L3")


async def test_escape_leaves_the_name_alone(app_factory: AppFactory) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await send(pilot, DESCRIPTION)
        before = app.conversation.state.system
        await _on(pilot, "component:expense-agent@L3")
        await pilot.press("r", "x", "escape")
        await settle(pilot)
        assert app.conversation.state.system == before
        assert len(app.conversation.state.messages) == 3  # greeting, description, reply


async def test_keys_on_rows_they_do_not_fit_say_why(app_factory: AppFactory) -> None:
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await send(pilot, DESCRIPTION)
        before = app.conversation.state.system
        await _on(pilot, "component:email@L3")
        await pilot.press("space")
        await _on(pilot, "capability:memory")
        await pilot.press("d", "r", "m")
        await _on(pilot, "layer:L1")
        await pilot.press("d")
        await settle(pilot)
        said = [n.message for n in app._notifications]
        assert any("this row is not one" in m for m in said)
        assert any("Space makes it unknown" in m for m in said)
        assert any("A capability has no name" in m for m in said)
        assert any("Only components are merged" in m for m in said)
        assert any("this row is a heading" in m for m in said)
        assert app.conversation.state.system == before
        assert not isinstance(_screen(app), ConfirmScreen | NameScreen)


async def test_enter_shows_every_piece_of_evidence(app_factory: AppFactory) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await send(pilot, DESCRIPTION)
        await send(pilot, "/set memory off")
        await send(pilot, "/set memory no")
        await _on(pilot, "capability:memory")
        await pilot.press("enter")
        screen = _screen(app)
        assert isinstance(screen, FactScreen)
        assert (
            "- corrected in the chat: /set memory off\n- corrected in the chat: /set memory no"
            in (screen._markdown)
        )
        assert "keeps state between turns" in screen._markdown
        await pilot.press("space")  # corrects from the detail view too
        await settle(pilot)
        assert "memory" not in app.conversation.state.system.capabilities


async def test_m_and_f_fill_in_the_command(app_factory: AppFactory) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await send(pilot, DESCRIPTION)
        await _on(pilot, "component:langchain@L3")
        await pilot.press("m")
        assert app.focused is app.chat.input
        assert app.chat.input.value == "/merge langchain into "
        await pilot.press(*"expense-agent", "enter")
        await settle(pilot)
        assert "langchain" not in app.conversation.state.system.component_ids()
        await _on(pilot, "component:email@L3")
        await pilot.press("f")
        assert app.chat.input.value == "/flow email -> "


async def test_corrections_are_shown_after_resume(app_factory: AppFactory) -> None:
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await send(pilot, DESCRIPTION)
        await send(pilot, "/set memory off")
        await send(pilot, "/delete pinecone")
    resumed = app_factory(resume="s-tui")
    async with resumed.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = resumed.query_one(SystemTable)
        assert "✗ memory" in _row(resumed, "capability:memory")
        assert not [k for k in table.rows if str(k.value).startswith("component:pinecone@")]
        assert [k for k in table.rows if str(k.value).startswith("component:email@")]
