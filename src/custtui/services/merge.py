"""Merging duplicate customers: a plan (pure data), one transaction to apply it, undo.

The manual: choose the right record (by default the one with the most
installations and missions), mark the wrong ones (their name gets the
localised word ERROR), add their missing locations to the right record, move
each of their installations to the matching location of the right record;
the wrong, now empty, records can then be deleted.

    plan = plan_merge(session, actor, [12, 57, 301])     # (a)-(e): the wizard shows and edits it
    plan.choose_field("email", 57); plan.map_location(880, None)
    merge_id = apply_merge(session, actor, plan)          # (f): one transaction; commit is the caller's
    delete_merged(session, actor, merge_id)               # the emptied ERROR records
    undo_merge(session, actor, merge_id)                  # exactly as before, even after delete_merged

Locations. Each location of the other records is either mapped to a location
that the kept record will have (its installations and missions move there,
the emptied location stays with the ERROR record until delete_merged), or
added to the kept record as it is (target None: the row is re-parented, with
its id, buildings, installations and missions). A target is a location of
the kept record or, when the kept record lacks that address, a location of
another merged record that is itself added as new (so three records sharing
one address the kept record lacks end with one location, not three).

Address matching (`address_score`, 0-100) reuses the normalisation of
services.duplicates: the same country, the same postal code (or, without
one, the same city), the street at least 88 % alike once normalised
("Kerkstraat" = "Kerkstr.", "Rue de l'Église" = "r. de l'eglise"), and the
house number ("12 bus 3" = "12/3"). Score = 60 % street + 40 % number, where
the number scores 100 when equal, 75 when only a box is missing on one side,
40 for another box at the same house number, 50 when one side has none, 0
otherwise. A location is matched automatically at MATCH_THRESHOLD (85) or
more: same street and number, or same street with one box missing, or a
slightly misspelled street with the same number.

Safety. apply_merge refuses a stale plan (StalePlan, naming the records): a
customer's version changed, or the locations (with their addresses),
installations, missions or labels of a merged customer are not those the plan
was made from (a digest per customer, kept in the plan). On PostgreSQL the
customers and their locations are locked (SELECT ... FOR UPDATE) before that
check, so nobody adds an installation or a mission meanwhile. Every set-based
UPDATE also names the values it expects and counts the rows it changed. On
any exception the caller rolls back (session_scope does): nothing is written
outside that one transaction.

Undo data (MergeRecord.undo, JSON) - see `undo_merge`:
    keep / others: each customer's full row before the merge and its version
        right after. Undo restores every column exactly (fields, created_at,
        updated_at) except the version number, which moves on (+1) as for
        any save: it never goes back, or a form opened on the merged record
        could save over a later edit that reached the same number again;
    labels_added: label links added to the kept record;
    locations: [location id, customer id before] re-parented to the kept record;
    contents: per re-parented location, the installation, mission and
        building ids there right after the merge (undo refuses if that changed);
    buildings_created: default buildings created at a target that had none;
    installations: [location, building before, location, building after, [ids]];
    missions: [customer, location before, customer, location after, [ids]];
    deleted: filled by delete_merged, the deleted records in full (customer
        row, locations, buildings, label ids) so undo can recreate them.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import Date, DateTime, Table, delete, insert, or_, select, update
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from custtui.errors import DeleteRefused, DomainError, NotFound
from custtui.i18n import _, ngettext
from custtui.models import (
    Building,
    Customer,
    CustomerLabel,
    DuplicateDismissal,
    Installation,
    Label,
    Location,
    MergeRecord,
    Mission,
    User,
    utcnow,
)
from custtui.services import audit, customers
from custtui.services.auth import Permission, require
from custtui.services.duplicates import fold, normalise_house_number, normalise_street
from custtui.services.marks import mark_error

ENTITY = "customer"
FIELDS = (
    "name",
    "internal_name",
    "customer_number",
    "region_code",
    "language",
    "vat_number",
    "email",
    "phone",
    "notes",
)
MATCH_THRESHOLD = 85.0
STREET_MIN = 88.0  # street similarity (0-100) below which two streets are different streets
CHUNK = 500  # ids per UPDATE ... WHERE id IN (...)
_LISTED = 8  # records named in a refusal message, the rest counted

_C: Table = Customer.__table__  # type: ignore[attr-defined]
_L: Table = Location.__table__  # type: ignore[attr-defined]
_B: Table = Building.__table__  # type: ignore[attr-defined]
_I: Table = Installation.__table__  # type: ignore[attr-defined]
_M: Table = Mission.__table__  # type: ignore[attr-defined]
_CL: Table = CustomerLabel.__table__  # type: ignore[attr-defined]
_LABEL: Table = Label.__table__  # type: ignore[attr-defined]


# --------------------------------------------------------------------------
# Errors.
# --------------------------------------------------------------------------


class MergeRefused(DomainError):
    """The request itself is not possible (fewer than two records, a bad choice...)."""


class StalePlan(DomainError):
    """A record changed between planning and applying; `customer_ids` names them."""

    def __init__(self, message: str, customer_ids: Sequence[int] = ()) -> None:
        super().__init__(message)
        self.customer_ids = list(customer_ids)


class UndoRefused(DomainError):
    """The merge cannot be undone exactly; `problems` says which records, one line each."""

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


# --------------------------------------------------------------------------
# The plan.
# --------------------------------------------------------------------------


@dataclass
class FieldChoice:
    """A customer field whose values differ: which record's value the kept record gets."""

    field: str
    values: dict[int, Any]  # customer id -> value; the kept record first, then the others in plan order
    chosen_from: int  # customer id whose value wins


@dataclass
class LocationMatch:
    """Where a location of another record goes."""

    location_id: int
    customer_id: int
    address: str
    target_id: int | None  # None: added to the kept record as a new location
    score: float  # address score (0-100) of the target, 0 when added as new
    candidates: list[tuple[int, str, float]]  # (location id, address, score), best first


@dataclass
class MergePreview:
    locations_added: int
    locations_mapped: int
    installations_moved: int
    missions_moved: int
    fields_changed: int
    labels_added: int
    records_marked: int


