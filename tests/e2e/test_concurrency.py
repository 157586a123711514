"""Several users on one database: no lost update, no error that is not theirs.

Runs on SQLite (WAL) and PostgreSQL, with threads for two-user races and
with real processes for the many-users load.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from helpers import make_customer, make_installation, make_location, make_mission
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from custtui.db import run_unit
from custtui.errors import ConflictError
from custtui.models import AuditEvent, Customer, Installation, Location, Mission, Role, User
from custtui.services import customers, merge
from custtui.services.customers import CustomerInput
from custtui.services.merge import StalePlan

WORKER = Path(__file__).with_name("concurrency_worker.py")


def _race(*jobs):
    """Run the jobs in threads released at the same moment; each result or exception."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def run(index: int, job) -> None:
        barrier.wait()
        try:
            results[index] = job()
        except Exception as error:  # noqa: BLE001 - the test looks at it
            results[index] = error

    threads = [threading.Thread(target=run, args=(index, job)) for index, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_users_saving_the_same_customer_one_gets_the_conflict(engine: Engine, admin: User, office: User) -> None:
    with Session(engine, expire_on_commit=False) as session:
        customer = make_customer(session, admin, "Bakkerij Peeters")
    version = customer.version

    def save(user: User, notes: str):
        data = CustomerInput.from_customer(customer)
        data.internal_name = notes
        return run_unit(engine, lambda s: customers.update_customer(s, user, customer.id, data, version))

    for _round in range(5):
        results = _race(lambda: save(admin, "from alice"), lambda: save(office, "from bob"))
        conflicts = [result for result in results if isinstance(result, ConflictError)]
        saved = [result for result in results if isinstance(result, Customer)]
        assert len(conflicts) == 1 and len(saved) == 1, results
        # The loser is shown the winner's version: nothing of it is lost.
        assert conflicts[0].theirs is not None and conflicts[0].theirs["internal_name"] == saved[0].internal_name
        assert conflicts[0].changed_fields == ["internal_name"]
        customer_id = customer.id
        stored = run_unit(engine, lambda s, cid=customer_id: customers.get_customer(s, cid))
        assert stored.internal_name == saved[0].internal_name and stored.version == version + 1
        # "Reapply mine" saves over the version the user has now seen.
        mine = CustomerInput.from_customer(stored)
        mine.internal_name = "merged by hand"
        run_unit(
            engine,
            lambda s, cid=customer_id, mine=mine, seen=stored.version: customers.update_customer(s, office, cid, mine, seen),
        )
        version = stored.version + 1
        customer = run_unit(engine, lambda s, cid=customer_id: customers.get_customer(s, cid))
    with Session(engine) as session:
        updates = session.exec(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.entity == "customer", AuditEvent.action == "update")
        ).one()
    assert updates == 10  # every save that succeeded is in the history, and only those


def _merge_fixture(engine: Engine, admin: User) -> tuple[int, int, dict[str, int]]:
    with Session(engine, expire_on_commit=False) as session:
        keep = make_customer(session, admin, "Bakkerij Peeters", email="info@peeters.be")
        other = make_customer(session, admin, "Bakkerij Peeters BV", phone="+32 3 223 45 67")
        places = {keep.id: ("Kerkstraat", "2000", "Antwerpen"), other.id: ("Veldstraat", "9000", "Gent")}
        for customer in (keep, other):
            street, postal_code, city = places[customer.id]
            location = make_location(session, admin, customer, street=street, postal_code=postal_code, city=city)
            for number in range(3):
                make_installation(session, admin, location, serial_number=f"S-{customer.id}-{number}")
                make_mission(session, admin, customer, location)
    return keep.id, other.id, _totals(engine)


