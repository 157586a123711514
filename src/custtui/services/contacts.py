"""A customer's contact persons: owner, tenant, property manager, accounts…, each optionally at one of its sites.

The customer's own phone and e-mail stay its main ones; these are the
people behind them. Phones are stored E.164, read in the site's country
(else the customer's); e-mail addresses as services.normalise stores them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from sqlmodel import Session, col, select

from custtui.errors import NotFound, ValidationError
from custtui.i18n import _
from custtui.models import Contact, ContactRole, Customer, User, utcnow
from custtui.services import audit, customers, locations, normalise, permissions, validation
from custtui.services.auth import Permission, require

ENTITY = "contact"
_LIMITS = {"name": 200, "phone": 40, "mobile": 40, "email": 254, "notes": 1000}


@dataclass
class ContactInput:
    """What the contact form submits."""

    name: str = ""
    role: str = ContactRole.OTHER.value
    location_id: int | None = None  # None: the customer as a whole
    phone: str | None = None
    mobile: str | None = None
    email: str | None = None
    language: str | None = None
    notes: str | None = None

    @classmethod
    def from_contact(cls, contact: Contact) -> ContactInput:
        return cls(**{f.name: getattr(contact, f.name) for f in fields(cls)})


@dataclass(frozen=True)
class ContactEntry:
    """One contact as a screen lists it."""

    id: int
    customer_id: int
    location_id: int | None
    location_name: str
    name: str
    role: str
    phone: str | None
    mobile: str | None
    email: str | None
    language: str | None
    notes: str | None
    updated_at: datetime


def get_contact(session: Session, contact_id: int) -> Contact:
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFound(_("Contact {id} does not exist.").format(id=contact_id))
    return contact


def validate(session: Session, customer: Customer, data: ContactInput) -> ContactInput:
    """The cleaned input, or ValidationError with a message per field."""
    errors: dict[str, str] = {}
    raw: dict[str, str | None] = {name: value for name, value in vars(data).items() if isinstance(value, str)}
    validation.check_text_fields(raw, errors, multiline={"notes"})
    site = locations.check_customer_site(session, customer.id or 0, data.location_id, errors)
    cleaned = ContactInput(
        name=(data.name or "").strip(),
        role=data.role,
        location_id=data.location_id,
        phone=validation.clean(data.phone),
        mobile=validation.clean(data.mobile),
        email=validation.clean(data.email),
        language=validation.clean(data.language),
        notes=validation.clean(data.notes),
    )
    if "name" not in errors:
        validation.check_name(cleaned.name, errors)
    if cleaned.role not in {role.value for role in ContactRole}:
        errors["role"] = _("Unknown role: {role}.").format(role=cleaned.role)
    validation.check_language(cleaned.language, errors)
    # A national number is dialled in the site's country, else in the customer's.
    country = site.country if site is not None else normalise.customer_country(customer.region_code)
    for field in ("phone", "mobile"):
        if field not in errors:
            setattr(cleaned, field, validation.check_phone(getattr(cleaned, field), errors, field, country))
    if "email" not in errors:
        cleaned.email = validation.check_email(cleaned.email, errors)
    validation.check_max_length({k: v for k, v in vars(cleaned).items() if isinstance(v, str)}, _LIMITS, errors)
    if errors:
        raise ValidationError(errors)
    return cleaned


def add_contact(session: Session, actor: User, customer_id: int, data: ContactInput) -> Contact:
    require(actor, Permission.EDIT)
    customer = customers.get_customer(session, customer_id)
    permissions.require_may_edit(session, actor, customer)  # a contact is the customer's: adding one edits it
    cleaned = validate(session, customer, data)
    contact = Contact(customer_id=customer_id, **vars(cleaned))
    session.add(contact)
    session.flush()
    audit.record(session, actor.login, ENTITY, contact.id, "create", None, audit.snapshot(contact))
    return contact


def update_contact(session: Session, actor: User, contact_id: int, data: ContactInput) -> Contact:
    require(actor, Permission.EDIT)
    contact = get_contact(session, contact_id)
    customer = customers.get_customer(session, contact.customer_id)
    permissions.require_may_edit(session, actor, customer)
    cleaned = validate(session, customer, data)
    before = audit.snapshot(contact)
    for name, value in vars(cleaned).items():
        setattr(contact, name, value)
    contact.updated_at = utcnow()
    session.add(contact)
    session.flush()
    audit.record(session, actor.login, ENTITY, contact.id, "update", before, audit.snapshot(contact))
    return contact


def delete_contact(session: Session, actor: User, contact_id: int) -> None:
    require(actor, Permission.EDIT)
    contact = get_contact(session, contact_id)
    permissions.require_may_edit(session, actor, customers.get_customer(session, contact.customer_id))
    before = audit.snapshot(contact)
    session.delete(contact)
    session.flush()
    audit.record(session, actor.login, ENTITY, contact_id, "delete", before, None)


def contacts_of(session: Session, customer_id: int) -> list[ContactEntry]:
    """The customer's contacts by name, each with the name of its site."""
    contacts = list(
        session.exec(
            select(Contact).where(Contact.customer_id == customer_id).order_by(col(Contact.name), col(Contact.id))
        )
    )
    sites = locations.site_names(session, {contact.location_id for contact in contacts})
    entries = []
    for contact in contacts:
        entries.append(
            ContactEntry(
                id=contact.id or 0,
                customer_id=contact.customer_id,
                location_id=contact.location_id,
                location_name=sites.get(contact.location_id, "") if contact.location_id is not None else "",
                name=contact.name,
                role=contact.role,
                phone=contact.phone,
                mobile=contact.mobile,
                email=contact.email,
                language=contact.language,
                notes=contact.notes,
                updated_at=contact.updated_at,
            )
        )
    return entries
