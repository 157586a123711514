"""Merging duplicate customers: plan, apply, delete the emptied records, undo (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from helpers import make_customer, make_installation, make_location, make_mission
from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, SQLModel

from custtui.errors import DeleteRefused, NotFound, PermissionDenied
from custtui.models import AuditEvent, Contact, Customer, Installation, JournalNote, Location, User
from custtui.services import customers, installations, labels, locations, marks, merge, missions, notes
from custtui.services.customers import CustomerInput
from custtui.services.duplicates import find_duplicates
from custtui.services.merge import MergePlan, MergeRefused, StalePlan, UndoRefused

SKIPPED_TABLES = {"audit_event", "merge_record", "alembic_version"}


def snapshot(engine: Engine, *, versions: bool = True) -> dict[str, list[tuple[Any, ...]]]:
    """Every committed row of every table (audit and merge history aside), all columns, by primary key.

    versions=False leaves out customer.version: undo restores every other
    column exactly, but a version number never goes back (see services.merge).
    """
    tables = [t for t in SQLModel.metadata.sorted_tables if t.name not in SKIPPED_TABLES]
    with engine.connect() as connection:
        data = {
            table.name: [tuple(row) for row in connection.execute(select(table).order_by(*table.primary_key.columns))]
            for table in tables
        }
    if not versions:
        position = list(Customer.__table__.columns.keys()).index("version")  # type: ignore[attr-defined]
        data["customer"] = [row[:position] + row[position + 1 :] for row in data["customer"]]
    return data


def versions_of(engine: Engine) -> dict[int, int]:
    with engine.connect() as connection:
        return dict(connection.execute(select(Customer.id, Customer.version)).all())  # type: ignore[call-overload]


def assert_restored(engine: Engine, before: tuple[dict[str, list[tuple[Any, ...]]], dict[int, int]], merged: list[int]) -> None:
    """Every row of every table as `before`; the merged customers' versions moved on, the others' not."""
    rows, versions = before
    assert snapshot(engine, versions=False) == rows
    after = versions_of(engine)
    assert after.keys() == versions.keys()
    for cid, version in after.items():
        if cid in merged:
            assert version > versions[cid]
        else:
            assert version == versions[cid]


def state(engine: Engine) -> tuple[dict[str, list[tuple[Any, ...]]], dict[int, int]]:
    return snapshot(engine, versions=False), versions_of(engine)


@dataclass
class World:
    """Three records of one bakery, built through the services.

    A (kept: most installations + missions), B and C. B's "Kerkstr. 12" is
    A's "Kerkstraat 12" written differently; B's "Nieuwstraat 5" is new, and
    C's "Nieuwstraat 5" is the same place as B's; C's "Dorpsstraat 1" is new.
    """

    a: Customer
    b: Customer
    c: Customer
    a1: Location  # Kerkstraat 12, 2000 Antwerpen (Main building, Bijgebouw)
    a2: Location  # Marktplein 3, 2000 Antwerpen
    b1: Location  # Kerkstr. 12, 2000 (Main building, bijgebouw)
    b2: Location  # Nieuwstraat 5, 2000
    c1: Location  # nieuwstraat 5, 2000 (Main building, Kelder)
    c2: Location  # Dorpsstraat 1, 2500 Lier
    buildings: dict[str, int]
    inst: dict[str, int]
    missions: dict[str, int]
    labels: dict[str, int]


def build_world(session: Session, actor: User) -> World:
    a = make_customer(session, actor, "Bakkerij Peeters", phone="+32 3 223 45 67", customer_number="1001")
    b = make_customer(
        session, actor, "Bakkerij Peters", email="info@peeters.be", vat_number="BE0403170701", customer_number="1002"
    )
    c = make_customer(session, actor, "Peeters bakkerij", email="bakker@peeters.be")
    notes.add_note(session, actor, c.id, "Sleutel bij de buren")  # a journal entry: it goes with the merge
    a1 = make_location(session, actor, a, street="Kerkstraat", number="12", postal_code="2000", city="Antwerpen")
    a2 = make_location(session, actor, a, street="Marktplein", number="3", postal_code="2000", city="Antwerpen")
    b1 = make_location(session, actor, b, street="Kerkstr.", number=" 12", postal_code="2000 ", city="ANTWERPEN")
    b2 = make_location(session, actor, b, street="Nieuwstraat", number="5", postal_code="2000", city="Antwerpen")
    c1 = make_location(session, actor, c, street="nieuwstraat", number="5", postal_code="2000", city="Antwerpen")
    c2 = make_location(session, actor, c, street="Dorpsstraat", number="1", postal_code="2500", city="Lier")
    buildings = {
        "a1": locations.buildings_of(session, a1.id)[0].id,
        "a1x": locations.add_building(session, actor, a1.id, "Bijgebouw").id,
        "a2": locations.buildings_of(session, a2.id)[0].id,
        "b1": locations.buildings_of(session, b1.id)[0].id,
        "b1x": locations.add_building(session, actor, b1.id, "bijgebóuw").id,
        "b2": locations.buildings_of(session, b2.id)[0].id,
        "c1": locations.buildings_of(session, c1.id)[0].id,
        "c1x": locations.add_building(session, actor, c1.id, "Kelder").id,
        "c2": locations.buildings_of(session, c2.id)[0].id,
    }
    session.commit()
    inst = {
        "a1": make_installation(session, actor, a1, serial_number="A1").id,
        "a1b": make_installation(session, actor, a1, serial_number="A1b", kind="heat_pump").id,
        "a2": make_installation(session, actor, a2, serial_number="A2").id,
        "b1": make_installation(session, actor, b1, serial_number="B1").id,
        "b1x": make_installation(session, actor, b1, serial_number="B1x", building_id=buildings["b1x"]).id,
        "b2": make_installation(session, actor, b2, serial_number="B2").id,
        "c1x": make_installation(session, actor, c1, serial_number="C1x", building_id=buildings["c1x"]).id,
    }
    missions = {
        "a1": make_mission(session, actor, a, a1, installation_ids=[inst["a1"]]).id,
        "a1b": make_mission(session, actor, a, a1, planned_on=date(2026, 3, 2)).id,
        "a2": make_mission(session, actor, a, a2).id,
        "b1": make_mission(session, actor, b, b1, installation_ids=[inst["b1"], inst["b1x"]]).id,
        "b2": make_mission(session, actor, b, b2, kind="repair").id,
        "c2": make_mission(session, actor, c, c2).id,
    }
    tags = {name: labels.create_label(session, actor, name).id for name in ("VIP", "Contract", "Late payer")}
    for customer, name in ((a, "VIP"), (b, "Contract"), (c, "VIP"), (c, "Late payer")):
        labels.assign_label(session, actor, customer.id, tags[name])
    session.commit()
    return World(a, b, c, a1, a2, b1, b2, c1, c2, buildings, inst, missions, tags)


def apply(session: Session, actor: User, plan: MergePlan, **kwargs: Any) -> int:
    merge_id = merge.apply_merge(session, actor, plan, **kwargs)
    session.commit()
    return merge_id


# --------------------------------------------------------------------------
# Planning.
# --------------------------------------------------------------------------


def test_default_keep_is_most_installations_and_missions(session: Session, office: User) -> None:
    w = build_world(session, office)
    plan = merge.plan_merge(session, office, [w.c.id, w.b.id, w.a.id])
    assert plan.keep_id == w.a.id  # 3 installations + 3 missions
    assert plan.other_ids == [w.b.id, w.c.id]  # B: 3 + 2, C: 1 + 1
    assert plan.counts == {w.a.id: (2, 3, 3), w.b.id: (2, 3, 2), w.c.id: (2, 1, 1)}
    assert plan.names == {w.a.id: "Bakkerij Peeters", w.b.id: "Bakkerij Peters", w.c.id: "Peeters bakkerij"}
    assert plan.versions == {w.a.id: 1, w.b.id: 1, w.c.id: 1}


def test_ties_keep_the_lowest_id_and_keep_can_be_chosen(session: Session, office: User) -> None:
    x = make_customer(session, office, "Chauffage Dubois")
    y = make_customer(session, office, "Chauffage Dubois sa")
    plan = merge.plan_merge(session, office, [y.id, x.id])
    assert (plan.keep_id, plan.other_ids) == (x.id, [y.id])
    assert merge.plan_merge(session, office, [x.id, y.id], keep_id=y.id).keep_id == y.id
    replanned = merge.replan_keep(session, office, plan, y.id)
    assert (replanned.keep_id, replanned.other_ids) == (y.id, [x.id])
    assert replanned.field_choice("name").chosen_from == y.id


def test_plan_refuses_bad_requests(session: Session, office: User) -> None:
    x = make_customer(session, office, "Chauffage Dubois")
    with pytest.raises(MergeRefused, match="at least two"):
        merge.plan_merge(session, office, [x.id, x.id])
    with pytest.raises(NotFound, match="Customer 9999 does not exist"):
        merge.plan_merge(session, office, [x.id, 9999])
    y = make_customer(session, office, "Chauffage Dubois sa")
    with pytest.raises(MergeRefused, match="must be one of"):
        merge.plan_merge(session, office, [x.id, y.id], keep_id=12345)


def test_field_choices_preselect_the_kept_value_and_fill_empty_ones(session: Session, office: User) -> None:
    w = build_world(session, office)
    plan = merge.plan_merge(session, office, [w.a.id, w.b.id, w.c.id])
    choices = {choice.field: choice for choice in plan.fields}
    assert set(choices) == {"name", "customer_number", "vat_number", "email", "phone"}  # region etc. equal
    assert choices["name"].chosen_from == w.a.id
    assert choices["name"].values == {w.a.id: "Bakkerij Peeters", w.b.id: "Bakkerij Peters", w.c.id: "Peeters bakkerij"}
    assert choices["customer_number"].chosen_from == w.a.id
    assert choices["email"].chosen_from == w.b.id  # A has none: the first other's (B before C)
    assert choices["vat_number"].chosen_from == w.b.id
    assert choices["phone"].chosen_from == w.a.id
    assert plan.chosen_values() == {"email": "info@peeters.be", "vat_number": "BE0403170701"}
    plan.choose_field("email", w.c.id)
    plan.choose_field("name", w.b.id)
    assert plan.chosen_values()["email"] == "bakker@peeters.be"
    with pytest.raises(ValueError):
        plan.choose_field("region_code", w.b.id)  # the same everywhere: no choice
    with pytest.raises(ValueError):
        plan.choose_field("email", 424242)
    apply(session, office, plan)
    kept = session.get(Customer, w.a.id)
    assert kept is not None
    assert [entry.text for entry in notes.list_notes(session, w.a.id)] == ["Sleutel bij de buren"]  # C's journal
    assert (kept.name, kept.email, kept.vat_number, kept.phone, kept.customer_number) == (
        "Bakkerij Peters",
        "bakker@peeters.be",
        "BE0403170701",
        "+3232234567",  # typed "+32 3 223 45 67", stored E.164
        "1001",
    )


def test_labels_are_united(session: Session, office: User) -> None:
    w = build_world(session, office)
    plan = merge.plan_merge(session, office, [w.a.id, w.b.id, w.c.id])
    assert plan.labels_added == sorted([w.labels["Contract"], w.labels["Late payer"]])
    apply(session, office, plan)
    assert [label.name for label in labels.labels_of(session, w.a.id)] == ["Contract", "Late payer", "VIP"]
    assert [label.name for label in labels.labels_of(session, w.c.id)] == ["Late payer", "VIP"]  # untouched


def test_address_score_normalises_and_threshold() -> None:
    def loc(street: str, number: str, postal: str = "2000", city: str = "Antwerpen", name: str = "") -> Location:
        return Location(
            customer_id=1, street=street, number=number, postal_code=postal, city=city, region_code="BE-VLG", name=name
        )

    kerk = loc("Kerkstraat", "12")
    assert merge.address_score(kerk, loc("Kerkstr.", " 12", "2000 ", "ANTWERPEN")) == 100
    assert merge.address_score(loc("Rue de l'Église", "5 bte 2", "4000"), loc("rue de l eglise", "5/2", "4000")) == 100
    assert merge.address_score(kerk, loc("Kerkstraat", "12 bus 3")) >= merge.MATCH_THRESHOLD  # box missing on one side
    assert merge.address_score(kerk, loc("Kerstraat", "12")) >= merge.MATCH_THRESHOLD  # typo
    assert merge.address_score(kerk, loc("Kerkstraat", "14")) < merge.MATCH_THRESHOLD
    assert merge.address_score(kerk, loc("Kerkhofstraat", "12")) < merge.MATCH_THRESHOLD
    assert merge.address_score(kerk, loc("Kerkstraat", "12", "2018")) == 0
    assert merge.address_score(loc("Kerkstraat", "12 bus 1"), loc("Kerkstraat", "12 bus 2")) < merge.MATCH_THRESHOLD


def test_locations_auto_matched_or_added(session: Session, office: User) -> None:
    w = build_world(session, office)
    plan = merge.plan_merge(session, office, [w.a.id, w.b.id, w.c.id])
    targets = {match.location_id: match.target_id for match in plan.locations}
    assert targets == {
        w.b1.id: w.a1.id,  # same address, other formatting
        w.b2.id: None,  # new: added to A
        w.c1.id: w.b2.id,  # the same place as B's new location: one location, not two
        w.c2.id: None,  # new
    }
    b1 = plan.location_match(w.b1.id)
    assert b1.score == 100 and b1.address == "Kerkstr. 12, 2000 ANTWERPEN"
    assert [c[0] for c in b1.candidates][:1] == [w.a1.id]
    assert {c[0] for c in b1.candidates} >= {w.a1.id, w.a2.id}  # every kept location is offered
    # The user's edits: another kept location, add as new, and back.
    plan.map_location(w.b1.id, w.a2.id)
    assert plan.location_match(w.b1.id).target_id == w.a2.id
    plan.map_location(w.b1.id, None)
    assert plan.location_match(w.b1.id).target_id is None
    # B2 mapped onto A2: C1, which followed B2, follows it there.
    plan.map_location(w.b2.id, w.a2.id)
    assert plan.location_match(w.c1.id).target_id == w.a2.id
    # Choosing C1 as B2's target when C1 goes to A2 follows C1.
    plan.map_location(w.c1.id, None)
    plan.map_location(w.b2.id, w.c1.id)
    assert plan.location_match(w.b2.id).target_id == w.c1.id
    plan.map_location(w.c1.id, w.b2.id)  # swap: B2 stays, C1 maps onto it
    assert (plan.location_match(w.b2.id).target_id, plan.location_match(w.c1.id).target_id) == (None, w.b2.id)
    with pytest.raises(ValueError):
        plan.map_location(w.b1.id, w.b1.id)
    with pytest.raises(ValueError):
        plan.map_location(w.b1.id, 999999)
    with pytest.raises(ValueError):
        plan.map_location(w.a1.id, None)  # a kept location is not mapped


def test_preview_counts(session: Session, office: User) -> None:
    w = build_world(session, office)
    plan = merge.plan_merge(session, office, [w.a.id, w.b.id, w.c.id])
    assert plan.preview() == merge.MergePreview(
        locations_added=2,
        locations_mapped=2,
        installations_moved=4,
        missions_moved=3,
        fields_changed=2,  # email and VAT filled
        labels_added=2,
        records_marked=2,
    )
    plan.choose_field("name", w.c.id)
    assert plan.preview().fields_changed == 3


def test_plan_is_json_serialisable(session: Session, office: User) -> None:
    w = build_world(session, office)
    plan = merge.plan_merge(session, office, [w.a.id, w.b.id, w.c.id])
    again = MergePlan.from_dict(json.loads(json.dumps(plan.to_dict())))
    assert again == plan
    assert again.preview() == plan.preview()


# --------------------------------------------------------------------------
# Applying.
# --------------------------------------------------------------------------


def _rows(session: Session, engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    data = snapshot(engine)
    return {
        "location": sorted((row[0], row[1]) for row in data["location"]),  # id, customer_id
        "building": sorted((row[0], row[1], row[2]) for row in data["building"]),  # id, location_id, name
        "installation": sorted((row[0], row[1], row[2]) for row in data["installation"]),  # id, location, building
        "mission": sorted((row[0], row[1], row[2]) for row in data["mission"]),  # id, customer, location
        "mission_installation": sorted(data["mission_installation"]),
        "customer_label": sorted(data["customer_label"]),
    }


def test_merge_result_is_exactly_the_expected_rows(session: Session, engine: Engine, office: User) -> None:
    w = build_world(session, office)
    before = _rows(session, engine)
    plan = merge.plan_merge(session, office, [w.a.id, w.b.id, w.c.id])
    merge_id = apply(session, office, plan)
    A, B, C = w.a.id, w.b.id, w.c.id
    bl = w.buildings
    assert _rows(session, engine) == {
        # B1 and C1 emptied (mapped), stay with B and C until deleted; B2 and C2 now A's, same ids.
        "location": sorted([(w.a1.id, A), (w.a2.id, A), (w.b1.id, B), (w.b2.id, A), (w.c1.id, C), (w.c2.id, A)]),
        "building": before["building"],  # no building moves or is created
        "installation": sorted(
            [
                (w.inst["a1"], w.a1.id, bl["a1"]),
                (w.inst["a1b"], w.a1.id, bl["a1"]),
                (w.inst["a2"], w.a2.id, bl["a2"]),
                (w.inst["b1"], w.a1.id, bl["a1"]),  # Main building -> A1's Main building
                (w.inst["b1x"], w.a1.id, bl["a1x"]),  # "bijgebóuw" -> A1's "Bijgebouw"
                (w.inst["b2"], w.b2.id, bl["b2"]),  # went along with its location
                (w.inst["c1x"], w.b2.id, bl["b2"]),  # "Kelder": no such building at B2 -> its first
            ]
        ),
        "mission": sorted(
            [
                (w.missions["a1"], A, w.a1.id),
                (w.missions["a1b"], A, w.a1.id),
                (w.missions["a2"], A, w.a2.id),
                (w.missions["b1"], A, w.a1.id),
                (w.missions["b2"], A, w.b2.id),
                (w.missions["c2"], A, w.c2.id),
            ]
        ),
        "mission_installation": before["mission_installation"],
        "customer_label": sorted(
            [
                (A, w.labels["VIP"]),
                (A, w.labels["Contract"]),
                (A, w.labels["Late payer"]),
                (B, w.labels["Contract"]),
                (C, w.labels["VIP"]),
                (C, w.labels["Late payer"]),
            ]
        ),
    }
    stored = {cid: session.get(Customer, cid) for cid in (A, B, C)}
    # The others carry the ERROR mark; their names stay as they were (the mark is shown before them).
    assert {cid: (c.name, c.marked_error, c.version) for cid, c in stored.items() if c} == {
        A: ("Bakkerij Peeters", False, 2),
        B: ("Bakkerij Peters", True, 2),
        C: ("Peeters bakkerij", True, 2),
    }
    counts = customers.counts_for(session, [A, B, C])
    assert (counts[B].installations, counts[B].missions, counts[C].installations, counts[C].missions) == (0, 0, 0, 0)
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "merge")).scalars().all()
    assert sorted(e.entity_id for e in events) == [A, B, C]
    assert all(e.after["merge"]["merge_id"] == merge_id for e in events)
    summary = merge.list_merges(session)
    assert [(s.id, s.keep_id, s.keep_name, s.other_ids, s.other_names, s.undone, s.user_login) for s in summary] == [
        (merge_id, A, "Bakkerij Peeters", [B, C], ["Bakkerij Peters", "Peeters bakkerij"], False, "olivier")
    ]


def test_others_marked_once_and_deletable(session: Session, engine: Engine, office: User) -> None:
    w = build_world(session, office)
    # Given up by hand, as offices do: the word typed before the name.
    marks.save_customer(session, office, w.c.id, _input_of(w.c, name="ERROR Peeters bakkerij"), 1)
    session.commit()
    plan = merge.plan_merge(session, office, [w.a.id, w.b.id, w.c.id])
    assert plan.marked == [w.c.id] and plan.shown_name(w.c.id) == "ERROR Peeters bakkerij"
    merge_id = apply(session, office, plan)
    for customer_id, name in ((w.c.id, "Peeters bakkerij"), (w.b.id, "Bakkerij Peters")):
        stored = session.get(Customer, customer_id)
        assert stored is not None and (stored.name, stored.marked_error) == (name, True)
    deleted = merge.delete_merged(session, office, merge_id)
    session.commit()
    assert deleted == [w.b.id, w.c.id]
    assert session.get(Customer, w.b.id) is None and session.get(Customer, w.c.id) is None
    remaining = snapshot(engine)["location"]
    assert {row[0] for row in remaining} == {w.a1.id, w.a2.id, w.b2.id, w.c2.id}
    assert merge.delete_merged(session, office, merge_id) == []  # nothing left to delete
    assert merge.list_merges(session)[0].deleted_ids == [w.b.id, w.c.id]


def _input_of(customer: Customer, **changes: Any) -> CustomerInput:
    data = CustomerInput.from_customer(customer)
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def test_delete_merged_refuses_while_something_is_linked(session: Session, office: User) -> None:
    w = build_world(session, office)
    merge_id = apply(session, office, merge.plan_merge(session, office, [w.a.id, w.b.id, w.c.id]))
    make_installation(session, office, w.b1, serial_number="late")  # added to an ERROR record afterwards
    with pytest.raises(DeleteRefused, match="Bakkerij Peters"):
        merge.delete_merged(session, office, merge_id)
    session.rollback()
    assert session.get(Customer, w.c.id) is not None  # nothing deleted


def test_missions_of_others_move_to_kept_customer(session: Session, office: User) -> None:
    w = build_world(session, office)
    apply(session, office, merge.plan_merge(session, office, [w.a.id, w.b.id, w.c.id]))
    mine = {mission.id for mission, _location in missions.missions_of_customer(session, w.a.id)}
    assert mine == set(w.missions.values())
    assert missions.missions_of_customer(session, w.b.id) == []


def test_target_without_building_gets_a_default_one_and_undo_removes_it(
    session: Session, engine: Engine, office: User
) -> None:
    a = make_customer(session, office, "Garage Janssens")
    b = make_customer(session, office, "Garage Janssens bv")
    a1 = make_location(session, office, a)
    b1 = make_location(session, office, b)
    for building in locations.buildings_of(session, a1.id):
        session.delete(building)
    session.commit()
    make_installation(session, office, b1)
    make_installation(session, office, b1, serial_number="S-2")
    make_mission(session, office, b, b1)
    before = state(engine)
    plan = merge.plan_merge(session, office, [a.id, b.id], keep_id=a.id)
    assert plan.location_match(b1.id).target_id == a1.id
    merge_id = apply(session, office, plan)
    created = locations.buildings_of(session, a1.id)
    assert [b.name for b in created] == ["Main building"]
    assert {row[2] for row in snapshot(engine)["installation"]} == {created[0].id}
    merge.undo_merge(session, office, merge_id)
    session.commit()
    assert_restored(engine, before, [a.id, b.id])


# --------------------------------------------------------------------------
# Undo.
# --------------------------------------------------------------------------


def test_undo_restores_every_row(session: Session, engine: Engine, office: User) -> None:
    w = build_world(session, office)
    before = state(engine)
    plan = merge.plan_merge(session, office, [w.a.id, w.b.id, w.c.id])
    plan.choose_field("name", w.c.id)
    merge_id = apply(session, office, plan)
    assert snapshot(engine, versions=False) != before[0]
    merge.undo_merge(session, office, merge_id)
    session.commit()
    assert_restored(engine, before, [w.a.id, w.b.id, w.c.id])
    assert versions_of(engine)[w.a.id] == 3  # 1, merged 2, undone 3: never back to 1
    assert merge.list_merges(session)[0].undone
    assert [e.entity_id for e in session.exec(select(AuditEvent).where(AuditEvent.action == "unmerge")).scalars()] == [
        w.a.id,
        w.b.id,
        w.c.id,
    ]
    # The session sees the restored rows too.
    assert session.get(Customer, w.a.id).name == "Bakkerij Peeters"  # type: ignore[union-attr]


def test_undo_after_delete_merged_recreates_the_records(session: Session, engine: Engine, office: User) -> None:
    w = build_world(session, office)
    before = state(engine)
    merge_id = apply(session, office, merge.plan_merge(session, office, [w.a.id, w.b.id, w.c.id]))
    merge.delete_merged(session, office, merge_id)
    session.commit()
    merge.undo_merge(session, office, merge_id)
    session.commit()
    assert_restored(engine, before, [w.a.id, w.b.id, w.c.id])
    # and the recreated records work as before: edit one
    recreated = session.get(Customer, w.b.id)
    assert recreated is not None and recreated.version == 3  # deleted at 2, recreated at 3
    customers.update_customer(session, office, w.b.id, _input_of(recreated, phone="+32 3 299 99 99"), recreated.version)
    session.commit()


def _add_contacts_and_notes(session: Session, actor: User, w: World) -> dict[str, int]:
    """A contact and a note on B's new site (re-parented), on B's site that maps to A's, and on C itself."""
    rows: dict[str, int] = {}
    for key, customer, site in (("b2", w.b, w.b2), ("b1", w.b, w.b1), ("c", w.c, None)):
        contact = Contact(customer_id=customer.id, location_id=site.id if site else None, name=f"Contact {key}")
        session.add(contact)
        session.flush()
        rows[f"contact {key}"] = contact.id  # type: ignore[assignment]
        rows[f"note {key}"] = notes.add_note(session, actor, customer.id, f"Note {key}", site.id if site else None).id  # type: ignore[assignment]
    session.commit()
    return rows


