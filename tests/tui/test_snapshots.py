"""SVG snapshots of the main screens at 80x24 and 160x48 (`pytest --snapshot-update` to accept)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from textual.pilot import Pilot

from assistant.tui.widgets.system import SystemTable
from tests.session.fakes import DESCRIPTION, FakeRetriever
from tests.tui.conftest import IGNORE_LEAKED_CLIENTS, AppFactory, send, settle, still

pytestmark = IGNORE_LEAKED_CLIENTS

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 48), id="160x48")]
SnapCompare = Callable[..., bool]


def _steps(*lines: str, keys: tuple[str, ...] = ()) -> Callable[[Pilot[None]], Awaitable[None]]:
    async def run(pilot: Pilot[None]) -> None:
        for line in lines:
            await send(pilot, line)
        await pilot.press(*keys)
        await settle(pilot)
        still(pilot.app)  # type: ignore[arg-type]

    return run


@pytest.mark.parametrize("size", SIZES)
def test_welcome(snap_compare: SnapCompare, app_factory: AppFactory, size: tuple[int, int]) -> None:
    assert snap_compare(app_factory(), run_before=_steps(), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_interview(
    snap_compare: SnapCompare, app_factory: AppFactory, size: tuple[int, int]
) -> None:
    app = app_factory(retriever=FakeRetriever())
    assert snap_compare(app, run_before=_steps(DESCRIPTION, "yes"), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_findings(
    snap_compare: SnapCompare, app_factory: AppFactory, size: tuple[int, int]
) -> None:
    steps = _steps(DESCRIPTION, "/analyze", "/accept F-001", "/reject F-002 not used", keys=("f3",))
    assert snap_compare(app_factory(), run_before=steps, terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_system(snap_compare: SnapCompare, app_factory: AppFactory, size: tuple[int, int]) -> None:
    steps = _steps(
        DESCRIPTION,
        "/set memory off",
        "/flow email -> expense-agent receipts",
        keys=("f2", "pagedown", "pagedown"),
    )
    assert snap_compare(app_factory(), run_before=steps, terminal_size=size)


def test_delete_confirmation(snap_compare: SnapCompare, app_factory: AppFactory) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        await send(pilot, DESCRIPTION)
        await send(pilot, "/flow email -> expense-agent receipts")
        await pilot.press("f2")
        table = pilot.app.query_one(SystemTable)
        table.move_cursor(row=table.get_row_index("component:email@L3"), animate=False)
        await pilot.press("d")
        await settle(pilot)
        still(pilot.app)  # type: ignore[arg-type]

    assert snap_compare(app_factory(), run_before=steps, terminal_size=(80, 24))


def test_finding_detail(snap_compare: SnapCompare, app_factory: AppFactory) -> None:
    steps = _steps(DESCRIPTION, "/analyze", keys=("f3", "down", "down", "enter"))
    assert snap_compare(app_factory(), run_before=steps, terminal_size=(160, 48))


def test_coverage(snap_compare: SnapCompare, app_factory: AppFactory) -> None:
    steps = _steps(DESCRIPTION, "/analyze", keys=("f5",))
    assert snap_compare(app_factory(), run_before=steps, terminal_size=(160, 48))


def test_help(snap_compare: SnapCompare, app_factory: AppFactory) -> None:
    assert snap_compare(app_factory(), run_before=_steps(keys=("f1",)), terminal_size=(80, 24))
