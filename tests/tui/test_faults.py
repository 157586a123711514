"""Database faults: a full disk, a read-only or damaged file, a server that is down or goes down.

Each gives one clear message in the running app (Pilot, 80x24) and keeps
what the user typed, so that saving again works once the fault is gone. No
traceback, nothing lost. The same faults at startup: tests/cli/test_faults_at_startup.py.
"""

from __future__ import annotations

import shutil
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any

import pytest
from fault_support import checkpoint, damage, fill_the_disk, tmpfs
from sqlalchemy import Engine, event, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel, select
from textual import events
from textual.widgets import Input, OptionList, SelectionList, Static, TextArea
from tui_support import Known, fill, fill_duplicates, running_app, wait_idle

from custtui.db import make_engine
from custtui.models import Customer, Installation, Location
from custtui.services import labels, notes
from custtui.tui.app import CusttuiApp
from custtui.tui.screens.customer_detail import CustomerDetailScreen
from custtui.tui.screens.customer_form import CustomerFormScreen
from custtui.tui.screens.customer_list import CustomerListScreen
from custtui.tui.screens.installations import (
    InstallationsScreen,
    MoveInstallationScreen,
)
from custtui.tui.screens.labels import LabelPickerScreen
from custtui.tui.screens.locations import LocationFormScreen, LocationsScreen
from custtui.tui.screens.merge_wizard import MergeWizardScreen
from custtui.tui.screens.notes import NoteFormScreen, NotesScreen
from custtui.tui.widgets.customer_table import CustomerTable

# The longest text field of the form (notes are the journal's): 200 characters at most.
INTERNAL_NAME = "Chauffage Dubois, boiler room behind the bakery, key at the neighbours (nr 14), ring twice"
LONG_NOTE = ("Boiler room behind the bakery, key at the neighbours (nr 14). " * 70)[:3990]
PHONE = "+32 4 299 88 77"
STORED_PHONE = "+3242998877"  # as custtui stores it: E.164

DISK_FULL = "The database disk is full. Nothing was saved"
READ_ONLY = "The database is read-only for you. Nothing was saved"
DAMAGED = "The database file is damaged"  # then "Nothing was saved" (saves) or "; ask…" (reads)
UNREACHABLE = "The database cannot be reached"


# --- helpers -----------------------------------------------------------------


def record_notifications(shown: list[str]) -> Callable[[CusttuiApp], None]:
    """A setup for running_app: every notification the app shows goes into `shown`, in order (toasts expire; it does not)."""

    def record(app: CusttuiApp) -> None:
        original = app.notify

        def notify(message: str, *args: Any, **kwargs: Any) -> None:
            shown.append(str(message))
            original(message, *args, **kwargs)

        app.notify = notify  # type: ignore[method-assign]

    return record


def assert_alive(app: CusttuiApp) -> None:
    """No traceback: the app still runs and no handler or worker raised."""
    assert app.is_running
    assert app._exception is None  # where Textual keeps the error that would end the app


async def goto(pilot: Any, app: CusttuiApp, customer_id: int) -> None:
    table = app.screen.query_one(CustomerTable)
    table.cursor = table.ids.index(customer_id)
    await pilot.pause()


async def paste(pilot: Any, widget: Input | TextArea, value: str) -> None:
    """Put `value` into `widget` as the terminal sends a paste (quicker than a key per character)."""
    widget.focus()
    pilot.app.post_message(events.Paste(value))
    await pilot.pause()


async def open_form_with_edits(
    pilot: Any, app: CusttuiApp, customer_id: int | None = None
) -> tuple[CustomerFormScreen, dict[str, str]]:
    """Open the form on the customer (`customer_id`, else the current one) and type_edits: the form and its values."""
    if customer_id is not None:
        await goto(pilot, app, customer_id)
    await pilot.press("e")
    await wait_idle(pilot, app)
    form = app.screen
    assert isinstance(form, CustomerFormScreen)
    await type_edits(pilot, form)
    return form, form.values()


async def type_edits(pilot: Any, form: CustomerFormScreen) -> None:
    """Change the phone number and the internal name in the open customer form."""
    form.query_one("#phone", Input).focus()
    await pilot.press("ctrl+u")
    await paste(pilot, form.query_one("#phone", Input), PHONE)
    form.query_one("#internal_name", Input).focus()
    await pilot.press("ctrl+u")
    await paste(pilot, form.query_one("#internal_name", Input), INTERNAL_NAME)
    assert (form.values()["phone"], form.values()["internal_name"]) == (PHONE, INTERNAL_NAME)