def test_contacts_and_notes_move_with_the_merge_and_come_back_on_undo(session: Session, engine: Engine, office: User) -> None:
    w = build_world(session, office)
    rows = _add_contacts_and_notes(session, office, w)
    before = state(engine)
    plan = merge.plan_merge(session, office, [w.a.id, w.b.id, w.c.id])
    mapped = {match.location_id: match.target_id for match in plan.locations}
    assert mapped[w.b1.id] == w.a1.id and mapped[w.b2.id] is None  # as build_world says
    merge_id = apply(session, office, plan)
    session.expire_all()
    where = {key: session.get(Contact if key.startswith("contact") else JournalNote, row_id) for key, row_id in rows.items()}
    assert {key: (row.customer_id, row.location_id) for key, row in where.items()} == {  # type: ignore[union-attr]
        "contact b2": (w.a.id, w.b2.id), "note b2": (w.a.id, w.b2.id),  # the site went to A with them
        "contact b1": (w.a.id, w.a1.id), "note b1": (w.a.id, w.a1.id),  # B's site is A's: they follow
        "contact c": (w.a.id, None), "note c": (w.a.id, None),
    }  # fmt: skip
    assert [entry.text for entry in notes.list_notes(session, w.a.id)] == ["Note c", "Note b1", "Note b2", "Sleutel bij de buren"]
    merge.undo_merge(session, office, merge_id)
    session.commit()
    assert_restored(engine, before, [w.a.id, w.b.id, w.c.id])


