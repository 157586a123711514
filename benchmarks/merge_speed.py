"""How fast a big merge plans, applies and undoes.

    .venv/bin/python benchmarks/merge_speed.py                       # SQLite, temporary file
    .venv/bin/python benchmarks/merge_speed.py --db postgresql://postgres@127.0.0.1:5432/bench
    .venv/bin/python benchmarks/merge_speed.py --installations 1000 --missions 5000 --locations 20

Builds, among --background other customers, a kept record with a few
locations and a duplicate holding --installations installations and
--missions missions over --locations locations (half at addresses the kept
record has, written differently; half new), then times: plan_merge,
apply_merge + commit, undo_merge + commit, and once more apply, delete_merged
and undo (the deleted record recreated). With --db the database is migrated
and the rows the benchmark made are deleted at the end. Prints figures;
asserts nothing (the target is under 1 s for apply).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import delete, insert, select
from sqlmodel import Session

from custtui.db import make_engine, migrate
from custtui.models import AuditEvent, Building, Customer, CustomerLabel, Installation, Location, MergeRecord, Mission, User
from custtui.services import merge


def _build(session: Session, installations: int, missions: int, locations: int, background: int) -> tuple[int, int, list[int]]:
    connection = session.connection()
    now = merge.utcnow()

    def customer(name: str) -> int:
        return connection.execute(
            insert(Customer.__table__).values(  # type: ignore[attr-defined]
                name=name, region_code="BE-VLG", created_at=now, updated_at=now, version=1
            ).returning(Customer.__table__.c.id)  # type: ignore[attr-defined]
        ).scalar_one()

    def location(customer_id: int, street: str, number: str) -> tuple[int, int]:
        location_id = connection.execute(
            insert(Location.__table__).values(  # type: ignore[attr-defined]
                customer_id=customer_id, street=street, number=number, postal_code="2000", city="Antwerpen",
                country="BE", region_code="BE-VLG", name="", created_at=now, updated_at=now,
            ).returning(Location.__table__.c.id)  # type: ignore[attr-defined]
        ).scalar_one()
        building_id = connection.execute(
            insert(Building.__table__).values(location_id=location_id, name="Main building").returning(Building.__table__.c.id)  # type: ignore[attr-defined]
        ).scalar_one()
        return location_id, building_id

    created = []
    for i in range(background):
        cid = customer(f"Background {i}")
        location(cid, f"Achtergrondstraat {i}", "1")
        created.append(cid)
    keep = customer("Verwarming Claes")
    other = customer("Verwarming Claes bv")
    created += [keep, other]
    half = locations // 2
    for i in range(half):
        location(keep, f"Lange Lozanastraat {i}", str(i + 1))
    sites = []
    for i in range(locations):
        if i < half:
            sites.append(location(other, f"Lange Lozanastr. {i}", f" {i + 1}"))  # matches a kept location
        else:
            sites.append(location(other, f"Nieuwe straat {i}", str(i)))  # new
    connection.execute(
        insert(Installation.__table__),  # type: ignore[attr-defined]
        [
            {"location_id": sites[i % locations][0], "building_id": sites[i % locations][1], "kind": "boiler",
             "brand": "Vaillant", "model": "ecoTEC", "serial_number": f"S{i}"}
            for i in range(installations)
        ],
    )
    start = date(2020, 1, 1)
    connection.execute(
        insert(Mission.__table__),  # type: ignore[attr-defined]
        [
            {"customer_id": other, "location_id": sites[i % locations][0], "kind": "maintenance", "status": "done",
             "planned_on": start + timedelta(days=i % 2000), "created_at": now}
            for i in range(missions)
        ],
    )
    session.commit()
    return keep, other, created


def _cleanup(session: Session, created: list[int]) -> None:
    connection = session.connection()
    located = select(Location.id).where(Location.customer_id.in_(created))  # type: ignore[union-attr]
    connection.execute(delete(Mission.__table__).where(Mission.__table__.c.customer_id.in_(created)))  # type: ignore[attr-defined]
    connection.execute(delete(Installation.__table__).where(Installation.__table__.c.location_id.in_(located)))  # type: ignore[attr-defined]
    connection.execute(delete(Building.__table__).where(Building.__table__.c.location_id.in_(located)))  # type: ignore[attr-defined]
    connection.execute(delete(Location.__table__).where(Location.__table__.c.customer_id.in_(created)))  # type: ignore[attr-defined]
    connection.execute(delete(CustomerLabel.__table__).where(CustomerLabel.__table__.c.customer_id.in_(created)))  # type: ignore[attr-defined]
    connection.execute(delete(Customer.__table__).where(Customer.__table__.c.id.in_(created)))  # type: ignore[attr-defined]
    connection.execute(delete(MergeRecord.__table__).where(MergeRecord.__table__.c.keep_id.in_(created)))  # type: ignore[attr-defined]
    connection.execute(delete(AuditEvent.__table__).where(AuditEvent.__table__.c.user_login == "merge-bench"))  # type: ignore[attr-defined]
    connection.execute(delete(User.__table__).where(User.__table__.c.login == "merge-bench"))  # type: ignore[attr-defined]
    session.commit()


def _timed(label: str, action):  # type: ignore[no-untyped-def]
    tick = time.perf_counter()
    result = action()
    print(f"  {label:<34} {(time.perf_counter() - tick) * 1000:8.1f} ms")
    return result


def run(url: str, installations: int, missions: int, locations: int, background: int) -> None:
    engine = make_engine(url)
    migrate(engine)
    print(f"{engine.dialect.name}: {installations} installations, {missions} missions over {locations} locations")
    with Session(engine, expire_on_commit=False) as session:
        actor = User(login="merge-bench", display_name="bench", role="office")
        session.add(actor)
        session.commit()
        keep, other, created = _build(session, installations, missions, locations, background)
        try:

            def plan() -> merge.MergePlan:
                return merge.plan_merge(session, actor, [keep, other], keep_id=keep)

            def apply(merge_plan: merge.MergePlan) -> int:
                merge_id = merge.apply_merge(session, actor, merge_plan)
                session.commit()
                return merge_id

            def undo(merge_id: int) -> None:
                merge.undo_merge(session, actor, merge_id)
                session.commit()

            def delete_merged(merge_id: int) -> None:
                merge.delete_merged(session, actor, merge_id)
                session.commit()

            merge_plan = _timed("plan_merge", plan)
            preview = merge_plan.preview()
            print(
                f"    ({preview.locations_mapped} locations mapped, {preview.locations_added} added, "
                f"{preview.installations_moved} installations, {preview.missions_moved} missions)"
            )
            merge_id = _timed("apply_merge + commit", lambda: apply(merge_plan))
            _timed("undo_merge + commit", lambda: undo(merge_id))
            merge_plan = plan()
            merge_id = _timed("apply_merge + commit (again)", lambda: apply(merge_plan))
            _timed("delete_merged + commit", lambda: delete_merged(merge_id))
            _timed("undo_merge after delete + commit", lambda: undo(merge_id))
        finally:
            session.rollback()
            _cleanup(session, created)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="database URL (default: a new SQLite file in a temporary folder)")
    parser.add_argument("--installations", type=int, default=1000)
    parser.add_argument("--missions", type=int, default=5000)
    parser.add_argument("--locations", type=int, default=20)
    parser.add_argument("--background", type=int, default=2000, help="other customers in the database")
    args = parser.parse_args()
    if args.db:
        run(args.db, args.installations, args.missions, args.locations, args.background)
        return
    with tempfile.TemporaryDirectory() as folder:
        run(f"sqlite:///{Path(folder) / 'merge.db'}", args.installations, args.missions, args.locations, args.background)


if __name__ == "__main__":
    main()
