"""What the detail screen shows of one customer, read in one unit of work."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from custtui.errors import LinkedCounts
from custtui.models import Customer, Label, Location, Mission, Region, User
from custtui.services import contacts, customers, labels, locations, missions, notes, permissions, regions
from custtui.services.contacts import ContactEntry
from custtui.services.notes import NoteEntry

LAST_MISSIONS = 5
LAST_NOTES = 3


@dataclass(frozen=True)
class CustomerDetail:
    customer: Customer
    region: Region | None  # None for a region code the database does not know
    labels: list[Label]
    locations: list[Location]
    counts: LinkedCounts
    last_missions: list[tuple[Mission, Location]]  # most recent first, at most LAST_MISSIONS
    last_notes: list[NoteEntry]  # the journal's newest, at most LAST_NOTES
    contacts: list[ContactEntry]
    note_count: int
    edit_refusal: str | None = None  # why the viewer may not change it (services.permissions); None: they may


def customer_detail(
    session: Session, customer_id: int, *, last_missions: int = LAST_MISSIONS, viewer: User | None = None
) -> CustomerDetail:
    """One customer with its region, labels, sites, contacts, linked counts, last missions and notes; NotFound if gone.

    With a `viewer`, also whether they may change it.
    """
    customer = customers.get_customer(session, customer_id)
    journal = notes.list_notes(session, customer_id)
    return CustomerDetail(
        customer=customer,
        region=regions.get_region(session, customer.region_code),
        labels=labels.labels_of(session, customer_id),
        locations=locations.locations_of(session, customer_id),
        counts=customers.linked_counts(session, customer_id),
        last_missions=missions.missions_of_customer(session, customer_id, limit=last_missions),
        last_notes=journal[:LAST_NOTES],
        note_count=len(journal),
        contacts=contacts.contacts_of(session, customer_id),
        edit_refusal=permissions.edit_refusal(session, viewer, customer) if viewer is not None else None,
    )
