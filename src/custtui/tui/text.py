"""Customer data on screen: always plain text, never markup, never raw control codes."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from rich.text import Text

from custtui.i18n import _, format_date, format_datetime, language_name
from custtui.models import (
    INSTALLATION_KIND_NAMES,
    MISSION_KIND_NAMES,
    MISSION_STATUS_NAMES,
    InstallationKind,
    MissionKind,
    MissionStatus,
)
from custtui.safetext import terminal_safe, terminal_safe_lines
from custtui.services import normalise
from custtui.services.marks import mark_word


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


def _named(names: dict[Any, str], kind: type[Enum], value: str) -> str:
    try:
        return _(names[kind(value)])
    except (ValueError, KeyError):
        return value  # a value of a newer version, or of none: shown as stored


def kind_name(kind: str) -> str:
    """An installation's kind as the user reads it: "heat_pump" -> "heat pump" ("warmtepomp")."""
    return _named(INSTALLATION_KIND_NAMES, InstallationKind, kind)


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
                return _named(MISSION_KIND_NAMES, MissionKind, value)
        if field == "status" and entity == "mission":
            return _named(MISSION_STATUS_NAMES, MissionStatus, value)
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
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)
