"""Reads of many customers at once: a duplicate scan of a million customers hands hundreds of thousands of ids on."""

from __future__ import annotations

from helpers import make_customer
from sqlmodel import Session

from custtui.models import User
from custtui.services import customers


def test_customer_rows_of_more_ids_than_one_statement_may_hold(session: Session, admin: User) -> None:
    known = [make_customer(session, admin, f"Klant {n}").id for n in range(3)]
    # SQLite refuses a statement with more than 32,766 (or 250,000, as built) variables; PostgreSQL 65,535.
    ids = sorted({*known, *range(10_000, 310_000)})
    rows = customers.customer_rows(session, ids)  # type: ignore[arg-type]
    assert sorted(rows) == sorted(known)
    assert [rows[i].name for i in known] == ["Klant 0", "Klant 1", "Klant 2"]  # type: ignore[index]
