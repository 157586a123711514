"""A walk through every screen, shared by the snapshot tests and scripts/screenshots.py.

Each stop takes the Pilot, the app and the customers to use, and leaves the
app showing one screen.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from textual.pilot import Pilot
from tui_support import wait_idle

from custtui.tui.widgets.customer_table import CustomerTable


@dataclass(frozen=True)
class Targets:
    busy_id: int  # with installations and missions
    empty_id: int  # without installations or missions
    alias_id: int  # with an internal name
    alias_query: str  # what to type to find it by its alias


async def settle(pilot: Pilot[Any]) -> None:
    await wait_idle(pilot, pilot.app)  # type: ignore[arg-type]
    # Toasts come and go with time; a screenshot shows the screen, not them.
    pilot.app.clear_notifications()
    # A blinking cursor is on or off by chance: keep it steady.
    for widget in pilot.app.screen.query("Input, TextArea"):
        widget.cursor_blink = False  # type: ignore[attr-defined]
    await pilot.pause()


async def select_customer(pilot: Pilot[Any], customer_id: int) -> None:
    await settle(pilot)
    table = pilot.app.screen.query_one(CustomerTable)
    table.cursor = table.ids.index(customer_id)
    await settle(pilot)


async def list_screen(pilot: Pilot[Any], t: Targets) -> None:
    await settle(pilot)


async def search(pilot: Pilot[Any], t: Targets) -> None:
    await settle(pilot)
    await pilot.press("slash", *t.alias_query)
    await settle(pilot)


async def detail(pilot: Pilot[Any], t: Targets) -> None:
    await select_customer(pilot, t.busy_id)
    await pilot.press("enter")
    await settle(pilot)


async def context_menu(pilot: Pilot[Any], t: Targets) -> None:
    await select_customer(pilot, t.busy_id)
    await pilot.press("m")
    await settle(pilot)


async def new_customer_errors(pilot: Pilot[Any], t: Targets) -> None:
    await settle(pilot)
    await pilot.press("n")
    await settle(pilot)
    await pilot.press(*"Bakkerij", "tab", "tab", "tab", "tab", "tab", *"BE0123", "tab", *"info@", "ctrl+s")
    await settle(pilot)


async def new_customer_duplicates(pilot: Pilot[Any], t: Targets) -> None:
    await settle(pilot)
    await pilot.press("n")
    await settle(pilot)
    for _ in range(100):  # the duplicate index builds in the background
        if getattr(pilot.app, "duplicate_index", None) is not None:
            break
        await pilot.pause(0.05)
    await pilot.press(*t.alias_query)
    await until_duplicates_shown(pilot)


async def until_duplicates_shown(pilot: Pilot[Any]) -> None:
    """The panel fills after a debounce and a worker: wait for the answer to what is typed now."""
    form = pilot.app.screen
    for _ in range(100):
        await pilot.pause(0.1)
        if form.duplicates_shown_for == form.values():  # type: ignore[attr-defined]
            break
    await settle(pilot)


async def edit_customer(pilot: Pilot[Any], t: Targets) -> None:
    await select_customer(pilot, t.busy_id)
    await pilot.press("e")
    await settle(pilot)


# Labels as an office has them (the demo data's own, so that on demo data nothing is added).
OFFICE_LABELS = (  # name, colour, kind, the least role that sets it
    ("VIP", "yellow", "attention", None),
    ("Contract", "green", "status", None),
    ("Key at neighbour", "cyan", "trait", None),
    ("Maintenance contract", "green", "status", None),
    ("Prospect", "grey", "status", None),
    ("Bad payer", "red", "attention", "office"),
)


def _office_labels(pilot: Pilot[Any]) -> None:
    """The label screens show labels: those of OFFICE_LABELS that the database does not have yet are created."""
    from sqlmodel import Session

    from custtui.services import labels as label_service

    app = pilot.app
    with Session(app.engine) as session:  # type: ignore[attr-defined]
        existing = {label.name for label in label_service.list_labels(session)}
        for name, colour, kind, assign_role in OFFICE_LABELS:
            if name not in existing:
                label_service.create_label(session, app.user, name, colour, kind, assign_role)  # type: ignore[attr-defined]
        session.commit()


async def labels(pilot: Pilot[Any], t: Targets) -> None:
    await select_customer(pilot, t.busy_id)
    _office_labels(pilot)
    await pilot.press("t")
    await settle(pilot)


async def labels_ticked(pilot: Pilot[Any], t: Targets) -> None:
    """The picker with labels, one ticked: what tells ticked from unticked, with colour and without."""
    from sqlmodel import Session

    from custtui.services import labels as label_service

    app = pilot.app
    with Session(app.engine) as session:  # type: ignore[attr-defined]
        existing = {label.name: label.id for label in label_service.list_labels(session)}  # demo data has some
        ids = [
            existing.get(name) or label_service.create_label(session, app.user, name, colour, "attention").id  # type: ignore[attr-defined]
            for name, colour in (("Dog on site", "red"), ("Needs ladder", "grey"), ("Key at neighbour", "cyan"))
        ]
        label_service.assign_label(session, app.user, t.busy_id, ids[1])  # type: ignore[attr-defined]
        session.commit()
    await labels(pilot, t)


async def new_label(pilot: Pilot[Any], t: Targets) -> None:
    await labels(pilot, t)
    await pilot.press("n", *"Dog on site")
    await settle(pilot)


async def label_manager(pilot: Pilot[Any], t: Targets) -> None:
    await settle(pilot)
    _office_labels(pilot)
    await pilot.press("L")
    await settle(pilot)


async def installations(pilot: Pilot[Any], t: Targets) -> None:
    await select_customer(pilot, t.busy_id)
    await pilot.press("i")
    await settle(pilot)


async def move_installation(pilot: Pilot[Any], t: Targets) -> None:
    await installations(pilot, t)
    await pilot.press("v")
    await settle(pilot)


async def locations(pilot: Pilot[Any], t: Targets) -> None:
    await select_customer(pilot, t.busy_id)
    await pilot.press("o")
    await settle(pilot)


async def location_form(pilot: Pilot[Any], t: Targets) -> None:
    await locations(pilot, t)
    await pilot.press("e")
    await settle(pilot)


async def missions(pilot: Pilot[Any], t: Targets) -> None:
    await select_customer(pilot, t.busy_id)
    await pilot.press("j")
    await settle(pilot)


async def delete_refused(pilot: Pilot[Any], t: Targets) -> None:
    await select_customer(pilot, t.busy_id)
    await pilot.press("delete")
    await settle(pilot)


async def delete_confirm(pilot: Pilot[Any], t: Targets) -> None:
    await select_customer(pilot, t.empty_id)
    await pilot.press("delete")
    await settle(pilot)


async def filter_dialog(pilot: Pilot[Any], t: Targets) -> None:
    await settle(pilot)
    # The second region ticked, a place typed: the dialog as it is being filled in.
    await pilot.press("f", "down", "space")
    await settle(pilot)
    pilot.app.screen.query_one("#filter-place").focus()  # tab stops differ with and without labels
    await pilot.press(*"Gent")
    await settle(pilot)


def _saved_filters(pilot: Pilot[Any]) -> None:
    """Two saved filters of the user who is logged in, as if saved from the filter dialog."""
    from datetime import date

    from sqlmodel import Session

    from custtui.models import InstallationKind
    from custtui.services import filters
    from custtui.services.filters import CustomerFilter, ErrorMark

    campaign = CustomerFilter(place="9000", installation_kinds=(InstallationKind.HEAT_PUMP.value,))
    seen = CustomerFilter(regions=("BE-VLG", "BE-BRU"), missions_since=date(2026, 1, 1), error_mark=ErrorMark.WITHOUT)
    with Session(pilot.app.engine) as session:  # type: ignore[attr-defined]
        filters.save_filter(session, pilot.app.user, "Heat pumps in Gent", campaign)  # type: ignore[attr-defined]
        filters.save_filter(session, pilot.app.user, "Seen this year", seen)  # type: ignore[attr-defined]
        session.commit()


async def saved_filters(pilot: Pilot[Any], t: Targets) -> None:
    await settle(pilot)
    _saved_filters(pilot)
    await pilot.press("F")
    await settle(pilot)


async def permissions_dialog(pilot: Pilot[Any], t: Targets) -> None:
    """Who edits what (admins); the palette's command posts the same message (its words differ by language)."""
    from custtui.tui.messages import Destination, Navigate

    await settle(pilot)
    pilot.app.post_message(Navigate(Destination.PERMISSIONS))
    await settle(pilot)


