"""Demo data: counts, structure, determinism, duplicates, valid values, sequences after bulk insert."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import Engine, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, select

from custtui.demo import DEMO_LABELS, REFERENCE_DATE, DemoResult, generate_demo
from custtui.models import (
    AuditEvent,
    Building,
    Customer,
    CustomerLabel,
    Installation,
    InstallationKind,
    Label,
    Location,
    Mission,
    MissionInstallation,
    MissionKind,
    MissionStatus,
)
from custtui.services import customers, validation
from custtui.services.customers import CustomerInput
from custtui.services.labels import LABEL_COLOURS
from custtui.services.locations import default_building_name
from custtui.services.regions import region_for_postal_code

TABLES = [Customer, Location, Building, Installation, Mission, MissionInstallation, CustomerLabel, Label]


def _count(engine: Engine, model: type) -> int:
    with engine.connect() as connection:
        table = model.__table__  # type: ignore[attr-defined]
        return connection.execute(sa_select(func.count()).select_from(table)).scalar_one()


def _rows(engine: Engine, model: type) -> list[tuple]:
    table = model.__table__  # type: ignore[attr-defined]
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(sa_select(table).order_by(*table.primary_key.columns))]


@pytest.fixture
def demo(engine: Engine) -> DemoResult:
    return generate_demo(engine, customers=200, seed=3)


def test_requested_counts_and_structure(engine: Engine, demo: DemoResult) -> None:
    assert demo.customers == 200
    assert _count(engine, Customer) == 200
    assert demo.locations == _count(engine, Location)
    assert demo.buildings == _count(engine, Building)
    assert demo.installations == _count(engine, Installation)
    assert demo.missions == _count(engine, Mission)
    assert demo.labels == _count(engine, CustomerLabel)
    assert demo.seconds > 0
    # Realistic amounts, not a token few.
    assert 200 < demo.locations <= 600
    assert demo.buildings >= demo.locations
    assert demo.installations > demo.locations * 0.8
    assert demo.missions > 200
    assert demo.labels > 50
    # Bulk demo data writes no audit trail.
    assert _count(engine, AuditEvent) == 0

    with Session(engine) as session:
        per_customer = Counter(session.exec(select(Location.customer_id)).all())
        assert len(per_customer) == 200
        assert set(per_customer.values()) <= {1, 2, 3}
        assert 2 in per_customer.values()

        location_customer = dict(session.exec(select(Location.id, Location.customer_id)).all())
        buildings = session.exec(select(Building.id, Building.location_id, Building.name)).all()
        building_location = {building_id: location_id for building_id, location_id, _name in buildings}
        names_by_location: dict[int, list[str]] = {}
        for _id, location_id, name in sorted(buildings):
            names_by_location.setdefault(location_id, []).append(name)
        assert set(names_by_location) == set(location_customer)
        assert all(names[0] == default_building_name() for names in names_by_location.values())
        assert any(len(names) == 2 for names in names_by_location.values())

        installations = session.exec(select(Installation)).all()
        installation_location = {}
        for installation in installations:
            assert building_location[installation.building_id] == installation.location_id
            assert installation.kind in {kind.value for kind in InstallationKind}
            assert installation.brand and installation.model and installation.serial_number
            installation_location[installation.id] = installation.location_id
        kinds = Counter(row.kind for row in installations)
        assert kinds[InstallationKind.BOILER.value] > kinds[InstallationKind.HEAT_PUMP.value] > 0

        missions = session.exec(select(Mission.id, Mission.customer_id, Mission.location_id)).all()
        mission_location = {}
        for mission_id, customer_id, location_id in missions:
            assert location_customer[location_id] == customer_id
            mission_location[mission_id] = location_id
        links = session.exec(select(MissionInstallation.mission_id, MissionInstallation.installation_id)).all()
        assert links
        for mission_id, installation_id in links:
            assert installation_location[installation_id] == mission_location[mission_id]


def test_installations_are_plausible(engine: Engine, demo: DemoResult) -> None:
    with Session(engine) as session:
        installations = session.exec(select(Installation)).all()
    serials = [i.serial_number for i in installations]
    assert len(set(serials)) == len(serials)
    for installation in installations:
        if installation.installed_on is not None:
            assert 2005 <= installation.installed_on.year and installation.installed_on <= REFERENCE_DATE
        if installation.kind == InstallationKind.BOILER.value:
            assert installation.fuel in {"natural gas", "fuel oil", "pellets", "propane"}
            assert installation.power_kw is not None and 10 <= installation.power_kw <= 35
        elif installation.kind == InstallationKind.HEAT_PUMP.value:
            assert installation.fuel in {"R32", "R410A", "R290"}
            assert installation.power_kw is not None and 4 <= installation.power_kw <= 16
        elif installation.kind == InstallationKind.AIR_CONDITIONING.value:
            assert installation.fuel in {"R32", "R410A", "R290"}
            assert installation.power_kw is not None and 2.5 <= installation.power_kw <= 7.1
        elif installation.kind == InstallationKind.VENTILATION.value:
            assert installation.power_kw is None or installation.power_kw < 1


def test_missions_are_consistent_with_dates(engine: Engine) -> None:
    technicians = ["Ann Tech", "Bob Fixit"]
    generate_demo(engine, customers=150, seed=11, technicians=technicians)
    with Session(engine) as session:
        missions = session.exec(select(Mission)).all()
        languages = dict(session.exec(select(Customer.id, Customer.language)).all())
    statuses = Counter(m.status for m in missions)
    assert statuses[MissionStatus.DONE.value] > statuses[MissionStatus.CANCELLED.value] > 0
    assert statuses[MissionStatus.PLANNED.value] > 0
    assert {m.kind for m in missions} <= {kind.value for kind in MissionKind}
    for mission in missions:
        assert mission.planned_on is not None
        assert REFERENCE_DATE - timedelta(days=3 * 366) <= mission.planned_on <= REFERENCE_DATE + timedelta(days=31)
        if mission.planned_on > REFERENCE_DATE:
            assert mission.status == MissionStatus.PLANNED.value
        elif mission.planned_on < REFERENCE_DATE - timedelta(days=3):
            assert mission.status in (MissionStatus.DONE.value, MissionStatus.CANCELLED.value)
        if mission.status == MissionStatus.IN_PROGRESS.value:
            assert mission.planned_on >= REFERENCE_DATE - timedelta(days=3)
        assert mission.technician is None or mission.technician in technicians
        assert mission.report_language in (None, "nl", "fr", "de")
        if mission.report_language is not None and languages[mission.customer_id] in ("nl", "fr", "de"):
            assert mission.report_language == languages[mission.customer_id]
        assert mission.created_at.date() <= max(mission.planned_on, REFERENCE_DATE)


def test_same_seed_gives_same_data(fresh_sqlite: Callable[[str], Engine]) -> None:
    first, second, other = fresh_sqlite("a"), fresh_sqlite("b"), fresh_sqlite("c")
    result_a = generate_demo(first, customers=120, seed=5)
    result_b = generate_demo(second, customers=120, seed=5)
    assert result_a.duplicates == result_b.duplicates
    for model in TABLES:
        assert _rows(first, model) == _rows(second, model), model.__name__
    customer_names = [row[1] for row in _rows(first, Customer)]
    assert len(set(customer_names)) > 100

    generate_demo(other, customers=120, seed=6)
    other_names = [row[1] for row in _rows(other, Customer)]
    assert other_names != customer_names
    assert sum(a == b for a, b in zip(customer_names, other_names, strict=True)) < 10


def test_about_five_percent_duplicates(engine: Engine, demo: DemoResult) -> None:
    duplicates = demo.duplicates
    assert 0.03 * 200 <= len(duplicates) <= 0.07 * 200
    with Session(engine) as session:
        names = dict(session.exec(select(Customer.id, Customer.name)).all())
        postal_codes: dict[int, set[str]] = {}
        for customer_id, postal_code in session.exec(select(Location.customer_id, Location.postal_code)).all():
            postal_codes.setdefault(customer_id, set()).add(postal_code)
        missions = Counter(session.exec(select(Mission.customer_id)).all())
    assert set(duplicates) <= set(names)
    assert set(duplicates.values()) <= set(names)
    assert not set(duplicates) & set(duplicates.values())
    # Duplicates come after the originals.
    assert min(duplicates) > max(duplicates.values())
    sharing = sum(bool(postal_codes[dup] & postal_codes[original]) for dup, original in duplicates.items())
    assert sharing >= 0.7 * len(duplicates)
    # Something to merge: the duplicates have sites and (most) missions of their own.
    assert all(dup in postal_codes for dup in duplicates)
    assert sum(missions[dup] > 0 for dup in duplicates) >= len(duplicates) / 2


def test_duplicates_look_like_their_originals(fresh_sqlite: Callable[[str], Engine]) -> None:
    from rapidfuzz import fuzz

    engine = fresh_sqlite("dups")
    result = generate_demo(engine, customers=1000, seed=2)
    assert len(result.duplicates) == 50
    rows = {row[0]: row for row in _rows(engine, Customer)}
    changed = similar = 0
    for dup, original in result.duplicates.items():
        a, b = rows[original][1], rows[dup][1]
        changed += a != b
        similar += fuzz.token_sort_ratio(a.lower(), b.lower()) >= 75 or b == rows[original][2]
    assert changed >= 0.6 * len(result.duplicates)
    assert similar >= 0.9 * len(result.duplicates)


def test_generated_values_are_valid(engine: Engine, session: Session, demo: DemoResult) -> None:
    rows = session.exec(select(Customer)).all()
    locations = session.exec(select(Location)).all()
    belgian_vat = [c.vat_number for c in rows if c.vat_number and c.vat_number.startswith("BE")]
    assert len(belgian_vat) > 20
    assert all(validation.belgian_vat_is_valid(vat) for vat in belgian_vat)
    assert any(c.vat_number and c.vat_number.startswith("NL") for c in rows)
    assert sum(c.vat_number is None for c in rows) > 100  # private persons have none
    for customer in rows:
        errors: dict[str, str] = {}
        validation.check_email(customer.email, errors)
        validation.check_phone(customer.phone, errors, country=customer.region_code[:2])  # national: its country's
        validation.check_vat(customer.vat_number, errors)
        validation.check_language(customer.language, errors)
        assert not errors, (customer.name, customer.email, customer.phone, customer.vat_number, errors)
        assert customer.email is None or (customer.email.isascii() and customer.email == customer.email.lower())
        assert customer.version == 1
    assert any(c.customer_number is None for c in rows)
    assert all(c.customer_number is None or (len(c.customer_number) == 6 and c.customer_number.isdigit()) for c in rows)
    # Names: accents, companies with legal forms, aliases.
    assert any(not c.name.isascii() for c in rows)
    assert any(c.internal_name for c in rows)
    countries = Counter(location.country for location in locations)
    assert countries["BE"] > countries["NL"] > 0
    for location in locations:
        errors = {}
        validation.check_phone(location.phone, errors, country=location.country)
        assert not errors, (location.phone, location.country, errors)
        if location.country == "BE":
            assert region_for_postal_code(location.postal_code, "BE") == location.region_code, location
        else:
            assert location.region_code == location.country
        if location.country == "NL":
            assert location.postal_code[:4].isdigit() and location.postal_code[4] == " "
            assert location.postal_code[5:].isalpha() and location.postal_code[5:].isupper()
    # And the service validation accepts every customer as it is.
    for customer in rows[::5]:
        customers.validate(session, CustomerInput.from_customer(customer))


def test_demo_labels_created_once_and_reused(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(Label(name="vip", colour="magenta", kind="trait"))
        session.add(Label(name="Other", colour="blue", kind="trait"))
        session.commit()
        vip_id = session.exec(select(Label.id).where(Label.name == "vip")).one()
    first = generate_demo(engine, customers=60, seed=1)
    second = generate_demo(engine, customers=40, seed=2)
    assert _count(engine, Customer) == 100
    assert first.customers == 60 and second.customers == 40
    with Session(engine) as session:
        labels = session.exec(select(Label)).all()
        used = set(session.exec(select(CustomerLabel.label_id)).all())
    names = sorted(label.name.lower() for label in labels)
    assert names == sorted({names_by_language["en"].lower() for names_by_language, *_rest in DEMO_LABELS} | {"other"})
    assert all(label.colour in LABEL_COLOURS for label in labels)
    assert vip_id in used
    # The second run continued the ids of the first.
    assert second.duplicates and min(second.duplicates.values()) > 60
    assert _count(engine, CustomerLabel) == first.labels + second.labels


def test_orm_inserts_work_after_generation(engine: Engine) -> None:
    generate_demo(engine, customers=50, seed=4)
    with Session(engine) as session:
        customer = Customer(name="Nieuwe Klant bv", region_code="BE-VLG")
        session.add(customer)
        session.flush()
        location = Location(
            customer_id=customer.id, street="Kerkstraat", number="1", postal_code="9000", city="Gent",
            region_code="BE-VLG",
        )
        session.add(location)
        session.flush()
        building = Building(location_id=location.id, name="Main building")
        session.add(building)
        session.flush()
        installation = Installation(location_id=location.id, building_id=building.id, kind="boiler")
        mission = Mission(customer_id=customer.id, location_id=location.id, kind="repair")
        label = Label(name="Brand new label")
        session.add_all([installation, mission, label])
        session.commit()
        assert customer.id == 51
        assert label.id == len(DEMO_LABELS) + 1
        pairs = ((Location, location), (Building, building), (Installation, installation), (Mission, mission))
        for model, row in pairs:
            assert row.id == _count(engine, model), model.__name__


def test_progress_and_empty_run(engine: Engine) -> None:
    calls: list[tuple[int, int]] = []
    result = generate_demo(engine, customers=0, progress=lambda done, total: calls.append((done, total)))
    assert (result.customers, result.locations, result.missions, result.duplicates) == (0, 0, 0, {})
    generate_demo(engine, customers=30, progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1] == (30, 30)
    assert [done for done, _total in calls] == sorted(done for done, _total in calls)