@dataclass
class MergePlan:
    keep_id: int
    other_ids: list[int]
    names: dict[int, str]
    versions: dict[int, int]
    counts: dict[int, tuple[int, int, int]]  # customer id -> (locations, installations, missions)
    fields: list[FieldChoice]
    labels_added: list[int]
    locations: list[LocationMatch]
    planned_at: datetime
    # What each customer's locations, installations, missions and labels were
    # at planning time (a digest), to refuse applying a stale plan.
    fingerprints: dict[int, str] = field(default_factory=dict)

    @property
    def customer_ids(self) -> list[int]:
        return [self.keep_id, *self.other_ids]

    def preview(self) -> MergePreview:
        added = sum(1 for match in self.locations if match.target_id is None)
        return MergePreview(
            locations_added=added,
            locations_mapped=len(self.locations) - added,
            installations_moved=sum(self.counts[c][1] for c in self.other_ids),
            missions_moved=sum(self.counts[c][2] for c in self.other_ids),
            fields_changed=sum(
                1 for choice in self.fields if _value(choice.values[choice.chosen_from]) != _value(choice.values[self.keep_id])
            ),
            labels_added=len(self.labels_added),
            records_marked=len(self.other_ids),
        )

    def field_choice(self, field_name: str) -> FieldChoice:
        for choice in self.fields:
            if choice.field == field_name:
                return choice
        raise ValueError(f"no choice for field {field_name!r}: its values do not differ")

    def choose_field(self, field_name: str, customer_id: int) -> None:
        """The kept record takes `field_name` from `customer_id`."""
        choice = self.field_choice(field_name)
        if customer_id not in choice.values:
            raise ValueError(f"customer {customer_id} is not in this merge")
        choice.chosen_from = customer_id

    def chosen_values(self) -> dict[str, Any]:
        """The fields the kept record will have that differ from its own now."""
        return {
            choice.field: choice.values[choice.chosen_from]
            for choice in self.fields
            if _value(choice.values[choice.chosen_from]) != _value(choice.values[self.keep_id])
        }

    def location_match(self, location_id: int) -> LocationMatch:
        for match in self.locations:
            if match.location_id == location_id:
                return match
        raise ValueError(f"location {location_id} is not a location of the other records")

    def map_location(self, location_id: int, target_id: int | None) -> None:
        """Send a location of another record to `target_id`, or None: add it as a new location.

        A target may be a location of the kept record or a location of
        another merged record; the latter is followed to where it goes (if
        that one is added as new, both end up as one location). Choosing a
        location that was itself mapped here swaps the two.
        """
        match = self.location_match(location_id)
        if target_id is None:
            match.target_id, match.score = None, 0.0
            return
        if target_id == location_id:
            raise ValueError("a location cannot be mapped onto itself")
        others = {m.location_id: m for m in self.locations}
        valid = {c[0] for c in match.candidates} | {
            m.location_id for m in self.locations if m.customer_id != match.customer_id
        }
        if target_id not in valid:
            raise ValueError(f"location {target_id} is not a possible target")
        final = target_id
        if final in others:
            target = others[final]
            if target.target_id == location_id:
                target.target_id, target.score = None, 0.0  # swap: the chosen one stays, this one maps onto it
            elif target.target_id is not None:
                final = target.target_id
        match.target_id = final
        match.score = next((score for cid, _a, score in match.candidates if cid == final), 0.0)
        for follower in self.locations:  # those that went to this location go where it goes now
            if follower.target_id == location_id:
                follower.target_id = final
                follower.score = next((s for cid, _a, s in follower.candidates if cid == final), 0.0)

    # -- JSON ----------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe (dict keys become strings in JSON; from_dict turns them back)."""
        data = asdict(self)
        data["planned_at"] = self.planned_at.isoformat()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MergePlan:
        def ints(mapping: dict[Any, Any]) -> dict[int, Any]:
            return {int(key): value for key, value in mapping.items()}

        return cls(
            keep_id=int(data["keep_id"]),
            other_ids=[int(i) for i in data["other_ids"]],
            names=ints(data["names"]),
            versions={int(k): int(v) for k, v in data["versions"].items()},
            counts={int(k): tuple(v) for k, v in data["counts"].items()},  # type: ignore[misc]
            fields=[
                FieldChoice(f["field"], ints(f["values"]), int(f["chosen_from"])) for f in data["fields"]
            ],
            labels_added=[int(i) for i in data["labels_added"]],
            locations=[
                LocationMatch(
                    location_id=int(m["location_id"]),
                    customer_id=int(m["customer_id"]),
                    address=m["address"],
                    target_id=None if m["target_id"] is None else int(m["target_id"]),
                    score=float(m["score"]),
                    candidates=[(int(c[0]), str(c[1]), float(c[2])) for c in m["candidates"]],
                )
                for m in data["locations"]
            ],
            planned_at=datetime.fromisoformat(data["planned_at"]),
            fingerprints=ints(data.get("fingerprints", {})),
        )


@dataclass
class MergeSummary:
    id: int
    at: datetime
    user_login: str
    keep_id: int
    keep_name: str
    other_ids: list[int]
    other_names: list[str]
    undone: bool
    undone_at: datetime | None = None
    deleted_ids: list[int] = field(default_factory=list)