async def help_screen(pilot: Pilot[Any], t: Targets) -> None:
    await settle(pilot)
    await pilot.press("f1")
    await settle(pilot)


async def command_palette(pilot: Pilot[Any], t: Targets) -> None:
    await select_customer(pilot, t.busy_id)
    await pilot.press("ctrl+p")
    await settle(pilot)
    await pilot.press(*"inst")
    await pilot.pause(0.3)
    await settle(pilot)


async def duplicates(pilot: Pilot[Any], t: Targets) -> None:
    await settle(pilot)
    await pilot.press("D")
    await settle(pilot)


async def merge_keep(pilot: Pilot[Any], t: Targets) -> None:
    await duplicates(pilot, t)
    await pilot.press("g")
    await settle(pilot)


async def merge_fields(pilot: Pilot[Any], t: Targets) -> None:
    await merge_keep(pilot, t)
    await pilot.press("n")
    await settle(pilot)


async def merge_locations(pilot: Pilot[Any], t: Targets) -> None:
    await merge_fields(pilot, t)
    await pilot.press("n")
    await settle(pilot)


async def merge_preview(pilot: Pilot[Any], t: Targets) -> None:
    await merge_locations(pilot, t)
    await pilot.press("n", "n")
    await settle(pilot)


def _bob(session: Any) -> Any:
    """Bob, from the office: the other user of the tour (made on first use)."""
    from sqlmodel import select

    from custtui.models import User

    bob = session.exec(select(User).where(User.login == "bob")).first()
    if bob is None:
        bob = User(login="bob", display_name="Bob Claes", role="office")
        session.add(bob)
        session.commit()
    return bob


