"""Type-ahead search: index build time and memory, keystroke latency, ranking quality.

    .venv/bin/python benchmarks/search_latency.py                      # 10,000 and 100,000 customers
    .venv/bin/python benchmarks/search_latency.py --sizes 10000
    .venv/bin/python benchmarks/search_latency.py --db postgresql://postgres@127.0.0.1/scratch --sizes 10000

For each size, demo customers are generated into a new SQLite file in a
temporary folder (with --db: into that database if it has no customers yet,
else its data is used as it is; use a scratch one). The index is built, then
about 50 queries drawn from the data are typed one character at a time
through a Searcher, as the UI does, and every keystroke is timed.

Queries: name prefixes, full names with one typo, aliases (internal names),
"street city", customer numbers, phone numbers typed another way, names
with their words reversed, and words from two fields of one customer: a
name word and the city ("peeters gent"), a name word and a street word, the
customer number and a street word, the first name and the postal code.
Quality (every kind but prefixes, numbers and phones): hit@1 and hit@10 of
the customer the query was made from (its demo duplicates, or the records of
the same person or business with --data second, count as the same customer);
"alike" also counts a top hit that has every word of the query as a whole
word in its own fields ("Pieter Wouters" for "Wouters Pieter", another
Peeters in Gent), as the query cannot tell such customers apart.

--data second fills the database from benchmarks/second_generator.py, a
generator written independently of custtui's demo (one site per record,
about --sizes records), instead of the demo data.

Prints figures; asserts nothing (machines are noisy; the load average is shown).
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlmodel import Session

from custtui.db import make_engine, migrate
from custtui.demo import generate_demo
from custtui.models import Customer, Location
from custtui.services.search import Searcher, SearchIndex, fold

VERBOSE = False


@dataclass
class Query:
    kind: str
    text: str
    target: int  # customer id the query was made from


@dataclass
class Outcome:
    latencies: list[float] = field(default_factory=list)  # ms per keystroke
    full_scan: list[float] = field(default_factory=list)  # ms per keystroke, without narrowing
    was_narrowed: list[bool] = field(default_factory=list)  # per keystroke
    by_kind: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    quality: dict[str, list[tuple[bool, bool, bool]]] = field(default_factory=lambda: defaultdict(list))
    narrowed: int = 0
    disagreements: int = 0  # final top hit differs between narrowing and a full scan


def typo(rng: random.Random, text: str) -> str:
    """One typing mistake in a word of 4+ letters: swapped, dropped, doubled or wrong letter."""
    words = text.split()
    candidates = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    if not candidates:
        return text
    i = rng.choice(candidates)
    word = words[i]
    j = rng.randrange(1, len(word) - 1)
    kind = rng.choice(["swap", "drop", "double", "replace"])
    if kind == "swap":
        word = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
    elif kind == "drop":
        word = word[:j] + word[j + 1 :]
    elif kind == "double":
        word = word[:j] + word[j] + word[j:]
    else:
        neighbours = {"a": "e", "e": "a", "i": "e", "o": "u", "u": "o", "s": "z", "c": "k", "k": "c", "t": "d", "d": "t"}
        word = word[:j] + neighbours.get(word[j].lower(), "e") + word[j + 1 :]
    words[i] = word
    return " ".join(words)


def phone_other_way(phone: str) -> str | None:
    digits = "".join(c for c in phone if c.isdigit())
    if phone.strip().startswith("+32"):
        national = "0" + digits[2:]
    elif digits.startswith("0") and len(digits) >= 9:
        national = digits
    else:
        return None
    return f"{national[:4]} {national[4:6]} {national[6:8]} {national[8:]}".strip()


def make_queries(session: Session, rng: random.Random, count: int) -> list[Query]:
    """About `count` realistic queries drawn from the data, with the customer each was made from."""
    c = Customer.__table__.c  # type: ignore[attr-defined]
    loc = Location.__table__.c  # type: ignore[attr-defined]
    connection = session.connection()
    customers = connection.execute(select(c.id, c.name, c.internal_name, c.customer_number, c.phone)).all()
    locations = connection.execute(select(loc.customer_id, loc.street, loc.number, loc.postal_code, loc.city)).all()
    share = {"prefix": 8, "typo": 10, "alias": 6, "street city": 8, "number": 6, "phone": 4, "reversed": 8,
             "name city": 8, "name street": 8, "number street": 6, "first postal": 6}
    by_id = {row.id: row for row in customers}
    total = sum(share.values())
    queries: list[Query] = []
    for kind, weight in share.items():
        wanted = max(1, round(count * weight / total))
        pool = customers
        if kind == "alias":
            pool = [row for row in customers if row.internal_name]
        elif kind == "number":
            pool = [row for row in customers if row.customer_number]
        elif kind == "phone":
            pool = [row for row in customers if row.phone and phone_other_way(row.phone)]
        elif kind in ("typo", "reversed"):
            pool = [row for row in customers if len(row.name.split()) >= 2]
        if kind == "street city":
            for loc_row in rng.sample(locations, min(wanted, len(locations))):
                queries.append(Query(kind, f"{loc_row.street} {loc_row.city}".lower(), loc_row.customer_id))
            continue
        if kind in CROSS_FIELD_KINDS:
            for loc_row in rng.sample(locations, len(locations)):
                if len([q for q in queries if q.kind == kind]) >= wanted:
                    break
                text = _cross_field_query(kind, by_id[loc_row.customer_id], loc_row)
                if text:
                    queries.append(Query(kind, text, loc_row.customer_id))
            continue
        for row in rng.sample(pool, min(wanted, len(pool))):
            if kind == "prefix":
                words = row.name.split()
                text = words[0] if len(words) == 1 else f"{words[0]} {words[1][:3]}"
            elif kind == "typo":
                text = typo(rng, row.name)
            elif kind == "alias":
                text = row.internal_name
            elif kind == "number":
                text = row.customer_number
            elif kind == "phone":
                text = phone_other_way(row.phone) or row.phone
            else:
                text = " ".join(reversed(row.name.split()))
            queries.append(Query(kind, text.lower() if kind != "phone" else text, row.id))
    rng.shuffle(queries)
    return queries


CROSS_FIELD_KINDS = ("name city", "name street", "number street", "first postal")
QUALITY_KINDS = ("typo", "reversed", "alias", "street city", *CROSS_FIELD_KINDS)


def _main_word(text: str | None) -> str:
    """The longest word of 3 letters or more (a surname, a business's own word, a street's name)."""
    words = [w for w in fold(text or "").split() if len(w) >= 3 and not w.isdigit()]
    return max(words, key=len, default="")


def _cross_field_query(kind: str, customer: object, location: object) -> str:
    """Words from two fields of one customer, as a user types them; "" when the fields are missing."""
    name, number = getattr(customer, "name", ""), getattr(customer, "customer_number", None)
    street, postal, city = (getattr(location, key) for key in ("street", "postal_code", "city"))
    if kind == "name city":
        parts = [_main_word(name), fold(city or "")]
    elif kind == "name street":
        parts = [_main_word(name), _main_word(street)]
    elif kind == "number street":
        parts = [fold(number or ""), _main_word(street)]
    else:
        first = fold(name or "").split()
        parts = [first[0] if first else "", fold(postal or "")]
    return " ".join(parts) if all(parts) else ""


def run_queries(
    index: SearchIndex, queries: list[Query], names: dict[int, str], words: dict[int, set[str]],
    same: dict[int, set[int]],
) -> Outcome:
    outcome = Outcome()
    searcher = Searcher(index)
    for query in queries:
        hits = []
        for end in range(1, len(query.text) + 1):
            started = time.perf_counter()
            hits = searcher.search(query.text[:end], limit=50)
            elapsed = (time.perf_counter() - started) * 1000
            outcome.latencies.append(elapsed)
            outcome.by_kind[query.kind].append(elapsed)
            outcome.narrowed += searcher.narrowed
            outcome.was_narrowed.append(searcher.narrowed)
            started = time.perf_counter()
            index.search(query.text[:end], limit=50)
            outcome.full_scan.append((time.perf_counter() - started) * 1000)
        full = index.search(query.text, limit=50)
        if hits and full and hits[0].customer_id != full[0].customer_id and hits[0].score != full[0].score:
            outcome.disagreements += 1
        if query.kind in QUALITY_KINDS:
            right = same.get(query.target, set()) | {query.target}
            ids = [hit.customer_id for hit in hits]
            at1 = bool(ids) and ids[0] in right
            at10 = any(i in right for i in ids[:10])
            asked = set(fold(query.text).split())
            same_name = bool(ids) and (at1 or asked <= words.get(ids[0], set()))
            outcome.quality[query.kind].append((at1, at10, same_name))
            if VERBOSE and not same_name:
                shown = ", ".join(f"{names.get(h.customer_id)!r}:{h.field}:{h.score}" for h in hits[:3])
                print(f"    miss {query.kind}: {query.text!r} (target {names[query.target]!r}) -> {shown}")
    return outcome


def customer_words(session: Session) -> dict[int, set[str]]:
    """Every customer's whole words: name, alias, number and sites' street, number, postal code and city."""
    c = Customer.__table__.c  # type: ignore[attr-defined]
    loc = Location.__table__.c  # type: ignore[attr-defined]
    connection = session.connection()
    words: dict[int, set[str]] = defaultdict(set)
    for row in connection.execute(select(c.id, c.name, c.internal_name, c.customer_number)):
        words[row[0]].update(fold(" ".join(v or "" for v in row[1:])).split())
    for row in connection.execute(select(loc.customer_id, loc.street, loc.number, loc.postal_code, loc.city)):
        words[row[0]].update(fold(" ".join(v or "" for v in row[1:])).split())
    return words


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def _rss_mib() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def second_generator_data(engine: Engine, size: int, seed: int) -> dict[int, set[int]]:
    """Fill the database from the independent second generator; customer id -> the other records of its entity."""
    spec = importlib.util.spec_from_file_location("duplicates_quality", Path(__file__).parent / "duplicates_quality.py")
    assert spec is not None and spec.loader is not None
    quality = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = quality  # before running it: dataclasses look their module up
    spec.loader.exec_module(quality)
    # The generator makes 1-5 records per person or business: about 1.3 per entity.
    truth = quality.load_rows(engine, quality.second_rows(max(1, round(size / 1.3)), seed))
    by_entity: dict[str, set[int]] = defaultdict(set)
    for customer_id, entity in truth.items():
        by_entity[entity].add(customer_id)
    print(f"  second generator   {len(truth):,} records of {len(by_entity):,} people and businesses")
    return {customer_id: by_entity[entity] - {customer_id} for customer_id, entity in truth.items()}


def bench(engine: Engine, size: int, seed: int, query_count: int, memory: bool, data: str = "demo") -> None:
    with Session(engine) as session:
        existing = session.connection().execute(select(func.count()).select_from(Customer.__table__)).scalar_one()  # type: ignore[attr-defined]
    duplicates: dict[int, int] = {}
    same: dict[int, set[int]] = defaultdict(set)
    if existing == 0 and data == "second":
        same.update(second_generator_data(engine, size, seed))
    elif existing == 0:
        started = time.perf_counter()
        result = generate_demo(engine, customers=size, seed=seed)
        duplicates = result.duplicates
        print(f"  demo data          {result.customers:,} customers, {result.locations:,} locations "
              f"in {time.perf_counter() - started:.1f} s")
    else:
        print(f"  existing data      {existing:,} customers (not generated)")
    for duplicate, original in duplicates.items():
        same[duplicate].add(original)
        same[original].add(duplicate)

    gc.collect()
    rss_before = _rss_mib()
    with Session(engine) as session:
        wall, cpu = time.perf_counter(), time.process_time()
        index = SearchIndex.build(session)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        names = dict(session.connection().execute(select(Customer.__table__.c.id, Customer.__table__.c.name)).all())  # type: ignore[attr-defined]
        queries = make_queries(session, random.Random(seed), query_count)
        words = customer_words(session)
    gc.collect()
    print(f"  index build        {wall:.2f} s wall, {cpu:.2f} s CPU ({len(index):,} customers)")
    print(f"  RSS growth         {_rss_mib() - rss_before:,.0f} MiB (process RSS now {_rss_mib():,.0f} MiB)")
    if memory:
        del index
        gc.collect()
        tracemalloc.start()
        with Session(engine) as session:
            index = SearchIndex.build(session)
        gc.collect()
        retained, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"  index memory       {retained / 2**20:,.0f} MiB kept, {peak / 2**20:,.0f} MiB peak while building")

    # Warm up (first rapidfuzz / numpy calls), then type.
    Searcher(index).search("warm up")
    outcome = run_queries(index, queries, names, words, same)
    lat = outcome.latencies
    print(f"  keystrokes         {len(lat):,} over {len(queries)} queries "
          f"({outcome.narrowed:,} narrowed over the previous survivors)")
    print(f"  latency ms         p50 {statistics.median(lat):.1f}   p95 {_percentile(lat, 0.95):.1f}   "
          f"max {max(lat):.1f}   mean {statistics.fmean(lat):.1f}")
    for kind, values in sorted(outcome.by_kind.items()):
        print(f"    {kind:<16} p50 {statistics.median(values):5.1f}   p95 {_percentile(values, 0.95):5.1f}   "
              f"max {max(values):5.1f}   ({len(values)} keys)")
    for kind, rows in sorted(outcome.quality.items()):
        n = len(rows)
        at1 = sum(r[0] for r in rows)
        at10 = sum(r[1] for r in rows)
        same_name = sum(r[2] for r in rows)
        print(f"  quality {kind:<10} hit@1 {at1}/{n}   hit@10 {at10}/{n}   hit@1 or alike {same_name}/{n}")
    full = outcome.full_scan
    print(f"  same keys, each a full scan: p50 {statistics.median(full):.1f}   p95 {_percentile(full, 0.95):.1f}   "
          f"max {max(full):.1f} ms")
    narrowed = [t for t, n in zip(lat, outcome.was_narrowed, strict=True) if n]
    narrowed_full = [t for t, n in zip(full, outcome.was_narrowed, strict=True) if n]
    if narrowed:
        print(f"  the {len(narrowed)} narrowed keys: p50 {statistics.median(narrowed):.1f}   "
              f"p95 {_percentile(narrowed, 0.95):.1f} ms; as full scans: p50 {statistics.median(narrowed_full):.1f}   "
              f"p95 {_percentile(narrowed_full, 0.95):.1f} ms")
    print(f"  narrowing vs full  {outcome.disagreements} of {len(queries)} final top hits differ")

    # Incremental updates: re-read customers (unchanged rows: the cost is the same), then type again.
    ids = sorted(names)
    rng = random.Random(seed)
    with Session(engine) as session:
        for count in (1, 100, 1000):
            chosen = rng.sample(ids, min(count, len(ids)))
            started = time.perf_counter()
            index.refresh(session, chosen)
            print(f"  refresh {count:>5} customers   {(time.perf_counter() - started) * 1000:7.1f} ms")
    after = run_queries(index, queries, names, words, same).latencies
    print(f"  latency ms after   p50 {statistics.median(after):.1f}   p95 {_percentile(after, 0.95):.1f}   "
          f"max {max(after):.1f}   (with ~1,100 refreshed customers in the delta part)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--db", help="database URL (default: a new SQLite file per size in a temporary folder)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--data", choices=("demo", "second"), default="demo",
                        help="demo customers, or the independent second generator's records")
    parser.add_argument("--verbose", action="store_true", help="show the queries whose right customer is not first")
    parser.add_argument("--no-memory", action="store_true", help="skip the second, traced build that measures memory")
    args = parser.parse_args()
    global VERBOSE
    VERBOSE = args.verbose

    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    for size in args.sizes[:1] if args.db else args.sizes:
        with tempfile.TemporaryDirectory() as folder:
            url = args.db or f"sqlite:///{Path(folder) / f'search_{size}.db'}"
            engine = make_engine(url)
            migrate(engine)
            print(f"\n{size:,} customers ({engine.dialect.name})")
            bench(engine, size, args.seed, args.queries, memory=not args.no_memory, data=args.data)
            engine.dispose()


if __name__ == "__main__":
    main()
