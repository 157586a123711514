"""Addresses: one normalised form to compare them, one way to write them on a line.

Duplicate detection compares customers' addresses and the merge matches the
locations of merged records through the same `Address`; every screen and
message writes an address with `format_address`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from custtui.services.normalise import fold, normalise_house_number, normalise_street

_WORD = re.compile(r"[a-z0-9]+")
_LEADING_DIGITS = re.compile(r"\d+")


class AddressRow(Protocol):
    """What a location row or record offers: its address parts (any may be empty)."""

    @property
    def street(self) -> str | None: ...
    @property
    def number(self) -> str | None: ...
    @property
    def postal_code(self) -> str | None: ...
    @property
    def city(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class Address:
    """An address normalised to compare: equal when postal code, street, number and city are."""

    postal: str  # without blanks, upper case
    street: str  # normalise_street: "Kerkstr." = "Kerkstraat"
    number: str  # normalise_house_number: "12 bus 3" = "12/3"
    city: str  # folded words
    house: str = field(default="", compare=False)  # leading digits of the number: "12" for "12A bus 3"
    country: str = field(default="", compare=False)
    name: str = field(default="", compare=False)  # a site's name, folded words: sites known by name only
    label: str = field(default="", compare=False)  # as written, for display

    @property
    def is_empty(self) -> bool:
        """No street and no postal code: too little to compare."""
        return not self.street and not self.postal


def words(text: str | None) -> str:
    """The folded words of `text`: "Sint-Niklaas" -> "sint niklaas"."""
    return " ".join(_WORD.findall(fold(text or "")))


_COUNTRY_LETTERS = re.compile(r"^[A-Z]{1,2}-(?=\d)")  # "B-1000", "L-1234", "NL-1234AB": the old country letters


def normalise_address(
    street: str | None,
    number: str | None,
    postal_code: str | None,
    city: str | None,
    *,
    country: str | None = None,
    name: str | None = None,
) -> Address:
    house_number = normalise_house_number(number)
    digits = _LEADING_DIGITS.match(house_number)
    return Address(
        postal=_COUNTRY_LETTERS.sub("", re.sub(r"\s", "", postal_code or "").upper()),
        street=normalise_street(street),
        number=house_number,
        city=words(city),
        house=digits.group() if digits else "",
        country=(country or "").strip().upper(),
        name=words(name),
        label=format_address(street, number, postal_code, city),
    )


def format_address(street: str | None, number: str | None, postal_code: str | None, city: str | None) -> str:
    """'Kerkstraat 12, 9000 Gent': what is there of it, on one line."""
    street_part = " ".join(" ".join(part.split()) for part in (street, number) if part and part.strip())
    place_part = " ".join(" ".join(part.split()) for part in (postal_code, city) if part and part.strip())
    return ", ".join(part for part in (street_part, place_part) if part)


def address_line(row: AddressRow) -> str:
    """format_address of a location row."""
    return format_address(row.street, row.number, row.postal_code, row.city)


def site_label(row: AddressRow) -> str:
    """A site as lists of sites name it: its address, then its name in brackets, or its id if nothing else."""
    text = address_line(row)
    name = " ".join((getattr(row, "name", None) or "").split())
    if name and text:
        return f"{text} ({name})"
    return text or name or f"#{getattr(row, 'id', '?')}"
