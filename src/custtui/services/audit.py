"""The audit trail: who changed what, when, with before and after as JSON."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table
from sqlmodel import Session, SQLModel, col, select

from custtui.models import AuditEvent


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def snapshot(record: SQLModel) -> dict[str, Any]:
    """A JSON-safe copy of a record's columns."""
    return {key: _json_value(value) for key, value in record.model_dump().items()}


def snapshot_of_row(table: Table, values: Mapping[str, Any]) -> dict[str, Any]:
    """What snapshot() gives for the record these column values make (a bulk insert that builds no records)."""
    return {column.name: _json_value(values.get(column.name)) for column in table.columns}


def event_value(event: AuditEvent, key: str) -> Any:
    """A column's value in an event: as after the change, else as before it (a deletion)."""
    for side in (event.after, event.before):
        if side and side.get(key) is not None:
            return side[key]
    return None


def record(
    session: Session,
    who: str,
    entity: str,
    entity_id: int | None,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> AuditEvent:
    event = AuditEvent(user_login=who, entity=entity, entity_id=entity_id, action=action, before=before, after=after)
    session.add(event)
    return event


def events_for(session: Session, entity: str, entity_id: int) -> list[AuditEvent]:
    statement = (
        select(AuditEvent)
        .where(AuditEvent.entity == entity, AuditEvent.entity_id == entity_id)
        .order_by(col(AuditEvent.id))
    )
    return list(session.exec(statement))