def test_a_note_added_to_a_site_given_back_by_undo_stays_with_the_kept_customer(session: Session, office: User) -> None:
    w = build_world(session, office)
    merge_id = apply(session, office, merge.plan_merge(session, office, [w.a.id, w.b.id, w.c.id]))
    added = notes.add_note(session, office, w.a.id, "Called about the new site", w.b2.id)
    session.commit()
    merge.undo_merge(session, office, merge_id)
    session.commit()
    session.expire_all()
    kept = session.get(JournalNote, added.id)
    assert kept is not None and (kept.customer_id, kept.location_id) == (w.a.id, None)
    assert session.get(Location, w.b2.id).customer_id == w.b.id  # type: ignore[union-attr]


def test_undo_refused_after_the_kept_customer_was_edited(session: Session, office: User) -> None:
    w = build_world(session, office)
    merge_id = apply(session, office, merge.plan_merge(session, office, [w.a.id, w.b.id, w.c.id]))
    kept = session.get(Customer, w.a.id)
    customers.update_customer(session, office, w.a.id, _input_of(kept, phone="+32 3 200 00 00"), kept.version)  # type: ignore[arg-type, union-attr]
    session.commit()
    with pytest.raises(UndoRefused, match=r"Bakkerij Peeters \(#\d+\) was changed since the merge"):
        merge.undo_merge(session, office, merge_id)
    session.rollback()
    assert not merge.list_merges(session)[0].undone


