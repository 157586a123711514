"""Reaching a customer: the URLs made of its address, phone and e-mail (services.reach)."""

from __future__ import annotations

import pytest
from helpers import make_customer, make_location
from sqlmodel import Session

from custtui.models import User
from custtui.services import reach


def test_address_line() -> None:
    assert reach.address_line("Kerkstraat", "12", "9000", "Gent") == "Kerkstraat 12, 9000 Gent"
    assert reach.address_line("", "", "9000", "Gent") == "9000 Gent"
    assert reach.address_line("", "", "", "") == ""


def test_mailto_url() -> None:
    assert reach.mailto_url("jan@example.be") == "mailto:jan@example.be"
    assert reach.mailto_url(" jan+info@example.be ") == "mailto:jan%2Binfo@example.be"
    assert reach.mailto_url("a&b@x.be?subject=hi") == "mailto:a%26b@x.be%3Fsubject%3Dhi"


def test_tel_url_is_e164() -> None:
    assert reach.tel_url("+3292223344") == "tel:+3292223344"
    assert reach.tel_url("09 222 33 44") == "tel:+3292223344"  # a national number, read in the customer's country
    assert reach.tel_url("+3292223344;ext=12") == "tel:+3292223344;ext=12"
    assert reach.tel_url("020 123 4567", "NL") == "tel:+31201234567"


def test_map_url_quotes_the_address() -> None:
    url = reach.map_url("Rue de l'Église 3/b, 1000 Bruxelles")
    assert url == "https://www.openstreetmap.org/search?query=Rue%20de%20l%27%C3%89glise%203%2Fb%2C%201000%20Bruxelles"
    assert reach.map_url("  Kerkstraat  12,   9000 Gent ").endswith("query=Kerkstraat%2012%2C%209000%20Gent")


@pytest.mark.parametrize(
    ("make", "value"),
    [
        (reach.mailto_url, "jan@example.be\r\nBcc: x@y.z"),
        (reach.mailto_url, "not an address"),
        (reach.mailto_url, ""),
        (reach.tel_url, "+3292223344\x1b]52;c;x\x07"),
        (reach.tel_url, "call me"),
        (reach.tel_url, None),
        (reach.map_url, "Kerkstraat 12\n9000 Gent"),
        (reach.map_url, "Kerkstraat\u2028 12"),
        (reach.map_url, "   "),
    ],
)
def test_refused(make: object, value: str | None) -> None:
    with pytest.raises(reach.UnsafeValue):
        make(value)  # type: ignore[operator]


def test_has_control() -> None:
    assert reach.has_control("a\x1bb") and reach.has_control("a\x9bb")
    assert not reach.has_control("Kerkstraat 12, 9000 Gent") and not reach.has_control(None)


def test_urls_of_leaves_out_what_is_missing() -> None:
    urls = reach.urls_of(reach.Reach(address="9000 Gent", phone="", email="jan@example.be"))
    assert urls == {"email": "mailto:jan@example.be", "map": "https://www.openstreetmap.org/search?query=9000%20Gent"}


def test_reach_of_reads_the_first_location(session: Session, admin: User) -> None:
    customer = make_customer(session, admin, "Van den Broeck Jan", phone="+32 9 222 33 44", email="jan@example.be")
    make_location(session, admin, customer, street="Kerkstraat", number="12", postal_code="9000", city="Gent")
    make_location(session, admin, customer, street="Molenstraat", number="1", postal_code="2000", city="Antwerpen")
    found = reach.reach_of(session, customer.id)  # type: ignore[arg-type]
    assert found == reach.Reach("Kerkstraat 12, 9000 Gent", "+3292223344", "jan@example.be", "BE")
    bare = make_customer(session, admin, "Bakkerij Peeters")
    assert reach.reach_of(session, bare.id) == reach.Reach("", "", "", "BE")  # type: ignore[arg-type]
