"""Recent customers: the ones you opened last, newest first; enter opens one."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from custtui.i18n import N_, _, format_datetime
from custtui.services import recent
from custtui.services.recent import RecentEntry
from custtui.tui.base import ModalScreen
from custtui.tui.text import plain


class RecentCustomersScreen(ModalScreen[int | None]):
    """Returns the customer chosen, or None."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="recent.cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="recent-dialog", classes="dialog"):
            yield Static(_("Recent customers"), classes="dialog-title")
            yield OptionList(id="recent-list", compact=True)
            yield Static(id="recent-empty")
            yield Static(_("enter: open · escape: close"), classes="dialog-hint")

    def on_mount(self) -> None:
        user = self.custtui.user
        self.fetch(lambda session: recent.recent_customers(session, user), self._show)
        self.query_one(OptionList).focus()

    def _show(self, entries: list[RecentEntry]) -> None:
        options = []
        for entry in entries:
            line = plain(entry.name, style="bold")  # the name as text, never as markup
            if entry.city:
                line.append_text(plain(f"  {entry.city}"))
            line.append(f"  {format_datetime(entry.at)}", style="dim")
            line.no_wrap = True
            line.overflow = "ellipsis"
            options.append(Option(line, id=str(entry.customer_id)))
        listing = self.query_one(OptionList)
        listing.set_options(options)
        if options:
            listing.highlighted = 0
        else:
            self.query_one("#recent-empty", Static).update(Text(_("No customer opened yet."), style="italic"))

    @on(OptionList.OptionSelected, "#recent-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(int(event.option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)
