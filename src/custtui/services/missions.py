"""Missions (jobs): add, list by customer most recent first."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import nulls_last
from sqlmodel import Session, col, select

from custtui.errors import ValidationError
from custtui.i18n import LANGUAGES, _
from custtui.models import Installation, Location, Mission, MissionInstallation, MissionKind, MissionStatus, User, stored_id
from custtui.services import audit, validation
from custtui.services.auth import Permission, require
from custtui.services.locations import get_location

ENTITY = "mission"


@dataclass
class MissionInput:
    location_id: int
    kind: str = MissionKind.MAINTENANCE.value
    status: str = MissionStatus.PLANNED.value
    planned_on: date | None = None
    technician: str | None = None
    report_language: str | None = None
    notes: str | None = None
    installation_ids: list[int] = field(default_factory=list)


def add_mission(session: Session, actor: User, customer_id: int, data: MissionInput) -> Mission:
    require(actor, Permission.EDIT)
    errors: dict[str, str] = {}
    validation.check_text_fields({"technician": data.technician, "notes": data.notes}, errors, multiline={"notes"})
    validation.check_max_length(
        {"technician": validation.clean(data.technician), "notes": validation.clean(data.notes)},
        {"technician": 200, "notes": 4000},
        errors,
    )
    location = get_location(session, data.location_id)
    if location.customer_id != customer_id:
        errors["location_id"] = _("That location belongs to another customer.")
    if data.kind not in {kind.value for kind in MissionKind}:
        errors["kind"] = _("Unknown kind of mission: {kind}.").format(kind=data.kind)
    if data.status not in {status.value for status in MissionStatus}:
        errors["status"] = _("Unknown mission status: {status}.").format(status=data.status)
    if data.report_language and data.report_language not in LANGUAGES:
        errors["report_language"] = _("Language must be one of: nl, fr, de, en, or empty.")
    for installation_id in data.installation_ids:
        installation = session.get(Installation, installation_id)
        if installation is None or installation.location_id != data.location_id:
            errors["installation_ids"] = _("Every installation must be at the mission's location.")
    if errors:
        raise ValidationError(errors)
    mission = Mission(
        customer_id=customer_id,
        location_id=data.location_id,
        kind=data.kind,
        status=data.status,
        planned_on=data.planned_on,
        technician=validation.clean(data.technician),
        report_language=data.report_language or None,
        notes=validation.clean(data.notes),
    )
    session.add(mission)
    session.flush()
    for installation_id in data.installation_ids:
        session.add(MissionInstallation(mission_id=stored_id(mission), installation_id=installation_id))
    session.flush()
    audit.record(
        session,
        actor.login,
        ENTITY,
        mission.id,
        "create",
        None,
        {**audit.snapshot(mission), "installation_ids": data.installation_ids},
    )
    return mission


def missions_of_customer(
    session: Session, customer_id: int, limit: int | None = None
) -> list[tuple[Mission, Location]]:
    """The customer's missions with their location, most recent first (undated last)."""
    statement = (
        select(Mission, Location)
        .join(Location, col(Mission.location_id) == Location.id)
        .where(Mission.customer_id == customer_id)
        .order_by(nulls_last(col(Mission.planned_on).desc()), col(Mission.id).desc())
    )
    if limit is not None:
        statement = statement.limit(limit)
    return list(session.exec(statement).all())
