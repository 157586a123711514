"""Not a duplicate: pairs the user marked as different customers, which duplicate detection skips."""

from __future__ import annotations

from sqlmodel import Session, select

from custtui.errors import NotFound
from custtui.i18n import _
from custtui.models import Customer, DuplicateDismissal, User, table_of
from custtui.services import audit
from custtui.services.auth import Permission, require
from custtui.services.merge.errors import MergeRefused


def dismiss_pair(session: Session, actor: User, a_id: int, b_id: int) -> None:
    """Mark two customers as not duplicates of each other (duplicates.find_duplicates skips them)."""
    require(actor, Permission.MERGE)
    if a_id == b_id:
        raise MergeRefused(_("A customer is not a duplicate of itself."))
    a, b = sorted((int(a_id), int(b_id)))
    for customer_id in (a, b):
        if session.get(Customer, customer_id) is None:
            raise NotFound(_("Customer {id} does not exist.").format(id=customer_id))
    if session.get(DuplicateDismissal, (a, b)) is not None:
        return
    session.add(DuplicateDismissal(a_id=a, b_id=b, user_login=actor.login))
    audit.record(session, actor.login, "duplicate_dismissal", None, "dismiss", None, {"a_id": a, "b_id": b})
    session.flush()


def dismissed_pairs(session: Session) -> set[frozenset[int]]:
    connection = session.connection()
    table = table_of(DuplicateDismissal)
    return {frozenset((row.a_id, row.b_id)) for row in connection.execute(select(table.c.a_id, table.c.b_id))}