def _value(value: Any) -> Any:
    """None for an empty value, so '' and None count as the same."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return value


# --------------------------------------------------------------------------
# Addresses.
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Address:
    postal: str
    street: str
    number: str
    house: str
    city: str
    country: str
    name: str


_DIGITS = re.compile(r"\d+")


def _words(text: str | None) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", fold(text or "")))


def _address(row: Any) -> _Address:
    number = normalise_house_number(row.number)
    digits = _DIGITS.match(number)
    return _Address(
        postal=re.sub(r"\s", "", row.postal_code or "").upper(),
        street=normalise_street(row.street),
        number=number,
        house=digits.group() if digits else "",
        city=_words(row.city),
        country=(row.country or "").strip().upper(),
        name=_words(row.name),
    )


def _score(a: _Address, b: _Address) -> float:
    if a.country and b.country and a.country != b.country:
        return 0.0
    if a.postal and b.postal:
        if a.postal != b.postal:
            return 0.0
    elif a.city and b.city and fuzz.ratio(a.city, b.city) < STREET_MIN:
        return 0.0
    if a.street and b.street:
        street = fuzz.ratio(a.street, b.street)
    elif not a.street and not b.street and a.name and b.name:
        street = fuzz.ratio(a.name, b.name)  # sites known by name only
    else:
        street = 0.0
    if street < STREET_MIN:
        street = 0.0
    if a.number == b.number:
        number = 100.0
    elif a.house and a.house == b.house:
        number = 75.0 if (a.number == a.house or b.number == b.house) else 40.0
    elif not a.number or not b.number:
        number = 50.0
    else:
        number = 0.0
    return round(0.6 * street + 0.4 * number, 1)


def address_score(a: Location | Any, b: Location | Any) -> float:
    """How alike two locations' addresses are, 0-100 (see the module doc); match at MATCH_THRESHOLD."""
    return _score(_address(a), _address(b))


def address_label(row: Any) -> str:
    text = " ".join(f"{row.street or ''} {row.number or ''}, {row.postal_code or ''} {row.city or ''}".split()).strip(" ,")
    if row.name and text:
        return f"{text} ({row.name})"
    return text or row.name or f"#{row.id}"


def _building_key(name: str | None) -> str:
    return _words(name)


# --------------------------------------------------------------------------
# The state of the merged customers, read in a few set-based queries.
# --------------------------------------------------------------------------


@dataclass
class _State:
    locations: dict[int, Any]  # id -> row (id, customer_id, name, street, number, postal_code, city, country)
    buildings: dict[int, tuple[int, str]]  # id -> (location id, name)
    installations: dict[int, tuple[int, int]]  # id -> (location id, building id)
    missions: dict[int, tuple[int, int]]  # id -> (customer id, location id)
    labels: dict[int, set[int]]  # customer id -> label ids

    def locations_of(self, customer_id: int) -> list[Any]:
        return [row for row in self.locations.values() if row.customer_id == customer_id]


def _load_state(session: Session, ids: Sequence[int], *, lock: bool = False) -> _State:
    connection = session.connection()
    located = select(_L.c.id).where(_L.c.customer_id.in_(ids))
    statement = (
        select(_L.c.id, _L.c.customer_id, _L.c.name, _L.c.street, _L.c.number, _L.c.postal_code, _L.c.city, _L.c.country)
        .where(_L.c.customer_id.in_(ids))
        .order_by(_L.c.id)
    )
    if lock:
        statement = statement.with_for_update()  # PostgreSQL: no new installation/mission/move here meanwhile
    locations = {row.id: row for row in connection.execute(statement)}
    buildings = {
        row.id: (row.location_id, row.name)
        for row in connection.execute(
            select(_B.c.id, _B.c.location_id, _B.c.name).where(_B.c.location_id.in_(located)).order_by(_B.c.id)
        )
    }
    installations = {
        row.id: (row.location_id, row.building_id)
        for row in connection.execute(
            select(_I.c.id, _I.c.location_id, _I.c.building_id).where(_I.c.location_id.in_(located)).order_by(_I.c.id)
        )
    }
    missing = {b for _l, b in installations.values() if b not in buildings}
    if missing:  # an installation whose building is elsewhere (should not happen): its name still maps
        for row in connection.execute(select(_B.c.id, _B.c.location_id, _B.c.name).where(_B.c.id.in_(missing))):
            buildings[row.id] = (row.location_id, row.name)
    missions = {
        row.id: (row.customer_id, row.location_id)
        for row in connection.execute(
            select(_M.c.id, _M.c.customer_id, _M.c.location_id)
            .where(or_(_M.c.customer_id.in_(ids), _M.c.location_id.in_(located)))
            .order_by(_M.c.id)
        )
    }
    labels: dict[int, set[int]] = {cid: set() for cid in ids}
    for row in connection.execute(select(_CL.c.customer_id, _CL.c.label_id).where(_CL.c.customer_id.in_(ids))):
        labels[row.customer_id].add(row.label_id)
    return _State(locations, buildings, installations, missions, labels)


def _fingerprints(state: _State, ids: Sequence[int]) -> dict[int, str]:
    items: dict[int, list[str]] = {cid: [] for cid in ids}
    owner = {lid: row.customer_id for lid, row in state.locations.items()}
    for lid, row in state.locations.items():
        items[row.customer_id].append(f"L{tuple(row)!r}")
    for iid, (lid, bid) in state.installations.items():
        items[owner[lid]].append(f"I{iid},{lid},{bid}")
    for mid, (cid, lid) in state.missions.items():
        line = f"M{mid},{cid},{lid}"
        holders = {cid, owner.get(lid)} & items.keys()
        for holder in holders:
            items[holder].append(line)
    for cid, labels in state.labels.items():
        items[cid].append(f"T{sorted(labels)}")
    return {cid: hashlib.sha256("\n".join(lines).encode()).hexdigest()[:24] for cid, lines in items.items()}


def _counts(state: _State, ids: Sequence[int]) -> dict[int, tuple[int, int, int]]:
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


def _existing_customers(session: Session, ids: Sequence[int]) -> set[int]:
    if not ids:
        return set()
    return set(session.connection().execute(select(_C.c.id).where(_C.c.id.in_(list(ids)))).scalars())


def _begin_writing(session: Session, merge_id: int | None = None, customer_ids: Sequence[int] = ()) -> None:
    """SQLite: take the write lock now, so what is checked next cannot change before it is written.

    pysqlite starts a transaction only at the first write; reads before it
    each see the latest commit. A write that changes nothing starts it (and,
    in WAL mode, fails at once if someone committed since our last read).
    PostgreSQL locks rows with SELECT ... FOR UPDATE instead.
    """
    if session.connection().dialect.name != "sqlite":
        return
    if merge_id is not None:
        table = MergeRecord.__table__  # type: ignore[attr-defined]
        session.connection().execute(update(table).where(table.c.id == merge_id).values(undone_at=table.c.undone_at))
    elif customer_ids:
        session.connection().execute(update(_C).where(_C.c.id.in_(list(customer_ids))).values(version=_C.c.version))


