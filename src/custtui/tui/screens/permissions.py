"""Who edits what (admins, from the palette): technicians edit every record, or only the ones they created."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from custtui.i18n import N_, _
from custtui.services import permissions
from custtui.services.permissions import TechnicianEdits
from custtui.tui.base import ModalScreen


class PermissionsScreen(ModalScreen[None]):
    """The database's setting, the present choice marked (● / ○: it shows without colour too); enter chooses."""

    BINDINGS = [Binding("escape", "close", N_("Close"), id="permissions.close")]

    def compose(self) -> ComposeResult:
        with Vertical(id="permissions-dialog", classes="dialog"):
            yield Static(_("Who edits what"), classes="dialog-title")
            yield Static(_("For everyone who uses this database. Office and admins edit every record."))
            yield OptionList(id="permissions-list", compact=True)
            yield Static(
                Text(_("Which roles may set a label: each label says so, in the label manager (L)."), style="italic"),
                id="permissions-labels",
            )
            yield Static(_("enter: choose · escape: close"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self._reload()

    def _reload(self) -> None:
        self.fetch(permissions.technician_edits, self._show)

    def _show(self, present: TechnicianEdits) -> None:
        listing = self.query_one(OptionList)
        listing.set_options(
            Option(f"{'●' if choice == present else '○'} {_(name)}", id=choice.value)
            for choice, name in permissions.TECHNICIAN_EDITS_NAMES.items()
        )
        listing.highlighted = list(TechnicianEdits).index(present)

    @on(OptionList.OptionSelected, "#permissions-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        chosen = TechnicianEdits(event.option.id or TechnicianEdits.ALL)
        user = self.custtui.user

        def saved(now: TechnicianEdits) -> None:
            self.notify(_(permissions.TECHNICIAN_EDITS_NAMES[now]), title=_("Saved"))
            self._show(now)

        self.write(lambda session: permissions.set_technician_edits(session, user, chosen), saved, group="permissions")

    def action_close(self) -> None:
        self.dismiss(None)
