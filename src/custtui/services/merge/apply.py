"""Applying a merge plan: one transaction, in named steps, each checking what it changes.

    1. check_plan_still_holds   lock, and refuse a stale plan
    2. update_customers         the kept record's fields, the others marked ERROR
    3. unite_labels             the others' labels added to the kept record
    4. plan_moves               which location, installation and mission goes where
    5. move_rows                locations re-parented, installations, missions, contacts and notes moved
    6. record_merge             the MergeRecord with what undo needs, and the audit events

The caller commits; on any exception it rolls back, and nothing is written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, insert
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from custtui.i18n import _
from custtui.models import Building, Customer, MergeRecord, User, utcnow
from custtui.services import audit
from custtui.services.addresses import words
from custtui.services.auth import Permission, require
from custtui.services.locations import default_building_name
from custtui.services.merge.errors import MergeRefused, StalePlan
from custtui.services.merge.plan import FIELDS, MergePlan
from custtui.services.merge.rows import (
    CUSTOMER_LABELS,
    CUSTOMERS,
    INSTALLATIONS,
    LOCATIONS,
    MISSIONS,
    OWNED,
    MergeState,
    begin_writing,
    expire_loaded,
    fingerprints,
    load_customers,
    load_state,
    name_list,
    rows_json,
    update_counted,
)

ENTITY = "customer"

# (location, building) -> (location, building) for installations,
# (customer, location) -> (customer, location) for missions: the ids moved.
Move = tuple[int, int, int, int]
# (customer, location or None) -> (customer, location or None) for contacts and notes.
OwnedMove = tuple[int, int | None, int, int | None]


@dataclass
class Moves:
    """What step 4 decided and step 5 does."""

    reparented: list[int]  # locations added as new: the row changes owner, with all it holds
    final_location: dict[int, int]  # each location of the others -> where its contents end up
    installations: dict[Move, list[int]] = field(default_factory=dict)
    missions: dict[Move, list[int]] = field(default_factory=dict)
    buildings_created: list[int] = field(default_factory=list)  # default buildings at targets that had none
    first_building: dict[int, int] = field(default_factory=dict)  # location -> its first building
    owned: dict[str, dict[OwnedMove, list[int]]] = field(default_factory=dict)  # "contacts", "notes"

    @property
    def total(self) -> int:
        return (
            len(self.reparented)
            + sum(map(len, self.installations.values()))
            + sum(map(len, self.missions.values()))
            + sum(len(ids) for groups in self.owned.values() for ids in groups.values())
        )


def apply_merge(
    session: Session, actor: User, plan: MergePlan, progress: Callable[[int, int], None] | None = None
) -> int:
    """Apply the plan in the session's transaction; returns the merge id. The caller commits.

    `progress(done, total)` is called after the locations are re-parented and
    after each batch of installations or missions moved (rows counted); an
    exception raised there aborts the merge, which the caller rolls back.
    """
    require(actor, Permission.MERGE)
    ids = plan.customer_ids
    if len(set(ids)) != len(ids) or len(ids) < 2:
        raise MergeRefused(_("Choose at least two different customers to merge."))
    session.flush()
    begin_writing(session, customer_ids=ids)
    found, state, mapping = check_plan_still_holds(session, plan)
    before = {cid: rows_json(session, CUSTOMERS, CUSTOMERS.c.id == cid)[0] for cid in ids}
    changes = update_customers(session, plan, found)
    connection = session.connection()
    labels_added = unite_labels(connection, plan, state)
    moves = plan_moves(session, plan, state, mapping)
    move_rows(connection, plan, moves, progress)
    return record_merge(session, actor, plan, found, state, moves, before, changes, labels_added)


def check_plan_still_holds(
    session: Session, plan: MergePlan
) -> tuple[dict[int, Customer], MergeState, dict[int, int | None]]:
    """Step 1: lock the records, and refuse a plan that no longer describes them.

    Returns the customers, their state, and where each location of the
    others goes (None: added as new).
    """
    ids = plan.customer_ids
    found = load_customers(session, ids, lock=True)
    state = load_state(session, ids, lock=True)
    prints = fingerprints(state, ids)
    changed = [
        cid
        for cid in ids
        if cid not in found or found[cid].version != plan.versions.get(cid) or prints[cid] != plan.fingerprints.get(cid)
    ]
    if changed:
        raise StalePlan(
            _("These records changed since the merge was planned: {records}. Plan the merge again.").format(
                records=name_list(plan.shown_names(), changed)
            ),
            changed,
        )
    others = set(plan.other_ids)
    mapping = {match.location_id: match.target_id for match in plan.locations}
    theirs = {lid for lid, row in state.locations.items() if row.customer_id in others}
    kept = {lid for lid, row in state.locations.items() if row.customer_id == plan.keep_id}
    if set(mapping) != theirs:
        raise StalePlan(_("The locations of the records changed since the merge was planned. Plan the merge again."), ids)
    for lid, target in mapping.items():
        if target is not None and not (target in kept or (target in mapping and mapping[target] is None)):
            raise MergeRefused(_("Location {id} is mapped to a location that does not stay.").format(id=lid))
    for choice in plan.fields:
        if choice.field not in FIELDS or choice.chosen_from not in found:
            raise MergeRefused(_("Invalid choice for field {field}.").format(field=choice.field))
    return found, state, mapping


def update_customers(session: Session, plan: MergePlan, found: dict[int, Customer]) -> dict[str, Any]:
    """Step 2: the kept record takes the chosen fields, the others are marked ERROR (marked_error).

    ORM updates, so each is an UPDATE ... WHERE version = the planned one,
    and bumps it. Returns the fields the kept record took from another.
    """
    now = utcnow()
    kept = found[plan.keep_id]
    changes = {
        choice.field: getattr(found[choice.chosen_from], choice.field)
        for choice in plan.fields
        if choice.chosen_from != plan.keep_id
    }
    for name, value in changes.items():
        setattr(kept, name, value)
    kept.updated_at = now
    for cid in plan.other_ids:
        found[cid].marked_error = True  # the name stays as it is; the mark is shown before it
        found[cid].updated_at = now
    try:
        session.flush()
    except StaleDataError as error:
        raise StalePlan(
            _("These records changed since the merge was planned: {records}. Plan the merge again.").format(
                records=name_list(plan.shown_names(), plan.customer_ids)
            ),
            plan.customer_ids,
        ) from error
    return changes


def unite_labels(connection: Connection, plan: MergePlan, state: MergeState) -> list[int]:
    """Step 3: the labels of the others that the kept record lacks; returns their ids."""
    added = sorted(set().union(*(state.labels[c] for c in plan.other_ids)) - state.labels[plan.keep_id])
    if added:
        connection.execute(insert(CUSTOMER_LABELS), [{"customer_id": plan.keep_id, "label_id": lid} for lid in added])
    return added


def plan_moves(session: Session, plan: MergePlan, state: MergeState, mapping: dict[int, int | None]) -> Moves:
    """Step 4: where every location, installation and mission of the others goes.

    An installation goes to the building of the same name at its target
    location, else to the target's first building; a target without any
    building gets a default one (created here, undone with the merge).
    """
    moves = Moves(
        reparented=sorted(lid for lid, target in mapping.items() if target is None),
        final_location={lid: (lid if target is None else target) for lid, target in mapping.items()},
    )
    by_name: dict[int, dict[str, int]] = defaultdict(dict)
    for bid, (lid, name) in sorted(state.buildings.items()):
        if lid in state.locations:
            by_name[lid].setdefault(words(name), bid)
            moves.first_building.setdefault(lid, bid)

    def building_at(target: int, building_id: int) -> int:
        name = state.buildings.get(building_id, (0, ""))[1]
        same_name = by_name[target].get(words(name))
        if same_name is not None:
            return same_name
        if target not in moves.first_building:

            building = Building(location_id=target, name=default_building_name())
            session.add(building)
            session.flush()
            assert building.id is not None  # flushed
            moves.buildings_created.append(building.id)
            moves.first_building[target] = building.id
            by_name[target].setdefault(words(building.name), building.id)
        return moves.first_building[target]

    installations: dict[Move, list[int]] = defaultdict(list)
    for iid, (lid, bid) in state.installations.items():
        target = mapping.get(lid)
        if target is not None:
            installations[(lid, bid, target, building_at(target, bid))].append(iid)
    others = set(plan.other_ids)
    missions: dict[Move, list[int]] = defaultdict(list)
    for mid, (cid, lid) in state.missions.items():
        new_customer = plan.keep_id if cid in others else cid
        new_location = mapping.get(lid) or lid
        if (new_customer, new_location) != (cid, lid):
            missions[(cid, lid, new_customer, new_location)].append(mid)
    moves.installations, moves.missions = dict(installations), dict(missions)
    for kind, rows in state.owned.items():
        owned: dict[OwnedMove, list[int]] = defaultdict(list)
        for row_id, (owner, site) in rows.items():
            if owner in others:  # a site the kept record takes over keeps them; a mapped site hands them on
                owned[(owner, site, plan.keep_id, None if site is None else (mapping.get(site) or site))].append(row_id)
        moves.owned[kind] = dict(owned)
    return moves


def move_rows(
    connection: Connection, plan: MergePlan, moves: Moves, progress: Callable[[int, int], None] | None
) -> None:
    """Step 5: set-based UPDATEs that name where they expect each row, counted (see update_counted)."""
    done = 0

    def moved(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, moves.total)

    def stale() -> StalePlan:
        return StalePlan(
            _("These records changed while the merge ran: {records}. Plan the merge again.").format(
                records=name_list(plan.shown_names(), plan.customer_ids)
            ),
            plan.customer_ids,
        )

    if moves.reparented:
        update_counted(
            connection, LOCATIONS, moves.reparented, [LOCATIONS.c.customer_id.in_(plan.other_ids)],
            {"customer_id": plan.keep_id}, stale,
        )
        moved(len(moves.reparented))
    for (lid, bid, new_lid, new_bid), iids in moves.installations.items():
        update_counted(
            connection, INSTALLATIONS, iids, [INSTALLATIONS.c.location_id == lid, INSTALLATIONS.c.building_id == bid],
            {"location_id": new_lid, "building_id": new_bid}, stale, on_chunk=moved,
        )
    for (cid, lid, new_cid, new_lid), mids in moves.missions.items():
        update_counted(
            connection, MISSIONS, mids, [MISSIONS.c.customer_id == cid, MISSIONS.c.location_id == lid],
            {"customer_id": new_cid, "location_id": new_lid}, stale, on_chunk=moved,
        )
    for kind, groups in moves.owned.items():
        table = OWNED[kind]
        for (owner, site, new_owner, new_site), ids in groups.items():
            update_counted(
                connection, table, ids, [table.c.customer_id == owner, table.c.location_id == site],
                {"customer_id": new_owner, "location_id": new_site}, stale, on_chunk=moved,
            )


def record_merge(
    session: Session,
    actor: User,
    plan: MergePlan,
    found: dict[int, Customer],
    state: MergeState,
    moves: Moves,
    before: dict[int, dict[str, Any]],
    changes: dict[str, Any],
    labels_added: list[int],
) -> int:
    """Step 6: the MergeRecord, with what undo needs (see the package doc), and one audit event per record."""
    keep, others = plan.keep_id, plan.other_ids
    undo = {
        "format": 1,
        "keep": {"id": keep, "before": before[keep], "after_version": found[keep].version},
        "others": {str(cid): {"before": before[cid], "after_version": found[cid].version} for cid in others},
        "labels_added": labels_added,
        "locations": [[lid, state.locations[lid].customer_id] for lid in moves.reparented],
        "contents": _contents_of_reparented(state, moves),
        "buildings_created": moves.buildings_created,
        "installations": [[*key, ids] for key, ids in moves.installations.items()],
        "missions": [[*key, ids] for key, ids in moves.missions.items()],
        "owned": {kind: [[*key, ids] for key, ids in groups.items()] for kind, groups in moves.owned.items()},
        "deleted": {},
    }
    applied = plan.to_dict()
    applied["labels_added"] = labels_added
    record = MergeRecord(user_login=actor.login, keep_id=keep, other_ids=others, plan=applied, undo=undo, at=utcnow())
    session.add(record)
    session.flush()
    assert record.id is not None  # flushed
    summary = {
        "merge_id": record.id,
        "keep_id": keep,
        "other_ids": others,
        "fields": sorted(changes),
        "labels_added": labels_added,
        "locations_added": len(moves.reparented),
        "locations_mapped": len(plan.locations) - len(moves.reparented),
        "installations_moved": sum(map(len, moves.installations.values())),
        "missions_moved": sum(map(len, moves.missions.values())),
        "contacts_moved": sum(map(len, moves.owned.get("contacts", {}).values())),
        "notes_moved": sum(map(len, moves.owned.get("notes", {}).values())),
        "records_marked": plan.preview().records_marked,
    }
    for cid in [keep, *others]:
        audit.record(
            session, actor.login, ENTITY, cid, "merge", before[cid], {**audit.snapshot(found[cid]), "merge": summary}
        )
    session.flush()
    expire_loaded(session)
    return record.id


def _contents_of_reparented(state: MergeState, moves: Moves) -> dict[str, dict[str, list[int]]]:
    """What each re-parented location holds right after the merge: undo refuses if that changed."""
    reparented = set(moves.reparented)
    contents: dict[str, dict[str, list[int]]] = {
        str(lid): {"installations": [], "missions": [], "buildings": []} for lid in moves.reparented
    }
    for iid, (lid, _b) in state.installations.items():
        final = moves.final_location.get(lid, lid)
        if final in reparented:
            contents[str(final)]["installations"].append(iid)
    for mid, (_c, lid) in state.missions.items():
        final = moves.final_location.get(lid, lid)
        if final in reparented:
            contents[str(final)]["missions"].append(mid)
    for bid, (lid, _n) in state.buildings.items():
        if lid in reparented:
            contents[str(lid)]["buildings"].append(bid)
    for bid in moves.buildings_created:
        lid = next(target for target, first in moves.first_building.items() if first == bid)
        if lid in reparented:
            contents[str(lid)]["buildings"].append(bid)
    for lists in contents.values():
        for values in lists.values():
            values.sort()
    return contents
