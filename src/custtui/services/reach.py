"""Reaching a customer from outside the program: its address, phone and e-mail as values and as URLs.

Pure functions build the URLs (mailto:, tel:, a map search); `reach_of`
reads what a screen needs in one call. No Textual here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from sqlmodel import Session, col, select

from custtui.models import Location
from custtui.services.addresses import format_address
from custtui.services.customers import get_customer
from custtui.services.normalise import customer_country, stored_phone

MAP_SEARCH = "https://www.openstreetmap.org/search?query="

# C0 and C1 controls, DEL, and the line and paragraph separators: never in a URL or on the clipboard.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")


class UnsafeValue(ValueError):
    """A value with control characters in it, or not of its kind: no URL is made of it."""


@dataclass(frozen=True)
class Reach:
    """How to reach a customer: each value as shown, "" when there is none."""

    address: str
    phone: str
    email: str
    country: str = "BE"


def _checked(value: str | None) -> str:
    text = (value or "").strip()
    if _CONTROL.search(text):
        raise UnsafeValue(text)
    return text


def has_control(value: str | None) -> bool:
    return bool(value and _CONTROL.search(value))


def address_line(street: str | None, number: str | None, postal_code: str | None, city: str | None) -> str:
    """'Kerkstraat 12, 9000 Gent': the one-line address; "" when there is nothing of it."""
    return format_address(street, number, postal_code, city)


def mailto_url(email: str | None) -> str:
    """'mailto:jan@example.be'; the address percent-encoded except for its '@' (RFC 6068)."""
    text = _checked(email)
    if not _EMAIL.fullmatch(text):
        raise UnsafeValue(text)
    return "mailto:" + quote(text, safe="@")


def tel_url(phone: str | None, country: str = "BE") -> str:
    """'tel:+3292223344' (RFC 3966): the phone in E.164, an extension as ';ext=12'."""
    text = _checked(phone)
    e164 = stored_phone(text, country) if text else None
    if e164 is None:
        raise UnsafeValue(text)
    return "tel:" + quote(e164, safe="+;=")


def map_url(address: str | None) -> str:
    """An OpenStreetMap search of the address, the query percent-encoded."""
    text = " ".join(_checked(address).split())
    if not text:
        raise UnsafeValue(text)
    return MAP_SEARCH + quote(text, safe="")


def reach_of(session: Session, customer_id: int) -> Reach:
    """The customer's phone, e-mail and the address of its first location (the lowest id)."""
    customer = get_customer(session, customer_id)
    site = session.exec(select(Location).where(Location.customer_id == customer_id).order_by(col(Location.id))).first()
    address = address_line(site.street, site.number, site.postal_code, site.city) if site else ""
    return Reach(
        address=address,
        phone=(customer.phone or "").strip(),
        email=(customer.email or "").strip(),
        country=customer_country(customer.region_code),
    )


def urls_of(found: Reach) -> dict[str, str]:
    """The URLs that can be made of what there is: "email", "call", "map"; none of an empty or unsafe value."""
    urls: dict[str, str] = {}
    makers: dict[str, Callable[[], str]] = {
        "email": lambda: mailto_url(found.email),
        "call": lambda: tel_url(found.phone, found.country),
        "map": lambda: map_url(found.address),
    }
    for which, make in makers.items():
        try:
            urls[which] = make()
        except UnsafeValue:
            pass
    return urls
