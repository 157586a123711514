"""Installations: add, list by customer, move to another location and building."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from sqlmodel import Session, col, select

from custtui.errors import NotFound, ValidationError
from custtui.i18n import _
from custtui.models import Building, Installation, InstallationKind, Location, User, stored_id
from custtui.services import audit, permissions, validation
from custtui.services.auth import Permission, require
from custtui.services.locations import default_building, get_location

ENTITY = "installation"
_KINDS = {kind.value for kind in InstallationKind}
_LIMITS = {"brand": 100, "model": 100, "serial_number": 100, "fuel": 50, "notes": 4000}


@dataclass
class InstallationInput:
    kind: str = InstallationKind.BOILER.value
    brand: str = ""
    model: str = ""
    serial_number: str = ""
    fuel: str | None = None
    power_kw: float | None = None
    installed_on: date | None = None
    notes: str | None = None
    building_id: int | None = None  # None: the location's default building


def get_installation(session: Session, installation_id: int) -> Installation:
    installation = session.get(Installation, installation_id)
    if installation is None:
        raise NotFound(_("Installation {id} does not exist.").format(id=installation_id))
    return installation


def _building_for(session: Session, location_id: int, building_id: int | None) -> Building:
    if building_id is None:
        return default_building(session, location_id)
    building = session.get(Building, building_id)
    if building is None or building.location_id != location_id:
        raise ValidationError({"building_id": _("That building is not at this location.")})
    return building


def add_installation(session: Session, actor: User, location_id: int, data: InstallationInput) -> Installation:
    require(actor, Permission.EDIT)
    get_location(session, location_id)
    errors: dict[str, str] = {}
    values = asdict(data)
    validation.check_text_fields(
        {k: v for k, v in values.items() if isinstance(v, str)}, errors, multiline={"notes"}
    )
    if data.kind not in _KINDS:
        errors["kind"] = _("Unknown kind of installation: {kind}.").format(kind=data.kind)
    if data.power_kw is not None and not 0 < data.power_kw < 100_000:
        errors["power_kw"] = _("Power must be a positive number of kW.")
    validation.check_max_length(values, _LIMITS, errors)
    if errors:
        raise ValidationError(errors)
    building = _building_for(session, location_id, data.building_id)
    values.pop("building_id")
    installation = Installation(location_id=location_id, building_id=stored_id(building), **values, created_by=actor.login)
    session.add(installation)
    session.flush()
    audit.record(session, actor.login, ENTITY, installation.id, "create", None, audit.snapshot(installation))
    return installation


def move_installation(
    session: Session, actor: User, installation_id: int, location_id: int, building_id: int | None = None
) -> Installation:
    """Move an installation to another location (of any customer) and building."""
    require(actor, Permission.EDIT)
    installation = get_installation(session, installation_id)
    permissions.require_may_edit(session, actor, installation)
    get_location(session, location_id)
    building = _building_for(session, location_id, building_id)
    before = audit.snapshot(installation)
    installation.location_id = location_id
    installation.building_id = stored_id(building)
    session.flush()
    audit.record(session, actor.login, ENTITY, installation.id, "move", before, audit.snapshot(installation))
    return installation


def installations_of_customer(session: Session, customer_id: int) -> list[tuple[Installation, Location, Building]]:
    """Each installation with its location and building, grouped by location then building."""
    statement = (
        select(Installation, Location, Building)
        .join(Location, col(Installation.location_id) == Location.id)
        .join(Building, col(Installation.building_id) == Building.id)
        .where(Location.customer_id == customer_id)
        .order_by(col(Location.id), col(Building.id), col(Installation.id))
    )
    return list(session.exec(statement).all())
