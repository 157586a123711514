"""Customers: create, update with conflict detection, guarded delete, counts."""

from __future__ import annotations

from collections.abc import Sequence, Set
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import SQLColumnExpression, delete, func
from sqlalchemy.orm import aliased
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from custtui.errors import ConflictError, DeleteRefused, LinkedCounts, NotFound, ValidationError
from custtui.i18n import DEFAULT_LANGUAGE, _, format_number, get_language, ngettext
from custtui.models import (
    Building,
    Contact,
    Customer,
    CustomerLabel,
    Installation,
    JournalNote,
    Label,
    Location,
    Mission,
    RecentCustomer,
    User,
    stored_id,
    utcnow,
)
from custtui.services import audit, locations, permissions, validation
from custtui.services.auth import Permission, require
from custtui.services.filters import CustomerFilter, where_clauses
from custtui.services.locations import LocationInput
from custtui.services.normalise import compact_vat, customer_country
from custtui.services.regions import region_codes

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

    @classmethod
    def from_customer(cls, customer: Customer) -> CustomerInput:
        return cls(**{f.name: getattr(customer, f.name) for f in fields(cls)})


_LIMITS = {
    "internal_name": 200,
    "customer_number": 50,
    "vat_number": 20,
    "email": 254,
    "phone": 40,
}


def validate(
    session: Session,
    data: CustomerInput,
    *,
    as_typed: Set[str] = frozenset(),
    warnings: dict[str, str] | None = None,
) -> CustomerInput:
    """Return the cleaned input, or raise ValidationError with a message per field.

    Phones are stored E.164, e-mail addresses and VAT numbers normalised
    (services.normalise). A field named in `as_typed` that fails its check
    (the import: a phone nobody can dial) is kept as typed, its message put
    in `warnings` instead of refusing the customer.
    """
    errors: dict[str, str] = {}
    raw = dict(vars(data))  # flat: asdict's deep copy costs more than the checks (an import validates 100,000)
    validation.check_text_fields(raw, errors)
    unsafe = set(errors)  # control characters are never kept, as typed or not
    vat_number = validation.clean(data.vat_number)
    # A national number, a VAT number without its prefix: read as numbers of the customer's country.
    country = customer_country(data.region_code)
    cleaned = CustomerInput(
        name=(data.name or "").strip(),
        region_code=(data.region_code or "").strip(),
        internal_name=validation.clean(data.internal_name),
        customer_number=validation.clean(data.customer_number),
        language=validation.clean(data.language),
        vat_number=compact_vat(vat_number, country) if vat_number else None,
        email=validation.clean(data.email),
        phone=validation.clean(data.phone),
    )
    if "name" not in errors:
        validation.check_name(cleaned.name, errors)
    if not cleaned.region_code:
        errors.setdefault("region_code", _("Region is required."))
    elif cleaned.region_code not in region_codes(session):
        errors.setdefault("region_code", _("Unknown region: {code}.").format(code=cleaned.region_code))
    validation.check_language(cleaned.language, errors)
    if "email" not in errors:
        cleaned.email = validation.check_email(cleaned.email, errors) or cleaned.email
    if "phone" not in errors:
        cleaned.phone = validation.check_phone(cleaned.phone, errors, country=country) or cleaned.phone
    if "vat_number" not in errors:
        validation.check_vat(cleaned.vat_number, errors)
    validation.keep_as_typed(errors, as_typed - unsafe, warnings)
    validation.check_max_length(vars(cleaned), _LIMITS, errors)
    if errors:
        raise ValidationError(errors)
    return cleaned


@dataclass(frozen=True)
class DocumentLanguage:
    """The language of a customer's documents and certificates."""

    code: str
    is_technicians_default: bool  # the customer has none: the technician's is used


def document_language(customer_language: str | None, technician_language: str | None) -> DocumentLanguage:
    """The customer's own language, otherwise the technician's (the manual's rule)."""

    if customer_language:
        return DocumentLanguage(customer_language, False)
    return DocumentLanguage(technician_language or get_language() or DEFAULT_LANGUAGE, True)


def get_customer(session: Session, customer_id: int) -> Customer:
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(_("Customer {id} does not exist.").format(id=customer_id))
    return customer


