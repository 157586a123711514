"""Who edits what, by keyboard (issue 16.9): a technician limited to their own records, labels only the office sets."""

from __future__ import annotations

from helpers import make_customer, make_location
from sqlalchemy import Engine
from sqlmodel import Session
from textual.widgets import Input, OptionList, Static
from tui_support import burst, fill, recording_notifications, running_app, text_of, wait_idle

from custtui.models import Role, User
from custtui.services import labels, permissions
from custtui.services.permissions import TechnicianEdits
from custtui.tui.screens.customer_detail import CustomerDetailScreen
from custtui.tui.screens.customer_form import CustomerFormScreen
from custtui.tui.screens.customer_list import CustomerListScreen
from custtui.tui.screens.labels import LabelManagerScreen, LabelPickerScreen
from custtui.tui.screens.locations import LocationFormScreen, LocationsScreen
from custtui.tui.screens.permissions import PermissionsScreen
from custtui.tui.widgets.customer_table import CustomerTable

REFUSAL = "Alice created this customer: only they, the office and admins may change it."


def _technician_of_own_records(engine: Engine) -> tuple[User, int, int]:
    """Alice's records (fill), Tom a technician with one customer of his own, the database set to own-only."""
    known = fill(engine)
    with Session(engine, expire_on_commit=False) as session:
        tom = User(login="tom", display_name="Tom", role=Role.TECHNICIAN.value)
        session.add(tom)
        session.commit()
        mine = make_customer(session, tom, "Bakkerij Tom")
        make_location(session, tom, mine, street="Dorpstraat", postal_code="9000", city="Gent")
        permissions.set_technician_edits(session, known.admin, "own")
        session.commit()
    return tom, known.busy_id, mine.id  # type: ignore[return-value]


async def _goto(pilot, app, customer_id: int) -> None:  # type: ignore[no-untyped-def]
    table = app.screen.query_one(CustomerTable)
    table.cursor = table.ids.index(customer_id)
    await pilot.pause()


async def test_a_technician_edits_only_their_own_customer(sqlite_engine: Engine) -> None:
    tom, alices, his = _technician_of_own_records(sqlite_engine)
    messages: list[str] = []
    async with running_app(sqlite_engine, tom, setup=recording_notifications(messages)) as (app, pilot):
        list_screen = app.screen
        assert isinstance(list_screen, CustomerListScreen)
        await _goto(pilot, app, alices)
        # e, and a name typed ahead: no form opens, the keys go nowhere, the message says who may edit.
        await burst(pilot, app, "e", "Claes")
        assert app.screen is list_screen
        assert REFUSAL in messages, messages
        # The detail says so too.
        await burst(pilot, app, "enter")
        assert isinstance(app.screen, CustomerDetailScreen)
        assert REFUSAL in text_of(app.screen.query_one("#detail-fields", Static))
        assert "Read-only for you" in text_of(app.screen.query_one("#detail-fields", Static))
        await burst(pilot, app, "escape")
        # His own customer: the form opens, and saves.
        await _goto(pilot, app, his)
        await burst(pilot, app, "e")
        assert isinstance(app.screen, CustomerFormScreen)
        await wait_idle(pilot, app)
        assert app.screen.query_one("#name", Input).value == "Bakkerij Tom"
        await burst(pilot, app, "end", " bv", "ctrl+s")
        assert app.screen is list_screen
        await burst(pilot, app, "enter")
        assert "Read-only" not in text_of(app.screen.query_one("#detail-fields", Static))


async def test_a_technician_adds_a_site_but_does_not_edit_anothers(sqlite_engine: Engine) -> None:
    tom, alices, _his = _technician_of_own_records(sqlite_engine)
    messages: list[str] = []
    async with running_app(sqlite_engine, tom, setup=recording_notifications(messages)) as (app, pilot):
        await _goto(pilot, app, alices)
        await burst(pilot, app, "o")
        assert isinstance(app.screen, LocationsScreen)
        await burst(pilot, app, "e")
        assert isinstance(app.screen, LocationsScreen)
        assert "Alice created this site: only they, the office and admins may change it." in messages, messages
        await burst(pilot, app, "n")  # a new site is his to add
        assert isinstance(app.screen, LocationFormScreen)


async def test_a_label_only_the_office_sets_is_shown_but_not_tickable(sqlite_engine: Engine) -> None:
    tom, _alices, his = _technician_of_own_records(sqlite_engine)
    with Session(sqlite_engine) as session:
        admin = session.get(User, 1)
        assert admin is not None
        labels.create_label(session, admin, "Bad payer", "red", assign_role="office")
        labels.create_label(session, admin, "Dog on site", "yellow")
        session.commit()
    async with running_app(sqlite_engine, tom) as (app, pilot):
        await _goto(pilot, app, his)
        await burst(pilot, app, "t")
        picker = app.screen
        assert isinstance(picker, LabelPickerScreen)
        lines = [str(picker.query_one("#label-list", OptionList).get_option_at_index(i).prompt) for i in range(2)]
        assert "set by: office" in lines[0] and "set by" not in lines[1], lines
        # Space on the first (Bad payer) does nothing; down and space ticks Dog on site.
        await burst(pilot, app, "space", "down", "space", "escape")
    with Session(sqlite_engine) as session:
        assert [label.name for label in labels.labels_of(session, his)] == ["Dog on site"]


async def test_an_admin_chooses_who_edits_what_from_the_palette(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        await pilot.press("ctrl+p", *"who edits")
        await wait_idle(pilot, app)
        await burst(pilot, app, "enter")
        assert isinstance(app.screen, PermissionsScreen)
        listing = app.screen.query_one(OptionList)
        assert str(listing.get_option_at_index(0).prompt).startswith("●")
        await burst(pilot, app, "down", "enter")
        assert str(listing.get_option_at_index(1).prompt).startswith("●")
        await burst(pilot, app, "escape")
        # In the label manager, a new label only the office sets.
        await burst(pilot, app, "L")
        assert isinstance(app.screen, LabelManagerScreen)
        await burst(pilot, app, "n", "Bad payer", "tab", "tab", "tab", "enter", "down", "enter", "ctrl+s")
        assert isinstance(app.screen, LabelManagerScreen), app.screen
    with Session(sqlite_engine) as session:
        assert permissions.technician_edits(session) == TechnicianEdits.OWN
        assert [(label.name, label.assign_role) for label in labels.list_labels(session)] == [("Bad payer", "office")]