def test_undo_refused_when_a_moved_installation_moved_again(session: Session, office: User) -> None:
    w = build_world(session, office)
    merge_id = apply(session, office, merge.plan_merge(session, office, [w.a.id, w.b.id, w.c.id]))
    installations.move_installation(session, office, w.inst["b1"], w.a2.id)
    session.commit()
    with pytest.raises(UndoRefused, match=f"installation {w.inst['b1']} was moved") as refused:
        merge.undo_merge(session, office, merge_id)
    assert len(refused.value.problems) == 1


def test_undo_refused_when_something_was_added_to_a_location_given_to_the_kept_record(
    session: Session, office: User
) -> None:
    w = build_world(session, office)
    merge_id = apply(session, office, merge.plan_merge(session, office, [w.a.id, w.b.id, w.c.id]))
    make_mission(session, office, session.get(Customer, w.a.id), w.c2)  # type: ignore[arg-type]
    with pytest.raises(UndoRefused, match=f"location {w.c2.id} has other"):
        merge.undo_merge(session, office, merge_id)


def test_undo_twice_is_refused(session: Session, office: User) -> None:
    w = build_world(session, office)
    merge_id = apply(session, office, merge.plan_merge(session, office, [w.a.id, w.b.id]))
    merge.undo_merge(session, office, merge_id)
    session.commit()
    with pytest.raises(UndoRefused, match="undone already"):
        merge.undo_merge(session, office, merge_id)
    with pytest.raises(MergeRefused, match="was undone"):
        merge.delete_merged(session, office, merge_id)


