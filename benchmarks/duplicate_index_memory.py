"""The live duplicate index: build time, memory kept, garbage collector load, look-up and refresh latency.

    .venv/bin/python benchmarks/duplicate_index_memory.py --db sqlite:////tmp/w/d100k.db
    .venv/bin/python benchmarks/duplicate_index_memory.py --db sqlite:////tmp/w/d100k.db --drafts 400 --refreshes 5000

Reads the customers of an existing database (it writes nothing: a refresh
only reads). Builds the DuplicateIndex twice: once plainly, for its time and
the RSS it adds, once under tracemalloc, for the memory it keeps and its
peak while building. Then counts the objects the garbage collector tracks
and times a full collection, the pause a user would feel while typing.

Look-ups: drafts made from random customers, four ways (a name with a typo
and the address; the name cut short as typed, with the phone; the name
only; every field), and names as typed, a prefix at a time. Refresh: random
customers refreshed one at a time, as the import does per row, past the
compaction of the index's changes.

Prints figures; asserts nothing (machines are noisy).
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import time
import tracemalloc
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from custtui.db import make_engine
from custtui.models import Customer, Location, table_of
from custtui.services.duplicates import DraftCustomer, DuplicateIndex


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def _typo(text: str, rng: random.Random) -> str:
    letters = [i for i, char in enumerate(text) if char.isalpha()]
    if len(letters) < 4:
        return text
    i = rng.choice(letters[1:])
    return text[:i] + text[i + 1 :] if rng.random() < 0.5 else text[:i] + text[i] + text[i:]


def drafts(session: Session, count: int, seed: int) -> list[tuple[str, DraftCustomer, int | None]]:
    """(kind, draft, customer being edited or None): made from `count` random customers."""
    c, loc = table_of(Customer).c, table_of(Location).c
    rng = random.Random(seed)
    ids = [row[0] for row in session.execute(select(c.id).where(c.marked_error.is_(False)))]
    result: list[tuple[str, DraftCustomer, int | None]] = []
    for number, customer_id in enumerate(rng.sample(ids, min(count, len(ids)))):
        row = session.execute(
            select(c.name, c.internal_name, c.customer_number, c.vat_number, c.email, c.phone).where(c.id == customer_id)
        ).one()
        place = session.execute(
            select(loc.street, loc.number, loc.postal_code, loc.city).where(loc.customer_id == customer_id).limit(1)
        ).first()
        street, house, postal_code, city = place if place else ("", "", "", "")
        name = row.name or ""
        kind = ("typo + address", "partial + phone", "name only", "every field", "as typed")[number % 5]
        if kind == "typo + address":
            draft = DraftCustomer(name=_typo(name, rng), street=street, number=house, postal_code=postal_code, city=city)
            result.append((kind, draft, None))
        elif kind == "partial + phone":
            result.append((kind, DraftCustomer(name=name[: max(4, len(name) * 2 // 3)], phone=row.phone), None))
        elif kind == "name only":
            result.append((kind, DraftCustomer(name=name), customer_id))
        elif kind == "every field":
            draft = DraftCustomer(
                name=name, internal_name=row.internal_name, customer_number=row.customer_number,
                vat_number=row.vat_number, email=row.email, phone=row.phone,
                street=street, number=house, postal_code=postal_code, city=city,
            )  # fmt: skip
            result.append((kind, draft, customer_id))
        else:
            for end in range(2, len(name) + 1, 2):
                result.append((kind, DraftCustomer(name=name[:end]), None))
    return result


def run(url: str, draft_count: int, refreshes: int, seed: int) -> None:
    engine = make_engine(url)
    with Session(engine) as session:
        DuplicateIndex.build(session)  # warm up: imports, the database's page cache
    gc.collect()
    print(f"database {url}")

    rss_before = _rss_mib()
    started = time.perf_counter()
    with Session(engine) as session:
        index = DuplicateIndex.build(session)
    built = time.perf_counter() - started
    gc.collect()
    print(f"build: {built:.2f} s for {len(index):,} customers; RSS +{_rss_mib() - rss_before:.0f} MiB")
    del index
    gc.collect()

    tracked_before = len(gc.get_objects())
    tracemalloc.start()
    start_bytes, _peak = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    with Session(engine) as session:
        index = DuplicateIndex.build(session)
    gc.collect()
    kept, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"tracemalloc: kept {(kept - start_bytes) / 2**20:.1f} MiB, peak during build {(peak - start_bytes) / 2**20:.1f} MiB")

    tracked = len(gc.get_objects())
    pauses = []
    for _ in range(5):
        started = time.perf_counter()
        gc.collect()
        pauses.append(time.perf_counter() - started)
    print(f"garbage collector: {tracked:,} tracked objects in the process, {tracked - tracked_before:+,} by the index;"
          f" full collection {min(pauses) * 1000:.0f} ms")

    with Session(engine) as session:
        made = drafts(session, draft_count, seed)
    by_kind: dict[str, list[float]] = {}
    found = 0
    for kind, draft, exclude_id in made:
        started = time.perf_counter()
        matches = index.likely_duplicates(draft, exclude_id=exclude_id)
        by_kind.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
        found += bool(matches)
    every = [ms for values in by_kind.values() for ms in values]
    print(f"likely_duplicates: {len(every)} look-ups ({found} with a match): p50 {_percentile(every, 0.5):.1f} ms,"
          f" p95 {_percentile(every, 0.95):.1f} ms, max {max(every):.1f} ms")
    for kind, values in by_kind.items():
        print(f"  {kind:<16} {len(values):>5}  p50 {_percentile(values, 0.5):5.1f} ms  p95 {_percentile(values, 0.95):5.1f} ms")

    if refreshes:
        with Session(engine) as session:
            c = table_of(Customer).c
            ids = [row[0] for row in session.execute(select(c.id))]
            chosen = random.Random(seed + 1).choices(ids, k=refreshes)
            times = []
            for customer_id in chosen:
                started = time.perf_counter()
                index.refresh(session, [customer_id])
                times.append((time.perf_counter() - started) * 1000)
        print(f"refresh of one customer, {refreshes:,} times: mean {statistics.fmean(times):.2f} ms,"
              f" p50 {_percentile(times, 0.5):.2f} ms, p95 {_percentile(times, 0.95):.2f} ms, max {max(times):.0f} ms;"
              f" last 100 mean {statistics.fmean(times[-100:]):.2f} ms")
        gc.collect()
        print(f"  then: {len(gc.get_objects()) - tracked_before:+,} tracked objects by the index")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="database URL, e.g. sqlite:////tmp/w/d100k.db (only read)")
    parser.add_argument("--drafts", type=int, default=300, help="customers to make drafts from")
    parser.add_argument("--refreshes", type=int, default=3000, help="single-customer refreshes to time (0: none)")
    parser.add_argument("--seed", type=int, default=7)
    arguments = parser.parse_args()
    run(arguments.db, arguments.drafts, arguments.refreshes, arguments.seed)


if __name__ == "__main__":
    main()
