"""Locations (sites) and their buildings: add, edit, copy to another customer."""

from __future__ import annotations

from collections.abc import Set
from dataclasses import asdict, dataclass, fields

from sqlmodel import Session, col, select

from custtui.errors import NotFound, ValidationError
from custtui.i18n import DEFAULT_LANGUAGE, _, _load, normalise_language
from custtui.models import Building, Customer, Location, User, stored_id, utcnow
from custtui.services import audit, permissions, validation
from custtui.services.addresses import address_line
from custtui.services.auth import Permission, require
from custtui.services.regions import region_codes, region_for_postal_code

ENTITY = "location"


def default_building_name(language: str | None = None) -> str:
    """The name the product gives a location's first building, in `language` (None: the UI language).

    The name is data: it stays in the language it was written in. Callers
    pass the customer's document language when it has one
    (building_name_for), so that the name reads right on the documents the
    customer gets; else it is the UI language of whoever adds the location.
    """
    if language is None:
        return _("Main building")
    return _load(normalise_language(language) or DEFAULT_LANGUAGE).gettext("Main building")


def building_name_for(customer: Customer) -> str:
    """The default building's name for one of `customer`'s locations: its document language, else the UI's."""
    return default_building_name(customer.language or None)


@dataclass
class LocationInput:
    name: str = ""
    street: str = ""
    number: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = "BE"
    region_code: str | None = None  # None: suggested from the postal code, else the customer's
    contact_person: str | None = None
    phone: str | None = None

    @classmethod
    def from_location(cls, location: Location) -> LocationInput:
        return cls(**{f.name: getattr(location, f.name) for f in fields(cls)})


_LIMITS = {
    "name": 200, "street": 200, "number": 20, "postal_code": 12, "city": 100, "country": 2, "contact_person": 200,
    "phone": 40,
}
_BUILDING_LIMITS = {"name": 200, "notes": 4000}


def validate_address(
    session: Session,
    data: LocationInput,
    fallback_region: str = "BE-VLG",
    *,
    as_typed: Set[str] = frozenset(),
    warnings: dict[str, str] | None = None,
) -> LocationInput:
    """Check a location before its customer exists (the new-customer form, the import: neither names a site)."""
    return _validate(
        session, data, data.region_code or fallback_region, as_typed=as_typed, warnings=warnings, named=False
    )


def _validate(
    session: Session,
    data: LocationInput,
    customer_region: str,
    *,
    as_typed: Set[str] = frozenset(),
    warnings: dict[str, str] | None = None,
    named: bool = True,
) -> LocationInput:
    """The cleaned location: country as its ISO code, postal code and phone normalised (services.normalise).

    `as_typed`: fields kept as typed when they fail their check, their
    message in `warnings` (the import keeps a site whose postal code is wrong).
    `named`: the caller offers a site name (the site form); else a message
    asking for one would name a field the user does not have.
    """
    errors: dict[str, str] = {}
    validation.check_text_fields(dict(vars(data)), errors)
    unsafe = set(errors)  # control characters are never kept, as typed or not
    country = (data.country or "").strip() or "BE"
    if "country" not in errors:
        country = validation.check_country(country, errors) or country
    postal_code = (data.postal_code or "").strip()
    if "postal_code" not in errors and "country" not in errors:
        postal_code = validation.check_postal_code(postal_code, country, errors)
    cleaned = LocationInput(
        name=(data.name or "").strip(),
        street=(data.street or "").strip(),
        number=(data.number or "").strip(),
        postal_code=postal_code,
        city=(data.city or "").strip(),
        country=country,
        region_code=validation.clean(data.region_code)
        or region_for_postal_code(postal_code, country)
        or customer_region,
        contact_person=validation.clean(data.contact_person),
        phone=validation.clean(data.phone),
    )
    if not (cleaned.street or cleaned.city or cleaned.name):
        if named:
            errors.setdefault("street", _("Give at least a name, a street or a city."))
        else:
            errors.setdefault("street", _("Give at least a street or a city."))
    if cleaned.region_code not in region_codes(session):
        errors.setdefault("region_code", _("Unknown region: {code}.").format(code=cleaned.region_code))
    if "phone" not in errors:
        phone_country = country if "country" not in errors else "BE"
        cleaned.phone = validation.check_phone(cleaned.phone, errors, country=phone_country) or cleaned.phone
    validation.keep_as_typed(errors, as_typed - unsafe, warnings)
    validation.check_max_length(vars(cleaned), _LIMITS, errors)
    if errors:
        raise ValidationError(errors)
    return cleaned


