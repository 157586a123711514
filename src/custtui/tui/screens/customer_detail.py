"""One customer: every field, the region's regulation, sites, counts, last missions."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from custtui.errors import DomainError
from custtui.i18n import N_, _, format_date, format_relative, language_name, ngettext
from custtui.models import MISSION_KIND_NAMES, MISSION_STATUS_NAMES, MissionKind, MissionStatus
from custtui.services import customers, labels, locations, missions, regions
from custtui.services.addresses import address_line
from custtui.tui.customer_screen import CustomerScreen
from custtui.tui.faults import customer_not_read
from custtui.tui.messages import CustomersChanged
from custtui.tui.text import label_text as tui_label_text  # the name label_text is a local here
from custtui.tui.text import multiline, plain, safe

LAST_MISSIONS = 5


def document_language(customer_language: str | None, technician_language: str | None) -> str:
    """The document language as shown: "French (technician's default)" when the customer has none."""
    chosen = customers.document_language(customer_language, technician_language)
    if not chosen.is_technicians_default:
        return language_name(chosen.code)
    return _("{language} (technician's default)").format(language=language_name(chosen.code))


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
            yield Static(id="detail-title")
            yield Static(id="detail-fields")
            yield Static(id="detail-region")
            yield Static(id="detail-locations")
            yield Static(id="detail-missions")
            yield Static(id="detail-notes")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.refresh_detail()
        self.query_one("#detail", VerticalScroll).focus()

    def current_customer_id(self) -> int | None:
        return self.customer_id

    def refresh_detail(self) -> None:
        def load(session):  # type: ignore[no-untyped-def]
            customer = customers.get_customer(session, self.customer_id)
            return (
                customer,
                regions.get_region(session, customer.region_code),
                labels.labels_of(session, self.customer_id),
                locations.locations_of(session, self.customer_id),
                customers.linked_counts(session, self.customer_id),
                missions.missions_of_customer(session, self.customer_id, limit=LAST_MISSIONS),
            )

        self.fetch(load, self._show, on_error=self._not_read, loading=None if self._shown else self.query_one("#detail"))

    def _not_read(self, error: DomainError) -> None:
        # The database away, what is shown stays; a first load says why it is empty.
        customer_not_read(
            self,
            error,
            placeholder=None if self._shown else self.query_one("#detail-title", Static),
            gone_message=_("This customer no longer exists."),
        )

    def _show(self, found: tuple[Any, ...]) -> None:
        customer, region, tags, sites, counts, recent = found
        self._shown = True

        self.sub_title = safe(customer.name)
        title = plain(customer.name, style="bold")
        if customer.internal_name:
            title.append("  (")
            title.append(safe(customer.internal_name), style="italic")
            title.append(")")
        self.query_one("#detail-title", Static).update(title)

        fields = Table.grid(padding=(0, 1))
        fields.add_column(style="bold", no_wrap=True)
        fields.add_column()
        label_text = Text()
        for index, tag in enumerate(tags):
            if index:
                label_text.append(", ")
            label_text.append_text(tui_label_text(tag.name, tag.colour, no_color=self.app.no_color))
        rows = [
            (_("Internal name"), plain(customer.internal_name)),
            (_("Customer number"), plain(customer.customer_number)),
            (_("Document language"), Text(document_language(customer.language, self.custtui.user.language))),
            (_("VAT"), plain(customer.vat_number)),
            (_("E-mail"), plain(customer.email)),
            (_("Phone"), plain(customer.phone)),
            (_("Labels"), label_text),
            (
                _("Linked"),
                Text(
                    " · ".join(
                        (
                            ngettext("{n} location", "{n} locations", counts.locations).format(n=counts.locations),
                            ngettext("{n} installation", "{n} installations", counts.installations).format(
                                n=counts.installations
                            ),
                            ngettext("{n} mission", "{n} missions", counts.missions).format(n=counts.missions),
                        )
                    )
                ),
            ),
        ]
        rows.append(
            (
                _("Record"),
                Text(
                    _("created {created} · changed {changed}").format(
                        created=format_relative(customer.created_at), changed=format_relative(customer.updated_at)
                    )
                ),
            )
        )
        for name, value in rows:
            fields.add_row(name, value)
        self.query_one("#detail-fields", Static).update(fields)

        region_text = Text()
        region_text.append(_("Region") + ": ", style="bold")
        region_text.append(f"{regions.display_name(region) if region else customer.region_code} ({customer.region_code})")
        if region is not None and region.regulation_note:
            region_text.append("\n" + regions.regulation_note(region), style="italic")
        self.query_one("#detail-region", Static).update(region_text)

        sites_text = Text()
        sites_text.append(_("Locations") + "\n", style="bold")
        if not sites:
            sites_text.append(_("No locations yet (press o to add one)."), style="italic")
        for site in sites:
            sites_text.append("• ")
            if site.name:
                sites_text.append(safe(site.name) + ": ")
            sites_text.append(safe(address_line(site)))
            sites_text.append(f"  [{site.region_code}]\n", style="dim")
        self.query_one("#detail-locations", Static).update(sites_text)

        missions_text = Text()
        missions_text.append(_("Last missions") + "\n", style="bold")
        if not recent:
            missions_text.append(_("No missions."), style="italic")
        for mission, _location in recent:
            missions_text.append(f"{format_date(mission.planned_on, 'short'):<10} ")
            missions_text.append(f"{_(MISSION_KIND_NAMES[MissionKind(mission.kind)]):<13} ")
            missions_text.append(f"{_(MISSION_STATUS_NAMES[MissionStatus(mission.status)]):<12} ")
            missions_text.append(safe(mission.technician) + "\n")
        self.query_one("#detail-missions", Static).update(missions_text)

        notes = Text()
        if customer.notes:
            notes.append(_("Notes") + "\n", style="bold")
            notes.append_text(multiline(customer.notes))
        self.query_one("#detail-notes", Static).update(notes)

    def on_customers_changed(self, message: CustomersChanged) -> None:
        if not self.is_attached:
            return
        if message.customer_ids is None or self.customer_id in message.customer_ids:
            self.refresh_detail()

    def after_delete(self, customer_id: int) -> None:
        self.dismiss()

    def action_back(self) -> None:
        self.dismiss()
