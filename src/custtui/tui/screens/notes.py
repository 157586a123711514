"""A customer's notes journal: dated entries by user, newest first, filtered as you type; add, edit, delete."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Footer, Input, Label, Select, Static, TextArea

from custtui.errors import DomainError
from custtui.i18n import N_, _, format_datetime
from custtui.models import Role, stored_id
from custtui.services import locations, notes
from custtui.services.addresses import address_line
from custtui.services.notes import NoteEntry
from custtui.tui.faults import report
from custtui.tui.sublist_screen import CustomerSubScreen, fitted
from custtui.tui.text import assemble, multiline, plain, safe, safe_lines
from custtui.tui.widgets.dialogs import ConfirmDialog, EditScreen
from custtui.tui.widgets.stock import Header

_WHOLE_CUSTOMER = ""  # the site choice "about the customer as a whole"


def note_columns() -> list[tuple[str, str, int]]:
    """The journal's columns (title, key, width): 79 cells with their padding, within 80."""
    return [(_("When"), "at", 17), (_("By"), "author", 12), (_("Site"), "site", 12), (_("Note"), "text", 30)]


def first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


class NoteFormScreen(EditScreen):
    """Write a new note, or change one's text; returns the note's id when saved."""

    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), id="note_form.save"),
        Binding("escape", "cancel", N_("Cancel"), id="note_form.cancel"),
    ]

    def __init__(self, customer_id: int, entry: NoteEntry | None = None) -> None:
        super().__init__()
        self.customer_id = customer_id
        self.entry = entry

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="note-fields"):
            with Horizontal(classes="form-row"):
                yield Label(_("Site"), classes="form-label")
                yield Select([(_("The customer as a whole"), _WHOLE_CUSTOMER)], id="location_id", compact=True, allow_blank=False)
            yield Static("", classes="form-error", id="error-location_id")
            yield TextArea(id="text", soft_wrap=True, show_line_numbers=False)
            yield Static("", classes="form-error", id="error-text")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.sub_title = _("Edit note") if self.entry else _("New note")
        self.fetch(lambda session: locations.locations_of(session, self.customer_id), self._show, on_error=self._not_read)

    def _not_read(self, error: DomainError) -> None:
        report(self.custtui, error, reading=True)
        self._saved = True
        self.dismiss(None)

    def _show(self, sites: list[Any]) -> None:
        options = [(_("The customer as a whole"), _WHOLE_CUSTOMER)]
        for site in sites:
            options.append((safe(site.name or address_line(site)) or _("Location {id}").format(id=site.id), str(site.id)))
        select = self.query_one("#location_id", Select)
        select.set_options(options)
        if self.entry is not None:
            select.value = str(self.entry.location_id) if self.entry.location_id else _WHOLE_CUSTOMER
            select.disabled = True  # a note stays about what it was written about; its text may change
            area = self.query_one("#text", TextArea)
            area.text = safe_lines(self.entry.text)
            area.move_cursor(area.document.end)  # to add to it, as one mostly does
        self._initial = self.values()
        self.query_one("#text", TextArea).focus()

    def values(self) -> dict[str, str]:
        site = self.query_one("#location_id", Select).value
        return {
            "location_id": "" if site is Select.NULL else str(site),
            "text": self.query_one("#text", TextArea).text,
        }

    @on(TextArea.Changed, "#text")
    def _text_changed(self) -> None:
        self.clear_error("text")

    def action_save(self) -> None:
        values = self.values()
        user, customer_id, entry = self.custtui.user, self.customer_id, self.entry
        site = int(values["location_id"]) if values["location_id"] else None

        def save(session: Any) -> int:
            if entry is None:
                return stored_id(notes.add_note(session, user, customer_id, values["text"], site))
            return stored_id(notes.edit_note(session, user, entry.id, values["text"]))

        self.write(save, self._after_save, on_error=self.not_saved)

    def _after_save(self, saved: int) -> None:
        self._saved = True
        self.notify(_("Note saved."))
        self.custtui.customers_changed([self.customer_id])
        self.dismiss(saved)