def _load_customers(session: Session, ids: Sequence[int], *, lock: bool = False) -> dict[int, Customer]:
    statement = select(Customer).where(Customer.id.in_(ids)).execution_options(populate_existing=True)  # type: ignore[union-attr]
    if lock:
        statement = statement.with_for_update()
    return {customer.id: customer for customer in session.scalars(statement)}  # type: ignore[misc]


# --------------------------------------------------------------------------
# Planning.
# --------------------------------------------------------------------------


def plan_merge(session: Session, actor: User, customer_ids: Sequence[int], keep_id: int | None = None) -> MergePlan:
    """The merge of these customers as data; nothing is written.

    `keep_id` defaults to the record with the most installations plus
    missions (ties: the lowest id). The other records follow in that same
    order; it decides which value fills an empty field of the kept record.
    """
    require(actor, Permission.MERGE)
    ids = list(dict.fromkeys(int(i) for i in customer_ids))
    if len(ids) < 2:
        raise MergeRefused(_("Choose at least two different customers to merge."))
    if keep_id is not None and keep_id not in ids:
        raise MergeRefused(_("The record to keep must be one of the records merged."))
    session.flush()
    found = _load_customers(session, ids)
    for customer_id in ids:
        if customer_id not in found:
            raise NotFound(_("Customer {id} does not exist.").format(id=customer_id))
    state = _load_state(session, ids)
    counts = _counts(state, ids)
    ranking = sorted(ids, key=lambda c: (-(counts[c][1] + counts[c][2]), c))
    keep = keep_id if keep_id is not None else ranking[0]
    others = [c for c in ranking if c != keep]
    order = [keep, *others]

    choices = []
    for name in FIELDS:
        values = {cid: getattr(found[cid], name) for cid in order}
        if len({_value(v) for v in values.values()}) <= 1:
            continue
        chosen = keep
        if _value(values[keep]) is None:
            chosen = next(cid for cid in others if _value(values[cid]) is not None)
        choices.append(FieldChoice(name, values, chosen))

    united: set[int] = set().union(*(state.labels[c] for c in others))
    return MergePlan(
        keep_id=keep,
        other_ids=others,
        names={cid: found[cid].name for cid in order},
        versions={cid: found[cid].version for cid in order},
        counts={cid: counts[cid] for cid in order},
        fields=choices,
        labels_added=sorted(united - state.labels[keep]),
        locations=_match_locations(state, keep, others),
        planned_at=utcnow(),
        fingerprints=_fingerprints(state, order),
    )


def _match_locations(state: _State, keep: int, others: list[int]) -> list[LocationMatch]:
    kept = state.locations_of(keep)
    theirs = [row for cid in others for row in state.locations_of(cid)]
    addresses = {row.id: _address(row) for row in [*kept, *theirs]}
    labels = {row.id: address_label(row) for row in kept}
    labels.update({row.id: f"{address_label(row)} [#{row.customer_id}]" for row in theirs})
    matches: list[LocationMatch] = []
    added: list[Any] = []  # locations of the others added as new so far
    for row in theirs:
        here = addresses[row.id]
        scored_kept = [(k.id, _score(here, addresses[k.id])) for k in kept]
        scored_theirs = [
            (o.id, _score(here, addresses[o.id])) for o in theirs if o.customer_id != row.customer_id
        ]
        candidates = sorted(
            [(lid, labels[lid], s, 0) for lid, s in scored_kept]
            + [(lid, labels[lid], s, 1) for lid, s in scored_theirs if s >= MATCH_THRESHOLD],
            key=lambda c: (-c[2], c[3], c[0]),
        )
        target, score = None, 0.0
        best_kept = max(scored_kept, key=lambda c: (c[1], -c[0]), default=None)
        if best_kept is not None and best_kept[1] >= MATCH_THRESHOLD:
            target, score = best_kept
        else:
            new_ones = {o.id for o in added if o.customer_id != row.customer_id}
            best_new = max(
                ((lid, s) for lid, s in scored_theirs if lid in new_ones), key=lambda c: (c[1], -c[0]), default=None
            )
            if best_new is not None and best_new[1] >= MATCH_THRESHOLD:
                target, score = best_new
        if target is None:
            added.append(row)
        matches.append(
            LocationMatch(
                location_id=row.id,
                customer_id=row.customer_id,
                address=address_label(row),
                target_id=target,
                score=score,
                candidates=[(lid, label, s) for lid, label, s, _k in candidates],
            )
        )
    return matches


def replan_keep(session: Session, actor: User, plan: MergePlan, keep_id: int) -> MergePlan:
    """The plan for the same records with another record kept (choices start over)."""
    if keep_id not in plan.customer_ids:
        raise MergeRefused(_("The record to keep must be one of the records merged."))
    return plan_merge(session, actor, plan.customer_ids, keep_id=keep_id)


# --------------------------------------------------------------------------
# Applying.
# --------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _row_json(table: Table, row: Any) -> dict[str, Any]:
    return {column.name: _json_value(row._mapping[column.name]) for column in table.columns}


def _row_from_json(table: Table, data: dict[str, Any]) -> dict[str, Any]:
    values = {}
    for column in table.columns:
        value = data.get(column.name)
        if value is not None and isinstance(column.type, DateTime):
            value = datetime.fromisoformat(value)
        elif value is not None and isinstance(column.type, Date):
            value = date.fromisoformat(value)
        values[column.name] = value
    return values


def _rows_json(session: Session, table: Table, condition: Any) -> list[dict[str, Any]]:
    primary = list(table.primary_key.columns)
    rows = session.connection().execute(select(table).where(condition).order_by(*primary))
    return [_row_json(table, row) for row in rows]


