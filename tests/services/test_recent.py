"""Recent customers: per user, newest first, one row per customer, at most KEPT, gone with the customer."""

from __future__ import annotations

from datetime import timedelta

from helpers import make_customer
from sqlmodel import Session, func, select

from custtui.models import RecentCustomer, User
from custtui.services import customers, marks, recent


def test_newest_first_once_each_and_per_user(session: Session, office: User, technician: User) -> None:
    a, b, c = (make_customer(session, office, name) for name in ("Alpha", "Bravo", "Charlie"))
    for customer in (a, b, c, a):  # Alpha again: it moves to the top, still once
        recent.remember(session, office, customer.id)  # type: ignore[arg-type]
        session.commit()
    recent.remember(session, technician, b.id)  # type: ignore[arg-type]
    session.commit()
    assert [entry.name for entry in recent.recent_customers(session, office)] == ["Alpha", "Charlie", "Bravo"]
    assert [entry.name for entry in recent.recent_customers(session, technician)] == ["Bravo"]


def test_at_most_kept_and_a_deleted_customer_is_gone(session: Session, office: User, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(recent, "KEPT", 3)
    made = [make_customer(session, office, f"Klant {n}") for n in range(5)]
    for customer in made:
        recent.remember(session, office, customer.id)  # type: ignore[arg-type]
        session.commit()
        for row in session.exec(select(RecentCustomer)).all():  # the clock may not move between two calls
            row.at -= timedelta(seconds=1)
            session.add(row)
        session.commit()
    assert session.exec(select(func.count()).select_from(RecentCustomer)).one() == 3
    assert [entry.name for entry in recent.recent_customers(session, office)] == ["Klant 4", "Klant 3", "Klant 2"]
    customers.delete_customer(session, office, made[4].id)  # type: ignore[arg-type]
    session.commit()
    assert [entry.name for entry in recent.recent_customers(session, office)] == ["Klant 3", "Klant 2"]


def test_a_marked_record_shows_its_mark(session: Session, office: User) -> None:
    customer = make_customer(session, office, "Bakkerij Peeters")
    marks.set_marked(session, office, customer.id, True)  # type: ignore[arg-type]
    recent.remember(session, office, customer.id)  # type: ignore[arg-type]
    session.commit()
    assert recent.recent_customers(session, office)[0].name == marks.marked_name("Bakkerij Peeters", True)
