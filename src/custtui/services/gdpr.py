"""Personal data (GDPR): everything held on one customer, and anonymising a customer whose missions must stay.

Office and admin only, and audited. Anonymising replaces the name and the
contact fields, deletes the contact persons and the notes journal, and
redacts those values in the history (audit events) and in the merge records'
undo copies; sites (the address where installations are), installations
and missions stay, for the regulatory record.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from copy import deepcopy
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from custtui.errors import ConflictError
from custtui.i18n import _
from custtui.models import (
    AuditEvent,
    Building,
    Contact,
    CustomerLabel,
    Installation,
    JournalNote,
    Label,
    Location,
    MergeRecord,
    Mission,
    User,
    utcnow,
)
from custtui.services import audit, customers
from custtui.services.auth import Permission, require

REDACTED = "***"
# The fields that say who someone is or how to reach them, per kind of record (addresses stay: see the module).
PERSONAL_FIELDS = {
    "customer": ("name", "internal_name", "email", "phone", "vat_number", "notes"),
    "location": ("name", "contact_person", "phone", "notes"),
    "contact": ("name", "phone", "mobile", "email", "notes"),
    "note": ("text",),
}


def _rows(records: Iterable[Any]) -> list[dict[str, Any]]:
    return [audit.snapshot(record) for record in records]


def _history(session: Session, customer_id: int, location_ids: list[int]) -> list[AuditEvent]:
    """The audit events about the customer, its sites, and its contacts and notes (deleted ones too)."""
    events = list(
        session.exec(select(AuditEvent).where(AuditEvent.entity == "customer", AuditEvent.entity_id == customer_id))
    )
    if location_ids:
        events += session.exec(
            select(AuditEvent).where(AuditEvent.entity == "location", col(AuditEvent.entity_id).in_(location_ids))
        )
    for event in session.exec(select(AuditEvent).where(col(AuditEvent.entity).in_(("contact", "note")))):
        if audit.event_value(event, "customer_id") == customer_id:
            events.append(event)
    return sorted(events, key=lambda event: event.id or 0)


def personal_data(session: Session, actor: User, customer_id: int) -> dict[str, Any]:
    """Everything custtui holds on the customer, as JSON-ready data (the audit's old values included)."""
    require(actor, Permission.PERSONAL_DATA)
    customer = customers.get_customer(session, customer_id)
    sites = list(session.exec(select(Location).where(Location.customer_id == customer_id).order_by(col(Location.id))))
    site_ids = [site.id for site in sites if site.id is not None]
    installations = (
        list(session.exec(select(Installation).where(col(Installation.location_id).in_(site_ids)).order_by(col(Installation.id))))
        if site_ids
        else []
    )
    labels = session.exec(
        select(Label.name)
        .join(CustomerLabel, col(CustomerLabel.label_id) == Label.id)
        .where(CustomerLabel.customer_id == customer_id)
    ).all()
    data = {
        "exported_at": utcnow().isoformat(),
        "customer": audit.snapshot(customer),
        "labels": sorted(labels),
        "locations": _rows(sites),
        "buildings": _rows(session.exec(select(Building).where(col(Building.location_id).in_(site_ids)))) if site_ids else [],
        "installations": _rows(installations),
        "missions": _rows(session.exec(select(Mission).where(Mission.customer_id == customer_id).order_by(col(Mission.id)))),
        "contacts": _rows(session.exec(select(Contact).where(Contact.customer_id == customer_id).order_by(col(Contact.id)))),
        "notes": _rows(
            session.exec(select(JournalNote).where(JournalNote.customer_id == customer_id).order_by(col(JournalNote.id)))
        ),
        "history": [
            {"at": event.at.isoformat(), "user": event.user_login, "entity": event.entity, "entity_id": event.entity_id,
             "action": event.action, "before": event.before, "after": event.after}
            for event in _history(session, customer_id, site_ids)
        ],  # fmt: skip
    }
    audit.record(session, actor.login, "customer", customer_id, "export_personal_data", None, None)
    return data


def personal_data_text(data: dict[str, Any]) -> str:
    """The same data as readable text: one section per kind of record, one line per field."""
    titles = {
        "customer": _("Customer"), "labels": _("Labels"), "locations": _("Locations"), "buildings": _("Buildings"),
        "installations": _("Installations"), "missions": _("Missions"), "contacts": _("Contacts"),
        "notes": _("Notes"), "history": _("History"),
    }  # fmt: skip
    lines = [_("Personal data held by custtui, exported {at}").format(at=data["exported_at"]), ""]
    for key, title in titles.items():
        value = data.get(key)
        lines.append(f"== {title} ==")
        records = value if isinstance(value, list) else [value]
        if not records:
            lines.append("-")
        for record in records:
            if isinstance(record, dict):
                for field, field_value in record.items():
                    shown = json.dumps(field_value, ensure_ascii=False) if isinstance(field_value, dict | list) else field_value
                    lines.append(f"{field}: {'' if shown is None else shown}")
                lines.append("")
            else:
                lines.append(str(record))
        lines.append("")
    return "\n".join(lines)


def _redacted(kind: str, row: dict[str, Any] | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {key: (REDACTED if key in PERSONAL_FIELDS[kind] and value not in (None, "") else value) for key, value in row.items()}


def anonymise(session: Session, actor: User, customer_id: int, version: int) -> int:
    """Anonymise the customer (see the module); returns how many history entries were redacted.

    `version`: the one the user saw (ConflictError if it changed meanwhile).
    """
    require(actor, Permission.PERSONAL_DATA)
    customer = customers.get_customer(session, customer_id)
    if customer.version != version:
        raise ConflictError("customer", customer_id, {"version": version}, audit.snapshot(customer))
    sites = list(session.exec(select(Location).where(Location.customer_id == customer_id)))
    site_ids = [site.id for site in sites if site.id is not None]
    history = _history(session, customer_id, site_ids)  # before this change's own events exist
    customer.name = _("Anonymised customer {id}").format(id=customer_id)
    customer.internal_name = customer.email = customer.phone = customer.vat_number = None
    customer.updated_at = utcnow()
    session.add(customer)
    for site in sites:
        site.contact_person = site.phone = None
        site.name = ""
        session.add(site)
    session.execute(delete(Contact).where(col(Contact.customer_id) == customer_id))
    session.execute(delete(JournalNote).where(col(JournalNote.customer_id) == customer_id))
    for event in history:
        kind = event.entity if event.entity in PERSONAL_FIELDS else "customer"
        event.before, event.after = _redacted(kind, event.before), _redacted(kind, event.after)
        session.add(event)
    for record in session.exec(select(MergeRecord)):
        if customer_id in (record.keep_id, *record.other_ids):
            record.plan, record.undo = _redacted_merge(record.plan, customer_id), _redacted_merge(record.undo, customer_id)
            session.add(record)
    session.flush()
    audit.record(session, actor.login, "customer", customer_id, "anonymise", None, {"redacted_events": len(history)})
    return len(history)


def _redacted_merge(data: dict[str, Any], customer_id: int) -> dict[str, Any]:
    """A merge record's plan or undo data with the customer's personal values replaced (its copies of rows)."""
    copy: dict[str, Any] = deepcopy(data)
    names = copy.get("names")
    if isinstance(names, dict) and str(customer_id) in names:
        names[str(customer_id)] = REDACTED

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if value.get("id") == customer_id and "region_code" in value and "name" in value:  # a customer row
                value.update(_redacted("customer", value) or {})
            elif value.get("customer_id") == customer_id and "street" in value:  # one of its locations
                value.update(_redacted("location", value) or {})
            choices = value.get("values")  # a field choice of the plan: each record's value
            if value.get("field") in PERSONAL_FIELDS["customer"] and isinstance(choices, dict):
                if choices.get(str(customer_id)) not in (None, ""):
                    choices[str(customer_id)] = REDACTED
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(copy)
    return copy
