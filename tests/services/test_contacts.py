"""Contact persons: checked like the customer's own fields, phones read in the site's country, audited, per customer."""

from __future__ import annotations

import pytest
from helpers import make_customer, make_location
from sqlmodel import Session, select

from custtui.errors import ValidationError
from custtui.models import AuditEvent, User
from custtui.services import contacts, customers
from custtui.services.contacts import ContactInput


def test_add_list_change_delete(session: Session, office: User) -> None:
    customer = make_customer(session, office, "Residentie Zonnehof")
    site = make_location(session, office, customer, name="Blok B", street="Lindelaan", number="4", postal_code="8400",
                         city="Oostende")  # fmt: skip
    owner = contacts.add_contact(
        session, office, customer.id,  # type: ignore[arg-type]
        ContactInput(name="  An Peeters ", role="owner", phone="059 12 34 56", mobile="0471 08 32 21",
                     email="An.Peeters@Example.be", language="nl"),
    )  # fmt: skip
    manager = contacts.add_contact(
        session, office, customer.id,  # type: ignore[arg-type]
        ContactInput(name="Syndic Vastgoed", role="property_manager", location_id=site.id, notes="Key\nat the desk"),
    )
    session.commit()
    listed = contacts.contacts_of(session, customer.id)  # type: ignore[arg-type]
    assert [(c.name, c.role, c.location_name) for c in listed] == [
        ("An Peeters", "owner", ""), ("Syndic Vastgoed", "property_manager", "Blok B"),
    ]  # fmt: skip
    assert (listed[0].phone, listed[0].mobile, listed[0].email) == ("+3259123456", "+32471083221", "An.Peeters@example.be")
    changed = contacts.update_contact(
        session, office, manager.id, ContactInput(name="Syndic Vastgoed", role="accounting", location_id=None)  # type: ignore[arg-type]
    )
    assert (changed.role, changed.location_id) == ("accounting", None)
    contacts.delete_contact(session, office, owner.id)  # type: ignore[arg-type]
    session.commit()
    assert [c.name for c in contacts.contacts_of(session, customer.id)] == ["Syndic Vastgoed"]  # type: ignore[arg-type]
    events = session.exec(select(AuditEvent).where(AuditEvent.entity == "contact").order_by(AuditEvent.id)).all()  # type: ignore[arg-type]
    actions = [e.action for e in events]
    assert actions == ["create", "create", "update", "delete"]


def test_a_phone_is_read_in_the_sites_country(session: Session, office: User) -> None:
    customer = make_customer(session, office, "Garage Janssens")
    dutch_site = make_location(session, office, customer, street="Damrak", number="1", postal_code="1012 LG",
                               city="Amsterdam", country="NL")  # fmt: skip
    added = contacts.add_contact(
        session, office, customer.id, ContactInput(name="Jan", location_id=dutch_site.id, phone="020 123 4567")  # type: ignore[arg-type]
    )
    assert added.phone == "+31201234567"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (ContactInput(name=""), "name"),
        (ContactInput(name="X", role="boss"), "role"),
        (ContactInput(name="X", phone="0471 08 32 2"), "phone"),
        (ContactInput(name="X", mobile="12"), "mobile"),
        (ContactInput(name="X", email="jan..p@example.be"), "email"),
        (ContactInput(name="X", language="es"), "language"),
        (ContactInput(name="Evil\x1b[31m"), "name"),
        (ContactInput(name="X", notes="n" * 1001), "notes"),
        (ContactInput(name="X", location_id=999_999), "location_id"),
    ],
)
def test_bad_input_is_refused_by_field(session: Session, office: User, data: ContactInput, field: str) -> None:
    customer = make_customer(session, office, "Klant")
    with pytest.raises(ValidationError) as refused:
        contacts.add_contact(session, office, customer.id, data)  # type: ignore[arg-type]
    assert field in refused.value.errors


def test_another_customers_site_is_refused(session: Session, office: User) -> None:
    first, second = make_customer(session, office, "Een"), make_customer(session, office, "Twee")
    theirs = make_location(session, office, second, street="Kerkstraat", city="Gent")
    with pytest.raises(ValidationError) as refused:
        contacts.add_contact(session, office, first.id, ContactInput(name="X", location_id=theirs.id))  # type: ignore[arg-type]
    assert "location_id" in refused.value.errors


def test_a_customer_with_contacts_deletes_with_them(session: Session, office: User) -> None:
    customer = make_customer(session, office, "Klant")
    contacts.add_contact(session, office, customer.id, ContactInput(name="X"))  # type: ignore[arg-type]
    session.commit()
    customers.delete_customer(session, office, customer.id)  # type: ignore[arg-type]
    session.commit()
    assert contacts.contacts_of(session, customer.id) == []  # type: ignore[arg-type]


def test_search_finds_a_customer_by_its_contacts_phone_mobile_and_e_mail(session: Session, office: User) -> None:
    from custtui.services.search import SearchIndex

    syndic = make_customer(session, office, "Residentie Zonnehof")
    make_customer(session, office, "Garage Janssens", phone="+32 9 222 33 44")
    contacts.add_contact(
        session, office, syndic.id,  # type: ignore[arg-type]
        ContactInput(name="An Peeters", phone="059 12 34 56", mobile="0471 08 32 21", email="beheer@zonnehof.be"),
    )  # fmt: skip
    session.commit()
    index = SearchIndex.build(session)
    for query, field in (("059 12 34 56", "phone"), ("0471083221", "phone"), ("beheer@zonnehof", "email")):
        best = index.search(query, limit=3)[0]
        assert (best.customer_id, best.field) == (syndic.id, field), query
    # Added later: the index follows (refresh), as it does for another user's change.
    other = contacts.add_contact(session, office, syndic.id, ContactInput(name="Tenant", mobile="0476 55 44 33"))  # type: ignore[arg-type]
    session.commit()
    index.refresh(session, [syndic.id])  # type: ignore[list-item]
    assert index.search("0476 55 44 33", limit=1)[0].customer_id == syndic.id
    contacts.delete_contact(session, office, other.id)  # type: ignore[arg-type]
    session.commit()
    index.refresh(session, [syndic.id])  # type: ignore[list-item]
    assert [hit.customer_id for hit in index.search("0476 55 44 33", limit=1)] != [syndic.id]