class NotesScreen(CustomerSubScreen):
    """The journal; the highlighted note in full below the list."""

    BINDINGS = [
        Binding("n", "add", N_("Add"), id="notes.add"),
        Binding("e,enter", "edit", N_("Edit"), id="notes.edit"),
        Binding("delete", "delete", N_("Delete"), id="notes.delete"),
        Binding("slash", "filter", N_("Search"), id="notes.search"),
    ]

    def __init__(self, customer_id: int) -> None:
        super().__init__(customer_id)
        self._entries: dict[str, NoteEntry] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="sub-title")
        yield Input(id="notes-filter", compact=True, placeholder=_("Search the notes"))
        yield DataTable(id="sub-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="sub-empty")
        with VerticalScroll(id="note-full"):
            yield Static(id="note-text")
        yield Footer(compact=True, show_command_palette=False)

    def title_text(self) -> str:
        return _("Notes")

    def setup_columns(self, table: DataTable[Any]) -> None:
        for title, key, width in note_columns():
            table.add_column(title, key=key, width=width)

    def read(self, session: Any) -> list[NoteEntry]:
        return notes.list_notes(session, self.customer_id, self.query_one("#notes-filter", Input).value)

    def fill(self, table: DataTable[Any], rows: list[NoteEntry]) -> int:
        self._entries = {str(entry.id): entry for entry in rows}
        for entry in rows:
            table.add_row(
                *fitted(
                    table,
                    format_datetime(entry.at),
                    plain(entry.author),
                    plain(entry.location_name),
                    plain(first_line(entry.text)),
                ),
                key=str(entry.id),
            )
        if not rows:
            self.query_one("#note-text", Static).update("")
        return len(rows)

    def empty_text(self) -> str:
        if self.query_one("#notes-filter", Input).value.strip():
            return _("No note holds this text.")
        return _("No notes yet: press n to write one.")

    @on(DataTable.RowHighlighted, "#sub-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        entry = self._entries.get(str(event.row_key.value))
        if entry is None:
            return
        if entry.edited_at:
            heading = assemble(
                _("{when} · {author} · changed {changed}"),
                when=format_datetime(entry.at), author=entry.author, changed=format_datetime(entry.edited_at),
            )  # fmt: skip
        else:
            heading = assemble(_("{when} · {author}"), when=format_datetime(entry.at), author=entry.author)
        heading.stylize("bold")
        if entry.location_name:
            heading.append("\n").append_text(assemble(_("Site: {location}"), location=entry.location_name))
        heading.append("\n\n").append_text(multiline(entry.text))
        self.query_one("#note-text", Static).update(heading)

    @on(Input.Changed, "#notes-filter")
    def _filter_changed(self) -> None:
        self.reload()

    @on(Input.Submitted, "#notes-filter")
    def _filter_done(self) -> None:
        self.table.focus()

    def action_filter(self) -> None:
        self.query_one("#notes-filter", Input).focus()

    def action_back(self) -> None:
        search = self.query_one("#notes-filter", Input)
        if search.has_focus and search.value:
            search.value = ""  # escape clears the search first, then goes back
            return
        if search.has_focus:
            self.table.focus()
            return
        self.dismiss()

    def _selected(self) -> NoteEntry | None:
        key = self.selected_key()
        return self._entries.get(key) if key is not None else None

    def _may_change(self, entry: NoteEntry) -> bool:
        """Said before the form opens; the service refuses it anyway (notes.edit_note, delete_note)."""
        user = self.custtui.user
        if entry.user_login == user.login or user.role == Role.ADMIN.value:
            return True
        self.notify(_("Only {author}, who wrote this note, or an admin may change it.").format(author=entry.author))
        return False

    def action_add(self) -> None:
        self.app.push_screen(NoteFormScreen(self.customer_id))

    def action_edit(self) -> None:
        entry = self._selected()
        if entry is not None and self._may_change(entry):
            self.app.push_screen(NoteFormScreen(self.customer_id, entry))

    def action_delete(self) -> None:
        entry = self._selected()
        if entry is None or not self._may_change(entry):
            return
        body = assemble(_("Delete the note of {when} by {author}?"), when=format_datetime(entry.at), author=entry.author)
        body.append("\n" + _("This cannot be undone."))

        def confirmed(choice: str | None) -> None:
            if choice == "yes":
                self.write(
                    lambda session: notes.delete_note(session, self.custtui.user, entry.id),
                    lambda _nothing: self._deleted(),
                )

        self.app.push_screen(ConfirmDialog(_("Delete note"), body, _("Delete"), danger=True), confirmed)

    def _deleted(self) -> None:
        self.notify(_("Note deleted."))
        self.custtui.customers_changed([self.customer_id])
