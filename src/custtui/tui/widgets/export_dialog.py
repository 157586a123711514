"""Export what the list shows: the file to write, then the rows of the filter or search, with the shown columns."""

from __future__ import annotations

from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from custtui.i18n import N_, _, format_number, ngettext, pgettext
from custtui.tui.base import ModalScreen
from custtui.tui.fields import field_titles


def export_titles() -> dict[str, str]:
    """Each list column's header in the file: in full, where the list has room only for "Inst" or "Jobs"."""
    return {
        **field_titles(),
        "labels": _("Labels"),
        "installations": _("Installations"),
        "missions": _("Missions"),
        "created_at": pgettext("export column: created on", "Created"),
        "last_mission": _("Last mission"),
    }


def default_export_path(today: date | None = None) -> str:
    """~/custtui-export-2026-12-03.xlsx, written with the ~ as the user reads it."""
    return f"~/custtui-export-{(today or date.today()).isoformat()}.xlsx"


class ExportShownDialog(ModalScreen[str | None]):
    """Where to write the export; returns the path as typed (~ allowed), or None."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="export.cancel")]

    def __init__(self, count: int, path: str | None = None) -> None:
        super().__init__()
        self.count = count
        self.path = path or default_export_path()

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog", classes="dialog"):
            yield Static(_("Export the customers shown"), classes="dialog-title")
            yield Static(id="export-what")
            yield Label(_("File"))
            yield Input(self.path, id="export-path", compact=True)
            yield Static(
                _("Ending in .xlsx: an Excel workbook; in .csv: a CSV file that Excel opens as it is."), classes="dialog-hint"
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Cancel"), id="export-cancel", compact=True)
                yield Button(pgettext("button", "Export"), id="export-go", variant="primary", compact=True)

    def on_mount(self) -> None:
        what = ngettext(
            "{n} customer, with the columns of the list.", "{n} customers, with the columns of the list.", self.count
        ).format(n=format_number(self.count))
        self.query_one("#export-what", Static).update(what)
        field = self.query_one("#export-path", Input)
        field.focus()
        field.cursor_position = len(field.value)

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#export-go")
    def export(self) -> None:
        path = self.query_one("#export-path", Input).value.strip()
        if path:
            self.dismiss(path)

    @on(Button.Pressed, "#export-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