def _chunks(ids: list[int], size: int | None = None) -> Iterable[list[int]]:
    size = size or CHUNK
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _name_list(names: dict[int, str], ids: Iterable[int]) -> str:
    return ", ".join(f"{names.get(cid, '?')} (#{cid})" for cid in ids)


def _expire_loaded(session: Session) -> None:
    """Forget what the session holds of rows changed by set-based statements."""
    for instance in list(session.identity_map.values()):
        if isinstance(instance, Customer | Location | Building | Installation | Mission | CustomerLabel):
            session.expire(instance)


def apply_merge(
    session: Session, actor: User, plan: MergePlan, progress: Callable[[int, int], None] | None = None
) -> int:
    """Apply the plan in the session's transaction; returns the merge id. The caller commits.

    `progress(done, total)` is called after the locations are re-parented and
    after each batch of installations or missions moved (rows counted); an
    exception raised there aborts the merge, which the caller rolls back.
    """
    require(actor, Permission.MERGE)
    keep, others = plan.keep_id, list(plan.other_ids)
    ids = [keep, *others]
    others_set = set(others)
    if len(set(ids)) != len(ids) or len(ids) < 2:
        raise MergeRefused(_("Choose at least two different customers to merge."))
    session.flush()
    _begin_writing(session, customer_ids=ids)

    # 1. Lock and check: the plan must still describe the database.
    found = _load_customers(session, ids, lock=True)
    state = _load_state(session, ids, lock=True)
    prints = _fingerprints(state, ids)
    changed = [
        cid
        for cid in ids
        if cid not in found or found[cid].version != plan.versions.get(cid) or prints[cid] != plan.fingerprints.get(cid)
    ]
    if changed:
        raise StalePlan(
            _("These records changed since the merge was planned: {records}. Plan the merge again.").format(
                records=_name_list(plan.names, changed)
            ),
            changed,
        )
    mapping = {match.location_id: match.target_id for match in plan.locations}
    theirs = {lid for lid, row in state.locations.items() if row.customer_id in others_set}
    kept = {lid for lid, row in state.locations.items() if row.customer_id == keep}
    if set(mapping) != theirs:
        raise StalePlan(_("The locations of the records changed since the merge was planned. Plan the merge again."), ids)
    for lid, target in mapping.items():
        if target is not None and not (target in kept or (target in mapping and mapping[target] is None)):
            raise MergeRefused(_("Location {id} is mapped to a location that does not stay.").format(id=lid))
    for choice in plan.fields:
        if choice.field not in FIELDS or choice.chosen_from not in found:
            raise MergeRefused(_("Invalid choice for field {field}.").format(field=choice.field))

    # 2. Customers: the kept record's fields, the others marked. ORM updates,
    # so each is an UPDATE ... WHERE version = the planned one, and bumps it.
    customer_rows = {cid: _rows_json(session, _C, _C.c.id == cid)[0] for cid in ids}
    now = utcnow()
    kept_customer = found[keep]
    changes = {
        choice.field: getattr(found[choice.chosen_from], choice.field)
        for choice in plan.fields
        if choice.chosen_from != keep
    }
    for name, value in changes.items():
        setattr(kept_customer, name, value)
    kept_customer.updated_at = now
    for cid in others:
        found[cid].name = mark_error(found[cid].name)
        found[cid].updated_at = now
    try:
        session.flush()
    except StaleDataError as error:
        raise StalePlan(
            _("These records changed since the merge was planned: {records}. Plan the merge again.").format(
                records=_name_list(plan.names, ids)
            ),
            ids,
        ) from error
    after_versions = {cid: found[cid].version for cid in ids}
    connection = session.connection()

    # 3. Labels united on the kept record.
    labels_added = sorted(set().union(*(state.labels[c] for c in others)) - state.labels[keep])
    if labels_added:
        connection.execute(insert(_CL), [{"customer_id": keep, "label_id": lid} for lid in labels_added])

    # 4. What moves where.
    reparented = sorted(lid for lid, target in mapping.items() if target is None)
    final_location = {lid: (lid if target is None else target) for lid, target in mapping.items()}
    by_name: dict[int, dict[str, int]] = defaultdict(dict)
    first_building: dict[int, int] = {}
    for bid, (lid, name) in sorted(state.buildings.items()):
        if lid in state.locations:
            by_name[lid].setdefault(_building_key(name), bid)
            first_building.setdefault(lid, bid)
    created: list[int] = []

    def building_at(target: int, building_id: int) -> int:
        name = state.buildings.get(building_id, (0, ""))[1]
        found_id = by_name[target].get(_building_key(name))
        if found_id is not None:
            return found_id
        if target not in first_building:
            from custtui.services.locations import default_building_name

            building = Building(location_id=target, name=default_building_name())
            session.add(building)
            session.flush()
            created.append(building.id)  # type: ignore[arg-type]
            first_building[target] = building.id  # type: ignore[assignment]
            by_name[target].setdefault(_building_key(building.name), building.id)  # type: ignore[arg-type]
        return first_building[target]

    installation_moves: dict[tuple[int, int, int, int], list[int]] = defaultdict(list)
    for iid, (lid, bid) in state.installations.items():
        target = mapping.get(lid)
        if target is not None:
            installation_moves[(lid, bid, target, building_at(target, bid))].append(iid)
    mission_moves: dict[tuple[int, int, int, int], list[int]] = defaultdict(list)
    for mid, (cid, lid) in state.missions.items():
        new_customer = keep if cid in others_set else cid
        new_location = mapping.get(lid) or lid
        if (new_customer, new_location) != (cid, lid):
            mission_moves[(cid, lid, new_customer, new_location)].append(mid)

    total = len(reparented) + sum(map(len, installation_moves.values())) + sum(map(len, mission_moves.values()))
    done = 0

    def moved(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, total)

    def stale() -> StalePlan:
        return StalePlan(
            _("These records changed while the merge ran: {records}. Plan the merge again.").format(
                records=_name_list(plan.names, ids)
            ),
            ids,
        )

    # 5. Locations added as new: the row changes owner, with all it holds.
    if reparented:
        for chunk in _chunks(reparented):
            result = connection.execute(
                update(_L).where(_L.c.id.in_(chunk), _L.c.customer_id.in_(others)).values(customer_id=keep)
            )
            if result.rowcount != len(chunk):
                raise stale()
        moved(len(reparented))

    # 6. Installations to their target location and building, set-based.
    for (lid, bid, new_lid, new_bid), iids in installation_moves.items():
        for chunk in _chunks(iids):
            result = connection.execute(
                update(_I)
                .where(_I.c.id.in_(chunk), _I.c.location_id == lid, _I.c.building_id == bid)
                .values(location_id=new_lid, building_id=new_bid)
            )
            if result.rowcount != len(chunk):
                raise stale()
            moved(len(chunk))

    # 7. Missions to the kept customer and the target location.
    for (cid, lid, new_cid, new_lid), mids in mission_moves.items():
        for chunk in _chunks(mids):
            result = connection.execute(
                update(_M)
                .where(_M.c.id.in_(chunk), _M.c.customer_id == cid, _M.c.location_id == lid)
                .values(customer_id=new_cid, location_id=new_lid)
            )
            if result.rowcount != len(chunk):
                raise stale()
            moved(len(chunk))

    # 8. The record of it all, with what undo needs.
    final_installation = {iid: final_location.get(lid, lid) for iid, (lid, _b) in state.installations.items()}
    final_mission = {mid: final_location.get(lid, lid) for mid, (_c, lid) in state.missions.items()}
    reparented_set = set(reparented)
    contents: dict[str, dict[str, list[int]]] = {
        str(lid): {"installations": [], "missions": [], "buildings": []} for lid in reparented
    }
    for iid, lid in final_installation.items():
        if lid in reparented_set:
            contents[str(lid)]["installations"].append(iid)
    for mid, lid in final_mission.items():
        if lid in reparented_set:
            contents[str(lid)]["missions"].append(mid)
    for bid, (lid, _n) in state.buildings.items():
        if lid in reparented_set:
            contents[str(lid)]["buildings"].append(bid)
    for bid in created:
        lid = next(target for target, first in first_building.items() if first == bid)
        if lid in reparented_set:
            contents[str(lid)]["buildings"].append(bid)
    for lists in contents.values():
        for values in lists.values():
            values.sort()
    undo = {
        "format": 1,
        "keep": {"id": keep, "before": customer_rows[keep], "after_version": after_versions[keep]},
        "others": {
            str(cid): {"before": customer_rows[cid], "after_version": after_versions[cid]} for cid in others
        },
        "labels_added": labels_added,
        "locations": [[lid, state.locations[lid].customer_id] for lid in reparented],
        "contents": contents,
        "buildings_created": created,
        "installations": [[*key, ids_] for key, ids_ in installation_moves.items()],
        "missions": [[*key, ids_] for key, ids_ in mission_moves.items()],
        "deleted": {},
    }
    applied = plan.to_dict()
    applied["labels_added"] = labels_added
    record = MergeRecord(user_login=actor.login, keep_id=keep, other_ids=others, plan=applied, undo=undo, at=now)
    session.add(record)
    session.flush()
    preview = plan.preview()
    summary = {
        "merge_id": record.id,
        "keep_id": keep,
        "other_ids": others,
        "fields": sorted(changes),
        "labels_added": labels_added,
        "locations_added": len(reparented),
        "locations_mapped": len(mapping) - len(reparented),
        "installations_moved": sum(map(len, installation_moves.values())),
        "missions_moved": sum(map(len, mission_moves.values())),
        "records_marked": preview.records_marked,
    }
    audit.record(
        session, actor.login, ENTITY, keep, "merge", customer_rows[keep], {**audit.snapshot(kept_customer), "merge": summary}
    )
    for cid in others:
        audit.record(
            session, actor.login, ENTITY, cid, "merge", customer_rows[cid], {**audit.snapshot(found[cid]), "merge": summary}
        )
    session.flush()
    _expire_loaded(session)
    return record.id  # type: ignore[return-value]