def _as_another_user(pilot: Pilot[Any], customer_id: int, **changes: str) -> None:
    """Bob saves the customer meanwhile (as from another terminal)."""
    from helpers import edit_customer
    from sqlmodel import Session

    with Session(pilot.app.engine, expire_on_commit=False) as session:  # type: ignore[attr-defined]
        edit_customer(session, _bob(session), customer_id, **changes)


def _pin_audit_times(pilot: Pilot[Any]) -> None:
    """History shows times: give the events fixed ones, seven minutes apart."""
    from datetime import datetime, timedelta

    from sqlmodel import Session, select

    from custtui.models import AuditEvent

    start = datetime(2026, 11, 20, 8, 0)
    with Session(pilot.app.engine) as session:  # type: ignore[attr-defined]
        for number, event in enumerate(session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()):
            event.at = start + timedelta(minutes=7 * number)
            session.add(event)
        session.commit()


async def history(pilot: Pilot[Any], t: Targets) -> None:
    await select_customer(pilot, t.busy_id)
    _as_another_user(pilot, t.busy_id, phone="+32 9 333 44 55", internal_name="Van den Broeck, key at no. 14")
    _pin_audit_times(pilot)
    await pilot.press("h")
    await settle(pilot)


def _notes_by_bob(pilot: Pilot[Any], customer_id: int) -> None:
    """Two journal notes by Bob, at fixed times: one about the customer, one about its site."""
    from datetime import datetime

    from sqlmodel import Session, select

    from custtui.models import JournalNote, Location
    from custtui.services import notes

    with Session(pilot.app.engine, expire_on_commit=False) as session:  # type: ignore[attr-defined]
        bob = _bob(session)
        site = session.exec(select(Location).where(Location.customer_id == customer_id)).first()
        first = notes.add_note(session, bob, customer_id, "Called: the boiler makes a noise at night.\nVisit planned.")
        second = notes.add_note(session, bob, customer_id, "Key at the neighbours, no. 14.", site.id if site else None)
        session.commit()
        for note, at in ((first, datetime(2026, 11, 20, 8, 0)), (second, datetime(2026, 11, 24, 16, 30))):
            stored = session.get(JournalNote, note.id)
            assert stored is not None
            stored.at = at
            session.add(stored)
        session.commit()