def get_location(session: Session, location_id: int) -> Location:
    location = session.get(Location, location_id)
    if location is None:
        raise NotFound(_("Location {id} does not exist.").format(id=location_id))
    return location


def _get_customer(session: Session, customer_id: int) -> Customer:
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(_("Customer {id} does not exist.").format(id=customer_id))
    return customer


def add_location(
    session: Session,
    actor: User,
    customer_id: int,
    data: LocationInput,
    *,
    as_typed: Set[str] = frozenset(),
    warnings: dict[str, str] | None = None,
    named: bool = True,
) -> Location:
    """Add a location with its default building; `as_typed` and `warnings` as for validate_address(),
    `named` as for _validate (False: the customer form's main location, which has no name field)."""
    require(actor, Permission.EDIT)
    customer = _get_customer(session, customer_id)
    cleaned = _validate(session, data, customer.region_code, as_typed=as_typed, warnings=warnings, named=named)
    location = Location(customer_id=customer_id, **asdict(cleaned), created_by=actor.login)
    session.add(location)
    session.flush()
    building = Building(location_id=stored_id(location), name=building_name_for(customer))
    session.add(building)
    session.flush()
    audit.record(session, actor.login, ENTITY, location.id, "create", None, audit.snapshot(location))
    return location


def update_location(
    session: Session, actor: User, location_id: int, data: LocationInput, *, named: bool = True
) -> Location:
    """Change a location; `named` as for add_location()."""
    require(actor, Permission.EDIT)
    location = get_location(session, location_id)
    permissions.require_may_edit(session, actor, location)
    customer = _get_customer(session, location.customer_id)
    cleaned = _validate(session, data, customer.region_code, named=named)
    before = audit.snapshot(location)
    for name, value in asdict(cleaned).items():
        setattr(location, name, value)
    location.updated_at = utcnow()
    session.flush()
    audit.record(session, actor.login, ENTITY, location.id, "update", before, audit.snapshot(location))
    return location


def check_customer_site(
    session: Session, customer_id: int, location_id: int | None, errors: dict[str, str]
) -> Location | None:
    """The site `location_id` when it is one of the customer's; else an error under "location_id" (None: no site)."""
    if location_id is None:
        return None
    site = session.get(Location, location_id)
    if site is None or site.customer_id != customer_id:
        errors["location_id"] = _("This site does not belong to this customer.")
        return None
    return site


def site_names(session: Session, location_ids: Set[int | None]) -> dict[int, str]:
    """Each of these sites by its name, else its address (notes and contacts say which site they are about)."""
    wanted = {location_id for location_id in location_ids if location_id is not None}
    if not wanted:
        return {}
    return {
        site.id or 0: site.name or address_line(site)
        for site in session.exec(select(Location).where(col(Location.id).in_(wanted)))
    }


def locations_of(session: Session, customer_id: int) -> list[Location]:
    return list(session.exec(select(Location).where(Location.customer_id == customer_id).order_by(col(Location.id))))


def buildings_of(session: Session, location_id: int) -> list[Building]:
    return list(session.exec(select(Building).where(Building.location_id == location_id).order_by(col(Building.id))))


def default_building(session: Session, location_id: int) -> Building:
    """The location's first building; one is created if a location lost them all."""
    building = session.exec(
        select(Building).where(Building.location_id == location_id).order_by(col(Building.id))
    ).first()
    if building is None:
        customer = session.exec(
            select(Customer).join(Location, col(Location.customer_id) == col(Customer.id)).where(
                Location.id == location_id
            )
        ).first()
        name = building_name_for(customer) if customer is not None else default_building_name()
        building = Building(location_id=location_id, name=name)
        session.add(building)
        session.flush()
    return building


def add_building(session: Session, actor: User, location_id: int, name: str, notes: str | None = None) -> Building:
    require(actor, Permission.EDIT)
    get_location(session, location_id)
    errors: dict[str, str] = {}
    validation.check_text_fields({"name": name, "notes": notes}, errors, multiline={"notes"})
    if not (name or "").strip():
        errors.setdefault("name", _("Name is required."))
    validation.check_max_length({"name": (name or "").strip(), "notes": validation.clean(notes)}, _BUILDING_LIMITS, errors)
    if errors:
        raise ValidationError(errors)
    building = Building(location_id=location_id, name=name.strip(), notes=validation.clean(notes))
    session.add(building)
    session.flush()
    audit.record(session, actor.login, "building", building.id, "create", None, audit.snapshot(building))
    return building
