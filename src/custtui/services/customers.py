"""Customers: create, update with conflict detection, guarded delete, counts."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from custtui.i18n import _, ngettext
from custtui.models import Customer, CustomerLabel, Installation, Location, Mission, utcnow
from custtui.services import audit, validation
from custtui.services.auth import Permission, require
from custtui.services.errors import ConflictError, DeleteRefused, LinkedCounts, NotFound, ValidationError
from custtui.services.regions import region_codes
from custtui.models import User

ENTITY = "customer"


@dataclass
class CustomerInput:
    """What a form or an import submits for a customer."""

    name: str = ""
    region_code: str = ""
    internal_name: str | None = None
    customer_number: str | None = None
    language: str | None = None
    vat_number: str | None = None
    email: str | None = None
    phone: str | None = None
    notes: str | None = None

    @classmethod
    def from_customer(cls, customer: Customer) -> CustomerInput:
        return cls(**{f.name: getattr(customer, f.name) for f in fields(cls)})


_LIMITS = {
    "internal_name": 200,
    "customer_number": 50,
    "vat_number": 20,
    "email": 254,
    "phone": 40,
    "notes": 4000,
}


def validate(session: Session, data: CustomerInput) -> CustomerInput:
    """Return the cleaned input, or raise ValidationError with a message per field."""
    errors: dict[str, str] = {}
    raw = asdict(data)
    validation.check_text_fields(raw, errors, multiline={"notes"})
    cleaned = CustomerInput(
        name=(data.name or "").strip(),
        region_code=(data.region_code or "").strip(),
        internal_name=validation.clean(data.internal_name),
        customer_number=validation.clean(data.customer_number),
        language=validation.clean(data.language),
        vat_number=validation.normalise_vat(data.vat_number) if validation.clean(data.vat_number) else None,
        email=validation.clean(data.email),
        phone=validation.clean(data.phone),
        notes=data.notes.strip() if data.notes and data.notes.strip() else None,
    )
    if "name" not in errors:
        validation.check_name(cleaned.name, errors)
    if not cleaned.region_code:
        errors.setdefault("region_code", _("Region is required."))
    elif cleaned.region_code not in region_codes(session):
        errors.setdefault("region_code", _("Unknown region: {code}.").format(code=cleaned.region_code))
    validation.check_language(cleaned.language, errors)
    if "email" not in errors:
        validation.check_email(cleaned.email, errors)
    if "phone" not in errors:
        validation.check_phone(cleaned.phone, errors)
    if "vat_number" not in errors:
        validation.check_vat(cleaned.vat_number, errors)
    validation.check_max_length(asdict(cleaned), _LIMITS, errors)
    if errors:
        raise ValidationError(errors)
    return cleaned


def get_customer(session: Session, customer_id: int) -> Customer:
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(_("Customer {id} does not exist.").format(id=customer_id))
    return customer


def create_customer(session: Session, actor: User, data: CustomerInput) -> Customer:
    require(actor, Permission.EDIT)
    cleaned = validate(session, data)
    customer = Customer(**asdict(cleaned))
    session.add(customer)
    session.flush()
    audit.record(session, actor.login, ENTITY, customer.id, "create", None, audit.snapshot(customer))
    return customer


def _stored_snapshot(session: Session, customer_id: int) -> dict[str, Any] | None:
    """The row as it is in the database now, bypassing the session's identity map."""
    row = session.exec(
        select(Customer).where(Customer.id == customer_id).execution_options(populate_existing=True)
    ).first()
    return audit.snapshot(row) if row is not None else None


def update_customer(
    session: Session, actor: User, customer_id: int, data: CustomerInput, expected_version: int
) -> Customer:
    """Save `data` over the customer, if it is still at `expected_version`.

    A save based on a stale copy raises ConflictError with both versions; it
    never overwrites someone else's change.
    """
    require(actor, Permission.EDIT)
    cleaned = validate(session, data)
    mine = {**asdict(cleaned), "version": expected_version}
    customer = session.get(Customer, customer_id, populate_existing=True)
    if customer is None:
        raise ConflictError(ENTITY, customer_id, mine, None)
    if customer.version != expected_version:
        raise ConflictError(ENTITY, customer_id, mine, audit.snapshot(customer))
    before = audit.snapshot(customer)
    for name, value in asdict(cleaned).items():
        setattr(customer, name, value)
    customer.updated_at = utcnow()
    try:
        # The version counter makes this UPDATE ... WHERE version = expected:
        # a concurrent save between our read and this flush is caught here.
        session.flush()
    except StaleDataError as error:
        session.rollback()
        raise ConflictError(ENTITY, customer_id, mine, _stored_snapshot(session, customer_id)) from error
    audit.record(session, actor.login, ENTITY, customer.id, "update", before, audit.snapshot(customer))
    return customer


