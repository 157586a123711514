"""What other users changed: the audit trail read as a change feed.

Every service writes an AuditEvent for each change, so "what changed since
event N" is a query. Screens use it to refresh what they show (custtui.watch
tells them when to ask).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from custtui.models import AuditEvent, Location
from custtui.services import audit

# More events than this at once (an import, a bulk merge): refresh everything.
MAX_EVENTS = 2000


@dataclass
class ChangeBatch:
    """Customers touched by the events after `since`; None means "assume all"."""

    last_event_id: int
    customer_ids: set[int] | None = field(default_factory=set)
    logins: set[str] = field(default_factory=set)

    @property
    def empty(self) -> bool:
        return self.customer_ids is not None and not self.customer_ids


def latest_event_id(session: Session) -> int:
    return session.exec(select(func.max(AuditEvent.id))).one() or 0


def changes_since(session: Session, since: int) -> ChangeBatch:
    """The customers whose data (or linked data) changed in events after `since`."""
    events = list(
        session.exec(select(AuditEvent).where(col(AuditEvent.id) > since).order_by(col(AuditEvent.id)).limit(MAX_EVENTS + 1))
    )
    if not events:
        return ChangeBatch(last_event_id=since)
    batch = ChangeBatch(last_event_id=events[-1].id or since, logins={event.user_login for event in events})
    if len(events) > MAX_EVENTS:
        batch.last_event_id = latest_event_id(session)
        batch.customer_ids = None
        return batch
    ids: set[int] = set()
    location_ids: set[int] = set()
    for event in events:
        if event.entity == "customer" and event.entity_id is not None:
            ids.add(event.entity_id)
        elif event.entity in ("location", "mission", "contact", "note"):
            if (customer_id := audit.event_value(event, "customer_id")) is not None:
                ids.add(int(customer_id))
        elif event.entity in ("installation", "building"):
            if (location_id := audit.event_value(event, "location_id")) is not None:
                location_ids.add(int(location_id))
        elif event.entity == "user":
            continue
        else:  # labels renamed or deleted, merged records deleted: shown on many rows
            batch.customer_ids = None
            return batch
    if location_ids:
        ids.update(session.exec(select(Location.customer_id).where(col(Location.id).in_(location_ids))).all())
    batch.customer_ids = ids
    return batch


def last_change(session: Session, entity: str, entity_id: int) -> AuditEvent | None:
    """The newest event about one record: who changed it last, and when."""
    return session.exec(
        select(AuditEvent)
        .where(AuditEvent.entity == entity, AuditEvent.entity_id == entity_id)
        .order_by(col(AuditEvent.id).desc())
        .limit(1)
    ).first()
