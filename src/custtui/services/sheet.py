"""A printable customer sheet: the customer, its sites with their installations, contacts and last missions.

One HTML page in the customer's document language (whatever the screen
speaks), made for A4: a browser prints it, or saves it as PDF. Every value
from the database is escaped: a name holding "<script>" is shown as such.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum
from html import escape
from typing import Any

from sqlmodel import Session

from custtui.i18n import Document, language_name
from custtui.models import (
    CONTACT_ROLE_NAMES,
    INSTALLATION_KIND_NAMES,
    MISSION_KIND_NAMES,
    MISSION_STATUS_NAMES,
    ContactRole,
    Customer,
    Installation,
    InstallationKind,
    Location,
    Mission,
    MissionKind,
    MissionStatus,
)
from custtui.safetext import terminal_safe_lines
from custtui.services import contacts, customers, installations, locations, missions, normalise
from custtui.services.addresses import address_line
from custtui.services.contacts import ContactEntry

LAST_MISSIONS = 10


@dataclass(frozen=True)
class SheetData:
    customer: Customer
    shown_name: str  # with the ERROR mark, in the sheet's language
    sites: list[Location]
    installations: dict[int, list[Installation]]  # by location id
    contacts: list[ContactEntry]
    missions: list[tuple[Mission, Location]]  # the last LAST_MISSIONS, newest first


def sheet_data(session: Session, customer: Customer, language: str) -> SheetData:
    """What the sheet of `customer` shows."""
    customer_id = customer.id or 0
    placed: dict[int, list[Installation]] = defaultdict(list)
    for installation, site, _building in installations.installations_of_customer(session, customer_id):
        placed[site.id or 0].append(installation)
    shown_name = customer.name
    if customer.marked_error:  # the ERROR word in the sheet's language, as the screens write it in theirs
        error_word = Document(language)._("ERROR")
        shown_name = f"{error_word} {customer.name}"
    return SheetData(
        customer=customer,
        shown_name=shown_name,
        sites=locations.locations_of(session, customer_id),
        installations=dict(placed),
        contacts=contacts.contacts_of(session, customer_id),
        missions=missions.missions_of_customer(session, customer_id, limit=LAST_MISSIONS),
    )


def _text(value: object | None) -> str:
    """A database value for HTML: escaped, control characters made visible (as on a terminal)."""
    return escape(terminal_safe_lines("" if value is None else str(value)))


def _named(doc: Document, names: Mapping[Any, str], kind: type[Enum], value: str) -> str:
    try:
        return doc.translated(names[kind(value)])
    except (KeyError, ValueError):
        return value


def render_sheet(data: SheetData, language: str, today: date | None = None) -> str:
    """The sheet as one HTML page (UTF-8, styles inline, nothing fetched from elsewhere)."""
    doc = Document(language)
    _ = doc._
    customer = data.customer
    country = normalise.customer_country(customer.region_code)
    rows: list[tuple[str, str]] = [
        (_("Customer number"), _text(customer.customer_number)),
        (_("Internal name"), _text(customer.internal_name)),
        (_("VAT"), _text(normalise.format_vat(customer.vat_number) if customer.vat_number else "")),
        (_("Phone"), _text(normalise.format_phone(customer.phone, country) if customer.phone else "")),
        (_("E-mail"), _text(customer.email)),
        (_("Region"), _text(customer.region_code)),
        (_("Document language"), _text(language_name(customer.language, doc.language) if customer.language else "")),
    ]
    printed_on = doc.format_date(today or date.today(), "long")
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{doc.language}"><head><meta charset="utf-8">',
        f"<title>{_text(data.shown_name)}</title>",
        (
            "<style>"
            "@page{size:A4;margin:15mm}body{font:10.5pt/1.35 sans-serif;color:#000;margin:0 auto;max-width:180mm}"
            "h1{font-size:16pt;margin:0 0 2mm}h2{font-size:12pt;margin:6mm 0 2mm;border-bottom:1px solid #000}"
            "h3{font-size:11pt;margin:3mm 0 1mm}table{border-collapse:collapse;width:100%}"
            "th,td{text-align:left;vertical-align:top;padding:1mm 2mm 1mm 0;border-bottom:1px solid #ccc}"
            "th{font-weight:600}.fields th{width:40mm;border:0}.fields td{border:0}.muted{color:#555}"
            "section{break-inside:avoid}"
            "</style></head><body>"
        ),
        f"<h1>{_text(data.shown_name)}</h1>",
        '<p class="muted">' + escape(_("Customer sheet of {date}").format(date=printed_on)) + "</p>",
        '<table class="fields">',
        *(f"<tr><th>{escape(title)}</th><td>{value}</td></tr>" for title, value in rows if value),
        "</table>",
    ]
    parts.append("<h2>" + escape(_("Sites and installations")) + "</h2>")
    if not data.sites:
        parts.append("<p>" + escape(_("No locations.")) + "</p>")
    for site in data.sites:
        heading = address_line(site)
        if site.name:
            heading = _("{location}: {address}").format(location=site.name, address=heading)
        parts.append(f'<section><h3>{_text(heading)} <span class="muted">({_text(site.region_code)})</span></h3>')
        placed = data.installations.get(site.id or 0, [])
        if not placed:
            parts.append('<p class="muted">' + escape(_("No installations.")) + "</p></section>")
            continue
        parts.append(
            "<table><tr>"
            + "".join(
                f"<th>{escape(title)}</th>"
                for title in (
                    doc.pgettext("installation", "Kind"),
                    _("Brand"),
                    _("Model"),
                    _("Serial number"),
                    _("Power (kW)"),
                    _("Installed on"),
                )
            )  # fmt: skip
            + "</tr>"
        )
        for item in placed:
            cells: tuple[object, ...] = (
                _named(doc, INSTALLATION_KIND_NAMES, InstallationKind, item.kind), item.brand, item.model,
                item.serial_number, doc.format_number(item.power_kw), doc.format_date(item.installed_on, "short"),
            )  # fmt: skip
            parts.append("<tr>" + "".join(f"<td>{_text(cell)}</td>" for cell in cells) + "</tr>")
        parts.append("</table></section>")
    if data.contacts:
        parts.append("<h2>" + escape(_("Contacts")) + "</h2><table>")
        for contact in data.contacts:
            reach = [normalise.format_phone(number, country) for number in (contact.mobile, contact.phone) if number] + (
                [contact.email] if contact.email else []
            )
            role = _named(doc, CONTACT_ROLE_NAMES, ContactRole, contact.role)
            parts.append(
                f"<tr><td>{_text(contact.name)}</td><td>{escape(role)}</td><td>{_text(contact.location_name)}</td>"
                f"<td>{_text(' · '.join(reach))}</td></tr>"
            )
        parts.append("</table>")
    parts.append("<h2>" + escape(_("Last missions")) + "</h2>")
    if not data.missions:
        parts.append("<p>" + escape(_("No missions.")) + "</p>")
    else:
        parts.append(
            "<table><tr>"
            + "".join(
                f"<th>{escape(title)}</th>"
                for title in (
                    _("Planned on"),
                    doc.pgettext("mission", "Kind"),
                    _("Status"),
                    _("Technician"),
                    _("Location"),
                )
            )  # fmt: skip
            + "</tr>"
        )
        for mission, site in data.missions:
            cells = (
                doc.format_date(mission.planned_on, "short"),
                _named(doc, MISSION_KIND_NAMES, MissionKind, mission.kind),
                _named(doc, MISSION_STATUS_NAMES, MissionStatus, mission.status),
                mission.technician, site.name or address_line(site),
            )  # fmt: skip
            parts.append("<tr>" + "".join(f"<td>{_text(cell)}</td>" for cell in cells) + "</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def customer_sheet(
    session: Session, customer_id: int, fallback_language: str, today: date | None = None, *, language: str | None = None
) -> tuple[str, str]:
    """The sheet's HTML and the language it is written in: `language` if given, else the customer's document
    language, else `fallback_language` (the user's). NotFound when the customer does not exist."""
    customer = customers.get_customer(session, customer_id)
    language = language or customer.language or fallback_language
    return render_sheet(sheet_data(session, customer, language), language, today), language
