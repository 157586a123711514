"""Permissions a database sets (issue 16.9): technicians edit only what they created; labels only some roles set."""

from __future__ import annotations

import io

import pytest
from helpers import edit_customer, make_customer, make_installation, make_location
from sqlalchemy import Engine
from sqlmodel import Session, select

from custtui.errors import PermissionDenied, ValidationError
from custtui.models import AuditEvent, Customer, DatabaseSetting, Role, User
from custtui.services import contacts, installations, labels, locations, marks, permissions, transfer
from custtui.services.contacts import ContactInput
from custtui.services.locations import LocationInput
from custtui.services.permissions import TechnicianEdits


def _own_only(session: Session, admin: User) -> None:
    permissions.set_technician_edits(session, admin, "own")
    session.commit()


def test_each_new_record_says_who_created_it(session: Session, technician: User, office: User) -> None:
    customer = make_customer(session, technician)
    site = make_location(session, technician, customer)
    boiler = make_installation(session, office, site)
    assert (customer.created_by, site.created_by, boiler.created_by) == ("tom", "tom", "olivier")


def test_an_import_makes_its_records_the_importers(engine: Engine, office: User) -> None:
    csv = "name,street,number,postal_code,city,region\nBakkerij Peeters,Kerkstraat,1,9000,Gent,BE-VLG\n"
    report = transfer.import_customers(engine, office, io.BytesIO(csv.encode()))
    assert report.created == 1
    with Session(engine) as session:
        customer = session.exec(select(Customer)).one()
        assert customer.created_by == "olivier"
        assert [site.created_by for site in locations.locations_of(session, customer.id)] == ["olivier"]  # type: ignore[arg-type]


def test_by_default_technicians_edit_every_record(session: Session, technician: User, office: User) -> None:
    customer = make_customer(session, office)
    assert permissions.technician_edits(session) == TechnicianEdits.ALL
    assert edit_customer(session, technician, customer.id, internal_name="Claes Gent").internal_name  # type: ignore[arg-type]


def test_own_only_technicians_change_just_their_records(
    session: Session, admin: User, office: User, technician: User
) -> None:
    theirs = make_customer(session, office, "Verwarming Claes")
    their_site = make_location(session, office, theirs)
    their_boiler = make_installation(session, office, their_site)
    mine = make_customer(session, technician, "Bakkerij Peeters")
    my_site = make_location(session, technician, mine)
    _own_only(session, admin)

    refusal = "Olivier created this customer: only they, the office and admins may change it."
    with pytest.raises(PermissionDenied, match=refusal):
        edit_customer(session, technician, theirs.id, internal_name="Claes Gent")  # type: ignore[arg-type]
    session.rollback()
    with pytest.raises(PermissionDenied, match=refusal):
        marks.set_marked(session, technician, theirs.id, True)  # type: ignore[arg-type]
    session.rollback()
    with pytest.raises(PermissionDenied, match=refusal):  # a contact is the customer's
        contacts.add_contact(session, technician, theirs.id, ContactInput(name="Jan Claes"))  # type: ignore[arg-type]
    session.rollback()
    with pytest.raises(PermissionDenied, match="Olivier created this site"):
        locations.update_location(session, technician, their_site.id, LocationInput(street="Dorp", number="1", postal_code="9000", city="Gent"))  # type: ignore[arg-type]  # noqa: E501
    session.rollback()
    with pytest.raises(PermissionDenied, match="Olivier created this installation"):
        installations.move_installation(session, technician, their_boiler.id, my_site.id)  # type: ignore[arg-type]
    session.rollback()

    # Adding is not editing: a site and an installation anywhere, and they are the technician's.
    new_site = make_location(session, technician, theirs, street="Molenstraat")
    new_boiler = make_installation(session, technician, their_site)
    assert (new_site.created_by, new_boiler.created_by) == ("tom", "tom")
    installations.move_installation(session, technician, new_boiler.id, new_site.id)  # type: ignore[arg-type]
    session.commit()
    # Their own customer, and everything for the office.
    assert edit_customer(session, technician, mine.id, internal_name="Peeters Centrum").internal_name  # type: ignore[arg-type]
    assert edit_customer(session, office, mine.id, internal_name="Peeters").internal_name  # type: ignore[arg-type]
    assert permissions.refusal_for(session, technician, "customer", mine.id) is None  # type: ignore[arg-type]
    assert permissions.refusal_for(session, office, "customer", theirs.id) is None  # type: ignore[arg-type]
    assert permissions.refusal_for(session, technician, "location", their_site.id) is not None  # type: ignore[arg-type]


