"""Other users' changes reach every open screen, without taking the cursor or the user's edits."""

from __future__ import annotations

import time
from collections.abc import Callable

from helpers import edit_customer, make_customer
from sqlalchemy import Engine
from sqlmodel import Session
from textual.pilot import Pilot
from textual.widgets import Input
from tui_support import fill, running_app, wait_idle

from custtui.models import Role, User
from custtui.tui.app import CusttuiApp
from custtui.tui.screens.customer_detail import CustomerDetailScreen
from custtui.tui.screens.customer_form import ConflictScreen, CustomerFormScreen
from custtui.tui.widgets.customer_table import CustomerTable

# The screens wait for the change with a deadline that a loaded machine keeps; how soon it
# comes (the README's 2 s) is measured by benchmarks/shared_use.py, not asserted here.
WAIT_S = 10.0


def _other_user(engine: Engine) -> User:
    with Session(engine, expire_on_commit=False) as session:
        bob = User(login="bob", display_name="Bob", role=Role.OFFICE.value)
        session.add(bob)
        session.commit()
        return bob


def _rename(engine: Engine, user: User, customer_id: int, name: str) -> None:
    with Session(engine) as session:
        edit_customer(session, user, customer_id, name=name)


async def _until(pilot: Pilot[None], condition: Callable[[], bool], seconds: float = WAIT_S) -> bool:
    """Wait until condition() holds, for at most `seconds`; whether it does."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        await pilot.pause(0.05)
    return True


def _noting_changes(noticed: list[int | None]) -> Callable[[CusttuiApp], None]:
    """A setup for running_app: the customers of every change the app reads from the feed go into `noticed`."""

    def setup(app: CusttuiApp) -> None:
        original = app.customers_changed

        def customers_changed(customer_ids: list[int] | None) -> None:
            noticed.extend(customer_ids if customer_ids is not None else [None])
            original(customer_ids)

        app.customers_changed = customers_changed  # type: ignore[method-assign]

    return setup


async def _until_watching(
    pilot: Pilot[None], app: CusttuiApp, engine: Engine, bob: User, probe_id: int, noticed: list[int | None]
) -> None:
    """Bob edits the internal name of `probe_id` (shown on no screen here) until the app notices: it watches from then on."""
    for attempt in range(10):
        with Session(engine) as session:
            edit_customer(session, bob, probe_id, internal_name=f"probe {attempt}")
        if await _until(pilot, lambda: probe_id in noticed or None in noticed, seconds=WAIT_S / 10):
            await wait_idle(pilot, app)  # the screens have read the probe's change: nothing of it is left to come
            return
    raise AssertionError("the app never noticed another user's commit")


async def _on_customer(pilot: Pilot[None], app: CusttuiApp, customer_id: int) -> CustomerTable:
    table = app.screen.query_one(CustomerTable)
    table.cursor = table.ids.index(customer_id)
    await wait_idle(pilot, app)
    assert table.customer_id == customer_id
    return table


async def test_the_list_shows_another_users_edit_and_keeps_the_cursor(engine: Engine) -> None:
    known = fill(engine)
    bob = _other_user(engine)
    noticed: list[int | None] = []
    async with running_app(engine, known.admin, watch_changes=True, setup=_noting_changes(noticed)) as (app, pilot):
        await _until_watching(pilot, app, engine, bob, known.other_id, noticed)
        table = await _on_customer(pilot, app, known.alias_id)
        _rename(engine, bob, known.alias_id, "Dubois et Fils")
        assert await _until(pilot, lambda: "Dubois et Fils" in _visible_text(app))
        assert table.customer_id == known.alias_id  # the cursor did not move to another record
        # A customer created elsewhere appears too, the cursor still on its record.
        with Session(engine) as session:
            make_customer(session, bob, "Aaa Nieuwe Klant")
        assert await _until(pilot, lambda: "Aaa Nieuwe Klant" in _visible_text(app))
        assert table.customer_id == known.alias_id


async def test_the_detail_screen_follows_another_users_edit(engine: Engine) -> None:
    known = fill(engine)
    bob = _other_user(engine)
    noticed: list[int | None] = []
    async with running_app(engine, known.admin, watch_changes=True, setup=_noting_changes(noticed)) as (app, pilot):
        await _until_watching(pilot, app, engine, bob, known.other_id, noticed)
        await _on_customer(pilot, app, known.busy_id)
        await pilot.press("enter")
        await wait_idle(pilot, app)
        assert isinstance(app.screen, CustomerDetailScreen)
        _rename(engine, bob, known.busy_id, "Van den Broeck Jan en Zonen")
        assert await _until(pilot, lambda: "Zonen" in _visible_text(app))


async def test_an_open_form_keeps_the_edits_and_says_who_changed_the_record(engine: Engine) -> None:
    known = fill(engine)
    bob = _other_user(engine)
    noticed: list[int | None] = []
    async with running_app(engine, known.admin, watch_changes=True, setup=_noting_changes(noticed)) as (app, pilot):
        await _until_watching(pilot, app, engine, bob, known.other_id, noticed)
        await _on_customer(pilot, app, known.alias_id)
        await pilot.press("e")
        await wait_idle(pilot, app)
        form = app.screen
        assert isinstance(form, CustomerFormScreen)
        form.query_one("#phone", Input).focus()
        await pilot.press(*"+32 4 222 33 44")
        _rename(engine, bob, known.alias_id, "Dubois et Fils")
        banner = form.query_one("#changed-banner")
        assert await _until(pilot, lambda: banner.has_class("-shown"))
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
