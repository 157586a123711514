"""Customers told apart at 80x24: the city in the list, columns of one's own, names beside their place."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session
from textual.widgets import SelectionList
from tui_support import fill, running_app, wait_idle

from custtui.models import User
from custtui.services import customers
from custtui.tui.screens.customer_list import ColumnsScreen, CustomerListScreen
from custtui.tui.widgets.customer_table import CustomerTable


def shown(app) -> str:  # type: ignore[no-untyped-def]
    """The text on screen, as the terminal gets it."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def test_rows_carry_the_main_place_and_the_last_mission(session: Session, admin: User) -> None:
    from datetime import date

    from helpers import make_customer, make_location, make_mission

    customer = make_customer(session, admin, "An Maes", phone="+32 3 211 22 33")
    first = make_location(session, admin, customer, postal_code="9100", city="Sint-Niklaas")
    make_location(session, admin, customer, postal_code="2000", city="Antwerpen")
    make_mission(session, admin, customer, first, planned_on=date(2026, 5, 1))
    make_mission(session, admin, customer, first, planned_on=date(2026, 9, 1))
    row = customers.customer_rows(session, [customer.id])[customer.id]
    assert (row.postal_code, row.city) == ("9100", "Sint-Niklaas")  # the main location: the first one
    assert row.last_mission == date(2026, 9, 1)
    assert row.phone == "+3232112233"  # as stored: E.164


async def test_the_list_shows_the_city_and_where_there_is_room_the_postal_code(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        table = app.screen.query_one(CustomerTable)
        keys = [column.key for column in table.columns]
        assert "city" in keys and "postal_code" not in keys  # 80 columns: no room for it
        assert "Gent" in shown(app)
    async with running_app(sqlite_engine, known.admin, size=(120, 30)) as (app, pilot):
        keys = [column.key for column in app.screen.query_one(CustomerTable).columns]
        assert "postal_code" in keys and "9000" in shown(app)


async def test_columns_are_chosen_by_keyboard_and_kept_on_the_user(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        await pilot.press("c")
        await wait_idle(pilot, app)
        assert isinstance(app.screen, ColumnsScreen)
        choices = app.screen.query_one(SelectionList)
        assert choices.highlighted == 0  # on the first column: space acts at once
        await pilot.press("space")  # hide the internal name
        for _ in range(9):  # down to "phone"
            await pilot.press("down")
        await pilot.press("space", "escape")
        await wait_idle(pilot, app)
        assert isinstance(app.screen, CustomerListScreen)
        keys = [column.key for column in app.screen.query_one(CustomerTable).columns]
        assert "internal_name" not in keys and "phone" in keys
        assert "09 222 33 44" in shown(app)  # a Belgian customer's Belgian number: national
    with Session(sqlite_engine) as session:
        saved = session.get(User, known.admin.id)
        assert saved is not None and "phone" in customers.list_columns_of(saved)
    # The next start shows the same columns.
    known.admin.list_columns = saved.list_columns  # as the next start reads it
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        assert "phone" in app.screen.query_one(CustomerTable).column_keys


def test_unknown_columns_are_refused(session: Session, admin: User) -> None:
    from custtui.errors import ValidationError

    with pytest.raises(ValidationError):
        customers.set_list_columns(session, admin, ["name", "password"])


async def test_merge_picker_shows_number_and_place_beside_the_name(sqlite_engine: Engine) -> None:
    from helpers import make_customer, make_location

    known = fill(sqlite_engine)
    with Session(sqlite_engine, expire_on_commit=False) as session:
        # Two namesakes: only the place and the number tell them apart.
        for number, postal_code, city in (("C-1", "9000", "Gent"), ("C-2", "2000", "Antwerpen")):
            twin = make_customer(session, known.admin, "An Maes", customer_number=number)
            make_location(session, known.admin, twin, postal_code=postal_code, city=city)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        table = app.screen.query_one(CustomerTable)
        table.cursor = table.ids.index(known.busy_id)
        await pilot.press("g")
        await wait_idle(pilot, app)
        for key in "an maes":
            await pilot.press(key if key != " " else "space")
        await wait_idle(pilot, app)
        prompts = [str(option.prompt) for option in app.screen.query_one(SelectionList)._options]
        assert any("An Maes  C-1 · 9000 Gent" in prompt for prompt in prompts), prompts
        assert any("An Maes  C-2 · 2000 Antwerpen" in prompt for prompt in prompts), prompts


async def test_the_sorted_column_shows_its_arrow(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("s")  # In&stallations
        await wait_idle(pilot, app)
        table = app.screen.query_one(CustomerTable)
        assert table.sort_key == "installations"
        header = table.render_line(0).text
        assert "▼" in header or "▲" in header, header
