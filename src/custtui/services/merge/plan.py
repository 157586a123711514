"""The plan of a merge: plain data the wizard shows and edits; nothing is written.

Which record is kept, which value each differing field takes, which labels
are added, and where each location of the other records goes (matched to a
location the kept record will have, by `address_score`, or added as new).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from rapidfuzz import fuzz
from sqlmodel import Session

from custtui.errors import NotFound
from custtui.i18n import _
from custtui.models import Location, User, utcnow
from custtui.services.addresses import Address, normalise_address, site_label
from custtui.services.auth import Permission, require
from custtui.services.marks import marked_name
from custtui.services.merge.errors import MergeRefused
from custtui.services.merge.rows import MergeState, fingerprints, load_customers, load_state, record_counts

FIELDS = (
    "name",
    "internal_name",
    "customer_number",
    "region_code",
    "language",
    "vat_number",
    "email",
    "phone",
)  # the notes journal and the contacts are not chosen from: every record's move to the kept one
MATCH_THRESHOLD = 85.0
STREET_MIN = 88.0  # street similarity (0-100) below which two streets are different streets


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
    marked: list[int] = field(default_factory=list)  # the records that carried the ERROR mark at planning time

    def shown_name(self, customer_id: int) -> str:
        """A merged record's name as shown (services.marks): with its mark, as it was at planning time."""
        return marked_name(self.names.get(customer_id, f"#{customer_id}"), customer_id in self.marked)

    def shown_names(self) -> dict[int, str]:
        return {cid: self.shown_name(cid) for cid in self.customer_ids}

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
            fields_changed=len(self.chosen_values()),
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
            if blank_to_none(choice.values[choice.chosen_from]) != blank_to_none(choice.values[self.keep_id])
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
            counts={int(k): (int(v[0]), int(v[1]), int(v[2])) for k, v in data["counts"].items()},
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
            marked=[int(i) for i in data.get("marked", [])],
        )


def blank_to_none(value: Any) -> Any:
    """None for an empty value, so '' and None count as the same."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return value


def location_address(row: Any) -> Address:
    """The address of a location row (with its country and its site name), to match."""
    return normalise_address(row.street, row.number, row.postal_code, row.city, country=row.country, name=row.name)


def location_score(a: Address, b: Address) -> float:
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
    return location_score(location_address(a), location_address(b))


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
    found = load_customers(session, ids)
    for customer_id in ids:
        if customer_id not in found:
            raise NotFound(_("Customer {id} does not exist.").format(id=customer_id))
    state = load_state(session, ids)
    counts = record_counts(state, ids)
    ranking = sorted(ids, key=lambda c: (-(counts[c][1] + counts[c][2]), c))
    keep = keep_id if keep_id is not None else ranking[0]
    others = [c for c in ranking if c != keep]
    order = [keep, *others]

    choices = []
    for name in FIELDS:
        values = {cid: getattr(found[cid], name) for cid in order}
        if len({blank_to_none(v) for v in values.values()}) <= 1:
            continue
        chosen = keep
        if blank_to_none(values[keep]) is None:
            chosen = next(cid for cid in others if blank_to_none(values[cid]) is not None)
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
        locations=match_locations(state, keep, others),
        planned_at=utcnow(),
        fingerprints=fingerprints(state, order),
        marked=[cid for cid in order if found[cid].marked_error],
    )


def match_locations(state: MergeState, keep: int, others: list[int]) -> list[LocationMatch]:
    kept = state.locations_of(keep)
    theirs = [row for cid in others for row in state.locations_of(cid)]
    addresses = {row.id: location_address(row) for row in [*kept, *theirs]}
    labels = {row.id: site_label(row) for row in kept}
    labels.update({row.id: f"{site_label(row)} [#{row.customer_id}]" for row in theirs})
    matches: list[LocationMatch] = []
    added: list[Any] = []  # locations of the others added as new so far
    for row in theirs:
        here = addresses[row.id]
        scored_kept = [(k.id, location_score(here, addresses[k.id])) for k in kept]
        scored_theirs = [
            (o.id, location_score(here, addresses[o.id])) for o in theirs if o.customer_id != row.customer_id
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
                address=site_label(row),
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
