"""After a merge: delete the emptied records, undo it exactly, list the merges."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, delete, insert, select, update
from sqlmodel import Session, col

from custtui.errors import DeleteRefused, NotFound
from custtui.i18n import _, format_number, join_clauses, ngettext
from custtui.models import Building, CustomerLabel, MergeRecord, User, stored_id, utcnow
from custtui.services import audit, customers
from custtui.services.auth import Permission, require
from custtui.services.marks import marked_name
from custtui.services.merge.errors import MergeRefused, UndoRefused
from custtui.services.merge.rows import (
    BUILDINGS,
    CUSTOMER_LABELS,
    CUSTOMERS,
    INSTALLATIONS,
    LABELS,
    LOCATIONS,
    MISSIONS,
    OWNED,
    begin_writing,
    chunks,
    existing_customers,
    expire_loaded,
    load_customers,
    row_from_json,
    rows_json,
    update_counted,
)

ENTITY = "customer"
_LISTED = 8  # records named in a refusal message, the rest counted


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
    marked_ids: list[int] = field(default_factory=list)  # the records that carried the ERROR mark when planned

    def shown_name(self, customer_id: int) -> str:
        """keep_name or one of other_names as shown: with the mark it had when the merge was planned."""
        name = self.keep_name if customer_id == self.keep_id else dict(zip(self.other_ids, self.other_names, strict=False)).get(
            customer_id, f"#{customer_id}"
        )
        return marked_name(name, customer_id in self.marked_ids)


def get_record(session: Session, merge_id: int, *, lock: bool = False) -> MergeRecord:
    statement = select(MergeRecord).where(col(MergeRecord.id) == merge_id).execution_options(populate_existing=True)
    if lock:
        statement = statement.with_for_update()
    record = session.scalars(statement).first()
    if record is None:
        raise NotFound(_("Merge {id} does not exist.").format(id=merge_id))
    return record


def _locked_record(session: Session, merge_id: int) -> MergeRecord:
    """The merge's record, locked for this transaction (SQLite: the write lock taken now)."""
    session.flush()
    begin_writing(session, merge_id=merge_id)
    return get_record(session, merge_id, lock=True)


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
    record = _locked_record(session, merge_id)
    if record.undone_at is not None:
        raise MergeRefused(_("Merge {id} was undone; its records are not deleted.").format(id=merge_id))
    undo = dict(record.undo)
    deleted: dict[str, Any] = dict(undo.get("deleted") or {})
    names = {int(k): v for k, v in record.plan.get("names", {}).items()}
    existing = existing_customers(session, record.other_ids)
    pending = [cid for cid in record.other_ids if str(cid) not in deleted and cid in existing]
    for cid in pending:
        reason = customers.delete_refusal_reason(customers.linked_counts(session, cid))
        if reason:
            counts = customers.linked_counts(session, cid)
            customer = _("{name} (#{id})").format(name=marked_name(names.get(cid, ""), True), id=cid)
            raise DeleteRefused(_("{customer}: {reason}").format(customer=customer, reason=reason), counts)
    now = utcnow().isoformat()
    for cid in pending:
        location_rows = rows_json(session, LOCATIONS, LOCATIONS.c.customer_id == cid)
        location_ids = [row["id"] for row in location_rows]
        deleted[str(cid)] = {
            "customer": rows_json(session, CUSTOMERS, CUSTOMERS.c.id == cid)[0],
            "locations": location_rows,
            "buildings": rows_json(session, BUILDINGS, BUILDINGS.c.location_id.in_(location_ids)) if location_ids else [],
            "labels": [
                row.label_id
                for row in session.connection().execute(
                    select(CUSTOMER_LABELS.c.label_id)
                    .where(CUSTOMER_LABELS.c.customer_id == cid)
                    .order_by(CUSTOMER_LABELS.c.label_id)
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
    text = join_clauses(shown)
    if more:
        text = ngettext("{problems} and {n} more", "{problems} and {n} more", more).format(problems=text, n=format_number(more))
    return text


def _mismatches(
    session: Session, table: Table, columns: tuple[str, str], groups: list[list[Any]], deleted: str, moved: str
) -> list[str]:
    """Rows of `groups` ([a0, b0, a1, b1, ids]) that are no longer at (a1, b1); `deleted` and `moved` say so ({id})."""
    problems = []
    connection = session.connection()
    first, second = (table.c[name] for name in columns)
    for _a0, _b0, a1, b1, ids in groups:
        for chunk in chunks(ids):
            here = {
                row.id: (row[1], row[2])
                for row in connection.execute(select(table.c.id, first, second).where(table.c.id.in_(chunk)))
            }
            for row_id in chunk:
                if row_id not in here:
                    problems.append(deleted.format(id=row_id))
                elif here[row_id] != (a1, b1):
                    problems.append(moved.format(id=row_id))
    return problems


@dataclass
class _Undo:
    """A merge's undo data, read back from its JSON (see the package doc)."""

    merge_id: int
    keep: int
    others: dict[int, dict[str, Any]]
    deleted: dict[int, dict[str, Any]]
    names: dict[int, str]
    marked: set[int]  # marked when the merge was planned
    reparented: dict[int, int]  # location -> its customer before the merge
    created: list[int]  # buildings the merge created
    data: dict[str, Any]

    @classmethod
    def of(cls, record: MergeRecord) -> _Undo:
        undo = record.undo
        assert record.id is not None
        return cls(
            merge_id=record.id,
            keep=int(undo["keep"]["id"]),
            others={int(k): v for k, v in undo["others"].items()},
            deleted={int(k): v for k, v in (undo.get("deleted") or {}).items()},
            names={int(k): v for k, v in record.plan.get("names", {}).items()},
            marked={int(i) for i in record.plan.get("marked", [])},
            reparented={int(lid): int(old) for lid, old in undo["locations"]},
            created=[int(b) for b in undo["buildings_created"]],
            data=undo,
        )

    def who(self, cid: int) -> str:
        return _("{name} (#{id})").format(name=marked_name(self.names.get(cid, "?"), cid in self.marked), id=cid)

    def changed_meanwhile(self) -> UndoRefused:
        return UndoRefused(_("Merge {id} cannot be undone: records changed meanwhile.").format(id=self.merge_id))


def undo_merge(session: Session, actor: User, merge_id: int) -> None:
    """Put every row the merge changed back exactly as it was, in the caller's transaction.

    Every column of every row comes back, and the ids of deleted records;
    only the customers' version numbers move on (+1, see the package doc).

    Refused (UndoRefused, naming the records) when it cannot be exact: the
    merge was undone already; the kept record (or a remaining ERROR record)
    was edited since (its version is not the one the merge left); a moved
    installation or mission is no longer where the merge put it; something
    was added to a location the merge gave to the kept record; an id of a
    deleted record was taken again. Undo the later merges first.
    """
    require(actor, Permission.MERGE)
    record = _locked_record(session, merge_id)
    if record.undone_at is not None:
        raise UndoRefused(_("Merge {id} was undone already.").format(id=merge_id))
    undo = _Undo.of(record)
    problems = (
        _customer_problems(session, undo)
        + _deleted_record_problems(session, undo)
        + _location_problems(session, undo)
        + _moved_row_problems(session, undo)
    )
    if problems:
        raise UndoRefused(
            _("Merge {id} cannot be undone exactly: {problems}.").format(id=merge_id, problems=_listed(problems)),
            problems,
        )
    connection = session.connection()
    _recreate_deleted(connection, undo)
    _put_rows_back(connection, undo)
    _restore_customers(connection, undo)
    _forget_changed_rows(session, undo)
    record.undone_at = utcnow()
    session.add(record)
    for cid in [undo.keep, *undo.others]:
        audit.record(session, actor.login, ENTITY, cid, "unmerge", None, {"merge_id": merge_id, **undo_summary(undo.data, cid)})
    session.flush()


def _customer_problems(session: Session, undo: _Undo) -> list[str]:
    """The kept record and the remaining ERROR records must be as the merge left them (locked)."""
    problems: list[str] = []
    present = load_customers(session, [undo.keep, *(c for c in undo.others if c not in undo.deleted)], lock=True)
    if undo.keep not in present:
        problems.append(_("the kept customer {name} was deleted").format(name=undo.who(undo.keep)))
    elif present[undo.keep].version != undo.data["keep"]["after_version"]:
        problems.append(_("the kept customer {name} was changed since the merge").format(name=undo.who(undo.keep)))
    for cid, data in undo.others.items():
        if cid in undo.deleted:
            continue
        if cid not in present:
            problems.append(_("customer {name} was deleted outside the merge").format(name=undo.who(cid)))
        elif present[cid].version != data["after_version"]:
            problems.append(_("customer {name} was changed since the merge").format(name=undo.who(cid)))
    return problems


def _deleted_record_problems(session: Session, undo: _Undo) -> list[str]:
    """The ids of the records delete_merged removed must be free again, and their labels still there."""
    problems: list[str] = []
    connection = session.connection()
    taken_ids = existing_customers(session, list(undo.deleted))
    for cid, data in undo.deleted.items():
        if cid in taken_ids:
            problems.append(_("the id of deleted customer {name} is used again").format(name=undo.who(cid)))
        used_again = (
            (LOCATIONS, "locations", _("the id of deleted location {id} is used again")),
            (BUILDINGS, "buildings", _("the id of deleted building {id} is used again")),
        )
        for table, key, message in used_again:
            taken = [row["id"] for row in data[key]]
            if taken:
                for row in connection.execute(select(table.c.id).where(table.c.id.in_(taken))):
                    problems.append(message.format(id=row.id))
    wanted_labels = {int(lid) for data in undo.deleted.values() for lid in data["labels"]}
    if wanted_labels:
        existing = set(connection.execute(select(LABELS.c.id).where(LABELS.c.id.in_(wanted_labels))).scalars())
        for label_id in sorted(wanted_labels - existing):
            problems.append(_("label {id} of a deleted customer was deleted").format(id=label_id))
    return problems


def _location_problems(session: Session, undo: _Undo) -> list[str]:
    """The locations given to the kept record must still be its, holding what the merge left there."""
    problems: list[str] = []
    if not undo.reparented:
        return problems
    connection = session.connection()
    owners = {
        row.id: row.customer_id
        for row in connection.execute(
            select(LOCATIONS.c.id, LOCATIONS.c.customer_id).where(LOCATIONS.c.id.in_(list(undo.reparented)))
        )
    }
    for lid in undo.reparented:
        if owners.get(lid) != undo.keep:
            problems.append(_("location {id} no longer belongs to the kept customer").format(id=lid))
    for lid, lists in undo.data["contents"].items():
        now_there = {
            name: sorted(connection.execute(select(table.c.id).where(table.c.location_id == int(lid))).scalars())
            for name, table in (("installations", INSTALLATIONS), ("missions", MISSIONS), ("buildings", BUILDINGS))
        }
        if now_there != lists:
            problems.append(_("location {id} has other installations, missions or buildings since the merge").format(id=lid))
    return problems


def _moved_row_problems(session: Session, undo: _Undo) -> list[str]:
    """Moved installations and missions must be where the merge put them, and nothing new in its buildings."""
    problems = _mismatches(
        session, INSTALLATIONS, ("location_id", "building_id"), undo.data["installations"],
        _("installation {id} was deleted"), _("installation {id} was moved"),
    )  # fmt: skip
    problems += _mismatches(
        session, MISSIONS, ("customer_id", "location_id"), undo.data["missions"],
        _("mission {id} was deleted"), _("mission {id} was moved"),
    )  # fmt: skip
    if undo.created:
        ours = {iid for group in undo.data["installations"] for iid in group[4]}
        statement = select(INSTALLATIONS.c.id).where(INSTALLATIONS.c.building_id.in_(undo.created))
        for row in session.connection().execute(statement):
            if row.id not in ours:
                problems.append(_("installation {id} was added to a building the merge created").format(id=row.id))
    return problems


def _recreate_deleted(connection: Connection, undo: _Undo) -> None:
    """The records delete_merged removed come back with their ids, as the merge left them."""
    for cid, data in undo.deleted.items():
        row = row_from_json(CUSTOMERS, undo.others[cid]["before"])
        row["version"] = int(data["customer"]["version"]) + 1  # never back to a number a form may hold
        connection.execute(insert(CUSTOMERS).values(**row))
        if data["locations"]:
            connection.execute(insert(LOCATIONS), [row_from_json(LOCATIONS, row) for row in data["locations"]])
        if data["buildings"]:
            connection.execute(insert(BUILDINGS), [row_from_json(BUILDINGS, row) for row in data["buildings"]])
        if data["labels"]:
            connection.execute(
                insert(CUSTOMER_LABELS), [{"customer_id": cid, "label_id": lid} for lid in data["labels"]]
            )


def _put_rows_back(connection: Connection, undo: _Undo) -> None:
    """Locations, installations and missions back where they were; the UPDATEs name where they expect them."""
    for lid, old in undo.reparented.items():
        connection.execute(
            update(LOCATIONS).where(LOCATIONS.c.id == lid, LOCATIONS.c.customer_id == undo.keep).values(customer_id=old)
        )
    for table, columns, groups in (
        (INSTALLATIONS, ("location_id", "building_id"), undo.data["installations"]),
        (MISSIONS, ("customer_id", "location_id"), undo.data["missions"]),
    ):
        first, second = (table.c[name] for name in columns)
        for a0, b0, a1, b1, ids in groups:
            update_counted(
                connection, table, ids, [first == a1, second == b1], {columns[0]: a0, columns[1]: b0},
                undo.changed_meanwhile,
            )
    # Contacts and notes go back as far as they are still where the merge put them (one deleted
    # since stays deleted); those added since to a site that now goes back stay, without the site.
    for kind, groups in (undo.data.get("owned") or {}).items():
        table = OWNED[kind]
        for a0, b0, a1, b1, ids in groups:
            for chunk in chunks(ids):
                connection.execute(
                    update(table)
                    .where(table.c.id.in_(chunk), table.c.customer_id == a1, table.c.location_id == b1)
                    .values(customer_id=a0, location_id=b0)
                )
        if undo.reparented:
            connection.execute(
                update(table)
                .where(table.c.customer_id == undo.keep, table.c.location_id.in_(list(undo.reparented)))
                .values(location_id=None)
            )
    if undo.created:
        connection.execute(delete(BUILDINGS).where(BUILDINGS.c.id.in_(undo.created)))
    if undo.data["labels_added"]:
        connection.execute(
            delete(CUSTOMER_LABELS).where(
                CUSTOMER_LABELS.c.customer_id == undo.keep,
                CUSTOMER_LABELS.c.label_id.in_([int(i) for i in undo.data["labels_added"]]),
            )
        )


def _restore_customers(connection: Connection, undo: _Undo) -> None:
    """The customers' rows as before (fields, timestamps); the version moves on."""
    for cid, data in [
        (undo.keep, undo.data["keep"]),
        *((cid, data) for cid, data in undo.others.items() if cid not in undo.deleted),
    ]:
        expected = data["after_version"]
        values = row_from_json(CUSTOMERS, data["before"])
        values.pop("id")
        values["version"] = expected + 1
        update_counted(
            connection, CUSTOMERS, [cid], [CUSTOMERS.c.version == expected], values, undo.changed_meanwhile
        )


def _forget_changed_rows(session: Session, undo: _Undo) -> None:
    """The session forgets its copies of the rows changed underneath it."""
    labels_added = undo.data["labels_added"]
    for instance in list(session.identity_map.values()):
        if (isinstance(instance, Building) and instance.id in undo.created) or (
            isinstance(instance, CustomerLabel) and instance.customer_id == undo.keep and instance.label_id in labels_added
        ):
            session.expunge(instance)
    expire_loaded(session)


def undo_summary(undo: dict[str, Any], customer_id: int) -> dict[str, Any]:
    return {
        "kept": customer_id == int(undo["keep"]["id"]),
        "recreated": str(customer_id) in (undo.get("deleted") or {}),
    }


def list_merges(session: Session) -> list[MergeSummary]:
    """Every merge, the most recent first."""
    summaries = []
    for record in session.scalars(select(MergeRecord).order_by(col(MergeRecord.id).desc())):
        names = {int(k): v for k, v in record.plan.get("names", {}).items()}
        summaries.append(
            MergeSummary(
                id=stored_id(record),
                at=record.at,
                user_login=record.user_login,
                keep_id=record.keep_id,
                keep_name=names.get(record.keep_id, f"#{record.keep_id}"),
                other_ids=list(record.other_ids),
                other_names=[names.get(cid, f"#{cid}") for cid in record.other_ids],
                undone=record.undone_at is not None,
                undone_at=record.undone_at,
                deleted_ids=sorted(int(k) for k in (record.undo.get("deleted") or {})),
                marked_ids=[int(i) for i in record.plan.get("marked", [])],
            )
        )
    return summaries
