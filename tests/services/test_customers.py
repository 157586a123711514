"""Customer service: create, validation, update conflicts, guarded delete, counts, audit."""

from __future__ import annotations

from datetime import date

import pytest
from helpers import make_customer, make_installation, make_location, make_mission
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from custtui.errors import ConflictError, DeleteRefused, LinkedCounts, ValidationError
from custtui.models import AuditEvent, Building, Customer, Installation, Location, Mission, User
from custtui.services import customers, locations
from custtui.services.customers import CustomerInput
from custtui.services.filters import CustomerFilter
from custtui.services.locations import LocationInput


def _input(**fields: object) -> CustomerInput:
    values: dict[str, object] = {"name": "Chauffage Dubois", "region_code": "BE-WAL"}
    values.update(fields)
    return CustomerInput(**values)  # type: ignore[arg-type]


def test_create_cleans_and_stores(session: Session, technician: User) -> None:
    customer = customers.create_customer(
        session,
        technician,
        _input(
            name="  Dubois & Fils sa ",
            internal_name="Chauffage Dubois",
            customer_number="104233",
            language="fr",
            vat_number="be 0403.170.701",
            email="info@dubois.be",
            phone="+32 4 222 33 44",
        ),
    )
    session.commit()
    stored = session.get(Customer, customer.id)
    assert stored is not None
    assert stored.name == "Dubois & Fils sa"
    assert stored.vat_number == "BE0403170701"
    assert stored.version == 1
    assert stored.internal_name == "Chauffage Dubois"


def test_customer_number_is_not_unique(session: Session, technician: User) -> None:
    first = make_customer(session, technician, "A", customer_number="100")
    second = make_customer(session, technician, "B", customer_number="100")
    assert first.id != second.id


