"""A database 300 ms away: the screens keep answering keys while they read and write.

Every statement sleeps 300 ms, as on a PostgreSQL server across a slow
network. The flows of the manual are then typed in bursts, and every key
still lands where it would have typed slowly. No statement runs on the UI
thread (each is recorded with the thread it ran on), so no key ever waits
behind the database. How long each key takes to handle (the goal: under
50 ms) is measured by benchmarks/responsiveness.py: a timed assertion here
would measure the machine's load.

What is read for a screen is shown on that screen only: a screen left
before its data arrived drops the answer.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from sqlalchemy import Engine, event
from sqlmodel import Session, select
from textual.widgets import Input
from tui_support import Known, burst, fill, running_app, send_burst, wait_idle

from custtui.models import Customer, Label
from custtui.services import labels
from custtui.tui.app import CusttuiApp
from custtui.tui.screens.customer_detail import CustomerDetailScreen
from custtui.tui.screens.customer_list import CustomerListScreen
from custtui.tui.screens.history import AuditLogScreen, CustomerHistoryScreen
from custtui.tui.screens.installations import InstallationsScreen, MoveInstallationScreen
from custtui.tui.screens.labels import LabelManagerScreen, LabelPickerScreen
from custtui.tui.screens.locations import LocationsScreen
from custtui.tui.screens.merge_wizard import MergePickerScreen, MergesScreen
from custtui.tui.screens.missions import MissionsScreen
from custtui.tui.widgets.customer_table import CustomerTable
from custtui.tui.widgets.filter_dialogs import FilterScreen

QUERY_DELAY_S = 0.3


@dataclass
class SlowDatabase:
    ui_thread: int
    delay: float = 0.0
    statements: int = 0
    on_ui_thread: list[str] = field(default_factory=list)
    # Cleared, no statement (off the UI thread) gets through: no read or write can answer until it is set again.
    open: threading.Event = field(default_factory=threading.Event)
    held: int = 0  # statements that waited for `open`


@pytest.fixture
def slow(sqlite_engine: Engine) -> Iterator[SlowDatabase]:
    slow = SlowDatabase(ui_thread=threading.get_ident())  # the test's event loop is the app's
    slow.open.set()

    def before(_conn, _cursor, statement, _parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        if not slow.delay:
            return
        slow.statements += 1
        if threading.get_ident() == slow.ui_thread:
            slow.on_ui_thread.append(statement.split("\n", 1)[0][:120])
        elif not slow.open.is_set():
            slow.held += 1
            slow.open.wait(timeout=60)
        time.sleep(slow.delay)

    event.listen(sqlite_engine, "before_cursor_execute", before)
    yield slow
    event.remove(sqlite_engine, "before_cursor_execute", before)


def _slow_data(sqlite_engine: Engine, slow: SlowDatabase) -> Known:
    """The known customers and a label; from then on every statement is slow."""
    known = fill(sqlite_engine)
    with Session(sqlite_engine) as session:
        labels.create_label(session, known.admin, "Aardvark on site", "red", "attention")
        session.commit()
    slow.delay = QUERY_DELAY_S
    return known


def _on(app: CusttuiApp, known_id: int) -> None:
    table = app.screen.query_one(CustomerTable)
    table.cursor = table.ids.index(known_id)


async def test_every_screen_reads_and_writes_off_the_ui_thread(sqlite_engine: Engine, slow: SlowDatabase) -> None:
    known = _slow_data(sqlite_engine, slow)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        assert isinstance(app.screen, CustomerListScreen)
        assert app.screen.query_one(CustomerTable).row_count == 5
        _on(app, known.busy_id)

        # Each screen of a customer, opened and left in one burst.
        for keys, screen in [
            (("enter",), CustomerDetailScreen),
            (("i",), InstallationsScreen),
            (("o",), LocationsScreen),
            (("j",), MissionsScreen),
            (("h",), CustomerHistoryScreen),
            (("t",), LabelPickerScreen),
            (("g",), MergePickerScreen),
            (("f",), FilterScreen),
        ]:
            await burst(pilot, app, *keys)
            assert isinstance(app.screen, screen), (keys, app.screen)
            await burst(pilot, app, "escape")
            assert isinstance(app.screen, CustomerListScreen), (keys, app.screen)

        # The database-wide screens.
        for key, screen in [("M", MergesScreen), ("A", AuditLogScreen), ("L", LabelManagerScreen)]:
            await burst(pilot, app, key)
            assert isinstance(app.screen, screen), (key, app.screen)
            await burst(pilot, app, "escape")

        # A write: the name edited and saved, then escape typed on at once.
        await burst(pilot, app, "e", " nv", "ctrl+s", "escape")
        assert isinstance(app.screen, CustomerListScreen), app.screen

        # A tick, and the move dialog: search box first, down into the customers.
        _on(app, known.other_id)
        await burst(pilot, app, "t", "space", "escape")
        _on(app, known.busy_id)
        await burst(pilot, app, "i", "v", "down")
        assert isinstance(app.screen, MoveInstallationScreen)
        assert app.screen.query_one("#move-customers").has_focus
        await burst(pilot, app, "escape", "escape")
        assert app._exception is None

    assert slow.statements > 30, slow.statements  # the flows did read through the slow connection
    assert slow.on_ui_thread == []
    slow.delay = 0
    with Session(sqlite_engine) as session:
        assert session.get(Customer, known.busy_id).name == "Van den Broeck Jan nv"  # type: ignore[union-attr]
        assert [item.name for item in labels.labels_of(session, known.other_id)] == ["Aardvark on site"]


async def test_a_screen_left_before_its_data_came_drops_it(sqlite_engine: Engine, slow: SlowDatabase) -> None:
    known = _slow_data(sqlite_engine, slow)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        _on(app, known.busy_id)
        list_screen = app.screen
        # Enter, then escape before the detail has read anything; then enter on another customer.
        send_burst(app, "enter", "escape")
        await app.key_queue.wait_until_delivered()
        assert app.screen is list_screen
        _on(app, known.other_id)
        await burst(pilot, app, "enter")
        assert isinstance(app.screen, CustomerDetailScreen)
        assert app.screen.customer_id == known.other_id
        title = str(app.screen.query_one("#detail-title").render())
        assert "Garage Janssens" in title and "Broeck" not in title
        await burst(pilot, app, "escape")
        # The list that stayed underneath shows its own rows, untouched.
        assert app.screen is list_screen and app.screen.query_one(CustomerTable).row_count == 5
        assert app._exception is None


async def test_keys_typed_into_a_search_are_not_held_for_its_answers(sqlite_engine: Engine, slow: SlowDatabase) -> None:
    known = _slow_data(sqlite_engine, slow)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        _on(app, known.busy_id)
        await burst(pilot, app, "g")
        assert isinstance(app.screen, MergePickerScreen)
        # 15 keys, each a search that reads the database: typing waits for none of them. So the
        # database answers nothing until every key has been delivered; were a key held for a search's
        # answer, it would never be.
        slow.open.clear()
        try:
            send_burst(app, "garage janssens")
            await asyncio.wait_for(app.key_queue.wait_until_delivered(), timeout=30)
            assert app.screen.query_one(Input).value == "garage janssens"
            assert slow.held > 0  # the searches did ask the database, and had no answer yet
        finally:
            slow.open.set()
        await wait_idle(pilot, app)
        await burst(pilot, app, "escape")
    assert slow.on_ui_thread == []


async def test_the_label_manager_deletes_with_a_slow_database(sqlite_engine: Engine, slow: SlowDatabase) -> None:
    known = _slow_data(sqlite_engine, slow)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        await burst(pilot, app, "L", "delete", "tab", "enter")  # a dangerous dialog starts on its No
        await wait_idle(pilot, app)
        assert isinstance(app.screen, LabelManagerScreen)
    slow.delay = 0
    assert slow.on_ui_thread == []
    with Session(sqlite_engine) as session:
        assert session.exec(select(Label)).all() == []
