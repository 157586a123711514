"""What duplicate detection reads from the database and keeps in it: customers as records, the learned parameters.

Apart from the rest of the package so that the import's duplicate check
process (duplicates.drafts.serve), which holds no database, does not load
SQLAlchemy and the models: some 40 MB of its memory.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator

from sqlalchemy import func, select
from sqlmodel import Session

from custtui.models import Contact, Customer, Location, MatchModel, table_of
from custtui.services.building import customer_pages
from custtui.services.duplicates.model import MatchParameters
from custtui.services.duplicates.records import Record, records_from_rows


def load_records(
    session: Session, customer_ids: Collection[int] | None = None, *, include_marked: bool = False
) -> tuple[list[Record], int]:
    """Customers with their location addresses and contacts' phones and e-mails (in chunks when ids are given)."""
    c, loc, person = table_of(Customer).c, table_of(Location).c, table_of(Contact).c
    customer_query = select(c.id, c.name, c.internal_name, c.customer_number, c.vat_number, c.email, c.phone)
    if not include_marked:  # merged away or given up: nobody's duplicate
        customer_query = customer_query.where(c.marked_error.is_(False))
    location_query = select(loc.customer_id, loc.street, loc.number, loc.postal_code, loc.city)
    contact_query = select(person.customer_id, person.phone, person.mobile, person.email)
    if customer_ids is None:
        customer_rows = session.execute(customer_query).all()
        location_rows = session.execute(location_query).all()
        contact_rows = session.execute(contact_query).all()
    else:
        ids = sorted(set(customer_ids))
        customer_rows, location_rows, contact_rows = [], [], []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            customer_rows += session.execute(customer_query.where(c.id.in_(chunk))).all()
            location_rows += session.execute(location_query.where(loc.customer_id.in_(chunk))).all()
            contact_rows += session.execute(contact_query.where(person.customer_id.in_(chunk))).all()
    return records_from_rows(customer_rows, location_rows, contact_rows), len(location_rows)


RECORD_CHUNK = 20_000  # customers per chunk of iter_record_chunks: a few tens of MB of rows and records at a time


def iter_record_chunks(session: Session, chunk_size: int = RECORD_CHUNK) -> Iterator[list[Record]]:
    """The customers load_records gives (the marked ones left out), in id order, `chunk_size` at a time.

    Two SELECTs per chunk (the next customers by id, then the locations of
    that id range, by customer and location id), so that only one chunk of
    rows and records is in memory at once (DuplicateIndex.build).
    """
    c, loc = table_of(Customer).c, table_of(Location).c
    customer_query = (
        select(c.id, c.name, c.internal_name, c.customer_number, c.vat_number, c.email, c.phone)
        .where(c.marked_error.is_(False))
        .order_by(c.id)
    )
    location_query = select(loc.customer_id, loc.street, loc.number, loc.postal_code, loc.city).order_by(
        loc.customer_id, loc.id
    )
    person = table_of(Contact).c
    contact_query = select(person.customer_id, person.phone, person.mobile, person.email)
    for customer_rows, location_rows in customer_pages(
        session, customer_query, location_query, c.id, loc.customer_id, chunk_size
    ):
        first, last = customer_rows[0][0], customer_rows[-1][0]
        contact_rows = session.execute(contact_query.where(person.customer_id.between(first, last))).all()
        yield records_from_rows(customer_rows, location_rows, contact_rows)


def stored_parameters(session: Session) -> MatchParameters | None:
    """The parameters last estimated on this database, if any (and readable by this version)."""
    table = table_of(MatchModel)
    row = session.execute(select(table.c.parameters).order_by(table.c.id.desc()).limit(1)).first()
    return MatchParameters.from_json(row[0]) if row is not None and isinstance(row[0], dict) else None


def store_parameters(session: Session, parameters: MatchParameters) -> None:
    """Keep `parameters` as this database's (the older rows go: only the last one is read)."""
    table = table_of(MatchModel)
    session.execute(table.delete())
    session.add(MatchModel(customer_count=parameters.customers, parameters=parameters.to_json()))
    session.flush()


def customer_count(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(table_of(Customer))).scalar_one())
