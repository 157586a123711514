"""The notes journal by keyboard: write, read in full, search, change, delete; someone else's note stays theirs."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session
from textual.widgets import Static
from tui_support import burst, fill, recording_notifications, running_app, sublist_rows, wait_idle

from custtui.models import User
from custtui.services import notes
from custtui.tui.screens.customer_detail import CustomerDetailScreen
from custtui.tui.screens.notes import NoteFormScreen, NotesScreen
from custtui.tui.widgets.customer_table import CustomerTable


def _shown(screen: object, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())  # type: ignore[attr-defined]


async def test_write_search_change_and_delete_notes_by_keyboard(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    messages: list[str] = []
    async with running_app(sqlite_engine, known.admin, setup=recording_notifications(messages)) as (app, pilot):
        table = app.screen.query_one(CustomerTable)
        table.cursor = table.ids.index(known.busy_id)
        await burst(pilot, app, "w")
        assert isinstance(app.screen, NotesScreen)
        assert _shown(app.screen, "#sub-empty") == "No notes yet: press n to write one."
        # Typed ahead in one burst, as a slow link delivers it: the form, two lines, saved.
        await burst(pilot, app, "n", "Called: [bold]boiler[/] noise", "enter", "Visit planned on Monday", "ctrl+s")
        assert isinstance(app.screen, NotesScreen)
        rows = sublist_rows(app.screen)
        assert len(rows) == 1 and rows[0][1] == "Alice" and rows[0][3] == "Called: [bold]boiler[/] noise"
        full = _shown(app.screen, "#note-text")
        assert "Called: [bold]boiler[/] noise\nVisit planned on Monday" in full  # shown literally, never as markup
        # A second note, about the customer's site.
        await burst(pilot, app, "n", "shift+tab", "enter", "down", "enter", "tab", "Key under the mat", "ctrl+s")
        rows = sublist_rows(app.screen)
        assert [row[3] for row in rows] == ["Key under the mat", "Called: [bold]boiler[/] noise"]  # newest first
        assert rows[0][2].startswith("Kerkstraat")
        # Search, accents and case folded; escape clears it, a second escape goes back.
        await burst(pilot, app, "/", "BOÍLER")
        assert [row[3] for row in sublist_rows(app.screen)] == ["Called: [bold]boiler[/] noise"]
        await burst(pilot, app, "/", "zzz")
        assert sublist_rows(app.screen) == []
        await burst(pilot, app, "escape")
        assert len(sublist_rows(app.screen)) == 2 and isinstance(app.screen, NotesScreen)
        # Change the highlighted (newest) note.
        await burst(pilot, app, "escape", "e")
        assert isinstance(app.screen, NoteFormScreen)
        await burst(pilot, app, " - left with the neighbour", "ctrl+s")
        assert sublist_rows(app.screen)[0][3].startswith("Key under the mat - left")
        assert "changed" in _shown(app.screen, "#note-text")  # and when it was changed
        # Delete it: the dialog's focus starts on Cancel.
        await burst(pilot, app, "delete", "tab", "enter")
        assert [row[3] for row in sublist_rows(app.screen)] == ["Called: [bold]boiler[/] noise"]
        await burst(pilot, app, "escape", "enter")
        assert isinstance(app.screen, CustomerDetailScreen)
        assert "Visit planned on Monday" in _shown(app.screen, "#detail-notes")
    assert app._exception is None


async def test_someone_elses_note_cannot_be_changed_here(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine, role="office")
    with Session(sqlite_engine) as session:
        tom = User(login="tom", display_name="Tom", role="technician")
        session.add(tom)
        session.commit()
        notes.add_note(session, tom, known.busy_id, "Pump replaced")
        session.commit()
    messages: list[str] = []
    async with running_app(sqlite_engine, known.admin, setup=recording_notifications(messages)) as (app, pilot):
        table = app.screen.query_one(CustomerTable)
        table.cursor = table.ids.index(known.busy_id)
        await burst(pilot, app, "w", "e")
        assert isinstance(app.screen, NotesScreen)  # no form: the note is Tom's
        assert any("Tom" in message for message in messages)
        await burst(pilot, app, "delete")
        assert isinstance(app.screen, NotesScreen)
        await wait_idle(pilot, app)
        assert len(sublist_rows(app.screen)) == 1