# --------------------------------------------------------------------------
# After the merge: delete the emptied records, undo, history.
# --------------------------------------------------------------------------


def _get_record(session: Session, merge_id: int, *, lock: bool = False) -> MergeRecord:
    statement = select(MergeRecord).where(MergeRecord.id == merge_id).execution_options(populate_existing=True)
    if lock:
        statement = statement.with_for_update()
    record = session.scalars(statement).first()
    if record is None:
        raise NotFound(_("Merge {id} does not exist.").format(id=merge_id))
    return record


def delete_merged(session: Session, actor: User, merge_id: int) -> list[int]:
    """Delete the records a merge emptied (customers.delete_customer); returns their ids.

    Each is kept in full in the merge's undo data first (row, locations,
    buildings, labels), so undo_merge can recreate it with the same ids.
    Refused while one of them still has installations or missions; records
    already deleted are skipped. "Not a duplicate" marks are left alone
    (plain ids, see DuplicateDismissal).
    """
    require(actor, Permission.MERGE)
    require(actor, Permission.DELETE)
    session.flush()
    _begin_writing(session, merge_id=merge_id)
    record = _get_record(session, merge_id, lock=True)
    if record.undone_at is not None:
        raise MergeRefused(_("Merge {id} was undone; its records are not deleted.").format(id=merge_id))
    undo = dict(record.undo)
    deleted: dict[str, Any] = dict(undo.get("deleted") or {})
    names = {int(k): v for k, v in record.plan.get("names", {}).items()}
    existing = _existing_customers(session, record.other_ids)
    pending = [cid for cid in record.other_ids if str(cid) not in deleted and cid in existing]
    for cid in pending:
        reason = customers.delete_refusal_reason(customers.linked_counts(session, cid))
        if reason:
            counts = customers.linked_counts(session, cid)
            raise DeleteRefused(f"{names.get(cid, '')} (#{cid}): {reason}", counts)
    now = utcnow().isoformat()
    for cid in pending:
        location_rows = _rows_json(session, _L, _L.c.customer_id == cid)
        location_ids = [row["id"] for row in location_rows]
        deleted[str(cid)] = {
            "customer": _rows_json(session, _C, _C.c.id == cid)[0],
            "locations": location_rows,
            "buildings": _rows_json(session, _B, _B.c.location_id.in_(location_ids)) if location_ids else [],
            "labels": [
                row.label_id
                for row in session.connection().execute(
                    select(_CL.c.label_id).where(_CL.c.customer_id == cid).order_by(_CL.c.label_id)
                )
            ],
            "at": now,
            "by": actor.login,
        }
        customers.delete_customer(session, actor, cid)
    record.undo = {**undo, "deleted": deleted}
    session.add(record)
    if pending:
        audit.record(session, actor.login, "merge", merge_id, "delete_merged", None, {"deleted": pending})
    session.flush()
    return pending


