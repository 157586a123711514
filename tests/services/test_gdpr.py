"""Personal data: all of it exported; anonymised for good, history and merge copies too, installations and missions kept."""

from __future__ import annotations

import json
from datetime import date

import pytest
from helpers import edit_customer, make_customer, make_installation, make_location, make_mission
from sqlmodel import Session, select

from custtui.errors import ConflictError, PermissionDenied
from custtui.models import AuditEvent, Customer, Installation, Location, MergeRecord, Mission, User
from custtui.services import contacts, customers, gdpr, merge, notes
from custtui.services.contacts import ContactInput

PERSONAL = ("Jan Peeters", "jan.peeters@telenet.be", "+32471083221", "Sleutel bij de buren", "An Peeters", "+3292223344")


def _private_customer(session: Session, actor: User) -> Customer:
    jan = make_customer(session, actor, "Jan Peeters", email="jan.peeters@telenet.be", phone="0471 08 32 21")
    site = make_location(session, actor, jan, street="Kerkstraat", number="12", postal_code="9000", city="Gent",
                         contact_person="An Peeters", phone="09 222 33 44")  # fmt: skip
    boiler = make_installation(session, actor, site, serial_number="VI-1", installed_on=date(2019, 5, 14))
    make_mission(session, actor, jan, site, planned_on=date(2026, 3, 5), installation_ids=[boiler.id])
    contacts.add_contact(session, actor, jan.id, ContactInput(name="An Peeters", mobile="0471 99 88 77"))  # type: ignore[arg-type]
    notes.add_note(session, actor, jan.id, "Sleutel bij de buren")  # type: ignore[arg-type]
    edit_customer(session, actor, jan.id, internal_name="Peeters Jan")  # type: ignore[arg-type]
    session.commit()
    return jan


def test_everything_held_is_exported_with_the_history(session: Session, office: User) -> None:
    jan = _private_customer(session, office)
    data = gdpr.personal_data(session, office, jan.id)  # type: ignore[arg-type]
    text = json.dumps(data, ensure_ascii=False)
    for value in (*PERSONAL, "Kerkstraat", "VI-1", "Peeters Jan", "+32471998877"):
        assert value in text, value
    assert {event["action"] for event in data["history"]} >= {"create", "update"}
    assert [len(data[key]) for key in ("locations", "installations", "missions", "contacts", "notes")] == [1, 1, 1, 1, 1]
    readable = gdpr.personal_data_text(data)
    assert "== Contacts ==" in readable and "name: An Peeters" in readable
    session.commit()
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "export_personal_data")).one().entity_id == jan.id


def test_anonymised_for_good_with_installations_and_missions_kept(session: Session, engine, office: User) -> None:  # type: ignore[no-untyped-def]
    jan = _private_customer(session, office)
    other = make_customer(session, office, "Jan Peters", phone="09 333 44 55")
    session.commit()
    merge_id = merge.apply_merge(session, office, merge.plan_merge(session, office, [jan.id, other.id]))  # type: ignore[list-item]
    session.commit()
    jan = customers.get_customer(session, jan.id)  # type: ignore[arg-type]
    redacted = gdpr.anonymise(session, office, jan.id, jan.version)  # type: ignore[arg-type]
    session.commit()
    assert redacted > 0
    session.expire_all()
    stored = session.get(Customer, jan.id)
    assert stored is not None and stored.name == f"Anonymised customer {jan.id}"
    assert (stored.email, stored.phone, stored.internal_name, stored.vat_number) == (None, None, None, None)
    site = session.exec(select(Location).where(Location.customer_id == jan.id)).one()
    assert (site.street, site.contact_person, site.phone) == ("Kerkstraat", None, None)  # the address stays
    assert session.exec(select(Installation).where(Installation.location_id == site.id)).one().serial_number == "VI-1"
    assert len(session.exec(select(Mission).where(Mission.customer_id == jan.id)).all()) == 1
    assert contacts.contacts_of(session, jan.id) == [] and notes.list_notes(session, jan.id) == []  # type: ignore[arg-type]
    # Nowhere in the history or the merge's undo copy: the old values are gone.
    with engine.connect() as connection:
        dumped = json.dumps([list(row) for row in connection.exec_driver_sql("SELECT before, after FROM audit_event")])
        dumped += json.dumps([list(row) for row in connection.exec_driver_sql("SELECT plan, undo FROM merge_record")])
    for value in PERSONAL:
        if value == "Jan Peeters":
            continue  # "Jan Peters", the other record, stays itself
        assert value not in dumped, value
    assert "Jan Peeters" not in json.dumps(session.get(MergeRecord, merge_id).plan["names"])  # type: ignore[union-attr]
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "anonymise")).one().entity_id == jan.id


def test_a_technician_may_not_and_a_stale_version_is_refused(session: Session, office: User, technician: User) -> None:
    jan = _private_customer(session, office)
    with pytest.raises(PermissionDenied):
        gdpr.personal_data(session, technician, jan.id)  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        gdpr.anonymise(session, technician, jan.id, jan.version)  # type: ignore[arg-type]
    with pytest.raises(ConflictError):
        gdpr.anonymise(session, office, jan.id, jan.version - 1)  # type: ignore[arg-type]
