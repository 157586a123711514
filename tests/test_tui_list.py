"""The customer list at 80x24, driven by keyboard through Textual's Pilot."""

from __future__ import annotations

from helpers import make_customer
from sqlalchemy import Engine
from sqlmodel import Session
from textual.widgets import DataTable, Static

from custtui.models import User
from custtui.tui.app import CusttuiApp
from custtui.tui.screens.customer_list import PAGE_SIZE


def _fill(engine: Engine, count: int, **fields: object) -> User:
    with Session(engine, expire_on_commit=False) as session:
        user = User(login="alice", display_name="Alice", role="admin")
        session.add(user)
        session.commit()
        for index in range(count):
            make_customer(session, user, f"Customer {index:04d}", **fields)
    return user


async def test_list_pages_in_as_the_cursor_moves(sqlite_engine: Engine) -> None:
    user = _fill(sqlite_engine, PAGE_SIZE + 50)
    app = CusttuiApp(engine=sqlite_engine, user=user)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.screen.query_one(DataTable)
        assert table.row_count == PAGE_SIZE
        status = app.screen.query_one("#list-status", Static)
        assert str(status.render()) == f"{PAGE_SIZE} of {PAGE_SIZE + 50} customers"
        await pilot.press("ctrl+end")
        await pilot.pause()
        assert table.row_count == PAGE_SIZE + 50
        await pilot.press("ctrl+end")
        await pilot.pause()
        assert table.row_count == PAGE_SIZE + 50


async def test_markup_in_customer_data_is_shown_literally(sqlite_engine: Engine) -> None:
    user = _fill(sqlite_engine, 1, internal_name="[bold]ACME[/]")
    app = CusttuiApp(engine=sqlite_engine, user=user)
    async with app.run_test(size=(80, 24)):
        table = app.screen.query_one(DataTable)
        assert table.get_row_at(0)[1].plain == "[bold]ACME[/]"


async def test_empty_database_says_how_to_get_demo_data(sqlite_engine: Engine) -> None:
    user = _fill(sqlite_engine, 0)
    app = CusttuiApp(engine=sqlite_engine, user=user)
    async with app.run_test(size=(80, 24)) as pilot:
        assert "custtui demo" in str(app.screen.query_one("#list-status", Static).render())
        await pilot.press("q")
        assert app.return_code == 0
