"""The panels of a customer's detail screen: each shows one part of a CustomerDetail.

The screen reads the detail once (services.customer_detail) and hands it to
every panel; a panel only turns its part into text. User data goes through
tui.text (plain/safe), never as markup.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from custtui.i18n import _, format_date, format_relative, language_name, ngettext
from custtui.models import MISSION_KIND_NAMES, MISSION_STATUS_NAMES, MissionKind, MissionStatus
from custtui.services import customers, normalise, regions
from custtui.services.addresses import address_line
from custtui.services.customer_detail import CustomerDetail
from custtui.services.marks import shown_name
from custtui.tui.text import label_text, multiline, plain, safe, shown_value


def document_language(customer_language: str | None, technician_language: str | None) -> str:
    """The document language as shown: "French (technician's default)" when the customer has none."""
    chosen = customers.document_language(customer_language, technician_language)
    if not chosen.is_technicians_default:
        return language_name(chosen.code)
    return _("{language} (technician's default)").format(language=language_name(chosen.code))


class DetailPanel(Static):
    """A part of the detail screen; shows `detail` once it is set."""

    detail: reactive[CustomerDetail | None] = reactive(None, always_update=True, layout=True)

    def watch_detail(self, detail: CustomerDetail | None) -> None:
        if detail is not None:
            self.update(self.render_detail(detail))

    def render_detail(self, detail: CustomerDetail) -> RenderableType:
        raise NotImplementedError


class TitlePanel(DetailPanel):
    """The name, and the internal name beside it."""

    def render_detail(self, detail: CustomerDetail) -> RenderableType:
        customer = detail.customer
        title = plain(shown_name(customer), style="bold")
        if customer.internal_name:
            title.append("  (")
            title.append(safe(customer.internal_name), style="italic")
            title.append(")")
        return title


class FieldsPanel(DetailPanel):
    """Every field, the labels, what is linked, and when the record was made and changed."""

    def __init__(self, *, technician_language: str | None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.technician_language = technician_language

    def render_detail(self, detail: CustomerDetail) -> RenderableType:
        customer, counts = detail.customer, detail.counts
        labels = Text()
        for index, label in enumerate(detail.labels):
            if index:
                labels.append(", ")
            labels.append_text(label_text(label.name, label.colour, no_color=self.app.no_color))
        linked = " · ".join(
            (
                ngettext("{n} location", "{n} locations", counts.locations).format(n=counts.locations),
                ngettext("{n} installation", "{n} installations", counts.installations).format(n=counts.installations),
                ngettext("{n} mission", "{n} missions", counts.missions).format(n=counts.missions),
            )
        )
        record = _("created {created} · changed {changed}").format(
            created=format_relative(customer.created_at), changed=format_relative(customer.updated_at)
        )
        fields = Table.grid(padding=(0, 1))
        fields.add_column(style="bold", no_wrap=True)
        fields.add_column()
        for name, value in (
            (_("Internal name"), plain(customer.internal_name)),
            (_("Customer number"), plain(customer.customer_number)),
            (_("Document language"), Text(document_language(customer.language, self.technician_language))),
            (_("VAT"), Text(shown_value("vat_number", customer.vat_number))),
            (_("E-mail"), plain(customer.email)),
            (_("Phone"), Text(shown_value("phone", customer.phone, normalise.customer_country(customer.region_code)))),
            (_("Labels"), labels),
            (_("Linked"), Text(linked)),
            (_("Record"), Text(record)),
        ):
            fields.add_row(name, value)
        return fields


class RegionPanel(DetailPanel):
    """The region, and the regulation that applies there."""

    def render_detail(self, detail: CustomerDetail) -> RenderableType:
        customer, region = detail.customer, detail.region
        text = Text()
        text.append(_("Region") + ": ", style="bold")
        text.append(f"{regions.display_name(region) if region else customer.region_code} ({customer.region_code})")
        if region is not None and region.regulation_note:
            text.append("\n" + regions.regulation_note(region), style="italic")
        return text


class LocationsPanel(DetailPanel):
    """The customer's sites, with their region."""

    def render_detail(self, detail: CustomerDetail) -> RenderableType:
        text = Text()
        text.append(_("Locations"), style="bold")
        if not detail.locations:
            text.append("\n")
            text.append(_("No locations yet (press o to add one)."), style="italic")
        for site in detail.locations:
            text.append("\n• ")
            if site.name:
                text.append(safe(site.name) + ": ")
            text.append(safe(address_line(site)))
            text.append(f"  [{site.region_code}]", style="dim")
        return text


class MissionsPanel(DetailPanel):
    """The last missions: date, kind, status, technician."""

    def render_detail(self, detail: CustomerDetail) -> RenderableType:
        text = Text()
        text.append(_("Last missions"), style="bold")
        if not detail.last_missions:
            text.append("\n")
            text.append(_("No missions."), style="italic")
        for mission, _location in detail.last_missions:
            text.append(f"\n{format_date(mission.planned_on, 'short'):<10} ")
            text.append(f"{_(MISSION_KIND_NAMES[MissionKind(mission.kind)]):<13} ")
            text.append(f"{_(MISSION_STATUS_NAMES[MissionStatus(mission.status)]):<12} ")
            text.append(safe(mission.technician))
        return text


class NotesPanel(DetailPanel):
    """The notes, when there are any."""

    def render_detail(self, detail: CustomerDetail) -> RenderableType:
        text = Text()
        if detail.customer.notes:
            text.append(_("Notes") + "\n", style="bold")
            text.append_text(multiline(detail.customer.notes))
        return text