_NOT_A_BELGIAN_VAT = "This VAT number is not valid for country code BE: check how many digits it has and how it starts."
_NOT_A_DUTCH_VAT = "This VAT number is not valid for country code NL: check how many digits it has and how it starts."
_NOT_DIALLABLE = "This phone number has too many or too few digits, or a country or area code that does not exist."


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": ""}, "name", "Name is required."),
        ({"name": "   "}, "name", "Name is required."),
        ({"name": "x" * 201}, "name", "Name is at most 200 characters."),
        ({"region_code": ""}, "region_code", "Region is required."),
        ({"region_code": "XX-YY"}, "region_code", "Unknown region: XX-YY."),
        ({"language": "es"}, "language", "Language must be one of: nl, fr, de, en, or empty."),
        ({"email": "info@dubois"}, "email", "Not an e-mail address (expected name@example.be)."),
        ({"email": "info dubois@x.be"}, "email", "Not an e-mail address (expected name@example.be)."),
        ({"phone": "call me"}, "phone", "Not a phone number (digits, spaces and + . / ( ) -, 6 to 15 digits)."),
        ({"phone": "123"}, "phone", "Not a phone number (digits, spaces and + . / ( ) -, 6 to 15 digits)."),
        ({"vat_number": "BE2403170701"}, "vat_number", _NOT_A_BELGIAN_VAT),
        ({"vat_number": "BE04031707"}, "vat_number", _NOT_A_BELGIAN_VAT),
        ({"vat_number": "BE0403170702"}, "vat_number", "This VAT number fails its check digits."),
        ({"vat_number": "NL004495445B00"}, "vat_number", _NOT_A_DUTCH_VAT),
        ({"phone": "0471 08 32 2"}, "phone", _NOT_DIALLABLE),
        ({"email": "jan..p@example.be"}, "email", "Not an e-mail address (expected name@example.be)."),
        ({"name": "Evil\x1b[31mRed"}, "name", "Control characters are not allowed."),
        ({"internal_name": "bell\x07"}, "internal_name", "Control characters are not allowed."),
        ({"customer_number": "12\x0034"}, "customer_number", "Control characters are not allowed."),
        ({"customer_number": "9" * 51}, "customer_number", "At most 50 characters."),
    ],
)
def test_bad_input_is_refused_with_its_message(
    session: Session, technician: User, fields: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        customers.create_customer(session, technician, _input(**fields))
    assert caught.value.errors[field] == message


def test_several_errors_are_reported_together(session: Session, technician: User) -> None:
    with pytest.raises(ValidationError) as caught:
        customers.create_customer(session, technician, _input(name="", email="nope", language="xx"))
    assert set(caught.value.errors) == {"name", "email", "language"}


def test_valid_edge_values_are_accepted(session: Session, technician: User) -> None:
    customer = customers.create_customer(
        session,
        technician,
        _input(vat_number="BE1000000120", phone="0470/12.34.56"),
    )
    assert customer.vat_number == "BE1000000120"


def test_update_bumps_version_and_audits(session: Session, technician: User) -> None:
    customer = make_customer(session, technician, "Garage Janssens")
    updated = customers.update_customer(session, technician, customer.id, _input(name="Garage Janssens nv"), 1)
    session.commit()
    assert updated.version == 2
    events = session.exec(select(AuditEvent).where(AuditEvent.entity_id == customer.id).order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["create", "update"]
    assert events[1].before["name"] == "Garage Janssens"
    assert events[1].after["name"] == "Garage Janssens nv"
    assert events[1].user_login == "tom"


def test_stale_save_raises_conflict_with_both_versions(engine: Engine, technician: User) -> None:
    with Session(engine, expire_on_commit=False) as setup:
        customer = make_customer(setup, technician, "Résidence Les Tilleuls")
    with Session(engine) as mine, Session(engine) as theirs:
        customers.update_customer(theirs, technician, customer.id, _input(name="Résidence Tilleuls"), 1)
        theirs.commit()
        with pytest.raises(ConflictError) as caught:
            customers.update_customer(mine, technician, customer.id, _input(name="Les Tilleuls asbl"), 1)
    conflict = caught.value
    assert conflict.mine["name"] == "Les Tilleuls asbl"
    assert conflict.theirs is not None
    assert conflict.theirs["name"] == "Résidence Tilleuls"
    assert conflict.theirs["version"] == 2
    assert "name" in conflict.changed_fields
    with Session(engine) as check:
        assert check.get(Customer, customer.id).name == "Résidence Tilleuls"  # type: ignore[union-attr]


def test_concurrent_flush_is_caught_by_the_version_counter(engine: Engine, technician: User) -> None:
    """Two sessions hold the same row at version 1; the second commit must fail."""
    with Session(engine, expire_on_commit=False) as setup:
        customer = make_customer(setup, technician, "Brouwerij De Koninck")
    with Session(engine) as first, Session(engine) as second:
        a = first.get(Customer, customer.id)
        b = second.get(Customer, customer.id)
        assert a is not None and b is not None
        a.name = "Brouwerij De Koninck nv"
        first.commit()
        b.name = "De Koninck"
        with pytest.raises(Exception) as caught:
            second.commit()
        assert type(caught.value).__name__ == "StaleDataError"


def test_update_of_deleted_customer_is_a_conflict(session: Session, office: User) -> None:
    customer = make_customer(session, office, "Gone")
    customers.delete_customer(session, office, customer.id)
    session.commit()
    with pytest.raises(ConflictError) as caught:
        customers.update_customer(session, office, customer.id, _input(name="Back"), 1)
    assert caught.value.theirs is None


def test_delete_refused_while_installations_or_missions_are_linked(session: Session, office: User) -> None:
    customer = make_customer(session, office, "Boulangerie Dubois")
    location = make_location(session, office, customer)
    make_installation(session, office, location)
    make_mission(session, office, customer, location, planned_on=date(2026, 3, 1))
    with pytest.raises(DeleteRefused) as caught:
        customers.delete_customer(session, office, customer.id)
    assert caught.value.counts.locations == 1
    assert caught.value.counts.installations == 1
    assert caught.value.counts.missions == 1
    assert "1 location, 1 installation, 1 mission" in caught.value.message
    assert "merge" in caught.value.message
    session.rollback()
    assert session.get(Customer, customer.id) is not None


@pytest.mark.parametrize(
    ("linked", "counts", "listed"),
    [
        ("missions", LinkedCounts(locations=1, installations=0, missions=2), "1 location, 0 installations, 2 missions"),
        ("installations", LinkedCounts(locations=1, installations=2, missions=0), "1 location, 2 installations, 0 missions"),
    ],
)
def test_delete_refused_with_missions_alone_or_installations_alone(
    session: Session, office: User, linked: str, counts: LinkedCounts, listed: str
) -> None:
    """Either kind of link is enough to refuse: a customer with missions but no installation, and the other way round."""
    customer = make_customer(session, office, "Boulangerie Dubois")
    location = make_location(session, office, customer)
    for number in range(2):
        if linked == "missions":
            make_mission(session, office, customer, location, planned_on=date(2026, 3, 1 + number))
        else:
            make_installation(session, office, location, serial_number=f"S-{number}")
    with pytest.raises(DeleteRefused) as caught:
        customers.delete_customer(session, office, customer.id)  # type: ignore[arg-type]
    assert caught.value.counts == counts
    assert listed in caught.value.message and "merge" in caught.value.message
    session.rollback()
    # Nothing of it went: the customer, its location and what hangs from them are all there.
    assert session.get(Customer, customer.id) is not None
    assert session.get(Location, location.id) is not None
    assert len(session.exec(select(Mission).where(Mission.customer_id == customer.id)).all()) == counts.missions
    assert len(session.exec(select(Installation).where(Installation.location_id == location.id)).all()) == counts.installations


def test_delete_allowed_takes_empty_locations_and_labels_along(session: Session, office: User) -> None:
    from custtui.services import labels

    customer = make_customer(session, office, "Duplicate ERROR")
    location = make_location(session, office, customer)
    label = labels.create_label(session, office, "Prospect", "green", "status")
    labels.assign_label(session, office, customer.id, label.id)
    session.commit()
    customers.delete_customer(session, office, customer.id)
    session.commit()
    assert session.get(Customer, customer.id) is None
    assert session.get(Location, location.id) is None
    assert session.exec(select(Building).where(Building.location_id == location.id)).first() is None
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "delete")).one()
    assert event.before["name"] == "Duplicate ERROR"
    assert event.user_login == "olivier"