# --------------------------------------------------------------------------
# Safety.
# --------------------------------------------------------------------------


def test_stale_plan_refused_after_an_edit(session: Session, engine: Engine, office: User) -> None:
    w = build_world(session, office)
    plan = merge.plan_merge(session, office, [w.a.id, w.b.id, w.c.id])
    customers.update_customer(session, office, w.c.id, _input_of(w.c, phone="+32 3 555 55 55"), 1)
    session.commit()
    before = snapshot(engine)
    with pytest.raises(StalePlan, match=r"Peeters bakkerij \(#\d+\)") as refused:
        merge.apply_merge(session, office, plan)
    session.rollback()
    assert refused.value.customer_ids == [w.c.id]
    assert snapshot(engine) == before


def test_stale_plan_refused_after_an_installation_was_added(session: Session, engine: Engine, office: User) -> None:
    w = build_world(session, office)
    plan = merge.plan_merge(session, office, [w.a.id, w.b.id, w.c.id])
    make_installation(session, office, w.b2, serial_number="new")
    before = snapshot(engine)
    with pytest.raises(StalePlan, match="Bakkerij Peters") as refused:
        merge.apply_merge(session, office, plan)
    session.rollback()
    assert refused.value.customer_ids == [w.b.id]
    assert snapshot(engine) == before


