"""Recent customers: the ones each user opened last, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlmodel import Session, col

from custtui.models import RecentCustomer, User, utcnow
from custtui.services import marks

KEPT = 30  # per user: older ones are forgotten
SHOWN = 15


@dataclass(frozen=True)
class RecentEntry:
    customer_id: int
    name: str  # as shown: with the ERROR mark in the viewer's language
    city: str
    at: datetime


def remember(session: Session, user: User, customer_id: int) -> None:
    """`user` opened the customer now; the user's oldest beyond KEPT are forgotten. Any role, no audit."""
    values = {"user_login": user.login, "customer_id": customer_id, "at": utcnow()}
    table = RecentCustomer.__table__  # type: ignore[attr-defined]
    # Each dialect's INSERT ... ON CONFLICT, imported when first used: sqlalchemy.dialects.postgresql
    # alone is a tenth of a second of a start on SQLite.
    statement: Any
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql  # noqa: PLC0415 - see above

        statement = postgresql.insert(table).values(**values)
    else:
        from sqlalchemy.dialects import sqlite  # noqa: PLC0415 - see above

        statement = sqlite.insert(table).values(**values)
    # Two terminals of one user opening the same customer at once: one row, the later time.
    session.execute(statement.on_conflict_do_update(index_elements=["user_login", "customer_id"], set_={"at": values["at"]}))
    keep = (
        select(col(RecentCustomer.customer_id))
        .where(col(RecentCustomer.user_login) == user.login)
        .order_by(col(RecentCustomer.at).desc())
        .limit(KEPT)
    )
    session.execute(
        delete(RecentCustomer).where(
            col(RecentCustomer.user_login) == user.login, col(RecentCustomer.customer_id).not_in(keep.scalar_subquery())
        )
    )


def recent_customers(session: Session, user: User, limit: int = SHOWN) -> list[RecentEntry]:
    """The customers `user` opened last, newest first (deleted ones are gone with them)."""
    rows = session.execute(
        select(col(RecentCustomer.customer_id), col(RecentCustomer.at))
        .where(col(RecentCustomer.user_login) == user.login)
        .order_by(col(RecentCustomer.at).desc(), col(RecentCustomer.customer_id).desc())
        .limit(limit)
    ).all()
    found = marks.marked_rows(session, [row.customer_id for row in rows])
    return [
        RecentEntry(row.customer_id, found[row.customer_id].shown_name, found[row.customer_id].city, row.at)
        for row in rows
        if row.customer_id in found
    ]
