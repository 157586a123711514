"""Locations, buildings, installations, missions, labels and regions."""

from __future__ import annotations

from datetime import date

import pytest
from helpers import make_customer, make_installation, make_location, make_mission
from sqlmodel import Session, select

from custtui.errors import NotFound, ValidationError
from custtui.models import AuditEvent, Building, CustomerLabel, User
from custtui.services import customers, installations, labels, locations, missions, regions
from custtui.services.locations import LocationInput


@pytest.mark.parametrize(
    ("postal_code", "country", "region"),
    [
        ("1000", "BE", "BE-BRU"),
        ("1299", "BE", "BE-BRU"),
        ("1300", "BE", "BE-WAL"),
        ("1499", "BE", "BE-WAL"),
        ("1500", "BE", "BE-VLG"),
        ("3999", "BE", "BE-VLG"),
        ("4000", "BE", "BE-WAL"),
        ("7999", "BE", "BE-WAL"),
        ("8000", "BE", "BE-VLG"),
        ("9999", "BE", "BE-VLG"),
        ("999", "BE", None),
        ("ABCD", "BE", None),
        ("1012 AB", "NL", "NL"),
        ("L-1009", "LU", "LU"),
        ("75001", "FR", "FR"),
        ("52062", "DE", "DE"),
        ("1000", "IT", None),
    ],
)
def test_region_for_postal_code(postal_code: str, country: str, region: str | None) -> None:
    assert regions.region_for_postal_code(postal_code, country) == region


def test_regions_have_names_and_regulation_notes(session: Session) -> None:
    listed = regions.list_regions(session)
    assert {r.code for r in listed} >= {"BE-VLG", "BE-BRU", "BE-WAL", "NL", "LU", "FR", "DE"}
    assert all(region.regulation_note for region in listed)
    assert regions.display_name("BE-WAL") == "Wallonia"


def test_location_gets_default_building_and_suggested_region(session: Session, technician: User) -> None:
    customer = make_customer(session, technician, region_code="BE-VLG")
    location = make_location(session, technician, customer, postal_code="4000", city="Liège", street="Rue Féronstrée")
    assert location.region_code == "BE-WAL"  # from the postal code, not the customer's region
    buildings = locations.buildings_of(session, location.id)  # type: ignore[arg-type]
    assert [b.name for b in buildings] == ["Main building"]


def test_location_region_defaults_to_customers_when_no_suggestion(session: Session, technician: User) -> None:
    customer = make_customer(session, technician, region_code="BE-BRU")
    location = make_location(session, technician, customer, postal_code="", city="Somewhere")
    assert location.region_code == "BE-BRU"


def test_location_explicit_region_wins(session: Session, technician: User) -> None:
    customer = make_customer(session, technician)
    location = make_location(session, technician, customer, postal_code="2000", region_code="NL")
    assert location.region_code == "NL"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"street": "", "city": "", "name": ""}, "street"),
        ({"region_code": "XX"}, "region_code"),
        ({"country": "Belgistan"}, "country"),
        ({"street": "Kerk\x1bstraat"}, "street"),
        ({"phone": "abc"}, "phone"),
    ],
)
def test_location_validation(session: Session, technician: User, fields: dict[str, str], field: str) -> None:
    customer = make_customer(session, technician)
    values = {"street": "Kerkstraat", "postal_code": "2000", "city": "Antwerpen", **fields}
    with pytest.raises(ValidationError) as caught:
        locations.add_location(session, technician, customer.id, LocationInput(**values))  # type: ignore[arg-type]
    assert field in caught.value.errors


def test_edit_location_is_audited(session: Session, technician: User) -> None:
    customer = make_customer(session, technician)
    location = make_location(session, technician, customer)
    data = LocationInput.from_location(location)
    data.number = "14"
    data.contact_person = "Mevr. Peeters"
    locations.update_location(session, technician, location.id, data)  # type: ignore[arg-type]
    session.commit()
    event = session.exec(
        select(AuditEvent).where(AuditEvent.entity == "location", AuditEvent.action == "update")
    ).one()
    assert event.before["number"] == "12"
    assert event.after["number"] == "14"


def test_move_installation_to_another_customers_location(session: Session, technician: User) -> None:
    old_owner = make_customer(session, technician, "Old")
    new_owner = make_customer(session, technician, "New")
    old_location = make_location(session, technician, old_owner)
    new_location = make_location(session, technician, new_owner, street="Stationsstraat")
    garage = locations.add_building(session, technician, new_location.id, "Garage")  # type: ignore[arg-type]
    installation = make_installation(session, technician, old_location)

    moved = installations.move_installation(session, technician, installation.id, new_location.id, garage.id)  # type: ignore[arg-type]
    session.commit()
    assert (moved.location_id, moved.building_id) == (new_location.id, garage.id)
    rows = installations.installations_of_customer(session, new_owner.id)  # type: ignore[arg-type]
    assert [(i.id, loc.id, b.name) for i, loc, b in rows] == [(installation.id, new_location.id, "Garage")]
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "move")).one()
    assert event.before["location_id"] == old_location.id
    assert event.after["location_id"] == new_location.id


def test_move_installation_defaults_to_main_building(session: Session, technician: User) -> None:
    customer = make_customer(session, technician)
    first = make_location(session, technician, customer)
    second = make_location(session, technician, customer, street="Molenstraat")
    installation = make_installation(session, technician, first)
    moved = installations.move_installation(session, technician, installation.id, second.id)  # type: ignore[arg-type]
    main = session.exec(select(Building).where(Building.location_id == second.id)).one()
    assert moved.building_id == main.id