def stored(engine: Engine, customer_id: int) -> Customer:
    with Session(engine) as session:
        customer = session.get(Customer, customer_id)
        assert customer is not None
        return customer


# --- a full disk ---------------------------------------------------------------


async def test_disk_full_keeps_the_note_and_saves_once_there_is_room(sqlite_engine: Engine) -> None:
    """A size-limited file (PRAGMA max_page_count): SQLite answers 'database or disk is full'.

    The file may not grow at all: a note of 3,990 characters is saved with its audit event, which
    holds the text again and so needs a page of its own (an overflow page): the form keeps it.
    """
    known = fill(sqlite_engine)
    with sqlite_engine.connect() as connection:  # no free pages left in the file: a new row needs new ones
        connection.exec_driver_sql("VACUUM")
    disk = {"full": False}

    @event.listens_for(sqlite_engine, "checkout")
    def limit_size(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        # Per unit of work, so that freeing space takes effect at the next one, as on a real disk.
        cursor = dbapi_connection.cursor()
        pages = cursor.execute("PRAGMA page_count").fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {pages if disk['full'] else 1_000_000}")
        cursor.close()

    shown: list[str] = []
    async with running_app(sqlite_engine, known.admin, setup=record_notifications(shown)) as (app, pilot):
        await goto(pilot, app, known.alias_id)
        await pilot.press("w", "n")
        await wait_idle(pilot, app)
        form = app.screen
        assert isinstance(form, NoteFormScreen)
        await paste(pilot, form.query_one("#text", TextArea), LONG_NOTE)
        typed = form.values()

        disk["full"] = True
        await pilot.press("ctrl+s")
        await wait_idle(pilot, app)
        assert any(DISK_FULL in message for message in shown), shown
        assert app.screen is form and form.values() == typed  # still open, the note kept
        with Session(sqlite_engine) as session:
            assert notes.list_notes(session, known.alias_id) == []  # nothing was saved

        disk["full"] = False  # an administrator frees space
        await pilot.press("ctrl+s")
        await wait_idle(pilot, app)
        assert isinstance(app.screen, NotesScreen)
        assert_alive(app)
    with Session(sqlite_engine) as session:
        assert [entry.text for entry in notes.list_notes(session, known.alias_id)] == [LONG_NOTE.strip()]


async def test_full_tmpfs_keeps_the_new_customer_and_saves_after_space_is_freed(
    tmp_path: Path, sqlite_template: Path
) -> None:
    """A real full disk: a small RAM disk filled to the last byte while the form is open."""
    with tmpfs(tmp_path / "disk", "4m") as disk:
        shutil.copy(sqlite_template, disk / "custtui.db")
        engine = make_engine(f"sqlite:///{disk / 'custtui.db'}")
        try:
            known = fill(engine)
            shown: list[str] = []
            async with running_app(engine, known.admin, setup=record_notifications(shown)) as (app, pilot):
                await pilot.press("n")
                await wait_idle(pilot, app)
                form = app.screen
                assert isinstance(form, CustomerFormScreen)
                await pilot.press(*"Brasserie")
                await paste(pilot, form.query_one("#name", Input), " De Koninck")
                await paste(pilot, form.query_one("#street", Input), "Mechelsesteenweg")
                await paste(pilot, form.query_one("#postal_code", Input), "2018")
                await type_edits(pilot, form)
                typed = form.values()
                assert typed["region_code"] == "BE-VLG"

                checkpoint(engine)  # the WAL file has to grow for the next write
                filler = fill_the_disk(disk)
                await pilot.press("ctrl+s")
                await wait_idle(pilot, app)
                assert any(DISK_FULL in message for message in shown), shown
                assert app.screen is form and form.values() == typed

                filler.unlink()
                await pilot.press("ctrl+s")
                await wait_idle(pilot, app)
                assert isinstance(app.screen, CustomerListScreen)
                assert_alive(app)
            with Session(engine) as session:
                rows = session.exec(
                    text("SELECT phone, internal_name FROM customer WHERE name = 'Brasserie De Koninck'")
                ).all()
            assert [tuple(row) for row in rows] == [(STORED_PHONE, INTERNAL_NAME)]
        finally:
            engine.dispose()


# --- a read-only database ----------------------------------------------------------


def read_only_url(engine: Engine) -> str:
    """The same file opened read-only (root writes to any file, whatever its mode)."""
    path = engine.url.database
    engine.dispose()  # the last connection closed folds the WAL into the file
    return f"sqlite:///file:{path}?mode=ro&uri=true"


async def test_read_only_database_browses_and_keeps_the_form(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    with Session(sqlite_engine) as session:
        labels.create_label(session, known.admin, "VIP", "red", "trait")
        session.commit()
    engine = make_engine(read_only_url(sqlite_engine))
    shown: list[str] = []
    try:
        async with running_app(engine, known.admin, setup=record_notifications(shown)) as (app, pilot):
            table = app.screen.query_one(CustomerTable)
            assert table.row_count == 5
            await goto(pilot, app, known.busy_id)
            await pilot.press("enter")
            await wait_idle(pilot, app)
            assert isinstance(app.screen, CustomerDetailScreen)
            await pilot.press("escape")
            assert not shown  # browsing works

            await pilot.press("t")  # labels: ticking one is a write
            await wait_idle(pilot, app)
            assert isinstance(app.screen, LabelPickerScreen)
            picker = app.screen.query_one(SelectionList)
            await pilot.press("down", "space")  # tick VIP
            await wait_idle(pilot, app)
            assert any(READ_ONLY in message for message in shown), shown
            assert picker.selected == []  # the tick taken back: it shows what is stored
            shown.clear()
            await pilot.press("n")
            await paste(pilot, app.screen.query_one("#label-name", Input), "Dog on site")
            await pilot.press("enter")
            await wait_idle(pilot, app)
            assert shown and READ_ONLY in shown[-1], shown
            # The label form is open again with what was typed.
            assert app.screen.query_one("#label-name", Input).value == "Dog on site"
            await pilot.press("escape", "escape")
            await pilot.pause()

            form, typed = await open_form_with_edits(pilot, app)
            shown.clear()
            await pilot.press("ctrl+s")
            await wait_idle(pilot, app)
            assert shown and READ_ONLY in shown[-1], shown
            assert app.screen is form and form.values() == typed
            assert_alive(app)
    finally:
        engine.dispose()


# --- a damaged database ---------------------------------------------------------


async def test_database_damaged_during_a_session(sqlite_engine: Engine) -> None:
    """The file is overwritten under the running app.

    An open SQLite connection keeps serving the pages it has cached, so the
    damage shows on the next connection: the test closes the pool's idle
    connections (as a restart of the pool would) after damaging the file.
    """
    known = fill(sqlite_engine)
    checkpoint(sqlite_engine)
    shown: list[str] = []
    async with running_app(sqlite_engine, known.admin, setup=record_notifications(shown)) as (app, pilot):
        form, typed = await open_form_with_edits(pilot, app, known.alias_id)

        damage(Path(str(sqlite_engine.url.database)), "header")
        sqlite_engine.dispose()
        await pilot.press("ctrl+s")
        await wait_idle(pilot, app)
        assert shown and DAMAGED in shown[-1], shown
        assert app.screen is form and form.values() == typed

        form._saved = True  # leave without the "discard?" question
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CustomerListScreen)
        shown.clear()
        await pilot.press("enter")  # the detail cannot be read
        await wait_idle(pilot, app)
        assert isinstance(app.screen, CustomerDetailScreen)
        title = str(app.screen.query_one("#detail-title", Static).content)
        assert DAMAGED in title and "Nothing was saved" not in title  # only reading: nothing to save
        assert shown and all(DAMAGED in message for message in shown), shown
        await pilot.press("escape", "e")  # nor the form opened
        await wait_idle(pilot, app)
        assert isinstance(app.screen, CustomerListScreen)
        assert_alive(app)


class Breakable:
    """Damage the database file under the running app, then put the good copy back.

    An open SQLite connection keeps serving the pages it has cached, so each
    switch closes the pool's idle connections: the next unit of work opens
    the file as it now is (as a restart of the pool would).
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.path = Path(str(engine.url.database))
        self.good = b""

    def damage(self) -> None:
        checkpoint(self.engine)
        self.good = self.path.read_bytes()
        damage(self.path, "header")
        self.engine.dispose()

    def restore(self) -> None:
        self.path.write_bytes(self.good)  # the administrator copies the backup back
        self.engine.dispose()


async def test_every_screen_survives_a_damaged_database_and_recovers(sqlite_engine: Engine) -> None:
    """Each key of the list while the database cannot be read: a message, never a traceback."""
    known = fill(sqlite_engine)
    shown: list[str] = []
    broken = Breakable(sqlite_engine)
    async with running_app(sqlite_engine, known.admin, setup=record_notifications(shown)) as (app, pilot):
        await goto(pilot, app, known.busy_id)
        broken.damage()
        # Screens that open with what they could read (and say why they are empty), then back:
        for key in ("enter", "i", "o", "j", "h", "D", "M", "L", "A"):
            await pilot.press(key)
            await wait_idle(pilot, app)
            assert not isinstance(app.screen, CustomerListScreen), key
            await pilot.press("escape")
            await wait_idle(pilot, app)
            assert isinstance(app.screen, CustomerListScreen), key
            assert_alive(app)
        # Screens and dialogs that cannot open without the database: the list stays.
        for keys in (("t",), ("g",), ("f",), ("n",), ("e",), ("delete",), ("s", "s"), ("end",)):
            await pilot.press(*keys)
            await wait_idle(pilot, app)
            assert isinstance(app.screen, CustomerListScreen), keys
            assert_alive(app)
        assert shown and all(DAMAGED in message for message in shown), shown

        broken.restore()
        await goto(pilot, app, known.busy_id)
        await pilot.press("enter")
        await wait_idle(pilot, app)
        assert isinstance(app.screen, CustomerDetailScreen)
        assert "Van den Broeck Jan" in str(app.screen.query_one("#detail-title", Static).content)
        assert_alive(app)


async def test_location_form_and_installation_move_keep_the_input(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    shown: list[str] = []
    broken = Breakable(sqlite_engine)
    async with running_app(sqlite_engine, known.admin, setup=record_notifications(shown)) as (app, pilot):
        await goto(pilot, app, known.busy_id)

        await pilot.press("o", "n")  # a new location
        await wait_idle(pilot, app)
        form = app.screen
        assert isinstance(form, LocationFormScreen)
        await pilot.press(*"Warehouse")
        for field, value in (("street", "Dok Noord"), ("number", "7"), ("postal_code", "9000"), ("city", "Gent")):
            await paste(pilot, form.query_one(f"#{field}", Input), value)
        typed = form.values()
        broken.damage()
        await pilot.press("ctrl+s")
        await wait_idle(pilot, app)
        assert shown and DAMAGED in shown[-1], shown
        assert app.screen is form and form.values() == typed
        broken.restore()
        await pilot.press("ctrl+s")
        await wait_idle(pilot, app)
        assert isinstance(app.screen, LocationsScreen) and app.screen.table.row_count == 2

        await pilot.press("escape", "i", "v")  # move an installation to the other customer's site
        await wait_idle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, MoveInstallationScreen)
        await paste(pilot, dialog.query_one("#move-search", Input), "janssens")
        await wait_idle(pilot, app)
        await pilot.press("enter", "enter")  # the first hit, then its only location
        await pilot.pause()
        broken.damage()
        shown.clear()
        await pilot.press("ctrl+s")
        await wait_idle(pilot, app)
        assert shown and DAMAGED in shown[-1], shown
        assert app.screen is dialog and dialog.target_customer == known.other_id  # the choice kept
        broken.restore()
        await pilot.press("ctrl+s")
        await wait_idle(pilot, app)
        assert isinstance(app.screen, InstallationsScreen)
        assert_alive(app)
    with Session(sqlite_engine) as session:
        moved = session.exec(select(Installation).where(Installation.serial_number == "VA-001")).one()
        location = session.get(Location, moved.location_id)
        assert location is not None and location.customer_id == known.other_id
        assert session.exec(select(Location).where(Location.name == "Warehouse")).one().customer_id == known.busy_id


async def test_merge_wizard_keeps_the_plan_when_the_merge_cannot_be_saved(sqlite_engine: Engine) -> None:
    office, ids = fill_duplicates(sqlite_engine)
    shown: list[str] = []
    broken = Breakable(sqlite_engine)
    async with running_app(sqlite_engine, office, setup=record_notifications(shown)) as (app, pilot):
        await app.push_screen(MergeWizardScreen(ids))
        await wait_idle(pilot, app)
        wizard = app.screen
        assert isinstance(wizard, MergeWizardScreen)
        await pilot.press("n")  # the field values: take the name of another record
        names = wizard.plan.field_choice("name")
        other = next(cid for cid, value in names.values.items() if value != names.values[names.chosen_from])
        listing = wizard.query_one(OptionList)
        listing.highlighted = listing.get_option_index(f"field:name:{other}")
        await pilot.press("enter", "n", "n", "n")
        assert wizard.step == "preview"
        chosen = wizard.plan.chosen_values()
        assert chosen["name"] == names.values[other]
        broken.damage()
        await pilot.press("a")
        await wait_idle(pilot, app)
        assert shown and DAMAGED in shown[-1], shown
        assert wizard.step == "preview" and wizard.merge_id is None
        assert wizard.plan.chosen_values() == chosen
        broken.restore()
        await pilot.press("a")
        await wait_idle(pilot, app)
        assert wizard.step == "done" and wizard.merge_id is not None
        assert_alive(app)
    with Session(sqlite_engine) as session:
        kept = session.get(Customer, wizard.plan.keep_id)
        assert kept is not None
        assert {field: getattr(kept, field) for field in chosen} == chosen


# --- a database server that is down, or goes down ---------------------------------------


class TcpProxy:
    """127.0.0.1:port forwarded to the database server; stop() is the server going down.

    Stopping closes the listening socket and every forwarded connection, so
    the app sees what a crashed server or a cut cable looks like; start()
    again on the same port is the server coming back.
    """

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = 0
        self._listener: socket.socket | None = None
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        if self._listener is not None:
            for close in (lambda: self._listener.shutdown(socket.SHUT_RDWR), self._listener.close):  # type: ignore[union-attr]
                with suppress(OSError):
                    close()
            self._listener = None
        with self._lock:
            connections, self._open = self._open, set()
        for connection in connections:
            self._close(connection)

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return  # stopped
            try:
                server = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open |= {client, server}
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            self._close(source)
            self._close(sink)

    @staticmethod
    def _close(connection: socket.socket) -> None:
        with suppress(OSError):
            connection.shutdown(socket.SHUT_RDWR)
        with suppress(OSError):
            connection.close()


def empty_postgres(engine: Engine) -> None:
    tables = [t.name for t in SQLModel.metadata.sorted_tables if t.name not in ("region", "alembic_version")]
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))


@pytest.fixture
def proxied_postgres(postgres_engine: Engine, postgres_server_url: str) -> Iterator[tuple[Engine, TcpProxy, Known]]:
    """The test database, filled, and an engine that reaches it through a proxy the test can cut."""
    empty_postgres(postgres_engine)
    known = fill(postgres_engine)
    url = make_url(postgres_server_url)
    proxy = TcpProxy((url.host or "127.0.0.1", url.port or 5432))
    proxy.start()
    engine = make_engine(url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False))
    try:
        yield engine, proxy, known
    finally:
        proxy.stop()
        engine.dispose()


@pytest.mark.postgres
async def test_server_goes_down_during_a_session(proxied_postgres: tuple[Engine, TcpProxy, Known]) -> None:
    engine, proxy, known = proxied_postgres
    shown: list[str] = []
    async with running_app(engine, known.admin, setup=record_notifications(shown)) as (app, pilot):
        table = app.screen.query_one(CustomerTable)
        order = list(table.ids)

        # The server goes away while the list is open: nothing that reads crashes.
        proxy.stop()
        await pilot.press("s", "s")  # sort by installations: the list stays as it was
        await wait_idle(pilot, app)
        assert table.ids == order and table.sort_key == "name"
        await pilot.press("f")  # the filter's choices cannot be read: no dialog
        await pilot.pause()
        await pilot.press("end", "home", "down")
        await pilot.press("enter")  # the detail says why it is empty
        await wait_idle(pilot, app)
        assert isinstance(app.screen, CustomerDetailScreen)
        assert UNREACHABLE in str(app.screen.query_one("#detail-title", Static).content)
        await pilot.press("escape", "e")  # the form cannot be filled: it does not open
        await wait_idle(pilot, app)
        assert isinstance(app.screen, CustomerListScreen)
        assert shown and all(UNREACHABLE in message for message in shown), shown
        assert_alive(app)

        # Back again: the app recovers by itself (pool_pre_ping reconnects).
        proxy.start()
        form, typed = await open_form_with_edits(pilot, app, known.alias_id)

        # Down again while the user types: saving is refused, nothing typed is lost.
        proxy.stop()
        shown.clear()
        await pilot.press("ctrl+s")
        await wait_idle(pilot, app)
        assert shown and UNREACHABLE in shown[-1], shown
        assert app.screen is form and form.values() == typed

        proxy.start()
        await pilot.press("ctrl+s")
        await wait_idle(pilot, app)
        assert isinstance(app.screen, CustomerListScreen)
        await pilot.press("enter")
        await wait_idle(pilot, app)
        assert isinstance(app.screen, CustomerDetailScreen)
        assert "Dubois & Fils sa" in str(app.screen.query_one("#detail-title", Static).content)
        assert_alive(app)
    saved = stored(engine, known.alias_id)
    assert (saved.internal_name, saved.phone) == (INTERNAL_NAME, STORED_PHONE)