@pytest.mark.parametrize("table", ["location", "mission"])
def test_database_refuses_raw_delete_of_linked_customer(session: Session, office: User, table: str) -> None:
    customer = make_customer(session, office)
    location = make_location(session, office, customer)
    if table == "mission":
        make_mission(session, office, customer, location)
    with pytest.raises(IntegrityError):
        session.execute(text("DELETE FROM customer WHERE id = :id"), {"id": customer.id})
        session.flush()
    session.rollback()


def test_database_refuses_raw_delete_of_location_with_installation(session: Session, office: User) -> None:
    customer = make_customer(session, office)
    location = make_location(session, office, customer)
    make_installation(session, office, location)
    with pytest.raises(IntegrityError):
        session.execute(text("DELETE FROM building WHERE location_id = :id"), {"id": location.id})
        session.execute(text("DELETE FROM location WHERE id = :id"), {"id": location.id})
    session.rollback()


def test_counts_per_customer(session: Session, technician: User) -> None:
    busy = make_customer(session, technician, "Busy")
    idle = make_customer(session, technician, "Idle")
    first = make_location(session, technician, busy)
    second = make_location(session, technician, busy, street="Molenstraat")
    make_installation(session, technician, first)
    make_installation(session, technician, second, serial_number="S-2")
    make_mission(session, technician, busy, first)
    counts = customers.counts_for(session, [busy.id, idle.id])  # type: ignore[list-item]
    assert counts[busy.id] == customers.CustomerCounts(locations=2, installations=2, missions=1)  # type: ignore[index]
    assert counts[idle.id] == customers.CustomerCounts(locations=0, installations=0, missions=0)  # type: ignore[index]