def _listed(problems: list[str]) -> str:
    shown = problems[:_LISTED]
    more = len(problems) - len(shown)
    text = "; ".join(shown)
    if more:
        text += " " + ngettext("and {n} more", "and {n} more", more).format(n=more)
    return text


def _mismatches(
    session: Session, table: Table, columns: tuple[str, str], groups: list[list[Any]], entity: str
) -> list[str]:
    """Rows of `groups` ([a0, b0, a1, b1, ids]) that are no longer at (a1, b1)."""
    problems = []
    connection = session.connection()
    first, second = (table.c[name] for name in columns)
    for _a0, _b0, a1, b1, ids in groups:
        for chunk in _chunks(ids):
            here = {
                row.id: (row[1], row[2])
                for row in connection.execute(select(table.c.id, first, second).where(table.c.id.in_(chunk)))
            }
            for row_id in chunk:
                if row_id not in here:
                    problems.append(_("{entity} {id} was deleted").format(entity=entity, id=row_id))
                elif here[row_id] != (a1, b1):
                    problems.append(_("{entity} {id} was moved").format(entity=entity, id=row_id))
    return problems


def undo_merge(session: Session, actor: User, merge_id: int) -> None:
    """Put every row the merge changed back exactly as it was, in the caller's transaction.

    Every column of every row comes back, and the ids of deleted records;
    only the customers' version numbers move on (+1, see the module doc).

    Refused (UndoRefused, naming the records) when it cannot be exact: the
    merge was undone already; the kept record (or a remaining ERROR record)
    was edited since (its version is not the one the merge left); a moved
    installation or mission is no longer where the merge put it; something
    was added to a location the merge gave to the kept record; an id of a
    deleted record was taken again. Undo the later merges first.
    """
    require(actor, Permission.MERGE)
    session.flush()
    _begin_writing(session, merge_id=merge_id)
    record = _get_record(session, merge_id, lock=True)
    if record.undone_at is not None:
        raise UndoRefused(_("Merge {id} was undone already.").format(id=merge_id))
    undo = record.undo
    keep = int(undo["keep"]["id"])
    others = {int(k): v for k, v in undo["others"].items()}
    deleted = {int(k): v for k, v in (undo.get("deleted") or {}).items()}
    names = {int(k): v for k, v in record.plan.get("names", {}).items()}
    connection = session.connection()
    problems: list[str] = []

    def who(cid: int) -> str:
        return f"{names.get(cid, '?')} (#{cid})"

    # 1. Checks, all before any write.
    present = _load_customers(session, [keep, *(c for c in others if c not in deleted)], lock=True)
    if keep not in present:
        problems.append(_("the kept customer {name} was deleted").format(name=who(keep)))
    elif present[keep].version != undo["keep"]["after_version"]:
        problems.append(_("the kept customer {name} was changed since the merge").format(name=who(keep)))
    for cid, data in others.items():
        if cid in deleted:
            continue
        if cid not in present:
            problems.append(_("customer {name} was deleted outside the merge").format(name=who(cid)))
        elif present[cid].version != data["after_version"]:
            problems.append(_("customer {name} was changed since the merge").format(name=who(cid)))
    taken_ids = _existing_customers(session, list(deleted))
    for cid, data in deleted.items():
        if cid in taken_ids:
            problems.append(_("the id of deleted customer {name} is used again").format(name=who(cid)))
        for table, key, entity in ((_L, "locations", _("location")), (_B, "buildings", _("building"))):
            taken = [row["id"] for row in data[key]]
            if taken:
                for row in connection.execute(select(table.c.id).where(table.c.id.in_(taken))):
                    problems.append(_("the id of deleted {entity} {id} is used again").format(entity=entity, id=row.id))
    wanted_labels = {int(lid) for data in deleted.values() for lid in data["labels"]}
    if wanted_labels:
        label_ids = select(_LABEL.c.id).where(_LABEL.c.id.in_(wanted_labels))
        existing = set(connection.execute(label_ids).scalars())
        for label_id in sorted(wanted_labels - existing):
            problems.append(_("label {id} of a deleted customer was deleted").format(id=label_id))
    reparented = {int(lid): int(old) for lid, old in undo["locations"]}
    if reparented:
        owners = {
            row.id: row.customer_id
            for row in connection.execute(select(_L.c.id, _L.c.customer_id).where(_L.c.id.in_(list(reparented))))
        }
        for lid in reparented:
            if owners.get(lid) != keep:
                problems.append(_("location {id} no longer belongs to the kept customer").format(id=lid))
        for lid, lists in undo["contents"].items():
            now_there = {
                "installations": sorted(connection.execute(select(_I.c.id).where(_I.c.location_id == int(lid))).scalars()),
                "missions": sorted(connection.execute(select(_M.c.id).where(_M.c.location_id == int(lid))).scalars()),
                "buildings": sorted(connection.execute(select(_B.c.id).where(_B.c.location_id == int(lid))).scalars()),
            }
            if now_there != lists:
                problems.append(_("location {id} has other installations, missions or buildings since the merge").format(id=lid))
    problems += _mismatches(session, _I, ("location_id", "building_id"), undo["installations"], _("installation"))
    problems += _mismatches(session, _M, ("customer_id", "location_id"), undo["missions"], _("mission"))
    created = [int(b) for b in undo["buildings_created"]]
    if created:
        ours = {iid for group in undo["installations"] for iid in group[4]}
        for row in connection.execute(select(_I.c.id).where(_I.c.building_id.in_(created))):
            if row.id not in ours:
                problems.append(_("installation {id} was added to a building the merge created").format(id=row.id))
    if problems:
        raise UndoRefused(
            _("Merge {id} cannot be undone exactly: {problems}.").format(id=merge_id, problems=_listed(problems)),
            problems,
        )

    # 2. Recreate the deleted records, with their ids, as the merge left them.
    for cid, data in deleted.items():
        row = _row_from_json(_C, others[cid]["before"])
        row["version"] = int(data["customer"]["version"]) + 1  # never back to a number a form may hold
        connection.execute(insert(_C).values(**row))
        if data["locations"]:
            connection.execute(insert(_L), [_row_from_json(_L, row) for row in data["locations"]])
        if data["buildings"]:
            connection.execute(insert(_B), [_row_from_json(_B, row) for row in data["buildings"]])
        if data["labels"]:
            connection.execute(insert(_CL), [{"customer_id": cid, "label_id": lid} for lid in data["labels"]])

    # 3. Rows back where they were; the UPDATEs name where they expect them.
    def back(table: Table, columns: tuple[str, str], groups: list[list[Any]]) -> None:
        first, second = (table.c[name] for name in columns)
        for a0, b0, a1, b1, ids in groups:
            for chunk in _chunks(ids):
                result = connection.execute(
                    update(table)
                    .where(table.c.id.in_(chunk), first == a1, second == b1)
                    .values({columns[0]: a0, columns[1]: b0})
                )
                if result.rowcount != len(chunk):
                    raise UndoRefused(_("Merge {id} cannot be undone: records changed meanwhile.").format(id=merge_id))

    for lid, old in reparented.items():
        connection.execute(update(_L).where(_L.c.id == lid, _L.c.customer_id == keep).values(customer_id=old))
    back(_I, ("location_id", "building_id"), undo["installations"])
    back(_M, ("customer_id", "location_id"), undo["missions"])
    if created:
        connection.execute(delete(_B).where(_B.c.id.in_(created)))
    if undo["labels_added"]:
        connection.execute(
            delete(_CL).where(_CL.c.customer_id == keep, _CL.c.label_id.in_([int(i) for i in undo["labels_added"]]))
        )

    # 4. The customers' rows as before (fields, timestamps); the version moves on.
    for cid, data, expected in [
        (keep, undo["keep"], undo["keep"]["after_version"]),
        *((cid, data, data["after_version"]) for cid, data in others.items() if cid not in deleted),
    ]:
        values = _row_from_json(_C, data["before"])
        values.pop("id")
        values["version"] = expected + 1
        result = connection.execute(update(_C).where(_C.c.id == cid, _C.c.version == expected).values(**values))
        if result.rowcount != 1:
            raise UndoRefused(_("Merge {id} cannot be undone: records changed meanwhile.").format(id=merge_id))

    # 5. Done: the session forgets its copies of the rows changed underneath.
    for instance in list(session.identity_map.values()):
        if (isinstance(instance, Building) and instance.id in created) or (
            isinstance(instance, CustomerLabel) and instance.customer_id == keep and instance.label_id in undo["labels_added"]
        ):
            session.expunge(instance)
    _expire_loaded(session)
    record.undone_at = utcnow()
    session.add(record)
    for cid in [keep, *others]:
        audit.record(session, actor.login, ENTITY, cid, "unmerge", None, {"merge_id": merge_id, **undo_summary(undo, cid)})
    session.flush()