def test_a_record_of_nobody_known_is_the_offices(session: Session, admin: User, technician: User) -> None:
    customer = make_customer(session, admin)
    stored = session.get(Customer, customer.id)
    assert stored is not None
    stored.created_by = None  # as a row written in SQL, or older than the audit trail
    session.commit()
    _own_only(session, admin)
    assert permissions.refusal_for(session, technician, "customer", customer.id) == (  # type: ignore[arg-type]
        "It is not known who created this customer: only the office and admins may change it."
    )


def test_only_admins_choose_and_the_choice_is_audited(session: Session, admin: User, office: User) -> None:
    with pytest.raises(PermissionDenied):
        permissions.set_technician_edits(session, office, "own")
    with pytest.raises(ValidationError):
        permissions.set_technician_edits(session, admin, "mine")
    _own_only(session, admin)
    assert permissions.technician_edits(session) == TechnicianEdits.OWN
    event = session.exec(select(AuditEvent).where(AuditEvent.entity == "setting")).one()
    assert (event.user_login, event.before, event.after) == ("alice", {"technician_edits": "all"}, {"technician_edits": "own"})
    permissions.set_technician_edits(session, admin, "own")  # no change: no event
    session.commit()
    assert len(session.exec(select(AuditEvent).where(AuditEvent.entity == "setting")).all()) == 1
    # A value this custtui does not know (a newer one wrote it, or a hand): the open default.
    setting = session.get(DatabaseSetting, permissions.SETTING)
    assert setting is not None
    setting.value = "team"
    session.commit()
    assert permissions.technician_edits(session) == TechnicianEdits.ALL


def test_a_label_says_which_roles_set_it(session: Session, admin: User, office: User, technician: User) -> None:
    customer = make_customer(session, office)
    bad_payer = labels.create_label(session, admin, "Bad payer", "red", assign_role=Role.OFFICE.value)
    audit_only = labels.create_label(session, admin, "Audit", "grey", assign_role=Role.ADMIN.value)
    dog = labels.create_label(session, technician, "Dog on site")
    session.commit()
    with pytest.raises(PermissionDenied, match="Only the office and admins may put the label “Bad payer”"):
        labels.assign_label(session, technician, customer.id, bad_payer.id)  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        labels.label_customers(session, technician, [customer.id], bad_payer.id, add=True)  # type: ignore[arg-type, list-item]
    assert labels.assign_label(session, technician, customer.id, dog.id)  # type: ignore[arg-type]
    assert labels.assign_label(session, office, customer.id, bad_payer.id)  # type: ignore[arg-type]
    session.commit()
    with pytest.raises(PermissionDenied):  # nor take it off
        labels.unassign_label(session, technician, customer.id, bad_payer.id)  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied, match="Only admins may put the label “Audit”"):
        labels.assign_label(session, office, customer.id, audit_only.id)  # type: ignore[arg-type]
    assert labels.assign_label(session, admin, customer.id, audit_only.id)  # type: ignore[arg-type]
    # Only who manages labels says who may set one; a rename keeps it, unless told.
    with pytest.raises(PermissionDenied):
        labels.create_label(session, technician, "Mine only", assign_role=Role.OFFICE.value)
    with pytest.raises(ValidationError):
        labels.create_label(session, admin, "Odd", assign_role="boss")
    renamed = labels.update_label(session, admin, bad_payer.id, "Late payer", "red")  # type: ignore[arg-type]
    assert renamed.assign_role == "office"
    opened = labels.update_label(session, admin, bad_payer.id, "Late payer", "red", assign_role=None)  # type: ignore[arg-type]
    assert opened.assign_role is None
    assert labels.unassign_label(session, technician, customer.id, bad_payer.id)  # type: ignore[arg-type]