def create_customer(
    session: Session,
    actor: User,
    data: CustomerInput,
    *,
    as_typed: Set[str] = frozenset(),
    warnings: dict[str, str] | None = None,
) -> Customer:
    """Create a customer; `as_typed` and `warnings` as for validate()."""
    require(actor, Permission.EDIT)
    cleaned = validate(session, data, as_typed=as_typed, warnings=warnings)
    customer = Customer(**asdict(cleaned), created_by=actor.login)
    session.add(customer)
    session.flush()
    audit.record(session, actor.login, ENTITY, customer.id, "create", None, audit.snapshot(customer))
    return customer


def save_customer(
    session: Session,
    actor: User,
    customer_id: int | None,
    data: CustomerInput,
    expected_version: int | None = None,
    *,
    main_address: LocationInput | None = None,
    main_location_id: int | None = None,
    address_changed: bool = True,
) -> Customer:
    """What the customer form saves: the customer and its main location, together or not at all.

    A new customer is created (`customer_id` None), an existing one updated if
    it is still at `expected_version`. The main address, when given, is added
    as a location, or updated if `address_changed`. Every wrong field of both
    is in one ValidationError, so the form marks them all at once.
    """
    errors: dict[str, str] = {}
    customer = None
    try:
        if customer_id is None:
            customer = create_customer(session, actor, data)
        else:
            if expected_version is None:
                raise ValueError("an update needs the version it was read at")
            customer = update_customer(session, actor, customer_id, data, expected_version)
    except ValidationError as error:
        errors.update(error.errors)
    if main_address is not None:
        try:
            if customer is None:
                locations.validate_address(session, main_address)
            elif main_location_id is None:
                # The form's main location has no name field: its message asks for a street or a city.
                locations.add_location(session, actor, stored_id(customer), main_address, named=False)
            elif address_changed:
                locations.update_location(session, actor, main_location_id, main_address, named=False)
        except ValidationError as error:
            errors.update({field: message for field, message in error.errors.items() if field not in errors})
    if errors:
        raise ValidationError(errors)
    assert customer is not None
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
    permissions.require_may_edit(session, actor, customer)
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
        .join(Location, col(Installation.location_id) == Location.id)
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
        ngettext("{n} location", "{n} locations", counts.locations).format(n=format_number(counts.locations)),
        ngettext("{n} installation", "{n} installations", counts.installations).format(n=format_number(counts.installations)),
        ngettext("{n} mission", "{n} missions", counts.missions).format(n=format_number(counts.missions)),
    ]
    return _(
        "This customer cannot be deleted: {links} are linked to it. "
        "If it is a duplicate, merge it into the right customer instead."
    ).format(links=", ".join(parts))


def delete_customer(session: Session, actor: User, customer_id: int, expected_version: int | None = None) -> None:
    """Delete a customer that has no installations and no missions.

    Its empty locations (with their empty buildings), its labels, contacts
    and notes journal go with it; anything else linked refuses the delete, here and in the database.
    """

    require(actor, Permission.DELETE)
    customer = get_customer(session, customer_id)
    if expected_version is not None and customer.version != expected_version:
        raise ConflictError(ENTITY, customer_id, {"version": expected_version}, audit.snapshot(customer))
    counts = linked_counts(session, customer_id)
    reason = delete_refusal_reason(counts)
    if reason:
        raise DeleteRefused(reason, counts)
    before = audit.snapshot(customer)
    # Its people, its journal and who opened it lately are its own and go with it, before its sites they point at.
    for owned in (Contact, JournalNote, RecentCustomer):
        session.execute(delete(owned).where(col(owned.customer_id) == customer_id))
    location_ids = list(session.exec(select(Location.id).where(Location.customer_id == customer_id)))
    for building in session.exec(select(Building).where(col(Building.location_id).in_(location_ids))):
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
            .where(col(Location.customer_id).in_(customer_ids))
            .group_by(col(Location.customer_id))
        ).all()
    )
    installations = dict(
        session.exec(
            select(Location.customer_id, func.count(col(Installation.id)))
            .join(Installation, col(Installation.location_id) == Location.id)
            .where(col(Location.customer_id).in_(customer_ids))
            .group_by(col(Location.customer_id))
        ).all()
    )
    missions = dict(
        session.exec(
            select(Mission.customer_id, func.count())
            .where(col(Mission.customer_id).in_(customer_ids))
            .group_by(col(Mission.customer_id))
        ).all()
    )
    return {
        cid: CustomerCounts(locations.get(cid, 0), installations.get(cid, 0), missions.get(cid, 0))
        for cid in customer_ids
    }