def linked_counts(session: Session, customer_id: int) -> LinkedCounts:
    locations = session.exec(
        select(func.count()).select_from(Location).where(Location.customer_id == customer_id)
    ).one()
    installations = session.exec(
        select(func.count())
        .select_from(Installation)
        .join(Location, Installation.location_id == Location.id)
        .where(Location.customer_id == customer_id)
    ).one()
    missions = session.exec(
        select(func.count()).select_from(Mission).where(Mission.customer_id == customer_id)
    ).one()
    return LinkedCounts(locations=locations, installations=installations, missions=missions)


def delete_refusal_reason(counts: LinkedCounts) -> str | None:
    """Why a customer with these links cannot be deleted, or None if it can."""
    if counts.installations == 0 and counts.missions == 0:
        return None
    parts = [
        ngettext("{n} location", "{n} locations", counts.locations).format(n=counts.locations),
        ngettext("{n} installation", "{n} installations", counts.installations).format(n=counts.installations),
        ngettext("{n} mission", "{n} missions", counts.missions).format(n=counts.missions),
    ]
    return _(
        "This customer cannot be deleted: {links} are linked to it. "
        "If it is a duplicate, merge it into the right customer instead."
    ).format(links=", ".join(parts))


def delete_customer(session: Session, actor: User, customer_id: int, expected_version: int | None = None) -> None:
    """Delete a customer that has no installations and no missions.

    Its empty locations (with their empty buildings) and its labels go with
    it; anything else linked refuses the delete, here and in the database.
    """
    from custtui.models import Building

    require(actor, Permission.DELETE)
    customer = get_customer(session, customer_id)
    if expected_version is not None and customer.version != expected_version:
        raise ConflictError(ENTITY, customer_id, {"version": expected_version}, audit.snapshot(customer))
    counts = linked_counts(session, customer_id)
    reason = delete_refusal_reason(counts)
    if reason:
        raise DeleteRefused(reason, counts)
    before = audit.snapshot(customer)
    location_ids = list(session.exec(select(Location.id).where(Location.customer_id == customer_id)))
    for building in session.exec(select(Building).where(Building.location_id.in_(location_ids))):  # type: ignore[union-attr]
        session.delete(building)
    for location in session.exec(select(Location).where(Location.customer_id == customer_id)):
        session.delete(location)
    for link in session.exec(select(CustomerLabel).where(CustomerLabel.customer_id == customer_id)):
        session.delete(link)
    session.flush()
    session.delete(customer)
    session.flush()
    audit.record(session, actor.login, ENTITY, customer_id, "delete", before, None)


@dataclass(frozen=True)
class CustomerCounts:
    locations: int
    installations: int
    missions: int


def counts_for(session: Session, customer_ids: list[int]) -> dict[int, CustomerCounts]:
    """Locations, installations and missions per customer, in three grouped queries."""
    if not customer_ids:
        return {}
    locations = dict(
        session.exec(
            select(Location.customer_id, func.count())
            .where(Location.customer_id.in_(customer_ids))  # type: ignore[attr-defined]
            .group_by(Location.customer_id)
        ).all()
    )
    installations = dict(
        session.exec(
            select(Location.customer_id, func.count(Installation.id))
            .join(Installation, Installation.location_id == Location.id)
            .where(Location.customer_id.in_(customer_ids))  # type: ignore[attr-defined]
            .group_by(Location.customer_id)
        ).all()
    )
    missions = dict(
        session.exec(
            select(Mission.customer_id, func.count())
            .where(Mission.customer_id.in_(customer_ids))  # type: ignore[attr-defined]
            .group_by(Mission.customer_id)
        ).all()
    )
    return {
        cid: CustomerCounts(locations.get(cid, 0), installations.get(cid, 0), missions.get(cid, 0))
        for cid in customer_ids
    }


def count_customers(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Customer)).one()


def list_customers(session: Session, *, limit: int = 100, after: tuple[str, int] | None = None) -> list[Customer]:
    """A page of customers by name, then id; `after` is the last (name, id) seen (keyset paging)."""
    statement = select(Customer).order_by(Customer.name, Customer.id).limit(limit)
    if after is not None:
        name, customer_id = after
        statement = statement.where(
            (Customer.name > name) | ((Customer.name == name) & (Customer.id > customer_id))  # type: ignore[operator]
        )
    return list(session.exec(statement))
