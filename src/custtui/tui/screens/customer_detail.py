"""One customer: every field, the region's regulation, sites, counts, last missions."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static

from custtui.errors import DomainError
from custtui.i18n import N_, _
from custtui.services.customer_detail import CustomerDetail, customer_detail
from custtui.services.marks import shown_name
from custtui.tui.customer_screen import CustomerScreen
from custtui.tui.faults import customer_not_read
from custtui.tui.messages import CustomersChanged
from custtui.tui.text import safe
from custtui.tui.widgets.customer_panels import (
    ContactsPanel,
    DetailPanel,
    FieldsPanel,
    LocationsPanel,
    MissionsPanel,
    NotesPanel,
    RegionPanel,
    TitlePanel,
)
from custtui.tui.widgets.stock import Header


class CustomerDetailScreen(CustomerScreen):
    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="detail.back"),
    ]

    def __init__(self, customer_id: int) -> None:
        super().__init__()
        self.customer_id = customer_id
        self._shown = False

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="detail"):
            yield TitlePanel(id="detail-title")
            yield FieldsPanel(technician_language=self.custtui.user.language, id="detail-fields")
            yield RegionPanel(id="detail-region")
            yield LocationsPanel(id="detail-locations")
            yield ContactsPanel(id="detail-contacts")
            yield MissionsPanel(id="detail-missions")
            yield NotesPanel(id="detail-notes")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.custtui.remember_opened(self.customer_id)
        self.refresh_detail()
        self.query_one("#detail", VerticalScroll).focus()

    def current_customer_id(self) -> int | None:
        return self.customer_id

    def refresh_detail(self) -> None:
        viewer = self.custtui.user
        self.fetch(
            lambda session: customer_detail(session, self.customer_id, viewer=viewer),
            self._show,
            on_error=self._not_read,
            loading=None if self._shown else self.query_one("#detail"),
        )

    def _not_read(self, error: DomainError) -> None:
        # The database away, what is shown stays; a first load says why it is empty.
        customer_not_read(
            self,
            error,
            placeholder=None if self._shown else self.query_one("#detail-title", Static),
            gone_message=_("This customer no longer exists."),
        )

    def _show(self, detail: CustomerDetail) -> None:
        self._shown = True
        self.sub_title = safe(shown_name(detail.customer))
        for panel in self.query(DetailPanel):
            panel.detail = detail

    def on_customers_changed(self, message: CustomersChanged) -> None:
        if not self.is_attached:
            return
        if message.customer_ids is None or self.customer_id in message.customer_ids:
            self.refresh_detail()

    def after_delete(self, customer_id: int) -> None:
        self.dismiss()

    def action_back(self) -> None:
        self.dismiss()
