"""Shared set-up for the Pilot tests: a small, known database and the app on it."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date

from helpers import make_customer, make_installation, make_location, make_mission
from sqlalchemy import Engine
from sqlmodel import Session
from textual import events
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key
from textual.pilot import Pilot
from textual.widgets import Static

from custtui.models import User
from custtui.tui.app import CusttuiApp

SIZE = (80, 24)


@dataclass
class Known:
    admin: User
    busy_id: int  # has installations and missions: cannot be deleted
    empty_id: int  # has one empty location: can be deleted
    alias_id: int  # internal name "Chauffage Dubois"
    markup_id: int  # name with Rich markup in it
    other_id: int  # a second customer with a location, target of a move


def text_of(widget: Static) -> str:
    """The plain text a Static shows, whatever renderable it holds."""
    from rich.console import Console

    console = Console(width=200, record=True, no_color=True, file=io.StringIO())
    console.print(widget.content)
    return console.export_text().rstrip("\n")


def fill(engine: Engine, role: str = "admin") -> Known:
    with Session(engine, expire_on_commit=False) as session:
        admin = User(login="alice", display_name="Alice", role=role, language="fr")
        session.add(admin)
        session.commit()
        busy = make_customer(session, admin, "Van den Broeck Jan", customer_number="104233", phone="+32 9 222 33 44")
        site = make_location(session, admin, busy, street="Kerkstraat", number="12", postal_code="9000", city="Gent")
        make_installation(session, admin, site, brand="Vaillant", serial_number="VA-001")
        make_installation(session, admin, site, kind="heat_pump", brand="Daikin", serial_number="DK-002")
        make_mission(session, admin, busy, site, planned_on=date(2026, 3, 5), technician="Pieter Claes", status="done")
        make_mission(session, admin, busy, site, planned_on=date(2025, 1, 20), technician="Wim Goossens", status="done")
        empty = make_customer(session, admin, "Duplicate Bakkerij", region_code="BE-VLG")
        make_location(session, admin, empty, street="Molenstraat", postal_code="2000", city="Antwerpen")
        alias = make_customer(session, admin, "Dubois & Fils sa", internal_name="Chauffage Dubois", region_code="BE-WAL")
        markup = make_customer(session, admin, "[bold]ACME[/] [link=x]y", region_code="BE-BRU")
        other = make_customer(session, admin, "Garage Janssens nv", region_code="BE-VLG")
        make_location(
            session, admin, other, name="Werkplaats", street="Stationsstraat", number="1", postal_code="2800", city="Mechelen"
        )
    return Known(admin, busy.id, empty.id, alias.id, markup.id, other.id)  # type: ignore[arg-type]


def make_app(engine: Engine, known: Known) -> CusttuiApp:
    """The app, not started (for snapshots, which start it themselves)."""
    return CusttuiApp(engine=engine, user=known.admin, watch_changes=False)


@asynccontextmanager
async def running_app(
    engine: Engine,
    user: User,
    size: tuple[int, int] = SIZE,
    *,
    watch_changes: bool = False,
    setup: Callable[[CusttuiApp], object] | None = None,
    settle: bool = True,
) -> AsyncIterator[tuple[CusttuiApp, Pilot[None]]]:
    """The app on this database as `user`, running in a terminal of `size`, its list read and painted.

    `watch_changes`: follow other users' commits (off by default: a test's own writes
    would reach the screens at a time of their own). `setup(app)` runs before the app
    starts (to record its notifications, say). `settle=False` hands the app over at
    once, before the list has even loaded.
    """
    app = CusttuiApp(engine=engine, user=user, watch_changes=watch_changes)
    if setup is not None:
        setup(app)
    async with app.run_test(size=size) as pilot:
        if settle:
            await wait_idle(pilot, app)
        yield app, pilot


async def wait_idle(pilot, app: CusttuiApp) -> None:  # type: ignore[no-untyped-def]
    """Let the keys sent take effect, workers (reads, id lists, search, indexes) finish and the screen settle.

    A finished read may start another (a list paints, then reads its rows):
    so until a round starts no worker.
    """
    for _round in range(100):
        await pilot.pause()
        await app.key_queue.wait_until_delivered()
        await app.workers.wait_for_complete()
        await pilot.pause()
        busy = any(worker.is_running for worker in app.workers) or getattr(app.screen, "waiting_for_data", False)
        if not busy:
            return


def recording_notifications(shown: list[str]) -> Callable[[CusttuiApp], None]:
    """A setup for running_app: every notification the app shows goes into `shown`, in order (toasts expire)."""

    def record(app: CusttuiApp) -> None:
        original = app.notify

        def notify(message: str, *args: object, **kwargs: object) -> None:
            shown.append(str(message))
            original(message, *args, **kwargs)  # type: ignore[arg-type]

        app.notify = notify  # type: ignore[method-assign,assignment]

    return record


def sublist_rows(screen: object) -> list[list[str]]:
    """The rows of a customer's sub-list (tui.sublist_screen: notes, contacts, locations...) as their cells' text."""
    from textual.widgets import DataTable

    table = screen.query_one("#sub-table", DataTable)  # type: ignore[attr-defined]
    return [[str(cell) for cell in table.get_row_at(row)] for row in range(table.row_count)]


def fill_duplicates(engine: Engine) -> tuple[User, list[int]]:
    """Three records of one customer: the kept one has most installations and missions."""
    with Session(engine, expire_on_commit=False) as session:
        office = User(login="olivier", display_name="Olivier", role="office")
        session.add(office)
        session.commit()
        keep = make_customer(session, office, "Bakkerij Peeters bv", phone="+32 3 444 55 66", vat_number="BE0403170701")
        site = make_location(session, office, keep, street="Kerkstraat", number="12", postal_code="2000", city="Antwerpen")
        for serial in ("A-1", "A-2", "A-3"):
            make_installation(session, office, site, serial_number=serial)
        make_mission(session, office, keep, site, planned_on=date(2026, 1, 5))
        typo = make_customer(session, office, "Bakkerij Peters", phone="03 444 55 66", email="info@peeters.be")
        typo_site = make_location(session, office, typo, street="Kerkstraat", number="12", postal_code="2000", city="Antwerpen")
        make_installation(session, office, typo_site, serial_number="B-1")
        make_mission(session, office, typo, typo_site, planned_on=date(2025, 6, 1))
        alias = make_customer(session, office, "Peeters Bakkerij", internal_name="Bakkerij Peeters", vat_number="BE0403170701")
        warehouse = make_location(session, office, alias, street="Industrieweg", number="4", postal_code="2030", city="Antwerpen")
        make_installation(session, office, warehouse, kind="ventilation", serial_number="C-1")
    return office, [keep.id, typo.id, alias.id]  # type: ignore[list-item]


# --- keys typed ahead: all at once, as a slow SSH link delivers them ------------

KEY_NAMES = {
    "enter", "escape", "tab", "shift+tab", "space", "down", "up", "left", "right", "home", "end", "pageup", "pagedown",
    "delete", "f2", "ctrl+s", "ctrl+u", "backspace",
}  # fmt: skip


def keys_of(*parts: str) -> list[str]:
    """Key names as they are, every other part typed character by character."""
    keys: list[str] = []
    for part in parts:
        if part in KEY_NAMES:
            keys.append(part)
        else:
            keys.extend(part)
    return keys


def send_burst(app: CusttuiApp, *parts: str) -> None:
    """Every key handed to the app at once, as the terminal driver does with keys that arrive together."""
    assert app._driver is not None
    for key in keys_of(*parts):
        if len(key) == 1 and not key.isalnum():
            key = _character_to_key(key)
        try:  # as Textual's own Pilot names the character of a key
            char: str | None = unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
        except KeyError:
            char = key if len(key) == 1 else None
        if key == "space":
            char = " "
        event = events.Key(key, char)
        event.set_sender(app)
        app._driver.send_message(event)


async def burst(pilot, app: CusttuiApp, *parts: str) -> None:  # type: ignore[no-untyped-def]
    send_burst(app, *parts)
    await app.key_queue.wait_until_delivered()
    await wait_idle(pilot, app)
    await app.key_queue.wait_until_delivered()
    assert app._exception is None
