"""The rows a merge reads and writes: the tables, set-based reads, chunked and counted UPDATEs, JSON copies.

apply and undo write with set-based statements that name the values they
expect to find; `update_counted` is the one place that checks that each
changed exactly the rows it meant to.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Date, DateTime, Table, or_, select, update
from sqlmodel import Session, col

from custtui.i18n import _
from custtui.models import (
    Building,
    Contact,
    Customer,
    CustomerLabel,
    Installation,
    JournalNote,
    Label,
    Location,
    MergeRecord,
    Mission,
    stored_id,
    table_of,
)

CHUNK = 500  # ids per UPDATE ... WHERE id IN (...)

CUSTOMERS: Table = table_of(Customer)
LOCATIONS: Table = table_of(Location)
BUILDINGS: Table = table_of(Building)
INSTALLATIONS: Table = table_of(Installation)
MISSIONS: Table = table_of(Mission)
CUSTOMER_LABELS: Table = table_of(CustomerLabel)
CONTACTS: Table = table_of(Contact)
JOURNAL_NOTES: Table = table_of(JournalNote)
# The rows a customer owns that a merge hands to the kept record, each keyed (customer, location).
OWNED: dict[str, Table] = {"contacts": CONTACTS, "notes": JOURNAL_NOTES}
LABELS: Table = table_of(Label)


@dataclass
class MergeState:
    locations: dict[int, Any]  # id -> row (id, customer_id, name, street, number, postal_code, city, country)
    buildings: dict[int, tuple[int, str]]  # id -> (location id, name)
    installations: dict[int, tuple[int, int]]  # id -> (location id, building id)
    missions: dict[int, tuple[int, int]]  # id -> (customer id, location id)
    labels: dict[int, set[int]]  # customer id -> label ids
    # "contacts", "notes" -> id -> (customer id, location id or None)
    owned: dict[str, dict[int, tuple[int, int | None]]] = field(default_factory=dict)

    def locations_of(self, customer_id: int) -> list[Any]:
        return [row for row in self.locations.values() if row.customer_id == customer_id]


def load_state(session: Session, ids: Sequence[int], *, lock: bool = False) -> MergeState:
    """The merged customers' locations, buildings, installations, missions, labels, contacts and notes."""
    connection = session.connection()
    loc, bld, ins, mis, lab = LOCATIONS.c, BUILDINGS.c, INSTALLATIONS.c, MISSIONS.c, CUSTOMER_LABELS.c
    located = select(loc.id).where(loc.customer_id.in_(ids))
    statement = (
        select(loc.id, loc.customer_id, loc.name, loc.street, loc.number, loc.postal_code, loc.city, loc.country)
        .where(loc.customer_id.in_(ids))
        .order_by(loc.id)
    )
    if lock:
        statement = statement.with_for_update()  # PostgreSQL: no new installation/mission/move here meanwhile
    locations = {row.id: row for row in connection.execute(statement)}
    buildings = {
        row.id: (row.location_id, row.name)
        for row in connection.execute(
            select(bld.id, bld.location_id, bld.name).where(bld.location_id.in_(located)).order_by(bld.id)
        )
    }
    installations = {
        row.id: (row.location_id, row.building_id)
        for row in connection.execute(
            select(ins.id, ins.location_id, ins.building_id).where(ins.location_id.in_(located)).order_by(ins.id)
        )
    }
    missing = {b for _l, b in installations.values() if b not in buildings}
    if missing:  # an installation whose building is elsewhere (should not happen): its name still maps
        for row in connection.execute(select(bld.id, bld.location_id, bld.name).where(bld.id.in_(missing))):
            buildings[row.id] = (row.location_id, row.name)
    missions = {
        row.id: (row.customer_id, row.location_id)
        for row in connection.execute(
            select(mis.id, mis.customer_id, mis.location_id)
            .where(or_(mis.customer_id.in_(ids), mis.location_id.in_(located)))
            .order_by(mis.id)
        )
    }
    labels: dict[int, set[int]] = {cid: set() for cid in ids}
    for link in connection.execute(select(lab.customer_id, lab.label_id).where(lab.customer_id.in_(ids))):
        labels[link.customer_id].add(link.label_id)
    owned = {
        kind: {
            row.id: (row.customer_id, row.location_id)
            for row in connection.execute(
                select(table.c.id, table.c.customer_id, table.c.location_id)
                .where(table.c.customer_id.in_(ids))
                .order_by(table.c.id)
            )
        }
        for kind, table in OWNED.items()
    }
    return MergeState(locations, buildings, installations, missions, labels, owned)


