"""The notes journal: add, list newest first, search, sites of the customer only, author-only changes, audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from helpers import make_customer, make_location
from sqlmodel import Session

from custtui.errors import PermissionDenied, ValidationError
from custtui.models import JournalNote, User
from custtui.services import audit, notes


def test_add_and_list_newest_first_with_author(session: Session, technician: User, office: User) -> None:
    customer = make_customer(session, technician)
    first = notes.add_note(session, technician, customer.id, "  Called about the boiler  ")
    first.at = first.at - timedelta(hours=1)
    session.add(first)
    notes.add_note(session, office, customer.id, "Sent the quote\nby mail")
    session.commit()
    listed = notes.list_notes(session, customer.id)
    assert [entry.text for entry in listed] == ["Sent the quote\nby mail", "Called about the boiler"]
    assert listed[0].author == office.display_name or listed[0].author == office.login
    assert listed[1].user_login == technician.login


def test_search_ignores_case_and_accents(session: Session, technician: User) -> None:
    customer = make_customer(session, technician)
    notes.add_note(session, technician, customer.id, "Chaudière remplacée")
    notes.add_note(session, technician, customer.id, "Facture envoyée")
    session.commit()
    assert [e.text for e in notes.list_notes(session, customer.id, "CHAUDIERE")] == ["Chaudière remplacée"]
    assert [e.text for e in notes.list_notes(session, customer.id, "envoyee")] == ["Facture envoyée"]
    assert notes.list_notes(session, customer.id, "nothing like it") == []


@pytest.mark.parametrize("text", ["", "   ", "x" * 4001, "bell\x07"])
def test_invalid_text_is_refused(session: Session, technician: User, text: str) -> None:
    customer = make_customer(session, technician)
    with pytest.raises(ValidationError) as refused:
        notes.add_note(session, technician, customer.id, text)
    assert "text" in refused.value.errors


def test_site_must_belong_to_the_customer(session: Session, technician: User) -> None:
    customer = make_customer(session, technician)
    other = make_customer(session, technician, name="Slagerij Janssens")
    site = make_location(session, technician, customer, name="Depot")
    foreign = make_location(session, technician, other)
    note = notes.add_note(session, technician, customer.id, "Key at the depot", location_id=site.id)
    session.commit()
    assert notes.list_notes(session, customer.id)[0].location_name == "Depot"
    assert [e.id for e in notes.list_notes(session, customer.id, location_id=site.id)] == [note.id]
    with pytest.raises(ValidationError):
        notes.add_note(session, technician, customer.id, "Wrong site", location_id=foreign.id)


def test_edit_and_delete_by_author_or_admin_only(session: Session, technician: User, office: User, admin: User) -> None:
    customer = make_customer(session, technician)
    note = notes.add_note(session, technician, customer.id, "Mine")
    session.commit()
    with pytest.raises(PermissionDenied):
        notes.edit_note(session, office, note.id, "Not yours")  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        notes.delete_note(session, office, note.id)  # type: ignore[arg-type]
    edited = notes.edit_note(session, technician, note.id, "Mine, edited")  # type: ignore[arg-type]
    assert edited.edited_at is not None
    notes.edit_note(session, admin, note.id, "Fixed by an admin")  # type: ignore[arg-type]
    session.commit()
    notes.delete_note(session, technician, note.id)  # type: ignore[arg-type]
    session.commit()
    assert session.get(JournalNote, note.id) is None
    actions = [event.action for event in audit.events_for(session, "note", note.id)]  # type: ignore[arg-type]
    assert actions == ["create", "update", "update", "delete"]
