"""Other users' changes reach every open screen within 2 s, without taking the cursor or the user's edits."""

from __future__ import annotations

import threading
import time

from helpers import edit_customer, make_customer, make_installation, make_location, make_mission
from sqlalchemy import Engine
from sqlmodel import Session
from textual.widgets import Input
from tui_support import SIZE, fill, wait_idle

from custtui.models import Role, User
from custtui.services import changes
from custtui.tui.app import CusttuiApp
from custtui.tui.screens.customer_detail import CustomerDetailScreen
from custtui.tui.screens.customer_form import ConflictScreen, CustomerFormScreen
from custtui.tui.widgets.customer_table import CustomerTable
from custtui.watch import watcher_for

DEADLINE_S = 2.0


def _other_user(engine: Engine) -> User:
    with Session(engine, expire_on_commit=False) as session:
        bob = User(login="bob", display_name="Bob", role=Role.OFFICE.value)
        session.add(bob)
        session.commit()
        return bob


def _rename(engine: Engine, user: User, customer_id: int, name: str) -> None:
    with Session(engine) as session:
        edit_customer(session, user, customer_id, name=name)


async def _until(pilot, condition, seconds: float = DEADLINE_S + 1.0) -> float:  # type: ignore[no-untyped-def]
    """Wait until condition() holds; returns how long it took."""
    started = time.perf_counter()
    while not condition():
        if time.perf_counter() - started > seconds:
            raise AssertionError("not seen in time")
        await pilot.pause(0.05)
    return time.perf_counter() - started


def test_the_watcher_sees_another_connection_commit(engine: Engine, admin: User) -> None:
    seen = threading.Event()
    watcher = watcher_for(engine, seen.set)
    assert watcher is not None
    watcher.start()
    try:
        time.sleep(0.3)  # listening
        seen.clear()
        with Session(engine) as session:
            make_customer(session, admin, "Bakkerij Peeters")
        started = time.perf_counter()
        assert seen.wait(DEADLINE_S), "no change noticed"
        assert time.perf_counter() - started < DEADLINE_S
    finally:
        watcher.stop()


def test_the_change_feed_names_the_customers_touched(engine: Engine, admin: User) -> None:
    with Session(engine, expire_on_commit=False) as session:
        since = changes.latest_event_id(session)
        first = make_customer(session, admin, "Bakkerij Peeters")
        second = make_customer(session, admin, "Garage Janssens")
        untouched_since = changes.latest_event_id(session)
        site = make_location(session, admin, second)
        make_installation(session, admin, site)
        batch = changes.changes_since(session, since)
        assert batch.customer_ids == {first.id, second.id} and batch.logins == {"alice"}
        later = changes.changes_since(session, untouched_since)
        assert later.customer_ids == {second.id}  # location and installation count for their customer
        third = make_customer(session, admin, "Derde")
        mark = changes.latest_event_id(session)
        make_mission(session, admin, third, make_location(session, admin, third))
        assert changes.changes_since(session, mark).customer_ids == {third.id}
        assert changes.changes_since(session, changes.latest_event_id(session)).empty


def _watching_app(engine: Engine, user: User) -> CusttuiApp:
    return CusttuiApp(engine=engine, user=user, watch_changes=True)


async def _on_customer(pilot, app: CusttuiApp, customer_id: int) -> CustomerTable:  # type: ignore[no-untyped-def]
    await wait_idle(pilot, app)
    table = app.screen.query_one(CustomerTable)
    table.cursor = table.ids.index(customer_id)
    await pilot.pause(0.3)
    return table


async def test_the_list_shows_another_users_edit_and_keeps_the_cursor(engine: Engine) -> None:
    known = fill(engine)
    bob = _other_user(engine)
    app = _watching_app(engine, known.admin)
    async with app.run_test(size=SIZE) as pilot:
        table = await _on_customer(pilot, app, known.alias_id)
        _rename(engine, bob, known.alias_id, "Dubois et Fils")
        took = await _until(pilot, lambda: "Dubois et Fils" in _visible_text(app))
        assert took < DEADLINE_S
        assert table.customer_id == known.alias_id  # the cursor did not move to another record
        # A customer created elsewhere appears too, the cursor still on its record.
        with Session(engine) as session:
            make_customer(session, bob, "Aaa Nieuwe Klant")
        await _until(pilot, lambda: "Aaa Nieuwe Klant" in _visible_text(app))
        assert table.customer_id == known.alias_id


async def test_the_detail_screen_follows_another_users_edit(engine: Engine) -> None:
    known = fill(engine)
    bob = _other_user(engine)
    app = _watching_app(engine, known.admin)
    async with app.run_test(size=SIZE) as pilot:
        await _on_customer(pilot, app, known.busy_id)
        await pilot.press("enter")
        await wait_idle(pilot, app)
        assert isinstance(app.screen, CustomerDetailScreen)
        _rename(engine, bob, known.busy_id, "Van den Broeck Jan en Zonen")
        took = await _until(pilot, lambda: "Zonen" in _visible_text(app))
        assert took < DEADLINE_S


async def test_an_open_form_keeps_the_edits_and_says_who_changed_the_record(engine: Engine) -> None:
    known = fill(engine)
    bob = _other_user(engine)
    app = _watching_app(engine, known.admin)
    async with app.run_test(size=SIZE) as pilot:
        await _on_customer(pilot, app, known.alias_id)
        await pilot.press("e")
        await wait_idle(pilot, app)
        form = app.screen
        assert isinstance(form, CustomerFormScreen)
        form.query_one("#phone", Input).focus()
        await pilot.press(*"+32 4 222 33 44")
        _rename(engine, bob, known.alias_id, "Dubois et Fils")
        banner = form.query_one("#changed-banner")
        await _until(pilot, lambda: banner.has_class("-shown"))
        assert "bob changed this customer" in str(banner.render())
        # Nothing under the cursor was replaced: the name is still the one the form opened with.
        assert form.query_one("#name", Input).value == "Dubois & Fils sa"
        assert form.query_one("#phone", Input).value == "+32 4 222 33 44"
        assert app.screen is form
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConflictScreen)  # and saving shows both versions


def _visible_text(app: CusttuiApp) -> str:
    """The screen as the user sees it (the text of a screenshot)."""
    import html

    return html.unescape(app.export_screenshot()).replace("\xa0", " ")
