"""Copy… and Call, e-mail, map… from the customer menu: the clipboard and the URLs handed to the user's programs."""

from __future__ import annotations

from sqlalchemy import Engine
from tui_support import fill, running_app, wait_idle

from custtui.tui.screens.customer_detail import CustomerDetailScreen
from custtui.tui.widgets.context_menu import ContextMenu
from custtui.tui.widgets.customer_table import CustomerTable


async def test_copy_phone_from_the_detail_menu(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    shown: list[str] = []

    def record(app) -> None:  # type: ignore[no-untyped-def]
        original = app.notify

        def notify(message: str, *args: object, **kwargs: object) -> None:
            shown.append(str(message))
            original(message, *args, **kwargs)

        app.notify = notify

    async with running_app(sqlite_engine, known.admin, setup=record) as (app, pilot):
        table = app.screen.query_one(CustomerTable)
        table.cursor = table.ids.index(known.busy_id)
        await pilot.press("enter")
        await wait_idle(pilot, app)
        assert isinstance(app.screen, CustomerDetailScreen)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, ContextMenu)
        assert {"copy", "reach"} <= {item.action for item in app.screen.items}
        await pilot.press("o")  # C&opy…
        await wait_idle(pilot, app)
        assert isinstance(app.screen, ContextMenu)
        enabled = {item.action: item.enabled for item in app.screen.items}
        assert enabled == {"address": True, "phone": True, "email": False}  # no e-mail: dim
        await pilot.press("p")
        await wait_idle(pilot, app)
        assert isinstance(app.screen, CustomerDetailScreen)
        assert app.clipboard == "+3292223344"
        assert any("+3292223344" in message for message in shown)


async def test_contact_opens_mailto_call_and_map(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    opened: list[str] = []
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        app.open_url = lambda url, **_kwargs: opened.append(url)  # type: ignore[method-assign,assignment]
        table = app.screen.query_one(CustomerTable)
        table.cursor = table.ids.index(known.busy_id)
        await pilot.pause()
        await pilot.press("r")  # Contact… straight from the list
        await wait_idle(pilot, app)
        assert isinstance(app.screen, ContextMenu)
        enabled = {item.action: item.enabled for item in app.screen.items}
        assert enabled == {"email": False, "call": True, "map": True}
        await pilot.press("c")
        await wait_idle(pilot, app)
        await pilot.press("m", "a")  # the menu, C&all, e-mail, map…
        await wait_idle(pilot, app)
        await pilot.press("m")  # &Map
        await wait_idle(pilot, app)
        assert opened == [
            "tel:+3292223344",
            "https://www.openstreetmap.org/search?query=Kerkstraat%2012%2C%209000%20Gent",
        ]


async def test_contact_by_mail(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    from sqlmodel import Session

    from custtui.models import Customer

    with Session(sqlite_engine) as session:
        customer = session.get(Customer, known.other_id)
        assert customer is not None
        customer.email = "info@janssens.be"
        session.add(customer)
        session.commit()
    opened: list[str] = []
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        app.open_url = lambda url, **_kwargs: opened.append(url)  # type: ignore[method-assign,assignment]
        table = app.screen.query_one(CustomerTable)
        table.cursor = table.ids.index(known.other_id)
        await pilot.pause()
        await pilot.press("m", "a")  # C&all, e-mail, map…
        await wait_idle(pilot, app)
        await pilot.press("e")  # &E-mail
        await wait_idle(pilot, app)
        assert opened == ["mailto:info@janssens.be"]