def test_stale_plan_refused_after_a_location_address_or_label_changed(session: Session, office: User) -> None:
    w = build_world(session, office)
    plan = merge.plan_merge(session, office, [w.a.id, w.b.id])
    locations.update_location(
        session, office, w.a2.id, locations.LocationInput(street="Kerkstraat", number="12", postal_code="2000", city="Antwerpen")
    )
    session.commit()
    with pytest.raises(StalePlan):
        merge.apply_merge(session, office, plan)
    session.rollback()
    plan = merge.plan_merge(session, office, [w.a.id, w.b.id])
    labels.assign_label(session, office, w.b.id, w.labels["VIP"])
    session.commit()
    with pytest.raises(StalePlan):
        merge.apply_merge(session, office, plan)


def test_technician_may_not_merge(session: Session, office: User, technician: User) -> None:
    w = build_world(session, office)
    with pytest.raises(PermissionDenied, match="may not merge customers"):
        merge.plan_merge(session, technician, [w.a.id, w.b.id])
    plan = merge.plan_merge(session, office, [w.a.id, w.b.id])
    with pytest.raises(PermissionDenied):
        merge.apply_merge(session, technician, plan)
    merge_id = apply(session, office, plan)
    with pytest.raises(PermissionDenied):
        merge.undo_merge(session, technician, merge_id)
    with pytest.raises(PermissionDenied):
        merge.delete_merged(session, technician, merge_id)
    with pytest.raises(PermissionDenied):
        merge.dismiss_pair(session, technician, w.a.id, w.c.id)