async def notes_journal(pilot: Pilot[Any], t: Targets) -> None:
    await select_customer(pilot, t.busy_id)
    _notes_by_bob(pilot, t.busy_id)
    await pilot.press("w")
    await settle(pilot)


def _contacts_by_bob(pilot: Pilot[Any], customer_id: int) -> None:
    """Two contact persons: the owner, and a property manager at the customer's site."""
    from sqlmodel import Session, select

    from custtui.models import Location
    from custtui.services import contacts
    from custtui.services.contacts import ContactInput

    with Session(pilot.app.engine, expire_on_commit=False) as session:  # type: ignore[attr-defined]
        bob = _bob(session)
        site = session.exec(select(Location).where(Location.customer_id == customer_id)).first()
        contacts.add_contact(
            session, bob, customer_id,
            ContactInput(name="Els Aerts", role="owner", mobile="0471 08 32 21", email="els.aerts@example.be"),
        )  # fmt: skip
        contacts.add_contact(
            session, bob, customer_id,
            ContactInput(name="Syndic Vastgoed", role="property_manager", location_id=site.id if site else None,
                         phone="09 222 33 55", notes="Keys at the front desk, weekdays 8-17."),
        )  # fmt: skip
        session.commit()


async def contacts_screen(pilot: Pilot[Any], t: Targets) -> None:
    await select_customer(pilot, t.busy_id)
    _contacts_by_bob(pilot, t.busy_id)
    await pilot.press("p")
    await settle(pilot)


async def export_dialog(pilot: Pilot[Any], t: Targets) -> None:
    await settle(pilot)
    await pilot.press("x")
    await settle(pilot)
    field = pilot.app.screen.query_one("#export-path")
    field.value = "~/custtui-export-2026-11-20.xlsx"  # type: ignore[attr-defined]  # not today's date: the same every day
    await settle(pilot)


async def audit_log(pilot: Pilot[Any], t: Targets) -> None:
    await settle(pilot)
    _as_another_user(pilot, t.busy_id, phone="+32 9 333 44 55")
    _pin_audit_times(pilot)
    await pilot.press("A")
    await settle(pilot)


async def changed_while_editing(pilot: Pilot[Any], t: Targets) -> None:
    await edit_customer(pilot, t)
    await pilot.press("tab", "tab", *"C-1")
    _as_another_user(pilot, t.busy_id, phone="+32 4 287 65 43")
    _pin_audit_times(pilot)
    pilot.app.customers_changed([t.busy_id])  # type: ignore[attr-defined]
    await settle(pilot)


STOPS: dict[str, Callable[[Pilot[Any], Targets], Awaitable[None]]] = {
    "list": list_screen,
    "search": search,
    "detail": detail,
    "context_menu": context_menu,
    "new_customer_errors": new_customer_errors,
    "new_customer_duplicates": new_customer_duplicates,
    "edit_customer": edit_customer,
    "labels": labels,
    "labels_ticked": labels_ticked,
    "new_label": new_label,
    "label_manager": label_manager,
    "installations": installations,
    "move_installation": move_installation,
    "locations": locations,
    "location_form": location_form,
    "missions": missions,
    "delete_refused": delete_refused,
    "delete_confirm": delete_confirm,
    "filter": filter_dialog,
    "saved_filters": saved_filters,
    "help": help_screen,
    "permissions": permissions_dialog,
    "command_palette": command_palette,
    "duplicates": duplicates,
    "merge_keep": merge_keep,
    "merge_fields": merge_fields,
    "merge_locations": merge_locations,
    "merge_preview": merge_preview,
    "history": history,
    "notes": notes_journal,
    "contacts": contacts_screen,
    "export": export_dialog,
    "audit_log": audit_log,
    "changed_while_editing": changed_while_editing,
}