def undo_summary(undo: dict[str, Any], customer_id: int) -> dict[str, Any]:
    return {
        "kept": customer_id == int(undo["keep"]["id"]),
        "recreated": str(customer_id) in (undo.get("deleted") or {}),
    }


def list_merges(session: Session) -> list[MergeSummary]:
    """Every merge, the most recent first."""
    summaries = []
    for record in session.scalars(select(MergeRecord).order_by(MergeRecord.id.desc())):  # type: ignore[union-attr]
        names = {int(k): v for k, v in record.plan.get("names", {}).items()}
        summaries.append(
            MergeSummary(
                id=record.id,  # type: ignore[arg-type]
                at=record.at,
                user_login=record.user_login,
                keep_id=record.keep_id,
                keep_name=names.get(record.keep_id, f"#{record.keep_id}"),
                other_ids=list(record.other_ids),
                other_names=[names.get(cid, f"#{cid}") for cid in record.other_ids],
                undone=record.undone_at is not None,
                undone_at=record.undone_at,
                deleted_ids=sorted(int(k) for k in (record.undo.get("deleted") or {})),
            )
        )
    return summaries


# --------------------------------------------------------------------------
# "Not a duplicate".
# --------------------------------------------------------------------------


def dismiss_pair(session: Session, actor: User, a_id: int, b_id: int) -> None:
    """Mark two customers as not duplicates of each other (duplicates.find_duplicates skips them)."""
    require(actor, Permission.MERGE)
    if a_id == b_id:
        raise MergeRefused(_("A customer is not a duplicate of itself."))
    a, b = sorted((int(a_id), int(b_id)))
    for customer_id in (a, b):
        if session.get(Customer, customer_id) is None:
            raise NotFound(_("Customer {id} does not exist.").format(id=customer_id))
    if session.get(DuplicateDismissal, (a, b)) is not None:
        return
    session.add(DuplicateDismissal(a_id=a, b_id=b, user_login=actor.login))
    audit.record(session, actor.login, "duplicate_dismissal", None, "dismiss", None, {"a_id": a, "b_id": b})
    session.flush()


def dismissed_pairs(session: Session) -> set[frozenset[int]]:
    connection = session.connection()
    table = DuplicateDismissal.__table__  # type: ignore[attr-defined]
    return {frozenset((row.a_id, row.b_id)) for row in connection.execute(select(table.c.a_id, table.c.b_id))}