def count_customers(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Customer)).one()


# --- The customer list -------------------------------------------------------


@dataclass(frozen=True)
class LabelTag:
    id: int
    name: str
    colour: str


@dataclass(frozen=True)
class CustomerRow:
    """One line of the customer list."""

    id: int
    name: str
    internal_name: str | None
    customer_number: str | None
    region_code: str
    language: str | None
    labels: tuple[LabelTag, ...]
    installations: int
    missions: int
    # Of the main location (the one with the lowest id): what tells two "An Maes" apart.
    postal_code: str = ""
    city: str = ""
    phone: str | None = None
    email: str | None = None
    vat_number: str | None = None
    created_at: datetime | None = None
    last_mission: date | None = None


# The columns the list can show besides the name, and those it shows by default
# (at 80 columns; the postal code only where there is room, tui.widgets.customer_table).
LIST_COLUMNS = (
    "internal_name", "city", "postal_code", "customer_number", "region_code", "language", "labels",
    "installations", "missions", "phone", "email", "vat_number", "created_at", "last_mission",
)
DEFAULT_LIST_COLUMNS = (
    "internal_name", "city", "postal_code", "customer_number", "region_code", "labels", "installations", "missions",
)


def list_columns_of(user: User, default: Sequence[str] | None = None) -> tuple[str, ...]:
    """The columns `user` chose for the list, in LIST_COLUMNS order; else `default` (the config file's), else ours."""
    if user.list_columns:
        chosen = set(user.list_columns.split(","))
    elif default:
        chosen = set(default)
    else:
        return DEFAULT_LIST_COLUMNS
    return tuple(key for key in LIST_COLUMNS if key in chosen)


def set_list_columns(session: Session, user: User, columns: list[str]) -> User:
    """A user may always choose their own list columns; unknown keys are refused."""
    unknown = [key for key in columns if key not in LIST_COLUMNS]
    if unknown:
        raise ValidationError({"list_columns": _("Unknown column: {columns}.").format(columns=", ".join(unknown))})
    stored = session.get(User, user.id)
    assert stored is not None
    stored.list_columns = ",".join(key for key in LIST_COLUMNS if key in columns)
    session.add(stored)
    session.flush()
    return stored


SORT_KEYS = (
    "name", "internal_name", "customer_number", "region_code", "language", "labels", "installations", "missions",
    "city", "postal_code", "phone", "email", "vat_number", "created_at", "last_mission",
)


_ROWS_PER_READ = 10_000  # ids per IN list: SQLite refuses more than 250,000 variables in one statement


def customer_rows(session: Session, customer_ids: list[int]) -> dict[int, CustomerRow]:
    """List rows for these customers: their fields, main place, labels, counts and last mission, in six queries.

    Many ids (all the customers of a duplicate scan) are read in chunks of _ROWS_PER_READ.
    """
    if len(customer_ids) > _ROWS_PER_READ:
        rows: dict[int, CustomerRow] = {}
        for start in range(0, len(customer_ids), _ROWS_PER_READ):
            rows.update(customer_rows(session, customer_ids[start : start + _ROWS_PER_READ]))
        return rows
    if not customer_ids:
        return {}
    # sqlmodel types select() for up to 4 columns: these rows are untyped.
    fields_of = select(  # type: ignore[call-overload]
        col(Customer.id),
        col(Customer.name),
        col(Customer.internal_name),
        col(Customer.customer_number),
        col(Customer.region_code),
        col(Customer.language),
        col(Customer.phone),
        col(Customer.email),
        col(Customer.vat_number),
        col(Customer.created_at),
    ).where(col(Customer.id).in_(customer_ids))
    found: dict[int, Any] = {row.id: row for row in session.exec(fields_of)}
    counts = counts_for(session, list(found))
    places: dict[int, tuple[str, str]] = {}
    for customer_id, postal_code, city in session.exec(
        select(Location.customer_id, Location.postal_code, Location.city)
        .where(col(Location.customer_id).in_(list(found)))
        .order_by(col(Location.id).desc())
    ):
        places[customer_id] = (postal_code, city)  # the lowest id comes last and stays
    last_missions = dict(
        session.exec(
            select(Mission.customer_id, func.max(Mission.planned_on))
            .where(col(Mission.customer_id).in_(list(found)))
            .group_by(col(Mission.customer_id))
        ).all()
    )
    tags: dict[int, list[LabelTag]] = {cid: [] for cid in found}
    for customer_id, label_id, name, colour in session.exec(
        select(CustomerLabel.customer_id, CustomerLabel.label_id, Label.name, Label.colour)
        .join(Label, col(CustomerLabel.label_id) == Label.id)
        .where(col(CustomerLabel.customer_id).in_(list(found)))
        .order_by(Label.name)
    ):
        tags[customer_id].append(LabelTag(label_id, name, colour))
    return {
        cid: CustomerRow(
            id=cid,
            name=row.name,
            internal_name=row.internal_name,
            customer_number=row.customer_number,
            region_code=row.region_code,
            language=row.language,
            labels=tuple(tags[cid]),
            installations=counts[cid].installations,
            missions=counts[cid].missions,
            postal_code=places.get(cid, ("", ""))[0],
            city=places.get(cid, ("", ""))[1],
            phone=row.phone,
            email=row.email,
            vat_number=row.vat_number,
            created_at=row.created_at,
            last_mission=last_missions.get(cid),
        )
        for cid, row in found.items()
    }


