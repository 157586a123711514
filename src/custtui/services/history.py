"""History: the audit trail read back as "who changed which field from what to what".

Per customer (its own record, its locations, installations and missions, its
labels, merges and undos) for everyone, and the whole log, filterable by user
and date, for admins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from custtui.i18n import N_, _
from custtui.models import AuditEvent, Customer, Installation, Location, Mission, User
from custtui.services.auth import Permission, require

# Bookkeeping columns: they change with every save and say nothing to a user.
_NOT_SHOWN = {"id", "version", "created_at", "created_by", "updated_at", "merge"}

ENTITY_NAMES = {
    "customer": N_("Customer"),
    "location": N_("Location"),
    "building": N_("Building"),
    "installation": N_("Installation"),
    "mission": N_("Mission"),
    "label": N_("Label"),
    "merge": N_("Merge"),
    "user": N_("User"),
    "setting": N_("Setting"),
}

ACTION_NAMES = {
    "create": N_("created"),
    "update": N_("changed"),
    "delete": N_("deleted"),
    "label": N_("labels changed"),
    "move": N_("moved"),
    "merge": N_("merged"),
    "unmerge": N_("merge undone"),
    "delete_merged": N_("merged records deleted"),
}

DEFAULT_LIMIT = 500


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: Any
    after: Any


@dataclass
class HistoryEntry:
    event_id: int
    at: datetime
    user_login: str
    entity: str
    entity_id: int | None
    action: str
    record_name: str
    changes: list[FieldChange] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)  # a merge's summary, an undo's
    record_marked: bool = False  # a customer with the ERROR mark: shown before record_name (services.marks)

    @property
    def entity_name(self) -> str:
        return _(ENTITY_NAMES[self.entity]) if self.entity in ENTITY_NAMES else self.entity

    @property
    def action_name(self) -> str:
        return _(ACTION_NAMES[self.action]) if self.action in ACTION_NAMES else self.action


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def field_changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[FieldChange]:
    """The fields that differ; a created record shows what it was created with, a deleted one what it had."""
    before, after = before or {}, after or {}
    changes = []
    for key in sorted(set(before) | set(after)):
        if key in _NOT_SHOWN or key.endswith("_id"):  # ids say nothing to a user; the heading names the record
            continue
        old, new = before.get(key), after.get(key)
        if old != new and not (_is_empty(old) and _is_empty(new)):
            changes.append(FieldChange(key, old, new))
    return changes


def _record_name(event: AuditEvent) -> tuple[str, bool]:
    """The record's name as the event has it, and whether it carried the ERROR mark."""
    for side in (event.after, event.before):
        if side:
            for key in ("name", "serial_number", "street", "login"):
                if side.get(key):
                    return str(side[key]), event.entity == "customer" and bool(side.get("marked_error"))
    return (f"#{event.entity_id}" if event.entity_id is not None else ""), False


def _entry(event: AuditEvent) -> HistoryEntry:
    details: dict[str, Any] = {}
    if event.after and isinstance(event.after.get("merge"), dict):
        details = dict(event.after["merge"])
    elif event.action == "unmerge" and event.after:
        details = dict(event.after)
    changes = [] if event.action in ("unmerge", "delete_merged") else field_changes(event.before, event.after)
    record_name, record_marked = _record_name(event)
    return HistoryEntry(
        event_id=event.id or 0,
        at=event.at,
        user_login=event.user_login,
        entity=event.entity,
        entity_id=event.entity_id,
        action=event.action,
        record_name=record_name,
        changes=changes,
        details=details,
        record_marked=record_marked,
    )


def customer_history(session: Session, customer_id: int, limit: int = DEFAULT_LIMIT) -> list[HistoryEntry]:
    """What happened to a customer and what hangs under it, the newest first."""
    location_ids = select(Location.id).where(Location.customer_id == customer_id)
    installation_ids = select(Installation.id).where(col(Installation.location_id).in_(location_ids))
    mission_ids = select(Mission.id).where(Mission.customer_id == customer_id)
    about_customer = or_(
        and_(col(AuditEvent.entity) == "customer", col(AuditEvent.entity_id) == customer_id),
        and_(col(AuditEvent.entity) == "location", col(AuditEvent.entity_id).in_(location_ids)),
        and_(col(AuditEvent.entity) == "installation", col(AuditEvent.entity_id).in_(installation_ids)),
        and_(col(AuditEvent.entity) == "mission", col(AuditEvent.entity_id).in_(mission_ids)),
    )
    events = session.exec(select(AuditEvent).where(about_customer).order_by(col(AuditEvent.id).desc()).limit(limit))
    return [_entry(event) for event in events]


@dataclass(frozen=True)
class CustomerHistory:
    name: str  # the customer's name, or "#id" once it is deleted (its history stays readable)
    entries: list[HistoryEntry]
    marked: bool = False  # the customer carries the ERROR mark (services.marks.marked_name)


def history_of_customer(session: Session, customer_id: int, limit: int = DEFAULT_LIMIT) -> CustomerHistory:
    """The customer's name and history, for its history screen; also for a deleted customer."""
    customer = session.get(Customer, customer_id)
    name = customer.name if customer is not None else f"#{customer_id}"
    marked = customer is not None and customer.marked_error
    return CustomerHistory(name, customer_history(session, customer_id, limit), marked)


def _bound(session: Session, day: date, *, end: bool) -> datetime:
    """Midnight of the user's day, in UTC as the events are stored."""
    moment = datetime.combine(day + timedelta(days=1) if end else day, time()).astimezone().astimezone(UTC)
    # SQLite keeps naive UTC timestamps; compare like with like.
    return moment.replace(tzinfo=None) if session.get_bind().dialect.name == "sqlite" else moment


def audit_log(
    session: Session,
    actor: User,
    *,
    login: str | None = None,
    start: date | None = None,
    end: date | None = None,
    limit: int = DEFAULT_LIMIT,
) -> list[HistoryEntry]:
    """Everyone's changes, the newest first: admins only. `end` is included."""
    require(actor, Permission.AUDIT)
    statement = select(AuditEvent)
    if login:
        statement = statement.where(AuditEvent.user_login == login)
    if start is not None:
        statement = statement.where(AuditEvent.at >= _bound(session, start, end=False))
    if end is not None:
        statement = statement.where(AuditEvent.at < _bound(session, end, end=True))
    events = session.exec(statement.order_by(col(AuditEvent.id).desc()).limit(limit))
    return [_entry(event) for event in events]


def audit_logins(session: Session, actor: User) -> list[str]:
    """Everyone who ever changed something, for the log's user filter."""
    require(actor, Permission.AUDIT)
    return sorted(session.exec(select(AuditEvent.user_login).distinct()).all())
