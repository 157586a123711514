"""p on a customer: its contact persons; add by keyboard (typed ahead), read in full, change, delete; the detail lists them."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session
from textual.widgets import Static
from tui_support import burst, fill, recording_notifications, running_app, sublist_rows

from custtui.services import contacts
from custtui.tui.screens.contacts import ContactFormScreen, ContactsScreen
from custtui.tui.screens.customer_detail import CustomerDetailScreen
from custtui.tui.widgets.customer_table import CustomerTable


async def test_add_change_and_delete_a_contact_by_keyboard(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    messages: list[str] = []
    async with running_app(sqlite_engine, known.admin, setup=recording_notifications(messages)) as (app, pilot):
        table = app.screen.query_one(CustomerTable)
        table.cursor = table.ids.index(known.busy_id)
        await burst(pilot, app, "p")
        assert isinstance(app.screen, ContactsScreen)
        assert str(app.screen.query_one("#sub-empty", Static).render()) == "No contacts yet: press n to add one."
        # One burst: the form, a name that looks like markup, the phone and the mobile typed as people do, saved.
        await burst(pilot, app, "n", "[b]Els[/b] Aerts", "tab", "tab", "tab", "09 222 33 44", "tab", "0471/08.32.21",
                    "tab", "els@example.be", "ctrl+s")  # fmt: skip
        assert isinstance(app.screen, ContactsScreen), messages
        rows = sublist_rows(app.screen)
        assert rows == [["[b]Els[/b] Aerts", "other", "", "0471 08 32 21"]]  # literally; the mobile first
        full = str(app.screen.query_one("#contact-text", Static).render())
        assert "Phone: 09 222 33 44" in full and "E-mail: els@example.be" in full
        # Change it: stored numbers shown national, typed back unchanged they stay what they were.
        await burst(pilot, app, "e")
        assert isinstance(app.screen, ContactFormScreen)
        assert app.screen.values()["phone"] == "09 222 33 44"
        await burst(pilot, app, "ctrl+u", "Els Aerts", "ctrl+s")
        assert sublist_rows(app.screen)[0][0] == "Els Aerts"
        with Session(sqlite_engine) as session:
            stored = contacts.contacts_of(session, known.busy_id)
        assert [(c.name, c.phone, c.mobile) for c in stored] == [("Els Aerts", "+3292223344", "+32471083221")]
        # A wrong phone is refused under its field; the form keeps what was typed.
        await burst(pilot, app, "e", "tab", "tab", "tab", "ctrl+u", "0471 08 32 2", "ctrl+s")
        assert isinstance(app.screen, ContactFormScreen)
        assert app.screen.query_one("#error-phone", Static).has_class("shown")
        await burst(pilot, app, "escape", "tab", "enter")  # discard the edit
        assert isinstance(app.screen, ContactsScreen)
        await burst(pilot, app, "escape", "enter")
        assert isinstance(app.screen, CustomerDetailScreen)
        assert "Els Aerts (other)" in str(app.screen.query_one("#detail-contacts", Static).render())
        await burst(pilot, app, "p", "delete", "tab", "enter")
        assert sublist_rows(app.screen) == []  # type: ignore[arg-type]
    assert "Contact deleted." in messages