def ordered_customer_ids(
    session: Session,
    sort: str = "name",
    descending: bool = False,
    customer_filter: CustomerFilter | None = None,
) -> list[int]:
    """Every customer id the filter lets through, in list order (name breaks ties).

    The list widget holds only these ids and fetches the rows it shows, so
    100,000 customers cost one id list, not 100,000 widgets.
    """

    if sort not in SORT_KEYS:
        raise ValueError(sort)
    name_key = func.lower(Customer.name)
    statement = select(col(Customer.id))
    key: SQLColumnExpression[Any]
    if customer_filter is not None:
        statement = statement.where(*where_clauses(session, customer_filter))
    if sort == "installations":
        per_customer = (
            select(col(Location.customer_id).label("customer_id"), func.count(col(Installation.id)).label("n"))
            .join(Installation, col(Installation.location_id) == Location.id)
            .group_by(col(Location.customer_id))
            .subquery()
        )
        statement = statement.outerjoin(per_customer, per_customer.c.customer_id == Customer.id)
        key = func.coalesce(per_customer.c.n, 0)
    elif sort == "missions":
        per_customer = (
            select(col(Mission.customer_id).label("customer_id"), func.count().label("n"))
            .group_by(col(Mission.customer_id))
            .subquery()
        )
        statement = statement.outerjoin(per_customer, per_customer.c.customer_id == Customer.id)
        key = func.coalesce(per_customer.c.n, 0)
    elif sort == "labels":
        first_label = (
            select(col(CustomerLabel.customer_id).label("customer_id"), func.min(func.lower(Label.name)).label("n"))
            .join(Label, col(CustomerLabel.label_id) == Label.id)
            .group_by(col(CustomerLabel.customer_id))
            .subquery()
        )
        statement = statement.outerjoin(first_label, first_label.c.customer_id == Customer.id)
        key = func.coalesce(first_label.c.n, "")
    elif sort in ("city", "postal_code"):
        # The place the list shows: the customer's first location.
        first_location = (
            select(col(Location.customer_id).label("customer_id"), func.min(col(Location.id)).label("location_id"))
            .group_by(col(Location.customer_id))
            .subquery()
        )
        main = aliased(Location)
        statement = statement.outerjoin(first_location, first_location.c.customer_id == Customer.id).outerjoin(
            main, col(main.id) == first_location.c.location_id
        )
        key = func.lower(func.coalesce(getattr(main, sort), ""))
    elif sort == "last_mission":
        last = (
            select(col(Mission.customer_id).label("customer_id"), func.max(Mission.planned_on).label("n"))
            .group_by(col(Mission.customer_id))
            .subquery()
        )
        statement = statement.outerjoin(last, last.c.customer_id == Customer.id)
        key = last.c.n
    elif sort == "created_at":
        key = col(Customer.created_at)
    elif sort == "name":
        key = name_key
    else:
        key = func.lower(func.coalesce(getattr(Customer, sort), ""))
    # Customers without a value (no mission yet) come last either way.
    ordering = (key.desc() if descending else key.asc()).nulls_last()
    statement = statement.order_by(ordering, name_key, col(Customer.id))
    # An id is never NULL in the database (the model says `int | None` for a row not yet inserted).
    return cast("list[int]", list(session.exec(statement)))
