"""The panels of a customer's detail screen: each shows one part of a CustomerDetail.

The screen reads the detail once (services.customer_detail) and hands it to
every panel; a panel only turns its part into text. User data goes through
tui.text (plain/safe), never as markup.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from custtui.i18n import _, format_date, format_datetime, format_number, format_relative, language_name, ngettext
from custtui.models import MissionKind, MissionStatus
from custtui.services import customers, normalise, regions
from custtui.services.addresses import address_line
from custtui.services.customer_detail import CustomerDetail
from custtui.services.marks import shown_name
from custtui.tui.text import (
    assemble,
    contact_role_name,
    label_text,
    mission_kind_name,
    mission_status_name,
    multiline,
    plain,
    safe,
    shown_value,
)


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
        name = plain(shown_name(customer), style="bold")
        if not customer.internal_name:
            return name
        return assemble(
            _("{name}  ({internal_name})"), name=name, internal_name=plain(customer.internal_name, style="italic")
        )


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
                ngettext("{n} location", "{n} locations", counts.locations).format(n=format_number(counts.locations)),
                ngettext("{n} installation", "{n} installations", counts.installations).format(
                    n=format_number(counts.installations)
                ),
                ngettext("{n} mission", "{n} missions", counts.missions).format(n=format_number(counts.missions)),
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
        if detail.edit_refusal:
            fields.add_row(_("Read-only for you"), Text(detail.edit_refusal, style="italic"))
        return fields


class RegionPanel(DetailPanel):
    """The region, and the regulation that applies there."""

    def render_detail(self, detail: CustomerDetail) -> RenderableType:
        customer, region = detail.customer, detail.region
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column()
        shown = _("{region} ({code})").format(
            region=regions.display_name(region) if region else customer.region_code, code=customer.region_code
        )
        grid.add_row(_("Region"), Text(shown))
        if region is None or not region.regulation_note:
            return grid
        return Group(grid, Text(regions.regulation_note(region), style="italic"))


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
            address = address_line(site)
            if site.name:
                text.append_text(assemble(_("{location}: {address}"), location=site.name, address=address))
            else:
                text.append_text(plain(address))
            text.append(f"  [{site.region_code}]", style="dim")
        return text


class MissionsPanel(DetailPanel):
    """The last missions: date, kind, status, technician."""

    def render_detail(self, detail: CustomerDetail) -> RenderableType:
        text = Text()
        text.append(_("Last missions"), style="bold")
        # The columns as wide as the longest kind and status in the UI language.
        kind_width = max(cell_len(mission_kind_name(kind)) for kind in MissionKind)
        status_width = max(cell_len(mission_status_name(status)) for status in MissionStatus)
        if not detail.last_missions:
            text.append("\n")
            text.append(_("No missions."), style="italic")
        for mission, _location in detail.last_missions:
            text.append("\n")
            for cell, width in (
                (format_date(mission.planned_on, "short"), 10),
                (mission_kind_name(mission.kind), kind_width),
                (mission_status_name(mission.status), status_width),
            ):
                text.append(cell + " " * (width - cell_len(cell) + 1))
            text.append(safe(mission.technician))
        return text


class ContactsPanel(DetailPanel):
    """The contact persons, when there are any: name, role, site, how to reach them."""

    def render_detail(self, detail: CustomerDetail) -> RenderableType:
        text = Text()
        if not detail.contacts:
            return text
        text.append(_("Contacts"), style="bold")
        country = normalise.customer_country(detail.customer.region_code)
        for contact in detail.contacts:
            text.append("\n• ")
            text.append_text(assemble(_("{name} ({role})"), name=contact.name, role=contact_role_name(contact.role)))
            reach = [shown_value("phone", number, country) for number in (contact.mobile, contact.phone) if number]
            reach += [safe(contact.email)] if contact.email else []
            if contact.location_name:
                reach.insert(0, safe(contact.location_name))
            if reach:
                text.append("  " + " · ".join(reach), style="dim")
        return text


class NotesPanel(DetailPanel):
    """The journal's newest notes, when there are any, and how to see the others."""

    def render_detail(self, detail: CustomerDetail) -> RenderableType:
        text = Text()
        if not detail.last_notes:
            return text
        text.append(_("Notes"), style="bold")
        for entry in detail.last_notes:
            text.append("\n")
            heading = assemble(_("{when} · {author}"), when=format_datetime(entry.at), author=entry.author)
            heading.stylize("dim")
            text.append_text(heading)
            text.append("\n")
            text.append_text(multiline(entry.text))
        hidden = detail.note_count - len(detail.last_notes)
        if hidden:
            text.append("\n")
            more = ngettext("{n} older note in the journal.", "{n} older notes in the journal.", hidden)
            text.append(more.format(n=format_number(hidden)), style="italic")
        return text