def test_fault_midway_rolls_everything_back(session: Session, engine: Engine, office: User) -> None:
    w = build_world(session, office)
    for i in range(30):  # enough rows for several batches
        make_installation(session, office, w.b1, serial_number=f"X{i}")
    before = snapshot(engine)
    plan = merge.plan_merge(session, office, [w.a.id, w.b.id, w.c.id], keep_id=w.a.id)
    calls: list[tuple[int, int]] = []

    def fail_halfway(done: int, total: int) -> None:
        calls.append((done, total))
        if done >= total // 2:
            raise RuntimeError("disk full")

    original_chunk = merge.rows.CHUNK
    merge.rows.CHUNK = 4
    try:
        with pytest.raises(RuntimeError, match="disk full"):
            merge.apply_merge(session, office, plan, progress=fail_halfway)
    finally:
        merge.rows.CHUNK = original_chunk
    session.rollback()
    assert calls[-1][0] < calls[-1][1]  # it stopped midway
    assert len(calls) >= 3
    assert snapshot(engine) == before
    assert merge.list_merges(session) == []
    # and the same plan still applies afterwards
    apply(session, office, plan)
    assert snapshot(engine) != before


def test_progress_reaches_the_total(session: Session, office: User) -> None:
    w = build_world(session, office)
    calls: list[tuple[int, int]] = []
    apply(
        session, office, merge.plan_merge(session, office, [w.a.id, w.b.id, w.c.id]), progress=lambda d, t: calls.append((d, t))
    )
    # rows written: 2 locations re-parented (B2, C2; B2's installation goes along), 3 installations
    # moved (B1's two, C1's one), 3 missions moved (B1's, B2's, C2's), C's journal note
    assert calls[-1][0] == calls[-1][1] == 2 + 3 + 3 + 1
    assert [d for d, _t in calls] == sorted(d for d, _t in calls)