def test_ordered_ids_sort_and_filter(session: Session, technician: User) -> None:
    from custtui.services import labels

    for name in ["Delta", "alpha", "Charlie", "Bravo", "Bravo"]:
        make_customer(session, technician, name, region_code="BE-WAL" if name == "Charlie" else "BE-VLG")
    ids = customers.ordered_customer_ids(session)
    rows = customers.customer_rows(session, ids)
    assert [rows[i].name for i in ids] == ["alpha", "Bravo", "Bravo", "Charlie", "Delta"]  # case-insensitive
    assert len(set(ids)) == 5 == customers.count_customers(session)
    descending = customers.ordered_customer_ids(session, "name", descending=True)
    assert [rows[i].name for i in descending][0] == "Delta"
    (charlie,) = customers.ordered_customer_ids(session, customer_filter=CustomerFilter(regions=("BE-WAL",)))
    assert rows[charlie].name == "Charlie"
    vip = labels.create_label(session, technician, "VIP", "red", "attention")
    labels.assign_label(session, technician, ids[0], vip.id)  # type: ignore[arg-type]
    assert customers.ordered_customer_ids(session, customer_filter=CustomerFilter(label_ids=(vip.id,))) == [ids[0]]
    assert customers.ordered_customer_ids(session, "labels", descending=True)[0] == ids[0]


def test_ordered_ids_by_the_columns_the_list_can_show(session: Session, technician: User) -> None:
    """City and postal code of the first location, contact fields, created and last mission; empty values last."""
    from datetime import date

    from helpers import make_location, make_mission

    gent = make_customer(session, technician, "Gent first", phone="+32 9 222 33 44", email="b@example.be")
    make_location(session, technician, gent, postal_code="9000", city="Gent")
    make_location(session, technician, gent, postal_code="1000", city="Brussel")  # not the first: not the list's place
    aalst = make_customer(session, technician, "Aalst", email="a@example.be")
    site = make_location(session, technician, aalst, postal_code="9300", city="Aalst")
    make_mission(session, technician, aalst, site, planned_on=date(2026, 3, 1))
    make_mission(session, technician, aalst, site, planned_on=date(2025, 1, 1))
    nowhere = make_customer(session, technician, "Nowhere")
    ids = [gent.id, aalst.id, nowhere.id]

    def order(key: str, descending: bool = False) -> list[int]:
        return [cid for cid in customers.ordered_customer_ids(session, key, descending) if cid in ids]

    assert order("city") == [nowhere.id, aalst.id, gent.id]  # empty text sorts first A to Z, as for every text column
    assert order("postal_code") == [nowhere.id, gent.id, aalst.id]
    assert order("email") == [nowhere.id, aalst.id, gent.id]
    assert order("last_mission", descending=True)[:1] == [aalst.id]
    assert order("last_mission")[-1] in (gent.id, nowhere.id)  # no mission: last either way
    assert order("last_mission", descending=True)[-1] in (gent.id, nowhere.id)
    assert order("created_at", descending=True) == [nowhere.id, aalst.id, gent.id]
    assert set(order("phone")) == set(ids) and set(order("vat_number")) == set(ids)


def test_the_form_s_main_location_without_street_or_city_asks_for_one_of_them(session: Session, office: User) -> None:
    """The customer form has no field for a site's name: its message does not ask for one (the site form's does)."""
    data = CustomerInput(name="Zorro Test", region_code="BE-WAL")
    address = LocationInput(street="", number="7", postal_code="4000", city="", country="BE")
    with pytest.raises(ValidationError) as refused:
        customers.save_customer(session, office, None, data, main_address=address)
    assert refused.value.errors["street"] == "Give at least a street or a city."
    created = make_customer(session, office, "Zorro Other", region_code="BE-WAL")
    with pytest.raises(ValidationError) as refused:
        customers.save_customer(session, office, created.id, data, created.version, main_address=address)
    assert refused.value.errors["street"] == "Give at least a street or a city."
    with pytest.raises(ValidationError) as refused:
        locations.add_location(session, office, created.id, address)  # the site form: it has a name field
    assert refused.value.errors["street"] == "Give at least a name, a street or a city."
