"""History per customer (h) and the admins' audit log (A)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from helpers import edit_customer, make_customer, make_installation, make_location, make_mission
from sqlmodel import Session, select

from custtui.errors import PermissionDenied
from custtui.models import AuditEvent, User
from custtui.services import history, labels, merge


def test_history_says_who_changed_which_field_from_what_to_what(session: Session, admin: User, office: User) -> None:
    customer = make_customer(session, admin, "Bakkerij Peeters", phone="+32 3 211 11 11")
    site = make_location(session, admin, customer)
    make_installation(session, admin, site, serial_number="VA-1")
    edit_customer(session, office, customer.id, name="Bakkerij Peeters bv", phone="")
    entries = history.customer_history(session, customer.id)
    assert [entry.action for entry in entries] == ["update", "create", "create", "create"]  # newest first
    latest = entries[0]
    assert latest.user_login == office.login
    assert {(c.field, c.before, c.after) for c in latest.changes} == {
        ("name", "Bakkerij Peeters", "Bakkerij Peeters bv"),
        ("phone", "+3232111111", None),  # as stored: E.164
    }
    assert {entry.entity for entry in entries} == {"customer", "location", "installation"}
    # Bookkeeping is not a change a user made.
    assert all(change.field not in ("version", "updated_at") for entry in entries for change in entry.changes)


def test_history_shows_labels_merges_and_undos(session: Session, admin: User) -> None:
    keep = make_customer(session, admin, "Bakkerij Peeters", email="info@peeters.be")
    other = make_customer(session, admin, "Bakkerij Peeters BV", phone="+32 3 223 45 67")
    make_mission(session, admin, other, make_location(session, admin, other, postal_code="9000", city="Gent"))
    label = labels.create_label(session, admin, "Contract", "green", "status")
    labels.assign_label(session, admin, keep.id, label.id)
    session.commit()
    plan = merge.plan_merge(session, admin, [keep.id, other.id], keep_id=keep.id)
    merge_id = merge.apply_merge(session, admin, plan)
    session.commit()
    merge.undo_merge(session, admin, merge_id)
    session.commit()
    actions = [entry.action for entry in history.customer_history(session, keep.id)]
    assert actions[:3] == ["unmerge", "merge", "label"]
    merged = next(entry for entry in history.customer_history(session, keep.id) if entry.action == "merge")
    assert merged.details["merge_id"] == merge_id and merged.details["missions_moved"] == 1
    assert "phone" in {change.field for change in merged.changes}  # the kept record took the other's phone
    undone = history.customer_history(session, keep.id)[0]
    assert undone.details["merge_id"] == merge_id
    assert [entry.action for entry in history.customer_history(session, other.id)][:2] == ["unmerge", "merge"]


def test_the_audit_log_is_for_admins_and_filters_by_user_and_date(session: Session, admin: User, office: User) -> None:
    customer = make_customer(session, admin, "Bakkerij Peeters")
    edit_customer(session, office, customer.id, phone="+32 3 211 11 11")
    with pytest.raises(PermissionDenied):
        history.audit_log(session, office)
    assert history.audit_logins(session, admin) == sorted({admin.login, office.login})
    everyone = history.audit_log(session, admin)
    assert [entry.action for entry in everyone][:2] == ["update", "create"]
    assert [entry.user_login for entry in history.audit_log(session, admin, login=office.login)] == [office.login]
    # Move the creation a week back: a date range picks each out.
    created = session.exec(select(AuditEvent).where(AuditEvent.action == "create", AuditEvent.entity == "customer")).one()
    created.at = datetime.now(UTC) - timedelta(days=7)
    session.add(created)
    session.commit()
    today = date.today()
    assert [e.action for e in history.audit_log(session, admin, start=today, end=today) if e.entity == "customer"] == ["update"]
    week_ago = today - timedelta(days=7)
    assert [e.action for e in history.audit_log(session, admin, start=week_ago, end=week_ago) if e.entity == "customer"] == [
        "create"
    ]
    assert history.audit_log(session, admin, start=today + timedelta(days=1)) == []
