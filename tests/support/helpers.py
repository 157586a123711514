"""Small builders shared by the service tests."""

from __future__ import annotations

import os
import pwd

from sqlmodel import Session

from custtui.models import Customer, Installation, Location, Mission, User
from custtui.services import customers, installations, locations, missions
from custtui.services.customers import CustomerInput
from custtui.services.installations import InstallationInput
from custtui.services.locations import LocationInput
from custtui.services.missions import MissionInput


def make_customer(session: Session, actor: User, name: str = "Bakkerij Peeters", **fields: object) -> Customer:
    data = CustomerInput(name=name, region_code=str(fields.pop("region_code", "BE-VLG")), **fields)  # type: ignore[arg-type]
    customer = customers.create_customer(session, actor, data)
    session.commit()
    return customer


def make_location(session: Session, actor: User, customer: Customer, **fields: object) -> Location:
    values: dict[str, object] = {"street": "Kerkstraat", "number": "12", "postal_code": "2000", "city": "Antwerpen"}
    values.update(fields)
    location = locations.add_location(session, actor, customer.id, LocationInput(**values))  # type: ignore[arg-type]
    session.commit()
    return location


def make_installation(session: Session, actor: User, location: Location, **fields: object) -> Installation:
    values: dict[str, object] = {"kind": "boiler", "brand": "Vaillant", "model": "ecoTEC plus", "serial_number": "S-1"}
    values.update(fields)
    installation = installations.add_installation(session, actor, location.id, InstallationInput(**values))  # type: ignore[arg-type]
    session.commit()
    return installation


def make_mission(session: Session, actor: User, customer: Customer, location: Location, **fields: object) -> Mission:
    mission = missions.add_mission(session, actor, customer.id, MissionInput(location_id=location.id, **fields))  # type: ignore[arg-type]
    session.commit()
    return mission


def edit_customer(session: Session, actor: User, customer_id: int, **changes: object) -> Customer:
    """Save changes over the customer's current version, as a user of the form would."""
    current = customers.get_customer(session, customer_id)
    data = CustomerInput.from_customer(current)
    for name, value in changes.items():
        setattr(data, name, value)
    customer = customers.update_customer(session, actor, customer_id, data, current.version)
    session.commit()
    return customer


def add_me(session: Session, role: str = "admin") -> User:
    """The OS login running the tests, as a user of this database: what a CLI command signs in as."""
    me = User(login=pwd.getpwuid(os.geteuid()).pw_name, display_name="Me", role=role)
    session.add(me)
    session.commit()
    return me
