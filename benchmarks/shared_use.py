"""Several users on one database: how fast others' changes are noticed, and throughput under load.

    .venv/bin/python benchmarks/shared_use.py                        # SQLite (WAL), temporary file
    .venv/bin/python benchmarks/shared_use.py --db postgresql://postgres@127.0.0.1:5432/bench

1. Change notice: a watcher (custtui.watch: LISTEN/NOTIFY on PostgreSQL,
   PRAGMA data_version polling on SQLite) runs while another connection
   saves a customer --saves times; the time from each commit to the
   watcher's call is measured (the goal: well under 2 s).
2. Load: --workers processes (tests/e2e/concurrency_worker.py) each create and
   edit --count customers and append to a few shared ones, retrying after
   conflicts as a user would. Prints wall time, transactions per second, edit
   conflicts and lock retries.

The database must be empty (it is migrated first). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from sqlmodel import Session

from custtui.db import make_engine, migrate
from custtui.models import Role, User
from custtui.services import customers
from custtui.services.customers import CustomerInput
from custtui.watch import watcher_for

WORKER = Path(__file__).resolve().parent.parent / "tests" / "e2e" / "concurrency_worker.py"


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def notice_latency(url: str, saves: int) -> None:
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        admin = User(login="bench-admin", display_name="Bench", role=Role.ADMIN.value)
        session.add(admin)
        session.commit()
        customer = customers.create_customer(session, admin, CustomerInput(name="Bakkerij Peeters", region_code="BE-VLG"))
        session.commit()
    noticed = threading.Event()
    watcher = watcher_for(engine, noticed.set)
    assert watcher is not None
    watcher.start()
    time.sleep(0.5)
    delays = []
    for number in range(saves):
        noticed.clear()
        with Session(engine) as session:
            current = customers.get_customer(session, customer.id)
            data = CustomerInput.from_customer(current)
            data.internal_name = f"save {number}"
            customers.update_customer(session, admin, customer.id, data, current.version)
            session.commit()
        committed = time.perf_counter()
        if noticed.wait(5):
            delays.append(time.perf_counter() - committed)
        time.sleep(random.uniform(0.05, 0.6))  # saves come at any moment of the polling cycle
    watcher.stop()
    engine.dispose()
    ms = [delay * 1000 for delay in delays]
    print(
        f"change notice ({engine.dialect.name}, {saves} saves, {len(delays)} noticed): "
        f"p50 {statistics.median(ms):.1f} ms, p95 {_percentile(ms, 0.95):.1f} ms, max {max(ms):.1f} ms"
    )


def load(url: str, workers: int, count: int) -> None:
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        admin = session.get(User, 1) or User(login="bench-admin", role=Role.ADMIN.value)
        for worker in range(workers):
            session.add(User(login=f"worker{worker}", display_name=f"Worker {worker}", role=Role.OFFICE.value))
        session.commit()
        shared = []
        for number in range(3):
            created = customers.create_customer(session, admin, CustomerInput(name=f"Shared {number}", region_code="BE-VLG"))
            shared.append(created.id)
        session.commit()
    engine.dispose()
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
    reports, failures = [], 0
    for process in processes:
        out, err = process.communicate()
        if process.returncode != 0:
            failures += 1
            print(err, file=sys.stderr)
        else:
            reports.append(json.loads(out.strip().splitlines()[-1]))
    seconds = time.perf_counter() - started
    transactions = workers * count * 2 + sum(r["conflicts"] for r in reports) + workers * 10
    print(
        f"load ({engine.dialect.name}): {workers} processes x {count} customers created and edited in {seconds:.1f} s, "
        f"about {transactions / seconds:.0f} transactions/s; edit conflicts {sum(r['conflicts'] for r in reports)}, "
        f"lock retries {sum(r['retries'] for r in reports)}, failed processes {failures}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="an empty database's URL (default: a new SQLite file in a temporary folder)")
    parser.add_argument("--saves", type=int, default=40)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--count", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.db or f"sqlite:///{Path(folder) / 'shared.db'}"
        migrate(make_engine(url))
        notice_latency(url, args.saves)
        load(url, args.workers, args.count)


if __name__ == "__main__":
    main()