def test_move_installation_refuses_a_building_elsewhere(session: Session, technician: User) -> None:
    customer = make_customer(session, technician)
    first = make_location(session, technician, customer)
    second = make_location(session, technician, customer, street="Molenstraat")
    installation = make_installation(session, technician, first)
    first_building = locations.buildings_of(session, first.id)[0]  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as caught:
        installations.move_installation(session, technician, installation.id, second.id, first_building.id)  # type: ignore[arg-type]
    assert caught.value.errors["building_id"] == "That building is not at this location."


def test_move_to_missing_location(session: Session, technician: User) -> None:
    customer = make_customer(session, technician)
    installation = make_installation(session, technician, make_location(session, technician, customer))
    with pytest.raises(NotFound):
        installations.move_installation(session, technician, installation.id, 999_999)  # type: ignore[arg-type]


def test_missions_most_recent_first(session: Session, technician: User) -> None:
    customer = make_customer(session, technician)
    location = make_location(session, technician, customer)
    installation = make_installation(session, technician, location)
    make_mission(session, technician, customer, location, planned_on=date(2024, 5, 1), kind="repair")
    make_mission(
        session, technician, customer, location, planned_on=date(2026, 1, 10), installation_ids=[installation.id]
    )
    make_mission(session, technician, customer, location, planned_on=None, kind="inspection")
    make_mission(session, technician, customer, location, planned_on=date(2025, 2, 3), status="done")
    rows = missions.missions_of_customer(session, customer.id)  # type: ignore[arg-type]
    assert [m.planned_on for m, _ in rows] == [date(2026, 1, 10), date(2025, 2, 3), date(2024, 5, 1), None]
    assert len(missions.missions_of_customer(session, customer.id, limit=2)) == 2  # type: ignore[arg-type]


def test_mission_location_must_be_the_customers(session: Session, technician: User) -> None:
    mine = make_customer(session, technician, "Mine")
    other = make_customer(session, technician, "Other")
    location = make_location(session, technician, other)
    with pytest.raises(ValidationError) as caught:
        make_mission(session, technician, mine, location)
    assert caught.value.errors["location_id"] == "That location belongs to another customer."


def test_labels_assign_unassign_and_list(session: Session, technician: User, admin: User) -> None:
    customer = make_customer(session, technician)
    vip = labels.create_label(session, technician, "VIP", "red", "attention")
    contract = labels.create_label(session, technician, "Contract", "green", "status")
    assert labels.assign_label(session, technician, customer.id, vip.id) is True  # type: ignore[arg-type]
    assert labels.assign_label(session, technician, customer.id, vip.id) is False  # type: ignore[arg-type]
    labels.assign_label(session, technician, customer.id, contract.id)  # type: ignore[arg-type]
    session.commit()
    assert [lbl.name for lbl in labels.labels_of(session, customer.id)] == ["Contract", "VIP"]  # type: ignore[arg-type]
    assert labels.unassign_label(session, technician, customer.id, vip.id) is True  # type: ignore[arg-type]
    assert labels.unassign_label(session, technician, customer.id, vip.id) is False  # type: ignore[arg-type]
    session.commit()
    row = customers.customer_rows(session, [customer.id])[customer.id]  # type: ignore[list-item, index]
    assert [(tag.id, tag.name, tag.colour) for tag in row.labels] == [(contract.id, "Contract", "green")]


def test_label_manager_rename_recolour_delete(session: Session, admin: User) -> None:
    first = make_customer(session, admin, "One")
    second = make_customer(session, admin, "Two")
    label = labels.create_label(session, admin, "Bad payer", "yellow", "attention")
    for customer in (first, second):
        labels.assign_label(session, admin, customer.id, label.id)  # type: ignore[arg-type]
    labels.update_label(session, admin, label.id, "Late payer", "magenta")  # type: ignore[arg-type]
    session.commit()
    assert (label.name, label.colour) == ("Late payer", "magenta")
    assert labels.usage_count(session, label.id) == 2  # type: ignore[arg-type]
    assert labels.delete_label(session, admin, label.id) == 2  # type: ignore[arg-type]
    session.commit()
    assert session.exec(select(CustomerLabel)).all() == []


@pytest.mark.parametrize(
    ("name", "colour", "kind", "field"),
    [
        ("", "red", "trait", "name"),
        ("vip", "red", "trait", "name"),  # case-insensitive clash with "VIP"
        ("New", "chartreuse", "trait", "colour"),
        ("New", "red", "mood", "kind"),
        ("Bad\x1b[0m", "red", "trait", "name"),
    ],
)
def test_label_validation(session: Session, admin: User, name: str, colour: str, kind: str, field: str) -> None:
    labels.create_label(session, admin, "VIP", "red", "attention")
    with pytest.raises(ValidationError) as caught:
        labels.create_label(session, admin, name, colour, kind)
    assert field in caught.value.errors


def test_a_label_goes_on_and_off_many_customers_in_one_call(session: Session, office: User) -> None:
    many = [make_customer(session, office, f"Klant {n}") for n in range(5)]
    vip = labels.create_label(session, office, "VIP")
    labels.assign_label(session, office, many[0].id, vip.id)  # type: ignore[arg-type]
    session.commit()
    ids = [customer.id for customer in many]
    assert labels.label_customers(session, office, ids, vip.id, add=True) == 4  # type: ignore[arg-type]  # one had it
    session.commit()
    assert all(vip.id in {t.id for t in labels.labels_of(session, cid)} for cid in ids)  # type: ignore[arg-type]
    assert labels.label_customers(session, office, ids[:2], vip.id, add=False) == 2  # type: ignore[arg-type]
    session.commit()
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "label")).all()
    assert len(events) == 1 + 4 + 2  # one per customer changed