def test_merge_of_four_records(session: Session, engine: Engine, office: User) -> None:
    ids = []
    for i, name in enumerate(["Loodgieter Maes", "Loodgieterij Maes", "Maes loodgieter", "Maes bvba"]):
        customer = make_customer(session, office, name)
        location = make_location(session, office, customer, street="Stationsstraat", number=str(10 + (i % 2)))
        for j in range(i + 1):
            make_installation(session, office, location, serial_number=f"M{i}{j}")
        make_mission(session, office, customer, location)
        ids.append(customer.id)
    before = state(engine)
    plan = merge.plan_merge(session, office, ids)
    assert plan.keep_id == ids[3] and plan.other_ids == [ids[2], ids[1], ids[0]]
    merge_id = apply(session, office, plan)
    counts = customers.counts_for(session, ids)
    assert (counts[ids[3]].installations, counts[ids[3]].missions, counts[ids[3]].locations) == (10, 4, 2)
    assert all((counts[c].installations, counts[c].missions) == (0, 0) for c in ids[:3])
    assert merge.delete_merged(session, office, merge_id) == [ids[2], ids[1], ids[0]]  # ids[1] now has no location at all
    session.commit()
    merge.undo_merge(session, office, merge_id)
    session.commit()
    assert_restored(engine, before, ids)


def test_dismissed_pairs_are_stored(session: Session, office: User) -> None:
    x = make_customer(session, office, "Chauffage Dubois")
    y = make_customer(session, office, "Chauffage Dubois sa")
    z = make_customer(session, office, "Dubois Chauffage")
    merge.dismiss_pair(session, office, y.id, x.id)
    merge.dismiss_pair(session, office, x.id, y.id)  # again: no-op
    merge.dismiss_pair(session, office, z.id, x.id)
    session.commit()
    assert merge.dismissed_pairs(session) == {frozenset((x.id, y.id)), frozenset((x.id, z.id))}
    with pytest.raises(MergeRefused):
        merge.dismiss_pair(session, office, x.id, x.id)
    with pytest.raises(NotFound):
        merge.dismiss_pair(session, office, x.id, 99999)
    # A dismissal does not stop a customer from being deleted (no foreign key).
    customers.delete_customer(session, office, z.id)
    session.commit()
    # Without the dismissal x and y are one cluster; with it no cluster holds both.
    assert any({x.id, y.id} <= set(c.customer_ids) for c in find_duplicates(session))
    clusters = find_duplicates(session, dismissed=merge.dismissed_pairs(session))
    assert not any({x.id, y.id} <= set(c.customer_ids) for c in clusters)


def test_others_wait_while_a_merge_is_being_applied(session: Session, engine: Engine, office: User) -> None:
    """The merged customers and their locations are locked from the check on: no installation slips in."""
    w = build_world(session, office)
    plan = merge.plan_merge(session, office, [w.a.id, w.b.id, w.c.id])
    merge.apply_merge(session, office, plan)  # not committed yet
    with engine.connect() as other:
        if engine.dialect.name == "sqlite":
            other.exec_driver_sql("PRAGMA busy_timeout=100")
        else:
            other.exec_driver_sql("SET lock_timeout = '300ms'")
        with pytest.raises(OperationalError):
            other.execute(
                insert(Installation.__table__).values(  # type: ignore[attr-defined]
                    location_id=w.b1.id, building_id=w.buildings["b1"], kind="boiler", brand="", model="", serial_number="late"
                )
            )
        other.rollback()
    session.rollback()