def _totals(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return {
            model.__name__: session.exec(select(func.count()).select_from(model)).one()
            for model in (Customer, Location, Installation, Mission)
        }


def _outcome(job: Callable[[], object]) -> object:
    """The job's result, or the exception it raised (as _race gives them)."""
    try:
        return job()
    except Exception as error:  # noqa: BLE001 - the test looks at it
        return error


def test_merge_against_a_concurrent_edit_one_fails_cleanly(engine: Engine, admin: User, office: User) -> None:
    def one_round(order: str) -> str:
        keep_id, other_id, before = _merge_fixture(engine, admin)
        plan = run_unit(engine, lambda s: merge.plan_merge(s, admin, [keep_id, other_id], keep_id=keep_id))
        other = run_unit(engine, lambda s: customers.get_customer(s, other_id))
        edit = CustomerInput.from_customer(other)
        edit.internal_name = "called on Monday"

        def apply_the_merge() -> object:
            return run_unit(engine, lambda s: merge.apply_merge(s, admin, plan))

        def save_the_edit() -> object:
            return run_unit(engine, lambda s: customers.update_customer(s, office, other_id, edit, other.version))

        if order == "race":
            merged, edited = _race(apply_the_merge, save_the_edit)
        elif order == "merge first":
            merged = _outcome(apply_the_merge)
            edited = _outcome(save_the_edit)
        else:
            edited = _outcome(save_the_edit)
            merged = _outcome(apply_the_merge)
        # Exactly one of the two wins; the other is a clear, domain-level refusal.
        assert isinstance(merged, int) != isinstance(edited, Customer), (merged, edited)
        after = _totals(engine)
        assert after == before  # nothing lost, nothing half-moved (the emptied record stays until deleted)
        with Session(engine) as session:
            kept_locations = session.exec(select(func.count()).select_from(Location).where(Location.customer_id == keep_id)).one()
            stored_other = session.get(Customer, other_id)
        assert stored_other is not None
        if isinstance(merged, int):
            assert isinstance(edited, ConflictError)
            assert kept_locations == 2 and stored_other.internal_name != "called on Monday"
            return "merge won"
        assert isinstance(merged, StalePlan) and other_id in merged.customer_ids
        assert kept_locations == 1 and stored_other.internal_name == "called on Monday"
        return "edit won"

    for _round in range(4):
        one_round("race")  # either may win
    # Whichever way the races went, each loser's refusal is checked at least once.
    assert one_round("merge first") == "merge won"
    assert one_round("edit first") == "edit won"


@pytest.mark.slow
def test_eight_processes_create_and_edit_500_customers_each(engine: Engine, admin: User) -> None:
    workers, count = 8, 500
    with Session(engine, expire_on_commit=False) as session:
        for worker in range(workers):
            session.add(User(login=f"worker{worker}", display_name=f"Worker {worker}", role=Role.OFFICE.value))
        session.commit()
        # Six: each internal name (200 characters at most) holds a sixth of the 80 tokens appended.
        shared = [make_customer(session, admin, f"Shared customer {number}").id for number in range(6)]
    url = engine.url.render_as_string(hide_password=False)
    started = time.perf_counter()
    processes = [
        subprocess.Popen(
            [sys.executable, str(WORKER), url, str(worker), str(count), ",".join(map(str, shared))],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for worker in range(workers)
    ]
    reports = []
    for process in processes:
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err
        assert "Traceback" not in err and "locked" not in err, err
        reports.append(json.loads(out.strip().splitlines()[-1]))
    seconds = time.perf_counter() - started
    print(f"{engine.dialect.name}: {workers}x{count} in {seconds:.1f} s, "
          f"conflicts {sum(r['conflicts'] for r in reports)}, lock retries {sum(r['retries'] for r in reports)}")

    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Customer)).one() == workers * count + len(shared)
        rows = session.exec(select(Customer).where(Customer.customer_number.like("W%"))).all()
        assert len(rows) == workers * count
        for row in rows:
            worker = int(row.customer_number[1:].split("-")[0])
            assert row.name == f"Worker {worker} customer {row.customer_number.split('-')[1]}"
            assert row.internal_name == f"edited by worker {worker}" and row.version == 2
        tokens = []
        for customer_id in shared:
            tokens += (session.get(Customer, customer_id).internal_name or "").split()
        expected = [
            f"w{worker}n{number}" for worker in range(workers) for number in range(count) if number % (count // 10) == 0
        ]
        assert sorted(tokens) == sorted(expected)  # every shared edit kept, none twice
        audit = Counter(
            session.exec(select(AuditEvent.action).where(AuditEvent.entity == "customer")).all()
        )
    assert audit["create"] == workers * count + len(shared)
    assert audit["update"] == workers * count + len(expected)


def _sqlite_admin(engine: Engine) -> User:
    with Session(engine, expire_on_commit=False) as session:
        user = User(login="alice", display_name="Alice", role=Role.ADMIN.value)
        session.add(user)
        session.commit()
        return user


def test_a_locked_sqlite_database_is_waited_out_with_backoff(sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another writer holds the lock longer than the busy timeout: retried, not shown."""
    import sqlite3

    import custtui.db as db

    admin = _sqlite_admin(sqlite_engine)
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 50)
    sqlite_engine.dispose()  # new connections take the short timeout
    path = sqlite_engine.url.database
    blocker = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")
    backoffs: list[float] = []
    delays = db.retry_delays

    def release_on_the_second_backoff(attempts: int = db.RETRY_ATTEMPTS) -> Iterator[float]:
        for delay in delays(attempts):
            backoffs.append(delay)
            if len(backoffs) == 2:  # the other writer commits while the save waits for its third try
                blocker.execute("COMMIT")
            yield delay

    monkeypatch.setattr(db, "retry_delays", release_on_the_second_backoff)
    try:
        created = run_unit(
            sqlite_engine,
            lambda s: customers.create_customer(s, admin, CustomerInput(name="Bakkerij Peeters", region_code="BE-VLG")),
        )
    finally:
        blocker.close()
    assert created.id is not None
    assert len(backoffs) == 2  # refused twice while the lock was held, saved on the try after its release


def test_a_lock_that_never_ends_is_a_clear_message(sqlite_engine: Engine, monkeypatch) -> None:
    import sqlite3

    import custtui.db as db
    from custtui.errors import DatabaseProblem

    admin = _sqlite_admin(sqlite_engine)
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 10)
    monkeypatch.setattr(db, "RETRY_ATTEMPTS", 3)
    sqlite_engine.dispose()
    blocker = sqlite3.connect(sqlite_engine.url.database, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseProblem) as raised:
            run_unit(
                sqlite_engine,
                lambda s: customers.create_customer(s, admin, CustomerInput(name="X", region_code="BE-VLG")),
                attempts=3,
            )
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert raised.value.kind == "busy" and "Nothing was saved" in raised.value.message
