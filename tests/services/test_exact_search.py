"""The search that answers while the index builds (search.exact): every word as typed, in any field, in SQL."""

from __future__ import annotations

from helpers import make_customer, make_location
from sqlmodel import Session

from custtui.models import User
from custtui.services.filters import CustomerFilter
from custtui.services.search.exact import exact_search


def test_every_word_somewhere_case_aside(session: Session, admin: User) -> None:
    peeters = make_customer(session, admin, "Bakkerij Peeters", customer_number="911946", phone="+32 3 201 22 33")
    make_location(session, admin, peeters, street="Gentse Steenweg", number="12", postal_code="9000", city="Gent")
    other = make_customer(session, admin, "Peeters Jan", region_code="BE-BRU")
    make_location(session, admin, other, street="Kerkstraat", postal_code="1000", city="Brussel")
    make_customer(session, admin, "Garage Janssens")

    # One field; the name starting with the word comes first, then the others by name.
    assert [hit.customer_id for hit in exact_search(session, "peeters")] == [other.id, peeters.id]
    assert [hit.customer_id for hit in exact_search(session, "PEETERS jan")] == [other.id]
    # Words from different fields: a name word and the city, the number and a street word.
    (hit,) = exact_search(session, "peeters gent")
    assert (hit.customer_id, hit.field) == (peeters.id, "address")
    assert hit.matched == "Gentse Steenweg 12 9000 Gent"
    (hit,) = exact_search(session, "911946 gentse")
    assert (hit.customer_id, hit.field, hit.matched) == (peeters.id, "customer_number", "911946")
    # A phone typed the national way (stored +3232012233): without its trunk 0, in its groups.
    (hit,) = exact_search(session, "03 201 22 33")
    assert (hit.customer_id, hit.field) == (peeters.id, "phone")
    # As typed: no typo forgiven, no wildcard read into % or _.
    assert exact_search(session, "peters") == []
    assert exact_search(session, "pee%ers") == [] and exact_search(session, "pee_ers") == []
    assert exact_search(session, "   ") == []


def test_the_list_filter_and_the_limit_hold(session: Session, admin: User) -> None:
    for n in range(5):
        make_customer(session, admin, f"Verwarming Claes {n}", region_code="BE-VLG" if n % 2 else "BE-WAL")
    flanders = CustomerFilter(regions=("BE-VLG",))
    assert [hit.matched for hit in exact_search(session, "claes", customer_filter=flanders)] == [
        "Verwarming Claes 1",
        "Verwarming Claes 3",
    ]
    assert len(exact_search(session, "verwarming", limit=3)) == 3
