"""The history of one customer (h) and the admins' audit log (A), by keyboard.

The services behind them are tested in tests/services/test_history.py.
"""

from __future__ import annotations

from datetime import date

import pytest
from helpers import edit_customer
from sqlalchemy import Engine
from sqlmodel import Session
from textual.widgets import DataTable, Input, Static
from tui_support import fill, running_app, wait_idle

from custtui.i18n import parse_day
from custtui.models import User
from custtui.tui.screens.customer_list import CustomerListScreen
from custtui.tui.screens.history import AuditLogScreen, CustomerHistoryScreen
from custtui.tui.widgets.customer_table import CustomerTable


async def test_h_opens_the_history_and_a_markup_name_stays_text(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    with Session(sqlite_engine) as session:
        edit_customer(session, known.admin, known.markup_id, internal_name="[red]call first")
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        table = app.screen.query_one(CustomerTable)
        table.cursor = table.ids.index(known.markup_id)
        await pilot.press("h")
        await wait_idle(pilot, app)
        assert isinstance(app.screen, CustomerHistoryScreen)
        shown = str(app.screen.query_one("#history-text", Static).render())
        assert "alice" in shown and "Internal name:" in shown
        assert "“[red]call first”" in shown  # literally, not red
        title = str(app.screen.query_one("#sub-title", Static).render())
        assert "[bold]ACME[/]" in title
        await pilot.press("escape")
        assert isinstance(app.screen, CustomerListScreen)


async def test_admins_filter_the_audit_log_by_user(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    with Session(sqlite_engine, expire_on_commit=False) as session:
        bob = User(login="bob", display_name="Bob", role="office")
        session.add(bob)
        session.commit()
        edit_customer(session, bob, known.alias_id, phone="+32 4 223 45 67")
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        await pilot.press("A")
        await wait_idle(pilot, app)
        screen = app.screen
        assert isinstance(screen, AuditLogScreen)
        table = screen.query_one("#audit-table", DataTable)
        assert table.row_count > 5
        screen.query_one("#audit-user").value = "bob"
        await wait_idle(pilot, app)
        assert table.row_count == 1
        details = str(screen.query_one("#audit-details", Static).render())
        assert "Phone:" in details and "04 223 45 67" in details  # stored E.164, shown as Belgians dial it
        await pilot.press("enter")
        await wait_idle(pilot, app)
        assert isinstance(app.screen, CustomerHistoryScreen) and app.screen.customer_id == known.alias_id
        await pilot.press("escape")
        # A bad date says so and keeps what was typed.
        screen.query_one("#audit-from", Input).focus()
        await pilot.press(*"31/02/2026", "enter")
        await wait_idle(pilot, app)
        assert screen.query_one("#audit-error").has_class("shown")
        assert screen.query_one("#audit-from", Input).value == "31/02/2026"


async def test_the_audit_log_is_not_offered_to_office_staff(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine, role="office")
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        await pilot.press("A")
        await wait_idle(pilot, app)
        assert isinstance(app.screen, CustomerListScreen)


def test_dates_are_typed_as_iso_or_as_the_user_writes_them() -> None:
    assert parse_day("2026-11-27") == date(2026, 11, 27)
    assert parse_day("27/11/2026") == date(2026, 11, 27)
    assert parse_day("  ") is None
    with pytest.raises(ValueError):
        parse_day("gisteren")


def test_stored_values_read_as_the_user_reads_them() -> None:
    from datetime import date

    from custtui.i18n import format_date, set_language
    from custtui.tui.text import stored_value

    set_language("nl")
    try:
        assert stored_value("installation", "kind", "heat_pump") == "warmtepomp"
        assert stored_value("mission", "kind", "maintenance") == "onderhoud"
        assert stored_value("mission", "status", "in_progress") == "bezig"
        assert stored_value("customer", "language", "fr") == "Frans"
        assert stored_value("mission", "planned_on", "2025-01-20") == format_date(date(2025, 1, 20))
        assert "2025-01-20" not in stored_value("mission", "planned_on", "2025-01-20")
        # What no name is known for stays as it was stored.
        assert stored_value("installation", "kind", "fusion_reactor") == "fusion_reactor"
        assert stored_value("customer", "name", "heat_pump") == "heat_pump"
        assert stored_value("mission", "planned_on", "not a date") == "not a date"
    finally:
        set_language("en")