def fingerprints(state: MergeState, ids: Sequence[int]) -> dict[int, str]:
    items: dict[int, list[str]] = {cid: [] for cid in ids}
    owner = {lid: row.customer_id for lid, row in state.locations.items()}
    for row in state.locations.values():
        items[row.customer_id].append(f"L{tuple(row)!r}")
    for iid, (lid, bid) in state.installations.items():
        items[owner[lid]].append(f"I{iid},{lid},{bid}")
    for mid, (cid, lid) in state.missions.items():
        line = f"M{mid},{cid},{lid}"
        for holder in {cid, owner.get(lid, cid)} & items.keys():
            items[holder].append(line)
    for cid, labels in state.labels.items():
        items[cid].append(f"T{sorted(labels)}")
    return {cid: hashlib.sha256("\n".join(lines).encode()).hexdigest()[:24] for cid, lines in items.items()}


def record_counts(state: MergeState, ids: Sequence[int]) -> dict[int, tuple[int, int, int]]:
    owner = {lid: row.customer_id for lid, row in state.locations.items()}
    locations: dict[int, int] = defaultdict(int)
    installations: dict[int, int] = defaultdict(int)
    missions: dict[int, int] = defaultdict(int)
    for row in state.locations.values():
        locations[row.customer_id] += 1
    for lid, _b in state.installations.values():
        installations[owner[lid]] += 1
    for cid, _l in state.missions.values():
        missions[cid] += 1
    return {cid: (locations[cid], installations[cid], missions[cid]) for cid in ids}


def existing_customers(session: Session, ids: Sequence[int]) -> set[int]:
    if not ids:
        return set()
    return set(session.connection().execute(select(CUSTOMERS.c.id).where(CUSTOMERS.c.id.in_(list(ids)))).scalars())


def begin_writing(session: Session, merge_id: int | None = None, customer_ids: Sequence[int] = ()) -> None:
    """SQLite: take the write lock now, so what is checked next cannot change before it is written.

    pysqlite starts a transaction only at the first write; reads before it
    each see the latest commit. A write that changes nothing starts it (and,
    in WAL mode, fails at once if someone committed since our last read).
    PostgreSQL locks rows with SELECT ... FOR UPDATE instead.
    """
    if session.connection().dialect.name != "sqlite":
        return
    if merge_id is not None:
        table = table_of(MergeRecord)
        session.connection().execute(update(table).where(table.c.id == merge_id).values(undone_at=table.c.undone_at))
    elif customer_ids:
        session.connection().execute(update(CUSTOMERS).where(CUSTOMERS.c.id.in_(list(customer_ids))).values(version=CUSTOMERS.c.version))


def load_customers(session: Session, ids: Sequence[int], *, lock: bool = False) -> dict[int, Customer]:
    statement = select(Customer).where(col(Customer.id).in_(ids)).execution_options(populate_existing=True)
    if lock:
        statement = statement.with_for_update()
    return {stored_id(customer): customer for customer in session.scalars(statement)}


def json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def row_json(table: Table, row: Any) -> dict[str, Any]:
    return {column.name: json_value(row._mapping[column.name]) for column in table.columns}


def row_from_json(table: Table, data: dict[str, Any]) -> dict[str, Any]:
    values = {}
    for column in table.columns:
        value = data.get(column.name)
        if value is not None and isinstance(column.type, DateTime):
            value = datetime.fromisoformat(value)
        elif value is not None and isinstance(column.type, Date):
            value = date.fromisoformat(value)
        values[column.name] = value
    return values


def rows_json(session: Session, table: Table, condition: Any) -> list[dict[str, Any]]:
    primary = list(table.primary_key.columns)
    rows = session.connection().execute(select(table).where(condition).order_by(*primary))
    return [row_json(table, row) for row in rows]


def chunks(ids: list[int], size: int | None = None) -> Iterable[list[int]]:
    size = size or CHUNK
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def name_list(names: dict[int, str], ids: Iterable[int]) -> str:
    return ", ".join(_("{name} (#{id})").format(name=names.get(cid, "?"), id=cid) for cid in ids)


def expire_loaded(session: Session) -> None:
    """Forget what the session holds of rows changed by set-based statements."""
    for instance in list(session.identity_map.values()):
        if isinstance(instance, Customer | Location | Building | Installation | Mission | CustomerLabel):
            session.expire(instance)


def update_counted(
    connection: Connection,
    table: Table,
    ids: Sequence[int],
    where: Sequence[ColumnElement[bool]],
    values: dict[str, Any],
    refused: Callable[[], Exception],
    on_chunk: Callable[[int], None] | None = None,
) -> int:
    """UPDATE the rows `ids` of `table` that still match `where`, in chunks; returns how many.

    A chunk that changes fewer rows than it names means someone changed one
    meanwhile: `refused()` is raised, and the caller's transaction rolls back.
    `on_chunk(size)` follows each chunk (progress).
    """
    total = 0
    for chunk in chunks(list(ids)):
        result = connection.execute(update(table).where(table.c.id.in_(chunk), *where).values(values))
        if result.rowcount != len(chunk):
            raise refused()
        total += len(chunk)
        if on_chunk is not None:
            on_chunk(len(chunk))
    return total
