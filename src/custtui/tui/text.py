"""Customer data on screen: always plain text, never markup, never raw control codes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any

from rich.text import Text

from custtui.i18n import _, format_date, format_datetime, format_number, language_name, pgettext
from custtui.models import (
    CONTACT_ROLE_NAMES,
    INSTALLATION_KIND_NAMES,
    INSTALLATION_KIND_SHORT_NAMES,
    MISSION_KIND_NAMES,
    MISSION_STATUS_NAMES,
    ContactRole,
    InstallationKind,
    MissionKind,
    MissionStatus,
)
from custtui.safetext import terminal_safe, terminal_safe_lines
from custtui.services import normalise
from custtui.services.marks import mark_word

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def translated(message: str) -> str:
    """A marked message in the UI language: with its context when it was marked with one (models.NP_)."""
    context = getattr(message, "context", None)
    return pgettext(context, str(message)) if context else _(message)


def assemble(template: str, style: str = "", **values: object) -> Text:
    """A translated sentence as Rich Text, its {placeholders} filled with `values`.

    The sentence is one catalog entry, punctuation and quote marks included
    ("Delete the customer {name}?"); a value given as Text keeps its style
    (a bold name), any other value is shown literally (safe), never as markup.
    """
    text = Text(style=style)
    position = 0
    for match in _PLACEHOLDER.finditer(template):
        text.append(template[position : match.start()])
        value = values[match.group(1)]
        text.append_text(value if isinstance(value, Text) else Text(safe(value)))
        position = match.end()
    text.append(template[position:])
    return text


def safe(value: object | None) -> str:
    """The value as displayable text: control characters (ESC above all) and bidi controls replaced."""
    return terminal_safe(value)


def plain(value: object | None, style: str = "") -> Text:
    """A Rich Text that shows `value` literally: '[bold]' stays '[bold]'."""
    return Text(safe(value), style=style)


def safe_lines(value: object | None) -> str:
    """Like safe(), but keeps line breaks and tabs, as notes may hold them (a TextArea shows both)."""
    return terminal_safe_lines(value)


def multiline(value: object | None) -> Text:
    """Like plain(), but keeps line breaks (notes)."""
    if value is None:
        return Text("")
    return Text("\n".join(safe(line) for line in str(value).split("\n")))


def customer_line(
    name: str, customer_number: str | None, postal_code: str = "", city: str = "", customer_id: int | None = None
) -> Text:
    """A customer as lists of candidates show one: the name, then what tells namesakes apart, dim."""
    line = Text(safe(name))
    place = " ".join(part for part in (safe(postal_code), safe(city)) if part)
    details = [part for part in (safe(customer_number), place) if part]
    if customer_id is not None:
        details.append(f"#{customer_id}")
    if details:
        line.append("  " + " · ".join(details), style="dim")
    return line


def shown_value(field: str, value: object | None, country: str = "BE") -> str:
    """A stored value as the user reads it (services.normalise), safe for the terminal.

    A phone in the national format when it is of `country` (the customer's or
    the site's), else international; a VAT number grouped ("BE 0403.170.701");
    a country by its name in the user's language. Anything else as stored.
    """
    if isinstance(value, str) and value:
        if field == "phone":
            return safe(normalise.format_phone(value, country))
        if field == "vat_number":
            return safe(normalise.format_vat(value))
        if field == "country":
            return safe(normalise.country_name(value))
    return safe(value)


def label_text(name: str, colour: str, *, no_color: bool = False) -> Text:
    """A label's name in its colour; without colour (NO_COLOR) in the plain text colour, never grey on grey."""
    return Text(safe(name), style="" if no_color else colour)


def _named(names: Mapping[Any, str], kind: type[Enum], value: str) -> str:
    try:
        return translated(names[kind(value)])
    except (ValueError, KeyError):
        return value  # a value of a newer version, or of none: shown as stored


def kind_name(kind: str, *, short: bool = False) -> str:
    """An installation's kind as the user reads it: "heat_pump" -> "heat pump" ("warmtepomp").

    `short`: the form written for a narrow column (at most 16 cells in every language).
    """
    return _named(INSTALLATION_KIND_SHORT_NAMES if short else INSTALLATION_KIND_NAMES, InstallationKind, kind)


def contact_role_name(role: str) -> str:
    """A contact's role as the user reads it: "property_manager" -> "property manager" ("syndic")."""
    return _named(CONTACT_ROLE_NAMES, ContactRole, role)


def mission_kind_name(kind: str) -> str:
    """A mission's kind: "installation" the work (de "Montage"), not the record."""
    return _named(MISSION_KIND_NAMES, MissionKind, kind)


def mission_status_name(status: str) -> str:
    return _named(MISSION_STATUS_NAMES, MissionStatus, status)


_LANGUAGE_FIELDS = frozenset({"language", "report_language"})
_DATE_FIELDS = frozenset({"planned_on", "installed_on"})
_MOMENT_FIELDS = frozenset({"created_at", "updated_at"})
_NORMALISED_FIELDS = frozenset({"phone", "vat_number", "country"})


def stored_value(entity: str, field: str, value: Any) -> str:
    """A value as the history or audit log recorded it (JSON), as the user reads it.

    Kinds and statuses by their names, languages by theirs, phones, VAT numbers
    and countries as shown_value shows them, dates and moments in the user's
    locale; anything else as it was stored.
    """
    if field == "marked_error" and isinstance(value, bool):
        return mark_word() if value else ""  # the mark as it is shown before the name
    if isinstance(value, str):
        if field == "kind":
            if entity == "installation":
                return kind_name(value)
            if entity == "mission":
                return mission_kind_name(value)
        if field == "status" and entity == "mission":
            return mission_status_name(value)
        if field in _LANGUAGE_FIELDS:
            return language_name(value)
        if field in _NORMALISED_FIELDS:
            return shown_value(field, value)
        try:
            if field in _DATE_FIELDS:
                return format_date(date.fromisoformat(value))
            if field in _MOMENT_FIELDS:
                return format_datetime(datetime.fromisoformat(value))
        except ValueError:
            pass
    if isinstance(value, float):
        return format_number(value)  # "2,5" kW in fr, nl and de; never Python's "2.5"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)
